//! The model as one SQL query: from a leads table and an events table (text
//! columns, as exported from the CRM) to the same scores, sub-scores, MQL flags
//! and tiers as [`Model::score_raw`]. This is how scoring scales past one
//! machine: the warehouse runs it.

use std::borrow::Cow;
use std::fmt::Write;

mod features;
pub use features::{to_feature_sql, AsOfRule, DecisionCells, FeatureTableSpec, OutcomeCells, GROUPED_COUNTS, GROUPED_LEADING};

use crate::{
    Axis, DateLayout, DatePart, EventWindow, EventsRule, Grades, Inputs, Model, NumberRead, OverrideRule, Reads, Recipe, Region, TextTest, TimeZone, TwoAxisRule,
};
use crate::spelling::written_forms;

/// SQL dialects the export speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Ansi,
    Duckdb,
    Postgres,
    Sqlite,
    Bigquery,
    Snowflake,
    /// Spark SQL (Databricks): backtick identifiers, backslash escapes in literals.
    Spark,
}

/// The characters Rust's `str::trim`, and so mqlcal reading a cell, removes from either
/// end: Unicode's White_Space.
const WHITE_SPACE: [char; 25] = [
    '\u{9}', '\u{A}', '\u{B}', '\u{C}', '\u{D}', ' ', '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
    '\u{2007}', '\u{2008}', '\u{2009}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}',
];

impl Dialect {
    /// Every dialect, in the order the CLI lists them.
    pub const ALL: [Dialect; 7] =
        [Dialect::Ansi, Dialect::Duckdb, Dialect::Postgres, Dialect::Sqlite, Dialect::Bigquery, Dialect::Snowflake, Dialect::Spark];

    /// The dialects' names as `--dialect` lists them.
    pub fn names() -> String {
        Dialect::ALL.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ")
    }

