//! The recommendation: the paragraph the report leads with, and its section.

use mqlcal_backtest::Comparison;

use super::format::{opt_pct, pct};
use super::{Block, Section};
use crate::ReportInputs;

/// The one-paragraph recommendation the report leads with.
pub fn recommendation(inputs: &ReportInputs) -> String {
    let b = inputs.backtest;
    let r = b.recommended_row();
    let boot = &b.bootstrap;
    let c = &b.constraints;
    let level = format!("{:.0} %", 100.0 * boot.confidence);
    let mut s = if b.recommendation.feasible {
        format!(
            "Set the MQL threshold at {} points. On {} (held out of the fit), that sends {:.0} MQLs a month ({:.0}–{:.0}, {level} bootstrap interval) against a capacity of {:.0}, and {} of the decided MQLs were won ({}–{}), inside the target band of {:.0}–{:.0} %. These MQLs hold {} of the holdout's wins ({}–{}). Capacity and band both hold in {:.0} % of bootstrap resamples.",
            b.recommendation.threshold,
            b.holdout_cohorts.join(", "),
            r.mqls_per_month,
            boot.mqls_per_month.low,
            boot.mqls_per_month.high,
            c.capacity_per_month,
            opt_pct(r.conversion),
            pct(boot.conversion.low),
            pct(boot.conversion.high),
            100.0 * c.band.0,
            100.0 * c.band.1,
            opt_pct(r.wins_captured_share),
            pct(boot.wins_captured_share.low),
            pct(boot.wins_captured_share.high),
            100.0 * boot.p_constraints_hold,
        )
    } else {
        format!(
            "{} The nearest option is threshold {}: {:.0} MQLs a month ({:.0}–{:.0}), conversion {} ({}–{}, {level} bootstrap intervals).",
            b.recommendation.summary,
            b.recommendation.threshold,
            r.mqls_per_month,
            boot.mqls_per_month.low,
            boot.mqls_per_month.high,
            opt_pct(r.conversion),
            pct(boot.conversion.low),
            pct(boot.conversion.high),
        )
    };
    // (An infeasible recommendation's summary already states the month range.)
    if b.recommendation.feasible && b.months > 1 {
        s.push_str(&format!(
            " Month by month it sends {}–{} MQLs ({} of {} complete months over capacity).",
            r.quietest_month_mqls, r.busiest_month_mqls, r.months_over_capacity, b.months
        ));
    }
    if let Some(t) = &b.tiers {
        s.push(' ');
        s.push_str(&t.summary);
    }
    if let Some(cmp) = &b.comparison {
        s.push_str(&comparison_sentence(cmp));
    }
    s
}

/// The lede's last sentence: the recalibrated model against today's.
fn comparison_sentence(cmp: &Comparison) -> String {
    let delta = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => format!("{:+.1} points", 100.0 * (a - b)),
        _ => "-".into(),
    };
    format!(
        " Against today's model (threshold {}): {:+.0} MQLs a month, conversion {}, wins captured {}; {:.0} leads a month become MQLs and {:.0} stop being MQLs.",
        cmp.current.threshold,
        cmp.candidate.mqls_per_month - cmp.current.mqls_per_month,
        delta(cmp.candidate.conversion, cmp.current.conversion),
        delta(cmp.candidate.wins_captured_share, cmp.current.wins_captured_share),
        cmp.swaps.iter().find(|s| s.set == "become_mql").map_or(0.0, |s| s.leads_per_month),
        cmp.swaps.iter().find(|s| s.set == "stop_being_mql").map_or(0.0, |s| s.leads_per_month),
    )
}

/// "Recommendation": the lede, then what drifted between training and holdout.
pub(super) fn section(inputs: &ReportInputs) -> Section {
    let b = inputs.backtest;
    let mut lead = vec![Block::Lede(recommendation(inputs))];
    if !b.drift_headline.sentences.is_empty() {
        lead.push(Block::Paragraph(format!(
            "Drift between training and holdout. {}",
            b.drift_headline.sentences.join(" ")
        )));
    }
    Section {
        id: "recommendation",
        heading: "Recommendation".into(),
        blocks: lead,
    }
}
