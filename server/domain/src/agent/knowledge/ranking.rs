//! Retrieval pieces that are pure computation: query terms for full-text search, reciprocal
//! rank fusion, and query normalisation.

use std::collections::HashMap;

use store::Candidate;

/// Reciprocal rank fusion's constant: damps the weight of the very first ranks.
const RRF_K: f64 = 60.0;

/// Words too common to help a full-text match.
const STOPWORDS: [&str; 48] = [
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "you", "we", "it",
    "my", "your", "our", "me", "can", "could", "would", "should", "how", "what", "when", "where",
    "which", "who", "why", "this", "that", "there", "have",
];
const MAX_TERMS: usize = 32;

/// The distinct, meaningful words of a query, lower-cased: what full-text search matches.
pub(crate) fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
    {
        if !STOPWORDS.contains(&word.as_str()) && !terms.contains(&word) {
            terms.push(word);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// Lower-case words separated by single spaces: repeats of a question share it.
pub(crate) fn normalize_query(query: &str) -> String {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fused candidate: its ranks in each list (1-based) and its similarity if known.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fused {
    pub chunk_id: String,
    pub score: f64,
    pub similarity: Option<f64>,
    pub vector_rank: Option<i64>,
    pub text_rank: Option<i64>,
}

/// Reciprocal rank fusion of the vector and full-text candidates, best first.
pub(crate) fn fuse(vector: &[Candidate], text: &[Candidate]) -> Vec<Fused> {
    let mut fused: Vec<Fused> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (list, is_vector) in [(vector, true), (text, false)] {
        for (rank, candidate) in list.iter().enumerate() {
            let rank = rank as i64 + 1;
            let at = *index.entry(candidate.chunk_id.as_str()).or_insert_with(|| {
                fused.push(Fused {
                    chunk_id: candidate.chunk_id.clone(),
                    score: 0.0,
                    similarity: None,
                    vector_rank: None,
                    text_rank: None,
                });
                fused.len() - 1
            });
            let entry = &mut fused[at];
            entry.score += 1.0 / (RRF_K + rank as f64);
            entry.similarity = entry.similarity.or(candidate.similarity);
            if is_vector {
                entry.vector_rank = Some(rank);
            } else {
                entry.text_rank = Some(rank);
            }
        }
    }
    fused.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| {
            b.similarity
                .unwrap_or(0.0)
                .total_cmp(&a.similarity.unwrap_or(0.0))
        })
    });
    fused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, similarity: Option<f64>) -> Candidate {
        Candidate {
            chunk_id: id.to_owned(),
            similarity,
        }
    }

    #[test]
    fn fusion_rewards_agreement_between_lists() {
        let vector = [candidate("a", Some(0.9)), candidate("b", Some(0.8))];
        let text = [candidate("b", Some(0.8)), candidate("c", None)];
        let fused = fuse(&vector, &text);
        let order: Vec<&str> = fused.iter().map(|f| f.chunk_id.as_str()).collect();
        assert_eq!(order, ["b", "a", "c"]);
        assert_eq!(
            (fused[0].vector_rank, fused[0].text_rank),
            (Some(2), Some(1))
        );
        assert!((fused[0].score - (1.0 / 62.0 + 1.0 / 61.0)).abs() < 1e-12);
        assert_eq!(fused[2].similarity, None);
    }

    #[test]
    fn query_terms_drop_stopwords_and_repeats() {
        assert_eq!(
            query_terms("How long do I have to return an item? Return, RETURN!"),
            ["long", "return", "item"]
        );
        assert!(query_terms("?? !!").is_empty());
    }

    #[test]
    fn normalised_queries_ignore_case_spacing_and_punctuation() {
        assert_eq!(
            normalize_query("  Where's my   ORDER?? "),
            "where s my order"
        );
        assert_eq!(
            normalize_query("where's my order"),
            normalize_query("Where's my order?")
        );
    }
}
