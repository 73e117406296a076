//! Helpers every figure shares: the geometry a chart records (so tests can check
//! that no point is clipped and no legend covers data or labels), the header
//! above each plot (caption and legend, outside the data), axes and row labels.

use mqlcal_features::Outcome;
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::figure::{err, Drawn};
use crate::prepare::LeadScore;
use crate::style::*;

/// A rectangle in pixels of the whole chart (x to the right, y down), ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub fn contains(&self, (x, y): (i32, i32)) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.x0 <= o.x1 && o.x0 <= self.x1 && self.y0 <= o.y1 && o.y0 <= self.y1
    }

    pub fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// Whether the segment a–b passes through this rectangle (sampled every pixel).
    pub fn crossed_by(&self, a: (i32, i32), b: (i32, i32)) -> bool {
        let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
        (0..=steps).any(|k| {
            let t = f64::from(k) / f64::from(steps);
            let x = f64::from(a.0) + t * f64::from(b.0 - a.0);
            let y = f64::from(a.1) + t * f64::from(b.1 - a.1);
            self.contains((x.round() as i32, y.round() as i32))
        })
    }
}

/// Where a chart put things, in pixels: what the layout rules are checked on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// The whole image.
    pub canvas: Option<Rect>,
    /// Each plotting area (inside the axes).
    pub plots: Vec<Rect>,
    /// Every data mark (a point, a bar's end, an interval's end): each must lie in a plot.
    pub points: Vec<(i32, i32)>,
    /// Text written among the data (annotations, cell texts).
    pub labels: Vec<Rect>,
    /// Every legend's box.
    pub legends: Vec<Rect>,
    /// Lines drawn over labelled cells (segments): they must not cross a label.
    pub lines: Vec<((i32, i32), (i32, i32))>,
}

/// The pixel rectangle of a chart's plotting area.
pub(super) fn plot_rect<DB: DrawingBackend, X: Ranged, Y: Ranged>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
) -> Rect {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Rect::new(xs.start, ys.start, xs.end - 1, ys.end - 1)
}

/// The rectangle of `text` drawn at pixel `at` with anchor `pos`.
pub(super) fn text_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    at: (i32, i32),
    pos: Pos,
) -> Rect {
    let (w, h) = area.estimate_text_size(text, font).unwrap_or((0, 0));
    let (w, h) = (w as i32, h as i32);
    let x0 = match pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    Rect::new(x0, y0, x0 + w, y0 + h)
}

/// A legend entry's mark.
#[derive(Clone, Copy)]
pub(super) enum Key {
    Line(RGBAColor, u32),
    Dashed(RGBAColor, u32),
    Swatch(RGBAColor),
    Dot(RGBAColor),
}

/// The caption and legend of one plot, drawn in a strip above it (never over the data).
pub(super) struct Header {
    pub caption: Option<String>,
    pub keys: Vec<(Key, String)>,
}

const ROW: i32 = 36;
const GAP: i32 = 30;
const MARK: i32 = 30;

impl Header {
    pub(super) fn new(caption: Option<&str>) -> Header {
        Header {
            caption: caption.map(str::to_string),
            keys: Vec::new(),
        }
    }

    pub(super) fn key(mut self, key: Key, text: impl Into<String>) -> Header {
        self.keys.push((key, text.into()));
        self
    }

    /// The items' widths: the caption, then each key with its mark.
    fn widths<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Vec<i32> {
        let w = |t: &str, f: &TextStyle| area.estimate_text_size(t, f).map_or(0, |s| s.0 as i32);
        let mut out: Vec<i32> = self.caption.iter().map(|c| w(c, &panel_font())).collect();
        out.extend(self.keys.iter().map(|(_, t)| MARK + w(t, &small_font())));
        out
    }

