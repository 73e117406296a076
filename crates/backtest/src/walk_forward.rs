//! Walk-forward: for each cohort after the first few, refit on all earlier
//! cohorts (the latest `[model] training_cohorts` of them with a training window)
//! and test on it, as if each quarter had been recalibrated in turn.
//! Also replays the threshold chosen on the previous cohort on the next one:
//! does a threshold picked today still hold next quarter?

use mqlcal_config::{AlphaSpec, ModelSpec, TwoAxisSpec};
use mqlcal_scorecard::TwoAxisRule;
use mqlcal_features::split::split_among_of;
use mqlcal_features::{CohortIndex, CohortMaturity, FeatureTable};
use mqlcal_fit::{fit_model_with, FitOptions, LogisticFit};
use rayon::prelude::*;
use serde::Serialize;

use crate::recommend::recommend;
use crate::scored::{judged_rows_of, Route};
use crate::sweep::{row_of, sweep_months, Constraints};
use crate::BacktestError;

/// One step: fitted on `training_from ..= training_to`, tested on `cohort`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WalkForwardStep {
    pub cohort: String,
    pub training_from: String,
    pub training_to: String,
    pub training_cohorts: usize,
    pub leads: u64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    /// ROC AUC on the tested cohort's decided leads (None when it lacks an outcome).
    pub auc: Option<f64>,
    pub calibration_slope: Option<f64>,
    pub calibration_intercept: Option<f64>,
    /// The rule applied to this cohort (hindsight: the best threshold for it).
    pub recommended_threshold: i64,
    pub feasible: bool,
    pub mqls_per_month: f64,
    pub conversion: Option<f64>,
    /// The rule applied to the previous cohort with this step's model, replayed here.
    pub carried_threshold: i64,
    pub carried_mqls_per_month: f64,
    pub carried_conversion: Option<f64>,
    pub carried_within_capacity: bool,
    pub carried_within_band: Option<bool>,
    /// The two-axis rule's step (`[rule] kind = "two_axis"` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_axis: Option<crate::two_axis::TwoAxisStep>,
}

/// Tables at least this long run their steps two at a time: a refit of a large table
/// holds its training rows (a copy when open leads lie among them), and steps all at
/// once on every core would hold as many as were started. Two at a time, the 1M
/// benchmark's backtest stage (four steps) took 1.95 s against 2.45 s one at a time
/// (medians of four, alternating), at the same peak memory. Smaller tables run every
/// step at once (41k leads: 17 % less time than one at a time). The steps are the
/// same either way.
const TWO_STEPS_AT_A_TIME_FROM_ROWS: usize = 250_000;

/// Run every step; `cohorts` are the usable cohorts in time order.
/// `warm_start` (the main fit, at the same alpha) speeds up each refit; it does not change it.
#[allow(clippy::too_many_arguments)]
pub fn walk_forward(
    table: &FeatureTable,
    cohorts: &[String],
    model_spec: &ModelSpec,
    alpha: f64,
    min_training: usize,
    c: &Constraints,
    tool_version: &str,
    warm_start: Option<&LogisticFit>,
    two_axis: Option<&TwoAxisSpec>,
) -> Result<Vec<WalkForwardStep>, BacktestError> {
    if cohorts.len() < min_training + 1 {
        return Err(BacktestError::TooFewCohorts {
            need: min_training + 1,
            training: min_training,
            have: cohorts.len(),
            labels: cohorts.join(", "),
        });
    }
    let spec = ModelSpec { alpha: AlphaSpec::Fixed(alpha), holdout_cohorts: Some(1), current: None, ..model_spec.clone() };
    // The table's cohorts numbered and their readiness, once for every step.
    let index = table.cohort_index();
    let cohorts_of_table = Cohorts { maturity: table.cohort_maturity_of(&index, spec.min_decided_share), index };
    let run = |k: usize| step(table, &cohorts_of_table, &cohorts[..=k], &spec, c, tool_version, warm_start, two_axis);
    if table.len() >= TWO_STEPS_AT_A_TIME_FROM_ROWS {
        two_at_a_time(min_training..cohorts.len(), run).into_iter().collect()
    } else {
        (min_training..cohorts.len()).into_par_iter().map(run).collect()
    }
}

/// `run` of every step, in order, two steps at a time. A join starts no third step: a
/// core waiting inside one step's refit takes work from the other's only.
fn two_at_a_time<T: Send>(steps: std::ops::Range<usize>, run: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let steps: Vec<usize> = steps.collect();
    let mut done = Vec::with_capacity(steps.len());
    for pair in steps.chunks(2) {
        // The last pair may be one step.
        let (first, second) = rayon::join(|| run(pair[0]), || pair.get(1).map(|&k| run(k)));
        done.push(first);
        done.extend(second);
        // Each pair's refits hold more rows than the last's: what these freed is handed
        // back rather than kept beside them.
        mqlcal_features::memory::return_freed();
    }
    done
}

/// The table's cohorts as every step reads them: numbered, and each one's readiness.
struct Cohorts {
    index: CohortIndex,
    maturity: Vec<CohortMaturity>,
}

