//! An events file read one event at a time, for the feature table (ingest) and for
//! scoring alike. A CSV file is streamed (memory does not grow with it: 20M events
//! are counted, not held): cut into pieces where records end (`csv_cut`), parsed on
//! every core, each event's lead and activity looked up there, and handed on in file
//! order, so sums come out as one reader's would. A Parquet file is read through polars.
//! Cells are trimmed, blanks and missing markers become None, and dates are parsed as
//! everywhere else, with errors naming the file, row, line and column.

use std::hash::BuildHasher;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use mqlcal_config::{CsvOptions, Encoding};
use mqlcal_scorecard::{IdCase, LastDay};
use polars::prelude::{PlHashMap, PlRandomState};

use crate::cells::{self, clean, DateLayout, DateRule, LayoutEvidence, MissingMarkers};
use crate::csv_cut::{is_line_end, Cut};
use crate::id_slots::{Entry, IdSlots, Slot};
use crate::read::{self, ReadNotes};
use crate::report_footer::ReportFooter;
use crate::DataError;

/// The columns of an events file: three, and the detail some signals filter on.
pub(crate) struct EventColumnNames<'a> {
    pub lead_id: &'a str,
    pub occurred_at: &'a str,
    pub activity: &'a str,
    /// `[events] detail`, read only when a signal filters on it.
    pub detail: Option<&'a str>,
}

/// One event as read: cleaned cells (None when blank), and what its lead id and
/// activity resolve to among the caller's [`EventKeys`].
pub(crate) struct Event<'a> {
    pub lead_id: Option<&'a str>,
    pub occurred_at: Option<i64>,
    pub activity: Option<&'a str>,
    /// The row of the lead with this id; None when the id is blank or no lead has it.
    pub lead: Option<usize>,
    /// How the lead was found (as written when it was not).
    pub found_by: FoundBy,
    /// The number of the activity, and of which of the detail texts some signal filters
    /// it by the event's detail holds, among the keys' activities
    /// ([`ActivityNumbers::counted`]); None when blank, not among them, or of a detail
    /// no signal counts.
    pub counted: Option<usize>,
    /// An event a few later in the file whose lead is known and far from this one's
    /// (events read in pieces): the memory the caller will read for it may be asked for
    /// now (`crate::random_reads`).
    pub later: Option<Later>,
}

/// The lead and counted activity of a later event ([`Event::later`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Later {
    pub lead: usize,
    pub counted: Option<usize>,
}

/// How an event's lead id found its lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FoundBy {
    /// The lead's id (or `[columns] events_key`) as written, or as `id_case` matches it.
    Id,
    /// The id's other form: Salesforce's 15 or 18 characters, a number padded with zeros.
    OtherForm,
    /// A value of `[columns] events_also_key` (the contact the lead converted into).
    AlsoKey,
}

impl Event<'_> {
    /// The lead was found by the id's other Salesforce form (15 or 18 characters).
    pub(crate) fn by_other_id_form(&self) -> bool {
        self.lead.is_some() && self.found_by == FoundBy::OtherForm
    }
}

/// What an event's lead id and activity are looked up in, on the core that reads it:
/// the leads' rows by id and the activities the caller counts, numbered.
pub(crate) struct EventKeys<'a> {
    pub leads: &'a LeadIndex<'a>,
    pub activities: &'a ActivityNumbers<'a>,
}

/// The activities some feature counts, each with its numbers (`Event::counted`): one for
/// an activity no signal filters by its detail; for one that some do, by `n` texts
/// between them, 2^n from its first, the events whose detail holds each subset of the
/// texts (bit k: the k-th), so that an event still has one number, and each number a
/// fixed list of the features it counts for.
#[derive(Debug, Default)]
pub(crate) struct ActivityNumbers<'a> {
    /// Each activity's first number.
    numbers: PlHashMap<&'a str, usize>,
    /// Each number's activity.
    names: Vec<&'a str>,
    /// Each number's first (its activity's).
    firsts: Vec<usize>,
    /// At an activity's first number, the detail texts its numbers tell apart.
    texts: Vec<Vec<&'a str>>,
    /// The same texts folded ([`mqlcal_scorecard::folded`]), as each detail is compared.
    folded_texts: Vec<Vec<String>>,
    /// Each number: some feature counts its events.
    counting: Vec<bool>,
}

impl<'a> ActivityNumbers<'a> {
    /// Each number's activity, by number.
    pub(crate) fn names(&self) -> &[&'a str] {
        &self.names
    }

    /// The first number of `activity`, None when it is not counted.
    pub(crate) fn number(&self, activity: &str) -> Option<usize> {
        self.numbers.get(activity).copied()
    }

    /// The number of an event of the activity numbered from `first` with `detail`; None
    /// when no feature counts an event of that detail.
    #[inline]
    pub(crate) fn counted(&self, first: usize, detail: Option<&str>) -> Option<usize> {
        let texts = &self.folded_texts[first];
        if texts.is_empty() {
            return Some(first);
        }
        // The detail folded once for every text (`detail_holds_text`, done once an event).
        let held = detail.map(mqlcal_scorecard::folded).map_or(0, |d| texts.iter().enumerate().fold(0, |held, (k, text)| held | (usize::from(d.contains(text.as_str())) << k)));
        let number = first + held;
        self.counting[number].then_some(number)
    }

    /// The activity numbered `number`.
    pub(crate) fn name(&self, number: usize) -> &'a str {
        self.names[number]
    }

    /// The first number of the activity numbered `number`: one per activity.
    pub(crate) fn first(&self, number: usize) -> usize {
        self.firsts[number]
    }

    /// Every activity with its first number, in number order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'a str, usize)> + '_ {
        self.names.iter().enumerate().filter(|&(number, _)| self.firsts[number] == number).map(|(number, &name)| (name, number))
    }

    /// Whether some activity is told apart by its detail.
    fn any_filtered(&self) -> bool {
        self.texts.iter().any(|texts| !texts.is_empty())
    }
}

/// Which of the counted activities' events were read: by number, and, by an activity's
/// first number, those of a detail no signal counts (an activity filtered by its detail
/// has events though none counts).
pub(crate) struct ActivitiesSeen {
    counted: Vec<bool>,
    other_detail: Vec<bool>,
    /// By first number, the activity's events read, of any detail (with a filter only).
    events: Vec<usize>,
    /// Some activity is filtered by its detail (else an uncounted event is of no counted activity).
    filtered: bool,
}

impl ActivitiesSeen {
    pub(crate) fn new(numbers: &ActivityNumbers<'_>) -> ActivitiesSeen {
        let n = numbers.names.len();
        ActivitiesSeen { counted: vec![false; n], other_detail: vec![false; n], events: vec![0; n], filtered: numbers.any_filtered() }
    }

    /// An event read: its number, or its activity when it counts for none.
    #[inline]
    pub(crate) fn see(&mut self, numbers: &ActivityNumbers<'_>, counted: Option<usize>, activity: Option<&str>) {
        match counted {
            Some(number) => {
                self.counted[number] = true;
                // Counted for the filters' warning alone (`texts_never_held`).
                if self.filtered {
                    self.events[numbers.firsts[number]] += 1;
                }
            }
            None if self.filtered => {
                if let Some(first) = activity.and_then(|a| numbers.number(a)) {
                    self.other_detail[first] = true;
                    self.events[first] += 1;
                }
            }
            None => {}
        }
    }

    /// Whether an event of the activity numbered from `first` was read, of any detail.
    fn occurs(&self, numbers: &ActivityNumbers<'_>, first: usize) -> bool {
        self.other_detail[first] || (first..first + (1 << numbers.texts[first].len())).any(|number| self.counted[number])
    }

    /// The counted activities no event has.
    pub(crate) fn missing<'a>(&self, numbers: &ActivityNumbers<'a>) -> Vec<&'a str> {
        numbers.iter().filter(|&(_, first)| !self.occurs(numbers, first)).map(|(activity, _)| activity).collect()
    }

    /// Of the activities at least `min_events` events have, each detail text no event's
    /// detail held: (activity, text).
    pub(crate) fn texts_never_held<'a>(&self, numbers: &ActivityNumbers<'a>, min_events: usize) -> Vec<(&'a str, &'a str)> {
        let mut never = Vec::new();
        for (activity, first) in numbers.iter().filter(|&(_, first)| self.occurs(numbers, first) && self.events[first] >= min_events) {
            let texts = &numbers.texts[first];
            for (k, text) in texts.iter().enumerate() {
                if !(first..first + (1 << texts.len())).any(|number| (number - first) & (1 << k) != 0 && self.counted[number]) {
                    never.push((activity, *text));
                }
            }
        }
        never
    }
}

/// The events' detail column, read when some rule filters on it.
pub(crate) fn detail_column<'a, 'r>(detail: Option<&'a str>, mut rules: impl Iterator<Item = &'r mqlcal_scorecard::EventsRule>) -> Option<&'a str> {
    detail.filter(|_| rules.any(mqlcal_scorecard::EventsRule::filters_detail))
}

/// The activities some feature counts, numbered as the events reader reports them
/// (`Event::counted`), and for each number what counts it, in the order given:
/// `(activity, the detail texts it is filtered by, what counts it)`.
pub(crate) fn number_activities<'a, T: Clone>(counting: impl IntoIterator<Item = (&'a str, &'a [String], T)>) -> (ActivityNumbers<'a>, Vec<Vec<T>>) {
    // Each activity in order of first mention, with its texts and its counters.
    let mut order: Vec<(&'a str, Vec<&'a str>, Vec<(&'a [String], T)>)> = Vec::new();
    for (activity, detail_contains, counter) in counting {
        let k = match order.iter().position(|(a, ..)| *a == activity) {
            Some(k) => k,
            None => {
                order.push((activity, Vec::new(), Vec::new()));
                order.len() - 1
            }
        };
        let (_, texts, counters) = &mut order[k];
        for text in detail_contains {
            if !texts.iter().any(|t| mqlcal_scorecard::same_detail_text(t, text)) {
                texts.push(text.as_str());
            }
        }
        counters.push((detail_contains, counter));
    }
    let (mut activities, mut counted_by) = (ActivityNumbers::default(), Vec::<Vec<T>>::new());
    for (activity, texts, counters) in order {
        let first = activities.names.len();
        activities.numbers.insert(activity, first);
        for held in 0..1usize << texts.len() {
            // Counted by what filters on no text, or on one this detail holds.
            let holds = |filter: &[String]| filter.is_empty() || texts.iter().enumerate().any(|(k, text)| held & (1 << k) != 0 && filter.iter().any(|t| mqlcal_scorecard::same_detail_text(t, text)));
            let by: Vec<T> = counters.iter().filter(|(filter, _)| holds(filter)).map(|(_, counter)| counter.clone()).collect();
            activities.names.push(activity);
            activities.firsts.push(first);
            activities.texts.push(if held == 0 { texts.clone() } else { Vec::new() });
            activities.folded_texts.push(match held {
                0 => texts.iter().map(|text| mqlcal_scorecard::folded(text).into_owned()).collect(),
                _ => Vec::new(),
            });
            activities.counting.push(!by.is_empty());
            counted_by.push(by);
        }
    }
    (activities, counted_by)
}

/// One zero per lead, each page written now: the events that follow add to the leads'
/// sums in any order, and a page whose first touch is a read maps the shared zero page,
/// which its first write must then replace with a flush of the address on every core
/// (an interrupt to the cores reading events, once per page). On huge pages where the
/// system gives them: in an export in time order the sums are read at random.
pub(crate) fn lead_sums(leads: usize) -> Vec<f64> {
    crate::random_reads::filled(leads, 0.0)
}

/// Lead ids to their rows, built once and shared by every core reading events.
pub(crate) struct LeadIndex<'a> {
    ids: &'a [String],
    rows: IdRows,
    /// The ids' width when they are whole numbers padded with zeros, found at the first
    /// id that matches none as written (`id_forms::padded_width`).
    padded_width: std::sync::OnceLock<Option<usize>>,
    /// `[columns] events_also_key`: tried for an id no lead's own matches.
    also: Option<AlsoKeys>,
}

/// `[columns] events_also_key`: the other ids the events may name a lead by, each with its
/// lead. A value two leads hold (two leads converted into one contact) finds neither.
pub(crate) struct AlsoKeys {
    /// The distinct values, as first written.
    values: Vec<String>,
    /// Each value's lead row; [`SHARED`] when two leads hold it.
    leads: Vec<u32>,
    rows: IdRows,
    padded_width: std::sync::OnceLock<Option<usize>>,
}

/// [`AlsoKeys::leads`] of a value two leads hold.
const SHARED: u32 = u32::MAX;

/// What building [`AlsoKeys`] found, for the caller's warnings.
#[derive(Debug, Default)]
pub(crate) struct AlsoKeysBuilt {
    /// Values (pieces of a cell, each counted) that are another lead's own key: that lead's
    /// events (value, row holding it).
    pub shadowed: usize,
    pub shadowed_example: Option<(String, usize)>,
    /// Values two leads hold: their events count for neither (value, first row, second row).
    pub shared: usize,
    pub shared_example: Option<(String, usize, usize)>,
}

impl AlsoKeysBuilt {
    /// Warnings for values of `[columns] events_also_key` (`columns`, named) that find no
    /// lead of their own: a lead's own key (its events are that lead's), or a value two
    /// leads hold; the leads named by `names`, what the events name them by.
    pub(crate) fn warnings(&self, columns: &str, names: &[String]) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some((value, row)) = &self.shadowed_example {
            warnings.push(format!(
                "[columns] events_also_key (column {columns}): {} values leads hold there are other leads' own keys, e.g. lead {:?} holds {value:?}: events naming such a value count for the lead whose key it is",
                self.shadowed, names[*row]
            ));
        }
        if let Some((value, first, second)) = &self.shared_example {
            warnings.push(format!(
                "[columns] events_also_key (column {columns}): {} values are held by more than one lead, e.g. {value:?} by leads {:?} and {:?} (two leads converted into one contact, or one old record's id listed under two leads): the events naming them could be either's, and count for neither",
                self.shared, names[*first], names[*second]
            ));
        }
        warnings
    }
}

