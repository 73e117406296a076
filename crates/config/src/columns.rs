//! `[columns]` (which leads column means what) and `[cohorts]` (how leads are
//! grouped in time), and the date formats both the leads and events files take.

use serde::Deserialize;

use crate::{DateFormat, DateLayout, DecidedAt, Layout, OutcomeMap, Period};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    pub id: Option<String>,
    pub created_at: Option<String>,
    pub date_format: Option<String>,
    /// One column, or several each mapped by `[outcome]` (won if any says won, else lost if any says lost).
    pub outcome: Option<crate::signals::OneOrMany>,
    pub decided_at: Option<String>,
    pub decided_at_format: Option<String>,
    /// The leads column the events' lead ids are values of, when it is not `id`.
    pub events_key: Option<String>,
    /// Other leads columns the events may name a lead by (the contact it converted into).
    pub events_also_key: Option<crate::signals::OneOrMany>,
    /// What separates several values in one `events_also_key` cell (HubSpot's merged ids).
    pub events_also_key_separator: Option<String>,
    #[serde(default)]
    pub segments: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCohorts {
    pub period: Option<String>,
}

/// `[columns] events_key`: the leads column the events name leads by (an e-mail address)
/// when it is not the id (the CRM's record id, which some leads' addresses lack); needs an
/// events file. None when unset or the id itself.
pub(crate) fn check_events_key(columns: &RawColumns, id_column: &str, events: bool) -> Result<Option<String>, String> {
    match columns.events_key.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err("[columns] events_key = \"\": expected the leads column the events' lead ids are values of (an e-mail column), or remove the key to match them to [columns] id".into()),
        Some(_) if !events => Err("[columns] events_key needs an events file ([input] events): it says which leads column the events name leads by".into()),
        Some(key) if key == id_column => Ok(None),
        Some(key) => Ok(Some(key.to_string())),
    }
}

/// `[columns] events_also_key`: leads columns holding other ids the events name a lead by
/// once its record moved (Salesforce files a converted lead's activities under the contact
/// it became, whose id the lead keeps in `ConvertedContactId`). Needs an events file; each
/// a column apart from the key and the dates. Empty when unset.
pub(crate) fn check_events_also_key(columns: &RawColumns, key: &str, dates: &[&str], events: bool) -> Result<Vec<String>, String> {
    let Some(raw) = columns.events_also_key.clone() else {
        return Ok(Vec::new());
    };
    let also = raw.into_vec();
    if also.is_empty() {
        return Err("[columns] events_also_key = []: list the leads columns with other ids the events name leads by (\"ConvertedContactId\", say), or remove the key".into());
    }
    if !events {
        return Err("[columns] events_also_key needs an events file ([input] events): it says which other leads columns the events name leads by".into());
    }
    for (k, column) in also.iter().enumerate() {
        if column.trim().is_empty() || column.trim() != column {
            return Err(format!("[columns] events_also_key holds {column:?}: expected a leads column's name as its header writes it, trimmed and not blank"));
        }
        if column == key {
            return Err(format!("[columns] events_also_key names {column:?}, the column the events already name leads by ([columns] {}): list only other columns", if columns.events_key.as_deref().is_some_and(|k| k.trim() == key) { "events_key" } else { "id" }));
        }
        if dates.contains(&column.as_str()) {
            return Err(format!("[columns] events_also_key names {column:?}, a date column: expected a column of ids (\"ConvertedContactId\", say)"));
        }
        if also[..k].contains(column) {
            return Err(format!("[columns] events_also_key lists {column:?} twice: list it once"));
        }
    }
    Ok(also)
}

/// `[columns] events_also_key_separator`: what separates several ids in one cell of the
/// `events_also_key` columns (HubSpot keeps the ids of the contacts merged into one in
/// `hs_merged_object_ids`, `"101;102"`). ASCII punctuation only (no letter a folded id
/// could change, nothing a query's literal or Spark's pattern reads otherwise); each piece
/// is trimmed. None when unset.
pub(crate) fn check_events_also_key_separator(columns: &RawColumns, also: &[String]) -> Result<Option<String>, String> {
    let Some(separator) = &columns.events_also_key_separator else {
        return Ok(None);
    };
    if also.is_empty() {
        return Err("[columns] events_also_key_separator needs [columns] events_also_key: it says what separates several ids in one cell of those columns".into());
    }
    if separator.is_empty() || !separator.chars().all(|c| c.is_ascii_punctuation()) {
        return Err(format!(
            "[columns] events_also_key_separator = {separator:?}: expected the punctuation between the ids of one cell, such as \";\" or \",\" (ASCII punctuation: no letter, digit or white space)"
        ));
    }
    Ok(Some(separator.clone()))
}

