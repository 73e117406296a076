//! Every chart, drawn once into SVG and once into a PNG buffer from the same
//! code. Titles state the finding, axes carry units, colours come from `style`.

use std::sync::OnceLock;

use mqlcal_backtest::Backtest;
use mqlcal_features::Outcome;
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use crate::prepare::{LeadScore, Prepared};
use crate::style::*;
use crate::ReportError;

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
}

type Drawn = Result<(), String>;

fn err<T: std::fmt::Display>(e: T) -> String {
    e.to_string()
}

trait Figure {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn caption(&self) -> String;
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn;
}

/// Register DejaVu Sans (from the binary, not the system) under plotters' "sans-serif".
fn ensure_fonts() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ReportError::Font)
    }
}

fn render<F: Figure>(figure: &F) -> Result<Chart, ReportError> {
    ensure_fonts()?;
    let title = figure.title();
    let draw_err = |message: String| ReportError::Draw { chart: figure.name().to_string(), message };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err).map_err(draw_err)?;
        let body = titled(&root, &title).map_err(draw_err)?;
        figure.draw(&body).map_err(draw_err)?;
        root.present().map_err(err).map_err(draw_err)?;
    }
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err).map_err(draw_err)?;
        let body = titled(&root, &title).map_err(draw_err)?;
        figure.draw(&body).map_err(draw_err)?;
        root.present().map_err(err).map_err(draw_err)?;
    }
    let png = encode_png(&rgb).map_err(|message| ReportError::Encode { chart: figure.name().to_string(), message })?;
    Ok(Chart { name: figure.name(), title, caption: figure.caption(), svg, png })
}

/// The title above the chart, shrunk to fit the width, with room above it.
fn titled<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str) -> Result<DrawingArea<DB, Shift>, String> {
    let chars = title.chars().count().max(1) as f64;
    // DejaVu Sans Bold averages about 0.62 em per character.
    let size = (f64::from(WIDTH - 80) / (0.62 * chars)).min(38.0);
    root.margin(14, 0, 0, 0).titled(title, title_font_sized(size)).map_err(err)
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
pub fn render_all(p: &Prepared, b: &Backtest) -> Result<Vec<Chart>, ReportError> {
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
        charts.push(render(&Stability { b })?);
    }
    if b.comparison.is_some() {
        charts.push(render(&Comparison { b })?);
    }
    Ok(charts)
}

fn pct(v: f64) -> String {
    format!("{:.0} %", 100.0 * v)
}

fn decided(leads: &[LeadScore]) -> impl Iterator<Item = &LeadScore> {
    leads.iter().filter(|l| l.outcome != Outcome::Open)
}

fn median(mut v: Vec<i64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

/// A light mesh with labelled axes (numeric axes).
fn mesh<DB: DrawingBackend>(
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

fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .label_font(small_font())
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .position(position)
        .draw()
        .map_err(err)
}

/// Labels for a segmented axis whose first name is drawn at the top (segment n − 1).
fn top_down_labels(names: Vec<String>) -> impl Fn(&SegmentValue<i32>) -> String {
    let n = names.len() as i32;
    move |v| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => names.get((n - 1 - i) as usize).cloned().unwrap_or_default(),
        SegmentValue::Last => String::new(),
    }
}

fn swatch(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 9), (x + 22, y + 9)], color.filled())
}

// ---------------------------------------------------------------- reliability

struct Reliability<'a> {
    b: &'a Backtest,
    training: Vec<mqlcal_metrics::ReliabilityGroup>,
    holdout: Vec<mqlcal_metrics::ReliabilityGroup>,
    training_probs: Vec<f64>,
    holdout_probs: Vec<f64>,
    slope: Option<f64>,
    ece: Option<f64>,
}

