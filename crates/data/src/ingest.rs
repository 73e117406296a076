//! From the config's files to the as-of feature table.
//!
//! Steps: read the lead file(s) of the layout → one row per lead with id,
//! creation time, outcome, segments and signal values → duplicates → events
//! counted inside each lead's window → stable sort by creation time.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use mqlcal_config::{AutoBins, Config, Duplicates, Layout, Period};
use mqlcal_scorecard::IdCase;
use mqlcal_features::binning::{self, BinChoice};
use mqlcal_features::{AsOf, FeatureTable, Outcome};
use serde::Serialize;

use crate::cells::{self, clean, DateLayout};
use crate::event_stream::IdRows;
use crate::events::{self, EventStats, LeadKeys};
use crate::lead_rows::LeadRows;
use crate::read::{self, ReadNotes, Table};
use crate::id_forms;
use crate::DataError;

/// The feature table plus what ingest noticed on the way.
pub struct Ingested {
    pub table: FeatureTable,
    pub stats: IngestStats,
    /// The edges `bins = "auto"` chose (on the training cohorts), per signal;
    /// `Config::with_resolved_bins` writes them into the config for later stages.
    pub auto_bins: Vec<BinChoice>,
    /// How the leads wrote their creation dates (None without a date column, or when the
    /// lead files disagree): what the model file records, with the events' layout
    /// (`stats.events`).
    pub created_layout: Option<DateLayout>,
    /// The lead files as read, every column (with `IngestOptions::keep_lead_tables`; else empty).
    pub lead_tables: Vec<Table>,
    /// What `validate` found in this data, once a run has checked it (recalibrate and
    /// report do): its warnings, which begin with `stats.warnings`, are the data's
    /// warnings the report and summary.json list.
    pub quality: Option<crate::QualityReport>,
}

impl Ingested {
    /// The config as later stages read it: the edges `bins = "auto"` chose and the date
    /// layouts ingest found written in (`Config::with_resolved_bins`, `with_resolved_dates`).
    pub fn resolved_config(&self, config: &Config) -> Config {
        let occurred = self.stats.events.as_ref().and_then(|e| e.layout.as_ref());
        config.with_resolved_bins(&self.resolved_bins()).with_resolved_dates(self.created_layout.as_ref(), occurred)
    }

    /// (signal, edges) of every auto-binned signal, for `Config::with_resolved_bins`.
    pub fn resolved_bins(&self) -> Vec<(String, Vec<f64>)> {
        self.auto_bins.iter().map(|b| (b.signal.clone(), b.edges.clone())).collect()
    }
}

/// Counts and warnings gathered during ingest (the validate report builds on them).
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestStats {
    pub files: Vec<PathBuf>,
    pub rows_read: usize,
    /// Ids seen more than once: (id, how many times), first 20.
    pub duplicate_examples: Vec<(String, usize)>,
    /// Distinct ids seen more than once.
    pub duplicate_ids: usize,
    /// Rows dropped as duplicates (keep-first / keep-last), or combined (won-if-any).
    pub duplicate_rows: usize,
    /// Of the ids seen more than once, those whose rows disagree on the outcome.
    #[serde(skip_serializing_if = "crate::events::is_zero")]
    pub duplicate_mixed_outcomes: usize,
    pub events: Option<EventStats>,
    /// The as-of date the table was judged at (seconds since the epoch).
    pub as_of: Option<i64>,
    /// Open leads turned lost by `[outcome] open_after_days`.
    pub stale_open_to_lost: usize,
    /// Won ids (layout 3) that match no lead: count and up to 5 examples.
    pub unmatched_won_ids: usize,
    pub unmatched_won_id_examples: Vec<String>,
    pub warnings: Vec<String>,
    /// Of the warnings, those that could change the decision, a sentence each: the report's
    /// summary lists them before deciding.
    #[serde(skip)]
    pub cautions: Vec<String>,
    /// With events and a signal reading a column of numbers or yes/no (and the lead files
    /// kept): a sample of the leads' events by activity, which validate compares those
    /// columns with.
    #[serde(skip)]
    pub(crate) running_counts: Option<crate::rollup::CheckedLeads>,
}

/// How `ingest` treats duplicate ids (validate wants to see them all, not stop).
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    pub duplicates_override: Option<Duplicates>,
    /// Read every column of the lead files and keep them in [`Ingested::lead_tables`]
    /// (validate profiles them; the data is read once).
    pub keep_lead_tables: bool,
}

/// One lead file with the outcome it implies (if the layout fixes it).
pub(crate) struct Part {
    pub(crate) table: Table,
    pub(crate) fixed_outcome: Option<Outcome>,
}

/// Build the feature table the config describes.
pub fn build_features(config: &Config) -> Result<Ingested, DataError> {
    ingest(config, IngestOptions { duplicates_override: None, keep_lead_tables: false })
}

/// The feature table the config describes: built from the lead and event files, or read
/// as it is from `[input] features` (then `options` do not apply: it has no raw rows).
pub fn ingest(config: &Config, options: IngestOptions) -> Result<Ingested, DataError> {
    // A bad cell is said at its line, read as the config says the leads are delimited.
    ingest_files(config, options).map_err(|mut e| {
        e.place_line(config.csv.delimiter);
        e
    })
}

