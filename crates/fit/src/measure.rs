//! After the fit: the score → probability calibration, the metrics on each
//! labelled set, what rounding to integer points cost, and a hand-made points
//! sheet evaluated on the same leads.

use std::collections::BTreeMap;

use mqlcal_config::{Calibration, ModelSpec};
use mqlcal_features::split::Split;
use mqlcal_features::FeatureTable;
use mqlcal_metrics::Metrics;
use mqlcal_scorecard::Model;
use rayon::prelude::*;

use crate::model::*;
use crate::{calibration_table, CalibrationMethod, FitError};
use crate::separation::name_separators;

/// The config's calibration method in the fitter's terms.
pub(crate) fn calibration_method(calibration: &Calibration) -> CalibrationMethod {
    match calibration {
        Calibration::Platt => CalibrationMethod::Platt,
        Calibration::Isotonic => CalibrationMethod::Isotonic,
    }
}

/// Calibrate the integer score on the training leads (refitted on the holdout with
/// `calibrate_on = "latest"`); returns the method, for the model in use today, and the
/// training leads' scores (calibrating changes no point: `measure` reads them again).
pub(crate) fn calibrate(
    model: &mut Model,
    table: &FeatureTable,
    spec: &ModelSpec,
    split: &Split,
    train: &TrainingSet,
) -> Result<(CalibrationMethod, Vec<f64>), FitError> {
    let method = calibration_method(&spec.calibration);
    let train_scores = scores(model, train.x);
    model.calibration = Some(
        calibration_table(&train_scores, train.y, train.w, method)
            .map_err(|e| name_separators(e, train.x, train.y, train.names))?,
    );
    if spec.calibrate_on == mqlcal_config::CalibrateOn::Latest {
        recalibrate_on_latest(model, table, split, method)?;
    }
    Ok((method, train_scores))
}

/// Metrics per set (training, holdout) of the calibrated points model, recorded in
/// `model`; returns those of the exact logistic model. With `holdout_points_only`, the
/// holdout's points metrics alone. `training_scores` are the model's scores of the
/// training rows ([`calibrate`]'s).
pub(crate) fn measure(
    model: &mut Model,
    logistic: &crate::LogisticFit,
    table: &FeatureTable,
    split: &Split,
    holdout_points_only: bool,
    training_scores: &[f64],
) -> Result<BTreeMap<String, Metrics>, FitError> {
    let mut exact_metrics = BTreeMap::new();
    // Each set's rows, and their scores when known.
    let sets = [
        ("training", &split.training_rows, Some(training_scores)),
        ("holdout", &split.holdout_rows, None),
    ];
    // The sets are measured at once; each set's numbers do not depend on the other's.
    let measured = sets.par_iter().map(|&(set, rows, known)| {
        if set == "training" && holdout_points_only {
            return Ok(None);
        }
        let (w, l) = won_lost(table, rows);
        if w == 0 || l == 0 {
            return Ok(None);
        }
        let x = rows_matrix(table, rows);
        let y = labels(table, rows);
        let w = table.weights_of(rows);
        // The points model's numbers and the exact model's, side by side.
        let (metrics, exact) = rayon::join(
            || match known {
                Some(scores) => calibrated_metrics_of(model, scores, &y, w.as_deref()),
                None => calibrated_metrics(model, x.view(), &y, w.as_deref()),
            },
            || -> Result<Option<Metrics>, FitError> {
                if holdout_points_only {
                    return Ok(None);
                }
                let exact = logistic.predict_proba(x.view())?;
                Ok(Some(mqlcal_metrics::evaluate_weighted(&exact, &y, w.as_deref())?))
            },
        );
        Ok(Some((set, metrics?, exact?)))
    });
    for (set, metrics, exact) in measured.collect::<Result<Vec<_>, FitError>>()?.into_iter().flatten() {
        model.metrics.insert(set.to_string(), metrics);
        if let Some(exact) = exact {
            exact_metrics.insert(set.to_string(), exact);
        }
    }
    Ok(exact_metrics)
}

/// The model in use today, if any, calibrated and measured on the same leads.
pub(crate) fn evaluate_current(
    current: Option<&Model>,
    table: &FeatureTable,
    split: &Split,
    method: CalibrationMethod,
) -> Result<Option<Model>, FitError> {
    match current {
        None => Ok(None),
        Some(current) => {
            let mut current = current.clone();
            evaluate_points_model(&mut current, table, split, method)?;
            Ok(Some(current))
        }
    }
}

