//! Two products of L-BFGS computed faster than ndarray computes them, each summing in the
//! order ndarray does, so every bit is kept.
//!
//! Xᵀv (the gradient): ndarray forms it column by column, walking X with a stride of a
//! whole row per signal, each column summed row by row from 0. [`transposed_times`] walks X
//! once, row by row, with the same sums.
//!
//! X·w (the margins), which ndarray hands to matrixmultiply as a product with a
//! p × 1 matrix. matrixmultiply first copies X into panels, which for this shape costs as
//! much as the arithmetic; [`times`] computes the same sums without the copy. (The
//! Hessian's WᵀW stays with matrixmultiply: a version of it written this way, tiled 4 × 4,
//! was 10 % slower.)
//!
//! The order: on an x86-64 CPU with FMA and AVX2 (and no AVX-512), matrixmultiply 0.3
//! computes each element of a product as a fused multiply-add chain from 0 over runs of
//! 256 terms of the inner dimension, adding each run's sum to the element in turn.
//! Elsewhere it picks another kernel, and [`times`] returns None: the caller then asks
//! ndarray. Tests check both products against ndarray to the bit.

use ndarray::{Array1, ArrayView1, ArrayView2};

/// Xᵀv with each column's sum taken row by row from 0, as ndarray sums a strided column
/// (a column that is contiguous, i.e. a single column or row, ndarray sums otherwise: it
/// is left to ndarray).
pub(super) fn transposed_times(x: ArrayView2<f64>, v: ArrayView1<f64>) -> Array1<f64> {
    if x.ncols() < 2 || x.nrows() < 2 || !x.is_standard_layout() {
        return x.t().dot(&v);
    }
    let mut sums = vec![0.0; x.ncols()];
    for (row, &vi) in x.rows().into_iter().zip(v.iter()) {
        for (sum, &xij) in sums.iter_mut().zip(row.iter()) {
            *sum = *sum + xij * vi;
        }
    }
    Array1::from(sums)
}

/// matrixmultiply's run of the inner dimension for f64 (its `D_KC`, default 256).
const RUN: usize = 256;

/// Whether matrixmultiply multiplies f64 matrices with its FMA/AVX2 kernel on this CPU.
fn fma_kernel() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("fma") && is_x86_feature_detected!("avx2") && !is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// X·w (ndarray: `x.dot(&w as a p × 1 matrix)`), X one row after another.
pub(super) fn times(x: ArrayView2<f64>, w: ArrayView1<f64>) -> Option<Array1<f64>> {
    let (rows, w) = (x.as_slice()?, w.as_slice()?);
    if !fma_kernel() || w.is_empty() || x.nrows() == 0 {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU has FMA (fma_kernel).
    return Some(unsafe { fused::times(rows, w) });
    #[cfg(not(target_arch = "x86_64"))]
    None
}

#[cfg(target_arch = "x86_64")]
mod fused {
    use ndarray::Array1;

    use super::RUN;

    // Plain loops, no closures: a closure would not inherit the FMA feature, and each
    // mul_add would become a call.
    #[target_feature(enable = "fma")]
    pub(super) unsafe fn times(rows: &[f64], w: &[f64]) -> Array1<f64> {
        let mut out = Vec::with_capacity(rows.len() / w.len());
        for row in rows.chunks_exact(w.len()) {
            let mut total = 0.0f64;
            for (r, (xs, ws)) in row.chunks(RUN).zip(w.chunks(RUN)).enumerate() {
                let mut sum = 0.0f64;
                for k in 0..xs.len() {
                    sum = xs[k].mul_add(ws[k], sum);
                }
                total = if r == 0 { sum } else { total + sum };
            }
            out.push(total);
        }
        Array1::from(out)
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;

    /// Centred small counts and flags scaled by row weights, as the fit's rows are.
    fn rows(n: usize, k: usize, seed: u64) -> Array2<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        Array2::from_shape_fn((n, k), |(_, j)| {
            let v = if j % 2 == 0 { rng.random_range(0..6) as f64 } else { f64::from(rng.random_bool(0.3)) };
            (v - 0.37) * rng.random_range(0.05..0.5)
        })
    }

    fn same_bits<'a>(a: impl IntoIterator<Item = &'a f64>, b: impl IntoIterator<Item = &'a f64>) -> bool {
        a.into_iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn rows_times_weights_are_ndarrays_product_to_the_bit() {
        // 300 signals: more than one run of 256 terms.
        for (n, p, seed) in [(1000, 9, 8), (37, 1, 9), (64, 300, 10)] {
            let x = rows(n, p, seed);
            let w: Array1<f64> = (0..p).map(|j| 0.3 - 0.011 * j as f64 + 1e-3 / (1 + j) as f64).collect();
            let theirs = x.dot(&w.view().into_shape_with_order((p, 1)).unwrap());
            match times(x.view(), w.view()) {
                Some(ours) => assert!(same_bits(&ours, &theirs), "{p} signals"),
                None => eprintln!("matrixmultiply picks another kernel on this CPU: ndarray's product is used"),
            }
        }
    }

    #[test]
    fn the_product_sums_each_column_as_ndarray_does() {
        let x = rows(1000, 9, 7);
        let v: Array1<f64> = (0..1000).map(|i| if i % 3 == 0 { 0.1 * i as f64 } else { -1.0 / (1 + i) as f64 }).collect();
        assert!(same_bits(&transposed_times(x.view(), v.view()), &x.t().dot(&v)));
    }
}
