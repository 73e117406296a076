//! The two-axis MQL rule, its one home: a lead is an MQL when its fit score is
//! at least `fit_min` and its engagement score at least `engagement_min`
//! (overrides decide first). Optional grades name bands of each axis (fit A, B,
//! C, D; engagement 1, 2, 3) and route the leads the rule does not make MQLs.
//! The scorer, the backtest and the SQL and PMML exports all read this type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::OverrideRule;

/// Where a lead goes: the field's quadrant advice (DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadRoute {
    /// An MQL: pass to sales now.
    Sales,
    /// Engaged but a poor fit (students, competitors, researchers): nurture carefully.
    Nurture,
    /// A good fit that has not engaged: a targeted campaign.
    Campaign,
    /// Neither: no effort.
    Discard,
}

impl LeadRoute {
    pub const ALL: [LeadRoute; 4] = [LeadRoute::Sales, LeadRoute::Nurture, LeadRoute::Campaign, LeadRoute::Discard];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadRoute::Sales => "sales",
            LeadRoute::Nurture => "nurture",
            LeadRoute::Campaign => "campaign",
            LeadRoute::Discard => "discard",
        }
    }

    pub fn parse(name: &str) -> Option<LeadRoute> {
        LeadRoute::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Bands of both axes and the routes of named cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grades {
    /// Lower bounds of the fit grades A, B, C …, strictly falling; the last
    /// grade holds every fit score below the last bound (3 bounds: A–D).
    pub fit: Vec<i64>,
    /// Lower bounds of the engagement levels 1, 2 …, strictly falling; the last
    /// level holds every engagement score below the last bound (2 bounds: 1–3).
    pub engagement: Vec<i64>,
    /// Routes of the leads of a cell ("B3") that the rule does not make MQLs;
    /// cells not named follow the quadrant of the boundary.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routes: BTreeMap<String, LeadRoute>,
}

/// A rectangle of (fit, engagement) scores: from (inclusive) and below (exclusive); None is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub fit_from: Option<i64>,
    pub fit_below: Option<i64>,
    pub engagement_from: Option<i64>,
    pub engagement_below: Option<i64>,
}

impl Region {
    /// Every lead.
    pub const ALL: Region = Region { fit_from: None, fit_below: None, engagement_from: None, engagement_below: None };

    pub fn contains(&self, fit: i64, engagement: i64) -> bool {
        let inside = |v: i64, from: Option<i64>, below: Option<i64>| from.is_none_or(|x| v >= x) && below.is_none_or(|x| v < x);
        inside(fit, self.fit_from, self.fit_below) && inside(engagement, self.engagement_from, self.engagement_below)
    }
}

/// At most this many bands per axis (fit A–G, engagement 1–7).
pub const MAX_BANDS: usize = 7;

impl Grades {
    /// Band index (0 = best) of `score` under falling lower `bounds`.
    fn band(bounds: &[i64], score: i64) -> usize {
        bounds.iter().position(|&b| score >= b).unwrap_or(bounds.len())
    }

    /// The fit grade letter of band `k` (0 → 'A').
    pub fn fit_name(k: usize) -> char {
        (b'A' + k as u8) as char
    }

    /// The engagement level of band `k` (0 → '1').
    pub fn engagement_name(k: usize) -> char {
        (b'1' + k as u8) as char
    }

    /// The cell name of a lead's scores, e.g. "B2".
    pub fn cell(&self, fit: i64, engagement: i64) -> String {
        format!("{}{}", Self::fit_name(Self::band(&self.fit, fit)), Self::engagement_name(Self::band(&self.engagement, engagement)))
    }

    /// Every cell name, best first: A1, A2 … then B1 ….
    pub fn cells(&self) -> Vec<String> {
        (0..=self.fit.len())
            .flat_map(|f| (0..=self.engagement.len()).map(move |e| format!("{}{}", Self::fit_name(f), Self::engagement_name(e))))
            .collect()
    }

    /// The lowest score of a cell on each axis (None: the open bottom band).
    pub fn cell_floor(&self, cell: &str) -> Option<(Option<i64>, Option<i64>)> {
        self.region(cell).map(|r| (r.fit_from, r.engagement_from))
    }

