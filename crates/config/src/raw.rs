//! The TOML as written, before checking. Unknown keys are rejected by serde;
//! `parse` turns serde's "expected one of" list into a "did you mean".

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{
    suggest, AlphaSpec, Calibration, GroupCapSpec, ModelSpec, PointsScaling, Axis, Config, CsvOptions, DateFormat, Decay, Duplicates, Encoding, EventsSpec,
    Layout, NumericTransform, OutcomeMap, Period, Signal, SignalSource,
};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub input: RawInput,
    #[serde(default)]
    pub columns: RawColumns,
    pub outcome: Option<RawOutcome>,
    pub events: Option<RawEvents>,
    #[serde(default)]
    pub cohorts: RawCohorts,
    #[serde(default)]
    pub signals: Vec<RawSignal>,
    pub model: Option<RawModel>,
    pub sales: Option<crate::sales::RawSales>,
    pub backtest: Option<crate::sales::RawBacktest>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAlpha {
    Value(f64),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub alpha: Option<RawAlpha>,
    pub max_points: Option<f64>,
    pub pdo: Option<f64>,
    pub base_score: Option<f64>,
    pub base_odds: Option<f64>,
    pub calibration: Option<String>,
    pub holdout_cohorts: Option<usize>,
    pub current: Option<String>,
    #[serde(default)]
    pub group_caps: Vec<RawGroupCap>,
    #[serde(default)]
    pub always_mql: Vec<String>,
    #[serde(default)]
    pub never_mql: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupCap {
    pub name: String,
    pub signals: Vec<String>,
    pub max_points: i64,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    pub leads: Option<String>,
    pub won: Option<String>,
    pub lost: Option<String>,
    pub open: Option<String>,
    pub won_ids: Option<String>,
    pub events: Option<String>,
    pub delimiter: Option<String>,
    pub encoding: Option<String>,
    pub missing: Option<Vec<String>>,
    pub duplicates: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    pub id: Option<String>,
    pub created_at: Option<String>,
    pub date_format: Option<String>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub segments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    #[serde(default)]
    pub won: Vec<String>,
    #[serde(default)]
    pub lost: Vec<String>,
    #[serde(default)]
    pub open: Vec<String>,
    pub blank_is: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    pub lead_id: Option<String>,
    pub occurred_at: Option<String>,
    pub activity: Option<String>,
    pub date_format: Option<String>,
    pub window_days: Option<i64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCohorts {
    pub period: Option<String>,
}

/// One or several strings (`activity = "x"` or `activity = ["x", "y"]`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    pub name: Option<String>,
    pub axis: Option<String>,
    pub kind: Option<String>,
    pub column: Option<String>,
    pub levels: Option<Vec<String>>,
    pub floor: Option<f64>,
    pub cap: Option<f64>,
    pub scale: Option<f64>,
    pub default: Option<f64>,
    pub bins: Option<Vec<f64>>,
    pub equals: Option<OneOrMany>,
    pub activity: Option<OneOrMany>,
    pub decay: Option<String>,
}

/// Parse TOML text; unknown keys get the nearest known key suggested.
pub fn parse(text: &str) -> Result<RawConfig, String> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let message = e.message().to_string();
        let location = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        format!("{location}{}", with_suggestion(&message))
    })
}

