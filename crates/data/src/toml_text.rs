//! Text written into TOML by hand (init's drafts, the config lines warnings suggest):
//! keys and basic strings, escaped as TOML reads them.

use std::fmt::Write as _;

/// A key of a TOML table: bare when TOML allows it, else a quoted string.
pub(crate) fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        key.to_string()
    } else {
        toml_str(key)
    }
}

/// A TOML basic string: quoted, with backslash, quote and control characters escaped.
pub(crate) fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
