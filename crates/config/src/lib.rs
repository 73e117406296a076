//! The analyst's `mqlcal.toml`: which files to read, which columns mean what,
//! and how each signal is computed from raw columns or events.
//!
//! The file is parsed into [`RawConfig`] (mirrors the TOML, unknown keys are
//! errors with a "did you mean" suggestion) and then checked once into
//! [`Config`], whose signals are a closed enum ([`SignalSource`]): later stages
//! never re-validate.

mod columns;
mod events;
mod exclude;
mod files;
mod input;
mod model;
mod outcome;
mod raw;
mod recipes;
mod rule;
mod sales;
mod signals;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use files::{files_named, files_shown, is_files_pattern};
pub use raw::RawConfig;
pub use rule::{RuleSpec, TwoAxisSpec};
pub use sales::{BacktestSpec, CapacityRule, SalesSpec};

/// Everything that can be wrong with a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // The OS error is in the message, not a `source`: printed once, not twice.
    #[error("cannot read config {path}: {message}")]
    Read {
        path: PathBuf,
        message: String,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Which of the three input layouts of DESIGN.md the config describes.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// The leads (one file, or several read as one: a list or a pattern) with an outcome
    /// column mapped by `[outcome]`; or several, each mapped by the same lists (HubSpot's
    /// `Lifecycle Stage`, which says won, beside its `Lead Status`, which says lost): a
    /// lead is won when any says won, else lost when any says lost, else open.
    OutcomeColumn {
        leads: Vec<PathBuf>,
        outcome_columns: Vec<String>,
    },
    /// Won and lost leads in separate files (same columns); optional open file.
    SeparateFiles {
        won: PathBuf,
        lost: PathBuf,
        open: Option<PathBuf>,
    },
    /// All leads (one file or several, as above) plus a file listing the won ids; every
    /// other lead is lost, except those whose status column (`[columns] outcome`) says open.
    WonIds { leads: Vec<PathBuf>, won_ids: PathBuf, status_column: Option<String> },
}

impl Layout {
    /// The leads columns the outcome (or, with won ids, the status) is read from.
    pub fn outcome_columns(&self) -> Vec<&str> {
        match self {
            Layout::OutcomeColumn { outcome_columns, .. } => outcome_columns.iter().map(String::as_str).collect(),
            Layout::WonIds { status_column: Some(status), .. } => vec![status],
            _ => Vec::new(),
        }
    }
}

/// `[exclude]`: a leads column and the values whose leads are left out of every number,
/// as if the file did not hold them (records that are no leads: a `Duplicate` merged
/// into another, a `Test`, a partner's lead routed elsewhere).
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub column: String,
    /// Compared with the cell trimmed, exactly.
    pub values: Vec<String>,
}

/// How cells of the outcome column map to outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeMap {
    pub won: Vec<String>,
    pub lost: Vec<String>,
    pub open: Vec<String>,
    /// Blank outcome cells count as open (true) or are an error (false).
    pub blank_is_open: bool,
    /// `filled_is = "won"`: a filled cell no list names is won (a column filled in when the
    /// lead converted: Salesforce's `Converted Date`, HubSpot's `Became a Customer Date`).
    pub filled_is_won: bool,
    /// The stale-open rule: open leads created at least this many days before
    /// the as-of date count as lost (CRMs leave dead leads open for years).
    pub open_after_days: Option<u32>,
}

/// Default of `[model] min_decided_share`: a cohort is judged once 80 % of its
/// leads are won or lost. Below that, the leads decided first (typically the
/// quick losses and the fast wins) dominate its conversion.
pub const DEFAULT_MIN_DECIDED_SHARE: f64 = 0.8;

/// Text encoding of CSV inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Latin1,
    /// UTF-8 when valid, otherwise Latin-1 (with a warning).
    Auto,
}

/// What to do when a lead id appears more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    Error,
    KeepFirst,
    KeepLast,
    /// The rows are one lead's deals or opportunities (a report of one row per deal): the
    /// lead is won if any row is won, else open if any is open, else lost, and keeps the
    /// row that says so (the first win by decision date; the last loss).
    WonIfAny,
}

