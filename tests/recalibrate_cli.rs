//! End-to-end: `mqlcal recalibrate` with no arguments (the README's main command)
//! on the bundled sample. Every output it lists exists, and they agree with each
//! other: the model file's threshold is the report's, the summary's and the
//! backtest's; the exported SQL run on SQLite and DuckDB gives `mqlcal score`'s
//! scores, MQL flags and tiers for every lead. Re-running needs --force and gives
//! the same model file bytes; a failed run leaves nothing behind.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const RUN_DIR: &str = "reports/notebooks-data-2025-Q3";

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn recalibrate_on_the_sample_writes_consistent_outputs() {
    let dir = sample_workdir();
    let (code, stdout, stderr) = run_in(dir.path(), &["recalibrate"]);
    assert_eq!(code, 0, "{stderr}");
    let run = dir.path().join(RUN_DIR);

    // Plain progress lines (stderr is not a terminal here), one per stage, with timings.
    for (k, stage) in ["read leads and events", "validate", "fit", "backtest", "charts and report", "model file and exports", "tables"]
        .iter()
        .enumerate()
    {
        assert!(stderr.contains(&format!("[{}/7] {stage}: ", k + 1)), "stage {stage} reported:\n{stderr}");
    }
    assert!(stderr.contains("stage times: "), "{stderr}");

    // Every listed output exists; the listing covers the main files.
    let summary = json(&run.join("summary.json"));
    let files: Vec<&str> = summary["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for f in &files {
        assert!(dir.path().join(f).is_file(), "{f} listed but missing");
        assert!(stdout.contains(f), "the printed summary lists {f}");
    }
    for expected in [
        "model.json",
        "summary.json",
        "report/report.html",
        "report/report.md",
        "report/thresholds.png",
        "report/reliability.svg",
        "exports/score.sqlite.sql",
        "exports/score.duckdb.sql",
        "exports/score.postgres.sql",
        "exports/score.bigquery.sql",
        "exports/score.snowflake.sql",
        "exports/score.spark.sql",
        "exports/score.ansi.sql",
        "exports/model.pmml",
        "tables/thresholds.csv",
        "tables/thresholds.parquet",
        "tables/walk_forward.csv",
        "tables/comparison.csv",
        "tables/backtest.json",
        "tables/fit.json",
        "tables/validate.json",
    ] {
        let path = format!("{RUN_DIR}/{expected}");
        assert!(files.contains(&path.as_str()), "{path} is among the outputs: {files:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("reports")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "only the run directory, no staging folder: {leftovers:?}");

    // One threshold everywhere: model file, summary, backtest tables, report, stdout.
    let model = json(&run.join("model.json"));
    let threshold = model["threshold"].as_i64().expect("the model file has a threshold");
    assert_eq!(summary["recommended"]["threshold"].as_i64(), Some(threshold));
    assert_eq!(model["hot_threshold"], summary["recommended"]["hot_threshold"]);
    let backtest = json(&run.join("tables/backtest.json"));
    assert_eq!(backtest["recommendation"]["threshold"].as_i64(), Some(threshold));
    let html = std::fs::read_to_string(run.join("report/report.html")).unwrap();
    assert!(html.contains(&format!("Set the MQL threshold at {threshold} points")), "the report recommends the model's threshold");
    assert!(stdout.contains(&format!("Recommended MQL threshold: {threshold} points")), "{stdout}");
    // The backtest's cautions that no other line of the terminal says are there too, as
    // summary.json and the report list them (the sample's: the bootstrap's edge).
    let before: Vec<&str> = summary["before_deciding"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let edge = before.iter().find(|c| c.starts_with("The threshold sits close to the limits")).expect("the sample's edge caution");
    // The report's key figure shows the month capacity is judged on beside the mean.
    let md = std::fs::read_to_string(run.join("report/report.md")).unwrap();
    assert!(md.contains("**MQLs a month: 123** (capacity 130; 75th-percentile month 130)"), "{md}");
    // So do the terminal and summary.json.
    assert!(stdout.contains("(capacity 130; 75th-percentile month 130)"), "{stdout}");
    assert_eq!(summary["recommended"]["capacity_judged_on"], serde_json::json!(["the 75th-percentile month", 130.0]));
    assert!(stdout.contains(&format!("Before deciding (the backtest):\n  - {edge}")), "{stdout}");
    let (header, rows) = read_csv(&run.join("tables/thresholds.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let recommended: Vec<&Vec<String>> = rows.iter().filter(|r| r[col("recommended")] == "true").collect();
    assert_eq!(recommended.len(), 1);
    assert_eq!(recommended[0][col("threshold")], threshold.to_string());
    let per_month: f64 = recommended[0][col("mqls_per_month")].parse().unwrap();
    let summary_per_month = summary["recommended"]["mqls_per_month"]["value"].as_f64().unwrap();
    assert!((per_month - summary_per_month).abs() < 1e-9);
    let (low, high) = (
        summary["recommended"]["mqls_per_month"]["low"].as_f64().unwrap(),
        summary["recommended"]["mqls_per_month"]["high"].as_f64().unwrap(),
    );
    assert!(low <= per_month && per_month <= high, "interval {low}-{high} holds {per_month}");
    assert!(summary["versus_current"]["summary"].as_str().unwrap().contains("current model"));
    assert!(!summary["top_signals"].as_array().unwrap().is_empty());
    assert_eq!(json(&run.join("tables/fit.json"))["alpha_chosen_by"], "auto");
    let pmml = std::fs::read_to_string(run.join("exports/model.pmml")).unwrap();
    roxmltree::Document::parse(&pmml).expect("the PMML is well-formed XML");

    // The SQL exports score like the scorer, lead for lead.
    let data = repo_root().join("notebooks-data");
    let (leads, events) = (data.join("leads.csv"), data.join("events.csv"));
    let model_path = run.join("model.json");
    let (code, _, err) = run_in(
        dir.path(),
        &["score", "--model", model_path.to_str().unwrap(), "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "scores.csv"],
    );
    assert_eq!(code, 0, "{err}");
    let ours = rows_by_id(&dir.path().join("scores.csv"));
    assert_eq!(ours.len(), 20000);
    // The files recalibrate wrote: SQLite's and DuckDB's run as they are, BigQuery's and
    // Snowflake's as sqlglot translates them onto DuckDB (PostgreSQL's: tests/export_interop.rs).
    for engine in ["sqlite", "duckdb", "bigquery", "snowflake"] {
        let query = run.join(format!("exports/score.{engine}.sql"));
        let output = run_sql_file(dir.path(), engine, query.to_str().unwrap(), leads.to_str().unwrap(), &events, &format!("{engine}.csv"));
        assert_sql_rows_are(&output, engine, &ours);
    }
    let mqls = ours.values().filter(|r| r[3] == "true").count();
    assert!(mqls > 0 && mqls < ours.len(), "the threshold splits the leads");

    // Re-running into the same directory needs --force, and changes nothing until then.
    let model_bytes = std::fs::read(&model_path).unwrap();
    let (code, _, err) = run_in(dir.path(), &["recalibrate"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&model_path).unwrap(), model_bytes);
    std::fs::write(run.join("stale.txt"), "from an older run").unwrap();
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--force", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&model_path).unwrap(), model_bytes, "same inputs, same model file bytes");
    assert!(!run.join("stale.txt").exists(), "--force replaces the run directory as a whole");
}

/// Today's model at the same volume wins as many deals: said in the terminal's summary
/// (it was only in the report), also when no threshold qualifies and the nearest option
/// stands (it was left out then).
#[test]
fn today_at_equal_volume_is_said_in_the_terminal_feasible_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(dir.path(), &["synth", "--leads", "12000", "--seed", "7", "--out", "s7"]);
    assert_eq!(code, 0, "{err}");
    let work = dir.path().join("s7");
    let (code, stdout, err) = run_in(&work, &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("Before deciding (the backtest):\n  - At the same volume, today's model (threshold 141) wins more deals than the recalibrated one (129 vs 127 won MQLs on the holdout)"), "{stdout}");
    // Its penalty search is flat: said, not a margin of "0.0000".
    assert!(stdout.contains("1.5e-5 better than the next alpha; every alpha from 1.000e-2 to 3.162 is within 0.001 of it: on these folds the penalty barely matters"), "{stdout}");
    let config = std::fs::read_to_string(work.join("mqlcal.toml")).unwrap();
    let tight: String = config
        .lines()
        .map(|l| match l.split(" = ").next() {
            Some("capacity_per_month") => "capacity_per_month = 2".to_string(),
            Some("hot_capacity_per_month") => "hot_capacity_per_month = 1".to_string(),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(&work, "tight.toml", tight);
    let (code, stdout, err) = run_in(&work, &["recalibrate", "--config", "tight.toml", "--out", "run2"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("No threshold meets both"), "{stdout}");
    assert!(stdout.contains("  - At the same volume, today's model (threshold 287) wins more deals than the recalibrated one (9 vs 8 won MQLs on the holdout)"), "{stdout}");
    // Its walk-forward picks are nearest options too: marked in the report's table.
    let report = std::fs::read_to_string(work.join("run2/report/report.md")).unwrap();
    assert!(report.contains("A threshold marked \\* met capacity and band nowhere on its cohort: it is the nearest option.") && report.contains("| 757\\* |"), "{report}");
}

#[test]
fn recalibrate_refuses_a_run_directory_holding_an_input_and_leaves_nothing_when_a_stage_fails() {
    let dir = sample_workdir();
    let data = repo_root().join("notebooks-data");
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("leads = \"leads.csv\"", &format!("leads = {:?}", data.join("leads.csv").to_str().unwrap()))
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("current = \"current_points.toml\"", &format!("current = {:?}", data.join("current_points.toml").to_str().unwrap()));
    std::fs::create_dir(dir.path().join("crm")).unwrap();
    let config_path = write(&dir.path().join("crm"), "mqlcal.toml", &config);

    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", config_path.to_str().unwrap(), "--out", "crm", "--force"]);
    assert_eq!(code, 2);
    assert!(err.contains("contains the input") && err.contains("mqlcal.toml"), "{err}");
    assert!(config_path.exists(), "the input is untouched");

    // More penalty folds than training cohorts allow: the fit stage fails after staging
    // began. (Holding out every cohort no longer gets that far: validate stops it.)
    let failing = write(&dir.path().join("crm"), "too-many-folds.toml", config.replace("[model]\n", "[model]\nalpha_folds = 20\n"));
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", failing.to_str().unwrap(), "--out", "reports/q"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[3/7] fit: failed") && err.contains("alpha_folds = 20"), "{err}");
    let held_out = write(&dir.path().join("crm"), "all-held-out.toml", config.replace("[model]\n", "[model]\nholdout_cohorts = 8\n"));
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", held_out.to_str().unwrap(), "--out", "reports/q"]);
    // The data's fault, as `validate` has it: exit code 1.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[2/7] validate: failed") && err.contains("holdout_cohorts = 8 leaves no training cohort"), "{err}");
    let (code, _, err) = run_in(dir.path(), &["validate", "--config", held_out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("reports")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "a failed run leaves no files: {left:?}");
}

/// Creation dates as Oracle writes them (`01-JAN-24`): recalibrate writes the SQL, which
/// reads them so, and says (terminal and summary.json) how to export the query for a
/// warehouse that holds them as DATE or TIMESTAMP columns. The plain sample says nothing of it.
#[test]
fn a_run_trained_on_dates_written_otherwise_says_how_to_export_for_typed_columns() {
    let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    let dir = common::sample_copy();
    let d = dir.path();
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "plain"]);
    assert!(code == 0 && !format!("{out}{err}").contains("--dates iso"), "{out}{err}");
    let leads = std::fs::read_to_string(d.join("leads.csv")).unwrap();
    let rewritten = map_rows(&leads, |_, line| {
        let mut fields: Vec<&str> = line.split(',').collect();
        let (year, month, day) = (&fields[1][2..4], &fields[1][5..7], &fields[1][8..10]);
        let date = format!("{day}-{}-{year}", months[month.parse::<usize>().unwrap() - 1]);
        fields[1] = &date;
        fields.join(",")
    });
    assert!(rewritten.lines().nth(1).unwrap().starts_with("L0000001,01-JAN-24,"));
    std::fs::write(d.join("leads.csv"), rewritten).unwrap();
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    let said = "the SQL exports read \"created_at\" (the pattern \"%d-%b-%y\") as the training files wrote them: for a warehouse that holds the dates as DATE or TIMESTAMP columns (or ISO text), export the query with `mqlcal export --model <this run>/model.json --sql --dates iso";
    assert!(format!("{out}{err}").contains(said), "{out}{err}");
    assert!(json(&d.join("run/summary.json"))["warnings"].to_string().contains("--sql --dates iso"));
    assert!(d.join("run/exports/score.duckdb.sql").exists());
}

/// Creation dates written as a run of digits and then a time (`20240105 00:00:00`, as
/// Oracle's `YYYYMMDD HH24:MI:SS` writes them), which `date_format = "%Y%m%d %H:%M:%S"`
/// reads but the SQL export cannot split (it splits numbers run together only when the
/// whole date is one run): the run finishes with its model, PMML, report and tables, says (terminal
/// and summary.json) why no SQL was written and what to export instead, and leaves no SQL
/// file. It used to fail at its last stage, after the fit and the backtest, leaving
/// nothing. `score` with that model file reads the dates and gives the plain sample's scores.
#[test]
fn dates_the_sql_cannot_read_leave_the_run_its_model_and_say_why_no_sql() {
    let plain = common::sample_copy();
    let dir = common::sample_copy();
    let d = dir.path();
    let leads = std::fs::read_to_string(d.join("leads.csv")).unwrap();
    let rewritten = map_rows(&leads, |_, line| {
        let mut fields: Vec<&str> = line.split(',').collect();
        let date = format!("{} 00:00:00", fields[1].replace('-', ""));
        fields[1] = &date;
        fields.join(",")
    });
    assert!(rewritten.lines().nth(1).unwrap().starts_with("L0000001,20240101 00:00:00,"), "{}", rewritten.lines().nth(1).unwrap());
    std::fs::write(d.join("leads.csv"), &rewritten).unwrap();
    let config = std::fs::read_to_string(d.join("mqlcal.toml")).unwrap();
    std::fs::write(d.join("mqlcal.toml"), config.replacen("date_format = \"auto\"", "date_format = \"%Y%m%d %H:%M:%S\"", 1)).unwrap();
    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{out}{err}");
    let said = "no SQL export written: the date pattern \"%Y%m%d %H:%M:%S\" has two parts with nothing between them, which the SQL export cannot split unless every part";
    assert!(format!("{out}{err}").contains(said), "{out}{err}");
    let exports: Vec<String> = std::fs::read_dir(d.join("run/exports")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(exports, vec!["model.pmml".to_string()]);
    let summary = json(&d.join("run/summary.json"));
    assert!(summary["warnings"].to_string().contains("no SQL export written"), "{}", summary["warnings"]);
    assert!(!summary["files"].to_string().contains(".sql"), "{}", summary["files"]);
    // The same leads scored with either run's model: the same scores.
    let (code, _, err) = run_in(plain.path(), &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    for (dir, leads) in [(plain.path(), "leads.csv"), (d, "leads.csv")] {
        let (code, _, err) = run_in(dir, &["score", "--model", "run/model.json", "--leads", leads, "--events", "events.csv", "-o", "scores.csv"]);
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(std::fs::read(d.join("scores.csv")).unwrap(), std::fs::read(plain.path().join("scores.csv")).unwrap());
}

