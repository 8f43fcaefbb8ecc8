//! Conversations: one row per (app, session), written by the agent as a call goes on.

use model::agent::conversations::TranscriptEntry;
use std::sync::LazyLock;

use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ConversationRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub channel: Option<String>,
    pub status: String,
    pub resolution: Option<String>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub handed_off_at: Option<i64>,
    pub message_count: i64,
    #[sqlx(json(nullable))]
    pub transcript: Option<Vec<TranscriptEntry>>,
    pub experiment_variant: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const CONVERSATION_COLUMNS: &str = "id, app_id, session_id, channel, status, \
    resolution, started_at, ended_at, handed_off_at, message_count, transcript, \
    experiment_variant, created_at, updated_at";

pub(crate) static INSERT_CONVERSATION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO conversations ({CONVERSATION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    )
});

/// Binds a conversation to [`INSERT_CONVERSATION`].
macro_rules! bind_conversation {
    ($query:expr, $c:expr) => {
        $query
            .bind(&$c.id)
            .bind(&$c.app_id)
            .bind(&$c.session_id)
            .bind(&$c.channel)
            .bind(&$c.status)
            .bind(&$c.resolution)
            .bind($c.started_at)
            .bind($c.ended_at)
            .bind($c.handed_off_at)
            .bind($c.message_count)
            .bind($c.transcript.as_ref().map(Json))
            .bind(&$c.experiment_variant)
            .bind($c.created_at)
            .bind($c.updated_at)
    };
}
pub(crate) use bind_conversation;

/// Which conversations a listing returns. Times are ms since the epoch, on `started_at`.
#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub status: Option<String>,
    pub channel: Option<String>,
    /// The experiment variant the conversation was assigned.
    pub variant: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Store {
    /// Inserts a new conversation; an existing (app, session) is `UniqueViolation`.
    pub async fn insert_conversation(&self, record: &ConversationRecord) -> StoreResult<()> {
        on_pool!(self, pool => bind_conversation!(sqlx::query(INSERT_CONVERSATION.as_str()), record)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Writes a conversation's mutable fields if its status is still `expected_status`
    /// (optimistic concurrency: a concurrent change makes this return `false`).
    pub async fn update_conversation_if(
        &self,
        record: &ConversationRecord,
        expected_status: &str,
    ) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE conversations SET channel = $3, status = $4, resolution = $5, ended_at = $6, \
             message_count = $7, transcript = $8, experiment_variant = $9, updated_at = $10, \
             handed_off_at = $11 WHERE id = $1 AND status = $2",
        )
        .bind(&record.id)
        .bind(expected_status)
        .bind(&record.channel)
        .bind(&record.status)
        .bind(&record.resolution)
        .bind(record.ended_at)
        .bind(record.message_count)
        .bind(record.transcript.as_ref().map(Json))
        .bind(&record.experiment_variant)
        .bind(record.updated_at)
        .bind(record.handed_off_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(updated > 0)
    }

    pub async fn conversation_by_session(
        &self,
        app_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<ConversationRecord>> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE app_id = $1 AND session_id = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ConversationRecord>(&sql)
            .bind(app_id)
            .bind(session_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// An app's conversations, newest `started_at` first, strictly after the cursor
    /// (`started_at`, `id`) of a previous page.
    pub async fn list_conversations(
        &self,
        app_id: &str,
        filter: &ConversationFilter,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<ConversationRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE app_id = $1 \
             AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR channel = $3) \
             AND ($4 IS NULL OR experiment_variant = $4) \
             AND started_at >= $5 AND started_at < $6 \
             AND (started_at < $7 OR (started_at = $7 AND id < $8)) \
             ORDER BY started_at DESC, id DESC LIMIT $9"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ConversationRecord>(&sql)
            .bind(app_id)
            .bind(&filter.status)
            .bind(&filter.channel)
            .bind(&filter.variant)
            .bind(filter.since.unwrap_or(i64::MIN))
            .bind(filter.until.unwrap_or(i64::MAX))
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}
