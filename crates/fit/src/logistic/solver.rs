//! The solver: L-BFGS (linfa-logistic's iterations, `lbfgs.rs`) or a warm fit for a start,
//! then damped Newton steps on the exact objective.

use linfa::ParamGuard;
use ndarray::ArrayView2;

use super::centred::{centre, centre_weighted, ByteBlock, Centred};
use super::lbfgs::Records;
use super::fitted::LogisticFit;
use super::hyperparams::{FitParams, ValidFitParams};
use super::linalg::{chol_solve, cholesky, collinear_error};
use super::objective::{norm, Evaluation, Need, Problem};
use super::screening::{check_outcomes, screen, Screened};
use super::std_errors::{instability_warnings, standard_errors, StandardErrors};
use crate::error::FitError;

/// Rows L-BFGS sees when Newton steps polish on all rows afterwards.
const WARM_START_ROWS: usize = 50_000;

/// Fit won (positive) against lost by penalised logistic regression, with standard errors and guards.
///
/// `x` has one row per lead and one column per signal, `won[i]` is lead i's outcome and
/// `names[j]` names column j. Constant and all-missing columns are dropped (listed in
/// `dropped`); any other non-finite value is an error naming row and signal.
pub fn fit(
    params: &ValidFitParams,
    x: ArrayView2<f64>,
    won: &[bool],
    names: &[String],
) -> Result<LogisticFit, FitError> {
    fit_from(params, x, won, None, names, None)
}

/// [`fit`], starting Newton from `warm` (a fit of the same rows and columns at a nearby
/// alpha, e.g. the previous point of an alpha grid) instead of an L-BFGS run: from there
/// two or three Newton steps reach the optimum. A `warm` fit of other columns is ignored.
///
/// `weights[i]` (when given) is how many leads row i stands for (a grouped table's
/// count): the fit is the fit of those leads, and its counts are leads, not rows.
pub fn fit_from(
    params: &ValidFitParams,
    x: ArrayView2<f64>,
    won: &[bool],
    weights: Option<&[f64]>,
    names: &[String],
    warm: Option<&LogisticFit>,
) -> Result<LogisticFit, FitError> {
    let prepared = Prepared::new(params, x, won, weights, names)?;
    fit_prepared(params, &prepared, x, won, weights, warm)
}

/// A fit's rows made ready once: outcomes counted, columns screened, the kept ones
/// centred. The alpha search fits the same rows at a dozen alphas; this work does not
/// depend on alpha (as long as it is positive: at 0, separation is an error).
pub struct Prepared {
    rows: usize,
    n_won: usize,
    n_lost: usize,
    screened: Screened,
    centred: Centred,
    /// Screened for a penalised fit (alpha > 0) or for alpha = 0.
    penalised: bool,
}

impl Prepared {
    /// Check, count, screen and centre the rows for fits with `params`' settings and
    /// alphas of the same kind (positive, or 0).
    pub fn new(
        params: &ValidFitParams,
        x: ArrayView2<f64>,
        won: &[bool],
        weights: Option<&[f64]>,
        names: &[String],
    ) -> Result<Prepared, FitError> {
        FitParams::from_valid(params.clone()).check_ref()?;
        check_shapes(x, won, names)?;
        if let Some(w) = weights {
            check_weights(w, won.len())?;
        }
        let (n_won, n_lost) = check_outcomes(won, weights, params.min_per_outcome)?;
        let screened = screen(x, won, names, params.alpha)?;
        let centred = match weights {
            None => centre(x, &screened.keep)?,
            Some(w) => centre_weighted(x, &screened.keep, w)?,
        };
        Ok(Prepared { rows: won.len(), n_won, n_lost, screened, centred, penalised: params.alpha > 0.0 })
    }
}

