//! Conversations, telemetry events and transcription messages, as seed 000 names them.

use serde::{Deserialize, Serialize};

pub use crate::agent::transcript::TranscriptEntry;
use serde_json::Value;

/// Most items one `POST /api/events` or `POST /api/messages` may carry.
pub const MAX_BATCH_ITEMS: usize = 500;
/// Longest message content, transcript entry or event payload accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 32 * 1024;
/// Longest session id, channel, role, event type and similar short fields.
pub const MAX_NAME_CHARS: usize = 200;
/// Most transcript entries one conversation keeps.
pub const MAX_TRANSCRIPT_ENTRIES: usize = 5_000;

/// Where a conversation stands. Ended states are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Active,
    HandedOff,
    Resolved,
    Abandoned,
}

impl ConversationStatus {
    pub const ALL: [ConversationStatus; 4] = [
        ConversationStatus::Active,
        ConversationStatus::HandedOff,
        ConversationStatus::Resolved,
        ConversationStatus::Abandoned,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Active => "active",
            ConversationStatus::HandedOff => "handed_off",
            ConversationStatus::Resolved => "resolved",
            ConversationStatus::Abandoned => "abandoned",
        }
    }

    pub fn parse(value: &str) -> Option<ConversationStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Resolved and abandoned conversations are over.
    pub const fn is_ended(self) -> bool {
        matches!(
            self,
            ConversationStatus::Resolved | ConversationStatus::Abandoned
        )
    }

    /// The transition table: active → handed_off | resolved | abandoned; handed_off →
    /// resolved | abandoned. Staying in the same state is always allowed.
    pub const fn can_become(self, next: ConversationStatus) -> bool {
        use ConversationStatus::*;
        matches!(
            (self, next),
            (Active, Active)
                | (Active, HandedOff | Resolved | Abandoned)
                | (HandedOff, HandedOff | Resolved | Abandoned)
                | (Resolved, Resolved)
                | (Abandoned, Abandoned)
        )
    }
}

/// `POST /api/conversations`: create or update the conversation of `sessionId`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SaveConversation {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    /// ms since the epoch; now when absent on creation, ignored afterwards.
    #[serde(default)]
    pub started_at: Option<i64>,
    /// The whole transcript so far; when absent the stored transcript is kept.
    #[serde(default)]
    pub messages: Option<Vec<TranscriptEntry>>,
    /// Default `active` on creation; otherwise must be a legal transition.
    #[serde(default)]
    pub status: Option<ConversationStatus>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub id: String,
    pub session_id: String,
    pub channel: Option<String>,
    pub status: ConversationStatus,
    pub resolution: Option<String>,
    /// ms since the epoch.
    pub started_at: i64,
    /// Set when the conversation ended (resolved or abandoned).
    pub ended_at: Option<i64>,
    /// Set when the conversation was first handed to a human.
    pub handed_off_at: Option<i64>,
    pub message_count: i64,
    pub transcript: Vec<TranscriptEntry>,
    /// The A/B variant this session was assigned, if any.
    pub experiment_variant: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `GET /api/conversations/{sessionId}`: a conversation with everything recorded about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationDetail {
    pub conversation: Conversation,
    /// Transcription messages in speaking order.
    pub messages: Vec<Message>,
    /// Telemetry events, oldest first (at most 1,000).
    pub events: Vec<Event>,
    pub csat: Option<crate::agent::persona::CsatRating>,
    /// Tool calls of the session, newest first (at most 200).
    pub tool_executions: Vec<crate::agent::tools::ToolExecution>,
    /// Guardrail violations of the session, newest first (at most 200).
    pub violations: Vec<crate::agent::guardrails::Violation>,
    /// The session's latest handoff.
    pub handoff: Option<crate::agent::handoffs::Handoff>,
}

/// `POST /api/conversations` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SaveConversationResponse {
    /// Always `true`, as seed 000 answers.
    pub ok: bool,
    pub conversation: Conversation,
}

/// Filters of `GET /api/conversations`; times are ms since the epoch, on `startedAt`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ConversationQuery {
    pub status: Option<ConversationStatus>,
    pub channel: Option<String>,
    /// The experiment variant the conversation was assigned.
    pub variant: Option<String>,
    /// Started at or after (ms since the epoch).
    pub since: Option<i64>,
    /// Started before (ms since the epoch).
    pub until: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}

