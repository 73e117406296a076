//! Every calibration and discrimination metric on a labelled set, in one place.
//!
//! All functions take predicted probabilities (`&[f64]`, each in `[0, 1]`) and
//! outcomes (`&[bool]`, `true` = won) and return a [`Result`] so bad input is a
//! message, never a panic. Definitions follow the project's reference file
//! (`shared/reference/xeducation_fit.json`) and scikit-learn where it applies.

// `!(a > b)` is used on purpose throughout: it is also true for NaN, which must be rejected.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

mod special;
pub use special::{chi2_sf, ln_gamma, normal_quantile, regularized_gamma_q};

/// Why a metric could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    /// No rows at all: every metric needs at least one.
    #[error("no predictions to evaluate (empty input)")]
    Empty,
    /// Probabilities and labels must describe the same rows.
    #[error("{probabilities} probabilities but {labels} labels: they must have the same length")]
    LengthMismatch { probabilities: usize, labels: usize },
    /// A probability is NaN or outside [0, 1].
    #[error("probability at row {index} is {value}, which is not in [0, 1]")]
    InvalidProbability { index: usize, value: f64 },
    /// The metric compares won with lost leads and one side is missing.
    #[error("{metric} needs both outcomes, got {won} won and {lost} lost")]
    OnlyOneClass {
        metric: &'static str,
        won: usize,
        lost: usize,
    },
    /// A score used as a regressor is NaN or infinite.
    #[error("score at row {index} is {value}, which is not finite")]
    InvalidScore { index: usize, value: f64 },
    /// A logistic line through the data has no finite maximum-likelihood solution.
    #[error("logistic line cannot be estimated: {reason}")]
    NotEstimable { reason: String },
    /// The score separates won from lost perfectly: the slope is infinite
    /// (its own variant, so callers can name the signals that cause it).
    #[error("logistic line cannot be estimated: the score separates won from lost leads perfectly, so the slope is infinite")]
    Separated,
}

/// Number of groups used by ECE, Hosmer–Lemeshow and the reliability table.
pub const N_GROUPS: usize = 10;

/// z for a two-sided 95 % interval (Φ⁻¹(0.975)).
const Z95: f64 = 1.959_963_984_540_054;

fn check_probs(probs: &[f64], labels: &[bool]) -> Result<(), MetricsError> {
    if probs.len() != labels.len() {
        return Err(MetricsError::LengthMismatch {
            probabilities: probs.len(),
            labels: labels.len(),
        });
    }
    if probs.is_empty() {
        return Err(MetricsError::Empty);
    }
    for (index, &value) in probs.iter().enumerate() {
        if !(0.0..=1.0).contains(&value) {
            return Err(MetricsError::InvalidProbability { index, value });
        }
    }
    Ok(())
}

/// Row indices sorted by probability ascending, stable (ties keep input order) like numpy's stable argsort.
fn stable_order(probs: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..probs.len()).collect();
    idx.sort_by(|&a, &b| probs[a].total_cmp(&probs[b]));
    idx
}

/// How many leads each row stands for: none given, one each (exactly the arithmetic of
/// a list of leads), or a grouped table's whole-number counts. Every metric below is
/// the metric of the leads, in the order of the rows, at the cost of the rows.
#[derive(Debug, Clone, Copy)]
struct Leads<'a>(Option<&'a [f64]>);

impl Leads<'_> {
    fn check(self, rows: usize) -> Result<(), MetricsError> {
        match self.0 {
            Some(w) if w.len() != rows => Err(MetricsError::LengthMismatch { probabilities: rows, labels: w.len() }),
            _ => Ok(()),
        }
    }

    /// Leads of row `i`.
    fn at(self, i: usize) -> usize {
        self.0.map_or(1, |w| w[i] as usize)
    }

    /// `x` counted once per lead of row `i` (`x` itself for one lead, bit for bit).
    fn scale(self, i: usize, x: f64) -> f64 {
        self.0.map_or(x, |w| w[i] * x)
    }

    fn total(self, rows: usize) -> usize {
        self.0.map_or(rows, |w| w.iter().map(|&n| n as usize).sum())
    }

    /// (won, lost) leads.
    fn counts(self, labels: &[bool]) -> (usize, usize) {
        labels.iter().enumerate().fold((0, 0), |(w, l), (i, &y)| if y { (w + self.at(i), l) } else { (w, l + self.at(i)) })
    }

    /// (won, lost) leads; an error naming `metric` when either is missing.
    fn need_both(self, metric: &'static str, labels: &[bool]) -> Result<(usize, usize), MetricsError> {
        let (won, lost) = self.counts(labels);
        if won == 0 || lost == 0 {
            return Err(MetricsError::OnlyOneClass { metric, won, lost });
        }
        Ok((won, lost))
    }
}

/// The leads in ascending order of probability as (row, first position, leads), where a
/// row's leads are consecutive and rows keep the stable order: order statistics of the
/// leads without listing them.
struct Ranked<'a> {
    rows: &'a [usize],
    /// Position of each ranked row's first lead; one more entry holds the total.
    starts: Vec<usize>,
}

