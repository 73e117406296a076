//! The warehouse path: the feature-table query (`mqlcal export --sql --features`,
//! plain and `--grouped`) run by SQLite, DuckDB, PostgreSQL and Spark SQL in local mode
//! returns `mqlcal features`' table on every lead of the hostile sample (features
//! to 1e-12), and the grouped one its patterns and counts; the scoring query on
//! Spark SQL returns `mqlcal score`'s scores; the BigQuery, Snowflake and Spark
//! output parses with sqlglot. Engines and parser come from
//! scripts/install-test-tools (PyPI's duckdb, pyspark, sqlglot; Debian's postgresql).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The hostile sample with the stale-open rule on, so the as-of date decides outcomes too.
fn warehouse_sample(dir: &Path) -> PathBuf {
    let config = hostile_sample(dir);
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("blank_is = \"open\"\n", "blank_is = \"open\"\nopen_after_days = 60\n", 1);
    assert!(text.contains("open_after_days = 60"));
    write(dir, "mqlcal.toml", text)
}

fn events_csv() -> PathBuf {
    repo_root().join("notebooks-data/events.csv")
}

/// The text of `config` with the sample's events file replaced by `events`.
fn config_reading_events(config: &Path, events: &Path) -> String {
    std::fs::read_to_string(config).unwrap().replace(&format!("events = {:?}", events_csv().to_str().unwrap()), &format!("events = {:?}", events.to_str().unwrap()))
}

