//! How each feature column is computed from a raw lead and its events, so a
//! production scorer needs nothing but the model file. Mirrors the ingest of
//! `mqlcal` exactly (a test compares the two on every lead of the sample).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{formatted_number, DateLayout, DecimalMark, IdCase, ReadBy, TimeZone};

/// What a model reads from the leads and events files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub id_column: String,
    /// Creation time (the as-of window starts there); needed by event signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_column: Option<String>,
    /// How the creation dates were written in the training data (None in older model
    /// files: the scorer detects it, the SQL reads ISO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_format: Option<DateLayout>,
    /// Cell texts (after trimming) that mean blank, e.g. "", "Select", "NA".
    pub missing: Vec<String>,
    /// The decimal mark of the training data's numbers (not recorded when '.').
    #[serde(default, skip_serializing_if = "DecimalMark::is_point")]
    pub decimal: DecimalMark,
    /// Events count when they happen in [created_at, created_at + window_days].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// `[events] starts_before_seconds`: the window starts this long before created_at
    /// (the form fill that creates the lead, stamped a moment before the lead record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_before_seconds: Option<u32>,
    /// Columns of the long-form events file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_columns: Option<EventColumns>,
    /// `[input] id_case`: how the events' lead ids are matched to the leads' (not
    /// recorded when exact, as models before the setting).
    #[serde(default, skip_serializing_if = "IdCase::is_exact")]
    pub id_case: IdCase,
    /// `[columns] events_key`: the leads column the events' lead ids are values of, when
    /// it is not `id_column` (events keyed by e-mail, leads by the CRM's record id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_key_column: Option<String>,
    /// `[columns] events_also_key`: other leads columns whose values the events may also
    /// name a lead by (the contact it converted into, the records merged into it), tried
    /// for an event whose lead id is no lead's key. Empty: none (not recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events_also_key_columns: Vec<String>,
    /// `[columns] events_also_key_separator`: what separates several ids in one cell of
    /// those columns (HubSpot's `hs_merged_object_ids`, `"101;102"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_also_key_separator: Option<String>,
    /// `[input] time_zone`: the wall clock times are read on; instants (a recorded layout
    /// that reads one: `iso_zoned`, Unix time) are moved onto it (not recorded when UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
}

/// Column names of the events file (one row per event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventColumns {
    pub lead_id: String,
    pub occurred_at: String,
    pub activity: String,
    /// How the event times were written in the training data (None in older model files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at_format: Option<DateLayout>,
    /// `[events] detail`: what each event was about (the page, the e-mail, the form),
    /// which an events recipe may filter on ([`EventsRule::detail_contains`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Inputs {
    /// Read every date as ISO text, DATE or TIMESTAMP (a warehouse's loader types the
    /// columns, whatever layout the training files wrote them in): what the scoring
    /// query of `mqlcal export --dates iso` and `mqlcal score --dates iso` read.
    /// With a time zone, a column of instants stays one (ISO text with or without a zone,
    /// read as UTC and moved onto the zone's clock).
    pub fn read_dates_as_iso(&mut self) {
        let on_clock = self.time_zone.is_some();
        self.each_date_format(|layout| {
            *layout = match layout {
                Some(layout) if on_clock && layout.is_utc_instant() => Some(DateLayout::IsoZoned),
                _ => Some(DateLayout::Iso),
            }
        });
    }

    /// Read the columns of instants as plain ISO: what the SQL export's queries do after
    /// rewriting them as wall-clock text on the time zone.
    pub(crate) fn read_instants_as_iso(&mut self) {
        self.each_date_format(|layout| {
            if layout.as_ref().is_some_and(DateLayout::is_utc_instant) {
                *layout = Some(DateLayout::Iso);
            }
        });
    }

    /// `change` the recorded layout of the creation dates, then of the event times.
    fn each_date_format(&mut self, change: impl Fn(&mut Option<DateLayout>)) {
        change(&mut self.created_at_format);
        if let Some(events) = self.event_columns.as_mut() {
            change(&mut events.occurred_at_format);
        }
    }

    /// The recorded layouts that are not ISO (column and layout), which a warehouse's
    /// typed DATE or TIMESTAMP columns do not hold.
    pub fn layouts_not_iso(&self) -> Vec<(&str, &DateLayout)> {
        let created = self.created_at_column.as_deref().zip(self.created_at_format.as_ref());
        let occurred = self.event_columns.as_ref().and_then(|e| Some(e.occurred_at.as_str()).zip(e.occurred_at_format.as_ref()));
        created.into_iter().chain(occurred).filter(|(_, layout)| !matches!(layout, DateLayout::Iso | DateLayout::IsoZoned)).collect()
    }

    /// The leads column the events' lead ids are values of.
    pub fn events_key(&self) -> &str {
        self.events_key_column.as_deref().unwrap_or(&self.id_column)
    }

    /// The engagement window the model's event signals count in.
    pub fn window(&self) -> EventWindow {
        EventWindow::from_days(self.window_days.unwrap_or(0)).starting_before(self.starts_before_seconds.unwrap_or(0))
    }
}

