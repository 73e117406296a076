//! Segments: MQLs a month and conversion per value of the first segment
//! column, at the recommended threshold.

use mqlcal_backtest::{Backtest, SegmentRow};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{legend, pct, swatch, top_down_labels};
use super::figure::{err, Drawn, Figure};
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

impl Figure for Segments<'_> {
    fn name(&self) -> &'static str {
        "segments"
    }

    fn title(&self) -> String {
        let rows = self.rows();
        let decided = |r: &&&SegmentRow| r.won + r.lost >= 5;
        let best = rows.iter().filter(decided).max_by(|a, b| {
            a.conversion
                .unwrap_or(0.0)
                .total_cmp(&b.conversion.unwrap_or(0.0))
        });
        let worst = rows.iter().filter(decided).min_by(|a, b| {
            a.conversion
                .unwrap_or(0.0)
                .total_cmp(&b.conversion.unwrap_or(0.0))
        });
        match (best, worst) {
            (Some(b), Some(w)) if b.value != w.value => format!(
                "{} MQLs convert best ({}), {} worst ({}) at threshold {}",
                b.value,
                pct(b.conversion.unwrap_or(0.0)),
                w.value,
                pct(w.conversion.unwrap_or(0.0)),
                self.b.recommendation.threshold
            ),
            _ => format!(
                "MQLs by {} at threshold {}",
                rows.first().map_or("segment", |r| r.segment.as_str()),
                self.b.recommendation.threshold
            ),
        }
    }

    fn caption(&self) -> String {
        let segment = self
            .rows()
            .first()
            .map_or("segment".to_string(), |r| r.segment.clone());
        format!("MQLs a month by {segment} at the recommended threshold (left) and the share of their decided MQLs that won, with Wilson intervals, against the target band (right).")
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let rows = self.rows();
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        volume_panel(&left, &rows)?;
        self.conversion_panel(&right, &rows)
    }
}

/// Left: MQLs a month per segment value, first value at the top.
fn volume_panel<DB: DrawingBackend>(panel: &DrawingArea<DB, Shift>, rows: &[&SegmentRow]) -> Drawn {
    let n = rows.len() as i32;
    let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
    let v_max = rows.iter().map(|r| r.mqls_per_month).fold(1.0f64, f64::max) * 1.2;
    let mut volume = ChartBuilder::on(panel)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..v_max, (0..(n - 1).max(0)).into_segmented())
        .map_err(err)?;
    volume
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("MQLs per month")
        .axis_desc_style(label_font())
        .label_style(small_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_labels(rows.len())
        .y_label_formatter(&label)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
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
        volume
            .draw_series(std::iter::once(Text::new(
                format!(" {:.1}", r.mqls_per_month),
                (r.mqls_per_month, SegmentValue::CenterOf(seg)),
                small_font().pos(Pos::new(HPos::Left, VPos::Center)),
            )))
            .map_err(err)?;
    }
    Ok(())
}

impl Segments<'_> {
    /// Right: conversion with Wilson intervals against the target band.
    fn conversion_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&SegmentRow],
    ) -> Drawn {
        let n = rows.len() as i32;
        let band = self.b.constraints.band;
        let c_max = rows
            .iter()
            .filter_map(|r| r.conversion_high)
            .fold(band.1, f64::max)
            .min(1.0)
            * 1.05;
        let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
        let mut conversion = ChartBuilder::on(panel)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..c_max, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        conversion
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("MQL conversion to won")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(rows.len())
            .y_label_formatter(&label)
            .x_label_formatter(&percent)
            .draw()
            .map_err(err)?;
        conversion
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (band.0, SegmentValue::Exact(0)),
                    (band.1, SegmentValue::Exact(n)),
                ],
                BAND.mix(0.15).filled(),
            )))
            .map_err(err)?
            .label(format!(
                "target band {:.0}–{:.0} %",
                100.0 * band.0,
                100.0 * band.1
            ))
            .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        for (k, r) in rows.iter().enumerate() {
            let seg = n - 1 - k as i32;
            let (Some(cv), Some(lo), Some(hi)) =
                (r.conversion, r.conversion_low, r.conversion_high)
            else {
                continue;
            };
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
        legend(&mut conversion, SeriesLabelPosition::LowerRight)
    }
}
