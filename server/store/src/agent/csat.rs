//! CSAT ratings, one per (app, session).

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CsatRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const CSAT_COLUMNS: &str = "id, app_id, session_id, rating, comment, created_at, updated_at";

impl Store {
    /// Inserts the session's rating, or replaces the one it had. One atomic statement.
    pub async fn upsert_csat(&self, record: &CsatRecord) -> StoreResult<CsatRecord> {
        let sql = format!(
            "INSERT INTO csat_ratings ({CSAT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (app_id, session_id) DO UPDATE SET rating = excluded.rating, \
             comment = excluded.comment, updated_at = excluded.updated_at \
             RETURNING {CSAT_COLUMNS}"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, CsatRecord>(&sql)
            .bind(&record.id)
            .bind(&record.app_id)
            .bind(&record.session_id)
            .bind(record.rating)
            .bind(&record.comment)
            .bind(record.created_at)
            .bind(record.updated_at)
            .fetch_one(pool)
            .await)?)
    }

    pub async fn csat_by_session(
        &self,
        app_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<CsatRecord>> {
        let sql = format!(
            "SELECT {CSAT_COLUMNS} FROM csat_ratings WHERE app_id = $1 AND session_id = $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, CsatRecord>(&sql)
            .bind(app_id)
            .bind(session_id)
            .fetch_optional(pool)
            .await)?)
    }

    /// An app's ratings, newest first, created in [since, until), after the cursor.
    pub async fn list_csat(
        &self,
        app_id: &str,
        since: Option<i64>,
        until: Option<i64>,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<CsatRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {CSAT_COLUMNS} FROM csat_ratings WHERE app_id = $1 \
             AND created_at >= $2 AND created_at < $3 \
             AND (created_at < $4 OR (created_at = $4 AND id < $5)) \
             ORDER BY created_at DESC, id DESC LIMIT $6"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, CsatRecord>(&sql)
            .bind(app_id)
            .bind(since.unwrap_or(i64::MIN))
            .bind(until.unwrap_or(i64::MAX))
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }
}