impl<'a> Reliability<'a> {
    fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let metrics = |set: &str| p.model.metrics.get(set);
        Reliability {
            b,
            training: metrics("training").map(|m| m.reliability.clone()).unwrap_or_default(),
            holdout: metrics("holdout").map(|m| m.reliability.clone()).unwrap_or_default(),
            training_probs: decided(&p.training).map(|l| l.probability).filter(|v| v.is_finite()).collect(),
            holdout_probs: decided(&p.holdout).map(|l| l.probability).filter(|v| v.is_finite()).collect(),
            slope: metrics("holdout").and_then(|m| m.calibration_intercept_slope.as_ref()).map(|c| c.slope),
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
        let mut chart = ChartBuilder::on(&top)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x_max, 0.0..x_max)
            .map_err(err)?;
        mesh(&mut chart, "predicted win probability", "observed win rate", &percent, &percent)?;
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (x_max, x_max)], 10, 8, INK.stroke_width(2)))
            .map_err(err)?
            .label("perfect calibration")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(2)));
        for (groups, color, label, size) in [(&self.training, TRAINING, "training cohorts", 7), (&self.holdout, HOLDOUT, "holdout", 9)] {
            chart
                .draw_series(groups.iter().map(|g| {
                    ErrorBar::new_vertical(g.mean_predicted, g.wilson_low, g.observed_rate, g.wilson_high, color.stroke_width(2), 12)
                }))
                .map_err(err)?;
            chart
                .draw_series(groups.iter().map(|g| Circle::new((g.mean_predicted, g.observed_rate), size, color.filled())))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 11, y), 7, color.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;

        // Where the predictions fall: share of leads per probability bin.
        let bins = 20usize;
        let width = x_max / bins as f64;
        let shares = |probs: &[f64]| -> Vec<f64> {
            let mut counts = vec![0usize; bins];
            for &p in probs {
                counts[((p / width) as usize).min(bins - 1)] += 1;
            }
            counts.into_iter().map(|c| c as f64 / probs.len().max(1) as f64).collect()
        };
        let (train, hold) = (shares(&self.training_probs), shares(&self.holdout_probs));
        let y_max = train.iter().chain(&hold).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 1e-9;
        let mut hist = ChartBuilder::on(&bottom)
            .margin(20)
            .margin_top(0)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut hist, "predicted win probability", "share of leads", &percent, &percent)?;
        hist.draw_series(train.iter().enumerate().map(|(k, &s)| {
            Rectangle::new([(k as f64 * width, 0.0), ((k + 1) as f64 * width, s)], TRAINING.mix(0.45).filled())
        }))
        .map_err(err)?;
        hist.draw_series(hold.iter().enumerate().map(|(k, &s)| {
            Rectangle::new([(k as f64 * width, 0.0), ((k + 1) as f64 * width, s)], HOLDOUT.stroke_width(2))
        }))
        .map_err(err)?;
        Ok(())
    }
}

// ---------------------------------------------------------------- thresholds

struct Thresholds<'a> {
    b: &'a Backtest,
}

impl Thresholds<'_> {
    /// Thresholds shown: from at least 20 MQLs (fewer make conversion noise) down to 4×
    /// capacity a month (further only squeezes the interesting part); the recommendation always.
    fn shown(&self) -> Vec<&mqlcal_backtest::ThresholdRow> {
        let cap = self.b.constraints.capacity_per_month;
        let rec = self.b.recommendation.threshold;
        self.b
            .thresholds
            .iter()
            .filter(|r| (r.mqls_per_month <= 4.0 * cap && r.mqls >= 20) || r.threshold == rec)
            .collect()
    }
}

impl Figure for Thresholds<'_> {
    fn name(&self) -> &'static str {
        "thresholds"
    }

    fn title(&self) -> String {
        let r = self.b.recommended_row();
        let rec = &self.b.recommendation;
        let conversion = r.conversion.map_or("-".into(), pct);
        if rec.feasible {
            format!(
                "Threshold {}: {:.0} MQLs a month (capacity {:.0}), {} convert",
                rec.threshold, r.mqls_per_month, self.b.constraints.capacity_per_month, conversion
            )
        } else {
            format!("No threshold meets capacity and band; nearest is {} ({:.0} a month, {})", rec.threshold, r.mqls_per_month, conversion)
        }
    }

    fn caption(&self) -> String {
        let c = &self.b.constraints;
        format!(
            "Top: MQLs a month at each threshold on the holdout (mean, and the busiest month), against sales capacity ({:.0} a month). Bottom: the share of decided MQLs that won, with its {:.0} % Wilson interval, against the target band {:.0}–{:.0} %. Shown from 20 MQLs up to 4× capacity.",
            c.capacity_per_month,
            100.0 * c.confidence,
            100.0 * c.band.0,
            100.0 * c.band.1
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let rows = self.shown();
        let c = &self.b.constraints;
        let rec = self.b.recommendation.threshold;
        let x_min = rows.iter().map(|r| r.threshold).min().unwrap_or(0) as f64;
        let x_max = rows.iter().map(|r| r.threshold).max().unwrap_or(1) as f64;
        let (x_min, x_max) = (x_min - 1.0, x_max + 1.0);
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);

        let y_max = rows.iter().map(|r| r.busiest_month_mqls as f64).fold(c.capacity_per_month * 1.3, f64::max) * 1.05;
        let mut volume = ChartBuilder::on(&top)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut volume, "", "MQLs per month", &|v| format!("{v:.0}"), &|v| format!("{v:.0}"))?;
        volume
            .draw_series(LineSeries::new(rows.iter().map(|r| (r.threshold as f64, r.busiest_month_mqls as f64)), HOLDOUT.mix(0.35).stroke_width(2)))
            .map_err(err)?
            .label("busiest month")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.mix(0.35).stroke_width(2)));
        volume
            .draw_series(LineSeries::new(rows.iter().map(|r| (r.threshold as f64, r.mqls_per_month)), HOLDOUT.stroke_width(4)))
            .map_err(err)?
            .label("MQLs a month (mean)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        volume
            .draw_series(DashedLineSeries::new(
                vec![(x_min, c.capacity_per_month), (x_max, c.capacity_per_month)],
                12,
                8,
                CAPACITY.stroke_width(3),
            ))
            .map_err(err)?
            .label(format!("capacity: {:.0} a month", c.capacity_per_month))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], CAPACITY.stroke_width(3)));
        volume
            .draw_series(std::iter::once(PathElement::new(vec![(rec as f64, 0.0), (rec as f64, y_max)], INK.stroke_width(2))))
            .map_err(err)?;
        volume
            .draw_series(std::iter::once(Text::new(
                format!(" recommended: {rec}"),
                (rec as f64, y_max * 0.93),
                label_font().pos(Pos::new(HPos::Left, VPos::Center)),
            )))
            .map_err(err)?;
        legend(&mut volume, SeriesLabelPosition::UpperRight)?;

        let y_top = rows.iter().filter_map(|r| r.conversion_high).fold(c.band.1, f64::max).min(1.0) * 1.05;
        let mut conversion = ChartBuilder::on(&bottom)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(x_min..x_max, 0.0..y_top)
            .map_err(err)?;
        mesh(&mut conversion, "threshold (score at or above which a lead is an MQL)", "MQL conversion to won", &|v| format!("{v:.0}"), &percent)?;
        conversion
            .draw_series(std::iter::once(Rectangle::new([(x_min, c.band.0), (x_max, c.band.1)], BAND.mix(0.15).filled())))
            .map_err(err)?
            .label(format!("target band {:.0}–{:.0} %", 100.0 * c.band.0, 100.0 * c.band.1))
            .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        let upper: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.conversion_high.map(|h| (r.threshold as f64, h))).collect();
        let lower: Vec<(f64, f64)> = rows.iter().rev().filter_map(|r| r.conversion_low.map(|l| (r.threshold as f64, l))).collect();
        conversion
            .draw_series(std::iter::once(Polygon::new(upper.into_iter().chain(lower).collect::<Vec<_>>(), HOLDOUT.mix(0.15).filled())))
            .map_err(err)?
            .label(format!("{:.0} % interval", 100.0 * c.confidence))
            .legend(swatch(RGBColor(0xd2, 0xd8, 0xe3)));
        conversion
            .draw_series(LineSeries::new(rows.iter().filter_map(|r| r.conversion.map(|v| (r.threshold as f64, v))), HOLDOUT.stroke_width(4)))
            .map_err(err)?
            .label("conversion")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        conversion
            .draw_series(std::iter::once(PathElement::new(vec![(rec as f64, 0.0), (rec as f64, y_top)], INK.stroke_width(2))))
            .map_err(err)?;
        legend(&mut conversion, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

// ---------------------------------------------------------------- score distributions

struct Distributions<'a> {
    b: &'a Backtest,
    won: Vec<i64>,
    lost: Vec<i64>,
}

