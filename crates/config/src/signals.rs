//! `[[signals]]`: each signal's name, axis and kind, the keys its kind takes,
//! and the column or events it is computed from.

use std::collections::BTreeMap;

use mqlcal_scorecard::names_cell;
use serde::Deserialize;

use crate::{suggest, AutoBins, Axis, Decay, NumericTransform, Signal, SignalSource};

/// One or several strings (`activity = "x"` or `activity = ["x", "y"]`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged, expecting = "expected a text or a list of texts, such as \"a\" or [\"a\", \"b\"]")]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn into_vec(self) -> Vec<String> {
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
    pub separator: Option<String>,
    pub spellings: Option<BTreeMap<String, OneOrMany>>,
    pub floor: Option<f64>,
    pub cap: Option<f64>,
    pub scale: Option<f64>,
    pub default: Option<f64>,
    pub bins: Option<RawBins>,
    pub min_bin_share: Option<f64>,
    pub equals: Option<OneOrMany>,
    pub activity: Option<OneOrMany>,
    pub detail_contains: Option<OneOrMany>,
    pub decay: Option<String>,
}

/// `bins = [50, 500]` or `bins = "auto"`.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged, expecting = "expected \"auto\" or a list of edges such as [50, 500]")]
pub enum RawBins {
    Edges(Vec<f64>),
    Word(String),
}

const SIGNAL_KINDS: [&str; 5] = ["categorical", "numeric", "count", "flag", "events"];

/// Every signal in file order; names are unique and there is at least one.
pub(crate) fn check_signals(raw: Vec<RawSignal>, have_events: bool) -> Result<Vec<Signal>, String> {
    let mut signals = Vec::with_capacity(raw.len());
    for (i, raw) in raw.into_iter().enumerate() {
        let signal = raw.check(i, have_events)?;
        if signals.iter().any(|s: &Signal| s.name == signal.name) {
            return Err(format!("signal {:?} is defined twice", signal.name));
        }
        signals.push(signal);
    }
    if signals.is_empty() {
        return Err("no [[signals]]: define at least one signal to score".into());
    }
    Ok(signals)
}

/// `detail_contains` needs `[events] detail`; its texts as
/// [`mqlcal_scorecard::detail_texts_problem`] wants them.
pub(crate) fn check_details(signals: &[Signal], events: Option<&crate::EventsSpec>) -> Result<(), String> {
    let filtered = || signals.iter().filter_map(|s| match &s.source {
        SignalSource::Events { activities, detail_contains, .. } if !detail_contains.is_empty() => Some((s, activities.as_slice(), detail_contains.as_slice())),
        _ => None,
    });
    if let Some((signal, ..)) = filtered().next().filter(|_| events.is_some_and(|e| e.detail.is_none())) {
        return Err(format!(
            "signal {:?}: detail_contains needs the events column that says what each event was about: set [events] detail (Marketo's \"Primary Attribute Value\", a page view's URL column)",
            signal.name
        ));
    }
    match mqlcal_scorecard::detail_texts_problem(filtered().map(|(_, activities, texts)| (activities, texts))) {
        Some(problem) => Err(format!("[[signals]]: {problem}")),
        None => Ok(()),
    }
}

/// No level's other spelling is a `[input] missing` marker: a cell written so is read as
/// blank, so the spelling would never count (the baseline would get those leads).
pub(crate) fn check_spellings_are_read(signals: &[Signal], missing: &[String]) -> Result<(), String> {
    for signal in signals {
        let SignalSource::Categorical { spellings, .. } = &signal.source else { continue };
        for (level, spelling) in spellings.iter().flat_map(|(l, s)| s.iter().map(move |s| (l, s))) {
            if missing.iter().any(|m| m == spelling.trim()) {
                return Err(format!(
                    "signal {:?}: spelling {spelling:?} of {level:?} is one of [input] missing, so a cell written so is blank and never counts; leave it out of spellings, or out of [input] missing",
                    signal.name
                ));
            }
        }
    }
    Ok(())
}

