//! The points model (scorecard) that production embeds: its types, loading a
//! model file or an analyst's hand-made points sheet, and scoring one lead.
//! Depends on serde and little else (no polars, no linfa, no plotters).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

mod recipe;
pub mod export;
pub use recipe::{clip_and_scale, Decay, EventColumns, EventWindow, Inputs, NumberRule, RawEvent, RawLead, Recipe, RecipeError};

/// The model file format version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

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

/// Which calibration produced a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationMethod {
    /// Logistic curve in the score (smooth, 2 parameters).
    Platt,
    /// Pool-adjacent-violators step function (monotone, no shape assumption).
    Isotonic,
}

/// Score → probability, tabulated at the distinct training scores; a production
/// scorer reads (and interpolates) it without any model code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationTable {
    pub method: CalibrationMethod,
    /// Distinct scores, ascending.
    pub score: Vec<f64>,
    /// Probability of winning at each score.
    pub probability: Vec<f64>,
}

impl CalibrationTable {
    /// Probability at `score`: linear between entries (so monotone), the end value outside them.
    pub fn probability(&self, score: f64) -> f64 {
        interpolate(&self.score, &self.probability, score)
    }
}

/// Piecewise-linear interpolation of `ys` over ascending `xs`, flat outside; NaN on a malformed table (never panics).
pub fn interpolate(xs: &[f64], ys: &[f64], s: f64) -> f64 {
    if xs.is_empty() || xs.len() != ys.len() || s.is_nan() {
        return f64::NAN;
    }
    if s <= xs[0] {
        return ys[0];
    }
    if s >= xs[xs.len() - 1] {
        return ys[ys.len() - 1];
    }
    let k = xs.partition_point(|&v| v <= s);
    let (x0, x1, y0, y1) = (xs[k - 1], xs[k], ys[k - 1], ys[k]);
    y0 + (y1 - y0) * (s - x0) / (x1 - x0)
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
    /// The export's as-of date ("2025-12-31 23:59:59") the leads were judged at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Leads of the training and holdout cohorts left out because their engagement window had not ended.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unfinished_windows: usize,
    pub won: usize,
    pub lost: usize,
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

/// The score of one lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub total: i64,
    pub fit: i64,
    pub engagement: i64,
    /// None when the model has no threshold.
    pub mql: Option<bool>,
    /// None without a calibration table.
    pub probability: Option<f64>,
}

/// The routing tier of an MQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Route to sales now (at or above `hot_threshold`).
    Hot,
    /// Nurture, then route.
    Warm,
}

/// One reason code: a signal that moved the score, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub signal: String,
    pub points: i64,
    /// e.g. "demo request (+100)", "pricing page ×3 (+75)", "email domain: competitor (−105)".
    pub text: String,
}

/// A score with its tier and its top reason codes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    #[serde(flatten)]
    pub score: Score,
    pub tier: Option<Tier>,
    /// Up to three signals with the largest contributions (by size, either sign).
    pub reasons: Vec<Reason>,
}

/// "email_domain=competitor" → "email domain: competitor".
fn words(name: &str) -> String {
    match name.split_once('=') {
        Some((signal, level)) => format!("{}: {level}", signal.replace('_', " ")),
        None => name.replace('_', " "),
    }
}

/// Points one signal, or one capped group of signals, adds to a lead's score.
struct Contribution {
    axis: Axis,
    points: i64,
    source: Source,
}

enum Source {
    /// Index into `Model::signals`.
    Signal(usize),
    /// Index into `Model::group_caps`: the group reached its cap.
    CappedGroup(usize),
}

impl Model {
    /// Feature values of a raw lead, aligned with `signals`, computed by their recipes.
    pub fn features_from_raw(&self, lead: &RawLead) -> Result<Vec<f64>, RecipeError> {
        let inputs = self.inputs.clone().unwrap_or(Inputs { id_column: String::new(), created_at_column: None, missing: vec![], window_days: None, event_columns: None });
        self.signals
            .iter()
            .map(|s| match &s.recipe {
                Some(recipe) => recipe.value(&s.name, lead, &inputs),
                None => Err(RecipeError::NoRecipe { signal: s.name.clone(), version: env!("CARGO_PKG_VERSION").into() }),
            })
            .collect()
    }

