//! `[input]`: which files to read (the layout), how to read them (CSV options,
//! duplicates) and the export's `as_of` date.

use std::path::PathBuf;

use serde::Deserialize;

use crate::columns::RawColumns;
use mqlcal_scorecard::{DecimalMark, IdCase, TimeZone};

use crate::{CsvOptions, Duplicates, Encoding, Layout};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    pub leads: Option<FileList>,
    pub won: Option<String>,
    pub lost: Option<String>,
    pub open: Option<String>,
    pub won_ids: Option<String>,
    pub events: Option<FileList>,
    /// A feature table (as `mqlcal features` or the feature SQL writes it) read in place
    /// of the leads and events for fitting and backtesting.
    pub features: Option<String>,
    pub delimiter: Option<String>,
    /// The numbers' decimal mark: "." (the default) or ",".
    pub decimal: Option<String>,
    pub encoding: Option<String>,
    /// The sheet of a workbook input to read (its first when unset).
    pub sheet: Option<String>,
    pub missing: Option<Vec<String>>,
    pub duplicates: Option<String>,
    /// "exact" (the default) or "ignore": ids that differ only in case name one lead.
    pub id_case: Option<String>,
    /// An IANA zone name: the wall clock times without a zone are read on, and instants moved to.
    pub time_zone: Option<String>,
    pub as_of: Option<RawDate>,
    pub earliest_date: Option<RawDate>,
    pub latest_date: Option<RawDate>,
}

/// One file, or several (`["a.csv", "b.csv"]`); any may be a pattern (`"activities/*.csv"`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged, expecting = "expected a path, or a list of paths, such as \"export.csv\" or [\"export-2024.csv\", \"export-2025.csv\"]")]
pub enum FileList {
    One(String),
    Many(Vec<String>),
}

impl FileList {
    pub(crate) fn entries(&self) -> &[String] {
        match self {
            FileList::One(one) => std::slice::from_ref(one),
            FileList::Many(many) => many,
        }
    }
}

/// A date written as TOML text (`"2025-12-31"`) or as a TOML date (`2025-12-31`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged, expecting = "expected a date such as \"2025-12-31\" or 2025-12-31")]
pub enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
}

impl RawDate {
    /// The date as written (TOML text trimmed, a TOML date printed).
    fn text(&self) -> String {
        match self {
            RawDate::Text(t) => t.trim().to_string(),
            RawDate::Toml(d) => d.to_string(),
        }
    }
}

