//! The leads of a config's file(s) gathered column by column before they become
//! the feature table: ids, creation times, outcomes, segments and the values of
//! the signals read from lead columns (events signals are filled in by the
//! events aggregation), with duplicate-id handling and the final sort.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use polars::prelude::{PlHashMap, PlHashSet};
use std::path::PathBuf;

use mqlcal_config::{Config, Duplicates, Layout};
use mqlcal_scorecard::{names_cell, IdCase, Recipe};
use mqlcal_features::{AsOf, FeatureColumn, FeatureTable, Outcome, SegmentColumn};
use rayon::prelude::*;

use crate::cells::{self, clean, DateLayout, DateRule};
use crate::recipe_columns::recipe_columns;
use crate::events::{Decisions, LeadKeys};
use crate::ingest::{cohort_label, plausible_dates, IngestStats, Part};
use crate::read::Table;
use crate::DataError;

/// The leads read so far, one vector per column.
pub(crate) struct LeadRows {
    pub(crate) ids: Vec<String>,
    /// With `[columns] events_key`, each lead's value of that column (blank: ""), which
    /// the events name it by; empty without the setting (the events name leads by id).
    pub(crate) events_keys: Vec<String>,
    /// Per column of `[columns] events_also_key`, each lead's value (blank: "").
    pub(crate) also_keys: Vec<Vec<String>>,
    pub(crate) created_at: Vec<Option<i64>>,
    /// `[columns] decided_at` of each decided lead (None: open, or blank; empty without
    /// the setting).
    pub(crate) decided_at: Vec<Option<i64>>,
    pub(crate) outcomes: Vec<Outcome>,
    pub(crate) segments: Vec<Vec<Option<String>>>,
    /// One vector per feature column from lead columns (events columns come later).
    pub(crate) features: Vec<Vec<f64>>,
    /// For messages: (file index, 1-based row) of each lead.
    pub(crate) origin: Vec<(usize, usize)>,
    pub(crate) files: Vec<PathBuf>,
    /// How each file wrote its creation dates (none without a creation date column), and
    /// whether it said they are UTC where the layout does not (`Dates::marked_utc`); None
    /// for a file whose every row `[exclude]` leaves out (no date of it is read).
    pub(crate) created_layouts: Vec<Option<(DateLayout, bool)>>,
    /// Feature columns filled by the events aggregation, per events signal, in config order.
    pub(crate) event_columns: Vec<Vec<f64>>,
    /// Each row: `[exclude]` leaves it out (empty without `[exclude]`), which ingest drops
    /// at once ([`LeadRows::without_excluded`]); and the leads of each of its values.
    pub(crate) excluded: Vec<bool>,
    pub(crate) excluded_by_value: Vec<Vec<usize>>,
}

/// Row `row` is one `[exclude]` leaves out, by a mask of the rows (empty: none is).
fn is_excluded(excluded: &[bool], row: usize) -> bool {
    excluded.get(row) == Some(&true)
}

/// What to do about ids a spreadsheet rounded: distinct leads then share one id.
const ROUNDED_IDS: &str = "ids written in scientific notation (1.23457E+14) were rounded by a spreadsheet, so different leads share one; export the ids again as text, without opening the file in a spreadsheet (keep-first would drop real leads)";

/// What to do about repeated ids when one of them is a long number a spreadsheet
/// rounded; None when none is (then removing or keeping duplicates is the choice).
pub(crate) fn rounded_ids_fix<'a>(mut repeated: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    repeated.any(rounded_by_a_spreadsheet).then_some(ROUNDED_IDS)
}

/// What to say when another file's ids (events, won ids) are ones a spreadsheet rounded
/// (`e.g.` is one of them): they name no lead, or several leads' one.
pub(crate) fn rounded_elsewhere(e_g: &str) -> String {
    format!(
        "; its ids are written in scientific notation ({e_g:?}): a spreadsheet rounded them, so they no longer name one lead each; export that file again with the ids as text, without opening it in a spreadsheet"
    )
}

/// An id as a spreadsheet shows a long number it has rounded: `1.23457E+14`.
pub(crate) fn rounded_by_a_spreadsheet(id: &str) -> bool {
    let Some((mantissa, exponent)) = id.split_once(['E', 'e']) else { return false };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => whole.len() == 1 && digits(whole) && digits(fraction),
        None => mantissa.len() == 1 && digits(mantissa),
    };
    mantissa_ok && exponent.strip_prefix('+').is_some_and(digits)
}

impl LeadRows {
    pub(crate) fn new(config: &Config) -> Self {
        let lead_feature_columns = config.recipes().iter().filter(|(_, recipe)| recipe.events().is_none()).count();
        LeadRows {
            ids: vec![],
            events_keys: vec![],
            also_keys: vec![vec![]; config.events_also_key.len()],
            created_at: vec![],
            decided_at: vec![],
            created_layouts: vec![],
            outcomes: vec![],
            segments: vec![vec![]; config.segments.len()],
            features: vec![vec![]; lead_feature_columns],
            origin: vec![],
            files: vec![],
            event_columns: vec![],
            excluded: vec![],
            excluded_by_value: config.exclude.iter().map(|e| vec![0; e.values.len()]).collect(),
        }
    }

