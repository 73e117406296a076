//! Salesforce writes one record's id two ways: 15 case-sensitive characters (reports
//! and the UI) and 18 case-insensitive ones (the API, Data Loader, `CASESAFEID(Id)`):
//! the 15 followed by three characters that spell the case of its letters. Two
//! exports of the same leads can therefore share no id at all; this tells that case
//! from a wrong column, so the message can say which id to export.

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

/// When `unmatched`, an id from one file that matches no id of the other, is the other
/// form of an id that `is_known` finds there, what to tell the user (naming
/// `theirs`, e.g. "the events' lead ids", and `ours`, e.g. "the leads' ids").
pub fn other_form_hint(unmatched: &str, is_known: impl Fn(&str) -> bool, theirs: &str, ours: &str) -> Option<String> {
    let (short, long) = match (fifteen_of(unmatched), case_safe(unmatched)) {
        (Some(fifteen), _) if is_known(fifteen) => (fifteen.to_string(), unmatched.to_string()),
        (_, Some(eighteen)) if is_known(&eighteen) => (unmatched.to_string(), eighteen),
        _ => return None,
    };
    let (their_length, our_length) = if unmatched.len() == 18 { (18, 15) } else { (15, 18) };
    Some(format!(
        "{theirs} are Salesforce's {their_length}-character ids and {ours} the {our_length}-character ones of the same records ({long:?} is {short:?}): export the same id in both files, the 18-character one where you can (a formula field CASESAFEID(Id) added to the report)"
    ))
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
    fn the_hint_names_both_forms_only_when_they_are_the_same_record() {
        let leads = ["001A0000006Vm9r", "00D000000000062"];
        let known = |id: &str| leads.contains(&id);
        let hint = other_form_hint("001A0000006Vm9rIAC", known, "the events' lead ids", "the leads' ids").unwrap();
        assert!(hint.starts_with("the events' lead ids are Salesforce's 18-character ids and the leads' ids the 15-character ones"), "{hint}");
        assert!(hint.contains("(\"001A0000006Vm9rIAC\" is \"001A0000006Vm9r\")"), "{hint}");
        let long = ["001A0000006Vm9rIAC"];
        let hint = other_form_hint("001A0000006Vm9r", |id| long.contains(&id), "the won ids", "the leads' ids").unwrap();
        assert!(hint.starts_with("the won ids are Salesforce's 15-character ids and the leads' ids the 18-character ones"), "{hint}");
        // A wrong suffix, an unknown record, or ids of another system: no hint.
        assert_eq!(other_form_hint("001A0000006Vm9rIAD", known, "a", "b"), None);
        assert_eq!(other_form_hint("001A0000006Vm9sIAC", known, "a", "b"), None);
        assert_eq!(other_form_hint("L0000001", known, "a", "b"), None);
    }
}
