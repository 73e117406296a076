//! Turning a column of a table into text, numbers or timestamps, with an error
//! that names the file, row and column of the first bad cell.

use chrono::{NaiveDate, NaiveDateTime};
use mqlcal_config::DateFormat;
use polars::prelude::*;

use crate::read::Table;
use crate::DataError;

/// A column as text cells; blanks (and the config's missing markers) are None.
pub struct TextColumn {
    values: StringChunked,
}

impl TextColumn {
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.values.iter()
    }
}

/// True when a trimmed cell counts as blank.
pub fn is_missing(cell: &str, missing: &[String]) -> bool {
    let t = cell.trim();
    t.is_empty() || missing.iter().any(|m| m == t)
}

/// Normalise a cell: trimmed, None when blank or a missing marker.
pub fn clean<'a>(cell: Option<&'a str>, missing: &[String]) -> Option<&'a str> {
    // Trimmed once (this runs for every cell of a 20M-event file).
    let trimmed = cell?.trim();
    (!trimmed.is_empty() && !missing.iter().any(|m| m == trimmed)).then_some(trimmed)
}

fn series<'a>(table: &'a Table, column: &str) -> Result<&'a Column, DataError> {
    table.frame.column(column).map_err(|_| DataError::MissingColumn {
        path: table.path.clone(),
        column: column.to_string(),
        purpose: "the config".into(),
        available: table.column_names().join(", "),
        hint: String::new(),
    })
}

/// A column as text; numbers and booleans of a Parquet file are formatted.
pub fn text(table: &Table, column: &str) -> Result<TextColumn, DataError> {
    let s = series(table, column)?;
    let values = match s.dtype() {
        DataType::String => s.str().cloned(),
        dt if dt.is_primitive_numeric() || dt.is_bool() => s
            .cast(&DataType::String)
            .and_then(|c| c.str().cloned()),
        DataType::Null => s.cast(&DataType::String).and_then(|c| c.str().cloned()),
        // Typed dates (a warehouse export, mqlcal's own features.parquet) as ISO text.
        DataType::Date | DataType::Datetime(..) => s.cast(&DataType::String).and_then(|c| c.str().cloned()),
        other => {
            return Err(DataError::ColumnType {
                path: table.path.clone(),
                column: column.into(),
                found: other.to_string(),
                expected: "text".into(),
            })
        }
    }
    .map_err(|e| DataError::file(&table.path, e.to_string()))?;
    Ok(TextColumn { values })
}

/// A column as numbers: native numeric Parquet columns, or text parsed cell by cell.
/// Blank cells are None; unparseable text is an error naming the cell.
pub fn numbers(
    table: &Table,
    column: &str,
    missing: &[String],
) -> Result<Vec<Option<f64>>, DataError> {
    let s = series(table, column)?;
    match s.dtype() {
        DataType::String => {
            let ca = s.str().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            ca.iter()
                .enumerate()
                .map(|(row, cell)| match clean(cell, missing) {
                    None => Ok(None),
                    Some(text) => parse_number(text).map(Some).ok_or_else(|| DataError::Cell {
                        path: table.path.clone(),
                        row: row + 1,
                        column: column.into(),
                        message: format!("{text:?} is not a number"),
                    }),
                })
                .collect()
        }
        dt if dt.is_primitive_numeric() || dt.is_null() => {
            let cast = s
                .cast(&DataType::Float64)
                .map_err(|e| DataError::file(&table.path, e.to_string()))?;
            let ca = cast.f64().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            Ok(ca.iter().collect())
        }
        other => Err(DataError::ColumnType {
            path: table.path.clone(),
            column: column.into(),
            found: other.to_string(),
            expected: "a number (integer or float)".into(),
        }),
    }
}

/// Parse a number as exports write it: "1,234" is not accepted (ambiguous), "1.5", "-2", "NaN", "inf" are.
fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

