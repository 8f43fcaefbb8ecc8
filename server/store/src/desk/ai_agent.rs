//! The AI agent of chat: per-app settings, and each AI turn with the bot message it posted.

use serde_json::Value;
use sqlx::types::Json;

use crate::desk::conversations::{COUNT_MESSAGE, DeskMessageRecord, INSERT_MESSAGE};
use crate::{Store, StoreResult, in_write_transaction, on_pool, on_read_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AiSettingsRecord {
    pub app_id: String,
    pub enabled: bool,
    pub model: String,
    pub confidence_threshold: Option<f64>,
    #[sqlx(json)]
    pub collection_ids: Vec<String>,
    pub handoff_message: String,
    #[sqlx(json(nullable))]
    pub working_hours: Option<Value>,
    pub updated_at: i64,
}

/// One AI turn: the question, what it answered from and how sure it was.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AiAnswerRecord {
    /// The bot message it posted.
    pub message_id: String,
    pub conversation_id: String,
    pub app_id: String,
    pub question: String,
    pub confidence: f64,
    /// `[{title, slug, url}]`.
    #[sqlx(json)]
    pub sources: Value,
    pub model: String,
    pub latency_ms: i64,
    pub handed_off: bool,
    pub handoff_reason: Option<String>,
    pub helpful: Option<bool>,
    pub created_at: i64,
}

const ANSWER_COLUMNS: &str = "message_id, conversation_id, app_id, question, confidence, \
    sources, model, latency_ms, handed_off, handoff_reason, helpful, created_at";

/// How an app's AI turns went: answered or handed off, and the ratings of its answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct AiTurnCounts {
    pub answered: i64,
    pub handed_off: i64,
    pub rated_helpful: i64,
    pub rated_unhelpful: i64,
}

impl Store {
    pub async fn ai_settings(&self, app_id: &str) -> StoreResult<Option<AiSettingsRecord>> {
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AiSettingsRecord>(
            "SELECT app_id, enabled, model, confidence_threshold, collection_ids, \
             handoff_message, working_hours, updated_at FROM desk_ai_settings WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_optional(pool)
        .await)?,
        )
    }

    pub async fn put_ai_settings(&self, settings: &AiSettingsRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO desk_ai_settings (app_id, enabled, model, confidence_threshold, \
             collection_ids, handoff_message, working_hours, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (app_id) DO UPDATE SET \
             enabled = excluded.enabled, model = excluded.model, \
             confidence_threshold = excluded.confidence_threshold, \
             collection_ids = excluded.collection_ids, \
             handoff_message = excluded.handoff_message, \
             working_hours = excluded.working_hours, updated_at = excluded.updated_at",
        )
        .bind(&settings.app_id)
        .bind(settings.enabled)
        .bind(&settings.model)
        .bind(settings.confidence_threshold)
        .bind(Json(&settings.collection_ids))
        .bind(&settings.handoff_message)
        .bind(settings.working_hours.as_ref().map(Json))
        .bind(settings.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Posts an AI turn's bot message with its record, in one transaction, unless a member has
    /// replied in the conversation meanwhile (then nothing is written: `false`). A handoff marks
    /// the conversation as needing a human.
    pub async fn insert_ai_turn(
        &self,
        message: &DeskMessageRecord,
        answer: &AiAnswerRecord,
    ) -> StoreResult<bool> {
        let insert_answer = format!(
            "INSERT INTO desk_ai_answers ({ANSWER_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        in_write_transaction!(self, tx => {
            let (replies,): (i64,) = sqlx::query_as(
                "SELECT count(*) FROM desk_messages WHERE conversation_id = $1 \
                 AND sender_kind = 'agent' AND NOT internal",
            )
            .bind(&message.conversation_id)
            .fetch_one(&mut *tx)
            .await?;
            if replies > 0 {
                return Ok(false);
            }
            crate::desk::conversations::bind_message!(sqlx::query(INSERT_MESSAGE), message)
                .execute(&mut *tx)
                .await?;
            sqlx::query(COUNT_MESSAGE)
                .bind(&message.conversation_id)
                .bind(message.created_at)
                .bind(&message.sender_kind)
                .bind(message.internal)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&insert_answer)
                .bind(&answer.message_id)
                .bind(&answer.conversation_id)
                .bind(&answer.app_id)
                .bind(&answer.question)
                .bind(answer.confidence)
                .bind(Json(&answer.sources))
                .bind(&answer.model)
                .bind(answer.latency_ms)
                .bind(answer.handed_off)
                .bind(&answer.handoff_reason)
                .bind(answer.helpful)
                .bind(answer.created_at)
                .execute(&mut *tx)
                .await?;
            if answer.handed_off {
                sqlx::query("UPDATE desk_conversations SET needs_human = TRUE WHERE id = $1")
                    .bind(&message.conversation_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The AI turns of a conversation, oldest first.
    pub async fn ai_answers_of_conversation(
        &self,
        conversation_id: &str,
    ) -> StoreResult<Vec<AiAnswerRecord>> {
        let sql = format!(
            "SELECT {ANSWER_COLUMNS} FROM desk_ai_answers WHERE conversation_id = $1 \
             ORDER BY created_at, message_id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AiAnswerRecord>(&sql)
            .bind(conversation_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    pub async fn ai_answer(&self, message_id: &str) -> StoreResult<Option<AiAnswerRecord>> {
        let sql = format!("SELECT {ANSWER_COLUMNS} FROM desk_ai_answers WHERE message_id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AiAnswerRecord>(&sql)
            .bind(message_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Records the visitor's rating of an AI turn (a new rating replaces the last).
    pub async fn rate_ai_answer(&self, message_id: &str, helpful: bool) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE desk_ai_answers SET helpful = $2 WHERE message_id = $1",
        )
        .bind(message_id)
        .bind(helpful)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(updated > 0)
    }

    /// How an app's AI turns since `since` went: answered or handed to a human, and rated.
    pub async fn ai_turn_counts(&self, app_id: &str, since: i64) -> StoreResult<AiTurnCounts> {
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, AiTurnCounts>(
            "SELECT COALESCE(SUM(CASE WHEN handed_off THEN 0 ELSE 1 END), 0) AS answered, \
             COALESCE(SUM(CASE WHEN handed_off THEN 1 ELSE 0 END), 0) AS handed_off, \
             COALESCE(SUM(CASE WHEN helpful THEN 1 ELSE 0 END), 0) AS rated_helpful, \
             COALESCE(SUM(CASE WHEN NOT helpful THEN 1 ELSE 0 END), 0) AS rated_unhelpful \
             FROM desk_ai_answers WHERE app_id = $1 AND created_at >= $2",
        )
        .bind(app_id)
        .bind(since)
        .fetch_one(pool)
        .await)?,
        )
    }
}
