//! Fit × engagement: holdout leads in quintile bands of both scores, with
//! the MQL boundary.

use mqlcal_backtest::Backtest;
use mqlcal_features::Outcome;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::pct;
use super::figure::{err, Drawn, Figure};
use crate::prepare::{LeadScore, Prepared};
use crate::style::*;

pub(super) struct Matrix<'a> {
    b: &'a Backtest,
    leads: Vec<LeadScore>,
    base_points: i64,
}

impl<'a> Matrix<'a> {
    pub(super) fn new(p: &Prepared, b: &'a Backtest) -> Self {
        Matrix {
            b,
            leads: p.holdout.clone(),
            base_points: p.model.base_points,
        }
    }

    /// Band edges: quintiles of the distinct scores leads have, as [lo, hi) ranges.
    fn edges(values: Vec<i64>) -> Vec<i64> {
        let mut sorted = values;
        sorted.sort_unstable();
        let mut edges: Vec<i64> = (0..=5)
            .map(|q| sorted[((q * (sorted.len() - 1)) / 5).min(sorted.len() - 1)])
            .collect();
        if let Some(last) = edges.last_mut() {
            *last += 1;
        }
        edges.dedup();
        if edges.len() < 2 {
            edges.push(edges[0] + 1);
        }
        edges
    }

    /// (fit band, engagement band) → (leads, won, decided, MQLs).
    fn cells(&self, fit_edges: &[i64], eng_edges: &[i64]) -> Vec<Vec<(u64, u64, u64, u64)>> {
        let band = |edges: &[i64], v: i64| {
            edges
                .partition_point(|&e| e <= v)
                .saturating_sub(1)
                .min(edges.len() - 2)
        };
        let mut cells =
            vec![vec![(0u64, 0u64, 0u64, 0u64); eng_edges.len() - 1]; fit_edges.len() - 1];
        for l in &self.leads {
            let cell = &mut cells[band(fit_edges, l.fit)][band(eng_edges, l.engagement)];
            cell.0 += 1;
            cell.3 += u64::from(l.mql);
            if l.outcome != Outcome::Open {
                cell.2 += 1;
                cell.1 += u64::from(l.outcome == Outcome::Won);
            }
        }
        cells
    }
}

