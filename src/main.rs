//! `mqlcal`: recalibrate MQL lead scoring from closed-won and closed-lost cohorts.
//! Thin glue: each subcommand lives in `src/cmd/<name>.rs` with its usage text at the top;
//! the pipeline itself (checks, stages, outputs, the run directory) is the `mqlcal-pipeline` crate.

mod cleanup;
mod cmd;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mqlcal",
    version,
    about = "Recalibrate MQL lead scoring from closed-won and closed-lost cohorts",
    long_about = "Recalibrate MQL lead scoring from closed-won and closed-lost cohorts.\n\n\
        Run without --config from the root of a checkout, every subcommand uses the bundled sample (notebooks-data/mqlcal.toml).",
    after_help = "Quick start:\n  mqlcal recalibrate         # the whole quarterly run on the bundled sample, into reports/\n  mqlcal validate            # data-quality report only"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The quarterly job: validate, fit, backtest, charts, report, model file and exports in one run directory
    Recalibrate(cmd::recalibrate::Args),
    /// Write a commented starter mqlcal.toml from a look at the data
    Init(cmd::init::Args),
    /// Data-quality report: cohorts, outcomes, duplicates, events, blanks, leakage suspects
    Validate(cmd::validate::Args),
    /// Write the as-of feature table (one column per signal) as CSV or Parquet
    Features(cmd::features::Args),
    /// Fit logistic weights on won/lost leads, scale them to integer points, calibrate and measure
    Fit(cmd::fit::Args),
    /// Replay thresholds on held-out cohorts against capacity and a conversion band, and recommend one
    Backtest(cmd::backtest::Args),
    /// Charts (PNG, SVG) and the self-contained review report (HTML, Markdown)
    Report(cmd::report::Args),
    /// Score new leads with a model file: sub-scores, MQL flag, tier, probability, reason codes
    Score(cmd::score::Args),
    /// Export the model for the warehouse: one SQL scoring query per dialect
    Export(cmd::export::Args),
    /// Compare two models (model.json or points sheet) on the holdout, each at its own threshold
    Compare(cmd::compare::Args),
    /// Generate realistic synthetic B2B cohorts with known true weights
    Synth(cmd::synth::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell) to standard output
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output
    Man,
}

/// Write to standard output; a reader that stops early (`| head`) is not an error.
fn print_all(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cleanup::install();
    let result = match cli.command {
        Command::Recalibrate(args) => cmd::recalibrate::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Features(args) => cmd::features::run(args),
        Command::Synth(args) => cmd::synth::run(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mqlcal", &mut text);
            print_all(&text)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut text).map_err(anyhow::Error::from).and_then(|_| print_all(&text))
        }
        Command::Fit(args) => cmd::fit::run(args),
        Command::Backtest(args) => cmd::backtest::run(args),
        Command::Compare(args) => cmd::compare::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Score(args) => cmd::score::run(args),
        Command::Export(args) => cmd::export::run(args),
    };
    match result {
        Ok(code) => code,
        Err(mut err) => {
            if let Some(data) = err.downcast_mut::<mqlcal_data::DataError>() {
                data.place_line(None);
            }
            eprintln!("error: {err:#}");
            exit_code(&err)
        }
    }
}

/// 1 when an input was read but its content is wrong (a bad cell, a malformed row,
/// a missing column, an invalid model file); 2 when mqlcal could not run at all
/// (arguments, config, a file that cannot be read or written). README: "Exit codes".
fn exit_code(err: &anyhow::Error) -> ExitCode {
    let content = err.chain().any(|e| {
        e.downcast_ref::<mqlcal_data::DataError>().is_some_and(|d| d.is_content_fault())
            || matches!(e.downcast_ref::<mqlcal_scorecard::ScorecardError>(), Some(mqlcal_scorecard::ScorecardError::Invalid { .. }))
    });
    ExitCode::from(if content { 1 } else { 2 })
}
