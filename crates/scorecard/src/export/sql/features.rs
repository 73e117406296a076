//! The as-of feature table as one SQL query (CTEs, no temporary tables): from
//! the leads and events tables to the rows `mqlcal features` writes, or, grouped,
//! to the distinct feature patterns with their counts of won, lost and open
//! leads. The feature values come from the same recipes and the same CTE
//! builders as the scoring query ([`super::to_sql`]); what this adds is the
//! table's other columns: cohort, month, outcome (with the stale-open rule), the
//! as-of date and whether each lead's engagement window is complete.

use std::fmt::Write;

use super::{Dialect, EventCells, ExportError, Instants, Query, SumOf};
use crate::{DateLayout, Inputs, Period, Recipe};

/// The leads table's outcome column and what its cells mean (`[columns] outcome`, `[outcome]`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeCells<'a> {
    pub column: &'a str,
    pub won: &'a [String],
    pub lost: &'a [String],
    pub open: &'a [String],
    /// A blank (or missing-value) cell means open.
    pub blank_is_open: bool,
    /// A filled cell no list names is won (`[outcome] filled_is = "won"`).
    pub filled_is_won: bool,
}

/// The as-of date the table is judged at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfRule {
    /// `[input] as_of`, seconds since 1970-01-01.
    Fixed(i64),
    /// The latest creation date or event time, events after `events_up_to` (seconds
    /// since 1970-01-01: the latest plausible date) left out as ingest leaves them.
    Latest { events_up_to: i64 },
}

/// Everything the feature-table query needs, as the checked config says it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureTableSpec<'a> {
    pub tool_version: &'a str,
    pub inputs: &'a Inputs,
    /// Each feature column's name (`signal` or `signal=level`) and recipe, in table order.
    pub features: &'a [(String, Recipe)],
    pub segments: &'a [String],
    pub outcome: OutcomeCells<'a>,
    /// `[exclude]`: leads columns and the values whose leads are left out, as if the
    /// table did not hold them.
    pub exclude: Vec<(&'a str, &'a [String])>,
    /// `[outcome] open_after_days`: open leads this old at the as-of date count as lost.
    pub open_after_days: Option<u32>,
    pub period: Period,
    pub as_of: AsOfRule,
    /// The window a lead must have had by the as-of date for `window_complete` (0 when no signal counts events).
    pub maturity_window_seconds: i64,
    /// `[columns] decided_at`: a decided lead's events count only before its decision.
    pub decided_at: Option<DecisionCells<'a>>,
}

/// The leads table's decision-date column and how it writes dates (None: ISO).
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionCells<'a> {
    pub column: &'a str,
    pub format: Option<&'a DateLayout>,
}

/// The grouped query's columns before the segments and after the features.
pub const GROUPED_LEADING: [&str; 4] = ["as_of", "cohort", "month", "window_complete"];
pub const GROUPED_COUNTS: [&str; 3] = ["won", "lost", "open"];

