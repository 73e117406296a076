//! Helpers for end-to-end tests of the `mqlcal` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqlcal"))
}

/// Run mqlcal with `args` in `dir`; returns (exit code, stdout, stderr).
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out: Output = bin().args(args).current_dir(dir).output().expect("mqlcal runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A temporary working folder that looks like the root of a checkout to mqlcal:
/// `notebooks-data` (the bundled sample, found without `--config`) links to the repository's.
pub fn sample_workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo_root().join("notebooks-data"), dir.path().join("notebooks-data")).expect("link the sample");
    dir
}

/// A temporary folder holding a copy of the bundled sample ([`copy_sample`]).
pub fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_sample(dir.path());
    dir
}

/// The bundled sample's leads, events, config and points sheet copied into `dir`, to be
/// rewritten as a messier export would write them.
pub fn copy_sample(dir: &Path) {
    let data = repo_root().join("notebooks-data");
    for file in ["leads.csv", "events.csv", "current_points.toml", "mqlcal.toml"] {
        std::fs::copy(data.join(file), dir.join(file)).expect("copy the sample");
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A CSV's text with its header line kept and each row (numbered from 1, as its line
/// below the header) replaced by `row(k, line)`; every line ends in a newline.
pub fn map_rows(text: &str, row: impl Fn(usize, &str) -> String) -> String {
    text.lines().enumerate().map(|(k, line)| if k == 0 { format!("{line}\n") } else { format!("{}\n", row(k, line)) }).collect()
}

/// Real public data sets and reference results from independent software, with their sources.
pub fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write test file");
    path
}

/// Split a simple CSV line (no quoted delimiters inside fields except "..." cells).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// Read a CSV file into (header, rows).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).expect("read csv");
    let mut lines = text.lines();
    let header = split_csv_line(lines.next().expect("header"));
    let rows = lines.filter(|l| !l.is_empty()).map(split_csv_line).collect();
    (header, rows)
}

/// A small valid config over `leads.csv` (+ `events.csv`) in the same folder.
pub const SMALL_CONFIG: &str = r#"
[input]
leads = "leads.csv"
events = "events.csv"

[columns]
id = "id"
created_at = "created"
outcome = "stage"
segments = ["channel"]

[outcome]
won = ["Won"]
lost = ["Lost"]
open = ["Open"]

[events]
window_days = 10

[[signals]]
name = "title"
axis = "fit"
kind = "categorical"
column = "title"
levels = ["VP", "Director"]

[[signals]]
name = "visits"
axis = "engagement"
kind = "count"
column = "visits"
cap = 10
default = 0

[[signals]]
name = "demo"
axis = "engagement"
kind = "events"
activity = "demo_request"
cap = 1
"#;

pub const SMALL_LEADS: &str = "id,created,stage,channel,title,visits\n\
a1,2024-01-05,Won,organic,VP,3\n\
a2,2024-01-20,Lost,paid,Manager,\n\
a3,2024-04-02,Won,organic,Director,12\n\
a4,2024-04-15,Lost,paid,VP,1\n\
a5,2024-05-01,Open,email,,0\n";

pub const SMALL_EVENTS: &str = "lead_id,occurred_at,activity\n\
a1,2024-01-06T10:00:00,demo_request\n\
a1,2024-01-07T10:00:00,demo_request\n\
a2,2024-02-20T10:00:00,demo_request\n\
a3,2024-04-01T10:00:00,demo_request\n\
a4,2024-04-16T09:00:00,blog_visit\n\
zz,2024-04-16T09:00:00,demo_request\n";

/// A temp folder with the small config, leads and events.
pub fn small_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "mqlcal.toml", SMALL_CONFIG);
    write(dir.path(), "leads.csv", SMALL_LEADS);
    write(dir.path(), "events.csv", SMALL_EVENTS);
    dir
}

/// A synth-written config with its `[model]` section (which names the hand-made
/// current sheet) replaced by `lines`.
pub fn with_model(config: &str, lines: &str) -> String {
    let section = "[model]\ncurrent = \"current_points.toml\"\n";
    assert!(config.contains(section), "the synth config's [model] section changed");
    config.replace(section, &format!("[model]\n{lines}\n"))
}

