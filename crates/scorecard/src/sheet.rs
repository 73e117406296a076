//! An analyst's hand-made points sheet, read and turned into a model.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::{Axis, Model, ModelSignal, ModelSource, ScorecardError, SCHEMA_VERSION};

/// A points sheet as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPointsSheet {
    threshold: Option<i64>,
    points: BTreeMap<String, toml::Value>,
}

/// An analyst's hand-made points sheet (TOML):
///
/// ```toml
/// threshold = 60
/// [points]
/// demo_request = 100
/// "title=vp" = 15
/// ```
///
/// as read from its file, before it meets the data's columns (reading it needs
/// no data, so a bad sheet is refused before ingest).
#[derive(Debug, Clone, PartialEq)]
pub struct PointsSheet {
    /// The file, as shown in messages.
    path: String,
    pub threshold: Option<i64>,
    /// Points per signal name, as written.
    pub points: BTreeMap<String, i64>,
}

impl PointsSheet {
    /// Read and check a points sheet (TOML; every value an integer).
    pub fn read(path: &Path) -> Result<PointsSheet, ScorecardError> {
        let shown = path.display().to_string();
        let invalid = |message: String| ScorecardError::Invalid { path: shown.clone(), message };
        let text = std::fs::read_to_string(path).map_err(|e| ScorecardError::Read { path: shown.clone(), message: e.to_string() })?;
        let sheet: RawPointsSheet = toml::from_str(text.strip_prefix('\u{feff}').unwrap_or(&text)).map_err(|e| invalid(format!("not a points sheet: {}", e.message())))?;
        let mut points = BTreeMap::new();
        for (name, value) in sheet.points {
            match value {
                toml::Value::Integer(i) => points.insert(name, i),
                other => return Err(invalid(format!("points for {name:?} must be an integer, got {other}"))),
            };
        }
        Ok(PointsSheet { path: shown, threshold: sheet.threshold, points })
    }

    /// The sheet as a model over the given feature columns (name, axis). A sheet
    /// naming a column the data does not have is an error that lists them.
    pub fn model(&self, columns: &[(String, Axis)]) -> Result<Model, ScorecardError> {
        let mut signals: Vec<ModelSignal> = columns
            .iter()
            .map(|(name, axis)| ModelSignal { name: name.clone(), axis: *axis, points: 0, coefficient: None, std_error: None, p_value: None, recipe: None })
            .collect();
        for (name, &points) in &self.points {
            match signals.iter_mut().find(|s| &s.name == name) {
                Some(s) => s.points = points,
                None => {
                    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(ScorecardError::Invalid {
                        path: self.path.clone(),
                        message: format!("the sheet scores {name:?}, which the data does not have; the signals are: {}", names.join(", ")),
                    });
                }
            }
        }
        Ok(Model {
            schema_version: SCHEMA_VERSION,
            tool_version: String::new(),
            source: ModelSource::PointsSheet,
            inputs: None,
            signals,
            base_points: 0,
            group_caps: vec![],
            overrides: vec![],
            threshold: self.threshold,
            hot_threshold: None,
            rule: None,
            calibration: None,
            fit: None,
            training: None,
            rounding_cost: None,
            metrics: BTreeMap::new(),
            provenance: None,
        })
    }
}

/// Load a points sheet as a model over the given feature columns (name, axis):
/// [`PointsSheet::read`], then [`PointsSheet::model`].
pub fn load_points_sheet(path: &Path, columns: &[(String, Axis)]) -> Result<Model, ScorecardError> {
    PointsSheet::read(path)?.model(columns)
}
