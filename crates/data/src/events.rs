//! Engagement signals counted as of the scoring moment: only events in
//! `[created_at, created_at + window_days]` count, so nothing that happened
//! after sales touched the lead leaks into the model; with `[columns] decided_at`,
//! a decided lead's window also ends at its decision.

use std::collections::BTreeMap;

use mqlcal_config::{Config, EventsSpec};
use mqlcal_features::Outcome;
use mqlcal_scorecard::{EventWindow, EventsRule};
use serde::Serialize;

use crate::cells::{DateLayout, DateRule};
use crate::event_stream::{for_each_event_in, ActivitiesSeen, FoundBy, index_and_sums, number_activities, Event, EventColumnNames, EventKeys, IdRows};
use crate::read::ReadNotes;
use crate::id_forms;
use crate::DataError;

/// Lead ids with creation times, as the events aggregation needs them (ingest lends them).
pub struct LeadKeys<'a> {
    pub ids: &'a [String],
    pub created_at: &'a [Option<i64>],
    /// Each lead's decision date, with `[columns] decided_at`.
    pub(crate) decisions: Option<Decisions<'a>>,
    /// The ids' rows, when ingest found them already (`IdRows::new` of these same ids).
    pub(crate) id_rows: Option<IdRows>,
    /// `[columns] events_also_key`: each column's name and each lead's value of it (blank "").
    pub(crate) also: Vec<(&'a str, &'a [String])>,
    /// What the events name the leads `[exclude]` left out by, as `id_case` matches ids.
    pub(crate) excluded: polars::prelude::PlHashSet<String>,
    /// Count a sample of the leads' events by activity, for validate to tell a signal's
    /// column that is an activity's running count ([`crate::rollup`]).
    pub(crate) check_running_counts: bool,
}

impl LeadKeys<'_> {
    /// The columns of `[columns] events_also_key`, quoted, for messages.
    fn also_columns(&self) -> String {
        self.also.iter().map(|(column, _)| format!("{column:?}")).collect::<Vec<_>>().join(", ")
    }
}

/// The decision dates of `[columns] decided_at`, per lead (None: open, or blank).
pub(crate) struct Decisions<'a> {
    /// The leads column they come from.
    pub(crate) column: &'a str,
    pub(crate) at: &'a [Option<i64>],
    pub(crate) outcomes: &'a [Outcome],
    /// (file index, 1-based row) of each lead, for messages.
    pub(crate) origin: &'a [(usize, usize)],
}

/// What `[columns] decided_at` did to the engagement windows: how many decided leads
/// were decided before their window's end, and the events it left out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DecisionStats {
    /// The leads column (`[columns] decided_at`).
    pub column: String,
    /// Won and lost leads decided before their window's end (their windows end at the decision).
    pub won_decided_in_window: usize,
    pub lost_decided_in_window: usize,
    /// In-window events at or after the decision whose activity a signal counts, of won and
    /// of lost leads: left out (counted, they are what the lead did once decided).
    pub won_counted_events_after: usize,
    pub lost_counted_events_after: usize,
    /// Every in-window event at or after a decision (any activity): left out.
    pub events_after: usize,
    /// Decided leads with a blank decision date (their windows are whole).
    pub blank: usize,
    /// Of them, lost leads.
    pub lost_blank: usize,
    /// Decided leads dated before their creation (a date without a time on the day of a
    /// lead created later that day, or a record made after its deal): their windows end
    /// at creation, so none of their events count.
    pub before_created: usize,
    /// (file index, 1-based row) of the first lead decided before its creation.
    #[serde(skip)]
    pub first_before_created: Option<(usize, usize)>,
}

/// What happened to the rows of the events file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventStats {
    pub rows: usize,
    /// How the events file wrote its times (what the model records).
    #[serde(skip)]
    pub layout: Option<DateLayout>,
    /// The times say they are UTC where the layout does not (an ISO `Z`).
    #[serde(skip)]
    pub marked_utc: bool,
    /// Events inside a lead's window with an activity some signal counts.
    pub counted: usize,
    /// Events dated before the lead was created (the sum of `before_created_by_gap`).
    pub before_created: usize,
    /// Those events by how long before the creation: within a day, a week, 30 days, earlier.
    #[serde(skip)]
    pub before_created_by_gap: [usize; 4],
    /// Of those, the ones at midnight on their lead's creation day, when no event of the
    /// file has a time of day (dates without times, read as midnight): each happened that
    /// day, at a time the file does not say, and reads as before a creation time of day.
    #[serde(skip)]
    pub before_created_same_day_undated: usize,
    /// Events after the window closed (after sales contact, typically): never counted.
    pub after_window: usize,
    /// With `[columns] decided_at`: windows ended at decisions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decisions: Option<DecisionStats>,
    /// Events whose lead id matches no lead.
    pub unknown_lead: usize,
    /// Events whose lead id is the other Salesforce form (15 or 18 characters) of a lead's: counted for it.
    #[serde(skip_serializing_if = "is_zero")]
    pub by_other_id_form: usize,
    /// Events whose lead id is a lead's value of `[columns] events_also_key` (the contact it
    /// converted into): theirs, in or out of the window, and the leads they belong to.
    #[serde(skip_serializing_if = "is_zero")]
    pub by_also_key: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub also_key_leads: usize,
    /// Events whose lead id is a value of `[columns] events_also_key` two leads hold:
    /// counted for neither (not among `unknown_lead`).
    #[serde(skip_serializing_if = "is_zero")]
    pub shared_also_key: usize,
    /// Events of leads `[exclude]` left out (a test record's): counted for none (not among
    /// `unknown_lead`).
    #[serde(skip_serializing_if = "is_zero")]
    pub excluded_lead: usize,
    /// Events with a blank lead id, date or activity.
    pub blank: usize,
    /// Activities no signal counts, with their number of events (inside windows).
    pub unused_activities: BTreeMap<String, usize>,
    /// Events inside windows of an activity signals count only by its detail
    /// (`detail_contains`) whose detail none of their texts is in: not counted, by activity.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub other_details: BTreeMap<String, usize>,
    /// Those events by the month their lead was created in.
    #[serde(skip)]
    pub unused_by_month: BTreeMap<String, BTreeMap<i32, usize>>,
    pub window_days: u32,
    /// `[events] starts_before_seconds`: `before_created` then counts events before the
    /// window's start, this long before creation.
    #[serde(skip_serializing_if = "is_zero")]
    pub starts_before_seconds: u32,
    /// The latest event time in the file (seconds since the epoch): a bound on the export's as-of date.
    pub latest: Option<i64>,
    /// Events dated more than [`LATE_EVENT_DAYS`] after the last lead's creation, and the
    /// latest event up to then: a few such events (a scheduled meeting, a webinar's date)
    /// are not when the export was cut (ingest's `late_strays_warning` says so).
    #[serde(skip_serializing_if = "is_zero")]
    pub after_last_lead: usize,
    #[serde(skip)]
    pub latest_by_last_lead: Option<i64>,
    /// Activities whose events run on after every other activity's last, when the others
    /// hold at least 90 % of the known leads' events (scheduled items: a task's due date, a
    /// meeting booked ahead): their names, most events first, the others' last time and
    /// their own last.
    #[serde(skip)]
    pub running_on: Option<(Vec<String>, i64, i64)>,
    /// The first and last second of the days the bulk of the known leads' plausible
    /// events fall on ([`bulk_span`]).
    #[serde(skip)]
    pub span_of_known_leads: Option<(i64, i64)>,
    /// Activities a signal counts that never occur in the file (a typo, or a renamed activity).
    pub missing_activities: Vec<String>,
    /// Counted events that repeat an earlier one exactly (None when none does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeated: Option<RepeatedEvents>,
}

/// Counted events that repeat an earlier one exactly: same lead, same activity, same
/// second. Each copy counts, so an export appended to an overlapping one, or a sync that
/// wrote activities twice, inflates engagement without an error. Checked on every lead
/// of a file of up to 20,000 leads, on every `every`-th lead of a larger one (a power of
/// two; the memory of a million leads' events would be most of the budget).
#[derive(Debug, Clone, Serialize)]
pub struct RepeatedEvents {
    /// Repeats found among the leads checked.
    pub repeats: usize,
    /// Counted events of the leads checked.
    pub checked: usize,
    /// Every `every`-th lead (by row) was checked; 1: all of them.
    pub every: usize,
    /// The first repeat in file order: its lead's id, the activity and the time.
    pub first: (String, String, String),
}

impl RepeatedEvents {
    /// The warning on `path`, as every command that reads events words it.
    pub fn warning(&self, path: &std::path::Path) -> String {
        format!("{}: {}", path.display(), self.describe())
    }

    /// How many, the first, what does it and what to do.
    pub fn describe(&self) -> String {
        let (lead, activity, at) = &self.first;
        let how_many = match self.every {
            1 => format!("{} counted events repeat an earlier event exactly", self.repeats),
            every => format!(
                "about {} counted events repeat an earlier event exactly ({} of the {} counted events of one lead in {every}, by row)",
                self.repeats * every,
                self.repeats,
                self.checked
            ),
        };
        format!(
            "{how_many}: same lead, activity and second (the first: lead {lead:?}, {activity:?} at {at}), and each copy counts, inflating engagement. An export appended to an overlapping one, or a sync that writes activities twice, does this: remove the repeated rows"
        )
    }
}

/// The search for [`RepeatedEvents`] while the events stream by (training's aggregation
/// and `score` alike). Seeing an event is a test of its lead's row and a push, on the
/// thread that hands events on in file order; the repeats are found by sorting at the end.
pub(crate) struct RepeatCheck {
    /// Every `mask + 1`-th lead is checked (a power of two: a mask, not a division per event).
    mask: usize,
    /// (lead row, counted activity, time) of the counted events of the leads checked, in file order.
    seen: Vec<(u32, u32, i64)>,
}

