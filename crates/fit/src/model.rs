//! The fit stage of the data flow: feature table + `[model]` spec → a points
//! model (scorecard) with its weights, standard errors, calibration and metrics.
//! Also evaluates a hand-made points sheet on the same leads.

use std::collections::BTreeMap;

use mqlcal_config::{AlphaSpec, Calibration, ModelSpec, PointsScaling};
pub use mqlcal_features::split::{split, Split};
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

fn rows_matrix(table: &FeatureTable, rows: &[usize]) -> Array2<f64> {
    table.matrix.select(ndarray::Axis(0), rows)
}

fn labels(table: &FeatureTable, rows: &[usize]) -> Vec<bool> {
    rows.iter()
        .map(|&i| table.outcomes[i] == Outcome::Won)
        .collect()
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
    /// The model in use today ([`FitOptions::current`]), measured on the same leads.
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

/// What [`fit_model_with`] is given beside the table and the spec: the split and the
/// model in use today when the caller has them, and how it may cut work.
#[derive(Debug, Clone, Copy, Default)]
pub struct FitOptions<'a> {
    /// Start Newton from this fit (same signals, similar rows) instead of L-BFGS.
    pub warm_start: Option<&'a crate::LogisticFit>,
    /// Leave out the training-set metrics (the walk-forward only reads the holdout's).
    pub skip_training_metrics: bool,
    /// The out-of-time split of `table` under the spec, computed once by the caller
    /// (None: computed here).
    pub split: Option<&'a Split>,
    /// The model in use today (e.g. a points sheet over the table's columns): calibrated
    /// and measured on the same leads, returned as [`FitReport::current`].
    pub current: Option<&'a Model>,
}

/// Fit the model the spec describes on the training rows of `table`.
pub fn fit_model(
    table: &FeatureTable,
    spec: &ModelSpec,
    tool_version: &str,
) -> Result<FitReport, FitError> {
    fit_model_with(table, spec, tool_version, &FitOptions::default())
}

/// [`fit_model`] with a warm start or fewer metrics.
///
/// The steps: choose alpha, fit the logistic model, scale its weights to points
/// (with what rounding costs), assemble the model (screening the fit's warnings),
/// calibrate the score, measure it per set, and evaluate the model in use today.
pub fn fit_model_with(
    table: &FeatureTable,
    spec: &ModelSpec,
    tool_version: &str,
    options: &FitOptions,
) -> Result<FitReport, FitError> {
    let own_split;
    let split = match options.split {
        Some(split) => split,
        None => {
            own_split = split(table, spec)?;
            &own_split
        }
    };
    let names = table.column_names();
    let x_train = rows_matrix(table, &split.training_rows);
    let y_train = labels(table, &split.training_rows);
    let train = TrainingSet {
        x: x_train.view(),
        y: &y_train,
        names: &names,
    };

    let (alpha, alpha_search) = pick_alpha(table, spec, split, &train)?;
    let logistic = fit_logistic(alpha, alpha_search.as_ref(), options.warm_start, &train)?;
    let scaled = scale_weights(&logistic, points_scaling(&spec.scaling), &train)?;
    let fitted = Fitted {
        alpha,
        auto: alpha_search.is_some(),
        logistic: &logistic,
        scaled,
    };
    let mut model = assemble_model(table, spec, split, tool_version, fitted, &train);
    let method = calibrate(&mut model, table, spec, split, &train)?;
    let exact_metrics = measure(
        &mut model,
        &logistic,
        table,
        split,
        options.skip_training_metrics,
    )?;
    record_rounding_loss(&mut model, &exact_metrics, spec.max_rounding_loss);
    let current = evaluate_current(options.current, table, split, method)?;
    Ok(FitReport {
        model,
        logistic,
        alpha_search,
        exact_metrics,
        current,
    })
}

/// The training rows of a fit: features, outcomes (won = true) and column names.
struct TrainingSet<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [bool],
    names: &'a [String],
}

/// The logistic weights rescaled to integer points, with what rounding costs.
struct Scaled {
    coefs: Vec<f64>,
    scaling: Scaling,
    points: crate::Points,
    cost: crate::RoundingCost,
}

