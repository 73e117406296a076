//! End-to-end: the review report as its readers see it, through the binary.
//! On the bundled sample and on a drifting synthetic funnel (monthly cohorts
//! whose strongest signal turns from good to bad, so out-of-time AUCs fall
//! below 0.5), `mqlcal recalibrate --pdf` writes the report; headless Chromium
//! takes a 1280-px-wide screenshot of its first screen, and the PDF's first
//! page is rendered (poppler's pdftoppm; Chromium cannot rasterise a PDF
//! headless). The summary must fit that first screen, the PDF must open on it,
//! and the charts must follow the period, the interval level and the axes rules.
//!
//! `MQLCAL_UPDATE_SCREENSHOTS=1 cargo test --test report_screenshots` also
//! copies the screenshots into reports/example/screenshots/.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A 1280 × 800 laptop screen.
const SCREEN: (u32, u32) = (1280, 800);

fn tool(names: &[&str]) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    names.iter().flat_map(|n| dirs.iter().map(move |d| d.join(n))).find(|p| p.is_file())
}

fn chromium() -> Option<PathBuf> {
    tool(&["chromium", "chromium-browser"])
}

/// Width, height and RGB rows of a PNG.
fn pixels(path: &Path) -> (u32, u32, Vec<Vec<[u8; 3]>>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rows = buf[..info.buffer_size()]
        .chunks(info.line_size)
        .map(|line| line.chunks(channels).map(|p| [p[0], p[1], p[2]]).collect())
        .collect();
    (info.width, info.height, rows)
}

/// The last row (from the top) holding anything but white.
fn last_inked_row(path: &Path) -> usize {
    let (_, _, rows) = pixels(path);
    rows.iter().rposition(|r| r.iter().any(|p| p.iter().any(|&v| v < 235))).unwrap_or(0)
}

