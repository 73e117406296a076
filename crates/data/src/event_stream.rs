//! An events file read one row at a time, for the feature table (ingest) and for
//! scoring alike. A CSV file is streamed (memory does not grow with it: 20M
//! events are counted, not held); a Parquet file is read through polars.
//! Cells are trimmed, blanks and missing markers become None, and dates are
//! parsed as everywhere else, with errors naming the file, row and column.

use std::io::{BufRead, BufReader};
use std::path::Path;

use mqlcal_config::{CsvOptions, Encoding};
use polars::prelude::PlHashMap;

use crate::cells::{self, clean, DateLayout, DateRule, LayoutEvidence};
use crate::read::{self, ReadNotes};
use crate::DataError;

/// The three columns of an events file.
pub(crate) struct EventColumnNames<'a> {
    pub lead_id: &'a str,
    pub occurred_at: &'a str,
    pub activity: &'a str,
}

/// One event as read: cleaned cells (None when blank).
pub(crate) struct Event<'a> {
    pub lead_id: Option<&'a str>,
    pub occurred_at: Option<i64>,
    pub activity: Option<&'a str>,
}

/// Lead ids to their rows, for events. Exports list a lead's events together more often
/// than not, so the last id asked for is remembered: a run of one lead's events costs
/// one lookup, not one each.
pub(crate) struct LeadLookup<'a> {
    rows: PlHashMap<&'a str, usize>,
    last_id: String,
    last_row: Option<Option<usize>>,
}

impl<'a> LeadLookup<'a> {
    pub(crate) fn new(ids: &'a [String]) -> LeadLookup<'a> {
        LeadLookup { rows: ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect(), last_id: String::new(), last_row: None }
    }

    /// The row of lead `id`, None when no lead has it.
    pub(crate) fn row(&mut self, id: &str) -> Option<usize> {
        match self.last_row {
            Some(row) if self.last_id == id => row,
            _ => {
                let row = self.rows.get(id).copied();
                self.last_id.clear();
                self.last_id.push_str(id);
                self.last_row = Some(row);
                row
            }
        }
    }
}

/// A row read while the date layout is undecided: (row, id, time, activity).
type HeldRow = (usize, Option<String>, Option<String>, Option<String>);

/// Rows kept back before the date layout is decided (an ISO date decides at once;
/// day-first vs month-first waits for a day above 12, as reading the whole column would).
const LAYOUT_SAMPLE_ROWS: usize = 10_000;

/// What reading an events file found: its data rows and how its times were written.
pub(crate) struct EventsRead {
    pub rows: usize,
    pub layout: DateLayout,
}

/// Call `take` for every event of `path`, its time read by `dates`.
pub(crate) fn for_each_event(
    path: &Path,
    csv: &CsvOptions,
    columns: &EventColumnNames,
    dates: &DateRule<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<EventsRead, DataError> {
    let needed = [
        (columns.lead_id.to_string(), "the lead id of each event ([events] lead_id)".to_string()),
        (columns.occurred_at.to_string(), "the time of each event ([events] occurred_at)".to_string()),
        (columns.activity.to_string(), "the activity of each event ([events] activity)".to_string()),
    ];
    match read::file_kind(path)? {
        read::FileKind::Parquet => {
            let table = read::read_table(path, csv, Some(&needed), notes)?;
            let ids = cells::text(&table, columns.lead_id)?;
            let activities = cells::text(&table, columns.activity)?;
            let times = cells::timestamps(&table, columns.occurred_at, dates, &csv.missing)?;
            for ((id, activity), time) in ids.iter().zip(activities.iter()).zip(times.values) {
                take(Event { lead_id: clean(id, &csv.missing), occurred_at: time, activity: clean(activity, &csv.missing) });
            }
            Ok(EventsRead { rows: table.height(), layout: times.layout })
        }
        read::FileKind::Csv => stream_csv(path, csv, columns, &needed, dates, notes, take),
    }
}

/// Text of one field: UTF-8, or Latin-1 when the config says so (or, with `auto`, when it is not UTF-8).
enum Decoding {
    Utf8,
    Latin1,
    Auto { warned: bool },
}

impl Decoding {
    fn decode<'a>(
        &mut self,
        bytes: &'a [u8],
        scratch: &'a mut String,
        at: (&Path, usize, u64, &str),
        notes: &mut ReadNotes,
    ) -> Result<&'a str, DataError> {
        let latin1 = |scratch: &'a mut String| -> &'a str {
            scratch.clear();
            scratch.extend(bytes.iter().map(|&b| b as char));
            scratch.as_str()
        };
        match self {
            Decoding::Latin1 => Ok(latin1(scratch)),
            Decoding::Utf8 => std::str::from_utf8(bytes).map_err(|e| DataError::NotUtf8 {
                path: at.0.to_path_buf(),
                row: at.1,
                line: at.2 as usize,
                column: at.3.to_string(),
                byte: bytes[e.valid_up_to()],
            }),
            Decoding::Auto { warned } => match std::str::from_utf8(bytes) {
                Ok(text) => Ok(text),
                Err(_) => {
                    if !*warned {
                        *warned = true;
                        notes.warnings.push(format!(
                            "{}: row {} (and maybe others) is not valid UTF-8, read as Latin-1 (set [input] encoding to silence this)",
                            at.0.display(),
                            at.1
                        ));
                    }
                    Ok(latin1(scratch))
                }
            },
        }
    }
}

