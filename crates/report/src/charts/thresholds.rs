//! Thresholds: MQLs a month against capacity (top) and conversion against the
//! target band (bottom) at every threshold worth showing.

use mqlcal_backtest::{Backtest, ThresholdRow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{mesh, plot_rect, rgba, text_rect, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::{axis_pct, level, pct0};
use crate::style::*;

pub(super) struct Thresholds<'a> {
    pub(super) b: &'a Backtest,
}

/// Thresholds are shown up to the one whose busiest month reaches this multiple of
/// capacity: further out only squeezes the capacity line against the axis.
const MAX_VOLUME_OVER_CAPACITY: f64 = 2.5;

impl Thresholds<'_> {
    /// Thresholds shown: from at least 20 MQLs (fewer make conversion noise) to a busiest
    /// month of 2.5× capacity; the recommendation and every option the text names, always.
    pub(super) fn shown(&self) -> Vec<&ThresholdRow> {
        let cap = self.b.constraints.capacity_per_month;
        let rec = &self.b.recommendation;
        let named = |t: i64| t == rec.threshold || rec.options.iter().any(|o| o.threshold == t);
        let in_range = |r: &ThresholdRow| {
            r.mqls >= 20 && (r.busiest_month_mqls as f64) <= MAX_VOLUME_OVER_CAPACITY * cap
        };
        let keep: Vec<bool> = self.b.thresholds.iter().map(|r| in_range(r) || named(r.threshold)).collect();
        // Everything between the first and the last kept threshold, so the curves have no gaps.
        let first = keep.iter().position(|&k| k).unwrap_or(0);
        let last = keep.iter().rposition(|&k| k).unwrap_or(0);
        self.b.thresholds[first..=last.max(first)].iter().collect()
    }

    /// The volume axis' top: the busiest month shown, and capacity with room above it.
    pub(super) fn volume_max(&self, rows: &[&ThresholdRow]) -> f64 {
        let cap = self.b.constraints.capacity_per_month;
        rows.iter()
            .map(|r| (r.busiest_month_mqls as f64).max(r.mqls_per_month))
            .fold(cap * 1.3, f64::max)
            * 1.05
    }
}

impl Figure for Thresholds<'_> {
    fn name(&self) -> &'static str {
        "thresholds"
    }

    fn title(&self) -> String {
        let r = self.b.recommended_row();
        let rec = &self.b.recommendation;
        let conversion = r.outcomes.conversion.map_or("no decided MQLs".into(), |c| format!("{} convert", pct0(c)));
        if rec.feasible {
            format!(
                "Threshold {}: {:.0} MQLs a month (capacity {:.0}), {conversion}",
                rec.threshold, r.mqls_per_month, self.b.constraints.capacity_per_month
            )
        } else {
            format!(
                "No threshold meets capacity and band; nearest is {} ({:.0} a month, {conversion})",
                rec.threshold, r.mqls_per_month
            )
        }
    }

    fn caption(&self) -> String {
        let c = &self.b.constraints;
        let volume = if self.b.months == 1 { "one complete month's, so no busiest month apart" } else { "mean, and the busiest month" };
        format!(
            "Top: MQLs a month at each threshold on the holdout ({volume}), against sales capacity ({:.0} a month). Bottom: the share of decided MQLs that won, with its {} Wilson interval, against the target band {:.0}–{:.0} %. Shown from 20 MQLs up to a busiest month of {MAX_VOLUME_OVER_CAPACITY}× capacity, and every threshold the text names.",
            c.capacity_per_month,
            level(c.confidence),
            100.0 * c.band.0,
            100.0 * c.band.1
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let rows = self.shown();
        let x_min = rows.iter().map(|r| r.threshold).min().unwrap_or(0) as f64;
        let x_max = rows.iter().map(|r| r.threshold).max().unwrap_or(1) as f64;
        let pad = ((x_max - x_min) * 0.02).max(1.0);
        let x = (x_min - pad, x_max + pad);
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        self.volume_panel(&top, &rows, x, layout)?;
        self.conversion_panel(&bottom, &rows, x, layout)
    }
}

