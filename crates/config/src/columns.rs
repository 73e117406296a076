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
        Some(p) => DateLayout::named(p).map(DateFormat::Fixed).ok_or_else(|| {
            format!("{key} = {p:?}: expected \"auto\", {} or a strftime pattern such as \"%d/%m/%Y\" or \"%Y-%m-%d %H:%M:%S\"", DateLayout::NAMES)
        }),
    }
}
