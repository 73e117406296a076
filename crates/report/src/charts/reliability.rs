//! Reliability: predicted win probability against the share that won, in
//! equal-mass groups, with the spread of the predictions beneath.

use mqlcal_backtest::Backtest;
use mqlcal_metrics::ReliabilityGroup;
use mqlcal_scorecard::Model;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{cohorts_short, decided, mesh, plot_rect, rgba, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::{axis_pct, level};
use crate::prepare::Prepared;
use crate::style::*;

/// What the holdout's calibration metrics say, for the title.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Verdict {
    pub hosmer_lemeshow_p: Option<f64>,
    pub slope: Option<f64>,
    pub ece: Option<f64>,
    /// Won / predicted wins over the holdout's groups.
    pub observed_over_predicted: Option<f64>,
    /// Decided holdout leads the groups hold.
    pub leads: usize,
}

/// Hosmer–Lemeshow rejects calibration below this p-value.
const HL_ALPHA: f64 = 0.05;

/// A calibration error this small (ECE, with slope and level near 1) is no miss a
/// reader should act on, whatever a test on a very large holdout says.
const NEGLIGIBLE_ECE: f64 = 0.01;

impl Verdict {
    fn of(model: &Model) -> Verdict {
        let m = model.metrics.get("holdout");
        let groups = m.map(|m| m.reliability.as_slice()).unwrap_or_default();
        let predicted: f64 = groups.iter().map(|g| g.mean_predicted * g.n as f64).sum();
        let won: usize = groups.iter().map(|g| g.wins).sum();
        Verdict {
            hosmer_lemeshow_p: m.map(|m| m.hosmer_lemeshow_10.p_value).filter(|p| p.is_finite()),
            slope: m.and_then(|m| m.calibration_intercept_slope.as_ref()).map(|c| c.slope),
            ece: m.map(|m| m.ece_equal_mass_10),
            observed_over_predicted: (predicted > 0.0).then(|| won as f64 / predicted),
            leads: groups.iter().map(|g| g.n).sum(),
        }
    }

    /// The finding, stated only as far as the tests support it: "match" needs
    /// Hosmer–Lemeshow to pass, slope near 1 and a small ECE; a level that is off
    /// overall is said before the slope.
    pub(super) fn sentence(&self, holdout: &str) -> String {
        let passes = self.hosmer_lemeshow_p.is_some_and(|p| p >= HL_ALPHA);
        let ratio = self.observed_over_predicted.unwrap_or(1.0);
        match (self.slope, self.ece, self.hosmer_lemeshow_p) {
            (Some(s), Some(e), Some(p)) if passes && (0.8..=1.2).contains(&s) && e < 0.05 => format!(
                "Predicted win rates match what happened in {holdout} (Hosmer–Lemeshow p {p:.2}, ECE {:.1} pts)",
                100.0 * e
            ),
            _ if !(0.8..=1.25).contains(&ratio) => format!(
                "Predicted win rates are {:.1}× too {} on {holdout}{}",
                if ratio > 1.0 { ratio } else { 1.0 / ratio },
                if ratio > 1.0 { "low" } else { "high" },
                self.hosmer_lemeshow_p.map_or(String::new(), |p| format!(" (Hosmer–Lemeshow p {p:.3})"))
            ),
            (Some(s), _, _) if s < 0.8 => format!("Over-confident on {holdout}: predictions spread too wide (slope {s:.2})"),
            (Some(s), _, _) if s > 1.2 => format!("Under-confident on {holdout}: predictions too close together (slope {s:.2})"),
            // On hundreds of thousands of leads the test rejects gaps no one could act on: say the size.
            (Some(s), Some(e), Some(p)) if !passes && e < NEGLIGIBLE_ECE && (0.9..=1.1).contains(&s) && (0.95..=1.05).contains(&ratio) => format!(
                "Predicted win rates match {holdout} to within {:.1} pts (ECE); Hosmer–Lemeshow p {p:.3} on {} leads",
                100.0 * e,
                self.leads
            ),
            (_, _, Some(p)) if !passes => format!("Predicted win rates miss what happened in {holdout} (Hosmer–Lemeshow p {p:.3})"),
            (Some(s), Some(e), _) => format!("Calibration on {holdout}: slope {s:.2}, ECE {:.1} pts", 100.0 * e),
            _ => format!("Predicted vs observed win rate ({holdout})"),
        }
    }
}

/// The calibration finding in a sentence, for the report's text.
pub(crate) fn calibration_verdict(model: &Model, b: &Backtest) -> Option<String> {
    model.metrics.get("holdout")?;
    Some(format!("{}.", Verdict::of(model).sentence(&cohorts_short(&b.holdout_cohorts))))
}

pub(super) struct Reliability<'a> {
    b: &'a Backtest,
    training: Vec<ReliabilityGroup>,
    holdout: Vec<ReliabilityGroup>,
    /// (probability, leads) of the decided leads.
    training_probs: Vec<(f64, u64)>,
    holdout_probs: Vec<(f64, u64)>,
    verdict: Verdict,
}