impl Thresholds<'_> {
    /// Top: MQLs a month (mean and busiest month) against capacity.
    fn volume_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&ThresholdRow],
        (x_min, x_max): (f64, f64),
        layout: &mut Layout,
    ) -> Drawn {
        let c = &self.b.constraints;
        let rec = self.b.recommendation.threshold;
        let y_max = self.volume_max(rows);
        // One month's volume is its own busiest month: one line, said as what it is.
        let one_month = self.b.months == 1;
        let header = if one_month { Header::new(None) } else { Header::new(None).key(Key::Line(HOLDOUT.mix(0.35), 2), "busiest month") };
        let header = header
            .key(Key::Line(rgba(HOLDOUT), 4), if one_month { "MQLs in the one complete month" } else { "MQLs a month (mean)" })
            .key(Key::Dashed(rgba(CAPACITY), 3), format!("capacity: {:.0} a month", c.capacity_per_month));
        let mut volume = plot_area(panel, header.height(panel), 50, 110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut volume, "", "MQLs per month", &|v| format!("{v:.0}"), &|v| format!("{v:.0}"))?;
        let busiest: Vec<(f64, f64)> = rows.iter().map(|r| (r.threshold as f64, r.busiest_month_mqls as f64)).collect();
        let mean: Vec<(f64, f64)> = rows.iter().map(|r| (r.threshold as f64, r.mqls_per_month)).collect();
        if !one_month {
            volume
                .draw_series(LineSeries::new(busiest.clone(), HOLDOUT.mix(0.35).stroke_width(2)))
                .map_err(err)?;
        }
        volume.draw_series(LineSeries::new(mean.clone(), HOLDOUT.stroke_width(4))).map_err(err)?;
        volume
            .draw_series(DashedLineSeries::new(
                vec![(x_min, c.capacity_per_month), (x_max, c.capacity_per_month)],
                12,
                8,
                CAPACITY.stroke_width(3),
            ))
            .map_err(err)?;
        volume
            .draw_series(std::iter::once(PathElement::new(
                vec![(rec as f64, 0.0), (rec as f64, y_max)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        layout.points.extend(busiest.iter().chain(&mean).map(|p| volume.backend_coord(p)));
        layout.points.push(volume.backend_coord(&(x_min, c.capacity_per_month)));
        // The label goes on the side of the line with more room.
        let right = (rec as f64 - x_min) < (x_max - rec as f64);
        let pos = Pos::new(if right { HPos::Left } else { HPos::Right }, VPos::Center);
        let text = if right { format!(" recommended: {rec}") } else { format!("recommended: {rec} ") };
        let at = (rec as f64, y_max * 0.93);
        volume
            .draw_series(std::iter::once(Text::new(text.clone(), at, label_font().pos(pos))))
            .map_err(err)?;
        layout.labels.push(text_rect(panel, &text, &label_font(), volume.backend_coord(&at), pos));
        let plot = plot_rect(&volume);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }

    /// Bottom: conversion with its interval against the target band.
    fn conversion_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&ThresholdRow],
        (x_min, x_max): (f64, f64),
        layout: &mut Layout,
    ) -> Drawn {
        let c = &self.b.constraints;
        let rec = self.b.recommendation.threshold;
        let y_top = (rows.iter().filter_map(|r| r.outcomes.conversion_high).fold(c.band.1, f64::max) * 1.05).min(1.0);
        let header = Header::new(None)
            .key(Key::Swatch(RGBColor(0xc8, 0xe8, 0xde).to_rgba()), format!("target band {:.0}–{:.0} %", 100.0 * c.band.0, 100.0 * c.band.1))
            .key(Key::Swatch(RGBColor(0xd2, 0xd8, 0xe3).to_rgba()), format!("{} interval", level(c.confidence)))
            .key(Key::Line(rgba(HOLDOUT), 4), "conversion");
        let mut conversion = plot_area(panel, header.height(panel), 60, 110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_top)
            .map_err(err)?;
        mesh(
            &mut conversion,
            "threshold (score at or above which a lead is an MQL)",
            "MQL conversion to won",
            &|v| format!("{v:.0}"),
            &axis_pct,
        )?;
        conversion
            .draw_series(std::iter::once(Rectangle::new([(x_min, c.band.0), (x_max, c.band.1)], BAND.mix(0.15).filled())))
            .map_err(err)?;
        let upper: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.outcomes.conversion_high.map(|h| (r.threshold as f64, h))).collect();
        let lower: Vec<(f64, f64)> = rows.iter().rev().filter_map(|r| r.outcomes.conversion_low.map(|l| (r.threshold as f64, l))).collect();
        layout.points.extend(upper.iter().chain(&lower).map(|p| conversion.backend_coord(p)));
        conversion
            .draw_series(std::iter::once(Polygon::new(
                upper.into_iter().chain(lower).collect::<Vec<_>>(),
                HOLDOUT.mix(0.15).filled(),
            )))
            .map_err(err)?;
        let line: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.outcomes.conversion.map(|v| (r.threshold as f64, v))).collect();
        layout.points.extend(line.iter().map(|p| conversion.backend_coord(p)));
        conversion.draw_series(LineSeries::new(line, HOLDOUT.stroke_width(4))).map_err(err)?;
        conversion
            .draw_series(std::iter::once(PathElement::new(vec![(rec as f64, 0.0), (rec as f64, y_top)], INK.stroke_width(2))))
            .map_err(err)?;
        let plot = plot_rect(&conversion);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }
}