    /// The rows without those `[exclude]` leaves out (a merged `Duplicate`, a `Test`, a
    /// partner's lead): no lead, so nothing counts them (volume, fit, backtest, the as-of
    /// date); said in a warning with each value's leads, and a value no lead has (a typo).
    /// Also which rows were dropped (empty when none was).
    pub(crate) fn without_excluded(mut self, config: &Config, warnings: &mut Vec<String>) -> (LeadRows, Vec<bool>) {
        let counted = |held: bool| -> Vec<String> {
            config
                .exclude
                .iter()
                .zip(&self.excluded_by_value)
                .filter_map(|(exclusion, leads)| {
                    let values: Vec<String> = exclusion.values.iter().zip(leads).filter(|(_, n)| (**n > 0) == held).map(|(v, n)| if held { format!("{v:?} {n}") } else { format!("{v:?}") }).collect();
                    (!values.is_empty()).then(|| format!("column {:?}: {}", exclusion.column, values.join(", ")))
                })
                .collect()
        };
        let never = counted(false);
        let never = match never.is_empty() {
            true => String::new(),
            false => format!("; no lead has {}: check the spelling against the column's values", never.join("; ")),
        };
        let dropped = self.excluded.iter().filter(|&&e| e).count();
        if dropped == 0 {
            warnings.extend((!config.exclude.is_empty()).then(|| format!("[exclude] leaves out no lead{never}")));
            return (self, Vec::new());
        }
        warnings.push(format!(
            "{} leads [exclude] lists are left out of every number ({}): no lead, their events count for none{never}",
            dropped,
            counted(true).join("; ")
        ));
        let excluded = std::mem::take(&mut self.excluded);
        let keep: Vec<usize> = (0..self.ids.len()).filter(|&row| !excluded[row]).collect();
        (self.select(&keep), excluded)
    }

    /// What the events name the rows `[exclude]` leaves out by (their key and other ids, as
    /// `id_case` matches them): their events are told apart from those of unknown leads.
    pub(crate) fn excluded_keys(&self, config: &Config) -> PlHashSet<String> {
        let LeadKeys { ids, also, .. } = self.lead_keys(config);
        let separator = config.events_also_key_separator.as_deref();
        let excluded_rows = (0..ids.len()).filter(|&row| is_excluded(&self.excluded, row));
        excluded_rows
            .flat_map(|row| {
                let own = Some(ids[row].as_str()).filter(|key| !key.is_empty());
                own.into_iter().chain(also.iter().flat_map(move |(_, values)| mqlcal_config::also_key_values(&values[row], separator)))
            })
            .map(|key| config.id_case.key(key).into_owned())
            .collect()
    }

    /// Of `table`'s rows, those a cell of an `[exclude]` column (trimmed) says are no
    /// lead, each counted under the first value that says so; empty without `[exclude]`.
    fn excluded_rows(&mut self, config: &Config, table: &Table) -> Result<Vec<bool>, DataError> {
        if config.exclude.is_empty() {
            return Ok(Vec::new());
        }
        let markers = cells::MissingMarkers::new(&config.csv.missing);
        let mut excluded = vec![false; table.height()];
        for (exclusion, leads) in config.exclude.iter().zip(self.excluded_by_value.iter_mut()) {
            for (row, cell) in cells::text(table, &exclusion.column)?.iter().enumerate() {
                let value = cell.and_then(|c| markers.clean(c)).and_then(|text| exclusion.values.iter().position(|v| names_cell(v, text)));
                if let (Some(value), false) = (value, excluded[row]) {
                    excluded[row] = true;
                    leads[value] += 1;
                }
            }
        }
        Ok(excluded)
    }

    /// What the events aggregation needs of the leads: ids, creation times, decisions.
    pub(crate) fn lead_keys<'a>(&'a self, config: &'a Config) -> LeadKeys<'a> {
        let decisions = config.decided_at.as_ref().map(|d| Decisions { column: &d.column, at: &self.decided_at, outcomes: &self.outcomes, origin: &self.origin });
        let ids = if config.events_key.is_some() { &self.events_keys } else { &self.ids };
        let also = config.events_also_key.iter().map(String::as_str).zip(self.also_keys.iter().map(Vec::as_slice)).collect();
        LeadKeys { ids, created_at: &self.created_at, decisions, id_rows: None, also, excluded: Default::default(), check_running_counts: false }
    }

