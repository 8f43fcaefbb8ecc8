//! Which session token a session id belongs to: the first one that wrote for it.

use crate::{Store, StoreResult, on_pool};

impl Store {
    /// The hash of the token `session_id` is bound to, binding it to `token_hash` if it is
    /// bound to none yet. Concurrent first writes agree on one winner.
    pub async fn bind_session(
        &self,
        app_id: &str,
        session_id: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<String> {
        // Most writes come after the first: a read answers them without writing.
        let bound: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT token_hash FROM session_bindings WHERE app_id = $1 AND session_id = $2",
        )
        .bind(app_id)
        .bind(session_id)
        .fetch_optional(pool)
        .await)?;
        if let Some(bound) = bound {
            return Ok(bound);
        }
        // The no-op update makes RETURNING answer the existing row when another write won.
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO session_bindings (app_id, session_id, token_hash, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app_id, session_id) DO UPDATE SET app_id = excluded.app_id \
             RETURNING token_hash",
        )
        .bind(app_id)
        .bind(session_id)
        .bind(token_hash)
        .bind(now)
        .fetch_one(pool)
        .await)?)
    }
}
