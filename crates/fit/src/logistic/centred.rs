//! A fit's kept columns, centred (x − mean), with their means and standard deviations:
//! what every pass over the data reads.
//!
//! Centring changes only the intercept (which is not penalised), so the optimum is the
//! same problem, better conditioned for L-BFGS and Newton.
//!
//! Signals are capped counts and 0/1 flags, so the values are nearly always whole numbers
//! 0–255. Such rows are kept as bytes, and each pass centres them as it reads them:
//! `f64::from(b) − mean` is the very value centring in place stores, so every sum has the
//! same bits. At a million leads × 30 signals the passes then stream 30 MB instead of
//! 240 MB; they were waiting on memory. Anything else (or a grouped table) is stored as
//! f64, centred.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use ndarray::{Array2, ArrayView2, Axis, CowArray};

use crate::error::FitError;

/// The kept columns, centred, with their means and standard deviations.
pub(super) struct Centred {
    pub(super) rows: CentredRows,
    pub(super) means: Vec<f64>,
    /// Set when the rows are stored; of byte rows, worked out on first use ([`Centred::sds`]).
    pub(super) sds: OnceLock<Vec<f64>>,
}

/// The centred rows, one after another.
pub(super) enum CentredRows {
    /// x − mean, stored.
    Stored(Array2<f64>),
    /// Whole numbers 0–255 as they came, centred when read.
    Bytes(Vec<u8>),
}

/// Rows of one block, centred, as a pass over the data reads them. The passes are generic
/// over it, so byte rows are centred in registers as they are read, never written out.
pub(super) trait CentredBlock: Sync {
    /// Rows in the block.
    fn len(&self) -> usize;
    /// Values in each row.
    fn width(&self) -> usize;
    /// Row `r`'s centred values, one per kept signal.
    fn row(&self, r: usize) -> impl Iterator<Item = f64> + '_;
    /// The rows as bytes, when they are (for the passes' byte kernels, `byte_lanes`).
    fn as_bytes(&self) -> Option<ByteBlock<'_>> {
        None
    }
}

/// Centred values stored, row after row.
pub(super) struct StoredBlock<'a> {
    values: &'a [f64],
    p: usize,
    rows: usize,
}

impl<'a> StoredBlock<'a> {
    /// `rows` rows of `p` values each, one after another.
    pub(super) fn new(values: &'a [f64], p: usize, rows: usize) -> StoredBlock<'a> {
        StoredBlock { values, p, rows }
    }
}

impl CentredBlock for StoredBlock<'_> {
    fn len(&self) -> usize {
        self.rows
    }
    fn width(&self) -> usize {
        self.p
    }
    #[inline(always)]
    fn row(&self, r: usize) -> impl Iterator<Item = f64> + '_ {
        self.values[r * self.p..(r + 1) * self.p].iter().copied()
    }
}

/// Whole numbers 0–255, row after row, centred as read.
pub(super) struct ByteBlock<'a> {
    bytes: &'a [u8],
    means: &'a [f64],
}

impl<'a> ByteBlock<'a> {
    /// Rows of `means.len()` bytes each, one after another, centred by `means`.
    pub(super) fn new(bytes: &'a [u8], means: &'a [f64]) -> ByteBlock<'a> {
        ByteBlock { bytes, means }
    }

    /// The rows' bytes, one row after another.
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Each column's mean, subtracted as a value is read.
    pub(super) fn means(&self) -> &'a [f64] {
        self.means
    }
}

impl CentredBlock for ByteBlock<'_> {
    fn len(&self) -> usize {
        self.bytes.len() / self.means.len()
    }
    fn width(&self) -> usize {
        self.means.len()
    }
    #[inline(always)]
    fn row(&self, r: usize) -> impl Iterator<Item = f64> + '_ {
        let p = self.means.len();
        // The very value centring in place stores.
        self.bytes[r * p..(r + 1) * p].iter().zip(self.means).map(|(&b, &m)| f64::from(b) - m)
    }
    fn as_bytes(&self) -> Option<ByteBlock<'_>> {
        Some(ByteBlock::new(self.bytes, self.means))
    }
}

