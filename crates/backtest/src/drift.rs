//! Drift between the training cohorts and the holdout: the population
//! stability index (PSI) of the score, and the same index per signal.
//! Above 0.1 a shift is worth a look; above 0.25 it is major.

use mqlcal_features::FeatureTable;
use rayon::prelude::*;
use serde::Serialize;

/// Floor on a bin's share, so an empty bin does not make the index infinite (the usual 0.0001).
const MIN_SHARE: f64 = 1e-4;
/// Up to this many distinct training values, each value is its own bin; beyond, deciles.
const MAX_DISTINCT_BINS: usize = 12;

/// The stability index of the score or of one signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    /// "score" or the signal's name.
    pub name: String,
    /// "score", "fit" or "engagement".
    pub kind: String,
    pub index: f64,
    pub bins: usize,
    /// "stable" (< 0.1), "moderate shift" (0.1–0.25) or "major shift" (> 0.25).
    pub flag: &'static str,
}

pub fn flag(index: f64) -> &'static str {
    if index > 0.25 {
        "major shift"
    } else if index > 0.1 {
        "moderate shift"
    } else {
        "stable"
    }
}

/// What changed between training and the holdout, in numbers and in plain
/// words for the headline: the win rate, predicted vs observed wins, the
/// score's stability index and the most shifted signals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftHeadline {
    pub training_win_rate: f64,
    pub training_win_rate_interval: (f64, f64),
    pub holdout_win_rate: f64,
    pub holdout_win_rate_interval: (f64, f64),
    /// Sum of the calibrated probabilities of the holdout's decided leads.
    pub predicted_wins: f64,
    pub observed_wins: u64,
    pub score_psi: Option<f64>,
    /// Signals with a stability index above 0.1, most shifted first (at most 3).
    pub shifted_signals: Vec<(String, f64)>,
    /// The sentences worth the headline (empty when nothing crossed a threshold).
    pub sentences: Vec<String>,
}

/// A win rate as a reader counts leads: "1 in 16"; from a third on, in tenths ("7 in 10"),
/// where "1 in N" would round a 74 % rate to "1 in 1" (and 40 % to "1 in 2"); "all" and
/// "none" at the ends, "more than 9 in 10" above 90 %.
pub fn one_in(rate: f64) -> String {
    match rate {
        r if r <= 0.0 => "none".into(),
        r if r >= 1.0 => "all".into(),
        r if r < 1.0 / 3.0 => format!("1 in {:.0}", 1.0 / r),
        r if r > 0.9 => "more than 9 in 10".into(),
        r => format!("{:.0} in 10", 10.0 * r),
    }
}

/// Predicted / observed wins outside this factor is stated.
const CALIBRATION_FACTOR: f64 = 1.25;

