//! End-to-end: faults a bad-input corpus found where mqlcal exited 0 with a
//! wrong result. Each test failed before its fix.

mod common;

use common::*;
use serde_json::Value;

/// A model with no threshold and no override exports valid SQL: `mql` is NULL, not `CASE ELSE NULL END`.
#[test]
fn a_model_without_threshold_exports_valid_sql() {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["fit", "-o", "m.json"]);
    assert_eq!(code, 0, "{err}");
    let model: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("m.json")).unwrap()).unwrap();
    assert!(model.get("threshold").is_none());
    for dialect in ["ansi", "duckdb", "postgres", "sqlite", "bigquery", "snowflake", "spark"] {
        let out = format!("score.{dialect}.sql");
        let (code, _, err) = run_in(dir.path(), &["export", "--model", "m.json", "--sql", "--dialect", dialect, "-o", &out]);
        assert_eq!(code, 0, "{dialect}: {err}");
        let sql = std::fs::read_to_string(dir.path().join(&out)).unwrap();
        assert!(!sql.contains("CASE ELSE"), "{dialect}: {sql}");
        assert!(sql.contains("CAST(NULL AS INTEGER) AS mql"), "{dialect}");
    }
    // SQLite parses it (the query plan needs only the tables to exist).
    let script = format!(
        "import sqlite3\nc = sqlite3.connect(':memory:')\nc.execute('CREATE TABLE leads (lead_id TEXT, created_at TEXT, title_seniority TEXT, company_size TEXT, industry TEXT, country TEXT, email_domain_type TEXT)')\nc.execute('CREATE TABLE events (lead_id TEXT, occurred_at TEXT, activity TEXT)')\nc.execute('EXPLAIN ' + open({:?}).read().rstrip().rstrip(';'))\nprint('ok')\n",
        dir.path().join("score.sqlite.sql").to_str().unwrap()
    );
    let out = std::process::Command::new("python3").args(["-c", &script]).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Points scales that would overflow integer sums are refused where they enter.
#[test]
fn absurd_points_are_refused_not_wrapped() {
    let dir = sample_workdir();
    let sample = std::fs::read_to_string(repo_root().join("notebooks-data/mqlcal.toml")).unwrap();
    let data = repo_root().join("notebooks-data");
    let text = sample
        .replace("leads = \"leads.csv\"", &format!("leads = {:?}", data.join("leads.csv").to_str().unwrap()))
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("current = \"current_points.toml\"", "max_points = 1e300");
    let config = write(dir.path(), "huge.toml", text);
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", config.to_str().unwrap(), "-o", "m.json"]);
    assert_ne!(code, 0);
    assert!(err.contains("[model] max_points = 1e300: expected a number > 0 and at most 1000000"), "{err}");

    // A model file with points at i64::MAX is refused by every reader.
    let (code, _, err) = run_in(dir.path(), &["fit", "-o", "ok.json"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("ok.json")).unwrap();
    let mut model: Value = serde_json::from_str(&text).unwrap();
    model["signals"][0]["points"] = Value::from(i64::MAX);
    write(dir.path(), "bad.json", serde_json::to_string_pretty(&model).unwrap());
    let leads = data.join("leads.csv");
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "bad.json", "--leads", leads.to_str().unwrap(), "-o", "s.csv"]);
    assert_ne!(code, 0);
    assert!(err.contains("points must lie within ±1000000000"), "{err}");
    assert!(!dir.path().join("s.csv").exists());
}

/// A model listing the same signal twice is refused.
#[test]
fn a_model_listing_a_signal_twice_is_refused() {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["fit", "-o", "ok.json"]);
    assert_eq!(code, 0, "{err}");
    let mut model: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("ok.json")).unwrap()).unwrap();
    let first = model["signals"][0].clone();
    model["signals"].as_array_mut().unwrap().push(first);
    write(dir.path(), "twice.json", serde_json::to_string(&model).unwrap());
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "twice.json", "--sql"]);
    assert_ne!(code, 0);
    assert!(err.contains("is listed twice"), "{err}");
}