impl RepeatCheck {
    /// Leads checked at most, and more than half as many in a larger file (a million
    /// leads: one in 64, 15,625 leads, about 220,000 events at the benchmark's 14 a lead: 4 MB).
    const LEADS: usize = 20_000;
    /// Events kept at most (10 MB with the sort's indices): leads with thousands of events
    /// each would otherwise keep them all. Reaching it, every other lead checked is dropped.
    const EVENTS: usize = 1 << 19;

    pub(crate) fn new(leads: usize) -> Self {
        let every = leads.div_ceil(Self::LEADS).max(1).next_power_of_two();
        RepeatCheck { mask: every - 1, seen: Vec::new() }
    }

    #[inline]
    pub(crate) fn see(&mut self, lead: usize, activity_index: usize, time: i64) {
        if lead & self.mask == 0 {
            if self.seen.len() == Self::EVENTS {
                self.thin();
            }
            if lead & self.mask == 0 {
                self.seen.push((lead as u32, activity_index as u32, time));
            }
        }
    }

    /// Check half the leads: those whose rows are multiples of twice the step, all of
    /// their events kept so far and to come.
    #[cold]
    fn thin(&mut self) {
        self.mask = self.mask * 2 + 1;
        let mask = self.mask;
        self.seen.retain(|&(lead, _, _)| lead as usize & mask == 0);
    }

    /// The repeats, when they are more than chance makes: two events of a lead and activity
    /// in one second happen (a page loaded twice; the bundled sample has 2 in 281,963), so
    /// fewer than 10, or than 1 in 1,000 of the events checked, are not reported; nor any
    /// when every time checked is a whole minute (times written to the minute or the day:
    /// two real events of a lead and activity share one often, and cannot be told from a
    /// copy). `ids` and `activities` name the lead rows and activity numbers `see` was given.
    pub(crate) fn finish(self, ids: &[String], activities: &[&str]) -> Option<RepeatedEvents> {
        let seen = self.seen;
        if seen.iter().all(|&(_, _, time)| time % 60 == 0) {
            return None;
        }
        // By key, then file order: all but the first of a key are repeats.
        let mut order: Vec<u32> = (0..seen.len() as u32).collect();
        order.sort_unstable_by_key(|&k| (seen[k as usize], k));
        let (mut repeats, mut first) = (0usize, u32::MAX);
        for pair in order.windows(2) {
            if seen[pair[0] as usize] == seen[pair[1] as usize] {
                repeats += 1;
                first = first.min(pair[1]);
            }
        }
        if repeats < 10 || repeats * 1000 < seen.len() {
            return None;
        }
        let (lead, activity, time) = seen[first as usize];
        let name = |names: &[&str], k: u32| names.get(k as usize).map_or_else(String::new, |n| n.to_string());
        Some(RepeatedEvents {
            repeats,
            checked: seen.len(),
            every: self.mask + 1,
            first: (
                ids.get(lead as usize).cloned().unwrap_or_default(),
                name(activities, activity),
                mqlcal_features::calendar::format_timestamp(time),
            ),
        })
    }
}

/// `starts_before_seconds` for events dated without a time beside creation times: from
/// creation at any time of day, back to the day's midnight and not to the day before's.
pub(crate) const SAME_DAY_SECONDS: i64 = 86_399;

/// The bounds, in days, of [`EventStats::before_created_by_gap`]'s first three counts.
const BEFORE_CREATION_GAPS: [i64; 3] = [1, 7, 30];

impl EventStats {
    /// The rows whose lead was found: neither blank, nor of no lead, nor of a lead
    /// `[exclude]` left out, nor of a value of `events_also_key` two leads hold.
    fn of_known_leads(&self) -> usize {
        self.rows - self.unknown_lead - self.blank - self.shared_also_key - self.excluded_lead
    }

    /// A warning when a large share of the events of known leads (5 %, and at least 100)
    /// are dated before their lead's creation: never counted, they are either what a
    /// tracking tool attached to the lead from before it was one, or a sign that the
    /// creation column is not the creation (a conversion or last-modified date: every
    /// window then starts late) or that the files write times in different zones (most
    /// of them within a day). The bundled sample has 0.8 %.
    fn before_creation_warning(&self, path: &std::path::Path) -> Option<String> {
        let known = self.of_known_leads();
        if self.before_created < 100 || self.before_created * 20 < known {
            return None;
        }
        let [day, week, month, earlier] = self.before_created_by_gap;
        let same_day = self.before_created_same_day_undated;
        let likely = if same_day * 2 >= self.before_created {
            format!("{same_day} of them on their lead's creation day: the events file writes dates without a time of day (read as midnight) and the creation dates have one, so an event of the creation day reads as before it. Export the events with their times (or the creation dates without theirs, so both compare by day), or set [events] starts_before_seconds = {SAME_DAY_SECONDS}: a window that starts a day less a second before creation counts exactly the creation day's events (as at creation)")
        } else if day * 2 >= self.before_created {
            "most within a day of it: do the two files write times in different time zones? (A time with its offset, 2024-03-01T09:00:00+02:00, is read as the instant it names.)".to_string()
        } else {
            "if [columns] created_at is not when the lead was created (a conversion, MQL or last-modified date), every window starts late: name the creation date. If a tracking tool attached visits from before the lead existed, this is expected.".to_string()
        };
        Some(format!(
            "{}: {} of the {known} events of known leads ({:.1} %) are dated before their lead's creation and never count (by how long before: up to a day {day}, 1-7 days {week}, 7-30 days {month}, longer {earlier}); {likely}",
            path.display(),
            self.before_created,
            100.0 * self.before_created as f64 / known.max(1) as f64,
        ))
    }
}

/// The share of the known leads' events each end of [`bulk_span`] leaves aside: a few
/// strays (an old open task Salesforce never archives, a placeholder date) do not move it.
const SPAN_TAIL_PER_MILLE: u64 = 1;

/// The first second of the first day by which more than a thousandth of the events of
/// `per_day` (counts a day from `first_day`) have come, and the last second of the last day
/// from which more than a thousandth are still to come. None without events.
fn bulk_span(per_day: &[u32], first_day: i64) -> Option<(i64, i64)> {
    let total: u64 = per_day.iter().map(|&n| u64::from(n)).sum();
    let tail = total * SPAN_TAIL_PER_MILLE / 1000;
    fn beyond<'a>(tail: u64, days: impl Iterator<Item = (usize, &'a u32)>) -> Option<i64> {
        let mut seen = 0u64;
        for (d, &n) in days {
            seen += u64::from(n);
            if seen > tail {
                return Some(d as i64);
            }
        }
        None
    }
    let first = first_day + beyond(tail, per_day.iter().enumerate())?;
    let last = first_day + beyond(tail, per_day.iter().enumerate().rev())?;
    Some((first * 86_400, (last + 1) * 86_400 - 1))
}

/// Leads whose whole window lies outside the events' span, at least this many and a
/// twentieth of those counted, are said when the other leads have a counted event often
/// enough that at least [`COVERAGE_EXPECTED`] of them would have had one.
const COVERAGE_MIN_LEADS: usize = 30;
const COVERAGE_EXPECTED: f64 = 10.0;

/// Whether `leads` of `of` leads outside the events' span are worth saying, when a share
/// `counting` of the leads inside it count an event: enough of them, and enough that
/// they would have counted some (sparse engagement is no cut export).
fn coverage_worth_saying(leads: usize, of: usize, counting: f64) -> bool {
    leads >= COVERAGE_MIN_LEADS && leads * 20 >= of && counting * leads as f64 >= COVERAGE_EXPECTED
}

/// Warnings when the events cover only part of the leads' windows: they begin long
/// after the first leads (an activity export cut at a date — Salesforce archives
/// activities older than a year — or tracking that began then), or end long before the
/// as-of date `at` (the events exported before the leads, or tracking that stopped). A
/// lead whose whole window lies before the days the known leads' events begin, or after
/// those they end, though complete by the as-of date, counts no engagement, as if it had
/// done nothing. Judged on the leads whose windows are complete at `at`; `counted[lead]`
/// says whether a lead counts any event.
pub(crate) fn coverage_gaps(path: &std::path::Path, stats: &EventStats, created_at: &[Option<i64>], at: i64, counted: &[bool]) -> Vec<CoverageGap> {
    let Some((first, last)) = stats.span_of_known_leads else { return Vec::new() };
    let window = i64::from(stats.window_days) * 86_400;
    // Complete leads: (before the first event, after the last, inside the span) and,
    // of those inside, how many count an event.
    let (mut complete, mut before, mut after, mut inside, mut inside_counted) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for (lead, created) in created_at.iter().enumerate() {
        let Some(created) = *created else { continue };
        let end = created.saturating_add(window);
        if end > at {
            continue;
        }
        complete += 1;
        if end < first {
            before += 1;
        } else if created > last {
            after += 1;
        } else if created >= first && end <= last {
            inside += 1;
            inside_counted += usize::from(counted.get(lead).copied().unwrap_or(false));
        }
    }
    let share = inside_counted as f64 / inside.max(1) as f64;
    let said = |leads: usize| coverage_worth_saying(leads, complete, share);
    let day = |t: i64| mqlcal_features::calendar::format_date(t);
    let pct = |n: usize| 100.0 * n as f64 / complete as f64;
    let others = format!("while {:.0} % of the {inside} leads whose windows lie inside those days have a counted event", 100.0 * share);
    let mut gaps = Vec::new();
    if said(before) {
        let warning = format!(
            "{}: the known leads' events begin on {} (the first 0.1 % aside), but {before} of the {complete} leads with complete windows ({:.0} %) ended their {}-day window before it: they count no engagement, as if they had done nothing, {others}. An activity export cut at a date (Salesforce archives activities older than a year; a date filter on the export) or tracking that began then does this: export the older activities, or leave the leads created before it out of the leads file (their windows are whole from then on)",
            path.display(),
            day(first),
            pct(before),
            stats.window_days,
        );
        let caution = format!(
            "{before} of the {complete} leads with complete windows ({:.0} %) came before the events begin ({}): they count no engagement, and the model learns from them as if they had done nothing.",
            pct(before),
            day(first)
        );
        gaps.push(CoverageGap { warning, caution });
    }
    if said(after) {
        let warning = format!(
            "{}: the known leads' events end on {} (the last 0.1 % aside), but {after} of the {complete} leads with complete windows ({:.0} %) were created after it, their windows judged complete by the as-of date {}: they count no engagement, as if they had done nothing, {others}. Events exported before the leads (or tracking that stopped) do this, and the latest cohorts, the holdout among them, are judged on it: export the events again with the leads, or set [input] as_of = \"{}\" so that only windows the events cover count as complete",
            path.display(),
            day(last),
            pct(after),
            mqlcal_features::calendar::format_timestamp(at),
            day(last),
        );
        let caution = format!(
            "{after} of the {complete} leads with complete windows ({:.0} %) came after the events end ({}): they count no engagement, and the latest cohorts, the holdout among them, are judged as if they had done nothing.",
            pct(after),
            day(last)
        );
        gaps.push(CoverageGap { warning, caution });
    }
    gaps
}

