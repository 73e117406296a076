//! `alpha = auto`: pick the penalty that predicts the latest cohort best (out of time, not in sample).

use mqlcal_metrics::log_loss;
use ndarray::{ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::FitError;
use crate::logistic::{fit_from, FitParams, ValidFitParams};
use linfa::ParamGuard;

/// One grid point of the alpha search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaScore {
    /// Penalty tried.
    pub alpha: f64,
    /// Mean log loss on the validation cohort; `None` when the fit failed.
    pub validation_log_loss: Option<f64>,
    /// Why the fit failed, if it did.
    pub error: Option<String>,
}

/// Result of the alpha search: the winner and the whole grid, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaSearch {
    /// Alpha with the lowest validation log loss (ties go to the larger, simpler alpha).
    pub best_alpha: f64,
    /// Cohort used for validation (the latest training cohort).
    pub validation_cohort: usize,
    /// Rows fitted / validated.
    pub n_train: usize,
    /// Rows in the validation cohort.
    pub n_validation: usize,
    /// Every alpha tried, in grid order.
    pub grid: Vec<AlphaScore>,
    /// The fit at `best_alpha` (on the rows before the validation cohort): a warm start.
    #[serde(skip)]
    pub best_fit: Option<crate::LogisticFit>,
}

/// Default log-spaced grid 0.01 … 1000 (13 points, 2.4 points per decade).
pub fn default_alpha_grid() -> Vec<f64> {
    (0..13).map(|k| 10f64.powf(-2.0 + 5.0 * k as f64 / 12.0)).collect()
}

/// Fit each alpha on all cohorts before the latest one and score log loss on the latest.
///
/// `cohort_index[i]` orders lead i's cohort (larger = later). `base` supplies every setting
/// except alpha. Refit on all cohorts with `best_alpha` afterwards.
pub fn choose_alpha(
    grid: &[f64],
    x: ArrayView2<f64>,
    won: &[bool],
    cohort_index: &[usize],
    names: &[String],
    base: &ValidFitParams,
) -> Result<AlphaSearch, FitError> {
    if grid.is_empty() {
        return Err(FitError::InvalidParams("alpha grid is empty".into()));
    }
    if cohort_index.len() != won.len() || x.nrows() != won.len() {
        return Err(FitError::Shape(format!(
            "{} rows, {} outcomes and {} cohort indices must agree",
            x.nrows(),
            won.len(),
            cohort_index.len()
        )));
    }
    let latest = match cohort_index.iter().max() {
        Some(&c) => c,
        None => return Err(FitError::Shape("no rows".into())),
    };
    let train: Vec<usize> = (0..won.len()).filter(|&i| cohort_index[i] < latest).collect();
    let valid: Vec<usize> = (0..won.len()).filter(|&i| cohort_index[i] == latest).collect();
    if train.is_empty() {
        return Err(FitError::Shape(
            "choosing alpha needs at least two cohorts (fit on earlier ones, validate on the latest)".into(),
        ));
    }
    let x_train = x.select(Axis(0), &train);
    let won_train: Vec<bool> = train.iter().map(|&i| won[i]).collect();
    let x_valid = x.select(Axis(0), &valid);
    let won_valid: Vec<bool> = valid.iter().map(|&i| won[i]).collect();

    // From the largest alpha (the simplest model) down, each fit starts from the previous
    // one's weights: a few Newton steps each instead of a cold start. Each fit runs its
    // passes over the rows on all cores; results are stored in grid order.
    let mut order: Vec<usize> = (0..grid.len()).collect();
    order.sort_by(|&a, &b| grid[b].total_cmp(&grid[a]));
    let mut scores: Vec<Option<AlphaScore>> = vec![None; grid.len()];
    let mut previous: Option<crate::LogisticFit> = None;
    let mut fits: Vec<Option<crate::LogisticFit>> = vec![None; grid.len()];
    for k in order {
        let alpha = grid[k];
        let fitted = FitParams::from_valid(base.clone())
            .alpha(alpha)
            .check()
            .and_then(|p| fit_from(&p, x_train.view(), &won_train, names, previous.as_ref()));
        let result = fitted.and_then(|m| {
            let ll = m.predict_proba(x_valid.view()).and_then(|p| Ok(log_loss(&p, &won_valid)?));
            previous = Some(m);
            ll
        });
        if result.is_ok() {
            fits[k] = previous.clone();
        }
        scores[k] = Some(match result {
            Ok(ll) => AlphaScore { alpha, validation_log_loss: Some(ll), error: None },
            Err(e) => AlphaScore { alpha, validation_log_loss: None, error: Some(e.to_string()) },
        });
    }
    let scores: Vec<AlphaScore> = scores.into_iter().flatten().collect();
    let mut best: Option<(f64, f64)> = None;
    let mut best_index = None;
    for (k, s) in scores.iter().enumerate() {
        if let Some(ll) = s.validation_log_loss {
            let better = match best {
                None => true,
                Some((ba, bl)) => ll < bl || (ll == bl && s.alpha > ba),
            };
            if better {
                best = Some((s.alpha, ll));
                best_index = Some(k);
            }
        }
    }
    match best {
        Some((best_alpha, _)) => Ok(AlphaSearch {
            best_alpha,
            validation_cohort: latest,
            n_train: train.len(),
            n_validation: valid.len(),
            grid: scores,
            best_fit: best_index.and_then(|k| fits[k].take()),
        }),
        None => Err(scores
            .iter()
            .find_map(|s| s.error.clone())
            .map(|e| FitError::Solver(format!("every alpha on the grid failed; first error: {e}")))
            .unwrap_or_else(|| FitError::Solver("every alpha on the grid failed".into()))),
    }
}
