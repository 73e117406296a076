//! The two-axis rule backtested like the threshold: the (F, E) grid swept on
//! the holdout against capacity (by month) and the band, the pair that captures
//! the most wins within both, its bootstrap, its walk-forward, and the plain
//! comparison with one threshold at the same volume.

mod boot;
mod cells;
mod grid;
#[cfg(test)]
mod tests;

pub use mqlcal_config::TwoAxisSpec;
use mqlcal_scorecard::TwoAxisRule;
use serde::Serialize;

pub use boot::{bootstrap_grid, paired, PairBootstrap, PairedIntervals};
pub use cells::{cell_rows, CellRow};
pub use grid::{candidates, Grid, PairRow, MAX_CANDIDATES};

use crate::compare::threshold_for_volume;
use crate::recommend::{most_wins, pct, volume};
use crate::scored::{Judged, Route, ScoredLeads};
use crate::sweep::{Constraints, Outcomes, ThresholdRow};
use crate::BacktestError;

/// Everything the backtest found about the two-axis rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoAxisBacktest {
    /// "config" (fixed in `[rule]`) or "backtest" (chosen by the sweep).
    pub fit_min_chosen_by: &'static str,
    pub engagement_min_chosen_by: &'static str,
    /// The chosen rule, as the model file records it.
    pub rule: TwoAxisRule,
    pub feasible: bool,
    /// One sentence for the meeting.
    pub summary: String,
    pub chosen: PairRow,
    pub fit_candidates: Vec<i64>,
    pub engagement_candidates: Vec<i64>,
    pub bootstrap: PairBootstrap,
    /// Against one threshold at the same volume.
    pub versus: Versus,
    /// The four quadrants of the boundary on the holdout.
    pub quadrants: Vec<CellRow>,
    /// The grade cells, when the rule has grades.
    pub grades: Vec<CellRow>,
    /// Every pair swept (the `two_axis` table; not in backtest.json).
    #[serde(skip)]
    pub grid: Vec<PairRow>,
}

/// The two-axis rule against the total score's threshold that sends as many MQLs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Versus {
    /// The single threshold at equal volume.
    pub threshold: i64,
    pub threshold_mqls: u64,
    pub two_axis_mqls: u64,
    pub mqls_per_month: f64,
    pub two_axis: Outcomes,
    pub single: Outcomes,
    pub intervals: PairedIntervals,
    /// "two_axis", "threshold" or "neither" (the interval of the difference in wins captured straddles 0).
    pub winner: &'static str,
    pub summary: String,
    /// The threshold the sweep recommends at its own volume, for reference.
    pub recommended_threshold: i64,
    pub recommended_wins_captured_share: Option<f64>,
    pub recommended_conversion: Option<f64>,
}

/// What the two-axis backtest needs from the threshold backtest.
pub struct TwoAxisInputs<'a> {
    pub spec: &'a TwoAxisSpec,
    pub holdout: &'a ScoredLeads,
    pub judged: &'a Judged,
    pub c: &'a Constraints,
    pub recommended: &'a ThresholdRow,
    pub resamples: usize,
    pub seed: u64,
}

/// A fixed minimum outside the holdout's scores is an error naming the key.
fn check_range(key: &str, v: Option<i64>, scores: &[i64], axis: &str) -> Result<(), BacktestError> {
    let (Some(v), Some(&lo), Some(&hi)) = (v, scores.iter().min(), scores.iter().max()) else { return Ok(()) };
    if v > hi {
        return Err(BacktestError::Rule(format!(
            "[rule] {key} = {v} is above every holdout lead's {axis} score (the highest is {hi}): no lead would be an MQL; use a value from {lo} to {hi}, or \"auto\""
        )));
    }
    if v < lo {
        return Err(BacktestError::Rule(format!(
            "[rule] {key} = {v} is below every holdout lead's {axis} score (the lowest is {lo}): the {axis} axis would filter nothing; use a value from {lo} to {hi}, or \"auto\""
        )));
    }
    Ok(())
}