/// What the fit produced, for [`assemble_model`].
struct Fitted<'a> {
    alpha: f64,
    /// Alpha was chosen by `alpha = "auto"` (else set in the config).
    auto: bool,
    logistic: &'a crate::LogisticFit,
    scaled: Scaled,
}

/// Choose alpha: the spec's number, or `alpha = "auto"`'s rolling-origin search over the training cohorts.
fn pick_alpha(
    table: &FeatureTable,
    spec: &ModelSpec,
    split: &Split,
    train: &TrainingSet,
) -> Result<(f64, Option<AlphaSearch>), FitError> {
    let base = FitParams::new().check()?;
    match spec.alpha {
        AlphaSpec::Fixed(a) => Ok((a, None)),
        AlphaSpec::Auto => {
            let cohort_index = training_cohort_index(table, split)?;
            let distinct = split.training_cohorts.len();
            let folds = spec
                .alpha_folds
                .unwrap_or(DEFAULT_ALPHA_FOLDS.min(distinct - 1));
            let search = choose_alpha(
                &default_alpha_grid(),
                train.x,
                train.y,
                &cohort_index,
                train.names,
                &base,
                folds,
            )?;
            Ok((search.best_alpha, Some(search)))
        }
    }
}

/// Each training row's cohort as its position among the training cohorts (later = larger);
/// an error when there are fewer than 2 training cohorts to search alpha over.
fn training_cohort_index(table: &FeatureTable, split: &Split) -> Result<Vec<usize>, FitError> {
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
    Ok(split
        .training_rows
        .iter()
        .map(|&i| cohort_of[table.cohorts[i].as_str()])
        .collect())
}

/// Fit the logistic model at `alpha`, warm-started from the caller's fit or the alpha search's winner.
fn fit_logistic(
    alpha: f64,
    alpha_search: Option<&AlphaSearch>,
    warm_start: Option<&crate::LogisticFit>,
    train: &TrainingSet,
) -> Result<crate::LogisticFit, FitError> {
    let params = FitParams::new().alpha(alpha).check()?;
    // The alpha search's winner was fitted on most of these rows at this alpha: a close start.
    let warm = warm_start.or(alpha_search.and_then(|a| a.best_fit.as_ref()));
    fit_from(&params, train.x, train.y, train.names, warm)
}

/// The config's points scaling in the fitter's terms.
fn points_scaling(scaling: &PointsScaling) -> Scaling {
    match *scaling {
        PointsScaling::MaxPoints(m) => Scaling::MaxPoints(m),
        PointsScaling::Pdo {
            pdo,
            base_score,
            base_odds,
        } => Scaling::Pdo {
            pdo,
            base_score,
            base_odds,
        },
    }
}

/// Scale the weights to integer points and measure what the rounding costs on the training rows.
fn scale_weights(
    logistic: &crate::LogisticFit,
    scaling: Scaling,
    train: &TrainingSet,
) -> Result<Scaled, FitError> {
    let coefs = logistic.coef_for_input_columns();
    let points = scale_to_points(&coefs, logistic.intercept, train.names, scaling)?;
    let cost = rounding_cost(train.x, train.y, &coefs, logistic.intercept, &points.points)
        .map_err(|e| name_separators(e, train.x, train.y, train.names))?;
    Ok(Scaled {
        coefs,
        scaling,
        points,
        cost,
    })
}

/// The fitted model before calibration and metrics: signals with their points and
/// weights, base points, caps, overrides, the fit's summary and the training set's.
fn assemble_model(
    table: &FeatureTable,
    spec: &ModelSpec,
    split: &Split,
    tool_version: &str,
    fitted: Fitted,
    train: &TrainingSet,
) -> Model {
    let Fitted {
        alpha,
        auto,
        logistic,
        scaled,
    } = fitted;
    let signals = model_signals(table, logistic, &scaled.coefs, &scaled.points);
    let overrides = overrides(spec);
    Model {
        schema_version: scorecard::SCHEMA_VERSION,
        tool_version: tool_version.to_string(),
        source: ModelSource::Fitted,
        inputs: None,
        signals,
        // A max-points score leaves the intercept out (marketers read "+100 for a demo");
        // a PDO score includes it so that the base score means the base odds.
        base_points: match scaled.scaling {
            Scaling::MaxPoints(_) => spec
                .base_points
                .unwrap_or_else(|| readable_base(&scaled.points.points, train.x)),
            Scaling::Pdo { .. } => scaled.points.base_points,
        },
        group_caps: spec
            .group_caps
            .iter()
            .map(|g| GroupCap {
                name: g.name.clone(),
                signals: g.signals.clone(),
                max_points: g.max_points,
            })
            .collect(),
        overrides,
        threshold: None,
        hot_threshold: None,
        calibration: None,
        fit: Some(fit_summary(alpha, auto, logistic, &scaled.points, train)),
        training: Some(training_summary(table, split)),
        rounding_cost: Some(scaled.cost),
        metrics: BTreeMap::new(),
        provenance: None,
    }
}

