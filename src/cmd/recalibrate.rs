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
//!   report/report.html       the review report (self-contained), report.md, charts (PNG, SVG)
//!   exports/score.<dialect>.sql, exports/model.pmml
//!   tables/                  thresholds, bootstrap, segments, drift, walk_forward, tiers,
//!                            comparison (CSV and Parquet), backtest.json, fit.json, validate.json
//!   summary.json             the summary printed at the end
//!
//! The run is built in a hidden folder beside the target and moved into place
//! only when every stage succeeded, so a failed run leaves nothing half-written.
//! An existing run directory is replaced only with `--force`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use mqlcal_features::FeatureTable;
use mqlcal_scorecard::export::sql::{to_sql, Dialect};
use mqlcal_scorecard::Model;
use serde::Serialize;

use crate::progress::{StageTime, Stages};

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
}

const STAGES: usize = 7;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let inputs = super::input_paths(&config);
    if let Some(out) = &args.out {
        check_target(out, &inputs, args.force)?;
    }
    let mut stages = Stages::new(STAGES);

    let ingested = stages.run("read leads and events", |_| Ok(mqlcal_data::build_features(&config)?))?;
    let quality = stages.run("validate", |warnings| {
        let quality = mqlcal_data::quality_report(&config, &ingested)?;
        if quality.has_errors() {
            bail!(
                "the data has errors; `mqlcal validate --config {}` gives the whole report:\n  {}",
                config.source_path.display(),
                quality.errors.join("\n  ")
            );
        }
        warnings.extend(quality.warnings.iter().cloned());
        Ok(quality)
    })?;

    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            let split = mqlcal_fit::split(&ingested.table, &config.model)?;
            let holdout = if split.holdout_cohorts.is_empty() { "all".to_string() } else { split.holdout_cohorts.join("_") };
            let out = Path::new("reports").join(format!("{}-{holdout}", super::report::run_name(&config)));
            check_target(&out, &inputs, args.force)?;
            out
        }
    };
    let staging = staging_dir(&out)?;
    let stage_dir = staging.path().to_path_buf();
    let _interrupt = crate::cleanup::guard(&stage_dir);
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();

    let fitted = stages.run("fit", |warnings| {
        let fitted = super::fit_stage(&config, &ingested)?;
        if let Some(fit) = &fitted.model.fit {
            warnings.extend(fit.warnings.iter().cloned());
            warnings.extend(fit.dropped.iter().map(|d| format!("dropped {d}")));
        }
        Ok(fitted)
    })?;
    let backtest = stages.run("backtest", |warnings| {
        let backtest = super::backtest_stage(&config, &ingested.table, &fitted)?;
        warnings.extend(backtest.warnings.iter().cloned());
        Ok(backtest)
    })?;
    let run = super::Backtested { ingested, fitted, backtest };

    let mut written: Vec<PathBuf> = Vec::new();
    written.extend(stages.run("charts and report", |_| super::report::write_report(&config, &run, &stage_dir.join("report")))?);
    let model = run.backtest.model_with_threshold(&run.fitted.model);
    written.extend(stages.run("model file and exports", |_| {
        write_exports(&model, &stage_dir.join("exports"), &args.leads_table, &args.events_table)
    })?);
    written.extend(stages.run("tables", |_| {
        let tables = stage_dir.join("tables");
        let mut written = super::backtest::write_outputs(&run.backtest, &run.fitted.model, &tables, &stage_dir, &input_refs)?;
        let fit_path = tables.join("fit.json");
        super::write_json(&fit_path, &super::fit::json_summary(&run.fitted, &out.join("model.json")), &input_refs)?;
        let validate_path = tables.join("validate.json");
        super::write_json(&validate_path, &quality, &input_refs)?;
        written.extend([fit_path, validate_path]);
        Ok(written)
    })?);

    let mut files: Vec<PathBuf> = written
        .iter()
        .map(|p| out.join(p.strip_prefix(&stage_dir).unwrap_or(p)))
        .collect();
    files.push(out.join("summary.json"));
    files.sort();
    let summary = Summary::new(&config, &run, &model, &out, &files);
    super::write_json(&stage_dir.join("summary.json"), &summary, &input_refs)?;
    install(staging, &out, args.force)?;

    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.render(args.verbose));
    }
    eprintln!("{}", timings(&stages.times));
    Ok(ExitCode::SUCCESS)
}

