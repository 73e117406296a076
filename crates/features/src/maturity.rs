//! Which leads and months can be judged at the export's as-of date. A lead's
//! engagement window (`[created, created + window]`) must have ended by then,
//! or its activity is undercounted; a cohort is judged (held out, its
//! conversion trusted) once its windows are complete and most of its leads are
//! decided. Every stage asks here; the rule lives nowhere else.

use serde::{Deserialize, Serialize};

use crate::{calendar, FeatureTable, Outcome};

/// When the export was taken and how long an engagement window runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsOf {
    /// Seconds since 1970-01-01 (UTC, naive).
    pub at: i64,
    /// Length of the engagement window (0 when no signal counts events).
    pub window_seconds: i64,
}

impl AsOf {
    /// Whether a lead created at `created` has had its whole window by the as-of date.
    pub fn window_complete(&self, created: i64) -> bool {
        mqlcal_config::EventWindow { seconds: self.window_seconds, starts_before: 0 }.end(created) <= self.at
    }

    /// Whether every lead created in `month` (a `calendar` month index) has had its whole window.
    pub fn month_complete(&self, month: i32) -> bool {
        let last_second = calendar::first_day_of_month(month + 1) * 86_400 - 1;
        self.window_complete(last_second)
    }

    /// Whether a cohort of these months is over, every lead's window with it.
    pub fn period_over(&self, mut months: std::ops::Range<i32>) -> bool {
        months.all(|m| self.month_complete(m))
    }
}

/// Whether `decided` of a cohort's `leads` is share enough to judge it (the maturity
/// rule's share; a small tolerance so that exactly-at-the-minimum counts).
pub fn decided_enough(decided: usize, leads: usize, min_decided_share: f64) -> bool {
    let share = if leads > 0 { decided as f64 / leads as f64 } else { 0.0 };
    share + 1e-12 >= min_decided_share
}

/// One cohort's readiness to be judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortMaturity {
    pub cohort: String,
    pub leads: usize,
    /// Leads whose window had not ended at the as-of date (never fitted on, never backtested).
    pub unfinished_windows: usize,
    pub won: usize,
    pub lost: usize,
    pub open: usize,
    /// Decided (won or lost) leads / all leads.
    pub decided_share: f64,
    /// Every month of the cohort's period had ended (with its windows) by the as-of date.
    pub period_over: bool,
    /// Period over, windows complete and decided share at least the minimum.
    pub mature: bool,
}

impl CohortMaturity {
    /// A cohort's readiness in words: "2025-Q4 (68 % of 2856 leads open, 954 with unfinished windows)".
    pub fn describe(&self) -> String {
        let m = self;
        let mut parts = vec![format!("{:.0} % of {} leads open", 100.0 * m.open as f64 / m.leads.max(1) as f64, m.leads)];
        if m.unfinished_windows > 0 {
            parts.push(format!("{} with unfinished windows", m.unfinished_windows));
        }
        if !m.period_over {
            parts.push("period not over".into());
        }
        format!("{} ({})", m.cohort, parts.join(", "))
    }

    /// Per cohort, the leads left out because their window was unfinished:
    /// "2025-12: 954 leads with unfinished windows, left out".
    pub fn unfinished_window_notes(maturity: &[CohortMaturity]) -> Vec<String> {
        maturity
            .iter()
            .filter(|m| m.unfinished_windows > 0)
            .map(|m| format!("{}: {} leads with unfinished windows, left out", m.cohort, m.unfinished_windows))
            .collect()
    }
}

impl FeatureTable {
    /// Whether row `i` had its whole engagement window before the as-of date
    /// (true without dates or an as-of date).
    pub fn window_complete(&self, i: usize) -> bool {
        if let Some(p) = &self.patterns {
            return p.window_complete[i];
        }
        match (self.as_of, self.created_at[i]) {
            (Some(as_of), Some(created)) => as_of.window_complete(created),
            _ => true,
        }
    }

    /// Whether every lead of `month` had its whole window (true without an as-of date).
    pub fn month_complete(&self, month: i32) -> bool {
        match self.as_of {
            Some(a) => a.month_complete(month),
            None => true,
        }
    }

    /// Readiness of every cohort, in time order.
    pub fn cohort_maturity(&self, min_decided_share: f64) -> Vec<CohortMaturity> {
        self.cohort_maturity_of(&self.cohort_index(), min_decided_share)
    }

    /// [`FeatureTable::cohort_maturity`] with the table's cohorts numbered by the caller
    /// (`index` is `self.cohort_index()`), who numbers them once for several uses.
    pub fn cohort_maturity_of(&self, index: &crate::CohortIndex, min_decided_share: f64) -> Vec<CohortMaturity> {
        let mut out: Vec<CohortMaturity> = index
            .labels
            .iter()
            .map(|c| CohortMaturity {
                cohort: c.clone(),
                leads: 0,
                unfinished_windows: 0,
                won: 0,
                lost: 0,
                open: 0,
                decided_share: 0.0,
                period_over: match (calendar::cohort_months(c), self.as_of) {
                    (Some(months), Some(as_of)) => as_of.period_over(months),
                    _ => true,
                },
                mature: false,
            })
            .collect();
        for (i, &k) in index.of_row.iter().enumerate() {
            let m = &mut out[k as usize];
            let leads = self.leads_at(i) as usize;
            m.leads += leads;
            if !self.window_complete(i) {
                m.unfinished_windows += leads;
            }
            match self.outcomes[i] {
                Outcome::Won => m.won += leads,
                Outcome::Lost => m.lost += leads,
                Outcome::Open => m.open += leads,
            }
        }
        for m in &mut out {
            m.decided_share = if m.leads > 0 { (m.won + m.lost) as f64 / m.leads as f64 } else { 0.0 };
            m.mature = m.period_over && m.unfinished_windows == 0 && decided_enough(m.won + m.lost, m.leads, min_decided_share);
        }
        out
    }

}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FeatureTable, Outcome};
    use ndarray::Array2;

    fn day(d: i64) -> i64 {
        d * 86_400
    }

    #[test]
    fn windows_and_months() {
        // 2024-01-01 is day 19723; window 30 days; as-of 2024-02-15 (day 19768).
        let a = AsOf { at: day(19_768), window_seconds: day(30) };
        assert!(a.window_complete(day(19_723)));
        assert!(!a.window_complete(day(19_740)));
        let jan = 2024 * 12;
        // January's last second + 30 days = 2024-03-01 > as-of.
        assert!(!a.month_complete(jan));
        assert!(a.month_complete(jan - 1));
    }

    #[test]
    fn cohort_readiness() {
        let t = FeatureTable {
            ids: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            created_at: vec![Some(day(19_723)), Some(day(19_724)), Some(day(19_760)), Some(day(19_765))],
            cohorts: vec!["2024-01".into(), "2024-01".into(), "2024-02".into(), "2024-02".into()],
            outcomes: vec![Outcome::Won, Outcome::Lost, Outcome::Open, Outcome::Lost],
            segments: vec![],
            columns: vec![],
            matrix: Array2::zeros((4, 0)),
            as_of: Some(AsOf { at: day(19_768), window_seconds: day(7) }),
            patterns: None,
        };
        let m = t.cohort_maturity(0.8);
        assert!(m[0].mature);
        assert_eq!((m[1].unfinished_windows, m[1].open), (1, 1));
        assert!(!m[1].mature);
        assert_eq!(CohortMaturity::unfinished_window_notes(&m), vec!["2024-02: 1 leads with unfinished windows, left out"]);
    }
}