/// The engagement window, the one home of its rule: an event counts when it
/// happens in `[created_at - starts_before, created_at + window]`, and its age (for
/// decay) is measured back from the window's end, an event before creation aged as
/// one at creation. Ingest, the raw-lead scorer and the SQL export all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventWindow {
    /// From creation to the window's end.
    pub seconds: i64,
    /// How long before creation it starts (`[events] starts_before_seconds`; 0 by default).
    pub starts_before: i64,
}

impl EventWindow {
    pub const SECONDS_PER_DAY: i64 = 86_400;

    pub fn from_days(days: u32) -> Self {
        EventWindow { seconds: i64::from(days) * Self::SECONDS_PER_DAY, starts_before: 0 }
    }

    /// The window starting `seconds` before creation.
    pub fn starting_before(self, seconds: u32) -> Self {
        EventWindow { starts_before: i64::from(seconds), ..self }
    }

    // The per-event rules are inlined where events are summed, in other crates: a
    // called `weight` cost 12 % of the 1M score's hand-on.

    /// The last second an event of a lead created at `created` counts.
    #[inline]
    pub fn end(self, created: i64) -> i64 {
        created.saturating_add(self.seconds)
    }

    /// Whether an event at `occurred` counts for a lead created at `created`.
    #[inline]
    pub fn contains(self, created: i64, occurred: i64) -> bool {
        occurred >= created.saturating_sub(self.starts_before) && occurred <= self.end(created)
    }

    /// Days from an event to the window's end: what decay weighs. An event before
    /// creation (inside `starts_before`) weighs as one at creation: it is the moment the
    /// lead was created, stamped early, not an older one.
    #[inline]
    pub fn age_days(self, created: i64, occurred: i64) -> f64 {
        (self.end(created) - occurred.max(created)) as f64 / Self::SECONDS_PER_DAY as f64
    }
}

/// Recency weight of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    None,
    /// DOMAIN.md's practice: 1.0 for 0–7 days before the scoring moment, 0.8 for 8–30,
    /// 0.6 for 31–60, 0.4 for 61–90, 0.2 after ([`Decay::STANDARD_STEPS`]).
    Standard,
}

impl Decay {
    /// `(up to this age in days, weight)`, ascending; older events weigh
    /// [`Decay::STANDARD_TAIL`]. The SQL export writes its CASE from this table.
    pub const STANDARD_STEPS: [(f64, f64); 4] = [(7.0, 1.0), (30.0, 0.8), (60.0, 0.6), (90.0, 0.4)];
    pub const STANDARD_TAIL: f64 = 0.2;

    /// The rule as a table: `(up to this age in days, weight)`, ascending, the last for
    /// every older event (its bound infinite). The SQL export writes its CASE from it.
    pub fn table(self) -> Vec<(f64, f64)> {
        match self {
            Decay::None => vec![(f64::INFINITY, 1.0)],
            Decay::Standard => Self::STANDARD_STEPS.iter().copied().chain([(f64::INFINITY, Self::STANDARD_TAIL)]).collect(),
        }
    }

