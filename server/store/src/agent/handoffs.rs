//! Handoffs to human agents. Creating one and moving its conversation to `handed_off` happen
//! in one transaction.

use model::agent::conversations::TranscriptEntry;
use serde_json::Value;
use sqlx::types::Json;

use crate::agent::conversations::{INSERT_CONVERSATION, bind_conversation};
use crate::platform::webhooks::{INSERT_DELIVERY, bind_delivery};
use crate::{ConversationRecord, Store, StoreResult, WebhookDeliveryRecord};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct HandoffRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub channel: String,
    pub reason: String,
    pub reason_detail: Option<String>,
    pub status: String,
    pub priority: String,
    #[sqlx(json)]
    pub transcript: Vec<TranscriptEntry>,
    pub ai_summary: Option<String>,
    pub assigned_agent: Option<String>,
    #[sqlx(json(nullable))]
    pub customer_data: Option<Value>,
    pub necessity_score: Option<f64>,
    pub resolution_quality: Option<String>,
    pub agent_feedback: Option<String>,
    pub created_at: i64,
    pub claimed_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub updated_at: i64,
}

const HANDOFF_COLUMNS: &str = "id, app_id, session_id, channel, reason, reason_detail, status, \
    priority, transcript, ai_summary, assigned_agent, customer_data, necessity_score, \
    resolution_quality, agent_feedback, created_at, claimed_at, resolved_at, expires_at, \
    updated_at";

/// What creating a handoff did.
#[derive(Clone, Debug, PartialEq)]
pub enum HandoffCreation {
    /// The handoff was created and the conversation handed off (created if absent).
    Created(HandoffRecord),
    /// The session already had an open handoff; nothing changed.
    Existing(HandoffRecord),
    /// The session's conversation has ended (its status is given); nothing changed.
    ConversationEnded(String),
}