/// The files named in `[input]` (no empty paths) and how they fit together.
pub(crate) fn check_layout(input: &RawInput, columns: &RawColumns, resolve: &dyn Fn(&str) -> PathBuf, base: &std::path::Path) -> Result<Layout, String> {
    if let Some(FileList::One(one)) = &input.leads {
        if one.trim().is_empty() {
            return Err("[input] leads = \"\": expected the path of the file (relative to the config file), or remove the key".into());
        }
    }
    if input.leads.as_ref().is_some_and(|e| e.entries().is_empty() || e.entries().iter().any(|p| p.trim().is_empty())) {
        return Err("[input] leads: expected the path of the leads file (relative to the config file), a list of them, or a pattern such as \"leads/*.csv\"; or remove the key".into());
    }
    // Several files are one (a list, or a pattern: exports split by year); a pattern that
    // matches nothing is kept, and named by the commands that read the leads.
    let lead_files = |leads: &FileList| -> Result<Vec<PathBuf>, String> {
        let entries: Vec<PathBuf> = leads.entries().iter().map(PathBuf::from).collect();
        crate::files::files_named(&entries, Some(base), "[input] leads", false)
    };
    let paths = [
        ("won", &input.won),
        ("lost", &input.lost),
        ("open", &input.open),
        ("won_ids", &input.won_ids),
    ];
    if let Some((key, _)) = paths.iter().find(|(_, v)| v.as_deref().is_some_and(|p| p.trim().is_empty())) {
        return Err(format!("[input] {key} = \"\": expected the path of the file (relative to the config file), or remove the key"));
    }
    if input.events.as_ref().is_some_and(|e| e.entries().is_empty() || e.entries().iter().any(|p| p.trim().is_empty())) {
        return Err("[input] events: expected the path of the events file (relative to the config file), a list of them, or a pattern such as \"activities/*.csv\"; or remove the key".into());
    }

    let outcome_columns = columns.outcome.clone().map(crate::signals::OneOrMany::into_vec);
    if let Some(columns) = &outcome_columns {
        if columns.is_empty() || columns.iter().any(|c| c.trim().is_empty()) {
            return Err("[columns] outcome: expected the leads column that says won/lost/open (\"Status\"), or a list of such columns ([\"Lifecycle Stage\", \"Lead Status\"]: won when any says won, else lost when any says lost)".into());
        }
        if let Some(twice) = columns.iter().enumerate().find(|(k, c)| columns[..*k].contains(c)).map(|(_, c)| c) {
            return Err(format!("[columns] outcome lists {twice:?} twice: list it once"));
        }
    }
    let layout = match (&input.leads, &input.won, &input.lost, &input.won_ids) {
        (Some(leads), None, None, None) => Layout::OutcomeColumn {
            leads: lead_files(leads)?,
            outcome_columns: outcome_columns.ok_or(
                "[columns] outcome is required when [input] leads has no won_ids file \
                 (name the column that says won/lost/open)",
            )?,
        },
        (Some(leads), None, None, Some(won_ids)) => Layout::WonIds {
            leads: lead_files(leads)?,
            won_ids: resolve(won_ids),
            status_column: match outcome_columns.as_deref() {
                None => None,
                Some([one]) => Some(one.clone()),
                Some(several) => {
                    return Err(format!(
                        "[columns] outcome = {several:?} with [input] won_ids: the won ids say who won, and one status column says which of the others are still open; name one"
                    ))
                }
            },
        },
        (None, Some(won), Some(lost), None) => Layout::SeparateFiles {
            won: resolve(won),
            lost: resolve(lost),
            open: input.open.as_deref().map(resolve),
        },
        (None, None, None, _) => {
            return Err("[input] names no leads file: set `leads` (with an outcome column or \
                        `won_ids`), or `won` and `lost`"
                .into())
        }
        (None, Some(_), None, _) | (None, None, Some(_), _) => {
            return Err("[input] `won` and `lost` go together: set both files".into())
        }
        _ => {
            return Err("[input] mixes layouts: use either `leads` (+ optional `won_ids`) \
                        or `won` + `lost`, not both"
                .into())
        }
    };
    if input.open.is_some() && !matches!(layout, Layout::SeparateFiles { .. }) {
        return Err("[input] `open` is only for the won/lost files layout".into());
    }
    Ok(layout)
}

/// `delimiter`, `decimal`, `encoding`, `missing` and `duplicates`.
pub(crate) fn check_csv(input: &RawInput) -> Result<(CsvOptions, Duplicates), String> {
    let delimiter = match input.delimiter.as_deref() {
        None | Some("auto") => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(format!(
                "[input] delimiter = {d:?}: expected \"auto\" or one ASCII character such as \",\" or \";\""
            ))
        }
    };
    let decimal = match input.decimal.as_deref().map(str::trim) {
        None | Some(".") => DecimalMark::Point,
        Some(",") => DecimalMark::Comma,
        Some(other) => {
            return Err(format!(
                "[input] decimal = {other:?}: expected \".\" (1234.5, the default) or \",\" (1234,5 or 1.234,5, as most European locales write numbers)"
            ))
        }
    };
    let encoding = match input.encoding.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("utf-8") | Some("utf8") => Encoding::Utf8,
        Some("latin-1") | Some("latin1") | Some("iso-8859-1") => Encoding::Latin1,
        Some("auto") => Encoding::Auto,
        Some(other) => {
            return Err(format!(
                "[input] encoding = {other:?}: expected \"utf-8\", \"latin-1\" or \"auto\""
            ))
        }
    };
    let sheet = match input.sheet.as_deref() {
        Some(name) if name.trim().is_empty() => return Err(format!("[input] sheet = {name:?}: expected the name of a workbook's sheet (or leave it out to read the first)")),
        other => other.map(str::to_string),
    };
    let missing = input.missing.clone().unwrap_or_else(|| {
        ["", "Select", "NA", "N/A", "null", "NULL"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    });
    const POLICIES: [Duplicates; 4] = [Duplicates::Error, Duplicates::KeepFirst, Duplicates::KeepLast, Duplicates::WonIfAny];
    let duplicates = match input.duplicates.as_deref() {
        None => Duplicates::Error,
        Some(written) => POLICIES.into_iter().find(|p| p.as_str() == written).ok_or_else(|| {
            let listed: Vec<String> = POLICIES.iter().map(|p| format!("{:?}", p.as_str())).collect();
            format!("[input] duplicates = {written:?}: expected {}", listed.join(", "))
        })?,
    };
    Ok((CsvOptions { delimiter, decimal, encoding, sheet, missing }, duplicates))
}