impl Duplicates {
    /// As `[input] duplicates` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Duplicates::Error => "error",
            Duplicates::KeepFirst => "keep-first",
            Duplicates::KeepLast => "keep-last",
            Duplicates::WonIfAny => "won-if-any",
        }
    }
}

/// How dates are written in a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// ISO first; otherwise day-first vs month-first decided from the data.
    Auto,
    /// Given: "iso", "day_first", "month_first" or a chrono strftime pattern such as `%d/%m/%Y`.
    Fixed(DateLayout),
}

impl DateFormat {
    /// The layout when it is given; None when the data decide.
    pub fn fixed(&self) -> Option<&DateLayout> {
        match self {
            DateFormat::Auto => None,
            DateFormat::Fixed(layout) => Some(layout),
        }
    }
}

// A signal's axis and its events' decay are the model file's types: one definition.
pub use mqlcal_scorecard::{Axis, DateLayout, Decay, DecimalMark, EventWindow, NumberRule, Period, Recipe};

/// Transform of a numeric or count column: clip, scale, blank default, bins.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericTransform {
    pub floor: Option<f64>,
    pub cap: Option<f64>,
    pub scale: f64,
    pub default: Option<f64>,
    /// Ascending bin edges; empty means one numeric column.
    pub bins: Vec<f64>,
    /// `bins = "auto"`: edges chosen from the training cohorts at ingest
    /// ([`Config::with_resolved_bins`] then writes them into `bins`).
    pub auto_bins: Option<AutoBins>,
}

/// How `bins = "auto"` chooses edges: quantile bins of the training leads,
/// merged until every bin holds at least `min_share` of the leads and
/// [`AutoBins::MIN_OUTCOMES`] wins and losses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoBins {
    pub min_share: f64,
}

impl AutoBins {
    /// Default `min_bin_share`: at most 20 bins, usually 10, each with 5 % of the leads.
    pub const DEFAULT_MIN_SHARE: f64 = 0.05;
    /// At most this many bins.
    pub const MAX_BINS: usize = 10;
    /// Wins and losses every bin needs, so that its points are estimable.
    pub const MIN_OUTCOMES: usize = 10;
}

impl NumericTransform {
    /// Clip then scale a raw value (bins are applied by the caller on the clipped, scaled value).
    pub fn apply(&self, raw: f64) -> f64 {
        mqlcal_scorecard::clip_and_scale(raw, self.floor, self.cap, self.scale)
    }

    /// The model file's rule for this transform of `column`.
    pub fn number_rule(&self, column: &str, non_negative: bool) -> NumberRule {
        NumberRule { column: column.to_string(), floor: self.floor, cap: self.cap, scale: self.scale, default: self.default, non_negative }
    }

    /// Names of the bin levels above the baseline (below the first edge).
    pub fn bin_levels(&self) -> Vec<String> {
        let mut levels = Vec::with_capacity(self.bins.len());
        for (i, lo) in self.bins.iter().enumerate() {
            match self.bins.get(i + 1) {
                Some(hi) => levels.push(format!("[{},{})", fmt_num(*lo), fmt_num(*hi))),
                None => levels.push(format!("[{},inf)", fmt_num(*lo))),
            }
        }
        levels
    }

    /// Index into `bin_levels` of a transformed value, or None for the baseline.
    pub fn bin_of(&self, value: f64) -> Option<usize> {
        // Number of edges <= value; 0 means below the first edge (baseline).
        let above = self.bins.partition_point(|edge| *edge <= value);
        above.checked_sub(1)
    }
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// How one signal is computed from the raw data.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalSource {
    /// One indicator per listed level; other values and blanks are the baseline. With a
    /// `separator`, a cell lists several values (a multi-select field: `Webinar;Pricing`)
    /// and each level's indicator is 1 when it is one of them. `spellings`: other ways the
    /// data writes a level (by level; a cell written so counts as the level).
    Categorical { column: String, levels: Vec<String>, separator: Option<String>, spellings: BTreeMap<String, Vec<String>> },
    /// A finite number (may be negative).
    Numeric {
        column: String,
        transform: NumericTransform,
    },
    /// A count column: finite and non-negative.
    Count {
        column: String,
        transform: NumericTransform,
    },
    /// 1 when the cell equals one of `equals`, else 0.
    Flag { column: String, equals: Vec<String> },
    /// Events of the named activities inside the as-of window, decayed and capped.
    Events {
        activities: Vec<String>,
        /// Only events whose detail holds one of these texts count (empty: every one).
        detail_contains: Vec<String>,
        cap: Option<f64>,
        scale: f64,
        decay: Decay,
    },
}

