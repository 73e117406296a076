//! `mqlcal synth --leads N --seed S --out DIR`
//!
//! Generates realistic synthetic B2B cohorts (≥ 8 quarters, six channels, fit
//! attributes, activity events, open leads, mild covariate drift) whose
//! outcomes are drawn from known logistic weights, written to `truth.json`
//! beside `leads.csv`, `events.csv` and a ready-to-use `mqlcal.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal synth --leads 20000 --seed 42 --out notebooks-data\n  mqlcal validate --config notebooks-data/mqlcal.toml")]
pub struct Args {
    /// Number of leads
    #[arg(long, default_value_t = 20_000)]
    pub leads: usize,
    /// Random seed (same seed, same files)
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of quarters (at least 8)
    #[arg(long, default_value_t = 8)]
    pub quarters: usize,
    /// Take the export on this day (YYYY-MM-DD) instead of at the end of the
    /// last quarter: the latest leads' windows are cut short and many recent
    /// leads are still open (the world's outcomes are unchanged)
    #[arg(long, value_name = "DATE")]
    pub export_at: Option<String>,
    /// Percent of lost leads older than 180 days that the CRM still shows open
    #[arg(long, default_value_t = 0, value_name = "PERCENT")]
    pub stale_open_percent: u32,
    /// Write each lead's decision date (column closed_at) and what won leads do once
    /// decided inside their window (onboarding e-mails, clicks, pricing visits): events
    /// that leak the outcome unless the window ends at the decision ([columns] decided_at)
    #[arg(long)]
    pub decisions: bool,
    /// Output folder (created if needed)
    #[arg(long)]
    pub out: PathBuf,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let export_at = args
        .export_at
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!("--export-at {d:?}: expected a date as YYYY-MM-DD"))
        })
        .transpose()?;
    let params = mqlcal_synth::SynthParams {
        leads: args.leads,
        seed: args.seed,
        quarters: args.quarters,
        export_at,
        stale_open_percent: args.stale_open_percent,
        decisions: args.decisions,
        ..Default::default()
    };
    let summary = mqlcal_synth::generate(&params, &args.out)?;
    eprintln!(
        "wrote {} leads ({} won, {} lost, {} open) and {} events to {}",
        summary.leads,
        summary.won,
        summary.lost,
        summary.open,
        summary.events,
        args.out.display()
    );
    if args.json {
        super::print_json(&serde_json::json!({
            "leads": summary.leads,
            "won": summary.won,
            "lost": summary.lost,
            "open": summary.open,
            "events": summary.events,
            "files": summary.files,
        }))?;
    } else {
        for file in &summary.files {
            println!("{}", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
