//! The data-quality report of `mqlcal validate`: cohorts and outcomes,
//! duplicates, events outside the window or for unknown leads, blank rates,
//! levels the config does not name, leakage suspects. Errors stop a run;
//! warnings do not.

use std::collections::BTreeMap;

use rayon::prelude::*;

use mqlcal_config::{Config, DecimalMark, Duplicates, Layout, SignalSource};
use mqlcal_features::split::Split;
use mqlcal_features::{calendar, FeatureTable, Outcome, OutcomeCounts};
use serde::Serialize;

use crate::cells::{self, MissingMarkers};
use crate::event_stream::{IdRows, LeadIndex, LeadLookup};
use crate::events::EventStats;
use crate::guess::Spelled;
use crate::ingest::{ingest, IngestOptions, IngestStats, Ingested};
use crate::profile::{profile_columns, won_together_of, ActivityMonths, ColumnProfile, HadIt, PERIOD_LABEL_COST};
use crate::read::Table;
use crate::DataError;

#[derive(Debug, Clone, Serialize)]
pub struct CohortRow {
    pub cohort: String,
    pub leads: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// won / (won + lost); None when nothing is decided.
    pub win_rate: Option<f64>,
    /// Leads whose engagement window had not ended at the as-of date (left out of fit and backtest).
    pub unfinished_windows: usize,
    /// Period over, windows complete and at least `[model] min_decided_share` decided: can be judged.
    pub mature: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnnamedLevel {
    pub signal: String,
    pub column: String,
    pub level: String,
    pub leads: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlankRate {
    pub file: String,
    pub column: String,
    pub blanks: usize,
    pub blank_rate: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeakageSuspect {
    pub column: String,
    pub reason: String,
    /// Whether a signal of the config reads this column (then it is an error-level concern).
    pub used_by_signal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub config: String,
    /// The export's as-of date ("2025-12-31 23:59:59"), from `[input] as_of` or the latest date seen.
    pub as_of: Option<String>,
    pub leads: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    pub cohorts: Vec<CohortRow>,
    pub duplicate_ids: usize,
    pub duplicate_rows: usize,
    pub duplicate_examples: Vec<(String, usize)>,
    pub events: Option<EventStats>,
    pub blank_rates: Vec<BlankRate>,
    pub unnamed_levels: Vec<UnnamedLevel>,
    pub leakage_suspects: Vec<LeakageSuspect>,
    pub warnings: Vec<String>,
    /// Of the warnings, those that could change the decision, a sentence each (reading's
    /// first): the report's summary lists them before deciding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cautions: Vec<String>,
    /// The features the warnings call constant on every training lead (the fit leaves
    /// them out: the report says it once).
    #[serde(skip)]
    pub constant_features: Vec<String>,
    pub errors: Vec<String>,
}

impl QualityReport {
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Categoricals that list every level (no baseline: collinear with the
/// intercept), levels the data never has, and signals constant within the
/// training cohorts of `split` (nothing to learn from; also returned by name, as the fit
/// leaves them out). Without a split, the decided leads are the training ones.
fn signal_shape_warnings(table: &mqlcal_features::FeatureTable, config: &Config, split: Option<&mqlcal_features::split::Split>) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut constant = Vec::new();
    let training: Vec<usize> = match split {
        Some(split) if !split.training_rows.is_empty() => split.training_rows.clone(),
        _ => table.decided_rows(),
    };
    for signal in &config.signals {
        let columns: Vec<usize> = (0..table.columns.len()).filter(|&j| table.columns[j].signal == signal.name).collect();
        if columns.is_empty() || table.is_empty() {
            continue;
        }
        if let SignalSource::Categorical { levels, .. } = &signal.source {
            let every_row_one_level = (0..table.len()).all(|i| columns.iter().filter(|&&j| table.matrix[[i, j]] != 0.0).count() == 1);
            if every_row_one_level {
                let (top, _) = columns
                    .iter()
                    .map(|&j| (table.columns[j].level.clone().unwrap_or_default(), table.matrix.column(j).sum()))
                    .fold((String::new(), -1.0), |best, c| if c.1 > best.1 { c } else { best });
                out.push(format!(
                    "signal {:?} lists every level that occurs: no baseline, so its levels are collinear with the intercept and one effect is split into opposite points; leave out one level, e.g. the most frequent, {top:?}",
                    signal.name
                ));
            }
            for (&j, level) in columns.iter().zip(levels) {
                if table.matrix.column(j).iter().all(|&v| v == 0.0) {
                    out.push(format!("signal {:?}: level {level:?} never occurs in the data (a typo, or a value the CRM spells differently?)", signal.name));
                }
            }
        }
        for &j in &columns {
            let never = matches!(signal.source, SignalSource::Categorical { .. }) && table.matrix.column(j).iter().all(|&v| v == 0.0);
            if never {
                continue; // said above
            }
            let mut values = training.iter().map(|&i| table.matrix[[i, j]]);
            if let Some(first) = values.next() {
                if !training.is_empty() && values.all(|v| v == first) {
                    out.push(format!(
                        "feature {:?} is constant ({first}) on every training lead: nothing to learn from it; it gets 0 points",
                        table.columns[j].name
                    ));
                    constant.push(table.columns[j].name.clone());
                }
            }
        }
    }
    (out, constant)
}

/// Build the report. A problem that stops ingest (missing file, bad cell) is returned as Err.
/// Duplicate ids are reported (as an error when the config says so), not fatal.
pub fn validate(config: &Config) -> Result<QualityReport, DataError> {
    let policy = match config.duplicates {
        Duplicates::Error => Duplicates::KeepFirst,
        other => other,
    };
    let ingested = ingest(config, IngestOptions { duplicates_override: Some(policy), keep_lead_tables: true })?;
    quality_report(config, &ingested)
}

/// The report on data already ingested. Blank rates, unnamed levels and leakage suspects
/// profile every column of the lead files, as ingest kept them
/// (`IngestOptions::keep_lead_tables`: the files are read once).
pub fn quality_report(config: &Config, ingested: &Ingested) -> Result<QualityReport, DataError> {
    let table = &ingested.table;
    let stats = &ingested.stats;
    let mut warnings = stats.warnings.clone();
    let mut cautions = stats.cautions.clone();
    let cohorts = cohort_rows(config, table);
    let duplicate_ids = stats.duplicate_ids;
    let counts = table.outcome_counts();
    let mut errors = data_errors(config, stats, &counts);
    // What the fit would refuse: no cohort mature enough to judge, a holdout that leaves
    // no training cohort.
    // (Not without both outcomes: that error says it better.)
    let split = mqlcal_features::split::split(table, &config.model);
    match (&split, counts.won > 0 && counts.lost > 0) {
        (Err(refused), true) => errors.push(refused.0.clone()),
        (Ok(split), true) => errors.extend(too_few_to_train(split, table)),
        _ => {}
    }
    if let Some(events) = &stats.events {
        warnings.extend(unused_activities(events));
        warnings.extend(activities_spelled_apart(config, events));
    }
    let columns = match &config.feature_table {
        // A feature table has no raw columns to profile: what it holds was computed upstream.
        Some(_) => LeadColumns { profiles: vec![], blank_rates: vec![], unnamed: BTreeMap::new(), warnings: vec![] },
        None if ingested.lead_tables.is_empty() => {
            return Err(DataError::Config {
                message: "the quality report profiles the lead files as ingest read them: ingest with IngestOptions::keep_lead_tables".into(),
            });
        }
        None => match stacked_leads(config, &ingested.lead_tables) {
            Some(stacked) => profile_lead_files(config, table, vec![stacked])?,
            None => profile_lead_files(config, table, ingested.lead_tables.iter().map(LeadsProfiled::File).collect())?,
        },
    };
    warnings.extend(columns.warnings);
    let mut leakage_suspects = leakage_suspects(config, &columns.profiles, &mut warnings);
    // "Signal "x" reads" or "Signals "x", "y" read" `column`.
    let read_by = |column: &str| {
        let signals: Vec<String> = config.signals.iter().filter(|g| g.source.column() == Some(column)).map(|g| format!("{:?}", g.name)).collect();
        let (who, reads) = if signals.len() == 1 { ("Signal", "reads") } else { ("Signals", "read") };
        format!("{who} {} {reads} {column:?}", signals.join(", "))
    };
    cautions.extend(
        leakage_suspects
            .iter()
            .filter(|s| s.used_by_signal)
            .map(|s| format!("{}, which looks like leakage: the model may give points for what sales did once the lead was theirs.", read_by(&s.column))),
    );
    let running_counts = running_count_suspects(config, ingested, &leakage_suspects, &mut warnings);
    cautions.extend(running_counts.iter().map(|(s, holds)| {
        format!("{}, {holds}: the model gives points for what leads did after the window, which a lead being scored has not done yet.", read_by(&s.column))
    }));
    leakage_suspects.extend(running_counts.into_iter().map(|(s, _)| s));
    let period_labels = period_labels(config, &columns.profiles);
    cautions.extend(period_labels.iter().map(|(signal, column, _)| {
        format!("Signal {signal:?} reads {column:?}, a label of the creation period: its points say when a lead came, not who it is.")
    }));
    warnings.extend(period_labels.into_iter().map(|(_, _, warning)| warning));
    let part_time = captured_part_time(config, &columns.profiles);
    cautions.extend(part_time.iter().map(|(signal, column, _)| {
        format!("Signal {signal:?} reads {column:?}, which was captured for only part of the time: its points misjudge the leads of the other part.")
    }));
    warnings.extend(part_time.into_iter().map(|(_, _, warning)| warning));
    let renamed = renamed_levels(config, &columns.profiles);
    cautions.extend(renamed.iter().map(|(signal, column, _)| {
        format!("Signal {signal:?} reads {column:?}, one of whose values looks renamed: its points treat the old and the new name as two values.")
    }));
    warnings.extend(renamed.into_iter().map(|(_, _, warning)| warning));
    let (shape, constant_features) = signal_shape_warnings(table, config, split.as_ref().ok());
    warnings.extend(shape);
    let events = events_signal_warnings(config, table, stats.events.as_ref());
    cautions.extend(events.cautions);
    warnings.extend(events.warnings);
    let unnamed_levels = unnamed_levels(config, columns.unnamed);
    warnings.extend(levels_spelled_apart(config, &unnamed_levels));
    warnings.extend(yes_written_otherwise(config, &columns.profiles));
    let blank_rates = columns.blank_rates;

    Ok(QualityReport {
        config: config.source_path.display().to_string(),
        as_of: stats.as_of.map(mqlcal_features::calendar::format_timestamp),
        leads: counts.total(),
        won: counts.won,
        lost: counts.lost,
        open: counts.open,
        cohorts,
        duplicate_ids,
        duplicate_rows: stats.duplicate_rows,
        duplicate_examples: stats.duplicate_examples.clone(),
        events: stats.events.clone(),
        blank_rates,
        unnamed_levels,
        leakage_suspects,
        warnings,
        cautions,
        constant_features,
        errors,
    })
}

/// Leads, outcomes, win rate and maturity per cohort: the maturity table's counts, in words
/// for the quality report.
fn cohort_rows(config: &Config, table: &FeatureTable) -> Vec<CohortRow> {
    table
        .cohort_maturity(config.model.min_decided_share)
        .into_iter()
        .map(|m| {
            let decided = m.won + m.lost;
            CohortRow {
                win_rate: (decided > 0).then(|| m.won as f64 / decided as f64),
                cohort: m.cohort,
                leads: m.leads,
                won: m.won,
                lost: m.lost,
                open: m.open,
                unfinished_windows: m.unfinished_windows,
                mature: m.mature,
            }
        })
        .collect()
}

/// What stops a fit: duplicate ids under `duplicates = "error"`, only one outcome.
fn data_errors(config: &Config, stats: &IngestStats, counts: &OutcomeCounts) -> Vec<String> {
    let mut errors = Vec::new();
    if stats.duplicate_rows > 0 && config.duplicates == Duplicates::Error {
        let fix = crate::lead_rows::rounded_ids_fix(stats.duplicate_examples.iter().map(|(id, _)| id.as_str())).unwrap_or(match stats.duplicate_mixed_outcomes {
            0 => "remove them or set [input] duplicates = \"keep-first\" or \"keep-last\"",
            _ => "some of those ids have rows that disagree on the outcome (the warning above names one): a report of one row per deal or opportunity? Set [input] duplicates = \"won-if-any\" (a lead is won if any of its rows is), or remove them",
        });
        errors.push(format!(
            "{} extra rows repeat an existing lead id (e.g. {}); {fix}",
            stats.duplicate_rows,
            stats
                .duplicate_examples
                .iter()
                .take(3)
                .map(|(id, n)| format!("{id:?} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if counts.won == 0 || counts.lost == 0 {
        errors.push(format!(
            "the data has {} won and {} lost leads: a model needs both",
            counts.won, counts.lost
        ));
    }
    errors
}

/// The fit's refusal of training cohorts with too few won or lost leads, said before it is run.
fn too_few_to_train(split: &Split, table: &FeatureTable) -> Option<String> {
    let min = mqlcal_features::split::MIN_TRAINING_OUTCOMES;
    let c = split.training_outcomes(table);
    let cohorts = match split.training_cohorts.as_slice() {
        [one] => format!("the training cohort {one} holds"),
        [first, .., last] => format!("the training cohorts ({first} to {last}) hold"),
        [] => "the training cohorts hold".to_string(),
    };
    (c.won < min || c.lost < min).then(|| {
        format!(
            "{cohorts} {} won and {} lost leads whose windows are complete: a fit needs at least {min} of each; \
             give it more decided leads (a longer export, or a wider [model] training_cohorts)",
            c.won, c.lost
        )
    })
}

/// Activities in the events file that no signal counts, as one warning.
fn unused_activities(events: &EventStats) -> Option<String> {
    (!events.unused_activities.is_empty()).then(|| {
        format!(
            "activities no signal counts: {}",
            events.unused_activities.iter().map(|(a, n)| format!("{a} ({n})")).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Per events signal, the activities no signal counts that are written like one it
/// counts but for case, spaces or punctuation: a CRM that renamed an activity, or two
/// tools that spell it apart. Activity names match exactly, so those events count for
/// nothing; the warning gives the list that counts both.
fn activities_spelled_apart(config: &Config, events: &EventStats) -> Vec<String> {
    let mut out = Vec::new();
    for signal in &config.signals {
        let SignalSource::Events { activities, .. } = &signal.source else { continue };
        let counted = Spelled::new(activities.iter().map(|a| (a.as_str(), ())));
        let alike: Vec<(&String, usize)> = events.unused_activities.iter().filter(|(unused, _)| counted.like(unused).is_some()).map(|(unused, &n)| (unused, n)).collect();
        if alike.is_empty() {
            continue;
        }
        let quoted = |names: &mut dyn Iterator<Item = &String>| names.map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ");
        out.push(format!(
            "signal {:?} counts {}; the events also have {}, written the same but for case, spaces or punctuation, and not counted (activity names match exactly). If they are the same activity, count both: activity = [{}]",
            signal.name,
            quoted(&mut activities.iter()),
            alike.iter().map(|(a, n)| format!("{a:?} ({n} events)")).collect::<Vec<_>>().join(", "),
            quoted(&mut activities.iter().chain(alike.iter().map(|(a, _)| *a))),
        ));
    }
    out
}

/// A flag whose `equals` lists a yes (`Yes`) while its column also says yes another way
/// (`TRUE`, `1`: a checkbox exported differently over the years): those leads score as no,
/// silently. Said per signal, with the `equals` that takes them all.
fn yes_written_otherwise(config: &Config, profiles: &[ColumnProfile]) -> Vec<String> {
    use mqlcal_scorecard::yes_or_no;
    let mut out = Vec::new();
    for signal in &config.signals {
        let SignalSource::Flag { column, equals } = &signal.source else { continue };
        if !equals.iter().any(|e| yes_or_no(e) == Some(true)) {
            continue;
        }
        // Every lead file's profile of the column (won and lost files are profiled apart).
        let mut missed: Vec<(String, usize)> = Vec::new();
        for (value, n) in profiles.iter().filter(|p| &p.name == column).flat_map(|p| &p.top_levels) {
            if yes_or_no(value) == Some(true) && !equals.iter().any(|e| mqlcal_scorecard::names_cell(e, value)) {
                match missed.iter_mut().find(|(v, _)| v == value) {
                    Some((_, total)) => *total += n,
                    None => missed.push((value.clone(), *n)),
                }
            }
        }
        if missed.is_empty() {
            continue;
        }
        let leads: usize = missed.iter().map(|(_, n)| n).sum();
        let all: Vec<String> = equals.iter().cloned().chain(missed.iter().map(|(v, _)| v.clone())).map(|v| format!("{v:?}")).collect();
        out.push(format!(
            "signal {:?} (flag, column {column:?}): the column also says yes as {} ({leads} leads), which equals does not list: those leads score as no; set equals = [{}]",
            signal.name,
            missed.iter().map(|(v, n)| format!("{v:?} ({n})")).collect::<Vec<_>>().join(", "),
            all.join(", ")
        ));
    }
    out
}

/// Values of a categorical signal that no level names but that are written like one it
/// names, but for case, spaces or punctuation ("VP" beside the level "vp"; " Webinar",
/// listed after "; " in a multi-select cell read with separator ";"). Levels match
/// exactly, so those leads are the baseline.
fn levels_spelled_apart(config: &Config, unnamed: &[UnnamedLevel]) -> Vec<String> {
    // A listed value with spaces around it is the separator's to fix, each said alone (all
    // of these first); the others' fix is the signal's spellings in full (those it has and
    // every value the data writes apart), one line that takes them all: one warning a
    // signal. `unnamed` is sorted by signal: one chunk a signal.
    let (mut separated, mut respelled) = (Vec::new(), Vec::new());
    for values in unnamed.chunk_by(|a, b| a.signal == b.signal) {
        let Some(signal) = config.signals.iter().find(|s| s.name == values[0].signal) else { continue };
        let SignalSource::Categorical { levels, separator, spellings, .. } = &signal.source else { continue };
        // Like the level or one of its other spellings.
        let names = levels.iter().map(|l| (l.as_str(), l.as_str())).chain(spellings.iter().flat_map(|(l, s)| s.iter().map(move |s| (s.as_str(), l.as_str()))));
        let like = Spelled::levels(names, config.csv.decimal);
        let mut apart: Vec<(&UnnamedLevel, &str)> = Vec::new();
        for u in values {
            let Some((_, level)) = like.like(&u.level) else { continue };
            match separator {
                Some(separator) if u.level.trim() != u.level => {
                    separated.push(level_spelled_apart(&u.signal, &u.level, u.leads, level, SpelledFix::Separator(separator)))
                }
                _ => apart.push((u, level)),
            }
        }
        let mut full = spellings.clone();
        for (u, level) in &apart {
            full.entry(level.to_string()).or_default().push(u.level.clone());
        }
        match apart.as_slice() {
            [] => {}
            [(u, level)] => respelled.push(level_spelled_apart(&signal.name, &u.level, u.leads, level, SpelledFix::Spellings(full))),
            _ => respelled.push(levels_spelled_apart_together(&signal.name, &apart.iter().map(|(u, level)| (u.level.as_str(), u.leads, *level)).collect::<Vec<_>>(), full)),
        }
    }
    separated.extend(respelled);
    separated
}

/// One warning for a signal's several values written like its levels but for case, spaces
/// or punctuation (`(value, leads, level)`, most leads first), with its spellings in full.
fn levels_spelled_apart_together(signal: &str, values: &[(&str, usize, &str)], full: BTreeMap<String, Vec<String>>) -> String {
    let leads: usize = values.iter().map(|(_, n, _)| n).sum();
    let listed: Vec<String> = values.iter().map(|(value, n, level)| format!("{value:?} ({n} leads) like {level:?}")).collect();
    format!(
        "signal {signal:?}: {} values are written like its levels but for case, spaces or punctuation: {}; levels match exactly, so those {leads} leads get none of their points: {}",
        values.len(),
        listed.join(", "),
        spellings_fix(&full, true)
    )
}

/// "if it is the same, count it as the level: spellings = { … } …", the signal's spellings
/// in full; of `several` values, "if they are the same, count them as their levels".
fn spellings_fix(full: &BTreeMap<String, Vec<String>>, several: bool) -> String {
    use crate::toml_text::{toml_key, toml_str};
    let entries: Vec<String> = full
        .iter()
        .map(|(level, spellings)| format!("{} = [{}]", toml_key(level), spellings.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ")))
        .collect();
    let count = if several { "if they are the same, count them as their levels" } else { "if it is the same, count it as the level" };
    format!("{count}: spellings = {{ {} }} (the signal's spellings in full, to replace any it has; or make the export write one spelling)", entries.join(", "))
}

/// How a value written like a level but for case, spaces or punctuation comes to count.
pub(crate) enum SpelledFix<'a> {
    /// A multi-select field whose cells write a space after this separator.
    Separator(&'a str),
    /// The signal's spellings in full, the value among them.
    Spellings(BTreeMap<String, Vec<String>>),
    /// A model's: export the level as the training data wrote it, or refit.
    Refit,
}

/// The warning for `leads` leads whose `value` is written like `level` of `signal` but for
/// case, spaces or punctuation (levels match exactly, so they get none of its points),
/// with the fix. `validate` and `score` alike.
pub(crate) fn level_spelled_apart(signal: &str, value: &str, leads: usize, level: &str, fix: SpelledFix) -> String {
    let fix = match fix {
        SpelledFix::Separator(separator) => format!(
            "the cells write a space after separator {separator:?}: if every cell does, set separator = {:?}; if only some do, make the export write one form",
            format!("{separator} ")
        ),
        SpelledFix::Spellings(full) => spellings_fix(&full, false),
        SpelledFix::Refit => format!("export {level:?} as the training data wrote it (or refit with the config counting {value:?} too: among the level's spellings, or a flag's equals)"),
    };
    format!("signal {signal:?}: {value:?} ({leads} leads) is written like its level {level:?} but for case, spaces or punctuation; levels match exactly, so those leads get none of its points: {fix}")
}

/// Leads that share an e-mail address (lower-cased), over every lead file (with separate
/// won and lost files, a person in both is the case that matters most), said when at
/// least 30 leads and a hundredth of those with an address do: the same person as several
/// leads (a form filled twice, a list imported again) counts as several, so one person's
/// engagement is split among the copies and a won buyer's other copies count as not won.
/// The addresses themselves are not quoted: personal data. One e-mail column's addresses;
/// several columns (`Email`, `Secondary Email`) are counted apart, as a lead's own two
/// addresses are no duplicate.
#[derive(Default)]
struct People {
    column: String,
    /// The files read, in order, each once.
    files: Vec<String>,
    /// Where the column was first read: (the file's number, the column's place in it).
    first_read: (usize, usize),
    /// Per address: leads, any won, any lost.
    by_address: std::collections::HashMap<String, (usize, bool, bool)>,
    with_address: usize,
}

/// [`People`] of each e-mail column, in the order of the files and of their columns
/// (the order a wide file's columns read a group at a time are added in is another).
#[derive(Default)]
struct PeopleByColumn(Vec<People>);

impl PeopleByColumn {
    /// The addresses of column `column` of `raw`, `won` being each row's outcome;
    /// `place`: (the file's number, the column's place in it).
    fn add(&mut self, raw: &Table, column: &str, place: (usize, usize), won: &[Option<bool>], markers: &MissingMarkers) {
        let at = match self.0.iter().position(|people| people.column == column) {
            Some(at) => at,
            None => {
                self.0.push(People { column: column.to_string(), first_read: place, ..People::default() });
                self.0.len() - 1
            }
        };
        self.0[at].add(raw, won, markers);
    }

    fn warnings(&self) -> impl Iterator<Item = String> + '_ {
        let mut columns: Vec<&People> = self.0.iter().collect();
        columns.sort_by_key(|people| people.first_read);
        columns.into_iter().filter_map(People::warning)
    }
}

impl People {
    fn add(&mut self, raw: &Table, won: &[Option<bool>], markers: &MissingMarkers) {
        let Ok(cells) = cells::text(raw, &self.column) else { return };
        let file = raw.path.display().to_string();
        if !self.files.contains(&file) {
            self.files.push(file);
        }
        for (cell, outcome) in cells.iter().zip(won) {
            let Some(address) = cell.and_then(|c| markers.clean(c)) else { continue };
            self.with_address += 1;
            let person = self.by_address.entry(address.to_lowercase()).or_default();
            person.0 += 1;
            person.1 |= *outcome == Some(true);
            person.2 |= *outcome == Some(false);
        }
    }

    fn warning(&self) -> Option<String> {
        let shared: Vec<&(usize, bool, bool)> = self.by_address.values().filter(|p| p.0 > 1).collect();
        let leads: usize = shared.iter().map(|p| p.0).sum();
        if leads < 30 || leads * 100 < self.with_address {
            return None;
        }
        let mixed = shared.iter().filter(|p| p.1 && p.2).count();
        let largest = shared.iter().map(|p| p.0).max().unwrap_or(0);
        Some(format!(
            "{}: {leads} of the {} leads with an e-mail address (column {:?}) share it with another lead ({} addresses, up to {largest} leads each; in {mixed} of them one lead is won and another lost): the same person as several leads (a form filled twice, a list imported again) counts as several, so their engagement is split among the copies and a won buyer's other copies count as leads that did not win. Merge the duplicates in the CRM before exporting, or export one lead a person",
            self.files.join(", "),
            self.with_address,
            self.column,
            shared.len()
        ))
    }
}

/// Every column of the lead file(s), profiled against the outcomes (looked up by id).
struct LeadColumns {
    profiles: Vec<ColumnProfile>,
    blank_rates: Vec<BlankRate>,
    /// (signal, value) → leads, for categorical values the config does not name.
    unnamed: BTreeMap<(String, String), usize>,
    /// Number columns of signals whose numbers look like thousands grouped by '.'.
    warnings: Vec<String>,
}

/// The leads of several files of one layout (`[input] leads` a list or a pattern) as
/// one table, profiled so as init profiles them: what changes across the files (a
/// field filled from 2025 on, a year column) is seen only over them all. None with one
/// file, for the won and lost files (their columns are told apart by outcome), or when a
/// later file lacks a column of the first: each is profiled alone. A column the files type
/// apart (a CSV file beside a Parquet file) stacks as `read::stacked_type` says.
fn stacked_leads<'t>(config: &Config, lead_tables: &'t [Table]) -> Option<LeadsProfiled<'t>> {
    let ([first, _, ..], Layout::OutcomeColumn { leads, .. } | Layout::WonIds { leads, .. }) = (lead_tables, &config.layout) else { return None };
    let names = LeadsProfiled::File(first).groups().concat();
    let alike = names.iter().all(|name| lead_tables[1..].iter().all(|more| more.dtype_of(name).is_some()));
    alike.then(|| LeadsProfiled::Stacked { path: mqlcal_config::files_shown(leads, "leads"), files: lead_tables })
}

/// What one profile covers: a lead file, or the files of one layout stacked as one
/// ([`stacked_leads`]). Its columns come a group at a time: those read first (the
/// config's among them), then those a wide CSV left in the file ([`Table::later_groups`]).
enum LeadsProfiled<'t> {
    File(&'t Table),
    Stacked { path: std::path::PathBuf, files: &'t [Table] },
}

impl LeadsProfiled<'_> {
    fn first(&self) -> &Table {
        match self {
            LeadsProfiled::File(table) => table,
            LeadsProfiled::Stacked { files, .. } => &files[0],
        }
    }

    /// The columns, in groups: those the (first) file holds, then those left in it.
    fn groups(&self) -> Vec<Vec<String>> {
        let first = self.first();
        std::iter::once(first.column_names()).chain(first.later_groups().iter().cloned()).collect()
    }

    /// Columns `names` of every row (a file's table itself when it holds just those).
    fn read(&self, names: &[String]) -> Result<std::borrow::Cow<'_, Table>, DataError> {
        use std::borrow::Cow;
        match self {
            LeadsProfiled::File(table) if table.column_names() == names => Ok(Cow::Borrowed(*table)),
            LeadsProfiled::File(table) => Ok(Cow::Owned(table.read_columns(names)?)),
            LeadsProfiled::Stacked { path, files } => {
                let mut frame = files[0].read_columns(names)?.frame;
                for more in &files[1..] {
                    crate::read::stack_below(&mut frame, more.read_columns(names)?.frame, &more.path)?;
                }
                Ok(Cow::Owned(Table::new(path, frame)))
            }
        }
    }

    /// Column `name`'s place in the (first) file.
    fn place(&self, name: &str) -> usize {
        let first = self.first();
        match first.file_order() {
            Some(order) => order.iter().position(|column| column == name),
            None => first.frame.get_column_names().iter().position(|column| column.as_str() == name),
        }
        .unwrap_or(usize::MAX)
    }

    /// The profiles in the file's order, when some of its columns were left in it and
    /// read later (else the groups are in that order already).
    fn order(&self, profiles: &mut [ColumnProfile]) {
        if self.first().file_order().is_some() {
            profiles.sort_by_cached_key(|p| self.place(&p.name));
        }
    }
}

fn profile_lead_files(config: &Config, table: &FeatureTable, lead_tables: Vec<LeadsProfiled<'_>>) -> Result<LeadColumns, DataError> {
    // Every column of the lead file(s), with outcomes looked up by id: in file order, so
    // nearly every id is the table's next one and the rest are found by hash (a map of a
    // million ids, built and asked on one core, took a third of a second).
    let index = LeadIndex::new(&table.ids, config.id_case);
    let markers = MissingMarkers::new(&config.csv.missing);
    let mut blank_rates = Vec::new();
    let mut warnings = Vec::new();
    let read_as_numbers: Vec<&str> = config
        .signals
        .iter()
        .filter_map(|signal| match &signal.source {
            SignalSource::Numeric { column, .. } | SignalSource::Count { column, .. } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    let mut unnamed: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut profiles_all: Vec<ColumnProfile> = Vec::new();
    let bookkeeping = bookkeeping_columns(config);
    let skip: Vec<&str> = bookkeeping.iter().map(String::as_str).collect();
    let mut people = PeopleByColumn::default();
    for (file_number, leads) in lead_tables.iter().enumerate() {
        let groups = leads.groups();
        let raw = leads.read(&groups[0])?;
        let raw = raw.as_ref();
        let file = &raw.path;
        let ids = cells::text(raw, &config.id_column)?;
        let mut lookup = LeadLookup::new(index.as_ref().ok_or_else(|| IdRows::too_many(table.ids.len(), file))?);
        let rows: Vec<Option<usize>> = ids.iter().map(|id| id.and_then(|id| markers.clean(id)).and_then(|id| lookup.row(id))).collect();
        let won: Vec<Option<bool>> = rows
            .iter()
            .map(|row| match row.map(|row| &table.outcomes[row]) {
                Some(Outcome::Won) => Some(true),
                Some(Outcome::Lost) => Some(false),
                _ => None,
            })
            .collect();
        let months: Vec<Option<i32>> = rows.iter().map(|row| row.and_then(|row| table.created_at[row]).map(calendar::month_of)).collect();
        // A wide file's columns left in it are read a group at a time, each let go once profiled.
        let mut profiles = Vec::new();
        for (at, names) in groups.iter().enumerate() {
            let later;
            let group = match at {
                0 => raw,
                _ => {
                    later = leads.read(names)?;
                    later.as_ref()
                }
            };
            let profiled = profile_columns(group, &won, &months, &config.csv.missing, config.csv.decimal)?;
            for p in profiled.iter().filter(|p| p.name != config.id_column && crate::guess::personal_data(&p.name) == Some(crate::guess::EMAIL_ADDRESS)) {
                people.add(group, &p.name, (file_number, leads.place(&p.name)), &won, &markers);
            }
            profiles.extend(profiled);
        }
        leads.order(&mut profiles);
        warnings.extend(won_together_of(&profiles, &won, &skip).map(|w| format!("{}: {w}", file.display())));
        for p in profiles.iter().filter(|p| read_as_numbers.contains(&p.name.as_str())) {
            if let Some((n, example)) = &p.thousands_look {
                warnings.push(format!(
                    "{}, column {:?}: every number written with a '.' has three digits after it ({n} such, e.g. {example:?}): if '.' groups thousands there, as European exports write them, set [input] decimal = \",\" (read with '.', {example:?} is {})",
                    file.display(),
                    p.name,
                    DecimalMark::Point.read(example).unwrap_or(f64::NAN)
                ));
            }
        }
        for p in &profiles {
            blank_rates.push(BlankRate {
                file: file.display().to_string(),
                column: p.name.clone(),
                blanks: p.blanks,
                blank_rate: p.blank_rate,
            });
        }
        // Each categorical signal's unnamed values, counted by their text on every core and
        // named once per value; the first error in signal order is the one reported.
        // A multi-select signal's values are the ones its cells list (each counted per lead).
        let categorical: Vec<(&str, &str, &SignalSource, Option<&str>)> = config
            .signals
            .iter()
            .filter_map(|signal| match &signal.source {
                source @ SignalSource::Categorical { column, separator, .. } => {
                    Some((signal.name.as_str(), column.as_str(), source, separator.as_deref()))
                }
                _ => None,
            })
            .collect();
        let counted: Vec<Result<Vec<(String, usize)>, DataError>> = categorical
            .par_iter()
            .map(|&(_, column, source, separator)| {
                let cells = cells::text(raw, column)?;
                let counts = cells::value_counts(&cells, &markers, separator);
                Ok(counts.into_iter().filter(|(value, _)| source.level_named(value).is_none()).map(|(value, n)| (value.to_string(), n)).collect())
            })
            .collect();
        for (&(signal, _, _, _), values) in categorical.iter().zip(counted) {
            for (value, n) in values? {
                *unnamed.entry((signal.to_string(), value)).or_insert(0) += n;
            }
        }
        profiles_all.extend(profiles);
    }
    warnings.extend(people.warnings());
    Ok(LeadColumns { profiles: profiles_all, blank_rates, unnamed, warnings })
}

/// The columns that say which lead, when and how it ended: never signals.
fn bookkeeping_columns(config: &Config) -> Vec<String> {
    // With the ids the events name a lead by: a converted lead's contact id is filled for
    // won leads alone, and read only to find their events.
    let mut cols: Vec<String> = config.key_columns().map(String::from).collect();
    cols.extend(config.created_at_column.clone());
    // Known after the decision, and read as such: it ends windows, it is not a signal.
    cols.extend(config.decided_at.as_ref().map(|d| d.column.clone()));
    if let Layout::OutcomeColumn { outcome_columns, .. } = &config.layout {
        cols.extend(outcome_columns.iter().cloned());
    }
    cols
}

/// Columns that nearly separate won from lost on their own; a warning when a signal reads one.
fn leakage_suspects(config: &Config, profiles_all: &[ColumnProfile], warnings: &mut Vec<String>) -> Vec<LeakageSuspect> {
    let mut leakage_suspects: Vec<LeakageSuspect> = Vec::new();
    let not_signal_columns = bookkeeping_columns(config);
    for p in profiles_all {
        if not_signal_columns.contains(&p.name) || config.segments.contains(&p.name) {
            continue;
        }
        if let Some(reason) = &p.leakage {
            if leakage_suspects.iter().any(|s| s.column == p.name) {
                continue;
            }
            let used = config.signals.iter().any(|s| s.source.column() == Some(p.name.as_str()));
            if used {
                warnings.push(format!(
                    "signal column {:?} looks like leakage: {reason}",
                    p.name
                ));
            }
            leakage_suspects.push(LeakageSuspect {
                column: p.name.clone(),
                reason: reason.clone(),
                used_by_signal: used,
            });
        }
    }
    leakage_suspects
}

/// Signals' columns of numbers or yes/no (`rollup::may_count_events`) that are an
/// activity's running count over all time ([`crate::rollup`]): each a leakage suspect a signal reads, with a warning, as
/// `init` leaves such a column out. Compared on the leads ingest checked, found again in
/// the lead files by their ids: an id given twice by the row ingest kept (the first with
/// `duplicates = "keep-first"`, else the last). Each with what the column holds, for the caution.
fn running_count_suspects(config: &Config, ingested: &Ingested, suspects: &[LeakageSuspect], warnings: &mut Vec<String>) -> Vec<(LeakageSuspect, &'static str)> {
    let (Some(checked), Some(spec)) = (&ingested.stats.running_counts, &config.events) else { return Vec::new() };
    let mut columns: Vec<&str> = Vec::new();
    for column in config.signals.iter().filter_map(|s| crate::rollup::may_count_events(&s.source, config.csv.decimal)) {
        if !columns.contains(&column) && !suspects.iter().any(|s| s.column == column) {
            columns.push(column);
        }
    }
    if columns.is_empty() {
        return Vec::new();
    }
    // Each row of each lead file: the checked lead it is (NOT_CHECKED for the others), found once.
    const NOT_CHECKED: u32 = u32::MAX;
    let lead_of: polars::prelude::PlHashMap<std::borrow::Cow<'_, str>, u32> = checked.ids.iter().zip(0..).map(|(id, k)| (config.id_case.key(id), k)).collect();
    let checked_rows: Vec<Vec<u32>> = ingested
        .lead_tables
        .iter()
        .map(|table| match cells::text(table, &config.id_column) {
            Ok(ids) => ids.iter().map(|id| id.and_then(|id| lead_of.get(config.id_case.key(id.trim()).as_ref()).copied()).unwrap_or(NOT_CHECKED)).collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let missing = MissingMarkers::new(&config.csv.missing);
    let first_kept = config.duplicates == mqlcal_config::Duplicates::KeepFirst;
    let mut found_in = Vec::new();
    for column in columns {
        let mut cells: Vec<Option<String>> = vec![None; checked.ids.len()];
        let mut read = vec![false; checked.ids.len()];
        for (table, rows) in ingested.lead_tables.iter().zip(&checked_rows) {
            let Ok(values) = cells::text(table, column) else { continue };
            for (&k, value) in rows.iter().zip(values.iter()).filter(|(&k, _)| k != NOT_CHECKED) {
                if first_kept && std::mem::replace(&mut read[k as usize], true) {
                    continue;
                }
                cells[k as usize] = value.and_then(|v| missing.clean(v)).map(str::to_string);
            }
        }
        let cells: Vec<Option<&str>> = cells.iter().map(Option::as_deref).collect();
        if let Some(found) = checked.counts.running_count_in(&cells, config.csv.decimal) {
            let reason = found.reason(i64::from(spec.window_days));
            warnings.push(format!("signal column {column:?} looks like leakage: {reason}"));
            found_in.push((LeakageSuspect { column: column.to_string(), reason, used_by_signal: true }, found.what_it_holds()));
        }
    }
    found_in
}

/// A warning for each events signal that nearly separates won from lost leads on its
/// own (`profile::HadIt::leakage`): among decided leads with complete windows, the
/// share of won and of lost leads the signal counts anything for. Before them, one when
/// won leads have no counted event far more often than lost ones
/// (`profile::HadIt::won_without_events`; not with `decided_at`): then a signal lost
/// leads have more often separates by what the file left out, and is not called leakage.
fn events_signal_warnings(config: &Config, table: &FeatureTable, events: Option<&EventStats>) -> Said {
    let Some(spec) = &config.events else { return Said::default() };
    // (signal, its activities, its feature column, what it counts as a message says it)
    let signals: Vec<(&str, &[String], usize, String)> = config
        .signals
        .iter()
        .filter_map(|s| match &s.source {
            SignalSource::Events { activities, detail_contains, .. } => {
                let quoted = activities.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ");
                let counts = match detail_contains.as_slice() {
                    [] => format!("activity {quoted}"),
                    texts => format!("activity {quoted} whose detail holds {}", texts.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(" or ")),
                };
                Some((s.name.as_str(), activities.as_slice(), table.columns.iter().position(|c| c.signal == s.name)?, counts))
            }
            _ => None,
        })
        .collect();
    if signals.is_empty() {
        return Said::default();
    }
    let (mut tallies, mut any) = (vec![HadIt::default(); signals.len()], HadIt::default());
    // By creation month, every lead with its whole window (open ones too): who had each activity.
    let mut by_month = ActivityMonths::new(signals.len());
    // (day, its month) of the last lead: leads come mostly in creation order, so the
    // calendar is worked out once a day rather than once a lead.
    let mut last_day = (i64::MIN, 0);
    // Row by row (the matrix is row-major), each signal's cell looked at once for both tallies.
    for i in 0..table.len() {
        if !table.window_complete(i) {
            continue;
        }
        let (row, leads) = (table.matrix.row(i), table.leads_at(i));
        let (decided, won) = (table.outcomes[i] != Outcome::Open, table.outcomes[i] == Outcome::Won);
        let mut month = table.created_at[i].map(|created| {
            if created.div_euclid(86_400) != last_day.0 {
                last_day = (created.div_euclid(86_400), calendar::month_of(created));
            }
            by_month.month(last_day.1)
        });
        let mut any_event = false;
        for (k, &(_, _, j, _)) in signals.iter().enumerate() {
            let had = row[j] > 0.0;
            any_event |= had;
            if decided {
                tallies[k].add(won, had, leads as usize);
            }
            if let (true, Some((_, counts))) = (had, month.as_mut()) {
                counts[k] += leads as f64;
            }
        }
        if let Some((tally, _)) = month {
            tally.leads += leads as f64;
            tally.any += if any_event { leads as f64 } else { 0.0 };
        }
        if decided {
            any.add(won, any_event, leads as usize);
        }
    }
    // With decided_at, a lead decided at once has an empty window by design: not said.
    let won_without = if config.decided_at.is_some() { None } else { any.won_without_events(spec.window_days) };
    let mut said = Said::default();
    if let (Some(reason), Some(shares)) = (&won_without, any.won_without_events_shares(spec.window_days)) {
        said.warnings.push(format!("events: {reason}"));
        said.cautions.push(format!("{shares}, so engagement would learn that doing nothing wins."));
    }
    // Activities no signal counts that begin as a signal's ends: its new name, perhaps.
    let unused = events.map(|e| &e.unused_by_month);
    let begins: Vec<(&str, usize, crate::profile::RecordedPartTime)> = unused
        .into_iter()
        .flatten()
        .filter_map(|(activity, months)| {
            let part = by_month.part_time_of(|month, _| months.get(&month).copied().unwrap_or(0) as f64)?;
            matches!(part, crate::profile::RecordedPartTime::Since { .. }).then(|| (activity.as_str(), months.values().sum(), part))
        })
        .collect();
    for (k, (name, activities, _, counts)) in signals.iter().enumerate() {
        let Some(part) = by_month.part_time(k) else { continue };
        // The one of most events, if several.
        let new = begins.iter().filter(|(_, _, since)| part.handed_over_to(since)).max_by_key(|(activity, events, _)| (*events, std::cmp::Reverse(*activity)));
        let paired = match new {
            Some((activity, events, _)) => {
                let old: Vec<&str> = activities.iter().map(String::as_str).collect();
                format!(". {}", crate::profile::handed_over(true, activity, &format!(" (no signal counts it: {events} events in windows)"), &old, &[activity]))
            }
            None => String::new(),
        };
        said.warnings.push(format!("signal {name:?} ({counts}) {}{paired}", part.reason()));
        said.cautions.push(format!("Signal {name:?} counts an activity recorded for only part of the time: its points misjudge the leads of the other part."));
    }
    for ((name, _, _, counts), tally) in signals.iter().zip(&tallies) {
        let Some(reason) = tally.leakage_unless_explained(spec.window_days, won_without.is_some()) else { continue };
        said.warnings.push(format!(
            "signal {name:?} ({counts}) looks like leakage: {reason}. Leave it out of [[signals]] unless the lead does it before sales contact"
        ));
        said.cautions.push(format!("Signal {name:?} looks like leakage: the model may give points for what sales did once the lead was theirs."));
    }
    said
}

/// Warnings, and of them those that could change the decision as a sentence each.
#[derive(Default)]
struct Said {
    warnings: Vec<String>,
    cautions: Vec<String>,
}

/// Each signal that reads a column whose profile `pick` finds something in, with its
/// column and what was found. Any lead file's profile: each file's rows are told from on their own.
fn signals_reading<'c, 'p, T>(config: &'c Config, profiles: &'p [ColumnProfile], pick: impl Fn(&'p ColumnProfile) -> Option<T>) -> Vec<(&'c str, &'c str, T)> {
    config
        .signals
        .iter()
        .filter_map(|signal| {
            let column = signal.source.column()?;
            let found = profiles.iter().filter(|p| p.name == column).find_map(&pick)?;
            Some((signal.name.as_str(), column, found))
        })
        .collect()
}

/// A warning for each signal that reads a column saying when the lead was created
/// rather than who it is (a month or year column, a campaign run once): see
/// `profile::period_label`.
fn period_labels<'c>(config: &'c Config, profiles: &[ColumnProfile]) -> Vec<(&'c str, &'c str, String)> {
    signals_reading(config, profiles, |p| p.period_label.as_ref())
        .into_iter()
        .map(|(signal, column, reason)| {
            let warning = format!(
                "signal {signal:?} reads {column:?}, which looks like a label of the creation period: {reason}. {PERIOD_LABEL_COST} Leave it out of [[signals]]: the cohorts by creation date follow the period"
            );
            (signal, column, warning)
        })
        .collect()
}

/// A warning for each signal that reads a column captured for only part of the time (a
/// field added to the form, or one no longer filled in): see `profile::captured_part_time`.
fn captured_part_time<'c>(config: &'c Config, profiles: &[ColumnProfile]) -> Vec<(&'c str, &'c str, String)> {
    signals_reading(config, profiles, |p| p.captured.as_ref())
        .into_iter()
        .map(|(signal, column, part)| {
            let fix = match part {
                crate::profile::PartTime::Since { .. } => "Fit on the cohorts since then ([model] training_cohorts), or leave it out of [[signals]]",
                crate::profile::PartTime::Until { .. } => "Leave it out of [[signals]], or capture it again",
            };
            (signal, column, format!("signal {signal:?} reads {column:?}: {}. {fix}", part.reason()))
        })
        .collect()
}

/// A warning for each categorical signal that counts one value of a renamed pair (see
/// `profile::renamed_values`) and not the other as the same level: levels match exactly,
/// so the leads of the name it lacks score as the baseline (or as another level). With
/// the spellings that count both as one level.
fn renamed_levels<'c>(config: &'c Config, profiles: &[ColumnProfile]) -> Vec<(&'c str, &'c str, String)> {
    let mut said = Vec::new();
    for signal in &config.signals {
        // A multi-select field's profile is of whole cells, not of its listed values.
        let SignalSource::Categorical { column, spellings, separator: None, .. } = &signal.source else { continue };
        let Some(profile) = profiles.iter().find(|p| &p.name == column) else { continue };
        for pair in &profile.renamed {
            let (old, new) = (signal.source.level_named(&pair.old), signal.source.level_named(&pair.new));
            let (level, other, effect) = match (old, new) {
                (Some(level), None) => (level, &pair.new, format!("its level {level:?} counts {:?} only, so every lead since scores as the baseline for it", pair.old)),
                (None, Some(level)) => (level, &pair.old, format!("its level {level:?} counts {:?} only, so the leads before count as the baseline for it and its weight comes from the later leads alone", pair.new)),
                (Some(a), Some(b)) if a != b => (
                    b,
                    &pair.old,
                    format!("it counts them as two levels, {a:?} and {b:?}, each weighed on its own months (what changed between them, drift included, reads as who the leads are); leave {a:?} out of levels"),
                ),
                _ => continue,
            };
            let mut full = spellings.clone();
            full.entry(level.to_string()).or_default().push(other.clone());
            said.push((
                signal.name.as_str(),
                column.as_str(),
                format!("signal {:?} reads {column:?}: {} Levels match exactly: {effect}: {}", signal.name, pair.reason(), spellings_fix(&full, false)),
            ));
        }
    }
    said
}

/// Categorical values the config does not name, by signal, most frequent first.
fn unnamed_levels(config: &Config, unnamed: BTreeMap<(String, String), usize>) -> Vec<UnnamedLevel> {
    let mut unnamed_levels: Vec<UnnamedLevel> = unnamed
        .into_iter()
        .map(|((signal, level), leads)| {
            let column = config
                .signals
                .iter()
                .find(|s| s.name == signal)
                .and_then(|s| s.source.column())
                .unwrap_or("")
                .to_string();
            UnnamedLevel { signal, column, level, leads }
        })
        .collect();
    unnamed_levels.sort_by(|a, b| a.signal.cmp(&b.signal).then(b.leads.cmp(&a.leads)));

    unnamed_levels
}
