//! Scoring one lead: feature values from a raw lead, points per signal with
//! group caps, overrides, tier and reason codes.

use serde::{Deserialize, Serialize};

use crate::calibration::{CalibrationTable, WholeScores};
use crate::{Axis, LeadRoute, Model, OverrideRule, RawLead, RecipeError};

/// The score of one lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub total: i64,
    pub fit: i64,
    pub engagement: i64,
    /// None when the model has no threshold.
    pub mql: Option<bool>,
    /// None without a calibration table.
    pub probability: Option<f64>,
    /// The grade cell ("B2") under a two-axis rule with grades.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Where the lead goes under a two-axis rule (sales, nurture, campaign, discard).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<LeadRoute>,
}

/// A lead's points: the total (base included) and the fit and engagement sub-scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Points {
    pub total: i64,
    pub fit: i64,
    pub engagement: i64,
}

/// The routing tier of an MQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Route to sales now (at or above `hot_threshold`).
    Hot,
    /// Nurture, then route.
    Warm,
}

/// One reason code: a signal that moved the score, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub signal: String,
    pub points: i64,
    /// e.g. "demo request (+100)", "pricing page ×3 (+75)", "email domain: competitor (−105)".
    pub text: String,
}

/// A score with its tier and its top reason codes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    #[serde(flatten)]
    pub score: Score,
    pub tier: Option<Tier>,
    /// Up to three signals with the largest contributions (by size, either sign).
    pub reasons: Vec<Reason>,
}

/// A lead's score and tier with its three largest contributions, not yet in words
/// ([`Scorer::rank`]; [`Scorer::push_reason`] writes them).
#[derive(Clone)]
pub struct Ranked {
    pub score: Score,
    pub tier: Option<Tier>,
    /// Largest first; never a contribution of 0 (it is no reason).
    top: [Option<Contribution>; 3],
}

/// "email_domain=competitor" → "email domain: competitor".
fn words(name: &str) -> String {
    match name.split_once('=') {
        Some((signal, level)) => format!("{}: {level}", signal.replace('_', " ")),
        None => name.replace('_', " "),
    }
}

/// Points one signal, or one capped group of signals, adds to a lead's score.
#[derive(Clone, Copy)]
struct Contribution {
    axis: Axis,
    points: i64,
    source: Source,
}

#[derive(Clone, Copy)]
enum Source {
    /// Index into `Model::signals`.
    Signal(usize),
    /// Index into `Model::group_caps`: the group reached its cap.
    CappedGroup(usize),
}

impl Model {
    /// Feature values of a raw lead, aligned with `signals`, computed by their recipes.
    pub fn features_from_raw(&self, lead: &RawLead) -> Result<Vec<f64>, RecipeError> {
        let inputs = self.inputs.clone().unwrap_or_default();
        self.signals
            .iter()
            .map(|s| match &s.recipe {
                Some(recipe) => recipe.value(&s.name, lead, &inputs),
                None => Err(RecipeError::NoRecipe { signal: s.name.clone(), version: env!("CARGO_PKG_VERSION").into() }),
            })
            .collect()
    }

    /// Score, tier and the top three reason codes of a lead's feature values.
    pub fn explain(&self, values: &[f64]) -> Explained {
        self.scorer_for_one().explain(values)
    }

    /// The name a contribution's reason code carries: its signal's, or its capped group's.
    fn source_name(&self, part: &Contribution) -> &str {
        match part.source {
            Source::Signal(j) => &self.signals[j].name,
            Source::CappedGroup(g) => &self.group_caps[g].name,
        }
    }

    /// Score one lead from its raw cells and events.
    pub fn score_raw(&self, lead: &RawLead) -> Result<Explained, RecipeError> {
        Ok(self.explain(&self.features_from_raw(lead)?))
    }