    /// The dialect's name as `--dialect` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Ansi => "ansi",
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
            Dialect::Bigquery => "bigquery",
            Dialect::Snowflake => "snowflake",
            Dialect::Spark => "spark",
        }
    }

    pub fn parse(name: &str) -> Option<Dialect> {
        Some(match name.to_ascii_lowercase().as_str() {
            "ansi" => Dialect::Ansi,
            "duckdb" => Dialect::Duckdb,
            "postgres" | "postgresql" => Dialect::Postgres,
            "sqlite" => Dialect::Sqlite,
            "bigquery" => Dialect::Bigquery,
            "snowflake" => Dialect::Snowflake,
            "spark" | "sparksql" | "databricks" => Dialect::Spark,
            _ => return None,
        })
    }

    /// Quote an identifier.
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Bigquery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            // Spark: a backtick inside a quoted identifier is doubled; backslashes are plain.
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// Quote a string literal.
    pub fn string(self, text: &str) -> String {
        match self {
            // BigQuery string literals use backslash escapes.
            // BigQuery string literals use backslash escapes; so do Spark's (spark.sql.parser.escapedStringLiterals = false, the default).
            Dialect::Bigquery | Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n")),
            // Snowflake reads backslash escapes in single-quoted literals too (and doubled quotes).
            Dialect::Snowflake => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''")),
            _ => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// `expr` without the white space mqlcal trims from either end of a cell (Rust's
    /// `str::trim`: tabs, line breaks and no-break spaces as well as spaces, [`WHITE_SPACE`]),
    /// where a bare `TRIM` removes spaces only: a title exported as `VP` and a no-break
    /// space would otherwise score as `VP` in mqlcal and as no level in the warehouse.
    /// ANSI's `TRIM` takes one character, so that dialect trims spaces only (its header
    /// says so). The queries trim each cell once, in their `*_text` CTEs.
    pub(crate) fn trim(self, expr: &str) -> String {
        let points = || WHITE_SPACE.iter().map(|c| *c as u32);
        let escaped = || points().map(|p| format!("\\u{p:04X}")).collect::<String>();
        let chr = |name: &str| points().map(|p| if p == 32 { "' '".to_string() } else { format!("{name}({p})") }).collect::<Vec<_>>().join(" || ");
        // A trim of a set of characters costs several times a plain TRIM, and an engine
        // that inlines the CTE trims a cell once per mention (a million leads' 20M events
        // took five times as long on DuckDB, 89 s instead of 62 s on PostgreSQL): where the
        // engine has a cheap test, a cell that begins and ends with a visible ASCII
        // character, as nearly all do, is taken as it is.
        let (visible, set_trimmed) = match self {
            Dialect::Ansi => return format!("TRIM({expr})"),
            Dialect::Bigquery | Dialect::Snowflake => return format!("TRIM({expr}, '{}')", escaped()),
            // Spark's two-argument `trim` once took its arguments the other way round.
            Dialect::Spark => return format!("TRIM(BOTH '{}' FROM {expr})", escaped()),
            Dialect::Duckdb => (format!("regexp_full_match({expr}, '[!-~](.*[!-~])?')"), format!("trim({expr}, {})", chr("chr"))),
            Dialect::Postgres => (format!("ascii({expr}) BETWEEN 33 AND 126 AND ascii(right({expr}, 1)) BETWEEN 33 AND 126"), format!("BTRIM({expr}, {})", chr("CHR"))),
            Dialect::Sqlite => (
                format!("unicode({expr}) BETWEEN 33 AND 126 AND unicode(substr({expr}, -1)) BETWEEN 33 AND 126"),
                format!("trim({expr}, char({}))", points().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")),
            ),
        };
        format!("CASE WHEN {visible} THEN {expr} ELSE {set_trimmed} END")
    }

    /// Whether text `haystack` holds `needle` (both text expressions; NULL when either is),
    /// as Rust's `str::contains`: bytes compared as written, case included (under the
    /// engine's default, case-sensitive collation). [`crate::detail_holds_text`] is this
    /// on both sides folded by [`Dialect::ascii_lower`].
    pub(crate) fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Ansi | Dialect::Snowflake => format!("POSITION({needle} IN {haystack}) > 0"),
            Dialect::Duckdb | Dialect::Postgres | Dialect::Bigquery => format!("STRPOS({haystack}, {needle}) > 0"),
            Dialect::Sqlite | Dialect::Spark => format!("INSTR({haystack}, {needle}) > 0"),
        }
    }

    /// `expr` with its ASCII letters in lower case and no other changed, as
    /// [`crate::IdCase::key`] folds an id: SQLite's `lower` does just that; elsewhere
    /// `lower` folds every letter, `TRANSLATE` only those named.
    pub(crate) fn ascii_lower(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("lower({expr})"),
            _ => format!("TRANSLATE({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"),
        }
    }

    /// What the query's header says of [`Dialect::trim`] in this dialect, if anything: ANSI
    /// cannot trim as mqlcal does, and PostgreSQL's `CHR` beyond ASCII needs UTF8.
    pub(crate) fn trim_caveat(self) -> Option<&'static str> {
        match self {
            Dialect::Ansi => Some(
                "-- ANSI TRIM removes spaces only: a cell that begins or ends with a tab, a line break or a no-break space may read differently than in mqlcal; export with your engine's --dialect to trim as mqlcal does.",
            ),
            Dialect::Postgres => Some("-- Cells are trimmed of Unicode white space by CHR(code point): the database must be UTF8 (a LATIN1 one refuses CHR above 255)."),
            _ => None,
        }
    }

    /// What ends a cleaning CTE so that the engine computes its columns once a row:
    /// PostgreSQL inlines a CTE read once and evaluates each of its expressions wherever
    /// the query mentions the column (an event's time a dozen times); `OFFSET 0` keeps it a
    /// subquery of its own (a million leads' 20M events: 62 s with a bare TRIM, 46 s so).
    /// DuckDB, without it, scores about as fast as with a bare TRIM (measured); SQLite and
    /// BigQuery take no OFFSET without a LIMIT; the others were not measured.
    fn computed_once(self) -> &'static str {
        if self == Dialect::Postgres {
            "\n  OFFSET 0"
        } else {
            ""
        }
    }

    /// What makes SQLite compute a CTE read once before the query reads it: without it,
    /// SQLite puts the CTE's expression wherever the query names its column, and the
    /// offsets' CASE tree names an instant a few hundred times (the sample's events
    /// moved onto a time zone: 210 s, against 8.6 s so). SQLite 3.35 (2021) or later.
    fn materialized(self) -> &'static str {
        if self == Dialect::Sqlite {
            "MATERIALIZED "
        } else {
            ""
        }
    }

    pub(crate) fn text_type(self) -> &'static str {
        match self {
            Dialect::Sqlite | Dialect::Postgres => "TEXT",
            Dialect::Bigquery | Dialect::Spark => "STRING",
            _ => "VARCHAR",
        }
    }

    /// The type of a whole number read from text.
    fn integer_type(self) -> &'static str {
        if self == Dialect::Sqlite {
            "INTEGER"
        } else {
            "BIGINT"
        }
    }

    pub(crate) fn real_type(self) -> &'static str {
        match self {
            Dialect::Sqlite => "REAL",
            Dialect::Bigquery => "FLOAT64",
            Dialect::Duckdb | Dialect::Snowflake | Dialect::Spark => "DOUBLE",
            Dialect::Ansi | Dialect::Postgres => "DOUBLE PRECISION",
        }
    }

    /// Seconds since 1970-01-01 of a date or timestamp text.
    pub(crate) fn epoch(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(ROUND((julianday({expr}) - 2440587.5) * 86400.0) AS INTEGER)"),
            Dialect::Duckdb => format!("epoch(CAST({expr} AS TIMESTAMP))"),
            Dialect::Bigquery => format!("UNIX_SECONDS(CAST({expr} AS TIMESTAMP))"),
            Dialect::Snowflake => format!("DATE_PART(EPOCH_SECOND, CAST({expr} AS TIMESTAMP_NTZ))"),
            // A TIMESTAMP_NTZ is wall-clock time: its epoch seconds do not depend on the session time zone.
            Dialect::Spark => format!("unix_timestamp(CAST({expr} AS TIMESTAMP_NTZ))"),
            Dialect::Ansi | Dialect::Postgres => format!("EXTRACT(EPOCH FROM CAST({expr} AS TIMESTAMP))"),
        }
    }

    /// Seconds since 1970-01-01 of a date text written as `layout` records (None: ISO,
    /// as model files from before the format was recorded assumed). A day-first,
    /// month-first or pattern date is split into its numbers and reassembled as ISO,
    /// which every engine casts; only the splitting and padding differ by dialect.
    fn date_epoch(self, expr: &str, layout: Option<&DateLayout>) -> Result<String, ExportError> {
        if let Some(seconds) = self.unix_seconds(expr, layout) {
            return Ok(format!("CASE WHEN {expr} IS NULL THEN NULL ELSE {seconds} END"));
        }
        if layout == Some(&DateLayout::IsoZoned) {
            let zoned = self.zoned(expr);
            return Ok(format!("CASE WHEN {expr} IS NULL THEN NULL ELSE {} - {} END", self.epoch(&zoned.wall), zoned.east_of_utc));
        }
        Ok(self.epoch(&self.date_iso(expr, layout)?))
    }

    /// A date text written as `layout` records, as ISO text every engine casts (the text
    /// itself when it is ISO already).
    pub(crate) fn date_iso(self, expr: &str, layout: Option<&DateLayout>) -> Result<String, ExportError> {
        if let Some(seconds) = self.unix_seconds(expr, layout) {
            let utc = self.plus_seconds(&self.timestamp("'1970-01-01 00:00:00'"), &seconds);
            return Ok(format!("CASE WHEN {expr} IS NULL THEN NULL ELSE {} END", self.timestamp_text(&utc)));
        }
        if layout == Some(&DateLayout::IsoZoned) {
            let zoned = self.zoned(expr);
            let utc = self.plus_seconds(&self.timestamp(&zoned.wall), &format!("-({})", zoned.east_of_utc));
            return Ok(format!("CASE WHEN {expr} IS NULL THEN NULL ELSE {} END", self.timestamp_text(&utc)));
        }
        let Some((separators, parts)) = layout.map(DateLayout::split_parts).transpose().map_err(ExportError::DateFormat)?.flatten() else {
            return Ok(expr.to_string());
        };
        let split = separators.iter().fold(expr.to_string(), |text, sep| format!("REPLACE({text}, {}, '|')", self.string(&sep.to_string())));
        // A run of separators is one (`Jan 5, 2024`; chrono reads any run of spaces as one
        // space): three halvings leave one bar of a run up to eight long. The bar put in
        // front joins a separator the text starts with, so part k is always field k + 1.
        let split = (0..3).fold(format!("'|' || {split}"), |text, _| format!("REPLACE({text}, '||', '|')"));
        let part = |wanted: DatePart, blank: &str| match parts.iter().position(|p| *p == wanted) {
            None => format!("'{blank}'"),
            // Numbers run together: each at its place, by the widths before it.
            Some(k) if separators.is_empty() => {
                let from = 1 + parts[..k].iter().map(|p| p.fixed_width()).sum::<usize>();
                format!("COALESCE(NULLIF({}, ''), '{blank}')", self.substr(expr, &from.to_string(), Some(&wanted.fixed_width().to_string())))
            }
            Some(k) => format!("COALESCE(NULLIF({}, ''), '{blank}')", self.split_part(&split, k + 1)),
        };
        let pad = |wanted| self.pad2(&part(wanted, "0"));
        let number = |wanted| format!("CAST({} AS {})", part(wanted, "0"), self.integer_type());
        // Two digits of a year are 1970-2069, as chrono reads %y.
        let year = if parts.contains(&DatePart::YearOfCentury) {
            let digits = number(DatePart::YearOfCentury);
            format!("CAST({digits} + CASE WHEN {digits} < 70 THEN 2000 ELSE 1900 END AS {})", self.text_type())
        } else {
            part(DatePart::Year, "")
        };
        // A month's name, short or full, in any case, by its first three letters.
        let month = if parts.contains(&DatePart::MonthName) {
            let letters = format!("UPPER({})", self.substr(&part(DatePart::MonthName, ""), "1", Some("3")));
            let names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
            let arms: String = names.iter().enumerate().map(|(k, name)| format!(" WHEN '{name}' THEN '{:02}'", k + 1)).collect();
            format!("(CASE {letters}{arms} END)")
        } else {
            pad(DatePart::Month)
        };
        // A 12-hour clock: 12 AM is hour 0, 12 PM hour 12, as chrono's %I %p read them.
        let hour = if parts.contains(&DatePart::Hour12) {
            let hour = format!(
                "({} + CASE WHEN UPPER({}) = 'PM' THEN 12 ELSE 0 END)",
                self.remainder(&number(DatePart::Hour12), 12),
                part(DatePart::Meridiem, "")
            );
            self.pad2(&format!("CAST({hour} AS {})", self.text_type()))
        } else {
            pad(DatePart::Hour)
        };
        let iso = format!(
            "{} || '-' || {} || '-' || {} || ' ' || {} || ':' || {} || ':' || {}",
            year,
            month,
            pad(DatePart::Day),
            hour,
            pad(DatePart::Minute),
            pad(DatePart::Second)
        );
        // A NULL (missing) date stays NULL rather than becoming '-- 00:00:00'.
        Ok(format!("CASE WHEN {expr} IS NULL THEN NULL ELSE {iso} END"))
    }

    /// Seconds since 1970-01-01 of a text that counts time as a number (Unix time, a
    /// spreadsheet's serial days), rounded as the scorer rounds: Unix time down, serial
    /// days to the nearest second, half up (None for the other layouts).
    fn unix_seconds(self, expr: &str, layout: Option<&DateLayout>) -> Option<String> {
        let number = format!("CAST({expr} AS {})", self.real_type());
        if let Some(days) = layout?.serial_days_before_1970() {
            return Some(self.floor(&format!("({number} - {days}.0) * 86400.0 + 0.5")));
        }
        let per_second = match layout? {
            DateLayout::UnixSeconds => "1.0",
            DateLayout::UnixMillis => "1000.0",
            _ => return None,
        };
        Some(self.floor(&format!("{number} / {per_second}")))
    }

    /// `zone_offsets`: the zone's spans of one offset (`TimeZone::spans`), each listed
    /// under every bucket of [`ZONE_BUCKET_SECONDS`] it overlaps, so that an instant finds
    /// its span by an equal bucket (a hash join in every engine) and a range test among
    /// two or three. A SELECT per row, as every dialect writes one (BigQuery has no VALUES).
    fn zone_offsets(self, zone: &TimeZone) -> String {
        let mut rows = Vec::new();
        for (from, until, east) in zone.spans() {
            for bucket in from.div_euclid(ZONE_BUCKET_SECONDS)..=(until - 1).div_euclid(ZONE_BUCKET_SECONDS) {
                rows.push(match rows.is_empty() {
                    true => format!("  SELECT {bucket} AS bucket, {from} AS from_s, {until} AS until_s, {east} AS east"),
                    false => format!("  UNION ALL SELECT {bucket}, {from}, {until}, {east}"),
                });
            }
        }
        format!("zone_offsets AS (\n  -- {}: from_s (Unix seconds) until until_s, the wall clock is UTC + east seconds.\n{}\n)", zone.name(), rows.join("\n"))
    }

    /// The wall-clock ISO text (`YYYY-MM-DD HH:MM:SS`) on `zone` of the instant `utc` (an
    /// integer column), whose span of `zone_offsets` is joined as `z`: as
    /// `TimeZone::wall_clock` gives it, an instant outside the spans taking the nearest's.
    fn wall_clock(self, utc: &str, z: &str, zone: &TimeZone) -> String {
        let spans = zone.spans();
        let (first, last) = (spans.first().copied().unwrap_or((0, 0, 0)), spans.last().copied().unwrap_or((0, 0, 0)));
        let east = format!("COALESCE({z}.east, CASE WHEN {utc} < {} THEN {} ELSE {} END)", first.0, first.2, last.2);
        let wall = self.plus_seconds(&self.timestamp("'1970-01-01 00:00:00'"), &format!("({utc} + {east})"));
        format!("CASE WHEN {utc} IS NULL THEN NULL ELSE {} END", self.timestamp_text(&wall))
    }

    /// The largest whole number not above `x`, as an integer.
    fn floor(self, x: &str) -> String {
        match self {
            // SQLite's CAST to INTEGER truncates; FLOOR may not be compiled in.
            Dialect::Sqlite => format!("(CAST({x} AS INTEGER) - (CASE WHEN ({x}) < CAST({x} AS INTEGER) THEN 1 ELSE 0 END))"),
            d => format!("CAST(FLOOR({x}) AS {})", d.integer_type()),
        }
    }

    /// A zoned ISO text (`DateLayout::IsoZoned`) split as the scorer splits it: the
    /// wall-clock time up to its whole seconds, and the zone's offset east of UTC in
    /// seconds (0 for Z, UTC, GMT or none). The zone is looked for after the date, so
    /// the date's hyphens are not signs.
    fn zoned(self, expr: &str) -> Zoned {
        let named_dropped = format!("REPLACE(REPLACE(REPLACE({expr}, 'UTC', ''), 'GMT', ''), 'Z', '')");
        let after_date = self.substr(&named_dropped, "12", None);
        // The sign's place after the date (1-based; 0: no offset): a time has one sign at most.
        let sign_at = self.position("'-'", &format!("REPLACE({after_date}, '+', '-')"));
        let wall_length = format!("(CASE WHEN {sign_at} BETWEEN 1 AND 8 THEN 10 + {sign_at} ELSE 19 END)");
        let wall = self.trim(&self.substr(&named_dropped, "1", Some(&wall_length)));
        let digits = format!("REPLACE({}, ':', '')", self.substr(&after_date, &format!("{sign_at} + 1"), None));
        // A date alone has no offset digits: '' is no number in most engines, so 0 as for minutes.
        let hours = format!("CAST(COALESCE(NULLIF({}, ''), '0') AS {})", self.substr(&digits, "1", Some("2")), self.integer_type());
        let minutes = format!("CAST(COALESCE(NULLIF({}, ''), '0') AS {})", self.substr(&digits, "3", Some("2")), self.integer_type());
        let sign = self.substr(&after_date, &sign_at, Some("1"));
        let east_of_utc =
            format!("(CASE WHEN {sign_at} = 0 THEN 0 WHEN {sign} = '-' THEN -1 ELSE 1 END * ({hours} * 3600 + {minutes} * 60))");
        Zoned { wall, east_of_utc }
    }

    /// The characters of `text` from place `from` (1-based), `length` of them or to the end.
    pub(crate) fn substr(self, text: &str, from: &str, length: Option<&str>) -> String {
        match (self, length) {
            (Dialect::Ansi, Some(n)) => format!("SUBSTRING({text} FROM {from} FOR {n})"),
            (Dialect::Ansi, None) => format!("SUBSTRING({text} FROM {from})"),
            (_, Some(n)) => format!("SUBSTR({text}, {from}, {n})"),
            (_, None) => format!("SUBSTR({text}, {from})"),
        }
    }

    /// The place (1-based) of the first `needle` in `text`, 0 when absent.
    pub(crate) fn position(self, needle: &str, text: &str) -> String {
        match self {
            Dialect::Sqlite | Dialect::Duckdb | Dialect::Spark => format!("INSTR({text}, {needle})"),
            Dialect::Postgres | Dialect::Bigquery => format!("STRPOS({text}, {needle})"),
            Dialect::Snowflake | Dialect::Ansi => format!("POSITION({needle} IN {text})"),
        }
    }

    /// A date and time `seconds` (an integer expression) later.
    fn plus_seconds(self, ts: &str, seconds: &str) -> String {
        match self {
            Dialect::Sqlite => format!("datetime({ts}, ({seconds}) || ' seconds')"),
            Dialect::Duckdb => format!("({ts} + to_seconds({seconds}))"),
            Dialect::Postgres | Dialect::Ansi => format!("({ts} + ({seconds}) * INTERVAL '1' SECOND)"),
            Dialect::Bigquery => format!("TIMESTAMP_ADD({ts}, INTERVAL {seconds} SECOND)"),
            Dialect::Snowflake => format!("DATEADD(second, {seconds}, {ts})"),
            Dialect::Spark => format!("timestampadd(SECOND, {seconds}, {ts})"),
        }
    }

    /// The `k`-th (from 0) of the `|`-separated numbers of `text`, NULL or '' when absent.
    fn split_part(self, text: &str, k: usize) -> String {
        match self {
            // SQLite has no split function: the numbers as a JSON array.
            Dialect::Sqlite => format!("json_extract('[\"' || REPLACE({text}, '|', '\",\"') || '\"]', '$[{k}]')"),
            Dialect::Bigquery => format!("SPLIT({text}, '|')[SAFE_OFFSET({k})]"),
            _ => format!("SPLIT_PART({text}, '|', {})", k + 1),
        }
    }

    /// The type of a date and time without a time zone.
    fn timestamp_type(self) -> &'static str {
        match self {
            Dialect::Spark | Dialect::Snowflake => "TIMESTAMP_NTZ",
            _ => "TIMESTAMP",
        }
    }

    /// An ISO date text as a date and time (SQLite: its normalised text).
    pub(crate) fn timestamp(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("datetime({expr})"),
            d => format!("CAST({expr} AS {})", d.timestamp_type()),
        }
    }

    /// A date and time as text `YYYY-MM-DD HH:MM:SS`.
    pub(crate) fn timestamp_text(self, ts: &str) -> String {
        match self {
            Dialect::Sqlite => ts.to_string(),
            Dialect::Duckdb => format!("strftime({ts}, '%Y-%m-%d %H:%M:%S')"),
            Dialect::Bigquery => format!("FORMAT_TIMESTAMP('%Y-%m-%d %H:%M:%S', {ts})"),
            Dialect::Postgres | Dialect::Snowflake => format!("TO_CHAR({ts}, 'YYYY-MM-DD HH24:MI:SS')"),
            // A TIMESTAMP_NTZ as text is its wall-clock time, whatever the session time zone.
            Dialect::Spark => format!("CAST({ts} AS STRING)"),
            Dialect::Ansi => format!("SUBSTRING(CAST({ts} AS VARCHAR(32)) FROM 1 FOR 19)"),
        }
    }

    /// The year, quarter or month (`YEAR`, `QUARTER`, `MONTH`) of a date and time, as text (the month with two digits).
    pub(crate) fn date_part_text(self, part: &str, ts: &str) -> String {
        let number = match (self, part) {
            (Dialect::Sqlite, "YEAR") => return format!("strftime('%Y', {ts})"),
            (Dialect::Sqlite, "MONTH") => return format!("strftime('%m', {ts})"),
            (Dialect::Sqlite, _) => format!("((CAST(strftime('%m', {ts}) AS INTEGER) + 2) / 3)"),
            (_, part) => format!("CAST(EXTRACT({part} FROM {ts}) AS INTEGER)"),
        };
        let text = format!("CAST({number} AS {})", self.text_type());
        if part == "MONTH" {
            self.pad2(&text)
        } else {
            text
        }
    }

    /// The remainder of an integer by `by` (BigQuery and standard SQL have only MOD).
    fn remainder(self, x: &str, by: u32) -> String {
        match self {
            Dialect::Bigquery | Dialect::Ansi => format!("MOD({x}, {by})"),
            _ => format!("({x} % {by})"),
        }
    }

    /// A one- or two-digit number as two digits.
    fn pad2(self, x: &str) -> String {
        match self {
            Dialect::Sqlite => format!("substr('00' || {x}, -2, 2)"),
            _ => format!("LPAD({x}, 2, '0')"),
        }
    }

    /// Round half away from zero (as Rust's `f64::round`) to an integer.
    fn round(self, x: &str) -> String {
        match self {
            // SQLite's CAST to INTEGER truncates; FLOOR may not be compiled in.
            Dialect::Sqlite => format!("(CASE WHEN ({x}) >= 0 THEN CAST(({x}) + 0.5 AS INTEGER) ELSE -CAST(-({x}) + 0.5 AS INTEGER) END)"),
            _ => format!("CAST(CASE WHEN ({x}) >= 0 THEN FLOOR(({x}) + 0.5) ELSE -FLOOR(-({x}) + 0.5) END AS BIGINT)"),
        }
    }
}

