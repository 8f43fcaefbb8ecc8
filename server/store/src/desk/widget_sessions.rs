//! Widget sessions: a browser acting as one contact, by a token stored as its SHA-256.

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WidgetSessionRecord {
    pub id: String,
    pub app_id: String,
    pub contact_id: String,
    pub token_hash: String,
    /// The `Origin` the widget booted from.
    pub origin: Option<String>,
    pub identity_verified: bool,
    pub lifetime_ms: i64,
    pub expires_at: i64,
    /// When the visitor booted; refreshes keep it.
    pub booted_at: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const SESSION_COLUMNS: &str = "id, app_id, contact_id, token_hash, origin, identity_verified, \
    lifetime_ms, expires_at, booted_at, created_at, revoked_at";

const INSERT_SESSION: &str = "INSERT INTO desk_widget_sessions (id, app_id, contact_id, \
    token_hash, origin, identity_verified, lifetime_ms, expires_at, booted_at, created_at, \
    revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

macro_rules! bind_session {
    ($query:expr, $session:expr) => {
        $query
            .bind(&$session.id)
            .bind(&$session.app_id)
            .bind(&$session.contact_id)
            .bind(&$session.token_hash)
            .bind(&$session.origin)
            .bind($session.identity_verified)
            .bind($session.lifetime_ms)
            .bind($session.expires_at)
            .bind($session.booted_at)
            .bind($session.created_at)
            .bind($session.revoked_at)
    };
}

impl Store {
    pub async fn insert_widget_session(&self, session: &WidgetSessionRecord) -> StoreResult<()> {
        on_pool!(self, pool => bind_session!(sqlx::query(INSERT_SESSION), session)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn widget_session_by_hash(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<WidgetSessionRecord>> {
        let sql =
            format!("SELECT {SESSION_COLUMNS} FROM desk_widget_sessions WHERE token_hash = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, WidgetSessionRecord>(&sql)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Revokes `old_id` and inserts `new` in one transaction, if `old_id` was not revoked yet
    /// (a token is refreshed once). `false` when it was.
    pub async fn replace_widget_session(
        &self,
        old_id: &str,
        new: &WidgetSessionRecord,
    ) -> StoreResult<bool> {
        in_write_transaction!(self, tx => {
            let revoked = sqlx::query(
                "UPDATE desk_widget_sessions SET revoked_at = $2 \
                 WHERE id = $1 AND revoked_at IS NULL",
            )
            .bind(old_id)
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if revoked == 0 {
                return Ok(false);
            }
            bind_session!(sqlx::query(INSERT_SESSION), new)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(true)
    }

    /// Revokes the session of a token hash; `false` when there is no live one.
    pub async fn revoke_widget_session(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let revoked = on_pool!(self, pool => sqlx::query(
            "UPDATE desk_widget_sessions SET revoked_at = $2 \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(revoked > 0)
    }

    /// Moves a live session to another contact (after the visitor proved who they are).
    pub async fn rebind_widget_session(
        &self,
        id: &str,
        contact_id: &str,
        identity_verified: bool,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE desk_widget_sessions SET contact_id = $2, identity_verified = $3 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(contact_id)
        .bind(identity_verified)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// How many sessions of a contact are live at `now`.
    pub async fn count_live_widget_sessions(&self, contact_id: &str, now: i64) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM desk_widget_sessions \
             WHERE contact_id = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(contact_id)
        .bind(now)
        .fetch_one(pool)
        .await)?)
    }

    /// Deletes sessions that expired, or were revoked, before `cutoff`. Returns how many.
    pub async fn delete_widget_sessions_before(&self, cutoff: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            "DELETE FROM desk_widget_sessions WHERE expires_at < $1 OR revoked_at < $1",
        )
        .bind(cutoff)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
