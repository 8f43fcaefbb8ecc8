//! Snippets: saved replies, inserted in the reply box by typing `/` and their shortcut.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub content: String,
    /// Lowercase letters, digits, `-` and `_`; unique in the workspace.
    pub shortcut: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `GET /api/desk/snippets`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnippetQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
    /// Part of the name, content or shortcut, any case; at most 20 answers when given.
    pub search: Option<String>,
    /// Exactly this shortcut (with or without the leading `/`).
    pub shortcut: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnippetList {
    pub snippets: Vec<Snippet>,
}

/// `POST /api/desk/snippets`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateSnippet {
    /// Required when the user belongs to several workspaces.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// 1–100 characters.
    pub name: String,
    /// 1–5,000 characters.
    pub content: String,
    /// 1–32 lowercase letters, digits, `-` or `_` (a leading `/` is dropped).
    #[serde(default)]
    pub shortcut: Option<String>,
}

/// `PATCH /api/desk/snippets/{id}`: only the fields present change; `shortcut: null` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnippetPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub shortcut: Option<Option<String>>,
}
