use mqlcal_features::Outcome;
use mqlcal_scorecard::{Grades, LeadRoute, TwoAxisRule};

use super::*;
use crate::scored::Route;

/// Seeded leads with fit and engagement scores, some overridden, over 3 months.
fn leads(n: usize, seed: u64) -> ScoredLeads {
    let mut s = seed;
    let mut next = move |m: u64| {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) % m
    };
    let mut l = ScoredLeads { rows: vec![], score: vec![], fit: vec![], engagement: vec![], route: vec![], outcome: vec![], month: vec![], leads: vec![] };
    for i in 0..n {
        let (f, e) = (next(60) as i64 - 20, next(90) as i64);
        l.rows.push(i);
        l.leads.push(1);
        l.fit.push(f);
        l.engagement.push(e);
        l.score.push(f + e);
        l.route.push(match next(40) {
            0 => Route::Always,
            1 => Route::Never,
            _ => Route::Score,
        });
        // Engagement without fit rarely wins.
        let p = if f >= 10 { 30 + e / 3 } else { 3 };
        l.outcome.push(match next(100) {
            x if x < p as u64 => Outcome::Won,
            x if x < 90 => Outcome::Lost,
            _ => Outcome::Open,
        });
        l.month.push(600 + next(3) as i32);
    }
    l
}

fn constraints() -> Constraints {
    Constraints::new(40.0, (0.2, 0.6), 15.0, 0.9)
}

#[test]
fn every_pair_counts_what_the_rule_decides_lead_by_lead() {
    let l = leads(3000, 7);
    let fit = candidates(l.fit.iter().copied(), None, None);
    let engagement = candidates(l.engagement.iter().copied(), None, None);
    assert!(fit.len() <= MAX_CANDIDATES && engagement.len() == MAX_CANDIDATES, "{} {}", fit.len(), engagement.len());
    let grid = Grid::of(&l, fit, engagement, &[600, 601, 602]);
    let rows = grid.rows(&constraints());
    assert_eq!(rows.len(), grid.fit.len() * grid.engagement.len());
    for (k, row) in rows.iter().enumerate().step_by(7) {
        let rule = TwoAxisRule { fit_min: row.fit_min, engagement_min: row.engagement_min, grades: None };
        let direct = l.counts(|i| l.is_mql_two_axis(i, &rule));
        assert_eq!([row.outcomes.won, row.outcomes.lost, row.outcomes.open], direct, "pair {k}: {:?}", grid.pair(k));
        let months: Vec<u64> = (600..603).map(|m| (0..l.len()).filter(|&i| l.month[i] == m && l.is_mql_two_axis(i, &rule)).count() as u64).collect();
        assert_eq!(row.busiest_month_mqls, *months.iter().max().unwrap());
        assert_eq!(row.capacity_volume, mqlcal_config::CapacityRule::Mean.volume(&months));
    }
}

#[test]
fn choose_takes_the_most_wins_within_both_and_says_when_none_qualifies() {
    let l = leads(3000, 11);
    let grid = Grid::of(&l, candidates(l.fit.iter().copied(), None, None), candidates(l.engagement.iter().copied(), None, None), &[600, 601, 602]);
    let c = constraints();
    let rows = grid.rows(&c);
    let (k, feasible) = choose(&rows, &c);
    assert!(feasible && rows[k].feasible());
    assert!(rows.iter().filter(|r| r.feasible()).all(|r| r.outcomes.won <= rows[k].outcomes.won));
    let tight = Constraints::new(1.0, (0.95, 1.0), 15.0, 0.9);
    let (k, feasible) = choose(&grid.rows(&tight), &tight);
    assert!(!feasible);
    assert!(k < rows.len());
}

#[test]
fn cells_split_at_the_boundary_and_route_by_grade() {
    let l = leads(2000, 3);
    let rule = TwoAxisRule {
        fit_min: 10,
        engagement_min: 30,
        grades: Some(Grades { fit: vec![25, 10], engagement: vec![60, 30], routes: [("B2".to_string(), LeadRoute::Sales), ("C1".to_string(), LeadRoute::Campaign)].into_iter().collect() }),
    };
    let q = cell_rows(&l, &rule, false, 1.64);
    assert_eq!(q.iter().map(|r| r.leads).sum::<u64>(), l.len() as u64);
    let high = &q[0];
    // Every score-routed lead of the high/high quadrant is an MQL routed to sales.
    assert_eq!(high.routes.get(&LeadRoute::Sales).copied().unwrap_or(0), high.mqls);
    let g = cell_rows(&l, &rule, true, 1.64);
    assert_eq!(g.len(), 9);
    assert_eq!(g.iter().map(|r| r.leads).sum::<u64>(), l.len() as u64);
    let c1 = g.iter().find(|r| r.cell == "C1").unwrap();
    assert!(c1.routes.keys().all(|r| *r != LeadRoute::Nurture), "C1's non-MQLs are routed to the campaign: {:?}", c1.routes);
}