/// The known leads' counted events a day over the days a batch's windows span (what a
/// scored batch's events cover), counted as they stream past, and the leads that count
/// one. Over plausible dates only, as training counts them: a stray creation time (Unix
/// milliseconds read as seconds) spans no millennia.
pub(crate) struct DaysCovered {
    first_day: i64,
    per_day: Vec<u32>,
    /// Every event of the file a day (any lead, any activity, on plausible dates), from
    /// the first day on and past the last window's as far as they run: where the events
    /// end ([`DaysCovered::open_windows`]), which a model counting a rare activity would
    /// put too early.
    any_per_day: Vec<u32>,
    plausible: (i64, i64),
    counting: Vec<bool>,
}

impl DaysCovered {
    /// Over the days of every window of leads created at `created` (None: none).
    pub(crate) fn of_windows(created: &[Option<i64>], window: mqlcal_scorecard::EventWindow) -> DaysCovered {
        let plausible = (mqlcal_config::PlausibleDates::DEFAULT_EARLIEST, crate::ingest::default_latest_date(None));
        let (from, to) = created
            .iter()
            .flatten()
            .filter(|&&c| (plausible.0..=plausible.1).contains(&c))
            .fold((i64::MAX, i64::MIN), |(from, to), &c| (from.min(c), to.max(c)));
        let counting = vec![false; created.len()];
        if from > to {
            return DaysCovered { first_day: 0, per_day: Vec::new(), any_per_day: Vec::new(), plausible, counting };
        }
        let first_day = from.saturating_sub(window.starts_before).div_euclid(86_400);
        let last_day = to.saturating_add(window.seconds).div_euclid(86_400);
        let per_day = vec![0; usize::try_from(last_day - first_day + 1).unwrap_or(0)];
        DaysCovered { first_day, any_per_day: per_day.clone(), per_day, plausible, counting }
    }

    /// Lead `row` counts an event.
    #[inline]
    pub(crate) fn counts(&mut self, row: usize) {
        if let Some(counting) = self.counting.get_mut(row) {
            *counting = true;
        }
    }

    /// A counted event of a known lead at `time`.
    #[inline]
    pub(crate) fn see(&mut self, time: i64) {
        // Unsigned: a time before the first day wraps past the end.
        if let Some(day) = self.per_day.get_mut((time.wrapping_sub(self.first_day * 86_400) as u64 / 86_400) as usize) {
            *day += 1;
        }
    }

    /// Any event of the file at `time`.
    #[inline]
    pub(crate) fn see_any(&mut self, time: i64) {
        let start = self.first_day * 86_400;
        if self.per_day.is_empty() || time < start || time > self.plausible.1 {
            return;
        }
        let k = ((time - start) / 86_400) as usize;
        if k >= self.any_per_day.len() {
            self.any_per_day.resize(k + 1, 0);
        }
        self.any_per_day[k] += 1;
    }

    /// What `score` says when the events cover only part of the batch's windows: they
    /// begin more than a day after some leads' windows do (an activity export of the last
    /// days alone, an archive cut at a date), or end more than a day before some leads
    /// were created (the events exported before the leads). At least
    /// [`COVERAGE_MIN_LEADS`] leads and a twentieth of the batch; the span is the bulk of
    /// the events, as [`coverage_gaps`] takes it for training.
    pub(crate) fn gaps(&self, path: &std::path::Path, created: &[Option<i64>], window: mqlcal_scorecard::EventWindow) -> Vec<String> {
        let Some((first, last)) = bulk_span(&self.per_day, self.first_day) else { return Vec::new() };
        let plausible = |c: &&i64| self.is_plausible(**c);
        let dated = created.iter().flatten().filter(plausible).count();
        let before = created.iter().flatten().filter(plausible).filter(|&&c| c - window.starts_before < first - 86_400).count();
        let after = created.iter().flatten().filter(plausible).filter(|&&c| c > last + 86_400).count();
        // Of the leads whose whole window lies inside the span, the share that count an event.
        let inside = |c: &Option<i64>| c.is_some_and(|c| c - window.starts_before >= first && c + window.seconds <= last);
        let (leads_inside, counting_inside) = created.iter().zip(&self.counting).filter(|(c, _)| inside(c)).fold((0usize, 0usize), |(n, k), (_, &counts)| (n + 1, k + usize::from(counts)));
        let counting = counting_inside as f64 / leads_inside.max(1) as f64;
        let said = |leads: usize| coverage_worth_saying(leads, dated, counting);
        let day = |t: i64| mqlcal_features::calendar::format_date(t);
        let pct = |n: usize| 100.0 * n as f64 / dated.max(1) as f64;
        let mut gaps = Vec::new();
        if said(before) {
            gaps.push(format!(
                "{}: the batch's events begin on {} (the first 0.1 % aside), but {before} of its {dated} leads ({:.0} %) began their window more than a day before: their engagement counts only the events from then on, as if they had done nothing before. Scoring with the activities of the last days alone, or an export cut at a date, does this: pass the events from the batch's first window on ({})",
                path.display(),
                day(first),
                pct(before),
                day(created.iter().flatten().min().map_or(first, |&c| c - window.starts_before)),
            ));
        }
        if said(after) {
            gaps.push(format!(
                "{}: the batch's events end on {} (the last 0.1 % aside), but {after} of its {dated} leads ({:.0} %) were created more than a day after: they count no engagement. Events exported before the leads do this: export them again with the leads",
                path.display(),
                day(last),
                pct(after),
            ));
        }
        gaps
    }

    /// A time on a plausible date (a stray one, Unix milliseconds read as seconds, is not).
    fn is_plausible(&self, time: i64) -> bool {
        (self.plausible.0..=self.plausible.1).contains(&time)
    }

    /// Per lead of the batch: created on a plausible date, its whole window lies within the
    /// bulk of the file's events, from their first day to the end of their last (None
    /// without events on plausible dates). A batch's events of the last month only cover
    /// the windows of the leads created in it.
    pub(crate) fn closed_windows(&self, created: &[Option<i64>], window: mqlcal_scorecard::EventWindow) -> Option<Vec<bool>> {
        let (first, last) = bulk_span(&self.any_per_day, self.first_day)?;
        Some(created.iter().map(|c| c.is_some_and(|c| self.is_plausible(c) && c >= first && c.saturating_add(window.seconds) <= last + 86_400)).collect())
    }

    /// The batch's leads whose window ends more than a day after the bulk of the file's
    /// events does (None without events on plausible dates).
    pub(crate) fn open_windows(&self, created: &[Option<i64>], window: mqlcal_scorecard::EventWindow) -> Option<OpenWindows> {
        let (_, last) = bulk_span(&self.any_per_day, self.first_day)?;
        let open: Vec<bool> = created.iter().map(|c| c.is_some_and(|c| self.is_plausible(c) && c <= last + 86_400 && c.saturating_add(window.seconds) > last + 86_400)).collect();
        Some(OpenWindows {
            events_end: last,
            open,
            dated: created.iter().flatten().filter(|&&c| self.is_plausible(c)).count(),
            window_days: window.seconds as f64 / 86_400.0,
        })
    }
}

/// The leads of a scored batch whose window ends after the batch's events do: scored
/// before their window closed, they count the events so far, and their scores can still
/// change as they do more. Training leaves such leads out (immature); a batch scores
/// them, as production must, and `score` says how many.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenWindows {
    /// The last second of the last day of the bulk of the events file's events, of any
    /// lead and activity (the last 0.1 % aside, as [`DaysCovered::gaps`] takes its span).
    pub events_end: i64,
    /// Per lead of the batch: its window ends more than a day after `events_end`, and it
    /// was created by a day after (one created later counts no event: `gaps` says so).
    pub open: Vec<bool>,
    /// The batch's leads with a plausible creation time.
    pub dated: usize,
    pub window_days: f64,
}

impl OpenWindows {
    /// How many leads' windows are open.
    pub fn leads(&self) -> usize {
        self.open.iter().filter(|&&open| open).count()
    }

