//! The two-axis sweep: what every pair (F, E) of minimums would have sent to
//! sales on the holdout. Leads are counted once into cells of (fit candidate,
//! engagement candidate); the MQLs of a pair are then a 2-D prefix sum, so the
//! whole grid costs O(leads + pairs). This is the two-axis rule of
//! `scorecard::TwoAxisRule::decide` in aggregate (overrides first, then fit ≥ F
//! and engagement ≥ E); `tests` checks it against the rule lead by lead.

use serde::Serialize;

use crate::scored::{outcome_index, Route, ScoredLeads};
use crate::sweep::{threshold_row, Constraints, Outcomes};

/// At most this many candidate minimums per axis (quantiles of the distinct scores beyond it).
pub const MAX_CANDIDATES: usize = 40;

/// One pair of minimums on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairRow {
    pub fit_min: i64,
    pub engagement_min: i64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    pub busiest_month_mqls: u64,
    pub quietest_month_mqls: u64,
    /// The monthly volume the capacity rule holds against capacity.
    pub capacity_volume: f64,
    pub months_over_capacity: u64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    pub wins_captured_share: Option<f64>,
    pub capacity_utilisation: f64,
    pub within_capacity: bool,
    pub within_band: Option<bool>,
}

impl PairRow {
    pub fn feasible(&self) -> bool {
        self.within_capacity && self.within_band == Some(true)
    }
}

/// Holdout leads counted by (fit candidate, engagement candidate) cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Candidate fit minimums, descending.
    pub fit: Vec<i64>,
    /// Candidate engagement minimums, descending.
    pub engagement: Vec<i64>,
    /// Score-routed leads by cell `a * engagement.len() + b`, where `a` is the strictest
    /// fit candidate the lead meets and `b` the strictest engagement candidate; [won, lost, open].
    pub at: Vec<[u64; 3]>,
    /// `always_mql` leads: MQLs at every pair.
    pub always: [u64; 3],
    /// `never_mql` leads and leads below every candidate of an axis: MQLs at no pair.
    pub rest: [u64; 3],
    /// Leads per cell in each complete month (same layout as `at`), and always-MQLs per month.
    month_at: Vec<Vec<u64>>,
    month_always: Vec<u64>,
}

/// Candidate minimums of one axis: the fixed one, or the distinct scores (at most
/// `MAX_CANDIDATES`, thinned by quantile) at or below `ceiling`, descending.
pub fn candidates(values: impl Iterator<Item = i64>, fixed: Option<i64>, ceiling: Option<i64>) -> Vec<i64> {
    if let Some(v) = fixed {
        return vec![v];
    }
    let mut distinct: Vec<i64> = values.filter(|v| ceiling.is_none_or(|c| *v <= c)).collect();
    distinct.sort_unstable_by(|a, b| b.cmp(a));
    distinct.dedup();
    if distinct.len() > MAX_CANDIDATES {
        let n = distinct.len() - 1;
        let mut thinned: Vec<i64> = (0..MAX_CANDIDATES).map(|k| distinct[k * n / (MAX_CANDIDATES - 1)]).collect();
        thinned.dedup();
        distinct = thinned;
    }
    distinct
}

/// Index of the strictest candidate (descending) that `v` meets, None below all.
fn slot(candidates: &[i64], v: i64) -> Option<usize> {
    let k = candidates.partition_point(|&c| c > v);
    (k < candidates.len()).then_some(k)
}