impl SignalSource {
    /// The leads column this signal reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            SignalSource::Categorical { column, .. }
            | SignalSource::Numeric { column, .. }
            | SignalSource::Count { column, .. }
            | SignalSource::Flag { column, .. } => Some(column),
            SignalSource::Events { .. } => None,
        }
    }

    /// The level a categorical signal's cell value (or listed value) stands for: a level
    /// itself or one of its other spellings, a whole number written either way
    /// ([`mqlcal_scorecard::names_cell`]). None for other values and other kinds.
    pub fn level_named(&self, value: &str) -> Option<&str> {
        use mqlcal_scorecard::names_cell;
        let SignalSource::Categorical { levels, spellings, .. } = self else { return None };
        levels
            .iter()
            .find(|l| names_cell(l, value))
            .or_else(|| spellings.iter().find(|(_, s)| s.iter().any(|s| names_cell(s, value))).map(|(l, _)| l))
            .map(String::as_str)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            SignalSource::Categorical { .. } => "categorical",
            SignalSource::Numeric { .. } => "numeric",
            SignalSource::Count { .. } => "count",
            SignalSource::Flag { .. } => "flag",
            SignalSource::Events { .. } => "events",
        }
    }
}

/// One scored input.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub name: String,
    pub axis: Axis,
    pub source: SignalSource,
}

impl Signal {
    /// Names of the feature-table columns this signal produces, in order:
    /// `signal=level` for each level (or bin), the signal's name when it is one column.
    pub fn feature_names(&self) -> Vec<String> {
        self.feature_levels()
            .into_iter()
            .map(|level| match level {
                Some(level) => format!("{}={}", self.name, level),
                None => self.name.clone(),
            })
            .collect()
    }

    /// The level (or bin) each feature column stands for; None when the signal is one column.
    pub fn feature_levels(&self) -> Vec<Option<String>> {
        match &self.source {
            SignalSource::Categorical { levels, .. } => levels.iter().cloned().map(Some).collect(),
            SignalSource::Numeric { transform, .. } | SignalSource::Count { transform, .. } if !transform.bins.is_empty() => {
                transform.bin_levels().into_iter().map(Some).collect()
            }
            _ => vec![None],
        }
    }

    /// The bin names this signal would have with these edges (None: it cannot be binned).
    pub fn bin_levels_with(&self, edges: &[f64]) -> Option<Vec<String>> {
        match &self.source {
            SignalSource::Numeric { transform, .. } | SignalSource::Count { transform, .. } => {
                Some(NumericTransform { bins: edges.to_vec(), ..transform.clone() }.bin_levels())
            }
            _ => None,
        }
    }

    /// Whether this signal counts events (its feature comes from the events file).
    pub fn counts_events(&self) -> bool {
        matches!(self.source, SignalSource::Events { .. })
    }
}

/// The creation dates mqlcal accepts (seconds since the epoch). A date outside
/// them is an error naming file, line and column: one absurd date (9999-12-31)
/// would otherwise become a cohort of its own and take over the holdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlausibleDates {
    /// Default 1990-01-01.
    pub earliest: i64,
    /// None: a year after today, or after `[input] as_of` if that is later.
    pub latest: Option<i64>,
}

impl PlausibleDates {
    /// 1990-01-01 00:00:00.
    pub const DEFAULT_EARLIEST: i64 = 7305 * 86_400;
}