/// Refuse to run into an existing directory without `--force`, and never into one
/// that holds an input (replacing it would delete the data).
fn check_target(out: &Path, inputs: &[PathBuf], force: bool) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("{} exists and is not a directory; choose another --out", out.display());
    }
    let out_abs = absolute(out);
    for input in inputs {
        if absolute(input).starts_with(&out_abs) {
            bail!(
                "the run directory {} contains the input {}: choose another --out (a run directory is replaced as a whole)",
                out.display(),
                input.display()
            );
        }
    }
    if out.exists() && !force {
        bail!(
            "{} already exists: pass --force to replace it, or choose another --out",
            out.display()
        );
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()))
}

/// A hidden folder beside `out` (same filesystem, so the final move is a rename).
fn staging_dir(out: &Path) -> anyhow::Result<tempfile::TempDir> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    for leftover in crate::cleanup::sweep_leftovers(&parent) {
        eprintln!("warning: removed {}, left by a run that was killed", leftover.display());
    }
    tempfile::Builder::new()
        .prefix(&crate::cleanup::tagged(".mqlcal-run-"))
        .tempdir_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))
}

/// Move the finished run into place; an old run (with `--force`) is removed only after.
fn install(staging: tempfile::TempDir, out: &Path, force: bool) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Temp folders are private (0700); a run directory is shared like any report.
        for dir in walk_dirs(staging.path()) {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot set permissions of {}", dir.display()))?;
        }
    }
    if out.exists() {
        if !force {
            bail!("{} appeared while the run was going: pass --force to replace it", out.display());
        }
        // One atomic step where the system allows: there is always a complete run at `out`.
        if crate::cleanup::exchange(staging.path(), out).is_ok() {
            // The staging path now holds the old run: TempDir removes it.
            drop(staging);
            return Ok(());
        }
        let old = tempfile::Builder::new()
            .prefix(&crate::cleanup::tagged(".mqlcal-old-"))
            .tempdir_in(out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
            .context("cannot make room for the old run")?;
        let parked = old.path().join("run");
        std::fs::rename(out, &parked).with_context(|| format!("cannot move the old {} aside", out.display()))?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            let _ = std::fs::rename(&parked, out);
            return Err(e).with_context(|| format!("cannot move the run into {}", out.display()));
        }
        drop(old); // removes the old run
    } else {
        std::fs::rename(staging.path(), out).with_context(|| format!("cannot move the run into {}", out.display()))?;
    }
    // The staging folder is now `out`: do not let TempDir delete it.
    let _ = staging.keep();
    Ok(())
}

fn walk_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    let mut k = 0;
    while k < dirs.len() {
        if let Ok(entries) = std::fs::read_dir(&dirs[k]) {
            dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
        k += 1;
    }
    dirs
}

/// One SQL file per dialect and the PMML scorecard.
fn write_exports(model: &Model, dir: &Path, leads_table: &str, events_table: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for dialect in Dialect::ALL {
        let sql = to_sql(model, dialect, leads_table, events_table)
            .map_err(|e| anyhow::anyhow!("cannot export the model as {} SQL: {e}", dialect.name()))?;
        let path = dir.join(format!("score.{}.sql", dialect.name()));
        super::write_atomic(&path, sql.as_bytes())?;
        written.push(path);
    }
    let path = dir.join("model.pmml");
    super::write_atomic(&path, mqlcal_scorecard::export::pmml::to_pmml(model).as_bytes())?;
    written.push(path);
    Ok(written)
}

fn timings(times: &[StageTime]) -> String {
    let total: f64 = times.iter().map(|t| t.seconds).sum();
    let parts: Vec<String> = times.iter().map(|t| format!("{} {:.1} s", t.stage, t.seconds)).collect();
    format!("stage times: {} (total {total:.1} s)", parts.join(", "))
}

/// A value with its bootstrap interval.
#[derive(Serialize)]
struct WithInterval {
    value: Option<f64>,
    low: f64,
    high: f64,
}

#[derive(Serialize)]
struct Recommended {
    threshold: i64,
    hot_threshold: Option<i64>,
    feasible: bool,
    binding_constraint: Option<&'static str>,
    mqls_per_month: WithInterval,
    conversion: WithInterval,
    wins_captured_share: WithInterval,
    p_constraints_hold: f64,
    confidence: f64,
    capacity_per_month: f64,
    target_conversion: (f64, f64),
    sentence: String,
}

#[derive(Serialize)]
struct TopSignal {
    signal: String,
    points: i64,
    /// Largest value of the feature among the leads (events are capped).
    max_value: f64,
    /// points × max_value: what the signal can add (or take) at most.
    max_points: f64,
}

#[derive(Serialize)]
struct PointsChange {
    signal: String,
    current: i64,
    recalibrated: i64,
}

