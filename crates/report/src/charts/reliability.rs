//! Reliability: predicted win probability against the share that won, in
//! equal-mass groups, with the spread of the predictions beneath.

use mqlcal_backtest::Backtest;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{decided, legend, mesh};
use super::figure::{err, Drawn, Figure};
use crate::prepare::Prepared;
use crate::style::*;

pub(super) struct Reliability<'a> {
    b: &'a Backtest,
    training: Vec<mqlcal_metrics::ReliabilityGroup>,
    holdout: Vec<mqlcal_metrics::ReliabilityGroup>,
    training_probs: Vec<f64>,
    holdout_probs: Vec<f64>,
    slope: Option<f64>,
    ece: Option<f64>,
}

impl<'a> Reliability<'a> {
    pub(super) fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let metrics = |set: &str| p.model.metrics.get(set);
        Reliability {
            b,
            training: metrics("training")
                .map(|m| m.reliability.clone())
                .unwrap_or_default(),
            holdout: metrics("holdout")
                .map(|m| m.reliability.clone())
                .unwrap_or_default(),
            training_probs: decided(&p.training)
                .map(|l| l.probability)
                .filter(|v| v.is_finite())
                .collect(),
            holdout_probs: decided(&p.holdout)
                .map(|l| l.probability)
                .filter(|v| v.is_finite())
                .collect(),
            slope: metrics("holdout")
                .and_then(|m| m.calibration_intercept_slope.as_ref())
                .map(|c| c.slope),
            ece: metrics("holdout").map(|m| m.ece_equal_mass_10),
        }
    }

    fn x_max(&self) -> f64 {
        let top = self
            .training
            .iter()
            .chain(&self.holdout)
            .flat_map(|g| [g.mean_predicted, g.observed_rate])
            .fold(0.0f64, f64::max);
        ((top * 1.1 * 10.0).ceil() / 10.0).clamp(0.2, 1.0)
    }
}

impl Figure for Reliability<'_> {
    fn name(&self) -> &'static str {
        "reliability"
    }

    fn title(&self) -> String {
        let holdout = self.b.holdout_cohorts.join(", ");
        match (self.slope, self.ece) {
            (Some(s), Some(e)) if (0.8..=1.2).contains(&s) && e < 0.05 => {
                format!("Predicted win rates match what happened in {holdout} (slope {s:.2}, ECE {:.1} pts)", 100.0 * e)
            }
            (Some(s), Some(e)) if s < 0.8 => {
                format!("Over-confident on {holdout}: predictions spread too wide (slope {s:.2}, ECE {:.1} pts)", 100.0 * e)
            }
            (Some(s), Some(e)) => format!("Calibration on {holdout}: slope {s:.2}, ECE {:.1} pts; check before trusting probabilities", 100.0 * e),
            _ => format!("Predicted vs observed win rate ({holdout})"),
        }
    }

    fn caption(&self) -> String {
        "Each dot is one tenth of the decided leads (equal-mass groups): predicted win probability against the share that won, with 95 % Wilson intervals; on the diagonal, predictions are right. Beneath: how the predicted probabilities are spread (the last bar holds everything above the axis).".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let (top, bottom) = area.split_vertically((area.dim_in_pixel().1 as f64 * 0.68) as u32);
        let x_max = self.x_max();
        self.calibration_panel(&top, x_max)?;
        self.spread_panel(&bottom, x_max)
    }
}

impl Reliability<'_> {
    /// Top: the equal-mass groups of both sets against the diagonal.
    fn calibration_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        x_max: f64,
    ) -> Drawn {
        let mut chart = ChartBuilder::on(panel)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x_max, 0.0..x_max)
            .map_err(err)?;
        mesh(
            &mut chart,
            "predicted win probability",
            "observed win rate",
            &percent,
            &percent,
        )?;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (x_max, x_max)],
                10,
                8,
                INK.stroke_width(2),
            ))
            .map_err(err)?
            .label("perfect calibration")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(2)));
        for (groups, color, label, size) in [
            (&self.training, TRAINING, "training cohorts", 7),
            (&self.holdout, HOLDOUT, "holdout", 9),
        ] {
            chart
                .draw_series(groups.iter().map(|g| {
                    ErrorBar::new_vertical(
                        g.mean_predicted,
                        g.wilson_low,
                        g.observed_rate,
                        g.wilson_high,
                        color.stroke_width(2),
                        12,
                    )
                }))
                .map_err(err)?;
            chart
                .draw_series(groups.iter().map(|g| {
                    Circle::new((g.mean_predicted, g.observed_rate), size, color.filled())
                }))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 11, y), 7, color.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }

    /// Where the predictions fall: share of leads per probability bin.
    fn spread_panel<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        x_max: f64,
    ) -> Drawn {
        let bins = 20usize;
        let width = x_max / bins as f64;
        let shares = |probs: &[f64]| -> Vec<f64> {
            let mut counts = vec![0usize; bins];
            for &p in probs {
                counts[((p / width) as usize).min(bins - 1)] += 1;
            }
            counts
                .into_iter()
                .map(|c| c as f64 / probs.len().max(1) as f64)
                .collect()
        };
        let (train, hold) = (shares(&self.training_probs), shares(&self.holdout_probs));
        let y_max = train.iter().chain(&hold).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 1e-9;
        let mut hist = ChartBuilder::on(panel)
            .margin(20)
            .margin_top(0)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(
            &mut hist,
            "predicted win probability",
            "share of leads",
            &percent,
            &percent,
        )?;
        hist.draw_series(train.iter().enumerate().map(|(k, &s)| {
            Rectangle::new(
                [(k as f64 * width, 0.0), ((k + 1) as f64 * width, s)],
                TRAINING.mix(0.45).filled(),
            )
        }))
        .map_err(err)?;
        hist.draw_series(hold.iter().enumerate().map(|(k, &s)| {
            Rectangle::new(
                [(k as f64 * width, 0.0), ((k + 1) as f64 * width, s)],
                HOLDOUT.stroke_width(2),
            )
        }))
        .map_err(err)?;
        Ok(())
    }
}
