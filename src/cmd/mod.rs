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

/// The bundled sample's config, used when a subcommand is run without `--config`.
pub fn default_config_path() -> PathBuf {
    let local = Path::new("notebooks-data/mqlcal.toml");
    if local.exists() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks-data/mqlcal.toml")
}

/// Load the config named by `--config`, or the bundled sample's.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    mqlcal_pipeline::load_config(&path.map(Path::to_path_buf).unwrap_or_else(default_config_path))
}

/// A warning on stderr.
pub fn warn(message: &str) {
    eprintln!("warning: {message}");
}

/// Warnings on stderr, one a line.
pub fn warn_all(messages: &[String]) {
    messages.iter().for_each(|m| warn(m));
}
