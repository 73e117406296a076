//! The report's content, once, as sections of plain-text blocks; `html` and
//! `markdown` only lay it out (and escape every string). The first section is
//! the executive summary (`summary`); the analyst's sections follow, one file
//! per group, with the block builders they share in `format`.

mod comparison;
mod data;
mod format;
mod model;
mod segments;
mod stability;
mod summary;

pub use summary::{backtest_cautions, before_deciding};
mod thresholds;
mod two_axis;

use crate::charts::Chart;
use crate::prepare::Prepared;
use crate::ReportInputs;

pub enum Block {
    /// The decision, in one sentence.
    Decision(String),
    /// The headline numbers, each against its target and with its likely range.
    KeyFigures(Vec<KeyFigure>),
    /// What could change the decision (at most three).
    Warnings(Vec<String>),
    /// Small print under the summary.
    Note(String),
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

/// One headline number: "MQLs a month: 123 (capacity 130), likely between 116 and 131".
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    /// What it is held against ("capacity 130").
    pub against: String,
    /// The interval in words ("likely between 116 and 131").
    pub likely: String,
}

pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
    /// The summary is always shown; the analyst's sections fold on screen.
    pub summary: bool,
}

impl Section {
    fn analyst(id: &'static str, heading: impl Into<String>, blocks: Vec<Block>) -> Section {
        Section {
            id,
            heading: heading.into(),
            blocks,
            summary: false,
        }
    }
}

/// The report's sections in reading order: the summary, then what an analyst
/// opens (the comparison and segments only when the backtest has them).
pub fn sections(inputs: &ReportInputs, p: &Prepared, charts: &[Chart]) -> Vec<Section> {
    let b = inputs.backtest;
    let mut out = vec![summary::section(inputs, charts)];
    out.extend(two_axis::section(b, charts));
    out.extend(comparison::section(b, charts));
    out.push(thresholds::section(b, charts));
    out.push(data::section(inputs, p));
    out.push(model::points_section(&p.model, charts));
    out.push(model::calibration_section(inputs, &p.model, charts));
    out.push(stability::section(inputs, charts));
    out.extend(segments::section(b, charts));
    out.push(data::reproduce_section(inputs.reproduce));
    out
}