/// `mqlcal features` of `config` into `features.csv`.
fn mqlcal_features(dir: &Path, config: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let (code, _, err) = run_in(dir, &["features", "--config", config.to_str().unwrap(), "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    read_csv(&dir.join("features.csv"))
}

/// Write the feature-table query for `dialect` to `file`.
fn export_features(dir: &Path, config: &Path, dialect: &str, grouped: bool, file: &str) -> String {
    let mut args = vec!["export", "--sql", "--features", "--config", config.to_str().unwrap(), "--dialect", dialect, "-o", file];
    if grouped {
        args.push("--grouped");
    }
    let (code, _, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// Run `query` on `engine` (duckdb, sqlite or postgres) over `dir`'s leads.csv and the sample's events; the result as CSV.
fn run_engine(dir: &Path, engine: &str, query: &str, out: &str) -> (Vec<String>, Vec<Vec<String>>) {
    run_engine_on(dir, engine, query, out, &events_csv())
}

/// `run_engine` over `events` instead of the sample's.
fn run_engine_on(dir: &Path, engine: &str, query: &str, out: &str, events: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let leads = dir.join("leads.csv");
    let result = if engine == "postgres" {
        Command::new("bash")
            .arg(repo_root().join("tests/interop/run_postgres.sh"))
            .args([query, leads.to_str().unwrap(), events.to_str().unwrap(), out])
            .current_dir(dir)
            .output()
            .expect("bash runs")
    } else {
        Command::new("python3")
            .arg(repo_root().join("tests/interop/run_table.py"))
            .args([engine, query, leads.to_str().unwrap(), events.to_str().unwrap(), out])
            .current_dir(dir)
            .output()
            .expect("python3 runs")
    };
    assert!(result.status.success(), "{engine}: {}", String::from_utf8_lossy(&result.stderr));
    read_csv(&dir.join(out))
}

/// `2024-01-01T00:00:00.000` (mqlcal's CSV) or `2024-01-01 00:00:00` as the latter.
fn timestamp_text(cell: &str) -> String {
    let t = cell.replace('T', " ");
    t.split('.').next().unwrap_or("").to_string()
}

/// Seconds since 1970-01-01 of `YYYY-MM-DD[ HH:MM:SS]`.
fn epoch(text: &str) -> i64 {
    let t = timestamp_text(text);
    let t = if t.len() == 10 { format!("{t} 00:00:00") } else { t };
    chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S").unwrap_or_else(|e| panic!("{text:?}: {e}")).and_utc().timestamp()
}

fn number(cell: &str, what: &str) -> f64 {
    cell.parse::<f64>().unwrap_or_else(|_| panic!("{what}: {cell:?} is not a number"))
}

/// The first mismatches between mqlcal's feature table and an engine's, per lead id:
/// text columns exactly, created_at as a timestamp, feature columns to 1e-12.
fn feature_mismatches(ours: &(Vec<String>, Vec<Vec<String>>), theirs: &(Vec<String>, Vec<Vec<String>>), first_feature: usize) -> Vec<String> {
    let (header, rows) = ours;
    let by_id: HashMap<&str, &Vec<String>> = theirs.1.iter().map(|r| (r[0].as_str(), r)).collect();
    assert_eq!(by_id.len(), theirs.1.len(), "one row per lead");
    let mut out = Vec::new();
    for row in rows {
        let Some(other) = by_id.get(row[0].as_str()) else {
            out.push(format!("{}: missing", row[0]));
            continue;
        };
        for (k, name) in header.iter().enumerate() {
            let same = match k {
                1 => timestamp_text(&row[k]) == timestamp_text(&other[k]),
                k if k >= first_feature => (number(&row[k], name) - number(&other[k], name)).abs() <= 1e-12,
                _ => row[k] == other[k],
            };
            if !same {
                out.push(format!("{} {name}: mqlcal {:?} vs {:?}", row[0], row[k], other[k]));
            }
        }
    }
    out
}

/// The latest creation date or event time (both files ISO, all plausible): mqlcal's as-of date, computed here on its own.
fn latest_date(dir: &Path) -> i64 {
    let (_, leads) = read_csv(&dir.join("leads.csv"));
    let (_, events) = read_csv(&events_csv());
    leads.iter().map(|r| epoch(&r[1])).chain(events.iter().map(|r| epoch(&r[1]))).max().unwrap()
}

/// Feature values as grouping keys (9 decimals: equal values however they were summed).
fn key_number(cell: &str) -> String {
    format!("{:.9}", number(cell, "feature"))
}

/// mqlcal's plain table grouped here: (cohort, month, window_complete, segments, features) → (won, lost, open).
fn group_ours(ours: &(Vec<String>, Vec<Vec<String>>), first_feature: usize, as_of: i64, window_days: i64) -> BTreeMap<Vec<String>, [u64; 3]> {
    let mut groups: BTreeMap<Vec<String>, [u64; 3]> = BTreeMap::new();
    for row in &ours.1 {
        let created = epoch(&row[1]);
        let complete = created + window_days * 86_400 <= as_of;
        let mut key = vec![row[2].clone(), timestamp_text(&row[1])[..7].to_string(), if complete { "1" } else { "0" }.to_string()];
        key.extend(row[4..first_feature].iter().cloned());
        key.extend(row[first_feature..].iter().map(|c| key_number(c)));
        let counts = groups.entry(key).or_default();
        match row[3].as_str() {
            "won" => counts[0] += 1,
            "lost" => counts[1] += 1,
            "open" => counts[2] += 1,
            other => panic!("outcome {other:?}"),
        }
    }
    groups
}

/// An engine's grouped rows checked against mqlcal's table grouped here.
fn assert_grouped_match(ours: &(Vec<String>, Vec<Vec<String>>), theirs: &(Vec<String>, Vec<Vec<String>>), first_feature: usize, engine: &str, as_of: i64) {
    let (header, rows) = theirs;
    let mut expected_header: Vec<String> = ["as_of", "cohort", "month", "window_complete"].map(String::from).to_vec();
    expected_header.extend(ours.0[4..].iter().cloned());
    expected_header.extend(["won", "lost", "open"].map(String::from));
    assert_eq!(header, &expected_header, "{engine}: the grouped columns and their order");
    let as_of_text = chrono::DateTime::from_timestamp(as_of, 0).unwrap().format("%Y-%m-%d %H:%M:%S").to_string();
    let n = header.len();
    let mut got: BTreeMap<Vec<String>, [u64; 3]> = BTreeMap::new();
    for row in rows {
        assert_eq!(row[0], as_of_text, "{engine}: the as-of date on every row");
        let segments_end = 4 + (first_feature - 4);
        let mut key: Vec<String> = row[1..segments_end].to_vec();
        key.extend(row[segments_end..n - 3].iter().map(|c| key_number(c)));
        let counts = [0, 1, 2].map(|k| row[n - 3 + k].parse::<u64>().unwrap());
        assert!(got.insert(key, counts).is_none(), "{engine}: one row per pattern");
    }
    let want = group_ours(ours, first_feature, as_of, 30);
    assert_eq!(got.len(), want.len(), "{engine}: as many patterns as mqlcal's table has");
    let wrong: Vec<String> = want.iter().filter(|(k, v)| got.get(*k) != Some(v)).take(3).map(|(k, v)| format!("{k:?}: mqlcal {v:?} vs {:?}", got.get(k))).collect();
    assert!(wrong.is_empty(), "{engine}: {wrong:?}");
    let leads: u64 = got.values().flatten().sum();
    assert_eq!(leads as usize, ours.1.len(), "{engine}: every lead counted once");
}

/// Where the feature columns start in `mqlcal features`' header (after id, created_at, cohort, outcome and the segments).
fn first_feature(ours: &(Vec<String>, Vec<Vec<String>>)) -> usize {
    let k = ours.0.iter().position(|h| h == "title=c-level").unwrap();
    assert_eq!(&ours.0[..k], &["lead_id", "created_at", "cohort", "outcome", "channel"]);
    k
}

#[test]
fn feature_sql_on_every_engine_gives_mqlcals_feature_table() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let ours = mqlcal_features(dir.path(), &config);
    assert_eq!(ours.1.len(), 20000);
    let first = first_feature(&ours);
    assert!(ours.0.contains(&format!("industry={INDUSTRY}")) && ours.0.contains(&format!("title={TITLE}")));
    let outcomes: std::collections::BTreeSet<&str> = ours.1.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(outcomes.len(), 3, "won, lost and open all occur");
    let (header, leads) = read_csv(&dir.path().join("leads.csv"));
    let column = header.iter().position(|h| h == "outcome").unwrap();
    let open_cells = leads.iter().filter(|r| r[column] == "open").count();
    let open = ours.1.iter().filter(|r| r[3] == "open").count();
    assert!(open > 0 && open < open_cells, "open_after_days turns some open leads lost ({open_cells} -> {open})");
    for value in INTERESTS {
        let k = ours.0.iter().position(|h| *h == format!("interests={value}")).unwrap();
        let listing = ours.1.iter().filter(|r| r[k] == "1.0").count();
        assert!(listing > 1000 && listing < 19000, "the multi-select value {value:?} is listed by {listing} leads");
    }
    let pricing = ours.0.iter().position(|h| h == "pricing_page").unwrap();
    assert!(ours.1.iter().any(|r| number(&r[pricing], "pricing").fract() != 0.0), "decay gives fractional pricing visits");
    let as_of = latest_date(dir.path());

    for engine in SQL_ENGINES {
        let plain = export_features(dir.path(), &config, engine, false, &format!("features.{engine}.sql"));
        assert!(!plain.to_uppercase().contains("CREATE "), "{engine}: one query, no temporary tables");
        let theirs = run_engine(dir.path(), engine, &format!("features.{engine}.sql"), &format!("features.{engine}.csv"));
        assert_eq!(theirs.0, ours.0, "{engine}: the same columns, named and ordered as mqlcal features");
        assert_eq!(theirs.1.len(), ours.1.len(), "{engine}: every lead");
        let wrong = feature_mismatches(&ours, &theirs, first);
        assert!(wrong.is_empty(), "{engine}: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);

        export_features(dir.path(), &config, engine, true, &format!("patterns.{engine}.sql"));
        let grouped = run_engine(dir.path(), engine, &format!("patterns.{engine}.sql"), &format!("patterns.{engine}.csv"));
        assert_grouped_match(&ours, &grouped, first, engine, as_of);
    }
}

/// `[exclude]`: one lead in 25 written `Duplicate` or `Test` in its outcome (a merged
/// record, a test lead), and those of one channel (a partner's, routed elsewhere), listed
/// beside a value no lead has. `mqlcal features` gives the table with those leads
/// counted open less their rows, every other row as it was; `validate` says how many
/// each value left out and names the value no lead has, and profiles the others alone;
/// the feature-table query on every engine of `SQL_ENGINES`, plain and grouped, leaves
/// them out alike (of the as-of date too).
#[test]
fn excluded_values_leave_their_leads_out_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = std::fs::read_to_string(warehouse_sample(d)).unwrap();
    let (header, mut leads) = read_csv(&d.join("leads.csv"));
    let column = header.iter().position(|h| h == "outcome").unwrap();
    let mut excluded = std::collections::HashSet::new();
    for (k, row) in leads.iter_mut().enumerate().filter(|(k, _)| k % 25 == 3) {
        row[column] = if k % 2 == 0 { "Duplicate" } else { "Test" }.to_string();
        excluded.insert(row[0].clone());
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    assert!(config.contains("open = [\"open\"]\n"));
    let counted = write(d, "counted.toml", config.replacen("open = [\"open\"]\n", "open = [\"open\", \"Duplicate\", \"Test\"]\n", 1));
    let left_out = write(d, "left_out.toml", format!("{config}\n[exclude]\noutcome = [\"Duplicate\", \"Test\", \"Spam\"]\nchannel = \"referral\"\n"));
    // A lead both is counted under its first column (by name): "channel".
    let channel = header.iter().position(|h| h == "channel").unwrap();
    let by = |value: &str| leads.iter().filter(|r| r[column] == value && r[channel] != "referral").count();
    let referral = leads.iter().filter(|r| r[channel] == "referral").count();
    excluded.extend(leads.iter().filter(|r| r[channel] == "referral").map(|r| r[0].clone()));
    let (duplicate, test) = (by("Duplicate"), by("Test"));
    assert!(referral > 1000 && duplicate + test < 800 && duplicate + test + referral == excluded.len());
    let whole = mqlcal_features(d, &counted);
    let ours = mqlcal_features(d, &left_out);
    assert_eq!((whole.1.len(), ours.1.len()), (20000, 20000 - excluded.len()));
    let kept: Vec<Vec<String>> = whole.1.iter().filter(|row| !excluded.contains(&row[0])).cloned().collect();
    assert_eq!((&ours.0, &ours.1), (&whole.0, &kept), "the other leads' rows as they were");

    let (code, out, err) = run_in(d, &["validate", "--config", "left_out.toml"]);
    let said = format!("{out}{err}");
    assert!(
        said.contains(&format!("{} leads [exclude] lists are left out of every number (column \"channel\": \"referral\" {referral}; column \"outcome\": \"Duplicate\" {duplicate}, \"Test\" {test}): no lead, their events count for none; no lead has column \"outcome\": \"Spam\": check the spelling against the column's values", excluded.len())),
        "{code}: {said}"
    );
    // Their events are told apart from those of unknown leads, counted here by hand.
    let (_, all_events) = read_csv(&events_csv());
    let theirs = all_events.iter().filter(|e| excluded.contains(&e[0])).count();
    assert!(theirs > 10_000 && said.contains(&format!("; 0 for unknown leads; {theirs} of leads [exclude] leaves out; 0 blank")), "{theirs}: {said}");
    // Its profiles count the leads it counts: the blank company sizes of the others.
    let size = header.iter().position(|h| h == "company_size").unwrap();
    let blank = leads.iter().filter(|r| !excluded.contains(&r[0]) && r[size].is_empty()).count();
    assert!(blank > 100 && said.contains(&format!("({blank} blank)")), "{blank}: {said}");

    // A test lead created after every event and lead: left out, it moves no as-of date.
    let (_, events) = read_csv(&events_csv());
    let as_of = leads.iter().map(|r| epoch(&r[1])).chain(events.iter().map(|r| epoch(&r[1]))).max().unwrap();
    let mut late = leads[5].clone();
    (late[0], late[1], late[column]) = ("L9999999".into(), chrono::DateTime::from_timestamp(as_of + 40 * 86_400, 0).unwrap().format("%Y-%m-%d").to_string(), "Test".into());
    leads.push(late);
    write_csv(&d.join("leads.csv"), &header, &leads);
    assert_eq!(mqlcal_features(d, &left_out), ours, "the late test lead changes nothing");
    engines_give_the_table(d, &left_out, &events_csv(), &ours, as_of);
}

/// The feature-table query of `config` on every engine of `SQL_ENGINES`, plain and
/// grouped, over the leads in `dir` and `events`: `ours`, the table `mqlcal features` wrote.
fn engines_give_the_table(dir: &Path, config: &Path, events: &Path, ours: &(Vec<String>, Vec<Vec<String>>), as_of: i64) {
    let first = first_feature(ours);
    for engine in SQL_ENGINES {
        export_features(dir, config, engine, false, &format!("features.{engine}.sql"));
        let theirs = run_engine_on(dir, engine, &format!("features.{engine}.sql"), &format!("features.{engine}.csv"), events);
        assert_eq!(theirs.0, ours.0, "{engine}: the same columns");
        let wrong = feature_mismatches(ours, &theirs, first);
        assert!(wrong.is_empty(), "{engine}: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
        export_features(dir, config, engine, true, &format!("patterns.{engine}.sql"));
        let grouped = run_engine_on(dir, engine, &format!("patterns.{engine}.sql"), &format!("patterns.{engine}.csv"), events);
        assert_grouped_match(ours, &grouped, first, engine, as_of);
    }
}

/// Leads and events with time zones (each row in its own, `common::ZONES`) at the
/// sample's instants: `mqlcal features` gives the plain sample's table (creation times
/// in UTC), and so does the feature-table query on every engine of `SQL_ENGINES`,
/// plain and grouped (the zoned text shifted to UTC in SQL, as `date_format =
/// "iso_zoned"` tells it: the query cannot look at the data).
#[test]
fn zoned_timestamps_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let leads = dir.path().join("leads.csv");
    zoned_copy(&leads, &leads, 1);
    let events = dir.path().join("zoned_events.csv");
    zoned_copy(&events_csv(), &events, 1);
    let text = config_reading_events(&config, &events);
    // The feature SQL has no data to detect a layout from: the config names it (and says so when it does not).
    write(dir.path(), "mqlcal.toml", &text);
    let (code, _, err) = run_in(dir.path(), &["export", "--sql", "--features", "--config", config.to_str().unwrap(), "--dialect", "duckdb", "-o", "auto.sql"]);
    assert!(code == 0 && err.contains("note: [columns] date_format and [events] date_format = \"auto\" cannot look at the warehouse's data") && err.contains("\"iso_zoned\""), "{err}");
    let text = text.replacen("date_format = \"auto\"", "date_format = \"iso_zoned\"", 2);
    assert!(text.contains("zoned_events.csv") && text.matches("iso_zoned").count() == 2);
    write(dir.path(), "mqlcal.toml", text);
    let (code, _, err) = run_in(dir.path(), &["export", "--sql", "--features", "--config", config.to_str().unwrap(), "--dialect", "duckdb", "-o", "zoned.sql"]);
    assert!(code == 0 && !err.contains("note:"), "{err}");
    let zoned = mqlcal_features(dir.path(), &config);
    assert!(zoned == plain, "the same instants give the same table");
    engines_give_the_table(dir.path(), &config, &events, &zoned, as_of);
}

/// `[input] time_zone = "Europe/Berlin"`: the event times as the UTC instants the sample's
/// times name on Berlin's wall clock (ending in Z), beside creation dates on it:
/// `mqlcal features` moves them back and gives the plain sample's table, and so does the
/// feature-table query on every engine of `SQL_ENGINES`, plain and grouped (told
/// `iso_zoned` by the config, the offsets written into the query).
#[test]
fn instants_moved_onto_the_time_zone_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let events = dir.path().join("berlin_events.csv");
    berlin_utc_copy(&events_csv(), &events, 1);
    let text = config_reading_events(&config, &events);
    write(dir.path(), "mqlcal.toml", &text);
    assert!(mqlcal_features(dir.path(), &config) != plain, "read as UTC, the windows are an hour or two off");
    let text = text.replacen("[input]\n", "[input]\ntime_zone = \"Europe/Berlin\"\n", 1);
    write(dir.path(), "mqlcal.toml", &text);
    let moved = mqlcal_features(dir.path(), &config);
    assert!(moved == plain, "moved onto the wall clock, the same table");
    let text = text.replacen("date_format = \"auto\"", "date_format = \"iso\"", 1).replacen("date_format = \"auto\"", "date_format = \"iso_zoned\"", 1);
    assert!(text.matches("date_format = \"iso").count() == 2 && text.contains("berlin_events.csv"), "{text}");
    write(dir.path(), "mqlcal.toml", &text);
    engines_give_the_table(dir.path(), &config, &events, &moved, as_of);
    // UTC written without a zone (a warehouse's TIMESTAMP_NTZ): `iso_zoned` reads it as UTC,
    // so it is an instant and is moved alike.
    let bare = std::fs::read_to_string(&events).unwrap().replace("Z,", ",");
    assert!(!bare.contains('Z'));
    let bare_events = write(dir.path(), "bare_events.csv", bare);
    write(dir.path(), "mqlcal.toml", text.replace("berlin_events.csv", "bare_events.csv"));
    assert!(mqlcal_features(dir.path(), &config) == plain, "the same instants, the same table");
    engines_give_the_table(dir.path(), &config, &bare_events, &plain, as_of);
}

/// Creation times in Unix milliseconds and event times in Unix seconds (some with a
/// fraction): `mqlcal features` detects them and gives the plain sample's table, and so
/// does the feature-table query on every engine of `SQL_ENGINES`, plain and grouped, told
/// `unix_ms` and `unix_seconds` by the config.
#[test]
fn unix_times_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let leads = dir.path().join("leads.csv");
    unix_copy(&leads, &leads, 1, true);
    let events = dir.path().join("unix_events.csv");
    unix_copy(&events_csv(), &events, 1, false);
    let text = config_reading_events(&config, &events);
    write(dir.path(), "mqlcal.toml", &text);
    let unix = mqlcal_features(dir.path(), &config);
    assert!(unix == plain, "the same instants give the same table");
    let text = text.replacen("date_format = \"auto\"", "date_format = \"unix_ms\"", 1).replacen("date_format = \"auto\"", "date_format = \"unix_seconds\"", 1);
    assert!(text.contains("unix_events.csv") && text.contains("unix_ms") && text.contains("unix_seconds"));
    write(dir.path(), "mqlcal.toml", text);
    engines_give_the_table(dir.path(), &config, &events, &unix, as_of);
}

/// Creation dates as a spreadsheet's serial days (1900 date system) and event times as
/// serial days of the 1904 system: `mqlcal features`, told `excel_serial` and
/// `excel_serial_1904`, gives the plain sample's table, and so does the feature-table
/// query on every engine of `SQL_ENGINES`, plain and grouped.
#[test]
fn serial_days_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    // Creation times to the second (the table's created_at column shows them), so that a
    // serial fraction read a second off, as rounding down would read half of them, shows.
    let leads = dir.path().join("leads.csv");
    let (header, mut rows) = read_csv(&leads);
    for (k, row) in rows.iter_mut().enumerate() {
        let second = (k * 7919) % 86_400;
        row[1] = format!("{} {:02}:{:02}:{:02}", row[1], second / 3600, second / 60 % 60, second % 60);
    }
    write_csv(&leads, &header, &rows);
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    serial_copy(&leads, &leads, 1, false);
    let events = dir.path().join("serial_events.csv");
    serial_copy(&events_csv(), &events, 1, true);
    let text = config_reading_events(&config, &events);
    let text = text.replacen("date_format = \"auto\"", "date_format = \"excel_serial\"", 1).replacen("date_format = \"auto\"", "date_format = \"excel_serial_1904\"", 1);
    assert!(text.contains("serial_events.csv") && text.contains("excel_serial\"") && text.contains("excel_serial_1904\""));
    write(dir.path(), "mqlcal.toml", text);
    let serial = mqlcal_features(dir.path(), &config);
    assert!(serial == plain, "the same times give the same table");
    engines_give_the_table(dir.path(), &config, &events, &serial, as_of);
}

/// Creation times with full names and a run of separators (`Monday, January 1, 2024,
/// 2:11:59 AM`) and event times with a short month's name in capitals and a two-digit
/// year (`15-NOV-23 18:22:01`, Oracle's way): `mqlcal features`, told the patterns, gives
/// the plain sample's table (its created_at column to the second), and so does the
/// feature-table query on every engine of `SQL_ENGINES`, plain and grouped.
#[test]
fn month_names_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let leads = dir.path().join("leads.csv");
    times_copy(&leads, &leads, 1, |k, at| (at + chrono::Duration::seconds((k as i64 * 7_919) % 86_400)).format("%Y-%m-%d %H:%M:%S").to_string());
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let (created, occurred) = ("%A, %B %-d, %Y, %-I:%M:%S %p", "%d-%b-%y %H:%M:%S");
    times_copy(&leads, &leads, 1, |_, at| at.format(created).to_string());
    let text = std::fs::read_to_string(&leads).unwrap();
    assert!(text.contains(",\"Monday, January 1, 2024, 2:11:59 AM\","), "{}", &text[..300]);
    let events = dir.path().join("named_events.csv");
    times_copy(&events_csv(), &events, 1, |_, at| at.format(occurred).to_string().to_uppercase());
    assert!(std::fs::read_to_string(&events).unwrap().contains("L0000001,15-NOV-23 18:22:01,blog_visit"));
    let text = config_reading_events(&config, &events);
    let text = text.replacen("date_format = \"auto\"", &format!("date_format = {created:?}"), 1).replacen("date_format = \"auto\"", &format!("date_format = {occurred:?}"), 1);
    assert!(text.contains("named_events.csv") && text.contains(occurred));
    write(dir.path(), "mqlcal.toml", text);
    let named = mqlcal_features(dir.path(), &config);
    assert!(named == plain, "the same times give the same table");
    engines_give_the_table(dir.path(), &config, &events, &named, as_of);
}

