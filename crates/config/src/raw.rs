//! The TOML as written, before checking. Unknown keys are rejected by serde;
//! `parse` turns serde's "expected one of" list into a "did you mean".
//! Each section's raw type and its check live in the section's module
//! (`input`, `columns`, `outcome`, `events`, `signals`, `model`, `sales`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::columns::{RawColumns, RawCohorts};
use crate::events::RawEvents;
use crate::input::RawInput;
use crate::model::RawModel;
use crate::outcome::RawOutcome;
use crate::signals::RawSignal;
use crate::{suggest, Config};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub input: RawInput,
    #[serde(default)]
    pub columns: RawColumns,
    pub outcome: Option<RawOutcome>,
    pub exclude: Option<std::collections::BTreeMap<String, crate::signals::OneOrMany>>,
    pub events: Option<RawEvents>,
    #[serde(default)]
    pub cohorts: RawCohorts,
    #[serde(default)]
    pub signals: Vec<RawSignal>,
    pub model: Option<RawModel>,
    pub sales: Option<crate::sales::RawSales>,
    pub backtest: Option<crate::sales::RawBacktest>,
    pub rule: Option<crate::rule::RawRule>,
}

/// Parse TOML text; unknown keys get the nearest known key suggested.
pub fn parse(text: &str) -> Result<RawConfig, String> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let message = e.message().to_string();
        let location = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                format!("line {line}{}: ", key_at(text, line))
            })
            .unwrap_or_default();
        format!("{location}{}", with_suggestion(&message))
    })
}

/// " ([section] key)" of the `key = value` on 1-based `line`, or "" when the line is no such pair.
fn key_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some((key, _)) = lines.get(line - 1).and_then(|l| l.split_once('=')) else {
        return String::new();
    };
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('#') || key.starts_with('[') {
        return String::new();
    }
    let section = lines[..line - 1].iter().rev().map(|l| l.trim()).find(|l| l.starts_with('[') && !l.starts_with("#"));
    match section {
        Some(section) => format!(" ({section} {key})"),
        None => format!(" ({key})"),
    }
}

/// serde says "unknown field `windw_days`, expected one of `a`, `b`"; add "did you mean `b`?".
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some(end) = rest.find('`') else {
        return message.to_string();
    };
    let unknown = &rest[..end];
    let expected: Vec<&str> = rest[end..]
        .split('`')
        .enumerate()
        .filter(|(i, _)| *i > 0 && i % 2 == 0)
        .map(|(_, s)| s)
        .collect();
    match suggest(unknown, expected.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

impl RawConfig {
    /// Check everything once; the message names the section and key at fault.
    /// Sections are checked in this order, so the first fault reported is always the same.
    pub(crate) fn check(self, text: &str, path: &Path, base_dir: &Path) -> Result<Config, String> {
        let resolve = |p: &str| -> PathBuf {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir.join(p)
            }
        };
        let layout = crate::input::check_layout(&self.input, &self.columns, &resolve, base_dir)?;
        let (csv, duplicates) = crate::input::check_csv(&self.input)?;
        let id_case = crate::input::check_id_case(&self.input)?;
        let time_zone = crate::input::check_time_zone(&self.input)?;
        let (id_column, leads_date_format) = crate::columns::check_columns(&self.columns)?;
        let as_of = self.input.as_of.as_ref().map(crate::input::parse_as_of).transpose()?;
        let feature_table = match self.input.features.as_deref() {
            Some(p) if p.trim().is_empty() => {
                return Err("[input] features = \"\": expected the path of the feature table (relative to the config file), or remove the key".into())
            }
            p => p.map(resolve),
        };
        let plausible_dates = crate::input::check_plausible_dates(&self.input)?;
        let outcome = crate::outcome::check_outcome(self.outcome.as_ref(), &layout)?;
        let events = crate::events::check_events(self.input.events.as_ref(), self.events.as_ref(), base_dir)?;
        let decided_at = crate::columns::check_decided_at(&self.columns, &leads_date_format, events.is_some())?;
        let events_key = crate::columns::check_events_key(&self.columns, &id_column, events.is_some())?;
        crate::columns::check_decisions_are_read(decided_at.as_ref(), &layout, &outcome)?;
        let dates: Vec<&str> = self.columns.created_at.iter().map(String::as_str).chain(decided_at.as_ref().map(|d| d.column.as_str())).collect();
        let events_also_key = crate::columns::check_events_also_key(&self.columns, events_key.as_deref().unwrap_or(&id_column), &dates, events.is_some())?;
        let events_also_key_separator = crate::columns::check_events_also_key_separator(&self.columns, &events_also_key)?;
        let exclude = crate::exclude::check_exclude(self.exclude, &outcome, &layout, &csv.missing, &dates, feature_table.is_some())?;
        let period = crate::columns::check_period(&self.cohorts)?;
        let signals = crate::signals::check_signals(self.signals, events.is_some())?;
        crate::signals::check_spellings_are_read(&signals, &csv.missing)?;
        crate::signals::check_details(&signals, events.as_ref())?;
        let model = crate::model::check_model(self.model, &signals, &resolve)?;
        let sales = crate::sales::check_sales(self.sales)?;
        let backtest = crate::sales::check_backtest(self.backtest)?;
        let rule = crate::rule::check_rule(self.rule, &signals)?;

        Ok(Config {
            model,
            sales,
            backtest,
            rule,
            source_path: path.to_path_buf(),
            source_text: text.to_string(),
            as_of,
            feature_table,
            plausible_dates,
            layout,
            csv,
            duplicates,
            id_case,
            time_zone,
            id_column,
            events_key,
            events_also_key,
            events_also_key_separator,
            created_at_column: self.columns.created_at,
            date_format: leads_date_format,
            decided_at,
            outcome,
            exclude,
            segments: self.columns.segments,
            events,
            period,
            signals,
        })
    }
}
