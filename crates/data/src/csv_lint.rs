//! One pass over a CSV file's bytes before it is parsed, so that a malformed
//! export is refused with a message a person can act on (file, line, column,
//! what was found, what fixes it) instead of the parser's own, and never read
//! half-right (a short row silently padded with blanks).
//!
//! Quoting follows RFC 4180 leniently, as the parsers do: a field that starts
//! with `"` runs to the matching `"` (a doubled `""` is a quote inside it); a
//! quote elsewhere is kept as text.

use std::io::BufRead;
use std::path::Path;

use crate::report_footer::ReportFooter;
use crate::DataError;

/// How much of a line a message quotes.
const SNIPPET_CHARS: usize = 80;

/// The first invalid UTF-8 byte, with where it is.
pub(crate) struct BadByte {
    /// 1-based line number.
    pub line: usize,
    pub byte: u8,
    /// 0-based field index in its record.
    pub field: usize,
}

/// What the lint pass found that is not an error by itself.
pub(crate) struct Lint {
    pub bad_utf8: Option<BadByte>,
    /// A report's footer below the rows: the pass stopped there.
    pub footer: Option<ReportFooter>,
    /// Lines walked, the header's among them: at least the records (a quoted cell can span lines).
    pub lines: usize,
}

/// Why the pass stops before the end of the file.
enum Stop {
    Error(DataError),
    /// A report's footer begins: the rows end.
    Footer(ReportFooter),
}

impl From<DataError> for Stop {
    fn from(e: DataError) -> Stop {
        Stop::Error(e)
    }
}

#[cfg(test)]
impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Error(e) => e.fmt(f),
            Stop::Footer(footer) => write!(f, "a report's footer from line {}", footer.first_line),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field or starts a `""`.
    QuoteInQuoted,
}

/// What one byte does to the quoting state.
enum Step {
    Next(State),
    Delimiter,
    EndOfLine,
    /// A quote inside a field not quoted as a whole, or text after a closing quote:
    /// the parsers keep it as text; a strict reading fails here.
    Stray,
}

/// The quoting state machine, written once for the lint pass and the strict reading.
fn step(state: State, b: u8, delimiter: u8) -> Step {
    match (state, b) {
        (State::Quoted, b'"') => Step::Next(State::QuoteInQuoted),
        (State::Quoted, _) => Step::Next(State::Quoted),
        (State::QuoteInQuoted, b'"') => Step::Next(State::Quoted),
        (State::FieldStart, b'"') => Step::Next(State::Quoted),
        (_, b'\n') => Step::EndOfLine,
        (_, d) if d == delimiter => Step::Delimiter,
        (State::QuoteInQuoted, b'\r') => Step::Next(State::QuoteInQuoted),
        (State::Unquoted, b'"') | (State::QuoteInQuoted, _) => Step::Stray,
        _ => Step::Next(State::Unquoted),
    }
}

/// The line cut to [`SNIPPET_CHARS`], for messages.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\n', '\r']);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

/// A delimiter as messages name it: `tab`, or the character in quotes.
pub(crate) fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        d => format!("{:?}", d as char),
    }
}

/// The message for a record whose field count is not the header's.
pub(crate) fn ragged_message(line: usize, found: usize, expected: usize, delimiter: u8, text: &str) -> String {
    let shown = if text.is_empty() { String::new() } else { format!(" ({text:?})") };
    let first_cell = text.trim_start_matches('"');
    if found < expected && crate::report_footer::starts_footer(first_cell) {
        return format!(
            "line {line}: {found} fields where the header has {expected}{shown}: this looks like a report's footer (totals, confidentiality and copyright lines below the rows, as a Salesforce report export writes); export the details only, or delete the lines from line {line} on"
        );
    }
    // A quoted blank line ("\"\""), as a report whose every cell is quoted writes above its footer.
    if found == 1 && expected > 1 && text.contains('"') && text.trim_matches(|c: char| c == '"' || c.is_whitespace()).is_empty() {
        return format!(
            "line {line}: one empty field where the header has {expected}{shown}: a blank line written as \"\"; if a report's footer follows (totals, confidentiality and copyright lines, as a Salesforce report export writes), export the details only or delete the lines from line {line} on; otherwise delete the line"
        );
    }
    // A report's title (and date, owner …) above the header: read as the header, one field.
    if expected == 1 && found > 1 && line <= TITLE_LINES {
        return format!(
            "line {line}: {found} fields where the header has {expected}{shown}: if line {line} is the header and the lines above it a report's title, delete them (the header must be line 1)"
        );
    }
    format!(
        "line {line}: {found} fields where the header has {expected}{shown}; a field holding the delimiter {} or a line break must be in double quotes (or set [input] delimiter if the file uses another)",
        delimiter_name(delimiter)
    )
}

/// Lines a report may write above its header (a title, a date, filters), looked at for it.
pub(crate) const TITLE_LINES: usize = 20;

