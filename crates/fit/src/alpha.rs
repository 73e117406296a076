//! `alpha = auto`: pick the penalty that predicts the latest cohort best (out of time, not in sample).

use mqlcal_metrics::{log_loss, log_loss_weighted};
use ndarray::{ArrayView2, CowArray, Ix2};
use rayon::prelude::*;
use std::sync::OnceLock;
use serde::{Deserialize, Serialize};

use crate::error::FitError;
use crate::model::rows_of;
use crate::logistic::{fit_from, fit_prepared, FitParams, Prepared, ValidFitParams};
use linfa::ParamGuard;

/// One grid point of the alpha search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaScore {
    /// Penalty tried.
    pub alpha: f64,
    /// Mean over the folds of the mean log loss on each fold's validation cohort; `None` when a fit failed.
    pub validation_log_loss: Option<f64>,
    /// Each fold's mean validation log loss, in fold order (oldest validation cohort first).
    pub fold_log_loss: Vec<Option<f64>>,
    /// Why a fit failed, if one did.
    pub error: Option<String>,
}

/// One rolling-origin fold: fit on every cohort before `validation_cohort`, score it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaFold {
    pub validation_cohort: usize,
    /// Leads fitted on and validated on.
    pub n_train: usize,
    pub n_validation: usize,
}

/// Result of the alpha search: the winner, every fold's score per alpha, and what the choice rested on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaSearch {
    /// Alpha with the lowest mean validation log loss over the folds (ties go to the larger, simpler alpha).
    pub best_alpha: f64,
    /// The folds, oldest validation cohort first (the last one validates on the latest training cohort).
    pub folds: Vec<AlphaFold>,
    /// Every alpha tried, ascending (the grid, widened when the winner sat at an edge).
    pub grid: Vec<AlphaScore>,
    /// The winner is still at an edge of the widened grid: the data cannot locate the penalty.
    pub at_grid_edge: bool,
    /// In words: how many folds, the winner, the runner-up's margin, edges.
    pub note: String,
    /// The fit at `best_alpha` of the last fold (all training cohorts but the latest): a warm start.
    #[serde(skip)]
    pub best_fit: Option<crate::LogisticFit>,
}

/// Default log-spaced grid 0.01 … 1000 (13 points, 2.4 points per decade).
pub fn default_alpha_grid() -> Vec<f64> {
    (0..13)
        .map(|k| 10f64.powf(-2.0 + 5.0 * k as f64 / 12.0))
        .collect()
}

/// How far the grid is widened, at most, when the winner sits at an edge (grid steps).
const MAX_WIDENING: usize = 4;

/// One fold's path along `alphas` (descending, each fit warm-started from the
/// previous): mean validation log loss per alpha, or the error. `prepared` holds the
/// fold's screened and centred training rows: they do not depend on a positive alpha,
/// so they are made once per fold, for the grid and for every widening step.
fn fold_path(
    alphas: &[f64],
    train: (ArrayView2<f64>, &[bool], Option<&[f64]>),
    valid: (ArrayView2<f64>, &[bool], Option<&[f64]>),
    names: &[String],
    base: &ValidFitParams,
    prepared: &OnceLock<Result<Prepared, FitError>>,
) -> Vec<(Result<f64, String>, Option<crate::LogisticFit>)> {
    let mut previous: Option<crate::LogisticFit> = None;
    alphas
        .iter()
        .map(|&alpha| {
            // The search only predicts with its fits: no standard errors (one Hessian less each).
            let fitted = FitParams::from_valid(base.clone()).alpha(alpha).standard_errors(false).check().and_then(|p| {
                if alpha == 0.0 {
                    return fit_from(&p, train.0, train.1, train.2, names, previous.as_ref());
                }
                match prepared.get_or_init(|| Prepared::new(&p, train.0, train.1, train.2, names)) {
                    Ok(ready) => fit_prepared(&p, ready, train.0, train.1, train.2, previous.as_ref()),
                    Err(e) => Err(e.clone()),
                }
            });
            match fitted.and_then(|m| {
                m.predict_proba(valid.0)
                    .and_then(|p| Ok(match valid.2 {
                        None => log_loss(&p, valid.1)?,
                        Some(w) => log_loss_weighted(&p, valid.1, w)?,
                    }))
                    .map(|ll| (ll, m))
            }) {
                Ok((ll, m)) => {
                    previous = Some(m.clone());
                    (Ok(ll), Some(m))
                }
                Err(e) => (Err(e.to_string()), None),
            }
        })
        .collect()
}

