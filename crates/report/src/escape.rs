//! Every string from data or config (channel names, signal names, levels, paths)
//! goes through these before it reaches HTML or Markdown.

/// Escape text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    mqlcal_scorecard::export::escape_markup(text, "&#39;")
}

/// Escape text for Markdown (also inside table cells): Markdown's punctuation is
/// backslash-escaped, HTML's special characters become entities, line breaks spaces.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_html("<b>R&D \"x\" 'y'</b>"),
            "&lt;b&gt;R&amp;D &quot;x&quot; &#39;y&#39;&lt;/b&gt;"
        );
        assert_eq!(
            escape_markdown("a|b <i> *x* [l](u) é"),
            "a\\|b &lt;i&gt; \\*x\\* \\[l\\]\\(u\\) é"
        );
        assert_eq!(escape_markdown("two\nlines"), "two lines");
    }
}
