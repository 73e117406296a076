//! How each feature column is computed from a raw lead and its events, so a
//! production scorer needs nothing but the model file. Mirrors the ingest of
//! `mqlcal` exactly (a test compares the two on every lead of the sample).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DateLayout;

/// What a model reads from the leads and events files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub id_column: String,
    /// Creation time (the as-of window starts there); needed by event signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_column: Option<String>,
    /// How the creation dates were written in the training data (None in older model
    /// files: the scorer detects it, the SQL reads ISO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_format: Option<DateLayout>,
    /// Cell texts (after trimming) that mean blank, e.g. "", "Select", "NA".
    pub missing: Vec<String>,
    /// Events count when they happen in [created_at, created_at + window_days].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_days: Option<u32>,
    /// Columns of the long-form events file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_columns: Option<EventColumns>,
}

/// Column names of the events file (one row per event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventColumns {
    pub lead_id: String,
    pub occurred_at: String,
    pub activity: String,
    /// How the event times were written in the training data (None in older model files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at_format: Option<DateLayout>,
}

impl Inputs {
    /// The engagement window the model's event signals count in.
    pub fn window(&self) -> EventWindow {
        EventWindow::from_days(self.window_days.unwrap_or(0))
    }
}

/// The engagement window, the one home of its rule: an event counts when it
/// happens in `[created_at, created_at + window]`, and its age (for decay) is
/// measured back from the window's end. Ingest, the raw-lead scorer and the SQL
/// export all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventWindow {
    pub seconds: i64,
}

impl EventWindow {
    pub const SECONDS_PER_DAY: i64 = 86_400;

    pub fn from_days(days: u32) -> Self {
        EventWindow { seconds: i64::from(days) * Self::SECONDS_PER_DAY }
    }

    /// The last second an event of a lead created at `created` counts.
    pub fn end(self, created: i64) -> i64 {
        created.saturating_add(self.seconds)
    }

    /// Whether an event at `occurred` counts for a lead created at `created`.
    pub fn contains(self, created: i64, occurred: i64) -> bool {
        occurred >= created && occurred <= self.end(created)
    }

    /// Days from an event to the window's end: what decay weighs.
    pub fn age_days(self, created: i64, occurred: i64) -> f64 {
        (self.end(created) - occurred) as f64 / Self::SECONDS_PER_DAY as f64
    }
}

/// Recency weight of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    None,
    /// DOMAIN.md's practice: 1.0 for 0–7 days before the scoring moment, 0.8 for 8–30,
    /// 0.6 for 31–60, 0.4 for 61–90, 0.2 after ([`Decay::STANDARD_STEPS`]).
    Standard,
}

impl Decay {
    /// `(up to this age in days, weight)`, ascending; older events weigh
    /// [`Decay::STANDARD_TAIL`]. The SQL export writes its CASE from this table.
    pub const STANDARD_STEPS: [(f64, f64); 4] = [(7.0, 1.0), (30.0, 0.8), (60.0, 0.6), (90.0, 0.4)];
    pub const STANDARD_TAIL: f64 = 0.2;

    /// Weight of an event `age_days` old at the scoring moment.
    pub fn weight(self, age_days: f64) -> f64 {
        match self {
            Decay::None => 1.0,
            Decay::Standard => {
                Self::STANDARD_STEPS.iter().find(|(up_to, _)| age_days <= *up_to).map_or(Self::STANDARD_TAIL, |(_, weight)| *weight)
            }
        }
    }
}

/// A number from a cell: blank → `default`, clipped to [floor, cap], times `scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberRule {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    pub scale: f64,
    /// The value of a blank cell; without it a blank is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<f64>,
    /// A count: negative values are errors.
    pub non_negative: bool,
}

/// How one feature column is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipe {
    /// 1 when the trimmed cell equals `value`, else 0 (blanks are 0).
    Level { column: String, value: String },
    /// 1 when the trimmed cell equals one of `equals`, else 0.
    Flag { column: String, equals: Vec<String> },
    /// The number itself.
    Number(NumberRule),
    /// 1 when the number falls in [min, max) (no max: [min, ∞)), else 0.
    Bin {
        #[serde(flatten)]
        number: NumberRule,
        min: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// Events of these activities inside the window, each weighted by its age
    /// (days before the window's end), summed, capped at `cap`, times `scale`.
    Events {
        activities: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<f64>,
        scale: f64,
        decay: Decay,
    },
}

