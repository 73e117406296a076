//! The backtest stage of the data flow: a fitted points model + the feature
//! table + `[sales]`/`[backtest]` → what each threshold would have sent to sales
//! on cohorts the model never saw, the recommended threshold with its
//! uncertainty, walk-forward stability, drift, segments, tiers, and a
//! comparison with the model in use today.

// `!(a > b)` is used on purpose: it is also true for NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod bootstrap;
mod compare;
mod drift;
mod error;
mod recommend;
mod scored;
mod segments;
mod sweep;
mod tables;
pub mod two_axis;
mod walk_forward;

pub use bootstrap::{bootstrap, bootstrap_with_profile, BootstrapSummary, Interval, ThresholdShare};
pub use tables::{comparison_table, swaps_table, TABLE_NAMES};
pub use compare::{compare, threshold_for_volume, Basis, Comparison, EqualVolume, ModelSide, SwapLead, SwapRow};
pub use drift::{drift, one_in, stability_index, DriftHeadline, Stability};
pub use error::BacktestError;
pub use recommend::{best_feasible, recommend, Binding, NearOption, Recommendation};
pub use scored::{cohort_rows, column_map, judged_rows, score_rows, Judged, Route, ScoredLeads};
pub use segments::{segments, tiers, SegmentRow, TierRow, Tiers};
pub use sweep::{conversion_interval, sweep, sweep_months, threshold_row, Cells, Constraints, Outcomes, ThresholdRow};
pub use walk_forward::{walk_forward, WalkForwardStep};

use mqlcal_config::{BacktestSpec, ModelSpec, SalesSpec};
use mqlcal_features::{CohortMaturity, FeatureTable, OutcomeCounts};
use mqlcal_scorecard::{DecimalMark, Model};
use serde::Serialize;

/// Share of open leads in the holdout above which the report warns that conversion rests on few decided leads.
const OPEN_SHARE_WARNING: f64 = 0.3;

/// Fewer won (or lost) holdout leads than this is warned about: with 30, a 50 % share's
/// 90 % interval already spans ±15 points, and the AUC rests on a handful of leads.
const FEW_HOLDOUT_OUTCOMES: u64 = 30;

/// What the backtest needs.
pub struct BacktestInputs<'a> {
    pub table: &'a FeatureTable,
    /// The candidate, fitted on the training cohorts only.
    pub model: &'a Model,
    /// How it was fitted (the refits of the walk-forward follow it).
    pub model_spec: &'a ModelSpec,
    /// The out-of-time split the model was fitted under (training, holdout, not yet judged).
    pub split: &'a mqlcal_fit::Split,
    pub sales: &'a SalesSpec,
    pub spec: &'a BacktestSpec,
    /// The model in use today, with a name for messages.
    pub current: Option<(&'a Model, &'a str)>,
    /// `[rule]`: a two-axis rule is backtested beside the threshold.
    pub rule: &'a mqlcal_config::RuleSpec,
    pub tool_version: &'a str,
    /// The logistic fit behind `model`: a warm start for the walk-forward refits (optional).
    pub warm_start: Option<&'a mqlcal_fit::LogisticFit>,
}

/// Everything the backtest found.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub training_cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// Cohorts older than the training window: neither trained on nor judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before_window: Vec<String>,
    /// Later cohorts, not mature yet: not judged, their complete months count as volume.
    pub not_yet_judged: Vec<String>,
    /// The export's as-of date the leads were judged at.
    pub as_of: Option<String>,
    /// Every cohort's readiness (windows, decided share).
    pub maturity: Vec<mqlcal_features::CohortMaturity>,
    /// Complete calendar months the volume per month is measured over ("2025-07").
    pub volume_months: Vec<String>,
    /// Leads of later cohorts counted as volume only.
    pub volume_only_leads: u64,
    /// Calendar months the volume covers (`volume_months.len()`).
    pub months: usize,
    /// Judged leads of the holdout (windows complete).
    pub leads: u64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    /// Won / decided leads of the holdout.
    pub base_rate: f64,
    pub constraints: Constraints,
    pub hot_capacity_per_month: Option<f64>,
    /// Every threshold, strictest first.
    pub thresholds: Vec<ThresholdRow>,
    pub recommendation: Recommendation,
    pub bootstrap: BootstrapSummary,
    pub tiers: Option<Tiers>,
    pub segments: Vec<SegmentRow>,
    pub walk_forward: Vec<WalkForwardStep>,
    pub drift: Vec<Stability>,
    /// What changed between training and holdout, with the sentences for the headline.
    pub drift_headline: DriftHeadline,
    pub comparison: Option<Comparison>,
    /// The two-axis rule backtested like the threshold (`[rule] kind = "two_axis"` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_axis: Option<two_axis::TwoAxisBacktest>,
    pub warnings: Vec<String>,
    /// The scored holdout leads (for charts and checks; not serialised).
    #[serde(skip)]
    pub holdout: ScoredLeads,
}

