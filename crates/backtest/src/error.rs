/// Why a backtest or comparison cannot run; each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// No sales capacity in the config: nothing to recommend against.
    #[error("a threshold recommendation needs sales capacity: add [sales] capacity_per_month = N (or reps and leads_per_rep_per_month) to the config")]
    NoCapacity,
    /// The holdout lacks one outcome, so conversion cannot be measured.
    #[error("the holdout ({cohorts}) has {won} won and {lost} lost leads among its decided leads; a backtest needs both. Hold out more or older cohorts with [model] holdout_cohorts")]
    HoldoutOneOutcome { cohorts: String, won: usize, lost: usize },
    /// No holdout at all.
    #[error("no holdout cohort: the data has {have} cohort(s) ({labels}) and [model] holdout_cohorts leaves none out; a backtest needs at least 3 cohorts, or set holdout_cohorts = 1")]
    NoHoldout { have: usize, labels: String },
    /// No creation dates: every lead is in the one cohort "all".
    #[error("no holdout cohort: the leads have no creation dates, so every lead is in one cohort (\"all\") and nothing later can be held out. Set [columns] created_at for cohorts by quarter or month; without dates, `mqlcal fit` still fits the points")]
    NoCohorts,
    /// The walk-forward needs more cohorts than the data has.
    #[error("the walk-forward needs at least {need} cohorts ({training} to train the first fit on, 1 to test it); the data has {have} ({labels}). Set [backtest] walk_forward_min_training_cohorts lower, or walk_forward = false")]
    TooFewCohorts { need: usize, training: usize, have: usize, labels: String },
    /// Leads without a creation date cannot be counted per month.
    #[error("{count} lead(s) of the holdout have no creation date; MQLs per month need [columns] created_at")]
    NoDates { count: usize },
    /// A model scores a signal the feature table does not have.
    #[error("{model}: scores signal(s) the data does not have: {missing}; the data's signals are: {known}")]
    MissingSignals { model: String, missing: String, known: String },
    /// A model in a comparison has no MQL threshold.
    #[error("{model}: has no threshold; set `threshold = N` in a points sheet, or use the model.json that `mqlcal backtest` writes (it carries the recommended threshold)")]
    NoThreshold { model: String },
    /// The walk-forward's fit failed.
    #[error("walk-forward step testing {cohort}: {source}")]
    WalkForwardFit { cohort: String, source: mqlcal_fit::FitError },
    /// The two-axis rule cannot be backtested as configured (the message names the key).
    #[error("{0}")]
    Rule(String),
    /// A split or metric failed.
    #[error(transparent)]
    Fit(#[from] mqlcal_fit::FitError),
}
