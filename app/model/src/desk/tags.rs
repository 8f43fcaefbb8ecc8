//! Tags on support conversations.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Conversations that carry it.
    pub conversation_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `GET /api/desk/tags`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TagList {
    pub tags: Vec<Tag>,
}

/// `POST /api/desk/tags`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTag {
    /// Required when the user belongs to several workspaces.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// 1–50 characters, unique in the workspace in any case.
    pub name: String,
    /// `#rrggbb`; a grey when absent.
    #[serde(default)]
    pub color: Option<String>,
}

/// `PATCH /api/desk/tags/{id}`: only the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
}

/// `POST /api/desk/conversations/{id}/tags`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachTag {
    pub tag_id: String,
}

/// A tag as a conversation carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationTag {
    pub id: String,
    pub name: String,
    pub color: String,
    /// The member who applied it.
    pub applied_by: Option<String>,
    pub applied_at: i64,
}

/// A conversation's tags, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationTags {
    pub tags: Vec<ConversationTag>,
}
