//! The conversations list and a conversation's page.

use leptos::prelude::*;
use model::agent::conversations::ConversationPage;
use model::agent::dashboard::ConversationView;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// One page of conversations, newest first. Empty filters are ignored; `from` and `to` are
/// UTC days (`YYYY-MM-DD`), both included.
#[server(prefix = "/sfn", endpoint = "conversations")]
pub async fn conversations(
    slug: String,
    status: Option<String>,
    channel: Option<String>,
    variant: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
) -> Result<ConversationPage, UiError> {
    use model::agent::conversations::ConversationStatus;

    let (services, caller) = ssr::app_caller(&slug).await?;
    let status = ssr::parsed("status", status, ConversationStatus::parse)?;
    let query = model::agent::conversations::ConversationQuery {
        status,
        channel: ssr::given(channel),
        variant: ssr::given(variant),
        since: ssr::day_bound(from, 0)?,
        until: ssr::day_bound(to, 1)?,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    Ok(services.agent().list_conversations(&caller, query).await?)
}

/// One conversation with everything recorded about it, and its calls.
#[server(prefix = "/sfn", endpoint = "conversation")]
pub async fn conversation(slug: String, session_id: String) -> Result<ConversationView, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .conversation_view(&caller, &session_id)
        .await?)
}
