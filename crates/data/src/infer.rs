//! `mqlcal init`: look at a lead file (and events file) and draft a commented
//! starter config: id, date and outcome columns guessed, categorical columns
//! with their most frequent levels, numeric columns with suggested caps, and
//! leakage suspects left commented out with the reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mqlcal_config::{CsvOptions, DateFormat, DecimalMark, Encoding, PlausibleDates};
use mqlcal_features::maturity::decided_enough;
use mqlcal_features::{calendar, AsOf, Outcome};
use mqlcal_scorecard::{BlankWriter, DateLayout, IdCase};

use crate::cells::{self, clean, detect_layout};
use crate::guess;
use mqlcal_scorecard::{names_cell, spelled_levels, spelling, SpelledLevel};
use crate::toml_text::{toml_key, toml_str};
use crate::id_forms;
use crate::coded_table::CodedTable;
use crate::profile::{self, profile_columns, ColumnProfile, TextColumns, PERIOD_LABEL_COST};
use crate::report_footer::ReportFooter;
use crate::read::{self, ReadNotes};
use crate::rollup::EventCounts;
use crate::DataError;

const MISSING: [&str; 6] = ["", "Select", "NA", "N/A", "null", "NULL"];

/// A text that the leads or events hold as a value (not already a missing marker) and
/// that means blank, drafted under `[input] missing`.
#[derive(Clone)]
struct BlankMarker {
    text: String,
    writer: WrittenBy,
    /// Its cells in the profiled columns.
    cells: usize,
    /// The columns holding it.
    columns: Vec<String>,
}

/// Who wrote a [`BlankMarker`] for a blank.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WrittenBy {
    /// A tool, as it writes every blank ([`mqlcal_scorecard::blank_writer`]).
    Tool(BlankWriter),
    /// Someone, in a few cells of a column of many numbers ([`many_numbers_but_a_few_texts`]):
    /// a word without a digit (`unknown`, `-`, `(not set)`), where the number was not known.
    Hand,
}

/// Why a [`BlankMarker`] means blank, briefly (for the command's summary) and in full (for
/// the draft's comment).
fn why_blank(writer: WrittenBy) -> (&'static str, &'static str) {
    match writer {
        WrittenBy::Tool(BlankWriter::Spreadsheet) => ("a spreadsheet's error value", "a spreadsheet's error value, where its formula found no value (an enrichment lookup's #N/A)"),
        WrittenBy::Tool(BlankWriter::Pandas) => ("how pandas writes a blank", "how pandas writes a blank once a frame is made text"),
        WrittenBy::Tool(BlankWriter::Database) => ("how a database export writes NULL", "how a database's text export writes NULL: MySQL's INTO OUTFILE, PostgreSQL's COPY, a Snowflake unload"),
        WrittenBy::Hand => (
            "a word among a column's numbers",
            "a word without a digit among a column's numbers, where no number was known; read as blank, the signal's default: check it means no value",
        ),
    }
}

/// The texts which the profiled columns hold as a value and which mean blank: what a tool
/// writes for one, among each column's commonest values or the few texts of a column of
/// numbers, and those few texts when they hold no digit (one `\N` or `unknown` among a
/// size's numbers made it a categorical of 2420 levels). Most cells first.
fn blank_markers(profiles: &[ColumnProfile], missing: &[String]) -> Vec<BlankMarker> {
    let mut found: Vec<BlankMarker> = Vec::new();
    for p in profiles {
        let rare = p.stray_texts.iter().filter(|(text, _)| !p.top_levels.iter().any(|(top, _)| top == text));
        for (value, n) in p.top_levels.iter().chain(rare) {
            let by_hand = || many_numbers_but_a_few_texts(p) && p.stray_texts.iter().any(|(text, _)| text == value) && !value.bytes().any(|b| b.is_ascii_digit());
            let writer = match mqlcal_scorecard::blank_writer(value) {
                Some(tool) => WrittenBy::Tool(tool),
                None if by_hand() => WrittenBy::Hand,
                None => continue,
            };
            if !missing.iter().any(|m| m == value) {
                add_marker(&mut found, BlankMarker { text: value.clone(), writer, cells: *n, columns: vec![p.name.clone()] });
            }
        }
    }
    // A word that another column holds as a value (an industry "unknown") is one there:
    // `[input] missing` is every column's, so the column of numbers is said instead.
    found.retain(|m| m.writer != WrittenBy::Hand || !profiles.iter().any(|p| !m.columns.contains(&p.name) && p.top_levels.iter().any(|(v, _)| v == &m.text)));
    most_cells_first(&mut found);
    found
}

/// `more` counted in `found`: its cells and columns added to the marker of its text when
/// there is one.
fn add_marker(found: &mut Vec<BlankMarker>, more: BlankMarker) {
    match found.iter_mut().find(|marker| marker.text == more.text) {
        Some(marker) => {
            marker.cells += more.cells;
            marker.columns.extend(more.columns);
        }
        None => found.push(more),
    }
}

fn most_cells_first(markers: &mut [BlankMarker]) {
    markers.sort_by(|a, b| b.cells.cmp(&a.cells).then_with(|| a.text.cmp(&b.text)));
}

/// A column of numbers with more distinct values than this is drafted as a number; one of
/// fewer, as a categorical of them (a rating, a tier: `Hot` beside `1` to `5` is a level).
const NUMBERS_FROM_DISTINCT: usize = 12;

/// A column of numbers but for a few texts ([`ColumnProfile::stray_texts`]) that, read as a
/// categorical, would make each of its many numbers a level.
fn many_numbers_but_a_few_texts(p: &ColumnProfile) -> bool {
    !p.stray_texts.is_empty() && p.distinct - p.stray_texts.len() > NUMBERS_FROM_DISTINCT
}

/// `csv` with the [`blank_markers`] found among its missing markers.
fn with_blank_markers(csv: &CsvOptions, blanks: &[BlankMarker]) -> CsvOptions {
    let new = blanks.iter().map(|marker| &marker.text).filter(|text| !csv.missing.contains(text));
    CsvOptions { missing: csv.missing.iter().chain(new).cloned().collect(), ..csv.clone() }
}

/// The drafted config text and what was guessed (for the command's summary).
pub struct Draft {
    pub toml: String,
    pub guesses: Vec<String>,
}

fn signal_name(column: &str) -> String {
    column.replace(['=', '"'], "_")
}

/// The signal names a draft has given, so that it gives none twice (validate refuses a
/// name given twice): a leads column named like an activity (a CRM's count of that
/// activity beside its events), or two columns named alike but for `=` and `"`.
#[derive(Default)]
struct SignalNames(std::collections::HashSet<String>);

impl SignalNames {
    /// `wanted`; when it is taken, `wanted (kind)`, then `wanted (kind 2)` and on.
    fn give(&mut self, wanted: &str, kind: &str) -> String {
        let mut name = wanted.to_string();
        for k in 1.. {
            if self.0.insert(name.clone()) {
                break;
            }
            name = if k == 1 { format!("{wanted} ({kind})") } else { format!("{wanted} ({kind} {k})") };
        }
        name
    }
}

fn relative(path: &Path, config_dir: &Path) -> String {
    // A pattern (`crm/activities/*.csv`) names no file: its folder is made absolute, the
    // rest kept as written.
    let abs = |p: &Path| -> PathBuf {
        let (mut at, mut rest) = (p, Vec::new());
        loop {
            if let Ok(found) = std::fs::canonicalize(at) {
                return rest.iter().rev().fold(found, |path, name| path.join(name));
            }
            match (at.parent(), at.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    at = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
                }
                _ => return p.to_path_buf(),
            }
        }
    };
    let (target, base) = (abs(path), abs(config_dir));
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut rel = std::path::PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    rel.display().to_string()
}

/// What the analyst tells `init` beyond the files.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The outcome column, when the guess should not be trusted.
    pub outcome: Option<String>,
    /// Layout 3: a file of won lead ids (every other lead is lost or still open).
    pub won_ids: Option<std::path::PathBuf>,
    /// Categorical levels need at least this many leads to be kept (rarer ones pool into the baseline).
    pub min_level_count: usize,
    /// Layout 2: `leads` is the won file and this the lost file (same columns).
    pub lost: Option<std::path::PathBuf>,
    /// Layout 2: an optional file of open leads.
    pub open: Option<std::path::PathBuf>,
}

/// Default of `init --min-level-count`: a level needs about 30 leads before its points mean anything.
pub const DEFAULT_MIN_LEVEL_COUNT: usize = 30;

/// Draft a config for `leads` (and `events`: files, or patterns of files, read as one), to
/// be written at `config_path`.
pub fn draft_config(leads_named: &[PathBuf], events_named: &[PathBuf], config_path: &Path, options: &InitOptions) -> Result<Draft, DataError> {
    // Several leads files are one (an export split by year), as several events files are;
    // the won file of layout 2 is one file, as its config key reads it.
    let lead_files = match options.lost {
        Some(_) => leads_named.to_vec(),
        None => mqlcal_config::files_named(leads_named, None, "--leads", true)
            .map_err(|message| DataError::Usage { path: leads_named.first().cloned().unwrap_or_default(), message })?,
    };
    let event_files = mqlcal_config::files_named(events_named, None, "--events", true)
        .map_err(|message| DataError::Usage { path: events_named.first().cloned().unwrap_or_default(), message })?;
    let events = (!event_files.is_empty()).then_some(event_files.as_slice());
    let csv = CsvOptions {
        delimiter: None,
        decimal: DecimalMark::Point,
        encoding: Encoding::Auto,
        sheet: None,
        missing: MISSING.iter().map(|s| s.to_string()).collect(),
    };
    let mut notes = ReadNotes::default();
    // Guessing first (it reads the files and may fail), then rendering (it cannot).
    let window_days = if events.is_some() { DRAFT_WINDOW_DAYS } else { 0 };
    let mut look = look_at_leads(&lead_files, options, &csv, window_days, &mut notes)?;
    let csv = with_blank_markers(&csv, &look.blank_markers);
    // The won ids name leads by the guessed id: it stays the id then.
    let may_rekey = options.won_ids.is_none();
    let events_look = events.map(|events| look_at_events(events, &csv, &look, may_rekey, &mut notes)).transpose()?;
    // A column that counts an activity over all time is a leakage suspect, as one that
    // nearly separates won from lost is: written commented out, with why.
    for (column, reason) in events_look.iter().flat_map(|e| &e.running_counts) {
        if let Some(p) = look.profiles.iter_mut().find(|p| &p.name == column) {
            p.leakage.get_or_insert_with(|| reason.clone());
        }
    }
    // The events name leads by another unique column (an e-mail): that one is the id,
    // and the guessed one (a CRM's record id) is no signal either.
    if let Some((column, why)) = events_look.as_ref().and_then(|e| e.key_instead.clone()) {
        look.replaced_id = look.id.replace(column);
        look.id_why = Some(why);
    }
    look.events_key = events_look.as_ref().and_then(|e| e.events_key.clone());
    look.also_key = events_look.as_ref().and_then(|e| e.also_key.clone());
    // `[input] missing` is every file's: the events' blanks join the leads'.
    for marker in events_look.iter().flat_map(|e| e.blank_markers.iter().cloned()) {
        add_marker(&mut look.blank_markers, marker);
    }
    most_cells_first(&mut look.blank_markers);
    let judged = judged_leads(&look.won, &look.created, events_look.as_ref().and_then(|e| e.latest));
    let drafted_events = events_look.as_ref().map(|ev| draft_events(&look, ev, &judged));
    let won_without_events = drafted_events.as_ref().and_then(|d| d.won_without.clone());
    let mut guesses = Vec::new();
    let mut t = String::new();
    let ignore_case = events_look.as_ref().and_then(|e| e.ignore_case.as_deref());
    // Creation dates on a wall clock beside event times that are instants, or the other
    // way round: which zone the wall clock is, no data can say.
    let clocks = events_look.as_ref().filter(|e| look.date.is_some() && e.occurred_instants != look.created_instants).map(|e| match e.occurred_instants {
        true => "the event times are instants (a zone, Z or Unix time: UTC) and the creation dates have none",
        false => "the creation dates are instants (a zone, Z or Unix time: UTC) and the event times have none",
    });
    render_input(&mut t, leads_named, (!events_named.is_empty()).then_some(events_named), config_path, options, (look.decimal_why.as_deref(), &look.blank_markers), ignore_case, clocks, look.deal_id.is_some());
    if let Some(first) = look.blank_markers.first() {
        let texts: Vec<String> = look.blank_markers.iter().map(|m| format!("{:?}", m.text)).collect();
        guesses.push(format!("[input] missing adds {} (GUESS: {}; {:?} in {} cells)", texts.join(", "), why_blank(first.writer).0, first.text, first.cells));
    }
    if ignore_case.is_some() {
        guesses.push("[input] id_case = \"ignore\" (GUESS: the events write the leads' ids in another case)".into());
    }
    if let Some(deal_id) = &look.deal_id {
        guesses.push(format!("[input] duplicates = \"won-if-any\" (GUESS: one row per deal, {deal_id:?} unique beside the lead's id)"));
    }
    if let Some(clocks) = clocks {
        guesses.push(format!("[input] time_zone, commented out (CHECK: {clocks}; name the zone those are written in)"));
    }
    if let Some(why) = &look.decimal_why {
        guesses.push(format!("decimal mark: ',' ({why})"));
    }
    render_columns(&mut t, &look, options, events.is_some(), &mut guesses);
    let won_together = profile::won_together_of(&look.profiles, &look.won, &look.bookkeeping());
    render_outcome(&mut t, &look, options, won_together.as_deref());
    if let Some(ev) = &events_look {
        render_events(&mut t, ev, won_without_events.as_deref());
        if let Some((seconds, _)) = &ev.starts_before {
            guesses.push(format!("[events] starts_before_seconds = {seconds} (GUESS: events lie just before their lead's creation)"));
        }
    }
    render_signals(&mut t, &look, drafted_events.as_ref(), options);
    write_sales(&mut t, &look, &mut guesses);
    guesses.extend(won_together.map(|w| format!("WARNING: {w}")));
    guesses.extend(look.lost_elsewhere.as_ref().map(|w| format!("WARNING: {w}")));
    guesses.extend(won_without_events.map(|w| format!("WARNING: {w}")));
    if look.never_lost && !look.won.contains(&Some(false)) {
        guesses.push(format!(
            "WARNING: {} never says lost and no lead was created {DRAFT_OPEN_AFTER_DAYS} days before the latest (or none has a creation date): none can be judged lost by open_after_days yet; name an outcome column with lost values (init --outcome) or give the won ids (init --won-ids)",
            look.outcome.as_deref().map(toml_str).unwrap_or_default()
        ));
    }
    if let Some((id, example)) = look.id.as_deref().and_then(|id| Some((id, excel_written_id(&look.table, id)?))) {
        guesses.push(format!(
            "WARNING: {} writes its ids as Excel's =\"…\" ({example:?}), which keeps a spreadsheet from reading them as numbers (an export made for Excel): the events' ids, and a production batch's, match them only so written; export the leads as plain CSV",
            toml_str(id)
        ));
    }
    guesses.extend(notes.warnings);
    Ok(Draft { toml: t, guesses })
}

/// The first of the `id` column's ids when they are written as Excel's `="…"`
/// ([`mqlcal_scorecard::excel_text_formula`]), as most of its first thousand are.
fn excel_written_id(table: &CodedTable, id: &str) -> Option<String> {
    let cells = table.text(id).ok()?;
    let first: Vec<&str> = cells.iter().flatten().take(1_000).collect();
    let written: Vec<&&str> = first.iter().filter(|c| mqlcal_scorecard::excel_text_formula(c).is_some()).collect();
    (written.len() * 2 > first.len()).then(|| written[0].to_string())
}