/// A column as timestamps (seconds since 1970-01-01, naive), blanks None.
pub fn timestamps(
    table: &Table,
    column: &str,
    format: &DateFormat,
    missing: &[String],
) -> Result<Vec<Option<i64>>, DataError> {
    let s = series(table, column)?;
    match s.dtype() {
        DataType::String => {
            let ca = s.str().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            let layout = match format {
                DateFormat::Pattern(p) => DateLayout::Pattern(p.clone()),
                DateFormat::Auto => detect_layout(ca.iter().filter_map(|c| clean(c, missing)))
                    .map_err(|message| DataError::Cell {
                        path: table.path.clone(),
                        row: 0,
                        column: column.into(),
                        message,
                    })?,
            };
            ca.iter()
                .enumerate()
                .map(|(row, cell)| match clean(cell, missing) {
                    None => Ok(None),
                    Some(text) => layout.parse(text).map(Some).ok_or_else(|| DataError::Cell {
                        path: table.path.clone(),
                        row: row + 1,
                        column: column.into(),
                        message: format!(
                            "cannot read {text:?} as a date; expected {} (set date_format in the config)",
                            layout.describe()
                        ),
                    }),
                })
                .collect()
        }
        DataType::Date => {
            let ca = s.date().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            Ok(ca.physical().iter().map(|d| d.map(|d| d as i64 * 86_400)).collect())
        }
        DataType::Datetime(unit, _) => {
            let per_second = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            let ca = s.datetime().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            Ok(ca
                .physical()
                .iter()
                .map(|v| v.map(|v| v.div_euclid(per_second)))
                .collect())
        }
        other => Err(DataError::ColumnType {
            path: table.path.clone(),
            column: column.into(),
            found: other.to_string(),
            expected: "a date (text, Date or Datetime)".into(),
        }),
    }
}

/// How the dates of one column are written.
#[derive(Debug, Clone, PartialEq)]
pub enum DateLayout {
    /// `YYYY-MM-DD`, optionally followed by `[T ]HH:MM[:SS[.fff]]` and `Z`.
    Iso,
    /// `DD/MM/YYYY` (any of / . - as separator), optional time.
    DayFirst,
    /// `MM/DD/YYYY`, optional time.
    MonthFirst,
    Pattern(String),
}

impl DateLayout {
    pub fn describe(&self) -> String {
        match self {
            DateLayout::Iso => "YYYY-MM-DD (optionally with a time)".into(),
            DateLayout::DayFirst => "DD/MM/YYYY".into(),
            DateLayout::MonthFirst => "MM/DD/YYYY".into(),
            DateLayout::Pattern(p) => format!("the pattern {p:?}"),
        }
    }

    pub fn parse(&self, text: &str) -> Option<i64> {
        match self {
            DateLayout::Iso => parse_iso(text),
            DateLayout::DayFirst => parse_dmy(text, true),
            DateLayout::MonthFirst => parse_dmy(text, false),
            DateLayout::Pattern(p) => NaiveDateTime::parse_from_str(text, p)
                .map(|dt| dt.and_utc().timestamp())
                .or_else(|_| {
                    NaiveDate::parse_from_str(text, p).map(|d| {
                        d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp()).unwrap_or(0)
                    })
                })
                .ok(),
        }
    }
}

/// What a column's dates (so far) say about their layout.
pub enum LayoutEvidence {
    /// ISO, or day-first / month-first proven by a component above 12.
    Decided(DateLayout),
    /// Only dates such as 03/04/2024 so far: could be either.
    Ambiguous { sample: String },
    /// Both a day above 12 and a month above 12 in the same place: contradictory.
    Mixed { day_first: String, month_first: String },
    /// Values that are no date layout we know.
    Unrecognised { sample: String },
    /// No values at all.
    Empty,
}

/// Weigh the evidence: ISO when they look ISO; otherwise day-first or month-first by a
/// component above 12.
pub fn layout_evidence<'a>(values: impl Iterator<Item = &'a str>) -> LayoutEvidence {
    let mut first_above_12 = None;
    let mut second_above_12 = None;
    let mut saw_slash = false;
    let mut sample = None;
    for value in values {
        if sample.is_none() {
            sample = Some(value.to_string());
        }
        if value.len() >= 10 && value.as_bytes()[4] == b'-' && value.as_bytes()[7] == b'-' {
            // ISO: decided by the first value of that shape.
            if !saw_slash {
                return LayoutEvidence::Decided(DateLayout::Iso);
            }
        }
        if let Some((a, b, _)) = dmy_parts(value) {
            saw_slash = true;
            if a > 12 && first_above_12.is_none() {
                first_above_12 = Some(value.to_string());
            }
            if b > 12 && second_above_12.is_none() {
                second_above_12 = Some(value.to_string());
            }
        }
    }
    match (first_above_12, second_above_12, saw_slash) {
        (Some(_), None, _) => LayoutEvidence::Decided(DateLayout::DayFirst),
        (None, Some(_), _) => LayoutEvidence::Decided(DateLayout::MonthFirst),
        (Some(day_first), Some(month_first), _) => LayoutEvidence::Mixed { day_first, month_first },
        (None, None, true) => LayoutEvidence::Ambiguous { sample: sample.unwrap_or_default() },
        (None, None, false) => match sample {
            None => LayoutEvidence::Empty,
            Some(sample) => LayoutEvidence::Unrecognised { sample },
        },
    }
}

