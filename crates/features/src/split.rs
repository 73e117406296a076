//! The out-of-time split: which cohorts train, which one is judged (held
//! out), and which are not yet judged. Computed here once for every stage.

use mqlcal_config::ModelSpec;
use serde::Serialize;

use crate::{CohortMaturity, FeatureTable, Outcome};

/// Why no split is possible (names the setting that fixes it).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitError(pub String);

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SplitError {}

/// Which rows train and which are held out.
#[derive(Debug, Clone, Serialize)]
pub struct Split {
    pub training_cohorts: Vec<String>,
    pub holdout_cohorts: Vec<String>,
    /// Cohorts older than the training window (`[model] training_cohorts`): neither
    /// trained on nor judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before_window: Vec<String>,
    /// Decided rows of the training cohorts whose windows are complete.
    pub training_rows: Vec<usize>,
    /// Decided rows of the holdout cohorts whose windows are complete.
    pub holdout_rows: Vec<usize>,
    /// Cohorts after the holdout that are not mature yet: neither trained on
    /// nor judged (their complete months still count toward volume).
    pub not_yet_judged: Vec<String>,
    /// Every cohort's readiness, in time order.
    pub maturity: Vec<CohortMaturity>,
    /// Leads of the training and holdout cohorts left out because their engagement window had not ended.
    pub unfinished_windows: usize,
    /// What makes this split less reliable (an explicit holdout on an immature cohort).
    pub warnings: Vec<String>,
}

/// A fit needs at least this many won and this many lost leads among its training rows
/// (fewer give weights that one lead more or less would turn around).
pub const MIN_TRAINING_OUTCOMES: usize = 10;

impl Split {
    /// Won and lost leads of the training rows (open ones are never training rows).
    pub fn training_outcomes(&self, table: &FeatureTable) -> crate::OutcomeCounts {
        let mut counts = crate::OutcomeCounts::default();
        for &i in &self.training_rows {
            counts.add(table.outcomes[i], table.leads_at(i) as usize);
        }
        counts
    }
}

/// The cohorts older than the training window, in words ("" when none): every place that
/// lists what a run trained on says it so.
pub fn before_window_sentence(before_window: &[String], training_cohorts: usize) -> String {
    match before_window {
        [] => String::new(),
        [one] => format!("Older than the training window ([model] training_cohorts = {training_cohorts}), not fitted on: {one}."),
        [first, .., last] => format!(
            "Older than the training window ([model] training_cohorts = {training_cohorts}), not fitted on: {first} to {last} ({} cohorts).",
            before_window.len()
        ),
    }
}

/// Out-of-time split. By default the holdout is the latest *mature* cohort
/// (period over, every engagement window complete, at least
/// `min_decided_share` of its leads decided) when at least 2 cohorts precede
/// it; later cohorts are not yet judged. An explicit `holdout_cohorts` holds
/// out the latest cohorts as written, with a warning for each immature one.
/// Leads with unfinished windows are never fitted on or judged.
pub fn split(table: &FeatureTable, spec: &ModelSpec) -> Result<Split, SplitError> {
    split_of(table, spec, table.cohort_maturity(spec.min_decided_share))
}

/// The split of the leads of `cohorts` alone: what [`split`] gives for a table of only
/// their rows, with the rows numbered as in `table` (a cohort's readiness is its own
/// rows'). The walk-forward refits on earlier cohorts so, without copying them out.
pub fn split_among(table: &FeatureTable, spec: &ModelSpec, cohorts: &[String]) -> Result<Split, SplitError> {
    let index = table.cohort_index();
    split_among_of(table, &index, &table.cohort_maturity_of(&index, spec.min_decided_share), spec, cohorts)
}

/// [`split_among`] with the table's cohorts numbered (`index`, [`FeatureTable::cohort_index`])
/// and their readiness (`maturity`, [`FeatureTable::cohort_maturity_of`] at the spec's
/// `min_decided_share`) worked out once by the caller: the walk-forward's steps share them.
pub fn split_among_of(
    table: &FeatureTable,
    index: &crate::CohortIndex,
    maturity: &[CohortMaturity],
    spec: &ModelSpec,
    cohorts: &[String],
) -> Result<Split, SplitError> {
    let among = maturity.iter().filter(|m| cohorts.contains(&m.cohort)).cloned().collect();
    split_by(table, index, spec, among)
}

