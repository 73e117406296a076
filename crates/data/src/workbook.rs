//! A spreadsheet workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`: a CRM report's "Export to
//! Excel") read as a table of text holding what a CSV saved from it would hold: numbers
//! unformatted (`1200.5`, not `$1,200.50`), dates as ISO text whatever the sheet displays
//! (so `date_format = "auto"` reads them; calamine turns the cell's serial day into its
//! date, in the workbook's own date system, to the millisecond), error values as the sheet
//! shows them (`#N/A`, which the number reader then names). Its first sheet is the table,
//! the sheet's first row the header: row N of a message is the sheet's row N + 1.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use polars::prelude::*;

use crate::read::ReadNotes;
use crate::DataError;

/// Whether `path` names a workbook, by its extension.
pub(crate) fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

/// A sheet of a workbook: its header (the first row) and every later row as text.
pub(crate) struct Sheet {
    pub(crate) header: Vec<String>,
    /// Names the header gives several columns: those after the first renamed in `header`.
    pub(crate) repeated: Vec<crate::csv_lint::RepeatedName>,
    pub(crate) frame: DataFrame,
}

/// Read the sheet `wanted` of the workbook `path` (`[input] sheet`), or its first, with a
/// note saying which when there are several.
pub(crate) fn read_sheet(path: &Path, wanted: Option<&str>, notes: &mut ReadNotes) -> Result<Sheet, DataError> {
    check_signature(path)?;
    let unreadable = |e: calamine::Error| {
        // calamine nests its errors ("Xlsx error: Zip error: …"): the innermost says what is wrong.
        let said = e.to_string();
        let inner = said.rsplit_once("error: ").map_or(said.as_str(), |(_, inner)| inner);
        let inner = if inner.contains("Zip archive") { format!("its zip data is damaged or cut short: {inner}") } else { inner.to_string() };
        DataError::file(path, format!("cannot read it as a workbook ({inner}): save it again from the spreadsheet, or export the report as CSV"))
    };
    let mut workbook = open_workbook_auto(path).map_err(unreadable)?;
    let names = workbook.sheet_names();
    let listed = names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    let sheet = match (wanted, names.first()) {
        (Some(wanted), _) => match names.iter().find(|n| n.as_str() == wanted) {
            Some(name) => name.clone(),
            None => return Err(DataError::file(path, format!("no sheet {wanted:?} ([input] sheet); the workbook has: {listed}"))),
        },
        (None, Some(first)) => {
            if names.len() > 1 {
                notes.warnings.push(format!("{}: read its first sheet, {first:?}, of {} ({listed}); set [input] sheet to read another", path.display(), names.len()));
            }
            first.clone()
        }
        (None, None) => return Err(DataError::Empty { path: path.to_path_buf() }),
    };
    let range = workbook.worksheet_range(&sheet).map_err(unreadable)?;
    // The used range may start below the sheet's first row or right of its first column:
    // the rows above and columns left are blank, and the header must be the first row.
    let first_column = match range.start() {
        None => return Err(DataError::Empty { path: path.to_path_buf() }),
        Some((0, column)) => column as usize,
        Some((row, _)) => {
            return Err(DataError::file(path, format!("sheet {sheet:?}: rows 1 to {row} are blank and the table starts at row {}: delete the blank rows above it (the header must be row 1)", row + 1)))
        }
    };
    let mut rows = range.rows();
    let mut header: Vec<String> = rows.next().unwrap_or(&[]).iter().map(|cell| text(cell).unwrap_or_default()).collect();
    if header.iter().all(|name| name.trim().is_empty()) {
        return Err(DataError::Empty { path: path.to_path_buf() });
    }
    let at = crate::csv_lint::SheetHeader { name: sheet.clone(), first_column };
    let repeated = crate::csv_lint::tell_repeated_names(path, &mut header, Some(&at))?;
    notes.warnings.extend(repeated.iter().map(|r| r.warning(path)));
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(range.height()); header.len()];
    for row in rows {
        for (column, cell) in columns.iter_mut().zip(row) {
            column.push(text(cell));
        }
    }
    // Rows at the end whose every cell is blank (formatted, never filled) are no one's.
    let height = (0..columns.first().map_or(0, Vec::len)).rev().find(|&r| columns.iter().any(|c| c[r].is_some())).map_or(0, |r| r + 1);
    // A report's footer below the rows (Salesforce's "Export Details" to Excel), in the first
    // column of rows otherwise blank. A sheet of one column has no way to tell it.
    let footer = match columns.split_first() {
        Some((first, rest)) if !rest.is_empty() => {
            let first_cells: Vec<Option<String>> = std::iter::once(header.first().cloned()).chain(first[..height].iter().cloned()).collect();
            crate::report_footer::in_sheet(&first_cells, |r| rest.iter().all(|c| c[r - 1].is_none()))
        }
        _ => None,
    };
    let height = match footer {
        Some(footer) => {
            notes.warnings.extend(footer.warnings(path, footer.start as usize));
            footer.start as usize
        }
        None => height,
    };
    let series: Vec<Column> = header
        .iter()
        .zip(columns)
        .map(|(name, mut values)| {
            values.truncate(height);
            Column::new(PlSmallStr::from(name.as_str()), values)
        })
        .collect();
    let frame = DataFrame::new(height, series).map_err(|e| DataError::file(path, e.to_string()))?;
    let names: Vec<PlSmallStr> = header.iter().map(|h| PlSmallStr::from(h.as_str())).collect();
    let (frame, header) = if header.iter().any(String::is_empty) {
        (crate::read::without_unnamed_columns(path, frame, &names)?, header.into_iter().filter(|h| !h.is_empty()).collect())
    } else {
        (frame, header)
    };
    Ok(Sheet { header, repeated, frame })
}

