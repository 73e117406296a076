//! The model file's types: a points model with its signals, group caps,
//! overrides and what it was fitted from; validating and loading a model file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{CalibrationTable, Inputs, MqlRule, Recipe, RuleKeys, TwoAxisRule, NEWEST_SCHEMA_VERSION, SCHEMA_VERSION};

#[derive(Debug, thiserror::Error)]
pub enum ScorecardError {
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Which axis of the score a signal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    /// Who the lead is (title, company size, domain type ...).
    Fit,
    /// What the lead did (activities).
    Engagement,
}

impl Axis {
    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Fit => "fit",
            Axis::Engagement => "engagement",
        }
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelSource {
    /// Fitted by `mqlcal fit` from won/lost leads.
    Fitted,
    /// An analyst's hand-made points sheet.
    PointsSheet,
}

/// One feature column with its points (and, for a fitted model, its weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSignal {
    /// Feature column: `signal` or `signal=level`.
    pub name: String,
    pub axis: Axis,
    /// Points per unit of the feature (per event, per level indicator ...).
    pub points: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficient: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub std_error: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// How the column is computed from a raw lead (absent in points sheets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<Recipe>,
}

/// A cap on the points a group of signals can add together (e.g. awareness content at most 20).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCap {
    pub name: String,
    /// Feature columns in the group.
    pub signals: Vec<String>,
    pub max_points: i64,
}

/// Routing rules applied on top of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideRule {
    /// The lead is an MQL whatever its score (e.g. any demo request).
    AlwaysMql,
    /// The lead is never an MQL (e.g. competitor domain).
    NeverMql,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// Feature column; the rule fires when its value is > 0.
    pub signal: String,
    pub rule: OverrideRule,
}

/// What rounding weights to integer points cost, in sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundingCost {
    /// ROC AUC of the exact linear score.
    pub auc_exact: f64,
    /// ROC AUC of the integer points score.
    pub auc_rounded: f64,
    /// Mean log loss of the exact model's probabilities.
    pub log_loss_exact: f64,
    /// Mean log loss of the integer score after Platt calibration.
    pub log_loss_rounded: f64,
    /// The same AUCs on the holdout, where a rounding loss shows honestly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout_auc_exact: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout_auc_rounded: Option<f64>,
    /// Signals with a non-zero weight whose points round to 0: what the fit
    /// learned about them is erased (score them per bin: `bins = "auto"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounded_to_zero: Vec<String>,
}

/// How the weights were fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    pub alpha: f64,
    /// "config" or "auto" (chosen out of time by rolling origin over the latest training cohorts).
    pub alpha_chosen_by: String,
    pub intercept: f64,
    pub intercept_std_error: f64,
    pub converged: bool,
    pub gradient_norm: f64,
    pub log_likelihood: f64,
    /// Points per unit of log-odds.
    pub points_per_log_odds: f64,
    /// Signals left out of the fit, with the reason.
    pub dropped: Vec<String>,
    /// Signals to review before trusting their weights.
    pub warnings: Vec<String>,
}

/// One input file of the run that fitted the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileFingerprint {
    /// Path relative to the config's folder (as the config names it).
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What the model was made from: enough to tell whether two runs saw the same inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// SHA-256 of the config file's bytes.
    pub config_sha256: String,
    pub inputs: Vec<FileFingerprint>,
}

/// The leads the model was fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// Later cohorts not mature yet (period running, windows unfinished, or
    /// too few leads decided): neither trained on nor held out.
    #[serde(default, alias = "excluded_cohorts", skip_serializing_if = "Vec::is_empty")]
    pub not_yet_judged: Vec<String>,
    /// Cohorts older than the training window (`[model] training_cohorts`): left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_window: Vec<String>,
    /// The export's as-of date ("2025-12-31 23:59:59") the leads were judged at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Leads of the training and holdout cohorts left out because their engagement window had not ended.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unfinished_windows: usize,
    /// `[columns] decided_at`: the leads column whose date ended each decided lead's
    /// engagement window in training (events at or after the decision not counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_end_at_decision: Option<String>,
    pub won: usize,
    pub lost: usize,
    /// Per level or bin column (`signal=level`), the share of the training leads that had
    /// it (to 4 decimals): `score` says when a batch has none of a level that many training
    /// leads had (a picklist value renamed since).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub level_shares: BTreeMap<String, f64>,
    /// Per signal column that is no level or bin (an events signal's count, a number, a
    /// flag), the share of the training leads whose value is not 0 (to 4 decimals): `score`
    /// says when an events signal counts an event for far fewer of a batch's leads (an
    /// activity no longer exported, a sync that stopped), or a flag or number is not 0 for
    /// far fewer (a column no longer filled).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nonzero_shares: BTreeMap<String, f64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Largest points magnitude a model file may hold (signals, base, thresholds):
