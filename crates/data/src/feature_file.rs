//! `[input] features`: the as-of feature table read back from a file in place of
//! the lead and event files, and `mqlcal features --grouped`, which writes it as
//! distinct patterns.
//!
//! Two shapes are read, told apart by their columns:
//! - **one row per lead**, as `mqlcal features` or `mqlcal export --sql --features`
//!   write it: the id column, `created_at`, `cohort`, `outcome`, the segment
//!   columns, the feature columns. Its as-of date is `[input] as_of`.
//! - **grouped**, as `mqlcal features --grouped` or `--sql --features --grouped`
//!   write it: `as_of`, `cohort`, `month`, `window_complete`, the segment columns,
//!   the feature columns, then `won`, `lost`, `open` (leads). Each pattern becomes
//!   up to three rows (won, lost, open) that stand for that many leads
//!   ([`Patterns`]), so fitting and backtesting cost grows with patterns, not leads.

use std::collections::HashMap;
use std::path::Path;

use mqlcal_config::Config;
use mqlcal_features::{calendar, AsOf, FeatureColumn, FeatureTable, Outcome, OutcomeCounts, Patterns, SegmentColumn};
use ndarray::Array2;
use polars::prelude::*;

use mqlcal_scorecard::{DecimalMark, ReadBy};

use crate::cells::{self, DateRule};
use crate::ingest::{IngestStats, Ingested};
use crate::read::{self, ReadNotes, Table};
use crate::DataError;

/// A grouped table's columns before the segments and after the features: one home,
/// the feature SQL's (which writes the same table in a warehouse).
use mqlcal_scorecard::export::sql::{GROUPED_COUNTS as COUNT_COLUMNS, GROUPED_LEADING};

/// Read the feature table at `path` (CSV or Parquet) as the config's signals name its columns.
pub fn read_feature_table(config: &Config, path: &Path) -> Result<Ingested, DataError> {
    let refuse = |message: String| DataError::Config { message };
    if let Some((signal, _)) = config.unresolved_auto_bins().first() {
        return Err(refuse(format!(
            "[input] features: signal {:?} has bins = \"auto\", whose edges are chosen on raw leads; write the edges the feature table used (bins = [...]) in the config",
            signal.name
        )));
    }
    // One read of every column (a feature table holds little else): its header says
    // which shape it is, and the columns that shape needs are then checked by name.
    let mut notes = ReadNotes::default();
    let file = read::read_table(path, &config.csv, None, &mut notes)?;
    let header = file.column_names();
    let grouped = COUNT_COLUMNS.iter().all(|c| header.iter().any(|h| h == c)) && !header.iter().any(|h| h == "outcome");
    let columns = FeatureColumn::all_of(config);
    let mut needed: Vec<(String, String)> = Vec::new();
    let mut need = |name: &str, why: &str| needed.push((name.to_string(), why.to_string()));
    if grouped {
        for name in GROUPED_LEADING {
            need(name, "a grouped feature table");
        }
    } else {
        need(&config.id_column, "[columns] id");
        for name in ["created_at", "cohort", "outcome"] {
            need(name, "a feature table (as mqlcal features writes it)");
        }
    }
    for segment in &config.segments {
        need(segment, "[columns] segments");
    }
    for column in &columns {
        need(&column.name, &format!("signal {}", column.signal));
    }
    if grouped {
        for name in COUNT_COLUMNS {
            need(name, "a grouped feature table");
        }
    }
    crate::csv_lint::check_repeated_names(path, &file.repeated, &needed)?;
    read::check_columns(path, &header, &needed)?;
    let rows = if grouped { grouped_rows(config, &file)? } else { lead_rows(config, &file)? };
    let as_of = match (config.as_of.or(rows.as_of), rows.created_at.iter().any(Option::is_some)) {
        (Some(at), _) => Some(AsOf { at, window_seconds: config.window_seconds() }),
        (None, false) => None,
        (None, true) => {
            return Err(refuse(format!(
                "{}: a feature table does not say when it was computed; set [input] as_of to the date its features were computed as of",
                path.display()
            )))
        }
    };
    let matrix_columns: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| feature_values(&file, &c.name, &config.csv.missing))
        .collect::<Result<_, _>>()?;
    let segments: Vec<Vec<Option<String>>> = config
        .segments
        .iter()
        .map(|s| Ok(cells::text(&file, s)?.iter().map(|v| cells::clean(v, &config.csv.missing).map(str::to_string)).collect()))
        .collect::<Result<_, DataError>>()?;

    // Rows in time order (stable), as ingest leaves them: the alpha search's folds rely on it.
    let mut order: Vec<usize> = (0..rows.source.len()).collect();
    order.sort_by_key(|&k| rows.created_at[k].unwrap_or(i64::MIN));
    let n = order.len();
    let mut matrix = Array2::<f64>::zeros((n, columns.len()));
    for (j, values) in matrix_columns.iter().enumerate() {
        for (r, &k) in order.iter().enumerate() {
            matrix[[r, j]] = values[rows.source[k]];
        }
    }
    let table = FeatureTable {
        ids: order.iter().map(|&k| rows.ids[k].clone()).collect(),
        created_at: order.iter().map(|&k| rows.created_at[k]).collect(),
        cohorts: order.iter().map(|&k| rows.cohorts[k].clone()).collect(),
        outcomes: order.iter().map(|&k| rows.outcomes[k]).collect(),
        segments: config
            .segments
            .iter()
            .zip(&segments)
            .map(|(name, values)| SegmentColumn { name: name.clone(), values: order.iter().map(|&k| values[rows.source[k]].clone()).collect() })
            .collect(),
        columns,
        matrix,
        as_of,
        patterns: rows.patterns.map(|(leads, window_complete)| Patterns {
            leads: order.iter().map(|&k| leads[k]).collect(),
            window_complete: order.iter().map(|&k| window_complete[k]).collect(),
        }),
    };
    let mut stats = IngestStats { files: vec![path.to_path_buf()], rows_read: file.height(), as_of: as_of.map(|a| a.at), ..Default::default() };
    stats.warnings = notes.warnings;
    if table.is_grouped() {
        stats.warnings.push(format!(
            "{}: {} leads in {} feature patterns ({:.1} leads a pattern); lead ids are pattern numbers",
            path.display(),
            table.outcome_counts().total(),
            file.height(),
            table.outcome_counts().total() as f64 / file.height().max(1) as f64
        ));
    }
    Ok(Ingested { table, stats, auto_bins: vec![], created_layout: None, lead_tables: vec![], quality: None })
}