    /// The score region of a cell ("B2"), None when there is no such cell.
    pub fn region(&self, cell: &str) -> Option<Region> {
        let mut chars = cell.chars();
        let (f, e) = (chars.next()?, chars.next()?);
        if chars.next().is_some() || !f.is_ascii_uppercase() || !e.is_ascii_digit() {
            return None;
        }
        let (f, e) = ((f as u8 - b'A') as usize, (e as u8).checked_sub(b'1')? as usize);
        if f > self.fit.len() || e > self.engagement.len() {
            return None;
        }
        let below = |bounds: &[i64], k: usize| if k == 0 { None } else { Some(bounds[k - 1]) };
        Some(Region {
            fit_from: self.fit.get(f).copied(),
            fit_below: below(&self.fit, f),
            engagement_from: self.engagement.get(e).copied(),
            engagement_below: below(&self.engagement, e),
        })
    }

    /// The highest `fit_min` and `engagement_min` under which every cell routed
    /// to "sales" holds only MQLs (None: no cell is routed to sales).
    pub fn sales_ceiling(&self) -> (Option<i64>, Option<i64>) {
        let floors: Vec<(Option<i64>, Option<i64>)> =
            self.routes.iter().filter(|(_, r)| **r == LeadRoute::Sales).filter_map(|(c, _)| self.cell_floor(c)).collect();
        let min = |pick: fn(&(Option<i64>, Option<i64>)) -> Option<i64>| floors.iter().map(pick).min_by_key(|v| v.unwrap_or(i64::MIN));
        (min(|f| f.0).map(|v| v.unwrap_or(i64::MIN)), min(|f| f.1).map(|v| v.unwrap_or(i64::MIN)))
    }

    /// Bands ordered and distinct, at most [`MAX_BANDS`] per axis, routes naming real cells.
    /// `keys` names the fit bounds, the engagement bounds and the routes table in messages.
    pub fn check(&self, keys: &RuleKeys) -> Result<(), String> {
        for (key, bounds, first) in [(keys.fit_grades, &self.fit, "A"), (keys.engagement_grades, &self.engagement, "1")] {
            let shown = format!("{key} = {bounds:?}");
            if bounds.is_empty() {
                return Err(format!("{shown}: give at least one lower bound (one bound makes two bands), e.g. [40]"));
            }
            if bounds.len() + 1 > MAX_BANDS {
                return Err(format!("{shown}: {} bands; at most {MAX_BANDS} are allowed", bounds.len() + 1));
            }
            if let Some(w) = bounds.windows(2).find(|w| w[0] == w[1]) {
                return Err(format!("{shown}: two bands start at {}, so they overlap; each bound must differ", w[0]));
            }
            if bounds.windows(2).any(|w| w[0] < w[1]) {
                let mut sorted = bounds.clone();
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                return Err(format!("{shown}: the bounds are not in order; list them from the best band ({first}) down: {sorted:?}"));
            }
        }
        for cell in self.routes.keys() {
            if self.cell_floor(cell).is_none() {
                return Err(format!("{} {cell}: no such cell; the cells are {}", keys.routes, self.cells().join(", ")));
            }
        }
        Ok(())
    }
}

/// The config or model-file keys that messages name.
pub struct RuleKeys {
    pub fit_min: &'static str,
    pub engagement_min: &'static str,
    pub fit_grades: &'static str,
    pub engagement_grades: &'static str,
    pub routes: &'static str,
}

impl RuleKeys {
    /// As a model file names them.
    pub const MODEL: RuleKeys = RuleKeys {
        fit_min: "rule.fit_min",
        engagement_min: "rule.engagement_min",
        fit_grades: "rule.grades.fit",
        engagement_grades: "rule.grades.engagement",
        routes: "rule.grades.routes",
    };
    /// As `mqlcal.toml` names them.
    pub const CONFIG: RuleKeys = RuleKeys {
        fit_min: "[rule] fit_min",
        engagement_min: "[rule] engagement_min",
        fit_grades: "[rule] fit_grades",
        engagement_grades: "[rule] engagement_grades",
        routes: "[rule.routes]",
    };
}

/// The MQL rule a model file records beside its points. A model without one
/// decides by its total score against `threshold` (the file keeps its old shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MqlRule {
    /// Fit score ≥ F and engagement score ≥ E.
    TwoAxis(TwoAxisRule),
}