impl Backtest {
    /// The recommended threshold's sweep row.
    pub fn recommended_row(&self) -> &ThresholdRow {
        &self.thresholds[self.recommendation.row]
    }

    /// The candidate model with its MQL rule set: the recommended threshold and hot
    /// tier, or (`[rule] kind = "two_axis"`) the chosen two-axis rule instead.
    pub fn model_with_threshold(&self, model: &Model) -> Model {
        let mut model = model.clone();
        match &self.two_axis {
            Some(t) => {
                model.threshold = None;
                model.hot_threshold = None;
                model.rule = Some(mqlcal_scorecard::MqlRule::TwoAxis(t.rule.clone()));
            }
            None => {
                model.threshold = Some(self.recommendation.threshold);
                model.hot_threshold = self.tiers.as_ref().and_then(|t| t.hot_threshold);
            }
        }
        model
    }

    /// The tidy tables for notebooks.
    pub fn tables(&self) -> Vec<mqlcal_tidy::TidyTable> {
        tables::all(self)
    }
}

/// Among thresholds whose bootstrap probability that capacity and band both
/// hold reaches `min`, the one that captures the most wins (ties: higher conversion).
/// (A threshold without decided MQLs never holds the band, so it is never a candidate.)
fn confident_pick(rows: &[ThresholdRow], min: f64) -> Option<usize> {
    recommend::most_wins(
        rows.iter()
            .enumerate()
            .filter(|(_, r)| r.p_constraints_hold.is_some_and(|p| p + 1e-12 >= min))
            .filter_map(|(k, r)| r.outcomes.conversion.map(|cv| (k, r.outcomes.won, cv))),
    )
}

/// " Month by month it sends 98–131 MQLs; 1 of 5 complete months over capacity (the 75th-percentile month is held against capacity)."
fn month_sentence(row: &ThresholdRow, judged: &Judged, c: &Constraints) -> String {
    if judged.months.len() == 1 {
        return format!(
            " Month by month: one complete month only, so no spread between months is measured ({} is that month).",
            c.capacity_rule.describe()
        );
    }
    format!(
        " Month by month it sends {}–{} MQLs; {} of {} complete months over the capacity of {} ({} is held against capacity).",
        row.quietest_month_mqls,
        row.busiest_month_mqls,
        row.months_over_capacity,
        judged.months.len(),
        recommend::volume(c.capacity_per_month),
        c.capacity_rule.describe()
    )
}

