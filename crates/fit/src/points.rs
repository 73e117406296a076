//! Integer points from logistic weights, and what the rounding costs.

use mqlcal_metrics::{log_loss, log_loss_weighted, roc_auc, roc_auc_weighted, sigmoid};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::calibrate::platt_of;
use crate::error::FitError;

/// How log-odds become points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// The strongest positive signal gets exactly this many points (S = max_points / β_max).
    MaxPoints(f64),
    /// Points to double the odds: S = pdo / ln 2, and a score of `base_score` means odds `base_odds`.
    Pdo {
        pdo: f64,
        base_score: f64,
        base_odds: f64,
    },
}

/// An integer points model: score = base_points + Σ points_j·x_j ≈ offset + factor·log-odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Points {
    /// Signal names, in the order of `points`.
    pub signals: Vec<String>,
    /// Integer points per unit of each signal (negative points kept).
    pub points: Vec<i64>,
    /// Points per unit of log-odds (S).
    pub factor: f64,
    /// Score offset (0 for max-points scaling; base_score − S·ln(base_odds) for PDO).
    pub offset: f64,
    /// round(offset + S·intercept): add it to the points sum to put the score on the log-odds scale.
    pub base_points: i64,
    /// Scaling that produced these points.
    pub scaling: Scaling,
}

/// Scale weights to integer points: points_j = round(β_j·S) (halves round away from zero).
pub fn scale_to_points(
    coefs: &[f64],
    intercept: f64,
    names: &[String],
    scaling: Scaling,
) -> Result<Points, FitError> {
    if coefs.len() != names.len() {
        return Err(FitError::Shape(format!(
            "{} weights but {} names",
            coefs.len(),
            names.len()
        )));
    }
    if let Some((j, c)) = coefs.iter().enumerate().find(|(_, c)| !c.is_finite()) {
        return Err(FitError::Scaling(format!(
            "weight of '{}' is {c}",
            names[j]
        )));
    }
    if !intercept.is_finite() {
        return Err(FitError::Scaling(format!("intercept is {intercept}")));
    }
    let (factor, offset) = match scaling {
        Scaling::MaxPoints(m) => {
            if !(m.is_finite() && m > 0.0) {
                return Err(FitError::Scaling(format!(
                    "max points must be > 0, got {m}"
                )));
            }
            let beta_max = coefs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !(beta_max > 0.0) {
                return Err(FitError::Scaling(
                    "no signal has a positive weight, so 'max points' has nothing to anchor on; use PDO scaling".into(),
                ));
            }
            (m / beta_max, 0.0)
        }
        Scaling::Pdo {
            pdo,
            base_score,
            base_odds,
        } => {
            if !(pdo.is_finite() && pdo > 0.0) {
                return Err(FitError::Scaling(format!("pdo must be > 0, got {pdo}")));
            }
            if !(base_odds.is_finite() && base_odds > 0.0 && base_score.is_finite()) {
                return Err(FitError::Scaling(format!(
                    "base odds must be > 0 and base score finite, got {base_odds} and {base_score}"
                )));
            }
            let s = pdo / std::f64::consts::LN_2;
            (s, base_score - s * base_odds.ln())
        }
    };
    let points = coefs.iter().map(|b| (b * factor).round() as i64).collect();
    Ok(Points {
        signals: names.to_vec(),
        points,
        factor,
        offset,
        base_points: (offset + factor * intercept).round() as i64,
        scaling,
    })
}

/// What rounding to integer points costs (the model file stores the same type).
pub use mqlcal_scorecard::RoundingCost;

