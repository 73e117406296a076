//! The cohort period (`[cohorts] period`): how leads are put into cohorts by their
//! creation date, how a cohort is labelled, and how the report says its length.
//! Ingest, the feature-table SQL and the report all read it from here.

/// The length of a cohort, as the config sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
}

impl Period {
    /// The cohort of a creation date's year and month (1–12): "2024-03" or "2024-Q1".
    pub fn label(self, year: i32, month: u32) -> String {
        match self {
            Period::Month => format!("{year:04}-{month:02}"),
            Period::Quarter => format!("{year:04}-Q{}", (month - 1) / 3 + 1),
        }
    }

    /// "month" or "quarter".
    pub fn word(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// "1 month", "9 months".
    pub fn count(self, n: usize) -> String {
        format!("{n} {}{}", self.word(), if n == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::Period;

    #[test]
    fn labels_and_words() {
        assert_eq!(Period::Month.label(2024, 3), "2024-03");
        assert_eq!((Period::Quarter.label(2024, 1), Period::Quarter.label(2024, 3), Period::Quarter.label(2024, 4)), ("2024-Q1".into(), "2024-Q1".into(), "2024-Q2".into()));
        assert_eq!(Period::Quarter.label(987, 12), "0987-Q4");
        assert_eq!((Period::Month.count(1), Period::Quarter.count(9)), ("1 month".into(), "9 quarters".into()));
    }
}
