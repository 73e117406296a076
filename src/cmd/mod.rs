//! One module per subcommand.

pub mod backtest;
pub mod compare;
pub mod features;
pub mod fit;
pub mod init;
pub mod synth;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::Context;
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
    let path = path.map(Path::to_path_buf).unwrap_or_else(default_config_path);
    Config::load(&path).with_context(|| "the config is not usable (see the README's config reference)".to_string())
}

/// The input files a config reads (outputs must never overwrite them).
pub fn input_paths(config: &Config) -> Vec<PathBuf> {
    let mut paths = vec![config.source_path.clone()];
    match &config.layout {
        mqlcal_config::Layout::OutcomeColumn { leads, .. } => paths.push(leads.clone()),
        mqlcal_config::Layout::SeparateFiles { won, lost, open } => {
            paths.push(won.clone());
            paths.push(lost.clone());
            paths.extend(open.clone());
        }
        mqlcal_config::Layout::WonIds { leads, won_ids } => {
            paths.push(leads.clone());
            paths.push(won_ids.clone());
        }
    }
    if let Some(events) = &config.events {
        paths.push(events.path.clone());
    }
    paths
}

/// Write text to a file atomically (temp file in the same folder, then rename).
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mqlcal-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(contents)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
