//! End-to-end: `[model] training_cohorts`, the training window, on a synthetic world
//! whose truth changed. For eight quarters the lead source decided who won and visits
//! did not; for the last four, visits decide and the source does not. Fitted on every
//! earlier cohort the model blends the two worlds; fitted on the latest three it
//! recovers today's weights, judges the holdout better, and every place that lists
//! what a run trained on names the older cohorts left out. The walk-forward keeps the
//! same window before each cohort it tests.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Twelve quarters from 2022-Q1, 1,500 leads each, every lead decided.
fn changed_world(dir: &Path) {
    let mut rng = Rng(23);
    let mut csv = String::from("lead_id,created_at,outcome,source,visits\n");
    for quarter in 0..12 {
        let (year, first_month) = (2022 + quarter / 4, 1 + 3 * (quarter % 4));
        let today = quarter >= 8;
        for i in 0..1500 {
            let source = ["a", "b", "c"][(rng.next() * 3.0) as usize];
            let visits = (rng.next() * 11.0) as u32;
            let logit = if today { -2.2 + 0.3 * visits as f64 } else { -1.2 + if source == "a" { 1.5 } else { 0.0 } };
            let won = rng.next() < 1.0 / (1.0 + (-logit).exp());
            csv.push_str(&format!(
                "L{quarter:02}{i:04},{year}-{:02}-{:02},{},{source},{visits}\n",
                first_month + i % 3,
                1 + i % 28,
                if won { "won" } else { "lost" }
            ));
        }
    }
    write(dir, "leads.csv", csv);
}

fn config(dir: &Path, name: &str, window: &str) -> String {
    write(
        dir,
        name,
        format!(
            "[input]\nleads = \"leads.csv\"\nas_of = \"2025-01-31\"\n\n[columns]\nid = \"lead_id\"\ncreated_at = \"created_at\"\noutcome = \"outcome\"\n\n\
             [outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\n\n[model]\nalpha = 1\n{window}\n\n\
             [sales]\ncapacity_per_month = 150\ntarget_conversion = [0.3, 0.9]\n\n[backtest]\nbootstrap_resamples = 1000\n\n\
             [[signals]]\nname = \"source\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"source\"\nlevels = [\"a\", \"b\"]\n\n\
             [[signals]]\nname = \"visits\"\naxis = \"engagement\"\nkind = \"count\"\ncolumn = \"visits\"\ncap = 10\n"
        ),
    );
    name.to_string()
}

/// (coefficient of source=a, of visits, holdout AUC) of a run's model.
fn weights(model: &Value) -> (f64, f64, f64) {
    let coefficient = |name: &str| {
        model["signals"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("{name}: {model}"))["coefficient"]
            .as_f64()
            .unwrap()
    };
    (coefficient("source=a"), coefficient("visits"), model["metrics"]["holdout"]["roc_auc"].as_f64().unwrap())
}

