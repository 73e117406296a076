//! Interop: the SQL export, run by every engine of `SQL_ENGINES` (SQLite, DuckDB and
//! PostgreSQL: Python's sqlite3, the duckdb package and a throwaway Debian postgresql
//! server, installed by scripts/install-test-tools; BigQuery's and Snowflake's queries
//! translated by sqlglot and run on DuckDB), returns for every
//! lead exactly the scores, sub-scores, MQL flags and tiers of `mqlcal score`;
//! the PMML export, evaluated by jpmml-evaluator (PyPI, on Java 17), the same scores.
//! The data has levels with quotes, semicolons, `--`, unicode and a leading `=`,
//! and the model has decay, a group cap and both overrides.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

#[test]
fn sql_on_every_engine_gives_the_scorers_scores() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let events = repo_root().join("notebooks-data/events.csv");
    let ours = backtest_and_score(dir.path(), &config, &events);
    assert_eq!(ours.len(), 20000);
    let tiers: std::collections::BTreeSet<&str> = ours.values().map(|r| r[4].as_str()).collect();
    assert_eq!(tiers.len(), 3, "hot, warm and blank tiers all occur: {tiers:?}");

    for engine in SQL_ENGINES {
        let sql = sql_scores_match(dir.path(), engine, "leads.csv", &events, &ours);
        // BigQuery escapes a backslash and a quote with a backslash; Snowflake the backslash.
        let quoted = |text: &str| match engine {
            "bigquery" => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
            "snowflake" => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''")),
            _ => format!("'{}'", text.replace('\'', "''")),
        };
        assert!(sql.contains(&quoted(INDUSTRY)), "{engine}: the level is one quoted literal");
        // Its other spelling, and a listed value's, are asked for too.
        assert!(sql.contains(&quoted(INDUSTRY_SPELLED)) && sql.contains("';PRICING;'"), "{sql}");
    }
}

/// The ANSI query, `export --sql`'s default, runs as written on PostgreSQL and DuckDB.
/// On the hostile sample it gives the scorer's scores except, as its header warns, for
/// leads whose title begins or ends with a tab or a no-break space, which ANSI's `TRIM`
/// keeps: on PostgreSQL exactly those leads differ, on DuckDB some of them.
#[test]
fn the_default_ansi_query_scores_like_the_scorer_on_postgres_and_duckdb_but_for_odd_white_space() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = hostile_sample(d);
    let events = repo_root().join("notebooks-data/events.csv");
    let ours = backtest_and_score(d, &config, &events);
    let (code, _, err) = run_in(d, &["export", "--model", "bt/model.json", "--sql", "-o", "score.ansi.sql"]);
    assert_eq!(code, 0, "{err}");
    let query = std::fs::read_to_string(d.join("score.ansi.sql")).unwrap();
    assert!(query.contains("(Ansi dialect)") && query.contains("ANSI TRIM removes spaces only"), "{query}");
    // The leads a space-only trim reads otherwise: a cell with other white space at an end.
    let (header, leads) = read_csv(&d.join("leads.csv"));
    let odd: std::collections::BTreeSet<String> = leads.iter().filter(|row| row.iter().any(|cell| cell.trim_matches(' ') != cell.trim())).map(|row| row[0].clone()).collect();
    assert!(odd.len() > 500, "{} of {} leads; columns {header:?}", odd.len(), leads.len());
    for engine in ["postgres", "duckdb"] {
        let output = run_sql_file(d, engine, "score.ansi.sql", "leads.csv", &events, &format!("ansi.{engine}.csv"));
        let theirs = rows_by_id(&output);
        assert_eq!(theirs.len(), ours.len(), "{engine} scored every lead");
        let differ: std::collections::BTreeSet<String> = sql_mismatches(&ours, &theirs, engine).iter().map(|m| m.split(':').next().unwrap().to_string()).collect();
        match engine {
            "postgres" => assert_eq!(differ, odd, "{engine}: the ANSI query differs for exactly the leads with odd white space"),
            // DuckDB's TRIM also removes Unicode's spaces (a no-break space), not a tab.
            _ => assert!(!differ.is_empty() && differ.is_subset(&odd), "{engine}: {} leads differ, {} of them without odd white space", differ.len(), differ.difference(&odd).count()),
        }
    }
}

/// The hostile sample over a Marketo activity export ([`marketo_events`]: web visits one
/// activity type, forms another, the page or form in `Primary Attribute Value`), its
/// signals filtered by that detail (`detail_contains`, [`marketo_config`]): the scorer
/// gives the plain sample's scores, and the SQL on every engine of `SQL_ENGINES` the
/// scorer's, each reading the detail and testing it for the texts.
#[test]
fn events_filtered_by_their_detail_score_alike_in_the_scorer_and_sql() {
    let plain_dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(plain_dir.path());
    let plain = backtest_and_score(plain_dir.path(), &config, &repo_root().join("notebooks-data/events.csv"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = hostile_sample(d);
    let config = write(d, "mqlcal.toml", marketo_config(&std::fs::read_to_string(&config).unwrap()).replace(&format!("events = {:?}", repo_root().join("notebooks-data/events.csv").to_str().unwrap()), "events = \"activities.csv\""));
    let events = d.join("activities.csv");
    marketo_events(&events);
    let ours = backtest_and_score(d, &config, &events);
    assert_eq!(bt_model(d)["schema_version"], 8);
    assert!(ours == plain, "the plain sample's scores");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &ours);
        assert!(sql.contains("AS detail") && sql.contains("'acme.com/pricing'"), "{engine}: {sql}");
        assert_eq!(sql.contains("unless SQLite's ICU extension is loaded"), engine == "sqlite", "{engine}: the header says where lower() may fold more");
    }
}

