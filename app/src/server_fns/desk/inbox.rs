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
    channel: Option<String>,
    tag: Option<String>,
    needs_human: Option<bool>,
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
                channel,
                tag,
                needs_human,
                cursor,
                limit: None,
            },
        )
        .await?;
    let tags = services
        .desk()
        .tags(
            &actor,
            model::desk::tags::TagQuery {
                workspace_id: Some(workspace.id.clone()),
            },
        )
        .await?
        .tags;
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
        workspace_id: workspace.id.clone(),
        workspace_name: workspace.name.clone(),
        timezone: workspace.timezone.clone(),
        tags,
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
    let workspace_query = Some(app.workspace_id.clone());
    let tags = services
        .desk()
        .tags(
            &actor,
            model::desk::tags::TagQuery {
                workspace_id: workspace_query.clone(),
            },
        )
        .await?
        .tags;
    let snippets = services
        .desk()
        .snippets(
            &actor,
            model::desk::snippets::SnippetQuery {
                workspace_id: workspace_query,
                ..Default::default()
            },
        )
        .await?
        .snippets
        .into_iter()
        .filter(|snippet| snippet.shortcut.is_some())
        .collect();
    Ok(InboxConversationView {
        may_reply: actor.can(&app.workspace_id, Permission::ConversationsReply),
        may_assign: actor.can(&app.workspace_id, Permission::ConversationsAssign),
        may_close: actor.can(&app.workspace_id, Permission::ConversationsClose),
        may_ticket: actor.can(&app.workspace_id, Permission::TicketsManage),
        tags,
        snippets,
        workspace_id: app.workspace_id.clone(),
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

/// Opens, closes or snoozes the conversation: `snooze_hours` from now, or until
/// `snooze_until` (a `datetime-local` value, in the workspace's timezone).
#[server(prefix = "/sfn", endpoint = "inbox-status")]
pub async fn set_inbox_status(
    slug: String,
    id: String,
    status: String,
    snooze_hours: Option<i64>,
    snooze_until: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let status = ssr::parsed(
        "status",
        Some(status),
        model::desk::conversations::ConversationStatus::parse,
    )?;
    let snoozed_until = match ssr::given(snooze_until) {
        Some(text) => {
            let (_, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
            Some(
                domain::platform::workspaces::local_datetime_ms(&text, &workspace.timezone)
                    .ok_or_else(|| {
                        UiError::new(
                            model::ErrorCode::InvalidInput,
                            "Snooze until: choose a date and a time",
                        )
                    })?,
            )
        }
        None => snooze_hours
            .map(|hours| domain::now_ms().saturating_add(hours.saturating_mul(3_600_000))),
    };
    let patch = model::desk::conversations::ConversationPatch {
        status,
        snoozed_until,
        ..Default::default()
    };
    services
        .desk()
        .update_conversation(&actor, &id, patch)
        .await?;
    Ok(())
}

/// Puts a tag of the workspace on the conversation.
#[server(prefix = "/sfn", endpoint = "inbox-tag")]
pub async fn tag_in_inbox(id: String, tag_id: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services.desk().attach_tag(&actor, &id, &tag_id).await?;
    Ok(())
}

/// Takes a tag off the conversation.
#[server(prefix = "/sfn", endpoint = "inbox-untag")]
pub async fn untag_in_inbox(id: String, tag_id: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services.desk().detach_tag(&actor, &id, &tag_id).await?;
    Ok(())
}

/// Converts the conversation to a ticket and opens the ticket's page.
#[server(prefix = "/sfn", endpoint = "inbox-ticket")]
pub async fn convert_to_ticket(
    slug: String,
    id: String,
    subject: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let ticket = services
        .desk()
        .create_ticket(
            &actor,
            model::desk::tickets::CreateTicket {
                conversation_id: Some(id),
                subject: ssr::given(subject),
                ..Default::default()
            },
        )
        .await?;
    leptos_axum::redirect(&format!(
        "/apps/{}/tickets/{}",
        crate::format::path_segment(&slug),
        ticket.id
    ));
    Ok(())
}