fn screenshot(page: &Path, shot: &Path, (w, h): (u32, u32)) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium().unwrap())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"])
        .arg(format!("--window-size={w},{h}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The PDF's first page as a PNG, 100 dpi.
fn first_page(pdf: &Path, out_stem: &Path) -> PathBuf {
    let pdftoppm = tool(&["pdftoppm"]).expect("pdftoppm is not installed: run scripts/test (scripts/install-test-tools installs poppler-utils)");
    let status = Command::new(pdftoppm)
        .args(["-f", "1", "-l", "1", "-r", "100", "-png", "-singlefile"])
        .arg(pdf)
        .arg(out_stem)
        .status()
        .unwrap();
    assert!(status.success());
    out_stem.with_extension("png")
}

/// Screenshots of one run's report (the first screen, the PDF's page 1), checked.
fn shoot(report: &Path, work: &Path, name: &str) {
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let screen = work.join(format!("{name}-report-1280.png"));
    screenshot(&report.join("report.html"), &screen, SCREEN);
    let (w, h, _) = pixels(&screen);
    assert_eq!((w, h), SCREEN);

    // The summary alone (everything up to the first analyst's section), drawn
    // on a tall window: it must end within the first screen.
    let end = html.find("</section>").unwrap() + "</section>".len();
    let summary_only = work.join(format!("{name}-summary.html"));
    std::fs::write(&summary_only, format!("{}\n</main></body></html>\n", &html[..end])).unwrap();
    let tall = work.join(format!("{name}-summary.png"));
    screenshot(&summary_only, &tall, (SCREEN.0, 2400));
    let page = first_page(&report.join("report.pdf"), &work.join(format!("{name}-pdf-page1")));
    // Kept (when asked) before the checks, so a failing layout can be looked at.
    keep(&[&screen, &page]);
    let bottom = last_inked_row(&tall);
    assert!(bottom < SCREEN.1 as usize, "{name}: the summary runs to pixel row {bottom}, past a {}-pixel screen", SCREEN.1);

    let (_, _, rows) = pixels(&page);
    let inked = rows.iter().filter(|r| r.iter().any(|p| p.iter().any(|&v| v < 200))).count();
    assert!(inked > rows.len() / 5, "{name}: the PDF's first page is nearly blank");
}

fn keep(shots: &[&Path]) {
    if std::env::var_os("MQLCAL_UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let dir = repo_root().join("reports/example/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for shot in shots {
        std::fs::copy(shot, dir.join(shot.file_name().unwrap())).unwrap();
    }
}

fn pdf_pages(pdf: &Path) -> usize {
    let text = String::from_utf8_lossy(&std::fs::read(pdf).unwrap()).into_owned();
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn the_sample_report_opens_on_its_summary_on_screen_and_in_the_pdf() {
    if chromium().is_none() {
        eprintln!("skipped: chromium is not installed (scripts/test installs it with scripts/install-test-tools)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = repo_root().join("notebooks-data/mqlcal.toml");
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", config.to_str().unwrap(), "--out", "run", "--pdf"]);
    assert_eq!(code, 0, "{err}");
    let report = dir.path().join("run/report");
    assert!(pdf_pages(&report.join("report.pdf")) >= 5, "the PDF holds every section");
    shoot(&report, dir.path(), "sample");
    // The PDF opens on the summary: its first page has the decision, and the next section starts a page later.
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("<p class=\"decision\">Set the MQL threshold at"));
}

/// 18 monthly cohorts of 700 leads; `pages` helps at first and hurts later, the
/// base rate climbs: walk-forward AUCs fall below 0.5 and conversion runs away.
fn drifting_funnel(dir: &Path) -> PathBuf {
    // The folder names the run ("drifting-funnel"), as a CRM export's folder would.
    let dir = &dir.join("drifting-funnel");
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(2024);
    let mut csv = String::from("id,created,channel,demo,pages,plan,stage\n");
    for month in 0..18u32 {
        let (year, m) = (2023 + month / 12, 1 + month % 12);
        let drift = month as f64 / 17.0;
        for i in 0..700 {
            let demo = rng.next() < 0.3;
            let pages = (rng.next() * 11.0).floor();
            let plan = ["free", "team", "enterprise"][(rng.next() * 3.0) as usize];
            let channel = ["web", "partner", "events"][(rng.next() * 3.0) as usize];
            let logit = -2.6 + 1.8 * drift + 0.8 * f64::from(u8::from(demo)) + (0.35 - 0.8 * drift) * pages
                + if plan == "enterprise" { 0.6 } else { 0.0 }
                + if channel == "partner" { 0.4 } else { 0.0 };
            let won = rng.next() < 1.0 / (1.0 + (-logit).exp());
            csv.push_str(&format!(
                "L{month:02}{i:04},{year}-{m:02}-{:02},{channel},{},{pages},{plan},{}\n",
                1 + i % 28,
                u8::from(demo),
                if won { "won" } else { "lost" }
            ));
        }
    }
    write(dir, "leads.csv", csv);
    write(dir, "current_points.toml", "threshold = 40\n[points]\ndemo = 30\npages = 5\n\"plan=enterprise\" = 10\n");
    write(
        dir,
        "mqlcal.toml",
        "[input]\nleads = \"leads.csv\"\nas_of = \"2024-06-30\"\n\
         [columns]\nid = \"id\"\ncreated_at = \"created\"\noutcome = \"stage\"\nsegments = [\"channel\"]\n\
         [outcome]\nwon = [\"won\"]\nlost = [\"lost\"]\n[cohorts]\nperiod = \"month\"\n\
         [model]\nholdout_cohorts = 1\ncurrent = \"current_points.toml\"\n\
         [sales]\ncapacity_per_month = 150\ntarget_conversion = [0.3, 0.6]\n\
         [backtest]\nbootstrap_resamples = 1000\nconfidence = 0.8\nwalk_forward_min_training_cohorts = 3\n\
         [[signals]]\nname = \"demo\"\naxis = \"engagement\"\nkind = \"flag\"\ncolumn = \"demo\"\nequals = \"1\"\n\
         [[signals]]\nname = \"pages\"\naxis = \"engagement\"\nkind = \"count\"\ncolumn = \"pages\"\n\
         [[signals]]\nname = \"plan\"\naxis = \"fit\"\nkind = \"categorical\"\ncolumn = \"plan\"\nlevels = [\"team\", \"enterprise\"]\n",
    )
}

#[test]
fn a_drifting_funnel_gets_month_words_one_interval_level_and_unclipped_axes() {
    if chromium().is_none() {
        eprintln!("skipped: chromium is not installed (scripts/test installs it with scripts/install-test-tools)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = drifting_funnel(dir.path());
    let (code, _, err) = run_in(dir.path(), &["recalibrate", "--config", config.to_str().unwrap(), "--out", "run", "--pdf"]);
    assert_eq!(code, 0, "{err}");
    let run = dir.path().join("run");
    let report = run.join("report");

    // Walk-forward AUCs as the tables have them; the stability chart's lowest tick is below the lowest.
    let walk = std::fs::read_to_string(run.join("tables/walk_forward.csv")).unwrap();
    let header: Vec<&str> = walk.lines().next().unwrap().split(',').collect();
    let auc_at = header.iter().position(|h| *h == "auc").unwrap();
    let aucs: Vec<f64> = walk.lines().skip(1).filter_map(|l| l.split(',').nth(auc_at)?.parse().ok()).collect();
    let min_auc = aucs.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(min_auc < 0.5, "the funnel should push an out-of-time AUC below 0.5 (lowest {min_auc})");
    let svg = std::fs::read_to_string(report.join("stability.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // The AUC axis' tick labels ("0.45" …) give its value → pixel map; the lowest AUC
    // must be drawn where its value says (not pinned to the axis' edge).
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let t = n.text()?.trim();
            let value: f64 = t.parse().ok().filter(|_| t.len() == 4 && t.starts_with("0."))?;
            Some((value, n.attribute("y")?.parse().ok()?))
        })
        .collect();
    assert!(ticks.len() >= 2, "no AUC ticks in stability.svg");
    let ((v0, y0), (v1, y1)) = (ticks[0], ticks[ticks.len() - 1]);
    let y_of = |v: f64| y0 + (v - v0) * (y1 - y0) / (v1 - v0);
    let circles: Vec<f64> = doc.descendants().filter(|n| n.has_tag_name("circle")).filter_map(|n| n.attribute("cy")?.parse().ok()).collect();
    let want = y_of(min_auc);
    assert!(circles.iter().any(|cy| (cy - want).abs() <= 2.0), "no AUC point at the lowest AUC {min_auc} (pixel {want:.0}); circles at {circles:?}");

    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    // Period words follow [cohorts] period = "month".
    let stability_title = md.lines().find(|l| l.contains("](stability.png)")).unwrap();
    assert!(stability_title.contains("months") && !stability_title.contains("quarter"), "{stability_title}");
    assert!(!html.contains("quarter"), "a quarter is named in a monthly report");
    // One interval level, the config's 80 %, in every chart caption and the summary.
    for name in ["reliability", "thresholds", "segments", "comparison"] {
        let caption = md.lines().skip_while(|l| !l.contains(&format!("]({name}.png)"))).nth(2).unwrap_or_default();
        assert!(caption.contains("80 %") && !caption.contains("95 %") && !caption.contains("90 %"), "{name}: {caption}");
    }
    assert!(md.contains("\"Likely between\" is the 80 % bootstrap interval"));
    // The summary warns about the drift it sees.
    let summary = &md[..md.find("## Today's model").unwrap()];
    assert!(summary.contains("Before deciding:"), "{summary}");
    assert!(summary.matches("\n- ").count() <= 3 + 3, "three numbers and at most three warnings: {summary}");

    shoot(&report, dir.path(), "drifting");
}
