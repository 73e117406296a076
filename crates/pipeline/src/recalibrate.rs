//! The quarterly job in one call: read and validate the data → fit → backtest
//! against `[sales]` (and `[model] current`) → charts and the review report →
//! the model file with its recommended threshold and the SQL/PMML exports → the
//! tidy tables, all in one run directory (by default
//! `reports/<config name>-<holdout cohort>/`) built in a staging folder and
//! installed only when every stage succeeded.

use std::path::{Path, PathBuf};

use mqlcal_config::Config;
use mqlcal_fit::Split;

use crate::provenance::PendingProvenance;
use crate::outputs::{write_exports, write_report, write_tables};
use crate::rundir::Staging;
use crate::{backtest, checks, fit, fit_json, ingest_whole, validate, write_json, Backtested, CurrentModel, Ingested, Inputs, Summary};

/// How a front end shows a run's stages.
pub trait Progress {
    /// Run the stage `name`; `work` may add warnings, shown once the stage is done.
    fn stage<T>(&mut self, name: &str, work: impl FnOnce(&mut Vec<String>) -> anyhow::Result<T>) -> anyhow::Result<T>;
    /// A warning raised between stages.
    fn warn(&mut self, message: &str);
}

/// The stages of a run, in order.
pub const STAGES: [&str; 7] = ["read leads and events", "validate", "fit", "backtest", "charts and report", "model file and exports", "tables"];

/// What the command line says about a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory (None: `reports/<config name>-<holdout cohort>`).
    pub out: Option<PathBuf>,
    /// Replace the run directory if it exists.
    pub force: bool,
    /// Table (or schema.table) of leads in the exported SQL.
    pub leads_table: String,
    /// Table (or schema.table) of events in the exported SQL.
    pub events_table: String,
    /// The command line, for the report's "reproduce" section.
    pub command: String,
    /// Also print the report to report/report.pdf (headless Chromium).
    pub pdf: bool,
}

/// Everything a run can refuse without reading data: the run directory (and
/// `--force`), `[sales]` capacity, the `[model] current` sheet (returned, read once).
pub fn check(config: &Config, options: &RunOptions, inputs: &Inputs) -> anyhow::Result<Option<CurrentModel>> {
    if let Some(out) = &options.out {
        checks::run_target(out, &inputs.refs(), options.force)?;
    }
    checks::capacity(config)?;
    checks::cohorts(config)?;
    if options.pdf {
        crate::pdf::find_chromium()?;
    }
    CurrentModel::read(config)
}

/// Run the whole job into its run directory; returns the summary (also saved there as summary.json).
pub fn recalibrate(config: &Config, options: &RunOptions, progress: &mut impl Progress) -> anyhow::Result<Summary> {
    let inputs = Inputs::of(config);
    let current = check(config, options, &inputs)?;
    let provenance = PendingProvenance::start(config);
    // The lead files are read once, every column: validate profiles them, then they go.
    // The first stage is named for what it reads.
    let read = if config.feature_table.is_some() { "read the feature table" } else { STAGES[0] };
    let mut ingested = progress.stage(read, |_| ingest_whole(config))?;
    progress.stage(STAGES[1], |warnings| {
        warnings.extend(validate(config, &mut ingested)?.iter().cloned());
        Ok(())
    })?;
    // Without --out the run directory is named after the holdout: the split is needed before the fit.
    let (out, split) = match &options.out {
        Some(out) => (out.clone(), None),
        None => {
            let (out, split) = default_target(config, &ingested, &inputs, options.force)?;
            (out, Some(split))
        }
    };
    let (staging, leftovers) = Staging::beside(&out)?;
    for leftover in leftovers {
        progress.warn(&format!("removed {}, left by a run that was killed", leftover.display()));
    }
    let fitted = progress.stage(STAGES[2], |warnings| {
        let split = match split {
            Some(split) => split,
            None => crate::split(config, &ingested)?,
        };
        let fitted = fit(config, ingested, split, current.as_ref(), provenance)?;
        warnings.extend(fitted.warnings());
        Ok(fitted)
    })?;
    let run = progress.stage(STAGES[3], |warnings| {
        let run = backtest(config, fitted)?;
        warnings.extend(run.backtest.warnings.iter().cloned());
        Ok(run)
    })?;
    let target = Target { out: &out, staging: staging.path(), inputs: &inputs };
    let summary = write_run(config, options, &run, &target, progress)?;
    staging.install(&out, options.force)?;
    Ok(summary)
}

/// `reports/<config name>-<holdout cohorts>`, checked like an --out, and the split that named it.
fn default_target(config: &Config, ingested: &Ingested, inputs: &Inputs, force: bool) -> anyhow::Result<(PathBuf, Split)> {
    let split = mqlcal_fit::split(&ingested.table, &config.model)?;
    let holdout = if split.holdout_cohorts.is_empty() { "all".to_string() } else { split.holdout_cohorts.join("_") };
    let out = Path::new("reports").join(format!("{}-{holdout}", crate::provenance::run_name(config)));
    checks::run_target(&out, &inputs.refs(), force)?;
    Ok((out, split))
}

/// Where a run's files go: built in `staging`, to be installed at `out`.
struct Target<'a> {
    out: &'a Path,
    staging: &'a Path,
    inputs: &'a Inputs,
}

/// The report, exports, tables and summary.json, written into the staging folder.
fn write_run(
    config: &Config,
    options: &RunOptions,
    run: &Backtested,
    target: &Target,
    progress: &mut impl Progress,
) -> anyhow::Result<Summary> {
    let Target { out, staging, inputs } = *target;
    let refs = inputs.refs();
    let mut written: Vec<PathBuf> = Vec::new();
    written.extend(progress.stage(STAGES[4], |_| write_report(config, run, &staging.join("report"), &refs, &options.command, options.pdf))?);
    let model = run.model();
    // What the exports could not write (no SQL for dates it cannot take apart) goes into the summary too.
    let mut export_warnings = Vec::new();
    written.extend(progress.stage(STAGES[5], |warnings| {
        let files = write_exports(&model, &staging.join("exports"), &options.leads_table, &options.events_table, warnings)?;
        export_warnings.clone_from(warnings);
        Ok(files)
    })?);
    written.extend(progress.stage(STAGES[6], |_| {
        let tables = staging.join("tables");
        let mut written = write_tables(&run.backtest, &run.fitted.report.model, &tables, staging, &refs)?;
        let fit_path = tables.join("fit.json");
        write_json(&fit_path, &fit_json(&run.fitted.report, &out.join("model.json")), &refs)?;
        written.push(fit_path);
        if let Some(quality) = &run.fitted.ingested.quality {
            let validate_path = tables.join("validate.json");
            write_json(&validate_path, quality, &refs)?;
            written.push(validate_path);
        }
        Ok(written)
    })?);

    let mut files: Vec<PathBuf> = written.iter().map(|p| out.join(p.strip_prefix(staging).unwrap_or(p))).collect();
    files.push(out.join("summary.json"));
    files.sort();
    let mut summary = Summary::new(config, run, &model, out, &files);
    summary.warnings.extend(export_warnings);
    write_json(&staging.join("summary.json"), &summary, &refs)?;
    Ok(summary)
}
