//! The as-of feature table: one row per lead, the signal matrix every later
//! stage (fit, backtest, report) consumes, with the lead's id, creation time,
//! cohort, outcome and segment values beside it.
//!
//! Row order: leads sorted by creation time (stable: ties and leads without a
//! date keep their file order). No polars here, so fitting and backtesting
//! crates build fast.

pub mod binning;
pub mod calendar;
pub mod maturity;
pub mod memory;
pub mod split;

pub use maturity::{AsOf, CohortMaturity};

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// The fate of a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Won,
    Lost,
    /// Not yet decided: never used for fitting, still counted as volume.
    Open,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Won => "won",
            Outcome::Lost => "lost",
            Outcome::Open => "open",
        }
    }
}

pub use mqlcal_config::Axis;

/// One column of the signal matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureColumn {
    /// Column name: the signal name, or `signal=level` for a level or bin.
    pub name: String,
    /// The config signal it comes from.
    pub signal: String,
    /// The level or bin, for categorical and binned signals.
    pub level: Option<String>,
    pub axis: Axis,
}

impl FeatureColumn {
    /// The feature columns the config's signals compile to, in order (one per recipe).
    pub fn all_of(config: &mqlcal_config::Config) -> Vec<FeatureColumn> {
        let mut columns = Vec::new();
        for signal in &config.signals {
            for ((name, _), level) in signal.recipes().into_iter().zip(signal.feature_levels()) {
                columns.push(FeatureColumn { name, signal: signal.name.clone(), level, axis: signal.axis });
            }
        }
        columns
    }
}

/// A segment column (e.g. channel), kept as text for breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentColumn {
    pub name: String,
    /// One value per row; None for blank.
    pub values: Vec<Option<String>>,
}

/// The feature table. All per-row vectors have `len()` entries.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureTable {
    pub ids: Vec<String>,
    /// Creation time as seconds since 1970-01-01 (UTC, naive); None without a date column.
    pub created_at: Vec<Option<i64>>,
    /// Cohort label per row ("2024-Q1", "2024-03" or "all").
    pub cohorts: Vec<String>,
    pub outcomes: Vec<Outcome>,
    pub segments: Vec<SegmentColumn>,
    pub columns: Vec<FeatureColumn>,
    /// Rows = leads, columns = `columns`.
    pub matrix: Array2<f64>,
    /// The export's as-of date and the engagement window (None without dates).
    pub as_of: Option<AsOf>,
    /// When each row is a feature pattern standing for several leads (a grouped
    /// table, `[input] features`): how many, and whether their windows had ended.
    /// None: one row per lead.
    pub patterns: Option<Patterns>,
}

/// Every row's cohort as a number ([`FeatureTable::cohort_index`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortIndex {
    /// The distinct cohort labels, in time order.
    pub labels: Vec<String>,
    /// `labels[of_row[i] as usize]` is row i's cohort.
    pub of_row: Vec<u32>,
}

impl CohortIndex {
    /// The rows in any of `cohorts`, ascending.
    pub fn rows_in(&self, cohorts: &[String]) -> Vec<usize> {
        let wanted: Vec<bool> = self.labels.iter().map(|label| cohorts.contains(label)).collect();
        (0..self.of_row.len()).filter(|&i| wanted[self.of_row[i] as usize]).collect()
    }
}

/// What a grouped table says about its rows beside the features: every count,
/// sum and resample downstream counts a row `leads[i]` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    /// Leads the row stands for (at least 1).
    pub leads: Vec<u64>,
    /// Whether their engagement windows had ended by the as-of date (a grouped
    /// table keeps creation months, not times, so it says so itself).
    pub window_complete: Vec<bool>,
}

/// Rows per piece of [`for_each_row`]'s work.
const PIECE_ROWS: usize = 4096;

/// `f(i, row)` for every row `i` of `values`, a row-major matrix of `p` columns, in
/// pieces on every core: each row is its own, so the order does not matter. Tables of
/// a million leads are built, copied and centred this way (and a fit's byte rows taken).
pub fn for_each_row<T: Send>(values: &mut [T], p: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    use rayon::prelude::*;
    if p > 0 {
        values.par_chunks_mut(p * PIECE_ROWS).enumerate().for_each(|(piece, rows)| {
            for (k, row) in rows.chunks_exact_mut(p).enumerate() {
                f(piece * PIECE_ROWS + k, row);
            }
        });
    }
}

/// An `n` × `p` row-major matrix whose row `i` is written by `fill(i, row)` ([`for_each_row`]).
pub fn rows_filled(n: usize, p: usize, fill: impl Fn(usize, &mut [f64]) + Sync) -> Result<Array2<f64>, ndarray::ShapeError> {
    let mut values = vec![0.0; n * p];
    for_each_row(&mut values, p, fill);
    Array2::from_shape_vec((n, p), values)
}

