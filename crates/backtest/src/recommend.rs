//! The recommendation rule (DESIGN.md): among thresholds whose MQLs per month
//! fit capacity and whose conversion lies in the band, the one that captures the
//! most wins (ties: the higher conversion). When none qualifies, say which
//! constraint binds and show the nearest options in words.

use serde::Serialize;

use crate::sweep::{Constraints, ThresholdRow};

/// The constraint that stops every threshold from qualifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// Even the strictest threshold sends more MQLs than sales can work, or the
    /// band is reached only beyond capacity.
    Capacity,
    /// Within capacity, conversion stays below the band's floor.
    BandLow,
    /// Within capacity, conversion stays above the band's ceiling (and no threshold reaches the band).
    BandHigh,
    /// Conversion jumps across the band between adjacent thresholds.
    Band,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Capacity => "capacity",
            Binding::BandLow => "band_low",
            Binding::BandHigh => "band_high",
            Binding::Band => "band",
        }
    }
}

/// A threshold worth discussing when none qualifies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearOption {
    pub threshold: i64,
    pub mqls_per_month: f64,
    pub conversion: Option<f64>,
    pub wins_captured_share: Option<f64>,
    pub within_capacity: bool,
    pub within_band: Option<bool>,
    /// What choosing it means, in words for the meeting.
    pub advice: String,
}

/// The recommended threshold, or the nearest one and why none qualifies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub feasible: bool,
    /// The qualifying threshold with the most wins; when infeasible, the nearest
    /// option (within capacity and closest to the band, else the strictest).
    pub threshold: i64,
    /// Index of that threshold in the sweep.
    pub row: usize,
    pub binding_constraint: Option<Binding>,
    /// One sentence for the meeting.
    pub summary: String,
    /// Nearest options (infeasible only).
    pub options: Vec<NearOption>,
}

/// Index of the best qualifying threshold: most won MQLs, then higher conversion,
/// then the stricter threshold. `points` yields (mqls per month, conversion, won).
pub fn best_feasible(points: impl Iterator<Item = (f64, Option<f64>, u64)>, c: &Constraints) -> Option<usize> {
    most_wins(
        points
            .enumerate()
            .filter_map(|(k, (per_month, conversion, won))| conversion.map(|cv| (k, per_month, cv, won)))
            .filter(|&(_, per_month, cv, _)| c.within_capacity(per_month) && c.within_band(cv))
            .map(|(k, _, cv, won)| (k, won, cv)),
    )
}

/// The candidate `(index, won MQLs, conversion)` that captures the most wins;
/// ties go to the higher conversion, then to the first (stricter) one.
pub(crate) fn most_wins(candidates: impl Iterator<Item = (usize, u64, f64)>) -> Option<usize> {
    let mut best: Option<(usize, u64, f64)> = None;
    for (k, won, cv) in candidates {
        let better = match best {
            None => true,
            Some((_, best_won, best_cv)) => won > best_won || (won == best_won && cv > best_cv),
        };
        if better {
            best = Some((k, won, cv));
        }
    }
    best.map(|b| b.0)
}

/// The pick of `[sales] min_confidence`: row `k`, the threshold with the most
/// wins among those whose capacity and band hold in at least `min` of the resamples.
pub fn confident(rows: &[ThresholdRow], k: usize, min: f64) -> Recommendation {
    let row = &rows[k];
    Recommendation {
        feasible: row.feasible(),
        threshold: row.threshold,
        row: k,
        binding_constraint: None,
        summary: format!(
            "{}; capacity and band both hold in {:.0} % of bootstrap resamples (at least {:.0} % asked by [sales] min_confidence).",
            describe(row),
            100.0 * row.p_constraints_hold.unwrap_or(0.0),
            100.0 * min
        ),
        options: vec![],
    }
}

