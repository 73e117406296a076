//! Each guard fires on a tiny hand-made matrix.

use mqlcal_fit::*;
use ndarray::Array2;

/// 40 leads, 16 won; signal "a" overlaps between outcomes, "b" is a second weak signal.
fn base() -> (Array2<f64>, Vec<bool>, Vec<String>) {
    let n = 40;
    let won: Vec<bool> = (0..n).map(|i| (i * 7) % 5 < 2).collect();
    let mut x = Array2::zeros((n, 2));
    for i in 0..n {
        x[[i, 0]] = ((i * 13) % 7) as f64 + if won[i] { 1.5 } else { 0.0 };
        x[[i, 1]] = ((i * 5) % 3) as f64;
    }
    (x, won, vec!["a".into(), "b".into()])
}

fn with_column(x: &Array2<f64>, col: Vec<f64>) -> Array2<f64> {
    let mut out = Array2::zeros((x.nrows(), x.ncols() + 1));
    out.slice_mut(ndarray::s![.., ..x.ncols()]).assign(x);
    for (i, v) in col.into_iter().enumerate() {
        out[[i, x.ncols()]] = v;
    }
    out
}

fn p(alpha: f64) -> ValidFitParams {
    FitParams::new().alpha(alpha).check().unwrap()
}

#[test]
fn base_case_fits() {
    let (x, won, names) = base();
    let m = fit(&p(0.0), x.view(), &won, &names).unwrap();
    assert!(
        m.coef[0] > 0.0 && m.converged && m.warnings.is_empty(),
        "{m:?}"
    );
}

#[test]
fn one_outcome_is_an_error_with_counts() {
    let (x, _, names) = base();
    let err = fit(&p(1.0), x.view(), &[true; 40], &names).unwrap_err();
    assert_eq!(err, FitError::OneOutcome { won: 40, lost: 0 });
    assert!(err.to_string().contains("40 won and 0 lost"));
}

#[test]
fn too_few_outcomes_names_both_counts() {
    let (x, _, names) = base();
    let won: Vec<bool> = (0..40).map(|i| i < 5).collect();
    let err = fit(&p(1.0), x.view(), &won, &names).unwrap_err();
    assert_eq!(
        err,
        FitError::TooFewOutcomes {
            won: 5,
            lost: 35,
            min: 10
        }
    );
    assert!(err.to_string().contains("5 won and 35 lost"));
}

