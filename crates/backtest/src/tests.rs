//! Small cases computed by hand.

use std::collections::BTreeMap;

use mqlcal_config::Axis as ConfigAxis;
use mqlcal_features::{FeatureColumn, FeatureTable, Outcome, SegmentColumn};
use mqlcal_scorecard::{Axis, DecimalMark, Model, ModelSignal, ModelSource, Override, OverrideRule, SCHEMA_VERSION};
use ndarray::Array2;

use super::*;

const JAN: i64 = 1_736_899_200; // 2025-01-15
const FEB: i64 = JAN + 31 * 86_400;
const MAR: i64 = FEB + 28 * 86_400;

/// Ten leads of 2025-Q1: (s, demo, comp, outcome, created, channel).
/// Lead 9 requested a demo (always an MQL); lead 10 is a competitor (never).
fn table() -> FeatureTable {
    use Outcome::*;
    let leads = [
        (50.0, 0.0, 0.0, Won, JAN, "seo"),
        (50.0, 0.0, 0.0, Lost, FEB, "paid"),
        (40.0, 0.0, 0.0, Won, JAN, "seo"),
        (40.0, 0.0, 0.0, Open, MAR, "paid"),
        (30.0, 0.0, 0.0, Lost, JAN, "paid"),
        (30.0, 0.0, 0.0, Won, FEB, "seo"),
        (20.0, 0.0, 0.0, Lost, MAR, "paid"),
        (10.0, 0.0, 0.0, Lost, JAN, "<b>&\"é"),
        (5.0, 1.0, 0.0, Won, MAR, "seo"),
        (60.0, 0.0, 1.0, Lost, FEB, "paid"),
    ];
    let mut matrix = Array2::zeros((leads.len(), 3));
    for (i, l) in leads.iter().enumerate() {
        matrix[[i, 0]] = l.0;
        matrix[[i, 1]] = l.1;
        matrix[[i, 2]] = l.2;
    }
    let column = |name: &str, axis| FeatureColumn { name: name.into(), signal: name.into(), level: None, axis };
    FeatureTable {
        ids: (1..=leads.len()).map(|i| format!("L{i}")).collect(),
        created_at: leads.iter().map(|l| Some(l.4)).collect(),
        cohorts: vec!["2025-Q1".into(); leads.len()],
        outcomes: leads.iter().map(|l| l.3).collect(),
        segments: vec![SegmentColumn { name: "channel".into(), values: leads.iter().map(|l| Some(l.5.to_string())).collect() }],
        columns: vec![column("s", ConfigAxis::Engagement), column("demo", ConfigAxis::Engagement), column("comp", ConfigAxis::Fit)],
        matrix,
        as_of: None,
        patterns: None,
    }
}

fn model(threshold: Option<i64>, overrides: bool) -> Model {
    let signal = |name: &str, points, axis| ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: None };
    Model {
        schema_version: SCHEMA_VERSION,
        tool_version: "test".into(),
        source: ModelSource::PointsSheet,
        inputs: None,
        signals: vec![signal("s", 1, Axis::Engagement), signal("demo", 0, Axis::Engagement), signal("comp", 0, Axis::Fit)],
        base_points: 0,
        group_caps: vec![],
        overrides: if overrides {
            vec![
                Override { signal: "demo".into(), rule: OverrideRule::AlwaysMql },
                Override { signal: "comp".into(), rule: OverrideRule::NeverMql },
            ]
        } else {
            vec![]
        },
        threshold,
        hot_threshold: None,
        rule: None,
        calibration: None,
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: BTreeMap::new(),
        provenance: None,
    }
}

fn scored() -> ScoredLeads {
    let t = table();
    score_rows(&model(None, true), &t, &(0..t.len()).collect::<Vec<_>>(), "m").unwrap()
}

fn constraints(capacity: f64, band: (f64, f64)) -> Constraints {
    Constraints::new(capacity, band, 30.0, 0.90)
}

