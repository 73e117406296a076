//! `mqlcal features [--config F] [--grouped] -o FILE.csv|.parquet`
//!
//! Writes the as-of feature table for notebooks: the lead id, created_at,
//! cohort, outcome, segment columns, then one column per signal named as in
//! the config (`signal` or `signal=level`). Rows are sorted by creation time.
//! `--grouped` writes distinct patterns instead: as_of, cohort, month,
//! window_complete, segments, features, then won, lost and open leads
//! (what `[input] features` reads back, as the warehouse's feature SQL writes it).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal features --config notebooks-data/mqlcal.toml -o reports/features.parquet")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Output file; .csv or .parquet, or - for CSV on standard output
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
    /// One row per distinct pattern (cohort, month, window complete, segments, features)
    /// with its won, lost and open leads, instead of one row per lead
    #[arg(long)]
    pub grouped: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(!(args.output.as_os_str() == "-" && args.json), "--json and -o - both want standard output: write the table to a file with -o FILE");
    let config = super::load_config(args.config.as_deref())?;
    let inputs = mqlcal_pipeline::Inputs::of(&config);
    let input_refs = inputs.refs();
    if args.output.as_os_str() != "-" {
        mqlcal_pipeline::checks::table_file(&args.output, &input_refs)
            .with_context(|| format!("cannot write the feature table to {}", args.output.display()))?;
    }
    let ingested = mqlcal_pipeline::ingest(&config)?;
    super::warn_all(&ingested.stats.warnings);
    let mut frame = if args.grouped {
        mqlcal_data::grouped_frame(&ingested.table)?
    } else {
        anyhow::ensure!(
            !ingested.table.is_grouped(),
            "{}: [input] features is a grouped table; its leads have no ids or dates to write one row each: add --grouped",
            config.source_path.display()
        );
        mqlcal_data::feature_frame(&ingested.table, &config.id_column)?
    };
    let rows = frame.height();
    let shown = if args.output.as_os_str() == "-" {
        // The CSV writer needs a file: write one aside, then stream it out.
        let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
        let path = dir.path().join("features.csv");
        mqlcal_data::write_frame(&mut frame, &path, &input_refs).context("cannot write the feature table")?;
        let mut file = std::fs::File::open(&path).context("cannot read the feature table back")?;
        match std::io::copy(&mut file, &mut std::io::stdout().lock()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            other => other.context("cannot write to standard output")?,
        };
        "standard output".to_string()
    } else {
        mqlcal_data::write_frame(&mut frame, &args.output, &input_refs)
            .with_context(|| format!("cannot write the feature table to {}", args.output.display()))?;
        args.output.display().to_string()
    };
    let counts = ingested.table.outcome_counts();
    if args.json {
        super::print_json(&serde_json::json!({
            "output": args.output,
            "leads": ingested.table.outcome_counts().total(),
            "rows": rows,
            "won": counts.won,
            "lost": counts.lost,
            "open": counts.open,
            "signal_columns": ingested.table.column_names(),
            "warnings": ingested.stats.warnings,
        }))?;
    }
    eprintln!(
        "wrote {}: {} leads ({} won, {} lost, {} open){} x {} signal columns",
        shown,
        counts.total(),
        counts.won,
        counts.lost,
        counts.open,
        if args.grouped { format!(" in {rows} patterns") } else { String::new() },
        ingested.table.columns.len()
    );
    Ok(ExitCode::SUCCESS)
}