/// The feature-table query; `grouped`: distinct patterns with counts instead of one row per lead.
pub fn to_feature_sql(spec: &FeatureTableSpec<'_>, d: Dialect, leads_table: &str, events_table: &str, grouped: bool) -> Result<String, ExportError> {
    let inputs = spec.inputs;
    // Ingest reads a blank cell as missing whatever the list says.
    let mut missing = inputs.missing.clone();
    if !missing.iter().any(String::is_empty) {
        missing.push(String::new());
    }
    let recipes: Vec<(&str, &Recipe)> = spec.features.iter().map(|(name, recipe)| (name.as_str(), recipe)).collect();
    // Events are read for a signal that counts them, or for the latest time as of which the table is.
    let latest_events = matches!(spec.as_of, AsOfRule::Latest { .. }) && inputs.created_at_column.is_some() && inputs.event_columns.is_some();
    let query = Query::new(d, inputs, &missing, recipes).reading_events_for_as_of(latest_events);
    let mut sql = String::new();
    header(&mut sql, spec, &query, leads_table, events_table, grouped);

    // leads_clean: the scoring query's columns, then the creation time as a timestamp, the segments and the outcome read.
    let mut extra = Vec::new();
    let created = match &inputs.created_at_column {
        Some(c) => Some(d.date_iso(&query.clean(c), query.inputs.created_at_format.as_ref())?),
        None => None,
    };
    match &created {
        Some(iso) => extra.push(format!("{} AS created_tstamp", d.timestamp(iso))),
        None => {
            extra.push(format!("CAST(NULL AS {}) AS created_ts", d.real_type()));
            extra.push(format!("{} AS created_tstamp", d.timestamp("NULL")));
        }
    }
    for (k, segment) in spec.segments.iter().enumerate() {
        extra.push(format!("{} AS s{k}", query.clean(segment)));
    }
    extra.push(format!("{} AS outcome_read", outcome_read(&query, &spec.outcome)));
    if !spec.exclude.is_empty() {
        extra.push(format!("{} AS excluded", excluded(&query, &spec.exclude)));
    }
    // Decision dates that are instants, with a time zone, are moved onto its clock first
    // (read, as below, for won and lost leads only).
    let decided_instants: Vec<Instants<'_>> = spec
        .decided_at
        .iter()
        .filter_map(|decided| Some((decided.column, decided.format?)))
        .filter(|(_, layout)| query.moves(layout))
        .map(|(column, layout)| Instants { column, layout, read_when: Some(format!("{} IN ('won', 'lost')", outcome_read(&query, &spec.outcome))) })
        .collect();
    if let Some(decided) = &spec.decided_at {
        // Read for won and lost leads only: an open lead's close date is a forecast.
        let layout = if decided_instants.is_empty() { decided.format } else { None };
        let at = d.date_epoch(&query.clean(decided.column), layout)?;
        extra.push(format!("CASE WHEN {} IN ('won', 'lost') THEN {at} ELSE NULL END AS decided_ts", outcome_read(&query, &spec.outcome)));
    }
    let read: Vec<&str> = spec
        .segments
        .iter()
        .map(String::as_str)
        .chain([spec.outcome.column])
        .chain(spec.decided_at.as_ref().map(|decided| decided.column))
        .chain(spec.exclude.iter().map(|(column, _)| *column))
        .collect();
    query.leads_clean(&mut sql, leads_table, &extra, &read, &decided_instants)?;

    if query.reads_events {
        query.events_clean(&mut sql, events_table, EventCells::Cleaned, &kept_leads(spec, "", "AND"))?;
    }
    if !query.event_signals.is_empty() {
        query.event_sums(&mut sql, SumOf::WholeWeights, spec.decided_at.is_some());
    }
    let mut keep = vec!["created_ts".to_string(), "created_tstamp".to_string()];
    keep.extend((0..spec.segments.len()).map(|k| format!("s{k}")));
    keep.push("outcome_read".into());
    if !spec.exclude.is_empty() {
        keep.push("excluded".into());
    }
    query.features(&mut sql, &keep.iter().map(String::as_str).collect::<Vec<_>>());

    as_of(&mut sql, spec, d, created.is_some(), latest_events);
    labelled(&mut sql, spec, d);
    if grouped {
        grouped_select(&mut sql, spec, &query);
    } else {
        plain_select(&mut sql, spec, &query);
    }
    Ok(sql)
}