    /// What `score` says of them (`not_mql`: how many of them are not MQLs yet, when the
    /// model decides MQLs), when they are at least [`COVERAGE_MIN_LEADS`] or a twentieth
    /// of the batch.
    pub fn note(&self, path: &std::path::Path, not_mql: Option<usize>) -> Option<String> {
        let leads = self.leads();
        if leads == 0 || (leads < COVERAGE_MIN_LEADS && leads * 20 < self.dated) {
            return None;
        }
        let not_yet = not_mql
            .map(|n| format!(" ({n} of them not MQLs yet). Scored again as their events come, a lead is an MQL once it qualifies; judge a batch's MQLs against capacity on leads whose windows have closed"))
            .unwrap_or_default();
        Some(format!(
            "{}: the events end on {} (the last 0.1 % aside), before the {}-day windows of {} of the batch's {} leads ({:.0} %) do: those leads count their events so far, and their scores can still change{not_yet}",
            path.display(),
            mqlcal_features::calendar::format_date(self.events_end),
            self.window_days,
            leads,
            self.dated,
            100.0 * leads as f64 / self.dated.max(1) as f64,
        ))
    }
}

/// Leads the events do not cover: the warning validate prints, and the sentence the
/// report's summary lists before deciding.
pub(crate) struct CoverageGap {
    pub warning: String,
    pub caution: String,
}

pub struct EventAggregation {
    pub stats: EventStats,
    /// One column per events signal, in config order, one value per lead.
    pub columns: Vec<Vec<f64>>,
    /// Per lead: it has an event a signal counts (in its window, before its decision).
    pub counted_leads: Vec<bool>,
    /// With `LeadKeys::check_running_counts`: the events of every activity, of the leads
    /// checked, over all time and in the window (before the decision).
    pub(crate) running_counts: Option<crate::rollup::EventCounts>,
}

pub fn aggregate(
    config: &Config,
    spec: &EventsSpec,
    leads: &mut LeadKeys<'_>,
    notes: &mut ReadNotes,
) -> Result<EventAggregation, DataError> {
    let shown = spec.shown();
    let path = shown.as_path();
    if leads.created_at.iter().any(Option::is_none) {
        return Err(DataError::Config {
            message: format!(
                "{}: events need each lead's creation date to apply the {}-day window; set [columns] created_at",
                path.display(),
                spec.window_days
            ),
        });
    }

    // The events rule of every feature column that counts events, in config order.
    let recipes = config.recipes();
    let events_signals: Vec<&EventsRule> = recipes.iter().filter_map(|(_, recipe)| recipe.events()).collect();
    // Each counted activity's number (what the events file's reader looks it up to) and
    // the events signals that count it.
    let (activity_index, counted_by) =
        number_activities(events_signals.iter().enumerate().flat_map(|(k, rule)| rule.distinct_activities().map(move |a| (a, rule.detail_contains.as_slice(), k))));
    let (lead_index, mut columns) = index_and_sums(leads.ids, config.id_case, leads.id_rows.take(), events_signals.len(), path)?;
    let lead_index = match leads.also.is_empty() {
        true => lead_index,
        false => {
            let (names, values): (Vec<&str>, Vec<&[String]>) = leads.also.iter().copied().unzip();
            lead_index.with_also_keys(&names, &values, config.events_also_key_separator.as_deref(), config.id_case, path, &mut notes.warnings)?
        }
    };
    let keys = EventKeys { leads: &lead_index, activities: &activity_index };
    let window = spec.window();
    let mut stats = EventStats { window_days: spec.window_days, starts_before_seconds: spec.starts_before_seconds, ..Default::default() };
    // The decisions with their tally, or neither.
    let mut decisions = leads.decisions.as_ref().map(|d| (d, decision_tally(d, leads.created_at, window)));
    let mut sample_event: Option<String> = None;
    let mut other_form = id_forms::OtherFormMatches::default();
    let mut case_only = id_forms::CaseOnlyMatches::default();
    // Which counted activities occur at all in the file.
    let mut seen = ActivitiesSeen::new(&activity_index);
    let mut repeats = RepeatCheck::new(leads.ids.len());
    let late_after = leads.created_at.iter().flatten().max().map(|last| last.saturating_add(LATE_EVENT_DAYS * 86_400));
    // The known leads' events a day, over the plausible dates (a 1970 "null" or a 9999
    // placeholder is none), and the leads that count an event.
    let (plausible_from, plausible_to) = crate::ingest::plausible_dates(config);
    let first_plausible_day = plausible_from.div_euclid(86_400);
    let mut per_day = vec![0u32; usize::try_from(plausible_to.div_euclid(86_400) - first_plausible_day + 1).unwrap_or(0)];
    let mut counted_leads = vec![false; leads.ids.len()];
    // The leads an event found by `[columns] events_also_key` (empty without it).
    let mut also_key_leads = vec![false; if leads.also.is_empty() { 0 } else { leads.ids.len() }];
    // Per counted activity: its events counted in a window, and those less than a day
    // before their lead's creation (left out), by how long before.
    let mut at_creation = vec![JustBefore::default(); counted_by.len()];
    // Per activity, the known leads' events and the last of them: counted activities by
    // number, the others by name.
    let mut last_of_counted = vec![(0usize, i64::MIN); counted_by.len()];
    // Keyed by the activity's text without a String per event (`entry_ref` allocates only for a new one).
    let mut last_of_other: polars::prelude::PlHashMap<String, (usize, i64)> = Default::default();
    // Per activity no signal counts, its events in windows by their lead's creation month
    // (what pairs a signal's activity that ends with one that begins; summed, its count).
    let mut unused: polars::prelude::PlHashMap<String, BTreeMap<i32, usize>> = Default::default();
    // Per activity counted only by its detail, its events of other details (in windows).
    let mut other_details: BTreeMap<String, usize> = BTreeMap::new();
    // Each lead's creation month, worked out once a lead at the first such event.
    let mut lead_months: Vec<i32> = Vec::new();
    let mut running_counts = leads.check_running_counts.then(|| crate::rollup::EventCounts::new(leads.ids.len()));

    let names = EventColumnNames { lead_id: &spec.lead_id, occurred_at: &spec.occurred_at, activity: &spec.activity, detail: crate::event_stream::detail_column(spec.detail.as_deref(), events_signals.iter().copied()) };
    // Events at midnight on their lead's creation day and before it; whether any event of
    // the file has a time of day (then those are not dates without times).
    let (mut midnight_same_day, mut any_time_of_day) = (0usize, false);
    let mut count = |event: Event<'_>| {
        if let Some(later) = event.later {
            crate::random_reads::prefetch_at(leads.created_at, later.lead);
            if let Some((decisions, _)) = &decisions {
                crate::random_reads::prefetch_at(&decisions.at, later.lead);
            }
            crate::random_reads::prefetch_at(&counted_leads, later.lead);
            for &k in later.counted.map_or(&[][..], |index| &counted_by[index]) {
                crate::random_reads::prefetch_at(&columns[k], later.lead);
            }
        }
        if let Some(time) = event.occurred_at {
            any_time_of_day |= time.rem_euclid(86_400) != 0;
            stats.latest = Some(stats.latest.map_or(time, |l: i64| l.max(time)));
            match late_after {
                Some(late) if time > late => stats.after_last_lead += 1,
                _ => stats.latest_by_last_lead = Some(stats.latest_by_last_lead.map_or(time, |l: i64| l.max(time))),
            }
        }
        seen.see(keys.activities, event.counted, event.activity);
        let (Some(id), Some(activity), Some(time)) = (event.lead_id, event.activity, event.occurred_at) else {
            stats.blank += 1;
            return;
        };
        let Some(lead) = event.lead else {
            if keys.leads.shared_also_key(id) {
                stats.shared_also_key += 1;
                return;
            }
            if !leads.excluded.is_empty() && leads.excluded.contains(config.id_case.key(id).as_ref()) {
                stats.excluded_lead += 1;
                return;
            }
            stats.unknown_lead += 1;
            if sample_event.is_none() {
                sample_event = Some(id.to_string());
            }
            case_only.see(id, leads.ids);
            return;
        };
        match event.found_by {
            FoundBy::OtherForm => other_form.add(id, &leads.ids[lead]),
            FoundBy::AlsoKey => {
                stats.by_also_key += 1;
                also_key_leads[lead] = true;
            }
            FoundBy::Id => {}
        }
        let last = match event.counted {
            Some(index) => &mut last_of_counted[keys.activities.first(index)],
            None => last_of_other.entry_ref(activity).or_insert((0, i64::MIN)),
        };
        // A placeholder time (9999-12-31) is no activity's last.
        if time <= plausible_to {
            *last = (last.0 + 1, last.1.max(time));
        }
        // Unsigned: a time before the first plausible day wraps past the end.
        if let Some(day) = per_day.get_mut((time.wrapping_sub(first_plausible_day * 86_400) as u64 / 86_400) as usize) {
            *day += 1;
        }
        let created = leads.created_at[lead].unwrap_or(0);
        if let Some(running_counts) = running_counts.as_mut().filter(|c| c.checks(lead)) {
            let decided_before = decisions.as_ref().is_some_and(|(decisions, _)| decisions.at[lead].is_some_and(|decided| time >= decided));
            running_counts.add(lead, activity, window.contains(created, time) && !decided_before);
        }
        if !window.contains(created, time) {
            if time < created {
                let gap = created - time;
                stats.before_created_by_gap[BEFORE_CREATION_GAPS.iter().position(|&days| gap <= days * 86_400).unwrap_or(3)] += 1;
                if time.rem_euclid(86_400) == 0 && time.div_euclid(86_400) == created.div_euclid(86_400) {
                    midnight_same_day += 1;
                }
                if let Some(index) = event.counted {
                    at_creation[keys.activities.first(index)].see_before(gap);
                }
            } else {
                stats.after_window += 1;
            }
            return;
        }
        if let Some((decisions, tally)) = decisions.as_mut() {
            if decisions.at[lead].is_some_and(|decided| time >= decided) {
                tally.events_after += 1;
                if event.counted.is_some() {
                    match decisions.outcomes[lead] {
                        Outcome::Won => tally.won_counted_events_after += 1,
                        _ => tally.lost_counted_events_after += 1,
                    }
                }
                return;
            }
        }
        match event.counted {
            None if keys.activities.number(activity).is_some() => match other_details.get_mut(activity) {
                Some(n) => *n += 1,
                None => {
                    other_details.insert(activity.to_string(), 1);
                }
            },
            None => {
                let by_month = unused.entry_ref(activity).or_default();
                if lead_months.is_empty() {
                    lead_months = leads.created_at.iter().map(|c| c.map_or(0, mqlcal_features::calendar::month_of)).collect();
                }
                *by_month.entry(lead_months[lead]).or_insert(0) += 1;
            }
            Some(index) => {
                stats.counted += 1;
                at_creation[keys.activities.first(index)].inside += 1;
                counted_leads[lead] = true;
                repeats.see(lead, index, time);
                for &k in &counted_by[index] {
                    columns[k][lead] += events_signals[k].weight_in(window, created, time);
                }
            }
        }
    };
    let read = for_each_event_in(&spec.paths, &config.csv, &names, &spec.date_format, |format| DateRule::configured(format), config.time_zone.as_ref(), &keys, notes, &mut count)?;
    stats.rows = read.rows;
    stats.layout = Some(read.layout);
    stats.marked_utc = read.marked_utc;
    stats.span_of_known_leads = bulk_span(&per_day, first_plausible_day);
    stats.other_details = other_details;
    for (activity, by_month) in unused {
        stats.unused_activities.insert(activity.clone(), by_month.values().sum());
        stats.unused_by_month.insert(activity, by_month);
    }
    // An activity no event has; one that has events, none of a detail a signal counts, is
    // said by its texts below.
    let mut missing: Vec<String> = seen.missing(&activity_index).into_iter().map(str::to_string).collect();
    // A filtered activity's events of other details are its own too (one activity, once).
    for (activity, first) in activity_index.iter() {
        if let Some((events, last)) = last_of_other.remove(activity) {
            let merged = &mut last_of_counted[first];
            *merged = (merged.0 + events, merged.1.max(last));
        }
    }
    let names = keys.activities.names();
    let per_activity = last_of_counted.iter().zip(names).map(|(&last, name)| (name.to_string(), last)).chain(last_of_other);
    stats.running_on = running_on(per_activity.filter(|(_, (events, _))| *events > 0).collect());

    check_some_match(spec, &stats, leads.ids, sample_event.as_deref(), &case_only)?;
    missing.sort();
    if !missing.is_empty() {
        notes.warnings.push(format!(
            "{}: no event has the activity {} that a signal counts (column {:?}); check the spelling against the file's activities",
            path.display(),
            missing.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "),
            spec.activity
        ));
    }
    stats.missing_activities = missing;
    notes.warnings.extend(details_never_held(path, spec.detail.as_deref(), &seen.texts_never_held(&activity_index, 1)));
    stats.decisions = decisions.map(|(_, tally)| tally);
    stats.by_other_id_form = other_form.count;
    stats.also_key_leads = also_key_leads.iter().filter(|&&a| a).count();
    notes.warnings.extend(also_key_note(path, leads, config.events_also_key_separator.is_some(), &stats));
    if let Some(note) = other_form.note("events", "the events' lead ids", "the leads' ids") {
        // The scorer matches so too; the SQL exports match ids as written (the warehouse's
        // tables, synced from one system, usually share one form).
        notes.warnings.push(format!(
            "{}: {note}. `mqlcal score` matches them so too, but the SQL exports match ids as written: in the warehouse, give the events and the leads one form of id",
            path.display()
        ));
    }
    if stats.unknown_lead > 0 {
        let rounded = sample_event.as_deref().filter(|id| crate::lead_rows::rounded_by_a_spreadsheet(id)).map(crate::lead_rows::rounded_elsewhere).unwrap_or_default();
        let case = case_only.clause(false).map(|c| format!("; {c}")).unwrap_or_default();
        notes.warnings.push(format!("{}: {} events belong to no known lead and were ignored{rounded}{case}", path.display(), stats.unknown_lead));
    }
    stats.before_created = stats.before_created_by_gap.iter().sum();
    stats.before_created_same_day_undated = if any_time_of_day { 0 } else { midnight_same_day };
    notes.warnings.extend(stats.before_creation_warning(path));
    notes.warnings.extend(just_before_creation(path, &at_creation, keys.activities.names()));
    stats.repeated = repeats.finish(leads.ids, keys.activities.names());
    notes.warnings.extend(stats.repeated.as_ref().map(|r| r.warning(path)));

    for (column, rule) in columns.iter_mut().zip(&events_signals) {
        for v in column.iter_mut() {
            *v = rule.finish(*v);
        }
    }
    Ok(EventAggregation { stats, columns, counted_leads, running_counts })
}

