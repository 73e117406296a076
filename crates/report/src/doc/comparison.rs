//! Today's model against the recalibrated one: at equal volume and at each
//! model's own threshold, the swap sets, and the won leads that stop being MQLs.

use mqlcal_backtest::{Backtest, Basis, Comparison, ModelSide, SwapRow};
use mqlcal_features::Outcome;

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::{num, opt_pct1, pct_range, per_month};

/// Won leads listed by name in the report (all of them are in swaps.csv).
const LISTED: usize = 10;

/// "Today's model vs the recalibrated one", when a current model is configured.
pub(super) fn section(b: &Backtest, charts: &[Chart]) -> Option<Section> {
    let cmp = b.comparison.as_ref()?;
    let eq = &cmp.equal_volume;
    let mut blocks = vec![Block::Paragraph(format!(
        "Two ways to compare. At equal volume, today's model is set to the threshold ({}) that sends as many MQLs a month as the recalibrated one: this is the fair test of which model picks better leads. At its own threshold ({}), today's model sends {} MQLs a month: that comparison mixes the better pick with the change in volume.",
        eq.current.threshold,
        cmp.current.threshold,
        per_month(cmp.current.mqls_per_month)
    ))];
    if has(charts, "comparison") {
        blocks.push(Block::Figure("comparison"));
    }
    blocks.push(models_table(cmp));
    blocks.push(Block::Paragraph(
        "Leads that change sides: become MQLs (recalibrated only) and stop being MQLs (today's model only), with the wins among them. Every one of these leads, with both scores, is in swaps.csv beside this report.".into(),
    ));
    blocks.push(swaps_table(cmp));
    blocks.extend(lost_wins(cmp));
    Some(Section::analyst(
        "comparison",
        "Today's model vs the recalibrated one",
        blocks,
    ))
}

/// The three sides: today's model at equal volume and at its own threshold, and the recalibrated one.
fn models_table(cmp: &Comparison) -> Block {
    let label = |base: &str, side: &ModelSide| {
        if side.name == "recalibrated" || side.name.is_empty() {
            base.to_string()
        } else {
            format!("{base} ({})", side.name)
        }
    };
    let rows: [(String, &ModelSide); 3] = [
        (
            label("today's model, equal volume", &cmp.current),
            &cmp.equal_volume.current,
        ),
        (
            label("today's model, own threshold", &cmp.current),
            &cmp.current,
        ),
        ("recalibrated".into(), &cmp.candidate),
    ];
    table(
        &[
            "model",
            "threshold",
            "MQLs/month",
            "won MQLs",
            "conversion",
            "interval",
            "wins captured",
        ],
        &[false, true, true, true, true, false, true],
        rows.iter()
            .map(|(name, s)| {
                vec![
                    name.clone(),
                    s.threshold.to_string(),
                    num(s.mqls_per_month, 1),
                    s.outcomes.won.to_string(),
                    opt_pct1(s.outcomes.conversion),
                    pct_range(s.outcomes.conversion_low, s.outcomes.conversion_high, 1),
                    opt_pct1(s.wins_captured_share),
                ]
            })
            .collect(),
    )
}

/// The two swap sets at equal volume and at own thresholds.
fn swaps_table(cmp: &Comparison) -> Block {
    let row = |basis: &str, s: &SwapRow| {
        let label = match s.set.as_str() {
            "become_mql" => "become MQLs",
            _ => "stop being MQLs",
        };
        vec![
            basis.to_string(),
            label.to_string(),
            s.leads.to_string(),
            num(s.leads_per_month, 1),
            s.outcomes.won.to_string(),
            s.outcomes.lost.to_string(),
            s.outcomes.open.to_string(),
            opt_pct1(s.outcomes.conversion),
        ]
    };
    let swapping = |s: &&SwapRow| s.set == "become_mql" || s.set == "stop_being_mql";
    let mut rows: Vec<Vec<String>> = cmp
        .equal_volume
        .swaps
        .iter()
        .filter(swapping)
        .map(|s| row("equal volume", s))
        .collect();
    rows.extend(
        cmp.swaps
            .iter()
            .filter(swapping)
            .map(|s| row("own thresholds", s)),
    );
    table(
        &[
            "compared at",
            "leads that",
            "leads",
            "per month",
            "won",
            "lost",
            "open",
            "conversion",
        ],
        &[false, false, true, true, true, true, true, true],
        rows,
    )
}

/// The won leads that stop being MQLs at equal volume, by today's score.
fn lost_wins(cmp: &Comparison) -> Vec<Block> {
    let mut won: Vec<_> = cmp
        .swap_leads
        .iter()
        .filter(|l| {
            l.basis == Basis::EqualVolume && l.set == "stop_being_mql" && l.outcome == Outcome::Won
        })
        .collect();
    if won.is_empty() {
        return vec![Block::Paragraph(
            "At equal volume, no won lead stops being an MQL.".into(),
        )];
    }
    won.sort_by(|a, b| {
        b.current_score
            .cmp(&a.current_score)
            .then(a.lead_id.cmp(&b.lead_id))
    });
    let shown = won.len().min(LISTED);
    vec![
        Block::Paragraph(format!(
            "At equal volume, {} won lead{} stop{} being MQLs; {}:",
            won.len(),
            if won.len() == 1 { "" } else { "s" },
            if won.len() == 1 { "s" } else { "" },
            if shown < won.len() {
                format!("the {shown} today's model scored highest (all in swaps.csv)")
            } else {
                "each of them".to_string()
            }
        )),
        table(
            &["lead", "cohort", "today's score", "recalibrated score"],
            &[false, false, true, true],
            won.iter()
                .take(shown)
                .map(|l| {
                    vec![
                        l.lead_id.clone(),
                        l.cohort.clone(),
                        format!("{} (threshold {})", l.current_score, l.current_threshold),
                        format!("{} (threshold {})", l.candidate_score, l.candidate_threshold),
                    ]
                })
                .collect(),
        ),
    ]
}