impl AlsoKeys {
    /// The other ids of `columns` (each a column's cell per lead, blank "", several ids
    /// between `separator`s), matched as `id_case` says; a value that is some lead's own id
    /// in `index` is left to that lead, and a lead whose own key is blank (no `events_key`
    /// value) has no events, as the SQL reads it. Leads the events name alike (a scored
    /// batch listing one lead twice) are one holder: the row their key finds. None when
    /// there are more values than 32 bits can number.
    pub(crate) fn new(index: &LeadIndex<'_>, columns: &[&[String]], separator: Option<&str>, id_case: IdCase) -> Option<(AlsoKeys, AlsoKeysBuilt)> {
        let mut built = AlsoKeysBuilt::default();
        let mut first: PlHashMap<String, u32> = PlHashMap::default();
        let (mut values, mut leads): (Vec<String>, Vec<u32>) = (Vec::new(), Vec::new());
        for column in columns {
            for (written, cell) in column.iter().enumerate().filter(|(row, cell)| !cell.is_empty() && !index.ids[*row].is_empty()) {
                let row = index.find(&index.ids[written]).unwrap_or(written);
                for value in mqlcal_config::also_key_values(cell, separator) {
                    match index.find(value) {
                        Some(own) if own == row => continue,
                        Some(_) => {
                            built.shadowed += 1;
                            built.shadowed_example.get_or_insert((value.to_string(), row));
                            continue;
                        }
                        None => {}
                    }
                    let key = id_case.key(value);
                    match first.get(key.as_ref()) {
                        None => {
                            first.insert(key.into_owned(), u32::try_from(values.len()).ok()?);
                            values.push(value.to_string());
                            leads.push(row as u32);
                        }
                        Some(&at) => {
                            let lead = &mut leads[at as usize];
                            if *lead != SHARED && *lead as usize != row {
                                built.shared += 1;
                                built.shared_example.get_or_insert((value.to_string(), *lead as usize, row));
                                *lead = SHARED;
                            }
                        }
                    }
                }
            }
        }
        let rows = IdRows::new(&values, id_case)?;
        Some((AlsoKeys { values, leads, rows, padded_width: Default::default() }, built))
    }

    /// The lead a value names: Some(None) when two leads hold it, None when none does.
    fn find(&self, id: &str) -> Option<Option<usize>> {
        let (at, _) = self.rows.find_either_form(&self.values, &self.padded_width, id)?;
        Some((self.leads[at] != SHARED).then_some(self.leads[at] as usize))
    }
}

/// Each lead's row by its id's hash, the ids themselves kept elsewhere (a [`LeadIndex`]
/// pairs them): it can be built where the ids are made, before they settle where they
/// are read from. A row and its id's first bytes, 24 bytes each (48 MB of slots for a
/// million leads), where (id, row) pairs took 30 MB and twice the time to build.
pub(crate) struct IdRows {
    /// Each id's row (an id given twice: its last).
    rows: IdSlots,
    hasher: PlRandomState,
    /// No id twice: then the lead after the last one found can be tried by its id alone.
    unique: bool,
    leads: usize,
    /// Ids that differ only in case are one (`[input] id_case`): hashed and compared so.
    id_case: IdCase,
}

/// Ids up to this long are folded to lower case on the stack to be hashed.
const FOLDED_ON_STACK: usize = 64;

impl IdRows {
    /// None when there are more leads than a row number of 32 bits can tell apart.
    pub(crate) fn new(ids: &[String], id_case: IdCase) -> Option<IdRows> {
        u32::try_from(ids.len()).ok()?;
        let hasher = PlRandomState::default();
        let mut rows = IdSlots::with_leads(ids.len());
        let mut unique = true;
        for (row, id) in (0u32..).zip(ids) {
            matched_key(id_case, id, |key| {
                let laid_out = Slot::new(row, key.as_bytes());
                match rows.entry(hasher.hash_one(key), |slot: &Slot| slot.holds(&laid_out, |at| id_case.same(&ids[at], id))) {
                    // An id given twice is found at its last row.
                    Entry::Occupied(given) => {
                        given.row = row;
                        unique = false;
                    }
                    Entry::Vacant(new) => *new = laid_out,
                }
            });
        }
        Some(IdRows { rows, hasher, unique, leads: ids.len(), id_case })
    }

    /// No id given twice.
    pub(crate) fn unique(&self) -> bool {
        self.unique
    }

    /// The rows `names` (the ids these rows were built from) name alike, blanks aside: each
    /// such name's last row (the one it finds) with its earlier rows, in order. Empty when
    /// no name is given twice.
    pub(crate) fn alike(&self, names: &[String]) -> std::collections::HashMap<usize, Vec<usize>> {
        let mut alike: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        if self.unique {
            return alike;
        }
        for (row, name) in names.iter().enumerate().filter(|(_, name)| !name.is_empty()) {
            if let Some(last) = self.find_among(names, name).filter(|&last| last != row) {
                alike.entry(last).or_default().push(row);
            }
        }
        alike
    }

    /// Ask for the memory where `id` is looked for ([`IdSlots::prefetch`]): a hint that
    /// changes nothing found.
    #[inline]
    fn prefetch(&self, id: &str) {
        matched_key(self.id_case, id, |key| self.rows.prefetch(self.hasher.hash_one(key)));
    }

    /// The position in `ids` (those these rows were built from) of `id`.
    fn find_among(&self, ids: &[String], id: &str) -> Option<usize> {
        matched_key(self.id_case, id, |key| {
            let laid_out = Slot::new(0, key.as_bytes());
            self.rows.find(self.hasher.hash_one(key), |slot| slot.holds(&laid_out, |at| self.id_case.same(&ids[at], id))).map(|slot| slot.row as usize)
        })
    }

    /// The position in `ids` of `id`, or else of another form of it (then `true`): one
    /// record as two exports write its id ([`crate::id_forms::other_forms`]). `padded_width`
    /// holds the ids' width as numbers padded with zeros, found at the first such miss.
    fn find_either_form(&self, ids: &[String], padded_width: &std::sync::OnceLock<Option<usize>>, id: &str) -> Option<(usize, bool)> {
        if let Some(at) = self.find_among(ids, id) {
            return Some((at, false));
        }
        let padded_width = *padded_width.get_or_init(|| crate::id_forms::padded_width(ids.iter().map(String::as_str)));
        crate::id_forms::one_match(id, padded_width, |other| self.find_among(ids, other)).map(|at| (at, true))
    }

    /// The error for leads too many to number ([`IdRows::new`] gave None).
    pub(crate) fn too_many(leads: usize, path: &Path) -> DataError {
        DataError::file(path, format!("cannot find {leads} leads by their ids: at most {} leads can be scored or fitted at once; split the leads file", u32::MAX))
    }
}

impl<'a> LeadIndex<'a> {
    /// None when there are more leads than a row number of 32 bits can tell apart.
    pub(crate) fn new(ids: &'a [String], id_case: IdCase) -> Option<LeadIndex<'a>> {
        IdRows::new(ids, id_case).map(|rows| LeadIndex { ids, rows, padded_width: Default::default(), also: None })
    }

    /// The index of `ids` from their rows, built by [`IdRows::new`] from these same ids.
    pub(crate) fn of(ids: &'a [String], rows: IdRows) -> LeadIndex<'a> {
        debug_assert_eq!(rows.leads, ids.len(), "rows built from other ids");
        LeadIndex { ids, rows, padded_width: Default::default(), also: None }
    }

    /// This index, also finding leads by their other ids (`[columns] events_also_key`,
    /// ingest's and the scorer's alike): `columns`, named `names`, each a cell per lead
    /// ([`AlsoKeys::new`]); what building them found is said in `warnings`.
    pub(crate) fn with_also_keys(
        self,
        names: &[&str],
        columns: &[&[String]],
        separator: Option<&str>,
        id_case: IdCase,
        path: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<LeadIndex<'a>, crate::DataError> {
        let (also, built) = AlsoKeys::new(&self, columns, separator, id_case).ok_or_else(|| IdRows::too_many(columns.iter().map(|c| c.len()).sum(), path))?;
        let quoted: Vec<String> = names.iter().map(|name| format!("{name:?}")).collect();
        warnings.extend(built.warnings(&quoted.join(", "), self.ids));
        Ok(self.with_also(also))
    }

    /// This index, also finding leads by the values of `[columns] events_also_key`.
    pub(crate) fn with_also(mut self, also: AlsoKeys) -> LeadIndex<'a> {
        self.also = Some(also);
        self
    }

    /// The row of the lead with id `id` (the last, for an id given twice).
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        self.rows.find_among(self.ids, id)
    }

    /// The row of the lead with id `id`, or else with another form of it: one record as
    /// two exports write its id ([`crate::id_forms::other_forms`]); or else the lead that
    /// holds it in `[columns] events_also_key`.
    pub(crate) fn find_either_form(&self, id: &str) -> Option<(usize, FoundBy)> {
        match self.rows.find_either_form(self.ids, &self.padded_width, id) {
            Some((row, other)) => Some((row, if other { FoundBy::OtherForm } else { FoundBy::Id })),
            None => self.also.as_ref()?.find(id).flatten().map(|row| (row, FoundBy::AlsoKey)),
        }
    }

    /// `id` is a value of `[columns] events_also_key` that two leads hold (and no lead's id).
    pub(crate) fn shared_also_key(&self, id: &str) -> bool {
        self.also.as_ref().is_some_and(|also| also.find(id) == Some(None))
    }
}

/// `with` given `id` as `id_case` matches it: as written, or its ASCII letters in lower
/// case (folded on the stack when it is short, as ids are).
#[inline]
fn matched_key<T>(id_case: IdCase, id: &str, with: impl FnOnce(&str) -> T) -> T {
    match id_case {
        IdCase::Exact => with(id),
        IdCase::Ignore if id.len() <= FOLDED_ON_STACK => {
            let mut folded = [0u8; FOLDED_ON_STACK];
            let folded = &mut folded[..id.len()];
            folded.copy_from_slice(id.as_bytes());
            folded.make_ascii_lowercase();
            // ASCII letters folded: still the same UTF-8 as `IdCase::key` gives.
            with(std::str::from_utf8(folded).unwrap_or(id))
        }
        IdCase::Ignore => with(id_case.key(id).as_ref()),
    }
}

/// The index of `ids` (from `built`, when their rows were found already) and `columns`
/// zeroed sums, one per lead each, for the events of `path`. The ids are indexed on one
/// core while the other lays out the sums (a page fault a page for a million leads'
/// sums). An error when there are more leads than [`LeadIndex`] can number.
pub(crate) fn index_and_sums<'a>(ids: &'a [String], id_case: IdCase, built: Option<IdRows>, columns: usize, path: &Path) -> Result<(LeadIndex<'a>, Vec<Vec<f64>>), DataError> {
    let sums = || (0..columns).map(|_| lead_sums(ids.len())).collect();
    let (index, sums) = match built {
        Some(rows) => (Some(LeadIndex::of(ids, rows)), sums()),
        None => rayon::join(|| LeadIndex::new(ids, id_case), sums),
    };
    Ok((index.ok_or_else(|| IdRows::too_many(ids.len(), path))?, sums))
}

/// Looks lead ids up in a [`LeadIndex`]. Exports list a lead's events together more
/// often than not, and often in the leads file's order: the last id asked for is
/// remembered, and a new id is first compared with the next lead's, so most events
/// cost no lookup in a table of a million ids. (The quality report finds a lead file's
/// rows in the table built from it the same way.)
pub(crate) struct LeadLookup<'k> {
    index: &'k LeadIndex<'k>,
    last_id: String,
    last_row: Option<Option<usize>>,
    /// How the last lead was found.
    last_found_by: FoundBy,
    /// The row after the last lead found.
    next: usize,
    /// New ids in a row that were not the next lead's: an export in time order (most
    /// are) rarely names the next lead, and comparing with it reads that lead's id (two
    /// cache misses an event), so past [`NEXT_ROW_PATIENCE`] it is not tried until a
    /// lookup finds the next lead again.
    next_misses: u8,
    /// Activities already looked up and what they were found to be, by `activity_slot`:
    /// a file has few activities, each on a great many events.
    activities_seen: Vec<Option<(String, Option<usize>)>>,
}

/// New ids in a row not the next lead's before [`LeadLookup::row`] stops trying it.
const NEXT_ROW_PATIENCE: u8 = 8;

/// Slots of `LeadLookup::activities_seen`.
const ACTIVITY_SLOTS: usize = 64;

/// An activity's slot among ACTIVITY_SLOTS, from its length and its first and last bytes.
fn activity_slot(activity: &str) -> usize {
    let bytes = activity.as_bytes();
    let (first, last) = (bytes.first().copied().unwrap_or(0) as usize, bytes.last().copied().unwrap_or(0) as usize);
    (bytes.len() ^ (first << 1) ^ (last << 3)) % ACTIVITY_SLOTS
}