/// The length of `zone_offsets`' buckets: a year, so each holds the two or three spans
/// of a zone with summer time.
const ZONE_BUCKET_SECONDS: i64 = 365 * 86_400;

/// A zoned timestamp's parts as SQL expressions: its wall-clock ISO text, and its
/// zone's offset east of UTC in seconds.
struct Zoned {
    wall: String,
    east_of_utc: String,
}

/// Why a model cannot be exported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("signal {0:?} has no recipe, so SQL cannot compute it; refit the model with this mqlcal")]
    NoRecipe(String),
    #[error("the model file has no `inputs` (id and event columns); refit it with this mqlcal")]
    NoInputs,
    #[error("{0}")]
    DateFormat(String),
}

/// `columns`, each once, in first-use order.
fn distinct<'c>(columns: &[&'c str]) -> Vec<&'c str> {
    let mut distinct: Vec<&str> = Vec::new();
    for &column in columns {
        if !distinct.contains(&column) {
            distinct.push(column);
        }
    }
    distinct
}

/// A column of instants a query moves onto the time zone's clock ([`Query::on_clock`]), by
/// its recorded layout, and the condition under which a cell is read at all (None:
/// always): a cell the query never reads otherwise (an open deal's forecast "TBD") is
/// not parsed either, and cannot fail the query.
#[derive(Clone)]
pub(crate) struct Instants<'c> {
    pub(crate) column: &'c str,
    pub(crate) layout: &'c DateLayout,
    pub(crate) read_when: Option<String>,
}

