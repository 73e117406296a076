//! `[input] features`: recalibrating from a feature table (one row per lead, or grouped
//! patterns with won / lost / open counts) gives what recalibrating from the raw leads
//! and events gives, through the binary.

mod common;

use std::path::Path;

use common::{repo_root, run_in, write};
use serde_json::Value;

/// The sample config with its relative paths made absolute, `extra` lines added to
/// `[input]`, and only the signals `keep` names (all when None).
fn sample_config(extra: &str, keep: Option<&[&str]>) -> String {
    let data = repo_root().join("notebooks-data");
    let text = std::fs::read_to_string(data.join("mqlcal.toml")).expect("sample config");
    let abs = |name: &str| data.join(name).display().to_string();
    let text = text
        .replace("leads = \"leads.csv\"", &format!("leads = {:?}", abs("leads.csv")))
        .replace("events = \"events.csv\"", &format!("events = {:?}", abs("events.csv")))
        .replace("[input]\n", &format!("[input]\n{extra}\n"));
    let text = match keep {
        None => text.replace("current = \"current_points.toml\"", &format!("current = {:?}", abs("current_points.toml"))),
        // The hand-made sheet scores signals left out here.
        Some(_) => text.replace("current = \"current_points.toml\"", ""),
    };
    let Some(keep) = keep else { return text };
    let mut blocks = text.split("[[signals]]");
    let mut out = blocks.next().expect("a head").to_string();
    for block in blocks {
        let name = block.lines().find_map(|l| l.strip_prefix("name = ")).expect("a signal name").trim_matches('"');
        // The last signal's block runs on into [sales], [backtest] and [rule]: keep those.
        let (signal, rest) = match block.find("\n[sales]") {
            Some(k) => block.split_at(k),
            None => (block, ""),
        };
        if keep.contains(&name) {
            out.push_str("[[signals]]");
            out.push_str(signal);
        }
        out.push_str(rest);
    }
    out
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run_in(dir, args);
    assert_eq!(code, 0, "mqlcal {args:?} failed:\n{stderr}");
    stdout + &stderr
}

/// Every number of two model files within `tol` (relative), everything else equal,
/// except provenance, the date layouts only raw files show, and the metrics `ordered`
/// names (keys skipped wherever they occur).
fn assert_same_model_but(a: &Value, b: &Value, tol: f64, ordered: &[&str]) -> f64 {
    fn walk(a: &Value, b: &Value, path: &str, tol: f64, worst: &mut f64, ordered: &[&str]) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x {
                    let p = format!("{path}/{k}");
                    if ["/provenance", "/inputs/created_at_format", "/inputs/event_columns/occurred_at_format"].contains(&p.as_str()) || ordered.contains(&k.as_str()) {
                        continue;
                    }
                    walk(v, y.get(k).unwrap_or_else(|| panic!("{p} missing")), &p, tol, worst, ordered);
                }
                for k in y.keys() {
                    assert!(x.contains_key(k) || path == "/inputs", "{path}/{k} only in the second model");
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{path}: lengths differ");
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    walk(v, w, &format!("{path}[{i}]"), tol, worst, ordered);
                }
            }
            (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                let d = (x - y).abs() / x.abs().max(1.0);
                *worst = worst.max(d);
                assert!(d <= tol, "{path}: {x} against {y}");
            }
            _ => assert_eq!(a, b, "{path}"),
        }
    }
    let mut worst = 0.0;
    walk(a, b, "", tol, &mut worst, ordered);
    worst
}

fn assert_same_model(a: &Value, b: &Value, tol: f64) -> f64 {
    assert_same_model_but(a, b, tol, &[])
}

/// The metrics of equal-mass groups: leads sorted by probability, split into ten runs
/// of equal size. Where a run's edge falls inside a tied score, which of the tied leads
/// land on each side follows row order, which a grouped table does not have.
const EQUAL_MASS: [&str; 3] = ["ece_equal_mass_10", "hosmer_lemeshow_10", "reliability"];

fn model(run: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("model.json")).expect("model.json")).expect("JSON")
}

fn table(run: &Path, name: &str) -> String {
    std::fs::read_to_string(run.join("tables").join(name)).expect("table")
}