/// Rolling-origin choice of alpha: each of the last `folds` cohorts is predicted
/// from all cohorts before it, for every alpha; the winner has the lowest mean
/// validation log loss over the folds. When it sits at an edge of the grid, the
/// grid is widened (up to four more steps) and the search said so.
///
/// `cohort_index[i]` orders lead i's cohort (larger = later). `base` supplies every setting
/// except alpha. `weights[i]`, when given, is how many leads row i stands for. Refit on all
/// cohorts with `best_alpha` afterwards.
#[allow(clippy::too_many_arguments)]
pub fn choose_alpha(
    grid: &[f64],
    x: ArrayView2<f64>,
    won: &[bool],
    weights: Option<&[f64]>,
    cohort_index: &[usize],
    names: &[String],
    base: &ValidFitParams,
    folds: usize,
) -> Result<AlphaSearch, FitError> {
    let cohorts = distinct_cohorts(grid, x, won, cohort_index, folds)?;
    let data = fold_data(&cohorts[cohorts.len() - folds..], x, won, weights, cohort_index);

    // Scores per alpha: fold paths run from the largest alpha (the simplest model) down.
    let mut alphas: Vec<f64> = grid.to_vec();
    alphas.sort_by(|a, b| a.total_cmp(b));
    let step = grid_step(&alphas);
    let mut scores: Vec<AlphaScore> = Vec::new();
    let mut last_fold_fits: Vec<Option<crate::LogisticFit>> = Vec::new();
    let search = Search {
        data: &data,
        names,
        base,
    };
    search.run(&alphas, &mut scores, &mut last_fold_fits);
    let widened = search.widen(step, &mut scores, &mut last_fold_fits);
    let (scores, mut fits) = by_alpha(&scores, last_fold_fits);
    let Some(best) = best_of(&scores) else {
        return Err(all_failed(&scores));
    };
    let at_grid_edge = best == 0 || best + 1 == scores.len();
    let note = search_note(&scores, best, folds, widened, at_grid_edge);
    Ok(AlphaSearch {
        best_alpha: scores[best].alpha,
        folds: data.into_iter().map(|d| d.fold).collect(),
        grid: scores,
        at_grid_edge,
        note,
        best_fit: fits[best].take(),
    })
}

/// Check the search's inputs; returns the distinct cohort indices, ascending.
fn distinct_cohorts(
    grid: &[f64],
    x: ArrayView2<f64>,
    won: &[bool],
    cohort_index: &[usize],
    folds: usize,
) -> Result<Vec<usize>, FitError> {
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
    let mut cohorts: Vec<usize> = cohort_index.to_vec();
    cohorts.sort_unstable();
    cohorts.dedup();
    if cohorts.len() < 2 {
        return Err(FitError::Shape(
            "choosing alpha needs at least two cohorts (fit on earlier ones, validate on a later one)".into(),
        ));
    }
    if folds == 0 || folds >= cohorts.len() {
        return Err(FitError::InvalidParams(format!(
            "[model] alpha_folds = {folds}: expected 1 to {} (each fold validates on one of the latest training cohorts, fitted on the cohorts before it; there are {} training cohorts)",
            cohorts.len() - 1,
            cohorts.len()
        )));
    }
    Ok(cohorts)
}

/// One fold's rows: fitted on every cohort before its validation cohort, scored on that cohort.
struct FoldData<'x> {
    fold: AlphaFold,
    x_train: CowArray<'x, f64, Ix2>,
    y_train: Vec<bool>,
    w_train: Option<Vec<f64>>,
    x_valid: CowArray<'x, f64, Ix2>,
    y_valid: Vec<bool>,
    w_valid: Option<Vec<f64>>,
    /// The training rows screened and centred, on first use.
    prepared: OnceLock<Result<Prepared, FitError>>,
}

/// The folds' rows, one fold per validation cohort.
fn fold_data<'x>(
    validation: &[usize],
    x: ArrayView2<'x, f64>,
    won: &[bool],
    weights: Option<&[f64]>,
    cohort_index: &[usize],
) -> Vec<FoldData<'x>> {
    let pick = |rows: &[usize]| weights.map(|w| rows.iter().map(|&i| w[i]).collect::<Vec<f64>>());
    let leads = |rows: &[usize]| weights.map_or(rows.len(), |w| rows.iter().map(|&i| w[i] as usize).sum());
    validation
        .iter()
        .map(|&v| {
            let train: Vec<usize> = (0..won.len()).filter(|&i| cohort_index[i] < v).collect();
            let valid: Vec<usize> = (0..won.len()).filter(|&i| cohort_index[i] == v).collect();
            let fold = AlphaFold {
                validation_cohort: v,
                n_train: leads(&train),
                n_validation: leads(&valid),
            };
            let x_train = rows_of(x, &train);
            let y_train: Vec<bool> = train.iter().map(|&i| won[i]).collect();
            let x_valid = rows_of(x, &valid);
            let y_valid: Vec<bool> = valid.iter().map(|&i| won[i]).collect();
            FoldData {
                fold,
                x_train,
                y_train,
                w_train: pick(&train),
                x_valid,
                y_valid,
                w_valid: pick(&valid),
                prepared: OnceLock::new(),
            }
        })
        .collect()
}

