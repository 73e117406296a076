//! Score → probability maps (Platt and isotonic), tabulated so a production scorer needs no model code.

use mqlcal_metrics::{fit_logistic_line, fit_logistic_line_weighted, sigmoid};
use serde::{Deserialize, Serialize};

use crate::error::FitError;

pub use mqlcal_scorecard::{interpolate, CalibrationMethod, CalibrationTable};

/// Platt scaling: P(won | score s) = 1 / (1 + exp(−(a + b·s))).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Log-odds at score 0.
    pub a: f64,
    /// Log-odds per score point.
    pub b: f64,
}

impl Platt {
    /// Probability of winning at score `s`.
    pub fn probability(&self, s: f64) -> f64 {
        sigmoid(self.a + self.b * s)
    }

    /// Tabulate at the distinct values of `scores` (sorted) for a production scorer.
    pub fn table(&self, scores: &[f64]) -> CalibrationTable {
        let score = distinct_sorted(scores);
        let probability = score.iter().map(|&s| self.probability(s)).collect();
        CalibrationTable {
            method: CalibrationMethod::Platt,
            score,
            probability,
        }
    }
}

fn check_scores(scores: &[f64], won: &[bool]) -> Result<(), FitError> {
    if scores.len() != won.len() {
        return Err(FitError::Shape(format!(
            "{} scores but {} outcomes",
            scores.len(),
            won.len()
        )));
    }
    if scores.is_empty() {
        return Err(FitError::Shape("no scores to calibrate".into()));
    }
    if let Some((row, &value)) = scores.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(FitError::NonFinite {
            row,
            column: "score".into(),
            value,
        });
    }
    Ok(())
}

fn distinct_sorted(scores: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = scores.iter().copied().filter(|v| v.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    s.dedup();
    s
}

/// Fit Platt scaling by unpenalised Newton (fails if the score separates won from lost perfectly).
pub fn platt(scores: &[f64], won: &[bool]) -> Result<Platt, FitError> {
    platt_of(scores, won, None)
}

/// [`platt`] where row i stands for `leads[i]` leads (a grouped table), when given.
pub fn platt_of(scores: &[f64], won: &[bool], leads: Option<&[f64]>) -> Result<Platt, FitError> {
    check_scores(scores, won)?;
    let line = match leads {
        None => fit_logistic_line(scores, won)?,
        Some(leads) => fit_logistic_line_weighted(scores, won, leads)?,
    };
    Ok(Platt {
        a: line.intercept,
        b: line.slope,
    })
}

/// Isotonic (non-decreasing) fit of the won rate on the score, one value per distinct score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Isotonic {
    /// Distinct training scores, ascending.
    pub score: Vec<f64>,
    /// Fitted won rate at each score, non-decreasing.
    pub probability: Vec<f64>,
}

impl Isotonic {
    /// Probability at `s`, interpolating linearly between training scores and flat outside them.
    pub fn probability(&self, s: f64) -> f64 {
        interpolate(&self.score, &self.probability, s)
    }

    /// Tabulate at the distinct values of `scores` for a production scorer.
    pub fn table(&self, scores: &[f64]) -> CalibrationTable {
        let score = distinct_sorted(scores);
        let probability = score.iter().map(|&s| self.probability(s)).collect();
        CalibrationTable {
            method: CalibrationMethod::Isotonic,
            score,
            probability,
        }
    }
}

/// Pool-adjacent-violators: the least-squares non-decreasing fit of won (0/1) on the score.
pub fn isotonic(scores: &[f64], won: &[bool]) -> Result<Isotonic, FitError> {
    isotonic_of(scores, won, None)
}

