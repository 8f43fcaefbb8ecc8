//! Voice sessions: one model for every call, and the request and response shapes of each API
//! that starts one (seed 000's LiveKit rooms, seed 002's `/api/voice`, seed 003's
//! `/voice/sessions`, seed 004's `/session`, inbound phone calls).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a call stands. Seed 002's vocabulary; the other APIs show a view of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Created; nobody has joined yet.
    Pending,
    /// The caller is waiting for the other side (user-to-user calls).
    Ringing,
    Connected,
    Completed,
    /// Ended before anyone answered.
    Missed,
    Failed,
}

impl CallStatus {
    pub const ALL: [CallStatus; 6] = [
        CallStatus::Pending,
        CallStatus::Ringing,
        CallStatus::Connected,
        CallStatus::Completed,
        CallStatus::Missed,
        CallStatus::Failed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CallStatus::Pending => "pending",
            CallStatus::Ringing => "ringing",
            CallStatus::Connected => "connected",
            CallStatus::Completed => "completed",
            CallStatus::Missed => "missed",
            CallStatus::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<CallStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub const fn is_ended(self) -> bool {
        matches!(
            self,
            CallStatus::Completed | CallStatus::Missed | CallStatus::Failed
        )
    }

    /// Calls only move forward; an ended call stays ended. Staying put is allowed.
    pub const fn can_become(self, next: CallStatus) -> bool {
        use CallStatus::*;
        matches!(
            (self, next),
            (Pending, _)
                | (Ringing, Ringing | Connected | Completed | Missed | Failed)
                | (Connected, Connected | Completed | Failed)
                | (Completed, Completed)
                | (Missed, Missed)
                | (Failed, Failed)
        )
    }

    /// The same state as seed 000's room status.
    pub const fn room_status(self) -> RoomStatus {
        match self {
            CallStatus::Pending | CallStatus::Ringing => RoomStatus::Waiting,
            CallStatus::Connected => RoomStatus::Active,
            CallStatus::Completed | CallStatus::Missed | CallStatus::Failed => RoomStatus::Ended,
        }
    }
}

/// Seed 000's room lifecycle: waiting → active → ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoomStatus {
    Waiting,
    Active,
    Ended,
}

impl RoomStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            RoomStatus::Waiting => "waiting",
            RoomStatus::Active => "active",
            RoomStatus::Ended => "ended",
        }
    }

    pub fn parse(value: &str) -> Option<RoomStatus> {
        [RoomStatus::Waiting, RoomStatus::Active, RoomStatus::Ended]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// The call statuses this room status stands for.
    pub fn call_statuses(self) -> &'static [CallStatus] {
        match self {
            RoomStatus::Waiting => &[CallStatus::Pending, CallStatus::Ringing],
            RoomStatus::Active => &[CallStatus::Connected],
            RoomStatus::Ended => &[
                CallStatus::Completed,
                CallStatus::Missed,
                CallStatus::Failed,
            ],
        }
    }
}

/// The AI agent's presence in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    /// Dispatched; not in the room yet.
    Pending,
    Active,
    Disconnected,
}

impl AgentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Pending => "pending",
            AgentStatus::Active => "active",
            AgentStatus::Disconnected => "disconnected",
        }
    }

    pub fn parse(value: &str) -> Option<AgentStatus> {
        [
            AgentStatus::Pending,
            AgentStatus::Active,
            AgentStatus::Disconnected,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// Which API started a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionOrigin {
    /// Seed 000: `POST /api/livekit/rooms` or the standard token endpoint.
    Livekit,
    /// Seed 002: `/api/voice/session` and `/api/voice/token`.
    Voice,
    /// Seed 004: `POST /session`.
    Session,
    /// An inbound phone call (SIP participant).
    Telephony,
    /// Seed 003: `/voice/sessions` with ElevenLabs.
    Elevenlabs,
}

impl SessionOrigin {
    pub const ALL: [SessionOrigin; 5] = [
        SessionOrigin::Livekit,
        SessionOrigin::Voice,
        SessionOrigin::Session,
        SessionOrigin::Telephony,
        SessionOrigin::Elevenlabs,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SessionOrigin::Livekit => "livekit",
            SessionOrigin::Voice => "voice",
            SessionOrigin::Session => "session",
            SessionOrigin::Telephony => "telephony",
            SessionOrigin::Elevenlabs => "elevenlabs",
        }
    }

    pub fn parse(value: &str) -> Option<SessionOrigin> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Seed 002's call types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CallType {
    Support,
    UserToUser,
    Conference,
}

