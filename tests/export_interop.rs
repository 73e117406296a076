//! Interop: the SQL export, run by SQLite, DuckDB and PostgreSQL (Python's
//! sqlite3, the duckdb package and a throwaway Debian postgresql server, installed
//! by scripts/install-test-tools), returns for every
//! lead exactly the scores, sub-scores, MQL flags and tiers of `mqlcal score`;
//! the PMML export, evaluated by jpmml-evaluator (PyPI, on Java 17), the same scores.
//! The data has levels with quotes, semicolons, `--`, unicode and a leading `=`,
//! and the model has decay, a group cap and both overrides.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::*;

const INDUSTRY: &str = "O'Brien; -- DROP TABLE leads; \"Zürich\"";
const TITLE: &str = "=VP";

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The sample with hostile levels, standard decay on pricing visits, a cap on awareness content and overrides.
fn hostile_sample(dir: &Path) -> std::path::PathBuf {
    let data = repo_root().join("notebooks-data");
    let leads = std::fs::read_to_string(data.join("leads.csv"))
        .unwrap()
        .replace(",financial services,", &format!(",{},", csv_cell(INDUSTRY)))
        .replace(",vp,", &format!(",{},", csv_cell(TITLE)));
    write(dir, "leads.csv", leads);
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("\"financial services\"", &toml_string(INDUSTRY))
        .replace("levels = [\"c-level\", \"vp\",", &format!("levels = [\"c-level\", {},", toml_string(TITLE)))
        .replace("activity = [\"pricing_page_visit\"]\ncap = 3\ndecay = \"none\"", "activity = [\"pricing_page_visit\"]\ncap = 3\ndecay = \"standard\"")
        .replace(
            "[model]\ncurrent = \"current_points.toml\"\n",
            "[model]\nalpha = 1\nalways_mql = [\"demo_request\"]\nnever_mql = [\"email_domain=competitor\"]\n[[model.group_caps]]\nname = \"awareness\"\nsignals = [\"ebook\", \"blog\"]\nmax_points = 12\n",
        );
    assert!(config.contains("decay = \"standard\"") && config.contains(&toml_string(TITLE)));
    write(dir, "mqlcal.toml", config)
}

/// `mqlcal backtest` on the hostile sample into `bt/`, then `mqlcal score` of its leads
/// into `scores.csv`; returns the events file and the scorer's rows by lead id.
fn backtest_and_score(dir: &Path, config: &Path) -> (std::path::PathBuf, HashMap<String, Vec<String>>) {
    let events = repo_root().join("notebooks-data/events.csv");
    let (code, _, err) = run_in(dir, &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        run_in(dir, &["score", "--model", "bt/model.json", "--leads", "leads.csv", "--events", events.to_str().unwrap(), "-o", "scores.csv"]);
    assert_eq!(code, 0, "{err}");
    (events, rows_by_id(&dir.join("scores.csv")))
}

#[test]
fn sql_on_sqlite_duckdb_and_postgres_gives_the_scorers_scores() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let (events, ours) = backtest_and_score(dir.path(), &config);
    assert_eq!(ours.len(), 20000);
    let tiers: std::collections::BTreeSet<&str> = ours.values().map(|r| r[4].as_str()).collect();
    assert_eq!(tiers.len(), 3, "hot, warm and blank tiers all occur: {tiers:?}");

    for engine in ["sqlite", "duckdb", "postgres"] {
        let query = format!("score.{engine}.sql");
        let (code, _, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--sql", "--dialect", engine, "-o", &query]);
        assert_eq!(code, 0, "{err}");
        let sql = std::fs::read_to_string(dir.path().join(&query)).unwrap();
        assert!(sql.contains("'O''Brien; -- DROP TABLE leads; \"Zürich\"'"), "the level is one quoted literal");
        let leads = dir.path().join("leads.csv");
        let output = format!("{engine}.csv");
        let out = if engine == "postgres" {
            Command::new("bash")
                .arg(repo_root().join("tests/interop/run_postgres.sh"))
                .args([query.as_str(), leads.to_str().unwrap(), events.to_str().unwrap(), &output])
                .current_dir(dir.path())
                .output()
                .expect("bash runs")
        } else {
            Command::new("python3")
                .arg(repo_root().join("tests/interop/run_sql.py"))
                .args([engine, &query, "leads.csv", events.to_str().unwrap(), &output])
                .current_dir(dir.path())
                .output()
                .expect("python3 runs")
        };
        assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
        let theirs = rows_by_id(&dir.path().join(format!("{engine}.csv")));
        assert_eq!(theirs.len(), ours.len(), "{engine} returned every lead");
        let mismatches = sql_mismatches(&ours, &theirs, engine);
        assert!(mismatches.is_empty(), "{} mismatches on {engine}, e.g. {:?}", mismatches.len(), &mismatches[..mismatches.len().min(3)]);
    }
}

#[test]
fn pmml_on_jpmml_evaluator_gives_the_scorers_scores() {
    let dir = tempfile::tempdir().unwrap();
    let config = hostile_sample(dir.path());
    let (_, ours) = backtest_and_score(dir.path(), &config);
    let (code, _, err) = run_in(dir.path(), &["features", "--config", config.to_str().unwrap(), "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--pmml", "-o", "model.pmml"]);
    assert_eq!(code, 0, "{err}");
    let pmml = std::fs::read_to_string(dir.path().join("model.pmml")).unwrap();
    assert!(pmml.contains("<Scorecard ") && pmml.contains("version=\"4.4\"") && pmml.contains("O&apos;Brien; -- DROP TABLE leads; &quot;Zürich&quot;"));
    let out = Command::new("python3")
        .arg(repo_root().join("tests/interop/run_pmml.py"))
        .args(["model.pmml", "features.csv", "jpmml.csv"])
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "jpmml-evaluator: {}", String::from_utf8_lossy(&out.stderr));
    let theirs = rows_by_id(&dir.path().join("jpmml.csv"));
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
    backtest_and_score(dir.path(), &config);
    let (header, rows) = read_csv(&dir.path().join("scores.csv"));
    let reasons: Vec<usize> = (1..=3).map(|k| header.iter().position(|h| h == &format!("reason_{k}")).unwrap()).collect();
    let model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap()).unwrap();
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
