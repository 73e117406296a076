//! A leads column that is the CRM's running count of an activity the events file holds
//! (HubSpot's `Number of Form Submissions` beside the form submissions themselves), or
//! its yes/no (`Unsubscribed from all email` beside the unsubscribes): it counts the
//! lead's events over all time, those after the engagement window too (what the lead did
//! once sales had it, or as a customer), which a lead being scored has not done yet.
//! `init` tells it by comparing, lead by lead, the column with the events, and so does
//! `validate` for a signal that reads such a column (a config written by hand, or a
//! signal enabled again that the draft left out).

use polars::prelude::PlHashMap;

use mqlcal_config::{DecimalMark, SignalSource};

/// The leads the check reads: every `stride`-th row of the leads file, at most this many.
/// Agreement on tens of thousands of leads is evidence enough; the events of every lead
/// would cost memory for each activity of a million-lead export.
const MAX_LEADS_CHECKED: usize = 50_000;
/// A column is an activity's running count when it equals the events' count for at
/// least this share of the leads that have either ...
const AGREE_SHARE: f64 = 0.9;
/// ... of at least this many leads ...
const MIN_LEADS: usize = 30;
/// ... and the window's count misses it for this share more of them (at least
/// [`MIN_MISSED`] leads): the column holds events the window does not.
const MISSED_SHARE: f64 = 0.05;
const MIN_MISSED: usize = 10;
/// The name said for the count of every activity together (a CRM's "Number of activities").
pub(crate) const EVERY_ACTIVITY: &str = "every activity";

/// Each checked lead's events by activity: how many, and how many inside the window.
/// (The default holds no event, as for a file without creation dates.)
#[derive(Debug, Clone)]
pub(crate) struct EventCounts {
    stride: usize,
    /// The activities by number, in the order first seen ...
    activities: Vec<String>,
    /// ... and their numbers.
    numbers: PlHashMap<String, u32>,
    /// Per checked lead, its events over all time and inside the window by activity (a
    /// lead has few activities: a list, looked through) ...
    per_lead: Vec<Vec<(u32, Tally)>>,
    /// ... and of every activity together.
    every: Vec<Tally>,
}

/// Events over all time, and inside the window.
type Tally = (u32, u32);

impl Default for EventCounts {
    fn default() -> Self {
        EventCounts::new(0)
    }
}

impl EventCounts {
    /// For a leads file of `leads` rows.
    pub(crate) fn new(leads: usize) -> Self {
        let stride = leads.div_ceil(MAX_LEADS_CHECKED).max(1);
        let checked = leads.div_ceil(stride);
        EventCounts { stride, activities: Vec::new(), numbers: PlHashMap::default(), per_lead: vec![Vec::new(); checked], every: vec![(0, 0); checked] }
    }

    /// Whether lead `row`'s events are kept (cheap: ask before anything else).
    pub(crate) fn checks(&self, row: usize) -> bool {
        row % self.stride == 0
    }

    /// The leads checked are the rows `0, stride, 2 × stride …` of the leads file.
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// One event of lead `row` (a row [`checks`](Self::checks) said yes to), of `activity`,
    /// in the window the draft's signal counts or not.
    pub(crate) fn add(&mut self, row: usize, activity: &str, counted: bool) {
        let number = match self.numbers.get(activity) {
            Some(&k) => k,
            None => {
                let k = self.activities.len() as u32;
                self.activities.push(activity.to_string());
                self.numbers.insert(activity.to_string(), k);
                k
            }
        };
        let lead = row / self.stride;
        let activities = &mut self.per_lead[lead];
        let at = match activities.iter().position(|&(k, _)| k == number) {
            Some(at) => at,
            None => {
                activities.push((number, (0, 0)));
                activities.len() - 1
            }
        };
        for (all, window) in [&mut activities[at].1, &mut self.every[lead]] {
            *all += 1;
            *window += u32::from(counted);
        }
    }

