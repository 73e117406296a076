//! Metrics against the independent reference (scikit-learn / exact definitions) on real data.

use mqlcal_metrics::*;
use serde_json::Value;

const DESIGN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/reference/xeducation_design.csv"
);
const FIT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/reference/xeducation_fit.json"
);

fn load() -> (Vec<Vec<f64>>, Vec<bool>, Value) {
    let text = std::fs::read_to_string(DESIGN).expect("reference design CSV");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.last(), Some(&"Converted"));
    let mut x = Vec::new();
    let mut y = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        y.push(v[v.len() - 1] == 1.0);
        x.push(v[..v.len() - 1].to_vec());
    }
    let json: Value = serde_json::from_str(&std::fs::read_to_string(FIT).unwrap()).unwrap();
    (x, y, json)
}

fn probs(x: &[Vec<f64>], fit: &Value) -> Vec<f64> {
    let b0 = fit["intercept"].as_f64().unwrap();
    let b: Vec<f64> = fit["coef"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    x.iter()
        .map(|row| {
            let z = b0 + row.iter().zip(&b).map(|(a, c)| a * c).sum::<f64>();
            1.0 / (1.0 + (-z).exp())
        })
        .collect()
}

fn close(name: &str, got: f64, want: f64, tol: f64) {
    eprintln!("{name}: |diff| = {:.2e}", (got - want).abs());
    assert!(
        (got - want).abs() <= tol,
        "{name}: got {got:.17e}, reference {want:.17e}, diff {:.3e}",
        (got - want).abs()
    );
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn check_fit(key: &str) {
    let (x, y, json) = load();
    let fit = &json["fits"][key];
    let p = probs(&x, fit);
    let m = &fit["in_sample_metrics"];
    let got = evaluate(&p, &y).unwrap();
    assert_eq!(got.n, 9240);
    assert_eq!(got.won, 3561);
    close("roc_auc", got.roc_auc, f(&m["roc_auc"]), 1e-9);
    close("brier", got.brier, f(&m["brier"]), 1e-9);
    close("log_loss", got.log_loss, f(&m["log_loss"]), 1e-9);
    close("average_precision", got.average_precision, f(&m["average_precision"]), 1e-9);
    let curve = &m["calibration_curve_quantile_10"];
    for (name, mine) in [
        ("prob_true", &got.calibration_curve_quantile_10.prob_true),
        ("prob_pred", &got.calibration_curve_quantile_10.prob_pred),
    ] {
        let want = curve[name].as_array().unwrap();
        assert_eq!(mine.len(), want.len(), "{name} length");
        for (i, (g, w)) in mine.iter().zip(want).enumerate() {
            close(&format!("{name}[{i}]"), *g, f(w), 1e-9);
        }
    }
    if let Some(ece) = m.get("ece_equal_mass_10") {
        close("ece", got.ece_equal_mass_10, f(ece), 1e-9);
    }
    if let Some(hl) = m.get("hosmer_lemeshow_10") {
        close("hl statistic", got.hosmer_lemeshow_10.statistic, f(&hl["statistic"]), 1e-9);
        assert_eq!(got.hosmer_lemeshow_10.df as u64, hl["df"].as_u64().unwrap());
        let want = f(&hl["p_value"]);
        let diff = (got.hosmer_lemeshow_10.p_value - want).abs();
        eprintln!("hl p-value: relative |diff| = {:.2e}", diff / want);
        assert!(diff <= 1e-12 || diff / want <= 1e-6, "HL p {} vs {want}", got.hosmer_lemeshow_10.p_value);
        // df = 8 has a closed form, Q(4, s/2) = e^{-x}(1 + x + x²/2 + x³/6): ours must match it to 1e-12
        // relative. (The reference's p-value is 8.9e-6 relative away from this closed form at its own
        // statistic, hence the absolute 1e-12 allowance above.)
        let x = got.hosmer_lemeshow_10.statistic / 2.0;
        let exact = (-x).exp() * (1.0 + x + x * x / 2.0 + x * x * x / 6.0);
        let rel = (got.hosmer_lemeshow_10.p_value - exact).abs() / exact;
        assert!(rel < 1e-12, "HL p-value vs closed form: relative {rel:e}");
    }
    if let Some(c) = m.get("calibration_intercept_slope") {
        let line = got.calibration_intercept_slope.as_ref().unwrap();
        close("calibration intercept", line.intercept, f(&c["intercept"]), 1e-9);
        close("calibration slope", line.slope, f(&c["slope"]), 1e-9);
    }
    // Reliability table uses the array_split groups; its sizes and sums must add up.
    assert_eq!(got.reliability.len(), 10);
    assert_eq!(got.reliability.iter().map(|g| g.n).sum::<usize>(), 9240);
    assert_eq!(got.reliability.iter().map(|g| g.wins).sum::<usize>(), 3561);
    assert_eq!(got.reliability[0].n, 924);
    for g in &got.reliability {
        assert!(g.wilson_low <= g.observed_rate && g.observed_rate <= g.wilson_high);
    }
    // serialises with snake_case names
    let s = serde_json::to_string(&got).unwrap();
    assert!(s.contains("\"ece_equal_mass_10\"") && s.contains("\"calibration_intercept_slope\""));
}

#[test]
fn alpha_1_metrics_match_reference() {
    check_fit("penalised_alpha_1");
}

#[test]
fn alpha_100_metrics_match_reference() {
    check_fit("penalised_alpha_100");
}