/// A feature column's values; a blank or unreadable cell is an error naming it. (A
/// feature table is what `mqlcal features` or the feature SQL wrote: numbers with '.',
/// whatever `[input] decimal` says of the leads files.)
fn feature_values(file: &Table, column: &str, missing: &[String]) -> Result<Vec<f64>, DataError> {
    cells::numbers(file, column, missing, (DecimalMark::Point, ReadBy::Config))?
        .into_iter()
        .enumerate()
        .map(|(row, v)| {
            v.filter(|v| v.is_finite()).ok_or_else(|| DataError::Cell {
                line: None,
                path: file.path.clone(),
                row: row + 1,
                column: column.into(),
                message: "is blank or not finite: expected the feature's value (a feature table has no blanks; recompute it)".into(),
            })
        })
        .collect()
}

/// The rows of the table before sorting: per row, the file row its features come from.
struct Rows {
    source: Vec<usize>,
    ids: Vec<String>,
    created_at: Vec<Option<i64>>,
    cohorts: Vec<String>,
    outcomes: Vec<Outcome>,
    /// Grouped tables: leads per row and whether their windows were complete.
    patterns: Option<(Vec<u64>, Vec<bool>)>,
    /// The as-of date a grouped table records.
    as_of: Option<i64>,
}

/// One row per lead, as `mqlcal features` writes it.
fn lead_rows(config: &Config, file: &Table) -> Result<Rows, DataError> {
    let missing = &config.csv.missing;
    let ids: Vec<String> = cells::text(file, &config.id_column)?.iter().map(|v| v.unwrap_or_default().to_string()).collect();
    let created_at = cells::timestamps(file, "created_at", &DateRule::configured(&mqlcal_config::DateFormat::Auto), missing)?.values;
    let cohorts = texts(file, "cohort", missing)?;
    let outcomes = cells::text(file, "outcome")?
        .iter()
        .enumerate()
        .map(|(row, v)| match v.map(str::trim) {
            Some("won") => Ok(Outcome::Won),
            Some("lost") => Ok(Outcome::Lost),
            Some("open") => Ok(Outcome::Open),
            other => Err(DataError::Cell {
                line: None,
                path: file.path.clone(),
                row: row + 1,
                column: "outcome".into(),
                message: format!("{:?}: expected won, lost or open (as mqlcal features writes it)", other.unwrap_or("")),
            }),
        })
        .collect::<Result<_, _>>()?;
    Ok(Rows { source: (0..ids.len()).collect(), ids, created_at, cohorts, outcomes, patterns: None, as_of: None })
}

