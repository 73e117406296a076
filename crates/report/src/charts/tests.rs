//! The chart rules, on synthetic backtests chosen to provoke each defect: no
//! data mark outside its plot (axes never clip), legends clear of plots, data
//! and labels, boundary lines clear of cell text, titles that claim only what
//! the numbers support, period words from the config, one interval level.

use std::collections::BTreeMap;

use mqlcal_backtest::{Outcomes, 
    recommend, threshold_row, Backtest, BootstrapSummary, Comparison, Constraints, DriftHeadline, EqualVolume, Interval,
    ModelSide, ScoredLeads, SegmentRow, SwapRow, ThresholdRow, ThresholdShare, WalkForwardStep,
};
use mqlcal_features::Outcome;
use mqlcal_scorecard::{Axis, Model, ModelSignal, ModelSource, SCHEMA_VERSION};

use super::common::{Layout, Rect};
use super::comparison::Comparison as ComparisonChart;
use super::figure::{render, Chart, Figure};
use super::fit_engagement::Matrix;
use super::gains::Gains;
use super::points::Points;
use super::reliability::{Reliability, Verdict};
use super::score_distributions::Distributions;
use super::segments::Segments;
use super::stability::Stability;
use super::thresholds::Thresholds;
use super::two_axis::TwoAxis;
use crate::prepare::{LeadScore, Prepared};
use crate::Period;

fn constraints(confidence: f64) -> Constraints {
    Constraints::new(100.0, (0.3, 0.55), 15.0, confidence)
}

/// A sweep from threshold 600 down to 300: volume grows, conversion falls; the busiest
/// month runs `busiest` times the mean (a spiky month flattens the capacity line).
fn sweep(c: &Constraints, busiest: f64, conversion_top: f64) -> Vec<ThresholdRow> {
    let months = 3.0;
    let total = [600u64, 2400, 0];
    (0..=60)
        .map(|k| {
            let mqls = 3 + 25 * k as u64;
            let cv = (conversion_top - 0.011 * k as f64).max(0.05);
            let won = ((mqls as f64) * cv).round() as u64;
            let mut row = threshold_row(600 - 5 * k as i64, [won, mqls - won, 0], total, months, c);
            row.busiest_month_mqls = (row.mqls_per_month * busiest).round() as u64;
            row.quietest_month_mqls = (row.mqls_per_month * 0.8).round() as u64;
            row
        })
        .collect()
}

fn backtest(c: &Constraints, rows: Vec<ThresholdRow>) -> Backtest {
    let c = c.clone();
    let confidence = c.confidence;
    let drift_headline = DriftHeadline::new((600, 3000), (600, 3000), 600.0, &[], c.z, c.confidence);
    let recommendation = recommend(&rows, &c, 0.0);
    let r = rows[recommendation.row].clone();
    let iv = |v: f64| Interval { estimate: v, low: v * 0.9, high: v * 1.1 };
    Backtest {
        training_cohorts: vec!["2024-Q1".into(), "2024-Q2".into()],
        holdout_cohorts: vec!["2024-Q3".into()],
        before_window: vec![],
        not_yet_judged: vec![],
        as_of: None,
        maturity: vec![],
        volume_months: vec!["2024-07".into(), "2024-08".into(), "2024-09".into()],
        volume_only_leads: 0,
        months: 3,
        leads: 3000,
        won: 600,
        lost: 2400,
        open: 0,
        base_rate: 0.2,
        constraints: c,
        hot_capacity_per_month: None,
        thresholds: rows,
        bootstrap: BootstrapSummary {
            resamples: 1000,
            seed: 7,
            confidence,
            threshold: recommendation.threshold,
            conversion: iv(r.outcomes.conversion.unwrap_or(0.0)),
            mqls_per_month: iv(r.mqls_per_month),
            wins_captured_share: iv(r.wins_captured_share.unwrap_or(0.0)),
            p_constraints_hold: 0.7,
            p_any_feasible: 0.9,
            recommended_thresholds: vec![ThresholdShare { threshold: Some(recommendation.threshold), share: 0.6 }],
            p_hold_by_threshold: vec![],
        },
        recommendation,
        tiers: None,
        segments: vec![],
        walk_forward: vec![],
        drift: vec![],
        drift_headline,
        comparison: None,
        two_axis: None,
        warnings: vec![],
        holdout: ScoredLeads { rows: vec![], score: vec![], fit: vec![], engagement: vec![], route: vec![], outcome: vec![], month: vec![], leads: vec![] },
    }
}