/// The activities whose events run on more than [`LATE_EVENT_DAYS`] after the last event of
/// the others, when those others hold at least 90 % of the events: `(name, (events, last))`.
fn running_on(mut activities: Vec<(String, (usize, i64))>) -> Option<(Vec<String>, i64, i64)> {
    let total: usize = activities.iter().map(|(_, (n, _))| n).sum();
    activities.sort_by(|a, b| a.1 .1.cmp(&b.1 .1).then_with(|| a.0.cmp(&b.0)));
    let mut held = 0;
    let bulk = activities.iter().position(|(_, (n, _))| {
        held += n;
        10 * held >= 9 * total
    })?;
    let end = activities[bulk].1 .1;
    let mut late: Vec<&(String, (usize, i64))> = activities[bulk + 1..].iter().filter(|(_, (_, last))| *last > end + LATE_EVENT_DAYS * 86_400).collect();
    if late.is_empty() {
        return None;
    }
    let late_last = late.iter().map(|(_, (_, last))| *last).max().unwrap_or(end);
    late.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    Some((late.into_iter().map(|(name, _)| name.clone()).collect(), end, late_last))
}

/// An activity whose events mostly fall less than a day before their lead's creation (at
/// least this many of them) is said: they count for nothing.
pub(crate) const JUST_BEFORE_CREATION_MIN: usize = 20;

/// How long before creation the events of [`JustBefore`] are tallied by (seconds, up to a
/// day): the `starts_before_seconds` validate may suggest.
const JUST_BEFORE_STEPS: [i64; 5] = [60, 300, 900, 3_600, 86_400];

/// The longest step suggested as `starts_before_seconds`: a lag of hours is a clock in
/// another time zone, for which the fix is the zone, not a wider window.
const JUST_BEFORE_SUGGESTED_MAX: i64 = 3_600;

/// One counted activity's events inside a window and those less than a day before their
/// lead's creation, by [`JUST_BEFORE_STEPS`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct JustBefore {
    pub(crate) inside: usize,
    before_by_step: [usize; JUST_BEFORE_STEPS.len()],
}

impl JustBefore {
    /// An event `gap` seconds before its lead's creation (tallied when up to a day).
    pub(crate) fn see_before(&mut self, gap: i64) {
        if let Some(step) = JUST_BEFORE_STEPS.iter().position(|&s| gap <= s) {
            self.before_by_step[step] += 1;
        }
    }

    pub(crate) fn before(&self) -> usize {
        self.before_by_step.iter().sum()
    }

    /// Whether the activity's events lie mostly just before creation: said, and (by
    /// init) the window drafted to start early when [`JustBefore::suggested`] is Some.
    pub(crate) fn mostly_before(&self) -> bool {
        self.before() >= JUST_BEFORE_CREATION_MIN && self.before() > self.inside
    }

    /// The shortest step, up to an hour, that holds 99 % of the events before creation,
    /// with how many it holds.
    pub(crate) fn suggested(&self) -> Option<(i64, usize)> {
        let before = self.before();
        let mut held = 0;
        for (&step, &n) in JUST_BEFORE_STEPS.iter().zip(&self.before_by_step) {
            held += n;
            if step > JUST_BEFORE_SUGGESTED_MAX {
                return None;
            }
            if held * 100 >= before * 99 {
                return Some((step, held));
            }
        }
        None
    }
}

/// Counted activities most of whose events lie just before their lead's creation (per
/// activity, in the order of `names`): the activity that creates the lead (a form fill)
/// stamped a moment before the lead record, or creation dates and event times on
/// different clocks. The window starts at creation, so those events count for nothing and
/// the signal loses the very activity it was meant for; the share of all events before
/// creation can stay small enough to pass unsaid. When nearly all lie within an hour, the
/// window that starts early enough to count them is suggested.
fn just_before_creation(path: &std::path::Path, at_creation: &[JustBefore], names: &[&str]) -> Vec<String> {
    at_creation
        .iter()
        .zip(names)
        .filter(|(tally, _)| tally.mostly_before())
        .map(|(tally, name)| {
            let (before, inside) = (tally.before(), tally.inside);
            let fix = match tally.suggested() {
                Some((step, held)) => format!(
                    "the activity that creates the lead (a form fill) stamped a moment before the lead record? {held} of them ({:.0} %) are at most {step} seconds before: set [events] starts_before_seconds = {step} to start the windows that long before creation and count them (as at creation), or export both from one system, on one clock",
                    100.0 * held as f64 / before as f64
                ),
                None => format!("creation dates and event times on different clocks (time zones), or the activity that creates the lead stamped before the lead record? Export both from one system, on one clock, so the signals counting {name:?} see its events"),
            };
            format!(
                "{}: activity {name:?}: {before} of its events are dated less than a day before their lead's creation, against {inside} inside the windows, and do not count: {fix}",
                path.display()
            )
        })
        .collect()
}

