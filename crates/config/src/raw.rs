//! The TOML as written, before checking. Unknown keys are rejected by serde;
//! `parse` turns serde's "expected one of" list into a "did you mean".

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{
    suggest, AutoBins, AlphaSpec, Calibration, GroupCapSpec, ModelSpec, PointsScaling, Axis, Config, CsvOptions, DateFormat, Decay, Duplicates, Encoding, EventsSpec,
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
    pub min_decided_share: Option<f64>,
    pub max_rounding_loss: Option<f64>,
    pub alpha_folds: Option<usize>,
    pub base_points: Option<RawBase>,
    pub calibrate_on: Option<String>,
    pub current: Option<String>,
    #[serde(default)]
    pub group_caps: Vec<RawGroupCap>,
    #[serde(default)]
    pub always_mql: Vec<String>,
    #[serde(default)]
    pub never_mql: Vec<String>,
}

/// `base_points = "auto"` or a number of points.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawBase {
    Points(i64),
    Word(String),
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
    pub as_of: Option<RawDate>,
}

/// A date written as TOML text (`"2025-12-31"`) or as a TOML date (`2025-12-31`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
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
    pub open_after_days: Option<i64>,
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
    pub bins: Option<RawBins>,
    pub min_bin_share: Option<f64>,
    pub equals: Option<OneOrMany>,
    pub activity: Option<OneOrMany>,
    pub decay: Option<String>,
}

/// `bins = [50, 500]` or `bins = "auto"`.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum RawBins {
    Edges(Vec<f64>),
    Word(String),
}

/// Parse TOML text; unknown keys get the nearest known key suggested.
pub fn parse(text: &str) -> Result<RawConfig, String> {
    toml::from_str::<RawConfig>(text).map_err(|e| {
        let message = e.message().to_string();
        let location = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                format!("line {line}{}: ", key_at(text, line))
            })
            .unwrap_or_default();
        format!("{location}{}", with_suggestion(&message))
    })
}