/// Two tables cell by cell: numbers within `tol` (relative), other cells equal.
fn assert_same_table(name: &str, a: &str, b: &str, tol: f64) {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(a.len(), b.len(), "{name}: rows");
    for (row, (x, y)) in a.iter().zip(&b).enumerate() {
        let (x, y) = (common::split_csv_line(x), common::split_csv_line(y));
        assert_eq!(x.len(), y.len(), "{name} row {row}");
        for (u, v) in x.iter().zip(&y) {
            match (u.parse::<f64>(), v.parse::<f64>()) {
                (Ok(p), Ok(q)) => assert!((p - q).abs() <= tol * p.abs().max(1.0), "{name} row {row}: {u} against {v}"),
                _ => assert_eq!(u, v, "{name} row {row}"),
            }
        }
    }
}

/// The first data row's `as_of` of a grouped CSV.
fn grouped_as_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("grouped table");
    let row = text.lines().nth(1).expect("a pattern");
    row.split(',').next().expect("as_of").to_string()
}

#[test]
fn the_sample_recalibrates_the_same_from_its_feature_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "raw.toml", sample_config("", None));
    ok(d, &["features", "--config", "raw.toml", "-o", "plain.parquet"]);
    let said = ok(d, &["features", "--config", "raw.toml", "--grouped", "-o", "grouped.csv"]);
    assert!(said.contains("20000 leads") && said.contains("patterns"), "{said}");
    let as_of = grouped_as_of(&d.join("grouped.csv"));
    write(d, "grouped.toml", sample_config("features = \"grouped.csv\"", None));
    write(d, "plain.toml", sample_config(&format!("features = \"plain.parquet\"\nas_of = {as_of:?}"), None));
    for (config, out) in [("raw.toml", "raw"), ("grouped.toml", "grouped"), ("plain.toml", "plain")] {
        ok(d, &["recalibrate", "--config", config, "--out", out]);
    }
    let raw = model(&d.join("raw"));
    // One row per lead: the same rows in the same order, so the same bits.
    assert_eq!(assert_same_model(&raw, &model(&d.join("plain")), 0.0), 0.0);
    // Grouped: a different summation order (duplicate leads are one weighted row).
    assert_same_model(&raw, &model(&d.join("grouped")), 1e-9);
    for name in ["thresholds.csv", "bootstrap.csv", "walk_forward.csv", "segments.csv", "drift.csv", "tiers.csv", "comparison.csv"] {
        let raw = table(&d.join("raw"), name);
        assert_eq!(raw, table(&d.join("plain"), name), "{name}: plain feature table");
        assert_eq!(raw, table(&d.join("grouped"), name), "{name}: grouped feature table");
    }
}

