//! Vectors: pgvector's HNSW search on PostgreSQL; on SQLite, little-endian f32 blobs ranked in process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;

/// Past this many floats (1 GiB) across apps the vector cache starts over.
const MAX_CACHED_FLOATS: usize = 256 * 1024 * 1024;

/// What vector retrieval looks for.
#[derive(Clone, Copy, Debug)]
pub struct NearestQuery<'a> {
    pub app_id: &'a str,
    /// Only vectors of this model are compared.
    pub model: &'a str,
    pub vector: &'a [f32],
    pub filter: PassageFilter<'a>,
    pub min_similarity: f64,
    pub limit: usize,
}

/// One ranked search candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub chunk_id: String,
    /// Cosine similarity to the query; `None` when the chunk has no vector of the query's model.
    pub similarity: Option<f64>,
}

impl Candidate {
    pub fn new(chunk_id: String, similarity: Option<f64>) -> Candidate {
        Candidate {
            chunk_id,
            similarity,
        }
    }
}

/// A chunk's vector, for ranking in process.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredVector {
    pub id: String,
    pub category: String,
    pub audience: i64,
    pub embedding: Vec<u8>,
}

/// Little-endian bytes of a vector, as SQLite stores it.
pub fn vector_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The vector in SQLite's bytes.
pub fn vector_from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

impl Store {
    /// Creates the HNSW index for vectors of `dims` dimensions if there is none (PostgreSQL;
    /// the migrations made the 384 and 768 ones, with the same parameters). SQLite ranks
    /// vectors in process.
    pub async fn ensure_vector_index(&self, dims: usize) -> StoreResult<()> {
        if let Store::Postgres(pool) = self {
            // dims is a number, never text from a request: safe to format into DDL.
            let sql = format!(
                "CREATE INDEX IF NOT EXISTS knowledge_chunks_hnsw_{dims} ON knowledge_chunks \
                 USING hnsw ((embedding::vector({dims})) vector_cosine_ops) \
                 WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION}) \
                 WHERE embedding_dims = {dims}"
            );
            sqlx::query(&sql).execute(pool).await?;
        }
        Ok(())
    }

    /// The chunks nearest to `query.vector` by cosine, best first. PostgreSQL searches its
    /// HNSW index, with app, model, category, audience and the similarity floor as filters of the index
    /// scan itself; SQLite scans the app's vectors in process, loaded once into its cache.
    pub async fn nearest_chunks(&self, query: NearestQuery<'_>) -> StoreResult<Vec<Candidate>> {
        match self {
            Store::Sqlite(crate::SqlitePools { vectors: cache, .. }) => {
                cache.nearest(self, query).await
            }
            Store::Postgres(_) => {
                self.nearest_chunks_searching(
                    query.app_id,
                    query.model,
                    query.filter,
                    query.vector,
                    query.min_similarity,
                    i64::try_from(query.limit).unwrap_or(i64::MAX),
                    None,
                )
                .await
            }
        }
    }

    /// Forgets an app's cached vectors after its chunks changed (SQLite; PostgreSQL caches
    /// nothing).
    pub(crate) fn vectors_changed(&self, app_id: &str) {
        if let Store::Sqlite(crate::SqlitePools { vectors: cache, .. }) = self {
            cache.evict(app_id);
        }
    }

