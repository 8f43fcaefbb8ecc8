//! Workspaces as their members see them: name and settings.

use serde::{Deserialize, Serialize};

use super::users::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// The origins that may boot the widget of apps with no list of their own.
    pub allowed_origins: Vec<String>,
    /// An IANA timezone name, e.g. `Europe/Lisbon`.
    pub timezone: String,
    /// How long a widget session token lives (1 h – 7 d).
    pub widget_session_lifetime_ms: i64,
    /// The caller's role here (`null` for the operator).
    pub role: Option<Role>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/admin/workspaces`: the caller becomes its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWorkspace {
    pub name: String,
}

/// `PATCH /api/admin/workspaces/{id}`: only the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkspacePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `null` restores the default (24 h).
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub widget_session_lifetime_ms: Option<Option<i64>>,
}

impl WorkspacePatch {
    /// The names of the fields this patch changes, as the API spells them.
    pub fn field_names(&self) -> Vec<String> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(fields)) => {
                fields.into_iter().map(|(name, _)| name).collect()
            }
            _ => Vec::new(),
        }
    }
}