    /// Score one lead from its feature values, aligned with `signals`. To score many
    /// leads, make a [`Scorer`] once ([`Model::scorer`]).
    pub fn score(&self, values: &[f64]) -> Score {
        self.scorer_for_one().score(values)
    }

    /// The routing rule that decides this lead whatever its score, if any:
    /// `never_mql` wins over `always_mql` (a competitor's demo request is not an MQL).
    pub fn override_rule(&self, values: &[f64]) -> Option<OverrideRule> {
        self.scorer_for_one().override_rule(values)
    }

    /// The model resolved for scoring many leads.
    pub fn scorer(&self) -> Scorer<'_> {
        let one = self.scorer_for_one();
        let whole_values = WholeValuePoints::of(&one);
        Scorer { probabilities: self.calibration.as_ref().and_then(CalibrationTable::whole_scores), whole_values, ..one }
    }

    /// The model resolved for a lead or two (no table of probabilities by score).
    fn scorer_for_one(&self) -> Scorer<'_> {
        let group_of: Vec<Option<usize>> = self
            .signals
            .iter()
            .map(|s| self.group_caps.iter().position(|g| g.signals.contains(&s.name)))
            .collect();
        let groups = self
            .group_caps
            .iter()
            .enumerate()
            .map(|(g, cap)| CapGroup {
                members: (0..group_of.len()).filter(|&j| group_of[j] == Some(g)).collect(),
                axis: cap
                    .signals
                    .first()
                    .and_then(|name| self.signals.iter().find(|s| &s.name == name))
                    .map_or(Axis::Engagement, |s| s.axis),
                max_points: cap.max_points,
            })
            .collect();
        let overrides = self
            .overrides
            .iter()
            .map(|o| (self.signals.iter().position(|s| s.name == o.signal), o.rule))
            .collect();
        Scorer {
            model: self,
            group_of,
            groups,
            overrides,
            signal_words: self.signals.iter().map(|s| words(&s.name)).collect(),
            group_words: self.group_caps.iter().map(|g| words(&g.name)).collect(),
            probabilities: None,
            whole_values: None,
        }
    }
}

/// A model made ready to score many leads: which cap group each signal is in, each
/// group's axis and each override's column are looked up once here, not per lead.
/// The score, its sub-scores and its reason codes all come from [`Scorer::each_contribution`].
pub struct Scorer<'m> {
    model: &'m Model,
    /// Index into `group_caps` of each signal's group; None: the signal counts alone.
    group_of: Vec<Option<usize>>,
    groups: Vec<CapGroup>,
    /// Column of each override's signal (None: not a signal of the model), in `overrides` order.
    overrides: Vec<(Option<usize>, OverrideRule)>,
    /// Each signal's and each cap group's name in words, for reason codes.
    signal_words: Vec<String>,
    group_words: Vec<String>,
    /// The calibration's probability at each whole score, when scoring many leads.
    probabilities: Option<WholeScores>,
    /// Each signal's points at the whole values 0 to 255, when scoring many leads.
    whole_values: Option<WholeValuePoints>,
}

/// Each signal's points at every whole value from 0 to 255, the values capped counts and
/// 0/1 indicators take, when no sum of a lead's points can reach the ends of i64. A lead
/// of such values is then scored by lookups and plain additions, with no branch on each
/// value: the same sums as [`Scorer::each_contribution`]'s, which only adds in another
/// order (plain additions that cannot overflow give one sum in any order).
struct WholeValuePoints {
    /// Row j: signal j's points at value k, `round_to_points(points × k)` as each
    /// contribution computes it.
    points: Vec<[i64; 256]>,
    /// The signals outside cap groups, each with a mask that keeps its points on the fit
    /// axis (all ones) or on the engagement axis (0).
    alone: Vec<(usize, i64)>,
}

