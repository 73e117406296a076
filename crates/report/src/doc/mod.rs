//! The report's content, once, as sections of plain-text blocks; `html` and
//! `markdown` only lay it out (and escape every string). One file per group of
//! sections, with the number formats they share in `format`.

mod comparison;
mod data;
mod format;
mod model;
mod recommendation;
mod segments;
mod stability;
mod thresholds;

use crate::charts::Chart;
use crate::prepare::Prepared;
use crate::ReportInputs;

pub use recommendation::recommendation;

pub enum Block {
    /// The recommendation, set apart.
    Lede(String),
    Paragraph(String),
    List(Vec<String>),
    /// Columns flagged numeric are right-aligned.
    Table {
        header: Vec<String>,
        numeric: Vec<bool>,
        rows: Vec<Vec<String>>,
    },
    /// A chart, by name.
    Figure(&'static str),
    Code(String),
}

pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// The report's sections in reading order; segments and the comparison only when the backtest has them.
pub fn sections(inputs: &ReportInputs, p: &Prepared, charts: &[Chart]) -> Vec<Section> {
    let b = inputs.backtest;
    let mut out = vec![
        recommendation::section(inputs),
        data::section(inputs, p),
        model::points_section(&p.model, charts),
        model::calibration_section(&p.model, charts),
        thresholds::section(b, charts),
        stability::section(b, charts),
    ];
    out.extend(segments::section(b, charts));
    out.extend(comparison::section(b, charts));
    out.push(data::reproduce_section(inputs.reproduce));
    out
}
