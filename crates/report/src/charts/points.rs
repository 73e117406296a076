//! Points per signal: fit signals above engagement signals, largest first.

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{bar_rows_mesh, plot_rect, text_rect, top_down_labels, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::prepare::Prepared;
use crate::style::*;

pub(super) struct Points<'a> {
    pub(super) p: &'a Prepared,
}

impl Points<'_> {
    /// Fit signals first, then engagement; each by points, largest first.
    fn rows(&self) -> Vec<(String, i64, mqlcal_scorecard::Axis)> {
        let mut rows: Vec<(String, i64, mqlcal_scorecard::Axis)> = self
            .p
            .model
            .signals
            .iter()
            .map(|s| (s.name.clone(), s.points, s.axis))
            .collect();
        rows.sort_by(|a, b| {
            let group =
                |x: mqlcal_scorecard::Axis| u8::from(x == mqlcal_scorecard::Axis::Engagement);
            group(a.2)
                .cmp(&group(b.2))
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        rows
    }
}

impl Figure for Points<'_> {
    fn name(&self) -> &'static str {
        "points"
    }

    fn title(&self) -> String {
        let rows = self.rows();
        let top = rows.iter().max_by_key(|r| r.1);
        let bottom = rows.iter().min_by_key(|r| r.1);
        match (top, bottom) {
            (Some(t), Some(b)) if b.1 < 0 => format!(
                "{} earns the most points (+{}); {} costs the most ({})",
                t.0, t.1, b.0, b.1
            ),
            (Some(t), _) => format!("{} earns the most points (+{})", t.0, t.1),
            _ => "Points per signal".into(),
        }
    }

    fn caption(&self) -> String {
        "Points per unit of each signal (per event, per level or bin), fit signals (who the lead is) above engagement signals (what the lead did); red bars take points away.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let rows = self.rows();
        let n = rows.len() as i32;
        let lo = rows.iter().map(|r| r.1).min().unwrap_or(0).min(0) as f64;
        let hi = rows.iter().map(|r| r.1).max().unwrap_or(0).max(0) as f64;
        let pad = (hi - lo).max(10.0) * 0.08;
        // Rows top to bottom: segment n-1-k holds row k.
        let label = top_down_labels(rows.iter().map(|r| r.0.clone()).collect());
        let header = Header::new(None)
            .key(Key::Swatch(FIT.to_rgba()), "fit: who the lead is")
            .key(Key::Swatch(ENGAGEMENT.to_rgba()), "engagement: what the lead did")
            .key(Key::Swatch(NEGATIVE.to_rgba()), "negative points");
        let mut chart = plot_area(area, header.height(area), 60, 330)
            .build_cartesian_2d(lo - pad..hi + pad, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        bar_rows_mesh(&mut chart, rows.len(), "points", &label, &|v| format!("{v:+.0}"))?;
        for (k, (_, points, axis)) in rows.iter().enumerate() {
            draw_bar(area, &mut chart, n - 1 - k as i32, (*points, *axis), pad, layout)?;
        }
        // The line between the fit group (above) and the engagement group (below).
        let fit_rows = rows
            .iter()
            .filter(|r| r.2 == mqlcal_scorecard::Axis::Fit)
            .count() as i32;
        if fit_rows > 0 && fit_rows < n {
            let y = SegmentValue::Exact(n - fit_rows);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(lo - pad, y.clone()), (hi + pad, y)],
                    INK.stroke_width(2),
                )))
                .map_err(err)?;
        }
        let plot = plot_rect(&chart);
        layout.plots.push(plot);
        header.draw(area, plot, layout)
    }
}

type RowChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>;

fn bar_color(points: i64, axis: mqlcal_scorecard::Axis) -> RGBColor {
    if points < 0 {
        NEGATIVE
    } else if axis == mqlcal_scorecard::Axis::Fit {
        FIT
    } else {
        ENGAGEMENT
    }
}

/// One signal's bar in segment `seg`, outlined in white, with its points written beside it.
fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut RowChart<'_, DB>,
    seg: i32,
    (points, axis): (i64, mqlcal_scorecard::Axis),
    pad: f64,
    layout: &mut Layout,
) -> Drawn {
    let (a, b) = (0.0f64.min(points as f64), 0.0f64.max(points as f64));
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [
                (a, SegmentValue::Exact(seg)),
                (b, SegmentValue::Exact(seg + 1)),
            ],
            bar_color(points, axis).filled(),
        )))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [
                (a, SegmentValue::Exact(seg)),
                (b, SegmentValue::Exact(seg + 1)),
            ],
            WHITE.stroke_width(3),
        )))
        .map_err(err)?;
    let (x, anchor) = if points < 0 {
        (a - pad * 0.1, HPos::Right)
    } else {
        (b + pad * 0.1, HPos::Left)
    };
    let at = (x, SegmentValue::CenterOf(seg));
    let pos = Pos::new(anchor, VPos::Center);
    let text = format!("{points:+}");
    layout.points.push(chart.backend_coord(&(points as f64, SegmentValue::CenterOf(seg))));
    layout.labels.push(text_rect(area, &text, &small_font(), chart.backend_coord(&at), pos));
    chart
        .draw_series(std::iter::once(Text::new(text, at, small_font().pos(pos))))
        .map_err(err)?;
    Ok(())
}
