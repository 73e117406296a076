//! The report stage of the data flow: a fit and a backtest → charts a VP of
//! Sales can read (PNG and SVG, text from an embedded font) and one
//! self-contained review report (HTML with inline SVG, and Markdown beside the
//! PNGs). plotters lives only in this crate.

mod charts;
mod doc;
mod escape;
mod html;
mod markdown;
mod numbers;
mod prepare;
mod style;

pub use charts::{render_all, Chart, Layout, Rect};
pub use escape::{escape_html, escape_markdown, escape_markdown_in, Md};
pub use prepare::{LeadScore, Prepared};

use mqlcal_backtest::Backtest;
use mqlcal_features::FeatureTable;
use mqlcal_fit::FitReport;
use serde::Serialize;

/// Why charts or the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot draw chart {chart}: {message}")]
    Draw { chart: String, message: String },
    #[error("cannot encode {chart}.png: {message}")]
    Encode { chart: String, message: String },
    #[error("the embedded font could not be loaded")]
    Font,
    #[error("cannot score the leads for the report: {0}")]
    Score(String),
}

/// One input file and its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFingerprint {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// How to reproduce the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reproduce {
    /// The exact command line.
    pub command: String,
    pub config_path: String,
    pub config_sha256: String,
    pub inputs: Vec<InputFingerprint>,
    pub tool_version: String,
}

/// What the report is made of.
pub struct ReportInputs<'a> {
    pub table: &'a FeatureTable,
    pub fit: &'a FitReport,
    pub backtest: &'a Backtest,
    /// Warnings from reading and validating the data.
    pub data_warnings: &'a [String],
    /// Of them, those that could change the decision, a sentence each (the summary's first).
    pub data_cautions: &'a [String],
    /// The features the data's warnings already call constant on the training leads.
    pub data_constant_features: &'a [String],
    /// What reading the data did that is not a warning (windows ended at decisions), in words.
    pub data_notes: Vec<String>,
    pub reproduce: &'a Reproduce,
    /// Title line, e.g. the config's name.
    pub title: String,
    /// The cohort period (`[cohorts] period`): charts and text say "month" or "quarter".
    pub period: Period,
}

pub use mqlcal_scorecard::Period;

/// What each walk-forward refit trained on: "every quarter before it", or with a
/// training window ([model] training_cohorts) "at most the 3 quarters before it"
/// (the first steps have fewer before them).
pub(crate) fn refitted_on(period: Period, b: &mqlcal_backtest::Backtest) -> String {
    if b.before_window.is_empty() {
        format!("every {} before it", period.word())
    } else {
        format!("at most the {} before it", period.count(b.training_cohorts.len()))
    }
}

/// The report's documents.
pub struct Documents {
    /// For the screen: the summary, then the analyst's sections folded (`<details>`).
    pub html: String,
    /// For print (the PDF): the same page with every section open.
    pub print_html: String,
    pub markdown: String,
}

/// Prepare, draw every chart and write the documents (in memory).
pub fn build(inputs: &ReportInputs) -> Result<(Vec<Chart>, Documents), ReportError> {
    let prepared = Prepared::new(inputs)?;
    let charts = render_all(&prepared, inputs)?;
    let html = html::render(inputs, &prepared, &charts, html::Layout::Screen);
    let print_html = html::render(inputs, &prepared, &charts, html::Layout::Print);
    let markdown = markdown::render(inputs, &prepared, &charts);
    Ok((charts, Documents { html, print_html, markdown }))
}

pub use doc::{backtest_cautions, before_deciding};

/// The recommendation in one line, for the terminal.
pub fn recommendation_text(backtest: &Backtest) -> String {
    backtest.recommendation.summary.clone()
}
