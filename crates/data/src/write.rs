//! Write tables for analysts' notebooks (CSV or Parquet), atomically:
//! a temp file in the target folder, renamed into place.

use std::path::Path;

use mqlcal_features::FeatureTable;
use polars::prelude::*;

use crate::read::{file_kind, FileKind};
use crate::DataError;

/// The feature table as a DataFrame: lead_id, created_at, cohort, outcome, segments, then one column per signal.
pub fn feature_frame(table: &FeatureTable, id_column: &str) -> Result<DataFrame, DataError> {
    let n = table.len();
    let mut columns: Vec<Column> = Vec::with_capacity(4 + table.segments.len() + table.columns.len());
    columns.push(Column::new(id_column.into(), &table.ids));
    // A real datetime column, so notebooks get a typed timestamp from Parquet.
    let created_ms: Vec<Option<i64>> = table.created_at.iter().map(|t| t.map(|s| s * 1000)).collect();
    let created = Column::new("created_at".into(), created_ms)
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .map_err(|e| DataError::Config { message: format!("cannot assemble created_at: {e}") })?;
    columns.push(created);
    columns.push(Column::new("cohort".into(), &table.cohorts));
    let outcomes: Vec<&str> = table.outcomes.iter().map(|o| o.as_str()).collect();
    columns.push(Column::new("outcome".into(), outcomes));
    for segment in &table.segments {
        columns.push(Column::new(segment.name.as_str().into(), &segment.values));
    }
    for (j, column) in table.columns.iter().enumerate() {
        let values: Vec<f64> = table.matrix.column(j).iter().copied().collect();
        columns.push(Column::new(column.name.as_str().into(), values));
    }
    DataFrame::new(n, columns).map_err(|e| DataError::Config { message: format!("cannot assemble the feature table: {e}") })
}

/// Write a frame to `path` (.csv or .parquet) atomically. Refuses to overwrite any of `inputs`.
pub fn write_frame(frame: &mut DataFrame, path: &Path, inputs: &[&Path]) -> Result<(), DataError> {
    let kind = file_kind(path)?;
    refuse_input(path, inputs)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| DataError::io(&dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mqlcal-")
        .tempfile_in(&dir)
        .map_err(|e| DataError::io(&dir, e))?;
    let result = match kind {
        FileKind::Csv => CsvWriter::new(tmp.as_file_mut()).include_header(true).finish(frame),
        FileKind::Parquet => ParquetWriter::new(tmp.as_file_mut()).finish(frame).map(|_| ()),
    };
    result.map_err(|e| DataError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| DataError::io(path, e))?;
    tmp.persist(path).map_err(|e| DataError::io(path, e.error))?;
    Ok(())
}

/// Error when `path` is one of the inputs (never overwrite an input).
pub fn refuse_input(path: &Path, inputs: &[&Path]) -> Result<(), DataError> {
    let target = std::fs::canonicalize(path).ok();
    for input in inputs {
        let same = match (&target, std::fs::canonicalize(input).ok()) {
            (Some(a), Some(b)) => *a == b,
            _ => false,
        };
        if same {
            return Err(DataError::file(path, "is an input of this run; choose another output path (mqlcal never overwrites its inputs)"));
        }
    }
    Ok(())
}
