//! The hostile-input corpus: every case runs the binary on a small copy of the
//! sample with one thing broken, and checks what a user would: the exit code
//! (1: an input's content is wrong; 2: mqlcal could not run), a message of at
//! most three lines that names the file at fault, no panic, every input file
//! byte-for-byte unchanged, and no temporary file left behind.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

struct Case {
    name: &'static str,
    /// Breaks the copy in `dir`.
    setup: Box<dyn Fn(&Path)>,
    args: Vec<String>,
    code: i32,
    /// The message must contain this (the file's name, and what was wrong).
    says: Vec<&'static str>,
}

fn case<R>(name: &'static str, setup: impl Fn(&Path) -> R + 'static, args: &[&str], code: i32, says: &[&'static str]) -> Case {
    Case { name, setup: Box::new(move |d| drop(setup(d))), args: args.iter().map(|s| s.to_string()).collect(), code, says: says.to_vec() }
}

/// The small copy, written into `dir`: leads.csv, events.csv, mqlcal.toml, and a backtested model.json.
fn write_base(dir: &Path) {
    let data = repo_root().join("notebooks-data");
    let leads = std::fs::read_to_string(data.join("leads.csv")).unwrap();
    // Every 7th lead: all cohorts, a seventh of the size.
    let kept: Vec<&str> = leads.lines().enumerate().filter(|(i, _)| i % 7 == 0 || *i < 9).map(|(_, l)| l).collect();
    let ids: std::collections::HashSet<&str> = kept.iter().map(|l| l.split(',').next().unwrap()).collect();
    write(dir, "leads.csv", kept.join("\n") + "\n");
    let events = std::fs::read_to_string(data.join("events.csv")).unwrap();
    let mut lines = events.lines();
    let mut out = String::from(lines.next().unwrap());
    out.push('\n');
    for line in lines.filter(|l| ids.contains(l.split(',').next().unwrap())) {
        out.push_str(line);
        out.push('\n');
    }
    write(dir, "events.csv", out);
    std::fs::copy(data.join("current_points.toml"), dir.join("current_points.toml")).unwrap();
    let config = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap().replace("holdout_cohorts =", "# holdout_cohorts =");
    write(dir, "xlsx.toml", config.replace("leads = \"leads.csv\"", "leads = \"leads.xlsx\""));
    write(dir, "mqlcal.toml", config);
    let (code, _, err) = run_in(dir, &["backtest", "--config", "mqlcal.toml", "--out", "bt"]);
    assert_eq!(code, 0, "the small copy backtests: {err}");
    std::fs::copy(dir.join("bt/model.json"), dir.join("model.json")).unwrap();
    std::fs::remove_dir_all(dir.join("bt")).unwrap();
}

/// The copy's leads with a decision-date column `closed_at` (`date(row)`, rows from 1),
/// named by `[columns] decided_at`.
fn with_decision_dates(dir: &Path, date: impl Fn(usize) -> String) {
    let text = read(dir, "leads.csv");
    let mut lines = text.lines();
    let mut out = format!("{},closed_at\n", lines.next().unwrap());
    for (row, line) in lines.enumerate() {
        out.push_str(&format!("{line},{}\n", date(row + 1)));
    }
    write(dir, "leads.csv", out);
    edit(dir, "mqlcal.toml", "[columns]\n", "[columns]\ndecided_at = \"closed_at\"\n");
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Replace `from` by `to` in a file of the copy (the text must be there).
fn edit(dir: &Path, name: &str, from: &str, to: &str) {
    let text = read(dir, name);
    assert!(text.contains(from), "{name} holds {from:?}");
    write(dir, name, text.replacen(from, to, 1));
}

/// Replace line `n` (1-based) of a file.
fn set_line(dir: &Path, name: &str, n: usize, line: &str) {
    let mut lines: Vec<String> = read(dir, name).lines().map(str::to_string).collect();
    lines[n - 1] = line.to_string();
    write(dir, name, lines.join("\n") + "\n");
}

fn model_json(dir: &Path, change: impl Fn(&mut serde_json::Value)) {
    let mut model: serde_json::Value = serde_json::from_str(&read(dir, "model.json")).unwrap();
    change(&mut model);
    write(dir, "model.json", serde_json::to_string_pretty(&model).unwrap());
}

const VALIDATE: &[&str] = &["validate", "--config", "mqlcal.toml"];
/// Validate with the leads read from `leads.xlsx`.
const VALIDATE_XLSX: &[&str] = &["validate", "--config", "xlsx.toml"];
const SCORE: &[&str] = &["score", "--model", "model.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "scores.csv"];
const EXPORT: &[&str] = &["export", "--model", "model.json", "--sql", "--dialect", "duckdb", "-o", "score.sql"];

/// Creation dates as a US-locale CRM report writes them: `1/15/2024 9:05 AM`.
fn us_twelve_hour_times(dir: &Path) {
    let text = read(dir, "leads.csv");
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let ymd: Vec<u32> = cells[1].split('-').map(|p| p.parse().unwrap()).collect();
        cells[1] = format!("{}/{}/{} 9:05 AM", ymd[1], ymd[2], ymd[0]);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    write(dir, "leads.csv", out);
}

/// Two leads whose long numeric ids a spreadsheet rounded to the same text.
fn rounded_ids(dir: &Path) {
    edit(dir, "leads.csv", "L0000001,", "1.23457E+14,");
    edit(dir, "leads.csv", "L0000002,", "1.23457E+14,");
}

fn leads_cases() -> Vec<Case> {
    vec![
        case("short row", |d| set_line(d, "leads.csv", 5, "L0000004,2024-01-01,lost"), VALIDATE, 1, &["leads.csv", "line 5: 3 fields where the header has 9"]),
        case("long row", |d| edit(d, "leads.csv", ",business\n", ",business,extra,extra\n"), VALIDATE, 1, &["leads.csv", "11 fields where the header has 9"]),
        case("unterminated quote", |d| edit(d, "leads.csv", ",software,", ",\"software,"), VALIDATE, 1, &["leads.csv", "never closes"]),
        case("stray quote", |d| edit(d, "leads.csv", ",software,", ",soft\"ware,"), VALIDATE, 1, &["leads.csv", "a quote inside a field"]),
        case("CR line endings", |d| write(d, "leads.csv", read(d, "leads.csv").replace('\n', "\r")), VALIDATE, 1, &["leads.csv", "carriage return"]),
        case("duplicate header", |d| edit(d, "leads.csv", "country,", "channel,"), VALIDATE, 1, &["leads.csv", "\"channel\" twice"]),
        case("empty file", |d| write(d, "leads.csv", ""), VALIDATE, 1, &["leads.csv", "empty"]),
        case("header only", |d| write(d, "leads.csv", read(d, "leads.csv").lines().next().unwrap().to_string() + "\n"), VALIDATE, 1, &["leads.csv"]),
        case("blank header", |d| write(d, "leads.csv", "   \n1,2\n"), VALIDATE, 1, &["leads.csv", "empty"]),
        case("not UTF-8", |d| {
            let mut bytes = std::fs::read(d.join("leads.csv")).unwrap();
            let at = bytes.iter().position(|&b| b == b's').unwrap();
            bytes[at] = 0xff;
            std::fs::write(d.join("leads.csv"), bytes).unwrap();
        }, VALIDATE, 1, &["leads.csv", "not valid UTF-8", "latin-1"]),
        case("no id column", |d| edit(d, "leads.csv", "lead_id,", "id,"), VALIDATE, 1, &["leads.csv", "no column \"lead_id\""]),
        case("no outcome column", |d| edit(d, "leads.csv", ",outcome,", ",result,"), VALIDATE, 1, &["leads.csv", "no column \"outcome\""]),
        case("typo in a column", |d| edit(d, "leads.csv", ",channel,", ",chanel,"), VALIDATE, 1, &["leads.csv", "did you mean"]),
        case("bad date", |d| edit(d, "leads.csv", "L0000002,2024-01-01", "L0000002,2024-13-45"), VALIDATE, 1, &["leads.csv", "2024-13-45"]),
        case("year 9999", |d| edit(d, "leads.csv", "L0000002,2024-01-01", "L0000002,9999-12-31"), VALIDATE, 1, &["leads.csv", "9999"]),
        case("year 1900", |d| edit(d, "leads.csv", "L0000002,2024-01-01", "L0000002,1900-01-01"), VALIDATE, 1, &["leads.csv", "1900"]),
        case("year 1900 allowed by earliest_date", |d| {
            edit(d, "leads.csv", "L0000002,2024-01-01", "L0000002,1900-01-01");
            edit(d, "mqlcal.toml", "[input]\n", "[input]\nearliest_date = \"1850-01-01\"\n");
        }, VALIDATE, 0, &[]),
        case("latest_date before the data", |d| edit(d, "mqlcal.toml", "[input]\n", "[input]\nlatest_date = 2024-06-30\n"), VALIDATE, 1, &["leads.csv", "latest_date", "2024-06-30"]),
        case("earliest_date not a date", |d| edit(d, "mqlcal.toml", "[input]\n", "[input]\nearliest_date = \"last year\"\n"), VALIDATE, 2, &["mqlcal.toml", "earliest_date", "YYYY-MM-DD"]),
        case("unknown outcome", |d| edit(d, "leads.csv", "L0000002,2024-01-01,lost", "L0000002,2024-01-01,maybe"), VALIDATE, 1, &["leads.csv", "maybe"]),
        case("text in a number", |d| edit(d, "leads.csv", ",manager,16,", ",manager,sixteen,"), VALIDATE, 1, &["leads.csv", "\"sixteen\" is not a number", "add \"sixteen\" to [input] missing", "kind = \"categorical\""]),
        case("a band where a number was", |d| edit(d, "leads.csv", ",manager,16,", ",manager,11-50,"), VALIDATE, 1, &["leads.csv", "company_size", "\"11-50\" is not a number: a band", "make the signal kind = \"categorical\" with the bands as its levels"]),
        case("a number written as money", |d| edit(d, "leads.csv", ",manager,16,", ",manager,\"$1,600\","), VALIDATE, 1, &["leads.csv", "\"$1,600\" is not a number: written as money", "1200.50"]),
        case("a number with a thousands separator", |d| edit(d, "leads.csv", ",manager,16,", ",manager,\"1,600\","), VALIDATE, 1, &["leads.csv", "company_size", "a decimal comma or a thousands separator", "set [input] decimal = \",\""]),
        case("a spreadsheet's #N/A in a number", |d| edit(d, "leads.csv", ",manager,16,", ",manager,#N/A,"), VALIDATE, 1, &["leads.csv", "error value", "[input] missing"]),
        case("infinite number", |d| edit(d, "leads.csv", ",manager,16,", ",manager,inf,"), VALIDATE, 1, &["leads.csv", "company_size"]),
        case("leads is a folder", |d| {
            std::fs::remove_file(d.join("leads.csv")).unwrap();
            std::fs::create_dir(d.join("leads.csv")).unwrap();
        }, VALIDATE, 2, &["leads.csv", "folder"]),
        case("leads missing", |d| std::fs::remove_file(d.join("leads.csv")).unwrap(), VALIDATE, 2, &["leads.csv", "not found"]),
        case("an Apple Numbers file", |d| {
            std::fs::copy(d.join("leads.csv"), d.join("leads.numbers")).unwrap();
            edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"leads.numbers\"");
        }, VALIDATE, 2, &["leads.numbers", "unsupported file type \"numbers\"", "a workbook .xlsx, .xls or .ods"]),
        case("garbage parquet", |d| {
            write(d, "leads.parquet", "not parquet at all");
            edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"leads.parquet\"");
        }, VALIDATE, 1, &["leads.parquet", "Parquet"]),
        case("binary garbage", |d| write(d, "leads.csv", (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>()), VALIDATE, 1, &["leads.csv"]),
        case("wrong delimiter", |d| edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \";\""), VALIDATE, 1, &["leads.csv", "no column", "looks delimited by ','", "delimiter = \"auto\""]),
        case("semicolon leads, comma events, one delimiter", |d| {
            write(d, "leads.csv", read(d, "leads.csv").replace(',', ";"));
            edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \";\"");
        }, VALIDATE, 1, &["events.csv", "no column \"lead_id\"", "looks delimited by ','"]),
        case("semicolon leads, comma events, auto", |d| {
            write(d, "leads.csv", read(d, "leads.csv").replace(',', ";"));
            edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \"auto\"");
        }, VALIDATE, 0, &[]),
        case("a spreadsheet's leftovers: unnamed blank columns, rows of delimiters below the data", |d| {
            let text: String = read(d, "leads.csv").lines().map(|l| format!("{l},,\r\n")).collect();
            write(d, "leads.csv", text + ",,,,,,,,,,\r\n,,,,,,,,,,\r\n\r\n");
        }, VALIDATE, 0, &[]),
        case("an empty line between leads", |d| edit(d, "leads.csv", "\nL0000007,", "\n\nL0000007,"), VALIDATE, 1, &["leads.csv", "line", "the lead id is blank, as is every other cell read in that row", "delete the line"]),
        case("a report's title above the header", |d| write(d, "leads.csv", "Leads by source\nExported 2024-01-15\n\n".to_string() + &read(d, "leads.csv")), VALIDATE, 1, &["leads.csv", "line 4: 9 fields where the header has 1", "if line 4 is the header and the lines above it a report's title, delete them"]),
        case("a report's title above the header, saved from a spreadsheet", |d| write(d, "leads.csv", "Leads by source,,,,,,,,\n,,,,,,,,\n".to_string() + &read(d, "leads.csv")), VALIDATE, 1, &["leads.csv", "no column \"lead_id\"", "line 3 holds \"lead_id\": if it is the header and the lines above it a report's title, delete them"]),
        case("a report's title above a gzipped header", |d| {
            write(d, "leads.csv", "Leads by source,,,,,,,,\n".to_string() + &read(d, "leads.csv"));
            let out = std::process::Command::new("gzip").arg("-f").arg(d.join("leads.csv")).output().unwrap();
            assert!(out.status.success());
            edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"leads.csv.gz\"");
        }, VALIDATE, 1, &["leads.csv.gz", "line 2 holds \"lead_id\""]),
        case("a report's title above the events' header", |d| write(d, "events.csv", "Activities,,\n".to_string() + &read(d, "events.csv")), VALIDATE, 1, &["events.csv", "line 2 holds \"lead_id\""]),
        case("a .csv.gz that is not gzip", |d| {
            std::fs::copy(d.join("leads.csv"), d.join("leads.csv.gz")).unwrap();
            edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"leads.csv.gz\"");
        }, VALIDATE, 1, &["leads.csv.gz: its name ends in .gz, but it is not gzip data"]),
        case("a gzipped events file cut short", |d| {
            let out = std::process::Command::new("gzip").arg("-kf").arg(d.join("events.csv")).output().unwrap();
            assert!(out.status.success());
            let bytes = std::fs::read(d.join("events.csv.gz")).unwrap();
            std::fs::write(d.join("events.csv.gz"), &bytes[..bytes.len() / 2]).unwrap();
            edit(d, "mqlcal.toml", "events = \"events.csv\"", "events = \"events.csv.gz\"");
        }, VALIDATE, 1, &["events.csv.gz: the gzip data ends early"]),
        case("a gzipped Parquet file", |d| {
            write(d, "leads.parquet.gz", "x");
            edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"leads.parquet.gz\"");
        }, VALIDATE, 2, &["leads.parquet.gz", "unsupported file type \"gz\"", ".csv.gz"]),
        case("Excel's sep= line above the header", |d| write(d, "leads.csv", "sep=,\r\n".to_string() + &read(d, "leads.csv")), VALIDATE, 1, &["leads.csv", "line 1 is \"sep=,\"", "delete that line"]),
        case("Excel's sep= line above the events' header", |d| write(d, "events.csv", "sep=;\n".to_string() + &read(d, "events.csv")), VALIDATE, 1, &["events.csv", "line 1 is \"sep=;\"", "finds the ';' itself"]),
        case("an unnamed column holding data", |d| {
            let text: String = read(d, "leads.csv").lines().enumerate().map(|(k, l)| format!("{l},{}\n", if k == 3 { "call back" } else { "" })).collect();
            write(d, "leads.csv", text);
        }, VALIDATE, 1, &["leads.csv", "column 10 has no name in the header but holds \"call back\" at row 3 (line 4)", "name it"]),
        case("creation dates saved as spreadsheet serial numbers", |d| {
            write(d, "leads.csv", read(d, "leads.csv").replace(",2024-01-01,", ",45292,"));
            edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"iso\"");
        }, VALIDATE, 1, &["leads.csv", "row 1 (line 2)", "\"45292\"", "date serial number (45292 is 2024-01-01)", "format the column as a date"]),
        case("creation dates as Unix milliseconds, read as ISO", |d| {
            let text = read(d, "leads.csv");
            let mut out = String::new();
            for (k, line) in text.lines().enumerate() {
                let cells: Vec<&str> = line.splitn(3, ',').collect();
                let at = if k == 0 { cells[1].to_string() } else { format!("{}000", 1_704_067_200 + 86_400 * (k as i64 % 700)) };
                out.push_str(&format!("{},{at},{}\n", cells[0], cells[2]));
            }
            write(d, "leads.csv", out);
            edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"iso\"");
        }, VALIDATE, 1, &["leads.csv: row 1 (line 2), column \"created_at\": cannot read \"1704153600000\" as a date", "Unix time in milliseconds (1704153600000 is 2024-01-02 00:00:00 UTC): set date_format = \"unix_ms\""]),
        case("creation dates with two-digit years, as Excel's short date saves them", |d| {
            let text = read(d, "leads.csv");
            let mut out = String::new();
            for (k, line) in text.lines().enumerate() {
                let cells: Vec<&str> = line.splitn(3, ',').collect();
                let at = if k == 0 { cells[1].to_string() } else {
                    let (y, m, day) = (&cells[1][2..4], cells[1][5..7].trim_start_matches('0'), cells[1][8..10].trim_start_matches('0'));
                    format!("{m}/{day}/{y}")
                };
                out.push_str(&format!("{},{at},{}\n", cells[0], cells[2]));
            }
            write(d, "leads.csv", out);
        }, VALIDATE, 1, &["leads.csv: column \"created_at\": cannot recognise the date format of values such as \"1/1/24\": its year has two digits: set date_format = \"%m/%d/%y\" or \"%d/%m/%y\" in the config, as the export writes the month or the day first"]),
        case("a blank sheet name", |d| edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \",\"\nsheet = \" \""), VALIDATE, 2, &["mqlcal.toml", "[input] sheet = \" \": expected the name of a workbook's sheet"]),
        case("decimal mark neither point nor comma", |d| edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \",\"\ndecimal = \";\""), VALIDATE, 2, &["mqlcal.toml", "[input] decimal = \";\"", "expected \".\""]),
        case("a point in a number read with decimal = \",\"", |d| {
            write(d, "leads.csv", read(d, "leads.csv").replacen(",346,", ",346.5,", 1));
            edit(d, "mqlcal.toml", "delimiter = \",\"", "delimiter = \",\"\ndecimal = \",\"");
        }, VALIDATE, 1, &["leads.csv", "row 1", "\"company_size\"", "\"346.5\"", "only groups thousands"]),
        case("UTF-16 leads cut in the middle of a character", |d| {
            let mut utf16: Vec<u8> = std::iter::once(0xFEFF).chain(read(d, "leads.csv").encode_utf16()).flat_map(u16::to_le_bytes).collect();
            utf16.pop();
            std::fs::write(d.join("leads.csv"), utf16).unwrap();
        }, VALIDATE, 1, &["leads.csv", "the UTF-16 text ends in the middle of a character", "cut short"]),
        case("UTF-16 leads with half a surrogate pair", |d| {
            let units: Vec<u16> = read(d, "leads.csv").replacen("software", "soft\u{1F600}ware", 1).encode_utf16().collect();
            let at = units.iter().position(|&u| (0xD800..0xDC00).contains(&u)).unwrap();
            let utf16: Vec<u8> = units.iter().enumerate().filter(|&(k, _)| k != at).flat_map(|(_, u)| u.to_le_bytes()).collect();
            std::fs::write(d.join("leads.csv"), utf16).unwrap();
        }, VALIDATE, 1, &["leads.csv", "line 2 (byte ", "is half of a UTF-16 surrogate pair without its other half"]),
        case("a CSV named .xlsx", |d| std::fs::rename(d.join("leads.csv"), d.join("leads.xlsx")).unwrap(), VALIDATE_XLSX, 1, &["leads.xlsx: its name ends in .xlsx, but it is text, not a workbook", "rename it .csv"]),
        case("an \"Excel\" export that is a web page", |d| {
            std::fs::write(d.join("leads.xlsx"), "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table><tr><td>lead_id</td></tr></table></html>").unwrap()
        }, VALIDATE_XLSX, 1, &["leads.xlsx: its name ends in .xlsx, but it is a web page (HTML)", "export the report as CSV"]),
        case("a workbook cut short", |d| {
            let mut workbook = rust_xlsxwriter::Workbook::new();
            workbook.add_worksheet().write_string(0, 0, "lead_id").unwrap();
            let bytes = workbook.save_to_buffer().unwrap();
            std::fs::write(d.join("leads.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
        }, VALIDATE_XLSX, 1, &["leads.xlsx: cannot read it as a workbook (its zip data is damaged or cut short", "save it again from the spreadsheet"]),
        case("a workbook whose table starts below blank rows", |d| {
            let mut workbook = rust_xlsxwriter::Workbook::new();
            let sheet = workbook.add_worksheet();
            for (r, line) in read(d, "leads.csv").lines().enumerate() {
                for (c, cell) in line.split(',').enumerate() {
                    sheet.write_string(r as u32 + 2, c as u16, cell).unwrap();
                }
            }
            workbook.save(d.join("leads.xlsx")).unwrap();
        }, VALIDATE_XLSX, 1, &["leads.xlsx: sheet \"Sheet1\": rows 1 to 2 are blank and the table starts at row 3", "the header must be row 1"]),
        case("UTF-32 leads", |d| {
            let utf32: Vec<u8> = std::iter::once('\u{FEFF}').chain(read(d, "leads.csv").chars()).flat_map(|c| (c as u32).to_le_bytes()).collect();
            std::fs::write(d.join("leads.csv"), utf32).unwrap();
        }, VALIDATE, 1, &["leads.csv", "UTF-32 little-endian", "CSV UTF-8", "iconv -f UTF-32"]),
        case("US 12-hour times, detected", us_twelve_hour_times, VALIDATE, 0, &[]),
        case("US 12-hour times after a date alone", |d| {
            us_twelve_hour_times(d);
            edit(d, "leads.csv", "L0000001,1/1/2024 9:05 AM,", "L0000001,1/1/2024,");
        }, VALIDATE, 1, &["leads.csv", "\"1/1/2024 9:05 AM\"", "12-hour clock", "date_format = \"%m/%d/%Y %I:%M %p\""]),
        case("US 12-hour times, read by the pattern", |d| {
            us_twelve_hour_times(d);
            edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"%m/%d/%Y %I:%M %p\"");
        }, VALIDATE, 0, &[]),
        case("US 12-hour times, exported to SQL", |d| {
            us_twelve_hour_times(d);
            edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"%m/%d/%Y %I:%M %p\"");
            let (code, _, err) = run_in(d, &["backtest", "--config", "mqlcal.toml", "--out", "bt12"]);
            assert_eq!(code, 0, "{err}");
        }, &["export", "--model", "bt12/model.json", "--sql", "--dialect", "bigquery", "-o", "score12.sql"], 0, &[]),
        case("a time zone after a timestamp without one", |d| {
            edit(d, "leads.csv", "L0000001,2024-01-01,", "L0000001,2024-01-01 08:00:00,");
            edit(d, "leads.csv", "L0000002,2024-01-01,", "L0000002,2024-01-01 09:05:00+02:00,");
        }, VALIDATE, 1, &["leads.csv", "\"2024-01-01 09:05:00+02:00\"", "time zone", "date_format = \"iso_zoned\""]),
        case("time zones, detected", |d| {
            edit(d, "leads.csv", "L0000001,2024-01-01,", "L0000001,2024-01-01 08:00:00 UTC,");
            edit(d, "leads.csv", "L0000002,2024-01-01,", "L0000002,2024-01-01 09:05:00+02:00,");
        }, VALIDATE, 0, &[]),
        case("a time zone iso_zoned cannot read", |d| {
            edit(d, "leads.csv", "L0000001,2024-01-01,", "L0000001,2024-01-01 08:00:00 UTC,");
            edit(d, "leads.csv", "L0000002,2024-01-01,", "L0000002,2024-01-01 09:05:00 CET,");
        }, VALIDATE, 1, &["leads.csv", "\"2024-01-01 09:05:00 CET\"", "with a time zone (Z, UTC, +HH, +HHMM or +HH:MM)"]),
        case("Salesforce report footer", |d| {
            let footer = "\n\"Grand Totals (2858 records)\"\n\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n";
            write(d, "leads.csv", read(d, "leads.csv") + footer);
        }, VALIDATE, 0, &[]),
        case("Salesforce report footer with rows below it", |d| {
            let footer = "\n\"Grand Totals (2858 records)\"\n\n\"Confidential Information - Do Not Distribute\"\n";
            let text = read(d, "leads.csv");
            let last = text.lines().last().unwrap().to_string();
            write(d, "leads.csv", text + footer + &last + "\n");
        }, VALIDATE, 1, &["leads.csv", "Grand Totals", "report's footer", "delete the lines from line"]),
        case("duplicate ids", |d| edit(d, "leads.csv", "L0000002,", "L0000001,"), VALIDATE, 1, &["L0000001"]),
        case("ids a spreadsheet rounded", rounded_ids, &["features", "--config", "mqlcal.toml", "-o", "features.csv"], 1, &["leads.csv", "row 2, column \"lead_id\"", "\"1.23457E+14\"", "scientific notation", "without opening the file in a spreadsheet"]),
        case("ids a spreadsheet rounded, validated", rounded_ids, VALIDATE, 1, &["\"1.23457E+14\" ×2", "scientific notation"]),
        case("BOM and CRLF", |d| write(d, "leads.csv", format!("\u{feff}{}", read(d, "leads.csv").replace('\n', "\r\n"))), VALIDATE, 0, &[]),
    ]
}