    /// Score, tier and the top three reason codes of a lead's feature values.
    pub fn explain(&self, values: &[f64]) -> Explained {
        let score = self.score(values);
        let tier = match score.mql {
            Some(true) if self.hot_threshold.is_some_and(|h| score.total >= h) => Some(Tier::Hot),
            Some(true) => Some(Tier::Warm),
            _ => None,
        };
        let mut reasons: Vec<Reason> = self.contributions(values).into_iter().filter_map(|part| self.reason(&part, values)).collect();
        reasons.sort_by(|a, b| b.points.abs().cmp(&a.points.abs()).then(a.signal.cmp(&b.signal)));
        reasons.truncate(3);
        Explained { score, tier, reasons }
    }

    /// What each signal adds to a lead's score, with group caps applied: this is
    /// the one place the cap rule lives, so the score and its reason codes agree.
    /// A group under its cap contributes member by member (on the group's axis, the
    /// axis of its first signal); a group over its cap contributes once, capped.
    fn contributions(&self, values: &[f64]) -> Vec<Contribution> {
        let points = |j: usize| (self.signals[j].points as f64 * values[j]).round() as i64;
        let n = self.signals.len().min(values.len());
        let group_of: Vec<Option<usize>> = (0..n).map(|j| self.group_caps.iter().position(|g| g.signals.contains(&self.signals[j].name))).collect();
        let mut parts: Vec<Contribution> = (0..n)
            .filter(|&j| group_of[j].is_none())
            .map(|j| Contribution { axis: self.signals[j].axis, points: points(j), source: Source::Signal(j) })
            .collect();
        for (g, cap) in self.group_caps.iter().enumerate() {
            let members: Vec<usize> = (0..n).filter(|&j| group_of[j] == Some(g)).collect();
            let sum = members.iter().fold(0i64, |acc, &j| acc.saturating_add(points(j)));
            let axis = cap.signals.first().and_then(|name| self.signals.iter().find(|s| &s.name == name)).map_or(Axis::Engagement, |s| s.axis);
            if sum > cap.max_points {
                parts.push(Contribution { axis, points: cap.max_points, source: Source::CappedGroup(g) });
            } else {
                parts.extend(members.into_iter().map(|j| Contribution { axis, points: points(j), source: Source::Signal(j) }));
            }
        }
        parts
    }

