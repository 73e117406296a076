//! `mqlcal report [--config F] [--out DIR]`
//!
//! Checks the data as `mqlcal validate` does (its warnings are the report's), fits and
//! backtests as `mqlcal backtest` does, then draws every chart (PNG
//! 1600×1000 and SVG, text from the embedded DejaVu Sans) and writes the review
//! report: `report.html` (one self-contained file: inline SVG, no script, nothing
//! fetched from the network, prints on A4/Letter) and `report.md` beside the PNGs.
//! It leads with a one-screen summary (the decision, MQLs a month, conversion
//! and wins captured with their likely ranges, the threshold chart, at most
//! three warnings), then the analyst's sections: the comparison with today's
//! model (at equal volume and at its own threshold, with `swaps.csv`, the leads
//! that change sides), thresholds, data warnings, the points table,
//! calibration, stability and drift, segments, and how to reproduce the run.
//! `--pdf` also prints it to report.pdf with headless Chromium.

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_pipeline::{checks, CurrentModel, Inputs};

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal report --config notebooks-data/mqlcal.toml --out reports/review\n  chromium reports/review/report.html\n  mqlcal report --out reports/review --pdf   # also reports/review/report.pdf")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Folder for report.html, report.md and the charts (PNG and SVG)
    #[arg(long, short = 'o', default_value = "reports/review")]
    pub out: PathBuf,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
    /// Also print the report to report.pdf with headless Chromium (`chromium` on PATH, or MQLCAL_CHROMIUM)
    #[arg(long)]
    pub pdf: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let inputs = Inputs::of(&config);
    checks::capacity(&config)?;
    checks::cohorts(&config)?;
    if args.pdf {
        mqlcal_pipeline::pdf::find_chromium()?;
    }
    checks::output_dir(&args.out, checks::REPORT_FILES, &inputs.refs())?;
    let current = CurrentModel::read(&config)?;
    let run = mqlcal_pipeline::fit_and_backtest(&config, current.as_ref(), mqlcal_pipeline::DataChecks::Validate, &mut super::warn)?;
    let command = mqlcal_pipeline::provenance::command_line(std::env::args());
    let written = mqlcal_pipeline::outputs::write_report(&config, &run, &args.out, &inputs.refs(), &command, args.pdf)?;
    if args.json {
        super::print_json(&serde_json::json!({
            "recommendation": mqlcal_report::recommendation_text(&run.backtest),
            "files": written,
            "warnings": run.warnings(),
        }))?;
    } else {
        println!("{}", mqlcal_report::recommendation_text(&run.backtest));
    }
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
