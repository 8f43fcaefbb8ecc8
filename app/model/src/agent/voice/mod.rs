//! Voice sessions: one model for every call (here), and the request and response shapes of
//! each API that starts one:
//! - `rooms`: seed 000's LiveKit rooms and tokens, seed 004's `/session`, inbound phone calls;
//! - `calls`: seed 002's `/api/voice`;
//! - `backend`: seed 003's `/voice/sessions`, ElevenLabs and client diagnostics.

mod backend;
mod calls;
mod rooms;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use backend::*;
pub use calls::*;
pub use rooms::*;

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

/// Filters of `GET /api/voice/sessions`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSessionQuery {
    pub status: Option<CallStatus>,
    /// Which API started the session.
    pub origin: Option<SessionOrigin>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSessionPage {
    pub sessions: Vec<VoiceSession>,
    pub next_cursor: Option<String>,
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