/// The rows `rows` (all when None, in the order given) and the columns `columns` of `x`,
/// copied into a new row-major matrix on every core. The walk-forward's sub-tables and
/// the fit's kept columns are copies of up to a million rows.
pub fn gather(x: ArrayView2<f64>, rows: Option<&[usize]>, columns: &[usize]) -> Result<Array2<f64>, ndarray::ShapeError> {
    let n = rows.map_or(x.nrows(), <[usize]>::len);
    rows_filled(n, columns.len(), |i, out| {
        let row = x.row(rows.map_or(i, |r| r[i]));
        for (o, &j) in out.iter_mut().zip(columns) {
            *o = row[j];
        }
    })
}

impl FeatureTable {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    pub fn matrix(&self) -> ArrayView2<'_, f64> {
        self.matrix.view()
    }

    /// No lead has a creation date: every lead is in the one cohort "all", so nothing
    /// later can be held out, walked forward to or choose a penalty on.
    pub fn undated(&self) -> bool {
        self.created_at.iter().all(Option::is_none)
    }

    /// Distinct cohort labels in time order (labels sort chronologically by construction).
    pub fn cohort_labels(&self) -> Vec<String> {
        self.cohort_index().labels
    }

    /// Every row's cohort as a number: the distinct labels in time order, and each row's
    /// among them. What per-row work by cohort reads, instead of comparing labels.
    pub fn cohort_index(&self) -> CohortIndex {
        // Rows come in runs of one cohort (exports are mostly in time order): a row's label
        // is compared with the row before it, and looked up only where the cohort changes.
        let mut numbered: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut first_seen: Vec<&str> = Vec::new();
        let mut of_row = Vec::with_capacity(self.cohorts.len());
        let mut last: Option<(&str, u32)> = None;
        for cohort in &self.cohorts {
            let k = match last {
                Some((label, k)) if label == cohort.as_str() => k,
                _ => {
                    let k = *numbered.entry(cohort.as_str()).or_insert_with(|| {
                        first_seen.push(cohort.as_str());
                        (first_seen.len() - 1) as u32
                    });
                    last = Some((cohort.as_str(), k));
                    k
                }
            };
            of_row.push(k);
        }
        // Renumber in time order.
        let mut order: Vec<u32> = (0..first_seen.len() as u32).collect();
        order.sort_by_key(|&k| first_seen[k as usize]);
        let mut rank = vec![0u32; first_seen.len()];
        for (r, &k) in order.iter().enumerate() {
            rank[k as usize] = r as u32;
        }
        of_row.iter_mut().for_each(|k| *k = rank[*k as usize]);
        CohortIndex { labels: order.iter().map(|&k| first_seen[k as usize].to_string()).collect(), of_row }
    }

    /// Counts of won, lost and open leads.
    pub fn outcome_counts(&self) -> OutcomeCounts {
        let mut counts = OutcomeCounts::default();
        for (i, &outcome) in self.outcomes.iter().enumerate() {
            counts.add(outcome, self.leads_at(i) as usize);
        }
        counts
    }

    /// Leads row `i` stands for: 1, or a grouped row's count.
    pub fn leads_at(&self, i: usize) -> u64 {
        self.patterns.as_ref().map_or(1, |p| p.leads[i])
    }

    /// Leads of `rows` together.
    pub fn leads_in(&self, rows: &[usize]) -> u64 {
        match &self.patterns {
            None => rows.len() as u64,
            Some(p) => rows.iter().map(|&i| p.leads[i]).sum(),
        }
    }

    /// Each of `rows`' lead count as a fitting weight; None when every row is one lead
    /// (the unweighted fit, bit for bit).
    pub fn weights_of(&self, rows: &[usize]) -> Option<Vec<f64>> {
        self.patterns.as_ref().map(|p| rows.iter().map(|&i| p.leads[i] as f64).collect())
    }

    /// Whether rows stand for several leads each (a grouped table).
    pub fn is_grouped(&self) -> bool {
        self.patterns.is_some()
    }

    /// A new table with only `rows`, in the order given.
    pub fn select_rows(&self, rows: &[usize]) -> FeatureTable {
        use rayon::prelude::*;
        // Copies on every core: the walk-forward takes a sub-table of up to every lead per step.
        let pick = |v: &[String]| rows.par_iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        FeatureTable {
            ids: pick(&self.ids),
            created_at: rows.iter().map(|&i| self.created_at[i]).collect(),
            cohorts: pick(&self.cohorts),
            outcomes: rows.iter().map(|&i| self.outcomes[i]).collect(),
            segments: self
                .segments
                .iter()
                .map(|s| SegmentColumn { name: s.name.clone(), values: rows.par_iter().map(|&i| s.values[i].clone()).collect() })
                .collect(),
            columns: self.columns.clone(),
            matrix: gather(self.matrix.view(), Some(rows), &(0..self.matrix.ncols()).collect::<Vec<_>>())
                .unwrap_or_else(|_| self.matrix.select(ndarray::Axis(0), rows)),
            as_of: self.as_of,
            patterns: self.patterns.as_ref().map(|p| Patterns {
                leads: rows.iter().map(|&i| p.leads[i]).collect(),
                window_complete: rows.iter().map(|&i| p.window_complete[i]).collect(),
            }),
        }
    }

    /// Indices of the decided (won or lost) rows: the only rows a fit may use.
    pub fn decided_rows(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.outcomes[i] != Outcome::Open)
            .collect()
    }
}

