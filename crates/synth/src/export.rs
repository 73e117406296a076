//! The export's view of the world: when it is taken (`export_at`) and which decided leads it
//! still shows as open. It draws from its own generator, so the world is the same with or
//! without it.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::params::SynthParams;

/// Age in days beyond which a lost lead may be left open ([`SynthParams::stale_open_percent`]).
pub const STALE_AFTER_DAYS: i64 = 180;

/// Probability that a lead created `age` days before the export is still open.
pub(crate) fn p_open(age: f64) -> f64 {
    if age <= 35.0 {
        0.92
    } else {
        (0.92 - (age - 35.0) / 57.0 * 0.77).max(0.1)
    }
}

/// The export: its day and its own random stream.
pub(crate) struct ExportView<'a> {
    p: &'a SynthParams,
    /// Days since `start` of the export (the as-of day without `export_at`).
    pub(crate) day: i64,
    rng: Xoshiro256PlusPlus,
}

impl<'a> ExportView<'a> {
    pub(crate) fn new(p: &'a SynthParams, as_of: i64) -> Self {
        ExportView {
            p,
            day: p.export_at.map_or(as_of, |d| (d - p.start).num_days()),
            rng: Xoshiro256PlusPlus::seed_from_u64(p.seed ^ 0x9E37_79B9_7F4A_7C15),
        }
    }

    /// Whether the export shows a lead created on `cday` as open, given its outcome and
    /// whether its decision is in yet in the world (`open`); `None` when it was created
    /// on or after the export day, so the export does not have it.
    pub(crate) fn shows_open(&mut self, cday: i64, won: bool, open: bool) -> Option<bool> {
        // Two draws for every lead, whatever its fate, so each lead's depend only on its position.
        let (u_open, u_stale): (f64, f64) = (self.rng.random(), self.rng.random());
        if cday >= self.day {
            return None;
        }
        let p = self.p;
        let age_at_export = self.day - cday;
        let open = open
            || (p.export_at.is_some()
                && age_at_export <= 92
                && u_open < p_open(age_at_export as f64))
            || (!won
                && age_at_export > STALE_AFTER_DAYS
                && u_stale < p.stale_open_percent as f64 / 100.0);
        Some(open)
    }
}