fn events_cases() -> Vec<Case> {
    vec![
        case("events short row", |d| set_line(d, "events.csv", 4, "L0000001,2023-12-28T08:04:21"), VALIDATE, 1, &["events.csv", "line 4: 2 fields where the header has 3"]),
        case("events long row", |d| set_line(d, "events.csv", 7, "L0000001,2024-01-02T08:04:21,blog_visit,extra"), VALIDATE, 1, &["events.csv", "4 fields"]),
        case("events no activity column", |d| edit(d, "events.csv", ",activity\n", ",what\n"), VALIDATE, 1, &["events.csv", "no column \"activity\""]),
        case("events bad date", |d| set_line(d, "events.csv", 3, "L0000001,yesterday,blog_visit"), VALIDATE, 1, &["events.csv", "yesterday"]),
        case("events of no known lead", |d| {
            let text = read(d, "events.csv");
            let mut lines = text.lines();
            let mut out = format!("{}\n", lines.next().unwrap());
            for line in lines {
                out.push_str(&line.replacen('L', "X", 1));
                out.push('\n');
            }
            write(d, "events.csv", out);
        }, VALIDATE, 1, &["events.csv", "matches a lead id"]),
        case("events missing", |d| std::fs::remove_file(d.join("events.csv")).unwrap(), VALIDATE, 2, &["events.csv", "not found"]),
        case("events duplicate header", |d| edit(d, "events.csv", "lead_id,occurred_at,activity", "lead_id,occurred_at,lead_id"), VALIDATE, 1, &["events.csv", "twice"]),
        case("events unterminated quote", |d| set_line(d, "events.csv", 10, "L0000001,\"2024-01-02T08:04:21,blog_visit"), VALIDATE, 1, &["events.csv", "fields where the header has 3"]),
        case("events empty", |d| write(d, "events.csv", ""), VALIDATE, 1, &["events.csv", "empty"]),
        case("events header only", |d| write(d, "events.csv", "lead_id,occurred_at,activity\n"), VALIDATE, 1, &["events.csv", "holds only its header"]),
        // The column as a whole is wrong: said at the first event, below the blank lines
        // the events' reader skips.
        case("events dates day-first and month-first, below blank lines", |d| {
            let mut out = String::from("lead_id,occurred_at,activity\n\n\n");
            for (k, line) in read(d, "events.csv").lines().skip(1).take(2000).enumerate() {
                let cells: Vec<&str> = line.split(',').collect();
                let (y, m, day) = (&cells[1][..4], &cells[1][5..7], &cells[1][8..10]);
                let date = if k % 2 == 1 { format!("{day}/{m}/{y}") } else { format!("{m}/{day}/{y}") };
                out.push_str(&format!("{},{date},{}\n", cells[0], cells[2]));
            }
            write(d, "events.csv", out);
        }, VALIDATE, 1, &["events.csv: row 1 (line 4), column \"occurred_at\": dates mix day-first"]),
        case("leads header only", |d| write(d, "leads.csv", read(d, "leads.csv").lines().next().unwrap().to_string() + "\n"), VALIDATE, 1, &["leads.csv", "holds only its header"]),
        case("events UTF-16 big-endian, cut after half a surrogate pair", |d| {
            let mut utf16: Vec<u8> = read(d, "events.csv").encode_utf16().flat_map(u16::to_be_bytes).collect();
            utf16.extend_from_slice(&0xD83Du16.to_be_bytes());
            std::fs::write(d.join("events.csv"), utf16).unwrap();
        }, VALIDATE, 1, &["events.csv", "the UTF-16 text ends after the first half of a surrogate pair"]),
        case("Salesforce report footer below a quoted blank line", |d| {
            let footer = "\"\"\n\"Total\"\n\"\"\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.\"\n";
            write(d, "leads.csv", read(d, "leads.csv") + footer);
        }, VALIDATE, 0, &[]),
        case("Salesforce report footer below a quoted blank line, a short row after it", |d| {
            let footer = "\"\"\n\"Total\"\n\"\"\nL9,x\n";
            write(d, "leads.csv", read(d, "leads.csv") + footer);
        }, VALIDATE, 1, &["leads.csv", "one empty field where the header has 9", "report's footer", "delete the lines from line"]),
        case("events report footer", |d| write(d, "events.csv", read(d, "events.csv") + "\n\"Grand Totals (9999 records)\"\n"), VALIDATE, 0, &[]),
        case("events report footer with rows below it", |d| write(d, "events.csv", read(d, "events.csv") + "\n\"Grand Totals (9999 records)\"\nL0000001,2024-01-02T08:04:21,blog_visit\n"), VALIDATE, 1, &["events.csv", "Grand Totals", "report's footer"]),
    ]
}

