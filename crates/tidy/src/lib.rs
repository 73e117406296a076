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

    /// Cell `row` as CSV text (blank for None; text neutralised, quoted when needed).
    fn csv_cell(&self, row: usize) -> String {
        match self {
            Values::Int(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            // Non-finite floats are written blank: notebooks read them as missing.
            Values::Float(v) => v[row].filter(|x| x.is_finite()).map(|x| x.to_string()).unwrap_or_default(),
            Values::Bool(v) => v[row].map(|x| x.to_string()).unwrap_or_default(),
            Values::Text(v) => v[row].as_deref().map(csv_text).unwrap_or_default(),
        }
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

    /// The data rows of [`TidyTable::to_csv`], appended to `out`: a table written a
    /// block of rows at a time is the same file as the whole table written at once.
    pub fn push_csv_rows(&self, out: &mut String) {
        for row in 0..self.len() {
            let cells: Vec<String> = self.columns.iter().map(|c| c.values.csv_cell(row)).collect();
            out.push_str(&cells.join(","));
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

/// Text a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or
/// carriage return) with a leading `'`, so it shows as text; other text as it is.
pub fn formula_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Neutralise formula-like text, then quote it when it holds a comma, quote or line break.
pub fn csv_text(text: &str) -> String {
    let safe = formula_safe(text).into_owned();
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