    /// [`Store::nearest_chunks`] with the HNSW search breadth (`hnsw.ef_search`) chosen, for
    /// measuring recall against it.
    ///
    /// A small app (see [`SMALL_APP_MAX_CHUNKS`]) is searched exactly, through its btree index:
    /// the HNSW is shared by every app, and its first `ef_search` candidates could all belong
    /// to bigger apps. Larger apps use the HNSW; with pgvector 0.8 or later the scan goes on past
    /// `ef_search` (an iterative scan) until enough candidates pass the filters. The similarity
    /// floor is applied after the scan: inside it, a query nothing matches would make the
    /// iterative scan read up to `hnsw.max_scan_tuples` candidates in vain.
    #[allow(clippy::too_many_arguments)]
    pub async fn nearest_chunks_searching(
        &self,
        app_id: &str,
        model: &str,
        filter: PassageFilter<'_>,
        query: &[f32],
        min_similarity: f64,
        limit: i64,
        ef_search: Option<i64>,
    ) -> StoreResult<Vec<Candidate>> {
        let Store::Postgres(pool) = self else {
            return Ok(Vec::new());
        };
        let dims = query.len();
        let mut tx = pool.begin().await?;
        // The index scan visits ef_search candidates before filtering: keep it well above
        // the number wanted, so that filters leave enough.
        let ef_search = ef_search.unwrap_or_else(|| hnsw_breadth(limit));
        // One round trip sets the breadth, turns iterative scans on where pgvector has them,
        // turns sorting off, and counts the app's vectors up to the small-app bound. Without a
        // sort the HNSW is the only plan for the bigger apps' query: the planner would
        // otherwise sort a big app's rows read through the btree (300 ms at 43,000 rows) once
        // its generic plan guesses every app's size at the table's average. The small apps'
        // query has no other plan than a sort, which it keeps.
        let (_, _, _, app_vectors): (String, String, i64, i64) = sqlx::query_as(
            "SELECT set_config('hnsw.ef_search', $1, true), \
             set_config('enable_sort', 'off', true), \
             (SELECT count(set_config('hnsw.iterative_scan', 'relaxed_order', true)) \
             FROM pg_extension WHERE extname = 'vector' \
             AND string_to_array(extversion, '.')::int[] >= ARRAY[0, 8]), \
             (SELECT count(*) FROM (SELECT 1 FROM knowledge_chunks WHERE app_id = $2 \
             AND embedding_model = $3 LIMIT $4) AS bounded)",
        )
        .bind(ef_search.to_string())
        .bind(app_id)
        .bind(model)
        .bind(SMALL_APP_MAX_CHUNKS + 1)
        .fetch_one(&mut *tx)
        .await?;
        // dims is a number, never text from a request. Without the cast to a fixed size, which
        // is what matches the partial HNSW index, the ORDER BY cannot use it.
        let distance = if app_vectors <= SMALL_APP_MAX_CHUNKS {
            "embedding <=> $1".to_owned()
        } else {
            format!("embedding::vector({dims}) <=> $1")
        };
        let sql = format!(
            "WITH nearest AS MATERIALIZED (SELECT id, {distance} AS distance \
             FROM knowledge_chunks WHERE app_id = $2 AND embedding_dims = {dims} \
             AND embedding_model = $3 AND ($4::text IS NULL OR category = $4) \
             AND audience >= $7 ORDER BY {distance} LIMIT $6) \
             SELECT id, 1 - distance FROM nearest WHERE distance <= $5 ORDER BY distance, id"
        );
        let rows: Vec<(String, f64)> = sqlx::query_as(&sql)
            .bind(pgvector::Vector::from(query.to_vec()))
            .bind(app_id)
            .bind(model)
            .bind(filter.category)
            .bind(1.0 - min_similarity)
            .bind(limit)
            .bind(filter.audience.least_level())
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(chunk_id, similarity)| Candidate::new(chunk_id, Some(similarity)))
            .collect())
    }

    /// Exact nearest chunks (a scan, no index): the reference the HNSW recall is measured
    /// against. PostgreSQL only.
    pub async fn nearest_chunks_exact(
        &self,
        app_id: &str,
        model: &str,
        query: &[f32],
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        let Store::Postgres(pool) = self else {
            return Ok(Vec::new());
        };
        let mut tx = pool.begin().await?;
        sqlx::query("SET LOCAL enable_indexscan = off")
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(String, f64)> = sqlx::query_as(
            "SELECT id, 1 - (embedding <=> $1) AS similarity FROM knowledge_chunks \
             WHERE app_id = $2 AND embedding_model = $3 ORDER BY embedding <=> $1 LIMIT $4",
        )
        .bind(pgvector::Vector::from(query.to_vec()))
        .bind(app_id)
        .bind(model)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(chunk_id, similarity)| Candidate::new(chunk_id, Some(similarity)))
            .collect())
    }

    /// Every vector of `model` in an app, for ranking in process.
    pub async fn stored_vectors(
        &self,
        app_id: &str,
        model: &str,
    ) -> StoreResult<Vec<StoredVector>> {
        match self {
            Store::Sqlite(crate::SqlitePools { reads: pool, .. }) => {
                Ok(sqlx::query_as::<_, StoredVector>(
                    "SELECT id, category, audience, embedding FROM knowledge_chunks \
                 WHERE app_id = $1 AND embedding_model = $2 AND embedding IS NOT NULL",
                )
                .bind(app_id)
                .bind(model)
                .fetch_all(pool)
                .await?)
            }
            Store::Postgres(pool) => {
                let rows: Vec<(String, String, i64, pgvector::Vector)> = sqlx::query_as(
                    "SELECT id, category, audience, embedding FROM knowledge_chunks \
                     WHERE app_id = $1 AND embedding_model = $2 AND embedding IS NOT NULL",
                )
                .bind(app_id)
                .bind(model)
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, category, audience, vector)| StoredVector {
                        id,
                        category,
                        audience,
                        embedding: vector_bytes(vector.as_slice()),
                    })
                    .collect())
            }
        }
    }
}

