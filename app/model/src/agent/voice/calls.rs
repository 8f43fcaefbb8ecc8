//! Seed 002's `/api/voice`: calls, realtime sessions, recording and the agent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

/// `POST /api/voice/session`. `participantIdentity` / `participantName` name the end user
/// (seed 002 took them from its sign-in provider).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateCall {
    /// support (default) | user-to-user | conference.
    pub call_type: Option<String>,
    pub room_name: Option<String>,
    /// Required for user-to-user calls.
    pub callee_id: Option<String>,
    /// Default true.
    pub enable_recording: Option<bool>,
    /// Default true for support calls.
    pub enable_ai_agent: Option<bool>,
    pub system_prompt: Option<String>,
    /// alloy (default) | echo | fable | onyx | nova | shimmer.
    pub voice: Option<String>,
    pub participant_identity: Option<String>,
    pub participant_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallCreated {
    pub call_id: String,
    pub room_name: String,
    pub participant_name: String,
    pub token: String,
    pub livekit_host: String,
    pub call_type: CallType,
    pub status: CallStatus,
    pub agent_spawned: bool,
    pub agent_status: Option<AgentStatus>,
    pub recording_enabled: bool,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallCreatedResponse {
    pub success: bool,
    pub message: String,
    pub session: CallCreated,
}

/// One call as `GET /api/voice/session?roomName=` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallDetail {
    pub call_id: String,
    pub room_name: String,
    pub call_type: Option<CallType>,
    pub status: CallStatus,
    pub started_at: String,
    pub connected_at: Option<String>,
    pub ended_at: Option<String>,
    /// Seconds.
    pub duration: i64,
    pub recording_url: Option<String>,
    pub transcript: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: Value,
    pub agent_status: Option<AgentStatus>,
    pub agent_available: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallDetailResponse {
    pub success: bool,
    pub session: CallDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallSummary {
    pub call_id: String,
    pub room_name: String,
    pub call_type: Option<CallType>,
    pub status: CallStatus,
    pub started_at: String,
    pub connected_at: Option<String>,
    pub ended_at: Option<String>,
    pub duration: i64,
    pub has_recording: bool,
    pub has_transcript: bool,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallList {
    pub success: bool,
    pub count: i64,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub sessions: Vec<CallSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateCall {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(pending|ringing|connected|completed|missed|failed)$")
    )]
    pub status: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(pending|active|disconnected)$")
    )]
    pub agent_status: Option<String>,
}

/// Seed 002's plain acknowledgement; `duration` (seconds) when a call ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SuccessMessage {
    pub success: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_url: Option<String>,
}

impl SuccessMessage {
    pub fn new(message: impl Into<String>) -> SuccessMessage {
        SuccessMessage {
            success: true,
            message: message.into(),
            duration: None,
            recording_url: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartRealtime {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    /// Default `gpt-4o-realtime-preview-2024-12-17`.
    pub model: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RealtimeLivekit {
    pub server_url: String,
    pub room_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RealtimeStarted {
    pub success: bool,
    pub room_name: String,
    pub model: String,
    pub agent_identity: String,
    /// The OpenAI Realtime `session.update` configuration.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub configuration: Value,
    pub livekit: RealtimeLivekit,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RealtimeStatus {
    pub success: bool,
    pub room_name: String,
    pub call_status: CallStatus,
    pub agent_status: Option<AgentStatus>,
    pub agent_available: bool,
    pub duration: i64,
    pub connected_at: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: Value,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartRecording {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    /// Where the egress writes the file; default `recordings/<room>-<time>.<type>`.
    pub output_path: Option<String>,
    /// mp4 (default) | ogg.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(mp4|ogg)$"))]
    pub file_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordingInfo {
    pub egress_id: String,
    pub room_name: String,
    pub started_at: Option<String>,
    /// active | stopped | failed.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordingStarted {
    pub success: bool,
    pub message: String,
    pub recording: RecordingInfo,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordingStatus {
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<RecordingInfo>,
    pub recording_url: Option<String>,
    /// With `listAll=true`: the app's active recordings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recordings: Option<Vec<RecordingInfo>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateRecording {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    pub transcript: Option<String>,
    pub recording_url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SpawnAgent {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    pub system_prompt: Option<String>,
    pub voice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgentSession {
    pub room_name: String,
    pub agent_identity: String,
    pub status: AgentStatus,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentSpawned {
    pub success: bool,
    pub message: String,
    pub session: AgentSession,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentState {
    pub success: bool,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<AgentSession>,
    /// With `listAll=true`: the app's agents in rooms still open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<AgentSession>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateAgent {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(pending|active|disconnected)$")
    )]
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceTokenRequest {
    pub room_name: Option<String>,
    pub participant_name: Option<String>,
    pub participant_identity: Option<String>,
    /// support (default) | user-to-user | conference.
    pub room_type: Option<String>,
    /// Default true.
    pub spawn_ai_agent: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceToken {
    pub token: String,
    pub room_name: String,
    pub participant_name: String,
    pub livekit_host: String,
    pub agent_spawned: bool,
    pub call_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookReceived {
    pub received: bool,
    pub event: String,
}

/// `GET /api/voice/session`: one call by its room, or a page of calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct CallQuery {
    /// Get one call by its room.
    pub room_name: Option<String>,
    /// pending | ringing | connected | completed | missed | failed.
    pub status: Option<String>,
    /// 1–100, default 10.
    pub limit: Option<i64>,
    /// Default 0.
    pub offset: Option<i64>,
}

/// A call named by its room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct CallRoomQuery {
    /// The call's room. Required: without it the answer is 400.
    #[cfg_attr(
        feature = "openapi",
        param(required = true, pattern = "^[A-Za-z0-9_.:@-]{1,128}$")
    )]
    pub room_name: Option<String>,
}

/// `GET /api/voice/recording`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct RecordingQuery {
    pub room_name: Option<String>,
    /// With roomName: only the recording URL of this egress.
    pub egress_id: Option<String>,
    /// Every active recording of the app.
    pub list_all: Option<bool>,
}

/// `GET /api/voice/agent`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct AgentQuery {
    pub room_name: Option<String>,
    /// Every agent in the app's live rooms.
    pub list_all: Option<bool>,
}
