//! `[sales]` (what sales can take and what conversion it expects) and
//! `[backtest]` (how thresholds are replayed on held-out cohorts): the raw TOML
//! and the checked types the backtest consumes.

use serde::Deserialize;

/// `[sales]` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSales {
    pub capacity_per_month: Option<f64>,
    pub reps: Option<f64>,
    pub leads_per_rep_per_month: Option<f64>,
    pub target_conversion: Option<Vec<f64>>,
    pub minutes_per_lead: Option<f64>,
    pub hot_capacity_per_month: Option<f64>,
    pub capacity_rule: Option<String>,
    pub min_confidence: Option<f64>,
}

/// Which monthly volume is held against capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapacityRule {
    /// The mean month: half the months may be over capacity.
    Mean,
    /// The busiest month: no month over capacity.
    Busiest,
    /// This percentile of the months (0.75: about one month in four over).
    Percentile(f64),
}

impl CapacityRule {
    /// The default: the 75th percentile of the months. The mean lets half the
    /// months overflow; the busiest month alone is one noisy number and idles
    /// sales the rest of the year; p75 allows about one month in four over.
    pub const DEFAULT: CapacityRule = CapacityRule::Percentile(0.75);

    /// The statistic over `months` (MQLs in each month).
    pub fn volume(&self, months: &[u64]) -> f64 {
        if months.is_empty() {
            return 0.0;
        }
        match self {
            CapacityRule::Mean => months.iter().sum::<u64>() as f64 / months.len() as f64,
            CapacityRule::Busiest => months.iter().copied().max().unwrap_or(0) as f64,
            CapacityRule::Percentile(q) => {
                let mut sorted: Vec<u64> = months.to_vec();
                sorted.sort_unstable();
                let h = (sorted.len() - 1) as f64 * q;
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(sorted.len() - 1);
                sorted[lo] as f64 + (h - lo as f64) * (sorted[hi] as f64 - sorted[lo] as f64)
            }
        }
    }

    /// Whether the mean month is held against capacity (the figure shown as MQLs a month).
    pub fn is_mean(&self) -> bool {
        matches!(self, CapacityRule::Mean)
    }

    /// "the mean month", "the busiest month", "the 75th-percentile month".
    pub fn describe(&self) -> String {
        match self {
            CapacityRule::Mean => "the mean month".into(),
            CapacityRule::Busiest => "the busiest month".into(),
            CapacityRule::Percentile(q) => format!("the {:.0}th-percentile month", 100.0 * q),
        }
    }
}

/// `[backtest]` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBacktest {
    pub bootstrap_resamples: Option<usize>,
    pub seed: Option<u64>,
    pub confidence: Option<f64>,
    pub walk_forward: Option<bool>,
    pub walk_forward_min_training_cohorts: Option<usize>,
}

/// What sales can work and what it expects of MQLs.
#[derive(Debug, Clone, PartialEq)]
pub struct SalesSpec {
    /// MQLs a month the team can work (`capacity_per_month`, or `reps × leads_per_rep_per_month`).
    /// None when the config does not say: a backtest then refuses to recommend.
    pub capacity_per_month: Option<f64>,
    /// MQL → won conversion the team targets, `[low, high]`.
    pub target_conversion: (f64, f64),
    /// Rep time each MQL costs (for the hours spent on MQLs that lose).
    pub minutes_per_lead: f64,
    /// Optional hot tier (route now): at most this many MQLs a month, from the top of the scores.
    pub hot_capacity_per_month: Option<f64>,
    /// Which monthly volume is held against capacity.
    pub capacity_rule: CapacityRule,
    /// Pick only thresholds whose bootstrap probability that capacity and band
    /// both hold reaches this (None: the plain rule on the holdout's figures).
    pub min_confidence: Option<f64>,
}

impl Default for SalesSpec {
    fn default() -> Self {
        // DOMAIN.md: MQL→won targets of 13–25 % and about 15 minutes of rep time per MQL.
        SalesSpec {
            capacity_per_month: None,
            target_conversion: (0.13, 0.25),
            minutes_per_lead: 15.0,
            hot_capacity_per_month: None,
            capacity_rule: CapacityRule::DEFAULT,
            min_confidence: None,
        }
    }
}

/// How the backtest measures uncertainty and stability.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestSpec {
    /// Bootstrap resamples of the holdout (at least 1000).
    pub bootstrap_resamples: usize,
    /// Seed of the bootstrap (same seed, same intervals).
    pub seed: u64,
    /// Level of every interval (Wilson and bootstrap), e.g. 0.90.
    pub confidence: f64,
    /// Refit on earlier cohorts and test on each later one.
    pub walk_forward: bool,
    /// Cohorts the first walk-forward step trains on.
    pub walk_forward_min_training_cohorts: usize,
}

impl Default for BacktestSpec {
    fn default() -> Self {
        BacktestSpec { bootstrap_resamples: 2000, seed: 42, confidence: 0.90, walk_forward: true, walk_forward_min_training_cohorts: 3 }
    }
}

fn positive(key: &str, value: f64, example: &str) -> Result<f64, String> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(format!("[sales] {key} = {value}: expected a number of leads > 0, e.g. {example}"))
    }
}

