//! The fit stage of the data flow: feature table + `[model]` spec → a points
//! model (scorecard) with its weights, standard errors, calibration and metrics.
//! Also evaluates a hand-made points sheet on the same leads.

use std::collections::BTreeMap;

use mqlcal_config::{AlphaSpec, Calibration, ModelSpec, PointsScaling};
use mqlcal_features::{FeatureTable, Outcome};
use mqlcal_metrics::Metrics;
use mqlcal_scorecard::{
    self as scorecard, GroupCap, Model, ModelSignal, ModelSource, Override, OverrideRule, Training,
};
use ndarray::{Array2, ArrayView2};
use serde::Serialize;

use crate::{
    calibration_table, choose_alpha, default_alpha_grid, fit_from, rounding_cost, scale_to_points,
    AlphaSearch, CalibrationMethod, FitError, FitParams, ParamGuard, Scaling,
};

/// Which rows train and which are held out.
#[derive(Debug, Clone, Serialize)]
pub struct Split {
    pub training_cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// Decided rows of the training cohorts.
    pub training_rows: Vec<usize>,
    /// Decided rows of the holdout cohorts.
    pub holdout_rows: Vec<usize>,
    /// The latest cohort when its period is not over yet (default split only):
    /// neither trained on nor backtested, since its months are partial.
    pub excluded_cohorts: Vec<String>,
}

/// Days before a period's end within which the latest lead makes the period complete.
const COMPLETE_WITHIN_DAYS: i64 = 7;

/// Whether the latest cohort's period ends more than a week after the latest lead was created.
fn latest_cohort_incomplete(table: &FeatureTable, latest: &str) -> bool {
    let (Some(months), Some(latest_lead)) =
        (mqlcal_features::calendar::cohort_months(latest), table.created_at.iter().flatten().max())
    else {
        return false;
    };
    let period_end = mqlcal_features::calendar::first_day_of_month(months.end) * 86_400;
    *latest_lead < period_end - COMPLETE_WITHIN_DAYS * 86_400
}

/// Out-of-time split: the latest `holdout_cohorts` cohorts are held out.
/// Default: the latest complete cohort when there are at least 3 (a latest
/// cohort whose period is still running is excluded when at least 4 remain), else none.
pub fn split(table: &FeatureTable, holdout_cohorts: Option<usize>) -> Result<Split, FitError> {
    let mut cohorts = table.cohort_labels();
    let mut excluded_cohorts = Vec::new();
    if holdout_cohorts.is_none() && cohorts.len() >= 4 {
        if let Some(latest) = cohorts.last().cloned() {
            if latest_cohort_incomplete(table, &latest) {
                cohorts.pop();
                excluded_cohorts.push(latest);
            }
        }
    }
    let holdout_n = holdout_cohorts.unwrap_or(if cohorts.len() >= 3 { 1 } else { 0 });
    if holdout_n >= cohorts.len() {
        return Err(FitError::InvalidParams(format!(
            "[model] holdout_cohorts = {holdout_n} leaves no training cohort (the data has {}: {})",
            cohorts.len(),
            cohorts.join(", ")
        )));
    }
    let (training, holdout) = cohorts.split_at(cohorts.len() - holdout_n);
    let decided = |set: &[String]| -> Vec<usize> {
        (0..table.len())
            .filter(|&i| table.outcomes[i] != Outcome::Open && set.contains(&table.cohorts[i]))
            .collect()
    };
    Ok(Split {
        training_cohorts: training.to_vec(),
        holdout_cohorts: holdout.to_vec(),
        training_rows: decided(training),
        holdout_rows: decided(holdout),
        excluded_cohorts,
    })
}

fn rows_matrix(table: &FeatureTable, rows: &[usize]) -> Array2<f64> {
    table.matrix.select(ndarray::Axis(0), rows)
}

fn labels(table: &FeatureTable, rows: &[usize]) -> Vec<bool> {
    rows.iter().map(|&i| table.outcomes[i] == Outcome::Won).collect()
}

