//! How a category is written: the one rule of which of a categorical's values are one
//! level written several ways (`Software`, `SOFTWARE`, `software`), shared by `init`'s
//! levels, validate's and score's "written like its level" and the report's segments;
//! and the one rule of which cells a level or flag value counts ([`names_cell`]: itself,
//! and a whole number written either way).

use crate::DecimalMark;

/// Whether `cell` is `written` (a level, one of its spellings, a flag's value): the same
/// text, or the same whole number written the other way ([`whole_number_twin`]: `2` and
/// `2.0`). The one rule of which cells a text test counts, here and in the exported SQL
/// ([`written_forms`]), and of which values validate and score call named.
#[inline]
pub fn names_cell(written: &str, cell: &str) -> bool {
    written == cell || float_of(written, cell) || float_of(cell, written)
}

/// The texts a cell can be for [`names_cell`] to count it as `written`: `written`, then
/// its [`whole_number_twin`] if it has one (what the exported SQL lists).
pub fn written_forms(written: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    std::iter::once(std::borrow::Cow::Borrowed(written)).chain(whole_number_twin(written).map(std::borrow::Cow::Owned))
}

/// The other way the whole number `value` is written: `2` ↔ `2.0`, `-7` ↔ `-7.0`. pandas,
/// Spark and DuckDB write a column of whole numbers that has blanks as floats (`2.0`),
/// where the CRM, a spreadsheet or the same column without blanks writes `2`: a region
/// or rating code exported both ways is one level. None for any other text (`02`, `2.5`,
/// `2.00`, `+2`, `-0`, `1e3`: not how either writes a whole number).
pub fn whole_number_twin(value: &str) -> Option<String> {
    match value.strip_suffix(".0") {
        Some(whole) => is_whole_number(whole).then(|| whole.to_string()),
        None => is_whole_number(value).then(|| format!("{value}.0")),
    }
}

/// `value` as a whole number is named: without its `.0` when it is a whole number written
/// as a float (`2.0` → `2`), as it is otherwise. The name of the level `2` and `2.0` are.
pub fn plain_whole_number(value: &str) -> &str {
    match value.strip_suffix(".0") {
        Some(whole) if is_whole_number(whole) => whole,
        _ => value,
    }
}

/// `float` is `whole` followed by `.0`, `whole` a whole number as [`whole_number_twin`]
/// reads one. The length first: most pairs of texts differ in it.
#[inline]
fn float_of(whole: &str, float: &str) -> bool {
    float.len() == whole.len() + 2 && float.ends_with(".0") && float.starts_with(whole) && is_whole_number(whole)
}

