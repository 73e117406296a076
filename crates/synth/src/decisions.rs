//! Decision dates (`SynthParams::decisions`): the day each decided lead was won or lost, and
//! what a won lead does once it is a customer. A lead decides soon after its last engagement
//! in the window, so a won lead decided inside its window goes on to open onboarding e-mails,
//! click and visit the pricing page before the window ends: activity that counted in the
//! window would leak the outcome into the engagement signals. Nothing before a decision
//! changes, so with the window ended at the decision the features are the world's. It draws
//! from its own generator, so the world is the same with or without it.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::attributes::{CASE, CLICK, N_ACT, OPEN, PRICING};
use crate::behaviour::Event;

/// Onboarding activity per day of a won lead between its decision and its window's end.
const WON_PER_DAY: [(usize, f64); 4] = [(OPEN, 0.3), (CLICK, 0.15), (PRICING, 0.08), (CASE, 0.03)];
/// Nurture e-mails a lost lead opens per day after its decision, inside its window.
const LOST_OPENS_PER_DAY: f64 = 0.05;

pub(crate) struct Decisions {
    rng: Xoshiro256PlusPlus,
}

impl Decisions {
    pub(crate) fn new(seed: u64) -> Self {
        Decisions { rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ 0xD1CE_D0C1_5E0F_A11E) }
    }

    /// The day (days since `start`) in the lead's decision-date cell: for a decided lead, 1 to
    /// 5 days after its last event in the window `[cday, cday + window)` (or its creation);
    /// for an open lead, the forecast a CRM shows, 30 to 90 days after creation.
    pub(crate) fn day(&mut self, cday: i64, window: i64, open: bool, events: &[Event]) -> i64 {
        // Two draws for every lead, so each lead's depend only on its position.
        let (delay, forecast) = (self.rng.random_range(1..=5), self.rng.random_range(30..=90));
        if open {
            return cday + forecast;
        }
        let last = events.iter().map(|e| e.day as i64).filter(|&d| d >= cday && d < cday + window).max().unwrap_or(cday);
        last + delay
    }

    /// Events a decided lead has between its decision day and its window's end (days before
    /// `before` only): onboarding for a won lead, a few nurture e-mail opens for a lost one.
    pub(crate) fn after_decision(&mut self, won: bool, decided: i64, cday: i64, window: i64, before: i64, events: &mut Vec<Event>) {
        let mut rates = [0.0; N_ACT];
        match won {
            true => WON_PER_DAY.iter().for_each(|&(activity, rate)| rates[activity] = rate),
            false => rates[OPEN] = LOST_OPENS_PER_DAY,
        }
        for day in decided..(cday + window).min(before) {
            for (activity, &rate) in rates.iter().enumerate() {
                for _ in 0..poisson_small(&mut self.rng, rate) {
                    let sec = self.rng.random_range(8 * 3600..20 * 3600);
                    events.push(Event { day: day as i32, sec, activity: activity as u8 });
                }
            }
        }
    }
}

/// A Poisson draw for a small rate (Knuth's product of uniforms).
fn poisson_small(rng: &mut Xoshiro256PlusPlus, rate: f64) -> u32 {
    if rate <= 0.0 {
        return 0;
    }
    let (limit, mut product, mut k) = ((-rate).exp(), rng.random::<f64>(), 0);
    while product > limit {
        product *= rng.random::<f64>();
        k += 1;
    }
    k
}
