//! Two models on the same holdout, each at its own threshold: volume,
//! conversion, wins captured, and the leads that swap in and out.

use std::path::{Path, PathBuf};

use anyhow::Context;
use mqlcal_backtest::Comparison;
use mqlcal_config::Config;

use crate::{Ingested, ModelFile};

/// The comparison and the holdout it was made on.
pub struct Compared {
    pub comparison: Comparison,
    pub holdout_cohorts: Vec<String>,
    /// Complete months the volume is measured over.
    pub months: usize,
}

/// A model read from a file, with the name shown for it.
pub struct Named<'a> {
    pub file: &'a ModelFile,
    pub name: &'a str,
}

/// The files [`write_comparison`] writes into its folder.
pub const FILES: [&str; 2] = ["comparison.csv", "comparison.parquet"];

/// Score the holdout cohort(s) of the ingested data with `current` and `candidate`.
pub fn compare(config: &Config, ingested: &Ingested, current: Named, candidate: Named) -> anyhow::Result<Compared> {
    let table = &ingested.table;
    let current_model = current.file.model(table)?;
    let candidate_model = candidate.file.model(table)?;
    let split = mqlcal_fit::split(table, &config.model)?;
    anyhow::ensure!(
        !split.holdout_cohorts.is_empty(),
        "no holdout cohort to compare on: the data has {} cohort(s); set [model] holdout_cohorts = 1",
        table.cohort_labels().len()
    );
    let judged = mqlcal_backtest::judged_rows(table, &split.holdout_cohorts, &split.not_yet_judged);
    let z = mqlcal_metrics::normal_quantile(0.5 + config.backtest.confidence / 2.0);
    let comparison = mqlcal_backtest::compare(&current_model, current.name, &candidate_model, candidate.name, table, &judged, z)
        .context("the comparison failed")?;
    Ok(Compared { comparison, holdout_cohorts: split.holdout_cohorts, months: judged.month_count() })
}

/// The comparison as a tidy table (CSV and Parquet) in `out`.
pub fn write_comparison(comparison: &Comparison, out: &Path, input_refs: &[&Path]) -> anyhow::Result<Vec<PathBuf>> {
    let table = mqlcal_backtest::comparison_table(comparison);
    let mut written = Vec::new();
    for name in FILES {
        let path = out.join(name);
        mqlcal_data::write_tidy(&table, &path, input_refs)?;
        written.push(path);
    }
    Ok(written)
}