impl<'k> LeadLookup<'k> {
    pub(crate) fn new(index: &'k LeadIndex<'k>) -> LeadLookup<'k> {
        LeadLookup { index, last_id: String::new(), last_row: None, last_found_by: FoundBy::Id, next: 0, next_misses: 0, activities_seen: vec![None; ACTIVITY_SLOTS] }
    }

    /// The first number of a counted activity among `activities`; None when it is not counted.
    fn activity(&mut self, activities: &ActivityNumbers<'_>, activity: &str) -> Option<usize> {
        let slot = &mut self.activities_seen[activity_slot(activity)];
        match slot {
            Some((seen, number)) if same_text(seen, activity) => *number,
            _ => {
                let number = activities.number(activity);
                *slot = Some((activity.to_string(), number));
                number
            }
        }
    }

    /// The row of lead `id` (the last, for an id given twice), None when no lead has it.
    pub(crate) fn row(&mut self, id: &str) -> Option<usize> {
        match self.last_row {
            Some(row) if same_text(&self.last_id, id) => row,
            _ => {
                let try_next = self.tries_next();
                let next_matches = try_next && self.index.ids.get(self.next).is_some_and(|next| same_text(next, id));
                let found = if next_matches { Some((self.next, FoundBy::Id)) } else { self.index.find_either_form(id) };
                // The next lead was (or would have been) the one: try it again from now on.
                match found {
                    Some((row, FoundBy::Id)) if row == self.next => self.next_misses = 0,
                    _ if try_next => self.next_misses += 1,
                    _ => {}
                }
                self.last_found_by = found.map_or(FoundBy::Id, |(_, by)| by);
                let row = found.map(|(row, _)| row);
                if let Some(found) = row {
                    self.next = found + 1;
                }
                self.last_id.clear();
                self.last_id.push_str(id);
                self.last_row = Some(row);
                row
            }
        }
    }

    /// A new id is compared with the next lead's first ([`LeadLookup::row`]), as in an
    /// export grouped by lead, where that finds it without the table.
    #[inline]
    fn tries_next(&self) -> bool {
        self.index.rows.unique && self.next_misses < NEXT_ROW_PATIENCE
    }

    /// The lead of `id` and how it was found.
    fn lead(&mut self, id: Option<&str>) -> (Option<usize>, FoundBy) {
        let lead = id.and_then(|id| self.row(id));
        (lead, if lead.is_some() { self.last_found_by } else { FoundBy::Id })
    }

    /// The number of the counted activity `activity` of `detail`; None when not counted.
    fn counted(&mut self, keys: &EventKeys<'_>, activity: Option<&str>, detail: Option<&str>) -> Option<usize> {
        activity.and_then(|a| self.activity(keys.activities, a)).and_then(|first| keys.activities.counted(first, detail))
    }

    /// An event of these cleaned cells, its lead and activity looked up.
    fn event<'c>(&mut self, keys: &EventKeys<'_>, lead_id: Option<&'c str>, occurred_at: Option<i64>, activity: Option<&'c str>, detail: Option<&str>) -> Event<'c> {
        let (lead, found_by) = self.lead(lead_id);
        let counted = self.counted(keys, activity, detail);
        Event { lead_id, occurred_at, activity, lead, found_by, counted, later: None }
    }
}

/// `a == b` for texts as short as lead ids, without a call to memcmp: 8 to 16 bytes
/// are two words compared (the first eight and the last eight).
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let words = |text: &[u8]| Some((u64::from_ne_bytes(*text.first_chunk::<8>()?), u64::from_ne_bytes(*text.last_chunk::<8>()?)));
    match (words(a), words(b)) {
        (Some(a_words), Some(b_words)) if a.len() <= 16 => a_words == b_words,
        _ => a == b,
    }
}

/// A row read while the date layout is undecided: (row, id, time, activity, detail).
type HeldRow = (usize, Option<String>, Option<String>, Option<String>, Option<String>);

/// Rows kept back before the date layout is decided (an ISO date decides at once;
/// day-first vs month-first waits for a day above 12, as reading the whole column would).
const LAYOUT_SAMPLE_ROWS: usize = 10_000;

/// What reading an events file found: its data rows and how its times were written.
pub(crate) struct EventsRead {
    pub rows: usize,
    pub layout: DateLayout,
    /// The times say they are UTC where the layout does not (`cells::Dates::marked_utc`).
    pub marked_utc: bool,
    /// A CSV's report footer below the rows, not read; said by the caller, which may have
    /// read several files (a workbook's is said as it is read).
    pub footer: Option<ReportFooter>,
}

/// Call `take` for every event of `path`, its time read by `dates`.
pub(crate) fn for_each_event(
    path: &Path,
    csv: &CsvOptions,
    columns: &EventColumnNames,
    dates: &DateRule<'_>,
    keys: &EventKeys<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<EventsRead, DataError> {
    let needed = needed_columns(columns);
    // A Parquet file or a workbook is read whole, as a table; a CSV streams.
    match read::input_kind(path)? {
        read::Source::Parquet | read::Source::Workbook => {
            let table = read::read_table(path, csv, Some(&needed), notes)?;
            let ids = cells::text(&table, columns.lead_id)?;
            let activities = cells::text(&table, columns.activity)?;
            let details = columns.detail.map(|detail| cells::text(&table, detail)).transpose()?;
            let times = cells::timestamps(&table, columns.occurred_at, dates, &csv.missing)?;
            let mut lookup = LeadLookup::new(keys.leads);
            // No detail column read: a detail for every row, each None.
            let mut details = details.iter().flat_map(|details| details.iter()).map(Some).chain(std::iter::repeat(None));
            for ((id, activity), time) in ids.iter().zip(activities.iter()).zip(times.values) {
                let detail = details.next().flatten().and_then(|detail| clean(detail, &csv.missing));
                take(lookup.event(keys, clean(id, &csv.missing), time, clean(activity, &csv.missing), detail));
            }
            Ok(EventsRead { rows: table.height(), layout: times.layout, marked_utc: times.marked_utc, footer: None })
        }
        read::Source::Csv { .. } => stream_csv(path, csv, columns, dates, keys, notes, take, PIECE_BYTES),
    }
}

/// [`for_each_event`] over several files read as one, in order (an export split by month):
/// the first that holds events decides how times are written (with `format` "auto"), the
/// others are read so, as the model file records one way for them all. A file with no
/// event (a month exported with its header alone) is said, unless none has any; a
/// pattern that matched no file is named. Their report footers are said together.
#[allow(clippy::too_many_arguments)]
pub(crate) fn for_each_event_in(
    paths: &[std::path::PathBuf],
    csv: &CsvOptions,
    columns: &EventColumnNames,
    format: &mqlcal_config::DateFormat,
    rule: for<'f> fn(&'f mqlcal_config::DateFormat) -> DateRule<'f>,
    zone: Option<&mqlcal_scorecard::TimeZone>,
    keys: &EventKeys<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<EventsRead, DataError> {
    let mut format = format.clone();
    let (mut read, mut without_events): (Option<EventsRead>, Vec<&std::path::PathBuf>) = (None, Vec::new());
    let mut footers: Vec<(&Path, ReportFooter, usize)> = Vec::new();
    for path in paths {
        if mqlcal_config::is_files_pattern(path) {
            return Err(DataError::file(path, "matches no file (a pattern of events files)"));
        }
        match for_each_event(path, csv, columns, &rule(&format).on(zone), keys, notes, take) {
            Ok(mut file) => {
                if let Some(footer) = file.footer.take() {
                    footers.push((path, footer, file.rows));
                }
                match &mut read {
                    Some(read) => read.rows += file.rows,
                    None => {
                        format = mqlcal_config::DateFormat::Fixed(file.layout.clone());
                        read = Some(file);
                    }
                }
            }
            Err(DataError::Empty { .. }) if paths.len() > 1 => without_events.push(path),
            Err(e) => return Err(e),
        }
    }
    let read = read.ok_or_else(|| DataError::Empty { path: paths.first().cloned().unwrap_or_default() })?;
    let footers: Vec<(&Path, &ReportFooter, usize)> = footers.iter().map(|(path, footer, rows)| (*path, footer, *rows)).collect();
    notes.warnings.extend(crate::report_footer::warnings_of_files(&footers, paths.len(), "events files"));
    if !without_events.is_empty() {
        let named: Vec<String> = without_events.iter().take(3).map(|p| p.display().to_string()).collect();
        let more = if without_events.len() > 3 { format!(" and {} more", without_events.len() - 3) } else { String::new() };
        notes.warnings.push(format!("{} of the {} events files hold no event (a header alone, or nothing): {}{more}", without_events.len(), paths.len(), named.join(", ")));
    }
    Ok(read)
}

fn needed_columns(columns: &EventColumnNames) -> Vec<(String, String)> {
    let mut needed = vec![
        (columns.lead_id.to_string(), "the lead id of each event ([events] lead_id)".to_string()),
        (columns.occurred_at.to_string(), "the time of each event ([events] occurred_at)".to_string()),
        (columns.activity.to_string(), "the activity of each event ([events] activity)".to_string()),
    ];
    if let Some(detail) = columns.detail {
        needed.push((detail.to_string(), "what each event was about, which detail_contains filters on ([events] detail)".to_string()));
    }
    needed
}

/// Bytes per piece of an events CSV handed to a core (cut where a record ends).
const PIECE_BYTES: usize = 1 << 20;

/// Pieces read ahead of the one being handed on, per core: with two, the cores that
/// parse stood idle a quarter of the events' time (a slow piece holds up the hand-on,
/// in file order). Four cost 16 MiB more than two at a million leads; eight cost 40 MiB
/// and were within noise of four (paired, 0.89-1.08).
const PIECES_AHEAD_PER_CORE: usize = 4;

/// How one record becomes an event's cells, and how a record's problem is told: one
/// rule for the rows read in order and for the pieces read on the other cores.
struct RecordRule<'a> {
    path: &'a Path,
    columns: &'a EventColumnNames<'a>,
    delimiter: u8,
    /// The header's number of fields: every record must have as many.
    fields: usize,
    /// Where the lead id, the time, the activity and the detail (read only when a signal
    /// filters on it: `columns.detail` is then named) are in a record.
    at: [usize; 4],
    encoding: Encoding,
    missing: MissingMarkers<'a>,
    dates: &'a DateRule<'a>,
    keys: &'a EventKeys<'a>,
}

/// Where a record is: its data row (1-based, header excluded) and the line it starts on.
#[derive(Debug, Clone, Copy)]
struct At {
    row: usize,
    line: u64,
}

/// The line breaks in `text` before `byte`, and, with `to_record`, those of the line ends
/// from `byte` on too: `byte` is where csv-core placed a record, which is the line end
/// before it when blank lines, or a CRLF's LF, lie between the last record and this one
/// (csv-core also counts that record's line from there: rust-csv issues 208 and 395,
/// which put a record of a CRLF file on the line above).
fn line_breaks_before(text: impl std::io::Read, byte: u64, to_record: bool) -> std::io::Result<u64> {
    let mut text = BufReader::new(text);
    let (mut breaks, mut at) = (0u64, 0u64);
    loop {
        let bytes = text.fill_buf()?;
        if bytes.is_empty() {
            return Ok(breaks);
        }
        for &b in bytes {
            if at >= byte && !(to_record && is_line_end(b)) {
                return Ok(breaks);
            }
            breaks += u64::from(b == b'\n');
            at += 1;
        }
        let used = bytes.len();
        text.consume(used);
    }
}

/// Why a record cannot be read, before it is placed at its row and line.
#[derive(Debug, Clone)]
enum Problem {
    /// `text`: the record as a message quotes it.
    Ragged { fields: usize, text: String },
    NotUtf8 { cell: usize, byte: u8 },
    NotADate { message: String },
    Unreadable { message: String },
}

