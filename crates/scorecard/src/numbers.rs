//! How a number is written in a leads file: the one home of the decimal mark, read
//! alike by training (`mqlcal features`, `validate`, `init`) and by `mqlcal score`, which
//! reads it from the model file.

use serde::{Deserialize, Serialize};

/// The decimal mark of the leads files' numbers (`[input] decimal`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecimalMark {
    /// `1234.5`, as code, databases and English-locale spreadsheets write it.
    #[default]
    #[serde(rename = ".")]
    Point,
    /// `1234,5` or `1.234,5`, as spreadsheets and CRMs set to most European locales
    /// write it (with `;` between fields). A `.` may group thousands, three digits at a
    /// time, as may a space (`1 234,5`, with a no-break or narrow no-break space as French
    /// writes it); a `.` anywhere else makes the cell unreadable rather than read one way
    /// or the other.
    #[serde(rename = ",")]
    Comma,
}

impl DecimalMark {
    /// Whether this is the default (the model file then does not record it).
    pub fn is_point(&self) -> bool {
        *self == DecimalMark::Point
    }

    /// A trimmed cell read as a number (Rust's float syntax, `1e3`, `inf` and `NaN`
    /// included, with this mark for the decimal point); None when it is not one.
    pub fn read(&self, text: &str) -> Option<f64> {
        match self {
            DecimalMark::Point => text.parse().ok(),
            DecimalMark::Comma => {
                let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
                let whole_end = digits.find([',', 'e', 'E']).unwrap_or(digits.len());
                let whole = &digits[..whole_end];
                let sign = &text[..text.len() - digits.len()];
                let mut plain = String::with_capacity(text.len());
                plain.push_str(sign);
                if let Some(separator) = whole.chars().find(|c| THOUSANDS.contains(c)) {
                    // Thousands grouped by one separator: 1 to 3 digits (not led by a 0), then groups of exactly three.
                    let mut groups = whole.split(separator);
                    let first = groups.next().unwrap_or("");
                    let digit_groups = |g: &str, sizes: std::ops::RangeInclusive<usize>| sizes.contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit());
                    if !digit_groups(first, 1..=3) || first.starts_with('0') || !groups.clone().all(|g| digit_groups(g, 3..=3)) {
                        return None;
                    }
                    plain.push_str(first);
                    groups.for_each(|g| plain.push_str(g));
                } else {
                    plain.push_str(whole);
                }
                let rest = &digits[whole_end..];
                if rest.contains('.') {
                    return None;
                }
                plain.push_str(&rest.replacen(',', ".", 1));
                plain.parse().ok()
            }
        }
    }
}

/// The signs of the currencies an amount is most often written with.
const CURRENCY_SIGNS: [char; 4] = ['$', '€', '£', '¥'];

/// An amount written as money (`$1,200.50`, `1.200,50 €`, `USD 1,200`, `($300)`), read with
/// `mark` for its decimal mark (thousands grouped by the other one, or a space); None for
/// anything without a currency's sign or code. Profiling ranks such a column by its
/// amounts; signals still read only plain numbers (`formatted_number` says so).
pub fn money(text: &str, mark: DecimalMark) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner.trim()),
        None => (false, text),
    };
    let coded = CURRENCIES.iter().find_map(|code| text.strip_prefix(code).or_else(|| text.strip_suffix(code)));
    if coded.is_none() && !text.contains(CURRENCY_SIGNS) {
        return None;
    }
    let amount: String = coded.unwrap_or(text).chars().filter(|c| !CURRENCY_SIGNS.contains(c) && !c.is_whitespace()).collect();
    // Thousands grouped three digits at a time, as the decimal comma's reading checks them:
    // with a decimal point, the amount is read so with the marks swapped.
    let swapped = |c: char| match c {
        ',' => '.',
        '.' => ',',
        c => c,
    };
    let plain: String = match mark {
        DecimalMark::Point => amount.chars().map(swapped).collect(),
        DecimalMark::Comma => amount,
    };
    let value = DecimalMark::Comma.read(&plain).filter(|v| v.is_finite())?;
    Some(if negative { -value } else { value })
}