/// " ([section] key)" of the `key = value` on 1-based `line`, or "" when the line is no such pair.
fn key_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some((key, _)) = lines.get(line - 1).and_then(|l| l.split_once('=')) else {
        return String::new();
    };
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('#') || key.starts_with('[') {
        return String::new();
    }
    let section = lines[..line - 1].iter().rev().map(|l| l.trim()).find(|l| l.starts_with('[') && !l.starts_with("#"));
    match section {
        Some(section) => format!(" ({section} {key})"),
        None => format!(" ({key})"),
    }
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
        let paths = [
            ("leads", &input.leads),
            ("won", &input.won),
            ("lost", &input.lost),
            ("open", &input.open),
            ("won_ids", &input.won_ids),
            ("events", &input.events),
        ];
        if let Some((key, _)) = paths.iter().find(|(_, v)| v.as_deref().is_some_and(|p| p.trim().is_empty())) {
            return Err(format!("[input] {key} = \"\": expected the path of the file (relative to the config file), or remove the key"));
        }

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
                status_column: columns.outcome.clone(),
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

        let as_of = input.as_of.as_ref().map(parse_as_of).transpose()?;
        let open_after_days = match self.outcome.as_ref().and_then(|o| o.open_after_days) {
            None => None,
            Some(days) if (1..=36_500).contains(&days) => Some(days as u32),
            Some(days) => {
                return Err(format!(
                    "[outcome] open_after_days = {days}: expected a number of days from 1 to 36500 \
                     (open leads older than that count as lost); leave it out to keep every open lead open"
                ))
            }
        };
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
                    open_after_days,
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
                open_after_days: None,
            },
        };
        if let Layout::WonIds { status_column: Some(status), .. } = &layout {
            if outcome.open.is_empty() {
                return Err(format!(
                    "[columns] outcome = {status:?} with won_ids: list under [outcome] open the {status} values that mean \
                     the lead is still open (leads neither won nor open are lost)"
                ));
            }
        }
        if matches!(layout, Layout::OutcomeColumn { .. })
            && (outcome.won.is_empty() || outcome.lost.is_empty())
        {
            return Err("[outcome] needs at least one value for `won` and one for `lost`".into());
        }

        let events = match (&input.events, &self.events) {
            (Some(file), raw) => {
                let e = raw.as_ref();
                let window_days = e.and_then(|e| e.window_days).unwrap_or(30);
                if !(1..=3650).contains(&window_days) {
                    return Err(format!(
                        "[events] window_days = {window_days}: expected 1 to 3650 days (events in [created_at, created_at + window_days] count; 0 would count almost nothing)"
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
            as_of,
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

/// A number as the analyst would write it: 1e300, not three hundred digits.
fn short(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Points scales above this would overflow integer score sums in practice.
const MAX_POINTS: f64 = 1_000_000.0;

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
            if !(pdo.is_finite() && pdo > 0.0 && pdo <= MAX_POINTS) {
                return Err(format!("[model] pdo = {}: expected points to double the odds > 0 and at most {MAX_POINTS}, e.g. 20", short(pdo)));
            }
            if raw.base_score.is_some_and(|b| !(b.is_finite() && b.abs() <= MAX_POINTS)) {
                return Err(format!("[model] base_score: expected a number between -{MAX_POINTS} and {MAX_POINTS}, e.g. 600"));
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
            if !(max.is_finite() && max > 0.0 && max <= MAX_POINTS) {
                return Err(format!("[model] max_points = {}: expected a number > 0 and at most {MAX_POINTS}, e.g. 100", short(max)));
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
        if g.max_points < 0 || g.max_points as f64 > MAX_POINTS {
            return Err(format!("[model] group cap {:?}: max_points must be between 0 and {MAX_POINTS}", g.name));
        }
    }
    for s in &raw.always_mql {
        check_column("always_mql", s)?;
    }
    for s in &raw.never_mql {
        check_column("never_mql", s)?;
    }
    let min_decided_share = raw.min_decided_share.unwrap_or(crate::DEFAULT_MIN_DECIDED_SHARE);
    if !(min_decided_share > 0.0 && min_decided_share <= 1.0) {
        return Err(format!(
            "[model] min_decided_share = {min_decided_share}: expected a share in (0, 1], e.g. 0.8 \
             (a cohort is judged once that share of its leads is won or lost)"
        ));
    }
    let max_rounding_loss = raw.max_rounding_loss.unwrap_or(0.005);
    if !(0.0..=1.0).contains(&max_rounding_loss) {
        return Err(format!("[model] max_rounding_loss = {max_rounding_loss}: expected an AUC difference in [0, 1], e.g. 0.005"));
    }
    Ok(ModelSpec {
        alpha,
        scaling,
        calibration,
        holdout_cohorts: raw.holdout_cohorts,
        min_decided_share,
        max_rounding_loss,
        base_points: match raw.base_points {
            None => None,
            Some(RawBase::Word(w)) if w == "auto" => None,
            Some(RawBase::Points(b)) if b.unsigned_abs() as f64 <= MAX_POINTS && raw.pdo.is_none() => Some(b),
            Some(RawBase::Points(_)) if raw.pdo.is_some() => {
                return Err("[model] base_points goes with max_points; with pdo the base is set by base_score and base_odds".into())
            }
            Some(other) => {
                return Err(format!(
                    "[model] base_points = {other:?}: expected \"auto\" (just enough that no lead scores below 0) or a whole number of points within ±{MAX_POINTS}"
                ))
            }
        },
        calibrate_on: match raw.calibrate_on.as_deref() {
            None | Some("training") => crate::CalibrateOn::Training,
            Some("latest") => crate::CalibrateOn::Latest,
            Some(other) => {
                return Err(format!("[model] calibrate_on = {other:?}: expected \"training\" or \"latest\" (the latest mature cohort)"))
            }
        },
        alpha_folds: match raw.alpha_folds {
            Some(0) => return Err("[model] alpha_folds = 0: expected at least 1 fold (each validates on one of the latest training cohorts)".into()),
            other => other,
        },
        current: raw.current.as_deref().map(resolve),
        group_caps: raw.group_caps.into_iter().map(|g| GroupCapSpec { name: g.name, signals: g.signals, max_points: g.max_points }).collect(),
        always_mql: raw.always_mql,
        never_mql: raw.never_mql,
    })
}

/// `[input] as_of`: a date (midnight ending that day is *not* implied: 2025-12-31 means
/// 2025-12-31 23:59:59, the whole day is in the export) or a date and time.
fn parse_as_of(raw: &RawDate) -> Result<i64, String> {
    let text = match raw {
        RawDate::Text(t) => t.trim().to_string(),
        RawDate::Toml(d) => d.to_string(),
    };
    let expected = || {
        format!(
            "[input] as_of = {text:?}: expected the export's date, \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM[:SS]\" \
             (leave it out to use the latest date in the leads and events)"
        )
    };
    let stamp = if let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        date.and_hms_opt(23, 59, 59).ok_or_else(expected)?
    } else {
        let normal = text.replacen('T', " ", 1);
        chrono::NaiveDateTime::parse_from_str(&normal, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(&normal, "%Y-%m-%d %H:%M"))
            .map_err(|_| expected())?
    };
    Ok(stamp.and_utc().timestamp())
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
            "numeric" | "count" => &["column", "floor", "cap", "scale", "default", "bins", "min_bin_share"],
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
            ("min_bin_share", self.min_bin_share.is_some()),
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
            let (bins, auto_bins) = match &self.bins {
                None => (vec![], None),
                Some(RawBins::Edges(bins)) => (bins.clone(), None),
                Some(RawBins::Word(w)) if w == "auto" => {
                    let min_share = self.min_bin_share.unwrap_or(AutoBins::DEFAULT_MIN_SHARE);
                    if !(min_share > 0.0 && min_share <= 0.5) {
                        return Err(format!(
                            "{at}: min_bin_share = {min_share}: expected a share in (0, 0.5], e.g. 0.05 (each auto bin holds at least that share of the training leads)"
                        ));
                    }
                    (vec![], Some(AutoBins { min_share }))
                }
                Some(RawBins::Word(w)) => {
                    return Err(format!("{at}: bins = {w:?}: expected \"auto\" or a list of edges such as [50, 500]"))
                }
            };
            if self.min_bin_share.is_some() && auto_bins.is_none() {
                return Err(format!("{at}: `min_bin_share` goes with bins = \"auto\""));
            }
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
                auto_bins,
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
