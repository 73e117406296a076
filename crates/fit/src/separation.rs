//! Signals that separate won from lost on their own: named (almost always a
//! field recorded after the outcome) and, for small levels, grouped.

use ndarray::ArrayView2;

use crate::FitError;

/// Below this many training leads, a signal that separates the outcomes does so
/// by chance (a small level with no wins), not by leakage.
pub(crate) const MIN_SEPARATION_SUPPORT: usize = 50;

/// The fit's warnings, ranked: separations with real support first, one per
/// line (leakage suspects); separations by small levels grouped into one line.
pub(crate) fn grouped_separations(
    warnings: &[crate::FitWarning],
    x: ArrayView2<f64>,
    names: &[String],
) -> Vec<String> {
    let support = |signal: &str| -> usize {
        names
            .iter()
            .position(|n| n == signal)
            .map_or(usize::MAX, |j| {
                x.column(j).iter().filter(|&&v| v != 0.0).count()
            })
    };
    type BySupport<'a> = Vec<(usize, &'a crate::FitWarning)>;
    let (mut strong, mut small): (BySupport, BySupport) = warnings
        .iter()
        .map(|w| (support(&w.signal), w))
        .partition(|(n, _)| *n >= MIN_SEPARATION_SUPPORT);
    strong.sort_by_key(|w| std::cmp::Reverse(w.0));
    small.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.signal.cmp(&b.1.signal)));
    let mut out: Vec<String> = strong
        .iter()
        .map(|(_, w)| format!("{}: {}", w.signal, w.reason))
        .collect();
    if !small.is_empty() {
        let listed: Vec<String> = small
            .iter()
            .take(12)
            .map(|(n, w)| format!("{} ({n} leads)", w.signal))
            .collect();
        out.push(format!(
            "{} small signals or levels (under {MIN_SEPARATION_SUPPORT} training leads each) have only wins or only losses, so they separate the outcomes by chance, not leakage: {}{}; their points rest on the penalty alone, consider pooling them into the baseline",
            small.len(),
            listed.join(", "),
            if small.len() > 12 { ", ..." } else { "" }
        ));
    }
    out
}

/// A calibration that fails because the score separates the outcomes is almost
/// always leakage: name the signals that separate won from lost on their own.
pub(crate) fn name_separators(
    error: FitError,
    x: ArrayView2<f64>,
    won: &[bool],
    names: &[String],
) -> FitError {
    if !matches!(
        error,
        FitError::Metrics(mqlcal_metrics::MetricsError::Separated)
    ) {
        return error;
    }
    let separators: Vec<String> = names
        .iter()
        .zip(x.columns())
        .filter_map(|(name, column)| {
            let values: Vec<f64> = column.to_vec();
            let auc = mqlcal_metrics::roc_auc(&values, won).ok()?;
            (auc.max(1.0 - auc) >= 0.99).then(|| format!("{name} (AUC {:.2})", auc.max(1.0 - auc)))
        })
        .collect();
    if separators.is_empty() {
        return error;
    }
    FitError::InvalidParams(format!(
        "{error}; on their own, {} separate won from lost leads: they are probably recorded after the outcome (leakage). Leave them out of [[signals]] (mqlcal validate lists leakage suspects)",
        separators.join(", ")
    ))
}

