//! Retrieval pieces that are pure computation: the in-process vector index SQLite searches
//! with, query terms for full-text search, reciprocal rank fusion, and query normalisation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use store::{Candidate, Store, StoredVector, dot, vector_from_bytes};

use crate::Result;

/// Reciprocal rank fusion's constant: damps the weight of the very first ranks.
const RRF_K: f64 = 60.0;
/// Past this many floats (1 GiB) across apps the vector cache starts over.
const MAX_CACHED_FLOATS: usize = 256 * 1024 * 1024;

/// One app's vectors of one model, contiguous for a fast scan.
#[derive(Debug)]
struct AppVectors {
    ids: Vec<String>,
    categories: Vec<String>,
    dims: usize,
    data: Vec<f32>,
}

impl AppVectors {
    fn from_rows(rows: Vec<StoredVector>) -> AppVectors {
        let dims = rows.first().map_or(0, |r| r.embedding.len() / 4);
        let mut vectors = AppVectors {
            ids: Vec::with_capacity(rows.len()),
            categories: Vec::with_capacity(rows.len()),
            dims,
            data: Vec::with_capacity(rows.len() * dims),
        };
        for row in rows.into_iter().filter(|r| r.embedding.len() == dims * 4) {
            vectors.data.extend(vector_from_bytes(&row.embedding));
            vectors.ids.push(row.id);
            vectors.categories.push(row.category);
        }
        vectors
    }

    /// The `limit` most similar rows at or above `min_similarity`, best first.
    fn nearest(
        &self,
        query: &[f32],
        category: Option<&str>,
        min_similarity: f64,
        limit: usize,
    ) -> Vec<Candidate> {
        if query.len() != self.dims || self.dims == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(f64, usize)> = self
            .data
            .chunks_exact(self.dims)
            .enumerate()
            .filter(|(i, _)| category.is_none_or(|c| self.categories[*i] == c))
            .map(|(i, row)| (dot(query, row), i))
            .filter(|(similarity, _)| *similarity >= min_similarity)
            .collect();
        let by_similarity = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0);
        if scored.len() > limit && limit > 0 {
            scored.select_nth_unstable_by(limit - 1, by_similarity);
            scored.truncate(limit);
        }
        scored.sort_by(by_similarity);
        scored
            .into_iter()
            .take(limit)
            .map(|(similarity, i)| Candidate {
                chunk_id: self.ids[i].clone(),
                similarity: Some(similarity),
            })
            .collect()
    }
}

/// Vectors of each app loaded from the database once and scanned in process (SQLite, where
/// there is no vector index). Every write to an app's chunks goes through this process (SQLite
/// serves one), which evicts the app's entry.
#[derive(Debug, Default)]
pub(crate) struct VectorCache {
    inner: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    entries: HashMap<(String, String), Arc<AppVectors>>,
    /// Bumped by every eviction, so that a load racing a write is not kept.
    generations: HashMap<String, u64>,
    floats: usize,
}

/// What vector retrieval looks for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NearestQuery<'a> {
    pub app_id: &'a str,
    /// Only vectors of this model are compared.
    pub model: &'a str,
    pub vector: &'a [f32],
    pub category: Option<&'a str>,
    pub min_similarity: f64,
    pub limit: usize,
}

impl VectorCache {
    pub(crate) async fn nearest(
        &self,
        store: &Store,
        query: NearestQuery<'_>,
    ) -> Result<Vec<Candidate>> {
        let app_id = query.app_id;
        let key = (app_id.to_owned(), query.model.to_owned());
        let (cached, generation) = {
            let state = self.lock();
            (
                state.entries.get(&key).cloned(),
                state.generations.get(app_id).copied().unwrap_or(0),
            )
        };
        let vectors = match cached {
            Some(vectors) => vectors,
            None => {
                let loaded = Arc::new(AppVectors::from_rows(
                    store.stored_vectors(app_id, query.model).await?,
                ));
                let mut state = self.lock();
                if state.generations.get(app_id).copied().unwrap_or(0) == generation {
                    if state.floats + loaded.data.len() > MAX_CACHED_FLOATS {
                        state.entries.clear();
                        state.floats = 0;
                    }
                    state.floats += loaded.data.len();
                    state.entries.insert(key, loaded.clone());
                }
                loaded
            }
        };
        Ok(vectors.nearest(
            query.vector,
            query.category,
            query.min_similarity,
            query.limit,
        ))
    }

    /// Forgets an app's vectors after its chunks changed.
    pub(crate) fn evict(&self, app_id: &str) {
        let mut state = self.lock();
        *state.generations.entry(app_id.to_owned()).or_default() += 1;
        let mut freed = 0;
        state.entries.retain(|(app, _), vectors| {
            let keep = app != app_id;
            if !keep {
                freed += vectors.data.len();
            }
            keep
        });
        state.floats = state.floats.saturating_sub(freed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // The state stays consistent even if a holder panicked: every update is one step.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

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

    #[test]
    fn the_in_process_index_ranks_filters_and_cuts() {
        let rows = [
            ("a", "faq", [1.0f32, 0.0]),
            ("b", "faq", [0.6, 0.8]),
            ("c", "policy", [0.8, 0.6]),
        ]
        .into_iter()
        .map(|(id, category, v)| StoredVector {
            id: id.to_owned(),
            category: category.to_owned(),
            embedding: store::vector_bytes(&v),
        })
        .collect();
        let vectors = AppVectors::from_rows(rows);
        let ids = |found: Vec<Candidate>| -> Vec<String> {
            found.into_iter().map(|c| c.chunk_id).collect()
        };
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], None, 0.0, 10)),
            ["a", "c", "b"]
        );
        assert_eq!(ids(vectors.nearest(&[1.0, 0.0], None, 0.0, 2)), ["a", "c"]);
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], Some("faq"), 0.0, 10)),
            ["a", "b"]
        );
        assert_eq!(ids(vectors.nearest(&[1.0, 0.0], None, 0.7, 10)), ["a", "c"]);
        assert!(vectors.nearest(&[1.0, 0.0, 0.0], None, 0.0, 10).is_empty());
    }
}