/// z of a 90 % interval.
const Z90: f64 = 1.6448536269514722;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn scoring_routes_and_months() {
    let s = scored();
    assert_eq!(s.score, vec![50, 50, 40, 40, 30, 30, 20, 10, 5, 60]);
    assert_eq!(s.route[8], Route::Always);
    assert_eq!(s.route[9], Route::Never);
    assert_eq!(s.route[0], Route::Score);
    let t = table();
    assert_eq!(judged_rows(&t, &["2025-Q1".to_string()], &[]).month_count(), 3);
    assert!(s.is_mql(8, 1000) && !s.is_mql(9, 0) && s.is_mql(0, 50) && !s.is_mql(0, 51));
}

#[test]
fn every_column_of_the_threshold_table() {
    let c = constraints(2.0, (0.6, 0.8));
    let (cells, rows) = sweep(&scored(), 3, &c);
    let thresholds: Vec<i64> = rows.iter().map(|r| r.threshold).collect();
    // 51: the always_mql lead alone.
    assert_eq!(thresholds, vec![51, 50, 40, 30, 20, 10]);
    assert_eq!(cells.always, [1, 0, 0]);
    assert_eq!(cells.never, [0, 1, 0]);
    assert_eq!(cells.totals(), [4, 5, 1]);
    let mqls: Vec<u64> = rows.iter().map(|r| r.mqls).collect();
    assert_eq!(mqls, vec![1, 3, 5, 7, 8, 9]);
    let won: Vec<u64> = rows.iter().map(|r| r.outcomes.won).collect();
    let lost: Vec<u64> = rows.iter().map(|r| r.outcomes.lost).collect();
    let open: Vec<u64> = rows.iter().map(|r| r.outcomes.open).collect();
    assert_eq!((won, lost, open), (vec![1, 2, 3, 4, 4, 4], vec![0, 1, 1, 2, 3, 4], vec![0, 0, 1, 1, 1, 1]));
    let busiest: Vec<u64> = rows.iter().map(|r| r.busiest_month_mqls).collect();
    assert_eq!(busiest, vec![1, 1, 2, 3, 3, 4]);
    let conversions = [1.0, 2.0 / 3.0, 0.75, 4.0 / 6.0, 4.0 / 7.0, 0.5];
    for (r, cv) in rows.iter().zip(conversions) {
        assert!(close(r.outcomes.conversion.unwrap(), cv));
        assert!(close(r.mqls_per_month, r.mqls as f64 / 3.0));
        assert!(close(r.share_of_leads, r.mqls as f64 / 10.0));
        assert!(close(r.lift.unwrap(), cv / (4.0 / 9.0)));
        assert!(close(r.wins_captured_share.unwrap(), r.outcomes.won as f64 / 4.0));
        assert!(close(r.expected_wins_per_month.unwrap(), r.mqls as f64 / 3.0 * cv));
        assert!(close(r.capacity_utilisation, r.mqls as f64 / 3.0 / 2.0));
        assert!(close(r.rep_hours_on_lost_per_month.unwrap(), r.mqls as f64 / 3.0 * (1.0 - cv) * 0.5));
    }
    // Threshold 40 by hand: 5 MQLs in 3 months, 3 of 4 decided won.
    let r = &rows[2];
    assert!(close(r.mqls_per_month, 5.0 / 3.0));
    assert!(close(r.capacity_utilisation, 5.0 / 6.0));
    assert!(close(r.rep_hours_on_lost_per_month.unwrap(), 5.0 / 3.0 * 0.25 * 0.5));
    assert!(close(r.expected_wins_per_month.unwrap(), 1.25));
    // Wilson 90 % interval of 3/4 (the closed form, evaluated separately in Python).
    assert!((r.outcomes.conversion_low.unwrap() - 0.3561680085985064).abs() < 1e-9);
    assert!((r.outcomes.conversion_high.unwrap() - 0.9420926788001414).abs() < 1e-9);
    let within_capacity: Vec<bool> = rows.iter().map(|r| r.within_capacity).collect();
    assert_eq!(within_capacity, vec![true, true, true, false, false, false]);
    let within_band: Vec<Option<bool>> = rows.iter().map(|r| r.within_band).collect();
    assert_eq!(within_band, vec![Some(false), Some(true), Some(true), Some(true), Some(false), Some(false)]);
}

