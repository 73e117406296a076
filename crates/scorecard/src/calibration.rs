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

    /// [`CalibrationTable::probability`] of every whole score from the table's first to its
    /// last, for a scorer to read by index (a lead's score is a whole number; finding it
    /// among a table's hundreds of entries was a tenth of scoring a million leads). None
    /// when that is more than [`WholeScores::MOST`] scores.
    pub fn whole_scores(&self) -> Option<WholeScores> {
        let (&first, &last) = (self.score.first()?, self.score.last()?);
        if !(first.is_finite() && last.is_finite() && last - first <= WholeScores::MOST as f64) {
            return None;
        }
        let lowest = first.ceil() as i64;
        Some(WholeScores { lowest, probability: (lowest..=last.floor() as i64).map(|score| self.probability(score as f64)).collect() })
    }
}

/// A calibration table's probability at each whole score inside it ([`CalibrationTable::whole_scores`]).
#[derive(Debug, Clone, PartialEq)]
pub struct WholeScores {
    lowest: i64,
    probability: Vec<f64>,
}

impl WholeScores {
    /// At most this many whole scores are tabulated (512 KiB).
    pub const MOST: usize = 1 << 16;

    /// The table's `probability(score)`, the same bits, for a whole score inside the
    /// table; None outside it (work it out there).
    pub fn get(&self, score: i64) -> Option<f64> {
        let at = usize::try_from(score.checked_sub(self.lowest)?).ok()?;
        self.probability.get(at).copied()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_scores_give_the_tables_probability_to_the_bit() {
        let tables = [
            // Platt-like: fractional ends, uneven steps.
            CalibrationTable { method: CalibrationMethod::Platt, score: vec![-12.5, -3.0, 0.0, 7.25, 40.0, 41.0, 300.9], probability: vec![0.01, 0.02, 0.05, 0.1, 0.33, 0.4, 0.97] },
            // Isotonic steps: repeated probabilities, one entry.
            CalibrationTable { method: CalibrationMethod::Isotonic, score: vec![5.0, 6.0, 9.0], probability: vec![0.2, 0.2, 0.6] },
            CalibrationTable { method: CalibrationMethod::Isotonic, score: vec![3.5], probability: vec![0.5] },
            // Malformed: lengths differ (NaN everywhere, as read).
            CalibrationTable { method: CalibrationMethod::Platt, score: vec![0.0, 1.0], probability: vec![0.5] },
        ];
        for table in &tables {
            let whole = table.whole_scores().expect("a small table is tabulated");
            let (first, last) = (table.score[0], table.score[table.score.len() - 1]);
            for score in -40i64..=340 {
                let inside = first <= score as f64 && score as f64 <= last;
                assert_eq!(whole.get(score).map(f64::to_bits), inside.then(|| table.probability(score as f64).to_bits()), "{score} in {table:?}");
            }
            for score in [i64::MIN, i64::MIN + 1, i64::MAX] {
                assert_eq!(whole.get(score), None, "{score}");
            }
        }
        // Too wide, or not finite: not tabulated.
        let wide = CalibrationTable { method: CalibrationMethod::Platt, score: vec![0.0, 1e9], probability: vec![0.1, 0.9] };
        assert!(wide.whole_scores().is_none());
        let infinite = CalibrationTable { method: CalibrationMethod::Platt, score: vec![f64::NEG_INFINITY, 1.0], probability: vec![0.1, 0.9] };
        assert!(infinite.whole_scores().is_none());
        let empty = CalibrationTable { method: CalibrationMethod::Platt, score: vec![], probability: vec![] };
        assert!(empty.whole_scores().is_none());
    }
}
