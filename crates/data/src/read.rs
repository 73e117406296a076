//! Open a CSV or Parquet export as a polars DataFrame of just the columns we
//! need. CSV: BOM, delimiter and encoding are handled here, and every column is
//! read as text so that later parsing can name the row of a bad cell.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use mqlcal_config::{CsvOptions, Encoding};
use polars::prelude::*;

use crate::report_footer::ReportFooter;
use crate::utf16::{self, Utf16ToUtf8};
use crate::workbook;
use crate::{csv_lint, DataError};

/// How to silence "read as Latin-1": `score` has no config, and reads what it is given.
pub(crate) const LATIN1_FIX: &str = "export it as UTF-8, or with a config set [input] encoding = \"latin-1\", to silence this";

/// What reading a file noticed that the user should hear about.
#[derive(Debug, Clone, Default)]
pub struct ReadNotes {
    pub warnings: Vec<String>,
}

/// A table read from one file: the frame and where it came from.
#[derive(Clone)]
pub struct Table {
    pub path: PathBuf,
    pub frame: DataFrame,
    /// A wide CSV's columns not in `frame`, read when asked for ([`read_whole_table`]).
    pub(crate) later: Option<LaterColumns>,
    /// Names the header gave several columns, each read by another ([`csv_lint::tell_repeated_names`]).
    pub(crate) repeated: Vec<csv_lint::RepeatedName>,
}

/// Of a wide CSV read whole, the columns beyond those ingest needs that were left in the
/// file, in groups read one at a time when validate profiles them: polars holds a text
/// cell in 16 bytes, and a million leads of 60 more columns held at once took a gigabyte.
#[derive(Clone)]
pub(crate) struct LaterColumns {
    prepared: Arc<PreparedCsv>,
    /// In the file's order, each group read together.
    groups: Vec<Vec<String>>,
    /// The rows of the first read (the blank rows below the data left out).
    height: usize,
    /// Of those, the rows kept since ([`Table::keep_rows`]); None: all.
    kept: Option<Vec<bool>>,
}

/// Cells of a wide CSV's columns beyond those ingest needs that are read with them: 32 Mi
/// (512 MiB as polars holds text; 1M leads of 33 columns). With more, those columns are
/// read again a group of as many at a time, each read a pass over the file (about a
/// second a pass for 1M leads of 70 columns, 490 MB). init reads a file's columns in
/// groups of as many ([`read_in_column_groups`]). `MQLCAL_PROFILE_CELLS` sets another.
const PROFILE_CELLS: usize = 32 << 20;

/// The environment variable that sets [`PROFILE_CELLS`] for a machine with less memory or more.
const PROFILE_CELLS_VAR: &str = "MQLCAL_PROFILE_CELLS";

/// [`PROFILE_CELLS_VAR`] when set, else [`PROFILE_CELLS`].
fn profile_cells() -> Result<usize, DataError> {
    let Ok(text) = std::env::var(PROFILE_CELLS_VAR) else { return Ok(PROFILE_CELLS) };
    text.trim().replace('_', "").parse::<usize>().ok().filter(|&cells| cells > 0).ok_or_else(|| DataError::Config {
        message: format!("{PROFILE_CELLS_VAR}={text:?}: expected a whole number above 0, the cells of the lead files' columns validate (beyond those the config reads) or init holds at once (unset: {PROFILE_CELLS}, 512 MiB of text)"),
    })
}

impl Table {
    pub(crate) fn new(path: &Path, frame: DataFrame) -> Table {
        Table { path: path.to_path_buf(), frame, later: None, repeated: Vec::new() }
    }

    /// A table of no row with `columns`, as text: a batch of nothing, scored as one.
    pub(crate) fn empty(path: &Path, columns: &[(String, String)]) -> Result<Table, DataError> {
        let columns: Vec<Column> = unique_names(columns).into_iter().map(|name| Column::new_empty(name.into(), &DataType::String)).collect();
        let frame = DataFrame::new(0, columns).map_err(|e| DataError::file(path, e.to_string()))?;
        Ok(Table::new(path, frame))
    }

    /// The groups of columns left in the file, in its order (none when `frame` holds them all).
    pub(crate) fn later_groups(&self) -> &[Vec<String>] {
        self.later.as_ref().map_or(&[], |later| later.groups.as_slice())
    }

    /// The file's columns in its order, when some are left in it.
    pub(crate) fn file_order(&self) -> Option<&[String]> {
        self.later.as_ref().map(|later| later.prepared.header.as_slice())
    }

    /// Whether column `name` was left in the file, to be read later.
    fn is_left(&self, name: &str) -> bool {
        self.later_groups().iter().flatten().any(|later| later == name)
    }

    /// The type of column `name`, held or left in the file (read as text); None: no such column.
    pub(crate) fn dtype_of(&self, name: &str) -> Option<DataType> {
        match self.frame.column(name) {
            Ok(column) => Some(column.dtype().clone()),
            Err(_) => self.is_left(name).then_some(DataType::String),
        }
    }

    /// The columns held, and what reads those left in the file a group at a time: for a
    /// reader that keeps its own copy of each group (init's coded table) and so holds
    /// polars' copy of one group at a time.
    pub(crate) fn into_held_and_later(self) -> (DataFrame, Option<LaterGroups>) {
        let path = self.path;
        (self.frame, self.later.map(|later| LaterGroups { path, later }))
    }

    /// Columns `names`, in that order, whether held or left in the file, as a table of this
    /// one's rows.
    pub(crate) fn read_columns(&self, names: &[String]) -> Result<Table, DataError> {
        let err = |e: PolarsError| DataError::file(&self.path, e.to_string());
        let (held, unread): (Vec<&String>, Vec<&String>) = names.iter().partition(|name| self.frame.column(name).is_ok());
        let mut frame = self.frame.select(held.iter().map(|name| name.as_str())).map_err(err)?;
        if let Some(missing) = unread.iter().find(|name| !self.is_left(name)) {
            return Err(DataError::file(&self.path, format!("no column {missing:?}")));
        }
        // Every column unread is left in the file: there is a file to read them from.
        if let (false, Some(later)) = (unread.is_empty(), &self.later) {
            let more = later.read(&self.path, &unread)?;
            frame.hstack_mut(more.columns()).map_err(err)?;
            frame = frame.select(names.iter().map(String::as_str)).map_err(err)?;
        }
        Ok(Table::new(&self.path, frame))
    }

