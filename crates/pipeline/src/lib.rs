//! The recalibration pipeline as a library. One entry per stage, each taking
//! the previous stage's value:
//!
//! ```text
//! load_config ─ checks (nothing read but the config and model files)
//!   └ ingest ──→ Ingested ─ split ─ fit ──→ Fitted ─ backtest ──→ Backtested
//!                                                    └ write_report, write_exports, write_tables
//! ```
//!
//! The out-of-time split is computed once and carried in [`Fitted`]; the model
//! in use today (`[model] current`) is read once, before any data, and passed
//! in ([`CurrentModel`]). [`recalibrate`] runs the whole chain into one run
//! directory, built in a staging folder and installed in one step
//! ([`rundir`]), and returns the run's [`Summary`] as data. Nothing here
//! prints: stages return their warnings, and a [`Progress`] is told when
//! stages start and end.

pub mod checks;
pub mod compare;
mod feature_sql;
mod files;
mod inputs;
mod model_file;
pub mod outputs;
pub mod pdf;
pub mod provenance;
pub mod recalibrate;
pub mod rundir;
mod stages;
pub mod summary;
mod views;

pub use feature_sql::{auto_dates_note, decimal_note, feature_sql};
pub use files::{write_atomic, write_atomic_with, write_json};
pub use inputs::{load_config, Inputs};
pub use model_file::{CurrentModel, ModelFile};
pub use recalibrate::{recalibrate, Progress, RunOptions};
pub use stages::{backtest, fit, fit_and_backtest, ingest, ingest_whole, split, validate, Backtested, DataChecks, Fitted, Ingested};
pub use summary::Summary;
pub use views::fit_json;

/// The version recorded in model files and reports (every crate of the workspace shares it).
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