/// A scored batch whose leads the events name alike: an id listed twice (the same lead
/// in two pulls of one batch, once as it was and once with another creation date) and,
/// for a model whose events name leads by address, two leads with one address. Each lead
/// counts the name's events in its own window in the scorer and on SQLite, DuckDB and
/// PostgreSQL alike (the SQL counted an id listed twice twice, the scorer gave a shared
/// name's events to its last lead alone), and a lead listed as it was scores as it does
/// alone.
#[test]
fn leads_the_events_name_alike_score_alike_in_the_scorer_and_sql() {
    let data = repo_root().join("notebooks-data");
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap().replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n");
    for keyed in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for file in ["leads.csv", "events.csv"] {
            std::fs::copy(data.join(file), d.join(file)).unwrap();
        }
        let config = match keyed {
            false => write(d, "mqlcal.toml", sample.clone()),
            true => {
                keyed_by_email(d);
                let keyed = sample.replacen("[columns]\n", "[columns]\nevents_key = \"Email\"\n", 1).replacen("lead_id = \"lead_id\"\n", "lead_id = \"email\"\n", 1);
                write(d, "mqlcal.toml", keyed)
            }
        };
        let events = d.join("events.csv");
        let alone = backtest_and_score(d, &config, &events);
        // The batch: the sample's leads, L0000003 again as it was, L0000005 again created a
        // week later (after its visits to the pricing page); keyed, L0000002 with L0000001's address.
        let (header, mut rows) = read_csv(&d.join("leads.csv"));
        let created = header.iter().position(|h| h == "created_at").unwrap();
        let again = rows[2].clone();
        let mut later = rows[4].clone();
        let day = chrono::NaiveDate::parse_from_str(&later[created][..10], "%Y-%m-%d").unwrap() + chrono::Days::new(7);
        later[created] = format!("{day}{}", &later[created][10..]);
        if keyed {
            let email = header.iter().position(|h| h == "Email").unwrap();
            rows[1][email] = rows[0][email].clone();
        }
        rows.extend([again, later]);
        let batch: String = std::iter::once(&header).chain(&rows).map(|row| csv_line(row)).collect();
        write(d, "batch.csv", batch);
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "batch.csv", "--events", events.to_str().unwrap(), "-o", "batch_scores.csv"]);
        assert_eq!(code, 0, "{err}");
        let (_, ours) = read_csv(&d.join("batch_scores.csv"));
        assert_eq!(ours.len(), 20_002);
        // Listed again as it was: scored as alone, both times; keyed, the lead whose address
        // another lead took still has its events.
        for row in [&ours[2], &ours[20_000], &ours[0]] {
            assert_eq!(row[1..], alone[&row[0]][..], "{keyed} {row:?}");
        }
        let engagement = |row: &Vec<String>| row[3].parse::<i64>().unwrap();
        assert!(engagement(&ours[20_001]) != engagement(&ours[4]), "a week later, another window: {:?} {:?}", ours[20_001], ours[4]);
        if keyed {
            // Created the same day, the two count the same events.
            assert_eq!(engagement(&ours[1]), engagement(&ours[0]), "L0000001's events in L0000002's window");
        }
        let expected: Vec<Vec<String>> = {
            let mut rows: Vec<Vec<String>> =
                ours.iter().map(|r| vec![r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone(), if r[4] == "true" { "1" } else { "0" }.into(), r[5].clone()]).collect();
            rows.sort();
            rows
        };
        assert!(err.contains("each such lead counts that value's events in its own window, as the exported SQL does"), "{err}");
        for engine in SQL_ENGINES {
            let (_, output) = run_sql_scores(d, engine, "batch.csv", &events);
            let (_, mut theirs) = read_csv(&output);
            theirs.iter_mut().for_each(|row| row.truncate(6));
            theirs.sort();
            let differ: Vec<_> = expected.iter().zip(&theirs).filter(|(a, b)| a != b).take(3).collect();
            assert!(theirs.len() == expected.len() && differ.is_empty(), "{keyed} {engine}: {differ:?}");
        }
    }
}

/// HubSpot's merged contacts at scoring time: every fourth lead merged from two records
/// whose ids its events name in turn (`hs_merged_object_ids`, `"HS10000001; HS20000001"`).
/// The model records `events_also_key` and its separator (schema 9), so `score` finds those
/// events as training did: the plain sample's scores, and the SQL on SQLite, DuckDB and
/// PostgreSQL the scorer's, with a merged lead listed twice in the batch (each counts its
/// old ids' events, as alone) and one whose cell also lists another lead's old id (that
/// id is neither's). The model as an older mqlcal wrote it (no other ids) misses them; a
/// batch without the column is refused, naming it.
#[test]
fn events_of_merged_records_score_as_the_plain_sample_in_the_scorer_and_sql() {
    let data = repo_root().join("notebooks-data");
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap().replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n");
    let copied = || {
        let dir = tempfile::tempdir().unwrap();
        for file in ["leads.csv", "events.csv"] {
            std::fs::copy(data.join(file), dir.path().join(file)).unwrap();
        }
        dir
    };
    let plain_dir = copied();
    let plain = backtest_and_score(plain_dir.path(), &write(plain_dir.path(), "mqlcal.toml", &sample), &plain_dir.path().join("events.csv"));
    let dir = copied();
    let d = dir.path();
    let merged = merged_from_two_records(d);
    let config = write(d, "mqlcal.toml", sample.replacen("[columns]\n", "[columns]\nevents_also_key = \"hs_merged_object_ids\"\nevents_also_key_separator = \";\"\n", 1));
    let events = d.join("events.csv");
    let ours = backtest_and_score(d, &config, &events);
    let (code, out, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "scores.csv", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["events_by_other_ids"], serde_json::json!({"events": merged.moved, "leads": merged.moved_leads.len(), "shared_ignored": 0}));
    let found = format!("note: found {} events of {} leads by their other ids (column \"hs_merged_object_ids\", as in training)\n", merged.moved, merged.moved_leads.len());
    assert!(err.contains(&found) && !err.contains("ignored") && !err.contains("naming a value two leads hold"), "{err}");
    let model = bt_model(d);
    assert_eq!(
        (model["schema_version"].as_i64(), &model["inputs"]["events_also_key_columns"], model["inputs"]["events_also_key_separator"].as_str()),
        (Some(9), &serde_json::json!(["hs_merged_object_ids"]), Some(";"))
    );
    assert!(ours == plain, "the plain sample's scores");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &ours);
        assert_eq!(sql.contains("WITH RECURSIVE"), true, "{engine}: the cells are split by a recursive CTE");
        assert!(sql.contains("also_split0") && sql.contains("LEFT JOIN also_keys k ON k.also_key = e.lead_id"), "{engine}: {sql}");
    }
    // As an older mqlcal wrote it: the events of every merged lead with some are lost.
    let mut old = model.clone();
    old["schema_version"] = serde_json::json!(8);
    for setting in ["events_also_key_columns", "events_also_key_separator"] {
        old["inputs"].as_object_mut().unwrap().remove(setting);
    }
    write(d, "old.json", serde_json::to_string_pretty(&old).unwrap());
    let (code, _, err) = run_in(d, &["score", "--model", "old.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "old_scores.csv"]);
    assert_eq!(code, 0, "{err}");
    let differ = rows_by_id(&d.join("old_scores.csv")).iter().filter(|(id, row)| plain[*id] != **row).count();
    assert!(differ > merged.moved_leads.len() / 2 && differ <= merged.moved_leads.len(), "{differ} of {}", merged.moved_leads.len());

    // A batch: a merged lead listed again as it was, and one whose cell also lists one of
    // a third's old ids.
    let (header, mut rows) = read_csv(&d.join("leads.csv"));
    let cell = header.iter().position(|h| h == "hs_merged_object_ids").unwrap();
    let with_events: Vec<usize> = (0..rows.len()).filter(|&k| merged.moved_leads.contains(&rows[k][0])).take(3).collect();
    let (again, giver, taker) = (with_events[0], with_events[1], with_events[2]);
    let first_old = rows[giver][cell].split(';').next().unwrap().trim().to_string();
    rows[taker][cell] = format!("{};{first_old}", rows[taker][cell]);
    rows.push(rows[again].clone());
    write(d, "batch.csv", std::iter::once(&header).chain(&rows).map(|row| csv_line(row)).collect::<String>());
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "batch.csv", "--events", "events.csv", "-o", "batch_scores.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("[columns] events_also_key (column \"hs_merged_object_ids\"): 1 values are held by more than one lead, e.g. {first_old:?} by leads {:?} and {:?}", rows[giver][0], rows[taker][0])), "{err}");
    // The shared id's events are said apart from unknown leads' (none here).
    assert!(err.contains("naming a value two leads hold") && !err.contains("events for lead ids not in"), "{err}");
    let (_, batch) = read_csv(&d.join("batch_scores.csv"));
    assert_eq!(batch.len(), rows.len());
    assert!(batch[again][1..] == plain[&rows[again][0]][..] && batch[rows.len() - 1] == batch[again], "listed twice, scored as alone twice: {:?}", batch[again]);
    let engagement = |row: &[String]| row[3].parse::<i64>().unwrap();
    assert!(engagement(&batch[giver]) <= plain[&rows[giver][0]][2].parse::<i64>().unwrap(), "the shared old id's events count for neither");
    let sorted = |rows: Vec<Vec<String>>| {
        let mut rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.into_iter().take(6).collect()).collect();
        rows.sort();
        rows
    };
    let expected = sorted(batch.iter().map(|r| vec![r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone(), if r[4] == "true" { "1" } else { "0" }.into(), r[5].clone()]).collect());
    for engine in SQL_ENGINES {
        let (_, output) = run_sql_scores(d, engine, "batch.csv", &events);
        let theirs = sorted(read_csv(&output).1);
        let differ: Vec<_> = expected.iter().zip(&theirs).filter(|(a, b)| a != b).take(3).collect();
        assert!(theirs.len() == expected.len() && differ.is_empty(), "{engine}: {differ:?}");
    }
    // A batch without the column: refused, naming it and why.
    let without: String = std::iter::once(&header).chain(&rows).map(|row| csv_line(&[&row[..cell], &row[cell + 1..]].concat())).collect();
    write(d, "without.csv", without);
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "without.csv", "--events", "events.csv", "-o", "without_scores.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("without.csv: no column \"hs_merged_object_ids\" (needed for other ids the events may name the lead by ([columns] events_also_key; export it blank for leads that have none))"), "{err}");
    assert!(!d.join("without_scores.csv").exists());
}