    /// Keeps the rows `keep` marks, of the columns held and of those read later.
    pub(crate) fn keep_rows(&mut self, keep: &[bool]) -> Result<(), DataError> {
        let mask: BooleanChunked = keep.iter().copied().collect();
        self.frame = self.frame.filter(&mask).map_err(|e| DataError::file(&self.path, e.to_string()))?;
        if let Some(later) = &mut self.later {
            later.kept = Some(match later.kept.take() {
                None => keep.to_vec(),
                // Rows kept already, of which `keep` keeps some.
                Some(kept) => {
                    let mut next = keep.iter().copied();
                    kept.into_iter().map(|was| was && next.next().unwrap_or(false)).collect()
                }
            });
        }
        Ok(())
    }

    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// This table with the cells of the rows `blank` marks made null in every column but
    /// those of `keep`: the rows stay (and their numbers in messages), their cells read as blank.
    pub(crate) fn with_rows_blanked(&self, blank: &[bool], keep: &[&str]) -> Result<Table, DataError> {
        let keep_mask: BooleanChunked = blank.iter().map(|&b| !b).collect();
        let columns = self
            .frame
            .columns()
            .iter()
            .map(|column| match keep.contains(&column.name().as_str()) {
                true => Ok(column.clone()),
                false => {
                    let series = column.as_materialized_series();
                    let nulls = Series::full_null(series.name().clone(), series.len(), series.dtype());
                    series.zip_with(&keep_mask, &nulls).map(Column::from)
                }
            })
            .collect::<PolarsResult<Vec<Column>>>()
            .map_err(|e| DataError::file(&self.path, e.to_string()))?;
        let frame = DataFrame::new(self.frame.height(), columns).map_err(|e| DataError::file(&self.path, e.to_string()))?;
        Ok(Table { path: self.path.clone(), frame, later: self.later.clone(), repeated: self.repeated.clone() })
    }

    /// Whether every cell of row `row` (from 0) is blank: of the columns held, and of
    /// those left in the file (each group read again: this asks of a row that stops the run).
    pub(crate) fn row_is_blank(&self, row: usize) -> bool {
        blank_rows(&self.frame, row, 1)
            && self.later_groups().iter().all(|group| self.read_columns(group).is_ok_and(|later| blank_rows(&later.frame, row, 1)))
    }

    pub fn column_names(&self) -> Vec<String> {
        self.frame
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Parquet,
}

/// What an input file is read as, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Text, streamed; `gzipped` (`leads.csv.gz`, as warehouses unload large tables) through a decoder.
    Csv { gzipped: bool },
    Parquet,
    /// A spreadsheet workbook (`.xlsx`, `.xls`, `.ods`): a sheet read whole as a table of text.
    Workbook,
}

pub(crate) fn input_kind(path: &Path) -> Result<Source, DataError> {
    if workbook::is_workbook(path) {
        return Ok(Source::Workbook);
    }
    let gzipped = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    match (file_kind(if gzipped { path.with_extension("") } else { path.to_path_buf() }.as_path()), gzipped) {
        (Ok(FileKind::Csv), _) => Ok(Source::Csv { gzipped }),
        (Ok(FileKind::Parquet), false) => Ok(Source::Parquet),
        (_, true) => Err(DataError::UnsupportedFormat { path: path.to_path_buf(), extension: "gz".into() }),
        (Err(e), false) => Err(e),
    }
}

/// An input file's text from byte `offset` of it: decompressed when gzipped, and decoded
/// to UTF-8 when it is UTF-16 (its byte-order mark dropped), so that every reader sees the
/// same lines and fields as in a plain UTF-8 file, and `offset` counts the text's bytes.
pub(crate) fn open_input(path: &Path, offset: u64) -> Result<Box<dyn Read>, DataError> {
    Ok(open_text(path, offset)?.0)
}

/// [`open_input`], and whether the text came through a decoder (gzip, UTF-16) rather than
/// being the file's bytes: a reader handed the file by its path (polars) must then be
/// handed the text instead.
fn open_text(path: &Path, offset: u64) -> Result<(Box<dyn Read>, bool), DataError> {
    use std::io::{Seek, SeekFrom};
    let io = |e: std::io::Error| DataError::io(path, e);
    let mut file = open_file(path)?;
    if input_kind(path)? != (Source::Csv { gzipped: true }) {
        let start = read_start(&mut file).map_err(io)?;
        return match utf16::sniff(&start) {
            None => {
                file.seek(SeekFrom::Start(offset)).map_err(io)?;
                Ok((Box::new(file), false))
            }
            Some((order, mark)) => {
                file.seek(SeekFrom::Start(mark as u64)).map_err(io)?;
                Ok((skip(path, Utf16ToUtf8::new(BufReader::with_capacity(1 << 20, file), order, mark), offset)?, true))
            }
        };
    }
    let mut text = Gunzipped(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file)));
    let start = read_start(&mut text).map_err(io)?;
    let text = match utf16::sniff(&start) {
        None => skip(path, Cursor::new(start).chain(text), offset)?,
        Some((order, mark)) => skip(path, Utf16ToUtf8::new(Cursor::new(start[mark..].to_vec()).chain(text), order, mark), offset)?,
    };
    Ok((text, true))
}

fn open_file(path: &Path) -> Result<File, DataError> {
    File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DataError::NotFound { path: path.to_path_buf() },
        _ => DataError::io(path, e),
    })
}

/// The first four bytes of `text` (fewer in a shorter file): enough to tell UTF-16.
fn read_start(text: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut start = Vec::with_capacity(4);
    text.take(4).read_to_end(&mut start)?;
    Ok(start)
}

/// `text` past its first `offset` bytes (a decoder has no index: they are decoded and dropped).
fn skip(path: &Path, text: impl Read + 'static, offset: u64) -> Result<Box<dyn Read>, DataError> {
    let mut text = text;
    std::io::copy(&mut (&mut text).take(offset), &mut std::io::sink()).map_err(|e| DataError::io(path, e))?;
    Ok(Box::new(text))
}

/// A gzipped file's text, its decoder's errors said in the analyst's words.
struct Gunzipped<R>(R);

impl<R: Read> Read for Gunzipped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let said = e.to_string();
            let what = match said.as_str() {
                s if s.contains("header") => "its name ends in .gz, but it is not gzip data",
                s if s.contains("incomplete") || e.kind() == std::io::ErrorKind::UnexpectedEof => "the gzip data ends early (a download or copy cut short?)",
                _ => "its gzip data is damaged",
            };
            // Damaged content, as the exit code says (1), whatever the decoder called it.
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{what} ({said})"))
        })
    }
}

pub fn file_kind(path: &Path) -> Result<FileKind, DataError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => Ok(FileKind::Csv),
        "parquet" | "pq" => Ok(FileKind::Parquet),
        _ => Err(DataError::UnsupportedFormat {
            path: path.to_path_buf(),
            extension: ext,
        }),
    }
}