impl<'a> Distributions<'a> {
    fn new(p: &Prepared, b: &'a Backtest) -> Self {
        let pick = |o: Outcome| p.holdout.iter().filter(|l| l.outcome == o).map(|l| l.total).collect();
        Distributions { b, won: pick(Outcome::Won), lost: pick(Outcome::Lost) }
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
            self.b.holdout_cohorts.join(", ")
        )
    }

    fn caption(&self) -> String {
        "Share of won and of lost holdout leads at each score (each outcome sums to 100 %); the line is the recommended threshold.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let all = self.won.iter().chain(&self.lost);
        let lo = all.clone().min().copied().unwrap_or(0) as f64;
        let hi = all.max().copied().unwrap_or(1) as f64 + 1.0;
        let bins = 40usize;
        let width = ((hi - lo) / bins as f64).max(1.0);
        let shares = |scores: &[i64]| -> Vec<f64> {
            let mut counts = vec![0usize; bins];
            for &s in scores {
                counts[(((s as f64 - lo) / width) as usize).min(bins - 1)] += 1;
            }
            counts.into_iter().map(|c| c as f64 / scores.len().max(1) as f64).collect()
        };
        let (won, lost) = (shares(&self.won), shares(&self.lost));
        let y_max = won.iter().chain(&lost).fold(0.0f64, |a, &b| a.max(b)) * 1.15 + 1e-9;
        let mut chart = ChartBuilder::on(area)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(lo..lo + width * bins as f64, 0.0..y_max)
            .map_err(err)?;
        mesh(&mut chart, "score (points)", "share of leads of that outcome", &|v| format!("{v:.0}"), &percent)?;
        for (shares, color, label) in [(&lost, LOST, "lost"), (&won, WON, "won")] {
            chart
                .draw_series(shares.iter().enumerate().map(|(k, &s)| {
                    Rectangle::new([(lo + k as f64 * width, 0.0), (lo + (k + 1) as f64 * width, s)], color.mix(0.55).filled())
                }))
                .map_err(err)?
                .label(format!("{label} ({})", if label == "won" { self.won.len() } else { self.lost.len() }))
                .legend(swatch(color));
        }
        let rec = self.b.recommendation.threshold as f64;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(rec, 0.0), (rec, y_max)], INK.stroke_width(3))))
            .map_err(err)?
            .label(format!("threshold {rec:.0}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], INK.stroke_width(3)));
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

// ---------------------------------------------------------------- gains and lift

struct Gains<'a> {
    b: &'a Backtest,
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
        let mut points: Vec<(f64, f64, f64)> = vec![(0.0, 0.0, f64::NAN)];
        points.extend(self.b.thresholds.iter().filter_map(|r| Some((r.share_of_leads, r.wins_captured_share?, r.lift?))));
        let rec = self.b.recommended_row();
        let rec_point = (rec.share_of_leads, rec.wins_captured_share.unwrap_or(0.0), rec.lift.unwrap_or(0.0));

        let mut gains = ChartBuilder::on(&left)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .map_err(err)?;
        mesh(&mut gains, "share of leads, highest scores first", "share of wins captured", &percent, &percent)?;
        gains
            .draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (1.0, 1.0)], 10, 8, TRAINING.stroke_width(2)))
            .map_err(err)?
            .label("random order")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], TRAINING.stroke_width(2)));
        gains
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), HOLDOUT.stroke_width(4)))
            .map_err(err)?
            .label("by score")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(4)));
        gains
            .draw_series(std::iter::once(Circle::new((rec_point.0, rec_point.1), 10, INK.filled())))
            .map_err(err)?
            .label(format!("threshold {}", self.b.recommendation.threshold))
            .legend(|(x, y)| Circle::new((x + 11, y), 7, INK.filled()));
        legend(&mut gains, SeriesLabelPosition::LowerRight)?;

        let lift_max = points.iter().filter(|p| p.0 >= 0.01).map(|p| p.2).filter(|v| v.is_finite()).fold(1.5f64, f64::max) * 1.1;
        let mut lift = ChartBuilder::on(&right)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..1.0, 0.0..lift_max)
            .map_err(err)?;
        mesh(&mut lift, "share of leads, highest scores first", "lift over the base rate", &percent, &|v| format!("{v:.1}×"))?;
        lift.draw_series(DashedLineSeries::new(vec![(0.0, 1.0), (1.0, 1.0)], 10, 8, TRAINING.stroke_width(2))).map_err(err)?;
        // Below 1 % of the leads the lift is a handful of leads: noise.
        lift.draw_series(LineSeries::new(points.iter().filter(|p| p.2.is_finite() && p.0 >= 0.01).map(|p| (p.0, p.2)), HOLDOUT.stroke_width(4)))
            .map_err(err)?;
        lift.draw_series(std::iter::once(Circle::new((rec_point.0, rec_point.2), 10, INK.filled()))).map_err(err)?;
        Ok(())
    }
}

