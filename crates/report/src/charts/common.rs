//! Helpers every figure shares: numbers in words, axes, legends and row labels.

use mqlcal_features::Outcome;
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::figure::{err, Drawn};
use crate::prepare::LeadScore;
use crate::style::*;

pub(super) fn pct(v: f64) -> String {
    format!("{:.0} %", 100.0 * v)
}

pub(super) fn decided(leads: &[LeadScore]) -> impl Iterator<Item = &LeadScore> {
    leads.iter().filter(|l| l.outcome != Outcome::Open)
}

pub(super) fn median(mut v: Vec<i64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

/// A light mesh with labelled axes (numeric axes).
pub(super) fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Drawn {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(small_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .draw()
        .map_err(err)
}

pub(super) fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .label_font(small_font())
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .position(position)
        .draw()
        .map_err(err)
}

/// Labels for a segmented axis whose first name is drawn at the top (segment n − 1).
pub(super) fn top_down_labels(names: Vec<String>) -> impl Fn(&SegmentValue<i32>) -> String {
    let n = names.len() as i32;
    move |v| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            names.get((n - 1 - i) as usize).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    }
}

pub(super) fn swatch(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 9), (x + 22, y + 9)], color.filled())
}
