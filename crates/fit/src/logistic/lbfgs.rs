//! L-BFGS for Newton's starting point: the iterations linfa-logistic 0.8.1 runs for a
//! binary fit (argmin's L-BFGS with memory 10 and a Moré–Thuente line search, on the
//! objective Σ −log σ(y·z) + alpha/2·‖w‖², y = ±1, the intercept last and unpenalised),
//! computed the same way to the bit. Two products differ in how they walk memory, not in
//! their sums: Xᵀv (the gradient) and X·w (the margins), in `same_order.rs`. On 41k leads
//! Xᵀv alone was about a seventh of a whole recalibration. A test checks the fit equals
//! linfa-logistic's.

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use argmin_math::{ArgminAdd, ArgminDot, ArgminL1Norm, ArgminL2Norm, ArgminMinMax, ArgminMul, ArgminSignum, ArgminSub, ArgminZeroLike};
use ndarray::{s, Array1, ArrayView2, Zip};

use super::centred::{ByteBlock, CentredBlock};
use super::same_order;

/// What L-BFGS found: the intercept and weights for the class it labelled +1 (the more
/// frequent; the first row's on a tie), and which class that was.
#[derive(Debug)]
pub(super) struct LbfgsFit {
    pub intercept: f64,
    pub coef: Array1<f64>,
    pub positive_class: bool,
}

/// The rows L-BFGS reads, centred: stored, or kept as bytes and centred as they are read
/// (1.5 MB instead of 12 MB for its 50,000-row sample of 30 signals: the products were
/// waiting on memory). Bytes only where [`Records::bytes`] allows.
pub(super) enum Records<'a> {
    Stored(ArrayView2<'a, f64>),
    Bytes(ByteBlock<'a>),
}

impl<'a> Records<'a> {
    /// Byte rows, where the products on them have the bits of the stored rows' (the CPU
    /// runs matrixmultiply's FMA kernel, which `same_order` follows; ndarray's other
    /// kernels need the values stored), and there are at least two rows of two values
    /// (ndarray sums a single row or column in another order).
    pub(super) fn bytes(rows: ByteBlock<'a>) -> Option<Records<'a>> {
        (same_order::times_here() && rows.len() >= 2 && rows.width() >= 2).then_some(Records::Bytes(rows))
    }

    fn nrows(&self) -> usize {
        match self {
            Records::Stored(x) => x.nrows(),
            Records::Bytes(rows) => rows.len(),
        }
    }

    fn ncols(&self) -> usize {
        match self {
            Records::Stored(x) => x.ncols(),
            Records::Bytes(rows) => rows.width(),
        }
    }
}

/// Fit `x` (rows × signals) against `won` from zero weights, for at most `max_iterations`
/// L-BFGS iterations or until the gradient's norm is under `gradient_tolerance`. Errors
/// read as linfa-logistic's do.
pub(super) fn fit(x: Records, won: &[bool], alpha: f64, max_iterations: u64, gradient_tolerance: f64) -> Result<LbfgsFit, String> {
    if !alpha.is_finite() || alpha < 0.0 {
        return Err("alpha must be a positive, finite number".into());
    }
    if !gradient_tolerance.is_finite() || gradient_tolerance <= 0.0 {
        return Err("gradient_tolerance must be a positive, finite number".into());
    }
    let Some(&first) = won.first() else { return Err("Fewer than two classes for logistic regression".into()) };
    let first_count = won.iter().filter(|&&w| w == first).count();
    if first_count == won.len() {
        return Err("Fewer than two classes for logistic regression".into());
    }
    if x.nrows() != won.len() {
        return Err(format!("Expected `x` and `y` to have same number of rows, got {} != {}", x.nrows(), won.len()));
    }
    // Bytes centred by finite means are finite.
    if let Records::Stored(values) = &x {
        if values.iter().any(|v| !v.is_finite()) {
            return Err("Values must be finite and not `Inf`, `-Inf` or `NaN`".into());
        }
    }
    // The more frequent class is +1 (the first row's class on a tie).
    let positive_class = if first_count < won.len() - first_count { !first } else { first };
    let target: Array1<f64> = won.iter().map(|&w| if w == positive_class { 1.0 } else { -1.0 }).collect();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10).with_tolerance_grad(gradient_tolerance).map_err(|e| e.to_string())?;
    let p = x.ncols();
    let start = Param(Array1::zeros(p + 1));
    let result = Executor::new(Objective { x, target, alpha }, solver)
        .configure(|state| state.param(start).max_iters(max_iterations))
        .run()
        .map_err(|e| e.to_string())?;
    let w = result.state.best_param.map_or_else(|| Array1::zeros(p + 1), |w| w.0);
    Ok(LbfgsFit { intercept: w[p], coef: w.slice(s![..p]).to_owned(), positive_class })
}

/// The penalised logistic loss of targets ±1; parameters are the weights, then the intercept.
struct Objective<'a> {
    x: Records<'a>,
    target: Array1<f64>,
    alpha: f64,
}