fn config_cases() -> Vec<Case> {
    vec![
        case("config missing", |d| std::fs::remove_file(d.join("mqlcal.toml")).unwrap(), VALIDATE, 2, &["mqlcal.toml", "not found"]),
        case("config not TOML", |d| write(d, "mqlcal.toml", "this is { not toml"), VALIDATE, 2, &["mqlcal.toml", "line 1"]),
        case("config wrong type", |d| edit(d, "mqlcal.toml", "capacity_per_month = 130", "capacity_per_month = \"lots\""), VALIDATE, 2, &["mqlcal.toml", "[sales] capacity_per_month", "invalid type"]),
        case("activity not a text", |d| edit(d, "mqlcal.toml", "activity = [\"demo_request\"]", "activity = [\"demo_request\", 3]"), VALIDATE, 2, &["mqlcal.toml", "[[signals]] activity", "expected a text or a list of texts"]),
        case("bins not a list of numbers", |d| edit(d, "mqlcal.toml", "bins = [10, 50, 200, 1000, 5000]", "bins = [10, \"50\"]"), VALIDATE, 2, &["mqlcal.toml", "[[signals]] bins", "expected \"auto\" or a list of edges"]),
        case("config unknown key", |d| edit(d, "mqlcal.toml", "window_days", "windw_days"), VALIDATE, 2, &["mqlcal.toml", "window_days"]),
        case("config empty path", |d| edit(d, "mqlcal.toml", "leads = \"leads.csv\"", "leads = \"\""), VALIDATE, 2, &["mqlcal.toml", "[input] leads"]),
        case("window of 0 days", |d| edit(d, "mqlcal.toml", "window_days = 30", "window_days = 0"), VALIDATE, 2, &["mqlcal.toml", "window_days"]),
        case("absurd max_points", |d| edit(d, "mqlcal.toml", "[model]\n", "[model]\nmax_points = 1e300\n"), VALIDATE, 2, &["mqlcal.toml", "max_points"]),
        case("unknown signal kind", |d| edit(d, "mqlcal.toml", "kind = \"flag\"", "kind = \"flagg\""), VALIDATE, 2, &["mqlcal.toml", "flag"]),
        case("negative capacity", |d| edit(d, "mqlcal.toml", "capacity_per_month = 130", "capacity_per_month = -5"), VALIDATE, 2, &["mqlcal.toml", "capacity_per_month"]),
        case("config with BOM", |d| write(d, "mqlcal.toml", format!("\u{feff}{}", read(d, "mqlcal.toml"))), VALIDATE, 0, &[]),
        case("config is a folder", |d| {
            std::fs::remove_file(d.join("mqlcal.toml")).unwrap();
            std::fs::create_dir(d.join("mqlcal.toml")).unwrap();
        }, VALIDATE, 2, &["mqlcal.toml"]),
        case("config empty", |d| write(d, "mqlcal.toml", ""), VALIDATE, 2, &["mqlcal.toml"]),
        case("signal defined twice", |d| edit(d, "mqlcal.toml", "[[signals]]\nname = \"employees\"", "[[signals]]\nname = \"title\""), VALIDATE, 2, &["mqlcal.toml", "\"title\" is defined twice"]),
        case("unknown date format", |d| edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"whenever\""), VALIDATE, 2, &["mqlcal.toml", "date_format"]),
        case("decision column not in the leads", |d| edit(d, "mqlcal.toml", "[columns]\n", "[columns]\ndecided_at = \"CloseDate\"\n"), VALIDATE, 1, &["leads.csv", "CloseDate", "[columns] decided_at"]),
        case("decision date format without its column", |d| edit(d, "mqlcal.toml", "[columns]\n", "[columns]\ndecided_at_format = \"%d/%m/%Y\"\n"), VALIDATE, 2, &["mqlcal.toml", "decided_at_format is set but [columns] decided_at names no column"]),
        case("decision date unreadable", |d| {
            with_decision_dates(d, |row| if row == 5 { "next week".into() } else { "2024-03-01".into() });
        }, VALIDATE, 1, &["leads.csv", "closed_at", "next week"]),
        case("decision dates in another layout than creation dates", |d| {
            with_decision_dates(d, |_| "01/03/2024".into());
            edit(d, "mqlcal.toml", "date_format = \"auto\"", "date_format = \"iso\"");
        }, VALIDATE, 1, &["leads.csv", "closed_at", "01/03/2024", "decided_at_format"]),
    ]
}

