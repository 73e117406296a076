//! Comparison: today's model and the recalibrated one on the same holdout.

use mqlcal_backtest::{Backtest, ModelSide};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{columns_mesh, plot_rect, text_rect, Header, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::{axis_pct, level, pct0, per_month};
use crate::style::*;

pub(super) struct Comparison<'a> {
    pub(super) b: &'a Backtest,
}

impl Figure for Comparison<'_> {
    fn name(&self) -> &'static str {
        "comparison"
    }

    fn title(&self) -> String {
        let Some(c) = &self.b.comparison else {
            return String::new();
        };
        let conv = |v: Option<f64>| v.map_or("-".into(), pct0);
        format!(
            "At the same volume ({} MQLs a month), recalibrated MQLs convert at {}, today's model's at {}",
            per_month(c.candidate.mqls_per_month),
            conv(c.candidate.outcomes.conversion),
            conv(c.equal_volume.current.outcomes.conversion)
        )
    }

    fn caption(&self) -> String {
        format!("The model in use today and the recalibrated one on the same holdout: today's model at its own threshold, today's model at the threshold that sends as many MQLs as the recalibrated one (equal volume), and the recalibrated model. MQLs a month, conversion with {} Wilson intervals, and the share of all wins among their MQLs.", level(self.b.constraints.confidence))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let Some(c) = &self.b.comparison else {
            return Ok(());
        };
        let panels = area.split_evenly((1, 3));
        let sides = [
            (&c.current, CURRENT.mix(0.55)),
            (&c.equal_volume.current, CURRENT.to_rgba()),
            (&c.candidate, CANDIDATE.to_rgba()),
        ];
        let names = [
            format!("today at {}", c.current.threshold),
            format!("today at {}", c.equal_volume.current.threshold),
            format!("new at {}", c.candidate.threshold),
        ];
        let x_label = move |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        type Measure = fn(&ModelSide) -> Value;
        let measures: [(&str, Measure, bool); 3] = [
            ("MQLs per month", |s| (s.mqls_per_month, None), false),
            (
                "MQL conversion to won",
                |s| (s.outcomes.conversion.unwrap_or(0.0), s.outcomes.conversion_low.zip(s.outcomes.conversion_high)),
                true,
            ),
            ("share of wins captured", |s| (s.wins_captured_share.unwrap_or(0.0), None), true),
        ];
        for (panel, (caption, measure, is_share)) in panels.iter().zip(measures) {
            let values: Vec<Value> = sides.iter().map(|(s, _)| measure(s)).collect();
            let colors: Vec<RGBAColor> = sides.iter().map(|(_, c)| *c).collect();
            measure_panel(panel, caption, &values, &colors, is_share, &x_label, layout)?;
        }
        Ok(())
    }
}

/// A measure of one model, with its interval when it has one.
type Value = (f64, Option<(f64, f64)>);

/// One measure, a bar per model with its value written above (and its interval, if any).
fn measure_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    caption: &str,
    values: &[Value],
    colors: &[RGBAColor],
    is_share: bool,
    x_label: &dyn Fn(&SegmentValue<i32>) -> String,
    layout: &mut Layout,
) -> Drawn {
    let header = Header::new(Some(caption));
    let top = values
        .iter()
        .map(|(v, i)| i.map_or(*v, |i| i.1))
        .fold(0.0f64, f64::max);
    let y_max = if is_share {
        (top * 1.25).clamp(0.05, 1.2)
    } else {
        (top * 1.25).max(1.0)
    };
    let last = values.len() as i32 - 1;
    let mut chart = plot_area(panel, header.height(panel), 60, 90)
        .build_cartesian_2d((0..last.max(0)).into_segmented(), 0.0..y_max)
        .map_err(err)?;
    let y_fmt = move |v: &f64| {
        if is_share {
            axis_pct(v)
        } else {
            format!("{v:.0}")
        }
    };
    columns_mesh(&mut chart, x_label, &y_fmt)?;
    for (i, ((v, interval), color)) in values.iter().zip(colors).enumerate() {
        let i = i as i32;
        layout.points.push(chart.backend_coord(&(SegmentValue::CenterOf(i), *v)));
        if let Some((lo, hi)) = interval {
            layout.points.push(chart.backend_coord(&(SegmentValue::CenterOf(i), *lo)));
            layout.points.push(chart.backend_coord(&(SegmentValue::CenterOf(i), *hi)));
        }
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .margin(30)
                    .style(color.filled())
                    .data(std::iter::once((i, *v))),
            )
            .map_err(err)?;
        if let Some((lo, hi)) = interval {
            chart
                .draw_series(std::iter::once(ErrorBar::new_vertical(
                    SegmentValue::CenterOf(i),
                    *lo,
                    *v,
                    *hi,
                    INK.stroke_width(3),
                    24,
                )))
                .map_err(err)?;
        }
        let text = if is_share { pct0(*v) } else { format!("{v:.0}") };
        let at = (SegmentValue::CenterOf(i), interval.map_or(*v, |x| x.1) + y_max * 0.03);
        let pos = Pos::new(HPos::Center, VPos::Bottom);
        layout.labels.push(text_rect(panel, &text, &label_font(), chart.backend_coord(&at), pos));
        chart
            .draw_series(std::iter::once(Text::new(text, at, label_font().pos(pos))))
            .map_err(err)?;
    }
    let plot = plot_rect(&chart);
    layout.plots.push(plot);
    header.draw(panel, plot, layout)
}