    /// Add the leads of one file part, column by column, in the order errors are reported:
    /// ids, creation dates, outcomes, segments, then signal values.
    /// The signals' columns are computed on the other cores while this one reads the
    /// ids, dates, outcomes and segments (each one pass on one core).
    pub(crate) fn append(&mut self, config: &Config, part: &Part, won_ids: Option<&HashSet<String>>) -> Result<(), DataError> {
        let file_index = self.files.len();
        self.files.push(part.table.path.clone());
        let excluded = self.excluded_rows(config, &part.table)?;
        self.excluded.extend(&excluded);
        // A row [exclude] leaves out is read no further than its keys (its id, and what the
        // events name it by, so that its events are told apart): its other cells are
        // blanked, so a test record's placeholder date or text in a number column stops
        // nothing. The rows stay, numbered as in the file.
        let blanked;
        let part = match excluded.contains(&true) {
            true => {
                let keys: Vec<&str> = config.key_columns().collect();
                blanked = Part { table: part.table.with_rows_blanked(&excluded, &keys)?, fixed_outcome: part.fixed_outcome };
                &blanked
            }
            false => part,
        };
        let table = &part.table;
        let (own, signals) = std::thread::scope(|scope| {
            let signals = scope.spawn(|| Self::signal_columns(config, table));
            let own = (|| {
                self.append_ids(config, table, file_index, &excluded)?;
                self.append_created_at(config, table, &excluded)?;
                self.append_outcomes(config, part, won_ids, &excluded)?;
                self.append_decided_at(config, part)?;
                for (segment, values) in config.segments.iter().zip(self.segments.iter_mut()) {
                    let cells = cells::text(table, segment)?;
                    values.extend(cells.iter().map(|c| clean(c, &config.csv.missing).map(str::to_string)));
                }
                Ok(())
            })();
            (own, signals.join())
        });
        own?;
        let signals = signals.map_err(|_| DataError::file(&table.path, "a thread computing the signals' columns stopped"))??;
        for (out, values) in self.features.iter_mut().zip(signals) {
            match values {
                // The first part's column is taken as it is (no copy of a million values).
                Some(values) if out.is_empty() => *out = values,
                values => out.extend(values.unwrap_or_default()),
            }
        }
        Ok(())
    }

    /// Each row's id; every lead needs one (a row `excluded` marks, left out, need not).
    fn append_ids(&mut self, config: &Config, table: &Table, file_index: usize, excluded: &[bool]) -> Result<(), DataError> {
        let ids = cells::text(table, &config.id_column)?;
        for (row, cell) in ids.iter().enumerate() {
            let id = clean(cell, &config.csv.missing).or(is_excluded(excluded, row).then_some("")).ok_or_else(|| DataError::Cell {
                line: None,
                path: table.path.clone(),
                row: row + 1,
                column: config.id_column.clone(),
                message: match table.row_is_blank(row) {
                    true => "the lead id is blank, as is every other cell read in that row (an empty line, or a row of delimiters, between leads): delete the line".into(),
                    false => "the lead id is blank; every lead needs an id".into(),
                },
            })?;
            self.ids.push(id.to_string());
            self.origin.push((file_index, row + 1));
        }
        if let Some(key) = &config.events_key {
            let keys = cells::text(table, key)?;
            self.events_keys.extend(keys.iter().map(|cell| clean(cell, &config.csv.missing).unwrap_or("").to_string()));
        }
        for (column, values) in config.events_also_key.iter().zip(self.also_keys.iter_mut()) {
            let keys = cells::text(table, column)?;
            values.extend(keys.iter().map(|cell| clean(cell, &config.csv.missing).unwrap_or("").to_string()));
        }
        Ok(())
    }

    /// With `[columns] events_key`: an error when two leads share a value of it (blanks
    /// aside), since the events could not tell which lead one of them is.
    pub(crate) fn check_events_keys(&self, column: &str, id_case: IdCase) -> Result<(), DataError> {
        let mut first_seen: PlHashMap<Cow<str>, usize> = PlHashMap::default();
        for (row, key) in self.events_keys.iter().enumerate().filter(|(_, key)| !key.is_empty()) {
            if let Some(&first) = first_seen.get(id_case.key(key).as_ref()) {
                let ((file_a, row_a), (file_b, row_b)) = (self.origin[first], self.origin[row]);
                return Err(DataError::File {
                    path: self.files[file_b].clone(),
                    message: format!(
                        "row {row_b}, column {column:?} ([columns] events_key): {key:?} is also the value of the lead at {} row {row_a} ({:?}, {:?}): the events name leads by it, and could not tell these apart; make the column unique (blank where unknown: such a lead has no events), or match the events by another column",
                        self.files[file_a].display(),
                        self.ids[first],
                        self.ids[row]
                    ),
                });
            }
            first_seen.insert(id_case.key(key), row);
        }
        Ok(())
    }