/// The model file `backtest --out bt` wrote in `dir`.
fn bt_model(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("bt/model.json")).unwrap()).unwrap()
}

/// "2024-03-05" → "05/03/2024"; "2023-11-15T18:22:01" → "15.11.2023 18:22" (day first).
fn day_first(iso: &str, separator: char, with_time: bool) -> String {
    let (date, time) = iso.split_once('T').unwrap_or((iso, ""));
    let [y, m, d]: [&str; 3] = date.split('-').collect::<Vec<_>>().try_into().unwrap();
    let time = if with_time && !time.is_empty() { format!(" {}", &time[..5]) } else { String::new() };
    format!("{d}{separator}{m}{separator}{y}{time}")
}

/// The sample rewritten with day-first dates (leads `05/03/2024`, events `15.11.2023 18:22`).
fn day_first_sample(dir: &Path) -> std::path::PathBuf {
    let data = repo_root().join("notebooks-data");
    let rewrite = |name: &str, column: usize, separator: char| {
        let text = std::fs::read_to_string(data.join(name)).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            cells[column] = day_first(&cells[column], separator, true);
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        write(dir, name, out)
    };
    rewrite("leads.csv", 1, '/');
    let events = rewrite("events.csv", 1, '.');
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("events = \"events.csv\"", &format!("events = {:?}", events.to_str().unwrap()))
        .replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n");
    write(dir, "mqlcal.toml", config)
}

