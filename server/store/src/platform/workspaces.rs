//! Workspaces: the owners of apps, members and contacts, with their settings.

use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkspaceRecord {
    pub id: String,
    pub name: String,
    /// Days of audit log kept: 30, 90 or 365.
    pub audit_retention_days: i64,
    /// The origins that may boot the widget of apps with no list of their own.
    #[sqlx(json(nullable))]
    pub allowed_origins: Option<Vec<String>>,
    /// An IANA timezone name, for reports and office hours.
    pub timezone: String,
    /// `None`: the default lifetime.
    pub widget_session_lifetime_ms: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WorkspaceRecord {
    /// A new workspace with the default settings: no allowed origins, UTC, default lifetime.
    pub fn new(id: String, name: String, audit_retention_days: i64, now: i64) -> WorkspaceRecord {
        WorkspaceRecord {
            id,
            name,
            audit_retention_days,
            allowed_origins: None,
            timezone: "UTC".to_owned(),
            widget_session_lifetime_ms: None,
            created_at: now,
            updated_at: now,
        }
    }
}

const WORKSPACE_COLUMNS: &str = "id, name, audit_retention_days, allowed_origins, timezone, \
    widget_session_lifetime_ms, created_at, updated_at";

const INSERT_WORKSPACE: &str = "INSERT INTO workspaces (id, name, audit_retention_days, \
    allowed_origins, timezone, widget_session_lifetime_ms, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

macro_rules! bind_workspace {
    ($query:expr, $workspace:expr) => {
        $query
            .bind(&$workspace.id)
            .bind(&$workspace.name)
            .bind($workspace.audit_retention_days)
            .bind($workspace.allowed_origins.as_ref().map(Json))
            .bind(&$workspace.timezone)
            .bind($workspace.widget_session_lifetime_ms)
            .bind($workspace.created_at)
            .bind($workspace.updated_at)
    };
}

impl Store {
    pub async fn insert_workspace(&self, workspace: &WorkspaceRecord) -> StoreResult<()> {
        on_pool!(self, pool => bind_workspace!(sqlx::query(INSERT_WORKSPACE), workspace)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Inserts a workspace and its first owner in one transaction.
    pub async fn insert_workspace_with_owner(
        &self,
        workspace: &WorkspaceRecord,
        owner_id: &str,
    ) -> StoreResult<()> {
        crate::in_write_transaction!(self, tx => {
            bind_workspace!(sqlx::query(INSERT_WORKSPACE), workspace)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) \
                 VALUES ($1, $2, 'owner', $3)",
            )
            .bind(&workspace.id)
            .bind(owner_id)
            .bind(workspace.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// All workspaces, oldest first.
    pub async fn list_workspaces(&self) -> StoreResult<Vec<WorkspaceRecord>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY created_at, id");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, WorkspaceRecord>(&sql)
        .fetch_all(pool)
        .await)?,
        )
    }

    pub async fn workspace_by_id(&self, id: &str) -> StoreResult<Option<WorkspaceRecord>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, WorkspaceRecord>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?,
        )
    }

    /// Writes a workspace's name and settings (not its audit retention).
    pub async fn update_workspace_settings(&self, workspace: &WorkspaceRecord) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE workspaces SET name = $2, allowed_origins = $3, timezone = $4, \
             widget_session_lifetime_ms = $5, updated_at = $6 WHERE id = $1",
        )
        .bind(&workspace.id)
        .bind(&workspace.name)
        .bind(workspace.allowed_origins.as_ref().map(Json))
        .bind(&workspace.timezone)
        .bind(workspace.widget_session_lifetime_ms)
        .bind(workspace.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
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