/// Digits with an optional `-`, no leading zero (`0` itself aside), not `-0`.
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (!digits.starts_with('0') || (digits == "0" && digits.len() == text.len()))
}

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
/// thing three ways; a 1/0 column with blanks, as pandas writes it, says `1.0` and `0.0`
/// ([`plain_whole_number`]). None for any other text.
pub fn yes_or_no(value: &str) -> Option<bool> {
    match plain_whole_number(value.trim()).to_lowercase().as_str() {
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
/// value listed after `; ` is ` Webinar`: the same option), and so are a whole number's
/// two forms ([`whole_number_twin`]: `2` and `2.0`, under `2`). Stay apart: values that read as
/// different bands (`5-1200` is not `51-200`), numbers (`2.5` is not `25`) and blanks.
/// Most leads first, ties by name.
pub fn spelled_levels(values: &[(String, usize)], decimal: DecimalMark) -> Vec<SpelledLevel> {
    let mut groups: Vec<SpelledLevel> = Vec::new();
    let mut by_key: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (value, n) in values {
        // Kept apart: a key no spelling has, the value as it is behind a character `spelling`
        // keeps; a whole number's two forms (`2`, `2.0`) under the one without `.0`.
        let key = match whole_number_twin(value) {
            Some(_) => format!("\u{1}{}", plain_whole_number(value)),
            None => level_key(value, decimal).unwrap_or_else(|| format!("\u{1}{value}")),
        };
        match by_key.entry(key) {
            std::collections::hash_map::Entry::Occupied(at) => {
                let group = &mut groups[*at.get()];
                // A whole number written both ways is named as a whole number: `2`, not `2.0`.
                if group.level != *value && plain_whole_number(&group.level) == value.as_str() {
                    let own = group.leads - group.others.iter().map(|(_, n)| n).sum::<usize>();
                    group.others.push((std::mem::replace(&mut group.level, value.clone()), own));
                } else {
                    group.others.push((value.clone(), *n));
                }
                group.leads += n;
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
        for yes in ["Yes", " TRUE ", "1", "1.0", "y", "t", "✓", "Checked", "on"] {
            assert_eq!(yes_or_no(yes), Some(true), "{yes}");
        }
        for no in ["No", "FALSE", "0", "0.0", "n", "f", "unchecked", "Off"] {
            assert_eq!(yes_or_no(no), Some(false), "{no}");
        }
        for neither in ["", "maybe", "2", "2.0", "1.00", "01", "-0.0", "yes please", "x"] {
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
        // A code column exported by pandas and by the CRM: one level a number, under its most frequent form.
        let values: Vec<(String, usize)> = [("2.0", 30), ("20", 25), ("2", 12), ("20.0", 3), ("2.5", 2), ("2.00", 1)].map(|(v, n)| (v.to_string(), n)).to_vec();
        let summary: Vec<(String, usize, Vec<(String, usize)>)> = spelled_levels(&values, DecimalMark::Comma).into_iter().map(|l| (l.level, l.leads, l.others)).collect();
        let own = |v: &str, n: usize| (v.to_string(), n);
        assert_eq!(summary, [("2".into(), 42, vec![own("2.0", 30)]), ("20".into(), 28, vec![own("20.0", 3)]), ("2.5".into(), 2, vec![]), ("2.00".into(), 1, vec![])]);
        // Written one way alone, a number keeps that form.
        let floats: Vec<(String, usize)> = [("2.0", 30), ("3.0", 3)].map(|(v, n)| (v.to_string(), n)).to_vec();
        assert_eq!(spelled_levels(&floats, DecimalMark::Point).iter().map(|l| l.level.as_str()).collect::<Vec<_>>(), ["2.0", "3.0"]);
    }

    #[test]
    fn a_whole_number_names_its_cells_written_either_way() {
        for (written, twin) in [("2", "2.0"), ("0", "0.0"), ("-7", "-7.0"), ("1234567890123", "1234567890123.0")] {
            assert_eq!(whole_number_twin(written).as_deref(), Some(twin));
            assert_eq!(whole_number_twin(twin).as_deref(), Some(written));
            assert!(names_cell(written, twin) && names_cell(twin, written) && names_cell(written, written));
            assert_eq!((plain_whole_number(written), plain_whole_number(twin)), (written, written));
        }
        for other in ["02", "2.5", "2.00", "+2", "-0", "-0.0", "1e3", "", ".0", "-", "2.0.0", "٣", "2 ", "x2"] {
            assert_eq!(whole_number_twin(other), None, "{other}");
            assert_eq!(plain_whole_number(other), other);
        }
        for (a, b) in [("2", "20"), ("2", "2.00"), ("2", "02"), ("2.0", "20"), ("20", "2.00"), ("-2", "2.0"), ("2", "2,0"), ("a", "a.0"), ("02", "02.0")] {
            assert!(!names_cell(a, b) && !names_cell(b, a), "{a} {b}");
        }
        // What the SQL lists is what the Rust counts.
        let cells = ["2", "2.0", "20", "20.0", "2.00", "-2", "-2.0", "0", "0.0", "02", "Software", "Software.0", ""];
        for written in cells {
            let forms: Vec<String> = written_forms(written).map(|f| f.into_owned()).collect();
            for cell in cells {
                assert_eq!(names_cell(written, cell), forms.iter().any(|f| f == cell), "{written} {cell}");
            }
        }
    }
}