impl Grid {
    /// Count `leads` into cells of the given candidates; `months` are the complete months of the volume.
    pub fn of(leads: &ScoredLeads, fit: Vec<i64>, engagement: Vec<i64>, months: &[i32]) -> Grid {
        let ne = engagement.len();
        let cells = fit.len() * ne;
        let mut grid = Grid {
            fit,
            engagement,
            at: vec![[0; 3]; cells],
            always: [0; 3],
            rest: [0; 3],
            month_at: vec![vec![0; cells]; months.len()],
            month_always: vec![0; months.len()],
        };
        for i in 0..leads.len() {
            let o = outcome_index(leads.outcome[i]);
            let month = months.binary_search(&leads.month[i]).ok();
            let n = leads.leads[i];
            match leads.route[i] {
                Route::Always => {
                    grid.always[o] += n;
                    if let Some(m) = month {
                        grid.month_always[m] += n;
                    }
                }
                Route::Never => grid.rest[o] += n,
                Route::Score => match (slot(&grid.fit, leads.fit[i]), slot(&grid.engagement, leads.engagement[i])) {
                    (Some(a), Some(b)) => {
                        grid.at[a * ne + b][o] += n;
                        if let Some(m) = month {
                            grid.month_at[m][a * ne + b] += n;
                        }
                    }
                    _ => grid.rest[o] += n,
                },
            }
        }
        grid
    }

    /// (fit_min, engagement_min) of pair `k`.
    pub fn pair(&self, k: usize) -> (i64, i64) {
        let ne = self.engagement.len();
        (self.fit[k / ne], self.engagement[k % ne])
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// All leads' counts.
    pub fn totals(&self) -> [u64; 3] {
        let mut t = self.always;
        for c in self.at.iter().chain(std::iter::once(&self.rest)) {
            for o in 0..3 {
                t[o] += c[o];
            }
        }
        t
    }

    /// Every pair's measures, in cell order (strictest fit first, then strictest engagement).
    pub fn rows(&self, c: &Constraints) -> Vec<PairRow> {
        let ne = self.engagement.len();
        let totals = self.totals();
        let month_count = self.month_at.len().max(1) as f64;
        let mql = cumulative(&self.at, ne, self.always);
        let per_month: Vec<Vec<u64>> = self.month_at.iter().map(|m| cumulative_counts(m, ne)).collect();
        (0..self.len())
            .map(|k| {
                let mut r = threshold_row(0, mql[k], totals, month_count, c);
                let profile: Vec<u64> = per_month.iter().zip(&self.month_always).map(|(m, a)| m[k] + a).collect();
                r.judge_months(&profile, c);
                let (fit_min, engagement_min) = self.pair(k);
                PairRow {
                    fit_min,
                    engagement_min,
                    mqls: r.mqls,
                    mqls_per_month: r.mqls_per_month,
                    busiest_month_mqls: r.busiest_month_mqls,
                    quietest_month_mqls: r.quietest_month_mqls,
                    capacity_volume: r.capacity_volume,
                    months_over_capacity: r.months_over_capacity,
                    outcomes: r.outcomes,
                    wins_captured_share: r.wins_captured_share,
                    capacity_utilisation: r.capacity_utilisation,
                    within_capacity: r.within_capacity,
                    within_band: r.within_band,
                }
            })
            .collect()
    }
}

/// MQL counts [won, lost, open] of every pair: the always-MQLs plus the prefix sum of the cells.
pub(crate) fn cumulative(at: &[[u64; 3]], ne: usize, always: [u64; 3]) -> Vec<[u64; 3]> {
    let per: Vec<Vec<u64>> = (0..3).map(|o| cumulative_counts(&at.iter().map(|c| c[o]).collect::<Vec<_>>(), ne)).collect();
    (0..at.len()).map(|k| [per[0][k] + always[0], per[1][k] + always[1], per[2][k] + always[2]]).collect()
}

/// 2-D prefix sums of one count per cell: row sums, then down the rows.
pub(crate) fn cumulative_counts(cells: &[u64], ne: usize) -> Vec<u64> {
    let mut out = cells.to_vec();
    if ne == 0 {
        return out;
    }
    for row in out.chunks_mut(ne) {
        for b in 1..row.len() {
            row[b] += row[b - 1];
        }
    }
    for k in ne..out.len() {
        out[k] += out[k - ne];
    }
    out
}
