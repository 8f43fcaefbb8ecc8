//! Tickets, their comments, and ticket forms.

use serde_json::{Map, Value};
use sqlx::types::Json;

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketRecord {
    pub id: String,
    pub workspace_id: String,
    pub contact_id: Option<String>,
    /// The conversation it was converted from; one ticket per conversation.
    pub conversation_id: Option<String>,
    pub subject: String,
    pub description: Option<String>,
    pub status: String,
    pub priority: String,
    pub assignee_id: Option<String>,
    pub form_id: Option<String>,
    #[sqlx(json(nullable))]
    pub form_data: Option<Map<String, Value>>,
    pub resolution_summary: Option<String>,
    pub resolved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TicketCommentRecord {
    pub id: String,
    pub ticket_id: String,
    /// `visitor`, `agent` or `bot`.
    pub author_kind: String,
    pub author_id: Option<String>,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketFormRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: Option<String>,
    /// The fields, as the model's JSON.
    #[sqlx(json)]
    pub fields: Value,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which tickets of a workspace to list, newest first.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter<'a> {
    pub workspace_id: &'a str,
    pub status: Option<&'a str>,
    /// `Some(None)`: unassigned only; `Some(Some(id))`: assigned to `id`.
    pub assignee: Option<Option<&'a str>>,
    pub after: Option<(i64, &'a str)>,
    pub limit: i64,
}

const TICKET_COLUMNS: &str = "id, workspace_id, contact_id, conversation_id, subject, \
    description, status, priority, assignee_id, form_id, form_data, resolution_summary, \
    resolved_at, created_at, updated_at";

const COMMENT_COLUMNS: &str = "id, ticket_id, author_kind, author_id, body, internal, created_at";

const FORM_COLUMNS: &str = "id, workspace_id, name, description, fields, created_at, updated_at";

const INSERT_COMMENT: &str = "INSERT INTO desk_ticket_comments (id, ticket_id, author_kind, \
    author_id, body, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

macro_rules! bind_comment {
    ($query:expr, $comment:expr) => {
        $query
            .bind(&$comment.id)
            .bind(&$comment.ticket_id)
            .bind(&$comment.author_kind)
            .bind(&$comment.author_id)
            .bind(&$comment.body)
            .bind($comment.internal)
            .bind($comment.created_at)
    };
}

impl Store {
    /// Inserts a ticket; a second ticket of one conversation is `UniqueViolation`.
    pub async fn insert_ticket(&self, ticket: &TicketRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_tickets ({TICKET_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&ticket.id)
            .bind(&ticket.workspace_id)
            .bind(&ticket.contact_id)
            .bind(&ticket.conversation_id)
            .bind(&ticket.subject)
            .bind(&ticket.description)
            .bind(&ticket.status)
            .bind(&ticket.priority)
            .bind(&ticket.assignee_id)
            .bind(&ticket.form_id)
            .bind(ticket.form_data.as_ref().map(Json))
            .bind(&ticket.resolution_summary)
            .bind(ticket.resolved_at)
            .bind(ticket.created_at)
            .bind(ticket.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Writes a ticket's workflow fields if it is still as `before` left it (its `updated_at`),
    /// with an optional comment, in one transaction. `false` when someone changed it meanwhile.
    pub async fn update_ticket_if(
        &self,
        before: &TicketRecord,
        after: &TicketRecord,
        comment: Option<&TicketCommentRecord>,
    ) -> StoreResult<bool> {
        in_write_transaction!(self, tx => {
            let updated = sqlx::query(
                "UPDATE desk_tickets SET status = $3, priority = $4, assignee_id = $5, \
                 resolution_summary = $6, resolved_at = $7, updated_at = $8 \
                 WHERE id = $1 AND updated_at = $2",
            )
            .bind(&before.id)
            .bind(before.updated_at)
            .bind(&after.status)
            .bind(&after.priority)
            .bind(&after.assignee_id)
            .bind(&after.resolution_summary)
            .bind(after.resolved_at)
            .bind(after.updated_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok(false);
            }
            if let Some(comment) = comment {
                bind_comment!(sqlx::query(INSERT_COMMENT), comment)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(true)
    }

    pub async fn ticket(&self, id: &str) -> StoreResult<Option<TicketRecord>> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM desk_tickets WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The ticket a conversation was converted to.
    pub async fn ticket_of_conversation(
        &self,
        conversation_id: &str,
    ) -> StoreResult<Option<TicketRecord>> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM desk_tickets WHERE conversation_id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketRecord>(&sql)
            .bind(conversation_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// One page of a workspace's tickets, newest first.
    pub async fn list_tickets(&self, filter: &TicketFilter<'_>) -> StoreResult<Vec<TicketRecord>> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM desk_tickets WHERE workspace_id = $1 \
             AND ($2 IS NULL OR status = $2) \
             AND (NOT $3 OR ($4 IS NULL AND assignee_id IS NULL) OR assignee_id = $4) \
             AND ($5 IS NULL OR created_at < $5 OR (created_at = $5 AND id < $6)) \
             ORDER BY created_at DESC, id DESC LIMIT $7"
        );
        let (after_at, after_id) = filter.after.unzip();
        let (by_assignee, assignee) = match filter.assignee {
            None => (false, None),
            Some(assignee) => (true, assignee),
        };
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketRecord>(&sql)
            .bind(filter.workspace_id)
            .bind(filter.status)
            .bind(by_assignee)
            .bind(assignee)
            .bind(after_at)
            .bind(after_id)
            .bind(filter.limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// A contact's tickets, newest first.
    pub async fn tickets_of_contact(
        &self,
        contact_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<TicketRecord>> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM desk_tickets WHERE contact_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketRecord>(&sql)
            .bind(contact_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Adds a comment; a visitor's comment on a ticket waiting on them puts it back in
    /// progress, in the same transaction.
    pub async fn insert_ticket_comment(&self, comment: &TicketCommentRecord) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            bind_comment!(sqlx::query(INSERT_COMMENT), comment)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE desk_tickets SET updated_at = $2, \
                 status = CASE WHEN $3 = 'visitor' AND status = 'waiting_on_customer' \
                     THEN 'in_progress' ELSE status END \
                 WHERE id = $1",
            )
            .bind(&comment.ticket_id)
            .bind(comment.created_at)
            .bind(&comment.author_kind)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A ticket's comments, oldest first; internal ones only when `with_internal`.
    pub async fn ticket_comments(
        &self,
        ticket_id: &str,
        with_internal: bool,
    ) -> StoreResult<Vec<TicketCommentRecord>> {
        let sql = format!(
            "SELECT {COMMENT_COLUMNS} FROM desk_ticket_comments WHERE ticket_id = $1 \
             AND ($2 OR NOT internal) ORDER BY created_at, id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketCommentRecord>(&sql)
            .bind(ticket_id)
            .bind(with_internal)
            .fetch_all(pool)
            .await)?,
        )
    }

    pub async fn insert_ticket_form(&self, form: &TicketFormRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_ticket_forms ({FORM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&form.id)
            .bind(&form.workspace_id)
            .bind(&form.name)
            .bind(&form.description)
            .bind(Json(&form.fields))
            .bind(form.created_at)
            .bind(form.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn ticket_form(&self, id: &str) -> StoreResult<Option<TicketFormRecord>> {
        let sql = format!("SELECT {FORM_COLUMNS} FROM desk_ticket_forms WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketFormRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn ticket_forms_of_workspace(
        &self,
        workspace_id: &str,
    ) -> StoreResult<Vec<TicketFormRecord>> {
        let sql = format!(
            "SELECT {FORM_COLUMNS} FROM desk_ticket_forms WHERE workspace_id = $1 \
             ORDER BY LOWER(name), id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, TicketFormRecord>(&sql)
            .bind(workspace_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Deletes a form; its tickets keep their data and lose the link.
    pub async fn delete_ticket_form(&self, id: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM desk_ticket_forms WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