#[test]
fn a_training_window_fits_todays_world_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    changed_world(d);
    let every = config(d, "every.toml", "");
    let latest = config(d, "latest.toml", "training_cohorts = 3");

    let mut models = Vec::new();
    for (cfg, out) in [(&every, "every"), (&latest, "latest")] {
        let (code, stdout, err) = run_in(d, &["recalibrate", "--config", cfg, "--out", out]);
        assert_eq!(code, 0, "{stdout}{err}");
        let model: Value = serde_json::from_str(&std::fs::read_to_string(d.join(out).join("model.json")).unwrap()).unwrap();
        models.push((model, stdout));
    }
    let (every_model, every_said) = &models[0];
    let (latest_model, latest_said) = &models[1];

    // Both hold out 2024-Q4; the window trains on 2024-Q1..Q3 alone.
    assert_eq!(every_model["training"]["holdout_cohorts"], serde_json::json!(["2024-Q4"]));
    assert_eq!(latest_model["training"]["holdout_cohorts"], serde_json::json!(["2024-Q4"]));
    assert_eq!(every_model["training"]["cohorts"].as_array().unwrap().len(), 11);
    assert!(every_model["training"].get("before_window").is_none(), "{}", every_model["training"]);
    assert_eq!(latest_model["training"]["cohorts"], serde_json::json!(["2024-Q1", "2024-Q2", "2024-Q3"]));
    assert_eq!(latest_model["training"]["before_window"].as_array().unwrap().len(), 8);
    assert_eq!(latest_model["training"]["won"].as_u64().unwrap() + latest_model["training"]["lost"].as_u64().unwrap(), 4500);

    // Today's truth: source=a 0, visits 0.3. Every cohort blends in the old world's 1.5.
    let (every_a, every_visits, every_auc) = weights(every_model);
    let (latest_a, latest_visits, latest_auc) = weights(latest_model);
    assert!(every_a > 0.6, "all history keeps the old source weight: {every_a}");
    assert!(latest_a.abs() < 0.2, "the window drops it: {latest_a}");
    assert!((latest_visits - 0.3).abs() < 0.06, "the window recovers visits' 0.3: {latest_visits}");
    assert!(every_visits < latest_visits - 0.1, "all history dilutes visits: {every_visits} vs {latest_visits}");
    assert!(latest_auc > every_auc + 0.01, "the window judges the holdout better: {latest_auc} vs {every_auc}");

    // Said wherever the training cohorts are listed: the run's summary, the report, fit.
    let sentence = "Older than the training window ([model] training_cohorts = 3), not fitted on: 2022-Q1 to 2023-Q4 (8 cohorts).";
    assert!(latest_said.contains(sentence), "{latest_said}");
    assert!(!every_said.contains("Older than the training window"), "{every_said}");
    let report = std::fs::read_to_string(d.join("latest/report/report.md")).unwrap();
    assert!(report.contains(sentence), "{report}");
    assert!(report.contains("each quarter is scored by a model fitted on at most the 3 quarters before it"), "{report}");
    let plain = std::fs::read_to_string(d.join("every/report/report.md")).unwrap();
    assert!(plain.contains("each quarter is scored by a model fitted on every quarter before it"), "{plain}");
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(d.join("latest/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["before_window"].as_array().unwrap().len(), 8);
    let (code, out, err) = run_in(d, &["fit", "--config", &latest, "-o", "fitted.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(format!("{out}{err}").contains(sentence), "{out}{err}");

    // The walk-forward tests older cohorts too, each refit on the three before it.
    let (header, rows) = read_csv(&d.join("latest/tables/walk_forward.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let steps: Vec<(String, String, String)> =
        rows.iter().map(|r| (r[col("cohort")].clone(), r[col("training_from")].clone(), r[col("training_cohorts")].clone())).collect();
    assert_eq!(steps.first().unwrap(), &("2022-Q4".to_string(), "2022-Q1".to_string(), "3".to_string()), "{steps:?}");
    assert!(steps.contains(&("2024-Q4".to_string(), "2024-Q1".to_string(), "3".to_string())), "{steps:?}");
    assert!(steps.iter().all(|s| s.2 == "3"), "{steps:?}");
    assert_eq!(steps.len(), 9, "{steps:?}");

    // A window of none is refused with the key and what it means; so is one cohort
    // with alpha = "auto" (no earlier cohort to validate on), which a number fits.
    config(d, "zero.toml", "training_cohorts = 0");
    let (code, _, err) = run_in(d, &["validate", "--config", "zero.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[model] training_cohorts = 0: expected at least 1"), "{err}");
    write(d, "one_auto.toml", std::fs::read_to_string(d.join("latest.toml")).unwrap().replace("alpha = 1\ntraining_cohorts = 3", "training_cohorts = 1"));
    let (code, _, err) = run_in(d, &["validate", "--config", "one_auto.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[model] training_cohorts = 1 leaves alpha = \"auto\" too few cohorts") && err.contains("set alpha to a number"), "{err}");
    config(d, "one.toml", "training_cohorts = 1");
    let (code, out, err) = run_in(d, &["fit", "--config", "one.toml", "-o", "one.json"]);
    assert_eq!(code, 0, "{out}{err}");
    let one: Value = serde_json::from_str(&std::fs::read_to_string(d.join("one.json")).unwrap()).unwrap();
    assert_eq!(one["training"]["cohorts"], serde_json::json!(["2024-Q3"]));
}
