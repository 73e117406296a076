//! The points model and its calibration.

use mqlcal_scorecard::Model;

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::num;
use crate::ReportInputs;

/// "The points model": how it was fitted, every signal's points, rounding cost, rules and caps.
pub(super) fn points_section(model: &Model, charts: &[Chart]) -> Section {
    let mut blocks = Vec::new();
    if let Some(fit) = &model.fit {
        blocks.push(Block::Paragraph(format!(
            "L2 logistic regression (alpha {}, {}), {} points per unit of log-odds; the strongest positive signal gets the most points. Weights with their standard errors and Wald p-values:",
            num(fit.alpha, 4),
            if fit.alpha_chosen_by == "auto" {
                "chosen by rolling origin: each of the latest training cohorts predicted from those before it"
            } else {
                "set in the config"
            },
            num(fit.points_per_log_odds, 2)
        )));
    }
    blocks.push(signals_table(model));
    if let Some(cost) = &model.rounding_cost {
        blocks.push(Block::Paragraph(format!(
            "Rounding the weights to integer points costs {:.4} AUC ({:.4} → {:.4}) and {:+.4} log loss on the training leads.",
            cost.auc_exact - cost.auc_rounded,
            cost.auc_exact,
            cost.auc_rounded,
            cost.log_loss_rounded - cost.log_loss_exact
        )));
    }
    if !model.overrides.is_empty() || !model.group_caps.is_empty() {
        let mut rules: Vec<String> = model
            .overrides
            .iter()
            .map(|o| {
                format!(
                    "{}: {}",
                    o.signal,
                    match o.rule {
                        mqlcal_scorecard::OverrideRule::AlwaysMql => "always an MQL, whatever the score",
                        mqlcal_scorecard::OverrideRule::NeverMql => "never an MQL, whatever the score",
                    }
                )
            })
            .collect();
        rules.extend(model.group_caps.iter().map(|g| {
            format!(
                "cap {}: at most {} points from {}",
                g.name,
                g.max_points,
                g.signals.join(", ")
            )
        }));
        blocks.push(Block::List(rules));
    }
    for name in ["points", "fit_engagement"] {
        if has(charts, name) {
            blocks.push(Block::Figure(name));
        }
    }
    Section::analyst("points", "The points model", blocks)
}

/// Fit signals first, then engagement; each by points, largest first.
fn signals_table(model: &Model) -> Block {
    let mut signals: Vec<&mqlcal_scorecard::ModelSignal> = model.signals.iter().collect();
    signals.sort_by(|a, b| {
        (a.axis == mqlcal_scorecard::Axis::Engagement)
            .cmp(&(b.axis == mqlcal_scorecard::Axis::Engagement))
            .then(b.points.cmp(&a.points))
    });
    table(
        &[
            "signal",
            "axis",
            "points",
            "coefficient",
            "std error",
            "p-value",
        ],
        &[false, false, true, true, true, true],
        signals
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    format!("{:?}", s.axis).to_lowercase(),
                    format!("{:+}", s.points),
                    s.coefficient.map_or("-".into(), |v| num(v, 4)),
                    s.std_error.map_or("-".into(), |v| num(v, 4)),
                    s.p_value.map_or("-".into(), |v| {
                        if v < 1e-4 {
                            "<0.0001".into()
                        } else {
                            num(v, 4)
                        }
                    }),
                ]
            })
            .collect(),
    )
}

/// "Calibration": the metrics of every set, then the reliability chart.
pub(super) fn calibration_section(inputs: &ReportInputs, model: &Model, charts: &[Chart]) -> Section {
    let mut rows = Vec::new();
    for (set, m) in &model.metrics {
        rows.push(vec![
            set.clone(),
            m.n.to_string(),
            num(m.roc_auc, 3),
            num(m.average_precision, 3),
            num(m.brier, 4),
            num(m.log_loss, 4),
            num(100.0 * m.ece_equal_mass_10, 1),
            num(m.hosmer_lemeshow_10.p_value, 3),
            m.calibration_intercept_slope
                .as_ref()
                .map_or("-".into(), |c| num(c.slope, 2)),
            m.calibration_intercept_slope
                .as_ref()
                .map_or("-".into(), |c| num(c.intercept, 2)),
        ]);
    }
    let mut blocks = vec![
        Block::Paragraph("How well the calibrated score's probabilities match outcomes, on the decided leads of the training cohorts and of the holdout (ECE in percentage points; calibration slope 1 and intercept 0 are perfect):".into()),
        table(
            &["set", "leads", "ROC AUC", "avg precision", "Brier", "log loss", "ECE (pts)", "Hosmer–Lemeshow p", "slope", "intercept"],
            &[false, true, true, true, true, true, true, true, true, true],
            rows,
        ),
    ];
    if has(charts, "reliability") {
        blocks.push(Block::Figure("reliability"));
    }
    if let Some(verdict) = crate::charts::calibration_verdict(model, inputs.backtest) {
        blocks.push(Block::Paragraph(verdict));
    }
    Section::analyst("calibration", "Calibration", blocks)
}