impl DriftHeadline {
    /// `training`/`holdout`: (wins, decided); `predicted_wins`: the calibrated expectation on the holdout.
    pub fn new(training: (u64, u64), holdout: (u64, u64), predicted_wins: f64, stability: &[Stability], z: f64, confidence: f64) -> DriftHeadline {
        let rate = |(w, n): (u64, u64)| if n > 0 { w as f64 / n as f64 } else { 0.0 };
        let interval = |(w, n): (u64, u64)| mqlcal_metrics::wilson_interval(w as usize, n as usize, z);
        let (tr, hr) = (rate(training), rate(holdout));
        let (ti, hi) = (interval(training), interval(holdout));
        let score_psi = stability.iter().find(|s| s.kind == "score").map(|s| s.index);
        let mut shifted: Vec<(String, f64)> =
            stability.iter().filter(|s| s.kind != "score" && s.index > 0.1).map(|s| (s.name.clone(), s.index)).collect();
        shifted.sort_by(|a, b| b.1.total_cmp(&a.1));
        shifted.truncate(3);
        let mut sentences = Vec::new();
        if ti.1 < hi.0 || hi.1 < ti.0 {
            sentences.push(format!(
                "The win rate moved: {} decided leads won in training ({:.1} %, {:.0} % interval {:.1}–{:.1} %), {} in the holdout ({:.1} %, {:.1}–{:.1} %).",
                one_in(tr),
                100.0 * tr,
                100.0 * confidence,
                100.0 * ti.0,
                100.0 * ti.1,
                one_in(hr),
                100.0 * hr,
                100.0 * hi.0,
                100.0 * hi.1
            ));
        }
        let observed = holdout.0 as f64;
        if predicted_wins > 0.0 && observed > 0.0 {
            let ratio = observed / predicted_wins;
            if !(1.0 / CALIBRATION_FACTOR..=CALIBRATION_FACTOR).contains(&ratio) {
                sentences.push(format!(
                    "The model expects {:.0} wins among the holdout's {} decided leads ({}); they won {} ({}): its probabilities are {:.1}× too {}. Recalibrate the probabilities on recent cohorts before quoting them.",
                    predicted_wins,
                    holdout.1,
                    one_in(predicted_wins / holdout.1.max(1) as f64),
                    holdout.0,
                    one_in(hr),
                    if ratio > 1.0 { ratio } else { 1.0 / ratio },
                    if ratio > 1.0 { "low" } else { "high" }
                ));
            }
        }
        if let Some(psi) = score_psi.filter(|&p| p > 0.1) {
            sentences.push(format!(
                "The score's distribution shifted between training and holdout (stability index {psi:.2}, {}): the volume at each threshold may not carry over.",
                flag(psi)
            ));
        }
        if !shifted.is_empty() {
            sentences.push(format!(
                "Most shifted signals: {}.",
                shifted.iter().map(|(n, i)| format!("{n} ({i:.2})")).collect::<Vec<_>>().join(", ")
            ));
        }
        DriftHeadline {
            training_win_rate: tr,
            training_win_rate_interval: ti,
            holdout_win_rate: hr,
            holdout_win_rate_interval: hi,
            predicted_wins,
            observed_wins: holdout.0,
            score_psi,
            shifted_signals: shifted,
            sentences,
        }
    }
}

/// Bin edges from the training values: each distinct value when there are few, else deciles
/// (of the leads: `leads[i]` per value when given). A value's bin is the number of edges at
/// or below it. When every training value is its own bin, a value the holdout has and
/// training never had is a bin of its own too (as long as the bins stay few): a signal
/// tracked only from the holdout on (0 on every training lead) would otherwise be one bin,
/// its index 0, "stable", whatever the holdout holds. With too many such values for a bin
/// each, the holdout's values beyond training's range are a bin below it and one above it.
fn edges(training: (&[f64], Option<&[f64]>), holdout: &[f64]) -> Vec<f64> {
    let runs = ascending_runs(training.0, training.1, FEW_VALUES);
    let mut values: Vec<f64> = runs.iter().map(|r| r.0).collect();
    values.dedup();
    let (Some(&low), Some(&high)) = (values.first(), values.last()) else { return edges_of(&runs) };
    if values.len() > MAX_DISTINCT_BINS {
        return edges_of(&runs);
    }
    let finite = || holdout.iter().copied().filter(|v| v.is_finite());
    if let Some(seen) = mqlcal_metrics::Distinct::of(holdout, MAX_DISTINCT_BINS) {
        let mut all = values.clone();
        all.extend(seen.values.into_iter().filter(|v| v.is_finite()));
        all.sort_by(f64::total_cmp);
        all.dedup();
        if all.len() <= MAX_DISTINCT_BINS {
            return all.into_iter().skip(1).collect();
        }
    }
    // Each training value its bin, then the holdout's values under and over them.
    let mut edges: Vec<f64> = values.into_iter().skip(1).collect();
    if finite().any(|v| v < low) {
        edges.insert(0, low);
    }
    if let Some(above) = finite().filter(|&v| v > high).min_by(f64::total_cmp) {
        edges.push(above);
    }
    edges
}

/// [`edges`] from the (value, leads) runs of the training values, ascending.
fn edges_of(sorted: &[(f64, usize)]) -> Vec<f64> {
    let mut distinct: Vec<f64> = sorted.iter().map(|s| s.0).collect();
    distinct.dedup();
    if distinct.len() <= MAX_DISTINCT_BINS {
        return distinct.into_iter().skip(1).collect();
    }
    // The value of the lead at each position: positions are cumulative lead counts.
    let mut ends = Vec::with_capacity(sorted.len());
    let mut at = 0;
    for s in sorted {
        at += s.1;
        ends.push(at);
    }
    let value_at = |position: usize| sorted[ends.partition_point(|&e| e <= position)].0;
    let mut cuts: Vec<f64> = (1..10).map(|d| value_at(d * at / 10)).collect();
    cuts.dedup();
    // A cut at the minimum would leave an empty first bin.
    cuts.retain(|&c| c > sorted[0].0);
    cuts
}

