//! `mqlcal report [--config F] [--out DIR]`
//!
//! Fits and backtests as `mqlcal backtest` does, then draws every chart (PNG
//! 1600×1000 and SVG, text from the embedded DejaVu Sans) and writes the review
//! report: `report.html` (one self-contained file: inline SVG, no script, nothing
//! fetched from the network, prints on A4/Letter) and `report.md` beside the PNGs.
//! It leads with the recommendation, then data warnings, the points table,
//! calibration, thresholds, stability and drift, segments, the comparison with
//! today's model, and how to reproduce the run (command, config hash, input
//! fingerprints, version).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mqlcal_report::{InputFingerprint, ReportInputs, Reproduce};

#[derive(clap::Args)]
#[command(after_help = "Example:\n  mqlcal report --config notebooks-data/mqlcal.toml --out reports/review\n  chromium reports/review/report.html")]
pub struct Args {
    /// Config file (default: the bundled sample, notebooks-data/mqlcal.toml)
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
    /// Folder for report.html, report.md and the charts (PNG and SVG)
    #[arg(long, short = 'o', default_value = "reports/review")]
    pub out: PathBuf,
}

/// The command line as typed, with arguments quoted for a POSIX shell where needed.
fn command_line() -> String {
    std::env::args()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { "mqlcal".to_string() } else { a };
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c)) {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path as the user would type it from here: relative to the current folder when inside it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().ok();
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match here.as_deref().and_then(|h| absolute.strip_prefix(h).ok()) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

/// How to reproduce a run of `config`: command, config hash, input fingerprints, version.
/// `provenance` is the fitted model's (hashing a million leads' inputs once is enough).
pub fn reproduce(config: &mqlcal_config::Config, provenance: mqlcal_scorecard::Provenance) -> anyhow::Result<Reproduce> {
    let base = config.source_path.parent().unwrap_or(Path::new("."));
    Ok(Reproduce {
        command: command_line(),
        config_path: shown(&config.source_path),
        config_sha256: provenance.config_sha256,
        inputs: provenance
            .inputs
            .into_iter()
            .map(|f| InputFingerprint { path: shown(&base.join(&f.path)), bytes: f.bytes, sha256: f.sha256 })
            .collect(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// A short name for the run: the config's folder when the file is called mqlcal.toml, else its stem.
pub fn run_name(config: &mqlcal_config::Config) -> String {
    let path = &config.source_path;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("mqlcal");
    if stem == "mqlcal" {
        path.canonicalize()
            .ok()
            .and_then(|p| p.parent().and_then(|d| d.file_name()).map(|d| d.to_string_lossy().into_owned()))
            .unwrap_or_else(|| stem.to_string())
    } else {
        stem.to_string()
    }
}

/// Write the charts and both documents into `out` (atomically, never over an input).
pub fn write_report(
    config: &mqlcal_config::Config,
    run: &super::Backtested,
    out: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let provenance = match &run.fitted.model.provenance {
        Some(p) => p.clone(),
        None => super::provenance(config)?,
    };
    let reproduce = reproduce(config, provenance)?;
    let inputs = ReportInputs {
        table: &run.ingested.table,
        fit: &run.fitted,
        backtest: &run.backtest,
        data_warnings: &run.ingested.stats.warnings,
        reproduce: &reproduce,
        title: run_name(config),
    };
    let (charts, documents) = mqlcal_report::build(&inputs)?;
    let input_paths = super::input_paths(config);
    let input_refs: Vec<&Path> = input_paths.iter().map(PathBuf::as_path).collect();
    let mut written = Vec::new();
    let mut write = |name: String, bytes: &[u8]| -> anyhow::Result<()> {
        let path = out.join(name);
        mqlcal_data::refuse_input(&path, &input_refs)?;
        super::write_atomic(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    for chart in &charts {
        write(format!("{}.png", chart.name), &chart.png)?;
        write(format!("{}.svg", chart.name), chart.svg.as_bytes())?;
    }
    write("report.html".into(), documents.html.as_bytes())?;
    write("report.md".into(), documents.markdown.as_bytes())?;
    Ok(written)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_deref())?;
    let run = super::fit_and_backtest(&config)?;
    let written = write_report(&config, &run, &args.out)?;
    println!("{}", mqlcal_report::recommendation_text(&run.backtest));
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
