//! Standard errors, Wald z and p-values from the inverse Hessian, and the instability
//! warnings they raise.

use mqlcal_metrics::regularized_gamma_q;
use ndarray::Array2;

use super::fitted::FitWarning;
use super::linalg::{chol_inverse, cholesky, collinear_error};
use crate::error::FitError;

/// The weights in the original parameterisation, with standard errors and Wald tests.
pub(super) struct StandardErrors {
    pub(super) intercept: f64,
    pub(super) coef: Vec<f64>,
    pub(super) intercept_std_err: f64,
    pub(super) std_err: Vec<f64>,
    pub(super) z: Vec<f64>,
    pub(super) p_value: Vec<f64>,
}

impl StandardErrors {
    /// The weights in the original parameterisation without their standard errors (NaN),
    /// for fits that only predict ([`ValidFitParams::standard_errors`](super::ValidFitParams) off).
    pub(super) fn not_computed(theta: &[f64], means: &[f64]) -> StandardErrors {
        let p = means.len();
        let (intercept, coef) = original_weights(theta, means);
        StandardErrors {
            intercept,
            coef,
            intercept_std_err: f64::NAN,
            std_err: vec![f64::NAN; p],
            z: vec![f64::NAN; p],
            p_value: vec![f64::NAN; p],
        }
    }
}

/// The intercept and weights of the original columns from the centred parameters: b = b_c − m·w.
fn original_weights(theta: &[f64], means: &[f64]) -> (f64, Vec<f64>) {
    let p = means.len();
    (theta[0] - (0..p).map(|j| means[j] * theta[j + 1]).sum::<f64>(), theta[1..].to_vec())
}

/// Standard errors from the inverse Hessian of the penalised objective, mapped from the
/// centred parameters (b_c, w) to the original ones (b = b_c − m·w, w): Cov = T Σ Tᵀ.
pub(super) fn standard_errors(
    hessian: &Array2<f64>,
    theta: &[f64],
    means: &[f64],
    signals: &[String],
) -> Result<StandardErrors, FitError> {
    let p = means.len();
    let l = cholesky(hessian).map_err(|idx| collinear_error(idx, signals))?;
    let cov_c = chol_inverse(&l);
    let mut tmat = Array2::<f64>::eye(p + 1);
    for j in 0..p {
        tmat[[0, j + 1]] = -means[j];
    }
    let cov = tmat.dot(&cov_c).dot(&tmat.t());
    let (intercept, coef) = original_weights(theta, means);
    let intercept_std_err = cov[[0, 0]].max(0.0).sqrt();
    let std_err: Vec<f64> = (1..=p).map(|j| cov[[j, j]].max(0.0).sqrt()).collect();
    let z: Vec<f64> = coef.iter().zip(&std_err).map(|(c, s)| c / s).collect();
    let p_value: Vec<f64> = z.iter().map(|&v| two_sided_p(v)).collect();
    Ok(StandardErrors {
        intercept,
        coef,
        intercept_std_err,
        std_err,
        z,
        p_value,
    })
}

/// Instability warnings: implausibly large weights or standard errors.
pub(super) fn instability_warnings(
    coef: &[f64],
    std_err: &[f64],
    sds: &[f64],
    signals: &[String],
    warnings: &mut Vec<FitWarning>,
) {
    let p = coef.len();
    let mut se_sorted = std_err.to_vec();
    se_sorted.sort_by(f64::total_cmp);
    let median_se = if p % 2 == 1 {
        se_sorted[p / 2]
    } else {
        (se_sorted[p / 2 - 1] + se_sorted[p / 2]) / 2.0
    };
    for k in 0..p {
        let std_effect = coef[k].abs() * sds[k];
        if coef[k].abs() > 10.0 || std_effect > 5.0 {
            warnings.push(FitWarning {
                signal: signals[k].clone(),
                reason: format!(
                    "weight {:.3} is implausibly large (odds ×{:.3e} per unit, {:.1} log-odds per standard deviation): possible leakage or separation",
                    coef[k],
                    coef[k].exp(),
                    std_effect
                ),
            });
        }
        if p >= 3 && median_se > 0.0 && std_err[k] > 100.0 * median_se {
            warnings.push(FitWarning {
                signal: signals[k].clone(),
                reason: format!(
                    "standard error {:.3e} is over 100× the median ({:.3e}): the weight is barely identified (rare, near-constant or near-collinear signal)",
                    std_err[k], median_se
                ),
            });
        }
    }
}

/// Two-sided normal p-value 2·Φ(−|z|) = Q(1/2, z²/2).
fn two_sided_p(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { f64::NAN } else { 0.0 };
    }
    regularized_gamma_q(0.5, z * z / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_value_of_196_is_005() {
        assert!((two_sided_p(1.959_963_984_540_054) - 0.05).abs() < 1e-12);
        assert_eq!(two_sided_p(0.0), 1.0);
    }
}
