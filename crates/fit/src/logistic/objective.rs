//! The exact penalised objective on centred columns, its gradient and Hessian, computed in
//! parallel blocks with a fixed summation order.

use ndarray::Array2;

use super::byte_lanes;
use super::centred::{Block, Centred, CentredBlock};
use super::exp_log1p::exp_and_log1p;
use super::same_order;

/// Rows per block of the passes over the data. Blocks run in parallel and their sums are
/// added in block order, so the result has the same bits on any number of cores.
const BLOCK_ROWS: usize = 2048;

/// What one pass over the data computes at θ.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Need {
    Objective,
    /// The objective, its gradient and each row's Hessian weight (the Hessian itself on demand).
    Gradient,
}

/// The penalised objective at θ, with its gradient when asked for, and its Hessian on demand.
pub(super) struct Evaluation {
    pub(super) objective: f64,
    pub(super) log_likelihood: f64,
    pub(super) gradient: Vec<f64>,
    /// √(w_r·p_r(1−p_r)) of each row at θ: all the Hessian needs besides the rows.
    root_weights: Vec<f64>,
    hessian: Option<Array2<f64>>,
}

impl Evaluation {
    /// The Hessian at this θ, formed on first use: a Newton step needs it, the point a fit
    /// converges to only when its standard errors are wanted.
    pub(super) fn hessian(&mut self, problem: &Problem) -> &Array2<f64> {
        self.hessian.get_or_insert_with(|| problem.hessian(&self.root_weights))
    }
}

/// Exact penalised problem on centred columns; θ = [intercept, w_1..w_p].
pub(super) struct Problem<'a> {
    /// Centred signals, row after row (one value per mean each).
    pub(super) xc: &'a Centred,
    pub(super) y: &'a [bool],
    /// Leads each row stands for (a grouped table); None: one each. A row of weight w
    /// counts as w identical leads, so the optimum is the leads' optimum.
    pub(super) weights: Option<&'a [f64]>,
    pub(super) alpha: f64,
}

/// One block's sums: log-likelihood and gradient, and its rows' Hessian weights.
struct BlockSums {
    log_likelihood: f64,
    gradient: Vec<f64>,
    root_weights: Vec<f64>,
}