// ---------------------------------------------------------------- points per signal

struct Points<'a> {
    p: &'a Prepared,
}

impl Points<'_> {
    /// Fit signals first, then engagement; each by points, largest first.
    fn rows(&self) -> Vec<(String, i64, mqlcal_scorecard::Axis)> {
        let mut rows: Vec<(String, i64, mqlcal_scorecard::Axis)> =
            self.p.model.signals.iter().map(|s| (s.name.clone(), s.points, s.axis)).collect();
        rows.sort_by(|a, b| {
            let group = |x: mqlcal_scorecard::Axis| u8::from(x == mqlcal_scorecard::Axis::Engagement);
            group(a.2).cmp(&group(b.2)).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
        });
        rows
    }
}

impl Figure for Points<'_> {
    fn name(&self) -> &'static str {
        "points"
    }

    fn title(&self) -> String {
        let rows = self.rows();
        let top = rows.iter().max_by_key(|r| r.1);
        let bottom = rows.iter().min_by_key(|r| r.1);
        match (top, bottom) {
            (Some(t), Some(b)) if b.1 < 0 => format!("{} earns the most points (+{}); {} costs the most ({})", t.0, t.1, b.0, b.1),
            (Some(t), _) => format!("{} earns the most points (+{})", t.0, t.1),
            _ => "Points per signal".into(),
        }
    }

    fn caption(&self) -> String {
        "Points per unit of each signal (per event, per level or bin), fit signals (who the lead is) above engagement signals (what the lead did); red bars take points away.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let rows = self.rows();
        let n = rows.len() as i32;
        let lo = rows.iter().map(|r| r.1).min().unwrap_or(0).min(0) as f64;
        let hi = rows.iter().map(|r| r.1).max().unwrap_or(0).max(0) as f64;
        let pad = (hi - lo).max(10.0) * 0.08;
        // Rows top to bottom: segment n-1-k holds row k.
        let label = top_down_labels(rows.iter().map(|r| r.0.clone()).collect());
        let mut chart = ChartBuilder::on(area)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(330)
            .build_cartesian_2d(lo - pad..hi + pad, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("points")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(rows.len())
            .y_label_formatter(&label)
            .x_label_formatter(&|v| format!("{v:+.0}"))
            .draw()
            .map_err(err)?;
        let color = |points: i64, axis: mqlcal_scorecard::Axis| {
            if points < 0 {
                NEGATIVE
            } else if axis == mqlcal_scorecard::Axis::Fit {
                FIT
            } else {
                ENGAGEMENT
            }
        };
        for (k, (_, points, axis)) in rows.iter().enumerate() {
            let seg = n - 1 - k as i32;
            let (a, b) = (0.0f64.min(*points as f64), 0.0f64.max(*points as f64));
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, SegmentValue::Exact(seg)), (b, SegmentValue::Exact(seg + 1))],
                    color(*points, *axis).filled(),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, SegmentValue::Exact(seg)), (b, SegmentValue::Exact(seg + 1))],
                    WHITE.stroke_width(3),
                )))
                .map_err(err)?;
            let (x, anchor) = if *points < 0 { (a - pad * 0.1, HPos::Right) } else { (b + pad * 0.1, HPos::Left) };
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{points:+}"),
                    (x, SegmentValue::CenterOf(seg)),
                    small_font().pos(Pos::new(anchor, VPos::Center)),
                )))
                .map_err(err)?;
        }
        // The line between the fit group (above) and the engagement group (below).
        let fit_rows = rows.iter().filter(|r| r.2 == mqlcal_scorecard::Axis::Fit).count() as i32;
        if fit_rows > 0 && fit_rows < n {
            let y = SegmentValue::Exact(n - fit_rows);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(lo - pad, y.clone()), (hi + pad, y)], INK.stroke_width(2))))
                .map_err(err)?;
        }
        chart.draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>()).map_err(err)?.label("fit: who the lead is").legend(swatch(FIT));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>())
            .map_err(err)?
            .label("engagement: what the lead did")
            .legend(swatch(ENGAGEMENT));
        chart.draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>()).map_err(err)?.label("negative points").legend(swatch(NEGATIVE));
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    }
}

