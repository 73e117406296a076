//! The lines a report export writes below its rows: Salesforce's "Export Details" as
//! CSV ends with a blank line, `"Grand Totals (2858 records)"`, a confidentiality line
//! and a copyright line (and, in some orgs, who ran it and the company's name). Found
//! where a reader meets the first record with too few fields, and only if everything
//! from there to the end of the file is such lines: the rows above are the data, the
//! footer is said, not read, and its record count is checked against the rows read.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// How the lines of a report's footer begin (after their opening quote).
const FOOTER_STARTS: [&str; 4] = ["Grand Totals", "Total", "Confidential Information", "Copyright (c)"];

/// More than this below the rows is not a footer (Salesforce writes about six lines).
const MOST_LINES: usize = 30;
const MOST_BYTES: u64 = 16 * 1024;

/// A report's footer, found below a file's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReportFooter {
    /// The line (from 1) it starts on: the blank lines above its first record included.
    pub first_line: usize,
    pub last_line: usize,
    /// "lines" of a text file, "sheet rows" of a workbook (as the spreadsheet numbers them).
    pub counted_in: &'static str,
    /// Where it starts in the file's text (as `read::open_input` gives it): the rows end
    /// there. In a sheet, the data rows above it.
    pub start: u64,
    /// Its lines that say something, unquoted.
    pub said: Vec<String>,
    /// The count of `Grand Totals (N records)`.
    pub records: Option<u64>,
}

/// The footer that begins with the record on `line` of `path` (one with fewer fields
/// than the header, met by a reader), if that record and every line after it are a
/// report's footer: blank or one field each, the first blank, a total or a line a
/// footer begins with, and one of them such a line.
pub(crate) fn from_line(path: &Path, line: usize, delimiter: u8) -> Option<ReportFooter> {
    let mut reader = BufReader::new(crate::read::open_input(path, 0).ok()?);
    let (mut offset, mut number, mut blank_from) = (0u64, 0usize, None);
    let mut text = Vec::new();
    loop {
        text.clear();
        let n = reader.read_until(b'\n', &mut text).ok()?;
        if n == 0 {
            return None;
        }
        number += 1;
        if number == line {
            break;
        }
        // The blank lines right above the footer's first record are the footer's.
        blank_from = if blank_or_quoted_blank(&text) { blank_from.or(Some((number, offset))) } else { None };
        offset += n as u64;
    }
    let (first_line, start) = blank_from.unwrap_or((line, offset));
    let mut rest = text.clone();
    (&mut reader).take(MOST_BYTES).read_to_end(&mut rest).ok()?;
    if reader.fill_buf().ok()?.first().is_some() {
        return None;
    }
    let lines: Vec<&[u8]> = rest.split_inclusive(|&b| b == b'\n').collect();
    if lines.len() > MOST_LINES {
        return None;
    }
    let cells: Vec<Option<String>> = lines.iter().map(|l| one_cell(l, delimiter)).collect::<Option<_>>()?;
    let (said, records) = footer_cells(cells)?;
    Some(ReportFooter { first_line, last_line: line + lines.len() - 1, counted_in: "lines", start, said, records })
}

/// The footer at the end of a sheet's rows: `first_cells` holds each row's first cell
/// (None when blank), `only_first` whether the rest of the row is blank. Rows from 1, the
/// header's included; the sheet's trailing blank rows already gone.
pub(crate) fn in_sheet(first_cells: &[Option<String>], only_first: impl Fn(usize) -> bool) -> Option<ReportFooter> {
    // The rows of one cell (or none) at the end; the footer is the last of them from a
    // blank row or a footer's line on.
    let run_from = (0..first_cells.len()).rev().take_while(|&r| r > 0 && only_first(r)).last()?;
    let start = (run_from..first_cells.len()).find(|&r| may_begin_footer(first_cells[r].as_deref()))?;
    let (said, records) = footer_cells(first_cells[start..].to_vec())?;
    Some(ReportFooter { first_line: start + 1, last_line: first_cells.len(), counted_in: "sheet rows", start: start as u64 - 1, said, records })
}

/// Whether a line whose one cell is `cell` (None: blank) can be a footer's first: blank,
/// a total, or a line a footer begins with.
fn may_begin_footer(cell: Option<&str>) -> bool {
    cell.is_none_or(|cell| starts_footer(cell) || record_count(cell).is_some())
}

