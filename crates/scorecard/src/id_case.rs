//! How one file's lead ids are matched to another's (`[input] id_case`): the one home of
//! the rule, read alike by training (leads, events, won ids) and by `mqlcal score` and the
//! SQL exports, which read it from the model file.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Whether ids that differ only in the case of their letters name one lead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdCase {
    /// Ids match as written (Salesforce's 15-character ids differ by case alone).
    #[default]
    Exact,
    /// `Jane.Doe@Acme.com` is `jane.doe@acme.com`: one system lower-cases ids (e-mail
    /// addresses most often) and another keeps them as typed. ASCII letters only, as
    /// every SQL engine folds them alike (SQLite's `lower` folds no other letter).
    Ignore,
}

impl IdCase {
    /// Whether this is the default (the model file then does not record it).
    pub fn is_exact(&self) -> bool {
        *self == IdCase::Exact
    }

    /// The id as it is matched: as written, or with its ASCII letters in lower case
    /// (borrowed when it has none in upper case).
    pub fn key<'a>(&self, id: &'a str) -> Cow<'a, str> {
        match self {
            IdCase::Ignore if id.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Owned(id.to_ascii_lowercase()),
            _ => Cow::Borrowed(id),
        }
    }

    /// Whether two ids name one lead: `key(a) == key(b)`, without writing either out.
    #[inline]
    pub fn same(&self, a: &str, b: &str) -> bool {
        match self {
            IdCase::Exact => a == b,
            IdCase::Ignore => a.eq_ignore_ascii_case(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignoring_case_folds_ascii_letters_only() {
        assert_eq!(IdCase::Ignore.key("Jane.Doe@Acme.COM"), "jane.doe@acme.com");
        assert!(matches!(IdCase::Ignore.key("l001"), Cow::Borrowed(_)), "nothing to fold: no copy");
        assert_eq!(IdCase::Ignore.key("ÉLODIE@X.FR"), "Élodie@x.fr", "only A-Z, as SQLite's lower()");
        assert_eq!(IdCase::Exact.key("L001"), "L001");
        for (a, b) in [("Jane.Doe@Acme.COM", "jane.doe@acme.com"), ("ÉLODIE", "Élodie"), ("ÉLODIE", "élodie"), ("L001", "L002")] {
            assert_eq!(IdCase::Ignore.same(a, b), IdCase::Ignore.key(a) == IdCase::Ignore.key(b), "{a} {b}");
            assert_eq!(IdCase::Exact.same(a, b), a == b);
        }
        assert_eq!(serde_json::to_string(&IdCase::Ignore).unwrap(), "\"ignore\"");
    }
}
