//! One record's id as two exports write it, so that files which share no id as written
//! are still matched (and a note says so):
//! - Salesforce writes an id two ways: 15 case-sensitive characters (reports and the
//!   UI) and 18 case-insensitive ones (the API, Data Loader, `CASESAFEID(Id)`): the 15
//!   followed by three characters that spell the case of its letters.
//! - A whole-number id (HubSpot's, Marketo's, a database key) written as a decimal
//!   (`100001.0`, as pandas writes an integer column that has blanks), or without the
//!   leading zeros a padded id had (`123` for `00123`, as a spreadsheet drops them).

use mqlcal_scorecard::IdCase;

/// The 18-character case-safe form of a 15-character Salesforce id: each five
/// characters give one more, the letter or digit numbered by which of them are
/// upper-case letters (bit k for the k-th). None for text that is not 15 letters and digits.
pub fn case_safe(id: &str) -> Option<String> {
    const SUFFIX: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let bytes = id.as_bytes();
    if bytes.len() != 15 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut out = id.to_string();
    for chunk in bytes.chunks(5) {
        let flags = chunk.iter().enumerate().filter(|(_, c)| c.is_ascii_uppercase()).fold(0, |f, (k, _)| f | 1 << k);
        out.push(SUFFIX[flags] as char);
    }
    Some(out)
}

/// The 15-character id an 18-character one is the case-safe form of; None unless its
/// last three characters are the ones its first fifteen give (compared ignoring case,
/// as Salesforce does).
pub fn fifteen_of(id: &str) -> Option<&str> {
    let fifteen = id.get(..15)?;
    (id.len() == 18 && case_safe(fifteen)?[15..].eq_ignore_ascii_case(&id[15..])).then_some(fifteen)
}

/// The record's other Salesforce id: the 15-character id of a case-safe 18-character
/// one, or the 18-character form of a 15-character one; None for text that is neither.
pub fn other_form(id: &str) -> Option<String> {
    match id.len() {
        18 => fifteen_of(id).map(str::to_string),
        15 => case_safe(id),
        _ => None,
    }
}

/// The record's id as other exports write it, where `id` as written matches nothing:
/// for a whole number, the same number with or without a decimal `.0`, without its
/// leading zeros, and padded with zeros to `padded_width` (the width of the other file's
/// ids, when they are all whole numbers written that wide with leading zeros); its other
/// Salesforce form. Empty for an id no other form of which exists. A caller matches an id
/// by them only when they name one record (see [`one_match`]).
pub fn other_forms(id: &str, padded_width: Option<usize>) -> Vec<String> {
    let mut forms = number_forms(id, padded_width);
    forms.extend(other_form(id));
    forms
}

