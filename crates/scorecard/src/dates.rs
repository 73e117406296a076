//! How a date column's text is written, the one home of the rule: ingest detects or
//! is told the layout, the model file records it (`inputs.created_at_format`,
//! `event_columns.occurred_at_format`), and the scorer and the SQL export read dates
//! by it, so a production batch of 03/04/2024 dates means what the training data meant.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How the dates of one column are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateLayout {
    /// `YYYY-MM-DD`, optionally followed by `[T ]HH:MM[:SS[.fff]]` and `Z`.
    Iso,
    /// ISO with a time zone after the time, as warehouses and their clients write
    /// timestamps with a zone: `+HH:MM` (pandas), `+HH` (PostgreSQL), `+HHMM`
    /// (Salesforce's API), ` UTC` (BigQuery), `Z` or `GMT`, with or without a space
    /// before it. Read as the UTC instant; a timestamp without a zone is taken as UTC.
    IsoZoned,
    /// `DD/MM/YYYY` (any of / . - as separator), optional time.
    DayFirst,
    /// `MM/DD/YYYY`, optional time.
    MonthFirst,
    /// A chrono strftime pattern such as `%d.%m.%Y %H:%M`.
    Pattern(String),
    /// Unix time: seconds since 1970-01-01 UTC (`1705312800`, as product-analytics
    /// exports such as Mixpanel's write event times), a fraction dropped.
    UnixSeconds,
    /// Unix time in milliseconds (`1705312800000`, as some CRM APIs write timestamps).
    UnixMillis,
    /// A spreadsheet's serial day number, as a date column saved while formatted as a
    /// number writes it: days since 1899-12-30 (the 1900 date system of Excel for
    /// Windows, Google Sheets and LibreOffice), its fraction the time of day
    /// (`45306.375` is 2024-01-15 09:00:00), rounded to the nearest second. Wall-clock
    /// time, as the spreadsheet showed it. Never detected: the setting says which system.
    SerialDays,
    /// The same in the 1904 date system (Excel for Mac before 2011, and workbooks made
    /// there): days since 1904-01-01, so 45306 is 2028-01-16.
    SerialDays1904,
}

/// 1900-01-01 00:00:00 in seconds since 1970: detected patterns must read a date from then on
/// (`%d-%b-%Y` would read `01-Jan-24` as the year 24).
const YEAR_1900: i64 = -2_208_988_800;

/// Days from each spreadsheet date system's day 0 to 1970-01-01.
const SERIAL_1900_DAYS_BEFORE_1970: i64 = 25_569;
const SERIAL_1904_DAYS_BEFORE_1970: i64 = 24_107;

/// One part of a date text, as the SQL export reassembles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year,
    /// `%y`: the year's last two digits, read as chrono reads them: 70–99 are 1970–1999,
    /// 00–69 are 2000–2069 (`05-JAN-24` is 2024, `01-Jan-70` is 1970).
    YearOfCentury,
    Month,
    /// `%b` / `%B`: the month's English name, short or full, in any case (`Jan`, `JANUARY`),
    /// known by its first three letters as chrono knows it.
    MonthName,
    Day,
    Hour,
    Minute,
    Second,
    /// `%I`: the hour on a 12-hour clock (1-12), read with [`DatePart::Meridiem`].
    Hour12,
    /// `%p`: AM or PM, in any case.
    Meridiem,
    /// `%a` / `%A`: the weekday's name, passed over (the date says which day it is).
    Weekday,
}

impl DatePart {
    /// Its digits where numbers run together with no separator (`%Y%m%d`).
    pub fn fixed_width(self) -> usize {
        if self == DatePart::Year {
            4
        } else {
            2
        }
    }

    /// What the part says of the date: a two-digit year is the year, a month's name the month.
    fn meaning(self) -> DatePart {
        match self {
            DatePart::YearOfCentury => DatePart::Year,
            DatePart::MonthName => DatePart::Month,
            other => other,
        }
    }
}

/// What a date cell that is a plain number most likely is, with the date it would name:
/// a spreadsheet's serial day number (a CSV saved from a column formatted as a number;
/// days since 1899-12-30, so 45306 is 2024-01-15), or Unix time in seconds or
/// milliseconds (an API's timestamps, read by the `unix_seconds` and `unix_ms`
/// layouts), or a date as one run of digits ([`compact_pattern`]). None for other text.
/// Serial numbers are named, not read: their epoch depends on the spreadsheet (1900 or
/// 1904), so the `excel_serial` layouts that read them are set, never detected. What it
/// is, with the date, and what to do.
pub fn numeric_date(text: &str) -> Option<(String, &'static str)> {
    let text = text.trim();
    let at = |seconds: i64, format: &str| chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.format(format).to_string());
    // Unix time as the layouts that read it would read it.
    if let Some(layout) = unix_layout(text) {
        let (unit, fix) = match layout {
            DateLayout::UnixMillis => ("milliseconds", "set date_format = \"unix_ms\""),
            _ => ("seconds", "set date_format = \"unix_seconds\""),
        };
        return Some((format!("Unix time in {unit} ({text} is {} UTC)", at(layout.parse(text)?, "%Y-%m-%d %H:%M:%S")?), fix));
    }
    if let Some(pattern) = compact_pattern(text) {
        let date = DateLayout::Pattern(pattern.into()).parse(text)?;
        return Some((
            format!("a date written as one run of digits ({text} is {})", at(date, if text.len() == 8 { "%Y-%m-%d" } else { "%Y-%m-%d %H:%M:%S" })?),
            if text.len() == 8 { "set date_format = \"%Y%m%d\"" } else { "set date_format = \"%Y%m%d%H%M%S\"" },
        ));
    }
    if !looks_like_serial_days(text) {
        return None;
    }
    let fraction = split_fraction(text).1;
    let seconds = DateLayout::SerialDays.parse(text)?;
    Some((
        format!("a spreadsheet's date serial number ({text} is {})", at(seconds, if fraction.is_none() { "%Y-%m-%d" } else { "%Y-%m-%d %H:%M:%S" })?),
        "set date_format = \"excel_serial\" (\"excel_serial_1904\" if the workbook uses the 1904 date system, as old Mac Excel's did), or format the column as a date (yyyy-mm-dd hh:mm:ss) before saving the CSV",
    ))
}

/// Whether a trimmed text reads as a spreadsheet's serial day number of these decades:
/// five digits from 20000 to 80000 (1954 to 2119 in the 1900 date system), a fraction allowed.
pub fn looks_like_serial_days(text: &str) -> bool {
    let (whole, fraction) = split_fraction(text);
    whole.len() == 5 && all_digits(whole) && fraction.is_none_or(all_digits) && (20_000..=80_000).contains(&whole.parse::<u32>().unwrap_or(0))
}

/// A number's text split at its point: the whole part and the fraction, if any.
fn split_fraction(text: &str) -> (&str, Option<&str>) {
    text.split_once('.').map_or((text, None), |(whole, fraction)| (whole, Some(fraction)))
}

/// Digits only, at least one.
fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The patterns that read `text`, a date whose year has two digits after its day and
/// month (`1/15/24`, `15.01.24 09:05`, as a CSV saved from Excel's short date writes it):
/// month first, then day first, each only if it reads the text; empty for other text.
/// Never detected: with two digits, which part is the year and which the day is the
/// analyst's to say (`24/01/15` could be either), so the message names the patterns.
pub fn short_year_patterns(text: &str) -> Vec<String> {
    const TIMES: [&str; 9] = ["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", ", %H:%M", ", %H:%M:%S", ", %I:%M %p", ", %I:%M:%S %p"];
    let text = text.trim();
    let date = &text[..text.find([' ', ',']).unwrap_or(text.len())];
    let Some(separator) = date.chars().find(|c| matches!(c, '/' | '.' | '-')) else { return Vec::new() };
    let numbers: Vec<&str> = date.split(separator).collect();
    if numbers.len() != 3 || numbers[2].len() != 2 || !numbers.iter().all(|n| all_digits(n) && n.len() <= 2) {
        return Vec::new();
    }
    [("%m", "%d"), ("%d", "%m")]
        .iter()
        .filter_map(|(first, second)| {
            TIMES.iter().map(|time| format!("{first}{separator}{second}{separator}%y{time}")).find(|pattern| DateLayout::Pattern(pattern.clone()).parse(text).is_some())
        })
        .collect()
}

