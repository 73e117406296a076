//! Penalised logistic regression: linfa-logistic (L-BFGS) for a warm start (on a stride
//! sample of at most 50,000 rows when Newton steps follow on all rows), then
//! Newton steps on the exact objective for 1e-4 agreement, standard errors and diagnostics.

use linfa::prelude::*;
use linfa::ParamGuard;
use linfa_logistic::LogisticRegression;
use mqlcal_metrics::{regularized_gamma_q, sigmoid};
use ndarray::{Array1, Array2, ArrayView2, Axis, CowArray};
use serde::{Deserialize, Serialize};

use crate::error::FitError;

/// Unchecked fit settings; call [`ParamGuard::check`] once to get [`ValidFitParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitParams(ValidFitParams);

/// Checked fit settings: the only form [`fit`] accepts, so a bad value fails before any work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidFitParams {
    /// L2 penalty on the signal weights (not the intercept); 0 = plain maximum likelihood.
    pub alpha: f64,
    /// Iteration limit handed to linfa-logistic's L-BFGS.
    pub max_iterations: u64,
    /// Largest acceptable Euclidean norm of the objective's gradient at the solution.
    pub gradient_tolerance: f64,
    /// Newton steps allowed after L-BFGS to polish the optimum (0 = trust L-BFGS alone).
    pub newton_steps: usize,
    /// Minimum number of won and of lost leads required.
    pub min_per_outcome: usize,
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
            min_per_outcome: 10,
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
            return Err(FitError::InvalidParams("min_per_outcome must be >= 1".into()));
        }
        Ok(p)
    }

    fn check(self) -> Result<ValidFitParams, FitError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

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
    /// Gradient norm where L-BFGS (linfa-logistic) stopped, before Newton polishing.
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
        let mut out = Vec::with_capacity(x.nrows());
        for (r, row) in x.outer_iter().enumerate() {
            let mut z = self.intercept;
            for (k, &j) in self.columns.iter().enumerate() {
                let v = row[j];
                if !v.is_finite() {
                    return Err(FitError::NonFinite {
                        row: r,
                        column: self.signals[k].clone(),
                        value: v,
                    });
                }
                z += self.coef[k] * v;
            }
            out.push(z);
        }
        Ok(out)
    }

    /// Probability of winning for each row of a matrix with the same columns as the training input.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Vec<f64>, FitError> {
        Ok(self.linear_score(x)?.into_iter().map(sigmoid).collect())
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

/// Outcome counts, checked against the minimum.
pub(crate) fn check_outcomes(won: &[bool], min: usize) -> Result<(usize, usize), FitError> {
    let w = won.iter().filter(|&&b| b).count();
    let l = won.len() - w;
    if w == 0 || l == 0 {
        return Err(FitError::OneOutcome { won: w, lost: l });
    }
    if w < min || l < min {
        return Err(FitError::TooFewOutcomes { won: w, lost: l, min });
    }
    Ok((w, l))
}

/// Rows L-BFGS (linfa-logistic) sees when Newton steps polish on all rows afterwards.
const WARM_START_ROWS: usize = 50_000;

/// Rows per block of the passes over the data. Blocks run in parallel and their sums are
/// added in block order, so the result has the same bits on any number of cores.
const BLOCK_ROWS: usize = 2048;

/// What one pass over the data computes at θ.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    Objective,
    Hessian,
}

/// The penalised objective at θ, with its gradient and Hessian when asked for.
struct Evaluation {
    objective: f64,
    log_likelihood: f64,
    gradient: Vec<f64>,
    hessian: Array2<f64>,
}

/// Exact penalised problem on centred columns; θ = [intercept, w_1..w_p].
struct Problem<'a> {
    /// Centred signals, row after row (`p` values each).
    xc: &'a [f64],
    p: usize,
    y: &'a [bool],
    alpha: f64,
}