    /// Weight of an event `age_days` old at the scoring moment.
    #[inline]
    pub fn weight(self, age_days: f64) -> f64 {
        self.weight_of(|| age_days)
    }

    /// [`Decay::weight`] of the age `age_days()`, worked out only when the decay reads it
    /// (its division is a fifth of the time a million leads' events take to be summed).
    #[inline]
    pub fn weight_of(self, age_days: impl FnOnce() -> f64) -> f64 {
        match self {
            Decay::None => 1.0,
            Decay::Standard => {
                let age_days = age_days();
                Self::STANDARD_STEPS.iter().find(|(up_to, _)| age_days <= *up_to).map_or(Self::STANDARD_TAIL, |(_, weight)| *weight)
            }
        }
    }
}

/// A number from a cell: blank → `default`, clipped to [floor, cap], times `scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberRule {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    pub scale: f64,
    /// The value of a blank cell; without it a blank is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<f64>,
    /// A count: negative values are errors.
    pub non_negative: bool,
}

/// How one feature column is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipe {
    /// 1 when the trimmed cell equals `value` or one of its other `spellings`, else 0
    /// (blanks are 0). With a `separator` the cell lists values (a multi-select field) and
    /// it is 1 when `value` (or a spelling) is one of them.
    Level {
        column: String,
        value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        separator: Option<String>,
        /// Other ways the data writes the level (`Software`, `SOFTWARE` for `software`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        spellings: Vec<String>,
    },
    /// 1 when the trimmed cell equals one of `equals`, else 0.
    Flag { column: String, equals: Vec<String> },
    /// The number itself.
    Number(NumberRule),
    /// 1 when the number falls in [min, max) (no max: [min, ∞)), else 0.
    Bin {
        #[serde(flatten)]
        number: NumberRule,
        min: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// Events of these activities inside the window, decayed, summed, capped and scaled.
    Events(EventsRule),
}

/// Events of these activities inside the window (with `detail_contains`, only those
/// whose detail holds one of its texts), each weighted by its age (days before the
/// window's end), summed, capped at `cap`, times `scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsRule {
    pub activities: Vec<String>,
    /// Texts one of which the event's detail (`EventColumns::detail`, trimmed) must hold
    /// ([`detail_holds_text`]: A–Z in either case): a page view of a URL holding
    /// "/pricing". Empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail_contains: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    pub scale: f64,
    pub decay: Decay,
}

/// The most distinct `detail_contains` texts the recipes counting one activity may list
/// between them: an event is told apart by which of them its detail holds, one of 2^n kinds.
pub const MAX_DETAIL_TEXTS_PER_ACTIVITY: usize = 10;

/// Whether an event's `detail` holds `text` as `detail_contains` tests it: anywhere in
/// it, the letters A–Z in either case, as a CRM's "contains" filter reads ("/Pricing"
/// holds "/pricing"), every other character as written (the SQL exports fold A–Z
/// alone, alike on every engine).
pub fn detail_holds_text(detail: &str, text: &str) -> bool {
    folded(detail).contains(&*folded(text))
}

/// `text` with A-Z in lower case and every other character as written, as
/// [`detail_holds_text`] compares it: borrowed when it has no capital A-Z (so that a
/// reader of millions of details folds each once, and most not at all, then searches it
/// with `str::contains` for every text, folded once).
pub fn folded(text: &str) -> std::borrow::Cow<'_, str> {
    match text.bytes().any(|b| b.is_ascii_uppercase()) {
        true => std::borrow::Cow::Owned(text.to_ascii_lowercase()),
        false => std::borrow::Cow::Borrowed(text),
    }
}

/// Two `detail_contains` texts that every detail holds alike (they differ in the case
/// of A–Z alone): one text.
pub fn same_detail_text(a: &str, b: &str) -> bool {
    folded(a) == folded(b)
}

