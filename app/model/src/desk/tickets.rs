//! Tickets: work that outlives a conversation, with comments and the data of a form.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::conversations::SenderKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Submitted,
    InProgress,
    WaitingOnCustomer,
    Resolved,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::Submitted,
        TicketStatus::InProgress,
        TicketStatus::WaitingOnCustomer,
        TicketStatus::Resolved,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Submitted => "submitted",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::WaitingOnCustomer => "waiting_on_customer",
            TicketStatus::Resolved => "resolved",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            TicketStatus::Submitted => "Submitted",
            TicketStatus::InProgress => "In progress",
            TicketStatus::WaitingOnCustomer => "Waiting on customer",
            TicketStatus::Resolved => "Resolved",
        }
    }

    pub fn parse(text: &str) -> Option<TicketStatus> {
        TicketStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    /// Whether a ticket may go from `self` to `to`. Work starts, waits on the customer and is
    /// resolved; a resolved ticket is reopened into `in_progress`.
    pub fn can_become(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        matches!(
            (self, to),
            (Submitted, InProgress)
                | (Submitted, WaitingOnCustomer)
                | (Submitted, Resolved)
                | (InProgress, WaitingOnCustomer)
                | (InProgress, Resolved)
                | (WaitingOnCustomer, InProgress)
                | (WaitingOnCustomer, Resolved)
                | (Resolved, InProgress)
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(text: &str) -> Option<Priority> {
        Priority::ALL
            .into_iter()
            .find(|priority| priority.as_str() == text)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub workspace_id: String,
    pub contact_id: Option<String>,
    /// The conversation it was converted from.
    pub conversation_id: Option<String>,
    pub subject: String,
    pub description: Option<String>,
    pub status: TicketStatus,
    pub priority: Priority,
    pub assignee_id: Option<String>,
    pub form_id: Option<String>,
    /// The answers to the form's fields, by field id.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub form_data: Option<Map<String, Value>>,
    pub resolution_summary: Option<String>,
    pub resolved_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketComment {
    pub id: String,
    pub ticket_id: String,
    /// Who wrote it, as the server authenticated them.
    pub author: SenderKind,
    pub body: String,
    /// For members only: never shown to the visitor.
    pub internal: bool,
    pub created_at: i64,
}

/// A ticket with its comments, oldest first (and its form, if it has one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub comments: Vec<TicketComment>,
    pub form: Option<TicketForm>,
}

/// `GET /api/desk/tickets`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
    /// `submitted`, `in_progress`, `waiting_on_customer` or `resolved`.
    pub status: Option<String>,
    /// `me`, `none` (unassigned) or a member's user id.
    pub assignee: Option<String>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 25.
    pub limit: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketPage {
    pub tickets: Vec<Ticket>,
    pub next_cursor: Option<String>,
}

/// `POST /api/desk/tickets`: a new ticket, or with `conversationId` the conversion of a
/// conversation (once per conversation).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTicket {
    /// Required when the user belongs to several workspaces (and no conversation is given).
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Converts this conversation: the ticket takes its contact.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The contact it is for.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// 1–200 characters; from a conversation, "Ticket from conversation" when absent.
    #[serde(default)]
    pub subject: Option<String>,
    /// Up to 10,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// A member of the workspace.
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// A form of the workspace; `formData` is checked against its fields.
    #[serde(default)]
    pub form_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub form_data: Option<Map<String, Value>>,
}

/// `POST /api/widget/tickets`: the visitor files a ticket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VisitorTicket {
    /// 1–200 characters.
    pub subject: String,
    /// Up to 10,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub form_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub form_data: Option<Map<String, Value>>,
}

/// `PATCH /api/desk/tickets/{id}`: only the fields present change. `resolutionSummary` goes
/// with `status: resolved`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketPatch {
    #[serde(default)]
    pub status: Option<TicketStatus>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// A member of the workspace; `null` unassigns.
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee_id: Option<Option<String>>,
    /// Up to 5,000 characters; recorded as a public comment too.
    #[serde(default)]
    pub resolution_summary: Option<String>,
}

/// `POST …/tickets/{id}/comments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteComment {
    /// 1–5,000 characters.
    pub body: String,
    /// Members only: a comment the visitor never sees.
    #[serde(default)]
    pub internal: bool,
}

/// `GET /api/widget/tickets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketList {
    pub tickets: Vec<Ticket>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    Text,
    Textarea,
    Select,
    MultiSelect,
    Number,
    Date,
}

/// One field of a ticket form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormField {
    /// 1–64 letters, digits, `-` or `_`; the key of its answer in `formData`.
    pub id: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// 1–100 characters.
    pub label: String,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `select` or `multi-select` (1–50, each 1–100 characters).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketForm {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FormField>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/desk/ticket-forms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTicketForm {
    /// Required when the user belongs to several workspaces.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// 1–100 characters.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// 1–30 fields with distinct ids.
    pub fields: Vec<FormField>,
}

/// `GET /api/desk/ticket-forms` and `GET /api/widget/ticket-forms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketFormList {
    pub forms: Vec<TicketForm>,
}

/// `GET /api/desk/ticket-forms`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketFormQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
}