    /// The activity (or [`EVERY_ACTIVITY`]) whose count over all time `column` is, lead by
    /// lead, with the evidence; None when it is no activity's running count. `column` holds
    /// the checked leads' values, in order (rows `0, stride, …`; None for blank). With
    /// `yes_no`, the column is 1 for yes and 0 for no, and is compared with whether the
    /// lead has any such event.
    pub(crate) fn running_count_of(&self, column: &[Option<f64>], yes_no: bool) -> Option<RunningCount> {
        let positive = column.iter().flatten().filter(|&&v| v > 0.0).count();
        // Per activity (every activity last): leads with such events and a value, of them
        // those with a value above 0, those whose value is the count, and the window's count.
        let mut tally = vec![[0usize; 4]; self.activities.len() + 1];
        let by_activity = self.per_lead.iter().enumerate().flat_map(|(lead, tallies)| tallies.iter().map(move |&(activity, tally)| ((activity as usize, lead), tally)));
        let every = self.every.iter().enumerate().filter(|(_, &(all, _))| all > 0).map(|(lead, &tally)| ((self.activities.len(), lead), tally));
        for ((activity, lead), (all, window)) in by_activity.chain(every) {
            let Some(v) = column.get(lead).copied().flatten() else { continue };
            let (all, window) = if yes_no { (all.min(1), window.min(1)) } else { (all, window) };
            let t = &mut tally[activity];
            for (k, yes) in [true, v > 0.0, v == f64::from(all), v == f64::from(window)].into_iter().enumerate() {
                t[k] += usize::from(yes);
            }
        }
        let names = self.activities.iter().map(String::as_str).chain([EVERY_ACTIVITY]);
        names
            .zip(tally)
            .filter(|(_, [with_events, ..])| *with_events > 0)
            .map(|(name, [with_events, positive_with_events, agree, agree_in_window])| RunningCount {
                activity: name.to_string(),
                // And the leads whose column counts something but who have none of these events.
                with_either: with_events + positive - positive_with_events,
                agree,
                agree_in_window,
                every: self.stride,
                yes_no,
            })
            .filter(RunningCount::holds)
            .max_by(|a, b| a.agree.cmp(&b.agree).then(b.activity.cmp(&a.activity)))
    }
}

impl EventCounts {
    /// The running count the column whose checked leads' cells are `cells` is (in order,
    /// cleaned; None: blank, or a lead without a window): read as whole numbers of at least
    /// 0, compared as counts, or as yes/no when none is above 1; else read as yes and no
    /// (`true`, `Yes`, `1`). None when it is no running count, or reads as neither.
    pub(crate) fn running_count_in(&self, cells: &[Option<&str>], decimal: DecimalMark) -> Option<RunningCount> {
        // Each cell read by `read`: None when some filled cell does not read so.
        let read = |read: &dyn Fn(&str) -> Option<f64>| -> Option<Vec<Option<f64>>> { cells.iter().map(|t| t.map_or(Some(None), |v| read(v).map(Some))).collect() };
        match read(&|v| as_count(v, decimal)) {
            Some(numbers) => self.running_count_of(&numbers, false).or_else(|| numbers.iter().flatten().all(|&n| n <= 1.0).then(|| self.running_count_of(&numbers, true)).flatten()),
            None => self.running_count_of(&read(&|v| mqlcal_scorecard::yes_or_no(v).map(f64::from))?, true),
        }
    }
}

/// `text` as a count: a whole number of at least 0.
fn as_count(text: &str, decimal: DecimalMark) -> Option<f64> {
    decimal.read(text).filter(|n| *n >= 0.0 && n.fract() == 0.0)
}