fn ingest_files(config: &Config, options: IngestOptions) -> Result<Ingested, DataError> {
    if let Some(path) = &config.feature_table {
        return crate::read_feature_table(config, path);
    }
    let mut notes = ReadNotes::default();
    let needed = needed_columns(config);
    let (parts, won_ids) = read_parts(config, &needed, options.keep_lead_tables, &mut notes)?;
    let won_ids = won_ids.map(|won| resolve_won_ids(config, &parts, won)).transpose()?;
    let mut stats = IngestStats {
        files: parts.iter().map(|p| p.table.path.clone()).collect(),
        rows_read: parts.iter().map(|p| p.table.height()).sum(),
        ..Default::default()
    };

    let mut rows = LeadRows::new(config);
    for part in &parts {
        rows.append(config, part, won_ids.as_ref().map(|won| &won.ids))?;
    }
    if let Some(won) = &won_ids {
        won_id_warnings(config, won, &mut stats);
    }
    let excluded_keys = rows.excluded_keys(config);
    let (rows, excluded) = rows.without_excluded(config, &mut stats.warnings);
    // The tables are in `rows` now: let them go unless validate wants them.
    let lead_tables: Vec<Table> = if options.keep_lead_tables { without_rows(parts.into_iter().map(|p| p.table), &excluded)? } else { Vec::new() };

    // The ids' rows by hash, found once: they say whether any id repeats, and with none
    // (every row kept, in order) the events find their leads by them too.
    let policy = options.duplicates_override.unwrap_or(config.duplicates);
    let id_rows = IdRows::new(&rows.ids, config.id_case).filter(IdRows::unique);
    let keep = rows.resolve_duplicates(&config.id_column, config.id_case, policy, id_rows.is_some(), &mut stats)?;
    let mut rows = rows.select(&keep);
    // The events name leads by another column: its values, not the ids, are what they find.
    let id_rows = match &config.events_key {
        Some(column) => {
            rows.check_events_keys(column, config.id_case)?;
            None
        }
        None => id_rows,
    };

    let mut counted_leads = Vec::new();
    if let Some(spec) = &config.events {
        // Only validate (and recalibrate, which runs its checks) compares signals' columns with
        // the events, and only one of numbers or yes/no can be a running count.
        let check_running_counts = options.keep_lead_tables && config.signals.iter().any(|s| crate::rollup::may_count_events(&s.source, config.csv.decimal).is_some());
        let event_stats = events::aggregate(config, spec, &mut LeadKeys { id_rows, excluded: excluded_keys, check_running_counts, ..rows.lead_keys(config) }, &mut notes)?;
        stats.running_counts = event_stats.running_counts.map(|counts| crate::rollup::CheckedLeads { ids: rows.ids.iter().step_by(counts.stride()).cloned().collect(), counts });
        if let Some(tally) = &event_stats.stats.decisions {
            notes.warnings.extend(unusable_decisions(&rows, tally));
        }
        stats.events = Some(event_stats.stats);
        rows.event_columns = event_stats.columns;
        counted_leads = event_stats.counted_leads;
    }
    stats.warnings.extend(notes.warnings);

    let created_layout = agreed_layout(&rows, config.time_zone.is_some(), &mut stats);
    let created_zone = created_layout.as_ref().map(|layout| (layout, rows.created_layouts.iter().flatten().all(|(_, marked)| *marked)));
    let event_zone = stats.events.as_ref().and_then(|e| Some((e.layout.as_ref()?, e.marked_utc)));
    if let Some(warning) = zones_disagree(config, &stats.files, created_zone, event_zone) {
        stats.warnings.push(warning);
    }
    let as_of = judge_as_of(config, &mut rows, &mut stats)?;
    if let (Some(e), Some(spec), Some(as_of)) = (stats.events.as_ref(), config.events.as_ref(), as_of.as_ref()) {
        // First among the warnings: the numbers rest on them (recalibrate's terminal
        // summary shows the first three).
        let gaps = events::coverage_gaps(&spec.shown(), e, &rows.created_at, as_of.at, &counted_leads);
        stats.cautions.extend(gaps.iter().map(|gap| gap.caution.clone()));
        stats.warnings.splice(0..0, gaps.into_iter().map(|gap| gap.warning));
    }
    let mut table = rows.into_table(config, as_of)?;
    if let Some(warning) = one_outcome_cohorts(&table) {
        stats.warnings.push(warning);
    }
    if let Some((warning, caution)) = import_day_warning(&table, &stats.files) {
        stats.warnings.push(warning);
        stats.cautions.push(caution);
    }
    let auto_bins = choose_auto_bins(config, &mut table);
    Ok(Ingested { table, stats, auto_bins, created_layout, lead_tables, quality: None })
}

/// The lead files as read without the rows `excluded` marks (over the files in order;
/// empty: none): the leads `[exclude]` left out, which validate's profiles then do not count.
fn without_rows(tables: impl Iterator<Item = Table>, excluded: &[bool]) -> Result<Vec<Table>, DataError> {
    let mut first = 0;
    tables
        .map(|mut table| {
            let height = table.height();
            let marks = excluded.get(first..first + height).unwrap_or_default();
            first += height;
            if marks.contains(&true) {
                table.keep_rows(&marks.iter().map(|&e| !e).collect::<Vec<bool>>())?;
            }
            Ok(table)
        })
        .collect()
}