/// [`isotonic`] where row i stands for `leads[i]` leads (a grouped table), when given.
pub fn isotonic_of(scores: &[f64], won: &[bool], leads: Option<&[f64]>) -> Result<Isotonic, FitError> {
    check_scores(scores, won)?;
    if leads.is_some_and(|l| l.len() != scores.len()) {
        return Err(FitError::Shape(format!("{} scores but {} lead counts", scores.len(), leads.map_or(0, <[f64]>::len))));
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // One block per distinct score: (sum of outcomes, weight, first distinct index).
    let mut xs: Vec<f64> = Vec::new();
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for &i in &order {
        let n = leads.map_or(1.0, |l| l[i]);
        let y = if won[i] { n } else { 0.0 };
        if xs.last() == Some(&scores[i]) {
            if let Some(b) = blocks.last_mut() {
                b.0 += y;
                b.1 += n;
            }
        } else {
            xs.push(scores[i]);
            blocks.push((y, n, xs.len() - 1));
        }
        // Merge backwards while the previous block's mean exceeds the last one's (a new
        // block, or ties added to the last block, can create the violation).
        while blocks.len() >= 2 {
            let k = blocks.len();
            let (s1, w1, _) = blocks[k - 1];
            let (s0, w0, start) = blocks[k - 2];
            if s0 / w0 > s1 / w1 {
                blocks.truncate(k - 2);
                blocks.push((s0 + s1, w0 + w1, start));
            } else {
                break;
            }
        }
    }
    let mut probability = vec![0.0; xs.len()];
    for (b, &(s, w, start)) in blocks.iter().enumerate() {
        let end = blocks.get(b + 1).map_or(xs.len(), |n| n.2);
        for p in &mut probability[start..end] {
            *p = s / w;
        }
    }
    Ok(Isotonic {
        score: xs,
        probability,
    })
}

/// Fit a calibration of `scores` and tabulate it at the distinct observed scores.
/// `leads[i]`, when given, is how many leads row i stands for (a grouped table).
pub fn calibration_table(
    scores: &[f64],
    won: &[bool],
    leads: Option<&[f64]>,
    method: CalibrationMethod,
) -> Result<CalibrationTable, FitError> {
    Ok(match method {
        CalibrationMethod::Platt => platt_of(scores, won, leads)?.table(scores),
        CalibrationMethod::Isotonic => isotonic_of(scores, won, leads)?.table(scores),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pav_pools_violators() {
        // scores 1..5, outcomes 0,1,0,1,1 → means pool (2,3) to 0.5
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [false, true, false, true, true];
        let iso = isotonic(&s, &y).unwrap();
        assert_eq!(iso.score, s.to_vec());
        assert_eq!(iso.probability, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        // decreasing data pools everything to the overall mean
        let iso = isotonic(&[1.0, 2.0, 3.0], &[true, true, false]).unwrap();
        assert!(iso
            .probability
            .iter()
            .all(|&p| (p - 2.0 / 3.0).abs() < 1e-15));
    }

    #[test]
    fn pav_handles_ties_and_interpolates() {
        // score 1: (0,0) ; score 2: (1,0,1) → 2/3 ; score 3: (0) → violates, pool 2&3: 2/4
        let s = [1.0, 2.0, 2.0, 2.0, 3.0, 1.0];
        let y = [false, true, false, true, false, false];
        let iso = isotonic(&s, &y).unwrap();
        assert_eq!(iso.score, vec![1.0, 2.0, 3.0]);
        assert_eq!(iso.probability, vec![0.0, 0.5, 0.5]);
        let t = iso.table(&s);
        assert_eq!(t.probability(1.5), 0.25);
        assert_eq!(t.probability(-10.0), 0.0);
        assert_eq!(t.probability(99.0), 0.5);
    }

    #[test]
    fn platt_on_symmetric_data() {
        // Symmetric around 0: a = 0 exactly; check the score equation b solves.
        let s = [-2.0, -1.0, 1.0, 2.0, -2.0, -1.0, 1.0, 2.0];
        let y = [false, false, true, true, false, true, false, true];
        let p = platt(&s, &y).unwrap();
        assert!(p.a.abs() < 1e-12, "{p:?}");
        // gradient in b: Σ (σ(b s) − y) s = 0
        let g: f64 = s
            .iter()
            .zip(&y)
            .map(|(&si, &yi)| (p.probability(si) - yi as u8 as f64) * si)
            .sum();
        assert!(g.abs() < 1e-12);
        assert!(p.b > 0.0);
        let t = p.table(&s);
        assert_eq!(t.score, vec![-2.0, -1.0, 1.0, 2.0]);
        assert!(t.probability.windows(2).all(|w| w[0] < w[1]));
        assert!((t.probability(0.0) - 0.5).abs() < 0.2);
        // separated scores have no finite Platt fit
        assert!(platt(&[0.0, 1.0, 2.0, 3.0], &[false, false, true, true]).is_err());
        assert!(platt(&[0.0, f64::NAN], &[false, true]).is_err());
    }
}
