//! The threshold sweep: for every distinct score of the holdout, what that
//! threshold would have sent to sales. Sorted once, then cumulative sums:
//! O(n log n) however many thresholds there are.

use mqlcal_config::CapacityRule;
use serde::Serialize;

use crate::scored::{outcome_index, Route, ScoredLeads};

/// What the sweep measures against: sales capacity, the target conversion band,
/// rep time per MQL, and the z of the intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constraints {
    pub capacity_per_month: f64,
    /// Which monthly volume is held against capacity.
    #[serde(skip)]
    pub capacity_rule: CapacityRule,
    pub band: (f64, f64),
    pub minutes_per_lead: f64,
    /// Interval level (e.g. 0.90) and its normal z.
    pub confidence: f64,
    #[serde(skip)]
    pub z: f64,
}

impl Constraints {
    pub fn new(capacity_per_month: f64, band: (f64, f64), minutes_per_lead: f64, confidence: f64) -> Self {
        let z = mqlcal_metrics::normal_quantile(0.5 + confidence / 2.0);
        Constraints { capacity_per_month, capacity_rule: CapacityRule::Mean, band, minutes_per_lead, confidence, z }
    }

    /// The same constraints, judging capacity on `rule`'s month.
    pub fn with_rule(self, capacity_rule: CapacityRule) -> Self {
        Constraints { capacity_rule, ..self }
    }

    pub fn within_capacity(&self, mqls_per_month: f64) -> bool {
        // A hair of slack so that exactly-at-capacity counts as within (floating division).
        mqls_per_month <= self.capacity_per_month * (1.0 + 1e-12)
    }

    pub fn within_band(&self, conversion: f64) -> bool {
        conversion >= self.band.0 && conversion <= self.band.1
    }
}

/// Won/lost/open counts per distinct score, strictest threshold first. The
/// bootstrap resamples these cells instead of leads (the same distribution).
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    /// Candidate thresholds, descending: every distinct score of score-routed
    /// leads, plus one above the top when `always_mql` leads exist (overrides alone).
    pub thresholds: Vec<i64>,
    /// Score-routed leads whose score equals each threshold.
    pub at: Vec<[u64; 3]>,
    /// `always_mql` leads (MQLs at every threshold).
    pub always: [u64; 3],
    /// `never_mql` leads (never MQLs).
    pub never: [u64; 3],
}

impl Cells {
    pub fn of(leads: &ScoredLeads) -> Cells {
        let mut scored: Vec<(i64, usize, u64)> = (0..leads.len())
            .filter(|&i| leads.route[i] == Route::Score)
            .map(|i| (leads.score[i], outcome_index(leads.outcome[i]), leads.leads[i]))
            .collect();
        scored.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
        let mut thresholds: Vec<i64> = Vec::new();
        let mut at: Vec<[u64; 3]> = Vec::new();
        for (score, o, n) in scored {
            if thresholds.last() != Some(&score) {
                thresholds.push(score);
                at.push([0; 3]);
            }
            if let Some(cell) = at.last_mut() {
                cell[o] += n;
            }
        }
        let always = leads.counts(|i| leads.route[i] == Route::Always);
        let never = leads.counts(|i| leads.route[i] == Route::Never);
        if always.iter().sum::<u64>() > 0 || thresholds.is_empty() {
            let top = thresholds.first().map_or(0, |t| t + 1);
            thresholds.insert(0, top);
            at.insert(0, [0; 3]);
        }
        Cells { thresholds, at, always, never }
    }

    /// MQL counts (won, lost, open) at each threshold.
    pub fn cumulative(&self) -> Vec<[u64; 3]> {
        let mut running = self.always;
        self.at
            .iter()
            .map(|cell| {
                for o in 0..3 {
                    running[o] += cell[o];
                }
                running
            })
            .collect()
    }

    /// All leads' counts (won, lost, open).
    pub fn totals(&self) -> [u64; 3] {
        let mut totals = self.always;
        for cell in self.at.iter().chain(std::iter::once(&self.never)) {
            for o in 0..3 {
                totals[o] += cell[o];
            }
        }
        totals
    }
}

