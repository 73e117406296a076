//! `mqlcal init --leads FILE... [--events FILE...] [-o mqlcal.toml]`
//!
//! Looks at the data and writes a commented starter config: guesses the id,
//! date and outcome columns, lists categorical columns with their most
//! frequent levels and numeric columns with suggested caps, and leaves
//! leakage suspects commented out with the reason. Never overwrites a file
//! unless --force.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal init --leads crm/leads.csv --events crm/events.csv -o crm/mqlcal.toml\n  mqlcal validate --config crm/mqlcal.toml")]
pub struct Args {
    /// The leads export (CSV, gzipped CSV, a workbook or Parquet): one file, or several read
    /// as one (an export split by year), or a pattern such as "leads/*.csv"
    #[arg(long, num_args = 1.., required_unless_present = "won", conflicts_with = "won")]
    pub leads: Vec<PathBuf>,
    /// Layout 2: the won leads (with --lost, same columns, no outcome column)
    #[arg(long, value_name = "FILE", requires = "lost")]
    pub won: Option<PathBuf>,
    /// Layout 2: the lost leads
    #[arg(long, value_name = "FILE", requires = "won")]
    pub lost: Option<PathBuf>,
    /// Layout 2: optional open leads
    #[arg(long, value_name = "FILE", requires = "won")]
    pub open: Option<PathBuf>,
    /// Optional events export (lead_id, occurred_at, activity): one file, or several read as
    /// one (an export split by month), or a pattern such as "activities/*.csv"
    #[arg(long, num_args = 1..)]
    pub events: Vec<PathBuf>,
    /// The outcome column (won / lost / open), when the guess is wrong
    #[arg(long, value_name = "COLUMN")]
    pub outcome: Option<String>,
    /// Layout 3: a file of won lead ids; every other lead is lost, or open while young
    #[arg(long, value_name = "FILE")]
    pub won_ids: Option<PathBuf>,
    /// Keep a categorical level only with at least this many leads (rarer ones pool into the baseline)
    #[arg(long, default_value_t = mqlcal_data::DEFAULT_MIN_LEVEL_COUNT, value_name = "N")]
    pub min_level_count: usize,
    /// Where to write the config
    #[arg(long, short = 'o', default_value = "mqlcal.toml")]
    pub output: PathBuf,
    /// Overwrite an existing config file
    #[arg(long)]
    pub force: bool,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.output.exists() && !args.force {
        bail!("{} already exists; pass --force to overwrite it", args.output.display());
    }
    let leads: Vec<PathBuf> = match (&args.won, args.leads.is_empty()) {
        (Some(won), true) => vec![won.clone()],
        (None, true) => bail!("give --leads FILE, or --won FILE and --lost FILE"),
        _ => args.leads.clone(),
    };
    for input in [args.won.as_ref(), args.lost.as_ref(), args.open.as_ref(), args.won_ids.as_ref()].into_iter().flatten().chain(&args.leads).chain(&args.events) {
        mqlcal_data::refuse_input(&args.output, &[input.as_path()])?;
    }
    let options = mqlcal_data::InitOptions {
        outcome: args.outcome.clone(),
        won_ids: args.won_ids.clone(),
        min_level_count: args.min_level_count,
        lost: args.lost.clone(),
        open: args.open.clone(),
    };
    let draft = mqlcal_data::draft_config(&leads, &args.events, &args.output, &options)?;
    // The draft must be a config mqlcal accepts (apart from placeholders the user fills in).
    mqlcal_pipeline::write_atomic(&args.output, draft.toml.as_bytes())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    for guess in &draft.guesses {
        eprintln!("  {guess}");
    }
    if args.json {
        super::print_json(&serde_json::json!({ "output": args.output, "guesses": draft.guesses }))?;
    }
    // The marks the draft has, so the reader knows what to look for.
    const MARKS: [&str; 5] = ["GUESS", "LEAKAGE SUSPECT", "CREATION PERIOD", "CAPTURED PART OF THE TIME", "RECORDED PART OF THE TIME"];
    let marks: Vec<&str> = MARKS.into_iter().filter(|mark| draft.toml.contains(&format!("# {mark}"))).collect();
    let review = match marks.as_slice() {
        [] => "review it".to_string(),
        [one] => format!("review the {one} lines"),
        [rest @ .., last] => format!("review the {} and {last} lines", rest.join(", ")),
    };
    eprintln!("wrote {}: {review}, then run `mqlcal validate --config {}`", args.output.display(), args.output.display());
    Ok(ExitCode::SUCCESS)
}
