//! Desk conversations and their messages.

use std::sync::LazyLock;

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
    /// The member it is assigned to.
    pub assignee_id: Option<String>,
    /// When a snoozed conversation opens again.
    pub snoozed_until: Option<i64>,
    /// The first reply the visitor could see, from a member or the AI.
    pub first_response_at: Option<i64>,
    /// When it was last closed.
    pub resolved_at: Option<i64>,
    /// When the contact last read it in the widget.
    pub contact_read_at: Option<i64>,
    /// For a voice handoff: its priority, the handoff and the call's session id.
    pub priority: Option<String>,
    pub handoff_id: Option<String>,
    pub call_session_id: Option<String>,
    /// The AI handed it to a human, who has not replied yet.
    pub needs_human: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A conversation in a member's inbox: its contact, and what the member has not read.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxRow {
    #[sqlx(flatten)]
    pub conversation: DeskConversationRecord,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// The visitor's messages after the member last read the conversation.
    pub unread: i64,
}

/// Which conversations of a workspace an inbox lists, most recent first.
#[derive(Clone, Debug, Default)]
pub struct InboxFilter<'a> {
    pub workspace_id: &'a str,
    /// Whose unread counts to give.
    pub reader_id: &'a str,
    pub status: Option<&'a str>,
    pub channel: Option<&'a str>,
    /// `Some(None)`: unassigned only; `Some(Some(id))`: assigned to `id`.
    pub assignee: Option<Option<&'a str>>,
    /// Only conversations carrying this tag.
    pub tag: Option<&'a str>,
    /// Only conversations the AI handed to a human who has not replied yet.
    pub needs_human: bool,
    pub after: Option<(i64, &'a str)>,
    pub limit: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeskMessageRecord {
    pub id: String,
    pub conversation_id: String,
    /// `visitor`, `agent` or `bot`.
    pub sender_kind: String,
    pub sender_id: Option<String>,
    pub body: String,
    /// A note for members, never shown to the visitor.
    pub internal: bool,
    pub created_at: i64,
}

const CONVERSATION_COLUMNS: &str = "id, workspace_id, app_id, contact_id, status, channel, \
    message_count, last_message_at, assignee_id, snoozed_until, first_response_at, \
    resolved_at, contact_read_at, priority, handoff_id, call_session_id, needs_human, created_at, \
    updated_at";

const MESSAGE_COLUMNS: &str =
    "id, conversation_id, sender_kind, sender_id, body, internal, created_at";

pub(crate) const INSERT_MESSAGE: &str = "INSERT INTO desk_messages (id, conversation_id, sender_kind, \
    sender_id, body, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Counts a new message on its conversation (see [`Store::insert_desk_message`]).
pub(crate) const COUNT_MESSAGE: &str = "UPDATE desk_conversations SET \
    message_count = message_count + 1, last_message_at = $2, updated_at = $2, \
    status = CASE WHEN $3 = 'visitor' THEN 'open' ELSE status END, \
    snoozed_until = CASE WHEN $3 = 'visitor' THEN NULL ELSE snoozed_until END, \
    first_response_at = CASE WHEN $3 <> 'visitor' AND NOT $4 \
        THEN COALESCE(first_response_at, $2) ELSE first_response_at END, \
    needs_human = CASE WHEN $3 = 'agent' AND NOT $4 THEN FALSE ELSE needs_human END \
    WHERE id = $1";

macro_rules! bind_message {
    ($query:expr, $message:expr) => {
        $query
            .bind(&$message.id)
            .bind(&$message.conversation_id)
            .bind(&$message.sender_kind)
            .bind(&$message.sender_id)
            .bind(&$message.body)
            .bind($message.internal)
            .bind($message.created_at)
    };
}
pub(crate) use bind_message;

impl Store {
    /// Inserts a conversation with its first message if it has one, in one transaction. A
    /// second conversation of one handoff is `UniqueViolation`.
    pub async fn insert_desk_conversation(
        &self,
        conversation: &DeskConversationRecord,
        first: Option<&DeskMessageRecord>,
    ) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_conversations ({CONVERSATION_COLUMNS}) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
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
                .bind(&conversation.assignee_id)
                .bind(conversation.snoozed_until)
                .bind(conversation.first_response_at)
                .bind(conversation.resolved_at)
                .bind(conversation.contact_read_at)
                .bind(&conversation.priority)
                .bind(&conversation.handoff_id)
                .bind(&conversation.call_session_id)
                .bind(conversation.needs_human)
                .bind(conversation.created_at)
                .bind(conversation.updated_at)
                .execute(&mut *tx)
                .await?;
            if let Some(first) = first {
                bind_message!(sqlx::query(INSERT_MESSAGE), first)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds a message and counts it on its conversation, in one transaction. A visitor's
    /// message reopens a closed or snoozed conversation; the first reply the visitor can see
    /// sets `first_response_at`.
    /// A member's reply clears `needs_human`.
    pub async fn insert_desk_message(&self, message: &DeskMessageRecord) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            bind_message!(sqlx::query(INSERT_MESSAGE), message)
                .execute(&mut *tx)
                .await?;
            sqlx::query(COUNT_MESSAGE)
            .bind(&message.conversation_id)
            .bind(message.created_at)
            .bind(&message.sender_kind)
            .bind(message.internal)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes a conversation's state (status, assignee, snooze, resolution) if it is still as
    /// `before` left it (its `updated_at`). `false` when someone changed it meanwhile.
    pub async fn update_desk_conversation_state(
        &self,
        before: &DeskConversationRecord,
        after: &DeskConversationRecord,
    ) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE desk_conversations SET status = $3, assignee_id = $4, snoozed_until = $5, \
             resolved_at = $6, updated_at = $7 WHERE id = $1 AND updated_at = $2",
        )
        .bind(&before.id)
        .bind(before.updated_at)
        .bind(&after.status)
        .bind(&after.assignee_id)
        .bind(after.snoozed_until)
        .bind(after.resolved_at)
        .bind(after.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(updated > 0)
    }

    /// Opens the snoozed conversations whose time has come. Answers their ids.
    pub async fn wake_snoozed_conversations(&self, now: i64) -> StoreResult<Vec<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "UPDATE desk_conversations SET status = 'open', snoozed_until = NULL, updated_at = $1 \
             WHERE status = 'snoozed' AND snoozed_until <= $1 RETURNING id",
        )
        .bind(now)
        .fetch_all(pool)
        .await)?)
    }

    /// Records that a member read a conversation up to `at`.
    pub async fn mark_desk_conversation_read(
        &self,
        conversation_id: &str,
        user_id: &str,
        at: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO desk_conversation_reads (conversation_id, user_id, read_at) \
             VALUES ($1, $2, $3) ON CONFLICT (conversation_id, user_id) \
             DO UPDATE SET read_at = excluded.read_at",
        )
        .bind(conversation_id)
        .bind(user_id)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Records that the contact read a conversation up to `at`.
    pub async fn mark_desk_conversation_read_by_contact(
        &self,
        conversation_id: &str,
        at: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE desk_conversations SET contact_read_at = $2 WHERE id = $1",
        )
        .bind(conversation_id)
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Replies a contact has not read: members' and the system's messages (never internal
    /// notes) after the contact last read each conversation.
    pub async fn contact_unread(&self, contact_id: &str) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM desk_messages m \
             JOIN desk_conversations c ON c.id = m.conversation_id \
             WHERE c.contact_id = $1 AND m.sender_kind <> 'visitor' AND NOT m.internal \
             AND m.created_at > COALESCE(c.contact_read_at, 0)",
        )
        .bind(contact_id)
        .fetch_one(pool)
        .await)?)
    }

    /// One page of a workspace's inbox, most recent first, with the reader's unread counts.
    pub async fn list_inbox(&self, filter: &InboxFilter<'_>) -> StoreResult<Vec<InboxRow>> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {}, k.name AS contact_name, k.email AS contact_email, \
                 (SELECT COUNT(*) FROM desk_messages m WHERE m.conversation_id = c.id \
                  AND m.sender_kind = 'visitor' AND m.created_at > COALESCE(r.read_at, 0)) \
                  AS unread \
                 FROM desk_conversations c JOIN desk_contacts k ON k.id = c.contact_id \
                 LEFT JOIN desk_conversation_reads r \
                   ON r.conversation_id = c.id AND r.user_id = $2 \
                 WHERE c.workspace_id = $1 \
                 AND ($3 IS NULL OR c.status = $3) \
                 AND ($4 IS NULL OR c.channel = $4) \
                 AND (NOT $5 OR ($6 IS NULL AND c.assignee_id IS NULL) OR c.assignee_id = $6) \
                 AND ($7 IS NULL OR c.last_message_at < $7 \
                      OR (c.last_message_at = $7 AND c.id < $8)) \
                 AND ($10 IS NULL OR EXISTS (SELECT 1 FROM desk_conversation_tags ct \
                      WHERE ct.conversation_id = c.id AND ct.tag_id = $10)) \
                 AND (NOT $11 OR c.needs_human) \
                 ORDER BY c.last_message_at DESC, c.id DESC LIMIT $9",
                crate::qualified(CONVERSATION_COLUMNS, "c")
            )
        });
        let (after_at, after_id) = filter.after.unzip();
        let (by_assignee, assignee) = match filter.assignee {
            None => (false, None),
            Some(assignee) => (true, assignee),
        };
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, InboxRow>(SQL.as_str())
            .bind(filter.workspace_id)
            .bind(filter.reader_id)
            .bind(filter.status)
            .bind(filter.channel)
            .bind(by_assignee)
            .bind(assignee)
            .bind(after_at)
            .bind(after_id)
            .bind(filter.limit)
            .bind(filter.tag)
            .bind(filter.needs_human)
            .fetch_all(pool)
            .await)?,
        )
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

    /// The contact's most recent conversation that is not closed, of `channel` when given.
    pub async fn unclosed_conversation_of_contact(
        &self,
        contact_id: &str,
        channel: Option<&str>,
    ) -> StoreResult<Option<DeskConversationRecord>> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM desk_conversations WHERE contact_id = $1 \
             AND status <> 'closed' AND ($2 IS NULL OR channel = $2) \
             ORDER BY last_message_at DESC, id DESC LIMIT 1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskConversationRecord>(&sql)
            .bind(contact_id)
            .bind(channel)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The conversation a handoff opened.
    pub async fn desk_conversation_of_handoff(
        &self,
        handoff_id: &str,
    ) -> StoreResult<Option<DeskConversationRecord>> {
        let sql =
            format!("SELECT {CONVERSATION_COLUMNS} FROM desk_conversations WHERE handoff_id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskConversationRecord>(&sql)
            .bind(handoff_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Hands a call off into an existing conversation: it names the handoff and the call,
    /// takes its priority, is open again, and gets `note`, in one transaction.
    pub async fn attach_handoff(
        &self,
        conversation: &DeskConversationRecord,
        note: &DeskMessageRecord,
    ) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            sqlx::query(
                "UPDATE desk_conversations SET handoff_id = $2, call_session_id = $3, \
                 priority = $4, channel = $5, status = 'open', snoozed_until = NULL, \
                 message_count = message_count + 1, last_message_at = $6, updated_at = $6 \
                 WHERE id = $1",
            )
            .bind(&conversation.id)
            .bind(&conversation.handoff_id)
            .bind(&conversation.call_session_id)
            .bind(&conversation.priority)
            .bind(&conversation.channel)
            .bind(note.created_at)
            .execute(&mut *tx)
            .await?;
            bind_message!(sqlx::query(INSERT_MESSAGE), note)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
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

    pub async fn desk_message(&self, id: &str) -> StoreResult<Option<DeskMessageRecord>> {
        static SQL: LazyLock<String> =
            LazyLock::new(|| format!("SELECT {MESSAGE_COLUMNS} FROM desk_messages WHERE id = $1"));
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskMessageRecord>(SQL.as_str())
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// A conversation's messages, oldest first, after `(created_at, id)` when given; internal
    /// notes only when `with_internal`.
    pub async fn desk_messages(
        &self,
        conversation_id: &str,
        after: Option<(i64, &str)>,
        limit: i64,
        with_internal: bool,
    ) -> StoreResult<Vec<DeskMessageRecord>> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "SELECT {MESSAGE_COLUMNS} FROM desk_messages WHERE conversation_id = $1 \
                 AND ($2 IS NULL OR created_at > $2 OR (created_at = $2 AND id > $3)) \
                 AND ($5 OR NOT internal) \
                 ORDER BY created_at, id LIMIT $4"
            )
        });
        let (after_at, after_id) = after.unzip();
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DeskMessageRecord>(SQL.as_str())
            .bind(conversation_id)
            .bind(after_at)
            .bind(after_id)
            .bind(limit)
            .bind(with_internal)
            .fetch_all(pool)
            .await)?,
        )
    }
}
