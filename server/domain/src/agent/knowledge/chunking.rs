//! Splits a document into passages small enough to embed well: heading-aware (a chunk never
//! spans two sections, and carries its section's heading path), bounded in size, with a little
//! overlap so a sentence cut at a boundary is still found whole.

use model::agent::knowledge::DocumentFormat as Format;

/// Chunks stay under this many characters: about 200 word pieces, inside the local model's
/// 256-token window once the title and heading are prepended.
pub const MAX_CHUNK_CHARS: usize = 800;
/// Text carried over from the end of one chunk to the start of the next in the same section.
const OVERLAP_CHARS: usize = 160;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The section's heading path, `Returns › Refunds`; `None` before the first heading.
    pub heading: Option<String>,
    pub content: String,
}

/// How a file is marked up, from its MIME type or its name's extension; plain text when
/// unknown.
pub fn detect_format(content_type: Option<&str>, file_name: Option<&str>) -> Format {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    match mime.as_deref() {
        Some("text/html" | "application/xhtml+xml") => return Format::Html,
        Some("text/markdown" | "text/x-markdown") => return Format::Markdown,
        _ => {}
    }
    let extension = file_name
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm" | "xhtml") => Format::Html,
        Some("md" | "markdown") => Format::Markdown,
        _ => Format::Text,
    }
}

/// The document's plain text, with Markdown-style `#` headings where the source had headings.
pub fn to_text(source: &str, format: Format) -> String {
    match format {
        Format::Html => super::html::to_markdown(source),
        Format::Text | Format::Markdown => source.replace("\r\n", "\n"),
    }
}

/// Splits text whose headings are Markdown `#` lines (plain text has none) into chunks.
pub fn chunk(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut section = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        match (!in_code).then(|| heading(line)).flatten() {
            Some((level, title)) => {
                split_section(&section, heading_path(&path), &mut chunks);
                section.clear();
                path.retain(|(l, _)| *l < level);
                path.push((level, title));
            }
            None => {
                section.push_str(line);
                section.push('\n');
            }
        }
    }
    split_section(&section, heading_path(&path), &mut chunks);
    chunks
}

fn heading(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    let rest = &line[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim();
    (!title.is_empty()).then(|| (level, title.to_owned()))
}

fn heading_path(path: &[(usize, String)]) -> Option<String> {
    (!path.is_empty()).then(|| {
        path.iter()
            .map(|(_, title)| title.as_str())
            .collect::<Vec<_>>()
            .join(" › ")
    })
}

/// Packs a section's paragraphs into chunks, splitting long paragraphs into sentences and long
/// sentences into words.
fn split_section(section: &str, heading: Option<String>, chunks: &mut Vec<Chunk>) {
    let pieces: Vec<String> = section
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .flat_map(|p| pieces_of(&p))
        .collect();
    let mut current = String::new();
    for piece in pieces {
        if !current.is_empty()
            && current.chars().count() + 1 + piece.chars().count() > MAX_CHUNK_CHARS
        {
            let overlap = tail(&current);
            chunks.push(Chunk {
                heading: heading.clone(),
                content: std::mem::take(&mut current),
            });
            if overlap.chars().count() + 1 + piece.chars().count() <= MAX_CHUNK_CHARS {
                current = overlap;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        chunks.push(Chunk {
            heading,
            content: current,
        });
    }
}

/// A paragraph as pieces no longer than a chunk: itself, its sentences, or runs of words.
fn pieces_of(paragraph: &str) -> Vec<String> {
    if paragraph.chars().count() <= MAX_CHUNK_CHARS {
        return vec![paragraph.to_owned()];
    }
    sentences(paragraph)
        .into_iter()
        .flat_map(|sentence| {
            if sentence.chars().count() <= MAX_CHUNK_CHARS {
                vec![sentence]
            } else {
                word_runs(&sentence)
            }
        })
        .collect()
}

fn sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?')
            && chars.peek().is_some_and(|(_, next)| next.is_whitespace())
        {
            sentences.push(text[start..=i].trim().to_owned());
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest.to_owned());
    }
    sentences
}

fn word_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for word in text.split_whitespace() {
        // A single word longer than a chunk is cut at character boundaries.
        let word: Vec<char> = word.chars().collect();
        for part in word.chunks(MAX_CHUNK_CHARS) {
            let part: String = part.iter().collect();
            if !run.is_empty() && run.chars().count() + 1 + part.chars().count() > MAX_CHUNK_CHARS {
                runs.push(std::mem::take(&mut run));
            }
            if !run.is_empty() {
                run.push(' ');
            }
            run.push_str(&part);
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The last whole sentences (or words) of a chunk, up to [`OVERLAP_CHARS`].
fn tail(chunk: &str) -> String {
    let mut taken: Vec<String> = Vec::new();
    let mut length = 0;
    for sentence in sentences(chunk).into_iter().rev() {
        let n = sentence.chars().count();
        if length + n > OVERLAP_CHARS {
            break;
        }
        length += n + 1;
        taken.push(sentence);
    }
    taken.reverse();
    taken.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_headings_and_carry_their_path() {
        let text = "Intro line.\n\n# Returns\n\nWithin 30 days.\n\n## Refunds\n\nTo the card.\n\n# Shipping\n\nTwo days.";
        let chunks = chunk(text);
        let summary: Vec<(Option<&str>, &str)> = chunks
            .iter()
            .map(|c| (c.heading.as_deref(), c.content.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (None, "Intro line."),
                (Some("Returns"), "Within 30 days."),
                (Some("Returns › Refunds"), "To the card."),
                (Some("Shipping"), "Two days."),
            ]
        );
    }

    #[test]
    fn long_sections_are_split_within_bounds_with_overlap() {
        let sentence = "The warranty covers manufacturing defects for two full years.";
        let text = vec![sentence; 60].join(" ");
        let chunks = chunk(&text);
        assert!(chunks.len() >= 4, "{} chunks", chunks.len());
        for c in &chunks {
            assert!(c.content.chars().count() <= MAX_CHUNK_CHARS);
        }
        // Each chunk after the first starts with the end of the one before.
        assert!(chunks[1].content.starts_with(sentence));
        let total: usize = chunks
            .iter()
            .map(|c| c.content.matches("warranty").count())
            .sum();
        assert!(total > 60, "overlap repeats some sentences: {total}");
    }

    #[test]
    fn a_word_longer_than_a_chunk_is_cut() {
        let text = "x".repeat(MAX_CHUNK_CHARS * 2 + 5);
        let chunks = chunk(&text);
        assert_eq!(chunks.len(), 3);
        assert!(
            chunks
                .iter()
                .all(|c| c.content.chars().count() <= MAX_CHUNK_CHARS)
        );
    }

    #[test]
    fn hashes_inside_code_blocks_and_without_a_space_are_not_headings() {
        let chunks = chunk("#hashtag text\n\n```\n# comment\n```\n");
        assert!(chunks.iter().all(|c| c.heading.is_none()));
    }

    #[test]
    fn empty_documents_have_no_chunks() {
        assert!(chunk("  \n\n ").is_empty());
    }

    #[test]
    fn formats_are_detected_from_type_or_name() {
        assert_eq!(
            detect_format(Some("text/html; charset=utf-8"), None),
            Format::Html
        );
        assert_eq!(detect_format(None, Some("faq.MD")), Format::Markdown);
        assert_eq!(
            detect_format(Some("application/octet-stream"), Some("a.htm")),
            Format::Html
        );
        assert_eq!(detect_format(None, Some("notes.txt")), Format::Text);
    }
}
