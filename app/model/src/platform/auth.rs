//! Session tokens and the identity of an API caller.

use serde::{Deserialize, Serialize};

/// Session token lifetime bounds, in ms.
pub const SESSION_TTL_DEFAULT_MS: i64 = 60 * 60 * 1_000;
pub const SESSION_TTL_MIN_MS: i64 = 60 * 1_000;
pub const SESSION_TTL_MAX_MS: i64 = 24 * 60 * 60 * 1_000;

/// `POST /api/auth/session`. Credentials travel beside these fields (see the API docs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateSessionRequest {
    /// Lifetime in ms: 60 000 to 86 400 000, default 3 600 000 (1 h).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 60_000, maximum = 86_400_000))]
    pub ttl_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionTokenResponse {
    pub session_token: String,
    /// ms since the Unix epoch.
    pub expires_at: i64,
}

/// `POST /api/auth/session/revoke`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RevokeSessionRequest {
    /// The token to revoke; a session-token caller may leave it out to revoke itself.
    #[serde(default)]
    pub session_token: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum AuthMethod {
    /// `appSlug` + `appSecret`: server to server, every operation of the app.
    AppSecret,
    /// A session token: browser-safe operations only.
    SessionToken,
    /// The credential the platform mints for one dispatched call: what the call's agent needs
    /// (persona, tools, guardrails, knowledge, that session's transcript and handoff), nothing
    /// else. Revoked when the room finishes.
    AgentCredential,
}

/// `GET /api/auth/me`: who the credentials identify.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallerInfo {
    pub app_slug: String,
    pub app_name: String,
    pub auth_method: AuthMethod,
    /// When the session token expires; absent for app secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}
