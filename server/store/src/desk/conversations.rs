//! Desk conversations and their messages.

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeskConversationRecord {
    pub id: String,
    pub workspace_id: String,
    pub app_id: String,
    pub contact_id: String,
    /// `open`, `snoozed` or `closed`.
    pub status: String,
    pub channel: String,
    pub message_count: i64,
    pub last_message_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeskMessageRecord {
    pub id: String,
    pub conversation_id: String,
    /// `visitor`, `agent` or `bot`.
    pub sender_kind: String,
    pub sender_id: Option<String>,
    pub body: String,
    pub created_at: i64,
}

const CONVERSATION_COLUMNS: &str = "id, workspace_id, app_id, contact_id, status, channel, \
    message_count, last_message_at, created_at, updated_at";

const INSERT_MESSAGE: &str = "INSERT INTO desk_messages (id, conversation_id, sender_kind, \
    sender_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

macro_rules! bind_message {
    ($query:expr, $message:expr) => {
        $query
            .bind(&$message.id)
            .bind(&$message.conversation_id)
            .bind(&$message.sender_kind)
            .bind(&$message.sender_id)
            .bind(&$message.body)
            .bind($message.created_at)
    };
}

impl Store {
    /// Inserts a conversation with its first message, in one transaction.
    pub async fn insert_desk_conversation(
        &self,
        conversation: &DeskConversationRecord,
        first: &DeskMessageRecord,
    ) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_conversations ({CONVERSATION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        in_write_transaction!(self, tx => {
            sqlx::query(&sql)
                .bind(&conversation.id)
                .bind(&conversation.workspace_id)
                .bind(&conversation.app_id)
                .bind(&conversation.contact_id)
                .bind(&conversation.status)
                .bind(&conversation.channel)
                .bind(conversation.message_count)
                .bind(conversation.last_message_at)
                .bind(conversation.created_at)
                .bind(conversation.updated_at)
                .execute(&mut *tx)
                .await?;
            bind_message!(sqlx::query(INSERT_MESSAGE), first)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds a message and counts it on its conversation, in one transaction. A visitor's
    /// message reopens a closed conversation.
    pub async fn insert_desk_message(&self, message: &DeskMessageRecord) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            bind_message!(sqlx::query(INSERT_MESSAGE), message)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE desk_conversations SET message_count = message_count + 1, \
                 last_message_at = $2, updated_at = $2, \
                 status = CASE WHEN $3 = 'visitor' THEN 'open' ELSE status END \
                 WHERE id = $1",
            )
            .bind(&message.conversation_id)
            .bind(message.created_at)
            .bind(&message.sender_kind)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn desk_conversation(&self, id: &str) -> StoreResult<Option<DeskConversationRecord>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM desk_conversations WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskConversationRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// A contact's conversations, most recent first.
    pub async fn desk_conversations_of_contact(
        &self,
        contact_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<DeskConversationRecord>> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM desk_conversations WHERE contact_id = $1 \
             ORDER BY last_message_at DESC, id DESC LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskConversationRecord>(&sql)
            .bind(contact_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// A conversation's messages, oldest first, after `(created_at, id)` when given.
    pub async fn desk_messages(
        &self,
        conversation_id: &str,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<DeskMessageRecord>> {
        let (after_at, after_id) = after.unzip();
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskMessageRecord>(
            "SELECT id, conversation_id, sender_kind, sender_id, body, created_at \
             FROM desk_messages WHERE conversation_id = $1 \
             AND ($2 IS NULL OR created_at > $2 OR (created_at = $2 AND id > $3)) \
             ORDER BY created_at, id LIMIT $4",
        )
        .bind(conversation_id)
        .bind(after_at)
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?,
        )
    }
}
