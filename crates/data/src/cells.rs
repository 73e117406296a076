//! Turning a column of a table into text, numbers or timestamps, with an error
//! that names the file, row and column of the first bad cell.

use mqlcal_config::DateFormat;
pub use mqlcal_scorecard::DateLayout;
use mqlcal_scorecard::{dmy_parts, DecimalMark, ReadBy, TimeZone};
use polars::prelude::*;

use crate::read::Table;
use crate::DataError;

/// A column as text cells; blanks (and the config's missing markers) are None.
pub struct TextColumn {
    values: TextValues,
}

/// Where a [`TextColumn`]'s cells are.
enum TextValues {
    /// A polars column's.
    Frame(StringChunked),
    /// Init's coded copy of one ([`crate::coded_table`]).
    Coded(std::sync::Arc<crate::coded_table::CodedText>),
}

impl TextColumn {
    pub(crate) fn of_coded(values: std::sync::Arc<crate::coded_table::CodedText>) -> TextColumn {
        TextColumn { values: TextValues::Coded(values) }
    }

    /// The coded cells, when the column is init's coded copy: a reader may then look at
    /// each distinct value once.
    pub(crate) fn coded(&self) -> Option<&crate::coded_table::CodedText> {
        match &self.values {
            TextValues::Coded(values) => Some(values),
            TextValues::Frame(_) => None,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        match &self.values {
            TextValues::Frame(values) => OneOf::First(values.iter()),
            TextValues::Coded(values) => OneOf::Second(values.iter()),
        }
    }
}

/// One of two iterators of the same items: a branch at every item, but for a fold (a sum,
/// a count, a for_each), which runs the chosen iterator's own loop.
enum OneOf<A, B> {
    First(A),
    Second(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for OneOf<A, B> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            OneOf::First(a) => a.next(),
            OneOf::Second(b) => b.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            OneOf::First(a) => a.size_hint(),
            OneOf::Second(b) => b.size_hint(),
        }
    }

    fn fold<S, F: FnMut(S, T) -> S>(self, init: S, f: F) -> S {
        match self {
            OneOf::First(a) => a.fold(init, f),
            OneOf::Second(b) => b.fold(init, f),
        }
    }
}

/// How many times each value occurs, for columns of few values (a picklist's): a value
/// is found by a slot of its length and end bytes, and by hash only when another value
/// holds that slot (most cells repeat the value that was last there).
#[derive(Default)]
pub(crate) struct ValueCounts<'a> {
    /// Each value with its count, in first-seen order.
    pub(crate) counts: Vec<(&'a str, usize)>,
    index: polars::prelude::PlHashMap<&'a str, usize>,
    slots: Vec<Option<(&'a str, usize)>>,
}

impl<'a> ValueCounts<'a> {
    const SLOTS: usize = 256;

    pub(crate) fn add(&mut self, value: &'a str) {
        if self.slots.is_empty() {
            self.slots = vec![None; Self::SLOTS];
        }
        let bytes = value.as_bytes();
        let (first, last) = (bytes.first().copied().unwrap_or(0) as usize, bytes.last().copied().unwrap_or(0) as usize);
        let slot = (bytes.len() ^ (first << 1) ^ (last << 3)) % Self::SLOTS;
        let k = match self.slots[slot] {
            Some((held, k)) if held == value => k,
            _ => {
                let next = self.counts.len();
                let k = *self.index.entry(value).or_insert(next);
                if k == next {
                    self.counts.push((value, 0));
                }
                self.slots[slot] = Some((value, k));
                k
            }
        };
        self.counts[k].1 += 1;
    }
}

/// Each value of `cells` (cleaned by `markers`) with the leads that have it, in first-seen
/// order. With a `separator` the cells list values (a multi-select field): each listed
/// value counts once per lead, and `a;;b` lists no empty value. `validate` and `score`
/// count a categorical column's values so.
pub(crate) fn value_counts<'c>(cells: &'c TextColumn, markers: &MissingMarkers<'_>, separator: Option<&str>) -> Vec<(&'c str, usize)> {
    let mut counts = ValueCounts::default();
    let mut listed: Vec<&str> = Vec::new();
    for cell in cells.iter().filter_map(|cell| markers.clean(cell?)) {
        match separator {
            Some(separator) => {
                listed.clear();
                listed.extend(cell.split(separator).filter(|v| !v.is_empty()));
                listed.sort_unstable();
                listed.dedup();
                listed.iter().for_each(|v| counts.add(v));
            }
            None => counts.add(cell),
        }
    }
    counts.counts
}

/// True when a trimmed cell counts as blank.
/// Whether the cells are the rows' numbers in order, 0, 1, 2, … or 1, 2, 3, … (at least
/// two): the index pandas writes beside a frame's columns (`to_csv` without
/// `index=False`; read and written again, a column named `Unnamed: 0`), no lead's data.
pub(crate) fn row_numbers<'a>(cells: impl Iterator<Item = Option<&'a str>>) -> bool {
    let (mut rows, mut first) = (0u64, None);
    for cell in cells {
        let Some(n) = cell.and_then(|c| c.trim().parse::<u64>().ok()) else { return false };
        let start = *first.get_or_insert(n);
        if start > 1 || n != start + rows {
            return false;
        }
        rows += 1;
    }
    rows >= 2
}

