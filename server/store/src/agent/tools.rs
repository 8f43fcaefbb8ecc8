//! Registered tools and their executions.

use serde_json::{Map, Value};
use sqlx::types::Json;

use crate::{Store, StoreError, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ToolRecord {
    pub id: String,
    pub app_id: String,
    pub name: String,
    pub description: String,
    pub parameters_schema: String,
    pub endpoint: String,
    pub http_method: String,
    #[sqlx(json(nullable))]
    pub headers: Option<Map<String, Value>>,
    pub timeout_ms: i64,
    pub requires_confirmation: bool,
    pub requires_auth: bool,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const TOOL_COLUMNS: &str = "id, app_id, name, description, parameters_schema, endpoint, \
    http_method, headers, timeout_ms, requires_confirmation, requires_auth, is_active, \
    created_at, updated_at";

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ToolExecutionRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub tool_name: String,
    #[sqlx(json)]
    pub parameters: Value,
    #[sqlx(json)]
    pub result: Value,
    pub status: String,
    pub http_status: Option<i64>,
    pub executed_at: i64,
    pub duration_ms: i64,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
}

const EXECUTION_COLUMNS: &str = "id, app_id, session_id, tool_name, parameters, result, status, \
    http_status, executed_at, duration_ms, trace_id, span_id";

/// Which executions a listing returns; times are on `executed_at`.
#[derive(Clone, Debug, Default)]
pub struct ExecutionFilter {
    pub session_id: Option<String>,
    pub tool_name: Option<String>,
    pub status: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Store {
    /// Inserts the tool, or replaces every field of the app's tool of that name (keeping its
    /// id and creation time). Returns the stored row.
    pub async fn upsert_tool(&self, tool: &ToolRecord) -> StoreResult<ToolRecord> {
        let sql = format!(
            "INSERT INTO tools ({TOOL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14) ON CONFLICT (app_id, name) DO UPDATE SET \
             description = excluded.description, parameters_schema = excluded.parameters_schema, \
             endpoint = excluded.endpoint, http_method = excluded.http_method, \
             headers = excluded.headers, timeout_ms = excluded.timeout_ms, \
             requires_confirmation = excluded.requires_confirmation, \
             requires_auth = excluded.requires_auth, is_active = excluded.is_active, \
             updated_at = excluded.updated_at RETURNING {TOOL_COLUMNS}"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, ToolRecord>(&sql)
            .bind(&tool.id)
            .bind(&tool.app_id)
            .bind(&tool.name)
            .bind(&tool.description)
            .bind(&tool.parameters_schema)
            .bind(&tool.endpoint)
            .bind(&tool.http_method)
            .bind(tool.headers.as_ref().map(Json))
            .bind(tool.timeout_ms)
            .bind(tool.requires_confirmation)
            .bind(tool.requires_auth)
            .bind(tool.is_active)
            .bind(tool.created_at)
            .bind(tool.updated_at)
            .fetch_one(pool)
            .await)?)
    }

    pub async fn tool(&self, app_id: &str, name: &str) -> StoreResult<Option<ToolRecord>> {
        let sql = format!("SELECT {TOOL_COLUMNS} FROM tools WHERE app_id = $1 AND name = $2");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, ToolRecord>(&sql)
            .bind(app_id)
            .bind(name)
            .fetch_optional(pool)
            .await)?)
    }

    /// The app's tools by name, optionally only the active ones.
    pub async fn list_tools(
        &self,
        app_id: &str,
        active_only: bool,
    ) -> StoreResult<Vec<ToolRecord>> {
        let sql = format!(
            "SELECT {TOOL_COLUMNS} FROM tools WHERE app_id = $1 AND (is_active OR NOT $2) \
             ORDER BY name"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, ToolRecord>(&sql)
            .bind(app_id)
            .bind(active_only)
            .fetch_all(pool)
            .await)?)
    }

    /// Every tool with headers, of every app: what start-up reseals.
    pub async fn tools_with_headers(&self) -> StoreResult<Vec<ToolRecord>> {
        let sql = format!("SELECT {TOOL_COLUMNS} FROM tools WHERE headers IS NOT NULL ORDER BY id");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, ToolRecord>(&sql)
            .fetch_all(pool)
            .await)?)
    }

    /// Replaces a tool's stored headers unless the tool changed since `updated_at`; answers
    /// whether it did.
    pub async fn replace_tool_headers_if(
        &self,
        tool_id: &str,
        updated_at: i64,
        headers: &Map<String, Value>,
    ) -> StoreResult<bool> {
        let result = on_pool!(self, pool => sqlx::query(
            "UPDATE tools SET headers = $3 WHERE id = $1 AND updated_at = $2",
        )
        .bind(tool_id)
        .bind(updated_at)
        .bind(Json(headers))
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(result == 1)
    }

    pub async fn delete_tool(&self, app_id: &str, name: &str) -> StoreResult<()> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM tools WHERE app_id = $1 AND name = $2",
        )
        .bind(app_id)
        .bind(name)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn insert_tool_execution(&self, execution: &ToolExecutionRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO tool_executions ({EXECUTION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&execution.id)
            .bind(&execution.app_id)
            .bind(&execution.session_id)
            .bind(&execution.tool_name)
            .bind(Json(&execution.parameters))
            .bind(Json(&execution.result))
            .bind(&execution.status)
            .bind(execution.http_status)
            .bind(execution.executed_at)
            .bind(execution.duration_ms)
            .bind(&execution.trace_id)
            .bind(&execution.span_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// An app's executions, newest first, after the cursor.
    pub async fn list_tool_executions(
        &self,
        app_id: &str,
        filter: &ExecutionFilter,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<ToolExecutionRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM tool_executions WHERE app_id = $1 \
             AND ($2 IS NULL OR session_id = $2) AND ($3 IS NULL OR tool_name = $3) \
             AND ($4 IS NULL OR status = $4) AND executed_at >= $5 AND executed_at < $6 \
             AND (executed_at < $7 OR (executed_at = $7 AND id < $8)) \
             ORDER BY executed_at DESC, id DESC LIMIT $9"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ToolExecutionRecord>(&sql)
            .bind(app_id)
            .bind(&filter.session_id)
            .bind(&filter.tool_name)
            .bind(&filter.status)
            .bind(filter.since.unwrap_or(i64::MIN))
            .bind(filter.until.unwrap_or(i64::MAX))
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}