/// One signal per feature column: its points, weight, standard error and p-value
/// (None for columns the fit dropped).
fn model_signals(
    table: &FeatureTable,
    logistic: &crate::LogisticFit,
    coefs: &[f64],
    points: &crate::Points,
) -> Vec<ModelSignal> {
    let n = table.columns.len();
    let mut std_err = vec![None; n];
    let mut p_value = vec![None; n];
    for (k, &j) in logistic.columns.iter().enumerate() {
        std_err[j] = Some(logistic.std_err[k]);
        p_value[j] = Some(logistic.p_value[k]);
    }
    table
        .columns
        .iter()
        .enumerate()
        .map(|(j, c)| ModelSignal {
            name: c.name.clone(),
            axis: c.axis,
            points: points.points[j],
            coefficient: Some(coefs[j]),
            std_error: std_err[j],
            p_value: p_value[j],
            recipe: None,
        })
        .collect()
}

/// The spec's `always_mql` then `never_mql` signals as overrides.
fn overrides(spec: &ModelSpec) -> Vec<Override> {
    let mut overrides: Vec<Override> = spec
        .always_mql
        .iter()
        .map(|s| Override {
            signal: s.clone(),
            rule: OverrideRule::AlwaysMql,
        })
        .collect();
    overrides.extend(spec.never_mql.iter().map(|s| Override {
        signal: s.clone(),
        rule: OverrideRule::NeverMql,
    }));
    overrides
}

/// How the fit went: alpha and who chose it, intercept, convergence, dropped
/// columns, and the warnings screened into leakage suspects and small levels.
fn fit_summary(
    alpha: f64,
    auto: bool,
    logistic: &crate::LogisticFit,
    points: &crate::Points,
    train: &TrainingSet,
) -> scorecard::FitSummary {
    scorecard::FitSummary {
        alpha,
        alpha_chosen_by: if auto { "auto".into() } else { "config".into() },
        intercept: logistic.intercept,
        intercept_std_error: logistic.intercept_std_err,
        converged: logistic.converged,
        gradient_norm: logistic.gradient_norm,
        log_likelihood: logistic.log_likelihood,
        points_per_log_odds: points.factor,
        dropped: logistic
            .dropped
            .iter()
            .map(|d| format!("{}: {:?}", d.signal, d.reason))
            .collect(),
        warnings: grouped_separations(&logistic.warnings, train.x, train.names),
    }
}

/// (won, lost) among `rows` (every other row is open).
fn won_lost(table: &FeatureTable, rows: &[usize]) -> (usize, usize) {
    let won = rows
        .iter()
        .filter(|&&i| table.outcomes[i] == Outcome::Won)
        .count();
    (won, rows.len() - won)
}

/// What the model was trained on: cohorts, holdout, as-of date, won and lost leads.
fn training_summary(table: &FeatureTable, split: &Split) -> Training {
    let (won, lost) = won_lost(table, &split.training_rows);
    Training {
        cohorts: split.training_cohorts.clone(),
        holdout_cohorts: split.holdout_cohorts.clone(),
        not_yet_judged: split.not_yet_judged.clone(),
        as_of: table
            .as_of
            .map(|a| mqlcal_features::calendar::format_timestamp(a.at)),
        unfinished_windows: split.unfinished_windows,
        won,
        lost,
    }
}

/// The config's calibration method in the fitter's terms.
fn calibration_method(calibration: &Calibration) -> CalibrationMethod {
    match calibration {
        Calibration::Platt => CalibrationMethod::Platt,
        Calibration::Isotonic => CalibrationMethod::Isotonic,
    }
}