impl WholeValuePoints {
    /// The tables of `scorer`'s model; None when some lead's sums could saturate: the
    /// base, every signal's largest points in size and every group's cap, added in size,
    /// bound every sum a lead's points go through.
    fn of(scorer: &Scorer<'_>) -> Option<WholeValuePoints> {
        let model = scorer.model;
        let points: Vec<[i64; 256]> = model.signals.iter().map(|s| std::array::from_fn(|k| round_to_points(s.points as f64 * k as f64))).collect();
        let largest = |row: &[i64; 256]| row.iter().map(|p| i128::from(*p).abs()).max().unwrap_or(0);
        let bound = i128::from(model.base_points).abs()
            + points.iter().map(largest).sum::<i128>()
            + scorer.groups.iter().map(|g| i128::from(g.max_points).abs()).sum::<i128>();
        let fit_mask = |axis: Axis| if axis == Axis::Fit { -1i64 } else { 0 };
        let alone = (0..points.len()).filter(|&j| scorer.group_of[j].is_none()).map(|j| (j, fit_mask(model.signals[j].axis))).collect();
        (bound <= i128::from(i64::MAX)).then_some(WholeValuePoints { points, alone })
    }
}

/// A group cap, resolved: its member columns (ascending), its axis and its cap.
struct CapGroup {
    members: Vec<usize>,
    /// The axis of the group's first signal.
    axis: Axis,
    max_points: i64,
}