/// What is wrong with the `detail_contains` of `rules` (each its activities and texts),
/// if anything: a blank text or one with spaces at an end, or more than
/// [`MAX_DETAIL_TEXTS_PER_ACTIVITY`] distinct texts for one activity (texts differing in
/// the case of A-Z alone are one: [`same_detail_text`]).
pub fn detail_texts_problem<'a>(rules: impl IntoIterator<Item = (&'a [String], &'a [String])>) -> Option<String> {
    let mut texts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (activities, detail_contains) in rules {
        // A detail is read trimmed: a text that begins or ends with a space would not match
        // a detail that begins or ends with it.
        if let Some(text) = detail_contains.iter().find(|t| t.trim().is_empty() || t.trim() != t.as_str()) {
            return Some(format!("detail_contains holds {text:?}: expected a text without spaces at either end (\"/pricing\", say), as a detail is read trimmed and would not match one that begins or ends with a space"));
        }
        for activity in activities {
            let listed = texts.entry(activity.as_str()).or_default();
            for text in detail_contains {
                if !listed.iter().any(|l| same_detail_text(l, text)) {
                    listed.push(text);
                }
            }
            if listed.len() > MAX_DETAIL_TEXTS_PER_ACTIVITY {
                return Some(format!(
                    "the signals counting activity {activity:?} list {} detail_contains texts between them, more than {MAX_DETAIL_TEXTS_PER_ACTIVITY}: group pages under a shorter text they share (\"/pricing\" for every pricing page)",
                    listed.len()
                ));
            }
        }
    }
    None
}

impl EventsRule {
    /// Its activities, each once (a list that names one twice counts its events once).
    pub fn distinct_activities(&self) -> impl Iterator<Item = &str> {
        self.activities.iter().enumerate().filter(|&(k, a)| !self.activities[..k].contains(a)).map(|(_, a)| a.as_str())
    }

    /// Whether an event of `activity` with `detail` (trimmed; None when blank) counts
    /// toward this feature.
    pub fn counts(&self, activity: &str, detail: Option<&str>) -> bool {
        self.activities.iter().any(|a| a == activity) && self.detail_holds(detail)
    }

    /// Whether it counts only the events whose detail holds a text (`detail_contains`).
    pub fn filters_detail(&self) -> bool {
        !self.detail_contains.is_empty()
    }

    /// Whether an event's `detail` passes `detail_contains` (always, when it is empty).
    pub fn detail_holds(&self, detail: Option<&str>) -> bool {
        self.detail_contains.is_empty() || detail.is_some_and(|d| self.detail_contains.iter().any(|text| detail_holds_text(d, text)))
    }

    /// What one counted event adds, `age_days` before the window's end.
    #[inline]
    pub fn weight(&self, age_days: f64) -> f64 {
        self.decay.weight(age_days)
    }

    /// What an event at `occurred` adds for a lead created at `created` (inside `window`).
    #[inline]
    pub fn weight_in(&self, window: EventWindow, created: i64, occurred: i64) -> f64 {
        self.decay.weight_of(|| window.age_days(created, occurred))
    }

    /// The feature value from the summed weights of a lead's counted events.
    pub fn finish(&self, total: f64) -> f64 {
        clip_and_scale(total, None, self.cap, self.scale)
    }
}