/// Calibrate the integer score on the training leads (refitted on the holdout with
/// `calibrate_on = "latest"`); returns the method, for the model in use today.
fn calibrate(
    model: &mut Model,
    table: &FeatureTable,
    spec: &ModelSpec,
    split: &Split,
    train: &TrainingSet,
) -> Result<CalibrationMethod, FitError> {
    let method = calibration_method(&spec.calibration);
    let train_scores = scores(model, train.x);
    model.calibration = Some(
        calibration_table(&train_scores, train.y, method)
            .map_err(|e| name_separators(e, train.x, train.y, train.names))?,
    );
    if spec.calibrate_on == mqlcal_config::CalibrateOn::Latest {
        recalibrate_on_latest(model, table, split, method)?;
    }
    Ok(method)
}

/// Metrics per set (training unless skipped, holdout) of the calibrated points
/// model, recorded in `model`; returns those of the exact logistic model.
fn measure(
    model: &mut Model,
    logistic: &crate::LogisticFit,
    table: &FeatureTable,
    split: &Split,
    skip_training_metrics: bool,
) -> Result<BTreeMap<String, Metrics>, FitError> {
    let mut exact_metrics = BTreeMap::new();
    let sets = [
        ("training", &split.training_rows),
        ("holdout", &split.holdout_rows),
    ];
    for (set, rows) in sets {
        if set == "training" && skip_training_metrics {
            continue;
        }
        let (w, l) = won_lost(table, rows);
        if w == 0 || l == 0 {
            continue;
        }
        let x = rows_matrix(table, rows);
        let y = labels(table, rows);
        let probs: Vec<f64> = scores(model, x.view())
            .iter()
            .map(|&s| {
                model
                    .calibration
                    .as_ref()
                    .map_or(f64::NAN, |c| c.probability(s))
            })
            .collect();
        model
            .metrics
            .insert(set.to_string(), mqlcal_metrics::evaluate(&probs, &y)?);
        let exact = logistic.predict_proba(x.view())?;
        exact_metrics.insert(set.to_string(), mqlcal_metrics::evaluate(&exact, &y)?);
    }
    Ok(exact_metrics)
}

/// The model in use today, if any, calibrated and measured on the same leads.
fn evaluate_current(
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

/// Below this many training leads, a signal that separates the outcomes does so
/// by chance (a small level with no wins), not by leakage.
const MIN_SEPARATION_SUPPORT: usize = 50;

/// The fit's warnings, ranked: separations with real support first, one per
/// line (leakage suspects); separations by small levels grouped into one line.
fn grouped_separations(
    warnings: &[crate::FitWarning],
    x: ArrayView2<f64>,
    names: &[String],
) -> Vec<String> {
    let support = |signal: &str| -> usize {
        names
            .iter()
            .position(|n| n == signal)
            .map_or(usize::MAX, |j| {
                x.column(j).iter().filter(|&&v| v != 0.0).count()
            })
    };
    type BySupport<'a> = Vec<(usize, &'a crate::FitWarning)>;
    let (mut strong, mut small): (BySupport, BySupport) = warnings
        .iter()
        .map(|w| (support(&w.signal), w))
        .partition(|(n, _)| *n >= MIN_SEPARATION_SUPPORT);
    strong.sort_by_key(|w| std::cmp::Reverse(w.0));
    small.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.signal.cmp(&b.1.signal)));
    let mut out: Vec<String> = strong
        .iter()
        .map(|(_, w)| format!("{}: {}", w.signal, w.reason))
        .collect();
    if !small.is_empty() {
        let listed: Vec<String> = small
            .iter()
            .take(12)
            .map(|(n, w)| format!("{} ({n} leads)", w.signal))
            .collect();
        out.push(format!(
            "{} small signals or levels (under {MIN_SEPARATION_SUPPORT} training leads each) have only wins or only losses, so they separate the outcomes by chance, not leakage: {}{}; their points rest on the penalty alone, consider pooling them into the baseline",
            small.len(),
            listed.join(", "),
            if small.len() > 12 { ", ..." } else { "" }
        ));
    }
    out
}