// ---------------------------------------------------------------- fit × engagement

struct Matrix<'a> {
    b: &'a Backtest,
    leads: Vec<LeadScore>,
    base_points: i64,
}

impl<'a> Matrix<'a> {
    fn new(p: &Prepared, b: &'a Backtest) -> Self {
        Matrix { b, leads: p.holdout.clone(), base_points: p.model.base_points }
    }

    /// Band edges: quintiles of the distinct scores leads have, as [lo, hi) ranges.
    fn edges(values: Vec<i64>) -> Vec<i64> {
        let mut sorted = values;
        sorted.sort_unstable();
        let mut edges: Vec<i64> = (0..=5).map(|q| sorted[((q * (sorted.len() - 1)) / 5).min(sorted.len() - 1)]).collect();
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
        let band = |edges: &[i64], v: i64| edges.partition_point(|&e| e <= v).saturating_sub(1).min(edges.len() - 2);
        let mut cells = vec![vec![(0u64, 0u64, 0u64, 0u64); eng_edges.len() - 1]; fit_edges.len() - 1];
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
        let rate = |c: (u64, u64, u64, u64)| if c.2 > 0 { c.1 as f64 / c.2 as f64 } else { f64::NAN };
        let high = cells.last().and_then(|r| r.last()).copied().unwrap_or_default();
        let low = cells.first().and_then(|r| r.first()).copied().unwrap_or_default();
        format!("High fit and high engagement win {} of the time; low fit and low engagement {}", pct(rate(high)), pct(rate(low)))
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
            if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 { eng_labels.get(k as usize).cloned().unwrap_or_default() } else { String::new() }
        };
        let y_label = |v: &f64| {
            let k = (v - 0.5).round();
            if (v - 0.5 - k).abs() < 1e-6 && k >= 0.0 { fit_labels.get(k as usize).cloned().unwrap_or_default() } else { String::new() }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(format!("engagement score band (points); dashed: the MQL boundary, score ≥ {}", self.b.recommendation.threshold))
            .y_desc("fit score band (points)")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .x_labels(ne * 2 + 1)
            .y_labels(nf * 2 + 1)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()
            .map_err(err)?;
        let max_rate = cells.iter().flatten().filter(|c| c.2 > 0).map(|c| c.1 as f64 / c.2 as f64).fold(0.01f64, f64::max);
        for (f, row) in cells.iter().enumerate() {
            for (e, &(leads, won, decided, mqls)) in row.iter().enumerate() {
                let rate = if decided > 0 { won as f64 / decided as f64 } else { 0.0 };
                let t = rate / max_rate;
                let fill = RGBColor(
                    (255.0 - t * (255.0 - WON.0 as f64)) as u8,
                    (255.0 - t * (255.0 - WON.1 as f64)) as u8,
                    (255.0 - t * (255.0 - WON.2 as f64)) as u8,
                );
                let (x, y) = (e as f64, f as f64);
                chart.draw_series(std::iter::once(Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled()))).map_err(err)?;
                chart.draw_series(std::iter::once(Rectangle::new([(x, y), (x + 1.0, y + 1.0)], WHITE.stroke_width(3)))).map_err(err)?;
                let ink = if t > 0.6 { WHITE } else { INK };
                let rate_text = if decided > 0 { format!("{} won", pct(rate)) } else { "no decided leads".into() };
                chart
                    .draw_series([
                        Text::new(format!("{leads} leads"), (x + 0.5, y + 0.72), small_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center))),
                        Text::new(rate_text, (x + 0.5, y + 0.5), label_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center))),
                        Text::new(
                            format!("{} MQLs", pct(mqls as f64 / leads.max(1) as f64)),
                            (x + 0.5, y + 0.28),
                            small_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                        ),
                    ])
                    .map_err(err)?;
            }
        }
        // MQL boundary fit + engagement = T − base, mapped into band coordinates piecewise-linearly.
        let to_band = |edges: &[i64], v: f64| -> f64 {
            let last = edges.len() - 1;
            if v <= edges[0] as f64 {
                return 0.0;
            }
            if v >= edges[last] as f64 {
                return last as f64;
            }
            let k = edges.partition_point(|&e| (e as f64) <= v) - 1;
            k as f64 + (v - edges[k] as f64) / (edges[k + 1] - edges[k]) as f64
        };
        let boundary = (self.b.recommendation.threshold - self.base_points) as f64;
        let (e_lo, e_hi) = (eng_edges[0] as f64, *eng_edges.last().unwrap_or(&0) as f64);
        let steps = 200;
        let line: Vec<(f64, f64)> = (0..=steps)
            .map(|s| e_lo + (e_hi - e_lo) * s as f64 / steps as f64)
            .map(|eng| (to_band(&eng_edges, eng), to_band(&fit_edges, boundary - eng)))
            .filter(|&(_, y)| y > 0.0 && y < nf as f64)
            .collect();
        chart.draw_series(DashedLineSeries::new(line, 14, 8, INK.stroke_width(4))).map_err(err)?;
        Ok(())
    }
}

