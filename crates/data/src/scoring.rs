//! Raw leads (and their events) for scoring with a model file: the columns
//! the model's recipes read, as text, with creation times and events per lead.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use mqlcal_config::{CsvOptions, DateFormat, Encoding};
use mqlcal_scorecard::{Model, RawEvent, RawLead};

use crate::cells;
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
    let has_events = model.signals.iter().any(|s| matches!(s.recipe, Some(mqlcal_scorecard::Recipe::Events { .. })));
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
    let created: Vec<Option<i64>> = match &inputs.created_at_column {
        Some(c) => cells::timestamps(&table, c, &DateFormat::Auto, &inputs.missing)?,
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
            .filter_map(|s| match &s.recipe {
                Some(mqlcal_scorecard::Recipe::Events { activities, .. }) => Some(activities.iter().map(String::as_str)),
                _ => None,
            })
            .flatten()
            .collect();
        let row_of: HashMap<String, usize> = out.ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let window = i64::from(inputs.window_days.unwrap_or(0)) * 86_400;
        let ScoringInput { leads, unknown_activities, events_for_unknown_leads, events_outside_window, .. } = &mut out;
        let mut take = |id: &str, time: Option<i64>, activity: &str| {
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
            match (time, lead.created_at) {
                (Some(t), Some(created)) if t >= created && t <= created + window => {
                    lead.events.push(RawEvent { occurred_at: t, activity: activity.to_string() });
                }
                _ => *events_outside_window += 1,
            }
        };
        match read::file_kind(path)? {
            read::FileKind::Csv => stream_csv_events(path, &columns, &inputs.missing, &mut take)?,
            read::FileKind::Parquet => {
                let needed = vec![
                    (columns.lead_id.clone(), "the lead id of each event".to_string()),
                    (columns.occurred_at.clone(), "the time of each event".to_string()),
                    (columns.activity.clone(), "the activity of each event".to_string()),
                ];
                let events = read::read_table(path, &csv, Some(&needed), &mut notes)?;
                let lead_ids = cells::text(&events, &columns.lead_id)?;
                let activities = cells::text(&events, &columns.activity)?;
                let times = cells::timestamps(&events, &columns.occurred_at, &DateFormat::Auto, &inputs.missing)?;
                for ((id, activity), time) in lead_ids.iter().zip(activities.iter()).zip(times) {
                    take(id.unwrap_or("").trim(), time, activity.unwrap_or("").trim());
                }
            }
        }
    } else if has_events {
        return Err(DataError::file(leads_path, "the model counts events: pass the events file with --events"));
    }
    Ok(out)
}

/// Rows read before the date layout is decided (ISO is decided by the first value).
const LAYOUT_SAMPLE_ROWS: usize = 10_000;

/// Stream a CSV events file row by row (memory does not grow with the file):
/// `take(lead id, time, activity)` for every row. UTF-8 (a BOM is fine); the
/// delimiter is detected from the header; dates as `mqlcal` reads them (auto layout).
fn stream_csv_events(
    path: &Path,
    columns: &mqlcal_scorecard::EventColumns,
    missing: &[String],
    take: &mut dyn FnMut(&str, Option<i64>, &str),
) -> Result<(), DataError> {
    use std::io::{BufRead, BufReader};
    let file = std::fs::File::open(path).map_err(|e| DataError::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let delimiter = read::detect_delimiter(reader.fill_buf().map_err(|e| DataError::io(path, e))?.split(|&b| b == b'\n').next().unwrap_or(b""));
    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| DataError::file(path, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    read::check_columns(
        path,
        &header,
        &[
            (columns.lead_id.clone(), "the lead id of each event".to_string()),
            (columns.occurred_at.clone(), "the time of each event".to_string()),
            (columns.activity.clone(), "the activity of each event".to_string()),
        ],
    )?;
    let index = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let (id_at, time_at, activity_at) = (index(&columns.lead_id), index(&columns.occurred_at), index(&columns.activity));
    let mut buffered: Vec<(String, String, String)> = Vec::new();
    let mut layout: Option<cells::DateLayout> = None;
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    let parse = |layout: &cells::DateLayout, row: usize, text: &str| -> Result<Option<i64>, DataError> {
        if cells::is_missing(text, missing) {
            return Ok(None);
        }
        layout.parse(text).map(Some).ok_or_else(|| DataError::Cell {
            path: path.to_path_buf(),
            row,
            column: columns.occurred_at.clone(),
            message: format!("{text:?} is not a date or time like the others ({})", layout.describe()),
        })
    };
    loop {
        let more = csv.read_record(&mut record).map_err(|e| DataError::file(path, format!("row {}: {e}", row + 1)))?;
        if more {
            row += 1;
            let cell = |k: usize| record.get(k).unwrap_or("").trim().to_string();
            if layout.is_none() {
                buffered.push((cell(id_at), cell(time_at), cell(activity_at)));
                if buffered.len() < LAYOUT_SAMPLE_ROWS {
                    continue;
                }
            } else if let Some(l) = &layout {
                let (id, time, activity) = (cell(id_at), cell(time_at), cell(activity_at));
                take(&id, parse(l, row, &time)?, &activity);
                continue;
            }
        }
        if layout.is_none() {
            let decided = cells::detect_layout(buffered.iter().map(|b| b.1.as_str()).filter(|t| !cells::is_missing(t, missing)))
                .map_err(|message| DataError::Cell { path: path.to_path_buf(), row: 1, column: columns.occurred_at.clone(), message })?;
            for (k, (id, time, activity)) in buffered.drain(..).enumerate() {
                take(&id, parse(&decided, k + 1, &time)?, &activity);
            }
            layout = Some(decided);
        }
        if !more {
            return Ok(());
        }
    }
}