/// Warnings for decided leads whose `[columns] decided_at` could not end their window.
fn unusable_decisions(rows: &LeadRows, tally: &events::DecisionStats) -> Vec<String> {
    let decided = rows.outcomes.iter().filter(|o| **o != Outcome::Open).count();
    let won = rows.outcomes.iter().filter(|o| **o == Outcome::Won).count();
    let (won_dated, lost_dated) = (won - (tally.blank - tally.lost_blank), decided - won - tally.lost_blank);
    let mut warnings = Vec::new();
    if let Some(side) = events::dated_side((won_dated, won), (lost_dated, decided - won)) {
        warnings.push(format!("[columns] decided_at: {}", events::one_sided_dates(&tally.column, side, (won_dated, won), (lost_dated, decided - won))));
    } else if tally.blank > 0 {
        warnings.push(format!(
            "{} of {decided} decided leads have no decision date (column {:?}): their whole windows count, activity after a decision included; fill the dates in the export where they are known",
            tally.blank, tally.column
        ));
    }
    if let Some((file, row)) = tally.first_before_created {
        warnings.push(format!(
            "{}: {} decided leads have a decision date (column {:?}) before their creation (the first on row {row}): their windows end at creation, so none of their events count. A close date without a time on the day of a lead created later that day is one (its midnight); a record created after its deal closed is another",
            rows.files[file].display(),
            tally.before_created,
            tally.column
        ));
    }
    warnings
}

/// The one way every lead file wrote its creation dates; None (and a warning) when they
/// differ. `on_clock`: `[input] time_zone` is set, and the SQL export, reading them as
/// written, would not move the one file's instants that `score` (detecting) moves.
fn agreed_layout(rows: &LeadRows, on_clock: bool, stats: &mut IngestStats) -> Option<DateLayout> {
    // A file whose every lead [exclude] leaves out wrote no date that was read.
    let mut read = rows.created_layouts.iter().enumerate().filter_map(|(k, layout)| Some((k, &layout.as_ref()?.0)));
    let (at, first) = read.next()?;
    if let Some((k, other)) = read.find(|(_, l)| *l != first) {
        let fix = match on_clock {
            true => "; with [input] time_zone, that export would read the instants of one file as wall-clock time: set [columns] date_format = \"iso_zoned\" when every file's times are UTC, or \"iso\" when they are all wall-clock time",
            false => "",
        };
        stats.warnings.push(format!(
            "{} writes creation dates as {} but {} as {}; the model records no date format, so its SQL export reads dates as YYYY-MM-DD{fix}",
            rows.files[at].display(),
            first.describe(),
            rows.files[k].display(),
            other.describe()
        ));
        return None;
    }
    Some(first.clone())
}

/// Creation dates with a time zone (read as UTC) and event times without one (read as
/// written), or the other way round: when the unzoned ones are local time, every window
/// starts off by the zone's offset, and nothing in the data can say so. Each side is its
/// layout and whether its cells say UTC where the layout does not (`Dates::marked_utc`:
/// an ISO `Z`, as the CRMs' APIs write times).
fn zones_disagree(config: &Config, lead_files: &[PathBuf], created: Option<(&DateLayout, bool)>, occurred: Option<(&DateLayout, bool)>) -> Option<String> {
    let zoned = |(layout, marked_utc): (&DateLayout, bool)| crate::cells::are_instants(layout, marked_utc);
    let (created, occurred) = (created?, occurred?);
    // With `[input] time_zone` the analyst has said which clock the unzoned ones are on.
    if zoned(created) == zoned(occurred) || config.time_zone.is_some() {
        return None;
    }
    let creation = format!("creation dates ({}, column {:?})", mqlcal_config::files_shown(lead_files, "leads").display(), config.created_at_column.as_deref()?);
    let events = config.events.as_ref()?;
    let event_times = format!("event times ({}, column {:?})", events.shown().display(), events.occurred_at);
    let (with, without, instants) = if zoned(created) { (creation, event_times, created) } else { (event_times, creation, occurred) };
    let read_as = match instants.0 {
        DateLayout::IsoZoned => "carry a time zone and are read as UTC",
        DateLayout::UnixSeconds | DateLayout::UnixMillis => "are Unix time, in UTC",
        _ => "are marked UTC (a time ending in Z, or a Parquet time zone)",
    };
    Some(format!(
        "the {with} {read_as}, but the {without} have none and are read as written: if those are local time, every engagement window is off by the zone's offset: set [input] time_zone to the zone they are written in (an IANA name such as \"Europe/Berlin\" or \"America/New_York\", the CRM user's time zone), or export both in UTC"
    ))
}