fn header(sql: &mut String, spec: &FeatureTableSpec<'_>, query: &Query<'_>, leads_table: &str, events_table: &str, grouped: bool) {
    let (d, fold_caveat) = (query.d, query.fold_caveat());
    let _ = writeln!(sql, "-- mqlcal {} feature-table query ({:?} dialect), generated from the config.", spec.tool_version, d);
    let _ = writeln!(sql, "-- Reads {} (one row per lead, ids unique) and {} (one row per event); columns as text.", one_line(leads_table), one_line(events_table));
    if grouped {
        let _ = writeln!(sql, "-- Returns one row per distinct (cohort, month, window_complete, segments, features) with counts of won, lost and open leads:");
        let _ = writeln!(sql, "-- as_of (YYYY-MM-DD HH:MM:SS), cohort, month (YYYY-MM), window_complete (1/0), the segments, the feature columns, won, lost, open.");
    } else {
        let _ = writeln!(sql, "-- Returns the rows of `mqlcal features`: id, created_at, cohort, outcome, the segments, the feature columns.");
        let _ = writeln!(sql, "-- Row order is the engine's: sort by created_at (then id) if you need mqlcal's order.");
    }
    for caveat in d.trim_caveat().into_iter().chain(fold_caveat) {
        let _ = writeln!(sql, "{caveat}");
    }
    let _ = match spec.as_of {
        AsOfRule::Fixed(_) => writeln!(sql, "-- As of [input] as_of."),
        AsOfRule::Latest { .. } => writeln!(sql, "-- As of the latest creation date or event time (as mqlcal: events dated after the plausible range left out)."),
    };
    if !spec.exclude.is_empty() {
        let _ = writeln!(sql, "-- Leads whose cells [exclude] lists are left out (of the rows and of the as-of date).");
    }
    query.also_keys_header(sql);
    if spec.outcome.filled_is_won {
        let _ = writeln!(sql, "-- A filled outcome cell outside the [outcome] lists is won ([outcome] filled_is).");
    } else {
        let _ = writeln!(sql, "-- An outcome cell outside the [outcome] lists gives a NULL outcome (mqlcal features stops with an error).");
    }
    if spec.inputs.created_at_format.is_none() && spec.inputs.created_at_column.is_some() {
        let _ = writeln!(sql, "-- Dates are read as YYYY-MM-DD[ HH:MM:SS]: set [columns] date_format / [events] date_format for others.");
    }
}

/// A table name for a comment line (no line breaks).
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The outcome cell as 'won', 'lost' or 'open' by the `[outcome]` lists, then a filled cell
/// as 'won' with `filled_is` (NULL when none says).
fn outcome_read(query: &Query<'_>, o: &OutcomeCells<'_>) -> String {
    let d = query.d;
    // The cell as `leads_text` trimmed it.
    let cell = format!("COALESCE({}, '')", query.q(o.column));
    // Every form a listed value counts (`written_forms`: a whole number either way), as ingest reads them.
    let list = |values: &[String]| values.iter().flat_map(|v| crate::written_forms(v)).map(|v| d.string(&v)).collect::<Vec<_>>().join(", ");
    // The missing markers are matched as written, as ingest's are.
    let exact = |values: &[String]| values.iter().map(|v| d.string(v)).collect::<Vec<_>>().join(", ");
    let mut arms = String::from("CASE");
    for (values, outcome) in [(o.won, "won"), (o.lost, "lost")] {
        if !values.is_empty() {
            let _ = write!(arms, " WHEN {cell} IN ({}) THEN '{outcome}'", list(values));
        }
    }
    let mut open = Vec::new();
    if !o.open.is_empty() {
        open.push(format!("{cell} IN ({})", list(o.open)));
    }
    let mut blank = vec![String::new()];
    blank.extend(query.inputs.missing.iter().filter(|m| !m.is_empty()).cloned());
    if o.blank_is_open {
        open.push(format!("{cell} IN ({})", exact(&blank)));
    }
    if !open.is_empty() {
        let _ = write!(arms, " WHEN {} THEN 'open'", open.join(" OR "));
    }
    if o.filled_is_won {
        let _ = write!(arms, " WHEN {cell} NOT IN ({}) THEN 'won'", exact(&blank));
    }
    if arms == "CASE" {
        return format!("CAST(NULL AS {})", d.text_type());
    }
    arms.push_str(" ELSE NULL END");
    arms
}

/// `excluded`: 1 for a lead whose cell of an `[exclude]` column (cleaned as ingest
/// cleans it: a missing marker holds nothing) holds one of its values, else 0.
fn excluded(query: &Query<'_>, exclude: &[(&str, &[String])]) -> String {
    let d = query.d;
    let arms: Vec<String> = exclude
        .iter()
        .map(|(column, values)| format!("{} IN ({})", query.clean(column), values.iter().flat_map(|v| crate::written_forms(v)).map(|v| d.string(&v)).collect::<Vec<_>>().join(", ")))
        .collect();
    format!("CASE WHEN {} THEN 1 ELSE 0 END", arms.join(" OR "))
}

/// A condition keeping the leads `[exclude]` does not leave out (`excluded` of `table.`),
/// after `keyword` (WHERE, or AND to another); none without `[exclude]`.
fn kept_leads(spec: &FeatureTableSpec<'_>, table: &str, keyword: &str) -> String {
    match spec.exclude.is_empty() {
        true => String::new(),
        false => format!(" {keyword} {table}excluded = 0"),
    }
}