/// Decision dates (`[columns] decided_at`): each decided lead's window ends at its
/// decision, in `mqlcal features` and in the feature-table query on SQLite, DuckDB and
/// PostgreSQL, plain and grouped. The leads get every kind of decision cell (blank, before
/// creation: the window ends at creation, at one of the lead's own event times, inside
/// the window, after it), open leads too (not read); the events left out are counted
/// here on their own and compared with validate's.
#[test]
fn decision_dates_end_windows_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let before = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let leads = dir.path().join("leads.csv");
    let (mut header, mut rows) = read_csv(&leads);
    let mut times: HashMap<String, Vec<i64>> = HashMap::new();
    for event in read_csv(&events_csv()).1 {
        times.entry(event[0].clone()).or_default().push(epoch(&event[1]));
    }
    let window = 30 * 86_400;
    let text = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().format("%Y-%m-%dT%H:%M:%S").to_string();
    let (mut left_out, mut decided_in_window) = (0usize, 0usize);
    header.push("closed_at".into());
    for (k, row) in rows.iter_mut().enumerate() {
        let created = epoch(&row[1]);
        let in_window: Vec<i64> = times.get(&row[0]).map_or(vec![], |t| t.iter().copied().filter(|&t| t >= created && t <= created + window).collect());
        let decided = match k % 5 {
            0 => None,
            1 => Some(created - 43_200),
            2 => Some(in_window.get(in_window.len() / 2).copied().unwrap_or(created + 3 * 86_400)),
            3 => Some(created + 2 * 86_400 + 3_600),
            _ => Some(created + 90 * 86_400),
        };
        // An open deal's close date is a forecast, or not even a date: never read.
        row.push(if row[2] == "open" && k % 3 == 0 { "TBD".to_string() } else { decided.map(text).unwrap_or_default() });
        // Decided before creation (half a day, as a date-only close on a lead created that
        // afternoon reads): the window ends at creation.
        if let (Some(at), "won" | "lost") = (decided, row[2].as_str()) {
            left_out += in_window.iter().filter(|&&t| t >= at).count();
            decided_in_window += usize::from(at <= created + window);
        }
    }
    assert!(rows.iter().filter(|r| r.last().is_some_and(|c| c == "TBD")).count() > 100);
    write_csv(&leads, &header, &rows);
    let text = std::fs::read_to_string(&config).unwrap().replacen("[columns]\n", "[columns]\ndecided_at = \"closed_at\"\n", 1);
    write(dir.path(), "mqlcal.toml", text);

    let (code, out, err) = run_in(dir.path(), &["validate", "--config", config.to_str().unwrap(), "--json"]);
    assert!(code <= 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tally = &report["events"]["decisions"];
    assert_eq!(tally["events_after"], left_out, "{tally}");
    assert!(left_out > 1000, "the cut leaves events out: {left_out}");
    let in_window = tally["won_decided_in_window"].as_u64().unwrap() + tally["lost_decided_in_window"].as_u64().unwrap();
    assert_eq!(in_window as usize, decided_in_window, "{tally}");
    assert!(tally["before_created"].as_u64().unwrap() > 100 && tally["blank"].as_u64().unwrap() > 100, "{tally}");
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("before their creation (the first on row") && warnings.contains("have no decision date"), "{warnings}");

    let cut = mqlcal_features(dir.path(), &config);
    assert_eq!(cut.0, before.0);
    assert_ne!(cut.1, before.1, "the decisions change features");
    engines_give_the_table(dir.path(), &config, &events_csv(), &cut, as_of);

    // The decision dates as Unix milliseconds (a CRM API's close dates) of the instants their
    // Berlin wall-clock times name, by chrono-tz, read on Berlin's clock: the table of those
    // instants written back as Berlin wall-clock text (chrono-tz again; the same as the
    // dates above but where daylight saving skips the hour), in mqlcal and in SQL, where an
    // open lead's "TBD" is never parsed (the instants' CTE reads decided leads' cells only).
    let (header, rows) = read_csv(&leads);
    let k = header.iter().position(|h| h == "closed_at").unwrap();
    let (mut unix, mut wall) = (rows.clone(), rows);
    for (u, w) in unix.iter_mut().zip(wall.iter_mut()).filter(|(u, _)| !u[k].is_empty() && u[k] != "TBD") {
        let instant = berlin_instant(chrono::NaiveDateTime::parse_from_str(&u[k], "%Y-%m-%dT%H:%M:%S").unwrap());
        u[k] = instant.and_utc().timestamp_millis().to_string();
        w[k] = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Berlin, &instant).naive_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    }
    write_csv(&leads, &header, &wall);
    let on_wall = mqlcal_features(dir.path(), &config);
    let moved_rows = on_wall.1.iter().zip(&cut.1).filter(|(a, b)| a != b).count();
    assert!(moved_rows <= 3, "only decisions in the skipped hour move: {moved_rows}");
    write_csv(&leads, &header, &unix);
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("[input]\n", "[input]\ntime_zone = \"Europe/Berlin\"\n", 1).replacen("decided_at = \"closed_at\"\n", "decided_at = \"closed_at\"\ndecided_at_format = \"unix_ms\"\n", 1);
    write(dir.path(), "mqlcal.toml", text);
    assert!(mqlcal_features(dir.path(), &config) == on_wall, "the same decisions on Berlin's clock");
    engines_give_the_table(dir.path(), &config, &events_csv(), &on_wall, as_of);
}