fn check_exists(path: &Path) -> Result<(), DataError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(DataError::io(path, "is a folder, not a file")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(DataError::NotFound {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(DataError::io(path, e)),
    }
}

/// The column names of a file, without reading its rows (a workbook's sheet is read whole).
pub fn header(path: &Path, csv: &CsvOptions) -> Result<Vec<String>, DataError> {
    check_exists(path)?;
    match input_kind(path)? {
        Source::Workbook => Ok(workbook::read_sheet(path, csv.sheet.as_deref(), &mut ReadNotes::default())?.header),
        Source::Parquet => parquet_names(path, &mut parquet_reader(path)?),
        Source::Csv { .. } => {
            let prepared = prepare_csv(path, csv)?;
            Ok(prepared.header)
        }
    }
}

/// The type a column typed apart in two files of one export stacks as: the wider of two
/// number types (a month's Parquet file typed Float64 where the others hold Int64); two
/// time types (a date beside a time, pandas' nanoseconds beside polars' microseconds) as
/// times in milliseconds, where no placeholder year (9999-12-31) overflows as it would in
/// nanoseconds and turn blank; the other's beside a column of nulls alone; otherwise text,
/// each cell as it reads as text (a CSV file beside a Parquet file's numbers or dates).
pub(crate) fn stacked_type(a: &DataType, b: &DataType) -> DataType {
    use DataType::{Date, Datetime, Float64, Int64, Null, UInt64};
    // Whole numbers that all fit in an Int64 stay whole; other numbers are decimals.
    let fits_int64 = |t: &DataType| t.is_integer() && t != &UInt64;
    match (a, b) {
        _ if a == b => a.clone(),
        (Null, other) | (other, Null) => other.clone(),
        _ if fits_int64(a) && fits_int64(b) => Int64,
        _ if a.is_primitive_numeric() && b.is_primitive_numeric() => Float64,
        (Date, Datetime(_, zone)) | (Datetime(_, zone), Date) => Datetime(TimeUnit::Milliseconds, zone.clone()),
        (Datetime(_, zone), Datetime(_, same)) if zone == same => Datetime(TimeUnit::Milliseconds, zone.clone()),
        _ => DataType::String,
    }
}

/// `more`'s rows below `frame`'s: files of one kind read as one. `more` holds `frame`'s
/// columns (the caller selected them, by name); a column the two type apart is stacked as
/// its [`stacked_type`].
pub(crate) fn stack_below(frame: &mut DataFrame, mut more: DataFrame, path: &Path) -> Result<(), DataError> {
    let failed = |e: PolarsError| DataError::file(path, e.to_string());
    let names: Vec<PlSmallStr> = frame.get_column_names_owned();
    for name in &names {
        let (ours, theirs) = (frame.column(name).map_err(failed)?.dtype().clone(), more.column(name).map_err(failed)?.dtype().clone());
        if ours != theirs {
            let to = stacked_type(&ours, &theirs);
            let cast = |frame: &DataFrame| frame.column(name).and_then(|c| c.cast(&to));
            let (ours, theirs) = (cast(frame).map_err(failed)?, cast(&more).map_err(failed)?);
            frame.with_column(ours).map_err(failed)?;
            more.with_column(theirs).map_err(failed)?;
        }
    }
    frame.vstack_mut(&more).map_err(failed)?;
    Ok(())
}

/// Read `columns` of a file (all columns when `columns` is None).
/// `purpose` says, per column, why it is needed (for the missing-column message).
pub fn read_table(
    path: &Path,
    csv: &CsvOptions,
    columns: Option<&[(String, String)]>,
    notes: &mut ReadNotes,
) -> Result<Table, DataError> {
    said_footer(read_checked(path, csv, Wanted::Checked(columns), notes)?, notes)
}

/// Whether the file begins with a header that names a column (a file of its header
/// alone is a batch of nothing; a blank first line or no bytes at all is not).
pub(crate) fn has_header(path: &Path, csv: &CsvOptions) -> bool {
    header(path, csv).is_ok_and(|names| names.iter().any(|name| !name.trim().is_empty()))
}

/// Every column of a file, once `needed` are known to be there (validate profiles
/// them all from the one read ingest makes). Of a wide CSV, the columns beyond `needed`
/// are left in the file when they hold more than their share of [`PROFILE_CELLS`], it
/// being one of `files` read so: see [`Table::later_groups`].
pub fn read_whole_table(path: &Path, csv: &CsvOptions, needed: &[(String, String)], files: usize, notes: &mut ReadNotes) -> Result<Table, DataError> {
    said_footer(read_checked(path, csv, Wanted::Whole { needed, cells: None, files }, notes)?, notes)
}

/// Every column of a file, of a CSV a group at a time when they hold more than `cells`
/// (None: [`profile_cells`]): the first group held, the others left in the file
/// ([`Table::into_held_and_later`]).
pub(crate) fn read_in_column_groups(path: &Path, csv: &CsvOptions, cells: Option<usize>, notes: &mut ReadNotes) -> Result<Table, DataError> {
    said_footer(read_checked(path, csv, Wanted::Whole { needed: &[], cells, files: 1 }, notes)?, notes)
}

/// The columns `choose` picks from a file's header, read alone: a wide export's other
/// columns (an activity's JSON attributes, its GUID) are never held in memory. A CSV's
/// report footer below the rows is handed back unsaid (to be said with those of the
/// other files read as one).
pub(crate) fn read_chosen_and_footer(path: &Path, csv: &CsvOptions, choose: ChooseColumns<'_>, notes: &mut ReadNotes) -> Result<(Table, Option<ReportFooter>), DataError> {
    read_checked(path, csv, Wanted::Chosen(choose), notes)
}

/// Picks the columns to read, with what each is for, from a file's header.
pub(crate) type ChooseColumns<'a> = &'a dyn Fn(&[String]) -> Result<Vec<(String, String)>, DataError>;

/// Which columns [`read_checked`] reads.
enum Wanted<'a> {
    /// `columns` must be there, and only they are read (None: every column).
    Checked(Option<&'a [(String, String)]>),
    /// Every column, once `needed` are known to be there; of a CSV, those beyond `needed`
    /// are left in the file when they hold more than `cells` ([`held_and_later`]), by
    /// default its share of [`profile_cells`] as one of `files` held at once.
    Whole { needed: &'a [(String, String)], cells: Option<usize>, files: usize },
    /// Those a chooser picks from the header (checked and projected).
    Chosen(ChooseColumns<'a>),
}

impl Wanted<'_> {
    /// The columns to check, and whether to read only them, for a file of this header.
    fn of(&self, header: &[String]) -> Result<(Option<Vec<(String, String)>>, bool), DataError> {
        match self {
            Wanted::Checked(columns) => Ok((columns.map(<[_]>::to_vec), true)),
            Wanted::Whole { needed, .. } => Ok((Some(needed.to_vec()), false)),
            Wanted::Chosen(choose) => Ok((Some(choose(header)?), true)),
        }
    }

    /// Cells of a CSV's columns beyond those checked that are read with them (asked of
    /// the environment only for a CSV read whole: a bad setting stops nothing else).
    fn cells(&self) -> Result<usize, DataError> {
        match self {
            Wanted::Whole { cells: Some(cells), .. } => Ok(*cells),
            Wanted::Whole { cells: None, files, .. } => Ok(profile_cells()? / (*files).max(1)),
            _ => Ok(usize::MAX),
        }
    }
}

fn said_footer((table, footer): (Table, Option<ReportFooter>), notes: &mut ReadNotes) -> Result<Table, DataError> {
    if let Some(footer) = footer {
        notes.warnings.extend(footer.warnings(&table.path, table.height()));
    }
    Ok(table)
}

/// Read a file, checking the columns `wanted` names are there, and only those when it
/// says so. A CSV's report footer below the rows is handed back, not said (a workbook's
/// is said).
fn read_checked(path: &Path, csv: &CsvOptions, wanted: Wanted<'_>, notes: &mut ReadNotes) -> Result<(Table, Option<ReportFooter>), DataError> {
    let (mut footer, mut later, mut repeated) = (None, None, Vec::new());
    check_exists(path)?;
    let frame = match input_kind(path)? {
        Source::Workbook => {
            let sheet = workbook::read_sheet(path, csv.sheet.as_deref(), notes)?;
            let (columns, project) = wanted.of(&sheet.header)?;
            if let Some(columns) = &columns {
                csv_lint::check_repeated_names(path, &sheet.repeated, columns)?;
                check_columns(path, &sheet.header, columns)?;
            }
            repeated = sheet.repeated;
            match columns.filter(|_| project) {
                Some(columns) => sheet.frame.select(unique_names(&columns)).map_err(|e| DataError::file(path, e.to_string()))?,
                None => sheet.frame,
            }
        }
        Source::Parquet => {
            let mut reader = parquet_reader(path)?;
            let available = parquet_names(path, &mut reader)?;
            let (columns, project) = wanted.of(&available)?;
            if let Some(columns) = &columns {
                check_columns(path, &available, columns)?;
                if project {
                    reader = reader.with_columns(Some(unique_names(columns)));
                }
            }
            reader.finish().map_err(|e| parquet_error(path, e))?
        }
        Source::Csv { .. } => {
            let mut prepared = prepare_csv(path, csv)?;
            notes.warnings.extend(prepared.warnings.iter().cloned());
            let (columns, project) = wanted.of(&prepared.header)?;
            if let Some(columns) = &columns {
                csv_lint::check_repeated_names(path, &prepared.repeated, columns)?;
                check_columns(path, &prepared.header, columns)?;
            }
            let (selected, groups) = match columns {
                Some(columns) if project => (Some(unique_names(&columns)), Vec::new()),
                Some(needed) => held_and_later(&prepared, &needed, wanted.cells()?),
                None => (None, Vec::new()),
            };
            let frame = read_csv_frame(path, &prepared, selected.as_deref())?;
            let frame = without_blank_tail(path, &prepared, frame, notes)?;
            footer = prepared.footer.take();
            repeated = prepared.repeated.clone();
            if !groups.is_empty() {
                prepared.warnings.clear();
                later = Some(LaterColumns { prepared: Arc::new(prepared), groups, height: frame.height(), kept: None });
            }
            frame
        }
    };
    if frame.height() == 0 {
        return Err(footer.and_then(|footer| footer.rows_missing(path)).unwrap_or_else(|| DataError::Empty { path: path.to_path_buf() }));
    }
    // Every column read in groups (init's): the reader looks for the header among the
    // rows once it holds them all (`coded_table`), as a read of the whole file does here.
    let in_groups = matches!(wanted, Wanted::Whole { needed: [], .. }) && later.is_some();
    if !in_groups {
        check_no_repeated_header(path, &frame, &repeated)?;
    }
    Ok((Table { path: path.to_path_buf(), frame, later, repeated }, footer))
}

/// The columns to read first of a CSV read whole (None: all of them), and the groups
/// left for later: all at once when the others fit in `cells`; else `needed` alone (none
/// needed: the first group), then the others in groups that fit. The rows are taken for
/// the lint pass's lines (as many or more). A header with an unnamed column (or one named
/// by spaces alone) is read whole (such columns are dropped when blank).
fn held_and_later(prepared: &PreparedCsv, needed: &[(String, String)], cells: usize) -> (Option<Vec<String>>, Vec<Vec<String>>) {
    let rows = prepared.lines.saturating_sub(1).max(1);
    let per_group = (cells / rows).max(1);
    let needed = unique_names(needed);
    let others: Vec<&String> = prepared.header.iter().filter(|name| !needed.contains(name)).collect();
    if others.len() <= per_group || prepared.header.iter().any(|name| name.trim().is_empty()) {
        return (None, Vec::new());
    }
    let mut later: Vec<Vec<String>> = others.chunks(per_group).map(|group| group.iter().map(|name| name.to_string()).collect()).collect();
    // Nothing needed: the first group is read first.
    if needed.is_empty() {
        return (Some(later.remove(0)), later);
    }
    (Some(needed), later)
}

/// A file's columns left in it by [`read_whole_table`] or [`read_in_column_groups`], read
/// a group at a time ([`Table::into_held_and_later`]).
pub(crate) struct LaterGroups {
    path: PathBuf,
    later: LaterColumns,
}

impl LaterGroups {
    /// In the file's order.
    pub(crate) fn groups(&self) -> &[Vec<String>] {
        &self.later.groups
    }

    /// Group `group` of [`LaterGroups::groups`] read now, the rows as the first read's.
    pub(crate) fn read(&self, group: &[String]) -> Result<DataFrame, DataError> {
        self.later.read(&self.path, &group.iter().collect::<Vec<_>>())
    }
}

impl LaterColumns {
    /// Columns `names` of the file read now, its rows as the first read's.
    fn read(&self, path: &Path, names: &[&String]) -> Result<DataFrame, DataError> {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let frame = read_csv_frame(path, &self.prepared, Some(&names))?;
        if frame.height() < self.height {
            let shown = names.iter().take(3).map(|name| format!("{name:?}")).collect::<Vec<_>>().join(", ");
            return Err(DataError::file(
                path,
                format!("{} rows when read again for columns {shown}{}, {} rows at first: has the file changed since the run began?", frame.height(), if names.len() > 3 { " …" } else { "" }, self.height),
            ));
        }
        let frame = frame.slice(0, self.height);
        match &self.kept {
            None => Ok(frame),
            Some(kept) => frame.filter(&kept.iter().copied().collect()).map_err(|e| DataError::file(path, e.to_string())),
        }
    }
}

/// A row whose every text cell is its column's name: the header again, as two exports
/// pasted one under the other leave it. Read as data it is a lead whose creation date is
/// "created_at" (an error that points at the date format) or whose outcome is "outcome"
/// (a value init would draft); refused, naming the row and what fixes it.
fn check_no_repeated_header(path: &Path, frame: &DataFrame, repeated: &[csv_lint::RepeatedName]) -> Result<(), DataError> {
    let texts: Vec<(String, &StringChunked)> =
        frame.columns().iter().filter_map(|c| Some((header_name(repeated, c.name()), c.as_materialized_series().str().ok()?))).collect();
    let Some(((_, first), rest)) = texts.split_first() else { return Ok(()) };
    let names: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
    let says_its_name = |k: usize, row: usize| rest[k - 1].1.get(row).is_some_and(|cell| cell.trim() == names[k]);
    refuse_repeated_header(path, &names, first.iter(), says_its_name)
}

/// The name the header gives a column read by another (`Owner (2)` repeats `Owner`).
pub(crate) fn header_name(repeated: &[csv_lint::RepeatedName], read_as: &str) -> String {
    csv_lint::RepeatedName::given(repeated, read_as).unwrap_or_else(|| read_as.to_string())
}

/// [`check_no_repeated_header`] of text columns named `names` (as the header names them):
/// `first` the first column's cells, `says_its_name(k, row)` whether column k's (from 1)
/// cell in that row, trimmed, is its name.
pub(crate) fn refuse_repeated_header<'a>(
    path: &Path,
    names: &[&str],
    first: impl Iterator<Item = Option<&'a str>>,
    says_its_name: impl Fn(usize, usize) -> bool,
) -> Result<(), DataError> {
    // A header of one text column is too little to tell from a value.
    let [first_name, _, ..] = names else { return Ok(()) };
    let mut rows = first.enumerate();
    let repeated = rows.find(|&(row, cell)| cell.is_some_and(|cell| cell.trim() == *first_name) && (1..names.len()).all(|k| says_its_name(k, row)));
    match repeated {
        Some((row, _)) => Err(DataError::Cell {
            line: None,
            path: path.to_path_buf(),
            row: row + 1,
            column: first_name.to_string(),
            message: format!(
                "this row repeats the header ({}): two exports pasted one under the other? Delete the line (and check that the rows below it have the same columns in the same order)",
                names.iter().take(4).map(|name| format!("{name:?}")).collect::<Vec<_>>().join(", ") + if names.len() > 4 { ", …" } else { "" }
            ),
        }),
        None => Ok(()),
    }
}

fn unique_names(columns: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(columns.len());
    for (c, _) in columns {
        if !names.contains(c) {
            names.push(c.clone());
        }
    }
    names
}

pub(crate) fn check_columns(
    path: &Path,
    available: &[String],
    needed: &[(String, String)],
) -> Result<(), DataError> {
    for (column, purpose) in needed {
        if !available.iter().any(|a| a == column) {
            let hint = match (other_delimiter(available), csv_lint::header_line_below(path, column)) {
                (Some(d), _) => format!(
                    " (one column: the file looks delimited by {}, not by the delimiter it was read with; set [input] delimiter = \"auto\" to detect each file's)",
                    csv_lint::delimiter_name(d)
                ),
                (None, Some(line)) => format!(" (line {line} holds {column:?}: if it is the header and the lines above it a report's title, delete them; the header must be line 1)"),
                (None, None) => mqlcal_config::suggest(column, available.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean {s:?}?)"))
                    .unwrap_or_default(),
            };
            return Err(DataError::MissingColumn {
                path: path.to_path_buf(),
                column: column.clone(),
                purpose: purpose.clone(),
                available: available
                    .iter()
                    .map(|a| format!("{a:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                hint,
            });
        }
    }
    Ok(())
}

/// A Parquet file polars cannot read: its content is at fault, in one line.
fn parquet_error(path: &Path, e: PolarsError) -> DataError {
    DataError::file(path, format!("not a readable Parquet file ({})", csv_lint::snippet(e.to_string().lines().next().unwrap_or("").as_bytes())))
}

// polars' eager readers: mqlcal reads whole files, so the lazy engine (and the
// hundred-odd crates it compiles) bought nothing.
fn parquet_reader(path: &Path) -> Result<ParquetReader<File>, DataError> {
    File::open(path).map(ParquetReader::new).map_err(|e| DataError::io(path, e))
}

fn parquet_names(path: &Path, reader: &mut ParquetReader<File>) -> Result<Vec<String>, DataError> {
    let schema = reader.schema().map_err(|e| parquet_error(path, e))?;
    Ok(schema.iter_names().map(|s| s.to_string()).collect())
}

/// A CSV file looked at once: header, delimiter, and the bytes to parse when
/// they had to be transcoded (BOM stripped, Latin-1 to UTF-8).
struct PreparedCsv {
    /// The names of the columns, those a name given before renamed ([`csv_lint::tell_repeated_names`]).
    header: Vec<String>,
    repeated: Vec<csv_lint::RepeatedName>,
    delimiter: u8,
    /// Some when the file could not be handed to polars as it is.
    transcoded: Option<Vec<u8>>,
    warnings: Vec<String>,
    /// A report's footer below the rows: `transcoded` ends before it.
    footer: Option<ReportFooter>,
    /// The lint pass's line count (the header's among them).
    lines: usize,
}

fn prepare_csv(path: &Path, csv: &CsvOptions) -> Result<PreparedCsv, DataError> {
    // A gzipped or UTF-16 file is decoded once, into the bytes linted here and parsed by polars.
    let (mut text, decoded) = open_text(path, 0)?;
    let decompressed = match decoded {
        true => {
            let mut bytes = Vec::new();
            text.read_to_end(&mut bytes).map_err(|e| DataError::io(path, e))?;
            Some(bytes)
        }
        false => None,
    };
    let input: Box<dyn Read + '_> = match &decompressed {
        Some(bytes) => Box::new(bytes.as_slice()),
        None => text,
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut first_line = Vec::new();
    reader
        .read_until(b'\n', &mut first_line)
        .map_err(|e| DataError::io(path, e))?;
    csv_lint::check_first_line(path, &first_line)?;
    let has_bom = first_line.starts_with(&[0xEF, 0xBB, 0xBF]);
    let header_bytes = if has_bom { &first_line[3..] } else { &first_line[..] };
    let header_trimmed = trim_eol(header_bytes);
    if header_trimmed.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
        });
    }
    let delimiter = csv.delimiter.unwrap_or_else(|| detect_delimiter(header_trimmed));

    // One streaming pass: record shapes, quotes, line endings, and where UTF-8 first fails.
    let lint = csv_lint::lint(path, &first_line, &mut reader, delimiter)?;
    let (utf8_problem, footer, lines) = (lint.bad_utf8, lint.footer, lint.lines);
    let mut warnings = Vec::new();
    let latin1 = match (utf8_problem, csv.encoding) {
        (_, Encoding::Latin1) => true,
        (None, _) => false,
        (Some(_), Encoding::Auto) => {
            warnings.push(format!("{}: not valid UTF-8, read as Latin-1 ({LATIN1_FIX})", path.display()));
            true
        }
        (Some(bad), Encoding::Utf8) => {
            let header = split_header(&String::from_utf8_lossy(header_trimmed), delimiter);
            let column = header.get(bad.field).cloned().unwrap_or_else(|| "?".into());
            return Err(DataError::NotUtf8 {
                path: path.to_path_buf(),
                row: bad.line.saturating_sub(1),
                line: bad.line,
                column,
                byte: bad.byte,
            });
        }
    };

    let header_text = if latin1 {
        latin1_to_utf8(header_trimmed)
    } else {
        String::from_utf8_lossy(header_trimmed).into_owned()
    };
    let mut header = split_header(&header_text, delimiter);
    let repeated = csv_lint::tell_repeated_names(path, &mut header, None)?;
    warnings.extend(repeated.iter().map(|r| r.warning(path)));
    drop(reader);
    let transcoded = if latin1 || has_bom || decompressed.is_some() || footer.is_some() {
        let mut bytes = match decompressed {
            Some(bytes) => bytes,
            None => std::fs::read(path).map_err(|e| DataError::io(path, e))?,
        };
        if let Some(footer) = &footer {
            bytes.truncate(footer.start as usize);
        }
        let body = if has_bom { bytes.split_off(3) } else { bytes };
        Some(if latin1 {
            latin1_to_utf8(&body).into_bytes()
        } else {
            body
        })
    } else {
        None
    };
    Ok(PreparedCsv {
        header,
        repeated,
        delimiter,
        transcoded,
        warnings,
        footer,
        lines,
    })
}