impl Store {
    /// Creates `handoff` and sets its session's conversation to `handed_off` (inserting
    /// `new_conversation` when there is none), in one transaction.
    pub async fn create_handoff(
        &self,
        handoff: &HandoffRecord,
        new_conversation: &ConversationRecord,
        webhook: Option<&WebhookDeliveryRecord>,
    ) -> StoreResult<HandoffCreation> {
        let open_sql = format!(
            "SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE app_id = $1 AND session_id = $2 \
             AND status IN ('pending', 'claimed')"
        );
        let insert_handoff = format!(
            "INSERT INTO handoffs ({HANDOFF_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
        );
        // The same steps on both backends; only how the transaction locks differs.
        macro_rules! steps {
            ($tx:ident, $lock:literal) => {{
                let open = sqlx::query_as::<_, HandoffRecord>(&open_sql)
                    .bind(&handoff.app_id)
                    .bind(&handoff.session_id)
                    .fetch_optional(&mut *$tx)
                    .await?;
                if let Some(open) = open {
                    return Ok(HandoffCreation::Existing(open));
                }
                let status: Option<String> = sqlx::query_scalar(concat!(
                    "SELECT status FROM conversations WHERE app_id = $1 AND session_id = $2",
                    $lock
                ))
                .bind(&handoff.app_id)
                .bind(&handoff.session_id)
                .fetch_optional(&mut *$tx)
                .await?;
                match status.as_deref() {
                    Some("resolved" | "abandoned") => {
                        return Ok(HandoffCreation::ConversationEnded(
                            status.unwrap_or_default(),
                        ));
                    }
                    Some(_) => {
                        sqlx::query(
                            "UPDATE conversations SET status = 'handed_off', updated_at = $3, \
                             handed_off_at = COALESCE(handed_off_at, $3) \
                             WHERE app_id = $1 AND session_id = $2",
                        )
                        .bind(&handoff.app_id)
                        .bind(&handoff.session_id)
                        .bind(handoff.created_at)
                        .execute(&mut *$tx)
                        .await?;
                    }
                    None => {
                        bind_conversation!(
                            sqlx::query(INSERT_CONVERSATION.as_str()),
                            new_conversation
                        )
                        .execute(&mut *$tx)
                        .await?;
                    }
                }
                let h = handoff;
                sqlx::query(&insert_handoff)
                    .bind(&h.id)
                    .bind(&h.app_id)
                    .bind(&h.session_id)
                    .bind(&h.channel)
                    .bind(&h.reason)
                    .bind(&h.reason_detail)
                    .bind(&h.status)
                    .bind(&h.priority)
                    .bind(Json(&h.transcript))
                    .bind(&h.ai_summary)
                    .bind(&h.assigned_agent)
                    .bind(h.customer_data.as_ref().map(Json))
                    .bind(h.necessity_score)
                    .bind(&h.resolution_quality)
                    .bind(&h.agent_feedback)
                    .bind(h.created_at)
                    .bind(h.claimed_at)
                    .bind(h.resolved_at)
                    .bind(h.expires_at)
                    .bind(h.updated_at)
                    .execute(&mut *$tx)
                    .await?;
                if let Some(delivery) = webhook {
                    bind_delivery!(sqlx::query(INSERT_DELIVERY), delivery)
                        .execute(&mut *$tx)
                        .await?;
                }
                $tx.commit().await?;
                Ok(HandoffCreation::Created(handoff.clone()))
            }};
        }
        match self {
            // IMMEDIATE takes the write lock up front: no deadlock upgrading a read.
            Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                steps!(tx, "")
            }
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                steps!(tx, " FOR UPDATE")
            }
        }
    }

    pub async fn handoff(&self, app_id: &str, id: &str) -> StoreResult<Option<HandoffRecord>> {
        let sql = format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE id = $1 AND app_id = $2");
        Ok(
            crate::on_pool!(self, pool => sqlx::query_as::<_, HandoffRecord>(&sql)
            .bind(id)
            .bind(app_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The session's most recent handoff.
    pub async fn latest_handoff_of_session(
        &self,
        app_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<HandoffRecord>> {
        let sql = format!(
            "SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE app_id = $1 AND session_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        );
        Ok(
            crate::on_pool!(self, pool => sqlx::query_as::<_, HandoffRecord>(&sql)
            .bind(app_id)
            .bind(session_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Writes a handoff's changed fields if its status is still `expected_status`, and queues
    /// `webhook` with it (one transaction).
    pub async fn update_handoff_if(
        &self,
        record: &HandoffRecord,
        expected_status: &str,
        webhook: Option<&WebhookDeliveryRecord>,
    ) -> StoreResult<bool> {
        let updated = crate::on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
            "UPDATE handoffs SET status = $3, assigned_agent = $4, necessity_score = $5, \
             resolution_quality = $6, agent_feedback = $7, claimed_at = $8, resolved_at = $9, \
             updated_at = $10 WHERE id = $1 AND app_id = $2 AND status = $11",
        )
        .bind(&record.id)
        .bind(&record.app_id)
        .bind(&record.status)
        .bind(&record.assigned_agent)
        .bind(record.necessity_score)
        .bind(&record.resolution_quality)
        .bind(&record.agent_feedback)
        .bind(record.claimed_at)
        .bind(record.resolved_at)
        .bind(record.updated_at)
        .bind(expected_status)
        .execute(&mut *tx)
        .await?
        .rows_affected();
            if updated > 0
                && let Some(delivery) = webhook
            {
                bind_delivery!(sqlx::query(INSERT_DELIVERY), delivery)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await.map(|()| updated)
        })?;
        Ok(updated > 0)
    }

    /// An app's handoffs, newest first, optionally of one status, after the cursor.
    pub async fn list_handoffs(
        &self,
        app_id: &str,
        status: Option<&str>,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<HandoffRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE app_id = $1 \
             AND ($2 IS NULL OR status = $2) \
             AND (created_at < $3 OR (created_at = $3 AND id < $4)) \
             ORDER BY created_at DESC, id DESC LIMIT $5"
        );
        Ok(
            crate::on_pool!(self, pool => sqlx::query_as::<_, HandoffRecord>(&sql)
            .bind(app_id)
            .bind(status)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Expires every pending handoff whose deadline passed, and returns them.
    ///
    /// Expiry does not notify: the app's webhook hears of created, claimed and resolved.
    pub async fn expire_handoffs(&self, now: i64) -> StoreResult<Vec<HandoffRecord>> {
        let sql = format!(
            "UPDATE handoffs SET status = 'expired', updated_at = $1 \
             WHERE status = 'pending' AND expires_at <= $1 RETURNING {HANDOFF_COLUMNS}"
        );
        Ok(
            crate::on_pool!(self, pool => sqlx::query_as::<_, HandoffRecord>(&sql)
            .bind(now)
            .fetch_all(pool)
            .await)?,
        )
    }
}
