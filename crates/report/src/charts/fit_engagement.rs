//! Fit × engagement: holdout leads in quintile bands of both scores, with
//! the MQL boundary.

use mqlcal_backtest::Backtest;
use mqlcal_features::Outcome;
use mqlcal_scorecard::Axis;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{band_matrix_mesh, plot_rect, rgba, text_rect, Header, Key, Layout};
use super::figure::{err, plot_area, Drawn, Figure};
use crate::numbers::pct0;
use crate::prepare::{LeadScore, Prepared};
use crate::style::*;

pub(super) struct Matrix<'a> {
    b: &'a Backtest,
    leads: Vec<LeadScore>,
    /// Whether the model has signals on each axis ([fit, engagement]).
    axes: [bool; 2],
}

impl<'a> Matrix<'a> {
    pub(super) fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let has = |axis| p.model.signals.iter().any(|s| s.axis == axis);
        Matrix {
            b,
            leads: p.holdout.clone(),
            axes: [has(Axis::Fit), has(Axis::Engagement)],
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
    fn cells(&self, fit_edges: &[i64], eng_edges: &[i64]) -> Vec<Vec<Cell>> {
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
            cell.0 += l.leads;
            cell.3 += u64::from(l.mql) * l.leads;
            if l.outcome != Outcome::Open {
                cell.2 += l.leads;
                cell.1 += u64::from(l.outcome == Outcome::Won) * l.leads;
            }
        }
        cells
    }
}

/// A band claim needs at least this many decided leads in the cell.
const MIN_DECIDED: u64 = 20;

fn rate(c: Cell) -> Option<f64> {
    (c.2 >= MIN_DECIDED).then(|| c.1 as f64 / c.2 as f64)
}

/// (leads, won, decided, MQLs) of one cell.
type Cell = (u64, u64, u64, u64);

impl Matrix<'_> {
    fn grid(&self) -> (Vec<i64>, Vec<i64>, Vec<Vec<Cell>>) {
        let fit_edges = Self::edges(self.leads.iter().map(|l| l.fit).collect());
        let eng_edges = Self::edges(self.leads.iter().map(|l| l.engagement).collect());
        let cells = self.cells(&fit_edges, &eng_edges);
        (fit_edges, eng_edges, cells)
    }
}