impl LayoutEvidence {
    /// The layout, or why there is none (blank columns read as ISO: nothing to parse).
    pub fn into_layout(self) -> Result<DateLayout, String> {
        match self {
            LayoutEvidence::Decided(layout) => Ok(layout),
            LayoutEvidence::Empty => Ok(DateLayout::Iso),
            LayoutEvidence::Mixed { day_first, month_first } => Err(format!(
                "dates mix day-first ({day_first:?}) and month-first ({month_first:?}); set date_format explicitly"
            )),
            LayoutEvidence::Ambiguous { sample } => Err(format!(
                "dates such as {sample:?} could be day-first or month-first; set date_format = \"%d/%m/%Y\" or \"%m/%d/%Y\""
            )),
            LayoutEvidence::Unrecognised { sample } => Err(format!(
                "cannot recognise the date format of values such as {sample:?}; set date_format (a strftime pattern)"
            )),
        }
    }
}

/// Decide the layout from all the values of a column.
pub fn detect_layout<'a>(values: impl Iterator<Item = &'a str>) -> Result<DateLayout, String> {
    layout_evidence(values).into_layout()
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let mut v = 0u32;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u32;
    }
    Some(v)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    NaiveDate::from_ymd_opt(year as i32, month, day).map(|d| {
        d.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default())
            .num_days()
    })
}

/// Seconds in an optional `HH:MM[:SS[.fff]]` (leading T or space), with optional trailing Z.
fn parse_time(rest: &[u8]) -> Option<i64> {
    if rest.is_empty() {
        return Some(0);
    }
    if rest[0] != b'T' && rest[0] != b' ' {
        return None;
    }
    let mut t = &rest[1..];
    if let Some(stripped) = t.strip_suffix(b"Z") {
        t = stripped;
    }
    let mut parts = t.split(|&b| b == b':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    let s = match parts.next() {
        None => 0,
        Some(sec) => {
            let whole = sec.split(|&b| b == b'.').next()?;
            digits(whole)?
        }
    };
    if parts.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((h * 3600 + m * 60 + s) as i64)
}

fn parse_iso(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])?;
    let mo = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    let days = days_from_civil(y as i64, mo, d)?;
    Some(days * 86_400 + parse_time(&b[10..])?)
}

/// (first, second, year) of `a/b/yyyy[ time]` with / . or - separators.
fn dmy_parts(text: &str) -> Option<(u32, u32, u32)> {
    let b = text.as_bytes();
    let date_end = b.iter().position(|&c| c == b' ' || c == b'T').unwrap_or(b.len());
    let date = &b[..date_end];
    let sep = *date.iter().find(|c| matches!(c, b'/' | b'.' | b'-'))?;
    let mut parts = date.split(|&c| c == sep);
    let a = digits(parts.next()?)?;
    let bb = digits(parts.next()?)?;
    let year_bytes = parts.next()?;
    if parts.next().is_some() || year_bytes.len() != 4 {
        return None;
    }
    Some((a, bb, digits(year_bytes)?))
}

fn parse_dmy(text: &str, day_first: bool) -> Option<i64> {
    let (a, b, year) = dmy_parts(text)?;
    let (day, month) = if day_first { (a, b) } else { (b, a) };
    let days = days_from_civil(year as i64, month, day)?;
    let date_end = text.find([' ', 'T']).unwrap_or(text.len());
    Some(days * 86_400 + parse_time(&text.as_bytes()[date_end..])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_and_times() {
        assert_eq!(parse_iso("1970-01-02"), Some(86_400));
        assert_eq!(parse_iso("1970-01-01T01:00:05"), Some(3605));
        assert_eq!(parse_iso("1970-01-01 00:01"), Some(60));
        assert_eq!(parse_iso("1970-01-01T00:00:01.250Z"), Some(1));
        assert_eq!(parse_iso("2024-02-30"), None);
        assert_eq!(parse_iso("2024-13-01"), None);
        assert_eq!(parse_iso("20240101"), None);
    }

    #[test]
    fn day_first_month_first_detection() {
        assert_eq!(detect_layout(["03/04/2024", "25/04/2024"].into_iter()), Ok(DateLayout::DayFirst));
        assert_eq!(detect_layout(["03/04/2024", "04/25/2024"].into_iter()), Ok(DateLayout::MonthFirst));
        assert!(detect_layout(["03/04/2024"].into_iter()).unwrap_err().contains("day-first or month-first"));
        assert_eq!(detect_layout(["2024-01-05"].into_iter()), Ok(DateLayout::Iso));
        assert_eq!(DateLayout::DayFirst.parse("02/01/1970"), Some(86_400));
        assert_eq!(DateLayout::MonthFirst.parse("01/02/1970 00:00:10"), Some(86_410));
        assert_eq!(DateLayout::Pattern("%d.%m.%Y".into()).parse("02.01.1970"), Some(86_400));
    }
}
