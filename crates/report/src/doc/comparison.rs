//! Today's model against the recalibrated one.

use mqlcal_backtest::{Backtest, Comparison};

use super::format::{has, interval, num, opt_pct, table};
use super::{Block, Section};
use crate::charts::Chart;

/// "Today's model vs the recalibrated one", when a current model is configured.
pub(super) fn section(b: &Backtest, charts: &[Chart]) -> Option<Section> {
    let cmp = b.comparison.as_ref()?;
    let mut blocks = vec![Block::Paragraph(cmp.summary.clone())];
    if has(charts, "comparison") {
        blocks.push(Block::Figure("comparison"));
    }
    blocks.push(models_table(cmp));
    blocks.push(swaps_table(cmp));
    Some(Section {
        id: "comparison",
        heading: "Today's model vs the recalibrated one".into(),
        blocks,
    })
}

fn models_table(cmp: &Comparison) -> Block {
    table(
        &[
            "model",
            "threshold",
            "MQLs/month",
            "conversion",
            "interval",
            "wins captured",
        ],
        &[false, true, true, true, false, true],
        [("today", &cmp.current), ("recalibrated", &cmp.candidate)]
            .iter()
            .map(|(label, s)| {
                vec![
                    format!("{label} ({})", s.name),
                    s.threshold.to_string(),
                    num(s.mqls_per_month, 1),
                    opt_pct(s.conversion),
                    interval(s.conversion_low, s.conversion_high),
                    opt_pct(s.wins_captured_share),
                ]
            })
            .collect(),
    )
}

fn swaps_table(cmp: &Comparison) -> Block {
    table(
        &[
            "leads that",
            "per month",
            "won",
            "lost",
            "open",
            "conversion",
            "interval",
        ],
        &[false, true, true, true, true, true, false],
        cmp.swaps
            .iter()
            .map(|s| {
                let label = match s.set.as_str() {
                    "both" => "are MQLs under both",
                    "become_mql" => "become MQLs",
                    "stop_being_mql" => "stop being MQLs",
                    _ => "are MQLs under neither",
                };
                vec![
                    label.to_string(),
                    num(s.leads_per_month, 1),
                    s.won.to_string(),
                    s.lost.to_string(),
                    s.open.to_string(),
                    opt_pct(s.conversion),
                    interval(s.conversion_low, s.conversion_high),
                ]
            })
            .collect(),
    )
}