/// Everything `mqlcal fit` reports.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    pub model: Model,
    /// The logistic fit behind the points (a warm start for refits of similar data).
    #[serde(skip)]
    pub logistic: crate::LogisticFit,
    pub alpha_search: Option<AlphaSearch>,
    /// Metrics of the exact (unrounded) logistic model, per set.
    pub exact_metrics: BTreeMap<String, Metrics>,
    /// The current hand-made model on the same leads, when configured.
    pub current: Option<Model>,
}

/// Integer score of every row of `x` under `model` (caps and base included).
pub fn scores(model: &Model, x: ArrayView2<f64>) -> Vec<f64> {
    x.outer_iter()
        .map(|row| match row.as_slice() {
            Some(values) => model.score(values).total as f64,
            None => model.score(&row.to_vec()).total as f64,
        })
        .collect()
}

/// How [`fit_model_with`] may cut work when the caller needs less than `mqlcal fit` reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct FitOptions<'a> {
    /// Start Newton from this fit (same signals, similar rows) instead of L-BFGS.
    pub warm_start: Option<&'a crate::LogisticFit>,
    /// Leave out the training-set metrics (the walk-forward only reads the holdout's).
    pub skip_training_metrics: bool,
}

/// Fit the model the spec describes on the training rows of `table`.
pub fn fit_model(table: &FeatureTable, spec: &ModelSpec, tool_version: &str) -> Result<FitReport, FitError> {
    fit_model_with(table, spec, tool_version, &FitOptions::default())
}

