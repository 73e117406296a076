//! Stability: the walk-forward, cohort by cohort (AUC, conversion, MQLs a month).

use mqlcal_backtest::Backtest;
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{legend, swatch};
use super::figure::{err, Drawn, Figure};
use crate::style::*;

pub(super) struct Stability<'a> {
    pub(super) b: &'a Backtest,
}

impl Figure for Stability<'_> {
    fn name(&self) -> &'static str {
        "stability"
    }

    fn title(&self) -> String {
        let aucs: Vec<f64> = self.b.walk_forward.iter().filter_map(|w| w.auc).collect();
        let lo = aucs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = aucs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if aucs.is_empty() {
            return "Walk-forward: no cohort with both outcomes".into();
        }
        format!(
            "Out of time, AUC held between {lo:.2} and {hi:.2} over {} quarters refitted in turn",
            aucs.len()
        )
    }

    fn caption(&self) -> String {
        "Walk-forward: each cohort scored by a model fitted on all earlier cohorts. Left: ROC AUC. Middle and right: conversion and MQLs a month at the threshold chosen on that cohort, and at the threshold chosen on the cohort before (carried forward).".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let panels = area.split_evenly((3, 1));
        let cohorts: Vec<String> = self
            .b
            .walk_forward
            .iter()
            .map(|w| w.cohort.clone())
            .collect();
        let x_label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => cohorts.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        self.auc_panel(&panels[0], &x_label)?;
        self.conversion_panel(&panels[1], &x_label)?;
        self.volume_panel(&panels[2], &x_label)
    }
}

/// The x axis of every panel: one segment per walk-forward cohort.
type CohortLabel<'a> = &'a dyn Fn(&SegmentValue<i32>) -> String;

fn at(i: usize) -> SegmentValue<i32> {
    SegmentValue::CenterOf(i as i32)
}

impl Stability<'_> {
    fn auc_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        x_label: CohortLabel,
    ) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let aucs: Vec<f64> = steps.iter().filter_map(|w| w.auc).collect();
        let lo = (aucs.iter().copied().fold(1.0f64, f64::min) - 0.05).max(0.5);
        let hi = (aucs.iter().copied().fold(0.0f64, f64::max) + 0.05).min(1.0);
        let mut auc = ChartBuilder::on(panel)
            .margin(20)
            .caption("ROC AUC", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), lo..hi)
            .map_err(err)?;
        auc.configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(x_label)
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(err)?;
        let pts: Vec<(SegmentValue<i32>, f64)> = steps
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.auc.map(|a| (at(i), a)))
            .collect();
        auc.draw_series(LineSeries::new(pts.clone(), HOLDOUT.stroke_width(3)))
            .map_err(err)?;
        auc.draw_series(pts.into_iter().map(|p| Circle::new(p, 8, HOLDOUT.filled())))
            .map_err(err)?;
        Ok(())
    }

    fn conversion_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        x_label: CohortLabel,
    ) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let band = self.b.constraints.band;
        let values: Vec<f64> = steps
            .iter()
            .flat_map(|w| [w.conversion, w.carried_conversion])
            .flatten()
            .collect();
        let c_max = (values.iter().copied().fold(band.1, f64::max) + 0.05).min(1.0);
        let c_min = (values.iter().copied().fold(band.0, f64::min) - 0.1).max(0.0);
        let mut conv = ChartBuilder::on(panel)
            .margin(20)
            .caption("MQL conversion to won", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), c_min..c_max)
            .map_err(err)?;
        conv.configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(x_label)
            .y_label_formatter(&percent)
            .draw()
            .map_err(err)?;
        conv.draw_series(std::iter::once(Rectangle::new(
            [
                (SegmentValue::Exact(0), band.0),
                (SegmentValue::Exact(n), band.1),
            ],
            BAND.mix(0.15).filled(),
        )))
        .map_err(err)?
        .label("target band")
        .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        let chosen: Vec<(SegmentValue<i32>, f64)> = steps
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.conversion.map(|c| (at(i), c)))
            .collect();
        let carried: Vec<(SegmentValue<i32>, f64)> = steps
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.carried_conversion.map(|c| (at(i), c)))
            .collect();
        conv.draw_series(LineSeries::new(chosen.clone(), HOLDOUT.stroke_width(3)))
            .map_err(err)?
            .label("threshold chosen on the cohort")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(3)));
        conv.draw_series(
            chosen
                .into_iter()
                .map(|p| Circle::new(p, 8, HOLDOUT.filled())),
        )
        .map_err(err)?;
        conv.draw_series(DashedLineSeries::new(
            carried.clone(),
            10,
            6,
            LOST.stroke_width(3),
        ))
        .map_err(err)?
        .label("threshold carried from the cohort before")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], LOST.stroke_width(3)));
        conv.draw_series(
            carried
                .into_iter()
                .map(|p| Circle::new(p, 7, LOST.filled())),
        )
        .map_err(err)?;
        legend(&mut conv, SeriesLabelPosition::LowerRight)
    }

    fn volume_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        x_label: CohortLabel,
    ) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let cap = self.b.constraints.capacity_per_month;
        let v_max = steps
            .iter()
            .flat_map(|w| [w.mqls_per_month, w.carried_mqls_per_month])
            .fold(cap, f64::max)
            * 1.25;
        let mut volume = ChartBuilder::on(panel)
            .margin(20)
            .caption("MQLs per month", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), 0.0..v_max)
            .map_err(err)?;
        volume
            .configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(x_label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        volume
            .draw_series(std::iter::once(PathElement::new(
                vec![(SegmentValue::Exact(0), cap), (SegmentValue::Exact(n), cap)],
                CAPACITY.stroke_width(3),
            )))
            .map_err(err)?
            .label(format!("capacity {cap:.0}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], CAPACITY.stroke_width(3)));
        let chosen: Vec<(SegmentValue<i32>, f64)> = steps
            .iter()
            .enumerate()
            .map(|(i, w)| (at(i), w.mqls_per_month))
            .collect();
        let carried: Vec<(SegmentValue<i32>, f64)> = steps
            .iter()
            .enumerate()
            .map(|(i, w)| (at(i), w.carried_mqls_per_month))
            .collect();
        volume
            .draw_series(LineSeries::new(chosen.clone(), HOLDOUT.stroke_width(3)))
            .map_err(err)?;
        volume
            .draw_series(
                chosen
                    .into_iter()
                    .map(|p| Circle::new(p, 8, HOLDOUT.filled())),
            )
            .map_err(err)?;
        volume
            .draw_series(DashedLineSeries::new(
                carried.clone(),
                10,
                6,
                LOST.stroke_width(3),
            ))
            .map_err(err)?;
        volume
            .draw_series(
                carried
                    .into_iter()
                    .map(|p| Circle::new(p, 7, LOST.filled())),
            )
            .map_err(err)?;
        legend(&mut volume, SeriesLabelPosition::LowerRight)
    }
}