#[test]
fn day_first_dates_are_recorded_and_read_alike_by_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let config = day_first_sample(dir.path());
    let text = std::fs::read_to_string(&config).unwrap();
    // Detected from the data, then given as patterns: both recorded, both read alike.
    for (leads_format, events_format, created, occurred) in [
        (None, None, "day_first", "day_first"),
        (Some("%d/%m/%Y"), Some("%d.%m.%Y %H:%M"), "%d/%m/%Y", "%d.%m.%Y %H:%M"),
    ] {
        let mut text = text.clone();
        if let (Some(l), Some(e)) = (leads_format, events_format) {
            text = text.replacen("date_format = \"auto\"", &format!("date_format = {l:?}"), 1).replacen("date_format = \"auto\"", &format!("date_format = {e:?}"), 1);
            assert!(text.contains(&format!("date_format = {e:?}")));
            std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
        }
        write(dir.path(), "mqlcal.toml", &text);
        let events = dir.path().join("events.csv");
        let ours = backtest_and_score(dir.path(), &config, &events);
        assert_eq!(ours.len(), 20000);
        let model: serde_json::Value = bt_model(dir.path());
        assert_eq!(model["inputs"]["created_at_format"], created);
        assert_eq!(model["inputs"]["event_columns"]["occurred_at_format"], occurred);

        // A daily batch whose dates could be read either way is read as the training data was.
        let leads = std::fs::read_to_string(dir.path().join("leads.csv")).unwrap();
        let ambiguous: Vec<&str> = leads.lines().skip(1).filter(|l| l.split(',').nth(1).unwrap()[..2].parse::<u32>().unwrap() <= 12).take(50).collect();
        write(dir.path(), "batch.csv", format!("{}\n{}\n", leads.lines().next().unwrap(), ambiguous.join("\n")));
        let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "batch.csv", "--events", events.to_str().unwrap(), "-o", "batch_scores.csv"]);
        assert_eq!(code, 0, "{err}");
        let batch = rows_by_id(&dir.path().join("batch_scores.csv"));
        assert_eq!(batch.len(), 50);
        assert!(batch.iter().all(|(id, row)| &ours[id] == row), "the batch scores as the whole file does");
        // A batch written otherwise (ISO) is refused by the recorded format, not re-guessed.
        let iso: Vec<String> = std::fs::read_to_string(repo_root().join("notebooks-data/leads.csv")).unwrap().lines().take(6).map(str::to_string).collect();
        write(dir.path(), "iso_batch.csv", iso.join("\n") + "\n");
        let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "iso_batch.csv", "--events", events.to_str().unwrap(), "-o", "iso_scores.csv"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("training data wrote them") && err.lines().count() <= 3, "{err}");

        for engine in SQL_ENGINES {
            let sql = sql_scores_match(dir.path(), engine, "leads.csv", &events, &ours);
            assert!(sql.contains("'|'"), "{engine}: the dates are split into their numbers");
        }
        // BigQuery's run through sqlglot is no formality: its query reading the month where
        // the day is (array offsets 1 and 2 swapped, as a slip to 1-based offsets would)
        // fails on a day above 12 or scores otherwise.
        let bigquery = std::fs::read_to_string(dir.path().join("score.bigquery.sql")).unwrap();
        let slipped = bigquery.replace("[SAFE_OFFSET(1)]", "[SAFE_OFFSET(X)]").replace("[SAFE_OFFSET(2)]", "[SAFE_OFFSET(1)]").replace("[SAFE_OFFSET(X)]", "[SAFE_OFFSET(2)]");
        assert_ne!(slipped, bigquery);
        write(dir.path(), "slipped.sql", &slipped);
        let out = Command::new("python3").arg(repo_root().join("tests/interop/run_sql.py")).args(["bigquery", "slipped.sql", "leads.csv", events.to_str().unwrap(), "slipped.csv"]).current_dir(dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let caught = if out.status.success() { !sql_mismatches(&ours, &rows_by_id(&dir.path().join("slipped.csv")), "bigquery").is_empty() } else { stderr.contains("Conversion Error") };
        assert!(caught, "a slipped BigQuery query passed: {stderr}");
    }
    // A recorded pattern SQL cannot split is refused with what to do, not exported wrong.
    let model = std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap().replace("\"%d/%m/%Y\"", "\"%Y%m%d %H:%M\"");
    write(dir.path(), "run_together.json", model);
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "run_together.json", "--sql", "--dialect", "duckdb", "-o", "x.sql"]);
    assert_ne!(code, 0);
    assert!(err.contains("nothing between them") && err.contains("YYYY-MM-DD") && err.lines().count() <= 3, "{err}");
    assert!(!dir.path().join("x.sql").exists());

    // A 12-hour clock with AM/PM, as a US-locale CRM report writes it (`15.11.2023 6:22 PM`).
    // The leads are created at 6 PM, so an hour read wrong moves the day's events in or out of
    // their windows: first written on a 24-hour clock, then on a 12-hour one, the same
    // instants score alike, from the scorer and from SQL.
    let rewrite_times = |name: &str, twelve_hour: bool, created_at_six_pm: bool| {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            let (date, time) = match cells[1].split_once(' ') {
                Some((date, time)) => (date.to_string(), time.to_string()),
                None if created_at_six_pm => (cells[1].clone(), "18:00".to_string()),
                None => panic!("{name}: {line}"),
            };
            let (date, time) = (date.as_str(), time.as_str());
            let (hour, minute) = time.split_once(':').unwrap();
            let hour: u32 = hour.parse().unwrap();
            cells[1] = if !twelve_hour {
                format!("{date} {hour:02}:{minute}")
            } else {
                let (twelve, meridiem) = match hour {
                    0 => (12, "AM"),
                    1..=11 => (hour, "am"),
                    12 => (12, "PM"),
                    _ => (hour - 12, "pm"),
                };
                format!("{date} {twelve}:{minute} {meridiem}")
            };
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        write(dir.path(), name, out);
    };
    let events = dir.path().join("events.csv");
    let configured = std::fs::read_to_string(&config).unwrap();
    rewrite_times("leads.csv", false, true);
    write(dir.path(), "mqlcal.toml", configured.replace("\"%d/%m/%Y\"", "\"%d/%m/%Y %H:%M\""));
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let on_24_hours = backtest_and_score(dir.path(), &config, &events);
    rewrite_times("leads.csv", true, false);
    rewrite_times("events.csv", true, false);
    let text = configured.replace("\"%d/%m/%Y\"", "\"%d/%m/%Y %I:%M %p\"").replace("\"%d.%m.%Y %H:%M\"", "\"%d.%m.%Y %I:%M %p\"");
    assert_eq!(text.matches("%I:%M %p").count(), 2);
    write(dir.path(), "mqlcal.toml", text);
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let ours = backtest_and_score(dir.path(), &config, &events);
    assert!(ours == on_24_hours, "12-hour times score as the 24-hour ones did");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(dir.path(), engine, "leads.csv", &events, &ours);
        assert!(sql.contains("'PM'"), "{engine}: the hour is read with its AM/PM");
    }
}

/// The sample in `dir` at alpha 1, backtested and scored there: the config's text for
/// an events file, the config, and the plain scores (the baseline a rewritten export of
/// the same leads and events must reproduce).
fn plain_sample(dir: &Path) -> (impl Fn(&Path) -> String, PathBuf, HashMap<String, Vec<String>>) {
    let data = repo_root().join("notebooks-data");
    std::fs::copy(data.join("leads.csv"), dir.join("leads.csv")).unwrap();
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap().replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n");
    let with_events = move |events: &Path| sample.replace("events = \"events.csv\"", &format!("events = {:?}", events.to_str().unwrap()));
    let config = write(dir, "mqlcal.toml", with_events(&data.join("events.csv")));
    let plain = backtest_and_score(dir, &config, &data.join("events.csv"));
    (with_events, config, plain)
}

/// The sample as a warehouse exports timestamps with their zone (each row in a zone of its
/// own, `common::ZONES`, at the instant the sample's time names in UTC): detected as
/// `iso_zoned`, it trains the plain sample's model and scores as the plain sample does,
/// from the scorer and from SQL on every engine of `SQL_ENGINES`. The same wall clocks
/// read without their zones train and score otherwise, so the zones matter here.
#[test]
fn zoned_timestamps_score_as_their_utc_instants_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let (with_events, config, plain) = plain_sample(dir.path());
    let signals = |dir: &Path| -> serde_json::Value {
        let model: serde_json::Value = bt_model(dir);
        model["signals"].clone()
    };
    let plain_signals = signals(dir.path());

    // Creation dates on the leads' clock, event times on theirs: validate says windows may be off.
    zoned_copy(&data.join("leads.csv"), &dir.path().join("leads.csv"), 1);
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", config.to_str().unwrap()]);
    assert!(
        code == 0
            && out.contains("leads.csv, column \"created_at\") carry a time zone and are read as UTC, but the event times (")
            && out.contains("events.csv, column \"occurred_at\") have none"),
        "{out}{err}"
    );

    let events = dir.path().join("events.csv");
    zoned_copy(&data.join("events.csv"), &events, 1);
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(text.contains("-08,") && text.contains("+05:30,") && text.contains(" UTC,"), "{}", &text[..200]);
    write(dir.path(), "mqlcal.toml", with_events(&events));
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let zoned = backtest_and_score(dir.path(), &config, &events);
    let model: serde_json::Value = bt_model(dir.path());
    assert_eq!(model["inputs"]["created_at_format"], "iso_zoned");
    assert_eq!(model["inputs"]["event_columns"]["occurred_at_format"], "iso_zoned");
    assert_eq!(signals(dir.path()), plain_signals, "the same instants train the same points");
    assert!(zoned == plain, "and score the same");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(dir.path(), engine, "leads.csv", &events, &zoned);
        assert!(sql.contains("'UTC'"), "{engine}: the zone is read");
    }

    // The wall clocks without their zones are other instants: another model or other scores.
    for file in ["leads.csv", "events.csv"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let mut unzoned = String::new();
        for line in text.lines() {
            let (first, rest) = line.split_once(',').unwrap();
            let (time, rest) = rest.split_once(',').unwrap();
            let wall = if time.len() > 19 { &time[..19] } else { time };
            unzoned.push_str(&format!("{first},{wall},{rest}\n"));
        }
        write(dir.path(), file, unzoned);
    }
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let walls = backtest_and_score(dir.path(), &config, &events);
    assert!(signals(dir.path()) != plain_signals || walls != plain, "the zones move leads and events across windows and cohorts");
}

