//! Stability and drift: the walk-forward and the training-to-holdout drift.

use mqlcal_backtest::Backtest;

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::{num, opt_pct1};
use crate::ReportInputs;

/// "Stability and drift": the walk-forward (when there is one) and the drift table.
pub(super) fn section(inputs: &ReportInputs, charts: &[Chart]) -> Section {
    let b = inputs.backtest;
    let mut blocks = Vec::new();
    if !b.walk_forward.is_empty() {
        let p = inputs.period.word();
        let nearest = if b.walk_forward.iter().any(|w| !w.feasible) {
            " A threshold marked * met capacity and band nowhere on its cohort: it is the nearest option."
        } else {
            ""
        };
        blocks.push(Block::Paragraph(format!(
            "Walk-forward over {}: each {p} is scored by a model fitted on {}. Beside the threshold the rule picks on that {p} stands the one the same model's rule picks on the {p} before, carried forward and measured on it: does a threshold chosen today hold next {p}? (Carried from the same model, it can differ from the row above's own pick.){nearest}",
            inputs.period.count(b.walk_forward.len()),
            crate::refitted_on(inputs.period, b),
        )));
        if has(charts, "stability") {
            blocks.push(Block::Figure("stability"));
        }
        blocks.push(walk_forward_table(b));
    }
    blocks.push(Block::Paragraph(
        "Drift between the training cohorts and the holdout (population stability index: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one):".into(),
    ));
    blocks.push(table(
        &["score or signal", "kind", "stability index", "verdict"],
        &[false, false, true, false],
        b.drift
            .iter()
            .map(|d| {
                vec![
                    d.name.clone(),
                    d.kind.clone(),
                    num(d.index, 3),
                    d.flag.to_string(),
                ]
            })
            .collect(),
    ));
    Section::analyst("stability", "Stability and drift", blocks)
}

fn walk_forward_table(b: &Backtest) -> Block {
    table(
        &[
            "tested on",
            "trained on",
            "AUC",
            "slope",
            "threshold",
            "MQLs/month",
            "conversion",
            "carried threshold",
            "MQLs/month",
            "conversion",
        ],
        &[false, false, true, true, true, true, true, true, true, true],
        b.walk_forward
            .iter()
            .map(|w| {
                vec![
                    w.cohort.clone(),
                    format!("{} – {}", w.training_from, w.training_to),
                    w.auc.map_or("-".into(), |v| num(v, 3)),
                    w.calibration_slope.map_or("-".into(), |v| num(v, 2)),
                    format!("{}{}", w.recommended_threshold, if w.feasible { "" } else { "*" }),
                    num(w.mqls_per_month, 1),
                    opt_pct1(w.conversion),
                    w.carried_threshold.to_string(),
                    num(w.carried_mqls_per_month, 1),
                    opt_pct1(w.carried_conversion),
                ]
            })
            .collect(),
    )
}