/// What init guesses from the leads file(s): the id, date, outcome and segment
/// columns, the outcome values, each row's outcome, and every column's profile.
struct LeadsLook {
    table: CodedTable,
    id: Option<String>,
    date: Option<String>,
    /// The date column holds a spreadsheet's serial day numbers (drafted as `excel_serial`).
    date_serial: bool,
    /// Each row's creation time and month (empty without a date column).
    created: Vec<Option<i64>>,
    /// The creation times are instants (a zone or Z, Unix time) rather than wall-clock time.
    created_instants: bool,
    months: Vec<Option<i32>>,
    /// The outcome column has won values and no lost ones: drafted with open_after_days.
    never_lost: bool,
    /// The outcome column is one filled in when a lead converts (`Converted Date`): a
    /// filled cell is won (`filled_is = "won"`), a blank one open, then lost with age.
    filled_won: bool,
    /// Why open_after_days is drafted for an outcome column with won and lost values:
    /// old leads still open in numbers no cohort could be judged with.
    stale_open: Option<String>,
    /// An outcome column that never says lost beside another that does for leads it leaves
    /// open (HubSpot's `Lifecycle Stage` beside its `Lead Status` of `Unqualified`): what
    /// that costs and what to do, in words.
    lost_elsewhere: Option<String>,
    /// A column of decision dates (by its name, its values dates) and whether they are serial days.
    decided: Option<(String, bool)>,
    /// Only won leads (drafted, with this comment) or only lost leads (not drafted) have
    /// the decision-date column's dates: what that does, in words.
    one_sided_decision: Option<String>,
    outcome: Option<String>,
    /// Why the outcome is not the likeliest column: a status that tells open leads apart.
    outcome_note: Option<String>,
    /// Why the id is not the likeliest column: the events name leads by another.
    id_why: Option<String>,
    /// The likeliest id column, when the events name leads by another: never a signal.
    replaced_id: Option<String>,
    /// One row per deal: the deal's id, unique beside the lead's, which repeats (its rows
    /// combined by `won-if-any`). Never a signal.
    deal_id: Option<String>,
    /// `[columns] events_key` and why: the column the events name leads by, where it is
    /// not the id (blank for some leads). Never a signal.
    events_key: Option<(String, String)>,
    /// `[columns] events_also_key` and why: a column of other ids the events name some
    /// leads by (the contact a converted lead became). Never a signal.
    also_key: Option<AlsoKeyDraft>,
    segment: Option<String>,
    won_values: Vec<String>,
    lost_values: Vec<String>,
    open_values: Vec<String>,
    /// Values that say the record is no lead (drafted under `[exclude]`): their rows are
    /// judged by nothing init guesses, nor counted as volume; and how many rows hold one.
    exclude_values: Vec<String>,
    no_leads: usize,
    /// Per row: won (true), lost (false) or unknown.
    won: Vec<Option<bool>>,
    profiles: Vec<ColumnProfile>,
    decimal: DecimalMark,
    /// Why the numbers are read with ',' (None: with '.').
    decimal_why: Option<String>,
    /// Why the creation dates could not be read as the draft reads them (a cell in another
    /// layout, a stray text): a WARNING, where the guesses that need dates go without.
    created_unread: Option<String>,
    /// How a tool wrote blanks here ([`blank_markers`]): drafted under `[input] missing`.
    blank_markers: Vec<BlankMarker>,
    /// Columns of the file's row numbers ([`cells::row_numbers`]): never a signal.
    row_numbers: Vec<String>,
    /// Other columns whose every value reads as a date (`Updated Date`, `Became a Lead
    /// Date`): never signals, each day a level of its own.
    dated: Vec<String>,
}

impl LeadsLook {
    /// The columns that say which lead, when and how it ended: never drafted as signals.
    fn bookkeeping(&self) -> Vec<&str> {
        [&self.id, &self.replaced_id, &self.deal_id, &self.date, &self.outcome]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(self.events_key.as_ref().map(|(c, _)| c.as_str()))
            .chain(self.also_key.as_ref().map(|a| a.column.as_str()))
            .chain(self.decided.as_ref().map(|(c, _)| c.as_str()))
            .collect()
    }
}

/// `table` with the rows of `more` (read from `path`) below its own (the columns `table`
/// has, by name): files of one kind read as one. `needs` begins the message when `path`
/// lacks a column.
fn append_table(table: &mut read::Table, path: &Path, more: read::Table, needs: &str) -> Result<(), DataError> {
    let columns = table.column_names();
    let frame = more
        .frame
        .select(columns.iter().map(|c| c.as_str()))
        .map_err(|_| DataError::File { path: path.to_path_buf(), message: format!("{needs}: {}", columns.join(", ")) })?;
    read::stack_below(&mut table.frame, frame, path)
}

fn look_at_leads(lead_files: &[PathBuf], options: &InitOptions, csv: &CsvOptions, window_days: i64, notes: &mut ReadNotes) -> Result<LeadsLook, DataError> {
    let leads = lead_files.first().map(PathBuf::as_path).unwrap_or(Path::new(""));
    let mut table = CodedTable::read(leads, csv, notes)?;
    for more in lead_files.iter().skip(1) {
        table.append(more, CodedTable::read(more, csv, notes)?, "the leads files need the first one's columns")?;
    }
    table.path = mqlcal_config::files_shown(lead_files, "leads");
    // Layout 2: the won file, then the lost file (same columns), profiled as one.
    let won_rows = table.height();
    if let Some(lost) = &options.lost {
        table.append(lost, CodedTable::read(lost, csv, notes)?, "the lost file needs the won file's columns")?;
    }
    let names = table.column_names();
    let no_outcome = vec![None; table.height()];
    let (mut decimal, point_needed) = decimal_mark(&table, &csv.missing);
    let mut first_look = profile_columns(&table, &no_outcome, &[], &csv.missing, decimal)?;
    // A frame pandas made text writes its blanks as `nan`, a spreadsheet a lookup that found
    // nothing as `#N/A`: blank, and every column looked at so.
    let blank_markers = blank_markers(&first_look, &csv.missing);
    let read_with_blanks;
    let csv = match blank_markers.is_empty() {
        true => csv,
        false => {
            read_with_blanks = with_blank_markers(csv, &blank_markers);
            first_look = profile_columns(&table, &no_outcome, &[], &read_with_blanks.missing, decimal)?;
            &read_with_blanks
        }
    };
    let mut decimal_why = (decimal == DecimalMark::Comma).then(|| "numbers are written 3,5 or 1.234,5".to_string());
    // Whole numbers with their thousands grouped by '.' (1.443 employees) and no number
    // with a decimal point: a European export, read with ','.
    if !point_needed && decimal == DecimalMark::Point {
        let grouped = first_look.iter().find_map(|p| p.thousands_look.as_ref().filter(|(n, _)| *n >= THOUSANDS_GROUPED_ENOUGH).map(|(_, example)| (p.name.clone(), example.clone())));
        if let Some((column, example)) = grouped {
            decimal = DecimalMark::Comma;
            decimal_why = Some(format!("{column:?} writes every number that has a '.' with three digits after it, as {example:?}: '.' groups thousands"));
            first_look = profile_columns(&table, &no_outcome, &[], &csv.missing, decimal)?;
        }
    }

    let id = guess::id_column(&first_look);
    // A report of one row per deal: the unique column is the deal's id, the lead's repeats.
    let per_deal = guess::lead_id_beside_deals(&first_look, id.as_deref());
    let (id, deal_id) = match &per_deal {
        Some((lead_id, _)) => (Some(lead_id.clone()), id),
        None => (id, None),
    };
    // (name, serial days?) of a column whose every value reads as a date.
    let dates = |p: &ColumnProfile| Some((p.name.clone(), drafted_serial(&table.text(&p.name).ok()?, &csv.missing)?));
    let named = |p: &&ColumnProfile, words: &[&str]| words.iter().any(|w| p.name.to_lowercase().contains(w));
    // A creation date by name first, then any other date that is not a decision's.
    let (date, date_serial) = first_look
        .iter()
        .filter(|p| named(p, &["created"]))
        .chain(first_look.iter().filter(|p| named(p, &["date", "time"]) && !guess::decision_date_named(&p.name)))
        .find_map(dates)
        .unzip();
    let date_serial = date_serial.unwrap_or(false);
    let decided = first_look.iter().filter(|p| Some(&p.name) != date.as_ref() && guess::decision_date_named(&p.name)).find_map(dates);
    let mut outcome_note = None;
    let mut filled_won = false;
    let outcome = match (&options.outcome, options.lost.as_ref().or(options.won_ids.as_ref())) {
        (Some(column), _) => {
            if !names.contains(column) {
                return Err(DataError::MissingColumn {
                    path: leads.to_path_buf(),
                    column: column.clone(),
                    purpose: "the outcome (init --outcome)".into(),
                    available: names.join(", "),
                    hint: String::new(),
                });
            }
            // A conversion date named on the command line (no won words, filled as
            // conversions are): filled is won, as guessed below.
            let p = first_look.iter().find(|p| &p.name == column);
            filled_won = p.is_some_and(|p| {
                guess::classify_outcomes(p).0.is_empty() && guess::filled_as_conversions(p) && (guess::conversion_named(&p.name) || dates(p).is_some())
            });
            Some(column.clone())
        }
        (None, Some(_)) => None,
        (None, None) => {
            let candidates: Vec<(i64, &ColumnProfile)> =
                first_look.iter().filter(|p| Some(&p.name) != id.as_ref()).filter_map(|p| guess::outcome_score(p).map(|s| (s, p))).collect();
            let best = candidates.iter().max_by_key(|(s, _)| *s).map(|(_, p)| *p);
            match best.and_then(|best| open_told_apart(&table, best, &candidates, &csv.missing).map(|told| (best, told))) {
                Some((best, (status, open))) => {
                    outcome_note = Some(format!(
                        "{:?} says the same wins, but not won for the {open} leads {:?} shows still open: {:?} is the outcome, so they stay open rather than count lost",
                        best.name, status.name, status.name
                    ));
                    Some(status.name.clone())
                }
                None => best.map(|p| p.name.clone()).or_else(|| {
                    // No column says won or lost, but one is filled in when a lead converts.
                    let filled = guess::conversion_filled(&first_look, |p| dates(p).is_some())?;
                    filled_won = true;
                    Some(filled.name.clone())
                }),
            }
        }
    };
    let won_ids: Option<std::collections::HashSet<String>> = match &options.won_ids {
        None => None,
        Some(path) => {
            let ids = read::read_table(path, csv, None, notes)?;
            let column = ids
                .column_names()
                .into_iter()
                .find(|c| Some(c) == id.as_ref())
                .or_else(|| ids.column_names().into_iter().next())
                .unwrap_or_default();
            let cells = cells::text(&ids, &column)?;
            Some(cells.iter().filter_map(|c| clean(c, &csv.missing)).map(str::to_string).collect())
        }
    };

    // A conversion date's values are dates, no outcome words: filled is won (filled_is).
    let (won_values, lost_values, open_values) = match outcome.as_ref().and_then(|o| first_look.iter().find(|p| &p.name == o)) {
        Some(p) if !filled_won => guess::classify_outcomes(p),
        _ => (vec![], vec![], vec![]),
    };
    let (exclude_values, open_values): (Vec<String>, Vec<String>) = open_values.into_iter().partition(|v| guess::not_a_lead(v));

    // Outcome per row, to profile columns against won/lost.
    let won: Vec<Option<bool>> = match (&outcome, &won_ids, &id) {
        _ if options.lost.is_some() => (0..table.height()).map(|i| Some(i < won_rows)).collect(),
        (None, Some(won_ids), Some(id)) => table.text(id)?.iter().map(|c| Some(c.is_some_and(|v| won_ids.contains(v.trim())))).collect(),
        (Some(column), _, _) => {
            let cells = table.text(column)?;
            cells
                .iter()
                .map(|c| {
                    let v = c.map(str::trim).unwrap_or("");
                    if filled_won {
                        // Filled: won; blank: open (judged by age below, as open_after_days will).
                        clean(c, &csv.missing).map(|_| true)
                    } else if won_values.iter().any(|w| w == v) {
                        Some(true)
                    } else if lost_values.iter().any(|l| l == v) {
                        Some(false)
                    } else {
                        None
                    }
                })
                .collect()
        }
        _ => no_outcome,
    };
    // Each lead's creation month: the cohorts init drafts, the months the sales guess
    // spreads the leads over, and the columns that only say when a lead was created.
    let plausible = PlausibleDates::DEFAULT_EARLIEST..=crate::ingest::default_latest_date(None);
    let created_read = date.as_deref().map(|column| table.timestamps(column, &cells::DateRule::configured(&drafted_format(date_serial)), &csv.missing));
    // A cell the draft's rule cannot read stops validate there: said, with its row.
    let created_unread = match &created_read {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let created_dates = created_read.and_then(Result::ok);
    let created_instants = created_dates.as_ref().is_some_and(cells::Dates::are_instants);
    let created: Vec<Option<i64>> = created_dates
        // A placeholder date (1900-01-01, 9999-12-31) is no creation: ingest refuses it
        // (the default [input] earliest_date and latest_date); init's guesses leave it out.
        .map(|dates| dates.values.into_iter().map(|t| t.filter(|t| plausible.contains(t))).collect())
        .unwrap_or_default();
    let months: Vec<Option<i32>> = created.iter().map(|t| t.map(calendar::month_of)).collect();
    // An outcome column that never says lost (HubSpot's lifecycle stage: `customer`, or a
    // stage on the way): leads still open long after their creation are taken for lost,
    // as the draft's open_after_days will have it, so the profiles and the sales guess
    // see both outcomes.
    let never_lost = filled_won
        || outcome.is_some() && options.lost.is_none() && options.won_ids.is_none() && !won_values.is_empty() && lost_values.is_empty();
    // Which leads are old enough for the drafted open_after_days to judge: worked out once.
    // Not a record [exclude] will leave out: it is never judged lost by its age.
    let no_lead: Vec<bool> = match &outcome {
        Some(column) if !exclude_values.is_empty() => table.text(column)?.iter().map(|c| c.is_some_and(|v| exclude_values.iter().any(|x| x == v.trim()))).collect(),
        _ => Vec::new(),
    };
    let old: Vec<bool> = created_long_ago(&created).into_iter().enumerate().map(|(row, old)| old && !no_lead.get(row).copied().unwrap_or(false)).collect();
    let open_as_written: Vec<bool> = if never_lost { won.iter().map(Option::is_none).collect() } else { Vec::new() };
    let won = if never_lost { judged_by_age(won, &old) } else { won };
    // Won and lost values, but old leads still open in numbers no cohort could be judged
    // with (a `Recycled` or `Nurture` status): drafted with open_after_days, and judged so.
    let stale_open = if never_lost || options.lost.is_some() || options.won_ids.is_some() {
        None
    } else {
        let column = outcome.as_deref().and_then(|o| table.text(o).ok());
        column.and_then(|cells| stale_open_leads(&won, &created, &old, window_days, &cells, &csv.missing))
    };
    // The decision-date check below judges the outcomes as they are before the
    // open_after_days drafted for leads open for good (ingest makes it before it too).
    let won_as_written = won.clone();
    let won = if stale_open.is_some() { open_old_leads_lost(won, &old) } else { won };
    let profiles = profile_columns(&table, &won, &months, &csv.missing, decimal)?;
    // (A conversion date's filled_is reads one column: not said of it.)
    let lost_elsewhere = outcome.as_deref().filter(|_| never_lost && !filled_won).and_then(|column| {
        let others: Vec<&ColumnProfile> = profiles.iter().filter(|p| Some(&p.name) != id.as_ref() && Some(&p.name) != date.as_ref() && p.name != column).collect();
        lost_in_another_column(&table, column, &others, &open_as_written, &csv.missing)
    });

    // A decision date only won leads have still cuts their onboarding (drafted, with a
    // comment); one only lost leads have would widen the leak (not drafted).
    let (decided, one_sided_decision) = match decided {
        Some((column, serial)) => {
            let cells = table.text(&column)?;
            let (mut won_dated, mut lost_dated) = ((0, 0), (0, 0));
            for (cell, outcome) in cells.iter().zip(&won_as_written) {
                let dated = usize::from(clean(cell, &csv.missing).is_some());
                match outcome {
                    Some(true) => won_dated = (won_dated.0 + dated, won_dated.1 + 1),
                    Some(false) => lost_dated = (lost_dated.0 + dated, lost_dated.1 + 1),
                    None => {}
                }
            }
            match crate::events::dated_side(won_dated, lost_dated) {
                Some(Outcome::Won) => {
                    let why = crate::events::one_sided_dates(&column, Outcome::Won, won_dated, lost_dated);
                    (Some((column, serial)), Some(why))
                }
                Some(side) => (None, Some(crate::events::one_sided_dates(&column, side, won_dated, lost_dated))),
                None => (Some((column, serial)), None),
            }
        }
        None => (None, None),
    };

    let segment = guess::segment_column(&names);
    // Text columns of dates beside the creation date (an update, a stage reached).
    let dated = profiles
        .iter()
        .filter(|p| !p.numeric && p.distinct > 1 && Some(&p.name) != date.as_ref())
        .filter(|p| table.text(&p.name).is_ok_and(|cells| reads_as_dates(&cells, &csv.missing)))
        .map(|p| p.name.clone())
        .collect();
    // The file's row numbers (pandas' index, `Unnamed: 0`): in a file in creation order
    // a weight on them learns when a lead came, drift included, not who it is.
    let row_numbers = profiles
        .iter()
        .filter(|p| p.numeric && p.blanks == 0 && p.distinct == p.rows && Some(&p.name) != id.as_ref())
        .filter(|p| table.text(&p.name).is_ok_and(|cells| cells::row_numbers(cells.iter())))
        .map(|p| p.name.clone())
        .collect();
    Ok(LeadsLook { table, id, date, date_serial, created, created_instants, months, never_lost, filled_won, stale_open, lost_elsewhere, decided, one_sided_decision, outcome, outcome_note, id_why: per_deal.as_ref().map(|(_, why)| why.clone()), replaced_id: None, deal_id, events_key: None, also_key: None, segment, won_values, lost_values, open_values, exclude_values, no_leads: no_lead.iter().filter(|&&n| n).count(), won, profiles, decimal, decimal_why, created_unread, blank_markers, dated, row_numbers })
}

/// Whether a text column is one of dates: a layout "auto" finds, not Unix time (digits in a
/// text column are ids more often: a campaign id beside `(not set)`), that reads nearly
/// every value (98 %: a stray `Not set` aside). A campaign name that starts with a date
/// (`2024-03-12 Webinar`) beside `Organic` is no date column.
fn reads_as_dates(cells: &cells::TextColumn, missing: &[String]) -> bool {
    let values = || cells.iter().filter_map(|v| clean(v, missing));
    let Ok(layout) = detect_layout(values()) else { return false };
    if matches!(layout, DateLayout::UnixSeconds | DateLayout::UnixMillis) {
        return false;
    }
    let (read, all) = values().fold((0usize, 0usize), |(read, all), v| (read + usize::from(layout.parse(v).is_some()), all + 1));
    all > 0 && read as f64 >= 0.98 * all as f64
}

/// A status that tells open leads apart where the likeliest outcome column, a clean
/// yes/no, does not: Salesforce's `Converted` (true/false) beside its `Lead Status`
/// (`Closed - Converted`, `Closed - Not Converted`, `Open - Not Contacted` …). When another
/// outcome candidate has won, lost and open values, wins on the same leads (99 % of the
/// leads either calls won), and calls at least [`OPEN_TOLD_APART`] of the leads the yes/no
/// calls lost open, it is the outcome: with the yes/no those leads would count lost. Not
/// when it would leave open a lead the yes/no calls lost with a closed status (`Closed -
/// No Response`: closed, not open) or, beyond one in a hundred, a blank one. The status
/// and the leads it keeps open.
fn open_told_apart<'p>(
    table: &CodedTable,
    best: &ColumnProfile,
    candidates: &[(i64, &'p ColumnProfile)],
    missing: &[String],
) -> Option<(&'p ColumnProfile, usize)> {
    let (best_won, _, best_open) = guess::classify_outcomes(best);
    if !best_open.is_empty() {
        return None;
    }
    let best_cells = table.text(&best.name).ok()?;
    candidates.iter().filter(|(_, p)| p.name != best.name).find_map(|(_, status)| {
        let (won, lost, open) = guess::classify_outcomes(status);
        if won.is_empty() || lost.is_empty() || open.is_empty() {
            return None;
        }
        let cells = table.text(&status.name).ok()?;
        let (mut both, mut either, mut a_lost) = (0usize, 0usize, 0usize);
        let (mut open_leads, mut closed_open, mut blank) = (0usize, 0usize, 0usize);
        for (a, b) in best_cells.iter().zip(cells.iter()) {
            let a = clean(a, missing);
            let a_won = a.is_some_and(|v| best_won.iter().any(|w| w == v));
            let b = clean(b, missing);
            let b_won = b.is_some_and(|v| won.iter().any(|w| w == v));
            both += usize::from(a_won && b_won);
            either += usize::from(a_won || b_won);
            if a.is_some() && !a_won {
                a_lost += 1;
                match b {
                    None => blank += 1,
                    Some(v) if open.iter().any(|o| o == v) => {
                        open_leads += 1;
                        closed_open += usize::from(v.trim().to_lowercase().starts_with("closed"));
                    }
                    Some(_) => {}
                }
            }
        }
        let agree = either > 0 && both as f64 >= 0.99 * either as f64;
        (agree && open_leads >= OPEN_TOLD_APART && closed_open == 0 && blank * 100 <= a_lost).then_some((*status, open_leads))
    })
}

/// Open leads a status must tell apart to be taken over a yes/no outcome.
const OPEN_TOLD_APART: usize = 30;

/// The events file's columns (guessed by name) and how often each activity occurs.
struct EventsLook {
    lead_id: String,
    occurred: String,
    /// The event times are a spreadsheet's serial day numbers (drafted as `excel_serial`).
    occurred_serial: bool,
    activity: String,
    activities: BTreeMap<String, usize>,
    /// Per activity, the decided leads (by row of the leads file) with one of its events
    /// inside the drafted window, before the decision with a drafted `decided_at`; empty
    /// without creation dates or outcomes.
    leads_with: BTreeMap<String, Vec<u64>>,
    /// `starts_before_seconds` to draft, with why: an activity whose events lie mostly
    /// just before their lead's creation (the form fill that creates the lead, stamped a
    /// moment before the lead record), as validate would say it.
    starts_before: Option<(u32, String)>,
    /// The latest plausible event time: with the latest creation, the as-of date the
    /// draft's config gets, which says whose windows are complete.
    latest: Option<i64>,
    /// Another unique leads column the events' lead ids are the values of, where the
    /// guessed id's are not (events keyed by e-mail), with why: the id to draft.
    key_instead: Option<(String, String)>,
    /// Why `[input] id_case = "ignore"` is drafted: the events write the leads' ids in another case.
    ignore_case: Option<String>,
    /// The event times are instants (a zone or Z, Unix time) rather than wall-clock time.
    occurred_instants: bool,
    /// `[columns] events_key` to draft, with why: a column unique where filled (an e-mail
    /// some leads lack) the events name leads by, the id staying.
    events_key: Option<(String, String)>,
    /// `[columns] events_also_key` to draft, with why.
    also_key: Option<AlsoKeyDraft>,
    /// The column saying what each event was about (`[events] detail`), with, per activity,
    /// its most frequent details (at most [`DETAIL_EXAMPLES`], most first) and how many
    /// different ones it has.
    detail: Option<(String, BTreeMap<String, ActivityDetails>)>,
    /// Leads columns that count an activity's events over all time, after the window too
    /// (a CRM's `Number of Form Submissions`), with why: leakage suspects.
    running_counts: Vec<(String, String)>,
    /// What a tool wrote for a blank among the events' cells ([`tool_blanks_among`]).
    blank_markers: Vec<BlankMarker>,
}

/// The details init shows per activity, for a `detail_contains` to be written from.
const DETAIL_EXAMPLES: usize = 5;

/// A detail as init shows it: a URL by its site's section, up to its path's first
/// segment, without a query string or fragment, scheme or `www.` (`a.com/blog/` for every
/// post, `a.com/pricing` for a page visited from many campaigns, by http or https), which
/// every such visit holds: a text for `detail_contains`.
fn detail_shown(detail: &str) -> &str {
    if !is_url(detail) {
        return detail;
    }
    let page = detail.split(['?', '#']).next().unwrap_or(detail);
    let page = page.find("://").map_or(page, |scheme| &page[scheme + 3..]);
    let page = page.get(..4).filter(|www| www.eq_ignore_ascii_case("www.")).map_or(page, |_| &page[4..]);
    // Where the path begins: at once for a path alone, else after the host.
    let path = if page.starts_with('/') { Some(0) } else { page.find('/') };
    match path.and_then(|path| page[path + 1..].find('/').map(|next| path + 1 + next + 1)) {
        Some(section) => &page[..section],
        None => page,
    }
}

/// A URL, or a path alone.
fn is_url(detail: &str) -> bool {
    detail.contains("://") || detail.starts_with('/')
}

/// Per activity, its most frequent details ([`detail_shown`]), how many different ones it
/// has, and whether they are URLs. Details differing in the case of A-Z alone are one, as
/// `detail_contains` holds them alike ([`mqlcal_scorecard::same_detail_text`]), written
/// as most of its events write it.
fn details_by_activity(activities: &cells::TextColumn, details: &cells::TextColumn, missing: &[String]) -> BTreeMap<String, ActivityDetails> {
    let mut counts: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    let mut urls: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for (activity, detail) in activities.iter().zip(details.iter()) {
        if let (Some(activity), Some(detail)) = (clean(activity, missing), clean(detail, missing)) {
            *counts.entry((activity, detail_shown(detail))).or_insert(0) += 1;
            if is_url(detail) {
                urls.insert(activity);
            }
        }
    }
    // By activity and folded detail: each spelling with its events.
    let mut spellings: BTreeMap<(&str, String), Vec<(&str, usize)>> = BTreeMap::new();
    for ((activity, detail), n) in counts {
        spellings.entry((activity, mqlcal_scorecard::folded(detail).into_owned())).or_default().push((detail, n));
    }
    let mut by_activity: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for ((activity, _), spelled) in spellings {
        let events = spelled.iter().map(|(_, n)| n).sum();
        let most = spelled.iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0))).map_or("", |(detail, _)| detail);
        by_activity.entry(activity.to_string()).or_default().push((most.to_string(), events));
    }
    by_activity
        .into_iter()
        .map(|(activity, mut details)| {
            let different = details.len();
            details.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            details.truncate(DETAIL_EXAMPLES);
            let urls = urls.contains(activity.as_str());
            (activity, ActivityDetails { most: details, different, urls })
        })
        .collect()
}