/// An export whose only outcome is a conversion date (`[outcome] filled_is = "won"`,
/// blank leads open until open_after_days makes them lost; one lead's cell the missing
/// marker "NA"): `mqlcal features` gives the outcomes counted here by hand, and so does
/// the feature-table query on every engine of `SQL_ENGINES`, plain and grouped.
#[test]
fn a_conversion_date_as_the_outcome_reads_alike_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let leads = dir.path().join("leads.csv");
    let (mut header, mut rows) = read_csv(&leads);
    let as_of = latest_date(dir.path());
    header[2] = "converted_at".into();
    for (k, row) in rows.iter_mut().enumerate() {
        row[2] = match row[2].as_str() {
            "won" => chrono::DateTime::from_timestamp(epoch(&row[1]) + 20 * 86_400, 0).unwrap().format("%Y-%m-%d").to_string(),
            _ if k % 97 == 0 => "NA".into(),
            _ => String::new(),
        };
    }
    write_csv(&leads, &header, &rows);
    // By hand: a filled cell is won; a blank one open, and lost at least 60 days after creation.
    let expected: HashMap<String, &str> = rows
        .iter()
        .map(|r| {
            let outcome = match (r[2].is_empty() || r[2] == "NA", epoch(&r[1]) <= as_of - 60 * 86_400) {
                (false, _) => "won",
                (true, true) => "lost",
                (true, false) => "open",
            };
            (r[0].clone(), outcome)
        })
        .collect();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("outcome = \"outcome\"", "outcome = \"converted_at\"", 1).replacen(
        "won = [\"won\"]\nlost = [\"lost\"]\nopen = [\"open\"]\n",
        "filled_is = \"won\"\n",
        1,
    );
    assert!(text.contains("filled_is = \"won\"\n") && text.contains("open_after_days = 60") && !text.contains("won = [\"won\"]"), "{text}");
    write(dir.path(), "mqlcal.toml", text);

    let ours = mqlcal_features(dir.path(), &config);
    let counted: HashMap<&str, usize> = ours.1.iter().fold(HashMap::new(), |mut n, r| {
        *n.entry(r[3].as_str()).or_default() += 1;
        n
    });
    assert!(counted["won"] > 2000 && counted["lost"] > 10000 && counted["open"] > 1000, "{counted:?}");
    for row in &ours.1 {
        assert_eq!(row[3], expected[&row[0]], "{}", row[0]);
    }
    engines_give_the_table(dir.path(), &config, &events_csv(), &ours, as_of);
}

