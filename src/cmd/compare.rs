//! `mqlcal compare --current FILE --candidate FILE [--config F] [--out DIR] [--json]`
//!
//! Scores the holdout cohort(s) of the config's data with two models, each at
//! its own threshold (a model file's `threshold`, or a points sheet's), and
//! compares volume, conversion and wins captured, with the swap sets: leads
//! that become MQLs under the candidate, and leads that stop being MQLs.
//! FILE is a model file (`.json`, e.g. from `mqlcal backtest`) or a points sheet (`.toml`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use mqlcal_scorecard::Model;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal compare --current notebooks-data/current_points.toml --candidate reports/backtest/model.json")]
pub struct Args {
    /// The model in use today (model.json or a points-sheet .toml)
    #[arg(long)]
    pub current: PathBuf,
    /// The model to compare with it (model.json or a points-sheet .toml)
    #[arg(long)]
    pub candidate: PathBuf,
    /// Config file naming the data (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Also write comparison.csv and comparison.parquet into this folder
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print the comparison as JSON on stdout instead of a table
    #[arg(long)]
    pub json: bool,
}

/// A model file (.json) or a points sheet (anything else) over the table's columns.
pub fn load_model(path: &Path, table: &mqlcal_features::FeatureTable) -> anyhow::Result<Model> {
    if path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        Ok(Model::load(path)?)
    } else {
        Ok(mqlcal_scorecard::load_points_sheet(path, &mqlcal_fit::scorecard_columns(table))?)
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let ingested = mqlcal_data::build_features(&config)?;
    for warning in &ingested.stats.warnings {
        eprintln!("warning: {warning}");
    }
    let table = &ingested.table;
    let current = load_model(&args.current, table)?;
    let candidate = load_model(&args.candidate, table)?;
    let split = mqlcal_fit::split(table, &config.model)?;
    anyhow::ensure!(
        !split.holdout_cohorts.is_empty(),
        "no holdout cohort to compare on: the data has {} cohort(s); set [model] holdout_cohorts = 1",
        table.cohort_labels().len()
    );
    let judged = mqlcal_backtest::judged_rows(table, &split.holdout_cohorts, &split.not_yet_judged);
    let z = mqlcal_metrics::normal_quantile(0.5 + config.backtest.confidence / 2.0);
    let comparison = mqlcal_backtest::compare(
        &current,
        &args.current.display().to_string(),
        &candidate,
        &args.candidate.display().to_string(),
        table,
        &judged,
        z,
    )
    .context("the comparison failed")?;

    if let Some(out) = &args.out {
        let inputs = super::input_paths(&config);
        let mut input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        input_refs.push(&args.current);
        input_refs.push(&args.candidate);
        let t = mqlcal_backtest::comparison_table(&comparison);
        for ext in ["csv", "parquet"] {
            let path = out.join(format!("comparison.{ext}"));
            mqlcal_data::write_tidy(&t, &path, &input_refs)?;
            eprintln!("wrote {}", path.display());
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
        return Ok(ExitCode::SUCCESS);
    }
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "holdout {} ({} complete months)\n", split.holdout_cohorts.join(", "), judged.month_count());
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", 100.0 * v));
    let _ = writeln!(s, "{:<16} {:>9} {:>10} {:>6} {:>6} {:>11} {:>15} {:>6}", "", "threshold", "MQLs/month", "won", "lost", "conversion", "interval", "wins");
    for (label, side) in [("current", &comparison.current), ("candidate", &comparison.candidate)] {
        let _ = writeln!(
            s,
            "{label:<16} {:>9} {:>10.1} {:>6} {:>6} {:>11} {:>15} {:>6}",
            side.threshold,
            side.mqls_per_month,
            side.won,
            side.lost,
            pct(side.conversion),
            format!("{}-{}", pct(side.conversion_low), pct(side.conversion_high)),
            pct(side.wins_captured_share)
        );
    }
    let _ = writeln!(s);
    for swap in &comparison.swaps {
        let _ = writeln!(
            s,
            "{:<16} {:>9} {:>10.1} {:>6} {:>6} {:>11} {:>15}",
            swap.set,
            "",
            swap.leads_per_month,
            swap.won,
            swap.lost,
            pct(swap.conversion),
            format!("{}-{}", pct(swap.conversion_low), pct(swap.conversion_high)),
        );
    }
    let _ = writeln!(s, "\n{}", comparison.summary);
    print!("{s}");
    Ok(ExitCode::SUCCESS)
}