    /// Each row's creation time; every lead needs one (not the rows `excluded` marks).
    fn append_created_at(&mut self, config: &Config, table: &Table, excluded: &[bool]) -> Result<(), DataError> {
        let (path, missing, n) = (&table.path, &config.csv.missing, table.height());
        match &config.created_at_column {
            Some(column) => {
                let dates = cells::timestamps(table, column, &DateRule::configured(&config.date_format).on(config.time_zone.as_ref()), missing)?;
                let read = excluded.is_empty() || excluded.contains(&false);
                self.created_layouts.push(read.then_some((dates.layout, dates.marked_utc)));
                let times = dates.values;
                if let Some(row) = times.iter().enumerate().position(|(row, t)| t.is_none() && !is_excluded(excluded, row)) {
                    return Err(DataError::Cell {
                        line: None,
                        path: path.clone(),
                        row: row + 1,
                        column: column.clone(),
                        message: "the creation date is blank; every lead needs one to place it in a cohort and its events window".into(),
                    });
                }
                let (earliest, latest) = plausible_dates(config);
                if let Some(row) = times.iter().position(|t| t.is_some_and(|t| t < earliest || t > latest)) {
                    return Err(DataError::Cell {
                        line: None,
                        path: path.clone(),
                        row: row + 1,
                        column: column.clone(),
                        message: format!(
                            "creation date {} is outside the plausible range {} to {} (a typo or a placeholder such as 9999-12-31?); fix the cell, or widen [input] earliest_date / latest_date if such leads are real",
                            mqlcal_features::calendar::format_timestamp(times[row].unwrap_or_default()),
                            &mqlcal_features::calendar::format_date(earliest),
                            &mqlcal_features::calendar::format_date(latest)
                        ),
                    });
                }
                self.created_at.extend(times);
            }
            None => self.created_at.extend(std::iter::repeat_n(None, n)),
        }

        Ok(())
    }

    /// Each row's outcome; a row `excluded` says is no lead gets a placeholder, its cell
    /// not read (the row is dropped before anything reads its outcome).
    fn append_outcomes(&mut self, config: &Config, part: &Part, won_ids: Option<&HashSet<String>>, excluded: &[bool]) -> Result<(), DataError> {
        let table = &part.table;
        let (path, missing, n) = (&table.path, &config.csv.missing, table.height());
        match (part.fixed_outcome, &config.layout) {
            (Some(outcome), _) => self.outcomes.extend(std::iter::repeat_n(outcome, n)),
            (None, Layout::WonIds { status_column, .. }) => {
                let won = won_ids.ok_or_else(|| DataError::Config { message: "won ids missing".into() })?;
                let start = self.ids.len() - n;
                let status: Option<Vec<Option<String>>> = status_column
                    .as_ref()
                    .map(|c| cells::text(table, c).map(|t| t.iter().map(|v| v.map(|v| v.trim().to_string())).collect()))
                    .transpose()?;
                // Without a status column, the stale-open rule tells open leads: all
                // start open and those older than open_after_days become lost.
                let not_won = if config.outcome.open_after_days.is_some() { Outcome::Open } else { Outcome::Lost };
                for (row, id) in self.ids[start..].iter().enumerate() {
                    // The won ids as the leads write them (`ingest::resolve_won_ids` matched
                    // those written in another form to their lead).
                    let is_won = won.contains(id);
                    let outcome = if is_won {
                        Outcome::Won
                    } else if let Some(status) = &status {
                        let text = status.get(row).and_then(|v| v.as_deref()).unwrap_or("");
                        if config.outcome.open.iter().any(|v| names_cell(v, text)) { Outcome::Open } else { Outcome::Lost }
                    } else {
                        not_won
                    };
                    self.outcomes.push(outcome);
                }
            }
            (None, Layout::OutcomeColumn { outcome_columns, .. }) => {
                let map = &config.outcome;
                let markers = cells::MissingMarkers::new(missing);
                // Each cell by the lists: None when no list (nor blank_is / filled_is) maps it.
                let mapped = |text: &str| {
                    if map.won.iter().any(|v| names_cell(v, text)) {
                        Some(Outcome::Won)
                    } else if map.lost.iter().any(|v| names_cell(v, text)) {
                        Some(Outcome::Lost)
                    } else if map.open.iter().any(|v| names_cell(v, text)) || (markers.clean(text).is_none() && map.blank_is_open) {
                        Some(Outcome::Open)
                    } else if map.filled_is_won && markers.clean(text).is_some() {
                        Some(Outcome::Won)
                    } else {
                        None
                    }
                };
                let columns = outcome_columns.iter().map(|c| cells::text(table, c)).collect::<Result<Vec<_>, _>>()?;
                let mut cells: Vec<_> = columns.iter().map(|c| c.iter()).collect();
                for row in 0..n {
                    // Of several columns, won when any says won, else lost when any says lost.
                    let mut outcome = Outcome::Open;
                    // A lead `[exclude]` leaves out has no outcome to read (its cells are passed).
                    let left_out = is_excluded(excluded, row);
                    for (k, column) in cells.iter_mut().enumerate() {
                        let text = column.next().flatten().map(str::trim).unwrap_or("");
                        if left_out {
                            continue;
                        }
                        match mapped(text) {
                            Some(Outcome::Won) => outcome = Outcome::Won,
                            Some(Outcome::Lost) if outcome != Outcome::Won => outcome = Outcome::Lost,
                            Some(_) => {}
                            None => {
                                return Err(DataError::Cell {
                                    line: None,
                                    path: path.clone(),
                                    row: row + 1,
                                    column: outcome_columns[k].clone(),
                                    message: unmapped_outcomes(text, &columns[k], excluded, map, missing),
                                })
                            }
                        }
                    }
                    self.outcomes.push(outcome);
                }
            }
            (None, Layout::SeparateFiles { .. }) => {
                return Err(DataError::Config { message: "separate files must fix the outcome".into() })
            }
        }

        Ok(())
    }

