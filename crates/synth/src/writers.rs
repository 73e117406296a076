//! Output: the streamed CSV files (leads, events, true probabilities), truth.json, the
//! generated config and the current points sheet, each written to a temporary file in the
//! output folder and renamed into place.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::attributes::{Lead, ACTIVITIES, CHANNELS, COUNTRIES, DOMAINS, INDUSTRIES, TITLES};
use crate::behaviour::Event;
use crate::error::{io_err, SynthError};
use crate::generator::{Stats, SynthSummary};
use crate::params::SynthParams;
use crate::signals::{feature_names, feature_weights, INTERCEPT, SIGNALS};

/// File names written by [`generate`](crate::generate), in the order of [`SynthSummary::files`].
pub const LEADS_FILE: &str = "leads.csv";
pub const EVENTS_FILE: &str = "events.csv";
pub const TRUTH_FILE: &str = "truth.json";
pub const TRUTH_PROBABILITIES_FILE: &str = "truth_probabilities.csv";
pub const CONFIG_FILE: &str = "mqlcal.toml";
pub const CURRENT_POINTS_FILE: &str = "current_points.toml";

/// The hand-made points sheet "in use today": the typical values practitioners
/// publish (DOMAIN.md), not fitted: demo +100, webinar +30, pricing page +20,
/// awareness content +5 to +10, title and size bonuses, negative domains.
const CURRENT_POINTS: &str =
    "# The hand-made points model in use today (typical published values, not fitted).
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

/// Days before `start` covered by the date-string cache (pre-creation events go back ≤ 61 days).
const PRE_DAYS: i64 = 120;

/// Days after the as-of day the cache covers: a decision comes at most a window (≤ 365
/// days) and 5 days after creation, an open lead's forecast close 90 days after.
const POST_DAYS: i64 = 400;

/// "YYYY-MM-DD" for days `-PRE_DAYS ..= as_of + POST_DAYS` (days since `start`).
pub(crate) struct Dates(Vec<[u8; 10]>);

impl Dates {
    pub(crate) fn new(start: NaiveDate, as_of: i64) -> Self {
        let cache = (-PRE_DAYS..=as_of + POST_DAYS)
            .map(|off| {
                let d = start + chrono::Duration::days(off);
                let s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
                let mut b = [0u8; 10];
                for (dst, src) in b.iter_mut().zip(s.bytes()) {
                    *dst = src;
                }
                b
            })
            .collect();
        Dates(cache)
    }

    pub(crate) fn get(&self, day: i64) -> &[u8; 10] {
        &self.0[(day + PRE_DAYS) as usize]
    }
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
            builder.permissions(std::fs::Permissions::from_mode(0o644));
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

/// The files written lead by lead, with their line buffers.
pub(crate) struct LeadFiles {
    leads: AtomicFile,
    events: AtomicFile,
    probs: AtomicFile,
    line: String,
    ts: [u8; 20],
}

impl LeadFiles {
    /// Create leads.csv, events.csv and truth_probabilities.csv and write their headers.
    /// With `decisions`, leads.csv ends with the decision-date column.
    pub(crate) fn create(out_dir: &Path, decisions: bool) -> Result<Self, SynthError> {
        let mut leads = AtomicFile::create(out_dir, LEADS_FILE)?;
        let mut events = AtomicFile::create(out_dir, EVENTS_FILE)?;
        let mut probs = AtomicFile::create(out_dir, TRUTH_PROBABILITIES_FILE)?;
        leads.write(
            b"lead_id,created_at,outcome,channel,title_seniority,company_size,industry,country,email_domain_type",
        )?;
        leads.write(if decisions { b",closed_at\n" } else { b"\n" })?;
        events.write(b"lead_id,occurred_at,activity\n")?;
        probs.write(b"lead_id,true_p\n")?;
        Ok(LeadFiles {
            leads,
            events,
            probs,
            line: String::with_capacity(256),
            ts: [0u8; 20],
        })
    }

    /// The lead's row of leads.csv and of truth_probabilities.csv.
    pub(crate) fn write_lead(
        &mut self,
        id: &str,
        created: &[u8; 10],
        outcome: &str,
        lead: &Lead,
        true_p: f64,
        decided: Option<&[u8; 10]>,
    ) -> Result<(), SynthError> {
        let line = &mut self.line;
        line.clear();
        line.push_str(id);
        line.push(',');
        line.push_str(std::str::from_utf8(created).unwrap_or(""));
        let _ = write!(
            line,
            ",{},{},{},",
            outcome, CHANNELS[lead.channel], TITLES[lead.title]
        );
        if let Some(s) = lead.size {
            let _ = write!(line, "{s}");
        }
        let _ = write!(
            line,
            ",{},{},{}",
            INDUSTRIES[lead.industry], COUNTRIES[lead.country], DOMAINS[lead.domain]
        );
        if let Some(day) = decided {
            line.push(',');
            line.push_str(std::str::from_utf8(day).unwrap_or(""));
        }
        line.push('\n');
        self.leads.write(line.as_bytes())?;

        line.clear();
        let _ = writeln!(line, "{id},{true_p:.10}");
        self.probs.write(line.as_bytes())
    }

