//! `[events]`: the columns of the long-form events file and the engagement window.

use std::path::PathBuf;

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
    pub date_format: Option<String>,
    pub window_days: Option<i64>,
    pub starts_before_seconds: Option<i64>,
}

/// The longest `starts_before_seconds`: a clock's lag, a day at most (time zones differ
/// by less); activity from days before the lead existed is not what the window counts.
const STARTS_BEFORE_MAX: i64 = 86_400;

/// The files `[input] events` names, in order: each path as given (relative to the
/// config's folder), each pattern (`*`, `?`, `[...]`) as the files it matches.
fn event_files(files: &FileList, resolve: &dyn Fn(&str) -> PathBuf) -> Result<Vec<PathBuf>, String> {
    events_files_named(files.entries(), resolve, "[input] events")
}

/// The events files `entries` name (`setting` says where, for messages), in order: each
/// path as given (`resolve`d), each pattern (`*`, `?`, `[...]`) as the files it matches,
/// sorted by name. A pattern that matches none, or a file named twice (its events would
/// count twice), is an error. `score --events` reads its arguments so too.
pub fn events_files_named(entries: &[String], resolve: &dyn Fn(&str) -> PathBuf, setting: &str) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = resolve(entry.trim());
        if !entry.contains(['*', '?', '[']) {
            paths.push(path);
            continue;
        }
        let pattern = path.to_string_lossy().into_owned();
        let matched = glob::glob(&pattern).map_err(|e| format!("{setting} {entry:?}: not a pattern mqlcal can read ({e})"))?;
        let mut found: Vec<PathBuf> = matched.filter_map(Result::ok).filter(|p| p.is_file()).collect();
        if found.is_empty() {
            return Err(format!("{setting} {entry:?} matches no file (looked for {pattern})"));
        }
        found.sort();
        paths.extend(found);
    }
    if let Some(twice) = paths.iter().enumerate().find_map(|(k, p)| paths[..k].contains(p).then_some(p)) {
        return Err(format!("{setting} names {} twice (its events would count twice): name each file once", twice.display()));
    }
    Ok(paths)
}

/// The events file of `[input] events` with its `[events]` settings; `[events]`
/// without a file is an error.
pub(crate) fn check_events(files: Option<&FileList>, raw: Option<&RawEvents>, resolve: &dyn Fn(&str) -> PathBuf) -> Result<Option<EventsSpec>, String> {
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
                paths: event_files(files, resolve)?,
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
