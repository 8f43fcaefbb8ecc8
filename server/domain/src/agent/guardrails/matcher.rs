//! Rule patterns compiled once into matchers. The `regex` crate runs in time linear in the
//! input (no backtracking), and compiled programs are size-limited, so no pattern can stall a
//! check.

use model::agent::guardrails::GuardrailType;
use regex::{Regex, RegexBuilder};

/// Longest pattern a rule may have.
pub(crate) const MAX_PATTERN_CHARS: usize = 2_000;
/// Compiled program size limits for one rule.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;
const REGEX_DFA_LIMIT: usize = 1024 * 1024;

/// How one rule decides.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// Violated when any keyword occurs as whole words.
    Keywords(Regex),
    /// Violated when none of the topics occurs (an allow-list).
    AllowList(Regex),
    /// Violated when any preset or the custom regex finds something.
    Pii {
        presets: Vec<PiiPreset>,
        custom: Option<Regex>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PiiPreset {
    Email,
    Phone,
    Ssn,
    CreditCard,
}

impl PiiPreset {
    fn parse(name: &str) -> Option<PiiPreset> {
        match name.trim().to_ascii_lowercase().as_str() {
            "email" => Some(PiiPreset::Email),
            "phone" => Some(PiiPreset::Phone),
            "ssn" => Some(PiiPreset::Ssn),
            "credit_card" | "card" => Some(PiiPreset::CreditCard),
            _ => None,
        }
    }
}

/// The preset regexes, built once.
struct Presets {
    email: Regex,
    phone: Regex,
    ssn: Regex,
    card_candidate: Regex,
}

fn presets() -> &'static Option<Presets> {
    static PRESETS: std::sync::OnceLock<Option<Presets>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(|| {
        Some(Presets {
            email: Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b").ok()?,
            phone: Regex::new(
                r"(?:^|[^\w+])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?:$|\W)",
            )
            .ok()?,
            ssn: Regex::new(r"\b\d{3}-\d{2}-\d{4}\b").ok()?,
            card_candidate: Regex::new(r"\b(?:\d[ -]?){12,18}\d\b").ok()?,
        })
    })
}

/// Compiles a rule's pattern, or says why it cannot be.
pub(crate) fn compile(kind: GuardrailType, pattern: &str) -> Result<Matcher, String> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!("must be at most {MAX_PATTERN_CHARS} characters"));
    }
    match kind {
        GuardrailType::BlockedTopic | GuardrailType::JailbreakDetection => {
            keywords(pattern).map(Matcher::Keywords)
        }
        GuardrailType::TopicBoundary => keywords(pattern).map(Matcher::AllowList),
        GuardrailType::PiiFilter => {
            let names: Vec<&str> = pattern
                .split(',')
                .filter(|n| !n.trim().is_empty())
                .collect();
            let presets: Vec<PiiPreset> =
                names.iter().filter_map(|n| PiiPreset::parse(n)).collect();
            if !names.is_empty() && presets.len() == names.len() {
                return Ok(Matcher::Pii {
                    presets,
                    custom: None,
                });
            }
            let custom = RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_LIMIT)
                .build()
                .map_err(|err| format!("is not a valid regular expression: {err}"))?;
            if custom.is_match("") {
                return Err("must not match empty text".to_owned());
            }
            Ok(Matcher::Pii {
                presets: Vec::new(),
                custom: Some(custom),
            })
        }
    }
}