/// What one feature column reads from a lead and how it turns that into its
/// value. Ingest evaluates whole columns with it, the raw-lead scorer one lead:
/// a new kind of recipe is written here once, and both follow.
pub enum Reads<'a> {
    /// A text cell of `column` (trimmed; None when blank or a missing marker).
    Text { column: &'a str, test: TextTest<'a> },
    /// A number cell of the rule's column.
    Number(NumberRead<'a>),
    /// The lead's events.
    Events(&'a EventsRule),
}

/// A text cell's feature value: 1 when the test holds, else 0. A text written here
/// counts a cell as [`crate::names_cell`] says: itself, or a whole number written the
/// other way (`2` and `2.0`).
pub enum TextTest<'a> {
    /// The cell is `value` or one of its other `spellings`.
    Equals { value: &'a str, spellings: &'a [String] },
    OneOf(&'a [String]),
    /// `value` (or one of its `spellings`) is one of the cell's values, written between `separator`s.
    Listed { value: &'a str, spellings: &'a [String], separator: &'a str },
}

impl TextTest<'_> {
    pub fn value(&self, cell: Option<&str>) -> f64 {
        use crate::names_cell;
        let yes = match (self, cell) {
            (_, None) => false,
            (TextTest::Equals { value, spellings }, Some(cell)) => names_cell(value, cell) || spellings.iter().any(|s| names_cell(s, cell)),
            (TextTest::OneOf(values), Some(cell)) => values.iter().any(|v| names_cell(v, cell)),
            (TextTest::Listed { value, spellings, separator }, Some(cell)) => {
                cell.split(separator).any(|listed| names_cell(value, listed) || spellings.iter().any(|s| names_cell(s, listed)))
            }
        };
        f64::from(u8::from(yes))
    }
}

/// A number cell's feature value: the rule's number, or 1/0 for a bin `[min, max)`.
pub struct NumberRead<'a> {
    pub rule: &'a NumberRule,
    pub bin: Option<(f64, Option<f64>)>,
}

/// Why a number cell cannot become a feature value (the caller names the cell).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellProblem {
    /// Blank, and the rule has no default.
    Blank,
    NotFinite(f64),
    /// Negative, and the rule is a count.
    Negative(f64),
}

impl NumberRead<'_> {
    /// The feature value of a number cell (None: blank).
    pub fn value(&self, cell: Option<f64>) -> Result<f64, CellProblem> {
        let rule = self.rule;
        let raw = match cell {
            None => rule.default.ok_or(CellProblem::Blank)?,
            Some(v) if !v.is_finite() => return Err(CellProblem::NotFinite(v)),
            Some(v) => v,
        };
        if rule.non_negative && raw < 0.0 {
            return Err(CellProblem::Negative(raw));
        }
        let v = clip_and_scale(raw, rule.floor, rule.cap, rule.scale);
        Ok(match self.bin {
            None => v,
            Some((min, max)) => f64::from(u8::from(v >= min && max.is_none_or(|m| v < m))),
        })
    }
}

/// One raw event of a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    /// Seconds since 1970-01-01 (same clock as `RawLead::created_at`).
    pub occurred_at: i64,
    pub activity: String,
    /// What the event was about (`[events] detail`): trimmed, None when blank, a missing
    /// marker or not read (as ingest and `mqlcal score` read the cell).
    pub detail: Option<String>,
}

/// One lead as production sees it: its cells by column name, creation time and events.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawLead {
    pub cells: BTreeMap<String, String>,
    /// Seconds since 1970-01-01.
    pub created_at: Option<i64>,
    pub events: Vec<RawEvent>,
}

/// Why a raw lead cannot be turned into features.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecipeError {
    #[error("the lead has no column {column:?}, which signal {signal:?} reads")]
    MissingColumn { signal: String, column: String },
    #[error("column {column:?}: {text:?} is not a number (signal {signal:?}){}", formatted_number(.text, *.decimal, ReadBy::Model).map(|why| format!(": {why}")).unwrap_or_default())]
    NotANumber { signal: String, column: String, text: String, decimal: DecimalMark },
    #[error("column {column:?}: {value} is negative, but signal {signal:?} is a count")]
    Negative { signal: String, column: String, value: f64 },
    #[error("column {column:?} is blank and signal {signal:?} has no default")]
    Blank { signal: String, column: String },
    #[error("signal {signal:?} counts events, which need the lead's creation time")]
    NoCreatedAt { signal: String },
    #[error("signal {signal:?} has no recipe: this model file cannot score raw leads (refit it with mqlcal {version} or later)")]
    NoRecipe { signal: String, version: String },
}

