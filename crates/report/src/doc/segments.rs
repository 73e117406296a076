//! Segments at the recommended threshold.

use mqlcal_backtest::Backtest;

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::{num, opt_pct1, pct1, pct_range};

/// "Segments at threshold T", when the data has segment columns.
pub(super) fn section(b: &Backtest, charts: &[Chart]) -> Option<Section> {
    if b.segments.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    if has(charts, "segments") {
        blocks.push(Block::Figure("segments"));
    }
    blocks.push(table(
        &[
            "segment",
            "value",
            "leads",
            "MQLs/month",
            "share of MQLs",
            "conversion",
            "interval",
            "wins captured",
            "base conversion",
        ],
        &[false, false, true, true, true, true, false, true, true],
        b.segments
            .iter()
            .map(|s| {
                vec![
                    s.segment.clone(),
                    s.value.clone(),
                    s.leads.to_string(),
                    num(s.mqls_per_month, 1),
                    pct1(s.share_of_mqls),
                    opt_pct1(s.outcomes.conversion),
                    pct_range(s.outcomes.conversion_low, s.outcomes.conversion_high, 1),
                    opt_pct1(s.wins_captured_share),
                    opt_pct1(s.base_conversion),
                ]
            })
            .collect(),
    ));
    let respelled: Vec<String> = b
        .segments
        .iter()
        .filter(|s| !s.also_written.is_empty())
        .map(|s| format!("{} \"{}\" also as {}", s.segment, s.value, s.also_written.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", ")))
        .collect();
    if !respelled.is_empty() {
        blocks.push(Block::Note(format!(
            "Written several ways but for case, spaces or punctuation, and counted as one value: {}.",
            respelled.join("; ")
        )));
    }
    Some(Section::analyst(
        "segments",
        format!("Segments at threshold {}", b.recommendation.threshold),
        blocks,
    ))
}