/// [`fit_model`] with a warm start or fewer metrics.
pub fn fit_model_with(table: &FeatureTable, spec: &ModelSpec, tool_version: &str, options: &FitOptions) -> Result<FitReport, FitError> {
    let split = split(table, spec.holdout_cohorts)?;
    let names = table.column_names();
    let x_train = rows_matrix(table, &split.training_rows);
    let y_train = labels(table, &split.training_rows);

    let base = FitParams::new().check()?;
    let (alpha, alpha_search) = match spec.alpha {
        AlphaSpec::Fixed(a) => (a, None),
        AlphaSpec::Auto => {
            let cohort_of: BTreeMap<&str, usize> = split
                .training_cohorts
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            if split.training_cohorts.len() < 2 {
                return Err(FitError::InvalidParams(format!(
                    "alpha = \"auto\" needs at least 2 training cohorts (fit on the earlier, validate on the latest); there is {}. Set [model] alpha to a number, e.g. 1",
                    split.training_cohorts.len()
                )));
            }
            let cohort_index: Vec<usize> = split
                .training_rows
                .iter()
                .map(|&i| cohort_of[table.cohorts[i].as_str()])
                .collect();
            let search = choose_alpha(&default_alpha_grid(), x_train.view(), &y_train, &cohort_index, &names, &base)?;
            (search.best_alpha, Some(search))
        }
    };
    let params = FitParams::new().alpha(alpha).check()?;
    // The alpha search's winner was fitted on most of these rows at this alpha: a close start.
    let warm = options.warm_start.or(alpha_search.as_ref().and_then(|a| a.best_fit.as_ref()));
    let logistic = fit_from(&params, x_train.view(), &y_train, &names, warm)?;
    let coefs = logistic.coef_for_input_columns();

    let scaling = match spec.scaling {
        PointsScaling::MaxPoints(m) => Scaling::MaxPoints(m),
        PointsScaling::Pdo { pdo, base_score, base_odds } => Scaling::Pdo { pdo, base_score, base_odds },
    };
    let points = scale_to_points(&coefs, logistic.intercept, &names, scaling)?;
    let cost = rounding_cost(x_train.view(), &y_train, &coefs, logistic.intercept, &points.points)?;

    let mut std_err = vec![None; names.len()];
    let mut p_value = vec![None; names.len()];
    for (k, &j) in logistic.columns.iter().enumerate() {
        std_err[j] = Some(logistic.std_err[k]);
        p_value[j] = Some(logistic.p_value[k]);
    }
    let signals: Vec<ModelSignal> = table
        .columns
        .iter()
        .enumerate()
        .map(|(j, c)| ModelSignal {
            name: c.name.clone(),
            axis: axis(c.axis),
            points: points.points[j],
            coefficient: Some(coefs[j]),
            std_error: std_err[j],
            p_value: p_value[j],
            recipe: None,
        })
        .collect();
    let mut overrides: Vec<Override> = spec
        .always_mql
        .iter()
        .map(|s| Override { signal: s.clone(), rule: OverrideRule::AlwaysMql })
        .collect();
    overrides.extend(spec.never_mql.iter().map(|s| Override { signal: s.clone(), rule: OverrideRule::NeverMql }));

    let counts = |rows: &[usize]| {
        let won = rows.iter().filter(|&&i| table.outcomes[i] == Outcome::Won).count();
        (won, rows.len() - won)
    };
    let (won, lost) = counts(&split.training_rows);
    let mut model = Model {
        schema_version: scorecard::SCHEMA_VERSION,
        tool_version: tool_version.to_string(),
        source: ModelSource::Fitted,
        inputs: None,
        signals,
        // A max-points score leaves the intercept out (marketers read "+100 for a demo");
        // a PDO score includes it so that the base score means the base odds.
        base_points: match scaling {
            Scaling::MaxPoints(_) => 0,
            Scaling::Pdo { .. } => points.base_points,
        },
        group_caps: spec
            .group_caps
            .iter()
            .map(|g| GroupCap { name: g.name.clone(), signals: g.signals.clone(), max_points: g.max_points })
            .collect(),
        overrides,
        threshold: None,
        hot_threshold: None,
        calibration: None,
        fit: Some(scorecard::FitSummary {
            alpha,
            alpha_chosen_by: if alpha_search.is_some() { "auto".into() } else { "config".into() },
            intercept: logistic.intercept,
            intercept_std_error: logistic.intercept_std_err,
            converged: logistic.converged,
            gradient_norm: logistic.gradient_norm,
            log_likelihood: logistic.log_likelihood,
            points_per_log_odds: points.factor,
            dropped: logistic.dropped.iter().map(|d| format!("{}: {:?}", d.signal, d.reason)).collect(),
            warnings: logistic.warnings.iter().map(|w| format!("{}: {}", w.signal, w.reason)).collect(),
        }),
        training: Some(Training {
            cohorts: split.training_cohorts.clone(),
            holdout_cohorts: split.holdout_cohorts.clone(),
            excluded_cohorts: split.excluded_cohorts.clone(),
            won,
            lost,
        }),
        rounding_cost: Some(cost),
        metrics: BTreeMap::new(),
        provenance: None,
    };

    // Calibrate the integer score on the training leads.
    let method = match spec.calibration {
        Calibration::Platt => CalibrationMethod::Platt,
        Calibration::Isotonic => CalibrationMethod::Isotonic,
    };
    let train_scores = scores(&model, x_train.view());
    model.calibration = Some(calibration_table(&train_scores, &y_train, method)?);

    let mut exact_metrics = BTreeMap::new();
    let sets = [("training", &split.training_rows), ("holdout", &split.holdout_rows)];
    for (set, rows) in sets {
        if set == "training" && options.skip_training_metrics {
            continue;
        }
        let (w, l) = counts(rows);
        if w == 0 || l == 0 {
            continue;
        }
        let x = rows_matrix(table, rows);
        let y = labels(table, rows);
        let probs: Vec<f64> = scores(&model, x.view())
            .iter()
            .map(|&s| model.calibration.as_ref().map_or(f64::NAN, |c| c.probability(s)))
            .collect();
        model.metrics.insert(set.to_string(), mqlcal_metrics::evaluate(&probs, &y)?);
        let exact = logistic.predict_proba(x.view())?;
        exact_metrics.insert(set.to_string(), mqlcal_metrics::evaluate(&exact, &y)?);
    }

    let current = match &spec.current {
        None => None,
        Some(path) => {
            let mut current = scorecard::load_points_sheet(path, &scorecard_columns(table))
                .map_err(|e| FitError::InvalidParams(e.to_string()))?;
            evaluate_points_model(&mut current, table, &split, method)?;
            Some(current)
        }
    };
    Ok(FitReport { model, logistic, alpha_search, exact_metrics, current })
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
    model.calibration = Some(calibration_table(&scores(model, x_train.view()), &y_train, method)?);
    for (set, rows) in [("training", &split.training_rows), ("holdout", &split.holdout_rows)] {
        let y = labels(table, rows);
        if !y.iter().any(|&b| b) || y.iter().all(|&b| b) {
            continue;
        }
        let x = rows_matrix(table, rows);
        let probs: Vec<f64> = scores(model, x.view())
            .iter()
            .map(|&s| model.calibration.as_ref().map_or(f64::NAN, |c| c.probability(s)))
            .collect();
        model.metrics.insert(set.to_string(), mqlcal_metrics::evaluate(&probs, &y)?);
    }
    Ok(())
}