/// A CSV keyed by its first column (lead id), the other cells as text.
pub fn rows_by_id(path: &Path) -> std::collections::HashMap<String, Vec<String>> {
    let (_, rows) = read_csv(path);
    rows.into_iter().map(|r| (r[0].clone(), r[1..].to_vec())).collect()
}

/// Leads where a SQL engine's (score, fit, engagement, mql 1/0, tier) differ from
/// `mqlcal score`'s (score, fit, engagement, mql true/false, tier), as messages.
pub fn sql_mismatches(
    ours: &std::collections::HashMap<String, Vec<String>>,
    theirs: &std::collections::HashMap<String, Vec<String>>,
    engine: &str,
) -> Vec<String> {
    let mut mismatches: Vec<String> = ours
        .iter()
        .filter_map(|(id, r)| {
            let mql = if r[3] == "true" { "1" } else { "0" };
            let expected = [r[0].as_str(), r[1].as_str(), r[2].as_str(), mql, r[4].as_str()];
            let got: Vec<&str> = theirs.get(id).map(|t| t.iter().map(String::as_str).collect()).unwrap_or_default();
            (got != expected).then(|| format!("{id}: {engine} {got:?} vs mqlcal {expected:?}"))
        })
        .collect();
    mismatches.sort();
    mismatches
}

/// Export `bt/model.json` as `engine`'s SQL, run it on `leads` and `events` (paths from
/// `dir`), and assert it returns the scorer's row for every lead; returns the query.
pub fn sql_scores_match(dir: &Path, engine: &str, leads: &str, events: &Path, ours: &std::collections::HashMap<String, Vec<String>>) -> String {
    let (query, output) = run_sql_scores(dir, engine, leads, events);
    assert_sql_rows_are(&output, engine, ours);
    query
}

/// Assert that the engine's rows in the file `output` are the scorer's (`ours`), lead for lead.
pub fn assert_sql_rows_are(output: &Path, engine: &str, ours: &std::collections::HashMap<String, Vec<String>>) {
    let theirs = rows_by_id(output);
    assert_eq!(theirs.len(), ours.len(), "{engine} returned every lead");
    let mismatches = sql_mismatches(ours, &theirs, engine);
    assert!(mismatches.is_empty(), "{} mismatches on {engine}, e.g. {:?}", mismatches.len(), &mismatches[..mismatches.len().min(3)]);
}

/// The engines the exported SQL is run on and compared with mqlcal: SQLite, DuckDB and
/// PostgreSQL themselves, and BigQuery's and Snowflake's dialects as sqlglot translates
/// them onto DuckDB (`tests/interop/run_sql.py`: the query's logic as sqlglot reads the
/// dialect; the warehouses themselves cannot run here).
#[allow(dead_code)]
pub const SQL_ENGINES: [&str; 5] = ["sqlite", "duckdb", "postgres", "bigquery", "snowflake"];

/// Export `bt/model.json` as `engine`'s SQL and run it on `leads` and `events` (paths from
/// `dir`): the query and the file of its rows.
pub fn run_sql_scores(dir: &Path, engine: &str, leads: &str, events: &Path) -> (String, PathBuf) {
    let query = format!("score.{engine}.sql");
    let (code, _, err) = run_in(dir, &["export", "--model", "bt/model.json", "--sql", "--dialect", engine, "-o", &query]);
    assert_eq!(code, 0, "{err}");
    let output = run_sql_file(dir, engine, &query, leads, events, &format!("{engine}.csv"));
    (std::fs::read_to_string(dir.join(&query)).unwrap(), output)
}

/// Run the scoring query in the file `query` on `engine` over `leads` and `events` (paths
/// from `dir`); the file of its rows, `output` in `dir`.
pub fn run_sql_file(dir: &Path, engine: &str, query: &str, leads: &str, events: &Path, output: &str) -> PathBuf {
    let out = if engine == "postgres" {
        Command::new("bash")
            .arg(repo_root().join("tests/interop/run_postgres.sh"))
            .args([query, dir.join(leads).to_str().unwrap(), events.to_str().unwrap(), output])
            .current_dir(dir)
            .output()
            .expect("bash runs")
    } else {
        Command::new("python3")
            .arg(repo_root().join("tests/interop/run_sql.py"))
            .args([engine, query, leads, events.to_str().unwrap(), output])
            .current_dir(dir)
            .output()
            .expect("python3 runs")
    };
    assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
    dir.join(output)
}