fn step(cohort: String, auc: f64, conversion: f64, per_month: f64) -> WalkForwardStep {
    WalkForwardStep {
        cohort,
        training_from: "2020-01".into(),
        training_to: "2020-12".into(),
        training_cohorts: 12,
        leads: 500,
        won: 50,
        lost: 450,
        open: 0,
        auc: Some(auc),
        calibration_slope: Some(1.0),
        calibration_intercept: Some(0.0),
        recommended_threshold: 500,
        feasible: true,
        mqls_per_month: per_month,
        conversion: Some(conversion),
        carried_threshold: 505,
        carried_mqls_per_month: per_month * 1.4,
        carried_conversion: Some(conversion * 0.5),
        carried_within_capacity: false,
        carried_within_band: Some(false),
        two_axis: None,
    }
}

/// 23 monthly cohorts whose AUC drifts from 0.80 down to 0.11 (a funnel whose base rate runs away).
fn drifting_months() -> Vec<WalkForwardStep> {
    (0..23)
        .map(|k| {
            let auc = 0.80 - 0.03 * k as f64;
            step(format!("{}-{:02}", 2021 + k / 12, 1 + k % 12), auc, 0.02 + 0.03 * k as f64, 40.0 + 9.0 * k as f64)
        })
        .collect()
}

fn segment(value: &str, won: u64, lost: u64, conversion: f64, lo: f64, hi: f64) -> SegmentRow {
    SegmentRow {
        segment: "channel".into(),
        value: value.into(),
        leads: 400,
        mqls: won + lost,
        mqls_per_month: (won + lost) as f64 / 3.0,
        share_of_mqls: 0.3,
        outcomes: Outcomes { won, lost, open: 0, conversion: Some(conversion), conversion_low: Some(lo), conversion_high: Some(hi) },
        wins_captured_share: Some(0.4),
        base_conversion: Some(0.2),
        also_written: vec![],
    }
}

fn side(name: &str, threshold: i64, per_month: f64, conversion: f64, wins: f64) -> ModelSide {
    ModelSide {
        name: name.into(),
        threshold,
        mqls: (per_month * 3.0) as u64,
        mqls_per_month: per_month,
        outcomes: Outcomes {
            won: (per_month * 3.0 * conversion) as u64,
            lost: (per_month * 3.0 * (1.0 - conversion)) as u64,
            open: 0,
            conversion: Some(conversion),
            conversion_low: Some(conversion - 0.04),
            conversion_high: Some(conversion + 0.04),
        },
        wins_captured_share: Some(wins),
    }
}

fn comparison() -> Comparison {
    let swap = |set: &str| SwapRow {
        set: set.into(),
        leads: 30,
        leads_per_month: 10.0,
        outcomes: Outcomes { won: 5, lost: 25, open: 0, conversion: Some(1.0 / 6.0), conversion_low: Some(0.08), conversion_high: Some(0.3) },
    };
    let swaps = vec![swap("both"), swap("become_mql"), swap("stop_being_mql"), swap("neither")];
    Comparison {
        current: side("current.toml", 60, 501.0, 0.24, 0.9),
        candidate: side("recalibrated", 488, 98.0, 0.97, 0.47),
        swaps: swaps.clone(),
        summary: String::new(),
        equal_volume: EqualVolume { current: side("current.toml", 146, 99.0, 0.93, 0.45), swaps, summary: String::new() },
        swap_leads: vec![],
    }
}

fn model(engagement: bool, metrics: Option<mqlcal_metrics::Metrics>) -> Model {
    let signal = |name: &str, axis| ModelSignal { name: name.into(), axis, points: 20, coefficient: None, std_error: None, p_value: None, recipe: None };
    let mut signals = vec![signal("title=vp", Axis::Fit), signal("email_domain=competitor", Axis::Fit)];
    signals[1].points = -40;
    if engagement {
        signals.push(signal("demo_request", Axis::Engagement));
    }
    Model {
        schema_version: SCHEMA_VERSION,
        tool_version: "test".into(),
        source: ModelSource::Fitted,
        inputs: None,
        signals,
        base_points: 0,
        group_caps: vec![],
        overrides: vec![],
        threshold: Some(40),
        hot_threshold: None,
        rule: None,
        calibration: None,
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: metrics.into_iter().map(|m| ("holdout".to_string(), m)).collect::<BTreeMap<_, _>>(),
        provenance: None,
    }
}