#[test]
fn recommendation_takes_the_most_wins_within_both() {
    let c = constraints(2.0, (0.6, 0.8));
    let (_, rows) = sweep(&scored(), 3, &c);
    let rec = recommend(&rows, &c, 1.0 / 3.0);
    assert!(rec.feasible);
    assert_eq!((rec.threshold, rec.row, rec.binding_constraint), (40, 2, None));
    assert!(rec.summary.starts_with("Threshold 40: 1.7 MQLs a month (83 % of the capacity of 2), conversion 75.0 %"), "{}", rec.summary);
    // Ties on wins go to the higher conversion: 50 and 40 both... (make 30 qualify: it has 4 wins).
    let c = constraints(3.0, (0.6, 0.8));
    let (_, rows) = sweep(&scored(), 3, &c);
    assert_eq!(recommend(&rows, &c, 0.0).threshold, 30);
    // best_feasible: equal wins, the higher conversion wins.
    let points = [(1.0, Some(0.7), 5), (1.5, Some(0.65), 5), (1.8, Some(0.75), 5)];
    assert_eq!(best_feasible(points.into_iter(), &c), Some(2));
}

#[test]
fn infeasible_capacity_names_the_overrides() {
    let c = constraints(0.2, (0.6, 0.8));
    let (_, rows) = sweep(&scored(), 3, &c);
    let rec = recommend(&rows, &c, 1.0 / 3.0);
    assert!(!rec.feasible);
    assert_eq!(rec.binding_constraint, Some(Binding::Capacity));
    assert_eq!(rec.threshold, 51);
    assert!(rec.summary.contains("even the strictest, 51, sends 0.3 MQLs a month (0.3 of them from always_mql"), "{}", rec.summary);
    assert!(rec.summary.contains("above the capacity of 0.2"));
}

#[test]
fn infeasible_band_only_beyond_capacity() {
    let c = constraints(2.0, (0.1, 0.5));
    let (_, rows) = sweep(&scored(), 3, &c);
    let rec = recommend(&rows, &c, 1.0 / 3.0);
    assert_eq!(rec.binding_constraint, Some(Binding::Capacity));
    assert!(
        rec.summary.contains("at the loosest threshold within capacity (40, 1.7 MQLs a month; 83 % of capacity in the mean month) conversion is 75.0 %, above the band's 50 %: sales could take more leads, or the band is too low"),
        "{}",
        rec.summary
    );
    assert!(rec.summary.contains("only at threshold 10 with 3 MQLs a month, 50 % over capacity"), "{}", rec.summary);
    // Nearest within capacity: 50 (66.7 %, 16.7 points above); then the loosest within capacity; then the first in the band.
    let options: Vec<i64> = rec.options.iter().map(|o| o.threshold).collect();
    assert_eq!(options, vec![50, 40, 10]);
    assert_eq!(rec.threshold, 50);
    assert!(rec.options[0].advice.contains("within capacity (50 %), conversion 16.7 % above the band 10–50 %"), "{}", rec.options[0].advice);
    assert!(rec.options[2].advice.contains("50 % over capacity, conversion inside the band"), "{}", rec.options[2].advice);
}