fn read_csv_frame(
    path: &Path,
    prepared: &PreparedCsv,
    columns: Option<&[String]>,
) -> Result<DataFrame, DataError> {
    // Columns are picked by position and named as our header parse reads them: polars keeps
    // a quoted header name's doubled quotes ("a ""b""" stays `a ""b""`), so a level such as
    // `"Zürich"` in a feature column's name would not be found by name.
    let positions: Option<Vec<usize>> = columns.map(|cols| {
        let mut at: Vec<usize> = cols.iter().filter_map(|c| prepared.header.iter().position(|h| h == c)).collect();
        at.sort_unstable();
        at.dedup();
        at
    });
    let names: Vec<PlSmallStr> = match &positions {
        Some(at) => at.iter().map(|&k| PlSmallStr::from(prepared.header[k].as_str())).collect(),
        None => prepared.header.iter().map(|h| PlSmallStr::from(h.as_str())).collect(),
    };
    let delimiter = prepared.delimiter;
    let options = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_projection(positions.clone().map(Arc::new))
        .map_parse_options(|p| p.with_separator(delimiter).with_missing_is_null(true));
    let result = match &prepared.transcoded {
        None => options.try_into_reader_with_file_path(Some(path.to_path_buf())).and_then(|reader| reader.finish()),
        // Parsed where they lie (a wide file's groups of columns are parsed from them again).
        Some(bytes) => options.into_reader_with_file_handle(Cursor::new(bytes.as_slice())).finish(),
    };
    let mut frame = result.map_err(|e| csv_error(path, prepared, e))?;
    let mut names = names;
    if positions.is_none() && frame.width() == names.len() && names.iter().any(|name| name.is_empty()) {
        frame = without_unnamed_columns(path, frame, &names)?;
        names.retain(|name| !name.is_empty());
    }
    if frame.width() == names.len() {
        frame.set_column_names(&names).map_err(|e| csv_error(path, prepared, e))?;
    }
    Ok(frame)
}

