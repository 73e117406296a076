//! Read and validate CRM exports (CSV or Parquet, three layouts, events) with
//! polars and build the as-of feature table. polars lives only in this crate.

mod cells;
mod coded_table;
mod csv_cut;
mod csv_lint;
mod error;
mod event_stream;
mod events;
mod feature_file;
mod guess;
mod id_slots;
mod infer;
mod profile;
mod quality;
mod ingest;
mod random_reads;
mod lead_rows;
mod read;
mod report_footer;
mod toml_text;
pub mod id_forms;
mod recipe_columns;
mod rollup;
mod record_bytes;
mod scoring;
mod utf16;
mod workbook;
mod write;

pub use error::DataError;
pub use events::{DecisionStats, EventStats, OpenWindows};
pub use feature_file::{grouped_frame, read_feature_table};
pub use write::{feature_frame, refuse_input, tidy_frame, write_frame, write_tidy};
pub use ingest::{build_features, cohort_label, ingest, plausible_dates, IngestOptions, IngestStats, Ingested};
pub use infer::{draft_config, Draft, InitOptions, DEFAULT_MIN_LEVEL_COUNT};
pub use profile::{ColumnProfile, LEAKAGE_AUC};
pub use quality::{quality_report, validate, CohortRow, QualityReport};
pub use read::{file_kind, FileKind};
pub use scoring::{read_scoring_input, AlsoKeyCounts, ScoringInput};