#[test]
fn pmml_on_jpmml_evaluator_gives_the_scorers_scores() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let ours = backtest_and_score(dir.path(), &config, &repo_root().join("notebooks-data/events.csv"));
    let (code, _, err) = run_in(dir.path(), &["features", "--config", config.to_str().unwrap(), "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--pmml", "-o", "model.pmml"]);
    assert_eq!(code, 0, "{err}");
    let pmml = std::fs::read_to_string(dir.path().join("model.pmml")).unwrap();
    assert!(pmml.contains("<Scorecard ") && pmml.contains("version=\"4.4\"") && pmml.contains("O&apos;Brien; -- DROP TABLE leads; &quot;Zürich&quot;"));
    let theirs = jpmml_rows(dir.path(), "model.pmml", "features.csv");
    assert_eq!(theirs.len(), ours.len());
    let mismatches: Vec<String> = ours
        .iter()
        .filter(|(id, r)| theirs[*id][0] != r[0])
        .map(|(id, r)| format!("{id}: jpmml {} vs mqlcal {}", theirs[id][0], r[0]))
        .collect();
    assert!(mismatches.is_empty(), "{} mismatches, e.g. {:?}", mismatches.len(), &mismatches[..mismatches.len().min(3)]);
}

#[test]
fn export_refuses_unknown_dialects_and_models_without_recipes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sheet.json", "{}");
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "sheet.json", "--sql", "--dialect", "oracle"]);
    assert_eq!(code, 2);
    assert!(err.contains("\"oracle\"") && err.contains("duckdb"), "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "sheet.json", "--sql", "--dialect", "duckdb"]);
    assert_eq!(code, 1, "an invalid model file is bad content (exit 1)");
    assert!(err.contains("sheet.json") && err.contains("not a valid model file"), "{err}");
}

/// Reason codes follow the group cap: a lead whose awareness content would add
/// more than the cap shows one capped reason, never a member's uncapped points,
/// and its reasons never claim more than the score holds.
#[test]
fn reason_codes_show_the_capped_group() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    backtest_and_score(dir.path(), &config, &repo_root().join("notebooks-data/events.csv"));
    let (header, rows) = read_csv(&dir.path().join("scores.csv"));
    let reasons: Vec<usize> = (1..=3).map(|k| header.iter().position(|h| h == &format!("reason_{k}")).unwrap()).collect();
    let model: serde_json::Value = bt_model(dir.path());
    let points = |name: &str| model["signals"].as_array().unwrap().iter().find(|s| s["name"] == name).map(|s| s["points"].as_i64().unwrap());
    let (blog, ebook) = (points("blog").unwrap(), points("ebook").unwrap());
    assert!(blog > 0 && ebook > 0, "blog {blog} and ebook {ebook} points both add");
    let mut capped = 0;
    for row in &rows {
        for &k in &reasons {
            let text = &row[k];
            if text.starts_with("awareness: ") {
                assert!(text.ends_with("(+12, capped)"), "{text}");
                capped += 1;
            } else if ["blog", "ebook"].iter().any(|m| text.starts_with(&format!("{m} (")) || text.starts_with(&format!("{m} ×"))) {
                let added: i64 = text.rsplit_once("(+").unwrap().1.trim_end_matches(')').parse().unwrap();
                assert!(added <= 12, "an uncapped member over the cap: {text}");
            }
        }
    }
    assert!(capped > 100, "leads over the awareness cap show it capped ({capped})");
}

/// The sample with its dates written with the month's name, as Oracle (`01-JAN-24`) and
/// English-locale reports (`Wed, Nov 15, 2023 6:22:01 PM`) write them: detected as
/// `"%d-%b-%y"` and `"%a, %b %d, %Y %I:%M:%S %p"`, it trains the plain sample's points and
/// scores as it does, from the scorer and from SQL on every engine of `SQL_ENGINES` (the
/// SQL export refused a month's name and a two-digit year). Then creation times of day,
/// written as de-DE's toLocaleString writes them (`15.11.2023, 18:22:01`, detected as
/// day-first), and event times as en-US's and Salesforce's ICU formats write them
/// (`11/15/2023, 6:22:01 PM`, detected as `"%m/%d/%Y, %I:%M:%S %p"`): the SQL reads the
/// time after `, ` as the scorer does (it read the blank between the comma and the space
/// as the hour, so `6:22:01 PM` was 00:06:22; neither was detected).
#[test]
fn month_names_two_digit_years_and_runs_of_separators_score_alike_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let events = dir.path().join("events.csv");
    let written = |_: usize, at: chrono::NaiveDateTime| at.format("%a, %b %-d, %Y %-I:%M:%S %p").to_string();
    let detected = ("%d-%b-%y", "%a, %b %d, %Y %I:%M:%S %p");
    let (with_events, config, plain) = detected_and_scored_as_plain(dir.path(), |_, at| at.format("%d-%b-%y").to_string().to_uppercase(), written, detected);
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(text.contains("L0000001,\"Wed, Nov 15, 2023 6:22:01 PM\",blog_visit"), "{}", &text[..100]);

    // The warehouse's loader typed the columns (DATE, TIMESTAMP): read as trained, the dates
    // do not take apart and DuckDB scores without them, silently; --dates iso
    // reads them as they are.
    let typed = |flags: &[&str]| {
        let (code, _, err) = run_in(dir.path(), &[&["export", "--model", "bt/model.json", "--sql", "--dialect", "duckdb", "-o", "typed.sql"], flags].concat());
        assert_eq!(code, 0, "{err}");
        let out = Command::new("python3")
            .arg(repo_root().join("tests/interop/run_sql.py"))
            .args(["duckdb_typed", "typed.sql", data.join("leads.csv").to_str().unwrap(), data.join("events.csv").to_str().unwrap(), "typed.csv"])
            .current_dir(dir.path())
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (sql_mismatches(&plain, &rows_by_id(&dir.path().join("typed.csv")), "duckdb").len(), err)
    };
    let (wrong, said) = typed(&[]);
    assert!(wrong > 1000, "as trained, typed dates score otherwise: {wrong} leads");
    assert!(said.contains("note: the query reads \"created_at\" as the training files wrote it (the pattern \"%d-%b-%y\"); if the warehouse holds it as a DATE or TIMESTAMP column"), "{said}");
    assert_eq!(typed(&["--dates", "iso"]), (0, "wrote typed.sql\n".to_string()), "read as they are, the scorer's scores");
    // So does mqlcal score, of the warehouse's export (ISO), with --dates iso.
    let (iso_leads, iso_events) = (data.join("leads.csv"), data.join("events.csv"));
    let score = |flags: &[&str]| {
        let files = ["--leads", iso_leads.to_str().unwrap(), "--events", iso_events.to_str().unwrap()];
        run_in(dir.path(), &[&["score", "--model", "bt/model.json", "-o", "iso_scores.csv"], &files[..], flags].concat())
    };
    let (code, _, err) = score(&[]);
    assert!(code == 1 && err.contains("as the model's training data wrote them; its inputs record the format; this file writes ISO dates: score it with --dates iso"), "{err}");
    let (code, _, err) = score(&["--dates", "iso"]);
    assert_eq!(code, 0, "{err}");
    assert!(rows_by_id(&dir.path().join("iso_scores.csv")) == plain, "the ISO files score as the plain sample");

    // Creation at a time of day (spread over the clock), every time as toLocaleString writes it.
    times_copy(&data.join("leads.csv"), &dir.path().join("leads.csv"), 1, |k, at| {
        (at + chrono::Duration::seconds((k as i64 * 7_919) % 86_400)).format("%d.%m.%Y, %H:%M:%S").to_string()
    });
    times_copy(&data.join("events.csv"), &events, 1, |_, at| at.format("%-m/%-d/%Y, %-I:%M:%S %p").to_string());
    let leads = std::fs::read_to_string(dir.path().join("leads.csv")).unwrap();
    assert!(leads.contains("L0000002,\"01.01.2024, 02:11:59\","), "{}", &leads[..300]);
    assert!(std::fs::read_to_string(&events).unwrap().contains("L0000001,\"11/15/2023, 6:22:01 PM\",blog_visit"));
    write(dir.path(), "mqlcal.toml", with_events(&events));
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let clocked = backtest_and_score(dir.path(), &config, &events);
    assert_eq!(bt_model(dir.path())["inputs"]["created_at_format"], "day_first");
    assert_eq!(bt_model(dir.path())["inputs"]["event_columns"]["occurred_at_format"], "%m/%d/%Y, %I:%M:%S %p");
    assert!(clocked != plain, "the times of day move events across the windows' ends");
    for engine in SQL_ENGINES {
        sql_scores_match(dir.path(), engine, "leads.csv", &events, &clocked);
    }
}