/// far above any real scorecard, far below where integer score sums overflow.
pub const MAX_POINTS_MAGNITUDE: u64 = 1_000_000_000;

/// A points model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub schema_version: u32,
    pub tool_version: String,
    pub source: ModelSource,
    /// What the model reads from raw leads and events (with each signal's `recipe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Inputs>,
    pub signals: Vec<ModelSignal>,
    /// Points every lead starts with (0 for max-points scaling).
    pub base_points: i64,
    #[serde(default)]
    pub group_caps: Vec<GroupCap>,
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<i64>,
    /// Hot tier (route now): MQLs scoring at least this; the rest of the MQLs are warm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_threshold: Option<i64>,
    /// The two-axis MQL rule (fit ≥ F and engagement ≥ E), when the model uses
    /// it instead of a threshold on the total score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<MqlRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationTable>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding_cost: Option<RoundingCost>,
    /// Metrics per labelled set ("training", "holdout").
    #[serde(default)]
    pub metrics: BTreeMap<String, mqlcal_metrics::Metrics>,
    /// The config's hash and the input files' fingerprints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl Model {
    /// The oldest model file version that holds this model: 10 when a level or a flag's
    /// value is a whole number (which counts `2.0` as `2`, [`crate::names_cell`]), 9 when the events may name a
    /// lead by another of its ids (`inputs.events_also_key_columns`), 8 when an events recipe filters
    /// on the events' detail (`detail_contains`), 7 when instants are moved onto a
    /// time zone's wall clock (`inputs.time_zone`), 6 when the events name leads by
    /// another column than the id, 5 when ids are matched ignoring
    /// case (`inputs.id_case`), 4 when the engagement window
    /// starts before creation (`inputs.starts_before_seconds`), 3 when a level recipe lists
    /// other spellings, 2 when one has a separator (a multi-select field), else 1. A reader
    /// of an older version would count events from creation only, or take a level for an
    /// exact match of the level alone.
    pub fn needed_schema_version(&self) -> u32 {
        self.needed_schema().0
    }

    /// [`Model::needed_schema_version`], with what in the model needs it and how an older
    /// reader would misread it (for the message refusing an older one).
    fn needed_schema(&self) -> (u32, &'static str, &'static str) {
        let levels = || self.signals.iter().filter_map(|s| match &s.recipe {
            Some(Recipe::Level { separator, spellings, .. }) => Some((separator, spellings)),
            _ => None,
        });
        const EXACT: &str = "would take it for an exact match of the level alone";
        let filtered = self.signals.iter().any(|s| matches!(&s.recipe, Some(Recipe::Events(rule)) if rule.filters_detail()));
        let whole_number = |t: &String| crate::whole_number_twin(t).is_some();
        let whole_numbers = self.signals.iter().any(|s| match &s.recipe {
            Some(Recipe::Level { value, spellings, .. }) => whole_number(value) || spellings.iter().any(whole_number),
            Some(Recipe::Flag { equals, .. }) => equals.iter().any(whole_number),
            _ => false,
        });
        if whole_numbers {
            (
                10,
                "a level or a flag's value is a whole number, which counts the cells that write it with or without .0 (2 and 2.0)",
                "would take a cell written the other way (2.0 for 2) for another value",
            )
        } else if self.inputs.as_ref().is_some_and(|i| !i.events_also_key_columns.is_empty()) {
            (9, "the events may name a lead by another of its ids (inputs.events_also_key_columns)", "would lose the events that name a lead by those ids")
        } else if filtered {
            (8, "an events recipe counts only events whose detail holds a text (detail_contains)", "would count every event of the activity, whatever its detail")
        } else if self.inputs.as_ref().is_some_and(|i| i.time_zone.is_some()) {
            (7, "its times are read on a time zone's wall clock (inputs.time_zone)", "would read instants as UTC and shift every window by the zone's offset")
        } else if self.inputs.as_ref().is_some_and(|i| i.events_key_column.is_some()) {
            (6, "the events name leads by another column than the id (inputs.events_key_column)", "would match the events to the ids and lose them")
        } else if self.inputs.as_ref().is_some_and(|i| !i.id_case.is_exact()) {
            (5, "its ids are matched ignoring case (inputs.id_case)", "would match the events' lead ids as written and lose those in another case")
        } else if self.inputs.as_ref().is_some_and(|i| i.starts_before_seconds.is_some_and(|s| s > 0)) {
            (4, "the engagement window starts before creation (inputs.starts_before_seconds)", "would count events from creation only")
        } else if levels().any(|(_, spellings)| !spellings.is_empty()) {
            (3, "a level recipe lists other spellings", EXACT)
        } else if levels().any(|(separator, _)| separator.is_some()) {
            (2, "a level recipe has a separator (a multi-select field)", EXACT)
        } else {
            (SCHEMA_VERSION, "", "")
        }
    }

    /// Check the model is usable: version, integer-consistent tables, caps and overrides naming real signals.
    pub fn validate(&self, path: &str) -> Result<(), ScorecardError> {
        let invalid = |message: String| ScorecardError::Invalid { path: path.to_string(), message };
        if !(SCHEMA_VERSION..=NEWEST_SCHEMA_VERSION).contains(&self.schema_version) {
            return Err(invalid(format!(
                "schema_version {} is not supported by this mqlcal (it reads versions {SCHEMA_VERSION} to {NEWEST_SCHEMA_VERSION}); upgrade mqlcal or re-export the model",
                self.schema_version
            )));
        }
        let (needed, why, misread) = self.needed_schema();
        if self.schema_version < needed {
            return Err(invalid(format!(
                "schema_version {}, but {why}, which needs schema_version {needed}: a reader of version {} {misread}",
                self.schema_version, self.schema_version
            )));
        }
        // As the config bounds it: a hand-edited file's window starting days early is not a clock's lag.
        if let Some(before) = self.inputs.as_ref().and_then(|i| i.starts_before_seconds).filter(|&s| i64::from(s) > crate::EventWindow::SECONDS_PER_DAY) {
            return Err(invalid(format!("inputs.starts_before_seconds = {before}: expected at most 86400 (a day), as [events] starts_before_seconds")));
        }
        // As the JSON Schema bounds them: a hand-edited share above 1 would have score expect
        // more leads of a level than the batch holds.
        for (field, shares) in self.training.iter().flat_map(|t| [("level_shares", &t.level_shares), ("nonzero_shares", &t.nonzero_shares)]) {
            if let Some((column, share)) = shares.iter().find(|(_, share)| !(0.0..=1.0).contains(*share)) {
                return Err(invalid(format!("training.{field}[{column:?}] = {share}: expected the share of the training leads that had it, from 0 to 1")));
            }
        }
        // As the config checks them: a hand-edited separator of letters would split ids apart.
        if let Some(inputs) = &self.inputs {
            match (&inputs.events_also_key_separator, inputs.events_also_key_columns.is_empty()) {
                (Some(_), true) => return Err(invalid("inputs.events_also_key_separator needs inputs.events_also_key_columns, the columns whose cells it separates".into())),
                (Some(separator), false) if separator.is_empty() || !separator.chars().all(|c| c.is_ascii_punctuation()) => {
                    return Err(invalid(format!("inputs.events_also_key_separator = {separator:?}: expected ASCII punctuation, as [columns] events_also_key_separator")));
                }
                _ => {}
            }
            if let Some(column) = inputs.events_also_key_columns.iter().find(|c| c.trim().is_empty() || **c == inputs.events_key()) {
                return Err(invalid(format!("inputs.events_also_key_columns holds {column:?}: expected other leads columns than the one the events name leads by ({:?})", inputs.events_key())));
            }
        }
        // As the config checks them: a filter needs the column it reads, and an activity
        // is told apart by at most 10 texts (2^n numbers each).
        let filters = || self.signals.iter().filter_map(|s| match &s.recipe {
            Some(Recipe::Events(rule)) if rule.filters_detail() => Some((s, rule)),
            _ => None,
        });
        let detail_column = self.inputs.as_ref().and_then(|i| i.event_columns.as_ref()).and_then(|e| e.detail.as_ref());
        if let Some((signal, _)) = filters().next().filter(|_| detail_column.is_none()) {
            return Err(invalid(format!("signal {:?}: its recipe's detail_contains needs the events column it filters on, inputs.event_columns.detail, which the model does not have", signal.name)));
        }
        if let Some(problem) = crate::detail_texts_problem(filters().map(|(_, rule)| (rule.activities.as_slice(), rule.detail_contains.as_slice()))) {
            return Err(invalid(problem));
        }
        let known = |name: &str| self.signals.iter().any(|s| s.name == name);
        for (k, s) in self.signals.iter().enumerate() {
            if self.signals[..k].iter().any(|t| t.name == s.name) {
                return Err(invalid(format!("signal {:?} is listed twice; each feature column has one entry", s.name)));
            }
            if s.points.unsigned_abs() > MAX_POINTS_MAGNITUDE {
                return Err(invalid(format!(
                    "signal {:?} has {} points; points must lie within ±{MAX_POINTS_MAGNITUDE} so score sums cannot overflow",
                    s.name, s.points
                )));
            }
        }
        for (what, value) in [("base_points", Some(self.base_points)), ("threshold", self.threshold), ("hot_threshold", self.hot_threshold)] {
            if value.is_some_and(|v| v.unsigned_abs() > MAX_POINTS_MAGNITUDE) {
                return Err(invalid(format!("{what} {} is outside ±{MAX_POINTS_MAGNITUDE}", value.unwrap_or_default())));
            }
        }
        if let Some(g) = self.group_caps.iter().find(|g| g.max_points.unsigned_abs() > MAX_POINTS_MAGNITUDE) {
            return Err(invalid(format!("group cap {:?}: max_points {} is outside ±{MAX_POINTS_MAGNITUDE}", g.name, g.max_points)));
        }
        for g in &self.group_caps {
            if let Some(s) = g.signals.iter().find(|s| !known(s)) {
                return Err(invalid(format!("group cap {:?} names signal {s:?}, which the model does not have", g.name)));
            }
        }
        for o in &self.overrides {
            if !known(&o.signal) {
                return Err(invalid(format!("override names signal {:?}, which the model does not have", o.signal)));
            }
        }
        if let Some(hot) = self.hot_threshold {
            match self.threshold {
                None => return Err(invalid(format!("hot_threshold {hot} without a threshold: the hot tier is the top of the MQLs"))),
                Some(t) if hot < t => {
                    return Err(invalid(format!("hot_threshold {hot} is below the MQL threshold {t}: the hot tier must sit at or above it")))
                }
                Some(_) => {}
            }
        }
        if let Some(rule) = self.two_axis() {
            if self.threshold.is_some() || self.hot_threshold.is_some() {
                return Err(invalid("a two-axis rule and a threshold: the model decides MQLs by one of them; remove `threshold` and `hot_threshold`, or `rule`".into()));
            }
            rule.check(&RuleKeys::MODEL, MAX_POINTS_MAGNITUDE).map_err(invalid)?;
        }
        if let Some(c) = &self.calibration {
            if c.score.len() != c.probability.len() || c.score.is_empty() {
                return Err(invalid("calibration table: score and probability must be non-empty and of equal length".into()));
            }
            if c.score.windows(2).any(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Less)) {
                return Err(invalid("calibration table: scores must be strictly increasing".into()));
            }
            if c.probability.iter().any(|p| !(0.0..=1.0).contains(p)) {
                return Err(invalid("calibration table: probabilities must lie in [0, 1]".into()));
            }
        }
        Ok(())
    }

    /// The two-axis rule, when the model decides MQLs by one.
    pub fn two_axis(&self) -> Option<&TwoAxisRule> {
        match &self.rule {
            Some(MqlRule::TwoAxis(r)) => Some(r),
            None => None,
        }
    }

    /// Whether the model can say which leads are MQLs (a threshold or a rule).
    pub fn decides_mql(&self) -> bool {
        self.threshold.is_some() || self.rule.is_some()
    }

    /// Read a model file (JSON) and validate it.
    pub fn load(path: &Path) -> Result<Model, ScorecardError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScorecardError::Read { path: shown.clone(), message: e.to_string() })?;
        // Editors on Windows save JSON with a byte-order mark; it is not part of the document.
        let model: Model = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(&text))
            .map_err(|e| ScorecardError::Invalid { path: shown.clone(), message: format!("not a valid model file: {e}") })?;
        model.validate(&shown)?;
        Ok(model)
    }
}
