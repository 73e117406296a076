//! What a lead does: its events inside the window, before creation and after sales contact.

use rand::Rng;

use crate::attributes::{
    Lead, BLOG, CASE, CLICK, DEMO, EBOOK, N_ACT, OPEN, PRICING, PROFILES, UNSUB, WEBINAR,
};
use crate::draws::Draws;

/// Pre-creation events: share of leads with some, and how far back they go.
const PRE_SHARE: f64 = 0.06;
const PRE_MAX_DAYS: f64 = 60.0;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Event {
    /// Days since `start` (may be negative).
    pub(crate) day: i32,
    /// Seconds since midnight.
    pub(crate) sec: u32,
    pub(crate) activity: u8,
}

/// Events inside the window `[cday, cday + window)`, drawn from the lead's channel, latent
/// intent and engagement. Returns the engagement level, which also drives activity after
/// sales contact.
pub(crate) fn window_events(
    d: &mut Draws,
    lead: &Lead,
    cday: i64,
    window: i64,
    drift: f64,
    events: &mut Vec<Event>,
) -> f64 {
    let prof = &PROFILES[lead.channel];
    let fitz_intent = match lead.title {
        0..=2 => 0.3,
        5 => -0.5,
        _ => 0.0,
    } + if lead.domain == 0 { 0.1 } else { -0.3 };
    let g = d.gamma(2.0, 0.5) * prof.engage * (0.97 + 0.06 * drift);
    let binge = d.rng.random_bool(prof.binge);
    let mut h = prof.intent * (fitz_intent + 0.6 * d.normal()).exp();
    if binge {
        h *= 0.4;
    }
    if lead.domain == 3 {
        h *= 0.5; // competitors snoop, they rarely ask for demos
    }
    let mut rates = [0.0f64; N_ACT];
    rates[BLOG] = 4.5 * g * (0.95 + 0.1 * drift);
    if binge {
        rates[BLOG] += d.gamma(4.0, 6.0);
    }
    let email_drift = 1.1 - 0.2 * drift; // opens get rarer (privacy changes)
    rates[OPEN] = 6.5 * g * prof.email * email_drift;
    rates[CLICK] = 1.0 * g * prof.email * h.sqrt();
    rates[EBOOK] = 0.45 * g;
    rates[CASE] = 0.2 * g * h;
    rates[WEBINAR] = 0.25 * g * prof.webinar * (1.05 - 0.1 * drift);
    rates[PRICING] = 0.3 * g * h * (0.95 + 0.1 * drift);
    rates[DEMO] = (0.045 * h).min(1.0);
    rates[UNSUB] = (0.035 * if lead.domain == 1 { 1.6 } else { 1.0 } / h.sqrt()).min(0.5);
    for (a, &r) in rates.iter().enumerate() {
        let m = d.poisson(r);
        for _ in 0..m {
            let u: f64 = d.rng.random();
            let off = ((window as f64) * u.powf(1.6)) as i64;
            let day = cday + off.min(window - 1);
            let sec = d.time_of_day();
            events.push(Event {
                day: day as i32,
                sec,
                activity: a as u8,
            });
        }
    }
    g
}

/// A few anonymous visits before the lead was created (for some leads).
pub(crate) fn pre_creation_events(d: &mut Draws, cday: i64, events: &mut Vec<Event>) {
    if d.rng.random_bool(PRE_SHARE) {
        let m = 1 + d.poisson(1.5);
        for _ in 0..m {
            let a = if d.rng.random_bool(0.8) {
                BLOG
            } else {
                PRICING
            };
            let back = 1 + (d.rng.random::<f64>() * PRE_MAX_DAYS) as i64;
            let sec = d.time_of_day();
            events.push(Event {
                day: (cday - back) as i32,
                sec,
                activity: a as u8,
            });
        }
    }
}

/// After sales contact (outside the window): leakage, never used for the outcome. Events at
/// or after `as_of` are drawn but not kept.
pub(crate) fn post_contact_events(
    d: &mut Draws,
    g: f64,
    won: bool,
    cday: i64,
    window: i64,
    as_of: i64,
    events: &mut Vec<Event>,
) {
    let mut post = [0.0f64; N_ACT];
    post[OPEN] = 2.0 * g;
    post[BLOG] = 0.8 * g;
    if won {
        post[OPEN] += 3.0;
        post[CLICK] += 2.0;
        post[PRICING] += 1.5;
        post[CASE] += 0.6;
        post[DEMO] += 0.7;
        post[WEBINAR] += 0.3;
    } else {
        post[OPEN] += 1.0;
        post[UNSUB] += 0.08;
    }
    for (a, &r) in post.iter().enumerate() {
        let m = d.poisson(r);
        for _ in 0..m {
            let u: f64 = d.rng.random();
            let later = 1 + ((-(1.0 - u).ln()) * 25.0).min(200.0) as i64;
            let day = cday + window + later;
            let sec = d.time_of_day();
            if day < as_of {
                events.push(Event {
                    day: day as i32,
                    sec,
                    activity: a as u8,
                });
            }
        }
    }
}