#[cfg(test)]
#[test]
fn row_numbers_count_from_0_or_1_in_order() {
    let numbers = |cells: &[&str]| row_numbers(cells.iter().map(|c| Some(*c)));
    assert!(numbers(&["0", "1", "2"]) && numbers(&["1", "2"]) && numbers(&[" 0 ", "1"]));
    for not in [&["0"][..], &[], &["2", "3"], &["0", "2"], &["1", "1"], &["0", "1", "x"], &["0", "1", "-2"], &["0", "1.5"]] {
        assert!(!numbers(not), "{not:?}");
    }
    assert!(!row_numbers([Some("0"), None, Some("2")].into_iter()));
}

pub fn is_missing(cell: &str, missing: &[String]) -> bool {
    clean(Some(cell), missing).is_none()
}

/// Normalise a cell: trimmed, None when blank or a missing marker. (Over millions of
/// cells, make the [`MissingMarkers`] once.)
pub fn clean<'a>(cell: Option<&'a str>, missing: &[String]) -> Option<&'a str> {
    MissingMarkers::new(missing).clean(cell?)
}

/// The cell trimmed. Trimmed once (this runs for every cell of a 20M-event file); most
/// cells start and end with a visible ASCII character, which no trim removes.
#[inline]
fn trimmed(cell: &str) -> &str {
    let bare = cell.as_bytes().first().is_some_and(u8::is_ascii_graphic) && cell.as_bytes().last().is_some_and(u8::is_ascii_graphic);
    if bare {
        cell
    } else {
        cell.trim()
    }
}

/// The missing markers with the lengths they come in, as bits: a cell of a length no
/// marker has (a lead id, a timestamp) is not compared. The one home of the cleaning rule.
#[derive(Debug, Clone, Copy)]
pub struct MissingMarkers<'a> {
    markers: &'a [String],
    /// Bit n: a marker is n bytes long (bit 63: 63 or more).
    lengths: u64,
}

impl<'a> MissingMarkers<'a> {
    pub fn new(markers: &'a [String]) -> Self {
        MissingMarkers { markers, lengths: markers.iter().fold(0, |bits, m| bits | Self::bit(m.len())) }
    }

    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    /// `cell` trimmed; None when blank or a missing marker.
    #[inline]
    pub fn clean<'c>(&self, cell: &'c str) -> Option<&'c str> {
        let trimmed = trimmed(cell);
        let marker = self.lengths & Self::bit(trimmed.len()) != 0 && self.markers.iter().any(|m| m == trimmed);
        (!trimmed.is_empty() && !marker).then_some(trimmed)
    }
}

fn series<'a>(table: &'a Table, column: &str) -> Result<&'a Column, DataError> {
    table.frame.column(column).map_err(|_| DataError::MissingColumn {
        path: table.path.clone(),
        column: column.to_string(),
        purpose: "the config".into(),
        available: table.column_names().join(", "),
        hint: String::new(),
    })
}

/// A column as text; numbers and booleans of a Parquet file are formatted.
pub fn text(table: &Table, column: &str) -> Result<TextColumn, DataError> {
    let s = series(table, column)?;
    let values = match s.dtype() {
        DataType::String => s.str().cloned(),
        dt if dt.is_primitive_numeric() || dt.is_bool() => s
            .cast(&DataType::String)
            .and_then(|c| c.str().cloned()),
        DataType::Null => s.cast(&DataType::String).and_then(|c| c.str().cloned()),
        // Typed dates (a warehouse export, mqlcal's own features.parquet) as ISO text.
        DataType::Date | DataType::Datetime(..) => s.cast(&DataType::String).and_then(|c| c.str().cloned()),
        other => {
            return Err(DataError::ColumnType {
                path: table.path.clone(),
                column: column.into(),
                found: other.to_string(),
                expected: "text".into(),
            })
        }
    }
    .map_err(|e| DataError::file(&table.path, e.to_string()))?;
    Ok(TextColumn { values: TextValues::Frame(values) })
}

/// A column as numbers: native numeric Parquet columns, or text read cell by cell with
/// `decimal` as the decimal mark, by the config's rule or a model's (`by`: what an error
/// tells to do). Blank cells are None; other text is an error naming the cell.
pub fn numbers(
    table: &Table,
    column: &str,
    missing: &[String],
    (decimal, by): (DecimalMark, ReadBy),
) -> Result<Vec<Option<f64>>, DataError> {
    let s = series(table, column)?;
    match s.dtype() {
        DataType::String => {
            let ca = s.str().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            ca.iter()
                .enumerate()
                .map(|(row, cell)| match clean(cell, missing) {
                    None => Ok(None),
                    Some(text) => decimal.read(text).map(Some).ok_or_else(|| DataError::Cell {
                        line: None,
                        path: table.path.clone(),
                        row: row + 1,
                        column: column.into(),
                        message: match (mqlcal_scorecard::formatted_number(text, decimal, by), by) {
                            (Some(why), _) => format!("{text:?} is not a number: {why}"),
                            (None, ReadBy::Config) => format!(
                                "{text:?} is not a number, and a numeric signal reads numbers only: correct the cell, add {text:?} to [input] missing to read it as blank, or make the signal kind = \"categorical\" if the column holds names"
                            ),
                            (None, ReadBy::Model) => format!("{text:?} is not a number"),
                        },
                    }),
                })
                .collect()
        }
        dt if dt.is_primitive_numeric() || dt.is_null() => {
            let cast = s
                .cast(&DataType::Float64)
                .map_err(|e| DataError::file(&table.path, e.to_string()))?;
            let ca = cast.f64().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            Ok(ca.iter().collect())
        }
        other => Err(DataError::ColumnType {
            path: table.path.clone(),
            column: column.into(),
            found: other.to_string(),
            expected: "a number (integer or float)".into(),
        }),
    }
}

