//! Every chart, drawn once into SVG and once into a PNG buffer from the same
//! code. Titles state the finding, axes carry units, colours come from `style`.
//! One file per figure around the shared frame in `figure` and helpers in `common`.

mod common;
mod comparison;
mod figure;
mod fit_engagement;
mod gains;
mod points;
mod reliability;
mod score_distributions;
mod segments;
mod stability;
mod thresholds;
mod two_axis;

pub use common::{Layout, Rect};
pub use figure::{render_all, Chart};
pub(crate) use reliability::calibration_verdict;

#[cfg(test)]
mod tests;
