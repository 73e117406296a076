//! End-to-end: points that keep what the model learned. Numeric signals with
//! `bins = "auto"` are scored per bin (edges chosen on the training cohorts),
//! so rounding to integer points costs almost nothing, on a real drifting
//! funnel (the UCI online shop sessions in tests/fixtures) and on synthetic
//! data with a known U-shaped effect.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The shop sessions with an id and a creation date from the month name (the
/// file has no year and no day: 2017 and the 1st are what an analyst adds).
fn shop_sessions(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("data/online_shoppers/online_shoppers_intention.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let month_at = header.split(';').position(|h| h == "Month").unwrap();
    let mut out = format!("session_id;created_at;{header}\n");
    for (i, line) in lines.enumerate() {
        let month = match line.split(';').nth(month_at).unwrap() {
            "Feb" => 2,
            "Mar" => 3,
            "May" => 5,
            "June" => 6,
            "Jul" => 7,
            "Aug" => 8,
            "Sep" => 9,
            "Oct" => 10,
            "Nov" => 11,
            "Dec" => 12,
            other => panic!("unexpected month {other}"),
        };
        out.push_str(&format!("S{:05};2017-{month:02}-01;{line}\n", i + 1));
    }
    write(dir, "sessions.csv", out)
}

/// The signals `init` drafts for the shop (integer codes as categories, wide
/// numerics per bin), less the outcome, the month and the near-leaky PageValues.
fn shop_config(dir: &Path, name: &str, numeric_bins: &str) -> PathBuf {
    let numeric = |name: &str, column: &str, cap: f64, wide: bool| {
        format!(
            "[[signals]]\nname = \"{name}\"\naxis = \"engagement\"\nkind = \"count\"\ncolumn = \"{column}\"\ncap = {cap}\ndefault = 0\n{}\n",
            if wide { numeric_bins } else { "" }
        )
    };
    let categorical = |name: &str, column: &str, levels: &[&str]| {
        let levels: Vec<String> = levels.iter().map(|l| format!("{l:?}")).collect();
        format!("[[signals]]\nname = \"{name}\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"{column}\"\nlevels = [{}]\n\n", levels.join(", "))
    };
    let mut text = String::from(
        "[input]\nleads = \"sessions.csv\"\ndelimiter = \";\"\nas_of = \"2017-12-31\"\n\n\
         [columns]\nid = \"session_id\"\ncreated_at = \"created_at\"\noutcome = \"Revenue\"\n\n\
         [outcome]\nwon = [\"TRUE\"]\nlost = [\"FALSE\"]\n\n[cohorts]\nperiod = \"month\"\n\n\
         [model]\nalpha = 1\nholdout_cohorts = 2\n\n\
         [sales]\ncapacity_per_month = 400\ntarget_conversion = [0.3, 0.7]\n\n\
         [backtest]\nwalk_forward = false\nbootstrap_resamples = 1000\n\n",
    );
    text += &numeric("admin_pages", "Administrative", 14.0, false);
    text += &numeric("admin_seconds", "Administrative_Duration", 935.0, true);
    text += &numeric("info_pages", "Informational", 6.0, false);
    text += &numeric("info_seconds", "Informational_Duration", 890.0, true);
    text += &numeric("product_pages", "ProductRelated", 287.0, true);
    text += &numeric("product_seconds", "ProductRelated_Duration", 12000.0, true);
    text += "[[signals]]\nname = \"bounce_rate\"\naxis = \"engagement\"\nkind = \"numeric\"\ncolumn = \"BounceRates\"\n\n";
    text += "[[signals]]\nname = \"exit_rate\"\naxis = \"engagement\"\nkind = \"numeric\"\ncolumn = \"ExitRates\"\n\n";
    text += &categorical("special_day", "SpecialDay", &["0.2", "0.4", "0.6", "0.8", "1"]);
    text += &categorical("visitor", "VisitorType", &["New_Visitor", "Other"]);
    text += "[[signals]]\nname = \"weekend\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"Weekend\"\nequals = \"TRUE\"\n\n";
    text += &categorical("traffic", "TrafficType", &["1", "3", "4", "13", "10", "6", "8", "5", "11", "20", "9", "7", "15"]);
    text += &categorical("region", "Region", &["3", "4", "2", "6", "7", "9", "8", "5"]);
    text += &categorical("browser", "Browser", &["1", "4", "5", "6", "10", "8", "3", "13", "7"]);
    text += &categorical("os", "OperatingSystems", &["1", "3", "4", "8"]);
    write(dir, name, text)
}

fn fit(dir: &Path, config: &Path) -> (Value, String) {
    let model = dir.join("model.json");
    let (code, out, err) = run_in(dir, &["fit", "--config", config.to_str().unwrap(), "-o", model.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    (serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap(), format!("{out}{err}"))
}

#[test]
fn the_shop_funnel_keeps_its_auc_in_points() {
    let dir = tempfile::tempdir().unwrap();
    shop_sessions(dir.path());
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("reference/online_shoppers.json")).unwrap()).unwrap();
    let sklearn = reference["without_PageValues"]["holdout_auc"].as_f64().unwrap();

    // Per unit, a duration in seconds rounds to 0 points: the holdout loses AUC and the fit says so.
    let (per_unit, printed) = fit(dir.path(), &shop_config(dir.path(), "per_unit.toml", ""));
    let cost = &per_unit["rounding_cost"];
    let (exact, rounded) = (cost["holdout_auc_exact"].as_f64().unwrap(), cost["holdout_auc_rounded"].as_f64().unwrap());
    eprintln!("per unit: holdout AUC {exact:.4} exact, {rounded:.4} in points");
    assert!(exact - rounded > 0.005, "per-unit points should lose AUC: {exact} -> {rounded}");
    let erased: Vec<&str> = cost["rounded_to_zero"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(erased.contains(&"product_seconds"), "{erased:?}");
    assert!(printed.contains("rounding to points costs") && printed.contains("bins = \"auto\""), "{printed}");

    // Per bin (bins = "auto"), rounding costs almost nothing and beats scikit-learn's reference.
    let (binned, printed) = fit(dir.path(), &shop_config(dir.path(), "binned.toml", "bins = \"auto\""));
    let cost = &binned["rounding_cost"];
    let (exact, rounded) = (cost["holdout_auc_exact"].as_f64().unwrap(), cost["holdout_auc_rounded"].as_f64().unwrap());
    eprintln!("per bin: holdout AUC {exact:.4} exact, {rounded:.4} in points (scikit-learn {sklearn})");
    assert!(exact - rounded <= 0.005, "auto bins: holdout AUC {exact} exact -> {rounded} in points\n{printed}");
    assert!(rounded >= sklearn, "auto bins: holdout AUC in points {rounded} below scikit-learn's {sklearn}");
    // The bins are in the model file as recipes the scorer, SQL and PMML derive from.
    let bins: Vec<&Value> = binned["signals"].as_array().unwrap().iter().filter(|s| s["name"].as_str().unwrap().starts_with("product_seconds=")).collect();
    assert!(bins.len() >= 3, "{bins:?}");
    assert!(bins.iter().all(|s| s["recipe"]["kind"] == "bin" && s["recipe"]["column"] == "ProductRelated_Duration"), "{bins:?}");

    // The drift is stated: purchases went from about 1 in 8 to 1 in 5.
    let (code, out, err) = run_in(dir.path(), &["backtest", "--config", dir.path().join("binned.toml").to_str().unwrap(), "--out", "bt", "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let drift = json["drift"]["sentences"].to_string();
    eprintln!("drift: {drift}");
    assert!(drift.contains("The win rate moved"), "{drift}");
    assert!(drift.contains("The model expects"), "{drift}");
}

/// Judged on its latest month alone (monthly cohorts, the default holdout), the shop's
/// volume is one month's: the recommendation and the cautions say so, since the
/// 75th-percentile month is then that month. Two held-out months are still few.
#[test]
fn the_shop_funnel_on_one_month_says_its_volume_is_one_months() {
    let dir = tempfile::tempdir().unwrap();
    shop_sessions(dir.path());
    let config = shop_config(dir.path(), "binned.toml", "bins = \"auto\"");
    let text = std::fs::read_to_string(&config).unwrap();
    write(dir.path(), "one.toml", text.replace("holdout_cohorts = 2\n", ""));
    let (code, text, err) = run_in(dir.path(), &["recalibrate", "--config", "one.toml", "--out", "one"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("MQLs per month measured over 1 complete month (2017-12)\n"), "{text}");
    let (code, out, err) = run_in(dir.path(), &["recalibrate", "--config", "one.toml", "--out", "one", "--force", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["holdout_cohorts"], serde_json::json!(["2017-12"]));
    let sentence = summary["recommended"]["sentence"].as_str().unwrap();
    assert!(sentence.contains("Month by month: one complete month only, so no spread between months is measured (the 75th-percentile month is that month)."), "{sentence}");
    let before = summary["before_deciding"].to_string();
    assert!(before.contains("MQLs a month rest on one complete month (2017-12): how much a month's volume varies is not measured"), "{before}");
    // The threshold chart draws one volume line, said as the one month, with no busiest month apart.
    let chart = std::fs::read_to_string(dir.path().join("one/report/thresholds.svg")).unwrap();
    assert!(chart.contains("MQLs in the one complete month") && !chart.contains("busiest month"), "{chart}");
    let md = std::fs::read_to_string(dir.path().join("one/report/report.md")).unwrap();
    assert!(md.contains("on the holdout (one complete month's, so no busiest month apart)"), "{md}");

    let (code, out, err) = run_in(dir.path(), &["recalibrate", "--config", "binned.toml", "--out", "two", "--json"]);
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    let before = summary["before_deciding"].to_string();
    assert!(before.contains("MQLs a month rest on 2 complete months (2017-11 and 2017-12): how much a month's volume varies is measured on those alone"), "{before}");
    assert!(summary["recommended"]["sentence"].as_str().unwrap().contains("Month by month it sends"));
    let chart = std::fs::read_to_string(dir.path().join("two/report/thresholds.svg")).unwrap();
    assert!(chart.contains("busiest month") && chart.contains("MQLs a month (mean)"));
}

/// `init` on the shop's raw file, as it comes (no id, no date; the month of each session as
/// a name without a year): the draft says what to add for cohorts (a date per month, and
/// which one for the first month), leaves `Month` out as a creation period instead of
/// drafting it as a signal (it learned the drift: November's buyers), and guesses MQLs a
/// month over the file's 10 months, not an assumed 12. With the dates an analyst adds, the
/// month is still a creation period (judged by the dates now), and validate says so of a
/// config that makes it a signal.
#[test]
fn init_on_the_raw_shop_file_says_the_month_has_no_year() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string(fixtures().join("data/online_shoppers/online_shoppers_intention.csv")).unwrap();
    write(dir.path(), "shop.csv", &raw);
    let (code, out, err) = run_in(dir.path(), &["init", "--leads", "shop.csv"]);
    assert_eq!(code, 0, "{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("created-at column: none found; \"Month\" names months without a year (10 months: Feb, Mar, May, … Dec): add a column of dates (YYYY-02-01 for \"Feb\", in the year the rows are from)"),
        "{said}"
    );
    assert!(said.contains("(GUESS from 10 months (of \"Month\") and a 15.5 % win rate)"), "{said}");
    assert!(said.contains("id column: none found (no column is unique and never blank): if each row is one lead, add a column numbering the rows"), "{said}");
    let draft = std::fs::read_to_string(dir.path().join("mqlcal.toml")).unwrap();
    assert!(draft.contains("# CREATION PERIOD \"Month\": its values name months without a year (10 months: Feb, Mar, May, … Dec)"), "{draft}");
    assert!(draft.contains("# column = \"Month\"") && !draft.contains("\ncolumn = \"Month\""), "Month is left out: {draft}");
    // 12,330 sessions over 10 months.
    assert!(draft.contains("# GUESS: 1233 leads a month over 10 months (of \"Month\")"), "{draft}");

    // The analyst's file, with a date per month: the month is judged by the dates.
    shop_sessions(dir.path());
    let (code, _, err) = run_in(dir.path(), &["init", "--leads", "sessions.csv", "--force"]);
    assert_eq!(code, 0, "{err}");
    let draft = std::fs::read_to_string(dir.path().join("mqlcal.toml")).unwrap();
    assert!(draft.contains("# CREATION PERIOD \"Month\": each month of creation has one value of it"), "{draft}");
    assert!(!draft.contains("names months without a year"), "{draft}");
}

/// The true log-odds of the U-shaped effect: high at both ends (highest at the
/// top), low in the middle.
fn u_shape(x: f64) -> f64 {
    -2.0 + 0.0012 * (x - 40.0) * (x - 40.0)
}

#[test]
fn auto_bins_recover_a_u_shaped_effect() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(2024);
    let mut csv = String::from("id,created,x,stage\n");
    for i in 0..30_000 {
        let x = (100.0 * rng.next()).floor();
        let p = 1.0 / (1.0 + (-u_shape(x)).exp());
        let won = rng.next() < p;
        let month = 1 + i / 5000;
        csv.push_str(&format!("L{i},2024-{month:02}-10,{x},{}\n", if won { "won" } else { "lost" }));
    }
    write(dir.path(), "leads.csv", csv);
    let config = write(
        dir.path(),
        "u.toml",
        "[input]\nleads = \"leads.csv\"\nas_of = \"2024-06-30\"\n[columns]\nid = \"id\"\ncreated_at = \"created\"\noutcome = \"stage\"\n\
         [outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\n[cohorts]\nperiod = \"month\"\n[model]\nalpha = 1\nholdout_cohorts = 1\n\
         [[signals]]\nname = \"x\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"x\"\nbins = \"auto\"\n",
    );
    let (model, _) = fit(dir.path(), &config);
    // Points per bin against the truth at the bin's middle (relative to the baseline bin).
    let signals = model["signals"].as_array().unwrap();
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    let lower = 0.0;
    let edges: Vec<(f64, f64)> = signals
        .iter()
        .map(|s| {
            let name = s["name"].as_str().unwrap();
            let inner = name.trim_start_matches("x=[").trim_end_matches(')');
            let (a, b) = inner.split_once(',').unwrap();
            (a.parse::<f64>().unwrap(), if b == "inf" { 100.0 } else { b.parse::<f64>().unwrap() })
        })
        .collect();
    assert!(edges.len() >= 5, "at least six bins over a smooth U: {edges:?}");
    let baseline_mid = (lower + edges[0].0) / 2.0;
    for (s, (a, b)) in signals.iter().zip(&edges) {
        let truth = u_shape((a + b) / 2.0) - u_shape(baseline_mid);
        pairs.push((truth, s["points"].as_f64().unwrap()));
    }
    let n = pairs.len() as f64;
    let (mt, mp) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let cov: f64 = pairs.iter().map(|(t, p)| (t - mt) * (p - mp)).sum();
    let (vt, vp): (f64, f64) = (pairs.iter().map(|(t, _)| (t - mt).powi(2)).sum(), pairs.iter().map(|(_, p)| (p - mp).powi(2)).sum());
    let r = cov / (vt * vp).sqrt();
    assert!(r > 0.95, "points per bin follow the U (correlation {r:.3}): {pairs:?}");
    // The middle bins score below both ends.
    let points: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let middle = points[points.len() / 2 - 1].min(points[points.len() / 2]);
    assert!(points[points.len() - 1] > middle && 0.0 > middle, "U-shape: {points:?}");
}

#[test]
fn bad_bin_settings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "leads.csv", "id,created,x,kind,stage\nA,2024-01-01,1,a,won\n");
    for (signal, expected) in [
        ("name = \"k\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"kind\"\nlevels = [\"a\"]\nbins = \"auto\"", "signal \"k\": `bins` does not apply to kind = \"categorical\""),
        ("name = \"x\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"x\"\nbins = \"auto\"\nmin_bin_share = 0.7", "signal \"x\": min_bin_share = 0.7: expected a share in (0, 0.5]"),
        ("name = \"x\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"x\"\nbins = \"auto\"\nmin_bin_share = 0", "signal \"x\": min_bin_share = 0"),
        ("name = \"x\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"x\"\nbins = [5, 2]", "signal \"x\": `bins` must be finite edges in strictly increasing order"),
        ("name = \"x\"\naxis = \"fit\"\nkind = \"numeric\"\ncolumn = \"x\"\nbins = \"quantile\"", "signal \"x\": bins = \"quantile\": expected \"auto\""),
    ] {
        let config = write(
            dir.path(),
            "bad.toml",
            format!("[input]\nleads = \"leads.csv\"\n[columns]\nid = \"id\"\ncreated_at = \"created\"\noutcome = \"stage\"\n[outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\n[[signals]]\n{signal}\n"),
        );
        let (code, _, err) = run_in(dir.path(), &["validate", "--config", config.to_str().unwrap()]);
        assert_eq!(code, 2, "{signal}: {err}");
        assert!(err.contains(expected), "{signal}: {err}");
    }
}