/// SplitMix64: a seeded generator for synthetic test data that needs no crate.
pub struct Rng(pub u64);

impl Rng {
    /// Uniform in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// jpmml-evaluator's output for `pmml` on `features` (files in `dir`), rows by lead id.
#[allow(dead_code)]
pub fn jpmml_rows(dir: &Path, pmml: &str, features: &str) -> std::collections::HashMap<String, Vec<String>> {
    let out = std::process::Command::new("python3")
        .arg(repo_root().join("tests/interop/run_pmml.py"))
        .args([pmml, features, "jpmml.csv"])
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "jpmml-evaluator: {}", String::from_utf8_lossy(&out.stderr));
    rows_by_id(&dir.join("jpmml.csv"))
}

/// Hostile text for the interop tests' sample: an industry level with quotes, a
/// semicolon, `--`, unicode and backslashes (the last one closing the value), and
/// a title level with a leading `=`.
pub const INDUSTRY: &str = "O'Brien; -- DROP TABLE leads; \"Zürich\" \\ C:\\temp\\";
pub const TITLE: &str = "=VP";
/// How every tenth lead of the hostile sample writes [`INDUSTRY`]: one of its `spellings`.
pub const INDUSTRY_SPELLED: &str = "O'BRIEN; -- DROP TABLE LEADS; \"ZÜRICH\" \\ C:\\TEMP\\";

pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Time zones as warehouse exports spell them, with their offsets east of UTC in
/// seconds: pandas' `+05:30`, PostgreSQL's `-08`, Salesforce API's `+0200`, BigQuery's
/// ` UTC`, and others.
pub const ZONES: [(i64, &str); 8] = [(19_800, "+05:30"), (-28_800, "-08"), (7_200, "+0200"), (0, " UTC"), (-10_800, " -03:00"), (0, "Z"), (3_600, "+01"), (0, "+00:00")];

/// An ISO date or time as the sample writes them (`2024-01-01`, `2023-11-15T18:22:01`),
/// read by chrono (not by mqlcal), as UTC.
pub fn iso_utc(iso: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap()))
        .unwrap_or_else(|e| panic!("{iso:?}: {e}"))
}

/// Seconds since 1970-01-01 UTC of an ISO date or time ([`iso_utc`]).
pub fn unix_seconds(iso: &str) -> i64 {
    iso_utc(iso).and_utc().timestamp()
}

/// An ISO date or time (`2024-01-01`, `2023-11-15T18:22:01`), read as UTC, written on the
/// wall clock of the zone `east_of_utc` seconds east, followed by `zone`: the same instant.
pub fn in_zone(iso: &str, east_of_utc: i64, zone: &str) -> String {
    format!("{}{zone}", (iso_utc(iso) + chrono::Duration::seconds(east_of_utc)).format("%Y-%m-%d %H:%M:%S"))
}

/// `mqlcal synth` of `leads` leads with `seed` (and `extra` arguments) into `dir/out`.
pub fn synth(dir: &Path, out: &str, leads: usize, seed: u64, extra: &[&str]) {
    let (leads, seed) = (leads.to_string(), seed.to_string());
    let mut args = vec!["synth", "--leads", &leads, "--seed", &seed, "--out", out];
    args.extend(extra);
    let (code, _, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{args:?}: {err}");
}

/// Every `n`-th row whose cell `column` is `from` rewritten to `to`, as a CRM that renamed
/// an activity or a level exports it; the indices of the rows rewritten.
pub fn respell_every(rows: &mut [Vec<String>], column: usize, from: &str, to: &str, n: usize) -> Vec<usize> {
    let mut seen = 0;
    let mut respelled = Vec::new();
    for (i, row) in rows.iter_mut().enumerate() {
        if row[column] == from {
            seen += 1;
            if seen % n == 0 {
                row[column] = to.to_string();
                respelled.push(i);
            }
        }
    }
    respelled
}

/// One CSV line of `cells` (quoted where they need it), with its newline.
pub fn csv_line(cells: &[String]) -> String {
    cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",") + "\n"
}

/// A CSV file of `header` and `rows`.
pub fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    std::fs::write(path, rows.iter().fold(csv_line(header), |text, row| text + &csv_line(row))).unwrap();
}

