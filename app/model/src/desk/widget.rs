//! The widget's API: booting a visitor's session, refreshing and revoking it, and what the
//! visitor may tell about themselves.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::contacts::{Contact, Device, Location};

/// `POST /api/widget/boot`. The origin comes from the `Origin` header, never from here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BootRequest {
    pub app_slug: String,
    /// A random id the widget keeps on the device (8–128 characters).
    pub device_id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub external_user_id: Option<String>,
    /// Hex HMAC-SHA256 of `externalUserId` under the app's identity secret.
    #[serde(default)]
    pub user_hash: Option<String>,
    #[serde(default)]
    pub device: Option<Device>,
    #[serde(default)]
    pub location: Option<Location>,
}

/// A new widget session for its contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BootResponse {
    pub contact: Contact,
    /// `wst_` and 64 hex characters; present it as `Authorization: Bearer …`.
    pub session_token: String,
    pub expires_at: i64,
    /// When the visitor must boot again, however often the token is refreshed.
    pub refresh_until: i64,
}

/// A refreshed token; the old one no longer works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshResponse {
    pub session_token: String,
    pub expires_at: i64,
    pub refresh_until: i64,
}

/// `POST /api/widget/revoke`: the token in the body, or as the Bearer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RevokeRequest {
    #[serde(default)]
    pub session_token: Option<String>,
}

/// `POST /api/widget/identify`: what the visitor tells about themselves. Only a valid
/// `userHash` links them to an existing contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentifyRequest {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub external_user_id: Option<String>,
    #[serde(default)]
    pub user_hash: Option<String>,
    /// Merged into the contact's attributes: strings, numbers, booleans or null (removes).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub custom_attributes: Option<Map<String, Value>>,
}

/// `POST /api/widget/location`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationRequest {
    pub location: Location,
}

/// The visitor's own contact, as the widget shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactResponse {
    pub contact: Contact,
}