/// A blank cell as the reader sees it: none, or only whitespace.
fn blank(cell: Option<&str>) -> bool {
    cell.is_none_or(|text| text.trim().is_empty())
}

/// Whether every text cell of `frame` in `rows` rows from `start` is blank.
fn blank_rows(frame: &DataFrame, start: usize, rows: usize) -> bool {
    frame.columns().iter().all(|column| column.as_materialized_series().str().is_ok_and(|cells| cells.slice(start as i64, rows).iter().all(blank)))
}

/// `frame` (columns named by `names`, in order) without its columns that have no name,
/// as a spreadsheet leaves after the data, when they are blank; one with a value is refused.
pub(crate) fn without_unnamed_columns(path: &Path, frame: DataFrame, names: &[PlSmallStr]) -> Result<DataFrame, DataError> {
    let height = frame.height();
    let mut kept = Vec::with_capacity(names.len());
    for (k, column) in frame.into_columns().into_iter().enumerate() {
        if !names[k].is_empty() {
            kept.push(column);
            continue;
        }
        let cells = column.as_materialized_series().str().map_err(|e| DataError::file(path, e.to_string()))?.clone();
        let found = cells.iter().enumerate().find(|(_, cell)| !blank(*cell)).map(|(row, text)| (row, text.unwrap_or("").to_string()));
        if let Some((row, text)) = found {
            if crate::cells::row_numbers(cells.iter()) {
                return Err(DataError::file(
                    path,
                    format!("line 1: column {} has no name in the header and holds the row numbers ({text:?}, then one more each row): the index pandas writes beside a frame's columns; write the file with to_csv(..., index=False), or delete the column", k + 1),
                ));
            }
            return Err(DataError::file(
                path,
                format!("line 1: column {} has no name in the header but holds {text:?} at row {} (line {}): name it in the header, or delete the column", k + 1, row + 1, row + 2),
            ));
        }
    }
    DataFrame::new(height, kept).map_err(|e| DataError::file(path, e.to_string()))
}

