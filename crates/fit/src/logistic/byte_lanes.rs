//! A block of byte rows read as [1, x_r] (the intercept's 1, then the row centred): 32
//! values in eight vectors of four, for the two per-row loops of a pass that waited the
//! most. The gradient's sums Σ residual_r·[1, x_r] stay in registers from the first row to
//! the last (the loop over a row's values kept them in memory, and each row's additions
//! waited on the last row's stores), and the Hessian's weighted rows root_r·[1, x_r] are
//! written a vector at a time (the loop over a row's values ended in its last few one at
//! a time: five of the benchmark's 29). Each value is `f64::from(b) − mean`, as [`CentredBlock::row`] gives it, and is
//! multiplied and added as the loops did, in the same order: the same bits.
//!
//! Rows of at most 31 signals, on AVX2; other rows take the loops.

use super::centred::{ByteBlock, CentredBlock};

/// Signals a row may have for these kernels: with the intercept, 32 values.
const MAX_SIGNALS: usize = 31;

/// Σ_r residuals[r]·[1, x_r] over the block's rows, each of the p + 1 sums from 0 in row
/// order; None where the kernels do not serve these rows.
pub(super) fn gradient_sums(rows: &ByteBlock, residuals: &[f64]) -> Option<Vec<f64>> {
    if !serves(rows) || residuals.len() != rows.len() {
        return None;
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU has AVX2 (serves) and a row has at most 31 values.
    return Some(unsafe { lanes::gradient_sums(rows, residuals) });
    #[cfg(not(target_arch = "x86_64"))]
    None
}

/// Row r of `out` (rows `stride` values apart): roots[r]·[1, x_r], then zeros up to
/// `stride`. False, nothing written, where the kernels do not serve these rows or this
/// stride (a multiple of 4, at most 32, above p).
pub(super) fn weigh_rows(rows: &ByteBlock, roots: &[f64], out: &mut [f64], stride: usize) -> bool {
    let fits = stride.is_multiple_of(4) && stride <= 32 && stride > rows.width() && roots.len() == rows.len() && out.len() >= rows.len() * stride;
    if !serves(rows) || !fits {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: the CPU has AVX2 (serves); the stride and `out` were checked above.
        unsafe { lanes::weigh_rows(rows, roots, out, stride) };
        true
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// At most 31 signals, on a CPU with AVX2.
fn serves(rows: &ByteBlock) -> bool {
    rows.width() <= MAX_SIGNALS && rows.width() > 0 && super::same_order::wide_vectors()
}

#[cfg(target_arch = "x86_64")]
mod lanes {
    use std::arch::x86_64::*;

    use super::{ByteBlock, CentredBlock};

    /// A block's lanes: each lane's mean (0 in lane 0 and past the row), and a mask of the
    /// lanes 0..=p, which a weighted row keeps (its padding is 0, as gram expects).
    struct Lanes {
        means: [__m256d; 8],
        row: [__m256d; 8],
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn lanes(means: &[f64]) -> Lanes {
        let mut mean = [0.0f64; 32];
        mean[1..=means.len()].copy_from_slice(means);
        let row: [f64; 32] = std::array::from_fn(|lane| if lane <= means.len() { f64::from_bits(u64::MAX) } else { 0.0 });
        Lanes {
            means: std::array::from_fn(|i| _mm256_loadu_pd(mean.as_ptr().add(4 * i))),
            row: std::array::from_fn(|i| _mm256_loadu_pd(row.as_ptr().add(4 * i))),
        }
    }

    /// [1, x_r] of the 32 bytes at `at`, whose first is the byte before row r's: lane
    /// 1 + j is `f64::from(b_j) − mean_j`. The lanes past the row hold the next row's
    /// bytes (or zeros), less 0: finite, and not read (a gradient's sums past p + 1), or
    /// set to 0 (a weighted row's padding).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn extended(at: *const u8, lanes: &Lanes) -> [__m256d; 8] {
        let halves = [_mm_loadu_si128(at as *const __m128i), _mm_loadu_si128(at.add(16) as *const __m128i)];
        let mut out = [_mm256_setzero_pd(); 8];
        for (h, half) in halves.into_iter().enumerate() {
            let quarters = [half, _mm_srli_si128::<4>(half), _mm_srli_si128::<8>(half), _mm_srli_si128::<12>(half)];
            for (q, quarter) in quarters.into_iter().enumerate() {
                let i = 4 * h + q;
                out[i] = _mm256_sub_pd(_mm256_cvtepi32_pd(_mm_cvtepu8_epi32(quarter)), lanes.means[i]);
            }
        }
        out[0] = _mm256_blend_pd::<1>(out[0], _mm256_set1_pd(1.0));
        out
    }

    /// Each row's 32 bytes from the one before it: read in place where they lie inside
    /// the block, else (the first row, the last few) copied into `window` first.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn row_at(rows: &ByteBlock, r: usize, window: &mut [u8; 32]) -> *const u8 {
        let (bytes, p) = (rows.bytes(), rows.width());
        let start = r * p;
        if start >= 1 && start + 31 <= bytes.len() {
            bytes.as_ptr().add(start - 1)
        } else {
            window[1..=p].copy_from_slice(&bytes[start..start + p]);
            window.as_ptr()
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn gradient_sums(rows: &ByteBlock, residuals: &[f64]) -> Vec<f64> {
        let lanes = lanes(rows.means());
        let mut window = [0u8; 32];
        let mut sums = [_mm256_setzero_pd(); 8];
        for (r, &residual) in residuals.iter().enumerate() {
            let x = extended(row_at(rows, r, &mut window), &lanes);
            let residual = _mm256_set1_pd(residual);
            for (sum, x) in sums.iter_mut().zip(x) {
                *sum = _mm256_add_pd(*sum, _mm256_mul_pd(residual, x));
            }
        }
        let mut out = [0.0f64; 32];
        for (i, sum) in sums.into_iter().enumerate() {
            _mm256_storeu_pd(out.as_mut_ptr().add(4 * i), sum);
        }
        out[..=rows.width()].to_vec()
    }

    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn weigh_rows(rows: &ByteBlock, roots: &[f64], out: &mut [f64], stride: usize) {
        let lanes = lanes(rows.means());
        let mut window = [0u8; 32];
        for (r, (row, &root)) in out.chunks_exact_mut(stride).zip(roots).enumerate() {
            let x = extended(row_at(rows, r, &mut window), &lanes);
            let root = _mm256_set1_pd(root);
            for (i, x) in x.into_iter().take(stride / 4).enumerate() {
                _mm256_storeu_pd(row.as_mut_ptr().add(4 * i), _mm256_and_pd(_mm256_mul_pd(root, x), lanes.row[i]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// The loops the kernels stand for, over `CentredBlock::row`.
    fn loops(rows: &ByteBlock, weights: &[f64], stride: usize) -> (Vec<f64>, Vec<f64>) {
        let k = rows.width() + 1;
        let mut gradient = vec![0.0; k];
        let mut weighted = vec![0.0; rows.len() * stride];
        for (r, &w) in weights.iter().enumerate() {
            gradient[0] += w;
            for (g, v) in gradient[1..].iter_mut().zip(rows.row(r)) {
                *g += w * v;
            }
            let out = &mut weighted[r * stride..(r + 1) * stride];
            out[0] = w;
            for (o, v) in out[1..k].iter_mut().zip(rows.row(r)) {
                *o = w * v;
            }
        }
        (gradient, weighted)
    }

    #[test]
    fn byte_rows_give_the_loops_bits() {
        // Widths 1 to 31, rows around the edges read through the window, signed weights.
        for (n, p) in [(1usize, 1usize), (2, 30), (3, 31), (40, 7), (2048, 30), (5, 16), (9, 8)] {
            let bytes: Vec<u8> = (0..n * p).map(|i| ((i * 37 + i / 5) % if i % 3 == 0 { 2 } else { 41 }) as u8).collect();
            let means: Vec<f64> = (0..p).map(|j| 0.37 + j as f64 / 7.0).collect();
            let rows = ByteBlock::new(&bytes, &means);
            let weights: Vec<f64> = (0..n).map(|r| 0.21 - (r % 11) as f64 / 17.0 + 1e-3 / (1 + r) as f64).collect();
            let stride = (p + 1).div_ceil(8) * 8;
            let (gradient, weighted) = loops(&rows, &weights, stride);
            let Some(ours) = gradient_sums(&rows, &weights) else {
                return eprintln!("no AVX2 here: the passes take the loops");
            };
            assert_eq!(bits(&ours), bits(&gradient), "{n} × {p}: gradient");
            let mut out = vec![0.0; n * stride];
            assert!(weigh_rows(&rows, &weights, &mut out, stride));
            assert_eq!(bits(&out), bits(&weighted), "{n} × {p}: weighted rows, their padding 0");
        }
    }

    #[test]
    fn rows_they_do_not_serve_are_left_to_the_loops() {
        let bytes = vec![1u8; 64];
        let means = vec![0.5; 32];
        let wide = ByteBlock::new(&bytes, &means);
        assert!(gradient_sums(&wide, &[1.0, 2.0]).is_none(), "32 signals");
        let means = vec![0.5; 8];
        let narrow = ByteBlock::new(&bytes, &means);
        let mut out = vec![0.0; 8 * 9];
        assert!(!weigh_rows(&narrow, &[1.0; 8], &mut out, 9), "a stride that is no multiple of 4");
        assert!(!weigh_rows(&narrow, &[1.0; 8], &mut out, 8), "a stride with no room for the intercept");
        assert!(out.iter().all(|&v| v == 0.0));
    }
}
