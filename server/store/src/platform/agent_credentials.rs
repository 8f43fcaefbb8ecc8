//! Agent credentials: one per dispatched call, stored as SHA-256 hashes.

use std::sync::LazyLock;

use crate::platform::apps::{APP_COLUMNS, AppRecord};
use crate::{Store, StoreResult, on_pool, qualified};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AgentCredentialRecord {
    pub id: String,
    pub app_id: String,
    pub token_hash: String,
    pub session_id: String,
    pub room_name: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A credential found by its hash, with its app (one query per authentication).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AgentCredentialWithApp {
    #[sqlx(flatten)]
    pub app: AppRecord,
    pub credential_session_id: String,
    pub credential_room_name: String,
    /// A revoked credential's expiry is when its revocation takes effect.
    pub credential_expires_at: i64,
}

/// The values [`bind_credential!`] binds.
const CREDENTIAL_VALUES: usize = 8;

/// `INSERT INTO agent_credentials` of [`bind_credential!`]'s values, numbered from `$first`.
pub(crate) fn insert_credential_from(first: usize) -> String {
    let placeholders: Vec<String> = (first..first + CREDENTIAL_VALUES)
        .map(|n| format!("${n}"))
        .collect();
    format!(
        "INSERT INTO agent_credentials (id, app_id, token_hash, session_id, room_name, \
         expires_at, created_at, revoked_at) VALUES ({})",
        placeholders.join(", ")
    )
}

pub(crate) static INSERT_CREDENTIAL: LazyLock<String> = LazyLock::new(|| insert_credential_from(1));

macro_rules! bind_credential {
    ($query:expr, $c:expr) => {
        $query
            .bind(&$c.id)
            .bind(&$c.app_id)
            .bind(&$c.token_hash)
            .bind(&$c.session_id)
            .bind(&$c.room_name)
            .bind($c.expires_at)
            .bind($c.created_at)
            .bind($c.revoked_at)
    };
}
pub(crate) use bind_credential;

impl Store {
    pub async fn insert_agent_credential(
        &self,
        credential: &AgentCredentialRecord,
    ) -> StoreResult<()> {
        on_pool!(self, pool => bind_credential!(sqlx::query(INSERT_CREDENTIAL.as_str()), credential)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn agent_credential_with_app(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<AgentCredentialWithApp>> {
        // Built once: this runs on every agent authentication the cache misses.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {}, c.session_id AS credential_session_id, \
                 c.room_name AS credential_room_name, c.expires_at AS credential_expires_at \
                 FROM agent_credentials c JOIN apps a ON a.id = c.app_id WHERE c.token_hash = $1",
                qualified(APP_COLUMNS, "a")
            )
        });
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AgentCredentialWithApp>(SQL.as_str())
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Revokes the live credentials of one room of `app_id` as of `effective_at` (their expiry
    /// moves there if later); answers their hashes, so caches can forget them.
    pub async fn revoke_agent_credentials_for_room(
        &self,
        app_id: &str,
        room_name: &str,
        effective_at: i64,
    ) -> StoreResult<Vec<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "UPDATE agent_credentials SET revoked_at = $3, \
             expires_at = CASE WHEN expires_at > $3 THEN $3 ELSE expires_at END \
             WHERE app_id = $1 AND room_name = $2 AND revoked_at IS NULL RETURNING token_hash",
        )
        .bind(app_id)
        .bind(room_name)
        .bind(effective_at)
        .fetch_all(pool)
        .await)?)
    }

    /// Deletes credentials that expired, or were revoked, before `cutoff`. Returns how many.
    pub async fn delete_agent_credentials_before(&self, cutoff: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM agent_credentials WHERE expires_at < $1 OR revoked_at < $1",
        )
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