/// Ratio between neighbouring alphas of the (ascending) grid, for widening it.
fn grid_step(alphas: &[f64]) -> f64 {
    if alphas.len() > 1 {
        (alphas[1] / alphas[0]).max(1.0 + 1e-9)
    } else {
        10f64.powf(5.0 / 12.0)
    }
}

/// The folds and the fit settings every grid point shares.
struct Search<'a, 'x> {
    data: &'a [FoldData<'x>],
    names: &'a [String],
    base: &'a ValidFitParams,
}

impl Search<'_, '_> {
    /// Evaluate the alphas `new` on every fold (folds in parallel, each along the
    /// alphas descending); append their scores, and the last fold's fits, in that order.
    fn run(
        &self,
        new: &[f64],
        scores: &mut Vec<AlphaScore>,
        fits: &mut Vec<Option<crate::LogisticFit>>,
    ) {
        let mut descending = new.to_vec();
        descending.sort_by(|a, b| b.total_cmp(a));
        let paths: Vec<_> = self
            .data
            .par_iter()
            .map(|d| {
                fold_path(
                    &descending,
                    (d.x_train.view(), &d.y_train, d.w_train.as_deref()),
                    (d.x_valid.view(), &d.y_valid, d.w_valid.as_deref()),
                    self.names,
                    self.base,
                    &d.prepared,
                )
            })
            .collect();
        for (k, &alpha) in descending.iter().enumerate() {
            let fold_log_loss: Vec<Option<f64>> = paths
                .iter()
                .map(|p| p[k].0.as_ref().ok().copied())
                .collect();
            let error = paths.iter().find_map(|p| p[k].0.as_ref().err().cloned());
            let mean = (error.is_none())
                .then(|| fold_log_loss.iter().flatten().sum::<f64>() / fold_log_loss.len() as f64);
            scores.push(AlphaScore {
                alpha,
                validation_log_loss: mean,
                fold_log_loss,
                error,
            });
            fits.push(paths.last().and_then(|p| p[k].1.clone()));
        }
    }

    /// Widen the grid by `step` while the winner sits at an edge (at most
    /// [`MAX_WIDENING`] times); returns how many alphas were added.
    fn widen(
        &self,
        step: f64,
        scores: &mut Vec<AlphaScore>,
        fits: &mut Vec<Option<crate::LogisticFit>>,
    ) -> usize {
        let mut widened = 0;
        while let Some(b) = best_of(scores) {
            let (lo, hi) = scores.iter().fold((f64::INFINITY, 0f64), |(lo, hi), s| {
                (lo.min(s.alpha), hi.max(s.alpha))
            });
            let alpha = scores[b].alpha;
            if widened >= MAX_WIDENING || (alpha != lo && alpha != hi) {
                break;
            }
            let next = if alpha == lo { lo / step } else { hi * step };
            self.run(&[next], scores, fits);
            widened += 1;
        }
        widened
    }
}

/// The lowest mean validation log loss (ties: the larger alpha); None when every alpha failed.
fn best_of(scores: &[AlphaScore]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (k, s) in scores.iter().enumerate() {
        let Some(ll) = s.validation_log_loss else {
            continue;
        };
        let better = match best.and_then(|b| scores[b].validation_log_loss.map(|bl| (b, bl))) {
            None => true,
            Some((b, bl)) => ll < bl || (ll == bl && s.alpha > scores[b].alpha),
        };
        if better {
            best = Some(k);
        }
    }
    best
}

/// The scores and their fits, ordered by ascending alpha.
fn by_alpha(
    scores: &[AlphaScore],
    mut fits: Vec<Option<crate::LogisticFit>>,
) -> (Vec<AlphaScore>, Vec<Option<crate::LogisticFit>>) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].alpha.total_cmp(&scores[b].alpha));
    let sorted: Vec<AlphaScore> = order.iter().map(|&k| scores[k].clone()).collect();
    let sorted_fits = order.iter().map(|&k| fits[k].take()).collect();
    (sorted, sorted_fits)
}