/// serde says "unknown field `windw_days`, expected one of `a`, `b`"; add "did you mean `b`?".
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some(end) = rest.find('`') else {
        return message.to_string();
    };
    let unknown = &rest[..end];
    let expected: Vec<&str> = rest[end..]
        .split('`')
        .enumerate()
        .filter(|(i, _)| *i > 0 && i % 2 == 0)
        .map(|(_, s)| s)
        .collect();
    match suggest(unknown, expected.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

const SIGNAL_KINDS: [&str; 5] = ["categorical", "numeric", "count", "flag", "events"];

impl RawConfig {
    /// Check everything once; the message names the section and key at fault.
    pub(crate) fn check(self, text: &str, path: &Path, base_dir: &Path) -> Result<Config, String> {
        let resolve = |p: &str| -> PathBuf {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir.join(p)
            }
        };
        let input = &self.input;
        let columns = &self.columns;

        let layout = match (&input.leads, &input.won, &input.lost, &input.won_ids) {
            (Some(leads), None, None, None) => Layout::OutcomeColumn {
                leads: resolve(leads),
                outcome_column: columns.outcome.clone().ok_or(
                    "[columns] outcome is required when [input] leads has no won_ids file \
                     (name the column that says won/lost/open)",
                )?,
            },
            (Some(leads), None, None, Some(won_ids)) => Layout::WonIds {
                leads: resolve(leads),
                won_ids: resolve(won_ids),
            },
            (None, Some(won), Some(lost), None) => Layout::SeparateFiles {
                won: resolve(won),
                lost: resolve(lost),
                open: input.open.as_deref().map(resolve),
            },
            (None, None, None, _) => {
                return Err("[input] names no leads file: set `leads` (with an outcome column or \
                            `won_ids`), or `won` and `lost`"
                    .into())
            }
            (None, Some(_), None, _) | (None, None, Some(_), _) => {
                return Err("[input] `won` and `lost` go together: set both files".into())
            }
            _ => {
                return Err("[input] mixes layouts: use either `leads` (+ optional `won_ids`) \
                            or `won` + `lost`, not both"
                    .into())
            }
        };
        if input.open.is_some() && !matches!(layout, Layout::SeparateFiles { .. }) {
            return Err("[input] `open` is only for the won/lost files layout".into());
        }

        let delimiter = match input.delimiter.as_deref() {
            None | Some("auto") => None,
            Some("\\t") | Some("tab") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(d) => {
                return Err(format!(
                    "[input] delimiter = {d:?}: expected \"auto\" or one ASCII character such as \",\" or \";\""
                ))
            }
        };
        let encoding = match input.encoding.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("utf-8") | Some("utf8") => Encoding::Utf8,
            Some("latin-1") | Some("latin1") | Some("iso-8859-1") => Encoding::Latin1,
            Some("auto") => Encoding::Auto,
            Some(other) => {
                return Err(format!(
                    "[input] encoding = {other:?}: expected \"utf-8\", \"latin-1\" or \"auto\""
                ))
            }
        };
        let missing = input.missing.clone().unwrap_or_else(|| {
            ["", "Select", "NA", "N/A", "null", "NULL"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
        let duplicates = match input.duplicates.as_deref() {
            None | Some("error") => Duplicates::Error,
            Some("keep-first") => Duplicates::KeepFirst,
            Some("keep-last") => Duplicates::KeepLast,
            Some(other) => {
                return Err(format!(
                    "[input] duplicates = {other:?}: expected \"error\", \"keep-first\" or \"keep-last\""
                ))
            }
        };

        let id_column = columns
            .id
            .clone()
            .ok_or("[columns] id is required: the column that identifies a lead")?;
        let leads_date_format = parse_date_format(columns.date_format.as_deref(), "[columns] date_format")?;

        let outcome = match (&self.outcome, &layout) {
            (Some(o), _) => {
                let blank_is_open = match o.blank_is.as_deref() {
                    None | Some("open") => true,
                    Some("error") => false,
                    Some(other) => {
                        return Err(format!(
                            "[outcome] blank_is = {other:?}: expected \"open\" or \"error\""
                        ))
                    }
                };
                for (name, values) in [("won", &o.won), ("lost", &o.lost), ("open", &o.open)] {
                    for v in values {
                        let others = [("won", &o.won), ("lost", &o.lost), ("open", &o.open)];
                        for (other_name, other_values) in others {
                            if other_name != name && other_values.contains(v) {
                                return Err(format!(
                                    "[outcome] value {v:?} is listed under both `{name}` and `{other_name}`"
                                ));
                            }
                        }
                    }
                }
                OutcomeMap {
                    won: o.won.clone(),
                    lost: o.lost.clone(),
                    open: o.open.clone(),
                    blank_is_open,
                }
            }
            (None, Layout::OutcomeColumn { .. }) => {
                return Err("[outcome] is required with an outcome column: list the values that \
                            mean won, lost and open, e.g. won = [\"Closed Won\"]"
                    .into())
            }
            (None, _) => OutcomeMap {
                won: vec![],
                lost: vec![],
                open: vec![],
                blank_is_open: true,
            },
        };
        if matches!(layout, Layout::OutcomeColumn { .. })
            && (outcome.won.is_empty() || outcome.lost.is_empty())
        {
            return Err("[outcome] needs at least one value for `won` and one for `lost`".into());
        }

        let events = match (&input.events, &self.events) {
            (Some(file), raw) => {
                let e = raw.as_ref();
                let window_days = e.and_then(|e| e.window_days).unwrap_or(30);
                if !(0..=3650).contains(&window_days) {
                    return Err(format!(
                        "[events] window_days = {window_days}: expected 0 to 3650 days"
                    ));
                }
                Some(EventsSpec {
                    path: resolve(file),
                    lead_id: e.and_then(|e| e.lead_id.clone()).unwrap_or_else(|| "lead_id".into()),
                    occurred_at: e
                        .and_then(|e| e.occurred_at.clone())
                        .unwrap_or_else(|| "occurred_at".into()),
                    activity: e
                        .and_then(|e| e.activity.clone())
                        .unwrap_or_else(|| "activity".into()),
                    date_format: parse_date_format(
                        e.and_then(|e| e.date_format.as_deref()),
                        "[events] date_format",
                    )?,
                    window_days: window_days as u32,
                })
            }
            (None, Some(_)) => {
                return Err("[events] is set but [input] events names no file".into());
            }
            (None, None) => None,
        };

        let period = match self.cohorts.period.as_deref() {
            None | Some("quarter") => Period::Quarter,
            Some("month") => Period::Month,
            Some(other) => {
                return Err(format!(
                    "[cohorts] period = {other:?}: expected \"month\" or \"quarter\""
                ))
            }
        };

        let mut signals = Vec::with_capacity(self.signals.len());
        for (i, raw) in self.signals.into_iter().enumerate() {
            let signal = raw.check(i, events.is_some())?;
            if signals.iter().any(|s: &Signal| s.name == signal.name) {
                return Err(format!("signal {:?} is defined twice", signal.name));
            }
            signals.push(signal);
        }
        if signals.is_empty() {
            return Err("no [[signals]]: define at least one signal to score".into());
        }

        let model = check_model(self.model, &signals, &resolve)?;
        let sales = crate::sales::check_sales(self.sales)?;
        let backtest = crate::sales::check_backtest(self.backtest)?;

        Ok(Config {
            model,
            sales,
            backtest,
            source_path: path.to_path_buf(),
            source_text: text.to_string(),
            layout,
            csv: CsvOptions {
                delimiter,
                encoding,
                missing,
            },
            duplicates,
            id_column,
            created_at_column: columns.created_at.clone(),
            date_format: leads_date_format,
            outcome,
            segments: columns.segments.clone(),
            events,
            period,
            signals,
        })
    }
}

fn check_model(
    raw: Option<RawModel>,
    signals: &[Signal],
    resolve: &dyn Fn(&str) -> PathBuf,
) -> Result<ModelSpec, String> {
    let Some(raw) = raw else {
        return Ok(ModelSpec::default());
    };
    let alpha = match raw.alpha {
        None => AlphaSpec::Auto,
        Some(RawAlpha::Word(w)) if w == "auto" => AlphaSpec::Auto,
        Some(RawAlpha::Word(w)) => return Err(format!("[model] alpha = {w:?}: expected a number >= 0 or \"auto\"")),
        Some(RawAlpha::Value(a)) if a.is_finite() && a >= 0.0 => AlphaSpec::Fixed(a),
        Some(RawAlpha::Value(a)) => return Err(format!("[model] alpha = {a}: expected a number >= 0 or \"auto\"")),
    };
    let scaling = match (raw.max_points, raw.pdo) {
        (Some(_), Some(_)) => return Err("[model] set either max_points or pdo, not both".into()),
        (None, Some(pdo)) => {
            if !(pdo.is_finite() && pdo > 0.0) {
                return Err(format!("[model] pdo = {pdo}: expected points to double the odds > 0, e.g. 20"));
            }
            let base_odds = raw.base_odds.unwrap_or(1.0);
            if !(base_odds.is_finite() && base_odds > 0.0) {
                return Err(format!("[model] base_odds = {base_odds}: expected odds > 0"));
            }
            PointsScaling::Pdo { pdo, base_score: raw.base_score.unwrap_or(0.0), base_odds }
        }
        (max, None) => {
            if raw.base_score.is_some() || raw.base_odds.is_some() {
                return Err("[model] base_score and base_odds go with pdo".into());
            }
            let max = max.unwrap_or(100.0);
            if !(max.is_finite() && max > 0.0) {
                return Err(format!("[model] max_points = {max}: expected a number > 0, e.g. 100"));
            }
            PointsScaling::MaxPoints(max)
        }
    };
    let calibration = match raw.calibration.as_deref() {
        None | Some("platt") => Calibration::Platt,
        Some("isotonic") => Calibration::Isotonic,
        Some(other) => return Err(format!("[model] calibration = {other:?}: expected \"platt\" or \"isotonic\"")),
    };
    let columns: Vec<String> = signals.iter().flat_map(|s| s.feature_names()).collect();
    let check_column = |what: &str, name: &str| -> Result<(), String> {
        if columns.iter().any(|c| c == name) {
            Ok(())
        } else {
            let hint = suggest(name, columns.iter().map(String::as_str)).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default();
            Err(format!("[model] {what} names {name:?}, which is not a signal column{hint}; columns are: {}", columns.join(", ")))
        }
    };
    for g in &raw.group_caps {
        for s in &g.signals {
            check_column(&format!("group cap {:?}", g.name), s)?;
        }
        if g.max_points < 0 {
            return Err(format!("[model] group cap {:?}: max_points must be >= 0", g.name));
        }
    }
    for s in &raw.always_mql {
        check_column("always_mql", s)?;
    }
    for s in &raw.never_mql {
        check_column("never_mql", s)?;
    }
    Ok(ModelSpec {
        alpha,
        scaling,
        calibration,
        holdout_cohorts: raw.holdout_cohorts,
        current: raw.current.as_deref().map(resolve),
        group_caps: raw.group_caps.into_iter().map(|g| GroupCapSpec { name: g.name, signals: g.signals, max_points: g.max_points }).collect(),
        always_mql: raw.always_mql,
        never_mql: raw.never_mql,
    })
}

fn parse_date_format(raw: Option<&str>, key: &str) -> Result<DateFormat, String> {
    match raw {
        None | Some("auto") => Ok(DateFormat::Auto),
        Some(p) if p.contains('%') => Ok(DateFormat::Pattern(p.to_string())),
        Some(p) => Err(format!(
            "{key} = {p:?}: expected \"auto\" or a strftime pattern such as \"%d/%m/%Y\" or \"%Y-%m-%d %H:%M:%S\""
        )),
    }
}

impl RawSignal {
    fn check(self, index: usize, have_events: bool) -> Result<Signal, String> {
        let at = format!("[[signals]] #{}", index + 1);
        let name = self
            .name
            .clone()
            .ok_or_else(|| format!("{at}: `name` is required"))?;
        let at = format!("signal {name:?}");
        if name.is_empty() || name.contains('=') || name.contains('"') {
            return Err(format!(
                "{at}: a signal name must be non-empty and contain no '=' or '\"'"
            ));
        }
        let axis = match self.axis.as_deref() {
            Some("fit") => Axis::Fit,
            Some("engagement") => Axis::Engagement,
            Some(other) => {
                return Err(format!(
                    "{at}: axis = {other:?}: expected \"fit\" (who the lead is) or \"engagement\" (what the lead did)"
                ))
            }
            None => return Err(format!("{at}: `axis` is required (\"fit\" or \"engagement\")")),
        };
        let kind = self.kind.clone().ok_or_else(|| {
            format!("{at}: `kind` is required, one of {}", SIGNAL_KINDS.join(", "))
        })?;
        let allowed: &[&str] = match kind.as_str() {
            "categorical" => &["column", "levels"],
            "numeric" | "count" => &["column", "floor", "cap", "scale", "default", "bins"],
            "flag" => &["column", "equals"],
            "events" => &["activity", "cap", "scale", "decay"],
            other => {
                let hint = suggest(other, SIGNAL_KINDS)
                    .map(|s| format!("; did you mean {s:?}?"))
                    .unwrap_or_default();
                return Err(format!(
                    "{at}: kind = {other:?}: expected one of {}{hint}",
                    SIGNAL_KINDS.join(", ")
                ));
            }
        };
        let present = [
            ("column", self.column.is_some()),
            ("levels", self.levels.is_some()),
            ("floor", self.floor.is_some()),
            ("cap", self.cap.is_some()),
            ("scale", self.scale.is_some()),
            ("default", self.default.is_some()),
            ("bins", self.bins.is_some()),
            ("equals", self.equals.is_some()),
            ("activity", self.activity.is_some()),
            ("decay", self.decay.is_some()),
        ];
        for (key, is_set) in present {
            if is_set && !allowed.contains(&key) {
                return Err(format!(
                    "{at}: `{key}` does not apply to kind = {kind:?} (it takes {})",
                    allowed.join(", ")
                ));
            }
        }
        for (key, value) in [
            ("floor", self.floor),
            ("cap", self.cap),
            ("scale", self.scale),
            ("default", self.default),
        ] {
            if let Some(v) = value {
                if !v.is_finite() {
                    return Err(format!("{at}: `{key}` must be a finite number"));
                }
            }
        }
        if let (Some(floor), Some(cap)) = (self.floor, self.cap) {
            if floor > cap {
                return Err(format!("{at}: floor {floor} is above cap {cap}"));
            }
        }
        let column = || {
            self.column
                .clone()
                .ok_or_else(|| format!("{at}: `column` is required for kind = {kind:?}"))
        };
        let transform = || -> Result<NumericTransform, String> {
            let bins = self.bins.clone().unwrap_or_default();
            if bins.iter().any(|b| !b.is_finite()) || bins.windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!(
                    "{at}: `bins` must be finite edges in strictly increasing order, e.g. [50, 500]"
                ));
            }
            Ok(NumericTransform {
                floor: self.floor,
                cap: self.cap,
                scale: self.scale.unwrap_or(1.0),
                default: self.default,
                bins,
            })
        };
        let source = match kind.as_str() {
            "categorical" => {
                let levels = self.levels.clone().unwrap_or_default();
                if levels.is_empty() {
                    return Err(format!(
                        "{at}: `levels` must list at least one level (the others form the baseline)"
                    ));
                }
                for (i, level) in levels.iter().enumerate() {
                    if levels[..i].contains(level) {
                        return Err(format!("{at}: level {level:?} is listed twice"));
                    }
                }
                SignalSource::Categorical {
                    column: column()?,
                    levels,
                }
            }
            "numeric" => SignalSource::Numeric {
                column: column()?,
                transform: transform()?,
            },
            "count" => {
                let transform = transform()?;
                if transform.default.is_some_and(|d| d < 0.0) {
                    return Err(format!("{at}: a count's `default` cannot be negative"));
                }
                SignalSource::Count {
                    column: column()?,
                    transform,
                }
            }
            "flag" => {
                let equals = self.equals.clone().map(OneOrMany::into_vec).unwrap_or_default();
                if equals.is_empty() {
                    return Err(format!(
                        "{at}: `equals` is required for a flag: the cell value(s) that mean yes, e.g. equals = \"Yes\""
                    ));
                }
                SignalSource::Flag {
                    column: column()?,
                    equals,
                }
            }
            _ => {
                if !have_events {
                    return Err(format!(
                        "{at}: kind = \"events\" needs an events file: set [input] events"
                    ));
                }
                let activities = self
                    .activity
                    .clone()
                    .map(OneOrMany::into_vec)
                    .unwrap_or_default();
                if activities.is_empty() {
                    return Err(format!(
                        "{at}: `activity` is required: the activity name(s) to count"
                    ));
                }
                let decay = match self.decay.as_deref() {
                    None | Some("none") => Decay::None,
                    Some("standard") => Decay::Standard,
                    Some(other) => {
                        return Err(format!(
                            "{at}: decay = {other:?}: expected \"none\" or \"standard\""
                        ))
                    }
                };
                if self.cap.is_some_and(|c| c < 0.0) {
                    return Err(format!("{at}: `cap` cannot be negative"));
                }
                SignalSource::Events {
                    activities,
                    cap: self.cap,
                    scale: self.scale.unwrap_or(1.0),
                    decay,
                }
            }
        };
        Ok(Signal { name, axis, source })
    }
}