impl Ranked<'_> {
    /// `rows`: [`stable_order`] of the probabilities.
    fn of<'a>(rows: &'a [usize], leads: Leads) -> Ranked<'a> {
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut at = 0;
        for &i in rows {
            starts.push(at);
            at += leads.at(i);
        }
        starts.push(at);
        Ranked { rows, starts }
    }

    fn total(&self) -> usize {
        self.starts[self.rows.len()]
    }

    /// The row holding the lead at `position` (0-based, in probability order).
    fn row_at(&self, position: usize) -> usize {
        let k = self.starts.partition_point(|&s| s <= position) - 1;
        self.rows[k.min(self.rows.len() - 1)]
    }

    /// Each equal-mass group (`numpy.array_split` of the leads) as (row, leads in it) runs.
    fn groups(&self, groups: usize) -> Vec<Vec<(usize, usize)>> {
        let mut out = Vec::new();
        let mut k = 0;
        for (a, b) in array_split_bounds(self.total(), groups) {
            if a == b {
                continue;
            }
            let mut runs = Vec::new();
            let mut at = a;
            while at < b {
                while self.starts[k + 1] <= at {
                    k += 1;
                }
                let take = self.starts[k + 1].min(b) - at;
                runs.push((self.rows[k], take));
                at += take;
            }
            out.push(runs);
        }
        out
    }
}

/// `numpy.array_split(range(n), k)` boundaries: the first `n mod k` groups get one extra row.
pub fn array_split_bounds(n: usize, k: usize) -> Vec<(usize, usize)> {
    let k = k.max(1);
    let base = n / k;
    let extra = n % k;
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for g in 0..k {
        let len = base + usize::from(g < extra);
        out.push((start, start + len));
        start += len;
    }
    out
}

/// ROC AUC with tied scores counting one half, identical to scikit-learn's `roc_auc_score`.
pub fn roc_auc(probs: &[f64], labels: &[bool]) -> Result<f64, MetricsError> {
    roc_auc_of(probs, labels, Leads(None), &stable_order(probs))
}

/// [`roc_auc`] of rows that stand for `leads[i]` leads each (a grouped table).
pub fn roc_auc_weighted(probs: &[f64], labels: &[bool], leads: &[f64]) -> Result<f64, MetricsError> {
    roc_auc_of(probs, labels, Leads(Some(leads)), &stable_order(probs))
}

/// `order`: [`stable_order`] of `probs` (shared when several metrics walk it).
fn roc_auc_of(probs: &[f64], labels: &[bool], leads: Leads, order: &[usize]) -> Result<f64, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let (won, lost) = leads.need_both("ROC AUC", labels)?;
    // Walk groups of equal probability from low to high; count (won, lost) pairs ranked correctly.
    let mut lost_below: u64 = 0;
    let mut twice_correct: u128 = 0;
    let mut i = 0;
    while i < order.len() {
        let v = probs[order[i]];
        let (mut gw, mut gl) = (0u64, 0u64);
        while i < order.len() && probs[order[i]] == v {
            let n = leads.at(order[i]) as u64;
            if labels[order[i]] {
                gw += n
            } else {
                gl += n
            }
            i += 1;
        }
        twice_correct += 2 * u128::from(gw) * u128::from(lost_below) + u128::from(gw) * u128::from(gl);
        lost_below += gl;
    }
    Ok(twice_correct as f64 / 2.0 / (won as f64 * lost as f64))
}

/// Average precision as scikit-learn defines it: Σ over distinct thresholds of (Rₙ − Rₙ₋₁)·Pₙ.
pub fn average_precision(probs: &[f64], labels: &[bool]) -> Result<f64, MetricsError> {
    average_precision_of(probs, labels, Leads(None), &stable_order(probs))
}

fn average_precision_of(probs: &[f64], labels: &[bool], leads: Leads, ascending: &[usize]) -> Result<f64, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let (won, lost) = leads.counts(labels);
    if won == 0 {
        return Err(MetricsError::OnlyOneClass {
            metric: "average precision",
            won,
            lost,
        });
    }
    // From the highest probability down.
    let mut order = ascending.iter().rev().peekable();
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut prev_recall = 0.0;
    let mut ap = 0.0;
    while let Some(&&first) = order.peek() {
        let v = probs[first];
        while let Some(&i) = order.next_if(|&&i| probs[i] == v) {
            if labels[i] {
                tp += leads.at(i)
            } else {
                fp += leads.at(i)
            }
        }
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / won as f64;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
    }
    Ok(ap)
}

/// Brier score: mean squared difference between probability and outcome (lower is better).
pub fn brier(probs: &[f64], labels: &[bool]) -> Result<f64, MetricsError> {
    brier_of(probs, labels, Leads(None))
}

fn brier_of(probs: &[f64], labels: &[bool], leads: Leads) -> Result<f64, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let s: f64 = probs
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (&p, &y))| {
            let d = p - if y { 1.0 } else { 0.0 };
            leads.scale(i, d * d)
        })
        .sum();
    Ok(s / leads.total(probs.len()) as f64)
}

/// Mean log loss; probabilities are clipped to [ε, 1−ε] (ε = f64::EPSILON, as scikit-learn) so 0/1 stay finite.
pub fn log_loss(probs: &[f64], labels: &[bool]) -> Result<f64, MetricsError> {
    log_loss_of(probs, labels, Leads(None))
}

/// [`log_loss`] of rows that stand for `leads[i]` leads each (a grouped table): the leads' mean.
pub fn log_loss_weighted(probs: &[f64], labels: &[bool], leads: &[f64]) -> Result<f64, MetricsError> {
    log_loss_of(probs, labels, Leads(Some(leads)))
}

fn log_loss_of(probs: &[f64], labels: &[bool], leads: Leads) -> Result<f64, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let eps = f64::EPSILON;
    let s: f64 = probs
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (&p, &y))| {
            let p = p.clamp(eps, 1.0 - eps);
            leads.scale(i, if y { -p.ln() } else { -(1.0 - p).ln() })
        })
        .sum();
    Ok(s / leads.total(probs.len()) as f64)
}

