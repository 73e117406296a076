//! Raw leads (and their events) for scoring with a model file: the columns
//! the model's recipes read, as text, with creation times and events per lead.

use std::collections::BTreeMap;
use std::path::Path;

use mqlcal_config::{CsvOptions, DateFormat, Encoding};
use mqlcal_scorecard::{Model, RawEvent, RawLead};

use crate::cells::{self, DateLayout, DateRule};
use crate::event_stream::{for_each_event, Event, EventColumnNames};
use crate::read::{self, ReadNotes};
use crate::DataError;

/// What `read_scoring_input` found.
#[derive(Debug, Default)]
pub struct ScoringInput {
    pub ids: Vec<String>,
    pub leads: Vec<RawLead>,
    /// Events whose activity no signal of the model counts: ignored, counted here.
    pub unknown_activities: BTreeMap<String, usize>,
    /// Events for lead ids that are not in the leads file.
    pub events_for_unknown_leads: usize,
    /// Events outside their lead's as-of window (never counted; not kept in memory).
    pub events_outside_window: usize,
}

/// Read the leads (and events) a model needs. Errors name the file and column.
pub fn read_scoring_input(model: &Model, leads_path: &Path, events_path: Option<&Path>, model_path: &Path) -> Result<ScoringInput, DataError> {
    let inputs = model.inputs.clone().ok_or_else(|| DataError::file(model_path, "has no `inputs` (columns and recipes): refit it with this mqlcal to score raw leads"))?;
    let csv = CsvOptions { delimiter: None, encoding: Encoding::Auto, missing: inputs.missing.clone() };
    let mut needed: Vec<(String, String)> = vec![(inputs.id_column.clone(), "the lead id".into())];
    let has_events = model.signals.iter().any(|s| s.recipe.as_ref().and_then(|r| r.events()).is_some());
    if let Some(c) = &inputs.created_at_column {
        needed.push((c.clone(), "the creation time (start of the events window)".into()));
    }
    for s in &model.signals {
        if let Some(column) = s.recipe.as_ref().and_then(|r| r.column()) {
            if !needed.iter().any(|(c, _)| c == column) {
                needed.push((column.to_string(), format!("signal {:?}", s.name)));
            }
        }
    }
    let mut notes = ReadNotes::default();
    let table = read::read_table(leads_path, &csv, Some(&needed), &mut notes)?;
    let ids: Vec<String> = cells::text(&table, &inputs.id_column)?.iter().map(|c| c.unwrap_or("").trim().to_string()).collect();
    let created_format = recorded(&inputs.created_at_format);
    let created: Vec<Option<i64>> = match &inputs.created_at_column {
        Some(c) => cells::timestamps(&table, c, &model_dates(&created_format), &inputs.missing)?.values,
        None => vec![None; ids.len()],
    };
    let mut leads: Vec<RawLead> = created.iter().map(|&t| RawLead { cells: BTreeMap::new(), created_at: t, events: Vec::new() }).collect();
    for (column, _) in needed.iter().skip(1) {
        let values = cells::text(&table, column)?;
        for (lead, value) in leads.iter_mut().zip(values.iter()) {
            lead.cells.insert(column.clone(), value.unwrap_or("").to_string());
        }
    }

    let mut out = ScoringInput { ids, leads, ..Default::default() };
    if let (true, Some(path)) = (has_events, events_path) {
        let columns = inputs
            .event_columns
            .clone()
            .ok_or_else(|| DataError::file(model_path, "counts events but names no events columns: refit it with this mqlcal"))?;
        let known: Vec<&str> = model
            .signals
            .iter()
            .filter_map(|s| s.recipe.as_ref().and_then(|r| r.events()))
            .flat_map(|rule| rule.activities.iter().map(String::as_str))
            .collect();
        let row_of: polars::prelude::PlHashMap<String, usize> = out.ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let window = inputs.window();
        let ScoringInput { leads, unknown_activities, events_for_unknown_leads, events_outside_window, .. } = &mut out;
        let mut take = |event: Event<'_>| {
            let (id, activity) = (event.lead_id.unwrap_or(""), event.activity.unwrap_or(""));
            if !known.contains(&activity) {
                *unknown_activities.entry(activity.to_string()).or_default() += 1;
                return;
            }
            let Some(&row) = row_of.get(id) else {
                *events_for_unknown_leads += 1;
                return;
            };
            let lead = &mut leads[row];
            // Only events inside the lead's window can count: keep just those.
            match (event.occurred_at, lead.created_at) {
                (Some(t), Some(created)) if window.contains(created, t) => {
                    lead.events.push(RawEvent { occurred_at: t, activity: activity.to_string() });
                }
                _ => *events_outside_window += 1,
            }
        };
        let occurred_format = recorded(&columns.occurred_at_format);
        let names = EventColumnNames { lead_id: &columns.lead_id, occurred_at: &columns.occurred_at, activity: &columns.activity };
        for_each_event(path, &csv, &names, &model_dates(&occurred_format), &mut notes, &mut take)?;
    } else if has_events {
        return Err(DataError::Usage { path: leads_path.to_path_buf(), message: "the model counts events: pass the events file with --events".into() });
    }
    Ok(out)
}

/// Dates are read as the training data wrote them, as the model records; a model file
/// from before the format was recorded has the data decide.
fn recorded(layout: &Option<DateLayout>) -> DateFormat {
    layout.clone().map_or(DateFormat::Auto, DateFormat::Fixed)
}

fn model_dates(format: &DateFormat) -> DateRule<'_> {
    DateRule {
        format,
        fix: match format {
            DateFormat::Fixed(_) => "as the model's training data wrote them; its inputs record the format",
            DateFormat::Auto => "this model file predates recorded date formats; refit it to record one",
        },
    }
}
