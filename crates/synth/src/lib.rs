//! Synthetic B2B lead cohorts whose outcomes are drawn from known logistic weights.
//!
//! [`generate`] writes, into one folder:
//!
//! - `leads.csv`: `lead_id, created_at, outcome, channel, title_seniority, company_size,
//!   industry, country, email_domain_type` (one row per lead, sorted by `created_at`);
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

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

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
}

/// Age in days beyond which a lost lead may be left open ([`SynthParams::stale_open_percent`]).
pub const STALE_AFTER_DAYS: i64 = 180;

/// Probability that a lead created `age` days before the export is still open.
fn p_open(age: f64) -> f64 {
    if age <= 35.0 {
        0.92
    } else {
        (0.92 - (age - 35.0) / 57.0 * 0.77).max(0.1)
    }
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
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthSummary {
    pub leads: usize,
    pub events: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// Files written, in a fixed order: leads.csv, events.csv, truth.json,
    /// truth_probabilities.csv, mqlcal.toml, current_points.toml.
    pub files: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("invalid synth parameters: {0}")]
    InvalidParams(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("writing {}: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// File names written by [`generate`], in the order of [`SynthSummary::files`].
pub const LEADS_FILE: &str = "leads.csv";
pub const EVENTS_FILE: &str = "events.csv";
pub const TRUTH_FILE: &str = "truth.json";
pub const TRUTH_PROBABILITIES_FILE: &str = "truth_probabilities.csv";
pub const CONFIG_FILE: &str = "mqlcal.toml";
pub const CURRENT_POINTS_FILE: &str = "current_points.toml";

/// The hand-made points sheet "in use today": the typical values practitioners
/// publish (DOMAIN.md), not fitted: demo +100, webinar +30, pricing page +20,
/// awareness content +5 to +10, title and size bonuses, negative domains.
const CURRENT_POINTS: &str = "# The hand-made points model in use today (typical published values, not fitted).
# `mqlcal fit` and `mqlcal backtest` measure it beside the recalibrated model ([model] current).
threshold = 60

[points]
demo_request = 100
webinar = 30
pricing_page = 20
case_study = 15
ebook = 10
email_click = 8
blog = 5
email_open = 2
unsubscribe = -30
\"title=c-level\" = 25
\"title=vp\" = 20
\"title=director\" = 15
\"title=manager\" = 5
\"title=student\" = -20
\"employees=[50,200)\" = 10
\"employees=[200,1000)\" = 15
\"employees=[1000,5000)\" = 15
\"employees=[5000,inf)\" = 10
\"industry=software\" = 15
\"industry=financial services\" = 10
target_geo = 10
\"email_domain=personal\" = -20
\"email_domain=student\" = -30
\"email_domain=competitor\" = -100
";

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

/// The true model's intercept.
pub const INTERCEPT: f64 = -4.0;

/// Feature column names of the true model, in config order (`signal`, `signal=level`,
/// `signal=[lo,hi)`).
pub fn feature_names() -> Vec<String> {
    let mut names = Vec::new();
    for s in SIGNALS {
        s.push_feature_names(&mut names);
    }
    names
}

/// True weights, aligned with [`feature_names`].
pub fn feature_weights() -> Vec<f64> {
    let mut w = Vec::new();
    for s in SIGNALS {
        s.push_weights(&mut w);
    }
    w
}

/// Generate a cohort into `out_dir` (created if missing). See the crate docs.
pub fn generate(params: &SynthParams, out_dir: &Path) -> Result<SynthSummary, SynthError> {
    validate(params)?;
    fs::create_dir_all(out_dir).map_err(|e| io_err(out_dir, e))?;
    Generator::new(params, out_dir)?.run()
}

// ---------------------------------------------------------------------------------------------
// Activities, channels, attributes
// ---------------------------------------------------------------------------------------------

const BLOG: usize = 0;
const OPEN: usize = 1;
const CLICK: usize = 2;
const EBOOK: usize = 3;
const CASE: usize = 4;
const WEBINAR: usize = 5;
const PRICING: usize = 6;
const DEMO: usize = 7;
const UNSUB: usize = 8;
const N_ACT: usize = ACTIVITIES.len();

/// How a channel shapes the covariates (never the weights).
struct ChannelProfile {
    /// Share of new leads in the first and in the last quarter (linear in between).
    mix_first: f64,
    mix_last: f64,
    /// Shift of the latent fit (seniority, business domain, target industries, size).
    fit_shift: f64,
    /// Multiplier of decision-stage intent (pricing, case studies, demo requests).
    intent: f64,
    /// Multiplier of overall engagement.
    engage: f64,
    /// Extra multipliers for e-mail activity and webinar registrations.
    email: f64,
    webinar: f64,
    /// Share of binge readers (many blog visits, little intent).
    binge: f64,
}

const PROFILES: [ChannelProfile; 6] = [
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

const TITLES: [&str; 6] = [
    "c-level",
    "vp",
    "director",
    "manager",
    "individual contributor",
    "student",
];
const TITLE_BASE: [f64; 6] = [0.04, 0.08, 0.16, 0.27, 0.35, 0.10];
const TITLE_TILT: [f64; 6] = [1.1, 0.9, 0.6, 0.2, -0.2, -1.2];

const DOMAINS: [&str; 4] = ["business", "personal", "student", "competitor"];
const DOMAIN_BASE: [f64; 4] = [0.72, 0.20, 0.04, 0.04];
const DOMAIN_TILT: [f64; 4] = [0.5, -0.4, -0.8, 0.0];
const DOMAIN_IF_STUDENT: [f64; 4] = [0.05, 0.35, 0.60, 0.0];

const INDUSTRIES: [&str; 9] = [
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

const COUNTRIES: [&str; 13] = [
    "US", "GB", "DE", "CA", "AU", "FR", "NL", "IN", "BR", "ES", "MX", "SG", "ZA",
];
const COUNTRY_BASE: [f64; 13] = [
    0.42, 0.10, 0.07, 0.05, 0.04, 0.04, 0.03, 0.10, 0.05, 0.03, 0.03, 0.02, 0.02,
];
const TARGET_COUNTRIES: [&str; 7] = ["US", "GB", "DE", "CA", "AU", "FR", "NL"];

/// Share of leads whose company size is blank in the export.
const SIZE_BLANK_SHARE: f64 = 0.03;

struct Lead {
    channel: usize,
    title: usize,
    /// None: blank cell.
    size: Option<u64>,
    industry: usize,
    country: usize,
    domain: usize,
}

impl Lead {
    fn text(&self, column: &str) -> &'static str {
        match column {
            "channel" => CHANNELS[self.channel],
            "title_seniority" => TITLES[self.title],
            "industry" => INDUSTRIES[self.industry],
            "country" => COUNTRIES[self.country],
            "email_domain_type" => DOMAINS[self.domain],
            other => panic!("no text column {other}"),
        }
    }
    fn number(&self, column: &str) -> Option<f64> {
        match column {
            "company_size" => self.size.map(|s| s as f64),
            other => panic!("no numeric column {other}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Signals: one table drives the config, the feature names, the weights and the outcome
// ---------------------------------------------------------------------------------------------

enum Kind {
    Categorical {
        column: &'static str,
        levels: &'static [(&'static str, f64)],
    },
    /// `kind = "numeric"` with `bins`; blank → `default`.
    Bins {
        column: &'static str,
        default: f64,
        edges: &'static [f64],
        weights: &'static [f64],
    },
    Flag {
        column: &'static str,
        equals: &'static [&'static str],
        weight: f64,
    },
    Events {
        activity: usize,
        cap: u32,
        weight: f64,
    },
}

struct Signal {
    name: &'static str,
    axis: &'static str,
    comment: &'static str,
    kind: Kind,
}

const SIGNALS: &[Signal] = &[
    // ---- fit -------------------------------------------------------------------------------
    Signal {
        name: "title",
        axis: "fit",
        comment: "Seniority from the job title; baseline = individual contributor.",
        kind: Kind::Categorical {
            column: "title_seniority",
            levels: &[
                ("c-level", 0.8),
                ("vp", 0.7),
                ("director", 0.5),
                ("manager", 0.3),
                ("student", -1.2),
            ],
        },
    },
    Signal {
        name: "employees",
        axis: "fit",
        comment: "Company size in bins; below 10 employees (and blank) is the baseline.",
        kind: Kind::Bins {
            column: "company_size",
            default: 0.0,
            edges: &[10.0, 50.0, 200.0, 1000.0, 5000.0],
            weights: &[0.2, 0.5, 0.7, 0.5, 0.3],
        },
    },
    Signal {
        name: "industry",
        axis: "fit",
        comment: "Target industries score, education and government less; baseline = all others.",
        kind: Kind::Categorical {
            column: "industry",
            levels: &[
                ("software", 0.5),
                ("financial services", 0.4),
                ("healthcare", 0.3),
                ("education", -0.4),
                ("government", -0.2),
            ],
        },
    },
    Signal {
        name: "target_geo",
        axis: "fit",
        comment: "1 for the countries sales covers.",
        kind: Kind::Flag {
            column: "country",
            equals: &TARGET_COUNTRIES,
            weight: 0.35,
        },
    },
    Signal {
        name: "email_domain",
        axis: "fit",
        comment: "Negative fit: personal, student and competitor e-mail domains; baseline = business.",
        kind: Kind::Categorical {
            column: "email_domain_type",
            levels: &[("personal", -0.8), ("student", -1.4), ("competitor", -2.5)],
        },
    },
    // ---- engagement ------------------------------------------------------------------------
    Signal {
        name: "demo_request",
        axis: "engagement",
        comment: "Decision stage: any demo request inside the window.",
        kind: Kind::Events {
            activity: DEMO,
            cap: 1,
            weight: 2.4,
        },
    },
    Signal {
        name: "pricing_page",
        axis: "engagement",
        comment: "Decision stage: pricing page visits, capped at 3.",
        kind: Kind::Events {
            activity: PRICING,
            cap: 3,
            weight: 0.6,
        },
    },
    Signal {
        name: "webinar",
        axis: "engagement",
        comment: "Webinar registrations, capped at 2.",
        kind: Kind::Events {
            activity: WEBINAR,
            cap: 2,
            weight: 0.5,
        },
    },
    Signal {
        name: "case_study",
        axis: "engagement",
        comment: "Consideration stage: case study downloads, capped at 2.",
        kind: Kind::Events {
            activity: CASE,
            cap: 2,
            weight: 0.5,
        },
    },
    Signal {
        name: "ebook",
        axis: "engagement",
        comment: "Awareness content: ebook downloads, capped at 3.",
        kind: Kind::Events {
            activity: EBOOK,
            cap: 3,
            weight: 0.15,
        },
    },
    Signal {
        name: "email_click",
        axis: "engagement",
        comment: "E-mail clicks, capped at 5.",
        kind: Kind::Events {
            activity: CLICK,
            cap: 5,
            weight: 0.15,
        },
    },
    Signal {
        name: "email_open",
        axis: "engagement",
        comment: "E-mail opens, capped at 10 (weak).",
        kind: Kind::Events {
            activity: OPEN,
            cap: 10,
            weight: 0.03,
        },
    },
    Signal {
        name: "blog",
        axis: "engagement",
        comment: "Awareness content: blog visits, capped at 5.",
        kind: Kind::Events {
            activity: BLOG,
            cap: 5,
            weight: 0.1,
        },
    },
    Signal {
        name: "blog_binge",
        axis: "engagement",
        comment:
            "Binge readers: the same blog visits capped at 40, with a negative weight, so that\n\
                  # with `blog` the blog effect rises to 5 visits and falls beyond (researchers, not buyers).",
        kind: Kind::Events {
            activity: BLOG,
            cap: 40,
            weight: -0.05,
        },
    },
    Signal {
        name: "unsubscribe",
        axis: "engagement",
        comment: "Negative engagement: unsubscribed inside the window.",
        kind: Kind::Events {
            activity: UNSUB,
            cap: 1,
            weight: -1.0,
        },
    },
];

fn fmt_edge(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

impl Signal {
    fn push_feature_names(&self, out: &mut Vec<String>) {
        match &self.kind {
            Kind::Categorical { levels, .. } => {
                for (level, _) in levels.iter() {
                    out.push(format!("{}={}", self.name, level));
                }
            }
            Kind::Bins { edges, .. } => {
                for i in 0..edges.len() {
                    let hi = edges
                        .get(i + 1)
                        .map(|&e| fmt_edge(e))
                        .unwrap_or_else(|| "inf".into());
                    out.push(format!("{}=[{},{})", self.name, fmt_edge(edges[i]), hi));
                }
            }
            Kind::Flag { .. } | Kind::Events { .. } => out.push(self.name.to_string()),
        }
    }

    fn push_weights(&self, out: &mut Vec<f64>) {
        match &self.kind {
            Kind::Categorical { levels, .. } => out.extend(levels.iter().map(|(_, w)| *w)),
            Kind::Bins { weights, .. } => out.extend_from_slice(weights),
            Kind::Flag { weight, .. } | Kind::Events { weight, .. } => out.push(*weight),
        }
    }

    /// Add this signal's contribution to the logit.
    fn logit_part(&self, lead: &Lead, counts: &[u32; N_ACT]) -> f64 {
        match &self.kind {
            Kind::Categorical { column, levels } => {
                let v = lead.text(column);
                levels
                    .iter()
                    .filter(|(l, _)| *l == v)
                    .map(|(_, w)| *w)
                    .sum()
            }
            Kind::Bins {
                column,
                default,
                edges,
                weights,
            } => {
                let v = lead.number(column).unwrap_or(*default);
                // bin i covers [edges[i], edges[i+1]); below edges[0] is the baseline
                let mut part = 0.0;
                for i in 0..edges.len() {
                    let hi = edges.get(i + 1).copied().unwrap_or(f64::INFINITY);
                    if v >= edges[i] && v < hi {
                        part = weights[i];
                    }
                }
                part
            }
            Kind::Flag {
                column,
                equals,
                weight,
            } => {
                if equals.contains(&lead.text(column)) {
                    *weight
                } else {
                    0.0
                }
            }
            Kind::Events {
                activity,
                cap,
                weight,
            } => counts[*activity].min(*cap) as f64 * weight,
        }
    }

    fn toml(&self, out: &mut String) {
        let _ = writeln!(out, "# {}", self.comment);
        let _ = writeln!(out, "[[signals]]");
        let _ = writeln!(out, "name = \"{}\"", self.name);
        let _ = writeln!(out, "axis = \"{}\"", self.axis);
        match &self.kind {
            Kind::Categorical { column, levels } => {
                let _ = writeln!(out, "kind = \"categorical\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let lv: Vec<String> = levels.iter().map(|(l, _)| format!("\"{l}\"")).collect();
                let _ = writeln!(out, "levels = [{}]", lv.join(", "));
            }
            Kind::Bins {
                column,
                default,
                edges,
                ..
            } => {
                let _ = writeln!(out, "kind = \"numeric\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let _ = writeln!(out, "default = {}", fmt_edge(*default));
                let e: Vec<String> = edges.iter().map(|&e| fmt_edge(e)).collect();
                let _ = writeln!(out, "bins = [{}]", e.join(", "));
            }
            Kind::Flag { column, equals, .. } => {
                let _ = writeln!(out, "kind = \"flag\"");
                let _ = writeln!(out, "column = \"{column}\"");
                let eq: Vec<String> = equals.iter().map(|l| format!("\"{l}\"")).collect();
                let _ = writeln!(out, "equals = [{}]", eq.join(", "));
            }
            Kind::Events { activity, cap, .. } => {
                let _ = writeln!(out, "kind = \"events\"");
                let _ = writeln!(out, "activity = [\"{}\"]", ACTIVITIES[*activity]);
                let _ = writeln!(out, "cap = {cap}");
                let _ = writeln!(out, "decay = \"none\"");
            }
        }
        out.push('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

fn validate(p: &SynthParams) -> Result<(), SynthError> {
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
        let last = p.start.checked_add_months(Months::new(3 * p.quarters as u32)).unwrap_or(NaiveDate::MAX);
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

fn io_err(path: &Path, source: std::io::Error) -> SynthError {
    SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Days before `start` covered by the date-string cache (pre-creation events go back ≤ 61 days).
const PRE_DAYS: i64 = 120;
/// Pre-creation events: share of leads with some, and how far back they go.
const PRE_SHARE: f64 = 0.06;
const PRE_MAX_DAYS: f64 = 60.0;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    /// Days since `start` (may be negative).
    day: i32,
    /// Seconds since midnight.
    sec: u32,
    activity: u8,
}

/// A temporary file in the output folder that is renamed into place on `finish`.
struct AtomicFile {
    path: PathBuf,
    w: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    fn create(dir: &Path, name: &str) -> Result<Self, SynthError> {
        let path = dir.join(name);
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // tempfile creates 0600 files; outputs are ordinary data files
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o644));
        }
        let tmp = builder.tempfile_in(dir).map_err(|e| io_err(&path, e))?;
        Ok(AtomicFile {
            path,
            w: BufWriter::with_capacity(1 << 20, tmp),
        })
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), SynthError> {
        self.w.write_all(bytes).map_err(|e| io_err(&self.path, e))
    }
    fn finish(self) -> Result<PathBuf, SynthError> {
        let path = self.path;
        let tmp = self
            .w
            .into_inner()
            .map_err(|e| io_err(&path, e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| io_err(&path, e))?;
        tmp.persist(&path).map_err(|e| io_err(&path, e.error))?;
        Ok(path)
    }
}

struct Generator<'a> {
    p: &'a SynthParams,
    out_dir: &'a Path,
    rng: Xoshiro256PlusPlus,
    /// Start day (days since `start`) of each quarter, plus the as-of day at the end.
    quarter_starts: Vec<i64>,
    /// "YYYY-MM-DD" for days `-PRE_DAYS ..= as_of`.
    date_cache: Vec<[u8; 10]>,
}

impl<'a> Generator<'a> {
    fn new(p: &'a SynthParams, out_dir: &'a Path) -> Result<Self, SynthError> {
        let quarter_starts: Vec<i64> = (0..=p.quarters)
            .map(|q| {
                p.start
                    .checked_add_months(Months::new(3 * q as u32))
                    .map(|d| (d - p.start).num_days())
                    .ok_or_else(|| {
                        SynthError::InvalidParams(format!("{} quarters from {} run past the calendar", p.quarters, p.start))
                    })
            })
            .collect::<Result<_, _>>()?;
        let as_of = quarter_starts.last().copied().unwrap_or(0);
        let date_cache = (-PRE_DAYS..=as_of)
            .map(|off| {
                let d = p.start + chrono::Duration::days(off);
                let s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
                let mut b = [0u8; 10];
                for (dst, src) in b.iter_mut().zip(s.bytes()) {
                    *dst = src;
                }
                b
            })
            .collect();
        Ok(Generator {
            p,
            out_dir,
            rng: Xoshiro256PlusPlus::seed_from_u64(p.seed),
            quarter_starts,
            date_cache,
        })
    }

    fn as_of(&self) -> i64 {
        self.quarter_starts.last().copied().unwrap_or(0)
    }

    fn date(&self, day: i64) -> &[u8; 10] {
        &self.date_cache[(day + PRE_DAYS) as usize]
    }

    /// Creation days of all leads, sorted; volume grows 4 % a quarter, weekends are quiet.
    fn creation_days(&mut self) -> Vec<(i32, u16)> {
        let q = self.p.quarters;
        let weights: Vec<f64> = (0..q).map(|k| 1.04f64.powi(k as i32)).collect();
        let total: f64 = weights.iter().sum();
        let n = self.p.leads;
        // largest-remainder allocation
        let raw: Vec<f64> = weights.iter().map(|w| w / total * n as f64).collect();
        let mut counts: Vec<usize> = raw.iter().map(|r| r.floor() as usize).collect();
        let mut rest = n - counts.iter().sum::<usize>();
        let mut order: Vec<usize> = (0..q).collect();
        order.sort_by(|&a, &b| {
            let fa = raw[a] - raw[a].floor();
            let fb = raw[b] - raw[b].floor();
            fb.total_cmp(&fa).then(b.cmp(&a))
        });
        for &k in order.iter().cycle() {
            if rest == 0 {
                break;
            }
            counts[k] += 1;
            rest -= 1;
        }
        let mut out = Vec::with_capacity(n);
        #[allow(clippy::needless_range_loop)] // k indexes counts and quarter_starts[k], [k + 1]
        for k in 0..q {
            let (a, b) = (self.quarter_starts[k], self.quarter_starts[k + 1]);
            let len = (b - a) as usize;
            // cumulative weights over the days of the quarter
            let mut cum = Vec::with_capacity(len);
            let mut acc = 0.0;
            for i in 0..len {
                let d = self.p.start + chrono::Duration::days(a + i as i64);
                let wd = d.weekday().number_from_monday();
                let w = if wd >= 6 { 0.3 } else { 1.0 } * (1.0 + 0.1 * i as f64 / len as f64);
                acc += w;
                cum.push(acc);
            }
            let mut days: Vec<i32> = (0..counts[k])
                .map(|_| {
                    let u = self.rng.random::<f64>() * acc;
                    let i = cum.partition_point(|&c| c <= u).min(len - 1);
                    (a + i as i64) as i32
                })
                .collect();
            days.sort_unstable();
            out.extend(days.into_iter().map(|d| (d, k as u16)));
        }
        out
    }

    fn run(mut self) -> Result<SynthSummary, SynthError> {
        let p = self.p;
        let created = self.creation_days();
        let n = p.leads;
        let q = p.quarters;
        let as_of = self.as_of();
        let last_q_start = self.quarter_starts[q - 1];
        let window = p.window_days as i64;
        let id_width = (n.to_string().len()).max(7);

        let mut leads_f = AtomicFile::create(self.out_dir, LEADS_FILE)?;
        let mut events_f = AtomicFile::create(self.out_dir, EVENTS_FILE)?;
        let mut probs_f = AtomicFile::create(self.out_dir, TRUTH_PROBABILITIES_FILE)?;
        leads_f.write(
            b"lead_id,created_at,outcome,channel,title_seniority,company_size,industry,country,email_domain_type\n",
        )?;
        events_f.write(b"lead_id,occurred_at,activity\n")?;
        probs_f.write(b"lead_id,true_p\n")?;

        let export = p.export_at.map_or(as_of, |d| (d - p.start).num_days());
        let mut view_rng = Xoshiro256PlusPlus::seed_from_u64(p.seed ^ 0x9E37_79B9_7F4A_7C15);
        let mut summary = SynthSummary {
            leads: 0,
            events: 0,
            won: 0,
            lost: 0,
            open: 0,
            files: Vec::new(),
        };
        let mut stats = Stats::default();
        let mut events: Vec<Event> = Vec::with_capacity(256);
        let mut line = String::with_capacity(256);
        let mut id = String::with_capacity(16);
        let mut ts = [0u8; 20];

        for (i, &(cday, k)) in created.iter().enumerate() {
            let cday = cday as i64;
            let k = k as usize;
            let drift = if q > 1 {
                k as f64 / (q - 1) as f64
            } else {
                0.0
            };
            id.clear();
            let _ = write!(id, "L{:0width$}", i + 1, width = id_width);

            // ---- who the lead is ----
            let lead = self.draw_lead(drift);
            let prof = &PROFILES[lead.channel];

            // ---- what the lead does ----
            events.clear();
            let fitz_intent = match lead.title {
                0..=2 => 0.3,
                5 => -0.5,
                _ => 0.0,
            } + if lead.domain == 0 { 0.1 } else { -0.3 };
            let g = self.gamma(2.0, 0.5) * prof.engage * (0.97 + 0.06 * drift);
            let binge = self.rng.random_bool(prof.binge);
            let mut h = prof.intent * (fitz_intent + 0.6 * self.normal()).exp();
            if binge {
                h *= 0.4;
            }
            if lead.domain == 3 {
                h *= 0.5; // competitors snoop, they rarely ask for demos
            }
            let mut rates = [0.0f64; N_ACT];
            rates[BLOG] = 4.5 * g * (0.95 + 0.1 * drift);
            if binge {
                rates[BLOG] += self.gamma(4.0, 6.0);
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
                let m = self.poisson(r);
                for _ in 0..m {
                    let u: f64 = self.rng.random();
                    let off = ((window as f64) * u.powf(1.6)) as i64;
                    let day = cday + off.min(window - 1);
                    let sec = self.time_of_day();
                    events.push(Event {
                        day: day as i32,
                        sec,
                        activity: a as u8,
                    });
                }
            }
            // a few anonymous visits before the lead was created
            if self.rng.random_bool(PRE_SHARE) {
                let m = 1 + self.poisson(1.5);
                for _ in 0..m {
                    let a = if self.rng.random_bool(0.8) {
                        BLOG
                    } else {
                        PRICING
                    };
                    let back = 1 + (self.rng.random::<f64>() * PRE_MAX_DAYS) as i64;
                    let sec = self.time_of_day();
                    events.push(Event {
                        day: (cday - back) as i32,
                        sec,
                        activity: a as u8,
                    });
                }
            }
            // the export is taken at `as_of`: nothing at or after it exists
            events.retain(|e| (e.day as i64) < as_of);

            // ---- the outcome, from the window features only ----
            let mut counts = [0u32; N_ACT];
            for e in &events {
                let d = e.day as i64;
                if d >= cday && d < cday + window {
                    counts[e.activity as usize] += 1;
                }
            }
            let mut fit_part = 0.0;
            let mut eng_part = 0.0;
            for s in SIGNALS {
                let v = s.logit_part(&lead, &counts);
                if s.axis == "fit" {
                    fit_part += v;
                } else {
                    eng_part += v;
                }
            }
            let logit = INTERCEPT + fit_part + eng_part;
            let true_p = 1.0 / (1.0 + (-logit).exp());
            let won = self.rng.random::<f64>() < true_p;
            stats.add(fit_part, eng_part, true_p, won);

            // ---- after sales contact (outside the window): leakage, never used for the outcome ----
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
                let m = self.poisson(r);
                for _ in 0..m {
                    let u: f64 = self.rng.random();
                    let later = 1 + ((-(1.0 - u).ln()) * 25.0).min(200.0) as i64;
                    let day = cday + window + later;
                    let sec = self.time_of_day();
                    if day < as_of {
                        events.push(Event {
                            day: day as i32,
                            sec,
                            activity: a as u8,
                        });
                    }
                }
            }

            // ---- is the decision in yet? ----
            let open = if cday >= last_q_start {
                self.rng.random_bool(p_open((as_of - cday) as f64))
            } else {
                false
            };
            // The export's view of the world: its own generator, so the world is
            // the same with or without it.
            let (u_open, u_stale): (f64, f64) = (view_rng.random(), view_rng.random());
            if cday >= export {
                continue;
            }
            let age_at_export = export - cday;
            let open = open
                || (p.export_at.is_some() && age_at_export <= 92 && u_open < p_open(age_at_export as f64))
                || (!won && age_at_export > STALE_AFTER_DAYS && u_stale < p.stale_open_percent as f64 / 100.0);
            summary.leads += 1;
            events.retain(|e| (e.day as i64) < export);
            let outcome = if open {
                summary.open += 1;
                "open"
            } else if won {
                summary.won += 1;
                "won"
            } else {
                summary.lost += 1;
                "lost"
            };

            // ---- write ----
            line.clear();
            line.push_str(&id);
            line.push(',');
            line.push_str(std::str::from_utf8(self.date(cday)).unwrap_or(""));
            let _ = write!(
                line,
                ",{},{},{},",
                outcome, CHANNELS[lead.channel], TITLES[lead.title]
            );
            if let Some(s) = lead.size {
                let _ = write!(line, "{s}");
            }
            let _ = writeln!(
                line,
                ",{},{},{}",
                INDUSTRIES[lead.industry], COUNTRIES[lead.country], DOMAINS[lead.domain]
            );
            leads_f.write(line.as_bytes())?;

            line.clear();
            let _ = writeln!(line, "{id},{true_p:.10}");
            probs_f.write(line.as_bytes())?;

            events.sort_unstable();
            for e in &events {
                ts[..10].copy_from_slice(self.date(e.day as i64));
                ts[10] = b'T';
                let (h, m, s) = (e.sec / 3600, (e.sec / 60) % 60, e.sec % 60);
                ts[11] = b'0' + (h / 10) as u8;
                ts[12] = b'0' + (h % 10) as u8;
                ts[13] = b':';
                ts[14] = b'0' + (m / 10) as u8;
                ts[15] = b'0' + (m % 10) as u8;
                ts[16] = b':';
                ts[17] = b'0' + (s / 10) as u8;
                ts[18] = b'0' + (s % 10) as u8;
                ts[19] = b',';
                events_f.write(id.as_bytes())?;
                events_f.write(b",")?;
                events_f.write(&ts)?;
                events_f.write(ACTIVITIES[e.activity as usize].as_bytes())?;
                events_f.write(b"\n")?;
            }
            summary.events += events.len();
        }

        let leads_path = leads_f.finish()?;
        let events_path = events_f.finish()?;
        let probs_path = probs_f.finish()?;

        // truth.json
        let truth_path = self.out_dir.join(TRUTH_FILE);
        let truth = self.truth_json(&stats, &summary);
        let mut f = AtomicFile::create(self.out_dir, TRUTH_FILE)?;
        let mut bytes = serde_json::to_vec_pretty(&truth).map_err(|e| SynthError::Json {
            path: truth_path.clone(),
            source: e,
        })?;
        bytes.push(b'\n');
        f.write(&bytes)?;
        let truth_path = f.finish()?;

        // mqlcal.toml
        let mut f = AtomicFile::create(self.out_dir, CONFIG_FILE)?;
        f.write(self.config_toml().as_bytes())?;
        let config_path = f.finish()?;

        // current_points.toml
        let mut f = AtomicFile::create(self.out_dir, CURRENT_POINTS_FILE)?;
        f.write(CURRENT_POINTS.as_bytes())?;
        let current_path = f.finish()?;

        summary.files = vec![leads_path, events_path, truth_path, probs_path, config_path, current_path];
        Ok(summary)
    }

    fn draw_lead(&mut self, drift: f64) -> Lead {
        let mut mix = [0.0; 6];
        for (c, pr) in PROFILES.iter().enumerate() {
            mix[c] = pr.mix_first + (pr.mix_last - pr.mix_first) * drift;
        }
        let channel = self.pick(&mix);
        let prof = &PROFILES[channel];
        // latent fit: better targeting over time (covariate drift only)
        let fitz = prof.fit_shift - 0.1 + 0.2 * drift + self.normal();
        let title = self.pick_tilted(&TITLE_BASE, &TITLE_TILT, 0.5 * fitz);
        let domain = if title == 5 {
            self.pick(&DOMAIN_IF_STUDENT)
        } else {
            self.pick_tilted(&DOMAIN_BASE, &DOMAIN_TILT, 0.5 * fitz)
        };
        let industry = self.pick_tilted(&INDUSTRY_BASE, &INDUSTRY_TILT, 0.5 * fitz);
        let country = self.pick(&COUNTRY_BASE);
        let size = if self.rng.random_bool(SIZE_BLANK_SHARE) {
            None
        } else {
            let mu = (120.0f64).ln() + 0.5 * fitz + if title == 5 { -1.0 } else { 0.0 };
            let s = (mu + 1.6 * self.normal()).exp().round();
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

    fn pick(&mut self, w: &[f64]) -> usize {
        let total: f64 = w.iter().sum();
        let mut u = self.rng.random::<f64>() * total;
        for (i, &x) in w.iter().enumerate() {
            if u < x {
                return i;
            }
            u -= x;
        }
        w.len() - 1
    }

    fn pick_tilted(&mut self, base: &[f64], tilt: &[f64], z: f64) -> usize {
        let mut w = [0.0f64; 16];
        for i in 0..base.len() {
            w[i] = base[i] * (tilt[i] * z).exp();
        }
        self.pick(&w[..base.len()])
    }

    fn normal(&mut self) -> f64 {
        rand_distr::StandardNormal.sample(&mut self.rng)
    }

    fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        // Shapes and scales are the generator's own positive constants; a bad one yields 0.
        Gamma::new(shape, scale).map_or(0.0, |g| g.sample(&mut self.rng))
    }

    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        let x: f64 = Poisson::new(lambda.min(1e6)).map_or(0.0, |d| d.sample(&mut self.rng));
        x as u32
    }

    /// Seconds since midnight: mostly business hours.
    fn time_of_day(&mut self) -> u32 {
        if self.rng.random_bool(0.75) {
            self.rng.random_range(8 * 3600..19 * 3600)
        } else {
            self.rng.random_range(0..24 * 3600)
        }
    }

    fn truth_json(&self, stats: &Stats, summary: &SynthSummary) -> serde_json::Value {
        let names = feature_names();
        let weights = feature_weights();
        let mut wmap = serde_json::Map::new();
        for (n, w) in names.iter().zip(&weights) {
            wmap.insert(n.clone(), serde_json::json!(w));
        }
        let as_of = self.p.start + chrono::Duration::days(self.as_of());
        let decided = summary.won + summary.lost;
        serde_json::json!({
            "seed": self.p.seed,
            "leads": self.p.leads,
            "quarters": self.p.quarters,
            "start": self.p.start.to_string(),
            "as_of": as_of.to_string(),
            "window_days": self.p.window_days,
            "intercept": INTERCEPT,
            "weights": wmap,
            "features": names,
            "stats": {
                "events": summary.events,
                "won": summary.won,
                "lost": summary.lost,
                "open": summary.open,
                "decided_win_rate": if decided > 0 { summary.won as f64 / decided as f64 } else { 0.0 },
                "mean_true_p": stats.sum_p / stats.n as f64,
                "fit_share_of_logit_sd": stats.fit_share(),
            },
            "notes": NOTES,
        })
    }

    fn config_toml(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# mqlcal.toml, generated by `mqlcal synth` (seed {}, {} leads, {} quarters from {}).",
            self.p.seed, self.p.leads, self.p.quarters, self.p.start
        );
        s.push_str(
            "# The outcomes in leads.csv were drawn from a known logistic model on exactly the feature\n\
             # columns the signals below produce; truth.json holds its intercept and weights and\n\
             # truth_probabilities.csv each lead's true win probability.\n\n",
        );
        s.push_str(
            "# Input files, relative to this file's folder: one leads file with an outcome column,\n\
             # and long-form events (lead_id, occurred_at, activity).\n\
             [input]\n\
             leads = \"leads.csv\"\n\
             events = \"events.csv\"\n\
             delimiter = \",\"\n\
             encoding = \"utf-8\"\n\
             duplicates = \"error\"\n\n",
        );
        s.push_str(
            "# Columns of leads.csv. company_size is blank for a few leads (see the employees signal).\n\
             # channel is a segment for breakdowns, not a signal: channels differ in who they bring\n\
             # and how those leads engage, not in the weights.\n\
             [columns]\n\
             id = \"lead_id\"\n\
             created_at = \"created_at\"\n\
             date_format = \"auto\"\n\
             outcome = \"outcome\"\n\
             segments = [\"channel\"]\n\n",
        );
        s.push_str(
            "# Outcome cells: won and lost are decided; open leads (recent, no decision yet) are\n\
             # counted as volume but never used for fitting.\n\
             [outcome]\n\
             won = [\"won\"]\n\
             lost = [\"lost\"]\n\
             open = [\"open\"]\n\
             blank_is = \"open\"\n\n",
        );
        let _ = write!(
            s,
            "# Events count as of the scoring moment: only those in [created_at, created_at + {w} days].\n\
             # Events after the window (activity once sales has the lead) and before creation exist in\n\
             # events.csv but did not influence the outcomes.\n\
             [events]\n\
             lead_id = \"lead_id\"\n\
             occurred_at = \"occurred_at\"\n\
             activity = \"activity\"\n\
             date_format = \"auto\"\n\
             window_days = {w}\n\n",
            w = self.p.window_days
        );
        s.push_str(
            "# The hand-made points sheet in use today, measured beside the recalibrated model.\n\
             [model]\n\
             current = \"current_points.toml\"\n\n",
        );
        s.push_str(
            "# Cohorts by creation quarter.\n\
             [cohorts]\n\
             period = \"quarter\"\n\n",
        );
        s.push_str("# ---- Fit signals: who the lead is ----\n\n");
        let mut engagement_started = false;
        for sig in SIGNALS {
            if sig.axis == "engagement" && !engagement_started {
                s.push_str("# ---- Engagement signals: events inside the window, capped, no decay ----\n\n");
                engagement_started = true;
            }
            sig.toml(&mut s);
        }
        // Capacity for about the top 16 % of a month's leads, in round numbers.
        let months = (self.p.quarters * 3).max(1) as f64;
        let capacity = ((self.p.leads as f64 / months * 0.16 / 10.0).round() * 10.0).max(10.0);
        let hot = ((capacity / 4.0 / 5.0).round() * 5.0).max(5.0);
        let _ = write!(
            s,
            "# ---- What sales can take (for `mqlcal backtest`) ----\n\n\
             # Sales works about {capacity:.0} MQLs a month and wants 30-55 % of them to close (won),\n\
             # at about 15 minutes of rep time per MQL. The hot tier (routed at once) takes up to\n\
             # {hot:.0} a month from the top of the scores.\n\
             [sales]\n\
             capacity_per_month = {capacity:.0}\n\
             target_conversion = [0.30, 0.55]\n\
             minutes_per_lead = 15\n\
             hot_capacity_per_month = {hot:.0}\n\n\
             # Intervals: 2000 seeded bootstrap resamples, 90 %. Walk-forward: refit on all earlier\n\
             # quarters (at least 3) and test on each later one.\n\
             [backtest]\n\
             bootstrap_resamples = 2000\n\
             seed = 42\n\
             confidence = 0.9\n\
             walk_forward_min_training_cohorts = 3\n"
        );
        s
    }
}

const NOTES: &str =
    "Outcome of every lead: won with probability sigmoid(intercept + sum_j weights[j] * x_j), \
where x_j are exactly the feature columns that mqlcal.toml builds from leads.csv and events.csv \
(categorical levels as 0/1 indicators against a baseline level; employees as bins of company_size \
with blank = default 0 = baseline below 10; target_geo a 0/1 flag; events counted inside \
[created_at, created_at + window_days], capped, decay none, scale 1). \
Binge readers: blog (blog_visit capped at 5, positive weight) and blog_binge (the same blog_visit \
events capped at 40, negative weight) together make the blog effect rise up to 5 visits and fall \
beyond 10, a piecewise-linear hinge that is still exactly linear in the config's features; binge \
readers (a share of leads per channel, more from organic search and paid social) read 20+ posts \
and have little decision-stage intent. \
Channel is a segment, not a signal: channels differ only in the covariates they bring (fit mix, \
intent, engagement), so win rates differ by channel while the model stays correctly specified. \
Drift between quarters is covariate drift only (channel mix, fit mix, e-mail open and webinar \
rates); the weights never change. \
Window events fall on dates created_at .. created_at + window_days - 1, events after the window \
on created_at + window_days + 1 or later, events before creation 1..60 days before, so the \
window is unambiguous whether its end is read as the start or the end of day created_at + \
window_days. Events after the window (more of them for won leads: demo requests, pricing visits, \
clicks after sales contact) are leakage and did not influence the outcome. \
Nothing happens at or after as_of (the export date, end of the last quarter); open leads are \
leads of the last quarter whose decision is not in yet (about 92 % of those created in the last \
35 days, falling to about 15 % at the start of the quarter), independent of their latent \
outcome, which was still drawn (true_p in truth_probabilities.csv covers every lead). \
fit_share_of_logit_sd = sd(fit part) / (sd(fit part) + sd(engagement part)) over all leads.";

#[derive(Default)]
struct Stats {
    n: usize,
    sum_p: f64,
    fit: (f64, f64),
    eng: (f64, f64),
    won: usize,
}

impl Stats {
    fn add(&mut self, fit: f64, eng: f64, p: f64, won: bool) {
        self.n += 1;
        self.sum_p += p;
        self.fit.0 += fit;
        self.fit.1 += fit * fit;
        self.eng.0 += eng;
        self.eng.1 += eng * eng;
        self.won += won as usize;
    }
    fn fit_share(&self) -> f64 {
        let n = self.n as f64;
        let sd = |(s, ss): (f64, f64)| ((ss / n - (s / n) * (s / n)).max(0.0)).sqrt();
        let (f, e) = (sd(self.fit), sd(self.eng));
        if f + e > 0.0 {
            f / (f + e)
        } else {
            0.0
        }
    }
}
