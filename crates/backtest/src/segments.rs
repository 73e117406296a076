//! Breakdowns at the recommended threshold: per segment value (e.g. channel),
//! and the hot/warm tiers.

use std::collections::HashMap;

use mqlcal_features::FeatureTable;
use mqlcal_scorecard::{spelled_levels, DecimalMark, SpelledLevel};
use serde::Serialize;

use crate::recommend::volume;
use crate::scored::{outcome_index, Route, ScoredLeads};
use crate::sweep::{conversion_interval, Constraints, Outcomes};

/// Volume and conversion of one segment value at a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentRow {
    /// The segment column (e.g. "channel").
    pub segment: String,
    /// Its value; "(blank)" for an empty cell.
    pub value: String,
    pub leads: u64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    pub share_of_mqls: f64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    /// Won MQLs / won leads of the segment.
    pub wins_captured_share: Option<f64>,
    /// Won / decided among all the segment's leads (MQL or not).
    pub base_conversion: Option<f64>,
    /// The value's other spellings, counted with it (`google ads` with `Google Ads`: a
    /// picklist renamed, two tools feeding one export), most leads first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_written: Vec<String>,
}

/// Every value of every segment column, most MQLs first. Values written alike but for
/// case, spaces or punctuation ([`spelled_levels`], `decimal` telling numbers) are one
/// row under their most frequent spelling: a channel split in two by its spelling would
/// show two half-sized channels with their own conversions.
pub fn segments(table: &FeatureTable, leads: &ScoredLeads, threshold: i64, months: f64, z: f64, decimal: DecimalMark) -> Vec<SegmentRow> {
    let total_mqls = (0..leads.len()).filter(|&i| leads.is_mql(i, threshold)).map(|i| leads.leads[i]).sum::<u64>().max(1) as f64;
    let mut out = Vec::new();
    for column in &table.segments {
        let labels = SegmentLabels::of(&column.values, decimal);
        // Per label (the blank one last): all leads' counts, MQLs' counts.
        let mut counts = vec![([0u64; 3], [0u64; 3]); labels.groups.len() + 1];
        for i in 0..leads.len() {
            let entry = &mut counts[labels.index(column.values[leads.rows[i]].as_deref())];
            let o = outcome_index(leads.outcome[i]);
            entry.0[o] += leads.leads[i];
            if leads.is_mql(i, threshold) {
                entry.1[o] += leads.leads[i];
            }
        }
        let named = labels.groups.into_iter().map(|level| (level.level, level.others.into_iter().map(|(other, _)| other).collect::<Vec<String>>()));
        let values = named.chain([(BLANK.to_string(), Vec::new())]).zip(counts).filter(|(_, (all, _))| all.iter().sum::<u64>() > 0);
        let mut rows: Vec<SegmentRow> = values
            .map(|((value, also_written), (all, mql))| {
                let mqls = mql.iter().sum::<u64>();
                SegmentRow {
                    segment: column.name.clone(),
                    value,
                    leads: all.iter().sum(),
                    mqls,
                    mqls_per_month: mqls as f64 / months,
                    share_of_mqls: mqls as f64 / total_mqls,
                    outcomes: Outcomes::of(mql, z),
                    wins_captured_share: (all[0] > 0).then(|| mql[0] as f64 / all[0] as f64),
                    base_conversion: conversion_interval(all, z).0,
                    also_written,
                }
            })
            .collect();
        rows.sort_by(|a, b| b.mqls.cmp(&a.mqls).then(a.value.cmp(&b.value)));
        out.extend(rows);
    }
    out
}

/// The label of a blank segment cell (and of a cell that says so).
const BLANK: &str = "(blank)";

/// How the breakdown names a segment column's values: values written alike are one
/// ([`spelled_levels`]), under their most frequent spelling among all the table's leads
/// (not the holdout's: a name does not change from one candidate or run to the next).
struct SegmentLabels {
    groups: Vec<SpelledLevel>,
    /// Each written value's group.
    group_of: HashMap<String, usize>,
}

impl SegmentLabels {
    fn of(values: &[Option<String>], decimal: DecimalMark) -> SegmentLabels {
        let mut leads: HashMap<&str, usize> = HashMap::new();
        for value in values.iter().flatten().filter(|value| *value != BLANK) {
            *leads.entry(value).or_default() += 1;
        }
        let mut written: Vec<(String, usize)> = leads.into_iter().map(|(value, n)| (value.to_string(), n)).collect();
        written.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let groups = spelled_levels(&written, decimal);
        let group_of = groups
            .iter()
            .enumerate()
            .flat_map(|(g, level)| std::iter::once(&level.level).chain(level.others.iter().map(|(other, _)| other)).map(move |value| (value.clone(), g)))
            .collect();
        SegmentLabels { groups, group_of }
    }