/// Whether a line of a file of one column can be a footer's first (a total, or a line a
/// footer begins with; blank lines are skipped before): there every line is one field,
/// so a footer is not met as a record with too few fields.
pub(crate) fn may_begin_footer_line(line: &[u8], delimiter: u8) -> bool {
    // Most lines are ids: no total's "(" and no footer's first letter.
    let first = line.iter().find(|&&b| b != b'"' && !b.is_ascii_whitespace());
    let maybe = memchr::memchr(b'(', line).is_some() || first.is_some_and(|b| FOOTER_STARTS.iter().any(|s| s.as_bytes()[0] == *b));
    maybe && matches!(one_cell(line, delimiter), Some(Some(cell)) if may_begin_footer(Some(&cell)))
}

/// Whether `cell` begins as a line of a report's footer does.
pub(crate) fn starts_footer(cell: &str) -> bool {
    FOOTER_STARTS.iter().any(|s| cell.starts_with(s))
}

/// The lines of a footer that say something and its count, if `cells` (a line's one
/// cell each, None when blank) are one: the first blank, a total or a footer's line, and
/// a footer's line among them.
fn footer_cells(cells: Vec<Option<String>>) -> Option<(Vec<String>, Option<u64>)> {
    if !may_begin_footer(cells.first()?.as_deref()) {
        return None;
    }
    let said: Vec<String> = cells.into_iter().flatten().collect();
    if !said.iter().any(|cell| starts_footer(cell)) {
        return None;
    }
    let records = said.iter().find_map(|cell| record_count(cell));
    Some((said, records))
}

/// A line of whitespace alone, or a quoted blank (`""`), as Salesforce writes one.
fn blank_or_quoted_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b.is_ascii_whitespace() || b == b'"')
}

/// The one cell of a footer's line (None inside when blank); None when the line holds
/// more than one field (a delimiter outside quotes).
fn one_cell(line: &[u8], delimiter: u8) -> Option<Option<String>> {
    if blank_or_quoted_blank(line) {
        return Some(None);
    }
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b if b == delimiter && !quoted => return None,
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    Some(Some(text.replace("\"\"", "\"").trim().to_string()))
}

