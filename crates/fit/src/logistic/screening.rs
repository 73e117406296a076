//! Screening before the fit: outcome counts, all-missing and constant columns (dropped),
//! other non-finite values (refused) and single-signal separation.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::fitted::FitWarning;
use crate::error::FitError;

/// Why a signal was left out of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Same value for every lead: no information, and it would be collinear with the intercept.
    Constant,
    /// Missing (NaN) for every lead.
    AllMissing,
}

/// A signal left out of the fit, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedSignal {
    /// Column name.
    pub signal: String,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// Outcome counts (leads, with `weights` the leads each row stands for), checked against the minimum.
pub(crate) fn check_outcomes(won: &[bool], weights: Option<&[f64]>, min: usize) -> Result<(usize, usize), FitError> {
    let (w, l) = match weights {
        None => {
            let w = won.iter().filter(|&&b| b).count();
            (w, won.len() - w)
        }
        Some(weights) => won.iter().zip(weights).fold((0, 0), |(w, l), (&b, &n)| if b { (w + n as usize, l) } else { (w, l + n as usize) }),
    };
    if w == 0 || l == 0 {
        return Err(FitError::OneOutcome { won: w, lost: l });
    }
    if w < min || l < min {
        return Err(FitError::TooFewOutcomes {
            won: w,
            lost: l,
            min,
        });
    }
    Ok((w, l))
}

/// What one pass over a signal column finds (all columns in one row-major pass).
struct ColumnScan {
    all_nan: bool,
    /// First row holding NaN or ±inf, and the value.
    first_non_finite: Option<(usize, f64)>,
    first: f64,
    constant: bool,
    /// Range among won and among lost leads.
    won_range: (f64, f64),
    lost_range: (f64, f64),
}

/// Every column's scan, the columns shared out among the cores: each column is still
/// scanned row by row from the first, as one pass alone scans it.
fn scan_columns(x: ArrayView2<f64>, won: &[bool]) -> Vec<ColumnScan> {
    use rayon::prelude::*;
    let parts: Vec<Vec<ColumnScan>> = super::column_runs(x.ncols()).into_par_iter().map(|columns| scan_some_columns(x, won, columns)).collect();
    parts.into_iter().flatten().collect()
}

/// The scans of the columns `columns`, in one row-major pass.
fn scan_some_columns(x: ArrayView2<f64>, won: &[bool], columns: std::ops::Range<usize>) -> Vec<ColumnScan> {
    let first_row = x.outer_iter().next();
    let mut scans: Vec<ColumnScan> = columns
        .clone()
        .map(|j| ColumnScan {
            all_nan: true,
            first_non_finite: None,
            first: first_row.as_ref().map_or(f64::NAN, |r| r[j]),
            constant: true,
            won_range: (f64::INFINITY, f64::NEG_INFINITY),
            lost_range: (f64::INFINITY, f64::NEG_INFINITY),
        })
        .collect();
    for (i, (row, &y)) in x.outer_iter().zip(won).enumerate() {
        for (scan, &v) in scans.iter_mut().zip(row.slice(ndarray::s![columns.clone()]).iter()) {
            scan.all_nan &= v.is_nan();
            if !v.is_finite() && scan.first_non_finite.is_none() {
                scan.first_non_finite = Some((i, v));
            }
            scan.constant &= v == scan.first;
            let range = if y {
                &mut scan.won_range
            } else {
                &mut scan.lost_range
            };
            range.0 = range.0.min(v);
            range.1 = range.1.max(v);
        }
    }
    scans
}

/// Single-signal (quasi-)separation: every won value ≥ every lost value, or the reverse.
fn separation_detail(scan: &ColumnScan) -> Option<String> {
    let ((min_w, max_w), (min_l, max_l)) = (scan.won_range, scan.lost_range);
    if max_l <= min_w {
        Some(format!(
            "every won lead has a value >= {min_w} and every lost lead <= {max_l} (values above {max_l} occur only among won leads)"
        ))
    } else if max_w <= min_l {
        Some(format!(
            "every lost lead has a value >= {min_l} and every won lead <= {max_w} (values above {max_w} occur only among lost leads)"
        ))
    } else {
        None
    }
}

/// The columns that go into the fit.
pub(super) struct Screened {
    /// Input column index of each kept signal.
    pub(super) keep: Vec<usize>,
    /// Names of the kept signals.
    pub(super) signals: Vec<String>,
    pub(super) dropped: Vec<DroppedSignal>,
    /// Separation warnings (with a penalty; without one, separation is an error).
    pub(super) warnings: Vec<FitWarning>,
}

/// Screen the columns of `x`, then check the kept ones for separation (an error when
/// `alpha` is 0, a warning otherwise).
pub(super) fn screen(
    x: ArrayView2<f64>,
    won: &[bool],
    names: &[String],
    alpha: f64,
) -> Result<Screened, FitError> {
    // Column screening: drop all-missing and constant columns, refuse other non-finite values.
    let scans = scan_columns(x, won);
    let mut dropped = Vec::new();
    let mut keep = Vec::new();
    for (j, scan) in scans.iter().enumerate() {
        if scan.all_nan {
            dropped.push(DroppedSignal {
                signal: names[j].clone(),
                reason: DropReason::AllMissing,
            });
            continue;
        }
        if let Some((row, value)) = scan.first_non_finite {
            return Err(FitError::NonFinite {
                row,
                column: names[j].clone(),
                value,
            });
        }
        if scan.constant {
            dropped.push(DroppedSignal {
                signal: names[j].clone(),
                reason: DropReason::Constant,
            });
            continue;
        }
        keep.push(j);
    }
    if keep.is_empty() {
        return Err(FitError::NoUsableSignals);
    }
    let signals: Vec<String> = keep.iter().map(|&j| names[j].clone()).collect();

    let mut warnings = Vec::new();
    for (k, &j) in keep.iter().enumerate() {
        if let Some(detail) = separation_detail(&scans[j]) {
            if alpha == 0.0 {
                return Err(FitError::Separation {
                    signal: signals[k].clone(),
                    detail,
                });
            }
            warnings.push(FitWarning {
                signal: signals[k].clone(),
                reason: format!(
                    "separates the outcomes ({detail}); its weight is held finite only by the penalty — check for leakage (was it recorded after sales touched the lead?)"
                ),
            });
        }
    }
    Ok(Screened {
        keep,
        signals,
        dropped,
        warnings,
    })
}
