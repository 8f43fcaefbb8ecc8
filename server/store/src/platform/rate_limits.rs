//! Fixed-window request counters in the database, so every server instance shares them.

use crate::{Store, StoreResult, on_pool};

impl Store {
    /// Counts one request for `key` in the window starting at `window_start` and returns the
    /// window's count so far.
    pub async fn hit_rate_limit(&self, key: &str, window_start: i64) -> StoreResult<i64> {
        self.add_rate_limit_hits(key, window_start, 1).await
    }

    /// Adds `hits` requests to a window and returns its count so far. One atomic statement:
    /// concurrent servers never lose a hit.
    pub async fn add_rate_limit_hits(
        &self,
        key: &str,
        window_start: i64,
        hits: i64,
    ) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "INSERT INTO rate_limit_counters (key, window_start, count) VALUES ($1, $2, $3) \
             ON CONFLICT (key, window_start) \
             DO UPDATE SET count = rate_limit_counters.count + excluded.count \
             RETURNING count",
        )
        .bind(key)
        .bind(window_start)
        .bind(hits)
        .fetch_one(pool)
        .await)?)
    }

    /// The count of a window without counting a request.
    pub async fn rate_limit_count(&self, key: &str, window_start: i64) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT count FROM rate_limit_counters WHERE key = $1 AND window_start = $2",
        )
        .bind(key)
        .bind(window_start)
        .fetch_optional(pool)
        .await)?
        .unwrap_or(0))
    }

    /// Deletes windows that started before `cutoff`.
    pub async fn purge_rate_limits(&self, cutoff: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM rate_limit_counters WHERE window_start < $1",
        )
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
