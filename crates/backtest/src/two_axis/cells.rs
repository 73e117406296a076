//! The holdout by cell of the two-axis rule: its four quadrants (high or low
//! fit × high or low engagement, split at the boundary) or its grade cells
//! (A1 … D3): leads, MQLs, conversion and where the leads go.

use std::collections::BTreeMap;

use mqlcal_scorecard::{Grades, LeadRoute, TwoAxisRule};
use serde::Serialize;

use crate::scored::{outcome_index, ScoredLeads};
use crate::sweep::Outcomes;

/// One cell on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellRow {
    /// "A1" … or "high fit, high engagement" ….
    pub cell: String,
    /// Fit scores from this (inclusive; None: no lower end) …
    pub fit_from: Option<i64>,
    /// … to below this (None: no upper end).
    pub fit_below: Option<i64>,
    pub engagement_from: Option<i64>,
    pub engagement_below: Option<i64>,
    pub leads: u64,
    pub mqls: u64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
    /// Leads of the cell by route.
    pub routes: BTreeMap<LeadRoute, u64>,
}

/// The cells of `rule` on `leads`: grade cells (`by_grade`, best first) or the four quadrants.
pub fn cell_rows(leads: &ScoredLeads, rule: &TwoAxisRule, by_grade: bool, z: f64) -> Vec<CellRow> {
    let layout: Vec<(String, [Option<i64>; 4])> = match (&rule.grades, by_grade) {
        (Some(g), true) => grade_layout(g),
        _ => {
            let (f, e) = (rule.fit_min, rule.engagement_min);
            vec![
                ("high fit, high engagement".into(), [Some(f), None, Some(e), None]),
                ("high fit, low engagement".into(), [Some(f), None, None, Some(e)]),
                ("low fit, high engagement".into(), [None, Some(f), Some(e), None]),
                ("low fit, low engagement".into(), [None, Some(f), None, Some(e)]),
            ]
        }
    };
    let inside = |v: i64, from: Option<i64>, below: Option<i64>| from.is_none_or(|x| v >= x) && below.is_none_or(|x| v < x);
    let mut rows: Vec<CellRow> = layout
        .into_iter()
        .map(|(cell, [fit_from, fit_below, engagement_from, engagement_below])| CellRow {
            cell,
            fit_from,
            fit_below,
            engagement_from,
            engagement_below,
            leads: 0,
            mqls: 0,
            outcomes: Outcomes::of([0; 3], z),
            routes: BTreeMap::new(),
        })
        .collect();
    let mut counts = vec![[0u64; 3]; rows.len()];
    for i in 0..leads.len() {
        let (f, e) = (leads.fit[i], leads.engagement[i]);
        let Some(k) = rows.iter().position(|r| inside(f, r.fit_from, r.fit_below) && inside(e, r.engagement_from, r.engagement_below)) else { continue };
        let d = leads.two_axis_decision(i, rule);
        let n = leads.leads[i];
        rows[k].leads += n;
        rows[k].mqls += u64::from(d.mql) * n;
        *rows[k].routes.entry(d.route).or_default() += n;
        counts[k][outcome_index(leads.outcome[i])] += n;
    }
    for (row, c) in rows.iter_mut().zip(counts) {
        row.outcomes = Outcomes::of(c, z);
    }
    rows
}

/// Grade cells best first with their score ranges.
fn grade_layout(g: &Grades) -> Vec<(String, [Option<i64>; 4])> {
    let range = |bounds: &[i64], k: usize| (bounds.get(k).copied(), if k == 0 { None } else { Some(bounds[k - 1]) });
    let mut out = Vec::new();
    for f in 0..=g.fit.len() {
        for e in 0..=g.engagement.len() {
            let ((ff, fb), (ef, eb)) = (range(&g.fit, f), range(&g.engagement, e));
            out.push((format!("{}{}", Grades::fit_name(f), Grades::engagement_name(e)), [ff, fb, ef, eb]));
        }
    }
    out
}