/// `bins = "auto"`: edges chosen on the training cohorts' decided leads with
/// complete windows (all decided leads when no split is possible yet), then
/// the numeric column replaced by its bin indicators.
fn choose_auto_bins(config: &Config, table: &mut FeatureTable) -> Vec<BinChoice> {
    let auto = config.unresolved_auto_bins();
    if auto.is_empty() {
        return vec![];
    }
    let rows = match mqlcal_features::split::split(table, &config.model) {
        Ok(split) if !split.training_rows.is_empty() => split.training_rows,
        _ => (0..table.len()).filter(|&i| table.outcomes[i] != Outcome::Open && table.window_complete(i)).collect(),
    };
    let won: Vec<bool> = rows.iter().map(|&i| table.outcomes[i] == Outcome::Won).collect();
    let mut chosen = Vec::new();
    for (signal, settings) in auto {
        let Some(j) = table.columns.iter().position(|c| c.name == signal.name) else { continue };
        let values: Vec<f64> = rows.iter().map(|&i| table.matrix[[i, j]]).collect();
        let c = binning::choose_edges(&values, &won, settings.min_share, AutoBins::MAX_BINS, AutoBins::MIN_OUTCOMES);
        if c.edges.is_empty() {
            continue; // no split qualifies: the signal stays one column, per unit
        }
        let Some(levels) = signal.bin_levels_with(&c.edges) else { continue };
        table.bin_column(&signal.name, &c.edges, &levels);
        chosen.push(BinChoice { signal: signal.name.clone(), edges: c.edges, leads: c.leads, wins: c.wins });
    }
    chosen
}

/// Creation dates mqlcal accepts: `[input] earliest_date` (default 1990-01-01)
/// to `latest_date` (default a year after today, or after `[input] as_of` if later).
pub fn plausible_dates(config: &Config) -> (i64, i64) {
    let bounds = config.plausible_dates;
    (bounds.earliest, bounds.latest.unwrap_or_else(|| default_latest_date(config.as_of)))
}

/// The as-of date when `[input] as_of` is not set: the latest creation date, or the latest
/// plausible event time when that is later (init judges its drafts at it too).
pub(crate) fn default_as_of(latest_lead: i64, latest_event: Option<i64>) -> i64 {
    latest_event.map_or(latest_lead, |e| e.max(latest_lead))
}

/// The latest plausible date when none is set: a year after today, or after `as_of` if
/// that is later.
pub(crate) fn default_latest_date(as_of: Option<i64>) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(i64::MAX / 2);
    as_of.unwrap_or(now).max(now).saturating_add(366 * 86_400)
}

/// The won ids as the leads write them: each as written when a lead has it, else by
/// another form of it (Salesforce's 15 or 18 characters, a number's spelling) when that
/// names one lead, else unmatched (reported, never dropped silently). Resolved once, here,
/// so a lead is won only by an id that names it and the note counts what was matched.
struct WonIds {
    ids: HashSet<String>,
    by_other_form: id_forms::OtherFormMatches,
    /// Sorted, so the examples are the same every run.
    unmatched: Vec<String>,
}

fn resolve_won_ids(config: &Config, parts: &[Part], won: HashSet<String>) -> Result<WonIds, DataError> {
    let columns = parts.iter().map(|part| cells::text(&part.table, &config.id_column)).collect::<Result<Vec<_>, _>>()?;
    let known: HashSet<&str> = columns.iter().flat_map(|ids| ids.iter().filter_map(|id| clean(id, &config.csv.missing))).collect();
    // With `id_case = "ignore"`, a won id written in another case is its lead's id as the leads write it.
    let won: HashSet<String> = match config.id_case {
        IdCase::Exact => won,
        IdCase::Ignore => {
            // The first lead of each id in file order, so the choice is the same every run.
            let mut by_key: HashMap<String, &str> = HashMap::new();
            for id in columns.iter().flat_map(|ids| ids.iter().filter_map(|id| clean(id, &config.csv.missing))) {
                by_key.entry(config.id_case.key(id).into_owned()).or_insert(id);
            }
            let ours = |id: String| match known.contains(id.as_str()) {
                true => id,
                false => by_key.get(config.id_case.key(&id).as_ref()).map_or(id, |ours| ours.to_string()),
            };
            won.into_iter().map(ours).collect()
        }
    };
    let mut other: Vec<&String> = won.iter().filter(|id| !known.contains(id.as_str())).collect();
    other.sort();
    let padded_width = if other.is_empty() { None } else { id_forms::padded_width(known.iter().copied()) };
    let (mut by_other_form, mut unmatched, mut resolved) = (id_forms::OtherFormMatches::default(), Vec::new(), Vec::new());
    for id in other {
        match id_forms::one_match(id, padded_width, |form| known.get(form).copied()) {
            Some(ours) => {
                by_other_form.add(id, ours);
                resolved.push(ours.to_string());
            }
            None => unmatched.push(id.clone()),
        }
    }
    let mut ids: HashSet<String> = won.into_iter().filter(|id| known.contains(id.as_str())).collect();
    ids.extend(resolved);
    Ok(WonIds { ids, by_other_form, unmatched })
}

/// The note on won ids matched by another form, and the warning on those that match no lead.
fn won_id_warnings(config: &Config, won: &WonIds, stats: &mut IngestStats) {
    let Layout::WonIds { won_ids, .. } = &config.layout else { return };
    if let Some(note) = won.by_other_form.note("won ids", "the won ids", "the leads' ids") {
        stats.warnings.push(format!("{}: {note}", won_ids.display()));
    }
    stats.unmatched_won_ids = won.unmatched.len();
    stats.unmatched_won_id_examples = won.unmatched.iter().take(5).cloned().collect();
    if !won.unmatched.is_empty() {
        stats.warnings.push(format!(
            "{}: {} won ids match no lead (e.g. {}); they are not counted: check that both files use the same id ([columns] id = {:?}){}",
            won_ids.display(),
            won.unmatched.len(),
            stats.unmatched_won_id_examples.join(", "),
            config.id_column,
            won.unmatched.iter().find(|id| crate::lead_rows::rounded_by_a_spreadsheet(id)).map(|id| crate::lead_rows::rounded_elsewhere(id)).unwrap_or_default()
        ));
    }
}

