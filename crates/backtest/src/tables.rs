//! The backtest as tidy tables (one row per observation) for notebooks.

use mqlcal_tidy::TidyTable;

use crate::{Backtest, Outcomes};

fn count(v: u64) -> Option<i64> {
    i64::try_from(v).ok()
}

/// The won, lost, open and conversion columns every row type shares ([`Outcomes`]).
trait OutcomeColumns {
    fn outcomes<'a>(self, rows: impl Iterator<Item = &'a Outcomes> + Clone) -> Self;
}

impl OutcomeColumns for TidyTable {
    fn outcomes<'a>(self, rows: impl Iterator<Item = &'a Outcomes> + Clone) -> Self {
        self.int("won", rows.clone().map(|o| count(o.won)))
            .int("lost", rows.clone().map(|o| count(o.lost)))
            .int("open", rows.clone().map(|o| count(o.open)))
            .float("conversion", rows.clone().map(|o| o.conversion))
            .float("conversion_low", rows.clone().map(|o| o.conversion_low))
            .float("conversion_high", rows.map(|o| o.conversion_high))
    }
}

/// The name of every table [`all`] can give (a run checks the files it will write before reading data).
pub const TABLE_NAMES: [&str; 8] = ["thresholds", "bootstrap", "segments", "drift", "walk_forward", "tiers", "comparison", "two_axis"];

pub fn all(b: &Backtest) -> Vec<TidyTable> {
    let out = build_all(b);
    debug_assert!(out.iter().all(|t| TABLE_NAMES.contains(&t.name.as_str())), "a table missing from TABLE_NAMES");
    out
}

fn build_all(b: &Backtest) -> Vec<TidyTable> {
    let mut out = vec![thresholds(b), bootstrap(b), segments(b), drift(b)];
    if !b.walk_forward.is_empty() {
        out.push(walk_forward(b));
    }
    if let Some(t) = tiers(b) {
        out.push(t);
    }
    if let Some(c) = comparison(b) {
        out.push(c);
    }
    if let Some(t) = &b.two_axis {
        out.push(two_axis(t));
    }
    out
}

/// Every (F, E) pair the two-axis sweep measured, strictest first.
fn two_axis(t: &crate::two_axis::TwoAxisBacktest) -> TidyTable {
    let r = &t.grid;
    let chosen = (t.rule.fit_min, t.rule.engagement_min);
    TidyTable::new("two_axis")
        .int("fit_min", r.iter().map(|x| Some(x.fit_min)))
        .int("engagement_min", r.iter().map(|x| Some(x.engagement_min)))
        .bool("chosen", r.iter().map(|x| Some((x.fit_min, x.engagement_min) == chosen)))
        .int("mqls", r.iter().map(|x| count(x.mqls)))
        .float("mqls_per_month", r.iter().map(|x| Some(x.mqls_per_month)))
        .int("busiest_month_mqls", r.iter().map(|x| count(x.busiest_month_mqls)))
        .float("capacity_volume", r.iter().map(|x| Some(x.capacity_volume)))
        .outcomes(r.iter().map(|x| &x.outcomes))
        .float("wins_captured_share", r.iter().map(|x| x.wins_captured_share))
        .float("capacity_utilisation", r.iter().map(|x| Some(x.capacity_utilisation)))
        .bool("within_capacity", r.iter().map(|x| Some(x.within_capacity)))
        .bool("within_band", r.iter().map(|x| x.within_band))
}

fn thresholds(b: &Backtest) -> TidyTable {
    let r = &b.thresholds;
    let recommended = b.recommendation.threshold;
    TidyTable::new("thresholds")
        .int("threshold", r.iter().map(|x| Some(x.threshold)))
        .bool("recommended", r.iter().map(|x| Some(x.threshold == recommended)))
        .int("mqls", r.iter().map(|x| count(x.mqls)))
        .float("mqls_per_month", r.iter().map(|x| Some(x.mqls_per_month)))
        .int("busiest_month_mqls", r.iter().map(|x| count(x.busiest_month_mqls)))
        .float("share_of_leads", r.iter().map(|x| Some(x.share_of_leads)))
        .outcomes(r.iter().map(|x| &x.outcomes))
        .float("wins_captured_share", r.iter().map(|x| x.wins_captured_share))
        .float("lift", r.iter().map(|x| x.lift))
        .float("expected_wins_per_month", r.iter().map(|x| x.expected_wins_per_month))
        .float("capacity_utilisation", r.iter().map(|x| Some(x.capacity_utilisation)))
        .float("rep_hours_on_lost_per_month", r.iter().map(|x| x.rep_hours_on_lost_per_month))
        .bool("within_capacity", r.iter().map(|x| Some(x.within_capacity)))
        .bool("within_band", r.iter().map(|x| x.within_band))
        .float("p_constraints_hold", r.iter().map(|x| x.p_constraints_hold))
}

