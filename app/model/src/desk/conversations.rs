//! Desk conversations: a contact's chats with the support team.

use serde::{Deserialize, Serialize};

/// Who wrote a message, as the server authenticated them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SenderKind {
    /// The contact, through the widget.
    Visitor,
    /// A dashboard user.
    Agent,
    /// The system.
    Bot,
}

impl SenderKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            SenderKind::Visitor => "visitor",
            SenderKind::Agent => "agent",
            SenderKind::Bot => "bot",
        }
    }

    pub fn parse(text: &str) -> Option<SenderKind> {
        match text {
            "visitor" => Some(SenderKind::Visitor),
            "agent" => Some(SenderKind::Agent),
            "bot" => Some(SenderKind::Bot),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeskMessage {
    pub id: String,
    pub conversation_id: String,
    pub sender: SenderKind,
    pub body: String,
    /// A note for members: never shown to the visitor.
    pub internal: bool,
    pub created_at: i64,
    /// On the AI's answers and handoffs: confidence, sources, latency, rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<super::ai_agent::AiAnswer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeskConversation {
    pub id: String,
    pub contact_id: String,
    /// `open`, `snoozed` or `closed`.
    pub status: String,
    pub channel: String,
    pub message_count: i64,
    pub last_message_at: i64,
    /// The member it is assigned to.
    pub assignee_id: Option<String>,
    /// When a snoozed conversation opens again.
    pub snoozed_until: Option<i64>,
    /// The first reply the visitor could see.
    pub first_response_at: Option<i64>,
    /// When it was last closed.
    pub resolved_at: Option<i64>,
    /// `low`, `normal`, `high` or `urgent`, for a voice handoff.
    pub priority: Option<String>,
    /// The voice agent's handoff that opened it.
    pub handoff_id: Option<String>,
    /// The handed-off call's session id.
    pub call_session_id: Option<String>,
    /// The AI handed it to a human, who has not replied yet.
    pub needs_human: bool,
    pub created_at: i64,
}

/// A support conversation's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConversationStatus {
    Open,
    /// Set aside until `snoozedUntil`, or until the visitor writes.
    Snoozed,
    Closed,
}

impl ConversationStatus {
    pub const ALL: [ConversationStatus; 3] = [
        ConversationStatus::Open,
        ConversationStatus::Snoozed,
        ConversationStatus::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Snoozed => "snoozed",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<ConversationStatus> {
        ConversationStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// `GET /api/desk/conversations`: a workspace's inbox.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InboxQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
    /// `open`, `snoozed` or `closed`.
    pub status: Option<String>,
    /// `me`, `none` (unassigned) or a member's user id.
    pub assignee: Option<String>,
    /// `chat`, `voice` or `email`.
    pub channel: Option<String>,
    /// A tag's id.
    pub tag: Option<String>,
    /// `true`: only conversations the AI handed to a human who has not replied yet.
    pub needs_human: Option<bool>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 25.
    pub limit: Option<i64>,
}

/// A conversation as an inbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    pub conversation: DeskConversation,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    /// The visitor's messages the signed-in member has not read.
    pub unread: i64,
    pub tags: Vec<super::tags::ConversationTag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboxPage {
    pub conversations: Vec<InboxItem>,
    pub next_cursor: Option<String>,
}

/// `PATCH /api/desk/conversations/{id}`: only the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationPatch {
    /// `open`, `snoozed` (needs `snoozedUntil`) or `closed`.
    #[serde(default)]
    pub status: Option<ConversationStatus>,
    /// ms since the epoch, in the future; with `status: snoozed`.
    #[serde(default)]
    pub snoozed_until: Option<i64>,
    /// A member of the workspace; `null` unassigns.
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee_id: Option<Option<String>>,
}

/// `POST /api/desk/conversations/{id}/messages`: a member's reply, or an internal note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reply {
    /// 1–5,000 characters.
    pub body: String,
    /// A note for members only.
    #[serde(default)]
    pub internal: bool,
}

/// A conversation with its messages, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationThread {
    pub conversation: DeskConversation,
    pub messages: Vec<DeskMessage>,
}

/// A message the visitor writes in one of their conversations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteMessage {
    /// 1–5,000 characters.
    pub body: String,
}

/// `POST /api/widget/conversations`: the visitor's open chat, created if they have none, with
/// their message added when one is given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenChat {
    /// 1–5,000 characters.
    #[serde(default)]
    pub body: Option<String>,
}

/// `POST /api/desk/conversations`: a member writes to a contact first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartConversation {
    /// A contact of one of the user's workspaces.
    pub contact_id: String,
    /// The app it belongs to; required when the contact's workspace has several.
    #[serde(default)]
    pub app_slug: Option<String>,
    /// The first message, 1–5,000 characters.
    pub body: String,
}

/// `GET …/messages`: messages after a cursor, to poll for new ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessagesQuery {
    /// The `nextCursor` of the previous answer: only newer messages.
    pub after: Option<String>,
    /// 1–200, default 100.
    pub limit: Option<i64>,
}

/// Messages oldest first, and the cursor to ask for newer ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<DeskMessage>,
    /// Pass as `after` to get what came since; the same cursor when nothing did.
    pub next_cursor: Option<String>,
}

/// `GET /api/widget/conversations`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationList {
    pub conversations: Vec<DeskConversation>,
}

/// A conversation as a member sees it: its contact and every message, internal notes included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InboxConversation {
    pub conversation: DeskConversation,
    pub contact: super::contacts::Contact,
    pub messages: Vec<DeskMessage>,
    pub tags: Vec<super::tags::ConversationTag>,
    /// The ticket it was converted to.
    pub ticket_id: Option<String>,
    /// The visitor's rating, once closed and rated.
    pub rating: Option<super::automation::ConversationRating>,
    /// The handed-off call, for a voice handoff.
    pub call: Option<HandedOffCall>,
}

/// The call a voice handoff came from, as the voice agent recorded it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HandedOffCall {
    pub app_slug: String,
    pub session_id: String,
    pub handoff_id: String,
    /// `pending`, `claimed`, `resolved` or `expired`.
    pub handoff_status: String,
    pub reason: String,
    pub ai_summary: Option<String>,
    pub priority: String,
    pub transcript: Vec<CallTurn>,
    /// The call's recording, when one was made.
    pub recording_url: Option<String>,
}

/// One turn of a call's transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallTurn {
    /// `user`, `assistant` or `system`.
    pub role: String,
    pub content: String,
}

/// `GET /api/widget/unread`: replies the visitor has not read, across their conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UnreadCount {
    pub unread: i64,
}

/// One live update of the support desk, as `GET /api/desk/conversations/stream` and
/// `GET /api/widget/stream` send it (the event's name is its `type`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum DeskUpdate {
    /// A new message (the widget never receives internal notes).
    Message { message: DeskMessage },
    /// A conversation's new state: status, assignee, counts, tags.
    Conversation { conversation: DeskConversation },
}

/// `GET /api/desk/conversations/stream`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StreamQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
}
