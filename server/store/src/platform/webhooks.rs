//! The outbound webhook queue, and apps' signing secrets.

use serde_json::Value;
use sqlx::types::Json;

use crate::{Store, StoreError, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct WebhookDeliveryRecord {
    pub id: String,
    pub app_id: String,
    pub event: String,
    pub url: String,
    #[sqlx(json)]
    pub payload: Value,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub locked_until: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub delivered_at: Option<i64>,
}

pub(crate) const DELIVERY_COLUMNS: &str = "id, app_id, event, url, payload, status, attempts, \
    next_attempt_at, locked_until, last_status_code, last_error, created_at, updated_at, \
    delivered_at";

pub(crate) const INSERT_DELIVERY: &str = "INSERT INTO webhook_deliveries (id, app_id, event, \
    url, payload, status, attempts, next_attempt_at, locked_until, last_status_code, last_error, \
    created_at, updated_at, delivered_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

/// Binds a delivery to [`INSERT_DELIVERY`].
macro_rules! bind_delivery {
    ($query:expr, $d:expr) => {
        $query
            .bind(&$d.id)
            .bind(&$d.app_id)
            .bind(&$d.event)
            .bind(&$d.url)
            .bind(Json(&$d.payload))
            .bind(&$d.status)
            .bind($d.attempts)
            .bind($d.next_attempt_at)
            .bind($d.locked_until)
            .bind($d.last_status_code)
            .bind(&$d.last_error)
            .bind($d.created_at)
            .bind($d.updated_at)
            .bind($d.delivered_at)
    };
}
pub(crate) use bind_delivery;

impl Store {
    pub async fn insert_webhook_delivery(
        &self,
        delivery: &WebhookDeliveryRecord,
    ) -> StoreResult<()> {
        on_pool!(self, pool => bind_delivery!(sqlx::query(INSERT_DELIVERY), delivery)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Deliveries not yet delivered nor given up: the webhook queue's depth.
    pub async fn pending_webhook_deliveries(&self) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'",
        )
        .fetch_one(pool)
        .await)?)
    }

    /// Leases up to `limit` due deliveries to this worker until `now + lease_ms`. Concurrent
    /// workers (several instances) never lease the same row.
    pub async fn claim_due_webhooks(
        &self,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRecord>> {
        // PostgreSQL skips rows another worker is leasing right now; SQLite runs one writer at a
        // time, so its single statement is already exclusive.
        let lock = match self {
            Store::Sqlite(..) => "",
            Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET locked_until = $1 + $2 WHERE id IN (\
             SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) \
             ORDER BY next_attempt_at LIMIT $3{lock}) RETURNING {DELIVERY_COLUMNS}"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, WebhookDeliveryRecord>(&sql)
            .bind(now)
            .bind(lease_ms)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Records an attempt's outcome and releases the lease.
    pub async fn record_webhook_attempt(
        &self,
        delivery: &WebhookDeliveryRecord,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, \
             locked_until = NULL, last_status_code = $5, last_error = $6, updated_at = $7, \
             delivered_at = $8 WHERE id = $1",
        )
        .bind(&delivery.id)
        .bind(&delivery.status)
        .bind(delivery.attempts)
        .bind(delivery.next_attempt_at)
        .bind(delivery.last_status_code)
        .bind(&delivery.last_error)
        .bind(delivery.updated_at)
        .bind(delivery.delivered_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// An app's deliveries, newest first, after the cursor.
    pub async fn list_webhook_deliveries(
        &self,
        app_id: &str,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDeliveryRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE app_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, WebhookDeliveryRecord>(&sql)
            .bind(app_id)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// The app's signing secret, if it has one yet.
    pub async fn signing_secret(&self, app_id: &str) -> StoreResult<Option<String>> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar::<_, Option<String>>(
            "SELECT signing_secret FROM apps WHERE id = $1",
        )
        .bind(app_id)
        .fetch_optional(pool)
        .await)?
            .flatten(),
        )
    }

    /// Sets the app's first signing secret unless another writer set one first, and answers the
    /// one stored. Race-free: every caller gets the same secret.
    pub async fn set_first_signing_secret(
        &self,
        app_id: &str,
        candidate: &str,
    ) -> StoreResult<String> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE apps SET signing_secret = $2 WHERE id = $1 AND signing_secret IS NULL",
        )
        .bind(app_id)
        .bind(candidate)
        .execute(pool)
        .await
        .map(|_| ()))?;
        self.signing_secret(app_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Every app's stored signing secret, as `(app id, stored value)`: what start-up reseals.
    pub async fn signing_secrets(&self) -> StoreResult<Vec<(String, String)>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, (String, String)>(
            "SELECT id, signing_secret FROM apps WHERE signing_secret IS NOT NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await)?,
        )
    }

    /// Replaces the app's stored signing secret if it is still `current`; answers whether it
    /// was (a rotation meanwhile wins).
    pub async fn replace_signing_secret_if(
        &self,
        app_id: &str,
        current: &str,
        replacement: &str,
    ) -> StoreResult<bool> {
        let result = on_pool!(self, pool => sqlx::query(
            "UPDATE apps SET signing_secret = $3 WHERE id = $1 AND signing_secret = $2",
        )
        .bind(app_id)
        .bind(current)
        .bind(replacement)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(result == 1)
    }

    pub async fn replace_signing_secret(&self, app_id: &str, secret: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("UPDATE apps SET signing_secret = $2 WHERE id = $1")
            .bind(app_id)
            .bind(secret)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
