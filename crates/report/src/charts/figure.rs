//! The shared frame of every chart: the `Figure` trait, the embedded font, the
//! title above the plot, and one drawing into SVG and one into a PNG buffer from
//! the same code.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::common::{Layout, Rect};
use super::comparison::Comparison;
use super::fit_engagement::Matrix;
use super::gains::Gains;
use super::points::Points;
use super::reliability::Reliability;
use super::score_distributions::Distributions;
use super::segments::Segments;
use super::stability::Stability;
use super::thresholds::Thresholds;
use crate::prepare::Prepared;
use crate::style::*;
use crate::{ReportError, ReportInputs};

/// One rendered chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem: `thresholds` → `thresholds.png`, `thresholds.svg`.
    pub name: &'static str,
    /// The finding, in words.
    pub title: String,
    /// What is drawn, for the report and alt text.
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
    /// Where it put its plots, data marks, labels and legends (in pixels).
    pub layout: Layout,
}

/// A drawing step: plotters' errors carried as their message.
pub(super) type Drawn = Result<(), String>;

pub(super) fn err<T: std::fmt::Display>(e: T) -> String {
    e.to_string()
}

/// One chart: its file stem, its finding, its caption, and how to draw it on either backend.
pub(super) trait Figure {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn caption(&self) -> String;
    /// Draw below the title; record in `layout` where plots, marks, labels and legends went.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, layout: &mut Layout) -> Drawn;
}

/// Register DejaVu Sans (from the binary, not the system) under plotters' "sans-serif".
fn ensure_fonts() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
                .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Font)
    }
}

pub(super) fn render<F: Figure>(figure: &F) -> Result<Chart, ReportError> {
    ensure_fonts()?;
    let title = figure.title();
    let draw_err = |message: String| ReportError::Draw {
        chart: figure.name().to_string(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err).map_err(draw_err)?;
        let body = titled(&root, &title).map_err(draw_err)?;
        figure.draw(&body, &mut Layout::default()).map_err(draw_err)?;
        root.present().map_err(err).map_err(draw_err)?;
    }
    let mut layout = Layout {
        canvas: Some(Rect::new(0, 0, WIDTH as i32 - 1, HEIGHT as i32 - 1)),
        ..Layout::default()
    };
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err).map_err(draw_err)?;
        let body = titled(&root, &title).map_err(draw_err)?;
        figure.draw(&body, &mut layout).map_err(draw_err)?;
        root.present().map_err(err).map_err(draw_err)?;
    }
    let png = encode_png(&rgb).map_err(|message| ReportError::Encode {
        chart: figure.name().to_string(),
        message,
    })?;
    Ok(Chart {
        name: figure.name(),
        title,
        caption: figure.caption(),
        svg,
        png,
        layout,
    })
}

/// The title above the chart, shrunk to fit the width, with room above it.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let chars = title.chars().count().max(1) as f64;
    // DejaVu Sans Bold averages about 0.62 em per character.
    let size = (f64::from(WIDTH - 80) / (0.62 * chars)).min(38.0);
    root.margin(14, 0, 0, 0)
        .titled(title, title_font_sized(size))
        .map_err(err)
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
    }
    Ok(out)
}

/// Every chart the data supports, in report order.
pub fn render_all(p: &Prepared, inputs: &ReportInputs) -> Result<Vec<Chart>, ReportError> {
    let b = inputs.backtest;
    let mut charts = vec![
        render(&Reliability::new(p, b))?,
        render(&Thresholds { b })?,
        render(&Distributions::new(p, b))?,
        render(&Gains { b })?,
        render(&Points { p })?,
        render(&Matrix::new(p, b))?,
    ];
    if b.segments.iter().any(|s| s.mqls > 0) {
        charts.push(render(&Segments { b })?);
    }
    if !b.walk_forward.is_empty() {
        charts.push(render(&Stability {
            b,
            period: inputs.period,
        })?);
    }
    if b.comparison.is_some() {
        charts.push(render(&Comparison { b })?);
    }
    if let Some(t) = super::two_axis::TwoAxis::new(b) {
        charts.push(render(&t)?);
    }
    Ok(charts)
}

/// A chart's plot area on `panel`, in the house style: 20 px margins, `top` for
/// the header above the plot, and room for the x and y axis labels.
pub(super) fn plot_area<'a, 'b, DB: DrawingBackend>(
    panel: &'a DrawingArea<DB, Shift>,
    top: u32,
    x_labels: u32,
    y_labels: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(panel);
    builder.margin(20).margin_top(top).x_label_area_size(x_labels).y_label_area_size(y_labels);
    builder
}
