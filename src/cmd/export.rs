//! `mqlcal export --model model.json (--sql [--dialect D] [--leads-table T] [--events-table T] | --pmml) [-o FILE]`
//!
//! Writes the model as one SQL query that computes, in the warehouse, the same
//! scores, fit and engagement sub-scores, MQL flags and tiers as `mqlcal score`:
//! from a leads table and an events table whose columns are the CRM export's
//! (as text). Dialects: ansi, duckdb, postgres, sqlite, bigquery, snowflake.
//! String literals and identifiers are quoted for the dialect. Without -o the
//! query goes to stdout. `--pmml` writes a PMML 4.4 Scorecard whose inputs are the
//! model's feature columns (as `mqlcal features` writes them).

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_scorecard::export::sql::{to_sql, Dialect};
use mqlcal_scorecard::Model;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal export --model reports/backtest/model.json --sql --dialect duckdb -o reports/score.duckdb.sql\n  duckdb -c \"CREATE TABLE leads AS FROM read_csv('leads.csv', all_varchar=true); ...; $(cat reports/score.duckdb.sql)\"")]
pub struct Args {
    /// The model file (with a threshold, e.g. from `mqlcal backtest`)
    #[arg(long)]
    pub model: PathBuf,
    /// Export the scoring query as SQL
    #[arg(long)]
    pub sql: bool,
    /// SQL dialect: ansi, duckdb, postgres, sqlite, bigquery, snowflake
    #[arg(long, default_value = "ansi")]
    pub dialect: String,
    /// Table (or schema.table) holding one row per lead
    #[arg(long, default_value = "leads")]
    pub leads_table: String,
    /// Table (or schema.table) holding one row per event
    #[arg(long, default_value = "events")]
    pub events_table: String,
    /// Export a PMML 4.4 Scorecard (inputs: the feature columns of `mqlcal features`)
    #[arg(long)]
    pub pmml: bool,
    /// Where to write (default, or -: standard output)
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.sql != args.pmml, "say what to export: --sql or --pmml (one per run)");
    let dialect = Dialect::parse(&args.dialect).ok_or_else(|| {
        anyhow::anyhow!("--dialect {:?}: expected one of ansi, duckdb, postgres, sqlite, bigquery, snowflake", args.dialect)
    })?;
    let model = Model::load(&args.model)?;
    if args.pmml {
        let pmml = mqlcal_scorecard::export::pmml::to_pmml(&model);
        return emit(&args, &pmml);
    }
    let sql = to_sql(&model, dialect, &args.leads_table, &args.events_table)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
    emit(&args, &sql)
}

fn emit(args: &Args, text: &str) -> anyhow::Result<ExitCode> {
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            mqlcal_data::refuse_input(path, &[args.model.as_path()])?;
            mqlcal_pipeline::write_atomic(path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
            if args.json {
                let kind = if args.pmml { "pmml".to_string() } else { format!("sql ({})", args.dialect) };
                super::print_json(&serde_json::json!({ "output": path, "kind": kind, "bytes": text.len() }))?;
            }
        }
        None if args.json => anyhow::bail!("--json and standard output both want standard output: write the export to a file with -o FILE"),
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
