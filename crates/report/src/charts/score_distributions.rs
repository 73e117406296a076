//! Score distributions: won and lost holdout leads by score, with the
//! recommended threshold.

use mqlcal_backtest::Backtest;
use mqlcal_features::Outcome;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::common::{cohorts_short, median, mesh, plot_rect, rgba, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::axis_pct;
use crate::prepare::Prepared;
use crate::style::*;

pub(super) struct Distributions<'a> {
    b: &'a Backtest,
    /// (score, leads) of the won and of the lost holdout leads.
    won: Vec<(i64, u64)>,
    lost: Vec<(i64, u64)>,
}

impl<'a> Distributions<'a> {
    pub(super) fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let pick = |o: Outcome| {
            p.holdout
                .iter()
                .filter(|l| l.outcome == o)
                .map(|l| (l.total, l.leads))
                .collect()
        };
        Distributions {
            b,
            won: pick(Outcome::Won),
            lost: pick(Outcome::Lost),
        }
    }
}

impl Figure for Distributions<'_> {
    fn name(&self) -> &'static str {
        "score_distributions"
    }

    fn title(&self) -> String {
        format!(
            "Won leads score higher: median {:.0} points vs {:.0} for lost leads ({})",
            median(self.won.clone()),
            median(self.lost.clone()),
            cohorts_short(&self.b.holdout_cohorts)
        )
    }

    fn caption(&self) -> String {
        "Share of won and of lost holdout leads at each score (each outcome sums to 100 %); the line is the recommended threshold.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let all = self.won.iter().chain(&self.lost).map(|s| s.0);
        let lo = all.clone().min().unwrap_or(0) as f64;
        let hi = all.max().unwrap_or(1) as f64 + 1.0;
        let bins = 40usize;
        let width = ((hi - lo) / bins as f64).max(1.0);
        let shares = |scores: &[(i64, u64)]| -> Vec<f64> {
            let mut counts = vec![0u64; bins];
            for &(s, n) in scores {
                counts[(((s as f64 - lo) / width) as usize).min(bins - 1)] += n;
            }
            let total: u64 = scores.iter().map(|s| s.1).sum();
            counts
                .into_iter()
                .map(|c| c as f64 / total.max(1) as f64)
                .collect()
        };
        let (won, lost) = (shares(&self.won), shares(&self.lost));
        let y_max = won.iter().chain(&lost).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 1e-9;
        let rec = self.b.recommendation.threshold as f64;
        let header = Header::new(None)
            .key(Key::Swatch(LOST.mix(0.55)), format!("lost ({})", self.lost.iter().map(|s| s.1).sum::<u64>()))
            .key(Key::Swatch(WON.mix(0.55)), format!("won ({})", self.won.iter().map(|s| s.1).sum::<u64>()))
            .key(Key::Line(rgba(INK), 3), format!("threshold {rec:.0}"));
        let mut chart = plot_area(area, header.height(area), 70, 110)
            .build_cartesian_2d(lo..lo + width * bins as f64, 0.0..y_max)
            .map_err(err)?;
        mesh(
            &mut chart,
            "score (points)",
            "share of leads of that outcome",
            &|v| format!("{v:.0}"),
            &axis_pct,
        )?;
        for (shares, color) in [(&lost, LOST), (&won, WON)] {
            layout.points.extend(
                shares.iter().enumerate().map(|(k, &s)| chart.backend_coord(&(lo + (k as f64 + 0.5) * width, s))),
            );
            chart
                .draw_series(shares.iter().enumerate().map(|(k, &s)| {
                    Rectangle::new([(lo + k as f64 * width, 0.0), (lo + (k + 1) as f64 * width, s)], color.mix(0.55).filled())
                }))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(rec, 0.0), (rec, y_max)], INK.stroke_width(3))))
            .map_err(err)?;
        let plot = plot_rect(&chart);
        layout.plots.push(plot);
        header.draw(area, plot, layout)
    }
}