    /// The group of a cell; blank (and "(blank)") is the one after the groups.
    fn index(&self, value: Option<&str>) -> usize {
        value.and_then(|value| self.group_of.get(value)).copied().unwrap_or(self.groups.len())
    }
}

/// One tier of the MQLs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierRow {
    /// "hot" (route now) or "warm" (nurture, then route).
    pub tier: String,
    /// Lowest score of the tier (warm also holds `always_mql` leads below it).
    pub from_score: i64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    /// Won leads of the tier / all won leads of the holdout.
    pub wins_captured_share: Option<f64>,
}

/// Hot and warm tiers at a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tiers {
    pub hot_capacity_per_month: f64,
    /// None when even the top score sends more than the hot capacity.
    pub hot_threshold: Option<i64>,
    pub rows: Vec<TierRow>,
    pub summary: String,
}

/// The hot tier is the top of the MQLs by score, as many as `hot_capacity_per_month`
/// allows: the lowest score at or above the MQL threshold whose leads fit it, judged on
/// the complete calendar `months` (ascending) by the capacity rule of `c`, as MQL capacity is.
pub fn tiers(leads: &ScoredLeads, threshold: i64, hot_capacity_per_month: f64, months: &[i32], c: &Constraints) -> Tiers {
    let z = c.z;
    // (score, month, leads) of every lead that can be an MQL, highest first.
    let mut scores: Vec<(i64, i32, u64)> =
        (0..leads.len()).filter(|&i| leads.route[i] != Route::Never).map(|i| (leads.score[i], leads.month[i], leads.leads[i])).collect();
    scores.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    let mut per_month = vec![0u64; months.len()];
    let month_volume = |per_month: &[u64]| if months.is_empty() { 0.0 } else { c.capacity_rule.volume(per_month) };
    let hot = Constraints { capacity_per_month: hot_capacity_per_month, ..*c };
    let mut hot_threshold = None;
    let mut k = 0;
    while k < scores.len() && scores[k].0 >= threshold {
        let score = scores[k].0;
        while k < scores.len() && scores[k].0 == score {
            if let Ok(m) = months.binary_search(&scores[k].1) {
                per_month[m] += scores[k].2;
            }
            k += 1;
        }
        if hot.within_capacity(month_volume(&per_month)) {
            hot_threshold = Some(score);
        } else {
            break;
        }
    }
    let judged = if c.capacity_rule.is_mean() { String::new() } else { format!(", judged on {}", c.capacity_rule.describe()) };
    let month_list = months;
    let months = months.len().max(1) as f64;
    let total_won = leads.counts(|_| true)[0];
    let row = |tier: &str, from_score: i64, counts: [u64; 3]| {
        let mqls = counts.iter().sum::<u64>();
        TierRow {
            tier: tier.into(),
            from_score,
            mqls,
            mqls_per_month: mqls as f64 / months,
            outcomes: Outcomes::of(counts, z),
            wins_captured_share: (total_won > 0).then(|| counts[0] as f64 / total_won as f64),
        }
    };
    let mql = |i: usize| leads.is_mql(i, threshold);
    let (rows, summary) = match hot_threshold {
        Some(hot) => {
            let is_hot = |i: usize| mql(i) && leads.route[i] != Route::Never && leads.score[i] >= hot;
            let hot_row = row("hot", hot, leads.counts(is_hot));
            let warm_row = row("warm", threshold, leads.counts(|i| mql(i) && !is_hot(i)));
            let summary = format!(
                "Hot tier from score {hot}: {} MQLs a month (hot capacity {}{judged}) converting at {}; warm {} a month at {}.",
                volume(hot_row.mqls_per_month),
                volume(hot_capacity_per_month),
                hot_row.outcomes.conversion.map_or("-".into(), crate::recommend::pct),
                volume(warm_row.mqls_per_month),
                warm_row.outcomes.conversion.map_or("-".into(), crate::recommend::pct),
            );
            (vec![hot_row, warm_row], summary)
        }
        None => {
            let top = scores.first().map_or(threshold, |s| s.0);
            // The top score's leads month by month, judged as the hot capacity is.
            let mut top_months = vec![0u64; month_list.len()];
            for s in scores.iter().filter(|s| s.0 == top) {
                if let Ok(m) = month_list.binary_search(&s.1) {
                    top_months[m] += s.2;
                }
            }
            let at_top = month_volume(&top_months);
            (
                vec![row("warm", threshold, leads.counts(mql))],
                format!(
                    "No hot tier: even the top score ({top}) sends {} leads a month{}, above the hot capacity of {}.",
                    volume(at_top),
                    if judged.is_empty() { String::new() } else { format!(" in {}", c.capacity_rule.describe()) },
                    volume(hot_capacity_per_month)
                ),
            )
        }
    };
    Tiers { hot_capacity_per_month, hot_threshold, rows, summary }
}
