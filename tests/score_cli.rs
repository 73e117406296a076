//! End-to-end: `mqlcal score` with a model file from `mqlcal backtest` gives, for
//! every lead of the sample, the points the backtest's own feature table gives;
//! bad model files and leads are refused clearly.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::Value;

#[test]
fn scores_match_the_feature_table_and_bad_inputs_are_named() {
    let dir = sample_workdir();
    let data = repo_root().join("notebooks-data");
    let config = data.join("mqlcal.toml");
    let (code, _, err) = run_in(dir.path(), &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(dir.path(), &["features", "--config", config.to_str().unwrap(), "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let leads = data.join("leads.csv");
    let events = data.join("events.csv");
    let (code, _, err) = run_in(
        dir.path(),
        &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "scores.csv"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("scored 20000 leads"), "{err}");

    let model: Value = serde_json::from_slice(&std::fs::read(dir.path().join("bt/model.json")).unwrap()).unwrap();
    let threshold = model["threshold"].as_i64().unwrap();
    let hot = model["hot_threshold"].as_i64().unwrap();
    let points: HashMap<String, i64> =
        model["signals"].as_array().unwrap().iter().map(|s| (s["name"].as_str().unwrap().to_string(), s["points"].as_i64().unwrap())).collect();
    assert!(model["signals"][0]["recipe"]["kind"].is_string(), "signals carry their recipes");
    assert_eq!(model["inputs"]["id_column"], "lead_id");

    // Every lead starts at the model's base (by default just enough that no score is negative).
    let base = model["base_points"].as_i64().unwrap();
    let (fh, frows) = read_csv(&dir.path().join("features.csv"));
    let expected: HashMap<String, i64> = frows
        .iter()
        .map(|r| {
            let total: i64 = fh.iter().zip(r).filter_map(|(h, v)| points.get(h).map(|p| (*p as f64 * v.parse::<f64>().unwrap()).round() as i64)).sum();
            (r[0].clone(), base + total)
        })
        .collect();
    let (sh, srows) = read_csv(&dir.path().join("scores.csv"));
    assert_eq!(sh, ["lead_id", "score", "fit_score", "engagement_score", "mql", "tier", "probability", "reason_1", "reason_2", "reason_3"]);
    assert_eq!(srows.len(), 20000);
    let mut mqls = 0;
    for r in &srows {
        let score: i64 = r[1].parse().unwrap();
        assert_eq!(score, expected[&r[0]], "lead {}", r[0]);
        assert_eq!(base + r[2].parse::<i64>().unwrap() + r[3].parse::<i64>().unwrap(), score);
        assert!(score >= 0, "lead {} scores {score}", r[0]);
        assert_eq!(r[4] == "true", score >= threshold);
        let tier = if score >= hot { "hot" } else if score >= threshold { "warm" } else { "" };
        assert_eq!(r[5], tier);
        mqls += usize::from(r[4] == "true");
    }
    assert!(mqls > 1000, "{mqls}");
    // Written a block at a time (the sample spans two blocks): every lead once, in the leads file's order.
    let (lh, lrows) = read_csv(&leads);
    let id_at = lh.iter().position(|h| h == "lead_id").unwrap();
    assert!(srows.iter().map(|r| &r[0]).eq(lrows.iter().map(|r| &r[id_at])), "scores follow the leads file's order");
    // The summary's counts are the file's.
    let (code, out, err) = run_in(
        dir.path(),
        &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "again.csv", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((summary["leads"].as_u64(), summary["mqls"].as_u64()), (Some(20_000), Some(mqls as u64)));
    assert_eq!(summary["hot"].as_u64().unwrap() as usize, srows.iter().filter(|r| r[5] == "hot").count());
    assert_eq!(std::fs::read(dir.path().join("again.csv")).unwrap(), std::fs::read(dir.path().join("scores.csv")).unwrap());
    // Parquet output too.
    let (code, _, err) = run_in(
        dir.path(),
        &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "scores.parquet"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(&std::fs::read(dir.path().join("scores.parquet")).unwrap()[..4], b"PAR1");

    // A small file: an id that looks like a formula, an unknown activity, a missing column.
    let header = std::fs::read_to_string(&leads).unwrap().lines().next().unwrap().to_string();
    let first = std::fs::read_to_string(&leads).unwrap().lines().nth(1).unwrap().replacen("L0000001", "=HYPERLINK(1)", 1);
    write(dir.path(), "few.csv", format!("{header}\n{first}\n"));
    write(dir.path(), "few_events.csv", "lead_id,occurred_at,activity\n=HYPERLINK(1),2024-01-02T10:00:00,demo_request\n=HYPERLINK(1),2024-01-02T11:00:00,podcast_listen\n");
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "few_scores.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("\"podcast_listen\" ×1"), "{err}");
    let text = std::fs::read_to_string(dir.path().join("few_scores.csv")).unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with("'=HYPERLINK(1),"), "{text}");
    assert!(text.contains("demo request (+100)"), "{text}");

    // Events are streamed; a bad date still names the file, row and column.
    write(dir.path(), "bad_events.csv", "lead_id,occurred_at,activity\n=HYPERLINK(1),2024-01-02T10:00:00,demo_request\n=HYPERLINK(1),yesterday,demo_request\n");
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "few.csv", "--events", "bad_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad_events.csv") && err.contains("row 2") && err.contains("occurred_at") && err.contains("yesterday"), "{err}");

    let without_title = std::fs::read_to_string(dir.path().join("few.csv")).unwrap().replace("title_seniority", "job_title");
    write(dir.path(), "no_title.csv", without_title);
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "bt/model.json", "--leads", "no_title.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("title_seniority") && err.contains("no_title.csv"), "{err}");

    // A model file from a newer schema, and a hand-edited one with fractional points.
    let text = std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap();
    write(dir.path(), "newer.json", text.replacen("\"schema_version\": 1", "\"schema_version\": 11", 1));
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "newer.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("schema_version 11 is not supported by this mqlcal (it reads versions 1 to 10)"), "{err}");
    // A zone the tz database does not know: refused when the file is read, naming it.
    let mut zoned: Value = serde_json::from_str(&text).unwrap();
    zoned["schema_version"] = serde_json::json!(7);
    zoned["inputs"]["time_zone"] = serde_json::json!("Europe/Berlim");
    write(dir.path(), "zoned.json", serde_json::to_string(&zoned).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "zoned.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert!(code == 1 && err.contains("unknown time zone \"Europe/Berlim\"") && err.contains("did you mean \"Europe/Berlin\""), "{err}");
    // Ids matched ignoring case in a file that says version 1: refused, not matched as written.
    let mut folded: Value = serde_json::from_str(&text).unwrap();
    folded["inputs"]["id_case"] = serde_json::json!("ignore");
    write(dir.path(), "folded_v1.json", serde_json::to_string(&folded).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "folded_v1.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("which needs schema_version 5: a reader of version 1 would match the events' lead ids as written"), "{err}");
    // A window that starts before creation in a file that says version 1: refused, not read from creation.
    let mut early: Value = serde_json::from_str(&text).unwrap();
    early["inputs"]["starts_before_seconds"] = serde_json::json!(60);
    write(dir.path(), "early_v1.json", serde_json::to_string(&early).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "early_v1.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("which needs schema_version 4: a reader of version 1 would count events from creation only"), "{err}");
    // Days early, hand-edited: refused as the config refuses it.
    early["schema_version"] = serde_json::json!(4);
    early["inputs"]["starts_before_seconds"] = serde_json::json!(86_401);
    write(dir.path(), "too_early.json", serde_json::to_string(&early).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "too_early.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("inputs.starts_before_seconds = 86401: expected at most 86400"), "{err}");
    // A level's training share above 1, hand-edited: refused, as the schema refuses it.
    let mut shares: Value = serde_json::from_str(&text).unwrap();
    let (level, _) = shares["training"]["level_shares"].as_object().unwrap().iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap();
    shares["training"]["level_shares"][&level] = serde_json::json!(1.2);
    write(dir.path(), "shares.json", serde_json::to_string(&shares).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "shares.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains(&format!("training.level_shares[{level:?}] = 1.2: expected the share of the training leads that had it, from 0 to 1")), "{err}");
    let mut edited: Value = serde_json::from_str(&text).unwrap();
    edited["signals"][0]["points"] = serde_json::json!(12.5);
    write(dir.path(), "edited.json", serde_json::to_string(&edited).unwrap());
    let (code, _, err) = run_in(dir.path(), &["score", "--model", "edited.json", "--leads", "few.csv", "--events", "few_events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "bad content: exit 1");
    assert!(err.contains("edited.json") && err.contains("not a valid model file"), "{err}");
    assert!(!dir.path().join("x.csv").exists());
}

/// `-o -` pipes CSV; `--format hubspot|salesforce` writes the CRM's import file.
#[test]
fn scores_pipe_and_import_into_the_crm() {
    let dir = sample_workdir();
    let (code, _, err) = run_in(dir.path(), &["backtest", "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let data = repo_root().join("notebooks-data");
    let (leads, events) = (data.join("leads.csv"), data.join("events.csv"));
    let score = |extra: &[&str]| -> String {
        let mut args = vec!["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "-"];
        args.extend_from_slice(extra);
        let (code, out, err) = run_in(dir.path(), &args);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("wrote"), "{err}");
        out
    };
    let plain = score(&[]);
    assert!(plain.starts_with("lead_id,score,fit_score,engagement_score,mql,tier,probability,reason_1"), "{}", &plain[..200]);
    assert_eq!(plain.lines().count(), 20_001);
    // The rows are written while later blocks are scored: a reader that stops after the
    // header (`| head -1`) ends the run quietly, and a write that fails is the error.
    let piped = |stdout: std::process::Stdio| {
        bin()
            .args(["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events.to_str().unwrap(), "-o", "-"])
            .current_dir(dir.path())
            .stdout(stdout)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("mqlcal runs")
    };
    let mut child = piped(std::process::Stdio::piped());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
    assert!(first.starts_with("lead_id,score,"), "{first}");
    let stopped = child.wait_with_output().unwrap();
    assert_eq!(stopped.status.code(), Some(0), "{}", String::from_utf8_lossy(&stopped.stderr));
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let failed = piped(full.into()).wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(2), "{err}");
        assert!(err.contains("cannot write to standard output") && err.contains("No space left"), "{err}");
    }
    let hubspot = score(&["--format", "hubspot"]);
    assert!(hubspot.starts_with("Record ID,mqlcal_score,mqlcal_mql,mqlcal_tier,mqlcal_reasons\n"), "{}", &hubspot[..200]);
    let salesforce = score(&["--format", "salesforce"]);
    assert!(salesforce.starts_with("Id,MQL_Score__c,Is_MQL__c,MQL_Tier__c,MQL_Reasons__c\n"));
    // Same scores and flags in every format.
    let column = |text: &str, k: usize| -> Vec<String> { text.lines().skip(1).map(|l| split_csv_line(l)[k].clone()).collect() };
    assert_eq!(column(&plain, 1), column(&hubspot, 1));
    assert_eq!(column(&plain, 4), column(&salesforce, 2));
    assert!(hubspot.lines().nth(1).unwrap().contains("; "), "reasons joined for one CRM field");

    // features and export pipe too.
    let (code, out, err) = run_in(dir.path(), &["features", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("lead_id,created_at,cohort,outcome"));
    let (code, out, err) = run_in(dir.path(), &["export", "--model", "bt/model.json", "--sql", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("SELECT"));
}

/// What reading the batch copes with is said, not swallowed: a Latin-1 cell (read as
/// Latin-1) and a spreadsheet's blank rows below the data (ignored), on stderr and in
/// `--json`; the scores are the clean file's.
#[test]
fn score_says_what_reading_the_batch_coped_with() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fitted_synth(d, 1500, 11);
    // A column no signal reads, with "café" in Latin-1 on one row, and two rows of delimiters below.
    let clean = std::fs::read_to_string(d.join("crm/leads.csv")).unwrap();
    let mut messy: Vec<u8> = Vec::new();
    for (k, line) in clean.lines().enumerate() {
        messy.extend_from_slice(line.as_bytes());
        messy.extend_from_slice(match k {
            0 => b",note\n".as_slice(),
            7 => b",caf\xe9\n".as_slice(),
            _ => b",\n".as_slice(),
        });
    }
    let commas = ",".repeat(clean.lines().next().unwrap().matches(',').count() + 1);
    messy.extend_from_slice(format!("{commas}\n{commas}\n").as_bytes());
    std::fs::write(d.join("messy.csv"), messy).unwrap();

    let score = |leads: &str, out: &str| run_in(d, &["score", "--model", "model.json", "--leads", leads, "--events", "crm/events.csv", "-o", out, "--json"]);
    let (code, out, err) = score("messy.csv", "messy_scores.csv");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: messy.csv: not valid UTF-8, read as Latin-1 (export it as UTF-8"), "{err}");
    assert!(err.contains("warning: messy.csv: ignored the last 2 rows, whose every cell is blank (rows 1501 to 1502"), "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["warnings"].as_array().map(Vec::len), Some(2), "{summary}");
    assert_eq!(summary["leads"], 1500);
    let (code, out, err) = score("crm/leads.csv", "clean_scores.csv");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning") && serde_json::from_str::<Value>(&out).unwrap().get("warnings").is_none(), "{err}{out}");
    assert_eq!(std::fs::read(d.join("messy_scores.csv")).unwrap(), std::fs::read(d.join("clean_scores.csv")).unwrap());
}

/// A production batch whose picklists and activities were renamed since training (`VP`
/// for the level `vp`, `us` among the flag's `US`, `Email Click` for `email_click`): those
/// leads lose the points silently unless told. `score` names each value, its leads (or
/// events) and the spelling the model matches; the scores are those of the levels missed,
/// and the batch spelled as trained scores as the model's own data.
#[test]
fn score_names_values_written_otherwise_than_the_model_matches() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fitted_synth(d, 3000, 13);
    let (header, rows) = read_csv(&d.join("crm/leads.csv"));
    let (title, country) = (header.iter().position(|h| h == "title_seniority").unwrap(), header.iter().position(|h| h == "country").unwrap());
    let mut renamed = rows.clone();
    let (mut vps, mut us) = (0, 0);
    for row in renamed.iter_mut() {
        if row[title] == "vp" {
            row[title] = "VP".into();
            vps += 1;
        }
        if row[country] == "US" && us < 100 {
            row[country] = "us".into();
            us += 1;
        }
    }
    write_csv(&d.join("renamed.csv"), &header, &renamed);
    let (events_header, events) = read_csv(&d.join("crm/events.csv"));
    let mut renamed_events = events.clone();
    let clicks = respell_every(&mut renamed_events, 2, "email_click", "Email Click", 2).len();
    write_csv(&d.join("renamed_events.csv"), &events_header, &renamed_events);
    assert!(vps > 100 && us == 100 && clicks > 100);

    let score = |leads: &str, events: &str, out: &str| {
        let (code, json, err) = run_in(d, &["score", "--model", "model.json", "--leads", leads, "--events", events, "-o", out, "--json"]);
        assert_eq!(code, 0, "{err}");
        (serde_json::from_str::<Value>(&json).unwrap(), err)
    };
    let (summary, err) = score("renamed.csv", "renamed_events.csv", "renamed_scores.csv");
    for said in [
        format!("warning: signal \"title=vp\": \"VP\" ({vps} leads) is written like its level \"vp\" but for case, spaces or punctuation; levels match exactly, so those leads get none of its points: export \"vp\" as the training data wrote it"),
        format!("warning: signal \"target_geo\": \"us\" ({us} leads) is written like its level \"US\""),
        format!("warning: renamed_events.csv: \"Email Click\" ({clicks} events) is written like the activity \"email_click\" that signal \"email_click\" counts"),
    ] {
        assert!(err.contains(&said), "{said}\n{err}");
    }
    assert_eq!(summary["warnings"].as_array().map(Vec::len), Some(3), "{summary}");
    let (summary, err) = score("crm/leads.csv", "crm/events.csv", "clean_scores.csv");
    assert!(summary.get("warnings").is_none() && !err.contains("written like"), "{err}");
    // The renamed leads scored lower (the points of the levels they missed), the others alike.
    let (_, clean) = read_csv(&d.join("clean_scores.csv"));
    let (sh, renamed_scores) = read_csv(&d.join("renamed_scores.csv"));
    let score_at = sh.iter().position(|h| h == "score").unwrap();
    let lower = clean.iter().zip(&renamed_scores).filter(|(c, r)| r[score_at].parse::<i64>().unwrap() < c[score_at].parse::<i64>().unwrap()).count();
    let changed = clean.iter().zip(&renamed_scores).filter(|(c, r)| c != r).count();
    assert!(lower == changed && lower >= vps, "{lower} lower, {changed} changed");
}

/// A picklist value renamed since training (industry "healthcare" is "Life Sciences &
/// Health" for the leads created from 2025-05): the batch of those leads has no lead with
/// the level, where the model's training share (recorded in the model file, counted here
/// by hand from the feature table) expects hundreds; score says so, naming the new value
/// among the batch's values the model has no level for. The same batch as exported at
/// training says nothing.
#[test]
fn score_says_a_level_no_lead_has_since_training() {
    let (dir, model) = backtested_sample();
    let d = dir.path();
    let share = model["training"]["level_shares"]["industry=healthcare"].as_f64().unwrap();
    assert_eq!(share, training_shares_by_hand(d, &model)("industry=healthcare"));

    let (header, leads) = read_csv(&d.join("leads.csv"));
    let industry = header.iter().position(|h| h == "industry").unwrap();
    let recent: Vec<Vec<String>> = leads.into_iter().filter(|l| l[1].as_str() >= "2025-05").collect();
    write_csv(&d.join("recent.csv"), &header, &recent);
    let renamed: Vec<Vec<String>> = recent
        .iter()
        .map(|l| {
            let mut l = l.clone();
            if l[industry] == "healthcare" {
                l[industry] = "Life Sciences & Health".into();
            }
            l
        })
        .collect();
    let moved = renamed.iter().filter(|l| l[industry] == "Life Sciences & Health").count();
    write_csv(&d.join("renamed.csv"), &header, &renamed);
    let score = |leads: &str| {
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", leads, "--events", "events.csv", "-o", "scores.csv"]);
        assert_eq!(code, 0, "{err}");
        err
    };
    let err = score("renamed.csv");
    let expected = format!(
        "warning: signal \"industry=healthcare\": no lead of this batch has \"healthcare\", where {:.1} % of the training leads did (about {:.0} of these {}): renamed since training? Values of \"industry\" the model has no level for, those of about as many leads first: ",
        100.0 * share,
        share * recent.len() as f64,
        recent.len()
    );
    assert!(err.contains(&expected), "{expected}\n{err}");
    let named = err.split(&expected).nth(1).unwrap().split("; if one is").next().unwrap();
    assert!(named.contains(&format!("\"Life Sciences & Health\" ({moved} leads)")), "{named}");
    assert!(!score("recent.csv").contains("no lead of this batch has"));
}

/// A production events feed that lost one activity (the webinar platform's sync stopped:
/// no webinar event at all) or most of its events scores every lead as if it had not done
/// them: the MQLs fall, and nothing said so (no event of an activity the model does not
/// count, none for an unknown lead). The model records each signal column's share of the
/// training leads that are not 0 (`training.nonzero_shares`, checked here by hand against
/// the feature table), and `score` names the events signals that counted an event for at
/// most a quarter of that share of the batch's leads whose windows have closed.
#[test]
fn score_says_an_events_signal_that_counts_far_fewer_leads_than_in_training() {
    let (dir, model) = backtested_sample();
    let d = dir.path();
    let training = &model["training"];
    let events_signals: Vec<(String, Vec<String>)> = model["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["recipe"]["activities"].is_array())
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["recipe"]["activities"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()))
        .collect();
    assert!(events_signals.len() >= 5, "{events_signals:?}");
    // Each column in one of the two lists: levels and bins in level_shares, the others here.
    assert!(training["nonzero_shares"].get("industry=healthcare").is_none() && training["level_shares"].get("webinar").is_none(), "{training}");
    let share_of = training_shares_by_hand(d, &model);
    for (name, _) in &events_signals {
        assert_eq!(training["nonzero_shares"][name].as_f64(), Some(share_of(name)), "{name}");
    }
    assert_eq!(training["nonzero_shares"]["target_geo"].as_f64(), Some(share_of("target_geo")));

    let (header, events) = read_csv(&d.join("events.csv"));
    let webinar = &events_signals.iter().find(|(name, _)| name == "webinar").unwrap().1;
    let stopped: Vec<Vec<String>> = events.iter().filter(|e| !webinar.contains(&e[2])).cloned().collect();
    write_csv(&d.join("stopped.csv"), &header, &stopped);
    // The events of one lead in ten, by the number in its id.
    let thinned: Vec<Vec<String>> = events.iter().filter(|e| e[0].trim_start_matches('L').parse::<u64>().unwrap() % 10 == 0).cloned().collect();
    write_csv(&d.join("thinned.csv"), &header, &thinned);
    let score = |events: &str| {
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "leads.csv", "--events", events, "-o", "scores.csv"]);
        assert_eq!(code, 0, "{err}");
        err
    };
    let said = "events signals counted an event for far fewer of the batch's ";
    assert!(!score("events.csv").contains(said));
    let err = score("stopped.csv");
    let webinar_share = training["nonzero_shares"]["webinar"].as_f64().unwrap();
    assert!(webinar_share >= 0.05, "{webinar_share}");
    let listed = format!("\"webinar\" (activity {}) 0.0 %, against {:.1} % in training. Is each activity still exported as in training?", webinar.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "), 100.0 * webinar_share);
    assert!(err.contains(&format!("warning: stopped.csv: {said}")) && err.contains(&listed), "{listed}\n{err}");
    assert_eq!(err.matches(" % in training").count(), 1, "only the webinar: {err}");
    // Every signal far fewer: the file is said, two signals named.
    let err = score("thinned.csv");
    let judged = events_signals.iter().filter(|(name, _)| training["nonzero_shares"][name].as_f64().unwrap() >= 0.05).count();
    assert!(judged >= 3, "{judged}");
    assert!(err.contains("warning: thinned.csv: every events signal counted an event for far fewer of the batch's "), "{err}");
    assert!(err.contains(&format!(" in training, and {} more): does the file hold every lead's events?", judged - 2)), "{err}");
    assert_eq!(err.matches(" % in training").count(), 2, "{err}");

    // A column a form no longer fills: the flag that reads it is 0 for every lead.
    let (header, leads) = read_csv(&d.join("leads.csv"));
    let country = header.iter().position(|h| h == "country").unwrap();
    let unfilled: Vec<Vec<String>> = leads.iter().map(|row| [&row[..country], &[String::new()], &row[country + 1..]].concat()).collect();
    write_csv(&d.join("unfilled.csv"), &header, &unfilled);
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "unfilled.csv", "--events", "events.csv", "-o", "scores.csv"]);
    assert_eq!(code, 0, "{err}");
    let geo = training["nonzero_shares"]["target_geo"].as_f64().unwrap();
    let said = format!(
        "warning: unfilled.csv: signals are not 0 for far fewer of the batch's {} leads than of the training leads: \"target_geo\" (column \"country\") 0.0 %, against {:.1} % in training. Is each column still filled as in training?",
        leads.len(),
        100.0 * geo
    );
    assert!(err.contains(&said), "{said}\n{err}");
    assert!(!score("events.csv").contains("signals are not 0 for far fewer"));
}

/// The sample copied, and the model `backtest` wrote for it (`bt/model.json`).
fn backtested_sample() -> (tempfile::TempDir, Value) {
    let dir = sample_copy();
    let (code, _, err) = run_in(dir.path(), &["backtest", "--config", "mqlcal.toml", "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let model = serde_json::from_str(&std::fs::read_to_string(dir.path().join("bt/model.json")).unwrap()).unwrap();
    (dir, model)
}

/// By hand, what the model's training shares say: per feature column, the share of the
/// training cohorts' decided leads whose value is not 0, to 4 decimals, from `features`.
fn training_shares_by_hand(d: &std::path::Path, model: &Value) -> impl Fn(&str) -> f64 {
    let (code, _, err) = run_in(d, &["features", "--config", "mqlcal.toml", "-o", "features.csv"]);
    assert_eq!(code, 0, "{err}");
    let (header, rows) = read_csv(&d.join("features.csv"));
    let col = move |name: &str| header.iter().position(|h| h == name).unwrap();
    let cohorts: Vec<String> = model["training"]["cohorts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    let trained: Vec<Vec<String>> = rows.into_iter().filter(|r| cohorts.contains(&r[col("cohort")]) && ["won", "lost"].contains(&r[col("outcome")].as_str())).collect();
    move |name: &str| {
        let had = trained.iter().filter(|r| r[col(name)].parse::<f64>().unwrap() != 0.0).count();
        (had as f64 / trained.len() as f64 * 1e4).round() / 1e4
    }
}

/// `leads` synthetic leads (seed `seed`) in `dir/crm`, and `dir/model.json` fitted on them.
fn fitted_synth(dir: &std::path::Path, leads: usize, seed: u64) {
    synth(dir, "crm", leads, seed, &[]);
    let (code, _, err) = run_in(dir, &["fit", "--config", "crm/mqlcal.toml", "-o", "model.json"]);
    assert_eq!(code, 0, "{err}");
}

/// A scheduled job's quiet day: a batch of no lead (its header alone) scores to the
/// scores' header alone, and a day without activity (the events' header alone) scores
/// every lead on what it is, its engagement none; each said, exit 0. The columns are
/// still checked: a header without a column the model reads is refused.
#[test]
fn a_quiet_day_scores_an_empty_batch_and_leads_without_events() {
    let (dir, data) = sample_model();
    let d = dir.path();
    let leads = std::fs::read_to_string(data.join("leads.csv")).unwrap();
    let events = std::fs::read_to_string(data.join("events.csv")).unwrap();
    let (leads_header, events_header) = (leads.lines().next().unwrap(), events.lines().next().unwrap());
    write(d, "no_leads.csv", format!("{leads_header}\n"));
    write(d, "no_events.csv", format!("{events_header}\n"));
    write(d, "day.csv", leads.lines().take(51).map(|l| format!("{l}\n")).collect::<String>());
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "no_leads.csv", "--events", "no_events.csv", "-o", "none.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("scored 0 leads") && err.contains("no_leads.csv: holds no lead (its header alone): the scores are their header alone"), "{err}");
    let (header, rows) = read_csv(&d.join("none.csv"));
    assert!(header[0] == "lead_id" && header.contains(&"score".to_string()) && rows.is_empty(), "{header:?} {rows:?}");
    // The day's leads without events score as with the events, less their engagement.
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "day.csv", "--events", "no_events.csv", "-o", "quiet.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("scored 50 leads") && err.contains("no_events.csv: holds no event (its header alone): no lead's engagement signals count any"), "{err}");
    let events_path = data.join("events.csv");
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "day.csv", "--events", events_path.to_str().unwrap(), "-o", "busy.csv"]);
    assert_eq!(code, 0, "{err}");
    let (header, quiet) = read_csv(&d.join("quiet.csv"));
    let (_, busy) = read_csv(&d.join("busy.csv"));
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (fit, engagement) = (at("fit_score"), at("engagement_score"));
    assert_eq!(quiet.len(), 50);
    assert!(busy.iter().any(|row| row[engagement] != "0"), "the sample's leads did something");
    for (quiet, busy) in quiet.iter().zip(&busy) {
        assert_eq!((&quiet[0], &quiet[fit], quiet[engagement].as_str()), (&busy[0], &busy[fit], "0"));
    }
    // No header is no quiet day (a failed export): no bytes, or a blank first line
    // above rows; nor is a report's footer that counts rows with none above it. A quiet
    // day's events are still read: a wrong events file fails that day too.
    write(d, "zero.csv", "");
    write(d, "blank_first.csv", format!("\n{}", leads.lines().take(3).map(|l| format!("{l}\n")).collect::<String>()));
    write(d, "cut.csv", format!("{leads_header}\n\n\"Grand Totals (500 records)\"\n\"Confidential Information - Do Not Distribute\"\n"));
    write(d, "two_columns.csv", "lead_id,occurred_at\n");
    for (leads, events, said) in [
        ("zero.csv", "no_events.csv", "zero.csv: the file is empty or holds only its header"),
        ("blank_first.csv", "no_events.csv", "blank_first.csv: the file is empty or holds only its header"),
        ("day.csv", "zero.csv", "zero.csv: the file is empty or holds only its header"),
        ("cut.csv", "no_events.csv", "cut.csv: holds no row above its report's footer (line 2), which counts 500 records: the rows were cut off"),
        ("no_leads.csv", "two_columns.csv", "two_columns.csv: no column \"activity\""),
    ] {
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", leads, "--events", events, "-o", "refused.csv"]);
        assert!(code != 0 && err.contains(said), "{leads} {events}: {err}");
        assert!(!d.join("refused.csv").exists());
    }
    // A header without a column the model reads is still refused, as is a run without
    // the events the model counts (on a quiet day too).
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "no_leads.csv", "-o", "no_events_named.csv"]);
    assert!(code != 0 && err.contains("the model counts events: pass the events file with --events"), "{err}");
    write(d, "wrong.csv", "lead_id,created_at\n");
    let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", "wrong.csv", "--events", "no_events.csv", "-o", "wrong_scores.csv"]);
    assert!(code != 0 && err.contains("wrong.csv: no column"), "{err}");
    assert!(!d.join("wrong_scores.csv").exists());
}

/// Events that cover only part of the batch's windows are said: a production job that
/// passes the last days' activities alone (or an archive cut at a date) scores the
/// older leads as if they had done nothing before, and events exported before the
/// leads leave the newest with no engagement. The sample's own events say nothing.
#[test]
fn score_says_when_the_events_cover_part_of_the_windows() {
    let (dir, data) = sample_model();
    let d = dir.path();
    let events = std::fs::read_to_string(data.join("events.csv")).unwrap();
    let header = events.lines().next().unwrap();
    let month_of = |line: &str| line.split(',').nth(1).unwrap()[..7].to_string();
    let since: String = events.lines().skip(1).filter(|l| month_of(l).as_str() >= "2025-06").map(|l| format!("{l}\n")).collect();
    let until: String = events.lines().skip(1).filter(|l| month_of(l).as_str() < "2025-01").map(|l| format!("{l}\n")).collect();
    write(d, "since.csv", format!("{header}\n{since}"));
    write(d, "until.csv", format!("{header}\n{until}"));
    let leads = data.join("leads.csv");
    let score = |events: &str| {
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", events, "-o", "scores.csv"]);
        assert_eq!(code, 0, "{err}");
        err
    };
    let err = score("since.csv");
    assert!(err.contains("since.csv: the batch's events begin on 2025-06-01 (the first 0.1 % aside), but 13495 of its 20000 leads (67 %) began their window more than a day before: their engagement counts only the events from then on"), "{err}");
    assert!(err.contains("pass the events from the batch's first window on (2024-01-01)"), "{err}");
    let err = score("until.csv");
    assert!(err.contains("until.csv: the batch's events end on 2024-12-31 (the last 0.1 % aside), but 10739 of its 20000 leads (54 %) were created more than a day after: they count no engagement"), "{err}");
    let err = score(data.join("events.csv").to_str().unwrap());
    assert!(!err.contains("the batch's events"), "{err}");
}

/// A batch scored before its leads' windows closed: the sample's events end on
/// 2025-12-31, so a lead created from 2025-12-03 on has a 30-day window that ends more
/// than a day later; its engagement counts its events so far. `score` says how many (and
/// how many of them are not MQLs yet), counted here from the leads file and the scores;
/// a batch of older leads says nothing.
#[test]
fn score_says_how_many_leads_it_scored_before_their_window_closed() {
    let (dir, data) = sample_model();
    let d = dir.path();
    let (_, events) = read_csv(&data.join("events.csv"));
    assert_eq!(events.iter().map(|e| &e[1][..10]).max().unwrap(), "2025-12-31");
    let (header, leads) = read_csv(&data.join("leads.csv"));
    let created = header.iter().position(|h| h == "created_at").unwrap();
    let open: std::collections::HashSet<&str> = leads.iter().filter(|l| &l[created][..10] >= "2025-12-03").map(|l| l[0].as_str()).collect();
    assert!(open.len() > 500, "{}", open.len());
    let score = |leads: &std::path::Path, out: &str| -> (Value, String) {
        let (code, json, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", leads.to_str().unwrap(), "--events", data.join("events.csv").to_str().unwrap(), "-o", out, "--json"]);
        assert_eq!(code, 0, "{err}");
        (serde_json::from_str(&json).unwrap(), err)
    };
    let (json, err) = score(&data.join("leads.csv"), "scores.csv");
    let (scores_header, scores) = read_csv(&d.join("scores.csv"));
    let mql = scores_header.iter().position(|h| h == "mql").unwrap();
    let not_mql = scores.iter().filter(|s| open.contains(s[0].as_str()) && s[mql] != "true").count();
    assert!(not_mql > 0 && not_mql < open.len());
    assert_eq!(json["open_windows"], serde_json::json!({ "events_end": "2025-12-31", "leads": open.len(), "not_mql": not_mql }));
    let pct = (100.0 * open.len() as f64 / leads.len() as f64).round();
    let said = format!(
        "note: {}: the events end on 2025-12-31 (the last 0.1 % aside), before the 30-day windows of {} of the batch's 20000 leads ({pct} %) do: those leads count their events so far, and their scores can still change ({not_mql} of them not MQLs yet). Scored again as their events come, a lead is an MQL once it qualifies",
        data.join("events.csv").display(),
        open.len()
    );
    assert!(err.contains(&said), "{said}\n{err}");

    // The leads created before November: every window closed.
    let older: Vec<Vec<String>> = leads.iter().filter(|l| &l[created][..10] < "2025-11-01").cloned().collect();
    write_csv(&d.join("older.csv"), &header, &older);
    let (json, err) = score(&d.join("older.csv"), "older_scores.csv");
    assert_eq!(json["open_windows"]["leads"], 0);
    assert!(!err.contains("windows of"), "{err}");
}

/// A batch whose leads lack a creation time (blank, or a missing-value text) cannot have
/// its engagement counted: refused, naming the first such lead, how many more there are
/// and the two ways out; the same batch scores once they are left out.
#[test]
fn score_refuses_leads_without_a_creation_time_and_says_how_many() {
    let (dir, data) = sample_model();
    let d = dir.path();
    let (header, leads) = read_csv(&data.join("leads.csv"));
    let created = header.iter().position(|h| h == "created_at").unwrap();
    let mut batch: Vec<Vec<String>> = leads[..200].to_vec();
    for (k, lead) in batch.iter_mut().enumerate().skip(3).step_by(10) {
        lead[created] = if k % 20 == 3 { String::new() } else { "NA".to_string() };
    }
    write_csv(&d.join("batch.csv"), &header, &batch);
    let events = data.join("events.csv");
    let score = |leads: &str| run_in(d, &["score", "--model", "bt/model.json", "--leads", leads, "--events", events.to_str().unwrap(), "-o", "scores.csv"]);
    let (code, _, err) = score("batch.csv");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("batch.csv: row 4 (line 5), column \"created_at\": no creation time (19 more of the batch's 200 leads have none), and signal \"demo_request\" counts events in the window that starts there: export every lead's creation time, or leave the leads without one out of the batch"),
        "{err}"
    );
    assert!(!d.join("scores.csv").exists());
    let dated: Vec<Vec<String>> = batch.into_iter().filter(|l| !l[created].is_empty() && l[created] != "NA").collect();
    assert_eq!(dated.len(), 180);
    write_csv(&d.join("dated.csv"), &header, &dated);
    let (code, _, err) = score("dated.csv");
    assert_eq!(code, 0, "{err}");
}

/// A folder with the sample's model from `backtest` in `bt/`, and the sample's folder.
fn sample_model() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = sample_workdir();
    let data = repo_root().join("notebooks-data");
    let config = data.join("mqlcal.toml");
    let (code, _, err) = run_in(dir.path(), &["backtest", "--config", config.to_str().unwrap(), "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    (dir, data)
}

/// A region code the CRM writes `2` and pandas, for a column with blanks, `2.0`: a model
/// fitted on one export scores the other the same, lead for lead, and `features` and
/// `validate` read them alike. The model says so (schema_version 10), so that a reader
/// that would take `2.0` for another value refuses it.
#[test]
fn a_whole_number_level_counts_cells_written_2_or_2_0() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    whole_number_codes(d);
    let (code, _, err) = run_in(d, &["backtest", "--config", "mqlcal.toml", "--out", "bt"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(d.join("bt/model.json")).unwrap();
    let model: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(model["schema_version"], 10);
    let points = |name: &str| model["signals"].as_array().unwrap().iter().find(|s| s["name"] == name).map(|s| s["points"].as_i64().unwrap());
    assert!(points("region=2").unwrap() > 0, "won leads are more often in region 2: {:?}", points("region=2"));

    let score = |leads: &str, out: &str| {
        let (code, _, err) = run_in(d, &["score", "--model", "bt/model.json", "--leads", leads, "--events", "events.csv", "-o", out]);
        assert_eq!(code, 0, "{err}");
        err
    };
    score("leads.csv", "as-crm.csv");
    let err = score("leads_float.csv", "as-pandas.csv");
    assert!(!err.contains("region"), "{err}");
    let (crm, pandas) = (std::fs::read(d.join("as-crm.csv")).unwrap(), std::fs::read(d.join("as-pandas.csv")).unwrap());
    assert!(crm == pandas, "the same scores whichever way the codes are written");
    // The score moves with the region: the points count.
    let scores = rows_by_id(&d.join("as-crm.csv"));
    assert!(scores.values().any(|row| row.iter().any(|cell| cell.contains("region"))), "a region is among some leads' reasons");

    // The feature table and validate read both exports alike.
    std::fs::write(d.join("float.toml"), std::fs::read_to_string(d.join("mqlcal.toml")).unwrap().replace("leads = \"leads.csv\"", "leads = \"leads_float.csv\"")).unwrap();
    for (config, out) in [("mqlcal.toml", "f-crm.csv"), ("float.toml", "f-pandas.csv")] {
        let (code, _, err) = run_in(d, &["features", "--config", config, "-o", out]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(std::fs::read(d.join("f-crm.csv")).unwrap() == std::fs::read(d.join("f-pandas.csv")).unwrap());
    let (code, out, err) = run_in(d, &["validate", "--config", "float.toml"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("never occurs") && !err.contains("never occurs"), "{out}{err}");
    // Of the region's values only those no level names are listed: the baseline's, in the export's form.
    assert!(out.contains("region = \"1.0\"") && !out.contains("region = \"2.0\"") && !out.contains("region = \"2\""), "{out}");

    // A reader of version 9 would score region 2.0 as no level: refused.
    std::fs::write(d.join("older.json"), text.replacen("\"schema_version\": 10", "\"schema_version\": 9", 1)).unwrap();
    let (code, _, err) = run_in(d, &["score", "--model", "older.json", "--leads", "leads.csv", "--events", "events.csv", "-o", "x.csv"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a level or a flag's value is a whole number, which counts the cells that write it with or without .0 (2 and 2.0), which needs schema_version 10: a reader of version 9 would take a cell written the other way (2.0 for 2) for another value"), "{err}");
}