// ---------------------------------------------------------------- segments

struct Segments<'a> {
    b: &'a Backtest,
}

impl Segments<'_> {
    fn rows(&self) -> Vec<&mqlcal_backtest::SegmentRow> {
        let first = self.b.segments.first().map(|s| s.segment.clone()).unwrap_or_default();
        self.b.segments.iter().filter(|s| s.segment == first).collect()
    }
}

impl Figure for Segments<'_> {
    fn name(&self) -> &'static str {
        "segments"
    }

    fn title(&self) -> String {
        let rows = self.rows();
        let decided = |r: &&&mqlcal_backtest::SegmentRow| r.won + r.lost >= 5;
        let best = rows.iter().filter(decided).max_by(|a, b| a.conversion.unwrap_or(0.0).total_cmp(&b.conversion.unwrap_or(0.0)));
        let worst = rows.iter().filter(decided).min_by(|a, b| a.conversion.unwrap_or(0.0).total_cmp(&b.conversion.unwrap_or(0.0)));
        match (best, worst) {
            (Some(b), Some(w)) if b.value != w.value => format!(
                "{} MQLs convert best ({}), {} worst ({}) at threshold {}",
                b.value,
                pct(b.conversion.unwrap_or(0.0)),
                w.value,
                pct(w.conversion.unwrap_or(0.0)),
                self.b.recommendation.threshold
            ),
            _ => format!("MQLs by {} at threshold {}", rows.first().map_or("segment", |r| r.segment.as_str()), self.b.recommendation.threshold),
        }
    }

    fn caption(&self) -> String {
        let segment = self.rows().first().map_or("segment".to_string(), |r| r.segment.clone());
        format!("MQLs a month by {segment} at the recommended threshold (left) and the share of their decided MQLs that won, with Wilson intervals, against the target band (right).")
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let rows = self.rows();
        let n = rows.len() as i32;
        let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        let v_max = rows.iter().map(|r| r.mqls_per_month).fold(1.0f64, f64::max) * 1.2;
        let mut volume = ChartBuilder::on(&left)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..v_max, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        volume
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("MQLs per month")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(rows.len())
            .y_label_formatter(&label)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        for (k, r) in rows.iter().enumerate() {
            let seg = n - 1 - k as i32;
            volume
                .draw_series(Histogram::horizontal(&volume).margin(14).style(HOLDOUT.filled()).data(std::iter::once((seg, r.mqls_per_month))))
                .map_err(err)?;
            volume
                .draw_series(std::iter::once(Text::new(
                    format!(" {:.1}", r.mqls_per_month),
                    (r.mqls_per_month, SegmentValue::CenterOf(seg)),
                    small_font().pos(Pos::new(HPos::Left, VPos::Center)),
                )))
                .map_err(err)?;
        }

        let band = self.b.constraints.band;
        let c_max = rows.iter().filter_map(|r| r.conversion_high).fold(band.1, f64::max).min(1.0) * 1.05;
        let label = top_down_labels(rows.iter().map(|r| r.value.clone()).collect());
        let mut conversion = ChartBuilder::on(&right)
            .margin(20)
            .x_label_area_size(70)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..c_max, (0..(n - 1).max(0)).into_segmented())
            .map_err(err)?;
        conversion
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("MQL conversion to won")
            .axis_desc_style(label_font())
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .y_labels(rows.len())
            .y_label_formatter(&label)
            .x_label_formatter(&percent)
            .draw()
            .map_err(err)?;
        conversion
            .draw_series(std::iter::once(Rectangle::new(
                [(band.0, SegmentValue::Exact(0)), (band.1, SegmentValue::Exact(n))],
                BAND.mix(0.15).filled(),
            )))
            .map_err(err)?
            .label(format!("target band {:.0}–{:.0} %", 100.0 * band.0, 100.0 * band.1))
            .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        for (k, r) in rows.iter().enumerate() {
            let seg = n - 1 - k as i32;
            let (Some(cv), Some(lo), Some(hi)) = (r.conversion, r.conversion_low, r.conversion_high) else { continue };
            conversion
                .draw_series(std::iter::once(PathElement::new(
                    vec![(lo, SegmentValue::CenterOf(seg)), (hi, SegmentValue::CenterOf(seg))],
                    HOLDOUT.stroke_width(3),
                )))
                .map_err(err)?;
            conversion
                .draw_series(std::iter::once(Circle::new((cv, SegmentValue::CenterOf(seg)), 10, HOLDOUT.filled())))
                .map_err(err)?;
        }
        legend(&mut conversion, SeriesLabelPosition::LowerRight)
    }
}

