//! Snippets: a workspace's saved replies.

use crate::desk::contacts::like_pattern;
use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SnippetRecord {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub content: String,
    /// Unique in the workspace.
    pub shortcut: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SNIPPET_COLUMNS: &str =
    "id, workspace_id, name, content, shortcut, created_by, created_at, updated_at";

impl Store {
    /// Inserts a snippet; a shortcut already used in the workspace is `UniqueViolation`.
    pub async fn insert_snippet(&self, snippet: &SnippetRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_snippets ({SNIPPET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&snippet.id)
            .bind(&snippet.workspace_id)
            .bind(&snippet.name)
            .bind(&snippet.content)
            .bind(&snippet.shortcut)
            .bind(&snippet.created_by)
            .bind(snippet.created_at)
            .bind(snippet.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Changes a snippet's name, content and shortcut; a shortcut already used is
    /// `UniqueViolation`.
    pub async fn update_snippet(&self, snippet: &SnippetRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE desk_snippets SET name = $2, content = $3, shortcut = $4, updated_at = $5 \
             WHERE id = $1",
        )
        .bind(&snippet.id)
        .bind(&snippet.name)
        .bind(&snippet.content)
        .bind(&snippet.shortcut)
        .bind(snippet.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_snippet(&self, id: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM desk_snippets WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn snippet(&self, id: &str) -> StoreResult<Option<SnippetRecord>> {
        let sql = format!("SELECT {SNIPPET_COLUMNS} FROM desk_snippets WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, SnippetRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// A workspace's snippets by name; with `search`, those whose name, content or shortcut
    /// contains it (any case). At most `limit`.
    pub async fn snippets_of_workspace(
        &self,
        workspace_id: &str,
        search: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<SnippetRecord>> {
        let sql = format!(
            "SELECT {SNIPPET_COLUMNS} FROM desk_snippets WHERE workspace_id = $1 \
             AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\' \
                  OR LOWER(content) LIKE $2 ESCAPE '\\' \
                  OR COALESCE(shortcut, '') LIKE $2 ESCAPE '\\') \
             ORDER BY LOWER(name), id LIMIT $3"
        );
        let pattern = search.map(like_pattern);
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, SnippetRecord>(&sql)
            .bind(workspace_id)
            .bind(&pattern)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    pub async fn snippet_by_shortcut(
        &self,
        workspace_id: &str,
        shortcut: &str,
    ) -> StoreResult<Option<SnippetRecord>> {
        let sql = format!(
            "SELECT {SNIPPET_COLUMNS} FROM desk_snippets WHERE workspace_id = $1 AND shortcut = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, SnippetRecord>(&sql)
            .bind(workspace_id)
            .bind(shortcut)
            .fetch_optional(pool)
            .await)?,
        )
    }
}
