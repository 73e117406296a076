//! Synthetic B2B lead cohorts whose outcomes are drawn from known logistic weights.
//!
//! [`generate`] writes, into one folder:
//!
//! - `leads.csv`: `lead_id, created_at, outcome, channel, title_seniority, company_size,
//!   industry, country, email_domain_type` (one row per lead, sorted by `created_at`), and
//!   `closed_at` with [`SynthParams::decisions`];
//! - `events.csv`: `lead_id, occurred_at, activity` (sorted by lead, then time);
//! - `truth.json`: the intercept and weights of the true model, the feature columns in
//!   config order, and notes on the design;
//! - `truth_probabilities.csv`: `lead_id, true_p`, the true win probability of every lead
//!   (open leads included);
//! - `mqlcal.toml`: a config (see the README's config reference) that reads the files
//!   above and builds exactly the feature columns the truth is defined on;
//! - `current_points.toml`: a hand-made points sheet of typical published values, the
//!   "model in use today" the config measures beside the recalibrated one.
//!
//! The outcome of every lead is won with probability `sigmoid(intercept + Σ w_j·x_j)`, where
//! `x_j` are the feature columns the generated config produces from the written files
//! (categorical indicators, bins of a numeric column, a flag, and event counts inside the
//! as-of window, capped, without decay). Everything else (channel, latent intent, binge
//! reading, quarter-to-quarter drift, events outside the window) only shapes the
//! covariates, so a pooled logistic fit on decided leads is correctly specified.
//!
//! Generation streams lead by lead (no event is held beyond the current lead), every file is
//! written to a temporary file in the output folder and renamed into place, and the same
//! [`SynthParams`] always give byte-identical files.

mod attributes;
mod behaviour;
mod decisions;
mod draws;
mod error;
mod export;
mod generator;
mod params;
mod signals;
mod writers;

pub use attributes::{ACTIVITIES, CHANNELS};
pub use error::SynthError;
pub use export::STALE_AFTER_DAYS;
pub use generator::{generate, SynthSummary};
pub use params::SynthParams;
pub use signals::{feature_names, feature_weights, INTERCEPT};
pub use writers::{
    CONFIG_FILE, CURRENT_POINTS_FILE, EVENTS_FILE, LEADS_FILE, TRUTH_FILE, TRUTH_PROBABILITIES_FILE,
};
