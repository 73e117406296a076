//! The stages of the data flow, each taking the previous stage's value:
//! [`ingest`] → [`Ingested`] → [`fit`] → [`Fitted`] → [`backtest`] → [`Backtested`].
//! A stage that leaves most of what it allocated behind hands it back to the system
//! ([`return_freed`]) so that it does not count in the next stage's peak.

use anyhow::Context;
use mqlcal_backtest::Backtest;
use mqlcal_config::Config;
use mqlcal_features::memory::return_freed;
use mqlcal_features::FeatureTable;
use mqlcal_fit::{FitError, FitReport, Split};
use mqlcal_scorecard::Model;

use crate::provenance::PendingProvenance;
use crate::{CurrentModel, TOOL_VERSION};

/// The ingest stage's value: the as-of feature table, what reading found, and the auto bins.
pub use mqlcal_data::Ingested;

/// Read the leads and events and build the as-of feature table.
/// The feature table: built from the lead and event files, or read as it is from
/// `[input] features`.
pub fn ingest(config: &Config) -> anyhow::Result<Ingested> {
    let ingested = mqlcal_data::build_features(config)?;
    return_freed();
    Ok(ingested)
}

/// [`ingest`], keeping every column of the lead files for the data-quality report.
pub fn ingest_whole(config: &Config) -> anyhow::Result<Ingested> {
    let ingested = mqlcal_data::ingest(config, mqlcal_data::IngestOptions { duplicates_override: None, keep_lead_tables: true })?;
    return_freed();
    Ok(ingested)
}

/// Check the data as `mqlcal validate` does (the lead files' every column, from
/// [`ingest_whole`]), keep the report with the data ([`Ingested::quality`], whose warnings
/// the report and summary.json list) and let the lead files go; returns its warnings.
/// Errors stop the run, as the data's fault (exit code 1, as `validate`'s), with the
/// command that gives the whole report.
pub fn validate<'i>(config: &Config, ingested: &'i mut Ingested) -> anyhow::Result<&'i [String]> {
    let quality = mqlcal_data::quality_report(config, ingested)?;
    if quality.has_errors() {
        return Err(mqlcal_data::DataError::File {
            path: config.source_path.clone(),
            message: format!(
                "the data has errors; `mqlcal validate --config {}` gives the whole report:\n  {}",
                config.source_path.display(),
                quality.errors.join("\n  ")
            ),
        }
        .into());
    }
    ingested.lead_tables = Vec::new();
    return_freed();
    Ok(&ingested.quality.insert(quality).warnings)
}

/// The out-of-time split (training, holdout, not yet judged), computed once per run and
/// carried by [`Fitted`]. A split that cannot be made fails as the fit, the first stage that needs it.
pub fn split(config: &Config, ingested: &Ingested) -> anyhow::Result<Split> {
    mqlcal_fit::split(&ingested.table, &config.model).map_err(|e| anyhow::Error::new(FitError::from(e)).context("the fit failed"))
}

/// The fit stage's value: the model fitted on the training cohorts (recipes and
/// provenance attached), with the data and the split it was fitted under.
pub struct Fitted {
    pub ingested: Ingested,
    pub split: Split,
    pub report: FitReport,
}

impl Fitted {
    pub fn table(&self) -> &FeatureTable {
        &self.ingested.table
    }

    /// What the fit warns about, and the signals it dropped.
    pub fn warnings(&self) -> Vec<String> {
        let Some(fit) = &self.report.model.fit else { return vec![] };
        fit.warnings.iter().cloned().chain(fit.dropped.iter().map(|d| format!("dropped {d}"))).collect()
    }
}

/// Fit the configured model on the training cohorts of `split`, with recipes and provenance
/// attached (so the model file can score raw leads and says what it was fitted on); the
/// model in use today, when given, is measured on the same leads. `provenance` is the
/// inputs' hashing, started with the run.
pub fn fit(config: &Config, ingested: Ingested, split: Split, current: Option<&CurrentModel>, provenance: PendingProvenance) -> anyhow::Result<Fitted> {
    let current = current
        .map(|c| c.model(&ingested.table))
        .transpose()
        .map_err(|e| FitError::InvalidParams(e.to_string()))
        .context("the fit failed")?;
    let options = mqlcal_fit::FitOptions { split: Some(&split), current: current.as_ref(), ..Default::default() };
    let mut report = mqlcal_fit::fit_model_with(&ingested.table, &config.model, TOOL_VERSION, &options).context("the fit failed")?;
    let provenance = provenance.finish();
    // Auto bins and date layouts were decided at ingest: the recipes and inputs record them.
    mqlcal_fit::attach_recipes(&mut report.model, &ingested.resolved_config(config));
    report.model.provenance = Some(provenance?);
    return_freed();
    Ok(Fitted { ingested, split, report })
}

