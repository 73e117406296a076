//! `[events]`: the columns of the long-form events file and the engagement window.

use std::path::PathBuf;

use serde::Deserialize;

use crate::columns::parse_date_format;
use crate::EventsSpec;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    pub lead_id: Option<String>,
    pub occurred_at: Option<String>,
    pub activity: Option<String>,
    pub date_format: Option<String>,
    pub window_days: Option<i64>,
}

/// The events file of `[input] events` with its `[events]` settings; `[events]`
/// without a file is an error.
pub(crate) fn check_events(file: Option<&str>, raw: Option<&RawEvents>, resolve: &dyn Fn(&str) -> PathBuf) -> Result<Option<EventsSpec>, String> {
    let events = match (file, raw) {
        (Some(file), raw) => {
            let e = raw;
            let window_days = e.and_then(|e| e.window_days).unwrap_or(30);
            if !(1..=3650).contains(&window_days) {
                return Err(format!(
                    "[events] window_days = {window_days}: expected 1 to 3650 days (events in [created_at, created_at + window_days] count; 0 would count almost nothing)"
                ));
            }
            Some(EventsSpec {
                path: resolve(file),
                lead_id: e.and_then(|e| e.lead_id.clone()).unwrap_or_else(|| "lead_id".into()),
                occurred_at: e
                    .and_then(|e| e.occurred_at.clone())
                    .unwrap_or_else(|| "occurred_at".into()),
                activity: e
                    .and_then(|e| e.activity.clone())
                    .unwrap_or_else(|| "activity".into()),
                date_format: parse_date_format(
                    e.and_then(|e| e.date_format.as_deref()),
                    "[events] date_format",
                )?,
                window_days: window_days as u32,
            })
        }
        (None, Some(_)) => {
            return Err("[events] is set but [input] events names no file".into());
        }
        (None, None) => None,
    };
    Ok(events)
}
