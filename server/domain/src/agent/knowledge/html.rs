//! HTML to plain text for chunking: headings become Markdown `#` lines (so sections survive),
//! block elements become paragraph breaks, scripts, styles and comments disappear, and
//! character references are decoded. Forgiving, as real-world HTML needs.

/// Elements whose content is never text.
const HIDDEN: [&str; 6] = ["script", "style", "head", "noscript", "template", "svg"];
/// Elements that end a paragraph.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "blockquote",
    "pre",
    "hr",
    "dl",
    "dt",
    "dd",
    "figure",
    "form",
];

pub fn to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut hidden: Option<String> = None;
    let mut in_heading = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = &rest[1..end.saturating_sub(1).max(1)];
            rest = &rest[end..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(open) = &hidden {
                if closing && *open == name {
                    hidden = None;
                }
                continue;
            }
            if !closing && HIDDEN.contains(&name.as_str()) && !tag.ends_with('/') {
                hidden = Some(name);
                continue;
            }
            let level = heading_level(&name);
            if let Some(level) = level {
                in_heading = !closing;
                out.push_str("\n\n");
                if !closing {
                    out.push_str(&"#".repeat(level));
                    out.push(' ');
                }
            } else if name == "br" {
                out.push('\n');
            } else if BLOCKS.contains(&name.as_str()) {
                out.push_str("\n\n");
            } else if matches!(name.as_str(), "td" | "th") && closing {
                out.push(' ');
            }
            continue;
        }
        let text_end = rest.find('<').unwrap_or(rest.len());
        if hidden.is_none() {
            let text = decode_entities(&rest[..text_end]);
            if in_heading {
                out.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
            } else {
                out.push_str(&text);
            }
        }
        rest = &rest[text_end..];
    }
    out
}

/// Byte length of the tag at the start of `text`, `>` included; quoted `>` do not end it.
fn tag_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    text.len()
}

fn heading_level(name: &str) -> Option<usize> {
    let digit = name.strip_prefix('h')?;
    let level: usize = digit.parse().ok()?;
    (1..=6).contains(&level).then_some(level)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::knowledge::chunking::chunk;

    #[test]
    fn headings_paragraphs_and_entities_survive() {
        let html = r#"<html><head><title>x</title><style>p{}</style></head><body>
            <h1>Returns &amp; refunds</h1><p>Within <b>30</b> days.</p><!-- note -->
            <script>alert("<h2>no</h2>")</script>
            <h2 class="x">
              Refund method</h2><p>To the card &#8212; always.<br>Fast.</p></body></html>"#;
        let chunks = chunk(&to_markdown(html));
        let summary: Vec<(Option<&str>, &str)> = chunks
            .iter()
            .map(|c| (c.heading.as_deref(), c.content.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (Some("Returns & refunds"), "Within 30 days."),
                (
                    Some("Returns & refunds › Refund method"),
                    "To the card — always. Fast."
                ),
            ]
        );
    }

    #[test]
    fn quoted_angle_brackets_and_broken_markup_do_not_break_it() {
        let text = to_markdown(r#"<a title="a > b">link</a> &bogus; & <unclosed"#);
        assert_eq!(text, "link &bogus; & ");
    }
}