// ---------------------------------------------------------------- stability

struct Stability<'a> {
    b: &'a Backtest,
}

impl Figure for Stability<'_> {
    fn name(&self) -> &'static str {
        "stability"
    }

    fn title(&self) -> String {
        let aucs: Vec<f64> = self.b.walk_forward.iter().filter_map(|w| w.auc).collect();
        let lo = aucs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = aucs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if aucs.is_empty() {
            return "Walk-forward: no cohort with both outcomes".into();
        }
        format!("Out of time, AUC held between {lo:.2} and {hi:.2} over {} quarters refitted in turn", aucs.len())
    }

    fn caption(&self) -> String {
        "Walk-forward: each cohort scored by a model fitted on all earlier cohorts. Left: ROC AUC. Middle and right: conversion and MQLs a month at the threshold chosen on that cohort, and at the threshold chosen on the cohort before (carried forward).".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let steps = &self.b.walk_forward;
        let n = steps.len() as i32;
        let panels = area.split_evenly((3, 1));
        let cohorts: Vec<String> = steps.iter().map(|w| w.cohort.clone()).collect();
        let x_label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => cohorts.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let at = |i: usize| SegmentValue::CenterOf(i as i32);

        let aucs: Vec<f64> = steps.iter().filter_map(|w| w.auc).collect();
        let lo = (aucs.iter().copied().fold(1.0f64, f64::min) - 0.05).max(0.5);
        let hi = (aucs.iter().copied().fold(0.0f64, f64::max) + 0.05).min(1.0);
        let mut auc = ChartBuilder::on(&panels[0])
            .margin(20)
            .caption("ROC AUC", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), lo..hi)
            .map_err(err)?;
        auc.configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()
            .map_err(err)?;
        let pts: Vec<(SegmentValue<i32>, f64)> = steps.iter().enumerate().filter_map(|(i, w)| w.auc.map(|a| (at(i), a))).collect();
        auc.draw_series(LineSeries::new(pts.clone(), HOLDOUT.stroke_width(3))).map_err(err)?;
        auc.draw_series(pts.into_iter().map(|p| Circle::new(p, 8, HOLDOUT.filled()))).map_err(err)?;

        let band = self.b.constraints.band;
        let values: Vec<f64> = steps.iter().flat_map(|w| [w.conversion, w.carried_conversion]).flatten().collect();
        let c_max = (values.iter().copied().fold(band.1, f64::max) + 0.05).min(1.0);
        let c_min = (values.iter().copied().fold(band.0, f64::min) - 0.1).max(0.0);
        let mut conv = ChartBuilder::on(&panels[1])
            .margin(20)
            .caption("MQL conversion to won", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), c_min..c_max)
            .map_err(err)?;
        conv.configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(&x_label)
            .y_label_formatter(&percent)
            .draw()
            .map_err(err)?;
        conv.draw_series(std::iter::once(Rectangle::new(
            [(SegmentValue::Exact(0), band.0), (SegmentValue::Exact(n), band.1)],
            BAND.mix(0.15).filled(),
        )))
        .map_err(err)?
        .label("target band")
        .legend(swatch(RGBColor(0xc8, 0xe8, 0xde)));
        let chosen: Vec<(SegmentValue<i32>, f64)> = steps.iter().enumerate().filter_map(|(i, w)| w.conversion.map(|c| (at(i), c))).collect();
        let carried: Vec<(SegmentValue<i32>, f64)> = steps.iter().enumerate().filter_map(|(i, w)| w.carried_conversion.map(|c| (at(i), c))).collect();
        conv.draw_series(LineSeries::new(chosen.clone(), HOLDOUT.stroke_width(3)))
            .map_err(err)?
            .label("threshold chosen on the cohort")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], HOLDOUT.stroke_width(3)));
        conv.draw_series(chosen.into_iter().map(|p| Circle::new(p, 8, HOLDOUT.filled()))).map_err(err)?;
        conv.draw_series(DashedLineSeries::new(carried.clone(), 10, 6, LOST.stroke_width(3)))
            .map_err(err)?
            .label("threshold carried from the cohort before")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], LOST.stroke_width(3)));
        conv.draw_series(carried.into_iter().map(|p| Circle::new(p, 7, LOST.filled()))).map_err(err)?;
        legend(&mut conv, SeriesLabelPosition::LowerRight)?;

        let cap = self.b.constraints.capacity_per_month;
        let v_max = steps.iter().flat_map(|w| [w.mqls_per_month, w.carried_mqls_per_month]).fold(cap, f64::max) * 1.25;
        let mut volume = ChartBuilder::on(&panels[2])
            .margin(20)
            .caption("MQLs per month", panel_font())
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), 0.0..v_max)
            .map_err(err)?;
        volume
            .configure_mesh()
            .disable_x_mesh()
            .label_style(small_font())
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        volume
            .draw_series(std::iter::once(PathElement::new(vec![(SegmentValue::Exact(0), cap), (SegmentValue::Exact(n), cap)], CAPACITY.stroke_width(3))))
            .map_err(err)?
            .label(format!("capacity {cap:.0}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], CAPACITY.stroke_width(3)));
        let chosen: Vec<(SegmentValue<i32>, f64)> = steps.iter().enumerate().map(|(i, w)| (at(i), w.mqls_per_month)).collect();
        let carried: Vec<(SegmentValue<i32>, f64)> = steps.iter().enumerate().map(|(i, w)| (at(i), w.carried_mqls_per_month)).collect();
        volume.draw_series(LineSeries::new(chosen.clone(), HOLDOUT.stroke_width(3))).map_err(err)?;
        volume.draw_series(chosen.into_iter().map(|p| Circle::new(p, 8, HOLDOUT.filled()))).map_err(err)?;
        volume.draw_series(DashedLineSeries::new(carried.clone(), 10, 6, LOST.stroke_width(3))).map_err(err)?;
        volume.draw_series(carried.into_iter().map(|p| Circle::new(p, 7, LOST.filled()))).map_err(err)?;
        legend(&mut volume, SeriesLabelPosition::LowerRight)
    }
}