/// The pattern of a date written as one run of digits, as warehouse date keys, GA4's
/// `event_date` and log exports write them: 8 digits are `%Y%m%d` (`20240105`), 14
/// `%Y%m%d%H%M%S` (`20240105093000`), when they name a real date from 1900 on. None for
/// other text (9-10 and 12-13 digits are Unix time, [`unix_layout`]).
pub fn compact_pattern(text: &str) -> Option<&'static str> {
    let text = text.trim();
    let pattern = match text.len() {
        8 => "%Y%m%d",
        14 => "%Y%m%d%H%M%S",
        _ => return None,
    };
    (all_digits(text) && DateLayout::Pattern(pattern.into()).parse(text).is_some_and(|at| at >= YEAR_1900)).then_some(pattern)
}

/// The Unix layout a column's first value is written in: 9 or 10 digits (from 1973 to
/// 2286; a fraction allowed) are seconds, 12 or 13 milliseconds. None for other text.
pub fn unix_layout(text: &str) -> Option<DateLayout> {
    let (whole, fraction) = split_fraction(text.trim());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) || whole.starts_with('0') {
        return None;
    }
    match (whole.len(), fraction) {
        (9 | 10, _) => Some(DateLayout::UnixSeconds),
        (12 | 13, None) => Some(DateLayout::UnixMillis),
        _ => None,
    }
}

/// Seconds since 1970-01-01 of Unix time counted `per_second` to the second, rounded
/// down (a fraction of a second dropped, as ISO's are). Digits with an optional minus
/// sign; seconds may have a fraction.
fn parse_unix(text: &str, per_second: i64) -> Option<i64> {
    let (whole, fraction) = split_fraction(text);
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if !all_digits(digits) || digits.len() > 15 || fraction.is_some_and(|f| per_second != 1 || !all_digits(f)) {
        return None;
    }
    let value: i64 = whole.parse().ok()?;
    // -1.5 s is before -1 s: a negative time with a fraction rounds down past its whole part.
    let below = whole.starts_with('-') && fraction.is_some_and(|f| f.bytes().any(|b| b != b'0'));
    Some(value.div_euclid(per_second) - i64::from(below))
}

/// Seconds since 1970-01-01 of a serial day number of a system whose day 0 is
/// `days_before_1970` days before 1970-01-01: the whole days, and the fraction's time of
/// day rounded to the nearest second (half up), from its decimal digits (a spreadsheet
/// stores 09:05 as 0.378472222…, never exactly).
fn parse_serial(text: &str, days_before_1970: i64) -> Option<i64> {
    let (whole, fraction) = split_fraction(text);
    if !all_digits(whole) || whole.len() > 7 || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    let seconds = match fraction {
        None => 0,
        Some(f) => {
            // 30 digits are far past a second's worth; u128 holds 10^30 × 86,400 × 2.
            let digits = &f[..f.len().min(30)];
            let scale = 10u128.pow(digits.len() as u32);
            let value: u128 = digits.parse().ok()?;
            ((value * 86_400 * 2 + scale) / (2 * scale)) as i64
        }
    };
    Some((days - days_before_1970) * 86_400 + seconds)
}

impl DateLayout {
    /// Whether the times are instants in UTC (a zone, or Unix time) rather than as written.
    pub fn is_utc_instant(&self) -> bool {
        matches!(self, DateLayout::IsoZoned | DateLayout::UnixSeconds | DateLayout::UnixMillis)
    }

    pub fn describe(&self) -> String {
        match self {
            DateLayout::Iso => "YYYY-MM-DD (optionally with a time)".into(),
            DateLayout::IsoZoned => "YYYY-MM-DD HH:MM:SS with a time zone (Z, UTC, +HH, +HHMM or +HH:MM)".into(),
            DateLayout::DayFirst => "DD/MM/YYYY".into(),
            DateLayout::MonthFirst => "MM/DD/YYYY".into(),
            DateLayout::Pattern(p) => format!("the pattern {p:?}"),
            DateLayout::UnixSeconds => "Unix time in seconds (1705312800)".into(),
            DateLayout::UnixMillis => "Unix time in milliseconds (1705312800000)".into(),
            DateLayout::SerialDays => "a spreadsheet's serial day number, 1900 date system (45306.375)".into(),
            DateLayout::SerialDays1904 => "a spreadsheet's serial day number, 1904 date system (43844.375)".into(),
        }
    }

    /// A spreadsheet serial layout's day 0, as days before 1970-01-01 (None for the others).
    pub fn serial_days_before_1970(&self) -> Option<i64> {
        match self {
            DateLayout::SerialDays => Some(SERIAL_1900_DAYS_BEFORE_1970),
            DateLayout::SerialDays1904 => Some(SERIAL_1904_DAYS_BEFORE_1970),
            _ => None,
        }
    }

    /// Seconds since 1970-01-01 (naive) of a trimmed date text, None when it is not written so.
    pub fn parse(&self, text: &str) -> Option<i64> {
        match self {
            DateLayout::Iso => parse_iso(text),
            DateLayout::IsoZoned => parse_zoned_after(text, &mut LastDay::default()),
            DateLayout::DayFirst => parse_dmy(text, true),
            DateLayout::MonthFirst => parse_dmy(text, false),
            DateLayout::Pattern(p) => NaiveDateTime::parse_from_str(text, p)
                .map(|dt| dt.and_utc().timestamp())
                .or_else(|_| NaiveDate::parse_from_str(text, p).map(|d| d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp()).unwrap_or(0)))
                .ok(),
            DateLayout::UnixSeconds => parse_unix(text, 1),
            DateLayout::UnixMillis => parse_unix(text, 1000),
            DateLayout::SerialDays | DateLayout::SerialDays1904 => parse_serial(text, self.serial_days_before_1970()?),
        }
    }

    /// The strftime pattern that reads `text`, a date in this layout's order (or year
    /// first) with a 12-hour time and AM/PM (`1/15/2024 9:05 PM`, as US-locale CRM reports
    /// write; `1/15/2024, 9:05 AM`, a comma after the date, as Salesforce's ICU locale
    /// formats and JavaScript's toLocaleString write); None unless that pattern reads it.
    pub fn twelve_hour_pattern(&self, text: &str) -> Option<String> {
        let upper = text.trim().to_ascii_uppercase();
        let before_marker = upper.strip_suffix("AM").or_else(|| upper.strip_suffix("PM"))?;
        let (date, time) = before_marker.trim_end().split_once(' ')?;
        let (date, comma) = date.strip_suffix(',').map_or((date, ""), |date| (date, ","));
        let separator = date.chars().find(|c| !c.is_ascii_digit())?;
        let order = match self {
            _ if date.split(separator).next()?.len() == 4 => ["%Y", "%m", "%d"],
            DateLayout::DayFirst => ["%d", "%m", "%Y"],
            DateLayout::MonthFirst => ["%m", "%d", "%Y"],
            _ => return None,
        };
        // %Y would read the 24 of `1/15/24` as the year 24: two-digit years have their own patterns.
        let year = if order[0] == "%Y" { date.split(separator).next() } else { date.split(separator).nth(2) };
        if year.is_none_or(|digits| digits.len() != 4) {
            return None;
        }
        let clock = if time.matches(':').count() == 2 { "%I:%M:%S" } else { "%I:%M" };
        let marker = if before_marker.ends_with(' ') { " %p" } else { "%p" };
        let pattern = format!("{}{separator}{}{separator}{}{comma} {clock}{marker}", order[0], order[1], order[2]);
        NaiveDateTime::parse_from_str(text.trim(), &pattern).is_ok().then_some(pattern)
    }

    /// The layout as text that splits into parts: the characters that separate the parts
    /// (a run of them, such as `, ` in `Jan 5, 2024`, counts as one: chrono reads any run of
    /// spaces where a pattern has one; none: numbers run together at their fixed widths,
    /// [`DatePart::fixed_width`], as `20240105` and `20240105093000` write them) and the
    /// parts in order (what SQL without a date parser can reassemble). None for ISO (every
    /// SQL engine reads it; a zoned one is shifted to UTC by the export's own expression),
    /// Err for a pattern with a part SQL cannot reassemble (`%z`, `%j` …), two parts with
    /// nothing between them elsewhere, or a letter between the parts of a pattern with names.
    pub fn split_parts(&self) -> Result<Option<(Vec<char>, Vec<DatePart>)>, String> {
        use DatePart::*;
        let time = [Hour, Minute, Second];
        match self {
            DateLayout::Iso | DateLayout::IsoZoned | DateLayout::UnixSeconds | DateLayout::UnixMillis | DateLayout::SerialDays | DateLayout::SerialDays1904 => Ok(None),
            // The date's separator (any of / . -), the time's T or space and colons, a
            // trailing Z, and the point of fractional seconds (a seventh part, ignored).
            DateLayout::DayFirst => Ok(Some((DMY_SEPARATORS.to_vec(), [Day, Month, Year].into_iter().chain(time).collect()))),
            DateLayout::MonthFirst => Ok(Some((DMY_SEPARATORS.to_vec(), [Month, Day, Year].into_iter().chain(time).collect()))),
            DateLayout::Pattern(p) => pattern_parts(p).map(Some),
        }
    }
}