/// The line (from 1) among the first [`TITLE_LINES`] of `path` after the first that holds
/// `column` as a field (split by the delimiter found in it): where the header is when a
/// report wrote lines above it.
pub(crate) fn header_line_below(path: &Path, column: &str) -> Option<usize> {
    use std::io::{BufRead, BufReader};
    let lines = BufReader::new(crate::read::open_input(path, 0).ok()?).split(b'\n').take(TITLE_LINES).map_while(Result::ok);
    lines.enumerate().skip(1).find_map(|(k, line)| {
        let delimiter = crate::read::detect_delimiter(&line);
        let text = String::from_utf8_lossy(&line);
        crate::read::split_header(text.trim_end_matches('\r'), delimiter).iter().any(|field| field == column).then_some(k + 1)
    })
}

/// A file's first line (as read, with its line end) checked for what is not a header:
/// UTF-32 text, or Excel's delimiter hint. Every reader of a CSV file asks this first
/// (UTF-16 text reaches it decoded).
pub(crate) fn check_first_line(path: &Path, first_line: &[u8]) -> Result<(), DataError> {
    check_not_utf32(path, first_line)?;
    check_not_sep_line(path, first_line)
}

/// Refuse a first line that is Excel's delimiter hint (`sep=;`, which some exports write
/// so that Excel splits the file), not a header: read as one, it names a single column
/// and every record is ragged. `first_line` as read, with its line end.
fn check_not_sep_line(path: &Path, first_line: &[u8]) -> Result<(), DataError> {
    let line = first_line.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(first_line);
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line {
        [s, e, p, b'=', delimiter] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => Err(DataError::file(
            path,
            format!(
                "line 1 is {:?}, the line some exports write to tell Excel the delimiter, not a header: delete that line (the header must be line 1; [input] delimiter = \"auto\" finds the {} itself)",
                String::from_utf8_lossy(line),
                delimiter_name(*delimiter)
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuse UTF-32 text before it is split: read as bytes it parses into cells laced with
/// zero bytes and fails far from the cause. `start` is the file's first bytes.
fn check_not_utf32(path: &Path, start: &[u8]) -> Result<(), DataError> {
    let order = match start {
        [0xFF, 0xFE, 0, 0, ..] => "little-endian",
        [0, 0, 0xFE, 0xFF, ..] => "big-endian",
        _ => return Ok(()),
    };
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let converted = path.with_file_name(format!("utf8-{name}"));
    Err(DataError::file(
        path,
        format!(
            "the file is UTF-32 {order} text (it starts with UTF-32's byte-order mark); mqlcal reads UTF-8, UTF-16 or Latin-1: save it as \"CSV UTF-8\", or convert it with `iconv -f UTF-32 -t UTF-8 {} > {}`",
            path.display(),
            converted.display()
        ),
    ))
}

/// A name a header gives several columns, as a CRM report does when two objects' fields
/// share a label (a lead's and its account's `Owner`): each of those columns is read by
/// the name and its place among them, `Owner (1)`, `Owner (2)` …, so that each is read,
/// profiled and named for what it is. A config that reads the bare name is refused
/// ([`check_repeated_names`]): which column is meant is unknown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RepeatedName {
    pub name: String,
    /// The columns that have it (from 1), and the names each is read by.
    pub columns: Vec<usize>,
    pub read_as: Vec<String>,
    /// The workbook's sheet whose first row is the header; None for a CSV's first line.
    pub sheet: Option<SheetHeader>,
}

/// Where a workbook's header lies: its sheet, and the sheet's column (from 0) of its first
/// cell (a table may start right of column A).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SheetHeader {
    pub name: String,
    pub first_column: usize,
}

impl RepeatedName {
    /// Where the header is and what it does: a CSV's "line 1" and columns by number, a
    /// sheet's "row 1" and columns by the letters the spreadsheet shows.
    fn columns_said(&self) -> String {
        let times = match self.columns.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        let (at, columns): (String, Vec<String>) = match &self.sheet {
            None => ("line 1".to_string(), self.columns.iter().map(usize::to_string).collect()),
            Some(sheet) => (format!("sheet {:?}, row 1", sheet.name), self.columns.iter().map(|&column| sheet_column(sheet.first_column + column)).collect()),
        };
        let (last, rest) = columns.split_last().expect("a repeated name has two columns or more");
        format!("{at}: the header names column {:?} {times} (columns {} and {last})", self.name, rest.join(", "))
    }

    fn read_as_said(&self) -> String {
        let names: Vec<String> = self.read_as.iter().map(|name| format!("{name:?}")).collect();
        let (last, rest) = names.split_last().expect("a repeated name has two columns or more");
        format!("{} and {last}", rest.join(", "))
    }

    /// The warning a file with this header gets.
    pub(crate) fn warning(&self, path: &Path) -> String {
        format!("{}: {}: read as {}, in that order", path.display(), self.columns_said(), self.read_as_said())
    }

    /// The name the header gave the column read as `read_as`, if this renamed it.
    pub(crate) fn given(repeated: &[RepeatedName], read_as: &str) -> Option<String> {
        repeated.iter().find(|r| r.read_as.iter().any(|name| name == read_as)).map(|r| r.name.clone())
    }
}

/// Tell apart the columns a header names alike: each is renamed to the name and its place
/// among them, `Owner (1)`, `Owner (2)` …, a number skipped where the header holds that
/// name already. Names left blank are none (a spreadsheet leaves such columns after the
/// data, and the leads reader drops them when blank). Refused: a header that also holds
/// the name the CSV reader gives a repeat itself (`Owner_duplicated_0`), which it cannot
/// tell from it. `sheet`: the workbook sheet whose first row `header` is (None: a CSV's).
pub(crate) fn tell_repeated_names(path: &Path, header: &mut [String], sheet: Option<&SheetHeader>) -> Result<Vec<RepeatedName>, DataError> {
    let mut repeated: Vec<RepeatedName> = Vec::new();
    for (j, name) in header.iter().enumerate() {
        if name.trim().is_empty() || !header[..j].contains(name) && !header[j + 1..].contains(name) {
            continue;
        }
        match repeated.iter_mut().find(|r| r.name == *name) {
            Some(r) => r.columns.push(j + 1),
            None => repeated.push(RepeatedName { name: name.clone(), columns: vec![j + 1], read_as: vec![], sheet: sheet.cloned() }),
        }
    }
    for r in &mut repeated {
        if let Some(taken) = (0..r.columns.len() - 1).map(|k| format!("{}_duplicated_{k}", r.name)).find(|reader_name| header.contains(reader_name)) {
            return Err(DataError::file(path, format!("{}, and names a column {taken:?}, the name the CSV reader gives the second: rename one", r.columns_said())));
        }
        let mut n = 0;
        for &column in &r.columns {
            let read_as = loop {
                n += 1;
                let read_as = format!("{} ({n})", r.name);
                if !header.contains(&read_as) {
                    break read_as;
                }
            };
            header[column - 1] = read_as.clone();
            r.read_as.push(read_as);
        }
    }
    Ok(repeated)
}

/// A spreadsheet's letters for column `column` (from 1): A … Z, AA … AZ, BA ….
fn sheet_column(column: usize) -> String {
    let mut letters = Vec::new();
    let mut n = column;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// Refuse a name of `repeated` that `needed` reads: which of its columns is meant is
/// unknown (columns are read by name).
pub(crate) fn check_repeated_names(path: &Path, repeated: &[RepeatedName], needed: &[(String, String)]) -> Result<(), DataError> {
    for (column, purpose) in needed {
        if let Some(r) = repeated.iter().find(|r| r.name == *column) {
            return Err(DataError::file(
                path,
                format!("{}, and {purpose} reads it: name the one meant as it is read ({}, in the file's order), or rename the columns", r.columns_said(), r.read_as_said()),
            ));
        }
    }
    Ok(())
}

/// Bytes read at a time: a block of lines without a quote is judged on every core, in
/// stretches of a sixteenth of it (a quarter of a MiB).
const BLOCK_BYTES: usize = 4 << 20;

/// Check every record of the file has the header's field count, every quoted field closes,
/// and the line endings are LF or CRLF; find the first invalid UTF-8 byte.
/// `first_line` is the header line already read (with its newline); `reader` continues after it.
pub(crate) fn lint(path: &Path, first_line: &[u8], reader: &mut impl BufRead, delimiter: u8) -> Result<Lint, DataError> {
    lint_in_blocks(path, first_line, reader, delimiter, BLOCK_BYTES)
}

/// [`lint`], reading `block_bytes` (and the rest of the line they stop in) at a time.
fn lint_in_blocks(path: &Path, first_line: &[u8], reader: &mut impl BufRead, delimiter: u8, block_bytes: usize) -> Result<Lint, DataError> {
    if !first_line.contains(&b'\n') && first_line.contains(&b'\r') {
        return Err(DataError::file(
            path,
            "line endings are a lone carriage return (CR, classic Mac); save the file as CSV with LF or CRLF line endings",
        ));
    }
    let mut lint = Lint { bad_utf8: None, footer: None, lines: 0 };
    let mut walker = Walker { delimiter, state: State::FieldStart, fields: 0, expected: 0, open_at: (0, 0), line: 1 };
    match walk_rows(path, first_line, reader, &mut walker, &mut lint, block_bytes) {
        Ok(()) => Ok(Lint { lines: walker.line, ..lint }),
        Err(Stop::Footer(footer)) => Ok(Lint { footer: Some(footer), lines: walker.line, ..lint }),
        Err(Stop::Error(e)) => Err(e),
    }
}

/// The pass of [`lint_in_blocks`] over the header and the rows.
fn walk_rows(path: &Path, first_line: &[u8], reader: &mut impl BufRead, walker: &mut Walker, lint: &mut Lint, block_bytes: usize) -> Result<(), Stop> {
    use std::io::Read;
    // The header is the first record: its field count is what every other must have.
    walker.line_bytes(path, first_line, lint)?;
    let mut block = Vec::new();
    loop {
        block.clear();
        let n = (&mut *reader).take(block_bytes as u64).read_to_end(&mut block).map_err(|e| DataError::io(path, e))?;
        if n == 0 {
            break;
        }
        if n == block_bytes {
            reader.read_until(b'\n', &mut block).map_err(|e| DataError::io(path, e))?;
        }
        // The block's whole lines; the rest (the file's last line, without a line end) after them.
        let whole = memchr::memrchr(b'\n', &block).map_or(0, |at| at + 1);
        if walker.at_record_start() && walker.expected > 0 && memchr::memchr(b'"', &block[..whole]).is_none() {
            walker.plain_lines(path, &block[..whole], (block_bytes / 16).max(1), lint)?;
        } else {
            for line in block[..whole].split_inclusive(|&b| b == b'\n') {
                walker.line += 1;
                walker.line_bytes(path, line, lint)?;
            }
        }
        if whole < block.len() {
            walker.line += 1;
            walker.line_bytes(path, &block[whole..], lint)?;
        }
    }
    walker.finish(path)
}

/// What one stretch of plain lines holds, in the order [`Walker::line_bytes`] meets it.
#[derive(Default)]
struct PlainLines {
    lines: usize,
    /// The first invalid UTF-8 byte: (line within the stretch, from 1; the byte; its field).
    bad_utf8: Option<(usize, u8, usize)>,
    /// The first record whose field count is not the header's: (line within the stretch, fields found, the line).
    ragged: Option<(usize, usize, Vec<u8>)>,
}

impl PlainLines {
    /// Lines of `bytes` (each ending in a line feed, none holding a quote), each a
    /// record of `expected` fields or blank; judged until the first ragged one.
    fn judge(bytes: &[u8], delimiter: u8, expected: usize) -> PlainLines {
        let mut found = PlainLines::default();
        // One check for the whole stretch; a line is looked at again only when it fails
        // (and only until the first bad byte is found).
        let mut utf8_ok = std::str::from_utf8(bytes).is_ok();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            let line = &bytes[start..=end];
            start = end + 1;
            found.lines += 1;
            if !utf8_ok {
                if let Some((byte, field)) = first_bad_byte(line, delimiter) {
                    found.bad_utf8 = Some((found.lines, byte, field));
                    utf8_ok = true;
                }
            }
            if is_blank(line) {
                continue;
            }
            let fields = delimiters_in(&line[..line.len() - 1], delimiter) + 1;
            if fields != expected {
                found.ragged = Some((found.lines, fields, line.to_vec()));
                return found;
            }
        }
        found
    }
}

/// The first byte of `line` that is not UTF-8, with how many delimiters come before it.
fn first_bad_byte(line: &[u8], delimiter: u8) -> Option<(u8, usize)> {
    let at = std::str::from_utf8(line).err()?.valid_up_to();
    Some((line[at], delimiters_in(&line[..at], delimiter)))
}

/// A line of line ends alone: a blank line between records, which the parsers skip too.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| crate::csv_cut::is_line_end(b))
}

/// How many delimiters `bytes` holds (a vectorised count).
fn delimiters_in(bytes: &[u8], delimiter: u8) -> usize {
    memchr::memchr_iter(delimiter, bytes).count()
}

struct Walker {
    delimiter: u8,
    state: State,
    /// Delimiters seen in the current record.
    fields: usize,
    /// The header's field count (0 while reading the header).
    expected: usize,
    /// (line, field) where the open quoted field started.
    open_at: (usize, usize),
    /// 1-based number of the line being read.
    line: usize,
}

impl Walker {
    /// Between records: no field begun, no quote open.
    fn at_record_start(&self) -> bool {
        self.state == State::FieldStart && self.fields == 0
    }

    /// [`Walker::line_bytes`] of every line of `bytes`, whole lines without a quote read
    /// from a record's start: stretches of about `stretch_bytes` (each to the end of a
    /// line) judged on every core, then told in order.
    fn plain_lines(&mut self, path: &Path, bytes: &[u8], stretch_bytes: usize, lint: &mut Lint) -> Result<(), Stop> {
        use rayon::prelude::*;
        let mut stretches = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            let end = (start + stretch_bytes).min(bytes.len());
            let end = memchr::memchr(b'\n', &bytes[end - 1..]).map_or(bytes.len(), |at| end + at);
            stretches.push(&bytes[start..end]);
            start = end;
        }
        let (delimiter, expected) = (self.delimiter, self.expected);
        let judged: Vec<PlainLines> = stretches.par_iter().map(|stretch| PlainLines::judge(stretch, delimiter, expected)).collect();
        for found in judged {
            if let (None, Some((line, byte, field))) = (&lint.bad_utf8, found.bad_utf8) {
                lint.bad_utf8 = Some(BadByte { line: self.line + line, byte, field });
            }
            if let Some((line, fields, text)) = found.ragged {
                return Err(self.ragged(path, self.line + line, fields, &text));
            }
            self.line += found.lines;
        }
        Ok(())
    }

    fn line_bytes(&mut self, path: &Path, bytes: &[u8], lint: &mut Lint) -> Result<(), Stop> {
        if lint.bad_utf8.is_none() {
            if let Some((byte, field)) = first_bad_byte(bytes, self.delimiter) {
                lint.bad_utf8 = Some(BadByte { line: self.line, byte, field: self.fields + field });
            }
        }
        let record_starts = self.at_record_start();
        if record_starts && is_blank(bytes) {
            return Ok(());
        }
        // A file of one column (a won-ids file): its footer's lines have as many fields as
        // its rows, so the footer is looked for at a line that may begin one.
        if record_starts && self.expected == 1 && crate::report_footer::may_begin_footer_line(bytes, self.delimiter) {
            if let Some(footer) = crate::report_footer::from_line(path, self.line, self.delimiter) {
                return Err(Stop::Footer(footer));
            }
        }
        // Most records are one line without a quote: the state machine would only count
        // its delimiters, which a vectorised count does at a fraction of the cost.
        if record_starts && memchr::memchr(b'"', bytes).is_none() {
            return self.plain_record(path, bytes);
        }
        self.walk(path, bytes)
    }

    /// A record that is one line without a quote: what [`Walker::walk`] finds, from its
    /// delimiters alone.
    fn plain_record(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Stop> {
        let (body, line_ends) = match bytes.split_last() {
            Some((b'\n', body)) => (body, true),
            _ => (bytes, false),
        };
        self.fields = delimiters_in(body, self.delimiter);
        self.state = if line_ends {
            self.end_record(path, bytes)?;
            State::FieldStart
        } else if body.last() == Some(&self.delimiter) {
            State::FieldStart
        } else {
            State::Unquoted
        };
        Ok(())
    }

    /// The quoting state machine over a line's bytes.
    fn walk(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Stop> {
        for &b in bytes {
            self.state = match step(self.state, b, self.delimiter) {
                Step::Next(State::Quoted) if self.state == State::FieldStart => {
                    self.open_at = (self.line, self.fields);
                    State::Quoted
                }
                Step::Next(next) => next,
                Step::EndOfLine => {
                    self.end_record(path, bytes)?;
                    State::FieldStart
                }
                Step::Delimiter => {
                    self.fields += 1;
                    State::FieldStart
                }
                // Lenient, as the parsers: the quote is text.
                Step::Stray => State::Unquoted,
            };
        }
        Ok(())
    }

    fn end_record(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Stop> {
        let found = self.fields + 1;
        if self.expected == 0 {
            self.expected = found;
        } else if found != self.expected {
            return Err(self.ragged(path, self.line, found, bytes));
        }
        self.fields = 0;
        Ok(())
    }

    /// The record on `line` has `found` fields, not the header's: the rows end there if a
    /// report's footer begins, else the file is refused.
    fn ragged(&self, path: &Path, line: usize, found: usize, bytes: &[u8]) -> Stop {
        // A footer's records have one field: a long record never starts one.
        match (found < self.expected).then(|| crate::report_footer::from_line(path, line, self.delimiter)).flatten() {
            Some(footer) => Stop::Footer(footer),
            None => Stop::Error(DataError::file(path, ragged_message(line, found, self.expected, self.delimiter, &snippet(bytes)))),
        }
    }

    fn finish(&mut self, path: &Path) -> Result<(), Stop> {
        match self.state {
            State::Quoted => {
                let (line, field) = self.open_at;
                Err(Stop::Error(DataError::file(
                    path,
                    format!(
                        "line {line}, field {}: a quoted field opens here and never closes (it runs to the end of the file); close the quote, or double a quote inside a field (\"\")",
                        field + 1
                    ),
                )))
            }
            // The last record without a final newline.
            State::Unquoted | State::QuoteInQuoted => self.end_record(path, b""),
            State::FieldStart if self.fields > 0 => self.end_record(path, b""),
            State::FieldStart => Ok(()),
        }
    }
}

/// The line data row `row` (1-based, header excluded) of a CSV text starts on: a quoted
/// field's line breaks lie inside its row, and every other line is a row, a blank one
/// too when `blank_is_row` (as polars reads the leads; csv-core, reading events, skips
/// them), fields delimited by `delimiter` (None: detected from the header, as "auto").
/// None when the text has fewer rows. Slow (every byte through the quoting state
/// machine): for placing an error only.
pub(crate) fn line_of_row(text: impl std::io::Read, row: usize, blank_is_row: bool, delimiter: Option<u8>) -> Option<usize> {
    let mut reader = std::io::BufReader::new(text);
    let (mut bytes, mut line, mut records, mut state, mut delimiter) = (Vec::new(), 0usize, 0usize, State::FieldStart, delimiter);
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).ok()? == 0 {
            return None;
        }
        line += 1;
        let delimiter = *delimiter.get_or_insert_with(|| crate::read::detect_delimiter(&bytes));
        // A line begins a record unless a quoted field runs on from the line above; the
        // header is record 0, data row r record r.
        if state == State::FieldStart && (blank_is_row || !is_blank(&bytes)) {
            if records == row {
                return Some(line);
            }
            records += 1;
        }
        for &b in &bytes {
            state = match step(state, b, delimiter) {
                Step::Next(next) => next,
                Step::Delimiter | Step::EndOfLine => State::FieldStart,
                Step::Stray => State::Unquoted,
            };
        }
    }
}

/// Where a strict reading (a quote only at the start of a field, closed before a
/// delimiter or line end) first fails: `(line, field)`, 1-based. Used to explain a
/// parse error, so it may be slow.
pub(crate) fn first_stray_quote(bytes: &[u8], delimiter: u8) -> Option<(usize, usize)> {
    let (mut line, mut field, mut state) = (1usize, 1usize, State::FieldStart);
    for &b in bytes {
        state = match step(state, b, delimiter) {
            Step::Stray => return Some((line, field)),
            Step::Next(next) => {
                // A line break inside a quoted field.
                line += usize::from(b == b'\n');
                next
            }
            Step::EndOfLine => {
                line += 1;
                field = 1;
                State::FieldStart
            }
            Step::Delimiter => {
                field += 1;
                State::FieldStart
            }
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rows_line_counts_the_line_breaks_inside_quoted_fields() {
        let text = "id,note\r\n1,\"two\r\nlines\"\r\n\r\n2,\"a \"\"quoted\"\"\nthird\nline\"\n3,x\n";
        // Blank lines as rows (the leads' reader): row 2 is the blank line 4.
        let lines: Vec<Option<usize>> = (1..=5).map(|row| line_of_row(text.as_bytes(), row, true, None)).collect();
        assert_eq!(lines, [Some(2), Some(4), Some(5), Some(8), None]);
        // Blank lines skipped (csv-core, the events' reader).
        let lines: Vec<Option<usize>> = (1..=4).map(|row| line_of_row(text.as_bytes(), row, false, None)).collect();
        assert_eq!(lines, [Some(2), Some(5), Some(8), None]);
        // A quote inside an unquoted field is text: it opens nothing.
        assert_eq!(line_of_row("a;b\nx\"y;1\nz;2\n".as_bytes(), 2, true, None), Some(3));
        // The delimiter the config sets, where the header would suggest another: a quote
        // after it opens a field.
        let text = "id;note (a, b, c)\nL1;\"Called.\nWants a demo\"\nL2;x\n";
        assert_eq!(line_of_row(text.as_bytes(), 2, true, Some(b';')), Some(4));
        assert_eq!(line_of_row(text.as_bytes(), 2, true, None), Some(3), "detected as ',': the quote is text");
    }

    fn run(text: &str) -> Result<Lint, String> {
        run_in_blocks(text.as_bytes(), BLOCK_BYTES)
    }

    fn run_in_blocks(bytes: &[u8], block_bytes: usize) -> Result<Lint, String> {
        let end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
        let mut rest = &bytes[end..];
        lint_in_blocks(Path::new("f.csv"), &bytes[..end], &mut rest, b',', block_bytes).map_err(|e| e.to_string())
    }

    /// The header, then every line through `Walker::line_bytes` in turn: the lint as it
    /// read a line at a time before blocks.
    fn run_line_by_line(bytes: &[u8]) -> Result<Lint, String> {
        let path = Path::new("f.csv");
        let mut lines = bytes.split_inclusive(|&b| b == b'\n');
        let mut lint = Lint { bad_utf8: None, footer: None, lines: 0 };
        let mut walker = Walker { delimiter: b',', state: State::FieldStart, fields: 0, expected: 0, open_at: (0, 0), line: 1 };
        walker.line_bytes(path, lines.next().unwrap_or(b""), &mut lint).map_err(|e| e.to_string())?;
        for line in lines {
            walker.line += 1;
            walker.line_bytes(path, line, &mut lint).map_err(|e| e.to_string())?;
        }
        walker.finish(path).map_err(|e| e.to_string())?;
        Ok(lint)
    }

    /// What a lint finds, in a form that compares: the error, or where UTF-8 first fails.
    fn found(lint: Result<Lint, String>) -> Result<Option<(usize, u8, usize)>, String> {
        lint.map(|l| l.bad_utf8.map(|b| (b.line, b.byte, b.field)))
    }

    #[test]
    fn blocks_and_stretches_on_every_core_find_what_one_pass_finds() {
        let mut state = 29u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for case in 0..3_000 {
            // A header of three fields, then records: mostly of three, blank lines, CRLF,
            // now and then a ragged one, a bad byte or (rarely) a quote.
            let mut bytes = b"a,b,c\n".to_vec();
            for _ in 0..(1 + case % 60) {
                match next(100) {
                    0 => bytes.extend_from_slice(b"1,2\n"),
                    1 => bytes.extend_from_slice(b"1,\xff,3\n"),
                    2 => bytes.extend_from_slice(b"\"x\ny\",2,3\n"),
                    3..=6 => bytes.extend_from_slice(b"\n"),
                    7..=12 => bytes.extend_from_slice(b"10,20,30\r\n"),
                    _ => bytes.extend_from_slice(format!("{},{},x{}\n", next(1000), next(7), next(99)).as_bytes()),
                }
            }
            if next(4) == 0 {
                bytes.extend_from_slice(b"7,8,9");
            }
            let whole = found(run_line_by_line(&bytes));
            for block in [1, 5, 16, 64, 333, BLOCK_BYTES] {
                assert_eq!(found(run_in_blocks(&bytes, block)), whole, "{block}-byte blocks: {:?}", String::from_utf8_lossy(&bytes));
            }
        }
    }

    #[test]
    fn well_formed_files_pass() {
        assert!(run("a,b\n1,2\n").is_ok());
        assert!(run("a,b\r\n1,2\r\n\r\n3,4").is_ok());
        assert!(run("a,b\n\"x, y\",\"multi\nline \"\"quoted\"\"\"\n").is_ok());
        assert!(run("a,b\n5'10\",2\n").is_ok(), "a quote inside an unquoted field is text");
    }

    #[test]
    fn ragged_rows_name_the_line() {
        let e = run("a,b,c\n1,2,3\n4,5\n").err().unwrap();
        assert!(e.starts_with("f.csv: line 3: 2 fields where the header has 3 (\"4,5\")"), "{e}");
        let e = run("a,b\n1,2,3\n").err().unwrap();
        assert!(e.contains("line 2: 3 fields"), "{e}");
        // The last line without a newline is checked too.
        assert!(run("a,b\n1,2\n3").err().unwrap().contains("line 3: 1 fields"));
    }

    #[test]
    fn a_report_footer_is_named_as_one() {
        let footer = "a,b,c\n1,2,3\n\n\"Grand Totals (1 records)\"\n\n\"Confidential Information - Do Not Distribute\"\n";
        let e = run(footer).err().unwrap();
        assert!(e.starts_with("f.csv: line 4: 1 fields where the header has 3"), "{e}");
        assert!(e.contains("report's footer") && e.contains("delete the lines from line 4 on"), "{e}");
        let e = run("a,b,c\n1,2,3\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n").err().unwrap();
        assert!(e.contains("report's footer"), "{e}");
        // Salesforce quotes every cell, the blank lines above its footer too.
        let e = run("a,b,c\n1,2,3\n\"\"\n\"Grand Totals (1 records)\"\n").err().unwrap();
        assert!(e.starts_with("f.csv: line 3: one empty field where the header has 3") && e.contains("delete the lines from line 3 on"), "{e}");
        // Any other short row is a quoting problem, and a long one is never a footer.
        assert!(run("a,b,c\n1,2,3\nGrand,2\n").err().unwrap().contains("must be in double quotes"));
        assert!(run("a,b\n1,2\nTotal,1,2\n").err().unwrap().contains("must be in double quotes"));
    }

    #[test]
    fn utf32_is_refused_with_how_to_convert_it() {
        let path = Path::new("dir/leads.csv");
        let utf32 = |big: bool| -> Vec<u8> {
            std::iter::once('\u{FEFF}').chain("lead_id,outcome\n".chars()).flat_map(|c| if big { (c as u32).to_be_bytes() } else { (c as u32).to_le_bytes() }).collect()
        };
        for (big, says) in [(false, "UTF-32 little-endian text"), (true, "UTF-32 big-endian text")] {
            let e = check_not_utf32(path, &utf32(big)).err().unwrap().to_string();
            assert!(e.starts_with("dir/leads.csv: the file is UTF-32 "), "{e}");
            assert!(e.contains(says) && e.contains("iconv -f UTF-32 -t UTF-8 dir/leads.csv > dir/utf8-leads.csv"), "{e}");
        }
        for fine in ["lead_id,outcome\n".as_bytes(), b"\xEF\xBB\xBFid\n", b"\xFF\xFE\x00", b"\xFF\xFEi\x00", b"", b"a\0"] {
            assert!(check_not_utf32(path, fine).is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn unterminated_quotes_and_cr_endings_are_named() {
        let e = run("a,b\n1,2\n3,\"open\n4,5\n").err().unwrap();
        assert!(e.contains("line 3, field 2: a quoted field opens here and never closes"), "{e}");
        let e = run("a,b\r1,2\r").err().unwrap();
        assert!(e.contains("lone carriage return"), "{e}");
    }

    /// Names given twice or more are told apart (never into a name the header holds;
    /// blank names aside), said, and refused when read; a name the CSV reader would give
    /// a repeat is refused.
    #[test]
    fn duplicate_headers_and_stray_quotes() {
        let path = Path::new("f.csv");
        let mut header: Vec<String> = ["id", "Owner", "x", "Owner", "", "Owner (2)", "", " ", " ", "Owner", "x"].iter().map(|s| s.to_string()).collect();
        let repeated = tell_repeated_names(path, &mut header, None).unwrap();
        assert_eq!(header, ["id", "Owner (1)", "x (1)", "Owner (3)", "", "Owner (2)", "", " ", " ", "Owner (4)", "x (2)"]);
        assert_eq!(repeated.len(), 2);
        assert_eq!(repeated[0].warning(path), "f.csv: line 1: the header names column \"Owner\" 3 times (columns 2, 4 and 10): read as \"Owner (1)\", \"Owner (3)\" and \"Owner (4)\", in that order");
        assert_eq!(repeated[1].warning(path), "f.csv: line 1: the header names column \"x\" twice (columns 3 and 11): read as \"x (1)\" and \"x (2)\", in that order");
        assert_eq!(RepeatedName::given(&repeated, "Owner (3)").as_deref(), Some("Owner"));
        assert_eq!(RepeatedName::given(&repeated, "Owner (2)"), None);
        let needs = |column: &str| vec![(column.to_string(), "[columns] segments".to_string())];
        let e = check_repeated_names(path, &repeated, &needs("x")).unwrap_err().to_string();
        assert!(e.contains("line 1: the header names column \"x\" twice (columns 3 and 11), and [columns] segments reads it: name the one meant as it is read (\"x (1)\" and \"x (2)\", in the file's order), or rename the columns"), "{e}");
        assert!(check_repeated_names(path, &repeated, &needs("x (2)")).is_ok());
        assert!(check_repeated_names(path, &repeated, &needs("id")).is_ok());
        let mut clash: Vec<String> = ["a", "a", "a_duplicated_0"].iter().map(|s| s.to_string()).collect();
        let e = tell_repeated_names(path, &mut clash, None).unwrap_err().to_string();
        assert!(e.contains("the header names column \"a\" twice (columns 1 and 2), and names a column \"a_duplicated_0\", the name the CSV reader gives the second: rename one"), "{e}");
        // A workbook's header is its sheet's row 1, its columns lettered as the spreadsheet shows them.
        let mut sheet: Vec<String> = (1..=30).map(|k| if k == 2 || k == 28 { "Owner".to_string() } else { format!("c{k}") }).collect();
        let leads = |first_column| SheetHeader { name: "Leads".to_string(), first_column };
        let repeated = tell_repeated_names(path, &mut sheet.clone(), Some(&leads(0))).unwrap();
        assert_eq!(repeated[0].warning(path), "f.csv: sheet \"Leads\", row 1: the header names column \"Owner\" twice (columns B and AB): read as \"Owner (1)\" and \"Owner (2)\", in that order");
        // A table that starts in column C: its header's second cell is column D.
        let repeated = tell_repeated_names(path, &mut sheet, Some(&leads(2))).unwrap();
        assert!(repeated[0].warning(path).contains("twice (columns D and AD)"), "{}", repeated[0].warning(path));
        assert_eq!([1, 26, 27, 52, 53, 702, 703, 16_384].map(sheet_column), ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]);
        assert_eq!(first_stray_quote(b"a,b\n1,x\"y\n", b','), Some((2, 2)));
        assert_eq!(first_stray_quote(b"a,b\n\"ok\"x,1\n", b','), Some((2, 1)));
        assert_eq!(first_stray_quote(b"a,b\n\"o\"\"k\",1\n", b','), None);
    }

    /// What the state machine alone finds, line by line (no shortcut for plain lines).
    fn run_by_machine(text: &str) -> Result<(), String> {
        let path = Path::new("f.csv");
        let mut walker = Walker { delimiter: b',', state: State::FieldStart, fields: 0, expected: 0, open_at: (0, 0), line: 0 };
        let bytes = text.as_bytes();
        if !bytes.contains(&b'\n') && bytes.contains(&b'\r') {
            return Err("lone CR".into());
        }
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            walker.line += 1;
            if walker.state == State::FieldStart && walker.fields == 0 && line.iter().all(|&b| b == b'\n' || b == b'\r') {
                continue;
            }
            walker.walk(path, line).map_err(|e| e.to_string())?;
        }
        walker.finish(path).map_err(|e| e.to_string())
    }

    #[test]
    fn plain_lines_are_judged_as_the_state_machine_judges_them() {
        let mut state = 11u64;
        for case in 0..20_000 {
            let mut text = String::new();
            let len = 1 + case % 40;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Mostly plain text and commas; sometimes quotes, CR and blank lines.
                let pick = (state >> 33) % 20;
                text.push(match pick { 0..=7 => 'x', 8..=12 => ',', 13..=15 => '\n', 16 => '\r', 17 => '"', 18 => ';', _ => 'é' });
            }
            let ours = run(&text).map(|_| ()).map_err(|e| if e.contains("lone carriage return") { "lone CR".to_string() } else { e });
            assert_eq!(ours, run_by_machine(&text), "{text:?}");
        }
    }

    #[test]
    fn bad_utf8_is_located() {
        let bytes = b"a,b\n1,\xff\n";
        let mut rest = &bytes[4..];
        let lint = lint(Path::new("f.csv"), &bytes[..4], &mut rest, b',').unwrap();
        let bad = lint.bad_utf8.unwrap();
        assert_eq!((bad.line, bad.byte, bad.field), (2, 0xff, 1));
    }

    #[test]
    fn excels_delimiter_hint_is_named_not_taken_for_a_header() {
        let path = Path::new("f.csv");
        for line in ["sep=;\n", "sep=,\r\n", "\u{feff}SEP=|\n", "sep=\t\n", "sep=;"] {
            let e = check_not_sep_line(path, line.as_bytes()).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("line 1 is \"") && e.contains("delete that line"), "{line:?}: {e}");
        }
        assert!(check_not_sep_line(path, b"sep=\t\n").unwrap_err().to_string().contains("finds the tab itself"));
        for fine in ["sep,a,b\n", "sep=;;\n", "separator\n", "sep=\n", "id,sep=\n"] {
            assert!(check_not_sep_line(path, fine.as_bytes()).is_ok(), "{fine:?}");
        }
    }
}
