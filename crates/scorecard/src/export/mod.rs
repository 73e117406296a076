//! Exports of a model for production scorers that are not this crate.

pub mod pmml;
mod pmml_rule;
pub mod sql;

/// Text for XML or HTML element content and attribute values: `&`, `<`, `>`, `"`
/// escaped, and `'` as `apostrophe` (`&apos;` in PMML, `&#39;` in the report's HTML).
pub fn escape_markup(text: &str, apostrophe: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c => out.push(c),
        }
    }
    out
}
