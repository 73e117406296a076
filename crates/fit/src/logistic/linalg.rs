//! Small dense Cholesky routines for the (p+1)×(p+1) Hessian.

use ndarray::Array2;

use crate::error::FitError;

/// Cholesky factor L (lower) of a symmetric positive-definite matrix; Err(index) of the first failing pivot.
pub(super) fn cholesky(a: &Array2<f64>) -> Result<Array2<f64>, usize> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        // Relative pivot test: a pivot that lost (almost) all its mass means linear dependence.
        if !(d > a[[j, j]].abs() * 1e-12) || !d.is_finite() {
            return Err(j);
        }
        let d = d.sqrt();
        l[[j, j]] = d;
        for i in (j + 1)..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            l[[i, j]] = s / d;
        }
    }
    Ok(l)
}

pub(super) fn chol_solve(l: &Array2<f64>, b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut y = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            y[i] -= l[[i, k]] * y[k];
        }
        y[i] /= l[[i, i]];
    }
    for i in (0..n).rev() {
        for k in (i + 1)..n {
            y[i] -= l[[k, i]] * y[k];
        }
        y[i] /= l[[i, i]];
    }
    y
}

pub(super) fn chol_inverse(l: &Array2<f64>) -> Array2<f64> {
    let n = l.nrows();
    let mut inv = Array2::<f64>::zeros((n, n));
    let mut e = vec![0.0; n];
    for c in 0..n {
        e.iter_mut().for_each(|v| *v = 0.0);
        e[c] = 1.0;
        let col = chol_solve(l, &e);
        for r in 0..n {
            inv[[r, c]] = col[r];
        }
    }
    inv
}

/// The error for a Hessian whose Cholesky factorisation failed at pivot `idx` of θ = [intercept, w].
pub(super) fn collinear_error(idx: usize, signals: &[String]) -> FitError {
    if idx == 0 {
        FitError::Solver(
            "the intercept's curvature vanished (all fitted probabilities are 0 or 1)".into(),
        )
    } else {
        FitError::Collinear {
            signal: signals[idx - 1].clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_and_detects_singularity() {
        let a = ndarray::arr2(&[[4.0, 2.0], [2.0, 3.0]]);
        let l = cholesky(&a).unwrap();
        let x = chol_solve(&l, &[2.0, 1.0]);
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-14);
        assert!((2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-14);
        let s = ndarray::arr2(&[[1.0, 2.0], [2.0, 4.0]]);
        assert_eq!(cholesky(&s).err(), Some(1));
    }
}