/// A block of rows of either kind.
pub(super) enum Block<'a> {
    Stored(StoredBlock<'a>),
    Bytes(ByteBlock<'a>),
}

impl Centred {
    /// Each column's standard deviation (ddof 0). Only a fit's standard errors read them
    /// (to warn of unstable weights): the alpha search's and the walk-forward's fits never
    /// do, so byte rows leave the pass that finds them until asked.
    pub(super) fn sds(&self) -> &[f64] {
        self.sds.get_or_init(|| match &self.rows {
            CentredRows::Bytes(values) => byte_sds(values, self.means.len()),
            CentredRows::Stored(_) => unreachable!("stored rows' deviations are set when they are centred"),
        })
    }

    /// Rows `start..end`: the stored rows themselves (or `scratch` filled with them, when
    /// they are not one after another), or the bytes, to be centred as they are read.
    pub(super) fn block<'s>(&'s self, start: usize, end: usize, scratch: &'s mut Vec<f64>) -> Block<'s> {
        let p = self.means.len();
        let rows = end - start;
        match &self.rows {
            CentredRows::Stored(xc) => {
                let values = match xc.as_slice() {
                    Some(values) => &values[start * p..end * p],
                    None => {
                        scratch.clear();
                        scratch.extend(xc.slice(ndarray::s![start..end, ..]).iter());
                        scratch
                    }
                };
                Block::Stored(StoredBlock::new(values, p, rows))
            }
            CentredRows::Bytes(values) => Block::Bytes(ByteBlock { bytes: &values[start * p..end * p], means: &self.means }),
        }
    }

    /// The rows `rows` (all when None) as bytes, when they are kept as bytes.
    pub(super) fn bytes_of(&self, rows: Option<&[usize]>) -> Option<std::borrow::Cow<'_, [u8]>> {
        let CentredRows::Bytes(values) = &self.rows else { return None };
        let p = self.means.len();
        Some(match rows {
            None => values.into(),
            Some(rows) => rows.iter().flat_map(|&i| &values[i * p..(i + 1) * p]).copied().collect::<Vec<u8>>().into(),
        })
    }

    /// The rows `rows` (all when None), centred, as a matrix.
    pub(super) fn matrix(&self, rows: Option<&[usize]>) -> CowArray<'_, f64, ndarray::Ix2> {
        match (&self.rows, rows) {
            (CentredRows::Stored(xc), None) => CowArray::from(xc.view()),
            (CentredRows::Stored(xc), Some(rows)) => CowArray::from(xc.select(Axis(0), rows)),
            (CentredRows::Bytes(values), rows) => {
                let p = self.means.len();
                let n = rows.map_or(values.len() / p.max(1), <[usize]>::len);
                let bytes = ByteBlock { bytes: values, means: &self.means };
                let mut out = Array2::<f64>::zeros((n, p));
                for (i, mut row) in out.outer_iter_mut().enumerate() {
                    row.iter_mut().zip(bytes.row(rows.map_or(i, |rows| rows[i]))).for_each(|(o, v)| *o = v);
                }
                CowArray::from(out)
            }
        }
    }
}

/// One copy of the kept columns, to be centred in place (at a million leads each copy is
/// ~250 MB). Row-major by construction: the passes over the data read each row as one slice.
fn kept_columns(x: ArrayView2<f64>, keep: &[usize]) -> Result<Array2<f64>, FitError> {
    mqlcal_features::gather(x, None, keep).map_err(|e| FitError::Shape(e.to_string()))
}

/// `xc − means` row by row, on every core.
fn subtract_means(xc: &mut Array2<f64>, means: &[f64]) {
    let p = xc.ncols();
    match xc.as_slice_mut() {
        Some(values) => mqlcal_features::for_each_row(values, p, |_, row| row.iter_mut().zip(means).for_each(|(v, m)| *v -= m)),
        None => xc.rows_mut().into_iter().for_each(|mut row| row.iter_mut().zip(means).for_each(|(v, m)| *v -= m)),
    }
}

