//! End-to-end: the two-axis rule through the binary. On a synthetic set where
//! engagement without fit rarely converts (a flood of engaged students), the
//! two-axis rule beats one threshold at equal volume and the report says so;
//! the sweep's counts agree with DuckDB's on the scorer's sub-scores; on the
//! bundled sample the comparison is printed with its intervals; bad `[rule]`
//! input stops with a short message naming the key.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const CONFIG: &str = r#"
[input]
leads = "leads.csv"
as_of = "2025-03-31"

[columns]
id = "id"
created_at = "created"
outcome = "stage"

[outcome]
won = ["Won"]
lost = ["Lost"]

[[signals]]
name = "employees"
axis = "fit"
kind = "numeric"
column = "employees"
cap = 1000
default = 0

[[signals]]
name = "visits"
axis = "engagement"
kind = "count"
column = "visits"
cap = 40
default = 0

[[signals]]
name = "downloads"
axis = "engagement"
kind = "count"
column = "downloads"
cap = 10
default = 0

[sales]
capacity_per_month = 250
target_conversion = [0.2, 0.9]

[backtest]
bootstrap_resamples = 1000
"#;

/// 24 months of leads. A lead wins only when it fits *and* engages (its chance
/// follows the lesser of company size and visits, each scaled to 0–1), and a
/// flood of students (tiny companies) engages a lot: the additive total lets high
/// engagement make up for a poor fit, and a good fit for no engagement; the
/// two-axis rule does not.
fn synthetic(dir: &Path, rule: &str) -> PathBuf {
    let mut rng = Rng(2026);
    let mut csv = String::from("id,created,stage,employees,visits,downloads\n");
    for i in 0..24_000 {
        let month = i % 24;
        let (year, m) = (2023 + month / 12, month % 12 + 1);
        let day = 1 + (rng.next() * 28.0) as u32;
        let student = rng.next() < 0.35;
        let (employees, visits) = if student {
            ((rng.next() * 100.0) as u32, 25 + (rng.next() * 16.0) as u32)
        } else {
            ((rng.next() * 1000.0) as u32, (rng.next() * 41.0) as u32)
        };
        let downloads = (rng.next() * 4.0) as u32;
        let (fit, engagement) = (employees as f64 / 1000.0, visits as f64 / 40.0);
        let p = 1.0 / (1.0 + (-(-5.0 + 9.0 * fit.min(engagement))).exp());
        let stage = if rng.next() < p { "Won" } else { "Lost" };
        csv.push_str(&format!("s{i:05},{year}-{m:02}-{day:02},{stage},{employees},{visits},{downloads}\n"));
    }
    write(dir, "leads.csv", csv);
    write(dir, "mqlcal.toml", format!("{CONFIG}{rule}"))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn two_axis_beats_one_threshold_when_engagement_without_fit_rarely_converts() {
    let dir = tempfile::tempdir().unwrap();
    synthetic(dir.path(), "\n[rule]\nkind = \"two_axis\"\n");
    let (code, out, err) = run_in(dir.path(), &["backtest", "--config", "mqlcal.toml", "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("The two-axis rule wins: at equal volume"), "{out}");
    let b = json(&dir.path().join("bt/backtest.json"));
    let t = &b["two_axis"];
    let v = &t["versus"];
    eprintln!("{}\n{}", t["summary"], v["summary"]);
    assert_eq!(v["winner"], "two_axis");
    let d = &v["intervals"]["wins_captured_difference"];
    assert!(d["low"].as_f64().unwrap() > 0.0, "the whole interval favours the two-axis rule: {d}");
    assert!(v["intervals"]["conversion_difference"]["estimate"].as_f64().unwrap() > 0.0);
    // Equal volume: the threshold sends the number of MQLs closest to the rule's.
    let (two, one) = (v["two_axis_mqls"].as_i64().unwrap(), v["threshold_mqls"].as_i64().unwrap());
    assert!((two - one).abs() * 20 <= two, "{two} vs {one}");
    // The boundary keeps the students out: their fit is below fit_min.
    let model = json(&dir.path().join("bt/model.json"));
    assert_eq!(model["rule"]["kind"], "two_axis");
    assert!(model.get("threshold").is_none());
    let steps = b["walk_forward"].as_array().unwrap();
    assert!(!steps.is_empty() && steps.iter().all(|s| s["two_axis"]["carried_fit_min"].is_i64()));

    // The report says which rule wins, in its summary and its own section with the matrix.
    let (code, _, err) = run_in(dir.path(), &["report", "--config", "mqlcal.toml", "--out", "rep"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.path().join("rep/report.md")).unwrap();
    let summary = &md[..md.find("## Two-axis rule").expect("a two-axis section")];
    assert!(summary.contains("The two-axis rule wins"), "{summary}");
    assert!(md.contains("![The two-axis rule captures more wins than one threshold at the same volume"), "the matrix's title states the finding");
    assert!(dir.path().join("rep/two_axis.png").exists() && dir.path().join("rep/two_axis.svg").exists());

    // The quarterly job carries the rule into the model file, the exports and its summary.
    let (code, out, err) = run_in(dir.path(), &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("MQL rule: two-axis") && out.contains("The two-axis rule wins"), "{out}");
    let sql = std::fs::read_to_string(dir.path().join("run/exports/score.duckdb.sql")).unwrap();
    assert!(sql.contains(" AS grade") && sql.contains(" AS route"), "the SQL returns grade and route");
    assert!(std::fs::read_to_string(dir.path().join("run/exports/model.pmml")).unwrap().contains("<OutputField name=\"route\""));
    assert_eq!(json(&dir.path().join("run/summary.json"))["two_axis"]["winner"], "two_axis");

    // Someone else's count: DuckDB over the scorer's sub-scores of the holdout leads.
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "leads.csv", "-o", "scores.csv"]);
    assert_eq!(code, 0, "{err}");
    let holdout = b["holdout_cohorts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect::<Vec<_>>().join(",");
    let out = Command::new("python3")
        .arg("-c")
        .arg(DUCKDB_COUNTS)
        .args(["scores.csv", "leads.csv", "bt/two_axis.csv", &holdout])
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.starts_with("checked "), "{report}");
}

/// For every 37th pair of the sweep, and the chosen one, count the holdout's MQLs by
/// outcome in DuckDB (fit_score >= F and engagement_score >= E) and compare.
const DUCKDB_COUNTS: &str = r#"
import sys, duckdb
scores, leads, grid, cohorts = sys.argv[1:5]
con = duckdb.connect()
months = []
for c in cohorts.split(","):
    y, q = c.split("-Q")
    months += ["%s-%02d" % (y, 3 * (int(q) - 1) + k) for k in (1, 2, 3)]
con.execute("CREATE TABLE s AS SELECT * FROM read_csv(?, header=true)", [scores])
con.execute("CREATE TABLE l AS SELECT id, stage, strftime(CAST(created AS DATE), '%Y-%m') AS month FROM read_csv(?, header=true, all_varchar=true)", [leads])
con.execute("CREATE TABLE h AS SELECT s.fit_score, s.engagement_score, l.stage FROM s JOIN l ON s.id = l.id WHERE l.month IN (SELECT unnest(?))", [months])
rows = con.execute("SELECT fit_min, engagement_min, won, lost, \"open\", chosen FROM read_csv(?, header=true)", [grid]).fetchall()
picked = [r for k, r in enumerate(rows) if k % 37 == 0 or r[5]]
for f, e, won, lost, open_, _ in picked:
    got = con.execute("SELECT count(*) FILTER (WHERE stage = 'Won'), count(*) FILTER (WHERE stage = 'Lost') FROM h WHERE fit_score >= ? AND engagement_score >= ?", [f, e]).fetchone()
    if (got[0], got[1], 0) != (won, lost, open_):
        sys.exit("pair (%s, %s): duckdb %s vs mqlcal %s" % (f, e, got, (won, lost, open_)))
print("checked %d pairs" % len(picked))
"#;

#[test]
fn the_bundled_sample_prints_the_comparison_with_intervals_whatever_the_winner() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let config = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap();
    let absolute = config
        .replace("leads = \"leads.csv\"", &format!("leads = {:?}", data.join("leads.csv").to_str().unwrap()))
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("current = \"current_points.toml\"", &format!("current = {:?}", data.join("current_points.toml").to_str().unwrap()));
    write(dir.path(), "total.toml", &absolute);
    write(dir.path(), "two.toml", format!("{absolute}\n[rule]\nkind = \"two_axis\"\n"));
    let (code, out, err) = run_in(dir.path(), &["backtest", "--config", "two.toml", "--out", "two"]);
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.contains("at equal volume")).unwrap_or_else(|| panic!("no comparison in {out}"));
    assert!(line.contains("interval") && line.contains("wins") && line.contains("converts"), "{line}");
    assert!(["The two-axis rule wins", "The single threshold wins", "Neither rule wins clearly"].iter().any(|w| line.starts_with(w)), "{line}");
    let v = &json(&dir.path().join("two/backtest.json"))["two_axis"]["versus"]["intervals"];
    for key in ["wins_captured_difference", "conversion_difference", "two_axis_wins_captured", "threshold_conversion"] {
        let (lo, est, hi) = (v[key]["low"].as_f64().unwrap(), v[key]["estimate"].as_f64().unwrap(), v[key]["high"].as_f64().unwrap());
        assert!(lo <= est && est <= hi && lo < hi, "{key}: {lo} {est} {hi}");
    }
    // `mqlcal backtest --json` carries the same comparison.
    let (code, out, err) = run_in(dir.path(), &["backtest", "--config", "two.toml", "--out", "two_json", "--json"]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["two_axis"]["versus"]["summary"].as_str().unwrap(), line);

    // The total rule (no [rule]) writes no two-axis output and the model keeps its threshold.
    let (code, out, err) = run_in(dir.path(), &["backtest", "--config", "total.toml", "--out", "total"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("two-axis"));
    assert!(json(&dir.path().join("total/backtest.json")).get("two_axis").is_none());
    let model = json(&dir.path().join("total/model.json"));
    assert!(model.get("rule").is_none() && model["threshold"].is_i64());
    assert!(!dir.path().join("total/two_axis.csv").exists());
}

#[test]
fn bad_rules_stop_with_a_short_message_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[rule]\nkind = \"two-axis\"\n", "[rule] kind = \"two-axis\""),
        ("[rule]\nkind = \"two_axis\"\nfit_grades = [10, 40, 20]\nengagement_grades = [30]\n", "[rule] fit_grades = [10, 40, 20]: the bounds are not in order"),
        ("[rule]\nkind = \"two_axis\"\nfit_grades = [40, 20]\nengagement_grades = [30, 30]\n", "[rule] engagement_grades = [30, 30]: two bands start at 30"),
        ("[rule]\nkind = \"two_axis\"\nfit_grades = [40]\nengagement_grades = [30]\n[rule.routes]\nB1 = \"nuture\"\n", "did you mean \"nurture\"?"),
        ("[rule]\nkind = \"two_axis\"\nfit_min = 100000\n", "[rule] fit_min = 100000 is above every holdout lead's fit score"),
        ("[rule]\nkind = \"two_axis\"\nengagement_min = -100000\n", "[rule] engagement_min = -100000 is below every holdout lead's engagement score"),
    ];
    for (rule, expected) in cases {
        synthetic(dir.path(), &format!("\n{rule}"));
        let (code, _, err) = run_in(dir.path(), &["backtest", "--config", "mqlcal.toml", "--out", "bt_bad"]);
        assert_ne!(code, 0, "{rule}");
        assert!(err.contains(expected), "{rule}\n→ {err}");
        assert!(err.trim().lines().count() <= 2, "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.path().join("bt_bad/model.json").exists(), "nothing written");
    }
    // A model file whose rule is broken is refused before any lead is read.
    synthetic(dir.path(), "\n[rule]\nkind = \"two_axis\"\n");
    let (code, _, err) = run_in(dir.path(), &["backtest", "--config", "mqlcal.toml", "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    // mqlcal compare sets thresholds on the total score: it refuses a two-axis model and says so.
    let (code, _, err) = run_in(dir.path(), &["compare", "--current", "bt/model.json", "--candidate", "bt/model.json", "--config", "mqlcal.toml", "--out", "cmp"]);
    assert_ne!(code, 0);
    assert!(err.contains("decides MQLs by a two-axis rule") && err.trim().lines().count() <= 2, "{err}");
    let text = std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap();
    let mut model: Value = serde_json::from_str(&text).unwrap();
    model["rule"]["grades"] = serde_json::json!({"fit": [10, 20], "engagement": [5], "routes": {"A1": "nurture"}});
    write(dir.path(), "broken.json", model.to_string());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "broken.json", "--leads", "leads.csv", "-o", "s.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rule.grades.fit = [10, 20]") && err.trim().lines().count() <= 2, "{err}");
    model["rule"]["grades"] = serde_json::json!({"fit": [20], "engagement": [5], "routes": {"A1": "hot"}});
    write(dir.path(), "broken.json", model.to_string());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "broken.json", "--leads", "leads.csv", "-o", "s.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`hot`") && err.contains("`sales`") && err.trim().lines().count() <= 2, "{err}");
}