/// The table's feature columns as (name, axis), the form a points sheet is loaded against.
pub fn scorecard_columns(table: &FeatureTable) -> Vec<(String, scorecard::Axis)> {
    table.columns.iter().map(|c| (c.name.clone(), axis(c.axis))).collect()
}

fn axis(a: mqlcal_config::Axis) -> scorecard::Axis {
    match a {
        mqlcal_config::Axis::Fit => scorecard::Axis::Fit,
        mqlcal_config::Axis::Engagement => scorecard::Axis::Engagement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqlcal_features::FeatureColumn;

    /// One lead per day from `first` to `last` (unix days), quarters as cohorts.
    fn table(first: i64, last: i64) -> FeatureTable {
        let days: Vec<i64> = (first..=last).collect();
        let n = days.len();
        let cohort = |d: i64| {
            let month = mqlcal_features::calendar::month_of(d * 86_400);
            format!("{}-Q{}", month.div_euclid(12), month.rem_euclid(12) / 3 + 1)
        };
        FeatureTable {
            ids: (0..n).map(|i| i.to_string()).collect(),
            created_at: days.iter().map(|d| Some(d * 86_400)).collect(),
            cohorts: days.iter().map(|&d| cohort(d)).collect(),
            outcomes: (0..n).map(|i| if i % 3 == 0 { Outcome::Won } else { Outcome::Lost }).collect(),
            segments: vec![],
            columns: vec![FeatureColumn { name: "x".into(), signal: "x".into(), level: None, axis: mqlcal_config::Axis::Fit }],
            matrix: Array2::zeros((n, 1)),
        }
    }

    #[test]
    fn a_running_latest_quarter_is_left_out_by_default() {
        let jan_1_2024 = 19_723;
        // Leads up to 2024-11-10: 2024-Q4 runs until 2025-01-01, so it is incomplete.
        let t = table(jan_1_2024, jan_1_2024 + 314);
        let s = split(&t, None).unwrap();
        assert_eq!(s.excluded_cohorts, vec!["2024-Q4"]);
        assert_eq!(s.holdout_cohorts, vec!["2024-Q3"]);
        assert_eq!(s.training_cohorts, vec!["2024-Q1", "2024-Q2"]);
        // Leads up to 2024-12-28 (within a week of the end): complete, held out.
        let t = table(jan_1_2024, jan_1_2024 + 362);
        let s = split(&t, None).unwrap();
        assert!(s.excluded_cohorts.is_empty());
        assert_eq!(s.holdout_cohorts, vec!["2024-Q4"]);
        // An explicit holdout_cohorts is taken as written.
        let t = table(jan_1_2024, jan_1_2024 + 314);
        let s = split(&t, Some(1)).unwrap();
        assert!(s.excluded_cohorts.is_empty());
        assert_eq!(s.holdout_cohorts, vec!["2024-Q4"]);
    }
}
