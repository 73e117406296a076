//! `mqlcal score --model model.json --leads FILE [--events FILE...] [--dates iso] -o OUT`
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

use mqlcal_data::ScoringInput;
use mqlcal_scorecard::{Model, Ranked, Scorer, Tier};
use mqlcal_tidy::{Cell, CsvRows, RowSink, TableRows, TidyTable};
use rayon::prelude::*;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal score --model reports/backtest/model.json --leads notebooks-data/leads.csv --events notebooks-data/events.csv -o reports/scores.csv")]
pub struct Args {
    /// The model file (model.json from `mqlcal backtest`, with a threshold)
    #[arg(long)]
    pub model: PathBuf,
    /// Leads to score (CSV, gzipped CSV or Parquet), with the columns the model reads
    #[arg(long)]
    pub leads: PathBuf,
    /// Their events (long form), when the model counts events: one file, or several read as
    /// one (an export split by month: --events activities/*.csv)
    #[arg(long, num_args = 1..)]
    pub events: Vec<PathBuf>,
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
    /// How the files write their dates: as-trained (as the training files wrote them, recorded in the model), or iso (2024-01-15 09:05:00, as a warehouse's export writes them; a Parquet leads file's DATE and TIMESTAMP columns are read as they are either way)
    #[arg(long, value_enum, default_value_t = super::DatesAs::AsTrained)]
    pub dates: super::DatesAs,
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

/// Leads of a CSV output scored and written per block: each block is scored on every
/// core, a piece at a time, then written in order and dropped, so memory holds a couple
/// of blocks' results, not the whole file's. (The bundled sample's 20,000 leads span two
/// blocks, so the tests cross both edges.)
const PIECE_LEADS: usize = 1 << 10;
const BLOCK_LEADS: usize = 16 * PIECE_LEADS;
/// Scored pieces waiting to be written, at most: two blocks.
const PIECES_AHEAD: usize = 2 * BLOCK_LEADS / PIECE_LEADS;

/// What the scored leads came to, for the summary.
#[derive(Default)]
struct Tally {
    mqls: usize,
    hot: usize,
    /// Leads per route under a two-axis rule, in the order sales, nurture, campaign, discard.
    routes: BTreeMap<&'static str, usize>,
    /// Leads whose window is still open (`ScoringInput::open_windows`) and that are not MQLs yet.
    open_not_mql: usize,
}

impl Tally {
    fn count(&mut self, lead: &Ranked, window_open: bool) {
        self.open_not_mql += usize::from(window_open && lead.score.mql != Some(true));
        self.mqls += usize::from(lead.score.mql == Some(true));
        self.hot += usize::from(lead.tier == Some(Tier::Hot));
        if let Some(route) = lead.score.route {
            *self.routes.entry(route.as_str()).or_default() += 1;
        }
    }

    fn add(&mut self, other: Tally) {
        self.mqls += other.mqls;
        self.hot += other.hot;
        self.open_not_mql += other.open_not_mql;
        for (route, n) in other.routes {
            *self.routes.entry(route).or_default() += n;
        }
    }
}

/// The output's columns, as `format` names them: [`Output::row`] is the one place they are
/// listed (the CSV header, its rows and the Parquet table all come from it).
#[derive(Clone, Copy)]
struct Output<'a> {
    format: Format,
    /// The id column's name in mqlcal's own columns (the CRM formats name theirs).
    id_column: &'a str,
    two_axis: bool,
    scorer: &'a Scorer<'a>,
}