#[test]
fn infeasible_band_high_low_and_jumps() {
    let c = constraints(2.0, (0.1, 0.45));
    let (_, rows) = sweep(&scored(), 3, &c);
    let rec = recommend(&rows, &c, 0.0);
    assert_eq!(rec.binding_constraint, Some(Binding::BandHigh));
    assert!(rec.summary.contains("never falls to the band's top of 45 %"), "{}", rec.summary);

    let c = constraints(1.5, (0.7, 0.9));
    let (_, rows) = sweep(&scored(), 3, &c);
    let rec = recommend(&rows, &c, 0.0);
    assert_eq!(rec.binding_constraint, Some(Binding::Band));
    assert!(rec.summary.contains("narrower than the steps of the score"));

    // Scores that do not separate: the best conversion within capacity is below the floor.
    let leads = ScoredLeads {
        rows: (0..6).collect(),
        score: vec![3, 3, 2, 2, 1, 1],
        fit: vec![0; 6],
        engagement: vec![0; 6],
        route: vec![Route::Score; 6],
        outcome: vec![Outcome::Won, Outcome::Lost, Outcome::Lost, Outcome::Lost, Outcome::Won, Outcome::Lost],
        month: vec![0; 6],
        leads: vec![1; 6],
    };
    let c = constraints(4.0, (0.6, 0.8));
    let (_, rows) = sweep(&leads, 1, &c);
    let rec = recommend(&rows, &c, 0.0);
    assert_eq!(rec.binding_constraint, Some(Binding::BandLow));
    assert!(rec.summary.contains("the best conversion is 50.0 % (threshold 3, 2 MQLs a month), below the band's floor of 60 %"), "{}", rec.summary);

    // Many leads tied on one score: within capacity conversion is above the band, and the
    // next threshold (its tie overflowing capacity) is already below it. Taking more leads
    // does not reach the band: the score jumps across it.
    let outcome = |k: usize| if k < 3 || k == 6 { Outcome::Won } else { Outcome::Lost };
    let leads = ScoredLeads {
        rows: (0..16).collect(),
        score: (0..16).map(|k| if k < 4 { 9 } else { 2 }).collect(),
        fit: vec![0; 16],
        engagement: vec![0; 16],
        route: vec![Route::Score; 16],
        outcome: (0..16).map(outcome).collect(),
        month: vec![0; 16],
        leads: vec![1; 16],
    };
    let c = constraints(10.0, (0.3, 0.6));
    let (_, rows) = sweep(&leads, 1, &c);
    let rec = recommend(&rows, &c, 0.0);
    assert_eq!(rec.binding_constraint, Some(Binding::Band));
    assert!(
        rec.summary.contains("conversion jumps across the band 30–60 % from 75.0 % at the loosest threshold within capacity (9, 4 MQLs a month; 40 % of capacity in the mean month) to 25.0 % at the next, 2 (16 MQLs a month, 60 % over capacity): 12 leads score exactly 2"),
        "{}",
        rec.summary
    );
}

/// A threshold measured on its own (the walk-forward's carried one) is the sweep's row
/// at that threshold: the same counts, month profile and capacity rule.
#[test]
fn a_row_of_one_threshold_is_the_sweeps_row() {
    let leads = scored();
    let months = judged_rows(&table(), &["2025-Q1".to_string()], &[]).months;
    for rule in [mqlcal_config::CapacityRule::Mean, mqlcal_config::CapacityRule::Busiest, mqlcal_config::CapacityRule::DEFAULT] {
        for capacity in [0.5, 1.0, 2.0, 3.0] {
            let c = constraints(capacity, (0.3, 0.7)).with_rule(rule);
            let (_, rows) = crate::sweep_months(&leads, &months, &c);
            for row in &rows {
                let alone = crate::sweep::row_of(&leads, &months, row.threshold, &c, |i| leads.is_mql(i, row.threshold));
                assert_eq!(&alone, row, "{rule:?} {capacity}");
            }
        }
    }
}

#[test]
fn tiers_split_the_mqls() {
    let months = judged_rows(&table(), &["2025-Q1".to_string()], &[]).months;
    let c = constraints(2.0, (0.0, 1.0));
    let t = tiers(&scored(), 30, 1.0, &months, &c);
    assert_eq!(t.hot_threshold, Some(50));
    assert_eq!((t.rows[0].tier.as_str(), t.rows[0].mqls, t.rows[0].outcomes.won, t.rows[0].outcomes.lost), ("hot", 2, 1, 1));
    assert_eq!((t.rows[1].tier.as_str(), t.rows[1].mqls, t.rows[1].outcomes.won, t.rows[1].outcomes.lost, t.rows[1].outcomes.open), ("warm", 5, 3, 1, 1));
    assert!(close(t.rows[1].wins_captured_share.unwrap(), 0.75));
    let none = tiers(&scored(), 30, 0.5, &months, &c);
    assert_eq!(none.hot_threshold, None);
    assert!(none.summary.contains("even the top score (50) sends 0.7 leads a month, above the hot capacity of 0.5."), "{}", none.summary);
    // The hot capacity is judged as MQL capacity is: score 50 sends 0.67 a month on
    // average, within 0.7, but one in January and one in February, each over 0.7.
    let mean = tiers(&scored(), 30, 0.7, &months, &c);
    assert_eq!(mean.hot_threshold, Some(50));
    let busiest = tiers(&scored(), 30, 0.7, &months, &c.clone().with_rule(mqlcal_config::CapacityRule::Busiest));
    assert_eq!(busiest.hot_threshold, None);
    assert!(busiest.summary.ends_with("even the top score (50) sends 1 leads a month in the busiest month, above the hot capacity of 0.7."), "{}", busiest.summary);
    let p75 = tiers(&scored(), 30, 1.0, &months, &c.clone().with_rule(mqlcal_config::CapacityRule::DEFAULT));
    assert_eq!(p75.hot_threshold, Some(50));
    assert!(p75.summary.contains("(hot capacity 1, judged on the 75th-percentile month)"), "{}", p75.summary);
}

