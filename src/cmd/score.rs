//! `mqlcal score --model model.json --leads FILE [--events FILE] -o OUT`
//!
//! Scores new leads with a model file alone (no config): each signal is computed
//! from the raw cells and events by the recipe the model file records, then the
//! points, fit and engagement sub-scores, MQL flag, tier (hot/warm),
//! calibrated probability and the top three reason codes. Uses every core. OUT
//! is CSV (cells a spreadsheet would run as formulas are neutralised; written as
//! the leads are scored, a block at a time) or Parquet;
//! it keeps the lead id. Events whose activity the model does not count are
//! ignored, counted and reported.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mqlcal_scorecard::{Explained, Model, Tier};
use mqlcal_tidy::TidyTable;
use rayon::prelude::*;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal score --model reports/backtest/model.json --leads notebooks-data/leads.csv --events notebooks-data/events.csv -o reports/scores.csv")]
pub struct Args {
    /// The model file (model.json from `mqlcal backtest`, with a threshold)
    #[arg(long)]
    pub model: PathBuf,
    /// Leads to score (CSV or Parquet), with the columns the model reads
    #[arg(long)]
    pub leads: PathBuf,
    /// Their events (long form), when the model counts events
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Output: .csv or .parquet, or - for CSV on standard output
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// Columns: mqlcal's own, or an import file for the CRM (hubspot: Record ID and
    /// mqlcal_* properties; salesforce: Id and *__c fields)
    #[arg(long, value_enum, default_value_t = Format::Mqlcal)]
    pub format: Format,
    /// Print a summary as JSON on standard output (what was written, counts, warnings)
    #[arg(long)]
    pub json: bool,
}

/// Which columns `score` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// lead id, score, sub-scores, mql, tier, probability, three reasons
    Mqlcal,
    /// HubSpot import: `Record ID` (matches existing records), mqlcal_score, mqlcal_mql, mqlcal_tier, mqlcal_reasons
    Hubspot,
    /// Salesforce Data Import Wizard / Data Loader update: `Id`, MQL_Score__c, Is_MQL__c, MQL_Tier__c, MQL_Reasons__c
    Salesforce,
}

/// The import file a CRM takes: its record-id column and its property names.
fn crm_table(format: Format, ids: &[String], explained: &[Explained]) -> TidyTable {
    let (id, score, mql, tier, reasons) = match format {
        Format::Salesforce => ("Id", "MQL_Score__c", "Is_MQL__c", "MQL_Tier__c", "MQL_Reasons__c"),
        _ => ("Record ID", "mqlcal_score", "mqlcal_mql", "mqlcal_tier", "mqlcal_reasons"),
    };
    TidyTable::new("import")
        .text(id, ids.iter().map(|i| Some(i.clone())))
        .int(score, explained.iter().map(|e| Some(e.score.total)))
        .bool(mql, explained.iter().map(|e| e.score.mql))
        .text(tier, explained.iter().map(|e| e.tier.map(|t| if t == Tier::Hot { "hot" } else { "warm" })))
        .text(reasons, explained.iter().map(|e| Some(e.reasons.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("; "))))
}

/// Leads of a CSV output scored and written per block: each block is explained on every
/// core, a piece at a time, then written in order and dropped, so memory holds one
/// block's results, not the whole file's. (The bundled sample's 20,000 leads span two
/// blocks, so the tests cross both edges.)
const PIECE_LEADS: usize = 1 << 10;
const BLOCK_LEADS: usize = 16 * PIECE_LEADS;

/// What the scored leads came to, for the summary.
#[derive(Default)]
struct Tally {
    mqls: usize,
    hot: usize,
    /// Leads per route under a two-axis rule, in the order sales, nurture, campaign, discard.
    routes: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn of(explained: &[Explained]) -> Tally {
        let mut routes = BTreeMap::new();
        for r in explained.iter().filter_map(|e| e.score.route) {
            *routes.entry(r.as_str()).or_default() += 1;
        }
        Tally {
            mqls: explained.iter().filter(|e| e.score.mql == Some(true)).count(),
            hot: explained.iter().filter(|e| e.tier == Some(Tier::Hot)).count(),
            routes,
        }
    }

    fn add(&mut self, other: Tally) {
        self.mqls += other.mqls;
        self.hot += other.hot;
        for (route, n) in other.routes {
            *self.routes.entry(route).or_default() += n;
        }
    }
}

