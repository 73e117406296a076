//! `[model]`: regularisation, points scaling, calibration, group caps and
//! routing overrides, checked against the signals' feature columns.

use std::path::PathBuf;

use serde::Deserialize;

use crate::{suggest, AlphaSpec, Calibration, GroupCapSpec, ModelSpec, PointsScaling, Signal};

#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a number >= 0 or \"auto\"")]
pub enum RawAlpha {
    Value(f64),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub alpha: Option<RawAlpha>,
    pub max_points: Option<f64>,
    pub pdo: Option<f64>,
    pub base_score: Option<f64>,
    pub base_odds: Option<f64>,
    pub calibration: Option<String>,
    pub holdout_cohorts: Option<usize>,
    pub training_cohorts: Option<usize>,
    pub min_decided_share: Option<f64>,
    pub max_rounding_loss: Option<f64>,
    pub alpha_folds: Option<usize>,
    pub base_points: Option<RawBase>,
    pub calibrate_on: Option<String>,
    pub current: Option<String>,
    #[serde(default)]
    pub group_caps: Vec<RawGroupCap>,
    #[serde(default)]
    pub always_mql: Vec<String>,
    #[serde(default)]
    pub never_mql: Vec<String>,
}

/// `base_points = "auto"` or a number of points.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected \"auto\" (just enough that no lead scores below 0) or a whole number of points")]
pub enum RawBase {
    Points(i64),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupCap {
    pub name: String,
    pub signals: Vec<String>,
    pub max_points: i64,
}

/// A number as the analyst would write it: 1e300, not three hundred digits.
fn short(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Points scales above this would overflow integer score sums in practice.
const MAX_POINTS: f64 = 1_000_000.0;

pub(crate) fn check_model(
    raw: Option<RawModel>,
    signals: &[Signal],
    resolve: &dyn Fn(&str) -> PathBuf,
) -> Result<ModelSpec, String> {
    let Some(raw) = raw else {
        return Ok(ModelSpec::default());
    };
    let alpha = match &raw.alpha {
        None => AlphaSpec::Auto,
        Some(RawAlpha::Word(w)) if w == "auto" => AlphaSpec::Auto,
        Some(RawAlpha::Word(w)) => return Err(format!("[model] alpha = {w:?}: expected a number >= 0 or \"auto\"")),
        &Some(RawAlpha::Value(a)) if a.is_finite() && a >= 0.0 => AlphaSpec::Fixed(a),
        &Some(RawAlpha::Value(a)) => return Err(format!("[model] alpha = {a}: expected a number >= 0 or \"auto\"")),
    };
    let scaling = check_scaling(&raw)?;
    let calibration = match raw.calibration.as_deref() {
        None | Some("platt") => Calibration::Platt,
        Some("isotonic") => Calibration::Isotonic,
        Some(other) => return Err(format!("[model] calibration = {other:?}: expected \"platt\" or \"isotonic\"")),
    };
    check_signal_names(&raw, signals)?;
    let min_decided_share = raw.min_decided_share.unwrap_or(crate::DEFAULT_MIN_DECIDED_SHARE);
    if !(min_decided_share > 0.0 && min_decided_share <= 1.0) {
        return Err(format!(
            "[model] min_decided_share = {min_decided_share}: expected a share in (0, 1], e.g. 0.8 \
             (a cohort is judged once that share of its leads is won or lost)"
        ));
    }
    if let (AlphaSpec::Auto, Some(window)) = (&alpha, raw.training_cohorts) {
        let folds = raw.alpha_folds.unwrap_or(1);
        if window > 0 && folds >= window {
            return Err(format!(
                "[model] training_cohorts = {window} leaves alpha = \"auto\" too few cohorts: each of its {folds} fold(s) validates on one of the window's cohorts, fitted on the window's earlier ones, so it needs at least {}; widen the window{}, or set alpha to a number (e.g. 1)",
                folds + 1,
                if folds > 1 { ", lower alpha_folds" } else { "" }
            ));
        }
    }
    let max_rounding_loss = raw.max_rounding_loss.unwrap_or(0.005);
    if !(0.0..=1.0).contains(&max_rounding_loss) {
        return Err(format!("[model] max_rounding_loss = {max_rounding_loss}: expected an AUC difference in [0, 1], e.g. 0.005"));
    }
    Ok(ModelSpec {
        alpha,
        scaling,
        calibration,
        holdout_cohorts: raw.holdout_cohorts,
        training_cohorts: match raw.training_cohorts {
            Some(0) => {
                return Err("[model] training_cohorts = 0: expected at least 1 (the latest cohorts before the holdout that the fit trains on), or leave it out to train on every earlier cohort".into())
            }
            other => other,
        },
        min_decided_share,
        max_rounding_loss,
        base_points: match raw.base_points {
            None => None,
            Some(RawBase::Word(w)) if w == "auto" => None,
            Some(RawBase::Points(b)) if b.unsigned_abs() as f64 <= MAX_POINTS && raw.pdo.is_none() => Some(b),
            Some(RawBase::Points(_)) if raw.pdo.is_some() => {
                return Err("[model] base_points goes with max_points; with pdo the base is set by base_score and base_odds".into())
            }
            Some(other) => {
                let written = match other {
                    RawBase::Points(points) => points.to_string(),
                    RawBase::Word(word) => format!("{word:?}"),
                };
                return Err(format!(
                    "[model] base_points = {written}: expected \"auto\" (just enough that no lead scores below 0) or a whole number of points within ±{MAX_POINTS}"
                ));
            }
        },
        calibrate_on: match raw.calibrate_on.as_deref() {
            None | Some("training") => crate::CalibrateOn::Training,
            Some("latest") => crate::CalibrateOn::Latest,
            Some(other) => {
                return Err(format!("[model] calibrate_on = {other:?}: expected \"training\" or \"latest\" (the latest mature cohort)"))
            }
        },
        alpha_folds: match raw.alpha_folds {
            Some(0) => return Err("[model] alpha_folds = 0: expected at least 1 fold (each validates on one of the latest training cohorts)".into()),
            other => other,
        },
        current: raw.current.as_deref().map(resolve),
        group_caps: raw.group_caps.into_iter().map(|g| GroupCapSpec { name: g.name, signals: g.signals, max_points: g.max_points }).collect(),
        always_mql: raw.always_mql,
        never_mql: raw.never_mql,
    })
}

/// `max_points` (the default, 100) or `pdo` with `base_score` and `base_odds`.
fn check_scaling(raw: &RawModel) -> Result<PointsScaling, String> {
    let scaling = match (raw.max_points, raw.pdo) {
        (Some(_), Some(_)) => return Err("[model] set either max_points or pdo, not both".into()),
        (None, Some(pdo)) => {
            if !(pdo.is_finite() && pdo > 0.0 && pdo <= MAX_POINTS) {
                return Err(format!("[model] pdo = {}: expected points to double the odds > 0 and at most {MAX_POINTS}, e.g. 20", short(pdo)));
            }
            if raw.base_score.is_some_and(|b| !(b.is_finite() && b.abs() <= MAX_POINTS)) {
                return Err(format!("[model] base_score: expected a number between -{MAX_POINTS} and {MAX_POINTS}, e.g. 600"));
            }
            let base_odds = raw.base_odds.unwrap_or(1.0);
            if !(base_odds.is_finite() && base_odds > 0.0) {
                return Err(format!("[model] base_odds = {base_odds}: expected odds > 0"));
            }
            PointsScaling::Pdo { pdo, base_score: raw.base_score.unwrap_or(0.0), base_odds }
        }
        (max, None) => {
            if raw.base_score.is_some() || raw.base_odds.is_some() {
                return Err("[model] base_score and base_odds go with pdo".into());
            }
            let max = max.unwrap_or(100.0);
            if !(max.is_finite() && max > 0.0 && max <= MAX_POINTS) {
                return Err(format!("[model] max_points = {}: expected a number > 0 and at most {MAX_POINTS}, e.g. 100", short(max)));
            }
            PointsScaling::MaxPoints(max)
        }
    };
    Ok(scaling)
}

/// Group caps, `always_mql` and `never_mql` name signal feature columns; caps are in range.
fn check_signal_names(raw: &RawModel, signals: &[Signal]) -> Result<(), String> {
    let columns: Vec<String> = signals.iter().flat_map(|s| s.feature_names()).collect();
    let check_column = |what: &str, name: &str| -> Result<(), String> {
        if columns.iter().any(|c| c == name) {
            Ok(())
        } else {
            let hint = suggest(name, columns.iter().map(String::as_str)).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default();
            Err(format!("[model] {what} names {name:?}, which is not a signal column{hint}; columns are: {}", columns.join(", ")))
        }
    };
    for g in &raw.group_caps {
        for s in &g.signals {
            check_column(&format!("group cap {:?}", g.name), s)?;
        }
        if g.max_points < 0 || g.max_points as f64 > MAX_POINTS {
            return Err(format!("[model] group cap {:?}: max_points must be between 0 and {MAX_POINTS}", g.name));
        }
    }
    for s in &raw.always_mql {
        check_column("always_mql", s)?;
    }
    for s in &raw.never_mql {
        check_column("never_mql", s)?;
    }
    Ok(())
}
