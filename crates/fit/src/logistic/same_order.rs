//! Three products computed faster than ndarray computes them, each summing in the order
//! ndarray does, so every bit is kept.
//!
//! Xᵀv (L-BFGS's gradient): ndarray forms it column by column, walking X with a stride of
//! a whole row per signal, each column summed row by row from 0. [`transposed_times`] walks
//! X once, row by row, with the same sums.
//!
//! X·w (L-BFGS's margins), which ndarray hands to matrixmultiply as a product with a
//! p × 1 matrix. matrixmultiply first copies X into panels, which for this shape costs as
//! much as the arithmetic; [`times`] computes the same sums without the copy.
//!
//! WᵀW (the Hessian of each block of rows). matrixmultiply computes every element, and
//! copies W into panels twice; [`gram`] computes the lower triangle's tiles from W as it
//! lies and mirrors them. An element and its mirror are the same chain of the same
//! products, so the mirror is exact. (An earlier version that computed every element in
//! 4 × 4 tiles was 10 % slower than matrixmultiply.)
//!
//! The order: on an x86-64 CPU with FMA and AVX2, matrixmultiply 0.3 computes each element
//! of a product as a fused multiply-add chain from 0 over runs of 256 terms of the inner
//! dimension, adding each run's sum to the element in turn (the first to 0). That holds on
//! CPUs with AVX-512 too: matrixmultiply's AVX-512 kernel is built only with its `avx512`
//! cargo feature, which nothing in this workspace enables. Elsewhere it picks another
//! kernel, and these functions leave the product to ndarray. Tests check all three against
//! ndarray to the bit on the machine they run on.
//!
//! Passes over the rows also have a build for AVX2, taken where [`wide_vectors`] says: the
//! same operations in the same order, so the same bits, more values an instruction.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder};

use super::centred::{CentredBlock, StoredBlock};

/// Xᵀv with each column's sum taken row by row from 0, as ndarray sums a strided column
/// (a column that is contiguous, i.e. a single column or row, ndarray sums otherwise: it
/// is left to ndarray).
pub(super) fn transposed_times(x: ArrayView2<f64>, v: ArrayView1<f64>) -> Array1<f64> {
    let rows = match x.as_slice() {
        Some(rows) if x.ncols() >= 2 && x.nrows() >= 2 => rows,
        _ => return x.t().dot(&v),
    };
    let v: std::borrow::Cow<[f64]> = v.as_slice().map_or_else(|| v.to_vec().into(), Into::into);
    Array1::from(transposed_times_of(&StoredBlock::new(rows, x.ncols(), x.nrows()), &v))
}

/// [`transposed_times`] of rows of any kind (at least two rows of at least two values:
/// ndarray sums a single row or column otherwise).
pub(super) fn transposed_times_of(rows: &impl CentredBlock, v: &[f64]) -> Vec<f64> {
    let mut sums = vec![0.0; rows.width()];
    #[cfg(target_arch = "x86_64")]
    if wide_vectors() {
        #[target_feature(enable = "avx2")]
        unsafe fn avx2(rows: &impl CentredBlock, v: &[f64], sums: &mut [f64]) {
            column_sums(rows, v, sums)
        }
        // SAFETY: the CPU has AVX2 (wide_vectors).
        unsafe { avx2(rows, v, &mut sums) };
        return sums;
    }
    column_sums(rows, v, &mut sums);
    sums
}

/// Whether the passes over the rows run as compiled for AVX2 (each such pass has an
/// `avx2` build beside it, chosen by this): four values an instruction instead of two.
/// Rust never fuses a multiplication and an addition on its own (only `mul_add` does), so
/// wider vectors change no bit of any result; tests compare both builds to the bit.
/// (A generic "run this closure in an AVX2 build" does not work: the closure is compiled
/// on its own, outside the AVX2 build.)
pub(super) fn wide_vectors() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Σ_i row_i·v_i, each column's sum taken row by row from 0.
#[inline(always)]
fn column_sums(rows: &impl CentredBlock, v: &[f64], sums: &mut [f64]) {
    for (r, &vi) in v.iter().enumerate().take(rows.len()) {
        for (sum, xij) in sums.iter_mut().zip(rows.row(r)) {
            *sum = *sum + xij * vi;
        }
    }
}

