//! What a run was made from: the config's hash and every input's size and
//! SHA-256 (recorded in the model file), and how to reproduce it (the report).

use std::path::Path;

use anyhow::Context;
use mqlcal_config::Config;
use mqlcal_report::{InputFingerprint, Reproduce};
use mqlcal_scorecard::{FileFingerprint, Provenance};

use crate::Inputs;

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
pub fn provenance(config: &Config) -> anyhow::Result<Provenance> {
    use sha2::{Digest, Sha256};
    let base = config.source_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let inputs = Inputs::of(config)
        .paths()
        .iter()
        .skip(1) // the config itself: hashed from its text
        .map(|path| {
            let (bytes, sha256) = sha256_file(path)?;
            let shown = path.strip_prefix(&base).map(Path::to_path_buf).unwrap_or_else(|_| path.clone());
            Ok(FileFingerprint { path: shown.display().to_string(), bytes, sha256 })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Provenance { config_sha256: format!("{:x}", Sha256::digest(config.source_text.as_bytes())), inputs })
}

/// A command line as typed (`args` as the process got them), with arguments quoted
/// for a POSIX shell where needed and the program shown as `mqlcal`.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    args.into_iter()
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

/// How to reproduce a run of `config` started by `command`: command, config hash, input
/// fingerprints, version. `provenance` is the fitted model's (hashing a million leads' inputs once is enough).
pub fn reproduce(config: &Config, provenance: Provenance, command: &str) -> Reproduce {
    let base = config.source_path.parent().unwrap_or(Path::new("."));
    Reproduce {
        command: command.to_string(),
        config_path: shown(&config.source_path),
        config_sha256: provenance.config_sha256,
        inputs: provenance
            .inputs
            .into_iter()
            .map(|f| InputFingerprint { path: shown(&base.join(&f.path)), bytes: f.bytes, sha256: f.sha256 })
            .collect(),
        tool_version: crate::TOOL_VERSION.to_string(),
    }
}

/// A short name for the run: the config's folder when the file is called mqlcal.toml, else its stem.
pub fn run_name(config: &Config) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_quoted_for_a_shell() {
        let args = ["/usr/local/bin/mqlcal", "recalibrate", "--out", "runs/Q3 run", "--config=it's.toml", ""].map(String::from);
        assert_eq!(command_line(args), "mqlcal recalibrate --out 'runs/Q3 run' '--config=it'\\''s.toml' ''");
    }
}
