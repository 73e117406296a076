//! Models read from files before any data: the model in use today
//! (`[model] current`, a points sheet) and the models `compare` is given
//! (a model file or a points sheet). A points sheet only becomes a model
//! when it meets the data's columns, after ingest.

use std::path::Path;

use anyhow::Context;
use mqlcal_config::Config;
use mqlcal_features::FeatureTable;
use mqlcal_scorecard::{Model, PointsSheet, ScorecardError};

/// A model file (`.json`, complete) or a points sheet (anything else), read and checked.
#[derive(Debug, Clone)]
pub enum ModelFile {
    Model(Box<Model>),
    Sheet(PointsSheet),
}

impl ModelFile {
    /// Read `path`: a model file when it ends in `.json`, else a points sheet.
    pub fn read(path: &Path) -> Result<ModelFile, ScorecardError> {
        if path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Ok(ModelFile::Model(Box::new(Model::load(path)?)))
        } else {
            Ok(ModelFile::Sheet(PointsSheet::read(path)?))
        }
    }

    /// The model over the table's columns (a sheet naming a signal the data lacks is refused).
    pub fn model(&self, table: &FeatureTable) -> Result<Model, ScorecardError> {
        match self {
            ModelFile::Model(model) => Ok(model.as_ref().clone()),
            ModelFile::Sheet(sheet) => sheet.model(&mqlcal_fit::scorecard_columns(table)),
        }
    }
}

/// The points sheet in use today (`[model] current`), read once before ingest and
/// measured beside the recalibrated model by the fit and the backtest.
#[derive(Debug, Clone)]
pub struct CurrentModel {
    /// The sheet's path as the config gives it (shown in the comparison).
    pub name: String,
    pub sheet: PointsSheet,
}

impl CurrentModel {
    /// `[model] current`, when the config names one.
    pub fn read(config: &Config) -> anyhow::Result<Option<CurrentModel>> {
        let Some(path) = &config.model.current else { return Ok(None) };
        let sheet = PointsSheet::read(path).context("[model] current")?;
        Ok(Some(CurrentModel { name: path.display().to_string(), sheet }))
    }

    /// The sheet as a model over the table's columns.
    pub fn model(&self, table: &FeatureTable) -> Result<Model, ScorecardError> {
        self.sheet.model(&mqlcal_fit::scorecard_columns(table))
    }
}
