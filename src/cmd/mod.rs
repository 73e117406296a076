//! One module per subcommand: each parses its arguments, calls the pipeline
//! library (`mqlcal_pipeline`) and prints. None calls another.

pub mod backtest;
pub mod compare;
pub mod export;
pub mod features;
pub mod fit;
pub mod init;
pub mod recalibrate;
pub mod report;
pub mod score;
pub mod synth;
pub mod validate;

use std::path::{Path, PathBuf};

use mqlcal_config::Config;

/// The bundled sample's config, used when a subcommand is run without `--config`
/// from the root of a checkout. Looked up in the working folder only: the binary
/// carries no path of the machine that built it.
pub fn default_config_path() -> anyhow::Result<PathBuf> {
    let local = Path::new("notebooks-data/mqlcal.toml");
    if local.is_file() {
        return Ok(local.to_path_buf());
    }
    anyhow::bail!(
        "no --config given, and no notebooks-data/mqlcal.toml here (the bundled sample, at the root of a checkout); pass --config FILE, or write one with mqlcal init"
    )
}

/// Load the config named by `--config`, or the bundled sample's.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => default_config_path()?,
    };
    mqlcal_pipeline::load_config(&path)
}

/// A summary as pretty JSON on standard output (`--json`).
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A warning on stderr.
pub fn warn(message: &str) {
    eprintln!("warning: {message}");
}

/// Warnings on stderr, one a line.
pub fn warn_all(messages: &[String]) {
    messages.iter().for_each(|m| warn(m));
}

/// How the dates a model reads are written where it scores (`--dates` of `score` and
/// `export`): a model trained on a CRM's CSV export records that export's layout, and a
/// warehouse or its exports often hold the same dates otherwise.
#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum DatesAs {
    /// As the training files wrote them (the model records how)
    AsTrained,
    /// ISO (2024-01-15 09:05:00), or DATE and TIMESTAMP columns
    Iso,
}

impl DatesAs {
    /// Have `model` read its dates so.
    pub fn apply(self, model: &mut mqlcal_scorecard::Model) {
        if let (DatesAs::Iso, Some(inputs)) = (self, model.inputs.as_mut()) {
            inputs.read_dates_as_iso();
        }
    }
}
