//! `mqlcal recalibrate [--config F] [--out DIR] [--force] [--json]`
//!
//! The quarterly job in one command: read and validate the data → fit (alpha
//! chosen out of time unless the config fixes it) → backtest against `[sales]`
//! (and `[model] current`) → charts and the review report → the model file
//! with its recommended threshold and the SQL/PMML exports → the tidy tables.
//! Everything goes into one run directory, by default
//! `reports/<config name>-<holdout cohort>/`:
//!
//!   model.json               the scoring model, threshold and hot tier included
//!   report/report.html       the review report (self-contained), report.md, charts (PNG, SVG),
//!                            swaps.csv (leads that change sides), report.pdf with --pdf
//!   exports/score.<dialect>.sql, exports/model.pmml
//!   tables/                  thresholds, bootstrap, segments, drift, walk_forward, tiers,
//!                            comparison (CSV and Parquet), backtest.json, fit.json, validate.json
//!   summary.json             the summary printed at the end
//!
//! The run is built in a hidden folder beside the target and moved into place
//! only when every stage succeeded, so a failed run leaves nothing half-written.
//! An existing run directory is replaced only with `--force`.

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_pipeline::recalibrate::STAGES;
use mqlcal_pipeline::{RunOptions, Summary};

use crate::progress::Stages;

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  mqlcal recalibrate                      # the bundled sample\n  mqlcal recalibrate --config crm/mqlcal.toml --out reports/2025-Q3\n  mqlcal recalibrate --config crm/mqlcal.toml --force --json | jq .recommended")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Run directory (default: reports/<config name>-<holdout cohort>)
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Replace the run directory if it exists
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON on stdout instead of text
    #[arg(long)]
    pub json: bool,
    /// Print every warning in the summary (default: the first three)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Table (or schema.table) of leads in the exported SQL
    #[arg(long, default_value = "leads")]
    pub leads_table: String,
    /// Table (or schema.table) of events in the exported SQL
    #[arg(long, default_value = "events")]
    pub events_table: String,
    /// Also print the review report to report/report.pdf (needs headless Chromium)
    #[arg(long)]
    pub pdf: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let options = RunOptions {
        out: args.out,
        force: args.force,
        leads_table: args.leads_table,
        events_table: args.events_table,
        command: mqlcal_pipeline::provenance::command_line(std::env::args()),
        pdf: args.pdf,
    };
    let mut stages = Stages::new(STAGES.len());
    let summary = mqlcal_pipeline::recalibrate(&config, &options, &mut stages)?;
    if args.json {
        super::print_json(&summary)?;
    } else {
        print!("{}", render(&summary, args.verbose));
    }
    eprintln!("{}", stages.timings());
    Ok(ExitCode::SUCCESS)
}