/// The backtest stage's value: the fit and its replay on the holdout.
pub struct Backtested {
    pub fitted: Fitted,
    pub backtest: Backtest,
}

impl Backtested {
    pub fn table(&self) -> &FeatureTable {
        self.fitted.table()
    }

    /// The fitted model with the recommended threshold and hot tier: what goes to production.
    pub fn model(&self) -> Model {
        self.backtest.model_with_threshold(&self.fitted.report.model)
    }

    /// The data's warnings: validate's when the run checked the data (they begin with
    /// reading's), else reading's.
    pub fn data_warnings(&self) -> &[String] {
        let ingested = &self.fitted.ingested;
        ingested.quality.as_ref().map_or(&ingested.stats.warnings, |q| &q.warnings)
    }

    /// The data's warnings that could change the decision (the report's summary lists
    /// them): validate's when the run checked the data (they begin with reading's).
    pub fn data_cautions(&self) -> &[String] {
        let ingested = &self.fitted.ingested;
        ingested.quality.as_ref().map_or(&ingested.stats.cautions, |q| &q.cautions)
    }

    /// The features validate called constant on every training lead (none when the run
    /// did not validate): the fit leaves them out, and the report says so once.
    pub fn constant_features(&self) -> &[String] {
        self.fitted.ingested.quality.as_ref().map_or(&[], |q| &q.constant_features)
    }

    /// The data's warnings, then the backtest's: as the report and summary.json list them.
    pub fn warnings(&self) -> Vec<String> {
        self.data_warnings().iter().chain(&self.backtest.warnings).cloned().collect()
    }

    /// What reading the data did that the report states beside its warnings.
    pub fn data_notes(&self) -> Vec<String> {
        let events = self.fitted.ingested.stats.events.as_ref();
        let decisions = events.and_then(|e| Some((e.decisions.as_ref()?, e.window_days)));
        decisions.map(|(d, days)| format!("Engagement windows end at decisions (column {:?}): {}.", d.column, d.describe(days))).into_iter().collect()
    }
}

/// Backtest the fitted model on the holdout against `[sales]` (and the current model, if any).
pub fn backtest(config: &Config, fitted: Fitted) -> anyhow::Result<Backtested> {
    let current_name = config.model.current.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    let backtest = mqlcal_backtest::run(&mqlcal_backtest::BacktestInputs {
        table: &fitted.ingested.table,
        model: &fitted.report.model,
        model_spec: &config.model,
        split: &fitted.split,
        sales: &config.sales,
        spec: &config.backtest,
        current: fitted.report.current.as_ref().map(|m| (m, current_name.as_str())),
        rule: &config.rule,
        tool_version: TOOL_VERSION,
        warm_start: Some(&fitted.report.logistic),
    })
    .context("the backtest failed")?;
    Ok(Backtested { fitted, backtest })
}

/// How much of the data [`fit_and_backtest`] checks before the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChecks {
    /// What reading the files finds (`mqlcal backtest`).
    Reading,
    /// Everything `mqlcal validate` checks ([`validate`]; `mqlcal report`, whose data
    /// section lists it, as recalibrate's does).
    Validate,
}

/// Ingest, split, fit and backtest: the chain `backtest` and `report` share, the data
/// checked first as `checks` says. `warn` is given the data's warnings as soon as they
/// are known (before the fit), then the backtest's.
pub fn fit_and_backtest(config: &Config, current: Option<&CurrentModel>, checks: DataChecks, warn: &mut impl FnMut(&str)) -> anyhow::Result<Backtested> {
    let provenance = PendingProvenance::start(config);
    let ingested = match checks {
        DataChecks::Validate => {
            let mut ingested = ingest_whole(config)?;
            validate(config, &mut ingested)?.iter().for_each(|w| warn(w));
            ingested
        }
        DataChecks::Reading => {
            let ingested = ingest(config)?;
            ingested.stats.warnings.iter().for_each(|w| warn(w));
            ingested
        }
    };
    let split = split(config, &ingested)?;
    let run = backtest(config, fit(config, ingested, split, current, provenance)?)?;
    run.backtest.warnings.iter().for_each(|w| warn(w));
    Ok(run)
}
