//! What the charts and documents read: the model with its recommended
//! threshold, and every training and holdout lead scored (total, fit and
//! engagement points, calibrated probability, outcome).

use mqlcal_features::Outcome;
use mqlcal_scorecard::Model;
use rayon::prelude::*;

use crate::{ReportError, ReportInputs};

/// One scored lead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadScore {
    pub total: i64,
    pub fit: i64,
    pub engagement: i64,
    /// Calibrated probability of winning (NaN without a calibration table).
    pub probability: f64,
    pub outcome: Outcome,
    pub mql: bool,
    /// Leads this entry stands for: 1, or a grouped table's count (the charts count leads).
    pub leads: u64,
}

pub struct Prepared {
    /// The recalibrated model with the recommended threshold and hot tier.
    pub model: Model,
    pub training: Vec<LeadScore>,
    pub holdout: Vec<LeadScore>,
}

impl Prepared {
    pub fn new(inputs: &ReportInputs) -> Result<Prepared, ReportError> {
        let model = inputs.backtest.model_with_threshold(&inputs.fit.model);
        let table = inputs.table;
        let map = mqlcal_backtest::column_map(&model, table, "the fitted model")
            .map_err(|e| ReportError::Score(e.to_string()))?;
        let scorer = model.scorer();
        // Every lead scored on every core, in row order.
        let score = |rows: &[usize]| -> Vec<LeadScore> {
            rows.par_iter()
                .map_init(|| vec![0.0; map.len()], |values, &i| {
                    let row = table.matrix.row(i);
                    for (v, &j) in values.iter_mut().zip(&map) {
                        *v = row[j];
                    }
                    let s = scorer.score(values);
                    LeadScore {
                        total: s.total,
                        fit: s.fit,
                        engagement: s.engagement,
                        probability: s.probability.unwrap_or(f64::NAN),
                        outcome: table.outcomes[i],
                        mql: s.mql.unwrap_or(false),
                        leads: table.leads_at(i),
                    }
                })
                .collect()
        };
        let b = inputs.backtest;
        let (training, holdout) = rayon::join(
            || score(&mqlcal_backtest::cohort_rows(table, &b.training_cohorts)),
            || score(&mqlcal_backtest::cohort_rows(table, &b.holdout_cohorts)),
        );
        Ok(Prepared {
            model,
            training,
            holdout,
        })
    }
}
