//! `mqlcal backtest [--config F] [--out DIR] [--json]`
//!
//! Fits the model on the training cohorts (as `mqlcal fit` does), then replays
//! it on the held-out cohort(s): every threshold's MQLs per month, conversion
//! (Wilson interval), wins captured, lift, rep hours on losing MQLs, against
//! `[sales]` capacity and target conversion band. Recommends the threshold that
//! captures the most wins within both (or says which constraint binds and the
//! nearest options), bootstraps its uncertainty, refits walk-forward on earlier
//! cohorts, measures drift, breaks volume down by segment and tier, and compares
//! with `[model] current` when configured.
//!
//! Writes into DIR: thresholds, bootstrap, segments, drift, walk_forward, tiers,
//! comparison (each .csv and .parquet), backtest.json (everything) and
//! model.json (the fitted model with the recommended threshold and hot tier).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mqlcal_backtest::{Backtest, Interval};
use mqlcal_pipeline::{checks, CurrentModel, Inputs};
use serde_json::json;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal backtest --config notebooks-data/mqlcal.toml --out reports/backtest\n  mqlcal backtest --json | jq .recommended")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Folder for the tables, backtest.json and model.json
    #[arg(long, short = 'o', default_value = "reports/backtest")]
    pub out: PathBuf,
    /// Print the recommendation as JSON on stdout instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let inputs = Inputs::of(&config);
    checks::capacity(&config)?;
    checks::cohorts(&config)?;
    checks::output_dir(&args.out, checks::backtest_files(), &inputs.refs())?;
    let current = CurrentModel::read(&config)?;
    let run = mqlcal_pipeline::fit_and_backtest(&config, current.as_ref(), mqlcal_pipeline::DataChecks::Reading, &mut super::warn)?;
    let written = mqlcal_pipeline::outputs::write_tables(&run.backtest, &run.fitted.report.model, &args.out, &args.out, &inputs.refs())?;

    let thresholds_file = args.out.join("thresholds.csv");
    if args.json {
        super::print_json(&json_summary(&run.backtest, &thresholds_file, &written))?;
    } else {
        print!("{}", render(&run.backtest));
        for path in &written {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn json_summary(b: &Backtest, thresholds_file: &Path, written: &[PathBuf]) -> serde_json::Value {
    let mut summary = threshold_json(b, thresholds_file, written);
    if !b.before_window.is_empty() {
        summary["before_window"] = json!(b.before_window);
    }
    if let Some(t) = &b.two_axis {
        summary["two_axis"] = json!({
            "rule": t.rule,
            "feasible": t.feasible,
            "summary": t.summary,
            "chosen": t.chosen,
            "bootstrap": t.bootstrap,
            "versus": t.versus,
            "quadrants": t.quadrants,
            "grades": t.grades,
        });
    }
    summary
}

fn threshold_json(b: &Backtest, thresholds_file: &Path, written: &[PathBuf]) -> serde_json::Value {
    let row = b.recommended_row();
    let boot = &b.bootstrap;
    json!({
        "recommended": {
            "threshold": b.recommendation.threshold,
            "mqls_per_month": row.mqls_per_month,
            "mqls_per_month_interval": [boot.mqls_per_month.low, boot.mqls_per_month.high],
            "conversion": row.outcomes.conversion,
            "conversion_interval": [boot.conversion.low, boot.conversion.high],
            "conversion_wilson_interval": [row.outcomes.conversion_low, row.outcomes.conversion_high],
            "wins_captured_share": row.wins_captured_share,
            "wins_captured_share_interval": [boot.wins_captured_share.low, boot.wins_captured_share.high],
            "p_constraints_hold": boot.p_constraints_hold,
            "hot_threshold": b.tiers.as_ref().and_then(|t| t.hot_threshold),
        },
        "feasible": b.recommendation.feasible,
        "binding_constraint": b.recommendation.binding_constraint.map(|c| c.as_str()),
        "summary": b.recommendation.summary,
        "options": b.recommendation.options,
        "confidence": boot.confidence,
        "as_of": b.as_of,
        "holdout_cohorts": b.holdout_cohorts,
        "training_cohorts": b.training_cohorts,
        "not_yet_judged": b.not_yet_judged,
        "maturity": b.maturity,
        "months": b.months,
        "volume_months": b.volume_months,
        "volume_only_leads": b.volume_only_leads,
        "comparison": b.comparison.as_ref().map(|c| &c.summary),
        "drift": b.drift_headline,
        "warnings": b.warnings,
        "thresholds_file": thresholds_file.display().to_string(),
        "files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| mqlcal_tidy::percent(v, 1))
}

fn render(b: &Backtest) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let c = &b.constraints;
    if let Some(as_of) = &b.as_of {
        let _ = writeln!(s, "as of {as_of}");
    }
    if !b.before_window.is_empty() {
        let _ = writeln!(s, "{}", mqlcal_features::split::before_window_sentence(&b.before_window, b.training_cohorts.len()));
    }
    for m in b.maturity.iter().filter(|m| b.not_yet_judged.contains(&m.cohort)) {
        let _ = writeln!(s, "not yet judged: {}", mqlcal_features::CohortMaturity::describe(m));
    }
    let _ = writeln!(
        s,
        "holdout {} (volume over {} complete months{}): {} leads, {} won, {} lost, {} open; base conversion {:.1}%",
        b.holdout_cohorts.join(", "),
        b.months,
        match (b.volume_months.first(), b.volume_months.last()) {
            (Some(a), Some(z)) if a != z => format!(", {a} to {z}"),
            _ => String::new(),
        },
        b.leads,
        b.won,
        b.lost,
        b.open,
        100.0 * b.base_rate
    );
    let _ = writeln!(
        s,
        "capacity {:.0} MQLs/month, target conversion {:.0}-{:.0}%, {:.0} min per lead\n",
        c.capacity_per_month,
        100.0 * c.band.0,
        100.0 * c.band.1,
        c.minutes_per_lead
    );
    let _ = writeln!(
        s,
        "{:>9} {:>10} {:>8} {:>11} {:>15} {:>6} {:>10} {:>9} {:>6}",
        "threshold", "MQLs/month", "busiest", "conversion", "interval", "wins", "lost hours", "capacity", "band"
    );
    // The rows around the recommendation: enough to see the trade-off.
    let k = b.recommendation.row;
    let from = k.saturating_sub(6);
    let to = (k + 7).min(b.thresholds.len());
    for (i, r) in b.thresholds[from..to].iter().enumerate() {
        let mark = if from + i == k { " <" } else { "" };
        let interval = match (r.outcomes.conversion_low, r.outcomes.conversion_high) {
            (Some(l), Some(h)) => format!("{:.1}-{:.1}%", 100.0 * l, 100.0 * h),
            _ => "-".into(),
        };
        let _ = writeln!(
            s,
            "{:>9} {:>10.1} {:>8} {:>11} {:>15} {:>6} {:>10} {:>9} {:>6}{mark}",
            r.threshold,
            r.mqls_per_month,
            r.busiest_month_mqls,
            pct(r.outcomes.conversion),
            interval,
            pct(r.wins_captured_share),
            r.rep_hours_on_lost_per_month.map_or("-".into(), |h| format!("{h:.1}")),
            if r.within_capacity { "ok" } else { "over" },
            band_word(r.within_band),
        );
    }
    let _ = writeln!(s, "\n{}", b.recommendation.summary);
    for o in &b.recommendation.options {
        let _ = writeln!(s, "  option: {}", o.advice);
    }
    s.push_str(&render_stability(b));
    s
}

/// The bootstrap, tiers, walk-forward, drift and comparison lines under the table.
fn render_stability(b: &Backtest) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let boot = &b.bootstrap;
    let _ = writeln!(
        s,
        "bootstrap ({} resamples, seed {}), {:.0}% intervals at threshold {}: {}; capacity and band both hold in {:.0}% of resamples",
        boot.resamples,
        boot.seed,
        100.0 * boot.confidence,
        boot.threshold,
        interval_line(&boot.conversion, &boot.mqls_per_month, &boot.wins_captured_share),
        100.0 * boot.p_constraints_hold
    );
    if let Some(t) = &b.tiers {
        let _ = writeln!(s, "{}", t.summary);
    }
    if !b.walk_forward.is_empty() {
        let _ = writeln!(s, "\nwalk-forward: {:<8} {:>6} {:>6} {:>9} {:>10} {:>10}   carried threshold -> MQLs/month, conversion", "cohort", "AUC", "slope", "threshold", "MQLs/month", "conversion");
        for w in &b.walk_forward {
            let _ = writeln!(
                s,
                "              {:<8} {:>6} {:>6} {:>9} {:>10.1} {:>10}   {} -> {:.1}, {}",
                w.cohort,
                w.auc.map_or("-".into(), |v| format!("{v:.3}")),
                w.calibration_slope.map_or("-".into(), |v| format!("{v:.2}")),
                w.recommended_threshold,
                w.mqls_per_month,
                pct(w.conversion),
                w.carried_threshold,
                w.carried_mqls_per_month,
                pct(w.carried_conversion)
            );
        }
    }
    if let Some(score) = b.drift.first() {
        let moved: Vec<String> = b.drift.iter().skip(1).filter(|d| d.index > 0.1).map(|d| format!("{} {:.2}", d.name, d.index)).collect();
        let _ = writeln!(
            s,
            "\ndrift: score stability index {:.3} ({}); signals above 0.1: {}",
            score.index,
            score.flag,
            if moved.is_empty() { "none".into() } else { moved.join(", ") }
        );
    }
    for sentence in &b.drift_headline.sentences {
        let _ = writeln!(s, "{sentence}");
    }
    if let Some(c) = &b.comparison {
        let _ = writeln!(s, "\n{}", c.summary);
    }
    if let Some(t) = &b.two_axis {
        s.push_str(&render_two_axis(t, &b.walk_forward));
    }
    s
}

/// The two-axis rule: its choice, bootstrap, quadrants and the plain comparison with one threshold.
fn render_two_axis(t: &mqlcal_backtest::two_axis::TwoAxisBacktest, steps: &[mqlcal_backtest::WalkForwardStep]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let boot = &t.bootstrap;
    let _ = writeln!(
        s,
        "\ntwo-axis rule ({} pairs swept; fit_min chosen by the {}, engagement_min by the {}):",
        t.grid.len(),
        t.fit_min_chosen_by,
        t.engagement_min_chosen_by
    );
    let _ = writeln!(s, "{}", t.summary);
    let _ = writeln!(
        s,
        "bootstrap ({} resamples, seed {}), {:.0}% intervals at fit >= {}, engagement >= {}: {}; the same pair is picked in {:.0}% of resamples",
        boot.resamples,
        boot.seed,
        100.0 * boot.confidence,
        t.rule.fit_min,
        t.rule.engagement_min,
        interval_line(&boot.conversion, &boot.mqls_per_month, &boot.wins_captured_share),
        100.0 * boot.p_same_pair
    );
    let _ = writeln!(s, "{:<28} {:>7} {:>6} {:>11}   routes", "cell", "leads", "MQLs", "conversion");
    for c in t.quadrants.iter().chain(&t.grades) {
        let routes: Vec<String> = c.routes.iter().map(|(r, n)| format!("{} {n}", r.as_str())).collect();
        let _ = writeln!(s, "{:<28} {:>7} {:>6} {:>11}   {}", c.cell, c.leads, c.mqls, pct(c.outcomes.conversion), routes.join(", "));
    }
    let pairs: Vec<(&str, &mqlcal_backtest::two_axis::TwoAxisStep)> = steps.iter().filter_map(|w| w.two_axis.as_ref().map(|t| (w.cohort.as_str(), t))).collect();
    if !pairs.is_empty() {
        let _ = writeln!(s, "walk-forward: {:<8} {:>12} {:>10} {:>10}   carried pair -> MQLs/month, conversion, capacity, band", "cohort", "fit, eng", "MQLs/month", "conversion");
        for (cohort, w) in pairs {
            let _ = writeln!(
                s,
                "              {:<8} {:>12} {:>10.1} {:>10}   {}, {} -> {:.1}, {}, {}, {}",
                cohort,
                format!("{}, {}", w.fit_min, w.engagement_min),
                w.mqls_per_month,
                pct(w.conversion),
                w.carried_fit_min,
                w.carried_engagement_min,
                w.carried_mqls_per_month,
                pct(w.carried_conversion),
                if w.carried_within_capacity { "ok" } else { "over" },
                band_word(w.carried_within_band)
            );
        }
    }
    let _ = writeln!(s, "\n{}", t.versus.summary);
    let v = &t.versus;
    let _ = writeln!(
        s,
        "(the recommended single threshold, {}, captures {} of wins at conversion {} at its own volume)",
        v.recommended_threshold,
        pct(v.recommended_wins_captured_share),
        pct(v.recommended_conversion)
    );
    s
}

/// A conversion's place against the target band, as the terminal tables write it.
fn band_word(within_band: Option<bool>) -> &'static str {
    match within_band {
        Some(true) => "ok",
        Some(false) => "out",
        None => "-",
    }
}

/// A bootstrap's intervals as the terminal prints them, for a threshold or a two-axis pair.
fn interval_line(conversion: &Interval, mqls_per_month: &Interval, wins_captured: &Interval) -> String {
    format!(
        "conversion {:.1}-{:.1}%, MQLs/month {:.0}-{:.0}, wins captured {:.1}-{:.1}%",
        100.0 * conversion.low,
        100.0 * conversion.high,
        mqls_per_month.low,
        mqls_per_month.high,
        100.0 * wins_captured.low,
        100.0 * wins_captured.high
    )
}