/// A date column read: seconds since 1970-01-01 (naive) per row, blanks None, and how
/// the dates were written (ISO for typed Date/Datetime columns: what SQL casts them to).
pub struct Dates {
    pub values: Vec<Option<i64>>,
    pub layout: DateLayout,
    /// The column says its times are UTC where its layout does not: ISO ending in `Z`, as
    /// the HubSpot, Marketo and Salesforce APIs write it (read as plain ISO, the way a model
    /// records it; looked for only when the layout is detected), or a Parquet timestamp
    /// with a time zone.
    pub marked_utc: bool,
}

impl Dates {
    /// The times are instants rather than wall-clock time as written ([`are_instants`]).
    pub fn are_instants(&self) -> bool {
        are_instants(&self.layout, self.marked_utc)
    }
}

/// Times read by `layout` whose column says UTC or not (`Dates::marked_utc`) are instants:
/// a zone, Unix time, ISO ending in Z, a Parquet time zone; otherwise wall-clock time.
pub fn are_instants(layout: &DateLayout, marked_utc: bool) -> bool {
    layout.is_utc_instant() || marked_utc
}

/// An ISO time that ends in `Z`: in UTC, though read as plain ISO.
pub fn ends_in_utc_z(text: &str) -> bool {
    text.trim_end().ends_with(['Z', 'z'])
}

/// How to read a date column: the layout (given, or decided by the data) and what to
/// change when a cell is not written so.
pub struct DateRule<'a> {
    pub format: &'a DateFormat,
    pub fix: DateFix<'a>,
    /// `[input] time_zone` (a model's `inputs.time_zone`): the wall clock instants are
    /// moved onto; None leaves every time as read.
    pub zone: Option<&'a TimeZone>,
}