    /// Each decided lead's decision date (`[columns] decided_at`), read after its outcome:
    /// an open lead's cell is not read (a CRM's close date is a forecast until then, maybe
    /// "TBD"), nor is a file of open leads (the separate-files layout's).
    fn append_decided_at(&mut self, config: &Config, part: &Part) -> Result<(), DataError> {
        let Some(decided) = &config.decided_at else { return Ok(()) };
        let table = &part.table;
        if part.fixed_outcome == Some(Outcome::Open) {
            self.decided_at.extend(std::iter::repeat_n(None, table.height()));
            return Ok(());
        }
        let start = self.decided_at.len();
        let decided_lead = |row: usize| self.outcomes[start + row] != Outcome::Open;
        let rule = DateRule::configured_by(&decided.date_format, "[columns] decided_at_format").on(config.time_zone.as_ref());
        let dates = cells::timestamps_of_rows(table, &decided.column, &rule, &config.csv.missing, &decided_lead)?;
        self.decided_at.extend(dates.values);
        Ok(())
    }

    /// The feature columns read from lead columns (events are counted later), each by its
    /// recipe: one per recipe that reads the leads, as `features` holds them (`LeadRows::new`).
    fn signal_columns(config: &Config, table: &Table) -> Result<Vec<Option<Vec<f64>>>, DataError> {
        let lead_recipes: Vec<(&str, Recipe)> = config
            .signals
            .iter()
            .flat_map(|signal| signal.recipes().into_iter().map(move |(_, recipe)| (signal.name.as_str(), recipe)))
            .filter(|(_, recipe)| recipe.events().is_none())
            .collect();
        recipe_columns(table, &config.csv.missing, (config.csv.decimal, mqlcal_scorecard::ReadBy::Config), &lead_recipes)
    }

    /// Which rows to keep, in order, after applying the duplicate-id policy. `unique`:
    /// the ids are known to be given once each (every row is kept, nothing counted).
    /// The rows kept when ids repeat (`policy`); ids that differ only in case repeat with
    /// `id_case = "ignore"`, and are counted under the first one's spelling.
    pub(crate) fn resolve_duplicates(&self, id_column: &str, id_case: IdCase, policy: Duplicates, unique: bool, stats: &mut IngestStats) -> Result<Vec<usize>, DataError> {
        if unique {
            return Ok((0..self.ids.len()).collect());
        }
        let keys: Vec<Cow<str>> = self.ids.iter().map(|id| id_case.key(id)).collect();
        let mut first_seen: PlHashMap<&str, usize> = PlHashMap::with_capacity_and_hasher(self.ids.len(), Default::default());
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        // The row a repeated id keeps, when it is not its first.
        let mut kept: PlHashMap<&str, usize> = PlHashMap::default();
        // Ids whose rows disagree on the outcome, and the first two rows seen to.
        let (mut mixed, mut mixed_example): (HashSet<&str>, Option<(usize, usize)>) = (HashSet::new(), None);
        for (row, key) in keys.iter().enumerate() {
            match first_seen.get(key.as_ref()) {
                None => {
                    first_seen.insert(key, row);
                }
                Some(&first) => {
                    let id = &self.ids[row];
                    let disagree = self.outcomes[row] != self.outcomes[first];
                    if policy == Duplicates::Error {
                        let (file_a, row_a) = self.origin[first];
                        let (file_b, row_b) = self.origin[row];
                        let written = match self.ids[first] == *id {
                            true => String::new(),
                            false => format!(" (as {:?}: [input] id_case = \"ignore\" makes ids that differ only in case one)", self.ids[first]),
                        };
                        let fix = match (rounded_by_a_spreadsheet(id), disagree) {
                            (true, _) => ROUNDED_IDS.to_string(),
                            (false, true) => format!(
                                "{} there, {} here: a report of one row per deal or opportunity? Set [input] duplicates = \"won-if-any\" (a lead is won if any of its rows is), or remove the duplicate",
                                self.outcomes[first].as_str(),
                                self.outcomes[row].as_str()
                            ),
                            (false, false) => "remove the duplicate or set [input] duplicates = \"keep-first\" or \"keep-last\" (mqlcal validate lists them all)".to_string(),
                        };
                        return Err(DataError::File {
                            path: self.files[file_b].clone(),
                            message: format!("row {row_b}, column {id_column:?}: lead id {id:?} also appears at {} row {row_a}{written}; {fix}", self.files[file_a].display()),
                        });
                    }
                    if disagree && mixed.insert(key.as_ref()) {
                        mixed_example.get_or_insert((first, row));
                    }
                    // Counted under the id as its first lead writes it.
                    *counts.entry(self.ids[first].as_str()).or_insert(1) += 1;
                    let now = kept.get(key.as_ref()).copied().unwrap_or(first);
                    let replaces = match policy {
                        Duplicates::KeepLast => true,
                        Duplicates::WonIfAny => self.says_more(row, now),
                        _ => false,
                    };
                    if replaces {
                        kept.insert(key, row);
                    }
                }
            }
        }
        stats.duplicate_rows = counts.values().map(|c| c - 1).sum();
        stats.duplicate_ids = counts.len();
        stats.duplicate_mixed_outcomes = mixed.len();
        stats.duplicate_examples = counts.iter().take(20).map(|(id, n)| (id.to_string(), *n)).collect();
        if counts.is_empty() {
            return Ok((0..self.ids.len()).collect());
        }
        let rounded = counts.keys().find(|id| rounded_by_a_spreadsheet(id)).map(|id| format!("; {id:?}: {ROUNDED_IDS}")).unwrap_or_default();
        let what = match policy {
            Duplicates::WonIfAny => "combined into their lead: won if any of its rows is won, else open if any is open, else lost".to_string(),
            Duplicates::KeepLast => "dropped, last kept".to_string(),
            _ => "dropped, first kept".to_string(),
        };
        let disagreeing = mixed_example.map(|(a, b)| self.disagreeing_rows(mixed.len(), a, b, policy)).unwrap_or_default();
        stats.warnings.push(format!("{} lead ids appear more than once ({} extra rows {what}){disagreeing}{rounded}", counts.len(), stats.duplicate_rows));
        Ok((0..self.ids.len())
            .filter(|&row| {
                let key = keys[row].as_ref();
                kept.get(key).map_or(first_seen[key] == row, |&k| k == row)
            })
            .collect())
    }