/// `src` written to `dest` with column `column`'s times in the zones of [`ZONES`] in turn,
/// row by row (blanks stay blank): each row's time the same instant on another clock.
pub fn zoned_copy(src: &Path, dest: &Path, column: usize) {
    let (header, rows) = read_csv(src);
    let mut out = csv_line(&header);
    for (k, mut row) in rows.into_iter().enumerate() {
        let (east_of_utc, zone) = ZONES[k % ZONES.len()];
        if !row[column].is_empty() {
            row[column] = in_zone(&row[column], east_of_utc, zone);
        }
        out.push_str(&csv_line(&row));
    }
    std::fs::write(dest, out).unwrap();
}

pub fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The values of the hostile sample's multi-select column, `interests`.
pub const INTERESTS: [&str; 3] = ["Pricing", "O'Reilly \"webinar\"", "C:\\guides\\"];

/// The `interests` cell of the `k`-th lead (from 1): some of [`INTERESTS`] between ';' in
/// an order that turns with `k`, Pricing more often for won leads; blank, or the missing
/// marker "Select", when none.
pub fn interests(k: usize, won: bool) -> String {
    let listed = [(k * 7) % 10 < if won { 6 } else { 2 }, (k * 3) % 10 < 4, k % 5 == 0];
    let mut values: Vec<&str> = INTERESTS.iter().zip(listed).filter(|(_, yes)| *yes).map(|(v, _)| *v).collect();
    let turn = k % values.len().max(1);
    values.rotate_left(turn);
    match values.is_empty() {
        true if k % 2 == 0 => "Select".into(),
        _ => values.join(";"),
    }
}

/// The sample with hostile levels, one of them also written another way (its `spellings`),
/// a multi-select column (`interests`, [`interests`]; `PRICING` a spelling of `Pricing`),
/// standard decay on pricing visits, a cap on awareness content and overrides.
pub fn hostile_sample(dir: &Path) -> std::path::PathBuf {
    let data = repo_root().join("notebooks-data");
    let sample = std::fs::read_to_string(data.join("leads.csv")).unwrap();
    let mut lines = sample.lines();
    let mut leads = format!("{},interests\n", lines.next().unwrap());
    for (k, line) in lines.enumerate() {
        // Every tenth lead writes the industry, every fourth listing writes Pricing, another way.
        let listed = interests(k + 1, line.split(',').nth(2) == Some("won"));
        let listed = if k % 4 == 0 { listed.replace("Pricing", "PRICING") } else { listed };
        let industry = if k % 10 == 0 { INDUSTRY_SPELLED } else { INDUSTRY };
        // Some titles begin or end with white space beyond spaces (pasted from a web page,
        // a field's trailing tab), which mqlcal trims and so must every export.
        let title = match k % 7 {
            3 => format!("\u{a0}{TITLE}"),
            5 => format!("{TITLE}\t"),
            6 => format!("\u{3000}{TITLE}\u{2009}"),
            _ => TITLE.to_string(),
        };
        let line = line.replace(",financial services,", &format!(",{},", csv_cell(industry))).replace(",vp,", &format!(",{},", csv_cell(&title)));
        leads.push_str(&format!("{line},{}\n", csv_cell(&listed)));
    }
    write(dir, "leads.csv", leads);
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace(
            "\"financial services\", \"healthcare\", \"education\", \"government\"]\n",
            &format!("{}, \"healthcare\", \"education\", \"government\"]\nspellings = {{ {} = [{}] }}\n", toml_string(INDUSTRY), toml_string(INDUSTRY), toml_string(INDUSTRY_SPELLED)),
        )
        .replace("levels = [\"c-level\", \"vp\",", &format!("levels = [\"c-level\", {},", toml_string(TITLE)))
        .replace("activity = [\"pricing_page_visit\"]\ncap = 3\ndecay = \"none\"", "activity = [\"pricing_page_visit\"]\ncap = 3\ndecay = \"standard\"")
        .replace(
            "[model]\ncurrent = \"current_points.toml\"\n",
            "[model]\nalpha = 1\nalways_mql = [\"demo_request\"]\nnever_mql = [\"email_domain=competitor\"]\n[[model.group_caps]]\nname = \"awareness\"\nsignals = [\"ebook\", \"blog\"]\nmax_points = 12\n",
        );
    let levels: Vec<String> = INTERESTS.iter().map(|v| toml_string(v)).collect();
    let config = format!(
        "{config}\n[[signals]]\nname = \"interests\"\naxis = \"engagement\"\nkind = \"categorical\"\ncolumn = \"interests\"\nseparator = \";\"\nlevels = [{}]\nspellings = {{ Pricing = [\"PRICING\"] }}\n",
        levels.join(", ")
    );
    assert!(config.contains("decay = \"standard\"") && config.contains(&toml_string(TITLE)) && config.contains(&toml_string(INDUSTRY_SPELLED)));
    write(dir, "mqlcal.toml", config)
}