// ---------------------------------------------------------------- comparison

struct Comparison<'a> {
    b: &'a Backtest,
}

impl Figure for Comparison<'_> {
    fn name(&self) -> &'static str {
        "comparison"
    }

    fn title(&self) -> String {
        let Some(c) = &self.b.comparison else { return String::new() };
        let conv = |v: Option<f64>| v.map_or("-".into(), pct);
        format!(
            "Recalibrated: {:.0} MQLs a month converting at {}; today's model: {:.0} at {}",
            c.candidate.mqls_per_month,
            conv(c.candidate.conversion),
            c.current.mqls_per_month,
            conv(c.current.conversion)
        )
    }

    fn caption(&self) -> String {
        "The model in use today and the recalibrated one on the same holdout, each at its own threshold: MQLs a month, conversion with Wilson intervals, and the share of all wins among their MQLs.".into()
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn {
        let Some(c) = &self.b.comparison else { return Ok(()) };
        let panels = area.split_evenly((1, 3));
        let sides = [(&c.current, CURRENT, "today"), (&c.candidate, CANDIDATE, "recalibrated")];
        let names = ["today".to_string(), "recalibrated".to_string()];
        let x_label = move |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        type Measure = fn(&mqlcal_backtest::ModelSide) -> (f64, Option<(f64, f64)>);
        let measures: [(&str, Measure, bool); 3] = [
            ("MQLs per month", |s| (s.mqls_per_month, None), false),
            ("MQL conversion to won", |s| (s.conversion.unwrap_or(0.0), s.conversion_low.zip(s.conversion_high)), true),
            ("share of wins captured", |s| (s.wins_captured_share.unwrap_or(0.0), None), true),
        ];
        for (panel, (caption, measure, is_share)) in panels.iter().zip(measures) {
            let values: Vec<(f64, Option<(f64, f64)>)> = sides.iter().map(|(s, _, _)| measure(s)).collect();
            let top = values.iter().map(|(v, i)| i.map_or(*v, |i| i.1)).fold(0.0f64, f64::max);
            let y_max = if is_share { (top * 1.25).clamp(0.05, 1.0) } else { (top * 1.25).max(1.0) };
            let mut chart = ChartBuilder::on(panel)
                .margin(20)
                .caption(caption, panel_font())
                .x_label_area_size(60)
                .y_label_area_size(90)
                .build_cartesian_2d((0..1).into_segmented(), 0.0..y_max)
                .map_err(err)?;
            let y_fmt = move |v: &f64| if is_share { percent(v) } else { format!("{v:.0}") };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .label_style(label_font())
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .x_label_formatter(&x_label)
                .y_label_formatter(&y_fmt)
                .draw()
                .map_err(err)?;
            for (i, ((v, interval), (_, color, _))) in values.iter().zip(&sides).enumerate() {
                let i = i as i32;
                chart
                    .draw_series(Histogram::vertical(&chart).margin(40).style(color.filled()).data(std::iter::once((i, *v))))
                    .map_err(err)?;
                if let Some((lo, hi)) = interval {
                    chart
                        .draw_series(std::iter::once(ErrorBar::new_vertical(SegmentValue::CenterOf(i), *lo, *v, *hi, INK.stroke_width(3), 24)))
                        .map_err(err)?;
                }
                let text = if is_share { pct(*v) } else { format!("{v:.0}") };
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (SegmentValue::CenterOf(i), interval.map_or(*v, |x| x.1) + y_max * 0.03),
                        label_font().pos(Pos::new(HPos::Center, VPos::Bottom)),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}
