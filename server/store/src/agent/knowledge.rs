//! The knowledge base: documents, their chunks and vectors, the search log and the gaps.
//!
//! Vectors differ by dialect. PostgreSQL keeps them in a pgvector column searched through HNSW
//! (one partial index per dimension count) and ranks full text with `tsvector`. SQLite keeps
//! them as little-endian f32 blobs that the domain ranks in process, and ranks full text with
//! FTS5's bm25.

use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DocumentRecord {
    pub id: String,
    pub app_id: String,
    pub title: String,
    pub category: String,
    pub source_type: String,
    pub updated_by: Option<String>,
    pub format: String,
    /// Empty in lists, which leave the content out.
    pub content: String,
    pub content_length: i64,
    pub chunk_count: i64,
    pub embedded_count: i64,
    pub embedding_model: String,
    pub ingest_state: String,
    pub ingest_error: Option<String>,
    pub ingest_attempts: i64,
    pub next_attempt_at: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const DOCUMENT_COLUMNS: &str = "id, app_id, title, category, source_type, updated_by, format, \
    content, CAST(length(content) AS BIGINT) AS content_length, chunk_count, embedded_count, embedding_model, \
    ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, created_at, \
    updated_at";
/// The same, without the content (lists and job claims need only its length).
const DOCUMENT_SUMMARY_COLUMNS: &str = "id, app_id, title, category, source_type, updated_by, \
    format, '' AS content, CAST(length(content) AS BIGINT) AS content_length, chunk_count, embedded_count, \
    embedding_model, ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, \
    created_at, updated_at";

/// A chunk to store with its document; `embedding` when it was embedded right away.
#[derive(Clone, Debug, PartialEq)]
pub struct NewChunk {
    pub id: String,
    pub heading: Option<String>,
    pub content: String,
    pub embedding: Option<Vec<f32>>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ChunkRecord {
    pub id: String,
    pub document_id: String,
    pub category: String,
    pub title: String,
    pub heading: Option<String>,
    pub ordinal: i64,
    pub content: String,
    pub embedding_model: Option<String>,
}

const CHUNK_COLUMNS: &str =
    "id, document_id, category, title, heading, ordinal, content, embedding_model";

/// How [`Store::put_document`] finds the document it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKey {
    /// The app's document with the record's title, if any (seed 000's upsert).
    Title,
    /// The document with the record's id, which must exist.
    Id,
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
    pub embedding: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchLogRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: Option<String>,
    pub query: String,
    pub mode: String,
    pub top_score: f64,
    pub result_count: i64,
    pub gap: bool,
    pub embed_us: i64,
    pub retrieval_us: i64,
    pub trace_id: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct SearchTotals {
    pub searches: i64,
    pub gaps: i64,
    pub empty: i64,
    pub avg_top_score: Option<f64>,
    pub avg_embed_us: Option<f64>,
    pub avg_retrieval_us: Option<f64>,
    pub max_retrieval_us: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct GapRecord {
    pub id: String,
    pub app_id: String,
    pub query: String,
    pub normalized_query: String,
    pub occurrences: i64,
    pub last_top_score: f64,
    pub example_sessions: Json<Vec<String>>,
    pub status: String,
    pub document_id: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

const GAP_COLUMNS: &str = "id, app_id, query, normalized_query, occurrences, last_top_score, \
    example_sessions, status, document_id, resolved_by, resolved_at, first_seen_at, last_seen_at";

/// Gaps keep this many example sessions.
pub const MAX_GAP_EXAMPLES: i64 = 5;

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
    /// Saves a document with its chunks, replacing the one `key` finds (and all its chunks) in
    /// the same transaction. Answers the stored record and whether it is new; `None` when `key`
    /// is [`DocumentKey::Id`] and no such document exists.
    pub async fn put_document(
        &self,
        record: &DocumentRecord,
        chunks: &[NewChunk],
        key: DocumentKey,
    ) -> StoreResult<Option<(DocumentRecord, bool)>> {
        let find = match key {
            DocumentKey::Title => {
                "SELECT id, created_at FROM knowledge_documents WHERE app_id = $1 AND title = $2"
            }
            DocumentKey::Id => {
                "SELECT id, created_at FROM knowledge_documents WHERE app_id = $1 AND id = $3"
            }
        };
        let update = "UPDATE knowledge_documents SET title = $3, category = $4, source_type = $5, \
             updated_by = $6, format = $7, content = $8, chunk_count = $9, embedded_count = $10, \
             embedding_model = $11, ingest_state = $12, ingest_error = NULL, ingest_attempts = 0, \
             next_attempt_at = $13, locked_until = NULL, updated_at = $14 \
             WHERE app_id = $1 AND id = $2";
        let insert = "INSERT INTO knowledge_documents (id, app_id, title, category, source_type, \
             updated_by, format, content, chunk_count, embedded_count, embedding_model, \
             ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, \
             created_at, updated_at) VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             NULL, 0, $13, NULL, $14, $14)";
        let select = format!("SELECT {DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = $1");
        let r = record;
        // The same steps on both backends; chunk vectors are stored per dialect.
        macro_rules! steps {
            ($tx:ident, $lock:literal, $insert_chunk:expr) => {{
                let existing: Option<(String, i64)> = sqlx::query_as(&format!("{find}{}", $lock))
                    .bind(&r.app_id)
                    .bind(&r.title)
                    .bind(&r.id)
                    .fetch_optional(&mut *$tx)
                    .await?;
                if existing.is_none() && key == DocumentKey::Id {
                    return Ok(None);
                }
                let id = existing
                    .as_ref()
                    .map_or(r.id.as_str(), |(id, _)| id.as_str());
                let sql = if existing.is_some() { update } else { insert };
                sqlx::query(sql)
                    .bind(&r.app_id)
                    .bind(id)
                    .bind(&r.title)
                    .bind(&r.category)
                    .bind(&r.source_type)
                    .bind(&r.updated_by)
                    .bind(&r.format)
                    .bind(&r.content)
                    .bind(r.chunk_count)
                    .bind(r.embedded_count)
                    .bind(&r.embedding_model)
                    .bind(&r.ingest_state)
                    .bind(r.next_attempt_at)
                    .bind(r.updated_at)
                    .execute(&mut *$tx)
                    .await?;
                sqlx::query("DELETE FROM knowledge_chunks WHERE document_id = $1")
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                for (ordinal, chunk) in chunks.iter().enumerate() {
                    let insert_chunk = $insert_chunk;
                    insert_chunk(chunk, id, ordinal as i64)
                        .execute(&mut *$tx)
                        .await?;
                }
                let stored = sqlx::query_as::<_, DocumentRecord>(&select)
                    .bind(id)
                    .fetch_one(&mut *$tx)
                    .await?;
                $tx.commit().await?;
                Ok(Some((stored, existing.is_none())))
            }};
        }
        const INSERT_CHUNK: &str = "INSERT INTO knowledge_chunks (id, document_id, app_id, \
             category, title, heading, ordinal, content, embedding, embedding_model, \
             embedding_dims) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        let model = |chunk: &NewChunk| chunk.embedding.as_ref().map(|_| &r.embedding_model);
        let dims = |chunk: &NewChunk| chunk.embedding.as_ref().map(|v| v.len() as i64);
        match self {
            Store::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                steps!(tx, "", |chunk: &NewChunk, id: &str, ordinal: i64| {
                    sqlx::query(INSERT_CHUNK)
                        .bind(chunk.id.clone())
                        .bind(id.to_owned())
                        .bind(r.app_id.clone())
                        .bind(r.category.clone())
                        .bind(r.title.clone())
                        .bind(chunk.heading.clone())
                        .bind(ordinal)
                        .bind(chunk.content.clone())
                        .bind(chunk.embedding.as_deref().map(vector_bytes))
                        .bind(model(chunk).cloned())
                        .bind(dims(chunk))
                })
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                steps!(
                    tx,
                    " FOR UPDATE",
                    |chunk: &NewChunk, id: &str, ordinal: i64| {
                        sqlx::query(INSERT_CHUNK)
                            .bind(chunk.id.clone())
                            .bind(id.to_owned())
                            .bind(r.app_id.clone())
                            .bind(r.category.clone())
                            .bind(r.title.clone())
                            .bind(chunk.heading.clone())
                            .bind(ordinal)
                            .bind(chunk.content.clone())
                            .bind(chunk.embedding.clone().map(pgvector::Vector::from))
                            .bind(model(chunk).cloned())
                            .bind(dims(chunk))
                    }
                )
            }
        }
    }

    pub async fn knowledge_document(
        &self,
        app_id: &str,
        id: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM knowledge_documents WHERE app_id = $1 AND id = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(app_id)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// An app's documents without their content, last updated first, after the cursor.
    pub async fn list_knowledge_documents(
        &self,
        app_id: &str,
        category: Option<&str>,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<DocumentRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {DOCUMENT_SUMMARY_COLUMNS} FROM knowledge_documents WHERE app_id = $1 \
             AND ($2 IS NULL OR category = $2) \
             AND (updated_at < $3 OR (updated_at = $3 AND id < $4)) \
             ORDER BY updated_at DESC, id DESC LIMIT $5"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(app_id)
            .bind(category)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    pub async fn knowledge_chunks(&self, document_id: &str) -> StoreResult<Vec<ChunkRecord>> {
        let sql = format!(
            "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE document_id = $1 ORDER BY ordinal"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ChunkRecord>(&sql)
            .bind(document_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Deletes a document and its chunks; gaps it resolved keep their status.
    pub async fn delete_knowledge_document(&self, app_id: &str, id: &str) -> StoreResult<bool> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM knowledge_documents WHERE app_id = $1 AND id = $2",
        )
        .bind(app_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// Leases the next document waiting for embeddings until `now + lease_ms`. Concurrent
    /// workers never lease the same document.
    pub async fn claim_knowledge_ingestion(
        &self,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<DocumentRecord>> {
        // As with webhooks: PostgreSQL skips rows another worker holds; SQLite's single
        // statement is already exclusive.
        let lock = match self {
            Store::Sqlite(_) => "",
            Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE knowledge_documents SET ingest_state = 'embedding', locked_until = $1 + $2 \
             WHERE id IN (SELECT id FROM knowledge_documents \
             WHERE ingest_state IN ('pending', 'embedding') AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) \
             ORDER BY next_attempt_at LIMIT 1{lock}) RETURNING {DOCUMENT_SUMMARY_COLUMNS}"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(now)
            .bind(lease_ms)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Up to `limit` of a document's chunks without a vector of `model`.
    pub async fn chunks_to_embed(
        &self,
        document_id: &str,
        model: &str,
        limit: i64,
    ) -> StoreResult<Vec<ChunkRecord>> {
        let sql = format!(
            "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE document_id = $1 \
             AND (embedding_model IS NULL OR embedding_model <> $2) ORDER BY ordinal LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ChunkRecord>(&sql)
            .bind(document_id)
            .bind(model)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Stores vectors of `model` for chunks (ignoring any replaced meanwhile), counts the
    /// document's progress and extends its lease. Answers the new embedded count.
    pub async fn store_chunk_embeddings(
        &self,
        document_id: &str,
        model: &str,
        vectors: &[(String, Vec<f32>)],
        locked_until: i64,
    ) -> StoreResult<i64> {
        const UPDATE_CHUNK: &str = "UPDATE knowledge_chunks SET embedding = $1, \
             embedding_model = $2, embedding_dims = $3 WHERE id = $4 AND document_id = $5";
        const PROGRESS: &str = "UPDATE knowledge_documents SET embedded_count = (\
             SELECT COUNT(*) FROM knowledge_chunks WHERE document_id = $1 \
             AND embedding_model = $2), locked_until = $3 WHERE id = $1 RETURNING embedded_count";
        macro_rules! steps {
            ($tx:ident, $encode:expr) => {{
                for (chunk_id, vector) in vectors {
                    sqlx::query(UPDATE_CHUNK)
                        .bind($encode(vector))
                        .bind(model)
                        .bind(vector.len() as i64)
                        .bind(chunk_id)
                        .bind(document_id)
                        .execute(&mut *$tx)
                        .await?;
                }
                let count: Option<i64> = sqlx::query_scalar(PROGRESS)
                    .bind(document_id)
                    .bind(model)
                    .bind(locked_until)
                    .fetch_optional(&mut *$tx)
                    .await?;
                $tx.commit().await?;
                Ok(count.unwrap_or(0))
            }};
        }
        match self {
            Store::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                steps!(tx, |v: &Vec<f32>| vector_bytes(v))
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                steps!(tx, |v: &Vec<f32>| pgvector::Vector::from(v.clone()))
            }
        }
    }

    /// Ends or reschedules a leased ingestion: `ready`, `failed`, or `pending` to retry at
    /// `next_attempt_at`.
    pub async fn finish_knowledge_ingestion(
        &self,
        document_id: &str,
        state: &str,
        error: Option<&str>,
        attempts: i64,
        next_attempt_at: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE knowledge_documents SET ingest_state = $2, ingest_error = $3, \
             ingest_attempts = $4, next_attempt_at = $5, locked_until = NULL WHERE id = $1 \
             AND ingest_state = 'embedding'",
        )
        .bind(document_id)
        .bind(state)
        .bind(error)
        .bind(attempts)
        .bind(next_attempt_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Queues every document embedded with another model for re-embedding with `model`.
    /// Answers how many were queued.
    pub async fn requeue_knowledge_for_model(&self, model: &str, now: i64) -> StoreResult<u64> {
        let queued = on_pool!(self, pool => sqlx::query(
            "UPDATE knowledge_documents SET embedding_model = $1, ingest_state = 'pending', \
             ingest_error = NULL, ingest_attempts = 0, next_attempt_at = $2, \
             locked_until = NULL, embedded_count = (SELECT COUNT(*) FROM knowledge_chunks c \
             WHERE c.document_id = knowledge_documents.id AND c.embedding_model = $1) \
             WHERE embedding_model <> $1",
        )
        .bind(model)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(queued)
    }

    /// Whether any document waits for the ingestion job.
    pub async fn knowledge_ingestion_waiting(&self) -> StoreResult<bool> {
        let waiting: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT 1 FROM knowledge_documents WHERE ingest_state IN ('pending', 'embedding') \
             LIMIT 1",
        )
        .fetch_optional(pool)
        .await)?;
        Ok(waiting.is_some())
    }

    /// Creates the HNSW index for vectors of `dims` dimensions if there is none (PostgreSQL;
    /// the migration made the 384 and 768 ones). SQLite ranks vectors in process.
    pub async fn ensure_vector_index(&self, dims: usize) -> StoreResult<()> {
        if let Store::Postgres(pool) = self {
            // dims is a number, never text from a request: safe to format into DDL.
            let sql = format!(
                "CREATE INDEX IF NOT EXISTS knowledge_chunks_hnsw_{dims} ON knowledge_chunks \
                 USING hnsw ((embedding::vector({dims})) vector_cosine_ops) \
                 WHERE embedding_dims = {dims}"
            );
            sqlx::query(&sql).execute(pool).await?;
        }
        Ok(())
    }

    /// The nearest chunks to `query` by cosine, through the HNSW index (PostgreSQL only: on
    /// SQLite the domain ranks [`Store::stored_vectors`] in process). App, model, category and
    /// the similarity floor are filters of the index scan itself.
    pub async fn nearest_chunks(
        &self,
        app_id: &str,
        model: &str,
        category: Option<&str>,
        query: &[f32],
        min_similarity: f64,
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        self.nearest_chunks_searching(app_id, model, category, query, min_similarity, limit, None)
            .await
    }

    /// [`Store::nearest_chunks`] with the HNSW search breadth (`hnsw.ef_search`) chosen, for
    /// measuring recall against it.
    #[allow(clippy::too_many_arguments)]
    pub async fn nearest_chunks_searching(
        &self,
        app_id: &str,
        model: &str,
        category: Option<&str>,
        query: &[f32],
        min_similarity: f64,
        limit: i64,
        ef_search: Option<i64>,
    ) -> StoreResult<Vec<Candidate>> {
        let Store::Postgres(pool) = self else {
            return Ok(Vec::new());
        };
        let dims = query.len();
        // The cast to a fixed size is what matches the partial HNSW index.
        let sql = format!(
            "SELECT id, 1 - (embedding::vector({dims}) <=> $1) AS similarity \
             FROM knowledge_chunks WHERE app_id = $2 AND embedding_dims = {dims} \
             AND embedding_model = $3 AND ($4::text IS NULL OR category = $4) \
             AND embedding::vector({dims}) <=> $1 <= $5 \
             ORDER BY embedding::vector({dims}) <=> $1 LIMIT $6"
        );
        let mut tx = pool.begin().await?;
        // The index scan visits ef_search candidates before filtering: keep it well above
        // the number wanted, so that filters leave enough.
        let ef_search = ef_search.unwrap_or_else(|| hnsw_breadth(limit));
        sqlx::query("SELECT set_config('hnsw.ef_search', $1, true)")
            .bind(ef_search.to_string())
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(String, f64)> = sqlx::query_as(&sql)
            .bind(pgvector::Vector::from(query.to_vec()))
            .bind(app_id)
            .bind(model)
            .bind(category)
            .bind(1.0 - min_similarity)
            .bind(limit)
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
            Store::Sqlite(pool) => Ok(sqlx::query_as::<_, StoredVector>(
                "SELECT id, category, embedding FROM knowledge_chunks \
                 WHERE app_id = $1 AND embedding_model = $2 AND embedding IS NOT NULL",
            )
            .bind(app_id)
            .bind(model)
            .fetch_all(pool)
            .await?),
            Store::Postgres(pool) => {
                let rows: Vec<(String, String, pgvector::Vector)> = sqlx::query_as(
                    "SELECT id, category, embedding FROM knowledge_chunks \
                     WHERE app_id = $1 AND embedding_model = $2 AND embedding IS NOT NULL",
                )
                .bind(app_id)
                .bind(model)
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, category, vector)| StoredVector {
                        id,
                        category,
                        embedding: vector_bytes(vector.as_slice()),
                    })
                    .collect())
            }
        }
    }

    /// The chunks best matching `terms` by full text, best first, with their cosine similarity
    /// to `query` when they have a vector of `model`. `terms` are plain words.
    ///
    /// Passages matching at least two of the terms come first; passages matching any one fill
    /// the remaining places. Ranking every passage that contains one common word is what makes
    /// full-text search slow on large corpora, and the two-term pass rarely leaves places to
    /// fill when the words are common.
    pub async fn text_matches(
        &self,
        app_id: &str,
        category: Option<&str>,
        terms: &[String],
        model: &str,
        query: Option<&[f32]>,
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        let mut found = Vec::new();
        if terms.len() >= 2 {
            found = self
                .ranked_text_matches(
                    app_id,
                    category,
                    &TextQuery::AnyTwo(terms),
                    model,
                    query,
                    limit,
                )
                .await?;
        }
        if (found.len() as i64) < limit && !terms.is_empty() {
            let any = self
                .ranked_text_matches(
                    app_id,
                    category,
                    &TextQuery::Any(terms),
                    model,
                    query,
                    limit,
                )
                .await?;
            for candidate in any {
                if (found.len() as i64) < limit
                    && !found
                        .iter()
                        .any(|f: &Candidate| f.chunk_id == candidate.chunk_id)
                {
                    found.push(candidate);
                }
            }
        }
        Ok(found)
    }

    async fn ranked_text_matches(
        &self,
        app_id: &str,
        category: Option<&str>,
        text_query: &TextQuery<'_>,
        model: &str,
        query: Option<&[f32]>,
        limit: i64,
    ) -> StoreResult<Vec<Candidate>> {
        match self {
            Store::Sqlite(pool) => {
                // `rank` is bm25 weighting title and heading above the body (lower is better;
                // see the migration).
                let rows: Vec<(String, Option<Vec<u8>>, Option<String>)> = sqlx::query_as(
                    "SELECT c.id, c.embedding, c.embedding_model FROM knowledge_chunks_fts f \
                     JOIN knowledge_chunks c ON c.seq = f.rowid \
                     WHERE knowledge_chunks_fts MATCH $1 AND c.app_id = $2 \
                     AND ($3 IS NULL OR c.category = $3) \
                     ORDER BY f.rank LIMIT $4",
                )
                .bind(text_query.fts5())
                .bind(app_id)
                .bind(category)
                .bind(limit)
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(chunk_id, embedding, chunk_model)| {
                        let similarity = match (query, embedding) {
                            (Some(query), Some(bytes)) if chunk_model.as_deref() == Some(model) => {
                                Some(dot(query, &vector_from_bytes(&bytes)))
                            }
                            _ => None,
                        };
                        Candidate::new(chunk_id, similarity)
                    })
                    .collect())
            }
            Store::Postgres(pool) => {
                // Words go through the English configuration (stemmed, stopwords dropped). Plain
                // ts_rank ranked the labelled set better than cover density (ts_rank_cd). Only
                // so many matches are ranked (`max_ranked`): passages of common words can
                // number tens of thousands, each read from the heap to be ranked, while the
                // keyword matches full text is for (names, codes) are rare words. Similarity
                // is computed for the ranked few only. Matches are ranked by their words alone
                // (`a | b | c`): the pairs expression costs more per row and ranks no better.
                let rows: Vec<(String, Option<f64>)> = sqlx::query_as(
                    "WITH query AS (SELECT to_tsquery('english', $1) AS q, \
                     to_tsquery('english', $8) AS words), \
                     matched AS (SELECT c.id, c.search_text FROM knowledge_chunks c, query \
                     WHERE c.search_text @@ query.q AND c.app_id = $2 \
                     AND ($3::text IS NULL OR c.category = $3) LIMIT $7), \
                     ranked AS (SELECT m.id, ts_rank(m.search_text, query.words) AS rank \
                     FROM matched m, query ORDER BY rank DESC, m.id LIMIT $6) \
                     SELECT r.id, CASE WHEN $5::vector IS NOT NULL AND c.embedding_model = $4 \
                     AND c.embedding_dims = vector_dims($5::vector) \
                     THEN 1 - (c.embedding <=> $5::vector) END \
                     FROM ranked r JOIN knowledge_chunks c ON c.id = r.id \
                     ORDER BY r.rank DESC, r.id",
                )
                .bind(text_query.tsquery())
                .bind(app_id)
                .bind(category)
                .bind(model)
                .bind(query.map(|q| pgvector::Vector::from(q.to_vec())))
                .bind(limit)
                .bind(text_query.max_ranked())
                .bind(text_query.words())
                .fetch_all(pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(chunk_id, similarity)| Candidate::new(chunk_id, similarity))
                    .collect())
            }
        }
    }

    /// The app's chunks with these ids, in no particular order.
    pub async fn chunks_by_ids(
        &self,
        app_id: &str,
        ids: &[String],
    ) -> StoreResult<Vec<ChunkRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // IN-lists differ: PostgreSQL binds an array, SQLite one placeholder per id.
        match self {
            Store::Sqlite(pool) => {
                let placeholders = (0..ids.len())
                    .map(|i| format!("${}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE app_id = $1 \
                     AND id IN ({placeholders})"
                );
                let mut query = sqlx::query_as::<_, ChunkRecord>(&sql).bind(app_id);
                for id in ids {
                    query = query.bind(id);
                }
                Ok(query.fetch_all(pool).await?)
            }
            Store::Postgres(pool) => {
                let sql = format!(
                    "SELECT {CHUNK_COLUMNS} FROM knowledge_chunks WHERE app_id = $1 \
                     AND id = ANY($2)"
                );
                Ok(sqlx::query_as::<_, ChunkRecord>(&sql)
                    .bind(app_id)
                    .bind(ids)
                    .fetch_all(pool)
                    .await?)
            }
        }
    }

    pub async fn record_knowledge_search(&self, record: &SearchLogRecord) -> StoreResult<()> {
        let r = record;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO knowledge_searches (id, app_id, session_id, query, mode, top_score, \
             result_count, gap, embed_us, retrieval_us, trace_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&r.id)
        .bind(&r.app_id)
        .bind(&r.session_id)
        .bind(&r.query)
        .bind(&r.mode)
        .bind(r.top_score)
        .bind(r.result_count)
        .bind(r.gap)
        .bind(r.embed_us)
        .bind(r.retrieval_us)
        .bind(&r.trace_id)
        .bind(r.created_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Counts searches created in `[since, until)`.
    pub async fn knowledge_search_totals(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
    ) -> StoreResult<SearchTotals> {
        // SUM of integers is NUMERIC on PostgreSQL: cast back.
        Ok(on_pool!(self, pool => sqlx::query_as::<_, SearchTotals>(
            "SELECT COUNT(*) AS searches, \
             CAST(COALESCE(SUM(CASE WHEN gap THEN 1 ELSE 0 END), 0) AS BIGINT) AS gaps, \
             CAST(COALESCE(SUM(CASE WHEN result_count = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             AS empty, AVG(top_score) AS avg_top_score, \
             AVG(CAST(embed_us AS DOUBLE PRECISION)) AS avg_embed_us, \
             AVG(CAST(retrieval_us AS DOUBLE PRECISION)) AS avg_retrieval_us, \
             MAX(retrieval_us) AS max_retrieval_us FROM knowledge_searches \
             WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_one(pool)
        .await)?)
    }

    /// Counts a failed search under its normalised query: a new open gap, or one more
    /// occurrence of the existing one (reopened if it had been resolved; dismissed stays
    /// dismissed), remembering up to [`MAX_GAP_EXAMPLES`] sessions. One atomic statement.
    pub async fn record_knowledge_gap(
        &self,
        gap: &GapRecord,
        session_id: Option<&str>,
    ) -> StoreResult<GapRecord> {
        // Adding to a JSON array differs by dialect.
        let add_session = match self {
            Store::Sqlite(_) => {
                "CASE WHEN $14 IS NULL \
                 OR json_array_length(knowledge_gaps.example_sessions) >= $15 \
                 OR EXISTS (SELECT 1 FROM json_each(knowledge_gaps.example_sessions) \
                 WHERE value = $14) THEN knowledge_gaps.example_sessions \
                 ELSE json_insert(knowledge_gaps.example_sessions, '$[#]', $14) END"
            }
            Store::Postgres(_) => {
                "CASE WHEN $14::text IS NULL \
                 OR jsonb_array_length(knowledge_gaps.example_sessions) >= $15 \
                 OR knowledge_gaps.example_sessions ? $14::text \
                 THEN knowledge_gaps.example_sessions \
                 ELSE knowledge_gaps.example_sessions || jsonb_build_array($14::text) END"
            }
        };
        let sql = format!(
            "INSERT INTO knowledge_gaps ({GAP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13) ON CONFLICT (app_id, normalized_query) DO UPDATE SET \
             occurrences = knowledge_gaps.occurrences + 1, \
             last_top_score = excluded.last_top_score, last_seen_at = excluded.last_seen_at, \
             example_sessions = {add_session}, \
             status = CASE WHEN knowledge_gaps.status = 'resolved' THEN 'open' \
             ELSE knowledge_gaps.status END, \
             resolved_at = CASE WHEN knowledge_gaps.status = 'resolved' THEN NULL \
             ELSE knowledge_gaps.resolved_at END \
             RETURNING {GAP_COLUMNS}"
        );
        let g = gap;
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(&g.id)
            .bind(&g.app_id)
            .bind(&g.query)
            .bind(&g.normalized_query)
            .bind(g.occurrences)
            .bind(g.last_top_score)
            .bind(&g.example_sessions)
            .bind(&g.status)
            .bind(&g.document_id)
            .bind(&g.resolved_by)
            .bind(g.resolved_at)
            .bind(g.first_seen_at)
            .bind(g.last_seen_at)
            .bind(session_id)
            .bind(MAX_GAP_EXAMPLES)
            .fetch_one(pool)
            .await)?)
    }

    /// An app's gaps (of one status, or all), most recently seen first, after the cursor.
    pub async fn list_knowledge_gaps(
        &self,
        app_id: &str,
        status: Option<&str>,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<GapRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {GAP_COLUMNS} FROM knowledge_gaps WHERE app_id = $1 \
             AND ($2 IS NULL OR status = $2) \
             AND (last_seen_at < $3 OR (last_seen_at = $3 AND id < $4)) \
             ORDER BY last_seen_at DESC, id DESC LIMIT $5"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(app_id)
            .bind(status)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Sets a gap's status (and who resolved it, with which document); `None` if the app has no
    /// such gap.
    pub async fn set_knowledge_gap_status(
        &self,
        app_id: &str,
        id: &str,
        status: &str,
        document_id: Option<&str>,
        resolved_by: Option<&str>,
        at: Option<i64>,
    ) -> StoreResult<Option<GapRecord>> {
        let sql = format!(
            "UPDATE knowledge_gaps SET status = $3, document_id = $4, resolved_by = $5, \
             resolved_at = $6 WHERE app_id = $1 AND id = $2 RETURNING {GAP_COLUMNS}"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(app_id)
            .bind(id)
            .bind(status)
            .bind(document_id)
            .bind(resolved_by)
            .bind(at)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn open_knowledge_gaps(&self, app_id: &str) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM knowledge_gaps WHERE app_id = $1 AND status = 'open'",
        )
        .bind(app_id)
        .fetch_one(pool)
        .await)?)
    }
}

/// The HNSW search breadth for `limit` candidates: at least [`MIN_EF_SEARCH`].
pub fn hnsw_breadth(limit: i64) -> i64 {
    (limit * 4).clamp(MIN_EF_SEARCH, 1000)
}

/// pgvector's default is 40; see `bench/knowledge-search` for recall at each breadth.
pub const MIN_EF_SEARCH: i64 = 200;

/// Full-text matches ranked per query on PostgreSQL (see `ranked_text_matches`): two-word
/// matches, and the one-word matches that only fill remaining places.
const MAX_RANKED_PAIR_MATCHES: i64 = 500;
const MAX_RANKED_WORD_MATCHES: i64 = 250;

/// Terms past this many are left out of the two-term pass (whose size grows with their square).
const MAX_PAIRED_TERMS: usize = 6;

/// A full-text match over plain words, written in each dialect's syntax.
enum TextQuery<'a> {
    /// Any of the words.
    Any(&'a [String]),
    /// Any two of the words.
    AnyTwo(&'a [String]),
}

impl TextQuery<'_> {
    /// Groups of words that must all match, any group sufficing.
    fn groups(&self) -> Vec<Vec<&str>> {
        match self {
            TextQuery::Any(terms) => terms.iter().map(|t| vec![t.as_str()]).collect(),
            TextQuery::AnyTwo(terms) => {
                let terms = &terms[..terms.len().min(MAX_PAIRED_TERMS)];
                let mut pairs = Vec::new();
                for (i, first) in terms.iter().enumerate() {
                    for second in &terms[i + 1..] {
                        pairs.push(vec![first.as_str(), second.as_str()]);
                    }
                }
                pairs
            }
        }
    }

    fn max_ranked(&self) -> i64 {
        match self {
            TextQuery::Any(_) => MAX_RANKED_WORD_MATCHES,
            TextQuery::AnyTwo(_) => MAX_RANKED_PAIR_MATCHES,
        }
    }

    /// FTS5: `("a" AND "b") OR ("a" AND "c")`, each word quoted.
    fn fts5(&self) -> String {
        self.groups()
            .iter()
            .map(|group| {
                let words: Vec<String> = group
                    .iter()
                    .map(|w| format!("\"{}\"", w.replace('"', "")))
                    .collect();
                format!("({})", words.join(" AND "))
            })
            .collect::<Vec<_>>()
            .join(" OR ")
    }

    /// `to_tsquery` of any of the words, to rank with.
    fn words(&self) -> String {
        match self {
            TextQuery::Any(terms) | TextQuery::AnyTwo(terms) => terms.join(" | "),
        }
    }

    /// `to_tsquery`: `(a & b) | (a & c)`. The words are alphanumeric, so need no quoting.
    fn tsquery(&self) -> String {
        self.groups()
            .iter()
            .map(|group| format!("({})", group.join(" & ")))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

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
