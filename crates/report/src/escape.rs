//! Every string from data or config (channel names, signal names, levels, paths)
//! goes through these before it reaches HTML or Markdown.
//!
//! Markdown is escaped only where Markdown would read a character as syntax, so
//! `report.md` stays readable as plain text: `2018-03`, `0.1.0`, `R&D`,
//! `employees=[200,1000)` and `target_geo` are left as they are, while a `*`, a
//! backtick, a `<tag`, an entity-like `&amp;`, a `](` that would start a link, a
//! `#` or `- ` at the start of a block, and a `|` in a table cell are escaped.

/// Escape text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    mqlcal_scorecard::export::escape_markup(text, "&#39;")
}

/// Where a piece of Markdown text goes; the rules differ slightly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Md {
    /// Text that starts a block (a paragraph, a list item): a leading `#`, `>`,
    /// `-`, `+` or `1.` would make a heading, quote or list.
    Block,
    /// Text inside a line that already started (a heading's text, after a label).
    Inline,
    /// A table cell: `|` would end the cell.
    Cell,
    /// The text of a link or an image: brackets would end it.
    LinkText,
}

/// Escape `text` for Markdown in context `ctx` (line breaks become spaces).
pub fn escape_markdown_in(text: &str, ctx: Md) -> String {
    let text = if ctx == Md::Block { text.trim_start() } else { text };
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(text.len() + 8);
    let skip = if ctx == Md::Block {
        block_start(&chars, &mut out)
    } else {
        0
    };
    for (i, &c) in chars.iter().enumerate().skip(skip) {
        let prev = i.checked_sub(1).map(|k| chars[k]);
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if next.is_none_or(|n| n.is_ascii_punctuation()) => out.push_str("\\\\"),
            '`' | '*' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word (target_geo) an underscore is never emphasis.
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_")
            }
            '[' if ctx == Md::LinkText => out.push_str("\\["),
            ']' if ctx == Md::LinkText || matches!(next, Some('(' | '[' | ':')) => {
                out.push_str("\\]")
            }
            '<' if next.is_some_and(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => {
                out.push_str("\\<")
            }
            '&' if entity_like(&chars[i + 1..]) => out.push_str("&amp;"),
            '|' if ctx == Md::Cell => out.push_str("\\|"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text that starts a block (a paragraph or a list item).
pub fn escape_markdown(text: &str) -> String {
    escape_markdown_in(text, Md::Block)
}

/// A block's first characters that Markdown would read as a heading, quote,
/// list marker or thematic break, written escaped into `out`; returns how many
/// characters of `chars` it wrote.
fn block_start(chars: &[char], out: &mut String) -> usize {
    match chars.first() {
        Some(&c @ ('#' | '>' | '-' | '+' | '=')) => {
            out.push('\\');
            out.push(c);
            1
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            match chars.get(digits) {
                Some(&m @ ('.' | ')')) if chars.get(digits + 1).is_none_or(|c| *c == ' ') => {
                    out.extend(&chars[..digits]);
                    out.push('\\');
                    out.push(m);
                    digits + 1
                }
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// `&` followed by what HTML reads as an entity: `name;`, `#123;` or `#x1f;`.
fn entity_like(rest: &[char]) -> bool {
    let body: String = rest.iter().take_while(|&&c| c != ';').take(33).collect();
    if rest.get(body.chars().count()) != Some(&';') || body.is_empty() {
        return false;
    }
    if let Some(num) = body.strip_prefix('#') {
        let hex = num.strip_prefix(['x', 'X']);
        match hex {
            Some(h) => !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
            None => !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()),
        }
    } else {
        body.starts_with(|c: char| c.is_ascii_alphabetic())
            && body.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_special_character() {
        assert_eq!(
            escape_html("<b>R&D \"x\" 'y'</b>"),
            "&lt;b&gt;R&amp;D &quot;x&quot; &#39;y&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn markdown_leaves_plain_text_alone() {
        for plain in [
            "2018-03",
            "0.1.0",
            "R&D",
            "employees=[200,1000)",
            "target_geo",
            "email_domain=competitor",
            "54.1 % (49.9–58.5 %)",
            "a - b + c > d = e",
            "Zürich — 3 < 4",
            "\"quoted\" and 'single'",
            "1 in 8",
        ] {
            assert_eq!(escape_markdown(plain), plain, "{plain}");
            assert_eq!(escape_markdown_in(plain, Md::Cell), plain, "{plain}");
        }
    }

    #[test]
    fn markdown_escapes_what_would_be_syntax() {
        assert_eq!(escape_markdown("a *b* `c`"), "a \\*b\\* \\`c\\`");
        assert_eq!(escape_markdown("Paid <Social> & co"), "Paid \\<Social> & co");
        assert_eq!(escape_markdown("</p>"), "\\</p>");
        assert_eq!(escape_markdown("&amp; &#39; &#x1F;"), "&amp;amp; &amp;#39; &amp;#x1F;");
        assert_eq!(escape_markdown("[x](http://a)"), "[x\\](http://a)");
        assert_eq!(escape_markdown("[ref]: u"), "[ref\\]: u");
        assert_eq!(escape_markdown("_lead_"), "\\_lead\\_");
        assert_eq!(escape_markdown("a\\*b"), "a\\\\\\*b");
        assert_eq!(escape_markdown("two\nlines"), "two lines");
        assert_eq!(escape_markdown("~~x~~"), "\\~\\~x\\~\\~");
    }

    #[test]
    fn markdown_escapes_block_markers_only_at_the_start() {
        assert_eq!(escape_markdown("# not a heading"), "\\# not a heading");
        assert_eq!(escape_markdown("- not a list"), "\\- not a list");
        assert_eq!(escape_markdown("> not a quote"), "\\> not a quote");
        assert_eq!(escape_markdown("+1"), "\\+1");
        assert_eq!(escape_markdown("1. not a list"), "1\\. not a list");
        assert_eq!(escape_markdown("2018-03 is a month"), "2018-03 is a month");
        assert_eq!(escape_markdown("3.5 points"), "3.5 points");
        assert_eq!(escape_markdown("   # indented"), "\\# indented");
        assert_eq!(escape_markdown_in("# in a line", Md::Inline), "# in a line");
        assert_eq!(escape_markdown_in("-80", Md::Cell), "-80");
    }

    #[test]
    fn markdown_cells_and_link_texts() {
        assert_eq!(escape_markdown_in("a|b", Md::Cell), "a\\|b");
        assert_eq!(escape_markdown("a|b"), "a|b");
        assert_eq!(escape_markdown_in("x [1] y", Md::LinkText), "x \\[1\\] y");
    }
}
