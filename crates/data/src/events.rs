//! Engagement signals counted as of the scoring moment: only events in
//! `[created_at, created_at + window_days]` count, so nothing that happened
//! after sales touched the lead leaks into the model.

use std::collections::BTreeMap;

use mqlcal_config::{Config, EventsSpec};
use mqlcal_scorecard::EventsRule;
use serde::Serialize;

use crate::cells::{DateLayout, DateRule};
use crate::event_stream::{for_each_event, index_and_sums, number_activities, Event, EventColumnNames, EventKeys, IdRows, LeadIndex};
use crate::read::ReadNotes;
use crate::salesforce_ids;
use crate::DataError;

/// Lead ids with creation times, as the events aggregation needs them (ingest lends them).
pub struct LeadKeys<'a> {
    pub ids: &'a [String],
    pub created_at: &'a [Option<i64>],
    /// The ids' rows, when ingest found them already (`IdRows::new` of these same ids).
    pub(crate) id_rows: Option<IdRows>,
}

/// What happened to the rows of the events file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventStats {
    pub rows: usize,
    /// How the events file wrote its times (what the model records).
    #[serde(skip)]
    pub layout: Option<DateLayout>,
    /// Events inside a lead's window with an activity some signal counts.
    pub counted: usize,
    /// Events dated before the lead was created.
    pub before_created: usize,
    /// Events after the window closed (after sales contact, typically): never counted.
    pub after_window: usize,
    /// Events whose lead id matches no lead.
    pub unknown_lead: usize,
    /// Events with a blank lead id, date or activity.
    pub blank: usize,
    /// Activities no signal counts, with their number of events (inside windows).
    pub unused_activities: BTreeMap<String, usize>,
    pub window_days: u32,
    /// The latest event time in the file (seconds since the epoch): a bound on the export's as-of date.
    pub latest: Option<i64>,
    /// Activities a signal counts that never occur in the file (a typo, or a renamed activity).
    pub missing_activities: Vec<String>,
}

pub struct EventAggregation {
    pub stats: EventStats,
    /// One column per events signal, in config order, one value per lead.
    pub columns: Vec<Vec<f64>>,
}

pub fn aggregate(
    config: &Config,
    spec: &EventsSpec,
    leads: &mut LeadKeys<'_>,
    notes: &mut ReadNotes,
) -> Result<EventAggregation, DataError> {
    let path = &spec.path;
    if leads.created_at.iter().any(Option::is_none) {
        return Err(DataError::Config {
            message: format!(
                "{}: events need each lead's creation date to apply the {}-day window; set [columns] created_at",
                path.display(),
                spec.window_days
            ),
        });
    }

    // The events rule of every feature column that counts events, in config order.
    let recipes = config.recipes();
    let events_signals: Vec<&EventsRule> = recipes.iter().filter_map(|(_, recipe)| recipe.events()).collect();
    // Each counted activity's number (what the events file's reader looks it up to) and
    // the events signals that count it.
    let (activity_index, counted_by) =
        number_activities(events_signals.iter().enumerate().flat_map(|(k, rule)| rule.activities.iter().map(move |a| (a.as_str(), k))));
    let (lead_index, mut columns) = index_and_sums(leads.ids, leads.id_rows.take(), events_signals.len(), path)?;
    let keys = EventKeys { leads: &lead_index, activities: &activity_index };
    let window = spec.window();
    let mut stats = EventStats { window_days: spec.window_days, ..Default::default() };
    let mut sample_event: Option<String> = None;
    // Which counted activities occur at all in the file.
    let mut seen = vec![false; counted_by.len()];

    let names = EventColumnNames { lead_id: &spec.lead_id, occurred_at: &spec.occurred_at, activity: &spec.activity };
    let mut count = |event: Event<'_>| {
        if let Some(time) = event.occurred_at {
            stats.latest = Some(stats.latest.map_or(time, |l: i64| l.max(time)));
        }
        if let Some(index) = event.counted {
            seen[index] = true;
        }
        let (Some(id), Some(activity), Some(time)) = (event.lead_id, event.activity, event.occurred_at) else {
            stats.blank += 1;
            return;
        };
        let Some(lead) = event.lead else {
            stats.unknown_lead += 1;
            if sample_event.is_none() {
                sample_event = Some(id.to_string());
            }
            return;
        };
        let created = leads.created_at[lead].unwrap_or(0);
        if !window.contains(created, time) {
            if time < created {
                stats.before_created += 1;
            } else {
                stats.after_window += 1;
            }
            return;
        }
        match event.counted {
            None => *stats.unused_activities.entry(activity.to_string()).or_insert(0) += 1,
            Some(index) => {
                stats.counted += 1;
                for &k in &counted_by[index] {
                    columns[k][lead] += events_signals[k].weight_in(window, created, time);
                }
            }
        }
    };
    let read = for_each_event(path, &config.csv, &names, &DateRule::configured(&spec.date_format), &keys, notes, &mut count)?;
    stats.rows = read.rows;
    stats.layout = Some(read.layout);

    check_some_match(spec, &stats, leads.ids, &lead_index, sample_event.as_deref())?;
    let mut missing: Vec<String> = activity_index.iter().filter(|&(_, index)| !seen[index]).map(|(a, _)| a.to_string()).collect();
    missing.sort();
    if !missing.is_empty() {
        notes.warnings.push(format!(
            "{}: no event has the activity {} that a signal counts (column {:?}); check the spelling against the file's activities",
            path.display(),
            missing.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "),
            spec.activity
        ));
    }
    stats.missing_activities = missing;
    if stats.unknown_lead > 0 {
        let id_forms = sample_event.as_deref().and_then(|id| other_id_form(id, &lead_index)).map(|hint| format!("; {hint}")).unwrap_or_default();
        notes.warnings.push(format!("{}: {} events belong to no known lead and were ignored{id_forms}", path.display(), stats.unknown_lead));
    }

    for (column, rule) in columns.iter_mut().zip(&events_signals) {
        for v in column.iter_mut() {
            *v = rule.finish(*v);
        }
    }
    Ok(EventAggregation { stats, columns })
}

/// An events file none of whose lead ids matches a lead is a wrong column or a wrong file.
fn check_some_match(spec: &EventsSpec, stats: &EventStats, ids: &[String], index: &LeadIndex<'_>, sample_event: Option<&str>) -> Result<(), DataError> {
    let matched = stats.rows - stats.unknown_lead - stats.blank;
    if stats.rows > 0 && matched == 0 {
        let sample_lead = ids.first().cloned().unwrap_or_default();
        let sample_event = sample_event.unwrap_or_default();
        let fix = other_id_form(sample_event, index).unwrap_or_else(|| "check [events] lead_id and [columns] id".into());
        return Err(DataError::File {
            path: spec.path.clone(),
            message: format!(
                "none of the {} events' lead ids (column {:?}, e.g. {sample_event:?}) matches a lead id (e.g. {sample_lead:?}); {fix}",
                stats.rows, spec.lead_id,
            ),
        });
    }
    Ok(())
}

/// Salesforce's other id form, when an event's unmatched lead id is one of a lead's.
pub(crate) fn other_id_form(event_id: &str, leads: &LeadIndex<'_>) -> Option<String> {
    salesforce_ids::other_form_hint(event_id, |id| leads.find(id).is_some(), "the events' lead ids", "the leads' ids")
}
