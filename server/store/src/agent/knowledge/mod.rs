//! The knowledge base: documents, their chunks and vectors, the search log and the gaps.
//!
//! Vectors differ by dialect. PostgreSQL keeps them in a pgvector column searched through HNSW
//! (one partial index per dimension count) and ranks full text with `tsvector`. SQLite keeps
//! them as little-endian f32 blobs that the domain ranks in process, and ranks full text with
//! FTS5's bm25.

mod articles;
mod gaps;
mod ingestion;
mod text;
mod vectors;

pub use articles::{ArticleState, VoteCounts};
pub use gaps::{GapRecord, MAX_GAP_EXAMPLES, SearchLogRecord, SearchTotals};
pub use vectors::{
    Candidate, NearestQuery, StoredVector, VectorCache, dot, hnsw_breadth, vector_bytes,
    vector_from_bytes,
};

use sqlx::types::Json;

/// On PostgreSQL, an app with at most this many passages (of the query's model, for vector
/// search) is searched by reading its own rows through the btree on `app_id`, not through the
/// HNSW and GIN indexes every app shares: those would hand over the best matches of the whole
/// table, bigger apps' included, to be filtered. `bench/knowledge-search` measures both paths.
pub const SMALL_APP_MAX_CHUNKS: i64 = 2_000;

use crate::{Store, StoreResult, on_pool, on_read_pool};

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
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// `public` or `internal`.
    pub visibility: String,
    pub slug: String,
    pub collection_id: Option<String>,
    pub published_at: Option<i64>,
}

impl DocumentRecord {
    /// Who may retrieve the document's passages.
    pub fn audience(&self) -> i64 {
        passage_audience(&self.status, &self.visibility)
    }
}

/// A passage's audience level: 0 for nobody (drafts, archived articles), 1 for the team and
/// the voice agent (published, internal), 2 for everyone (published, public).
pub fn passage_audience(status: &str, visibility: &str) -> i64 {
    match (status, visibility) {
        ("published", "public") => 2,
        ("published", _) => 1,
        _ => 0,
    }
}

/// Who a search retrieves for, and so which passages it may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The team and the voice agent: published articles of either visibility.
    Team,
    /// End users (widget, help center, AI answers in chat): published public articles.
    Everyone,
}

impl Audience {
    /// The least passage audience level it sees.
    pub const fn least_level(self) -> i64 {
        match self {
            Audience::Team => 1,
            Audience::Everyone => 2,
        }
    }
}

/// Which passages a search may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassageFilter<'a> {
    pub category: Option<&'a str>,
    pub audience: Audience,
}

const DOCUMENT_COLUMNS: &str = "id, app_id, title, category, source_type, updated_by, format, \
    content, CAST(length(content) AS BIGINT) AS content_length, chunk_count, embedded_count, embedding_model, \
    ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, created_at, \
    updated_at, status, visibility, slug, collection_id, published_at";
/// The same, without the content (lists and job claims need only its length).
const DOCUMENT_SUMMARY_COLUMNS: &str = "id, app_id, title, category, source_type, updated_by, \
    format, '' AS content, CAST(length(content) AS BIGINT) AS content_length, chunk_count, embedded_count, \
    embedding_model, ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, \
    created_at, updated_at, status, visibility, slug, collection_id, published_at";

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
    pub collection_id: Option<String>,
}

const CHUNK_COLUMNS: &str =
    "id, document_id, category, title, heading, ordinal, content, embedding_model, collection_id";

/// How [`Store::put_document`] finds the document it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKey {
    /// The app's document with the record's title, if any (seed 000's upsert).
    Title,
    /// The document with the record's id, which must exist.
    Id,
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
             next_attempt_at = $13, locked_until = NULL, updated_at = $14, status = $15, \
             visibility = $16, slug = $17, collection_id = $18, published_at = $19 \
             WHERE app_id = $1 AND id = $2";
        let insert = "INSERT INTO knowledge_documents (id, app_id, title, category, source_type, \
             updated_by, format, content, chunk_count, embedded_count, embedding_model, \
             ingest_state, ingest_error, ingest_attempts, next_attempt_at, locked_until, \
             created_at, updated_at, status, visibility, slug, collection_id, published_at) \
             VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, 0, $13, NULL, $14, \
             $14, $15, $16, $17, $18, $19)";
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
                    .bind(&r.status)
                    .bind(&r.visibility)
                    .bind(&r.slug)
                    .bind(&r.collection_id)
                    .bind(r.published_at)
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
             embedding_dims, audience, collection_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
        let model = |chunk: &NewChunk| chunk.embedding.as_ref().map(|_| &r.embedding_model);
        let dims = |chunk: &NewChunk| chunk.embedding.as_ref().map(|v| v.len() as i64);
        let saved = match self {
            Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
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
                        .bind(r.audience())
                        .bind(r.collection_id.clone())
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
                            .bind(r.audience())
                            .bind(r.collection_id.clone())
                    }
                )
            }
        };
        if matches!(saved, Ok(Some(_))) {
            self.vectors_changed(&record.app_id);
        }
        saved
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
        self.vectors_changed(app_id);
        Ok(deleted > 0)
    }
}
