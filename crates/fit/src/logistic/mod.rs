//! Penalised logistic regression: L-BFGS as linfa-logistic runs it (`lbfgs.rs`) for a warm start (on a stride
//! sample of at most 50,000 rows when Newton steps follow on all rows), then
//! Newton steps on the exact objective for 1e-4 agreement, standard errors and diagnostics.

mod centred;
mod fitted;
mod same_order;
mod hyperparams;
mod lbfgs;
mod linalg;
mod objective;
mod screening;
mod solver;
mod std_errors;

pub use fitted::{FitWarning, LogisticFit};
pub use hyperparams::{FitParams, ValidFitParams};
pub use screening::{DropReason, DroppedSignal};
pub use solver::{fit, fit_from, fit_prepared, Prepared};