/// Currency codes (ISO 4217) a CRM writes beside an amount.
const CURRENCIES: [&str; 20] = ["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "INR", "BRL", "MXN", "CNY", "SGD", "HKD", "ZAR"];

/// What may group thousands with a decimal comma: a point, or a space (plain, no-break or narrow no-break).
const THOUSANDS: [char; 4] = ['.', ' ', '\u{a0}', '\u{202f}'];

/// Whose rule a file's numbers are read by, for what a message tells to do: the
/// analyst's config (training), or a model file's record (scoring a batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBy {
    Config,
    Model,
}

/// The error values Excel and Google Sheets show where a formula found no value (`#N/A`:
/// a lookup, as an enrichment sheet's, that found nothing). Upper case, as they write them.
const SPREADSHEET_ERRORS: [&str; 16] = [
    "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#ERROR!", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
];

/// A spreadsheet's error value ([`SPREADSHEET_ERRORS`], in any case, trimmed): a cell whose
/// formula found no value, not a value. The one rule of which texts are one, for the
/// message refusing such a number and for `init`, which drafts them as blanks.
pub fn is_spreadsheet_error(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('#') && SPREADSHEET_ERRORS.iter().any(|error| error.eq_ignore_ascii_case(text))
}

/// How pandas writes a missing value once a frame's cells are made text (`astype(str)`,
/// a Spark or Arrow export of it): NaN, pandas' NA and a missing time.
const PANDAS_BLANKS: [&str; 4] = ["nan", "NaN", "<NA>", "NaT"];

/// How a database's text export writes NULL: MySQL's `SELECT … INTO OUTFILE`, PostgreSQL's
/// `COPY` in its text format, a Snowflake unload (its default `NULL_IF`), Hive's text tables.
const DATABASE_NULL: &str = "\\N";

/// A tool that writes a text where a cell has no value: no CRM writes one of these for a
/// value, so `init` drafts them under `[input] missing` wherever the leads hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankWriter {
    /// pandas, once a frame's cells are made text (`nan`, `<NA>`, `NaT`).
    Pandas,
    /// A spreadsheet's formula that found no value (`#N/A`: [`is_spreadsheet_error`]).
    Spreadsheet,
    /// A database's text export (`\N`).
    Database,
}

impl BlankWriter {
    /// What the text is, as messages say it.
    pub fn what(self) -> &'static str {
        match self {
            BlankWriter::Pandas => "how pandas writes a blank once a frame is made text",
            BlankWriter::Spreadsheet => "a spreadsheet's error value",
            BlankWriter::Database => "how a database's text export writes NULL (MySQL, PostgreSQL's COPY, a Snowflake unload)",
        }
    }
}

/// The text inside Excel's `="…"`: a formula whose value is that text, as an export made
/// for Excel writes an id or a code (`="00123"`) to keep a spreadsheet from reading it as
/// a number. None for any other cell.
pub fn excel_text_formula(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("=\"")?.strip_suffix('"')?;
    (!inner.contains('"')).then_some(inner)
}

/// The tool that wrote `text` for a missing value, when one did: the one rule of which
/// texts are such blanks, for `init`'s draft and for the message refusing such a number.
/// Exactly as the tool writes it (a spreadsheet's error value in any case).
pub fn blank_writer(text: &str) -> Option<BlankWriter> {
    if PANDAS_BLANKS.contains(&text) {
        Some(BlankWriter::Pandas)
    } else if text == DATABASE_NULL {
        Some(BlankWriter::Database)
    } else if is_spreadsheet_error(text) && text.trim() == text {
        Some(BlankWriter::Spreadsheet)
    } else {
        None
    }
}