impl Objective<'_> {
    /// The margins y·z of every row.
    fn margins(&self, w: &Array1<f64>) -> Result<Array1<f64>, argmin::core::Error> {
        let p = self.x.ncols();
        let x = match &self.x {
            Records::Stored(x) => x,
            Records::Bytes(rows) => {
                let weights = w.slice(s![..p]).to_vec();
                let z = same_order::times_of(rows, &weights).ok_or_else(|| argmin::core::Error::msg("byte rows need the FMA kernel"))?;
                return Ok((Array1::from(z) + w[p]) * &self.target);
            }
        };
        if let Some(z) = same_order::times(*x, w.slice(s![..p])) {
            return Ok((z + w[p]) * &self.target);
        }
        let weights = w.slice(s![..p]).into_shape_with_order((p, 1))?;
        let z = x.dot(&weights) + w[p];
        let n = z.len();
        Ok(z.into_shape_with_order(n)? * &self.target)
    }
}

fn log_logistic(x: f64) -> f64 {
    if x > 0.0 {
        -(1.0 + (-x).exp()).ln()
    } else {
        x - (1.0 + x.exp()).ln()
    }
}

impl CostFunction for Objective<'_> {
    type Param = Param;
    type Output = f64;

    fn cost(&self, w: &Param) -> Result<f64, argmin::core::Error> {
        let mut yz = self.margins(&w.0)?;
        yz.mapv_inplace(log_logistic);
        let weights = w.0.slice(s![..self.x.ncols()]);
        Ok(-yz.sum() + 0.5 * self.alpha * weights.dot(&weights))
    }
}

impl Gradient for Objective<'_> {
    type Param = Param;
    type Gradient = Param;

    fn gradient(&self, w: &Param) -> Result<Param, argmin::core::Error> {
        let p = self.x.ncols();
        let mut yz = self.margins(&w.0)?;
        yz.mapv_inplace(|v| 1.0 / (1.0 + (-v).exp()));
        yz -= 1.0;
        yz *= &self.target;
        let mut grad = Array1::zeros(p + 1);
        let xt_v = match &self.x {
            Records::Stored(x) => same_order::transposed_times(*x, yz.view()),
            Records::Bytes(rows) => Array1::from(same_order::transposed_times_of(rows, yz.as_slice().ok_or_else(|| argmin::core::Error::msg("margins not contiguous"))?)),
        };
        grad.slice_mut(s![..p]).assign(&(xt_v + &(&w.0.slice(s![..p]) * self.alpha)));
        grad[p] = yz.sum();
        Ok(Param(grad))
    }
}

/// argmin's view of a parameter vector; each operation computes what linfa-logistic's does.
#[derive(Clone, Debug, Default, PartialEq)]
struct Param(Array1<f64>);

fn elementwise_dot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    Zip::from(a).and(b).fold(0.0, |acc, &a, &b| acc + a * b)
}

impl ArgminSub<f64, Param> for Param {
    fn sub(&self, other: &f64) -> Param {
        Param(&self.0 - *other)
    }
}

impl ArgminSub<Param, Param> for Param {
    fn sub(&self, other: &Param) -> Param {
        Param(&self.0 - &other.0)
    }
}

impl ArgminAdd<f64, Param> for Param {
    fn add(&self, other: &f64) -> Param {
        Param(&self.0 + *other)
    }
}

impl ArgminAdd<Param, Param> for Param {
    fn add(&self, other: &Param) -> Param {
        Param(&self.0 + &other.0)
    }
}

impl ArgminDot<Param, f64> for Param {
    fn dot(&self, other: &Param) -> f64 {
        elementwise_dot(&self.0, &other.0)
    }
}

impl ArgminL1Norm<f64> for Param {
    // linfa-logistic's "L1 norm" is the L2 norm; argmin's L-BFGS uses it only to stop.
    fn l1_norm(&self) -> f64 {
        elementwise_dot(&self.0, &self.0).sqrt()
    }
}

impl ArgminL2Norm<f64> for Param {
    fn l2_norm(&self) -> f64 {
        elementwise_dot(&self.0, &self.0).sqrt()
    }
}

impl ArgminMul<f64, Param> for Param {
    fn mul(&self, other: &f64) -> Param {
        Param(&self.0 * *other)
    }
}

impl ArgminMul<Param, Param> for Param {
    fn mul(&self, other: &Param) -> Param {
        Param(&self.0 * &other.0)
    }
}

impl ArgminMul<Param, Param> for f64 {
    fn mul(&self, other: &Param) -> Param {
        Param(&other.0 * *self)
    }
}

impl ArgminSignum for Param {
    fn signum(self) -> Param {
        self
    }
}