impl Output<'_> {
    /// One lead's cells, handed to `sink` in column order. `values` are its feature values,
    /// `ranked` their ranking; `words` is room for a reason's text.
    fn row(&self, sink: &mut impl RowSink, id: &str, values: &[f64], ranked: &Ranked, words: &mut String) {
        let score = &ranked.score;
        let tier = ranked.tier.map(|t| match t {
            Tier::Hot => "hot",
            Tier::Warm => "warm",
        });
        if self.format == Format::Mqlcal {
            sink.cell(self.id_column, Cell::Text(Some(id)));
            sink.cell("score", Cell::Int(Some(score.total)));
            sink.cell("fit_score", Cell::Int(Some(score.fit)));
            sink.cell("engagement_score", Cell::Int(Some(score.engagement)));
            sink.cell("mql", Cell::Bool(score.mql));
            sink.cell("tier", Cell::Text(tier));
            sink.cell("probability", Cell::Float(score.probability));
            for (k, name) in ["reason_1", "reason_2", "reason_3"].into_iter().enumerate() {
                words.clear();
                let has = self.scorer.push_reason(ranked, k, values, words);
                sink.cell(name, Cell::Text(has.then_some(words.as_str())));
            }
        } else {
            // The import file a CRM takes: its record-id column and its property names.
            let (id_name, score_name, mql, tier_name, reasons) = match self.format {
                Format::Salesforce => ("Id", "MQL_Score__c", "Is_MQL__c", "MQL_Tier__c", "MQL_Reasons__c"),
                _ => ("Record ID", "mqlcal_score", "mqlcal_mql", "mqlcal_tier", "mqlcal_reasons"),
            };
            sink.cell(id_name, Cell::Text(Some(id)));
            sink.cell(score_name, Cell::Int(Some(score.total)));
            sink.cell(mql, Cell::Bool(score.mql));
            sink.cell(tier_name, Cell::Text(tier));
            // The reasons in one cell, "; " between them.
            words.clear();
            for k in 0..3 {
                let before = words.len();
                if k > 0 {
                    words.push_str("; ");
                }
                if !self.scorer.push_reason(ranked, k, values, words) {
                    words.truncate(before);
                    break;
                }
            }
            sink.cell(reasons, Cell::Text(Some(words.as_str())));
        }
        if self.two_axis {
            // A two-axis rule adds each lead's grade cell ("B2") and route, named as the format names its columns.
            let (grade, route) = match self.format {
                Format::Mqlcal => ("grade", "route"),
                Format::Hubspot => ("mqlcal_grade", "mqlcal_route"),
                Format::Salesforce => ("MQL_Grade__c", "MQL_Route__c"),
            };
            sink.cell(grade, Cell::Text(score.grade.as_deref()));
            sink.cell(route, Cell::Text(score.route.map(|r| r.as_str())));
        }
        sink.end_row();
    }

    /// Leads `rows` of `input` scored, each a row handed to `sink` (no text kept per lead),
    /// and counted.
    fn score_piece(&self, input: &ScoringInput, rows: Range<usize>, sink: &mut impl RowSink) -> Tally {
        let (mut values, mut words, mut tally) = (Vec::new(), String::new(), Tally::default());
        let mut open = input.open_windows.as_ref().map(|o| &o.open[rows.clone()]).unwrap_or_default().iter();
        input.each_lead(rows, &mut values, |id, values| {
            let ranked = self.scorer.rank(values);
            tally.count(&ranked, open.next() == Some(&true));
            self.row(sink, id, values, &ranked, &mut words);
        });
        tally
    }

    /// The output's columns with no rows: named and typed by a lead with no signal.
    fn empty_table(&self, signals: usize) -> TidyTable {
        let mut table = TableRows::new("scores");
        let values = vec![0.0; signals];
        self.row(&mut table, "", &values, &self.scorer.rank(&values), &mut String::new());
        let mut table = table.finish();
        table.truncate(0);
        table
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // A production batch is one export: a pattern is named for what it is, not as a file
    // that is not found.
    anyhow::ensure!(
        !mqlcal_config::is_files_pattern(&args.leads),
        "--leads {:?} is a pattern: score reads one leads file (a production batch is one export); score each file, or join them first",
        args.leads
    );
    let mut inputs: Vec<&Path> = vec![&args.model, &args.leads];
    // A pattern (`activities/*.csv`) the shell left as it is names the files it matches.
    let events = mqlcal_config::files_named(&args.events, None, "--events", true).map_err(|e| anyhow::anyhow!(e))?;
    inputs.extend(events.iter().map(PathBuf::as_path));
    let to_stdout = args.output.as_os_str() == "-";
    anyhow::ensure!(!(to_stdout && args.json), "--json and -o - both want standard output: write the scores to a file with -o FILE");
    if !to_stdout {
        mqlcal_pipeline::checks::table_file(&args.output, &inputs)?;
    }
    let mut model = Model::load(&args.model)?;
    args.dates.apply(&mut model);
    let input = &mqlcal_data::read_scoring_input(&model, &args.leads, &events, &args.model)?;
    let scorer = model.scorer();
    let id_column = model.inputs.as_ref().map_or("lead_id".to_string(), |i| i.id_column.clone());
    let output = Output { format: args.format, id_column: &id_column, two_axis: model.two_axis().is_some(), scorer: &scorer };
    let signals = input.features.len();
    let leads = input.ids.len();
    let pieces = |from: usize, to: usize| (from..to).step_by(PIECE_LEADS).map(move |start| start..(start + PIECE_LEADS).min(to)).collect::<Vec<_>>();
    // CSV is written as it is scored, in order: a thread scores block after block on every
    // core while this one writes what is done, so neither waits for the other.
    let write_csv = |out: &mut dyn Write| -> anyhow::Result<Tally> {
        out.write_all(output.empty_table(signals).csv_header().as_bytes())?;
        std::thread::scope(|scope| {
            let (done, scored) = std::sync::mpsc::sync_channel::<(String, Tally)>(PIECES_AHEAD);
            scope.spawn(move || {
                for block in (0..leads).step_by(BLOCK_LEADS) {
                    let written: Vec<(String, Tally)> = pieces(block, (block + BLOCK_LEADS).min(leads))
                        .into_par_iter()
                        .map(|rows| {
                            let mut text = String::new();
                            let tally = output.score_piece(input, rows, &mut CsvRows::new(&mut text));
                            (text, tally)
                        })
                        .collect();
                    for piece in written {
                        // The writer stopped (its error is the answer): stop scoring.
                        if done.send(piece).is_err() {
                            return;
                        }
                    }
                }
            });
            let mut tally = Tally::default();
            for (text, piece) in scored {
                out.write_all(text.as_bytes())?;
                tally.add(piece);
            }
            Ok(tally)
        })
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
        let tables: Vec<(TidyTable, Tally)> = pieces(0, leads)
            .into_par_iter()
            .map(|rows| {
                let mut table = TableRows::new("scores");
                let tally = output.score_piece(input, rows, &mut table);
                (table.finish(), tally)
            })
            .collect();
        let (mut table, mut tally) = (output.empty_table(signals), Tally::default());
        for (piece, piece_tally) in tables {
            table.append(piece);
            tally.add(piece_tally);
        }
        mqlcal_data::write_tidy(&table, &args.output, &inputs)?;
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
        let mut summary = serde_json::json!({
            "output": args.output,
            "leads": leads,
            "mqls": model.decides_mql().then_some(tally.mqls),
            "routes": model.two_axis().map(|_| &tally.routes),
            "hot": tally.hot,
            "ignored_events_by_activity": input.unknown_activities,
            "ignored_events_for_unknown_leads": input.events_for_unknown_leads,
        });
        if let Some(repeated) = &input.repeated_events {
            summary["repeated_events"] = serde_json::to_value(repeated)?;
        }
        if let Some(open) = &input.open_windows {
            summary["open_windows"] = serde_json::json!({
                "events_end": mqlcal_features::calendar::format_date(open.events_end),
                "leads": open.leads(),
                "not_mql": model.decides_mql().then_some(tally.open_not_mql),
            });
        }
        if let Some(also) = &input.by_also_key {
            summary["events_by_other_ids"] = serde_json::json!({ "events": also.events, "leads": also.leads, "shared_ignored": also.shared });
        }
        if !input.read_warnings.is_empty() {
            summary["warnings"] = serde_json::to_value(&input.read_warnings)?;
        }
        super::print_json(&summary)?;
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
    for warning in &input.read_warnings {
        eprintln!("warning: {warning}");
    }
    if !input.unknown_activities.is_empty() {
        let list: Vec<String> = input.unknown_activities.iter().map(|(a, n)| format!("{a:?} ×{n}")).collect();
        eprintln!("warning: ignored events of activities the model does not count: {}", list.join(", "));
    }
    if let Some(note) = input.by_other_id_form.note("events", "the events' lead ids", &format!("the ids of {}", args.leads.display())) {
        eprintln!("note: {note}");
    }
    if let Some(also) = &input.by_also_key {
        let columns: Vec<String> = model.inputs.iter().flat_map(|i| &i.events_also_key_columns).map(|c| format!("{c:?}")).collect();
        let shared = match also.shared {
            0 => String::new(),
            n => format!("; ignored {n} naming a value two leads hold"),
        };
        eprintln!("note: found {} events of {} leads by their other ids (column {}, as in training){shared}", also.events, also.leads, columns.join(", "));
    }
    if input.events_for_unknown_leads > 0 {
        let case = input.unknown_leads_by_case.clause(true).map(|c| format!("; {c}")).unwrap_or_default();
        eprintln!("warning: ignored {} events for lead ids not in {}{case}", input.events_for_unknown_leads, args.leads.display());
    }
    if let Some(repeated) = &input.repeated_events {
        eprintln!("warning: {}", repeated.warning(&mqlcal_config::files_shown(&events, "events")));
    }
    if let Some(note) = input.open_windows.as_ref().and_then(|open| open.note(&mqlcal_config::files_shown(&events, "events"), model.decides_mql().then_some(tally.open_not_mql))) {
        eprintln!("note: {note}");
    }
    if !to_stdout {
        eprintln!("wrote {}", args.output.display());
    }
    Ok(ExitCode::SUCCESS)
}