/// Compare the exact linear score with the integer points score on the same leads
/// (`leads[i]`, when given, is how many leads row i stands for).
pub fn rounding_cost(
    x: ArrayView2<f64>,
    won: &[bool],
    leads: Option<&[f64]>,
    coefs: &[f64],
    intercept: f64,
    points: &[i64],
) -> Result<RoundingCost, FitError> {
    if x.ncols() != coefs.len() || coefs.len() != points.len() || x.nrows() != won.len() {
        return Err(FitError::Shape(format!(
            "matrix {}×{}, {} outcomes, {} weights, {} points must agree",
            x.nrows(),
            x.ncols(),
            won.len(),
            coefs.len(),
            points.len()
        )));
    }
    let every_column: Vec<usize> = (0..x.ncols()).collect();
    let (exact, rounded): (Vec<f64>, Vec<f64>) = crate::model::score_finite_rows(x, &every_column, |row| {
        let (mut z, mut s) = (intercept, 0.0);
        for (j, &v) in row.iter().enumerate() {
            z += coefs[j] * v;
            s += points[j] as f64 * v;
        }
        (z, s)
    })
    .map_err(|(row, j, value)| FitError::NonFinite { row, column: format!("column {j}"), value })?
    .into_iter()
    .unzip();
    let auc = |p: &[f64]| match leads {
        None => roc_auc(p, won),
        Some(l) => roc_auc_weighted(p, won, l),
    };
    let loss = |p: &[f64]| match leads {
        None => log_loss(p, won),
        Some(l) => log_loss_weighted(p, won, l),
    };
    // The exact model's measures and the rounded one's (with its calibration) are computed at once.
    let (exact_measures, rounded_measures) = rayon::join(
        || {
            let p_exact: Vec<f64> = exact.iter().map(|&z| sigmoid(z)).collect();
            (auc(&p_exact), loss(&p_exact))
        },
        || {
            platt_of(&rounded, won, leads).map(|cal| {
                let p_rounded: Vec<f64> = rounded.iter().map(|&s| cal.probability(s)).collect();
                (auc(&p_rounded), loss(&p_rounded))
            })
        },
    );
    let rounded_measures = rounded_measures?;
    Ok(RoundingCost {
        auc_exact: exact_measures.0?,
        auc_rounded: rounded_measures.0?,
        log_loss_exact: exact_measures.1?,
        log_loss_rounded: rounded_measures.1?,
        holdout_auc_exact: None,
        holdout_auc_rounded: None,
        rounded_to_zero: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i}")).collect()
    }

    #[test]
    fn max_points_hand_example() {
        let p = scale_to_points(
            &[2.0, 0.5, -1.0],
            -3.0,
            &names(3),
            Scaling::MaxPoints(100.0),
        )
        .unwrap();
        assert_eq!(p.points, vec![100, 25, -50]);
        assert_eq!(p.factor, 50.0);
        assert_eq!(p.base_points, -150);
        assert!(scale_to_points(&[-1.0, -2.0], 0.0, &names(2), Scaling::MaxPoints(100.0)).is_err());
        assert!(scale_to_points(&[1.0], 0.0, &names(2), Scaling::MaxPoints(100.0)).is_err());
        assert!(scale_to_points(&[f64::NAN], 0.0, &names(1), Scaling::MaxPoints(100.0)).is_err());
    }

    #[test]
    fn pdo_hand_example() {
        // pdo 20, 600 points ↔ odds 50:1. S = 20/ln2 = 28.8539…, offset = 600 − S·ln 50 = 487.1229…
        let sc = Scaling::Pdo {
            pdo: 20.0,
            base_score: 600.0,
            base_odds: 50.0,
        };
        let p = scale_to_points(
            &[0.5, -0.1, 1.0, std::f64::consts::LN_2],
            -1.0,
            &names(4),
            sc,
        )
        .unwrap();
        assert_eq!(p.points, vec![14, -3, 29, 20]); // 14.427, −2.885, 28.854, 20 (doubling odds = pdo)
        assert!(
            (p.offset - 487.122_876_204_505_5).abs() < 1e-9,
            "{}",
            p.offset
        );
        assert_eq!(p.base_points, 458); // 487.123 − 28.854
        assert!(scale_to_points(
            &[1.0],
            0.0,
            &names(1),
            Scaling::Pdo {
                pdo: 0.0,
                base_score: 600.0,
                base_odds: 50.0
            }
        )
        .is_err());
    }
}