#[derive(Serialize)]
struct VersusCurrent {
    current: String,
    summary: String,
    current_threshold: i64,
    current_mqls_per_month: f64,
    current_conversion: Option<f64>,
    /// Largest changes of points per unit, biggest first.
    points_changes: Vec<PointsChange>,
}

/// What the run found and where it put it (printed, and saved as summary.json).
#[derive(Serialize)]
struct Summary {
    config: String,
    run_directory: String,
    training_cohorts: Vec<String>,
    holdout_cohorts: Vec<String>,
    /// The export's as-of date the leads were judged at.
    as_of: Option<String>,
    /// Later cohorts not mature yet, each with its open share and unfinished windows.
    not_yet_judged: Vec<String>,
    /// Complete months the MQLs per month are measured over.
    volume_months: Vec<String>,
    holdout_months: usize,
    holdout_decided_leads: u64,
    alpha: Option<f64>,
    /// What the alpha choice rested on (rolling-origin folds, margin, grid edges).
    alpha_note: Option<String>,
    /// What changed between training and holdout, in plain words (empty when nothing crossed a threshold).
    drift: Vec<String>,
    holdout_auc: Option<f64>,
    recommended: Recommended,
    top_signals: Vec<TopSignal>,
    versus_current: Option<VersusCurrent>,
    warnings: Vec<String>,
    files: Vec<String>,
}

impl Summary {
    fn new(config: &mqlcal_config::Config, run: &super::Backtested, model: &Model, out: &Path, files: &[PathBuf]) -> Summary {
        let b = &run.backtest;
        let row = b.recommended_row();
        let boot = &b.bootstrap;
        let interval = |value: Option<f64>, i: &mqlcal_backtest::Interval| WithInterval { value, low: i.low, high: i.high };
        let versus_current = match (&b.comparison, &run.fitted.current) {
            (Some(c), Some(current)) => Some(VersusCurrent {
                current: c.current.name.clone(),
                summary: c.summary.clone(),
                current_threshold: c.current.threshold,
                current_mqls_per_month: c.current.mqls_per_month,
                current_conversion: c.current.conversion,
                points_changes: points_changes(current, model, 5),
            }),
            _ => None,
        };
        let mut warnings = run.ingested.stats.warnings.clone();
        warnings.extend(b.warnings.iter().cloned());
        Summary {
            config: config.source_path.display().to_string(),
            run_directory: out.display().to_string(),
            training_cohorts: b.training_cohorts.clone(),
            holdout_cohorts: b.holdout_cohorts.clone(),
            as_of: b.as_of.clone(),
            not_yet_judged: b
                .maturity
                .iter()
                .filter(|m| b.not_yet_judged.contains(&m.cohort))
                .map(mqlcal_features::CohortMaturity::describe)
                .collect(),
            volume_months: b.volume_months.clone(),
            holdout_months: b.months,
            holdout_decided_leads: b.won + b.lost,
            alpha: model.fit.as_ref().map(|f| f.alpha),
            alpha_note: run.fitted.alpha_search.as_ref().map(|a| a.note.clone()),
            drift: b.drift_headline.sentences.clone(),
            holdout_auc: model.metrics.get("holdout").map(|m| m.roc_auc),
            recommended: Recommended {
                threshold: b.recommendation.threshold,
                hot_threshold: model.hot_threshold,
                feasible: b.recommendation.feasible,
                binding_constraint: b.recommendation.binding_constraint.map(|c| c.as_str()),
                mqls_per_month: interval(Some(row.mqls_per_month), &boot.mqls_per_month),
                conversion: interval(row.conversion, &boot.conversion),
                wins_captured_share: interval(row.wins_captured_share, &boot.wins_captured_share),
                p_constraints_hold: boot.p_constraints_hold,
                confidence: boot.confidence,
                capacity_per_month: b.constraints.capacity_per_month,
                target_conversion: b.constraints.band,
                sentence: b.recommendation.summary.clone(),
            },
            top_signals: top_signals(model, &run.ingested.table, 6),
            versus_current,
            warnings,
            files: files.iter().map(|p| p.display().to_string()).collect(),
        }
    }