impl RecordRule<'_> {
    /// The record's lead id, time and activity: decoded, trimmed, None when blank or a
    /// missing marker; and whether a cell was read as Latin-1 for want of UTF-8.
    fn cells<'r>(&self, record: &'r csv::ByteRecord, scratch: &'r mut [String; 4]) -> Result<([Option<&'r str>; 4], bool), Problem> {
        if record.len() != self.fields {
            let text: Vec<&[u8]> = record.iter().collect();
            return Err(Problem::Ragged { fields: record.len(), text: crate::csv_lint::snippet(&text.join(&self.delimiter)) });
        }
        let mut latin1 = false;
        let [id, time, activity, detail] = scratch;
        let cells = [
            self.cell(record, 0, id, &mut latin1)?,
            self.cell(record, 1, time, &mut latin1)?,
            self.cell(record, 2, activity, &mut latin1)?,
            if self.columns.detail.is_some() { self.cell(record, 3, detail, &mut latin1)? } else { None },
        ];
        Ok((cells, latin1))
    }

    /// `cells` for a record of text without quotes: its fields lie between its
    /// delimiters, at `delimiters` (offsets into the record, in order).
    #[inline(always)]
    fn plain_cells<'t>(&self, record: &'t str, delimiters: &[usize]) -> Result<[Option<&'t str>; 4], Problem> {
        let fields = delimiters.len() + 1;
        if fields != self.fields {
            return Err(Problem::Ragged { fields, text: crate::csv_lint::snippet(record.as_bytes()) });
        }
        // The delimiter is ASCII: the bytes on either side of one are character boundaries.
        let field = |k: usize| {
            let start = if k == 0 { 0 } else { delimiters[k - 1] + 1 };
            let end = delimiters.get(k).copied().unwrap_or(record.len());
            &record[start..end]
        };
        // Written out, not `self.at.map(..)`: array map is a call per cell, and this runs
        // for three cells of every event.
        let [id, time, activity, detail] = self.at;
        let detail = if self.columns.detail.is_some() { self.missing.clean(field(detail)) } else { None };
        Ok([self.missing.clean(field(id)), self.missing.clean(field(time)), self.missing.clean(field(activity)), detail])
    }

    fn cell<'r>(&self, record: &'r csv::ByteRecord, k: usize, scratch: &'r mut String, latin1: &mut bool) -> Result<Option<&'r str>, Problem> {
        let bytes = record.get(self.at[k]).unwrap_or(b"");
        let as_latin1 = |scratch: &'r mut String| -> &'r str {
            scratch.clear();
            scratch.extend(bytes.iter().map(|&b| b as char));
            scratch.as_str()
        };
        let text = match self.encoding {
            Encoding::Latin1 => as_latin1(scratch),
            Encoding::Utf8 => std::str::from_utf8(bytes).map_err(|e| Problem::NotUtf8 { cell: k, byte: bytes[e.valid_up_to()] })?,
            Encoding::Auto => match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    *latin1 = true;
                    as_latin1(scratch)
                }
            },
        };
        Ok(self.missing.clean(text))
    }

    /// An event's time by `layout`; None when the cell is blank. A time cell that is its
    /// column's name is the header again (two exports pasted one under the other).
    fn time(&self, layout: &DateLayout, text: Option<&str>, last: &mut LastDay) -> Result<Option<i64>, Problem> {
        let zone = self.dates.moved_to(layout);
        text.map(|t| {
            layout.parse_after(t, last).map(|t| zone.map_or(t, |z| z.wall_clock(t))).ok_or_else(|| Problem::NotADate {
                message: if t == self.columns.occurred_at {
                    format!("{t:?} is this column's name: the row repeats the header (two exports pasted one under the other?); delete the line")
                } else {
                    self.dates.cannot_read(t, layout)
                },
            })
        })
        .transpose()
    }

    fn column(&self, k: usize) -> &str {
        [self.columns.lead_id, self.columns.occurred_at, self.columns.activity, self.columns.detail.unwrap_or_default()][k]
    }

    /// The line a record placed by csv-core at `byte` of the file's text starts on (the
    /// file read again up to there: only for a record that stops the reading), or
    /// csv-core's own count where the file cannot be read again.
    fn line_at(&self, byte: u64, csv_core_line: u64) -> u64 {
        open(self.path, 0).ok().and_then(|text| line_breaks_before(text, byte, true).ok()).map_or(csv_core_line, |breaks| breaks + 1)
    }

    /// The line data row `row` starts on (the file read again: only for a row that stops
    /// the reading), records as csv-core reads them (a blank line is none); 0 when the
    /// file cannot be read again.
    fn line_of_row(&self, row: usize) -> u64 {
        open(self.path, 0).ok().and_then(|text| crate::csv_lint::line_of_row(text, row, false, Some(self.delimiter))).map_or(0, |line| line as u64)
    }

    /// The error for the event times' column as a whole (a layout no cell can be read in),
    /// said at the first record, placed as csv-core reads them (a blank line is none).
    fn column_error(&self, message: String) -> DataError {
        let line = Some(self.line_of_row(1) as usize).filter(|&line| line > 0);
        DataError::Cell { line, path: self.path.to_path_buf(), row: 1, column: self.columns.occurred_at.to_string(), message }
    }

    /// A report's footer, if the record `problem` is about (a short one) starts one: the
    /// rows end there.
    fn footer(&self, problem: &Problem, at: At) -> Option<ReportFooter> {
        match problem {
            Problem::Ragged { fields, .. } if *fields < self.fields => crate::report_footer::from_line(self.path, at.line as usize, self.delimiter),
            _ => None,
        }
    }

    fn error(&self, problem: Problem, at: At) -> DataError {
        let path = self.path.to_path_buf();
        match problem {
            Problem::Ragged { fields, text } => DataError::File {
                path,
                message: crate::csv_lint::ragged_message(at.line as usize, fields, self.fields, self.delimiter, &text),
            },
            Problem::NotUtf8 { cell, byte } => DataError::NotUtf8 { path, row: at.row, line: at.line as usize, column: self.column(cell).to_string(), byte },
            Problem::NotADate { message } => DataError::Cell { path, row: at.row, line: (at.line > 0).then_some(at.line as usize), column: self.columns.occurred_at.to_string(), message },
            Problem::Unreadable { message } => {
                DataError::File { path, message: format!("row {} (line {}): {}", at.row, at.line, crate::csv_lint::snippet(message.as_bytes())) }
            }
        }
    }
}

/// What reading has got to, carried from the rows read in order to the pieces and back.
struct Progress {
    rows: usize,
    /// Line breaks before where the current reader started (its record lines count from there).
    lines_before: u64,
    layout: Option<DateLayout>,
    /// Rows kept back while the layout is undecided.
    held: Vec<HeldRow>,
    latin1_warned: bool,
    /// The first time cell read while the layout was undecided.
    first_time: Option<String>,
    /// A report's footer below the rows, once met: reading stopped there.
    footer: Option<ReportFooter>,
}

impl Progress {
    fn warn_latin1(&mut self, path: &Path, row: usize, notes: &mut ReadNotes) {
        if !self.latin1_warned {
            self.latin1_warned = true;
            notes.warnings.push(format!(
                "{}: row {row} (and maybe others) is not valid UTF-8, read as Latin-1 ({})",
                path.display(),
                crate::read::LATIN1_FIX
            ));
        }
    }

    /// Hand on the held rows, their times read by `layout`.
    fn release(&mut self, layout: &DateLayout, rule: &RecordRule<'_>, lookup: &mut LeadLookup<'_>, take: &mut dyn FnMut(Event<'_>)) -> Result<(), DataError> {
        let mut last = LastDay::default();
        for (row, id, time, activity, detail) in self.held.drain(..) {
            let occurred_at = rule.time(layout, time.as_deref(), &mut last).map_err(|p| rule.error(p, At { row, line: rule.line_of_row(row) }))?;
            take(lookup.event(rule.keys, id.as_deref(), occurred_at, activity.as_deref(), detail.as_deref()));
        }
        Ok(())
    }
}

fn open(path: &Path, offset: u64) -> Result<Box<dyn std::io::Read>, DataError> {
    read::open_input(path, offset)
}

/// csv-core's reader as every read of an events file uses it: a record's fields are
/// counted by `RecordRule`, against the header, wherever the reader starts.
fn records<R: std::io::Read>(delimiter: u8, has_headers: bool, input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().delimiter(delimiter).has_headers(has_headers).flexible(true).from_reader(input)
}

#[allow(clippy::too_many_arguments)]
fn stream_csv(
    path: &Path,
    options: &CsvOptions,
    columns: &EventColumnNames,
    dates: &DateRule<'_>,
    keys: &EventKeys<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
    piece_bytes: usize,
) -> Result<EventsRead, DataError> {
    // The whole first line (up to 1 MiB), read apart and handed back: a decoder (gzip,
    // UTF-16) may hand out its first few bytes alone, and a delimiter found in "lead"
    // would be the default ','.
    let mut reader = BufReader::with_capacity(1 << 20, open(path, 0)?);
    let mut first_line = Vec::new();
    (&mut reader).take(1 << 20).read_until(b'\n', &mut first_line).map_err(|e| DataError::io(path, e))?;
    let header_line = first_line.strip_suffix(b"\n").unwrap_or(&first_line);
    crate::csv_lint::check_first_line(path, header_line)?;
    let delimiter = options.delimiter.unwrap_or_else(|| read::detect_delimiter(header_line));
    let mut csv = records(delimiter, true, std::io::Cursor::new(first_line).chain(reader));
    let header = read_header(path, &mut csv, &needed_columns(columns))?;
    let index = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let rule = RecordRule {
        path,
        columns,
        delimiter,
        fields: header.len(),
        at: [index(columns.lead_id), index(columns.occurred_at), index(columns.activity), columns.detail.map_or(0, index)],
        encoding: options.encoding,
        missing: MissingMarkers::new(&options.missing),
        dates,
        keys,
    };
    // Rows read here, not in pieces, are looked up here.
    let mut lookup = LeadLookup::new(keys.leads);
    let mut progress =
        Progress { rows: 0, lines_before: 0, layout: dates.format.fixed().cloned(), held: Vec::new(), latin1_warned: false, first_time: None, footer: None };

    // Rows are read in order until the date layout is known (an ISO column decides within
    // its first 10,000 rows), then the rest in pieces on every core.
    let in_pieces = piece_bytes > 0;
    let decided = match (&progress.layout, in_pieces) {
        (Some(_), true) => true,
        _ => read_in_order(&mut csv, 0, &rule, &mut progress, in_pieces, &mut lookup, notes, take)?,
    };
    if let (true, Some(layout)) = (decided, progress.layout.clone()) {
        let start = csv.position().byte();
        progress.lines_before = line_breaks_before(open(path, 0)?, start, false).map_err(|e| DataError::io(path, e))?;
        if let Some(offset) = read_in_pieces(open(path, start)?, start, &rule, &layout, piece_bytes, &mut progress, notes, take)? {
            // Where no safe cut is known the rest is read in order, as one piece.
            let mut csv = records(delimiter, false, BufReader::with_capacity(1 << 20, open(path, offset)?));
            read_in_order(&mut csv, offset, &rule, &mut progress, false, &mut lookup, notes, take)?;
        }
    }
    let layout = match progress.layout.clone() {
        Some(layout) => layout,
        None => {
            let decided = cells::detect_layout(progress.held.iter().filter_map(|h| h.2.as_deref())).map_err(|message| rule.column_error(message))?;
            let decided = dates.layout_on_clock(decided, progress.first_time.as_deref());
            progress.release(&decided, &rule, &mut lookup, take)?;
            decided
        }
    };
    if progress.rows == 0 {
        return Err(progress.footer.and_then(|footer| footer.rows_missing(path)).unwrap_or_else(|| DataError::Empty { path: path.to_path_buf() }));
    }
    // The first time read while the layout was undecided (none when date_format sets it).
    let marked_utc = layout == DateLayout::Iso && progress.first_time.as_deref().is_some_and(cells::ends_in_utc_z);
    Ok(EventsRead { rows: progress.rows, layout, marked_utc, footer: progress.footer })
}

/// Read records one after another to the end of the file, or, with `stop_once_decided`,
/// until the held rows decide the date layout. True when it stopped there. `csv` reads
/// the file's text from byte `base` on.
#[allow(clippy::too_many_arguments)]
fn read_in_order<R: std::io::Read>(
    csv: &mut csv::Reader<R>,
    base: u64,
    rule: &RecordRule<'_>,
    progress: &mut Progress,
    stop_once_decided: bool,
    lookup: &mut LeadLookup<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<bool, DataError> {
    let mut record = csv::ByteRecord::new();
    let mut scratch: [String; 4] = Default::default();
    let mut last_day = LastDay::default();
    let mut next_layout_check = progress.held.len() + LAYOUT_SAMPLE_ROWS;
    loop {
        let read = csv.read_byte_record(&mut record);
        let (row, lines_before) = (progress.rows + 1, progress.lines_before);
        // Its line is found only for a record that stops the reading.
        let placed = |record: &csv::ByteRecord| {
            let position = record.position();
            At { row, line: rule.line_at(base + position.map_or(0, |p| p.byte()), lines_before + position.map_or(0, |p| p.line())) }
        };
        let at = At { row, line: 0 };
        match read {
            Ok(true) => progress.rows += 1,
            Ok(false) => return Ok(false),
            Err(e) => return Err(rule.error(Problem::Unreadable { message: e.to_string() }, placed(&record))),
        }
        let (cells, latin1) = match rule.cells(&record, &mut scratch) {
            Ok(read) => read,
            Err(problem) => {
                let at = placed(&record);
                match rule.footer(&problem, at) {
                    Some(footer) => {
                        progress.rows -= 1;
                        progress.footer = Some(footer);
                        return Ok(false);
                    }
                    None => return Err(rule.error(problem, at)),
                }
            }
        };
        if latin1 {
            progress.warn_latin1(rule.path, at.row, notes);
        }
        let [id, time, activity, detail] = cells;
        match &progress.layout {
            Some(layout) => {
                let occurred_at = rule.time(layout, time, &mut last_day).map_err(|p| rule.error(p, placed(&record)))?;
                take(lookup.event(rule.keys, id, occurred_at, activity, detail));
            }
            None => {
                if progress.first_time.is_none() {
                    progress.first_time = time.map(str::to_string);
                }
                progress.held.push((at.row, id.map(str::to_string), time.map(str::to_string), activity.map(str::to_string), detail.map(str::to_string)));
                if progress.held.len() >= next_layout_check {
                    next_layout_check += LAYOUT_SAMPLE_ROWS;
                    if let Some(decided) = decisive_layout(rule, &progress.held)? {
                        let decided = rule.dates.layout_on_clock(decided, progress.first_time.as_deref());
                        progress.release(&decided, rule, lookup, take)?;
                        progress.layout = Some(decided);
                        if stop_once_decided {
                            return Ok(true);
                        }
                    }
                }
            }
        }
    }
}

/// How far ahead a piece's events are read of the one whose lead is looked up, and of the
/// one handed on: the id table's memory for an id is asked for as its line is read and
/// read this many lines later; the lead's id and what the caller reads for it are asked
/// for this many events before the event is handed on (`crate::random_reads`). In an export
/// in time order every lookup and every event's sums waited on memory.
const EVENTS_AHEAD: usize = 16;

/// Leads this close to an event's are not given as [`Event::later`].
const NEAR_LEADS: usize = 64;

/// A stretch of `Piece::text`: a cleaned cell, or None when start == end.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// No text kept: the cell is the key it was found by.
    const FOUND: Span = Span { start: 0, end: 0 };
}

/// An event as a core read it, in 32 bytes: the hand-on reads each piece's events from
/// the other core's cache, and at 64 bytes an event it waited on them.
struct PieceEvent {
    occurred_at: Option<i64>,
    /// The row of the lead found ([`IdRows`] numbers rows in 32 bits, below [`NONE`]), and
    /// how: by other than its id as written when its text is kept.
    lead: u32,
    found_by: FoundBy,
    /// The activity's number ([`ActivityNumbers::counted`]); [`NONE`] when not counted.
    counted: u32,
    /// Where `Piece::kept` holds the texts of the lead id and activity cells; [`NONE`]
    /// when neither was kept (most events: a lead found by its id, a counted activity).
    kept: u32,
}

const _: () = assert!(std::mem::size_of::<PieceEvent>() == 32);

/// No lead, activity number or kept texts ([`PieceEvent`]'s fields).
const NONE: u32 = u32::MAX;

impl PieceEvent {
    fn lead(&self) -> Option<usize> {
        (self.lead != NONE).then_some(self.lead as usize)
    }

