//! Tidy tables: one row per observation, named and typed columns. The backtest
//! and report stages build them without polars; the data crate writes them as
//! Parquet, and [`TidyTable::to_csv`] writes spreadsheet-safe CSV.

use serde::Serialize;

/// The values of one column; `None` is a blank cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Values {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cell `row`, borrowed.
    pub fn cell(&self, row: usize) -> Cell<'_> {
        match self {
            Values::Int(v) => Cell::Int(v[row]),
            Values::Float(v) => Cell::Float(v[row]),
            Values::Bool(v) => Cell::Bool(v[row]),
            Values::Text(v) => Cell::Text(v[row].as_deref()),
        }
    }

    /// An empty column of `cell`'s type.
    fn of_type(cell: &Cell<'_>) -> Values {
        match cell {
            Cell::Int(_) => Values::Int(Vec::new()),
            Cell::Float(_) => Values::Float(Vec::new()),
            Cell::Bool(_) => Values::Bool(Vec::new()),
            Cell::Text(_) => Values::Text(Vec::new()),
        }
    }

    /// Append `cell`; a cell of another type than the column's is a blank (debug builds stop).
    fn push_cell(&mut self, cell: Cell<'_>) {
        match (self, cell) {
            (Values::Int(v), Cell::Int(x)) => v.push(x),
            (Values::Float(v), Cell::Float(x)) => v.push(x),
            (Values::Bool(v), Cell::Bool(x)) => v.push(x),
            (Values::Text(v), Cell::Text(x)) => v.push(x.map(str::to_string)),
            (column, cell) => {
                debug_assert!(false, "a {cell:?} cell in a column of another type");
                column.push_blank();
            }
        }
    }

    fn push_blank(&mut self) {
        match self {
            Values::Int(v) => v.push(None),
            Values::Float(v) => v.push(None),
            Values::Bool(v) => v.push(None),
            Values::Text(v) => v.push(None),
        }
    }
}

/// One cell, borrowed: what a row is written as, cell by cell ([`RowSink`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
    Text(Option<&'a str>),
}

/// A cell as CSV text, appended to `out`: nothing for None, non-finite floats blank
/// (notebooks read them as missing), text neutralised and quoted when needed. Written in
/// place: a million-lead scores file has ten million cells.
fn push_csv_cell(out: &mut String, cell: Cell<'_>) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    match cell {
        Cell::Int(Some(x)) => out.push_str(itoa::Buffer::new().format(x)),
        Cell::Float(Some(x)) if x.is_finite() => {
            let _ = write!(out, "{x}");
        }
        Cell::Bool(Some(x)) => out.push_str(if x { "true" } else { "false" }),
        Cell::Text(Some(text)) => push_csv_text(out, text),
        _ => {}
    }
}

/// Where a table's rows go when they are made a row at a time: each row's cells, named,
/// in column order, then [`RowSink::end_row`]. The names and types are the first row's.
pub trait RowSink {
    fn cell(&mut self, name: &str, cell: Cell<'_>);
    fn end_row(&mut self);
}

/// Rows written as CSV text as they come: the same text as [`TidyTable::push_csv_rows`]
/// for the same cells (the names are the header's: [`TidyTable::csv_header`]).
pub struct CsvRows<'o> {
    out: &'o mut String,
    cells: usize,
}

impl<'o> CsvRows<'o> {
    /// Rows appended to `out`.
    pub fn new(out: &'o mut String) -> Self {
        CsvRows { out, cells: 0 }
    }
}

impl RowSink for CsvRows<'_> {
    fn cell(&mut self, _name: &str, cell: Cell<'_>) {
        if self.cells > 0 {
            self.out.push(',');
        }
        push_csv_cell(self.out, cell);
        self.cells += 1;
    }

    fn end_row(&mut self) {
        self.out.push('\n');
        self.cells = 0;
    }
}