impl Scorer<'_> {
    /// What each signal adds to a lead's score, with group caps applied: this is
    /// the one place the cap rule lives, so the score and its reason codes agree.
    /// A group under its cap contributes member by member (on the group's axis, the
    /// axis of its first signal); a group over its cap contributes once, capped.
    /// Signals outside groups come first, in column order (those of value 0, adding
    /// nothing, left out), then the groups in order.
    fn each_contribution(&self, values: &[f64], mut part: impl FnMut(Contribution)) {
        let signals = &self.model.signals;
        let points = |j: usize| round_to_points(signals[j].points as f64 * values[j]);
        let n = signals.len().min(values.len());
        // A signal the lead does not have (most of a lead's levels and counts) adds nothing,
        // and a contribution of 0 changes no sum and is no reason: it is not handed on.
        for j in (0..n).filter(|&j| self.group_of[j].is_none() && values[j] != 0.0) {
            part(Contribution { axis: signals[j].axis, points: points(j), source: Source::Signal(j) });
        }
        for (g, group) in self.groups.iter().enumerate() {
            let members = group.members.iter().copied().take_while(|&j| j < n);
            let sum = members.clone().fold(0i64, |acc, j| acc.saturating_add(points(j)));
            if sum > group.max_points {
                part(Contribution { axis: group.axis, points: group.max_points, source: Source::CappedGroup(g) });
            } else {
                members.for_each(|j| part(Contribution { axis: group.axis, points: points(j), source: Source::Signal(j) }));
            }
        }
    }

    /// Score one lead from its feature values, aligned with `signals`.
    pub fn score(&self, values: &[f64]) -> Score {
        self.score_of(values, self.points(values))
    }

    /// A lead's points alone, without the decision, tier or probability: what a backtest
    /// sweeps thresholds over.
    pub fn points(&self, values: &[f64]) -> Points {
        self.points_of_whole_values(values).unwrap_or_else(|| self.points_with(values, |_| {}))
    }

    /// [`Scorer::points`] by [`WholeValuePoints`]' lookups; None when the scorer has no
    /// tables or a value is not a whole number from 0 to 255.
    fn points_of_whole_values(&self, values: &[f64]) -> Option<Points> {
        let tables = self.whole_values.as_ref()?;
        if values.len() != tables.points.len() {
            return None;
        }
        // `as u8` takes NaN, negatives and fractions somewhere in 0..=255; comparing back
        // finds them, for the whole lead at the end rather than a branch per value.
        let mut whole = true;
        let mut at = |j: usize| {
            let k = values[j] as u8;
            whole &= f64::from(k) == values[j];
            tables.points[j][usize::from(k)]
        };
        let (mut fit, mut engagement) = (0i64, 0i64);
        for &(j, fit_mask) in &tables.alone {
            let p = at(j);
            fit += p & fit_mask;
            engagement += p & !fit_mask;
        }
        for group in &self.groups {
            // Over its cap, a group adds its cap; under it, each member's points.
            let capped = group.members.iter().map(|&j| at(j)).sum::<i64>().min(group.max_points);
            match group.axis {
                Axis::Fit => fit += capped,
                Axis::Engagement => engagement += capped,
            }
        }
        whole.then(|| Points { total: self.model.base_points + fit + engagement, fit, engagement })
    }

    /// A lead's points, each contribution also handed to `part`.
    fn points_with(&self, values: &[f64], mut part: impl FnMut(&Contribution)) -> Points {
        let (mut fit, mut engagement) = (0i64, 0i64);
        self.each_contribution(values, |contribution| {
            // Saturating: an absurd value (bounded points × an uncapped number) pins
            // the score at the end of the range instead of wrapping around.
            match contribution.axis {
                Axis::Fit => fit = fit.saturating_add(contribution.points),
                Axis::Engagement => engagement = engagement.saturating_add(contribution.points),
            }
            part(&contribution);
        });
        let total = self.model.base_points.saturating_add(fit).saturating_add(engagement);
        Points { total, fit, engagement }
    }

    /// The score of a lead with these points.
    fn score_of(&self, values: &[f64], Points { total, fit, engagement }: Points) -> Score {
        let model = self.model;
        let rule = self.override_rule(values);
        // The two-axis rule decides in its one home; otherwise overrides, then the threshold.
        let (mql, grade, route) = match model.two_axis() {
            Some(two_axis) => {
                let d = two_axis.decide(fit, engagement, rule);
                (Some(d.mql), d.grade, Some(d.route))
            }
            None => match rule {
                Some(rule) => (Some(rule == OverrideRule::AlwaysMql), None, None),
                None => (model.threshold.map(|t| total >= t), None, None),
            },
        };
        Score {
            total,
            fit,
            engagement,
            mql,
            probability: model.calibration.as_ref().map(|c| self.probabilities.as_ref().and_then(|whole| whole.get(total)).unwrap_or_else(|| c.probability(total as f64))),
            grade,
            route,
        }
    }

    /// The routing rule that decides this lead whatever its score, if any:
    /// `never_mql` wins over `always_mql` (a competitor's demo request is not an MQL).
    pub fn override_rule(&self, values: &[f64]) -> Option<OverrideRule> {
        let mut rule = None;
        for &(column, kind) in &self.overrides {
            let fires = column.and_then(|j| values.get(j)).is_some_and(|&v| v > 0.0);
            if fires {
                if kind == OverrideRule::NeverMql {
                    return Some(OverrideRule::NeverMql);
                }
                rule = Some(OverrideRule::AlwaysMql);
            }
        }
        rule
    }

    /// Score, tier and the top three reason codes of a lead's feature values.
    pub fn explain(&self, values: &[f64]) -> Explained {
        let ranked = self.rank(values);
        let reasons = ranked.top.iter().flatten().map(|part| self.reason(part, values)).collect();
        Explained { score: ranked.score, tier: ranked.tier, reasons }
    }

    /// [`Scorer::explain`] without putting the reasons in words: the score, the tier and the
    /// three largest contributions, for [`Scorer::push_reason`] to write where they are needed
    /// (a scores file writes them straight into its rows, with no text per lead).
    pub fn rank(&self, values: &[f64]) -> Ranked {
        let model = self.model;
        // The three largest contributions (by size, then name) are put in words; the rest
        // are not. A contribution goes before the first it is strictly larger than, so
        // equal ones keep their order, as a stable sort of all of them would.
        let mut top: [Option<Contribution>; 3] = [None, None, None];
        let larger = |a: &Contribution, b: &Contribution| {
            b.points.unsigned_abs().cmp(&a.points.unsigned_abs()).then_with(|| model.source_name(a).cmp(model.source_name(b))) == std::cmp::Ordering::Less
        };
        let points = self.points_with(values, |part| {
            if part.points == 0 {
                return;
            }
            if let Some(at) = top.iter().position(|kept| kept.as_ref().is_none_or(|kept| larger(part, kept))) {
                top[at..].rotate_right(1);
                top[at] = Some(*part);
            }
        });
        let score = self.score_of(values, points);
        let tier = match score.mql {
            Some(true) if model.hot_threshold.is_some_and(|h| score.total >= h) => Some(Tier::Hot),
            Some(true) => Some(Tier::Warm),
            _ => None,
        };
        Ranked { score, tier, top }
    }

    /// Reason `k` (0, 1 or 2) of a ranked lead in words, appended to `text`: the text of
    /// [`Reason::text`]. False, and nothing written, when the lead has fewer reasons.
    /// `values` are the feature values `ranked` was ranked from.
    pub fn push_reason(&self, ranked: &Ranked, k: usize, values: &[f64], text: &mut String) -> bool {
        let part = ranked.top.get(k).copied().flatten();
        if let Some(part) = &part {
            self.push_words(part, values, text);
        }
        part.is_some()
    }

    /// A contribution (not of 0) in words: "pricing page ×3 (+75)", "awareness: blog ×5,
    /// ebook (+12, capped)".
    fn reason(&self, part: &Contribution, values: &[f64]) -> Reason {
        let mut text = String::with_capacity(48);
        self.push_words(part, values, &mut text);
        Reason { signal: self.model.source_name(part).to_string(), points: part.points, text }
    }

    /// A contribution's words, appended to `text`.
    fn push_words(&self, part: &Contribution, values: &[f64], text: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let times = |text: &mut String, v: f64| {
            if (v - 1.0).abs() > 1e-9 {
                // A whole count is written as the integer it is ({:.0} reads the same, and
                // is the slow path of float formatting); -0.0 keeps its sign that way.
                let _ = if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
                    text.push_str(" ×");
                    text.push_str(itoa::Buffer::new().format(v as i64));
                    Ok(())
                } else if v.fract() == 0.0 {
                    write!(text, " ×{v:.0}")
                } else {
                    write!(text, " ×{v:.2}")
                };
            }
        };
        // unsigned_abs: i64::MIN has no positive twin (a saturated sum must not panic here).
        let sign = |text: &mut String| {
            text.push_str(if part.points < 0 { "−" } else { "+" });
            text.push_str(itoa::Buffer::new().format(part.points.unsigned_abs()));
        };
        let signals = &self.model.signals;
        match part.source {
            Source::Signal(j) => {
                text.push_str(&self.signal_words[j]);
                times(text, values[j]);
                text.push_str(" (");
                sign(text);
                text.push(')');
            }
            Source::CappedGroup(g) => {
                let cap = &self.model.group_caps[g];
                text.push_str(&self.group_words[g]);
                text.push_str(": ");
                let members = signals.iter().zip(values).enumerate().filter(|(_, (s, &v))| v != 0.0 && cap.signals.contains(&s.name));
                for (k, (j, (_, &v))) in members.enumerate() {
                    if k > 0 {
                        text.push_str(", ");
                    }
                    text.push_str(&self.signal_words[j]);
                    times(text, v);
                }
                text.push_str(" (");
                sign(text);
                text.push_str(", capped)");
            }
        }
    }
}