/// One equal-mass group of the reliability table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityGroup {
    /// Number of leads in the group.
    pub n: usize,
    /// Mean predicted probability.
    pub mean_predicted: f64,
    /// Share of the group that was won.
    pub observed_rate: f64,
    /// Number of won leads.
    pub wins: usize,
    /// Wilson 95 % interval for the observed rate, lower end.
    pub wilson_low: f64,
    /// Wilson 95 % interval for the observed rate, upper end.
    pub wilson_high: f64,
}

/// Wilson score interval for `wins` out of `n` at normal quantile `z` (better than Wald for small or extreme rates).
pub fn wilson_interval(wins: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n_f = n as f64;
    let p = wins as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Reliability table: stable sort by probability, `numpy.array_split` into `groups` groups (empty groups omitted).
pub fn reliability_table(
    probs: &[f64],
    labels: &[bool],
    groups: usize,
) -> Result<Vec<ReliabilityGroup>, MetricsError> {
    reliability_table_of(probs, labels, groups, Leads(None), &stable_order(probs))
}

fn reliability_table_of(probs: &[f64], labels: &[bool], groups: usize, leads: Leads, order: &[usize]) -> Result<Vec<ReliabilityGroup>, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let mut out = Vec::new();
    for runs in Ranked::of(order, leads).groups(groups) {
        let n: usize = runs.iter().map(|r| r.1).sum();
        let sum_p: f64 = runs.iter().map(|&(i, k)| if k == 1 { probs[i] } else { k as f64 * probs[i] }).sum();
        let wins: usize = runs.iter().filter(|&&(i, _)| labels[i]).map(|r| r.1).sum();
        let (lo, hi) = wilson_interval(wins, n, Z95);
        out.push(ReliabilityGroup {
            n,
            mean_predicted: sum_p / n as f64,
            observed_rate: wins as f64 / n as f64,
            wins,
            wilson_low: lo,
            wilson_high: hi,
        });
    }
    Ok(out)
}

/// Expected calibration error over 10 equal-mass groups: Σ (n_g/N)·|mean predicted − observed rate|.
pub fn ece_equal_mass(probs: &[f64], labels: &[bool]) -> Result<f64, MetricsError> {
    let table = reliability_table_of(probs, labels, N_GROUPS, Leads(None), &stable_order(probs))?;
    Ok(ece_of_table(&table, probs.len()))
}

/// ECE from the reliability table of `leads` leads.
fn ece_of_table(table: &[ReliabilityGroup], leads: usize) -> f64 {
    let n = leads as f64;
    table
        .iter()
        .map(|g| g.n as f64 / n * (g.mean_predicted - g.observed_rate).abs())
        .sum()
}

/// Hosmer–Lemeshow goodness-of-fit result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HosmerLemeshow {
    /// Σ (O_g − E_g)² / (E_g·(1 − E_g/n_g)) over the groups.
    pub statistic: f64,
    /// Degrees of freedom: number of non-empty groups − 2.
    pub df: usize,
    /// Chi-square survival function of the statistic at `df`.
    pub p_value: f64,
}

/// Hosmer–Lemeshow test over 10 equal-mass groups (same groups as the reliability table).
pub fn hosmer_lemeshow(probs: &[f64], labels: &[bool]) -> Result<HosmerLemeshow, MetricsError> {
    hosmer_lemeshow_of(probs, labels, Leads(None), &stable_order(probs))
}

fn hosmer_lemeshow_of(probs: &[f64], labels: &[bool], leads: Leads, order: &[usize]) -> Result<HosmerLemeshow, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let mut stat = 0.0;
    let mut non_empty = 0usize;
    for runs in Ranked::of(order, leads).groups(N_GROUPS) {
        non_empty += 1;
        let n = runs.iter().map(|r| r.1).sum::<usize>() as f64;
        let expected: f64 = runs.iter().map(|&(i, k)| if k == 1 { probs[i] } else { k as f64 * probs[i] }).sum();
        let observed = runs.iter().filter(|&&(i, _)| labels[i]).map(|r| r.1).sum::<usize>() as f64;
        let var = expected * (1.0 - expected / n);
        let diff = observed - expected;
        if var > 0.0 {
            stat += diff * diff / var;
        } else if diff != 0.0 {
            stat = f64::INFINITY;
        }
    }
    let df = non_empty.saturating_sub(2);
    let p_value = if df == 0 {
        f64::NAN
    } else {
        chi2_sf(stat, df as f64)
    };
    Ok(HosmerLemeshow {
        statistic: stat,
        df,
        p_value,
    })
}

/// A fitted line `P(won) = 1 / (1 + exp(−(intercept + slope·x)))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticLine {
    /// Log-odds at x = 0.
    pub intercept: f64,
    /// Change in log-odds per unit of x.
    pub slope: f64,
    /// Newton iterations used.
    pub iterations: usize,
}

impl LogisticLine {
    /// Probability of winning at `x`.
    pub fn probability(&self, x: f64) -> f64 {
        sigmoid(self.intercept + self.slope * x)
    }
}

/// Numerically safe logistic function.
pub fn sigmoid(z: f64) -> f64 {
    // e^{−|z|}, taken by branch so that a NaN keeps its sign bit.
    sigmoid_given_exp(z, if z >= 0.0 { (-z).exp() } else { z.exp() })
}