/// One absurd creation date is an error naming the file, line and column, not a cohort "9999-Q4".
#[test]
fn absurd_dates_are_errors_not_cohorts() {
    for (date, shown) in [("9999-12-31", "9999-12-31 00:00:00"), ("1900-01-01", "1900-01-01 00:00:00")] {
        let dir = small_project();
        write(dir.path(), "leads.csv", format!("{SMALL_LEADS}a6,{date},Lost,paid,VP,1\n"));
        let (code, _, err) = run_in(dir.path(), &["fit", "--config", "mqlcal.toml", "-o", "m.json"]);
        assert_ne!(code, 0, "{date}");
        assert!(err.contains("leads.csv: row 6 (line 7), column \"created\": creation date"), "{date}: {err}");
        assert!(err.contains(shown) && err.contains("outside the plausible range 1990-01-01"), "{date}: {err}");
        assert!(!dir.path().join("m.json").exists());
    }
}

/// A window of 0 days and an activity the data never has are named, not accepted silently.
#[test]
fn empty_windows_and_unknown_activities_are_named() {
    let dir = small_project();
    write(dir.path(), "zero.toml", SMALL_CONFIG.replace("window_days = 10", "window_days = 0"));
    let (code, _, err) = run_in(dir.path(), &["validate", "--config", "zero.toml"]);
    assert_ne!(code, 0);
    assert!(err.contains("[events] window_days = 0: expected 1 to 3650 days"), "{err}");

    write(dir.path(), "typo.toml", SMALL_CONFIG.replace("activity = \"demo_request\"", "activity = [\"demo_request\", \"demo_requets\"]"));
    let (_, out, err) = run_in(dir.path(), &["validate", "--config", "typo.toml"]);
    assert!(format!("{out}{err}").contains("no event has the activity \"demo_requets\" that a signal counts"), "{out}{err}");
}

/// Small levels that separate the outcomes by chance are one grouped line, not a leakage alarm each.
#[test]
fn small_separations_are_one_grouped_line() {
    let dir = sample_workdir();
    let mut rng = Rng(3);
    let mut csv = String::from("id,created,stage,size,tiny\n");
    for i in 0..3000 {
        let tiny = if i % 100 == 0 { format!("rare{}", i % 7) } else { "common".into() };
        let size = rng.next() * 10.0;
        let won = tiny == "common" && rng.next() < if size > 5.0 { 0.3 } else { 0.1 };
        csv.push_str(&format!("L{i},2024-{:02}-{:02},{},{size:.2},{tiny}\n", 1 + i % 12, 1 + i % 27, if won { "won" } else { "lost" }));
    }
    write(dir.path(), "leads.csv", csv);
    monthly_config(
        dir.path(),
        "[[signals]]\nname = \"size\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"size\"\n\
         [[signals]]\nname = \"tiny\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"tiny\"\nlevels = [\"rare0\", \"rare1\", \"rare2\", \"rare3\"]\n",
    );
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", "c.toml", "-o", "m.json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("separate")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("4 small signals or levels") && lines[0].contains("by chance, not leakage"), "{err}");
}

/// A revenue column written as money (`$1,234,567`), about half its leads' amounts unique,
/// the rest a few round ones, outcomes drawn apart from it: ranked by amount, not by each
/// amount's own win rate (which "separated" the unique ones by construction, AUC 0.87), so
/// it is no leakage suspect. An amount set far higher for won leads still is one.
#[test]
fn money_columns_are_ranked_by_amount_for_leakage() {
    let dir = sample_workdir();
    let mut rng = Rng(11);
    let mut csv = String::from("id,created,stage,annual_revenue,spend\n");
    let round = ["$0", "$1,000,000", "$5,000,000", "$10,000,000", "$250,000"];
    for i in 0..3000 {
        let won = rng.next() < 0.2;
        let revenue = if rng.next() < 0.48 {
            format!("\"${}\"", grouped(1_000 + (rng.next() * 99_000_000.0) as u64))
        } else {
            format!("\"{}\"", round[(rng.next() * 5.0) as usize])
        };
        let spend = if won { 20_000.0 + 70_000.0 * rng.next() } else { 5_000.0 * rng.next() };
        csv.push_str(&format!(
            "L{i},2024-{:02}-{:02},{},{revenue},\"USD {}.{:02}\"\n",
            1 + i % 12,
            1 + i % 27,
            if won { "won" } else { "lost" },
            grouped(spend as u64),
            (spend.fract() * 100.0) as u64
        ));
    }
    write(dir.path(), "leads.csv", csv);
    monthly_config(dir.path(), "[[signals]]\nname = \"revenue_known\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"annual_revenue\"\nequals = [\"$0\"]\n");
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", "c.toml", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let suspects = report["leakage_suspects"].to_string();
    assert!(!suspects.contains("annual_revenue"), "{suspects}");
    assert!(suspects.contains("\"spend\"") && suspects.contains("nearly separates"), "{suspects}");
}