/// The leads column a signal reads that can be a running count: one of numbers, counts
/// or yes/no, or a categorical whose levels are whole numbers or yes and no (as `init`
/// drafts a count of few values). None for the others (an industry, events).
pub(crate) fn may_count_events(source: &SignalSource, decimal: DecimalMark) -> Option<&str> {
    match source {
        SignalSource::Count { column, .. } | SignalSource::Numeric { column, .. } | SignalSource::Flag { column, .. } => Some(column),
        SignalSource::Categorical { column, levels, .. } => {
            let counts = |level: &String| as_count(level, decimal).is_some() || mqlcal_scorecard::yes_or_no(level).is_some();
            levels.iter().all(counts).then_some(column)
        }
        SignalSource::Events { .. } => None,
    }
}

/// What `validate` compares a signal's leads column with: the events of the leads checked
/// (every [`EventCounts::stride`]-th lead that ingest kept, in order), and their ids, by
/// which the lead files' rows are found again.
#[derive(Debug, Clone)]
pub(crate) struct CheckedLeads {
    pub counts: EventCounts,
    pub ids: Vec<String>,
}

/// The evidence that a column is an activity's running count.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunningCount {
    pub activity: String,
    /// Checked leads with a value in the column and either a count above 0 there or such events.
    pub with_either: usize,
    /// Of them, those whose column equals their events' count over all time ...
    pub agree: usize,
    /// ... and those whose column equals the count inside the window.
    pub agree_in_window: usize,
    /// Every how many leads one was checked.
    every: usize,
    /// The column says yes or no: whether the lead has such events, not how many.
    yes_no: bool,
}

impl RunningCount {
    fn holds(&self) -> bool {
        let missed = self.agree.saturating_sub(self.agree_in_window);
        self.with_either >= MIN_LEADS
            && self.agree as f64 >= AGREE_SHARE * self.with_either as f64
            && missed >= MIN_MISSED
            && missed as f64 >= MISSED_SHARE * self.with_either as f64
    }

