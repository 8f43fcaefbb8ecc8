//! Workspaces: the owners of apps.

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkspaceRecord {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Store {
    pub async fn insert_workspace(&self, workspace: &WorkspaceRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO workspaces (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&workspace.id)
        .bind(&workspace.name)
        .bind(workspace.created_at)
        .bind(workspace.updated_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// All workspaces, oldest first.
    pub async fn list_workspaces(&self) -> StoreResult<Vec<WorkspaceRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, WorkspaceRecord>(
            "SELECT id, name, created_at, updated_at FROM workspaces ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await)?)
    }
}