/// Sweep, choose, bootstrap and compare.
pub fn run(t: &TwoAxisInputs) -> Result<TwoAxisBacktest, BacktestError> {
    let TwoAxisInputs { spec, holdout, judged, c, .. } = *t;
    check_range("fit_min", spec.fit_min, &holdout.fit, "fit")?;
    check_range("engagement_min", spec.engagement_min, &holdout.engagement, "engagement")?;
    let (fit_ceiling, engagement_ceiling) = spec.grades.as_ref().map_or((None, None), |g| g.sales_ceiling());
    let scored = |v: &[i64]| (0..holdout.len()).filter(|&i| holdout.route[i] == Route::Score).map(|i| v[i]).collect::<Vec<_>>();
    let fit = candidates(scored(&holdout.fit).into_iter(), spec.fit_min, fit_ceiling);
    let engagement = candidates(scored(&holdout.engagement).into_iter(), spec.engagement_min, engagement_ceiling);
    if fit.is_empty() || engagement.is_empty() {
        return Err(BacktestError::Rule(
            "[rule.routes]: the cells routed to \"sales\" sit above every holdout lead's scores, so no boundary keeps them MQL-only; route fewer cells to sales".into(),
        ));
    }
    let grid = Grid::of(holdout, fit, engagement, &judged.months);
    let rows = grid.rows(c);
    let (k, feasible) = choose(&rows, c);
    let months = judged.month_count() as f64;
    let ratio: Vec<f64> = rows.iter().map(|r| if r.mqls_per_month > 0.0 { r.capacity_volume / r.mqls_per_month } else { 1.0 }).collect();
    let bootstrap = bootstrap_grid(&grid, months, c, k, &ratio, t.resamples, t.seed);
    let chosen = rows[k].clone();
    let rule = TwoAxisRule { fit_min: chosen.fit_min, engagement_min: chosen.engagement_min, grades: spec.grades.clone() };
    let versus = versus(t, &rule, &chosen, months);
    let summary = summary(&chosen, feasible, c, &bootstrap);
    Ok(TwoAxisBacktest {
        fit_min_chosen_by: if spec.fit_min.is_some() { "config" } else { "backtest" },
        engagement_min_chosen_by: if spec.engagement_min.is_some() { "config" } else { "backtest" },
        quadrants: cell_rows(holdout, &rule, false, c.z),
        grades: if rule.grades.is_some() { cell_rows(holdout, &rule, true, c.z) } else { vec![] },
        rule,
        feasible,
        summary,
        chosen,
        fit_candidates: grid.fit.clone(),
        engagement_candidates: grid.engagement.clone(),
        bootstrap,
        versus,
        grid: rows,
    })
}

/// The grid of `leads` over `months` and the pair the rule chooses (None when an axis has no candidate).
pub fn pick(spec: &TwoAxisSpec, leads: &ScoredLeads, months: &[i32], c: &Constraints) -> Option<(PairRow, bool)> {
    let (fit_ceiling, engagement_ceiling) = spec.grades.as_ref().map_or((None, None), |g| g.sales_ceiling());
    let scored = |v: &[i64]| (0..leads.len()).filter(|&i| leads.route[i] == Route::Score).map(|i| v[i]).collect::<Vec<_>>();
    let fit = candidates(scored(&leads.fit).into_iter(), spec.fit_min, fit_ceiling);
    let engagement = candidates(scored(&leads.engagement).into_iter(), spec.engagement_min, engagement_ceiling);
    if fit.is_empty() || engagement.is_empty() {
        return None;
    }
    let rows = Grid::of(leads, fit, engagement, months).rows(c);
    let (k, feasible) = choose(&rows, c);
    Some((rows[k].clone(), feasible))
}

/// One walk-forward step of the two-axis rule: the pair chosen on the tested
/// cohort (hindsight), and the pair chosen on the previous cohort replayed on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoAxisStep {
    pub fit_min: i64,
    pub engagement_min: i64,
    pub feasible: bool,
    pub mqls_per_month: f64,
    pub conversion: Option<f64>,
    pub carried_fit_min: i64,
    pub carried_engagement_min: i64,
    pub carried_mqls_per_month: f64,
    pub carried_conversion: Option<f64>,
    pub carried_within_capacity: bool,
    pub carried_within_band: Option<bool>,
}

/// The pair that captures the most wins within capacity and band (ties: higher
/// conversion, then the stricter pair); when none qualifies, the pair within capacity
/// closest to the band (ties: more wins), else the one sending the fewest MQLs.
pub fn choose(rows: &[PairRow], c: &Constraints) -> (usize, bool) {
    let feasible = most_wins(rows.iter().enumerate().filter(|(_, r)| r.feasible()).filter_map(|(k, r)| r.outcomes.conversion.map(|cv| (k, r.outcomes.won, cv))));
    if let Some(k) = feasible {
        return (k, true);
    }
    let distance = |r: &PairRow| match r.outcomes.conversion {
        None => f64::INFINITY,
        Some(cv) => (c.band.0 - cv).max(cv - c.band.1).max(0.0),
    };
    let nearest = (0..rows.len())
        .filter(|&k| rows[k].within_capacity && rows[k].outcomes.conversion.is_some())
        .min_by(|&a, &b| distance(&rows[a]).total_cmp(&distance(&rows[b])).then(rows[b].outcomes.won.cmp(&rows[a].outcomes.won)));
    let k = nearest.unwrap_or_else(|| (0..rows.len()).min_by_key(|&k| (rows[k].mqls, k)).unwrap_or(0));
    (k, false)
}

