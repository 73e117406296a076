//! The model file matches its committed JSON Schema (crates/scorecard/model.schema.json),
//! checked by Python's jsonschema package, and broken files do not.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

fn validate(dir: &std::path::Path, files: &[&str]) -> (bool, String) {
    let out = Command::new("python3")
        .arg(repo_root().join("tests/interop/validate_model.py"))
        .arg(repo_root().join("crates/scorecard/model.schema.json"))
        .args(files)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The model file `mqlcal fit --config config -o out` writes in `dir`, which the schema takes.
fn fitted_and_valid(dir: &std::path::Path, config: &str, out: &str) -> Value {
    let (code, _, err) = run_in(dir, &["fit", "--config", config, "-o", out]);
    assert_eq!(code, 0, "{err}");
    let (ok, msg) = validate(dir, &[out]);
    assert!(ok, "{msg}");
    serde_json::from_slice(&std::fs::read(dir.join(out)).unwrap()).unwrap()
}

#[test]
fn model_files_match_the_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo_root().join("notebooks-data/mqlcal.toml");
    let (code, _, err) = run_in(dir.path(), &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(dir.path(), &["fit", "--config", config.to_str().unwrap(), "-o", "fit.json"]);
    assert_eq!(code, 0, "{err}");
    let (ok, msg) = validate(dir.path(), &["bt/model.json", "fit.json"]);
    assert!(ok, "{msg}");

    let model: Value = serde_json::from_slice(&std::fs::read(dir.path().join("bt/model.json")).unwrap()).unwrap();
    // Provenance: the config's hash and the inputs' fingerprints, paths relative to the config.
    assert_eq!(model["provenance"]["inputs"][0]["path"], "leads.csv");
    assert_eq!(model["provenance"]["config_sha256"].as_str().unwrap().len(), 64);
    let broken = [
        ("fractional_points.json", "/signals/0/points", serde_json::json!(12.5), "is not of type 'integer'"),
        ("newer.json", "/schema_version", serde_json::json!(11), "11 is not one of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"),
        ("bad_recipe.json", "/signals/0/recipe/kind", serde_json::json!("lookup"), "signals/0/recipe"),
    ];
    for (name, pointer, value, expected) in broken {
        let mut m = model.clone();
        *m.pointer_mut(pointer).unwrap() = value;
        write(dir.path(), name, serde_json::to_string(&m).unwrap());
        let (ok, msg) = validate(dir.path(), &[name]);
        assert!(!ok && msg.contains(expected), "{name}: {msg}");
    }
    // A multi-select level (version 2).
    let mut listed = model.clone();
    listed["schema_version"] = serde_json::json!(2);
    let level = listed["signals"].as_array_mut().unwrap().iter_mut().find(|s| s["recipe"]["kind"] == "level").unwrap();
    level["recipe"]["separator"] = serde_json::json!(";");
    write(dir.path(), "listed.json", serde_json::to_string(&listed).unwrap());
    let (ok, msg) = validate(dir.path(), &["listed.json"]);
    assert!(ok, "{msg}");
    // Other spellings of a level (version 3); an empty list is not how a model writes none.
    let mut spelled = model.clone();
    spelled["schema_version"] = serde_json::json!(3);
    let level = spelled["signals"].as_array_mut().unwrap().iter_mut().find(|s| s["recipe"]["kind"] == "level").unwrap();
    level["recipe"]["spellings"] = serde_json::json!(["VP", "Vp"]);
    write(dir.path(), "spelled.json", serde_json::to_string(&spelled).unwrap());
    let (ok, msg) = validate(dir.path(), &["spelled.json"]);
    assert!(ok, "{msg}");
    let level = spelled["signals"].as_array_mut().unwrap().iter_mut().find(|s| s["recipe"]["kind"] == "level").unwrap();
    level["recipe"]["spellings"] = serde_json::json!([]);
    write(dir.path(), "no_spellings.json", serde_json::to_string(&spelled).unwrap());
    let (ok, msg) = validate(dir.path(), &["no_spellings.json"]);
    assert!(!ok && msg.contains("spellings"), "{msg}");
    // What the model file records of messier exports: a decimal comma, zoned or Unix timestamps.
    let recorded = |name: &str, decimal: &str, created: &str, occurred: &str| {
        let mut m = model.clone();
        m["inputs"]["decimal"] = serde_json::json!(decimal);
        m["inputs"]["created_at_format"] = serde_json::json!(created);
        m["inputs"]["event_columns"]["occurred_at_format"] = serde_json::json!(occurred);
        write(dir.path(), name, serde_json::to_string(&m).unwrap());
        validate(dir.path(), &[name])
    };
    for (name, created, occurred) in [("zoned.json", "iso_zoned", "iso_zoned"), ("unix.json", "unix_ms", "unix_seconds"), ("serial.json", "excel_serial", "excel_serial_1904")] {
        let (ok, msg) = recorded(name, ",", created, occurred);
        assert!(ok, "{name}: {msg}");
    }
    let (ok, msg) = recorded("bad_decimal.json", ";", "iso", "iso");
    assert!(!ok && msg.contains("decimal"), "{msg}");
    // A window that starts before creation: written as version 4, which the schema takes.
    let data = repo_root().join("notebooks-data");
    let at = |file: &str| format!("{:?}", data.join(file).to_str().unwrap());
    let sample = std::fs::read_to_string(&config).unwrap();
    assert!(sample.contains("window_days = 30\n"));
    let early = sample
        .replace("window_days = 30\n", "window_days = 30\nstarts_before_seconds = 60\n")
        .replace("\"leads.csv\"", &at("leads.csv"))
        .replace("\"events.csv\"", &at("events.csv"))
        .replace("\"current_points.toml\"", &at("current_points.toml"));
    write(dir.path(), "early.toml", early);
    let early = fitted_and_valid(dir.path(), "early.toml", "early.json");
    assert_eq!((early["schema_version"].as_i64(), early["inputs"]["starts_before_seconds"].as_i64()), (Some(4), Some(60)));
    // Ids matched ignoring case: version 5, which the schema takes.
    let folded = sample.replace("[input]\n", "[input]\nid_case = \"ignore\"\n");
    assert_ne!(folded, sample);
    write(dir.path(), "folded.toml", folded.replace("\"leads.csv\"", &at("leads.csv")).replace("\"events.csv\"", &at("events.csv")).replace("\"current_points.toml\"", &at("current_points.toml")));
    let folded = fitted_and_valid(dir.path(), "folded.toml", "folded.json");
    assert_eq!((folded["schema_version"].as_i64(), folded["inputs"]["id_case"].as_str()), (Some(5), Some("ignore")));
    // Events named by another column than the id: version 6, which the schema takes.
    let keyed = sample_copy();
    keyed_by_email(keyed.path());
    let keyed_config = sample.replacen("[columns]\n", "[columns]\nevents_key = \"Email\"\n", 1).replacen("lead_id = \"lead_id\"\n", "lead_id = \"email\"\n", 1);
    write(keyed.path(), "mqlcal.toml", keyed_config);
    let by_email = fitted_and_valid(keyed.path(), "mqlcal.toml", "keyed.json");
    assert_eq!((by_email["schema_version"].as_i64(), by_email["inputs"]["events_key_column"].as_str()), (Some(6), Some("Email")));
    // Times read on a time zone's wall clock: version 7, which the schema takes (and an unknown zone it does not).
    let berlin = sample.replacen("[input]\n", "[input]\ntime_zone = \"Europe/Berlin\"\n", 1);
    write(dir.path(), "berlin.toml", berlin.replace("\"leads.csv\"", &at("leads.csv")).replace("\"events.csv\"", &at("events.csv")).replace("\"current_points.toml\"", &at("current_points.toml")));
    let berlin = fitted_and_valid(dir.path(), "berlin.toml", "berlin.json");
    assert_eq!((berlin["schema_version"].as_i64(), berlin["inputs"]["time_zone"].as_str()), (Some(7), Some("Europe/Berlin")));
    // Events filtered by their detail (a Marketo export): version 8, which the schema takes
    // (and an empty list of texts it does not).
    let marketo = tempfile::tempdir().unwrap();
    marketo_events(&marketo.path().join("activities.csv"));
    let marketo_config = marketo_config(&sample).replace("\"events.csv\"", "\"activities.csv\"").replace("\"leads.csv\"", &at("leads.csv")).replace("\"current_points.toml\"", &at("current_points.toml"));
    write(marketo.path(), "mqlcal.toml", marketo_config);
    let filtered = fitted_and_valid(marketo.path(), "mqlcal.toml", "marketo.json");
    assert_eq!((filtered["schema_version"].as_i64(), filtered["inputs"]["event_columns"]["detail"].as_str()), (Some(8), Some("Primary Attribute Value")));
    // Whole-number levels (a region code), which count `2.0` as `2`: version 10, which the schema takes.
    let codes = tempfile::tempdir().unwrap();
    whole_number_codes(codes.path());
    let coded = fitted_and_valid(codes.path(), "mqlcal.toml", "codes.json");
    assert_eq!(coded["schema_version"].as_i64(), Some(10));
    let mut m = filtered.clone();
    let pricing = m["signals"].as_array_mut().unwrap().iter_mut().find(|s| s["name"] == "pricing_page").unwrap();
    pricing["recipe"]["detail_contains"] = serde_json::json!([]);
    write(dir.path(), "no_texts.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["no_texts.json"]);
    assert!(!ok && msg.contains("detail_contains"), "{msg}");
    let mut m = berlin.clone();
    m["inputs"]["time_zone"] = serde_json::json!("");
    write(dir.path(), "bad_zone.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["bad_zone.json"]);
    assert!(!ok && msg.contains("time_zone"), "{msg}");
    let mut m = folded.clone();
    m["inputs"]["id_case"] = serde_json::json!("upper");
    write(dir.path(), "bad_id_case.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["bad_id_case.json"]);
    assert!(!ok && msg.contains("id_case"), "{msg}");
    let mut m = early.clone();
    m["inputs"]["starts_before_seconds"] = serde_json::json!(86401);
    write(dir.path(), "too_early.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["too_early.json"]);
    assert!(!ok && msg.contains("86401"), "{msg}");
    // Events found by a lead's other ids, several to a cell: version 9, which the schema
    // takes (and a separator of letters it does not).
    let merged_dir = sample_copy();
    merged_from_two_records(merged_dir.path());
    let merged_config = sample.replacen("[columns]\n", "[columns]\nevents_also_key = \"hs_merged_object_ids\"\nevents_also_key_separator = \";\"\n", 1);
    write(merged_dir.path(), "mqlcal.toml", merged_config);
    let merged = fitted_and_valid(merged_dir.path(), "mqlcal.toml", "merged.json");
    assert_eq!(
        (merged["schema_version"].as_i64(), &merged["inputs"]["events_also_key_columns"], merged["inputs"]["events_also_key_separator"].as_str()),
        (Some(9), &serde_json::json!(["hs_merged_object_ids"]), Some(";"))
    );
    let mut m = merged.clone();
    m["inputs"]["events_also_key_separator"] = serde_json::json!("or");
    write(dir.path(), "bad_separator.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["bad_separator.json"]);
    assert!(!ok && msg.contains("events_also_key_separator"), "{msg}");
    // A separator without the columns it separates: refused, as mqlcal refuses it.
    let mut m = merged.clone();
    m["inputs"].as_object_mut().unwrap().remove("events_also_key_columns");
    write(dir.path(), "separator_alone.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["separator_alone.json"]);
    assert!(!ok && msg.contains("events_also_key_columns"), "{msg}");
    let mut m = model.clone();
    m["surprise"] = serde_json::json!(true);
    write(dir.path(), "extra.json", serde_json::to_string(&m).unwrap());
    let (ok, msg) = validate(dir.path(), &["extra.json"]);
    assert!(!ok && msg.contains("surprise"), "{msg}");
}
