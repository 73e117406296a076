//! `bins = "auto"`: a numeric signal scored per bin instead of per unit, so
//! that rounding weights to integer points keeps what the fit learned (a
//! duration in seconds with 0.0005 log-odds per second rounds to 0 points per
//! second, but to many points per bin). Edges are chosen on the training
//! leads only: quantile bins, merged until each holds enough leads, wins and
//! losses for its points to be estimable; edges are the shortest decimals that
//! split the same leads, so labels read "[120,600)" rather than "[118.73,…)".

use serde::Serialize;

use crate::{FeatureColumn, FeatureTable};

/// The bins chosen for one signal, with the training leads behind each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinChoice {
    pub signal: String,
    /// Lower edges of the bins above the baseline (the lowest bin), ascending.
    pub edges: Vec<f64>,
    /// Training leads, wins per bin (baseline first).
    pub leads: Vec<usize>,
    pub wins: Vec<usize>,
}

/// One run of equal values, then one bin: (first value, leads, wins).
#[derive(Debug, Clone, Copy)]
struct Run {
    start: f64,
    leads: usize,
    wins: usize,
}

/// Choose bin edges for `values` (training leads) with outcomes `won`.
/// Every bin holds at least `min_share` of the leads and `min_outcomes` wins
/// and losses; at most `max_bins` bins. Empty when no split qualifies.
pub fn choose_edges(values: &[f64], won: &[bool], min_share: f64, max_bins: usize, min_outcomes: usize) -> BinChoiceCounts {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut runs: Vec<Run> = Vec::new();
    for &i in &order {
        match runs.last_mut() {
            Some(r) if r.start == values[i] => {
                r.leads += 1;
                r.wins += usize::from(won[i]);
            }
            _ => runs.push(Run { start: values[i], leads: 1, wins: usize::from(won[i]) }),
        }
    }
    // Quantile bins: fill each to about n / max_bins leads, never splitting a run.
    let target = n.div_ceil(max_bins.max(1)).max(1);
    let mut bins: Vec<Run> = Vec::new();
    let mut prev_value: Vec<f64> = Vec::new(); // the value just below each bin's start
    let mut last = f64::NEG_INFINITY;
    for run in runs {
        match bins.last_mut() {
            Some(b) if b.leads < target => {
                b.leads += run.leads;
                b.wins += run.wins;
            }
            _ => {
                bins.push(run);
                prev_value.push(last);
            }
        }
        last = run.start;
    }
    let min_leads = (min_share * n as f64).ceil() as usize;
    let weak = |b: &Run| b.leads < min_leads || b.wins < min_outcomes || b.leads - b.wins < min_outcomes;
    // Merge the smallest weak bin into its smaller neighbour until none is weak.
    while bins.len() > 1 {
        let Some(k) = (0..bins.len()).filter(|&k| weak(&bins[k])).min_by_key(|&k| bins[k].leads) else { break };
        let into = match (k.checked_sub(1), (k + 1 < bins.len()).then_some(k + 1)) {
            (Some(a), Some(b)) => if bins[a].leads <= bins[b].leads { a } else { b },
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        let (lo, hi) = (k.min(into), k.max(into));
        let merged = Run { start: bins[lo].start, leads: bins[lo].leads + bins[hi].leads, wins: bins[lo].wins + bins[hi].wins };
        bins[lo] = merged;
        bins.remove(hi);
        prev_value.remove(hi);
    }
    let edges = bins.iter().zip(&prev_value).skip(1).map(|(b, &below)| short_edge(below, b.start)).collect();
    BinChoiceCounts { edges, leads: bins.iter().map(|b| b.leads).collect(), wins: bins.iter().map(|b| b.wins).collect() }
}

/// Edges and the training leads and wins of each bin (baseline first).
#[derive(Debug, Clone, PartialEq)]
pub struct BinChoiceCounts {
    pub edges: Vec<f64>,
    pub leads: Vec<usize>,
    pub wins: Vec<usize>,
}

/// The decimal with the fewest significant digits in `(below, start]`: it
/// splits the same leads as `start` and reads better.
fn short_edge(below: f64, start: f64) -> f64 {
    if start == 0.0 || !start.is_finite() {
        return start;
    }
    let magnitude = start.abs().log10().floor() as i32;
    for digits in 1..=15 {
        let exponent = magnitude - digits + 1;
        let candidate = if exponent >= 0 {
            let step = 10f64.powi(exponent);
            (start / step).floor() * step
        } else {
            let scale = 10f64.powi(-exponent);
            (start * scale).floor() / scale
        };
        if candidate > below && candidate <= start {
            return candidate;
        }
    }
    start
}

impl FeatureTable {
    /// Replace the numeric column `name` by one indicator per bin (`levels[k]`
    /// for values at or above `edges[k]` and below the next edge); values below
    /// the first edge are the baseline.
    pub fn bin_column(&mut self, name: &str, edges: &[f64], levels: &[String]) {
        let Some(j) = self.columns.iter().position(|c| c.name == name) else { return };
        let old = self.columns[j].clone();
        let n = self.len();
        let width = self.columns.len() - 1 + edges.len();
        let mut matrix = ndarray::Array2::<f64>::zeros((n, width));
        for (r, row) in self.matrix.outer_iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                if c < j {
                    matrix[[r, c]] = v;
                } else if c > j {
                    matrix[[r, c - 1 + edges.len()]] = v;
                }
            }
            let above = edges.partition_point(|e| *e <= row[j]);
            if let Some(bin) = above.checked_sub(1) {
                matrix[[r, j + bin]] = 1.0;
            }
        }
        let new: Vec<FeatureColumn> = levels
            .iter()
            .map(|level| FeatureColumn { name: format!("{}={level}", old.signal), signal: old.signal.clone(), level: Some(level.clone()), axis: old.axis })
            .collect();
        self.columns.splice(j..=j, new);
        self.matrix = matrix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_bins_merge_until_each_is_estimable() {
        // 1000 leads with values 0..999; wins every 4th lead.
        let values: Vec<f64> = (0..1000).map(f64::from).collect();
        let won: Vec<bool> = (0..1000).map(|i| i % 4 == 0).collect();
        let c = choose_edges(&values, &won, 0.05, 10, 10);
        assert_eq!(c.edges, vec![100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0]);
        assert_eq!(c.leads, vec![100; 10]);
        // Few wins: bins merge until each has 10 wins and 10 losses.
        let won: Vec<bool> = (0..1000).map(|i| i % 40 == 0).collect();
        let c = choose_edges(&values, &won, 0.05, 10, 10);
        assert!(c.wins.iter().all(|&w| w >= 10), "{c:?}");
        assert!(c.edges.len() < 9);
    }

    #[test]
    fn ties_are_never_split_and_edges_are_short() {
        // 60 % zeros, then a spread.
        let values: Vec<f64> = (0..1000).map(|i| if i < 600 { 0.0 } else { 1.234 * i as f64 }).collect();
        let won: Vec<bool> = (0..1000).map(|i| i % 3 == 0).collect();
        let c = choose_edges(&values, &won, 0.05, 10, 10);
        assert_eq!(c.leads[0], 600, "{c:?}");
        assert_eq!(c.edges[0], 700.0, "first value above 0 is 1.234 × 600 = 740.4; 700 splits the same leads");
        assert_eq!(short_edge(0.25, 0.3172), 0.3);
        assert_eq!(short_edge(120.3, 123.4567), 123.0);
        assert_eq!(short_edge(-5.0, -2.5), -3.0);
        // One value only: no split.
        let c = choose_edges(&[1.0; 50], &[true; 50], 0.05, 10, 10);
        assert!(c.edges.is_empty());
    }
}