/// A monthly volume for a sentence: whole numbers as such, small ones with one decimal.
pub(crate) fn volume(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 || x >= 10.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

pub(crate) fn pct(x: f64) -> String {
    mqlcal_tidy::percent(x, 1)
}

fn band_text(c: &Constraints) -> String {
    format!("{:.0}–{:.0} %", 100.0 * c.band.0, 100.0 * c.band.1)
}

/// "threshold 55: 182 MQLs a month, conversion 21.3 %, 64.0 % of wins"
fn describe(row: &ThresholdRow) -> String {
    let conversion = row.outcomes.conversion.map_or("no decided MQLs".to_string(), |cv| format!("conversion {}", pct(cv)));
    let wins = row.wins_captured_share.map_or(String::new(), |w| format!(", {} of wins", pct(w)));
    format!("threshold {}: {} MQLs a month, {conversion}{wins}", row.threshold, volume(row.mqls_per_month))
}

fn band_distance(row: &ThresholdRow, c: &Constraints) -> f64 {
    match row.outcomes.conversion {
        None => f64::INFINITY,
        Some(cv) if cv < c.band.0 => c.band.0 - cv,
        Some(cv) if cv > c.band.1 => cv - c.band.1,
        Some(_) => 0.0,
    }
}

fn option(row: &ThresholdRow, advice: String) -> NearOption {
    NearOption {
        threshold: row.threshold,
        mqls_per_month: row.mqls_per_month,
        conversion: row.outcomes.conversion,
        wins_captured_share: row.wins_captured_share,
        within_capacity: row.within_capacity,
        within_band: row.within_band,
        advice,
    }
}

/// Apply the rule to a sweep (strictest threshold first). `overrides_per_month`:
/// MQLs a month that `always_mql` sends whatever the threshold.
pub fn recommend(rows: &[ThresholdRow], c: &Constraints, overrides_per_month: f64) -> Recommendation {
    let points = rows.iter().map(|r| (r.capacity_volume, r.outcomes.conversion, r.outcomes.won));
    if let Some(k) = best_feasible(points, c) {
        let row = &rows[k];
        let summary = format!(
            "Threshold {}: {} MQLs a month ({:.0} % of the capacity of {}), conversion {} ({:.0} % Wilson interval {}–{}) inside the band {}, capturing {} of the holdout's wins.",
            row.threshold,
            volume(row.mqls_per_month),
            100.0 * row.capacity_utilisation,
            volume(c.capacity_per_month),
            pct(row.outcomes.conversion.unwrap_or(f64::NAN)),
            100.0 * c.confidence,
            pct(row.outcomes.conversion_low.unwrap_or(f64::NAN)),
            pct(row.outcomes.conversion_high.unwrap_or(f64::NAN)),
            band_text(c),
            pct(row.wins_captured_share.unwrap_or(f64::NAN)),
        );
        return Recommendation { feasible: true, threshold: row.threshold, row: k, binding_constraint: None, summary, options: vec![] };
    }
    infeasible(rows, c, overrides_per_month)
}

/// A row's volume as a share of capacity in the capacity rule's month (the volume
/// `within_capacity` judges): "% over capacity" is then never negative for a row over it.
fn rule_share(row: &ThresholdRow, c: &Constraints) -> f64 {
    row.capacity_volume / c.capacity_per_month
}

fn infeasible(rows: &[ThresholdRow], c: &Constraints, overrides_per_month: f64) -> Recommendation {
    let capacity = c.capacity_per_month;
    let within_cap: Vec<usize> = (0..rows.len()).filter(|&k| rows[k].within_capacity && rows[k].outcomes.conversion.is_some()).collect();
    let in_band: Vec<usize> = (0..rows.len()).filter(|&k| rows[k].within_band == Some(true)).collect();
    let band = band_text(c);
    let mut options = Vec::new();

    if within_cap.is_empty() {
        let strictest = &rows[0];
        let overrides = if overrides_per_month > 0.0 {
            format!(" ({} of them from always_mql overrides, whatever the score)", volume(overrides_per_month))
        } else {
            String::new()
        };
        let summary = format!(
            "No threshold fits capacity: even the strictest, {}, sends {} MQLs a month{overrides}, above the capacity of {}. Sales needs more capacity, or fewer leads must qualify.",
            strictest.threshold, volume(strictest.mqls_per_month), volume(capacity)
        );
        options.push(option(strictest, format!("{}; {:.0} % of capacity", describe(strictest), 100.0 * rule_share(strictest, c))));
        return Recommendation { feasible: false, threshold: strictest.threshold, row: 0, binding_constraint: Some(Binding::Capacity), summary, options };
    }

    // Nearest: within capacity, closest to the band; ties: more wins.
    let nearest = within_cap
        .iter()
        .copied()
        .min_by(|&a, &b| band_distance(&rows[a], c).total_cmp(&band_distance(&rows[b], c)).then(rows[b].outcomes.won.cmp(&rows[a].outcomes.won)))
        .unwrap_or(0);
    let loosest_in_cap = within_cap.iter().copied().max_by_key(|&k| (rows[k].outcomes.won, rows[k].mqls)).unwrap_or(nearest);
    let all_above = within_cap.iter().all(|&k| rows[k].outcomes.conversion.is_some_and(|cv| cv > c.band.1));
    let all_below = within_cap.iter().all(|&k| rows[k].outcomes.conversion.is_some_and(|cv| cv < c.band.0));
    let at_capacity = &rows[loosest_in_cap];
    // "the loosest threshold within capacity (40, 1.7 MQLs a month; 83 % of capacity in the
    // 75th-percentile month)": it may use little of the capacity when the next threshold's
    // tie of leads overflows it, and its mean month may exceed capacity when the rule's does not.
    let loosest_within = format!(
        "the loosest threshold within capacity ({}, {} MQLs a month; {:.0} % of capacity in {})",
        at_capacity.threshold,
        volume(at_capacity.mqls_per_month),
        100.0 * rule_share(at_capacity, c),
        c.capacity_rule.describe()
    );
    // The first threshold (fewest MQLs) whose conversion is in the band.
    let first_in_band = in_band.first().copied();
    // The threshold just looser than those within capacity, when its conversion is already
    // under the band: the score steps across the whole band (many leads tied on one score).
    let jump_below = rows.get(loosest_in_cap + 1).filter(|r| r.outcomes.conversion.is_some_and(|cv| cv < c.band.0));

    let (binding, summary) = if all_above && first_in_band.is_some() {
        let k = first_in_band.unwrap_or(0);
        (
            Binding::Capacity,
            format!(
                "No threshold meets both: at {loosest_within} conversion is {}, above the band's {:.0} %: sales could take more leads, or the band is too low. Conversion falls into the band only at threshold {} with {} MQLs a month, {:.0} % over capacity.",
                pct(at_capacity.outcomes.conversion.unwrap_or(f64::NAN)),
                100.0 * c.band.1,
                rows[k].threshold,
                volume(rows[k].mqls_per_month),
                100.0 * (rule_share(&rows[k], c) - 1.0),
            ),
        )
    } else if let (true, Some(next)) = (all_above, jump_below) {
        (
            Binding::Band,
            format!(
                "No threshold meets both: conversion jumps across the band {band} from {} at {loosest_within} to {} at the next, {} ({} MQLs a month{}): {} leads score exactly {}, so no threshold lies between. Taking more leads does not reach the band; widen it, or add signals that tell those leads apart.",
                pct(at_capacity.outcomes.conversion.unwrap_or(f64::NAN)),
                pct(next.outcomes.conversion.unwrap_or(f64::NAN)),
                next.threshold,
                volume(next.mqls_per_month),
                if next.within_capacity { String::new() } else { format!(", {:.0} % over capacity", 100.0 * (rule_share(next, c) - 1.0)) },
                next.mqls - at_capacity.mqls,
                next.threshold,
            ),
        )
    } else if all_above {
        (
            Binding::BandHigh,
            format!(
                "No threshold meets both: within capacity conversion never falls to the band's top of {:.0} % (at {loosest_within}, it is {}): these leads convert better than the band expects; raise the band, or let sales take more leads.",
                100.0 * c.band.1,
                pct(at_capacity.outcomes.conversion.unwrap_or(f64::NAN)),
            ),
        )
    } else if all_below {
        let best = within_cap
            .iter()
            .copied()
            .max_by(|&a, &b| rows[a].outcomes.conversion.unwrap_or(0.0).total_cmp(&rows[b].outcomes.conversion.unwrap_or(0.0)))
            .unwrap_or(nearest);
        (
            Binding::BandLow,
            format!(
                "No threshold meets both: within capacity the best conversion is {} (threshold {}, {} MQLs a month), below the band's floor of {:.0} %: the signals do not single out enough winners; lower the floor, or improve the signals before tightening the threshold.",
                pct(rows[best].outcomes.conversion.unwrap_or(f64::NAN)),
                rows[best].threshold,
                volume(rows[best].mqls_per_month),
                100.0 * c.band.0,
            ),
        )
    } else {
        (
            Binding::Band,
            format!(
                "No threshold meets both: within capacity, conversion jumps across the band {band} between adjacent thresholds; the band is narrower than the steps of the score. Widen the band, or take the nearest option."
            ),
        )
    };

    let verdict = |row: &ThresholdRow| -> String {
        let capacity_part = if row.within_capacity {
            format!("within capacity ({:.0} %)", 100.0 * rule_share(row, c))
        } else {
            format!("{:.0} % over capacity", 100.0 * (rule_share(row, c) - 1.0))
        };
        let band_part = match row.outcomes.conversion {
            None => "no decided MQLs".to_string(),
            Some(cv) if cv < c.band.0 => format!("{} below the band {band}", pct(c.band.0 - cv)),
            Some(cv) if cv > c.band.1 => format!("{} above the band {band}", pct(cv - c.band.1)),
            Some(_) => format!("inside the band {band}"),
        };
        format!("{}; {capacity_part}, conversion {band_part}", describe(row))
    };
    options.push(option(&rows[nearest], verdict(&rows[nearest])));
    if loosest_in_cap != nearest {
        options.push(option(&rows[loosest_in_cap], verdict(&rows[loosest_in_cap])));
    }
    if let Some(k) = first_in_band {
        if k != nearest && k != loosest_in_cap {
            options.push(option(&rows[k], verdict(&rows[k])));
        }
    }
    Recommendation { feasible: false, threshold: rows[nearest].threshold, row: nearest, binding_constraint: Some(binding), summary, options }
}