/// An activity's details as init shows them ([`details_by_activity`]).
struct ActivityDetails {
    /// The most frequent, most first, with their events.
    most: Vec<(String, usize)>,
    /// How many different ones (as shown, A-Z in either case one).
    different: usize,
    /// Some are URLs (shown by their site's section).
    urls: bool,
}

/// The engagement window init drafts (`window_days`), in days.
const DRAFT_WINDOW_DAYS: i64 = 30;

/// Won and lost leads with one of these activities (their leads' bits, OR-ed), among the
/// leads `validate` judges a signal counting them on ([`judged_leads`]): for
/// [`profile::HadIt::leakage`], and over every activity for
/// [`profile::HadIt::won_without_events`].
fn activity_tally(leads_with: &[&Vec<u64>], won: &[Option<bool>], judged: &[bool]) -> profile::HadIt {
    let mut tally = profile::HadIt::default();
    for (row, (outcome, _)) in won.iter().zip(judged).enumerate().filter(|(_, (_, judged))| **judged) {
        if let Some(outcome) = outcome {
            tally.add(*outcome, any_has(leads_with, row), 1);
        }
    }
    tally
}

/// Whether any of `leads_with` (bits of the leads file's rows) has `row`'s bit.
fn any_has(leads_with: &[&Vec<u64>], row: usize) -> bool {
    leads_with.iter().any(|bits| bits.get(row / 64).is_some_and(|word| word >> (row % 64) & 1 == 1))
}

/// Per row of the leads file, whether `validate` would judge an events signal's leakage
/// on the lead under the draft's config: decided, with its whole window before the
/// as-of date that config gets (ingest's default: the latest creation date or event
/// time, whichever is later). A lead created days before the export has had no time
/// to do anything, won or lost.
fn judged_leads(won: &[Option<bool>], created: &[Option<i64>], latest_event: Option<i64>) -> Vec<bool> {
    let Some(latest_lead) = created.iter().flatten().max().copied() else { return vec![false; won.len()] };
    let as_of = AsOf { at: crate::ingest::default_as_of(latest_lead, latest_event), window_seconds: DRAFT_WINDOW_DAYS * 86_400 };
    won.iter().zip(created).map(|(won, created)| won.is_some() && created.is_some_and(|c| as_of.window_complete(c))).collect()
}

/// The events columns a draft reads, guessed from the header by their names.
struct EventsColumnsRead {
    lead_id: String,
    occurred: String,
    activity: String,
    /// What each event was about (a page, a form), when a column is named so.
    detail: Option<String>,
}

impl EventsColumnsRead {
    fn guessed(header: &[String], events: &Path) -> Result<EventsColumnsRead, DataError> {
        // A column without a name (a pandas index, a spreadsheet's blank columns) is no
        // candidate: the config names the columns it reads.
        let names: Vec<String> = header.iter().filter(|name| !name.is_empty()).cloned().collect();
        let names = names.as_slice();
        let guess::EventsColumns { lead_id, occurred, activity } = guess::events_columns(names);
        if activity.is_empty() {
            return Err(DataError::File {
                path: events.to_path_buf(),
                message: format!(
                    "the events file has {} column(s) ({}): it needs three, the lead's id, the time and the activity (`lead_id, occurred_at, activity`)",
                    names.len(),
                    names.join(", ")
                ),
            });
        }
        let detail = guess::detail_column(names, &[&lead_id, &occurred, &activity]);
        Ok(EventsColumnsRead { lead_id, occurred, activity, detail })
    }

    /// The columns with what each is for, as a file read must have them.
    fn needed(&self) -> Vec<(String, String)> {
        let named = [(&self.lead_id, "the lead's id"), (&self.occurred, "the time"), (&self.activity, "the activity")];
        named.into_iter().chain(self.detail.iter().map(|detail| (detail, "what each event was about"))).map(|(column, purpose)| (column.clone(), purpose.to_string())).collect()
    }
}

fn look_at_events(files: &[PathBuf], csv: &CsvOptions, look: &LeadsLook, may_rekey: bool, notes: &mut ReadNotes) -> Result<EventsLook, DataError> {
    let mut activities: BTreeMap<String, usize> = BTreeMap::new();
    let shown = mqlcal_config::files_shown(files, "events");
    let events = shown.as_path();
    // The columns the draft reads, guessed from the first file's header: only they are
    // read (an activity export's others, a GUID or JSON attributes, can be most of its
    // bytes). Several files are one: each with those columns, their report footers said
    // together.
    let chosen = std::cell::OnceCell::new();
    let choose = |names: &[String]| -> Result<Vec<(String, String)>, DataError> {
        let columns = EventsColumnsRead::guessed(names, events)?;
        let needed = columns.needed();
        let _ = chosen.set(columns);
        Ok(needed)
    };
    let (mut ev, footer) = read::read_chosen_and_footer(&files[0], csv, &choose, notes)?;
    let columns = chosen.into_inner().ok_or_else(|| DataError::file(&files[0], "no header read"))?;
    let mut footers: Vec<(&Path, ReportFooter, usize)> = footer.map(|f| (files[0].as_path(), f, ev.height())).into_iter().collect();
    // The other files need those columns only, named as the first file names them.
    let needed: Vec<(String, String)> = columns.needed().into_iter().map(|(column, purpose)| (column, format!("{purpose}, as in {}", files[0].display()))).collect();
    for file in &files[1..] {
        let (more, footer) = read::read_chosen_and_footer(file, csv, &|_| Ok(needed.clone()), notes)?;
        footers.extend(footer.map(|f| (file.as_path(), f, more.height())));
        append_table(&mut ev, file, more, "the events files need the first one's columns")?;
    }
    let footers: Vec<(&Path, &ReportFooter, usize)> = footers.iter().map(|(path, footer, rows)| (*path, footer, *rows)).collect();
    notes.warnings.extend(crate::report_footer::warnings_of_files(&footers, files.len(), "events files"));
    ev.path = shown.clone();
    let EventsColumnsRead { lead_id, occurred, activity, detail } = columns;
    // What a tool writes for a blank among the events' cells (a warehouse's `\N` for a
    // NULL detail or time) is read as blank from here on, and drafted as the leads' are:
    // read as a value, it had been drafted as an activity to count, and validate stopped
    // at the first such time.
    let blank_markers = tool_blanks_among(&ev, [&lead_id, &occurred, &activity].into_iter().chain(detail.as_ref()));
    let csv = &with_blank_markers(csv, &blank_markers);
    let cells = cells::text(&ev, &activity)?;
    for c in cells.iter().filter_map(|c| clean(c, &csv.missing)) {
        *activities.entry(c.to_string()).or_insert(0) += 1;
    }
    let detail = detail
        .and_then(|column| Some((column.clone(), details_by_activity(&cells, &cells::text(&ev, &column).ok()?, &csv.missing))))
        .filter(|(_, details)| !details.is_empty());
    let occurred_serial = cells::text(&ev, &occurred).ok().and_then(|times| drafted_serial(&times, &csv.missing)).unwrap_or(false);
    let times = cells::timestamps(&ev, &occurred, &cells::DateRule::configured(&drafted_format(occurred_serial)), &csv.missing).ok();
    let occurred_instants = times.as_ref().is_some_and(cells::Dates::are_instants);
    let times = times.map(|t| t.values);
    // An absurd date (9999-12-31) sets no as-of date, as in ingest.
    let plausible = crate::ingest::default_latest_date(None);
    let latest = times.iter().flatten().flatten().copied().filter(|&t| t <= plausible).max();
    let EventsKey { key_instead: key_found, events_key, ignore_case, also_key } = cells::text(&ev, &lead_id).ok().map(|ids| events_key(look, &ids, &csv.missing)).unwrap_or_default();
    // With won ids by the guessed id, the id stays: say that the events match no lead
    // (then whether another column's case differs is moot).
    let ignore_case = ignore_case.filter(|_| may_rekey || key_found.is_none());
    let key_instead = match key_found {
        Some((column, _)) if !may_rekey => {
            notes.warnings.push(format!(
                "WARNING: {}: the events name leads by {} (its values, not those of {}, which the won ids name leads by): no event will match a lead. Export the events with the leads' ids, or the won ids by {} and set [columns] id = {}",
                events.display(),
                toml_str(&column),
                look.id.as_deref().map(toml_str).unwrap_or_default(),
                toml_str(&column),
                toml_str(&column)
            ));
            None
        }
        found => found,
    };
    let key = events_key.as_ref().or(key_instead.as_ref()).map(|(column, _)| column.as_str()).or(look.id.as_deref());
    let id_case = if ignore_case.is_some() { IdCase::Ignore } else { IdCase::Exact };
    let window = mqlcal_config::EventWindow::from_days(DRAFT_WINDOW_DAYS as u32);
    let also = also_key.as_ref().map(|a| (a.column.as_str(), a.separator));
    let look_in = |window| times.as_ref().and_then(|times| decided_leads_with(&ev, &lead_id, times, &cells, csv, look, (key?, also, id_case), window));
    let (mut leads_with, just_before, mut counts) = look_in(window).unwrap_or_default();
    // Dates alone beside creation times: the creation day's events read as before creation.
    let dates_only = times.iter().flatten().flatten().all(|t| t.rem_euclid(86_400) == 0) && look.created.iter().flatten().any(|c| c.rem_euclid(86_400) != 0);
    let starts_before = drafted_start(&just_before, dates_only);
    // The tallies the draft's signals are judged by count in the window it drafts.
    if let Some((seconds, _)) = &starts_before {
        (leads_with, _, counts) = look_in(window.starting_before(*seconds)).unwrap_or_default();
    }
    let running_counts = running_count_columns(look, &counts, &csv.missing);
    Ok(EventsLook { lead_id, occurred, occurred_serial, activity, activities, leads_with, starts_before, latest, key_instead, events_key, also_key, ignore_case, occurred_instants, detail, running_counts, blank_markers })
}

