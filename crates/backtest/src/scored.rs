//! A model applied to leads of the feature table: each lead's integer score,
//! the routing rule that overrides it, its outcome and its creation month.

use std::collections::BTreeSet;

use mqlcal_features::{calendar, CohortIndex, FeatureTable, Outcome};
use mqlcal_scorecard::{Decision, Model, OverrideRule, TwoAxisRule};
use rayon::prelude::*;

use crate::BacktestError;

/// How a lead's MQL status is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// By its score against the threshold.
    Score,
    /// `always_mql`: an MQL whatever its score.
    Always,
    /// `never_mql`: never an MQL.
    Never,
}

/// Scored leads (one entry per lead, aligned vectors).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredLeads {
    /// Row of each lead in the feature table.
    pub rows: Vec<usize>,
    pub score: Vec<i64>,
    /// Fit and engagement sub-scores (the two-axis rule reads them).
    pub fit: Vec<i64>,
    pub engagement: Vec<i64>,
    pub route: Vec<Route>,
    pub outcome: Vec<Outcome>,
    /// Creation month (`calendar` month index).
    pub month: Vec<i32>,
    /// Leads each entry stands for: 1, or a grouped table's count. Every count,
    /// volume and resample adds an entry this many times.
    pub leads: Vec<u64>,
}

impl ScoredLeads {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether lead `i` is an MQL at `threshold`.
    pub fn is_mql(&self, i: usize, threshold: i64) -> bool {
        match self.route[i] {
            Route::Always => true,
            Route::Never => false,
            Route::Score => self.score[i] >= threshold,
        }
    }

    /// Whether lead `i` is an MQL under a two-axis rule (decided in its one home, overrides first).
    pub fn is_mql_two_axis(&self, i: usize, rule: &TwoAxisRule) -> bool {
        self.two_axis_decision(i, rule).mql
    }

    /// MQL status, grade and route of lead `i` under a two-axis rule.
    pub fn two_axis_decision(&self, i: usize, rule: &TwoAxisRule) -> Decision {
        let o = match self.route[i] {
            Route::Score => None,
            Route::Always => Some(OverrideRule::AlwaysMql),
            Route::Never => Some(OverrideRule::NeverMql),
        };
        rule.decide(self.fit[i], self.engagement[i], o)
    }

    /// Won, lost and open counts of the leads `keep` selects.
    pub fn counts(&self, keep: impl Fn(usize) -> bool) -> [u64; 3] {
        let mut counts = [0u64; 3];
        for i in (0..self.len()).filter(|&i| keep(i)) {
            counts[outcome_index(self.outcome[i])] += self.leads[i];
        }
        counts
    }
}

/// 0 won, 1 lost, 2 open: the index into `[u64; 3]` counts.
pub fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Won => 0,
        Outcome::Lost => 1,
        Outcome::Open => 2,
    }
}

/// For each of the model's signals, the feature-table column that feeds it.
/// A signal the table lacks is an error naming it.
pub fn column_map(model: &Model, table: &FeatureTable, model_name: &str) -> Result<Vec<usize>, BacktestError> {
    let mut map = Vec::with_capacity(model.signals.len());
    let mut missing = Vec::new();
    for signal in &model.signals {
        match table.columns.iter().position(|c| c.name == signal.name) {
            Some(j) => map.push(j),
            None => missing.push(signal.name.clone()),
        }
    }
    if missing.is_empty() {
        Ok(map)
    } else {
        Err(BacktestError::MissingSignals {
            model: model_name.to_string(),
            missing: missing.join(", "),
            known: table.column_names().join(", "),
        })
    }
}

