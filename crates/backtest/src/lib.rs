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
mod walk_forward;

pub use bootstrap::{bootstrap, BootstrapSummary, Interval, ThresholdShare};
pub use tables::comparison_table;
pub use compare::{compare, Comparison, ModelSide, SwapRow};
pub use drift::{drift, stability_index, Stability};
pub use error::BacktestError;
pub use recommend::{best_feasible, recommend, Binding, NearOption, Recommendation};
pub use scored::{cohort_rows, column_map, months_covered, score_rows, Route, ScoredLeads};
pub use segments::{segments, tiers, SegmentRow, TierRow, Tiers};
pub use sweep::{conversion_interval, sweep, threshold_row, Cells, Constraints, ThresholdRow};
pub use walk_forward::{walk_forward, WalkForwardStep};

use mqlcal_config::{BacktestSpec, ModelSpec, SalesSpec};
use mqlcal_features::FeatureTable;
use mqlcal_scorecard::Model;
use serde::Serialize;

/// Share of open leads in the holdout above which the report warns that conversion rests on few decided leads.
const OPEN_SHARE_WARNING: f64 = 0.3;

/// What the backtest needs.
pub struct BacktestInputs<'a> {
    pub table: &'a FeatureTable,
    /// The candidate, fitted on the training cohorts only.
    pub model: &'a Model,
    /// How it was fitted (the split, and the refits of the walk-forward).
    pub model_spec: &'a ModelSpec,
    pub sales: &'a SalesSpec,
    pub spec: &'a BacktestSpec,
    /// The model in use today, with a name for messages.
    pub current: Option<(&'a Model, &'a str)>,
    pub tool_version: &'a str,
    /// The logistic fit behind `model`: a warm start for the walk-forward refits (optional).
    pub warm_start: Option<&'a mqlcal_fit::LogisticFit>,
}

/// Everything the backtest found.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub training_cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    pub excluded_cohorts: Vec<String>,
    /// Calendar months the holdout covers.
    pub months: usize,
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
    pub comparison: Option<Comparison>,
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

    /// The candidate model with the recommended threshold and hot tier set.
    pub fn model_with_threshold(&self, model: &Model) -> Model {
        let mut model = model.clone();
        model.threshold = Some(self.recommendation.threshold);
        model.hot_threshold = self.tiers.as_ref().and_then(|t| t.hot_threshold);
        model
    }

    /// The tidy tables for notebooks.
    pub fn tables(&self) -> Vec<mqlcal_tidy::TidyTable> {
        tables::all(self)
    }
}

/// Run the whole backtest.
pub fn run(inputs: &BacktestInputs) -> Result<Backtest, BacktestError> {
    let BacktestInputs { table, model, model_spec, sales, spec, current, tool_version, warm_start } = *inputs;
    let capacity = sales.capacity_per_month.ok_or(BacktestError::NoCapacity)?;
    let c = Constraints::new(capacity, sales.target_conversion, sales.minutes_per_lead, spec.confidence);

    let split = mqlcal_fit::split(table, model_spec.holdout_cohorts)?;
    if split.holdout_cohorts.is_empty() {
        let labels = table.cohort_labels();
        return Err(BacktestError::NoHoldout { have: labels.len(), labels: labels.join(", ") });
    }
    let holdout_rows = cohort_rows(table, &split.holdout_cohorts);
    let training_rows = cohort_rows(table, &split.training_cohorts);
    let months = months_covered(table, &split.holdout_cohorts, &holdout_rows);
    let holdout = score_rows(model, table, &holdout_rows, "the fitted model")?;
    let [won, lost, open] = holdout.counts(|_| true);
    if won == 0 || lost == 0 {
        return Err(BacktestError::HoldoutOneOutcome { cohorts: split.holdout_cohorts.join(", "), won: won as usize, lost: lost as usize });
    }

    let mut warnings = Vec::new();
    let leads = won + lost + open;
    if open as f64 / leads as f64 > OPEN_SHARE_WARNING {
        warnings.push(format!(
            "{:.0} % of the holdout's leads ({open} of {leads}) are still open: conversion is measured on its {} decided leads. Hold out an older cohort too ([model] holdout_cohorts = 2) for a firmer figure.",
            100.0 * open as f64 / leads as f64,
            won + lost
        ));
    }
    if !split.excluded_cohorts.is_empty() {
        warnings.push(format!(
            "{} is not over yet: left out of training and of the backtest (its months are partial).",
            split.excluded_cohorts.join(", ")
        ));
    }

    let (cells, mut thresholds) = sweep(&holdout, months, &c);
    let overrides_per_month = cells.always.iter().sum::<u64>() as f64 / months as f64;
    let recommendation = recommend(&thresholds, &c, overrides_per_month);
    let boot = bootstrap(&cells, months as f64, &c, recommendation.row, spec.bootstrap_resamples, spec.seed);
    for (row, p) in thresholds.iter_mut().zip(&boot.p_hold_by_threshold) {
        row.p_constraints_hold = Some(*p);
    }
    let threshold = recommendation.threshold;
    let tiers = sales.hot_capacity_per_month.map(|hot| tiers(&holdout, threshold, hot, months as f64, c.z));
    let segments = segments(table, &holdout, threshold, months as f64, c.z);

    let walk_forward = if spec.walk_forward {
        let mut usable = split.training_cohorts.clone();
        usable.extend(split.holdout_cohorts.iter().cloned());
        let alpha = model.fit.as_ref().map(|f| f.alpha).unwrap_or(match model_spec.alpha {
            mqlcal_config::AlphaSpec::Fixed(a) => a,
            mqlcal_config::AlphaSpec::Auto => 1.0,
        });
        walk_forward(table, &usable, model_spec, alpha, spec.walk_forward_min_training_cohorts, &c, tool_version, warm_start)?
    } else {
        Vec::new()
    };

    let training_scores: Vec<f64> = score_rows(model, table, &training_rows, "the fitted model")?.score.iter().map(|&s| s as f64).collect();
    let holdout_scores: Vec<f64> = holdout.score.iter().map(|&s| s as f64).collect();
    let drift = drift(table, &training_rows, &holdout_rows, &training_scores, &holdout_scores);
    for s in drift.iter().filter(|s| s.index > 0.1) {
        warnings.push(format!(
            "{} {} between training and holdout (stability index {:.3}): {}",
            if s.kind == "score" { "the score".to_string() } else { format!("signal {}", s.name) },
            s.flag,
            s.index,
            if s.kind == "score" { "the volume at each threshold may not carry over" } else { "check how it is captured" }
        ));
    }

    let comparison = match current {
        None => None,
        Some((current_model, name)) => {
            let candidate = {
                let mut m = model.clone();
                m.threshold = Some(threshold);
                m
            };
            Some(compare(current_model, name, &candidate, "recalibrated", table, &holdout_rows, months as f64, c.z)?)
        }
    };

    Ok(Backtest {
        training_cohorts: split.training_cohorts,
        holdout_cohorts: split.holdout_cohorts,
        excluded_cohorts: split.excluded_cohorts,
        months,
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
        comparison,
        warnings,
        holdout,
    })
}

#[cfg(test)]
mod tests;
