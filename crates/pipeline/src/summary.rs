//! What a run found and where it put it: the data of the closing summary
//! (printed by the front end, saved as summary.json).

use std::path::{Path, PathBuf};

use mqlcal_config::Config;
use mqlcal_features::FeatureTable;
use mqlcal_scorecard::Model;
use serde::Serialize;

use crate::Backtested;

/// A value with its bootstrap interval.
#[derive(Debug, Clone, Serialize)]
pub struct WithInterval {
    pub value: Option<f64>,
    pub low: f64,
    pub high: f64,
}

/// The recommended threshold and what it gives.
#[derive(Debug, Clone, Serialize)]
pub struct Recommended {
    pub threshold: i64,
    pub hot_threshold: Option<i64>,
    pub feasible: bool,
    pub binding_constraint: Option<&'static str>,
    pub mqls_per_month: WithInterval,
    pub conversion: WithInterval,
    pub wins_captured_share: WithInterval,
    pub p_constraints_hold: f64,
    pub confidence: f64,
    pub capacity_per_month: f64,
    /// The month held against capacity when it is not the mean ("the 75th-percentile month"),
    /// and the threshold's MQLs in it: the mean alone reads as fitting whatever busy months send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_judged_on: Option<(String, f64)>,
    pub target_conversion: (f64, f64),
    pub sentence: String,
}

/// The two-axis rule in a run's summary.
#[derive(Debug, Clone, Serialize)]
pub struct TwoAxisSummary {
    pub fit_min: i64,
    pub engagement_min: i64,
    pub sentence: String,
    /// "two_axis", "threshold" or "neither".
    pub winner: &'static str,
    pub versus: String,
}

/// A signal that can move a score a lot.
#[derive(Debug, Clone, Serialize)]
pub struct TopSignal {
    pub signal: String,
    pub points: i64,
    /// Largest value of the feature among the leads (events are capped).
    pub max_value: f64,
    /// points × max_value: what the signal can add (or take) at most.
    pub max_points: f64,
}

/// A signal's points per unit, today and recalibrated.
#[derive(Debug, Clone, Serialize)]
pub struct PointsChange {
    pub signal: String,
    pub current: i64,
    pub recalibrated: i64,
}

/// The recalibrated model against the one in use today.
#[derive(Debug, Clone, Serialize)]
pub struct VersusCurrent {
    pub current: String,
    pub summary: String,
    pub current_threshold: i64,
    pub current_mqls_per_month: f64,
    pub current_conversion: Option<f64>,
    /// Largest changes of points per unit, biggest first.
    pub points_changes: Vec<PointsChange>,
}

/// What the run found and where it put it (printed, and saved as summary.json).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub config: String,
    pub run_directory: String,
    pub training_cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// Cohorts older than the training window: neither trained on nor judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before_window: Vec<String>,
    /// The export's as-of date the leads were judged at.
    pub as_of: Option<String>,
    /// Later cohorts not mature yet, each with its open share and unfinished windows.
    pub not_yet_judged: Vec<String>,
    /// Complete months the MQLs per month are measured over.
    pub volume_months: Vec<String>,
    pub holdout_months: usize,
    pub holdout_decided_leads: u64,
    pub alpha: Option<f64>,
    /// What the alpha choice rested on (rolling-origin folds, margin, grid edges).
    pub alpha_note: Option<String>,
    /// What changed between training and holdout, in plain words (empty when nothing crossed a threshold).
    pub drift: Vec<String>,
    pub holdout_auc: Option<f64>,
    pub recommended: Recommended,
    pub top_signals: Vec<TopSignal>,
    pub versus_current: Option<VersusCurrent>,
    /// The two-axis rule the model file records (`[rule] kind = "two_axis"` only):
    /// its choice and the verdict against one threshold at equal volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_axis: Option<TwoAxisSummary>,
    /// What could change the decision, most important first (the report's summary shows
    /// the first three): the data's, then the backtest's.
    pub before_deciding: Vec<String>,
    /// How many of them, first, are the data's (the terminal lists those apart: the
    /// backtest's have lines of their own there).
    #[serde(skip)]
    pub data_cautions: usize,
    /// Of them, the backtest's that the terminal's other lines (the recommendation's
    /// sentence, the drift) do not say: today's model at equal volume, the bootstrap's
    /// edge, open leads, the carried thresholds.
    #[serde(skip)]
    pub backtest_cautions: Vec<String>,
    pub warnings: Vec<String>,
    pub files: Vec<String>,
}