/// The error when no alpha of the grid could be fitted: the first fit's error, if any.
fn all_failed(scores: &[AlphaScore]) -> FitError {
    scores
        .iter()
        .find_map(|s| s.error.clone())
        .map(|e| FitError::Solver(format!("every alpha on the grid failed; first error: {e}")))
        .unwrap_or_else(|| FitError::Solver("every alpha on the grid failed".into()))
}

/// A mean validation log loss this close to the winner's is a tie for the search note.
const NEGLIGIBLE_LOG_LOSS: f64 = 0.001;

/// The search in words: folds, winner, margin over the runner-up, the alphas as good as
/// it, and the grid's edges.
fn search_note(
    scores: &[AlphaScore],
    best: usize,
    folds: usize,
    widened: usize,
    at_grid_edge: bool,
) -> String {
    let best_alpha = scores[best].alpha;
    let best_ll = scores[best].validation_log_loss.unwrap_or(f64::NAN);
    let runner_up = scores
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != best)
        .filter_map(|(_, s)| s.validation_log_loss)
        .fold(f64::INFINITY, f64::min);
    // The run of the grid around the winner whose folds score within a hair of it: the
    // choice among them is noise. A run, so that an alpha inside the range never scores worse.
    let close = |k: &usize| scores[*k].validation_log_loss.is_some_and(|ll| ll - best_ll <= NEGLIGIBLE_LOG_LOSS);
    let first = (0..best).rev().take_while(close).last().unwrap_or(best);
    let last = (best + 1..scores.len()).take_while(close).last().unwrap_or(best);
    let (lowest, highest) = (scores[first].alpha, scores[last].alpha);
    let margin = runner_up - best_ll;
    let margin = if margin < 1e-4 { format!("{margin:.1e}") } else { format!("{margin:.4}") };
    let flat = if last > first {
        format!(
            "; every alpha from {} to {} is within {NEGLIGIBLE_LOG_LOSS} of it: on these folds the penalty barely matters",
            fmt_alpha(lowest),
            fmt_alpha(highest)
        )
    } else {
        String::new()
    };
    format!(
        "alpha {} chosen by rolling origin: {} fold{} (each of the latest {} training cohort{} predicted from the cohorts before it), mean validation log loss {:.4}, {margin} better than the next alpha{flat}{}",
        fmt_alpha(best_alpha),
        folds,
        if folds == 1 { "" } else { "s" },
        folds,
        if folds == 1 { "" } else { "s" },
        best_ll,
        if at_grid_edge {
            format!("; still at the edge of the grid after widening it to {}..{}: the folds cannot locate the penalty, set [model] alpha", fmt_alpha(scores[0].alpha), fmt_alpha(scores[scores.len() - 1].alpha))
        } else if widened > 0 {
            format!("; the grid was widened {widened} step{} past its edge", if widened == 1 { "" } else { "s" })
        } else {
            String::new()
        }
    )
}

fn fmt_alpha(a: f64) -> String {
    if a >= 1.0 {
        format!("{a:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{a:.3e}")
    }
}

#[cfg(test)]
mod note_tests {
    use super::{search_note, AlphaScore};

    fn scores(losses: &[(f64, f64)]) -> Vec<AlphaScore> {
        losses.iter().map(|&(alpha, ll)| AlphaScore { alpha, validation_log_loss: Some(ll), fold_log_loss: vec![Some(ll)], error: None }).collect()
    }

    /// A clear winner is said with its margin; alphas within a hair of it are said to tie.
    #[test]
    fn the_note_says_when_the_penalty_barely_matters() {
        let clear = scores(&[(0.1, 0.40), (1.0, 0.30), (10.0, 0.35)]);
        let note = search_note(&clear, 1, 3, 0, false);
        assert!(note.ends_with("mean validation log loss 0.3000, 0.0500 better than the next alpha"), "{note}");
        let flat = scores(&[(0.01, 0.31172), (0.1, 0.31171), (1.0, 0.311705), (10.0, 0.3131)]);
        let note = search_note(&flat, 2, 3, 0, false);
        assert!(
            note.ends_with("mean validation log loss 0.3117, 5.0e-6 better than the next alpha; every alpha from 1.000e-2 to 1 is within 0.001 of it: on these folds the penalty barely matters"),
            "{note}"
        );
        // A close alpha beyond a worse one is not in the range.
        let gap = scores(&[(0.01, 0.3005), (0.1, 0.305), (1.0, 0.300), (10.0, 0.3003)]);
        let note = search_note(&gap, 2, 3, 0, false);
        assert!(note.ends_with("0.0003 better than the next alpha; every alpha from 1 to 10 is within 0.001 of it: on these folds the penalty barely matters"), "{note}");
    }
}
