//! Number formats and block builders every section uses.

use super::Block;
use crate::charts::Chart;

pub(super) fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1} %", 100.0 * v)
    } else {
        "-".into()
    }
}

pub(super) fn opt_pct(v: Option<f64>) -> String {
    v.map_or("-".into(), pct)
}

pub(super) fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "-".into()
    }
}

pub(super) fn interval(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("{}–{}", pct(l), pct(h)),
        _ => "-".into(),
    }
}

pub(super) fn table(header: &[&str], numeric: &[bool], rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        numeric: numeric.to_vec(),
        rows,
    }
}

pub(super) fn has(charts: &[Chart], name: &str) -> bool {
    charts.iter().any(|c| c.name == name)
}