/// A multi-select cell's separator: not blank, no level contains it, and no start of it
/// is also its end (`;`, `, ` and `|` qualify, `;;` does not), so that "the level is one
/// of the cell's values" is "the cell, between separators, holds the separated level",
/// which the SQL export asks with one substring search.
fn check_separator(at: &str, separator: &str, levels: &[String]) -> Result<(), String> {
    if separator.trim().is_empty() {
        return Err(format!("{at}: separator = {separator:?}: expected the text between a multi-select cell's values, e.g. \";\""));
    }
    if (1..separator.len()).any(|k| separator.is_char_boundary(k) && separator.ends_with(&separator[..k])) {
        return Err(format!("{at}: separator = {separator:?} begins with what it ends with, so its occurrences can overlap; use one character such as \";\""));
    }
    if let Some(level) = levels.iter().find(|l| l.contains(separator)) {
        return Err(format!("{at}: level {level:?} contains the separator {separator:?}: list the values one by one"));
    }
    Ok(())
}

/// What the first keys of a signal say: its name, where messages point (`at`),
/// its axis and kind, and the keys the kind takes.
struct Head {
    name: String,
    at: String,
    axis: Axis,
    kind: String,
    allowed: &'static [&'static str],
}

impl RawSignal {
    fn check(self, index: usize, have_events: bool) -> Result<Signal, String> {
        let Head { name, at, axis, kind, allowed } = self.head(index)?;
        self.check_keys(&at, &kind, allowed)?;
        let source = self.source(&at, &kind, have_events)?;
        Ok(Signal { name, axis, source })
    }

    /// Name, axis and kind.
    fn head(&self, index: usize) -> Result<Head, String> {
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
            "categorical" => &["column", "levels", "separator", "spellings"],
            "numeric" | "count" => &["column", "floor", "cap", "scale", "default", "bins", "min_bin_share"],
            "flag" => &["column", "equals"],
            "events" => &["activity", "detail_contains", "cap", "scale", "decay"],
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
        Ok(Head { name, at, axis, kind, allowed })
    }