impl Summary {
    /// The summary of `run`, whose production `model` went into `out` as `files`.
    pub fn new(config: &Config, run: &Backtested, model: &Model, out: &Path, files: &[PathBuf]) -> Summary {
        let b = &run.backtest;
        let versus_current = match (&b.comparison, &run.fitted.report.current) {
            (Some(c), Some(current)) => Some(VersusCurrent {
                current: c.current.name.clone(),
                summary: c.summary.clone(),
                current_threshold: c.current.threshold,
                current_mqls_per_month: c.current.mqls_per_month,
                current_conversion: c.current.outcomes.conversion,
                points_changes: points_changes(current, model, 5),
            }),
            _ => None,
        };
        let warnings = run.warnings();
        Summary {
            config: config.source_path.display().to_string(),
            run_directory: out.display().to_string(),
            training_cohorts: b.training_cohorts.clone(),
            holdout_cohorts: b.holdout_cohorts.clone(),
            before_window: b.before_window.clone(),
            as_of: b.as_of.clone(),
            not_yet_judged: b
                .maturity
                .iter()
                .filter(|m| b.not_yet_judged.contains(&m.cohort))
                .map(mqlcal_features::CohortMaturity::describe)
                .collect(),
            volume_months: b.volume_months.clone(),
            holdout_months: b.months,
            holdout_decided_leads: b.won + b.lost,
            alpha: model.fit.as_ref().map(|f| f.alpha),
            alpha_note: run.fitted.report.alpha_search.as_ref().map(|a| a.note.clone()),
            drift: b.drift_headline.sentences.clone(),
            holdout_auc: model.metrics.get("holdout").map(|m| m.roc_auc),
            recommended: recommended(run, model),
            top_signals: top_signals(model, run.table(), 6),
            versus_current,
            two_axis: b.two_axis.as_ref().map(|t| TwoAxisSummary {
                fit_min: t.rule.fit_min,
                engagement_min: t.rule.engagement_min,
                sentence: t.summary.clone(),
                winner: t.versus.winner,
                versus: t.versus.summary.clone(),
            }),
            before_deciding: mqlcal_report::before_deciding(b, config.period, run.data_cautions()),
            data_cautions: run.data_cautions().len(),
            backtest_cautions: mqlcal_report::backtest_cautions(b, config.period),
            warnings,
            files: files.iter().map(|p| p.display().to_string()).collect(),
        }
    }
}

fn recommended(run: &Backtested, model: &Model) -> Recommended {
    let b = &run.backtest;
    let row = b.recommended_row();
    let boot = &b.bootstrap;
    let interval = |value: Option<f64>, i: &mqlcal_backtest::Interval| WithInterval { value, low: i.low, high: i.high };
    Recommended {
        threshold: b.recommendation.threshold,
        hot_threshold: model.hot_threshold,
        feasible: b.recommendation.feasible,
        binding_constraint: b.recommendation.binding_constraint.map(|c| c.as_str()),
        mqls_per_month: interval(Some(row.mqls_per_month), &boot.mqls_per_month),
        conversion: interval(row.outcomes.conversion, &boot.conversion),
        wins_captured_share: interval(row.wins_captured_share, &boot.wins_captured_share),
        p_constraints_hold: boot.p_constraints_hold,
        confidence: boot.confidence,
        capacity_per_month: b.constraints.capacity_per_month,
        capacity_judged_on: (!b.constraints.capacity_rule.is_mean()).then(|| (b.constraints.capacity_rule.describe(), row.capacity_volume)),
        target_conversion: b.constraints.band,
        sentence: b.recommendation.summary.clone(),
    }
}

/// The signals that can move a score most: |points × largest value among the leads|.
pub fn top_signals(model: &Model, table: &FeatureTable, k: usize) -> Vec<TopSignal> {
    // Every column's largest value in one pass over the rows (in row order, as a pass per
    // column would take them: a pass per column reads the whole row-major table each time).
    let mut largest = vec![0.0f64; table.columns.len()];
    for row in table.matrix.rows() {
        for (m, &v) in largest.iter_mut().zip(row) {
            *m = m.max(v);
        }
    }
    let mut top: Vec<TopSignal> = model
        .signals
        .iter()
        .filter(|s| s.points != 0)
        .map(|s| {
            let max_value = table
                .columns
                .iter()
                .position(|c| c.name == s.name)
                .map(|j| largest[j])
                .unwrap_or(1.0);
            TopSignal { signal: s.name.clone(), points: s.points, max_value, max_points: s.points as f64 * max_value }
        })
        .collect();
    top.sort_by(|a, b| b.max_points.abs().total_cmp(&a.max_points.abs()).then_with(|| a.signal.cmp(&b.signal)));
    top.truncate(k);
    top
}

/// Signals whose points per unit changed most from `current` to `recalibrated`.
pub fn points_changes(current: &Model, recalibrated: &Model, k: usize) -> Vec<PointsChange> {
    let points_of = |m: &Model, name: &str| m.signals.iter().find(|s| s.name == name).map_or(0, |s| s.points);
    let mut names: Vec<&str> = current.signals.iter().chain(&recalibrated.signals).map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut changes: Vec<PointsChange> = names
        .into_iter()
        .map(|n| PointsChange { signal: n.to_string(), current: points_of(current, n), recalibrated: points_of(recalibrated, n) })
        .filter(|c| c.current != c.recalibrated)
        .collect();
    changes.sort_by(|a, b| (b.recalibrated - b.current).abs().cmp(&(a.recalibrated - a.current).abs()).then_with(|| a.signal.cmp(&b.signal)));
    changes.truncate(k);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqlcal_scorecard::{Axis, PointsSheet};

    fn sheet(dir: &Path, name: &str, text: &str) -> Model {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let columns: Vec<(String, Axis)> = ["a", "b", "c", "d"].iter().map(|n| (n.to_string(), Axis::Fit)).collect();
        PointsSheet::read(&path).unwrap().model(&columns).unwrap()
    }

    #[test]
    fn points_changes_are_the_biggest_first() {
        let dir = tempfile::tempdir().unwrap();
        let current = sheet(dir.path(), "current.toml", "[points]\na = 10\nb = 5\nc = 1\n");
        let recalibrated = sheet(dir.path(), "new.toml", "[points]\na = 12\nb = -5\nc = 1\nd = 2\n");
        let changes = points_changes(&current, &recalibrated, 5);
        let shown: Vec<(&str, i64, i64)> = changes.iter().map(|c| (c.signal.as_str(), c.current, c.recalibrated)).collect();
        // b moved by 10; a and d by 2 (ties by name); c did not move.
        assert_eq!(shown, vec![("b", 5, -5), ("a", 10, 12), ("d", 0, 2)]);
        assert_eq!(points_changes(&current, &recalibrated, 1).len(), 1);
    }
}
