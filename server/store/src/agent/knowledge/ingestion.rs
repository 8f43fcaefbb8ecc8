//! The ingestion job's side: leasing documents, their chunks to embed, progress, and requeueing after a model change.

use super::*;

impl Store {
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
            Store::Sqlite(..) => "",
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
        app_id: &str,
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
                count.unwrap_or(0)
            }};
        }
        let embedded = match self {
            Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                steps!(tx, |v: &Vec<f32>| vector_bytes(v))
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                steps!(tx, |v: &Vec<f32>| pgvector::Vector::from(v.clone()))
            }
        };
        self.vectors_changed(app_id);
        Ok(embedded)
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

    /// Documents waiting for (or being given) their embeddings: the ingestion queue's depth.
    pub async fn knowledge_documents_waiting(&self) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM knowledge_documents WHERE ingest_state IN ('pending', 'embedding')",
        )
        .fetch_one(pool)
        .await)?)
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
}