fn model_cases() -> Vec<Case> {
    vec![
        case("model missing", |d| std::fs::remove_file(d.join("model.json")).unwrap(), SCORE, 2, &["model.json"]),
        case("model empty", |d| write(d, "model.json", ""), SCORE, 1, &["model.json", "not a valid model file"]),
        case("model not JSON", |d| write(d, "model.json", "threshold = 5"), EXPORT, 1, &["model.json", "not a valid model file"]),
        case("model truncated", |d| {
            let text = read(d, "model.json");
            write(d, "model.json", &text[..text.len() / 2]);
        }, SCORE, 1, &["model.json", "not a valid model file"]),
        case("model is an array", |d| write(d, "model.json", "[1, 2]"), EXPORT, 1, &["model.json"]),
        case("model with BOM", |d| write(d, "model.json", format!("\u{feff}{}", read(d, "model.json"))), EXPORT, 0, &[]),
        case("model from the future", |d| model_json(d, |m| m["schema_version"] = 99.into()), SCORE, 1, &["model.json", "schema_version 99"]),
        case("points at i64::MAX", |d| model_json(d, |m| m["signals"][0]["points"] = i64::MAX.into()), SCORE, 1, &["model.json", "points"]),
        case("threshold absurd", |d| model_json(d, |m| m["threshold"] = i64::MIN.into()), EXPORT, 1, &["model.json"]),
        case("calibration unsorted", |d| model_json(d, |m| {
            let scores = m["calibration"]["score"].as_array_mut().unwrap();
            scores.reverse();
        }), SCORE, 1, &["model.json"]),
        case("unknown override signal", |d| model_json(d, |m| m["overrides"] = serde_json::json!([{"signal": "nope", "rule": "always_mql"}])), EXPORT, 1, &["model.json", "nope"]),
    ]
}

