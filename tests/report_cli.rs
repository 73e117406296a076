//! End-to-end: `mqlcal report` on the bundled sample, with channel and level
//! names full of `<`, `&`, quotes and non-ASCII text: every chart is a valid PNG
//! and SVG of the right size with real content, and report.html opens in
//! headless Chromium (installed by scripts/install-test-tools) with no console
//! message and no network request.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const NASTY_CHANNEL: &str = "Paid <Social> & \"Friends\" — Zürich";
const NASTY_INDUSTRY: &str = "R&D <\"Fintech\"> Ünïcode";
const CHARTS: [&str; 9] =
    ["reliability", "thresholds", "score_distributions", "gains", "points", "fit_engagement", "segments", "stability", "comparison"];

/// The sample with one channel and one industry renamed to hostile text (config levels too).
fn nasty_sample(dir: &Path) -> PathBuf {
    let data = repo_root().join("notebooks-data");
    let leads = std::fs::read_to_string(data.join("leads.csv")).unwrap();
    // Quote the cells: they hold commas? No, but they hold quotes, so CSV-escape them.
    let csv_cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let leads = leads.replace(",paid social,", &format!(",{},", csv_cell(NASTY_CHANNEL))).replace(",financial services,", &format!(",{},", csv_cell(NASTY_INDUSTRY)));
    write(dir, "leads.csv", leads);
    let toml_string = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let config = std::fs::read_to_string(data.join("mqlcal.toml"))
        .unwrap()
        .replace("events = \"events.csv\"", &format!("events = {:?}", data.join("events.csv").to_str().unwrap()))
        .replace("\"financial services\"", &toml_string(NASTY_INDUSTRY));
    let current = std::fs::read_to_string(data.join("current_points.toml")).unwrap().replace("industry=financial services", &format!("industry={}", NASTY_INDUSTRY.replace('\\', "\\\\").replace('"', "\\\"")));
    write(dir, "current_points.toml", current);
    write(dir, "mqlcal.toml", config)
}

fn png_info(path: &Path) -> (u32, u32, f64, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = bytes.chunks(channels).collect();
    let non_white = pixels.iter().filter(|p| p.iter().take(3).any(|&v| v < 240)).count() as f64 / pixels.len() as f64;
    let mut colors: Vec<&[u8]> = pixels.clone();
    colors.sort();
    colors.dedup();
    (info.width, info.height, non_white, colors.len())
}

fn chromium() -> PathBuf {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!("chromium is not installed: run scripts/test (it installs it with scripts/install-test-tools)");
}

/// Open `page` headless; returns (console messages from the page, URLs the page requested, screenshot path).
fn open_in_chromium(page: &Path, work: &Path) -> (Vec<String>, Vec<String>, PathBuf) {
    let shot = work.join("screenshot.png");
    let netlog = work.join("net.json");
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,4000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let console: Vec<String> = stderr.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_string).collect();

    // The net log: requests whose network isolation key is the page's own site (file://) are the page's.
    let mut text = std::fs::read_to_string(&netlog).unwrap();
    if serde_json::from_str::<Value>(&text).is_err() {
        // Chromium may exit before closing the log.
        text = format!("{}]}}", text.trim_end().trim_end_matches(','));
    }
    let log: Value = serde_json::from_str(&text).unwrap();
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_i64().unwrap();
    let requests: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_i64() == Some(start_job))
        .filter(|e| e["params"]["network_isolation_key"].as_str().is_some_and(|k| k.contains("file://")))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect();
    (console, requests, shot)
}

