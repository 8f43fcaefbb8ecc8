//! Identity verification per app: whether boots must prove the user id they claim, and the
//! sealed secrets that sign user hashes.

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityVerificationRecord {
    pub app_id: String,
    pub enabled: bool,
    /// `optional` or `required`.
    pub mode: String,
    /// Whether visitors who claim no identity may still boot in `required` mode.
    pub allow_anonymous: bool,
    /// Sealed (`enc:v1:…`).
    pub secret: String,
    /// Sealed; still accepted until `previous_secret_expires_at`.
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    pub updated_at: i64,
}

impl Store {
    pub async fn identity_verification(
        &self,
        app_id: &str,
    ) -> StoreResult<Option<IdentityVerificationRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, IdentityVerificationRecord>(
            "SELECT app_id, enabled, mode, allow_anonymous, secret, previous_secret, \
             previous_secret_expires_at, updated_at FROM desk_identity_verification \
             WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_optional(pool)
        .await)?,
        )
    }

    /// Inserts or replaces an app's identity verification.
    pub async fn save_identity_verification(
        &self,
        record: &IdentityVerificationRecord,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO desk_identity_verification (app_id, enabled, mode, allow_anonymous, \
             secret, previous_secret, previous_secret_expires_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (app_id) DO UPDATE SET enabled = excluded.enabled, \
             mode = excluded.mode, allow_anonymous = excluded.allow_anonymous, \
             secret = excluded.secret, previous_secret = excluded.previous_secret, \
             previous_secret_expires_at = excluded.previous_secret_expires_at, \
             updated_at = excluded.updated_at",
        )
        .bind(&record.app_id)
        .bind(record.enabled)
        .bind(&record.mode)
        .bind(record.allow_anonymous)
        .bind(&record.secret)
        .bind(&record.previous_secret)
        .bind(record.previous_secret_expires_at)
        .bind(record.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Every app's identity verification, to reseal their secrets under a new key.
    pub async fn all_identity_verifications(&self) -> StoreResult<Vec<IdentityVerificationRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, IdentityVerificationRecord>(
            "SELECT app_id, enabled, mode, allow_anonymous, secret, previous_secret, \
             previous_secret_expires_at, updated_at FROM desk_identity_verification \
             ORDER BY app_id",
        )
        .fetch_all(pool)
        .await)?,
        )
    }

    /// Replaces the sealed secrets of an app if they are still `before`'s (no rotation in
    /// between). `false` when they changed.
    pub async fn reseal_identity_secrets_if(
        &self,
        before: &IdentityVerificationRecord,
        secret: &str,
        previous_secret: Option<&str>,
    ) -> StoreResult<bool> {
        let replaced = on_pool!(self, pool => sqlx::query(
            "UPDATE desk_identity_verification SET secret = $3, previous_secret = $4 \
             WHERE app_id = $1 AND updated_at = $2",
        )
        .bind(&before.app_id)
        .bind(before.updated_at)
        .bind(secret)
        .bind(previous_secret)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(replaced > 0)
    }
}