/// σ(z) from `e` = e^{−|z|}: the exp a stable −log σ(±z) takes too, so a caller that needs
/// both takes one exp. For z ≥ 0, 1 / (1 + e^{−z}); below, e^{z} / (1 + e^{z}).
#[inline]
pub fn sigmoid_given_exp(z: f64, e: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// Unpenalised 2-parameter logistic regression of the outcome on `x` by Newton's method (to 1e-13).
///
/// Used for the calibration slope/intercept and for Platt scaling; fails (no panic) when the
/// outcome is separated by `x`, `x` is constant, or a class is missing.
pub fn fit_logistic_line(x: &[f64], labels: &[bool]) -> Result<LogisticLine, MetricsError> {
    fit_logistic_line_of(x, labels, Leads(None))
}

/// [`fit_logistic_line`] of rows that stand for `leads[i]` leads each (a grouped table).
pub fn fit_logistic_line_weighted(x: &[f64], labels: &[bool], leads: &[f64]) -> Result<LogisticLine, MetricsError> {
    fit_logistic_line_of(x, labels, Leads(Some(leads)))
}

fn fit_logistic_line_of(x: &[f64], labels: &[bool], leads: Leads) -> Result<LogisticLine, MetricsError> {
    fit_logistic_line_by(x, labels, leads, FEW_VALUES)
}

/// A line's rows take at most this many distinct x for their terms to be computed per
/// (value, outcome): a score's points do (a few hundred); a model's exact probabilities do not.
const FEW_VALUES: usize = 4096;

/// [`fit_logistic_line_of`]; when `x` takes at most `few` distinct values, each row's terms
/// are those of its (value, outcome), computed once per pair, instead of an exp and a log
/// per row. Either way a row's terms are the same arithmetic on the same numbers, so the
/// line has the same bits.
fn fit_logistic_line_by(x: &[f64], labels: &[bool], leads: Leads, few: usize) -> Result<LogisticLine, MetricsError> {
    leads.check(x.len())?;
    if x.len() != labels.len() {
        return Err(MetricsError::LengthMismatch {
            probabilities: x.len(),
            labels: labels.len(),
        });
    }
    if x.is_empty() {
        return Err(MetricsError::Empty);
    }
    for (index, &value) in x.iter().enumerate() {
        if !value.is_finite() {
            return Err(MetricsError::InvalidScore { index, value });
        }
    }
    let (won, lost) = leads.need_both("a logistic line", labels)?;
    let min_won = fold_where(x, labels, true, f64::INFINITY, f64::min);
    let max_won = fold_where(x, labels, true, f64::NEG_INFINITY, f64::max);
    let min_lost = fold_where(x, labels, false, f64::INFINITY, f64::min);
    let max_lost = fold_where(x, labels, false, f64::NEG_INFINITY, f64::max);
    if max_won.max(max_lost) == min_won.min(min_lost) {
        return Err(MetricsError::NotEstimable {
            reason: "the score is the same for every lead".into(),
        });
    }
    if max_lost <= min_won || max_won <= min_lost {
        return Err(MetricsError::Separated);
    }
    // Centre x for conditioning; map back at the end.
    let n = leads.total(x.len()) as f64;
    let mean = x.iter().enumerate().map(|(i, &v)| leads.scale(i, v)).sum::<f64>() / n;
    let rate = won as f64 / (won + lost) as f64;
    let (mut a, mut b) = ((rate / (1.0 - rate)).ln(), 0.0);
    // Each row's terms are computed on every core; the sums are taken one after another,
    // in row order, as a single loop takes them. One pass at (a, b) gives each row's
    // objective term and, for a Newton step from (a, b), its gradient and weight terms:
    // −log σ(±z) and σ(z) both take e^{−|z|}, so one exp serves both.
    // A row's (objective term, centred x, gradient term, weight) at (a, b), before its leads.
    let terms = |xi: f64, y: bool, a: f64, b: f64| -> (f64, f64, f64, f64) {
        let xc = xi - mean;
        let z = a + b * xc;
        let e = (-z.abs()).exp();
        // −log σ(±z), stable
        let s = if y { -z } else { z };
        let term = if s > 0.0 { s + e.ln_1p() } else { e.ln_1p() };
        let p = sigmoid_given_exp(z, e);
        (term, xc, p - if y { 1.0 } else { 0.0 }, p * (1.0 - p))
    };
    let scaled = |i: usize, (term, xc, r, w): (f64, f64, f64, f64)| (leads.scale(i, term), xc, leads.scale(i, r), leads.scale(i, w));
    let distinct = Distinct::of(x, few);
    let mut rows: Vec<(f64, f64, f64, f64)> = Vec::new();
    let objective = |a: f64, b: f64, rows: &mut Vec<(f64, f64, f64, f64)>| -> f64 {
        match &distinct {
            Some(d) => {
                let pairs: Vec<[(f64, f64, f64, f64); 2]> = d.values.iter().map(|&v| [terms(v, false, a, b), terms(v, true, a, b)]).collect();
                d.of_row
                    .par_iter()
                    .zip(labels)
                    .enumerate()
                    .map(|(i, (&k, &y))| scaled(i, pairs[k as usize][usize::from(y)]))
                    .collect_into_vec(rows)
            }
            None => x.par_iter().zip(labels).enumerate().map(|(i, (&xi, &y))| scaled(i, terms(xi, y, a, b))).collect_into_vec(rows),
        }
        rows.iter().map(|row| row.0).sum()
    };
    let mut f = objective(a, b, &mut rows);
    for it in 1..=200 {
        // `rows` holds the terms at (a, b): the last point the objective was taken at.
        let (mut g0, mut g1, mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(_, xc, r, w) in &rows {
            g0 += r;
            g1 += r * xc;
            h00 += w;
            h01 += w * xc;
            h11 += w * xc * xc;
        }
        let det = h00 * h11 - h01 * h01;
        if !(det > 0.0) || !det.is_finite() {
            return Err(MetricsError::NotEstimable {
                reason: "the information matrix is singular".into(),
            });
        }
        let da = (h11 * g0 - h01 * g1) / det;
        let db = (h00 * g1 - h01 * g0) / det;
        // Damped step: halve until the objective does not increase (Newton is usually accepted at once).
        let mut t = 1.0;
        let (mut na, mut nb, mut nf);
        loop {
            na = a - t * da;
            nb = b - t * db;
            nf = objective(na, nb, &mut rows);
            if nf <= f + 1e-12 * f.abs().max(1.0) || t < 1e-10 {
                break;
            }
            t *= 0.5;
        }
        a = na;
        b = nb;
        f = nf;
        let step = (t * da).abs().max((t * db).abs());
        if step <= 1e-13 * (1.0 + a.abs().max(b.abs())) {
            return Ok(LogisticLine {
                intercept: a - b * mean,
                slope: b,
                iterations: it,
            });
        }
    }
    Err(MetricsError::NotEstimable {
        reason: "Newton's method did not converge in 200 iterations".into(),
    })
}

/// The distinct values of a column (told apart by their bits, so 0 and −0 are two, and
/// NaNs by their payloads), in order of first appearance, and which of them each row holds.
/// A score's points or a capped count take few values: work per value instead of per row.
pub struct Distinct {
    pub values: Vec<f64>,
    /// `values[of_row[i]]` is row i's value.
    pub of_row: Vec<u32>,
}

impl Distinct {
    /// None when `x` takes more than `limit` values (checked as it goes: a column of many
    /// values costs the rows up to its `limit + 1`-th value).
    pub fn of(x: &[f64], limit: usize) -> Option<Distinct> {
        // Open addressing, at most half full; a slot holds a value's number or EMPTY.
        const EMPTY: u32 = u32::MAX;
        let slots = (2 * limit).next_power_of_two().max(2);
        let shift = 64 - slots.trailing_zeros();
        let mut table = vec![EMPTY; slots];
        let mut values: Vec<f64> = Vec::new();
        let mut of_row = Vec::with_capacity(x.len());
        for &v in x {
            let bits = v.to_bits();
            let mut at = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
            loop {
                match table[at] {
                    EMPTY if values.len() == limit => return None,
                    EMPTY => {
                        table[at] = values.len() as u32;
                        of_row.push(values.len() as u32);
                        values.push(v);
                        break;
                    }
                    k if values[k as usize].to_bits() == bits => {
                        of_row.push(k);
                        break;
                    }
                    _ => at = (at + 1) & (slots - 1),
                }
            }
        }
        Some(Distinct { values, of_row })
    }
}

fn fold_where(x: &[f64], labels: &[bool], which: bool, init: f64, f: fn(f64, f64) -> f64) -> f64 {
    x.iter()
        .zip(labels)
        .filter(|(_, &y)| y == which)
        .fold(init, |acc, (&v, _)| f(acc, v))
}

/// Calibration intercept and slope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationLine {
    /// 0 when calibrated-in-the-large.
    pub intercept: f64,
    /// 1 when the spread of the predictions is right; < 1 means over-confident.
    pub slope: f64,
}

/// Logistic regression of the outcome on logit(p) with an intercept (p clipped to [1e-15, 1−1e-15]).
pub fn calibration_intercept_slope(
    probs: &[f64],
    labels: &[bool],
) -> Result<CalibrationLine, MetricsError> {
    calibration_intercept_slope_of(probs, labels, Leads(None))
}

fn calibration_intercept_slope_of(probs: &[f64], labels: &[bool], leads: Leads) -> Result<CalibrationLine, MetricsError> {
    check_probs(probs, labels)?;
    let eps = 1e-15;
    let logits: Vec<f64> = probs
        .iter()
        .map(|&p| {
            let p = p.clamp(eps, 1.0 - eps);
            (p / (1.0 - p)).ln()
        })
        .collect();
    let line = fit_logistic_line_of(&logits, labels, leads)?;
    Ok(CalibrationLine {
        intercept: line.intercept,
        slope: line.slope,
    })
}

/// scikit-learn's `calibration_curve(strategy="quantile")` output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCurve {
    /// Observed won rate per non-empty bin.
    pub prob_true: Vec<f64>,
    /// Mean predicted probability per non-empty bin.
    pub prob_pred: Vec<f64>,
}