impl DecisionStats {
    /// What the cut did, in words (validate prints it after "decisions (column ...)", the
    /// report after "Engagement windows end at decisions"): leads decided inside their
    /// window and the events left out, per won and per lost lead (how much would have leaked).
    pub fn describe(&self, window_days: u32) -> String {
        let per = |events: usize, leads: usize| if leads == 0 { "-".to_string() } else { format!("{:.1}", events as f64 / leads as f64) };
        format!(
            "{} won and {} lost leads were decided before their {window_days}-day window ended, which then ends at the decision; {} in-window events came at or after a decision and are not counted, {} of them of activities a signal counts ({} per won lead decided in its window, {} per lost)",
            self.won_decided_in_window,
            self.lost_decided_in_window,
            self.events_after,
            self.won_counted_events_after + self.lost_counted_events_after,
            per(self.won_counted_events_after, self.won_decided_in_window),
            per(self.lost_counted_events_after, self.lost_decided_in_window),
        )
    }
}

/// Days after the last lead's creation beyond which an event is late: an export is cut
/// days, not weeks, after its last lead arrived, unless leads stopped arriving.
pub(crate) const LATE_EVENT_DAYS: i64 = 7;

/// The share of the events file's rows below which late events are strays (a scheduled
/// meeting, a webinar's date) rather than the activity of days the export covers: a week
/// of a two-year file is about 1 %.
pub(crate) const STRAY_LATE_SHARE: f64 = 0.001;

/// The outcome whose leads alone have decision dates: at least 90 % of its leads dated and
/// at most 10 % of the other's (each with at least 20 leads), as a date only won leads get ("Became a Customer Date") or
/// only lost ones ("Disqualified Date") is. `(dated, leads)` of won and of lost leads.
pub(crate) fn dated_side(won: (usize, usize), lost: (usize, usize)) -> Option<Outcome> {
    // Too few leads of an outcome say nothing of how the export fills the column.
    const LEADS: usize = 20;
    let share = |(dated, leads): (usize, usize)| if leads < LEADS { None } else { Some(dated as f64 / leads as f64) };
    match (share(won)?, share(lost)?) {
        (w, l) if w >= 0.9 && l <= 0.1 => Some(Outcome::Won),
        (w, l) if l >= 0.9 && w <= 0.1 => Some(Outcome::Lost),
        _ => None,
    }
}

/// What a decision date that one outcome alone has does to the windows, in words (the
/// validate warning and init's comment). Won only ("Became a Customer Date"): the
/// onboarding leak is cut, but a lost lead's activity after its decision (nurture after a
/// disqualification) still counts. Lost only: the won leads' onboarding still counts, so
/// the leak stays open.
pub(crate) fn one_sided_dates(column: &str, side: Outcome, won: (usize, usize), lost: (usize, usize)) -> String {
    let dated = format!("({} of {} won, {} of {} lost leads dated)", won.0, won.1, lost.0, lost.1);
    match side {
        Outcome::Won => format!(
            "{column:?} is a date only won leads have {dated}: won leads' windows end at their decision and lost leads' stay whole, so a lost lead's activity after its decision (nurture e-mails after a disqualification) still counts as engagement; where lost leads keep receiving campaigns, use a date both outcomes have (a close date, a last status change)"
        ),
        _ => format!(
            "{column:?} is a date only lost leads have {dated}: lost leads' windows end at their decision and won leads' stay whole, so the won leads' onboarding after the win still counts as engagement: the leak decided_at is for stays open; use a date won leads have too (a close date)"
        ),
    }
}

/// The decision tally before any event is read: which decided leads' windows end at
/// their decision, which have no date, which were decided before their creation.
fn decision_tally(decisions: &Decisions<'_>, created_at: &[Option<i64>], window: EventWindow) -> DecisionStats {
    let mut tally = DecisionStats { column: decisions.column.to_string(), ..Default::default() };
    for (lead, at) in decisions.at.iter().enumerate() {
        let outcome = decisions.outcomes[lead];
        let (Some(at), Some(created)) = (at, created_at[lead]) else {
            tally.blank += usize::from(outcome != Outcome::Open);
            tally.lost_blank += usize::from(outcome == Outcome::Lost);
            continue;
        };
        if *at < created {
            tally.before_created += 1;
            tally.first_before_created.get_or_insert(decisions.origin[lead]);
        }
        if *at <= window.end(created) {
            match outcome {
                Outcome::Won => tally.won_decided_in_window += 1,
                _ => tally.lost_decided_in_window += 1,
            }
        }
    }
    tally
}

/// A warning when the events found by `[columns] events_also_key` need a look: none was
/// (the wrong column?), some name a value two leads hold (counted for neither), or events
/// of unknown leads beside cells that hold several values and no `separated` (the ids of
/// records merged into a lead, read as one id). Found as configured, they are no warning:
/// `validate` counts them beside the unknown ones.
fn also_key_note(path: &std::path::Path, leads: &LeadKeys<'_>, separated: bool, stats: &EventStats) -> Option<String> {
    if leads.also.is_empty() {
        return None;
    }
    let columns = leads.also_columns();
    let shared = match stats.shared_also_key {
        0 => String::new(),
        n => format!("; {n} events name a value two leads hold, and count for neither"),
    };
    let several = (!separated && stats.unknown_lead > 0).then(|| several_in_a_cell(leads)).flatten().map(|(separator, cells, example)| {
        format!(": {cells} of its cells hold several values between {separator:?}s, such as {example:?} (the ids of records merged into a lead?), each read as one id; set [columns] events_also_key_separator = {separator:?} to read them apart")
    });
    Some(match (stats.by_also_key, stats.shared_also_key, several) {
        (0, _, Some(several)) => format!("{}: no event names a lead by [columns] events_also_key (column {columns}){shared}{several}", path.display()),
        (0, _, None) => format!(
            "{}: no event names a lead by [columns] events_also_key (column {columns}){shared}: check that the events' lead ids are that column's values (a converted lead's contact id), or remove the key",
            path.display()
        ),
        (n, _, Some(several)) => format!("{}: {n} events name their lead by [columns] events_also_key (column {columns}), for {} leads{shared}{several}", path.display(), stats.also_key_leads),
        (_, 0, None) => return None,
        (n, _, None) => format!("{}: {n} events name their lead by [columns] events_also_key (column {columns}), for {} leads: counted as theirs{shared}", path.display(), stats.also_key_leads),
    })
}

/// What may separate several ids in one cell (HubSpot's merged ids: `"101;102"`): what
/// init tries and validate looks for.
pub(crate) const ID_SEPARATORS: [&str; 3] = [";", ",", "|"];

/// Of [`ID_SEPARATORS`], the one the most cells of the `events_also_key` columns hold
/// (`"101;102"`: the ids of records merged into a lead), how many do, and the first.
fn several_in_a_cell(leads: &LeadKeys<'_>) -> Option<(&'static str, usize, String)> {
    let cells = || leads.also.iter().flat_map(|(_, values)| values.iter());
    ID_SEPARATORS
        .into_iter()
        .map(|separator| (separator, cells().filter(|v| v.contains(separator)).count()))
        .filter(|&(_, holding)| holding > 0)
        // The most cells; on a tie, the first listed.
        .fold(None, |best: Option<(&'static str, usize)>, (separator, holding)| match best {
            Some((_, most)) if most >= holding => best,
            _ => Some((separator, holding)),
        })
        .map(|(separator, holding)| (separator, holding, cells().find(|v| v.contains(separator)).cloned().unwrap_or_default()))
}

/// An events file none of whose lead ids matches a lead is a wrong column or a wrong file.
fn check_some_match(
    spec: &EventsSpec,
    stats: &EventStats,
    ids: &[String],
    sample_event: Option<&str>,
    case_only: &id_forms::CaseOnlyMatches,
) -> Result<(), DataError> {
    let matched = stats.of_known_leads();
    if stats.rows > 0 && matched == 0 {
        let sample_lead = ids.first().cloned().unwrap_or_default();
        let sample_event = sample_event.unwrap_or_default();
        return Err(DataError::File {
            path: spec.shown(),
            message: format!(
                "none of the {} events' lead ids (column {:?}, e.g. {sample_event:?}) matches a lead id (e.g. {sample_lead:?}); {}",
                stats.rows,
                spec.lead_id,
                if crate::lead_rows::rounded_by_a_spreadsheet(sample_event) {
                    crate::lead_rows::rounded_elsewhere(sample_event).trim_start_matches("; ").to_string()
                } else if let Some(whose) = [(sample_lead.as_str(), "leads'"), (sample_event, "events'")].into_iter().find_map(|(id, whose)| mqlcal_scorecard::excel_text_formula(id).map(|_| whose)) {
                    format!("the {whose} ids are written as Excel's =\"…\", which keeps a spreadsheet from reading them as numbers (an export made for Excel): export them as plain text")
                } else if let Some(case) = case_only.clause(false) {
                    case
                } else {
                    "check [events] lead_id and [columns] id".to_string()
                },
            ),
        });
    }
    Ok(())
}

/// The warning for the `detail_contains` texts no event's detail held, of activities the
/// events have ([`ActivitiesSeen::texts_never_held`]), in training and in scoring alike.
pub(crate) fn details_never_held(path: &std::path::Path, column: Option<&str>, never: &[(&str, &str)]) -> Option<String> {
    let column = column?;
    let named: Vec<String> = never.iter().map(|(activity, text)| format!("{text:?} (activity {activity:?})")).collect();
    (!named.is_empty()).then(|| {
        format!(
            "{}: no event's detail (column {column:?}) holds {}, which detail_contains names, so the signals filtering on it count none; check the text against the file's details (A-Z match in either case, every other character as written)",
            path.display(),
            named.join(", ")
        )
    })
}

pub(crate) fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

