//! How a category is written: the one rule of which of a categorical's values are one
//! level written several ways (`Software`, `SOFTWARE`, `software`), shared by `init`'s
//! levels, validate's and score's "written like its level" and the report's segments.

use crate::DecimalMark;

/// A name as a comparison of spellings sees it: trimmed, lower-cased, and without the
/// spaces, `_`, `-` and `.` that join two words. "Blog Visit", "blog_visit", "blog-visit "
/// and "Blog.Visit" are one spelling; "blog visits" is not, and neither are "A+", "A-"
/// and "A", or "<10" and ">10", whose marks carry meaning. Names of one spelling are one
/// activity or level written two ways, as a renamed CRM field or two tools feeding one
/// export write them.
pub fn spelling(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    let joiner = |c: char| c.is_whitespace() || matches!(c, '_' | '-' | '.');
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        if joiner(chars[i]) {
            // A run of joiners between two letters or digits is dropped; elsewhere kept.
            let end = (i..chars.len()).find(|&k| !joiner(chars[k])).unwrap_or(chars.len());
            let between = i > 0 && chars[i - 1].is_alphanumeric() && end < chars.len() && chars[end].is_alphanumeric();
            if !between {
                out.extend(chars[i..end].iter().flat_map(|c| c.to_lowercase()));
            }
            i = end;
        } else {
            out.extend(chars[i].to_lowercase());
            i += 1;
        }
    }
    out
}

/// The answer a yes/no cell gives, written any of the ways CRMs and spreadsheets write
/// one (`Yes`, `TRUE`, `1`, `Y`, `✓`, `checked`; `No`, `FALSE`, `0`, …): a checkbox
/// field exported over the years as Yes/No, then TRUE/FALSE, then 1/0 says the same
/// thing three ways. None for any other text.
pub fn yes_or_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "✓" | "✔" | "checked" | "on" => Some(true),
        "no" | "n" | "false" | "f" | "0" | "unchecked" | "off" => Some(false),
        _ => None,
    }
}

/// What a categorical's value is written like as a level: its [`spelling`], and for a band
/// its bounds (`5-1200` is not `51-200`). None for values that are no other value's
/// spelling: numbers (`2.5` is not `25`) and blanks. The one rule of init's levels, of
/// validate's and score's "written like its level" and of the report's segments.
pub fn level_key(value: &str, decimal: DecimalMark) -> Option<String> {
    if value.trim().is_empty() || decimal.read(value).is_some() {
        return None;
    }
    let band = crate::band(value, decimal).map(|(lo, hi)| format!("\u{0}{lo}\u{0}{hi}")).unwrap_or_default();
    Some(spelling(value) + &band)
}

/// One level as the data writes it: its most frequent spelling, the leads of all its
/// spellings together, and the other spellings with their leads (most frequent first).
#[derive(Debug, Clone, PartialEq)]
pub struct SpelledLevel {
    pub level: String,
    pub leads: usize,
    pub others: Vec<(String, usize)>,
}

/// `values` (with their leads, most frequent first) where those written alike but for
/// case, spaces or punctuation ([`spelling`]: `Software`, `SOFTWARE`, `software`) are one
/// level, under its most frequent spelling (with a multi-select field's separator, a
/// value listed after `; ` is ` Webinar`: the same option). Stay apart: values that read
/// as different bands (`5-1200` is not `51-200`), numbers (`2.5` is not `25`) and blanks.
/// Most leads first, ties by name.
pub fn spelled_levels(values: &[(String, usize)], decimal: DecimalMark) -> Vec<SpelledLevel> {
    let mut groups: Vec<SpelledLevel> = Vec::new();
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (value, n) in values {
        // Kept apart: a key no spelling has, the value as it is behind a character `spelling` keeps.
        let key = level_key(value, decimal).unwrap_or_else(|| format!("\u{1}{value}"));
        match by_key.entry(key) {
            std::collections::hash_map::Entry::Occupied(at) => {
                let group = &mut groups[*at.get()];
                group.leads += n;
                group.others.push((value.clone(), *n));
            }
            std::collections::hash_map::Entry::Vacant(at) => {
                at.insert(groups.len());
                groups.push(SpelledLevel { level: value.clone(), leads: *n, others: Vec::new() });
            }
        }
    }
    groups.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.level.cmp(&b.level)));
    groups
}

#[cfg(test)]
mod tests {
    #[test]
    fn yes_and_no_however_written() {
        use super::yes_or_no;
        for yes in ["Yes", " TRUE ", "1", "y", "t", "✓", "Checked", "on"] {
            assert_eq!(yes_or_no(yes), Some(true), "{yes}");
        }
        for no in ["No", "FALSE", "0", "n", "f", "unchecked", "Off"] {
            assert_eq!(yes_or_no(no), Some(false), "{no}");
        }
        for neither in ["", "maybe", "2", "1.0", "yes please", "x"] {
            assert_eq!(yes_or_no(neither), None, "{neither}");
        }
    }

    use super::*;

    #[test]
    fn spellings_differ_only_in_case_spaces_and_punctuation() {
        let one = ["Email Open", "email_open", "EMAIL-OPEN ", "email.open", "Email  Open", " email_-open"];
        assert!(one.iter().all(|n| spelling(n) == "emailopen"), "{:?}", one.map(spelling));
        for other in ["email opens", "Email Opened", "e-mail open2", "emailopne", "email/open", "email+open"] {
            assert_ne!(spelling(other), "emailopen", "{other}");
        }
        // Marks that carry meaning stay: grades, ranges, signs.
        for (a, b) in [("A+", "A"), ("A-", "A"), ("A+", "A-"), ("<10", ">10"), ("10+", "10"), ("-1", "1"), ("(none)", "none")] {
            assert_ne!(spelling(a), spelling(b), "{a} {b}");
        }
        assert_eq!((spelling("A +"), spelling("a+")), (String::from("a +"), String::from("a+")));
        // Letters beyond ASCII keep their identity, lower-cased.
        assert_eq!(spelling("Événement Ouvert"), "événementouvert");
        assert_eq!(spelling("Ä-1"), spelling("ä 1"));
    }

    #[test]
    fn values_alike_are_one_level_under_the_most_frequent_spelling() {
        let values: Vec<(String, usize)> = [("Software", 30), ("software", 12), ("51-200", 9), ("SOFTWARE ", 2), ("5-1200", 2), ("2.5", 1), ("25", 1)].map(|(v, n)| (v.to_string(), n)).to_vec();
        let levels = spelled_levels(&values, DecimalMark::Point);
        let summary: Vec<(&str, usize, usize)> = levels.iter().map(|l| (l.level.as_str(), l.leads, l.others.len())).collect();
        assert_eq!(summary, [("Software", 44, 2), ("51-200", 9, 0), ("5-1200", 2, 0), ("2.5", 1, 0), ("25", 1, 0)]);
        assert_eq!(levels[0].others, [("software".to_string(), 12), ("SOFTWARE ".to_string(), 2)]);
    }
}
