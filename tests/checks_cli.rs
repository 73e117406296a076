//! End-to-end: what can fail without reading data fails before reading it.
//! Every config here names a leads file that does not exist, so an error about
//! anything else shows the check ran before ingest (and no stage started).

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The sample config, written into `dir`, with its leads file missing and `edit` applied.
fn config_without_leads(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let data = repo_root().join("notebooks-data");
    let text = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("leads = \"leads.csv\"", "leads = \"missing-leads.csv\"")
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("current = \"current_points.toml\"", &format!("current = {:?}", data.join("current_points.toml").to_str().unwrap()));
    write(dir, name, edit(text))
}

/// Runs `args` in `dir`; asserts it fails with `expected` before reading any data
/// (exit 2: mqlcal could not run; a sheet whose content is wrong exits 1).
fn fails_early(dir: &Path, args: &[&str], expected: &str) {
    let (code, out, err) = run_in(dir, args);
    let content = expected.contains("must be an integer");
    assert_eq!(code, if content { 1 } else { 2 }, "{args:?}: {out}{err}");
    assert!(err.contains(expected), "{args:?}: {err}");
    assert!(!err.contains("missing-leads.csv") && !err.contains("[1/7]"), "{args:?} read data first: {err}");
}

#[test]
fn with_nothing_else_wrong_the_missing_leads_are_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_without_leads(dir.path(), "ok.toml", |t| t);
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", config.to_str().unwrap(), "--out", "run"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing-leads.csv: file not found") && err.contains("[1/7] read leads and events: failed"), "{err}");
    assert!(!dir.path().join("run").exists());
}

#[test]
fn capacity_is_checked_before_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_without_leads(dir.path(), "nocap.toml", |t| {
        t.replace("capacity_per_month = 130\n", "").replace("hot_capacity_per_month = 35\n", "")
    });
    let config = config.to_str().unwrap();
    for args in [
        vec!["recalibrate", "--config", config, "--out", "run"],
        vec!["backtest", "--config", config, "--out", "bt"],
        vec!["report", "--config", config, "--out", "rep"],
    ] {
        fails_early(dir.path(), &args, "add [sales] capacity_per_month = N");
    }
    for out in ["run", "bt", "rep"] {
        assert!(!dir.path().join(out).exists(), "{out}");
    }
}

#[test]
fn the_current_points_sheet_is_read_before_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let missing = config_without_leads(dir.path(), "nosheet.toml", |t| {
        let current = t.lines().find(|l| l.starts_with("current = ")).unwrap().to_string();
        t.replace(&current, "current = \"nowhere.toml\"")
    });
    write(dir.path(), "bad.toml", "threshold = 50\n[points]\ndemo_request = 1.5\n");
    let bad = config_without_leads(dir.path(), "badsheet.toml", |t| {
        let current = t.lines().find(|l| l.starts_with("current = ")).unwrap().to_string();
        t.replace(&current, "current = \"bad.toml\"")
    });
    for (config, sheet, expected) in [(&missing, "nowhere.toml", "cannot read"), (&bad, "bad.toml", "points for \"demo_request\" must be an integer")] {
        let config = config.to_str().unwrap();
        let expected = format!("[model] current: {}: {expected}", dir.path().join(sheet).display());
        for sub in ["fit", "backtest", "recalibrate"] {
            let out = if sub == "fit" { "-o" } else { "--out" };
            fails_early(dir.path(), &[sub, "--config", config, out, "never"], &expected);
        }
    }
    // compare reads both models first.
    let config = config_without_leads(dir.path(), "ok.toml", |t| t);
    fails_early(dir.path(), &["compare", "--config", config.to_str().unwrap(), "--current", "nowhere.toml", "--candidate", "bad.toml"], "nowhere.toml: cannot read");
    fails_early(dir.path(), &["compare", "--config", config.to_str().unwrap(), "--current", "bad.toml", "--candidate", "bad.toml"], "must be an integer");
    assert!(!dir.path().join("never").exists());
}

#[test]
fn output_paths_are_checked_before_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_without_leads(dir.path(), "mqlcal.toml", |t| t);
    let c = config.to_str().unwrap();
    write(dir.path(), "a-file", "not a folder");
    std::fs::create_dir(dir.path().join("old-run")).unwrap();
    fails_early(dir.path(), &["fit", "--config", c, "-o", c], "is an input of this run");
    fails_early(dir.path(), &["fit", "--config", c, "-o", "old-run"], "old-run is a folder");
    fails_early(dir.path(), &["features", "--config", c, "-o", "features.xlsx"], "unsupported file type \"xlsx\"");
    fails_early(dir.path(), &["backtest", "--config", c, "--out", "a-file"], "a-file exists and is not a directory");
    fails_early(dir.path(), &["report", "--config", c, "--out", "a-file"], "a-file exists and is not a directory");
    fails_early(dir.path(), &["recalibrate", "--config", c, "--out", "old-run"], "old-run already exists: pass --force");
    fails_early(dir.path(), &["recalibrate", "--config", c, "--out", "."], "contains the input");
    let sheet = repo_root().join("notebooks-data/current_points.toml");
    let sheet = sheet.to_str().unwrap();
    fails_early(dir.path(), &["compare", "--config", c, "--current", sheet, "--candidate", sheet, "--out", "a-file"], "is not a directory");
    // score reads no config: its output is checked before the model and the leads.
    write(dir.path(), "leads.csv", "lead_id\nL1\n");
    fails_early(dir.path(), &["score", "--model", "no-model.json", "--leads", "leads.csv", "-o", "leads.csv"], "is an input of this run");
    fails_early(dir.path(), &["score", "--model", "no-model.json", "--leads", "leads.csv", "-o", "scores.xlsx"], "unsupported file type");
    assert_eq!(std::fs::read_to_string(dir.path().join("leads.csv")).unwrap(), "lead_id\nL1\n");
    assert!(std::fs::read_dir(dir.path().join("old-run")).unwrap().next().is_none(), "the old run is untouched");
}

#[test]
fn without_config_outside_a_checkout_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(dir.path(), &["validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no --config given") && err.contains("mqlcal init"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