impl CallType {
    pub const fn as_str(self) -> &'static str {
        match self {
            CallType::Support => "support",
            CallType::UserToUser => "user-to-user",
            CallType::Conference => "conference",
        }
    }

    pub fn parse(value: &str) -> Option<CallType> {
        [
            CallType::Support,
            CallType::UserToUser,
            CallType::Conference,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// OpenAI Realtime voices (seed 002).
pub const VOICES: [&str; 6] = ["alloy", "echo", "fable", "onyx", "nova", "shimmer"];

/// A participant of a session's room, as LiveKit reported it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceParticipant {
    pub identity: String,
    pub name: Option<String>,
    /// standard | agent | sip | egress | ingress.
    pub kind: String,
    pub joined_at: i64,
    pub left_at: Option<i64>,
}

/// One voice session, whichever API started it. Times are ms since the epoch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSession {
    pub id: String,
    pub origin: SessionOrigin,
    /// The conversation's session id: transcripts, events and CSAT of this call use it.
    pub session_id: String,
    pub room_name: Option<String>,
    pub status: CallStatus,
    pub room_status: RoomStatus,
    pub call_type: Option<CallType>,
    pub participant_identity: Option<String>,
    pub participant_name: Option<String>,
    pub callee_id: Option<String>,
    pub agent_status: Option<AgentStatus>,
    pub agent_name: Option<String>,
    pub agent_identity: Option<String>,
    pub agent_dispatch_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub agent_config: Option<Value>,
    pub voice: Option<String>,
    pub participant_count: i64,
    pub max_participants: Option<i64>,
    pub empty_timeout: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: Value,
    pub customer_id: Option<String>,
    pub direction: Option<String>,
    pub locale: Option<String>,
    pub simulation: bool,
    pub agent_type: Option<String>,
    /// The ElevenLabs conversation id.
    pub external_id: Option<String>,
    pub recording_enabled: bool,
    pub recording_status: Option<String>,
    pub egress_id: Option<String>,
    pub recording_url: Option<String>,
    pub has_transcript: bool,
    pub end_reason: Option<String>,
    pub created_at: i64,
    pub connected_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// Seconds connected (or since creation when it never connected), up to the end or now.
    pub duration_secs: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSessionDetail {
    #[serde(flatten)]
    pub session: VoiceSession,
    pub participants: Vec<VoiceParticipant>,
    pub transcript: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSessionPage {
    pub sessions: Vec<VoiceSession>,
    pub next_cursor: Option<String>,
}

// ---- Seed 000: /api/livekit ----

/// `POST /api/livekit/token`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LivekitTokenRequest {
    pub room_name: String,
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

// ---- Seed 003: /voice/sessions and ElevenLabs ----

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateVoiceSession {
    pub customer_id: String,
    /// inbound | outbound.
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

// ---- Seed 002: /api/voice ----

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
    pub room_name: String,
    pub status: Option<String>,
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
    pub room_name: String,
    /// Where the egress writes the file; default `recordings/<room>-<time>.<type>`.
    pub output_path: Option<String>,
    /// mp4 (default) | ogg.
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
    pub room_name: String,
    pub transcript: Option<String>,
    pub recording_url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SpawnAgent {
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
    pub room_name: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ended_calls_stay_ended_and_room_status_follows() {
        assert!(CallStatus::Pending.can_become(CallStatus::Connected));
        assert!(CallStatus::Connected.can_become(CallStatus::Completed));
        assert!(!CallStatus::Completed.can_become(CallStatus::Connected));
        assert!(!CallStatus::Connected.can_become(CallStatus::Ringing));
        assert!(!CallStatus::Connected.can_become(CallStatus::Missed));
        assert_eq!(CallStatus::Ringing.room_status(), RoomStatus::Waiting);
        assert_eq!(CallStatus::Missed.room_status(), RoomStatus::Ended);
        for status in CallStatus::ALL {
            assert_eq!(CallStatus::parse(status.as_str()), Some(status));
            assert!(status.room_status().call_statuses().contains(&status));
        }
    }

    #[test]
    fn call_types_use_seed_002_spelling() {
        assert_eq!(
            serde_json::to_string(&CallType::UserToUser).unwrap(),
            "\"user-to-user\""
        );
        assert_eq!(CallType::parse("conference"), Some(CallType::Conference));
    }
}