/// The bundled sample in `dir` with a region code (1-12, a twenty-fifth blank; won leads
/// more often 2) as a CRM writes it, in leads.csv, and as pandas writes the same column
/// with blanks, a float (`2.0`), in leads_float.csv; mqlcal.toml reads it as a categorical
/// of whole-number levels. Returns the config's path.
pub fn whole_number_codes(dir: &Path) -> PathBuf {
    copy_sample(dir);
    let leads = std::fs::read_to_string(dir.join("leads.csv")).unwrap();
    let code = |k: usize, line: &str| match (k % 25, line.split(',').nth(2) == Some("won") && k % 3 == 0) {
        (0, _) => None,
        (_, true) => Some(2),
        _ => Some(k * 7 % 12 + 1),
    };
    let with = |float: bool| {
        let mut lines = leads.lines();
        let mut out = format!("{},region\n", lines.next().unwrap());
        for (k, line) in lines.enumerate() {
            let cell = code(k, line).map_or(String::new(), |c| if float { format!("{c}.0") } else { c.to_string() });
            out.push_str(&format!("{line},{cell}\n"));
        }
        out
    };
    write(dir, "leads.csv", with(false));
    write(dir, "leads_float.csv", with(true));
    let config = std::fs::read_to_string(dir.join("mqlcal.toml")).unwrap();
    write(dir, "mqlcal.toml", format!("{config}\n[[signals]]\nname = \"region\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"region\"\nlevels = [\"2\", \"5\", \"9\", \"12\"]\n"))
}