/// The HNSW search breadth for `limit` candidates: at least [`MIN_EF_SEARCH`].
pub fn hnsw_breadth(limit: i64) -> i64 {
    (limit * 4).clamp(MIN_EF_SEARCH, 1000)
}

/// pgvector's default is 40; see `bench/knowledge-search` for recall at each breadth.
pub const MIN_EF_SEARCH: i64 = 200;

/// The HNSW graph's links per node and build breadth (pgvector's defaults: 16 and 64), as in
/// migration 0019: recall@10 0.95 at [`MIN_EF_SEARCH`] on 100,000 passages.
const HNSW_M: u32 = 24;
const HNSW_EF_CONSTRUCTION: u32 = 200;

/// Dot product: the cosine similarity of unit vectors. Mismatched lengths score 0.
pub fn dot(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    // Eight independent sums let the compiler use SIMD lanes (one running sum cannot be
    // reordered, so it would not vectorise).
    let mut lanes = [0.0f32; 8];
    let (a_blocks, b_blocks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_blocks
        .remainder()
        .iter()
        .zip(b_blocks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_blocks.zip(b_blocks) {
        for lane in 0..8 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    (lanes.iter().sum::<f32>() + tail) as f64
}

/// One app's vectors of one model, contiguous for a fast scan.
#[derive(Debug)]
struct AppVectors {
    ids: Vec<String>,
    categories: Vec<String>,
    audiences: Vec<i64>,
    dims: usize,
    data: Vec<f32>,
}

impl AppVectors {
    fn from_rows(rows: Vec<StoredVector>) -> AppVectors {
        let dims = rows.first().map_or(0, |r| r.embedding.len() / 4);
        let mut vectors = AppVectors {
            ids: Vec::with_capacity(rows.len()),
            categories: Vec::with_capacity(rows.len()),
            audiences: Vec::with_capacity(rows.len()),
            dims,
            data: Vec::with_capacity(rows.len() * dims),
        };
        for row in rows.into_iter().filter(|r| r.embedding.len() == dims * 4) {
            vectors.data.extend(vector_from_bytes(&row.embedding));
            vectors.ids.push(row.id);
            vectors.categories.push(row.category);
            vectors.audiences.push(row.audience);
        }
        vectors
    }

    /// The `limit` most similar rows at or above `min_similarity`, best first.
    fn nearest(
        &self,
        query: &[f32],
        filter: PassageFilter<'_>,
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
            .filter(|(i, _)| {
                self.audiences[*i] >= filter.audience.least_level()
                    && filter.category.is_none_or(|c| self.categories[*i] == c)
            })
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
/// there is no vector index). Every write to an app's chunks goes through this store (SQLite
/// serves one process), which evicts the app's entry.
#[derive(Debug, Default)]
pub struct VectorCache {
    inner: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    entries: HashMap<(String, String), Arc<AppVectors>>,
    /// Bumped by every eviction, so that a load racing a write is not kept.
    generations: HashMap<String, u64>,
    floats: usize,
}

impl VectorCache {
    async fn nearest(&self, store: &Store, query: NearestQuery<'_>) -> StoreResult<Vec<Candidate>> {
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
            query.filter,
            query.min_similarity,
            query.limit,
        ))
    }

    /// Forgets an app's vectors after its chunks changed.
    fn evict(&self, app_id: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_in_process_index_ranks_filters_and_cuts() {
        let rows = [
            ("a", "faq", 2, [1.0f32, 0.0]),
            ("b", "faq", 1, [0.6, 0.8]),
            ("c", "policy", 2, [0.8, 0.6]),
            ("d", "faq", 0, [1.0, 0.0]),
        ]
        .into_iter()
        .map(|(id, category, audience, v)| StoredVector {
            id: id.to_owned(),
            category: category.to_owned(),
            audience,
            embedding: vector_bytes(&v),
        })
        .collect();
        let vectors = AppVectors::from_rows(rows);
        let ids = |found: Vec<Candidate>| -> Vec<String> {
            found.into_iter().map(|c| c.chunk_id).collect()
        };
        let team = |category| PassageFilter {
            category,
            audience: Audience::Team,
        };
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], team(None), 0.0, 10)),
            ["a", "c", "b"]
        );
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], team(None), 0.0, 2)),
            ["a", "c"]
        );
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], team(Some("faq")), 0.0, 10)),
            ["a", "b"]
        );
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], team(None), 0.7, 10)),
            ["a", "c"]
        );
        let everyone = PassageFilter {
            category: None,
            audience: Audience::Everyone,
        };
        assert_eq!(
            ids(vectors.nearest(&[1.0, 0.0], everyone, 0.0, 10)),
            ["a", "c"]
        );
        assert!(
            vectors
                .nearest(&[1.0, 0.0, 0.0], team(None), 0.0, 10)
                .is_empty()
        );
    }
}
