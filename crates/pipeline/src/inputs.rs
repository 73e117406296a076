//! The config and the files it reads (outputs must never overwrite them).

use std::path::{Path, PathBuf};

use anyhow::Context;
use mqlcal_config::{Config, Layout};

/// Load and check the config at `path`.
pub fn load_config(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).with_context(|| "the config is not usable (see the README's config reference)".to_string())
}

/// The files a run reads: the config first, then the data it names and `[model] current`,
/// and any model file given beside it.
#[derive(Debug, Clone)]
pub struct Inputs {
    paths: Vec<PathBuf>,
}

impl Inputs {
    /// The config and every file it names.
    pub fn of(config: &Config) -> Inputs {
        let mut paths = vec![config.source_path.clone()];
        match &config.feature_table {
            // Leads and events are not read (they only describe what production scores).
            Some(features) => paths.push(features.clone()),
            None => paths.extend(Self::crm_files(config)),
        }
        if let Some(current) = &config.model.current {
            paths.push(current.clone());
        }
        Inputs { paths }
    }

    /// The CRM export's files: the layout's lead files and the events.
    fn crm_files(config: &Config) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        match &config.layout {
            Layout::OutcomeColumn { leads, .. } => paths.extend(leads.iter().cloned()),
            Layout::SeparateFiles { won, lost, open } => {
                paths.push(won.clone());
                paths.push(lost.clone());
                paths.extend(open.clone());
            }
            Layout::WonIds { leads, won_ids, .. } => {
                paths.extend(leads.iter().cloned());
                paths.push(won_ids.clone());
            }
        }
        if let Some(events) = &config.events {
            paths.extend(events.paths.iter().cloned());
        }
        paths
    }

    /// These inputs and `path` (a model file named on the command line).
    pub fn with(mut self, path: &Path) -> Inputs {
        self.paths.push(path.to_path_buf());
        self
    }

    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// The paths as the writers take them.
    pub fn refs(&self) -> Vec<&Path> {
        self.paths.iter().map(PathBuf::as_path).collect()
    }
}
