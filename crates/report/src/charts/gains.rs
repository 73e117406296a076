//! Gains and lift: the share of wins among the top-scored leads, and their
//! conversion over the base rate.

use mqlcal_backtest::Backtest;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{mesh, plot_rect, rgba, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::axis_pct;
use crate::style::*;

pub(super) struct Gains<'a> {
    pub(super) b: &'a Backtest,
}

impl Figure for Gains<'_> {
    fn name(&self) -> &'static str {
        "gains"
    }

    fn title(&self) -> String {
        let r = self.b.recommended_row();
        format!(
            "The top {:.0} % of leads by score hold {:.0} % of the wins ({:.1}× the base rate)",
            100.0 * r.share_of_leads,
            100.0 * r.wins_captured_share.unwrap_or(0.0),
            r.lift.unwrap_or(0.0)
        )
    }

    fn caption(&self) -> String {
        "Left: cumulative gains, the share of all won holdout leads among the top-scored leads (the diagonal is random order). Right: lift, the conversion of the top-scored leads over the base rate. The dot is the recommended threshold.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        let mut points: Vec<Point> = vec![(0.0, 0.0, f64::NAN)];
        points.extend(
            self.b
                .thresholds
                .iter()
                .filter_map(|r| Some((r.share_of_leads, r.wins_captured_share?, r.lift?))),
        );
        let rec = self.b.recommended_row();
        let rec_point = (
            rec.share_of_leads,
            rec.wins_captured_share.unwrap_or(0.0),
            rec.lift.unwrap_or(0.0),
        );
        self.gains_panel(&left, &points, rec_point, layout)?;
        lift_panel(&right, &points, rec_point, layout)
    }
}

/// (share of leads, share of wins captured, lift) at one threshold.
type Point = (f64, f64, f64);

impl Gains<'_> {
    /// Left: cumulative gains against random order, with the recommended threshold.
    fn gains_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        points: &[Point],
        rec_point: Point,
        layout: &mut Layout,
    ) -> Drawn {
        let header = Header::new(Some("Cumulative gains"))
            .key(Key::Dashed(rgba(TRAINING), 2), "random order")
            .key(Key::Line(rgba(HOLDOUT), 4), "by score")
            .key(Key::Dot(rgba(INK)), format!("threshold {}", self.b.recommendation.threshold));
        let mut gains = plot_area(panel, header.height(panel), 70, 110)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .map_err(err)?;
        mesh(
            &mut gains,
            "share of leads, highest scores first",
            "share of wins captured",
            &axis_pct,
            &axis_pct,
        )?;
        layout.points.extend(points.iter().map(|p| gains.backend_coord(&(p.0, p.1))));
        gains
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                10,
                8,
                TRAINING.stroke_width(2),
            ))
            .map_err(err)?;
        gains
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.1)),
                HOLDOUT.stroke_width(4),
            ))
            .map_err(err)?;
        gains
            .draw_series(std::iter::once(Circle::new(
                (rec_point.0, rec_point.1),
                10,
                INK.filled(),
            )))
            .map_err(err)?;
        let plot = plot_rect(&gains);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }
}

/// Right: lift over the base rate, with the recommended threshold.
fn lift_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    points: &[Point],
    rec_point: Point,
    layout: &mut Layout,
) -> Drawn {
    let header = Header::new(Some("Lift"));
    let lift_max = points
        .iter()
        .filter(|p| p.0 >= 0.01)
        .map(|p| p.2)
        .filter(|v| v.is_finite())
        .fold(rec_point.2.max(1.5), f64::max)
        * 1.1;
    let mut lift = plot_area(panel, header.height(panel), 70, 90)
        .build_cartesian_2d(0.0..1.0, 0.0..lift_max)
        .map_err(err)?;
    mesh(
        &mut lift,
        "share of leads, highest scores first",
        "lift over the base rate",
        &axis_pct,
        &|v| format!("{v:.1}×"),
    )?;
    lift.draw_series(DashedLineSeries::new(
        vec![(0.0, 1.0), (1.0, 1.0)],
        10,
        8,
        TRAINING.stroke_width(2),
    ))
    .map_err(err)?;
    // Below 1 % of the leads the lift is a handful of leads: noise.
    let line: Vec<(f64, f64)> = points.iter().filter(|p| p.2.is_finite() && p.0 >= 0.01).map(|p| (p.0, p.2)).collect();
    layout.points.extend(line.iter().map(|p| lift.backend_coord(p)));
    lift.draw_series(LineSeries::new(line, HOLDOUT.stroke_width(4))).map_err(err)?;
    lift.draw_series(std::iter::once(Circle::new(
        (rec_point.0, rec_point.2),
        10,
        INK.filled(),
    )))
    .map_err(err)?;
    layout.points.push(lift.backend_coord(&(rec_point.0, rec_point.2)));
    let plot = plot_rect(&lift);
    layout.plots.push(plot);
    header.draw(panel, plot, layout)
}