/// `x.round() as i64`: half away from zero, NaN to 0, saturating. Written out because
/// `f64::round` is a call into libm on baseline x86-64, and every lead's every signal is
/// rounded (2 % of a 1M recalibration's CPU went to `round` itself).
#[inline]
fn round_to_points(x: f64) -> i64 {
    // Below 2^52 in size, taking the whole part off leaves the fraction exactly; above, every
    // value is whole already (and ±∞, NaN convert as `round` leaves them).
    if x.abs() < 4_503_599_627_370_496.0 {
        let whole = x as i64;
        let rest = x - whole as f64;
        whole + i64::from(rest >= 0.5) - i64::from(rest <= -0.5)
    } else {
        x as i64
    }
}

#[cfg(test)]
mod tests {
    /// Our rounding is `round() as i64`: halves, the doubles beside them, 2^52 and 2^53
    /// around, ±0, ±∞, NaN, the ends of i64 and a million random values of every size.
    #[test]
    fn round_to_points_is_round_as_i64() {
        let mut special = vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 9.3e18, -9.3e18, 9.2e18];
        for k in -2000i64..2000 {
            let half = k as f64 + 0.5;
            special.extend([half, f64::from_bits(half.to_bits() + 1), f64::from_bits(half.to_bits() - 1), k as f64]);
        }
        for e in 50..55 {
            let p = 2f64.powi(e);
            for d in [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5] {
                special.extend([p + d, -(p + d), f64::from_bits((p + d).to_bits() - 1)]);
            }
        }
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..1_000_000 {
            let state: u64 = rng.random();
            let x = f64::from_bits(state);
            special.push(if x.is_finite() && x.abs() < 1e20 { x } else { (state >> 11) as f64 / 1024.0 - 4e12 });
        }
        for x in special {
            assert_eq!(round_to_points(x), x.round() as i64, "{x:e} ({:#x})", x.to_bits());
        }
    }

    use super::*;

    /// `explain` as first written: every non-zero contribution, stably sorted, the first three.
    fn explain_by_sorting_all(scorer: &Scorer<'_>, values: &[f64]) -> Vec<Reason> {
        let model = scorer.model;
        let mut parts = Vec::new();
        scorer.each_contribution(values, |part| {
            if part.points != 0 {
                parts.push(part);
            }
        });
        parts.sort_by(|a, b| b.points.unsigned_abs().cmp(&a.points.unsigned_abs()).then_with(|| model.source_name(a).cmp(model.source_name(b))));
        parts.iter().take(3).map(|part| scorer.reason(part, values)).collect()
    }

    #[test]
    fn the_top_three_kept_as_they_come_are_the_first_three_of_all_sorted() {
        let mut model = crate::tests::model();
        // Ties in size on both axes and in sign, two of them under one name's order.
        for (name, axis, points) in [("webinar", Axis::Engagement, 10), ("title=cto", Axis::Fit, -10), ("size=smb", Axis::Fit, 8), ("a_visit", Axis::Engagement, 8), ("z_visit", Axis::Engagement, -8)] {
            model.signals.push(crate::ModelSignal { name: name.into(), axis, points, coefficient: None, std_error: None, p_value: None, recipe: None });
        }
        let scorer = model.scorer();
        let choices = [0.0, 1.0, 2.0, 3.0, 0.5, 1.25];
        let n = model.signals.len();
        // Every lead of values drawn by a counter in base 6 over the first signals, the rest by a stride.
        for lead in 0..20_000usize {
            let values: Vec<f64> = (0..n).map(|j| choices[(lead / 6usize.pow((j % 6) as u32) + j * 7) % choices.len()]).collect();
            let explained = scorer.explain(&values);
            assert_eq!(explained.reasons, explain_by_sorting_all(&scorer, &values), "{values:?}");
            assert_eq!(explained.score, scorer.score(&values));
            let points = scorer.points(&values);
            assert_eq!((points.total, points.fit, points.engagement), (explained.score.total, explained.score.fit, explained.score.engagement));
            // The reasons a scores file writes straight from the ranking are explain's texts, appended.
            let ranked = scorer.rank(&values);
            assert_eq!((&ranked.score, ranked.tier), (&explained.score, explained.tier));
            let mut written = String::from("|");
            let count = (0..4).take_while(|&k| scorer.push_reason(&ranked, k, &values, &mut written) && { written.push('|'); true }).count();
            let expected: String = explained.reasons.iter().map(|r| r.text.clone() + "|").collect();
            assert_eq!((count, written), (explained.reasons.len(), format!("|{expected}")));
        }
    }

    /// Points by lookups are the contributions' sums: random models (a group on either
    /// axis, under and over its cap, a base) and leads of whole values in and out of the
    /// tables' range, fractions, negatives, -0, NaN and ±∞; the lookups must serve the
    /// leads of whole values. A model whose sums could saturate has no tables.
    #[test]
    fn points_by_lookup_are_the_contributions_sums() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let odd = [0.5, -1.0, -0.0, 256.0, 255.0, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2.0000000000000004];
        let mut served = 0;
        for round in 0..200 {
            let mut model = crate::tests::model();
            model.base_points = rng.random_range(-50..50);
            model.group_caps[0].max_points = rng.random_range(-30..60);
            for j in 0..rng.random_range(0..12) {
                let axis = if rng.random() { Axis::Fit } else { Axis::Engagement };
                model.signals.push(crate::ModelSignal { name: format!("s{j}"), axis, points: rng.random_range(-200..200), coefficient: None, std_error: None, p_value: None, recipe: None });
            }
            if round % 2 == 1 {
                let grouped: Vec<String> = model.signals.iter().skip(3).step_by(2).map(|s| s.name.clone()).collect();
                model.group_caps.push(crate::GroupCap { name: "more".into(), signals: grouped, max_points: rng.random_range(0..300) });
            }
            let scorer = model.scorer();
            assert!(scorer.whole_values.is_some());
            let n = model.signals.len();
            for _ in 0..500 {
                let whole = rng.random_bool(0.7);
                let values: Vec<f64> = (0..n)
                    .map(|_| match rng.random_range(0..10) {
                        _ if !whole && rng.random_bool(0.3) => odd[rng.random_range(0..odd.len())],
                        0..=5 => 0.0,
                        6 | 7 => 1.0,
                        8 => f64::from(rng.random_range(2u8..=255)),
                        _ => f64::from(rng.random_range(0u8..4)),
                    })
                    .collect();
                let expected = scorer.points_with(&values, |_| {});
                assert_eq!(scorer.points(&values), expected, "{values:?}");
                let by_lookup = scorer.points_of_whole_values(&values);
                let all_whole = values.iter().all(|&v| v == v.trunc() && (0.0..=255.0).contains(&v));
                assert_eq!(by_lookup.is_some(), all_whole, "{values:?}");
                served += usize::from(by_lookup.is_some());
            }
        }
        assert!(served > 50_000, "{served}");
        // Points large enough that a lead's sum could saturate: no tables, the sums saturate.
        let mut model = crate::tests::model();
        model.signals[0].points = i64::MAX / 100;
        let scorer = model.scorer();
        assert!(scorer.whole_values.is_none());
        assert_eq!(scorer.points(&[255.0, 0.0, 0.0, 0.0, 0.0]).total, i64::MAX);
    }

    /// `reason` writes a whole count as an integer; it must read as `{:.0}` wrote it.
    #[test]
    fn whole_counts_read_as_float_formatting_wrote_them() {
        let mut v = 2.0f64;
        let mut whole = vec![0.0, 1.0, 3.0, 40.0, -1.0, -7.0, 999_999_999_999_999.0, -999_999_999_999_999.0, 4503599627370496.0 / 8.0];
        while v < 1e15 {
            whole.extend([v, v + 1.0, -v]);
            v *= 3.7;
            v = v.round();
        }
        for v in whole {
            assert!(v.fract() == 0.0 && v.abs() < 1e15);
            assert_eq!(format!("{}", v as i64), format!("{v:.0}"), "{v}");
        }
    }
}