/// One raw event of a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    /// Seconds since 1970-01-01 (same clock as `RawLead::created_at`).
    pub occurred_at: i64,
    pub activity: String,
}

/// One lead as production sees it: its cells by column name, creation time and events.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawLead {
    pub cells: BTreeMap<String, String>,
    /// Seconds since 1970-01-01.
    pub created_at: Option<i64>,
    pub events: Vec<RawEvent>,
}

/// Why a raw lead cannot be turned into features.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecipeError {
    #[error("the lead has no column {column:?}, which signal {signal:?} reads")]
    MissingColumn { signal: String, column: String },
    #[error("column {column:?}: {text:?} is not a number (signal {signal:?})")]
    NotANumber { signal: String, column: String, text: String },
    #[error("column {column:?}: {value} is negative, but signal {signal:?} is a count")]
    Negative { signal: String, column: String, value: f64 },
    #[error("column {column:?} is blank and signal {signal:?} has no default")]
    Blank { signal: String, column: String },
    #[error("signal {signal:?} counts events, which need the lead's creation time")]
    NoCreatedAt { signal: String },
    #[error("signal {signal:?} has no recipe: this model file cannot score raw leads (refit it with mqlcal {version} or later)")]
    NoRecipe { signal: String, version: String },
}

fn cell<'a>(lead: &'a RawLead, signal: &str, column: &str, missing: &[String]) -> Result<Option<&'a str>, RecipeError> {
    let raw = lead
        .cells
        .get(column)
        .ok_or_else(|| RecipeError::MissingColumn { signal: signal.to_string(), column: column.to_string() })?;
    let text = raw.trim();
    Ok(if missing.iter().any(|m| m == text) { None } else { Some(text) })
}

fn number(lead: &RawLead, signal: &str, rule: &NumberRule, missing: &[String]) -> Result<f64, RecipeError> {
    let raw = match cell(lead, signal, &rule.column, missing)? {
        None => rule.default.ok_or_else(|| RecipeError::Blank { signal: signal.into(), column: rule.column.clone() })?,
        Some(text) => text.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| RecipeError::NotANumber {
            signal: signal.into(),
            column: rule.column.clone(),
            text: text.to_string(),
        })?,
    };
    if rule.non_negative && raw < 0.0 {
        return Err(RecipeError::Negative { signal: signal.into(), column: rule.column.clone(), value: raw });
    }
    Ok(clip_and_scale(raw, rule.floor, rule.cap, rule.scale))
}

/// A number clipped to `[floor, cap]`, then times `scale`: the one home of that rule.
pub fn clip_and_scale(raw: f64, floor: Option<f64>, cap: Option<f64>, scale: f64) -> f64 {
    let mut v = raw;
    if let Some(floor) = floor {
        v = v.max(floor);
    }
    if let Some(cap) = cap {
        v = v.min(cap);
    }
    v * scale
}

impl Recipe {
    /// The feature value of `lead` (`signal` names it in errors).
    pub fn value(&self, signal: &str, lead: &RawLead, inputs: &Inputs) -> Result<f64, RecipeError> {
        let missing = &inputs.missing;
        Ok(match self {
            Recipe::Level { column, value } => f64::from(u8::from(cell(lead, signal, column, missing)? == Some(value.as_str()))),
            Recipe::Flag { column, equals } => {
                f64::from(u8::from(cell(lead, signal, column, missing)?.is_some_and(|v| equals.iter().any(|e| e == v))))
            }
            Recipe::Number(rule) => number(lead, signal, rule, missing)?,
            Recipe::Bin { number: rule, min, max } => {
                let v = number(lead, signal, rule, missing)?;
                f64::from(u8::from(v >= *min && max.is_none_or(|m| v < m)))
            }
            Recipe::Events { activities, cap, scale, decay } => {
                let created = lead.created_at.ok_or_else(|| RecipeError::NoCreatedAt { signal: signal.into() })?;
                let window = inputs.window();
                let mut total = 0.0;
                for e in &lead.events {
                    if !window.contains(created, e.occurred_at) || !activities.iter().any(|a| a == &e.activity) {
                        continue;
                    }
                    total += decay.weight(window.age_days(created, e.occurred_at));
                }
                if let Some(cap) = cap {
                    total = total.min(*cap);
                }
                total * scale
            }
        })
    }

    /// The leads column it reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            Recipe::Level { column, .. } | Recipe::Flag { column, .. } => Some(column),
            Recipe::Number(rule) | Recipe::Bin { number: rule, .. } => Some(&rule.column),
            Recipe::Events { .. } => None,
        }
    }
}