    /// The lead's rows of events.csv, in the order given.
    pub(crate) fn write_events(
        &mut self,
        id: &str,
        events: &[Event],
        dates: &Dates,
    ) -> Result<(), SynthError> {
        let ts = &mut self.ts;
        for e in events {
            ts[..10].copy_from_slice(dates.get(e.day as i64));
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
            self.events.write(id.as_bytes())?;
            self.events.write(b",")?;
            self.events.write(&ts[..])?;
            self.events
                .write(ACTIVITIES[e.activity as usize].as_bytes())?;
            self.events.write(b"\n")?;
        }
        Ok(())
    }

    /// Rename the three files into place; their paths (leads, events, probabilities).
    pub(crate) fn finish(self) -> Result<(PathBuf, PathBuf, PathBuf), SynthError> {
        let leads_path = self.leads.finish()?;
        let events_path = self.events.finish()?;
        let probs_path = self.probs.finish()?;
        Ok((leads_path, events_path, probs_path))
    }
}

/// Write truth.json, mqlcal.toml and current_points.toml (in that order) once every lead is
/// written; their paths.
pub(crate) fn write_companions(
    out_dir: &Path,
    p: &SynthParams,
    as_of: i64,
    stats: &Stats,
    summary: &SynthSummary,
) -> Result<[PathBuf; 3], SynthError> {
    // truth.json
    let truth_path = out_dir.join(TRUTH_FILE);
    let truth = truth_json(p, as_of, stats, summary);
    let mut f = AtomicFile::create(out_dir, TRUTH_FILE)?;
    let mut bytes = serde_json::to_vec_pretty(&truth).map_err(|e| SynthError::Json {
        path: truth_path.clone(),
        source: e,
    })?;
    bytes.push(b'\n');
    f.write(&bytes)?;
    let truth_path = f.finish()?;

    // mqlcal.toml
    let mut f = AtomicFile::create(out_dir, CONFIG_FILE)?;
    f.write(config_toml(p).as_bytes())?;
    let config_path = f.finish()?;

    // current_points.toml
    let mut f = AtomicFile::create(out_dir, CURRENT_POINTS_FILE)?;
    f.write(CURRENT_POINTS.as_bytes())?;
    let current_path = f.finish()?;

    Ok([truth_path, config_path, current_path])
}

fn truth_json(
    p: &SynthParams,
    as_of: i64,
    stats: &Stats,
    summary: &SynthSummary,
) -> serde_json::Value {
    let names = feature_names();
    let weights = feature_weights();
    let mut wmap = serde_json::Map::new();
    for (n, w) in names.iter().zip(&weights) {
        wmap.insert(n.clone(), serde_json::json!(w));
    }
    let as_of = p.start + chrono::Duration::days(as_of);
    let decided = summary.won + summary.lost;
    serde_json::json!({
        "seed": p.seed,
        "leads": p.leads,
        "quarters": p.quarters,
        "start": p.start.to_string(),
        "as_of": as_of.to_string(),
        "window_days": p.window_days,
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

fn config_toml(p: &SynthParams) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# mqlcal.toml, generated by `mqlcal synth` (seed {}, {} leads, {} quarters from {}).",
        p.seed, p.leads, p.quarters, p.start
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
         segments = [\"channel\"]\n",
    );
    if p.decisions {
        s.push_str(
            "# closed_at: the day each lead was won or lost (an open lead's is a forecast, not read).\n\
             # A won lead decided inside its window is onboarded before the window ends: its e-mail\n\
             # opens, clicks and pricing visits after the decision would leak the outcome, so the\n\
             # window ends at the decision.\n\
             decided_at = \"closed_at\"\n",
        );
    }
    s.push('\n');
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
        w = p.window_days
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
            s.push_str(
                "# ---- Engagement signals: events inside the window, capped, no decay ----\n\n",
            );
            engagement_started = true;
        }
        sig.toml(&mut s);
    }
    // Capacity for about the top 16 % of a month's leads, in round numbers.
    let months = (p.quarters * 3).max(1) as f64;
    let capacity = ((p.leads as f64 / months * 0.16 / 10.0).round() * 10.0).max(10.0);
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
         walk_forward_min_training_cohorts = 3\n\
         \n\
         # ---- The MQL rule ----\n\
         \n\
         # kind = \"total\" (the default): an MQL when the total score reaches the threshold the\n\
         # backtest recommends. kind = \"two_axis\": an MQL when the fit score >= fit_min AND the\n\
         # engagement score >= engagement_min (overrides first); the backtest chooses the pair\n\
         # (\"auto\") and says whether it beats one threshold at the same volume. Grades name\n\
         # bands of each axis (fit A-D, engagement 1-3) and route the leads that are not MQLs.\n\
         # [rule]\n\
         # kind = \"two_axis\"\n\
         # fit_min = \"auto\"\n\
         # engagement_min = \"auto\"\n\
         # fit_grades = [60, 30, 0]        # A >= 60, B 30-59, C 0-29, D below 0\n\
         # engagement_grades = [150, 60]   # 1 >= 150, 2 60-149, 3 below 60\n\
         # [rule.routes]\n\
         # A1 = \"sales\"\n\
         # B3 = \"campaign\"\n\
         # C2 = \"nurture\"\n"
    );
    s
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