/// `mqlcal backtest` of `config` into `bt/`, then `mqlcal score` of `dir`'s leads.csv and
/// `events` into `scores.csv`; returns the scorer's rows by lead id.
pub fn backtest_and_score(dir: &Path, config: &Path, events: &Path) -> std::collections::HashMap<String, Vec<String>> {
    let (code, _, err) = run_in(dir, &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        run_in(dir, &["score", "--model", "bt/model.json", "--leads", "leads.csv", "--events", events.to_str().unwrap(), "-o", "scores.csv"]);
    assert_eq!(code, 0, "{err}");
    rows_by_id(&dir.join("scores.csv"))
}


/// `src` with column `column`'s times written as a spreadsheet's serial day numbers
/// (days since 1899-12-30, or since 1904-01-01 with `system_1904`), as a date column saved
/// while formatted as a number writes them: a date alone as its whole day, a time as the
/// fraction of a day, every other row to 10 decimals and the rest as the shortest text
/// that reads back as the same f64 (17 significant digits).
pub fn serial_copy(src: &Path, dest: &Path, column: usize, system_1904: bool) {
    let (header, rows) = read_csv(src);
    let mut out = csv_line(&header);
    let day_0 = if system_1904 { 24_107.0 } else { 25_569.0 };
    for (k, mut row) in rows.into_iter().enumerate() {
        if !row[column].is_empty() {
            let text = in_zone(&row[column].replace(' ', "T"), 0, "");
            let seconds = chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp();
            let serial = seconds as f64 / 86_400.0 + day_0;
            row[column] = match (seconds % 86_400, k % 2) {
                (0, _) => format!("{serial}"),
                (_, 0) => format!("{serial:.10}"),
                _ => format!("{serial}"),
            };
        }
        out.push_str(&csv_line(&row));
    }
    std::fs::write(dest, out).unwrap();
}

/// `src` written to `dest` with column `column`'s ISO times rewritten by `write`, given
/// the row's number (from 0) and the time; blanks stay blank.
pub fn times_copy(src: &Path, dest: &Path, column: usize, write: impl Fn(usize, chrono::NaiveDateTime) -> String) {
    assert!(!dest.starts_with(repo_root()), "a test writes into its own folder, never the repository's: {}", dest.display());
    let (header, rows) = read_csv(src);
    let mut out = csv_line(&header);
    for (k, mut row) in rows.into_iter().enumerate() {
        if !row[column].is_empty() {
            row[column] = write(k, iso_utc(&row[column].replace(' ', "T")));
        }
        out.push_str(&csv_line(&row));
    }
    std::fs::write(dest, out).unwrap();
}

/// `src` written to `dest` with column `column`'s ISO times (read as UTC) as Unix time:
/// seconds, every other row with a fraction (`1700072521.5`), or milliseconds with some
/// past the second (`1700072521437`). Blanks stay blank; the instants, to the second, are the same.
pub fn unix_copy(src: &Path, dest: &Path, column: usize, millis: bool) {
    let (header, rows) = read_csv(src);
    let mut out = csv_line(&header);
    for (k, mut row) in rows.into_iter().enumerate() {
        if !row[column].is_empty() {
            let seconds = in_zone(&row[column].replace(' ', "T"), 0, "");
            let seconds = chrono::NaiveDateTime::parse_from_str(&seconds, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp();
            row[column] = match (millis, k % 2) {
                (true, _) => (seconds * 1000 + (k as i64 * 37) % 1000).to_string(),
                (false, 0) => format!("{seconds}.5"),
                (false, _) => seconds.to_string(),
            };
        }
        out.push_str(&csv_line(&row));
    }
    std::fs::write(dest, out).unwrap();
}

/// The sample's leads with an `Email` column (blank for every tenth lead, as contacts
/// entered by sales without one) and its events keyed by that address (a tracker that
/// knows no CRM id, so the blank ones' events never reach the file). Returns the leads
/// whose address is blank.
pub fn keyed_by_email(d: &std::path::Path) -> std::collections::HashSet<String> {
    let leads = std::fs::read_to_string(d.join("leads.csv")).unwrap();
    let email = |id: &str| -> Option<String> { (id[1..].parse::<u32>().unwrap() % 10 != 0).then(|| format!("Lead.{}@Example.com", &id[1..])) };
    let with_email = map_rows(&leads, |_, line| format!("{line},{}", email(line.split(',').next().unwrap()).unwrap_or_default()));
    std::fs::write(d.join("leads.csv"), with_email.replacen('\n', ",Email\n", 1)).unwrap();
    let events = std::fs::read_to_string(d.join("events.csv")).unwrap();
    let mut keyed = String::from("email,occurred_at,activity\n");
    for line in events.lines().skip(1) {
        let (id, rest) = line.split_once(',').unwrap();
        if let Some(address) = email(id) {
            keyed.push_str(&format!("{address},{rest}\n"));
        }
    }
    std::fs::write(d.join("events.csv"), keyed).unwrap();
    leads.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).filter(|id| email(id).is_none()).collect()
}

/// The instant a Berlin wall-clock time names, by the tz database (chrono-tz, not mqlcal's
/// offset table); a time the spring change skips (the synthetic sample has a few) is read
/// on the offset before it, as Python's zoneinfo reads it.
pub fn berlin_instant(wall: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::TimeZone;
    match chrono_tz::Europe::Berlin.from_local_datetime(&wall) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.naive_utc(),
        chrono::LocalResult::None => wall - chrono::Duration::hours(1),
    }
}

/// `src` written to `dest` with column `column`'s times, taken as Berlin's wall clock, as
/// the UTC instants they name, ending in Z (as the CRMs' APIs write them).
pub fn berlin_utc_copy(src: &Path, dest: &Path, column: usize) {
    times_copy(src, dest, column, |_, wall| berlin_instant(wall).format("%Y-%m-%dT%H:%M:%SZ").to_string());
}

/// Each sample activity as Marketo writes it: its activity type and what its
/// `Primary Attribute Value` holds (the page, the form, the e-mail), `{n}` a number that
/// varies by event. Some blog posts hold "pricing" in their URL, so a filter must name the
/// page's path ("acme.com/pricing"), not the word.
pub const MARKETO_ACTIVITIES: [(&str, &str, &str); 9] = [
    ("pricing_page_visit", "Visit Web Page", "https://www.acme.com/pricing?utm_campaign=q{n}"),
    ("blog_visit", "Visit Web Page", "https://www.acme.com/blog/pricing-models-explained-{n}"),
    ("demo_request", "Fill Out Form", "Demo Request Form {n}"),
    ("webinar_registration", "Fill Out Form", "Webinar Registration - Q{n}"),
    ("case_study_download", "Fill Out Form", "Case Study Download {n}"),
    ("ebook_download", "Fill Out Form", "Ebook Download {n}"),
    ("email_click", "Click Email", "Newsletter #{n}"),
    ("email_open", "Open Email", "Newsletter #{n}"),
    ("unsubscribe", "Unsubscribe Email", "Newsletter #{n}"),
];