fn scoring_cases() -> Vec<Case> {
    vec![
        case("score: leads lack a column", |d| edit(d, "leads.csv", ",industry,", ",sector,"), SCORE, 1, &["leads.csv", "industry"]),
        case("score: short row", |d| set_line(d, "leads.csv", 9, "L0000008,2024-01-01"), SCORE, 1, &["leads.csv", "line 9"]),
        case("score: a band in a number", |d| edit(d, "leads.csv", ",manager,16,", ",manager,10001+,"), SCORE, 1, &["leads.csv", "company_size", "\"10001+\" is not a number: a band", "the model reads this column as numbers"]),
        case("score: a percentage in a number", |d| edit(d, "leads.csv", ",manager,16,", ",manager,16%,"), SCORE, 1, &["leads.csv", "\"16%\" is not a number: written as a percentage"]),
        case("score: rows of delimiters below the leads", |d| write(d, "leads.csv", read(d, "leads.csv") + ",,,,,,,,\n,,,,,,,,\n"), SCORE, 0, &[]),
        case("score: a batch with Unix milliseconds for a model trained on ISO dates", |d| edit(d, "leads.csv", "L0000001,2024-01-01,", "L0000001,1704067200000,"), SCORE, 1, &["leads.csv", "row 1", "it looks like Unix time in milliseconds (1704067200000 is 2024-01-01 00:00:00 UTC); as the model's training data wrote them"]),
        case("score: a batch with decimal commas for a model of decimal points", |d| edit(d, "leads.csv", ",manager,16,", ",manager,\"16,5\","), SCORE, 1, &["leads.csv", "\"16,5\" is not a number: written with a decimal comma or a thousands separator: the model reads numbers with '.' as its decimal mark, as its training data wrote them"]),
        case("score: events short row", |d| set_line(d, "events.csv", 4, "L0000001"), SCORE, 1, &["events.csv", "line 4"]),
        case("score over its own input", |_| {}, &["score", "--model", "model.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "leads.csv"], 2, &["leads.csv"]),
        case("score to a spreadsheet", |_| {}, &["score", "--model", "model.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "scores.xlsx"], 2, &["scores.xlsx"]),
        case("score without events", |_| {}, &["score", "--model", "model.json", "--leads", "leads.csv", "-o", "scores.csv"], 2, &["--events"]),
        case("export unknown dialect", |_| {}, &["export", "--model", "model.json", "--sql", "--dialect", "oracle"], 2, &["oracle"]),
        case("features over an input", |_| {}, &["features", "--config", "mqlcal.toml", "-o", "events.csv"], 2, &["events.csv"]),
        case("fit into a folder that is a file", |d| write(d, "out", "x"), &["fit", "--config", "mqlcal.toml", "-o", "out/model.json"], 2, &["out"]),
        case("backtest with a bad current sheet", |d| write(d, "current_points.toml", "threshold = \"high\""), &["backtest", "--config", "mqlcal.toml", "--out", "bt"], 1, &["current_points.toml"]),
    ]
}

fn digest(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_file() {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// What is wrong with one case's run, if anything.
fn check(case: &Case, dir: &Path) -> Option<String> {
    (case.setup)(dir);
    let before = digest(dir);
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let (code, out, err) = run_in(dir, &args);
    let mut problems = Vec::new();
    if err.contains("panicked") {
        problems.push("panicked".to_string());
    }
    if code != case.code {
        problems.push(format!("exit code {code}, expected {}", case.code));
    }
    if case.code != 0 {
        // `validate` reports data errors in its report on standard output.
        let report_errors: String = out.lines().filter(|l| l.starts_with("error: ")).collect::<Vec<_>>().join("\n");
        let message = err.rfind("error: ").map_or(report_errors.as_str(), |at| &err[at..]);
        let lines = message.lines().count();
        if message.is_empty() || lines > 3 || message.len() > 600 {
            problems.push(format!("message of {lines} lines / {} characters", message.len()));
        }
        for needle in &case.says {
            if !message.contains(needle) {
                problems.push(format!("message lacks {needle:?}"));
            }
        }
    }
    for (path, bytes) in &before {
        if std::fs::read(path).ok().as_ref() != Some(bytes) {
            problems.push(format!("input {} changed", path.display()));
        }
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with(".mqlcal") {
            problems.push(format!("left {}", entry.path().display()));
        }
    }
    (!problems.is_empty()).then(|| format!("{}: {}\n    stderr: {}", case.name, problems.join("; "), err.trim().replace('\n', "\n            ")))
}

fn copy_base(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn hostile_inputs_get_a_short_clear_error_and_change_nothing() {
    let cases: Vec<Case> = [leads_cases(), events_cases(), config_cases(), model_cases(), scoring_cases()].into_iter().flatten().collect();
    assert!(cases.len() >= 60, "the corpus keeps at least 60 cases ({})", cases.len());
    let base = tempfile::tempdir().unwrap();
    write_base(base.path());
    let mut failures = Vec::new();
    for case in &cases {
        let dir = tempfile::tempdir().unwrap();
        copy_base(base.path(), dir.path());
        if let Some(problem) = check(case, dir.path()) {
            failures.push(problem);
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Ids from a hostile web form reach every CSV mqlcal writes neutralised, the
/// feature table's included: a spreadsheet shows them as text, never runs them.
#[test]
fn the_feature_table_csv_is_formula_safe() {
    let dir = tempfile::tempdir().unwrap();
    write_base(dir.path());
    edit(dir.path(), "leads.csv", "L0000001,", "=cmd|' /C calc'!A0,");
    edit(dir.path(), "leads.csv", "L0000008,", "+1+1,");
    let (code, _, err) = run_in(dir.path(), &["features", "--config", "mqlcal.toml", "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let text = read(dir.path(), "features.csv");
    assert!(text.contains("\n'=cmd|' /C calc'!A0,") && text.contains("\n'+1+1,"), "{}", &text[..400]);
    assert!(!text.lines().any(|l| l.starts_with('=') || l.starts_with('+')));
    // Parquet keeps the text as it is.
    let (code, _, err) = run_in(dir.path(), &["features", "--config", "mqlcal.toml", "-o", "features.parquet"]);
    assert_eq!(code, 0, "{err}");
}
