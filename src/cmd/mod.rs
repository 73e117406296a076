//! One module per subcommand.

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
        mqlcal_config::Layout::WonIds { leads, won_ids, .. } => {
            paths.push(leads.clone());
            paths.push(won_ids.clone());
        }
    }
    if let Some(events) = &config.events {
        paths.push(events.path.clone());
    }
    if let Some(current) = &config.model.current {
        paths.push(current.clone());
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
    let _interrupt = crate::cleanup::guard(tmp.path());
    tmp.write_all(contents)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // Temp files are private (0600); outputs are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Write a value as pretty JSON (newline-terminated), atomically, refusing to overwrite an input.
pub fn write_json(path: &Path, value: &impl serde::Serialize, input_refs: &[&Path]) -> anyhow::Result<()> {
    mqlcal_data::refuse_input(path, input_refs)?;
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

/// The fit → backtest part of the data flow, shared by `backtest` and `report`.
pub struct Backtested {
    pub ingested: mqlcal_data::Ingested,
    pub fitted: mqlcal_fit::FitReport,
    pub backtest: mqlcal_backtest::Backtest,
}

/// Ingest, fit on the training cohorts, backtest on the holdout (warnings go to stderr).
pub fn fit_and_backtest(config: &Config) -> anyhow::Result<Backtested> {
    let ingested = mqlcal_data::build_features(config)?;
    for warning in &ingested.stats.warnings {
        eprintln!("warning: {warning}");
    }
    let fitted = fit_stage(config, &ingested)?;
    let backtest = backtest_stage(config, &ingested.table, &fitted)?;
    for warning in &backtest.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(Backtested { ingested, fitted, backtest })
}

/// Fit the configured model on the training cohorts, with recipes and provenance attached
/// (so the model file can score raw leads and says what it was fitted on).
pub fn fit_stage(config: &Config, ingested: &mqlcal_data::Ingested) -> anyhow::Result<mqlcal_fit::FitReport> {
    let mut fitted = mqlcal_fit::fit_model(&ingested.table, &config.model, env!("CARGO_PKG_VERSION")).context("the fit failed")?;
    // Auto bins were chosen at ingest: the recipes record their edges.
    mqlcal_fit::attach_recipes(&mut fitted.model, &config.with_resolved_bins(&ingested.resolved_bins()));
    fitted.model.provenance = Some(provenance(config)?);
    Ok(fitted)
}

/// Backtest a fitted model on the holdout against `[sales]` (and the current model, if configured).
pub fn backtest_stage(
    config: &Config,
    table: &mqlcal_features::FeatureTable,
    fitted: &mqlcal_fit::FitReport,
) -> anyhow::Result<mqlcal_backtest::Backtest> {
    let current_name = config.model.current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    mqlcal_backtest::run(&mqlcal_backtest::BacktestInputs {
        table,
        model: &fitted.model,
        model_spec: &config.model,
        sales: &config.sales,
        spec: &config.backtest,
        current: fitted.current.as_ref().map(|m| (m, current_name.as_str())),
        tool_version: env!("CARGO_PKG_VERSION"),
        warm_start: Some(&fitted.logistic),
    })
    .context("the backtest failed")
}

fn sha256_file(path: &Path) -> anyhow::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((bytes, format!("{:x}", hasher.finalize())))
}

/// The config's hash and every input file's size and SHA-256, with paths relative
/// to the config's folder (so the same inputs give the same model file bytes anywhere).
pub fn provenance(config: &Config) -> anyhow::Result<mqlcal_scorecard::Provenance> {
    use sha2::{Digest, Sha256};
    let base = config.source_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let inputs = input_paths(config)
        .into_iter()
        .skip(1) // the config itself: hashed from its text
        .map(|path| {
            let (bytes, sha256) = sha256_file(&path)?;
            let shown = path.strip_prefix(&base).map(Path::to_path_buf).unwrap_or_else(|_| path.clone());
            Ok(mqlcal_scorecard::FileFingerprint { path: shown.display().to_string(), bytes, sha256 })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(mqlcal_scorecard::Provenance { config_sha256: format!("{:x}", Sha256::digest(config.source_text.as_bytes())), inputs })
}