    /// Under `duplicates = "won-if-any"`, whether `row` tells its lead's fate better than
    /// the row kept so far: a win over an open lead over a loss; of two wins the one decided
    /// first, of two losses the one decided last (the lead was lost when its last deal was),
    /// a dated row over an undated one.
    fn says_more(&self, row: usize, kept: usize) -> bool {
        let rank = |outcome: Outcome| match outcome {
            Outcome::Won => 2,
            Outcome::Open => 1,
            Outcome::Lost => 0,
        };
        let (this, that) = (self.outcomes[row], self.outcomes[kept]);
        if rank(this) != rank(that) {
            return rank(this) > rank(that);
        }
        let decided = |r: usize| self.decided_at.get(r).copied().flatten();
        match (this, decided(row), decided(kept)) {
            (Outcome::Open, _, _) | (_, None, _) => false,
            (_, Some(_), None) => true,
            (Outcome::Won, Some(t), Some(k)) => t < k,
            (Outcome::Lost, Some(t), Some(k)) => t > k,
        }
    }

    /// What a warning about repeated ids adds when `count` of them have rows that disagree
    /// on the outcome, rows `a` and `b` the first seen to.
    fn disagreeing_rows(&self, count: usize, a: usize, b: usize, policy: Duplicates) -> String {
        let at = |row: usize| {
            let (file, line) = self.origin[row];
            format!("{} at {} row {line}", self.outcomes[row].as_str(), self.files[file].display())
        };
        let example = format!("e.g. {:?}: {}, {}", self.ids[a], at(a), at(b));
        match policy {
            Duplicates::WonIfAny => format!("; {count} of them have rows that disagree on the outcome ({example})"),
            _ => format!(
                "; {count} of them have rows that disagree on the outcome ({example}), and the row kept decides it: a report of one row per deal or opportunity? Set [input] duplicates = \"won-if-any\" to count such a lead won if any of its rows is"
            ),
        }
    }

    pub(crate) fn select(self, keep: &[usize]) -> LeadRows {
        if keep.len() == self.ids.len() {
            return self;
        }
        let pick = |v: &Vec<f64>| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        LeadRows {
            ids: keep.iter().map(|&i| self.ids[i].clone()).collect(),
            events_keys: if self.events_keys.is_empty() { vec![] } else { keep.iter().map(|&i| self.events_keys[i].clone()).collect() },
            also_keys: self.also_keys.iter().map(|values| keep.iter().map(|&i| values[i].clone()).collect()).collect(),
            created_at: keep.iter().map(|&i| self.created_at[i]).collect(),
            decided_at: if self.decided_at.is_empty() { vec![] } else { keep.iter().map(|&i| self.decided_at[i]).collect() },
            outcomes: keep.iter().map(|&i| self.outcomes[i]).collect(),
            segments: self
                .segments
                .iter()
                .map(|s| keep.iter().map(|&i| s[i].clone()).collect())
                .collect(),
            features: self.features.iter().map(pick).collect(),
            origin: keep.iter().map(|&i| self.origin[i]).collect(),
            files: self.files,
            created_layouts: self.created_layouts,
            event_columns: vec![],
            excluded: vec![],
            excluded_by_value: vec![],
        }
    }

