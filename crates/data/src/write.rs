//! Write tables for analysts' notebooks (CSV or Parquet), atomically
//! (`mqlcal_files`: a temp file in the target folder, renamed into place).

use std::path::Path;

use mqlcal_features::FeatureTable;
use mqlcal_files::WriteError;
use mqlcal_tidy::{TidyTable, Values};
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
    write_atomically(path, |file| match kind {
        FileKind::Csv => CsvWriter::new(file).include_header(true).finish(&mut formula_safe(frame)?),
        FileKind::Parquet => ParquetWriter::new(file).finish(frame).map(|_| ()),
    })
}

/// The frame with every text cell a spreadsheet would run as a formula neutralised
/// (as every CSV mqlcal writes: ids such as `=cmd|...` or `+1+1` come from the export).
fn formula_safe(frame: &DataFrame) -> PolarsResult<DataFrame> {
    let mut out = frame.clone();
    for column in frame.columns() {
        let Ok(text) = column.str() else { continue };
        if !text.iter().flatten().any(|t| matches!(mqlcal_tidy::formula_safe(t), std::borrow::Cow::Owned(_))) {
            continue;
        }
        let safe: Vec<Option<String>> = text.iter().map(|t| t.map(|t| mqlcal_tidy::formula_safe(t).into_owned())).collect();
        out.with_column(Column::new(column.name().clone(), safe))?;
    }
    Ok(out)
}

/// A tidy table as a DataFrame, column types kept (Int64, Float64, String, Boolean).
pub fn tidy_frame(table: &TidyTable) -> Result<DataFrame, DataError> {
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|c| {
            let name = c.name.as_str().into();
            match &c.values {
                Values::Int(v) => Column::new(name, v),
                Values::Float(v) => Column::new(name, v),
                Values::Text(v) => Column::new(name, v),
                Values::Bool(v) => Column::new(name, v),
            }
        })
        .collect();
    DataFrame::new(table.len(), columns)
        .map_err(|e| DataError::Config { message: format!("cannot assemble table {}: {e}", table.name) })
}

/// Write a tidy table to `path` atomically: `.csv` through [`TidyTable::to_csv`]
/// (spreadsheet-safe), `.parquet` through polars. Refuses to overwrite any of `inputs`.
pub fn write_tidy(table: &TidyTable, path: &Path, inputs: &[&Path]) -> Result<(), DataError> {
    let kind = file_kind(path)?;
    refuse_input(path, inputs)?;
    match kind {
        FileKind::Csv => {
            let text = table.to_csv();
            write_atomically(path, |file| file.write_all(text.as_bytes()).map_err(PolarsError::from))
        }
        FileKind::Parquet => {
            let mut frame = tidy_frame(table)?;
            write_atomically(path, |file| ParquetWriter::new(file).finish(&mut frame).map(|_| ()))
        }
    }
}

/// Write `path` through the one atomic writer (`mqlcal_files`): nothing half-written
/// is left behind, not even on Ctrl-C.
fn write_atomically(path: &Path, fill: impl FnOnce(&mut dyn std::io::Write) -> PolarsResult<()>) -> Result<(), DataError> {
    mqlcal_files::write_atomic_with(path, fill).map_err(|e| match e {
        WriteError::Io(failure) => DataError::io(&failure.path, failure.source),
        WriteError::Fill(e) => DataError::io(path, e),
    })
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
            return Err(DataError::Usage {
                path: path.to_path_buf(),
                message: "is an input of this run; choose another output path (mqlcal never overwrites its inputs)".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_tables_round_trip_through_parquet_and_csv() {
        let dir = tempfile::tempdir().unwrap();
        let table = TidyTable::new("t")
            .int("threshold", [Some(60), Some(50)])
            .float("conversion", [Some(0.25), None])
            .text("segment", [Some("=cmd|' /C calc'!A0"), Some("paid, search")])
            .bool("within_band", [Some(true), None]);
        let parquet = dir.path().join("t.parquet");
        write_tidy(&table, &parquet, &[]).unwrap();
        let frame = ParquetReader::new(std::fs::File::open(&parquet).unwrap()).finish().unwrap();
        assert_eq!(frame.shape(), (2, 4));
        let dtypes: Vec<DataType> = frame.dtypes();
        assert_eq!(dtypes, vec![DataType::Int64, DataType::Float64, DataType::String, DataType::Boolean]);
        let conversion: Vec<Option<f64>> = frame.column("conversion").unwrap().f64().unwrap().iter().collect();
        assert_eq!(conversion, vec![Some(0.25), None]);
        // Parquet keeps text as it is; CSV neutralises the formula.
        let segment: Vec<Option<&str>> = frame.column("segment").unwrap().str().unwrap().iter().collect();
        assert_eq!(segment[0], Some("=cmd|' /C calc'!A0"));
        let csv = dir.path().join("t.csv");
        write_tidy(&table, &csv, &[]).unwrap();
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.contains("'=cmd|' /C calc'!A0"), "{text}");
        // An input is never overwritten.
        assert!(write_tidy(&table, &csv, &[csv.as_path()]).is_err());
        // Unknown extension: a clear error.
        assert!(write_tidy(&table, &dir.path().join("t.xlsx"), &[]).unwrap_err().to_string().contains("xlsx"));
    }
}
