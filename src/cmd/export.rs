//! `mqlcal export --model model.json (--sql [--dialect D] [--leads-table T] [--events-table T] [--dates iso] | --pmml) [-o FILE]`
//! `mqlcal export --sql --features [--grouped] [--config mqlcal.toml] [--dialect D] [--leads-table T] [--events-table T] [-o FILE]`
//!
//! Writes the model as one SQL query that computes, in the warehouse, the same
//! scores, fit and engagement sub-scores, MQL flags and tiers as `mqlcal score`:
//! from a leads table and an events table whose columns are the CRM export's
//! (as text). Dialects: ansi, duckdb, postgres, sqlite, bigquery, snowflake, spark.
//! String literals and identifiers are quoted for the dialect. Without -o the
//! query goes to stdout. `--pmml` writes a PMML 4.4 Scorecard whose inputs are the
//! model's feature columns (as `mqlcal features` writes them). The query reads the
//! dates as the training files wrote them (the model records how); `--dates iso` reads
//! them as DATE or TIMESTAMP columns (or ISO text), as a loader that types the columns
//! holds them.
//!
//! `--features` writes instead the query that computes the as-of feature table of
//! the config (the rows `mqlcal features` writes) from the same tables; with
//! `--grouped`, the distinct feature patterns per cohort, month, window
//! completeness and segment with their counts of won, lost and open leads.

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_scorecard::export::sql::{to_sql, Dialect};
use mqlcal_scorecard::Model;

use super::DatesAs;

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  mqlcal export --model reports/backtest/model.json --sql --dialect duckdb -o reports/score.duckdb.sql\n  duckdb -c \"CREATE TABLE leads AS FROM read_csv('leads.csv', all_varchar=true); ...; $(cat reports/score.duckdb.sql)\"\n  mqlcal export --sql --features --grouped --config mqlcal.toml --dialect spark -o patterns.spark.sql")]
pub struct Args {
    /// The model file (with a threshold, e.g. from `mqlcal backtest`); not with --features
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Export the scoring query (or, with --features, the feature-table query) as SQL
    #[arg(long)]
    pub sql: bool,
    /// With --sql: the query computing the config's as-of feature table (the rows of `mqlcal features`)
    #[arg(long)]
    pub features: bool,
    /// With --features: distinct feature patterns per cohort, month, window and segment, with won, lost and open counts
    #[arg(long)]
    pub grouped: bool,
    /// Config file for --features (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// SQL dialect: ansi, duckdb, postgres, sqlite, bigquery, snowflake, spark
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
    /// How the warehouse holds the dates the scoring query reads: as-trained (text as the training files wrote it, recorded in the model), or iso (DATE or TIMESTAMP columns, or ISO text, as loaders such as Fivetran and Airbyte type them)
    #[arg(long, value_enum, default_value_t = DatesAs::AsTrained)]
    pub dates: DatesAs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.sql != args.pmml, "say what to export: --sql or --pmml (one per run)");
    let dialect = Dialect::parse(&args.dialect)
        .ok_or_else(|| anyhow::anyhow!("--dialect {:?}: expected one of {}", args.dialect, Dialect::names()))?;
    anyhow::ensure!(!args.grouped || args.features, "--grouped groups the feature table: add --features (with --sql)");
    anyhow::ensure!(
        args.dates == DatesAs::AsTrained || (!args.features && args.sql),
        "--dates is for the scoring query (--model with --sql): the feature-table query reads the config's date_format (set it to \"iso\" there), and PMML reads feature columns, not dates"
    );
    if args.features {
        anyhow::ensure!(args.sql, "--features exports the feature-table query: add --sql (PMML has no feature table)");
        anyhow::ensure!(args.model.is_none(), "--features reads the config (--config), not a model file: drop --model");
        let config = super::load_config(args.config.as_deref())?;
        let sql = mqlcal_pipeline::feature_sql(&config, dialect, &args.leads_table, &args.events_table, args.grouped)?;
        for note in [mqlcal_pipeline::auto_dates_note(&config), mqlcal_pipeline::decimal_note(config.csv.decimal)].into_iter().flatten() {
            eprintln!("{note}");
        }
        return emit(&args, &sql, &[config.source_path.as_path()]);
    }
    anyhow::ensure!(args.config.is_none(), "--config is read by --features; the scoring query reads --model");
    let Some(model_path) = args.model.as_deref() else {
        anyhow::bail!("say which model to export: --model model.json (or --sql --features --config mqlcal.toml for the feature-table query)");
    };
    let mut model = Model::load(model_path)?;
    args.dates.apply(&mut model);
    if let Some(inputs) = model.inputs.as_ref().filter(|_| args.sql) {
        for (column, layout) in inputs.layouts_not_iso() {
            eprintln!(
                "note: the query reads {column:?} as the training files wrote it ({}); if the warehouse holds it as a DATE or TIMESTAMP column (or ISO text), export with --dates iso: read as trained, such a column does not take apart, and some engines then score without the dates",
                layout.describe()
            );
        }
    }
    if args.pmml {
        let pmml = mqlcal_scorecard::export::pmml::to_pmml(&model);
        return emit(&args, &pmml, &[model_path]);
    }
    let sql = to_sql(&model, dialect, &args.leads_table, &args.events_table).map_err(|e| anyhow::anyhow!("{}: {e}", model_path.display()))?;
    if let Some(note) = model.inputs.as_ref().and_then(|inputs| mqlcal_pipeline::decimal_note(inputs.decimal)) {
        eprintln!("{note}");
    }
    emit(&args, &sql, &[model_path])
}

fn emit(args: &Args, text: &str, inputs: &[&std::path::Path]) -> anyhow::Result<ExitCode> {
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            mqlcal_data::refuse_input(path, inputs)?;
            mqlcal_pipeline::write_atomic(path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
            if args.json {
                let kind = match (args.pmml, args.features, args.grouped) {
                    (true, _, _) => "pmml".to_string(),
                    (false, true, true) => format!("feature sql, grouped ({})", args.dialect),
                    (false, true, false) => format!("feature sql ({})", args.dialect),
                    (false, false, _) => format!("sql ({})", args.dialect),
                };
                super::print_json(&serde_json::json!({ "output": path, "kind": kind, "bytes": text.len() }))?;
            }
        }
        None if args.json => anyhow::bail!("--json and standard output both want standard output: write the export to a file with -o FILE"),
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
