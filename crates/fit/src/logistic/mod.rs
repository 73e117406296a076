//! Penalised logistic regression: L-BFGS as linfa-logistic runs it (`lbfgs.rs`) for a warm start (on a stride
//! sample of at most 50,000 rows when Newton steps follow on all rows), then
//! Newton steps on the exact objective for 1e-4 agreement, standard errors and diagnostics.

mod byte_lanes;
mod centred;
mod exp_log1p;
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

/// The columns `0..p` as one run per core, in order. Work per column that a core does row
/// by row from the first has the bits of one pass over every column (screening, the byte
/// columns' moments).
fn column_runs(p: usize) -> Vec<std::ops::Range<usize>> {
    let per_core = p.div_ceil(rayon::current_num_threads()).max(1);
    (0..p).step_by(per_core).map(|j| j..(j + per_core).min(p)).collect()
}