/// The summary as text: the recommendation first, then drift, warnings, top signals,
/// the comparison with today's model, and where everything went.
fn render(summary: &Summary, verbose: bool) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let r = &summary.recommended;
    let pct = |v: f64| format!("{:.1}%", 100.0 * v);
    let conf = format!("{:.0}%", 100.0 * r.confidence);
    let _ = writeln!(
        s,
        "\nAs of {}: recalibrated on {} (won/lost leads); backtested on {} ({} decided leads){}",
        summary.as_of.as_deref().unwrap_or("-"),
        summary.training_cohorts.join(", "),
        summary.holdout_cohorts.join(", "),
        summary.holdout_decided_leads,
        summary.holdout_auc.map_or(String::new(), |auc| format!(", holdout AUC {auc:.3}"))
    );
    if !summary.before_window.is_empty() {
        let _ = writeln!(s, "{}", mqlcal_features::split::before_window_sentence(&summary.before_window, summary.training_cohorts.len()));
    }
    if !summary.not_yet_judged.is_empty() {
        let _ = writeln!(s, "Not yet judged: {}", summary.not_yet_judged.join("; "));
    }
    if let (Some(first), Some(last)) = (summary.volume_months.first(), summary.volume_months.last()) {
        let _ = match summary.holdout_months {
            1 => writeln!(s, "MQLs per month measured over 1 complete month ({first})"),
            n => writeln!(s, "MQLs per month measured over {n} complete months ({first} to {last})"),
        };
    }
    if let Some(t) = &summary.two_axis {
        let _ = writeln!(s, "\nMQL rule: two-axis, fit >= {} and engagement >= {} (the model file and exports use it).", t.fit_min, t.engagement_min);
        let _ = writeln!(s, "{}\n{}", t.sentence, t.versus);
        let _ = writeln!(s, "For comparison, the best single threshold:");
    }
    let _ = writeln!(
        s,
        "\nRecommended MQL threshold: {} points{}{}",
        r.threshold,
        r.hot_threshold.map_or(String::new(), |h| format!(" (hot tier from {h})")),
        if r.feasible { String::new() } else { format!("; no threshold meets every constraint ({} binds)", r.binding_constraint.unwrap_or("?")) }
    );
    let _ = writeln!(
        s,
        "  MQLs per month  {:>7.1}   {conf} interval {:.1}-{:.1}   (capacity {:.0}{})",
        r.mqls_per_month.value.unwrap_or(f64::NAN),
        r.mqls_per_month.low,
        r.mqls_per_month.high,
        r.capacity_per_month,
        r.capacity_judged_on.as_ref().map_or(String::new(), |(month, volume)| format!("; {} {volume:.0}", month.trim_start_matches("the ")))
    );
    let _ = writeln!(
        s,
        "  conversion      {:>7}   {conf} interval {}-{}   (target {}-{})",
        r.conversion.value.map_or("-".into(), pct),
        pct(r.conversion.low),
        pct(r.conversion.high),
        pct(r.target_conversion.0),
        pct(r.target_conversion.1)
    );
    let _ = writeln!(
        s,
        "  wins captured   {:>7}   {conf} interval {}-{}",
        r.wins_captured_share.value.map_or("-".into(), pct),
        pct(r.wins_captured_share.low),
        pct(r.wins_captured_share.high)
    );
    let _ = writeln!(s, "  P(capacity and band both hold) {}", pct(r.p_constraints_hold));
    let _ = writeln!(s, "  {}", r.sentence);
    // What in the data could change the decision, all of it (the backtest's are the
    // recommendation's sentence and the drift lines below; summary.json lists both).
    if summary.data_cautions > 0 {
        let _ = writeln!(s, "\nBefore deciding (the data):");
        for c in &summary.before_deciding[..summary.data_cautions] {
            let _ = writeln!(s, "  - {c}");
        }
    }
    if !summary.backtest_cautions.is_empty() {
        let _ = writeln!(s, "\nBefore deciding (the backtest):");
        for c in &summary.backtest_cautions {
            let _ = writeln!(s, "  - {c}");
        }
    }
    if !summary.drift.is_empty() {
        let _ = writeln!(s, "\nDrift between training and holdout:");
        for d in &summary.drift {
            let _ = writeln!(s, "  {d}");
        }
    }
    if let Some(note) = &summary.alpha_note {
        let _ = writeln!(s, "\nPenalty: {note}");
    }
    if !summary.warnings.is_empty() {
        let shown = if verbose { summary.warnings.len() } else { summary.warnings.len().min(3) };
        let _ = writeln!(s, "\nWarnings ({}):", summary.warnings.len());
        for w in &summary.warnings[..shown] {
            let _ = writeln!(s, "  - {w}");
        }
        if shown < summary.warnings.len() {
            let _ = writeln!(s, "  ... {} more in summary.json (--verbose prints them all)", summary.warnings.len() - shown);
        }
    }

    let _ = writeln!(s, "\nTop signals (points per unit, most it can add or take):");
    for t in &summary.top_signals {
        let _ = writeln!(s, "  {:<34} {:>+5}  {:>+7.0}", t.signal, t.points, t.max_points);
    }
    if let Some(v) = &summary.versus_current {
        let _ = writeln!(s, "\nVersus the current model ({}):", v.current);
        let _ = writeln!(s, "  {}", v.summary);
        if !v.points_changes.is_empty() {
            let changes: Vec<String> =
                v.points_changes.iter().map(|c| format!("{} {:+} -> {:+}", c.signal, c.current, c.recalibrated)).collect();
            let _ = writeln!(s, "  biggest changes of points: {}", changes.join(", "));
        }
    }
    let _ = writeln!(s, "\nOutputs in {}:", summary.run_directory);
    for f in &summary.files {
        let _ = writeln!(s, "  {f}");
    }
    let _ = writeln!(s, "\nOpen {}/report/report.html for the meeting; hand model.json or exports/ to production.", summary.run_directory);
    s
}
