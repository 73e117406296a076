//! Raw leads (and their events) for scoring with a model file: the columns
//! the model's recipes read, as text, with creation times and events per lead.

use std::collections::BTreeMap;
use std::path::Path;

use mqlcal_config::{CsvOptions, DateFormat, Encoding};
use mqlcal_scorecard::{EventColumns, Inputs, Model, Recipe};

use crate::cells::{self, DateFix, DateLayout, DateRule};
use crate::event_stream::{for_each_event_in, lead_sums, number_activities, Event, EventColumnNames, EventKeys, IdRows, LeadIndex};
use crate::read::{self, ReadNotes};
use crate::recipe_columns::recipe_columns;
use crate::DataError;

/// What `read_scoring_input` found.
#[derive(Debug, Default)]
pub struct ScoringInput {
    pub ids: Vec<String>,
    /// One column per signal of the model, in its order, one value per lead: what
    /// each signal's recipe computes from the lead's cells and events.
    pub features: Vec<Vec<f64>>,
    /// Events whose activity no signal of the model counts: ignored, counted here.
    pub unknown_activities: BTreeMap<String, usize>,
    /// Events for lead ids that are not in the leads file.
    pub events_for_unknown_leads: usize,
    /// Of those, the ones whose lead id matches a lead's but for the case of its letters.
    pub unknown_leads_by_case: crate::id_forms::CaseOnlyMatches,
    /// Events whose lead id is Salesforce's other form of a lead's (15 characters against
    /// 18), matched to it.
    pub by_other_id_form: crate::id_forms::OtherFormMatches,
    /// Events outside their lead's as-of window (never counted).
    pub events_outside_window: usize,
    /// With the model's `inputs.events_also_key_columns` (and events to count): what the
    /// leads' other ids found.
    pub by_also_key: Option<AlsoKeyCounts>,
    /// Counted events that repeat an earlier one exactly, beyond chance (each copy counts).
    pub repeated_events: Option<crate::events::RepeatedEvents>,
    /// With events to count: the leads whose window ends after the events do.
    pub open_windows: Option<crate::events::OpenWindows>,
    /// What reading the files noticed and coped with (text read as Latin-1, a
    /// spreadsheet's blank rows below the data), for the user to see.
    pub read_warnings: Vec<String>,
}

/// Events a scored batch's leads were found by through their other ids
/// (`inputs.events_also_key_columns`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AlsoKeyCounts {
    /// Events of known activities found so (in their lead's window or not).
    pub events: usize,
    /// The leads they were found for.
    pub leads: usize,
    /// Events naming a value two leads hold: counted for neither (not among the unknown leads').
    pub shared: usize,
}

impl ScoringInput {
    /// Each lead of `rows`, in order: its id and its feature values, aligned with the
    /// model's signals. The values are laid out lead by lead in `buffer` (its old contents
    /// replaced; scoring a million leads reuses one per piece), each column read as one
    /// run rather than a value per lead from every column in turn.
    pub fn each_lead(&self, rows: std::ops::Range<usize>, buffer: &mut Vec<f64>, mut lead: impl FnMut(&str, &[f64])) {
        let signals = self.features.len();
        buffer.clear();
        buffer.resize(rows.len() * signals, 0.0);
        if signals > 0 {
            for (j, column) in self.features.iter().enumerate() {
                for (values, &value) in buffer.chunks_exact_mut(signals).zip(&column[rows.clone()]) {
                    values[j] = value;
                }
            }
        }
        for (k, id) in self.ids[rows].iter().enumerate() {
            lead(id, &buffer[k * signals..(k + 1) * signals]);
        }
    }
}

