//! Seed 000's LiveKit rooms and tokens, the standard token endpoint, seed 004's `/session` and inbound phone calls.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::*;

/// `POST /api/livekit/token`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LivekitTokenRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub room_name: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_.:@-]{1,128}$"))]
    pub identity: String,
    pub name: Option<String>,
    /// Seconds, 60 to 86,400; default 3,600.
    pub ttl: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LivekitTokenResponse {
    pub token: String,
    pub server_url: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomConfig {
    /// 1 to 100; default 2.
    pub max_participants: Option<i64>,
    /// Seconds a room stays open with nobody in it, 10 to 86,400; default 300.
    pub empty_timeout: Option<i64>,
    pub enable_recording: Option<bool>,
}

/// `POST /api/livekit/rooms`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateRoom {
    pub session_id: String,
    pub config: Option<RoomConfig>,
    /// Passed to LiveKit as the room's metadata (JSON), e.g. `{"agentMode":"realtime"}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedRoom {
    pub room_id: String,
    pub room_name: String,
    pub session_id: String,
}

/// A room as seed 000 lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LivekitRoom {
    pub room_id: String,
    pub app_slug: String,
    pub room_name: String,
    pub session_id: String,
    pub status: RoomStatus,
    pub max_participants: Option<i64>,
    pub empty_timeout: Option<i64>,
    pub enable_recording: bool,
    pub participant_count: i64,
    pub created_at: i64,
    pub ended_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoomList {
    pub rooms: Vec<LivekitRoom>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomNameBody {
    pub room_name: String,
}

/// The standard LiveKit token endpoint's request (`livekit.TokenSourceRequest`), so stock
/// `livekit-client` apps work against us.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenSourceRequest {
    pub room_name: Option<String>,
    pub participant_identity: Option<String>,
    pub participant_name: Option<String>,
    pub participant_metadata: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub participant_attributes: Option<Map<String, Value>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub room_config: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenSourceResponse {
    pub server_url: String,
    pub participant_token: String,
}

// ---- Seed 004: /session ----

/// The agent settings seed 004 forwards as dispatch metadata. Other keys are dropped.
pub const AGENT_CONFIG_KEYS: [&str; 12] = [
    "stt",
    "tts",
    "llm",
    "prompt",
    "greeting",
    "realtime",
    "realtime_model",
    "realtime_voice",
    "vad_enabled",
    "turn_detection_enabled",
    "noise_cancellation_enabled",
    "noise_cancellation_type",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartSession {
    /// `[A-Za-z0-9_-]{1,128}`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^\\s*[A-Za-z0-9_-]{1,128}\\s*$")
    )]
    pub user_identity: String,
    /// Same rule; generated when absent.
    pub room_name: Option<String>,
    /// Keys: stt, tts, llm, prompt, greeting, realtime, realtime_model, realtime_voice,
    /// vad_enabled, turn_detection_enabled, noise_cancellation_enabled,
    /// noise_cancellation_type (auto | telephony | standard | none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub agent_config: Option<Map<String, Value>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartedSession {
    pub user_token: String,
    pub room_name: String,
    pub livekit_url: String,
    pub agent_dispatched: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub agent_config: Map<String, Value>,
}

/// An inbound phone call (`GET /telephony/calls/…`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelephonyCall {
    pub call_id: String,
    pub room_name: String,
    pub status: CallStatus,
    pub caller_identity: Option<String>,
    pub agent_dispatched: bool,
    pub agent_dispatch_id: Option<String>,
    pub participants: Vec<VoiceParticipant>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
}

/// A call a visitor of the app's widget holds with its agent (`POST /api/widget/calls`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VisitorCall {
    pub livekit_url: String,
    /// The visitor's LiveKit token for the room.
    pub user_token: String,
    pub room_name: String,
    /// The call's conversation (its session id), which the agent writes the transcript to.
    pub session_id: String,
    /// The identity the visitor joins the room as.
    pub identity: String,
}
