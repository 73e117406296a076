//! `[rule]`: how a lead becomes an MQL. `kind = "total"` (the default): the
//! total score against the threshold the backtest recommends. `kind =
//! "two_axis"`: fit score ≥ `fit_min` and engagement score ≥ `engagement_min`
//! (each a number, or left out / "auto" for the backtest to choose), with
//! optional grades (`fit_grades`, `engagement_grades`) and `[rule.routes]`.

use std::collections::BTreeMap;

use mqlcal_scorecard::{Grades, LeadRoute, RuleKeys, MAX_POINTS_MAGNITUDE};
use serde::Deserialize;

use crate::{Axis, Signal};

/// `[rule]` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub kind: Option<String>,
    pub fit_min: Option<toml::Value>,
    pub engagement_min: Option<toml::Value>,
    pub fit_grades: Option<Vec<toml::Value>>,
    pub engagement_grades: Option<Vec<toml::Value>>,
    pub routes: Option<BTreeMap<String, String>>,
}

/// The checked `[rule]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RuleSpec {
    /// The total score against one threshold.
    #[default]
    Total,
    TwoAxis(TwoAxisSpec),
}

impl RuleSpec {
    pub fn two_axis(&self) -> Option<&TwoAxisSpec> {
        match self {
            RuleSpec::TwoAxis(t) => Some(t),
            RuleSpec::Total => None,
        }
    }
}

/// A two-axis rule as configured: fixed minimums, or None for the backtest to choose.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoAxisSpec {
    pub fit_min: Option<i64>,
    pub engagement_min: Option<i64>,
    pub grades: Option<Grades>,
}

/// An integer minimum, or None for "auto" / absent.
fn minimum(key: &str, value: Option<&toml::Value>) -> Result<Option<i64>, String> {
    match value {
        None => Ok(None),
        Some(toml::Value::String(s)) if s == "auto" => Ok(None),
        Some(toml::Value::Integer(i)) if i.unsigned_abs() <= MAX_POINTS_MAGNITUDE => Ok(Some(*i)),
        Some(other) => Err(format!(
            "[rule] {key} = {other}: expected whole points (e.g. 40) or \"auto\" for the backtest to choose, within ±{MAX_POINTS_MAGNITUDE}"
        )),
    }
}

fn bounds(key: &str, values: &[toml::Value]) -> Result<Vec<i64>, String> {
    values
        .iter()
        .map(|v| match v {
            toml::Value::Integer(i) if i.unsigned_abs() <= MAX_POINTS_MAGNITUDE => Ok(*i),
            other => Err(format!("[rule] {key}: {other} is not whole points; list the lower bound of each band, best first, e.g. [60, 40, 20]")),
        })
        .collect()
}

fn routes(raw: &BTreeMap<String, String>) -> Result<BTreeMap<String, LeadRoute>, String> {
    let names = LeadRoute::ALL.map(LeadRoute::as_str);
    raw.iter()
        .map(|(cell, name)| match LeadRoute::parse(&name.to_ascii_lowercase()) {
            Some(route) => Ok((cell.to_ascii_uppercase(), route)),
            None => {
                let hint = crate::suggest(name, names).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
                Err(format!("[rule.routes] {cell} = {name:?}: a route is one of \"sales\", \"nurture\", \"campaign\", \"discard\"{hint}"))
            }
        })
        .collect()
}

/// Check `[rule]` against the signals (a two-axis rule needs both axes).
pub fn check_rule(raw: Option<RawRule>, signals: &[Signal]) -> Result<RuleSpec, String> {
    let Some(raw) = raw else { return Ok(RuleSpec::Total) };
    match raw.kind.as_deref() {
        None | Some("total") => {
            let stray = [
                ("fit_min", raw.fit_min.is_some()),
                ("engagement_min", raw.engagement_min.is_some()),
                ("fit_grades", raw.fit_grades.is_some()),
                ("engagement_grades", raw.engagement_grades.is_some()),
                ("routes", raw.routes.is_some()),
            ];
            if let Some((key, _)) = stray.iter().find(|(_, set)| *set) {
                return Err(format!("[rule] {key} belongs to a two-axis rule; set kind = \"two_axis\" or remove it"));
            }
            Ok(RuleSpec::Total)
        }
        Some("two_axis") => two_axis(raw, signals).map(RuleSpec::TwoAxis),
        Some(other) => {
            let hint = crate::suggest(other, ["total", "two_axis"]).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
            Err(format!("[rule] kind = {other:?}: expected \"total\" (one threshold on the total score) or \"two_axis\" (fit ≥ F and engagement ≥ E){hint}"))
        }
    }
}

fn two_axis(raw: RawRule, signals: &[Signal]) -> Result<TwoAxisSpec, String> {
    for axis in [Axis::Fit, Axis::Engagement] {
        if !signals.iter().any(|s| s.axis == axis) {
            return Err(format!("[rule] kind = \"two_axis\" needs {axis} signals and the config has none; add one or use kind = \"total\""));
        }
    }
    let fit_min = minimum("fit_min", raw.fit_min.as_ref())?;
    let engagement_min = minimum("engagement_min", raw.engagement_min.as_ref())?;
    let grades = match (raw.fit_grades, raw.engagement_grades) {
        (Some(f), Some(e)) => Some(Grades {
            fit: bounds("fit_grades", &f)?,
            engagement: bounds("engagement_grades", &e)?,
            routes: raw.routes.as_ref().map(routes).transpose()?.unwrap_or_default(),
        }),
        (None, None) if raw.routes.is_some() => {
            return Err("[rule.routes] names grade cells, which need [rule] fit_grades and engagement_grades".into())
        }
        (None, None) => None,
        (Some(_), None) => return Err("[rule] fit_grades needs engagement_grades too: a grade is a cell of both, e.g. \"B2\"".into()),
        (None, Some(_)) => return Err("[rule] engagement_grades needs fit_grades too: a grade is a cell of both, e.g. \"B2\"".into()),
    };
    if let Some(g) = &grades {
        g.check(&RuleKeys::CONFIG)?;
        if let (Some(f), Some(e)) = (fit_min, engagement_min) {
            mqlcal_scorecard::check_sales_cells(g, f, e, &RuleKeys::CONFIG)?;
        }
    }
    Ok(TwoAxisSpec { fit_min, engagement_min, grades })
}