/// `inputs.time_zone` and the recorded layouts of the date columns that hold instants
/// (None: wall-clock times, read as written).
struct Clock<'a> {
    zone: &'a TimeZone,
    created: Option<DateLayout>,
    occurred: Option<DateLayout>,
}

fn num(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains('e') || s.contains('E') {
        format!("{v:.17}")
    } else {
        s
    }
}

/// The scoring query. `leads_table` and `events_table` are (possibly qualified)
/// table names, quoted as given; every other name comes from the model.
pub fn to_sql(model: &Model, dialect: Dialect, leads_table: &str, events_table: &str) -> Result<String, ExportError> {
    let inputs = model.inputs.as_ref().ok_or(ExportError::NoInputs)?;
    let recipes = model
        .signals
        .iter()
        .map(|s| s.recipe.as_ref().map(|r| (s.name.as_str(), r)).ok_or_else(|| ExportError::NoRecipe(s.name.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let query = Query::new(dialect, inputs, &inputs.missing, recipes);
    let mut sql = String::new();
    let _ = writeln!(sql, "-- mqlcal {} scoring query ({:?} dialect), generated from the model file.", model.tool_version, dialect);
    let _ = writeln!(sql, "-- Reads {} (one row per lead) and {} (one row per event); columns as text.", leads_table, events_table);
    let _ = writeln!(sql, "-- Returns lead_id, score, fit_score, engagement_score, mql (1/0) and tier ('hot', 'warm' or NULL).");
    if let Some(rule) = model.two_axis() {
        let _ = writeln!(
            sql,
            "-- Two-axis rule: an MQL when fit_score >= {} and engagement_score >= {} (overrides first); also returns grade and route.",
            rule.fit_min, rule.engagement_min
        );
    }
    for caveat in dialect.trim_caveat().into_iter().chain(query.fold_caveat()) {
        let _ = writeln!(sql, "{caveat}");
    }
    query.also_keys_header(&mut sql);
    query.leads_clean(&mut sql, leads_table, &[], &[], &[])?;
    if query.reads_events {
        query.events_clean(&mut sql, events_table, EventCells::AsWritten, "")?;
        query.event_sums(&mut sql, SumOf::Weights, false);
    }
    query.features(&mut sql, &[]);
    points(&mut sql, model, dialect);
    subscores(&mut sql, model);
    decided(&mut sql, model, dialect);
    Ok(sql)
}

/// How `events_clean` reads the events table's cells.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum EventCells {
    /// Trimmed text (the scoring query).
    AsWritten,
    /// Trimmed, NULL when blank or a missing-value text (as ingest reads them), with the time also as a timestamp `tstamp`.
    Cleaned,
}

/// What `event_sums` adds up per lead and events signal.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum SumOf {
    /// The decay weights as written (the scoring query).
    Weights,
    /// The decay weights times the power of ten that makes them whole numbers, summed
    /// exactly and divided back: the same total whatever order the engine adds in, so
    /// equal patterns group together.
    WholeWeights,
}

/// The part of a query that reads the tables: the dialect, what the recipes read,
/// the cleaned leads columns (`c0`, `c1` ...), the event signals (`e{j}`) and each
/// feature column's value (`f{j}`). The scoring query and the feature-table query
/// are both written from it.
pub(crate) struct Query<'a> {
    pub(crate) d: Dialect,
    /// The model's inputs as the query reads them: with a time zone, a date column that
    /// holds instants is read as ISO, the wall-clock text `on_clock` rewrites it to.
    pub(crate) inputs: Cow<'a, Inputs>,
    /// The time zone and the recorded layouts of the creation dates and event times when
    /// they hold instants (`TimeZone::wall_clock` moves those).
    clock: Option<Clock<'a>>,
    /// Whether `zone_offsets` is in the query already (the leads' and the events' CTEs both read it).
    zone_offsets_written: std::cell::Cell<bool>,
    /// Whether the query reads the events: for a signal that counts them (and, in the
    /// feature-table query, for the latest time as of: [`Query::reading_events_for_as_of`]).
    /// A lead's other ids are read, split and spoken of only then.
    pub(crate) reads_events: bool,
    /// The missing-value texts as a list of string literals.
    missing: String,
    /// Each feature column's name and recipe, in order (`f{j}` is the j-th).
    recipes: Vec<(&'a str, &'a Recipe)>,
    /// Distinct leads columns the recipes read, in signal order.
    columns: Vec<String>,
    /// Index and recipe of each events signal.
    pub(crate) event_signals: Vec<(usize, &'a EventsRule)>,
}

impl<'a> Query<'a> {
    /// What the query's header says of [`Dialect::ascii_lower`] when the query folds
    /// (ids matched ignoring case, events filtered by their detail) and the dialect's
    /// folding may not be mqlcal's (A-Z alone), if anything.
    pub(crate) fn fold_caveat(&self) -> Option<&'static str> {
        let folds = self.inputs.id_case == crate::IdCase::Ignore || self.event_signals.iter().any(|(_, rule)| rule.filters_detail());
        match (folds, self.d) {
            (true, Dialect::Sqlite) => Some("-- lower() folds A-Z alone, as mqlcal does, unless SQLite's ICU extension is loaded: then it folds every letter (\u{c9} as \u{e9}), and ids or details written with such letters may match where mqlcal's do not."),
            (true, Dialect::Ansi) => Some("-- TRANSLATE(text, from, to) folds A-Z as mqlcal does; the standard's TRANSLATE is TRANSLATE(text USING ...): export with your engine's --dialect if it refuses this one."),
            _ => None,
        }
    }

    pub(crate) fn new(d: Dialect, inputs: &'a Inputs, missing: &[String], recipes: Vec<(&'a str, &'a Recipe)>) -> Query<'a> {
        let missing = missing.iter().map(|m| d.string(m)).collect::<Vec<_>>().join(", ");
        let mut columns: Vec<String> = Vec::new();
        for (_, recipe) in &recipes {
            if let Some(c) = recipe.column() {
                if !columns.iter().any(|x| x == c) {
                    columns.push(c.to_string());
                }
            }
        }
        let event_signals: Vec<(usize, &EventsRule)> =
            recipes.iter().enumerate().filter_map(|(j, (_, recipe))| recipe.events().map(|rule| (j, rule))).collect();
        let clock = inputs.time_zone.as_ref().map(|zone| Clock {
            zone,
            created: inputs.created_at_format.clone().filter(DateLayout::is_utc_instant),
            occurred: inputs.event_columns.as_ref().and_then(|e| e.occurred_at_format.clone()).filter(DateLayout::is_utc_instant),
        });
        let inputs = match &clock {
            Some(clock) if clock.created.is_some() || clock.occurred.is_some() => {
                let mut on_clock = inputs.clone();
                on_clock.read_instants_as_iso();
                Cow::Owned(on_clock)
            }
            _ => Cow::Borrowed(inputs),
        };
        let reads_events = !event_signals.is_empty();
        Query { d, inputs, clock, zone_offsets_written: std::cell::Cell::new(false), reads_events, missing, recipes, columns, event_signals }
    }

    /// This query, also reading the events when they decide the time the table is as of
    /// (`latest`: the latest creation date or event time).
    pub(crate) fn reading_events_for_as_of(mut self, latest: bool) -> Query<'a> {
        self.reads_events |= latest;
        self
    }

    /// Whether a column written as `layout` is moved onto the time zone's clock.
    pub(crate) fn moves(&self, layout: &DateLayout) -> bool {
        self.clock.is_some() && layout.is_utc_instant()
    }

    /// After the text CTE `text` of `columns`: with a time zone, the columns of
    /// `instants` (each with its recorded layout) rewritten as wall-clock ISO text on the
    /// zone, in CTEs `{text}_instants` (the instants in Unix seconds, computed once) and
    /// `{text}_on_clock` (each joined to its span of `zone_offsets`, written before the
    /// first); returns the CTE to read from.
    fn on_clock(&self, sql: &mut String, text: &str, columns: &[&str], instants: &[Instants<'_>]) -> Result<String, ExportError> {
        let Some(zone) = self.clock.as_ref().map(|c| c.zone).filter(|_| !instants.is_empty()) else { return Ok(text.to_string()) };
        let mut utc = Vec::new();
        for (k, instant) in instants.iter().enumerate() {
            let epoch = self.d.date_epoch(&self.clean(instant.column), Some(instant.layout))?;
            utc.push(match &instant.read_when {
                Some(condition) => format!("    CASE WHEN {condition} THEN {epoch} ELSE NULL END AS utc{k}"),
                None => format!("    {epoch} AS utc{k}"),
            });
        }
        if !self.zone_offsets_written.replace(true) {
            let _ = writeln!(sql, ", {}", self.d.zone_offsets(zone));
        }
        let _ = writeln!(sql, ", {text}_instants AS {}(\n  SELECT *,\n{}\n  FROM {text}{}\n)", self.d.materialized(), utc.join(",\n"), self.d.computed_once());
        let select: Vec<String> = distinct(columns)
            .into_iter()
            .map(|c| match instants.iter().position(|instant| instant.column == c) {
                Some(k) => format!("    {} AS {}", self.d.wall_clock(&format!("i.utc{k}"), &format!("z{k}"), zone), self.q(c)),
                None => format!("    i.{}", self.q(c)),
            })
            .collect();
        let joins: String = (0..instants.len())
            .map(|k| {
                let bucket = self.d.floor(&format!("i.utc{k} / {ZONE_BUCKET_SECONDS}.0"));
                format!("\n  LEFT JOIN zone_offsets z{k} ON z{k}.bucket = {bucket} AND i.utc{k} >= z{k}.from_s AND i.utc{k} < z{k}.until_s")
            })
            .collect();
        let _ = writeln!(sql, ", {text}_on_clock AS (\n  SELECT\n{}\n  FROM {text}_instants i{joins}\n)", select.join(",\n"));
        Ok(format!("{text}_on_clock"))
    }

    pub(crate) fn q(&self, name: &str) -> String {
        self.d.ident(name)
    }

    pub(crate) fn table(&self, name: &str) -> String {
        name.split('.').map(|part| self.d.ident(part)).collect::<Vec<_>>().join(".")
    }

    /// The name of feature column `j`.
    pub(crate) fn feature_name(&self, j: usize) -> &str {
        self.recipes.get(j).map_or("", |(name, _)| name)
    }

    pub(crate) fn feature_count(&self) -> usize {
        self.recipes.len()
    }

    /// A cell of a `*_text` CTE's column (trimmed text), NULL when it is one of the
    /// missing-value texts.
    pub(crate) fn clean(&self, column: &str) -> String {
        let text = self.q(column);
        if self.missing.is_empty() {
            text
        } else {
            format!("CASE WHEN {text} IN ({}) THEN NULL ELSE {text} END", self.missing)
        }
    }

    /// CTE `name` reading `table`: each of `columns` (each once) as trimmed text under
    /// its own name. The one place the queries trim: the CTEs after it read the columns
    /// by name, so a cell is trimmed once however often they read it.
    fn text_cte(&self, name: &str, table: &str, columns: &[&str]) -> String {
        let select: Vec<String> =
            distinct(columns).iter().map(|c| format!("    {} AS {}", self.d.trim(&format!("CAST({} AS {})", self.q(c), self.d.text_type())), self.q(c))).collect();
        format!("{name} AS (\n  SELECT\n{}\n  FROM {}\n)", select.join(",\n"), self.table(table))
    }

    /// `leads_text` ([`Query::text_cte`] of the columns read), then `leads_clean`: lead id,
    /// creation time in epoch seconds, the columns the recipes read, then `extra` (already
    /// written `expression AS name` items). `extra_columns` are the columns `extra` reads,
    /// by name from `leads_text`: one missing there is a query the engine refuses. With a
    /// time zone, the creation dates and `more_instants` (more columns of instants, each
    /// with its layout) are first moved onto its clock ([`Query::on_clock`]).
    pub(crate) fn leads_clean(
        &self,
        sql: &mut String,
        leads_table: &str,
        extra: &[String],
        extra_columns: &[&str],
        more_instants: &[Instants<'_>],
    ) -> Result<(), ExportError> {
        let d = self.d;
        // A lead's other ids (`also{k}`, last) are read only where the events are.
        let also_columns: &[String] = if self.reads_events { &self.inputs.events_also_key_columns } else { &[] };
        let mut read: Vec<&str> = std::iter::once(self.inputs.id_column.as_str())
            .chain(self.inputs.created_at_column.as_deref())
            .chain(self.columns.iter().map(String::as_str))
            .chain(extra_columns.iter().copied())
            .chain(also_columns.iter().map(String::as_str))
            .collect();
        if let Some(key) = self.inputs.events_key_column.as_deref().filter(|key| !read.contains(key)) {
            read.push(key);
        }
        // Spark splits a cell of other ids into rows with `explode`; the others recurse (SQLite has no split).
        let recursive = !also_columns.is_empty() && self.inputs.events_also_key_separator.is_some() && d != Dialect::Spark;
        let _ = writeln!(sql, "WITH {}{}", if recursive { "RECURSIVE " } else { "" }, self.text_cte("leads_text", leads_table, &read));
        let created = self.clock.as_ref().and_then(|c| self.inputs.created_at_column.as_deref().zip(c.created.as_ref()));
        let created = created.map(|(column, layout)| Instants { column, layout, read_when: None });
        let instants: Vec<Instants<'_>> = created.into_iter().chain(more_instants.iter().cloned()).collect();
        let from = self.on_clock(sql, "leads_text", &read, &instants)?;
        let _ = writeln!(sql, ", leads_clean AS (\n  SELECT");
        let mut select = vec![format!("    {} AS lead_id", self.q(&self.inputs.id_column))];
        // What the events name the lead by (another column's value, blank as NULL: no
        // events), folded once here, so that the events join on a plain column (SQLite
        // joined on `lower(l.lead_id)` by comparing every lead with every event).
        if self.joins_by_key() {
            let key = match &self.inputs.events_key_column {
                Some(column) => self.clean(column),
                None => self.q(&self.inputs.id_column),
            };
            select.push(format!("    {} AS lead_key", self.id_key(&key)));
        }
        if let Some(c) = &self.inputs.created_at_column {
            select.push(format!("    {} AS created_ts", d.date_epoch(&self.clean(c), self.inputs.created_at_format.as_ref())?));
        }
        for (k, c) in self.columns.iter().enumerate() {
            select.push(format!("    {} AS c{k}", self.clean(c)));
        }
        select.extend(extra.iter().map(|e| format!("    {e}")));
        select.extend(also_columns.iter().enumerate().map(|(k, column)| format!("    {} AS also{k}", self.id_key(&self.clean(column)))));
        let _ = writeln!(sql, "{}\n  FROM {from}{}\n)", select.join(",\n"), d.computed_once());
        Ok(())
    }

    /// Whether the events join `leads_clean` by its `lead_key` (ids folded, or another
    /// column than the id) rather than by `lead_id`.
    pub(crate) fn joins_by_key(&self) -> bool {
        !self.inputs.id_case.is_exact() || self.inputs.events_key_column.is_some()
    }

    /// A lead id as the model matches it (`inputs.id_case`): as written, or folded.
    pub(crate) fn id_key(&self, expr: &str) -> String {
        match self.inputs.id_case {
            crate::IdCase::Exact => expr.to_string(),
            crate::IdCase::Ignore => self.d.ascii_lower(expr),
        }
    }

    /// `also_keys`, each value of `[columns] events_also_key` that finds one lead, with the key
    /// the events join that lead by; then `events_clean`: `events_read` with an event named by
    /// such a value given its lead's key. As mqlcal finds them: a lead's own key first (a value
    /// that is one is no other lead's), a value two leads hold finds neither, and a lead
    /// whose key is blank, or that `[exclude]` leaves out (`kept`), holds none.
    pub(crate) fn also_keyed_events(&self, sql: &mut String, cells: EventCells, kept: &str) {
        let key = if self.joins_by_key() { "lead_key" } else { "lead_id" };
        let held: Vec<String> = (0..self.inputs.events_also_key_columns.len())
            .map(|k| match self.inputs.events_also_key_separator.as_deref() {
                // A blank cell is none even where the missing-value list lacks "" (the scoring query).
                None => format!("SELECT also{k} AS also_key, {key} AS lead_key FROM leads_clean WHERE also{k} <> '' AND {key} <> ''{kept}"),
                Some(separator) => {
                    also_split(sql, self.d, k, separator, key, kept);
                    format!("SELECT also_key, lead_key FROM also_split{k} WHERE also_key <> ''")
                }
            })
            .collect();
        let _ = writeln!(
            sql,
            ", also_keys AS (\n  SELECT held.also_key, MIN(held.lead_key) AS lead_key\n  FROM (\n    {}\n  ) held\n  WHERE held.also_key NOT IN (SELECT {key} FROM leads_clean WHERE {key} IS NOT NULL{kept})\n  GROUP BY held.also_key\n  HAVING COUNT(DISTINCT held.lead_key) = 1\n)",
            held.join("\n    UNION ALL\n    ")
        );
        let detail = if self.detail_read().is_some() { ", e.detail" } else { "" };
        let tstamp = if cells == EventCells::Cleaned { " e.tstamp," } else { "" };
        // Computed once: SQLite otherwise joined each lead to every event through the
        // COALESCE, which no index serves (the sample's 20,000 leads: minutes, not 1.7 s).
        let _ = writeln!(
            sql,
            ", events_clean AS {}(\n  SELECT COALESCE(k.lead_key, e.lead_id) AS lead_id, e.ts,{tstamp} e.activity{detail}\n  FROM events_read e\n  LEFT JOIN also_keys k ON k.also_key = e.lead_id\n)",
            self.d.materialized()
        );
    }

    /// The header lines saying how the events find a lead by its other ids, when the query
    /// reads events and they may.
    pub(crate) fn also_keys_header(&self, sql: &mut String) {
        if !self.reads_events || self.inputs.events_also_key_columns.is_empty() {
            return;
        }
        let _ = writeln!(sql, "-- An event whose lead id is no lead's finds the lead holding it in [columns] events_also_key (one two leads hold, neither).");
        if let Some(separator) = &self.inputs.events_also_key_separator {
            let _ = writeln!(sql, "-- A cell of those columns holds several such ids between {separator:?}s ([columns] events_also_key_separator).");
        }
    }

    /// The events' detail column, read when a signal filters on it (`events_clean`'s `detail`).
    pub(crate) fn detail_read(&self) -> Option<&str> {
        self.inputs.event_columns.as_ref()?.detail.as_deref().filter(|_| self.event_signals.iter().any(|(_, rule)| rule.filters_detail()))
    }

    /// `events_clean`: each event's lead id, time in epoch seconds and activity (and,
    /// `Cleaned`, its time as a timestamp). With `inputs.events_also_key_columns`, an event
    /// naming a lead by one of its other ids is given that lead's key
    /// ([`Query::also_keyed_events`]; `kept` the condition on `leads_clean` keeping the leads
    /// that hold ids, after AND, or "").
    pub(crate) fn events_clean(&self, sql: &mut String, events_table: &str, cells: EventCells, kept: &str) -> Result<(), ExportError> {
        let name = if self.inputs.events_also_key_columns.is_empty() { "events_clean" } else { "events_read" };
        self.events_read(sql, events_table, cells, name)?;
        if name == "events_read" {
            self.also_keyed_events(sql, cells, kept);
        }
        Ok(())
    }

    /// The events table's cells read into the CTE `name` ([`Query::events_clean`]).
    fn events_read(&self, sql: &mut String, events_table: &str, cells: EventCells, name: &str) -> Result<(), ExportError> {
        let d = self.d;
        let ev = self.inputs.event_columns.as_ref().ok_or(ExportError::NoInputs)?;
        // The detail (cleaned: a missing marker holds nothing), its A-Z in lower case: the
        // filters' texts are, so that a text holds whatever the case of those letters
        // ([`crate::detail_holds_text`]).
        let detail = self.detail_read();
        let mut columns = vec![ev.lead_id.as_str(), ev.occurred_at.as_str(), ev.activity.as_str()];
        columns.extend(detail);
        let detail = detail.map(|detail| format!(", {} AS detail", d.ascii_lower(&self.clean(detail)))).unwrap_or_default();
        let _ = writeln!(sql, ", {}", self.text_cte("events_text", events_table, &columns));
        let occurred = self.clock.as_ref().and_then(|c| c.occurred.as_ref()).map(|layout| Instants { column: &ev.occurred_at, layout, read_when: None });
        let from = self.on_clock(sql, "events_text", &columns, &occurred.into_iter().collect::<Vec<_>>())?;
        if cells == EventCells::Cleaned {
            let time = d.date_iso(&self.clean(&ev.occurred_at), ev.occurred_at_format.as_ref())?;
            let _ = writeln!(
                sql,
                ", {name} AS (\n  SELECT {} AS lead_id, {} AS ts, {} AS tstamp, {} AS activity{detail}\n  FROM {from}{}\n)",
                self.id_key(&self.clean(&ev.lead_id)),
                d.epoch(&time),
                d.timestamp(&time),
                self.clean(&ev.activity),
                d.computed_once()
            );
            return Ok(());
        }
        let _ = writeln!(
            sql,
            ", {name} AS (\n  SELECT {} AS lead_id, {} AS ts, {} AS activity{detail}\n  FROM {from}{}\n)",
            self.id_key(&self.q(&ev.lead_id)),
            d.date_epoch(&self.q(&ev.occurred_at), ev.occurred_at_format.as_ref())?,
            self.q(&ev.activity),
            d.computed_once()
        );
        Ok(())
    }

    /// `event_sums`: decay-weighted counts of each events signal's activities inside the window.
    /// `event_sums`: each events signal's summed weights `e{j}` per lead, over the events in
    /// its window (`until_decision`: and before `l.decided_ts`; one before creation leaves none).
    pub(crate) fn event_sums(&self, sql: &mut String, sum_of: SumOf, until_decision: bool) {
        let d = self.d;
        let EventWindow { seconds: window, starts_before } = self.inputs.window();
        // An event before creation (the window starting `starts_before` early) is aged as
        // one at creation, as EventWindow::age_days does.
        let (start, at) = match starts_before {
            0 => ("l.created_ts".to_string(), "e.ts"),
            before => (format!("l.created_ts - {before}"), "CASE WHEN e.ts < l.created_ts THEN l.created_ts ELSE e.ts END"),
        };
        let age = format!("((l.created_ts + {window}) - {at}) / {}.0", EventWindow::SECONDS_PER_DAY);
        let mut sums = Vec::new();
        for (j, rule) in &self.event_signals {
            let list = rule.activities.iter().map(|a| d.string(a)).collect::<Vec<_>>().join(", ");
            let weights = rule.decay.table();
            let unit = match sum_of {
                SumOf::Weights => None,
                SumOf::WholeWeights => whole_unit(&weights),
            };
            let w = |w: f64| match unit {
                None => format!("{w:?}"),
                Some(unit) => format!("{}", (w * unit as f64).round() as i64),
            };
            let weight = match weights.as_slice() {
                [(_, only)] => w(*only),
                steps => {
                    let (tail, steps) = steps.split_last().map_or((1.0, steps), |((_, tail), steps)| (*tail, steps));
                    let steps: String = steps.iter().map(|(up_to, weight)| format!("WHEN {age} <= {up_to} THEN {} ", w(*weight))).collect();
                    format!("CASE {steps}ELSE {} END", w(tail))
                }
            };
            let detail = match rule.detail_contains.as_slice() {
                [] => String::new(),
                texts => format!(" AND ({})", texts.iter().map(|t| d.contains("e.detail", &d.string(&crate::folded(t)))).collect::<Vec<_>>().join(" OR ")),
            };
            let sum = format!("SUM(CASE WHEN e.activity IN ({list}){detail} THEN {weight} ELSE 0 END)");
            sums.push(match unit {
                None => format!("    {sum} AS e{j}"),
                Some(1) => format!("    CAST({sum} AS {}) AS e{j}", d.real_type()),
                Some(unit) => format!("    CAST({sum} AS {}) / {unit}.0 AS e{j}", d.real_type()),
            });
        }
        let decision = match until_decision {
            true => "\n    AND (l.decided_ts IS NULL OR e.ts < l.decided_ts)",
            false => "",
        };
        // A lead listed twice (in a scored batch) counts its events once per window, as the
        // scorer does: the leads as the events see them, each once (a decision, which only
        // training tables carry and where ids are unique, its earliest).
        let lead = self.event_sums_lead();
        let columns = lead.join(", ");
        let leads = match until_decision {
            true => format!("SELECT {columns}, MIN(decided_ts) AS decided_ts FROM leads_clean GROUP BY {columns}"),
            false => format!("SELECT DISTINCT {columns} FROM leads_clean"),
        };
        let group = lead.iter().map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ");
        let _ = writeln!(
            sql,
            ", event_sums AS (\n  SELECT {group},\n{}\n  FROM ({leads}) l\n  JOIN events_clean e ON e.lead_id = {} AND e.ts >= {start} AND e.ts <= l.created_ts + {window}{decision}\n  GROUP BY {group}\n)",
            sums.join(",\n"),
            if self.joins_by_key() { "l.lead_key" } else { "l.lead_id" }
        );
    }

    /// What `event_sums` has a row for: a lead as its events see it (its id, its creation
    /// and the name the events give it), what `features` joins it back on.
    fn event_sums_lead(&self) -> Vec<&'static str> {
        let mut lead = vec!["lead_id", "created_ts"];
        if self.joins_by_key() {
            lead.push("lead_key");
        }
        lead
    }

    /// `features`: each signal's feature value `f{j}` by its recipe (after `l.lead_id` and the leads columns `keep`).
    pub(crate) fn features(&self, sql: &mut String, keep: &[&str]) {
        let mut features: Vec<String> = keep.iter().map(|c| format!("    l.{c}")).collect();
        for (j, (_, recipe)) in self.recipes.iter().enumerate() {
            features.push(format!("    {} AS f{j}", self.feature(j, recipe)));
        }
        let join_events = match self.event_signals.is_empty() {
            true => String::new(),
            false => {
                let on = self.event_sums_lead().iter().map(|c| format!("ev.{c} = l.{c}")).collect::<Vec<_>>().join(" AND ");
                format!("\n  LEFT JOIN event_sums ev ON {on}")
            }
        };
        let _ = writeln!(sql, ", features AS (\n  SELECT l.lead_id,\n{}\n  FROM leads_clean l{join_events}\n)", features.join(",\n"));
    }

    /// The feature value of signal `j` computed by `recipe`.
    fn feature(&self, j: usize, recipe: &Recipe) -> String {
        let d = self.d;
        let col = |c: &str| format!("l.c{}", self.columns.iter().position(|x| x == c).unwrap_or(0));
        let number = |rule: &crate::NumberRule| {
            let raw = match rule.default {
                Some(default) => format!("COALESCE(CAST({} AS {}), {})", col(&rule.column), d.real_type(), num(default)),
                None => format!("CAST({} AS {})", col(&rule.column), d.real_type()),
            };
            let mut v = raw;
            if let Some(floor) = rule.floor {
                v = format!("CASE WHEN {v} < {f} THEN {f} ELSE {v} END", f = num(floor));
            }
            if let Some(cap) = rule.cap {
                v = format!("CASE WHEN {v} > {c} THEN {c} ELSE {v} END", c = num(cap));
            }
            format!("({v}) * {}", num(rule.scale))
        };
        match recipe.reads() {
            // Every form a cell may take (`written_forms`: a whole number either way), as `TextTest` counts them.
            Reads::Text { column, test: TextTest::Equals { value, spellings } } => {
                let list: Vec<String> = std::iter::once(value).chain(spellings.iter().map(String::as_str)).flat_map(written_forms).map(|v| d.string(&v)).collect();
                match list.as_slice() {
                    [one] => format!("CASE WHEN {} = {one} THEN 1 ELSE 0 END", col(column)),
                    _ => format!("CASE WHEN {} IN ({}) THEN 1 ELSE 0 END", col(column), list.join(", ")),
                }
            }
            Reads::Text { column, test: TextTest::Listed { value, spellings, separator } } => {
                let sep = d.string(separator);
                let cell = format!("{sep} || {} || {sep}", col(column));
                let found = std::iter::once(value)
                    .chain(spellings.iter().map(String::as_str))
                    .flat_map(written_forms)
                    .map(|v| format!("{} > 0", d.position(&d.string(&format!("{separator}{v}{separator}")), &cell)))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                format!("CASE WHEN {found} THEN 1 ELSE 0 END")
            }
            Reads::Text { column, test: TextTest::OneOf(values) } => {
                let list = values.iter().map(String::as_str).flat_map(written_forms).map(|e| d.string(&e)).collect::<Vec<_>>().join(", ");
                format!("CASE WHEN {} IN ({list}) THEN 1 ELSE 0 END", col(column))
            }
            Reads::Number(NumberRead { rule, bin: None }) => number(rule),
            Reads::Number(NumberRead { rule, bin: Some((min, max)) }) => {
                let v = number(rule);
                match max {
                    Some(max) => format!("CASE WHEN {v} >= {} AND {v} < {} THEN 1 ELSE 0 END", num(min), num(max)),
                    None => format!("CASE WHEN {v} >= {} THEN 1 ELSE 0 END", num(min)),
                }
            }
            Reads::Events(EventsRule { cap, scale, .. }) => {
                let v = format!("COALESCE(ev.e{j}, 0)");
                let v = match cap {
                    Some(c) => format!("CASE WHEN {v} > {c} THEN {c} ELSE {v} END", c = num(*c)),
                    None => v,
                };
                format!("({v}) * {}", num(*scale))
            }
        }
    }

}

/// `also_split{k}`: each piece of a cell of `also{k}` between `separator`s, trimmed as
/// mqlcal trims it (`mqlcal_config::also_key_values`), with the lead's `key`; blank pieces
/// (and, where it recurses, the first row of each lead) have `also_key` ''. A lead whose
/// key is blank holds none.
fn also_split(sql: &mut String, d: Dialect, k: usize, separator: &str, key: &str, kept: &str) {
    if d == Dialect::Spark {
        // `split` takes a regular expression: a backslash makes any punctuation literal.
        let pattern: String = separator.chars().flat_map(|c| if c.is_ascii_punctuation() { vec!['\\', c] } else { vec![c] }).collect();
        let _ = writeln!(
            sql,
            ", also_split{k} AS (\n  SELECT {key} AS lead_key, {} AS also_key\n  FROM leads_clean LATERAL VIEW explode(split(also{k}, {})) pieces AS piece\n  WHERE also{k} IS NOT NULL AND {key} <> ''{kept}\n)",
            d.trim("piece"),
            d.string(&pattern)
        );
        return;
    }
    // Each step takes the text before the first separator off `rest` (the cell with a
    // separator after it), until nothing is left.
    let sep = d.string(separator);
    let at = d.position(&sep, "rest");
    let piece = d.trim(&d.substr("rest", "1", Some(&format!("{at} - 1"))));
    let after = d.substr("rest", &format!("{at} + {}", separator.chars().count()), None);
    let _ = writeln!(
        sql,
        ", also_split{k} AS (\n  SELECT {key} AS lead_key, CAST('' AS {text}) AS also_key, also{k} || {sep} AS rest\n  FROM leads_clean\n  WHERE also{k} IS NOT NULL AND {key} <> ''{kept}\n  UNION ALL\n  SELECT lead_key, {piece}, {after}\n  FROM also_split{k}\n  WHERE rest <> ''\n)",
        text = d.text_type()
    );
}


/// `points`: rounded points per signal `p{j}`, and the feature values the overrides test.
fn points(sql: &mut String, model: &Model, d: Dialect) {
    let points: Vec<String> = model
        .signals
        .iter()
        .enumerate()
        .map(|(j, s)| format!("    {} AS p{j}", d.round(&format!("{} * f{j}", s.points))))
        .collect();
    let keep: Vec<String> = model.overrides.iter().filter_map(|o| model.signals.iter().position(|s| s.name == o.signal)).map(|j| format!("    f{j}")).collect();
    let mut cols = points;
    cols.extend(keep);
    let _ = writeln!(sql, ", points AS (\n  SELECT lead_id,\n{}\n  FROM features\n)", cols.join(",\n"));
}

/// `subscores`: fit and engagement sums, each group cap applied once on its group's axis.
fn subscores(sql: &mut String, model: &Model) {
    let mut fit_terms: Vec<String> = Vec::new();
    let mut engagement_terms: Vec<String> = Vec::new();
    for (j, s) in model.signals.iter().enumerate() {
        if model.group_caps.iter().any(|g| g.signals.contains(&s.name)) {
            continue;
        }
        match s.axis {
            Axis::Fit => fit_terms.push(format!("p{j}")),
            Axis::Engagement => engagement_terms.push(format!("p{j}")),
        }
    }
    for g in &model.group_caps {
        let members: Vec<String> =
            g.signals.iter().filter_map(|name| model.signals.iter().position(|s| &s.name == name)).map(|j| format!("p{j}")).collect();
        let sum = if members.is_empty() { "0".to_string() } else { members.join(" + ") };
        let capped = format!("(CASE WHEN ({sum}) > {m} THEN {m} ELSE ({sum}) END)", m = g.max_points);
        let axis = g.signals.first().and_then(|n| model.signals.iter().find(|s| &s.name == n)).map_or(Axis::Engagement, |s| s.axis);
        match axis {
            Axis::Fit => fit_terms.push(capped),
            Axis::Engagement => engagement_terms.push(capped),
        }
    }
    let sum = |terms: &[String]| if terms.is_empty() { "0".to_string() } else { terms.join(" + ") };
    let _ = writeln!(
        sql,
        ", subscores AS (\n  SELECT *,\n    {} AS fit_score,\n    {} AS engagement_score\n  FROM points\n)",
        sum(&fit_terms),
        sum(&engagement_terms)
    );
}

/// `decided` (score and MQL flag, overrides first) and the final select with the tier.
fn decided(sql: &mut String, model: &Model, d: Dialect) {
    let fires = |rule: OverrideRule| -> Vec<String> {
        model
            .overrides
            .iter()
            .filter(|o| o.rule == rule)
            .filter_map(|o| model.signals.iter().position(|s| s.name == o.signal))
            .map(|j| format!("f{j} > 0"))
            .collect()
    };
    let (never, always) = (fires(OverrideRule::NeverMql), fires(OverrideRule::AlwaysMql));
    let score = format!("({} + fit_score + engagement_score)", model.base_points);
    let mut mql = String::from("CASE");
    if !never.is_empty() {
        let _ = write!(mql, " WHEN {} THEN 0", never.join(" OR "));
    }
    if !always.is_empty() {
        let _ = write!(mql, " WHEN {} THEN 1", always.join(" OR "));
    }
    match (model.two_axis(), model.threshold) {
        (Some(rule), _) => {
            let _ = write!(mql, " WHEN {} THEN 1 ELSE 0 END", region_sql(&rule.mql_region()));
        }
        (None, Some(t)) => {
            let _ = write!(mql, " WHEN {score} >= {t} THEN 1 ELSE 0 END");
        }
        (None, None) => mql.push_str(" ELSE NULL END"),
    }
    if mql == "CASE ELSE NULL END" {
        // No threshold and no override: a bare CASE would be invalid SQL.
        mql = "CAST(NULL AS INTEGER)".to_string();
    }
    let two_axis = model.two_axis().map(|rule| two_axis_columns(rule, &never, &always, d.text_type()));
    let extra = two_axis.as_ref().map_or(String::new(), |(grade, route)| format!(",\n    {grade} AS grade,\n    {route} AS route"));
    let _ = writeln!(sql, ", decided AS (\n  SELECT lead_id, {score} AS score, fit_score, engagement_score,\n    {mql} AS mql{extra}\n  FROM subscores\n)");
    let tier = match model.hot_threshold {
        Some(h) => format!("CASE WHEN mql = 1 AND score >= {h} THEN 'hot' WHEN mql = 1 THEN 'warm' ELSE NULL END"),
        None => "CASE WHEN mql = 1 THEN 'warm' ELSE NULL END".to_string(),
    };
    let extra = if two_axis.is_some() { ", grade, route" } else { "" };
    let _ = writeln!(sql, "SELECT lead_id, score, fit_score, engagement_score, mql,\n  {tier} AS tier{extra}\nFROM decided\nORDER BY lead_id;");
}

/// The power of ten (1 to 10^6) that makes every weight a whole number, if one does.
fn whole_unit(weights: &[(f64, f64)]) -> Option<i64> {
    (0..=6).map(|k| 10i64.pow(k)).find(|&unit| weights.iter().all(|(_, w)| ((w * unit as f64) - (w * unit as f64).round()).abs() < 1e-9))
}

/// A score region as a SQL condition on `fit_score` and `engagement_score` (TRUE when open).
fn region_sql(r: &Region) -> String {
    let mut parts = Vec::new();
    for (column, from, below) in [("fit_score", r.fit_from, r.fit_below), ("engagement_score", r.engagement_from, r.engagement_below)] {
        if let Some(v) = from {
            parts.push(format!("{column} >= {v}"));
        }
        if let Some(v) = below {
            parts.push(format!("{column} < {v}"));
        }
    }
    if parts.is_empty() {
        "1 = 1".into()
    } else {
        parts.join(" AND ")
    }
}

/// The grade and route columns of a two-axis rule, generated from its
/// [`TwoAxisRule::route_cases`] and grade bands (overrides first, as the scorer).
fn two_axis_columns(rule: &TwoAxisRule, never: &[String], always: &[String], text_type: &str) -> (String, String) {
    let grade = match &rule.grades {
        None => format!("CAST(NULL AS {text_type})"),
        Some(g) => {
            let band = |column: &str, bounds: &[i64], name: fn(usize) -> char| {
                let cases: String = bounds.iter().enumerate().map(|(k, b)| format!(" WHEN {column} >= {b} THEN '{}'", name(k))).collect();
                format!("(CASE{cases} ELSE '{}' END)", name(bounds.len()))
            };
            format!("{} || {}", band("fit_score", &g.fit, Grades::fit_name), band("engagement_score", &g.engagement, Grades::engagement_name))
        }
    };
    let mut route = String::from("CASE");
    if !never.is_empty() {
        let _ = write!(route, " WHEN {} THEN 'discard'", never.join(" OR "));
    }
    if !always.is_empty() {
        let _ = write!(route, " WHEN {} THEN 'sales'", always.join(" OR "));
    }
    let routing = rule.route_cases();
    for (region, r) in &routing.cases {
        let _ = write!(route, " WHEN {} THEN '{}'", region_sql(region), r.as_str());
    }
    let _ = write!(route, " ELSE '{}' END", routing.otherwise.as_str());
    (grade, route)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQL trims what mqlcal trims: every character `char::is_whitespace` names, and no other.
    #[test]
    fn the_white_space_trimmed_is_rusts() {
        let rusts: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        assert_eq!(WHITE_SPACE.to_vec(), rusts);
        let codes = "9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288";
        let chr = |name: &str| codes.split(", ").map(|c| if c == "32" { "' '".to_string() } else { format!("{name}({c})") }).collect::<Vec<_>>().join(" || ");
        let escaped: String = codes.split(", ").map(|c| format!("\\u{:04X}", c.parse::<u32>().unwrap())).collect();
        assert_eq!(
            Dialect::Sqlite.trim("x"),
            format!("CASE WHEN unicode(x) BETWEEN 33 AND 126 AND unicode(substr(x, -1)) BETWEEN 33 AND 126 THEN x ELSE trim(x, char({codes})) END")
        );
        assert_eq!(Dialect::Duckdb.trim("x"), format!("CASE WHEN regexp_full_match(x, '[!-~](.*[!-~])?') THEN x ELSE trim(x, {}) END", chr("chr")));
        assert_eq!(
            Dialect::Postgres.trim("x"),
            format!("CASE WHEN ascii(x) BETWEEN 33 AND 126 AND ascii(right(x, 1)) BETWEEN 33 AND 126 THEN x ELSE BTRIM(x, {}) END", chr("CHR"))
        );
        assert!(escaped.starts_with("\\u0009\\u000A") && escaped.ends_with("\\u205F\\u3000"), "{escaped}");
        assert_eq!(Dialect::Bigquery.trim("x"), format!("TRIM(x, '{escaped}')"));
        assert_eq!(Dialect::Snowflake.trim("x"), format!("TRIM(x, '{escaped}')"));
        assert_eq!(Dialect::Spark.trim("x"), format!("TRIM(BOTH '{escaped}' FROM x)"));
        assert_eq!(Dialect::Ansi.trim("x"), "TRIM(x)");
    }

    #[test]
    fn literals_and_identifiers_are_quoted_per_dialect() {
        let hostile = "O'Brien\\ \"x\" `y` -- ;";
        assert_eq!(Dialect::Sqlite.string(hostile), "'O''Brien\\ \"x\" `y` -- ;'");
        assert_eq!(Dialect::Postgres.ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Bigquery.string(hostile), "'O\\'Brien\\\\ \"x\" `y` -- ;'");
        assert_eq!(Dialect::Bigquery.ident("a`b"), "`a\\`b`");
        assert_eq!(Dialect::Spark.string(hostile), "'O\\'Brien\\\\ \"x\" `y` -- ;'");
        assert_eq!(Dialect::Spark.ident("a`b\\c"), "`a``b\\c`");
        assert_eq!(Dialect::Snowflake.string(hostile), "'O''Brien\\\\ \"x\" `y` -- ;'");
        assert_eq!(Dialect::Postgres.string(hostile), "'O''Brien\\ \"x\" `y` -- ;'");
        assert_eq!(Dialect::parse("Spark"), Some(Dialect::Spark));
        assert_eq!(Dialect::parse("databricks"), Some(Dialect::Spark));
        assert_eq!(Dialect::names(), "ansi, duckdb, postgres, sqlite, bigquery, snowflake, spark");
        assert_eq!(Dialect::parse("PostgreSQL"), Some(Dialect::Postgres));
        assert_eq!(Dialect::parse("oracle"), None);
    }
}
