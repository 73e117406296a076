//! `[input] time_zone`: the clock every time is read on, the one home of the rule, read
//! alike by training (creation dates, decision dates, event times), by `mqlcal score`
//! and by the SQL exports, which read it from the model file.
//!
//! A CRM's report writes times on its user's wall clock without saying which (a
//! Salesforce report: `1/15/2024 10:05 AM`), while an API or a warehouse writes instants
//! (`2024-01-15T09:05:00Z`, Unix time). Read side by side, a form fill in Berlin stamped
//! 09:05Z falls an hour "before" the lead it created at 10:05, and counts for nothing.
//! With the zone set, times written without one are taken as wall-clock time there (as
//! written), and instants are moved onto that wall clock: windows, cohorts and months
//! are then the CRM's own.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A named time zone as a table of its offsets from UTC, so the scorer and the SQL
/// exports apply the very same offsets (one table, looked up alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZone {
    name: String,
    /// `(from, east)`: from the UTC instant `from` (Unix seconds) on, wall-clock time is
    /// UTC plus `east` seconds; sorted by `from`, the first from the table's start on.
    offsets: Vec<(i64, i32)>,
}

impl TimeZone {
    /// The years the offset table spans; an instant before takes the first year's
    /// offset, one after the last's (the tz database's rules beyond 2100 are a guess anyway).
    pub const FIRST_YEAR: i32 = 1970;
    pub const LAST_YEAR: i32 = 2100;

    /// The zone of an IANA name (`Europe/Berlin`, `America/New_York`, `UTC`); the error
    /// says what was found and suggests the nearest names.
    pub fn named(name: &str) -> Result<TimeZone, String> {
        let name = name.trim();
        if let Some((_, place)) = ABBREVIATIONS.iter().find(|(abbreviation, _)| abbreviation.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "time zone {name:?} is an abbreviation, which names half a year's offset (the tz database's EST, MST and HST never change for summer): expected the IANA name of the place, such as {place:?}"
            ));
        }
        let zone: chrono_tz::Tz = name.parse().map_err(|_| unknown_zone(name))?;
        Ok(TimeZone { name: zone.name().to_string(), offsets: offset_table(zone) })
    }

    /// The IANA name, as the tz database spells it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the zone's wall clock is UTC's at every instant (`UTC`, `Etc/GMT`): the
    /// setting then changes nothing, and is not recorded.
    pub fn is_utc(&self) -> bool {
        self.offsets.iter().all(|&(_, east)| east == 0)
    }

    /// The table of offsets: `(from, east)`, from the UTC instant `from` on wall-clock
    /// time is UTC plus `east` seconds (the first entry's `from` is where the table starts).
    pub fn offsets(&self) -> &[(i64, i32)] {
        &self.offsets
    }

    /// The offsets as spans of UTC instants, `(from, until, east)`, from the table's start
    /// (1970) to its end (2101); an instant outside takes the nearest span's offset, as
    /// [`TimeZone::wall_clock`] gives it.
    pub fn spans(&self) -> Vec<(i64, i64, i32)> {
        let end = crate::civil_to_days(i64::from(Self::LAST_YEAR) + 1, 1, 1) * 86_400;
        let untils = self.offsets.iter().skip(1).map(|&(from, _)| from).chain([end]);
        self.offsets.iter().zip(untils).map(|(&(from, east), until)| (from, until, east)).collect()
    }

    /// The wall-clock time (seconds since 1970-01-01, naive) of the UTC instant `utc`.
    #[inline]
    pub fn wall_clock(&self, utc: i64) -> i64 {
        let k = self.offsets.partition_point(|&(from, _)| from <= utc).saturating_sub(1);
        utc + i64::from(self.offsets[k].1)
    }
}

