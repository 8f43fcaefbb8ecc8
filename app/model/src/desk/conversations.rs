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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeskMessage {
    pub id: String,
    pub conversation_id: String,
    pub sender: SenderKind,
    pub body: String,
    pub created_at: i64,
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
    pub created_at: i64,
}

/// A conversation with its messages, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationThread {
    pub conversation: DeskConversation,
    pub messages: Vec<DeskMessage>,
}

/// A message the visitor writes: the first of a new conversation, or the next of one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteMessage {
    /// 1–5,000 characters.
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