/// One candidate threshold on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdRow {
    /// Leads scoring at least this are MQLs (overrides apply on top).
    pub threshold: i64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    /// MQLs in the busiest and the quietest complete month.
    pub busiest_month_mqls: u64,
    pub quietest_month_mqls: u64,
    /// The monthly volume the capacity rule holds against capacity (the mean,
    /// the busiest or a percentile month).
    pub capacity_volume: f64,
    /// Complete months whose MQLs exceed capacity.
    pub months_over_capacity: u64,
    /// MQLs as a share of all holdout leads.
    pub share_of_leads: f64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    /// Won MQLs / all won leads of the holdout.
    pub wins_captured_share: Option<f64>,
    /// Conversion / the holdout's base win rate.
    pub lift: Option<f64>,
    /// MQLs per month × conversion.
    pub expected_wins_per_month: Option<f64>,
    /// MQLs per month / capacity.
    pub capacity_utilisation: f64,
    /// Rep hours a month spent on MQLs that lose: MQLs per month × (1 − conversion) × minutes per lead / 60.
    pub rep_hours_on_lost_per_month: Option<f64>,
    pub within_capacity: bool,
    /// None when no MQL is decided.
    pub within_band: Option<bool>,
    /// Share of bootstrap resamples in which capacity and band both hold here.
    pub p_constraints_hold: Option<f64>,
}

impl ThresholdRow {
    /// Both constraints hold.
    pub fn feasible(&self) -> bool {
        self.within_capacity && self.within_band == Some(true)
    }
}

/// A set of leads by outcome, with their conversion and its Wilson interval: the
/// columns every backtest row shares (flattened into its JSON and table columns).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outcomes {
    pub won: u64,
    pub lost: u64,
    /// Not yet decided (volume, not conversion).
    pub open: u64,
    /// Won / decided.
    pub conversion: Option<f64>,
    /// Wilson interval of the conversion at the run's confidence (`z`).
    pub conversion_low: Option<f64>,
    pub conversion_high: Option<f64>,
}

impl Outcomes {
    /// From (won, lost, open) counts.
    pub fn of(counts: [u64; 3], z: f64) -> Outcomes {
        let (conversion, conversion_low, conversion_high) = conversion_interval(counts, z);
        Outcomes { won: counts[0], lost: counts[1], open: counts[2], conversion, conversion_low, conversion_high }
    }

    pub fn leads(&self) -> u64 {
        self.won + self.lost + self.open
    }
}

/// Conversion (won ÷ decided) and its Wilson interval `(conversion, low, high)`; all None without decided leads.
pub fn conversion_interval(counts: [u64; 3], z: f64) -> (Option<f64>, Option<f64>, Option<f64>) {
    let decided = counts[0] + counts[1];
    if decided == 0 {
        return (None, None, None);
    }
    let (low, high) = mqlcal_metrics::wilson_interval(counts[0] as usize, decided as usize, z);
    (Some(counts[0] as f64 / decided as f64), Some(low), Some(high))
}

/// The measures of one threshold from its MQL counts, the holdout's totals and months.
pub fn threshold_row(threshold: i64, mql: [u64; 3], totals: [u64; 3], months: f64, c: &Constraints) -> ThresholdRow {
    let outcomes = Outcomes::of(mql, c.z);
    let (mqls, conversion) = (outcomes.leads(), outcomes.conversion);
    let all = totals.iter().sum::<u64>();
    let mqls_per_month = mqls as f64 / months;
    let base_rate = (totals[0] + totals[1] > 0).then(|| totals[0] as f64 / (totals[0] + totals[1]) as f64);
    ThresholdRow {
        threshold,
        mqls,
        mqls_per_month,
        busiest_month_mqls: 0,
        quietest_month_mqls: 0,
        capacity_volume: mqls_per_month,
        months_over_capacity: 0,
        share_of_leads: if all > 0 { mqls as f64 / all as f64 } else { 0.0 },
        outcomes,
        wins_captured_share: (totals[0] > 0).then(|| outcomes.won as f64 / totals[0] as f64),
        lift: conversion.zip(base_rate.filter(|&b| b > 0.0)).map(|(cv, b)| cv / b),
        expected_wins_per_month: conversion.map(|cv| mqls_per_month * cv),
        capacity_utilisation: mqls_per_month / c.capacity_per_month,
        rep_hours_on_lost_per_month: conversion.map(|cv| mqls_per_month * (1.0 - cv) * c.minutes_per_lead / 60.0),
        within_capacity: c.within_capacity(mqls_per_month),
        within_band: conversion.map(|cv| c.within_band(cv)),
        p_constraints_hold: None,
    }
}

