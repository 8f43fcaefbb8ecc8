//! The audit log of administrative actions.

use serde_json::Value;
use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: String,
    pub workspace_id: Option<String>,
    pub app_id: Option<String>,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    #[sqlx(json(nullable))]
    pub details: Option<Value>,
    pub source_ip: Option<String>,
    pub created_at: i64,
}

const AUDIT_COLUMNS: &str = "id, workspace_id, app_id, actor_type, actor_id, actor_label, action, \
    target_type, target_id, details, source_ip, created_at";

impl Store {
    pub async fn insert_audit(&self, entry: &AuditRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO audit_log ({AUDIT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&entry.id)
            .bind(&entry.workspace_id)
            .bind(&entry.app_id)
            .bind(&entry.actor_type)
            .bind(&entry.actor_id)
            .bind(&entry.actor_label)
            .bind(&entry.action)
            .bind(&entry.target_type)
            .bind(&entry.target_id)
            .bind(entry.details.as_ref().map(Json))
            .bind(&entry.source_ip)
            .bind(entry.created_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A workspace's entries, newest first, strictly older than `before` (a cursor of
    /// `created_at`, `id`), at most `limit`.
    pub async fn list_audit(
        &self,
        workspace_id: &str,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE workspace_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, AuditRecord>(&sql)
            .bind(workspace_id)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Deletes each workspace's entries older than its retention. Returns how many.
    pub async fn purge_audit(&self, now: i64) -> StoreResult<u64> {
        Ok(on_pool!(self, pool => sqlx::query(
            // Entries outside any workspace (instance-level) keep the default 90 days.
            "DELETE FROM audit_log WHERE created_at < $1 - COALESCE(( \
               SELECT w.audit_retention_days FROM workspaces w \
               WHERE w.id = audit_log.workspace_id), 90) * 86400000",
        )
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
