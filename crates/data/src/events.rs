//! Engagement signals counted as of the scoring moment: only events in
//! `[created_at, created_at + window_days]` count, so nothing that happened
//! after sales touched the lead leaks into the model.

use std::collections::{BTreeMap, HashMap};

use mqlcal_config::{Config, EventsSpec, SignalSource};
use serde::Serialize;

use crate::cells::{self, clean};
use crate::ingest::LeadKeys;
use crate::read::{self, ReadNotes};
use crate::DataError;

/// What happened to the rows of the events file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventStats {
    pub rows: usize,
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
    let needed = [
        (spec.lead_id.clone(), "[events] lead_id".to_string()),
        (spec.occurred_at.clone(), "[events] occurred_at".to_string()),
        (spec.activity.clone(), "[events] activity".to_string()),
    ];
    let table = read::read_table(path, &config.csv, Some(&needed), notes)?;
    let missing = &config.csv.missing;
    if leads.created_at.iter().any(Option::is_none) {
        return Err(DataError::Config {
            message: format!(
                "{}: events need each lead's creation date to apply the {}-day window; set [columns] created_at",
                path.display(),
                spec.window_days
            ),
        });
    }

    // activity name -> events signals that count it
    let events_signals: Vec<_> = config
        .signals
        .iter()
        .filter_map(|s| match &s.source {
            SignalSource::Events { activities, cap, scale, decay } => Some((activities, *cap, *scale, decay)),
            _ => None,
        })
        .collect();
    let mut by_activity: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (activities, ..)) in events_signals.iter().enumerate() {
        for a in activities.iter() {
            by_activity.entry(a.as_str()).or_default().push(k);
        }
    }
    let lead_index: HashMap<&str, usize> = leads
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    let n_leads = leads.ids.len();
    let mut columns = vec![vec![0.0f64; n_leads]; events_signals.len()];
    let window_seconds = spec.window_days as i64 * 86_400;
    let mut stats = EventStats { rows: table.height(), window_days: spec.window_days, ..Default::default() };

    let ids = cells::text(&table, &spec.lead_id)?;
    let activities = cells::text(&table, &spec.activity)?;
    let times = cells::timestamps(&table, &spec.occurred_at, &spec.date_format, missing)?;
    for (row, ((id, activity), time)) in ids.iter().zip(activities.iter()).zip(times).enumerate() {
        let (Some(id), Some(activity), Some(time)) = (clean(id, missing), clean(activity, missing), time) else {
            stats.blank += 1;
            continue;
        };
        let Some(&lead) = lead_index.get(id) else {
            stats.unknown_lead += 1;
            continue;
        };
        let created = leads.created_at[lead].unwrap_or(0);
        let window_end = created + window_seconds;
        if time < created {
            stats.before_created += 1;
            continue;
        }
        if time > window_end {
            stats.after_window += 1;
            continue;
        }
        match by_activity.get(activity) {
            None => *stats.unused_activities.entry(activity.to_string()).or_insert(0) += 1,
            Some(signals) => {
                stats.counted += 1;
                let age_days = (window_end - time) as f64 / 86_400.0;
                for &k in signals {
                    columns[k][lead] += events_signals[k].3.weight(age_days);
                }
            }
        }
        let _ = row;
    }

    let matched = stats.rows - stats.unknown_lead - stats.blank;
    if stats.rows > 0 && matched == 0 {
        let sample_event = ids.iter().find_map(|c| clean(c, missing)).unwrap_or("").to_string();
        let sample_lead = leads.ids.first().cloned().unwrap_or_default();
        return Err(DataError::File {
            path: path.clone(),
            message: format!(
                "none of the {} events' lead ids (column {:?}, e.g. {sample_event:?}) matches a lead id (e.g. {sample_lead:?}); check [events] lead_id and [columns] id",
                stats.rows, spec.lead_id
            ),
        });
    }
    if stats.unknown_lead > 0 {
        notes.warnings.push(format!(
            "{}: {} events belong to no known lead and were ignored",
            path.display(),
            stats.unknown_lead
        ));
    }

    for (column, (_, cap, scale, _)) in columns.iter_mut().zip(&events_signals) {
        for v in column.iter_mut() {
            if let Some(cap) = cap {
                *v = v.min(*cap);
            }
            *v *= *scale;
        }
    }
    Ok(EventAggregation { stats, columns })
}