impl Problem<'_> {
    /// Signals (the intercept aside).
    pub(super) fn p(&self) -> usize {
        self.xc.means.len()
    }

    /// Log-likelihood and gradient sums of rows `start..end` (one pass over them).
    fn block(&self, theta: &[f64], start: usize, end: usize, need: Need, scratch: &mut Vec<f64>) -> BlockSums {
        match self.xc.block(start, end, scratch) {
            Block::Stored(rows) => self.block_sums_here(theta, &rows, start, need),
            Block::Bytes(rows) => self.block_sums_here(theta, &rows, start, need),
        }
    }

    /// [`Problem::block_sums`] compiled for this CPU's widest vectors ([`same_order::wide_vectors`]).
    fn block_sums_here(&self, theta: &[f64], rows: &impl CentredBlock, start: usize, need: Need) -> BlockSums {
        #[cfg(target_arch = "x86_64")]
        if same_order::wide_vectors() {
            // SAFETY: the CPU has AVX2 (wide_vectors).
            return unsafe { self.block_sums_avx2(theta, rows, start, need) };
        }
        self.block_sums(theta, rows, start, need)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn block_sums_avx2(&self, theta: &[f64], rows: &impl CentredBlock, start: usize, need: Need) -> BlockSums {
        self.block_sums(theta, rows, start, need)
    }

    /// [`Problem::block`] of the rows `rows`, which start at row `start`.
    #[inline(always)]
    fn block_sums(&self, theta: &[f64], rows: &impl CentredBlock, start: usize, need: Need) -> BlockSums {
        let end = start + rows.len();
        let k = theta.len();
        let gradient_too = need == Need::Gradient;
        let mut sums = BlockSums {
            log_likelihood: 0.0,
            gradient: vec![0.0; if gradient_too { k } else { 0 }],
            root_weights: Vec::with_capacity(if gradient_too { end - start } else { 0 }),
        };
        let margins = margins(theta, rows);
        // One exp per row: e = e^{−|z|} gives both σ(z) and log σ(±z).
        let (exps, logs) = exp_and_log1p(&margins);
        let won = &self.y[start..end];
        // Unweighted rows keep the exact sums they always had (no multiplication by 1).
        let leads = self.weights.map(|w| &w[start..end]);
        // What each row adds is worked out for all rows first (these loops run four rows
        // an instruction), then added up in row order, as one row at a time added it.
        let losses: Vec<f64> = won
            .iter()
            .zip(&margins)
            .zip(&logs)
            .map(|((&won, &z), &log1p)| {
                let signed = if won { z } else { -z };
                log1p + if signed < 0.0 { -signed } else { 0.0 }
            })
            .collect();
        match leads {
            None => losses.iter().for_each(|loss| sums.log_likelihood -= loss),
            Some(leads) => losses.iter().zip(leads).for_each(|(loss, w)| sums.log_likelihood -= w * loss),
        }
        if gradient_too {
            let probs: Vec<f64> = margins.iter().zip(&exps).map(|(&z, &e)| mqlcal_metrics::sigmoid_given_exp(z, e)).collect();
            let residual = |(&prob, &won): (&f64, &bool)| prob - if won { 1.0 } else { 0.0 };
            let variance = |&prob: &f64| prob * (1.0 - prob);
            let residuals: Vec<f64> = match leads {
                None => {
                    sums.root_weights.extend(probs.iter().map(|p| variance(p).sqrt()));
                    probs.iter().zip(won).map(residual).collect()
                }
                Some(leads) => {
                    sums.root_weights.extend(probs.iter().zip(leads).map(|(p, w)| (w * variance(p)).sqrt()));
                    probs.iter().zip(won).zip(leads).map(|(row, w)| w * residual(row)).collect()
                }
            };
            match rows.as_bytes().and_then(|bytes| byte_lanes::gradient_sums(&bytes, &residuals)) {
                Some(gradient) => sums.gradient = gradient,
                None => {
                    for (r, &residual) in residuals.iter().enumerate() {
                        sums.gradient[0] += residual;
                        for (g, v) in sums.gradient[1..].iter_mut().zip(rows.row(r)) {
                            *g += residual * v;
                        }
                    }
                }
            }
        }
        sums
    }

    /// One parallel pass over all rows.
    pub(super) fn evaluate(&self, theta: &[f64], need: Need) -> Evaluation {
        use rayon::prelude::*;
        let n = self.y.len();
        let k = theta.len();
        let blocks: Vec<BlockSums> = (0..n.div_ceil(BLOCK_ROWS))
            .into_par_iter()
            .map_init(Vec::new, |scratch, b| self.block(theta, b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(n), need, scratch))
            .collect();
        let mut log_likelihood = 0.0;
        let mut gradient = vec![0.0; if need == Need::Gradient { k } else { 0 }];
        let mut root_weights = Vec::with_capacity(if need == Need::Gradient { n } else { 0 });
        for b in &blocks {
            log_likelihood += b.log_likelihood;
            for (t, g) in gradient.iter_mut().zip(&b.gradient) {
                *t += g;
            }
            root_weights.extend_from_slice(&b.root_weights);
        }
        let penalty: f64 = theta[1..].iter().map(|w| w * w).sum::<f64>() * self.alpha / 2.0;
        for (g, w) in gradient.iter_mut().zip(theta).skip(1) {
            *g += self.alpha * w;
        }
        Evaluation {
            objective: -log_likelihood + penalty,
            log_likelihood,
            gradient,
            root_weights,
            hessian: None,
        }
    }

    /// The Hessian Σ w_r·p_r(1−p_r)·[1, x_r]ᵀ[1, x_r] + alpha (signals only), from each
    /// row's root weight: per block, row r of `weighted` is √(w_r·p_r(1−p_r))·[1, x_r] and
    /// the block adds weightedᵀ·weighted.
    fn hessian(&self, root_weights: &[f64]) -> Array2<f64> {
        use rayon::prelude::*;
        let p = self.p();
        let k = p + 1;
        let n = self.y.len();
        // Each block's rows, weighted, `stride` values apart (the product's layout).
        let stride = same_order::gram_stride(k);
        let blocks: Vec<Array2<f64>> = (0..n.div_ceil(BLOCK_ROWS))
            .into_par_iter()
            .map_init(
                || (vec![0.0; BLOCK_ROWS * stride], Vec::new()),
                |(weighted, scratch), b| {
                    let (start, end) = (b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(n));
                    let weighted = &mut weighted[..(end - start) * stride];
                    let roots = &root_weights[start..end];
                    match self.xc.block(start, end, scratch) {
                        Block::Stored(rows) => weigh_rows_here(&rows, roots, weighted, k, stride),
                        Block::Bytes(rows) => weigh_rows_here(&rows, roots, weighted, k, stride),
                    }
                    same_order::gram(weighted, k, stride)
                },
            )
            .collect();
        let mut hessian = Array2::<f64>::zeros((k, k));
        for b in &blocks {
            hessian += b;
        }
        // Exactly symmetric, whatever the kernel's summation order (the product is already;
        // kept so that an overflowing sum reads as it always has).
        for a in 0..k {
            for b in 0..a {
                let mean = 0.5 * (hessian[[a, b]] + hessian[[b, a]]);
                hessian[[a, b]] = mean;
                hessian[[b, a]] = mean;
            }
        }
        for j in 1..k {
            hessian[[j, j]] += self.alpha;
        }
        hessian
    }

    /// (objective, log-likelihood)
    pub(super) fn objective(&self, theta: &[f64]) -> (f64, f64) {
        let e = self.evaluate(theta, Need::Objective);
        (e.objective, e.log_likelihood)
    }
}

