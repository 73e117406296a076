//! The config's signal definitions as recipes in the model file, so that a
//! production scorer computes every feature column from raw leads and events
//! without the config.

use mqlcal_config::{Config, Decay as ConfigDecay, NumericTransform, SignalSource};
use mqlcal_scorecard::{Decay, Inputs, Model, NumberRule, Recipe};

fn number_rule(column: &str, t: &NumericTransform, non_negative: bool) -> NumberRule {
    NumberRule {
        column: column.to_string(),
        floor: t.floor,
        cap: t.cap,
        scale: t.scale,
        default: t.default,
        non_negative,
    }
}

/// Every feature column of the config with its recipe, in feature-table order, and what they read.
pub fn recipes(config: &Config) -> (Inputs, Vec<(String, Recipe)>) {
    let mut out = Vec::new();
    for signal in &config.signals {
        let names = signal.feature_names();
        match &signal.source {
            SignalSource::Categorical { column, levels } => {
                for (name, level) in names.into_iter().zip(levels) {
                    out.push((
                        name,
                        Recipe::Level {
                            column: column.clone(),
                            value: level.clone(),
                        },
                    ));
                }
            }
            SignalSource::Flag { column, equals } => {
                out.push((
                    signal.name.clone(),
                    Recipe::Flag {
                        column: column.clone(),
                        equals: equals.clone(),
                    },
                ));
            }
            SignalSource::Numeric { column, transform }
            | SignalSource::Count { column, transform } => {
                let rule = number_rule(
                    column,
                    transform,
                    matches!(signal.source, SignalSource::Count { .. }),
                );
                if transform.bins.is_empty() {
                    out.push((signal.name.clone(), Recipe::Number(rule)));
                } else {
                    for (k, name) in names.into_iter().enumerate() {
                        out.push((
                            name,
                            Recipe::Bin {
                                number: rule.clone(),
                                min: transform.bins[k],
                                max: transform.bins.get(k + 1).copied(),
                            },
                        ));
                    }
                }
            }
            SignalSource::Events {
                activities,
                cap,
                scale,
                decay,
            } => {
                let decay = match decay {
                    ConfigDecay::None => Decay::None,
                    ConfigDecay::Standard => Decay::Standard,
                };
                out.push((
                    signal.name.clone(),
                    Recipe::Events {
                        activities: activities.clone(),
                        cap: *cap,
                        scale: *scale,
                        decay,
                    },
                ));
            }
        }
    }
    let inputs = Inputs {
        id_column: config.id_column.clone(),
        created_at_column: config.created_at_column.clone(),
        missing: config.csv.missing.clone(),
        window_days: config.events.as_ref().map(|e| e.window_days),
        event_columns: config
            .events
            .as_ref()
            .map(|e| mqlcal_scorecard::EventColumns {
                lead_id: e.lead_id.clone(),
                occurred_at: e.occurred_at.clone(),
                activity: e.activity.clone(),
            }),
    };
    (inputs, out)
}

/// Record in `model` how each of its signals is computed from raw data.
pub fn attach_recipes(model: &mut Model, config: &Config) {
    let (inputs, recipes) = recipes(config);
    for signal in &mut model.signals {
        signal.recipe = recipes
            .iter()
            .find(|(name, _)| name == &signal.name)
            .map(|(_, r)| r.clone());
    }
    model.inputs = Some(inputs);
}
