//! Seeded bootstraps of the two-axis rule: of the whole (F, E) grid (a
//! multinomial draw over its cells, as the threshold's bootstrap draws over
//! score cells), and of the paired comparison with one threshold at equal volume
//! (a draw over the 12 cells of MQL-under-each-rule × outcome).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;

use super::grid::{cumulative, Grid};
use crate::bootstrap::{at_least_wilson, interval, resample, Interval};
use crate::recommend::best_feasible;
use crate::sweep::Constraints;

/// The bootstrap at the chosen pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairBootstrap {
    pub resamples: usize,
    pub seed: u64,
    pub confidence: f64,
    pub conversion: Interval,
    pub mqls_per_month: Interval,
    pub wins_captured_share: Interval,
    /// Share of resamples in which the chosen pair keeps both capacity and band.
    pub p_constraints_hold: f64,
    /// Share of resamples in which some pair qualifies.
    pub p_any_feasible: f64,
    /// Share of resamples in which the rule picks the same pair again.
    pub p_same_pair: f64,
}

/// One generator per resample, seeded from (seed, b): the same bytes on any number of threads.
fn rng(seed: u64, b: usize) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

struct Draw {
    conversion: Option<f64>,
    per_month: f64,
    wins: Option<f64>,
    hold: bool,
    best: Option<usize>,
}

/// Bootstrap the grid; summarise at pair `chosen`. `rule_ratio`: per pair, the observed
/// ratio of the capacity rule's month to the mean month (the month profile is held fixed).
pub fn bootstrap_grid(grid: &Grid, months: f64, c: &Constraints, chosen: usize, rule_ratio: &[f64], resamples: usize, seed: u64) -> PairBootstrap {
    let cells = grid.len();
    let ne = grid.engagement.len();
    let mut flat: Vec<u64> = grid.at.iter().flat_map(|x| x.iter().copied()).collect();
    flat.extend(grid.always);
    flat.extend(grid.rest);
    let n: u64 = flat.iter().sum();
    let measure = |drawn: &[u64]| -> Draw {
        let at: Vec<[u64; 3]> = drawn[..3 * cells].chunks(3).map(|x| [x[0], x[1], x[2]]).collect();
        let always = [drawn[3 * cells], drawn[3 * cells + 1], drawn[3 * cells + 2]];
        let total_won: u64 = drawn.iter().step_by(3).sum();
        let mql = cumulative(&at, ne, always);
        let points: Vec<(f64, Option<f64>, u64)> = mql
            .iter()
            .zip(rule_ratio)
            .map(|(m, ratio)| {
                let decided = m[0] + m[1];
                (m.iter().sum::<u64>() as f64 / months * ratio, (decided > 0).then(|| m[0] as f64 / decided as f64), m[0])
            })
            .collect();
        let (volume, conversion, won) = points[chosen];
        Draw {
            conversion,
            per_month: mql[chosen].iter().sum::<u64>() as f64 / months,
            wins: (total_won > 0).then(|| won as f64 / total_won as f64),
            hold: c.within_capacity(volume) && conversion.is_some_and(|cv| c.within_band(cv)),
            best: best_feasible(points.into_iter(), c),
        }
    };
    let draws: Vec<Draw> = (0..resamples).into_par_iter().map(|b| measure(&resample(&flat, n, &mut rng(seed, b)))).collect();
    let observed = measure(&flat);
    // The chosen pair's (won, decided) MQLs and (won MQLs, won leads), for the shares' floor.
    let chosen_mql = cumulative(&grid.at, ne, grid.always)[chosen];
    let all_won: u64 = flat.iter().step_by(3).sum();
    let share = |keep: &dyn Fn(&Draw) -> bool| draws.iter().filter(|d| keep(d)).count() as f64 / resamples.max(1) as f64;
    PairBootstrap {
        resamples,
        seed,
        confidence: c.confidence,
        conversion: at_least_wilson(
            interval(observed.conversion.unwrap_or(f64::NAN), draws.iter().filter_map(|d| d.conversion).collect(), c.confidence),
            (chosen_mql[0], chosen_mql[0] + chosen_mql[1]),
            c.z,
        ),
        mqls_per_month: interval(observed.per_month, draws.iter().map(|d| d.per_month).collect(), c.confidence),
        wins_captured_share: at_least_wilson(
            interval(observed.wins.unwrap_or(f64::NAN), draws.iter().filter_map(|d| d.wins).collect(), c.confidence),
            (chosen_mql[0], all_won),
            c.z,
        ),
        p_constraints_hold: share(&|d| d.hold),
        p_any_feasible: share(&|d| d.best.is_some()),
        p_same_pair: share(&|d| d.best == Some(chosen)),
    }
}

/// Intervals of the paired comparison: each rule's wins captured and conversion, and their differences (two-axis minus threshold).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairedIntervals {
    pub two_axis_wins_captured: Interval,
    pub threshold_wins_captured: Interval,
    pub wins_captured_difference: Interval,
    pub two_axis_conversion: Interval,
    pub threshold_conversion: Interval,
    pub conversion_difference: Interval,
}

/// `cells[(two_axis as usize) * 6 + (threshold as usize) * 3 + outcome]`: leads by their MQL status under both rules.
pub fn paired(cells: &[u64; 12], confidence: f64, resamples: usize, seed: u64) -> PairedIntervals {
    let n: u64 = cells.iter().sum();
    let measure = |d: &[u64]| {
        let side = |two_axis: bool| {
            let (mut won, mut lost) = (0u64, 0u64);
            for k in 0..4 {
                let (in_two, in_thr) = (k / 2 == 1, k % 2 == 1);
                if (two_axis && in_two) || (!two_axis && in_thr) {
                    won += d[k * 3];
                    lost += d[k * 3 + 1];
                }
            }
            (won, lost)
        };
        let total_won: u64 = d.iter().step_by(3).sum::<u64>().max(1);
        let ((w2, l2), (w1, l1)) = (side(true), side(false));
        let conv = |w: u64, l: u64| if w + l > 0 { w as f64 / (w + l) as f64 } else { f64::NAN };
        let (c2, c1) = (conv(w2, l2), conv(w1, l1));
        let (s2, s1) = (w2 as f64 / total_won as f64, w1 as f64 / total_won as f64);
        [s2, s1, s2 - s1, c2, c1, c2 - c1]
    };
    let draws: Vec<[f64; 6]> = (0..resamples).into_par_iter().map(|b| measure(&resample(cells, n, &mut rng(seed, b)))).collect();
    let observed = measure(cells);
    let at = |j: usize| interval(observed[j], draws.iter().map(|d| d[j]).filter(|v| v.is_finite()).collect(), confidence);
    PairedIntervals {
        two_axis_wins_captured: at(0),
        threshold_wins_captured: at(1),
        wins_captured_difference: at(2),
        two_axis_conversion: at(3),
        threshold_conversion: at(4),
        conversion_difference: at(5),
    }
}
