//! Comparison: today's model and the recalibrated one on the same holdout.

use mqlcal_backtest::{Backtest, ModelSide};
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::pct;
use super::figure::{err, Drawn, Figure};
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
        let conv = |v: Option<f64>| v.map_or("-".into(), pct);
        format!(
            "Recalibrated: {:.0} MQLs a month converting at {}; today's model: {:.0} at {}",
            c.candidate.mqls_per_month,
            conv(c.candidate.conversion),
            c.current.mqls_per_month,
            conv(c.current.conversion)
        )
    }

    fn caption(&self) -> String {
        "The model in use today and the recalibrated one on the same holdout, each at its own threshold: MQLs a month, conversion with Wilson intervals, and the share of all wins among their MQLs.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let Some(c) = &self.b.comparison else {
            return Ok(());
        };
        let panels = area.split_evenly((1, 3));
        let sides = [
            (&c.current, CURRENT, "today"),
            (&c.candidate, CANDIDATE, "recalibrated"),
        ];
        let names = ["today".to_string(), "recalibrated".to_string()];
        let x_label = move |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        type Measure = fn(&ModelSide) -> Value;
        let measures: [(&str, Measure, bool); 3] = [
            ("MQLs per month", |s| (s.mqls_per_month, None), false),
            (
                "MQL conversion to won",
                |s| {
                    (
                        s.conversion.unwrap_or(0.0),
                        s.conversion_low.zip(s.conversion_high),
                    )
                },
                true,
            ),
            (
                "share of wins captured",
                |s| (s.wins_captured_share.unwrap_or(0.0), None),
                true,
            ),
        ];
        for (panel, (caption, measure, is_share)) in panels.iter().zip(measures) {
            let values: Vec<Value> = sides.iter().map(|(s, _, _)| measure(s)).collect();
            measure_panel(panel, caption, &values, &sides, is_share, &x_label)?;
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
    sides: &[(&ModelSide, RGBColor, &str)],
    is_share: bool,
    x_label: &dyn Fn(&SegmentValue<i32>) -> String,
) -> Drawn {
    let top = values
        .iter()
        .map(|(v, i)| i.map_or(*v, |i| i.1))
        .fold(0.0f64, f64::max);
    let y_max = if is_share {
        (top * 1.25).clamp(0.05, 1.0)
    } else {
        (top * 1.25).max(1.0)
    };
    let mut chart = ChartBuilder::on(panel)
        .margin(20)
        .caption(caption, panel_font())
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d((0..1).into_segmented(), 0.0..y_max)
        .map_err(err)?;
    let y_fmt = move |v: &f64| {
        if is_share {
            percent(v)
        } else {
            format!("{v:.0}")
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .label_style(label_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_label_formatter(x_label)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    for (i, ((v, interval), (_, color, _))) in values.iter().zip(sides).enumerate() {
        let i = i as i32;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .margin(40)
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
        let text = if is_share { pct(*v) } else { format!("{v:.0}") };
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (
                    SegmentValue::CenterOf(i),
                    interval.map_or(*v, |x| x.1) + y_max * 0.03,
                ),
                label_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))
            .map_err(err)?;
    }
    Ok(())
}