fn bootstrap(b: &Backtest) -> TidyTable {
    let s = &b.bootstrap;
    let stats = [
        ("conversion", Some(s.conversion)),
        ("mqls_per_month", Some(s.mqls_per_month)),
        ("wins_captured_share", Some(s.wins_captured_share)),
        ("p_constraints_hold", None),
        ("p_any_feasible", None),
    ];
    let estimate = |name: &str, interval: Option<crate::Interval>| match (name, interval) {
        (_, Some(i)) => Some(i.estimate),
        ("p_constraints_hold", None) => Some(s.p_constraints_hold),
        _ => Some(s.p_any_feasible),
    };
    TidyTable::new("bootstrap")
        .int("threshold", stats.iter().map(|_| Some(s.threshold)))
        .text("statistic", stats.iter().map(|(n, _)| Some(*n)))
        .float("estimate", stats.iter().map(|(n, i)| estimate(n, *i)))
        .float("low", stats.iter().map(|(_, i)| i.map(|i| i.low)))
        .float("high", stats.iter().map(|(_, i)| i.map(|i| i.high)))
        .float("confidence", stats.iter().map(|_| Some(s.confidence)))
        .int("resamples", stats.iter().map(|_| i64::try_from(s.resamples).ok()))
        .int("seed", stats.iter().map(|_| i64::try_from(s.seed).ok()))
}

fn segments(b: &Backtest) -> TidyTable {
    let r = &b.segments;
    let table = TidyTable::new("segments")
        .text("segment", r.iter().map(|x| Some(x.segment.clone())))
        .text("value", r.iter().map(|x| Some(x.value.clone())))
        .int("threshold", r.iter().map(|_| Some(b.recommendation.threshold)))
        .int("leads", r.iter().map(|x| count(x.leads)))
        .int("mqls", r.iter().map(|x| count(x.mqls)))
        .float("mqls_per_month", r.iter().map(|x| Some(x.mqls_per_month)))
        .float("share_of_mqls", r.iter().map(|x| Some(x.share_of_mqls)))
        .outcomes(r.iter().map(|x| &x.outcomes))
        .float("wins_captured_share", r.iter().map(|x| x.wins_captured_share))
        .float("base_conversion", r.iter().map(|x| x.base_conversion));
    // Only when a value was written several ways: the table of a clean export is unchanged.
    match r.iter().any(|x| !x.also_written.is_empty()) {
        true => table.text("also_written", r.iter().map(|x| Some(x.also_written.join("; ")))),
        false => table,
    }
}

fn drift(b: &Backtest) -> TidyTable {
    let r = &b.drift;
    TidyTable::new("drift")
        .text("name", r.iter().map(|x| Some(x.name.clone())))
        .text("kind", r.iter().map(|x| Some(x.kind.clone())))
        .float("stability_index", r.iter().map(|x| Some(x.index)))
        .int("bins", r.iter().map(|x| i64::try_from(x.bins).ok()))
        .text("flag", r.iter().map(|x| Some(x.flag)))
}

