//! `[columns]` (which leads column means what) and `[cohorts]` (how leads are
//! grouped in time), and the date formats both the leads and events files take.

use serde::Deserialize;

use crate::{DateFormat, DateLayout, Period};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    pub id: Option<String>,
    pub created_at: Option<String>,
    pub date_format: Option<String>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub segments: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCohorts {
    pub period: Option<String>,
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
        Some("iso") => Ok(DateFormat::Fixed(DateLayout::Iso)),
        Some("iso_zoned") => Ok(DateFormat::Fixed(DateLayout::IsoZoned)),
        Some("day_first") => Ok(DateFormat::Fixed(DateLayout::DayFirst)),
        Some("month_first") => Ok(DateFormat::Fixed(DateLayout::MonthFirst)),
        Some("unix_seconds") => Ok(DateFormat::Fixed(DateLayout::UnixSeconds)),
        Some("unix_ms") => Ok(DateFormat::Fixed(DateLayout::UnixMillis)),
        Some("excel_serial") => Ok(DateFormat::Fixed(DateLayout::SerialDays)),
        Some("excel_serial_1904") => Ok(DateFormat::Fixed(DateLayout::SerialDays1904)),
        Some(p) if p.contains('%') => Ok(DateFormat::Fixed(DateLayout::Pattern(p.to_string()))),
        Some(p) => Err(format!(
            "{key} = {p:?}: expected \"auto\", \"iso\", \"iso_zoned\", \"day_first\", \"month_first\", \"unix_seconds\", \"unix_ms\", \"excel_serial\", \"excel_serial_1904\" or a strftime pattern such as \"%d/%m/%Y\" or \"%Y-%m-%d %H:%M:%S\""
        )),
    }
}