/// The kept columns of `x` as bytes, row after row, if every value is a whole number
/// 0–255 (not −0.0, which a byte would turn into 0.0).
fn kept_bytes(x: ArrayView2<f64>, keep: &[usize]) -> Option<Vec<u8>> {
    let p = keep.len();
    if p == 0 {
        return None;
    }
    let mut values = vec![0u8; x.nrows() * p];
    let whole = AtomicBool::new(true);
    mqlcal_features::for_each_row(&mut values, p, |i, out| {
        let row = x.row(i);
        for (o, &j) in out.iter_mut().zip(keep) {
            let v = row[j];
            *o = v as u8;
            if f64::from(*o).to_bits() != v.to_bits() {
                whole.store(false, Ordering::Relaxed);
            }
        }
    });
    whole.into_inner().then_some(values)
}

/// The means of byte columns, summed as ndarray's `mean_axis` sums a row-major matrix
/// along its rows: the sum row by row from 0. A test holds them to ndarray's bits.
///
/// The columns are shared out among the cores; each is still summed row by row from the first.
fn byte_means(values: &[u8], p: usize) -> Vec<f64> {
    use rayon::prelude::*;
    let n = (values.len() / p) as f64;
    let sums: Vec<Vec<f64>> = super::column_runs(p)
        .into_par_iter()
        .map(|columns| {
            let mut sums = vec![0.0f64; columns.len()];
            for row in values.chunks_exact(p) {
                for (s, &b) in sums.iter_mut().zip(&row[columns.clone()]) {
                    *s += f64::from(b);
                }
            }
            sums
        })
        .collect();
    sums.concat().iter().map(|s| s / n).collect()
}

/// The standard deviations (ddof 0) of byte columns, as ndarray's `std_axis` computes them
/// along the rows of a row-major matrix: Welford's update, row by row from 0. A test holds
/// them to ndarray's bits. The columns are shared out among the cores.
fn byte_sds(values: &[u8], p: usize) -> Vec<f64> {
    use rayon::prelude::*;
    let n = (values.len() / p) as f64;
    let sds: Vec<Vec<f64>> = super::column_runs(p)
        .into_par_iter()
        .map(|columns| {
            let width = columns.len();
            let mut mean = vec![0.0f64; width];
            let mut sum_sq = vec![0.0f64; width];
            for (i, row) in values.chunks_exact(p).enumerate() {
                let count = (i + 1) as f64;
                for (j, &b) in row[columns.clone()].iter().enumerate() {
                    let x = f64::from(b);
                    let delta = x - mean[j];
                    mean[j] += delta / count;
                    sum_sq[j] = (x - mean[j]).mul_add(delta, sum_sq[j]);
                }
            }
            sum_sq.iter().map(|s| (s / n).sqrt()).collect()
        })
        .collect();
    sds.concat()
}

/// The kept columns of `x`, centred on their means.
pub(super) fn centre(x: ArrayView2<f64>, keep: &[usize]) -> Result<Centred, FitError> {
    if x.nrows() > 0 {
        if let Some(values) = kept_bytes(x, keep) {
            let means = byte_means(&values, keep.len());
            return Ok(Centred { rows: CentredRows::Bytes(values), means, sds: OnceLock::new() });
        }
    }
    let mut xc = kept_columns(x, keep)?;
    let means = xc.mean_axis(Axis(0)).map_or_else(|| vec![0.0; keep.len()], |m| m.to_vec());
    let sds: Vec<f64> = xc.std_axis(Axis(0), 0.0).to_vec();
    subtract_means(&mut xc, &means);
    Ok(Centred { rows: CentredRows::Stored(xc), means, sds: sds.into() })
}

