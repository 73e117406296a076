use mqlcal_metrics::MetricsError;

/// Why a fit, a scaling or a calibration could not be produced; each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// A parameter is out of range (caught once, when parameters are checked).
    #[error("invalid fit parameter: {0}")]
    InvalidParams(String),
    /// Inputs describe different numbers of rows or columns.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// Every lead had the same outcome, so there is nothing to learn.
    #[error("only one outcome among the leads: {won} won and {lost} lost; fitting needs both")]
    OneOutcome { won: usize, lost: usize },
    /// Too few leads of one outcome for a stable fit.
    #[error("too few decided leads: {won} won and {lost} lost; at least {min} of each are needed (widen the training window)")]
    TooFewOutcomes { won: usize, lost: usize, min: usize },
    /// A value in the signal matrix is NaN or infinite.
    #[error(
        "signal '{column}' is {value} at row {row}: fill or drop missing values before fitting"
    )]
    NonFinite {
        row: usize,
        column: String,
        value: f64,
    },
    /// Every signal was dropped (constant or missing), nothing left to fit.
    #[error("no usable signals: every column is constant or entirely missing")]
    NoUsableSignals,
    /// Without a penalty, a signal that separates won from lost has an infinite weight.
    #[error("signal '{signal}' separates the outcomes: {detail}; the unpenalised weight is infinite — use alpha > 0 (e.g. 1) or check the signal for leakage")]
    Separation { signal: String, detail: String },
    /// Signals are exactly collinear, so the weights are not identifiable.
    #[error("signal '{signal}' is a linear combination of earlier signals (e.g. a full set of one-hot levels plus the intercept); drop one or use alpha > 0")]
    Collinear { signal: String },
    /// The optimiser stopped before the gradient was small enough.
    #[error("fit did not converge: gradient norm {gradient_norm:.3e} > tolerance {tolerance:.3e} after {iterations} Newton steps; {hint}")]
    NotConverged {
        gradient_norm: f64,
        tolerance: f64,
        iterations: usize,
        hint: String,
    },
    /// The solver could not fit: the L-BFGS start refused the problem (in linfa-logistic's
    /// words), the intercept's curvature vanished, or every alpha of the grid failed.
    #[error("logistic solver failed: {0}")]
    Solver(String),
    /// Points cannot be scaled as asked.
    #[error("cannot scale to points: {0}")]
    Scaling(String),
    /// A metric or a calibration line could not be computed.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

impl From<mqlcal_features::split::SplitError> for FitError {
    fn from(e: mqlcal_features::split::SplitError) -> Self {
        FitError::InvalidParams(e.0)
    }
}
