//! The executive summary: one sentence with the decision, three numbers (MQLs
//! a month against capacity, conversion against the band, wins captured), each
//! with one kind of interval in plain words, the threshold chart, and at most
//! three warnings that could change the decision. It fits one screen.

use mqlcal_backtest::{one_in, Backtest};

use super::format::has;
use super::{Block, KeyFigure, Section};
use crate::charts::Chart;
use crate::numbers::{level, pct0, pct1, per_month};
use crate::{Period, ReportInputs};

/// Warnings shown in the summary; the rest go to the data section.
pub(super) const MAX_WARNINGS: usize = 3;

/// "Recommendation": the decision, the three numbers, the chart, the warnings.
pub(super) fn section(inputs: &ReportInputs, charts: &[Chart]) -> Section {
    let b = inputs.backtest;
    let mut blocks = vec![
        Block::Decision(decision(b)),
        Block::KeyFigures(key_figures(b)),
    ];
    if let Some(t) = &b.two_axis {
        // The model file decides MQLs by the two-axis rule: say so first, with which rule wins.
        blocks.insert(1, Block::Paragraph(format!("This run's MQL rule is two-axis (the model file records it). {} {}", t.summary, t.versus.summary)));
    }
    if has(charts, "thresholds") {
        blocks.push(Block::Figure("thresholds"));
    }
    let warnings = warnings(inputs);
    if !warnings.is_empty() {
        let shown: Vec<String> = warnings.iter().take(MAX_WARNINGS).cloned().collect();
        blocks.push(Block::Warnings(shown));
    }
    blocks.push(Block::Note(note(b, warnings.len().saturating_sub(MAX_WARNINGS))));
    Section {
        id: "recommendation",
        heading: "Recommendation".into(),
        blocks,
        summary: true,
    }
}

/// The decision in one sentence.
pub(super) fn decision(b: &Backtest) -> String {
    let rec = &b.recommendation;
    let holdout = b.holdout_cohorts.join(", ");
    let hot = b
        .tiers
        .as_ref()
        .and_then(|t| t.hot_threshold)
        .map_or(String::new(), |h| format!(" (hot tier from {h})"));
    if !rec.feasible {
        return format!(
            "No MQL threshold fits both sales capacity and the target conversion band on {holdout}; the nearest option is {} points{hot}.",
            rec.threshold
        );
    }
    let rule = if rec.summary.contains("min_confidence") {
        "of the thresholds that keep capacity and band in most bootstrap resamples ([sales] min_confidence)"
    } else {
        "of every threshold that fits sales capacity and the target conversion band"
    };
    format!(
        "Set the MQL threshold at {} points{hot}: {rule} on {holdout}, held out of the fit, it captures the most wins.",
        rec.threshold
    )
}

/// "likely between 116 and 131".
fn likely(lo: String, hi: String) -> String {
    format!("likely between {lo} and {hi}")
}

/// "likely between 38 % and 44 %", with a decimal when whole percents would show
/// one number twice (a holdout of millions of leads): "between 41.0 % and 41.4 %".
fn likely_share(lo: f64, hi: f64) -> String {
    match (pct0(lo), pct0(hi)) {
        (a, b) if a == b => likely(pct1(lo), pct1(hi)),
        (a, b) => likely(a, b),
    }
}