/// The texts a tool writes for a blank ([`mqlcal_scorecard::blank_writer`]) among the
/// cells of `columns` of the events, but for the markers init always drafts ([`MISSING`]),
/// those the leads hold too among them; each column named as the events'. Most cells first.
fn tool_blanks_among<'c>(events: &read::Table, columns: impl Iterator<Item = &'c String>) -> Vec<BlankMarker> {
    let mut found: Vec<BlankMarker> = Vec::new();
    for column in columns {
        let Ok(cells) = cells::text(events, column) else { continue };
        let mut counts: BTreeMap<&str, (BlankWriter, usize)> = BTreeMap::new();
        for cell in cells.iter().flatten() {
            let text = cell.trim();
            // The longest text a tool writes for a blank is short (`#GETTING_DATA`): most
            // cells (times, ids) are not looked at further.
            if text.len() > 16 {
                continue;
            }
            if let Some(writer) = mqlcal_scorecard::blank_writer(text).filter(|_| !MISSING.contains(&text)) {
                counts.entry(text).or_insert((writer, 0)).1 += 1;
            }
        }
        for (text, (writer, n)) in counts {
            add_marker(&mut found, BlankMarker { text: text.to_string(), writer: WrittenBy::Tool(writer), cells: n, columns: vec![format!("{column} (events)")] });
        }
    }
    most_cells_first(&mut found);
    found
}

/// The leads columns of whole numbers, or of yes/no answers, that are an activity's
/// running count over all time, or whether the lead ever had it ([`crate::rollup`]), each
/// with why; a column already a leakage suspect keeps its reason.
fn running_count_columns(look: &LeadsLook, counts: &EventCounts, missing: &[String]) -> Vec<(String, String)> {
    let skip = look.bookkeeping();
    let candidate = |p: &&ColumnProfile| p.distinct >= 2 && p.leakage.is_none() && !skip.contains(&p.name.as_str());
    look.profiles
        .iter()
        .filter(candidate)
        .filter_map(|p| {
            let cells = look.table.text(&p.name).ok()?;
            // A lead without a creation date has no window, so nothing to compare.
            let texts: Vec<Option<&str>> = cells.iter().zip(&look.created).step_by(counts.stride()).map(|(cell, created)| created.and(clean(cell, missing))).collect();
            let found = counts.running_count_in(&texts, look.decimal)?;
            Some((p.name.clone(), found.reason(DRAFT_WINDOW_DAYS)))
        })
        .collect()
}

/// The window's early start to draft (the longest any activity needs), with why, from
/// each activity's events inside the window and just before creation; with events dated
/// without times beside creation times (`dates_only`), the creation day.
fn drafted_start(just_before: &BTreeMap<String, crate::events::JustBefore>, dates_only: bool) -> Option<(u32, String)> {
    let before: usize = just_before.values().map(crate::events::JustBefore::before).sum();
    if dates_only && before >= crate::events::JUST_BEFORE_CREATION_MIN {
        return Some((
            crate::events::SAME_DAY_SECONDS as u32,
            format!("the events are dates without a time of day and the creation dates have one, so {before} events of their lead's creation day read as before it; a window that starts a day less a second before creation counts exactly the creation day's"),
        ));
    }
    let needing: Vec<(&str, &crate::events::JustBefore, i64, usize)> = just_before
        .iter()
        .filter(|(_, tally)| tally.mostly_before())
        .filter_map(|(name, tally)| tally.suggested().map(|(step, held)| (name.as_str(), tally, step, held)))
        .collect();
    let seconds = needing.iter().map(|&(_, _, step, _)| step).max()?;
    let why = needing
        .iter()
        .map(|(name, tally, step, held)| format!("{}: {held} of its events up to {step} seconds before their lead's creation, {} inside the windows", toml_str(name), tally.inside))
        .collect::<Vec<_>>()
        .join("; ");
    let why = format!("{why}: the activity that creates the lead (a form fill), stamped a moment before the lead record? The windows start that long before creation to count it (as at creation); 0 if it happened before the lead existed");
    Some((u32::try_from(seconds).ok()?, why))
}

/// Distinct event lead ids checked against the leads' unique columns.
const KEY_SAMPLE: usize = 1000;

/// How the events name their leads, where it is not by the guessed id as written.
#[derive(Default)]
struct EventsKey {
    /// Another unique leads column whose values the events' lead ids are, with why.
    key_instead: Option<(String, String)>,
    /// A leads column whose values the events' lead ids are, unique where filled but blank
    /// for some leads (contacts without an address): `[columns] events_key`, with why.
    events_key: Option<(String, String)>,
    /// The events' lead ids are the id's values (or `key_instead`'s) in another case: why
    /// `[input] id_case = "ignore"` is drafted.
    ignore_case: Option<String>,
    /// Most ids match the id, and of those that do not, many are the values of a column
    /// filled for some leads (`ConvertedContactId`): `[columns] events_also_key`, with why.
    also_key: Option<AlsoKeyDraft>,
}

/// `[columns] events_also_key` as init drafts it: the column, why, and what separates
/// several ids in one of its cells (`events_also_key_separator`), if anything.
#[derive(Debug, Clone)]
struct AlsoKeyDraft {
    column: String,
    why: String,
    separator: Option<&'static str>,
}


/// Event lead ids no lead's id matches, of [`KEY_SAMPLE`], that must be a column's values
/// before init drafts it as `[columns] events_also_key`; and the share of them.
const ALSO_KEY_MIN: usize = 20;
const ALSO_KEY_SHARE: f64 = 0.25;

/// The leads column the events' lead ids are the values of, when it is not the guessed
/// id: of the first [`KEY_SAMPLE`] distinct event lead ids, under half are values of the
/// id (in any form ingest matches) and nine in ten of another column, unique and never
/// blank (HubSpot's web analytics keyed by `Email`). The column, and why, for the draft.
/// When neither holds as written but nine in ten are the id's (else such a column's)
/// values in another case (addresses one system lower-cased), `id_case = "ignore"` too.
fn events_key(look: &LeadsLook, event_ids: &cells::TextColumn, missing: &[String]) -> EventsKey {
    let mut seen = std::collections::HashSet::new();
    let sample: Vec<&str> = event_ids.iter().filter_map(|c| clean(c, missing)).filter(|id| seen.insert(*id)).take(KEY_SAMPLE).collect();
    if sample.is_empty() {
        return EventsKey::default();
    }
    // The ids of `among` a column holds; for the guessed id, also by another form, as
    // ingest matches them (`123` for `0000123`, `1.0` for `1`); ignoring case, by their keys.
    // With `separator`, a cell's ids are its pieces, as ingest reads an also key's cells.
    let held_split = |column: &str, other_forms: bool, id_case: IdCase, among: &[&'_ str], separator: Option<&str>| -> Vec<bool> {
        let Ok(cells) = look.table.text(column) else { return vec![false; among.len()] };
        let values: std::collections::HashSet<std::borrow::Cow<str>> =
            cells.iter().filter_map(|c| clean(c, missing)).flat_map(|v| mqlcal_config::also_key_values(v, separator)).map(|v| id_case.key(v)).collect();
        let width = other_forms.then(|| id_forms::padded_width(values.iter().map(|v| v.as_ref()))).flatten();
        // Another form counts only when it names one lead, as in ingest.
        let found = |id: &str| values.contains(&id_case.key(id)) || other_forms && id_forms::one_match(id, width, |form| values.get(form).map(|v| v.as_ref())).is_some();
        among.iter().map(|id| found(id)).collect()
    };
    let held = |column: &str, other_forms: bool, id_case: IdCase, among: &[&'_ str]| held_split(column, other_forms, id_case, among, None);
    let matched = |column: &str, other_forms: bool, id_case: IdCase| held(column, other_forms, id_case, &sample).into_iter().filter(|&h| h).count();
    let most = |n: usize| n as f64 >= 0.9 * sample.len() as f64;
    // The sample's ids the guessed id holds, in any form ingest matches.
    let by_id_held = look.id.as_deref().map(|id| held(id, true, IdCase::Exact, &sample));
    let by_id = by_id_held.iter().flatten().filter(|&&h| h).count();
    if 2 * by_id >= sample.len() {
        // Most name leads by id. The others: the contacts converted leads became?
        let (Some(id), Some(by_id_held)) = (look.id.as_deref(), by_id_held) else { return EventsKey::default() };
        let unmatched: Vec<&str> = sample.iter().zip(by_id_held).filter(|(_, h)| !h).map(|(s, _)| *s).collect();
        if unmatched.len() < ALSO_KEY_MIN {
            return EventsKey::default();
        }
        let filled_for_some = |p: &&ColumnProfile| p.name != id && p.blanks > 0 && p.blanks < p.rows;
        // A cell as one id, or split at a separator some of its cells hold (most leads are
        // merged from none or one record: cells of several ids may be few).
        let separators = |p: &ColumnProfile| -> Vec<Option<&'static str>> {
            let cells = look.table.text(&p.name).ok();
            let filled: Vec<&str> = cells.iter().flat_map(|c| c.iter().filter_map(|c| clean(c, missing))).collect();
            std::iter::once(None).chain(crate::events::ID_SEPARATORS.into_iter().filter(|s| filled.iter().any(|v| v.contains(s))).map(Some)).collect()
        };
        let also_key = look
            .profiles
            .iter()
            .filter(filled_for_some)
            .flat_map(|p| separators(p).into_iter().map(move |separator| (p, separator)))
            .map(|(p, separator)| (p, separator, held_split(&p.name, true, IdCase::Exact, &unmatched, separator).into_iter().filter(|&h| h).count()))
            // The most ids found; on a tie, a cell as one id.
            .max_by_key(|&(_, separator, n)| (n, separator.is_none()))
            .filter(|&(_, _, n)| n >= ALSO_KEY_MIN && n as f64 >= ALSO_KEY_SHARE * unmatched.len() as f64)
            .map(|(p, separator, n)| AlsoKeyDraft {
                column: p.name.clone(),
                why: match separator {
                    None => format!(
                        "{n} of the {} event lead ids checked that no lead's id matches are its values, filled for {} leads: the contacts converted leads became, under which their activities were filed? Their events count for those leads",
                        unmatched.len(),
                        p.rows - p.blanks
                    ),
                    Some(separator) => format!(
                        "{n} of the {} event lead ids checked that no lead's id matches are among its values, several to a cell between {separator:?}s, filled for {} leads: the ids of records merged into those leads? Their events count for those leads",
                        unmatched.len(),
                        p.rows - p.blanks
                    ),
                },
                separator,
            });
        return EventsKey { also_key, ..EventsKey::default() };
    }
    let ignore_case = |column: &str, n: usize| {
        // The first event lead id the column does not hold as written: the example.
        let cells = look.table.text(column).ok();
        let written: std::collections::HashSet<&str> = cells.iter().flat_map(|cells| cells.iter().filter_map(|c| clean(c, missing))).collect();
        let first = sample.iter().find(|id| !written.contains(**id)).copied().unwrap_or_default();
        format!("{n} of the {} event lead ids checked are values of {} but for the case of their letters (such as {first:?}): e-mail addresses one system lower-cased? (Salesforce's 15-character ids differ by case alone: then leave this out)", sample.len(), toml_str(column))
    };
    if let Some(id) = look.id.as_deref() {
        let folded = matched(id, false, IdCase::Ignore);
        if most(folded) {
            return EventsKey { ignore_case: Some(ignore_case(id, folded)), ..EventsKey::default() };
        }
    }
    // Unique and never blank, as ingest wants an id (a blank or repeated one stops it).
    let unique = |p: &&ColumnProfile| Some(&p.name) != look.id.as_ref() && p.rows > 0 && p.blanks == 0 && p.distinct == p.rows;
    let best = |id_case: IdCase| look.profiles.iter().filter(unique).map(|p| (p.name.as_str(), matched(&p.name, false, id_case))).max_by_key(|&(_, n)| n).filter(|&(_, n)| most(n));
    let rekey = |column: &str, by_it: usize| {
        let id = look.id.as_deref().map_or_else(|| "no id column".to_string(), |id| format!("{by_id} of {}", toml_str(id)));
        Some((column.to_string(), format!("unique, and the events' lead ids are its values ({by_it} of the {} checked; {id})", sample.len())))
    };
    // Unique where filled, blank for some leads: the id cannot be it, the events' key can.
    let filled = |p: &&ColumnProfile| Some(&p.name) != look.id.as_ref() && p.blanks > 0 && p.blanks < p.rows && p.distinct == p.rows - p.blanks;
    let best_filled = |id_case: IdCase| look.profiles.iter().filter(filled).map(|p| (p, matched(&p.name, false, id_case))).max_by_key(|&(_, n)| n).filter(|&(_, n)| most(n));
    let key_of = |p: &ColumnProfile, by_it: usize| {
        Some((p.name.clone(), format!("the events' lead ids are its values ({by_it} of the {} checked; {by_id} of the id's), unique where filled; {} leads without one have no events", sample.len(), p.blanks)))
    };
    for id_case in [IdCase::Exact, IdCase::Ignore] {
        let folded = |column: &str, n: usize| (id_case == IdCase::Ignore).then(|| ignore_case(column, n));
        if let Some((column, by_it)) = best(id_case) {
            return EventsKey { key_instead: rekey(column, by_it), ignore_case: folded(column, by_it), ..EventsKey::default() };
        }
        if let Some((p, by_it)) = best_filled(id_case) {
            return EventsKey { events_key: key_of(p, by_it), ignore_case: folded(&p.name, by_it), ..EventsKey::default() };
        }
    }
    EventsKey::default()
}

/// Per activity, a bit per row of the leads file: a decided lead with one of its events
/// inside `window`, and before its decision when `decided_at` is drafted (the window
/// ingest counts); and per activity, its known leads' events inside `window` and just
/// before creation (as validate tallies them). None when the events cannot be placed (no
/// creation dates, times that do not read, no decided leads).
#[allow(clippy::too_many_arguments)]
fn decided_leads_with(
    ev: &read::Table,
    lead_id: &str,
    times: &[Option<i64>],
    activity: &cells::TextColumn,
    csv: &CsvOptions,
    look: &LeadsLook,
    (key, also, id_case): (&str, Option<(&str, Option<&str>)>, IdCase),
    window: mqlcal_config::EventWindow,
) -> Option<(BTreeMap<String, Vec<u64>>, BTreeMap<String, crate::events::JustBefore>, EventCounts)> {
    if look.created.is_empty() || !look.won.iter().any(Option::is_some) {
        return None;
    }
    let decisions: Vec<Option<i64>> = match &look.decided {
        Some((column, serial)) => {
            look.table.timestamps(column, &cells::DateRule::configured(&drafted_format(*serial)), &csv.missing).ok()?.values
        }
        None => Vec::new(),
    };
    let event_leads = cells::text(ev, lead_id).ok()?;
    let lead_ids = look.table.text(key).ok()?;
    let padded_width = std::cell::OnceCell::new();
    let (also, separator) = match also {
        Some((column, separator)) => (look.table.text(column).ok(), separator),
        None => (None, None),
    };
    let row_of: std::collections::HashMap<std::borrow::Cow<str>, usize> =
        lead_ids.iter().enumerate().filter_map(|(row, id)| Some((id_case.key(clean(id, &csv.missing)?), row))).collect();
    // `[columns] events_also_key`'s values find their leads too, as in ingest: after the
    // ids in either form, a value two leads hold finds neither, and a lead with no key of
    // its own has no events.
    let mut also_rows: std::collections::HashMap<std::borrow::Cow<str>, Option<usize>> = std::collections::HashMap::new();
    if let Some(also) = &also {
        let keyed: Vec<bool> = lead_ids.iter().map(|id| clean(id, &csv.missing).is_some()).collect();
        let values = also.iter().enumerate().filter(|(row, _)| keyed[*row]).filter_map(|(row, v)| Some((row, clean(v, &csv.missing)?)));
        for (row, value) in values.flat_map(|(row, cell)| mqlcal_config::also_key_values(cell, separator).map(move |v| (row, id_case.key(v)))) {
            if !row_of.contains_key(&value) {
                also_rows.entry(value).and_modify(|lead| *lead = lead.filter(|&first| first == row)).or_insert(Some(row));
            }
        }
    }
    let words = look.won.len().div_ceil(64);
    let mut leads_with: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut just_before: std::collections::HashMap<&str, crate::events::JustBefore> = std::collections::HashMap::new();
    let mut counts = EventCounts::new(look.won.len());
    for ((lead, time), name) in event_leads.iter().zip(times).zip(activity.iter()) {
        let (Some(lead), Some(time), Some(name)) = (clean(lead, &csv.missing), time, clean(name, &csv.missing)) else { continue };
        // An id another export writes another way (Salesforce's 15 and 18 characters, a
        // number without its leading zeros) is the lead's, as ingest matches it.
        let key = id_case.key(lead);
        let found = row_of
            .get(&key)
            .copied()
            .or_else(|| id_forms::one_match(lead, *padded_width.get_or_init(|| id_forms::padded_width(row_of.keys().map(|k| k.as_ref()))), |form| row_of.get(form).copied()))
            .or_else(|| also_rows.get(&key).copied().flatten());
        let Some(row) = found else { continue };
        let Some(created) = look.created[row] else { continue };
        let inside = window.contains(created, *time);
        match inside {
            true => just_before.entry(name).or_default().inside += 1,
            false if *time < created => just_before.entry(name).or_default().see_before(created - *time),
            false => {}
        }
        let before_decision = decisions.get(row).copied().flatten().is_none_or(|decided| *time < decided);
        if counts.checks(row) {
            counts.add(row, name, inside && before_decision);
        }
        if inside && before_decision && look.won[row].is_some() {
            let bits = leads_with.entry(name.to_string()).or_insert_with(|| vec![0; words]);
            bits[row / 64] |= 1 << (row % 64);
        }
    }
    Some((leads_with, just_before.into_iter().map(|(name, tally)| (name.to_string(), tally)).collect(), counts))
}