    pub(crate) fn into_table(mut self, config: &Config, as_of: Option<AsOf>) -> Result<FeatureTable, DataError> {
        let n = self.ids.len();
        // Stable sort by creation time; leads without a date keep file order.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| self.created_at[i].unwrap_or(i64::MIN));

        let columns = FeatureColumn::all_of(config);
        let mut sources: Vec<&Vec<f64>> = Vec::new();
        let (mut lead_features, mut event_features) = (self.features.iter(), self.event_columns.iter());
        for (column, (_, recipe)) in columns.iter().zip(config.recipes()) {
            let source = match recipe.events() {
                Some(_) => event_features.next(),
                None => lead_features.next(),
            };
            let Some(source) = source.filter(|values| values.len() == n) else {
                return Err(DataError::Config {
                    message: format!("feature column {:?} has no value for every lead: an events signal needs [input] events", column.name),
                });
            };
            sources.push(source);
        }
        // A million leads' rows, their cells and labels copied on every core.
        let matrix = mqlcal_features::rows_filled(n, columns.len(), |r, row| {
            let i = order[r];
            for (cell, source) in row.iter_mut().zip(&sources) {
                *cell = source[i];
            }
        })
        .map_err(|e| DataError::Config { message: format!("feature table: {e}") })?;
        // The texts are moved into their new order, not copied: no allocation, and none
        // of a million frees after.
        let ids = in_order(&mut self.ids, &order);
        let segments: Vec<Vec<Option<String>>> = self.segments.iter_mut().map(|values| in_order(values, &order)).collect();
        Ok(FeatureTable {
            ids,
            created_at: order.iter().map(|&i| self.created_at[i]).collect(),
            cohorts: order.par_iter().map(|&i| cohort_label(self.created_at[i], config.period)).collect(),
            outcomes: order.iter().map(|&i| self.outcomes[i]).collect(),
            segments: config
                .segments
                .iter()
                .zip(segments)
                .map(|(name, values)| SegmentColumn { name: name.clone(), values })
                .collect(),
            columns,
            matrix,
            as_of,
            patterns: None,
        })
    }
}