fn stream_csv(
    path: &Path,
    options: &CsvOptions,
    columns: &EventColumnNames,
    needed: &[(String, String)],
    dates: &DateRule<'_>,
    notes: &mut ReadNotes,
    take: &mut dyn FnMut(Event<'_>),
) -> Result<EventsRead, DataError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(DataError::NotFound { path: path.to_path_buf() }),
        Err(e) => return Err(DataError::io(path, e)),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let first_line = reader.fill_buf().map_err(|e| DataError::io(path, e))?.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delimiter = options.delimiter.unwrap_or_else(|| read::detect_delimiter(first_line));
    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(reader);
    let header = read_header(path, &mut csv, needed)?;
    let index = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let (id_at, time_at, activity_at) = (index(columns.lead_id), index(columns.occurred_at), index(columns.activity));
    let mut decoding = match options.encoding {
        Encoding::Utf8 => Decoding::Utf8,
        Encoding::Latin1 => Decoding::Latin1,
        Encoding::Auto => Decoding::Auto { warned: false },
    };

    let mut layout: Option<DateLayout> = dates.format.fixed().cloned();
    let mut held: Vec<HeldRow> = Vec::new();
    let parse = |layout: &DateLayout, row: usize, text: &str| -> Result<i64, DataError> {
        layout.parse(text).ok_or_else(|| DataError::Cell {
            path: path.to_path_buf(),
            row,
            column: columns.occurred_at.to_string(),
            message: dates.cannot_read(text, layout),
        })
    };
    let release = |layout: &DateLayout, held: &mut Vec<HeldRow>, take: &mut dyn FnMut(Event<'_>)| {
        for (row, id, time, activity) in held.drain(..) {
            let occurred_at = time.as_deref().map(|t| parse(layout, row, t)).transpose()?;
            take(Event { lead_id: id.as_deref(), occurred_at, activity: activity.as_deref() });
        }
        Ok::<(), DataError>(())
    };

    let (mut id_text, mut time_text, mut activity_text) = (String::new(), String::new(), String::new());
    let mut row = 0usize;
    let mut next_layout_check = LAYOUT_SAMPLE_ROWS;
    // Parsing the CSV and counting the events each take a core: a thread parses batches of
    // records while this one decodes, dates and hands them on (batches are recycled).
    std::thread::scope(|scope| -> Result<(), DataError> {
        let (filled_tx, filled_rx) = std::sync::mpsc::sync_channel::<Batch>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<csv::ByteRecord>>();
        scope.spawn(move || parse_batches(csv, &filled_tx, &empty_rx));
        for batch in filled_rx {
            for record in &batch.records[..batch.len] {
                row += 1;
                let line = record.position().map_or(0, |p| p.line());
                let field = |k: usize| record.get(k).unwrap_or(b"");
                let id = decoding.decode(field(id_at), &mut id_text, (path, row, line, columns.lead_id), notes)?;
                let time = decoding.decode(field(time_at), &mut time_text, (path, row, line, columns.occurred_at), notes)?;
                let activity = decoding.decode(field(activity_at), &mut activity_text, (path, row, line, columns.activity), notes)?;
                let (id, time, activity) =
                    (clean(Some(id), &options.missing), clean(Some(time), &options.missing), clean(Some(activity), &options.missing));
                match &layout {
                    Some(l) => {
                        let occurred_at = time.map(|t| parse(l, row, t)).transpose()?;
                        take(Event { lead_id: id, occurred_at, activity });
                    }
                    None => {
                        held.push((row, id.map(str::to_string), time.map(str::to_string), activity.map(str::to_string)));
                        if held.len() >= next_layout_check {
                            next_layout_check += LAYOUT_SAMPLE_ROWS;
                            if let Some(decided) = decisive_layout(path, columns.occurred_at, &held)? {
                                release(&decided, &mut held, take)?;
                                layout = Some(decided);
                            }
                        }
                    }
                }
            }
            if let Some(error) = batch.error {
                let message = match error.kind() {
                    csv::ErrorKind::UnequalLengths { pos, expected_len, len } => crate::csv_lint::ragged_message(
                        pos.as_ref().map_or(row + 2, |p| p.line() as usize),
                        *len as usize,
                        *expected_len as usize,
                        delimiter,
                        "",
                    ),
                    _ => format!("row {} (line {}): {}", row + 1, row + 2, crate::csv_lint::snippet(error.to_string().as_bytes())),
                };
                return Err(DataError::file(path, message));
            }
            let _ = empty_tx.send(batch.records);
        }
        Ok(())
    })?;
    let layout = match layout {
        Some(layout) => layout,
        None => {
            let decided = cells::detect_layout(held.iter().filter_map(|h| h.2.as_deref())).map_err(|message| DataError::Cell {
                path: path.to_path_buf(),
                row: 1,
                column: columns.occurred_at.to_string(),
                message,
            })?;
            release(&decided, &mut held, take)?;
            decided
        }
    };
    if row == 0 {
        return Err(DataError::Empty { path: path.to_path_buf() });
    }
    Ok(EventsRead { rows: row, layout })
}