/// `frame` without the rows at the end of the file whose every cell is blank (`,,,,`), as
/// a spreadsheet leaves below the data, with a warning; other rows are untouched. The
/// file's last lines (as parsed: transcoded or decompressed) say which rows those are,
/// and the frame must agree (every column it read blank there), else it is returned whole.
fn without_blank_tail(path: &Path, prepared: &PreparedCsv, frame: DataFrame, notes: &mut ReadNotes) -> Result<DataFrame, DataError> {
    use std::io::{Seek, SeekFrom};
    const TAIL_BYTES: usize = 1 << 16;
    let delimiter = prepared.delimiter;
    let tail = match &prepared.transcoded {
        Some(bytes) => bytes[bytes.len().saturating_sub(TAIL_BYTES)..].to_vec(),
        None => {
            let mut file = File::open(path).map_err(|e| DataError::io(path, e))?;
            let length = file.metadata().map_err(|e| DataError::io(path, e))?.len();
            file.seek(SeekFrom::Start(length.saturating_sub(TAIL_BYTES as u64))).map_err(|e| DataError::io(path, e))?;
            let mut tail = Vec::new();
            file.read_to_end(&mut tail).map_err(|e| DataError::io(path, e))?;
            tail
        }
    };
    // Every line is a row to the parser, an empty one too (a row of nulls); the empty text
    // after the last line end is none.
    let mut lines: Vec<&[u8]> = tail.split(|&b| b == b'\n').collect();
    if tail.ends_with(b"\n") {
        lines.pop();
    }
    let (mut tail_rows, mut delimiter_rows, mut reached_data) = (0, 0, false);
    for line in lines.iter().rev() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(|&b| b == delimiter || b == b' ' || b == b'\t') {
            reached_data = true;
            break;
        }
        tail_rows += 1;
        delimiter_rows += usize::from(!line.is_empty());
    }
    let height = frame.height();
    // Blank lines all through the tail read (its first may be cut): left as they are.
    if !reached_data || tail_rows == 0 || tail_rows >= height {
        return Ok(frame);
    }
    let kept = height - tail_rows;
    if !blank_rows(&frame, kept, tail_rows) {
        return Ok(frame);
    }
    // Empty lines at the end are nothing to tell; rows of delimiters are a spreadsheet's doing.
    if delimiter_rows > 0 {
        notes.warnings.push(format!(
            "{}: ignored the last {tail_rows} rows, whose every cell is blank (rows {} to {}; a spreadsheet leaves such rows below the data)",
            path.display(),
            kept + 1,
            height
        ));
    }
    Ok(frame.slice(0, kept))
}

