//! Thresholds: the sweep around the recommendation, the bootstrap and the tiers.

use mqlcal_backtest::{Backtest, BootstrapSummary, Tiers};

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::{level, num, opt_pct1, pct0, pct1, pct_range};

/// "Thresholds": the constraints, the sweep around the recommendation, the bootstrap and the tiers.
pub(super) fn section(b: &Backtest, charts: &[Chart]) -> Section {
    let c = &b.constraints;
    let mut blocks = vec![Block::Paragraph(format!(
        "Sales can work {:.0} MQLs a month and targets {:.0}–{:.0} % of MQLs won; an MQL costs {:.0} minutes of rep time. The holdout covers {} months. Every threshold was replayed on it; the rule takes the one within capacity and band that captures the most wins.",
        c.capacity_per_month,
        100.0 * c.band.0,
        100.0 * c.band.1,
        c.minutes_per_lead,
        b.months
    ))];
    if let Some(chart) = charts.iter().find(|c| c.name == "thresholds") {
        blocks.push(Block::Paragraph(format!(
            "The threshold chart is in the summary. {} The table shows the recommended threshold and five on either side.",
            chart.caption
        )));
    }
    blocks.push(threshold_table(b));
    if !b.recommendation.feasible {
        blocks.push(Block::Paragraph(b.recommendation.summary.clone()));
        blocks.push(Block::List(
            b.recommendation
                .options
                .iter()
                .map(|o| o.advice.clone())
                .collect(),
        ));
    }
    blocks.push(bootstrap_paragraph(&b.bootstrap));
    if let Some(t) = &b.tiers {
        blocks.push(Block::Paragraph(t.summary.clone()));
        blocks.push(tiers_table(t));
    }
    for name in ["score_distributions", "gains"] {
        if has(charts, name) {
            blocks.push(Block::Figure(name));
        }
    }
    Section::analyst("thresholds", "Thresholds", blocks)
}

/// The recommended threshold's row with up to five on either side.
fn threshold_table(b: &Backtest) -> Block {
    let k = b.recommendation.row;
    let window = &b.thresholds[k.saturating_sub(5)..(k + 6).min(b.thresholds.len())];
    table(
        &[
            "threshold",
            "MQLs/month",
            "busiest month",
            "conversion",
            "interval",
            "wins captured",
            "lift",
            "rep hours on lost/month",
            "capacity",
            "band",
            "P(both hold)",
        ],
        &[
            true, true, true, true, false, true, true, true, false, false, true,
        ],
        window
            .iter()
            .map(|r| {
                vec![
                    format!(
                        "{}{}",
                        r.threshold,
                        if r.threshold == b.recommendation.threshold {
                            " ◀"
                        } else {
                            ""
                        }
                    ),
                    num(r.mqls_per_month, 1),
                    r.busiest_month_mqls.to_string(),
                    opt_pct1(r.outcomes.conversion),
                    pct_range(r.outcomes.conversion_low, r.outcomes.conversion_high, 1),
                    opt_pct1(r.wins_captured_share),
                    r.lift.map_or("-".into(), |v| format!("{v:.2}×")),
                    r.rep_hours_on_lost_per_month
                        .map_or("-".into(), |v| num(v, 1)),
                    if r.within_capacity {
                        "within".into()
                    } else {
                        "over".into()
                    },
                    match r.within_band {
                        Some(true) => "in".into(),
                        Some(false) => "out".into(),
                        None => "-".into(),
                    },
                    r.p_constraints_hold.map_or("-".into(), pct1),
                ]
            })
            .collect(),
    )
}

fn bootstrap_paragraph(boot: &BootstrapSummary) -> Block {
    let mut picks: Vec<String> = boot
        .recommended_thresholds
        .iter()
        .take(4)
        .map(|t| match t.threshold {
            Some(threshold) => format!("threshold {threshold} in {}", pct0(t.share)),
            None => format!("no threshold at all in {}", pct0(t.share)),
        })
        .collect();
    if boot.recommended_thresholds.len() > 4 {
        picks.push("others in the rest".into());
    }
    Block::Paragraph(format!(
        "Bootstrap: {} resamples of the holdout (seed {}), intervals at {}. Re-run on each resample, the rule picks {}. Some threshold meets both capacity and band in {} of them.",
        boot.resamples,
        boot.seed,
        level(boot.confidence),
        picks.join(", "),
        pct0(boot.p_any_feasible)
    ))
}

fn tiers_table(t: &Tiers) -> Block {
    table(
        &[
            "tier",
            "from score",
            "MQLs/month",
            "conversion",
            "interval",
            "share of wins",
        ],
        &[false, true, true, true, false, true],
        t.rows
            .iter()
            .map(|r| {
                vec![
                    r.tier.clone(),
                    r.from_score.to_string(),
                    num(r.mqls_per_month, 1),
                    opt_pct1(r.outcomes.conversion),
                    pct_range(r.outcomes.conversion_low, r.outcomes.conversion_high, 1),
                    opt_pct1(r.wins_captured_share),
                ]
            })
            .collect(),
    )
}