#[test]
fn segments_at_the_threshold() {
    let t = table();
    let rows = segments(&t, &scored(), 40, 3.0, Z90, DecimalMark::Point);
    // MQLs at 40: leads 1, 2, 3, 4 and the demo request 9.
    let seo = rows.iter().find(|r| r.value == "seo").unwrap();
    assert_eq!((seo.leads, seo.mqls, seo.outcomes.won, seo.outcomes.lost, seo.outcomes.open), (4, 3, 3, 0, 0));
    assert!(close(seo.share_of_mqls, 3.0 / 5.0));
    assert!(close(seo.wins_captured_share.unwrap(), 0.75));
    let paid = rows.iter().find(|r| r.value == "paid").unwrap();
    assert_eq!((paid.leads, paid.mqls, paid.outcomes.won, paid.outcomes.lost, paid.outcomes.open), (5, 2, 0, 1, 1));
    assert!(close(paid.base_conversion.unwrap(), 0.0));
    assert_eq!(paid.wins_captured_share, None);
    let odd = rows.iter().find(|r| r.value == "<b>&\"é").unwrap();
    assert_eq!((odd.mqls, odd.outcomes.conversion), (0, None));
    assert_eq!(rows[0].value, "seo");
}

/// A segment value written two ways (a renamed picklist) is one row, under its most
/// frequent spelling, with the same counts as when written one way.
#[test]
fn a_segment_value_written_two_ways_is_one_row() {
    let t = table();
    let mut respelled = t.clone();
    let seo_rows: Vec<usize> = (0..t.len()).filter(|&r| t.segments[0].values[r].as_deref() == Some("seo")).collect();
    respelled.segments[0].values[seo_rows[0]] = Some("SEO".into());
    let (plain, two_ways) = (segments(&t, &scored(), 40, 3.0, Z90, DecimalMark::Point), segments(&respelled, &scored(), 40, 3.0, Z90, DecimalMark::Point));
    assert_eq!(two_ways.len(), plain.len());
    let seo = two_ways.iter().find(|r| r.value == "seo").unwrap();
    assert_eq!(seo.also_written, ["SEO"]);
    assert_eq!(SegmentRow { also_written: vec![], ..seo.clone() }, *plain.iter().find(|r| r.value == "seo").unwrap());

    // A cell that says "(blank)" is counted with the blank ones: one row of that name.
    let mut blanks = t.clone();
    blanks.segments[0].values[seo_rows[0]] = None;
    blanks.segments[0].values[seo_rows[1]] = Some("(blank)".into());
    let rows = segments(&blanks, &scored(), 40, 3.0, Z90, DecimalMark::Point);
    let blank: Vec<&SegmentRow> = rows.iter().filter(|r| r.value == "(blank)").collect();
    assert_eq!((blank.len(), blank[0].leads), (1, 2));
}