/// A few events dated long after the last lead (a scheduled meeting, a webinar's date,
/// a task's due date) set the as-of date from the data, and with it which windows count
/// as complete. When they are too few to be the days the export covers, the warning says
/// how many leads they make look complete and the setting that fixes it. The date is not
/// moved here: the feature-table SQL takes the latest event too, and the two agree.
fn late_strays_warning(config: &Config, rows: &LeadRows, stats: &IngestStats, at: i64, window: i64) -> Option<String> {
    let (e, spec) = (stats.events.as_ref()?, config.events.as_ref()?);
    let strays = e.after_last_lead > 0 && (e.after_last_lead as f64) < events::STRAY_LATE_SHARE * e.rows as f64;
    let before = e.latest_by_last_lead.filter(|&before| strays && before < at)?;
    if window <= 0 {
        return None;
    }
    let judged_complete = judged_complete_by_late_as_of(rows.created_at.iter().flatten().copied(), window, before, at);
    let format = mqlcal_features::calendar::format_timestamp;
    Some(format!(
        "{}: {} events are dated more than {} days after the last lead's creation, up to {}, and set the as-of date: too few to be the days the export covers (a scheduled meeting, a webinar's date?). If the export was taken at {} (the latest event before them), {judged_complete} leads' engagement windows were not complete and are judged as if they were: set [input] as_of = \"{}\"",
        spec.shown().display(),
        e.after_last_lead,
        events::LATE_EVENT_DAYS,
        format(at),
        format(before),
        format(before)
    ))
}

/// Of leads created at `created`, those whose windows are complete at the as-of date `at`
/// but were not at `before`, the date the export was more likely taken: what an as-of date
/// set too late judges complete (none without a window). The maturity rule's own test.
fn judged_complete_by_late_as_of(created: impl Iterator<Item = i64>, window_seconds: i64, before: i64, at: i64) -> usize {
    if window_seconds <= 0 {
        return 0;
    }
    let (late, likely) = (AsOf { at, window_seconds }, AsOf { at: before, window_seconds });
    created.filter(|&c| late.window_complete(c) && !likely.window_complete(c)).count()
}

/// Days between the latest lead and every other beyond which the latest are strays.
const STRAY_LEAD_GAP_DAYS: i64 = 30;

/// A few leads created weeks after every other (a typo in the year, 2026 for 2025; a
/// placeholder date) set the as-of date from the data, and with it which windows count as
/// complete and which open leads are stale: said with the rows, what the date would be
/// without them, what it changes, and the setting that fixes it. At most 0.1 % of the
/// leads (at least one), each more than [`STRAY_LEAD_GAP_DAYS`] after the rest, count.
/// The date is not moved here, as for late events: the feature-table SQL takes the latest
/// date too, and the two agree.
fn late_stray_leads(rows: &LeadRows, latest_event: Option<i64>, at: i64, window: i64, open_after_days: Option<u32>) -> Option<String> {
    let mut dated: Vec<(i64, usize)> = rows.created_at.iter().enumerate().filter_map(|(i, c)| c.map(|c| (c, i))).collect();
    let n = dated.len();
    if n < 2 {
        return None;
    }
    let m = (n / 1000).clamp(1, n - 1);
    // The m + 1 latest, latest first (ties by row, for the same message every run).
    dated.select_nth_unstable_by_key(n - m - 1, |&(c, i)| (c, std::cmp::Reverse(i)));
    let latest = &mut dated[n - m - 1..];
    latest.sort_by_key(|&(c, i)| (std::cmp::Reverse(c), i));
    let (k, gap) = (0..m).map(|k| (k, latest[k].0 - latest[k + 1].0)).max_by_key(|&(k, gap)| (gap, std::cmp::Reverse(k)))?;
    if gap <= STRAY_LEAD_GAP_DAYS * 86_400 {
        return None;
    }
    let (strays, rest_end) = (&latest[..=k], latest[k + 1].0);
    // Events as late as the strays set the as-of date themselves: then the strays change nothing.
    let before = default_as_of(rest_end, latest_event);
    if before >= at {
        return None;
    }
    let stray_rows: HashSet<usize> = strays.iter().map(|s| s.1).collect();
    let others = || rows.created_at.iter().enumerate().filter(|(i, _)| !stray_rows.contains(i)).filter_map(|(i, c)| c.map(|c| (i, c)));
    let windows = judged_complete_by_late_as_of(others().map(|(_, c)| c), window, before, at);
    let stale = open_after_days.map_or(0, |days| {
        let limit = i64::from(days) * 86_400;
        others().filter(|&(i, c)| rows.outcomes[i] == Outcome::Open && at - c >= limit && before - c < limit).count()
    });
    let mut changes = Vec::new();
    if windows > 0 {
        changes.push(format!("{windows} leads' engagement windows count as complete that were not"));
    }
    if stale > 0 {
        changes.push(format!("{stale} open leads count as lost (open_after_days) that were not yet"));
    }
    if changes.is_empty() {
        changes.push("the latest cohorts are judged as if the export were that late".to_string());
    }
    let (format, day) = (mqlcal_features::calendar::format_timestamp, mqlcal_features::calendar::format_date);
    let examples: Vec<String> = strays
        .iter()
        .take(3)
        .map(|&(c, i)| {
            let (file, row) = rows.origin[i];
            format!("{} row {row}: {}", rows.files[file].display(), day(c))
        })
        .collect();
    Some(format!(
        "{} lead{} created more than {STRAY_LEAD_GAP_DAYS} days after every other lead ({}) set{} the as-of date to {}: a typo in the year or a placeholder date? Without {} the data ends {}, and {}. Correct the date, or set [input] as_of = \"{}\"",
        strays.len(),
        if strays.len() == 1 { "" } else { "s" },
        examples.join("; "),
        if strays.len() == 1 { "s" } else { "" },
        day(at),
        if strays.len() == 1 { "it" } else { "them" },
        format(before),
        changes.join(", and "),
        format(before)
    ))
}