/// Abbreviations analysts write for a zone, each with a place that keeps it (refused: the
/// zone is the place, whose offset changes with summer time).
const ABBREVIATIONS: [(&str, &str); 22] = [
    ("PST", "America/Los_Angeles"),
    ("PDT", "America/Los_Angeles"),
    ("MST", "America/Denver"),
    ("MDT", "America/Denver"),
    ("CST", "America/Chicago"),
    ("CDT", "America/Chicago"),
    ("EST", "America/New_York"),
    ("EDT", "America/New_York"),
    ("AKST", "America/Anchorage"),
    ("HST", "Pacific/Honolulu"),
    ("BST", "Europe/London"),
    ("CET", "Europe/Berlin"),
    ("CEST", "Europe/Berlin"),
    ("MET", "Europe/Berlin"),
    ("EET", "Europe/Helsinki"),
    ("EEST", "Europe/Helsinki"),
    ("WET", "Europe/Lisbon"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("SGT", "Asia/Singapore"),
    ("AEST", "Australia/Sydney"),
    ("AEDT", "Australia/Sydney"),
];

/// Offsets in force from 1970 to 2100: found day by day, each change then to the second.
fn offset_table(zone: chrono_tz::Tz) -> Vec<(i64, i32)> {
    use chrono::{Offset, TimeZone as _};
    let east = |utc: i64| -> i32 {
        let at = chrono::DateTime::from_timestamp(utc, 0).map_or_else(chrono::NaiveDateTime::default, |t| t.naive_utc());
        zone.offset_from_utc_datetime(&at).fix().local_minus_utc()
    };
    let day = |year: i32| crate::civil_to_days(i64::from(year), 1, 1) * 86_400;
    let (start, end) = (day(TimeZone::FIRST_YEAR), day(TimeZone::LAST_YEAR + 1));
    let mut offsets = vec![(start, east(start))];
    // Half a day apart: no zone has changed its offset twice within one.
    let step = 43_200;
    let mut at = start;
    while at < end {
        let next = at + step;
        let now = east(next);
        if now != offsets[offsets.len() - 1].1 {
            // The first second of the new offset, in (at, next].
            let (mut before, mut after) = (at, next);
            while after - before > 1 {
                let mid = before + (after - before) / 2;
                if east(mid) == now {
                    after = mid;
                } else {
                    before = mid;
                }
            }
            offsets.push((after, now));
        }
        at = next;
    }
    offsets
}

/// An unknown zone name, with the nearest names the tz database has.
fn unknown_zone(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let mut near: Vec<(usize, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name())
        .map(|known| (strsim::levenshtein(&lower, &known.to_ascii_lowercase()), known))
        .filter(|&(d, known)| d <= 3.max(known.len() / 4))
        .collect();
    near.sort();
    let hint = match near.as_slice() {
        [] => "an IANA time zone name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\" (the CRM's user or company time zone)".to_string(),
        near => format!("an IANA time zone name; did you mean {}?", near.iter().take(3).map(|(_, n)| format!("{n:?}")).collect::<Vec<_>>().join(" or ")),
    };
    format!("unknown time zone {name:?}: expected {hint}")
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        TimeZone::named(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp()
    }

    #[test]
    fn wall_clock_follows_daylight_saving_to_the_second() {
        let berlin = TimeZone::named("Europe/Berlin").unwrap();
        // 2024: CET (+1) until 01:00 UTC on 31 March, CEST (+2) until 01:00 UTC on 27 October.
        assert_eq!(berlin.wall_clock(utc("2024-01-15 09:05:00")), utc("2024-01-15 10:05:00"));
        assert_eq!(berlin.wall_clock(utc("2024-03-31 00:59:59")), utc("2024-03-31 01:59:59"));
        assert_eq!(berlin.wall_clock(utc("2024-03-31 01:00:00")), utc("2024-03-31 03:00:00"));
        assert_eq!(berlin.wall_clock(utc("2024-10-27 00:59:59")), utc("2024-10-27 02:59:59"));
        assert_eq!(berlin.wall_clock(utc("2024-10-27 01:00:00")), utc("2024-10-27 02:00:00"));
        let new_york = TimeZone::named("America/New_York").unwrap();
        assert_eq!(new_york.wall_clock(utc("2024-07-01 12:00:00")), utc("2024-07-01 08:00:00"));
        assert_eq!(new_york.wall_clock(utc("2024-12-01 12:00:00")), utc("2024-12-01 07:00:00"));
        let spans = berlin.spans();
        assert_eq!(spans.first().map(|s| (s.0, s.2)), Some((0, 3_600)));
        assert_eq!(spans.last().map(|s| s.1), Some(utc("2101-01-01 00:00:00")));
        assert!(spans.windows(2).all(|w| w[0].1 == w[1].0 && w[0].2 != w[1].2), "contiguous, each a change");
        assert!(spans.contains(&(utc("2024-03-31 01:00:00"), utc("2024-10-27 01:00:00"), 7_200)));
        let kolkata = TimeZone::named("Asia/Kolkata").unwrap();
        assert_eq!(kolkata.wall_clock(utc("2024-07-01 12:00:00")), utc("2024-07-01 17:30:00"));
    }

    #[test]
    fn the_table_agrees_with_the_tz_database_at_every_hour() {
        use chrono::{Offset, TimeZone as _};
        for name in ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Tokyo"] {
            let zone = TimeZone::named(name).unwrap();
            let tz: chrono_tz::Tz = name.parse().unwrap();
            let mut at = utc("1970-01-01 00:00:00");
            while at < utc("2101-01-01 00:00:00") {
                let east = tz.offset_from_utc_datetime(&chrono::DateTime::from_timestamp(at, 0).unwrap().naive_utc()).fix().local_minus_utc();
                assert_eq!(zone.wall_clock(at) - at, i64::from(east), "{name} at {at}");
                at += 3_600 * 7 + 13; // every hour's neighbourhood over the years, off the hour too
            }
        }
    }

    #[test]
    fn utc_is_no_change_and_names_are_checked() {
        assert!(TimeZone::named("UTC").unwrap().is_utc());
        assert!(TimeZone::named("Etc/UTC").unwrap().is_utc());
        assert!(!TimeZone::named("Europe/London").unwrap().is_utc(), "London keeps summer time");
        assert_eq!(TimeZone::named(" Europe/Berlin ").unwrap().name(), "Europe/Berlin");
        let error = TimeZone::named("Europe/Berlim").unwrap_err();
        assert!(error.contains("unknown time zone \"Europe/Berlim\"") && error.contains("did you mean \"Europe/Berlin\""), "{error}");
        let error = TimeZone::named("est").unwrap_err();
        assert!(error.contains("is an abbreviation") && error.contains("such as \"America/New_York\""), "{error}");
        let error = TimeZone::named("Pacific Standard Time").unwrap_err();
        assert!(error.contains("such as \"Europe/Berlin\""), "{error}");
        let zone: TimeZone = serde_json::from_str("\"America/Chicago\"").unwrap();
        assert_eq!(serde_json::to_string(&zone).unwrap(), "\"America/Chicago\"");
        assert!(serde_json::from_str::<TimeZone>("\"Mars/Olympus\"").unwrap_err().to_string().contains("unknown time zone"));
    }
}
