//! The points model (scorecard) that production embeds: its types, loading a
//! model file or an analyst's hand-made points sheet, and scoring one lead.
//! Depends on serde and little else (no polars, no linfa, no plotters).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The model file format version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ScorecardError {
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Which axis a signal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Fit,
    Engagement,
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
}

/// How the weights were fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    pub alpha: f64,
    /// "config" or "auto" (chosen out of time on the latest training cohort).
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

/// The leads the model was fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// A latest cohort whose period was still running: neither trained on nor held out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_cohorts: Vec<String>,
    pub won: usize,
    pub lost: usize,
}

/// A points model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub schema_version: u32,
    pub tool_version: String,
    pub source: ModelSource,
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

impl Model {
    /// Score one lead from its feature values, aligned with `signals`.
    pub fn score(&self, values: &[f64]) -> Score {
        let mut fit = 0i64;
        let mut engagement = 0i64;
        let mut capped: Vec<i64> = vec![0; self.group_caps.len()];
        for (signal, &value) in self.signals.iter().zip(values) {
            let points = (signal.points as f64 * value).round() as i64;
            if let Some(g) = self.group_caps.iter().position(|g| g.signals.contains(&signal.name)) {
                capped[g] += points;
                continue;
            }
            match signal.axis {
                Axis::Fit => fit += points,
                Axis::Engagement => engagement += points,
            }
        }
        for (g, sum) in self.group_caps.iter().zip(capped) {
            let points = sum.min(g.max_points);
            let axis = g
                .signals
                .first()
                .and_then(|name| self.signals.iter().find(|s| &s.name == name))
                .map_or(Axis::Engagement, |s| s.axis);
            match axis {
                Axis::Fit => fit += points,
                Axis::Engagement => engagement += points,
            }
        }
        let total = self.base_points + fit + engagement;
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
        let model: Model = serde_json::from_str(&text)
            .map_err(|e| ScorecardError::Invalid { path: shown.clone(), message: format!("not a valid model file: {e}") })?;
        model.validate(&shown)?;
        Ok(model)
    }
}

/// An analyst's hand-made points sheet (TOML):
///
/// ```toml
/// threshold = 60
/// [points]
/// demo_request = 100
/// "title=vp" = 15
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointsSheet {
    threshold: Option<i64>,
    points: BTreeMap<String, toml::Value>,
}

/// Load a points sheet as a model over the given feature columns (name, axis).
/// A sheet naming a column the data does not have is an error that lists them.
pub fn load_points_sheet(path: &Path, columns: &[(String, Axis)]) -> Result<Model, ScorecardError> {
    let shown = path.display().to_string();
    let invalid = |message: String| ScorecardError::Invalid { path: shown.clone(), message };
    let text = std::fs::read_to_string(path).map_err(|e| ScorecardError::Read { path: shown.clone(), message: e.to_string() })?;
    let sheet: PointsSheet = toml::from_str(&text).map_err(|e| invalid(format!("not a points sheet: {}", e.message())))?;
    let mut signals: Vec<ModelSignal> = columns
        .iter()
        .map(|(name, axis)| ModelSignal { name: name.clone(), axis: *axis, points: 0, coefficient: None, std_error: None, p_value: None })
        .collect();
    for (name, value) in &sheet.points {
        let points = match value {
            toml::Value::Integer(i) => *i,
            other => return Err(invalid(format!("points for {name:?} must be an integer, got {other}"))),
        };
        match signals.iter_mut().find(|s| &s.name == name) {
            Some(s) => s.points = points,
            None => {
                let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                return Err(invalid(format!(
                    "the sheet scores {name:?}, which the data does not have; the signals are: {}",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(Model {
        schema_version: SCHEMA_VERSION,
        tool_version: String::new(),
        source: ModelSource::PointsSheet,
        signals,
        base_points: 0,
        group_caps: vec![],
        overrides: vec![],
        threshold: sheet.threshold,
        hot_threshold: None,
        calibration: None,
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let sig = |name: &str, axis, points| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None };
        Model {
            schema_version: SCHEMA_VERSION,
            tool_version: "t".into(),
            source: ModelSource::Fitted,
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
    }
}