/// 2000 leads with fit 0..100 and (when `engagement`) engagement 0..50; winning rises with both.
fn prepared(engagement: bool, metrics: Option<mqlcal_metrics::Metrics>) -> Prepared {
    let leads: Vec<LeadScore> = (0..2000)
        .map(|i| {
            let fit = (i * 37 % 101) as i64;
            let eng = if engagement { (i * 13 % 51) as i64 } else { 0 };
            let won = (i * 7919) % 100 < (fit + eng) as usize / 2;
            LeadScore {
                total: fit + eng,
                fit,
                engagement: eng,
                probability: 0.1,
                outcome: if won { Outcome::Won } else { Outcome::Lost },
                mql: fit + eng >= 80,
                leads: 1,
            }
        })
        .collect();
    Prepared { model: model(engagement, metrics), training: leads.clone(), holdout: leads }
}

fn grow(r: &Rect, by: i32) -> Rect {
    Rect::new(r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by)
}

/// The layout rules every chart keeps; returns what broke (empty: none).
fn broken(layout: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    let Some(canvas) = layout.canvas else {
        return vec!["no canvas".into()];
    };
    if layout.plots.is_empty() {
        out.push("no plot".into());
    }
    for p in &layout.points {
        if !layout.plots.iter().any(|r| grow(r, 1).contains(*p)) {
            out.push(format!("mark {p:?} outside every plot {:?}", layout.plots));
        }
    }
    for (i, g) in layout.legends.iter().enumerate() {
        if !g.inside(&canvas) {
            out.push(format!("legend {g:?} outside the image"));
        }
        out.extend(layout.plots.iter().filter(|r| g.intersects(r)).map(|r| format!("legend {g:?} over plot {r:?}")));
        out.extend(layout.labels.iter().filter(|r| g.intersects(r)).map(|r| format!("legend {g:?} over label {r:?}")));
        out.extend(layout.points.iter().filter(|p| g.contains(**p)).map(|p| format!("legend {g:?} over mark {p:?}")));
        out.extend(layout.legends[i + 1..].iter().filter(|o| g.intersects(o)).map(|o| format!("legends {g:?} and {o:?} overlap")));
    }
    for (a, b) in &layout.lines {
        out.extend(layout.labels.iter().filter(|r| r.crossed_by(*a, *b)).map(|r| format!("line {a:?}-{b:?} over label {r:?}")));
    }
    out
}

fn drawn<F: Figure>(figure: &F) -> Chart {
    let chart = render(figure).unwrap();
    let problems = broken(&chart.layout);
    assert!(problems.is_empty(), "{}: {problems:#?}", chart.name);
    assert!(!chart.layout.points.is_empty(), "{}: no marks recorded", chart.name);
    chart
}

#[test]
fn the_layout_rules_catch_a_legend_over_data_and_a_clipped_mark() {
    let plot = Rect::new(100, 100, 500, 400);
    let good = Layout {
        canvas: Some(Rect::new(0, 0, 600, 500)),
        plots: vec![plot],
        points: vec![(150, 150), (450, 390)],
        labels: vec![Rect::new(300, 200, 380, 220)],
        legends: vec![Rect::new(100, 60, 400, 90)],
        lines: vec![((200, 100), (200, 400))],
    };
    assert!(broken(&good).is_empty(), "{:?}", broken(&good));
    let over_data = Layout { legends: vec![Rect::new(120, 120, 300, 180)], ..good.clone() };
    assert!(broken(&over_data).iter().any(|p| p.contains("over mark")));
    let clipped = Layout { points: vec![(150, 450)], ..good.clone() };
    assert!(broken(&clipped).iter().any(|p| p.contains("outside every plot")));
    let crossing = Layout { lines: vec![((340, 100), (340, 400))], ..good.clone() };
    assert!(broken(&crossing).iter().any(|p| p.contains("over label")));
    let outside = Layout { legends: vec![Rect::new(550, 10, 700, 40)], ..good };
    assert!(broken(&outside).iter().any(|p| p.contains("outside the image")));
}

