//! Two models on the same holdout, each at its own threshold: volume,
//! conversion, wins captured, and the swap sets (leads that become MQLs and
//! leads that stop being MQLs under the candidate).

use mqlcal_features::{FeatureTable, Outcome};
use mqlcal_scorecard::Model;
use serde::Serialize;

use crate::recommend::{pct, volume};
use crate::scored::{Judged, Route, ScoredLeads};
use crate::sweep::Outcomes;
use crate::BacktestError;

/// One model's MQLs on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSide {
    pub name: String,
    pub threshold: i64,
    pub mqls: u64,
    pub mqls_per_month: f64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    pub wins_captured_share: Option<f64>,
}

/// Leads by their MQL status under both models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapRow {
    /// "both", "become_mql" (candidate only), "stop_being_mql" (current only), "neither".
    pub set: String,
    pub leads: u64,
    pub leads_per_month: f64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub current: ModelSide,
    pub candidate: ModelSide,
    pub swaps: Vec<SwapRow>,
    pub summary: String,
    /// Today's model at the threshold that sends as many MQLs as the candidate
    /// does at its own (not serialised: backtest.json keeps its shape; the
    /// report and `swaps.csv` carry it).
    #[serde(skip)]
    pub equal_volume: EqualVolume,
    /// Every lead that becomes or stops being an MQL, at own thresholds and at equal volume.
    #[serde(skip)]
    pub swap_leads: Vec<SwapLead>,
}

impl Comparison {
    /// The leads compared, in one of the four sets of [`Comparison::swaps`].
    pub fn leads(&self) -> u64 {
        self.swaps.iter().map(|s| s.leads).sum()
    }

    /// The won and the lost leads that today's model does not make MQLs (the candidate's
    /// alone, and neither's).
    pub fn not_current_mqls(&self) -> (u64, u64) {
        let sets = self.swaps.iter().filter(|s| s.set == "become_mql" || s.set == "neither");
        sets.fold((0, 0), |(won, lost), s| (won + s.outcomes.won, lost + s.outcomes.lost))
    }
}

/// Today's model at equal volume: its threshold chosen so that it sends the
/// number of MQLs closest to the candidate's (ties: the stricter threshold).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EqualVolume {
    pub current: ModelSide,
    pub swaps: Vec<SwapRow>,
    pub summary: String,
}

/// Which of the two comparisons a swapped lead belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Each model at its own threshold.
    OwnThreshold,
    /// Today's model at the threshold of equal volume.
    EqualVolume,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OwnThreshold => "own_threshold",
            Basis::EqualVolume => "equal_volume",
        }
    }
}

/// One lead that changes sides between today's model and the candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapLead {
    pub basis: Basis,
    /// "become_mql" (candidate only) or "stop_being_mql" (today's model only).
    pub set: &'static str,
    pub lead_id: String,
    pub cohort: String,
    pub outcome: Outcome,
    pub current_score: i64,
    pub current_threshold: i64,
    pub candidate_score: i64,
    pub candidate_threshold: i64,
}

/// The models' sides and the four swap sets with `current` at `t_current`, `candidate` at `t_candidate`.
struct Matchup {
    current: ModelSide,
    candidate: ModelSide,
    swaps: Vec<SwapRow>,
}

/// Both sides scored on the same judged leads (aligned: lead i is the same lead in both).
struct Scored<'a> {
    a: &'a ScoredLeads,
    b: &'a ScoredLeads,
    months: f64,
    z: f64,
}

impl Scored<'_> {
    fn side(&self, name: &str, t: i64, counts: [u64; 3]) -> ModelSide {
        let total_won = self.a.counts(|_| true)[0];
        let mqls = counts.iter().sum::<u64>();
        ModelSide {
            name: name.to_string(),
            threshold: t,
            mqls,
            mqls_per_month: mqls as f64 / self.months,
            outcomes: Outcomes::of(counts, self.z),
            wins_captured_share: (total_won > 0).then(|| counts[0] as f64 / total_won as f64),
        }
    }

    fn swap(&self, set: &str, keep: &dyn Fn(usize) -> bool) -> SwapRow {
        let counts = self.a.counts(keep);
        let leads = counts.iter().sum::<u64>();
        SwapRow {
            set: set.into(),
            leads,
            leads_per_month: leads as f64 / self.months,
            outcomes: Outcomes::of(counts, self.z),
        }
    }

    fn matchup(&self, names: (&str, &str), t_current: i64, t_candidate: i64) -> Matchup {
        let in_a = |i: usize| self.a.is_mql(i, t_current);
        let in_b = |i: usize| self.b.is_mql(i, t_candidate);
        Matchup {
            current: self.side(names.0, t_current, self.a.counts(in_a)),
            candidate: self.side(names.1, t_candidate, self.a.counts(in_b)),
            swaps: vec![
                self.swap("both", &|i| in_a(i) && in_b(i)),
                self.swap("become_mql", &|i| !in_a(i) && in_b(i)),
                self.swap("stop_being_mql", &|i| in_a(i) && !in_b(i)),
                self.swap("neither", &|i| !in_a(i) && !in_b(i)),
            ],
        }
    }

    /// The leads of the two swap sets at these thresholds, in table order.
    fn swap_leads(&self, table: &FeatureTable, basis: Basis, t_current: i64, t_candidate: i64) -> Vec<SwapLead> {
        (0..self.a.len())
            .filter_map(|i| {
                let set = match (self.a.is_mql(i, t_current), self.b.is_mql(i, t_candidate)) {
                    (false, true) => "become_mql",
                    (true, false) => "stop_being_mql",
                    _ => return None,
                };
                let row = self.a.rows[i];
                Some(SwapLead {
                    basis,
                    set,
                    lead_id: table.ids[row].clone(),
                    cohort: table.cohorts[row].clone(),
                    outcome: self.a.outcome[i],
                    current_score: self.a.score[i],
                    current_threshold: t_current,
                    candidate_score: self.b.score[i],
                    candidate_threshold: t_candidate,
                })
            })
            .collect()
    }
}

