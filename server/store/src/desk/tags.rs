//! Tags and the conversations that carry them.

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TagRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// The name in lowercase: unique in the workspace.
    pub name_key: String,
    pub color: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A tag with how many conversations carry it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TagUsage {
    #[sqlx(flatten)]
    pub tag: TagRecord,
    pub conversation_count: i64,
}

/// A tag on a conversation.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AppliedTag {
    pub conversation_id: String,
    pub tag_id: String,
    pub name: String,
    pub color: String,
    pub applied_by: Option<String>,
    pub created_at: i64,
}

const TAG_COLUMNS: &str = "id, workspace_id, name, name_key, color, created_at, updated_at";

impl Store {
    /// Inserts a tag; a name already used in the workspace (any case) is `UniqueViolation`.
    pub async fn insert_tag(&self, tag: &TagRecord) -> StoreResult<()> {
        let sql =
            format!("INSERT INTO desk_tags ({TAG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&tag.id)
            .bind(&tag.workspace_id)
            .bind(&tag.name)
            .bind(&tag.name_key)
            .bind(&tag.color)
            .bind(tag.created_at)
            .bind(tag.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Renames or recolours a tag; a name already used is `UniqueViolation`.
    pub async fn update_tag(&self, tag: &TagRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE desk_tags SET name = $2, name_key = $3, color = $4, updated_at = $5 \
             WHERE id = $1",
        )
        .bind(&tag.id)
        .bind(&tag.name)
        .bind(&tag.name_key)
        .bind(&tag.color)
        .bind(tag.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Deletes a tag and takes it off every conversation, in one transaction.
    pub async fn delete_tag(&self, id: &str) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            sqlx::query("DELETE FROM desk_conversation_tags WHERE tag_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM desk_tags WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn tag(&self, id: &str) -> StoreResult<Option<TagRecord>> {
        let sql = format!("SELECT {TAG_COLUMNS} FROM desk_tags WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, TagRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// A workspace's tags by name, with their use.
    pub async fn tags_of_workspace(&self, workspace_id: &str) -> StoreResult<Vec<TagUsage>> {
        let sql = format!(
            "SELECT {}, (SELECT COUNT(*) FROM desk_conversation_tags ct WHERE ct.tag_id = t.id) \
             AS conversation_count FROM desk_tags t WHERE t.workspace_id = $1 \
             ORDER BY t.name_key, t.id",
            crate::qualified(TAG_COLUMNS, "t")
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, TagUsage>(&sql)
            .bind(workspace_id)
            .fetch_all(pool)
            .await)?)
    }

    /// Puts a tag on a conversation; a second time changes nothing. Answers whether it was new.
    pub async fn attach_tag(
        &self,
        conversation_id: &str,
        tag_id: &str,
        applied_by: Option<&str>,
        at: i64,
    ) -> StoreResult<bool> {
        let inserted = on_pool!(self, pool => sqlx::query(
            "INSERT INTO desk_conversation_tags (conversation_id, tag_id, applied_by, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, tag_id) DO NOTHING",
        )
        .bind(conversation_id)
        .bind(tag_id)
        .bind(applied_by)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(inserted > 0)
    }

    /// Takes a tag off a conversation. Answers whether it was on.
    pub async fn detach_tag(&self, conversation_id: &str, tag_id: &str) -> StoreResult<bool> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM desk_conversation_tags WHERE conversation_id = $1 AND tag_id = $2",
        )
        .bind(conversation_id)
        .bind(tag_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// The tags of these conversations, by name.
    pub async fn tags_of_conversations(
        &self,
        conversation_ids: &[String],
    ) -> StoreResult<Vec<AppliedTag>> {
        if conversation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=conversation_ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT ct.conversation_id, ct.tag_id, t.name, t.color, ct.applied_by, ct.created_at \
             FROM desk_conversation_tags ct JOIN desk_tags t ON t.id = ct.tag_id \
             WHERE ct.conversation_id IN ({placeholders}) ORDER BY t.name_key, t.id"
        );
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_as::<_, AppliedTag>(&sql);
            for id in conversation_ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await
        })?)
    }
}
