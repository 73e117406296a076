//! `[events]`: the columns of the long-form events file and the engagement window.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::columns::parse_date_format;
use crate::input::FileList;
use crate::EventsSpec;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    pub lead_id: Option<String>,
    pub occurred_at: Option<String>,
    pub activity: Option<String>,
    pub detail: Option<String>,
    pub date_format: Option<String>,
    pub window_days: Option<i64>,
    pub starts_before_seconds: Option<i64>,
}

/// The longest `starts_before_seconds`: a clock's lag, a day at most (time zones differ
/// by less); activity from days before the lead existed is not what the window counts.
const STARTS_BEFORE_MAX: i64 = 86_400;

/// The files `[input] events` names, in order, relative to the config's folder `base`
/// ([`crate::files_named`]). A pattern that matches no file here is kept as written: a
/// command that reads no events (the feature SQL, a fit from `[input] features`) needs
/// none, and one that does names it.
fn event_files(files: &FileList, base: &Path) -> Result<Vec<PathBuf>, String> {
    let entries: Vec<PathBuf> = files.entries().iter().map(|e| PathBuf::from(e.trim())).collect();
    crate::files::files_named(&entries, Some(base), "[input] events", false)
}

/// The events file of `[input] events` with its `[events]` settings; `[events]`
/// without a file is an error.
pub(crate) fn check_events(files: Option<&FileList>, raw: Option<&RawEvents>, base: &Path) -> Result<Option<EventsSpec>, String> {
    let events = match (files, raw) {
        (Some(files), raw) => {
            let e = raw;
            let window_days = e.and_then(|e| e.window_days).unwrap_or(30);
            if !(1..=3650).contains(&window_days) {
                return Err(format!(
                    "[events] window_days = {window_days}: expected 1 to 3650 days (events in [created_at, created_at + window_days] count; 0 would count almost nothing)"
                ));
            }
            let starts_before = e.and_then(|e| e.starts_before_seconds).unwrap_or(0);
            if !(0..=STARTS_BEFORE_MAX).contains(&starts_before) {
                return Err(format!(
                    "[events] starts_before_seconds = {starts_before}: expected 0 to {STARTS_BEFORE_MAX} seconds (the window then starts that long before created_at: for an activity stamped a moment before the lead record, such as the form fill that creates it)"
                ));
            }
            Some(EventsSpec {
                paths: event_files(files, base)?,
                lead_id: e.and_then(|e| e.lead_id.clone()).unwrap_or_else(|| "lead_id".into()),
                occurred_at: e
                    .and_then(|e| e.occurred_at.clone())
                    .unwrap_or_else(|| "occurred_at".into()),
                activity: e
                    .and_then(|e| e.activity.clone())
                    .unwrap_or_else(|| "activity".into()),
                detail: match e.and_then(|e| e.detail.as_deref()) {
                    Some(d) if d.trim().is_empty() => {
                        return Err(format!("[events] detail = {d:?}: expected the events column that says what each event was about (the page, the e-mail), or remove the key"))
                    }
                    d => d.map(str::to_string),
                },
                date_format: parse_date_format(
                    e.and_then(|e| e.date_format.as_deref()),
                    "[events] date_format",
                )?,
                window_days: window_days as u32,
                starts_before_seconds: starts_before as u32,
            })
        }
        (None, Some(_)) => {
            return Err("[events] is set but [input] events names no file".into());
        }
        (None, None) => None,
    };
    Ok(events)
}
