//! Salesforce writes one record's id two ways: 15 case-sensitive characters (reports
//! and the UI) and 18 case-insensitive ones (the API, Data Loader, `CASESAFEID(Id)`):
//! the 15 followed by three characters that spell the case of its letters. Two
//! exports of the same leads can therefore share no id at all; an id is matched by its
//! other form too (both name one record), and a note says so.

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

/// The record's other id: the 15-character id of a case-safe 18-character one, or the
/// 18-character form of a 15-character one; None for text that is neither.
pub fn other_form(id: &str) -> Option<String> {
    match id.len() {
        18 => fifteen_of(id).map(str::to_string),
        15 => case_safe(id),
        _ => None,
    }
}

/// Rows of one file matched to the other's by their ids' other form: how many, and the
/// first (its id as that file writes it, and as the other does). The form differs by
/// export (reports write 15 characters, the API 18) and both name the same record, so the
/// rows are matched; [`OtherFormMatches::note`] says so.
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
    pub fn note(&self, what: &str, theirs: &str, ours: &str) -> Option<String> {
        let (their_id, our_id) = self.first.as_ref()?;
        Some(format!(
            "{theirs} are Salesforce's {}-character ids and {ours} the {}-character ones of the same records ({their_id:?} is {our_id:?}): {} {what} matched by them",
            their_id.len(),
            our_id.len(),
            self.count
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
