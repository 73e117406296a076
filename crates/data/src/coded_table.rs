//! init's hold of a leads export: every column, each text cell a number into its column's
//! distinct values. init looks at every column of an export (a CRM's three hundred),
//! where polars holds a text cell in 16 bytes: 300,000 leads of 309 columns (744 MB of
//! CSV) took 1.7 GB once read and 2.1 GB while being read. Here a wide file is read a
//! group of columns at a time (the groups validate profiles a wide file in), each group
//! coded before the next is read; a cell then takes 4 bytes, and each distinct value its
//! text once (the process held 396 MB once that file was coded). The cells read back as
//! they were read ([`CodedTable::text`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mqlcal_config::CsvOptions;
use polars::prelude::*;

use crate::cells::{self, DateRule, Dates, TextColumn};
use crate::profile::TextColumns;
use crate::read::{self, ReadNotes, Table};
use crate::DataError;

/// A column's text cells as numbers into its distinct values.
#[derive(Clone)]
pub(crate) struct CodedText {
    /// Each row's value: 0 for a blank cell, k for the k-th distinct value (from 1).
    codes: Vec<u32>,
    /// The distinct values one after another, in the order first met.
    text: String,
    /// Where each distinct value ends in `text`.
    ends: Vec<usize>,
}

impl CodedText {
    fn of<'a>(cells: impl Iterator<Item = Option<&'a str>>) -> CodedText {
        // The rows' number known (a polars column's): the codes take no more room than they need.
        let mut coded = CodedText { codes: Vec::with_capacity(cells.size_hint().0), text: String::new(), ends: Vec::new() };
        let mut code_of: PlHashMap<&'a str, u32> = PlHashMap::default();
        for cell in cells {
            let code = match cell {
                None => 0,
                Some(value) => *code_of.entry(value).or_insert_with(|| coded.add_value(value)),
            };
            coded.codes.push(code);
        }
        coded
    }

    /// A new distinct value; its code.
    fn add_value(&mut self, value: &str) -> u32 {
        self.text.push_str(value);
        self.ends.push(self.text.len());
        // At most one value a row, and fewer than 2^32 rows: polars' limit on a table,
        // which bounded the files read as one before they were coded too.
        self.ends.len() as u32
    }

    fn value(&self, code: u32) -> Option<&str> {
        let k = usize::try_from(code.checked_sub(1)?).ok()?;
        let start = match k {
            0 => 0,
            k => self.ends[k - 1],
        };
        Some(&self.text[start..self.ends[k]])
    }

    /// The cells in row order (None: blank).
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.codes.iter().map(|&code| self.value(code))
    }

    /// Each row's code (0: blank).
    pub(crate) fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// How many codes there are: one a distinct value, and 0 for a blank.
    pub(crate) fn code_count(&self) -> usize {
        self.ends.len() + 1
    }

    /// The value of each code in turn, from 0 (None: blank).
    pub(crate) fn code_values(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..=self.ends.len() as u32).map(|code| self.value(code))
    }

    /// `other`'s rows below these, its values numbered among these.
    fn append(&mut self, other: &CodedText) {
        let known = self.ends.len() as u32;
        // Each of other's values: its code here, an old one or the next new one in turn.
        let code_here: Vec<u32> = {
            let code_of: PlHashMap<&str, u32> = (1..=known).filter_map(|k| Some((self.value(k)?, k))).collect();
            let mut next = known;
            (1..=other.ends.len() as u32)
                .map(|k| match other.value(k).and_then(|v| code_of.get(v)) {
                    Some(&code) => code,
                    None => {
                        next += 1;
                        next
                    }
                })
                .collect()
        };
        for (k, &code) in code_here.iter().enumerate() {
            if code > known {
                self.add_value(other.value(k as u32 + 1).unwrap_or_default());
            }
        }
        self.codes.extend(other.codes.iter().map(|&code| match code {
            0 => 0,
            code => code_here[code as usize - 1],
        }));
    }
}

