//! `[exclude]`: leads files' values that say a record is no lead (a `Duplicate` merged
//! into another, a `Test`, a partner's lead), whose rows are left out of every number.

use std::collections::BTreeMap;

use crate::signals::OneOrMany;
use crate::{Exclusion, Layout, OutcomeMap};

/// Each column with its values, checked: texts as a trimmed cell holds them, none also
/// an outcome (a lead cannot be both counted and left out).
pub(crate) fn check_exclude(raw: Option<BTreeMap<String, OneOrMany>>, outcome: &OutcomeMap, layout: &Layout) -> Result<Vec<Exclusion>, String> {
    let outcome_column = match layout {
        Layout::OutcomeColumn { outcome_column, .. } | Layout::WonIds { status_column: Some(outcome_column), .. } => Some(outcome_column.as_str()),
        _ => None,
    };
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
        if outcome_column == Some(column.as_str()) {
            for (list, name) in [(&outcome.won, "won"), (&outcome.lost, "lost"), (&outcome.open, "open")] {
                if let Some(value) = values.iter().find(|v| list.contains(v)) {
                    return Err(format!("[exclude] {column:?} holds {value:?}, which [outcome] {name} lists too: a lead is either counted or left out; remove it from one"));
                }
            }
        }
        exclusions.push(Exclusion { column, values });
    }
    Ok(exclusions)
}
