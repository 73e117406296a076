//! The two-axis rule (`[rule] kind = "two_axis"`): which rule wins at equal
//! volume and by how much, the matrix with the chosen boundary, each cell's
//! leads, conversion and route, and the walk-forward of the pair.

use mqlcal_backtest::two_axis::{CellRow, TwoAxisBacktest};
use mqlcal_backtest::Backtest;

use super::format::{has, table};
use super::{Block, Section};
use crate::charts::Chart;
use crate::numbers::{opt_pct1, pct1, pct_range, per_month};

/// "Two-axis rule: fit × engagement", when the config asks for it.
pub(super) fn section(b: &Backtest, charts: &[Chart]) -> Option<Section> {
    let t = b.two_axis.as_ref()?;
    let mut blocks = vec![Block::Paragraph(t.versus.summary.clone()), Block::Paragraph(t.summary.clone())];
    if has(charts, "two_axis") {
        blocks.push(Block::Figure("two_axis"));
    }
    blocks.push(versus_table(t));
    blocks.push(Block::Paragraph(format!(
        "The cells on the holdout{}: MQLs go to sales; the others follow their cell's route ({}).",
        if t.grades.is_empty() { ", split at the boundary" } else { " by grade" },
        if t.grades.is_empty() { "high fit only: a targeted campaign; high engagement only: nurture; neither: discard" } else { "[rule.routes], else their quadrant" }
    )));
    blocks.push(cells_table(if t.grades.is_empty() { &t.quadrants } else { &t.grades }));
    let steps: Vec<Vec<String>> = b
        .walk_forward
        .iter()
        .filter_map(|w| w.two_axis.as_ref().map(|s| (w, s)))
        .map(|(w, s)| {
            vec![
                w.cohort.clone(),
                format!("{}, {}", s.fit_min, s.engagement_min),
                opt_pct1(s.conversion),
                format!("{}, {}", s.carried_fit_min, s.carried_engagement_min),
                per_month(s.carried_mqls_per_month),
                opt_pct1(s.carried_conversion),
                if s.carried_within_capacity { "yes" } else { "no" }.into(),
            ]
        })
        .collect();
    if !steps.is_empty() {
        blocks.push(Block::Paragraph("Walk-forward: each cohort's own best pair, and the pair chosen on the cohort before replayed on it (does a boundary picked today still hold next period?).".into()));
        blocks.push(table(
            &["cohort", "best pair (fit, engagement)", "its conversion", "carried pair", "carried MQLs a month", "carried conversion", "within capacity"],
            &[false, true, true, true, true, true, false],
            steps,
        ));
    }
    Some(Section::analyst("two-axis", "Two-axis rule: fit × engagement", blocks))
}

/// The two rules at equal volume, each with its bootstrap interval, and the difference.
fn versus_table(t: &TwoAxisBacktest) -> Block {
    let v = &t.versus;
    let i = &v.intervals;
    let range = |x: &mqlcal_backtest::Interval| pct_range(Some(x.low), Some(x.high), 1);
    let points = |x: f64| {
        let x = (1000.0 * x).round() / 1000.0;
        format!("{}{:.1} points", if x >= 0.0 { "+" } else { "−" }, 100.0 * x.abs())
    };
    let rows = vec![
        vec![
            format!("two-axis (fit ≥ {}, engagement ≥ {})", t.rule.fit_min, t.rule.engagement_min),
            v.two_axis_mqls.to_string(),
            format!("{} ({})", pct1(i.two_axis_wins_captured.estimate), range(&i.two_axis_wins_captured)),
            format!("{} ({})", pct1(i.two_axis_conversion.estimate), range(&i.two_axis_conversion)),
        ],
        vec![
            format!("one threshold ({})", v.threshold),
            v.threshold_mqls.to_string(),
            format!("{} ({})", pct1(i.threshold_wins_captured.estimate), range(&i.threshold_wins_captured)),
            format!("{} ({})", pct1(i.threshold_conversion.estimate), range(&i.threshold_conversion)),
        ],
        vec![
            "difference (two-axis − threshold)".into(),
            String::new(),
            format!("{} ({} to {})", points(i.wins_captured_difference.estimate), points(i.wins_captured_difference.low), points(i.wins_captured_difference.high)),
            format!("{} ({} to {})", points(i.conversion_difference.estimate), points(i.conversion_difference.low), points(i.conversion_difference.high)),
        ],
    ];
    table(&["rule at equal volume", "MQLs", "wins captured (interval)", "conversion (interval)"], &[false, true, true, true], rows)
}

fn cells_table(cells: &[CellRow]) -> Block {
    let range = |from: Option<i64>, below: Option<i64>| match (from, below) {
        (Some(a), Some(b)) => format!("{a} to {}", b - 1),
        (Some(a), None) => format!("≥ {a}"),
        (None, Some(b)) => format!("< {b}"),
        (None, None) => "all".into(),
    };
    let rows = cells
        .iter()
        .map(|c| {
            let routes: Vec<String> = c.routes.iter().map(|(r, n)| format!("{} {n}", r.as_str())).collect();
            vec![
                c.cell.clone(),
                range(c.fit_from, c.fit_below),
                range(c.engagement_from, c.engagement_below),
                c.leads.to_string(),
                c.mqls.to_string(),
                opt_pct1(c.outcomes.conversion),
                pct_range(c.outcomes.conversion_low, c.outcomes.conversion_high, 1),
                routes.join(", "),
            ]
        })
        .collect();
    table(&["cell", "fit", "engagement", "leads", "MQLs", "conversion", "interval", "routes"], &[false, false, false, true, true, true, true, false], rows)
}