/// The header's names (trimmed, without a byte-order mark), checked: not blank,
/// no name twice, and every needed column there.
fn read_header<R: std::io::Read>(path: &Path, csv: &mut csv::Reader<R>, needed: &[(String, String)]) -> Result<Vec<String>, DataError> {
    let header: Vec<String> = csv
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
    crate::csv_lint::check_unique_header(path, &header)?;
    read::check_columns(path, &header, needed)?;
    Ok(header)
}

/// Records per batch handed from the parsing thread to the counting one.
const BATCH_RECORDS: usize = 8192;

/// Parsed records; the last batch is short (end of file) or carries the parse error.
struct Batch {
    records: Vec<csv::ByteRecord>,
    len: usize,
    error: Option<csv::Error>,
}

/// The parsing thread: fill batches until the file ends, an error, or nobody listens.
fn parse_batches<R: std::io::Read>(
    mut csv: csv::Reader<R>,
    filled: &std::sync::mpsc::SyncSender<Batch>,
    empty: &std::sync::mpsc::Receiver<Vec<csv::ByteRecord>>,
) {
    loop {
        let mut records = empty.try_recv().unwrap_or_default();
        records.resize_with(BATCH_RECORDS, csv::ByteRecord::new);
        let (mut len, mut error) = (0, None);
        while len < BATCH_RECORDS {
            match csv.read_byte_record(&mut records[len]) {
                Ok(true) => len += 1,
                Ok(false) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let last = len < BATCH_RECORDS;
        if filled.send(Batch { records, len, error }).is_err() || last {
            return;
        }
    }
}

/// The layout the held rows already prove; None while they could still go either way.
fn decisive_layout(
    path: &Path,
    column: &str,
    held: &[HeldRow],
) -> Result<Option<DateLayout>, DataError> {
    match cells::layout_evidence(held.iter().filter_map(|h| h.2.as_deref())) {
        LayoutEvidence::Decided(layout) => Ok(Some(layout)),
        LayoutEvidence::Ambiguous { .. } | LayoutEvidence::Empty => Ok(None),
        evidence => evidence
            .into_layout()
            .map(Some)
            .map_err(|message| DataError::Cell { path: path.to_path_buf(), row: 1, column: column.to_string(), message }),
    }
}

#[cfg(test)]
mod tests {
    use mqlcal_config::DateFormat;

    use super::*;

    fn options(encoding: Encoding) -> CsvOptions {
        CsvOptions { delimiter: None, encoding, missing: vec!["NULL".into()] }
    }

    const NAMES: EventColumnNames<'static> = EventColumnNames { lead_id: "lead", occurred_at: "at", activity: "what" };

    type Seen = Vec<(Option<String>, Option<i64>, Option<String>)>;

    fn read(bytes: &[u8], encoding: Encoding) -> Result<(Seen, ReadNotes), DataError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut notes = ReadNotes::default();
        let mut seen = Vec::new();
        for_each_event(&path, &options(encoding), &NAMES, &DateRule::configured(&DateFormat::Auto), &mut notes, &mut |e| {
            seen.push((e.lead_id.map(str::to_string), e.occurred_at, e.activity.map(str::to_string)))
        })?;
        Ok((seen, notes))
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
        assert_eq!(seen[1], (Some("L1".into()), Some(19_755 * 86_400), Some("visit".into())));
        assert_eq!(seen.last().unwrap(), &(Some("L9".into()), Some(19_807 * 86_400), Some("demo".into())));
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
