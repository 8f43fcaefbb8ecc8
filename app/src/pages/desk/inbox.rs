//! Inbox: the workspace's support conversations, filtered by status and assignee with unread
//! badges, and one conversation's thread with the reply box, internal notes, assignment, snooze
//! and close.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::desk::conversations::{ConversationStatus, SenderKind};
use model::desk::dashboard::{InboxConversationView, InboxView};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::server_fns::desk::inbox::{
    AssignInInbox, ReplyInInbox, SetInboxStatus, load_inbox, load_inbox_conversation,
};

#[component]
pub fn InboxPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = Resource::new(
        move || {
            (
                slug(),
                field("status").or_else(|| Some("open".to_owned())),
                field("assignee"),
                field("cursor"),
            )
        },
        |(slug, status, assignee, cursor)| {
            let status = status.filter(|status| status != "all");
            load_inbox(slug, status, assignee, cursor)
        },
    );
    let selected = move |name: &str, value: &str, default: &str| {
        field(name).as_deref().unwrap_or(default) == value
    };
    view! {
        <Title text="Inbox · Switchboard" />
        <header class="page-header">
            <h1>"Inbox"</h1>
            <p class="lede">"Conversations visitors start from the widget, most recent first. Bold ones have messages you have not read."</p>
        </header>
        <form class="filters card" method="get" id="inbox-filters">
            <label>
                "Status"
                <select name="status">
                    {["open", "snoozed", "closed", "all"]
                        .into_iter()
                        .map(|status| view! { <option value=status selected=move || selected("status", status, "open")>{status}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Assigned to"
                <select name="assignee">
                    <option value="" selected=move || selected("assignee", "", "")>"anyone"</option>
                    <option value="me" selected=move || selected("assignee", "me", "")>"me"</option>
                    <option value="none" selected=move || selected("assignee", "none", "")>"nobody"</option>
                </select>
            </label>
            <div class="filter-actions">
                <button class="button" type="submit">"Filter"</button>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Loading the inbox…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => {
                        let filters = ["status", "assignee"]
                            .into_iter()
                            .filter_map(|name| field(name).map(|value| (name, value)))
                            .collect();
                        view! { <InboxList view slug=slug() filters /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InboxList(view: InboxView, slug: String, filters: Vec<(&'static str, String)>) -> impl IntoView {
    let InboxView {
        workspace_name,
        timezone,
        rows,
        next_cursor,
    } = view;
    if rows.is_empty() {
        return view! {
            <section class="card empty-state" id="inbox">
                <h2>"Nothing here"</h2>
                <p class="muted">"No conversation matches. Visitors write from the widget: see the Widget page."</p>
            </section>
        }
        .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let item = row.item;
            let who = item
                .contact_name
                .clone()
                .or(item.contact_email.clone())
                .unwrap_or_else(|| "Visitor".to_owned());
            let href = format!("/apps/{slug}/inbox/{}", item.conversation.id);
            let class = if item.unread > 0 { "unread" } else { "" };
            view! {
                <tr class=class data-conversation=item.conversation.id.clone()>
                    <th scope="row"><a href=href>{who}</a></th>
                    <td>{item.conversation.channel.clone()}</td>
                    <td>{item.conversation.status.clone()}</td>
                    <td>{if item.conversation.assignee_id.is_some() { "assigned" } else { "unassigned" }}</td>
                    <td>
                        {(item.unread > 0).then(|| view! { <span class="badge warn" title="unread messages">{format!("{} new", item.unread)}</span> })}
                    </td>
                    <td>{row.last_message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card flush" aria-labelledby="inbox-title">
            <h2 id="inbox-title" class="card-title">{format!("{workspace_name}: conversations")}</h2>
            <table class="table" id="inbox">
                <thead>
                    <tr>
                        <th scope="col">"Contact"</th>
                        <th scope="col">"Channel"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Assignee"</th>
                        <th scope="col">"Unread"</th>
                        <th scope="col">{format!("Last message ({timezone})")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        <Pager next_cursor filters />
    }
    .into_any()
}

#[component]
pub fn InboxConversationPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("slug").unwrap_or_default(),
            params.get("id").unwrap_or_default(),
        )
    };
    let reply = ServerAction::<ReplyInInbox>::new();
    let assign = ServerAction::<AssignInInbox>::new();
    let status = ServerAction::<SetInboxStatus>::new();
    let loaded = Resource::new(key, |(slug, id)| load_inbox_conversation(slug, id));
    let failure = move || {
        last_error(reply)
            .or_else(|| last_error(assign))
            .or_else(|| last_error(status))
    };
    view! {
        <Title text="Conversation · Switchboard" />
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading the conversation…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <Thread view slug=key().0 reply assign status /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Thread(
    view: InboxConversationView,
    slug: String,
    reply: ServerAction<ReplyInInbox>,
    assign: ServerAction<AssignInInbox>,
    status: ServerAction<SetInboxStatus>,
) -> impl IntoView {
    let InboxConversationView {
        conversation,
        timezone,
        message_times,
        members,
        me,
        may_reply,
        may_assign,
        may_close,
    } = view;
    let id = conversation.conversation.id.clone();
    let contact = conversation.contact;
    let who = contact
        .name
        .clone()
        .or(contact.email.clone())
        .unwrap_or_else(|| "Visitor".to_owned());
    let current = ConversationStatus::parse(&conversation.conversation.status)
        .unwrap_or(ConversationStatus::Open);
    let assignee = conversation.conversation.assignee_id.clone();
    let assignee_name = assignee.as_ref().map(|assigned| {
        members
            .iter()
            .find(|(user_id, _)| user_id == assigned)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| "a former member".to_owned())
    });
    let messages = conversation
        .messages
        .into_iter()
        .map(|message| {
            let author = match (message.sender, message.internal) {
                (_, true) => "Internal note",
                (SenderKind::Visitor, _) => "Visitor",
                (SenderKind::Agent, _) => "Agent",
                (SenderKind::Bot, _) => "System",
            };
            let class = if message.internal {
                "chat-message note".to_owned()
            } else {
                format!("chat-message {}", message.sender.as_str())
            };
            let at = message_times.get(&message.id).cloned().unwrap_or_default();
            view! {
                <li class=class>
                    <span class="chat-meta">{author}" · "{at}</span>
                    <p>{message.body}</p>
                </li>
            }
        })
        .collect_view();
    let reply_id = id.clone();
    let status_buttons = may_close.then(|| {
        let actions: Vec<(&str, &str, Option<i64>)> = match current {
            ConversationStatus::Open => vec![
                ("closed", "Close", None),
                ("snoozed", "Snooze 1 hour", Some(1)),
                ("snoozed", "Snooze until tomorrow", Some(24)),
            ],
            ConversationStatus::Snoozed => vec![("open", "Reopen", None), ("closed", "Close", None)],
            ConversationStatus::Closed => vec![("open", "Reopen", None)],
        };
        actions
            .into_iter()
            .map(|(to, label, hours)| {
                let id = id.clone();
                view! {
                    <ActionForm action=status attr:class="inline-form">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="status" value=to />
                        {hours.map(|hours| view! { <input type="hidden" name="snooze_hours" value=hours /> })}
                        <button class="button secondary" type="submit">{label}</button>
                    </ActionForm>
                }
            })
            .collect_view()
    });
    let assign_form = may_assign.then(|| {
        let (take_id, form_id, me) = (id.clone(), id.clone(), me.clone());
        let take = (assignee.as_deref() != Some(me.as_str()) && !me.is_empty()).then(|| {
            view! {
                <ActionForm action=assign attr:class="inline-form">
                    <input type="hidden" name="id" value=take_id />
                    <input type="hidden" name="assignee" value=me.clone() />
                    <button class="button secondary" type="submit">"Assign to me"</button>
                </ActionForm>
            }
        });
        let options = members
            .iter()
            .map(|(user_id, name)| {
                let selected = assignee.as_deref() == Some(user_id.as_str());
                view! { <option value=user_id.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view();
        view! {
            {take}
            <ActionForm action=assign attr:class="inline-form" attr:id="assign-form">
                <input type="hidden" name="id" value=form_id />
                <label>
                    <span class="visually-hidden">"Assignee"</span>
                    <select name="assignee">
                        <option value="" selected=assignee.is_none()>"nobody"</option>
                        {options}
                    </select>
                </label>
                <button class="button secondary small-button" type="submit">"Assign"</button>
            </ActionForm>
        }
    });
    view! {
        <header class="page-header">
            <p class="breadcrumb"><a href=format!("/apps/{slug}/inbox")>"Inbox"</a></p>
            <h1>{who.clone()}</h1>
        </header>
        <div class="detail-layout">
            <section class="card" aria-labelledby="thread-title" id="inbox-thread">
                <h2 id="thread-title">{format!("{} · {}", conversation.conversation.channel, current.as_str())}</h2>
                <ol class="chat-thread">{messages}</ol>
                {may_reply.then(|| view! {
                    <ActionForm action=reply attr:class="form reply-form" attr:id="reply-form">
                        <input type="hidden" name="id" value=reply_id />
                        <label>
                            "Reply"
                            <textarea name="body" rows="3" required maxlength="5000" placeholder="Write to the visitor…"></textarea>
                        </label>
                        <div class="form-actions">
                            <label class="checkbox"><input type="checkbox" name="internal" value="on" />" Internal note (members only)"</label>
                            <button class="button" type="submit">"Send"</button>
                        </div>
                    </ActionForm>
                })}
                <p class="muted small">{format!("Times in {timezone}.")}</p>
            </section>
            <aside class="detail-side">
                <section class="card" id="conversation-actions">
                    <h2>"Conversation"</h2>
                    <dl class="facts compact">
                        <dt>"Status"</dt><dd id="conversation-status">{current.as_str()}</dd>
                        <dt>"Assignee"</dt><dd id="conversation-assignee">{assignee_name.unwrap_or_else(|| "nobody".to_owned())}</dd>
                    </dl>
                    <div class="handoff-actions">{status_buttons}{assign_form}</div>
                </section>
                <section class="card">
                    <h2>"Contact"</h2>
                    <dl class="facts compact">
                        <dt>"Name"</dt><dd>{who}</dd>
                        <dt>"Email (claimed)"</dt><dd>{contact.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"Identity"</dt><dd>{if contact.identity_verified { "verified" } else { "unverified" }}</dd>
                    </dl>
                    <p><a href=format!("/apps/{slug}/contacts/{}", contact.id)>"The contact's history"</a></p>
                </section>
            </aside>
        </div>
    }
}