/// Read the leads (and events) a model needs and compute every signal's feature
/// column by its recipe, a column at a time; events are summed per lead as they
/// stream past. Errors name the file, row and column.
pub fn read_scoring_input(model: &Model, leads_path: &Path, events_paths: &[std::path::PathBuf], model_path: &Path) -> Result<ScoringInput, DataError> {
    let inputs = model.inputs.clone().ok_or_else(|| DataError::file(model_path, "has no `inputs` (columns and recipes): refit it with this mqlcal to score raw leads"))?;
    let mut recipes = Vec::with_capacity(model.signals.len());
    for s in &model.signals {
        let recipe = s.recipe.as_ref().ok_or_else(|| {
            DataError::file(model_path, format!("signal {:?} has no recipe: this model file cannot score raw leads (refit it with this mqlcal)", s.name))
        })?;
        recipes.push((s.name.as_str(), recipe));
    }
    let csv = CsvOptions { delimiter: None, decimal: inputs.decimal, encoding: Encoding::Auto, sheet: None, missing: inputs.missing.clone() };
    // The model's events signals: their lead keys are read only when there are some.
    let events_columns = recipes.iter().filter(|(_, recipe)| recipe.events().is_some()).count();
    let mut needed: Vec<(String, String)> = vec![(inputs.id_column.clone(), "the lead id".into())];
    if let Some(column) = inputs.events_key_column.as_ref().filter(|_| events_columns > 0) {
        needed.push((column.clone(), "what the events name each lead by ([columns] events_key)".into()));
    }
    if events_columns > 0 {
        for column in &inputs.events_also_key_columns {
            if !needed.iter().any(|(n, _)| n == column) {
                needed.push((column.clone(), "other ids the events may name the lead by ([columns] events_also_key; export it blank for leads that have none)".into()));
            }
        }
    }
    if let Some(c) = &inputs.created_at_column {
        needed.push((c.clone(), "the creation time (start of the events window)".into()));
    }
    for (name, recipe) in &recipes {
        if let Some(column) = recipe.column() {
            if !needed.iter().any(|(c, _)| c == column) {
                needed.push((column.to_string(), format!("signal {name:?}")));
            }
        }
    }
    // Before the leads are read: a job run without the events fails on a quiet day too.
    if events_paths.is_empty() && events_columns > 0 {
        return Err(DataError::Usage { path: leads_path.to_path_buf(), message: "the model counts events: pass the events file with --events".into() });
    }
    let mut notes = ReadNotes::default();
    let table = match read::read_table(leads_path, &csv, Some(&needed), &mut notes) {
        Ok(table) => table,
        // A day's batch without a new lead (a header naming the columns, checked as it was
        // read, and no row): scored as none, said, where a scheduled job would otherwise
        // fail on a quiet day. Its events are still read: a wrong file fails today too.
        // No bytes, or a blank first line, is no header: refused as before.
        Err(DataError::Empty { .. }) if read::has_header(leads_path, &csv) => {
            notes.warnings.push(format!("{}: holds no lead (its header alone): the scores are their header alone", leads_path.display()));
            read::Table::empty(leads_path, &needed)?
        }
        Err(e) => return Err(e),
    };
    // The ids are read on this core, and for the events their rows and the zeroed sums
    // laid out, while another reads the creation times and then the recipes' columns are
    // computed on every core (each of these is one pass on one core). Errors as read in turn.
    let created_and_features = || -> Result<_, DataError> {
        let created_format = recorded(&inputs.created_at_format);
        let created = match &inputs.created_at_column {
            Some(c) => Some(cells::timestamps(&table, c, &model_dates(&created_format).on(inputs.time_zone.as_ref()), &inputs.missing)?.values),
            None => None,
        };
        Ok((created, recipe_columns(&table, &inputs.missing, (inputs.decimal, mqlcal_scorecard::ReadBy::Model), &recipes)))
    };
    let (ids, created_and_features) = std::thread::scope(|scope| {
        // The ids stay on this thread (not a pool thread): they are freed here too.
        let created_and_features = scope.spawn(created_and_features);
        let ids = cells::text(&table, &inputs.id_column).and_then(|cells| {
            let ids: Vec<String> = cells.iter().map(|c| c.unwrap_or("").trim().to_string()).collect();
            // The events name leads by another column (blank: that lead has none).
            let keys = match (&inputs.events_key_column, events_columns > 0) {
                (Some(column), true) => Some(cleaned_cells(&table, column, &inputs.missing)?),
                _ => None,
            };
            // The lead's other ids, each column's cells (blank: "").
            let also = match events_columns > 0 {
                true => inputs.events_also_key_columns.iter().map(|column| Ok(cleaned_cells(&table, column, &inputs.missing)?)).collect::<Result<Vec<_>, DataError>>()?,
                false => Vec::new(),
            };
            let events = (events_columns > 0).then(|| {
                let names = keys.as_ref().unwrap_or(&ids);
                let rows = IdRows::new(names, inputs.id_case);
                let alike = rows.as_ref().map(|rows| rows.alike(names)).unwrap_or_default();
                EventSums { rows, alike, sums: (0..events_columns).map(|_| lead_sums(ids.len())).collect(), keys, also }
            });
            Ok((ids, events))
        });
        (ids, created_and_features.join())
    });
    let (ids, events) = ids?;
    if let Some(said) = events.as_ref().and_then(|e| shared_event_names(e, &ids, &inputs, leads_path)) {
        notes.warnings.push(said);
    }
    let (created, features) = created_and_features.map_err(|_| DataError::file(leads_path, "a thread computing the signals' columns stopped"))??;
    let created = created.unwrap_or_else(|| vec![None; ids.len()]);
    let mut features: Vec<Vec<f64>> = features?.into_iter().map(Option::unwrap_or_default).collect();
    let shares = model.training.as_ref().map(|t| &t.level_shares);
    let mut columns_said = levels_spelled_apart(&table, &inputs.missing, inputs.decimal, &recipes, shares);
    drop(table);
    let shares = model.training.as_ref().map(|t| &t.nonzero_shares);
    columns_said.extend(columns_fewer_than_in_training(leads_path, &recipes, &features, shares));

    let mut out = ScoringInput { ids, ..Default::default() };
    if let (Some((name, _)), Some(events)) = (recipes.iter().find(|(_, r)| r.events().is_some()), events) {
        if let Some(row) = created.iter().position(Option::is_none) {
            let undated = created.iter().filter(|c| c.is_none()).count();
            let others = match undated {
                1 => "the batch's only lead without one".to_string(),
                n => format!("{} more of the batch's {} leads have none", n - 1, created.len()),
            };
            return Err(DataError::Cell {
                line: None,
                path: leads_path.to_path_buf(),
                row: row + 1,
                column: inputs.created_at_column.clone().unwrap_or_default(),
                message: format!(
                    "no creation time ({others}), and signal {name:?} counts events in the window that starts there: export every lead's creation time, or leave the leads without one out of the batch (no window, no engagement to count)"
                ),
            });
        }
        let columns = inputs.event_columns.clone().ok_or_else(|| DataError::file(model_path, "counts events but names no events columns: refit it with this mqlcal"))?;
        let closed = sum_events(&mut out, events, &recipes, &mut features, &created, &inputs, &columns, events_paths, &csv, &mut notes)?;
        let shares = model.training.as_ref().map(|t| &t.nonzero_shares);
        let shown = mqlcal_config::files_shown(events_paths, "events");
        notes.warnings.extend(closed.and_then(|closed| events_fewer_than_in_training(&shown, &recipes, &features, &closed, shares)));
    }
    out.features = features;
    out.read_warnings = notes.warnings;
    out.read_warnings.extend(columns_said);
    Ok(out)
}