#[cfg(test)]
mod tests {
    /// A scored batch's leads and events: leads created a day apart from 2024-01-01, each
    /// with an event a day after its creation when `active(k)`, from `from_day` on.
    fn covered(leads: usize, from_day: i64, active: impl Fn(usize) -> bool) -> Vec<String> {
        let (day, jan_2024) = (86_400, 19_723 * 86_400);
        let window = mqlcal_scorecard::EventWindow::from_days(30);
        let created: Vec<Option<i64>> = (0..leads).map(|k| Some(jan_2024 + k as i64 * day)).collect();
        let mut days = super::DaysCovered::of_windows(&created, window);
        for (k, c) in created.iter().enumerate() {
            let t = c.unwrap() + day;
            if active(k) && t >= jan_2024 + from_day * day {
                days.see(t);
                days.counts(k);
            }
        }
        days.gaps(std::path::Path::new("events.csv"), &created, window)
    }

    #[test]
    fn a_scored_batch_whose_events_begin_late_is_said_unless_its_engagement_is_sparse() {
        // Every lead active, events from day 200 on: 199 leads began their window before.
        let said = covered(400, 200, |_| true);
        assert!(said.len() == 1 && said[0].contains("but 199 of its 400 leads (50 %) began their window more than a day before"), "{said:?}");
        assert!(covered(400, 0, |_| true).is_empty(), "events from the first window on");
        // One lead in 50 active: the leads inside the span count too few events for the
        // ones before it to be missed (199 × 2 % < 10).
        assert!(covered(400, 200, |k| k % 50 == 0).is_empty());
        // A creation time a thousand times too late (milliseconds read as seconds) is no
        // plausible date: the days counted stay the batch's, and it is no lead of the span.
        let mut days = super::DaysCovered::of_windows(&[Some(19_723 * 86_400), Some(1_704_067_200_000)], mqlcal_scorecard::EventWindow::from_days(30));
        assert!(days.per_day.len() < 40, "{}", days.per_day.len());
        days.see(19_724 * 86_400);
    }

    /// Leads created a day apart from 2024-01-01 with an event a day after each creation
    /// up to day `last_event`: a lead is scored before its window closed when its 30-day
    /// window ends more than a day after the events' last day, and one created more than a
    /// day after that is no such lead (it counts no event: `gaps` says so).
    #[test]
    fn a_scored_batch_counts_the_leads_whose_window_ends_after_its_events() {
        let (day, jan_2024) = (86_400, 19_723 * 86_400);
        let window = mqlcal_scorecard::EventWindow::from_days(30);
        let open = |leads: usize, last_event: i64| {
            let created: Vec<Option<i64>> = (0..leads).map(|k| Some(jan_2024 + k as i64 * day)).collect();
            let mut days = super::DaysCovered::of_windows(&created, window);
            for (k, c) in created.iter().enumerate() {
                let t = c.unwrap() + day;
                if t <= jan_2024 + last_event * day {
                    days.see(t);
                    days.see_any(t);
                    days.counts(k);
                }
            }
            days.open_windows(&created, window)
        };
        // Events to day 1000, whose one event is the last 0.1 % left aside: they end with
        // day 999. Windows from day 971 on end at day 1001 or later, more than a day
        // after; days 971 to 999 are 29 leads.
        let found = open(1000, 1000).unwrap();
        assert_eq!((found.leads(), found.dated, found.events_end), (29, 1000, jan_2024 + 1000 * day - 1));
        assert!(found.open[971] && !found.open[970] && found.open[999]);
        // 29 of 1000 is neither 30 leads nor a twentieth: not said.
        assert_eq!(found.note(std::path::Path::new("events.csv"), Some(20)), None);
        // 500 leads, events to day 300: open from day 272 to day 301, a day after the
        // events end; those created later count no event (`gaps` says so).
        let found = open(500, 300).unwrap();
        assert_eq!(found.leads(), 30, "days 272 to 301");
        assert!(found.open[301] && !found.open[302]);
        let note = found.note(std::path::Path::new("events.csv"), Some(25)).unwrap();
        assert!(note.starts_with("events.csv: the events end on 2024-10-27 (the last 0.1 % aside), before the 30-day windows of 30 of the batch's 500 leads (6 %) do: those leads count their events so far, and their scores can still change (25 of them not MQLs yet)."), "{note}");
        assert!(!found.note(std::path::Path::new("events.csv"), None).unwrap().contains("MQL"), "a model without a threshold");
        // A batch of 10 leads, every window open: a twentieth and more.
        let found = open(10, 12).unwrap();
        assert_eq!(found.leads(), 10);
        assert!(found.note(std::path::Path::new("events.csv"), Some(10)).is_some());
        assert!(open(10, -5).is_none(), "no event: no end");
        // Events that run on past every window (what leads did once sales had them) end
        // where they end, not with the last window: no window is open. So do events the
        // model does not count (any activity, any lead): a rare counted activity's last
        // event is not the export's end.
        let created: Vec<Option<i64>> = (0..100).map(|k| Some(jan_2024 + k * day)).collect();
        let mut days = super::DaysCovered::of_windows(&created, window);
        for k in 0..100 {
            days.see(jan_2024 + (k + 1) * day);
            days.see_any(jan_2024 + (k + 1) * day);
            days.see_any(jan_2024 + (k + 200) * day);
        }
        let found = days.open_windows(&created, window).unwrap();
        assert_eq!((found.leads(), found.events_end), (0, jan_2024 + 300 * day - 1));
        // Counted events only to day 50, the file's events to day 130: windows from day
        // 102 on would be open, and there are none (ended with the counted events, the
        // leads from day 22 to 51 would be).
        let mut days = super::DaysCovered::of_windows(&created, window);
        for k in 0..100 {
            days.see_any(jan_2024 + (k + 31) * day);
        }
        days.see(jan_2024 + 50 * day);
        let found = days.open_windows(&created, window).unwrap();
        assert_eq!((found.leads(), found.events_end), (0, jan_2024 + 131 * day - 1), "not the 30 leads from day 22 on");
    }

    use super::*;