/// MQLs a month, conversion and wins captured, each with its bootstrap interval.
pub(super) fn key_figures(b: &Backtest) -> Vec<KeyFigure> {
    let r = b.recommended_row();
    let boot = &b.bootstrap;
    let c = &b.constraints;
    let conversion = match r.outcomes.conversion {
        Some(cv) => (pct0(cv), likely_share(boot.conversion.low, boot.conversion.high)),
        None => ("no decided MQLs".into(), String::new()),
    };
    let wins_against = match &b.comparison {
        Some(cmp) => format!(
            "today's model at the same volume: {}",
            cmp.equal_volume.current.wins_captured_share.map_or("-".into(), pct0)
        ),
        None => "of the holdout's won leads".into(),
    };
    vec![
        KeyFigure {
            label: "MQLs a month".into(),
            value: per_month(r.mqls_per_month),
            // The month capacity is judged on beside it, unless it is the mean shown above:
            // "123 (capacity 130)" alone reads as fitting whatever the busy months send.
            against: if c.capacity_rule.is_mean() {
                format!("capacity {}", per_month(c.capacity_per_month))
            } else {
                format!("capacity {}; {} {}", per_month(c.capacity_per_month), c.capacity_rule.describe().trim_start_matches("the "), per_month(r.capacity_volume))
            },
            likely: likely(
                per_month(boot.mqls_per_month.low),
                per_month(boot.mqls_per_month.high),
            ),
        },
        KeyFigure {
            label: "MQLs that win".into(),
            value: conversion.0,
            against: format!(
                "target {:.0}–{:.0} %",
                100.0 * c.band.0,
                100.0 * c.band.1
            ),
            likely: conversion.1,
        },
        KeyFigure {
            label: "Wins captured".into(),
            value: r.wins_captured_share.map_or("-".into(), pct0),
            against: wins_against,
            likely: likely_share(boot.wins_captured_share.low, boot.wins_captured_share.high),
        },
    ]
}

/// What "likely" means, where the numbers come from, and where further warnings are.
fn note(b: &Backtest, more: usize) -> String {
    let boot = &b.bootstrap;
    let months = match (b.volume_months.first(), b.volume_months.last()) {
        (Some(first), Some(last)) if b.volume_months.len() > 1 => {
            format!(" over {} complete months ({first} to {last})", b.months)
        }
        (Some(only), _) => format!(" in {only}"),
        _ => String::new(),
    };
    let mut s = format!(
        "Measured on {}, held out of the fit; MQLs a month{months}. \"Likely between\" is the {} bootstrap interval: the figure fell in that range in {} of {} resamples of the holdout.",
        b.holdout_cohorts.join(", "),
        level(boot.confidence),
        level(boot.confidence),
        boot.resamples
    );
    if more > 0 {
        s.push_str(&format!(
            " {more} more warning{} under \"Data and quality warnings\".",
            if more == 1 { "" } else { "s" }
        ));
    }
    s
}

/// Everything that could change the decision, most important first; the data's point to
/// where the report says more.
pub(super) fn warnings(inputs: &ReportInputs) -> Vec<String> {
    let pointed: Vec<String> = inputs.data_cautions.iter().map(|c| format!("{} (see \"Data and quality warnings\").", c.trim_end_matches('.'))).collect();
    before_deciding(inputs.backtest, inputs.period, &pointed)
}

/// Everything that could change the decision, most important first: the data's
/// `cautions` (what the numbers rest on), then the backtest's. The report's summary
/// shows the first three; summary.json lists them all.
pub fn before_deciding(b: &Backtest, period: Period, cautions: &[String]) -> Vec<String> {
    let mut out: Vec<String> = cautions.to_vec();
    if !b.recommendation.feasible {
        // Why none qualifies; the month-by-month sentence stays in the thresholds section.
        let why = &b.recommendation.summary;
        out.push(why.find(" Month by month").map_or(why.as_str(), |k| &why[..k]).to_string());
    }
    out.extend(selection_warnings(b));
    out.extend(equal_volume_warning(b));
    out.extend(drift_warnings(b, period));
    out.extend(after_drift(b, period));
    out
}

/// Of [`before_deciding`], the backtest's that are neither why no threshold qualifies nor
/// drift (which the terminal's summary has lines of its own for), in the same order.
pub fn backtest_cautions(b: &Backtest, period: Period) -> Vec<String> {
    selection_warnings(b).into_iter().chain(equal_volume_warning(b)).chain(after_drift(b, period)).collect()
}

/// Today's model makes MQLs of this share of the leads compared, or more: an export of its
/// MQLs alone ([`selection_warnings`]) ...
const NEARLY_EVERY_LEAD: f64 = 0.95;

