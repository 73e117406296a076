//! Learn logistic weights from won/lost leads, with standard errors, and scale them to
//! integer points and a calibrated score→probability map.
//!
//! The objective everywhere is `Σ logloss_i + alpha/2·‖w‖²` with the intercept not
//! penalised (scikit-learn's `C = 1/alpha`, and linfa-logistic's own scaling).
//! Won is always the positive class.

// `!(a > b)` is used on purpose throughout: it is also true for NaN, which must be rejected.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod alpha;
mod calibrate;
mod error;
mod logistic;
mod measure;
mod model;
mod separation;
mod points;

pub use alpha::{choose_alpha, default_alpha_grid, AlphaScore, AlphaSearch};
pub use calibrate::{
    calibration_table, isotonic, platt, CalibrationMethod, CalibrationTable, Isotonic, Platt,
};
pub use error::FitError;
pub use logistic::{
    fit, fit_from, DropReason, DroppedSignal, FitParams, FitWarning, LogisticFit, ValidFitParams,
};
pub use measure::evaluate_points_model;
pub use model::{
    attach_recipes, fit_model, fit_model_with, scorecard_columns, scores, split, FitOptions,
    FitReport, Split,
};
pub use points::{rounding_cost, scale_to_points, Points, RoundingCost, Scaling};

/// Re-exported so callers can `check()` [`FitParams`] without depending on linfa themselves.
pub use linfa::ParamGuard;