/// Reproduces scikit-learn's quantile calibration curve (numpy percentile edges, `searchsorted` left) for comparisons.
pub fn calibration_curve_quantile(
    probs: &[f64],
    labels: &[bool],
    n_bins: usize,
) -> Result<CalibrationCurve, MetricsError> {
    calibration_curve_quantile_of(probs, labels, n_bins, Leads(None), &stable_order(probs))
}

fn calibration_curve_quantile_of(probs: &[f64], labels: &[bool], n_bins: usize, leads: Leads, order: &[usize]) -> Result<CalibrationCurve, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let n_bins = n_bins.max(1);
    let ranked = Ranked::of(order, leads);
    let sorted = |position: usize| probs[ranked.row_at(position)];
    let step = 1.0 / n_bins as f64;
    let edges: Vec<f64> = (0..=n_bins)
        .map(|i| {
            let q = if i == n_bins { 1.0 } else { i as f64 * step };
            numpy_percentile_linear(&sorted, ranked.total(), q * 100.0)
        })
        .collect();
    let inner = &edges[1..n_bins];
    let mut sums = vec![0.0; n_bins + 1];
    let mut trues = vec![0.0; n_bins + 1];
    let mut totals = vec![0usize; n_bins + 1];
    for (i, (&p, &y)) in probs.iter().zip(labels).enumerate() {
        let bin = inner.partition_point(|&e| e < p);
        sums[bin] += leads.scale(i, p);
        trues[bin] += leads.scale(i, if y { 1.0 } else { 0.0 });
        totals[bin] += leads.at(i);
    }
    let mut curve = CalibrationCurve {
        prob_true: Vec::new(),
        prob_pred: Vec::new(),
    };
    for b in 0..=n_bins {
        if totals[b] > 0 {
            curve.prob_true.push(trues[b] / totals[b] as f64);
            curve.prob_pred.push(sums[b] / totals[b] as f64);
        }
    }
    Ok(curve)
}

