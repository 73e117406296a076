//! `mqlcal validate [--config F] [--json]`
//!
//! A data-quality report: leads and outcomes per cohort, open leads, duplicate
//! ids, events outside the as-of window or for unknown leads, blank rate per
//! column, levels in the data the config does not name, leakage suspects.
//! Exit 0 with warnings only, 1 when there are errors, 2 when the data cannot
//! be read at all.

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_data::QualityReport;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal validate --config notebooks-data/mqlcal.toml\n  mqlcal validate --json | jq .cohorts")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Print the report as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let report = mqlcal_data::validate(&config)?;
    if args.json {
        super::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn pct(x: f64) -> String {
    mqlcal_tidy::percent(x, 1)
}

fn render(r: &QualityReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "Data quality: {}", r.config);
    if let Some(as_of) = &r.as_of {
        let _ = writeln!(s, "as of {as_of}");
    }
    let _ = writeln!(s, "{} leads: {} won, {} lost, {} open\n", r.leads, r.won, r.lost, r.open);
    let _ = writeln!(
        s,
        "{:<10} {:>8} {:>7} {:>7} {:>7} {:>9} {:>10}  {}",
        "cohort", "leads", "won", "lost", "open", "win rate", "unfinished", "judged"
    );
    for c in &r.cohorts {
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>7} {:>7} {:>7} {:>9} {:>10}  {}",
            c.cohort,
            c.leads,
            c.won,
            c.lost,
            c.open,
            c.win_rate.map(pct).unwrap_or_else(|| "-".into()),
            c.unfinished_windows,
            if c.mature { "mature" } else { "not yet" }
        );
    }
    let unfinished: usize = r.cohorts.iter().map(|c| c.unfinished_windows).sum();
    if unfinished > 0 {
        let _ = writeln!(
            s,
            "{unfinished} leads were created less than the engagement window before the as-of date: their activity is undercounted, so they are left out of fit and backtest"
        );
    }
    let _ = writeln!(s, "\nduplicate ids: {} ({} extra rows)", r.duplicate_ids, r.duplicate_rows);
    if let Some(e) = &r.events {
        let _ = writeln!(
            s,
            "events: {} rows; {} counted in the {}-day window{}; {} after the window (not counted); {} before {}; {} for unknown leads;{} {} blank",
            e.rows,
            e.counted,
            e.window_days,
            match e.starts_before_seconds {
                0 => String::new(),
                s => format!(" (from {s} seconds before creation)"),
            },
            e.after_window,
            e.before_created,
            if e.starts_before_seconds > 0 { "the window" } else { "creation" },
            e.unknown_lead,
            match e.excluded_lead {
                0 => String::new(),
                n => format!(" {n} of leads [exclude] leaves out;"),
            },
            e.blank
        );
        if e.by_also_key + e.shared_also_key > 0 {
            let shared = match e.shared_also_key {
                0 => String::new(),
                n => format!("; {n} name a value two leads hold (counted for neither)"),
            };
            let _ = writeln!(s, "of them, found by [columns] events_also_key: {} events of {} leads{shared}", e.by_also_key, e.also_key_leads);
            // The model file records the setting: a live lead's scores find them too.
            let _ = writeln!(s, "  (recorded in the model file: score and the scoring SQL find a live lead's events by those values too; each batch needs the columns)");
        }
        if !e.other_details.is_empty() {
            let other: Vec<String> = e.other_details.iter().map(|(activity, n)| format!("{activity:?} {n}")).collect();
            let _ = writeln!(s, "in the window but of a detail no detail_contains holds (not counted): {}", other.join(", "));
        }
        if let Some(d) = &e.decisions {
            let _ = writeln!(s, "decisions (column {:?}): {}", d.column, d.describe(e.window_days));
        }
    }
    let blanky: Vec<_> = r.blank_rates.iter().filter(|b| b.blank_rate > 0.0).collect();
    if !blanky.is_empty() {
        let _ = writeln!(s, "\nblank rate per column (columns with blanks):");
        // Files profiled apart (the won and lost files of layout 2): each line names its file.
        let apart = r.blank_rates.iter().any(|b| b.file != r.blank_rates[0].file);
        for b in blanky {
            let column = if apart { format!("{} ({})", b.column, b.file) } else { b.column.clone() };
            let _ = writeln!(s, "  {column:<45} {:>7}  ({} blank)", pct(b.blank_rate), b.blanks);
        }
    }
    if !r.unnamed_levels.is_empty() {
        let _ = writeln!(s, "\nlevels in the data that the config does not name (they score as the baseline):");
        for l in r.unnamed_levels.iter().take(30) {
            let _ = writeln!(s, "  {} = {:?}: {} leads", l.signal, l.level, l.leads);
        }
        if r.unnamed_levels.len() > 30 {
            let _ = writeln!(s, "  ... and {} more (see --json)", r.unnamed_levels.len() - 30);
        }
    }
    if !r.leakage_suspects.is_empty() {
        let _ = writeln!(s, "\nleakage suspects (known only after sales contact?):");
        for l in &r.leakage_suspects {
            let used = if l.used_by_signal { " [USED BY A SIGNAL]" } else { "" };
            let _ = writeln!(s, "  {:?}{used}: {}", l.column, l.reason);
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    for e in &r.errors {
        let _ = writeln!(s, "error: {e}");
    }
    let _ = writeln!(
        s,
        "\n{}",
        if r.errors.is_empty() {
            format!("OK ({})", counted(r.warnings.len(), "warning"))
        } else {
            format!("{}, {}", counted(r.errors.len(), "error"), counted(r.warnings.len(), "warning"))
        }
    );
    s
}

/// "1 warning", "2 warnings".
fn counted(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}