    /// Items per row when laid out from the left in `width` pixels.
    fn rows<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, width: i32) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut used = 0;
        for (i, w) in self.widths(area).into_iter().enumerate() {
            match rows.last_mut() {
                Some(row) if used + GAP + w <= width => {
                    row.push(i);
                    used += GAP + w;
                }
                _ => {
                    rows.push(vec![i]);
                    used = w;
                }
            }
        }
        rows
    }

    /// Pixels to reserve above the plot (margin included), for a panel of this width.
    pub(super) fn height<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> u32 {
        let width = area.dim_in_pixel().0 as i32 - 360;
        (self.rows(area, width).len() as i32 * ROW + 16) as u32
    }

    /// Draw the caption and keys in the strip above `plot`, left-aligned with it.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        plot: Rect,
        layout: &mut Layout,
    ) -> Drawn {
        let base = area.get_base_pixel();
        let width = area.dim_in_pixel().0 as i32 - 360;
        let rows = self.rows(area, width);
        let widths = self.widths(area);
        let top = plot.y0 - 8 - rows.len() as i32 * ROW;
        let has_caption = self.caption.is_some();
        for (r, row) in rows.iter().enumerate() {
            let y = top + r as i32 * ROW + ROW / 2;
            let mut x = plot.x0;
            let mut row_rect: Option<Rect> = None;
            for &i in row {
                // Pixel positions relative to the panel.
                let (px, py) = (x - base.0, y - base.1);
                if has_caption && i == 0 {
                    let text = self.caption.as_deref().unwrap_or_default();
                    area.draw(&Text::new(
                        text.to_string(),
                        (px, py),
                        panel_font().pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(err)?;
                } else {
                    let (key, text) = &self.keys[i - usize::from(has_caption)];
                    draw_key(area, *key, (px, py))?;
                    area.draw(&Text::new(
                        text.clone(),
                        (px + MARK, py),
                        small_font().pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(err)?;
                    let rect = Rect::new(x, y - ROW / 2 + 4, x + widths[i], y + ROW / 2 - 4);
                    row_rect = Some(row_rect.map_or(rect, |r| Rect::new(r.x0, r.y0, rect.x1, rect.y1)));
                }
                x += widths[i] + GAP;
            }
            layout.legends.extend(row_rect);
        }
        Ok(())
    }
}

/// A key's mark, 22 pixels wide, centred vertically on `at` (panel pixels).
fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, key: Key, at: (i32, i32)) -> Drawn {
    let (x, y) = at;
    match key {
        Key::Line(c, w) => area.draw(&PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(w))),
        Key::Dashed(c, w) => {
            area.draw(&PathElement::new(vec![(x, y), (x + 8, y)], c.stroke_width(w)))
                .map_err(err)?;
            area.draw(&PathElement::new(vec![(x + 14, y), (x + 22, y)], c.stroke_width(w)))
        }
        Key::Swatch(c) => {
            area.draw(&Rectangle::new([(x, y - 9), (x + 22, y + 9)], c.filled())).map_err(err)?;
            area.draw(&Rectangle::new([(x, y - 9), (x + 22, y + 9)], GRID.mix(1.0).stroke_width(1)))
        }
        Key::Dot(c) => area.draw(&Circle::new((x + 11, y), 7, c.filled())),
    }
    .map_err(err)
}

pub(super) fn decided(leads: &[LeadScore]) -> impl Iterator<Item = &LeadScore> {
    leads.iter().filter(|l| l.outcome != Outcome::Open)
}

/// The median of values given as (value, leads holding it).
pub(super) fn median(mut v: Vec<(i64, u64)>) -> f64 {
    v.sort_unstable();
    let n: u64 = v.iter().map(|x| x.1).sum();
    if n == 0 {
        return f64::NAN;
    }
    // The value of the lead at each (0-based) position in ascending order.
    let at = |position: u64| {
        let mut seen = 0;
        v.iter().find(|x| {
            seen += x.1;
            seen > position
        }).map_or(0, |x| x.0)
    };
    if n % 2 == 1 {
        at(n / 2) as f64
    } else {
        (at(n / 2 - 1) + at(n / 2)) as f64 / 2.0
    }
}

/// A light mesh with labelled axes (numeric axes).
pub(super) fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Drawn {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(small_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .draw()
        .map_err(err)
}

/// Named columns along x (cohorts, models), numbers along y, a light mesh.
pub(super) fn columns_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<SegmentedCoord<RangedCoordi32>, RangedCoordf64>>,
    x_label: &dyn Fn(&SegmentValue<i32>) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Drawn {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .label_style(small_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_label_formatter(x_label)
        .y_label_formatter(y_fmt)
        .draw()
        .map_err(err)
}

/// Horizontal bars: `rows` named rows down y, numbers along x, a light mesh.
pub(super) fn bar_rows_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>,
    rows: usize,
    x_desc: &str,
    row_label: &dyn Fn(&SegmentValue<i32>) -> String,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Drawn {
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(x_desc)
        .axis_desc_style(label_font())
        .label_style(small_font())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_labels(rows)
        .y_label_formatter(row_label)
        .x_label_formatter(x_fmt)
        .draw()
        .map_err(err)
}

/// A matrix of score bands (engagement across, fit up): no grid lines, each
/// band's name under (beside) the middle of its column (row).
pub(super) fn band_matrix_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    (x_desc, y_desc): (&str, &str),
    engagement_bands: &[String],
    fit_bands: &[String],
) -> Drawn {
    let band_label = |labels: &[String], v: &f64| {
        let k = (v - 0.5).round();
        if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 {
            labels.get(k as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(small_font())
        .x_labels(engagement_bands.len() * 2 + 1)
        .y_labels(fit_bands.len() * 2 + 1)
        .x_label_formatter(&|v| band_label(engagement_bands, v))
        .y_label_formatter(&|v| band_label(fit_bands, v))
        .draw()
        .map_err(err)
}

/// Labels for a segmented axis whose first name is drawn at the top (segment n − 1).
pub(super) fn top_down_labels(names: Vec<String>) -> impl Fn(&SegmentValue<i32>) -> String {
    let n = names.len() as i32;
    move |v| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            names.get((n - 1 - i) as usize).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    }
}

/// `lo..hi` widened by `pad` of its span on both sides (never past `floor`/`ceil`), so no mark sits on the frame.
pub(super) fn padded(lo: f64, hi: f64, pad: f64, floor: f64, ceil: f64) -> (f64, f64) {
    let span = (hi - lo).max(1e-9);
    let (lo, hi) = ((lo - pad * span).max(floor), (hi + pad * span).min(ceil));
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    }
}

/// Colours as legends take them.
pub(super) fn rgba(c: RGBColor) -> RGBAColor {
    c.to_rgba()
}

/// A holdout named in a title: one or two cohorts by name, more as a range ("2023-01 to 2024-05").
pub(super) fn cohorts_short(cohorts: &[String]) -> String {
    match cohorts {
        [] => "the holdout".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [first, .., last] => format!("{first} to {last}"),
    }
}