/// How a column is held.
#[derive(Clone)]
enum HeldColumn {
    Coded(Arc<CodedText>),
    /// A typed column (a Parquet file's numbers, dates, booleans), compact as it is.
    Typed(Column),
}

impl HeldColumn {
    /// Its type: text (`String`) when coded.
    fn dtype(&self) -> DataType {
        match self {
            HeldColumn::Coded(_) => DataType::String,
            HeldColumn::Typed(column) => column.dtype().clone(),
        }
    }

    /// This column as type `to`: as text, coded (a typed column's values written out, as
    /// [`cells::text`] reads them); or a typed column cast. None when it cannot be.
    fn cast(&self, to: &DataType) -> Option<HeldColumn> {
        match (self, to) {
            (HeldColumn::Coded(_), DataType::String) => Some(self.clone()),
            (HeldColumn::Coded(_), _) => None,
            (HeldColumn::Typed(column), DataType::String) => {
                let text = column.cast(&DataType::String).ok()?;
                Some(HeldColumn::Coded(Arc::new(CodedText::of(text.str().ok()?.iter()))))
            }
            (HeldColumn::Typed(column), to) => column.cast(to).ok().map(HeldColumn::Typed),
        }
    }
}

/// Every column of a leads file (or of several, one below the other), in the file's order.
pub(crate) struct CodedTable {
    /// The file (or the files) named in messages.
    pub(crate) path: PathBuf,
    columns: Vec<(String, HeldColumn)>,
    height: usize,
}

impl CodedTable {
    /// Every column of the file at `path`, read a group at a time (a wide CSV's; another
    /// file at once): the checks and warnings of a read of the whole file.
    pub(crate) fn read(path: &Path, csv: &CsvOptions, notes: &mut ReadNotes) -> Result<CodedTable, DataError> {
        Self::read_in_groups_of(path, csv, None, notes)
    }

    /// [`CodedTable::read`], each group at most `cells` cells (None: the default room).
    fn read_in_groups_of(path: &Path, csv: &CsvOptions, cells: Option<usize>, notes: &mut ReadNotes) -> Result<CodedTable, DataError> {
        let read = read::read_in_column_groups(path, csv, cells, notes)?;
        let repeated = read.repeated.clone();
        let (held, later) = read.into_held_and_later();
        let mut table = CodedTable { path: path.to_path_buf(), columns: Vec::new(), height: held.height() };
        table.add(held)?;
        // A file read whole was looked at for the header pasted among its rows as it was read.
        if let Some(later) = later {
            for group in later.groups() {
                table.add(later.read(group)?)?;
            }
            table.refuse_repeated_header(&repeated)?;
        }
        Ok(table)
    }

    /// The error of a row whose every text cell is its column's name, as a read of the whole
    /// file gives it (`read::refuse_repeated_header`).
    fn refuse_repeated_header(&self, repeated: &[crate::csv_lint::RepeatedName]) -> Result<(), DataError> {
        let texts: Vec<(String, &CodedText)> = self
            .columns
            .iter()
            .filter_map(|(name, held)| match held {
                HeldColumn::Coded(coded) => Some((read::header_name(repeated, name), &**coded)),
                HeldColumn::Typed(_) => None,
            })
            .collect();
        let Some((_, first)) = texts.first() else { return Ok(()) };
        let names: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
        // Of each column, which codes are a value that says its name.
        let says: Vec<Vec<bool>> = texts
            .iter()
            .map(|(name, coded)| (0..=coded.ends.len() as u32).map(|code| coded.value(code).is_some_and(|v| v.trim() == name)).collect())
            .collect();
        read::refuse_repeated_header(&self.path, &names, first.iter(), |k, row| says[k][texts[k].1.codes[row] as usize])
    }