/// [`fit_from`] on rows prepared by [`Prepared::new`] from the same `x`, `won` and
/// `weights`, with the same settings but alpha.
pub fn fit_prepared(
    params: &ValidFitParams,
    prepared: &Prepared,
    x: ArrayView2<f64>,
    won: &[bool],
    weights: Option<&[f64]>,
    warm: Option<&LogisticFit>,
) -> Result<LogisticFit, FitError> {
    FitParams::from_valid(params.clone()).check_ref()?;
    if prepared.penalised != (params.alpha > 0.0) {
        return Err(FitError::InvalidParams(format!(
            "alpha {}: the rows were screened for {} fits",
            params.alpha,
            if prepared.penalised { "penalised" } else { "unpenalised" }
        )));
    }
    let Prepared { rows, n_won, n_lost, .. } = *prepared;
    if x.nrows() != rows || won.len() != rows || weights.is_some_and(|w| w.len() != rows) {
        return Err(FitError::Shape(format!("{} rows and {} outcomes: not the rows that were prepared", x.nrows(), won.len())));
    }
    let Screened { keep, signals, dropped, warnings } = &prepared.screened;
    let (keep, signals, dropped, mut warnings) = (keep.clone(), signals.clone(), dropped.clone(), warnings.clone());
    let centred = &prepared.centred;
    let means = &centred.means;
    let problem = Problem {
        xc: centred,
        y: won,
        weights,
        alpha: params.alpha,
    };

    let warm = warm
        .filter(|w| w.columns == keep && w.n_input_columns == x.ncols() && params.newton_steps > 0);
    let theta = start(params, &problem, (n_won, n_lost), warm)?;
    let current = problem.evaluate(&theta, Need::Gradient);
    let lbfgs_gradient_norm = norm(&current.gradient);

    let (theta, mut current, iterations) = newton(params, &problem, theta, current, &signals)?;
    let gradient_norm = norm(&current.gradient);
    if !(gradient_norm <= params.gradient_tolerance) {
        let hint = if params.alpha == 0.0 {
            "the unpenalised optimum may not exist (a combination of signals separates won from lost): use alpha > 0, or raise max_iterations / newton_steps".to_string()
        } else {
            "raise max_iterations or newton_steps, standardise wildly scaled signals, or raise alpha".to_string()
        };
        return Err(FitError::NotConverged {
            gradient_norm,
            tolerance: params.gradient_tolerance,
            iterations,
            hint,
        });
    }

    let StandardErrors {
        intercept,
        coef,
        intercept_std_err,
        std_err,
        z,
        p_value,
    } = if params.standard_errors {
        let errors = standard_errors(current.hessian(&problem), &theta, means, &signals)?;
        instability_warnings(&errors.coef, &errors.std_err, centred.sds(), &signals, &mut warnings);
        errors
    } else {
        StandardErrors::not_computed(&theta, means)
    };
    let (objective, log_likelihood) = (current.objective, current.log_likelihood);

    Ok(LogisticFit {
        alpha: params.alpha,
        signals,
        columns: keep,
        n_input_columns: x.ncols(),
        intercept,
        coef,
        intercept_std_err,
        std_err,
        z,
        p_value,
        log_likelihood,
        objective,
        gradient_norm,
        lbfgs_gradient_norm,
        iterations,
        converged: true,
        n: n_won + n_lost,
        won: n_won,
        dropped,
        warnings,
    })
}

/// The matrix, outcomes and names must agree in size.
fn check_shapes(x: ArrayView2<f64>, won: &[bool], names: &[String]) -> Result<(), FitError> {
    if x.nrows() != won.len() {
        return Err(FitError::Shape(format!(
            "{} rows in the matrix but {} outcomes",
            x.nrows(),
            won.len()
        )));
    }
    if x.ncols() != names.len() {
        return Err(FitError::Shape(format!(
            "{} columns in the matrix but {} names",
            x.ncols(),
            names.len()
        )));
    }
    Ok(())
}

/// Every weight a positive whole number of leads, one per row.
fn check_weights(weights: &[f64], rows: usize) -> Result<(), FitError> {
    if weights.len() != rows {
        return Err(FitError::Shape(format!("{rows} rows but {} weights", weights.len())));
    }
    match weights.iter().position(|&w| !(w >= 1.0 && w.fract() == 0.0 && w.is_finite())) {
        Some(i) => Err(FitError::Shape(format!("row {i} stands for {} leads: expected a whole number of at least 1", weights[i]))),
        None => Ok(()),
    }
}

/// The starting point of Newton: the warm fit when there is one, else L-BFGS from the
/// intercept-only model (kept only if better), else the intercept-only model.
fn start(
    params: &ValidFitParams,
    problem: &Problem,
    (n_won, n_lost): (usize, usize),
    warm: Option<&LogisticFit>,
) -> Result<Vec<f64>, FitError> {
    let p = problem.p();
    let rate = n_won as f64 / (n_won + n_lost) as f64;
    let mut theta = vec![0.0; p + 1];
    theta[0] = (rate / (1.0 - rate)).ln();
    if let Some(w) = warm {
        // The warm fit's weights in the centred parameterisation: b_c = b + m·w.
        theta[0] = w.intercept + (0..p).map(|j| problem.xc.means[j] * w.coef[j]).sum::<f64>();
        theta[1..].copy_from_slice(&w.coef);
    } else if params.max_iterations > 0 {
        theta = lbfgs(params, problem, theta)?;
    }
    Ok(theta)
}