/// [`centre`] for rows that stand for `weights[i]` leads each: the leads' means and
/// standard deviations.
pub(super) fn centre_weighted(x: ArrayView2<f64>, keep: &[usize], weights: &[f64]) -> Result<Centred, FitError> {
    let p = keep.len();
    let total: f64 = weights.iter().sum();
    let mut xc = kept_columns(x, keep)?;
    let mut means = ndarray::Array1::<f64>::zeros(p);
    for (row, &w) in xc.outer_iter().zip(weights) {
        means.scaled_add(w, &row);
    }
    means /= total;
    let means = means.to_vec();
    let mut squares = vec![0.0; p];
    for (row, &w) in xc.outer_iter().zip(weights) {
        for ((s, &v), &m) in squares.iter_mut().zip(row.iter()).zip(&means) {
            *s += w * (v - m) * (v - m);
        }
    }
    let sds: Vec<f64> = squares.iter().map(|s| (s / total).sqrt()).collect();
    subtract_means(&mut xc, &means);
    Ok(Centred { rows: CentredRows::Stored(xc), means, sds: sds.into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small counts and flags, as signals are; `wide` adds one value a byte cannot hold.
    fn table(n: usize, p: usize, seed: u64, wide: bool) -> Array2<f64> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut x = Array2::from_shape_fn((n, p), |(_, j)| if j % 2 == 0 { (next() % 7) as f64 } else { (next() % 2) as f64 });
        if wide {
            x[[n / 2, 0]] = 0.5;
        }
        x
    }

    /// Every row of a block, one after another.
    fn read(block: &impl CentredBlock) -> Vec<f64> {
        (0..block.len()).flat_map(|r| block.row(r)).collect()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn byte_rows_read_as_the_stored_centred_rows_to_the_bit() {
        for (n, p) in [(1, 1), (1, 4), (2, 1), (7, 3), (1000, 29), (4099, 2)] {
            let x = table(n, p, (n * 31 + p) as u64, false);
            let keep: Vec<usize> = (0..p).collect();
            let bytes = centre(x.view(), &keep).unwrap();
            assert!(matches!(bytes.rows, CentredRows::Bytes(_)), "{n} × {p}");
            // What centring in place computes, through ndarray.
            let mut xc = x.clone();
            let means = xc.mean_axis(Axis(0)).unwrap().to_vec();
            let sds = xc.std_axis(Axis(0), 0.0).to_vec();
            subtract_means(&mut xc, &means);
            assert_eq!(bits(&bytes.means), bits(&means), "means, {n} × {p}");
            assert!(bytes.sds.get().is_none(), "byte rows' deviations are left until asked for");
            assert_eq!(bits(bytes.sds()), bits(&sds), "sds, {n} × {p}");
            let mut scratch = Vec::new();
            let Block::Bytes(whole) = bytes.block(0, n, &mut scratch) else { panic!("byte rows read as stored") };
            assert_eq!(bits(&read(&whole)), bits(xc.as_slice().unwrap()));
            let tail = n / 2..n;
            let Block::Bytes(half) = bytes.block(tail.start, tail.end, &mut scratch) else { panic!() };
            assert_eq!(bits(&read(&half)), bits(&xc.as_slice().unwrap()[tail.start * p..tail.end * p]));
            let some: Vec<usize> = (0..n).rev().step_by(3).collect();
            assert_eq!(bytes.matrix(Some(&some)), xc.select(Axis(0), &some));
            assert_eq!(bytes.matrix(None), xc);
        }
    }

    #[test]
    fn values_a_byte_cannot_hold_are_stored() {
        let keep = [0usize, 1];
        for odd in [0.5, -1.0, 256.0, -0.0, f64::NAN] {
            let mut x = table(50, 2, 3, false);
            x[[17, 1]] = odd;
            let centred = centre(x.view(), &keep).unwrap();
            assert!(matches!(centred.rows, CentredRows::Stored(_)), "{odd}");
        }
        // Only the kept columns count.
        let mut x = table(50, 3, 4, true);
        x.column_mut(0).fill(0.5);
        let centred = centre(x.view(), &[1, 2]).unwrap();
        assert!(matches!(centred.rows, CentredRows::Bytes(_)));
    }
}