/// The events file and its as-of window.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsSpec {
    /// The events files, read in this order as one (an export split by month, say).
    pub paths: Vec<PathBuf>,
    pub lead_id: String,
    pub occurred_at: String,
    pub activity: String,
    /// `[events] detail`: the column saying what each event was about (a page view's
    /// URL, Marketo's Primary Attribute Value), which `detail_contains` filters on.
    pub detail: Option<String>,
    pub date_format: DateFormat,
    pub window_days: u32,
    /// The window starts this long before created_at (0 unless set).
    pub starts_before_seconds: u32,
}

impl EventsSpec {
    /// The events files as messages name them ([`files_shown`]).
    pub fn shown(&self) -> PathBuf {
        files_shown(&self.paths, "events")
    }

    /// The engagement window in seconds from creation: an event counts when it falls in
    /// `[created_at - starts_before_seconds, created_at + window]`.
    pub fn window_seconds(&self) -> i64 {
        self.window().seconds
    }

    pub fn window(&self) -> EventWindow {
        EventWindow::from_days(self.window_days).starting_before(self.starts_before_seconds)
    }
}

/// `[columns] decided_at`: the leads column with each lead's decision date (when it was
/// won or lost). A decided lead's events count only before it: activity after the
/// decision (onboarding e-mails, a customer's visits) is not what predicted the decision.
/// Open leads' cells are ignored (a CRM's close date is an expected date until then).
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedAt {
    pub column: String,
    /// `[columns] decided_at_format`, or the leads' `[columns] date_format`.
    pub date_format: DateFormat,
}

/// How CSV files are read.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// None = detect from the header line.
    pub delimiter: Option<u8>,
    /// How numbers in text cells write the decimal point.
    pub decimal: DecimalMark,
    pub encoding: Encoding,
    /// The sheet read from a workbook input (None: its first).
    pub sheet: Option<String>,
    /// Cell texts (trimmed) that mean "blank".
    pub missing: Vec<String>,
}

/// A checked config: every path resolved, every signal well-formed.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it came from (for messages and hashing).
    pub source_path: PathBuf,
    /// Exact bytes of the file, so a run can record its hash.
    pub source_text: String,
    /// `[input] as_of`: when the export was taken (seconds since the epoch);
    /// None = the latest timestamp in the leads and events.
    pub as_of: Option<i64>,
    /// `[input] features`: fit and backtest read this feature table (one row per lead, or
    /// grouped patterns with counts) instead of the lead and event files, which then only
    /// describe what production scores (the model file's recipes and inputs).
    pub feature_table: Option<PathBuf>,
    /// `[input] earliest_date` / `latest_date`: the creation dates a lead may have.
    pub plausible_dates: PlausibleDates,
    pub layout: Layout,
    pub csv: CsvOptions,
    pub duplicates: Duplicates,
    /// `[input] id_case`: ids that differ only in case are one lead's, or not.
    pub id_case: mqlcal_scorecard::IdCase,
    /// `[input] time_zone`: times without a zone are wall-clock time there, and instants
    /// (a zone, Unix time, ISO ending in Z) are moved onto it (None: UTC, as written).
    pub time_zone: Option<mqlcal_scorecard::TimeZone>,
    pub id_column: String,
    /// `[columns] events_key`: the leads column the events' lead ids are values of, when
    /// it is not the id (None: the id).
    pub events_key: Option<String>,
    /// `[columns] events_also_key`: other leads columns whose values the events may name a
    /// lead by (the contact it converted into); for reading history only, never recorded in
    /// the model file: a lead being scored has not moved yet. Empty when unset.
    pub events_also_key: Vec<String>,
    /// `[columns] events_also_key_separator`: what separates several values in one cell
    /// of those columns (None: a cell is one value).
    pub events_also_key_separator: Option<String>,
    pub created_at_column: Option<String>,
    pub date_format: DateFormat,
    /// `[columns] decided_at`: decided leads' windows end at their decision.
    pub decided_at: Option<DecidedAt>,
    pub outcome: OutcomeMap,
    /// `[exclude]`, by column name.
    pub exclude: Vec<Exclusion>,
    pub segments: Vec<String>,
    pub events: Option<EventsSpec>,
    pub period: Period,
    pub signals: Vec<Signal>,
    /// `[model]`: how `mqlcal fit` fits, scales and calibrates.
    pub model: ModelSpec,
    /// `[sales]`: capacity, target conversion band, rep time per lead, hot tier.
    pub sales: SalesSpec,
    /// `[backtest]`: bootstrap, confidence, walk-forward.
    pub backtest: BacktestSpec,
    /// `[rule]`: the total score against one threshold, or the two-axis rule.
    pub rule: RuleSpec,
}

