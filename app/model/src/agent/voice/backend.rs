//! Seed 003's backend voice sessions, the ElevenLabs provider and client diagnostics.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateVoiceSession {
    pub customer_id: String,
    /// inbound | outbound.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(inbound|outbound)$"))]
    pub direction: String,
    /// A BCP 47 tag such as `en-US`.
    pub locale: String,
    #[serde(default)]
    pub simulation: bool,
}

/// Seed 003's session shape (snake_case, ISO 8601 times).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BackendVoiceSession {
    pub session_id: String,
    /// `active` until ended, then `ended`.
    pub status: String,
    pub customer_id: String,
    pub direction: String,
    pub locale: String,
    pub simulation: bool,
    pub created_at: String,
    pub ended_at: Option<String>,
    pub agent_type: Option<String>,
    pub conversation_id: Option<String>,
}

/// `POST /api/voice/sessions` (seed 003's combined call).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartAgentConversation {
    /// support | sales.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(support|sales)$"))]
    pub agent_type: String,
    pub customer_id: String,
    pub locale: Option<String>,
}

/// What ElevenLabs answered when a conversation started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElevenLabsConversation {
    pub agent_id: String,
    /// Connect the browser's ElevenLabs client to this URL; it expires after 15 minutes.
    pub signed_url: String,
    pub conversation_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentConversationStarted {
    pub backend_session: BackendVoiceSession,
    pub elevenlabs_conversation: ElevenLabsConversation,
    pub agent_type: String,
}

/// `POST /api/elevenlabs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ElevenLabsAction {
    /// start_conversation | end_conversation.
    pub action: String,
    pub agent_type: Option<String>,
    pub session_id: Option<String>,
}

/// Client diagnostics (`POST /api/logs`): one line or a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClientLogLine {
    /// debug | info | warn | error; default info.
    pub level: Option<String>,
    pub message: String,
    /// What wrote it, e.g. `useVoiceAgent`.
    pub source: Option<String>,
    pub session_id: Option<String>,
    /// Extra fields, appended to the message as JSON.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClientLogEntry {
    pub level: String,
    pub source: Option<String>,
    pub message: String,
    pub session_id: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientLogTail {
    /// Oldest first, each `<ISO time> [level] (source) message`.
    pub lines: Vec<String>,
    pub entries: Vec<ClientLogEntry>,
}

/// `GET /api/logs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LogTailQuery {
    /// Lines, 1–1000, default 200.
    pub tail: Option<i64>,
}