/// Run the whole backtest.
///
/// The steps: the constraints, the judged holdout scored, the warnings about
/// its data, the threshold sweep with its recommendation and bootstrap, tiers
/// and segments, the walk-forward, drift, and the comparison with today's model.
pub fn run(inputs: &BacktestInputs) -> Result<Backtest, BacktestError> {
    let BacktestInputs { table, split, sales, .. } = *inputs;
    let c = constraints(inputs)?;
    let h = score_holdout(inputs)?;
    let [won, lost, open] = h.counts;
    let mut warnings = data_warnings(inputs, won, lost, open);
    let leads = won + lost + open;

    let Swept { thresholds, recommendation, boot } = recommend_threshold(inputs, &h, &c, &mut warnings);
    let threshold = recommendation.threshold;
    let tiers = sales.hot_capacity_per_month.map(|hot| tiers(&h.holdout, threshold, hot, &h.judged.months, &c));
    let decimal = inputs.model.inputs.as_ref().map_or(DecimalMark::Point, |read| read.decimal);
    let segments = segments(table, &h.holdout, threshold, h.months as f64, c.z, decimal);
    let walk_forward = walk_forward_steps(inputs, &c)?;
    let (drift, drift_headline) = drift_between(inputs, &h, &c)?;
    warnings.extend(drift_warnings(&drift));
    let comparison = compare_with_current(inputs, threshold, &h.judged, &c)?;
    let two_axis = match inputs.rule.two_axis() {
        None => None,
        Some(rule) => Some(two_axis::run(&two_axis::TwoAxisInputs {
            spec: rule,
            holdout: &h.holdout,
            judged: &h.judged,
            c: &c,
            recommended: &thresholds[recommendation.row],
            resamples: inputs.spec.bootstrap_resamples,
            seed: inputs.spec.seed,
        })?),
    };

    Ok(Backtest {
        training_cohorts: split.training_cohorts.clone(),
        holdout_cohorts: split.holdout_cohorts.clone(),
        before_window: split.before_window.clone(),
        not_yet_judged: split.not_yet_judged.clone(),
        as_of: table.as_of.map(|a| mqlcal_features::calendar::format_timestamp(a.at)),
        maturity: split.maturity.clone(),
        volume_months: h.judged.months.iter().map(|&m| mqlcal_features::calendar::month_label(m)).collect(),
        volume_only_leads: table.leads_in(&h.judged.volume_only),
        months: h.months,
        leads,
        won,
        lost,
        open,
        base_rate: won as f64 / (won + lost) as f64,
        constraints: c,
        hot_capacity_per_month: sales.hot_capacity_per_month,
        thresholds,
        recommendation,
        bootstrap: boot,
        tiers,
        segments,
        walk_forward,
        drift,
        drift_headline,
        comparison,
        two_axis,
        warnings,
        holdout: h.holdout,
    })
}

/// Capacity, band, rep time and confidence from `[sales]` and `[backtest]` (capacity is required).
fn constraints(inputs: &BacktestInputs) -> Result<Constraints, BacktestError> {
    let BacktestInputs { sales, spec, .. } = *inputs;
    let capacity = sales.capacity_per_month.ok_or(BacktestError::NoCapacity)?;
    Ok(Constraints::new(capacity, sales.target_conversion, sales.minutes_per_lead, spec.confidence).with_rule(sales.capacity_rule))
}

/// The holdout's judged leads scored by the candidate, with the training rows the drift compares them to.
struct Holdout {
    judged: Judged,
    /// Training rows whose windows are complete.
    training_rows: Vec<usize>,
    months: usize,
    holdout: ScoredLeads,
    /// [won, lost, open] among the judged leads.
    counts: [u64; 3],
}

/// Score the judged holdout leads; an error without a holdout or when it has only one outcome.
fn score_holdout(inputs: &BacktestInputs) -> Result<Holdout, BacktestError> {
    let BacktestInputs { table, model, split, .. } = *inputs;
    if split.holdout_cohorts.is_empty() {
        let labels = table.cohort_labels();
        if table.undated() {
            return Err(BacktestError::NoCohorts);
        }
        return Err(BacktestError::NoHoldout { have: labels.len(), labels: labels.join(", ") });
    }
    let judged = judged_rows(table, &split.holdout_cohorts, &split.not_yet_judged);
    let training_rows: Vec<usize> =
        cohort_rows(table, &split.training_cohorts).into_iter().filter(|&i| table.window_complete(i)).collect();
    let months = judged.month_count();
    let holdout = judged.score(model, table, "the fitted model")?;
    let [won, lost, open] = holdout.counts(|i| i < judged.rows.len());
    if won == 0 || lost == 0 {
        return Err(BacktestError::HoldoutOneOutcome { cohorts: split.holdout_cohorts.join(", "), won: won as usize, lost: lost as usize });
    }
    Ok(Holdout { judged, training_rows, months, holdout, counts: [won, lost, open] })
}