/// Spark SQL in local mode (one session): the scoring query gives `mqlcal score`'s
/// rows, the feature-table query `mqlcal features`' table, grouped its patterns.
#[test]
fn spark_sql_gives_the_scorers_scores_and_mqlcals_feature_table() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let ours_scores = backtest_and_score(dir.path(), &config, &events_csv());
    let ours = mqlcal_features(dir.path(), &config);
    let first = first_feature(&ours);
    let as_of = latest_date(dir.path());
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--sql", "--dialect", "spark", "-o", "score.spark.sql"]);
    assert_eq!(code, 0, "{err}");
    let score_sql = std::fs::read_to_string(dir.path().join("score.spark.sql")).unwrap();
    assert!(score_sql.contains("`lead_id`") && score_sql.contains("C:\\\\temp\\\\'"), "backtick identifiers, backslashes escaped");
    export_features(dir.path(), &config, "spark", false, "features.spark.sql");
    export_features(dir.path(), &config, "spark", true, "patterns.spark.sql");

    let started = std::time::Instant::now();
    let out = Command::new("python3")
        .arg(repo_root().join("tests/interop/run_spark.py"))
        .args([dir.path().join("leads.csv").to_str().unwrap(), events_csv().to_str().unwrap()])
        .args(["score.spark.sql", "score.spark.csv", "features.spark.sql", "features.spark.csv", "patterns.spark.sql", "patterns.spark.csv"])
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "spark: {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("spark: three queries on 20,000 leads in {:.1} s", started.elapsed().as_secs_f64());

    let theirs_scores = rows_by_id(&dir.path().join("score.spark.csv"));
    assert_eq!(theirs_scores.len(), ours_scores.len(), "spark scored every lead");
    let wrong = sql_mismatches(&ours_scores, &theirs_scores, "spark");
    assert!(wrong.is_empty(), "{} mismatches on spark, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);

    let theirs = read_csv(&dir.path().join("features.spark.csv"));
    assert_eq!(theirs.0, ours.0, "spark: the same columns, named and ordered as mqlcal features");
    assert_eq!(theirs.1.len(), ours.1.len());
    let wrong = feature_mismatches(&ours, &theirs, first);
    assert!(wrong.is_empty(), "spark: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
    assert_grouped_match(&ours, &read_csv(&dir.path().join("patterns.spark.csv")), first, "spark", as_of);

    // The same leads and events with time zones (`common::ZONES`), read by a model and a
    // config that say `iso_zoned`: the same instants, so the same scores and table.
    zoned_copy(&dir.path().join("leads.csv"), &dir.path().join("zoned_leads.csv"), 1);
    zoned_copy(&events_csv(), &dir.path().join("zoned_events.csv"), 1);
    let spark_on = |name: &str, created: &str, occurred: &str, zone: Option<&str>| {
        let mut model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap()).unwrap();
        model["inputs"]["created_at_format"] = serde_json::json!(created);
        model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!(occurred);
        if let Some(zone) = zone {
            model["inputs"]["time_zone"] = serde_json::json!(zone);
            model["schema_version"] = serde_json::json!(7);
        }
        write(dir.path(), &format!("{name}_model.json"), serde_json::to_string(&model).unwrap());
        let score_sql = format!("score_{name}.spark.sql");
        let (code, _, err) = run_in(dir.path(), &["export", "--model", &format!("{name}_model.json"), "--sql", "--dialect", "spark", "-o", &score_sql]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text.replacen("date_format = \"auto\"", &format!("date_format = {created:?}"), 1).replacen("date_format = \"auto\"", &format!("date_format = {occurred:?}"), 1);
        let text = match zone {
            Some(zone) => text.replacen("[input]\n", &format!("[input]\ntime_zone = {zone:?}\n"), 1),
            None => text,
        };
        let features_sql = format!("features_{name}.spark.sql");
        export_features(dir.path(), &write(dir.path(), &format!("{name}.toml"), text), "spark", false, &features_sql);
        let (score_csv, features_csv) = (format!("score_{name}.spark.csv"), format!("features_{name}.spark.csv"));
        let out = Command::new("python3")
            .arg(repo_root().join("tests/interop/run_spark.py"))
            .args([format!("{name}_leads.csv"), format!("{name}_events.csv"), score_sql, score_csv.clone(), features_sql, features_csv.clone()])
            .current_dir(dir.path())
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "spark: {}", String::from_utf8_lossy(&out.stderr));
        let wrong = sql_mismatches(&ours_scores, &rows_by_id(&dir.path().join(score_csv)), "spark");
        assert!(wrong.is_empty(), "{name}: {} mismatches on spark, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
        let wrong = feature_mismatches(&ours, &read_csv(&dir.path().join(features_csv)), first);
        assert!(wrong.is_empty(), "{name}: spark: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
    };
    spark_on("zoned", "iso_zoned", "iso_zoned", None);

    // The event times as the UTC instants the sample's times name on Berlin's wall clock,
    // moved back onto it by `time_zone` (the query's offsets through timestampadd).
    std::fs::copy(dir.path().join("leads.csv"), dir.path().join("berlin_leads.csv")).unwrap();
    berlin_utc_copy(&events_csv(), &dir.path().join("berlin_events.csv"), 1);
    spark_on("berlin", "iso", "iso_zoned", Some("Europe/Berlin"));

    // And in Unix time (milliseconds for creation, seconds for events), as `unix_ms` and
    // `unix_seconds` tell the model and the config.
    unix_copy(&dir.path().join("leads.csv"), &dir.path().join("unix_leads.csv"), 1, true);
    unix_copy(&events_csv(), &dir.path().join("unix_events.csv"), 1, false);
    spark_on("unix", "unix_ms", "unix_seconds", None);

    // And as a spreadsheet's serial days (creation in the 1900 date system, events in the 1904 one).
    serial_copy(&dir.path().join("leads.csv"), &dir.path().join("serial_leads.csv"), 1, false);
    serial_copy(&events_csv(), &dir.path().join("serial_events.csv"), 1, true);
    spark_on("serial", "excel_serial", "excel_serial_1904", None);

    // And as a Marketo activity export, its signals filtered by the events' detail
    // (`common::marketo_model`, `marketo_config`).
    let mut model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap()).unwrap();
    marketo_model(&mut model);
    write(dir.path(), "marketo_model.json", serde_json::to_string(&model).unwrap());
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "marketo_model.json", "--sql", "--dialect", "spark", "-o", "score_marketo.spark.sql"]);
    assert_eq!(code, 0, "{err}");
    let events = dir.path().join("marketo_events.csv");
    marketo_events(&events);
    let marketo = write(dir.path(), "marketo.toml", marketo_config(&config_reading_events(&config, &events)));
    export_features(dir.path(), &marketo, "spark", false, "features_marketo.spark.sql");
    let out = Command::new("python3")
        .arg(repo_root().join("tests/interop/run_spark.py"))
        .args(["leads.csv", "marketo_events.csv", "score_marketo.spark.sql", "score_marketo.spark.csv", "features_marketo.spark.sql", "features_marketo.spark.csv"])
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "spark: {}", String::from_utf8_lossy(&out.stderr));
    let wrong = sql_mismatches(&ours_scores, &rows_by_id(&dir.path().join("score_marketo.spark.csv")), "spark");
    assert!(wrong.is_empty(), "marketo: {} mismatches on spark, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
    let wrong = feature_mismatches(&ours, &read_csv(&dir.path().join("features_marketo.spark.csv")), first);
    assert!(wrong.is_empty(), "marketo: spark: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
}

/// A Marketo activity export (`common::marketo_events`: web visits one activity type,
/// forms another, what each was about in `Primary Attribute Value`), its signals filtered
/// by that detail (`detail_contains`): `mqlcal features` gives the plain sample's table,
/// and so does the feature-table query on every engine of `SQL_ENGINES`, plain and grouped.
#[test]
fn events_filtered_by_their_detail_give_the_plain_feature_table_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = warehouse_sample(dir.path());
    let plain = mqlcal_features(dir.path(), &config);
    let as_of = latest_date(dir.path());
    let events = dir.path().join("marketo_events.csv");
    marketo_events(&events);
    let config = write(dir.path(), "mqlcal.toml", marketo_config(&config_reading_events(&config, &events)));
    assert_eq!(mqlcal_features(dir.path(), &config), plain);
    engines_give_the_table(dir.path(), &config, &events, &plain, as_of);
}

