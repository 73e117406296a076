//! The fitted model and what the analyst should review before trusting it.

use mqlcal_metrics::sigmoid;
use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::screening::DroppedSignal;
use crate::error::FitError;

/// Something the analyst should look at before trusting a weight (leakage, separation, instability).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitWarning {
    /// Column name.
    pub signal: String,
    /// Plain-language reason.
    pub reason: String,
}

/// A fitted logistic model: P(won) = σ(intercept + Σ coef_j·x_j) over the kept signals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticFit {
    /// Penalty used.
    pub alpha: f64,
    /// Names of the signals that were fitted (input order, dropped ones removed).
    pub signals: Vec<String>,
    /// Input column index of each fitted signal, to pick them out of a full matrix.
    pub columns: Vec<usize>,
    /// Number of columns in the input matrix.
    pub n_input_columns: usize,
    /// Intercept (log-odds of winning when every signal is 0).
    pub intercept: f64,
    /// Weight per fitted signal, in log-odds per unit of the signal.
    pub coef: Vec<f64>,
    /// Standard error of the intercept (inverse Hessian of the penalised objective).
    pub intercept_std_err: f64,
    /// Standard error per weight.
    pub std_err: Vec<f64>,
    /// Wald z = coef / std_err.
    pub z: Vec<f64>,
    /// Two-sided Wald p-value per weight.
    pub p_value: Vec<f64>,
    /// Unpenalised log-likelihood Σ log P(observed outcome).
    pub log_likelihood: f64,
    /// Penalised objective −log-likelihood + alpha/2·‖w‖² at the solution.
    pub objective: f64,
    /// Euclidean norm of the objective's gradient at the returned solution.
    pub gradient_norm: f64,
    /// Gradient norm where L-BFGS stopped, before Newton polishing.
    pub lbfgs_gradient_norm: f64,
    /// Newton polishing steps taken after L-BFGS.
    pub iterations: usize,
    /// True when `gradient_norm <= gradient_tolerance` (always true for a returned fit).
    pub converged: bool,
    /// Rows used.
    pub n: usize,
    /// Won rows used.
    pub won: usize,
    /// Signals left out, with the reason.
    pub dropped: Vec<DroppedSignal>,
    /// Signals to review before trusting their weights.
    pub warnings: Vec<FitWarning>,
}

impl LogisticFit {
    /// Linear score (log-odds) for each row of a matrix with the same columns as the training input.
    pub fn linear_score(&self, x: ArrayView2<f64>) -> Result<Vec<f64>, FitError> {
        if x.ncols() != self.n_input_columns {
            return Err(FitError::Shape(format!(
                "model was fitted on {} columns, matrix has {}",
                self.n_input_columns,
                x.ncols()
            )));
        }
        if let Some(scores) = self.linear_score_in_blocks(x) {
            return Ok(scores);
        }
        // Rows that do not lie one after another, or a value that is not finite (the first
        // such cell is named).
        crate::model::score_finite_rows(x, &self.columns, |row| self.linear_score_of(|j| row[j]))
            .map_err(|(row, k, value)| FitError::NonFinite { row, column: self.signals[k].clone(), value })
    }

    /// One row's linear score, `value(j)` its value in input column j: the intercept, then
    /// each weight times its value added in column order. [`LogisticFit::linear_score_in_blocks`]
    /// takes four rows' sums side by side in this order.
    #[inline(always)]
    fn linear_score_of(&self, value: impl Fn(usize) -> f64) -> f64 {
        let mut z = self.intercept;
        for (&w, &j) in self.coef.iter().zip(&self.columns) {
            z += w * value(j);
        }
        z
    }

