//! Errors of ingest: each names the file, and where it can the row and column,
//! and says what was expected.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: file not found (check the path in the config; relative paths are relative to the config file)")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}: the file is empty or holds only its header (expected a header line and at least one row)")]
    Empty { path: PathBuf },
    #[error("{path}: unsupported file type {extension:?} (expected .csv, .tsv, .txt or .parquet; a file to read may also be a gzipped .csv.gz, or a workbook .xlsx, .xls or .ods)")]
    UnsupportedFormat { path: PathBuf, extension: String },
    #[error("{path}: no column {column:?} (needed for {purpose}); the file has: {available}{hint}")]
    MissingColumn {
        path: PathBuf,
        column: String,
        purpose: String,
        available: String,
        hint: String,
    },
    #[error("{path}: row {row} (line {line}), column {column:?}: text is not valid UTF-8 (byte 0x{byte:02x}); set [input] encoding = \"latin-1\" (or \"auto\") if the export is Latin-1")]
    NotUtf8 {
        path: PathBuf,
        row: usize,
        line: usize,
        column: String,
        byte: u8,
    },
    /// A bad cell: `row` is the 1-based data row (header excluded); `line` the line it
    /// starts on, when known ([`DataError::place_line`]), else one more than the row (the
    /// row in a spreadsheet). Row 0: the column as a whole.
    #[error("{path}: {}column {column:?}: {message}", if *row == 0 { String::new() } else { format!("row {row} (line {}), ", line.unwrap_or(row + 1)) })]
    Cell {
        path: PathBuf,
        row: usize,
        line: Option<usize>,
        column: String,
        message: String,
    },
    #[error("{path}: column {column:?} has type {found}; expected {expected}")]
    ColumnType {
        path: PathBuf,
        column: String,
        found: String,
        expected: String,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{message}")]
    Config { message: String },
    /// The command line asks for something impossible (an output over an input, a missing option).
    #[error("{path}: {message}")]
    Usage { path: PathBuf, message: String },
}

impl DataError {
    /// A cell's error in a leads CSV file placed at the line its row starts on, the file
    /// read again up to there (on the way out, once), delimited by `delimiter` (None:
    /// detected from the header): a quoted cell with line breaks (a lead's Description)
    /// puts every row below it further down than one line a row. An error already placed
    /// (the events reader places its own) is left as it is.
    pub fn place_line(&mut self, delimiter: Option<u8>) {
        if let DataError::Cell { path, row, line: line @ None, .. } = self {
            if *row > 0 && matches!(crate::read::input_kind(path), Ok(crate::read::Source::Csv { .. })) {
                // Once tried, placed: a later call (main's, delimiter unknown) must not
                // place it again by another delimiter; unfound, one line a row.
                let found = crate::read::open_input(path, 0).ok().and_then(|text| crate::csv_lint::line_of_row(text, *row, true, delimiter));
                *line = Some(found.unwrap_or(*row + 1));
            }
        }
    }

    /// Whether the file was read but its content is wrong (exit code 1), rather than
    /// not readable at all or misconfigured (exit code 2).
    pub fn is_content_fault(&self) -> bool {
        matches!(
            self,
            DataError::Empty { .. } | DataError::MissingColumn { .. } | DataError::NotUtf8 { .. } | DataError::Cell { .. } | DataError::ColumnType { .. } | DataError::File { .. }
        )
    }

    /// A file that could not be read; when what was read is damaged (a gzip stream cut
    /// short: `ErrorKind::InvalidData`), its content is at fault, not the reading.
    pub(crate) fn io(path: &std::path::Path, err: impl std::fmt::Display + 'static) -> DataError {
        let damaged = (&err as &dyn std::any::Any).downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::InvalidData);
        match damaged {
            true => DataError::file(path, err.to_string()),
            false => DataError::Io { path: path.to_path_buf(), message: err.to_string() },
        }
    }

    pub(crate) fn file(path: &std::path::Path, message: impl Into<String>) -> DataError {
        DataError::File {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