#[test]
fn report_on_the_sample_has_every_chart_and_opens_offline() {
    let dir = tempfile::tempdir().unwrap();
    let config = nasty_sample(dir.path());
    let (code, out, err) = run_in(dir.path(), &["report", "--config", config.to_str().unwrap(), "--out", "review"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Threshold"), "{out}");
    let review = dir.path().join("review");

    for name in CHARTS {
        let (w, h, non_white, colors) = png_info(&review.join(format!("{name}.png")));
        assert_eq!((w, h), (1600, 1000), "{name}.png");
        assert!(non_white > 0.03, "{name}.png is nearly blank ({non_white:.3} non-white)");
        assert!(colors > 20, "{name}.png has only {colors} colours");
        let svg = std::fs::read_to_string(review.join(format!("{name}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}.svg is not well-formed XML: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!((root.attribute("width"), root.attribute("height")), (Some("1600"), Some("1000")), "{name}.svg");
        let texts = doc.descendants().filter(|n| n.has_tag_name("text")).count();
        let shapes = doc.descendants().filter(|n| ["rect", "path", "polyline", "circle", "polygon", "line"].iter().any(|t| n.has_tag_name(*t))).count();
        assert!(texts >= 8 && shapes >= 10, "{name}.svg: {texts} texts, {shapes} shapes");
    }
    // The hostile channel name is drawn (escaped) in the segments chart.
    let segments_svg = std::fs::read_to_string(review.join("segments.svg")).unwrap();
    assert!(segments_svg.contains("Paid &lt;Social&gt; &amp; &quot;Friends&quot; — Zürich"));

    let html = std::fs::read_to_string(review.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no script in the report");
    assert!(html.contains("Paid &lt;Social&gt; &amp; &quot;Friends&quot; — Zürich"));
    assert!(!html.contains("<Social>"), "a data string reached the HTML unescaped");
    assert!(html.contains("R&amp;D &lt;&quot;Fintech&quot;&gt; Ünïcode"));
    // The only URLs in the file are SVG namespace declarations.
    let urls = html.matches("http://").count() + html.matches("https://").count();
    assert_eq!(urls, html.matches("http://www.w3.org/").count(), "the report refers to the network");
    assert_eq!(html.matches("<svg").count(), CHARTS.len());
    for section in ["recommendation", "data", "points", "calibration", "thresholds", "stability", "segments", "comparison", "reproduce"] {
        assert!(html.contains(&format!("<section id=\"{section}\">")), "section {section}");
    }
    // It leads with the recommendation, and its threshold is the backtest's.
    let (code, json, err) = run_in(dir.path(), &["backtest", "--config", config.to_str().unwrap(), "--out", "bt", "--json"]);
    assert_eq!(code, 0, "{err}");
    let threshold = serde_json::from_str::<Value>(&json).unwrap()["recommended"]["threshold"].as_i64().unwrap();
    let lede = html.find("class=\"decision\"").unwrap();
    assert!(html[lede..].starts_with(&format!("class=\"decision\">Set the MQL threshold at {threshold} points")), "{}", &html[lede..lede + 200]);
    assert!(lede < html.find("<section id=\"data\">").unwrap());
    // The analyst's sections fold on screen; the summary does not.
    assert!(html.contains("<section id=\"data\">\n<details>\n<summary><h2>"));
    assert!(!html[..html.find("<section id=\"comparison\">").unwrap()].contains("<details"));
    // How to reproduce: command, config hash, input fingerprints, version.
    assert!(html.contains("mqlcal report --config"));
    assert!(html.contains("sha256"));
    assert!(html.contains(&format!("mqlcal version: {}", env!("CARGO_PKG_VERSION"))));

    let md = std::fs::read_to_string(review.join("report.md")).unwrap();
    assert!(md.starts_with("# Lead scoring review"));
    for name in CHARTS {
        assert!(md.contains(&format!("]({name}.png)")), "report.md links {name}.png");
    }
    // Markdown escapes only what it would read as syntax: a tag-like "<", nothing else here.
    assert!(md.contains("Paid \\<Social> & \"Friends\" — Zürich"), "the hostile channel in report.md");
    // (`<"` cannot open a tag, so it stays as it is.)
    assert!(md.contains("R&D <\"Fintech\"> Ünïcode"));
    assert!(!md.contains(" <Social>"), "a tag-like name reached the Markdown unescaped");
    // Readable as plain text: no escaped dates, versions or decimals.
    for escaped in ["\\-", "\\.", "\\(", "&lt;", "&amp;"] {
        assert!(!md.contains(escaped), "report.md holds {escaped}");
    }
    assert!(md.contains("Holdout 2025-Q3 · mqlcal 0.1.0") || md.contains("Holdout 2025-Q3 · mqlcal"), "dates and versions as they are");
    for phrase in ["recalibrated (recalibrated)", "(conversion -)", "the score major shift", ": Constant", "picks none qualifies", "AlwaysMql"] {
        assert!(!md.contains(phrase) && !html.contains(phrase), "phrasing defect: {phrase}");
    }
    // The comparison at equal volume, and the leads that swap as a table and swaps.csv.
    assert!(md.contains("today's model, equal volume"), "no equal-volume comparison");
    let swaps = std::fs::read_to_string(review.join("swaps.csv")).unwrap();
    assert!(swaps.starts_with("comparison,set,lead_id,cohort,outcome,current_score,current_threshold,recalibrated_score,recalibrated_threshold\n"));
    let lost_wins = swaps.lines().filter(|l| l.starts_with("equal_volume,stop_being_mql,") && l.contains(",won,")).count();
    assert!(md.contains(&format!("At equal volume, {lost_wins} won lead")), "the report counts the won leads of swaps.csv ({lost_wins})");

    // Headless Chromium: the page renders, says nothing on the console, fetches nothing.
    let (console, requests, shot) = open_in_chromium(&review.join("report.html"), dir.path());
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(requests.is_empty(), "network requests: {requests:?}");
    let (w, _, non_white, colors) = png_info(&shot);
    assert_eq!(w, 1280);
    // (The analyst's sections are folded: most of the 4000-pixel window is white.)
    assert!(non_white > 0.015 && colors > 50, "the screenshot looks empty ({non_white:.3} non-white, {colors} colours)");

    // It prints: `--pdf` writes report.pdf through the binary; same inputs, same bytes; every section in it.
    let (code, _, err) = run_in(dir.path(), &["report", "--config", config.to_str().unwrap(), "--out", "review", "--pdf"]);
    assert_eq!(code, 0, "{err}");
    let pdf_bytes = std::fs::read(review.join("report.pdf")).unwrap();
    assert!(pdf_bytes.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&pdf_bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(pages >= 5, "the printed report has {pages} pages");
    let (code, _, err) = run_in(dir.path(), &["report", "--config", config.to_str().unwrap(), "--out", "review", "--pdf"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(review.join("report.pdf")).unwrap() == pdf_bytes, "report.pdf differs between two identical runs");

    // The same check catches a page that does fetch something (so it can fail).
    let leaky = dir.path().join("leaky.html");
    std::fs::write(&leaky, html.replacen("<main>", "<main><img src=\"http://192.0.2.1/pixel.png\">", 1)).unwrap();
    let (console, requests, _) = open_in_chromium(&leaky, dir.path());
    assert!(!console.is_empty() || !requests.is_empty(), "a fetching page went unnoticed");
}

/// What `validate` says of the data (here a title written "VP" beside the level "vp",
/// which only validate's checks find) is in the report's data section, summary.json and
/// `--json` of `recalibrate` and of `report`, not only on the terminal during the run. A
/// flag set only since the holdout began (constant on every training lead) is said once,
/// in validate's words, not again as the fit leaving it out.
#[test]
fn validates_warnings_are_in_the_report_and_summary() {
    let dir = sample_copy();
    let d = dir.path();
    let (mut header, mut leads) = read_csv(&d.join("leads.csv"));
    let title = header.iter().position(|h| h == "title_seniority").unwrap();
    let mut respelled = 0;
    header.push("promo".into());
    for (k, row) in leads.iter_mut().enumerate() {
        if row[title] == "vp" && k % 4 == 0 {
            row[title] = "VP".into();
            respelled += 1;
        }
        let promo = row[1].as_str() >= "2025-07-01" && k % 3 == 0;
        row.push(if promo { "yes" } else { "no" }.into());
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let config = std::fs::read_to_string(d.join("mqlcal.toml")).unwrap()
        + "\n[[signals]]\nname = \"promo\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"promo\"\nequals = \"yes\"\n";
    write(d, "mqlcal.toml", config);
    let said = format!("signal \"title\": \"VP\" ({respelled} leads) is written like its level \"vp\"");
    assert!(respelled > 100);

    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let printed: Value = serde_json::from_str(&out).unwrap();
    let saved: Value = serde_json::from_slice(&std::fs::read(d.join("run/summary.json")).unwrap()).unwrap();
    let validate: Value = serde_json::from_slice(&std::fs::read(d.join("run/tables/validate.json")).unwrap()).unwrap();
    for warnings in [&printed["warnings"], &saved["warnings"], &validate["warnings"]] {
        assert_eq!(warnings.as_array().unwrap().iter().filter(|w| w.as_str().unwrap().starts_with(&said)).count(), 1, "{warnings}");
    }
    let report = std::fs::read_to_string(d.join("run/report/report.md")).unwrap();
    assert!(report.contains(&said) && !report.contains("No data or quality warnings"), "{report}");
    assert_eq!(report.matches("feature \"promo\" is constant (0) on every training lead").count(), 1, "{report}");
    assert!(!report.contains("promo was left out of the fit"), "{report}");

    let (code, out, err) = run_in(d, &["report", "--config", "mqlcal.toml", "--out", "review", "--json"]);
    assert_eq!(code, 0, "{err}");
    let printed: Value = serde_json::from_str(&out).unwrap();
    assert!(printed["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with(&said)), "{printed}");
    assert!(err.contains(&said), "{err}");
    let report = std::fs::read_to_string(d.join("review/report.md")).unwrap();
    assert!(report.contains(&said), "{report}");
    // The sample as it is: nothing of the kind.
    let sample = std::fs::read_to_string(repo_root().join("reports/example/report.md")).unwrap();
    assert!(!sample.contains("is written like its level"));
}

/// A signal that reads a column sales fills in (here "Proposal" for 95 % of won leads and
/// 10 % of lost ones) is a warning that changes the decision: the report's summary lists it
/// first under "Before deciding", as summary.json's `before_deciding` does, naming the
/// signal and the column; the sample has no such line.
#[test]
fn a_leaky_signal_comes_first_before_deciding() {
    let dir = sample_copy();
    let d = dir.path();
    let (mut header, mut leads) = read_csv(&d.join("leads.csv"));
    let outcome = header.iter().position(|h| h == "outcome").unwrap();
    header.push("sales_stage".into());
    for (k, row) in leads.iter_mut().enumerate() {
        let proposal = match row[outcome].as_str() {
            "won" => k % 20 != 0,
            "lost" => k % 10 == 0,
            _ => false,
        };
        row.push(if proposal { "Proposal" } else { "Nurture" }.into());
    }
    write_csv(&d.join("leads.csv"), &header, &leads);
    let config = std::fs::read_to_string(d.join("mqlcal.toml"))
        .unwrap()
        .replace("current = \"current_points.toml\"\n", "")
        + "\n[[signals]]\nname = \"proposal\"\naxis = \"fit\"\nkind = \"flag\"\ncolumn = \"sales_stage\"\nequals = \"Proposal\"\n";
    write(d, "mqlcal.toml", config);

    let (code, out, err) = run_in(d, &["recalibrate", "--config", "mqlcal.toml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    let caution = "Signal \"proposal\" reads \"sales_stage\", which looks like leakage: the model may give points for what sales did once the lead was theirs";
    let summary: Value = serde_json::from_slice(&std::fs::read(d.join("run/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["before_deciding"][0], format!("{caution}."), "{}", summary["before_deciding"]);
    // The terminal's summary says it before the warnings; the report points to where it says more.
    let (before, warnings) = (out.find(&format!("Before deciding (the data):\n  - {caution}.\n")), out.find("\nWarnings ("));
    assert!(before.is_some() && before < warnings, "{out}");
    assert!(summary["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with("signal column \"sales_stage\" looks like leakage")), "{}", summary["warnings"]);
    let report = std::fs::read_to_string(d.join("run/report/report.md")).unwrap();
    assert!(report.contains(&format!("Before deciding:\n\n- {caution} (see \"Data and quality warnings\").")), "{report}");
    let sample = std::fs::read_to_string(repo_root().join("reports/example/report.md")).unwrap();
    assert!(!sample.contains("looks like leakage"));
}

#[test]
fn report_pdf_without_chromium_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo_root().join("notebooks-data/mqlcal.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mqlcal"))
        .current_dir(dir.path())
        .env("MQLCAL_CHROMIUM", dir.path().join("no-such-browser"))
        .args(["report", "--config", config.to_str().unwrap(), "--out", "review", "--pdf"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("MQLCAL_CHROMIUM is") && err.contains("not a file"), "{err}");
    assert!(err.trim().lines().count() <= 2, "{err}");
    assert!(!dir.path().join("review").exists(), "nothing is written when the PDF cannot be made");
}

#[test]
fn report_help_has_an_example() {
    let (code, out, _) = run_in(&repo_root(), &["report", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("mqlcal report --config notebooks-data/mqlcal.toml --out reports/review"));
}