/// `numpy.percentile(sorted, q_percent)` with the default linear method, same floating-point
/// steps, on `n` sorted values given by position.
fn numpy_percentile_linear(sorted: &dyn Fn(usize) -> f64, n: usize, q_percent: f64) -> f64 {
    let q = q_percent / 100.0;
    #[allow(clippy::neg_multiply)] // mirrors numpy's (alpha + q·(1 − alpha − beta)) with alpha = beta = 1
    let vi = n as f64 * q + (1.0 + q * -1.0) - 1.0;
    let prev = vi.floor();
    let gamma = vi - prev;
    let clamp = |i: f64| -> usize { i.max(0.0).min((n - 1) as f64) as usize };
    let a = sorted(clamp(prev));
    let b = sorted(clamp(prev + 1.0));
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// Every metric of a labelled set, ready to serialise into the report and the model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Number of leads evaluated.
    pub n: usize,
    /// Number of won leads.
    pub won: usize,
    /// ROC AUC (ties count half).
    pub roc_auc: f64,
    /// scikit-learn average precision.
    pub average_precision: f64,
    /// Mean squared error of the probabilities.
    pub brier: f64,
    /// Mean log loss.
    pub log_loss: f64,
    /// Expected calibration error, 10 equal-mass groups.
    pub ece_equal_mass_10: f64,
    /// Hosmer–Lemeshow test, 10 equal-mass groups.
    pub hosmer_lemeshow_10: HosmerLemeshow,
    /// Calibration intercept and slope; `None` when not estimable (constant or perfectly separating predictions).
    pub calibration_intercept_slope: Option<CalibrationLine>,
    /// Reliability table, 10 equal-mass groups.
    pub reliability: Vec<ReliabilityGroup>,
    /// scikit-learn quantile calibration curve, 10 bins (kept for comparisons with Python notebooks).
    pub calibration_curve_quantile_10: CalibrationCurve,
}

/// Compute every metric at once; fails on bad input or when only one outcome is present.
pub fn evaluate(probs: &[f64], labels: &[bool]) -> Result<Metrics, MetricsError> {
    evaluate_of(probs, labels, Leads(None))
}

/// [`evaluate`] of rows that stand for `leads[i]` leads each (a grouped table): every
/// metric of the leads, equal-mass groups cut in row order, at the cost of the rows.
pub fn evaluate_weighted(probs: &[f64], labels: &[bool], leads: Option<&[f64]>) -> Result<Metrics, MetricsError> {
    evaluate_of(probs, labels, Leads(leads))
}