/// The sample with its dates as runs of digits, as warehouse date keys and GA4's
/// `event_date` (`20240101`) and log exports (`20231115182201`) write them: detected as
/// `"%Y%m%d"` and `"%Y%m%d%H%M%S"` (they were "cannot recognise the date format"), it
/// trains the plain sample's points and scores as it does, from the scorer and from SQL on
/// every engine of `SQL_ENGINES`, which take the numbers at their fixed widths.
#[test]
fn runs_of_digits_train_and_score_as_the_plain_sample_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let written = |format: &'static str| move |_: usize, at: chrono::NaiveDateTime| at.format(format).to_string();
    let _plain = detected_and_scored_as_plain(dir.path(), written("%Y%m%d"), written("%Y%m%d%H%M%S"), ("%Y%m%d", "%Y%m%d%H%M%S"));
    assert!(std::fs::read_to_string(dir.path().join("events.csv")).unwrap().contains("L0000001,20231115182201,blog_visit"));
}

/// The plain sample in `dir`, then its leads' creation times and its events' times
/// rewritten by `created` and `occurred` (into `dir`'s leads.csv and events.csv): the
/// layouts detected are `detected` (creation, events), and the rewritten sample trains the
/// plain sample's points and scores as it does, from the scorer and from SQL on SQLite,
/// DuckDB and PostgreSQL. Returns what [`plain_sample`] does.
fn detected_and_scored_as_plain(
    dir: &Path,
    created: impl Fn(usize, chrono::NaiveDateTime) -> String,
    occurred: impl Fn(usize, chrono::NaiveDateTime) -> String,
    detected: (&str, &str),
) -> (impl Fn(&Path) -> String, PathBuf, HashMap<String, Vec<String>>) {
    let data = repo_root().join("notebooks-data");
    let (with_events, config, plain) = plain_sample(dir);
    let model = || -> serde_json::Value { bt_model(dir) };
    let plain_model = model();
    times_copy(&data.join("leads.csv"), &dir.join("leads.csv"), 1, created);
    let events = dir.join("events.csv");
    times_copy(&data.join("events.csv"), &events, 1, occurred);
    write(dir, "mqlcal.toml", with_events(&events));
    std::fs::remove_dir_all(dir.join("bt")).unwrap();
    let rewritten = backtest_and_score(dir, &config, &events);
    let rewritten_model = model();
    assert_eq!(rewritten_model["inputs"]["created_at_format"], detected.0);
    assert_eq!(rewritten_model["inputs"]["event_columns"]["occurred_at_format"], detected.1);
    assert_eq!(rewritten_model["signals"], plain_model["signals"], "the same dates train the same points");
    assert!(rewritten == plain, "and score the same");
    for engine in SQL_ENGINES {
        sql_scores_match(dir, engine, "leads.csv", &events, &rewritten);
    }
    (with_events, config, plain)
}

/// The sample with creation times in Unix milliseconds and event times in Unix seconds
/// (as a CRM's API and a product-analytics export write them; some with a fraction of a
/// second, dropped): detected as `unix_ms` and `unix_seconds`, it trains the plain
/// sample's points and scores as it does, from the scorer and from SQL on SQLite,
/// DuckDB and PostgreSQL.
#[test]
fn unix_times_train_and_score_as_the_plain_sample_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let (with_events, config, plain) = plain_sample(dir.path());
    let plain_model = bt_model(dir.path());

    unix_copy(&data.join("leads.csv"), &dir.path().join("leads.csv"), 1, true);
    // Creation times in UTC, event times as written: validate says windows may be off.
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", config.to_str().unwrap()]);
    assert!(code == 0 && out.contains("column \"created_at\") are Unix time, in UTC, but the event times ("), "{out}{err}");
    let events = dir.path().join("events.csv");
    unix_copy(&data.join("events.csv"), &events, 1, false);
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(text.contains("L0000001,1700072521.5,blog_visit"), "{}", &text[..100]);
    write(dir.path(), "mqlcal.toml", with_events(&events));
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let unix = backtest_and_score(dir.path(), &config, &events);
    let unix_model = bt_model(dir.path());
    assert_eq!(unix_model["inputs"]["created_at_format"], "unix_ms");
    assert_eq!(unix_model["inputs"]["event_columns"]["occurred_at_format"], "unix_seconds");
    assert_eq!(unix_model["signals"], plain_model["signals"], "the same instants train the same points");
    assert!(unix == plain, "and score the same");
    for engine in SQL_ENGINES {
        sql_scores_match(dir.path(), engine, "leads.csv", &events, &unix);
    }
}