impl Problem<'_> {
    /// Log-likelihood, gradient and Hessian sums of rows `start..end` (one pass over them).
    /// `weighted` is scratch space of at least `end − start` rows (reused across blocks).
    fn block(&self, theta: &[f64], start: usize, end: usize, need: Need, weighted: &mut Array2<f64>) -> Evaluation {
        let p = self.p;
        let k = p + 1;
        let rows = &self.xc[start * p..end * p];
        let mut log_likelihood = 0.0;
        let mut gradient = vec![0.0; if need == Need::Hessian { k } else { 0 }];
        // Row r of `weighted` is √w_r·[1, x_r]: weightedᵀ·weighted = Σ w_r·[1, x_r]ᵀ[1, x_r].
        let mut weighted = (need == Need::Hessian).then(|| weighted.slice_mut(ndarray::s![..end - start, ..]));
        for (r, (x, &won)) in rows.chunks_exact(p.max(1)).zip(&self.y[start..end]).enumerate() {
            let mut z = theta[0];
            for (w, v) in theta[1..].iter().zip(x) {
                z += w * v;
            }
            // One exp per row: e = e^{−|z|} gives both σ(z) and log σ(±z).
            let e = (-z.abs()).exp();
            let signed = if won { z } else { -z };
            log_likelihood -= e.ln_1p() + if signed < 0.0 { -signed } else { 0.0 };
            if need == Need::Hessian {
                let prob = if z >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
                let residual = prob - if won { 1.0 } else { 0.0 };
                gradient[0] += residual;
                for (g, v) in gradient[1..].iter_mut().zip(x) {
                    *g += residual * v;
                }
                let root_weight = (prob * (1.0 - prob)).sqrt();
                if let Some(weighted) = weighted.as_mut() {
                    let mut out = weighted.row_mut(r);
                    out[0] = root_weight;
                    for (o, v) in out.iter_mut().skip(1).zip(x) {
                        *o = root_weight * v;
                    }
                }
            }
        }
        let mut hessian = Array2::<f64>::zeros(if need == Need::Hessian { (k, k) } else { (0, 0) });
        if let Some(weighted) = &weighted {
            ndarray::linalg::general_mat_mul(1.0, &weighted.t(), weighted, 0.0, &mut hessian);
        }
        Evaluation { objective: 0.0, log_likelihood, gradient, hessian }
    }

    /// One parallel pass over all rows.
    fn evaluate(&self, theta: &[f64], need: Need) -> Evaluation {
        use rayon::prelude::*;
        let n = self.y.len();
        let k = theta.len();
        let blocks: Vec<Evaluation> = (0..n.div_ceil(BLOCK_ROWS))
            .into_par_iter()
            .map_init(
                || Array2::<f64>::zeros((if need == Need::Hessian { BLOCK_ROWS } else { 0 }, k)),
                |weighted, b| self.block(theta, b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(n), need, weighted),
            )
            .collect();
        let mut total = Evaluation {
            objective: 0.0,
            log_likelihood: 0.0,
            gradient: vec![0.0; if need == Need::Hessian { k } else { 0 }],
            hessian: Array2::<f64>::zeros(if need == Need::Hessian { (k, k) } else { (0, 0) }),
        };
        for b in &blocks {
            total.log_likelihood += b.log_likelihood;
            if need == Need::Hessian {
                for (t, g) in total.gradient.iter_mut().zip(&b.gradient) {
                    *t += g;
                }
                total.hessian += &b.hessian;
            }
        }
        let penalty: f64 = theta[1..].iter().map(|w| w * w).sum::<f64>() * self.alpha / 2.0;
        total.objective = -total.log_likelihood + penalty;
        if need == Need::Hessian {
            for (g, w) in total.gradient.iter_mut().zip(theta).skip(1) {
                *g += self.alpha * w;
            }
            // Exactly symmetric, whatever the kernel's summation order.
            for a in 0..k {
                for b in 0..a {
                    let mean = 0.5 * (total.hessian[[a, b]] + total.hessian[[b, a]]);
                    total.hessian[[a, b]] = mean;
                    total.hessian[[b, a]] = mean;
                }
            }
            for j in 1..k {
                total.hessian[[j, j]] += self.alpha;
            }
        }
        total
    }

    /// (objective, log-likelihood)
    fn objective(&self, theta: &[f64]) -> (f64, f64) {
        let e = self.evaluate(theta, Need::Objective);
        (e.objective, e.log_likelihood)
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Cholesky factor L (lower) of a symmetric positive-definite matrix; Err(index) of the first failing pivot.
fn cholesky(a: &Array2<f64>) -> Result<Array2<f64>, usize> {
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

fn chol_solve(l: &Array2<f64>, b: &[f64]) -> Vec<f64> {
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

fn chol_inverse(l: &Array2<f64>) -> Array2<f64> {
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

/// Two-sided normal p-value 2·Φ(−|z|) = Q(1/2, z²/2).
fn two_sided_p(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { f64::NAN } else { 0.0 };
    }
    regularized_gamma_q(0.5, z * z / 2.0)
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

fn scan_columns(x: ArrayView2<f64>, won: &[bool]) -> Vec<ColumnScan> {
    let first_row = x.outer_iter().next();
    let mut scans: Vec<ColumnScan> = (0..x.ncols())
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
        for (scan, &v) in scans.iter_mut().zip(row.iter()) {
            scan.all_nan &= v.is_nan();
            if !v.is_finite() && scan.first_non_finite.is_none() {
                scan.first_non_finite = Some((i, v));
            }
            scan.constant &= v == scan.first;
            let range = if y { &mut scan.won_range } else { &mut scan.lost_range };
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
    fit_from(params, x, won, names, None)
}

/// [`fit`], starting Newton from `warm` (a fit of the same rows and columns at a nearby
/// alpha, e.g. the previous point of an alpha grid) instead of an L-BFGS run: from there
/// two or three Newton steps reach the optimum. A `warm` fit of other columns is ignored.
pub fn fit_from(
    params: &ValidFitParams,
    x: ArrayView2<f64>,
    won: &[bool],
    names: &[String],
    warm: Option<&LogisticFit>,
) -> Result<LogisticFit, FitError> {
    FitParams(params.clone()).check_ref()?;
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
    let (n_won, _) = check_outcomes(won, params.min_per_outcome)?;

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
    let p = keep.len();

    let mut warnings = Vec::new();
    for (k, &j) in keep.iter().enumerate() {
        if let Some(detail) = separation_detail(&scans[j]) {
            if params.alpha == 0.0 {
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

    // Centre the kept columns: this changes only the intercept (which is not penalised),
    // so the optimum is the same problem, better conditioned for L-BFGS and Newton.
    // One copy of the kept columns, centred in place (at a million leads each copy is ~250 MB).
    let mut kept = Vec::with_capacity(x.nrows() * p);
    for row in x.outer_iter() {
        kept.extend(keep.iter().map(|&j| row[j]));
    }
    // Row-major by construction: the passes over the data read each row as one slice.
    let mut xc = Array2::from_shape_vec((x.nrows(), p), kept).map_err(|e| FitError::Shape(e.to_string()))?;
    let means = xc.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(p));
    let sds: Vec<f64> = xc.std_axis(Axis(0), 0.0).to_vec();
    xc -= &means.view().insert_axis(Axis(0));
    let problem = Problem {
        xc: xc.as_slice().ok_or_else(|| FitError::Shape("centred signals are not row-major".into()))?,
        p,
        y: won,
        alpha: params.alpha,
    };

    // L-BFGS via linfa-logistic. Its objective is Σ −log σ(y·z) + alpha/2·‖w‖² with y = ±1 and
    // the intercept unpenalised, i.e. exactly ours, so alpha passes through unchanged. It labels
    // the MORE FREQUENT class +1, so read back which class it treated as positive and flip.
    let rate = n_won as f64 / won.len() as f64;
    let mut theta = vec![0.0; p + 1];
    theta[0] = (rate / (1.0 - rate)).ln();
    let warm = warm.filter(|w| w.columns == keep && w.n_input_columns == x.ncols() && params.newton_steps > 0);
    if let Some(w) = warm {
        // The warm fit's weights in the centred parameterisation: b_c = b + m·w.
        theta[0] = w.intercept + (0..p).map(|j| means[j] * w.coef[j]).sum::<f64>();
        theta[1..].copy_from_slice(&w.coef);
    } else if params.max_iterations > 0 {
        // With Newton polishing on every row afterwards, L-BFGS only has to land near the
        // optimum: a stride sample (cohorts are in time order, so all are represented) with
        // the penalty scaled to the sample's size does that at a fraction of the cost.
        let n = won.len();
        let sample: Option<Vec<usize>> =
            (params.newton_steps > 0 && n > WARM_START_ROWS).then(|| (0..n).step_by(n.div_ceil(WARM_START_ROWS)).collect());
        let (records, targets, alpha) = match &sample {
            Some(rows) => (
                CowArray::from(xc.select(Axis(0), rows)),
                rows.iter().map(|&i| won[i]).collect::<Array1<bool>>(),
                params.alpha * rows.len() as f64 / n as f64,
            ),
            None => (CowArray::from(xc.view()), Array1::from(won.to_vec()), params.alpha),
        };
        let dataset = DatasetBase::new(records.view(), targets);
        let model = LogisticRegression::default()
            .alpha(alpha)
            .with_intercept(true)
            .max_iterations(params.max_iterations)
            .gradient_tolerance(params.gradient_tolerance)
            .fit(&dataset);
        match model {
            Ok(m) => {
                let sign = if m.labels().pos.class { 1.0 } else { -1.0 };
                let cand: Vec<f64> = std::iter::once(m.intercept())
                    .chain(m.params().iter().copied())
                    .map(|v| sign * v)
                    .collect();
                // Keep linfa's answer only if it is finite and better than the intercept-only start.
                if cand.iter().all(|v| v.is_finite())
                    && problem.objective(&cand).0 <= problem.objective(&theta).0
                {
                    theta = cand;
                }
            }
            // A line-search failure is not fatal: Newton below starts from the intercept-only model.
            Err(e) if params.newton_steps > 0 => {
                let _ = e;
            }
            Err(e) => return Err(FitError::Solver(e.to_string())),
        }
    }
    let mut current = problem.evaluate(&theta, Need::Hessian);
    let lbfgs_gradient_norm = norm(&current.gradient);

    // Newton polish on the exact objective (damped by step halving). Every accepted point is
    // evaluated with its Hessian, so the last one also gives the standard errors.
    let mut iterations = 0;
    let target = params.gradient_tolerance * 1e-3;
    while iterations < params.newton_steps && norm(&current.gradient) > target {
        let l = cholesky(&current.hessian).map_err(|idx| collinear_error(idx, &signals))?;
        let step = chol_solve(&l, &current.gradient);
        let (f, g_norm) = (current.objective, norm(&current.gradient));
        let slack = 1e-12 * f.abs().max(1.0); // summation rounding in the objective
        let mut t = 1.0;
        let mut accepted = false;
        while t > 1e-12 {
            let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            // Full steps are nearly always taken: evaluate the Hessian in the same pass.
            let evaluated = problem.evaluate(&cand, if t == 1.0 { Need::Hessian } else { Need::Objective });
            let fc = evaluated.objective;
            if fc.is_finite() && fc <= f + slack {
                let evaluated = if t == 1.0 { evaluated } else { problem.evaluate(&cand, Need::Hessian) };
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

    // Standard errors from the inverse Hessian of the penalised objective, mapped from the
    // centred parameters (b_c, w) to the original ones (b = b_c − m·w, w): Cov = T Σ Tᵀ.
    let l = cholesky(&current.hessian).map_err(|idx| collinear_error(idx, &signals))?;
    let cov_c = chol_inverse(&l);
    let mut tmat = Array2::<f64>::eye(p + 1);
    for j in 0..p {
        tmat[[0, j + 1]] = -means[j];
    }
    let cov = tmat.dot(&cov_c).dot(&tmat.t());
    let intercept = theta[0] - (0..p).map(|j| means[j] * theta[j + 1]).sum::<f64>();
    let coef: Vec<f64> = theta[1..].to_vec();
    let intercept_std_err = cov[[0, 0]].max(0.0).sqrt();
    let std_err: Vec<f64> = (1..=p).map(|j| cov[[j, j]].max(0.0).sqrt()).collect();
    let z: Vec<f64> = coef.iter().zip(&std_err).map(|(c, s)| c / s).collect();
    let p_value: Vec<f64> = z.iter().map(|&v| two_sided_p(v)).collect();
    let (objective, log_likelihood) = (current.objective, current.log_likelihood);

    // Instability warnings: implausibly large weights or standard errors.
    let mut se_sorted = std_err.clone();
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
        n: won.len(),
        won: n_won,
        dropped,
        warnings,
    })
}

fn collinear_error(idx: usize, signals: &[String]) -> FitError {
    if idx == 0 {
        FitError::Solver("the intercept's curvature vanished (all fitted probabilities are 0 or 1)".into())
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

    #[test]
    fn p_value_of_196_is_005() {
        assert!((two_sided_p(1.959_963_984_540_054) - 0.05).abs() < 1e-12);
        assert_eq!(two_sided_p(0.0), 1.0);
    }

    #[test]
    fn params_are_checked_once() {
        assert!(FitParams::new().alpha(-1.0).check().is_err());
        assert!(FitParams::new().alpha(f64::NAN).check().is_err());
        assert!(FitParams::new().gradient_tolerance(0.0).check().is_err());
        assert!(FitParams::new().check().is_ok());
    }
}