impl ArgminZeroLike for Param {
    fn zero_like(&self) -> Param {
        Param(Array1::zeros(self.0.len()))
    }
}

impl ArgminMinMax for Param {
    fn min(x: &Param, y: &Param) -> Param {
        Param(x.0.iter().zip(&y.0).map(|(&a, &b)| if a < b { a } else { b }).collect())
    }

    fn max(x: &Param, y: &Param) -> Param {
        Param(x.0.iter().zip(&y.0).map(|(&a, &b)| if a > b { a } else { b }).collect())
    }
}

#[cfg(test)]
mod tests {
    use linfa::prelude::*;
    use linfa_logistic::LogisticRegression;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;
    // linfa's prelude has a `Records` trait too.
    use super::Records;

    /// Rows of small counts and 0/1 flags (what features are), outcomes from a known model.
    fn data(rows: usize, signals: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let x = Array2::from_shape_fn((rows, signals), |(_, j)| if j % 2 == 0 { rng.random_range(0..6) as f64 } else { f64::from(rng.random_bool(0.3)) });
        let won = x.rows().into_iter().map(|r| {
            let z = -2.0 + r.iter().enumerate().map(|(j, v)| v * (0.3 - 0.07 * j as f64)).sum::<f64>();
            rng.random::<f64>() < 1.0 / (1.0 + (-z).exp())
        });
        let won = won.collect();
        (x, won)
    }

    #[test]
    fn the_fit_is_linfa_logistics_to_the_bit() {
        // Rare wins (-1 is won) and common wins, several sizes, penalties and iteration limits.
        for (rows, signals, seed, alpha, iterations) in [(400, 5, 1, 1.0, 100), (3000, 12, 2, 0.0, 100), (2000, 7, 3, 30.0, 4), (500, 2, 4, 0.5, 100)] {
            let (mut x, mut won) = data(rows, signals, seed);
            if seed == 3 {
                won.iter_mut().for_each(|w| *w = !*w);
            }
            // Centred, as the solver hands it over.
            let means = x.mean_axis(ndarray::Axis(0)).unwrap();
            x -= &means;
            let ours = fit(Records::Stored(x.view()), &won, alpha, iterations, 1e-6).unwrap();
            let dataset = DatasetBase::new(x.view(), Array1::from(won.clone()));
            let theirs =
                LogisticRegression::default().alpha(alpha).with_intercept(true).max_iterations(iterations).gradient_tolerance(1e-6).fit(&dataset).unwrap();
            assert_eq!(ours.positive_class, theirs.labels().pos.class, "rows {rows}");
            assert_eq!(ours.intercept.to_bits(), theirs.intercept().to_bits(), "rows {rows}");
            assert!(ours.coef.iter().zip(theirs.params()).all(|(a, b)| a.to_bits() == b.to_bits()), "rows {rows}: {} vs {}", ours.coef, theirs.params());
            assert!(ours.coef.iter().any(|&c| c != 0.0));
        }
    }

    /// The sample kept as bytes, centred as it is read, gives the fit of the same rows
    /// stored centred, to the bit.
    #[test]
    fn byte_rows_give_the_stored_rows_fit_to_the_bit() {
        let (x, won) = data(3000, 12, 5);
        let (n, p) = x.dim();
        let bytes: Vec<u8> = x.iter().map(|&v| v as u8).collect();
        let means: Vec<f64> = (0..p).map(|j| x.column(j).sum() / n as f64).collect();
        let stored = Array2::from_shape_fn((n, p), |(i, j)| f64::from(bytes[i * p + j]) - means[j]);
        let Some(records) = Records::bytes(ByteBlock::new(&bytes, &means)) else {
            return eprintln!("matrixmultiply picks another kernel on this CPU: L-BFGS reads stored rows");
        };
        let ours = fit(records, &won, 2.0, 100, 1e-6).unwrap();
        let theirs = fit(Records::Stored(stored.view()), &won, 2.0, 100, 1e-6).unwrap();
        assert_eq!(ours.intercept.to_bits(), theirs.intercept.to_bits());
        assert!(ours.coef.iter().zip(&theirs.coef).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert!(Records::bytes(ByteBlock::new(&bytes[..p], &means)).is_none(), "one row is left to ndarray");
    }

    #[test]
    fn one_class_and_non_finite_values_are_refused_in_linfas_words() {
        let x = Array2::from_shape_vec((3, 2), vec![0.0, 1.0, 1.0, 0.0, 2.0, 1.0]).unwrap();
        assert!(fit(Records::Stored(x.view()), &[true, true, true], 1.0, 10, 1e-6).unwrap_err().contains("Fewer than two classes"));
        let mut bad = x.clone();
        bad[(1, 1)] = f64::NAN;
        assert!(fit(Records::Stored(bad.view()), &[true, false, true], 1.0, 10, 1e-6).unwrap_err().contains("finite"));
    }
}