impl Figure for Matrix<'_> {
    fn name(&self) -> &'static str {
        "fit_engagement"
    }

    fn title(&self) -> String {
        if self.leads.is_empty() {
            return "Fit × engagement".into();
        }
        let fit_edges = Self::edges(self.leads.iter().map(|l| l.fit).collect());
        let eng_edges = Self::edges(self.leads.iter().map(|l| l.engagement).collect());
        let cells = self.cells(&fit_edges, &eng_edges);
        let rate = |c: (u64, u64, u64, u64)| {
            if c.2 > 0 {
                c.1 as f64 / c.2 as f64
            } else {
                f64::NAN
            }
        };
        let high = cells
            .last()
            .and_then(|r| r.last())
            .copied()
            .unwrap_or_default();
        let low = cells
            .first()
            .and_then(|r| r.first())
            .copied()
            .unwrap_or_default();
        format!(
            "High fit and high engagement win {} of the time; low fit and low engagement {}",
            pct(rate(high)),
            pct(rate(low))
        )
    }

    fn caption(&self) -> String {
        format!(
            "Holdout leads by fit score (who they are) and engagement score (what they did), in quintile bands: leads per cell, the share of decided leads that won, and the share that are MQLs at the recommended threshold. The dashed line is the MQL boundary, fit + engagement = {}.",
            self.b.recommendation.threshold - self.base_points
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        if self.leads.is_empty() {
            return Ok(());
        }
        let fit_edges = Self::edges(self.leads.iter().map(|l| l.fit).collect());
        let eng_edges = Self::edges(self.leads.iter().map(|l| l.engagement).collect());
        let cells = self.cells(&fit_edges, &eng_edges);
        // Equal-size cells: band k spans [k, k+1) on both axes; labels give the score ranges.
        let (nf, ne) = (fit_edges.len() - 1, eng_edges.len() - 1);
        let range = |edges: &[i64], k: usize| format!("{} to {}", edges[k], edges[k + 1] - 1);
        let fit_labels: Vec<String> = (0..nf).map(|k| range(&fit_edges, k)).collect();
        let eng_labels: Vec<String> = (0..ne).map(|k| range(&eng_edges, k)).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(20)
            .x_label_area_size(80)
            .y_label_area_size(170)
            .build_cartesian_2d(0.0..ne as f64, 0.0..nf as f64)
            .map_err(err)?;
        let x_label = |v: &f64| {
            let k = (v - 0.5).round();
            if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 {
                eng_labels.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let y_label = |v: &f64| {
            let k = (v - 0.5).round();
            if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 {
                fit_labels.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(format!(
                "engagement score band (points); dashed: the MQL boundary, score ≥ {}",
                self.b.recommendation.threshold
            ))
            .y_desc("fit score band (points)")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .x_labels(ne * 2 + 1)
            .y_labels(nf * 2 + 1)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()
            .map_err(err)?;
        draw_cells(&mut chart, &cells)?;
        self.draw_boundary(&mut chart, &fit_edges, &eng_edges)
    }
}

type BandChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Each cell shaded by its win rate, with its leads, win rate and MQL share written in.
fn draw_cells<DB: DrawingBackend>(
    chart: &mut BandChart<'_, DB>,
    cells: &[Vec<(u64, u64, u64, u64)>],
) -> Drawn {
    let max_rate = cells
        .iter()
        .flatten()
        .filter(|c| c.2 > 0)
        .map(|c| c.1 as f64 / c.2 as f64)
        .fold(0.01f64, f64::max);
    for (f, row) in cells.iter().enumerate() {
        for (e, &(leads, won, decided, mqls)) in row.iter().enumerate() {
            let rate = if decided > 0 {
                won as f64 / decided as f64
            } else {
                0.0
            };
            let t = rate / max_rate;
            let fill = RGBColor(
                (255.0 - t * (255.0 - WON.0 as f64)) as u8,
                (255.0 - t * (255.0 - WON.1 as f64)) as u8,
                (255.0 - t * (255.0 - WON.2 as f64)) as u8,
            );
            let (x, y) = (e as f64, f as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    fill.filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    WHITE.stroke_width(3),
                )))
                .map_err(err)?;
            let ink = if t > 0.6 { WHITE } else { INK };
            let rate_text = if decided > 0 {
                format!("{} won", pct(rate))
            } else {
                "no decided leads".into()
            };
            chart
                .draw_series([
                    Text::new(
                        format!("{leads} leads"),
                        (x + 0.5, y + 0.72),
                        small_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ),
                    Text::new(
                        rate_text,
                        (x + 0.5, y + 0.5),
                        label_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ),
                    Text::new(
                        format!("{} MQLs", pct(mqls as f64 / leads.max(1) as f64)),
                        (x + 0.5, y + 0.28),
                        small_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ),
                ])
                .map_err(err)?;
        }
    }
    Ok(())
}

/// A score's position on a band axis, where band k spans [k, k+1).
fn to_band(edges: &[i64], v: f64) -> f64 {
    let last = edges.len() - 1;
    if v <= edges[0] as f64 {
        return 0.0;
    }
    if v >= edges[last] as f64 {
        return last as f64;
    }
    let k = edges.partition_point(|&e| (e as f64) <= v) - 1;
    k as f64 + (v - edges[k] as f64) / (edges[k + 1] - edges[k]) as f64
}

impl Matrix<'_> {
    /// MQL boundary fit + engagement = T − base, mapped into band coordinates piecewise-linearly.
    fn draw_boundary<DB: DrawingBackend>(
        &self,
        chart: &mut BandChart<'_, DB>,
        fit_edges: &[i64],
        eng_edges: &[i64],
    ) -> Drawn {
        let nf = fit_edges.len() - 1;
        let boundary = (self.b.recommendation.threshold - self.base_points) as f64;
        let (e_lo, e_hi) = (eng_edges[0] as f64, *eng_edges.last().unwrap_or(&0) as f64);
        let steps = 200;
        let line: Vec<(f64, f64)> = (0..=steps)
            .map(|s| e_lo + (e_hi - e_lo) * s as f64 / steps as f64)
            .map(|eng| (to_band(eng_edges, eng), to_band(fit_edges, boundary - eng)))
            .filter(|&(_, y)| y > 0.0 && y < nf as f64)
            .collect();
        chart
            .draw_series(DashedLineSeries::new(line, 14, 8, INK.stroke_width(4)))
            .map_err(err)?;
        Ok(())
    }
}