fn evaluate_of(probs: &[f64], labels: &[bool], leads: Leads) -> Result<Metrics, MetricsError> {
    check_probs(probs, labels)?;
    leads.check(probs.len())?;
    let (won, _) = leads.need_both("evaluation", labels)?;
    // The metrics read the same rows and nothing of each other: computed side by side,
    // each as alone; a failure is reported in the order they are listed. The five that walk
    // the rows by probability share one sort, made while the calibration line is fitted.
    let (calibration, ((roc_auc, average_precision), ((brier, log_loss), ((reliability, hosmer_lemeshow), curve)))) = rayon::join(
        || calibration_intercept_slope_of(probs, labels, leads),
        || {
            let order = &stable_order(probs)[..];
            rayon::join(
                || rayon::join(|| roc_auc_of(probs, labels, leads, order), || average_precision_of(probs, labels, leads, order)),
                || {
                    rayon::join(
                        || (brier_of(probs, labels, leads), log_loss_of(probs, labels, leads)),
                        || {
                            rayon::join(
                                || rayon::join(|| reliability_table_of(probs, labels, N_GROUPS, leads, order), || hosmer_lemeshow_of(probs, labels, leads, order)),
                                || calibration_curve_quantile_of(probs, labels, N_GROUPS, leads, order),
                            )
                        },
                    )
                },
            )
        },
    );
    let ece = reliability.as_ref().map(|table| ece_of_table(table, leads.total(probs.len()))).map_err(Clone::clone);
    let calibration = match calibration {
        Ok(c) => Some(c),
        Err(MetricsError::NotEstimable { .. } | MetricsError::Separated) => None,
        Err(e) => return Err(e),
    };
    Ok(Metrics {
        n: leads.total(probs.len()),
        won,
        roc_auc: roc_auc?,
        average_precision: average_precision?,
        brier: brier?,
        log_loss: log_loss?,
        ece_equal_mass_10: ece?,
        hosmer_lemeshow_10: hosmer_lemeshow?,
        calibration_intercept_slope: calibration,
        reliability: reliability?,
        calibration_curve_quantile_10: curve?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// σ from e^{−|z|} is the two-branch σ it replaced, to the bit (±0, infinities and
    /// NaN included).
    #[test]
    fn sigmoid_from_one_exp_is_the_two_branch_sigmoid() {
        let two_branch = |z: f64| if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) };
        let mut zs = vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 745.2, -745.2, 1e-320, -1e-320, 36.7, -36.7];
        let mut state = 5u64;
        for _ in 0..100_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            zs.push(((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 80.0);
            zs.push(f64::from_bits(state >> 2) * if state & 1 == 0 { 1.0 } else { -1.0 });
        }
        for z in zs {
            assert_eq!(sigmoid(z).to_bits(), two_branch(z).to_bits(), "{z:e}");
        }
    }

    #[test]
    fn auc_with_ties_counts_half() {
        // won at 0.5, 0.8 ; lost at 0.5, 0.2.
        // pairs: (0.5w,0.5l)=0.5, (0.5w,0.2l)=1, (0.8w,0.5l)=1, (0.8w,0.2l)=1 → 3.5/4
        let p = [0.5, 0.8, 0.5, 0.2];
        let y = [true, true, false, false];
        assert!((roc_auc(&p, &y).unwrap() - 0.875).abs() < 1e-15);
        // all tied → 0.5
        assert_eq!(roc_auc(&[0.3; 4], &y).unwrap(), 0.5);
    }

    #[test]
    fn average_precision_four_points() {
        // sklearn: average_precision_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.8333…
        let p = [0.1, 0.4, 0.35, 0.8];
        let y = [false, false, true, true];
        assert!((average_precision(&p, &y).unwrap() - 5.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn wilson_hand_computed() {
        // 3 of 10, computed by hand from the Wilson formula
        let (lo, hi) = wilson_interval(3, 10, Z95);
        assert!((lo - 0.107_791_267_406_301).abs() < 1e-12, "{lo}");
        assert!((hi - 0.603_221_852_538_855).abs() < 1e-12, "{hi}");
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 1.0));
        let (lo, _) = wilson_interval(0, 5, Z95);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn weighted_log_loss_is_the_leads_log_loss() {
        let (p, y, w) = ([0.8, 0.3, 0.6], [true, false, false], [3.0, 1.0, 2.0]);
        let leads_p = [0.8, 0.8, 0.8, 0.3, 0.6, 0.6];
        let leads_y = [true, true, true, false, false, false];
        let expected = log_loss(&leads_p, &leads_y).unwrap();
        assert!((log_loss_weighted(&p, &y, &w).unwrap() - expected).abs() < 1e-15);
        assert!(log_loss_weighted(&p, &y, &w[..2]).is_err());
    }

    /// A grouped set's metrics are those of its leads listed in row order: equal-mass
    /// groups that cut a row split its leads, as they would split the listed leads.
    #[test]
    fn weighted_rows_measure_as_their_leads() {
        let p = [0.2, 0.7, 0.2, 0.5, 0.9, 0.5, 0.1, 0.7, 0.35];
        let y = [false, true, true, false, true, true, false, false, true];
        let w = [7.0, 3.0, 2.0, 5.0, 1.0, 4.0, 6.0, 2.0, 3.0];
        let (mut lp, mut ly) = (Vec::new(), Vec::new());
        for i in 0..p.len() {
            for _ in 0..w[i] as usize {
                lp.push(p[i]);
                ly.push(y[i]);
            }
        }
        let leads = evaluate(&lp, &ly).unwrap();
        let rows = evaluate_weighted(&p, &y, Some(&w)).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12;
        assert_eq!((rows.n, rows.won), (leads.n, leads.won));
        for (a, b) in [
            (rows.roc_auc, leads.roc_auc),
            (rows.average_precision, leads.average_precision),
            (rows.brier, leads.brier),
            (rows.log_loss, leads.log_loss),
            (rows.ece_equal_mass_10, leads.ece_equal_mass_10),
            (rows.hosmer_lemeshow_10.statistic, leads.hosmer_lemeshow_10.statistic),
        ] {
            assert!(close(a, b), "{a} vs {b}");
        }
        let (a, b) = (rows.calibration_intercept_slope.clone().unwrap(), leads.calibration_intercept_slope.clone().unwrap());
        assert!(close(a.intercept, b.intercept) && close(a.slope, b.slope));
        assert_eq!(rows.reliability.len(), leads.reliability.len());
        for (a, b) in rows.reliability.iter().zip(&leads.reliability) {
            assert_eq!((a.n, a.wins), (b.n, b.wins));
            assert!(close(a.mean_predicted, b.mean_predicted));
        }
        for (a, b) in rows.calibration_curve_quantile_10.prob_pred.iter().zip(&leads.calibration_curve_quantile_10.prob_pred) {
            assert!(close(*a, *b));
        }
        assert_eq!(rows.calibration_curve_quantile_10.prob_true, leads.calibration_curve_quantile_10.prob_true);
        // Unweighted, the weighted path is the plain one, bit for bit.
        assert_eq!(evaluate_weighted(&lp, &ly, None).unwrap(), leads);
    }

    /// `evaluate` sorts once for the five metrics that walk the rows by probability; each
    /// equals the metric computed alone, which sorts for itself (ties, 0 and 1 included).
    #[test]
    fn evaluate_is_each_metric_alone() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.random::<u64>();
        for (n, levels) in [(37usize, 5u64), (5_000, 40), (20_000, 1 << 40)] {
            let p: Vec<f64> = (0..n).map(|_| (next() % (levels + 1)) as f64 / levels as f64).collect();
            let y: Vec<bool> = p.iter().map(|&v| (next() % 1000) as f64 / 1000.0 < v * 0.8 + 0.1).collect();
            let all = evaluate(&p, &y).unwrap();
            assert_eq!(all.roc_auc.to_bits(), roc_auc(&p, &y).unwrap().to_bits(), "{n}");
            assert_eq!(all.average_precision.to_bits(), average_precision(&p, &y).unwrap().to_bits(), "{n}");
            assert_eq!(all.ece_equal_mass_10.to_bits(), ece_equal_mass(&p, &y).unwrap().to_bits(), "{n}");
            assert_eq!(all.hosmer_lemeshow_10, hosmer_lemeshow(&p, &y).unwrap(), "{n}");
            assert_eq!(all.reliability, reliability_table(&p, &y, N_GROUPS).unwrap(), "{n}");
            assert_eq!(all.calibration_curve_quantile_10, calibration_curve_quantile(&p, &y, N_GROUPS).unwrap(), "{n}");
            assert_eq!(all.calibration_intercept_slope, calibration_intercept_slope(&p, &y).ok(), "{n}");
            assert_eq!((all.brier.to_bits(), all.log_loss.to_bits()), (brier(&p, &y).unwrap().to_bits(), log_loss(&p, &y).unwrap().to_bits()), "{n}");
        }
    }

    #[test]
    fn brier_and_log_loss_small() {
        let p = [0.8, 0.3];
        let y = [true, false];
        assert!((brier(&p, &y).unwrap() - (0.04 + 0.09) / 2.0).abs() < 1e-15);
        let ll = -(0.8f64.ln() + 0.7f64.ln()) / 2.0;
        assert!((log_loss(&p, &y).unwrap() - ll).abs() < 1e-15);
        // clipping keeps 0/1 finite
        assert!(log_loss(&[0.0], &[true]).unwrap().is_finite());
    }

    #[test]
    fn errors_on_bad_input() {
        assert_eq!(roc_auc(&[], &[]), Err(MetricsError::Empty));
        assert!(matches!(
            brier(&[0.1], &[true, false]),
            Err(MetricsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            brier(&[0.1, f64::NAN], &[true, false]),
            Err(MetricsError::InvalidProbability { index: 1, .. })
        ));
        assert!(matches!(
            brier(&[0.1, 1.5], &[true, false]),
            Err(MetricsError::InvalidProbability { index: 1, .. })
        ));
        assert!(matches!(
            roc_auc(&[0.1, 0.2], &[true, true]),
            Err(MetricsError::OnlyOneClass { won: 2, lost: 0, .. })
        ));
        assert!(matches!(
            evaluate(&[0.1, 0.2], &[false, false]),
            Err(MetricsError::OnlyOneClass { .. })
        ));
    }

    #[test]
    fn array_split_matches_numpy() {
        // numpy.array_split(range(23), 10) sizes: 3,3,3,2,2,2,2,2,2,2
        let sizes: Vec<usize> = array_split_bounds(23, 10).iter().map(|(a, b)| b - a).collect();
        assert_eq!(sizes, vec![3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
    }

    #[test]
    fn logistic_line_recovers_and_refuses_separation() {
        assert!(matches!(
            fit_logistic_line(&[0.0, 1.0, 2.0, 3.0], &[false, false, true, true]),
            Err(MetricsError::Separated)
        ));
        // symmetric data: intercept at x=1.5 is 0
        let x = [0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0];
        let y = [false, false, true, true, false, true, false, true];
        let l = fit_logistic_line(&x, &y).unwrap();
        assert!((l.intercept + 1.5 * l.slope).abs() < 1e-10);
        assert!(l.slope > 0.0);
    }

    /// Terms per (value, outcome) give the line that terms per row give, to the bit:
    /// points with ties, 0 beside −0, fractions, weighted rows, and every size of table.
    #[test]
    fn a_line_over_few_values_is_the_line_over_rows() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.random::<u64>();
        for case in 0..60 {
            let n = [3usize, 40, 2_000, 20_000][case % 4];
            let levels = [2u64, 7, 300, 5_000][(case / 4) % 4];
            let x: Vec<f64> = (0..n)
                .map(|_| {
                    let k = next() % levels;
                    match case % 3 {
                        0 => k as f64 - (levels / 2) as f64,
                        1 if k == 0 => -0.0,
                        1 => k as f64 * 5.0,
                        _ => (k as f64 / levels as f64 * 0.9 + 0.05).ln(),
                    }
                })
                .collect();
            let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let y: Vec<bool> = x.iter().map(|&v| (v - lo) / (hi - lo + 1.0) + (next() % 1000) as f64 / 700.0 > 0.9).collect();
            let leads: Vec<f64> = (0..n).map(|_| (1 + next() % 4) as f64).collect();
            for weights in [None, Some(&leads[..])] {
                let per_row = fit_logistic_line_by(&x, &y, Leads(weights), 0);
                for few in [1usize, levels as usize / 2, FEW_VALUES] {
                    let by_value = fit_logistic_line_by(&x, &y, Leads(weights), few);
                    match (&per_row, &by_value) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!((a.intercept.to_bits(), a.slope.to_bits(), a.iterations), (b.intercept.to_bits(), b.slope.to_bits(), b.iterations), "case {case}, few {few}")
                        }
                        (a, b) => assert_eq!(a, b, "case {case}, few {few}"),
                    }
                }
            }
            if let Some(d) = Distinct::of(&x, FEW_VALUES) {
                assert!(x.iter().zip(&d.of_row).all(|(v, &k)| d.values[k as usize].to_bits() == v.to_bits()), "case {case}");
                assert!(d.values.len() <= levels as usize + 1);
            }
        }
    }
}