#[allow(clippy::too_many_arguments)]
fn step(
    table: &FeatureTable,
    of_table: &Cohorts,
    cohorts: &[String],
    spec: &ModelSpec,
    c: &Constraints,
    tool_version: &str,
    warm_start: Option<&LogisticFit>,
    two_axis: Option<&TwoAxisSpec>,
) -> Result<WalkForwardStep, BacktestError> {
    let tested = cohorts[cohorts.len() - 1].clone();
    let previous = cohorts[cohorts.len() - 2].clone();
    let fit_error = |source| BacktestError::WalkForwardFit { cohort: tested.clone(), source };
    // The refit reads these cohorts' rows where they lie in the table.
    let split = split_among_of(table, &of_table.index, &of_table.maturity, spec, cohorts).map_err(|e| fit_error(e.into()))?;
    // Only the points and the tested cohort's metrics are read; the main fit is a close start for Newton.
    let options = FitOptions { warm_start, holdout_points_only: true, split: Some(&split), ..FitOptions::default() };
    let report = fit_model_with(table, spec, tool_version, &options).map_err(fit_error)?;
    let model = &report.model;
    let holdout_metrics = model.metrics.get("holdout");

    let measure = |label: &String| -> Result<_, BacktestError> {
        let judged = judged_rows_of(table, &of_table.index, std::slice::from_ref(label), &[]);
        let months = judged.month_count();
        let leads = judged.score(model, table, "walk-forward model")?;
        let (_, sweep_rows) = sweep_months(&leads, &judged.months, c);
        let overrides = leads.counts(|i| leads.route[i] == Route::Always).iter().sum::<u64>() as f64 / months as f64;
        let rec = recommend(&sweep_rows, c, overrides);
        let pair = two_axis.and_then(|spec| crate::two_axis::pick(spec, &leads, &judged.months, c));
        Ok((leads, judged.months, sweep_rows, rec, pair))
    };
    let (leads, months, rows, rec, pair) = measure(&tested)?;
    let (_, _, _, previous_rec, previous_pair) = measure(&previous)?;
    let totals = leads.counts(|_| true);
    let carried = row_of(&leads, &months, previous_rec.threshold, c, |i| leads.is_mql(i, previous_rec.threshold));
    let chosen = &rows[rec.row];
    let two_axis = two_axis.zip(pair).zip(previous_pair).map(|((spec, (now, feasible)), (before, _))| {
        let rule = TwoAxisRule { fit_min: before.fit_min, engagement_min: before.engagement_min, grades: spec.grades.clone() };
        let carried = row_of(&leads, &months, 0, c, |i| leads.is_mql_two_axis(i, &rule));
        crate::two_axis::TwoAxisStep {
            fit_min: now.fit_min,
            engagement_min: now.engagement_min,
            feasible,
            mqls_per_month: now.mqls_per_month,
            conversion: now.outcomes.conversion,
            carried_fit_min: before.fit_min,
            carried_engagement_min: before.engagement_min,
            carried_mqls_per_month: carried.mqls_per_month,
            carried_conversion: carried.outcomes.conversion,
            carried_within_capacity: carried.within_capacity,
            carried_within_band: carried.within_band,
        }
    });
    Ok(WalkForwardStep {
        cohort: tested,
        training_from: split.training_cohorts.first().cloned().unwrap_or_default(),
        training_to: previous,
        training_cohorts: split.training_cohorts.len(),
        leads: totals.iter().sum(),
        won: totals[0],
        lost: totals[1],
        open: totals[2],
        auc: holdout_metrics.map(|m| m.roc_auc),
        calibration_slope: holdout_metrics.and_then(|m| m.calibration_intercept_slope.as_ref()).map(|l| l.slope),
        calibration_intercept: holdout_metrics.and_then(|m| m.calibration_intercept_slope.as_ref()).map(|l| l.intercept),
        recommended_threshold: rec.threshold,
        feasible: rec.feasible,
        mqls_per_month: chosen.mqls_per_month,
        conversion: chosen.outcomes.conversion,
        carried_threshold: previous_rec.threshold,
        carried_mqls_per_month: carried.mqls_per_month,
        carried_conversion: carried.outcomes.conversion,
        carried_within_capacity: carried.within_capacity,
        carried_within_band: carried.within_band,
        two_axis,
    })
}

#[cfg(test)]
mod tests {
    use super::two_at_a_time;

    #[test]
    fn two_at_a_time_runs_every_step_once_in_order() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for (from, to) in [(3, 3), (3, 4), (3, 7), (3, 8), (0, 23)] {
            let ran = std::sync::Mutex::new(Vec::new());
            let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let done = two_at_a_time(from..to, |k| {
                most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                // Each step itself works on every core, as a refit does.
                let inner: usize = rayon::iter::ParallelIterator::sum(rayon::iter::IntoParallelIterator::into_par_iter(0..10_000usize));
                ran.lock().unwrap().push(k);
                running.fetch_sub(1, Ordering::SeqCst);
                k * 10 + inner % 10
            });
            assert!(most.load(Ordering::SeqCst) <= 2, "{} steps at once", most.load(Ordering::SeqCst));
            assert_eq!(done, (from..to).map(|k| k * 10).collect::<Vec<_>>());
            let mut ran = ran.into_inner().unwrap();
            ran.sort_unstable();
            assert_eq!(ran, (from..to).collect::<Vec<_>>(), "each step once");
        }
    }
}