/// Salesforce files a converted lead's activities under its contact: with the won leads'
/// events under the `ConvertedContactId` the leads file keeps, `[columns] events_also_key`
/// gives mqlcal the plain table; with two leads converted into one contact (its events
/// count for neither) and a lead whose value is another lead's id (that lead keeps its
/// events), the feature-table query on every engine of `SQL_ENGINES` gives mqlcal's
/// table, plain and grouped, with and without `[exclude]` and `id_case = "ignore"`.
#[test]
fn events_filed_under_converted_contacts_give_mqlcals_table_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = warehouse_sample(d);
    let plain = mqlcal_features(d, &config);
    let as_of = latest_date(d);
    let outcome = plain.0.iter().position(|h| h == "outcome").unwrap();
    let mut won: Vec<String> = plain.1.iter().filter(|r| r[outcome] == "won").map(|r| r[0].clone()).collect();
    won.sort();
    let (a, b, c) = (won[0].clone(), won[1].clone(), won[2].clone());
    // b converted into a's contact; c's value is the id of a lost lead.
    let lost = plain.1.iter().find(|r| r[outcome] == "lost").map(|r| r[0].clone()).unwrap();
    let contact = |id: &str| if id == b { contact_of(&a) } else { contact_of(id) };
    let (mut header, mut leads) = read_csv(&d.join("leads.csv"));
    header.push("ConvertedContactId".into());
    for row in &mut leads {
        let value = match won.binary_search(&row[0]) {
            Ok(_) if row[0] == c => lost.clone(),
            Ok(_) => contact(&row[0]),
            Err(_) => String::new(),
        };
        row.push(value);
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let events = std::fs::read_to_string(events_csv()).unwrap();
    let filed = d.join("contact_events.csv");
    std::fs::write(&filed, map_rows(&events, |_, line| {
        let (id, rest) = line.split_once(',').unwrap();
        if won.binary_search(&id.to_string()).is_ok() { format!("{},{rest}", contact(id)) } else { line.to_string() }
    }))
    .unwrap();
    let text = config_reading_events(&config, &filed).replacen("[columns]\n", "[columns]\nevents_also_key = \"ConvertedContactId\"\n", 1);
    let also = write(d, "also.toml", &text);
    let ours = mqlcal_features(d, &also);
    let first = first_feature(&plain);
    let mut differ = Vec::new();
    for (p, o) in plain.1.iter().zip(&ours.1) {
        if p != o {
            assert!(o[first..].iter().zip(&p[first..]).all(|(o, p)| o == p || o.parse::<f64>().unwrap() == 0.0), "{o:?}");
            differ.push(o[0].clone());
        }
    }
    differ.sort();
    assert_eq!(differ, [a.clone(), b.clone(), c.clone()], "the shared contact's leads and the one whose value is a lost lead's id lose their events; the others' rows are the plain table's");
    engines_give_the_table(d, &also, &filed, &ours, as_of);
    // With [exclude] (a's lead left out: b alone holds the contact then) and ids folded.
    let folded = write(d, "folded.toml", format!("{}\n[exclude]\nlead_id = {a:?}\n", text.replacen("[input]\n", "[input]\nid_case = \"ignore\"\n", 1)));
    let shared = ours;
    let ours = mqlcal_features(d, &folded);
    let row_of = |table: &(Vec<String>, Vec<Vec<String>>), id: &str| table.1.iter().find(|r| r[0] == id).cloned().unwrap_or_default();
    assert!(row_of(&ours, &a).is_empty());
    assert_ne!(row_of(&ours, &b)[first..], row_of(&shared, &b)[first..], "the contact is b's alone once a is left out: its events count for b");
    engines_give_the_table(d, &folded, &filed, &ours, as_of);
}

