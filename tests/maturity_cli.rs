//! End-to-end: judging only what is mature, through the binary, on synthetic
//! worlds whose truth is known. `mqlcal synth --export-at` writes the same world
//! as a plain `synth` run, but as an export cut on a given day: the latest
//! leads' windows are cut short, recent leads are still open and (with
//! `--stale-open-percent`) old lost leads are still shown open. The uncut
//! world is the truth the backtest's figures are checked against.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

const LEADS: &str = "16000";
const SEED: &str = "11";
/// Nine quarters from 2024-01-01; the export is cut at the start of the ninth.
const QUARTERS: &str = "9";
const EXPORT_AT: &str = "2026-01-01";

fn synth(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec!["synth", "--leads", LEADS, "--seed", SEED, "--quarters", QUARTERS, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, _, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{err}");
    out
}

/// The synth config of `world` with faster settings and `edits` (section header → lines added under it).
fn config(world: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(world.join("mqlcal.toml")).unwrap();
    text = text.replace("bootstrap_resamples = 2000\n", "bootstrap_resamples = 1000\nwalk_forward = false\n");
    text = text.replace("[model]\n", "[model]\nalpha = 1\n");
    for (section, lines) in edits {
        let header = format!("{section}\n");
        assert!(text.contains(&header), "no {section} in the synth config");
        text = text.replacen(&header, &format!("{header}{lines}\n"), 1);
    }
    write(world, name, text)
}

fn backtest(dir: &Path, config: &Path, out: &str) -> (Value, String) {
    let (code, stdout, err) = run_in(dir, &["backtest", "--config", config.to_str().unwrap(), "--out", out, "--json"]);
    assert_eq!(code, 0, "{err}");
    (serde_json::from_str(&stdout).unwrap(), err)
}

fn interval(json: &Value, key: &str) -> (f64, f64) {
    let v = json["recommended"][key].as_array().unwrap();
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

/// Leads of a synth world: id → (creation month "2025-07", outcome).
fn leads(world: &Path) -> HashMap<String, (String, String)> {
    let (header, rows) = read_csv(&world.join("leads.csv"));
    let (id, created, outcome) = (0, header.iter().position(|h| h == "created_at").unwrap(), header.iter().position(|h| h == "outcome").unwrap());
    rows.into_iter().map(|r| (r[id].clone(), (r[created][..7].to_string(), r[outcome].clone()))).collect()
}

/// The truth on complete windows: the model (with its threshold) scored on the
/// uncut world; MQLs per month and conversion over `months`.
fn truth(dir: &Path, model: &Path, full: &Path, months: &BTreeSet<String>) -> (f64, f64) {
    let scores = dir.join(format!("truth-{}.csv", months.len()));
    let (code, _, err) = run_in(
        dir,
        &[
            "score",
            "--model",
            model.to_str().unwrap(),
            "--leads",
            full.join("leads.csv").to_str().unwrap(),
            "--events",
            full.join("events.csv").to_str().unwrap(),
            "-o",
            scores.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let world = leads(full);
    let (header, rows) = read_csv(&scores);
    let mql = header.iter().position(|h| h == "mql").unwrap();
    let (mut mqls, mut won, mut lost) = (0usize, 0usize, 0usize);
    for r in rows {
        let (month, outcome) = &world[&r[0]];
        if months.contains(month) && r[mql] == "true" {
            mqls += 1;
            match outcome.as_str() {
                "won" => won += 1,
                "lost" => lost += 1,
                other => panic!("the uncut world has an undecided lead in {month}: {other}"),
            }
        }
    }
    (mqls as f64 / months.len() as f64, won as f64 / (won + lost) as f64)
}

fn months_of(json: &Value) -> BTreeSet<String> {
    json["volume_months"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect()
}

fn inside(value: f64, (low, high): (f64, f64)) -> bool {
    low <= value && value <= high
}

#[test]
fn maturity_keeps_the_backtest_honest_against_the_uncut_world() {
    let dir = tempfile::tempdir().unwrap();
    let full = synth(dir.path(), "full", &[]);
    let cut = synth(dir.path(), "cut", &["--export-at", EXPORT_AT]);

    // The export really is cut: the latest leads were created days before the export.
    let cut_leads = leads(&cut);
    assert!(cut_leads.values().all(|(m, _)| m.as_str() < "2026-01"));
    let open_q4 = cut_leads.values().filter(|(m, o)| m.as_str() >= "2025-10" && o == "open").count();
    let all_q4 = cut_leads.values().filter(|(m, _)| m.as_str() >= "2025-10").count();
    assert!(open_q4 * 2 > all_q4, "most of the latest quarter is still open: {open_q4} of {all_q4}");

    // With maturity handling (the default): December's unfinished windows are
    // left out, 2025-Q4 is not yet judged, 2025-Q3 is the holdout.
    let with = config(&cut, "with.toml", &[]);
    let (json, _) = backtest(dir.path(), &with, "with");
    assert_eq!(json["holdout_cohorts"], serde_json::json!(["2025-Q3"]), "{json:#}");
    assert_eq!(json["not_yet_judged"], serde_json::json!(["2025-Q4"]));
    let months = months_of(&json);
    assert_eq!(months.iter().cloned().collect::<Vec<_>>(), ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11"]);
    assert!(json["warnings"].to_string().contains("2025-Q4: "), "the unfinished windows are reported per cohort: {}", json["warnings"]);
    let (volume, conversion) = truth(dir.path(), &dir.path().join("with/model.json"), &full, &months);
    let (v, c) = (interval(&json, "mqls_per_month_interval"), interval(&json, "conversion_interval"));
    assert!(inside(volume, v), "true MQLs per month {volume:.1} outside the backtest's interval {v:?}");
    assert!(inside(conversion, c), "true conversion {conversion:.3} outside the backtest's interval {c:?}");

    // Without it (every lead taken as mature, the latest quarter held out): the
    // undercounted December and the early-decided leads mislead.
    let without = config(&cut, "without.toml", &[("[input]", "as_of = \"2100-01-01\""), ("[model]", "holdout_cohorts = 1")]);
    let (json, _) = backtest(dir.path(), &without, "without");
    assert_eq!(json["holdout_cohorts"], serde_json::json!(["2025-Q4"]));
    let months = months_of(&json);
    let (volume, conversion) = truth(dir.path(), &dir.path().join("without/model.json"), &full, &months);
    let (v, c) = (interval(&json, "mqls_per_month_interval"), interval(&json, "conversion_interval"));
    assert!(
        !(inside(volume, v) && inside(conversion, c)),
        "without maturity handling the truth ({volume:.1} a month, {conversion:.3}) should fall outside {v:?} / {c:?}"
    );
    assert!(volume > v.1, "December's cut windows make the volume look smaller than it is: truth {volume:.1}, interval {v:?}");
}

#[test]
fn stale_open_leads_count_as_lost_after_open_after_days() {
    let dir = tempfile::tempdir().unwrap();
    let full = synth(dir.path(), "full", &[]);
    let cut = synth(dir.path(), "cut", &["--export-at", EXPORT_AT, "--stale-open-percent", "30"]);

    // Every lead open more than 150 days before the export is a stale lost lead.
    let world = leads(&full);
    let cut_leads = leads(&cut);
    let stale: Vec<&String> = cut_leads.iter().filter(|(_, (m, o))| o == "open" && m.as_str() < "2025-08").map(|(id, _)| id).collect();
    assert!(stale.len() > 100, "{}", stale.len());
    assert!(stale.iter().all(|id| world[*id].1 == "lost"));

    let fit = |config: &Path, out: &str| -> Value {
        let model = dir.path().join(out);
        let (code, _, err) = run_in(dir.path(), &["fit", "--config", config.to_str().unwrap(), "-o", model.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap()
    };
    let fixed = config(&cut, "rule.toml", &[("[outcome]", "open_after_days = 150"), ("[model]", "holdout_cohorts = 2")]);
    let model = fit(&fixed, "rule.json");
    let training = &model["training"];
    let cohorts: BTreeSet<String> = training["cohorts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    // With the rule, the training leads' outcomes are the uncut world's.
    let quarter = |month: &str| {
        let m: u32 = month[5..7].parse().unwrap();
        format!("{}-Q{}", &month[..4], (m - 1) / 3 + 1)
    };
    let mut truth: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, outcome) in world.values().filter(|(m, _)| cohorts.contains(&quarter(m))) {
        *truth.entry(outcome.as_str()).or_default() += 1;
    }
    assert_eq!(training["won"].as_u64().unwrap() as usize, truth["won"]);
    assert_eq!(training["lost"].as_u64().unwrap() as usize, truth["lost"]);

    // Without it, the stale leads are missing from training: the win rate is inflated.
    let plain = config(&cut, "plain.toml", &[("[model]", "holdout_cohorts = 2")]);
    let model = fit(&plain, "plain.json");
    assert!(model["training"]["lost"].as_u64().unwrap() < training["lost"].as_u64().unwrap());

    // validate reports how many were turned lost.
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", fixed.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("count as lost ([outcome] open_after_days = 150)"), "{all}");
}

#[test]
fn won_ids_layout_tells_open_leads_and_reports_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let cut = synth(dir.path(), "cut", &["--export-at", EXPORT_AT]);
    let mut won: Vec<String> = leads(&cut).into_iter().filter(|(_, (_, o))| o == "won").map(|(id, _)| id).collect();
    won.sort();
    won.push("GHOST-1".into());
    write(&cut, "won_ids.csv", format!("lead_id\n{}\n", won.join("\n")));

    let layout1 = config(&cut, "layout1.toml", &[]);
    let (reference, _) = backtest(dir.path(), &layout1, "layout1");

    // A status column tells open leads: the same outcomes as the outcome-column layout.
    let text = std::fs::read_to_string(&layout1).unwrap().replace("leads = \"leads.csv\"", "leads = \"leads.csv\"\nwon_ids = \"won_ids.csv\"");
    let text = text.replace("won = [\"won\"]", "");
    let status = write(&cut, "status.toml", text.replace("lost = [\"lost\"]", ""));
    let (json, err) = backtest(dir.path(), &status, "status");
    assert_eq!(json["recommended"], reference["recommended"]);
    assert!(err.contains("1 won ids match no lead") && err.contains("GHOST-1"), "{err}");

    // Without a status column or a rule, every other lead is lost, and a warning says so.
    let text = std::fs::read_to_string(&status).unwrap();
    let bare = text.replace("outcome = \"outcome\"\n", "").replace("open = [\"open\"]\n", "");
    let bare = write(&cut, "bare.toml", bare);
    let (code, out, err) = run_in(dir.path(), &["validate", "--config", bare.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(format!("{out}{err}").contains("every lead not in the won ids counts as lost"), "{out}{err}");
}

#[test]
fn bad_maturity_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let cut = synth(dir.path(), "cut", &["--export-at", EXPORT_AT]);
    for (section, line, expected) in [
        ("[input]", "as_of = \"2000-01-01\"", "[input] as_of = 2000-01-01 23:59:59 is before every lead"),
        ("[input]", "as_of = \"last tuesday\"", "[input] as_of = \"last tuesday\": expected"),
        ("[model]", "min_decided_share = 0", "[model] min_decided_share = 0: expected a share in (0, 1]"),
        ("[model]", "min_decided_share = 1.5", "[model] min_decided_share = 1.5"),
        ("[outcome]", "open_after_days = 0", "[outcome] open_after_days = 0: expected"),
        ("[outcome]", "open_after_days = -3", "[outcome] open_after_days = -3"),
        ("[input]", "as_of = \"2024-02-15\"", "no cohort is mature enough to judge"),
    ] {
        let bad = config(&cut, "bad.toml", &[(section, line)]);
        let (code, _, err) = run_in(dir.path(), &["backtest", "--config", bad.to_str().unwrap(), "--out", "bad"]);
        assert_ne!(code, 0, "{line}");
        assert!(err.contains(expected), "{line}: {err}");
        assert!(err.lines().count() <= 3, "{line}: {err}");
    }
}

/// Events that cover only part of the leads' windows, as the sample's events cut: from
/// 2025-01-01 on (an activity export cut at a date; Salesforce archives activities
/// older than a year) with one old task left, or before 2025-08-01 only (exported before
/// the leads). `validate` says how many leads with complete windows lie wholly before
/// the days the events begin, or after those they end (a thousandth of the events aside
/// at each end, so the old task moves nothing), and how many inside them, counted here
/// by hand; the whole file says neither, and neither does the late cut with `as_of` at
/// its last day.
#[test]
fn events_that_cover_only_part_of_the_leads_windows_are_said() {
    let dir = sample_copy();
    let d = dir.path();
    let validate = |config: &str| {
        let (code, out, err) = run_in(d, &["validate", "--config", config]);
        assert_eq!(code, 0, "{out}{err}");
        out
    };
    let out = validate("mqlcal.toml");
    assert!(!out.contains("the known leads' events"), "{out}");

    let (header, events) = read_csv(&d.join("events.csv"));
    let (_, leads) = read_csv(&d.join("leads.csv"));
    let created: Vec<i64> = leads.iter().map(|l| unix_seconds(&l[1])).collect();
    let window = 30 * 86_400;
    // The first and last second of the events' days (a thousandth aside at each end), the
    // as-of date, and the complete leads: before, after, inside.
    let counts = |kept: &[Vec<String>]| {
        let times: Vec<i64> = kept.iter().map(|e| unix_seconds(&e[1])).collect();
        let mut days: BTreeMap<i64, u64> = BTreeMap::new();
        for t in &times {
            *days.entry(t.div_euclid(86_400)).or_default() += 1;
        }
        let tail = times.len() as u64 / 1000;
        let beyond = |days: Vec<(&i64, &u64)>| {
            let mut seen = 0;
            *days.into_iter().find(|(_, n)| {
                seen += **n;
                seen > tail
            }).unwrap().0
        };
        let first = beyond(days.iter().collect()) * 86_400;
        let last = (beyond(days.iter().rev().collect()) + 1) * 86_400 - 1;
        let at = times.iter().max().unwrap().max(created.iter().max().unwrap()).to_owned();
        let complete: Vec<i64> = created.iter().copied().filter(|c| c + window <= at).collect();
        let before = complete.iter().filter(|&&c| c + window < first).count();
        let after = complete.iter().filter(|&&c| c > last).count();
        let inside = complete.iter().filter(|&&c| c >= first && c + window <= last).count();
        (first, last, at, complete.len(), before, after, inside)
    };
    let format = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().format("%Y-%m-%d %H:%M:%S").to_string();
    let day = |t: i64| format(t)[..10].to_string();

    // An old task of the first lead stays (Salesforce does not archive open tasks).
    let mut late_start: Vec<Vec<String>> = events.iter().filter(|e| e[1].as_str() >= "2025-01-01").cloned().collect();
    late_start.push(events[0].clone());
    write_csv(&d.join("events.csv"), &header, &late_start);
    let (first, _, _, complete, before, _, inside) = counts(&late_start);
    let said = format!(
        "events.csv: the known leads' events begin on {} (the first 0.1 % aside), but {before} of the {complete} leads with complete windows ({:.0} %) ended their 30-day window before it: they count no engagement",
        day(first),
        100.0 * before as f64 / complete as f64
    );
    let out = validate("mqlcal.toml");
    assert!(out.contains(&said), "{said}\n{out}");
    assert!(out.contains(&format!("% of the {inside} leads whose windows lie inside those days have a counted event")), "{out}");
    // The report's summary lists it before deciding, first.
    let (code, run_out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{run_out}{err}");
    let report = std::fs::read_to_string(d.join("run/report/report.md")).unwrap();
    let caution = format!(
        "Before deciding:\n\n- {before} of the {complete} leads with complete windows ({:.0} %) came before the events begin ({}): they count no engagement, and the model learns from them as if they had done nothing",
        100.0 * before as f64 / complete as f64,
        day(first)
    );
    assert!(report.contains(&caution), "{caution}\n{report}");

    let early_end: Vec<Vec<String>> = events.iter().filter(|e| e[1].as_str() < "2025-08-01").cloned().collect();
    write_csv(&d.join("events.csv"), &header, &early_end);
    let (_, last, at, complete, _, after, _) = counts(&early_end);
    let said = format!(
        "events.csv: the known leads' events end on {} (the last 0.1 % aside), but {after} of the {complete} leads with complete windows ({:.0} %) were created after it, their windows judged complete by the as-of date {}",
        day(last),
        100.0 * after as f64 / complete as f64,
        format(at)
    );
    let out = validate("mqlcal.toml");
    assert!(out.contains(&said), "{said}\n{out}");
    assert!(out.contains(&format!("set [input] as_of = \"{}\"", day(last))), "{out}");
    // The fix it names: as_of at the last day.
    let config = std::fs::read_to_string(d.join("mqlcal.toml")).unwrap().replacen("[input]\n", &format!("[input]\nas_of = \"{}\"\n", day(last)), 1);
    write(d, "as_of.toml", config);
    let out = validate("as_of.toml");
    assert!(!out.contains("the known leads' events"), "{out}");
}