/// ... or its other leads win at most this share of their decided ones, and under this
/// fraction of its MQLs' conversion: sales worked its MQLs alone ...
const NEARLY_NEVER_WIN: f64 = 0.01;
const NEARLY_NEVER_OF_MQLS: f64 = 1.0 / 20.0;

/// ... judged on at least this many leads.
const SELECTION_LEADS: u64 = 100;

/// What today's model's MQLs say of how the leads came to be in the file ([`Backtest::comparison`]):
/// its MQLs alone (an export of the leads sales worked), or its other leads all but never
/// won (sales works MQLs only, so those never had the chance). Either way the backtest
/// measures the recalibrated model where today's model chose, and the fit may learn that
/// choice. Nothing without `[model] current`.
fn selection_warnings(b: &Backtest) -> Vec<String> {
    let Some(cmp) = b.comparison.as_ref() else { return Vec::new() };
    let (today, leads) = (&cmp.current, cmp.leads());
    let mut out = Vec::new();
    if leads >= SELECTION_LEADS && today.mqls as f64 >= NEARLY_EVERY_LEAD * leads as f64 {
        out.push(format!(
            "Today's model (threshold {}) makes MQLs of {} of the holdout's {leads} leads ({}): the file looks like its MQLs alone (the leads sales worked), not every lead that came. The thresholds are then judged only on leads today's model passed; in production the recalibrated model also scores the leads it filtered out, and sends more MQLs than this backtest counts. Export every lead, MQL or not, with its outcome.",
            today.threshold,
            today.mqls,
            pct0(today.mqls as f64 / leads as f64)
        ));
    }
    let (won, lost) = cmp.not_current_mqls();
    let decided = won + lost;
    let rate = won as f64 / decided.max(1) as f64;
    if let Some(mqls_rate) = today.outcomes.conversion.filter(|_| decided >= SELECTION_LEADS) {
        if rate <= NEARLY_NEVER_WIN && rate < NEARLY_NEVER_OF_MQLS * mqls_rate {
            out.push(format!(
                "Leads that today's model (threshold {}) does not make MQLs almost never win: {won} of {decided} decided ({}), against {} of its MQLs. If sales works only MQLs, those leads had no chance to win, and the fit learns today's model's choice rather than what makes a lead win. Judge the weights on leads sales worked whatever their score (a period of routing every lead to sales, or a random share of them).",
                today.threshold,
                pct1(rate),
                pct0(mqls_rate)
            ));
        }
    }
    out
}

/// The cautions [`before_deciding`] lists after the drift: the bootstrap's edge, open
/// leads, the walk-forward's carried thresholds.
fn after_drift(b: &Backtest, period: Period) -> Vec<String> {
    let mut out: Vec<String> = edge_warning(b).into_iter().collect();
    if b.leads > 0 && b.open as f64 / b.leads as f64 > 0.3 {
        out.push(format!(
            "{:.0} % of the holdout's leads are still open: conversion rests on its {} decided leads.",
            100.0 * b.open as f64 / b.leads as f64,
            b.won + b.lost
        ));
    }
    out.extend(carried_warning(b, period));
    out.extend(few_months_warning(b));
    out
}

/// Complete months of volume under which a month's spread is not measured.
const FEW_VOLUME_MONTHS: usize = 3;

/// MQLs a month measured on one or two complete months: the capacity check holds one
/// month's volume, whatever the rule, and how much months differ is unknown.
fn few_months_warning(b: &Backtest) -> Option<String> {
    let (first, last) = (b.volume_months.first()?, b.volume_months.last()?);
    (b.months < FEW_VOLUME_MONTHS).then(|| {
        let (months, spread) = if b.months == 1 {
            (format!("one complete month ({first})"), "not measured")
        } else {
            (format!("{} complete months ({first} and {last})", b.months), "measured on those alone")
        };
        format!(
            "MQLs a month rest on {months}: how much a month's volume varies is {spread}, so {} against capacity says little of a busy month. Hold out more cohorts ([model] holdout_cohorts), or longer ones ([cohorts] period), before trusting the capacity check.",
            b.constraints.capacity_rule.describe()
        )
    })
}