/// The two-axis rule with its boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoAxisRule {
    /// A lead is an MQL when its fit score is at least this …
    pub fit_min: i64,
    /// … and its engagement score at least this.
    pub engagement_min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<Grades>,
}

/// What the rule decides for one lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub mql: bool,
    /// The grade cell ("B2"), when the rule has grades.
    pub grade: Option<String>,
    pub route: LeadRoute,
}

impl TwoAxisRule {
    /// The boundary alone: both scores at or above their minimum.
    pub fn admits(&self, fit: i64, engagement: i64) -> bool {
        fit >= self.fit_min && engagement >= self.engagement_min
    }

    /// The quadrant of a lead the boundary does not admit: high fit → campaign,
    /// high engagement → nurture, neither → discard.
    pub fn quadrant(&self, fit: i64, engagement: i64) -> LeadRoute {
        match (fit >= self.fit_min, engagement >= self.engagement_min) {
            (true, true) => LeadRoute::Sales,
            (true, false) => LeadRoute::Campaign,
            (false, true) => LeadRoute::Nurture,
            (false, false) => LeadRoute::Discard,
        }
    }

    /// Overrides first (`never_mql` → discard, `always_mql` → sales), then the
    /// first of [`TwoAxisRule::route_cases`] that holds the lead's scores; the
    /// lead is an MQL when that route is sales.
    pub fn decide(&self, fit: i64, engagement: i64, rule: Option<OverrideRule>) -> Decision {
        let grade = self.grades.as_ref().map(|g| g.cell(fit, engagement));
        let route = match rule {
            Some(OverrideRule::NeverMql) => LeadRoute::Discard,
            Some(OverrideRule::AlwaysMql) => LeadRoute::Sales,
            None => {
                let routing = self.route_cases();
                routing.cases.into_iter().find(|(region, _)| region.contains(fit, engagement)).map_or(routing.otherwise, |(_, r)| r)
            }
        };
        Decision { mql: route == LeadRoute::Sales, grade, route }
    }

    /// How a lead no override decides is routed, as ordered cases (the first
    /// region holding its scores wins): inside the boundary → sales; a named
    /// grade cell → its route; high fit → campaign; high engagement → nurture;
    /// every other lead → [`RouteCases::otherwise`] (discard). Cells named "sales"
    /// lie inside the boundary (checked), so a lead is an MQL exactly when the
    /// boundary admits it. The scorer, SQL and PMML all evaluate these cases.
    pub fn route_cases(&self) -> RouteCases {
        let mut cases = vec![(self.mql_region(), LeadRoute::Sales)];
        if let Some(g) = &self.grades {
            for (cell, route) in g.routes.iter().filter(|(_, r)| **r != LeadRoute::Sales) {
                if let Some(region) = g.region(cell) {
                    cases.push((region, *route));
                }
            }
        }
        cases.push((Region { fit_from: Some(self.fit_min), ..Region::ALL }, LeadRoute::Campaign));
        cases.push((Region { engagement_from: Some(self.engagement_min), ..Region::ALL }, LeadRoute::Nurture));
        RouteCases { cases, otherwise: LeadRoute::Discard }
    }

    /// The leads inside the boundary: fit ≥ `fit_min` and engagement ≥ `engagement_min`.
    pub fn mql_region(&self) -> Region {
        Region { fit_from: Some(self.fit_min), engagement_from: Some(self.engagement_min), ..Region::ALL }
    }

    /// Bounds within ±`limit`, grades well-formed, and every cell routed to
    /// sales wholly inside the boundary (sales takes MQLs only).
    pub fn check(&self, keys: &RuleKeys, limit: u64) -> Result<(), String> {
        for (key, v) in [(keys.fit_min, self.fit_min), (keys.engagement_min, self.engagement_min)] {
            if v.unsigned_abs() > limit {
                return Err(format!("{key} = {v} is outside ±{limit}"));
            }
        }
        let Some(g) = &self.grades else { return Ok(()) };
        g.check(keys)?;
        check_sales_cells(g, self.fit_min, self.engagement_min, keys)
    }
}

/// [`TwoAxisRule::route_cases`]: ordered cases, and the route of a lead none holds.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteCases {
    pub cases: Vec<(Region, LeadRoute)>,
    pub otherwise: LeadRoute,
}

