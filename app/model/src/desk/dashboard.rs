//! What the desk's dashboard pages show.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::contacts::{Contact, ContactDetail};
use super::identity::IdentityVerification;

/// The Contacts page: a page of the workspace's contacts, times in its timezone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactsView {
    pub workspace_name: String,
    pub timezone: String,
    pub rows: Vec<ContactRow>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactRow {
    pub contact: Contact,
    /// When last seen, in the workspace's timezone.
    pub last_seen: String,
}

/// A contact's page: their facts and conversations, times in the workspace's timezone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    pub detail: ContactDetail,
    pub timezone: String,
    pub first_seen: String,
    pub last_seen: String,
    /// Each message's time, by message id.
    pub message_times: BTreeMap<String, String>,
    /// Each call's start, by its session id.
    pub call_times: BTreeMap<String, String>,
}

/// The Widget page: how to embed it, who may boot it, and identity verification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetView {
    pub slug: String,
    /// This server as the browser reaches it, for the embed snippet.
    pub base_url: String,
    /// The app's own list; `None` takes the workspace's.
    pub app_origins: Option<Vec<String>>,
    pub workspace_origins: Vec<String>,
    pub identity: IdentityVerification,
    /// Whether the user may change these (`settings.security`).
    pub may_manage: bool,
}

/// The Inbox page: a page of the workspace's support conversations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub timezone: String,
    pub rows: Vec<InboxRowView>,
    pub next_cursor: Option<String>,
    /// The workspace's tags, to filter by.
    pub tags: Vec<super::tags::Tag>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxRowView {
    pub item: super::conversations::InboxItem,
    /// When the last message came, in the workspace's timezone.
    pub last_message: String,
}

/// A conversation's page in the inbox, with what the member may do there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxConversationView {
    pub conversation: super::conversations::InboxConversation,
    pub timezone: String,
    /// Each message's time, by message id.
    pub message_times: BTreeMap<String, String>,
    /// The workspace's members, to assign to: (user id, name or email).
    pub members: Vec<(String, String)>,
    pub me: String,
    pub may_reply: bool,
    pub may_assign: bool,
    pub may_close: bool,
    /// May convert it to a ticket (`tickets.manage`).
    pub may_ticket: bool,
    /// The workspace's tags, to add.
    pub tags: Vec<super::tags::Tag>,
    /// The workspace's snippets with a shortcut, for `/` in the reply box.
    pub snippets: Vec<super::snippets::Snippet>,
    pub workspace_id: String,
}

/// The Tickets page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketsView {
    pub timezone: String,
    pub rows: Vec<(super::tickets::Ticket, String)>,
    pub next_cursor: Option<String>,
    pub members: Vec<(String, String)>,
    pub may_manage: bool,
}

/// One ticket's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    pub detail: super::tickets::TicketDetail,
    pub timezone: String,
    pub created: String,
    /// Each comment's time, by comment id.
    pub comment_times: BTreeMap<String, String>,
    pub contact_name: Option<String>,
    pub members: Vec<(String, String)>,
    pub may_manage: bool,
}

/// The Snippets, Tags and Automation pages of a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportSettingsView {
    pub workspace_name: String,
    pub snippets: Vec<super::snippets::Snippet>,
    pub tags: Vec<super::tags::Tag>,
    pub automation: super::automation::AutomationSettings,
    pub may_manage_snippets: bool,
    pub may_manage_tags: bool,
    pub may_manage_automation: bool,
}

/// The Help center page: the app's collections as a tree and its articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpCenterView {
    /// The public help center's path.
    pub public_url: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// Parents before children, each with its depth (0 at the top).
    pub collections: Vec<(super::help_center::Collection, usize)>,
    pub articles: Vec<super::help_center::EditorArticle>,
    /// Whether the user may change them (`knowledge.manage`).
    pub may_manage: bool,
}

/// The article editor: the article (none for a new one) and where it may go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleEditorView {
    pub article: Option<super::help_center::EditorArticleDetail>,
    /// The article's content as readers see it, rendered and sanitised.
    pub preview_html: String,
    pub collections: Vec<(super::help_center::Collection, usize)>,
    pub may_manage: bool,
}

/// The AI agent page: the settings, the collections it may answer from, and how it has done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AiAgentView {
    pub settings: super::ai_agent::AiAgentSettings,
    pub collections: Vec<(super::help_center::Collection, usize)>,
    pub stats: super::ai_agent::AiTurnStats,
    /// Whether the user may change them (`persona.manage`).
    pub may_manage: bool,
}