/// Refuse a file whose first bytes are not a workbook's (a zip archive for .xlsx, .xlsm
/// and .ods; an OLE compound file for .xls): most often a CSV given a workbook's name.
fn check_signature(path: &Path) -> Result<(), DataError> {
    use std::io::Read;
    let mut start = Vec::with_capacity(8);
    std::fs::File::open(path).and_then(|f| f.take(8).read_to_end(&mut start)).map_err(|e| DataError::io(path, e))?;
    let zip = start.starts_with(b"PK\x03\x04");
    let ole = start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if zip || ole {
        return Ok(());
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let text = !start.is_empty() && start.iter().all(|&b| b == b'\t' || b == b'\r' || b == b'\n' || (0x20..0x7F).contains(&b) || b >= 0x80);
    // Some CRMs' "Excel" exports (Salesforce Classic's .xls among them) are a web page's table.
    let html = text && String::from_utf8_lossy(&start).trim_start_matches('\u{FEFF}').trim_start().starts_with('<');
    Err(DataError::file(
        path,
        match (html, text) {
            (true, _) => format!("its name ends in .{ext}, but it is a web page (HTML), as some CRMs' \"Excel\" exports are, not a workbook: export the report as CSV, or open it in the spreadsheet and save it as .xlsx"),
            (false, true) => format!("its name ends in .{ext}, but it is text, not a workbook (a CSV saved under a workbook's name?): rename it .csv"),
            (false, false) => format!("its name ends in .{ext}, but it is not a workbook (its first bytes are neither a zip archive's nor an Excel 97 file's): save it again from the spreadsheet, or export the report as CSV"),
        },
    ))
}

/// A cell as a CSV saved from the sheet would hold it (None: blank).
fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) if s.is_empty() => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(number(*f)),
        Data::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        // A duration (a time spent, `[h]:mm:ss`) is its length in days, as the sheet stores it.
        Data::DateTime(d) if d.is_duration() => Some(number(d.as_f64())),
        Data::DateTime(d) => {
            let (year, month, day, hour, minute, second, milli) = d.to_ymd_hms_milli();
            Some(match (hour, minute, second, milli) {
                (0, 0, 0, 0) => format!("{year:04}-{month:02}-{day:02}"),
                (_, _, _, 0) => format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"),
                _ => format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}.{milli:03}"),
            })
        }
        Data::Error(e) => Some(e.to_string()),
    }
}

/// A number as plain text: whole numbers without a point (346, not 346.0), others as the
/// shortest text that reads back as the same value.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_a_csv_saved_from_the_sheet_holds_them() {
        let date = |value: f64, is_1904: bool| Data::DateTime(ExcelDateTime::new(value, ExcelDateTimeType::DateTime, is_1904));
        for (cell, expected) in [
            (Data::Empty, None),
            (Data::String(String::new()), None),
            (Data::String("Zürich AG".into()), Some("Zürich AG")),
            (Data::Int(-42), Some("-42")),
            (Data::Float(346.0), Some("346")),
            (Data::Float(0.1), Some("0.1")),
            (Data::Float(-2.5), Some("-2.5")),
            (Data::Float(1e20), Some("100000000000000000000")),
            (Data::Bool(true), Some("TRUE")),
            (Data::Error(CellErrorType::NA), Some("#N/A")),
            (date(45306.0, false), Some("2024-01-15")),
            (date(45306.378472222222, false), Some("2024-01-15 09:05:00")),
            (date(43844.375, true), Some("2024-01-15 09:00:00")),
            (date(45306.5000058, false), Some("2024-01-15 12:00:00.501")),
            (Data::DateTime(ExcelDateTime::new(0.25, ExcelDateTimeType::TimeDelta, false)), Some("0.25")),
        ] {
            assert_eq!(text(&cell).as_deref(), expected, "{cell:?}");
        }
    }

    #[test]
    fn workbooks_are_told_by_their_extension() {
        for name in ["a.xlsx", "b.XLSX", "c.xls", "d.ods", "e.xlsm"] {
            assert!(is_workbook(Path::new(name)), "{name}");
        }
        for name in ["a.csv", "b.parquet", "c.xlsx.gz", "d"] {
            assert!(!is_workbook(Path::new(name)), "{name}");
        }
    }
}
