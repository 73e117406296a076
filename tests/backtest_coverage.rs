//! The bootstrap's honesty, checked against known truth: across 100 seeded
//! synthetic datasets (outcomes drawn from known logistic weights), fit on the
//! training quarters, backtest the held-out quarter, and ask how often the 90 %
//! interval for conversion at the recommended threshold covers the true expected
//! conversion: the mean true win probability of those MQLs (truth_probabilities.csv).

use std::collections::HashMap;

use mqlcal_backtest::BacktestInputs;
use mqlcal_config::{AlphaSpec, Config};

const DATASETS: u64 = 100;
const LEADS: usize = 12_000;

struct Outcome {
    covered: bool,
    feasible: bool,
    constraints_kept: bool,
    truth: f64,
    low: f64,
    high: f64,
}

fn one(seed: u64) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let params = mqlcal_synth::SynthParams { leads: LEADS, seed, ..Default::default() };
    mqlcal_synth::generate(&params, dir.path()).unwrap();
    let mut config = Config::load(&dir.path().join("mqlcal.toml")).unwrap();
    // A fixed penalty keeps 100 fits fast; the walk-forward is not what is measured here.
    config.model.alpha = AlphaSpec::Fixed(1.0);
    config.model.current = None;
    config.backtest.walk_forward = false;
    // The generated [sales] capacity (16 % of a month's leads) with a band wide enough that
    // most holdouts have a qualifying threshold; infeasible ones still count for coverage.
    config.sales.target_conversion = (0.30, 0.65);
    config.backtest.bootstrap_resamples = 1000;
    config.backtest.seed = seed;
    let table = mqlcal_data::build_features(&config).unwrap().table;
    let split = mqlcal_fit::split(&table, &config.model).unwrap();
    let options = mqlcal_fit::FitOptions { split: Some(&split), ..Default::default() };
    let fitted = mqlcal_fit::fit_model_with(&table, &config.model, "test", &options).unwrap();
    let b = mqlcal_backtest::run(&BacktestInputs {
        table: &table,
        model: &fitted.model,
        model_spec: &config.model,
        split: &split,
        sales: &config.sales,
        spec: &config.backtest,
        current: None,
        rule: &mqlcal_config::RuleSpec::Total,
        tool_version: "test",
        warm_start: Some(&fitted.logistic),
    })
    .unwrap();

    let truth: HashMap<String, f64> = std::fs::read_to_string(dir.path().join("truth_probabilities.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (id, p) = l.split_once(',').unwrap();
            (id.to_string(), p.parse().unwrap())
        })
        .collect();
    let threshold = b.recommendation.threshold;
    let mql_truth: Vec<f64> = (0..b.holdout.len())
        .filter(|&i| b.holdout.is_mql(i, threshold))
        .map(|i| truth[&table.ids[b.holdout.rows[i]]])
        .collect();
    let expected = mql_truth.iter().sum::<f64>() / mql_truth.len() as f64;
    let interval = b.bootstrap.conversion;
    let row = b.recommended_row();
    Outcome {
        covered: interval.low <= expected && expected <= interval.high,
        feasible: b.recommendation.feasible,
        constraints_kept: row.within_capacity && row.within_band == Some(true),
        truth: expected,
        low: interval.low,
        high: interval.high,
    }
}

#[test]
fn bootstrap_interval_covers_the_true_conversion() {
    // Two at a time: each dataset is independent (own folder, own seed).
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let halves: Vec<_> = [0u64, 1]
            .into_iter()
            .map(|h| scope.spawn(move || (1..=DATASETS).filter(|s| s % 2 == h).map(one).collect::<Vec<_>>()))
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outcomes.len() as u64, DATASETS);
    let covered = outcomes.iter().filter(|o| o.covered).count();
    let feasible: Vec<&Outcome> = outcomes.iter().filter(|o| o.feasible).collect();
    let misses: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.covered)
        .map(|o| format!("truth {:.3} outside [{:.3}, {:.3}]", o.truth, o.low, o.high))
        .collect();
    eprintln!(
        "coverage of the 90 % bootstrap interval: {covered}/{DATASETS}; feasible recommendations: {}/{DATASETS}; misses: {misses:?}",
        feasible.len()
    );
    // The recommendation keeps capacity and band on the holdout whenever one qualifies...
    assert!(feasible.iter().all(|o| o.constraints_kept));
    // ...and one qualifies on most synthetic holdouts (the band above suits the generator).
    assert!(feasible.len() >= 80, "only {} of {DATASETS} feasible", feasible.len());
    assert!(covered >= 85, "the 90 % interval covered the truth in only {covered} of {DATASETS} holdouts: {misses:?}");
}
