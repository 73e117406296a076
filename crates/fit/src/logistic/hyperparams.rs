//! Fit settings, checked once ([`ParamGuard`]) into [`ValidFitParams`] before any work.

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use crate::error::FitError;

/// Unchecked fit settings; call [`ParamGuard::check`] once to get [`ValidFitParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitParams(ValidFitParams);

/// Checked fit settings: the only form [`fit`](super::fit) accepts, so a bad value fails before any work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidFitParams {
    /// L2 penalty on the signal weights (not the intercept); 0 = plain maximum likelihood.
    pub alpha: f64,
    /// Iteration limit of the L-BFGS start (linfa-logistic's iterations, `lbfgs.rs`).
    pub max_iterations: u64,
    /// Largest acceptable Euclidean norm of the objective's gradient at the solution.
    pub gradient_tolerance: f64,
    /// Newton steps allowed after L-BFGS to polish the optimum (0 = trust L-BFGS alone).
    pub newton_steps: usize,
    /// Minimum number of won and of lost leads required.
    pub min_per_outcome: usize,
    /// Compute standard errors, Wald tests and the instability warnings (one more Hessian
    /// at the optimum). Off for fits that only predict, such as the alpha search's: their
    /// standard errors are then NaN.
    #[serde(default = "yes")]
    pub standard_errors: bool,
}

fn yes() -> bool {
    true
}

impl Default for FitParams {
    fn default() -> Self {
        Self::new()
    }
}

impl FitParams {
    /// Defaults: alpha 1, 20 L-BFGS iterations (a warm start: the damped Newton steps after it
    /// converge; more L-BFGS iterations only cost time at 1M leads), gradient tolerance 1e-6,
    /// 50 Newton steps, 10 per outcome.
    pub fn new() -> Self {
        FitParams(ValidFitParams {
            alpha: 1.0,
            max_iterations: 20,
            gradient_tolerance: 1e-6,
            newton_steps: 50,
            min_per_outcome: mqlcal_features::split::MIN_TRAINING_OUTCOMES,
            standard_errors: true,
        })
    }
    /// Start from already-checked settings, e.g. to change only alpha.
    pub fn from_valid(p: ValidFitParams) -> Self {
        FitParams(p)
    }
    /// Set the L2 penalty (scikit-learn's 1/C).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.0.alpha = alpha;
        self
    }
    /// Compute standard errors (default) or not (a fit that only predicts).
    pub fn standard_errors(mut self, on: bool) -> Self {
        self.0.standard_errors = on;
        self
    }
    /// Set the L-BFGS iteration limit.
    pub fn max_iterations(mut self, n: u64) -> Self {
        self.0.max_iterations = n;
        self
    }
    /// Set the gradient-norm tolerance that decides convergence.
    pub fn gradient_tolerance(mut self, tol: f64) -> Self {
        self.0.gradient_tolerance = tol;
        self
    }
    /// Set how many Newton polishing steps may follow L-BFGS.
    pub fn newton_steps(mut self, n: usize) -> Self {
        self.0.newton_steps = n;
        self
    }
    /// Set the minimum number of leads of each outcome.
    pub fn min_per_outcome(mut self, n: usize) -> Self {
        self.0.min_per_outcome = n;
        self
    }
}

impl ParamGuard for FitParams {
    type Checked = ValidFitParams;
    type Error = FitError;

    fn check_ref(&self) -> Result<&ValidFitParams, FitError> {
        let p = &self.0;
        if !(p.alpha.is_finite() && p.alpha >= 0.0) {
            return Err(FitError::InvalidParams(format!(
                "alpha must be finite and >= 0, got {}",
                p.alpha
            )));
        }
        if !(p.gradient_tolerance.is_finite() && p.gradient_tolerance > 0.0) {
            return Err(FitError::InvalidParams(format!(
                "gradient_tolerance must be finite and > 0, got {}",
                p.gradient_tolerance
            )));
        }
        if p.max_iterations == 0 && p.newton_steps == 0 {
            return Err(FitError::InvalidParams(
                "max_iterations and newton_steps cannot both be 0".into(),
            ));
        }
        if p.min_per_outcome == 0 {
            return Err(FitError::InvalidParams(
                "min_per_outcome must be >= 1".into(),
            ));
        }
        Ok(p)
    }

    fn check(self) -> Result<ValidFitParams, FitError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_checked_once() {
        assert!(FitParams::new().alpha(-1.0).check().is_err());
        assert!(FitParams::new().alpha(f64::NAN).check().is_err());
        assert!(FitParams::new().gradient_tolerance(0.0).check().is_err());
        assert!(FitParams::new().check().is_ok());
    }
}