/// HubSpot's merged contacts: a lead keeps the ids of the records merged into it, several
/// in one cell (`hs_merged_object_ids`, `"101;102"`), and a tracker's events still name
/// those ids. With `events_also_key_separator`, mqlcal finds each piece's lead, and the
/// feature-table SQL does alike on every engine of `SQL_ENGINES` (plain and grouped) and
/// Spark SQL:
/// blank pieces and spaces around them, a lead listing its own id, a piece two leads
/// hold (neither's) and a piece that is another lead's id (that lead's). The model
/// trained on them scores those leads alike in `score` and the scoring SQL of each.
#[test]
fn events_of_merged_records_listed_in_one_cell_give_mqlcals_table_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = warehouse_sample(d);
    let plain = mqlcal_features(d, &config);
    let as_of = latest_date(d);
    let (mut header, mut leads) = read_csv(&d.join("leads.csv"));
    // Every fifth lead was merged from two older records; its events name them in turn.
    let mut merged: Vec<String> = leads.iter().step_by(5).map(|row| row[0].clone()).collect();
    merged.sort();
    let (a, b, c, own) = (merged[0].clone(), merged[1].clone(), merged[2].clone(), merged[3].clone());
    let lost = plain.1.iter().find(|r| r[3] == "lost" && !merged.contains(&r[0])).map(|r| r[0].clone()).unwrap();
    let old = |id: &str, k: usize| format!("m{k}-{}", &id[1..]);
    header.push("hs_merged_object_ids".into());
    for row in &mut leads {
        let id = row[0].clone();
        let cell = match merged.binary_search(&id) {
            Err(_) => String::new(),
            // a also lists one of b's old ids: events naming it are neither's.
            Ok(_) if id == a => format!("{};{}; {}", old(&a, 1), old(&a, 2), old(&b, 1)),
            // c lists a lost lead's id: events naming it stay that lead's.
            Ok(_) if id == c => format!("{} ;{};;{};", old(&c, 1), lost, old(&c, 2)),
            Ok(_) if id == own => format!("{};{};{}", own, old(&own, 1), old(&own, 2)),
            Ok(_) => format!("{};{}", old(&id, 1), old(&id, 2)),
        };
        row.push(cell);
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let events = std::fs::read_to_string(events_csv()).unwrap();
    let filed = d.join("merged_events.csv");
    std::fs::write(&filed, map_rows(&events, |i, line| {
        let (id, rest) = line.split_once(',').unwrap();
        if merged.binary_search(&id.to_string()).is_ok() {
            format!("{},{rest}", old(id, 1 + i % 2))
        } else {
            line.to_string()
        }
    }))
    .unwrap();
    let text = config_reading_events(&config, &filed)
        .replacen("[columns]\n", "[columns]\nevents_also_key = \"hs_merged_object_ids\"\nevents_also_key_separator = \";\"\n", 1);
    let split = write(d, "merged.toml", &text);
    let ours = mqlcal_features(d, &split);
    let first = first_feature(&plain);
    let differ: Vec<String> = plain.1.iter().zip(&ours.1).filter(|(p, o)| p != o).map(|(_, o)| o[0].clone()).collect();
    assert_eq!(differ, [b.clone()], "only b lost events (those naming the old id a holds too)");
    // Without the separator no cell is an id: every merged lead loses its events.
    let whole = write(d, "whole.toml", text.replacen("events_also_key_separator = \";\"\n", "", 1));
    let unsplit = mqlcal_features(d, &whole);
    let lost_all = plain.1.iter().zip(&unsplit.1).filter(|(p, o)| p[first..] != o[first..]).count();
    assert!(lost_all > merged.len() / 2, "{lost_all} of {}", merged.len());
    engines_give_the_table(d, &split, &filed, &ours, as_of);
    // The model records the other ids and their separator: the scoring SQL finds the
    // events by them as `score` does, on these cells too.
    let scores = backtest_and_score(d, &split, &filed);
    for engine in SQL_ENGINES {
        sql_scores_match(d, engine, "leads.csv", &filed, &scores);
    }
    // Spark splits with `explode` where the others recurse.
    export_features(d, &split, "spark", false, "features.spark.sql");
    let (code, _, err) = run_in(d, &["export", "--model", "bt/model.json", "--sql", "--dialect", "spark", "-o", "score.spark.sql"]);
    assert_eq!(code, 0, "{err}");
    let out = Command::new("python3")
        .arg(repo_root().join("tests/interop/run_spark.py"))
        .args(["leads.csv", "merged_events.csv", "features.spark.sql", "features.spark.csv", "score.spark.sql", "score.spark.csv"])
        .current_dir(d)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "spark: {}", String::from_utf8_lossy(&out.stderr));
    let wrong = feature_mismatches(&ours, &read_csv(&d.join("features.spark.csv")), first);
    assert!(wrong.is_empty(), "spark: {} mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
    let wrong = sql_mismatches(&scores, &rows_by_id(&d.join("score.spark.csv")), "spark");
    assert!(wrong.is_empty(), "spark: {} score mismatches, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(3)]);
    // With [exclude] leaving b out (the old id is a's alone then); and so again with the
    // events' old ids in capitals (`M1-…`, the cells `m1-…`) matched ignoring case.
    let excluded = format!("{text}\n[exclude]\nlead_id = {b:?}\n");
    let ours = mqlcal_features(d, &write(d, "excluded.toml", &excluded));
    let a_row = |table: &(Vec<String>, Vec<Vec<String>>)| table.1.iter().find(|r| r[0] == a).cloned().unwrap();
    assert_ne!(a_row(&ours)[first..], a_row(&plain)[first..], "b's old id is a's once b is left out: its events count for a");
    let upper = d.join("merged_events_upper.csv");
    std::fs::write(&upper, std::fs::read_to_string(&filed).unwrap().lines().map(|l| format!("{}\n", if l.starts_with('m') { l.replacen('m', "M", 1) } else { l.to_string() })).collect::<String>()).unwrap();
    let folded = write(d, "folded.toml", excluded.replace(filed.to_str().unwrap(), upper.to_str().unwrap()).replacen("[input]\n", "[input]\nid_case = \"ignore\"\n", 1));
    assert!(mqlcal_features(d, &folded) == ours, "ids folded: the table of the ids as written");
    engines_give_the_table(d, &folded, &upper, &ours, as_of);
}

/// Events named by e-mail address (`events_key`, blank for a tenth of the leads) and won
/// leads' by their contact (`events_also_key`): a lead with no address has no events, by
/// its contact either, in mqlcal and in the feature-table SQL alike, and in `score` and
/// the scoring SQL.
#[test]
fn events_by_address_and_by_contact_give_mqlcals_table_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = warehouse_sample(d);
    let (mut header, mut leads) = read_csv(&d.join("leads.csv"));
    let outcome = header.iter().position(|h| h == "outcome").unwrap();
    let email = |id: &str| (id[1..].parse::<u32>().unwrap() % 10 != 0).then(|| format!("Lead.{}@Example.com", &id[1..]));
    let won: std::collections::HashSet<String> = leads.iter().filter(|r| r[outcome] == "won").map(|r| r[0].clone()).collect();
    header.extend(["Email".to_string(), "ConvertedContactId".to_string()]);
    for row in &mut leads {
        let (address, contact) = (email(&row[0]).unwrap_or_default(), if won.contains(&row[0]) { contact_of(&row[0]) } else { String::new() });
        row.extend([address, contact]);
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let (events_header, events) = read_csv(&events_csv());
    let kept: Vec<Vec<String>> = events
        .iter()
        .filter_map(|e| {
            let key = if won.contains(&e[0]) { Some(contact_of(&e[0])) } else { email(&e[0]) }?;
            Some([vec![key], e[1..].to_vec()].concat())
        })
        .collect();
    let filed = d.join("keyed_events.csv");
    write_csv(&filed, &events_header, &kept);
    let unaddressed_won = won.iter().filter(|id| email(id).is_none()).count();
    assert!(unaddressed_won > 100, "{unaddressed_won}");
    let text = config_reading_events(&config, &filed).replacen("[columns]\n", "[columns]\nevents_key = \"Email\"\nevents_also_key = \"ConvertedContactId\"\n", 1);
    let keyed = write(d, "keyed.toml", text);
    let ours = mqlcal_features(d, &keyed);
    let as_of = leads.iter().map(|r| epoch(&r[1])).chain(kept.iter().map(|e| epoch(&e[1]))).max().unwrap();
    engines_give_the_table(d, &keyed, &filed, &ours, as_of);
    // The model records both: the scoring SQL finds a lead's events by its address or its
    // contact as `score` does (a lead with no address by neither).
    let scores = backtest_and_score(d, &keyed, &filed);
    for engine in SQL_ENGINES {
        sql_scores_match(d, engine, "leads.csv", &filed, &scores);
    }
}

/// `parse_sql.py` on `files` for `dialect`: (exit code, its report).
fn parse(dir: &Path, dialect: &str, files: &[&str]) -> (bool, String) {
    let out = Command::new("python3").arg(repo_root().join("tests/interop/parse_sql.py")).arg(dialect).args(files).current_dir(dir).output().expect("python3 runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// BigQuery and Snowflake cannot run here. Their queries run translated onto DuckDB by
/// sqlglot wherever the other engines run (`SQL_ENGINES`); here their output (scoring
/// query, feature table plain and grouped, ISO, day-first, zoned, Unix, serial,
/// month-name and digit-run dates, signals filtered by the events' detail, events also
/// found by other leads columns, several in a cell) is also parsed by sqlglot for the
/// dialect itself, as is Spark's; a broken query must fail the same check.
#[test]
fn bigquery_snowflake_and_spark_output_parses() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", config.to_str().unwrap(), "--output", "fit.json"]);
    assert_eq!(code, 0, "{err}");
    // The same model, a threshold and a two-axis rule added, and dates recorded as day-first / a pattern.
    let mut model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("fit.json")).unwrap()).unwrap();
    model["threshold"] = serde_json::json!(40);
    model["hot_threshold"] = serde_json::json!(70);
    write(dir.path(), "total.json", serde_json::to_string(&model).unwrap());
    model["inputs"]["created_at_format"] = serde_json::json!("day_first");
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!("%d.%m.%Y %H:%M");
    write(dir.path(), "day_first.json", serde_json::to_string(&model).unwrap());
    model["inputs"]["created_at_format"] = serde_json::json!("iso_zoned");
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!("iso_zoned");
    write(dir.path(), "zoned.json", serde_json::to_string(&model).unwrap());
    // Both moved onto a time zone's wall clock (the offsets' table and its joins).
    let mut berlin = model.clone();
    berlin["inputs"]["time_zone"] = serde_json::json!("Europe/Berlin");
    berlin["schema_version"] = serde_json::json!(7);
    write(dir.path(), "berlin.json", serde_json::to_string(&berlin).unwrap());
    model["inputs"]["created_at_format"] = serde_json::json!("unix_ms");
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!("unix_seconds");
    write(dir.path(), "unix.json", serde_json::to_string(&model).unwrap());
    model["inputs"]["created_at_format"] = serde_json::json!("excel_serial");
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!("excel_serial_1904");
    write(dir.path(), "serial.json", serde_json::to_string(&model).unwrap());
    let named = ["%A, %B %-d, %Y, %-I:%M:%S %p", "%d-%b-%y %H:%M:%S"];
    model["inputs"]["created_at_format"] = serde_json::json!(named[0]);
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!(named[1]);
    write(dir.path(), "named.json", serde_json::to_string(&model).unwrap());
    model["inputs"]["created_at_format"] = serde_json::json!("%Y%m%d");
    model["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!("%Y%m%d%H%M%S");
    write(dir.path(), "digits.json", serde_json::to_string(&model).unwrap());
    let text = std::fs::read_to_string(&config).unwrap();
    let day_first = text.replacen("date_format = \"auto\"", "date_format = \"day_first\"", 2).replacen("blank_is = \"open\"\n", "blank_is = \"open\"\nopen_after_days = 60\n", 1);
    write(dir.path(), "day_first.toml", format!("{day_first}\n"));
    write(dir.path(), "zoned.toml", text.replacen("date_format = \"auto\"", "date_format = \"iso_zoned\"", 2));
    write(dir.path(), "berlin.toml", text.replacen("date_format = \"auto\"", "date_format = \"iso_zoned\"", 2).replacen("[input]\n", "[input]\ntime_zone = \"Europe/Berlin\"\n", 1));
    write(dir.path(), "unix.toml", text.replacen("date_format = \"auto\"", "date_format = \"unix_ms\"", 1).replacen("date_format = \"auto\"", "date_format = \"unix_seconds\"", 1));
    write(dir.path(), "serial.toml", text.replacen("date_format = \"auto\"", "date_format = \"excel_serial\"", 1).replacen("date_format = \"auto\"", "date_format = \"excel_serial_1904\"", 1));
    write(dir.path(), "named.toml", text.replacen("date_format = \"auto\"", &format!("date_format = {:?}", named[0]), 1).replacen("date_format = \"auto\"", &format!("date_format = {:?}", named[1]), 1));
    let as_of = text.replacen("[input]\n", "[input]\nas_of = \"2025-06-30\"\n", 1).replacen("period = \"quarter\"", "period = \"month\"", 1);
    write(dir.path(), "as_of.toml", as_of);
    // Signals filtered by the events' detail (a Marketo export).
    let mut marketo: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("total.json")).unwrap()).unwrap();
    marketo_model(&mut marketo);
    write(dir.path(), "marketo.json", serde_json::to_string(&marketo).unwrap());
    write(dir.path(), "marketo.toml", marketo_config(&text));
    // The scoring query finding events by a lead's other ids, one or several to a cell.
    let mut also: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("total.json")).unwrap()).unwrap();
    also["schema_version"] = serde_json::json!(9);
    also["inputs"]["events_also_key_columns"] = serde_json::json!(["email_domain_type", "country"]);
    write(dir.path(), "also.json", serde_json::to_string(&also).unwrap());
    also["inputs"]["events_also_key_columns"] = serde_json::json!(["email_domain_type"]);
    also["inputs"]["events_also_key_separator"] = serde_json::json!(";");
    write(dir.path(), "merged.json", serde_json::to_string(&also).unwrap());
    // Events also found by another leads column (a converted lead's contact), with [exclude].
    write(dir.path(), "also.toml", format!("{}\n[exclude]\nchannel = \"referral\"\n", text.replacen("[columns]\n", "[columns]\nevents_also_key = [\"email_domain_type\", \"country\"]\n", 1)));
    // Several such ids in one cell (HubSpot's merged contacts).
    write(dir.path(), "merged.toml", text.replacen("[columns]\n", "[columns]\nevents_also_key = \"email_domain_type\"\nevents_also_key_separator = \";\"\n", 1));

    for dialect in ["bigquery", "snowflake", "spark"] {
        let mut files = Vec::new();
        for model in ["total", "day_first", "zoned", "berlin", "unix", "serial", "named", "digits", "marketo", "also", "merged"] {
            let file = format!("{model}.{dialect}.sql");
            let (code, _, err) = run_in(dir.path(), &["export", "--model", &format!("{model}.json"), "--sql", "--dialect", dialect, "-o", &file]);
            assert_eq!(code, 0, "{err}");
            files.push(file);
        }
        for (toml, grouped) in [("mqlcal.toml", false), ("mqlcal.toml", true), ("day_first.toml", true), ("zoned.toml", false), ("zoned.toml", true), ("berlin.toml", false), ("berlin.toml", true), ("unix.toml", false), ("unix.toml", true), ("serial.toml", false), ("serial.toml", true), ("named.toml", false), ("named.toml", true), ("as_of.toml", false), ("as_of.toml", true), ("marketo.toml", false), ("marketo.toml", true), ("also.toml", false), ("also.toml", true), ("merged.toml", false), ("merged.toml", true)] {
            let file = format!("{}.{}.{dialect}.sql", toml.trim_end_matches(".toml"), if grouped { "grouped" } else { "plain" });
            export_features(dir.path(), &dir.path().join(toml), dialect, grouped, &file);
            files.push(file);
        }
        let refs: Vec<&str> = files.iter().map(String::as_str).collect();
        let (ok, report) = parse(dir.path(), dialect, &refs);
        assert!(ok, "{dialect}: {report}");
        assert_eq!(report.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{report}");

        // The check is not vacuous: one unbalanced parenthesis, one missing CASE ... END.
        let grouped = std::fs::read_to_string(dir.path().join(format!("mqlcal.grouped.{dialect}.sql"))).unwrap();
        write(dir.path(), "broken1.sql", grouped.replacen(", features AS (", ", features AS ((", 1));
        write(dir.path(), "broken2.sql", grouped.replacen(" ELSE 0 END AS f0", " ELSE 0 AS f0", 1));
        for broken in ["broken1.sql", "broken2.sql"] {
            let (ok, report) = parse(dir.path(), dialect, &[broken]);
            assert!(!ok && report.starts_with("error "), "{dialect}: a broken query parsed: {report}");
        }
    }
}