/// Some activities dated on after every other (open tasks due next month, meetings booked
/// ahead: too many to be strays) set the as-of date from the data: said with the
/// activities, the date the others end, the leads whose windows they make look complete
/// and the setting that fixes it. Not moved here, as for strays.
fn running_on_warning(config: &Config, rows: &LeadRows, stats: &IngestStats, at: i64, window: i64) -> Option<String> {
    let (e, spec) = (stats.events.as_ref()?, config.events.as_ref()?);
    let (activities, end, late_last) = e.running_on.as_ref()?;
    // The leads' own dates bound the export too: the as-of without the late activities.
    let before = rows.created_at.iter().flatten().copied().fold(*end, i64::max);
    if before >= at {
        return None;
    }
    let judged_complete = judged_complete_by_late_as_of(rows.created_at.iter().flatten().copied(), window, before, at);
    let format = mqlcal_features::calendar::format_timestamp;
    let named: Vec<String> = activities.iter().take(3).map(|a| format!("{a:?}")).collect();
    Some(format!(
        "{}: events of {}{} run on until {}, more than {} days after every other activity's last event ({}), and set the as-of date to {}: scheduled items (a task's due date, a meeting booked ahead) rather than what happened? If the export was taken at {}, {judged_complete} leads' engagement windows were not complete and are judged as if they were: set [input] as_of = \"{}\"",
        spec.shown().display(),
        named.join(", "),
        if activities.len() > 3 { format!(" and {} more activities", activities.len() - 3) } else { String::new() },
        format(*late_last),
        events::LATE_EVENT_DAYS,
        format(*end),
        format(at),
        format(before),
        format(before)
    ))
}

/// Days before the as-of date within which a won-ids layout without a way to
/// tell open leads warns that recent leads may be counted lost too early.
const RECENT_DAYS: i64 = 90;

/// The as-of date (config, or the latest date seen), then the stale-open rule.
fn judge_as_of(config: &Config, rows: &mut LeadRows, stats: &mut IngestStats) -> Result<Option<AsOf>, DataError> {
    let latest_lead = rows.created_at.iter().flatten().max().copied();
    // An absurd event date (9999-12-31) must not become the as-of date.
    let latest_event = stats.events.as_ref().and_then(|e| e.latest).filter(|&e| e <= plausible_dates(config).1);
    let at = match (config.as_of, latest_lead) {
        (_, None) => return Ok(None),
        (Some(at), Some(_)) => {
            if let Some(first) = rows.created_at.iter().flatten().min() {
                if *first > at {
                    return Err(DataError::Config {
                        message: format!(
                            "{}: [input] as_of = {} is before every lead (the first was created {}); set the date the export was taken, or leave as_of out to use the latest date in the data",
                            config.source_path.display(),
                            mqlcal_features::calendar::format_timestamp(at),
                            mqlcal_features::calendar::format_timestamp(*first)
                        ),
                    });
                }
            }
            at
        }
        (None, Some(lead)) => default_as_of(lead, latest_event),
    };
    stats.as_of = Some(at);
    let window_seconds = config.window_seconds();
    if config.as_of.is_some() {
        stats.warnings.extend(created_after_as_of(config, rows, at));
    } else {
        let strays = late_strays_warning(config, rows, stats, at, window_seconds);
        if strays.is_none() {
            stats.warnings.extend(running_on_warning(config, rows, stats, at, window_seconds));
        }
        stats.warnings.extend(strays);
        if let Some(strays) = late_stray_leads(rows, latest_event, at, window_seconds, config.outcome.open_after_days) {
            stats.cautions.push(strays.clone());
            stats.warnings.push(strays);
        }
    }

    if let Some(days) = config.outcome.open_after_days {
        let limit = days as i64 * 86_400;
        for (outcome, created) in rows.outcomes.iter_mut().zip(&rows.created_at) {
            if *outcome == Outcome::Open && created.is_some_and(|c| at - c >= limit) {
                *outcome = Outcome::Lost;
                stats.stale_open_to_lost += 1;
            }
        }
        if stats.stale_open_to_lost > 0 {
            stats.warnings.push(format!(
                "{} open leads created at least {days} days before the as-of date count as lost ([outcome] open_after_days = {days})",
                stats.stale_open_to_lost
            ));
        }
    } else if let Layout::WonIds { status_column: None, .. } = &config.layout {
        let recent = rows
            .outcomes
            .iter()
            .zip(&rows.created_at)
            .filter(|(o, c)| **o == Outcome::Lost && c.is_some_and(|c| at - c < RECENT_DAYS * 86_400))
            .count();
        if recent > 0 {
            stats.warnings.push(format!(
                "won-ids layout: every lead not in the won ids counts as lost, including {recent} created in the {RECENT_DAYS} days before the as-of date that may still be open; tell open leads with [outcome] open_after_days (younger leads stay open) or a status column ([columns] outcome with [outcome] open)"
            ));
        }
    }
    Ok(Some(AsOf { at, window_seconds }))
}