/// N of a total line `<words> (N <word>)`: `Grand Totals (2858 records)`, `Grand Totals
/// (1,024 records)`, a translated org's `Gesamtsummen (2858 Datensätze)`.
fn record_count(cell: &str) -> Option<u64> {
    let inside = cell.strip_suffix(')')?;
    let (words, inside) = inside.rsplit_once('(')?;
    if words.trim().is_empty() || !words.chars().any(char::is_alphabetic) {
        return None;
    }
    let (number, unit) = inside.trim().split_once(' ')?;
    if unit.trim().is_empty() || !unit.chars().all(|c| c.is_alphabetic() || c == ' ') {
        return None;
    }
    let digits: String = number.chars().filter(|c| !matches!(c, ',' | '.' | '\'' | '\u{a0}' | '\u{202f}')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// What a reader says of the footers below the rows of `files` (path, footer, rows read
/// above it), `of` files of `what` read as one (an export split by month, each month a
/// report with its footer): the footers whose count is their rows' (or that count none)
/// in one warning when there are several, with the first and the last; each other
/// one as [`ReportFooter::warnings`] says it, with its count's mismatch.
pub(crate) fn warnings_of_files(files: &[(&Path, &ReportFooter, usize)], of: usize, what: &str) -> Vec<String> {
    let agrees = |&&(_, footer, rows): &&(&Path, &ReportFooter, usize)| footer.records.is_none_or(|n| n == rows as u64);
    let (agreeing, other): (Vec<_>, Vec<_>) = files.iter().partition(agrees);
    let mut said = Vec::new();
    match agreeing.as_slice() {
        [] => {}
        [(path, footer, rows)] => said.extend(footer.warnings(path, *rows)),
        [(first, footer, _), .., (last, last_footer, _)] => {
            let counted = match agreeing.iter().all(|(_, footer, _)| footer.records.is_some()) {
                true => "; each one's count is the number of its file's rows",
                false => "",
            };
            let how_many = match agreeing.len() == of {
                true => format!("all {of}"),
                false => format!("{} of the {of}", agreeing.len()),
            };
            said.push(format!(
                "{how_many} {what} end in a report's footer below their rows, not read as rows ({}: {} {} to {}, {}; … {}: {} {} to {}){counted}",
                first.display(),
                footer.counted_in,
                footer.first_line,
                footer.last_line,
                footer.shown(),
                last.display(),
                last_footer.counted_in,
                last_footer.first_line,
                last_footer.last_line,
            ));
        }
    }
    for (path, footer, rows) in other {
        said.extend(footer.warnings(path, rows));
    }
    said
}

impl ReportFooter {
    /// The error for a file with no row above a footer that counts some: the rows were
    /// cut off (a copy cut short, or deleted), which is no empty file.
    pub(crate) fn rows_missing(&self, path: &Path) -> Option<crate::DataError> {
        let n = self.records.filter(|&n| n > 0)?;
        Some(crate::DataError::file(
            path,
            format!("holds no row above its report's footer (line {}), which counts {n} records: the rows were cut off (a download or copy cut short, or rows deleted); export the report again", self.first_line),
        ))
    }

    /// Its first three lines that say something, quoted (… after them when there are more).
    fn shown(&self) -> String {
        let mut shown: Vec<String> = self.said.iter().take(3).map(|s| format!("{:?}", crate::csv_lint::snippet(s.as_bytes()))).collect();
        if self.said.len() > 3 {
            shown.push("…".into());
        }
        shown.join(", ")
    }

    /// What a reader says of the footer below `rows` rows it read from `path`: one
    /// warning, and a second when the footer's count is not the rows'.
    pub(crate) fn warnings(&self, path: &Path, rows: usize) -> Vec<String> {
        let counted = match self.records {
            Some(n) if n == rows as u64 => format!("; its count ({n} records) is the number of rows read"),
            _ => String::new(),
        };
        let mut said = vec![format!(
            "{}: {} {} to {} are a report's footer below the rows ({}): not read as rows{counted}",
            path.display(),
            self.counted_in,
            self.first_line,
            self.last_line,
            self.shown()
        )];
        if let Some(n) = self.records.filter(|&n| n != rows as u64) {
            let (what, how) = if n > rows as u64 { ("fewer", "cut short, or rows deleted") } else { ("more", "rows added") };
            said.push(format!(
                "{}: its footer counts {n} records, but {rows} rows are above it: the file holds {what} rows than the report counted ({how} since it was exported?); export the report again",
                path.display()
            ));
        }
        said
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = "a,b,c\n1,2,3\n4,5,6\n";

    fn footer_of(text: &str, line: usize) -> Option<ReportFooter> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, text).unwrap();
        from_line(&path, line, b',')
    }

    #[test]
    fn salesforce_footers_are_found_with_their_count() {
        let text = format!("{ROWS}\n\"Grand Totals (2 records)\"\n\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n");
        let footer = footer_of(&text, 5).unwrap();
        assert_eq!((footer.first_line, footer.last_line, footer.start), (4, 8, ROWS.len() as u64));
        assert_eq!(footer.records, Some(2));
        assert_eq!(footer.said[2], "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.");
        // Every cell quoted, the blank lines too (`""`), CRLF, who ran it, the company.
        let crlf = format!("{ROWS}\"\"\r\n\"\"\r\n\"Grand Totals (1,024 records)\"\r\n\"Confidential Information - Do Not Distribute\"\r\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\r\n\"\"\r\n\"Generated By:  Ada Lovelace  12/1/2026 10:05 AM\"\r\n\"Acme, Inc.\"\r\n");
        let footer = footer_of(&crlf, 4).unwrap();
        assert_eq!((footer.first_line, footer.last_line, footer.records), (4, 11, Some(1024)));
        assert_eq!(footer.said.last().map(String::as_str), Some("Acme, Inc."));
        // A translated org's total, then the copyright line every org writes.
        let german = format!("{ROWS}\n\"Gesamtsummen (2 Datensätze)\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. Alle Rechte vorbehalten.\"");
        assert_eq!(footer_of(&german, 5).unwrap().records, Some(2));
        // A footer without a total has no count.
        assert_eq!(footer_of(&format!("{ROWS}\"Confidential Information - Do Not Distribute\"\n"), 4).unwrap().records, None);
    }

    /// Files read as one: the footers whose count agrees in one line (all, or k of n), one
    /// that disagrees on its own with its mismatch; one footer as a file's own.
    #[test]
    fn the_footers_of_files_read_as_one_are_said_together() {
        let footer = |first_line, records| ReportFooter { first_line, last_line: first_line + 2, counted_in: "lines", start: 0, said: vec!["Grand Totals".into(), "Confidential".into()], records };
        let (a, b, c) = (footer(4, Some(2)), footer(10, Some(8)), footer(6, Some(9)));
        let (pa, pb, pc) = (Path::new("m/01.csv"), Path::new("m/02.csv"), Path::new("m/03.csv"));
        let said = warnings_of_files(&[(pa, &a, 2), (pb, &b, 8), (pc, &c, 4)], 3, "events files");
        assert_eq!(said.len(), 3, "{said:?}");
        assert_eq!(said[0], "2 of the 3 events files end in a report's footer below their rows, not read as rows (m/01.csv: lines 4 to 6, \"Grand Totals\", \"Confidential\"; … m/02.csv: lines 10 to 12); each one's count is the number of its file's rows");
        assert!(said[1].starts_with("m/03.csv: lines 6 to 8 are a report's footer") && said[2].starts_with("m/03.csv: its footer counts 9 records, but 4 rows are above it"), "{said:?}");
        let uncounted = footer(4, None);
        let said = warnings_of_files(&[(pa, &a, 2), (pb, &uncounted, 7)], 2, "events files");
        assert!(said.len() == 1 && said[0].starts_with("all 2 events files end") && said[0].ends_with("lines 4 to 6)"), "{said:?}");
        assert_eq!(warnings_of_files(&[(pb, &b, 8)], 3, "events files"), b.warnings(pb, 8));
        assert!(warnings_of_files(&[], 3, "events files").is_empty());
    }

    #[test]
    fn a_line_of_one_column_may_begin_a_footer_when_it_says_a_total_or_a_footers_start() {
        for line in ["\"Grand Totals (2 records)\"\r\n", "Total (12 rows)\n", "\"Confidential Information - Do Not Distribute\"", "Copyright (c) 2026 Acme"] {
            assert!(may_begin_footer_line(line.as_bytes(), b','), "{line}");
        }
        for line in ["00Q5e00000xYzWq\n", "\"a3\"\r\n", "Acme (Europe)\n", "G123\n", "\"Grand, Totals (2 records)\"x,y\n"] {
            assert!(!may_begin_footer_line(line.as_bytes(), b','), "{line}");
        }
    }

    #[test]
    fn anything_else_below_is_not_a_footer() {
        // A short row, then a footer: the row is not the footer's.
        assert_eq!(footer_of(&format!("{ROWS}7\n\"Grand Totals (3 records)\"\n"), 4), None);
        // A footer line, then rows again.
        assert_eq!(footer_of(&format!("{ROWS}\"Total\"\n7,8,9\n"), 4), None);
        // One field lines that name no footer.
        assert_eq!(footer_of(&format!("{ROWS}\"\"\nnotes\n"), 4), None);
        // Too much below the rows to be one.
        let long = format!("{ROWS}\"Grand Totals (2 records)\"\n{}", "x\n".repeat(40));
        assert_eq!(footer_of(&long, 4), None);
        // A line the file does not have.
        assert_eq!(footer_of(ROWS, 9), None);
    }

    #[test]
    fn a_sheets_footer_is_its_last_rows_of_one_cell() {
        let cell = |s: &str| Some(s.to_string());
        // Header, two rows (the second with its first cell alone), a blank row, the footer.
        let first = [cell("id"), cell("L1"), cell("L2"), None, cell("Grand Totals (2 records)"), None, cell("Copyright (c) 2000-2026 salesforce.com, inc.")];
        let footer = in_sheet(&first, |r| r >= 2).unwrap();
        assert_eq!((footer.first_line, footer.last_line, footer.start, footer.records), (4, 7, 2, Some(2)));
        // Without a footer's line, the rows of one cell are rows.
        let plain = [cell("id"), cell("L1"), cell("L2"), cell("L3")];
        assert_eq!(in_sheet(&plain, |r| r >= 2), None);
        // A row of several cells below the footer's lines: no footer.
        assert_eq!(in_sheet(&first, |r| r != 6), None);
    }

    #[test]
    fn counts_are_read_from_totals_only() {
        assert_eq!(record_count("Grand Totals (2858 records)"), Some(2858));
        assert_eq!(record_count("Grand Totals (1.024 records)"), Some(1024));
        assert_eq!(record_count("Total (1 record)"), Some(1));
        for not in ["Grand Totals", "Copyright (c) 2000-2026 salesforce.com", "(12 records)", "Total (12)", "Total (x records)"] {
            assert_eq!(record_count(not), None, "{not}");
        }
    }

    #[test]
    fn the_warning_quotes_the_footer_and_checks_its_count() {
        let footer = ReportFooter { first_line: 4, last_line: 8, counted_in: "lines", start: 0, said: vec!["Grand Totals (2 records)".into(), "Confidential".into()], records: Some(2) };
        let said = footer.warnings(Path::new("leads.csv"), 2);
        assert_eq!(said, ["leads.csv: lines 4 to 8 are a report's footer below the rows (\"Grand Totals (2 records)\", \"Confidential\"): not read as rows; its count (2 records) is the number of rows read"]);
        let said = footer.warnings(Path::new("leads.csv"), 1);
        assert_eq!(said.len(), 2);
        assert!(said[1].starts_with("leads.csv: its footer counts 2 records, but 1 rows are above it: the file holds fewer rows"), "{}", said[1]);
    }
}
