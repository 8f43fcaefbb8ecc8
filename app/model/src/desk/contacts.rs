//! Contacts (seed 001's visitors) as the dashboard and the widget see them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An end user of a workspace's site or app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub workspace_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub external_user_id: Option<String>,
    /// Whether a signed user hash proved `externalUserId`. Email and name are never proved.
    pub identity_verified: bool,
    pub identity_verified_at: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_attributes: Map<String, Value>,
    pub device: Option<Device>,
    pub location: Option<Location>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

/// What the widget reports of the visitor's device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Device {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// Where the visitor is, as the widget or the customer's server says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// `GET /api/desk/contacts`: search, filter and page through a workspace's contacts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
    /// Part of the email, name or external user id, any case.
    pub search: Option<String>,
    /// Only verified (`true`) or unverified (`false`) contacts.
    pub verified: Option<bool>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<i64>,
}

/// One page of contacts, most recently seen first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    /// Present when more contacts follow.
    pub next_cursor: Option<String>,
}

/// A contact with their history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    pub contact: Contact,
    /// Widget sessions still live.
    pub live_sessions: i64,
    /// Their latest conversations (up to 20), each with its first 100 messages.
    pub conversations: Vec<super::conversations::ConversationThread>,
    /// Their latest calls from the widget (up to 20), with CSAT.
    pub calls: Vec<ContactCall>,
}

/// A call the contact held from the widget, with the rating they gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactCall {
    pub room_name: String,
    /// The call's conversation (its session id).
    pub session_id: String,
    pub status: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// CSAT, 1–5, when they rated the call.
    pub csat_rating: Option<i64>,
    pub csat_comment: Option<String>,
}