/// The sample with creation dates and event times as a spreadsheet's serial day numbers
/// (a CSV saved from columns formatted as numbers): creation in the 1900 date system,
/// events in the 1904 one (a workbook from old Mac Excel), as `excel_serial` and
/// `excel_serial_1904` say. It trains the plain sample's points and scores as it does,
/// from the scorer and from SQL on every engine of `SQL_ENGINES`; left at "auto", the
/// serial numbers are named with the setting that reads them.
#[test]
fn spreadsheet_serial_days_train_and_score_as_the_plain_sample_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let (with_events, config, plain) = plain_sample(dir.path());
    let plain_model = bt_model(dir.path());

    serial_copy(&data.join("leads.csv"), &dir.path().join("leads.csv"), 1, false);
    let events = dir.path().join("events.csv");
    serial_copy(&data.join("events.csv"), &events, 1, true);
    let text = std::fs::read_to_string(&events).unwrap();
    assert!(text.contains("L0000001,43783.7652893519,blog_visit"), "{}", &text[..100]);
    write(dir.path(), "mqlcal.toml", with_events(&events));
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", config.to_str().unwrap()]);
    assert!(code == 1 && err.contains("spreadsheet's date serial number") && err.contains("set date_format = \"excel_serial\""), "{out}{err}");
    let text = with_events(&events).replacen("date_format = \"auto\"", "date_format = \"excel_serial\"", 1).replacen("date_format = \"auto\"", "date_format = \"excel_serial_1904\"", 1);
    assert!(text.contains("excel_serial\"") && text.contains("excel_serial_1904\""), "{text}");
    write(dir.path(), "mqlcal.toml", text);
    std::fs::remove_dir_all(dir.path().join("bt")).unwrap();
    let serial = backtest_and_score(dir.path(), &config, &events);
    let serial_model = bt_model(dir.path());
    assert_eq!(serial_model["inputs"]["created_at_format"], "excel_serial");
    assert_eq!(serial_model["inputs"]["event_columns"]["occurred_at_format"], "excel_serial_1904");
    assert_eq!(serial_model["signals"], plain_model["signals"], "the same times train the same points");
    assert!(serial == plain, "and score the same");
    for engine in SQL_ENGINES {
        sql_scores_match(dir.path(), engine, "leads.csv", &events, &serial);
    }
}

/// The form fill that creates the lead, stamped a moment before the lead record: every
/// lead created a minute past midnight, each of its demo requests 5–59 s before that. A
/// window that starts a minute early (`[events] starts_before_seconds = 60`) counts them,
/// aged as at creation (here under standard decay); the model file records it, and the
/// scorer and the SQL on every engine of `SQL_ENGINES` score every lead alike.
#[test]
fn a_window_starting_before_creation_scores_alike_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = repo_root().join("notebooks-data");
    let (header, mut leads) = read_csv(&data.join("leads.csv"));
    let mut created = HashMap::new();
    let mut text = csv_line(&header);
    for row in &mut leads {
        created.insert(row[0].clone(), row[1].clone());
        row[1] = format!("{} 00:01:00", row[1]);
        text.push_str(&csv_line(row));
    }
    write(d, "leads.csv", text);
    let (header, events) = read_csv(&data.join("events.csv"));
    let mut rng = Rng(7);
    let mut text = csv_line(&header);
    let mut moved = 0;
    for mut row in events {
        if row[2] == "demo_request" {
            row[1] = format!("{}T00:00:{:02}", created[&row[0]], 5 + (rng.next() * 55.0) as u32);
            moved += 1;
        }
        text.push_str(&csv_line(&row));
    }
    let events = write(d, "events.csv", text);
    assert!(moved > 1000, "{moved}");
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap();
    let demo = "activity = [\"demo_request\"]\ncap = 1\ndecay = \"none\"";
    assert!(sample.contains(demo) && sample.contains("window_days = 30\n"));
    let config = write(
        d,
        "mqlcal.toml",
        sample
            .replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n")
            .replace(demo, &demo.replace("\"none\"", "\"standard\""))
            .replace("window_days = 30\n", "window_days = 30\nstarts_before_seconds = 60\n"),
    );
    let ours = backtest_and_score(d, &config, &events);
    let model: serde_json::Value = bt_model(d);
    assert_eq!(model["inputs"]["starts_before_seconds"], 60);
    let demo_points = model["signals"].as_array().unwrap().iter().find(|s| s["name"] == "demo_request").unwrap()["points"].as_i64().unwrap();
    assert!(demo_points > 0, "the demo requests count: {demo_points}");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &ours);
        assert!(sql.contains("e.ts >= l.created_ts - 60 AND") && sql.contains("CASE WHEN e.ts < l.created_ts THEN l.created_ts ELSE e.ts END"), "{engine}: {sql}");
    }
}

/// `[input] id_case = "ignore"`: the leads' ids are addresses as typed and the events' ids
/// the same addresses lower-cased (half), upper-cased (a quarter) or as typed. The SQL
/// folds the ids as the scorer does (ASCII letters only: SQLite's `lower`, `TRANSLATE`
/// elsewhere) and gives every lead the scorer's scores; an address with a non-ASCII capital
/// (`Élodie`) is matched by its ASCII letters' case alone in both.
#[test]
fn ids_matched_ignoring_case_score_alike_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = repo_root().join("notebooks-data");
    let address = |id: &str| match id {
        // Its É is not an ASCII letter: folded neither here nor there.
        "L0000007" => "Élodie.0000007@Example.com".to_string(),
        _ => format!("Lead.{}@Example.com", &id[1..]),
    };
    let (header, leads) = read_csv(&data.join("leads.csv"));
    let mut text = csv_line(&header);
    for mut row in leads {
        row[0] = address(&row[0]);
        text.push_str(&csv_line(&row));
    }
    write(d, "leads.csv", text);
    let (header, events) = read_csv(&data.join("events.csv"));
    let mut text = csv_line(&header);
    for (k, mut row) in events.into_iter().enumerate() {
        let id = address(&row[0]);
        row[0] = match k % 4 {
            // élodie: the É lower-cased too, which neither the scorer nor the SQL folds back.
            0 => id.to_lowercase(),
            2 => id.to_ascii_lowercase(),
            1 => id.to_ascii_uppercase(),
            _ => id,
        };
        text.push_str(&csv_line(&row));
    }
    let events = write(d, "events.csv", text);
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap();
    let config = write(
        d,
        "mqlcal.toml",
        sample.replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n").replacen("[input]\n", "[input]\nid_case = \"ignore\"\n", 1),
    );
    let ours = backtest_and_score(d, &config, &events);
    let model: serde_json::Value = bt_model(d);
    assert_eq!(model["inputs"]["id_case"], "ignore");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &ours);
        let folded = if engine == "sqlite" { "lower(" } else { "TRANSLATE(" };
        assert!(sql.contains(&format!(" AS lead_key")) && sql.contains(folded) && sql.contains("JOIN events_clean e ON e.lead_id = l.lead_key"), "{engine}: {sql}");
    }
}