impl ThresholdRow {
    /// Judge the row's volume against capacity month by month (`profile`: its MQLs in each
    /// month) by the capacity rule, as every row of the sweep is.
    pub(crate) fn judge_months(&mut self, profile: &[u64], c: &Constraints) {
        self.busiest_month_mqls = profile.iter().copied().max().unwrap_or(0);
        self.quietest_month_mqls = profile.iter().copied().min().unwrap_or(0);
        if !profile.is_empty() {
            self.capacity_volume = c.capacity_rule.volume(profile);
        }
        self.months_over_capacity = profile.iter().filter(|&&m| !c.within_capacity(m as f64)).count() as u64;
        self.within_capacity = c.within_capacity(self.capacity_volume);
    }
}

/// The row of the MQLs `is_mql` picks among `leads` (labelled `threshold`), its volume
/// judged over the complete calendar `months` (ascending) as the sweep judges its rows: a
/// threshold replayed on another cohort (the walk-forward's carried one) is held to the
/// same capacity rule as the thresholds chosen there.
pub fn row_of(leads: &ScoredLeads, months: &[i32], threshold: i64, c: &Constraints, is_mql: impl Fn(usize) -> bool) -> ThresholdRow {
    let mut row = threshold_row(threshold, leads.counts(&is_mql), leads.counts(|_| true), months.len().max(1) as f64, c);
    let mut profile = vec![0u64; months.len()];
    for i in (0..leads.len()).filter(|&i| is_mql(i)) {
        if let Ok(k) = months.binary_search(&leads.month[i]) {
            profile[k] += leads.leads[i];
        }
    }
    row.judge_months(&profile, c);
    row
}

/// Every threshold of the holdout, strictest first, with the volume spread over
/// `months` calendar months taken from the leads' own span.
pub fn sweep(leads: &ScoredLeads, months: usize, c: &Constraints) -> (Cells, Vec<ThresholdRow>) {
    let first = leads.month.iter().min().copied().unwrap_or(0);
    let list: Vec<i32> = (first..first + months.max(1) as i32).collect();
    sweep_months(leads, &list, c)
}

/// Every threshold, strictest first, over the given complete calendar months:
/// per month volumes, the capacity rule's month, months over capacity.
pub fn sweep_months(leads: &ScoredLeads, months: &[i32], c: &Constraints) -> (Cells, Vec<ThresholdRow>) {
    let cells = Cells::of(leads);
    let totals = cells.totals();
    let month_count = months.len().max(1) as f64;
    let mut rows: Vec<ThresholdRow> = cells
        .thresholds
        .iter()
        .zip(cells.cumulative())
        .map(|(&t, mql)| threshold_row(t, mql, totals, month_count, c))
        .collect();
    for (row, profile) in rows.iter_mut().zip(month_profiles(leads, &cells.thresholds, months)) {
        row.judge_months(&profile, c);
    }
    (cells, rows)
}

/// MQLs in each of `months` at each threshold (descending thresholds). Counts
/// only grow as the threshold falls: one pass over the leads sorted by score.
fn month_profiles(leads: &ScoredLeads, thresholds: &[i64], months: &[i32]) -> Vec<Vec<u64>> {
    let slot = |month: i32| months.binary_search(&month).ok();
    let mut per_month = vec![0u64; months.len()];
    for i in (0..leads.len()).filter(|&i| leads.route[i] == Route::Always) {
        if let Some(k) = slot(leads.month[i]) {
            per_month[k] += leads.leads[i];
        }
    }
    let mut by_score: Vec<(i64, i32, u64)> = (0..leads.len())
        .filter(|&i| leads.route[i] == Route::Score)
        .map(|i| (leads.score[i], leads.month[i], leads.leads[i]))
        .collect();
    by_score.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
    let mut next = 0;
    let mut out = Vec::with_capacity(thresholds.len());
    for &t in thresholds {
        while next < by_score.len() && by_score[next].0 >= t {
            if let Some(k) = slot(by_score[next].1) {
                per_month[k] += by_score[next].2;
            }
            next += 1;
        }
        out.push(per_month.clone());
    }
    out
}