/// How a column reads as dates: Some(false) when "auto" detects its layout, Some(true)
/// when every value is a spreadsheet's serial day number (never detected: the draft says
/// `excel_serial`, as a guess), None when it is not a date column.
fn drafted_serial(cells: &cells::TextColumn, missing: &[String]) -> Option<bool> {
    let values = || cells.iter().filter_map(|v| clean(v, missing));
    if detect_layout(values()).is_ok() {
        return Some(false);
    }
    (values().next().is_some() && values().all(mqlcal_scorecard::looks_like_serial_days)).then_some(true)
}

/// How init reads a date column it drafts: serial days, or "auto".
fn drafted_format(serial: bool) -> DateFormat {
    if serial {
        DateFormat::Fixed(DateLayout::SerialDays)
    } else {
        DateFormat::Auto
    }
}

/// The draft's date_format line for a column of serial days, or "auto".
fn date_format_line(serial: bool) -> &'static str {
    if serial {
        "date_format = \"excel_serial\"   # GUESS: a spreadsheet's serial day numbers (45306 is 2024-01-15); \"excel_serial_1904\" if the workbook used the 1904 date system (old Mac Excel: 45306 is 2028-01-16)"
    } else {
        "date_format = \"auto\"   # or e.g. \"%d/%m/%Y\""
    }
}

/// Numbers with '.' before three digits (`1.443`) a column needs before init reads its
/// '.' as grouping thousands.
const THOUSANDS_GROUPED_ENOUGH: usize = 10;

/// The decimal mark the leads' numbers are written with: ',' when some column reads as
/// numbers only with it (`3,5`, `1.234,5`) and none reads as numbers only with '.'
/// (`3.5`); else '.'. (`1.234` reads either way and tells nothing here.) And whether a
/// column reads as numbers only with '.'.
fn decimal_mark(table: &CodedTable, missing: &[String]) -> (DecimalMark, bool) {
    let (mut comma, mut point) = (false, false);
    for name in table.column_names() {
        // Typed (Parquet) columns are numbers already.
        let Ok(cells) = table.text(&name) else { continue };
        let (mut any, mut by_point, mut by_comma) = (false, true, true);
        for cell in cells.iter().filter_map(|c| cells::clean(c, missing)) {
            any = true;
            by_point &= DecimalMark::Point.read(cell).is_some();
            by_comma &= DecimalMark::Comma.read(cell).is_some();
            if !by_point && !by_comma {
                break;
            }
        }
        comma |= any && by_comma && !by_point;
        point |= any && by_point && !by_comma;
    }
    match comma && !point {
        true => (DecimalMark::Comma, point),
        false => (DecimalMark::Point, point),
    }
}

/// `key = "a.csv"` for one file (or pattern) as named, `key = ["a.csv", "b.csv"]` for
/// several, relative to the config's folder.
fn write_files(t: &mut String, key: &str, named: &[PathBuf], config_dir: &Path) {
    let listed: Vec<String> = named.iter().map(|p| toml_str(&relative(p, config_dir))).collect();
    let _ = match listed.as_slice() {
        [one] => writeln!(t, "{key} = {one}"),
        several => writeln!(t, "{key} = [{}]", several.join(", ")),
    };
}

#[allow(clippy::too_many_arguments)]
fn render_input(
    t: &mut String,
    leads_named: &[PathBuf],
    events: Option<&[PathBuf]>,
    config_path: &Path,
    options: &InitOptions,
    (decimal_why, blank_markers): (Option<&str>, &[BlankMarker]),
    ignore_case: Option<&str>,
    clocks: Option<&str>,
    per_deal: bool,
) {
    let config_dir = config_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let leads = leads_named.first().map(PathBuf::as_path).unwrap_or(Path::new(""));
    let named: Vec<String> = leads_named.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(t, "# mqlcal.toml drafted by `mqlcal init` from {}.", named.join(", "));
    let _ = writeln!(t, "# Review every line: the guesses are marked GUESS; leakage suspects and columns that only say when a lead was created (CREATION PERIOD) are commented out.");
    let _ = writeln!(t, "# Reference: README.md, section \"Config reference\".\n");
    let _ = writeln!(t, "[input]");
    if let Some(lost) = &options.lost {
        let _ = writeln!(t, "won = {}", toml_str(&relative(leads, config_dir)));
        let _ = writeln!(t, "lost = {}", toml_str(&relative(lost, config_dir)));
        if let Some(open) = &options.open {
            let _ = writeln!(t, "open = {}", toml_str(&relative(open, config_dir)));
        }
    } else {
        write_files(t, "leads", leads_named, config_dir);
    }
    if let Some(path) = &options.won_ids {
        let _ = writeln!(t, "won_ids = {}   # every lead not listed is lost, or open while young (see open_after_days)", toml_str(&relative(path, config_dir)));
    }
    if let Some(events) = events {
        write_files(t, "events", events, config_dir);
    }
    let _ = writeln!(t, "delimiter = \"auto\"");
    if let Some(why) = decimal_why {
        let _ = writeln!(t, "decimal = \",\"                # GUESS: {why} (\".\" for 3.5)");
    }
    let _ = writeln!(t, "encoding = \"auto\"            # \"utf-8\", \"latin-1\" or \"auto\"");
    let markers: Vec<String> = MISSING.iter().copied().chain(blank_markers.iter().map(|marker| marker.text.as_str())).map(toml_str).collect();
    let _ = match blank_markers {
        [] => writeln!(t, "missing = [{}]   # cells that mean blank", markers.join(", ")),
        _ => {
            let held = |BlankMarker { text: marker, cells, columns, .. }: &BlankMarker| {
                let shown: Vec<String> = columns.iter().take(3).map(|c| format!("{c:?}")).collect();
                let more = if columns.len() > 3 { format!(" and {} more", columns.len() - 3) } else { String::new() };
                format!("{marker:?} in {cells} cells of {}{more}", shown.join(", "))
            };
            // The markers of each tool together, then why they mean blank.
            let mut whys: Vec<&str> = Vec::new();
            for marker in blank_markers {
                if !whys.contains(&why_blank(marker.writer).1) {
                    whys.push(why_blank(marker.writer).1);
                }
            }
            let said: Vec<String> = whys
                .iter()
                .map(|why| {
                    let markers: Vec<String> = blank_markers.iter().filter(|marker| why_blank(marker.writer).1 == *why).map(held).collect();
                    format!("{} ({why})", markers.join("; "))
                })
                .collect();
            writeln!(t, "missing = [{}]   # cells that mean blank; GUESS: {}", markers.join(", "), said.join("; "))
        }
    };
    match per_deal {
        true => {
            let _ = writeln!(t, "duplicates = \"won-if-any\"     # GUESS: one row per deal (see id below): a lead is won if any of its rows is");
        }
        false => {
            let _ = writeln!(t, "duplicates = \"error\"          # or \"keep-first\" / \"keep-last\" / \"won-if-any\" (one row per deal)");
        }
    }
    if let Some(why) = ignore_case {
        let _ = writeln!(t, "id_case = \"ignore\"   # GUESS: {why}");
    }
    if let Some(clocks) = clocks {
        let _ = writeln!(
            t,
            "# time_zone = \"America/New_York\"   # CHECK: {clocks}. If the times without a zone are local time (a CRM report's), name their zone (an IANA name, the CRM user's time zone) and uncomment: otherwise every window is off by its offset"
        );
    }
    let _ = writeln!(t);

}

/// `[columns]`; `events`: an events file is given (a decision date then ends the windows).
fn render_columns(t: &mut String, look: &LeadsLook, options: &InitOptions, events: bool, guesses: &mut Vec<String>) {
    let LeadsLook { id, date, date_serial, decided, one_sided_decision, outcome, outcome_note, segment, won_values, lost_values, .. } = look;
    let _ = writeln!(t, "[columns]");
    match &id {
        Some(id) => {
            guesses.push(format!("id column: {id:?}"));
            match &look.id_why {
                Some(why) => {
                    let _ = writeln!(t, "id = {}   # GUESS: {why}", toml_str(id));
                }
                None => {
                    let _ = writeln!(t, "id = {}   # GUESS: unique and never blank", toml_str(id));
                }
            }
            if let Some((column, why)) = &look.events_key {
                guesses.push(format!("events matched by: {column:?}"));
                let _ = writeln!(t, "events_key = {}   # GUESS: {why}", toml_str(column));
            }
            if let Some(AlsoKeyDraft { column, why, separator }) = &look.also_key {
                guesses.push(format!("events also matched by: {column:?}"));
                let _ = writeln!(t, "events_also_key = {}   # GUESS: {why}", toml_str(column));
                if let Some(separator) = separator {
                    let _ = writeln!(t, "events_also_key_separator = {}", toml_str(separator));
                }
            }
        }
        None => match guess::rounded_id_column(&look.profiles) {
            // Opened in a spreadsheet and saved again: the ids no longer tell leads apart.
            Some((column, example, shared)) => {
                guesses.push(format!("id column: {column:?}, but a spreadsheet rounded its ids ({example:?} is the id of {shared} leads): export them again as text"));
                let _ = writeln!(
                    t,
                    "id = {}   # WARNING: its ids are long numbers a spreadsheet rounded to scientific notation ({} is the id of {shared} leads), so different leads share one and validate stops. Export the ids again as text, without opening the file in a spreadsheet",
                    toml_str(column),
                    toml_str(example)
                );
            }
            None => {
                guesses.push("id column: none found (no column is unique and never blank): if each row is one lead, add a column numbering the rows (1, 2, 3, …) and name it in id".into());
                let _ = writeln!(t, "id = \"FILL ME IN\"   # no column is unique and never blank: pick the lead id column, or, if each row is one lead, add a column numbering the rows (1, 2, 3, …) and name it here");
            }
        },
    }
    match &date {
        Some(d) => {
            guesses.push(format!("created-at column: {d:?}"));
            let _ = writeln!(t, "created_at = {}   # GUESS: when the lead was created", toml_str(d));
            let _ = writeln!(t, "{}", date_format_line(*date_serial));
            if let Some(unread) = &look.created_unread {
                // Without the dates, the cohorts, windows and sales guesses went without them.
                let warning = format!("the creation dates cannot all be read, so the guesses that need them (cohorts, windows, sales) went without: {unread}");
                let _ = writeln!(t, "# WARNING: {warning}");
                guesses.push(format!("WARNING: {warning}"));
            }
        }
        None => match year_less_month_column(&look.profiles) {
            // A session's month without its year (web analytics): the cohorts are there but for the year.
            Some((column, months)) => {
                let (first_month, first) = months[0];
                let listed = profile::months_listed(&months);
                guesses.push(format!(
                    "created-at column: none found; {column:?} names months without a year ({listed}): add a column of dates (YYYY-{first_month:02}-01 for {first:?}, in the year the rows are from) and name it in created_at, for cohorts by month"
                ));
                let _ = writeln!(
                    t,
                    "# created_at = \"created_at\"   # no date column found: without it there are no cohorts. {} names months without a year ({listed}): add a column of dates (YYYY-{first_month:02}-01 for {}, in the year the rows are from), name it here and set [cohorts] period = \"month\"",
                    toml_str(&column),
                    toml_str(first)
                );
            }
            None => {
                guesses.push("created-at column: none found (every lead goes in cohort \"all\")".into());
                let _ = writeln!(t, "# created_at = \"created_at\"   # no date column found: without it there are no cohorts");
            }
        },
    }
    match (&outcome, options.lost.as_ref().or(options.won_ids.as_ref())) {
        (Some(o), _) => {
            if look.filled_won {
                guesses.push(format!("outcome column: {o:?} (filled in when a lead converts: a filled cell is won, filled_is = \"won\")"));
            } else {
                guesses.push(format!("outcome column: {o:?} (won = {won_values:?}, lost = {lost_values:?})"));
            }
            let how = match (options.outcome.is_some(), look.filled_won) {
                (true, _) => "from --outcome",
                (false, true) => "GUESS: no column says won or lost, and this one is filled in when a lead converts: filled is won (see [outcome])",
                (false, false) => "GUESS: the column that looks most like the target",
            };
            if let Some(note) = outcome_note {
                guesses.push(format!("outcome: {note}"));
                let _ = writeln!(t, "# {note}");
            }
            let _ = writeln!(t, "outcome = {}   # {how}", toml_str(o));
        }
        (None, Some(_)) if options.lost.is_some() => guesses.push("outcome: the won/lost files layout (--won, --lost)".into()),
        (None, Some(_)) => guesses.push("outcome: the won-ids layout (--won-ids)".into()),
        (None, None) => {
            guesses.push("outcome column: none found (name it with init --outcome COLUMN, or give --won-ids FILE)".into());
            let _ = writeln!(t, "outcome = \"FILL ME IN\"   # the column that says won / lost / open (or use [input] won_ids)");
        }
    }
    match (decided, events && date.is_some()) {
        (Some((column, serial)), true) => {
            guesses.push(format!("decision-date column: {column:?} (a decided lead's events after it do not count)"));
            if let Some(why) = one_sided_decision {
                let _ = writeln!(t, "# {why}");
            }
            let _ = writeln!(t, "decided_at = {}   # GUESS: when the lead was won or lost; its events from then on do not count (onboarding is not engagement)", toml_str(column));
            if serial != date_serial {
                let _ = writeln!(t, "decided_at_format = {}", if *serial { "\"excel_serial\"   # GUESS: serial day numbers" } else { "\"auto\"" });
            }
        }
        (Some((column, _)), false) => {
            let _ = writeln!(t, "# decided_at = {}   # the decision date ends engagement windows: it needs events and a creation date", toml_str(column));
        }
        (None, _) => {
            if let Some(why) = one_sided_decision {
                guesses.push("decision-date column: none (a date only one outcome has is left out; see the comment)".into());
                let _ = writeln!(t, "# decided_at not drafted: {why}");
            }
        }
    }
    match segment {
        Some(s) => {
            let _ = writeln!(t, "segments = [{}]   # breakdowns in the backtest and report", toml_str(s));
        }
        None => {
            let _ = writeln!(t, "segments = []   # e.g. [\"channel\"]");
        }
    }
}

/// Days after creation at which init's drafts count a lead still open as lost.
const DRAFT_OPEN_AFTER_DAYS: i64 = 180;