/// `[columns] events_key = "Email"`: the events name leads by their address (blank for a
/// tenth of the leads, which have no events), the id stays the record id. The SQL joins
/// the events on the address (a blank one, NULL, joins none) and gives every lead the
/// scorer's scores on every engine of `SQL_ENGINES`.
#[test]
fn events_keyed_by_another_column_score_alike_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = repo_root().join("notebooks-data");
    for file in ["leads.csv", "events.csv"] {
        std::fs::copy(data.join(file), d.join(file)).unwrap();
    }
    let blank = keyed_by_email(d);
    let sample = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap();
    let config = write(
        d,
        "mqlcal.toml",
        sample
            .replace("[model]\ncurrent = \"current_points.toml\"\n", "[model]\nalpha = 1\n")
            .replacen("[columns]\n", "[columns]\nevents_key = \"Email\"\n", 1)
            .replacen("lead_id = \"lead_id\"\n", "lead_id = \"email\"\n", 1),
    );
    let events = d.join("events.csv");
    let ours = backtest_and_score(d, &config, &events);
    assert_eq!(ours.len(), 20000);
    let model: serde_json::Value = bt_model(d);
    assert_eq!((model["schema_version"].as_i64(), model["inputs"]["events_key_column"].as_str()), (Some(6), Some("Email")));
    assert!(blank.iter().all(|id| ours.contains_key(id)));
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &ours);
        assert!(sql.contains(" AS lead_key") && sql.contains("JOIN events_clean e ON e.lead_id = l.lead_key"), "{engine}: {sql}");
    }
}

/// `[input] time_zone = "Europe/Berlin"`: the sample's times taken as Berlin's wall clock.
/// Creation dates written so (as a Salesforce report writes them) beside event times as
/// the instants they are, in UTC ending in Z (as its API writes them): the events are
/// moved back onto the wall clock, daylight saving included, so the model trains the
/// plain sample's points and scores as it does, from the scorer and from SQL on SQLite,
/// DuckDB and PostgreSQL (whose queries carry the zone's offsets, needing no time zone
/// support of their own). Without the setting, validate names it and the windows are
/// off by an hour or two: other points or other scores. The other way round, creation
/// in Unix milliseconds (an API's) and the events on the wall clock, scores alike too,
/// each lead in its wall-clock month.
#[test]
fn instants_moved_onto_the_time_zone_score_as_the_plain_sample_in_the_scorer_and_sql() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = repo_root().join("notebooks-data");
    let (with_events, config, plain) = plain_sample(d);
    let model = || -> serde_json::Value { bt_model(d) };
    let plain_model = model();
    let on_berlin = |text: String| text.replacen("[input]\n", "[input]\ntime_zone = \"Europe/Berlin\"\n", 1);

    let events = d.join("events.csv");
    berlin_utc_copy(&data.join("events.csv"), &events, 1);
    assert!(std::fs::read_to_string(&events).unwrap().contains("L0000001,2023-11-15T17:22:01Z,blog_visit"), "CET, an hour ahead");
    write(d, "mqlcal.toml", with_events(&events));
    let (code, out, err) = run_in(d, &["validate", "--config", config.to_str().unwrap()]);
    assert!(code == 0 && out.contains("are marked UTC") && out.contains("set [input] time_zone to the zone they are written in"), "{out}{err}");
    std::fs::remove_dir_all(d.join("bt")).unwrap();
    let unzoned = backtest_and_score(d, &config, &events);
    assert!(model()["signals"] != plain_model["signals"] || unzoned != plain, "an hour or two off moves events across windows");

    write(d, "mqlcal.toml", on_berlin(with_events(&events)));
    let (code, out, err) = run_in(d, &["validate", "--config", config.to_str().unwrap()]);
    assert!(code == 0 && !out.contains("zone's offset"), "the setting says which clock: {out}{err}");
    std::fs::remove_dir_all(d.join("bt")).unwrap();
    let moved = backtest_and_score(d, &config, &events);
    let moved_model = model();
    assert_eq!((moved_model["schema_version"].as_u64(), &moved_model["inputs"]["time_zone"]), (Some(7), &serde_json::json!("Europe/Berlin")));
    assert_eq!(moved_model["inputs"]["event_columns"]["occurred_at_format"], "iso_zoned", "Z read as an instant");
    assert_eq!(moved_model["signals"], plain_model["signals"], "the same wall clock trains the same points");
    assert!(moved == plain, "and scores the same");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &events, &moved);
        // 2024-03-31 01:00 UTC, when Berlin's clocks went to summer time.
        assert!(sql.contains("events_text_on_clock") && sql.contains("1711846800"), "{engine}: the offsets are in the query");
    }

    // Creation as Unix milliseconds, events on the wall clock.
    times_copy(&data.join("leads.csv"), &d.join("leads.csv"), 1, |_, wall| (berlin_instant(wall).and_utc().timestamp() * 1000).to_string());
    write(d, "mqlcal.toml", on_berlin(with_events(&data.join("events.csv"))));
    std::fs::remove_dir_all(d.join("bt")).unwrap();
    let moved = backtest_and_score(d, &config, &data.join("events.csv"));
    let moved_model = model();
    assert_eq!(moved_model["inputs"]["created_at_format"], "unix_ms");
    assert_eq!(moved_model["signals"], plain_model["signals"], "each lead in its wall-clock cohort: the same points");
    assert!(moved == plain, "and scores the same");
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads.csv", &data.join("events.csv"), &moved);
        assert!(sql.contains("leads_text_on_clock") && !sql.contains("events_text_on_clock"), "{engine}: only the creation times are moved");
    }
}

/// A region code the CRM writes `2` and pandas `2.0` (a column with blanks written as
/// floats): the query of a model fitted on the first export scores the second as
/// `mqlcal score` scores the first, on every engine, and on DuckDB with the columns typed
/// as its loader types them (the region a DOUBLE, which it casts to text as `2.0`).
#[test]
fn sql_counts_a_whole_number_level_written_2_or_2_0_on_every_engine() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = whole_number_codes(d);
    let events = d.join("events.csv");
    let ours = backtest_and_score(d, &config, &events);
    for engine in SQL_ENGINES {
        let sql = sql_scores_match(d, engine, "leads_float.csv", &events, &ours);
        assert!(sql.contains("'2', '2.0'") && sql.contains("'12', '12.0'"), "{engine}: each level and its other form");
    }
    let (code, _, err) = run_in(d, &["export", "--model", "bt/model.json", "--sql", "--dialect", "duckdb", "--dates", "iso", "-o", "typed.sql"]);
    assert_eq!(code, 0, "{err}");
    for leads in ["leads.csv", "leads_float.csv"] {
        let output = run_sql_file(d, "duckdb_typed", "typed.sql", leads, &events, "typed.csv");
        assert_sql_rows_are(&output, "duckdb_typed", &ours);
    }
}