/// `values` in `order` (a permutation of their positions), each moved out, not copied.
fn in_order<T: Default>(values: &mut [T], order: &[usize]) -> Vec<T> {
    order.iter().map(|&i| std::mem::take(&mut values[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deals(ids: &[&str], outcomes: &[Outcome], decided: &[Option<i64>]) -> LeadRows {
        LeadRows {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            events_keys: vec![],
            also_keys: vec![],
            created_at: vec![Some(0); ids.len()],
            decided_at: decided.to_vec(),
            outcomes: outcomes.to_vec(),
            segments: vec![],
            features: vec![],
            origin: (1..=ids.len()).map(|r| (0, r)).collect(),
            files: vec![PathBuf::from("deals.csv")],
            created_layouts: vec![],
            event_columns: vec![],
            excluded: vec![],
            excluded_by_value: vec![],
        }
    }

    /// A report of one row per deal: `won-if-any` keeps, per lead, the row that tells its
    /// fate; the other policies keep by file order and say which leads' rows disagree.
    #[test]
    fn won_if_any_keeps_the_row_that_tells_the_leads_fate() {
        use Outcome::*;
        let ids = ["a", "b", "a", "c", "b", "a", "c", "d", "d"];
        let outcomes = [Lost, Won, Won, Lost, Won, Won, Open, Lost, Lost];
        let decided = [Some(5), Some(9), Some(7), Some(1), Some(3), Some(6), None, Some(2), Some(8)];
        let rows = deals(&ids, &outcomes, &decided);
        let resolve = |policy| {
            let mut stats = IngestStats::default();
            rows.resolve_duplicates("id", IdCase::Exact, policy, false, &mut stats).map(|kept| (kept, stats))
        };
        // a: the win decided first (row 5, day 6); b: the win decided first (row 4); c: open
        // over lost (row 6); d: the loss decided last (row 8).
        let (kept, stats) = resolve(Duplicates::WonIfAny).unwrap();
        assert_eq!(kept, [4, 5, 6, 8]);
        assert_eq!((stats.duplicate_ids, stats.duplicate_rows, stats.duplicate_mixed_outcomes), (4, 5, 2));
        assert_eq!(
            stats.warnings,
            ["4 lead ids appear more than once (5 extra rows combined into their lead: won if any of its rows is won, else open if any is open, else lost); 2 of them have rows that disagree on the outcome (e.g. \"a\": lost at deals.csv row 1, won at deals.csv row 3)"]
        );
        // Without decision dates, the first win and the first loss.
        let undated = deals(&ids, &outcomes, &[]);
        let mut stats = IngestStats::default();
        assert_eq!(undated.resolve_duplicates("id", IdCase::Exact, Duplicates::WonIfAny, false, &mut stats).unwrap(), [1, 2, 6, 7]);
        let (kept, stats) = resolve(Duplicates::KeepFirst).unwrap();
        assert_eq!(kept, [0, 1, 3, 7]);
        assert!(stats.warnings[0].contains("(e.g. \"a\": lost at deals.csv row 1, won at deals.csv row 3), and the row kept decides it: a report of one row per deal or opportunity? Set [input] duplicates = \"won-if-any\""), "{:?}", stats.warnings);
        let e = resolve(Duplicates::Error).err().unwrap().to_string();
        assert!(e.contains("row 3, column \"id\": lead id \"a\" also appears at deals.csv row 1; lost there, won here: a report of one row per deal or opportunity? Set [input] duplicates = \"won-if-any\""), "{e}");
        // Rows that agree: the usual words.
        let agreeing = deals(&["a", "a"], &[Lost, Lost], &[]);
        let mut stats = IngestStats::default();
        let e = agreeing.resolve_duplicates("id", IdCase::Exact, Duplicates::Error, false, &mut stats).err().unwrap().to_string();
        assert!(e.contains("remove the duplicate or set [input] duplicates = \"keep-first\""), "{e}");
    }

    #[test]
    fn ids_a_spreadsheet_rounded_are_told_from_ids() {
        for rounded in ["1.23457E+14", "9E+11", "1.2e+15", "3.00000E+18"] {
            assert!(rounded_by_a_spreadsheet(rounded), "{rounded}");
        }
        for id in ["L0000001", "123456789012345", "1.23457E14", "12.3E+14", "1.E+14", "E+14", "1.2E-05", "1.23457E+", "00Q5e00000AbCdE"] {
            assert!(!rounded_by_a_spreadsheet(id), "{id}");
        }
    }
}

/// The error for outcome `first`, which the mapping lacks: with every value of the column
/// it lacks and its leads (an export may write `Won`, `WON` and `Closed Won` at once, and
/// fixing them one run at a time is slow), and, for those that differ from a mapped
/// value only in case, spaces or punctuation, the mapping that counts them.
fn unmapped_outcomes(first: &str, cells: &cells::TextColumn, excluded: &[bool], map: &mqlcal_config::OutcomeMap, missing: &[String]) -> String {
    let mapped = |text: &str| {
        map.won.iter().chain(&map.lost).chain(&map.open).any(|v| names_cell(v, text))
            || if cells::is_missing(text, missing) { map.blank_is_open } else { map.filled_is_won }
    };
    // Counted by hash (a wrong column may hold a million distinct values), listed most leads first.
    let mut leads: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    // Of the leads counted: those `[exclude]` leaves out have no outcome to map.
    let counted = cells.iter().enumerate().filter(|(row, _)| !is_excluded(excluded, *row));
    for text in counted.map(|(_, cell)| cell.map(str::trim).unwrap_or("")).filter(|text| !mapped(text)) {
        *leads.entry(text).or_default() += 1;
    }
    let mut unmapped: Vec<(&str, usize)> = leads.into_iter().collect();
    unmapped.sort_by(|(a, n), (b, m)| m.cmp(n).then(a.cmp(b)));
    let listed: Vec<String> = unmapped.iter().take(8).map(|(value, leads)| format!("{value:?} ({leads} leads)")).collect();
    let mut message = format!(
        "outcome {first:?} is not in the [outcome] mapping (won = {:?}, lost = {:?}, open = {:?}); the column's values it lacks: {}{}",
        map.won,
        map.lost,
        map.open,
        listed.join(", "),
        if unmapped.len() > 8 { format!(" and {} more", unmapped.len() - 8) } else { String::new() }
    );
    // Each list with the values spelled as one of its own.
    let (mut won, mut lost, mut open) = (map.won.clone(), map.lost.clone(), map.open.clone());
    let mapped = crate::guess::Spelled::new([(&map.won, 0), (&map.lost, 1), (&map.open, 2)].into_iter().flat_map(|(list, k)| list.iter().map(move |v| (v.as_str(), k))));
    let mut respelled = 0;
    for (value, _) in &unmapped {
        if let Some((_, k)) = mapped.like(value) {
            [&mut won, &mut lost, &mut open][k].push(value.to_string());
            respelled += 1;
        }
    }
    if respelled > 0 {
        let list = |values: &[String]| values.iter().map(|v| crate::toml_text::toml_str(v)).collect::<Vec<_>>().join(", ");
        message.push_str(&format!(
            "\n{respelled} of them differ from a mapped value only in case, spaces or punctuation: won = [{}], lost = [{}], open = [{}] counts them",
            list(&won),
            list(&lost),
            list(&open)
        ));
        if respelled < unmapped.len() {
            message.push_str("; add the others to one of the lists (or to [exclude], for records that are no leads: a Duplicate, a Test)");
        }
    } else {
        message.push_str("; add each to one of the lists (or to [exclude], for records that are no leads: a Duplicate, a Test)");
    }
    message
}