fn walk_forward(b: &Backtest) -> TidyTable {
    let r = &b.walk_forward;
    TidyTable::new("walk_forward")
        .text("cohort", r.iter().map(|x| Some(x.cohort.clone())))
        .text("training_from", r.iter().map(|x| Some(x.training_from.clone())))
        .text("training_to", r.iter().map(|x| Some(x.training_to.clone())))
        .int("training_cohorts", r.iter().map(|x| i64::try_from(x.training_cohorts).ok()))
        .int("leads", r.iter().map(|x| count(x.leads)))
        .int("won", r.iter().map(|x| count(x.won)))
        .int("lost", r.iter().map(|x| count(x.lost)))
        .int("open", r.iter().map(|x| count(x.open)))
        .float("auc", r.iter().map(|x| x.auc))
        .float("calibration_slope", r.iter().map(|x| x.calibration_slope))
        .float("calibration_intercept", r.iter().map(|x| x.calibration_intercept))
        .int("recommended_threshold", r.iter().map(|x| Some(x.recommended_threshold)))
        .bool("feasible", r.iter().map(|x| Some(x.feasible)))
        .float("mqls_per_month", r.iter().map(|x| Some(x.mqls_per_month)))
        .float("conversion", r.iter().map(|x| x.conversion))
        .int("carried_threshold", r.iter().map(|x| Some(x.carried_threshold)))
        .float("carried_mqls_per_month", r.iter().map(|x| Some(x.carried_mqls_per_month)))
        .float("carried_conversion", r.iter().map(|x| x.carried_conversion))
        .bool("carried_within_capacity", r.iter().map(|x| Some(x.carried_within_capacity)))
        .bool("carried_within_band", r.iter().map(|x| x.carried_within_band))
}

fn tiers(b: &Backtest) -> Option<TidyTable> {
    let t = b.tiers.as_ref()?;
    let r = &t.rows;
    Some(
        TidyTable::new("tiers")
            .text("tier", r.iter().map(|x| Some(x.tier.clone())))
            .int("from_score", r.iter().map(|x| Some(x.from_score)))
            .int("mqls", r.iter().map(|x| count(x.mqls)))
            .float("mqls_per_month", r.iter().map(|x| Some(x.mqls_per_month)))
            .outcomes(r.iter().map(|x| &x.outcomes))
            .float("wins_captured_share", r.iter().map(|x| x.wins_captured_share)),
    )
}

/// Both models' sides and the swap sets, in one long table.
pub fn comparison_table(c: &crate::Comparison) -> TidyTable {
    let sides = [("model", &c.current), ("model", &c.candidate)];
    let mut group: Vec<Option<String>> = sides.iter().map(|(g, _)| Some(g.to_string())).collect();
    let mut name: Vec<Option<String>> = sides.iter().map(|(_, s)| Some(s.name.clone())).collect();
    let mut threshold: Vec<Option<i64>> = sides.iter().map(|(_, s)| Some(s.threshold)).collect();
    let mut leads: Vec<Option<i64>> = sides.iter().map(|(_, s)| count(s.mqls)).collect();
    let mut per_month: Vec<Option<f64>> = sides.iter().map(|(_, s)| Some(s.mqls_per_month)).collect();
    let mut outcomes: Vec<Outcomes> = sides.iter().map(|(_, s)| s.outcomes).collect();
    let mut wins: Vec<Option<f64>> = sides.iter().map(|(_, s)| s.wins_captured_share).collect();
    for s in &c.swaps {
        group.push(Some("swap".into()));
        name.push(Some(s.set.clone()));
        threshold.push(None);
        leads.push(count(s.leads));
        per_month.push(Some(s.leads_per_month));
        outcomes.push(s.outcomes);
        wins.push(None);
    }
    TidyTable::new("comparison")
        .text("group", group)
        .text("name", name)
        .int("threshold", threshold)
        .int("leads", leads)
        .float("leads_per_month", per_month)
        .outcomes(outcomes.iter())
        .float("wins_captured_share", wins)
}

fn comparison(b: &Backtest) -> Option<TidyTable> {
    b.comparison.as_ref().map(comparison_table)
}

/// Every lead that becomes or stops being an MQL, at own thresholds and at equal
/// volume, one row per lead and comparison (`swaps.csv` beside the report).
pub fn swaps_table(c: &crate::Comparison) -> TidyTable {
    let r = &c.swap_leads;
    TidyTable::new("swaps")
        .text("comparison", r.iter().map(|x| Some(x.basis.as_str())))
        .text("set", r.iter().map(|x| Some(x.set)))
        .text("lead_id", r.iter().map(|x| Some(x.lead_id.clone())))
        .text("cohort", r.iter().map(|x| Some(x.cohort.clone())))
        .text("outcome", r.iter().map(|x| Some(x.outcome.as_str())))
        .int("current_score", r.iter().map(|x| Some(x.current_score)))
        .int("current_threshold", r.iter().map(|x| Some(x.current_threshold)))
        .int("recalibrated_score", r.iter().map(|x| Some(x.candidate_score)))
        .int("recalibrated_threshold", r.iter().map(|x| Some(x.candidate_threshold)))
}
