//! The Contacts pages: a workspace's contacts, and one contact's history.

use leptos::prelude::*;
use model::desk::dashboard::{ContactView, ContactsView};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// A page of the contacts of the app's workspace, searched by email, name or user id.
#[server(prefix = "/sfn", endpoint = "contacts")]
pub async fn load_contacts(
    slug: String,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<ContactsView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let page = services
        .desk()
        .list_contacts(
            &actor,
            model::desk::contacts::ContactQuery {
                workspace_id: Some(app.workspace_id),
                search,
                cursor,
                ..Default::default()
            },
        )
        .await?;
    let local = |ms| ssr::local_time(&workspace, ms);
    Ok(ContactsView {
        rows: page
            .contacts
            .into_iter()
            .map(|contact| model::desk::dashboard::ContactRow {
                last_seen: local(contact.last_seen_at),
                contact,
            })
            .collect(),
        next_cursor: page.next_cursor,
        workspace_name: workspace.name.clone(),
        timezone: workspace.timezone.clone(),
    })
}

/// One contact of the app's workspace, with their conversations.
#[server(prefix = "/sfn", endpoint = "contact")]
pub async fn load_contact(slug: String, id: String) -> Result<ContactView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let detail = services.desk().contact(&actor, &id).await?;
    if detail.contact.workspace_id != app.workspace_id {
        return Err(domain::Error::NotFound("contact").into());
    }
    let local = |ms| ssr::local_time(&workspace, ms);
    let message_times = detail
        .conversations
        .iter()
        .flat_map(|thread| &thread.messages)
        .map(|message| (message.id.clone(), local(message.created_at)))
        .collect();
    let call_times = detail
        .calls
        .iter()
        .map(|call| (call.session_id.clone(), local(call.started_at)))
        .collect();
    Ok(ContactView {
        call_times,
        first_seen: local(detail.contact.first_seen_at),
        last_seen: local(detail.contact.last_seen_at),
        message_times,
        timezone: workspace.timezone.clone(),
        detail,
    })
}