/// A copy of the sample, which validates without saying any of `phrases`.
fn sample_that_says_none_of(phrases: &[&str]) -> tempfile::TempDir {
    let dir = common::sample_copy();
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", "mqlcal.toml"]);
    let said = format!("{out}{err}");
    assert!(code == 0 && phrases.iter().all(|phrase| !said.contains(phrase)), "{said}");
    dir
}

/// An activity renamed in the marketing tool (webinar_registration becomes "Webinar:
/// Registered" on 2025-04-01) and one tracked only from a month on (case_study_download
/// from 2024-07): validate names each signal that counts them, with the months, the share
/// of leads that had it on the other side and what to do; the review's cautions carry the
/// first, and init's draft notes the old name and the new. The plain sample says none of
/// it, nor does a gap in the whole events file.
#[test]
fn activities_recorded_part_of_the_time_are_said() {
    let dir = sample_that_says_none_of(&["who did other activities"]);
    let d = dir.path();
    let events = std::fs::read_to_string(d.join("events.csv")).unwrap();
    let rewritten: String = events
        .lines()
        .filter(|line| !line.contains(",case_study_download") || line.split(',').nth(1).unwrap() >= "2024-07")
        .map(|line| {
            let renamed = line.split(',').nth(1).unwrap() >= "2025-04" && line.ends_with(",webinar_registration");
            format!("{}\n", if renamed { line.replace(",webinar_registration", ",Webinar: Registered") } else { line.to_string() })
        })
        .collect();
    std::fs::write(d.join("events.csv"), rewritten).unwrap();
    let (code, out, err) = run_in(d, &["validate", "--config", "mqlcal.toml"]);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(said.contains("warning: activities no signal counts: Webinar: Registered ("), "{said}");
    assert!(
        said.contains("signal \"webinar\" (activity \"webinar_registration\") counted an event for ")
            && said.contains(" % of the leads created up to 2025-03 and for none since (")
            && said.contains("to 2025-12, who did other activities): the activity renamed, or no longer tracked?"),
        "{said}"
    );
    // Its new name, which no signal counts, begins as it ends: paired, with the list that counts both.
    let renamed_events = std::fs::read_to_string(d.join("events.csv")).unwrap().lines().filter(|l| l.ends_with(",Webinar: Registered")).count();
    let listed = said.split("activities no signal counts: Webinar: Registered (").nth(1).unwrap().split(')').next().unwrap().parse::<usize>().unwrap();
    assert!(listed > 0 && listed <= renamed_events, "{listed} of {renamed_events}");
    assert!(
        said.contains(&format!("leave it out of [[signals]]. It ends as \"Webinar: Registered\" (no signal counts it: {listed} events in windows) begins: if they are one activity renamed, count both in one signal: activity = [\"webinar_registration\", \"Webinar: Registered\"]")),
        "{said}"
    );
    assert!(!said.contains("It ends as \"case_study"), "{said}");
    assert!(
        said.contains("signal \"case_study\" (activity \"case_study_download\") counts no event for any lead created before 2024-06 (")
            && said.contains("from 2024-01, who did other activities), and for ")
            && said.contains("Fit on the cohorts since then ([model] training_cohorts)"),
        "{said}"
    );
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(summary["before_deciding"].to_string().contains("Signal \\\"webinar\\\" counts an activity recorded for only part of the time"), "{}", summary["before_deciding"]);
    // init's draft notes both names: the old one until March, the new one since April.
    let (code, _, err) = run_in(d, &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", "draft.toml"]);
    assert_eq!(code, 0, "{err}");
    let draft = std::fs::read_to_string(d.join("draft.toml")).unwrap();
    assert!(draft.contains("# RECORDED PART OF THE TIME \"webinar_registration\": counted an event for ") && draft.contains("of the leads created up to 2025-03 and for none since ("), "{draft}");
    assert!(draft.contains("# RECORDED PART OF THE TIME \"Webinar: Registered\": counts no event for any lead created before 2025-0"), "{draft}");
    assert!(draft.contains("It ends as \"Webinar: Registered\" begins: if they are one activity renamed, count both in one signal: activity = [\"webinar_registration\", \"Webinar: Registered\"]"), "{draft}");
    let (_, _, err) = run_in(d, &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", "draft2.toml"]);
    assert!(err.contains("review the GUESS and RECORDED PART OF THE TIME lines"), "{err}");

    // Every activity gone for the last months (an events file cut short): the file's gap, not the activity's.
    let events = std::fs::read_to_string(common::repo_root().join("notebooks-data/events.csv")).unwrap();
    let cut: String = events.lines().filter(|line| line.split(',').nth(1).unwrap() < "2025-04").map(|line| format!("{line}\n")).collect();
    std::fs::write(d.join("events.csv"), cut).unwrap();
    let (_, out, err) = run_in(d, &["validate", "--config", "mqlcal.toml"]);
    assert!(!format!("{out}{err}").contains("who did other activities"), "{out}{err}");
}

/// A picklist value renamed (industry "healthcare" becomes "Life Sciences & Health" for
/// the leads created from 2025-04): validate names the signal whose level counts the old
/// name only, with both names' months and shares and the spellings that count both; with
/// them, the fit is the plain sample's. init drafts the two names as one level, saying
/// why; its draft validates without the warning. The plain sample says none of it.
#[test]
fn a_picklist_value_renamed_is_said_and_drafted_as_one_level() {
    let dir = sample_that_says_none_of(&["a picklist value renamed"]);
    let d = dir.path();
    let (header, mut leads) = read_csv(&d.join("leads.csv"));
    let industry = header.iter().position(|h| h == "industry").unwrap();
    let (mut before, mut valued_before, mut renamed, mut valued_since) = (0, 0, 0, 0);
    for lead in &mut leads {
        let since = lead[1].as_str() >= "2025-04";
        let valued = !lead[industry].is_empty();
        match since {
            false => valued_before += usize::from(valued),
            true => valued_since += usize::from(valued),
        }
        if lead[industry] == "healthcare" {
            match since {
                false => before += 1,
                true => {
                    lead[industry] = "Life Sciences & Health".into();
                    renamed += 1;
                }
            }
        }
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let (code, out, err) = run_in(d, &["validate", "--config", "mqlcal.toml"]);
    assert_eq!(code, 0, "{err}");
    let expected = format!(
        "warning: signal \"industry\" reads \"industry\": \"healthcare\" was the value of {:.1} % of the leads created up to 2025-03 and of none since, as \"Life Sciences & Health\" begins ({renamed} leads from 2025-04, {:.1} % of those since, none before): a picklist value renamed? Levels match exactly: its level \"healthcare\" counts \"healthcare\" only, so every lead since scores as the baseline for it: if it is the same, count it as the level: spellings = {{ healthcare = [\"Life Sciences & Health\"] }}",
        100.0 * before as f64 / valued_before as f64,
        100.0 * renamed as f64 / valued_since as f64
    );
    assert!(out.contains(&expected), "{expected}\n{out}");
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(summary["before_deciding"].to_string().contains("one of whose values looks renamed"), "{}", summary["before_deciding"]);

    // The spellings it gives: the plain sample's fit, and nothing said.
    let fit = |dir: &std::path::Path| -> Value {
        let (code, out, err) = run_in(dir, &["fit", "--config", "mqlcal.toml", "--json"]);
        assert_eq!(code, 0, "{err}");
        let fit: Value = serde_json::from_str(&out).unwrap();
        fit["signals"].clone()
    };
    let config = std::fs::read_to_string(d.join("mqlcal.toml")).unwrap();
    let levels = "levels = [\"software\", \"financial services\", \"healthcare\", \"education\", \"government\"]\n";
    assert!(config.contains(levels));
    write(d, "mqlcal.toml", config.replace(levels, &format!("{levels}spellings = {{ healthcare = [\"Life Sciences & Health\"] }}\n")));
    let (_, out, _) = run_in(d, &["validate", "--config", "mqlcal.toml"]);
    assert!(!out.contains("a picklist value renamed"), "{out}");
    let plain = common::sample_copy();
    assert_eq!(fit(d), fit(plain.path()));
    // Both names as levels of their own: each weighed on its own months; said, with the fix.
    let two = config.replace(levels, "levels = [\"software\", \"financial services\", \"healthcare\", \"Life Sciences & Health\", \"education\", \"government\"]\n");
    write(d, "two.toml", two);
    let (_, out, _) = run_in(d, &["validate", "--config", "two.toml"]);
    assert!(
        out.contains("it counts them as two levels, \"healthcare\" and \"Life Sciences & Health\", each weighed on its own months (what changed between them, drift included, reads as who the leads are); leave \"healthcare\" out of levels: if it is the same, count it as the level: spellings = { \"Life Sciences & Health\" = [\"healthcare\"] }"),
        "{out}"
    );

    // init: one level under the new name, the old among its spellings.
    let (code, _, err) = run_in(d, &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", "draft.toml"]);
    assert_eq!(code, 0, "{err}");
    let draft = std::fs::read_to_string(d.join("draft.toml")).unwrap();
    assert!(draft.contains("\"Life Sciences & Health\" = [\"healthcare\"]   # GUESS: \"healthcare\" renamed \"Life Sciences & Health\" in 2025-04\n"), "{draft}");
    assert!(draft.contains("a picklist value renamed? Drafted as one level, \"Life Sciences & Health\", with \"healthcare\" among its spellings: production writes the new name"), "{draft}");
    let (_, out, _) = run_in(d, &["validate", "--config", "draft.toml"]);
    assert!(!out.contains("a picklist value renamed"), "{out}");
    let (code, _, err) = run_in(&common::repo_root().join("notebooks-data"), &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", d.join("plain.toml").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!std::fs::read_to_string(d.join("plain.toml")).unwrap().contains("renamed"));
}

/// A field added to the form (industry, blank on every lead created before 2025-01) and
/// one no longer filled in (title, blank on every lead since 2025-07): validate names
/// each signal that reads them with the months and what to do, the review's cautions
/// carry them, and init's draft notes them. The plain sample says none of it.
#[test]
fn fields_captured_part_of_the_time_are_said() {
    let dir = sample_that_says_none_of(&["part of the time", "a field added"]);
    let d = dir.path();
    let leads = std::fs::read_to_string(d.join("leads.csv")).unwrap();
    let header: Vec<&str> = leads.lines().next().unwrap().split(',').collect();
    let (created, industry, title) = (0..header.len()).fold((0, 0, 0), |(c, i, t), k| match header[k] {
        "created_at" => (k, i, t),
        "industry" => (c, k, t),
        "title_seniority" => (c, i, k),
        _ => (c, i, t),
    });
    let blank_industry = leads.lines().skip(1).filter(|line| line.split(',').nth(created).unwrap() < "2025-01").count();
    let rewritten = map_rows(&leads, |_, line| {
        let mut fields: Vec<&str> = line.split(',').collect();
        if fields[created] < "2025-01" {
            fields[industry] = "";
        }
        if fields[created] >= "2025-07" {
            fields[title] = "";
        }
        fields.join(",")
    });
    std::fs::write(d.join("leads.csv"), rewritten).unwrap();
    let (code, out, err) = run_in(d, &["validate", "--config", "mqlcal.toml"]);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains(&format!("signal \"industry\" reads \"industry\": it is blank on every lead created before 2025-01 ({blank_industry} leads, from 2024-01) and filled on 100 % of those since: a field added to the form or the CRM then?"))
            && said.contains("Fit on the cohorts since then ([model] training_cohorts), or leave it out of [[signals]]"),
        "{said}"
    );
    assert!(
        said.contains("signal \"title\" reads \"title_seniority\": it is filled on 100 % of leads created up to 2025-06 and blank on every one since (")
            && said.contains("to 2025-12): a field no longer filled in?"),
        "{said}"
    );
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    let before = summary["before_deciding"].to_string();
    assert!(before.contains("Signal \\\"industry\\\" reads \\\"industry\\\", which was captured for only part of the time"), "{before}");
    let (code, _, err) = run_in(d, &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", "draft.toml"]);
    assert_eq!(code, 0, "{err}");
    let draft = std::fs::read_to_string(d.join("draft.toml")).unwrap();
    assert!(draft.contains("# CAPTURED PART OF THE TIME \"industry\": it is blank on every lead created before 2025-01"), "{draft}");
}


/// `c.toml` for a `leads.csv` of id, created, stage (won or lost) and other columns, in
/// monthly cohorts of 2024, alpha 1, with `signals`.
fn monthly_config(dir: &std::path::Path, signals: &str) {
    let head = "[input]\nleads = \"leads.csv\"\nas_of = \"2024-12-31\"\n[columns]\nid = \"id\"\ncreated_at = \"created\"\noutcome = \"stage\"\n\
                [outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\n[cohorts]\nperiod = \"month\"\n[model]\nalpha = 1\n";
    write(dir, "c.toml", format!("{head}{signals}"));
}

/// 1234567 as "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn hidden_work_folders(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".mqlcal-"))
        .collect()
}

/// SIGTERM or SIGINT during a run removes its staging folder; a SIGKILLed run's leftovers
/// are removed by the next run; --force replaces a run in one step.
#[test]
fn interrupted_runs_leave_nothing_and_force_swaps_whole_runs() {
    for signal in ["-TERM", "-INT"] {
        let dir = sample_workdir();
        let mut child = bin().args(["recalibrate", "--out", "run"]).current_dir(dir.path()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        // Wait until the staging folder exists, then interrupt.
        let started = std::time::Instant::now();
        while hidden_work_folders(dir.path()).is_empty() && started.elapsed().as_secs() < 30 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!hidden_work_folders(dir.path()).is_empty(), "the run never staged");
        std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "{signal}");
        assert_eq!(hidden_work_folders(dir.path()), Vec::<String>::new(), "{signal} left debris");
        assert!(!dir.path().join("run").exists());
    }

    let dir = sample_workdir();
    std::fs::create_dir(dir.path().join(".mqlcal-run-999999999-abc")).unwrap();
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(".mqlcal-run-999999999-abc, left by a run that was killed"), "{err}");
    let first = std::fs::read(dir.path().join("run/model.json")).unwrap();
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--out", "run", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(dir.path().join("run/model.json")).unwrap(), first, "same inputs, same model bytes");
    assert!(dir.path().join("run/report/report.html").exists());
    assert_eq!(hidden_work_folders(dir.path()), Vec::<String>::new());
}

/// Shell completions and the man page come from the same clap definitions as --help.
#[test]
fn completions_and_man_page() {
    let dir = sample_workdir();
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = run_in(dir.path(), &["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("mqlcal") && out.contains("recalibrate") && out.contains("min-level-count"), "{shell}");
    }
    let (code, out, err) = run_in(dir.path(), &["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(".ie") || out.contains(".TH mqlcal"), "{}", &out[..200.min(out.len())]);
    assert!(out.contains("recalibrate"));
    let (code, _, err) = run_in(dir.path(), &["completions", "tcsh"]);
    assert_ne!(code, 0);
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
}

/// A typed Parquet date column (what `mqlcal features` writes, what a warehouse exports) is read by every stage.
#[test]
fn typed_parquet_dates_are_read_everywhere() {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["features", "-o", "features.parquet"]);
    assert_eq!(code, 0, "{err}");
    let sample = std::fs::read_to_string(repo_root().join("notebooks-data/mqlcal.toml")).unwrap();
    let sales = sample.split("[sales]").nth(1).map(|s| format!("[sales]{}", s.split("\n[").next().unwrap())).unwrap_or_default();
    write(
        dir.path(),
        "typed.toml",
        format!(
            "[input]\nleads = \"features.parquet\"\n[columns]\nid = \"lead_id\"\ncreated_at = \"created_at\"\noutcome = \"outcome\"\n\
             [outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\nopen = [\"open\"]\n[model]\nalpha = 1\n{sales}\n[backtest]\nwalk_forward = false\nbootstrap_resamples = 1000\n\
             [[signals]]\nname = \"demo\"\naxis = \"engagement\"\nkind = \"count\"\ncolumn = \"demo_request\"\n\
             [[signals]]\nname = \"pricing\"\naxis = \"engagement\"\nkind = \"count\"\ncolumn = \"pricing_page\"\n\
             [[signals]]\nname = \"vp\"\naxis = \"fit\"\nkind = \"count\"\ncolumn = \"title=vp\"\n"
        ),
    );
    for args in [
        vec!["validate", "--config", "typed.toml"],
        vec!["features", "--config", "typed.toml", "-o", "again.csv"],
        vec!["fit", "--config", "typed.toml", "-o", "m.json"],
        vec!["backtest", "--config", "typed.toml", "--out", "bt"],
        vec!["report", "--config", "typed.toml", "--out", "rep"],
        vec!["recalibrate", "--config", "typed.toml", "--out", "run"],
    ] {
        let (code, out, err) = run_in(dir.path(), &args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
}