/// Of `others`, the column that says lost in words (`Unqualified`, `Disqualified`: no won
/// value, no mere yes/no) for the most leads the outcome `column` leaves open
/// (`open_as_written`), at least [`OPEN_TOLD_APART`]; in words, for a WARNING that says
/// how to read both.
fn lost_in_another_column(table: &CodedTable, column: &str, others: &[&ColumnProfile], open_as_written: &[bool], missing: &[String]) -> Option<String> {
    let (found, leads, lost, open) = others
        .iter()
        .filter_map(|p| {
            let (won, lost, open) = guess::classify_outcomes(p);
            let in_words: Vec<String> = lost.into_iter().filter(|v| !guess::yes_or_no_word(v)).collect();
            if !won.is_empty() || in_words.is_empty() {
                return None;
            }
            let cells = table.text(&p.name).ok()?;
            let leads = cells.iter().zip(open_as_written).filter(|(cell, open)| **open && clean(*cell, missing).is_some_and(|v| in_words.iter().any(|l| l == v))).count();
            (leads >= OPEN_TOLD_APART).then_some((p, leads, in_words, open))
        })
        .max_by_key(|(p, leads, _, _)| (*leads, std::cmp::Reverse(p.name.clone())))?;
    let list = |values: &[String]| values.iter().map(|v| toml_str(v)).collect::<Vec<_>>().join(", ");
    let open = match open.as_slice() {
        [] => String::new(),
        values => format!(" and {} to open", list(values)),
    };
    Some(format!(
        "{} says lost ({}) for {leads} leads {} leaves open: they count as open until open_after_days has passed, so the latest cohorts look undecided and the holdout waits for them. Read both: set [columns] outcome = [{}, {}], add {} to [outcome] lost{open} (a lead is won when either says won, else lost when either says lost)",
        toml_str(&found.name),
        list(&lost),
        toml_str(column),
        toml_str(column),
        toml_str(&found.name),
        list(&lost)
    ))
}

/// `won` judged as open_after_days will judge it, at the latest creation: a lead created
/// at least [`DRAFT_OPEN_AFTER_DAYS`] before is won or, still open, lost; a younger one
/// (or an undated one) is not judged yet, won or not — else the young leads that count
/// would all be won ones, and every column filled only lately would look like leakage.
/// `old` is each row's [`created_long_ago`].
fn judged_by_age(won: Vec<Option<bool>>, old: &[bool]) -> Vec<Option<bool>> {
    won.into_iter().enumerate().map(|(row, outcome)| old.get(row).copied().unwrap_or(false).then(|| outcome.unwrap_or(false))).collect()
}

/// Per row, whether the lead was created at least [`DRAFT_OPEN_AFTER_DAYS`] before the
/// latest creation: old enough for open_after_days to judge it, as init's drafts judge at
/// the latest creation. False for an undated lead.
fn created_long_ago(created: &[Option<i64>]) -> Vec<bool> {
    let latest = created.iter().flatten().max().copied();
    created.iter().map(|c| matches!((c, latest), (Some(c), Some(latest)) if latest - c >= DRAFT_OPEN_AFTER_DAYS * 86_400)).collect()
}

/// Why an outcome column with won and lost values needs open_after_days, if it does: the
/// cohorts up to the latest one decided enough to be judged (the default
/// min_decided_share) are too few for a held-out cohort and a walk-forward by quarter and
/// by month alike (the periods [`cohort_period_line`] chooses between), and enough with
/// the leads still open [`DRAFT_OPEN_AFTER_DAYS`] after their creation judged lost; at
/// least 30 such leads. With how many of the old leads are open, and their values.
fn stale_open_leads(won: &[Option<bool>], created: &[Option<i64>], old: &[bool], window_days: i64, outcomes: &cells::TextColumn, missing: &[String]) -> Option<String> {
    let enough = |won: &[Option<bool>]| {
        cohorts_to_latest_mature(created, won, 3, window_days) >= COHORTS_NEEDED || cohorts_to_latest_mature(created, won, 1, window_days) >= COHORTS_NEEDED
    };
    if enough(won) || !enough(&open_old_leads_lost(won.to_vec(), old)) {
        return None;
    }
    let (mut leads, mut open) = (0usize, 0usize);
    let mut values: BTreeMap<&str, usize> = BTreeMap::new();
    for ((outcome, &old), cell) in won.iter().zip(old).zip(outcomes.iter()) {
        if !old {
            continue;
        }
        leads += 1;
        if outcome.is_none() {
            open += 1;
            *values.entry(clean(cell, missing).unwrap_or("")).or_default() += 1;
        }
    }
    if open < 30 {
        return None;
    }
    let mut values: Vec<(&str, usize)> = values.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let listed: Vec<String> = values.iter().take(3).map(|(v, n)| format!("{} {n}", toml_str(v))).collect();
    Some(format!(
        "{open} of the {leads} leads created {DRAFT_OPEN_AFTER_DAYS} days or more before the latest are still open ({}{}): too few cohorts have the {:.0} % of their leads decided that they need to be judged",
        listed.join(", "),
        if values.len() > 3 { ", …" } else { "" },
        100.0 * mqlcal_config::DEFAULT_MIN_DECIDED_SHARE
    ))
}

/// `won` as open_after_days judges it at the latest creation: a lead still open at least
/// [`DRAFT_OPEN_AFTER_DAYS`] after it was created (`old`: [`created_long_ago`]) is lost.
fn open_old_leads_lost(won: Vec<Option<bool>>, old: &[bool]) -> Vec<Option<bool>> {
    won.into_iter().enumerate().map(|(row, outcome)| outcome.or_else(|| old.get(row).copied().unwrap_or(false).then_some(false))).collect()
}

/// `[outcome]`, after the warning that wins come in whole groups of a column, if they do.
fn render_outcome(t: &mut String, look: &LeadsLook, options: &InitOptions, won_together: Option<&str>) {
    let LeadsLook { won_values, lost_values, open_values, exclude_values, .. } = look;
    let _ = writeln!(t);
    if let Some(warning) = won_together {
        let _ = writeln!(t, "# WARNING: {warning}.");
    }
    let list = |v: &[String]| v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
    if options.lost.is_some() {
        // The files say the outcome: no [outcome] section.
    } else if options.won_ids.is_some() {
        let _ = writeln!(t, "[outcome]");
        let _ = writeln!(t, "open_after_days = {DRAFT_OPEN_AFTER_DAYS}   # GUESS: leads not in the won ids and younger than this are still open\n");
    } else {
        let _ = writeln!(t, "[outcome]   # cell values (trimmed) -> outcome");
        let _ = writeln!(t, "won = [{}]", list(&won_values));
        let _ = writeln!(t, "lost = [{}]", list(&lost_values));
        let _ = writeln!(t, "open = [{}]", list(&open_values));
        if look.filled_won {
            let _ = writeln!(t, "filled_is = \"won\"   # GUESS: a filled cell (a conversion date) means won");
        }
        let _ = writeln!(t, "blank_is = \"open\"");
        if let Some(why) = &look.lost_elsewhere {
            let _ = writeln!(t, "# WARNING: {why}.");
        }
        if look.filled_won {
            let column = look.outcome.as_deref().map(toml_str).unwrap_or_default();
            let _ = writeln!(
                t,
                "open_after_days = {DRAFT_OPEN_AFTER_DAYS}   # GUESS: {column} is filled in when a lead converts and never says lost, so a lead still blank this many days after creation counts as lost; set it to how long your deals take"
            );
        } else if look.never_lost {
            let column = look.outcome.as_deref().map(toml_str).unwrap_or_default();
            let _ = writeln!(
                t,
                "open_after_days = {DRAFT_OPEN_AFTER_DAYS}   # GUESS: {column} never says lost (a lifecycle stage: customer, or a stage on the way), so a lead still open this many days after creation counts as lost; set it to how long your deals take"
            );
        } else if let Some(why) = &look.stale_open {
            let _ = writeln!(
                t,
                "open_after_days = {DRAFT_OPEN_AFTER_DAYS}   # GUESS: {why}; a lead still open this many days after creation counts as lost; set it to how long your deals take"
            );
        }
        let _ = writeln!(t);
        if let (false, Some(column)) = (exclude_values.is_empty(), &look.outcome) {
            let _ = writeln!(t, "[exclude]   # GUESS: records that are no leads (a merged duplicate, a test), left out of every number; add other columns' values (a partner's leads)");
            let _ = writeln!(t, "{} = [{}]\n", toml_key(column), list(&exclude_values));
        }
    }

}

/// `[events]`; `won_without_events`: why the file looks to leave out won leads' activities.
fn render_events(t: &mut String, ev: &EventsLook, won_without_events: Option<&str>) {
    let EventsLook { lead_id, occurred, occurred_serial, activity, .. } = ev;
    if let Some(warning) = won_without_events {
        let _ = writeln!(t, "# WARNING: {warning}.");
    }
    let _ = writeln!(t, "[events]");
    let _ = writeln!(t, "lead_id = {}", toml_str(&lead_id));
    let _ = writeln!(t, "occurred_at = {}", toml_str(&occurred));
    let _ = writeln!(t, "activity = {}", toml_str(&activity));
    if let Some((detail, _)) = &ev.detail {
        let _ = writeln!(t, "detail = {}   # GUESS: what each event was about (a page, a form); a signal with detail_contains = \"<text>\" counts only the events whose detail holds it", toml_str(detail));
    }
    let _ = writeln!(t, "{}", if *occurred_serial { date_format_line(true) } else { "date_format = \"auto\"" });
    match &ev.starts_before {
        None => {
            let _ = writeln!(t, "window_days = {DRAFT_WINDOW_DAYS}   # count events in [created_at, created_at + {DRAFT_WINDOW_DAYS} days]: the as-of scoring moment\n");
        }
        Some((seconds, why)) => {
            let _ = writeln!(t, "window_days = {DRAFT_WINDOW_DAYS}   # count events in [created_at - {seconds} s, created_at + {DRAFT_WINDOW_DAYS} days]: the as-of scoring moment");
            let _ = writeln!(t, "starts_before_seconds = {seconds}   # GUESS: {why}\n");
        }
    }
}

/// The signals: the leads file's columns, then the events signals, judged.
fn render_signals(t: &mut String, look: &LeadsLook, events: Option<&DraftedEvents<'_>>, options: &InitOptions) {
    let LeadsLook { segment, profiles, .. } = look;
    let _ = writeln!(t, "[cohorts]");
    let window_days = if events.is_some() { DRAFT_WINDOW_DAYS } else { 0 };
    let _ = writeln!(t, "{}\n", cohort_period_line(&look.created, &look.won, window_days));
    if look.date.is_none() {
        // One cohort: nothing later to choose the penalty on, hold out or walk forward to.
        let _ = writeln!(t, "# No creation dates: every lead is in one cohort (\"all\"), so nothing is held out over time.");
        let _ = writeln!(t, "# `mqlcal fit` fits the points; `backtest` and `recalibrate` need [columns] created_at.");
        let _ = writeln!(t, "[model]");
        let _ = writeln!(t, "alpha = 1   # \"auto\" chooses the penalty on a later cohort, which needs creation dates\n");
    }

    let skip = look.bookkeeping();
    let _ = writeln!(t, "# ---- fit signals (who the lead is) and engagement signals (what the lead did) ----");
    let mut names = SignalNames::default();
    for p in profiles {
        if skip.contains(&p.name.as_str()) || segment.as_ref() == Some(&p.name) {
            continue;
        }
        let name = names.give(&signal_name(&p.name), "column");
        write_signal(t, p, &name, options.min_level_count.max(1), look.decimal, (look.dated.contains(&p.name), look.row_numbers.contains(&p.name)));
    }
    let Some(DraftedEvents { signals, left_out, details, .. }) = events else { return };
    for (DraftedActivity { name, spellings, activities }, leakage, part_time) in signals {
        let counted: usize = spellings.iter().map(|(_, n)| n).sum();
        let _ = match (activities, spellings.as_slice()) {
            (1, [_]) => writeln!(t, "\n# {counted} events"),
            (1, _) => writeln!(
                t,
                "\n# {counted} events of one activity written {} ways ({}): counted together",
                spellings.len(),
                spellings.iter().map(|(a, n)| format!("{} {n}", toml_str(a))).collect::<Vec<_>>().join(", ")
            ),
            _ => {
                let mut most = spellings.clone();
                most.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                writeln!(
                    t,
                    "\n# {counted} events of {activities} activities of the kind {}: … (most: {}): counted together, as more than {MAX_ACTIVITY_SIGNALS} activities would be too many signals; draft one apart if it matters on its own (a pricing page)",
                    toml_str(name),
                    most.iter().take(3).map(|(a, n)| format!("{} {n}", toml_str(a))).collect::<Vec<_>>().join(", ")
                )
            }
        };
        if let Some(reason) = leakage {
            let _ = writeln!(t, "# LEAKAGE SUSPECT {}: {reason}. Left out; enable only if the lead does it before sales contact.", toml_str(name));
        }
        if let Some(reason) = part_time {
            let _ = writeln!(t, "# RECORDED PART OF THE TIME {}: {reason}", toml_str(name));
        }
        // An activity of several details (every page a "Visit Web Page"): what they are,
        // for a signal of some of them.
        if let Some((column, details)) = details {
            for (activity, _) in spellings.iter().take(3) {
                if let Some(ActivityDetails { most, different, urls }) = details.get(*activity).filter(|d| d.different > 1) {
                    let shown: Vec<String> = most.iter().map(|(detail, n)| format!("{} {n}", toml_str(detail))).collect();
                    let _ = writeln!(
                        t,
                        "# {} has {different} different {}{}: most {}. To count only some (a pricing page), copy the signal with detail_contains = \"<a text they hold>\"",
                        toml_str(activity),
                        toml_str(column),
                        if *urls { " (URLs by their site's section)" } else { "" },
                        shown.join(", ")
                    );
                }
            }
        }
        let mut body = String::new();
        let _ = writeln!(body, "[[signals]]");
        let _ = writeln!(body, "name = {}", toml_str(&names.give(&signal_name(name), "events")));
        let _ = writeln!(body, "axis = \"engagement\"");
        let _ = writeln!(body, "kind = \"events\"");
        let _ = match spellings.as_slice() {
            [(activity, _)] => writeln!(body, "activity = {}", toml_str(activity)),
            _ => writeln!(body, "activity = [{}]", spellings.iter().map(|(a, _)| toml_str(a)).collect::<Vec<_>>().join(", ")),
        };
        let _ = writeln!(body, "cap = 5              # cap awareness content; raise for decision-stage actions");
        let _ = writeln!(body, "decay = \"none\"       # or \"standard\" (1.0 first week ... 0.2 after 90 days)");
        let prefix = if leakage.is_some() { "# " } else { "" };
        for line in body.lines() {
            let _ = writeln!(t, "{prefix}{line}");
        }
    }
    if let Some((first, activities, counted)) = *left_out {
        let _ = writeln!(
            t,
            "\n# {activities} more activities with fewer events ({counted} events in all, e.g. {}): not drafted, as more than {MAX_ACTIVITY_SIGNALS} activities would be too many signals; add one as a signal if it matters",
            toml_str(first)
        );
    }
}

/// The events signals init drafts, judged as `validate` will judge the draft: each with
/// its leakage, if any ([`profile::HadIt::leakage_unless_explained`]), and why the file
/// looks to leave out won leads' activities, if it does, over the signals the draft leaves
/// on ([`profile::HadIt::won_without_events`]; not with a drafted `decided_at`, which
/// empties the windows of leads decided at once).
struct DraftedEvents<'a> {
    /// Each signal with its leakage and, if its activity was recorded for only part of the
    /// time ([`profile::recorded_part_time`]), why it looks so.
    signals: Vec<(DraftedActivity<'a>, Option<String>, Option<String>)>,
    /// Activities not drafted: (an example, activities, events).
    left_out: Option<(&'a str, usize, usize)>,
    won_without: Option<String>,
    /// The detail column and each activity's details (`EventsLook::detail`).
    details: Option<(&'a str, &'a BTreeMap<String, ActivityDetails>)>,
}

fn draft_events<'a>(look: &LeadsLook, ev: &'a EventsLook, judged: &[bool]) -> DraftedEvents<'a> {
    let (drafted, left_out) = activity_signals(&ev.activities);
    let bits = |d: &DraftedActivity<'_>| d.spellings.iter().filter_map(|(a, _)| ev.leads_with.get(*a)).collect::<Vec<_>>();
    let tallies: Vec<profile::HadIt> = drafted.iter().map(|d| activity_tally(&bits(d), &look.won, judged)).collect();
    let window = DRAFT_WINDOW_DAYS as u32;
    // Each signal's leakage, then whether won leads lack events over the signals left on.
    let judge = |explained: bool| {
        let leakage: Vec<Option<String>> = tallies.iter().map(|t| t.leakage_unless_explained(window, explained)).collect();
        let on: Vec<&Vec<u64>> = drafted.iter().zip(&leakage).filter(|(_, l)| l.is_none()).flat_map(|(d, _)| bits(d)).collect();
        let won_without = if look.decided.is_some() { None } else { activity_tally(&on, &look.won, judged).won_without_events(window) };
        (leakage, won_without)
    };
    // First with the activities lost leads have more often left on: turning them off
    // first can leave too little to show the pattern (one such activity nearly every lost
    // lead has, the others rare). Validate, reading the draft, judges the same signals.
    let (leakage, won_without) = match judge(true) {
        (leakage, Some(reason)) => (leakage, Some(reason)),
        _ => judge(false),
    };
    let activities: Vec<Vec<&str>> = drafted.iter().map(|d| d.spellings.iter().map(|(a, _)| *a).collect()).collect();
    let part_time = recorded_part_time(look, ev, &activities, &drafted.iter().map(bits).collect::<Vec<_>>(), judged);
    let signals = drafted.into_iter().zip(leakage).zip(part_time).map(|((d, leakage), part)| (d, leakage, part)).collect();
    DraftedEvents { signals, left_out, won_without, details: ev.detail.as_ref().map(|(column, details)| (column.as_str(), details)) }
}