/// A calibration that fails because the score separates the outcomes is almost
/// always leakage: name the signals that separate won from lost on their own.
fn name_separators(
    error: FitError,
    x: ArrayView2<f64>,
    won: &[bool],
    names: &[String],
) -> FitError {
    if !matches!(
        error,
        FitError::Metrics(mqlcal_metrics::MetricsError::Separated)
    ) {
        return error;
    }
    let separators: Vec<String> = names
        .iter()
        .zip(x.columns())
        .filter_map(|(name, column)| {
            let values: Vec<f64> = column.to_vec();
            let auc = mqlcal_metrics::roc_auc(&values, won).ok()?;
            (auc.max(1.0 - auc) >= 0.99).then(|| format!("{name} (AUC {:.2})", auc.max(1.0 - auc)))
        })
        .collect();
    if separators.is_empty() {
        return error;
    }
    FitError::InvalidParams(format!(
        "{error}; on their own, {} separate won from lost leads: they are probably recorded after the outcome (leakage). Leave them out of [[signals]] (mqlcal validate lists leakage suspects)",
        separators.join(", ")
    ))
}

/// Max-points scaling's default base: just enough (a multiple of 10) that the
/// lowest score any training lead could reach is 0, so scores and thresholds
/// read as non-negative numbers; adding a constant never changes a ranking.
fn readable_base(points: &[i64], x: ArrayView2<f64>) -> i64 {
    let lowest: f64 = points
        .iter()
        .zip(x.columns())
        .map(|(&p, column)| {
            let (lo, hi) = column
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            if lo.is_finite() {
                (p as f64 * lo).min(p as f64 * hi)
            } else {
                0.0
            }
        })
        .sum();
    if lowest < 0.0 {
        ((-lowest / 10.0).ceil() * 10.0) as i64
    } else {
        0
    }
}

/// `calibrate_on = "latest"`: the score → probability map refitted on the
/// holdout (the latest mature cohort), with what that changes in words.
fn recalibrate_on_latest(
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
    let s = scores(model, x.view());
    let mean = |m: &Model| {
        s.iter()
            .map(|&v| m.calibration.as_ref().map_or(0.0, |c| c.probability(v)))
            .sum::<f64>()
            / s.len() as f64
    };
    let before = mean(model);
    model.calibration = Some(calibration_table(&s, &y, method)?);
    let after = mean(model);
    let observed = y.iter().filter(|&&w| w).count() as f64 / y.len() as f64;
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

/// Rolling-origin folds of `alpha = "auto"` when the data allows: the latest 3
/// training cohorts, each predicted from the cohorts before it.
pub const DEFAULT_ALPHA_FOLDS: usize = 3;

/// Name the signals rounding erased, put the holdout's AUCs beside the
/// training ones, and warn when the holdout loses more than `bound` of AUC.
fn record_rounding_loss(model: &mut Model, exact_metrics: &BTreeMap<String, Metrics>, bound: f64) {
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
    model.calibration = Some(calibration_table(
        &scores(model, x_train.view()),
        &y_train,
        method,
    )?);
    for (set, rows) in [
        ("training", &split.training_rows),
        ("holdout", &split.holdout_rows),
    ] {
        let y = labels(table, rows);
        if !y.iter().any(|&b| b) || y.iter().all(|&b| b) {
            continue;
        }
        let x = rows_matrix(table, rows);
        let probs: Vec<f64> = scores(model, x.view())
            .iter()
            .map(|&s| {
                model
                    .calibration
                    .as_ref()
                    .map_or(f64::NAN, |c| c.probability(s))
            })
            .collect();
        model
            .metrics
            .insert(set.to_string(), mqlcal_metrics::evaluate(&probs, &y)?);
    }
    Ok(())
}

/// The table's feature columns as (name, axis), the form a points sheet is loaded against.
pub fn scorecard_columns(table: &FeatureTable) -> Vec<(String, scorecard::Axis)> {
    table
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.axis))
        .collect()
}

/// Record in `model` how each of its signals is computed from raw data (the
/// config's recipes), so a production scorer needs nothing but the model file.
pub fn attach_recipes(model: &mut scorecard::Model, config: &mqlcal_config::Config) {
    let recipes = config.recipes();
    for signal in &mut model.signals {
        signal.recipe = recipes.iter().find(|(name, _)| name == &signal.name).map(|(_, r)| r.clone());
    }
    model.inputs = Some(config.model_inputs());
}