/// Grouped patterns: each becomes a won, a lost and an open row (those with leads).
fn grouped_rows(config: &Config, file: &Table) -> Result<Rows, DataError> {
    let missing = &config.csv.missing;
    let cell = |row: usize, column: &str, message: String| DataError::Cell { line: None, path: file.path.clone(), row: row + 1, column: column.into(), message };
    let [as_of_column, cohort_column, month_column, window_column] = GROUPED_LEADING;
    let as_of_text = texts(file, as_of_column, missing)?;
    let mut as_of = None;
    for (row, text) in as_of_text.iter().enumerate() {
        let at = mqlcal_scorecard::DateLayout::Iso
            .parse(text)
            .ok_or_else(|| cell(row, as_of_column, format!("{text:?}: expected the as-of timestamp, YYYY-MM-DD HH:MM:SS")))?;
        match as_of {
            None => as_of = Some(at),
            Some(first) if first != at => return Err(cell(row, as_of_column, format!("{text:?} differs from the first row's: a grouped table has one as-of date"))),
            Some(_) => {}
        }
    }
    let cohorts = texts(file, cohort_column, missing)?;
    let months: Vec<Option<i64>> = cells::text(file, month_column)?
        .iter()
        .enumerate()
        .map(|(row, v)| match cells::clean(v, missing) {
            None => Ok(None),
            Some(text) => month_start(text).map(Some).ok_or_else(|| cell(row, month_column, format!("{text:?}: expected the creation month, YYYY-MM"))),
        })
        .collect::<Result<_, _>>()?;
    let flags = counts(file, window_column, missing)?;
    let counts: Vec<Vec<u64>> = COUNT_COLUMNS.iter().map(|c| counts(file, c, missing)).collect::<Result<_, _>>()?;
    let mut rows = Rows { source: vec![], ids: vec![], created_at: vec![], cohorts: vec![], outcomes: vec![], patterns: Some((vec![], vec![])), as_of };
    for k in 0..file.height() {
        let complete = match flags[k] {
            0 => false,
            1 => true,
            other => return Err(cell(k, window_column, format!("{other}: expected 1 (the leads' windows had ended) or 0"))),
        };
        for (outcome, column) in [Outcome::Won, Outcome::Lost, Outcome::Open].into_iter().zip(&counts) {
            if column[k] == 0 {
                continue;
            }
            rows.source.push(k);
            rows.ids.push(format!("pattern {}", k + 1));
            rows.created_at.push(months[k]);
            rows.cohorts.push(cohorts[k].clone());
            rows.outcomes.push(outcome);
            if let Some((leads, window_complete)) = &mut rows.patterns {
                leads.push(column[k]);
                window_complete.push(complete);
            }
        }
    }
    Ok(rows)
}

/// A text column without blanks.
fn texts(file: &Table, column: &str, missing: &[String]) -> Result<Vec<String>, DataError> {
    cells::text(file, column)?
        .iter()
        .enumerate()
        .map(|(row, v)| {
            cells::clean(v, missing).map(str::to_string).ok_or_else(|| DataError::Cell {
                line: None,
                path: file.path.clone(),
                row: row + 1,
                column: column.into(),
                message: "is blank: expected a value in every row".into(),
            })
        })
        .collect()
}

/// A column of whole, non-negative numbers (lead counts, 0/1 flags).
fn counts(file: &Table, column: &str, missing: &[String]) -> Result<Vec<u64>, DataError> {
    cells::numbers(file, column, missing, (DecimalMark::Point, ReadBy::Config))?
        .into_iter()
        .enumerate()
        .map(|(row, v)| match v {
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 9e15 => Ok(v as u64),
            other => Err(DataError::Cell {
                line: None,
                path: file.path.clone(),
                row: row + 1,
                column: column.into(),
                message: format!("{}: expected a whole number of at least 0", other.map_or("blank".into(), |v| v.to_string())),
            }),
        })
        .collect()
}

