//! Time per lead of `mqlcal score`'s last phase on 1,000,000 leads × 34 signals, on one
//! core: the score with its reasons as texts (`explain`), the score and its top three
//! alone (`rank`), their reasons written into one buffer (`push_reason`), and the whole
//! row of a scores file written as CSV cells (what `score` writes for each lead).
//! Run: `cargo bench -p mqlcal-scorecard --bench score` (prints the median of 5 runs per step).

use std::collections::BTreeMap;

use mqlcal_scorecard::{Axis, CalibrationMethod, CalibrationTable, GroupCap, Model, ModelSignal, ModelSource, Tier, SCHEMA_VERSION};
use mqlcal_tidy::{Cell, CsvRows, RowSink};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const LEADS: usize = 1_000_000;

#[path = "../../backtest/benches/timing/mod.rs"]
mod timing;

fn time<T>(label: &str, runs: usize, step: impl FnMut() -> T) -> T {
    let (out, seconds) = timing::median_seconds(runs, step);
    println!("{label:<52} {:>8.1} ms  {:>6.0} ns a lead (median of {runs})", 1000.0 * seconds, 1e9 * seconds / LEADS as f64);
    out
}

/// A model shaped like a fitted one: level flags (fit), capped counts (engagement, two of
/// them in a capped group), a threshold, a hot tier and an isotonic calibration table.
fn model() -> Model {
    let levels = ["channel=paid_search", "channel=organic", "channel=referral", "industry=software", "industry=retail", "industry=finance", "title=vp", "title=director", "title=c-level", "size=[50,200)", "size=[200,1000)", "size=1000+", "country=US", "country=DE", "email_domain=competitor", "email_domain=free"];
    let counts = ["pricing_page", "demo_request", "webinar", "blog", "email_open", "email_click", "ebook_download", "case_study", "docs", "trial_signup", "contact_sales", "event_attended", "video_view", "newsletter", "careers_page", "support_page", "community", "partner_page"];
    let mut signals = Vec::new();
    for (j, name) in levels.iter().enumerate() {
        signals.push(ModelSignal { name: (*name).into(), axis: Axis::Fit, points: [24, -15, 9, 19, -7, 12, 30, 18, 41, 20, 24, 8, 18, -6, -105, -12][j], coefficient: None, std_error: None, p_value: None, recipe: None });
    }
    for (j, name) in counts.iter().enumerate() {
        signals.push(ModelSignal { name: (*name).into(), axis: Axis::Engagement, points: [25, 100, 21, 4, 1, 3, 12, 9, 2, 40, 60, 15, 2, 1, -3, -5, 2, 6][j], coefficient: None, std_error: None, p_value: None, recipe: None });
    }
    let score: Vec<f64> = (0..60).map(|k| 350.0 + 5.0 * k as f64).collect();
    let probability: Vec<f64> = (0..60).map(|k| 0.02 + 0.9 * k as f64 / 59.0).collect();
    Model {
        schema_version: SCHEMA_VERSION,
        tool_version: "bench".into(),
        source: ModelSource::Fitted,
        inputs: None,
        signals,
        base_points: 400,
        group_caps: vec![GroupCap { name: "awareness".into(), signals: vec!["blog".into(), "ebook_download".into()], max_points: 30 }],
        overrides: vec![],
        threshold: Some(520),
        hot_threshold: Some(600),
        rule: None,
        calibration: Some(CalibrationTable { method: CalibrationMethod::Isotonic, score, probability }),
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: BTreeMap::new(),
        provenance: None,
    }
}

fn main() {
    let model = model();
    let scorer = model.scorer();
    let signals = model.signals.len();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    // Lead by lead, as `score` lays a piece out: most flags and counts are 0.
    let values: Vec<f64> = (0..LEADS * signals)
        .map(|k| if k % signals < 16 { f64::from(u8::from(rng.random_bool(0.2))) } else if rng.random_bool(0.7) { 0.0 } else { f64::from(rng.random_range(1..8u8)) })
        .collect();
    let ids: Vec<String> = (0..LEADS).map(|i| format!("L{i:07}")).collect();
    let leads = || values.chunks_exact(signals);
    println!("{LEADS} leads × {signals} signals, one core");
    time("explain: score, tier, reasons as texts", 5, || leads().map(|v| scorer.explain(v).reasons.len()).sum::<usize>());
    time("rank: score, tier, top three", 5, || leads().map(|v| scorer.rank(v).score.total).sum::<i64>());
    time("rank + the three reasons written into one buffer", 5, || {
        let mut words = String::new();
        leads().map(|v| {
            words.clear();
            let ranked = scorer.rank(v);
            (0..3).filter(|&k| scorer.push_reason(&ranked, k, v, &mut words)).count()
        })
        .sum::<usize>()
    });
    time("rank + the scores.csv row (tidy's CSV cells)", 5, || {
        let (mut text, mut words) = (String::new(), String::new());
        let mut bytes = 0;
        for (lead, (id, v)) in ids.iter().zip(leads()).enumerate() {
            let ranked = scorer.rank(v);
            let score = &ranked.score;
            let mut row = CsvRows::new(&mut text);
            row.cell("lead_id", Cell::Text(Some(id)));
            row.cell("score", Cell::Int(Some(score.total)));
            row.cell("fit_score", Cell::Int(Some(score.fit)));
            row.cell("engagement_score", Cell::Int(Some(score.engagement)));
            row.cell("mql", Cell::Bool(score.mql));
            row.cell("tier", Cell::Text(ranked.tier.map(|t| if t == Tier::Hot { "hot" } else { "warm" })));
            row.cell("probability", Cell::Float(score.probability));
            for k in 0..3 {
                words.clear();
                let has = scorer.push_reason(&ranked, k, v, &mut words);
                row.cell("reason", Cell::Text(has.then_some(words.as_str())));
            }
            row.end_row();
            // A piece's text is handed on every 1,024 leads, as `score` does.
            if lead % 1024 == 1023 {
                bytes += text.len();
                text.clear();
            }
        }
        bytes + text.len()
    });
}
