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
        crate::model::score_finite_rows(x, &self.columns, |row| {
            let mut z = self.intercept;
            for (k, &j) in self.columns.iter().enumerate() {
                z += self.coef[k] * row[j];
            }
            z
        })
        .map_err(|(row, k, value)| FitError::NonFinite { row, column: self.signals[k].clone(), value })
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
