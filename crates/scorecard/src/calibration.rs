//! Score → probability: the calibration table a model carries and its interpolation.

use serde::{Deserialize, Serialize};

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
