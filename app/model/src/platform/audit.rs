//! Audit log entries as the API shows them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    pub workspace_id: Option<String>,
    pub app_id: Option<String>,
    /// `user`, `cli` or `system`.
    pub actor_type: String,
    pub actor_id: Option<String>,
    /// The user's email, or a description of a non-user actor.
    pub actor_label: String,
    /// e.g. `app.created`, `app.secret.rotated`, `auth.login`.
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub details: Option<Value>,
    pub source_ip: Option<String>,
    /// ms since the Unix epoch.
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` to get the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging of `GET /api/admin/workspaces/{id}/audit`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}