/// The parser's complaint cut to one line, with the first place a strict reading of the
/// quotes fails (the usual cause once the lint pass has passed).
fn csv_error(path: &Path, prepared: &PreparedCsv, e: PolarsError) -> DataError {
    let said = csv_lint::snippet(e.to_string().lines().next().unwrap_or("").as_bytes());
    // The text the parser read (decompressed, decoded), not the file's bytes.
    let delimiter = prepared.delimiter;
    let stray = match &prepared.transcoded {
        Some(text) => csv_lint::first_stray_quote(text, delimiter),
        None => std::fs::read(path).ok().and_then(|bytes| csv_lint::first_stray_quote(&bytes, delimiter)),
    };
    DataError::file(
        path,
        match stray {
            Some((line, field)) => format!(
                "line {line}, field {field}: a quote inside a field that is not quoted as a whole; quote the whole field and double the quote inside it (\"5'10\"\" tall\"), or remove it (the CSV parser said: {said})"
            ),
            None => format!("cannot parse as CSV ({said}); check the delimiter ([input] delimiter) and quoting"),
        },
    )
}

fn trim_eol(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 && (bytes[end - 1] == b'\n' || bytes[end - 1] == b'\r') {
        end -= 1;
    }
    &bytes[..end]
}

/// The delimiter a header of one column holds, if it holds one: the file was split by
/// a delimiter it does not use.
fn other_delimiter(header: &[String]) -> Option<u8> {
    match header {
        [only] => {
            let delimiter = detect_delimiter(only.as_bytes());
            only.as_bytes().contains(&delimiter).then_some(delimiter)
        }
        _ => None,
    }
}

/// The most frequent of , ; tab | in the header line (outside quotes).
pub(crate) fn detect_delimiter(header: &[u8]) -> u8 {
    let candidates = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in header {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

pub(crate) fn split_header(line: &str, delimiter: u8) -> Vec<String> {
    let delimiter = delimiter as char;
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if in_quotes && chars.peek() == Some(&'"') {
                cell.push('"');
                chars.next();
            } else {
                in_quotes = !in_quotes;
            }
        } else if c == delimiter && !in_quotes {
            out.push(std::mem::take(&mut cell));
        } else {
            cell.push(c);
        }
    }
    out.push(cell);
    out
}