    /// A contribution in words, or None when it adds nothing.
    fn reason(&self, part: &Contribution, values: &[f64]) -> Option<Reason> {
        if part.points == 0 {
            return None;
        }
        let times = |v: f64| if (v - 1.0).abs() > 1e-9 { format!(" ×{}", if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") }) } else { String::new() };
        let sign = if part.points < 0 { format!("−{}", -part.points) } else { format!("+{}", part.points) };
        Some(match part.source {
            Source::Signal(j) => {
                let s = &self.signals[j];
                Reason { signal: s.name.clone(), points: part.points, text: format!("{}{} ({sign})", words(&s.name), times(values[j])) }
            }
            Source::CappedGroup(g) => {
                let cap = &self.group_caps[g];
                let members: Vec<String> = self
                    .signals
                    .iter()
                    .zip(values)
                    .filter(|(s, &v)| v != 0.0 && cap.signals.contains(&s.name))
                    .map(|(s, &v)| format!("{}{}", words(&s.name), times(v)))
                    .collect();
                Reason { signal: cap.name.clone(), points: part.points, text: format!("{}: {} ({sign}, capped)", words(&cap.name), members.join(", ")) }
            }
        })
    }

    /// Score one lead from its raw cells and events.
    pub fn score_raw(&self, lead: &RawLead) -> Result<Explained, RecipeError> {
        Ok(self.explain(&self.features_from_raw(lead)?))
    }

    /// Score one lead from its feature values, aligned with `signals`.
    pub fn score(&self, values: &[f64]) -> Score {
        let mut fit = 0i64;
        let mut engagement = 0i64;
        for part in self.contributions(values) {
            // Saturating: an absurd value (bounded points × an uncapped number) pins
            // the score at the end of the range instead of wrapping around.
            match part.axis {
                Axis::Fit => fit = fit.saturating_add(part.points),
                Axis::Engagement => engagement = engagement.saturating_add(part.points),
            }
        }
        let total = self.base_points.saturating_add(fit).saturating_add(engagement);
        let mql = match self.override_rule(values) {
            Some(rule) => Some(rule == OverrideRule::AlwaysMql),
            None => self.threshold.map(|t| total >= t),
        };
        Score {
            total,
            fit,
            engagement,
            mql,
            probability: self.calibration.as_ref().map(|c| c.probability(total as f64)),
        }
    }

    /// The routing rule that decides this lead whatever its score, if any:
    /// `never_mql` wins over `always_mql` (a competitor's demo request is not an MQL).
    pub fn override_rule(&self, values: &[f64]) -> Option<OverrideRule> {
        let mut rule = None;
        for o in &self.overrides {
            let fires = self
                .signals
                .iter()
                .position(|s| s.name == o.signal)
                .and_then(|j| values.get(j))
                .is_some_and(|&v| v > 0.0);
            if fires {
                if o.rule == OverrideRule::NeverMql {
                    return Some(OverrideRule::NeverMql);
                }
                rule = Some(OverrideRule::AlwaysMql);
            }
        }
        rule
    }

    /// Check the model is usable: version, integer-consistent tables, caps and overrides naming real signals.
    pub fn validate(&self, path: &str) -> Result<(), ScorecardError> {
        let invalid = |message: String| ScorecardError::Invalid { path: path.to_string(), message };
        if self.schema_version != SCHEMA_VERSION {
            return Err(invalid(format!(
                "schema_version {} is not supported by this mqlcal (it reads version {SCHEMA_VERSION}); upgrade mqlcal or re-export the model",
                self.schema_version
            )));
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

/// A points sheet as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPointsSheet {
    threshold: Option<i64>,
    points: BTreeMap<String, toml::Value>,
}

/// An analyst's hand-made points sheet (TOML):
///
/// ```toml
/// threshold = 60
/// [points]
/// demo_request = 100
/// "title=vp" = 15
/// ```
///
/// as read from its file, before it meets the data's columns (reading it needs
/// no data, so a bad sheet is refused before ingest).
#[derive(Debug, Clone, PartialEq)]
pub struct PointsSheet {
    /// The file, as shown in messages.
    path: String,
    pub threshold: Option<i64>,
    /// Points per signal name, as written.
    pub points: BTreeMap<String, i64>,
}

impl PointsSheet {
    /// Read and check a points sheet (TOML; every value an integer).
    pub fn read(path: &Path) -> Result<PointsSheet, ScorecardError> {
        let shown = path.display().to_string();
        let invalid = |message: String| ScorecardError::Invalid { path: shown.clone(), message };
        let text = std::fs::read_to_string(path).map_err(|e| ScorecardError::Read { path: shown.clone(), message: e.to_string() })?;
        let sheet: RawPointsSheet = toml::from_str(text.strip_prefix('\u{feff}').unwrap_or(&text)).map_err(|e| invalid(format!("not a points sheet: {}", e.message())))?;
        let mut points = BTreeMap::new();
        for (name, value) in sheet.points {
            match value {
                toml::Value::Integer(i) => points.insert(name, i),
                other => return Err(invalid(format!("points for {name:?} must be an integer, got {other}"))),
            };
        }
        Ok(PointsSheet { path: shown, threshold: sheet.threshold, points })
    }

    /// The sheet as a model over the given feature columns (name, axis). A sheet
    /// naming a column the data does not have is an error that lists them.
    pub fn model(&self, columns: &[(String, Axis)]) -> Result<Model, ScorecardError> {
        let mut signals: Vec<ModelSignal> = columns
            .iter()
            .map(|(name, axis)| ModelSignal { name: name.clone(), axis: *axis, points: 0, coefficient: None, std_error: None, p_value: None, recipe: None })
            .collect();
        for (name, &points) in &self.points {
            match signals.iter_mut().find(|s| &s.name == name) {
                Some(s) => s.points = points,
                None => {
                    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(ScorecardError::Invalid {
                        path: self.path.clone(),
                        message: format!("the sheet scores {name:?}, which the data does not have; the signals are: {}", names.join(", ")),
                    });
                }
            }
        }
        Ok(Model {
            schema_version: SCHEMA_VERSION,
            tool_version: String::new(),
            source: ModelSource::PointsSheet,
            inputs: None,
            signals,
            base_points: 0,
            group_caps: vec![],
            overrides: vec![],
            threshold: self.threshold,
            hot_threshold: None,
            calibration: None,
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        })
    }
}

/// Load a points sheet as a model over the given feature columns (name, axis):
/// [`PointsSheet::read`], then [`PointsSheet::model`].
pub fn load_points_sheet(path: &Path, columns: &[(String, Axis)]) -> Result<Model, ScorecardError> {
    PointsSheet::read(path)?.model(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let sig = |name: &str, axis, points| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: None };
        Model {
            schema_version: SCHEMA_VERSION,
            tool_version: "t".into(),
            source: ModelSource::Fitted,
            inputs: None,
            signals: vec![
                sig("demo", Axis::Engagement, 100),
                sig("blog", Axis::Engagement, 8),
                sig("ebook", Axis::Engagement, 10),
                sig("title=vp", Axis::Fit, 15),
                sig("domain=competitor", Axis::Fit, -100),
            ],
            base_points: 0,
            group_caps: vec![GroupCap { name: "awareness".into(), signals: vec!["blog".into(), "ebook".into()], max_points: 20 }],
            overrides: vec![
                Override { signal: "demo".into(), rule: OverrideRule::AlwaysMql },
                Override { signal: "domain=competitor".into(), rule: OverrideRule::NeverMql },
            ],
            threshold: Some(50),
            hot_threshold: Some(80),
            calibration: Some(CalibrationTable { method: CalibrationMethod::Platt, score: vec![0.0, 100.0], probability: vec![0.1, 0.5] }),
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        }
    }

    #[test]
    fn scores_with_caps_and_overrides() {
        let m = model();
        // 3 blog visits (24) + 1 ebook (10) capped at 20; VP 15 -> 35, below 50.
        let s = m.score(&[0.0, 3.0, 1.0, 1.0, 0.0]);
        assert_eq!((s.total, s.fit, s.engagement, s.mql), (35, 15, 20, Some(false)));
        assert!((s.probability.unwrap() - 0.24).abs() < 1e-12);
        // Demo request: always an MQL.
        assert_eq!(m.score(&[1.0, 0.0, 0.0, 0.0, 0.0]).mql, Some(true));
        // Demo request from a competitor: never wins.
        assert_eq!(m.score(&[1.0, 0.0, 0.0, 0.0, 1.0]).mql, Some(false));
    }

    #[test]
    fn reason_codes_show_the_capped_group() {
        let m = model();
        // 5 blog visits (40) + 1 ebook (10) = 50 over a cap of 20: one capped reason of +20.
        let e = m.explain(&[0.0, 5.0, 1.0, 1.0, 0.0]);
        assert_eq!((e.score.total, e.score.engagement), (35, 20));
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["awareness: blog ×5, ebook (+20, capped)", "title: vp (+15)"]);
        assert_eq!(e.reasons.iter().map(|r| r.points).sum::<i64>(), e.score.total);
        // Under the cap, members are listed one by one with their own points.
        let e = m.explain(&[0.0, 1.0, 1.0, 0.0, 0.0]);
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["ebook (+10)", "blog (+8)"]);
    }

    #[test]
    fn validation_catches_bad_models() {
        let mut m = model();
        m.schema_version = 99;
        assert!(m.validate("m.json").unwrap_err().to_string().contains("schema_version 99"));
        let mut m = model();
        m.overrides[0].signal = "nope".into();
        assert!(m.validate("m.json").unwrap_err().to_string().contains("\"nope\""));
        let mut m = model();
        m.hot_threshold = Some(40);
        assert!(m.validate("m.json").unwrap_err().to_string().contains("below the MQL threshold 50"));
        let mut m = model();
        m.calibration.as_mut().unwrap().score = vec![5.0, 1.0];
        assert!(m.validate("m.json").is_err());
    }

    #[test]
    fn points_sheet_loads_and_names_unknown_signals() {
        let dir = std::env::temp_dir().join(format!("mqlcal-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("current.toml");
        std::fs::write(&path, "threshold = 60\n[points]\ndemo = 100\n\"title=vp\" = 15\n").unwrap();
        let columns = vec![("demo".to_string(), Axis::Engagement), ("title=vp".to_string(), Axis::Fit)];
        let m = load_points_sheet(&path, &columns).unwrap();
        assert_eq!(m.threshold, Some(60));
        assert_eq!(m.signals[1].points, 15);
        std::fs::write(&path, "threshold = 60\n[points]\nwebinar = 30\n").unwrap();
        let err = load_points_sheet(&path, &columns).unwrap_err().to_string();
        assert!(err.contains("\"webinar\"") && err.contains("demo, title=vp"), "{err}");
        std::fs::write(&path, "[points]\ndemo = 1.5\n").unwrap();
        assert!(load_points_sheet(&path, &columns).unwrap_err().to_string().contains("integer"));
        // Reading needs no columns: a bad value is refused before any data is read;
        // an unknown signal only when the sheet meets the data.
        assert!(PointsSheet::read(&path).unwrap_err().to_string().contains("integer"));
        std::fs::write(&path, "threshold = 60\n[points]\nwebinar = 30\n").unwrap();
        let sheet = PointsSheet::read(&path).unwrap();
        assert_eq!((sheet.threshold, sheet.points.get("webinar")), (Some(60), Some(&30)));
        assert!(sheet.model(&columns).unwrap_err().to_string().contains("\"webinar\""));
    }
}

#[cfg(test)]
mod recipe_tests {
    use super::*;

    fn model() -> Model {
        let signal = |name: &str, axis, points, recipe| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: Some(recipe) };
        let number = |column: &str| NumberRule { column: column.into(), floor: None, cap: Some(1000.0), scale: 1.0, default: Some(0.0), non_negative: true };
        Model {
            schema_version: SCHEMA_VERSION,
            tool_version: "t".into(),
            source: ModelSource::Fitted,
            inputs: Some(Inputs { id_column: "id".into(), created_at_column: Some("created".into()), missing: vec!["".into(), "Select".into()], window_days: Some(30), event_columns: None }),
            signals: vec![
                signal("title=vp", Axis::Fit, 20, Recipe::Level { column: "title".into(), value: "VP".into() }),
                signal("size=[50,500)", Axis::Fit, 10, Recipe::Bin { number: number("employees"), min: 50.0, max: Some(500.0) }),
                signal("domain_competitor", Axis::Fit, -100, Recipe::Flag { column: "domain".into(), equals: vec!["competitor".into()] }),
                signal("pricing_page", Axis::Engagement, 25, Recipe::Events { activities: vec!["pricing".into()], cap: Some(3.0), scale: 1.0, decay: Decay::Standard }),
            ],
            base_points: 0,
            group_caps: vec![],
            overrides: vec![Override { signal: "domain_competitor".into(), rule: OverrideRule::NeverMql }],
            threshold: Some(40),
            hot_threshold: Some(70),
            calibration: None,
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        }
    }

    fn lead(title: &str, employees: &str, domain: &str, pricing_days: &[i64]) -> RawLead {
        let day = 86_400;
        let created = 1_700_000_000;
        RawLead {
            cells: [("title", title), ("employees", employees), ("domain", domain)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            created_at: Some(created),
            events: pricing_days.iter().map(|d| RawEvent { occurred_at: created + d * day, activity: "pricing".into() }).collect(),
        }
    }

    #[test]
    fn raw_leads_score_with_tiers_and_reasons() {
        let m = model();
        // VP, 120 employees, pricing visits at days 29 (weight 1.0), 10 (0.8), 40 (outside), -1 (before creation).
        let e = m.score_raw(&lead(" VP ", "120", "business", &[29, 10, 40, -1])).unwrap();
        assert_eq!(m.features_from_raw(&lead(" VP ", "120", "business", &[29, 10, 40, -1])).unwrap(), vec![1.0, 1.0, 0.0, 1.8]);
        // 20 + 10 + round(25 × 1.8) = 75 ≥ 70: hot.
        assert_eq!((e.score.total, e.tier), (75, Some(Tier::Hot)));
        let texts: Vec<&str> = e.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, vec!["pricing page ×1.80 (+45)", "title: vp (+20)", "size: [50,500) (+10)"]);
        // Warm, not MQL, never MQL.
        assert_eq!(m.score_raw(&lead("VP", "120", "business", &[29])).unwrap().tier, Some(Tier::Warm));
        assert_eq!(m.score_raw(&lead("Select", "", "business", &[])).unwrap().tier, None);
        let competitor = m.score_raw(&lead("VP", "120", "competitor", &[29, 28, 27])).unwrap();
        assert_eq!((competitor.score.mql, competitor.tier), (Some(false), None));
        assert_eq!(competitor.reasons[0].text, "domain competitor (−100)");
    }

    #[test]
    fn raw_lead_errors_name_the_column() {
        let m = model();
        let mut l = lead("VP", "many", "business", &[]);
        assert_eq!(m.features_from_raw(&l).unwrap_err().to_string(), "column \"employees\": \"many\" is not a number (signal \"size=[50,500)\")");
        l.cells.insert("employees".into(), "-3".into());
        assert!(m.features_from_raw(&l).unwrap_err().to_string().contains("negative"));
        l.cells.remove("title");
        assert_eq!(m.features_from_raw(&l).unwrap_err().to_string(), "the lead has no column \"title\", which signal \"title=vp\" reads");
        let mut no_recipe = model();
        no_recipe.signals[0].recipe = None;
        assert!(no_recipe.features_from_raw(&lead("VP", "1", "b", &[])).unwrap_err().to_string().contains("no recipe"));
        // The model file round-trips with its recipes.
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Model>(&text).unwrap(), m);
    }
}