/// `calibrate_on = "latest"`: the score → probability map refitted on the
/// holdout (the latest mature cohort), with what that changes in words.
pub(crate) fn recalibrate_on_latest(
    model: &mut Model,
    table: &FeatureTable,
    split: &Split,
    method: CalibrationMethod,
) -> Result<(), FitError> {
    if split.holdout_rows.is_empty() {
        return Ok(());
    }
    let x = rows_matrix(table, &split.holdout_rows);
    let y = labels(table, &split.holdout_rows);
    if !y.iter().any(|&w| w) || y.iter().all(|&w| w) {
        return Ok(());
    }
    let w = table.weights_of(&split.holdout_rows);
    let leads = |i: usize| w.as_ref().map_or(1.0, |w| w[i]);
    let total: f64 = (0..y.len()).map(leads).sum();
    let s = scores(model, x.view());
    let mean = |m: &Model| {
        s.iter()
            .enumerate()
            .map(|(i, &v)| {
                let p = m.calibration.as_ref().map_or(0.0, |c| c.probability(v));
                if w.is_some() { leads(i) * p } else { p }
            })
            .sum::<f64>()
            / total
    };
    let before = mean(model);
    model.calibration = Some(calibration_table(&s, &y, w.as_deref(), method)?);
    let after = mean(model);
    let observed = (0..y.len()).filter(|&i| y[i]).map(leads).sum::<f64>() / total;
    if let Some(fit) = &mut model.fit {
        fit.warnings.push(format!(
            "calibrate_on = \"latest\": probabilities refitted on {} (in sample there): their mean there moves from {:.1} % (training map) to {:.1} % (observed {:.1} %)",
            split.holdout_cohorts.join(", "),
            100.0 * before,
            100.0 * after,
            100.0 * observed
        ));
    }
    Ok(())
}

/// Name the signals rounding erased, put the holdout's AUCs beside the
/// training ones, and warn when the holdout loses more than `bound` of AUC.
pub(crate) fn record_rounding_loss(model: &mut Model, exact_metrics: &BTreeMap<String, Metrics>, bound: f64) {
    let erased: Vec<String> = model
        .signals
        .iter()
        .filter(|s| s.points == 0 && s.coefficient.is_some_and(|c| c != 0.0))
        .map(|s| s.name.clone())
        .collect();
    let holdout = (exact_metrics.get("holdout"), model.metrics.get("holdout"));
    let (exact, rounded) = (holdout.0.map(|m| m.roc_auc), holdout.1.map(|m| m.roc_auc));
    let mut warning = None;
    if let (Some(e), Some(r)) = (exact, rounded) {
        if e - r > bound {
            warning = Some(format!(
                "rounding to points costs {:.3} AUC on the holdout ({e:.3} exact, {r:.3} in points; bound {bound}){}: score wide numeric signals per bin (bins = \"auto\") or raise [model] max_points",
                e - r,
                if erased.is_empty() { String::new() } else { format!("; rounded to 0 points: {}", erased.join(", ")) }
            ));
        }
    }
    if let Some(cost) = &mut model.rounding_cost {
        cost.holdout_auc_exact = exact;
        cost.holdout_auc_rounded = rounded;
        cost.rounded_to_zero = erased;
    }
    if let (Some(w), Some(fit)) = (warning, &mut model.fit) {
        fit.warnings.push(w);
    }
}

/// Calibrate a points model's score on the training rows and record metrics per set.
pub fn evaluate_points_model(
    model: &mut Model,
    table: &FeatureTable,
    split: &Split,
    method: CalibrationMethod,
) -> Result<(), FitError> {
    let x_train = rows_matrix(table, &split.training_rows);
    let y_train = labels(table, &split.training_rows);
    let w_train = table.weights_of(&split.training_rows);
    let training_scores = scores(model, x_train.view());
    model.calibration = Some(calibration_table(&training_scores, &y_train, w_train.as_deref(), method)?);
    // Calibrating changed no point: the training rows' scores are those above.
    let sets = [
        ("training", &split.training_rows, Some(&training_scores)),
        ("holdout", &split.holdout_rows, None),
    ];
    let measured = sets.par_iter().map(|&(set, rows, known)| {
        let y = labels(table, rows);
        if !y.iter().any(|&b| b) || y.iter().all(|&b| b) {
            return Ok(None);
        }
        let w = table.weights_of(rows);
        let metrics = match known {
            Some(scores) => calibrated_metrics_of(model, scores, &y, w.as_deref())?,
            None => calibrated_metrics(model, rows_matrix(table, rows).view(), &y, w.as_deref())?,
        };
        Ok(Some((set, metrics)))
    });
    for (set, metrics) in measured.collect::<Result<Vec<_>, FitError>>()?.into_iter().flatten() {
        model.metrics.insert(set.to_string(), metrics);
    }
    Ok(())
}

/// Metrics of the model's calibrated probabilities (the integer score through its
/// calibration table) on the rows `x` with outcomes `y`.
/// (`w[i]`, when given, is how many leads row i stands for.)
fn calibrated_metrics(model: &Model, x: ndarray::ArrayView2<f64>, y: &[bool], w: Option<&[f64]>) -> Result<Metrics, FitError> {
    calibrated_metrics_of(model, &scores(model, x), y, w)
}

/// [`calibrated_metrics`] of rows whose scores under the model are `scores`.
fn calibrated_metrics_of(model: &Model, scores: &[f64], y: &[bool], w: Option<&[f64]>) -> Result<Metrics, FitError> {
    let probs: Vec<f64> = scores.par_iter().map(|&s| model.calibration.as_ref().map_or(f64::NAN, |c| c.probability(s))).collect();
    Ok(mqlcal_metrics::evaluate_weighted(&probs, y, w)?)
}
