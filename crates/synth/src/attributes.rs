//! Activities, channels and lead attributes, and how a channel shapes them (never the weights).

use rand::Rng;

use crate::draws::Draws;

/// The six acquisition channels (the `channel` segment column).
pub const CHANNELS: [&str; 6] = [
    "organic search",
    "paid search",
    "paid social",
    "events/webinars",
    "referral",
    "email",
];

/// The activities written to `events.csv`.
pub const ACTIVITIES: [&str; 9] = [
    "blog_visit",
    "email_open",
    "email_click",
    "ebook_download",
    "case_study_download",
    "webinar_registration",
    "pricing_page_visit",
    "demo_request",
    "unsubscribe",
];

pub(crate) const BLOG: usize = 0;
pub(crate) const OPEN: usize = 1;
pub(crate) const CLICK: usize = 2;
pub(crate) const EBOOK: usize = 3;
pub(crate) const CASE: usize = 4;
pub(crate) const WEBINAR: usize = 5;
pub(crate) const PRICING: usize = 6;
pub(crate) const DEMO: usize = 7;
pub(crate) const UNSUB: usize = 8;
pub(crate) const N_ACT: usize = ACTIVITIES.len();

/// How a channel shapes the covariates (never the weights).
pub(crate) struct ChannelProfile {
    /// Share of new leads in the first and in the last quarter (linear in between).
    pub(crate) mix_first: f64,
    pub(crate) mix_last: f64,
    /// Shift of the latent fit (seniority, business domain, target industries, size).
    pub(crate) fit_shift: f64,
    /// Multiplier of decision-stage intent (pricing, case studies, demo requests).
    pub(crate) intent: f64,
    /// Multiplier of overall engagement.
    pub(crate) engage: f64,
    /// Extra multipliers for e-mail activity and webinar registrations.
    pub(crate) email: f64,
    pub(crate) webinar: f64,
    /// Share of binge readers (many blog visits, little intent).
    pub(crate) binge: f64,
}

pub(crate) const PROFILES: [ChannelProfile; 6] = [
    // organic search
    ChannelProfile {
        mix_first: 0.26,
        mix_last: 0.22,
        fit_shift: 0.35,
        intent: 1.3,
        engage: 1.15,
        email: 0.9,
        webinar: 0.8,
        binge: 0.10,
    },
    // paid search
    ChannelProfile {
        mix_first: 0.22,
        mix_last: 0.21,
        fit_shift: 0.0,
        intent: 1.1,
        engage: 0.9,
        email: 0.9,
        webinar: 0.8,
        binge: 0.04,
    },
    // paid social
    ChannelProfile {
        mix_first: 0.11,
        mix_last: 0.20,
        fit_shift: -0.7,
        intent: 0.55,
        engage: 0.8,
        email: 0.9,
        webinar: 0.9,
        binge: 0.08,
    },
    // events/webinars
    ChannelProfile {
        mix_first: 0.15,
        mix_last: 0.13,
        fit_shift: 0.1,
        intent: 0.85,
        engage: 1.0,
        email: 1.0,
        webinar: 3.0,
        binge: 0.03,
    },
    // referral
    ChannelProfile {
        mix_first: 0.08,
        mix_last: 0.09,
        fit_shift: 0.8,
        intent: 1.6,
        engage: 1.0,
        email: 0.9,
        webinar: 0.8,
        binge: 0.02,
    },
    // email
    ChannelProfile {
        mix_first: 0.18,
        mix_last: 0.15,
        fit_shift: 0.05,
        intent: 0.95,
        engage: 1.1,
        email: 1.5,
        webinar: 1.1,
        binge: 0.04,
    },
];

pub(crate) const TITLES: [&str; 6] = [
    "c-level",
    "vp",
    "director",
    "manager",
    "individual contributor",
    "student",
];
const TITLE_BASE: [f64; 6] = [0.04, 0.08, 0.16, 0.27, 0.35, 0.10];
const TITLE_TILT: [f64; 6] = [1.1, 0.9, 0.6, 0.2, -0.2, -1.2];

