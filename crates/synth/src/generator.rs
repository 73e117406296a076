//! The seeded world, lead by lead: who each lead is, what it does, its outcome, and what the
//! export shows of it. Every draw comes from one generator in a fixed order, so the same
//! parameters always give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Months};
use rand::Rng;
use serde::Serialize;

use crate::attributes::{draw_lead, Lead, N_ACT};
use crate::behaviour::{post_contact_events, pre_creation_events, window_events, Event};
use crate::decisions::Decisions;
use crate::draws::Draws;
use crate::error::{io_err, SynthError};
use crate::export::{p_open, ExportView};
use crate::params::{validate, SynthParams};
use crate::signals::{INTERCEPT, SIGNALS};
use crate::writers::{write_companions, Dates, LeadFiles};

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

/// Generate a cohort into `out_dir` (created if missing). See the crate docs.
pub fn generate(params: &SynthParams, out_dir: &Path) -> Result<SynthSummary, SynthError> {
    validate(params)?;
    fs::create_dir_all(out_dir).map_err(|e| io_err(out_dir, e))?;
    Generator::new(params, out_dir)?.run()
}

struct Generator<'a> {
    p: &'a SynthParams,
    out_dir: &'a Path,
    draws: Draws,
    /// Start day (days since `start`) of each quarter, plus the as-of day at the end.
    quarter_starts: Vec<i64>,
    dates: Dates,
}

impl<'a> Generator<'a> {
    fn new(p: &'a SynthParams, out_dir: &'a Path) -> Result<Self, SynthError> {
        let quarter_starts: Vec<i64> = (0..=p.quarters)
            .map(|q| {
                p.start
                    .checked_add_months(Months::new(3 * q as u32))
                    .map(|d| (d - p.start).num_days())
                    .ok_or_else(|| {
                        SynthError::InvalidParams(format!(
                            "{} quarters from {} run past the calendar",
                            p.quarters, p.start
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        let as_of = quarter_starts.last().copied().unwrap_or(0);
        Ok(Generator {
            p,
            out_dir,
            draws: Draws::new(p.seed),
            quarter_starts,
            dates: Dates::new(p.start, as_of),
        })
    }

    fn as_of(&self) -> i64 {
        self.quarter_starts.last().copied().unwrap_or(0)
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
                    let u = self.draws.rng.random::<f64>() * acc;
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

        let mut files = LeadFiles::create(self.out_dir, p.decisions)?;
        let mut export = ExportView::new(p, as_of);
        let mut decisions = p.decisions.then(|| Decisions::new(p.seed));
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
        let mut id = String::with_capacity(16);

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
            let lead = draw_lead(&mut self.draws, drift);

            // ---- what the lead does ----
            events.clear();
            let g = window_events(&mut self.draws, &lead, cday, window, drift, &mut events);
            pre_creation_events(&mut self.draws, cday, &mut events);
            // the export is taken at `as_of`: nothing at or after it exists
            events.retain(|e| (e.day as i64) < as_of);

            let (true_p, won) = self.outcome(&lead, cday, &events, &mut stats);
            post_contact_events(&mut self.draws, g, won, cday, window, as_of, &mut events);

            // ---- is the decision in yet? ----
            let open = if cday >= last_q_start {
                self.draws.rng.random_bool(p_open((as_of - cday) as f64))
            } else {
                false
            };
            let Some(open) = export.shows_open(cday, won, open) else {
                continue;
            };
            let decided = decisions.as_mut().map(|decisions| {
                let day = decisions.day(cday, window, open, &events);
                if !open {
                    decisions.after_decision(won, day, cday, window, export.day.min(as_of), &mut events);
                }
                self.dates.get(day)
            });
            summary.leads += 1;
            events.retain(|e| (e.day as i64) < export.day);
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
            files.write_lead(&id, self.dates.get(cday), outcome, &lead, true_p, decided)?;
            events.sort_unstable();
            files.write_events(&id, &events, &self.dates)?;
            summary.events += events.len();
        }

        let (leads_path, events_path, probs_path) = files.finish()?;
        let [truth_path, config_path, current_path] =
            write_companions(self.out_dir, p, as_of, &stats, &summary)?;
        summary.files = vec![
            leads_path,
            events_path,
            truth_path,
            probs_path,
            config_path,
            current_path,
        ];
        Ok(summary)
    }

    /// The outcome, from the window features only: the true win probability and whether
    /// the lead was won (drawn for every lead, open ones included).
    fn outcome(
        &mut self,
        lead: &Lead,
        cday: i64,
        events: &[Event],
        stats: &mut Stats,
    ) -> (f64, bool) {
        let window = self.p.window_days as i64;
        let mut counts = [0u32; N_ACT];
        for e in events {
            let d = e.day as i64;
            if d >= cday && d < cday + window {
                counts[e.activity as usize] += 1;
            }
        }
        let mut fit_part = 0.0;
        let mut eng_part = 0.0;
        for s in SIGNALS {
            let v = s.logit_part(lead, &counts);
            if s.axis == "fit" {
                fit_part += v;
            } else {
                eng_part += v;
            }
        }
        let logit = INTERCEPT + fit_part + eng_part;
        let true_p = 1.0 / (1.0 + (-logit).exp());
        let won = self.draws.rng.random::<f64>() < true_p;
        stats.add(fit_part, eng_part, true_p, won);
        (true_p, won)
    }
}

#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) n: usize,
    pub(crate) sum_p: f64,
    fit: (f64, f64),
    eng: (f64, f64),
    won: usize,
}

impl Stats {
    pub(crate) fn add(&mut self, fit: f64, eng: f64, p: f64, won: bool) {
        self.n += 1;
        self.sum_p += p;
        self.fit.0 += fit;
        self.fit.1 += fit * fit;
        self.eng.0 += eng;
        self.eng.1 += eng * eng;
        self.won += won as usize;
    }
    pub(crate) fn fit_share(&self) -> f64 {
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