/// The sample's events as a Marketo activity export (`Lead ID`, `Activity Date`,
/// `Activity Type`, `Primary Attribute Value`, [`MARKETO_ACTIVITIES`]; every third event's
/// detail in capitals, which the filters hold alike), with a visit to a careers page,
/// which no signal counts, after every tenth event. Written to `dest`.
pub fn marketo_events(dest: &Path) {
    let events = std::fs::read_to_string(repo_root().join("notebooks-data/events.csv")).unwrap();
    let mut out = String::from("Lead ID,Activity Date,Activity Type,Primary Attribute Value\n");
    for (k, line) in events.lines().skip(1).enumerate() {
        let c: Vec<&str> = line.split(',').collect();
        let (_, kind, detail) = MARKETO_ACTIVITIES.iter().find(|(a, ..)| *a == c[2]).unwrap_or_else(|| panic!("{line}"));
        let detail = detail.replace("{n}", &(k % 7).to_string());
        let detail = if k % 3 == 1 { detail.to_ascii_uppercase() } else { detail };
        out.push_str(&format!("{},{},{kind},{detail}\n", c[0], c[1]));
        if k % 10 == 0 {
            out.push_str(&format!("{},{},Visit Web Page,https://www.acme.com/careers\n", c[0], c[1]));
        }
    }
    std::fs::write(dest, out).unwrap();
}

/// The text a sample activity's Marketo events are told apart by, in their detail (the
/// e-mails' activity types are their own).
pub fn marketo_filter(activity: &str) -> Option<&'static str> {
    let filters = [
        ("pricing_page_visit", "acme.com/pricing"),
        ("blog_visit", "acme.com/blog/"),
        ("demo_request", "Demo Request"),
        ("webinar_registration", "Webinar"),
        ("case_study_download", "Case Study"),
        ("ebook_download", "Ebook"),
    ];
    filters.iter().find(|(a, _)| *a == activity).map(|(_, text)| *text)
}

/// A model of the sample's config (a model file's JSON) rewritten to read Marketo's events
/// as [`marketo_config`] does: what a model trained on them is.
pub fn marketo_model(model: &mut serde_json::Value) {
    model["schema_version"] = serde_json::json!(8);
    model["inputs"]["event_columns"]["lead_id"] = serde_json::json!("Lead ID");
    model["inputs"]["event_columns"]["occurred_at"] = serde_json::json!("Activity Date");
    model["inputs"]["event_columns"]["activity"] = serde_json::json!("Activity Type");
    model["inputs"]["event_columns"]["detail"] = serde_json::json!("Primary Attribute Value");
    for signal in model["signals"].as_array_mut().unwrap() {
        let recipe = &mut signal["recipe"];
        let Some(activity) = recipe.get("activities").map(|a| a[0].as_str().unwrap().to_string()) else { continue };
        let (_, kind, _) = MARKETO_ACTIVITIES.iter().find(|(a, ..)| *a == activity).unwrap();
        recipe["activities"] = serde_json::json!([kind]);
        if let Some(text) = marketo_filter(&activity) {
            recipe["detail_contains"] = serde_json::json!([text]);
        }
    }
}

/// The sample's config text over Marketo's events ([`marketo_events`]): the detail column
/// named, each signal counting its activity type filtered by its detail.
pub fn marketo_config(config: &str) -> String {
    let mut config = config.replace(
        "lead_id = \"lead_id\"\noccurred_at = \"occurred_at\"\nactivity = \"activity\"\n",
        "lead_id = \"Lead ID\"\noccurred_at = \"Activity Date\"\nactivity = \"Activity Type\"\ndetail = \"Primary Attribute Value\"\n",
    );
    assert!(config.contains("detail = \"Primary Attribute Value\""));
    for (activity, kind, _) in MARKETO_ACTIVITIES {
        let filter = marketo_filter(activity).map(|text| format!("\ndetail_contains = {text:?}")).unwrap_or_default();
        let old = format!("activity = [\"{activity}\"]");
        assert!(config.contains(&old), "{old}");
        config = config.replace(&old, &format!("activity = [\"{kind}\"]{filter}"));
    }
    config
}