/// The title: the corner cells' win rates, on the axes that vary (`axes`: the
/// model has fit / engagement signals), when the cells hold enough decided leads.
pub(super) fn title(axes: [bool; 2], cells: &[Vec<Cell>]) -> String {
    let corner = |row: Option<&Vec<Cell>>, last: bool| {
        row.and_then(|r| if last { r.last() } else { r.first() }).copied().unwrap_or_default()
    };
    let (high, low) = (corner(cells.last(), true), corner(cells.first(), false));
    let fit_varies = cells.len() > 1;
    let eng_varies = cells.first().is_some_and(|r| r.len() > 1);
    let none = |has: bool, axis: &str| {
        if has {
            format!("{axis} is the same for every lead")
        } else {
            format!("No {} signals", axis.to_lowercase())
        }
    };
    match (fit_varies, eng_varies, rate(high), rate(low)) {
        (true, true, Some(h), Some(l)) => format!(
            "High fit and high engagement win {} of the time; low fit and low engagement {}",
            pct0(h),
            pct0(l)
        ),
        (true, false, Some(h), Some(l)) => format!(
            "{}: the highest fit band wins {}, the lowest {}",
            none(axes[1], "Engagement"),
            pct0(h),
            pct0(l)
        ),
        (false, true, Some(h), Some(l)) => format!(
            "{}: the most engaged band wins {}, the least {}",
            none(axes[0], "Fit"),
            pct0(h),
            pct0(l)
        ),
        _ => "Win rate by fit and engagement band".into(),
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
        let (_, _, cells) = self.grid();
        title(self.axes, &cells)
    }

    fn caption(&self) -> String {
        format!(
            "Holdout leads by fit score (who they are) and engagement score (what they did), in quintile bands: leads per cell, the share of decided leads that won (the shade: darker wins more), and the share that are MQLs at threshold {}. The dashed line runs along the cell edges between cells where most leads are MQLs and the rest.",
            self.b.recommendation.threshold
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn {
        if self.leads.is_empty() {
            return Ok(());
        }
        let (fit_edges, eng_edges, cells) = self.grid();
        // Equal-size cells: band k spans [k, k+1) on both axes; labels give the score ranges.
        let (nf, ne) = (fit_edges.len() - 1, eng_edges.len() - 1);
        let range = |edges: &[i64], k: usize, has: bool, axis: &str| match (edges.len(), edges[k + 1] - edges[k]) {
            (2, _) if !has => format!("all leads (no {axis} signals)"),
            (_, 1) => format!("{}", edges[k]),
            _ => format!("{} to {}", edges[k], edges[k + 1] - 1),
        };
        let fit_labels: Vec<String> = (0..nf).map(|k| range(&fit_edges, k, self.axes[0], "fit")).collect();
        let eng_labels: Vec<String> = (0..ne).map(|k| range(&eng_edges, k, self.axes[1], "engagement")).collect();
        let max_rate = max_rate(&cells);
        let header = Header::new(None)
            .key(Key::Swatch(shade(0.0, max_rate).to_rgba()), "0 % won")
            .key(Key::Swatch(shade(max_rate / 2.0, max_rate).to_rgba()), format!("{} won", pct0(max_rate / 2.0)))
            .key(Key::Swatch(shade(max_rate, max_rate).to_rgba()), format!("{} won or more", pct0(max_rate)))
            .key(Key::Dashed(rgba(INK), 4), "MQL boundary: most leads above and right are MQLs");
        let mut chart = plot_area(area, header.height(area), 80, 200)
            .build_cartesian_2d(0.0..ne as f64, 0.0..nf as f64)
            .map_err(err)?;
        band_matrix_mesh(&mut chart, ("engagement score band (points)", "fit score band (points)"), &eng_labels, &fit_labels)?;
        draw_cells(area, &mut chart, &cells, max_rate, layout)?;
        draw_boundary(&mut chart, &cells, layout)?;
        let plot = plot_rect(&chart);
        layout.plots.push(plot);
        header.draw(area, plot, layout)
    }
}

type BandChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn max_rate(cells: &[Vec<Cell>]) -> f64 {
    cells
        .iter()
        .flatten()
        .filter(|c| c.2 > 0)
        .map(|c| c.1 as f64 / c.2 as f64)
        .fold(0.01f64, f64::max)
}

/// A cell's fill: white at 0 won, the won colour at `max_rate`.
fn shade(rate: f64, max_rate: f64) -> RGBColor {
    let t = (rate / max_rate).clamp(0.0, 1.0);
    let mix = |c: u8| (255.0 - t * (255.0 - f64::from(c))) as u8;
    RGBColor(mix(WON.0), mix(WON.1), mix(WON.2))
}

/// Each cell shaded by its win rate, with its leads, win rate and MQL share written in.
fn draw_cells<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut BandChart<'_, DB>,
    cells: &[Vec<Cell>],
    max_rate: f64,
    layout: &mut Layout,
) -> Drawn {
    for (f, row) in cells.iter().enumerate() {
        for (e, &(leads, won, decided, mqls)) in row.iter().enumerate() {
            let rate = if decided > 0 { won as f64 / decided as f64 } else { 0.0 };
            let (x, y) = (e as f64, f as f64);
            layout.points.push(chart.backend_coord(&(x + 0.5, y + 0.5)));
            chart
                .draw_series([
                    Rectangle::new([(x, y), (x + 1.0, y + 1.0)], shade(rate, max_rate).filled()),
                    Rectangle::new([(x, y), (x + 1.0, y + 1.0)], WHITE.stroke_width(3)),
                ])
                .map_err(err)?;
            let ink = if rate / max_rate > 0.6 { WHITE } else { INK };
            let rate_text = if decided > 0 { format!("{} won", pct0(rate)) } else { "no decided leads".into() };
            let texts = [
                (format!("{leads} leads"), 0.72, small_font()),
                (rate_text, 0.5, label_font()),
                (format!("{} MQLs", pct0(mqls as f64 / leads.max(1) as f64)), 0.28, small_font()),
            ];
            for (text, dy, font) in texts {
                let pos = Pos::new(HPos::Center, VPos::Center);
                let at = (x + 0.5, y + dy);
                layout.labels.push(text_rect(area, &text, &font, chart.backend_coord(&at), pos));
                chart
                    .draw_series(std::iter::once(Text::new(text, at, font.color(&ink).pos(pos))))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The MQL boundary along cell edges: between a cell where most leads are MQLs
/// and a neighbour where most are not (it never crosses a cell's text).
fn draw_boundary<DB: DrawingBackend>(chart: &mut BandChart<'_, DB>, cells: &[Vec<Cell>], layout: &mut Layout) -> Drawn {
    let mql = |f: usize, e: usize| cells.get(f).and_then(|r| r.get(e)).is_some_and(|c| 2 * c.3 > c.0);
    let mut segments: Vec<((f64, f64), (f64, f64))> = Vec::new();
    for f in 0..cells.len() {
        for e in 0..cells[f].len() {
            let (x, y) = (e as f64, f as f64);
            if e + 1 < cells[f].len() && mql(f, e) != mql(f, e + 1) {
                segments.push(((x + 1.0, y), (x + 1.0, y + 1.0)));
            }
            if f + 1 < cells.len() && mql(f, e) != mql(f + 1, e) {
                segments.push(((x, y + 1.0), (x + 1.0, y + 1.0)));
            }
        }
    }
    for (a, b) in segments {
        layout.lines.push((chart.backend_coord(&a), chart.backend_coord(&b)));
        chart
            .draw_series(DashedLineSeries::new(vec![a, b], 14, 8, INK.stroke_width(4)))
            .map_err(err)?;
    }
    Ok(())
}