pub fn check_sales(raw: Option<RawSales>) -> Result<SalesSpec, String> {
    let Some(raw) = raw else { return Ok(SalesSpec::default()) };
    let defaults = SalesSpec::default();
    let capacity_per_month = match (raw.capacity_per_month, raw.reps, raw.leads_per_rep_per_month) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err("[sales] set either capacity_per_month or reps and leads_per_rep_per_month, not both".into())
        }
        (Some(c), None, None) => Some(positive("capacity_per_month", c, "300")?),
        (None, Some(reps), Some(per_rep)) => Some(positive("reps", reps, "6")? * positive("leads_per_rep_per_month", per_rep, "50")?),
        (None, Some(_), None) => return Err("[sales] reps needs leads_per_rep_per_month (capacity = reps × leads per rep)".into()),
        (None, None, Some(_)) => return Err("[sales] leads_per_rep_per_month needs reps (capacity = reps × leads per rep)".into()),
        (None, None, None) => None,
    };
    let target_conversion = match raw.target_conversion.as_deref() {
        None => defaults.target_conversion,
        Some(&[low, high]) => {
            if !(0.0..=1.0).contains(&low) || !(0.0..=1.0).contains(&high) {
                return Err(format!(
                    "[sales] target_conversion = [{low}, {high}]: both ends are shares of MQLs that win, between 0 and 1 (13 % is 0.13)"
                ));
            }
            if low > high {
                return Err(format!("[sales] target_conversion = [{low}, {high}]: the low end is above the high end; write [{high}, {low}]"));
            }
            (low, high)
        }
        Some(other) => {
            return Err(format!("[sales] target_conversion: expected [low, high], e.g. [0.13, 0.25]; got {} numbers", other.len()))
        }
    };
    let minutes_per_lead = match raw.minutes_per_lead {
        None => defaults.minutes_per_lead,
        Some(m) if m.is_finite() && m >= 0.0 => m,
        Some(m) => return Err(format!("[sales] minutes_per_lead = {m}: expected minutes >= 0, e.g. 15")),
    };
    let hot_capacity_per_month = match raw.hot_capacity_per_month {
        None => None,
        Some(h) => {
            let h = positive("hot_capacity_per_month", h, "50")?;
            if capacity_per_month.is_some_and(|c| h > c) {
                return Err(format!(
                    "[sales] hot_capacity_per_month = {h} is above the capacity of {} a month; the hot tier is the top of the MQLs",
                    capacity_per_month.unwrap_or_default()
                ));
            }
            Some(h)
        }
    };
    let capacity_rule = match raw.capacity_rule.as_deref() {
        None => CapacityRule::DEFAULT,
        Some("mean") => CapacityRule::Mean,
        Some("busiest") => CapacityRule::Busiest,
        Some(p) if p.strip_prefix('p').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1..=99).contains(&n)) => {
            CapacityRule::Percentile(p[1..].parse::<f64>().unwrap_or(75.0) / 100.0)
        }
        Some(other) => {
            let hint = crate::suggest(other, ["mean", "busiest", "p75", "p90"])
                .map(|s| format!("; did you mean {s:?}?"))
                .unwrap_or_default();
            return Err(format!(
                "[sales] capacity_rule = {other:?}: expected \"mean\", \"busiest\" or a percentile of the months such as \"p75\"{hint}"
            ));
        }
    };
    let min_confidence = match raw.min_confidence {
        None => None,
        Some(p) if p > 0.0 && p < 1.0 => Some(p),
        Some(p) => {
            return Err(format!(
                "[sales] min_confidence = {p}: expected a probability strictly between 0 and 1, e.g. 0.6 (the share of bootstrap resamples in which capacity and band both hold)"
            ))
        }
    };
    Ok(SalesSpec { capacity_per_month, target_conversion, minutes_per_lead, hot_capacity_per_month, capacity_rule, min_confidence })
}

pub fn check_backtest(raw: Option<RawBacktest>) -> Result<BacktestSpec, String> {
    let Some(raw) = raw else { return Ok(BacktestSpec::default()) };
    let defaults = BacktestSpec::default();
    let bootstrap_resamples = raw.bootstrap_resamples.unwrap_or(defaults.bootstrap_resamples);
    if bootstrap_resamples < 1000 {
        return Err(format!(
            "[backtest] bootstrap_resamples = {bootstrap_resamples}: use at least 1000 so the interval ends are stable"
        ));
    }
    let confidence = raw.confidence.unwrap_or(defaults.confidence);
    if !(confidence > 0.5 && confidence < 1.0) {
        return Err(format!("[backtest] confidence = {confidence}: expected a level between 0.5 and 1, e.g. 0.9"));
    }
    let walk_forward_min_training_cohorts = raw.walk_forward_min_training_cohorts.unwrap_or(defaults.walk_forward_min_training_cohorts);
    if walk_forward_min_training_cohorts == 0 {
        return Err("[backtest] walk_forward_min_training_cohorts = 0: a fit needs at least 1 earlier cohort".into());
    }
    Ok(BacktestSpec {
        bootstrap_resamples,
        seed: raw.seed.unwrap_or(defaults.seed),
        confidence,
        walk_forward: raw.walk_forward.unwrap_or(defaults.walk_forward),
        walk_forward_min_training_cohorts,
    })
}