/// The split by these cohorts' readiness (in time order): every row of another cohort is left out.
fn split_of(table: &FeatureTable, spec: &ModelSpec, maturity: Vec<CohortMaturity>) -> Result<Split, SplitError> {
    split_by(table, &table.cohort_index(), spec, maturity)
}

/// [`split_of`] with the table's cohorts numbered (`index`).
fn split_by(table: &FeatureTable, index: &crate::CohortIndex, spec: &ModelSpec, maturity: Vec<CohortMaturity>) -> Result<Split, SplitError> {
    let cohorts: Vec<String> = maturity.iter().map(|m| m.cohort.clone()).collect();
    let mut warnings = Vec::new();
    let (training, holdout, later): (&[String], &[String], &[String]) = match spec.holdout_cohorts {
        Some(n) => {
            if n >= cohorts.len() {
                return Err(SplitError(format!(
                    "[model] holdout_cohorts = {n} leaves no training cohort (the data has {}: {})",
                    cohorts.len(),
                    cohorts.join(", ")
                )));
            }
            let (training, holdout) = cohorts.split_at(cohorts.len() - n);
            for m in &maturity[cohorts.len() - n..] {
                if !m.mature {
                    warnings.push(format!(
                        "{} is held out ([model] holdout_cohorts = {n}) but not mature: its conversion rests on its {} decided leads and its volume leaves out leads with unfinished windows. Leave holdout_cohorts out to judge the latest mature cohort.",
                        CohortMaturity::describe(m),
                        m.won + m.lost
                    ));
                }
            }
            (training, holdout, &[])
        }
        None => match maturity.iter().rposition(|m| m.mature) {
            Some(k) if k >= 2 => (&cohorts[..k], &cohorts[k..=k], &cohorts[k + 1..]),
            Some(k) => (&cohorts[..=k], &[], &cohorts[k + 1..]),
            None if cohorts.len() < 3 => (&cohorts[..], &[], &[]),
            None => {
                let listed: Vec<String> = maturity.iter().rev().take(4).map(CohortMaturity::describe).collect();
                return Err(SplitError(format!(
                    "no cohort is mature enough to judge (period over, windows complete, at least {:.0} % decided): {}. Lower [model] min_decided_share, count stale open leads as lost ([outcome] open_after_days), or hold out cohorts anyway ([model] holdout_cohorts)",
                    100.0 * spec.min_decided_share,
                    listed.join("; ")
                )));
            }
        },
    };
    // The training window: the latest cohorts before the holdout; older ones are left out.
    let (before_window, training) = match spec.training_cohorts {
        Some(n) if training.len() > n => training.split_at(training.len() - n),
        _ => (&[][..], training),
    };
    let mut unfinished_windows = 0;
    let mut decided = |set: &[String]| -> Vec<usize> {
        index
            .rows_in(set)
            .into_iter()
            .filter(|&i| {
                let complete = table.window_complete(i);
                if !complete {
                    unfinished_windows += table.leads_at(i) as usize;
                }
                complete && table.outcomes[i] != Outcome::Open
            })
            .collect()
    };
    let training_rows = decided(training);
    let holdout_rows = decided(holdout);
    Ok(Split {
        training_cohorts: training.to_vec(),
        holdout_cohorts: holdout.to_vec(),
        before_window: before_window.to_vec(),
        training_rows,
        holdout_rows,
        not_yet_judged: later.to_vec(),
        maturity,
        unfinished_windows,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FeatureColumn;
    use ndarray::Array2;

    /// One lead per day from `first` to `last` (unix days), quarters as cohorts;
    /// leads of the last `open_days` days are open; as-of = the last lead, window 30 days.
    fn table(first: i64, last: i64, open_days: i64) -> FeatureTable {
        let days: Vec<i64> = (first..=last).collect();
        let n = days.len();
        let cohort = |d: i64| {
            let month = crate::calendar::month_of(d * 86_400);
            format!("{}-Q{}", month.div_euclid(12), month.rem_euclid(12) / 3 + 1)
        };
        FeatureTable {
            ids: (0..n).map(|i| i.to_string()).collect(),
            created_at: days.iter().map(|d| Some(d * 86_400)).collect(),
            cohorts: days.iter().map(|&d| cohort(d)).collect(),
            outcomes: days
                .iter()
                .enumerate()
                .map(|(i, &d)| if d > last - open_days { Outcome::Open } else if i % 3 == 0 { Outcome::Won } else { Outcome::Lost })
                .collect(),
            segments: vec![],
            columns: vec![FeatureColumn { name: "x".into(), signal: "x".into(), level: None, axis: mqlcal_config::Axis::Fit }],
            matrix: Array2::zeros((n, 1)),
            as_of: Some(crate::AsOf { at: last * 86_400, window_seconds: 30 * 86_400 }),
            patterns: None,
        }
    }

    fn spec(holdout: Option<usize>) -> ModelSpec {
        ModelSpec { holdout_cohorts: holdout, ..ModelSpec::default() }
    }

    #[test]
    fn the_holdout_is_the_latest_mature_cohort() {
        let jan_1_2024 = 19_723;
        // Leads up to 2024-11-10: 2024-Q4 runs until 2025-01-01, so it is not judged.
        let t = table(jan_1_2024, jan_1_2024 + 314, 0);
        let s = split(&t, &spec(None)).unwrap();
        assert_eq!(s.not_yet_judged, vec!["2024-Q4"]);
        assert_eq!(s.holdout_cohorts, vec!["2024-Q3"]);
        assert_eq!(s.training_cohorts, vec!["2024-Q1", "2024-Q2"]);
        // Leads of the last 30 days have unfinished windows: never fitted on or judged.
        assert!(s.training_rows.iter().chain(&s.holdout_rows).all(|&i| t.window_complete(i)));
        // Up to 2025-02-15, the last 90 days open: 2024-Q4's December windows end
        // before as-of, but half of its leads are open, so 2024-Q3 is still the holdout.
        let t = table(jan_1_2024, jan_1_2024 + 411, 90);
        let s = split(&t, &spec(None)).unwrap();
        assert_eq!(s.holdout_cohorts, vec!["2024-Q3"]);
        assert_eq!(s.not_yet_judged, vec!["2024-Q4", "2025-Q1"]);
        // An explicit holdout_cohorts is taken as written, with a warning naming what is unreliable.
        let s = split(&t, &spec(Some(1))).unwrap();
        assert_eq!(s.holdout_cohorts, vec!["2025-Q1"]);
        assert!(s.warnings[0].contains("2025-Q1") && s.warnings[0].contains("not mature"), "{:?}", s.warnings);
        // Nothing mature: a clear error naming the key.
        let t = table(jan_1_2024, jan_1_2024 + 411, 400);
        let e = split(&t, &spec(None)).unwrap_err().to_string();
        assert!(e.contains("min_decided_share") && e.contains("no cohort is mature"), "{e}");
    }

    #[test]
    fn a_training_window_keeps_the_latest_cohorts_before_the_holdout() {
        let jan_1_2023 = 19_358;
        // 2023-Q1 .. 2024-Q4, all mature by 2025-01-31: 2024-Q4 is held out.
        let t = table(jan_1_2023, jan_1_2023 + 730, 0);
        let t = FeatureTable { as_of: Some(crate::AsOf { at: (jan_1_2023 + 761) * 86_400, window_seconds: 30 * 86_400 }), ..t };
        let every = split(&t, &spec(None)).unwrap();
        assert_eq!(every.holdout_cohorts, vec!["2024-Q4"]);
        assert_eq!(every.training_cohorts.len(), 7);
        assert!(every.before_window.is_empty());
        let window = split(&t, &ModelSpec { training_cohorts: Some(3), ..spec(None) }).unwrap();
        assert_eq!(window.holdout_cohorts, every.holdout_cohorts);
        assert_eq!(window.training_cohorts, vec!["2024-Q1", "2024-Q2", "2024-Q3"]);
        assert_eq!(window.before_window, vec!["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]);
        // Only the window's rows train; the holdout's are the same.
        let index = t.cohort_index();
        assert!(window.training_rows.iter().all(|&i| window.training_cohorts.contains(&index.labels[index.of_row[i] as usize])));
        assert_eq!(window.training_rows, every.training_rows.iter().copied().filter(|i| window.training_rows.contains(i)).collect::<Vec<_>>());
        assert_eq!(window.holdout_rows, every.holdout_rows);
        // A window as wide as the training cohorts, or wider, leaves nothing out.
        for n in [7, 20] {
            let wide = split(&t, &ModelSpec { training_cohorts: Some(n), ..spec(None) }).unwrap();
            assert_eq!((wide.training_cohorts, wide.before_window), (every.training_cohorts.clone(), vec![]));
        }
        // With an explicit holdout too.
        let s = split(&t, &ModelSpec { training_cohorts: Some(2), ..spec(Some(2)) }).unwrap();
        assert_eq!((s.training_cohorts, s.holdout_cohorts), (vec!["2024-Q1".to_string(), "2024-Q2".into()], vec!["2024-Q3".to_string(), "2024-Q4".into()]));
        assert_eq!(
            before_window_sentence(&s.before_window, 2),
            "Older than the training window ([model] training_cohorts = 2), not fitted on: 2023-Q1 to 2023-Q4 (4 cohorts)."
        );
        assert_eq!(before_window_sentence(&["2023-Q4".to_string()], 2), "Older than the training window ([model] training_cohorts = 2), not fitted on: 2023-Q4.");
        assert_eq!(before_window_sentence(&[], 2), "");
    }

    #[test]
    fn a_split_among_cohorts_is_the_split_of_a_table_of_their_rows() {
        let jan_1_2024 = 19_723;
        // Rows out of time order (every 7th day, 412 days), so that a cohort's rows do not
        // lie together; the last 90 days open.
        let t = table(jan_1_2024, jan_1_2024 + 411, 90);
        let n = t.len();
        let order: Vec<usize> = (0..n).map(|i| i * 7 % n).collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        let t = t.select_rows(&order);
        let labels = t.cohort_index().labels;
        let mut compared = 0;
        for k in 1..labels.len() {
            let among = &labels[..=k];
            let rows = t.cohort_index().rows_in(among);
            let alone = t.select_rows(&rows);
            for spec in [spec(None), spec(Some(1)), spec(Some(k + 1))] {
                match (split_among(&t, &spec, among), split(&alone, &spec)) {
                    (Ok(ours), Ok(theirs)) => {
                        assert!(ours.training_rows.windows(2).any(|w| w[1] != w[0] + 1), "rows that lie together prove little");
                        let numbered = |sub: &[usize]| sub.iter().map(|&i| rows[i]).collect::<Vec<usize>>();
                        assert_eq!(ours.training_rows, numbered(&theirs.training_rows));
                        assert_eq!(ours.holdout_rows, numbered(&theirs.holdout_rows));
                        assert_eq!(
                            (ours.training_cohorts, ours.holdout_cohorts, ours.not_yet_judged, ours.maturity, ours.unfinished_windows, ours.warnings),
                            (theirs.training_cohorts, theirs.holdout_cohorts, theirs.not_yet_judged, theirs.maturity, theirs.unfinished_windows, theirs.warnings),
                            "{among:?} {:?}",
                            spec.holdout_cohorts
                        );
                        compared += 1;
                    }
                    (Err(ours), Err(theirs)) => assert_eq!(ours, theirs),
                    (ours, theirs) => panic!("{among:?}: {ours:?} against {theirs:?}"),
                }
            }
        }
        assert!(compared >= 6, "{compared} splits compared");
    }
}