/// One regex for comma-separated keywords, matched case-insensitively as whole words
/// (`"card"` does not match `"discarded"`). Empty keywords are ignored; none at all is refused.
fn keywords(pattern: &str) -> Result<Regex, String> {
    let alternatives: Vec<String> = pattern
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|keyword| {
            keyword
                .split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect();
    if alternatives.is_empty() {
        return Err("must list at least one non-empty keyword (comma-separated)".to_owned());
    }
    // Boundaries by hand: `\b` fails next to keywords that start or end with a symbol (`c++`).
    RegexBuilder::new(&format!(r"(?:^|\W)(?:{})(?:$|\W)", alternatives.join("|")))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
        .map_err(|err| format!("has too many or too long keywords: {err}"))
}

impl Matcher {
    pub(crate) fn is_violated_by(&self, content: &str) -> bool {
        match self {
            Matcher::Keywords(regex) => regex.is_match(content),
            Matcher::AllowList(regex) => !content.trim().is_empty() && !regex.is_match(content),
            Matcher::Pii { presets, custom } => {
                custom.as_ref().is_some_and(|r| r.is_match(content))
                    || presets.iter().any(|preset| finds(*preset, content))
            }
        }
    }
}

fn finds(preset: PiiPreset, content: &str) -> bool {
    let Some(regexes) = presets() else {
        return false;
    };
    match preset {
        PiiPreset::Email => regexes.email.is_match(content),
        PiiPreset::Phone => regexes.phone.is_match(content),
        PiiPreset::Ssn => regexes.ssn.is_match(content),
        PiiPreset::CreditCard => regexes
            .card_candidate
            .find_iter(content)
            .any(|candidate| luhn_valid(candidate.as_str())),
    }
}

/// A 13–19 digit number whose Luhn checksum holds (separators ignored).
fn luhn_valid(candidate: &str) -> bool {
    let digits: Vec<u32> = candidate.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violates(kind: GuardrailType, pattern: &str, content: &str) -> bool {
        compile(kind, pattern).unwrap().is_violated_by(content)
    }

    #[test]
    fn keywords_match_whole_words_case_insensitively() {
        let kind = GuardrailType::BlockedTopic;
        assert!(violates(
            kind,
            "competitor, refund",
            "Tell me about COMPETITOR products"
        ));
        assert!(violates(
            kind,
            "competitor products",
            "any competitor   products?"
        ));
        assert!(!violates(kind, "card", "I discarded it"));
        assert!(violates(kind, "c++", "do you know c++?"));
        assert!(
            !violates(kind, "weather, ", "hello"),
            "empty keywords match nothing"
        );
        assert!(compile(kind, " , ,").is_err());
    }

    #[test]
    fn topic_boundary_is_an_allow_list() {
        let kind = GuardrailType::TopicBoundary;
        assert!(!violates(kind, "orders, returns", "Where are my orders?"));
        assert!(violates(
            kind,
            "orders, returns",
            "What is the meaning of life?"
        ));
        assert!(
            !violates(kind, "orders", "   "),
            "nothing said, nothing off-topic"
        );
    }

    #[test]
    fn pii_presets_find_what_they_name() {
        let kind = GuardrailType::PiiFilter;
        assert!(violates(
            kind,
            "email",
            "write to jane.doe@example.com please"
        ));
        assert!(violates(kind, "phone", "call me at (415) 555-0132"));
        assert!(violates(kind, "phone", "or +1 415 555 0132"));
        assert!(violates(kind, "ssn", "my ssn is 123-45-6789"));
        assert!(violates(
            kind,
            "credit_card",
            "card 4111 1111 1111 1111 exp 12/29"
        ));
        assert!(
            !violates(kind, "credit_card", "order 4111 1111 1111 1112"),
            "Luhn fails"
        );
        assert!(!violates(kind, "email, ssn", "nothing personal here"));
    }

    #[test]
    fn custom_regexes_are_compiled_and_bounded() {
        let kind = GuardrailType::PiiFilter;
        assert!(violates(kind, r"acct-\d{6}", "ACCT-123456"));
        assert!(compile(kind, "(unclosed").is_err());
        assert!(compile(kind, ".*").is_err(), "matches everything");
        assert!(compile(kind, r"(?:a{1000}){1000}").is_err(), "too big");
        assert!(compile(kind, &"a".repeat(MAX_PATTERN_CHARS + 1)).is_err());
    }
}