fn number_forms(id: &str, padded_width: Option<usize>) -> Vec<String> {
    let (digits, decimal) = match id.split_once('.') {
        None => (id, false),
        Some((digits, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => (digits, true),
        Some(_) => return Vec::new(),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let value = match digits.trim_start_matches('0') {
        "" => "0",
        value => value,
    };
    let mut forms = vec![if decimal { digits.to_string() } else { format!("{digits}.0") }];
    if value != digits {
        forms.push(value.to_string());
    }
    if let Some(width) = padded_width.filter(|&width| width > value.len()) {
        let padded = format!("{value:0>width$}");
        if padded != digits {
            forms.push(padded);
        }
    }
    forms
}

/// What `id`'s other forms find by `find` (a record's row, say), when they find one
/// record: two records found (`0123` and `123` both leads, for the id `00123`) is no match,
/// since the id cannot tell which it names.
pub fn one_match<T: PartialEq>(id: &str, padded_width: Option<usize>, find: impl Fn(&str) -> Option<T>) -> Option<T> {
    let mut found: Option<T> = None;
    for form in other_forms(id, padded_width) {
        if let Some(record) = find(&form) {
            match &found {
                Some(first) if *first != record => return None,
                Some(_) => {}
                None => found = Some(record),
            }
        }
    }
    found
}

/// The width of `ids` when every one is a whole number written with that many digits and
/// some start with a zero (padded, as a CRM's or database's fixed-width key is); else None.
pub fn padded_width<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    let mut ids = ids.into_iter().peekable();
    let width = ids.peek()?.len();
    let mut padded = false;
    for id in ids {
        if id.len() != width || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        padded |= id.starts_with('0');
    }
    padded.then_some(width)
}

/// Whether `theirs` is Salesforce's other form of `ours`.
fn salesforce_pair(theirs: &str, ours: &str) -> bool {
    other_form(theirs).is_some_and(|other| other == ours)
}

/// Rows of one file matched to the other's by their ids' other form ([`other_forms`]):
/// how many, and the first (its id as that file writes it, and as the other does). The
/// form differs by export (reports write 15 characters, the API 18; a script writes a
/// number as a decimal) and both name the same record, so the rows are matched;
/// [`OtherFormMatches::note`] says so.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OtherFormMatches {
    pub count: usize,
    pub first: Option<(String, String)>,
}

impl OtherFormMatches {
    /// One more row whose id `theirs` is `ours`'s other form.
    pub fn add(&mut self, theirs: &str, ours: &str) {
        self.count += 1;
        self.first.get_or_insert_with(|| (theirs.to_string(), ours.to_string()));
    }

    /// The note, when any row was matched so (`what`: "events", "won ids"; `theirs` and
    /// `ours` name the ids, e.g. "the events' lead ids", "the leads' ids").
    /// The wording follows the first match: Salesforce's two forms, or a number written two ways.
    pub fn note(&self, what: &str, theirs: &str, ours: &str) -> Option<String> {
        let (their_id, our_id) = self.first.as_ref()?;
        Some(if salesforce_pair(their_id, our_id) {
            format!(
                "{theirs} are Salesforce's {}-character ids and {ours} the {}-character ones of the same records ({their_id:?} is {our_id:?}): {} {what} matched by them",
                their_id.len(),
                our_id.len(),
                self.count
            )
        } else {
            format!(
                "{theirs} write whole numbers otherwise than {ours} ({their_id:?} is {our_id:?}: a decimal point a script added, or leading zeros a spreadsheet dropped or a system pads with): {} {what} matched by their value; export both with the same ids to be rid of this note",
                self.count
            )
        })
    }
}

/// Rows whose id matched nothing as written but matches one of the other file's ids when
/// letters' case is ignored (`l0000123` for `L0000123`, `jane.doe@acme.com` for
/// `Jane.Doe@Acme.com`): one system lower-cases ids (e-mail addresses most often) and the
/// other keeps them as typed. Such rows are *not* matched unless `[input] id_case =
/// "ignore"` says so, since Salesforce's 15-character ids differ by case alone; the count
/// says why rows were lost and what to change. Case is that of ASCII letters, as
/// `IdCase::key` folds it. The index (each id's lower-case
/// hash and row, sorted: 16 bytes an id, no text copied) is built on the first unmatched
/// row, so files that match cost nothing; when the first 10,000 unmatched rows match none
/// ignoring case, the rest are not looked up.
#[derive(Debug, Default)]
pub struct CaseOnlyMatches {
    lowered: Option<Vec<(u64, u32)>>,
    /// Unmatched rows looked up so far.
    looked_up: usize,
    pub count: usize,
    pub first: Option<(String, String)>,
}

/// Unmatched rows looked up before giving up when none matches ignoring case: an events
/// file that also holds other leads' events (a batch scored against all events) then
/// costs this many lookups, not one an event.
const CASE_LOOKUPS_BEFORE_GIVING_UP: usize = 10_000;

/// The hash of `id` as `IdCase::Ignore` folds it (ASCII letters in lower case), without
/// writing the folded text out.
fn lower_case_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // Fixed keys: the same hash in every run (the index is never written anywhere).
    let mut hasher = std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().build_hasher();
    for c in id.chars().map(|c| c.to_ascii_lowercase()) {
        hasher.write_u32(u32::from(c));
    }
    hasher.finish()
}

impl CaseOnlyMatches {
    /// An unmatched row's id `theirs`, looked up among `ours` ignoring case.
    #[inline]
    pub fn see(&mut self, theirs: &str, ours: &[String]) {
        // Inlined, so an events file of other leads' events pays one comparison an event once given up.
        if self.count == 0 && self.looked_up >= CASE_LOOKUPS_BEFORE_GIVING_UP {
            return;
        }
        self.look_up(theirs, ours);
    }