/// A cell routed to "sales" must hold MQLs only: its lowest fit and engagement
/// scores at or above the boundary.
pub fn check_sales_cells(g: &Grades, fit_min: i64, engagement_min: i64, keys: &RuleKeys) -> Result<(), String> {
    for (cell, _) in g.routes.iter().filter(|(_, r)| **r == LeadRoute::Sales) {
        let Some((fit_floor, engagement_floor)) = g.cell_floor(cell) else { continue };
        let below = match (fit_floor.is_some_and(|f| f >= fit_min), engagement_floor.is_some_and(|e| e >= engagement_min)) {
            (true, true) => continue,
            (false, _) => format!("fit scores below {} = {fit_min}", keys.fit_min),
            (true, false) => format!("engagement scores below {} = {engagement_min}", keys.engagement_min),
        };
        return Err(format!(
            "{} {cell} = \"sales\", but {cell} holds {below}: sales takes MQLs only; route {cell} to \"nurture\", \"campaign\" or \"discard\", or lower the minimum"
        , keys.routes));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> TwoAxisRule {
        TwoAxisRule {
            fit_min: 40,
            engagement_min: 30,
            grades: Some(Grades {
                fit: vec![60, 40, 20],
                engagement: vec![60, 30],
                routes: [("C1".to_string(), LeadRoute::Campaign), ("A1".to_string(), LeadRoute::Sales)].into_iter().collect(),
            }),
        }
    }

    #[test]
    fn decides_overrides_first_then_boundary_then_cell_then_quadrant() {
        let r = rule();
        let d = |f, e, o| r.decide(f, e, o);
        assert_eq!(d(45, 35, None), Decision { mql: true, grade: Some("B2".into()), route: LeadRoute::Sales });
        assert_eq!(d(39, 90, None), Decision { mql: false, grade: Some("C1".into()), route: LeadRoute::Campaign });
        assert_eq!(d(10, 90, None).route, LeadRoute::Nurture);
        assert_eq!(d(70, 0, None), Decision { mql: false, grade: Some("A3".into()), route: LeadRoute::Campaign });
        assert_eq!(d(0, 0, None), Decision { mql: false, grade: Some("D3".into()), route: LeadRoute::Discard });
        assert_eq!(d(0, 0, Some(OverrideRule::AlwaysMql)).mql, true);
        assert_eq!(d(99, 99, Some(OverrideRule::NeverMql)), Decision { mql: false, grade: Some("A1".into()), route: LeadRoute::Discard });
        // The boundary is inclusive on both axes.
        assert!(r.admits(40, 30) && !r.admits(39, 30) && !r.admits(40, 29));
    }

    #[test]
    fn bad_grades_and_routes_name_the_key() {
        let keys = RuleKeys::CONFIG;
        let mut r = rule();
        r.grades.as_mut().unwrap().fit = vec![20, 40, 60];
        let e = r.check(&keys, 1000).unwrap_err();
        assert!(e.starts_with("[rule] fit_grades = [20, 40, 60]") && e.contains("[60, 40, 20]"), "{e}");
        let mut r = rule();
        r.grades.as_mut().unwrap().engagement = vec![30, 30];
        assert!(r.check(&keys, 1000).unwrap_err().contains("two bands start at 30"));
        let mut r = rule();
        r.grades.as_mut().unwrap().routes.insert("E1".into(), LeadRoute::Nurture);
        let e = r.check(&keys, 1000).unwrap_err();
        assert!(e.contains("[rule.routes] E1: no such cell") && e.contains("D3"), "{e}");
        let mut r = rule();
        r.grades.as_mut().unwrap().routes.insert("B3".into(), LeadRoute::Sales);
        let e = r.check(&keys, 1000).unwrap_err();
        assert!(e.contains("B3 = \"sales\"") && e.contains("engagement scores below [rule] engagement_min = 30"), "{e}");
        let mut r = rule();
        r.fit_min = 2_000;
        assert!(r.check(&keys, 1000).unwrap_err().contains("[rule] fit_min = 2000"));
        assert_eq!(rule().grades.unwrap().sales_ceiling(), (Some(60), Some(60)));
    }
}
