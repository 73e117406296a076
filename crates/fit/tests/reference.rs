//! The fitter against the independent reference (statsmodels / exact Newton) on real data.

use mqlcal_fit::*;
use ndarray::Array2;
use serde_json::Value;

const DESIGN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/reference/xeducation_design.csv"
);
const FIT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/reference/xeducation_fit.json"
);

fn load() -> (Array2<f64>, Vec<bool>, Vec<String>, Value) {
    let text = std::fs::read_to_string(DESIGN).expect("reference design CSV");
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let p = header.len() - 1;
    let mut data = Vec::new();
    let mut y = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        y.push(v[p] == 1.0);
        data.extend_from_slice(&v[..p]);
    }
    let x = Array2::from_shape_vec((y.len(), p), data).unwrap();
    let json: Value = serde_json::from_str(&std::fs::read_to_string(FIT).unwrap()).unwrap();
    (x, y, header[..p].to_vec(), json)
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Fit at the reference's alpha (once per process) and assert max |Δ| over intercept and coefficients.
fn check(key: &str, tol: f64) -> (LogisticFit, Value) {
    static ALPHA_1: std::sync::OnceLock<(LogisticFit, Value)> = std::sync::OnceLock::new();
    if key == "penalised_alpha_1" {
        return ALPHA_1.get_or_init(|| check_uncached(key, tol)).clone();
    }
    check_uncached(key, tol)
}

fn check_uncached(key: &str, tol: f64) -> (LogisticFit, Value) {
    let (x, y, names, json) = load();
    let r = json["fits"][key].clone();
    let alpha = r["alpha"].as_f64().unwrap();
    let params = FitParams::new().alpha(alpha).check().unwrap();
    let m = fit(&params, x.view(), &y, &names).unwrap();
    assert!(m.converged && m.dropped.is_empty());
    assert_eq!(m.signals, names);
    let want = floats(&r["coef"]);
    let mut max = (m.intercept - r["intercept"].as_f64().unwrap()).abs();
    for (g, w) in m.coef.iter().zip(&want) {
        max = max.max((g - w).abs());
    }
    eprintln!(
        "{key}: max |Δ| intercept+coef = {max:.3e}; gradient norm {:.2e} (L-BFGS left {:.2e}), {} Newton steps",
        m.gradient_norm, m.lbfgs_gradient_norm, m.iterations
    );
    assert!(max < tol, "{key}: max abs diff {max:e} >= {tol:e}");
    (m, r)
}

#[test]
fn alpha_1_matches_reference() {
    check("penalised_alpha_1", 1e-4);
}

#[test]
fn alpha_100_matches_reference() {
    check("penalised_alpha_100", 1e-4);
}

#[test]
fn unpenalised_matches_statsmodels() {
    let (m, r) = check("unpenalised_statsmodels", 1e-3);
    let se = floats(&r["std_err"]);
    let mut max_rel: f64 = 0.0;
    for (g, w) in m.std_err.iter().zip(&se) {
        max_rel = max_rel.max(((g - w) / w).abs());
    }
    let ise = r["intercept_std_err"].as_f64().unwrap();
    max_rel = max_rel.max(((m.intercept_std_err - ise) / ise).abs());
    let ll = r["log_likelihood"].as_f64().unwrap();
    eprintln!(
        "unpenalised: max relative |Δ| std err = {max_rel:.3e}; |Δ| log-likelihood = {:.3e}",
        (m.log_likelihood - ll).abs()
    );
    assert!(max_rel < 1e-3, "std err relative diff {max_rel:e}");
    assert!(
        (m.log_likelihood - ll).abs() < 1e-6,
        "log-likelihood {} vs {ll}",
        m.log_likelihood
    );
    // Wald statistics are consistent with the estimates.
    for k in 0..m.coef.len() {
        assert!((m.z[k] - m.coef[k] / m.std_err[k]).abs() < 1e-12);
        assert!(m.p_value[k] > 0.0 && m.p_value[k] <= 1.0);
    }
    // the fit serialises
    let s = serde_json::to_string(&m).unwrap();
    let back: LogisticFit = serde_json::from_str(&s).unwrap();
    for (a, b) in back.coef.iter().zip(&m.coef) {
        assert!((a - b).abs() <= 1e-15 * b.abs());
    }
}

#[test]
fn penalised_log_likelihood_is_consistent_with_metrics() {
    let (x, y, names, json) = load();
    let (m, _) = check("penalised_alpha_1", 1e-4);
    let p = m.predict_proba(x.view()).unwrap();
    let ll = mqlcal_metrics::log_loss(&p, &y).unwrap();
    assert!((ll * y.len() as f64 + m.log_likelihood).abs() < 1e-8);
    let want = json["fits"]["penalised_alpha_1"]["in_sample_metrics"]["log_loss"]
        .as_f64()
        .unwrap();
    assert!((ll - want).abs() < 1e-7, "{ll} vs {want}");
    let _ = names;
}

#[test]
fn points_and_rounding_cost_on_real_data() {
    let (x, y, names, _) = load();
    let (m, _) = check("penalised_alpha_1", 1e-4);
    let pts = scale_to_points(&m.coef, m.intercept, &names, Scaling::MaxPoints(100.0)).unwrap();
    let best = m.coef.iter().cloned().fold(f64::MIN, f64::max);
    let jmax = m.coef.iter().position(|&c| c == best).unwrap();
    assert_eq!(pts.points[jmax], 100);
    let cost = rounding_cost(x.view(), &y, None, &m.coef, m.intercept, &pts.points).unwrap();
    eprintln!("{cost:?}");
    assert!((cost.auc_exact - 0.8907660165181891).abs() < 1e-6);
    assert!(cost.auc_rounded > cost.auc_exact - 0.01);
    assert!(cost.log_loss_rounded < cost.log_loss_exact + 0.01);
}