fn latin1_to_utf8(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quoted header name with doubled quotes (mqlcal's own feature table names a
    /// level `"Zürich"` so) is found by its real name, alone or among all columns.
    #[test]
    fn header_names_with_quotes_are_read_by_their_real_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "id,\"city=\"\"Zürich\"\" \\ x\",n\n1,a,2\n").unwrap();
        let name = "city=\"Zürich\" \\ x";
        let csv = CsvOptions { delimiter: None, decimal: Default::default(), encoding: mqlcal_config::Encoding::Utf8, sheet: None, missing: vec![] };
        let picked = read_table(&path, &csv, Some(&[(name.to_string(), "test".to_string())]), &mut ReadNotes::default()).unwrap();
        assert_eq!(picked.column_names(), vec![name.to_string()]);
        let all = read_table(&path, &csv, None, &mut ReadNotes::default()).unwrap();
        assert_eq!(all.column_names(), vec!["id".to_string(), name.to_string(), "n".to_string()]);
    }

    /// A wide file read whole with room for fewer cells than its other columns hold: the
    /// needed columns are read, the others left in groups that fit, and each group read
    /// later gives the cells the whole read gives, in any order asked, of the rows kept
    /// (the blank rows below the data left out, as in the first read; rows left out since,
    /// twice over). A Latin-1 file with a report's footer too: its bytes are read again
    /// as they were transcoded.
    #[test]
    fn a_wide_files_other_columns_read_later_are_the_whole_reads() {
        let dir = tempfile::tempdir().unwrap();
        let csv = CsvOptions { delimiter: None, decimal: Default::default(), encoding: mqlcal_config::Encoding::Auto, sheet: None, missing: vec![] };
        let needed = [("id".to_string(), "id".to_string()), ("c3".to_string(), "signal".to_string())];
        let header = "id,c1,c2,c3,c4,c5,c6,c7";
        let rows: Vec<String> = (0..10).map(|i| format!("L{i},a{i},{},c{i},\"d,{i}\",e{i},{},g{i}", if i % 3 == 0 { String::new() } else { format!("b{i}") }, i * i)).collect();
        let plain = format!("{header}\n{}\n,,,,,,,\n,,,,,,,\n", rows.join("\n"));
        let latin1: Vec<u8> = [format!("{header}\n{}\n", rows.join("\n")).replace("a1", "\u{e9}").chars().map(|c| c as u8).collect::<Vec<u8>>(), b"\n\"Grand Totals (10 records)\"\n".to_vec()].concat();
        for (name, bytes) in [("plain.csv", plain.into_bytes()), ("latin1.csv", latin1)] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let whole = read_whole_table(&path, &csv, &needed, 1, &mut ReadNotes::default()).unwrap();
            assert!(whole.later_groups().is_empty(), "{name}: the default room holds them");
            assert_eq!(whole.height(), 10, "{name}");
            // 10 rows (the lint's lines: 11 or more), room for 25 cells: groups of 2 columns.
            let (wide, footer) = read_checked(&path, &csv, Wanted::Whole { needed: &needed, cells: Some(25), files: 1 }, &mut ReadNotes::default()).unwrap();
            assert_eq!(footer.is_some(), name == "latin1.csv");
            assert_eq!(wide.column_names(), vec!["id", "c3"], "{name}");
            let groups: Vec<Vec<&str>> = wide.later_groups().iter().map(|g| g.iter().map(String::as_str).collect()).collect();
            assert_eq!(groups, vec![vec!["c1", "c2"], vec!["c4", "c5"], vec!["c6", "c7"]], "{name}");
            let text = |t: &Table| -> Vec<Vec<Option<String>>> {
                t.frame.columns().iter().map(|c| c.as_materialized_series().str().unwrap().iter().map(|v| v.map(str::to_string)).collect()).collect()
            };
            let names: Vec<String> = ["c7", "id", "c2", "c4", "c1"].iter().map(|s| s.to_string()).collect();
            assert_eq!(text(&wide.read_columns(&names).unwrap()), text(&whole.read_columns(&names).unwrap()), "{name}");
            assert_eq!(wide.read_columns(&names).unwrap().column_names(), names);
            assert_eq!(wide.dtype_of("c5"), Some(DataType::String));
            assert_eq!(wide.dtype_of("c9"), None);
            assert_eq!(wide.file_order().unwrap().join(","), header);
            // Rows left out, then some of those kept: the same rows of every column.
            let (mut wide, mut whole) = (wide, whole);
            for keep in [(0..10).map(|i| i % 4 != 1).collect::<Vec<bool>>(), vec![true, false, true, true, false, true, true]] {
                wide.keep_rows(&keep).unwrap();
                whole.keep_rows(&keep).unwrap();
            }
            assert_eq!(wide.height(), 5);
            let kept = text(&wide.read_columns(&names).unwrap());
            assert_eq!(kept, text(&whole.read_columns(&names).unwrap()), "{name}");
            assert_eq!(kept[1], ["L0", "L3", "L4", "L7", "L8"].map(|id| Some(id.to_string())), "{name}");
            assert!(wide.read_columns(&["c9".to_string()]).err().unwrap().to_string().contains("no column \"c9\""));
        }
        // A header with an unnamed column is read whole, as are too few other columns.
        let prepared = |header: &[&str], lines: usize| PreparedCsv { header: header.iter().map(|s| s.to_string()).collect(), repeated: vec![], delimiter: b',', transcoded: None, warnings: vec![], footer: None, lines };
        let id = [("id".to_string(), "id".to_string())];
        assert_eq!(held_and_later(&prepared(&["id", "", "a", "b"], 11), &id, 10), (None, vec![]));
        assert_eq!(held_and_later(&prepared(&["id", "a"], 11), &id, 10), (None, vec![]));
        assert_eq!(held_and_later(&prepared(&["id", "a", "b"], 11), &id, 10).1, vec![vec!["a".to_string()], vec!["b".to_string()]]);
        assert_eq!(held_and_later(&prepared(&["id", "a", "b"], 11), &id, 20), (None, vec![]));
    }

    /// A spreadsheet's leftovers: columns without a name and rows of delimiters alone after the
    /// data are dropped when blank (the rows with a warning); anything else is kept or refused.
    #[test]
    fn blank_unnamed_columns_and_blank_rows_below_the_data_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let csv = CsvOptions { delimiter: None, decimal: Default::default(), encoding: mqlcal_config::Encoding::Utf8, sheet: None, missing: vec![] };
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            let mut notes = ReadNotes::default();
            read_table(&path, &csv, None, &mut notes).map(|t| (t.column_names(), t.height(), notes.warnings)).map_err(|e| e.to_string())
        };
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (columns, rows, warnings) = read("id,x,,\n1,a,,\n2,b, ,\n,,,\r\n , ,,\n\n").unwrap();
        assert_eq!((columns, rows), (names(&["id", "x"]), 2));
        assert!(warnings.len() == 1 && warnings[0].contains("ignored the last 3 rows, whose every cell is blank (rows 3 to 5"), "{warnings:?}");
        // Empty lines at the end (an extra line end) go without a word.
        let (_, rows, warnings) = read("id,x\n1,a\n2,b\n\n\n").unwrap();
        assert_eq!((rows, warnings.len()), (2, 0));
        // A blank row between leads stays (the lead id error names it); no warning.
        let (_, rows, warnings) = read("id,x\n1,a\n,\n2,b\n").unwrap();
        assert_eq!((rows, warnings.len()), (3, 0));
        // An unnamed column with data is refused, naming it and the cell.
        let e = read("id,x,\n1,a,\n2,b,note\n").unwrap_err();
        assert!(e.contains("line 1: column 3 has no name in the header but holds \"note\" at row 2 (line 3)"), "{e}");
        // pandas' index (to_csv without index=False): said so, with what to do.
        let e = read(",id,x\n0,L1,a\n1,L2,b\n2,L3,c\n").unwrap_err();
        assert!(e.contains("line 1: column 1 has no name in the header and holds the row numbers (\"0\", then one more each row): the index pandas writes beside a frame's columns; write the file with to_csv(..., index=False), or delete the column"), "{e}");
        let e = read(",id,x\n0,L1,a\n2,L2,b\n").unwrap_err();
        assert!(e.contains("has no name in the header but holds \"0\" at row 1"), "{e}");
        // A quoted field's last lines are not rows of their own: the frame disagrees, nothing is dropped.
        let (_, rows, warnings) = read("id,x\n1,\"a\n,\n,\"\n").unwrap();
        assert_eq!((rows, warnings.len()), (1, 0));
        // A file of blank rows alone is left to say so (no lead id).
        let (_, rows, _) = read("id,x\n,\n").unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"\"x;y\",b,c"), b',');
        assert_eq!(detect_delimiter(b"a\tb"), b'\t');
        assert_eq!(detect_delimiter(b"single"), b',');
    }

    #[test]
    fn header_split_respects_quotes() {
        assert_eq!(split_header("a,\"b,c\",\"d\"\"e\"", b','), vec!["a", "b,c", "d\"e"]);
    }

    #[test]
    fn latin1_decodes() {
        assert_eq!(latin1_to_utf8(&[0x4d, 0xfc, 0x6e]), "Mün");
    }
}
