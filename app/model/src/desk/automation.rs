//! A workspace's support automation: what the widget shows and asks.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AutomationSettings {
    /// The widget shows the median first-response time of the last 7 days.
    pub show_reply_time: bool,
    /// The widget asks an anonymous visitor for an email.
    pub collect_email: bool,
    /// The widget offers a rating when a conversation closes (one per conversation).
    pub ask_for_rating: bool,
}

impl Default for AutomationSettings {
    fn default() -> Self {
        AutomationSettings {
            show_reply_time: false,
            collect_email: true,
            ask_for_rating: false,
        }
    }
}

/// `GET /api/desk/automation`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomationQuery {
    /// Required when the user belongs to several workspaces.
    pub workspace_id: Option<String>,
}

/// `PUT /api/desk/automation`: only the toggles present change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomationUpdate {
    /// Required when the user belongs to several workspaces.
    #[serde(default)]
    pub workspace_id: Option<String>,
    #[serde(default)]
    pub show_reply_time: Option<bool>,
    #[serde(default)]
    pub collect_email: Option<bool>,
    #[serde(default)]
    pub ask_for_rating: Option<bool>,
}

/// `GET /api/widget/settings`: what the widget should do for this visitor now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WidgetSettings {
    /// Ask this visitor for an email: collecting is on and the contact has none.
    pub ask_for_email: bool,
    /// Offer a rating when a conversation closes.
    pub ask_for_rating: bool,
    /// The median first-response time of the last 7 days (ms), when shown and known.
    pub median_reply_ms: Option<i64>,
}

/// `POST /api/widget/conversations/{id}/rating`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateConversation {
    /// 1 (bad) to 5 (great).
    pub rating: i64,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationRating {
    pub conversation_id: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: i64,
}