/// Leads created after a set `[input] as_of`: they did not exist at that date, so they are
/// neither fitted on nor judged (counted with the unfinished windows), and their outcomes
/// are ones the date could not know. Said, with their span and how many are decided.
fn created_after_as_of(config: &Config, rows: &LeadRows, at: i64) -> Option<String> {
    let after: Vec<(i64, Outcome)> = rows.created_at.iter().zip(&rows.outcomes).filter_map(|(c, &o)| c.filter(|&c| c > at).map(|c| (c, o))).collect();
    let (first, last) = (after.iter().map(|a| a.0).min()?, after.iter().map(|a| a.0).max()?);
    let decided = after.iter().filter(|a| a.1 != Outcome::Open).count();
    let format = mqlcal_features::calendar::format_timestamp;
    Some(format!(
        "{}: {} leads were created after [input] as_of = {} ({} to {}), {decided} of them already decided: at that date they did not exist, so they are neither fitted on nor judged (counted with the unfinished windows). If the export was taken later, set as_of to its date or leave it out",
        config.source_path.display(),
        after.len(),
        format(at),
        format(first),
        format(last)
    ))
}

/// (column, why it is needed) for the lead files.
fn needed_columns(config: &Config) -> Vec<(String, String)> {
    let mut needed = vec![(config.id_column.clone(), "[columns] id".to_string())];
    if let Some(key) = &config.events_key {
        needed.push((key.clone(), "[columns] events_key".into()));
    }
    for column in &config.events_also_key {
        needed.push((column.clone(), "[columns] events_also_key".into()));
    }
    if let Some(c) = &config.created_at_column {
        needed.push((c.clone(), "[columns] created_at".into()));
    }
    if let Some(decided) = &config.decided_at {
        needed.push((decided.column.clone(), "[columns] decided_at".into()));
    }
    for outcome_column in config.layout.outcome_columns() {
        needed.push((outcome_column.to_string(), "[columns] outcome".into()));
    }
    for s in &config.segments {
        needed.push((s.clone(), "[columns] segments".into()));
    }
    for exclusion in &config.exclude {
        needed.push((exclusion.column.clone(), "[exclude]".into()));
    }
    for signal in &config.signals {
        if let Some(c) = signal.source.column() {
            needed.push((c.to_string(), format!("signal {:?}", signal.name)));
        }
    }
    needed
}

fn read_parts(
    config: &Config,
    needed: &[(String, String)],
    whole: bool,
    notes: &mut ReadNotes,
) -> Result<(Vec<Part>, Option<HashSet<String>>), DataError> {
    // The files read whole are held at once: they share the cells validate holds.
    let files = match &config.layout {
        Layout::OutcomeColumn { leads, .. } | Layout::WonIds { leads, .. } => leads.len(),
        Layout::SeparateFiles { open, .. } => 2 + usize::from(open.is_some()),
    };
    let read = |path: &Path, notes: &mut ReadNotes| match whole {
        true => read::read_whole_table(path, &config.csv, needed, files, notes),
        false => read::read_table(path, &config.csv, Some(needed), notes),
    };
    // Several leads files are one (an export split by year): a part each, so that a
    // row is named in its own file.
    let leads_parts = |leads: &[std::path::PathBuf], notes: &mut ReadNotes| -> Result<Vec<Part>, DataError> {
        leads
            .iter()
            .map(|path| match mqlcal_config::is_files_pattern(path) {
                true => Err(DataError::file(path, "matches no file (a pattern of leads files)")),
                false => Ok(Part { table: read(path, notes)?, fixed_outcome: None }),
            })
            .collect()
    };
    match &config.layout {
        Layout::OutcomeColumn { leads, .. } => Ok((leads_parts(leads, notes)?, None)),
        Layout::SeparateFiles { won, lost, open } => {
            let mut parts = vec![
                Part { table: read(won, notes)?, fixed_outcome: Some(Outcome::Won) },
                Part { table: read(lost, notes)?, fixed_outcome: Some(Outcome::Lost) },
            ];
            if let Some(open) = open {
                parts.push(Part { table: read(open, notes)?, fixed_outcome: Some(Outcome::Open) });
            }
            Ok((parts, None))
        }
        Layout::WonIds { leads, won_ids, .. } => {
            let parts = leads_parts(leads, notes)?;
            let ids = read_won_ids(config, won_ids, notes)?;
            Ok((parts, Some(ids)))
        }
    }
}

