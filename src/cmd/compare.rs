//! `mqlcal compare --current FILE --candidate FILE [--config F] [--out DIR] [--json]`
//!
//! Scores the holdout cohort(s) of the config's data with two models, each at
//! its own threshold (a model file's `threshold`, or a points sheet's), and
//! compares volume, conversion and wins captured, with the swap sets: leads
//! that become MQLs under the candidate, and leads that stop being MQLs.
//! FILE is a model file (`.json`, e.g. from `mqlcal backtest`) or a points sheet (`.toml`).

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_pipeline::compare::{Compared, Named};
use mqlcal_pipeline::{checks, Inputs, ModelFile};

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let current = ModelFile::read(&args.current)?;
    let candidate = ModelFile::read(&args.candidate)?;
    let inputs = Inputs::of(&config).with(&args.current).with(&args.candidate);
    if let Some(out) = &args.out {
        checks::output_dir(out, mqlcal_pipeline::compare::FILES, &inputs.refs())?;
    }
    let ingested = mqlcal_pipeline::ingest(&config)?;
    super::warn_all(&ingested.stats.warnings);
    let (current_name, candidate_name) = (args.current.display().to_string(), args.candidate.display().to_string());
    let compared = mqlcal_pipeline::compare::compare(
        &config,
        &ingested,
        Named { file: &current, name: &current_name },
        Named { file: &candidate, name: &candidate_name },
    )?;
    if let Some(out) = &args.out {
        for path in mqlcal_pipeline::compare::write_comparison(&compared.comparison, out, &inputs.refs())? {
            eprintln!("wrote {}", path.display());
        }
    }
    if args.json {
        super::print_json(&compared.comparison)?;
    } else {
        print!("{}", render(&compared));
    }
    Ok(ExitCode::SUCCESS)
}

fn render(compared: &Compared) -> String {
    use std::fmt::Write;
    let comparison = &compared.comparison;
    let mut s = String::new();
    let _ = writeln!(s, "holdout {} ({} complete months)\n", compared.holdout_cohorts.join(", "), compared.months);
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", 100.0 * v));
    let _ = writeln!(s, "{:<16} {:>9} {:>10} {:>6} {:>6} {:>11} {:>15} {:>6}", "", "threshold", "MQLs/month", "won", "lost", "conversion", "interval", "wins");
    for (label, side) in [("current", &comparison.current), ("candidate", &comparison.candidate)] {
        let _ = writeln!(
            s,
            "{label:<16} {:>9} {:>10.1} {:>6} {:>6} {:>11} {:>15} {:>6}",
            side.threshold,
            side.mqls_per_month,
            side.outcomes.won,
            side.outcomes.lost,
            pct(side.outcomes.conversion),
            format!("{}-{}", pct(side.outcomes.conversion_low), pct(side.outcomes.conversion_high)),
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
            swap.outcomes.won,
            swap.outcomes.lost,
            pct(swap.outcomes.conversion),
            format!("{}-{}", pct(swap.outcomes.conversion_low), pct(swap.outcomes.conversion_high)),
        );
    }
    let _ = writeln!(s, "\n{}", comparison.summary);
    s
}