    /// Only the keys the kind takes; finite numbers; floor not above cap.
    fn check_keys(&self, at: &str, kind: &str, allowed: &[&str]) -> Result<(), String> {
        let present = [
            ("column", self.column.is_some()),
            ("levels", self.levels.is_some()),
            ("separator", self.separator.is_some()),
            ("spellings", self.spellings.is_some()),
            ("floor", self.floor.is_some()),
            ("cap", self.cap.is_some()),
            ("scale", self.scale.is_some()),
            ("default", self.default.is_some()),
            ("bins", self.bins.is_some()),
            ("min_bin_share", self.min_bin_share.is_some()),
            ("equals", self.equals.is_some()),
            ("activity", self.activity.is_some()),
            ("detail_contains", self.detail_contains.is_some()),
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
        Ok(())
    }

    /// The column a non-events kind reads.
    fn column(&self, at: &str, kind: &str) -> Result<String, String> {
        self.column
            .clone()
            .ok_or_else(|| format!("{at}: `column` is required for kind = {kind:?}"))
    }

    /// Floor, cap, scale, default and bins of a numeric or count signal.
    fn transform(&self, at: &str) -> Result<NumericTransform, String> {
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
    }

    /// What the signal is computed from, by kind (`kind` is one of [`SIGNAL_KINDS`]).
    fn source(&self, at: &str, kind: &str, have_events: bool) -> Result<SignalSource, String> {
        let source = match kind {
            "categorical" => {
                let levels = self.levels.clone().unwrap_or_default();
                if levels.is_empty() {
                    return Err(format!(
                        "{at}: `levels` must list at least one level (the others form the baseline)"
                    ));
                }
                for (i, level) in levels.iter().enumerate() {
                    match levels[..i].iter().find(|l| names_cell(l, level)) {
                        Some(first) if first == level => return Err(format!("{at}: level {level:?} is listed twice")),
                        Some(first) => {
                            return Err(format!(
                                "{at}: levels {first:?} and {level:?} are one whole number written two ways, and a level counts the cells written either way: a cell would count for both; list one"
                            ))
                        }
                        None => {}
                    }
                }
                let spellings = self.spellings(at, &levels)?;
                if let Some(separator) = &self.separator {
                    check_separator(at, separator, &levels)?;
                    if let Some(spelling) = spellings.values().flatten().find(|s| s.contains(separator.as_str())) {
                        return Err(format!("{at}: spelling {spelling:?} contains the separator {separator:?}: list the values one by one"));
                    }
                }
                SignalSource::Categorical {
                    column: self.column(at, kind)?,
                    levels,
                    separator: self.separator.clone(),
                    spellings,
                }
            }
            "numeric" => SignalSource::Numeric {
                column: self.column(at, kind)?,
                transform: self.transform(at)?,
            },
            "count" => {
                let transform = self.transform(at)?;
                if transform.default.is_some_and(|d| d < 0.0) {
                    return Err(format!("{at}: a count's `default` cannot be negative"));
                }
                SignalSource::Count {
                    column: self.column(at, kind)?,
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
                    column: self.column(at, kind)?,
                    equals,
                }
            }
            _ => self.events_source(at, have_events)?,
        };
        Ok(source)
    }

    /// A categorical's other spellings, by level: each names a level, and each spelling is
    /// written once, is no level, is not blank and, without a separator, is as a trimmed
    /// cell reads (so it can match one; a multi-select cell's listed values are untrimmed).
    fn spellings(&self, at: &str, levels: &[String]) -> Result<BTreeMap<String, Vec<String>>, String> {
        let mut out = BTreeMap::new();
        let mut seen: Vec<(String, &String)> = Vec::new();
        for (level, spellings) in self.spellings.iter().flatten() {
            if !levels.contains(level) {
                let hint = suggest(level, levels.iter().map(String::as_str)).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
                return Err(format!("{at}: spellings names {level:?}, which is not one of its levels{hint} (spellings = {{ level = [\"other spelling\", ...] }})"));
            }
            let spellings = spellings.clone().into_vec();
            if spellings.is_empty() {
                return Err(format!("{at}: spellings of {level:?} lists none; list the other ways the data writes it, or leave the level out of spellings"));
            }
            for spelling in &spellings {
                // A cell is read trimmed; a multi-select cell's listed values are not.
                if spelling.trim().is_empty() || (spelling.trim() != spelling && self.separator.is_none()) {
                    return Err(format!(
                        "{at}: spelling {spelling:?} of {level:?} is blank or has spaces around it, and cells are read trimmed, so it would never match; write it as the trimmed cell reads"
                    ));
                }
                // A spelling that is its own level written the other way (`2.0` of `2`) adds nothing, and is no clash.
                match levels.iter().find(|l| names_cell(l, spelling)) {
                    Some(other) if other == spelling => {
                        return Err(format!("{at}: {spelling:?} is a level and a spelling of {level:?}: a cell stands for one level; list it as one or the other"));
                    }
                    Some(other) if other != level => {
                        return Err(format!(
                            "{at}: spelling {spelling:?} of {level:?} is the level {other:?} written the other way, and a level counts the cells written either way: a cell stands for one level; leave it out of spellings or of levels"
                        ));
                    }
                    _ => {}
                }
                if let Some((_, first)) = seen.iter().find(|(s, _)| names_cell(s, spelling)) {
                    let which = if *first == level { format!("twice for {level:?}") } else { format!("for {first:?} and {level:?}") };
                    return Err(format!("{at}: spelling {spelling:?} is listed {which}: a cell stands for one level"));
                }
                seen.push((spelling.clone(), level));
            }
            out.insert(level.clone(), spellings);
        }
        Ok(out)
    }

    /// An events signal: needs the events file and at least one activity.
    fn events_source(&self, at: &str, have_events: bool) -> Result<SignalSource, String> {
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
        // Cells are trimmed and a blank one is no activity: a blank name would count nothing.
        if activities.iter().any(|a| a.trim().is_empty()) {
            return Err(format!(
                "{at}: an activity name is blank; list the activities to count as the events file writes them"
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
        let detail_contains = self.detail_contains.clone().map(OneOrMany::into_vec).unwrap_or_default();
        if self.detail_contains.is_some() && detail_contains.is_empty() {
            return Err(format!("{at}: detail_contains = []: list the texts an event's detail must hold (one is enough), or remove the key"));
        }
        if let Some(problem) = mqlcal_scorecard::detail_texts_problem([(activities.as_slice(), detail_contains.as_slice())]) {
            return Err(format!("{at}: {problem}"));
        }
        Ok(SignalSource::Events {
            activities,
            detail_contains,
            cap: self.cap,
            scale: self.scale.unwrap_or(1.0),
            decay,
        })
    }
}
