//! The Tickets pages: the workspace's tickets, one ticket with its comments and form data.

use leptos::prelude::*;
use model::desk::dashboard::{TicketView, TicketsView};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The workspace's members, to assign to: (user id, name).
#[cfg(feature = "ssr")]
async fn members(
    services: &domain::Services,
    actor: &domain::Actor,
    workspace_id: &str,
) -> Vec<(String, String)> {
    services
        .platform()
        .workspace_members(actor, workspace_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|member| (member.user_id, member.name))
        .collect()
}

/// A page of the tickets of the app's workspace.
#[server(prefix = "/sfn", endpoint = "tickets")]
pub async fn load_tickets(
    slug: String,
    status: Option<String>,
    assignee: Option<String>,
    cursor: Option<String>,
) -> Result<TicketsView, UiError> {
    use model::platform::users::Permission;

    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let page = services
        .desk()
        .tickets(
            &actor,
            model::desk::tickets::TicketQuery {
                workspace_id: Some(app.workspace_id.clone()),
                status,
                assignee,
                cursor,
                limit: None,
            },
        )
        .await?;
    Ok(TicketsView {
        rows: page
            .tickets
            .into_iter()
            .map(|ticket| {
                let created = ssr::local_time(&workspace, ticket.created_at);
                (ticket, created)
            })
            .collect(),
        next_cursor: page.next_cursor,
        timezone: workspace.timezone.clone(),
        members: members(&services, &actor, &app.workspace_id).await,
        may_manage: actor.can(&app.workspace_id, Permission::TicketsManage),
    })
}

/// One ticket of the app's workspace.
#[server(prefix = "/sfn", endpoint = "ticket")]
pub async fn load_ticket(slug: String, id: String) -> Result<TicketView, UiError> {
    use model::platform::users::Permission;

    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let detail = services.desk().ticket(&actor, &id).await?;
    if detail.ticket.workspace_id != app.workspace_id {
        return Err(domain::Error::NotFound("ticket").into());
    }
    let contact_name = match &detail.ticket.contact_id {
        Some(contact_id) => services
            .desk()
            .contact(&actor, contact_id)
            .await
            .ok()
            .map(|contact| {
                contact
                    .contact
                    .name
                    .or(contact.contact.email)
                    .unwrap_or_else(|| "Visitor".to_owned())
            }),
        None => None,
    };
    let comment_times = detail
        .comments
        .iter()
        .map(|comment| {
            (
                comment.id.clone(),
                ssr::local_time(&workspace, comment.created_at),
            )
        })
        .collect();
    Ok(TicketView {
        created: ssr::local_time(&workspace, detail.ticket.created_at),
        detail,
        timezone: workspace.timezone.clone(),
        comment_times,
        contact_name,
        members: members(&services, &actor, &app.workspace_id).await,
        may_manage: actor.can(&app.workspace_id, Permission::TicketsManage),
    })
}

/// A new ticket of the app's workspace; opens its page.
#[server(prefix = "/sfn", endpoint = "ticket-create")]
pub async fn create_ticket(
    slug: String,
    subject: String,
    description: Option<String>,
    priority: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, _) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let priority = ssr::parsed("priority", priority, model::desk::tickets::Priority::parse)?;
    let ticket = services
        .desk()
        .create_ticket(
            &actor,
            model::desk::tickets::CreateTicket {
                workspace_id: Some(app.workspace_id),
                subject: Some(subject),
                description: ssr::given(description),
                priority,
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

/// Changes a ticket's status (with a summary when resolving), priority or assignee.
#[server(prefix = "/sfn", endpoint = "ticket-update")]
pub async fn update_ticket(
    id: String,
    status: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
    resolution_summary: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let status = ssr::parsed("status", status, model::desk::tickets::TicketStatus::parse)?;
    let priority = ssr::parsed("priority", priority, model::desk::tickets::Priority::parse)?;
    let patch = model::desk::tickets::TicketPatch {
        status,
        priority,
        // The assignee select sends "" for nobody; no select at all changes nothing.
        assignee_id: assignee.map(|assignee| ssr::given(Some(assignee))),
        resolution_summary: ssr::given(resolution_summary),
    };
    services.desk().update_ticket(&actor, &id, patch).await?;
    Ok(())
}

/// A comment on a ticket, internal when ticked.
#[server(prefix = "/sfn", endpoint = "ticket-comment")]
pub async fn comment_on_ticket(
    id: String,
    body: String,
    internal: Option<String>,
) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    services
        .desk()
        .comment_on_ticket(
            &actor,
            &id,
            model::desk::tickets::WriteComment {
                body,
                internal: internal.is_some(),
            },
        )
        .await?;
    Ok(())
}
