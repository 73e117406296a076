//! The fit stage of the data flow: feature table + `[model]` spec → a points
//! model (scorecard) with its weights, standard errors, calibration and metrics.
//! Also evaluates a hand-made points sheet on the same leads.

use std::collections::BTreeMap;

use mqlcal_config::{AlphaSpec, ModelSpec, PointsScaling};
pub use mqlcal_features::split::{split, Split};
use mqlcal_features::{FeatureTable, Outcome};
use mqlcal_metrics::Metrics;
use mqlcal_scorecard::{
    self as scorecard, GroupCap, Model, ModelSignal, ModelSource, Override, OverrideRule, Training,
};
use ndarray::{ArrayView2, CowArray, Ix2};
use serde::Serialize;

use crate::measure::*;
use crate::separation::*;
use crate::{
    choose_alpha, default_alpha_grid, fit_from, rounding_cost, scale_to_points,
    AlphaSearch, FitError, FitParams, ParamGuard, Scaling,
};

/// These rows of the table's signals: a view when they are one run, as a split's and a
/// fold's are (ingest sorts the leads by creation), else a copy.
pub(crate) fn rows_matrix<'t>(table: &'t FeatureTable, rows: &[usize]) -> CowArray<'t, f64, Ix2> {
    rows_of(table.matrix.view(), rows)
}

/// These rows (ascending) of `x`: a view when they are one run, else a copy.
pub(crate) fn rows_of<'x>(x: ArrayView2<'x, f64>, rows: &[usize]) -> CowArray<'x, f64, Ix2> {
    match (rows.first(), rows.last()) {
        (Some(&first), Some(&last)) if last - first + 1 == rows.len() => CowArray::from(x.slice_move(ndarray::s![first..=last, ..])),
        _ => CowArray::from(x.select(ndarray::Axis(0), rows)),
    }
}

pub(crate) fn labels(table: &FeatureTable, rows: &[usize]) -> Vec<bool> {
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

/// `score(row)` of every row of `x`, rows on every core, in row order; or, when a value in
/// one of `columns` is not finite, the first such cell in row order: (row, position in
/// `columns`, value). Scoring a fit's rows (exact or rounded) reads its columns this way.
pub(crate) fn score_finite_rows<T: Send>(
    x: ArrayView2<f64>,
    columns: &[usize],
    score: impl Fn(ndarray::ArrayView1<f64>) -> T + Sync,
) -> Result<Vec<T>, (usize, usize, f64)> {
    use rayon::prelude::*;
    let scored: Vec<Option<T>> = (0..x.nrows())
        .into_par_iter()
        .map(|r| {
            let row = x.row(r);
            columns.iter().all(|&j| row[j].is_finite()).then(|| score(row))
        })
        .collect();
    if let Some(r) = scored.iter().position(Option::is_none) {
        let row = x.row(r);
        if let Some((k, &j)) = columns.iter().enumerate().find(|(_, &j)| !row[j].is_finite()) {
            return Err((r, k, row[j]));
        }
    }
    Ok(scored.into_iter().flatten().collect())
}

/// Integer score of every row of `x` under `model` (caps and base included).
pub fn scores(model: &Model, x: ArrayView2<f64>) -> Vec<f64> {
    use rayon::prelude::*;
    let scorer = model.scorer();
    (0..x.nrows())
        .into_par_iter()
        .map(|i| {
            let row = x.row(i);
            match row.as_slice() {
                Some(values) => scorer.points(values).total as f64,
                None => scorer.points(&row.to_vec()).total as f64,
            }
        })
        .collect()
}

/// What [`fit_model_with`] is given beside the table and the spec: the split and the
/// model in use today when the caller has them, and how it may cut work.
#[derive(Debug, Clone, Copy, Default)]
pub struct FitOptions<'a> {
    /// Start Newton from this fit (same signals, similar rows) instead of L-BFGS.
    pub warm_start: Option<&'a crate::LogisticFit>,
    /// The caller reads only the points model and its holdout metrics (the walk-forward):
    /// the training set's metrics, what rounding to points costs there
    /// (`Model::rounding_cost` is None), the standard errors (NaN) and the exact model's
    /// metrics ([`FitReport::exact_metrics`] empty) are left out. The points are the same.
    pub holdout_points_only: bool,
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
    let w_train = table.weights_of(&split.training_rows);
    let train = TrainingSet {
        x: x_train.view(),
        y: &y_train,
        w: w_train.as_deref(),
        names: &names,
    };

    let (alpha, alpha_search) = pick_alpha(table, spec, split, &train)?;
    let logistic = fit_logistic(alpha, alpha_search.as_ref(), options.warm_start, !options.holdout_points_only, &train)?;
    let scaled = scale_weights(&logistic, points_scaling(&spec.scaling), &train, !options.holdout_points_only)?;
    let fitted = Fitted {
        alpha,
        auto: alpha_search.is_some(),
        logistic: &logistic,
        scaled,
    };
    let mut model = assemble_model(table, spec, split, tool_version, fitted, &train);
    // What a written model file holds for scoring: not for a walk-forward refit's.
    if let (false, Some(training)) = (options.holdout_points_only, model.training.as_mut()) {
        let shares = nonzero_shares(table, &train);
        (training.level_shares, training.nonzero_shares) = shares.into_iter().partition(|(name, _)| table.columns.iter().any(|c| &c.name == name && c.level.is_some()));
    }
    let (method, training_scores) = calibrate(&mut model, table, spec, split, &train)?;
    // The model in use today is measured while the new one is: neither reads the other.
    let (exact_metrics, current) = rayon::join(
        || measure(&mut model, &logistic, table, split, options.holdout_points_only, &training_scores),
        || evaluate_current(options.current, table, split, method),
    );
    let exact_metrics = exact_metrics?;
    record_rounding_loss(&mut model, &exact_metrics, spec.max_rounding_loss);
    let current = current?;
    Ok(FitReport {
        model,
        logistic,
        alpha_search,
        exact_metrics,
        current,
    })
}