/// A [`TidyTable`] built a row at a time; its columns are named and typed by the first row.
pub struct TableRows {
    table: TidyTable,
    /// The next cell's column in the row being made.
    at: usize,
    rows: usize,
}

impl TableRows {
    pub fn new(name: &str) -> Self {
        TableRows { table: TidyTable::new(name), at: 0, rows: 0 }
    }

    pub fn finish(self) -> TidyTable {
        self.table
    }
}

impl RowSink for TableRows {
    fn cell(&mut self, name: &str, cell: Cell<'_>) {
        if self.rows == 0 {
            self.table.columns.push(TidyColumn { name: name.to_string(), values: Values::of_type(&cell) });
        }
        match self.table.columns.get_mut(self.at) {
            Some(column) => column.values.push_cell(cell),
            None => debug_assert!(false, "row {} has more cells than the first", self.rows + 1),
        }
        self.at += 1;
    }

    fn end_row(&mut self) {
        debug_assert_eq!(self.at, self.table.columns.len(), "row {} has another number of cells than the first", self.rows + 1);
        self.at = 0;
        self.rows += 1;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TidyColumn {
    pub name: String,
    pub values: Values,
}

/// A named table of equal-length columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TidyTable {
    /// File stem when written (`thresholds` → `thresholds.csv`, `thresholds.parquet`).
    pub name: String,
    pub columns: Vec<TidyColumn>,
}

impl TidyTable {
    pub fn new(name: &str) -> Self {
        TidyTable { name: name.to_string(), columns: Vec::new() }
    }

    /// Rows (the length of the first column; all columns have it).
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn push(mut self, name: &str, values: Values) -> Self {
        debug_assert!(self.columns.is_empty() || values.len() == self.len(), "column {name} has a different length");
        self.columns.push(TidyColumn { name: name.to_string(), values });
        self
    }

    pub fn int(self, name: &str, values: impl IntoIterator<Item = Option<i64>>) -> Self {
        self.push(name, Values::Int(values.into_iter().collect()))
    }

    pub fn float(self, name: &str, values: impl IntoIterator<Item = Option<f64>>) -> Self {
        self.push(name, Values::Float(values.into_iter().collect()))
    }

    pub fn text<S: Into<String>>(self, name: &str, values: impl IntoIterator<Item = Option<S>>) -> Self {
        self.push(name, Values::Text(values.into_iter().map(|v| v.map(Into::into)).collect()))
    }

    pub fn bool(self, name: &str, values: impl IntoIterator<Item = Option<bool>>) -> Self {
        self.push(name, Values::Bool(values.into_iter().collect()))
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Values> {
        self.columns.iter().find(|c| c.name == name).map(|c| &c.values)
    }

    /// RFC 4180 CSV with a header row. Text cells a spreadsheet would run as a
    /// formula (starting `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
    pub fn to_csv(&self) -> String {
        let mut out = self.csv_header();
        self.push_csv_rows(&mut out);
        out
    }

    /// The header row of [`TidyTable::to_csv`], with its line break.
    pub fn csv_header(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| csv_text(&c.name)).collect();
        header.join(",") + "\n"
    }

    /// Keep the first `rows` rows (the names and types stay).
    pub fn truncate(&mut self, rows: usize) {
        for column in &mut self.columns {
            match &mut column.values {
                Values::Int(v) => v.truncate(rows),
                Values::Float(v) => v.truncate(rows),
                Values::Bool(v) => v.truncate(rows),
                Values::Text(v) => v.truncate(rows),
            }
        }
    }

    /// Append the rows of `other`, a table of the same columns (a column of another name
    /// or type than this table's is a programming error: debug builds stop, its cells are blank).
    pub fn append(&mut self, other: TidyTable) {
        let rows = other.len();
        for (column, theirs) in self.columns.iter_mut().zip(other.columns) {
            debug_assert_eq!(column.name, theirs.name);
            match (&mut column.values, theirs.values) {
                (Values::Int(v), Values::Int(w)) => v.extend(w),
                (Values::Float(v), Values::Float(w)) => v.extend(w),
                (Values::Bool(v), Values::Bool(w)) => v.extend(w),
                (Values::Text(v), Values::Text(w)) => v.extend(w),
                (values, _) => {
                    debug_assert!(false, "column {} has another type in the appended table", column.name);
                    (0..rows).for_each(|_| values.push_blank());
                }
            }
        }
    }