    /// What the column holds, for the caution that a signal reads it.
    pub(crate) fn what_it_holds(&self) -> &'static str {
        match self.yes_no {
            false => "which counts events over all time",
            true => "which says whether the lead had an event at any time",
        }
    }

    /// In words, for a LEAKAGE SUSPECT line about the column.
    pub(crate) fn reason(&self, window_days: i64) -> String {
        let what = match (self.activity.as_str(), self.yes_no) {
            (EVERY_ACTIVITY, false) => "the events of every activity".to_string(),
            (EVERY_ACTIVITY, true) => "any event".to_string(),
            (name, false) => format!("the {name:?} events"),
            (name, true) => format!("any {name:?} event"),
        };
        let share = |n: usize| 100.0 * n as f64 / self.with_either as f64;
        let checked = match self.every {
            1 => String::new(),
            n => format!(" (one lead in {n} checked)"),
        };
        let window = "the events signals count the window";
        let after = "what leads did after the window (once sales had them, as customers), which a lead being scored has not done";
        match self.yes_no {
            false => format!(
                "it counts {what} over all time: of the {} leads that have such events or a count above 0{checked}, it equals their number for {:.0} %, their number in the {window_days}-day window for {:.0} %. It counts {after}; {window}",
                self.with_either,
                share(self.agree),
                share(self.agree_in_window)
            ),
            true => format!(
                "it says whether the lead had {what} at any time: of the {} leads that have such events or say yes{checked}, it says so for {:.0} %, whether they had one in the {window_days}-day window for {:.0} %. It holds {after}; {window}",
                self.with_either,
                share(self.agree),
                share(self.agree_in_window)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `leads` leads; lead i has i % 4 "Form Fill" events in the window and, when
    /// `after(i)`, one more after it; one "Visit" per lead, in the window.
    fn counts(leads: usize, after: impl Fn(usize) -> bool) -> EventCounts {
        let mut c = EventCounts::new(leads);
        for i in 0..leads {
            for _ in 0..i % 4 {
                c.add(i, "Form Fill", true);
            }
            if after(i) {
                c.add(i, "Form Fill", false);
            }
            c.add(i, "Visit", true);
        }
        c
    }

    #[test]
    fn a_column_of_all_time_counts_is_told_and_the_window_count_is_not() {
        let c = counts(400, |i| i % 3 == 0);
        let all_time: Vec<Option<f64>> = (0..400).map(|i| Some((i % 4 + usize::from(i % 3 == 0)) as f64)).collect();
        let found = c.running_count_of(&all_time, false).expect("a running count");
        // Leads with neither: no form fill in the window (i % 4 = 0) and none after (i % 3 > 0), 66.
        assert_eq!((found.activity.as_str(), found.agree, found.with_either, found.agree_in_window), ("Form Fill", 334, 334, 200));
        assert_eq!(
            found.reason(30).split(". It counts").next(),
            Some("it counts the \"Form Fill\" events over all time: of the 334 leads that have such events or a count above 0, it equals their number for 100 %, their number in the 30-day window for 60 %")
        );
        // The count in the window is what the events signal counts: no leak.
        let window: Vec<Option<f64>> = (0..400).map(|i| Some((i % 4) as f64)).collect();
        assert_eq!(c.running_count_of(&window, false), None);
        // With no events after the window, a running count is the window's: nothing to say.
        assert_eq!(counts(400, |_| false).running_count_of(&window, false), None);
        // A column of other numbers (a company's size) is no activity's count.
        let size: Vec<Option<f64>> = (0..400).map(|i| Some((i * 7 % 50) as f64)).collect();
        assert_eq!(c.running_count_of(&size, false), None);
    }

    #[test]
    fn every_activity_together_and_blanks() {
        let c = counts(400, |i| i % 2 == 0);
        // Form fills and the visit together, all time; blank for every fifth lead.
        let total: Vec<Option<f64>> = (0..400).map(|i| (i % 5 != 0).then(|| (i % 4 + usize::from(i % 2 == 0) + 1) as f64)).collect();
        let found = c.running_count_of(&total, false).expect("a running count");
        assert_eq!(found.activity, EVERY_ACTIVITY);
        assert_eq!((found.with_either, found.agree), (320, 320));
        assert!(found.reason(30).starts_with("it counts the events of every activity over all time"));
        // A few leads off (an export taken a day later) still agree enough; most off do not.
        let mut off = total.clone();
        for v in off.iter_mut().step_by(20).flatten() {
            *v += 1.0;
        }
        assert!(c.running_count_of(&off, false).is_some());
        for v in off.iter_mut().step_by(3).flatten() {
            *v += 1.0;
        }
        assert_eq!(c.running_count_of(&off, false), None);
    }

    #[test]
    fn a_yes_no_column_of_whether_a_lead_ever_had_an_activity() {
        let c = counts(400, |i| i % 3 == 0);
        // Yes when the lead has a form fill at any time.
        let ever: Vec<Option<f64>> = (0..400).map(|i| Some(f64::from(i % 4 > 0 || i % 3 == 0))).collect();
        assert_eq!(c.running_count_of(&ever, false), None, "a count of 1 is no count of 3");
        let found = c.running_count_of(&ever, true).expect("whether it ever had one");
        assert_eq!((found.activity.as_str(), found.with_either, found.agree, found.agree_in_window), ("Form Fill", 334, 334, 300));
        assert!(found.reason(30).starts_with("it says whether the lead had any \"Form Fill\" event at any time: of the 334 leads that have such events or say yes, it says so for 100 %, whether they had one in the 30-day window for 90 %. It holds what leads did after"), "{}", found.reason(30));
        // Yes when it has one in the window: no leak.
        let in_window: Vec<Option<f64>> = (0..400).map(|i| Some(f64::from(i % 4 > 0))).collect();
        assert_eq!(c.running_count_of(&in_window, true), None);
    }

    #[test]
    fn cells_are_read_as_counts_as_yes_no_or_not_at_all() {
        let c = counts(400, |i| i % 3 == 0);
        let texts = |cell: &dyn Fn(usize) -> String| -> Vec<String> { (0..400).map(cell).collect() };
        let read = |texts: &[String], decimal| c.running_count_in(&texts.iter().map(|t| Some(t.as_str())).collect::<Vec<_>>(), decimal);
        // Counts over all time, written as whole numbers (with a decimal comma too).
        let all_time = texts(&|i| (i % 4 + usize::from(i % 3 == 0)).to_string());
        assert_eq!(read(&all_time, DecimalMark::Point).map(|f| (f.activity, f.yes_no)), Some(("Form Fill".to_string(), false)));
        let commas = texts(&|i| format!("{},0", i % 4 + usize::from(i % 3 == 0)));
        assert_eq!(read(&commas, DecimalMark::Comma).map(|f| f.agree), Some(334));
        // Whether the lead ever had one, as 0/1 and as words.
        let ever = |i: usize| i % 4 > 0 || i % 3 == 0;
        assert_eq!(read(&texts(&|i| u8::from(ever(i)).to_string()), DecimalMark::Point).map(|f| f.yes_no), Some(true));
        assert_eq!(read(&texts(&|i| if ever(i) { "True" } else { "False" }.to_string()), DecimalMark::Point).map(|f| f.yes_no), Some(true));
        // Not counts: a fraction, a negative number, a word that is neither yes nor no.
        for other in ["1.5", "-1", "Webinar"] {
            let mut cells = all_time.clone();
            cells[7] = other.to_string();
            assert_eq!(read(&cells, DecimalMark::Point), None, "{other}");
        }
    }

    #[test]
    fn the_signals_that_may_count_events_read_numbers_or_yes_no() {
        use mqlcal_config::{NumericTransform, SignalSource};
        let categorical = |levels: &[&str]| SignalSource::Categorical { column: "c".into(), levels: levels.iter().map(|l| l.to_string()).collect(), separator: None, spellings: Default::default() };
        assert_eq!(may_count_events(&categorical(&["1", "2", "3"]), DecimalMark::Point), Some("c"));
        assert_eq!(may_count_events(&categorical(&["Yes"]), DecimalMark::Point), Some("c"));
        assert_eq!(may_count_events(&categorical(&["1", "software"]), DecimalMark::Point), None);
        assert_eq!(may_count_events(&categorical(&["2.5"]), DecimalMark::Point), None);
        let flag = SignalSource::Flag { column: "f".into(), equals: vec!["x".into()] };
        assert_eq!(may_count_events(&flag, DecimalMark::Point), Some("f"));
        let count = SignalSource::Count { column: "n".into(), transform: NumericTransform { floor: None, cap: None, scale: 1.0, default: None, bins: vec![], auto_bins: None } };
        assert_eq!(may_count_events(&count, DecimalMark::Point), Some("n"));
    }

    #[test]
    fn the_leads_checked_are_every_strideth_row() {
        let mut c = EventCounts::new(120_000);
        assert_eq!(c.stride, 3);
        assert!(c.checks(0) && !c.checks(1) && c.checks(3));
        assert!((0..120_000).all(|row| c.checks(row) == (row % 3 == 0)));
        for row in (0..120_000).step_by(3) {
            c.add(row, "Form Fill", true);
            c.add(row, "Form Fill", false);
        }
        let column: Vec<Option<f64>> = (0..120_000).step_by(c.stride()).map(|r| Some(if r % 3 == 0 { 2.0 } else { 9.0 })).collect();
        let found = c.running_count_of(&column, false).expect("the checked rows agree");
        assert_eq!((found.with_either, found.agree, found.agree_in_window), (40_000, 40_000, 0));
        assert!(found.reason(30).contains("of the 40000 leads that have such events or a count above 0 (one lead in 3 checked), "));
    }
}
