//! The two-axis rule's matrix: the holdout in the rule's cells (its four
//! quadrants, or its grade cells A1 … D3), each with its leads, conversion,
//! MQL share and route, and the chosen boundary (fit ≥ F and engagement ≥ E).

use mqlcal_backtest::two_axis::{CellRow, TwoAxisBacktest};
use mqlcal_backtest::Backtest;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{band_matrix_mesh, plot_rect, rgba, text_rect, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::pct0;
use crate::style::*;

pub(super) struct TwoAxis<'a> {
    t: &'a TwoAxisBacktest,
}

impl<'a> TwoAxis<'a> {
    pub(super) fn new(b: &'a Backtest) -> Option<Self> {
        b.two_axis.as_ref().map(|t| TwoAxis { t })
    }

    /// The cells as a grid: rows from the lowest fit band up, columns from the lowest engagement band right.
    fn grid(&self) -> Vec<Vec<&'a CellRow>> {
        let cells: &[CellRow] = if self.t.grades.is_empty() { &self.t.quadrants } else { &self.t.grades };
        let columns = cells.iter().filter(|c| c.fit_below == cells[0].fit_below && c.fit_from == cells[0].fit_from).count().max(1);
        // Cells are listed best first (highest fit, then highest engagement): reverse both.
        let mut rows: Vec<Vec<&CellRow>> = cells.chunks(columns).map(|r| r.iter().rev().collect()).collect();
        rows.reverse();
        rows
    }
}

fn rate(c: &CellRow) -> Option<f64> {
    c.outcomes.conversion
}

/// A cell's fill: white at 0 won, the won colour at `max_rate`.
fn shade(rate: f64, max_rate: f64) -> RGBColor {
    let t = (rate / max_rate).clamp(0.0, 1.0);
    let mix = |c: u8| (255.0 - t * (255.0 - f64::from(c))) as u8;
    RGBColor(mix(WON.0), mix(WON.1), mix(WON.2))
}

/// The route most of a cell's leads take.
fn route(c: &CellRow) -> &'static str {
    c.routes.iter().max_by_key(|(r, n)| (**n, std::cmp::Reverse(**r))).map_or("-", |(r, _)| r.as_str())
}

fn range(from: Option<i64>, below: Option<i64>) -> String {
    match (from, below) {
        (Some(a), Some(b)) => format!("{a} to {}", b - 1),
        (Some(a), None) => format!("{a} or more"),
        (None, Some(b)) => format!("below {b}"),
        (None, None) => "all".into(),
    }
}

impl Figure for TwoAxis<'_> {
    fn name(&self) -> &'static str {
        "two_axis"
    }

    fn title(&self) -> String {
        let v = &self.t.versus;
        match v.winner {
            "two_axis" => format!(
                "The two-axis rule captures more wins than one threshold at the same volume ({} against {})",
                pct0(v.intervals.two_axis_wins_captured.estimate),
                pct0(v.intervals.threshold_wins_captured.estimate)
            ),
            "threshold" => format!(
                "One threshold captures more wins than the two-axis rule at the same volume ({} against {})",
                pct0(v.intervals.threshold_wins_captured.estimate),
                pct0(v.intervals.two_axis_wins_captured.estimate)
            ),
            _ => "At the same volume, the two-axis rule and one threshold capture about as many wins".into(),
        }
    }

    fn caption(&self) -> String {
        format!(
            "Holdout leads in the cells of the two-axis rule: leads per cell, the share of decided leads that won (the shade: darker wins more), the share that are MQLs, and where most of the cell's leads go. The dashed line is the chosen boundary, MQLs have fit ≥ {} and engagement ≥ {} (overrides first), drawn along cell edges around the cells wholly inside it; where a minimum falls inside a grade band, the cells it cuts show their MQL share instead.",
            self.t.rule.fit_min, self.t.rule.engagement_min
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        let grid = self.grid();
        let (nf, ne) = (grid.len(), grid.first().map_or(1, Vec::len));
        let max_rate = grid.iter().flatten().filter_map(|c| rate(c)).fold(0.01f64, f64::max);
        let header = Header::new(None)
            .key(Key::Swatch(shade(0.0, max_rate).to_rgba()), "0 % won")
            .key(Key::Swatch(shade(max_rate, max_rate).to_rgba()), format!("{} won", pct0(max_rate)))
            .key(Key::Dashed(rgba(INK), 4), self.boundary_key(&grid));
        let mut chart = plot_area(area, header.height(area), 80, 220)
            .build_cartesian_2d(0.0..ne as f64, 0.0..nf as f64)
            .map_err(err)?;
        let eng_labels: Vec<String> = grid[0].iter().map(|c| range(c.engagement_from, c.engagement_below)).collect();
        let fit_labels: Vec<String> = grid.iter().map(|r| range(r[0].fit_from, r[0].fit_below)).collect();
        band_matrix_mesh(&mut chart, ("engagement score (points)", "fit score (points)"), &eng_labels, &fit_labels)?;
        draw_cells(area, &mut chart, &grid, max_rate, layout)?;
        draw_boundary(&mut chart, &grid, self.t, layout)?;
        let plot = plot_rect(&chart);
        layout.plots.push(plot);
        header.draw(area, plot, layout)
    }
}

type CellChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn draw_cells<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, chart: &mut CellChart<'_, DB>, grid: &[Vec<&CellRow>], max_rate: f64, layout: &mut Layout) -> Drawn {
    for (f, row) in grid.iter().enumerate() {
        for (e, c) in row.iter().enumerate() {
            let r = rate(c).unwrap_or(0.0);
            let (x, y) = (e as f64, f as f64);
            layout.points.push(chart.backend_coord(&(x + 0.5, y + 0.5)));
            chart
                .draw_series([
                    Rectangle::new([(x, y), (x + 1.0, y + 1.0)], shade(r, max_rate).filled()),
                    Rectangle::new([(x, y), (x + 1.0, y + 1.0)], WHITE.stroke_width(3)),
                ])
                .map_err(err)?;
            let ink = if r / max_rate > 0.6 { WHITE } else { INK };
            let won = rate(c).map_or("no decided leads".to_string(), |v| format!("{} won", pct0(v)));
            let texts = [
                (format!("{} → {}", short(&c.cell), route(c)), 0.8, label_font()),
                (format!("{} leads", c.leads), 0.6, small_font()),
                (won, 0.42, label_font()),
                (format!("{} MQLs", pct0(c.mqls as f64 / c.leads.max(1) as f64)), 0.22, small_font()),
            ];
            for (text, dy, font) in texts {
                let pos = Pos::new(HPos::Center, VPos::Center);
                let at = (x + 0.5, y + dy);
                layout.labels.push(text_rect(area, &text, &font, chart.backend_coord(&at), pos));
                chart.draw_series(std::iter::once(Text::new(text, at, font.color(&ink).pos(pos)))).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// "high fit, low engagement" → "high fit, low eng." (grade cells stay as they are).
fn short(cell: &str) -> String {
    cell.replace("engagement", "eng.")
}

impl TwoAxis<'_> {
    /// The dashed line's legend: the rule itself when its minimums are cell edges, else
    /// what the line goes around (the cells a minimum cuts show their MQL share).
    fn boundary_key(&self, grid: &[Vec<&CellRow>]) -> String {
        let (f, e) = (self.t.rule.fit_min, self.t.rule.engagement_min);
        let on_fit_edge = grid.iter().any(|row| row[0].fit_from == Some(f));
        let on_engagement_edge = grid.first().is_some_and(|row| row.iter().any(|c| c.engagement_from == Some(e)));
        if on_fit_edge && on_engagement_edge {
            format!("boundary: fit ≥ {f}, engagement ≥ {e}")
        } else {
            format!("around the cells wholly in fit ≥ {f}, engagement ≥ {e}")
        }
    }
}

/// The boundary along cell edges: a cell is inside when its lowest fit and engagement
/// scores meet the minimums (for grade cells the boundary may cut through a cell; its MQL share shows how).
fn draw_boundary<DB: DrawingBackend>(chart: &mut CellChart<'_, DB>, grid: &[Vec<&CellRow>], t: &TwoAxisBacktest, layout: &mut Layout) -> Drawn {
    let inside = |f: usize, e: usize| {
        grid.get(f).and_then(|r| r.get(e)).is_some_and(|c| {
            c.fit_from.is_some_and(|v| v >= t.rule.fit_min) && c.engagement_from.is_some_and(|v| v >= t.rule.engagement_min)
        })
    };
    let mut segments = Vec::new();
    for f in 0..grid.len() {
        for e in 0..grid[f].len() {
            let (x, y) = (e as f64, f as f64);
            if inside(f, e) && (e == 0 || !inside(f, e - 1)) {
                segments.push(((x, y), (x, y + 1.0)));
            }
            if inside(f, e) && (f == 0 || !inside(f - 1, e)) {
                segments.push(((x, y), (x + 1.0, y)));
            }
        }
    }
    for (a, b) in segments {
        layout.lines.push((chart.backend_coord(&a), chart.backend_coord(&b)));
        chart.draw_series(DashedLineSeries::new(vec![a, b], 14, 8, INK.stroke_width(5))).map_err(err)?;
    }
    Ok(())
}