/// The L2 penalty: a number, or chosen out of time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AlphaSpec {
    Fixed(f64),
    /// Fit on earlier cohorts, best log loss on the latest training cohort.
    Auto,
}

/// How log-odds become points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PointsScaling {
    /// The strongest positive signal gets this many points.
    MaxPoints(f64),
    /// Points to double the odds, with a base score at base odds.
    Pdo { pdo: f64, base_score: f64, base_odds: f64 },
}

/// Which leads the score → probability map is fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrateOn {
    /// The training cohorts (the probabilities stay out of sample on the holdout).
    Training,
    /// The latest mature cohort(s), the holdout: probabilities that match the
    /// current win rate when it has drifted (holdout calibration is then in sample).
    Latest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calibration {
    Platt,
    Isotonic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupCapSpec {
    pub name: String,
    /// Feature columns in the group.
    pub signals: Vec<String>,
    pub max_points: i64,
}

/// The `[model]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub alpha: AlphaSpec,
    pub scaling: PointsScaling,
    pub calibration: Calibration,
    /// Latest cohorts held out of the fit; None = the latest mature cohort when
    /// at least 2 cohorts precede it, else none.
    pub holdout_cohorts: Option<usize>,
    /// The training window: every fit (the model's, each walk-forward refit) trains on
    /// at most this many of the latest cohorts before the one it is judged on; older
    /// cohorts are left out. None = every earlier cohort.
    pub training_cohorts: Option<usize>,
    /// A cohort is mature (can be held out and judged) when its engagement
    /// windows are complete and at least this share of its leads is decided.
    pub min_decided_share: f64,
    /// Holdout AUC that rounding to points may cost before the fit warns.
    pub max_rounding_loss: f64,
    /// Rolling-origin folds of `alpha = "auto"`; None = 3 where the data allows.
    pub alpha_folds: Option<usize>,
    /// Max-points scaling: points every lead starts with. None = "auto": just
    /// enough (a multiple of 10) that no lead scores below 0; ranks never change.
    pub base_points: Option<i64>,
    /// Where the score → probability map is fitted.
    pub calibrate_on: CalibrateOn,
    /// The hand-made points sheet in use today.
    pub current: Option<PathBuf>,
    pub group_caps: Vec<GroupCapSpec>,
    /// Feature columns that make a lead an MQL whatever its score (when > 0).
    pub always_mql: Vec<String>,
    /// Feature columns that stop a lead being an MQL (when > 0).
    pub never_mql: Vec<String>,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            alpha: AlphaSpec::Auto,
            scaling: PointsScaling::MaxPoints(100.0),
            calibration: Calibration::Platt,
            holdout_cohorts: None,
            training_cohorts: None,
            min_decided_share: DEFAULT_MIN_DECIDED_SHARE,
            max_rounding_loss: 0.005,
            alpha_folds: None,
            base_points: None,
            calibrate_on: CalibrateOn::Training,
            current: None,
            group_caps: vec![],
            always_mql: vec![],
            never_mql: vec![],
        }
    }
}