/// The split's warnings, unfinished windows, and a warning when many holdout leads are still open.
fn data_warnings(inputs: &BacktestInputs, won: u64, lost: u64, open: u64) -> Vec<String> {
    let BacktestInputs { model_spec, split, .. } = *inputs;
    let mut warnings = split.warnings.clone();
    warnings.extend(CohortMaturity::unfinished_window_notes(&split.maturity));
    let leads = won + lost + open;
    if won.min(lost) < FEW_HOLDOUT_OUTCOMES {
        let (few, outcome) = if won <= lost { (won, "won") } else { (lost, "lost") };
        warnings.push(format!(
            "the holdout ({}) has only {few} {outcome} leads: its AUC, conversion and wins captured rest on them, and their intervals are wide; hold out more cohorts ([model] holdout_cohorts) or wait for more leads to be decided before trusting the figures",
            split.holdout_cohorts.join(", ")
        ));
    }
    if open as f64 / leads as f64 > OPEN_SHARE_WARNING {
        warnings.push(format!(
            "{:.0} % of the holdout's leads ({open} of {leads}) are still open: conversion is measured on its {} decided leads.{}",
            100.0 * open as f64 / leads as f64,
            won + lost,
            if model_spec.holdout_cohorts.is_some() {
                " Leave [model] holdout_cohorts out to judge the latest mature cohort, or count stale open leads as lost ([outcome] open_after_days)."
            } else {
                " Count stale open leads as lost ([outcome] open_after_days) for a firmer figure."
            }
        ));
    }
    warnings
}

/// The threshold table, the recommendation and its bootstrap.
struct Swept {
    thresholds: Vec<ThresholdRow>,
    recommendation: Recommendation,
    boot: BootstrapSummary,
}

/// Sweep the thresholds on the holdout, recommend one, bootstrap it (and every row's
/// chance that the constraints hold), apply `[sales] min_confidence`, add the month sentence.
fn recommend_threshold(inputs: &BacktestInputs, h: &Holdout, c: &Constraints, warnings: &mut Vec<String>) -> Swept {
    let BacktestInputs { sales, spec, .. } = *inputs;
    let Holdout { judged, months, holdout, .. } = h;
    let months = *months;
    let (cells, mut thresholds) = sweep_months(holdout, &judged.months, c);
    let overrides_per_month = cells.always.iter().sum::<u64>() as f64 / months as f64;
    let mut recommendation = recommend(&thresholds, c, overrides_per_month);
    let rule_ratio: Vec<f64> =
        thresholds.iter().map(|r| if r.mqls_per_month > 0.0 { r.capacity_volume / r.mqls_per_month } else { 1.0 }).collect();
    let mut boot = bootstrap_with_profile(&cells, months as f64, c, recommendation.row, spec.bootstrap_resamples, spec.seed, &rule_ratio);
    for (row, p) in thresholds.iter_mut().zip(&boot.p_hold_by_threshold) {
        row.p_constraints_hold = Some(*p);
    }
    if let Some(min) = sales.min_confidence {
        match confident_pick(&thresholds, min) {
            Some(k) if k != recommendation.row => {
                recommendation = recommend::confident(&thresholds, k, min);
                boot = bootstrap_with_profile(&cells, months as f64, c, k, spec.bootstrap_resamples, spec.seed, &rule_ratio);
            }
            Some(_) => {}
            None => warnings.push(format!(
                "no threshold holds capacity and band in at least {:.0} % of bootstrap resamples ([sales] min_confidence); the recommendation uses capacity fully instead of idling it: threshold {} holds both in {:.0} %",
                100.0 * min,
                recommendation.threshold,
                100.0 * boot.p_constraints_hold
            )),
        }
    }
    recommendation.summary.push_str(&month_sentence(&thresholds[recommendation.row], judged, c));
    Swept { thresholds, recommendation, boot }
}

