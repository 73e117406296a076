//! Known weights, seeded data: the fitter recovers them with won as the minority and as the majority.

use mqlcal_fit::*;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const W: [f64; 3] = [1.0, -0.8, 0.4];

fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// n leads: x1 ~ N(0,1), x2 ~ Bernoulli(0.3), x3 ~ uniform integer 0..=5.
fn simulate(n: usize, intercept: f64, seed: u64) -> (Array2<f64>, Vec<bool>, Vec<String>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 3));
    let mut won = Vec::with_capacity(n);
    for i in 0..n {
        x[[i, 0]] = normal(&mut rng);
        x[[i, 1]] = if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 };
        x[[i, 2]] = rng.random_range(0..=5) as f64;
        let z = intercept + W[0] * x[[i, 0]] + W[1] * x[[i, 1]] + W[2] * x[[i, 2]];
        won.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
    }
    let names = ["engagement", "competitor_domain", "pages"]
        .map(String::from)
        .to_vec();
    (x, won, names)
}

fn recover(intercept: f64, seed: u64, expect_minority: bool) {
    let (x, won, names) = simulate(4000, intercept, seed);
    let share = won.iter().filter(|&&w| w).count() as f64 / won.len() as f64;
    assert_eq!(share < 0.5, expect_minority, "won share {share}");

    let params = FitParams::new().alpha(0.0).check().unwrap();
    let m = fit(&params, x.view(), &won, &names).unwrap();
    assert!(m.converged);
    for k in 0..3 {
        assert_eq!(m.coef[k].signum(), W[k].signum(), "sign of {}", names[k]);
        let dev = (m.coef[k] - W[k]).abs() / m.std_err[k];
        assert!(
            dev < 4.0,
            "{}: {} vs {} ({dev:.1} SE)",
            names[k],
            m.coef[k],
            W[k]
        );
    }
    let dev = (m.intercept - intercept).abs() / m.intercept_std_err;
    assert!(
        dev < 4.0,
        "intercept {} vs {intercept} ({dev:.1} SE)",
        m.intercept
    );
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);

    // linfa-logistic alone (no Newton polish) must also come back with won as the positive
    // class: this is what catches a missing sign flip, since Newton would otherwise repair it.
    let lbfgs_only = FitParams::new()
        .alpha(0.0)
        .max_iterations(1000)
        .gradient_tolerance(1e-3)
        .newton_steps(0)
        .check()
        .unwrap();
    let l = fit(&lbfgs_only, x.view(), &won, &names).unwrap();
    assert_eq!(l.iterations, 0);
    for k in 0..3 {
        assert!(
            (l.coef[k] - m.coef[k]).abs() < 1e-3,
            "L-BFGS {} vs Newton {}",
            l.coef[k],
            m.coef[k]
        );
    }
    assert!((l.intercept - m.intercept).abs() < 1e-3);
}

#[test]
fn recovers_weights_when_won_is_the_minority() {
    recover(-2.5, 7, true);
}

#[test]
fn recovers_weights_when_won_is_the_majority() {
    recover(1.0, 11, false);
}

#[test]
fn choose_alpha_scores_the_latest_cohort() {
    let (x, won, names) = simulate(3000, -1.0, 3);
    let cohort: Vec<usize> = (0..3000).map(|i| i / 1000).collect();
    let base = FitParams::new().check().unwrap();
    let grid = default_alpha_grid();
    assert_eq!(grid.len(), 13);
    assert!((grid[0] - 0.01).abs() < 1e-15 && (grid[12] - 1000.0).abs() < 1e-9);
    let search = choose_alpha(&grid, x.view(), &won, None, &cohort, &names, &base, 1).unwrap();
    assert_eq!(search.folds.len(), 1);
    assert_eq!(search.folds[0].validation_cohort, 2);
    assert_eq!(
        (search.folds[0].n_train, search.folds[0].n_validation),
        (2000, 1000)
    );
    assert!(search.grid.len() >= 13);
    let losses: Vec<f64> = search
        .grid
        .iter()
        .map(|s| s.validation_log_loss.unwrap())
        .collect();
    let min = losses.iter().cloned().fold(f64::INFINITY, f64::min);
    let best = search
        .grid
        .iter()
        .find(|s| s.alpha == search.best_alpha)
        .unwrap();
    assert_eq!(best.validation_log_loss, Some(min));
    // With 2000 training rows and 3 real signals, heavy shrinkage must lose.
    assert!(search.best_alpha < 1000.0);
    assert!(losses[losses.len() - 1] > min);

    // Two folds: cohorts 1 and 2, each predicted from the cohorts before it; the score is their mean.
    let two = choose_alpha(&grid, x.view(), &won, None, &cohort, &names, &base, 2).unwrap();
    assert_eq!(
        two.folds
            .iter()
            .map(|f| f.validation_cohort)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    for s in &two.grid {
        let folds: Vec<f64> = s.fold_log_loss.iter().map(|v| v.unwrap()).collect();
        assert!((s.validation_log_loss.unwrap() - (folds[0] + folds[1]) / 2.0).abs() < 1e-15);
    }
    assert!(two.note.contains("2 folds"), "{}", two.note);
    // More folds than cohorts before the latest: a clear error naming the key.
    let e = choose_alpha(&grid, x.view(), &won, None, &cohort, &names, &base, 3)
        .unwrap_err()
        .to_string();
    assert!(e.contains("alpha_folds = 3"), "{e}");

    // a single cohort cannot be validated out of time
    let one = vec![0usize; 3000];
    assert!(choose_alpha(&grid, x.view(), &won, None, &one, &names, &base, 1).is_err());
}

#[test]
fn isotonic_and_platt_on_points_score() {
    let (x, won, names) = simulate(3000, -1.0, 5);
    let m = fit(&FitParams::new().check().unwrap(), x.view(), &won, &names).unwrap();
    let pts = scale_to_points(&m.coef, m.intercept, &names, Scaling::MaxPoints(100.0)).unwrap();
    let scores: Vec<f64> = x
        .outer_iter()
        .map(|r| r.iter().zip(&pts.points).map(|(v, &p)| v * p as f64).sum())
        .collect();
    for method in [CalibrationMethod::Platt, CalibrationMethod::Isotonic] {
        let t = calibration_table(&scores, &won, None, method).unwrap();
        assert!(
            t.probability.windows(2).all(|w| w[0] <= w[1]),
            "{method:?} not monotone"
        );
        assert!(t.score.windows(2).all(|w| w[0] < w[1]));
        assert!(t.probability(f64::MAX) <= 1.0 && t.probability(f64::MIN) >= 0.0);
        // the table is a faithful summary: mean predicted ≈ observed won rate
        let mean_p = scores.iter().map(|&s| t.probability(s)).sum::<f64>() / scores.len() as f64;
        let rate = won.iter().filter(|&&w| w).count() as f64 / won.len() as f64;
        assert!(
            (mean_p - rate).abs() < 1e-6,
            "{method:?}: {mean_p} vs {rate}"
        );
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"method\""));
    }
}