fn cell<'a>(lead: &'a RawLead, signal: &str, column: &str, missing: &[String]) -> Result<Option<&'a str>, RecipeError> {
    let raw = lead
        .cells
        .get(column)
        .ok_or_else(|| RecipeError::MissingColumn { signal: signal.to_string(), column: column.to_string() })?;
    let text = raw.trim();
    Ok(if missing.iter().any(|m| m == text) { None } else { Some(text) })
}

/// A leads cell parsed as a number (None: blank); text that is not a finite number is an error.
fn number_cell(lead: &RawLead, signal: &str, column: &str, inputs: &Inputs) -> Result<Option<f64>, RecipeError> {
    cell(lead, signal, column, &inputs.missing)?
        .map(|text| {
            inputs.decimal.read(text).filter(|v| v.is_finite()).ok_or_else(|| RecipeError::NotANumber {
                signal: signal.into(),
                column: column.to_string(),
                text: text.to_string(),
                decimal: inputs.decimal,
            })
        })
        .transpose()
}

/// A number clipped to `[floor, cap]`, then times `scale`: the one home of that rule.
pub fn clip_and_scale(raw: f64, floor: Option<f64>, cap: Option<f64>, scale: f64) -> f64 {
    let mut v = raw;
    if let Some(floor) = floor {
        v = v.max(floor);
    }
    if let Some(cap) = cap {
        v = v.min(cap);
    }
    v * scale
}

impl Recipe {
    /// What this feature column reads and how it becomes its value.
    pub fn reads(&self) -> Reads<'_> {
        match self {
            Recipe::Level { column, value, separator: None, spellings } => Reads::Text { column, test: TextTest::Equals { value, spellings } },
            Recipe::Level { column, value, separator: Some(separator), spellings } => {
                Reads::Text { column, test: TextTest::Listed { value, spellings, separator } }
            }
            Recipe::Flag { column, equals } => Reads::Text { column, test: TextTest::OneOf(equals) },
            Recipe::Number(rule) => Reads::Number(NumberRead { rule, bin: None }),
            Recipe::Bin { number, min, max } => Reads::Number(NumberRead { rule: number, bin: Some((*min, *max)) }),
            Recipe::Events(rule) => Reads::Events(rule),
        }
    }

    /// The feature value of `lead` (`signal` names it in errors).
    pub fn value(&self, signal: &str, lead: &RawLead, inputs: &Inputs) -> Result<f64, RecipeError> {
        let missing = &inputs.missing;
        match self.reads() {
            Reads::Text { column, test } => Ok(test.value(cell(lead, signal, column, missing)?)),
            Reads::Number(read) => {
                let column = &read.rule.column;
                read.value(number_cell(lead, signal, column, inputs)?).map_err(|problem| match problem {
                    CellProblem::Blank => RecipeError::Blank { signal: signal.into(), column: column.clone() },
                    CellProblem::Negative(value) => RecipeError::Negative { signal: signal.into(), column: column.clone(), value },
                    CellProblem::NotFinite(v) => RecipeError::NotANumber { signal: signal.into(), column: column.clone(), text: v.to_string(), decimal: inputs.decimal },
                })
            }
            Reads::Events(rule) => {
                let created = lead.created_at.ok_or_else(|| RecipeError::NoCreatedAt { signal: signal.into() })?;
                let window = inputs.window();
                let total = lead
                    .events
                    .iter()
                    .filter(|e| window.contains(created, e.occurred_at) && rule.counts(&e.activity, e.detail.as_deref()))
                    .fold(0.0, |total, e| total + rule.weight(window.age_days(created, e.occurred_at)));
                Ok(rule.finish(total))
            }
        }
    }

    /// The leads column it reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self.reads() {
            Reads::Text { column, .. } => Some(column),
            Reads::Number(read) => Some(&read.rule.column),
            Reads::Events(_) => None,
        }
    }

    /// The events rule, when this feature counts events.
    pub fn events(&self) -> Option<&EventsRule> {
        match self {
            Recipe::Events(rule) => Some(rule),
            _ => None,
        }
    }
}
