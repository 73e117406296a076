//! `[outcome]`: which outcome cells mean won, lost and open, checked against the layout.

use serde::Deserialize;

use crate::{Layout, OutcomeMap};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    #[serde(default)]
    pub won: Vec<String>,
    #[serde(default)]
    pub lost: Vec<String>,
    #[serde(default)]
    pub open: Vec<String>,
    pub blank_is: Option<String>,
    pub filled_is: Option<String>,
    pub open_after_days: Option<i64>,
}

/// The outcome map; `[outcome]` is required with an outcome column, and the
/// won_ids layout with a status column needs its open values.
pub(crate) fn check_outcome(raw: Option<&RawOutcome>, layout: &Layout) -> Result<OutcomeMap, String> {
    let open_after_days = match raw.and_then(|o| o.open_after_days) {
        None => None,
        Some(days) if (1..=36_500).contains(&days) => Some(days as u32),
        Some(days) => {
            return Err(format!(
                "[outcome] open_after_days = {days}: expected a number of days from 1 to 36500 \
                 (open leads older than that count as lost); leave it out to keep every open lead open"
            ))
        }
    };
    let outcome = match (raw, layout) {
        (Some(o), _) => {
            let blank_is_open = match o.blank_is.as_deref() {
                None | Some("open") => true,
                Some("error") => false,
                Some(other) => {
                    return Err(format!(
                        "[outcome] blank_is = {other:?}: expected \"open\" or \"error\""
                    ))
                }
            };
            let filled_is_won = match o.filled_is.as_deref() {
                None => false,
                Some("won") if matches!(layout, Layout::OutcomeColumn { outcome_columns, .. } if outcome_columns.len() > 1) => {
                    return Err("[outcome] filled_is = \"won\" reads one outcome column (a conversion date: any filled cell is won); with several, list the values that mean won instead".into())
                }
                Some("won") if matches!(layout, Layout::OutcomeColumn { .. }) => true,
                Some("won") => {
                    return Err("[outcome] filled_is = \"won\" reads the outcome column of the one-file layout; with won_ids the won leads are the listed ids, and with won and lost files the files say it".into())
                }
                Some(other) => {
                    return Err(format!(
                        "[outcome] filled_is = {other:?}: expected \"won\" (any filled cell the lists do not name is won: a column filled in when the lead converted, such as Salesforce's Converted Date)"
                    ))
                }
            };
            check_no_overlap(o)?;
            OutcomeMap {
                won: o.won.clone(),
                lost: o.lost.clone(),
                open: o.open.clone(),
                blank_is_open,
                filled_is_won,
                open_after_days,
            }
        }
        (None, Layout::OutcomeColumn { .. }) => {
            return Err("[outcome] is required with an outcome column: list the values that \
                        mean won, lost and open, e.g. won = [\"Closed Won\"]"
                .into())
        }
        (None, _) => OutcomeMap {
            won: vec![],
            lost: vec![],
            open: vec![],
            blank_is_open: true,
            filled_is_won: false,
            open_after_days: None,
        },
    };
    if let Layout::WonIds { status_column: Some(status), .. } = layout {
        if outcome.open.is_empty() {
            return Err(format!(
                "[columns] outcome = {status:?} with won_ids: list under [outcome] open the {status} values that mean \
                 the lead is still open (leads neither won nor open are lost)"
            ));
        }
    }
    // A column filled in at conversion never says lost either: its lost leads are the
    // blank ones that stayed blank too long, and blanks must be read.
    if outcome.filled_is_won && outcome.lost.is_empty() && !outcome.blank_is_open {
        return Err("[outcome] filled_is = \"won\" with blank_is = \"error\" and no `lost` value: every lead would be won; leave blank_is out (blank is open, and open_after_days makes old blank leads lost)".into());
    }
    if outcome.filled_is_won && outcome.lost.is_empty() && outcome.open_after_days.is_none() {
        return Err("[outcome] filled_is = \"won\": the column is filled in when a lead converts, so nothing says lost; set open_after_days (blank leads older than that count as lost), or list the values that mean lost".into());
    }
    // A column that never says lost (a lifecycle stage) has its lost leads from
    // open_after_days: the open ones that stayed open too long.
    if matches!(layout, Layout::OutcomeColumn { .. })
        && ((outcome.won.is_empty() && !outcome.filled_is_won) || (outcome.lost.is_empty() && outcome.open_after_days.is_none()))
    {
        return Err("[outcome] needs at least one value for `won` and one for `lost` (or, for a column that never says lost, such as a lifecycle stage, open_after_days: open leads older than that count as lost)".into());
    }
    Ok(outcome)
}

/// No value is listed under two of `won`, `lost` and `open`, nor a whole number under one
/// and written the other way under another (a list counts `1.0` as `1`: `names_cell`).
fn check_no_overlap(o: &RawOutcome) -> Result<(), String> {
    for (name, values) in [("won", &o.won), ("lost", &o.lost), ("open", &o.open)] {
        for v in values {
            let others = [("won", &o.won), ("lost", &o.lost), ("open", &o.open)];
            for (other_name, other_values) in others {
                match other_values.iter().find(|other| mqlcal_scorecard::names_cell(other, v)) {
                    Some(other) if other_name != name && other == v => {
                        return Err(format!("[outcome] value {v:?} is listed under both `{name}` and `{other_name}`"));
                    }
                    Some(other) if other_name != name => {
                        return Err(format!(
                            "[outcome] value {v:?} under `{name}` and {other:?} under `{other_name}` are one whole number written two ways, and a list counts the cells written either way: list it once"
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
