//! Segments: MQLs a month and conversion per value of the first segment
//! column, at the recommended threshold.

use mqlcal_backtest::{Backtest, SegmentRow};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{bar_rows_mesh, plot_rect, rgba, text_rect, top_down_labels, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::{axis_pct, level, pct0};
use crate::style::*;

pub(super) struct Segments<'a> {
    pub(super) b: &'a Backtest,
}

impl Segments<'_> {
    fn rows(&self) -> Vec<&SegmentRow> {
        let first = self
            .b
            .segments
            .first()
            .map(|s| s.segment.clone())
            .unwrap_or_default();
        self.b
            .segments
            .iter()
            .filter(|s| s.segment == first)
            .collect()
    }
}

/// Best and worst are named only when their intervals do not overlap.
pub(super) fn title(rows: &[&SegmentRow], threshold: i64, confidence: f64) -> String {
    let segment = rows.first().map_or("segment", |r| r.segment.as_str());
    let decided = |r: &&&SegmentRow| r.outcomes.won + r.outcomes.lost >= 5 && r.outcomes.conversion.is_some();
    let by_conversion = |a: &&&SegmentRow, b: &&&SegmentRow| a.outcomes.conversion.unwrap_or(0.0).total_cmp(&b.outcomes.conversion.unwrap_or(0.0));
    let best = rows.iter().filter(decided).max_by(by_conversion);
    let worst = rows.iter().filter(decided).min_by(by_conversion);
    match (best, worst) {
        (Some(b), Some(w)) if b.value != w.value => {
            let separated = matches!((b.outcomes.conversion_low, w.outcomes.conversion_high), (Some(lo), Some(hi)) if lo > hi);
            if separated {
                format!(
                    "{} MQLs convert best ({}), {} worst ({}) at threshold {threshold}",
                    b.value,
                    pct0(b.outcomes.conversion.unwrap_or(0.0)),
                    w.value,
                    pct0(w.outcomes.conversion.unwrap_or(0.0)),
                )
            } else {
                format!(
                    "MQL conversion by {segment} at threshold {threshold}: {} to {}, {} intervals overlap",
                    pct0(w.outcomes.conversion.unwrap_or(0.0)),
                    pct0(b.outcomes.conversion.unwrap_or(0.0)),
                    level(confidence)
                )
            }
        }
        _ => format!("MQLs by {segment} at threshold {threshold}"),
    }
}

impl Figure for Segments<'_> {
    fn name(&self) -> &'static str {
        "segments"
    }

    fn title(&self) -> String {
        title(&self.rows(), self.b.recommendation.threshold, self.b.constraints.confidence)
    }

    fn caption(&self) -> String {
        let segment = self
            .rows()
            .first()
            .map_or("segment".to_string(), |r| r.segment.clone());
        format!("MQLs a month by {segment} at the recommended threshold (left) and the share of their decided MQLs that won, with {} Wilson intervals, against the target band (right).", level(self.b.constraints.confidence))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let rows = self.rows();
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        let band = self.b.constraints.band;
        let conversion = Header::new(Some("MQL conversion to won"))
            .key(Key::Swatch(RGBColor(0xc8, 0xe8, 0xde).to_rgba()), format!("target band {:.0}–{:.0} %", 100.0 * band.0, 100.0 * band.1))
            .key(Key::Line(rgba(HOLDOUT), 3), format!("{} interval", level(self.b.constraints.confidence)));
        let volume = Header::new(Some("MQLs a month"));
        // Both plots start at the same height, so their rows line up.
        let top = volume.height(&left).max(conversion.height(&right));
        volume_panel(&left, &rows, (&volume, top), layout)?;
        self.conversion_panel(&right, &rows, (&conversion, top), layout)
    }
}

/// Left: MQLs a month per segment value, first value at the top.
fn volume_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    rows: &[&SegmentRow],
    (header, top): (&Header, u32),
    layout: &mut Layout,
) -> Drawn {
    let n = rows.len() as i32;
    let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
    let v_max = rows.iter().map(|r| r.mqls_per_month).fold(1.0f64, f64::max) * 1.25;
    let mut volume = plot_area(panel, top, 70, 230)
        .build_cartesian_2d(0.0..v_max, (0..(n - 1).max(0)).into_segmented())
        .map_err(err)?;
    bar_rows_mesh(&mut volume, rows.len(), "MQLs per month", &label, &|v| format!("{v:.0}"))?;
    for (k, r) in rows.iter().enumerate() {
        let seg = n - 1 - k as i32;
        volume
            .draw_series(
                Histogram::horizontal(&volume)
                    .margin(14)
                    .style(HOLDOUT.filled())
                    .data(std::iter::once((seg, r.mqls_per_month))),
            )
            .map_err(err)?;
        let at = (r.mqls_per_month, SegmentValue::CenterOf(seg));
        let text = format!(" {:.1}", r.mqls_per_month);
        let pos = Pos::new(HPos::Left, VPos::Center);
        layout.points.push(volume.backend_coord(&at));
        layout.labels.push(text_rect(panel, &text, &small_font(), volume.backend_coord(&at), pos));
        volume
            .draw_series(std::iter::once(Text::new(text, at, small_font().pos(pos))))
            .map_err(err)?;
    }
    let plot = plot_rect(&volume);
    layout.plots.push(plot);
    header.draw(panel, plot, layout)
}

impl Segments<'_> {
    /// Right: conversion with Wilson intervals against the target band.
    fn conversion_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&SegmentRow],
        (header, top): (&Header, u32),
        layout: &mut Layout,
    ) -> Drawn {
        let n = rows.len() as i32;
        let band = self.b.constraints.band;
        let c_max = rows
            .iter()
            .filter_map(|r| r.outcomes.conversion_high)
            .fold(band.1, f64::max)
            .min(1.0)
            * 1.05;
        let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
        let mut conversion = plot_area(panel, top, 70, 230)
            .build_cartesian_2d(0.0..c_max, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        bar_rows_mesh(&mut conversion, rows.len(), "MQL conversion to won", &label, &axis_pct)?;
        conversion
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (band.0, SegmentValue::Exact(0)),
                    (band.1, SegmentValue::Exact(n)),
                ],
                BAND.mix(0.15).filled(),
            )))
            .map_err(err)?;
        for (k, r) in rows.iter().enumerate() {
            let seg = n - 1 - k as i32;
            let (Some(cv), Some(lo), Some(hi)) =
                (r.outcomes.conversion, r.outcomes.conversion_low, r.outcomes.conversion_high)
            else {
                continue;
            };
            for v in [lo, cv, hi] {
                layout.points.push(conversion.backend_coord(&(v, SegmentValue::CenterOf(seg))));
            }
            conversion
                .draw_series(std::iter::once(PathElement::new(
                    vec![
                        (lo, SegmentValue::CenterOf(seg)),
                        (hi, SegmentValue::CenterOf(seg)),
                    ],
                    HOLDOUT.stroke_width(3),
                )))
                .map_err(err)?;
            conversion
                .draw_series(std::iter::once(Circle::new(
                    (cv, SegmentValue::CenterOf(seg)),
                    10,
                    HOLDOUT.filled(),
                )))
                .map_err(err)?;
        }
        let plot = plot_rect(&conversion);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }
}