/// What a cell that is not a number is, when it is a number as a spreadsheet or a
/// report displays it (`$1,200`, `12%`, `(300)`, `1,5`), a spreadsheet's error value
/// (`#N/A`) or a database's NULL (`\N`), and what to export instead; None for other
/// text. `mark` is the decimal mark the cell was read with, by the config's rule or a
/// model's (`by`).
pub fn formatted_number(text: &str, mark: DecimalMark, by: ReadBy) -> Option<&'static str> {
    let text = text.trim();
    if is_spreadsheet_error(text) {
        return Some(match by {
            ReadBy::Config => "a spreadsheet's error value; correct the cell, or add the text to [input] missing to read it as blank",
            ReadBy::Model => "a spreadsheet's error value; correct the cell (the model reads as blank only the texts its inputs record as missing)",
        });
    }
    if blank_writer(text) == Some(BlankWriter::Database) {
        return Some(match by {
            ReadBy::Config => "how a database's text export writes NULL (MySQL, PostgreSQL's COPY, a Snowflake unload); add the text to [input] missing to read it as blank",
            ReadBy::Model => "how a database's text export writes NULL; the model reads as blank only the texts its inputs record as missing: export NULL as an empty cell",
        });
    }
    if excel_text_formula(text).is_some_and(|inner| mark.read(inner.trim()).is_some()) {
        return Some("a number written as Excel's =\"…\", which keeps a spreadsheet from reading it as a number (an export made for Excel); export the plain number");
    }
    if band(text, mark).is_some() {
        return Some(match by {
            ReadBy::Config => "a band, as CRMs export company size or revenue (51-200, 10001+); a numeric signal reads one number per lead: make the signal kind = \"categorical\" with the bands as its levels (`mqlcal init` drafts them so, in order), or export the number",
            ReadBy::Model => "a band, as CRMs export company size or revenue (51-200, 10001+); the model reads this column as numbers, as its training data wrote them: export the number",
        });
    }
    if let Some(form) = duration(text) {
        return Some(match form {
            Duration::Clock => "a duration (or a time of day) written as H:MM:SS; export a duration as a number of seconds or minutes (332, not 0:05:32)",
            Duration::Units => "a duration written with its units (1h 10m, 5m 32s); export it as a number of one unit (70 minutes, not 1h 10m)",
        });
    }
    // Whether `text` without the `dropped` characters is a number with either mark.
    let plain_in = |text: &str, dropped: &[char]| {
        let kept = text.chars().filter(|c| !dropped.contains(c)).collect::<String>();
        [DecimalMark::Point, DecimalMark::Comma].iter().any(|mark| mark.read(kept.trim()).is_some_and(f64::is_finite))
    };
    let plain = |dropped: &[char]| plain_in(text, dropped);
    const MONEY: [char; 8] = ['$', '€', '£', '¥', ',', ' ', '(', ')'];
    // An amount with its currency's code, as multi-currency CRMs export it ("USD 1,200.00", "1.200,00 EUR").
    let coded = CURRENCIES.iter().find_map(|code| text.strip_prefix(code).or_else(|| text.strip_suffix(code)));
    let coded_amount = coded.is_some_and(|amount| plain_in(amount, &MONEY));
    Some(if (text.contains(CURRENCY_SIGNS) && plain(&MONEY)) || coded_amount {
        "written as money; export numbers unformatted (1200.50, not $1,200.50)"
    } else if text.ends_with('%') && plain(&['%', ',', ' ']) {
        "written as a percentage; export the plain number (12, or 0.12, as the signal's bins expect), without %"
    } else if text.starts_with('(') && text.ends_with(')') && plain(&['(', ')', ',']) {
        "an accounting negative; export negative numbers with a minus sign (-300, not (300))"
    } else if mark == DecimalMark::Point && DecimalMark::Comma.read(text).is_some_and(f64::is_finite) {
        match by {
            ReadBy::Config => "written with a decimal comma or a thousands separator: if ',' is the decimal mark (3,5 or 1.234,5), set [input] decimal = \",\" in the config; otherwise export numbers unformatted (1200 or 1.5)",
            ReadBy::Model => "written with a decimal comma or a thousands separator: the model reads numbers with '.' as its decimal mark, as its training data wrote them; export them so (1200 or 1.5)",
        }
    } else if mark == DecimalMark::Point && text.contains(',') && plain(&[',']) {
        "written with ',' as a thousands separator; export numbers unformatted, with '.' as the only decimal mark (1200 or 1.5)"
    } else if mark == DecimalMark::Comma && DecimalMark::Point.read(text).is_some_and(f64::is_finite) {
        match by {
            ReadBy::Config => "read with ',' as the decimal mark ([input] decimal = \",\"), where '.' only groups thousands (1.234,5): a '.' elsewhere is not read either way",
            ReadBy::Model => "the model reads numbers with ',' as the decimal mark, as its training data wrote them, where '.' only groups thousands (1.234,5); export them so",
        }
    } else if with_unit(text, mark) {
        // After money: a currency's code (`1.200,00 EUR`) is no count's word.
        "a number written with what it counts (12 visits, 500 employees); export the number alone"
    } else {
        return None;
    })
}