/// Where a column's date layout comes from, so what a message tells the user to change.
pub enum DateFix<'a> {
    /// A config key (`date_format`, `decided_at_format`): it can be set, to a 12-hour pattern too.
    Config(&'a str),
    /// A model file's recorded layout (what training read): this says what to do instead.
    Recorded(&'a str),
}

impl<'a> DateRule<'a> {
    /// The config's rule for a column.
    pub fn configured(format: &'a DateFormat) -> DateRule<'a> {
        Self::configured_by(format, "date_format")
    }

    /// The rule of a column whose layout config key `key` sets.
    pub fn configured_by(format: &'a DateFormat, key: &'a str) -> DateRule<'a> {
        DateRule { format, fix: DateFix::Config(key), zone: None }
    }

    /// The rule reading on `zone`'s wall clock (None: as read).
    pub fn on(self, zone: Option<&'a TimeZone>) -> DateRule<'a> {
        DateRule { zone, ..self }
    }

    /// The layout a column is read by, given the one found or set: with a zone set, ISO
    /// ending in Z (an instant, as the CRMs' APIs write it) is read as `iso_zoned`, so it
    /// is moved onto the zone's clock as every instant is, and the model records it so.
    /// Only where the layout was detected: a set date_format is the analyst's word.
    pub fn layout_on_clock(&self, layout: DateLayout, first: Option<&str>) -> DateLayout {
        let marked = self.zone.is_some() && matches!(self.format, DateFormat::Auto) && layout == DateLayout::Iso && first.is_some_and(ends_in_utc_z);
        if marked {
            DateLayout::IsoZoned
        } else {
            layout
        }
    }

    /// The zone a time read by `layout` is moved onto: the rule's, when the layout reads
    /// instants (a zone, Unix time); None for wall-clock times, read as written.
    #[inline]
    pub fn moved_to(&self, layout: &DateLayout) -> Option<&'a TimeZone> {
        self.zone.filter(|_| layout.is_utc_instant())
    }

    /// The message for a cell that is not a date as this rule reads dates.
    pub fn cannot_read(&self, text: &str, layout: &DateLayout) -> String {
        if let Some((number, fix)) = mqlcal_scorecard::numeric_date(text) {
            // A model's rule is not the analyst's to change: its own fix, not the config's.
            let fix = match self.fix {
                DateFix::Config(_) => format!(": {fix}"),
                DateFix::Recorded(recorded) => format!("; {recorded}"),
            };
            return format!("cannot read {text:?} as a date; expected {} (it looks like {number}{fix})", layout.describe());
        }
        // A tool's text for no value (`\N`, `NaT`, `#N/A`), no layout's date.
        if let Some(writer) = mqlcal_scorecard::blank_writer(text.trim()) {
            let fix = match self.fix {
                DateFix::Config(_) => "add it to [input] missing to read it as blank",
                DateFix::Recorded(_) => "the model reads as blank only the texts its inputs record as missing: export it as an empty cell",
            };
            return format!("cannot read {text:?} as a date; expected {} (it is {}: {fix})", layout.describe(), writer.what());
        }
        let fix = match self.fix {
            DateFix::Config(key) => match (layout.twelve_hour_pattern(text), short_year_fix(text, key)) {
                (Some(pattern), _) => format!("its time is on a 12-hour clock: set {key} = {pattern:?} in the config"),
                (None, Some(fix)) => fix,
                (None, None) if *layout == DateLayout::Iso && DateLayout::IsoZoned.parse(text).is_some() => {
                    format!("it carries a time zone: set {key} = \"iso_zoned\" in the config to read every timestamp as UTC")
                }
                (None, None) => match in_another_layout(text, layout) {
                    Some(other) => format!(
                        "it is written {other}: a column of two layouts, as a CRM migration or exports from two locales stacked write it, is read by no one {key}; export the column in one layout"
                    ),
                    // `Not set`, `unknown`: no date in any layout, a placeholder for none.
                    None if !text.bytes().any(|b| b.is_ascii_digit()) => "it has no digit, so it is no date: if it means none, add it to [input] missing".to_string(),
                    None => format!("set {key} in the config"),
                },
            },
            // A batch from the warehouse writes ISO where the training export did not.
            DateFix::Recorded(fix) if *layout != DateLayout::Iso && DateLayout::Iso.parse(text).is_some() => {
                format!("{fix}; this file writes ISO dates: score it with --dates iso")
            }
            DateFix::Recorded(fix) => fix.to_string(),
        };
        format!("cannot read {text:?} as a date; expected {} ({fix})", layout.describe())
    }
}

/// What to set for a date whose year has two digits (`1/15/24`): the pattern that reads
/// it, or both orders' when either could; None for other text.
fn short_year_fix(text: &str, key: &str) -> Option<String> {
    match mqlcal_scorecard::short_year_patterns(text).as_slice() {
        [one] => Some(format!("its year has two digits: set {key} = {one:?} in the config")),
        [month_first, day_first] => Some(format!(
            "its year has two digits: set {key} = {month_first:?} or {day_first:?} in the config, as the export writes the month or the day first"
        )),
        _ => None,
    }
}

/// A column as timestamps, read by `rule`.
pub fn timestamps(table: &Table, column: &str, rule: &DateRule<'_>, missing: &[String]) -> Result<Dates, DataError> {
    timestamps_of_rows(table, column, rule, missing, &|_| true)
}

/// A column as timestamps, read by `rule`, in the rows `read` takes (from 0); the others
/// are blank, neither looked at for the layout nor parsed (an open deal's forecast "TBD").
pub fn timestamps_of_rows(table: &Table, column: &str, rule: &DateRule<'_>, missing: &[String], read: &dyn Fn(usize) -> bool) -> Result<Dates, DataError> {
    let s = series(table, column)?;
    // A typed column's times are instants when its type has a zone, or when the model
    // recorded the column as one (a warehouse's TIMESTAMP scored by a zoned model).
    let typed = |values: Vec<Option<i64>>, marked_utc: bool| {
        let zone = rule.zone.filter(|_| marked_utc || rule.format.fixed().is_some_and(DateLayout::is_utc_instant));
        let values = values.into_iter().enumerate().map(|(row, v)| v.filter(|_| read(row)).map(|t| zone.map_or(t, |z| z.wall_clock(t)))).collect();
        match zone {
            Some(_) => Ok(Dates { values, layout: DateLayout::IsoZoned, marked_utc: false }),
            None => Ok(Dates { values, layout: DateLayout::Iso, marked_utc }),
        }
    };
    match s.dtype() {
        DataType::String => {
            let ca = s.str().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            // The cells of the rows read (None elsewhere), cleaned.
            let cells = || ca.iter().enumerate().map(|(row, c)| if read(row) { clean(c, missing) } else { None });
            let layout = match rule.format {
                DateFormat::Fixed(layout) => layout.clone(),
                DateFormat::Auto => detect_layout(cells().flatten())
                    .map_err(|message| DataError::Cell {
                        line: None,
                        path: table.path.clone(),
                        row: 0,
                        column: column.into(),
                        message,
                    })?,
            };
            let layout = rule.layout_on_clock(layout, cells().flatten().next());
            let zone = rule.moved_to(&layout);
            let values = cells()
                .enumerate()
                .map(|(row, cell)| match cell {
                    None => Ok(None),
                    Some(text) => layout.parse(text).map(|t| Some(zone.map_or(t, |z| z.wall_clock(t)))).ok_or_else(|| DataError::Cell {
                        line: None,
                        path: table.path.clone(),
                        row: row + 1,
                        column: column.into(),
                        message: rule.cannot_read(text, &layout),
                    }),
                })
                .collect::<Result<_, _>>()?;
            // Only where the layout was detected: a set date_format is the analyst's word on
            // the zone, and an events file read with one is never looked at this way.
            let marked_utc = matches!(rule.format, DateFormat::Auto) && layout == DateLayout::Iso && cells().flatten().next().is_some_and(ends_in_utc_z);
            Ok(Dates { values, layout, marked_utc })
        }
        DataType::Date => {
            let ca = s.date().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            typed(ca.physical().iter().map(|d| d.map(|d| d as i64 * 86_400)).collect(), false)
        }
        DataType::Datetime(unit, zone) => {
            let zoned = zone.is_some();
            let per_second = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            let ca = s.datetime().map_err(|e| DataError::file(&table.path, e.to_string()))?;
            typed(ca.physical().iter().map(|v| v.map(|v| v.div_euclid(per_second))).collect(), zoned)
        }
        other => Err(DataError::ColumnType {
            path: table.path.clone(),
            column: column.into(),
            found: other.to_string(),
            expected: "a date (text, Date or Datetime)".into(),
        }),
    }
}

/// What a column's dates (so far) say about their layout.
pub enum LayoutEvidence {
    /// ISO, or day-first / month-first proven by a component above 12.
    Decided(DateLayout),
    /// Only dates such as 03/04/2024 so far: could be either.
    Ambiguous { sample: String },
    /// Both a day above 12 and a month above 12 in the same place: contradictory.
    Mixed { day_first: String, month_first: String },
    /// Values that are no date layout we know.
    Unrecognised { sample: String },
    /// No values at all.
    Empty,
}

/// Weigh the evidence: ISO when they look ISO; otherwise day-first or month-first by a
/// component above 12.
pub fn layout_evidence<'a>(values: impl Iterator<Item = &'a str>) -> LayoutEvidence {
    let mut first_above_12 = None;
    let mut second_above_12 = None;
    let mut saw_slash = false;
    let mut sample = None;
    for value in values {
        if sample.is_none() {
            // Unix time (an API's or an analytics tool's timestamps): decided by the first value.
            if let Some(layout) = mqlcal_scorecard::unix_layout(value) {
                return LayoutEvidence::Decided(layout);
            }
            // A run of digits naming a date (20240105, a warehouse's date key): its pattern.
            if let Some(pattern) = mqlcal_scorecard::compact_pattern(value) {
                return LayoutEvidence::Decided(DateLayout::Pattern(pattern.into()));
            }
            sample = Some(value.to_string());
        }
        if value.len() >= 10 && value.as_bytes()[4] == b'-' && value.as_bytes()[7] == b'-' {
            // ISO: decided by the first value of that shape; one with a time zone that
            // plain ISO does not read (+02:00, UTC) is read as the UTC instant.
            if !saw_slash {
                let zoned = DateLayout::Iso.parse(value).is_none() && DateLayout::IsoZoned.parse(value).is_some();
                return LayoutEvidence::Decided(if zoned { DateLayout::IsoZoned } else { DateLayout::Iso });
            }
        }
        if let Some((a, b, _)) = dmy_parts(value) {
            saw_slash = true;
            if a > 12 && first_above_12.is_none() {
                first_above_12 = Some(value.to_string());
            }
            if b > 12 && second_above_12.is_none() {
                second_above_12 = Some(value.to_string());
            }
        }
    }
    // A 12-hour time with AM/PM (1/15/2024 9:05 PM, as US-locale CRM reports write) is read
    // by the pattern of the first value's shape, which the model file then records.
    let on_its_clock = |layout: DateLayout| sample.as_deref().and_then(|s| layout.twelve_hour_pattern(s)).map_or(layout, DateLayout::Pattern);
    match (first_above_12, second_above_12, saw_slash) {
        (Some(_), None, _) => LayoutEvidence::Decided(on_its_clock(DateLayout::DayFirst)),
        (None, Some(_), _) => LayoutEvidence::Decided(on_its_clock(DateLayout::MonthFirst)),
        (Some(day_first), Some(month_first), _) => LayoutEvidence::Mixed { day_first, month_first },
        (None, None, true) => LayoutEvidence::Ambiguous { sample: sample.unwrap_or_default() },
        (None, None, false) => match sample {
            None => LayoutEvidence::Empty,
            // A date with the month's name (01-Jan-2024) is read by the pattern its first value fits.
            Some(sample) => match mqlcal_scorecard::month_name_pattern(&sample) {
                Some(pattern) => LayoutEvidence::Decided(DateLayout::Pattern(pattern)),
                None => LayoutEvidence::Unrecognised { sample },
            },
        },
    }
}