/// Filters of `GET /api/events`; times are ms since the epoch, on `ts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct EventQuery {
    pub session_id: Option<String>,
    pub event_type: Option<String>,
    pub trace_id: Option<String>,
    /// `ts` at or after (ms since the epoch).
    pub since: Option<i64>,
    /// `ts` before (ms since the epoch).
    pub until: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 1,000, default 100.
    pub limit: Option<i64>,
}

/// A page of `GET /api/conversations`, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One telemetry event of a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewEvent {
    pub event_type: String,
    /// ms since the epoch.
    pub ts: i64,
    /// Any JSON (seed 000's clients send a JSON string).
    #[serde(default)]
    pub data: Option<Value>,
}

/// `POST /api/events`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventBatch {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    /// At most 500 items; each is validated, and its index named in the error.
    pub events: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    pub session_id: String,
    pub event_type: String,
    pub ts: i64,
    pub data: Option<Value>,
    pub trace_id: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    pub events: Vec<Event>,
    pub next_cursor: Option<String>,
}

/// `{inserted: n}`, as seed 000 answers `POST /api/events`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inserted {
    pub inserted: usize,
}

/// Who spoke a transcription message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageRole {
    User,
    Agent,
}

impl MessageRole {
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageRole::User => "user",
            MessageRole::Agent => "agent",
        }
    }

    pub fn parse(value: &str) -> Option<MessageRole> {
        match value {
            "user" => Some(MessageRole::User),
            "agent" => Some(MessageRole::Agent),
            _ => None,
        }
    }
}

/// One transcription message of a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    pub session_id: String,
    #[serde(default)]
    pub room_name: Option<String>,
    pub participant_identity: String,
    pub role: MessageRole,
    pub content: String,
    pub is_final: bool,
    #[serde(default)]
    pub language: Option<String>,
    /// ms since the epoch.
    pub created_at: i64,
    /// LiveKit's `lk.segment_id`: a later message with the same id replaces an interim one.
    #[serde(default)]
    pub segment_id: Option<String>,
}

/// `POST /api/messages`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageBatch {
    /// 1 to 500 items; each is validated, and its index named in the error.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub messages: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub session_id: String,
    pub room_name: Option<String>,
    pub participant_identity: String,
    pub role: MessageRole,
    pub content: String,
    pub is_final: bool,
    pub language: Option<String>,
    pub created_at: i64,
    pub segment_id: Option<String>,
    pub trace_id: Option<String>,
    /// When the row was last written (an interim message becoming final moves it).
    pub updated_at: i64,
}

/// `{ok: true, count}`, as seed 000 answers `POST /api/messages`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagesStored {
    pub ok: bool,
    /// Messages accepted (a retried message counts, but is stored once).
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageList {
    pub messages: Vec<Message>,
}

/// What the live stream of a session sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LiveUpdate {
    /// A message was stored or replaced (interim → final).
    Message { message: Message },
    /// The conversation changed status.
    #[serde(rename_all = "camelCase")]
    Conversation {
        session_id: String,
        status: ConversationStatus,
    },
}

/// `{ok: true}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OkResponse {
    pub ok: bool,
}

impl OkResponse {
    pub const fn yes() -> OkResponse {
        OkResponse { ok: true }
    }
}

/// A session named in the query string (`?sessionId=`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct SessionQuery {
    /// Required: without it the answer is 400.
    #[cfg_attr(feature = "openapi", param(required = true, min_length = 1))]
    pub session_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ConversationStatus::*;
    use super::*;

    #[test]
    fn the_transition_table() {
        for next in [HandedOff, Resolved, Abandoned] {
            assert!(Active.can_become(next));
        }
        assert!(HandedOff.can_become(Resolved));
        assert!(HandedOff.can_become(Abandoned));
        assert!(!HandedOff.can_become(Active));
        for ended in [Resolved, Abandoned] {
            for next in ConversationStatus::ALL {
                assert_eq!(
                    ended.can_become(next),
                    next == ended,
                    "{ended:?} → {next:?}"
                );
            }
        }
    }

    #[test]
    fn statuses_round_trip_as_seed_000_spells_them() {
        for status in ConversationStatus::ALL {
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, status.as_str());
            assert_eq!(ConversationStatus::parse(status.as_str()), Some(status));
        }
    }
}