/// The output's columns for these leads (`ids[k]` is the lead of `explained[k]`), named as
/// `format` names them. The reasons' texts move into the table (read the tally first).
fn output_table(format: Format, id_column: &str, two_axis: bool, ids: &[String], explained: &mut [Explained]) -> TidyTable {
    let mut reason = |k: usize| explained.iter_mut().map(|e| e.reasons.get_mut(k).map(|r| std::mem::take(&mut r.text))).collect::<Vec<_>>();
    let table = if format != Format::Mqlcal {
        crm_table(format, ids, explained)
    } else {
        let [reason_1, reason_2, reason_3] = [reason(0), reason(1), reason(2)];
        TidyTable::new("scores")
        .text(id_column, ids.iter().map(|id| Some(id.clone())))
        .int("score", explained.iter().map(|e| Some(e.score.total)))
        .int("fit_score", explained.iter().map(|e| Some(e.score.fit)))
        .int("engagement_score", explained.iter().map(|e| Some(e.score.engagement)))
        .bool("mql", explained.iter().map(|e| e.score.mql))
        .text(
            "tier",
            explained.iter().map(|e| {
                e.tier.map(|t| match t {
                    Tier::Hot => "hot",
                    Tier::Warm => "warm",
                })
            }),
        )
        .float("probability", explained.iter().map(|e| e.score.probability))
        .text("reason_1", reason_1)
        .text("reason_2", reason_2)
        .text("reason_3", reason_3)
    };
    if !two_axis {
        return table;
    }
    // A two-axis rule adds each lead's grade cell ("B2") and route, named as the format names its columns.
    let (grade, route) = match format {
        Format::Mqlcal => ("grade", "route"),
        Format::Hubspot => ("mqlcal_grade", "mqlcal_route"),
        Format::Salesforce => ("MQL_Grade__c", "MQL_Route__c"),
    };
    table
        .text(grade, explained.iter().map(|e| e.score.grade.clone()))
        .text(route, explained.iter().map(|e| e.score.route.map(|r| r.as_str())))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut inputs: Vec<&Path> = vec![&args.model, &args.leads];
    if let Some(e) = &args.events {
        inputs.push(e);
    }
    let to_stdout = args.output.as_os_str() == "-";
    anyhow::ensure!(!(to_stdout && args.json), "--json and -o - both want standard output: write the scores to a file with -o FILE");
    if !to_stdout {
        mqlcal_pipeline::checks::table_file(&args.output, &inputs)?;
    }
    let model = Model::load(&args.model)?;
    let input = mqlcal_data::read_scoring_input(&model, &args.leads, args.events.as_deref(), &args.model)?;
    let scorer = model.scorer();
    let id_column = model.inputs.as_ref().map_or("lead_id".to_string(), |i| i.id_column.clone());
    let two_axis = model.two_axis().is_some();
    // One vector of feature values per run of leads, refilled lead by lead.
    let explain_leads = |rows: Range<usize>| -> Vec<Explained> {
        let mut values = Vec::new();
        rows.map(|row| {
            input.row_into(row, &mut values);
            scorer.explain(&values)
        })
        .collect()
    };
    let table_of = |rows: Range<usize>, explained: &mut [Explained]| output_table(args.format, &id_column, two_axis, &input.ids[rows], explained);
    let leads = input.ids.len();
    // CSV is written as it is scored; each piece's rows are the whole table's rows (push_csv_rows).
    let write_csv = |out: &mut dyn Write| -> anyhow::Result<Tally> {
        out.write_all(table_of(0..0, &mut []).csv_header().as_bytes())?;
        let mut tally = Tally::default();
        for block in (0..leads).step_by(BLOCK_LEADS) {
            let block_end = (block + BLOCK_LEADS).min(leads);
            let pieces: Vec<(String, Tally)> = (block..block_end)
                .step_by(PIECE_LEADS)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|start| {
                    let rows = start..(start + PIECE_LEADS).min(block_end);
                    let mut explained = explain_leads(rows.clone());
                    let tally = Tally::of(&explained);
                    let mut text = String::new();
                    table_of(rows, &mut explained).push_csv_rows(&mut text);
                    (text, tally)
                })
                .collect();
            for (text, piece) in pieces {
                out.write_all(text.as_bytes())?;
                tally.add(piece);
            }
        }
        Ok(tally)
    };
    let tally = if to_stdout {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match write_csv(&mut out).and_then(|tally| Ok(out.flush().map(|()| tally)?)) {
            Ok(tally) => tally,
            // A reader that stops early (`| head`) is not an error.
            Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e.context("cannot write to standard output")),
        }
    } else if matches!(mqlcal_data::file_kind(&args.output)?, mqlcal_data::FileKind::Parquet) {
        let mut explained: Vec<Explained> = (0..leads)
            .step_by(PIECE_LEADS)
            .collect::<Vec<_>>()
            .into_par_iter()
            .flat_map_iter(|start| explain_leads(start..(start + PIECE_LEADS).min(leads)))
            .collect();
        let tally = Tally::of(&explained);
        mqlcal_data::write_tidy(&table_of(0..leads, &mut explained), &args.output, &inputs)?;
        tally
    } else {
        let mut tally = Tally::default();
        mqlcal_pipeline::write_atomic_with(&args.output, |out| {
            tally = write_csv(out)?;
            Ok(())
        })?;
        tally
    };

    if args.json {
        super::print_json(&serde_json::json!({
            "output": args.output,
            "leads": leads,
            "mqls": model.decides_mql().then_some(tally.mqls),
            "routes": model.two_axis().map(|_| &tally.routes),
            "hot": tally.hot,
            "ignored_events_by_activity": input.unknown_activities,
            "ignored_events_for_unknown_leads": input.events_for_unknown_leads,
        }))?;
    }
    eprintln!(
        "scored {} leads: {} MQLs ({} hot){}",
        leads,
        tally.mqls,
        tally.hot,
        match model.two_axis() {
            Some(_) => format!(" by the two-axis rule; routes: {}", tally.routes.iter().map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join(", ")),
            None if model.threshold.is_none() => " (the model has no threshold: mql is blank)".to_string(),
            None => String::new(),
        }
    );
    if !input.unknown_activities.is_empty() {
        let list: Vec<String> = input.unknown_activities.iter().map(|(a, n)| format!("{a:?} ×{n}")).collect();
        eprintln!("warning: ignored events of activities the model does not count: {}", list.join(", "));
    }
    if input.events_for_unknown_leads > 0 {
        eprintln!("warning: ignored {} events for lead ids not in {}", input.events_for_unknown_leads, args.leads.display());
    }
    if !to_stdout {
        eprintln!("wrote {}", args.output.display());
    }
    Ok(ExitCode::SUCCESS)
}