#[test]
fn feature_sql_refuses_what_it_cannot_compute_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let text = std::fs::read_to_string(&config).unwrap();
    write(dir.path(), "won.csv", "lead_id\nL0000001\n");
    let cases = [
        ("separate_files", text.replacen("leads = \"leads.csv\"", "won = \"leads.csv\"\nlost = \"leads.csv\"", 1).replacen("outcome = \"outcome\"\n", "", 1), "[input] won"),
        ("won_ids", text.replacen("[input]\n", "[input]\nwon_ids = \"won.csv\"\n", 1).replacen("outcome = \"outcome\"\n", "", 1), "[columns] outcome"),
        ("keep_first", text.replacen("duplicates = \"error\"", "duplicates = \"keep-first\"", 1), "duplicates"),
        ("auto_bins", text.replacen("bins = [10, 50, 200, 1000, 5000]", "bins = \"auto\"", 1), "bins = \"auto\""),
    ];
    for (name, toml, says) in cases {
        assert_ne!(toml, text, "{name}: the config changed");
        write(dir.path(), &format!("{name}.toml"), &toml);
        let (code, _, err) = run_in(dir.path(), &["export", "--sql", "--features", "--config", &format!("{name}.toml"), "--dialect", "duckdb", "-o", "x.sql"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(says) && err.trim().lines().count() <= 2, "{name}: {err}");
        assert!(!dir.path().join("x.sql").exists(), "{name}: nothing written");
    }
    let (code, _, err) = run_in(dir.path(), &["export", "--sql", "--grouped", "--config", "mqlcal.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("--features"), "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--sql", "--features", "--model", "m.json", "--config", "mqlcal.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("--model"), "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--sql"]);
    assert_eq!(code, 2);
    assert!(err.contains("--model"), "{err}");
}

/// The whole warehouse path: DuckDB runs the grouped feature query on the hostile
/// sample, and `mqlcal recalibrate` from its result (`[input] features`) gives the model
/// and thresholds of the run on the raw leads and events.
#[test]
fn recalibrating_from_the_warehouses_patterns_gives_the_raw_runs_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = warehouse_sample(d);
    export_features(d, &config, "duckdb", true, "patterns.sql");
    let patterns = run_engine(d, "duckdb", "patterns.sql", "patterns.csv");
    let text = std::fs::read_to_string(&config).unwrap();
    let grouped = text.replacen("[input]\n", "[input]\nfeatures = \"patterns.csv\"\n", 1);
    write(d, "grouped.toml", grouped);
    for (config, out) in [(config.to_str().unwrap(), "raw"), ("grouped.toml", "grouped")] {
        let (code, _, err) = run_in(d, &["recalibrate", "--config", config, "--out", out]);
        assert_eq!(code, 0, "{out}: {err}");
    }
    let model = |run: &str| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(d.join(run).join("model.json")).unwrap()).unwrap() };
    let (raw, grouped) = (model("raw"), model("grouped"));
    let leads: u64 = patterns.1.iter().map(|r| r[r.len() - 3..].iter().map(|c| c.parse::<u64>().unwrap()).sum::<u64>()).sum();
    assert_eq!(leads, 20_000, "the patterns hold every lead");
    assert_eq!(raw["threshold"], grouped["threshold"]);
    assert_eq!(raw["base_points"], grouped["base_points"]);
    let signals = |m: &serde_json::Value| m["signals"].as_array().unwrap().iter().map(|s| (s["name"].clone(), s["points"].clone())).collect::<Vec<_>>();
    assert_eq!(signals(&raw), signals(&grouped));
    for (a, b) in raw["signals"].as_array().unwrap().iter().zip(grouped["signals"].as_array().unwrap()) {
        let (a, b) = (a["coefficient"].as_f64().unwrap(), b["coefficient"].as_f64().unwrap());
        assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{a} vs {b}");
    }
    for set in ["training", "holdout"] {
        for metric in ["roc_auc", "brier", "log_loss", "n", "won"] {
            let (a, b) = (raw["metrics"][set][metric].as_f64().unwrap(), grouped["metrics"][set][metric].as_f64().unwrap());
            assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{set} {metric}: {a} vs {b}");
        }
    }
    let thresholds = |run: &str| std::fs::read_to_string(d.join(run).join("tables/thresholds.csv")).unwrap();
    assert_eq!(thresholds("raw"), thresholds("grouped"));
}

/// A converted flag as pandas writes a 1/0 column with blanks for the open leads (`1.0`,
/// `0.0`, blank) and test records coded `9.0`, read by a config that lists the CRM's
/// `1`, `0` and `9` (`[exclude]`): every other lead's row as the plain sample's, in
/// `mqlcal features` and in the feature-table query on every engine, plain and grouped.
#[test]
fn an_outcome_written_1_0_by_pandas_reads_as_1_in_mqlcal_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = warehouse_sample(d);
    let plain = mqlcal_features(d, &config);
    let as_of = latest_date(d);
    let (mut header, mut rows) = read_csv(&d.join("leads.csv"));
    header[2] = "converted".into();
    let mut tests = std::collections::HashSet::new();
    for (k, row) in rows.iter_mut().enumerate() {
        row[2] = match row[2].as_str() {
            _ if k % 50 == 7 => {
                tests.insert(row[0].clone());
                "9.0"
            }
            "won" => "1.0",
            "lost" => "0.0",
            _ => "",
        }
        .into();
    }
    write_csv(&d.join("leads.csv"), &header, &rows);
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen("outcome = \"outcome\"", "outcome = \"converted\"", 1).replacen("won = [\"won\"]\nlost = [\"lost\"]\nopen = [\"open\"]\n", "won = [\"1\"]\nlost = [\"0\"]\n", 1);
    assert!(text.contains("won = [\"1\"]") && text.contains("blank_is = \"open\""), "{text}");
    write(d, "mqlcal.toml", format!("{text}\n[exclude]\nconverted = \"9\"\n"));
    let ours = mqlcal_features(d, &config);
    let kept: Vec<Vec<String>> = plain.1.iter().filter(|r| !tests.contains(&r[0])).cloned().collect();
    assert!(tests.len() == 400 && ours.1.len() == 19_600);
    // The same columns but the outcome's name, the same rows.
    assert_eq!(ours.1, kept);
    engines_give_the_table(d, &config, &events_csv(), &ours, as_of);
}