/// Per drafted signal (its activities' lead bits), why its activity looks recorded for only
/// part of the time, as `validate` will find it: over the judged leads by creation month.
/// `activities` are each signal's spellings (the most frequent first).
fn recorded_part_time(look: &LeadsLook, ev: &EventsLook, activities: &[Vec<&str>], signals: &[Vec<&Vec<u64>>], judged: &[bool]) -> Vec<Option<String>> {
    let every: Vec<&Vec<u64>> = ev.leads_with.values().collect();
    let mut by_month = profile::ActivityMonths::new(signals.len());
    for (row, created) in look.created.iter().enumerate().filter(|&(row, _)| judged.get(row) == Some(&true)) {
        let Some(created) = created else { continue };
        let (month, counts) = by_month.month(calendar::month_of(*created));
        month.leads += 1.0;
        month.any += f64::from(u8::from(any_has(&every, row)));
        for (count, bits) in counts.iter_mut().zip(signals) {
            *count += f64::from(u8::from(any_has(bits, row)));
        }
    }
    let parts: Vec<Option<profile::RecordedPartTime>> = (0..signals.len()).map(|k| by_month.part_time(k)).collect();
    // One that ends as another begins: the same activity renamed, perhaps.
    let handed = |k: usize| -> Option<usize> {
        let part = parts[k].as_ref()?;
        (0..parts.len()).find(|&j| j != k && parts[j].as_ref().is_some_and(|other| part.handed_over_to(other) || other.handed_over_to(part)))
    };
    (0..parts.len())
        .map(|k| {
            let reason = parts[k].as_ref()?.reason();
            let Some(j) = handed(k) else { return Some(reason) };
            // Old name first in the list; the sentence from this one's side.
            let ends = matches!(parts[k], Some(profile::RecordedPartTime::Until { .. }));
            let (old, new) = if ends { (k, j) } else { (j, k) };
            Some(format!("{reason}. {}", profile::handed_over(ends, activities[j][0], "", &activities[old], &activities[new])))
        })
        .collect()
}

/// Events signals init drafts at most, one an activity: as a categorical keeps at most
/// 40 levels. An export that writes what an activity was about into its name (a page
/// view with its URL, Salesforce's `Email: <subject>`) has hundreds.
const MAX_ACTIVITY_SIGNALS: usize = 40;

/// An events signal init drafts: its name, the activities it counts (every spelling, with
/// its events), and how many activities they are (1: one, perhaps written several ways).
struct DraftedActivity<'a> {
    name: &'a str,
    spellings: Vec<(&'a str, usize)>,
    activities: usize,
}

/// The events signals init drafts, in name order: one per activity written one way or
/// several ([`one_activity_per_spelling`]). With more than [`MAX_ACTIVITY_SIGNALS`]
/// activities, those named `<kind>: <what>` are one signal per kind of two or more (all
/// page views, all emails), and of what is then still too many, those with the most events
/// are drafted; the rest is said as (an example, activities, events).
fn activity_signals(activities: &BTreeMap<String, usize>) -> (Vec<DraftedActivity<'_>>, Option<(&str, usize, usize)>) {
    let one: Vec<DraftedActivity<'_>> =
        one_activity_per_spelling(activities).into_iter().map(|(name, spellings)| DraftedActivity { name, spellings, activities: 1 }).collect();
    if one.len() <= MAX_ACTIVITY_SIGNALS {
        return (one, None);
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for signal in &one {
        if let Some(k) = activity_kind(signal.name) {
            *kinds.entry(k).or_default() += 1;
        }
    }
    let mut grouped: Vec<DraftedActivity<'_>> = Vec::new();
    let mut of_kind: BTreeMap<&str, DraftedActivity<'_>> = BTreeMap::new();
    for signal in one {
        // An activity named as a kind alone ("Email" beside "Email: Q3 webinar") is of it too.
        let of = activity_kind(signal.name).or(Some(signal.name.trim())).filter(|k| kinds.get(k).is_some_and(|&n| n >= 2));
        match of {
            Some(k) => {
                let entry = of_kind.entry(k).or_insert_with(|| DraftedActivity { name: k, spellings: Vec::new(), activities: 0 });
                entry.spellings.extend(signal.spellings);
                entry.activities += 1;
            }
            None => grouped.push(signal),
        }
    }
    grouped.extend(of_kind.into_values());
    let events = |s: &DraftedActivity<'_>| s.spellings.iter().map(|(_, n)| n).sum::<usize>();
    // The most events first (ties by name), then the drafted ones back in name order.
    grouped.sort_by(|a, b| events(b).cmp(&events(a)).then(a.name.cmp(b.name)));
    let rest = grouped.split_off(grouped.len().min(MAX_ACTIVITY_SIGNALS));
    grouped.sort_by(|a, b| a.name.cmp(b.name));
    let left_out = rest.first().map(|first| (first.spellings[0].0, rest.iter().map(|s| s.activities).sum(), rest.iter().map(events).sum()));
    (grouped, left_out)
}

/// The kind of an activity named `<kind>: <what>` ("Page View: /pricing" is a "Page View";
/// a colon with no space after it, in a URL or a time, names no kind).
fn activity_kind(name: &str) -> Option<&str> {
    let (kind, what) = name.split_once(": ")?;
    (!kind.trim().is_empty() && !what.trim().is_empty()).then_some(kind.trim())
}

/// The events file's activities grouped by [`spelling`]: "Email Open" and
/// "email_open" are one activity (a CRM that renamed it, two tools that spell it apart),
/// drafted as one signal counting both, named after its most frequent spelling (the
/// first of those equally frequent), in the order of those names: where that name is
/// the one spelling of another export, both draft the same signals in the same order.
fn one_activity_per_spelling(activities: &BTreeMap<String, usize>) -> Vec<(&str, Vec<(&str, usize)>)> {
    let mut groups: BTreeMap<String, Vec<(&str, usize)>> = BTreeMap::new();
    for (activity, &count) in activities {
        groups.entry(spelling(activity)).or_default().push((activity.as_str(), count));
    }
    let mut named: Vec<(&str, Vec<(&str, usize)>)> = groups
        .into_values()
        .map(|spellings| {
            let most = spellings.iter().map(|(_, n)| *n).max().unwrap_or(0);
            let name = spellings.iter().find(|(_, n)| *n == most).map_or("", |(a, _)| *a);
            (name, spellings)
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    named
}

/// Cohorts up to the latest mature one that a recalibration with `[backtest]`'s defaults
/// needs: the walk-forward's three training cohorts and the one it tests on, the last of
/// them the holdout.
const COHORTS_NEEDED: usize = 4;

/// The distinct months of `months`, in order.
fn distinct_months(months: &[Option<i32>]) -> Vec<i32> {
    let mut distinct: Vec<i32> = months.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// How many cohorts of `months_each` months, up to the latest one likely mature, the
/// leads give: by the maturity rule `split` judges with (the default `[model]
/// min_decided_share`), at the latest creation date (the as-of date a config without one
/// gets from leads alone), with the drafted window when events are drafted.
fn cohorts_to_latest_mature(created: &[Option<i64>], won: &[Option<bool>], months_each: i32, window_days: i64) -> usize {
    let Some(at) = created.iter().flatten().max().copied() else { return 0 };
    let as_of = AsOf { at, window_seconds: window_days * 86_400 };
    // (total, decided) per cohort, by its first month.
    let mut cohorts: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for (time, outcome) in created.iter().zip(won) {
        if let Some(time) = time {
            let cohort = calendar::month_of(*time).div_euclid(months_each) * months_each;
            let entry = cohorts.entry(cohort).or_default();
            *entry = (entry.0 + 1, entry.1 + usize::from(outcome.is_some()));
        }
    }
    let mature = |(&first, &(total, decided)): (&i32, &(usize, usize))| {
        as_of.period_over(first..first + months_each) && decided_enough(decided, total, mqlcal_config::DEFAULT_MIN_DECIDED_SHARE)
    };
    cohorts.iter().rposition(mature).map_or(0, |k| k + 1)
}

/// `[cohorts] period`: quarters, unless they give too few cohorts up to the latest mature
/// one for a held-out cohort and a walk-forward (`recalibrate` would stop at the backtest)
/// and months give enough; then months, saying why.
fn cohort_period_line(created: &[Option<i64>], won: &[Option<bool>], window_days: i64) -> String {
    let quarters = cohorts_to_latest_mature(created, won, 3, window_days);
    if quarters < COHORTS_NEEDED {
        let months = cohorts_to_latest_mature(created, won, 1, window_days);
        if months >= COHORTS_NEEDED {
            return format!(
                "period = \"month\"   # {quarters} quarters up to the latest mature one: too few for a walk-forward and a held-out cohort ({COHORTS_NEEDED} needed); {months} months"
            );
        }
    }
    "period = \"quarter\"   # or \"month\"".to_string()
}

/// The column whose values are all months' names without a year, with its months in
/// calendar order (see [`profile::year_less_months`]); its profile lists every value.
fn year_less_month_column(profiles: &[ColumnProfile]) -> Option<(String, Vec<(u8, &str)>)> {
    profiles.iter().filter(|p| p.top_levels.len() == p.distinct).find_map(|p| {
        profile::year_less_months(p.top_levels.iter().map(|(v, _)| v.as_str())).map(|months| (p.name.clone(), months))
    })
}

/// A `[sales]` section from the decided volume per month and the base rate, marked GUESS.
fn write_sales(t: &mut String, look: &LeadsLook, guesses: &mut Vec<String>) {
    let (table, won) = (&look.table, &look.won);
    let decided: Vec<bool> = won.iter().flatten().copied().collect();
    let wins = decided.iter().filter(|w| **w).count();
    if decided.is_empty() || wins == 0 {
        return;
    }
    // Months: the creation dates', else a column of months' names, else a year assumed.
    let (months, counted) = if !look.months.is_empty() {
        (distinct_months(&look.months).len().max(1), String::new())
    } else if let Some((column, months)) = year_less_month_column(&look.profiles) {
        (months.len(), format!(" (of {})", toml_str(&column)))
    } else {
        (12, " (no dates: a year assumed)".to_string())
    };
    let base = wins as f64 / decided.len() as f64;
    let leads = table.height() - look.no_leads;
    let (capacity, low, high) = guess::sales(leads as f64 / months as f64, base);
    guesses.push(format!("[sales]: capacity {capacity} a month, band {low}-{high} (GUESS from {months} months{counted} and a {:.1} % win rate)", 100.0 * base));
    let _ = writeln!(t, "\n# ---- What sales can take (for `mqlcal backtest` and `recalibrate`) ----");
    let _ = writeln!(
        t,
        "# GUESS: {:.0} leads a month over {months} months{counted}, {:.1} % of decided leads won. Replace with what your team can work.",
        leads as f64 / months as f64,
        100.0 * base
    );
    let _ = writeln!(t, "[sales]");
    let _ = writeln!(t, "capacity_per_month = {capacity}   # GUESS: MQLs a month sales can work");
    let _ = writeln!(t, "target_conversion = [{low}, {high}]   # GUESS: share of MQLs that should win (1.5x to 4x the base rate)");
}

/// A categorical signal's lines: its levels (with their leads and other spellings), their
/// other spellings, and the separator of a multi-select field.
fn categorical_signal(body: &mut String, name: &str, axis: &str, column: &str, separator: Option<&str>, levels: &[&SpelledLevel], renamed: &[&profile::Renamed]) {
    let _ = writeln!(body, "[[signals]]\nname = {}\naxis = \"{axis}\"   # GUESS: fit (who) or engagement (what they did)?\nkind = \"categorical\"\ncolumn = {}", toml_str(name), toml_str(column));
    if let Some(separator) = separator {
        let _ = writeln!(body, "separator = {}   # GUESS: each value listed counts", toml_str(separator));
    }
    let _ = writeln!(body, "levels = [{}]", levels.iter().map(|l| toml_str(&l.level)).collect::<Vec<_>>().join(", "));
    // A table of its own, last: one line a level reads better than one long inline table.
    // A whole number's other form (`2.0` of `2`) needs no line: the level counts it.
    let respelled = |l: &SpelledLevel| -> Vec<String> { l.others.iter().filter(|(o, _)| !names_cell(&l.level, o)).map(|(o, _)| toml_str(o)).collect() };
    let spelled: Vec<&&SpelledLevel> = levels.iter().filter(|l| !respelled(l).is_empty()).collect();
    if !spelled.is_empty() {
        let renamed_to = |level: &str| renamed.iter().find(|r| r.new == level);
        match renamed.is_empty() {
            true => {
                let _ = writeln!(body, "[signals.spellings]   # GUESS: written alike but for case, spaces or punctuation, so each is one level");
            }
            false => {
                let _ = writeln!(body, "[signals.spellings]   # GUESS: each line's values are one level (why, beside it)");
            }
        }
        for l in spelled {
            let why = match (renamed.is_empty(), renamed_to(&l.level)) {
                (true, _) => String::new(),
                (false, Some(r)) => format!("   # GUESS: {:?} renamed {:?} in {}", r.old, r.new, r.since),
                (false, None) => "   # written alike but for case, spaces or punctuation".to_string(),
            };
            let _ = writeln!(body, "{} = [{}]{why}", toml_key(&l.level), respelled(l).join(", "));
        }
    }
}

/// Renamed values ([`profile::Renamed`]) drafted as one level under the new name, which
/// production writes now, the old among its spellings: as two levels each would be
/// weighed on its own months. The pairs merged.
fn merge_renamed<'p>(spelled: &mut Vec<SpelledLevel>, renamed: &'p [profile::Renamed]) -> Vec<&'p profile::Renamed> {
    let mut merged = Vec::new();
    for pair in renamed {
        let find = |value: &str, levels: &[SpelledLevel]| levels.iter().position(|l| l.level == value || l.others.iter().any(|(o, _)| o == value));
        let (Some(old), Some(new)) = (find(&pair.old, spelled), find(&pair.new, spelled)) else { continue };
        if old == new {
            continue;
        }
        // Where the new one is once the old one is out.
        let new = if new > old { new - 1 } else { new };
        let old = spelled.remove(old);
        let own = old.leads.saturating_sub(old.others.iter().map(|(_, n)| n).sum::<usize>());
        let into = &mut spelled[new];
        into.leads += old.leads;
        into.others.push((old.level, own));
        into.others.extend(old.others);
        merged.push(pair);
    }
    if !merged.is_empty() {
        // Most leads first, as spelled_levels lists them.
        spelled.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.level.cmp(&b.level)));
    }
    merged
}

/// A level with its leads, and its other spellings with theirs, as the comments list them.
fn listed_level(l: &SpelledLevel) -> String {
    if l.others.is_empty() {
        return format!("{} ({})", l.level, l.leads);
    }
    let others: Vec<String> = l.others.iter().map(|(o, n)| format!("{o:?} {n}")).collect();
    format!("{} ({}: {:?} {}, {})", l.level, l.leads, l.level, l.leads - l.others.iter().map(|(_, n)| n).sum::<usize>(), others.join(", "))
}

