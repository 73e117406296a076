//! What a signal means, written once: the checked config compiles every signal
//! into its feature columns, each with the model file's [`Recipe`]. Ingest,
//! the raw-lead scorer and the SQL/PMML exports all follow these recipes.

use mqlcal_scorecard::{EventColumns, EventsRule, Inputs};

use crate::{Config, Recipe, Signal, SignalSource};

impl Signal {
    /// Each feature column of this signal with its recipe, in feature-table order
    /// (the names are [`Signal::feature_names`]).
    pub fn recipes(&self) -> Vec<(String, Recipe)> {
        let names = self.feature_names();
        match &self.source {
            SignalSource::Categorical { column, levels, separator, spellings } => names
                .into_iter()
                .zip(levels)
                .map(|(name, level)| {
                    (
                        name,
                        Recipe::Level {
                            column: column.clone(),
                            value: level.clone(),
                            separator: separator.clone(),
                            spellings: spellings.get(level).cloned().unwrap_or_default(),
                        },
                    )
                })
                .collect(),
            SignalSource::Flag { column, equals } => {
                vec![(
                    self.name.clone(),
                    Recipe::Flag {
                        column: column.clone(),
                        equals: equals.clone(),
                    },
                )]
            }
            SignalSource::Numeric { column, transform }
            | SignalSource::Count { column, transform } => {
                let rule = transform
                    .number_rule(column, matches!(self.source, SignalSource::Count { .. }));
                if transform.bins.is_empty() {
                    return vec![(self.name.clone(), Recipe::Number(rule))];
                }
                names
                    .into_iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let max = transform.bins.get(k + 1).copied();
                        (
                            name,
                            Recipe::Bin {
                                number: rule.clone(),
                                min: transform.bins[k],
                                max,
                            },
                        )
                    })
                    .collect()
            }
            SignalSource::Events {
                activities,
                detail_contains,
                cap,
                scale,
                decay,
            } => {
                vec![(
                    self.name.clone(),
                    Recipe::Events(EventsRule {
                        activities: activities.clone(),
                        detail_contains: detail_contains.clone(),
                        cap: *cap,
                        scale: *scale,
                        decay: *decay,
                    }),
                )]
            }
        }
    }
}

impl Config {
    /// Every feature column of the config with its recipe, in feature-table order.
    pub fn recipes(&self) -> Vec<(String, Recipe)> {
        self.signals.iter().flat_map(Signal::recipes).collect()
    }

    /// What the recipes read from the leads and events files.
    pub fn model_inputs(&self) -> Inputs {
        Inputs {
            id_column: self.id_column.clone(),
            created_at_column: self.created_at_column.clone(),
            created_at_format: self.created_at_column.as_ref().and(self.date_format.fixed().cloned()),
            missing: self.csv.missing.clone(),
            decimal: self.csv.decimal,
            window_days: self.events.as_ref().map(|e| e.window_days),
            // Not recorded when 0, as models before the setting.
            starts_before_seconds: self.events.as_ref().map(|e| e.starts_before_seconds).filter(|&s| s > 0),
            event_columns: self.events.as_ref().map(|e| EventColumns {
                lead_id: e.lead_id.clone(),
                occurred_at: e.occurred_at.clone(),
                activity: e.activity.clone(),
                occurred_at_format: e.date_format.fixed().cloned(),
                detail: e.detail.clone(),
            }),
            id_case: self.id_case,
            events_key_column: self.events_key.clone(),
            events_also_key_columns: self.events_also_key.clone(),
            events_also_key_separator: self.events_also_key_separator.clone(),
            time_zone: self.time_zone.clone(),
        }
    }
}
