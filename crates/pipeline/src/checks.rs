//! Cheap checks: everything that can fail without reading the data (settings,
//! output paths, `--force`), run before ingest so a mistake costs no waiting.

use std::path::{Path, PathBuf};

use anyhow::bail;
use mqlcal_config::Config;

/// A threshold recommendation needs `[sales]` capacity (backtest, report, recalibrate).
/// (The target conversion band and the other `[sales]` settings are checked when the config loads.)
pub fn capacity(config: &Config) -> anyhow::Result<()> {
    if config.sales.capacity_per_month.is_none() {
        return Err(mqlcal_backtest::BacktestError::NoCapacity.into());
    }
    Ok(())
}

/// A backtest holds out later cohorts: leads read without creation dates are all one
/// cohort ("all"), so it is refused before the data is read and a fit is spent on it.
pub fn cohorts(config: &Config) -> anyhow::Result<()> {
    if config.created_at_column.is_none() && config.feature_table.is_none() {
        return Err(mqlcal_backtest::BacktestError::NoCohorts.into());
    }
    Ok(())
}

/// A file to write: not a folder, and not one of the inputs.
pub fn output_file(path: &Path, input_refs: &[&Path]) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("{} is a folder: name a file to write", path.display());
    }
    Ok(mqlcal_data::refuse_input(path, input_refs)?)
}

/// A table to write: a CSV or Parquet name, and an [`output_file`].
pub fn table_file(path: &Path, input_refs: &[&Path]) -> anyhow::Result<()> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !matches!(extension.as_str(), "csv" | "tsv" | "txt" | "parquet" | "pq") {
        return Err(mqlcal_data::DataError::UnsupportedFormat { path: path.to_path_buf(), extension }.into());
    }
    output_file(path, input_refs)
}

/// A folder to write `names` into: not an existing file, and none of the files an input.
pub fn output_dir<S: AsRef<str>>(dir: &Path, names: impl IntoIterator<Item = S>, input_refs: &[&Path]) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("{} exists and is not a directory; choose another --out", dir.display());
    }
    for name in names {
        mqlcal_data::refuse_input(&dir.join(name.as_ref()), input_refs)?;
    }
    Ok(())
}

/// The files the backtest writes into its folder (tables, backtest.json, model.json).
pub fn backtest_files() -> Vec<String> {
    let tables = mqlcal_backtest::TABLE_NAMES.iter().flat_map(|t| [format!("{t}.csv"), format!("{t}.parquet")]);
    tables.chain(["backtest.json".to_string(), "model.json".to_string()]).collect()
}

/// The report's documents (its charts are checked as they are written).
pub const REPORT_FILES: [&str; 4] = ["report.html", "report.md", "report.pdf", "swaps.csv"];

/// A run directory: refused when it exists without `--force`, and always when it
/// holds an input (a run directory is replaced as a whole: that would delete the data).
pub fn run_target(out: &Path, input_refs: &[&Path], force: bool) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("{} exists and is not a directory; choose another --out", out.display());
    }
    let out_abs = absolute(out);
    for input in input_refs {
        if absolute(input).starts_with(&out_abs) {
            bail!(
                "the run directory {} contains the input {}: choose another --out (a run directory is replaced as a whole)",
                out.display(),
                input.display()
            );
        }
    }
    if out.exists() && !force {
        bail!("{} already exists: pass --force to replace it, or choose another --out", out.display());
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_targets_are_refused_over_inputs_files_and_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("crm");
        std::fs::create_dir(&data).unwrap();
        let leads = data.join("leads.csv");
        std::fs::write(&leads, "id\n").unwrap();
        let inputs = [leads.as_path()];
        let err = run_target(&data, &inputs, true).unwrap_err().to_string();
        assert!(err.contains("contains the input"), "{err}");
        let err = run_target(dir.path(), &inputs, true).unwrap_err().to_string();
        assert!(err.contains("contains the input"), "{err}");
        let err = run_target(&leads, &inputs, true).unwrap_err().to_string();
        assert!(err.contains("is not a directory"), "{err}");

        let run = dir.path().join("run");
        run_target(&run, &inputs, false).unwrap();
        std::fs::create_dir(&run).unwrap();
        let err = run_target(&run, &inputs, false).unwrap_err().to_string();
        assert!(err.contains("already exists: pass --force"), "{err}");
        run_target(&run, &inputs, true).unwrap();
    }

    #[test]
    fn output_files_and_folders_never_overwrite_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let leads = dir.path().join("thresholds.csv");
        std::fs::write(&leads, "id\n").unwrap();
        let inputs = [leads.as_path()];
        assert!(output_file(&leads, &inputs).unwrap_err().to_string().contains("is an input of this run"));
        assert!(output_file(dir.path(), &inputs).unwrap_err().to_string().contains("is a folder"));
        output_file(&dir.path().join("model.json"), &inputs).unwrap();

        assert!(table_file(&dir.path().join("f.xlsx"), &inputs).unwrap_err().to_string().contains("unsupported file type \"xlsx\""));
        assert!(table_file(&leads, &inputs).unwrap_err().to_string().contains("is an input"));
        table_file(&dir.path().join("f.Parquet"), &inputs).unwrap();

        // The backtest writes thresholds.csv into its folder: not beside this input.
        assert!(output_dir(dir.path(), backtest_files(), &inputs).unwrap_err().to_string().contains("is an input"));
        output_dir(dir.path(), REPORT_FILES, &inputs).unwrap();
        assert!(output_dir(&leads, REPORT_FILES, &inputs).unwrap_err().to_string().contains("is not a directory"));
    }
}