/// Up to this many distinct values, [`ascending_runs`] counts leads per value instead of sorting the rows.
const FEW_VALUES: usize = 4096;

/// (value, leads) of the finite values, ascending, where a run of rows with the same value
/// may be one entry: the order statistics [`edges`] reads are the same either way. A
/// signal's capped counts or a score's points take few values: they are counted per value
/// and only those are sorted.
fn ascending_runs(values: &[f64], leads: Option<&[f64]>, few: usize) -> Vec<(f64, usize)> {
    let leads_of = |i: usize| leads.map_or(1, |l| l[i] as usize);
    let mut sorted: Vec<(f64, usize)> = match mqlcal_metrics::Distinct::of(values, few) {
        Some(distinct) => {
            let mut counts = vec![0usize; distinct.values.len()];
            for (i, &k) in distinct.of_row.iter().enumerate() {
                counts[k as usize] += leads_of(i);
            }
            distinct.values.into_iter().zip(counts).filter(|(v, _)| v.is_finite()).collect()
        }
        None => values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (v, leads_of(i))).collect(),
    };
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted
}

/// PSI = Σ (holdout share − training share) × ln(holdout share / training share).
pub fn stability_index(training: &[f64], holdout: &[f64]) -> (f64, usize) {
    stability_index_of((training, None), (holdout, None))
}

/// [`stability_index`] of values standing for `leads[i]` leads each (a grouped table), when given.
pub fn stability_index_of(training: (&[f64], Option<&[f64]>), holdout: (&[f64], Option<&[f64]>)) -> (f64, usize) {
    let edges = edges(training, holdout.0);
    let bins = edges.len() + 1;
    let shares = |(values, leads): (&[f64], Option<&[f64]>)| {
        let mut counts = vec![0usize; bins];
        for (i, &v) in values.iter().enumerate() {
            counts[edges.partition_point(|&e| e <= v)] += leads.map_or(1, |l| l[i] as usize);
        }
        let n = leads.map_or(values.len(), |l| l.iter().map(|&n| n as usize).sum()).max(1) as f64;
        counts.into_iter().map(|c| (c as f64 / n).max(MIN_SHARE)).collect::<Vec<f64>>()
    };
    let (t, h) = (shares(training), shares(holdout));
    (t.iter().zip(&h).map(|(t, h)| (h - t) * (h / t).ln()).sum(), bins)
}

/// Rows read for [`signal_values`] on one core at a time.
const VALUE_BLOCK_ROWS: usize = 1 << 14;

/// Each signal's value on `rows`, in their order: a signal of one column is its value; of
/// several (levels or bins), which one is set, 1 for the first, 0 for none (the baseline).
/// Every signal is read in one pass over the rows, blocks of them on every core: the table
/// is row-major, and a pass per signal read each row's cache lines once per signal.
fn signal_values(matrix: ndarray::ArrayView2<f64>, signals: &[Vec<usize>], rows: &[usize]) -> Vec<Vec<f64>> {
    let value = |row: &ndarray::ArrayView1<f64>, columns: &[usize]| -> f64 {
        if let [j] = columns[..] {
            return row[j];
        }
        columns.iter().position(|&j| row[j] > 0.0).map_or(0.0, |k| (k + 1) as f64)
    };
    let blocks: Vec<Vec<Vec<f64>>> = rows
        .par_chunks(VALUE_BLOCK_ROWS)
        .map(|block| {
            let mut values: Vec<Vec<f64>> = signals.iter().map(|_| Vec::with_capacity(block.len())).collect();
            for &i in block {
                let row = matrix.row(i);
                for (values, columns) in values.iter_mut().zip(signals) {
                    values.push(value(&row, columns));
                }
            }
            values
        })
        .collect();
    let mut values: Vec<Vec<f64>> = signals.iter().map(|_| Vec::with_capacity(rows.len())).collect();
    for block in blocks {
        for (all, part) in values.iter_mut().zip(block) {
            all.extend_from_slice(&part);
        }
    }
    values
}