impl<'a> Reliability<'a> {
    pub(super) fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let metrics = |set: &str| p.model.metrics.get(set);
        // Intervals at the report's one level (the config's), not the metrics' 95 %.
        let at_level = |groups: &[ReliabilityGroup]| -> Vec<ReliabilityGroup> {
            groups
                .iter()
                .map(|g| {
                    let (lo, hi) = mqlcal_metrics::wilson_interval(g.wins, g.n, b.constraints.z);
                    ReliabilityGroup { wilson_low: lo, wilson_high: hi, ..g.clone() }
                })
                .collect()
        };
        let probs = |leads: &[crate::LeadScore]| -> Vec<(f64, u64)> {
            decided(leads).filter(|l| l.probability.is_finite()).map(|l| (l.probability, l.leads)).collect()
        };
        Reliability {
            b,
            training: metrics("training").map(|m| at_level(&m.reliability)).unwrap_or_default(),
            holdout: metrics("holdout").map(|m| at_level(&m.reliability)).unwrap_or_default(),
            training_probs: probs(&p.training),
            holdout_probs: probs(&p.holdout),
            verdict: Verdict::of(&p.model),
        }
    }

    /// Both axes: every group's mean and interval inside, with a margin.
    pub(super) fn x_max(&self) -> f64 {
        let top = self
            .training
            .iter()
            .chain(&self.holdout)
            .flat_map(|g| [g.mean_predicted, g.observed_rate, g.wilson_high])
            .fold(0.0f64, f64::max);
        ((top * 1.05 * 10.0).ceil() / 10.0).clamp(0.2, 1.0)
    }
}

impl Figure for Reliability<'_> {
    fn name(&self) -> &'static str {
        "reliability"
    }

    fn title(&self) -> String {
        self.verdict.sentence(&cohorts_short(&self.b.holdout_cohorts))
    }

    fn caption(&self) -> String {
        format!("Each dot is one tenth of the decided leads (equal-mass groups): predicted win probability against the share that won, with {} Wilson intervals; on the diagonal, predictions are right. Beneath: how the predicted probabilities are spread (the last bar holds everything above the axis).", level(self.b.constraints.confidence))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let (top, bottom) = area.split_vertically((area.dim_in_pixel().1 as f64 * 0.68) as u32);
        let x_max = self.x_max();
        self.calibration_panel(&top, x_max, layout)?;
        self.spread_panel(&bottom, x_max, layout)
    }
}

impl Reliability<'_> {
    /// Top: the equal-mass groups of both sets against the diagonal.
    fn calibration_panel<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>, x_max: f64, layout: &mut Layout) -> Drawn {
        let header = Header::new(None)
            .key(Key::Dashed(rgba(INK), 2), "perfect calibration")
            .key(Key::Dot(rgba(TRAINING)), "training cohorts")
            .key(Key::Dot(rgba(HOLDOUT)), "holdout")
            .key(Key::Line(rgba(INK), 2), format!("{} interval", level(self.b.constraints.confidence)));
        let mut chart = plot_area(panel, header.height(panel), 60, 110)
            .build_cartesian_2d(0.0..x_max, 0.0..x_max)
            .map_err(err)?;
        mesh(&mut chart, "predicted win probability", "observed win rate", &axis_pct, &axis_pct)?;
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (x_max, x_max)], 10, 8, INK.stroke_width(2)))
            .map_err(err)?;
        for (groups, color, size) in [(&self.training, TRAINING, 7), (&self.holdout, HOLDOUT, 9)] {
            for g in groups.iter() {
                for y in [g.wilson_low, g.observed_rate, g.wilson_high] {
                    layout.points.push(chart.backend_coord(&(g.mean_predicted, y)));
                }
            }
            chart
                .draw_series(groups.iter().map(|g| {
                    ErrorBar::new_vertical(g.mean_predicted, g.wilson_low, g.observed_rate, g.wilson_high, color.stroke_width(2), 12)
                }))
                .map_err(err)?;
            chart
                .draw_series(groups.iter().map(|g| Circle::new((g.mean_predicted, g.observed_rate), size, color.filled())))
                .map_err(err)?;
        }
        let plot = plot_rect(&chart);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }

    /// Where the predictions fall: share of leads per probability bin.
    fn spread_panel<DB: DrawingBackend>(&self, panel: &DrawingArea<DB, Shift>, x_max: f64, layout: &mut Layout) -> Drawn {
        let bins = 20usize;
        let width = x_max / bins as f64;
        let shares = |probs: &[(f64, u64)]| -> Vec<f64> {
            let mut counts = vec![0u64; bins];
            for &(p, n) in probs {
                counts[((p / width) as usize).min(bins - 1)] += n;
            }
            let total: u64 = probs.iter().map(|p| p.1).sum();
            counts.into_iter().map(|c| c as f64 / total.max(1) as f64).collect()
        };
        let (train, hold) = (shares(&self.training_probs), shares(&self.holdout_probs));
        let y_max = train.iter().chain(&hold).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 1e-9;
        let header = Header::new(None)
            .key(Key::Swatch(TRAINING.mix(0.45)), "training cohorts")
            .key(Key::Line(rgba(HOLDOUT), 2), "holdout (outline)");
        let mut hist = plot_area(panel, header.height(panel), 60, 110)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut hist, "predicted win probability", "share of leads", &axis_pct, &axis_pct)?;
        for (shares, style) in [(&train, TRAINING.mix(0.45).filled()), (&hold, HOLDOUT.stroke_width(2))] {
            layout.points.extend(shares.iter().enumerate().map(|(k, &s)| hist.backend_coord(&((k as f64 + 0.5) * width, s))));
            hist.draw_series(
                shares.iter().enumerate().map(|(k, &s)| Rectangle::new([(k as f64 * width, 0.0), ((k + 1) as f64 * width, s)], style)),
            )
            .map_err(err)?;
        }
        let plot = plot_rect(&hist);
        layout.plots.push(plot);
        header.draw(panel, plot, layout)
    }
}