/// Values of the batch written like a level (or a flag's value) the model names, but for
/// case, spaces or punctuation (`Software` beside the level `software`, as a renamed
/// picklist exports it): each with its leads, which get none of that level's points.
/// And levels no lead of the batch has where the training leads' share of them
/// (`shares`, the model's `training.level_shares`) expects at least
/// [`RENAMED_SINCE_EXPECTED`]: a picklist value renamed since training, named with the
/// batch's values the model has no level for. One pass per column the levels read,
/// counting its distinct values.
fn levels_spelled_apart(
    table: &read::Table,
    missing: &[String],
    decimal: mqlcal_scorecard::DecimalMark,
    recipes: &[(&str, &Recipe)],
    shares: Option<&BTreeMap<String, f64>>,
) -> Vec<String> {
    use mqlcal_scorecard::names_cell;
    use rayon::prelude::*;
    // (column, separator) and the (signal, value, level) its levels (with their other
    // spellings) and flags match.
    let mut columns: Vec<((&str, Option<&str>), Vec<(&str, &str, &str)>)> = Vec::new();
    for &(signal, recipe) in recipes {
        let (key, values): ((&str, Option<&str>), Vec<(&str, &str)>) = match recipe {
            Recipe::Level { column, value, separator, spellings } => {
                ((column.as_str(), separator.as_deref()), std::iter::once(value).chain(spellings).map(|v| (v.as_str(), value.as_str())).collect())
            }
            Recipe::Flag { column, equals } => ((column.as_str(), None), equals.iter().map(|v| (v.as_str(), v.as_str())).collect()),
            _ => continue,
        };
        let named = values.into_iter().map(|(value, level)| (signal, value, level));
        match columns.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pairs)) => pairs.extend(named),
            None => columns.push((key, named.collect())),
        }
    }
    let found: Vec<Vec<String>> = columns
        .par_iter()
        .map(|((column, separator), named)| {
            let Ok(cells) = cells::text(table, column) else { return Vec::new() };
            let leads = cells::value_counts(&cells, &cells::MissingMarkers::new(missing), *separator);
            let of_signal = |signal: &str| -> usize { leads.iter().filter(|(value, _)| named.iter().any(|(s, v, _)| *s == signal && names_cell(v, value))).map(|(_, n)| n).sum() };
            let mut apart: Vec<(&str, usize)> = leads.iter().copied().filter(|(value, _)| !named.iter().any(|(_, v, _)| names_cell(v, value))).collect();
            apart.sort_unstable();
            let spelled = crate::guess::Spelled::levels(named.iter().map(|&(signal, value, level)| (value, (signal, level))), decimal);
            let mut said: Vec<String> = Vec::new();
            let (mut unlike, mut respelled): (Vec<(&str, usize)>, Vec<&str>) = (Vec::new(), Vec::new());
            for (value, n) in apart {
                match spelled.like(value) {
                    Some((_, (signal, level))) => {
                        said.push(crate::quality::level_spelled_apart(signal, value, n, level, crate::quality::SpelledFix::Refit));
                        respelled.push(signal);
                    }
                    None => unlike.push((value, n)),
                }
            }
            let batch = table.height();
            let mut signals: Vec<(&str, &str)> = named.iter().map(|&(signal, _, level)| (signal, level)).collect();
            signals.dedup();
            for (signal, level) in signals {
                // Written otherwise, it is said so above.
                let Some(&share) = shares.and_then(|shares| shares.get(signal)).filter(|_| !respelled.contains(&signal)) else { continue };
                let expected = share * batch as f64;
                if of_signal(signal) > 0 || expected < RENAMED_SINCE_EXPECTED {
                    continue;
                }
                said.push(level_gone_since_training(signal, level, column, share, expected, batch, &unlike));
            }
            said
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// Leads of a batch a level's training share must expect before none having it is said.
const RENAMED_SINCE_EXPECTED: f64 = 10.0;

/// The warning for a level no lead of the batch has, where `share` of the training leads
/// did, with the batch's values of its column the model has no level for (`unlike`, those
/// whose leads are nearest the level's expected first; up to three named).
fn level_gone_since_training(signal: &str, level: &str, column: &str, share: f64, expected: f64, batch: usize, unlike: &[(&str, usize)]) -> String {
    // A value renamed keeps about its share: the nearest first.
    let off = |n: usize| (n as f64 - expected).abs();
    let mut unlike = unlike.to_vec();
    unlike.sort_by(|a, b| off(a.1).total_cmp(&off(b.1)).then_with(|| a.0.cmp(b.0)));
    let candidates = match unlike.as_slice() {
        [] => format!("the batch has no value of {column:?} the model lacks a level for: a value no longer used?"),
        _ => {
            let named: Vec<String> = unlike.iter().take(3).map(|(value, n)| format!("{value:?} ({n} leads)")).collect();
            let more = if unlike.len() > 3 { format!(" and {} more", unlike.len() - 3) } else { String::new() };
            format!(
                "renamed since training? Values of {column:?} the model has no level for, those of about as many leads first: {}{more}; if one is {level:?} renamed, export it as the training data wrote it (or refit with the config counting it among the level's spellings)",
                named.join(", ")
            )
        }
    };
    format!("signal {signal:?}: no lead of this batch has {level:?}, where {:.1} % of the training leads did (about {expected:.0} of these {batch}): {candidates}", 100.0 * share)
}

/// A column's cells as the events name leads by them: trimmed, a missing-value text blank ("").
fn cleaned_cells(table: &read::Table, column: &str, missing: &[String]) -> Result<Vec<String>, DataError> {
    Ok(cells::text(table, column)?.iter().map(|c| cells::clean(c, missing).unwrap_or("").to_string()).collect())
}

/// What the events are added up in: the leads' rows by id (None: too many leads to
/// number), and one zeroed sum per lead for each events feature, in recipe order.
struct EventSums {
    rows: Option<IdRows>,
    /// Leads the events name alike (an id listed twice, one events_key value for two
    /// leads), each to count the name's events in its own window as the exported SQL does:
    /// the row an event finds, and the others ([`IdRows::alike`]).
    alike: std::collections::HashMap<usize, Vec<usize>>,
    sums: Vec<Vec<f64>>,
    /// Each lead's value of `inputs.events_key_column`, which the events name it by; None: its id.
    keys: Option<Vec<String>>,
    /// Per column of `inputs.events_also_key_columns`, each lead's cell (blank: ""): other
    /// ids the events may name it by, as in training.
    also: Vec<Vec<String>>,
}

/// Leads of a batch that the events name alike (one id twice, or one `events_key` value
/// for two leads; blanks aside), said: each counts the name's events in its own window (the
/// exported SQL alike), which is right only if they are one person.
fn shared_event_names(events: &EventSums, ids: &[String], inputs: &Inputs, path: &Path) -> Option<String> {
    let names = events.keys.as_deref().unwrap_or(ids);
    // Each name's rows are its earlier ones then its last: the first lead to repeat a name
    // before it is the earliest second row.
    let shared: usize = events.alike.values().map(Vec::len).sum();
    let (then, first) = events.alike.iter().map(|(&last, earlier)| (earlier.get(1).copied().unwrap_or(last), earlier[0])).min()?;
    let (what, fix) = match &inputs.events_key_column {
        Some(column) => (format!("values of {column:?} (what the events name leads by)"), "if they are different people, give each lead its own (blank where unknown)"),
        None => ("lead ids".to_string(), "each is scored (a lead listed twice, twice); if they are different leads, give each its own id"),
    };
    Some(format!(
        "{}: {shared} leads repeat {what} of leads before them, e.g. {:?} at rows {} and {}: each such lead counts that value's events in its own window, as the exported SQL does; {fix}",
        path.display(),
        names[then],
        first + 1,
        then + 1
    ))
}

/// Add every counted event's weight to its lead's events features, then cap and scale them.
#[allow(clippy::too_many_arguments)]
fn sum_events(
    out: &mut ScoringInput,
    EventSums { rows, alike, sums, keys, also }: EventSums,
    recipes: &[(&str, &Recipe)],
    features: &mut [Vec<f64>],
    created: &[Option<i64>],
    inputs: &Inputs,
    columns: &EventColumns,
    paths: &[std::path::PathBuf],
    csv: &CsvOptions,
    notes: &mut ReadNotes,
) -> Result<Option<Vec<bool>>, DataError> {
    let shown = mqlcal_config::files_shown(paths, "events");
    let path = shown.as_path();
    let events_rules = || recipes.iter().enumerate().filter_map(|(j, (_, recipe))| recipe.events().map(|rule| (j, rule)));
    let names_of_leads: &[String] = keys.as_deref().unwrap_or(&out.ids);
    let rows = rows.ok_or_else(|| IdRows::too_many(out.ids.len(), path))?;
    let lead_index = LeadIndex::of(names_of_leads, rows);
    // A lead's other ids find it as they did in training (a value two leads hold, neither).
    let lead_index = match also.is_empty() {
        true => lead_index,
        false => {
            let names: Vec<&str> = inputs.events_also_key_columns.iter().map(String::as_str).collect();
            let columns: Vec<&[String]> = also.iter().map(Vec::as_slice).collect();
            lead_index.with_also_keys(&names, &columns, inputs.events_also_key_separator.as_deref(), inputs.id_case, path, &mut notes.warnings)?
        }
    };
    for ((j, _), sums) in events_rules().zip(sums) {
        features[j] = sums;
    }
    // Each counted activity's number (what the events file's reader looks it up to) and
    // the events features (index into `features`, and their rule) that count it.
    let (activity_index, counted_by) =
        number_activities(events_rules().flat_map(|(j, rule)| rule.distinct_activities().map(move |a| (a, rule.detail_contains.as_slice(), (j, rule)))));
    let keys = EventKeys { leads: &lead_index, activities: &activity_index };
    let window = inputs.window();
    let (mut unknown_activities, mut for_unknown_leads, mut outside_window) = (BTreeMap::<String, usize>::new(), 0, 0);
    let mut by_other_id_form = crate::id_forms::OtherFormMatches::default();
    let mut by_case = crate::id_forms::CaseOnlyMatches::default();
    let mut repeats = crate::events::RepeatCheck::new(out.ids.len());
    let mut covered = crate::events::DaysCovered::of_windows(created, window);
    let mut seen = crate::event_stream::ActivitiesSeen::new(&activity_index);
    let mut by_also_key = (!also.is_empty()).then(AlsoKeyCounts::default);
    let mut also_key_leads = vec![false; if also.is_empty() { 0 } else { out.ids.len() }];
    let mut take = |event: Event<'_>| {
        if let Some(later) = event.later {
            crate::random_reads::prefetch_at(created, later.lead);
            for &(j, _) in later.counted.map_or(&[][..], |index| &counted_by[index]) {
                crate::random_reads::prefetch_at(&features[j], later.lead);
            }
        }
        if let Some(t) = event.occurred_at {
            covered.see_any(t);
        }
        seen.see(keys.activities, event.counted, event.activity);
        let Some(index) = event.counted else {
            // An activity the model counts, of a detail no signal filters it to, is no unknown one.
            if event.activity.is_none_or(|a| keys.activities.number(a).is_none()) {
                *unknown_activities.entry(event.activity.unwrap_or("").to_string()).or_default() += 1;
            }
            return;
        };
        let Some(row) = event.lead else {
            if let Some(counts) = by_also_key.as_mut().filter(|_| keys.leads.shared_also_key(event.lead_id.unwrap_or_default())) {
                counts.shared += 1;
                return;
            }
            for_unknown_leads += 1;
            by_case.see(event.lead_id.unwrap_or_default(), names_of_leads);
            return;
        };
        if event.by_other_id_form() {
            by_other_id_form.add(event.lead_id.unwrap_or_default(), &names_of_leads[row]);
        }
        if let Some(t) = event.occurred_at {
            covered.see(t);
        }
        let mut counted = false;
        // Most batches name each lead once: no lookup then.
        let others: &[usize] = if alike.is_empty() { &[] } else { alike.get(&row).map_or(&[], Vec::as_slice) };
        if let Some(counts) = by_also_key.as_mut().filter(|_| event.found_by == crate::event_stream::FoundBy::AlsoKey) {
            counts.events += 1;
            std::iter::once(row).chain(others.iter().copied()).for_each(|row| also_key_leads[row] = true);
        }
        for row in std::iter::once(row).chain(others.iter().copied()) {
            if let (Some(t), Some(start)) = (event.occurred_at, created[row]) {
                if window.contains(start, t) {
                    counted = true;
                    covered.counts(row);
                    repeats.see(row, index, t);
                    for &(j, rule) in &counted_by[index] {
                        features[j][row] += rule.weight_in(window, start, t);
                    }
                }
            }
        }
        outside_window += usize::from(!counted);
    };
    let occurred_format = recorded(&columns.occurred_at_format);
    let detail = crate::event_stream::detail_column(columns.detail.as_deref(), events_rules().map(|(_, rule)| rule));
    let names = EventColumnNames { lead_id: &columns.lead_id, occurred_at: &columns.occurred_at, activity: &columns.activity, detail };
    let mut closed = None;
    match for_each_event_in(paths, csv, &names, &occurred_format, model_dates, inputs.time_zone.as_ref(), &keys, notes, &mut take) {
        // A day without activity (a header naming the columns, checked as it was read, and
        // no row): no lead's events count, said; the leads still score on what they are.
        Err(DataError::Empty { .. }) if paths.iter().all(|p| read::has_header(p, csv)) => {
            notes.warnings.push(format!("{}: holds no event (its header alone): no lead's engagement signals count any", path.display()))
        }
        read => {
            read?;
            notes.warnings.extend(covered.gaps(path, created, window));
            out.open_windows = covered.open_windows(created, window);
            closed = covered.closed_windows(created, window);
            // A filter that held in training and holds nothing now (the site's URLs changed),
            // said once the activity has events enough that a text it held would show.
            notes.warnings.extend(crate::events::details_never_held(path, detail, &seen.texts_never_held(&activity_index, SCORED_DETAIL_MIN_EVENTS)));
        }
    }
    for (j, (_, recipe)) in recipes.iter().enumerate() {
        if let Some(rule) = recipe.events() {
            features[j].iter_mut().for_each(|v| *v = rule.finish(*v));
        }
    }
    // An activity the model counts, written otherwise (a renamed CRM activity): not counted.
    let counted = crate::guess::Spelled::new(events_rules().flat_map(|(j, rule)| rule.activities.iter().map(move |a| (a.as_str(), recipes[j].0))));
    for (activity, events) in &unknown_activities {
        if let Some((counted, name)) = counted.like(activity) {
            notes.warnings.push(format!(
                "{}: {activity:?} ({events} events) is written like the activity {counted:?} that signal {name:?} counts but for case, spaces or punctuation; activities match exactly, so those events were not counted: export {counted:?} as the training data wrote it (or refit on data that spells it so)",
                path.display()
            ));
        }
    }
    out.unknown_activities = unknown_activities;
    out.events_for_unknown_leads = for_unknown_leads;
    out.unknown_leads_by_case = by_case.counted();
    out.by_other_id_form = by_other_id_form;
    out.events_outside_window = outside_window;
    out.by_also_key = by_also_key.map(|counts| AlsoKeyCounts { leads: also_key_leads.iter().filter(|&&found| found).count(), ..counts });
    out.repeated_events = repeats.finish(&out.ids, keys.activities.names());
    Ok(closed)
}

/// An events signal is said to count far fewer of a batch's leads than in training when
/// its share of the leads whose windows have closed is at most this fraction of its
/// training share ([`events_fewer_than_in_training`]) ...
const FEWER_THAN_TRAINING: f64 = 0.25;

/// ... which was at least this ...
const TRAINING_SHARE_MIN: f64 = 0.05;

/// ... of at least this many such leads (of a batch, for a flag or a number).
const CLOSED_LEADS_MIN: usize = 200;

/// Of `values`, those of the leads `among` keeps (every lead without it), the share that is
/// not 0.
fn nonzero_share(values: &[f64], among: Option<&[bool]>) -> f64 {
    let kept = |k: usize| among.is_none_or(|among| among[k]);
    let (leads, nonzero) = values.iter().enumerate().filter(|&(k, _)| kept(k)).fold((0usize, 0usize), |(n, nz), (_, &v)| (n + 1, nz + usize::from(v != 0.0)));
    nonzero as f64 / leads.max(1) as f64
}

/// Whether a batch's share is far under the training leads' `trained` ([`FEWER_THAN_TRAINING`]);
/// None when `trained` is too small to judge by ([`TRAINING_SHARE_MIN`]).
fn far_fewer(share: f64, trained: f64) -> Option<bool> {
    (trained >= TRAINING_SHARE_MIN).then_some(share <= FEWER_THAN_TRAINING * trained)
}

/// The flags and numbers that are not 0 for far fewer of the batch's leads than of the
/// training leads (`shares`, the model's `training.nonzero_shares`; the same bounds as
/// [`events_fewer_than_in_training`]), in one warning: a column an enrichment or a form no
/// longer fills (blank reads as the default, 0 as a rule) takes its points from every lead.
/// A level no lead has any more is said by [`levels_spelled_apart`].
fn columns_fewer_than_in_training(path: &Path, recipes: &[(&str, &Recipe)], features: &[Vec<f64>], shares: Option<&BTreeMap<String, f64>>) -> Option<String> {
    let shares = shares?;
    let fewer: Vec<String> = recipes
        .iter()
        .zip(features)
        .filter(|((_, recipe), values)| matches!(recipe, Recipe::Flag { .. } | Recipe::Number(_)) && values.len() >= CLOSED_LEADS_MIN)
        .filter_map(|((name, recipe), values)| {
            let (trained, share) = (*shares.get(*name)?, nonzero_share(values, None));
            far_fewer(share, trained)?.then(|| format!("{name:?} (column {:?}) {:.1} %, against {:.1} % in training", recipe.column().unwrap_or_default(), 100.0 * share, 100.0 * trained))
        })
        .collect();
    (!fewer.is_empty()).then(|| {
        format!(
            "{}: signals are not 0 for far fewer of the batch's {} leads than of the training leads: {}. Is each column still filled as in training? One an enrichment or a form no longer fills takes its points from every lead, and the MQLs move with them",
            path.display(),
            features.first().map_or(0, Vec::len),
            fewer.join("; ")
        )
    })
}

/// The events signals that counted an event for far fewer of the batch's leads whose
/// windows have closed (`closed`) than of the training leads (`shares`, the model's
/// `training.nonzero_shares`), in one warning: an activity no longer exported as training
/// saw it (renamed at the source, a sync that stopped) takes its points from every lead,
/// and the MQLs fall with them, where nothing else would say so. A renamed activity's
/// events are also said as ones the model does not count; a sync that stopped leaves none.
fn events_fewer_than_in_training(path: &Path, recipes: &[(&str, &Recipe)], features: &[Vec<f64>], closed: &[bool], shares: Option<&BTreeMap<String, f64>>) -> Option<String> {
    let shares = shares?;
    let leads = closed.iter().filter(|&&closed| closed).count();
    if leads < CLOSED_LEADS_MIN {
        return None;
    }
    // Each events signal judged (its training share large enough): whether it counts far
    // fewer, and how it is said.
    let judged: Vec<(bool, String)> = recipes
        .iter()
        .zip(features)
        .filter_map(|((name, recipe), values)| {
            let rule = recipe.events()?;
            let (trained, share) = (*shares.get(*name)?, nonzero_share(values, Some(closed)));
            let activities: Vec<String> = rule.activities.iter().map(|a| format!("{a:?}")).collect();
            let of = if activities.len() == 1 { "activity" } else { "activities" };
            let said = format!("{name:?} ({of} {}) {:.1} %, against {:.1} % in training", activities.join(", "), 100.0 * share, 100.0 * trained);
            Some((far_fewer(share, trained)?, said))
        })
        .collect();
    let fewer: Vec<&str> = judged.iter().filter(|(fewer, _)| *fewer).map(|(_, said)| said.as_str()).collect();
    match fewer.len() {
        0 => None,
        // Every one of several: the file, not an activity.
        n if n == judged.len() && n >= 3 => Some(format!(
            "{}: every events signal counted an event for far fewer of the batch's {leads} leads whose windows have closed than of the training leads ({}, and {} more): does the file hold every lead's events? A filter, or an export cut short, takes their points from most leads, and the MQLs fall with them",
            path.display(),
            fewer[..2].join("; "),
            n - 2
        )),
        _ => Some(format!(
            "{}: events signals counted an event for far fewer of the batch's {leads} leads whose windows have closed than of the training leads: {}. Is each activity still exported as in training? One renamed at the source, or a sync that stopped, takes its points from every lead, and the MQLs fall with them",
            path.display(),
            fewer.join("; ")
        )),
    }
}

/// The events of a filtered activity a scored batch needs before `score` says that none
/// of them holds a filter's text: a daily batch's few page views may all be of other
/// pages; a thousand without one that held in training are a renamed page.
const SCORED_DETAIL_MIN_EVENTS: usize = 1_000;

/// Dates are read as the training data wrote them, as the model records; a model file
/// from before the format was recorded has the data decide.
fn recorded(layout: &Option<DateLayout>) -> DateFormat {
    layout.clone().map_or(DateFormat::Auto, DateFormat::Fixed)
}

fn model_dates(format: &DateFormat) -> DateRule<'_> {
    DateRule {
        format,
        fix: DateFix::Recorded(match format {
            DateFormat::Fixed(_) => "as the model's training data wrote them; its inputs record the format",
            DateFormat::Auto => "this model file predates recorded date formats; refit it to record one",
        }),
        zone: None,
    }
}