    fn counted(&self) -> Option<usize> {
        (self.counted != NONE).then_some(self.counted as usize)
    }
}

/// The texts a [`PieceEvent`] kept: its lead id cell and its activity cell.
#[derive(Clone, Copy)]
struct KeptTexts {
    lead_id: Span,
    activity: Span,
}

/// A piece of the file (whole records) and what a core read from it; kept and refilled.
#[derive(Default)]
struct Piece {
    bytes: Vec<u8>,
    text: String,
    events: Vec<PieceEvent>,
    kept: Vec<KeptTexts>,
    rows: usize,
    line_breaks: u64,
    /// The first row (within the piece) read as Latin-1.
    latin1_row: Option<usize>,
    /// The first record that cannot be read (row and line within the piece); reading stops there.
    problem: Option<(At, Problem)>,
    last_day: LastDay,
}

impl Piece {
    fn parse(&mut self, rule: &RecordRule<'_>, layout: &DateLayout) {
        self.text.clear();
        self.events.clear();
        self.kept.clear();
        (self.rows, self.latin1_row, self.problem) = (0, None, None);
        let bytes = std::mem::take(&mut self.bytes);
        // Most pieces are UTF-8 without a double quote: their records are the lines and
        // their fields what lies between delimiters, read from the text as it stands.
        let plain = rule.encoding != Encoding::Latin1 && rule.delimiter.is_ascii() && memchr::memchr(b'"', &bytes).is_none();
        let mut lookup = LeadLookup::new(rule.keys.leads);
        let line_breaks = match std::str::from_utf8(&bytes) {
            Ok(text) if plain => self.parse_lines(text, rule, layout, &mut lookup),
            _ => {
                self.parse_records(&bytes, rule, layout, &mut lookup);
                None
            }
        };
        self.line_breaks = line_breaks.unwrap_or_else(|| memchr::memchr_iter(b'\n', &bytes).count() as u64);
        self.bytes = bytes;
    }

    /// Records as csv-core reads them.
    fn parse_records(&mut self, bytes: &[u8], rule: &RecordRule<'_>, layout: &DateLayout, lookup: &mut LeadLookup<'_>) {
        let mut csv = records(rule.delimiter, false, bytes);
        let mut record = csv::ByteRecord::new();
        let mut scratch: [String; 4] = Default::default();
        // A record's line, found only for one that stops the reading.
        let line_at = |record: &csv::ByteRecord| line_breaks_before(bytes, record.position().map_or(0, |p| p.byte()), true).map_or(0, |breaks| breaks + 1);
        loop {
            let read = csv.read_byte_record(&mut record);
            let at = At { row: self.rows + 1, line: 0 };
            match read {
                Ok(true) => self.rows += 1,
                Ok(false) => return,
                Err(e) => {
                    self.problem = Some((At { line: line_at(&record), ..at }, Problem::Unreadable { message: e.to_string() }));
                    return;
                }
            }
            match self.keep(at, rule.cells(&record, &mut scratch), rule, layout, lookup) {
                Some(id) => self.find_lead(self.events.len() - 1, id, lookup),
                None => {
                    if let Some((at, _)) = &mut self.problem {
                        at.line = line_at(&record);
                    }
                    return;
                }
            }
        }
    }

    /// Records of text without quotes, split as csv-core splits them: a record ends at
    /// its first line-end byte; line ends before a record are skipped (its line is the
    /// one it starts on, where csv-core counts from before them). The delimiters and line ends are found in one pass, which
    /// also counts the text's line breaks: returned when it reached the end, None when a
    /// record stopped it.
    fn parse_lines(&mut self, text: &str, rule: &RecordRule<'_>, layout: &DateLayout, lookup: &mut LeadLookup<'_>) -> Option<u64> {
        let bytes = text.as_bytes();
        let (mut start, mut line) = (0, 1u64);
        let mut delimiters: Vec<usize> = Vec::with_capacity(rule.fields);
        let mut ahead = VecDeque::with_capacity(EVENTS_AHEAD + 1);
        for k in crate::record_bytes::RecordBytes::new(bytes, rule.delimiter) {
            let b = bytes[k];
            if !is_line_end(b) {
                delimiters.push(k - start);
                continue;
            }
            // A line end right where a record would start ends a blank line: skipped.
            let ends_a_record = k > start;
            if ends_a_record {
                self.rows += 1;
                let at = At { row: self.rows, line };
                let Some(id) = self.keep(at, rule.plain_cells(&text[start..k], &delimiters).map(|cells| (cells, false)), rule, layout, lookup) else {
                    self.find_leads_ahead(&mut ahead, 0, lookup);
                    return None;
                };
                self.look_ahead(&mut ahead, id, lookup);
                delimiters.clear();
            }
            if b == b'\n' {
                line += 1;
            }
            start = k + 1;
        }
        if start < bytes.len() {
            self.rows += 1;
            let at = At { row: self.rows, line };
            if let Some(id) = self.keep(at, rule.plain_cells(&text[start..], &delimiters).map(|cells| (cells, false)), rule, layout, lookup) {
                self.look_ahead(&mut ahead, id, lookup);
            }
        }
        self.find_leads_ahead(&mut ahead, 0, lookup);
        Some(line - 1)
    }

    /// Hold the lead lookup of the event just kept (its lead's id `id`) for
    /// [`EVENTS_AHEAD`] events, its memory asked for now, and make the oldest held.
    #[inline(always)]
    fn look_ahead<'c>(&mut self, ahead: &mut VecDeque<(usize, Option<&'c str>)>, id: Option<&'c str>, lookup: &mut LeadLookup<'_>) {
        let event = self.events.len() - 1;
        if lookup.tries_next() {
            // Nothing held: found at once, most likely as the next lead, without the table.
            if ahead.is_empty() {
                return self.find_lead(event, id, lookup);
            }
        } else if let Some(id) = id.filter(|id| !ahead.back().and_then(|&(_, before)| before).is_some_and(|before| same_text(before, id))) {
            // The lead of the event before is found already, or its memory asked for.
            lookup.index.rows.prefetch(id);
        }
        ahead.push_back((event, id));
        self.find_leads_ahead(ahead, EVENTS_AHEAD, lookup);
    }

    /// Make the held lookups, oldest first, until `keep` are left.
    #[inline(always)]
    fn find_leads_ahead(&mut self, ahead: &mut VecDeque<(usize, Option<&str>)>, keep: usize, lookup: &mut LeadLookup<'_>) {
        while ahead.len() > keep {
            if let Some((event, id)) = ahead.pop_front() {
                self.find_lead(event, id, lookup);
            }
        }
    }

    /// Find the lead of kept event `event` (kept by [`Piece::keep`] without it) by its id.
    #[inline(always)]
    fn find_lead(&mut self, event: usize, id: Option<&str>, lookup: &mut LeadLookup<'_>) {
        let (lead, found_by) = lookup.lead(id);
        // A cell that was found is the key it was found by (`hand_on` gives that): only
        // the others' text is kept (an id found another way too, for the note: that is
        // how `hand_on` tells it). Most events copy nothing.
        if lead.is_none() || found_by != FoundBy::Id {
            let lead_id = self.span(id);
            match self.events[event].kept {
                NONE => self.events[event].kept = self.keep_texts(KeptTexts { lead_id, activity: Span::FOUND }),
                at => self.kept[at as usize].lead_id = lead_id,
            }
        }
        let kept = &mut self.events[event];
        // IdRows numbers rows below u32::MAX (NONE).
        (kept.lead, kept.found_by) = (lead.map_or(NONE, |row| row as u32), found_by);
    }

    /// Keep a record's event, its activity looked up: Some(its lead's id), for
    /// [`Piece::find_lead`] to find its lead; None (and the problem kept) when it cannot be read.
    #[inline(always)]
    fn keep<'c>(
        &mut self,
        at: At,
        cells: Result<([Option<&'c str>; 4], bool), Problem>,
        rule: &RecordRule<'_>,
        layout: &DateLayout,
        lookup: &mut LeadLookup<'_>,
    ) -> Option<Option<&'c str>> {
        match cells.and_then(|(cells, latin1)| Ok((rule.time(layout, cells[1], &mut self.last_day)?, cells, latin1))) {
            Ok((occurred_at, [id, _, activity, detail], latin1)) => {
                if latin1 && self.latin1_row.is_none() {
                    self.latin1_row = Some(at.row);
                }
                let counted = lookup.counted(rule.keys, activity, detail);
                let kept = match counted {
                    Some(_) => NONE,
                    None => {
                        let activity = self.span(activity);
                        self.keep_texts(KeptTexts { lead_id: Span::FOUND, activity })
                    }
                };
                // Activities are numbered far below u32::MAX (NONE): at most 2^10 numbers an
                // activity (`MAX_DETAIL_TEXTS_PER_ACTIVITY` detail texts), a few activities a signal.
                let counted = counted.map_or(NONE, |number| number as u32);
                self.events.push(PieceEvent { occurred_at, lead: NONE, found_by: FoundBy::Id, counted, kept });
                Some(id)
            }
            Err(problem) => {
                self.problem = Some((at, problem));
                None
            }
        }
    }

    /// `texts` kept, and where.
    fn keep_texts(&mut self, texts: KeptTexts) -> u32 {
        self.kept.push(texts);
        (self.kept.len() - 1) as u32
    }

    fn span(&mut self, cell: Option<&str>) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(cell.unwrap_or(""));
        Span { start, end: self.text.len() as u32 }
    }

    /// The text `which` of `event`'s kept texts; None when it kept none.
    fn kept_text(&self, event: &PieceEvent, which: impl FnOnce(&KeptTexts) -> Span) -> Option<&str> {
        let span = which(self.kept.get(event.kept as usize)?);
        (span.end > span.start).then(|| &self.text[span.start as usize..span.end as usize])
    }

    /// Hand the piece's events on in order; count its rows and lines; its problem, if any, is the error.
    fn hand_on(&self, rule: &RecordRule<'_>, progress: &mut Progress, notes: &mut ReadNotes, take: &mut dyn FnMut(Event<'_>)) -> Result<(), DataError> {
        let keys = rule.keys;
        for (k, event) in self.events.iter().enumerate() {
            let lead = event.lead();
            let later = self.events.get(k + EVENTS_AHEAD).and_then(|later| Some(Later { lead: later.lead()?, counted: later.counted() }));
            // A lead near this one (an export grouped by lead, in the leads' order) is read
            // where memory is read in order, which the CPU fetches ahead on its own.
            let later = later.filter(|later| lead.is_none_or(|lead| lead.abs_diff(later.lead) > NEAR_LEADS));
            if let Some(later) = later {
                crate::random_reads::prefetch_at(&keys.leads.ids, later.lead);
            }
            take(Event {
                lead_id: match (lead, event.found_by) {
                    (Some(row), FoundBy::Id) => Some(keys.leads.ids[row].as_str()),
                    _ => self.kept_text(event, |kept| kept.lead_id),
                },
                occurred_at: event.occurred_at,
                activity: event.counted().map_or_else(|| self.kept_text(event, |kept| kept.activity), |number| Some(keys.activities.name(number))),
                lead,
                found_by: event.found_by,
                counted: event.counted(),
                later,
            });
        }
        if let Some(row) = self.latin1_row {
            progress.warn_latin1(rule.path, progress.rows + row, notes);
        }
        if let Some((at, problem)) = &self.problem {
            let at = At { row: progress.rows + at.row, line: progress.lines_before + at.line };
            return match rule.footer(problem, at) {
                Some(footer) => {
                    progress.rows = at.row - 1;
                    progress.footer = Some(footer);
                    Ok(())
                }
                None => Err(rule.error(problem.clone(), at)),
            };
        }
        progress.rows += self.rows;
        progress.lines_before += self.line_breaks;
        Ok(())
    }
}

