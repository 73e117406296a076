//! Gains and lift: the share of wins among the top-scored leads, and their
//! conversion over the base rate.

use mqlcal_backtest::Backtest;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{legend, mesh};
use super::figure::{err, Drawn, Figure};
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

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
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
        self.gains_panel(&left, &points, rec_point)?;
        lift_panel(&right, &points, rec_point)
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
    ) -> Drawn {
        let mut gains = ChartBuilder::on(panel)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .map_err(err)?;
        mesh(
            &mut gains,
            "share of leads, highest scores first",
            "share of wins captured",
            &percent,
            &percent,
        )?;
        gains
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                10,
                8,
                TRAINING.stroke_width(2),
            ))
            .map_err(err)?
            .label("random order")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], TRAINING.stroke_width(2)));
        gains
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.1)),
                HOLDOUT.stroke_width(4),
            ))
            .map_err(err)?
            .label("by score")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        gains
            .draw_series(std::iter::once(Circle::new(
                (rec_point.0, rec_point.1),
                10,
                INK.filled(),
            )))
            .map_err(err)?
            .label(format!("threshold {}", self.b.recommendation.threshold))
            .legend(|(x, y)| Circle::new((x + 11, y), 7, INK.filled()));
        legend(&mut gains, SeriesLabelPosition::LowerRight)
    }
}

/// Right: lift over the base rate, with the recommended threshold.
fn lift_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    points: &[Point],
    rec_point: Point,
) -> Drawn {
    let lift_max = points
        .iter()
        .filter(|p| p.0 >= 0.01)
        .map(|p| p.2)
        .filter(|v| v.is_finite())
        .fold(1.5f64, f64::max)
        * 1.1;
    let mut lift = ChartBuilder::on(panel)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..1.0, 0.0..lift_max)
        .map_err(err)?;
    mesh(
        &mut lift,
        "share of leads, highest scores first",
        "lift over the base rate",
        &percent,
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
    lift.draw_series(LineSeries::new(
        points
            .iter()
            .filter(|p| p.2.is_finite() && p.0 >= 0.01)
            .map(|p| (p.0, p.2)),
        HOLDOUT.stroke_width(4),
    ))
    .map_err(err)?;
    lift.draw_series(std::iter::once(Circle::new(
        (rec_point.0, rec_point.2),
        10,
        INK.filled(),
    )))
    .map_err(err)?;
    Ok(())
}