/// [`weigh_rows`] compiled for this CPU's widest vectors (byte rows: `byte_lanes`).
fn weigh_rows_here(rows: &impl CentredBlock, roots: &[f64], out: &mut [f64], k: usize, stride: usize) {
    if rows.as_bytes().is_some_and(|bytes| byte_lanes::weigh_rows(&bytes, roots, out, stride)) {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if same_order::wide_vectors() {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(rows: &impl CentredBlock, roots: &[f64], out: &mut [f64], k: usize, stride: usize) {
            weigh_rows(rows, roots, out, k, stride)
        }
        // SAFETY: the CPU has AVX2 (wide_vectors).
        return unsafe { avx2(rows, roots, out, k, stride) };
    }
    weigh_rows(rows, roots, out, k, stride)
}

/// Row r of `out` (rows `stride` values apart): √(w_r·p_r(1−p_r))·[1, x_r], from each
/// row's root weight.
#[inline(always)]
fn weigh_rows(rows: &impl CentredBlock, roots: &[f64], out: &mut [f64], k: usize, stride: usize) {
    for (r, (out, &root)) in out.chunks_exact_mut(stride).zip(roots).enumerate() {
        out[0] = root;
        for (o, v) in out[1..k].iter_mut().zip(rows.row(r)) {
            *o = root * v;
        }
    }
}

/// θ₀ + θ₁·x₁ + … + θ_p·x_p of each row, summed left to right as for one row alone, but
/// eight rows at a time: one row's sum waits on each addition, eight sums in two vectors
/// overlap. (From four, this gained little: gathering the eight rows' bytes now bounds it.)
#[inline(always)]
fn margins(theta: &[f64], rows: &impl CentredBlock) -> Vec<f64> {
    let (intercept, weights) = (theta[0], &theta[1..]);
    let n = rows.len();
    let mut out = Vec::with_capacity(n);
    let whole = n - n % 8;
    for r in (0..whole).step_by(8) {
        let mut z = [intercept; 8];
        let eight = weights.iter().zip(rows.row(r)).zip(rows.row(r + 1)).zip(rows.row(r + 2)).zip(rows.row(r + 3));
        let eight = eight.zip(rows.row(r + 4)).zip(rows.row(r + 5)).zip(rows.row(r + 6)).zip(rows.row(r + 7));
        for ((((((((w, a), b), c), d), e), f), g), h) in eight {
            z[0] += w * a;
            z[1] += w * b;
            z[2] += w * c;
            z[3] += w * d;
            z[4] += w * e;
            z[5] += w * f;
            z[6] += w * g;
            z[7] += w * h;
        }
        out.extend_from_slice(&z);
    }
    for r in whole..n {
        let mut z = intercept;
        for (w, v) in weights.iter().zip(rows.row(r)) {
            z += w * v;
        }
        out.push(z);
    }
    out
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::margins;
    use crate::logistic::centred::{centre, Block, Centred, CentredBlock, CentredRows, StoredBlock};

    /// Each row's margin summed alone, left to right.
    fn alone(theta: &[f64], rows: &impl CentredBlock) -> Vec<u64> {
        (0..rows.len())
            .map(|r| rows.row(r).zip(&theta[1..]).fold(theta[0], |z, (v, w)| z + w * v).to_bits())
            .collect()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|z| z.to_bits()).collect()
    }

    #[test]
    fn margins_sum_each_row_as_one_row_alone_is_summed() {
        // Row counts around the groups of eight, and widths 0, 1 and odd.
        for p in [0usize, 1, 3, 29] {
            for n in [0usize, 1, 3, 4, 5, 7, 8, 9, 11, 16, 19] {
                let values: Vec<f64> = (0..n * p).map(|i| ((i * 7919) % 13) as f64 / 3.0 - 1.7).collect();
                let theta: Vec<f64> = (0..=p).map(|j| 0.1 + 0.37 * j as f64 - 1e-3 / (1 + j) as f64).collect();
                let rows = StoredBlock::new(&values, p, n);
                let ours = margins(&theta, &rows);
                assert_eq!(ours.len(), n);
                assert_eq!(bits(&ours), alone(&theta, &rows), "{n} rows, {p} signals");
            }
        }
    }

    #[test]
    fn byte_rows_give_the_stored_rows_margins_to_the_bit() {
        for (n, p) in [(1usize, 1usize), (5, 3), (11, 29), (2048, 29)] {
            let x = ndarray::Array2::from_shape_fn((n, p), |(i, j)| ((i * 31 + j * 7) % if j % 3 == 0 { 2 } else { 9 }) as f64);
            let keep: Vec<usize> = (0..p).collect();
            let bytes = centre(x.view(), &keep).unwrap();
            assert!(matches!(bytes.rows, CentredRows::Bytes(_)));
            let stored = Centred { rows: CentredRows::Stored(bytes.matrix(None).into_owned()), means: bytes.means.clone(), sds: bytes.sds.clone() };
            let theta: Vec<f64> = (0..=p).map(|j| 0.3 - 0.21 * j as f64 + 1e-3 / (1 + j) as f64).collect();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let (Block::Bytes(from_bytes), Block::Stored(from_stored)) = (bytes.block(0, n, &mut a), stored.block(0, n, &mut b)) else {
                panic!("{n} × {p}: not one of each kind")
            };
            assert_eq!(bits(&margins(&theta, &from_bytes)), bits(&margins(&theta, &from_stored)), "{n} × {p}");
            assert_eq!(bits(&margins(&theta, &from_bytes)), alone(&theta, &from_stored), "{n} × {p}");
        }
    }

    /// The passes compiled for AVX2 give the bits of the baseline build (x86-64 only).
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn wide_vectors_change_no_bit() {
        use super::{weigh_rows, weigh_rows_here, Need, Problem};
        if !crate::logistic::same_order::wide_vectors() {
            return;
        }
        let (n, p) = (3000usize, 29usize);
        let x = ndarray::Array2::from_shape_fn((n, p), |(i, j)| ((i * 37 + j * 11 + i / 5) % [2, 7, 41][j % 3]) as f64);
        let y: Vec<bool> = (0..n).map(|i| (i * 7 + i / 11) % 4 == 0).collect();
        let keep: Vec<usize> = (0..p).collect();
        let bytes = centre(x.view(), &keep).unwrap();
        let stored = Centred { rows: CentredRows::Stored(bytes.matrix(None).into_owned()), means: bytes.means.clone(), sds: bytes.sds.clone() };
        let theta: Vec<f64> = (0..=p).map(|j| 0.4 - 0.07 * j as f64 + 1e-3 / (1 + j) as f64).collect();
        let roots: Vec<f64> = (0..n).map(|i| 0.1 + (i % 17) as f64 / 41.0).collect();
        for xc in [&bytes, &stored] {
            let problem = Problem { xc, y: &y, weights: None, alpha: 0.5 };
            let mut scratch = Vec::new();
            let (plain, wide) = match xc.block(0, n, &mut scratch) {
                Block::Bytes(rows) => (problem.block_sums(&theta, &rows, 0, Need::Gradient), unsafe { problem.block_sums_avx2(&theta, &rows, 0, Need::Gradient) }),
                Block::Stored(rows) => (problem.block_sums(&theta, &rows, 0, Need::Gradient), unsafe { problem.block_sums_avx2(&theta, &rows, 0, Need::Gradient) }),
            };
            assert_eq!(plain.log_likelihood.to_bits(), wide.log_likelihood.to_bits());
            assert_eq!(bits(&plain.gradient), bits(&wide.gradient));
            assert_eq!(bits(&plain.root_weights), bits(&wide.root_weights));
            let (mut a, mut b) = (vec![0.0; n * 32], vec![0.0; n * 32]);
            match xc.block(0, n, &mut scratch) {
                Block::Bytes(rows) => (weigh_rows(&rows, &roots, &mut a, p + 1, 32), weigh_rows_here(&rows, &roots, &mut b, p + 1, 32)),
                Block::Stored(rows) => (weigh_rows(&rows, &roots, &mut a, p + 1, 32), weigh_rows_here(&rows, &roots, &mut b, p + 1, 32)),
            };
            assert_eq!(bits(&a), bits(&b));
        }
    }

    #[test]
    fn byte_rows_give_the_stored_rows_objective_gradient_and_hessian_to_the_bit() {
        use super::{Need, Problem};
        // More rows than a block, so block sums are added too.
        let (n, p) = (5000usize, 7usize);
        let x = ndarray::Array2::from_shape_fn((n, p), |(i, j)| ((i * 17 + j * 5 + i / 7) % (j + 2)) as f64);
        let y: Vec<bool> = (0..n).map(|i| (i * 13 + i / 3) % 5 < 2).collect();
        let keep: Vec<usize> = (0..p).collect();
        let bytes = centre(x.view(), &keep).unwrap();
        assert!(matches!(bytes.rows, CentredRows::Bytes(_)));
        let stored = Centred { rows: CentredRows::Stored(bytes.matrix(None).into_owned()), means: bytes.means.clone(), sds: bytes.sds.clone() };
        let theta: Vec<f64> = (0..=p).map(|j| 0.2 - 0.13 * j as f64).collect();
        let problem = |xc| Problem { xc, y: &y, weights: None, alpha: 0.5 };
        let (from_bytes, from_stored) = (problem(&bytes), problem(&stored));
        let (mut a, mut b) = (from_bytes.evaluate(&theta, Need::Gradient), from_stored.evaluate(&theta, Need::Gradient));
        assert_eq!(a.objective.to_bits(), b.objective.to_bits());
        assert_eq!(bits(&a.gradient), bits(&b.gradient));
        let (ha, hb) = (a.hessian(&from_bytes).clone(), b.hessian(&from_stored).clone());
        assert_eq!(bits(ha.as_slice().unwrap()), bits(hb.as_slice().unwrap()));
    }
}