/// The name of values written alike is their most frequent spelling among all the table's
/// leads, whichever the holdout's leads happen to write more.
#[test]
fn a_segment_is_named_by_its_most_frequent_spelling_in_the_whole_table() {
    let mut t = table();
    let rows_of = |t: &FeatureTable, value: &str| (0..t.len()).filter(|&r| t.segments[0].values[r].as_deref() == Some(value)).collect::<Vec<usize>>();
    let (seo_rows, paid_rows) = (rows_of(&t, "seo"), rows_of(&t, "paid"));
    // The judged leads write "SEO"; the others, more of them, "seo".
    assert!(paid_rows.len() > seo_rows.len());
    for &r in &seo_rows {
        t.segments[0].values[r] = Some("SEO".into());
    }
    for &r in &paid_rows {
        t.segments[0].values[r] = Some("seo".into());
    }
    let judged: Vec<usize> = (0..t.len()).filter(|r| !paid_rows.contains(r)).collect();
    let scored = score_rows(&model(None, true), &t, &judged, "m").unwrap();
    let rows = segments(&t, &scored, 40, 3.0, Z90, DecimalMark::Point);
    let seo = rows.iter().find(|r| r.value.eq_ignore_ascii_case("seo")).unwrap();
    assert_eq!((seo.value.as_str(), seo.also_written.clone(), seo.leads), ("seo", vec!["SEO".to_string()], seo_rows.len() as u64));
}

#[test]
fn comparison_and_swap_sets() {
    let t = table();
    let rows = Judged { rows: (0..t.len()).collect(), volume_only: vec![], months: vec![0, 1, 2] };
    let current = model(Some(40), false);
    let candidate = model(Some(30), true);
    let c = compare(&current, "current.toml", &candidate, "recalibrated", &t, &rows, Z90).unwrap();
    assert_eq!((c.current.mqls, c.current.outcomes.won, c.current.outcomes.lost, c.current.outcomes.open), (5, 2, 2, 1));
    assert_eq!((c.candidate.mqls, c.candidate.outcomes.won, c.candidate.outcomes.lost, c.candidate.outcomes.open), (7, 4, 2, 1));
    let sets: Vec<(&str, u64, u64, u64)> = c.swaps.iter().map(|s| (s.set.as_str(), s.outcomes.won, s.outcomes.lost, s.outcomes.open)).collect();
    assert_eq!(sets, vec![("both", 2, 1, 1), ("become_mql", 2, 1, 0), ("stop_being_mql", 0, 1, 0), ("neither", 0, 2, 0)]);
    assert!(close(c.swaps[1].outcomes.conversion.unwrap(), 2.0 / 3.0));
    assert!((c.swaps[1].outcomes.conversion_low.unwrap() - 0.2535338682812241).abs() < 1e-6);
    assert!(c.summary.contains("1 leads a month become MQLs (conversion 66.7 %)"), "{}", c.summary);

    let no_threshold = model(None, false);
    let err = compare(&no_threshold, "old.json", &candidate, "new", &t, &rows, Z90).unwrap_err().to_string();
    assert!(err.contains("old.json: has no threshold"), "{err}");
    let mut unknown = model(Some(10), false);
    unknown.signals[0].name = "webinar".into();
    let err = compare(&unknown, "old.toml", &candidate, "new", &t, &rows, Z90).unwrap_err().to_string();
    assert!(err.contains("old.toml: scores signal(s) the data does not have: webinar; the data's signals are: s, demo, comp"), "{err}");
}

#[test]
fn bootstrap_is_seeded_and_matches_the_normal_approximation() {
    // 2000 leads, scores 0..9; the top half converts at 30 %, the rest at 10 %.
    let n = 2000;
    let leads = ScoredLeads {
        rows: (0..n).collect(),
        score: (0..n).map(|i| (i % 10) as i64).collect(),
        fit: vec![0; n],
        engagement: vec![0; n],
        route: vec![Route::Score; n],
        outcome: (0..n)
            .map(|i| {
                let top = i % 10 >= 5;
                let won = if top { (i / 10) % 10 < 3 } else { (i / 10) % 10 < 1 };
                if won { Outcome::Won } else { Outcome::Lost }
            })
            .collect(),
        month: (0..n).map(|i| (i % 3) as i32).collect(),
        leads: vec![1; n],
    };
    let c = constraints(380.0, (0.2, 0.4));
    let (cells, rows) = sweep(&leads, 3, &c);
    let rec = recommend(&rows, &c, 0.0);
    assert_eq!(rec.threshold, 5);
    let a = bootstrap(&cells, 3.0, &c, rec.row, 2000, 9);
    let b = bootstrap(&cells, 3.0, &c, rec.row, 2000, 9);
    assert_eq!(a, b);
    assert_ne!(a, bootstrap(&cells, 3.0, &c, rec.row, 2000, 10));
    // 1000 MQLs converting at 0.3: 90 % interval ≈ 0.3 ± Z90·sqrt(0.21/1000) (MQL count varies too, hence 15 %).
    let half = 1.6448536269514722 * (0.3f64 * 0.7 / 1000.0).sqrt();
    assert!(close(a.conversion.estimate, 0.3));
    assert!(((a.conversion.high - a.conversion.low) / 2.0 - half).abs() < 0.15 * half, "{:?}", a.conversion);
    assert!(a.mqls_per_month.low < 1000.0 / 3.0 && a.mqls_per_month.high > 1000.0 / 3.0);
    // Capacity is far away; the band holds unless conversion leaves [0.2, 0.4]: practically always.
    assert!(a.p_constraints_hold > 0.99);
    assert!(a.recommended_thresholds[0].threshold == Some(5));
}

