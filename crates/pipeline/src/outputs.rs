//! What a run writes after the backtest: the tidy tables and model file, the
//! charts and review report, the SQL and PMML exports. Every file is written
//! atomically and never over an input; each function returns the paths it wrote.

use std::path::{Path, PathBuf};

use mqlcal_backtest::Backtest;
use mqlcal_config::Config;
use mqlcal_report::ReportInputs;
use mqlcal_scorecard::export::sql::{to_sql, Dialect, ExportError};
use mqlcal_scorecard::Model;

use crate::{write_atomic, write_json, Backtested};

/// Write the tidy tables (CSV and Parquet) and backtest.json into `tables_dir`, and the
/// model file with the recommended threshold into `model_dir`.
pub fn write_tables(
    backtest: &Backtest,
    fitted_model: &Model,
    tables_dir: &Path,
    model_dir: &Path,
    input_refs: &[&Path],
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for t in backtest.tables() {
        for ext in ["csv", "parquet"] {
            let path = tables_dir.join(format!("{}.{ext}", t.name));
            mqlcal_data::write_tidy(&t, &path, input_refs)?;
            written.push(path);
        }
    }
    let report_path = tables_dir.join("backtest.json");
    let model_path = model_dir.join("model.json");
    write_json(&report_path, backtest, input_refs)?;
    write_json(&model_path, &backtest.model_with_threshold(fitted_model), input_refs)?;
    written.push(report_path);
    written.push(model_path);
    Ok(written)
}

/// Draw the charts and write the review report into `out`: report.html,
/// report.md, the charts, `swaps.csv` (the leads that change sides, when today's
/// model is configured) and, with `pdf`, report.pdf printed by headless Chromium.
/// `command` is the command line shown under "reproduce".
pub fn write_report(config: &Config, run: &Backtested, out: &Path, input_refs: &[&Path], command: &str, pdf: bool) -> anyhow::Result<Vec<PathBuf>> {
    // Find Chromium before drawing anything: a missing browser is a one-line error, not a late one.
    let chromium = if pdf { Some(crate::pdf::find_chromium()?) } else { None };
    let provenance = match &run.fitted.report.model.provenance {
        Some(p) => p.clone(),
        None => crate::provenance::provenance(config)?,
    };
    let reproduce = crate::provenance::reproduce(config, provenance, command);
    let inputs = ReportInputs {
        table: run.table(),
        fit: &run.fitted.report,
        backtest: &run.backtest,
        data_warnings: run.data_warnings(),
        data_cautions: run.data_cautions(),
        data_constant_features: run.constant_features(),
        data_notes: run.data_notes(),
        reproduce: &reproduce,
        title: crate::provenance::run_name(config),
        period: config.period,
    };
    let (charts, documents) = mqlcal_report::build(&inputs)?;
    let mut written = Vec::new();
    let mut write = |name: String, bytes: &[u8]| -> anyhow::Result<()> {
        let path = out.join(name);
        mqlcal_data::refuse_input(&path, input_refs)?;
        write_atomic(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    for chart in &charts {
        write(format!("{}.png", chart.name), &chart.png)?;
        write(format!("{}.svg", chart.name), chart.svg.as_bytes())?;
    }
    write("report.html".into(), documents.html.as_bytes())?;
    write("report.md".into(), documents.markdown.as_bytes())?;
    if let Some(chromium) = chromium {
        write("report.pdf".into(), &crate::pdf::print(&chromium, &documents.print_html)?)?;
    }
    if let Some(comparison) = &run.backtest.comparison {
        let path = out.join(SWAPS_FILE);
        mqlcal_data::write_tidy(&mqlcal_backtest::swaps_table(comparison), &path, input_refs)?;
        written.push(path);
    }
    Ok(written)
}

/// The leads that change sides between today's model and the recalibrated one, beside the report.
pub const SWAPS_FILE: &str = "swaps.csv";

/// One SQL scoring query per dialect and the PMML scorecard, into `dir`.
pub fn write_exports(model: &Model, dir: &Path, leads_table: &str, events_table: &str, warnings: &mut Vec<String>) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    // Every dialect's query first: the dates are taken apart the same way in each, so one
    // that cannot split them (numbers run together beside separators) fails them all, before any is
    // written. The model file and the scorer read such dates: the run keeps its model and
    // says why there is no SQL, rather than failing at its last stage.
    let queries: Result<Vec<(Dialect, String)>, ExportError> =
        Dialect::ALL.into_iter().map(|dialect| Ok((dialect, to_sql(model, dialect, leads_table, events_table)?))).collect();
    match queries {
        Ok(queries) => {
            for (dialect, sql) in queries {
                let path = dir.join(format!("score.{}.sql", dialect.name()));
                write_atomic(&path, sql.as_bytes())?;
                written.push(path);
            }
            // Read as trained, a warehouse's DATE or TIMESTAMP columns do not take apart.
            let layouts: Vec<String> =
                model.inputs.iter().flat_map(|i| i.layouts_not_iso()).map(|(column, layout)| format!("{column:?} ({})", layout.describe())).collect();
            if !layouts.is_empty() {
                warnings.push(format!(
                    "the SQL exports read {} as the training files wrote them: for a warehouse that holds the dates as DATE or TIMESTAMP columns (or ISO text), export the query with `mqlcal export --model <this run>/model.json --sql --dates iso --dialect …`, and score its ISO exports with `mqlcal score --dates iso`",
                    layouts.join(" and ")
                ));
            }
        }
        Err(ExportError::DateFormat(why)) => warnings.push(format!(
            "no SQL export written: {why} and run again for the SQL. model.json, model.pmml and `mqlcal score` read these dates as they are"
        )),
        Err(e) => anyhow::bail!("cannot export the model as SQL: {e}"),
    }
    let path = dir.join("model.pmml");
    write_atomic(&path, mqlcal_scorecard::export::pmml::to_pmml(model).as_bytes())?;
    written.push(path);
    Ok(written)
}
