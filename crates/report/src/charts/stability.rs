//! Stability: the walk-forward, cohort by cohort (AUC, conversion, MQLs a month).

use mqlcal_backtest::{Backtest, WalkForwardStep};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{columns_mesh, padded, plot_rect, rgba, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::axis_pct;
use crate::style::*;
use crate::Period;

pub(super) struct Stability<'a> {
    pub(super) b: &'a Backtest,
    pub(super) period: Period,
}

/// The AUC "held" when it stays within this range and above `HELD_FLOOR`.
const HELD_RANGE: f64 = 0.05;
const HELD_FLOOR: f64 = 0.6;

/// At most this many cohort names under an axis; the others are left unnamed.
const MAX_AXIS_NAMES: usize = 12;

/// The title: a claim that the AUC held only when it did.
pub(super) fn title(steps: &[WalkForwardStep], period: Period) -> String {
    let aucs: Vec<f64> = steps.iter().filter_map(|w| w.auc).collect();
    let (Some(&last), false) = (aucs.last(), aucs.is_empty()) else {
        return "Walk-forward: no cohort with both outcomes".into();
    };
    let lo = aucs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = aucs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = period.count(aucs.len());
    if hi - lo <= HELD_RANGE && lo >= HELD_FLOOR {
        format!("Out of time, AUC held between {lo:.2} and {hi:.2} over {span}, each refitted on the ones before")
    } else {
        format!("Out-of-time AUC varied from {lo:.2} to {hi:.2} over {span}; {last:.2} in the latest")
    }
}

impl Figure for Stability<'_> {
    fn name(&self) -> &'static str {
        "stability"
    }

    fn title(&self) -> String {
        title(&self.b.walk_forward, self.period)
    }

    fn caption(&self) -> String {
        let p = self.period.word();
        format!("Walk-forward: each {p} scored by a model fitted on {}. Top: ROC AUC (0.5 is a coin toss). Middle and bottom: conversion and MQLs a month at the threshold chosen on that {p}, and at the threshold chosen on the {p} before (carried forward).", crate::refitted_on(self.period, self.b))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let panels = area.split_evenly((3, 1));
        let cohorts: Vec<String> = self.b.walk_forward.iter().map(|w| w.cohort.clone()).collect();
        // With many cohorts, name every k-th one (always the latest).
        let every = cohorts.len().div_ceil(MAX_AXIS_NAMES).max(1);
        let n = cohorts.len();
        let x_label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) if *i >= 0 && (*i as usize) < n && (n - 1 - *i as usize) % every == 0 => {
                cohorts.get(*i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        self.auc_panel(&panels[0], &x_label, layout)?;
        self.conversion_panel(&panels[1], &x_label, layout)?;
        self.volume_panel(&panels[2], &x_label, layout)
    }
}

/// The x axis of every panel: one segment per walk-forward cohort.
type CohortLabel<'a> = &'a dyn Fn(&SegmentValue<i32>) -> String;

fn at(i: usize) -> SegmentValue<i32> {
    SegmentValue::CenterOf(i as i32)
}

type Series = Vec<(SegmentValue<i32>, f64)>;