#[test]
fn drift_flags_a_shifted_signal() {
    let mut t = table();
    // Training = the first five leads, holdout = the rest: s is much lower in the holdout.
    let training: Vec<usize> = (0..5).collect();
    let holdout: Vec<usize> = (5..10).collect();
    let scores: Vec<f64> = t.matrix.column(0).to_vec();
    let d = drift(&t, &training, &holdout, &scores[..5], &scores[5..]);
    assert_eq!(d[0].name, "score");
    assert_eq!(d.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["score", "s", "demo", "comp"]);
    assert_eq!(d[1].flag, "major shift");
    t.matrix[[0, 0]] = 0.0;
    assert!(d.iter().all(|s| s.index.is_finite()));
}

#[test]
fn comparison_at_equal_volume_and_the_swapped_leads() {
    let t = table();
    let rows = Judged { rows: (0..t.len()).collect(), volume_only: vec![], months: vec![0, 1, 2] };
    let current = model(Some(40), false);
    let candidate = model(Some(30), true);
    let c = compare(&current, "current.toml", &candidate, "recalibrated", &t, &rows, Z90).unwrap();
    // The candidate sends 7 MQLs; today's model sends 7 from threshold 30 (5 from 40, 9 from 20).
    let e = &c.equal_volume;
    assert_eq!((e.current.threshold, e.current.mqls), (30, 7));
    assert_eq!((e.current.outcomes.won, e.current.outcomes.lost, e.current.outcomes.open), (3, 3, 1));
    // At equal volume only the overrides differ: the demo request (won) comes in, the competitor (lost) goes.
    let sets: Vec<(&str, u64, u64)> = e.swaps.iter().map(|s| (s.set.as_str(), s.outcomes.won, s.outcomes.lost)).collect();
    assert_eq!(sets, vec![("both", 3, 2), ("become_mql", 1, 0), ("stop_being_mql", 0, 1), ("neither", 0, 2)]);
    let equal: Vec<(&str, &str, Outcome, i64, i64)> = c
        .swap_leads
        .iter()
        .filter(|l| l.basis == Basis::EqualVolume)
        .map(|l| (l.set, l.lead_id.as_str(), l.outcome, l.current_score, l.current_threshold))
        .collect();
    assert_eq!(equal, vec![("become_mql", "L9", Outcome::Won, 5, 30), ("stop_being_mql", "L10", Outcome::Lost, 60, 30)]);
    // At own thresholds: L5, L6 and L9 come in, L10 goes (the swap rows count the same leads).
    let own: Vec<&str> = c.swap_leads.iter().filter(|l| l.basis == Basis::OwnThreshold).map(|l| l.lead_id.as_str()).collect();
    assert_eq!(own, vec!["L5", "L6", "L9", "L10"]);
    assert_eq!(c.swaps[1].leads + c.swaps[2].leads, own.len() as u64);
    assert!(e.summary.contains("current model at threshold 30 sends 2.3 MQLs a month (the candidate 2.3)"), "{}", e.summary);
    let table = swaps_table(&c);
    assert_eq!(table.name, "swaps");

    // The same model on both sides: nothing swaps, and the summary shows no conversion it does not have.
    let same = compare(&candidate, "a", &candidate, "b", &t, &rows, Z90).unwrap();
    assert!(same.summary.ends_with("No lead becomes an MQL and no lead stops being one."), "{}", same.summary);
    assert!(!same.summary.contains("conversion -"), "{}", same.summary);
    assert_eq!(same.equal_volume.current.threshold, 30);
}