/// Score `rows` of `table` with `model`; every row needs a creation date.
pub fn score_rows(model: &Model, table: &FeatureTable, rows: &[usize], model_name: &str) -> Result<ScoredLeads, BacktestError> {
    let map = column_map(model, table, model_name)?;
    let undated = rows.iter().filter(|&&i| table.created_at[i].is_none()).count();
    if undated > 0 {
        return Err(BacktestError::NoDates { count: undated });
    }
    let scorer = model.scorer();
    // Leads are scored on all cores (in order: each lead's score is its own).
    let each: Vec<(i64, i64, i64, Route)> = rows
        .par_iter()
        .map_init(
            || vec![0.0; map.len()],
            |values, &i| {
                let row = table.matrix.row(i);
                for (v, &j) in values.iter_mut().zip(&map) {
                    *v = row[j];
                }
                let points = scorer.points(values);
                let route = match scorer.override_rule(values) {
                    None => Route::Score,
                    Some(OverrideRule::AlwaysMql) => Route::Always,
                    Some(OverrideRule::NeverMql) => Route::Never,
                };
                (points.total, points.fit, points.engagement, route)
            },
        )
        .collect();
    Ok(ScoredLeads {
        rows: rows.to_vec(),
        score: each.iter().map(|e| e.0).collect(),
        fit: each.iter().map(|e| e.1).collect(),
        engagement: each.iter().map(|e| e.2).collect(),
        route: each.iter().map(|e| e.3).collect(),
        outcome: rows.iter().map(|&i| table.outcomes[i]).collect(),
        month: rows.iter().map(|&i| table.created_at[i].map_or(0, calendar::month_of)).collect(),
        leads: rows.iter().map(|&i| table.leads_at(i)).collect(),
    })
}

/// The leads a backtest judges and the months their volume is spread over.
/// Only leads whose engagement window had ended by the as-of date, created in
/// months that are complete, count: the holdout cohorts' leads for volume and
/// conversion, the later (not yet judged) cohorts' leads for volume only.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// Holdout leads (all outcomes: open leads are volume too).
    pub rows: Vec<usize>,
    /// Leads of later cohorts: volume only, their outcomes count as open.
    pub volume_only: Vec<usize>,
    /// The complete calendar months the leads cover.
    pub months: Vec<i32>,
}

impl Judged {
    /// The denominator of "MQLs per month".
    pub fn month_count(&self) -> usize {
        self.months.len().max(1)
    }

    /// Score every judged lead with `model`; volume-only leads come out open.
    pub fn score(&self, model: &Model, table: &FeatureTable, model_name: &str) -> Result<ScoredLeads, BacktestError> {
        let all: Vec<usize> = self.rows.iter().chain(&self.volume_only).copied().collect();
        let mut scored = score_rows(model, table, &all, model_name)?;
        for outcome in &mut scored.outcome[self.rows.len()..] {
            *outcome = Outcome::Open;
        }
        Ok(scored)
    }
}

/// The judged leads of `holdout` cohorts, with `later` cohorts' complete months as volume.
pub fn judged_rows(table: &FeatureTable, holdout: &[String], later: &[String]) -> Judged {
    judged_rows_of(table, &table.cohort_index(), holdout, later)
}

/// [`judged_rows`] with the table's cohorts numbered by the caller (`index` is
/// `table.cohort_index()`), who numbers them once for several uses.
pub fn judged_rows_of(table: &FeatureTable, index: &CohortIndex, holdout: &[String], later: &[String]) -> Judged {
    let keep = |cohorts: &[String]| -> Vec<usize> {
        index
            .rows_in(cohorts)
            .into_iter()
            .filter(|&i| {
                let month_complete = table.created_at[i].map(calendar::month_of).map(|m| table.month_complete(m));
                table.window_complete(i) && month_complete != Some(false)
            })
            .collect()
    };
    let rows = keep(holdout);
    let volume_only = keep(later);
    let mut months = BTreeSet::new();
    for label in holdout.iter().chain(later) {
        match calendar::cohort_months(label) {
            Some(range) => months.extend(range.filter(|&m| table.month_complete(m))),
            None => {
                let seen: Vec<i32> = rows.iter().filter_map(|&i| table.created_at[i].map(calendar::month_of)).collect();
                if let (Some(lo), Some(hi)) = (seen.iter().min(), seen.iter().max()) {
                    months.extend(*lo..=*hi);
                }
            }
        }
    }
    Judged { rows, volume_only, months: months.into_iter().collect() }
}

/// Rows of `table` in the given cohorts (all outcomes: open leads are volume too).
pub fn cohort_rows(table: &FeatureTable, cohorts: &[String]) -> Vec<usize> {
    table.cohort_index().rows_in(cohorts)
}
