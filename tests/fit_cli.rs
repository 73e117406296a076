//! End-to-end: `mqlcal fit` agrees with statsmodels / scikit-learn on the X Education
//! data, recovers known weights on synthetic data, and refuses bad input clearly.

mod common;

use common::*;
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_slice(&std::fs::read(fixtures().join("reference/xeducation_fit.json")).unwrap()).unwrap()
}

/// The X Education config with a `[model]` section, in a temp dir (paths made absolute).
fn xeducation_config(dir: &std::path::Path, model: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo_root().join("tests/xeducation/mqlcal.toml")).unwrap();
    let leads = fixtures().join("data/xeducation/leads.csv");
    let text = text.replace("../fixtures/data/xeducation/leads.csv", leads.to_str().unwrap());
    write(dir, "xe.toml", format!("{text}\n[model]\n{model}\n"))
}

fn fit_json(dir: &std::path::Path, config: &std::path::Path) -> Value {
    let (code, out, err) = run_in(dir, &["fit", "--config", config.to_str().unwrap(), "-o", "model.json", "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn coefficients(fit: &Value) -> Vec<f64> {
    fit["signals"].as_array().unwrap().iter().map(|s| s["coefficient"].as_f64().unwrap()).collect()
}

#[test]
fn penalised_fits_match_the_reference() {
    let reference = reference();
    for (alpha, key) in [(1.0, "penalised_alpha_1"), (100.0, "penalised_alpha_100")] {
        let dir = sample_workdir();
        let config = xeducation_config(dir.path(), &format!("alpha = {alpha}\nholdout_cohorts = 0"));
        let fit = fit_json(dir.path(), &config);
        let expected = &reference["fits"][key];
        assert!((fit["intercept"].as_f64().unwrap() - expected["intercept"].as_f64().unwrap()).abs() < 1e-4);
        let ours = coefficients(&fit);
        let theirs: Vec<f64> = expected["coef"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(ours.len(), 23);
        for (j, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!((a - b).abs() < 1e-4, "alpha {alpha}, coefficient {j}: {a} vs {b}");
        }
        assert_eq!(fit["converged"], true);
        // The model file was written and is a valid model.
        let model: Value = serde_json::from_slice(&std::fs::read(dir.path().join("model.json")).unwrap()).unwrap();
        assert_eq!(model["schema_version"], 1);
        // The strongest positive signal gets exactly 100 points.
        let max_points = model["signals"].as_array().unwrap().iter().map(|s| s["points"].as_i64().unwrap()).max();
        assert_eq!(max_points, Some(100));
    }
}

#[test]
fn unpenalised_fit_and_standard_errors_match_statsmodels() {
    let reference = reference();
    let expected = &reference["fits"]["unpenalised_statsmodels"];
    let dir = sample_workdir();
    let config = xeducation_config(dir.path(), "alpha = 0\nholdout_cohorts = 0");
    let fit = fit_json(dir.path(), &config);
    assert!((fit["intercept"].as_f64().unwrap() - expected["intercept"].as_f64().unwrap()).abs() < 1e-3);
    let se_rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(se_rel(fit["intercept_std_error"].as_f64().unwrap(), expected["intercept_std_err"].as_f64().unwrap()) < 1e-3);
    for (j, s) in fit["signals"].as_array().unwrap().iter().enumerate() {
        let coef = s["coefficient"].as_f64().unwrap();
        let se = s["std_error"].as_f64().unwrap();
        assert!((coef - expected["coef"][j].as_f64().unwrap()).abs() < 1e-3, "coefficient {j}");
        assert!(se_rel(se, expected["std_err"][j].as_f64().unwrap()) < 1e-3, "std error {j}");
    }
    assert!((fit["log_likelihood"].as_f64().unwrap() - expected["log_likelihood"].as_f64().unwrap()).abs() < 1e-3);
}

#[test]
fn sample_points_model_costs_little_auc_and_writes_a_table() {
    let dir = sample_workdir();
    let (code, out, err) = run_in(dir.path(), &["fit", "-o", "model.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("signal") && out.contains("coefficient") && out.contains("points"), "{out}");
    assert!(out.contains("demo_request"), "{out}");
    let (code, out, err) = run_in(dir.path(), &["fit", "-o", "model2.json", "--json"]);
    assert_eq!(code, 0, "{err}");
    let fit: Value = serde_json::from_str(&out).unwrap();
    let cost = &fit["rounding_cost"];
    let (exact, rounded) = (cost["auc_exact"].as_f64().unwrap(), cost["auc_rounded"].as_f64().unwrap());
    assert!((exact - rounded).abs() < 0.005, "rounding cost {exact} -> {rounded}");
    // ... and on the holdout, where a rounding loss would show honestly.
    let (exact, rounded) = (cost["holdout_auc_exact"].as_f64().unwrap(), cost["holdout_auc_rounded"].as_f64().unwrap());
    assert!(exact - rounded < 0.005, "holdout rounding cost {exact} -> {rounded}");
    // alpha = auto by default, chosen by rolling origin; the latest mature quarter is held out.
    assert_eq!(fit["alpha_chosen_by"], "auto");
    assert_eq!(fit["alpha_search"]["folds"].as_array().unwrap().len(), 3);
    assert_eq!(fit["training"]["holdout_cohorts"][0], "2025-Q3");
    assert_eq!(fit["training"]["not_yet_judged"][0], "2025-Q4");
    assert_eq!(fit["training"]["as_of"], "2025-12-31 23:59:18");
    assert!(fit["metrics"]["holdout"]["roc_auc"].as_f64().unwrap() > 0.7);
    // Same inputs, same model file bytes.
    assert_eq!(std::fs::read(dir.path().join("model.json")).unwrap(), std::fs::read(dir.path().join("model2.json")).unwrap());
}

#[test]
fn intervals_cover_the_true_weights_on_synthetic_data() {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["synth", "--leads", "200000", "--seed", "11", "--out", "s"]);
    assert_eq!(code, 0, "{err}");
    let config = dir.path().join("s/mqlcal.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, with_model(&text, "alpha = 0\nholdout_cohorts = 0")).unwrap();
    let fit = fit_json(dir.path(), &config);
    let truth: Value = serde_json::from_slice(&std::fs::read(dir.path().join("s/truth.json")).unwrap()).unwrap();
    let signals = fit["signals"].as_array().unwrap();
    let mut covered = 0;
    for s in signals {
        let name = s["name"].as_str().unwrap();
        let true_weight = truth["weights"][name].as_f64().unwrap_or_else(|| panic!("no truth for {name}"));
        let (coef, se) = (s["coefficient"].as_f64().unwrap(), s["std_error"].as_f64().unwrap());
        if (coef - true_weight).abs() <= 1.96 * se {
            covered += 1;
        }
    }
    let share = covered as f64 / signals.len() as f64;
    assert!(share >= 0.9, "95% intervals covered {covered} of {} true weights", signals.len());
}

#[test]
fn current_points_sheet_is_measured_and_checked() {
    let dir = small_enough_project();
    write(dir.path(), "current.toml", "threshold = 50\n[points]\ndemo_request = 100\n\"title=vp\" = 15\n");
    let config = std::fs::read_to_string(dir.path().join("s/mqlcal.toml")).unwrap();
    write(dir.path(), "s/mqlcal.toml", with_model(&config, "alpha = 1\ncurrent = \"../current.toml\""));
    let fit = fit_json(dir.path(), &dir.path().join("s/mqlcal.toml"));
    let auc = fit["current"]["metrics"]["training"]["roc_auc"].as_f64().unwrap();
    assert!(auc > 0.5 && auc < fit["metrics"]["training"]["roc_auc"].as_f64().unwrap(), "{auc}");

    write(dir.path(), "current.toml", "threshold = 50\n[points]\nwebinar_attended = 30\n");
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", "s/mqlcal.toml", "-o", "m.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("current.toml") && err.contains("\"webinar_attended\"") && err.contains("demo_request"), "{err}");
}

fn small_enough_project() -> tempfile::TempDir {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["synth", "--leads", "8000", "--seed", "3", "--out", "s"]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn bad_fit_inputs_are_clear_errors() {
    // Too few of an outcome, with the counts.
    let dir = small_project();
    let config = std::fs::read_to_string(dir.path().join("mqlcal.toml")).unwrap();
    write(dir.path(), "mqlcal.toml", format!("{config}\n[model]\nalpha = 1\nholdout_cohorts = 0\n"));
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", "mqlcal.toml", "-o", "m.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("2 won") && err.contains("2 lost"), "{err}");
    assert!(!dir.path().join("m.json").exists());

    // Only one outcome among training leads.
    write(dir.path(), "leads.csv", SMALL_LEADS.replace("Lost", "Won"));
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", "mqlcal.toml", "-o", "m.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("only") || err.contains("one outcome"), "{err}");

    // A constant signal is dropped with a warning, never NaN weights; alpha = 0 with a separating signal is an error.
    let project = small_enough_project();
    let config_path = project.path().join("s/mqlcal.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let constant = "\n[[signals]]\nname = \"always_one\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"outcome\"\nequals = [\"won\", \"lost\", \"open\"]\n";
    write(project.path(), "s/mqlcal.toml", format!("{}{constant}", with_model(&config, "alpha = 1")));
    let (code, out, err) = run_in(project.path(), &["fit", "--config", "s/mqlcal.toml", "-o", "m.json", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("always_one"), "{err}");
    let fit: Value = serde_json::from_str(&out).unwrap();
    for s in fit["signals"].as_array().unwrap() {
        assert!(s["coefficient"].as_f64().is_some_and(f64::is_finite), "{s}");
    }

    let leak = "\n[[signals]]\nname = \"is_won\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"outcome\"\nequals = \"won\"\n";
    write(project.path(), "s/mqlcal.toml", format!("{}{leak}", with_model(&config, "alpha = 0")));
    let (code, _, err) = run_in(project.path(), &["fit", "--config", "s/mqlcal.toml", "-o", "m.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is_won") && err.contains("alpha"), "{err}");
}