#[test]
fn threshold_for_volume_picks_the_nearest_count_and_the_stricter_on_ties() {
    let s = |scores: &[i64], routes: &[Route]| ScoredLeads {
        rows: (0..scores.len()).collect(),
        score: scores.to_vec(),
        fit: vec![0; scores.len()],
        engagement: vec![0; scores.len()],
        route: routes.to_vec(),
        outcome: vec![Outcome::Lost; scores.len()],
        month: vec![0; scores.len()],
        leads: vec![1; scores.len()],
    };
    let leads = s(&[10, 10, 8, 5, 5, 5, 1], &[Route::Score; 7]);
    assert_eq!(threshold_for_volume(&leads, 2), Some(10));
    assert_eq!(threshold_for_volume(&leads, 3), Some(8));
    // 4 is as near to 3 (threshold 8) as to 6 (threshold 5): the stricter.
    assert_eq!(threshold_for_volume(&leads, 4), Some(8));
    assert_eq!(threshold_for_volume(&leads, 0), Some(11));
    assert_eq!(threshold_for_volume(&leads, 99), Some(1));
    // An always-MQL lead counts at every threshold; a never-MQL lead at none.
    let routed = s(&[10, 9, 0, 0], &[Route::Score, Route::Score, Route::Always, Route::Never]);
    assert_eq!(threshold_for_volume(&routed, 1), Some(11));
    assert_eq!(threshold_for_volume(&routed, 3), Some(9));
}

/// A grouped table (rows standing for several leads) backtests as its leads do: the
/// same sweep, bootstrap, tiers, segments and equal-volume threshold as the table with
/// every row repeated once per lead.
#[test]
fn rows_standing_for_several_leads_count_as_those_leads() {
    let leads_per_row: Vec<u64> = vec![3, 1, 2, 1, 4, 1, 2, 1, 2, 1];
    let mut grouped = table();
    grouped.patterns = Some(mqlcal_features::Patterns { leads: leads_per_row.clone(), window_complete: vec![true; 10] });
    let repeated: Vec<usize> = (0..10).flat_map(|i| std::iter::repeat_n(i, leads_per_row[i] as usize)).collect();
    let expanded = table().select_rows(&repeated);
    assert_eq!(grouped.outcome_counts(), expanded.outcome_counts());
    let m = model(Some(30), true);
    let a = score_rows(&m, &grouped, &(0..grouped.len()).collect::<Vec<_>>(), "m").unwrap();
    let b = score_rows(&m, &expanded, &(0..expanded.len()).collect::<Vec<_>>(), "m").unwrap();
    let c = constraints(6.0, (0.3, 0.7));
    let ((cells_a, rows_a), (cells_b, rows_b)) = (sweep(&a, 3, &c), sweep(&b, 3, &c));
    assert_eq!(rows_a, rows_b);
    assert_eq!((cells_a.at.clone(), cells_a.always, cells_a.never), (cells_b.at.clone(), cells_b.always, cells_b.never));
    let rec = recommend(&rows_a, &c, 0.0);
    assert_eq!(bootstrap(&cells_a, 3.0, &c, rec.row, 500, 7), bootstrap(&cells_b, 3.0, &c, rec.row, 500, 7));
    let months = judged_rows(&table(), &["2025-Q1".to_string()], &[]).months;
    for rule in [mqlcal_config::CapacityRule::Mean, mqlcal_config::CapacityRule::DEFAULT] {
        let c = c.clone().with_rule(rule);
        assert_eq!(tiers(&a, 30, 2.0, &months, &c), tiers(&b, 30, 2.0, &months, &c));
    }
    assert_eq!(segments(&grouped, &a, 30, 3.0, Z90, DecimalMark::Point), segments(&expanded, &b, 30, 3.0, Z90, DecimalMark::Point));
    for target in 0..20 {
        assert_eq!(threshold_for_volume(&a, target), threshold_for_volume(&b, target), "{target} MQLs");
    }
}