/// The threshold at which `scored` sends the number of MQLs closest to `target`
/// (ties: the stricter one). Overrides count as they route.
pub fn threshold_for_volume(scored: &ScoredLeads, target: u64) -> Option<i64> {
    let always: u64 = scored.counts(|i| scored.route[i] == Route::Always).iter().sum();
    // (score, leads), highest first.
    let mut scores: Vec<(i64, u64)> =
        (0..scored.len()).filter(|&i| scored.route[i] == Route::Score).map(|i| (scored.score[i], scored.leads[i])).collect();
    scores.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    // Candidates: one above the top (overrides only), then every distinct score, strictest first.
    let mut best: Option<(u64, i64)> = scores.first().map(|&(top, _)| (always.abs_diff(target), top + 1));
    let (mut k, mut taken) = (0, 0u64);
    while k < scores.len() {
        let t = scores[k].0;
        while k < scores.len() && scores[k].0 == t {
            taken += scores[k].1;
            k += 1;
        }
        let distance = (always + taken).abs_diff(target);
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, t));
        }
    }
    best.map(|(_, t)| t)
}

/// Compare `current` and `candidate` (each with its own threshold) on `rows` of `table`,
/// and today's model again at the threshold of equal volume.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    current: &Model,
    current_name: &str,
    candidate: &Model,
    candidate_name: &str,
    table: &FeatureTable,
    judged: &Judged,
    z: f64,
) -> Result<Comparison, BacktestError> {
    let threshold = |m: &Model, name: &str| match (m.threshold, m.two_axis()) {
        (Some(t), _) => Ok(t),
        (None, Some(_)) => Err(BacktestError::Rule(format!(
            "{name}: decides MQLs by a two-axis rule, and this comparison sets thresholds on the total score; compare the rule with one threshold through mqlcal backtest with [rule] kind = \"two_axis\""
        ))),
        (None, None) => Err(BacktestError::NoThreshold { model: name.to_string() }),
    };
    let (t_current, t_candidate) = (threshold(current, current_name)?, threshold(candidate, candidate_name)?);
    let a = judged.score(current, table, current_name)?;
    let b = judged.score(candidate, table, candidate_name)?;
    let scored = Scored { a: &a, b: &b, months: judged.month_count() as f64, z };
    let names = (current_name, candidate_name);
    let own = scored.matchup(names, t_current, t_candidate);
    let t_equal = threshold_for_volume(&a, own.candidate.mqls).unwrap_or(t_current);
    let equal = scored.matchup(names, t_equal, t_candidate);
    let mut swap_leads = scored.swap_leads(table, Basis::OwnThreshold, t_current, t_candidate);
    swap_leads.extend(scored.swap_leads(table, Basis::EqualVolume, t_equal, t_candidate));
    let summary = own_summary(&own);
    let equal_volume = EqualVolume { summary: equal_summary(&equal), current: equal.current, swaps: equal.swaps };
    Ok(Comparison { current: own.current, candidate: own.candidate, swaps: own.swaps, summary, equal_volume, swap_leads })
}

fn conv(v: Option<f64>) -> String {
    v.map_or("-".to_string(), pct)
}

/// "3 leads a month become MQLs (conversion 21.0 %) and 5 stop being MQLs (conversion 9.0 %)";
/// an empty set says so instead of showing a conversion it does not have.
fn swaps_phrase(joining: &SwapRow, stop: &SwapRow) -> String {
    let conversion = |row: &SwapRow| row.outcomes.conversion.map_or("none decided yet".to_string(), |cv| format!("conversion {}", pct(cv)));
    let joining = if joining.leads == 0 {
        "No lead becomes an MQL".to_string()
    } else {
        format!("{} leads a month become MQLs ({})", volume(joining.leads_per_month), conversion(joining))
    };
    let stop = if stop.leads == 0 {
        "no lead stops being one".to_string()
    } else {
        format!("{} stop being MQLs ({})", volume(stop.leads_per_month), conversion(stop))
    };
    format!("{joining} and {stop}.")
}

fn own_summary(m: &Matchup) -> String {
    format!(
        "The candidate (threshold {}) sends {} MQLs a month converting at {} and captures {} of wins; the current model (threshold {}) sends {} at {} capturing {}. {}",
        m.candidate.threshold,
        volume(m.candidate.mqls_per_month),
        conv(m.candidate.outcomes.conversion),
        conv(m.candidate.wins_captured_share),
        m.current.threshold,
        volume(m.current.mqls_per_month),
        conv(m.current.outcomes.conversion),
        conv(m.current.wins_captured_share),
        swaps_phrase(&m.swaps[1], &m.swaps[2]),
    )
}

fn equal_summary(m: &Matchup) -> String {
    format!(
        "At equal volume, the current model at threshold {} sends {} MQLs a month (the candidate {}): it converts at {} and captures {} of wins, against the candidate's {} and {}. {} of the candidate's MQLs are won leads the current model misses; {} won leads are MQLs only under the current model.",
        m.current.threshold,
        volume(m.current.mqls_per_month),
        volume(m.candidate.mqls_per_month),
        conv(m.current.outcomes.conversion),
        conv(m.current.wins_captured_share),
        conv(m.candidate.outcomes.conversion),
        conv(m.candidate.wins_captured_share),
        m.swaps[1].outcomes.won,
        m.swaps[2].outcomes.won,
    )
}
