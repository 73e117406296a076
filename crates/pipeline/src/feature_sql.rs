//! The feature table as a warehouse query: the checked config turned into the
//! scorecard crate's [`FeatureTableSpec`], or a one-line refusal naming the
//! setting that keeps the query from computing what `mqlcal features` computes.

use mqlcal_config::{Config, DecimalMark, Duplicates, Layout, Signal};
use mqlcal_scorecard::export::sql::{to_feature_sql, AsOfRule, DecisionCells, Dialect, FeatureTableSpec, OutcomeCells};

/// What the query assumes of dates the config leaves to `date_format = "auto"`, which
/// cannot look at the warehouse's data: plain ISO. None when every date it reads has
/// a layout set. (An export in another layout, or with a time zone, would be read
/// by each engine's own cast, differently from `mqlcal features`.)
pub fn auto_dates_note(config: &Config) -> Option<String> {
    let mut auto = Vec::new();
    if config.created_at_column.is_some() && config.date_format.fixed().is_none() {
        auto.push("[columns] date_format");
    }
    if config.signals.iter().any(Signal::counts_events) && config.events.as_ref().is_some_and(|e| e.date_format.fixed().is_none()) {
        auto.push("[events] date_format");
    }
    if config.decided_at.as_ref().is_some_and(|d| d.date_format.fixed().is_none()) {
        auto.push("[columns] decided_at_format");
    }
    (!auto.is_empty()).then(|| {
        format!(
            "note: {} = \"auto\" cannot look at the warehouse's data: the query reads those dates as plain ISO (2024-01-15 09:05:00); set it where the table writes them otherwise (\"day_first\", a pattern, or \"iso_zoned\" for timestamps with a time zone)",
            auto.join(" and ")
        )
    })
}

/// A note for SQL read from a model or config whose leads files wrote numbers with a
/// decimal comma: the queries cast number columns as the warehouse holds them (a text
/// cell "3,5" fails the cast in most engines, and SQLite reads it as 3).
pub fn decimal_note(decimal: DecimalMark) -> Option<String> {
    (decimal == DecimalMark::Comma).then(|| {
        "note: the training files wrote numbers with ',' as the decimal mark ([input] decimal = \",\"), but the query casts number columns as the table holds them: load those columns as numbers (a text cell \"3,5\" does not cast, and SQLite reads it as 3)".to_string()
    })
}

/// The feature-table query for `config` (`grouped`: distinct patterns with counts).
pub fn feature_sql(config: &Config, dialect: Dialect, leads_table: &str, events_table: &str, grouped: bool) -> anyhow::Result<String> {
    let path = config.source_path.display();
    let outcome_column = match &config.layout {
        Layout::OutcomeColumn { outcome_columns, .. } => match outcome_columns.as_slice() {
            [one] => one,
            several => anyhow::bail!(
                "{path}: [columns] outcome = {several:?}: the feature SQL reads the outcome from one column of the leads table; add one to the table that says won where any of these does, else lost where any does, else open (a CASE over them), and name it in [columns] outcome"
            ),
        },
        Layout::SeparateFiles { .. } => anyhow::bail!(
            "{path}: the feature SQL reads one leads table with the outcome in a column, but [input] won / lost name separate files; load them into one table with an outcome column, then set [input] leads, [columns] outcome and [outcome] won / lost / open"
        ),
        Layout::WonIds { .. } => anyhow::bail!(
            "{path}: the feature SQL reads one leads table with the outcome in a column, but [input] won_ids names a file of won ids; put the outcome in a column of the leads table, then set [columns] outcome and [outcome] won / lost / open"
        ),
    };
    let (does, one_row) = match config.duplicates {
        Duplicates::Error => ("", ""),
        Duplicates::KeepFirst | Duplicates::KeepLast => ("keeps one row per id by file order, which a warehouse table does not have", ""),
        Duplicates::WonIfAny => ("combines the rows of an id, which the feature SQL does not", " (one row per lead: won if any of its deals is)"),
    };
    if config.duplicates != Duplicates::Error {
        anyhow::bail!(
            "{path}: [input] duplicates = \"{}\" {does}; make the lead ids unique in the table{one_row} and set duplicates = \"error\" (the default)",
            config.duplicates.as_str()
        );
    }
    if let Some((signal, _)) = config.unresolved_auto_bins().first() {
        anyhow::bail!(
            "{path}: signal {:?} has bins = \"auto\", whose edges mqlcal chooses from the data; write the edges `mqlcal fit` chose (its model file's bin recipes) as bins = [a, b, ...] for the feature SQL",
            signal.name
        );
    }
    let counts_events = config.signals.iter().any(Signal::counts_events);
    if counts_events && config.created_at_column.is_none() {
        anyhow::bail!("{path}: events signals need each lead's creation date to apply the window; set [columns] created_at");
    }
    let window_seconds = config.window_seconds();
    let inputs = config.model_inputs();
    let features = config.recipes();
    let spec = FeatureTableSpec {
        tool_version: crate::TOOL_VERSION,
        inputs: &inputs,
        features: &features,
        segments: &config.segments,
        outcome: OutcomeCells {
            column: outcome_column,
            won: &config.outcome.won,
            lost: &config.outcome.lost,
            open: &config.outcome.open,
            blank_is_open: config.outcome.blank_is_open,
            filled_is_won: config.outcome.filled_is_won,
        },
        exclude: config.exclude.iter().map(|e| (e.column.as_str(), e.values.as_slice())).collect(),
        open_after_days: config.outcome.open_after_days,
        period: config.period,
        as_of: match config.as_of {
            Some(at) => AsOfRule::Fixed(at),
            None => AsOfRule::Latest { events_up_to: mqlcal_data::plausible_dates(config).1 },
        },
        maturity_window_seconds: window_seconds,
        decided_at: config.decided_at.as_ref().map(|d| DecisionCells { column: &d.column, format: d.date_format.fixed() }),
    };
    to_feature_sql(&spec, dialect, leads_table, events_table, grouped).map_err(|e| anyhow::anyhow!("{path}: {e}"))
}