/// The id column (required) and the leads' date format.
pub(crate) fn check_columns(columns: &RawColumns) -> Result<(String, DateFormat), String> {
    let id_column = columns
        .id
        .clone()
        .ok_or("[columns] id is required: the column that identifies a lead")?;
    let leads_date_format = parse_date_format(columns.date_format.as_deref(), "[columns] date_format")?;
    Ok((id_column, leads_date_format))
}

/// `[columns] decided_at` (with its date format, the leads' by default): a decided
/// lead's engagement window ends at its decision. Only events can leak past it, so it
/// needs an events file; and a window that starts at creation needs the creation date.
pub(crate) fn check_decided_at(columns: &RawColumns, leads_date_format: &DateFormat, has_events: bool) -> Result<Option<DecidedAt>, String> {
    let Some(column) = columns.decided_at.clone() else {
        return match columns.decided_at_format {
            Some(_) => Err("[columns] decided_at_format is set but [columns] decided_at names no column".into()),
            None => Ok(None),
        };
    };
    if column.trim().is_empty() {
        return Err("[columns] decided_at = \"\": expected the column with each lead's decision date (when it was won or lost), or remove the key".into());
    }
    if !has_events {
        return Err(format!(
            "[columns] decided_at = {column:?} ends each decided lead's engagement window at its decision, but [input] events names no events file: there is no window to end; remove the key or add the events"
        ));
    }
    if columns.created_at.is_none() {
        return Err(format!("[columns] decided_at = {column:?} needs [columns] created_at: the engagement window starts at the creation date"));
    }
    let date_format = match columns.decided_at_format.as_deref() {
        None => leads_date_format.clone(),
        raw => parse_date_format(raw, "[columns] decided_at_format")?,
    };
    Ok(Some(DecidedAt { column, date_format }))
}

/// With won ids, no status column and the stale-open rule, a lead not in the won ids is
/// open when its decision date would be read (the rule decides it after the windows are
/// counted): only won leads' windows would end at decisions, a bias against them.
pub(crate) fn check_decisions_are_read(decided_at: Option<&DecidedAt>, layout: &Layout, outcome: &OutcomeMap) -> Result<(), String> {
    match (decided_at, layout, outcome.open_after_days) {
        (Some(decided), Layout::WonIds { status_column: None, .. }, Some(days)) => Err(format!(
            "[columns] decided_at = {:?} with [input] won_ids and [outcome] open_after_days = {days}: a lead not in the won ids is open until that rule decides it, after its window is counted, so only won leads' windows would end at their decisions (a bias against them); add a status column ([columns] outcome with [outcome] open) or remove decided_at",
            decided.column
        )),
        _ => Ok(()),
    }
}

/// `[cohorts] period`.
pub(crate) fn check_period(cohorts: &RawCohorts) -> Result<Period, String> {
    let period = match cohorts.period.as_deref() {
        None | Some("quarter") => Period::Quarter,
        Some("month") => Period::Month,
        Some(other) => {
            return Err(format!(
                "[cohorts] period = {other:?}: expected \"month\" or \"quarter\""
            ))
        }
    };
    Ok(period)
}

pub(crate) fn parse_date_format(raw: Option<&str>, key: &str) -> Result<DateFormat, String> {
    match raw {
        None | Some("auto") => Ok(DateFormat::Auto),
        Some(p) => DateLayout::named(p).map(DateFormat::Fixed).ok_or_else(|| {
            format!("{key} = {p:?}: expected \"auto\", {} or a strftime pattern such as \"%d/%m/%Y\" or \"%Y-%m-%d %H:%M:%S\"", DateLayout::NAMES)
        }),
    }
}
