//! `mqlcal features [--config F] -o FILE.csv|.parquet`
//!
//! Writes the as-of feature table for notebooks: the lead id, created_at,
//! cohort, outcome, segment columns, then one column per signal named as in
//! the config (`signal` or `signal=level`). Rows are sorted by creation time.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal features --config notebooks-data/mqlcal.toml -o reports/features.parquet")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Output file; .csv or .parquet
    #[arg(long, short = 'o')]
    pub output: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let ingested = mqlcal_data::build_features(&config)?;
    for warning in &ingested.stats.warnings {
        eprintln!("warning: {warning}");
    }
    let mut frame = mqlcal_data::feature_frame(&ingested.table, &config.id_column)?;
    let inputs = super::input_paths(&config);
    let input_refs: Vec<&std::path::Path> = inputs.iter().map(PathBuf::as_path).collect();
    mqlcal_data::write_frame(&mut frame, &args.output, &input_refs)
        .with_context(|| format!("cannot write the feature table to {}", args.output.display()))?;
    let counts = ingested.table.outcome_counts();
    eprintln!(
        "wrote {}: {} leads ({} won, {} lost, {} open) x {} signal columns",
        args.output.display(),
        ingested.table.len(),
        counts.won,
        counts.lost,
        counts.open,
        ingested.table.columns.len()
    );
    Ok(ExitCode::SUCCESS)
}