/// Refit on earlier cohorts and test on each later one (training and holdout cohorts), when `[backtest]` asks.
fn walk_forward_steps(inputs: &BacktestInputs, c: &Constraints) -> Result<Vec<WalkForwardStep>, BacktestError> {
    let BacktestInputs { table, model, model_spec, split, spec, tool_version, warm_start, .. } = *inputs;
    if !spec.walk_forward {
        return Ok(Vec::new());
    }
    // Every cohort that can train or be judged, older than the training window too: each
    // step's refit keeps the window ([model] training_cohorts) before the cohort it tests.
    let mut usable = split.before_window.clone();
    usable.extend(split.training_cohorts.iter().cloned());
    usable.extend(split.holdout_cohorts.iter().cloned());
    let alpha = model.fit.as_ref().map(|f| f.alpha).unwrap_or(match model_spec.alpha {
        mqlcal_config::AlphaSpec::Fixed(a) => a,
        mqlcal_config::AlphaSpec::Auto => 1.0,
    });
    walk_forward(table, &usable, model_spec, alpha, spec.walk_forward_min_training_cohorts, c, tool_version, warm_start, inputs.rule.two_axis())
}

/// Stability of the score and of every signal between training and holdout, with the headline.
fn drift_between(inputs: &BacktestInputs, h: &Holdout, c: &Constraints) -> Result<(Vec<Stability>, DriftHeadline), BacktestError> {
    let BacktestInputs { table, model, .. } = *inputs;
    let Holdout { judged, training_rows, holdout, .. } = h;
    let training_scores: Vec<f64> = score_rows(model, table, training_rows, "the fitted model")?.score.iter().map(|&s| s as f64).collect();
    let holdout_scores: Vec<f64> = holdout.score.iter().map(|&s| s as f64).collect();
    let holdout_scores = &holdout_scores[..judged.rows.len()];
    let drift = drift(table, training_rows, &judged.rows, &training_scores, holdout_scores);
    // (wins, decided leads) of a set of rows.
    let decided = |rows: &[usize]| {
        let mut c = OutcomeCounts::default();
        for &i in rows {
            c.add(table.outcomes[i], table.leads_at(i) as usize);
        }
        (c.won as u64, (c.won + c.lost) as u64)
    };
    let predicted_wins: f64 = (0..judged.rows.len())
        .filter(|&i| holdout.outcome[i] != mqlcal_features::Outcome::Open)
        .map(|i| {
            let p = model.calibration.as_ref().map_or(0.0, |c| c.probability(holdout.score[i] as f64));
            // A grouped row's leads share its probability (one lead: p itself, bit for bit).
            if holdout.leads[i] == 1 { p } else { holdout.leads[i] as f64 * p }
        })
        .sum();
    let drift_headline = DriftHeadline::new(
        decided(training_rows),
        decided(&judged.rows),
        predicted_wins,
        &drift,
        c.z,
        c.confidence,
    );
    Ok((drift, drift_headline))
}

/// A warning for the score and each signal whose stability index exceeds 0.1.
fn drift_warnings(drift: &[Stability]) -> Vec<String> {
    drift
        .iter()
        .filter(|s| s.index > 0.1)
        .map(|s| {
            format!(
                "{} shows a {} between training and holdout (stability index {:.3}): {}",
                if s.kind == "score" { "the score".to_string() } else { format!("signal {}", s.name) },
                s.flag,
                s.index,
                if s.kind == "score" { "the volume at each threshold may not carry over" } else { "check how it is captured" }
            )
        })
        .collect()
}

/// The model in use today against the candidate at `threshold`, on the judged holdout.
fn compare_with_current(inputs: &BacktestInputs, threshold: i64, judged: &Judged, c: &Constraints) -> Result<Option<Comparison>, BacktestError> {
    let BacktestInputs { table, model, current, .. } = *inputs;
    match current {
        None => Ok(None),
        Some((current_model, name)) => {
            let candidate = {
                let mut m = model.clone();
                m.threshold = Some(threshold);
                m
            };
            Ok(Some(compare(current_model, name, &candidate, "recalibrated", table, judged, c.z)?))
        }
    }
}

#[cfg(test)]
mod tests;
