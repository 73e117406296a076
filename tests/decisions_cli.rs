//! Decision dates through the binary, on a funnel whose won leads are onboarded inside their
//! engagement window (`mqlcal synth --decisions`: e-mail opens, clicks and pricing visits
//! after the decision, before the window ends). Counted, that activity leaks the outcome into
//! the engagement weights; with `[columns] decided_at` the windows end at the decisions and
//! the fit is the leak-free world's, bit for bit.

mod common;

use std::path::Path;

use common::*;

fn synth(dir: &Path, out: &str, decisions: bool) {
    let mut args = vec!["synth", "--leads", "20000", "--seed", "7", "--out", out];
    if decisions {
        args.push("--decisions");
    }
    let (code, _, err) = run_in(dir, &args);
    assert_eq!(code, 0, "{err}");
}

fn fit(dir: &Path, config: &str, model: &str) -> serde_json::Value {
    let (code, out, err) = run_in(dir, &["fit", "--config", config, "-o", model, "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// (coefficient, standard error) of `signal` in a fit's JSON.
fn weight(fit: &serde_json::Value, signal: &str) -> (f64, f64) {
    let s = fit["signals"].as_array().unwrap().iter().find(|s| s["name"] == signal).unwrap();
    (s["coefficient"].as_f64().unwrap(), s["std_error"].as_f64().unwrap())
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn windows_ended_at_decisions_give_the_leak_free_fit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synth(d, "clean", false);
    synth(d, "leaky", true);

    // The world before each decision is the same: the leads but for their decision date,
    // every event of the clean world, plus what came after decisions.
    let (clean_leads, leaky_leads) = (lines(&d.join("clean/leads.csv")), lines(&d.join("leaky/leads.csv")));
    assert_eq!(leaky_leads[0], format!("{},closed_at", clean_leads[0]));
    for (clean, leaky) in clean_leads.iter().zip(&leaky_leads).skip(1) {
        assert_eq!(leaky.rsplit_once(',').unwrap().0, clean, "one more cell, the decision date");
        if leaky.contains(",open,") {
            continue;
        }
        assert!(leaky.rsplit_once(',').unwrap().1.len() == 10, "a decided lead's date: {leaky}");
    }
    let (clean_events, leaky_events) = (lines(&d.join("clean/events.csv")), lines(&d.join("leaky/events.csv")));
    let all: std::collections::HashSet<&String> = leaky_events.iter().collect();
    assert!(clean_events.iter().all(|e| all.contains(e)));
    let added = leaky_events.len() - clean_events.len();
    assert!(added > 3000, "{added} events after decisions");

    // validate counts the events the decisions leave out: exactly those added.
    let (code, out, err) = run_in(d, &["validate", "--config", "leaky/mqlcal.toml", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tally = &report["events"]["decisions"];
    assert_eq!(tally["column"], "closed_at");
    assert_eq!(tally["events_after"], added, "{tally}");
    assert_eq!(tally["blank"], 0);
    let (won_after, won_in) = (tally["won_counted_events_after"].as_f64().unwrap(), tally["won_decided_in_window"].as_f64().unwrap());
    let (lost_after, lost_in) = (tally["lost_counted_events_after"].as_f64().unwrap(), tally["lost_decided_in_window"].as_f64().unwrap());
    assert!(won_after / won_in > 5.0 * lost_after / lost_in, "onboarding is a won lead's: {tally}");
    assert!(!report["leakage_suspects"].to_string().contains("closed_at"), "read as decisions, not suspected as a signal");
    let (code, text, _) = run_in(d, &["validate", "--config", "leaky/mqlcal.toml"]);
    assert_eq!(code, 0);
    assert!(text.contains(&format!("decisions (column \"closed_at\"): {won_in} won and {lost_in} lost leads were decided before their 30-day window ended")), "{text}");

    // The feature table with the windows ended at the decisions is the clean world's.
    for (config, out) in [("clean/mqlcal.toml", "clean.csv"), ("leaky/mqlcal.toml", "cut.csv")] {
        let (code, _, err) = run_in(d, &["features", "--config", config, "-o", out]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(std::fs::read(d.join("clean.csv")).unwrap() == std::fs::read(d.join("cut.csv")).unwrap(), "the same features");

    // Counting the whole window instead inflates the engagement weights the onboarding
    // touches, and the holdout's AUC with them (its windows leak as well).
    let config = std::fs::read_to_string(d.join("leaky/mqlcal.toml")).unwrap();
    assert!(config.contains("\ndecided_at = \"closed_at\"\n"));
    write(&d.join("leaky"), "whole.toml", config.replace("\ndecided_at = \"closed_at\"\n", "\n"));
    let clean = fit(d, "clean/mqlcal.toml", "clean.json");
    let whole = fit(d, "leaky/whole.toml", "whole.json");
    let cut = fit(d, "leaky/mqlcal.toml", "cut.json");
    for signal in ["email_click", "pricing_page"] {
        let ((truth_like, se), (leaked, _)) = (weight(&clean, signal), weight(&whole, signal));
        assert!(leaked - truth_like > 3.0 * se, "{signal}: {truth_like} ± {se} -> {leaked}");
    }
    assert!(whole["metrics"]["holdout"]["roc_auc"].as_f64().unwrap() > clean["metrics"]["holdout"]["roc_auc"].as_f64().unwrap() + 0.02);
    assert_eq!(cut["signals"], clean["signals"], "the leak-free weights, bit for bit");
    assert_eq!(cut["metrics"], clean["metrics"]);

    // The model file says the windows ended at the decisions.
    let model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("cut.json")).unwrap()).unwrap();
    assert_eq!(model["training"]["windows_end_at_decision"], "closed_at");

    // The quarterly run's report says so, with validate's numbers.
    let (code, _, err) = run_in(d, &["recalibrate", "--config", "leaky/mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    let report = std::fs::read_to_string(d.join("run/report/report.md")).unwrap();
    let line = format!("Engagement windows end at decisions (column \"closed_at\"): {won_in} won and {lost_in} lost leads were decided before their 30-day window ended, which then ends at the decision; {added} in-window events");
    assert!(report.contains(&line), "{report}");
    let plain: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("clean.json")).unwrap()).unwrap();
    assert!(plain["training"].get("windows_end_at_decision").is_none());
}

/// A decision date only one outcome has, as HubSpot's "Became a Customer Date" (won only) or
/// a "Disqualified Date" (lost only) is. Won only still cuts the onboarding leak, so init
/// drafts it with a comment and validate warns what stays counted; lost only leaves the leak
/// open, so init does not draft it and validate says to use a date won leads have too. The
/// fits agree: won only is near the fit of dates on both sides, lost only near no cut.
#[test]
fn a_decision_date_only_one_outcome_has_is_said_and_drafted_by_which() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synth(d, "leaky", true);
    let (header, rows) = read_csv(&d.join("leaky/leads.csv"));
    let closed = header.iter().position(|h| h == "closed_at").unwrap();
    let config = std::fs::read_to_string(d.join("leaky/mqlcal.toml")).unwrap();
    let count = |outcome: &str| rows.iter().filter(|r| r[2] == outcome).count();
    let (won, lost) = (count("won"), count("lost"));
    let mut fits = std::collections::BTreeMap::new();
    for (side, kept) in [("won", "won"), ("lost", "lost")] {
        let one_sided: Vec<Vec<String>> = rows.iter().map(|r| {
            let mut r = r.clone();
            if r[2] != kept {
                r[closed] = String::new();
            }
            r
        }).collect();
        let folder = d.join(side);
        std::fs::create_dir(&folder).unwrap();
        write_csv(&folder.join("leads.csv"), &header, &one_sided);
        for file in ["events.csv", "current_points.toml"] {
            std::fs::copy(d.join("leaky").join(file), folder.join(file)).unwrap();
        }
        write(&folder, "mqlcal.toml", &config);
        let dated = if side == "won" { format!("({won} of {won} won, 0 of {lost} lost leads dated)") } else { format!("(0 of {won} won, {lost} of {lost} lost leads dated)") };
        let (code, out, err) = run_in(&folder, &["validate", "--config", "mqlcal.toml"]);
        let said = format!("{out}{err}");
        assert!(code == 0 && said.contains(&format!("[columns] decided_at: \"closed_at\" is a date only {side} leads have {dated}")) && !said.contains("have no decision date"), "{said}");
        fits.insert(side, fit(&folder, "mqlcal.toml", "model.json"));

        let (code, _, err) = run_in(&folder, &["init", "--leads", "leads.csv", "--events", "events.csv", "-o", "draft.toml"]);
        assert_eq!(code, 0, "{err}");
        let draft = std::fs::read_to_string(folder.join("draft.toml")).unwrap();
        if side == "won" {
            assert!(draft.contains(&format!("# \"closed_at\" is a date only won leads have {dated}")) && draft.contains("\ndecided_at = \"closed_at\""), "{draft}");
        } else {
            assert!(draft.contains(&format!("# decided_at not drafted: \"closed_at\" is a date only lost leads have {dated}")) && !draft.contains("\ndecided_at ="), "{draft}");
        }
    }
    fits.insert("both", fit(&d.join("leaky"), "mqlcal.toml", "both.json"));
    write(&d.join("leaky"), "none.toml", config.lines().filter(|l| !l.starts_with("decided_at")).collect::<Vec<_>>().join("\n"));
    fits.insert("none", fit(&d.join("leaky"), "none.toml", "none.json"));
    for signal in ["pricing_page", "email_click"] {
        let w = |side: &str| weight(&fits[side], signal).0;
        assert!((w("won") - w("both")).abs() < 0.25 * (w("none") - w("both")).abs(), "{signal}: won only {} both {} none {}", w("won"), w("both"), w("none"));
        assert!((w("lost") - w("none")).abs() < 0.25 * (w("none") - w("both")).abs(), "{signal}: lost only {} both {} none {}", w("lost"), w("both"), w("none"));
    }
}