impl LayoutEvidence {
    /// The layout, or why there is none (blank columns read as ISO: nothing to parse).
    pub fn into_layout(self) -> Result<DateLayout, String> {
        match self {
            LayoutEvidence::Decided(layout) => Ok(layout),
            LayoutEvidence::Empty => Ok(DateLayout::Iso),
            LayoutEvidence::Mixed { day_first, month_first } => Err(format!(
                "dates mix day-first ({day_first:?}) and month-first ({month_first:?}); set date_format explicitly"
            )),
            LayoutEvidence::Ambiguous { sample } => {
                let (day_first, month_first) = match (DateLayout::DayFirst.twelve_hour_pattern(&sample), DateLayout::MonthFirst.twelve_hour_pattern(&sample)) {
                    (Some(d), Some(m)) => (d, m),
                    _ => ("%d/%m/%Y".to_string(), "%m/%d/%Y".to_string()),
                };
                Err(format!("dates such as {sample:?} could be day-first or month-first; set date_format = {day_first:?} or {month_first:?}"))
            }
            LayoutEvidence::Unrecognised { sample } => Err(match mqlcal_scorecard::numeric_date(&sample) {
                Some((number, fix)) => format!("cannot recognise the date format of values such as {sample:?}: they look like {number}: {fix}"),
                None => match short_year_fix(&sample, "date_format") {
                    Some(fix) => format!("cannot recognise the date format of values such as {sample:?}: {fix}"),
                    None => format!("cannot recognise the date format of values such as {sample:?}; set date_format (a strftime pattern)"),
                },
            }),
        }
    }
}