    /// [`LogisticFit::linear_score`] in blocks of rows on every core, each row's sum taken
    /// as above but four rows at a time (one row's sum waits on each addition; four
    /// overlap); None when a value the fit reads is not finite, or the rows do not lie one
    /// after another.
    fn linear_score_in_blocks(&self, x: ArrayView2<f64>) -> Option<Vec<f64>> {
        const BLOCK_ROWS: usize = 1024;
        let (values, width) = (x.as_slice()?, x.ncols());
        if width == 0 {
            return None;
        }
        let blocks: Vec<Option<Vec<f64>>> = values
            .par_chunks(BLOCK_ROWS * width)
            .map(|rows| {
                if !rows.chunks_exact(width).all(|row| self.columns.iter().all(|&j| row[j].is_finite())) {
                    return None;
                }
                let mut scores = Vec::with_capacity(rows.len() / width);
                let mut fours = rows.chunks_exact(4 * width);
                for four in &mut fours {
                    let (a, rest) = four.split_at(width);
                    let (b, rest) = rest.split_at(width);
                    let (c, d) = rest.split_at(width);
                    let mut z = [self.intercept; 4];
                    for (&w, &j) in self.coef.iter().zip(&self.columns) {
                        z[0] += w * a[j];
                        z[1] += w * b[j];
                        z[2] += w * c[j];
                        z[3] += w * d[j];
                    }
                    scores.extend_from_slice(&z);
                }
                scores.extend(fours.remainder().chunks_exact(width).map(|row| self.linear_score_of(|j| row[j])));
                Some(scores)
            })
            .collect();
        blocks.into_iter().collect::<Option<Vec<Vec<f64>>>>().map(|blocks| blocks.concat())
    }

    /// Probability of winning for each row of a matrix with the same columns as the training input.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Vec<f64>, FitError> {
        Ok(self.linear_score(x)?.into_par_iter().map(sigmoid).collect())
    }

    /// Weights aligned with the input columns, 0 for dropped signals (what a scorecard needs).
    pub fn coef_for_input_columns(&self) -> Vec<f64> {
        let mut full = vec![0.0; self.n_input_columns];
        for (k, &j) in self.columns.iter().enumerate() {
            full[j] = self.coef[k];
        }
        full
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;

    /// A fit of columns 0, 2 and 3 of five (1 and 4 dropped).
    fn fit() -> LogisticFit {
        LogisticFit {
            alpha: 1.0,
            signals: vec!["a".into(), "c".into(), "d".into()],
            columns: vec![0, 2, 3],
            n_input_columns: 5,
            intercept: -1.37,
            coef: vec![0.41, -0.093, 1.7e-3],
            intercept_std_err: 0.0,
            std_err: vec![],
            z: vec![],
            p_value: vec![],
            log_likelihood: 0.0,
            objective: 0.0,
            gradient_norm: 0.0,
            lbfgs_gradient_norm: 0.0,
            iterations: 0,
            converged: true,
            n: 0,
            won: 0,
            dropped: vec![],
            warnings: vec![],
        }
    }

    #[test]
    fn scores_in_blocks_are_each_rows_sum_to_the_bit() {
        let m = fit();
        // Rows around the blocks of 1,024 and the groups of four.
        for n in [0usize, 1, 3, 4, 5, 1023, 1024, 2051] {
            let x = Array2::from_shape_fn((n, 5), |(i, j)| ((i * 31 + j * 7) % 13) as f64 / 3.0 - 1.1);
            let alone: Vec<u64> = x
                .rows()
                .into_iter()
                .map(|row| m.columns.iter().zip(&m.coef).fold(m.intercept, |z, (&j, &w)| z + w * row[j]).to_bits())
                .collect();
            let ours: Vec<u64> = m.linear_score(x.view()).unwrap().iter().map(|z| z.to_bits()).collect();
            assert_eq!(ours, alone, "{n} rows");
        }
    }

    #[test]
    fn the_first_value_that_is_not_finite_is_named() {
        let m = fit();
        let mut x = Array2::from_elem((3000, 5), 1.0);
        x[[2500, 2]] = f64::NAN;
        x[[1500, 4]] = f64::INFINITY; // a dropped column: not read
        x[[2600, 0]] = f64::NEG_INFINITY;
        match m.linear_score(x.view()) {
            Err(FitError::NonFinite { row, column, value }) => assert_eq!((row, column.as_str(), value.is_nan()), (2500, "c", true)),
            other => panic!("{other:?}"),
        }
        x[[2500, 2]] = 1.0;
        x[[2600, 0]] = 1.0;
        assert_eq!(m.linear_score(x.view()).unwrap().len(), 3000);
    }
}
