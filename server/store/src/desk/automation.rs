//! A workspace's support automation settings, conversation ratings, and the reply times the
//! widget shows.

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AutomationRecord {
    pub workspace_id: String,
    pub show_reply_time: bool,
    pub collect_email: bool,
    pub ask_for_rating: bool,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RatingRecord {
    pub conversation_id: String,
    pub workspace_id: String,
    pub assignee_id: Option<String>,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: i64,
}

/// Reply times sampled for the median: the most recent conversations, at most this many.
const REPLY_TIME_SAMPLE: i64 = 10_000;

impl Store {
    pub async fn automation_settings(
        &self,
        workspace_id: &str,
    ) -> StoreResult<Option<AutomationRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AutomationRecord>(
            "SELECT workspace_id, show_reply_time, collect_email, ask_for_rating, updated_at \
             FROM desk_automation_settings WHERE workspace_id = $1",
        )
        .bind(workspace_id)
        .fetch_optional(pool)
        .await)?,
        )
    }

    pub async fn upsert_automation_settings(&self, record: &AutomationRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO desk_automation_settings (workspace_id, show_reply_time, collect_email, \
             ask_for_rating, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (workspace_id) DO UPDATE SET show_reply_time = excluded.show_reply_time, \
             collect_email = excluded.collect_email, ask_for_rating = excluded.ask_for_rating, \
             updated_at = excluded.updated_at",
        )
        .bind(&record.workspace_id)
        .bind(record.show_reply_time)
        .bind(record.collect_email)
        .bind(record.ask_for_rating)
        .bind(record.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Records a rating; a conversation rated already is `UniqueViolation`. The rating is
    /// stored only while the conversation is still closed (checked in the same transaction):
    /// `false` when it was reopened meanwhile.
    pub async fn insert_rating(&self, rating: &RatingRecord) -> StoreResult<bool> {
        in_write_transaction!(self, tx => {
            let status = sqlx::query_scalar::<_, String>(
                "SELECT status FROM desk_conversations WHERE id = $1",
            )
            .bind(&rating.conversation_id)
            .fetch_optional(&mut *tx)
            .await?;
            if status.as_deref() != Some("closed") {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO desk_conversation_ratings (conversation_id, workspace_id, \
                 assignee_id, rating, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&rating.conversation_id)
            .bind(&rating.workspace_id)
            .bind(&rating.assignee_id)
            .bind(rating.rating)
            .bind(&rating.comment)
            .bind(rating.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(true)
    }

    pub async fn rating_of_conversation(
        &self,
        conversation_id: &str,
    ) -> StoreResult<Option<RatingRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, RatingRecord>(
            "SELECT conversation_id, workspace_id, assignee_id, rating, comment, created_at \
             FROM desk_conversation_ratings WHERE conversation_id = $1",
        )
        .bind(conversation_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// First-response times (ms) of the workspace's conversations started since `since`, most
    /// recent first (a bounded sample).
    pub async fn first_response_times(
        &self,
        workspace_id: &str,
        since: i64,
    ) -> StoreResult<Vec<i64>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT first_response_at - created_at FROM desk_conversations \
             WHERE workspace_id = $1 AND created_at >= $2 AND first_response_at IS NOT NULL \
             ORDER BY created_at DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(since)
        .bind(REPLY_TIME_SAMPLE)
        .fetch_all(pool)
        .await)?)
    }
}