/// Rows that stand for several leads each (a grouped table) fit as the leads would:
/// x2 and x3 take few values, so 4000 leads of (x2, x3, won) fall into at most 24 patterns.
#[test]
fn weighted_patterns_fit_as_their_leads() {
    let (x, won, names) = simulate(4000, -1.0, 11);
    let (x, names) = (x.slice(ndarray::s![.., 1..]).to_owned(), names[1..].to_vec());
    let mut patterns: Vec<(f64, f64, bool, f64)> = Vec::new();
    for (row, &w) in x.outer_iter().zip(&won) {
        match patterns.iter_mut().find(|p| p.0 == row[0] && p.1 == row[1] && p.2 == w) {
            Some(p) => p.3 += 1.0,
            None => patterns.push((row[0], row[1], w, 1.0)),
        }
    }
    assert!(patterns.len() <= 24, "{}", patterns.len());
    let xg = Array2::from_shape_fn((patterns.len(), 2), |(i, j)| if j == 0 { patterns[i].0 } else { patterns[i].1 });
    let yg: Vec<bool> = patterns.iter().map(|p| p.2).collect();
    let wg: Vec<f64> = patterns.iter().map(|p| p.3).collect();
    for alpha in [0.0, 1.0, 30.0] {
        let params = FitParams::new().alpha(alpha).check().unwrap();
        let leads = fit(&params, x.view(), &won, &names).unwrap();
        let grouped = fit_from(&params, xg.view(), &yg, Some(&wg), &names, None).unwrap();
        assert_eq!((grouped.n, grouped.won), (leads.n, leads.won));
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
        assert!(close(grouped.intercept, leads.intercept), "alpha {alpha}: {} vs {}", grouped.intercept, leads.intercept);
        for k in 0..2 {
            assert!(close(grouped.coef[k], leads.coef[k]), "alpha {alpha} {}: {} vs {}", names[k], grouped.coef[k], leads.coef[k]);
            assert!(close(grouped.std_err[k], leads.std_err[k]), "alpha {alpha} SE {}", names[k]);
        }
        assert!(close(grouped.log_likelihood, leads.log_likelihood));
    }
    // A weight that is not a whole number of leads is refused.
    let mut bad = wg.clone();
    bad[0] = 0.5;
    let params = FitParams::new().alpha(1.0).check().unwrap();
    assert!(fit_from(&params, xg.view(), &yg, Some(&bad), &names, None).is_err());
}

#[test]
fn a_fit_without_standard_errors_has_the_full_fits_weights_to_the_bit() {
    // The alpha search's fits skip the standard errors (and the Hessian at the optimum):
    // what they predict with must be exactly what a full fit at that alpha finds.
    let (x, won, names) = simulate(5000, -1.5, 13);
    for alpha in [0.01, 1.0, 100.0] {
        let full = fit(&FitParams::new().alpha(alpha).check().unwrap(), x.view(), &won, &names).unwrap();
        let lean = fit(&FitParams::new().alpha(alpha).standard_errors(false).check().unwrap(), x.view(), &won, &names).unwrap();
        assert_eq!(lean.intercept.to_bits(), full.intercept.to_bits(), "alpha {alpha}");
        assert_eq!(lean.coef.iter().map(|c| c.to_bits()).collect::<Vec<_>>(), full.coef.iter().map(|c| c.to_bits()).collect::<Vec<_>>(), "alpha {alpha}");
        assert_eq!(lean.log_likelihood.to_bits(), full.log_likelihood.to_bits());
        assert_eq!(lean.iterations, full.iterations);
        assert!(full.std_err.iter().all(|s| s.is_finite() && *s > 0.0));
        assert!(lean.std_err.iter().chain([&lean.intercept_std_err]).all(|s| s.is_nan()), "not computed reads NaN");
    }
}