fn write_signal(t: &mut String, p: &ColumnProfile, name: &str, min_level_count: usize, decimal: DecimalMark, (dated, row_numbers): (bool, bool)) {
    let commented = p.leakage.is_some() || p.period_label.is_some();
    /// Above this 99th percentile a numeric signal is drafted with `bins = "auto"`.
    const WIDE_RANGE: f64 = 50.0;
    let prefix = if commented { "# " } else { "" };
    let mut body = String::new();
    let axis = guess::axis(&p.name);
    // Two values, one of them a yes; or only yes/no answers, however many ways written
    // (Yes/No, then TRUE/FALSE, then 1/0 as the CRM changed): a flag of every yes.
    let answer = |v: &str| mqlcal_scorecard::yes_or_no(v);
    let yes_no = p.top_levels.iter().any(|(v, _)| answer(v) == Some(true))
        && (p.distinct == 2 || (p.distinct <= 12 && p.top_levels.len() == p.distinct && p.top_levels.iter().all(|(v, _)| answer(v).is_some())));
    let _ = writeln!(t);
    // Never a signal, whatever else it looks like.
    if dated {
        let _ = writeln!(t, "# {:?}: dates, when something happened to the lead, not who it is or what it did (each day would be a level of its own): skipped", p.name);
        return;
    }
    if row_numbers {
        let _ = writeln!(t, "# {:?}: the file's row numbers (0, 1, 2, …: the index pandas writes beside a frame's columns), not who the lead is or what it did; in a file in creation order a weight on them would learn when the lead came: skipped", p.name);
        return;
    }
    if let Some(what) = guess::personal_data(&p.name) {
        let _ = writeln!(t, "# {:?}: {what}, which says who the person is, not what kind of buyer (each common value would get points of its own): skipped", p.name);
        return;
    }
    if let Some(reason) = &p.leakage {
        let _ = writeln!(t, "# LEAKAGE SUSPECT {:?}: {reason}. Left out; enable only if it is known before sales contact.", p.name);
    } else if let Some(reason) = &p.period_label {
        let _ = writeln!(t, "# CREATION PERIOD {:?}: {reason}. {PERIOD_LABEL_COST} Left out: the cohorts by creation date follow the period.", p.name);
    }
    if let Some(part) = &p.captured {
        let _ = writeln!(t, "# CAPTURED PART OF THE TIME {:?}: {}; validate says so while a signal reads it.", p.name, part.reason());
    }
    if p.distinct <= 1 {
        let _ = writeln!(t, "# {:?}: {} distinct value(s): nothing to learn, skipped", p.name, p.distinct);
        return;
    }
    if let Some((example, export)) = guess::formatted_numbers(p, decimal) {
        // A suspect is left out either way: no invitation to export it again.
        let again = if commented { "" } else { "; exported unformatted, init drafts it as a number" };
        let _ = writeln!(t, "# {:?}: numbers as a report displays them ({example:?}: {export}), read as text, where each would be a level of its own: skipped{again}", p.name);
        return;
    }
    if let Some(pages) = guess::pages_split_by_queries(p) {
        let shown: Vec<String> = pages.iter().take(3).map(|(page, n)| format!("{page:?} {n}")).collect();
        let more = if pages.len() > 3 { ", …" } else { "" };
        let again = if commented { "" } else { "; export the page without its query (or the site's section) as a column, and init drafts it as a categorical" };
        let _ = writeln!(
            t,
            "# {:?}: web addresses whose query strings (utm_…, gclid) make one page many values ({} values; among the {} commonest, {} pages: {}{more}), where each would be a level of its own: skipped{again}",
            p.name,
            p.distinct,
            p.top_levels.len(),
            pages.len(),
            shown.join(", ")
        );
        return;
    }
    // Numbers but for a few cells no blank marker reads (`10000+`, or a word another column
    // holds as a value): as a categorical, each number would be a level of its own.
    if !yes_no && many_numbers_but_a_few_texts(p) {
        let cells: usize = p.stray_texts.iter().map(|(_, n)| n).sum();
        let shown: Vec<String> = p.stray_texts.iter().take(3).map(|(text, n)| format!("{text:?} ×{n}")).collect();
        let more = if p.stray_texts.len() > 3 { ", …" } else { "" };
        let _ = writeln!(
            t,
            "# {:?}: numbers but for {cells} cells ({}{more}), read as text, where each number would be a level of its own: skipped; export those cells as numbers (or add them to [input] missing to read them as blank) and init drafts it as a number",
            p.name,
            shown.join(", ")
        );
        return;
    }
    if yes_no {
        let mut yes: Vec<&str> = Vec::new();
        for (v, _) in p.top_levels.iter().filter(|(v, _)| answer(v) == Some(true)) {
            match yes.iter().position(|y| mqlcal_scorecard::names_cell(y, v)) {
                // One number written both ways (`1` and `1.0`, stacked exports): the whole
                // number, which counts both.
                Some(at) if mqlcal_scorecard::plain_whole_number(v) == v.as_str() => yes[at] = v,
                Some(_) => {}
                None => yes.push(v),
            }
        }
        let equals = match yes.as_slice() {
            [one] => toml_str(one),
            several => format!("[{}]   # one answer, written {} ways", several.iter().map(|v| toml_str(v)).collect::<Vec<_>>().join(", "), several.len()),
        };
        let _ = writeln!(body, "[[signals]]\nname = {}\naxis = \"{axis}\"   # GUESS: fit (who) or engagement (what they did)?\nkind = \"flag\"\ncolumn = {}\nequals = {equals}", toml_str(&name), toml_str(&p.name));
    } else if p.numeric && p.distinct > NUMBERS_FROM_DISTINCT && !guess::is_code(p) {
        let kind = if p.min.unwrap_or(0.0) >= 0.0 { "count" } else { "numeric" };
        let mut cap = p.p99.unwrap_or(0.0);
        let sentinel = guess::sentinel(p);
        if let Some((code, leads, largest)) = &sentinel {
            // A code such as 999 = "never contacted": its own flag, the quantity capped below it.
            cap = *largest;
            let _ = writeln!(
                body,
                "[[signals]]\nname = {}\naxis = \"{axis}\"   # GUESS: fit (who) or engagement (what they did)?\nkind = \"flag\"\ncolumn = {}\nequals = {}   # GUESS: {code} ({leads} leads) is a code meaning \"none\", not a quantity\n",
                toml_str(&format!("{name}_{}", if code.starts_with('-') { "missing" } else { "none" })),
                toml_str(&p.name),
                toml_str(&code)
            );
        }
        let _ = writeln!(
            body,
            "[[signals]]\nname = {}\naxis = \"{axis}\"   # GUESS: fit (who) or engagement (what they did)?\nkind = \"{}\"\ncolumn = {}\ncap = {}   # {}\ndefault = 0   # blanks ({:.1}%)",
            toml_str(&name),
            if sentinel.as_ref().is_some_and(|(c, _, _)| c.starts_with('-')) { "numeric" } else { kind },
            toml_str(&p.name),
            cap,
            if sentinel.is_some() { "the largest real value: the code is clipped to it, the flag above carries its meaning".to_string() } else { format!("the 99th percentile (max {}): outliers clipped", p.max.unwrap_or(0.0)) },
            p.blank_rate * 100.0
        );
        if cap > WIDE_RANGE {
            // Per unit, a wide range gets a fraction of a point per unit, which rounds to 0.
            let _ = writeln!(body, "bins = \"auto\"   # up to {cap} units: points per bin (chosen on the training cohorts) keep what the fit learns");
        }
    } else if let Some((separator, values)) = guess::multi_select(p) {
        // Values are not exclusive (a lead lists several), so every frequent one is kept:
        // leads listing none are the baseline.
        let values = spelled_levels(&values, decimal);
        let kept: Vec<&SpelledLevel> = values.iter().filter(|l| l.leads >= min_level_count).take(40).collect();
        if kept.is_empty() {
            let _ = writeln!(t, "# {:?}: a multi-select field ({separator:?} between values), none of its {} values in at least {min_level_count} leads: skipped", p.name, values.len());
            return;
        }
        let listed: Vec<String> = kept.iter().map(|l| listed_level(l)).collect();
        let _ = writeln!(
            t,
            "# {:?}: a multi-select field, several values a cell between {separator:?}: one indicator per value listed in at least {min_level_count} leads ({} of {}): {}",
            p.name,
            kept.len(),
            values.len(),
            listed.join(", ")
        );
        categorical_signal(&mut body, &name, axis, &p.name, Some(separator), &kept, &[]);
    } else if p.distinct < p.rows / 2 || p.distinct <= 60 {
        let mut spelled = spelled_levels(&p.top_levels, decimal);
        // Written alike but for case, spaces or punctuation, or a whole number written with
        // and without .0 (before renamed values join them).
        let twins: Vec<(String, String)> = spelled.iter().flat_map(|l| l.others.iter().filter(|(o, _)| names_cell(&l.level, o)).map(|(o, _)| (l.level.clone(), o.clone()))).collect();
        let merged = spelled.iter().filter(|l| l.others.iter().any(|(o, _)| !names_cell(&l.level, o))).count();
        let respelled: usize = spelled.iter().map(|l| l.others.len()).sum();
        let renamed = merge_renamed(&mut spelled, &p.renamed);
        let (baseline, mut kept, pooled) = guess::levels(p, &spelled, min_level_count);
        let Some(base) = baseline else { return };
        // Bands (51-200, 10001+), as CRMs export size and revenue, are listed smallest
        // first, as a reader of the points compares them; other levels ("Unknown") after.
        let bounds = |level: &str| mqlcal_scorecard::band(level, decimal);
        let bands = kept.iter().filter(|l| bounds(&l.level).is_some()).count() >= 2;
        if bands {
            kept.sort_by(|SpelledLevel { level: a, .. }, SpelledLevel { level: b, .. }| match (bounds(a), bounds(b)) {
                (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        let base_name = &base.level;
        if kept.is_empty() {
            let _ = writeln!(t, "# {:?}: {} levels, none but {base_name:?} with at least {min_level_count} leads: skipped", p.name, p.distinct);
            return;
        }
        // Values written alike but for case, spaces or punctuation are one level: said, as
        // the draft's spellings line takes them so.
        let mut how = Vec::new();
        if merged > 0 {
            how.push(format!("{merged} of them in several spellings, differing in case, spaces or punctuation"));
        }
        if let Some((level, other)) = twins.first() {
            how.push(format!("{} of them whole numbers written both with and without .0, as {level:?} and {other:?}: one number, which its level counts either way", twins.len()));
        }
        if !renamed.is_empty() {
            how.push(format!("{} of them under two names, renamed (below)", renamed.len()));
        }
        let levels = match how.is_empty() {
            true => format!("{} levels", p.distinct),
            false => format!("{} values written as {} levels ({})", p.distinct, p.distinct - respelled - renamed.len(), how.join("; ")),
        };
        let _ = writeln!(
            t,
            "# {:?}: {levels}; baseline (left out, so the levels are not collinear with the intercept): {}; {} levels with at least {min_level_count} leads kept{}",
            p.name,
            if base.others.is_empty() { format!("{base_name:?} ({} leads)", base.leads) } else { format!("{base_name:?} ({} leads, with its other spellings)", base.leads) },
            kept.len(),
            if pooled > 0 { format!("; {pooled} leads of rarer levels and blanks pooled into the baseline") } else { String::new() }
        );
        let listed: Vec<String> = kept.iter().map(listed_level).collect();
        let _ = writeln!(t, "# kept{}: {}", if bands { " (bands, smallest first)" } else { "" }, listed.join(", "));
        if !base.others.is_empty() {
            let _ = writeln!(t, "# the baseline is also written {}: unnamed, those leads are the baseline too", base.others.iter().map(|(o, n)| format!("{o:?} ({n})")).collect::<Vec<_>>().join(", "));
        }
        for r in &renamed {
            let drafted = match *base_name == r.new {
                true => format!("Drafted as one value, the baseline, {:?} (written {:?} too)", r.new, r.old),
                false => format!("Drafted as one level, {:?}, with {:?} among its spellings: production writes the new name", r.new, r.old),
            };
            let _ = writeln!(t, "# GUESS: {} {drafted}", r.reason());
        }
        categorical_signal(&mut body, &name, axis, &p.name, None, &kept.iter().collect::<Vec<_>>(), &renamed);
    } else if p.numeric {
        // A code (a zip code) with about as many values as leads.
        let _ = writeln!(t, "# {:?}: {} distinct codes, one for every two leads or fewer: too few leads a code to learn from, skipped", p.name, p.distinct);
        return;
    } else {
        let _ = writeln!(t, "# {:?}: {} distinct text values (an identifier or free text?): skipped", p.name, p.distinct);
        return;
    }
    for line in body.lines() {
        let _ = writeln!(t, "{prefix}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_signal_name_is_given_twice() {
        let mut names = SignalNames::default();
        let given: Vec<String> = [("demo", "column"), ("demo", "events"), ("a_b", "column"), ("a_b", "column"), ("a_b", "column"), ("demo (events)", "column")]
            .iter()
            .map(|(wanted, kind)| names.give(wanted, kind))
            .collect();
        assert_eq!(given, ["demo", "demo (events)", "a_b", "a_b (column)", "a_b (column 2)", "demo (events) (column)"]);
    }

    #[test]
    fn a_url_detail_is_shown_by_its_sites_section_as_every_visit_holds_it() {
        for (detail, shown) in [
            ("https://www.acme.com/pricing?utm_campaign=q3", "acme.com/pricing"),
            ("http://acme.com/pricing", "acme.com/pricing"),
            ("https://www.acme.com/blog/pricing-models#top", "acme.com/blog/"),
            ("https://www.acme.com/", "acme.com/"),
            ("https://www.acme.com", "acme.com"),
            ("/pricing/enterprise", "/pricing/"),
            ("/pricing", "/pricing"),
            ("Newsletter #3", "Newsletter #3"),
            ("Demo Request Form 2", "Demo Request Form 2"),
        ] {
            assert_eq!(detail_shown(detail), shown, "{detail}");
            assert!(detail.contains(shown), "a filter on it holds every such detail");
        }
    }

    #[test]
    fn old_open_leads_are_judged_lost_as_open_after_days_will() {
        let day = 86_400;
        let created = [Some(0), Some(0), Some(10 * day), Some(200 * day), None];
        let won = vec![Some(true), None, None, None, None];
        // Latest creation day 200: days 0 and 10 are old, 200 young, undated unjudged.
        assert_eq!(open_old_leads_lost(won, &created_long_ago(&created)), vec![Some(true), Some(false), Some(false), None, None]);
    }

    #[test]
    fn a_stage_that_never_says_lost_is_judged_by_age_only_where_it_can_be() {
        const DAY: i64 = 86_400;
        let latest = 1_000 * DAY;
        let old = latest - DRAFT_OPEN_AFTER_DAYS * DAY;
        let created = [Some(old), Some(old), Some(old + DAY), Some(old + DAY), None, Some(latest)];
        let won = vec![Some(true), None, Some(true), None, Some(true), None];
        // Old enough: won stays won, open is lost. Younger, or undated: not judged, won
        // or not (counting only the young wins would tie every late column to winning).
        assert_eq!(judged_by_age(won.clone(), &created_long_ago(&created)), vec![Some(true), Some(false), None, None, None, None]);
        assert_eq!(judged_by_age(won, &[]), vec![None; 6]);
    }

    #[test]
    fn the_leakage_check_judges_decided_leads_whose_window_ended_by_the_latest_date() {
        const DAY: i64 = 86_400;
        let latest_lead = 1_000 * DAY;
        let full = latest_lead - DRAFT_WINDOW_DAYS * DAY;
        let created = [Some(full), Some(full + 1), Some(full), None, Some(latest_lead)];
        let won = [Some(true), Some(false), None, Some(true), Some(false)];
        // By the latest creation: only a window ending exactly then is complete; open and
        // undated leads are never judged.
        assert_eq!(judged_leads(&won, &created, None), [true, false, false, false, false]);
        // A later event moves the as-of date (an absurd one is filtered before).
        assert_eq!(judged_leads(&won, &created, Some(latest_lead + 1)), [true, true, false, false, false]);
        assert_eq!(judged_leads(&won, &created, Some(latest_lead + DRAFT_WINDOW_DAYS * DAY)), [true, true, false, false, true]);
        assert_eq!(judged_leads(&won, &[], None), [false; 5]);
    }

    /// A renamed pair joins the new name's level, whichever of the two is listed first;
    /// a pair not both among the levels, or already one level, is left.
    #[test]
    fn renamed_values_join_the_new_names_level_in_either_order() {
        let level = |level: &str, leads: usize, others: &[(&str, usize)]| SpelledLevel {
            level: level.into(),
            leads,
            others: others.iter().map(|(o, n)| (o.to_string(), *n)).collect(),
        };
        let pair = |old: &str, new: &str| profile::Renamed {
            old: old.into(),
            until: "2025-03".into(),
            old_share: 0.1,
            new: new.into(),
            since: "2025-04".into(),
            new_leads: 1,
            new_share: 0.1,
        };
        for (old_first, spelled) in [
            (true, vec![level("old", 50, &[("OLD", 10)]), level("b", 30, &[]), level("new", 20, &[])]),
            (false, vec![level("new", 50, &[]), level("b", 30, &[]), level("old", 20, &[("OLD", 5)])]),
        ] {
            let mut spelled = spelled;
            let pairs = [pair("old", "new"), pair("gone", "new"), pair("b", "b")];
            let merged = merge_renamed(&mut spelled, &pairs);
            assert_eq!(merged.len(), 1, "{old_first}");
            let new = spelled.iter().find(|l| l.level == "new").unwrap();
            assert_eq!(new.leads, 70, "{old_first}");
            assert_eq!(new.others.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(), ["old", "OLD"], "{old_first}");
            assert_eq!(new.others[0].1, if old_first { 40 } else { 15 });
            assert_eq!(spelled.iter().map(|l| l.level.as_str()).collect::<Vec<_>>(), ["new", "b"], "most leads first");
        }
    }

    #[test]
    fn an_activity_named_kind_colon_what_is_of_that_kind() {
        assert_eq!(activity_kind("Page View: /pricing"), Some("Page View"));
        assert_eq!(activity_kind("Email:  Re: Q3 offer "), Some("Email"));
        for none in ["https://example.com/pricing", "Webinar 10:00", "Page View:", ": /pricing", "demo_request"] {
            assert_eq!(activity_kind(none), None, "{none}");
        }
    }

    #[test]
    fn activities_of_one_spelling_are_one_signal_named_after_the_most_frequent() {
        let activities: BTreeMap<String, usize> =
            [("Email Open", 30), ("email_open", 70), ("blog_visit", 5), ("Webinar", 9), ("webinar", 9), ("zeta", 1)].map(|(a, n)| (a.to_string(), n)).into();
        let groups = one_activity_per_spelling(&activities);
        assert_eq!(
            groups,
            vec![
                ("Webinar", vec![("Webinar", 9), ("webinar", 9)]),
                ("blog_visit", vec![("blog_visit", 5)]),
                ("email_open", vec![("Email Open", 30), ("email_open", 70)]),
                ("zeta", vec![("zeta", 1)]),
            ]
        );
    }
}
