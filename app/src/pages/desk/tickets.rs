//! Tickets: the workspace's tickets by status and assignee, a form to open one, and one
//! ticket's page with its comments (internal ones marked), form data, and its workflow.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::desk::dashboard::{TicketView, TicketsView};
use model::desk::tickets::{Priority, TicketStatus};

use crate::components::keyboard_shortcuts::KeyboardShortcuts;
use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::pages::desk::ThreadEntry;
use crate::server_fns::desk::tickets::{
    CommentOnTicket, CreateTicket, UpdateTicket, load_ticket, load_tickets,
};

fn member_name(members: &[(String, String)], id: Option<&str>) -> String {
    match id {
        None => "nobody".to_owned(),
        Some(id) => members
            .iter()
            .find(|(user_id, _)| user_id == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| "a former member".to_owned()),
    }
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let create = ServerAction::<CreateTicket>::new();
    let page = Resource::new(
        move || (slug(), field("status"), field("assignee"), field("cursor")),
        |(slug, status, assignee, cursor)| load_tickets(slug, status, assignee, cursor),
    );
    let selected =
        move |name: &str, value: &str| field(name).as_deref().unwrap_or_default() == value;
    view! {
        <Title text="Tickets · Switchboard" />
        <KeyboardShortcuts />
        <header class="page-header">
            <h1>"Tickets"</h1>
            <p class="lede">"Work that outlives a conversation: filed by visitors from the widget, opened here, or converted from a conversation."</p>
            <p class="muted small">"Keys: j and k move through the list, n opens a new ticket's subject."</p>
        </header>
        {move || last_error(create).map(|error| view! { <ErrorNotice error /> })}
        <form class="filters card" method="get">
            <label>
                "Status"
                <select name="status">
                    <option value="" selected=move || selected("status", "")>"any"</option>
                    {TicketStatus::ALL
                        .into_iter()
                        .map(|status| view! { <option value=status.as_str() selected=move || selected("status", status.as_str())>{status.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Assigned to"
                <select name="assignee">
                    <option value="" selected=move || selected("assignee", "")>"anyone"</option>
                    <option value="me" selected=move || selected("assignee", "me")>"me"</option>
                    <option value="none" selected=move || selected("assignee", "none")>"nobody"</option>
                </select>
            </label>
            <div class="filter-actions"><button class="button" type="submit">"Filter"</button></div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Loading the tickets…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => {
                        let filters = ["status", "assignee"]
                            .into_iter()
                            .filter_map(|name| field(name).map(|value| (name, value)))
                            .collect();
                        view! { <TicketList view slug=slug() filters create /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketList(
    view: TicketsView,
    slug: String,
    filters: Vec<(&'static str, String)>,
    create: ServerAction<CreateTicket>,
) -> impl IntoView {
    let TicketsView {
        timezone,
        rows,
        next_cursor,
        members,
        may_manage,
    } = view;
    let form_slug = slug.clone();
    let new_ticket = may_manage.then(move || {
        view! {
            <section class="card" aria-labelledby="new-ticket">
                <h2 id="new-ticket">"New ticket"</h2>
                <ActionForm action=create attr:class="form grid-form">
                    <input type="hidden" name="slug" value=form_slug />
                    <label>"Subject"<input type="text" name="subject" required maxlength="200" data-shortcut="n" aria-keyshortcuts="n" /></label>
                    <label>
                        "Priority"
                        <select name="priority">
                            {Priority::ALL
                                .into_iter()
                                .map(|priority| view! { <option value=priority.as_str() selected=priority == Priority::Normal>{priority.as_str()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label class="wide">"Description"<textarea name="description" rows="3" maxlength="10000"></textarea></label>
                    <div class="form-actions"><button class="button" type="submit">"Open the ticket"</button></div>
                </ActionForm>
            </section>
        }
    });
    let body = if rows.is_empty() {
        view! {
            <section class="card empty-state" id="tickets">
                <h2>"No tickets"</h2>
                <p class="muted">"None matches. Convert a conversation from the Inbox, or open one above."</p>
            </section>
        }
        .into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|(ticket, created)| {
                let href = format!("/apps/{slug}/tickets/{}", ticket.id);
                let assignee = member_name(&members, ticket.assignee_id.as_deref());
                let priority = ticket.priority.as_str();
                view! {
                    <tr data-ticket=ticket.id.clone()>
                        <th scope="row"><a href=href data-row-link="">{ticket.subject}</a></th>
                        <td><span class=format!("badge status-{}", ticket.status.as_str())>{ticket.status.label()}</span></td>
                        <td><span class=format!("badge priority-{priority}")>{priority}</span></td>
                        <td>{assignee}</td>
                        <td>{created}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card flush" aria-labelledby="tickets-title">
                <h2 id="tickets-title" class="card-title">"Tickets"</h2>
                <table class="table" id="tickets">
                    <thead>
                        <tr>
                            <th scope="col">"Subject"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Priority"</th>
                            <th scope="col">"Assignee"</th>
                            <th scope="col">{format!("Opened ({timezone})")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
        .into_any()
    };
    view! {
        {new_ticket}
        {body}
        <Pager next_cursor filters />
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("slug").unwrap_or_default(),
            params.get("id").unwrap_or_default(),
        )
    };
    let update = ServerAction::<UpdateTicket>::new();
    let comment = ServerAction::<CommentOnTicket>::new();
    let loaded = Resource::new(key, |(slug, id)| load_ticket(slug, id));
    let failure = move || last_error(update).or_else(|| last_error(comment));
    view! {
        <Title text="Ticket · Switchboard" />
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading the ticket…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <TicketDetail view slug=key().0 update comment /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TicketDetail(
    view: TicketView,
    slug: String,
    update: ServerAction<UpdateTicket>,
    comment: ServerAction<CommentOnTicket>,
) -> impl IntoView {
    let TicketView {
        detail,
        timezone,
        created,
        comment_times,
        contact_name,
        members,
        may_manage,
    } = view;
    let ticket = detail.ticket;
    let id = ticket.id.clone();
    let comments = detail
        .comments
        .into_iter()
        .map(|comment| {
            let at = comment_times.get(&comment.id).cloned().unwrap_or_default();
            view! {
                <ThreadEntry sender=comment.author internal=comment.internal internal_label="Internal comment" at body=comment.body />
            }
        })
        .collect_view();
    let form_data = detail.form.map(|form| {
        let data = ticket.form_data.clone().unwrap_or_default();
        let answers = form
            .fields
            .into_iter()
            .map(|field| {
                let answer = match data.get(&field.id) {
                    Some(serde_json::Value::String(text)) => text.clone(),
                    Some(serde_json::Value::Array(items)) => items
                        .iter()
                        .filter_map(|item| item.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    Some(serde_json::Value::Null) | None => "—".to_owned(),
                    Some(other) => other.to_string(),
                };
                view! { <dt>{field.label}</dt><dd>{answer}</dd> }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="form-title">
                <h2 id="form-title">{form.name}</h2>
                <dl class="facts compact">{answers}</dl>
            </section>
        }
    });
    let status = ticket.status;
    let next_states: Vec<TicketStatus> = TicketStatus::ALL
        .into_iter()
        .filter(|to| status.can_become(*to))
        .collect();
    let assignee_label = member_name(&members, ticket.assignee_id.as_deref());
    let current_assignee = ticket.assignee_id.clone();
    let current_priority = ticket.priority;
    let options = members
        .iter()
        .map(|(user_id, name)| {
            let chosen = current_assignee.as_deref() == Some(user_id.as_str());
            view! { <option value=user_id.clone() selected=chosen>{name.clone()}</option> }
        })
        .collect_view();
    let moves = next_states
        .iter()
        .copied()
        .filter(|to| *to != TicketStatus::Resolved)
        .map(|to| {
            let id = id.clone();
            view! {
                <ActionForm action=update attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="status" value=to.as_str() />
                    <button class="button secondary" type="submit">{to.label()}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let resolve_id = id.clone();
    let resolve = next_states.contains(&TicketStatus::Resolved).then(move || {
        view! {
            <ActionForm action=update attr:class="form" attr:id="resolve-form">
                <input type="hidden" name="id" value=resolve_id />
                <input type="hidden" name="status" value="resolved" />
                <label>"Resolution summary"<textarea name="resolution_summary" rows="2" maxlength="5000"></textarea></label>
                <button class="button" type="submit">"Resolve"</button>
            </ActionForm>
        }
    });
    let assign_id = id.clone();
    let no_assignee = current_assignee.is_none();
    let workflow = may_manage.then(move || {
        view! {
            <section class="card" aria-labelledby="workflow-title">
                <h2 id="workflow-title">"Workflow"</h2>
                <div class="handoff-actions">{moves}</div>
                {resolve}
                <ActionForm action=update attr:class="inline-form" attr:id="ticket-assign">
                    <input type="hidden" name="id" value=assign_id />
                    <label>
                        "Assignee"
                        <select name="assignee">
                            <option value="" selected=no_assignee>"nobody"</option>
                            {options}
                        </select>
                    </label>
                    <label>
                        "Priority"
                        <select name="priority">
                            {Priority::ALL
                                .into_iter()
                                .map(|priority| view! { <option value=priority.as_str() selected=priority == current_priority>{priority.as_str()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <button class="button secondary small-button" type="submit">"Save"</button>
                </ActionForm>
            </section>
        }
    });
    let comment_form = may_manage.then(move || {
        view! {
            <ActionForm action=comment attr:class="form reply-form" attr:id="comment-form">
                <input type="hidden" name="id" value=id />
                <label>"Comment"<textarea name="body" rows="3" required maxlength="5000"></textarea></label>
                <div class="form-actions">
                    <label class="checkbox"><input type="checkbox" name="internal" value="on" />" Internal (members only)"</label>
                    <button class="button" type="submit">"Comment"</button>
                </div>
            </ActionForm>
        }
    });
    let conversation = ticket.conversation_id.clone().map(|conversation| {
        view! { <dt>"From"</dt><dd><a href=format!("/apps/{slug}/inbox/{conversation}")>"the conversation"</a></dd> }
    });
    let contact = ticket.contact_id.clone().map(|contact_id| {
        let name = contact_name.clone().unwrap_or_else(|| "Visitor".to_owned());
        view! { <dt>"Contact"</dt><dd><a href=format!("/apps/{slug}/contacts/{contact_id}")>{name}</a></dd> }
    });
    view! {
        <header class="page-header">
            <p class="breadcrumb"><a href=format!("/apps/{slug}/tickets")>"Tickets"</a></p>
            <h1>{ticket.subject.clone()}</h1>
        </header>
        <div class="detail-layout">
            <section class="card" aria-labelledby="comments-title">
                {ticket.description.clone().map(|text| view! { <p class="ticket-description">{text}</p> })}
                <h2 id="comments-title">"Comments"</h2>
                <ol class="chat-thread">{comments}</ol>
                {comment_form}
                <p class="muted small">{format!("Times in {timezone}.")}</p>
            </section>
            <aside class="detail-side">
                <section class="card">
                    <h2>"Ticket"</h2>
                    <dl class="facts compact" id="ticket-facts">
                        <dt>"Status"</dt><dd id="ticket-status">{status.label()}</dd>
                        <dt>"Priority"</dt><dd>{ticket.priority.as_str()}</dd>
                        <dt>"Assignee"</dt><dd>{assignee_label}</dd>
                        <dt>"Opened"</dt><dd>{created}</dd>
                        {contact}
                        {conversation}
                        {ticket.resolution_summary.clone().map(|summary| view! { <dt>"Resolution"</dt><dd>{summary}</dd> })}
                    </dl>
                </section>
                {workflow}
                {form_data}
            </aside>
        </div>
    }
}
