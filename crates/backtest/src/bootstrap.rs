//! Seeded bootstrap of the holdout. At a fixed threshold every measure depends
//! only on how many leads fall in each (score, outcome) cell, so resampling
//! leads with replacement is exactly a multinomial draw over the cells: drawn
//! here as a chain of binomials, O(cells) per resample instead of O(leads),
//! and each resample re-runs the whole sweep and the recommendation rule.

use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

use crate::recommend::best_feasible;
use crate::sweep::{Cells, Constraints};

/// A point estimate (on the holdout itself) and its percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// How often one threshold is the recommended one across resamples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdShare {
    /// None: no threshold qualified in that resample.
    pub threshold: Option<i64>,
    pub share: f64,
}

/// The bootstrap at the recommended threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BootstrapSummary {
    pub resamples: usize,
    pub seed: u64,
    pub confidence: f64,
    pub threshold: i64,
    pub conversion: Interval,
    pub mqls_per_month: Interval,
    pub wins_captured_share: Interval,
    /// Share of resamples in which this threshold keeps both capacity and band.
    pub p_constraints_hold: f64,
    /// Share of resamples in which some threshold qualifies.
    pub p_any_feasible: f64,
    /// Which threshold the rule picks across resamples, most frequent first.
    pub recommended_thresholds: Vec<ThresholdShare>,
    /// For every threshold of the sweep (same order): share of resamples where both constraints hold.
    #[serde(skip)]
    pub p_hold_by_threshold: Vec<f64>,
}

struct Draw {
    conversion: Option<f64>,
    mqls_per_month: f64,
    wins_captured_share: Option<f64>,
    best: Option<usize>,
    hold: Vec<bool>,
    /// At the summarised row: (won, decided) MQLs and (won MQLs, won leads).
    counts: [(u64, u64); 2],
}

/// Resample one holdout of the same size: multinomial counts over the cells.
pub(crate) fn resample(flat: &[u64], n: u64, rng: &mut Xoshiro256PlusPlus) -> Vec<u64> {
    let mut out = vec![0u64; flat.len()];
    let mut left_n = n;
    let mut left_mass = n;
    for (slot, &count) in out.iter_mut().zip(flat) {
        if left_n == 0 || left_mass == 0 {
            break;
        }
        if count == 0 {
            continue;
        }
        *slot = if count >= left_mass {
            left_n
        } else {
            Binomial::new(left_n, count as f64 / left_mass as f64).map_or(0, |b| b.sample(rng))
        };
        left_n -= *slot;
        left_mass -= count;
    }
    out
}

/// Percentile (linear between order statistics) of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

pub(crate) fn interval(estimate: f64, mut values: Vec<f64>, confidence: f64) -> Interval {
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Interval { estimate, low: percentile(&values, tail), high: percentile(&values, 1.0 - tail) }
}

/// A share's percentile interval, widened to at least its Wilson interval of `successes`
/// of `trials`: at 0 % or 100 % every resample repeats the estimate (3 MQLs of 3 won:
/// "between 100 % and 100 %"), and on few leads the percentiles are too narrow.
pub(crate) fn at_least_wilson(interval: Interval, (successes, trials): (u64, u64), z: f64) -> Interval {
    if trials == 0 {
        return interval;
    }
    let (low, high) = mqlcal_metrics::wilson_interval(successes as usize, trials as usize, z);
    Interval { low: interval.low.min(low), high: interval.high.max(high), ..interval }
}

/// Bootstrap the sweep `resamples` times; summarise at sweep row `row`.
/// Capacity is judged on the mean month.
pub fn bootstrap(cells: &Cells, months: f64, c: &Constraints, row: usize, resamples: usize, seed: u64) -> BootstrapSummary {
    bootstrap_with_profile(cells, months, c, row, resamples, seed, &vec![1.0; cells.thresholds.len()])
}

