//! `mqlcal fit [--config F] [-o model.json] [--json]`
//!
//! Fits an L2 logistic regression on the won/lost leads of the training
//! cohorts (open leads never; the latest cohort is held out by default), checks
//! convergence, computes standard errors and Wald p-values, scales the weights
//! to integer points, calibrates score → probability, and measures it all
//! (training and holdout). Writes the model file and prints the points table.
//! With `[model] current = "points.toml"`, the hand-made model is measured on
//! the same leads.

use std::path::PathBuf;
use std::process::ExitCode;

use mqlcal_fit::FitReport;
use mqlcal_pipeline::{checks, CurrentModel, Inputs};

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal fit --config notebooks-data/mqlcal.toml -o reports/model.json\n  mqlcal fit --json | jq '.signals[] | {name, points}'")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Where to write the model file
    #[arg(long, short = 'o', default_value = "reports/model.json")]
    pub output: PathBuf,
    /// Print the fit as JSON on stdout instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let inputs = Inputs::of(&config);
    checks::output_file(&args.output, &inputs.refs())?;
    let current = CurrentModel::read(&config)?;
    let provenance = mqlcal_pipeline::provenance::PendingProvenance::start(&config);
    let ingested = mqlcal_pipeline::ingest(&config)?;
    super::warn_all(&ingested.stats.warnings);
    let split = mqlcal_pipeline::split(&config, &ingested)?;
    let fitted = mqlcal_pipeline::fit(&config, ingested, split, current.as_ref(), provenance)?;
    super::warn_all(&fitted.warnings());
    mqlcal_pipeline::write_json(&args.output, &fitted.report.model, &inputs.refs())?;
    if args.json {
        super::print_json(&mqlcal_pipeline::fit_json(&fitted.report, &args.output))?;
    } else {
        print!("{}", render(&fitted.report));
        eprintln!("wrote {}", args.output.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn render(report: &FitReport) -> String {
    use std::fmt::Write;
    let model = &report.model;
    let mut s = String::new();
    if let Some(fit) = &model.fit {
        let _ = writeln!(
            s,
            "alpha {} ({}), intercept {:.4} (se {:.4}), converged (gradient norm {:.1e})",
            fit.alpha, fit.alpha_chosen_by, fit.intercept, fit.intercept_std_error, fit.gradient_norm
        );
    }
    if let Some(t) = &model.training {
        let _ = writeln!(
            s,
            "trained on {} won / {} lost leads of {}; held out: {}\n",
            t.won,
            t.lost,
            t.cohorts.join(", "),
            if t.holdout_cohorts.is_empty() { "none".into() } else { t.holdout_cohorts.join(", ") }
        );
        if let Some(as_of) = &t.as_of {
            let _ = writeln!(s, "as of {as_of}{}", if t.unfinished_windows > 0 { format!("; {} leads with unfinished engagement windows left out", t.unfinished_windows) } else { String::new() });
        }
        if !t.before_window.is_empty() {
            let _ = writeln!(s, "{}", mqlcal_features::split::before_window_sentence(&t.before_window, t.cohorts.len()));
        }
        if !t.not_yet_judged.is_empty() {
            let _ = writeln!(s, "not yet judged (immature): {}\n", t.not_yet_judged.join(", "));
        }
    }
    let _ = writeln!(s, "{:<36} {:<10} {:>11} {:>10} {:>9} {:>7}", "signal", "axis", "coefficient", "std error", "p-value", "points");
    let opt = |v: Option<f64>, prec: usize| v.map_or("-".to_string(), |v| format!("{v:.prec$}"));
    for sig in &model.signals {
        let axis = match sig.axis {
            mqlcal_scorecard::Axis::Fit => "fit",
            mqlcal_scorecard::Axis::Engagement => "engagement",
        };
        let p = sig.p_value.map_or("-".to_string(), |p| if p < 1e-4 { "<0.0001".into() } else { format!("{p:.4}") });
        let _ = writeln!(s, "{:<36} {:<10} {:>11} {:>10} {:>9} {:>+7}", sig.name, axis, opt(sig.coefficient, 4), opt(sig.std_error, 4), p, sig.points);
    }
    if let Some(c) = &model.rounding_cost {
        let _ = writeln!(
            s,
            "\nrounding to points: training AUC {:.4} -> {:.4}, log loss {:.4} -> {:.4}{}",
            c.auc_exact,
            c.auc_rounded,
            c.log_loss_exact,
            c.log_loss_rounded,
            match (c.holdout_auc_exact, c.holdout_auc_rounded) {
                (Some(e), Some(r)) => format!("; holdout AUC {e:.4} -> {r:.4}"),
                _ => String::new(),
            }
        );
        if !c.rounded_to_zero.is_empty() {
            let _ = writeln!(s, "rounded to 0 points (what the fit learned is erased): {}", c.rounded_to_zero.join(", "));
        }
    }

    for (set, m) in &model.metrics {
        let _ = writeln!(
            s,
            "{set:<9} AUC {:.4}  Brier {:.4}  log loss {:.4}  ECE {:.4}  calibration slope {}",
            m.roc_auc,
            m.brier,
            m.log_loss,
            m.ece_equal_mass_10,
            m.calibration_intercept_slope.as_ref().map_or("-".to_string(), |c| format!("{:.3}", c.slope))
        );
    }
    if let Some(current) = &report.current {
        for (set, m) in &current.metrics {
            let _ = writeln!(s, "current model, {set:<9} AUC {:.4}  Brier {:.4}  log loss {:.4}", m.roc_auc, m.brier, m.log_loss);
        }
    }
    s
}