/// matrixmultiply's run of the inner dimension for f64 (its `D_KC`, default 256).
const RUN: usize = 256;

/// Whether matrixmultiply multiplies f64 matrices with its FMA/AVX2 kernel on this CPU
/// (AVX-512 or not: see the module's note).
fn fma_kernel() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("fma") && is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// X·w (ndarray: `x.dot(&w as a p × 1 matrix)`), X one row after another.
pub(super) fn times(x: ArrayView2<f64>, w: ArrayView1<f64>) -> Option<Array1<f64>> {
    let (rows, w) = (x.as_slice()?, w.as_slice()?);
    times_of(&StoredBlock::new(rows, w.len(), x.nrows()), w).map(Array1::from)
}

/// [`times`] of rows of any kind, where matrixmultiply's FMA kernel sets the order.
pub(super) fn times_of(rows: &impl CentredBlock, w: &[f64]) -> Option<Vec<f64>> {
    if !fma_kernel() || w.is_empty() || rows.len() == 0 {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU has FMA (fma_kernel).
    return Some(unsafe { fused::times(rows, w) });
    #[cfg(not(target_arch = "x86_64"))]
    None
}

/// Whether [`times_of`] computes X·w here (else ndarray does, on values stored).
pub(super) fn times_here() -> bool {
    fma_kernel()
}

/// How many values [`gram`] wants per row of a `k`-column W: `k` rounded up to a whole
/// number of its 8-wide tiles when the FMA kernel runs (the rest of each row zero), else `k`.
pub(super) fn gram_stride(k: usize) -> usize {
    if fma_kernel() {
        k.div_ceil(8) * 8
    } else {
        k
    }
}

/// WᵀW (`k` × `k`) of W, rows of `stride` values ([`gram_stride`]), the first `k` of each
/// W's row and the rest zero: what `general_mat_mul(1.0, &w.t(), &w, 0.0, ..)` computes.
pub(super) fn gram(w: &[f64], k: usize, stride: usize) -> Array2<f64> {
    let rows = if stride == 0 { 0 } else { w.len() / stride };
    #[cfg(target_arch = "x86_64")]
    if fma_kernel() && k > 0 && stride == gram_stride(k) {
        // SAFETY: the CPU has AVX2 and FMA (fma_kernel); every row has `stride` values.
        return unsafe { fused::gram(&w[..rows * stride], rows, k, stride) };
    }
    let mut product = Array2::<f64>::zeros((k, k));
    if let Ok(w) = ArrayView2::from_shape((rows, k).strides((stride, 1)), w) {
        ndarray::linalg::general_mat_mul(1.0, &w.t(), &w, 0.0, &mut product);
    }
    product
}

#[cfg(target_arch = "x86_64")]
mod fused {
    use ndarray::Array2;

    use super::{CentredBlock, RUN};

    /// Rows of W (at most 16 KB at 32 values a row) each tile reads in one pass.
    const PIECE_ROWS: usize = 64;

    // Plain loops, no closures: a closure would not inherit the FMA feature, and each
    // mul_add would become a call.
    #[target_feature(enable = "fma")]
    pub(super) unsafe fn times(rows: &impl CentredBlock, w: &[f64]) -> Vec<f64> {
        let n = rows.len();
        let mut out = Vec::with_capacity(n);
        let mut next = 0;
        if w.len() <= RUN {
            // One run per row: four rows' chains at a time, so they overlap (one row's
            // chain waits on each multiply-add). Eight at a time were no faster.
            while next + 4 <= n {
                let r = next;
                let mut sums = [0.0f64; 4];
                for ((((&wk, a), b), c), d) in w.iter().zip(rows.row(r)).zip(rows.row(r + 1)).zip(rows.row(r + 2)).zip(rows.row(r + 3)) {
                    sums[0] = a.mul_add(wk, sums[0]);
                    sums[1] = b.mul_add(wk, sums[1]);
                    sums[2] = c.mul_add(wk, sums[2]);
                    sums[3] = d.mul_add(wk, sums[3]);
                }
                out.extend_from_slice(&sums);
                next += 4;
            }
        }
        for r in next..n {
            // Runs of RUN terms, each summed from 0, added to the total in turn (the first
            // is the total).
            let (mut total, mut sum) = (0.0f64, 0.0f64);
            for (k, (x, &wk)) in rows.row(r).zip(w).enumerate() {
                if k > 0 && k % RUN == 0 {
                    total = if k == RUN { sum } else { total + sum };
                    sum = 0.0;
                }
                sum = x.mul_add(wk, sum);
            }
            out.push(if w.len() <= RUN { sum } else { total + sum });
        }
        out
    }

    /// [`super::gram`] on the FMA kernel: for every run of 256 rows and every 8 × 4 tile
    /// with an element on or below the diagonal, eight 4-wide FMA chains (one per column
    /// pair of lanes; four for the tile right of the diagonal, whose first four rows lie
    /// above it), then the run's sums added to the tile (to 0 for the first run).
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn gram(w: &[f64], rows: usize, k: usize, stride: usize) -> Array2<f64> {
        use std::arch::x86_64::*;
        // Column j's sums at [j * stride + i]: a tile's four lanes are adjacent.
        let mut sums = vec![0.0f64; stride * stride];
        // The 8 × 4 tiles (first row, first column) on or below the diagonal: the columns
        // j0..j0 + 4 that reach down to row i0 + 7.
        let tiles: Vec<(usize, usize)> =
            (0..stride).step_by(8).flat_map(|i0| (0..=i0 + 4).step_by(4).map(move |j0| (i0, j0))).collect();
        // Each tile's chains, kept between pieces of a run: every tile passes over a piece
        // of rows while it is in the L1 cache (a whole run of 256 rows is not).
        let mut chains = vec![_mm256_setzero_pd(); tiles.len() * 8];
        let base = w.as_ptr();
        let mut start = 0;
        while start < rows {
            let end = (start + RUN).min(rows);
            chains.fill(_mm256_setzero_pd());
            let mut piece = start;
            while piece < end {
                let stop = (piece + PIECE_ROWS).min(end);
                for (&(i0, j0), kept) in tiles.iter().zip(chains.chunks_exact_mut(8)) {
                    let mut acc = [_mm256_setzero_pd(); 8];
                    acc.copy_from_slice(kept);
                    if j0 == i0 + 4 {
                        // The tile right of the diagonal: its first four rows (i0..i0 + 4) lie
                        // above it, in columns j0.., and are never read; only the others are summed.
                        for r in piece..stop {
                            let row = base.add(r * stride);
                            let high = _mm256_loadu_pd(row.add(i0 + 4));
                            for jj in 0..4 {
                                let b = _mm256_broadcast_sd(&*row.add(j0 + jj));
                                acc[4 + jj] = _mm256_fmadd_pd(high, b, acc[4 + jj]);
                            }
                        }
                    } else {
                        for r in piece..stop {
                            let row = base.add(r * stride);
                            let low = _mm256_loadu_pd(row.add(i0));
                            let high = _mm256_loadu_pd(row.add(i0 + 4));
                            for jj in 0..4 {
                                let b = _mm256_broadcast_sd(&*row.add(j0 + jj));
                                acc[jj] = _mm256_fmadd_pd(low, b, acc[jj]);
                                acc[4 + jj] = _mm256_fmadd_pd(high, b, acc[4 + jj]);
                            }
                        }
                    }
                    kept.copy_from_slice(&acc);
                }
                piece = stop;
            }
            for (&(i0, j0), acc) in tiles.iter().zip(chains.chunks_exact(8)) {
                for jj in 0..4 {
                    for (half, lanes) in [(0, acc[jj]), (4, acc[4 + jj])] {
                        let at = sums.as_mut_ptr().add((j0 + jj) * stride + i0 + half);
                        let before = if start == 0 { _mm256_setzero_pd() } else { _mm256_loadu_pd(at) };
                        _mm256_storeu_pd(at, _mm256_add_pd(lanes, before));
                    }
                }
            }
            start = end;
        }
        Array2::from_shape_fn((k, k), |(i, j)| {
            let (low, high) = if i >= j { (j, i) } else { (i, j) };
            sums[low * stride + high]
        })
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
        for (n, p, seed) in [(1000, 9, 8), (37, 1, 9), (64, 300, 10), (1003, 29, 11), (6, 256, 12), (7, 257, 13)] {
            let x = rows(n, p, seed);
            let w: Array1<f64> = (0..p).map(|j| 0.3 - 0.011 * j as f64 + 1e-3 / (1 + j) as f64).collect();
            let theirs = x.dot(&w.view().into_shape_with_order((p, 1)).unwrap());
            match times(x.view(), w.view()) {
                Some(ours) => assert!(same_bits(&ours, &theirs), "{p} signals"),
                None => eprintln!("matrixmultiply picks another kernel on this CPU: ndarray's product is used"),
            }
        }
    }

    /// Byte rows centred as they are read give the stored centred rows' products to the
    /// bit: X·w through one run and several, Xᵀv.
    #[test]
    fn byte_rows_give_the_stored_rows_products_to_the_bit() {
        use super::super::centred::ByteBlock;
        for (n, p, seed) in [(1000usize, 9usize, 30u64), (37, 2, 31), (1003, 29, 32), (7, 257, 33), (5, 3, 34)] {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let bytes: Vec<u8> = (0..n * p).map(|i| if i % 3 == 0 { rng.random_range(0..2) } else { rng.random_range(0..40) }).collect();
            let means: Vec<f64> = (0..p).map(|j| (0..n).map(|i| f64::from(bytes[i * p + j])).sum::<f64>() / n as f64).collect();
            let stored = Array2::from_shape_fn((n, p), |(i, j)| f64::from(bytes[i * p + j]) - means[j]);
            let rows = ByteBlock::new(&bytes, &means);
            let w: Vec<f64> = (0..p).map(|j| 0.3 - 0.011 * j as f64 + 1e-3 / (1 + j) as f64).collect();
            let v: Vec<f64> = (0..n).map(|i| 0.5 - (i % 7) as f64 / 9.0).collect();
            if let Some(ours) = times_of(&rows, &w) {
                assert!(same_bits(&ours, &times(stored.view(), ArrayView1::from(&w)).unwrap()), "{n} × {p}: X·w");
            }
            assert!(same_bits(&transposed_times_of(&rows, &v), &transposed_times(stored.view(), ArrayView1::from(&v))), "{n} × {p}: Xᵀv");
        }
    }

    #[test]
    fn the_gram_matrix_is_ndarrays_product_to_the_bit() {
        // Widths around the 8 × 4 tiles, rows around the runs of 256 (a Hessian block is 2,048),
        // zeros and negative zeros among the values.
        for (n, k, seed) in [(2048, 31, 20), (1, 2, 21), (255, 8, 22), (257, 9, 23), (700, 5, 24), (513, 33, 25), (3, 1, 26), (2048, 16, 27)] {
            let mut w = rows(n, k, seed);
            w[[0, 0]] = -0.0;
            w[[n / 2, k - 1]] = 0.0;
            let mut theirs = Array2::<f64>::zeros((k, k));
            ndarray::linalg::general_mat_mul(1.0, &w.t(), &w, 0.0, &mut theirs);
            let stride = gram_stride(k);
            let mut laid = vec![0.0; n * stride];
            for (out, row) in laid.chunks_exact_mut(stride).zip(w.rows()) {
                for (o, v) in out.iter_mut().zip(row) {
                    *o = *v;
                }
            }
            let ours = gram(&laid, k, stride);
            assert!(same_bits(&ours, &theirs), "{n} rows, {k} columns");
        }
    }

    #[test]
    fn the_product_sums_each_column_as_ndarray_does() {
        let x = rows(1000, 9, 7);
        let v: Array1<f64> = (0..1000).map(|i| if i % 3 == 0 { 0.1 * i as f64 } else { -1.0 / (1 + i) as f64 }).collect();
        assert!(same_bits(&transposed_times(x.view(), v.view()), &x.t().dot(&v)));
    }
}