/// L-BFGS as linfa-logistic runs it (`lbfgs.rs`). Its objective is Σ −log σ(y·z) + alpha/2·‖w‖² with y = ±1 and
/// the intercept unpenalised, i.e. exactly ours, so alpha passes through unchanged. It labels
/// the MORE FREQUENT class +1, so read back which class it treated as positive and flip.
fn lbfgs(
    params: &ValidFitParams,
    problem: &Problem,
    mut theta: Vec<f64>,
) -> Result<Vec<f64>, FitError> {
    let won = problem.y;
    // With Newton polishing on every row afterwards, L-BFGS only has to land near the
    // optimum: a stride sample (cohorts are in time order, so all are represented) with
    // the penalty scaled to the sample's size does that at a fraction of the cost.
    let n = won.len();
    let sample: Option<Vec<usize>> = (params.newton_steps > 0 && n > WARM_START_ROWS)
        .then(|| (0..n).step_by(n.div_ceil(WARM_START_ROWS)).collect());
    let (targets, alpha) = match &sample {
        Some(rows) => (rows.iter().map(|&i| won[i]).collect::<Vec<bool>>(), params.alpha * rows.len() as f64 / n as f64),
        None => (won.to_vec(), params.alpha),
    };
    // The rows as bytes where they are bytes (and the products on bytes run here), else stored.
    let bytes = problem.xc.bytes_of(sample.as_deref());
    let stored;
    let records = match bytes.as_deref().and_then(|b| Records::bytes(ByteBlock::new(b, &problem.xc.means))) {
        Some(records) => records,
        None => {
            stored = problem.xc.matrix(sample.as_deref());
            Records::Stored(stored.view())
        }
    };
    match super::lbfgs::fit(records, &targets, alpha, params.max_iterations, params.gradient_tolerance) {
        Ok(fitted) => {
            let sign = if fitted.positive_class { 1.0 } else { -1.0 };
            let cand: Vec<f64> = std::iter::once(fitted.intercept)
                .chain(fitted.coef.iter().copied())
                .map(|v| sign * v)
                .collect();
            // Keep L-BFGS's answer only if it is finite and better than the intercept-only start.
            if cand.iter().all(|v| v.is_finite())
                && problem.objective(&cand).0 <= problem.objective(&theta).0
            {
                theta = cand;
            }
        }
        // A line-search failure is not fatal: Newton then starts from the intercept-only model.
        Err(e) if params.newton_steps > 0 => {
            let _ = e;
        }
        Err(e) => return Err(FitError::Solver(e)),
    }
    Ok(theta)
}

/// Newton polish on the exact objective (damped by step halving). The Hessian of a point
/// is formed when a step is taken from it, so the last point's only when asked for
/// (the standard errors).
fn newton(
    params: &ValidFitParams,
    problem: &Problem,
    mut theta: Vec<f64>,
    mut current: Evaluation,
    signals: &[String],
) -> Result<(Vec<f64>, Evaluation, usize), FitError> {
    let mut iterations = 0;
    let target = params.gradient_tolerance * 1e-3;
    while iterations < params.newton_steps && norm(&current.gradient) > target {
        let l = cholesky(current.hessian(problem)).map_err(|idx| collinear_error(idx, signals))?;
        let step = chol_solve(&l, &current.gradient);
        let (f, g_norm) = (current.objective, norm(&current.gradient));
        let slack = 1e-12 * f.abs().max(1.0); // summation rounding in the objective
        let mut t = 1.0;
        let mut accepted = false;
        while t > 1e-12 {
            let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            // Full steps are nearly always taken: evaluate the gradient in the same pass.
            let evaluated = problem.evaluate(
                &cand,
                if t == 1.0 {
                    Need::Gradient
                } else {
                    Need::Objective
                },
            );
            let fc = evaluated.objective;
            if fc.is_finite() && fc <= f + slack {
                let evaluated = if t == 1.0 {
                    evaluated
                } else {
                    problem.evaluate(&cand, Need::Gradient)
                };
                // Within rounding of the objective, judge the step by the gradient instead.
                if fc < f - slack || norm(&evaluated.gradient) < g_norm {
                    theta = cand;
                    current = evaluated;
                    accepted = true;
                    break;
                }
            }
            t *= 0.5;
        }
        iterations += 1;
        if !accepted {
            break; // at the floating-point floor
        }
    }
    Ok((theta, current, iterations))
}
