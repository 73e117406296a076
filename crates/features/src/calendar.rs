//! Calendar months of leads and cohorts, for "MQLs per month": a month is
//! `year × 12 + (month − 1)`, so consecutive months are consecutive integers.

use std::ops::Range;

/// (year, month 1–12, day 1–31) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days_from_civil inverse: exact for every i64 day in range.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day count since 1970-01-01 of the first day of a month index.
pub fn first_day_of_month(month: i32) -> i64 {
    mqlcal_scorecard::civil_to_days(i64::from(month.div_euclid(12)), month.rem_euclid(12) as u32 + 1, 1)
}

/// The month of a timestamp (seconds since the epoch).
pub fn month_of(seconds: i64) -> i32 {
    let (year, month, _) = civil_from_days(seconds.div_euclid(86_400));
    (year * 12 + i64::from(month) - 1) as i32
}

/// "2025-12-31 23:59:59" for a timestamp (seconds since the epoch).
pub fn format_timestamp(seconds: i64) -> String {
    let s = seconds.rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02}", format_date(seconds), s / 3600, s / 60 % 60, s % 60)
}

/// "2025-12-31", the day of a timestamp (seconds since the epoch).
pub fn format_date(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// "2024-03" for a month index.
pub fn month_label(month: i32) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The calendar months a cohort label covers: "2024-Q1" → Jan–Mar 2024, "2024-03" → March.
/// None for labels without a period ("all").
pub fn cohort_months(label: &str) -> Option<Range<i32>> {
    let (year, rest) = label.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    if let Some(q) = rest.strip_prefix('Q') {
        let q: i32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
        let first = year * 12 + (q - 1) * 3;
        Some(first..first + 3)
    } else {
        let m: i32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        let first = year * 12 + m - 1;
        Some(first..first + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_cohorts() {
        assert_eq!(month_label(month_of(0)), "1970-01");
        // 2024-02-29 23:59:59 and 2024-03-01 00:00:00.
        assert_eq!(month_label(month_of(1_709_251_199)), "2024-02");
        assert_eq!(month_label(month_of(1_709_251_200)), "2024-03");
        assert_eq!(month_label(month_of(-1)), "1969-12");
        for month in [0, 1, 23_000, 24_290, 24_291, 24_299, -5] {
            assert_eq!(month_of(first_day_of_month(month) * 86_400), month);
            assert_eq!(month_of(first_day_of_month(month) * 86_400 - 1), month - 1);
        }
        assert_eq!(first_day_of_month(2024 * 12 + 2), 19_783); // 2024-03-01
        assert_eq!(cohort_months("2024-Q4"), Some(2024 * 12 + 9..2024 * 12 + 12));
        assert_eq!(cohort_months("2024-03"), Some(2024 * 12 + 2..2024 * 12 + 3));
        assert_eq!(cohort_months("all"), None);
        assert_eq!(cohort_months("2024-Q5"), None);
    }
}
