//! The Inbox pages: the workspace's support conversations, and one conversation's thread with
//! its actions.

use leptos::prelude::*;
use model::desk::dashboard::{InboxConversationView, InboxView};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// A page of the inbox of the app's workspace.
#[server(prefix = "/sfn", endpoint = "inbox")]
pub async fn load_inbox(
    slug: String,
    status: Option<String>,
    assignee: Option<String>,
    cursor: Option<String>,
) -> Result<InboxView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let page = services
        .desk()
        .inbox(
            &actor,
            model::desk::conversations::InboxQuery {
                workspace_id: Some(app.workspace_id),
                status,
                assignee,
                cursor,
                ..Default::default()
            },
        )
        .await?;
    let local = |ms| ssr::local_time(&workspace, ms);
    Ok(InboxView {
        rows: page
            .conversations
            .into_iter()
            .map(|item| model::desk::dashboard::InboxRowView {
                last_message: local(item.conversation.last_message_at),
                item,
            })
            .collect(),
        next_cursor: page.next_cursor,
        workspace_name: workspace.name.clone(),
        timezone: workspace.timezone.clone(),
    })
}

/// One conversation of the app's workspace; opening it marks it read.
#[server(prefix = "/sfn", endpoint = "inbox-conversation")]
pub async fn load_inbox_conversation(
    slug: String,
    id: String,
) -> Result<InboxConversationView, UiError> {
    use model::platform::users::Permission;

    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let conversation = services.desk().inbox_conversation(&actor, &id).await?;
    if conversation.contact.workspace_id != app.workspace_id {
        return Err(domain::Error::NotFound("conversation").into());
    }
    services.desk().mark_read(&actor, &id).await?;
    let members = services
        .platform()
        .workspace_members(&actor, &app.workspace_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|member| (member.user_id, member.name))
        .collect();
    let local = |ms| ssr::local_time(&workspace, ms);
    let message_times = conversation
        .messages
        .iter()
        .map(|message| (message.id.clone(), local(message.created_at)))
        .collect();
    let me = match &actor.principal {
        domain::Principal::User(user) => user.id.clone(),
        domain::Principal::Operator => String::new(),
    };
    Ok(InboxConversationView {
        may_reply: actor.can(&app.workspace_id, Permission::ConversationsReply),
        may_assign: actor.can(&app.workspace_id, Permission::ConversationsAssign),
        may_close: actor.can(&app.workspace_id, Permission::ConversationsClose),
        conversation,
        timezone: workspace.timezone.clone(),
        message_times,
        members,
        me,
    })
}

/// A reply to the visitor, or an internal note when `internal` is ticked.
#[server(prefix = "/sfn", endpoint = "inbox-reply")]
pub async fn reply_in_inbox(
    id: String,
    body: String,
    internal: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let reply = model::desk::conversations::Reply {
        body,
        internal: internal.is_some(),
    };
    services.desk().reply(&actor, &id, reply).await?;
    Ok(())
}

/// Assigns the conversation to a member, or to nobody (an empty `assignee`).
#[server(prefix = "/sfn", endpoint = "inbox-assign")]
pub async fn assign_in_inbox(id: String, assignee: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let assignee = assignee.trim();
    let patch = model::desk::conversations::ConversationPatch {
        assignee_id: Some((!assignee.is_empty()).then(|| assignee.to_owned())),
        ..Default::default()
    };
    services
        .desk()
        .update_conversation(&actor, &id, patch)
        .await?;
    Ok(())
}

/// Opens, closes or snoozes the conversation (`snooze_hours` from now).
#[server(prefix = "/sfn", endpoint = "inbox-status")]
pub async fn set_inbox_status(
    id: String,
    status: String,
    snooze_hours: Option<i64>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let status = ssr::parsed(
        "status",
        Some(status),
        model::desk::conversations::ConversationStatus::parse,
    )?;
    let patch = model::desk::conversations::ConversationPatch {
        status,
        snoozed_until: snooze_hours
            .map(|hours| domain::now_ms().saturating_add(hours.saturating_mul(3_600_000))),
        ..Default::default()
    };
    services
        .desk()
        .update_conversation(&actor, &id, patch)
        .await?;
    Ok(())
}