/// Dates written with the month's name, as English-locale reports and databases write
/// them (`01-Jan-2024`, Oracle's and Excel's; `Jan 5, 2024`; `Monday, January 1, 2024`),
/// in the order they are tried, each with the month's short name (`%b`) and its full
/// one (`%B`), a weekday's likewise (`%a`, `%A`). A name cannot be read day-first or
/// month-first by mistake.
const MONTH_NAME_DATES: [&str; 12] = [
    "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %b, %Y", "%b %d, %Y", "%b %d %Y", "%a, %b %d, %Y", "%a %b %d, %Y", "%a %b %d %Y", "%Y-%b-%d", "%d.%b.%Y", "%d/%b/%Y",
];

/// Times a date with the month's name may carry (none first).
const MONTH_NAME_TIMES: [&str; 7] = ["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", ", %I:%M %p", ", %H:%M"];

/// The strftime pattern that reads `text`, a date with the month's name (and maybe a
/// time), to a year from 1900 on (`%d-%b-%Y` would read `01-Jan-24` as the year 24);
/// None for any other text. `date_format = "auto"` decides a column of such dates by its
/// first value, and the model file records the pattern, as if it had been set.
pub fn month_name_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let names = |date: &str| [date.to_string(), date.replace("%b", "%B").replace("%a", "%A")];
    MONTH_NAME_DATES.iter().flat_map(|date| names(date)).flat_map(|date| MONTH_NAME_TIMES.iter().map(move |time| format!("{date}{time}"))).find(|pattern| {
        let layout = DateLayout::Pattern(pattern.clone());
        layout.parse(text).is_some_and(|at| at >= YEAR_1900)
    })
}

/// What separates the parts of a day-first or month-first text: the date's separator, a
/// comma after the date (`15.11.2023, 18:22`, as toLocaleString writes it), the time's T
/// or space and colons, and a trailing Z.
const DMY_SEPARATORS: [char; 8] = ['/', '.', '-', ',', ' ', 'T', ':', 'Z'];

/// One piece of a strftime pattern as mqlcal reads patterns: a literal character, or a
/// numeric part (AM/PM included).
#[derive(Debug, Clone, Copy, PartialEq)]
enum PatternItem {
    Literal(char),
    Part(DatePart),
}

/// A pattern's pieces in order; Err for a code that is not a part mqlcal can reassemble.
/// A padding flag (`%-d`, `%_d`, `%0d`, as Python's strftime writes them) reads as the
/// plain code: chrono reads a number with or without its padding either way.
fn pattern_items(pattern: &str) -> Result<Vec<PatternItem>, String> {
    let mut items = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            items.push(PatternItem::Literal(c));
            continue;
        }
        if chars.peek().is_some_and(|next| matches!(next, '-' | '_' | '0')) {
            chars.next();
        }
        items.push(PatternItem::Part(match chars.next() {
            Some('Y') => DatePart::Year,
            Some('y') => DatePart::YearOfCentury,
            Some('m') => DatePart::Month,
            Some('b') | Some('B') | Some('h') => DatePart::MonthName,
            Some('d') | Some('e') => DatePart::Day,
            Some('a') | Some('A') => DatePart::Weekday,
            Some('H') => DatePart::Hour,
            Some('M') => DatePart::Minute,
            Some('S') => DatePart::Second,
            Some('I') => DatePart::Hour12,
            Some('p') | Some('P') => DatePart::Meridiem,
            other => {
                let code = other.map(|o| format!("%{o}")).unwrap_or_else(|| "a lone %".into());
                return Err(format!(
                    "the date pattern {pattern:?} uses {code}, which the SQL export cannot read; use only %Y or %y, %m or %b, %d, %H (or %I with %p), %M, %S and %a, or export the dates as YYYY-MM-DD"
                ));
            }
        }));
    }
    Ok(items)
}

/// The parts of a pattern, each once, with a date and one clock: Err says what is wrong.
fn check_parts(pattern: &str, parts: &[DatePart]) -> Result<(), String> {
    let meanings: Vec<DatePart> = parts.iter().map(|p| p.meaning()).collect();
    if meanings.iter().enumerate().any(|(k, p)| meanings[..k].contains(p)) {
        return Err(format!("the date pattern {pattern:?} names a part twice"));
    }
    let has = |part| parts.contains(&part);
    if (has(DatePart::Hour) || has(DatePart::Hour12)) != has(DatePart::Minute) || (has(DatePart::Second) && !has(DatePart::Minute)) {
        return Err(format!("the date pattern {pattern:?} has an hour without minutes or minutes without an hour, which chrono reads as no time at all"));
    }
    let twelve_hour = parts.contains(&DatePart::Hour12);
    if twelve_hour != parts.contains(&DatePart::Meridiem) || (twelve_hour && parts.contains(&DatePart::Hour)) {
        return Err(format!("the date pattern {pattern:?} mixes its clocks: a 12-hour time needs %I and %p together, a 24-hour one %H alone"));
    }
    for needed in [DatePart::Year, DatePart::Month, DatePart::Day] {
        if !meanings.contains(&needed) {
            return Err(format!("the date pattern {pattern:?} has no {needed:?} (%Y or %y, %m or %b, and %d are all needed)"));
        }
    }
    Ok(())
}

