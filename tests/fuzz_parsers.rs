//! Seeded mutation fuzzing of the three parsers a user's files reach: the config
//! (TOML), the leads CSV (the shape check, then polars) and the model file
//! (JSON). Each valid file is mutated at random (bytes flipped, quotes,
//! delimiters, line breaks and invalid UTF-8 inserted, lines dropped, doubled or
//! cut) and parsed in-process. The property: no panic, and an error is at most
//! three lines that name the file.
//!
//! Briefly in the test suite; for longer, on demand:
//! `MQLCAL_FUZZ_RUNS=20000 cargo test --test fuzz_parsers -- --nocapture`
//! (`MQLCAL_FUZZ_SEED` picks another sequence).

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use common::*;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn runs(default: usize) -> usize {
    std::env::var("MQLCAL_FUZZ_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rng(salt: u64) -> Xoshiro256PlusPlus {
    let seed = std::env::var("MQLCAL_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261201u64);
    Xoshiro256PlusPlus::seed_from_u64(seed ^ salt)
}

/// One to four random edits of `bytes`.
fn mutate(bytes: &[u8], rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
    const NASTY: &[u8] = b"\",;\n\r\t=\xff\xfe\0[]{}#'\\";
    let mut out = bytes.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        if out.is_empty() {
            out.push(NASTY[rng.random_range(0..NASTY.len())]);
            continue;
        }
        let at = rng.random_range(0..out.len());
        match rng.random_range(0..7) {
            0 => out[at] = rng.random(),
            1 => out.insert(at, NASTY[rng.random_range(0..NASTY.len())]),
            2 => {
                let end = (at + rng.random_range(1..40)).min(out.len());
                out.drain(at..end);
            }
            3 => out.truncate(at),
            4 => {
                // Double the line holding `at`.
                let start = out[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let end = out[at..].iter().position(|&b| b == b'\n').map_or(out.len(), |i| at + i + 1);
                let line = out[start..end].to_vec();
                out.splice(end..end, line);
            }
            5 => {
                // Drop one delimiter or quote.
                if let Some(i) = out[at..].iter().position(|&b| b == b',' || b == b'"' || b == b'=') {
                    out.remove(at + i);
                }
            }
            _ => {
                let digits = format!("{}", rng.random::<i64>());
                out.splice(at..at, digits.bytes());
            }
        }
    }
    out
}

/// Checks one parse's outcome: a message of at most three lines that names `file`.
fn judge(what: &str, file: &str, outcome: std::thread::Result<Result<(), String>>, input: &[u8], failures: &mut Vec<String>) {
    let shown = String::from_utf8_lossy(&input[..input.len().min(300)]).into_owned();
    match outcome {
        Err(_) => failures.push(format!("{what}: panicked on {shown:?}")),
        Ok(Err(message)) if message.lines().count() > 3 || !message.contains(file) => {
            failures.push(format!("{what}: message of {} lines without {file:?}: {message:.300}", message.lines().count()))
        }
        Ok(_) => {}
    }
}

#[test]
fn mutated_configs_never_panic() {
    let text = std::fs::read(repo_root().join("notebooks-data/mqlcal.toml")).unwrap();
    let base = repo_root().join("notebooks-data");
    let mut rng = rng(1);
    let mut failures = Vec::new();
    for _ in 0..runs(2000) {
        let input = mutate(&text, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let text = String::from_utf8_lossy(&input);
            mqlcal_config::Config::from_toml_str(&text, Path::new("mqlcal.toml"), &base).map(drop).map_err(|e| e.to_string())
        }));
        judge("config", "mqlcal.toml", outcome, &input, &mut failures);
    }
    assert!(failures.is_empty(), "{} failures, e.g.\n{}", failures.len(), failures[..failures.len().min(5)].join("\n"));
}

#[test]
fn mutated_model_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", data.join("mqlcal.toml").to_str().unwrap(), "-o", "model.json"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read(dir.path().join("model.json")).unwrap();
    let path = dir.path().join("mutated.json");
    let mut rng = rng(2);
    let mut failures = Vec::new();
    for _ in 0..runs(1000) {
        let input = mutate(&text, &mut rng);
        std::fs::write(&path, &input).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| match mqlcal_scorecard::Model::load(&path) {
            // A model that loads must also score and export without trouble.
            Ok(model) => {
                let values = vec![1.0; model.signals.len()];
                let _ = model.explain(&values);
                let _ = mqlcal_scorecard::export::sql::to_sql(&model, mqlcal_scorecard::export::sql::Dialect::Duckdb, "leads", "events");
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }));
        judge("model", "mutated.json", outcome, &input, &mut failures);
    }
    assert!(failures.is_empty(), "{} failures, e.g.\n{}", failures.len(), failures[..failures.len().min(5)].join("\n"));
}

#[test]
fn mutated_lead_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let data = repo_root().join("notebooks-data");
    let leads = std::fs::read_to_string(data.join("leads.csv")).unwrap();
    // Every 40th lead (all cohorts, 500 leads), and only the leads columns: the property is about the CSV.
    let small: String = leads.lines().enumerate().filter(|(i, _)| i % 40 == 0).map(|(_, l)| format!("{l}\n")).collect();
    let config = std::fs::read_to_string(data.join("mqlcal.toml")).unwrap();
    let signals_at = config.find("[[signals]]").unwrap();
    let config = config[..signals_at].replace("events = \"events.csv\"\n", "").replace("current = \"current_points.toml\"\n", "")
        + "[[signals]]\nname = \"title\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"title_seniority\"\nlevels = [\"vp\", \"manager\"]\n\n"
        + "[[signals]]\nname = \"employees\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"company_size\"\ndefault = 0\n";
    let config = config.split("\n[events]").next().unwrap().to_string() + &config[config.find("\n[model]").unwrap()..];
    // Numbers read with either decimal mark (a comma's reader groups thousands and refuses more).
    let configs: Vec<mqlcal_config::Config> = [config.clone(), config.replacen("[input]\n", "[input]\ndecimal = \",\"\n", 1)]
        .iter()
        .map(|text| mqlcal_config::Config::load(&write(dir.path(), "mqlcal.toml", text)).expect("the cut-down config loads"))
        .collect();
    assert_eq!(configs[1].csv.decimal, mqlcal_config::DecimalMark::Comma);
    write(dir.path(), "leads.csv", &small);
    mqlcal_data::build_features(&configs[0]).expect("the unmutated file reads");
    let mut rng = rng(3);
    let mut failures = Vec::new();
    for run in 0..runs(300) {
        let input = mutate(small.as_bytes(), &mut rng);
        std::fs::write(dir.path().join("leads.csv"), &input).unwrap();
        let config = &configs[run % 2];
        let outcome = catch_unwind(AssertUnwindSafe(|| mqlcal_data::build_features(config).map(drop).map_err(|e| e.to_string())));
        judge("leads", "leads.csv", outcome, &input, &mut failures);
    }
    assert!(failures.is_empty(), "{} failures, e.g.\n{}", failures.len(), failures[..failures.len().min(5)].join("\n"));
}
