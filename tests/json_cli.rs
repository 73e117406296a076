//! Every subcommand that reports something can say it as JSON on standard
//! output (`--json`), for scripts and schedulers; a `--json` that would share
//! standard output with the data itself is refused with a clear message.

mod common;

use common::*;
use serde_json::Value;

fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    let (code, out, err) = run_in(dir, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

#[test]
fn every_reporting_subcommand_speaks_json() {
    let dir = sample_workdir();
    let d = dir.path();
    let data = repo_root().join("notebooks-data");
    let (leads, events) = (data.join("leads.csv"), data.join("events.csv"));
    let (leads, events) = (leads.to_str().unwrap(), events.to_str().unwrap());

    let v = json(d, &["synth", "--leads", "2000", "--out", "synth", "--json"]);
    assert_eq!(v["leads"], 2000);
    assert!(v["files"].as_array().unwrap().iter().any(|f| f.as_str().unwrap().ends_with("leads.csv")), "{v}");

    let v = json(d, &["init", "--leads", leads, "--events", events, "-o", "drafted.toml", "--json"]);
    assert!(v["output"].as_str().unwrap().ends_with("drafted.toml") && v["guesses"].is_array(), "{v}");

    let v = json(d, &["features", "-o", "features.csv", "--json"]);
    assert_eq!(v["leads"], 20000);
    assert_eq!(v["won"].as_u64().unwrap() + v["lost"].as_u64().unwrap() + v["open"].as_u64().unwrap(), 20000);
    assert!(v["signal_columns"].as_array().unwrap().len() > 10, "{v}");

    json(d, &["validate", "--json"]);
    json(d, &["fit", "-o", "model.json", "--json"]);
    let v = json(d, &["backtest", "--out", "bt", "--json"]);
    assert!(v["recommended"]["threshold"].is_i64(), "{v}");

    let v = json(d, &["report", "--out", "review", "--json"]);
    assert!(v["recommendation"].as_str().unwrap().len() > 40, "{v}");
    assert!(v["files"].as_array().unwrap().iter().any(|f| f.as_str().unwrap().ends_with("report.html")), "{v}");

    let v = json(d, &["score", "--model", "bt/model.json", "--leads", leads, "--events", events, "-o", "scores.csv", "--json"]);
    assert_eq!(v["leads"], 20000);
    assert!(v["mqls"].as_u64().unwrap() > 0 && v["hot"].as_u64().unwrap() <= v["mqls"].as_u64().unwrap(), "{v}");

    let v = json(d, &["export", "--model", "bt/model.json", "--sql", "--dialect", "duckdb", "-o", "score.sql", "--json"]);
    assert_eq!(v["kind"], "sql (duckdb)");
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, std::fs::read(d.join("score.sql")).unwrap().len());

    json(d, &["compare", "--current", "notebooks-data/current_points.toml", "--candidate", "bt/model.json", "--json"]);

    // JSON and data cannot share standard output.
    for args in [
        &["score", "--model", "bt/model.json", "--leads", leads, "--events", events, "-o", "-", "--json"][..],
        &["features", "-o", "-", "--json"][..],
        &["export", "--model", "bt/model.json", "--pmml", "--json"][..],
    ] {
        let (code, out, err) = run_in(d, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty() && err.contains("--json"), "{args:?}: {err}");
    }
}