/// `[input] id_case`: how ids are matched across the files (and told apart within one).
pub(crate) fn check_id_case(input: &RawInput) -> Result<IdCase, String> {
    match input.id_case.as_deref().map(str::trim) {
        None | Some("exact") => Ok(IdCase::Exact),
        Some("ignore") => Ok(IdCase::Ignore),
        Some(other) => Err(format!(
            "[input] id_case = {other:?}: expected \"exact\" (ids match as written, the default) or \"ignore\" (ids that differ only in the case of their letters, such as e-mail addresses one system lower-cases, name one lead)"
        )),
    }
}

/// `[input] time_zone`: the clock times are read on (None: UTC, which changes nothing and
/// is not recorded).
pub(crate) fn check_time_zone(input: &RawInput) -> Result<Option<TimeZone>, String> {
    let Some(name) = input.time_zone.as_deref() else { return Ok(None) };
    let zone = TimeZone::named(name).map_err(|e| format!("[input] time_zone = {name:?}: {e}"))?;
    Ok(Some(zone).filter(|z| !z.is_utc()))
}

/// `[input] earliest_date` / `latest_date`: the creation dates a lead may have
/// (from the start of the first day to the end of the last); outside them a date
/// is a typo or a placeholder (9999-12-31, 1900-01-01) and an error.
pub(crate) fn check_plausible_dates(input: &RawInput) -> Result<crate::PlausibleDates, String> {
    let day = |key: &str, raw: &RawDate, end_of_day: bool| -> Result<i64, String> {
        let text = raw.text();
        let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| format!("[input] {key} = {text:?}: expected a date, \"YYYY-MM-DD\""))?;
        let (h, m, s) = if end_of_day { (23, 59, 59) } else { (0, 0, 0) };
        Ok(date.and_hms_opt(h, m, s).map_or(0, |t| t.and_utc().timestamp()))
    };
    let earliest = input.earliest_date.as_ref().map(|d| day("earliest_date", d, false)).transpose()?.unwrap_or(crate::PlausibleDates::DEFAULT_EARLIEST);
    let latest = input.latest_date.as_ref().map(|d| day("latest_date", d, true)).transpose()?;
    if latest.is_some_and(|l| l <= earliest) {
        return Err("[input] latest_date must come after earliest_date".into());
    }
    Ok(crate::PlausibleDates { earliest, latest })
}

/// `[input] as_of`: a date (midnight ending that day is *not* implied: 2025-12-31 means
/// 2025-12-31 23:59:59, the whole day is in the export) or a date and time.
pub(crate) fn parse_as_of(raw: &RawDate) -> Result<i64, String> {
    let text = raw.text();
    let expected = || {
        format!(
            "[input] as_of = {text:?}: expected the export's date, \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM[:SS]\" \
             (leave it out to use the latest date in the leads and events)"
        )
    };
    let stamp = if let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        date.and_hms_opt(23, 59, 59).ok_or_else(expected)?
    } else {
        let normal = text.replacen('T', " ", 1);
        chrono::NaiveDateTime::parse_from_str(&normal, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(&normal, "%Y-%m-%d %H:%M"))
            .map_err(|_| expected())?
    };
    Ok(stamp.and_utc().timestamp())
}