/// The sample's leads and events in `dir` rewritten as Salesforce exports a converted
/// lead's: each won lead keeps the contact it became in a `ConvertedContactId` column
/// ([`contact_of`]), and every one of its activities is filed under that contact's id.
pub struct FiledUnderContacts {
    pub won: std::collections::HashSet<String>,
    /// The events filed under a contact, and the leads they are of (counted by hand).
    pub moved: usize,
    pub moved_leads: std::collections::HashSet<String>,
}

/// The contact the sample's lead `id` converts into.
pub fn contact_of(id: &str) -> String {
    format!("003C{}", &id[1..])
}

/// `leads` (the sample's text) with a `ConvertedContactId` column, `contact` of each id.
pub fn with_contacts(leads: &str, contact: &dyn Fn(&str) -> Option<String>) -> String {
    map_rows(leads, |_, line| format!("{line},{}", contact(line.split(',').next().unwrap()).unwrap_or_default())).replacen('\n', ",ConvertedContactId\n", 1)
}

/// The sample in `dir` with every fourth lead merged from two older records, HubSpot's
/// way: the lead keeps their ids in `hs_merged_object_ids` (`"HS10000001; HS20000001"`)
/// and its events name them in turn. What moved, counted by hand (`won` is empty).
pub fn merged_from_two_records(dir: &Path) -> FiledUnderContacts {
    let leads = std::fs::read_to_string(dir.join("leads.csv")).unwrap();
    let merged: std::collections::HashSet<String> = leads.lines().skip(1).step_by(4).map(|l| l.split(',').next().unwrap().to_string()).collect();
    let old = |id: &str, k: usize| format!("HS{k}{}", &id[1..]);
    let with_merged = map_rows(&leads, |_, line| {
        let id = line.split(',').next().unwrap();
        format!("{line},{}", if merged.contains(id) { format!("{}; {}", old(id, 1), old(id, 2)) } else { String::new() })
    })
    .replacen('\n', ",hs_merged_object_ids\n", 1);
    std::fs::write(dir.join("leads.csv"), with_merged).unwrap();
    let (moved, moved_leads) = refile_events(dir, |row, id| merged.contains(id).then(|| old(id, 1 + row % 2)));
    FiledUnderContacts { won: Default::default(), moved, moved_leads }
}

/// The events of `dir`'s events.csv filed under the id `refiled(row, lead id)` gives
/// (row numbered from 1), where it gives one; how many moved, and whose they are.
fn refile_events(dir: &Path, refiled: impl Fn(usize, &str) -> Option<String>) -> (usize, std::collections::HashSet<String>) {
    let events = std::fs::read_to_string(dir.join("events.csv")).unwrap();
    let (moved, moved_leads) = (std::cell::Cell::new(0), std::cell::RefCell::new(std::collections::HashSet::new()));
    let rekeyed = map_rows(&events, |row, line| {
        let (id, rest) = line.split_once(',').unwrap();
        match refiled(row, id) {
            Some(other) => {
                moved.set(moved.get() + 1);
                moved_leads.borrow_mut().insert(id.to_string());
                format!("{other},{rest}")
            }
            None => line.to_string(),
        }
    });
    std::fs::write(dir.join("events.csv"), rekeyed).unwrap();
    (moved.get(), moved_leads.into_inner())
}

pub fn filed_under_contacts(dir: &Path) -> FiledUnderContacts {
    let leads = std::fs::read_to_string(dir.join("leads.csv")).unwrap();
    let won: std::collections::HashSet<String> = leads.lines().skip(1).filter(|l| l.split(',').nth(2) == Some("won")).map(|l| l.split(',').next().unwrap().to_string()).collect();
    assert!(won.len() > 1000, "{}", won.len());
    std::fs::write(dir.join("leads.csv"), with_contacts(&leads, &|id: &str| won.contains(id).then(|| contact_of(id)))).unwrap();
    let (moved, moved_leads) = refile_events(dir, |_, id| won.contains(id).then(|| contact_of(id)));
    FiledUnderContacts { won, moved, moved_leads }
}