/// Rolling-origin folds of `alpha = "auto"` when the data allows: the latest 3
/// training cohorts, each predicted from the cohorts before it.
pub const DEFAULT_ALPHA_FOLDS: usize = 3;

/// The training rows of a fit: features, outcomes (won = true) and column names.
pub(crate) struct TrainingSet<'a> {
    pub(crate) x: ArrayView2<'a, f64>,
    pub(crate) y: &'a [bool],
    /// Leads each row stands for (a grouped table); None: one each.
    pub(crate) w: Option<&'a [f64]>,
    pub(crate) names: &'a [String],
}

/// The logistic weights rescaled to integer points, with what rounding costs.
pub(crate) struct Scaled {
    coefs: Vec<f64>,
    scaling: Scaling,
    points: crate::Points,
    /// None when not asked for.
    cost: Option<crate::RoundingCost>,
}

/// What the fit produced, for [`assemble_model`].
pub(crate) struct Fitted<'a> {
    alpha: f64,
    /// Alpha was chosen by `alpha = "auto"` (else set in the config).
    auto: bool,
    logistic: &'a crate::LogisticFit,
    scaled: Scaled,
}

/// Choose alpha: the spec's number, or `alpha = "auto"`'s rolling-origin search over the training cohorts.
pub(crate) fn pick_alpha(
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
                train.w,
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
pub(crate) fn training_cohort_index(table: &FeatureTable, split: &Split) -> Result<Vec<usize>, FitError> {
    if split.training_cohorts.len() < 2 {
        return Err(FitError::InvalidParams(if table.undated() {
            "alpha = \"auto\" chooses the penalty on a later cohort than it fits on, and the leads have no creation dates: every lead is in one cohort (\"all\"). Set [columns] created_at, or [model] alpha to a number, e.g. 1".to_string()
        } else {
            format!(
                "alpha = \"auto\" needs at least 2 training cohorts (fit on the earlier, validate on the latest); there is {}. Set [model] alpha to a number, e.g. 1",
                split.training_cohorts.len()
            )
        }));
    }
    let index = table.cohort_index();
    let position: Vec<Option<usize>> = index.labels.iter().map(|label| split.training_cohorts.iter().position(|c| c == label)).collect();
    split
        .training_rows
        .iter()
        .map(|&i| {
            position[index.of_row[i] as usize]
                .ok_or_else(|| FitError::Shape(format!("training row {i} is in {}, not a training cohort", index.labels[index.of_row[i] as usize])))
        })
        .collect()
}

/// Fit the logistic model at `alpha`, warm-started from the caller's fit or the alpha search's winner.
pub(crate) fn fit_logistic(
    alpha: f64,
    alpha_search: Option<&AlphaSearch>,
    warm_start: Option<&crate::LogisticFit>,
    standard_errors: bool,
    train: &TrainingSet,
) -> Result<crate::LogisticFit, FitError> {
    let params = FitParams::new().alpha(alpha).standard_errors(standard_errors).check()?;
    // The alpha search's winner was fitted on most of these rows at this alpha: a close start.
    let warm = warm_start.or(alpha_search.and_then(|a| a.best_fit.as_ref()));
    fit_from(&params, train.x, train.y, train.w, train.names, warm)
}

/// The config's points scaling in the fitter's terms.
pub(crate) fn points_scaling(scaling: &PointsScaling) -> Scaling {
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

/// Scale the weights to integer points and, when `with_cost`, measure what the rounding
/// costs on the training rows.
pub(crate) fn scale_weights(
    logistic: &crate::LogisticFit,
    scaling: Scaling,
    train: &TrainingSet,
    with_cost: bool,
) -> Result<Scaled, FitError> {
    let coefs = logistic.coef_for_input_columns();
    let points = scale_to_points(&coefs, logistic.intercept, train.names, scaling)?;
    let cost = with_cost
        .then(|| {
            rounding_cost(train.x, train.y, train.w, &coefs, logistic.intercept, &points.points)
                .map_err(|e| name_separators(e, train.x, train.y, train.names))
        })
        .transpose()?;
    Ok(Scaled {
        coefs,
        scaling,
        points,
        cost,
    })
}

/// The fitted model before calibration and metrics: signals with their points and
/// weights, base points, caps, overrides, the fit's summary and the training set's.
pub(crate) fn assemble_model(
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
        rule: None,
        calibration: None,
        fit: Some(fit_summary(alpha, auto, logistic, &scaled.points, train)),
        training: Some(training_summary(table, split)),
        rounding_cost: scaled.cost,
        metrics: BTreeMap::new(),
        provenance: None,
    }
}

/// One signal per feature column: its points, weight, standard error and p-value
/// (None for columns the fit dropped).
pub(crate) fn model_signals(
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
pub(crate) fn overrides(spec: &ModelSpec) -> Vec<Override> {
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
pub(crate) fn fit_summary(
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

/// (won, lost) leads among `rows` (every other row is open).
pub(crate) fn won_lost(table: &FeatureTable, rows: &[usize]) -> (usize, usize) {
    let won: Vec<usize> = rows.iter().copied().filter(|&i| table.outcomes[i] == Outcome::Won).collect();
    let won = table.leads_in(&won) as usize;
    (won, table.leads_in(rows) as usize - won)
}

/// What the model was trained on: cohorts, holdout, as-of date, won and lost leads.
pub(crate) fn training_summary(table: &FeatureTable, split: &Split) -> Training {
    let (won, lost) = won_lost(table, &split.training_rows);
    Training {
        cohorts: split.training_cohorts.clone(),
        holdout_cohorts: split.holdout_cohorts.clone(),
        not_yet_judged: split.not_yet_judged.clone(),
        before_window: split.before_window.clone(),
        as_of: table
            .as_of
            .map(|a| mqlcal_features::calendar::format_timestamp(a.at)),
        unfinished_windows: split.unfinished_windows,
        windows_end_at_decision: None,
        won,
        lost,
        level_shares: BTreeMap::new(),
        nonzero_shares: BTreeMap::new(),
    }
}

/// Per column, the share of the training leads whose value is not 0, to 4 decimals: of a
/// level or bin column, the leads that had it (`training.level_shares`); of another, the
/// leads an events signal counted an event for, or a number or flag is not 0 for
/// (`training.nonzero_shares`).
fn nonzero_shares(table: &FeatureTable, train: &TrainingSet) -> BTreeMap<String, f64> {
    // One pass over the training rows (row-major); a grouped row counts its leads.
    let (mut had, mut leads) = (vec![0.0f64; table.columns.len()], 0.0f64);
    for (k, row) in train.x.rows().into_iter().enumerate() {
        let weight = train.w.map_or(1.0, |w| w[k]);
        leads += weight;
        for (count, &value) in had.iter_mut().zip(row) {
            if value != 0.0 {
                *count += weight;
            }
        }
    }
    if leads == 0.0 {
        return BTreeMap::new();
    }
    table.columns.iter().zip(had).map(|(column, n)| (column.name.clone(), (n / leads * 1e4).round() / 1e4)).collect()
}

/// Max-points scaling's default base: just enough (a multiple of 10) that the
/// lowest score any training lead could reach is 0, so scores and thresholds
/// read as non-negative numbers; adding a constant never changes a ranking.
pub(crate) fn readable_base(points: &[i64], x: ArrayView2<f64>) -> i64 {
    // Each column's range in one pass over the rows (a pass per column would read the
    // whole row-major matrix once per column); each column still sees its rows in order.
    let (mut lo, mut hi) = (vec![f64::INFINITY; x.ncols()], vec![f64::NEG_INFINITY; x.ncols()]);
    for row in x.rows() {
        for ((lo, hi), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(row) {
            (*lo, *hi) = (lo.min(v), hi.max(v));
        }
    }
    let lowest: f64 = points
        .iter()
        .zip(lo.iter().zip(&hi))
        .map(|(&p, (&lo, &hi))| if lo.is_finite() { (p as f64 * lo).min(p as f64 * hi) } else { 0.0 })
        .sum();
    if lowest < 0.0 {
        ((-lowest / 10.0).ceil() * 10.0) as i64
    } else {
        0
    }
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
/// config's recipes), so a production scorer needs nothing but the model file, and
/// whether training's windows ended at decisions (which scoring a new lead has not had).
pub fn attach_recipes(model: &mut scorecard::Model, config: &mqlcal_config::Config) {
    let recipes = config.recipes();
    for signal in &mut model.signals {
        signal.recipe = recipes.iter().find(|(name, _)| name == &signal.name).map(|(_, r)| r.clone());
    }
    model.inputs = Some(config.model_inputs());
    model.schema_version = model.schema_version.max(model.needed_schema_version());
    if let Some(training) = &mut model.training {
        training.windows_end_at_decision = config.decided_at.as_ref().map(|d| d.column.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_base_is_what_a_pass_per_column_gives() {
        let x = ndarray::arr2(&[[0.0, -2.0, f64::NAN, 1.0], [3.0, 0.5, f64::NAN, -0.0], [1.0, -4.0, f64::NAN, 0.0]]);
        let per_column = |points: &[i64]| -> i64 {
            let lowest: f64 = points
                .iter()
                .zip(x.columns())
                .map(|(&p, c)| {
                    let (lo, hi) = c.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                    if lo.is_finite() { (p as f64 * lo).min(p as f64 * hi) } else { 0.0 }
                })
                .sum();
            if lowest < 0.0 { ((-lowest / 10.0).ceil() * 10.0) as i64 } else { 0 }
        };
        for points in [[10, 7, 3, -5], [-10, -7, 0, 5], [0, 25, 1, 1]] {
            assert_eq!(readable_base(&points, x.view()), per_column(&points), "{points:?}");
        }
        assert_eq!(readable_base(&[10, 7, 3, -5], x.view()), 40);
    }
}