/// The first second of a `YYYY-MM` month.
fn month_start(text: &str) -> Option<i64> {
    let (year, month) = text.trim().split_once('-')?;
    let (year, month): (i32, i32) = (year.parse().ok()?, month.parse().ok()?);
    ((1..=9999).contains(&year) && (1..=12).contains(&month)).then(|| calendar::first_day_of_month(year * 12 + month - 1) * 86_400)
}

/// The feature table as distinct patterns per cohort, creation month, window
/// completeness and segment, with their won, lost and open leads (the grouped shape
/// `[input] features` reads), in order of first appearance.
pub fn grouped_frame(table: &FeatureTable) -> Result<DataFrame, DataError> {
    let as_of = table.as_of.map(|a| calendar::format_timestamp(a.at));
    let month = |i: usize| table.created_at[i].map(|t| calendar::month_label(calendar::month_of(t)));
    let mut index: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut first: Vec<usize> = Vec::new();
    let mut tallies: Vec<OutcomeCounts> = Vec::new();
    let mut segment_codes: Vec<HashMap<Option<&str>, u64>> = vec![HashMap::new(); table.segments.len()];
    let mut cohort_codes: HashMap<&str, u64> = HashMap::new();
    for i in 0..table.len() {
        let mut key = Vec::with_capacity(3 + table.segments.len() + table.columns.len());
        let fresh = cohort_codes.len() as u64;
        key.push(*cohort_codes.entry(table.cohorts[i].as_str()).or_insert(fresh));
        key.push(table.created_at[i].map_or(u64::MAX, |t| calendar::month_of(t) as i64 as u64));
        key.push(u64::from(table.window_complete(i)));
        for (codes, segment) in segment_codes.iter_mut().zip(&table.segments) {
            let fresh = codes.len() as u64;
            key.push(*codes.entry(segment.values[i].as_deref()).or_insert(fresh));
        }
        // -0.0 and 0.0 are one value.
        key.extend(table.matrix.row(i).iter().map(|&v| (v + 0.0).to_bits()));
        let k = *index.entry(key).or_insert_with(|| {
            first.push(i);
            tallies.push(OutcomeCounts::default());
            first.len() - 1
        });
        tallies[k].add(table.outcomes[i], table.leads_at(i) as usize);
    }
    let mut columns: Vec<Column> = Vec::with_capacity(4 + table.segments.len() + table.columns.len() + 3);
    let [as_of_column, cohort_column, month_column, window_column] = GROUPED_LEADING;
    columns.push(Column::new(as_of_column.into(), first.iter().map(|_| as_of.clone()).collect::<Vec<_>>()));
    columns.push(Column::new(cohort_column.into(), first.iter().map(|&i| table.cohorts[i].clone()).collect::<Vec<_>>()));
    columns.push(Column::new(month_column.into(), first.iter().map(|&i| month(i)).collect::<Vec<_>>()));
    columns.push(Column::new(window_column.into(), first.iter().map(|&i| i64::from(table.window_complete(i))).collect::<Vec<_>>()));
    for segment in &table.segments {
        columns.push(Column::new(segment.name.as_str().into(), first.iter().map(|&i| segment.values[i].clone()).collect::<Vec<_>>()));
    }
    for (j, column) in table.columns.iter().enumerate() {
        columns.push(Column::new(column.name.as_str().into(), first.iter().map(|&i| table.matrix[[i, j]]).collect::<Vec<f64>>()));
    }
    let [won, lost, open] = COUNT_COLUMNS;
    for (name, outcome) in [(won, Outcome::Won), (lost, Outcome::Lost), (open, Outcome::Open)] {
        columns.push(Column::new(name.into(), tallies.iter().map(|t| t.get(outcome) as i64).collect::<Vec<_>>()));
    }
    DataFrame::new(first.len(), columns).map_err(|e| DataError::Config { message: format!("cannot assemble the grouped feature table: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_to_their_first_second() {
        assert_eq!(month_start("2024-03"), Some(calendar::first_day_of_month(2024 * 12 + 2) * 86_400));
        assert_eq!(month_start("2024-13"), None);
        assert_eq!(month_start("March"), None);
        assert_eq!(month_start("999999999-01"), None);
    }
}