pub(crate) const DOMAINS: [&str; 4] = ["business", "personal", "student", "competitor"];
const DOMAIN_BASE: [f64; 4] = [0.72, 0.20, 0.04, 0.04];
const DOMAIN_TILT: [f64; 4] = [0.5, -0.4, -0.8, 0.0];
const DOMAIN_IF_STUDENT: [f64; 4] = [0.05, 0.35, 0.60, 0.0];

pub(crate) const INDUSTRIES: [&str; 9] = [
    "software",
    "financial services",
    "healthcare",
    "manufacturing",
    "professional services",
    "retail",
    "education",
    "government",
    "other",
];
const INDUSTRY_BASE: [f64; 9] = [0.22, 0.12, 0.10, 0.12, 0.12, 0.09, 0.08, 0.05, 0.10];
const INDUSTRY_TILT: [f64; 9] = [0.3, 0.3, 0.2, 0.0, 0.0, -0.1, -0.3, -0.1, -0.1];

pub(crate) const COUNTRIES: [&str; 13] = [
    "US", "GB", "DE", "CA", "AU", "FR", "NL", "IN", "BR", "ES", "MX", "SG", "ZA",
];
const COUNTRY_BASE: [f64; 13] = [
    0.42, 0.10, 0.07, 0.05, 0.04, 0.04, 0.03, 0.10, 0.05, 0.03, 0.03, 0.02, 0.02,
];
pub(crate) const TARGET_COUNTRIES: [&str; 7] = ["US", "GB", "DE", "CA", "AU", "FR", "NL"];

/// Share of leads whose company size is blank in the export.
const SIZE_BLANK_SHARE: f64 = 0.03;

pub(crate) struct Lead {
    pub(crate) channel: usize,
    pub(crate) title: usize,
    /// None: blank cell.
    pub(crate) size: Option<u64>,
    pub(crate) industry: usize,
    pub(crate) country: usize,
    pub(crate) domain: usize,
}

impl Lead {
    pub(crate) fn text(&self, column: &str) -> &'static str {
        match column {
            "channel" => CHANNELS[self.channel],
            "title_seniority" => TITLES[self.title],
            "industry" => INDUSTRIES[self.industry],
            "country" => COUNTRIES[self.country],
            "email_domain_type" => DOMAINS[self.domain],
            other => panic!("no text column {other}"),
        }
    }
    pub(crate) fn number(&self, column: &str) -> Option<f64> {
        match column {
            "company_size" => self.size.map(|s| s as f64),
            other => panic!("no numeric column {other}"),
        }
    }
}

/// Who the lead is: channel, then the attributes its latent fit tilts.
pub(crate) fn draw_lead(d: &mut Draws, drift: f64) -> Lead {
    let mut mix = [0.0; 6];
    for (c, pr) in PROFILES.iter().enumerate() {
        mix[c] = pr.mix_first + (pr.mix_last - pr.mix_first) * drift;
    }
    let channel = d.pick(&mix);
    let prof = &PROFILES[channel];
    // latent fit: better targeting over time (covariate drift only)
    let fitz = prof.fit_shift - 0.1 + 0.2 * drift + d.normal();
    let title = d.pick_tilted(&TITLE_BASE, &TITLE_TILT, 0.5 * fitz);
    let domain = if title == 5 {
        d.pick(&DOMAIN_IF_STUDENT)
    } else {
        d.pick_tilted(&DOMAIN_BASE, &DOMAIN_TILT, 0.5 * fitz)
    };
    let industry = d.pick_tilted(&INDUSTRY_BASE, &INDUSTRY_TILT, 0.5 * fitz);
    let country = d.pick(&COUNTRY_BASE);
    let size = if d.rng.random_bool(SIZE_BLANK_SHARE) {
        None
    } else {
        let mu = (120.0f64).ln() + 0.5 * fitz + if title == 5 { -1.0 } else { 0.0 };
        let s = (mu + 1.6 * d.normal()).exp().round();
        Some(s.clamp(1.0, 500_000.0) as u64)
    };
    Lead {
        channel,
        title,
        size,
        industry,
        country,
        domain,
    }
}
