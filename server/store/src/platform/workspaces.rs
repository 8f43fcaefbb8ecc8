//! Workspaces: the owners of apps.

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkspaceRecord {
    pub id: String,
    pub name: String,
    /// Days of audit log kept: 30, 90 or 365.
    pub audit_retention_days: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Store {
    pub async fn insert_workspace(&self, workspace: &WorkspaceRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO workspaces (id, name, audit_retention_days, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&workspace.id)
        .bind(&workspace.name)
        .bind(workspace.audit_retention_days)
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
            "SELECT id, name, audit_retention_days, created_at, updated_at FROM workspaces \
             ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await)?)
    }

    pub async fn workspace_by_id(&self, id: &str) -> StoreResult<Option<WorkspaceRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, WorkspaceRecord>(
            "SELECT id, name, audit_retention_days, created_at, updated_at FROM workspaces \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    pub async fn set_audit_retention(&self, id: &str, days: i64, now: i64) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE workspaces SET audit_retention_days = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(days)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }
}