/// Read the file from `file` (at byte `start`, where a record starts) to its end in
/// pieces parsed on every core and handed on in file order. Some(offset) when a piece
/// could not be cut safely: the rest, from that byte, is for reading in order.
#[allow(clippy::too_many_arguments)]
fn read_in_pieces(
    mut file: impl std::io::Read,
    start: u64,
    rule: &RecordRule<'_>,
    layout: &DateLayout,
    piece_bytes: usize,
    progress: &mut Progress,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<Option<u64>, DataError> {
    use std::io::Read;
    use std::sync::mpsc;
    let workers = rayon::current_num_threads().max(1);
    // One queue for every worker: a core that is free takes the next piece. (With a queue
    // per core, piece k to core k % cores, a core that had run through its own pieces
    // stood idle while the other's next one held up the hand-on.) Pieces come back
    // numbered, in any order, and are handed on in file order.
    let (to_workers, jobs) = mpsc::channel::<(usize, Piece)>();
    let jobs = std::sync::Mutex::new(jobs);
    std::thread::scope(|scope| {
        // Moved in, so that it goes when this closure returns: the workers stop when it is
        // gone, and the scope waits for them after that.
        let to_workers = to_workers;
        let (done, from_workers) = mpsc::channel::<(usize, Piece)>();
        for _ in 0..workers {
            let (jobs, done) = (&jobs, done.clone());
            scope.spawn(move || loop {
                // The lock is held only to take a piece (or to wait for one: then no
                // other worker could take one either).
                let job = match jobs.lock() {
                    Ok(jobs) => jobs.recv(),
                    Err(_) => return,
                };
                let Ok((k, mut piece)) = job else { return };
                piece.parse(rule, layout);
                if done.send((k, piece)).is_err() {
                    return;
                }
            });
        }
        drop(done);
        let mut parsed: std::collections::BTreeMap<usize, Piece> = std::collections::BTreeMap::new();
        let (mut sent, mut handed_on) = (0usize, 0usize);
        let (mut offset, mut carry, mut spare) = (start, Vec::new(), Vec::<Piece>::new());
        let (mut ended, mut in_order_from) = (false, None);
        let stopped = || DataError::file(rule.path, "a thread reading the events stopped");
        loop {
            while !ended && sent - handed_on < PIECES_AHEAD_PER_CORE * workers {
                let mut piece = spare.pop().unwrap_or_default();
                piece.bytes.clear();
                piece.bytes.append(&mut carry);
                let read = (&mut file).take(piece_bytes as u64).read_to_end(&mut piece.bytes).map_err(|e| DataError::io(rule.path, e))?;
                ended = read < piece_bytes;
                if !ended {
                    match crate::csv_cut::last_cut(&piece.bytes, rule.delimiter) {
                        Cut::At(k) => {
                            carry.extend_from_slice(&piece.bytes[k..]);
                            piece.bytes.truncate(k);
                        }
                        Cut::NoRecordEnd | Cut::Unsure => {
                            (ended, in_order_from) = (true, Some(offset));
                            break;
                        }
                    }
                }
                offset += piece.bytes.len() as u64;
                to_workers.send((sent, piece)).map_err(|_| stopped())?;
                sent += 1;
            }
            if handed_on == sent {
                return Ok(in_order_from);
            }
            let piece = loop {
                if let Some(piece) = parsed.remove(&handed_on) {
                    break piece;
                }
                let (k, piece) = from_workers.recv().map_err(|_| stopped())?;
                parsed.insert(k, piece);
            };
            piece.hand_on(rule, progress, notes, take)?;
            if progress.footer.is_some() {
                // The rest of the file is the footer.
                return Ok(None);
            }
            handed_on += 1;
            spare.push(piece);
        }
    })
}

/// The header's names (trimmed, without a byte-order mark), checked: not blank, and
/// every needed column there, by a name no other column has.
fn read_header<R: std::io::Read>(path: &Path, csv: &mut csv::Reader<R>, needed: &[(String, String)]) -> Result<Vec<String>, DataError> {
    let mut header: Vec<String> = csv
        .byte_headers()
        .map_err(|e| DataError::file(path, format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| {
            let text = std::str::from_utf8(h).map(str::to_string).unwrap_or_else(|_| h.iter().map(|&b| b as char).collect());
            text.trim_start_matches('\u{feff}').trim().to_string()
        })
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(DataError::Empty { path: path.to_path_buf() });
    }
    // Only the needed columns are read: a name given twice is refused only when it is one.
    let repeated = crate::csv_lint::tell_repeated_names(path, &mut header, None)?;
    crate::csv_lint::check_repeated_names(path, &repeated, needed)?;
    read::check_columns(path, &header, needed)?;
    Ok(header)
}

/// The layout the held rows already prove; None while they could still go either way.
fn decisive_layout(rule: &RecordRule<'_>, held: &[HeldRow]) -> Result<Option<DateLayout>, DataError> {
    match cells::layout_evidence(held.iter().filter_map(|h| h.2.as_deref())) {
        LayoutEvidence::Decided(layout) => Ok(Some(layout)),
        LayoutEvidence::Ambiguous { .. } | LayoutEvidence::Empty => Ok(None),
        evidence => evidence.into_layout().map(Some).map_err(|message| rule.column_error(message)),
    }
}

#[cfg(test)]
mod tests {
    use mqlcal_config::DateFormat;

    use super::*;

    fn options(encoding: Encoding) -> CsvOptions {
        CsvOptions { delimiter: None, decimal: Default::default(), encoding, sheet: None, missing: vec!["NULL".into()] }
    }

    const NAMES: EventColumnNames<'static> = EventColumnNames { lead_id: "lead", occurred_at: "at", activity: "what", detail: None };

    /// Each event as handed on: lead id, time, activity, the lead's row, the activity's index.
    type Seen = Vec<(Option<String>, Option<i64>, Option<String>, Option<usize>, Option<usize>)>;

    /// Leads L0 … L29 (events also name L30 … L39, which are no lead) and three counted activities.
    fn with_keys<T>(read: impl FnOnce(&EventKeys<'_>) -> T) -> T {
        let ids: Vec<String> = (0..30).map(|k| format!("L{k}")).collect();
        let leads = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        let (activities, _) = number_activities([("visit", &[][..], ()), ("demo", &[][..], ()), ("web, inar", &[][..], ())]);
        read(&EventKeys { leads: &leads, activities: &activities })
    }

    fn seen(seen: &mut Seen) -> impl FnMut(Event<'_>) + '_ {
        |e| seen.push((e.lead_id.map(str::to_string), e.occurred_at, e.activity.map(str::to_string), e.lead, e.counted))
    }

    fn read(bytes: &[u8], encoding: Encoding) -> Result<(Seen, ReadNotes), DataError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut notes = ReadNotes::default();
        let mut events = Vec::new();
        with_keys(|keys| for_each_event(&path, &options(encoding), &NAMES, &DateRule::configured(&DateFormat::Auto), keys, &mut notes, &mut seen(&mut events)))?;
        Ok((events, notes))
    }

    /// Everything a read gives: the events, the rows and layout or the error, the warnings.
    type Outcome = (Seen, Result<(usize, DateLayout), String>, Vec<String>);

    fn read_in(path: &Path, encoding: Encoding, format: &DateFormat, piece_bytes: usize) -> Outcome {
        let mut notes = ReadNotes::default();
        let mut events = Vec::new();
        let read = with_keys(|keys| {
            let rule = DateRule::configured(format);
            stream_csv(path, &options(encoding), &NAMES, &rule, keys, &mut notes, &mut seen(&mut events), piece_bytes)
        });
        if let Ok(EventsRead { footer: Some(footer), rows, .. }) = &read {
            notes.warnings.extend(footer.warnings(path, *rows));
        }
        (events, read.map(|r| (r.rows, r.layout)).map_err(|e| e.to_string()), notes.warnings)
    }

    /// An events file as exports write them, messy: quoted cells with the delimiter, line
    /// breaks and `""`, CRLF, blank lines, missing markers, Latin-1 bytes and, now and then,
    /// a stray quote, a ragged row or a date that is not one.
    fn messy_events(rng: &mut rand_xoshiro::Xoshiro256PlusPlus, rows: usize, day_first: bool) -> Vec<u8> {
        use rand::Rng;
        let end: &[u8] = if rng.random_bool(0.5) { b"\r\n" } else { b"\n" };
        let mut out = b"what,lead,at".to_vec();
        out.extend_from_slice(end);
        let rare = 1.0 / (rows.max(1) as f64 * 2.0);
        for k in 0..rows {
            let pick = |rng: &mut rand_xoshiro::Xoshiro256PlusPlus, cells: &[&[u8]]| cells[rng.random_range(0..cells.len())].to_vec();
            let mut activity = pick(rng, &[b"visit", b"demo", b"\"web, inar\"", b"\"say \"\"hi\"\"\"", b"\"two\nlines\"", b" email_open ", b"NULL", b""]);
            if rng.random_bool(0.02) {
                activity = b"caf\xe9".to_vec();
            }
            if rng.random_bool(rare) {
                activity = b"5\" screen".to_vec();
            }
            let lead = format!("L{}", rng.random_range(0..40)).into_bytes();
            let lead = if rng.random_bool(0.05) { Vec::new() } else { lead };
            let (day, month) = (rng.random_range(1..=28), rng.random_range(1..=12));
            let mut at = if day_first {
                format!("{day:02}/{month:02}/2024 10:{:02}", k % 60).into_bytes()
            } else {
                format!("2024-{month:02}-{day:02}T08:{:02}:00", k % 60).into_bytes()
            };
            if rng.random_bool(rare) {
                at = b"2024-13-45".to_vec();
            }
            out.extend_from_slice(&activity);
            out.push(b',');
            out.extend_from_slice(&lead);
            out.push(b',');
            out.extend_from_slice(&at);
            if rng.random_bool(rare) {
                out.extend_from_slice(b",extra");
            }
            out.extend_from_slice(end);
            if rng.random_bool(0.01) {
                out.extend_from_slice(end);
            }
        }
        if rng.random_bool(0.3) {
            out.truncate(out.len() - end.len());
        }
        out
    }

    #[test]
    fn same_text_is_equality_at_every_length() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..200_000 {
            let len = rng.random_range(0..24);
            let a: String = (0..len).map(|_| ['a', 'b', 'é'][rng.random_range(0..3)]).collect();
            let mut b = a.clone().into_bytes();
            match rng.random_range(0..3) {
                0 => {}
                1 if !b.is_empty() => {
                    let at = rng.random_range(0..b.len());
                    b[at] = if b[at] == b'a' { b'b' } else { b'a' };
                }
                _ => b.push(b'a'),
            }
            let b = String::from_utf8_lossy(&b).into_owned();
            assert_eq!(same_text(&a, &b), a == b, "{a:?} {b:?}");
        }
    }

    #[test]
    fn activities_remembered_are_found_as_the_table_finds_them() {
        let ids: Vec<String> = vec!["L1".into()];
        let index = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        // More activities than slots, some sharing a slot, some not counted, one blank.
        let names: Vec<String> = (0..150).map(|k| format!("activity_{k}{}", "x".repeat(k % 7))).chain(["".to_string(), "é".to_string()]).collect();
        let (counted, _) = number_activities(names.iter().enumerate().filter(|(k, _)| k % 3 != 0).map(|(_, name)| (name.as_str(), &[][..], ())));
        let mut lookup = LeadLookup::new(&index);
        for round in 0..3 {
            for (k, name) in names.iter().enumerate().filter(|(k, _)| (k + round) % 2 == 0 || round == 2) {
                let number = counted.number(name);
                assert_eq!(lookup.activity(&counted, name), number, "{name} in round {round} ({k})");
                assert_eq!(number.map(|n| counted.name(n)), (k % 3 != 0).then_some(name.as_str()), "{name}");
            }
        }
    }

    #[test]
    fn lead_sums_are_positive_zeros_however_many_pages() {
        for leads in [0, 1, 511, 512, 513, 100_000] {
            let sums = lead_sums(leads);
            assert_eq!(sums.len(), leads);
            assert!(sums.iter().all(|v| v.to_bits() == 0), "{leads}");
        }
    }

    #[test]
    fn an_activity_filtered_by_its_detail_is_numbered_by_the_texts_its_detail_holds() {
        let (pricing, blog, both) = (["/pricing".to_string()], ["/blog".to_string()], ["/blog".to_string(), "/pricing".to_string()]);
        let counting = [("visit", &pricing[..], 0), ("visit", &blog[..], 1), ("visit", &[][..], 2), ("demo", &[][..], 3), ("visit", &both[..], 4)];
        let (numbers, counted_by) = number_activities(counting);
        // "visit" tells "/pricing" (bit 0) and "/blog" (bit 1) apart: numbers 0 to 3; "demo" 4.
        assert_eq!((numbers.number("visit"), numbers.number("demo")), (Some(0), Some(4)));
        assert_eq!(numbers.iter().collect::<Vec<_>>(), [("visit", 0), ("demo", 4)]);
        assert_eq!(counted_by, vec![vec![2], vec![0, 2, 4], vec![1, 2, 4], vec![0, 1, 2, 4], vec![3]]);
        let visit = |detail: Option<&str>| numbers.counted(0, detail);
        assert_eq!(visit(Some("acme.com/careers")), Some(0), "the unfiltered signal counts any page");
        assert_eq!(visit(None), Some(0));
        assert_eq!(visit(Some("acme.com/pricing?utm=x")), Some(1));
        assert_eq!(visit(Some("acme.com/blog/post")), Some(2));
        assert_eq!(visit(Some("acme.com/blog/pricing")), Some(3), "both texts");
        assert_eq!(visit(Some("ACME.com/Pricing")), Some(1), "A-Z in either case");
        assert_eq!(visit(Some("acme.com/prĭcing")), Some(0));
        assert_eq!(numbers.counted(4, Some("/pricing")), Some(4), "an unfiltered activity has one number");
        assert_eq!((0..5).map(|n| numbers.first(n)).collect::<Vec<_>>(), [0, 0, 0, 0, 4]);

        // Texts differing in the case of A-Z alone are one: two numbers, counted by both.
        let capitals = ["/PRICING".to_string()];
        let (numbers, counted_by) = number_activities([("visit", &pricing[..], 0), ("visit", &capitals[..], 1)]);
        assert_eq!((counted_by, numbers.counted(0, Some("/Pricing"))), (vec![vec![], vec![0, 1]], Some(1)));

        // Filtered only: a page no signal asks for counts for none.
        let (numbers, counted_by) = number_activities([("visit", &pricing[..], 0)]);
        assert_eq!((numbers.counted(0, Some("/blog")), numbers.counted(0, None), numbers.counted(0, Some("/pricing"))), (None, None, Some(1)));
        assert_eq!(counted_by, vec![vec![], vec![0]]);
        // What was seen: nothing (missing), only other pages (the text never held), a pricing page.
        let mut seen = ActivitiesSeen::new(&numbers);
        assert_eq!((seen.missing(&numbers), seen.texts_never_held(&numbers, 1)), (vec!["visit"], vec![]));
        seen.see(&numbers, None, Some("visit"));
        seen.see(&numbers, None, Some("demo"));
        assert_eq!((seen.missing(&numbers), seen.texts_never_held(&numbers, 1)), (vec![], vec![("visit", "/pricing")]));
        assert!(seen.texts_never_held(&numbers, 2).is_empty(), "one event is too few to say");
        seen.see(&numbers, Some(1), Some("visit"));
        assert_eq!((seen.missing(&numbers), seen.texts_never_held(&numbers, 1)), (vec![], vec![]));
    }

    #[test]
    fn a_detail_column_is_read_in_order_and_in_pieces_alike() {
        let pricing = ["/pricing".to_string()];
        let ids: Vec<String> = (0..30).map(|k| format!("L{k}")).collect();
        let leads = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        let (activities, _) = number_activities([("visit", &pricing[..], ())]);
        let keys = EventKeys { leads: &leads, activities: &activities };
        let names = EventColumnNames { detail: Some("page"), ..NAMES };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        let mut text = String::from("page,lead,at,what\n");
        for k in 0..3000 {
            // A quoted cell now and then: most pieces are read as plain lines, some by csv-core.
            let page = if k % 50 == 3 { "\"https://a.com/pricing, plans\"" } else { ["https://a.com/pricing?x=1", "https://a.com/blog", "NULL"][k % 3] };
            text.push_str(&format!("{page},L{},2024-01-{:02}T10:00:00,visit\n", k % 30, 1 + k % 28));
        }
        std::fs::write(&path, text).unwrap();
        // Auto: every row held until the layout is decided, then handed on; ISO: at once.
        let counted = |piece_bytes: usize, format: DateFormat| {
            let mut counted = Vec::new();
            let read = stream_csv(&path, &options(Encoding::Utf8), &names, &DateRule::configured(&format), &keys, &mut ReadNotes::default(), &mut |e: Event<'_>| counted.push(e.counted), piece_bytes);
            assert_eq!(read.unwrap().rows, 3000);
            counted
        };
        let held = counted(0, DateFormat::Auto);
        assert_eq!(held[..4], [Some(1), None, None, Some(1)], "a missing marker holds nothing; a quoted cell is read whole");
        assert_eq!(held.iter().flatten().count(), 1000 + 40);
        for piece_bytes in [0, 200, 1 << 20] {
            assert_eq!(counted(piece_bytes, DateFormat::Fixed(DateLayout::Iso)), held, "{piece_bytes}");
        }
    }

    #[test]
    fn activities_are_numbered_in_first_mention_order_with_every_counter() {
        let (numbers, counted_by) = number_activities([("demo", &[][..], 0), ("visit", &[][..], 0), ("demo", &[][..], 1), ("demo", &[][..], 1)]);
        assert_eq!((numbers.number("demo"), numbers.number("visit"), numbers.number("web")), (Some(0), Some(1), None));
        assert_eq!(numbers.iter().collect::<Vec<_>>(), [("demo", 0), ("visit", 1)]);
        assert_eq!(counted_by, vec![vec![0, 1, 1], vec![0]]);
    }

    #[test]
    fn a_lead_is_found_by_its_id_in_any_order_and_a_repeated_id_at_its_last_row() {
        let ids: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let index = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        let mut lookup = LeadLookup::new(&index);
        let asked = ["a", "a", "b", "d", "c", "x", "a", "b", "c", "c", "d"];
        let found: Vec<_> = asked.iter().map(|id| lookup.row(id)).collect();
        assert_eq!(found, [Some(0), Some(0), Some(1), Some(3), Some(2), None, Some(0), Some(1), Some(2), Some(2), Some(3)]);
        let repeated: Vec<String> = ["a", "b", "a", "c"].map(String::from).to_vec();
        let index = LeadIndex::new(&repeated, IdCase::Exact).unwrap();
        let mut lookup = LeadLookup::new(&index);
        assert_eq!(["a", "b", "a", "c"].map(|id| lookup.row(id)), [Some(2), Some(1), Some(2), Some(3)]);
        // Whether an id repeats is what ingest keeps every row by, without a map of its own.
        assert!(IdRows::new(&ids, IdCase::Exact).is_some_and(|rows| rows.unique()));
        assert!(IdRows::new(&repeated, IdCase::Exact).is_some_and(|rows| !rows.unique()));
        let case_apart: Vec<String> = ["a", "A", "a ", "b"].map(String::from).to_vec();
        assert!(IdRows::new(&case_apart, IdCase::Exact).is_some_and(|rows| rows.unique()), "ids are compared as written");
        assert!(IdRows::new(&case_apart, IdCase::Ignore).is_some_and(|rows| !rows.unique()), "a and A are one id ignoring case");
    }

    /// Ids compared in their slot (up to 19 bytes: Salesforce's 18 characters) and those
    /// compared whole beyond it (ids alike in their first 19 bytes; longer than a slot's
    /// length can say) are found
    /// as written, in either case when case is ignored, and an id of one length never for
    /// another (a shorter id is its slot's first bytes padded with zeros, as `\0`s would be).
    #[test]
    fn ids_inside_and_beyond_a_slot_find_their_lead_and_no_other() {
        let long = "x".repeat(300);
        let ids: Vec<String> = ["ab", "ab\0", "abcdefghijklmnopqrs", "abcdefghijklmnopqrst", "abcdefghijklmnopqrsu", "00Q5e00000AbCdEEAV", "00Q5e00000AbCdEEAW", long.as_str(), &format!("{long}y")]
            .map(String::from)
            .to_vec();
        let index = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        let mut lookup = LeadLookup::new(&index);
        for (row, id) in ids.iter().enumerate().rev() {
            assert_eq!(lookup.row(id), Some(row), "{id:?}");
        }
        for other in ["a", "ab\0\0", "abcdefghijklmnopqr", "abcdefghijklmnopqrsv", "00Q5e00000AbCdEEAX", "00q5e00000abcdeeav", &format!("{long}z"), &"x".repeat(299)] {
            assert_eq!(lookup.row(other), None, "{other:?}");
        }
        let ignoring = LeadIndex::new(&ids, IdCase::Ignore).unwrap();
        let mut lookup = LeadLookup::new(&ignoring);
        assert_eq!(lookup.row("AB"), Some(0));
        assert_eq!(lookup.row("ABCDEFGHIJKLMNOPQRSU"), Some(4));
        assert_eq!(lookup.row("00q5e00000abcdeeav"), Some(5));
        assert_eq!(lookup.row(&"X".repeat(300)), Some(7));
    }

    /// Events in time order name leads far apart: past a few new ids that were not the
    /// next lead's, the next lead is not tried (its id not read), and it is again once a
    /// lookup finds it. Every lead is found either way.
    #[test]
    fn the_next_lead_is_tried_again_once_a_lookup_finds_it() {
        let ids: Vec<String> = (0..100).map(|k| format!("L{k:03}")).collect();
        let index = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        let mut lookup = LeadLookup::new(&index);
        let scattered: Vec<usize> = (0..40).map(|k| k * 37 % 100).collect();
        for &row in &scattered {
            assert_eq!(lookup.row(&ids[row]), Some(row));
        }
        assert!(lookup.next_misses >= NEXT_ROW_PATIENCE, "{}", lookup.next_misses);
        // In order again: the first lookup finds the next lead by the table, and the
        // comparison with the next lead comes back.
        let after = lookup.next;
        assert_eq!(lookup.row(&ids[after]), Some(after));
        assert_eq!(lookup.next_misses, 0);
        for row in after + 1..100 {
            assert_eq!(lookup.row(&ids[row]), Some(row));
        }
        assert_eq!(lookup.next_misses, 0);
    }

    /// With `id_case = "ignore"`, an event's id finds its lead whatever the case of its ASCII
    /// letters (longer ids than fold on the stack too); other letters and other ids do not.
    #[test]
    fn ids_ignoring_case_find_their_lead() {
        let long = format!("{}@Example.COM", "Jane.Doe".repeat(10));
        let ids: Vec<String> = ["Jane.Doe@Acme.com", "L001", "Élodie@x.fr", long.as_str()].map(String::from).to_vec();
        let index = LeadIndex::new(&ids, IdCase::Ignore).unwrap();
        let mut lookup = LeadLookup::new(&index);
        assert_eq!(lookup.row("jane.doe@acme.com"), Some(0));
        assert_eq!(lookup.row("JANE.DOE@ACME.COM"), Some(0));
        assert_eq!(lookup.row("l001"), Some(1));
        assert_eq!(lookup.row("ÉLODIE@X.FR"), Some(2), "the ASCII letters fold");
        assert_eq!(lookup.row("élodie@x.fr"), None, "É and é stay apart");
        assert_eq!(lookup.row(&long.to_lowercase()), Some(3));
        assert_eq!(lookup.row("L002"), None);
        let exact = LeadIndex::new(&ids, IdCase::Exact).unwrap();
        assert_eq!(LeadLookup::new(&exact).row("l001"), None);
    }

    /// `[columns] events_also_key`: a lead's other ids find it (as `id_case` matches, and in
    /// their other Salesforce form), after its own; a value two leads hold finds neither,
    /// and one that is a lead's own id is that lead's.
    #[test]
    fn other_ids_find_their_lead_unless_two_leads_hold_them() {
        let ids: Vec<String> = ["00Q000000000001", "00Q000000000002", "00Q000000000003", "00Q000000000004"].map(String::from).to_vec();
        let contacts: Vec<String> = ["003000000000001", "", "003000000000009", "003000000000009"].map(String::from).to_vec();
        let merged: Vec<String> = ["", "00Q000000000001", "", "m-4"].map(String::from).to_vec();
        let index = LeadIndex::new(&ids, IdCase::Ignore).unwrap();
        let (also, built) = AlsoKeys::new(&index, &[&contacts, &merged], None, IdCase::Ignore).unwrap();
        assert_eq!((built.shared, built.shadowed), (1, 1), "{built:?}");
        assert_eq!(built.shared_example, Some(("003000000000009".to_string(), 2, 3)));
        assert_eq!(built.shadowed_example, Some(("00Q000000000001".to_string(), 1)));
        let index = index.with_also(also);
        assert_eq!(index.find_either_form("003000000000001"), Some((0, FoundBy::AlsoKey)));
        // Its 18-character form, as another export writes it.
        assert_eq!(index.find_either_form("003000000000001AAA"), Some((0, FoundBy::AlsoKey)));
        assert_eq!(index.find_either_form("M-4"), Some((3, FoundBy::AlsoKey)), "ids ignoring case");
        assert_eq!(index.find_either_form("00Q000000000001"), Some((0, FoundBy::Id)), "the lead whose id it is");
        assert_eq!(index.find_either_form("00q000000000002aaa"), Some((1, FoundBy::OtherForm)));
        assert_eq!(index.find_either_form("003000000000009"), None);
        // A lead with no key of its own (a blank events_key) is found by none of its values.
        let keys: Vec<String> = ["a@x.com", ""].map(String::from).to_vec();
        let contacts: Vec<String> = ["c1", "c2"].map(String::from).to_vec();
        let keyed = LeadIndex::new(&keys, IdCase::Exact).unwrap();
        let (also, _) = AlsoKeys::new(&keyed, &[&contacts], None, IdCase::Exact).unwrap();
        let keyed = keyed.with_also(also);
        assert_eq!((keyed.find_either_form("c1"), keyed.find_either_form("c2")), (Some((0, FoundBy::AlsoKey)), None));
        assert!(index.shared_also_key("003000000000009") && !index.shared_also_key("003000000000001") && !index.shared_also_key("x"));
        let mut lookup = LeadLookup::new(&index);
        assert_eq!(lookup.row("M-4"), Some(3));
        assert_eq!(lookup.last_found_by, FoundBy::AlsoKey);
        assert_eq!(lookup.row("00Q000000000004"), Some(3));
        assert_eq!(lookup.last_found_by, FoundBy::Id);
    }

    #[test]
    fn a_problem_after_blank_lines_is_placed_alike_in_pieces_with_or_without_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        for end in ["\n", "\r\n"] {
            for activity in ["visit", "\"a, \"\"b\"\"\""] {
                // A ragged record, then a date that is not one.
                for bad in ["L2,2024-01-02,extra", "L2,2024-13-45"] {
                    let file = format!("what,lead,at{end}{activity},L1,2024-01-01{end}{end}{end}{activity},{bad}{end}{end}");
                    std::fs::write(&path, &file).unwrap();
                    let in_order = read_in(&path, Encoding::Utf8, &DateFormat::Fixed(DateLayout::Iso), 0);
                    assert!(in_order.1.is_err(), "{file:?}");
                    // The ragged record is placed on its own line, 5, below two blank ones,
                    // whatever the line ends (csv-core placed it on 3, or on 4 after CRLFs).
                    let said = in_order.1.as_ref().unwrap_err();
                    if bad.ends_with("extra") {
                        assert!(said.contains(": line 5: 4 fields where the header has 3"), "{file:?}: {said}");
                    } else {
                        assert!(said.contains(": row 2 (line 5), column \"at\""), "{file:?}: {said}");
                    }
                    for piece_bytes in 1..file.len() {
                        let in_pieces = read_in(&path, Encoding::Utf8, &DateFormat::Fixed(DateLayout::Iso), piece_bytes);
                        assert_eq!(in_pieces, in_order, "{file:?} in pieces of {piece_bytes} bytes");
                    }
                }
            }
        }
    }

    #[test]
    fn pieces_on_every_core_read_what_one_reader_in_order_reads() {
        use rand::{Rng, SeedableRng};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(18);
        let (mut cut_files, mut errors, mut found, mut not_found) = (0, 0, 0, 0);
        for case in 0..240 {
            // A few files pass the 10,000 rows that decide an undecided date layout.
            let rows = if case % 40 == 0 { LAYOUT_SAMPLE_ROWS + rng.random_range(0..3_000) } else { rng.random_range(0..300) };
            let day_first = rng.random_bool(0.2);
            std::fs::write(&path, messy_events(&mut rng, rows, day_first)).unwrap();
            let encoding = [Encoding::Auto, Encoding::Utf8, Encoding::Latin1][rng.random_range(0..3)];
            let layout = if day_first { DateLayout::DayFirst } else { DateLayout::Iso };
            let format = if rng.random_bool(0.5) { DateFormat::Auto } else { DateFormat::Fixed(layout) };
            let in_order = read_in(&path, encoding, &format, 0);
            let piece_bytes = rng.random_range(1..400);
            let in_pieces = read_in(&path, encoding, &format, piece_bytes);
            assert_eq!(in_pieces, in_order, "case {case}: {rows} rows, {encoding:?}, {format:?}, pieces of {piece_bytes} bytes");
            cut_files += usize::from(std::fs::metadata(&path).unwrap().len() as usize > piece_bytes);
            errors += usize::from(in_order.1.is_err());
            found += in_order.0.iter().filter(|e| e.3.is_some() && e.4.is_some()).count();
            not_found += in_order.0.iter().filter(|e| e.0.is_some() && e.3.is_none()).count();
        }
        // The cases cover what they are for: files cut into pieces, errors found in them,
        // and events whose lead and activity are found, or not.
        assert!(cut_files > 150 && errors > 20 && found > 1_000 && not_found > 1_000, "{cut_files} files cut, {errors} errors, {found} found, {not_found} not");
    }

    /// Leads looked up a few events after their line is read, and `later` handed on with an
    /// event, find what lookups made at once find: in a file in time order (leads far
    /// apart, where lookups are held back), stretches grouped by lead (where they are not),
    /// ids given twice, unknown and blank ids, and a bad row that stops the reading.
    #[test]
    fn leads_looked_up_ahead_are_those_found_at_once() {
        use rand::{Rng, SeedableRng};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let ids: Vec<String> = (0..2_000).map(|k| format!("00Q5e{k:013}")).collect();
        let mut repeated = ids.clone();
        repeated[1_500] = ids[20].clone();
        let (activities, _) = number_activities([("visit", &[][..], ()), ("demo", &[][..], ())]);
        let (mut found, mut later_given) = (0, 0);
        for case in 0..12 {
            let mut text = String::from("lead,at,what\n");
            let mut row = 0usize;
            while row < 3_000 {
                // A stretch in time order, then one grouped by lead, in the leads' order.
                let grouped = rng.random_bool(0.5);
                for _ in 0..rng.random_range(1..400) {
                    row = if grouped { row + usize::from(rng.random_bool(0.3)) } else { row + 1 };
                    let lead = if grouped { (row / 3) % ids.len() } else { rng.random_range(0..ids.len()) };
                    let id = match rng.random_range(0..50) {
                        0 => String::new(),
                        1 => format!("unknown{lead}"),
                        _ => ids[lead].clone(),
                    };
                    let what = ["visit", "demo", "other"][rng.random_range(0..3)];
                    text.push_str(&format!("{id},2024-0{}-1{}T08:00:00,{what}\n", 1 + lead % 9, row % 10));
                }
            }
            if case % 3 == 2 {
                text.push_str("00Q5e0000000000001,2024-13-45T00:00:00,visit\n");
                text.push_str("00Q5e0000000000002,2024-01-01T00:00:00,visit\n");
            }
            std::fs::write(&path, &text).unwrap();
            let leads = if case % 2 == 0 { &ids } else { &repeated };
            let index = LeadIndex::new(leads, IdCase::Exact).unwrap();
            let keys = EventKeys { leads: &index, activities: &activities };
            // The layout given: a file is read in pieces once it is decided.
            let iso = DateFormat::Fixed(DateLayout::Iso);
            let read = |piece_bytes: usize| {
                let (mut events, mut laters, mut notes) = (Vec::new(), Vec::new(), ReadNotes::default());
                let read = stream_csv(&path, &options(Encoding::Utf8), &NAMES, &DateRule::configured(&iso), &keys, &mut notes, &mut |e: Event<'_>| {
                    events.push((e.lead_id.map(str::to_string), e.occurred_at, e.lead, e.found_by, e.counted));
                    laters.push(e.later.map(|later| (later.lead, later.counted)));
                }, piece_bytes);
                (events, laters, read.map(|r| r.rows).map_err(|e| e.to_string()))
            };
            let (in_order, _, rows) = read(0);
            let (in_pieces, laters, rows_in_pieces) = read(rng.random_range(2_000..40_000));
            assert_eq!(in_pieces, in_order, "case {case}");
            assert_eq!(rows_in_pieces, rows, "case {case}");
            assert_eq!(rows.is_err(), case % 3 == 2, "case {case}: {rows:?}");
            // A later event is the one EVENTS_AHEAD on, of a lead far from this one's.
            for (k, later) in laters.iter().enumerate() {
                if let Some((lead, counted)) = *later {
                    let ahead = &in_order[k + EVENTS_AHEAD];
                    assert_eq!((ahead.2, ahead.4), (Some(lead), counted), "case {case}, event {k}");
                    assert!(in_order[k].2.is_none_or(|this| this.abs_diff(lead) > NEAR_LEADS), "case {case}, event {k}");
                    later_given += 1;
                }
            }
            found += in_order.iter().filter(|e| e.2.is_some()).count();
        }
        assert!(later_given > 10_000 && found > 30_000, "{later_given} later events given, {found} leads found");
    }

    /// A gzipped file reads as the same file uncompressed, in pieces or in order (its
    /// header read, then the stream opened again past the rows that decided the layout).
    #[test]
    fn a_gzipped_events_file_reads_as_the_file_itself() {
        use rand::{Rng, SeedableRng};
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let (plain, gzipped) = (dir.path().join("events.csv"), dir.path().join("events.csv.gz"));
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut checked = 0;
        for case in 0..12 {
            let rows = if case % 4 == 0 { LAYOUT_SAMPLE_ROWS + 500 } else { rng.random_range(0..300) };
            let text = messy_events(&mut rng, rows, case % 3 == 0);
            std::fs::write(&plain, &text).unwrap();
            let mut encoder = flate2::write::GzEncoder::new(std::fs::File::create(&gzipped).unwrap(), flate2::Compression::fast());
            encoder.write_all(&text).unwrap();
            encoder.finish().unwrap();
            for piece_bytes in [0, PIECE_BYTES, 97] {
                let format = if case % 2 == 0 { DateFormat::Auto } else { DateFormat::Fixed(DateLayout::Iso) };
                // The messages name the file read.
                let (events, outcome, warnings) = read_in(&gzipped, Encoding::Auto, &format, piece_bytes);
                let unzipped = |text: &String| text.replace("events.csv.gz", "events.csv");
                let read = (events, outcome.map_err(|e| unzipped(&e)), warnings.iter().map(unzipped).collect::<Vec<_>>());
                assert_eq!(read, read_in(&plain, Encoding::Auto, &format, piece_bytes), "case {case}, pieces of {piece_bytes} bytes");
                checked += read.0.len();
            }
        }
        assert!(checked > 5_000, "{checked} events compared");
    }

    /// A gzipped or UTF-16 file delimited by ';' reads as the plain file: its delimiter is
    /// found in its whole header (the decoders hand out their first four bytes apart, and
    /// "what" holds no ';', so the header was read as one column).
    #[test]
    fn a_decoded_file_finds_its_delimiter_in_its_whole_header() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let text = "what;lead;at\r\nvisit;L1;2024-01-02 10:00:00\r\ndemo;L2;2024-01-03 11:00:00\r\nvisit;L31;2024-01-04 12:00:00\r\n";
        let plain = dir.path().join("events.csv");
        std::fs::write(&plain, text).unwrap();
        let gzipped = dir.path().join("events.csv.gz");
        let mut encoder = flate2::write::GzEncoder::new(std::fs::File::create(&gzipped).unwrap(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap();
        let utf16 = dir.path().join("utf16.csv");
        let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        std::fs::write(&utf16, bytes).unwrap();
        let expected = read_in(&plain, Encoding::Auto, &DateFormat::Auto, 0);
        assert_eq!(expected.0.len(), 3, "{expected:?}");
        assert!(expected.1.is_ok(), "{expected:?}");
        for decoded in [&gzipped, &utf16] {
            for piece_bytes in [0, PIECE_BYTES] {
                let (events, outcome, _) = read_in(decoded, Encoding::Auto, &DateFormat::Auto, piece_bytes);
                assert_eq!((&events, outcome.is_ok()), (&expected.0, true), "{}: {outcome:?}", decoded.display());
            }
        }
    }

    #[test]
    fn day_first_is_decided_by_a_late_day_above_12_as_a_whole_column_read_would() {
        let mut text = String::from("what;lead;at\n");
        for k in 0..(3 * LAYOUT_SAMPLE_ROWS) {
            text.push_str(&format!("visit;L{k};0{}/0{}/2024\n", 1 + k % 9, 1 + k % 9));
        }
        text.push_str("demo; L9 ;25/03/2024\n");
        let (seen, _) = read(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(seen.len(), 3 * LAYOUT_SAMPLE_ROWS + 1);
        // 02/02/2024 and 25/03/2024, day first; cells trimmed; order kept.
        assert_eq!(seen[1], (Some("L1".into()), Some(19_755 * 86_400), Some("visit".into()), Some(1), Some(0)));
        assert_eq!(seen.last().unwrap(), &(Some("L9".into()), Some(19_807 * 86_400), Some("demo".into()), Some(9), Some(1)));
    }

    /// A report's footer below the events (Salesforce's, quoted or not) is said and not
    /// read, however the file is cut into pieces and however its times are read: the events
    /// are those of the file without it.
    #[test]
    fn a_report_footer_ends_the_events_in_every_reading() {
        let mut rows = b"lead,at,what\n".to_vec();
        for k in 0..400 {
            let activity = if k % 7 == 0 { "\"web, inar\"" } else { "visit" };
            rows.extend_from_slice(format!("L{},2024-01-{:02}T08:{:02}:00,{activity}\n", k % 40, k % 28 + 1, k % 60).as_bytes());
        }
        let dir = tempfile::tempdir().unwrap();
        let (plain, footed) = (dir.path().join("plain.csv"), dir.path().join("footed.csv"));
        std::fs::write(&plain, &rows).unwrap();
        for footer in [
            "\n\"Grand Totals (400 records)\"\n\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n",
            "\"\"\n\"\"\nGrand Totals (401 records)\nCopyright (c) 2000-2026 salesforce.com",
        ] {
            std::fs::write(&footed, [rows.as_slice(), footer.as_bytes()].concat()).unwrap();
            for format in [DateFormat::Auto, DateFormat::Fixed(DateLayout::Iso)] {
                for piece_bytes in [0, 64, 200, 1 << 10, 1 << 20] {
                    let (events, read, warnings) = read_in(&footed, Encoding::Utf8, &format, piece_bytes);
                    let (plain_events, plain_read, _) = read_in(&plain, Encoding::Utf8, &format, piece_bytes);
                    assert_eq!(read, plain_read, "{footer:?} {piece_bytes}");
                    assert!(events == plain_events, "{footer:?} {piece_bytes}");
                    assert!(warnings[0].contains("lines 402 to ") && warnings[0].contains("report's footer"), "{warnings:?}");
                    assert_eq!(warnings.len(), if footer.contains("401") { 2 } else { 1 }, "{warnings:?}");
                }
            }
        }
        // Rows again below it: the footer's first line is refused as a short row.
        std::fs::write(&footed, [rows.as_slice(), b"\"Grand Totals (400 records)\"\nL1,2024-01-02T08:00:00,visit\n"].concat()).unwrap();
        let (_, read, _) = read_in(&footed, Encoding::Utf8, &DateFormat::Auto, 1 << 10);
        assert!(read.unwrap_err().contains("line 402: 1 fields where the header has 3"));
    }

    #[test]
    fn blanks_and_missing_markers_are_none_and_bad_dates_name_row_and_column() {
        let (seen, _) = read(b"lead,at,what\nA,2024-01-02,NULL\n,2024-01-03 10:00:00,demo\n", Encoding::Utf8).unwrap();
        assert_eq!(seen[0].2, None);
        assert_eq!(seen[1].0, None);
        assert_eq!(seen[1].1, Some(19_725 * 86_400 + 36_000));
        let err = read(b"lead,at,what\nA,2024-01-02,demo\nB,2024-13-45,demo\n", Encoding::Utf8).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("\"at\"") && err.contains("2024-13-45"), "{err}");
    }

    #[test]
    fn encodings_utf8_refuses_latin1_decodes_auto_falls_back_with_a_warning() {
        let bytes = b"lead,at,what\nA,2024-01-02,caf\xe9\n";
        let err = read(bytes, Encoding::Utf8).unwrap_err().to_string();
        assert!(err.contains("row 1") && err.contains("\"what\"") && err.contains("0xe9"), "{err}");
        let (seen, notes) = read(bytes, Encoding::Latin1).unwrap();
        assert_eq!(seen[0].2.as_deref(), Some("café"));
        assert!(notes.warnings.is_empty());
        let (seen, notes) = read(bytes, Encoding::Auto).unwrap();
        assert_eq!(seen[0].2.as_deref(), Some("café"));
        assert_eq!(notes.warnings.len(), 1);
    }

    #[test]
    fn missing_columns_and_empty_files_are_errors() {
        let err = read(b"lead,when,what\nA,2024-01-02,x\n", Encoding::Auto).unwrap_err().to_string();
        assert!(err.contains("no column \"at\""), "{err}");
        let err = read(b"lead,at,what\n", Encoding::Auto).unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
    }
}