/// Won / lost / open tallies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub won: usize,
    pub lost: usize,
    pub open: usize,
}

impl OutcomeCounts {
    pub fn of(outcomes: impl IntoIterator<Item = Outcome>) -> Self {
        let mut counts = OutcomeCounts::default();
        for outcome in outcomes {
            counts.add(outcome, 1);
        }
        counts
    }

    /// Leads of `outcome`.
    pub fn get(&self, outcome: Outcome) -> usize {
        match outcome {
            Outcome::Won => self.won,
            Outcome::Lost => self.lost,
            Outcome::Open => self.open,
        }
    }

    /// Count `leads` more leads of `outcome`.
    pub fn add(&mut self, outcome: Outcome, leads: usize) {
        match outcome {
            Outcome::Won => self.won += leads,
            Outcome::Lost => self.lost += leads,
            Outcome::Open => self.open += leads,
        }
    }

    pub fn total(&self) -> usize {
        self.won + self.lost + self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_each_row_gives_every_row_its_own_index_across_pieces() {
        let (n, p) = (2 * PIECE_ROWS + 7, 3);
        let mut values = vec![0.0; n * p];
        for_each_row(&mut values, p, |i, row| row.iter_mut().enumerate().for_each(|(j, v)| *v += (i * p + j) as f64));
        assert!(values.iter().enumerate().all(|(k, &v)| v == k as f64));
        for_each_row::<f64>(&mut [], 0, |_, _| panic!("no columns, no rows to visit"));
    }

    #[test]
    fn gather_copies_what_select_copies() {
        let matrix = Array2::from_shape_fn((10_000, 3), |(i, j)| (i * 3 + j) as f64 / 7.0);
        // More rows than one piece, out of order, repeated; columns out of order.
        let rows: Vec<usize> = (0..9000).map(|k| (k * 7919) % 10_000).chain([5, 5, 0]).collect();
        let all = [0, 1, 2];
        assert_eq!(gather(matrix.view(), Some(&rows), &all).unwrap(), matrix.select(ndarray::Axis(0), &rows));
        assert_eq!(gather(matrix.view(), None, &[2, 0]).unwrap(), matrix.select(ndarray::Axis(1), &[2, 0]));
        assert_eq!(gather(Array2::zeros((4, 0)).view(), Some(&[1, 2]), &[]).unwrap().dim(), (2, 0));
    }

    #[test]
    fn counts_and_decided_rows() {
        let table = FeatureTable {
            ids: vec!["a".into(), "b".into(), "c".into()],
            created_at: vec![None; 3],
            cohorts: vec!["2024-Q2".into(), "2024-Q1".into(), "2024-Q2".into()],
            outcomes: vec![Outcome::Won, Outcome::Open, Outcome::Lost],
            segments: vec![],
            columns: vec![],
            matrix: Array2::zeros((3, 0)),
            as_of: None,
            patterns: None,
        };
        assert_eq!(table.outcome_counts(), OutcomeCounts { won: 1, lost: 1, open: 1 });
        assert_eq!(table.decided_rows(), vec![0, 2]);
        assert_eq!(table.cohort_labels(), vec!["2024-Q1", "2024-Q2"]);
    }

    /// The cohort index numbers rows as comparing their labels does: runs, rows out of
    /// time order, a label that comes back after others, an empty table.
    #[test]
    fn cohort_index_numbers_rows_as_their_labels_sort() {
        let labels = ["2024-Q3", "2023-Q4", "2024-Q1", "2024-Q1", "2024-Q1", "2023-Q4", "2024-Q3", "2024-10", "2024-Q1"];
        for n in [0usize, 1, 2, labels.len(), 1000] {
            let cohorts: Vec<String> = (0..n).map(|i| labels[(i * i / 3 + i / 5) % labels.len()].to_string()).collect();
            let table = FeatureTable {
                ids: (0..n).map(|i| i.to_string()).collect(),
                created_at: vec![None; n],
                cohorts: cohorts.clone(),
                outcomes: vec![Outcome::Open; n],
                segments: vec![],
                columns: vec![],
                matrix: Array2::zeros((n, 0)),
                as_of: None,
                patterns: None,
            };
            let index = table.cohort_index();
            let sorted: Vec<String> = cohorts.iter().cloned().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            assert_eq!(index.labels, sorted, "{n} rows");
            assert!(cohorts.iter().zip(&index.of_row).all(|(c, &k)| index.labels[k as usize] == *c), "{n} rows");
            for wanted in [vec![], vec!["2024-Q1".to_string()], vec!["2023-Q4".to_string(), "2024-10".to_string(), "none".to_string()]] {
                let by_label: Vec<usize> = (0..n).filter(|&i| wanted.contains(&cohorts[i])).collect();
                assert_eq!(index.rows_in(&wanted), by_label, "{n} rows, {wanted:?}");
            }
        }
    }
}