/// `as_of`: the as-of date as a timestamp (`as_of_time`) and in epoch seconds (`as_of_epoch`); NULL without creation dates.
fn as_of(sql: &mut String, spec: &FeatureTableSpec<'_>, d: Dialect, dated: bool, latest_events: bool) {
    let body = match (spec.as_of, dated) {
        (_, false) => format!("SELECT {} AS as_of_time, CAST(NULL AS {}) AS as_of_epoch", d.timestamp("NULL"), d.real_type()),
        (AsOfRule::Fixed(at), true) => {
            let text = chrono::DateTime::from_timestamp(at, 0).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
            format!("SELECT {} AS as_of_time, {at} AS as_of_epoch", d.timestamp(&format!("'{text}'")))
        }
        (AsOfRule::Latest { events_up_to }, true) => {
            let latest = if latest_events {
                format!(
                    "SELECT CASE WHEN ev.t IS NULL OR ld.t >= ev.t THEN ld.t ELSE ev.t END AS t\n    FROM (SELECT MAX(created_tstamp) AS t FROM leads_clean{kept}) ld\n    CROSS JOIN (SELECT MAX(tstamp) AS t FROM events_clean WHERE ts <= {events_up_to}) ev",
                    kept = kept_leads(spec, "", "WHERE")
                )
            } else {
                format!("SELECT MAX(created_tstamp) AS t FROM leads_clean{}", kept_leads(spec, "", "WHERE"))
            };
            format!("SELECT latest.t AS as_of_time, {} AS as_of_epoch\n  FROM (\n    {latest}\n  ) latest", d.epoch("latest.t"))
        }
    };
    let _ = writeln!(sql, ", as_of AS (\n  {body}\n)");
}

/// `labelled`: each lead's features with its cohort, month, outcome (stale open leads lost) and window completeness.
fn labelled(sql: &mut String, spec: &FeatureTableSpec<'_>, d: Dialect) {
    let ts = "f.created_tstamp";
    let year = d.date_part_text("YEAR", ts);
    let cohort = match (&spec.inputs.created_at_column, spec.period) {
        (None, _) => "'all'".to_string(),
        (Some(_), Period::Quarter) => format!("CASE WHEN {ts} IS NULL THEN 'all' ELSE {year} || '-Q' || {} END", d.date_part_text("QUARTER", ts)),
        (Some(_), Period::Month) => format!("CASE WHEN {ts} IS NULL THEN 'all' ELSE {year} || '-' || {} END", d.date_part_text("MONTH", ts)),
    };
    let month = match &spec.inputs.created_at_column {
        None => format!("CAST(NULL AS {})", d.text_type()),
        Some(_) => format!("CASE WHEN {ts} IS NULL THEN NULL ELSE {year} || '-' || {} END", d.date_part_text("MONTH", ts)),
    };
    let outcome = match spec.open_after_days {
        None => "f.outcome_read".to_string(),
        Some(days) => format!(
            "CASE WHEN f.outcome_read = 'open' AND f.created_ts IS NOT NULL AND a.as_of_epoch - f.created_ts >= {} THEN 'lost' ELSE f.outcome_read END",
            i64::from(days) * crate::EventWindow::SECONDS_PER_DAY
        ),
    };
    let complete = format!(
        "CASE WHEN f.created_ts IS NULL OR a.as_of_epoch IS NULL OR f.created_ts + {} <= a.as_of_epoch THEN 1 ELSE 0 END",
        spec.maturity_window_seconds
    );
    let _ = writeln!(
        sql,
        ", labelled AS (\n  SELECT f.*,\n    {cohort} AS cohort,\n    {month} AS month_label,\n    {outcome} AS outcome,\n    {complete} AS window_complete,\n    a.as_of_time\n  FROM features f\n  CROSS JOIN as_of a{}\n)",
        kept_leads(spec, "f.", "WHERE")
    );
}