#[test]
fn a_grouped_table_of_few_patterns_gives_the_leads_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Signals of few values each: the 20,000 leads fall into a few thousand patterns.
    let keep = ["title", "target_geo", "demo_request", "unsubscribe"];
    write(d, "raw.toml", sample_config("", Some(&keep)));
    let (code, stdout, stderr) = run_in(d, &["features", "--config", "raw.toml", "--grouped", "--json", "-o", "grouped.parquet"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).expect("JSON");
    let (leads, rows) = (summary["leads"].as_u64().unwrap(), summary["rows"].as_u64().unwrap());
    assert_eq!(leads, 20_000);
    assert!(rows * 5 < leads, "{rows} patterns for {leads} leads: the grouping should compress");
    write(d, "grouped.toml", sample_config("features = \"grouped.parquet\"", Some(&keep)));
    ok(d, &["recalibrate", "--config", "raw.toml", "--out", "raw"]);
    let said = ok(d, &["recalibrate", "--config", "grouped.toml", "--out", "grouped"]);
    assert!(said.contains("feature patterns"), "the run says it read patterns:\n{said}");
    let worst = assert_same_model_but(&model(&d.join("raw")), &model(&d.join("grouped")), 1e-9, &EQUAL_MASS);
    assert!(worst > 0.0, "weighted rows sum in another order: some last bits should differ (else the test compares a table with itself)");
    for name in ["thresholds.csv", "bootstrap.csv", "walk_forward.csv", "segments.csv", "drift.csv", "tiers.csv"] {
        assert_same_table(name, &table(&d.join("raw"), name), &table(&d.join("grouped"), name), 1e-9);
    }
    // validate reads the patterns too: the leads per cohort, no raw columns to profile.
    let (code, stdout, stderr) = run_in(d, &["validate", "--config", "grouped.toml", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["leads"], 20_000);
    let cohorts: u64 = report["cohorts"].as_array().unwrap().iter().map(|c| c["leads"].as_u64().unwrap()).sum();
    assert_eq!(cohorts, 20_000);
    // The grouped table written back from the grouped table is the same patterns.
    ok(d, &["features", "--config", "grouped.toml", "--grouped", "-o", "again.csv"]);
    ok(d, &["features", "--config", "raw.toml", "--grouped", "-o", "first.csv"]);
    let sorted = |name: &str| {
        let text = std::fs::read_to_string(d.join(name)).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted("first.csv"), sorted("again.csv"));
}

#[test]
fn feature_tables_that_cannot_be_used_say_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(d, "raw.toml", sample_config("", None));
    ok(d, &["features", "--config", "raw.toml", "-o", "plain.csv"]);
    ok(d, &["features", "--config", "raw.toml", "--grouped", "-o", "grouped.csv"]);

    // A table of one row per lead does not say when it was computed.
    write(d, "plain.toml", sample_config("features = \"plain.csv\"", None));
    let (code, _, err) = run_in(d, &["fit", "--config", "plain.toml", "-o", "m.json"]);
    assert_eq!(code, 2, "a setting is missing: {err}");
    assert!(err.contains("plain.csv") && err.contains("[input] as_of"), "{err}");

    // Grouped rows have no lead ids to write one row each.
    write(d, "grouped.toml", sample_config("features = \"grouped.csv\"", None));
    let (code, _, err) = run_in(d, &["features", "--config", "grouped.toml", "-o", "x.csv"]);
    assert_ne!(code, 0);
    assert!(err.contains("--grouped"), "{err}");

    // A count that is not a whole number names the file, row and column.
    let text = std::fs::read_to_string(d.join("grouped.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines[2].rfind(',').unwrap();
    lines[2] = format!("{},2.5", &lines[2][..last]);
    write(d, "bad.csv", lines.join("\n") + "\n");
    write(d, "bad.toml", sample_config("features = \"bad.csv\"", None));
    let (code, _, err) = run_in(d, &["fit", "--config", "bad.toml", "-o", "m.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bad.csv") && err.contains("open") && err.contains("whole number"), "{err}");

    // A missing feature column names the signal.
    let header_gone = text.replacen("demo_request", "demo_requested", 1);
    write(d, "renamed.csv", header_gone);
    write(d, "renamed.toml", sample_config("features = \"renamed.csv\"", None));
    let (code, _, err) = run_in(d, &["fit", "--config", "renamed.toml", "-o", "m.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("demo_request"), "{err}");

    // Auto bins are chosen on raw leads: a feature table needs the edges written.
    let auto = sample_config("features = \"grouped.csv\"", None).replace("bins = [10, 50, 200, 1000, 5000]", "bins = \"auto\"");
    write(d, "auto.toml", auto);
    let (code, _, err) = run_in(d, &["fit", "--config", "auto.toml", "-o", "m.json"]);
    assert_ne!(code, 0);
    assert!(err.contains("employees") && err.contains("bins"), "{err}");
}

/// A feature table that names a column it must hold twice is refused, as a leads file is:
/// which of the two is meant is unknown.
#[test]
fn a_feature_table_naming_a_column_it_needs_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "raw.toml", sample_config("", None));
    ok(d, &["features", "--config", "raw.toml", "--grouped", "-o", "grouped.csv"]);
    let text = std::fs::read_to_string(d.join("grouped.csv")).unwrap();
    let (head, rows) = text.split_once('\n').unwrap();
    assert!(head.split(',').any(|name| name == "channel"), "{head}");
    write(d, "twice.csv", format!("{head},channel\n{}", rows.lines().map(|l| format!("{l},x\n")).collect::<String>()));
    write(d, "twice.toml", sample_config("features = \"twice.csv\"", None));
    let (code, _, err) = run_in(d, &["validate", "--config", "twice.toml"]);
    assert!(code != 0 && err.contains("twice.csv: line 1: the header names column \"channel\" twice") && err.contains("and [columns] segments reads it"), "{err}");
}
