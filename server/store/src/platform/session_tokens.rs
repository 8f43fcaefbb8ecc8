//! Browser-safe session tokens, stored as SHA-256 hashes.

use crate::platform::apps::{APP_COLUMNS, AppRecord};
use std::sync::LazyLock;

use crate::{Store, StoreResult, on_pool, qualified};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionTokenRecord {
    pub id: String,
    pub app_id: String,
    pub token_hash: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A token found by its hash, with the app it belongs to (one query per authentication).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TokenWithApp {
    #[sqlx(flatten)]
    pub app: AppRecord,
    pub token_id: String,
    pub token_expires_at: i64,
    pub token_revoked_at: Option<i64>,
}

impl Store {
    pub async fn insert_session_token(&self, token: &SessionTokenRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO session_tokens (id, app_id, token_hash, expires_at, created_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token.id)
        .bind(&token.app_id)
        .bind(&token.token_hash)
        .bind(token.expires_at)
        .bind(token.created_at)
        .bind(token.revoked_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn session_token_with_app(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<TokenWithApp>> {
        // Built once: this runs on every session-token authentication the cache misses.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {}, t.id AS token_id, t.expires_at AS token_expires_at, \
                 t.revoked_at AS token_revoked_at \
                 FROM session_tokens t JOIN apps a ON a.id = t.app_id WHERE t.token_hash = $1",
                qualified(APP_COLUMNS, "a")
            )
        });
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TokenWithApp>(SQL.as_str())
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Marks one of `app_id`'s live tokens revoked; `false` when no such live token exists.
    pub async fn revoke_session_token(
        &self,
        app_id: &str,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let revoked = on_pool!(self, pool => sqlx::query(
            "UPDATE session_tokens SET revoked_at = $3 \
             WHERE app_id = $1 AND token_hash = $2 AND revoked_at IS NULL AND expires_at > $3",
        )
        .bind(app_id)
        .bind(token_hash)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(revoked > 0)
    }

    /// Deletes tokens that expired, or were revoked, before `cutoff`. Returns how many.
    pub async fn delete_session_tokens_before(&self, cutoff: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM session_tokens WHERE expires_at < $1 OR revoked_at < $1",
        )
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
