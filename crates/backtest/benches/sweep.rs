//! Wall time of the backtest's per-holdout work on 1,000,000 leads × 29 signals:
//! scoring, the threshold sweep, the recommendation and a 2000-resample bootstrap.
//! Run: `cargo bench -p mqlcal-backtest --bench sweep` (prints the median of 5 runs per step).

use std::collections::BTreeMap;

use mqlcal_backtest::{bootstrap, recommend, score_rows, sweep, Constraints};
use mqlcal_config::Axis as ConfigAxis;
use mqlcal_features::{FeatureColumn, FeatureTable, Outcome};
use mqlcal_scorecard::{Axis, Model, ModelSignal, ModelSource, SCHEMA_VERSION};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const LEADS: usize = 1_000_000;
const SIGNALS: usize = 29;

mod timing;

fn time<T>(label: &str, runs: usize, step: impl FnMut() -> T) -> T {
    let (out, seconds) = timing::median_seconds(runs, step);
    println!("{label:<40} {:>9.1} ms (median of {runs})", 1000.0 * seconds);
    out
}

fn main() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let points: Vec<i64> = (0..SIGNALS).map(|j| [100, 40, 25, 15, 10, 8, 5, -20, -50][j % 9]).collect();
    let mut matrix = Array2::zeros((LEADS, SIGNALS));
    let mut outcomes = Vec::with_capacity(LEADS);
    let month_start = 1_735_689_600; // 2025-01-01
    let created: Vec<Option<i64>> = (0..LEADS).map(|_| Some(month_start + rng.random_range(0..90 * 86_400))).collect();
    for i in 0..LEADS {
        let mut z = -5.0;
        for j in 0..SIGNALS {
            let on = rng.random_bool(0.15);
            if on {
                matrix[[i, j]] = 1.0;
                z += points[j] as f64 / 40.0;
            }
        }
        let p = 1.0 / (1.0 + (-z).exp());
        outcomes.push(if rng.random_bool(0.2) {
            Outcome::Open
        } else if rng.random_bool(p) {
            Outcome::Won
        } else {
            Outcome::Lost
        });
    }
    let table = FeatureTable {
        ids: (0..LEADS).map(|i| format!("L{i}")).collect(),
        created_at: created,
        cohorts: vec!["2025-Q1".into(); LEADS],
        outcomes,
        segments: vec![],
        columns: (0..SIGNALS)
            .map(|j| FeatureColumn { name: format!("s{j}"), signal: format!("s{j}"), level: None, axis: ConfigAxis::Engagement })
            .collect(),
        matrix,
        as_of: None,
        patterns: None,
    };
    let model = Model {
        schema_version: SCHEMA_VERSION,
        tool_version: "bench".into(),
        source: ModelSource::PointsSheet,
        inputs: None,
        signals: (0..SIGNALS)
            .map(|j| ModelSignal { name: format!("s{j}"), axis: Axis::Engagement, points: points[j], coefficient: None, std_error: None, p_value: None, recipe: None })
            .collect(),
        base_points: 0,
        group_caps: vec![],
        overrides: vec![],
        threshold: None,
        hot_threshold: None,
        rule: None,
        calibration: None,
        fit: None,
        training: None,
        rounding_cost: None,
        metrics: BTreeMap::new(),
        provenance: None,
    };
    let rows: Vec<usize> = (0..LEADS).collect();
    let c = Constraints::new(30_000.0, (0.3, 0.6), 15.0, 0.9);
    println!("{LEADS} holdout leads × {SIGNALS} signals, 3 months");
    let leads = time("score every lead", 5, || score_rows(&model, &table, &rows, "bench").expect("scores"));
    let (cells, thresholds) = time("sweep (sort + cumulative sums)", 5, || sweep(&leads, 3, &c));
    println!("{:<40} {:>9}", "distinct thresholds", thresholds.len());
    let rec = time("recommend", 5, || recommend(&thresholds, &c, 0.0));
    time("bootstrap, 2000 resamples", 5, || bootstrap(&cells, 3.0, &c, rec.row, 2000, 42));
    println!("recommended: {}", rec.summary);
}