    fn render(&self, verbose: bool) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let r = &self.recommended;
        let pct = |v: f64| format!("{:.1}%", 100.0 * v);
        let conf = format!("{:.0}%", 100.0 * r.confidence);
        let _ = writeln!(
            s,
            "\nAs of {}: recalibrated on {} (won/lost leads); backtested on {} ({} decided leads){}",
            self.as_of.as_deref().unwrap_or("-"),
            self.training_cohorts.join(", "),
            self.holdout_cohorts.join(", "),
            self.holdout_decided_leads,
            self.holdout_auc.map_or(String::new(), |auc| format!(", holdout AUC {auc:.3}"))
        );
        if !self.not_yet_judged.is_empty() {
            let _ = writeln!(s, "Not yet judged: {}", self.not_yet_judged.join("; "));
        }
        if let (Some(first), Some(last)) = (self.volume_months.first(), self.volume_months.last()) {
            let _ = writeln!(s, "MQLs per month measured over {} complete months ({first} to {last})", self.holdout_months);
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
            "  MQLs per month  {:>7.1}   {conf} interval {:.1}-{:.1}   (capacity {:.0})",
            r.mqls_per_month.value.unwrap_or(f64::NAN),
            r.mqls_per_month.low,
            r.mqls_per_month.high,
            r.capacity_per_month
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
        if !self.drift.is_empty() {
            let _ = writeln!(s, "\nDrift between training and holdout:");
            for d in &self.drift {
                let _ = writeln!(s, "  {d}");
            }
        }
        if let Some(note) = &self.alpha_note {
            let _ = writeln!(s, "\nPenalty: {note}");
        }
        if !self.warnings.is_empty() {
            let shown = if verbose { self.warnings.len() } else { self.warnings.len().min(3) };
            let _ = writeln!(s, "\nWarnings ({}):", self.warnings.len());
            for w in &self.warnings[..shown] {
                let _ = writeln!(s, "  - {w}");
            }
            if shown < self.warnings.len() {
                let _ = writeln!(s, "  ... {} more in summary.json (--verbose prints them all)", self.warnings.len() - shown);
            }
        }

        let _ = writeln!(s, "\nTop signals (points per unit, most it can add or take):");
        for t in &self.top_signals {
            let _ = writeln!(s, "  {:<34} {:>+5}  {:>+7.0}", t.signal, t.points, t.max_points);
        }
        if let Some(v) = &self.versus_current {
            let _ = writeln!(s, "\nVersus the current model ({}):", v.current);
            let _ = writeln!(s, "  {}", v.summary);
            if !v.points_changes.is_empty() {
                let changes: Vec<String> =
                    v.points_changes.iter().map(|c| format!("{} {:+} -> {:+}", c.signal, c.current, c.recalibrated)).collect();
                let _ = writeln!(s, "  biggest changes of points: {}", changes.join(", "));
            }
        }
        let _ = writeln!(s, "\nOutputs in {}:", self.run_directory);
        for f in &self.files {
            let _ = writeln!(s, "  {f}");
        }
        let _ = writeln!(s, "\nOpen {}/report/report.html for the meeting; hand model.json or exports/ to production.", self.run_directory);
        s
    }
}

/// The signals that can move a score most: |points × largest value among the leads|.
fn top_signals(model: &Model, table: &FeatureTable, k: usize) -> Vec<TopSignal> {
    let mut top: Vec<TopSignal> = model
        .signals
        .iter()
        .filter(|s| s.points != 0)
        .map(|s| {
            let max_value = table
                .columns
                .iter()
                .position(|c| c.name == s.name)
                .map(|j| table.matrix.column(j).iter().copied().fold(0.0f64, f64::max))
                .unwrap_or(1.0);
            TopSignal { signal: s.name.clone(), points: s.points, max_value, max_points: s.points as f64 * max_value }
        })
        .collect();
    top.sort_by(|a, b| b.max_points.abs().total_cmp(&a.max_points.abs()).then_with(|| a.signal.cmp(&b.signal)));
    top.truncate(k);
    top
}

/// Signals whose points per unit changed most from `current` to `recalibrated`.
fn points_changes(current: &Model, recalibrated: &Model, k: usize) -> Vec<PointsChange> {
    let points_of = |m: &Model, name: &str| m.signals.iter().find(|s| s.name == name).map_or(0, |s| s.points);
    let mut names: Vec<&str> = current.signals.iter().chain(&recalibrated.signals).map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut changes: Vec<PointsChange> = names
        .into_iter()
        .map(|n| PointsChange { signal: n.to_string(), current: points_of(current, n), recalibrated: points_of(recalibrated, n) })
        .filter(|c| c.current != c.recalibrated)
        .collect();
    changes.sort_by(|a, b| (b.recalibrated - b.current).abs().cmp(&(a.recalibrated - a.current).abs()).then_with(|| a.signal.cmp(&b.signal)));
    changes.truncate(k);
    changes
}