    /// The window suggested for an activity stamped before creation: the shortest step
    /// holding 99 % of its events before creation, never more than an hour (a lag of
    /// hours is a time zone).
    #[test]
    fn the_suggested_start_holds_nearly_all_the_events_before_creation() {
        let tally = |gaps: &[(i64, usize)]| {
            let mut t = JustBefore::default();
            for &(gap, n) in gaps {
                (0..n).for_each(|_| t.see_before(gap));
            }
            t
        };
        assert_eq!(tally(&[(2, 500)]).suggested(), Some((60, 500)));
        assert_eq!(tally(&[(2, 990), (200, 10)]).suggested(), Some((60, 990)), "99 % is enough");
        assert_eq!(tally(&[(2, 980), (200, 20)]).suggested(), Some((300, 1000)));
        assert_eq!(tally(&[(60, 10), (61, 990)]).suggested(), Some((300, 1000)), "60 s is the first step's bound");
        assert_eq!(tally(&[(2, 500), (3_600 * 5, 500)]).suggested(), None, "hours before: another clock");
        assert_eq!(tally(&[(2 * 86_400, 500)]).before(), 0, "more than a day before is not tallied");
        let path = std::path::Path::new("events.csv");
        let said = just_before_creation(path, &[tally(&[(2, 30)]), tally(&[(2, 19)])], &["form_fill", "demo"]);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("events.csv: activity \"form_fill\": 30 of its events are dated less than a day before their lead's creation, against 0 inside the windows, and do not count: the activity that creates the lead (a form fill) stamped a moment before the lead record? 30 of them (100 %) are at most 60 seconds before: set [events] starts_before_seconds = 60"), "{said:?}");
        let zoned = just_before_creation(path, &[tally(&[(5 * 3_600, 30)])], &["form_fill"]);
        assert!(zoned[0].contains("different clocks (time zones)") && !zoned[0].contains("starts_before_seconds"), "{zoned:?}");
    }


    /// Activities running on after the ones that hold 90 % of the events end, by more than a
    /// week: named, most events first; a week or less, or a bulk under 90 %, is not.
    #[test]
    fn activities_running_on_after_the_rest_are_named() {
        let day = 86_400;
        let a = |name: &str, events: usize, last_day: i64| (name.to_string(), (events, last_day * day));
        let found = super::running_on(vec![a("open", 900, 100), a("visit", 60, 98), a("task", 30, 140), a("meeting", 10, 120)]);
        assert_eq!(found, Some((vec!["task".to_string(), "meeting".to_string()], 100 * day, 140 * day)));
        assert_eq!(super::running_on(vec![a("open", 900, 100), a("task", 100, 107)]), None, "a week after is the export's own days");
        assert_eq!(super::running_on(vec![a("open", 850, 100), a("task", 150, 140)]), None, "the rest hold under 90 %");
        assert_eq!(super::running_on(vec![]), None);
    }

    #[test]
    fn the_bulk_of_the_events_leaves_a_thousandth_aside_at_each_end() {
        // 2000 events: days 10..=19 with 200 each; a stray on day 0 and one on day 99.
        let mut per_day = vec![0u32; 100];
        for d in 10..20 {
            per_day[d] = 200;
        }
        (per_day[0], per_day[99]) = (1, 1);
        assert_eq!(bulk_span(&per_day, 5), Some((15 * 86_400, 25 * 86_400 - 1)));
        // Two strays at an end are more than a thousandth of 2002: the span reaches them.
        per_day[0] = 3;
        assert_eq!(bulk_span(&per_day, 5).unwrap().0, 5 * 86_400);
        assert_eq!(bulk_span(&[0; 10], 0), None);
    }

    #[test]
    fn events_that_cover_only_part_of_the_leads_windows_are_said() {
        let path = std::path::Path::new("events.csv");
        let day = 86_400;
        // 1000 leads a day apart from day 0, as of day 1100 (every window complete).
        let created: Vec<Option<i64>> = (0..1000).map(|d| Some(d * day)).collect();
        let span = |first: i64, last: i64| EventStats { window_days: 30, span_of_known_leads: Some((first * day, last * day)), ..Default::default() };
        let half: Vec<bool> = (0..1000).map(|lead| lead % 2 == 0).collect();
        let every = |n: usize| -> Vec<bool> { (0..1000).map(|lead| lead % n == 0).collect() };
        let at = 1100 * day;
        let warnings = |gaps: Vec<CoverageGap>| -> Vec<String> { gaps.into_iter().map(|g| g.warning).collect() };
        // Events from day 400: leads 0..370 end their window before it; 400..999 inside.
        let w = warnings(coverage_gaps(path, &span(400, 1100), &created, at, &half));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("events.csv: the known leads' events begin on 1971-02-05 (the first 0.1 % aside), but 370 of the 1000 leads with complete windows (37 %) ended their 30-day window before it"), "{w:?}");
        assert!(w[0].contains("while 50 % of the 600 leads whose windows lie inside those days have a counted event"), "{w:?}");
        assert!(w[0].ends_with("leave the leads created before it out of the leads file (their windows are whole from then on)"), "{w:?}");
        let caution = &coverage_gaps(path, &span(400, 1100), &created, at, &half)[0].caution;
        assert_eq!(caution, "370 of the 1000 leads with complete windows (37 %) came before the events begin (1971-02-05): they count no engagement, and the model learns from them as if they had done nothing.");
        // Events until day 600: leads 601..999 come after the last one; 0..570 inside.
        let w = warnings(coverage_gaps(path, &span(0, 600), &created, at, &half));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("events.csv: the known leads' events end on 1971-08-24 (the last 0.1 % aside), but 399 of the 1000 leads with complete windows (40 %) were created after it"), "{w:?}");
        assert!(w[0].ends_with("set [input] as_of = \"1971-08-24\" so that only windows the events cover count as complete"), "{w:?}");
        // A twentieth: 49 leads before the first event are not said, 51 are.
        assert!(coverage_gaps(path, &span(79, 1100), &created, at, &half).is_empty());
        assert_eq!(coverage_gaps(path, &span(81, 1100), &created, at, &half).len(), 1);
        // A counted event too rare for its absence to tell: under 10 expected.
        assert!(coverage_gaps(path, &span(400, 1100), &created, at, &every(100)).is_empty());
        assert_eq!(coverage_gaps(path, &span(400, 1100), &created, at, &every(20)).len(), 1);
        // Leads whose windows are not complete at the as-of date are not judged.
        assert!(coverage_gaps(path, &span(0, 600), &created, 630 * day, &half).is_empty());
        assert!(coverage_gaps(path, &EventStats::default(), &created, at, &half).is_empty());
    }

    #[test]
    fn events_before_creation_are_said_beyond_a_twentieth_with_the_likely_cause() {
        let path = std::path::Path::new("events.csv");
        let stats = |before: [usize; 4], rows: usize| EventStats {
            rows,
            unknown_lead: 50,
            blank: 50,
            before_created: before.iter().sum(),
            before_created_by_gap: before,
            ..Default::default()
        };
        // Most within a day: the zones.
        let w = stats([600, 100, 50, 0], 10_100).before_creation_warning(path).unwrap();
        assert!(w.starts_with("events.csv: 750 of the 10000 events of known leads (7.5 %) are dated before their lead's creation and never count (by how long before: up to a day 600, 1-7 days 100, 7-30 days 50, longer 0); most within a day of it: do the two files write times in different time zones?"), "{w}");
        // Dates without times against creation times of day: said as such, not as zones.
        let w = EventStats { before_created_same_day_undated: 600, ..stats([600, 100, 50, 0], 10_100) }.before_creation_warning(path).unwrap();
        assert!(w.contains("(by how long before: up to a day 600, 1-7 days 100, 7-30 days 50, longer 0); 600 of them on their lead's creation day: the events file writes dates without a time of day (read as midnight)"), "{w}");
        assert!(!w.contains("time zones"), "{w}");
        // Spread out: the creation column.
        let w = stats([100, 200, 300, 150], 10_100).before_creation_warning(path).unwrap();
        assert!(w.contains("if [columns] created_at is not when the lead was created"), "{w}");
        // Under 5 % of the known leads' events, or under 100: nothing.
        assert!(stats([499, 0, 0, 0], 10_100).before_creation_warning(path).is_none());
        assert!(stats([500, 0, 0, 0], 10_100).before_creation_warning(path).is_some());
        assert!(stats([99, 0, 0, 0], 200).before_creation_warning(path).is_none());
    }

    #[test]
    fn repeats_are_found_on_the_leads_checked_and_said_only_beyond_chance() {
        let ids: Vec<String> = (0..100).map(|k| format!("L{k}")).collect();
        let activities = ["open", "click"];
        // Up to 20,000 leads every lead is checked; beyond, one in n, n a power of two.
        assert_eq!(RepeatCheck::new(20_000).mask, 0);
        assert_eq!(RepeatCheck::new(20_001).mask, 1);
        assert_eq!(RepeatCheck::new(60_001).mask, 3);
        assert_eq!(RepeatCheck::new(1_000_000).mask, 63);

        // 3 leads × 2 activities × 100 seconds, every event twice: 600 repeats of 1,200,
        // the first (in file order) the first event's copy.
        let mut check = RepeatCheck::new(3);
        for _copy in 0..2 {
            for lead in 0..3 {
                for activity in 0..2 {
                    (0..100).for_each(|t| check.see(lead, activity, 1_700_000_000 + t));
                }
            }
        }
        let r = check.finish(&ids, &activities).unwrap();
        assert_eq!((r.repeats, r.checked, r.every), (600, 1200, 1));
        assert_eq!(r.first, ("L0".to_string(), "open".to_string(), mqlcal_features::calendar::format_timestamp(1_700_000_000)));
        assert!(r.describe().starts_with("600 counted events repeat an earlier event exactly: same lead"), "{}", r.describe());
        // The first repeat is the earliest copy in the file, not the smallest key.
        let mut check = RepeatCheck::new(3);
        (0..20).for_each(|t| check.see(2, 1, t));
        (0..20).for_each(|t| check.see(0, 0, t));
        (0..20).for_each(|t| check.see(2, 1, t));
        (0..20).for_each(|t| check.see(0, 0, t));
        assert_eq!(check.finish(&ids, &activities).unwrap().first, ("L2".to_string(), "click".to_string(), mqlcal_features::calendar::format_timestamp(0)));

        // Another activity, or another second, is another event.
        let mut check = RepeatCheck::new(1);
        (0..20).for_each(|t| check.see(0, 0, t));
        (0..20).for_each(|t| check.see(0, 1, t));
        assert!(check.finish(&ids, &activities).is_none());

        // One lead in 64 of a million: lead 64 is checked, lead 65 is not; the estimate scales up.
        let mut check = RepeatCheck::new(1_000_000);
        (0..2).for_each(|_| (0..50).for_each(|t| check.see(64, 0, t)));
        (0..2).for_each(|_| (0..50).for_each(|t| check.see(65, 0, t)));
        let r = check.finish(&ids, &activities).unwrap();
        assert_eq!((r.repeats, r.checked, r.every), (50, 100, 64));
        assert!(r.describe().starts_with("about 3200 counted events repeat an earlier event exactly (50 of the 100 counted events of one lead in 64, by row)"), "{}", r.describe());

        // Times to the minute or the day: same-minute events are ordinary, not said.
        let mut check = RepeatCheck::new(1);
        (0..2).for_each(|_| (0..50).for_each(|t| check.see(0, 0, t * 86_400)));
        assert!(check.finish(&ids, &activities).is_none());
        let mut check = RepeatCheck::new(1);
        (0..2).for_each(|_| (0..50).for_each(|t| check.see(0, 0, t * 60)));
        check.see(0, 1, 7);
        assert_eq!(check.finish(&ids, &activities).map(|r| r.repeats), Some(50), "one time with its seconds");

        // Past RepeatCheck::EVENTS events kept, half the leads checked are dropped, and
        // the count is of the leads still checked: 4 leads of 2^17 events each, the last
        // 1,000 of each written twice; the limit falls in lead 3's, and leads 0 and 2 are
        // kept (step 2), their repeats counted.
        let mut check = RepeatCheck::new(4);
        let each = RepeatCheck::EVENTS / 4;
        for lead in 0..4 {
            (0..each as i64).for_each(|t| check.see(lead, 0, t));
            (each as i64 - 1000..each as i64).for_each(|t| check.see(lead, 0, t));
        }
        assert_eq!(check.mask, 1);
        let r = check.finish(&ids, &activities).unwrap();
        assert_eq!((r.repeats, r.checked, r.every), (2000, 2 * (each + 1000), 2));

        // By chance (under 10, or under 1 in 1,000 of the events checked): not said.
        let mut check = RepeatCheck::new(1);
        (0..9).for_each(|_| check.see(0, 0, 5));
        assert!(check.finish(&ids, &activities).is_none(), "8 repeats");
        let mut check = RepeatCheck::new(1);
        (0..20_000).for_each(|t| check.see(0, 0, t));
        (0..19).for_each(|t| check.see(0, 0, t));
        assert!(check.finish(&ids, &activities).is_none(), "19 of 20,019");
        let mut check = RepeatCheck::new(1);
        (0..20_000).for_each(|t| check.see(0, 0, t));
        (0..21).for_each(|t| check.see(0, 0, t));
        assert_eq!(check.finish(&ids, &activities).map(|r| r.repeats), Some(21), "21 of 20,021");
    }
}
