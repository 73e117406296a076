//! `[exclude]`: leads files' values that say a record is no lead (a `Duplicate` merged
//! into another, a `Test`, a partner's lead), whose rows are left out of every number.

use std::collections::BTreeMap;

use crate::signals::OneOrMany;
use crate::{Exclusion, Layout, OutcomeMap};

/// Each column with its values, checked: texts as a trimmed cell holds them, each once,
/// none a missing marker (a blank cell) nor also an outcome (a lead cannot be both counted
/// and left out); not a date column (`dates`: read as instants, on a clock, before the
/// SQL could compare them); not with a feature table (`[input] features`: no lead rows).
pub(crate) fn check_exclude(
    raw: Option<BTreeMap<String, OneOrMany>>,
    outcome: &OutcomeMap,
    layout: &Layout,
    missing: &[String],
    dates: &[&str],
    feature_table: bool,
) -> Result<Vec<Exclusion>, String> {
    if feature_table && raw.as_ref().is_some_and(|raw| !raw.is_empty()) {
        return Err("[exclude] leaves leads out as the leads files are read; with [input] features the table is read as it is: leave those leads out of it, or remove [exclude]".into());
    }
    let outcome_columns = layout.outcome_columns();
    let mut exclusions = Vec::new();
    for (column, values) in raw.unwrap_or_default() {
        if column.trim().is_empty() {
            return Err("[exclude] has a blank column name: expected a leads column, such as \"Lead Status\" = [\"Duplicate\", \"Test\"]".into());
        }
        let values = values.into_vec();
        if values.is_empty() {
            return Err(format!("[exclude] {column:?} = []: list the values whose leads are left out (\"Duplicate\", say), or remove the key"));
        }
        if let Some(value) = values.iter().find(|v| v.trim().is_empty() || v.trim() != v.as_str()) {
            return Err(format!("[exclude] {column:?} holds {value:?}: expected a value as a cell holds it, trimmed and not blank (\"Duplicate\", say)"));
        }
        // A whole number counts its cells written either way (`names_cell`): `2` and `2.0` are one value.
        if let Some(value) = values.iter().enumerate().find(|(k, v)| values[..*k].iter().any(|w| mqlcal_scorecard::names_cell(w, v))).map(|(_, v)| v) {
            return Err(format!("[exclude] {column:?} lists {value:?} twice: list it once"));
        }
        if let Some(value) = values.iter().find(|v| missing.contains(v)) {
            return Err(format!("[exclude] {column:?} holds {value:?}, one of [input] missing, so a cell written so is blank and leaves out no lead; leave it out of [exclude], or out of [input] missing"));
        }
        if dates.contains(&column.as_str()) {
            return Err(format!("[exclude] {column:?} is a date column ([columns] created_at or decided_at), read as a time rather than as text: leave leads out by another column"));
        }
        if outcome_columns.contains(&column.as_str()) {
            for (list, name) in [(&outcome.won, "won"), (&outcome.lost, "lost"), (&outcome.open, "open")] {
                if let Some(value) = values.iter().find(|v| list.iter().any(|w| mqlcal_scorecard::names_cell(w, v))) {
                    return Err(format!("[exclude] {column:?} holds {value:?}, which [outcome] {name} lists too: a lead is either counted or left out; remove it from one"));
                }
            }
        }
        exclusions.push(Exclusion { column, values });
    }
    Ok(exclusions)
}
