//! What to generate, and the checks a request must pass before any work.

use chrono::{Datelike, Months, NaiveDate};

use crate::error::SynthError;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthParams {
    /// Number of leads (at least 1).
    pub leads: usize,
    /// Seed of the Xoshiro256++ generator; same params → same bytes.
    pub seed: u64,
    /// Number of calendar quarters the leads are spread over (default 8, at least 8).
    pub quarters: usize,
    /// First day of the first quarter (must be Jan 1, Apr 1, Jul 1 or Oct 1). Default 2024-01-01.
    pub start: NaiveDate,
    /// As-of window for engagement signals, in days (default 30, at least 1).
    pub window_days: u32,
    /// Take the export on this day instead of at the end of the last quarter:
    /// leads and events from this day on are not written, so the latest leads'
    /// windows are cut short, and leads created in the 92 days before it are
    /// often still open. The world itself (every lead's features and outcome,
    /// drawn from complete windows) is the same as without it.
    pub export_at: Option<NaiveDate>,
    /// Percent (0–100) of lost leads created more than 180 days before the
    /// export that the CRM still shows as open (stale open leads).
    pub stale_open_percent: u32,
    /// Write each lead's decision date (leads.csv's `closed_at`: 1–5 days after its last
    /// engagement in the window; a forecast for open leads) and the activity of leads after
    /// it: won leads decided inside their window are onboarded before it ends (e-mail
    /// opens, clicks, pricing visits), which leaks the outcome into the engagement signals
    /// unless the window ends at the decision (`[columns] decided_at`, which the written
    /// config sets). The world before each decision is the same as without it.
    pub decisions: bool,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            leads: 20_000,
            seed: 42,
            quarters: 8,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(NaiveDate::MIN),
            window_days: 30,
            export_at: None,
            stale_open_percent: 0,
            decisions: false,
        }
    }
}

pub(crate) fn validate(p: &SynthParams) -> Result<(), SynthError> {
    if p.leads == 0 {
        return Err(SynthError::InvalidParams("leads must be at least 1".into()));
    }
    if p.quarters < 8 {
        return Err(SynthError::InvalidParams(format!(
            "quarters must be at least 8 (got {})",
            p.quarters
        )));
    }
    if p.quarters > 400 {
        return Err(SynthError::InvalidParams(format!(
            "quarters must be at most 400 (got {})",
            p.quarters
        )));
    }
    if p.window_days == 0 || p.window_days > 365 {
        return Err(SynthError::InvalidParams(format!(
            "window_days must be between 1 and 365 (got {})",
            p.window_days
        )));
    }
    if p.start.day() != 1 || !matches!(p.start.month(), 1 | 4 | 7 | 10) {
        return Err(SynthError::InvalidParams(format!(
            "start must be the first day of a calendar quarter (Jan, Apr, Jul or Oct 1), got {}",
            p.start
        )));
    }
    if p.stale_open_percent > 100 {
        return Err(SynthError::InvalidParams(format!(
            "stale_open_percent must be 0 to 100 (got {})",
            p.stale_open_percent
        )));
    }
    if let Some(export) = p.export_at {
        let first = p.start + chrono::Duration::days(p.window_days as i64 + 1);
        let last = p
            .start
            .checked_add_months(Months::new(3 * p.quarters as u32))
            .unwrap_or(NaiveDate::MAX);
        if export < first || export > last {
            return Err(SynthError::InvalidParams(format!(
                "export_at {export} must fall between {first} and {last} (the generated quarters)"
            )));
        }
    }
    if p.start.year() < 1000 || p.start.year() > 9000 {
        return Err(SynthError::InvalidParams(format!(
            "start year out of range: {}",
            p.start
        )));
    }
    Ok(())
}