#[test]
fn constant_and_missing_columns_are_dropped_not_fitted() {
    let (x, won, mut names) = base();
    let x = with_column(&x, vec![3.0; 40]);
    let x = with_column(&x, vec![f64::NAN; 40]);
    names.push("constant".into());
    names.push("never_filled".into());
    let m = fit(&p(1.0), x.view(), &won, &names).unwrap();
    assert_eq!(
        m.dropped,
        vec![
            DroppedSignal {
                signal: "constant".into(),
                reason: DropReason::Constant
            },
            DroppedSignal {
                signal: "never_filled".into(),
                reason: DropReason::AllMissing
            },
        ]
    );
    assert_eq!(m.signals, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(m.columns, vec![0, 1]);
    let full = m.coef_for_input_columns();
    assert_eq!(full.len(), 4);
    assert!(full.iter().all(|c| c.is_finite()) && full[2] == 0.0 && full[3] == 0.0);
    assert!(m.std_err.iter().all(|s| s.is_finite()));
    // the model scores a full-width matrix (dropped columns are ignored, even when NaN)
    let probs = m.predict_proba(x.view()).unwrap();
    assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
}

#[test]
fn nan_or_inf_is_an_error_naming_row_and_signal() {
    let (mut x, won, names) = base();
    x[[3, 1]] = f64::NAN;
    let err = fit(&p(1.0), x.view(), &won, &names).unwrap_err();
    assert!(
        matches!(err, FitError::NonFinite { row: 3, ref column, .. } if column == "b"),
        "{err:?}"
    );
    x[[3, 1]] = 0.0;
    x[[7, 0]] = f64::INFINITY;
    let err = fit(&p(1.0), x.view(), &won, &names).unwrap_err();
    assert!(matches!(err, FitError::NonFinite { row: 7, ref column, .. } if column == "a"));
    assert!(err.to_string().contains("row 7"));
}

#[test]
fn separation_without_penalty_is_an_error_naming_the_signal() {
    let (x, won, mut names) = base();
    // "demo_booked" is 1 only for won leads (half of them): quasi-complete separation.
    let leak: Vec<f64> = won
        .iter()
        .enumerate()
        .map(|(i, &w)| if w && i % 2 == 0 { 1.0 } else { 0.0 })
        .collect();
    let x = with_column(&x, leak);
    names.push("demo_booked".into());
    let err = fit(&p(0.0), x.view(), &won, &names).unwrap_err();
    assert!(
        matches!(err, FitError::Separation { ref signal, .. } if signal == "demo_booked"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("demo_booked") && msg.contains("alpha > 0"),
        "{msg}"
    );

    // With a penalty the fit succeeds but warns about the signal.
    let m = fit(&p(1.0), x.view(), &won, &names).unwrap();
    assert!(m.coef.iter().all(|c| c.is_finite()));
    assert!(
        m.warnings
            .iter()
            .any(|w| w.signal == "demo_booked" && w.reason.contains("separates")),
        "{:?}",
        m.warnings
    );
    // A tiny penalty lets the weight explode: flagged as implausibly large too.
    let m = fit(&p(1e-4), x.view(), &won, &names).unwrap();
    assert!(
        m.warnings
            .iter()
            .any(|w| w.signal == "demo_booked" && w.reason.contains("implausibly large")),
        "{:?} {:?}",
        m.coef,
        m.warnings
    );
    // only-lost side too
    let (x, won, mut names) = base();
    let never: Vec<f64> = won
        .iter()
        .enumerate()
        .map(|(i, &w)| if !w && i % 3 == 0 { 1.0 } else { 0.0 })
        .collect();
    let x = with_column(&x, never);
    names.push("competitor".into());
    let err = fit(&p(0.0), x.view(), &won, &names).unwrap_err();
    assert!(matches!(err, FitError::Separation { ref signal, .. } if signal == "competitor"));
}

#[test]
fn collinear_signals_without_penalty_are_an_error() {
    let (x, won, mut names) = base();
    let dup: Vec<f64> = x.column(0).iter().map(|v| 2.0 * v).collect();
    let x = with_column(&x, dup);
    names.push("a_twice".into());
    let err = fit(&p(0.0), x.view(), &won, &names).unwrap_err();
    assert!(
        matches!(err, FitError::Collinear { ref signal } if signal == "a_twice"),
        "{err:?}"
    );
    // a penalty makes it identifiable
    assert!(fit(&p(1.0), x.view(), &won, &names).is_ok());
}

#[test]
fn non_convergence_is_reported_with_what_to_try() {
    let (x, won, names) = base();
    let params = FitParams::new()
        .alpha(1.0)
        .max_iterations(1)
        .newton_steps(0)
        .gradient_tolerance(1e-10)
        .check()
        .unwrap();
    let err = fit(&params, x.view(), &won, &names).unwrap_err();
    assert!(matches!(err, FitError::NotConverged { .. }), "{err:?}");
    assert!(err.to_string().contains("raise max_iterations"));
}

#[test]
fn shape_and_parameter_errors() {
    let (x, won, names) = base();
    assert!(matches!(
        fit(&p(1.0), x.view(), &won[..39], &names),
        Err(FitError::Shape(_))
    ));
    assert!(matches!(
        fit(&p(1.0), x.view(), &won, &names[..1]),
        Err(FitError::Shape(_))
    ));
    assert!(matches!(
        FitParams::new().alpha(-1.0).check(),
        Err(FitError::InvalidParams(_))
    ));
    let m = fit(&p(1.0), x.view(), &won, &names).unwrap();
    let narrow = x.slice(ndarray::s![.., ..1]);
    assert!(matches!(m.predict_proba(narrow), Err(FitError::Shape(_))));
}

#[test]
fn scoring_names_the_first_row_that_is_not_finite() {
    // Rows are scored on every core; the error is still the first bad row's, in row order.
    let (x, won, names) = base();
    let m = fit(&p(1.0), x.view(), &won, &names).unwrap();
    let mut rows = Array2::zeros((5000, 2));
    rows[[4321, 1]] = f64::INFINITY;
    rows[[1234, 0]] = f64::NAN;
    rows[[1234, 1]] = f64::NEG_INFINITY;
    match m.predict_proba(rows.view()) {
        Err(FitError::NonFinite { row, column, value }) => {
            assert_eq!((row, column.as_str()), (1234, "a"));
            assert!(value.is_nan());
        }
        other => panic!("{other:?}"),
    }
    match rounding_cost(rows.view(), &vec![false; 5000], None, &m.coef, m.intercept, &[1, 1]) {
        Err(FitError::NonFinite { row, column, .. }) => assert_eq!((row, column.as_str()), (1234, "column 0")),
        other => panic!("{other:?}"),
    }
}