fn summary(row: &PairRow, feasible: bool, c: &Constraints, boot: &PairBootstrap) -> String {
    let conv = row.outcomes.conversion.map_or("no decided MQLs".to_string(), |cv| {
        format!(
            "conversion {} ({:.0} % Wilson interval {}–{})",
            pct(cv),
            100.0 * c.confidence,
            pct(row.outcomes.conversion_low.unwrap_or(f64::NAN)),
            pct(row.outcomes.conversion_high.unwrap_or(f64::NAN))
        )
    });
    let head = format!(
        "fit ≥ {} and engagement ≥ {}: {} MQLs a month ({:.0} % of the capacity of {}), {conv}, capturing {} of the holdout's wins",
        row.fit_min,
        row.engagement_min,
        volume(row.mqls_per_month),
        100.0 * row.capacity_utilisation,
        volume(c.capacity_per_month),
        row.wins_captured_share.map_or("-".into(), pct)
    );
    let band = format!("{:.0}–{:.0} %", 100.0 * c.band.0, 100.0 * c.band.1);
    let confidence = format!("; capacity and band both hold in {:.0} % of bootstrap resamples", 100.0 * boot.p_constraints_hold);
    if feasible {
        format!("Two-axis rule {head}, inside the band {band}{confidence}.")
    } else {
        let why = match (row.within_capacity, row.within_band) {
            (false, _) => "over capacity".to_string(),
            (true, Some(false)) => format!("outside the band {band}"),
            _ => "without decided MQLs".to_string(),
        };
        format!("No pair of minimums meets both capacity and the band {band}; the nearest is {head}, {why}{confidence}.")
    }
}

/// The two-axis rule against the single threshold sending the same number of MQLs, with paired intervals.
fn versus(t: &TwoAxisInputs, rule: &TwoAxisRule, chosen: &PairRow, months: f64) -> Versus {
    let h = t.holdout;
    let threshold = threshold_for_volume(h, chosen.mqls).unwrap_or(t.recommended.threshold);
    let mut cells = [0u64; 12];
    for i in 0..h.len() {
        let (two, single) = (h.is_mql_two_axis(i, rule), h.is_mql(i, threshold));
        cells[usize::from(two) * 6 + usize::from(single) * 3 + crate::scored::outcome_index(h.outcome[i])] += h.leads[i];
    }
    let side = |two: bool| {
        let mut counts = [0u64; 3];
        for (k, n) in cells.iter().enumerate() {
            let (in_two, in_single) = (k / 6 == 1, (k / 3) % 2 == 1);
            if (two && in_two) || (!two && in_single) {
                counts[k % 3] += n;
            }
        }
        counts
    };
    let (two_counts, single_counts) = (side(true), side(false));
    let intervals = paired(&cells, t.c.confidence, t.resamples, t.seed);
    let d = intervals.wins_captured_difference;
    let winner = if d.low > 0.0 {
        "two_axis"
    } else if d.high < 0.0 {
        "threshold"
    } else {
        "neither"
    };
    let mut v = Versus {
        threshold,
        threshold_mqls: single_counts.iter().sum(),
        two_axis_mqls: two_counts.iter().sum(),
        mqls_per_month: two_counts.iter().sum::<u64>() as f64 / months,
        two_axis: Outcomes::of(two_counts, t.c.z),
        single: Outcomes::of(single_counts, t.c.z),
        intervals,
        winner,
        summary: String::new(),
        recommended_threshold: t.recommended.threshold,
        recommended_wins_captured_share: t.recommended.wins_captured_share,
        recommended_conversion: t.recommended.outcomes.conversion,
    };
    v.summary = versus_summary(&v, chosen, t.c.confidence);
    v
}

/// Signed percentage points: "+6.1 points".
fn points(x: f64) -> String {
    // Rounded first, so a tiny negative difference reads "+0.0", not "−0.0".
    let x = (1000.0 * x).round() / 1000.0;
    format!("{}{:.1} points", if x >= 0.0 { "+" } else { "−" }, 100.0 * x.abs())
}

fn range(i: &crate::Interval) -> String {
    format!("{} to {}", points(i.low), points(i.high))
}

fn versus_summary(v: &Versus, chosen: &PairRow, confidence: f64) -> String {
    let i = &v.intervals;
    let lead = match v.winner {
        "two_axis" => "The two-axis rule wins".to_string(),
        "threshold" => "The single threshold wins".to_string(),
        _ => "Neither rule wins clearly".to_string(),
    };
    format!(
        "{lead}: at equal volume ({} MQLs a month; threshold {} sends {}, the two-axis rule fit ≥ {} and engagement ≥ {} sends {}), the two-axis rule captures {} of wins against {} ({} , {:.0} % interval {}) and converts at {} against {} ({}, interval {}).",
        volume(v.mqls_per_month),
        v.threshold,
        v.threshold_mqls,
        chosen.fit_min,
        chosen.engagement_min,
        v.two_axis_mqls,
        pct(i.two_axis_wins_captured.estimate),
        pct(i.threshold_wins_captured.estimate),
        points(i.wins_captured_difference.estimate),
        100.0 * confidence,
        range(&i.wins_captured_difference),
        pct(i.two_axis_conversion.estimate),
        pct(i.threshold_conversion.estimate),
        points(i.conversion_difference.estimate),
        range(&i.conversion_difference),
    )
    .replace(" ,", ",")
}