/// How a report displays a duration ([`duration`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duration {
    /// As a clock does: `0:05:32`, `5:32`, `1:02:03.5`.
    Clock,
    /// With its units: `1h 10m`, `5m 32s`, `2 min`, `3 days`.
    Units,
}

/// Units a report writes a duration's parts in (any case).
const DURATION_UNITS: [&str; 18] =
    ["d", "day", "days", "h", "hr", "hrs", "hour", "hours", "m", "min", "mins", "minute", "minutes", "s", "sec", "secs", "second", "seconds"];

/// A duration as analytics tools and CRMs display one (an average session's length, a
/// call's, the time to first touch): hours, minutes and seconds as a clock writes them,
/// or numbers each with a unit. None for anything else (a plain number, a date).
fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // Minutes and seconds below 60, two digits each; seconds may have a fraction.
    let sixty = |part: &str| part.len() == 2 && digits(part) && part < "60";
    let parts: Vec<&str> = text.split(':').collect();
    if (2..=3).contains(&parts.len()) && digits(parts[0]) && parts[0].len() <= 4 {
        let (last, fraction) = parts[parts.len() - 1].split_once('.').unwrap_or((parts[parts.len() - 1], "0"));
        if parts[1..parts.len() - 1].iter().all(|p| sixty(p)) && sixty(last) && digits(fraction) {
            return Some(Duration::Clock);
        }
    }
    // Numbers each followed by a unit, with or without a space between.
    let mut rest = text;
    let mut parts = 0;
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || !digits(&number.replacen('.', "", 1)) {
            return None;
        }
        let after = rest[number_end..].trim_start();
        let unit_end = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
        if !DURATION_UNITS.iter().any(|unit| unit.eq_ignore_ascii_case(&after[..unit_end])) {
            return None;
        }
        rest = after[unit_end..].trim_start_matches([' ', ',']);
        parts += 1;
    }
    (parts > 0).then_some(Duration::Units)
}

/// A number followed by a word for what it counts (`12 visits`, `500 employees`), as a
/// report labels a count.
fn with_unit(text: &str, mark: DecimalMark) -> bool {
    match text.trim().split_once(' ') {
        Some((number, unit)) => {
            let unit = unit.trim();
            (2..=20).contains(&unit.len()) && unit.chars().all(char::is_alphabetic) && mark.read(number).is_some_and(f64::is_finite)
        }
        None => false,
    }
}