/// Today's model at the same volume wins as many deals: the change is not worth much
/// (whether a threshold qualifies or the nearest option stands).
fn equal_volume_warning(b: &Backtest) -> Option<String> {
    let cmp = b.comparison.as_ref()?;
    let today = &cmp.equal_volume.current;
    (today.outcomes.won >= cmp.candidate.outcomes.won).then(|| {
        format!(
            "At the same volume, today's model (threshold {}) wins {} the recalibrated one ({} vs {} won MQLs on the holdout): the change moves which leads are MQLs more than how many win.",
            today.threshold,
            if today.outcomes.won > cmp.candidate.outcomes.won { "more deals than" } else { "as many deals as" },
            today.outcomes.won,
            cmp.candidate.outcomes.won
        )
    })
}

/// The win rate moved, or the probabilities are off, between training and holdout.
fn drift_warnings(b: &Backtest, period: Period) -> Vec<String> {
    let d = &b.drift_headline;
    let mut out = Vec::new();
    let (ti, hi) = (d.training_win_rate_interval, d.holdout_win_rate_interval);
    if ti.1 < hi.0 || hi.1 < ti.0 {
        out.push(format!(
            "The win rate moved from {} decided leads in training to {} in {}: volume and conversion may not carry over to the next {}.",
            one_in(d.training_win_rate),
            one_in(d.holdout_win_rate),
            b.holdout_cohorts.join(", "),
            period.word()
        ));
    }
    if d.predicted_wins > 0.0 && d.observed_wins > 0 {
        let ratio = d.observed_wins as f64 / d.predicted_wins;
        if !(0.8..=1.25).contains(&ratio) {
            out.push(format!(
                "The model expected {:.0} wins on the holdout and saw {}: its win probabilities are {:.1}× too {}; trust the ranking, not the probabilities.",
                d.predicted_wins,
                d.observed_wins,
                if ratio > 1.0 { ratio } else { 1.0 / ratio },
                if ratio > 1.0 { "low" } else { "high" }
            ));
        }
    }
    out
}


/// The recommendation holds capacity and band in fewer than half the resamples.
fn edge_warning(b: &Backtest) -> Option<String> {
    let p = b.bootstrap.p_constraints_hold;
    let r = b.recommended_row();
    (b.recommendation.feasible && p < 0.5).then(|| {
        let months = if r.months_over_capacity > 0 {
            format!(
                "; {} of {} months already sent more than capacity (busiest {})",
                r.months_over_capacity, b.months, r.busiest_month_mqls
            )
        } else {
            String::new()
        };
        format!(
            "The threshold sits close to the limits: capacity and band both hold in {} of bootstrap resamples{months}. Expect some months over capacity or conversion outside the band.",
            pct0(p)
        )
    })
}

/// A threshold picked on one cohort missed capacity (by more than 10 %) or the
/// band (by more than 5 points) on the next, in at least half the steps.
fn carried_warning(b: &Backtest, period: Period) -> Option<String> {
    let steps = &b.walk_forward;
    let (cap, band) = (b.constraints.capacity_per_month, b.constraints.band);
    let missed = steps
        .iter()
        .filter(|w| {
            let over = w.carried_mqls_per_month > 1.1 * cap;
            let outside = w.carried_conversion.is_some_and(|c| c < band.0 - 0.05 || c > band.1 + 0.05);
            over || outside
        })
        .count();
    (steps.len() >= 2 && 2 * missed >= steps.len()).then(|| {
        format!(
            "A threshold chosen on one {p} missed capacity (by over 10 %) or the band (by over 5 points) on the next {p} in {missed} of {}: check the threshold every {p}.",
            period.count(steps.len()),
            p = period.word()
        )
    })
}