/// The score's index, then one per signal (a categorical signal's bins are its levels).
pub fn drift(table: &FeatureTable, training_rows: &[usize], holdout_rows: &[usize], training_scores: &[f64], holdout_scores: &[f64]) -> Vec<Stability> {
    // A grouped table's rows stand for several leads: the shares are the leads' shares.
    let (training_leads, holdout_leads) = (table.weights_of(training_rows), table.weights_of(holdout_rows));
    let (index, bins) = stability_index_of((training_scores, training_leads.as_deref()), (holdout_scores, holdout_leads.as_deref()));
    let mut out = vec![Stability { name: "score".into(), kind: "score".into(), index, bins, flag: flag(index) }];
    let mut signals: Vec<&str> = Vec::new();
    for c in &table.columns {
        if !signals.contains(&c.signal.as_str()) {
            signals.push(&c.signal);
        }
    }
    let columns: Vec<Vec<usize>> = signals.iter().map(|&signal| (0..table.columns.len()).filter(|&j| table.columns[j].signal == signal).collect()).collect();
    let (training, holdout) = rayon::join(|| signal_values(table.matrix.view(), &columns, training_rows), || signal_values(table.matrix.view(), &columns, holdout_rows));
    // Each signal's index from its own values: the signals are measured side by side.
    let per_signal = signals.par_iter().zip(&columns).zip(training.par_iter().zip(&holdout)).map(|((&signal, columns), (training, holdout))| {
        let (index, bins) = stability_index_of((training, training_leads.as_deref()), (holdout, holdout_leads.as_deref()));
        let kind = table.columns[columns[0]].axis.as_str();
        Stability { name: signal.to_string(), kind: kind.into(), index, bins, flag: flag(index) }
    });
    out.par_extend(per_signal);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every signal's values read in one pass are what reading each signal alone gives:
    /// rows in any order and repeated, across blocks, one-column signals and levels (none
    /// set, one set).
    #[test]
    fn signal_values_in_one_pass_are_each_signal_read_alone() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(17);
        let (n, p) = (VALUE_BLOCK_ROWS * 2 + 123, 6);
        let matrix = ndarray::Array2::from_shape_fn((n, p), |(_, j)| if j < 2 { f64::from(rng.random_range(0u8..9)) / 4.0 } else { f64::from(u8::from(rng.random_bool(0.3))) });
        let signals = vec![vec![0], vec![2, 3, 4], vec![1], vec![5]];
        let rows: Vec<usize> = (0..n + 500).map(|_| rng.random_range(0..n)).collect();
        let alone = |columns: &[usize]| -> Vec<f64> {
            rows.iter()
                .map(|&i| match columns {
                    [j] => matrix[[i, *j]],
                    _ => columns.iter().position(|&j| matrix[[i, j]] > 0.0).map_or(0.0, |k| (k + 1) as f64),
                })
                .collect()
        };
        let together = signal_values(matrix.view(), &signals, &rows);
        for (values, columns) in together.iter().zip(&signals) {
            assert_eq!(values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), alone(columns).iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        }
        assert!(signal_values(matrix.view(), &signals, &[]).iter().all(Vec::is_empty));
    }

    #[test]
    fn win_rates_in_words() {
        use super::one_in;
        let words: Vec<String> = [0.0, 1.0 / 16.0, 0.143, 0.3, 0.34, 0.4, 0.743, 0.9, 0.95, 1.0].iter().map(|&r| one_in(r)).collect();
        assert_eq!(words, ["none", "1 in 16", "1 in 7", "1 in 3", "3 in 10", "4 in 10", "7 in 10", "9 in 10", "more than 9 in 10", "all"]);
    }

    #[test]
    fn psi_by_hand() {
        // Two values: training 50/50, holdout 80/20.
        let training = [0.0, 0.0, 1.0, 1.0];
        let holdout = [0.0, 0.0, 0.0, 0.0, 1.0];
        let (psi, bins) = stability_index(&training, &holdout);
        let expected = (0.8 - 0.5) * (0.8f64 / 0.5).ln() + (0.2 - 0.5) * (0.2f64 / 0.5).ln();
        assert_eq!(bins, 2);
        assert!((psi - expected).abs() < 1e-12);
        assert_eq!(stability_index(&training, &training).0, 0.0);
        // A value never seen in training is a bin of its own (training's share floored).
        let (psi, bins) = stability_index(&training, &[5.0, 5.0]);
        let expected = 2.0 * (MIN_SHARE - 0.5) * (MIN_SHARE / 0.5).ln() + (1.0 - MIN_SHARE) * (1.0 / MIN_SHARE).ln();
        assert_eq!(bins, 3);
        assert!((psi - expected).abs() < 1e-12);
        // A signal tracked only from the holdout on: 0 on every training lead, 1 or 2 on
        // some holdout leads, a major shift rather than one bin and "stable".
        let holdout: Vec<f64> = (0..100).map(|i| if i < 19 { 1.0 } else if i < 23 { 2.0 } else { 0.0 }).collect();
        let (psi, bins) = stability_index(&[0.0; 50], &holdout);
        let expected = (0.77 - 1.0) * (0.77f64).ln() + (0.19 - MIN_SHARE) * (0.19 / MIN_SHARE).ln() + (0.04 - MIN_SHARE) * (0.04 / MIN_SHARE).ln();
        assert_eq!(bins, 3);
        assert!((psi - expected).abs() < 1e-12 && flag(psi) == "major shift", "{psi}");
        // Beyond a few values, the holdout's new ones above training's range are one bin.
        let wide: Vec<f64> = (0..12).map(f64::from).collect();
        let (psi, bins) = stability_index(&wide, &[20.0, 21.0, 22.0]);
        assert_eq!(bins, 13);
        let expected = 12.0 * (MIN_SHARE - 1.0 / 12.0) * (MIN_SHARE * 12.0).ln() + (1.0 - MIN_SHARE) * (1.0 / MIN_SHARE).ln();
        assert!((psi - expected).abs() < 1e-9, "{psi} {expected}");
        // 0 on every training lead, 0 to 20 in the holdout: a bin for 0 and one above it.
        let holdout: Vec<f64> = (0..100).map(|i| f64::from(i % 21)).collect();
        let (psi, bins) = stability_index(&[0.0; 50], &holdout);
        assert_eq!(bins, 2);
        let zero: f64 = 5.0 / 100.0;
        let expected = (zero - 1.0) * zero.ln() + (1.0 - zero - MIN_SHARE) * ((1.0 - zero) / MIN_SHARE).ln();
        assert!((psi - expected).abs() < 1e-9 && flag(psi) == "major shift", "{psi} {expected}");
        assert_eq!((flag(0.05), flag(0.2), flag(0.3)), ("stable", "moderate shift", "major shift"));
    }

    /// Counting leads per value gives the edges that sorting every row gives: few and many
    /// values, 0 beside −0, NaN and infinities, weighted rows.
    #[test]
    fn edges_from_counted_values_are_the_edges_from_sorted_rows() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(0x853c_49e6_748f_ea9b);
        let mut next = move || rng.random::<u64>();
        for case in 0..40 {
            let n = [1usize, 9, 500, 30_000][case % 4];
            let levels = [3u64, 12, 13, 41, 900][case % 5];
            let values: Vec<f64> = (0..n)
                .map(|_| match next() % (levels + 3) {
                    k if k == levels => -0.0,
                    k if k == levels + 1 => [f64::NAN, f64::INFINITY, 0.0][case % 3],
                    k if k == levels + 2 && case % 2 == 0 => 2.5,
                    k => (k as f64) * 0.75 - 3.0,
                })
                .collect();
            let leads: Vec<f64> = (0..n).map(|_| (1 + next() % 5) as f64).collect();
            for weights in [None, Some(&leads[..])] {
                let by_row = edges_of(&ascending_runs(&values, weights, 0));
                let by_value = edges_of(&ascending_runs(&values, weights, FEW_VALUES));
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
                assert_eq!(bits(&by_row), bits(&by_value), "case {case}");
            }
        }
    }

    #[test]
    fn many_values_use_deciles() {
        let training: Vec<f64> = (0..1000).map(f64::from).collect();
        let (psi, bins) = stability_index(&training, &training);
        assert_eq!((psi, bins), (0.0, 10));
        let shifted: Vec<f64> = (0..1000).map(|v| f64::from(v) + 100.0).collect();
        let (psi, _) = stability_index(&training, &shifted);
        // First decile empties (floored), last decile doubles.
        assert!(psi > 0.5, "{psi}");
    }
}
