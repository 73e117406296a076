//! JSON views of a stage's value, as written beside a run and printed with `--json`.

use std::path::Path;

use mqlcal_fit::FitReport;
use serde_json::json;

/// The fit as `mqlcal fit --json` prints it and a run keeps it (tables/fit.json);
/// `model_file` is where the model file was written.
pub fn fit_json(report: &FitReport, model_file: &Path) -> serde_json::Value {
    let model = &report.model;
    let fit = model.fit.as_ref();
    json!({
        "intercept": fit.map(|f| f.intercept),
        "intercept_std_error": fit.map(|f| f.intercept_std_error),
        "alpha": fit.map(|f| f.alpha),
        "alpha_chosen_by": fit.map(|f| f.alpha_chosen_by.clone()),
        "converged": fit.map(|f| f.converged),
        "gradient_norm": fit.map(|f| f.gradient_norm),
        "log_likelihood": fit.map(|f| f.log_likelihood),
        "signals": model.signals.iter().map(|s| json!({
            "name": s.name, "axis": s.axis, "coefficient": s.coefficient,
            "std_error": s.std_error, "p_value": s.p_value, "points": s.points,
        })).collect::<Vec<_>>(),
        "metrics": model.metrics,
        "exact_metrics": report.exact_metrics,
        "rounding_cost": model.rounding_cost,
        "training": model.training,
        "warnings": fit.map(|f| f.warnings.clone()),
        "dropped": fit.map(|f| f.dropped.clone()),
        "alpha_search": report.alpha_search,
        "current": report.current.as_ref().map(|c| json!({"threshold": c.threshold, "metrics": c.metrics})),
        "model_file": model_file.display().to_string(),
    })
}