    /// The data rows of [`TidyTable::to_csv`], appended to `out`: a table written a
    /// block of rows at a time is the same file as the whole table written at once.
    pub fn push_csv_rows(&self, out: &mut String) {
        for row in 0..self.len() {
            for (k, column) in self.columns.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                push_csv_cell(out, column.values.cell(row));
            }
            out.push('\n');
        }
    }
}

/// A share as a percent, the one format every output writes (tables aside, which keep
/// the share): 0.541 → "54.1 %" with one decimal; not a number → "-".
pub fn percent(share: f64, decimals: usize) -> String {
    if share.is_finite() {
        format!("{:.decimals$} %", 100.0 * share)
    } else {
        "-".into()
    }
}

/// How text a spreadsheet would run as a formula begins.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or
/// carriage return) with a leading `'`, so it shows as text; other text as it is.
pub fn formula_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Neutralise formula-like text, then quote it when it holds a comma, quote or line break.
pub fn csv_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    push_csv_text(&mut out, text);
    out
}

/// [`csv_text`], appended to `out`.
fn push_csv_text(out: &mut String, text: &str) {
    // The `'` a formula gets holds none of these, so the text alone decides the quotes.
    // Bytes, not chars: the four are ASCII, and a byte scan is several times faster.
    let quoted = text.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quoted {
        out.push('"');
    }
    if text.starts_with(FORMULA_STARTS) {
        out.push('\'');
    }
    if quoted {
        for (k, part) in text.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell as this crate first wrote it: each cell its own string, joined.
    fn cell_as_first_written(values: &Values, row: usize) -> String {
        let text = |t: &str| {
            let safe = formula_safe(t).into_owned();
            if safe.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", safe.replace('"', "\"\""))
            } else {
                safe
            }
        };
        match values {
            Values::Int(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Values::Float(v) => v[row].filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default(),
            Values::Bool(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Values::Text(v) => v[row].as_deref().map(text).unwrap_or_default(),
        }
    }

    #[test]
    fn cells_written_in_place_read_as_cells_joined() {
        let texts = [
            "plain", "", "=SUM(A1)", "+1", "-x", "@me", "\tlead", "\rlead", "a,b", "say \"hi\"", "\"", "\"\"",
            "two\nlines", "cr\rhere", "=a,\"b\"", "-\"", "ünïcödé, ok", "×3 (+75)",
        ];
        let n = texts.len();
        let table = TidyTable::new("t")
            .text("text", texts.iter().map(|t| Some(*t)))
            .text("sometimes", (0..n).map(|k| (k % 2 == 0).then(|| texts[n - 1 - k])))
            .int("int", (0..n).map(|k| (k % 3 != 0).then_some(k as i64 * 7919 - 50_000)))
            .float("float", [0.1, -0.0, f64::NAN, f64::INFINITY, 1e300, 5e-324, 0.5, -2.25, 1.0 / 3.0, 100.0].iter().cycle().take(n).map(|&x| Some(x)))
            .bool("bool", (0..n).map(|k| [Some(true), Some(false), None][k % 3]));
        let mut expected = String::new();
        for row in 0..n {
            let cells: Vec<String> = table.columns.iter().map(|c| cell_as_first_written(&c.values, row)).collect();
            expected.push_str(&cells.join(","));
            expected.push('\n');
        }
        let mut ours = String::new();
        table.push_csv_rows(&mut ours);
        assert_eq!(ours, expected);
        for t in texts {
            assert_eq!(csv_text(t), cell_as_first_written(&Values::Text(vec![Some(t.to_string())]), 0), "{t:?}");
        }
    }

    #[test]
    fn a_table_written_a_block_of_rows_at_a_time_is_the_whole_table() {
        let rows = |range: std::ops::Range<usize>| {
            TidyTable::new("t")
                .int("n", range.clone().map(|k| Some(k as i64)))
                .text("note", range.clone().map(|k| (k % 3 != 0).then(|| format!("=a,{k}\"q\""))))
                .float("p", range.map(|k| Some(k as f64 / 7.0)))
        };
        let mut blocks = rows(0..0).csv_header();
        for (start, end) in [(0, 4), (4, 5), (5, 11)] {
            rows(start..end).push_csv_rows(&mut blocks);
        }
        assert_eq!(blocks, rows(0..11).to_csv());
        assert_eq!(rows(0..0).to_csv(), "n,note,p\n");
    }

    /// The same cells made a row at a time (as CSV, and as a table, in two pieces appended)
    /// are the table made a column at a time, and its CSV.
    #[test]
    fn rows_made_cell_by_cell_are_the_table_made_by_columns() {
        let texts = [Some("paid, search"), Some("=HYPERLINK(\"x\")"), None, Some("-1"), Some("")];
        let by_columns = TidyTable::new("t")
            .text("segment", texts)
            .int("mqls", [Some(3), None, Some(-2), Some(0), Some(i64::MIN)])
            .float("conversion", [Some(0.25), Some(f64::NAN), None, Some(-0.5), Some(1e-300)])
            .bool("within_band", [Some(true), Some(false), None, None, Some(true)]);
        let row = |sink: &mut dyn RowSink, r: usize| {
            for column in &by_columns.columns {
                sink.cell(&column.name, column.values.cell(r));
            }
            sink.end_row();
        };
        let mut text = by_columns.csv_header();
        let mut csv = CsvRows::new(&mut text);
        (0..5).for_each(|r| row(&mut csv, r));
        assert_eq!(text, by_columns.to_csv());
        let (mut first, mut second) = (TableRows::new("t"), TableRows::new("t"));
        (0..2).for_each(|r| row(&mut first, r));
        (2..5).for_each(|r| row(&mut second, r));
        let mut table = first.finish();
        let mut empty = table.clone();
        table.append(second.finish());
        // NaN is not equal to itself: compare the CSV, then the columns' types and names.
        assert_eq!(table.to_csv(), by_columns.to_csv());
        assert_eq!(format!("{:?}", table.columns[2].values), format!("{:?}", by_columns.columns[2].values));
        assert_eq!(table.columns.iter().map(|c| &c.name).collect::<Vec<_>>(), by_columns.columns.iter().map(|c| &c.name).collect::<Vec<_>>());
        empty.truncate(0);
        assert!(empty.is_empty() && empty.columns.len() == 4);
        assert_eq!(empty.to_csv(), "segment,mqls,conversion,within_band\n");
    }

    #[test]
    fn csv_quotes_neutralises_and_blanks() {
        let table = TidyTable::new("t")
            .text("segment", [Some("paid, search"), Some("=HYPERLINK(\"x\")"), None, Some("-1"), Some("plain")])
            .int("mqls", [Some(3), None, Some(-2), Some(0), Some(1)])
            .float("conversion", [Some(0.25), Some(f64::NAN), None, Some(-0.5), Some(1.0)])
            .bool("within_band", [Some(true), Some(false), None, None, Some(true)]);
        assert_eq!(table.len(), 5);
        assert_eq!(
            table.to_csv(),
            "segment,mqls,conversion,within_band\n\
             \"paid, search\",3,0.25,true\n\
             \"'=HYPERLINK(\"\"x\"\")\",,,false\n\
             ,-2,,\n\
             '-1,0,-0.5,\n\
             plain,1,1,true\n"
        );
        assert!(matches!(table.column("mqls"), Some(Values::Int(v)) if v[0] == Some(3)));
        assert!(table.column("nope").is_none());
    }
}