    /// The columns of `frame` (of these rows) coded and added after these; the frame goes.
    fn add(&mut self, frame: DataFrame) -> Result<(), DataError> {
        use rayon::prelude::*;
        let added: Vec<(String, HeldColumn)> = frame
            .columns()
            .par_iter()
            .map(|column| {
                let held = match column.dtype() {
                    DataType::String => {
                        let cells = column.str().map_err(|e| DataError::file(&self.path, e.to_string()))?;
                        HeldColumn::Coded(Arc::new(CodedText::of(cells.iter())))
                    }
                    _ => HeldColumn::Typed(column.clone()),
                };
                Ok((column.name().to_string(), held))
            })
            .collect::<Result<_, DataError>>()?;
        self.columns.extend(added);
        drop(frame);
        // What polars freed of the group's frame, handed back: glibc's pools kept it, and the
        // next group's read did not always reuse it (300,000 leads of 309 columns: 1,067 MB
        // held once coded, 396 MB handed back; the peak 1.71 GB rather than 1.52).
        mqlcal_features::memory::return_freed();
        Ok(())
    }

    /// `more`'s rows below these (read from `path`), by the names of these columns; an
    /// error beginning `needs` when it lacks one.
    pub(crate) fn append(&mut self, path: &Path, more: CodedTable, needs: &str) -> Result<(), DataError> {
        let names = self.column_names();
        let mut theirs: std::collections::HashMap<String, HeldColumn> = more.columns.into_iter().collect();
        if !names.iter().all(|name| theirs.contains_key(name)) {
            return Err(DataError::File { path: path.to_path_buf(), message: format!("{needs}: {}", names.join(", ")) });
        }
        for (name, ours) in &mut self.columns {
            let Some(theirs) = theirs.remove(name) else { continue };
            let clash = |ours: &HeldColumn, theirs: &HeldColumn| {
                let kind = |held: &HeldColumn| match held {
                    HeldColumn::Coded(_) => "text".to_string(),
                    HeldColumn::Typed(column) => column.dtype().to_string(),
                };
                DataError::file(path, format!("column {name:?} is {} here and {} in the files before: export the files alike", kind(theirs), kind(ours)))
            };
            // Files that type a column apart stack it as one (`read::stacked_type`).
            let (ours_type, theirs_type) = (ours.dtype(), theirs.dtype());
            let to = read::stacked_type(&ours_type, &theirs_type);
            let theirs = if ours_type == to && theirs_type == to {
                theirs
            } else {
                match (ours.cast(&to), theirs.cast(&to)) {
                    (Some(cast), Some(theirs)) => {
                        *ours = cast;
                        theirs
                    }
                    _ => return Err(clash(ours, &theirs)),
                }
            };
            match (ours, theirs) {
                (HeldColumn::Coded(ours), HeldColumn::Coded(theirs)) => Arc::make_mut(ours).append(&theirs),
                (HeldColumn::Typed(ours), HeldColumn::Typed(theirs)) => {
                    ours.append(&theirs).map_err(|e| DataError::file(path, format!("column {name:?}: {e}")))?;
                }
                (ours, theirs) => return Err(clash(ours, &theirs)),
            }
        }
        self.height += more.height;
        Ok(())
    }

    fn column(&self, name: &str) -> Result<&HeldColumn, DataError> {
        match self.columns.iter().find(|(held, _)| held == name) {
            Some((_, column)) => Ok(column),
            None => Err(DataError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                purpose: "the config".into(),
                available: self.column_names().join(", "),
                hint: String::new(),
            }),
        }
    }

    /// Column `name` as a polars table of its own (text as read).
    fn table_of(&self, name: &str) -> Result<Table, DataError> {
        let column = match self.column(name)? {
            HeldColumn::Coded(coded) => Column::new(name.into(), coded.iter().collect::<Vec<Option<&str>>>()),
            HeldColumn::Typed(column) => column.clone(),
        };
        let frame = DataFrame::new(self.height, vec![column]).map_err(|e| DataError::file(&self.path, e.to_string()))?;
        Ok(Table::new(&self.path, frame))
    }

    /// [`cells::timestamps`] of column `name`.
    pub(crate) fn timestamps(&self, name: &str, rule: &DateRule<'_>, missing: &[String]) -> Result<Dates, DataError> {
        cells::timestamps(&self.table_of(name)?, name, rule, missing)
    }
}

impl TextColumns for CodedTable {
    fn height(&self) -> usize {
        self.height
    }

    fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|(name, _)| name.clone()).collect()
    }

    /// [`cells::text`] of column `column`.
    fn text(&self, column: &str) -> Result<TextColumn, DataError> {
        match self.column(column)? {
            HeldColumn::Coded(coded) => Ok(TextColumn::of_coded(Arc::clone(coded))),
            HeldColumn::Typed(_) => cells::text(&self.table_of(column)?, column),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(cells: &[Option<&str>]) -> Vec<Option<String>> {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    fn read_back(coded: &CodedText) -> Vec<Option<String>> {
        coded.iter().map(|c| c.map(str::to_string)).collect()
    }

    /// Cells read back as written: blanks, the empty text, repeats, other scripts; and
    /// after another column's rows are appended (values shared, new, and blank).
    #[test]
    fn coded_cells_read_back_as_written() {
        let first = [Some("won"), None, Some(""), Some("lost"), Some("won"), Some("Ünïcode ✓"), None, Some("lost")];
        let second = [Some("open"), Some("won"), None, Some(""), Some("open"), Some("Ünïcode ✓")];
        let mut coded = CodedText::of(first.iter().copied());
        assert_eq!(read_back(&coded), texts(&first));
        assert_eq!(coded.ends.len(), 4, "each distinct value held once");
        coded.append(&CodedText::of(second.iter().copied()));
        let both: Vec<Option<&str>> = first.iter().chain(&second).copied().collect();
        assert_eq!(read_back(&coded), texts(&both));
        assert_eq!(coded.ends.len(), 5, "only \"open\" was new");
        assert!(CodedText::of(std::iter::empty()).iter().next().is_none());
    }

    /// A coded column is profiled as its polars column is (each code's value looked at
    /// once): values padded with spaces, missing markers, thousands grouped by '.', numbers
    /// that stop being numbers, an id per row, with outcomes and months.
    #[test]
    fn coded_columns_profile_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        let mut text = String::from("id,size,grouped,mixed,padded,amount\n");
        for i in 0..300 {
            let grouped = if i % 7 == 0 { String::new() } else { format!("{}.{:03}", 1 + i % 4, (i * 37) % 1000) };
            let mixed = if i == 250 { "n/a".to_string() } else { format!("{}", i % 9) };
            let padded = [" a", "a", "a ", "NULL", "", "b"][i % 6];
            text.push_str(&format!("L{i},{},{grouped},{mixed},{padded},{}.5\n", i % 13, i % 40));
        }
        std::fs::write(&path, &text).unwrap();
        let csv = CsvOptions { delimiter: None, decimal: Default::default(), encoding: mqlcal_config::Encoding::Auto, sheet: None, missing: vec!["NULL".into()] };
        let whole = read::read_table(&path, &csv, None, &mut ReadNotes::default()).unwrap();
        let coded = CodedTable::read(&path, &csv, &mut ReadNotes::default()).unwrap();
        let won: Vec<Option<bool>> = (0..300).map(|i| [Some(true), Some(false), None, Some(false)][i % 4]).collect();
        let months: Vec<Option<i32>> = (0..300).map(|i| Some(24_300 + (i / 25) as i32)).collect();
        for decimal in [mqlcal_scorecard::DecimalMark::Point, mqlcal_scorecard::DecimalMark::Comma] {
            let profiled = |t: &dyn Fn() -> Vec<crate::profile::ColumnProfile>| serde_json::to_string(&t()).unwrap();
            let of_polars = profiled(&|| crate::profile::profile_columns(&whole, &won, &months, &csv.missing, decimal).unwrap());
            let of_codes = profiled(&|| crate::profile::profile_columns(&coded, &won, &months, &csv.missing, decimal).unwrap());
            assert_eq!(of_codes, of_polars);
        }
    }

    /// A Parquet file's column typed as nulls alone stacks with text as blank cells, before
    /// it or after it, as polars stacked the two; files that type a column apart stack it
    /// as the wider number, times in milliseconds, or else as text.
    #[test]
    fn columns_typed_apart_stack_as_one() {
        let table = |column: Column| {
            let mut table = CodedTable { path: "leads.parquet".into(), columns: Vec::new(), height: column.len() };
            table.add(DataFrame::new(column.len(), vec![column]).unwrap()).unwrap();
            table
        };
        let text = || Column::new("x".into(), vec![Some("a"), None, Some("b")]);
        let nulls = || Column::full_null("x".into(), 2, &DataType::Null);
        let cells = |t: &CodedTable| -> Vec<Option<String>> { t.text("x").unwrap().iter().map(|c| c.map(str::to_string)).collect() };
        let mut after = table(text());
        after.append("b.parquet".as_ref(), table(nulls()), "needs").unwrap();
        assert_eq!(cells(&after), texts(&[Some("a"), None, Some("b"), None, None]));
        let mut before = table(nulls());
        before.append("b.parquet".as_ref(), table(text()), "needs").unwrap();
        assert_eq!(cells(&before), texts(&[None, None, Some("a"), None, Some("b")]));
        assert_eq!(before.height(), 5);
        // Numbers beside text (a Parquet file beside a CSV file) are the text they read as.
        let whole = || Column::new("x".into(), vec![1i64, 2]);
        let mut numbers = table(whole());
        numbers.append("b.csv".as_ref(), table(text()), "needs").unwrap();
        assert_eq!(cells(&numbers), texts(&[Some("1"), Some("2"), Some("a"), None, Some("b")]));
        let mut words = table(text());
        words.append("b.parquet".as_ref(), table(Column::new("x".into(), vec![Some(2.5f64), None])), "needs").unwrap();
        assert_eq!(cells(&words), texts(&[Some("a"), None, Some("b"), Some("2.5"), None]));
        // Whole numbers beside decimals (a month's Parquet file typed Float64) are decimals,
        // and nulls alone beside numbers are numbers, either way round.
        let typed = |t: &CodedTable| match t.column("x").unwrap() {
            HeldColumn::Typed(column) => column.clone(),
            HeldColumn::Coded(_) => panic!("stacked as text"),
        };
        let mut decimals = table(whole());
        decimals.append("b.parquet".as_ref(), table(Column::new("x".into(), vec![Some(2.5f64), None])), "needs").unwrap();
        decimals.append("c.parquet".as_ref(), table(nulls()), "needs").unwrap();
        assert_eq!(typed(&decimals).f64().unwrap().iter().collect::<Vec<_>>(), [Some(1.0), Some(2.0), Some(2.5), None, None, None]);
        let mut late = table(nulls());
        late.append("b.parquet".as_ref(), table(whole()), "needs").unwrap();
        assert_eq!(typed(&late).i64().unwrap().iter().collect::<Vec<_>>(), [None, None, Some(1), Some(2)]);
        // Dates beside times are times; a flag beside numbers is the text each reads as.
        let day = Column::new("x".into(), vec![19_723i32]).cast(&DataType::Date).unwrap();
        let moment = Column::new("x".into(), vec![1_704_110_400_000i64]).cast(&DataType::Datetime(TimeUnit::Milliseconds, None)).unwrap();
        let mut times = table(day);
        times.append("b.parquet".as_ref(), table(moment), "needs").unwrap();
        assert_eq!(typed(&times).cast(&DataType::String).unwrap().str().unwrap().iter().collect::<Vec<_>>(), [Some("2024-01-01 00:00:00.000"), Some("2024-01-01 12:00:00.000")]);
        // A placeholder year beside nanoseconds keeps its day (in nanoseconds it overflows).
        let nanos = Column::new("x".into(), vec![1_704_067_200_000_000_000i64]).cast(&DataType::Datetime(TimeUnit::Nanoseconds, None)).unwrap();
        let placeholder = Column::new("x".into(), vec![253_402_214_400_000_000i64]).cast(&DataType::Datetime(TimeUnit::Microseconds, None)).unwrap();
        let mut far = table(nanos);
        far.append("b.parquet".as_ref(), table(placeholder), "needs").unwrap();
        assert_eq!(typed(&far).cast(&DataType::String).unwrap().str().unwrap().iter().collect::<Vec<_>>(), [Some("2024-01-01 00:00:00.000"), Some("9999-12-31 00:00:00.000")]);
        let mut flags = table(Column::new("x".into(), vec![true, false]));
        flags.append("b.parquet".as_ref(), table(whole()), "needs").unwrap();
        assert_eq!(cells(&flags), texts(&[Some("true"), Some("false"), Some("1"), Some("2")]));
    }

    /// A wide file read a group at a time holds the cells a read of it whole does, in
    /// the same columns in the same order; a second file appended lines up by name.
    #[test]
    fn a_file_read_in_groups_is_the_file_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        let mut text = String::from("id,a,b,c,d,e,f\n");
        for i in 0..40 {
            text.push_str(&format!("L{i},{},{},,x{},{},2024-01-{:02}\n", i % 3, i % 7, i % 2, if i % 5 == 0 { "" } else { "y" }, 1 + i % 28));
        }
        std::fs::write(&path, &text).unwrap();
        let csv = CsvOptions { delimiter: None, decimal: Default::default(), encoding: mqlcal_config::Encoding::Auto, sheet: None, missing: vec![] };
        let whole = read::read_table(&path, &csv, None, &mut ReadNotes::default()).unwrap();
        let cells_of = |t: &CodedTable| -> Vec<Vec<Option<String>>> {
            t.column_names().iter().map(|n| t.text(n).unwrap().iter().map(|c| c.map(str::to_string)).collect()).collect()
        };
        let whole_cells: Vec<Vec<Option<String>>> =
            whole.column_names().iter().map(|n| cells::text(&whole, n).unwrap().iter().map(|c| c.map(str::to_string)).collect()).collect();
        // 40 rows, room for 100 cells: groups of two columns, four passes over the file.
        let mut grouped = CodedTable::read_in_groups_of(&path, &csv, Some(100), &mut ReadNotes::default()).unwrap();
        assert_eq!(grouped.column_names(), whole.column_names());
        assert_eq!(grouped.height(), 40);
        assert_eq!(cells_of(&grouped), whole_cells);
        let dates = grouped.timestamps("f", &DateRule::configured(&mqlcal_config::DateFormat::Auto), &[]).unwrap();
        assert_eq!(dates.values, cells::timestamps(&whole, "f", &DateRule::configured(&mqlcal_config::DateFormat::Auto), &[]).unwrap().values);

        let more = dir.path().join("more.csv");
        std::fs::write(&more, "f,e,d,c,b,a,id,extra\n2024-02-01,,x9,,1,2,L99,z\n").unwrap();
        grouped.append(&more, CodedTable::read(&more, &csv, &mut ReadNotes::default()).unwrap(), "needs").unwrap();
        assert_eq!(grouped.height(), 41);
        let last: Vec<Option<String>> = cells_of(&grouped).iter().map(|column| column[40].clone()).collect();
        assert_eq!(last, texts(&[Some("L99"), Some("2"), Some("1"), None, Some("x9"), None, Some("2024-02-01")]));
        // Columns named by spaces alone are read whole, by a read in groups too: two of them
        // are the same error either way.
        let spaces = dir.path().join("spaces.csv");
        std::fs::write(&spaces, "id, ,a, ,b\nL1,1,2,3,4\nL2,5,6,7,8\n").unwrap();
        let whole_error = read::read_table(&spaces, &csv, None, &mut ReadNotes::default()).err().map(|e| e.to_string());
        let grouped_error = CodedTable::read_in_groups_of(&spaces, &csv, Some(2), &mut ReadNotes::default()).err().map(|e| e.to_string());
        assert_eq!(grouped_error, whole_error);
        let short = dir.path().join("short.csv");
        std::fs::write(&short, "id,a\nL1,1\n").unwrap();
        let lacking = grouped.append(&short, CodedTable::read(&short, &csv, &mut ReadNotes::default()).unwrap(), "the leads files need the first one's columns");
        assert!(lacking.is_err_and(|e| e.to_string().contains("the leads files need the first one's columns: id, a, b")));
    }
}
