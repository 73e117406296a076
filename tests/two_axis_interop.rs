//! Interop of the two-axis rule: on every sample lead, `mqlcal score`, the SQL
//! export run by every engine of `SQL_ENGINES`, and the PMML export evaluated by
//! jpmml-evaluator agree on the sub-scores, MQL flag, grade and route. The model
//! has grades with named routes, a group cap and both overrides.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

/// The sample with overrides, a cap and a two-axis rule with grades and routes.
pub fn two_axis_sample(dir: &Path) -> std::path::PathBuf {
    let data = repo_root().join("notebooks-data");
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("leads = \"leads.csv\"", &format!("leads = {:?}", data.join("leads.csv").to_str().unwrap()))
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace(
            "[model]\ncurrent = \"current_points.toml\"\n",
            "[model]\nalpha = 1\nalways_mql = [\"demo_request\"]\nnever_mql = [\"email_domain=competitor\"]\n[[model.group_caps]]\nname = \"awareness\"\nsignals = [\"ebook\", \"blog\"]\nmax_points = 12\n",
        );
    assert!(config.contains("always_mql"));
    let rule = "\n[rule]\nkind = \"two_axis\"\nfit_grades = [60, 30, 0]\nengagement_grades = [150, 60]\n[rule.routes]\nA1 = \"sales\"\nB3 = \"campaign\"\nC2 = \"nurture\"\nD1 = \"discard\"\n";
    write(dir, "mqlcal.toml", config + rule)
}

fn backtest_and_score(dir: &Path) -> HashMap<String, Vec<String>> {
    let config = two_axis_sample(dir);
    let (code, _, err) = run_in(dir, &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let events = repo_root().join("notebooks-data/events.csv");
    let leads = repo_root().join("notebooks-data/leads.csv");
    let (code, _, err) = run_in(dir, &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "scores.csv"]);
    assert_eq!(code, 0, "{err}");
    let (header, _) = read_csv(&dir.join("scores.csv"));
    assert_eq!(&header[header.len() - 2..], ["grade", "route"]);
    rows_by_id(&dir.join("scores.csv"))
}

/// The scorer's (score, fit, engagement, mql 1/0, grade, route) of every lead.
fn expected(ours: &HashMap<String, Vec<String>>) -> HashMap<String, Vec<String>> {
    ours.iter()
        .map(|(id, r)| {
            let mql = if r[3] == "true" { "1" } else { "0" };
            (id.clone(), vec![r[0].clone(), r[1].clone(), r[2].clone(), mql.to_string(), r[9].clone(), r[10].clone()])
        })
        .collect()
}

#[test]
fn scorer_sql_and_pmml_agree_on_grade_route_and_mql() {
    let dir = tempfile::tempdir().unwrap();
    let ours = backtest_and_score(dir.path());
    assert_eq!(ours.len(), 20000);
    let want = expected(&ours);
    let routes: std::collections::BTreeSet<&str> = want.values().map(|r| r[5].as_str()).collect();
    assert_eq!(routes.len(), 4, "every route occurs: {routes:?}");
    let grades: std::collections::BTreeSet<&str> = want.values().map(|r| r[4].as_str()).collect();
    assert!(grades.len() >= 8, "most grade cells occur: {grades:?}");
    // The named route of a non-MQL B3 lead is the campaign, of C2 the nurture track.
    assert!(want.values().filter(|r| r[4] == "B3" && r[3] == "0").all(|r| r[5] == "campaign"));
    assert!(want.values().filter(|r| r[4] == "C2" && r[3] == "0").all(|r| r[5] == "nurture"));

    let events = repo_root().join("notebooks-data/events.csv");
    let leads = repo_root().join("notebooks-data/leads.csv");
    for engine in SQL_ENGINES {
        let (_, output) = run_sql_scores(dir.path(), engine, leads.to_str().unwrap(), &events);
        let theirs = rows_by_id(&output);
        assert_eq!(theirs.len(), want.len(), "{engine} returned every lead");
        let mut bad: Vec<String> = want
            .iter()
            .filter_map(|(id, w)| {
                let t = &theirs[id];
                let got = vec![t[0].clone(), t[1].clone(), t[2].clone(), t[3].clone(), t[5].clone(), t[6].clone()];
                (&got != w).then(|| format!("{id}: {engine} {got:?} vs mqlcal {w:?}"))
            })
            .collect();
        bad.sort();
        assert!(bad.is_empty(), "{} mismatches on {engine}, e.g. {:?}", bad.len(), &bad[..bad.len().min(3)]);
    }

    let (code, _, err) = run_in(dir.path(), &["features", "--config", "mqlcal.toml", "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--pmml", "-o", "model.pmml"]);
    assert_eq!(code, 0, "{err}");
    let theirs = jpmml_rows(dir.path(), "model.pmml", "features.csv");
    assert_eq!(theirs.len(), want.len());
    let mut bad: Vec<String> = want
        .iter()
        .filter_map(|(id, w)| {
            let t = &theirs[id];
            // jpmml: score, reason_1, fit_score, engagement_score, mql, grade, route
            let got = vec![t[0].clone(), t[2].clone(), t[3].clone(), t[4].clone(), t[5].clone(), t[6].clone()];
            (&got != w).then(|| format!("{id}: jpmml {got:?} vs mqlcal {w:?}"))
        })
        .collect();
    bad.sort();
    assert!(bad.is_empty(), "{} mismatches on jpmml, e.g. {:?}", bad.len(), &bad[..bad.len().min(3)]);
}