/// How `text` is written when a layout other than `layout` reads it (ISO among day and
/// month with slashes, or the other way round, a month's name): the column mixes layouts.
fn in_another_layout(text: &str, layout: &DateLayout) -> Option<String> {
    match layout_evidence(std::iter::once(text)) {
        LayoutEvidence::Decided(other) if other != *layout && other.parse(text).is_some() => Some(other.describe()),
        // A day and a month that are both 12 or less: either order.
        LayoutEvidence::Ambiguous { .. } if !matches!(layout, DateLayout::DayFirst | DateLayout::MonthFirst) => Some("DD/MM/YYYY or MM/DD/YYYY".to_string()),
        _ => None,
    }
}

/// Decide the layout from all the values of a column.
pub fn detect_layout<'a>(values: impl Iterator<Item = &'a str>) -> Result<DateLayout, String> {
    layout_evidence(values).into_layout()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counted by slot or by hash, every value's count is a plain count's, in first-seen order,
    /// also when values share a slot (same length and end bytes) and alternate.
    #[test]
    fn value_counts_are_plain_counts() {
        let mut values: Vec<String> = Vec::new();
        let mut state = 11u64;
        for k in 0..20_000u64 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            values.push(match (state >> 33) % 7 {
                0 => "vp".to_string(),
                1 => "VP".to_string(),
                2 => "v-p".to_string(),
                3 => format!("a{}z", k % 37),
                4 => format!("a{}z", (k * 7) % 53),
                5 => String::new(),
                _ => "individual contributor".to_string(),
            });
        }
        let mut counts = ValueCounts::default();
        values.iter().for_each(|v| counts.add(v));
        let mut plain: Vec<(&str, usize)> = Vec::new();
        for v in &values {
            match plain.iter_mut().find(|(seen, _)| *seen == v.as_str()) {
                Some((_, n)) => *n += 1,
                None => plain.push((v, 1)),
            }
        }
        assert_eq!(counts.counts, plain);
    }

    /// The length bits only skip comparisons: every cell is cleaned as the rule says
    /// (trimmed; blank or a marker is None), whatever the markers' lengths (none, empty,
    /// 63 bytes and longer, non-ASCII).
    #[test]
    fn missing_markers_clean_as_clean_does() {
        let long = "x".repeat(63);
        let longer = "x".repeat(70);
        let marker_sets: Vec<Vec<String>> = vec![
            vec![],
            ["", "Select", "NA", "N/A", "null", "NULL"].map(String::from).to_vec(),
            vec![long.clone(), longer.clone(), "—".into(), " padded ".into()],
        ];
        let mut cells: Vec<String> = ["", " ", "NA", " NA ", "na", "N/A\t", "Select", "select", "null", "NULLS", "—", " — ", "padded", " padded ", "L0000001", "2024-01-02T03:04:05"]
            .map(String::from)
            .to_vec();
        cells.extend([long.clone(), format!(" {long} "), longer.clone(), "x".repeat(64), "x".repeat(62)]);
        for markers in &marker_sets {
            let fast = MissingMarkers::new(markers);
            for cell in &cells {
                let plainly = Some(cell.trim()).filter(|t| !t.is_empty() && !markers.iter().any(|m| m == t));
                assert_eq!(fast.clean(cell), plainly, "{cell:?} by {markers:?}");
                assert_eq!(clean(Some(cell), markers), plainly);
                assert_eq!(is_missing(cell, markers), plainly.is_none());
            }
        }
    }

    #[test]
    fn a_12_hour_time_is_answered_with_the_pattern_that_reads_it() {
        let format = DateFormat::Auto;
        let rule = DateRule::configured(&format);
        let says = |text: &str, layout: DateLayout| rule.cannot_read(text, &layout);
        for (text, layout, pattern) in [
            ("1/15/2024 9:05 AM", DateLayout::MonthFirst, "%m/%d/%Y %I:%M %p"),
            ("15.01.2024 09:05:07 pm", DateLayout::DayFirst, "%d.%m.%Y %I:%M:%S %p"),
            ("2024-01-15 9:05PM", DateLayout::Iso, "%Y-%m-%d %I:%M%p"),
        ] {
            let message = says(text, layout.clone());
            assert!(message.ends_with(&format!("(its time is on a 12-hour clock: set date_format = {pattern:?} in the config)")), "{message}");
            // The pattern suggested reads the text, and a pattern layout reads it so.
            assert!(DateLayout::Pattern(pattern.into()).parse(text).is_some(), "{pattern} reads {text}");
        }
        // No suggestion that would not read the text, and none for a model file's rule.
        for (text, layout) in [("13/15/2024 9:05 AM", DateLayout::MonthFirst), ("1/15/2024 13:05 PM", DateLayout::MonthFirst), ("1/15/2024", DateLayout::MonthFirst)] {
            let message = says(text, layout);
            assert!(message.ends_with("(set date_format in the config)"), "{message}");
        }
        let model = DateRule { format: &format, fix: DateFix::Recorded("as the model's training data wrote them"), zone: None };
        assert!(!model.cannot_read("1/15/2024 9:05 AM", &DateLayout::MonthFirst).contains("12-hour"));
    }

    #[test]
    fn a_time_zone_is_detected_or_answered_with_iso_zoned() {
        assert_eq!(detect_layout(["2024-01-15 09:05:00+00:00", "2024-01-16 10:00:00+00:00"].into_iter()), Ok(DateLayout::IsoZoned));
        assert_eq!(detect_layout(["2024-01-15 09:05:00 UTC"].into_iter()), Ok(DateLayout::IsoZoned));
        // Z alone is plain ISO, as it always was; the first value decides.
        assert_eq!(detect_layout(["2024-01-15T09:05:00Z", "2024-01-16T10:00:00+02:00"].into_iter()), Ok(DateLayout::Iso));
        let format = DateFormat::Auto;
        let rule = DateRule::configured(&format);
        let message = rule.cannot_read("2024-01-16T10:00:00+02:00", &DateLayout::Iso);
        assert!(message.ends_with("(it carries a time zone: set date_format = \"iso_zoned\" in the config to read every timestamp as UTC)"), "{message}");
        // Not for a zone iso_zoned does not read, nor for another layout's column.
        assert!(rule.cannot_read("2024-01-16T10:00:00 CET", &DateLayout::Iso).ends_with("(set date_format in the config)"));
        assert!(rule.cannot_read("2024-01-16T10:00:00+02:00", &DateLayout::DayFirst).contains("(it is written YYYY-MM-DD HH:MM:SS with a time zone"));
    }

    /// A column of two layouts (a CRM migration, exports from two locales stacked): the
    /// cell the column's layout cannot read is said to be in another, which no one
    /// date_format reads; a cell no layout reads is answered as before.
    #[test]
    fn a_cell_in_another_layout_says_the_column_mixes_two() {
        let format = DateFormat::Auto;
        let rule = DateRule::configured(&format);
        let two = "a column of two layouts, as a CRM migration or exports from two locales stacked write it, is read by no one date_format; export the column in one layout)";
        for (text, layout, written) in [
            ("4/9/2025", DateLayout::Iso, "DD/MM/YYYY or MM/DD/YYYY"),
            ("1/2/2024 9:05 AM", DateLayout::Iso, "DD/MM/YYYY or MM/DD/YYYY"),
            ("4/19/2025", DateLayout::Iso, "MM/DD/YYYY"),
            ("19/4/2025", DateLayout::MonthFirst, "DD/MM/YYYY"),
            ("2025-04-19", DateLayout::DayFirst, "YYYY-MM-DD (optionally with a time)"),
            ("19-Apr-2025", DateLayout::Iso, "the pattern \"%d-%b-%Y\""),
        ] {
            let message = rule.cannot_read(text, &layout);
            assert!(message.ends_with(&format!("(it is written {written}: {two}")), "{text}: {message}");
        }
        for (text, layout) in [("2025/04/09", DateLayout::Iso), ("2025-13-45", DateLayout::Iso), ("4/9/2025", DateLayout::DayFirst)] {
            assert!(rule.cannot_read(text, &layout).ends_with("(set date_format in the config)"), "{text}");
        }
        // A placeholder for no date: no layout's, no digit.
        assert!(rule.cannot_read("Not set", &DateLayout::Iso).ends_with("(it has no digit, so it is no date: if it means none, add it to [input] missing)"));
        // What a tool writes for no value is said as such, for the config and for a model.
        assert!(rule.cannot_read("\\N", &DateLayout::Iso).ends_with("(it is how a database's text export writes NULL (MySQL, PostgreSQL's COPY, a Snowflake unload): add it to [input] missing to read it as blank)"));
        assert!(rule.cannot_read("NaT", &DateLayout::DayFirst).contains("(it is how pandas writes a blank once a frame is made text: add it to [input] missing"));
        let recorded = DateRule { fix: DateFix::Recorded("as the model's training data wrote them"), ..rule };
        assert!(recorded.cannot_read("#N/A", &DateLayout::Iso).ends_with("(it is a spreadsheet's error value: the model reads as blank only the texts its inputs record as missing: export it as an empty cell)"));
    }

    #[test]
    fn a_12_hour_clock_is_detected_as_the_pattern_that_reads_it() {
        let month_first = detect_layout(["1/15/2024 9:05 AM", "1/16/2024 12:30 pm", "2/1/2024"].into_iter());
        assert_eq!(month_first, Ok(DateLayout::Pattern("%m/%d/%Y %I:%M %p".into())));
        let day_first = detect_layout(["15.01.2024 09:05:07 PM", "02.01.2024 01:00:00 AM"].into_iter());
        assert_eq!(day_first, Ok(DateLayout::Pattern("%d.%m.%Y %I:%M:%S %p".into())));
        // The first value decides: date-only first stays month-first (its later cells are then
        // answered with the pattern).
        assert_eq!(detect_layout(["1/15/2024", "1/16/2024 9:05 AM"].into_iter()), Ok(DateLayout::MonthFirst));
        let ambiguous = detect_layout(["01/02/2024 9:05 AM"].into_iter()).unwrap_err();
        assert!(ambiguous.contains("\"%d/%m/%Y %I:%M %p\" or \"%m/%d/%Y %I:%M %p\""), "{ambiguous}");
        assert!(detect_layout(["01/02/2024"].into_iter()).unwrap_err().contains("\"%d/%m/%Y\" or \"%m/%d/%Y\""));
        // A comma after the date (Salesforce's ICU locale formats, JavaScript's toLocaleString).
        let icu = detect_layout(["1/15/2024, 9:05 AM", "1/16/2024, 12:30 PM"].into_iter());
        assert_eq!(icu, Ok(DateLayout::Pattern("%m/%d/%Y, %I:%M %p".into())));
        let ambiguous = detect_layout(["1/2/2024, 9:05:00 AM"].into_iter()).unwrap_err();
        assert!(ambiguous.contains("\"%d/%m/%Y, %I:%M:%S %p\" or \"%m/%d/%Y, %I:%M:%S %p\""), "{ambiguous}");
    }

    #[test]
    fn a_two_digit_year_is_answered_with_the_patterns_that_read_it() {
        // Excel's short date saved to CSV: the pattern is named, never guessed.
        let one = detect_layout(["1/15/24 9:05", "1/16/24 10:00"].into_iter()).unwrap_err();
        assert!(one.ends_with("\"1/15/24 9:05\": its year has two digits: set date_format = \"%m/%d/%y %H:%M\" in the config"), "{one}");
        let both = detect_layout(["01.02.24"].into_iter()).unwrap_err();
        assert!(both.contains("set date_format = \"%m.%d.%y\" or \"%d.%m.%y\" in the config, as the export writes"), "{both}");
        let format = DateFormat::Auto;
        let rule = DateRule::configured_by(&format, "decided_at_format");
        let said = rule.cannot_read("1/15/24, 9:05 PM", &DateLayout::MonthFirst);
        assert!(said.ends_with("(its year has two digits: set decided_at_format = \"%m/%d/%y, %I:%M %p\" in the config)"), "{said}");
        for text in ["1/15/2024", "2024-01-15", "1/15/24x", "1/2/3/24"] {
            assert!(mqlcal_scorecard::short_year_patterns(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_run_of_digits_naming_a_date_is_read_by_its_pattern() {
        // GA4's event_date, a warehouse's date key, a log's timestamp: decided by the first value.
        assert_eq!(detect_layout(["20240105", "20240106"].into_iter()), Ok(DateLayout::Pattern("%Y%m%d".into())));
        assert_eq!(detect_layout(["20240105093015"].into_iter()), Ok(DateLayout::Pattern("%Y%m%d%H%M%S".into())));
        // Not a date (month 13): not recognised, and no pattern suggested.
        assert!(detect_layout(["20241305"].into_iter()).unwrap_err().contains("set date_format (a strftime pattern)"));
    }

    #[test]
    fn a_comma_after_the_date_is_read_on_a_24_hour_clock_too() {
        // de-DE and en-GB toLocaleString: day first, the time after ", ".
        assert_eq!(detect_layout(["15.11.2023, 18:22:01", "02.12.2023, 07:05:00"].into_iter()), Ok(DateLayout::DayFirst));
        assert_eq!(DateLayout::DayFirst.parse("15.11.2023, 18:22:01"), DateLayout::DayFirst.parse("15.11.2023 18:22:01"));
        assert!(DateLayout::DayFirst.parse("15.11.2023, 18:22:01").is_some());
        // A comma with nothing after it, or anywhere else, is not a date.
        for text in ["15.11.2023,", "15,11.2023 18:22", "15.11.2023 ,18:22"] {
            assert_eq!(DateLayout::DayFirst.parse(text), None, "{text}");
        }
    }

    #[test]
    fn day_first_month_first_detection() {
        assert_eq!(detect_layout(["03/04/2024", "25/04/2024"].into_iter()), Ok(DateLayout::DayFirst));
        assert_eq!(detect_layout(["03/04/2024", "04/25/2024"].into_iter()), Ok(DateLayout::MonthFirst));
        assert!(detect_layout(["03/04/2024"].into_iter()).unwrap_err().contains("day-first or month-first"));
        assert_eq!(detect_layout(["2024-01-05"].into_iter()), Ok(DateLayout::Iso));
        assert_eq!(DateLayout::DayFirst.parse("02/01/1970"), Some(86_400));
        assert_eq!(DateLayout::MonthFirst.parse("01/02/1970 00:00:10"), Some(86_410));
        assert_eq!(DateLayout::Pattern("%d.%m.%Y".into()).parse("02.01.1970"), Some(86_400));
    }
}