fn pattern_parts(pattern: &str) -> Result<(Vec<char>, Vec<DatePart>), String> {
    let items = pattern_items(pattern)?;
    // Numbers run together (`20240105`, `20240105093000`) are split at their fixed widths.
    let compact = pattern.len() % 2 == 0 && pattern.as_bytes().chunks(2).all(|code| code[0] == b'%' && b"YymdHMS".contains(&code[1]));
    if compact {
        let parts: Vec<DatePart> = items.iter().filter_map(|item| if let PatternItem::Part(p) = item { Some(*p) } else { None }).collect();
        check_parts(pattern, &parts)?;
        return Ok((Vec::new(), parts));
    }
    if items.windows(2).any(|w| matches!(w, [PatternItem::Part(_), PatternItem::Part(_)])) {
        return Err(format!(
            "the date pattern {pattern:?} has two parts with nothing between them, which the SQL export cannot split unless every part is a number of fixed width (%Y%m%d%H%M%S); export the dates as YYYY-MM-DD"
        ));
    }
    // A letter between the parts would be split out of a name as well (the T of OCT, the M
    // of PM): refused where a name could hold it.
    let has = |wanted: &[DatePart]| items.iter().any(|item| matches!(item, PatternItem::Part(p) if wanted.contains(p)));
    let in_a_name = |c: char| {
        c.is_alphabetic() && (has(&[DatePart::MonthName, DatePart::Weekday]) || (has(&[DatePart::Meridiem]) && "AaPpMm".contains(c)))
    };
    if let Some(letter) = items.iter().find_map(|item| match item {
        PatternItem::Literal(c) if in_a_name(*c) => Some(*c),
        _ => None,
    }) {
        return Err(format!(
            "the date pattern {pattern:?} has the letter {letter:?} between its parts, which the SQL export would split out of a month's or weekday's name or AM/PM too; export the dates as YYYY-MM-DD"
        ));
    }
    let mut separators: Vec<char> = Vec::new();
    let mut parts = Vec::new();
    for item in items {
        match item {
            PatternItem::Literal(c) if !separators.contains(&c) => separators.push(c),
            PatternItem::Literal(_) => {}
            PatternItem::Part(part) => parts.push(part),
        }
    }
    check_parts(pattern, &parts)?;
    Ok((separators, parts))
}

// In the model file a layout is one string: "iso", "day_first", "month_first" or a pattern.
impl Serialize for DateLayout {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            DateLayout::Iso => "iso",
            DateLayout::IsoZoned => "iso_zoned",
            DateLayout::DayFirst => "day_first",
            DateLayout::MonthFirst => "month_first",
            DateLayout::Pattern(p) => p,
            DateLayout::UnixSeconds => "unix_seconds",
            DateLayout::UnixMillis => "unix_ms",
            DateLayout::SerialDays => "excel_serial",
            DateLayout::SerialDays1904 => "excel_serial_1904",
        })
    }
}

impl<'de> Deserialize<'de> for DateLayout {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateLayout::named(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("date format {text:?}: expected {} or a strftime pattern such as \"%d/%m/%Y\"", DateLayout::NAMES))
        })
    }
}

impl DateLayout {
    /// The layouts' names, as a message lists them (a strftime pattern aside).
    pub const NAMES: &'static str = "\"iso\", \"iso_zoned\", \"day_first\", \"month_first\", \"unix_seconds\", \"unix_ms\", \"excel_serial\", \"excel_serial_1904\"";

