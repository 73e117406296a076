//! Thresholds: MQLs a month against capacity (top) and conversion against the
//! target band (bottom) at every threshold worth showing.

use mqlcal_backtest::{Backtest, ThresholdRow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{legend, mesh, pct, swatch};
use super::figure::{err, Drawn, Figure};
use crate::style::*;

pub(super) struct Thresholds<'a> {
    pub(super) b: &'a Backtest,
}

impl Thresholds<'_> {
    /// Thresholds shown: from at least 20 MQLs (fewer make conversion noise) down to 4×
    /// capacity a month (further only squeezes the interesting part); the recommendation always.
    fn shown(&self) -> Vec<&ThresholdRow> {
        let cap = self.b.constraints.capacity_per_month;
        let rec = self.b.recommendation.threshold;
        self.b
            .thresholds
            .iter()
            .filter(|r| (r.mqls_per_month <= 4.0 * cap && r.mqls >= 20) || r.threshold == rec)
            .collect()
    }
}

impl Figure for Thresholds<'_> {
    fn name(&self) -> &'static str {
        "thresholds"
    }

    fn title(&self) -> String {
        let r = self.b.recommended_row();
        let rec = &self.b.recommendation;
        let conversion = r.conversion.map_or("-".into(), pct);
        if rec.feasible {
            format!(
                "Threshold {}: {:.0} MQLs a month (capacity {:.0}), {} convert",
                rec.threshold, r.mqls_per_month, self.b.constraints.capacity_per_month, conversion
            )
        } else {
            format!(
                "No threshold meets capacity and band; nearest is {} ({:.0} a month, {})",
                rec.threshold, r.mqls_per_month, conversion
            )
        }
    }

    fn caption(&self) -> String {
        let c = &self.b.constraints;
        format!(
            "Top: MQLs a month at each threshold on the holdout (mean, and the busiest month), against sales capacity ({:.0} a month). Bottom: the share of decided MQLs that won, with its {:.0} % Wilson interval, against the target band {:.0}–{:.0} %. Shown from 20 MQLs up to 4× capacity.",
            c.capacity_per_month,
            100.0 * c.confidence,
            100.0 * c.band.0,
            100.0 * c.band.1
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let rows = self.shown();
        let x_min = rows.iter().map(|r| r.threshold).min().unwrap_or(0) as f64;
        let x_max = rows.iter().map(|r| r.threshold).max().unwrap_or(1) as f64;
        let (x_min, x_max) = (x_min - 1.0, x_max + 1.0);
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        self.volume_panel(&top, &rows, (x_min, x_max))?;
        self.conversion_panel(&bottom, &rows, (x_min, x_max))
    }
}

impl Thresholds<'_> {
    /// Top: MQLs a month (mean and busiest month) against capacity.
    fn volume_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&ThresholdRow],
        (x_min, x_max): (f64, f64),
    ) -> Drawn {
        let c = &self.b.constraints;
        let rec = self.b.recommendation.threshold;
        let y_max = rows
            .iter()
            .map(|r| r.busiest_month_mqls as f64)
            .fold(c.capacity_per_month * 1.3, f64::max)
            * 1.05;
        let mut volume = ChartBuilder::on(panel)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(
            &mut volume,
            "",
            "MQLs per month",
            &|v| format!("{v:.0}"),
            &|v| format!("{v:.0}"),
        )?;
        volume
            .draw_series(LineSeries::new(
                rows.iter()
                    .map(|r| (r.threshold as f64, r.busiest_month_mqls as f64)),
                HOLDOUT.mix(0.35).stroke_width(2),
            ))
            .map_err(err)?
            .label("busiest month")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.mix(0.35).stroke_width(2))
            });
        volume
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (r.threshold as f64, r.mqls_per_month)),
                HOLDOUT.stroke_width(4),
            ))
            .map_err(err)?
            .label("MQLs a month (mean)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        volume
            .draw_series(DashedLineSeries::new(
                vec![(x_min, c.capacity_per_month), (x_max, c.capacity_per_month)],
                12,
                8,
                CAPACITY.stroke_width(3),
            ))
            .map_err(err)?
            .label(format!("capacity: {:.0} a month", c.capacity_per_month))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], CAPACITY.stroke_width(3)));
        volume
            .draw_series(std::iter::once(PathElement::new(
                vec![(rec as f64, 0.0), (rec as f64, y_max)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        volume
            .draw_series(std::iter::once(Text::new(
                format!(" recommended: {rec}"),
                (rec as f64, y_max * 0.93),
                label_font().pos(Pos::new(HPos::Left, VPos::Center)),
            )))
            .map_err(err)?;
        legend(&mut volume, SeriesLabelPosition::UpperRight)
    }

    /// Bottom: conversion with its interval against the target band.
    fn conversion_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        rows: &[&ThresholdRow],
        (x_min, x_max): (f64, f64),
    ) -> Drawn {
        let c = &self.b.constraints;
        let rec = self.b.recommendation.threshold;
        let y_top = rows
            .iter()
            .filter_map(|r| r.conversion_high)
            .fold(c.band.1, f64::max)
            .min(1.0)
            * 1.05;
        let mut conversion = ChartBuilder::on(panel)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_top)
            .map_err(err)?;
        mesh(
            &mut conversion,
            "threshold (score at or above which a lead is an MQL)",
            "MQL conversion to won",
            &|v| format!("{v:.0}"),
            &percent,
        )?;
        conversion
            .draw_series(std::iter::once(Rectangle::new(
                [(x_min, c.band.0), (x_max, c.band.1)],
                BAND.mix(0.15).filled(),
            )))
            .map_err(err)?
            .label(format!(
                "target band {:.0}–{:.0} %",
                100.0 * c.band.0,
                100.0 * c.band.1
            ))
            .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        let upper: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| r.conversion_high.map(|h| (r.threshold as f64, h)))
            .collect();
        let lower: Vec<(f64, f64)> = rows
            .iter()
            .rev()
            .filter_map(|r| r.conversion_low.map(|l| (r.threshold as f64, l)))
            .collect();
        conversion
            .draw_series(std::iter::once(Polygon::new(
                upper.into_iter().chain(lower).collect::<Vec<_>>(),
                HOLDOUT.mix(0.15).filled(),
            )))
            .map_err(err)?
            .label(format!("{:.0} % interval", 100.0 * c.confidence))
            .legend(swatch(RGBColor(0xd2, 0xd8, 0xe3)));
        conversion
            .draw_series(LineSeries::new(
                rows.iter()
                    .filter_map(|r| r.conversion.map(|v| (r.threshold as f64, v))),
                HOLDOUT.stroke_width(4),
            ))
            .map_err(err)?
            .label("conversion")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        conversion
            .draw_series(std::iter::once(PathElement::new(
                vec![(rec as f64, 0.0), (rec as f64, y_top)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        legend(&mut conversion, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}