/// [`bootstrap`], judging capacity on the capacity rule's month: at each
/// threshold the resampled mean month times `rule_ratio` (the observed ratio
/// of the rule's month to the mean month; the month profile is held fixed,
/// since the cells pool the months).
pub fn bootstrap_with_profile(
    cells: &Cells,
    months: f64,
    c: &Constraints,
    row: usize,
    resamples: usize,
    seed: u64,
    rule_ratio: &[f64],
) -> BootstrapSummary {
    // Flatten: per threshold [won, lost, open], then always, then never.
    let k = cells.thresholds.len();
    let mut flat: Vec<u64> = cells.at.iter().flat_map(|cell| cell.iter().copied()).collect();
    flat.extend(cells.always);
    flat.extend(cells.never);
    let n: u64 = flat.iter().sum();

    let measure = |drawn: &[u64]| -> Draw {
        let mut running = [drawn[3 * k], drawn[3 * k + 1], drawn[3 * k + 2]];
        let total_won: u64 = drawn.iter().step_by(3).sum();
        let mut points = Vec::with_capacity(k);
        let mut decided_at_row = 0;
        for t in 0..k {
            for o in 0..3 {
                running[o] += drawn[3 * t + o];
            }
            let decided = running[0] + running[1];
            if t == row {
                decided_at_row = decided;
            }
            let conversion = (decided > 0).then(|| running[0] as f64 / decided as f64);
            points.push((running.iter().sum::<u64>() as f64 / months, conversion, running[0]));
        }
        let (per_month, conversion, won) = points[row];
        let judged: Vec<(f64, Option<f64>, u64)> =
            points.iter().zip(rule_ratio).map(|(&(pm, cv, won), &ratio)| (pm * ratio, cv, won)).collect();
        let hold = judged.iter().map(|&(pm, cv, _)| c.within_capacity(pm) && cv.is_some_and(|cv| c.within_band(cv))).collect();
        Draw {
            conversion,
            mqls_per_month: per_month,
            wins_captured_share: (total_won > 0).then(|| won as f64 / total_won as f64),
            best: best_feasible(judged.into_iter(), c),
            hold,
            counts: [(won, decided_at_row), (won, total_won)],
        }
    };

    let draws: Vec<Draw> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            // One generator per resample, seeded from (seed, b): the same bytes on any number of threads.
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            measure(&resample(&flat, n, &mut rng))
        })
        .collect();
    let observed = measure(&flat);

    let b = resamples.max(1) as f64;
    let mut p_hold_by_threshold = vec![0.0; k];
    for d in &draws {
        for (p, &h) in p_hold_by_threshold.iter_mut().zip(&d.hold) {
            *p += f64::from(u8::from(h)) / b;
        }
    }
    let mut picks: std::collections::BTreeMap<Option<i64>, usize> = std::collections::BTreeMap::new();
    for d in &draws {
        *picks.entry(d.best.map(|t| cells.thresholds[t])).or_default() += 1;
    }
    let mut recommended_thresholds: Vec<ThresholdShare> =
        picks.into_iter().map(|(threshold, count)| ThresholdShare { threshold, share: count as f64 / b }).collect();
    recommended_thresholds.sort_by(|a, b| b.share.total_cmp(&a.share).then(b.threshold.cmp(&a.threshold)));

    BootstrapSummary {
        resamples,
        seed,
        confidence: c.confidence,
        threshold: cells.thresholds[row],
        conversion: at_least_wilson(
            interval(observed.conversion.unwrap_or(f64::NAN), draws.iter().filter_map(|d| d.conversion).collect(), c.confidence),
            observed.counts[0],
            c.z,
        ),
        mqls_per_month: interval(observed.mqls_per_month, draws.iter().map(|d| d.mqls_per_month).collect(), c.confidence),
        wins_captured_share: at_least_wilson(
            interval(observed.wins_captured_share.unwrap_or(f64::NAN), draws.iter().filter_map(|d| d.wins_captured_share).collect(), c.confidence),
            observed.counts[1],
            c.z,
        ),
        p_constraints_hold: p_hold_by_threshold[row],
        p_any_feasible: draws.iter().filter(|d| d.best.is_some()).count() as f64 / b,
        recommended_thresholds,
        p_hold_by_threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resample_keeps_size_and_empty_cells() {
        let flat = [5, 0, 3, 2, 0, 0, 10];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for _ in 0..200 {
            let drawn = resample(&flat, 20, &mut rng);
            assert_eq!(drawn.iter().sum::<u64>(), 20);
            assert_eq!((drawn[1], drawn[4], drawn[5]), (0, 0, 0));
        }
    }

    #[test]
    fn multinomial_matches_lead_resampling_in_mean_and_variance() {
        // Cell shares 0.5, 0.3, 0.2 of 10 leads: each count ~ Binomial(10, p).
        let flat = [5, 3, 2];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let reps = 40_000;
        let mut sum = [0.0; 3];
        let mut sum_sq = [0.0; 3];
        for _ in 0..reps {
            let d = resample(&flat, 10, &mut rng);
            for j in 0..3 {
                sum[j] += d[j] as f64;
                sum_sq[j] += (d[j] * d[j]) as f64;
            }
        }
        for (j, p) in [0.5, 0.3, 0.2].into_iter().enumerate() {
            let mean = sum[j] / reps as f64;
            let var = sum_sq[j] / reps as f64 - mean * mean;
            assert!((mean - 10.0 * p).abs() < 0.05, "mean {mean}");
            assert!((var - 10.0 * p * (1.0 - p)).abs() < 0.08, "var {var}");
        }
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.05), 1.2);
        assert_eq!(percentile(&v, 1.0), 5.0);
    }
}