impl Config {
    /// The leads columns that name a lead: the id, and what the events name it by
    /// (`[columns] events_key`, `events_also_key`). Never signals.
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id_column.as_str()).chain(self.events_key.as_deref()).chain(self.events_also_key.iter().map(String::as_str))
    }

    /// Read, parse and check a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            message: match e.kind() {
                std::io::ErrorKind::NotFound => "file not found (pass --config, or write one with mqlcal init)".to_string(),
                _ => e.to_string(),
            },
        })?;
        let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        // A byte-order mark (Windows editors) is not part of the TOML.
        Config::from_toml_str(text.strip_prefix('\u{feff}').unwrap_or(&text), path, &base_dir)
    }

    /// Parse and check config text; relative paths resolve against `base_dir`.
    pub fn from_toml_str(text: &str, path: &Path, base_dir: &Path) -> Result<Config, ConfigError> {
        let raw = raw::parse(text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        raw.check(text, path, base_dir).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Every feature-table column name, in order.
    pub fn feature_names(&self) -> Vec<String> {
        self.signals.iter().flat_map(|s| s.feature_names()).collect()
    }

    /// Leads columns the config reads (id, date, outcome, segments, signal columns), deduplicated, in first-use order.
    pub fn leads_columns(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut push = |c: &str| {
            if seen.insert(c.to_string()) {
                out.push(c.to_string());
            }
        };
        push(&self.id_column);
        if let Some(c) = &self.created_at_column {
            push(c);
        }
        if let Some(decided) = &self.decided_at {
            push(&decided.column);
        }
        for outcome_column in self.layout.outcome_columns() {
            push(outcome_column);
        }
        for s in &self.segments {
            push(s);
        }
        for signal in &self.signals {
            if let Some(c) = signal.source.column() {
                push(c);
            }
        }
        out
    }

    /// The same config with the edges `bins = "auto"` chose written into each
    /// signal's `bins` (signal name → edges); every later stage (recipes, SQL,
    /// PMML) then reads them like explicit bins.
    pub fn with_resolved_bins(&self, chosen: &[(String, Vec<f64>)]) -> Config {
        let mut config = self.clone();
        for signal in &mut config.signals {
            if let SignalSource::Numeric { transform, .. } | SignalSource::Count { transform, .. } = &mut signal.source {
                if let Some((_, edges)) = chosen.iter().find(|(name, _)| name == &signal.name) {
                    transform.bins = edges.clone();
                }
            }
        }
        config
    }

    /// The same config with the date layouts ingest found written in where the
    /// config said "auto" (`created`: the leads' creation dates, `occurred`: the
    /// events' times; None where there was nothing to read), so the model file
    /// records how the training data wrote its dates.
    pub fn with_resolved_dates(&self, created: Option<&DateLayout>, occurred: Option<&DateLayout>) -> Config {
        let mut config = self.clone();
        if let (DateFormat::Auto, Some(layout)) = (&config.date_format, created) {
            config.date_format = DateFormat::Fixed(layout.clone());
        }
        if let Some(events) = &mut config.events {
            if let (DateFormat::Auto, Some(layout)) = (&events.date_format, occurred) {
                events.date_format = DateFormat::Fixed(layout.clone());
            }
        }
        config
    }

    /// How long a lead's engagement window runs, in seconds: `[events] window_days`, or 0
    /// when no signal counts events (then nothing waits for a window to end).
    pub fn window_seconds(&self) -> i64 {
        match &self.events {
            Some(spec) if self.signals.iter().any(Signal::counts_events) => spec.window_seconds(),
            _ => 0,
        }
    }

    /// Signals with `bins = "auto"` not yet resolved: (signal, its settings).
    pub fn unresolved_auto_bins(&self) -> Vec<(&Signal, AutoBins)> {
        self.signals
            .iter()
            .filter_map(|s| match &s.source {
                SignalSource::Numeric { transform, .. } | SignalSource::Count { transform, .. } if transform.bins.is_empty() => {
                    transform.auto_bins.map(|a| (s, a))
                }
                _ => None,
            })
            .collect()
    }

    /// All activity names that some events signal counts.
    pub fn known_activities(&self) -> BTreeSet<String> {
        self.signals
            .iter()
            .filter_map(|s| match &s.source {
                SignalSource::Events { activities, .. } => Some(activities.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

/// The ids one cell of an `events_also_key` column holds: the cell, or with
/// `events_also_key_separator` its pieces, each trimmed; blanks are none.
pub fn also_key_values<'c>(cell: &'c str, separator: Option<&'c str>) -> impl Iterator<Item = &'c str> {
    let (whole, pieces) = match separator {
        Some(separator) => (None, Some(cell.split(separator).map(str::trim))),
        None => (Some(cell), None),
    };
    whole.into_iter().chain(pieces.into_iter().flatten()).filter(|value| !value.is_empty())
}

/// The nearest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