    /// The layout a name (as the model file and the config write it) or a strftime pattern
    /// (any text with a `%`) stands for; None for other text.
    pub fn named(text: &str) -> Option<DateLayout> {
        Some(match text {
            "iso" => DateLayout::Iso,
            "iso_zoned" => DateLayout::IsoZoned,
            "day_first" => DateLayout::DayFirst,
            "month_first" => DateLayout::MonthFirst,
            "unix_seconds" => DateLayout::UnixSeconds,
            "unix_ms" => DateLayout::UnixMillis,
            "excel_serial" => DateLayout::SerialDays,
            "excel_serial_1904" => DateLayout::SerialDays1904,
            p if p.contains('%') => DateLayout::Pattern(p.to_string()),
            _ => return None,
        })
    }
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let mut v = 0u32;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u32;
    }
    Some(v)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`), exact for any year; the date is not checked (day 1 of a month is
/// always a date).
pub fn civil_to_days(year: i64, month: u32, day: u32) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let (era, year_of_era) = (y.div_euclid(400), y.rem_euclid(400));
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Days since 1970-01-01 of a real date; None for a month or day the calendar does not have.
/// (Read for every event: plain arithmetic, the same days chrono counts.)
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    (1..=days_in_month(year, month)?).contains(&day).then(|| civil_to_days(year, month, day))
}

/// How many days `month` of `year` has; None for a month the calendar does not have.
fn days_in_month(year: i64, month: u32) -> Option<u32> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Seconds in an optional `HH:MM[:SS[.fff]]` (leading T or space), with optional trailing Z.
fn parse_time(rest: &[u8]) -> Option<i64> {
    // The shape nearly every timestamp has, read without splitting (every event's time).
    if let &[b'T' | b' ', h1, h2, b':', m1, m2, b':', s1, s2] = rest {
        if [h1, h2, m1, m2, s1, s2].iter().all(u8::is_ascii_digit) {
            let two = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
            return seconds_of_day(two(h1, h2), two(m1, m2), two(s1, s2));
        }
    }
    parse_any_time(rest)
}

/// `parse_time` of any shape.
fn parse_any_time(rest: &[u8]) -> Option<i64> {
    if rest.is_empty() {
        return Some(0);
    }
    if rest[0] != b'T' && rest[0] != b' ' {
        return None;
    }
    let mut t = &rest[1..];
    if let Some(stripped) = t.strip_suffix(b"Z") {
        t = stripped;
    }
    let mut parts = t.split(|&b| b == b':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    let s = match parts.next() {
        None => 0,
        Some(sec) => {
            let whole = sec.split(|&b| b == b'.').next()?;
            digits(whole)?
        }
    };
    if parts.next().is_some() {
        return None;
    }
    seconds_of_day(h, m, s)
}

/// Seconds since midnight; None for an hour, minute or second the clock does not have
/// (a leap second, :60, is read).
fn seconds_of_day(h: u32, m: u32, s: u32) -> Option<i64> {
    (h <= 23 && m <= 59 && s <= 60).then(|| i64::from(h * 3600 + m * 60 + s))
}

fn parse_iso(text: &str) -> Option<i64> {
    parse_iso_after(text, &mut LastDay::default())
}

/// The last date an ISO timestamp was read with, and its day: read once for the many
/// events of a day (an events file lists a lead's events together); and its month, so
/// that another day of the month is its first day's count plus the day.
#[derive(Debug, Default, Clone)]
pub struct LastDay {
    date: [u8; 10],
    days: Option<i64>,
    /// `yyyy-mm` of the last date read, with the days to its first day and its length.
    month: [u8; 7],
    month_days: Option<(i64, u32)>,
    /// The last pattern read by, and its shape when it has one.
    shape: Option<(String, Option<Shape>)>,
}

impl DateLayout {
    /// `parse`, with the day of an ISO date like the last one's taken from `last`.
    pub fn parse_after(&self, text: &str, last: &mut LastDay) -> Option<i64> {
        match self {
            DateLayout::Iso => parse_iso_after(text, last),
            DateLayout::IsoZoned => parse_zoned_after(text, last),
            DateLayout::Pattern(pattern) => {
                if last.shape.as_ref().is_none_or(|(of, _)| of != pattern) {
                    last.shape = Some((pattern.clone(), Shape::of(pattern)));
                }
                let shape = last.shape.as_ref().and_then(|(_, shape)| shape.as_ref());
                shape.and_then(|shape| shape.read(text.as_bytes())).or_else(|| self.parse(text))
            }
            _ => self.parse(text),
        }
    }
}

fn parse_iso_after(text: &str, last: &mut LastDay) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let days = match (last.days, last.month_days) {
        (Some(days), _) if last.date == b[..10] => days,
        (_, Some((first, length))) if last.month == b[..7] => {
            let d = digits(&b[8..10])?;
            let days = (1..=length).contains(&d).then(|| first + i64::from(d) - 1)?;
            last.date.copy_from_slice(&b[..10]);
            last.days = Some(days);
            days
        }
        _ => {
            let y = digits(&b[0..4])?;
            let mo = digits(&b[5..7])?;
            let d = digits(&b[8..10])?;
            let days = days_from_civil(y as i64, mo, d)?;
            last.date.copy_from_slice(&b[..10]);
            last.days = Some(days);
            last.month.copy_from_slice(&b[..7]);
            last.month_days = days_in_month(y as i64, mo).map(|length| (days - i64::from(d) + 1, length));
            days
        }
    };
    Some(days * 86_400 + parse_time(&b[10..])?)
}

/// A pattern of numbers and literal characters (`%m/%d/%Y %I:%M:%S %p`), read without
/// chrono when a text has exactly its shape: numbers of one or two digits, a year of
/// four, AM or PM in any case, every literal as written. That is how an export writes
/// every cell, so each event is read by plain arithmetic; any other text (two spaces, a
/// leap second, a sign) goes to chrono, which decides as it always did. Only what chrono
/// reads the same way is read here (the tests hold it to that).
#[derive(Debug, Clone, PartialEq)]
struct Shape {
    tokens: Vec<ShapeToken>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ShapeToken {
    Literal(u8),
    Number(DatePart),
    Meridiem,
}

impl Shape {
    /// The shape of a pattern of numbers with something between them (AM/PM may follow
    /// a number directly), a date and one clock, and ASCII literals; None for any other
    /// (names, a two-digit year, padding flags and the space-padded %e go to chrono).
    fn of(pattern: &str) -> Option<Shape> {
        if ["%-", "%_", "%0", "%e"].iter().any(|flag| pattern.contains(flag)) {
            return None;
        }
        let items = pattern_items(pattern).ok()?;
        let parts: Vec<DatePart> = items.iter().filter_map(|i| if let PatternItem::Part(p) = i { Some(*p) } else { None }).collect();
        check_parts(pattern, &parts).ok()?;
        if parts.iter().any(|p| matches!(p, DatePart::YearOfCentury | DatePart::MonthName | DatePart::Weekday)) {
            return None;
        }
        let tokens = items
            .iter()
            .map(|item| match *item {
                PatternItem::Part(DatePart::Meridiem) => Some(ShapeToken::Meridiem),
                PatternItem::Part(part) => Some(ShapeToken::Number(part)),
                PatternItem::Literal(c) if c == ' ' || c.is_ascii_graphic() => Some(ShapeToken::Literal(c as u8)),
                PatternItem::Literal(_) => None,
            })
            .collect::<Option<Vec<_>>>()?;
        let adjacent_numbers = tokens.windows(2).any(|w| matches!(w, [ShapeToken::Number(_), ShapeToken::Number(_)]));
        (!adjacent_numbers).then_some(Shape { tokens })
    }

    /// Seconds since 1970-01-01 of a text of exactly this shape naming a real time
    /// (seconds 0-59); None otherwise.
    fn read(&self, text: &[u8]) -> Option<i64> {
        let (mut at, mut pm) = (0, None);
        let (mut year, mut month, mut day, mut hour, mut hour12, mut minute, mut second) = (None, None, None, None, None, 0, 0);
        for token in &self.tokens {
            match *token {
                ShapeToken::Literal(c) => {
                    if text.get(at) != Some(&c) {
                        return None;
                    }
                    at += 1;
                }
                ShapeToken::Meridiem => {
                    let &[half, m] = text.get(at..at + 2)? else { return None };
                    pm = Some(match half.to_ascii_uppercase() {
                        b'A' => false,
                        b'P' => true,
                        _ => return None,
                    });
                    if !m.eq_ignore_ascii_case(&b'M') {
                        return None;
                    }
                    at += 2;
                }
                ShapeToken::Number(part) => {
                    let rest = &text[at.min(text.len())..];
                    let length = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                    let fits = if part == DatePart::Year { length == 4 } else { (1..=2).contains(&length) };
                    if !fits {
                        return None;
                    }
                    let value = rest[..length].iter().fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
                    at += length;
                    match part {
                        DatePart::Year => year = Some(value),
                        DatePart::Month => month = Some(value),
                        DatePart::Day => day = Some(value),
                        DatePart::Hour => hour = Some(value),
                        DatePart::Hour12 => hour12 = Some(value),
                        DatePart::Minute => minute = value,
                        DatePart::Second => second = value,
                        DatePart::Meridiem | DatePart::YearOfCentury | DatePart::MonthName | DatePart::Weekday => return None,
                    }
                }
            }
        }
        if at != text.len() {
            return None;
        }
        let hour = match (hour, hour12, pm) {
            (Some(h), None, None) => h,
            (None, Some(h), Some(pm)) if (1..=12).contains(&h) => h % 12 + if pm { 12 } else { 0 },
            (None, None, None) => 0,
            _ => return None,
        };
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(i64::from(year?), month?, day?)?;
        Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
    }
}

/// A timestamp of `IsoZoned` as the UTC instant: its wall-clock time less its zone's offset.
fn parse_zoned_after(text: &str, last: &mut LastDay) -> Option<i64> {
    let (wall, east_of_utc) = split_zone(text)?;
    Some(parse_iso_after(wall, last)? - east_of_utc)
}

/// An ISO timestamp split into its wall-clock text and its zone's offset east of UTC in
/// seconds (0 for Z, UTC, GMT or no zone); None for a zone written otherwise or out of
/// range. The zone follows a time, so the date's own hyphens are never taken for a sign.
fn split_zone(text: &str) -> Option<(&str, i64)> {
    let b = text.as_bytes();
    if b.len() <= 11 || !matches!(b[10], b'T' | b' ') {
        return Some((text, 0));
    }
    if let Some(wall) = ["Z", "UTC", "GMT"].iter().find_map(|name| text.strip_suffix(name)) {
        return Some((wall.trim_end(), 0));
    }
    let Some(sign_at) = b[11..].iter().position(|&c| c == b'+' || c == b'-').map(|p| p + 11) else {
        return Some((text, 0));
    };
    let (hours, minutes) = match &b[sign_at + 1..] {
        [h1, h2] => ([*h1, *h2], [b'0', b'0']),
        [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => ([*h1, *h2], [*m1, *m2]),
        _ => return None,
    };
    let (hours, minutes) = (digits(&hours)?, digits(&minutes)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let offset = i64::from(hours * 3600 + minutes * 60);
    Some((text[..sign_at].trim_end(), if b[sign_at] == b'-' { -offset } else { offset }))
}

/// (first, second, year) of `a/b/yyyy[,][ time]` with / . or - separators.
pub fn dmy_parts(text: &str) -> Option<(u32, u32, u32)> {
    let b = text.as_bytes();
    let date_end = b.iter().position(|&c| c == b' ' || c == b'T').unwrap_or(b.len());
    // A comma may end the date before its time (`15.11.2023, 18:22:01`).
    let date = b[..date_end].strip_suffix(b",").filter(|_| date_end < b.len()).unwrap_or(&b[..date_end]);
    let sep = *date.iter().find(|c| matches!(c, b'/' | b'.' | b'-'))?;
    let mut parts = date.split(|&c| c == sep);
    let a = digits(parts.next()?)?;
    let bb = digits(parts.next()?)?;
    let year_bytes = parts.next()?;
    if parts.next().is_some() || year_bytes.len() != 4 {
        return None;
    }
    Some((a, bb, digits(year_bytes)?))
}

fn parse_dmy(text: &str, day_first: bool) -> Option<i64> {
    let (a, b, year) = dmy_parts(text)?;
    let (day, month) = if day_first { (a, b) } else { (b, a) };
    let days = days_from_civil(year as i64, month, day)?;
    let date_end = text.find([' ', 'T']).unwrap_or(text.len());
    Some(days * 86_400 + parse_time(&text.as_bytes()[date_end..])?)
}

#[cfg(test)]
mod month_name_tests {
    #[test]
    fn dates_with_the_months_name_are_read_by_the_pattern_found() {
        use super::*;
        let read = |text: &str| month_name_pattern(text).map(|p| (p.clone(), DateLayout::Pattern(p).parse(text).unwrap()));
        let jan_5 = 1_704_412_800; // 2024-01-05 00:00:00 UTC
        for (text, pattern, at) in [
            ("05-Jan-2024", "%d-%b-%Y", jan_5),
            ("05-JAN-24", "%d-%b-%y", jan_5),
            ("5 Jan 2024", "%d %b %Y", jan_5),
            ("Jan 5, 2024", "%b %d, %Y", jan_5),
            ("January 05, 2024", "%B %d, %Y", jan_5),
            ("Friday, January 5, 2024", "%A, %B %d, %Y", jan_5),
            ("Fri, Jan 5, 2024", "%a, %b %d, %Y", jan_5),
            ("Jan 5, 2024 9:30 PM", "%b %d, %Y %I:%M %p", jan_5 + 21 * 3600 + 1800),
            ("05-Jan-2024 09:30:15", "%d-%b-%Y %H:%M:%S", jan_5 + 9 * 3600 + 1815),
            ("2024-Jan-05", "%Y-%b-%d", jan_5),
        ] {
            assert_eq!(read(text), Some((pattern.to_string(), at)), "{text}");
        }
        for other in ["2024-01-05", "05/01/2024", "1705312800", "Jan 2024", "Janvier 5, 2024", "soon", "", "05-Foo-2024"] {
            assert_eq!(month_name_pattern(other), None, "{other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_as_numbers_are_named_with_the_date_they_would_be() {
        // Excel's own examples: DATE(2008,1,1) is 39448; 45306 is 2024-01-15, .375 of a day 9 AM.
        for (text, says) in [
            ("39448", "serial number (39448 is 2008-01-01)"),
            ("45306", "serial number (45306 is 2024-01-15)"),
            ("45306.375", "(45306.375 is 2024-01-15 09:00:00): set date_format = \"excel_serial\" (\"excel_serial_1904\" if the workbook uses the 1904 date system"),
            ("1705312800", "Unix time in seconds (1705312800 is 2024-01-15 10:00:00 UTC): set date_format = \"unix_seconds\""),
            ("1705312800.75", "(1705312800.75 is 2024-01-15 10:00:00 UTC)"),
            ("1705312800000", "Unix time in milliseconds (1705312800000 is 2024-01-15 10:00:00 UTC): set date_format = \"unix_ms\""),
            (" 999999999 ", "2001-09-09 01:46:39 UTC"),
            ("20240105", "a date written as one run of digits (20240105 is 2024-01-05): set date_format = \"%Y%m%d\""),
            ("20240105093015", "(20240105093015 is 2024-01-05 09:30:15): set date_format = \"%Y%m%d%H%M%S\""),
        ] {
            let hint = numeric_date(text).map(|(what, fix)| format!("{what}: {fix}"));
            assert!(hint.as_ref().is_some_and(|hint| hint.contains(says)), "{text}: {hint:?}");
        }
        for text in ["2024", "12345", "99999", "-45306", "L0000001", "1705312800000.5", "17053128", "20241305", "18991231", "2024010", "45306x", "", ".5", "2024-01-15"] {
            assert_eq!(numeric_date(text), None, "{text}");
        }
    }

    #[test]
    fn serial_days_read_as_chrono_counts_them_to_the_nearest_second() {
        // Excel's own: 45306.375 is 2024-01-15 09:00 in the 1900 system, 43844.375 in the 1904 one.
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp();
        assert_eq!(DateLayout::SerialDays.parse("45306.375"), Some(at("2024-01-15 09:00:00")));
        assert_eq!(DateLayout::SerialDays1904.parse("43844.375"), Some(at("2024-01-15 09:00:00")));
        assert_eq!(DateLayout::SerialDays.parse("39448"), Some(at("2008-01-01 00:00:00")));
        assert_eq!(DateLayout::SerialDays.parse("25569"), Some(0));
        // 09:05 as a spreadsheet writes it (15 significant digits), and as 17 digits: the same second.
        for text in ["45306.3784722222", "45306.37847222222", "45306.378472222222222222222222222222222"] {
            assert_eq!(DateLayout::SerialDays.parse(text), Some(at("2024-01-15 09:05:00")), "{text}");
        }
        // Every second of a random sample of 1950-2100, written as the spreadsheet would
        // (the day and the fraction of it, to 10 or 15 significant digits): read back exactly.
        let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
        for k in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let seconds = at("1950-01-01 00:00:00") + (rng % (150 * 365 * 86_400)) as i64;
            let serial = (seconds as f64) / 86_400.0 + 25_569.0;
            let text = if k % 2 == 0 { format!("{serial:.10}") } else { format!("{}", (serial * 1e10).round() / 1e10) };
            assert_eq!(DateLayout::SerialDays.parse(&text), Some(seconds), "{text}");
            let text_1904 = format!("{:.10}", serial - 1462.0);
            assert_eq!(DateLayout::SerialDays1904.parse(&text_1904), Some(seconds), "{text_1904}");
        }
        for text in ["", ".5", "-45306", "45306.", "4e4", "45306,5", "2024-01-15", "12345678"] {
            assert_eq!(DateLayout::SerialDays.parse(text), None, "{text:?}");
        }
        for layout in [DateLayout::SerialDays, DateLayout::SerialDays1904] {
            let name = serde_json::to_string(&layout).unwrap();
            assert_eq!(serde_json::from_str::<DateLayout>(&name).unwrap(), layout, "{name}");
            assert!(!layout.is_utc_instant(), "wall-clock time, as the spreadsheet showed it");
        }
    }

    #[test]
    fn unix_time_reads_as_chrono_counts_it_rounded_down_to_the_second() {
        use chrono::DateTime;
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for k in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let millis = (rng % 8_000_000_000_000) as i64 - 1_000_000_000_000 + i64::from(k % 3 == 0) * 1000;
            let chrono = DateTime::from_timestamp_millis(millis).unwrap().timestamp();
            assert_eq!(DateLayout::UnixMillis.parse(&millis.to_string()), Some(chrono), "{millis} ms");
            // The same instant in seconds with its fraction (as "-1.5" or "1705312800.437").
            let seconds = format!("{}{}.{:03}", if millis < 0 { "-" } else { "" }, millis.unsigned_abs() / 1000, millis.unsigned_abs() % 1000);
            assert_eq!(DateLayout::UnixSeconds.parse(&seconds), Some(chrono), "{seconds} s");
            assert_eq!(DateLayout::UnixSeconds.parse(&(millis.div_euclid(1000)).to_string()), Some(chrono));
        }
        for text in ["", "-", "1e9", "17053128OO", "1705312800.", ".5", "+1705312800", "1705312800 ", "1 705 312 800", "0x10"] {
            assert_eq!(DateLayout::UnixSeconds.parse(text), None, "{text:?}");
        }
        assert_eq!(DateLayout::UnixMillis.parse("1705312800000.5"), None, "milliseconds are whole");
        // Detected from a column's first value: 9-10 digits are seconds, 12-13 milliseconds.
        assert_eq!(unix_layout("1705312800"), Some(DateLayout::UnixSeconds));
        assert_eq!(unix_layout("1705312800.25"), Some(DateLayout::UnixSeconds));
        assert_eq!(unix_layout("1705312800000"), Some(DateLayout::UnixMillis));
        for text in ["45306", "20240115", "01705312800", "17053128000", "1705312800000.5", "2024-01-15"] {
            assert_eq!(unix_layout(text), None, "{text}");
        }
        for layout in [DateLayout::UnixSeconds, DateLayout::UnixMillis] {
            let json = serde_json::to_string(&layout).unwrap();
            assert_eq!(serde_json::from_str::<DateLayout>(&json).unwrap(), layout, "{json}");
        }
    }

    #[test]
    fn days_from_civil_counts_every_day_of_years_0_to_9999_as_chrono_does() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for year in 0..=9999i64 {
            for month in 0..=13u32 {
                for day in 0..=32u32 {
                    let chrono = NaiveDate::from_ymd_opt(year as i32, month, day).map(|d| d.signed_duration_since(epoch).num_days());
                    assert_eq!(days_from_civil(year, month, day), chrono, "{year}-{month}-{day}");
                }
            }
        }
    }

    #[test]
    fn the_common_time_shape_is_read_as_any_time_is() {
        let mut times = Vec::new();
        // Every hour and minute 00..99 with seconds about the edges, after T or a space.
        for (h, m) in (0..100).flat_map(|h| (0..100).map(move |m| (h, m))) {
            for s in [0, 9, 59, 60, 61, 99] {
                for sep in ['T', ' '] {
                    times.push(format!("{sep}{h:02}:{m:02}:{s:02}").into_bytes());
                }
            }
        }
        // One byte of a time changed to anything a timestamp holds, at each place.
        for at in 0..9 {
            for b in b"0123456789:T Z.-/x".iter().copied().chain([0x80]) {
                let mut time = b"T12:34:56".to_vec();
                time[at] = b;
                times.push(time);
            }
        }
        for time in &times {
            assert_eq!(parse_time(time), parse_any_time(time), "{:?}", String::from_utf8_lossy(time));
        }
        assert_eq!(parse_time(b"T23:59:60"), Some(86_400));
        assert_eq!(parse_time(b"T24:00:00"), None);
        assert_eq!(parse_time(b" 07:05:09"), Some(25_509));
    }

    #[test]
    fn an_iso_date_like_the_last_one_reads_as_it_would_alone() {
        let texts = [
            "2024-01-01T08:00:00", "2024-01-01T09:30:00", "2024-01-01 bad", "2024-01-01", "2024-02-30T00:00:00", "2024-02-30", "2024-01-02T00:00:00",
            "2023-12-31T23:59:59", "2024-01-0x", "2024-01-31T10:00:00", "2024-01-32T10:00:00", "2024-01-00T10:00:00", "2024-01-1", "2024-01-+1T10:00:00",
            "2024-02-01T00:00:00", "2024-02-29T12:00:00", "2023-02-29T12:00:00", "2023-02-28", "1900-02-29", "2000-02-29", "2024-1x-05", "0000-03-01",
        ];
        let mut last = LastDay::default();
        // Each text after each other, so every pair is tried with the first one's day remembered.
        for first in texts {
            for then in texts {
                DateLayout::Iso.parse_after(first, &mut last);
                assert_eq!(DateLayout::Iso.parse_after(then, &mut last), parse_iso(then), "{first} then {then}");
            }
        }
        // And zoned: a zone moves the day, which the remembered day must not keep.
        let zoned = ["2024-01-01T01:00:00+02:00", "2024-01-01T01:00:00", "2024-01-01T23:00:00-02:00", "2024-01-31 23:30:00 UTC", "2024-02-01T00:30:00+01", "2024-01-01 x+02:00"];
        for first in texts.iter().chain(&zoned) {
            for then in texts.iter().chain(&zoned) {
                DateLayout::IsoZoned.parse_after(first, &mut last);
                assert_eq!(DateLayout::IsoZoned.parse_after(then, &mut last), DateLayout::IsoZoned.parse(then), "{first} then {then}");
            }
        }
    }

    #[test]
    fn iso_dates_and_times() {
        assert_eq!(parse_iso("1970-01-02"), Some(86_400));
        assert_eq!(parse_iso("1970-01-01T01:00:05"), Some(3605));
        assert_eq!(parse_iso("1970-01-01 00:01"), Some(60));
        assert_eq!(parse_iso("1970-01-01T00:00:01.250Z"), Some(1));
        assert_eq!(parse_iso("2024-02-30"), None);
        assert_eq!(parse_iso("2024-13-01"), None);
        assert_eq!(parse_iso("20240101"), None);
    }

    #[test]
    fn a_zoned_timestamp_is_read_as_its_utc_instant() {
        let zoned = DateLayout::IsoZoned;
        let wall = parse_iso("2024-01-15T09:05:00").unwrap();
        for (text, east_of_utc) in [
            ("2024-01-15T09:05:00+02:00", 7200),
            ("2024-01-15 09:05:00+02", 7200),
            ("2024-01-15T09:05:00.000+0200", 7200),
            ("2024-01-15 09:05:00 -05:30", -19_800),
            ("2024-01-15 09:05:00-00:00", 0),
            ("2024-01-15 09:05:00 UTC", 0),
            ("2024-01-15 09:05:00.123456 UTC", 0),
            ("2024-01-15 09:05:00 GMT", 0),
            ("2024-01-15T09:05:00Z", 0),
            ("2024-01-15T09:05:00", 0),
            ("2024-01-15 09:05+01:00", 3600),
        ] {
            assert_eq!(zoned.parse(text), Some(wall - east_of_utc), "{text}");
        }
        // Across a day, a month and a year; a date alone is its midnight.
        assert_eq!(zoned.parse("2024-01-01T01:00:00+02:00"), parse_iso("2023-12-31T23:00:00"));
        assert_eq!(zoned.parse("2024-02-29 22:30:00-03:00"), parse_iso("2024-03-01T01:30:00"));
        assert_eq!(zoned.parse("2024-01-15"), parse_iso("2024-01-15"));
        for bad in [
            "2024-01-15T09:05:00+2", "2024-01-15T09:05:00+24:00", "2024-01-15T09:05:00+02:60", "2024-01-15T09:05:00+02:00:00",
            "2024-01-15T09:05:00 CET", "2024-01-15T09:05:00+0x:00", "2024-01-15T09:05:00+", "2024-01-15Z", "2024-13-15T09:05:00+02:00",
            "2024-01-15T09:05:00+02:00Z", "2024-01-15T25:05:00+02:00",
        ] {
            assert_eq!(zoned.parse(bad), None, "{bad}");
        }
        // Plain ISO reads no zone but Z (as it always has).
        assert_eq!(DateLayout::Iso.parse("2024-01-15T09:05:00+02:00"), None);
        assert_eq!(DateLayout::Iso.parse("2024-01-15 09:05:00 UTC"), None);
    }

    #[test]
    fn zoned_timestamps_are_the_instants_chrono_reads() {
        use chrono::DateTime;
        // Every quarter-hour offset a zone has had, at times around midnight and the year's end.
        let mut compared = 0;
        for wall in ["2023-12-31T23:59:59", "2024-01-01T00:00:00", "2024-02-29T12:34:56", "2024-06-30T07:15:00"] {
            for quarters in -56..=56i32 {
                let (sign, minutes) = (if quarters < 0 { '-' } else { '+' }, quarters.unsigned_abs() * 15);
                let (h, m) = (minutes / 60, minutes % 60);
                let colon = format!("{wall}{sign}{h:02}:{m:02}");
                let chrono = DateTime::parse_from_rfc3339(&colon).unwrap().timestamp();
                assert_eq!(DateLayout::IsoZoned.parse(&colon), Some(chrono), "{colon}");
                let plain = format!("{} {}{sign}{h:02}{m:02}", &wall[..10], &wall[11..]);
                let chrono = DateTime::parse_from_str(&plain, "%Y-%m-%d %H:%M:%S%z").unwrap().timestamp();
                assert_eq!(DateLayout::IsoZoned.parse(&plain), Some(chrono), "{plain}");
                compared += 2;
            }
        }
        assert_eq!(compared, 4 * 113 * 2);
    }

    /// Texts as patterns write them (numbers padded or not, AM/PM in any case, out-of-range
    /// values) and one-byte mutations of them: whatever the shape reads, chrono reads the
    /// same, and a pattern's reading after other texts is chrono's reading of the text.
    #[test]
    fn a_text_of_the_patterns_shape_reads_as_chrono_reads_it() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(12);
        let patterns = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M", "%Y-%m-%d %I:%M%p", "%d/%m/%Y", "%m-%d-%Y %H:%M:%S"];
        let (mut shaped, mut compared) = (0, 0);
        for pattern in patterns {
            let layout = DateLayout::Pattern(pattern.into());
            let shape = Shape::of(pattern).expect("a pattern of numbers has a shape");
            let mut last = LastDay::default();
            for _ in 0..30_000 {
                let mut text = String::new();
                let mut spec = pattern.chars();
                while let Some(c) = spec.next() {
                    if c != '%' {
                        text.push(c);
                        continue;
                    }
                    let value: u32 = match spec.next().unwrap() {
                        'Y' => rng.random_range(1899..2101),
                        'm' => rng.random_range(0..14),
                        'd' => rng.random_range(0..33),
                        'H' => rng.random_range(0..25),
                        'I' => rng.random_range(0..14),
                        'M' | 'S' => rng.random_range(0..62),
                        _ => {
                            text.push_str(["AM", "PM", "am", "pm", "Am", "pM"][rng.random_range(0..6)]);
                            continue;
                        }
                    };
                    text.push_str(&if rng.random_bool(0.5) { format!("{value:02}") } else { value.to_string() });
                }
                let mut bytes = text.into_bytes();
                if rng.random_bool(0.3) {
                    let at = rng.random_range(0..bytes.len());
                    const BYTES: &[u8] = b"0123456789 /.:-AaPpMmx\t+";
                    let other = BYTES[rng.random_range(0..BYTES.len())];
                    match rng.random_range(0..3) {
                        0 => bytes[at] = other,
                        1 => bytes.insert(at, other),
                        _ => drop(bytes.remove(at)),
                    }
                }
                let text = String::from_utf8(bytes).unwrap();
                let chrono = layout.parse(&text);
                if let Some(seconds) = shape.read(text.as_bytes()) {
                    assert_eq!(Some(seconds), chrono, "{pattern}: {text:?}");
                    shaped += 1;
                }
                assert_eq!(layout.parse_after(&text, &mut last), chrono, "{pattern}: {text:?} after others");
                compared += 1;
            }
        }
        assert!(shaped > compared / 3, "the shape reads most texts: {shaped} of {compared}");
        // Patterns it does not take: a named month, an hour without minutes, a tab.
        for pattern in ["%d %b %Y", "%d-%m-%y", "%a %d/%m/%Y", "%-m/%-d/%Y", "%e/%m/%Y", "%d/%m/%Y %H", "%d/%m/%Y\t%H:%M", "%Y%m%d", "%d/%m/%Y %I:%M", "%d/%m/%Y %H:%M %p", "%d/%m/%Y %S", "%d/%m/%Y %H:%M %m"] {
            assert_eq!(Shape::of(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn day_first_month_first_and_patterns() {
        assert_eq!(DateLayout::DayFirst.parse("02/01/1970"), Some(86_400));
        assert_eq!(DateLayout::MonthFirst.parse("01/02/1970 00:00:10"), Some(86_410));
        assert_eq!(DateLayout::Pattern("%d.%m.%Y".into()).parse("02.01.1970"), Some(86_400));
    }

    #[test]
    fn the_model_file_spells_a_layout_as_one_string() {
        for (layout, text) in [
            (DateLayout::Iso, "\"iso\""),
            (DateLayout::IsoZoned, "\"iso_zoned\""),
            (DateLayout::DayFirst, "\"day_first\""),
            (DateLayout::MonthFirst, "\"month_first\""),
            (DateLayout::Pattern("%d.%m.%Y %H:%M".into()), "\"%d.%m.%Y %H:%M\""),
        ] {
            assert_eq!(serde_json::to_string(&layout).unwrap(), text);
            assert_eq!(serde_json::from_str::<DateLayout>(text).unwrap(), layout);
        }
        let err = serde_json::from_str::<DateLayout>("\"dd/mm/yyyy\"").unwrap_err().to_string();
        assert!(err.contains("expected \"iso\""), "{err}");
    }

    #[test]
    fn split_parts_of_each_layout() {
        use DatePart::*;
        let split = |pattern: &str| DateLayout::Pattern(pattern.into()).split_parts();
        assert_eq!(DateLayout::Iso.split_parts(), Ok(None));
        let (seps, parts) = DateLayout::DayFirst.split_parts().unwrap().unwrap();
        assert_eq!(parts[..3], [Day, Month, Year]);
        assert!(seps.contains(&'.') && seps.contains(&'T'));
        assert_eq!(split("%m-%d-%Y %H:%M"), Ok(Some((vec!['-', ' ', ':'], vec![Month, Day, Year, Hour, Minute]))));
        assert!(split("%d %j %Y").unwrap_err().contains("%j"));
        // Numbers run together at fixed widths: no separators. Elsewhere, refused.
        assert_eq!(split("%Y%m%d"), Ok(Some((vec![], vec![Year, Month, Day]))));
        assert_eq!(split("%Y%m%d%H%M%S"), Ok(Some((vec![], vec![Year, Month, Day, Hour, Minute, Second]))));
        for refused in ["%Y%m%d %H:%M", "%Y%-m%d", "%Y%b%d", "%Y%m%e"] {
            assert!(split(refused).unwrap_err().contains("nothing between"), "{refused}");
        }
        assert!(split("%Y%m%d%H").unwrap_err().contains("an hour without minutes"));
        assert!(split("%d/%m/%Y %H").unwrap_err().contains("an hour without minutes"));
        assert!(split("%d/%m").unwrap_err().contains("Year"));
        // A 12-hour clock: %I with %p, split by a separator.
        assert_eq!(split("%m/%d/%Y %I:%M %p"), Ok(Some((vec!['/', ' ', ':'], vec![Month, Day, Year, Hour12, Minute, Meridiem]))));
        for mixed in ["%m/%d/%Y %I:%M", "%m/%d/%Y %H:%M %p", "%m/%d/%Y %H %I:%M %p"] {
            assert!(split(mixed).unwrap_err().contains("mixes its clocks"), "{mixed}");
        }
        assert!(split("%m/%d/%Y %I:%M%p").unwrap_err().contains("nothing between"));
        // Names, two-digit years and runs of separators (a run is one: the SQL collapses it).
        assert_eq!(split("%d-%b-%y"), Ok(Some((vec!['-'], vec![Day, MonthName, YearOfCentury]))));
        assert_eq!(
            split("%a, %B %d, %Y %I:%M:%S %p"),
            Ok(Some((vec![',', ' ', ':'], vec![Weekday, MonthName, Day, Year, Hour12, Minute, Second, Meridiem])))
        );
        assert_eq!(split("%-m/%-d/%Y, %-I:%M %p"), Ok(Some((vec!['/', ',', ' ', ':'], vec![Month, Day, Year, Hour12, Minute, Meridiem]))));
        assert_eq!(split("%a %b %e %H:%M:%S %Y"), Ok(Some((vec![' ', ':'], vec![Weekday, MonthName, Day, Hour, Minute, Second, Year]))));
        for twice in ["%d %b %m %Y", "%d-%m-%Y %y"] {
            assert!(split(twice).unwrap_err().contains("names a part twice"), "{twice}");
        }
        // A letter a name could hold would be split out of it too; elsewhere it is a separator.
        for lettered in ["%b %d, %Y at %H:%M", "%d-%b-%YT%H:%M", "%d %B %Y um %H:%M"] {
            assert!(split(lettered).is_err(), "{lettered}");
        }
        assert!(split("%b %d, %Y at %H:%M").unwrap_err().contains("the letter 'a'"));
        assert!(split("%m/%d/%Y at %I:%M %p").unwrap_err().contains("the letter 'a'"));
        assert_eq!(split("%m/%d/%YT%I:%M %p").map(|s| s.map(|(seps, _)| seps)), Ok(Some(vec!['/', 'T', ':', ' '])));
    }
}