/// A band as CRMs export company size, revenue or headcount instead of a number: `51-200`,
/// `1,001 - 5,000` (`1.001 - 5.000` with a decimal comma), `10 to 50`, `$1M-$5M`, `10001+`,
/// `<10`, `over 500`. Its bounds, lower then upper, an open end infinite (`<10` is −∞ to
/// 10, `10001+` 10001 to ∞); None for anything else: a plain number, or a bound written
/// with a leading zero (`01-2024` is a month). Bands sort by their bounds, smallest first.
pub fn band(text: &str, mark: DecimalMark) -> Option<(f64, f64)> {
    let text = text.trim();
    let (thousands, decimal) = match mark {
        DecimalMark::Point => (',', '.'),
        DecimalMark::Comma => ('.', ','),
    };
    // One bound: digits, thousands grouped and a decimal mark as `mark` writes them, a
    // currency sign before them, and k, M or B after them (as revenue bands write millions).
    let bound = |text: &str| -> Option<f64> {
        let text = text.trim().trim_start_matches(['$', '€', '£', '¥']);
        let (digits, scale) = match text.char_indices().last()? {
            (at, 'k' | 'K') => (&text[..at], 1e3),
            (at, 'm' | 'M') => (&text[..at], 1e6),
            (at, 'b' | 'B') => (&text[..at], 1e9),
            _ => (text, 1.0),
        };
        let plain: String = digits.chars().filter(|&c| c != thousands).map(|c| if c == decimal { '.' } else { c }).collect();
        let bytes = plain.as_bytes();
        let well_formed = !bytes.is_empty()
            && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.')
            && bytes[0].is_ascii_digit()
            && !(bytes[0] == b'0' && bytes.get(1).is_some_and(u8::is_ascii_digit));
        well_formed.then(|| plain.parse::<f64>().ok().map(|v| v * scale)).flatten().filter(|v| v.is_finite())
    };
    // What the band counts after it, as LinkedIn writes a company's size (`51-200
    // employees`, `10,001+ employees`): a word of three letters or more, not a bound's scale.
    let text = match text.rsplit_once(' ') {
        Some((band, unit)) if unit.len() >= 3 && unit.chars().all(char::is_alphabetic) => band.trim_end(),
        _ => text,
    };
    if let Some(lower) = text.strip_suffix('+') {
        return bound(lower).map(|lower| (lower, f64::INFINITY));
    }
    let lowercase = text.to_lowercase();
    for (word, below) in [("<=", true), (">=", false), ("<", true), (">", false), ("≤", true), ("≥", false), ("under ", true), ("less than ", true), ("over ", false), ("more than ", false)] {
        if let Some(rest) = lowercase.strip_prefix(word) {
            return bound(rest).map(|end| if below { (f64::NEG_INFINITY, end) } else { (end, f64::INFINITY) });
        }
    }
    for separator in [" to ", "-", "–", "—"] {
        let mut parts = lowercase.split(separator);
        if let (Some(lower), Some(upper), None) = (parts.next(), parts.next(), parts.next()) {
            if let (Some(lower), Some(upper)) = (bound(lower), bound(upper)) {
                return (lower <= upper).then_some((lower, upper));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blanks_a_tool_writes_are_told_by_tool_and_from_values() {
        for (text, writer) in [("nan", BlankWriter::Pandas), ("<NA>", BlankWriter::Pandas), ("NaT", BlankWriter::Pandas), ("#N/A", BlankWriter::Spreadsheet), ("#n/a", BlankWriter::Spreadsheet), ("\\N", BlankWriter::Database)] {
            assert_eq!(blank_writer(text), Some(writer), "{text}");
        }
        for text in ["NAN", "None", "N", "\\n", "\\N ", " #N/A", "NULL", "", "0"] {
            assert_eq!(blank_writer(text), None, "{text}");
        }
        let said = formatted_number("\\N", DecimalMark::Point, ReadBy::Config).unwrap();
        assert!(said.starts_with("how a database's text export writes NULL") && said.ends_with("add the text to [input] missing to read it as blank"), "{said}");
    }

    #[test]
    fn a_spreadsheets_error_values_are_told_from_text() {
        for error in ["#N/A", " #n/a ", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#GETTING_DATA", "#SPILL!"] {
            assert!(super::is_spreadsheet_error(error), "{error}");
        }
        for text in ["N/A", "#", "#1 priority!", "#hashtag", "#N/A!", "#DIV/0", "VALUE!", ""] {
            assert!(!super::is_spreadsheet_error(text), "{text}");
        }
    }

    #[test]
    fn money_is_read_with_its_mark_and_nothing_else_is() {
        for (text, mark, value) in [
            ("$1,200.50", DecimalMark::Point, 1200.5),
            (" USD 1,200 ", DecimalMark::Point, 1200.0),
            ("-$75", DecimalMark::Point, -75.0),
            ("($300)", DecimalMark::Point, -300.0),
            ("£0", DecimalMark::Point, 0.0),
            ("1.200,50 €", DecimalMark::Comma, 1200.5),
            ("€ 1 200,5", DecimalMark::Comma, 1200.5),
            ("EUR 12", DecimalMark::Comma, 12.0),
        ] {
            assert_eq!(money(text, mark), Some(value), "{text}");
        }
        for other in ["1200", "1,200", "(300)", "$", "$abc", "USD", "$1-$5", "12%", "$NaN", "$inf", "1.200,50 €"] {
            assert_eq!(money(other, DecimalMark::Point), None, "{other}");
        }
    }

    #[test]
    fn bands_are_read_with_their_bounds_and_nothing_else_is() {
        let inf = f64::INFINITY;
        for (text, bounds) in [
            ("51-200", (51.0, 200.0)),
            (" 1,001 - 5,000 ", (1001.0, 5000.0)),
            ("10 to 50", (10.0, 50.0)),
            ("$1M-$5M", (1e6, 5e6)),
            ("10k–50k", (1e4, 5e4)),
            ("10001+", (10001.0, inf)),
            ("10,000+", (10000.0, inf)),
            ("<10", (-inf, 10.0)),
            ("Over 500", (500.0, inf)),
            ("1-1", (1.0, 1.0)),
            ("51-200 employees", (51.0, 200.0)),
            ("10,001+ employees", (10001.0, inf)),
            ("10 to 50 people", (10.0, 50.0)),
            ("under 10 staff", (-inf, 10.0)),
        ] {
            assert_eq!(band(text, DecimalMark::Point), Some(bounds), "{text}");
        }
        for other in ["200", "-5", "2024-01-01", "2024-01", "01-2024", "200-51", "A-B", "1-2-3", "+", "-", "5-", "$1,200", "12%", "(300)", "many", "1e3-2e3", "NaN-1", "200 employees", "employees", "1-10 M", "51-200 employees 2"] {
            assert_eq!(band(other, DecimalMark::Point), None, "{other}");
        }
        // With a decimal comma, '.' groups thousands.
        assert_eq!(band("1.001-5.000", DecimalMark::Comma), Some((1001.0, 5000.0)));
        assert_eq!(band("501-1.000", DecimalMark::Comma), Some((501.0, 1000.0)));
        assert_eq!(band("1.001-5.000", DecimalMark::Point), Some((1.001, 5.0)));
        let why = formatted_number("201-500", DecimalMark::Point, ReadBy::Config).unwrap();
        assert!(why.starts_with("a band") && why.contains("kind = \"categorical\""), "{why}");
        assert!(formatted_number("10001+", DecimalMark::Comma, ReadBy::Model).unwrap().contains("export the number"));
    }

    #[test]
    fn a_decimal_comma_reads_what_the_same_number_with_a_point_reads() {
        for (comma, point) in [
            ("3,5", "3.5"),
            ("-3,5", "-3.5"),
            ("+0,25", "+0.25"),
            ("1234", "1234"),
            ("1.234", "1234"),
            ("1.234,5", "1234.5"),
            ("12.345.678,901", "12345678.901"),
            ("-1.000", "-1000"),
            (",5", ".5"),
            ("5,", "5."),
            ("1,5e3", "1.5e3"),
            ("1 234,5", "1234.5"),
            ("1\u{a0}234\u{a0}567", "1234567"),
            ("-12\u{202f}500,25", "-12500.25"),
            ("1E3", "1E3"),
            ("inf", "inf"),
            ("NaN", "NaN"),
        ] {
            assert_eq!(DecimalMark::Comma.read(comma).map(f64::to_bits), DecimalMark::Point.read(point).map(f64::to_bits), "{comma} vs {point}");
            assert!(DecimalMark::Comma.read(comma).is_some(), "{comma}");
        }
        // A '.' that is not a thousands group, two commas, groups of other sizes: not numbers.
        for text in ["1 234.567", "1.234 567", "1  234", "12 34", " 1234", "0.125", "-0.500", "1.5", "1.23", "1.2345", "1234.567", ".123", "1.", "1,234,5", "1.234.56", "1.234,5.6", "1,5e3.0", "-", "", "a,5"] {
            assert_eq!(DecimalMark::Comma.read(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_as_spreadsheets_and_reports_display_them_are_named() {
        for (text, mark, says) in [
            ("$1,200.50", DecimalMark::Point, "money"),
            ("€1.200,50", DecimalMark::Point, "money"),
            ("€1.200,50", DecimalMark::Comma, "money"),
            ("£ 300", DecimalMark::Point, "money"),
            ("($1,200)", DecimalMark::Point, "money"),
            ("USD 1,200.00", DecimalMark::Point, "money"),
            ("1.200,00 EUR", DecimalMark::Comma, "money"),
            ("CHF1200", DecimalMark::Point, "money"),
            ("12%", DecimalMark::Point, "percentage"),
            ("12,5 %", DecimalMark::Point, "percentage"),
            ("12,5 %", DecimalMark::Comma, "percentage"),
            ("(300)", DecimalMark::Point, "accounting negative"),
            ("(1,300)", DecimalMark::Point, "accounting negative"),
            ("(1,234,567)", DecimalMark::Point, "accounting negative"),
            ("1,200", DecimalMark::Point, "decimal = \",\""),
            ("1.234,56", DecimalMark::Point, "decimal = \",\""),
            ("3,5", DecimalMark::Point, "decimal = \",\""),
            ("12.500.000", DecimalMark::Point, "decimal = \",\""),
            ("1,234,567", DecimalMark::Point, "thousands separator; export"),
            ("1,234.5", DecimalMark::Point, "thousands separator; export"),
            ("1.5", DecimalMark::Comma, "only groups thousands"),
            ("#N/A", DecimalMark::Point, "error value"),
            ("#DIV/0!", DecimalMark::Comma, "error value"),
            ("#NAME?", DecimalMark::Point, "error value"),
            (" #n/a ", DecimalMark::Point, "error value"),
            ("0:05:32", DecimalMark::Point, "H:MM:SS; export a duration as a number of seconds"),
            ("5:32", DecimalMark::Comma, "H:MM:SS"),
            ("12:00:01.250", DecimalMark::Point, "H:MM:SS"),
            ("1h 10m", DecimalMark::Point, "written with its units"),
            ("5m32s", DecimalMark::Point, "written with its units"),
            ("2 min", DecimalMark::Comma, "written with its units"),
            ("3 Days", DecimalMark::Point, "written with its units"),
            ("1.5 hours, 3 min", DecimalMark::Point, "written with its units"),
            ("12 visits", DecimalMark::Point, "with what it counts (12 visits, 500 employees); export the number alone"),
            ("=\"346\"", DecimalMark::Point, "written as Excel's =\"…\""),
            (" =\"3,5\" ", DecimalMark::Comma, "written as Excel's =\"…\""),
            ("2,5 Seiten", DecimalMark::Comma, "with what it counts"),
        ] {
            let why = formatted_number(text, mark, ReadBy::Config);
            assert!(why.is_some_and(|why| why.contains(says)), "{text} {mark:?}: {why:?}");
            // Read by a model's rule, the same kind of text, and never the config's setting to change.
            let why = formatted_number(text, mark, ReadBy::Model);
            assert!(why.is_some_and(|why| !why.contains("[input]")), "{text} {mark:?} by a model: {why:?}");
        }
        assert_eq!(excel_text_formula("=\"L0000001\""), Some("L0000001"));
        for not in ["=\"a\"b\"", "=\"", "\"123\"", "=123", "= \"1\""] {
            assert_eq!(excel_text_formula(not), None, "{not}");
        }
        // Not durations: a clock's minutes of 60 or one digit, a date, a ratio, a bare
        // number or unit, a word after a number.
        for text in ["many", "inf", "NaN", "1e999", "$", "12%%x", "(a)", ",", "#hashtag", "N/A", "USD", "EUR zone", "CHFx", "0:60:00", "1:5", "2024-01-05", "1:2:3", "12:", ":30", "h", "10 leads 5", "Top 10", "10 x", "1.2.3 h", "5 m s x"] {
            for mark in [DecimalMark::Point, DecimalMark::Comma] {
                assert_eq!(formatted_number(text, mark, ReadBy::Config), None, "{text} {mark:?}");
            }
        }
    }

    #[test]
    fn the_mark_is_recorded_as_the_config_writes_it() {
        assert_eq!(serde_json::to_string(&DecimalMark::Comma).unwrap(), "\",\"");
        assert_eq!(serde_json::from_str::<DecimalMark>("\".\"").unwrap(), DecimalMark::Point);
    }
}