#[test]
fn every_chart_keeps_its_marks_inside_and_its_legends_clear() {
    let c = constraints(0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    b.walk_forward = drifting_months();
    b.segments = vec![segment("telephone", 40, 53, 0.43, 0.35, 0.51), segment("cellular", 80, 120, 0.40, 0.34, 0.46)];
    b.comparison = Some(comparison());
    let metrics = mqlcal_metrics::evaluate(&[0.1, 0.2, 0.3, 0.6, 0.1, 0.2, 0.3, 0.6, 0.5, 0.05], &[false, false, true, true, false, true, false, true, true, false]).unwrap();
    for engagement in [true, false] {
        let p = prepared(engagement, Some(metrics.clone()));
        drawn(&Reliability::new(&p, &b));
        drawn(&Distributions::new(&p, &b));
        drawn(&Points { p: &p });
        drawn(&Matrix::new(&p, &b));
    }
    drawn(&Thresholds { b: &b });
    drawn(&Gains { b: &b });
    drawn(&Segments { b: &b });
    drawn(&Stability { b: &b, period: Period::Month });
    drawn(&ComparisonChart { b: &b });
}

#[test]
fn stability_draws_aucs_below_one_half_where_they_are_and_says_months() {
    let c = constraints(0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    b.walk_forward = drifting_months();
    let figure = Stability { b: &b, period: Period::Month };
    let (lo, hi) = figure.auc_range();
    assert!(lo < 0.11 && hi > 0.80, "the AUC axis {lo}–{hi} cuts the data (0.11–0.80)");
    let chart = drawn(&figure);
    assert!(chart.title.contains("over 23 months"), "{}", chart.title);
    assert!(!chart.title.contains("quarter") && !chart.caption.contains("quarter"), "{} / {}", chart.title, chart.caption);
    assert!(!chart.title.contains("held"), "a range of 0.11–0.80 did not hold: {}", chart.title);
    // The same steps as quarters say quarters.
    let quarters = render(&Stability { b: &b, period: Period::Quarter }).unwrap();
    assert!(quarters.title.contains("over 23 quarters") && quarters.caption.contains("each quarter"), "{}", quarters.title);
}

#[test]
fn stability_says_held_only_when_the_auc_held() {
    let steady: Vec<WalkForwardStep> = (0..4).map(|k| step(format!("2024-Q{}", k + 1), 0.82 + 0.003 * k as f64, 0.4, 90.0)).collect();
    let t = super::stability::title(&steady, Period::Quarter);
    assert!(t.starts_with("Out of time, AUC held between 0.82 and 0.83 over 4 quarters"), "{t}");
    let wobbly: Vec<WalkForwardStep> = (0..4).map(|k| step(format!("2024-Q{}", k + 1), 0.70 + 0.05 * k as f64, 0.4, 90.0)).collect();
    let t = super::stability::title(&wobbly, Period::Quarter);
    assert!(t.contains("varied from 0.70 to 0.85") && !t.contains("held"), "{t}");
}

#[test]
fn reliability_says_match_only_when_the_test_passes_or_the_gap_is_negligible() {
    let pass = Verdict { hosmer_lemeshow_p: Some(0.23), slope: Some(0.95), ece: Some(0.013), observed_over_predicted: Some(1.02), leads: 3000 };
    assert!(pass.sentence("2025-Q3").starts_with("Predicted win rates match what happened in 2025-Q3"));
    // Slope 1.00, but the model under-predicts 2.5× and the test fails: no "match", and the level comes first.
    let low = Verdict { hosmer_lemeshow_p: Some(0.031), slope: Some(1.0), ece: Some(0.12), observed_over_predicted: Some(2.5), leads: 3000 };
    let t = low.sentence("2017-02 to 2017-12");
    assert!(t.starts_with("Predicted win rates are 2.5× too low on 2017-02 to 2017-12"), "{t}");
    assert!(!t.contains("match") && !t.contains("slope"), "{t}");
    // Right level, slope fine, but Hosmer–Lemeshow rejects: still no "match".
    let rejected = Verdict { hosmer_lemeshow_p: Some(0.01), slope: Some(1.05), ece: Some(0.02), observed_over_predicted: Some(1.0), leads: 3000 };
    let t = rejected.sentence("2025-Q3");
    assert!(!t.contains("match") && t.contains("Hosmer–Lemeshow p 0.010"), "{t}");
    // A million leads: the test rejects a 0.2-point gap, and the title says how small it is.
    let huge = Verdict { hosmer_lemeshow_p: Some(0.0), slope: Some(1.01), ece: Some(0.002), observed_over_predicted: Some(1.0), leads: 1_249_459 };
    let t = huge.sentence("2025-Q3");
    assert!(t.starts_with("Predicted win rates match 2025-Q3 to within 0.2 pts (ECE)") && t.contains("p 0.000 on 1249459 leads"), "{t}");
}

#[test]
fn reliability_intervals_are_at_the_configured_level() {
    // 1000 leads predicted at 10 %, a quarter of them won: the model under-predicts 2.5×.
    let probs: Vec<f64> = (0..1000).map(|i| 0.05 + 0.1 * (i % 10) as f64 / 10.0).collect();
    let labels: Vec<bool> = (0..1000).map(|i| i % 4 == 0).collect();
    let metrics = mqlcal_metrics::evaluate(&probs, &labels).unwrap();
    let p = prepared(true, Some(metrics.clone()));
    for (confidence, word) in [(0.9, "90 %"), (0.8, "80 %")] {
        let c = constraints(confidence);
        let b = backtest(&c, sweep(&c, 1.3, 0.8));
        let figure = Reliability::new(&p, &b);
        let chart = drawn(&figure);
        assert!(chart.caption.contains(&format!("{word} Wilson intervals")) && !chart.caption.contains("95 %"), "{}", chart.caption);
        assert!(chart.svg.contains(&format!("{word} interval")), "the legend names the level");
        assert!(!chart.title.contains("match"), "{}", chart.title);
        // The drawn interval of a group is the Wilson interval at that level, not the metrics' 95 %.
        let g = &metrics.reliability[0];
        let (lo, hi) = mqlcal_metrics::wilson_interval(g.wins, g.n, c.z);
        assert!(hi - lo < g.wilson_high - g.wilson_low, "{word}: {lo}–{hi} is not narrower than the 95 % interval");
    }
}

#[test]
fn segments_name_best_and_worst_only_when_their_intervals_separate() {
    let c = constraints(0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    b.segments = vec![segment("telephone", 40, 53, 0.43, 0.35, 0.51), segment("cellular", 80, 120, 0.40, 0.34, 0.46)];
    let t = drawn(&Segments { b: &b }).title;
    assert!(!t.contains("best") && !t.contains("worst") && t.contains("intervals overlap"), "{t}");
    b.segments = vec![segment("referral", 60, 40, 0.60, 0.52, 0.68), segment("paid social", 20, 80, 0.20, 0.14, 0.27)];
    let t = drawn(&Segments { b: &b }).title;
    assert!(t.starts_with("referral MQLs convert best (60 %), paid social worst (20 %)"), "{t}");
}

#[test]
fn fit_engagement_without_engagement_signals_says_so() {
    let c = constraints(0.9);
    let b = backtest(&c, sweep(&c, 1.3, 0.8));
    let chart = drawn(&Matrix::new(&prepared(false, None), &b));
    assert!(!chart.title.contains("high engagement"), "{}", chart.title);
    assert!(chart.title.starts_with("No engagement signals: the highest fit band wins"), "{}", chart.title);
    assert!(!chart.svg.contains("0 to 0"), "a degenerate 0-to-0 band is drawn");
    assert!(chart.svg.contains("all leads (no engagement signals)"));
    // With both axes the boundary runs along cell edges, never over a cell's text.
    let both = drawn(&Matrix::new(&prepared(true, None), &b));
    assert!(!both.layout.lines.is_empty(), "no MQL boundary drawn");
    assert!(both.svg.contains("won or more"), "no legend for the shading");
}

#[test]
fn thresholds_show_the_in_band_threshold_of_an_infeasible_run_and_keep_capacity_visible() {
    // Conversion only falls into the band far past capacity: infeasible, and the
    // in-band threshold the text names sends many times capacity.
    let c = constraints(0.9);
    let b = backtest(&c, sweep(&c, 3.0, 0.95));
    assert!(!b.recommendation.feasible);
    let figure = Thresholds { b: &b };
    let shown: Vec<i64> = figure.shown().iter().map(|r| r.threshold).collect();
    for option in &b.recommendation.options {
        assert!(shown.contains(&option.threshold), "option {} (named in the text) is off the axis {shown:?}", option.threshold);
    }
    drawn(&figure);
    // A feasible run with a spiky busiest month: capacity sits well up the axis.
    let b = backtest(&c, sweep(&c, 3.0, 0.6));
    assert!(b.recommendation.feasible);
    let figure = Thresholds { b: &b };
    let rows = figure.shown();
    let share = c.capacity_per_month / figure.volume_max(&rows);
    assert!(share > 0.3, "capacity is drawn at {:.0} % of the axis: flattened", 100.0 * share);
    let chart = drawn(&figure);
    assert!(chart.caption.contains("90 % Wilson interval"), "{}", chart.caption);
}

#[test]
fn titles_stay_short_with_many_holdout_cohorts() {
    let c = constraints(0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    b.holdout_cohorts = (1..=17).map(|m| format!("2016-{m:02}")).collect();
    let metrics = mqlcal_metrics::evaluate(&[0.1, 0.2, 0.3, 0.6, 0.1, 0.2, 0.3, 0.6], &[false, false, true, true, false, true, false, true]).unwrap();
    let p = prepared(true, Some(metrics));
    for chart in [drawn(&Reliability::new(&p, &b)), drawn(&Distributions::new(&p, &b))] {
        assert!(chart.title.chars().count() <= 100, "{}: {} characters: {}", chart.name, chart.title.chars().count(), chart.title);
        assert!(chart.title.contains("2016-01 to 2016-17") && !chart.title.contains("2016-05"), "{}", chart.title);
    }
}

#[test]
fn the_comparison_chart_compares_at_equal_volume() {
    let c = constraints(0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    b.comparison = Some(comparison());
    let chart = drawn(&ComparisonChart { b: &b });
    assert!(chart.title.starts_with("At the same volume (98 MQLs a month)"), "{}", chart.title);
    assert!(chart.svg.contains("today at 146") && chart.svg.contains("today at 60"), "both of today's thresholds are drawn");
}

/// A real two-axis backtest of seeded leads (fit, engagement) with grades.
fn two_axis(b: &Backtest, c: &Constraints, grades: bool) -> mqlcal_backtest::two_axis::TwoAxisBacktest {
    let mut rng = 7u64;
    let mut next = move |m: u64| {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (rng >> 33) % m
    };
    let n = 3000;
    let mut l = ScoredLeads { rows: (0..n).collect(), score: vec![], fit: vec![], engagement: vec![], route: vec![], outcome: vec![], month: vec![], leads: vec![] };
    for _ in 0..n {
        let (f, e) = (next(100) as i64, next(200) as i64);
        l.fit.push(f);
        l.engagement.push(e);
        l.score.push(f + e);
        l.route.push(mqlcal_backtest::Route::Score);
        l.outcome.push(if next(100) < (f.min(e / 2) / 2) as u64 { Outcome::Won } else { Outcome::Lost });
        l.month.push(600 + next(3) as i32);
        l.leads.push(1);
    }
    let spec = mqlcal_backtest::two_axis::TwoAxisSpec {
        fit_min: None,
        engagement_min: None,
        grades: grades.then(|| mqlcal_scorecard::Grades { fit: vec![60, 30, 10], engagement: vec![120, 60], routes: BTreeMap::new() }),
    };
    let judged = mqlcal_backtest::Judged { rows: (0..n).collect(), volume_only: vec![], months: vec![600, 601, 602] };
    mqlcal_backtest::two_axis::run(&mqlcal_backtest::two_axis::TwoAxisInputs {
        spec: &spec,
        holdout: &l,
        judged: &judged,
        c,
        recommended: &b.thresholds[b.recommendation.row],
        resamples: 1000,
        seed: 1,
    })
    .unwrap()
}

#[test]
fn the_two_axis_matrix_keeps_its_boundary_off_the_cell_text_and_names_the_winner() {
    let c = Constraints::new(300.0, (0.1, 0.9), 15.0, 0.9);
    let mut b = backtest(&c, sweep(&c, 1.3, 0.8));
    for grades in [false, true] {
        b.two_axis = Some(two_axis(&b, &c, grades));
        let t = b.two_axis.as_ref().unwrap();
        let chart = drawn(&TwoAxis::new(&b).unwrap());
        assert_eq!(chart.layout.points.len(), if grades { 12 } else { 4 }, "one mark per cell");
        assert!(!chart.layout.lines.is_empty() || grades, "the quadrants' boundary is drawn");
        let title = TwoAxis::new(&b).unwrap().title();
        let expected = match t.versus.winner {
            "two_axis" => "The two-axis rule captures more wins",
            "threshold" => "One threshold captures more wins",
            _ => "about as many wins",
        };
        assert!(title.contains(expected), "{title} ({})", t.versus.winner);
    }
}