    #[inline(never)]
    fn look_up(&mut self, theirs: &str, ours: &[String]) {
        self.looked_up += 1;
        let lowered = self.lowered.get_or_insert_with(|| {
            let mut index: Vec<(u64, u32)> = ours.iter().enumerate().map(|(row, id)| (lower_case_hash(id), row as u32)).collect();
            index.sort_unstable();
            index
        });
        let hash = lower_case_hash(theirs);
        let from = lowered.partition_point(|&(h, _)| h < hash);
        // One id of this hash, the same text ignoring case; two (ids differing by case alone) name no one lead.
        let row = match lowered.get(from..).unwrap_or_default() {
            [(h, row), rest @ ..] if *h == hash && rest.first().is_none_or(|&(next, _)| next != hash) => *row as usize,
            _ => return,
        };
        if IdCase::Ignore.same(&ours[row], theirs) {
            self.count += 1;
            self.first.get_or_insert_with(|| (theirs.to_string(), ours[row].clone()));
        }
    }

    /// The count and the first pair, without the index.
    pub fn counted(self) -> CaseOnlyMatches {
        CaseOnlyMatches { lowered: None, ..self }
    }

    /// What to add to a message about rows that matched no id, when some match one
    /// ignoring case; `scoring`: said by `score`, whose model file sets how ids match.
    pub fn clause(&self, scoring: bool) -> Option<String> {
        let (theirs, ours) = self.first.as_ref()?;
        let setting = match scoring {
            false => "set [input] id_case = \"ignore\"",
            true => "fit the model with [input] id_case = \"ignore\"",
        };
        Some(format!(
            "{} of them match a lead's id but for the case of its letters ({theirs:?} for {ours:?}): ids are matched as written (Salesforce's 15-character ids differ by case alone), so export both files with the ids in the same case, or, if ids that differ only in case name one lead (e-mail addresses), {setting}",
            self.count
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids that differ only in case are counted (and the first pair kept), never one that
    /// names two leads ignoring case, nor one that matches nothing at all.
    #[test]
    fn ids_that_match_only_ignoring_case_are_counted_not_matched() {
        let ours: Vec<String> = ["L001", "Jane.Doe@Acme.com", "abcDE", "ABCde"].map(String::from).to_vec();
        let mut seen = CaseOnlyMatches::default();
        assert_eq!(seen.clause(false), None);
        for theirs in ["l001", "jane.doe@acme.com", "L001", "abcde", "L002"] {
            seen.see(theirs, &ours);
        }
        assert_eq!(seen.count, 3, "l001, the address and L001 (the caller sees only unmatched ids); abcde names two leads");
        assert_eq!(seen.first, Some(("l001".to_string(), "L001".to_string())));
        // Ten thousand unmatched ids that match nothing ignoring case: the rest are not looked up.
        let mut other = CaseOnlyMatches::default();
        for k in 0..CASE_LOOKUPS_BEFORE_GIVING_UP {
            other.see(&format!("x{k}"), &ours);
        }
        other.see("l001", &ours);
        assert_eq!((other.count, other.looked_up), (0, CASE_LOOKUPS_BEFORE_GIVING_UP));
        let clause = seen.clause(false).unwrap();
        assert!(clause.starts_with("3 of them match a lead's id but for the case of its letters (\"l001\" for \"L001\")"), "{clause}");
        assert!(clause.ends_with("set [input] id_case = \"ignore\""), "{clause}");
        assert!(seen.clause(true).unwrap().ends_with("fit the model with [input] id_case = \"ignore\""));
        // Case is that of ASCII letters, as id_case = "ignore" folds it.
        let mut accented = CaseOnlyMatches::default();
        accented.see("élodie@x.fr", &["Élodie@x.fr".to_string()]);
        accented.see("ÉLODIE@X.FR", &["Élodie@x.fr".to_string()]);
        assert_eq!(accented.count, 1);
    }

    #[test]
    fn case_safe_ids_as_salesforce_documents_them() {
        // The pair Salesforce's help cites for the conversion, and one worked out by hand
        // (only the D of the first five is upper case: bit 2, the letter E).
        assert_eq!(case_safe("001A0000006Vm9r").as_deref(), Some("001A0000006Vm9rIAC"));
        assert_eq!(case_safe("00D000000000062").as_deref(), Some("00D000000000062EAA"));
        // Every letter upper case: all five bits of every chunk.
        assert_eq!(case_safe("ABCDEABCDEABCDE").as_deref(), Some("ABCDEABCDEABCDE555"));
        assert_eq!(case_safe("abcdeabcdeabcde").as_deref(), Some("abcdeabcdeabcdeAAA"));
        for not_an_id in ["001A0000006Vm9", "001A0000006Vm9rI", "001A0000006Vm-r", "001A0000006Vm9é"] {
            assert_eq!(case_safe(not_an_id), None, "{not_an_id}");
        }
        assert_eq!(fifteen_of("001A0000006Vm9rIAC"), Some("001A0000006Vm9r"));
        assert_eq!(fifteen_of("001a0000006vm9riac"), None, "the case of the first fifteen is what the suffix spells");
        assert_eq!(fifteen_of("001A0000006Vm9riac"), Some("001A0000006Vm9r"), "the suffix itself is read ignoring case");
        assert_eq!(fifteen_of("001A0000006Vm9rIAD"), None);
        assert_eq!(fifteen_of("L0000000000000001"), None);
    }

    #[test]
    fn the_other_form_is_the_same_record_and_the_note_names_both() {
        assert_eq!(other_form("001A0000006Vm9rIAC").as_deref(), Some("001A0000006Vm9r"));
        assert_eq!(other_form("001A0000006Vm9r").as_deref(), Some("001A0000006Vm9rIAC"));
        assert_eq!(other_form("001A0000006Vm9rIAD"), None, "a wrong suffix is another id");
        assert_eq!(other_form("L0000001"), None);
        let mut matches = OtherFormMatches::default();
        assert_eq!(matches.note("events", "a", "b"), None);
        for _ in 0..7 {
            matches.add("001A0000006Vm9rIAC", "001A0000006Vm9r");
        }
        let note = matches.note("events", "the events' lead ids", "the leads' ids").unwrap();
        assert_eq!(note, "the events' lead ids are Salesforce's 18-character ids and the leads' ids the 15-character ones of the same records (\"001A0000006Vm9rIAC\" is \"001A0000006Vm9r\"): 7 events matched by them");
        assert_eq!(other_forms("001A0000006Vm9r", Some(15)), ["001A0000006Vm9rIAC"]);
        // Fifteen digits are a number first (Facebook lead ids, a database key), and a Salesforce id too.
        assert_eq!(other_forms("123456789012345", None), ["123456789012345.0", "123456789012345AAA"]);
    }

    #[test]
    fn a_whole_number_is_matched_by_its_value_as_other_exports_write_it() {
        assert_eq!(other_forms("100001.0", None), ["100001"]);
        assert_eq!(other_forms("100001.00", None), ["100001"]);
        assert_eq!(other_forms("100001", None), ["100001.0"]);
        assert_eq!(other_forms("00123", None), ["00123.0", "123"]);
        assert_eq!(other_forms("00123.0", None), ["00123", "123"]);
        assert_eq!(other_forms("123", Some(5)), ["123.0", "00123"]);
        assert_eq!(other_forms("0", Some(3)), ["0.0", "000"]);
        assert_eq!(other_forms("00000", None), ["00000.0", "0"]);
        assert_eq!(other_forms("123456", Some(5)), ["123456.0"], "wider than the padding: no padded form");
        for none in ["L0000001", "12.5", "1e5", "-12", "12.", ".0", "", "12 3", "１２"] {
            assert!(other_forms(none, Some(8)).is_empty(), "{none}");
        }
        assert_eq!(padded_width(["00123", "04567", "10000"]), Some(5));
        assert_eq!(padded_width(["12345", "45678"]), None, "no leading zero: not padded");
        assert_eq!(padded_width(["00123", "4567"]), None, "two widths");
        assert_eq!(padded_width(["00123", "0A567"]), None);
        assert_eq!(padded_width([]), None);
        // Found once: matched; found as two records: no match.
        let leads = ["0123", "456", "00456"];
        let find = |form: &str| leads.iter().position(|l| *l == form);
        assert_eq!(one_match("123", Some(4), find), Some(0));
        assert_eq!(one_match("123", None, find), None, "zeros are added only to the width of padded ids");
        assert_eq!(one_match("123.0", Some(4), find), Some(0));
        assert_eq!(one_match("0456", None, find), Some(1), "456 alone: 00456 is not among the forms of 0456 without a width");
        assert_eq!(one_match("0456", Some(5), find), None, "456 and 00456 are both leads");
        assert_eq!(one_match("789", Some(4), find), None);
        let mut matches = OtherFormMatches::default();
        matches.add("100001.0", "100001");
        matches.add("100002.0", "100002");
        let note = matches.note("events", "the events' lead ids", "the leads' ids").unwrap();
        assert!(note.starts_with("the events' lead ids write whole numbers otherwise than the leads' ids (\"100001.0\" is \"100001\": ") && note.contains("2 events matched by their value"), "{note}");
    }
}