/// The won-ids file: its id column (named like the leads' id column, or its only column).
fn read_won_ids(config: &Config, path: &Path, notes: &mut ReadNotes) -> Result<HashSet<String>, DataError> {
    let header = read::header(path, &config.csv)?;
    let column = if header.iter().any(|h| h == &config.id_column) {
        config.id_column.clone()
    } else if header.len() == 1 {
        header[0].clone()
    } else {
        return Err(DataError::MissingColumn {
            path: path.to_path_buf(),
            column: config.id_column.clone(),
            purpose: "the won ids (a column named like [columns] id, or a single column)".into(),
            available: header.join(", "),
            hint: String::new(),
        });
    };
    let table = read::read_table(path, &config.csv, Some(&[(column.clone(), "won ids".into())]), notes)?;
    let ids = cells::text(&table, &column)?;
    Ok(ids
        .iter()
        .filter_map(|c| clean(c, &config.csv.missing))
        .map(str::to_string)
        .collect())
}

/// "2024-Q1" / "2024-03" from seconds since the epoch; "all" without a date.
pub fn cohort_label(created_at: Option<i64>, period: Period) -> String {
    let Some(seconds) = created_at else {
        return "all".into();
    };
    let date = chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    use chrono::Datelike;
    period.label(date.year(), date.month())
}

/// A creation day is taken for an import's when it holds at least this share of the
/// leads, this many times a typical day's (the median of days with leads), and at least
/// [`IMPORT_DAY_MIN_LEADS`] leads.
const IMPORT_DAY_SHARE: f64 = 0.05;
const IMPORT_DAY_TIMES: usize = 10;
const IMPORT_DAY_MIN_LEADS: usize = 100;

/// One creation day far busier than any typical one: an import or a CRM migration
/// stamps its own date on every lead it moves, so their windows start that day, they
/// all fall in its cohort whenever they came, and their earlier events count as before
/// creation — silently. (A list uploaded after a trade show is dated right; the warning
/// says so.) The warning, and the caution the report's summary lists.
fn import_day_warning(table: &FeatureTable, files: &[PathBuf]) -> Option<(String, String)> {
    if table.patterns.is_some() {
        return None;
    }
    let days: Vec<i64> = table.created_at.iter().flatten().map(|t| t.div_euclid(86_400)).collect();
    let (first, last) = (*days.iter().min()?, *days.iter().max()?);
    // A span of centuries is a date problem of its own (plausible_dates).
    if days.len() < 2 * IMPORT_DAY_MIN_LEADS || last - first > 100_000 {
        return None;
    }
    let mut per_day = vec![0usize; (last - first + 1) as usize];
    for day in &days {
        per_day[(day - first) as usize] += 1;
    }
    let (busiest, leads) = per_day.iter().enumerate().max_by_key(|&(k, &n)| (n, std::cmp::Reverse(k)))?;
    let mut busy: Vec<usize> = per_day.iter().copied().filter(|&n| n > 0).collect();
    let middle = busy.len() / 2;
    let typical = *busy.select_nth_unstable(middle).1;
    if *leads < IMPORT_DAY_MIN_LEADS || (*leads as f64) < IMPORT_DAY_SHARE * days.len() as f64 || *leads < IMPORT_DAY_TIMES * typical {
        return None;
    }
    let day = first + busiest as i64;
    let row = table.created_at.iter().position(|t| t.is_some_and(|t| t.div_euclid(86_400) == day))?;
    let date = &mqlcal_features::calendar::format_date(day * 86_400);
    let caution = format!(
        "{leads} leads ({:.0} %) were created on {date}, {}× a typical day: if an import stamped that date, their engagement windows and their cohort ({}) are not their own.",
        100.0 * *leads as f64 / days.len() as f64,
        leads / typical.max(1),
        table.cohorts[row]
    );
    let warning = format!(
        "{}: {leads} of {} dated leads ({:.0} %) were created on {}, {}× a typical day ({typical}): an import or a CRM migration stamps its own date on the leads it moves, so their engagement windows start that day and they fall in its cohort ({}) whenever they came. If the export keeps each lead's original creation date in another column, name it as [columns] created_at (a list uploaded after an event is dated right and needs nothing)",
        // The day's leads may come from any lead file: all are named.
        files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "),
        days.len(),
        100.0 * *leads as f64 / days.len() as f64,
        date,
        leads / typical.max(1),
        table.cohorts[row]
    );
    Some((warning, caution))
}

/// A warning naming cohorts whose decided leads are all won or all lost.
fn one_outcome_cohorts(table: &FeatureTable) -> Option<String> {
    let index = table.cohort_index();
    let mut per_cohort = vec![(0usize, 0usize); index.labels.len()];
    for (&k, outcome) in index.of_row.iter().zip(&table.outcomes) {
        let entry = &mut per_cohort[k as usize];
        match outcome {
            Outcome::Won => entry.0 += 1,
            Outcome::Lost => entry.1 += 1,
            Outcome::Open => {}
        }
    }
    let bad: Vec<String> = index
        .labels
        .iter()
        .zip(&per_cohort)
        .filter(|(_, (won, lost))| (*won == 0) != (*lost == 0))
        .map(|(cohort, (won, lost))| format!("{cohort} ({won} won, {lost} lost)"))
        .collect();
    (!bad.is_empty()).then(|| {
        format!(
            "cohorts with only one outcome among decided leads: {}; they cannot show what separates won from lost",
            bad.join(", ")
        )
    })
}