/// One row per lead, named as `mqlcal features` names its columns.
fn plain_select(sql: &mut String, spec: &FeatureTableSpec<'_>, query: &Query<'_>) {
    let q = |name: &str| query.q(name);
    let mut columns = vec![
        format!("lead_id AS {}", q(&spec.inputs.id_column)),
        format!("created_tstamp AS {}", q("created_at")),
        format!("cohort AS {}", q("cohort")),
        format!("outcome AS {}", q("outcome")),
    ];
    columns.extend(spec.segments.iter().enumerate().map(|(k, s)| format!("s{k} AS {}", q(s))));
    columns.extend((0..query.feature_count()).map(|j| format!("f{j} AS {}", q(query.feature_name(j)))));
    let _ = writeln!(sql, "SELECT\n  {}\nFROM labelled;", columns.join(",\n  "));
}

/// Distinct patterns with their counts of won, lost and open leads.
fn grouped_select(sql: &mut String, spec: &FeatureTableSpec<'_>, query: &Query<'_>) {
    let d = query.d;
    let q = |name: &str| query.q(name);
    let keys: Vec<String> = ["cohort", "month_label", "window_complete"]
        .into_iter()
        .map(str::to_string)
        .chain((0..spec.segments.len()).map(|k| format!("s{k}")))
        .chain((0..query.feature_count()).map(|j| format!("f{j}")))
        .collect();
    let names: Vec<String> = GROUPED_LEADING[1..]
        .iter()
        .map(|s| s.to_string())
        .chain(spec.segments.iter().cloned())
        .chain((0..query.feature_count()).map(|j| query.feature_name(j).to_string()))
        .collect();
    let mut columns = vec![format!("{} AS {}", d.timestamp_text("as_of_time"), q(GROUPED_LEADING[0]))];
    columns.extend(keys.iter().zip(&names).map(|(k, name)| format!("{k} AS {}", q(name))));
    columns.extend(GROUPED_COUNTS.iter().map(|o| format!("SUM(CASE WHEN outcome = '{o}' THEN 1 ELSE 0 END) AS {}", q(o))));
    let order: Vec<String> = (2..=keys.len() + 1).map(|k| k.to_string()).collect();
    let _ = writeln!(
        sql,
        "SELECT\n  {}\nFROM labelled\nGROUP BY as_of_time, {}\nORDER BY {};",
        columns.join(",\n  "),
        keys.join(", "),
        order.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decay, EventColumns, EventsRule};

    const LEVEL: &str = "O'Brien \\";

    fn inputs() -> Inputs {
        Inputs {
            id_column: "id".into(),
            created_at_column: Some("created".into()),
            created_at_format: None,
            missing: vec!["NA".into()],
            decimal: Default::default(),
            window_days: Some(10),
            starts_before_seconds: None,
            event_columns: Some(EventColumns { lead_id: "lead".into(), occurred_at: "at".into(), activity: "what".into(), occurred_at_format: None, detail: None }),
            id_case: Default::default(),
            events_key_column: None,
            events_also_key_columns: vec![],
            events_also_key_separator: None,
            time_zone: None,
        }
    }

    /// A lead's other ids, several to a cell: the feature-table and the scoring query both
    /// split the cells (recursing, but in Spark) and give an event naming one its lead's key;
    /// the scoring query reads the column only when a signal counts events.
    #[test]
    fn other_ids_are_split_alike_in_both_queries_and_read_only_for_events() {
        let merged = Inputs { events_also_key_columns: vec!["merged".into()], events_also_key_separator: Some(";".into()), ..inputs() };
        let mut model = crate::tests::model();
        model.signals.truncate(2);
        for (signal, (name, recipe)) in model.signals.iter_mut().zip(features()) {
            signal.name = name;
            signal.recipe = Some(recipe);
        }
        model.overrides.clear();
        model.inputs = Some(merged.clone());
        for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Spark] {
            let table = sql_of(&merged, d, false, AsOfRule::Fixed(0));
            let scoring = crate::export::sql::to_sql(&model, d, "leads", "events").unwrap();
            for query in [&table, &scoring] {
                assert_eq!(query.starts_with("WITH RECURSIVE") || query.contains("\nWITH RECURSIVE "), d != Dialect::Spark, "{d:?}: {query}");
                assert!(query.contains("also_split0 AS (") && query.contains("HAVING COUNT(DISTINCT held.lead_key) = 1") && query.contains("LEFT JOIN also_keys k ON k.also_key = e.lead_id"), "{d:?}: {query}");
                assert_eq!(query.contains("explode(split(also0, '\\\\;'))"), d == Dialect::Spark, "{d:?}");
                assert!(query.contains("-- A cell of those columns holds several such ids between \";\"s"), "{d:?}");
            }
            assert!(table.contains("e.ts, e.tstamp, e.activity") && !scoring.contains("tstamp, e.activity"), "the scoring query's events have no timestamp column");
        }
        // One id a cell: a blank cell is none even where the missing-value list lacks ""
        // (the scoring query reads it as it is).
        let mut whole = merged.clone();
        whole.events_also_key_separator = None;
        whole.missing = vec!["NA".into()];
        model.inputs = Some(whole);
        let scoring = crate::export::sql::to_sql(&model, Dialect::Sqlite, "leads", "events").unwrap();
        assert!(scoring.contains("SELECT also0 AS also_key, lead_id AS lead_key FROM leads_clean WHERE also0 <> '' AND lead_id <> ''") && !scoring.contains("RECURSIVE"), "{scoring}");
        // Without a signal that counts events, the scoring query reads no other id, nor
        // does its header speak of them.
        model.signals.truncate(1);
        let scoring = crate::export::sql::to_sql(&model, Dialect::Sqlite, "leads", "events").unwrap();
        assert!(!scoring.contains("also0") && !scoring.contains("\"merged\" AS") && !scoring.contains("events_also_key") && !scoring.contains("RECURSIVE"), "{scoring}");
        // The feature-table query reads them where it reads the events: for a signal that
        // counts them, or for the latest time the table is as of.
        let fit_only = &features()[..1];
        let fixed = sql_with(&merged, fit_only, Dialect::Sqlite, false, AsOfRule::Fixed(0));
        assert!(!fixed.contains("also0") && !fixed.contains("\"merged\" AS") && !fixed.contains("events_also_key") && !fixed.contains("events_clean") && !fixed.contains("RECURSIVE"), "{fixed}");
        let latest = sql_with(&merged, fit_only, Dialect::Sqlite, false, AsOfRule::Latest { events_up_to: 0 });
        assert!(latest.contains("also0") && latest.contains("-- An event whose lead id is no lead's") && latest.contains("LEFT JOIN also_keys k") && latest.starts_with("-- ") && latest.contains("\nWITH RECURSIVE "), "{latest}");
    }

    fn features() -> Vec<(String, Recipe)> {
        vec![
            (format!("title={LEVEL}"), Recipe::Level { column: "title".into(), value: LEVEL.into(), separator: None, spellings: vec![] }),
            ("pricing".into(), Recipe::Events(EventsRule { activities: vec!["pricing".into()], detail_contains: Vec::new(), cap: Some(2.0), scale: 1.0, decay: Decay::Standard })),
        ]
    }

    fn sql(d: Dialect, grouped: bool, as_of: AsOfRule) -> String {
        sql_of(&inputs(), d, grouped, as_of)
    }

    fn sql_of(inputs: &Inputs, d: Dialect, grouped: bool, as_of: AsOfRule) -> String {
        sql_with(inputs, &features(), d, grouped, as_of)
    }

    fn sql_with(inputs: &Inputs, features: &[(String, Recipe)], d: Dialect, grouped: bool, as_of: AsOfRule) -> String {
        let (segments, won, lost, open) = (vec!["channel".to_string()], vec!["Won".to_string()], vec!["Lost".to_string()], vec![]);
        let spec = FeatureTableSpec {
            tool_version: "test",
            inputs,
            features,
            segments: &segments,
            outcome: OutcomeCells { column: "stage", won: &won, lost: &lost, open: &open, blank_is_open: true, filled_is_won: false },
            exclude: vec![],
            open_after_days: Some(120),
            period: Period::Quarter,
            as_of,
            maturity_window_seconds: 10 * 86_400,
            decided_at: None,
        };
        to_feature_sql(&spec, d, "crm.leads", "events", grouped).unwrap()
    }

    /// The aliases of the query's final SELECT, unquoted by `unquote`.
    fn final_columns(sql: &str, unquote: fn(&str) -> String) -> Vec<String> {
        let last = sql.rsplit("\nSELECT\n").next().unwrap();
        let list = last.split("\nFROM labelled").next().unwrap();
        list.split(",\n").map(|item| unquote(item.rsplit(" AS ").next().unwrap().trim())).collect()
    }

    #[test]
    fn grouped_columns_are_as_of_cohort_month_window_segments_features_counts() {
        let pg = sql(Dialect::Postgres, true, AsOfRule::Latest { events_up_to: 2_000_000_000 });
        let columns = final_columns(&pg, |q| q[1..q.len() - 1].replace("\"\"", "\""));
        let level = format!("title={LEVEL}");
        let expected = ["as_of", "cohort", "month", "window_complete", "channel", level.as_str(), "pricing", "won", "lost", "open"];
        assert_eq!(columns, expected);
        let spark = sql(Dialect::Spark, true, AsOfRule::Latest { events_up_to: 2_000_000_000 });
        assert_eq!(final_columns(&spark, |q| q[1..q.len() - 1].replace("``", "`")), expected);
        assert!(pg.contains("GROUP BY as_of_time, cohort, month_label, window_complete, s0, f0, f1\nORDER BY 2, 3, 4, 5, 6, 7;"), "{pg}");
        // The plain table: mqlcal features' columns.
        let plain = sql(Dialect::Postgres, false, AsOfRule::Fixed(1_719_705_600));
        let columns = final_columns(&plain, |q| q[1..q.len() - 1].replace("\"\"", "\""));
        assert_eq!(columns, ["id", "created_at", "cohort", "outcome", "channel", level.as_str(), "pricing"]);
    }

    /// Ids matched ignoring case: the leads' id folded once in `leads_clean` (`lead_key`)
    /// and the events' in `events_clean`, the join on the two; as written, neither, and
    /// the table's columns are the same either way.
    #[test]
    fn ids_ignoring_case_are_folded_once_on_either_side_of_the_join() {
        let as_of = AsOfRule::Fixed(1_719_705_600);
        let exact = sql(Dialect::Postgres, false, as_of);
        assert!(!exact.contains("lead_key") && !exact.contains("TRANSLATE(") && exact.contains("JOIN events_clean e ON e.lead_id = l.lead_id AND"), "{exact}");
        let mut inputs = inputs();
        inputs.id_case = crate::IdCase::Ignore;
        let folded = |d: Dialect| sql_of(&inputs, d, false, as_of);
        let pg = folded(Dialect::Postgres);
        let fold = |x: &str| format!("TRANSLATE({x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')");
        assert!(pg.contains(&format!("{} AS lead_key", fold("\"id\""))) && pg.contains("JOIN events_clean e ON e.lead_id = l.lead_key AND"), "{pg}");
        assert_eq!(pg.matches("TRANSLATE(").count(), 2, "once a side: {pg}");
        assert!(folded(Dialect::Sqlite).contains("lower(\"id\") AS lead_key"));
        assert_eq!(final_columns(&pg, |q| q[1..q.len() - 1].to_string()), final_columns(&exact, |q| q[1..q.len() - 1].to_string()));
    }

    /// A time zone with instants on both sides: one `zone_offsets`, each side's instants
    /// computed once (SQLite told to) and joined to their span, the rest of the query
    /// reading plain ISO; wall-clock columns, or no zone, leave the query as it was.
    #[test]
    fn instants_are_moved_onto_the_time_zone_once_a_side() {
        let as_of = AsOfRule::Fixed(1_719_705_600);
        let plain = sql(Dialect::Sqlite, false, as_of);
        let mut inputs = inputs();
        inputs.time_zone = Some(crate::TimeZone::named("Europe/Berlin").unwrap());
        assert_eq!(sql_of(&inputs, Dialect::Sqlite, false, as_of), plain, "no instants: nothing to move");
        inputs.created_at_format = Some(DateLayout::UnixMillis);
        inputs.event_columns.as_mut().unwrap().occurred_at_format = Some(DateLayout::IsoZoned);
        let moved = sql_of(&inputs, Dialect::Sqlite, false, as_of);
        assert_eq!(moved.matches("zone_offsets AS (").count(), 1, "{moved}");
        assert!(moved.contains("leads_text_instants AS MATERIALIZED (") && moved.contains("events_text_instants AS MATERIALIZED ("), "{moved}");
        assert!(moved.contains("FROM leads_text_on_clock") && moved.contains("FROM events_text_on_clock"), "{moved}");
        assert_eq!(moved.matches("LEFT JOIN zone_offsets z0 ON z0.bucket = ").count(), 2, "{moved}");
        // 2024-03-31 01:00 UTC: summer time, two hours east, until 2024-10-27 01:00 UTC.
        assert!(moved.contains("UNION ALL SELECT 54, 1711846800, 1729990800, 7200"), "{moved}");
        assert_eq!(final_columns(&moved, |q| q[1..q.len() - 1].to_string()), final_columns(&plain, |q| q[1..q.len() - 1].to_string()));
        let pg = sql_of(&inputs, Dialect::Postgres, false, as_of);
        assert!(!pg.contains("MATERIALIZED") && pg.contains("FROM leads_text\n  OFFSET 0"), "PostgreSQL keeps its own fence: {pg}");
    }

    #[test]
    fn literals_and_names_are_quoted_for_the_dialect() {
        let spark = sql(Dialect::Spark, false, AsOfRule::Latest { events_up_to: 2_000_000_000 });
        assert!(spark.contains("l.c0 = 'O\\'Brien \\\\'"), "{spark}");
        assert!(spark.contains("AS `title=O'Brien \\`"), "{spark}");
        assert!(spark.contains("FROM `crm`.`leads`") && spark.contains("TIMESTAMP_NTZ") && spark.contains("unix_timestamp("));
        let pg = sql(Dialect::Postgres, false, AsOfRule::Latest { events_up_to: 2_000_000_000 });
        assert!(pg.contains("l.c0 = 'O''Brien \\'") && pg.contains("AS \"title=O'Brien \\\"") && pg.contains("FROM \"crm\".\"leads\""), "{pg}");
        let bq = sql(Dialect::Bigquery, true, AsOfRule::Latest { events_up_to: 2_000_000_000 });
        assert!(bq.contains("l.c0 = 'O\\'Brien \\\\'") && bq.contains("`title=O'Brien \\\\`") && bq.contains("FORMAT_TIMESTAMP("), "{bq}");
        for d in Dialect::ALL {
            let text = sql(d, true, AsOfRule::Fixed(1_719_705_600));
            let code: String = text.lines().filter(|l| !l.starts_with("--")).collect::<Vec<_>>().join("\n");
            assert!(!code.to_uppercase().contains("CREATE ") && code.matches(';').count() == 1 && code.ends_with(';'), "{d:?}: one query");
        }
    }

    #[test]
    fn decayed_events_are_summed_as_whole_numbers_and_the_as_of_rules_are_written() {
        let text = sql(Dialect::Duckdb, false, AsOfRule::Fixed(1_719_705_600));
        assert!(text.contains("THEN 10 WHEN") && text.contains("ELSE 2 END ELSE 0 END) AS DOUBLE) / 10.0 AS e1"), "{text}");
        assert!(text.contains("CAST('2024-06-30 00:00:00' AS TIMESTAMP) AS as_of_time, 1719705600 AS as_of_epoch"), "{text}");
        assert!(text.contains("a.as_of_epoch - f.created_ts >= 10368000 THEN 'lost'"), "open_after_days = 120: {text}");
        assert!(text.contains("f.created_ts + 864000 <= a.as_of_epoch"), "window complete: {text}");
        // Blank and missing-value outcome cells are open (blank_is = "open"); the outcome has no open list.
        assert!(text.contains(" IN ('', 'NA') THEN 'open' ELSE NULL END AS outcome_read"), "{text}");
        let latest = sql(Dialect::Duckdb, false, AsOfRule::Latest { events_up_to: 1_800_000_000 });
        assert!(latest.contains("FROM events_clean WHERE ts <= 1800000000"), "{latest}");
        assert_eq!(super::super::whole_unit(&Decay::Standard.table()), Some(10));
        assert_eq!(super::super::whole_unit(&Decay::None.table()), Some(1));
        assert_eq!(super::super::whole_unit(&[(f64::INFINITY, 0.123_456_789)]), None);
    }
}
