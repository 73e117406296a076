//! The exact penalised objective on centred columns, its gradient and Hessian, computed in
//! parallel blocks with a fixed summation order.

use ndarray::Array2;

/// Rows per block of the passes over the data. Blocks run in parallel and their sums are
/// added in block order, so the result has the same bits on any number of cores.
const BLOCK_ROWS: usize = 2048;

/// What one pass over the data computes at θ.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Need {
    Objective,
    Hessian,
}

/// The penalised objective at θ, with its gradient and Hessian when asked for.
pub(super) struct Evaluation {
    pub(super) objective: f64,
    pub(super) log_likelihood: f64,
    pub(super) gradient: Vec<f64>,
    pub(super) hessian: Array2<f64>,
}

/// Exact penalised problem on centred columns; θ = [intercept, w_1..w_p].
pub(super) struct Problem<'a> {
    /// Centred signals, row after row (`p` values each).
    pub(super) xc: &'a [f64],
    pub(super) p: usize,
    pub(super) y: &'a [bool],
    /// Leads each row stands for (a grouped table); None: one each. A row of weight w
    /// counts as w identical leads, so the optimum is the leads' optimum.
    pub(super) weights: Option<&'a [f64]>,
    pub(super) alpha: f64,
}

impl Problem<'_> {
    /// Log-likelihood, gradient and Hessian sums of rows `start..end` (one pass over them).
    /// `weighted` is scratch space of at least `end − start` rows (reused across blocks).
    fn block(
        &self,
        theta: &[f64],
        start: usize,
        end: usize,
        need: Need,
        weighted: &mut Array2<f64>,
    ) -> Evaluation {
        let p = self.p;
        let k = p + 1;
        let rows = &self.xc[start * p..end * p];
        let mut log_likelihood = 0.0;
        let mut gradient = vec![0.0; if need == Need::Hessian { k } else { 0 }];
        // Row r of `weighted` is √w_r·[1, x_r]: weightedᵀ·weighted = Σ w_r·[1, x_r]ᵀ[1, x_r].
        let mut weighted =
            (need == Need::Hessian).then(|| weighted.slice_mut(ndarray::s![..end - start, ..]));
        for (r, (x, &won)) in rows
            .chunks_exact(p.max(1))
            .zip(&self.y[start..end])
            .enumerate()
        {
            let mut z = theta[0];
            for (w, v) in theta[1..].iter().zip(x) {
                z += w * v;
            }
            // One exp per row: e = e^{−|z|} gives both σ(z) and log σ(±z).
            let e = (-z.abs()).exp();
            let signed = if won { z } else { -z };
            let loss = e.ln_1p() + if signed < 0.0 { -signed } else { 0.0 };
            // Unweighted rows keep the exact sums they always had (no multiplication by 1).
            let leads = self.weights.map(|w| w[start + r]);
            log_likelihood -= leads.map_or(loss, |w| w * loss);
            if need == Need::Hessian {
                let prob = if z >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                let residual = prob - if won { 1.0 } else { 0.0 };
                let residual = leads.map_or(residual, |w| w * residual);
                gradient[0] += residual;
                for (g, v) in gradient[1..].iter_mut().zip(x) {
                    *g += residual * v;
                }
                let variance = prob * (1.0 - prob);
                let root_weight = leads.map_or(variance, |w| w * variance).sqrt();
                if let Some(weighted) = weighted.as_mut() {
                    let mut out = weighted.row_mut(r);
                    out[0] = root_weight;
                    for (o, v) in out.iter_mut().skip(1).zip(x) {
                        *o = root_weight * v;
                    }
                }
            }
        }
        let mut hessian = Array2::<f64>::zeros(if need == Need::Hessian {
            (k, k)
        } else {
            (0, 0)
        });
        if let Some(weighted) = &weighted {
            ndarray::linalg::general_mat_mul(1.0, &weighted.t(), weighted, 0.0, &mut hessian);
        }
        Evaluation {
            objective: 0.0,
            log_likelihood,
            gradient,
            hessian,
        }
    }

    /// One parallel pass over all rows.
    pub(super) fn evaluate(&self, theta: &[f64], need: Need) -> Evaluation {
        use rayon::prelude::*;
        let n = self.y.len();
        let k = theta.len();
        let blocks: Vec<Evaluation> = (0..n.div_ceil(BLOCK_ROWS))
            .into_par_iter()
            .map_init(
                || Array2::<f64>::zeros((if need == Need::Hessian { BLOCK_ROWS } else { 0 }, k)),
                |weighted, b| {
                    self.block(
                        theta,
                        b * BLOCK_ROWS,
                        ((b + 1) * BLOCK_ROWS).min(n),
                        need,
                        weighted,
                    )
                },
            )
            .collect();
        let mut total = Evaluation {
            objective: 0.0,
            log_likelihood: 0.0,
            gradient: vec![0.0; if need == Need::Hessian { k } else { 0 }],
            hessian: Array2::<f64>::zeros(if need == Need::Hessian {
                (k, k)
            } else {
                (0, 0)
            }),
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
    pub(super) fn objective(&self, theta: &[f64]) -> (f64, f64) {
        let e = self.evaluate(theta, Need::Objective);
        (e.objective, e.log_likelihood)
    }
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
