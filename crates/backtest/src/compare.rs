//! Two models on the same holdout, each at its own threshold: volume,
//! conversion, wins captured, and the swap sets (leads that become MQLs and
//! leads that stop being MQLs under the candidate).

use mqlcal_features::FeatureTable;
use mqlcal_scorecard::Model;
use serde::Serialize;

use crate::recommend::{pct, volume};
use crate::scored::Judged;
use crate::sweep::conversion_interval;
use crate::BacktestError;

/// One model's MQLs on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSide {
    pub name: String,
    pub threshold: i64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    pub conversion: Option<f64>,
    pub conversion_low: Option<f64>,
    pub conversion_high: Option<f64>,
    pub wins_captured_share: Option<f64>,
}

/// Leads by their MQL status under both models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapRow {
    /// "both", "become_mql" (candidate only), "stop_being_mql" (current only), "neither".
    pub set: String,
    pub leads: u64,
    pub leads_per_month: f64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    pub conversion: Option<f64>,
    pub conversion_low: Option<f64>,
    pub conversion_high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub current: ModelSide,
    pub candidate: ModelSide,
    pub swaps: Vec<SwapRow>,
    pub summary: String,
}

/// Compare `current` and `candidate` (each with its own threshold) on `rows` of `table`.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    current: &Model,
    current_name: &str,
    candidate: &Model,
    candidate_name: &str,
    table: &FeatureTable,
    judged: &Judged,
    z: f64,
) -> Result<Comparison, BacktestError> {
    let months = judged.month_count() as f64;
    let threshold = |m: &Model, name: &str| m.threshold.ok_or_else(|| BacktestError::NoThreshold { model: name.to_string() });
    let (t_current, t_candidate) = (threshold(current, current_name)?, threshold(candidate, candidate_name)?);
    let a = judged.score(current, table, current_name)?;
    let b = judged.score(candidate, table, candidate_name)?;
    let total_won = a.counts(|_| true)[0];
    let side = |name: &str, t: i64, counts: [u64; 3]| {
        let (conversion, conversion_low, conversion_high) = conversion_interval(counts, z);
        let mqls = counts.iter().sum::<u64>();
        ModelSide {
            name: name.to_string(),
            threshold: t,
            mqls,
            mqls_per_month: mqls as f64 / months,
            won: counts[0],
            lost: counts[1],
            open: counts[2],
            conversion,
            conversion_low,
            conversion_high,
            wins_captured_share: (total_won > 0).then(|| counts[0] as f64 / total_won as f64),
        }
    };
    let in_a = |i: usize| a.is_mql(i, t_current);
    let in_b = |i: usize| b.is_mql(i, t_candidate);
    let swap = |set: &str, keep: &dyn Fn(usize) -> bool| {
        let counts = a.counts(keep);
        let (conversion, conversion_low, conversion_high) = conversion_interval(counts, z);
        let leads = counts.iter().sum::<u64>();
        SwapRow {
            set: set.into(),
            leads,
            leads_per_month: leads as f64 / months,
            won: counts[0],
            lost: counts[1],
            open: counts[2],
            conversion,
            conversion_low,
            conversion_high,
        }
    };
    let current_side = side(current_name, t_current, a.counts(in_a));
    let candidate_side = side(candidate_name, t_candidate, a.counts(in_b));
    let swaps = vec![
        swap("both", &|i| in_a(i) && in_b(i)),
        swap("become_mql", &|i| !in_a(i) && in_b(i)),
        swap("stop_being_mql", &|i| in_a(i) && !in_b(i)),
        swap("neither", &|i| !in_a(i) && !in_b(i)),
    ];
    let conv = |v: Option<f64>| v.map_or("-".to_string(), pct);
    let summary = format!(
        "The candidate (threshold {}) sends {} MQLs a month converting at {} and captures {} of wins; the current model (threshold {}) sends {} at {} capturing {}. {} leads a month become MQLs (conversion {}) and {} stop being MQLs (conversion {}).",
        t_candidate,
        volume(candidate_side.mqls_per_month),
        conv(candidate_side.conversion),
        conv(candidate_side.wins_captured_share),
        t_current,
        volume(current_side.mqls_per_month),
        conv(current_side.conversion),
        conv(current_side.wins_captured_share),
        volume(swaps[1].leads_per_month),
        conv(swaps[1].conversion),
        volume(swaps[2].leads_per_month),
        conv(swaps[2].conversion),
    );
    Ok(Comparison { current: current_side, candidate: candidate_side, swaps, summary })
}