impl Stability<'_> {
    /// The AUC axis: every AUC inside it, with a margin (never cut at 0.5).
    pub(super) fn auc_range(&self) -> (f64, f64) {
        let aucs: Vec<f64> = self.b.walk_forward.iter().filter_map(|w| w.auc).collect();
        let lo = aucs.iter().copied().fold(f64::INFINITY, f64::min).min(0.75);
        let hi = aucs.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(lo + 0.05);
        padded(lo, hi, 0.12, 0.0, 1.0)
    }

    fn auc_panel<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>, x_label: CohortLabel, layout: &mut Layout) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let (lo, hi) = self.auc_range();
        let header = Header::new(Some("ROC AUC"));
        let mut auc = plot_area(panel, header.height(panel), 50, 90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), lo..hi)
            .map_err(err)?;
        columns_mesh(&mut auc, x_label, &|v| format!("{v:.2}"))?;
        let pts: Series = steps.iter().enumerate().filter_map(|(i, w)| w.auc.map(|a| (at(i), a))).collect();
        layout.points.extend(pts.iter().map(|p| auc.backend_coord(p)));
        auc.draw_series(LineSeries::new(pts.clone(), HOLDOUT.stroke_width(3))).map_err(err)?;
        auc.draw_series(pts.into_iter().map(|p| Circle::new(p, 7, HOLDOUT.filled()))).map_err(err)?;
        let plot = plot_rect(&auc);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }

    fn conversion_panel<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>, x_label: CohortLabel, layout: &mut Layout) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let band = self.b.constraints.band;
        let values: Vec<f64> = steps.iter().flat_map(|w| [w.conversion, w.carried_conversion]).flatten().collect();
        let hi = values.iter().copied().fold(band.1, f64::max);
        let lo = values.iter().copied().fold(band.0, f64::min);
        let (c_min, c_max) = padded(lo, hi, 0.12, 0.0, 1.0);
        let p = self.period.word();
        let header = Header::new(Some("MQL conversion to won"))
            .key(Key::Swatch(RGBColor(0xc8, 0xe8, 0xde).to_rgba()), "target band")
            .key(Key::Line(rgba(HOLDOUT), 3), format!("threshold chosen on the {p}"))
            .key(Key::Dashed(rgba(LOST), 3), format!("threshold carried from the {p} before"));
        let mut conv = plot_area(panel, header.height(panel), 50, 90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), c_min..c_max)
            .map_err(err)?;
        columns_mesh(&mut conv, x_label, &axis_pct)?;
        conv.draw_series(std::iter::once(Rectangle::new(
            [(SegmentValue::Exact(0), band.0), (SegmentValue::Exact(n), band.1)],
            BAND.mix(0.15).filled(),
        )))
        .map_err(err)?;
        let chosen: Series = steps.iter().enumerate().filter_map(|(i, w)| w.conversion.map(|c| (at(i), c))).collect();
        let carried: Series = steps.iter().enumerate().filter_map(|(i, w)| w.carried_conversion.map(|c| (at(i), c))).collect();
        draw_pair(&mut conv, chosen, carried, layout)?;
        let plot = plot_rect(&conv);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }

    fn volume_panel<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>, x_label: CohortLabel, layout: &mut Layout) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let cap = self.b.constraints.capacity_per_month;
        let v_max = steps.iter().flat_map(|w| [w.mqls_per_month, w.carried_mqls_per_month]).fold(cap, f64::max) * 1.15;
        let header = Header::new(Some("MQLs per month")).key(Key::Line(rgba(CAPACITY), 3), format!("capacity {cap:.0}"));
        let mut volume = plot_area(panel, header.height(panel), 50, 90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), 0.0..v_max)
            .map_err(err)?;
        columns_mesh(&mut volume, x_label, &|v| format!("{v:.0}"))?;
        volume
            .draw_series(std::iter::once(PathElement::new(
                vec![(SegmentValue::Exact(0), cap), (SegmentValue::Exact(n), cap)],
                CAPACITY.stroke_width(3),
            )))
            .map_err(err)?;
        let chosen: Series = steps.iter().enumerate().map(|(i, w)| (at(i), w.mqls_per_month)).collect();
        let carried: Series = steps.iter().enumerate().map(|(i, w)| (at(i), w.carried_mqls_per_month)).collect();
        draw_pair(&mut volume, chosen, carried, layout)?;
        let plot = plot_rect(&volume);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }
}

type CohortChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordi32>, plotters::coord::types::RangedCoordf64>,
>;

/// The chosen threshold's series (solid) and the carried one's (dashed), with their points recorded.
fn draw_pair<DB: DrawingBackend>(chart: &mut CohortChart<'_, DB>, chosen: Series, carried: Series, layout: &mut Layout) -> Drawn {
    layout.points.extend(chosen.iter().chain(&carried).map(|p| chart.backend_coord(p)));
    chart.draw_series(LineSeries::new(chosen.clone(), HOLDOUT.stroke_width(3))).map_err(err)?;
    chart.draw_series(chosen.into_iter().map(|p| Circle::new(p, 7, HOLDOUT.filled()))).map_err(err)?;
    chart.draw_series(DashedLineSeries::new(carried.clone(), 10, 6, LOST.stroke_width(3))).map_err(err)?;
    chart.draw_series(carried.into_iter().map(|p| Circle::new(p, 6, LOST.filled()))).map_err(err)?;
    Ok(())
}
