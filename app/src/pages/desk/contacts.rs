//! Contacts: the people who reached the workspace through its widget, searchable, and each
//! one's history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::desk::contacts::Contact;
use model::desk::conversations::{ConversationThread, SenderKind};
use model::desk::dashboard::{ContactView, ContactsView};

use crate::components::notice::PageError;
use crate::components::pager::Pager;
use crate::server_fns::desk::contacts::{load_contact, load_contacts};

#[component]
pub fn ContactsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = Resource::new(
        move || (slug(), field("search"), field("cursor")),
        |(slug, search, cursor)| load_contacts(slug, search, cursor),
    );
    view! {
        <Title text="Contacts · Switchboard" />
        <header class="page-header">
            <h1>"Contacts"</h1>
            <p class="lede">"Everyone who reached this workspace through its widget, most recently seen first. Verified contacts proved who they are with a signed user hash; emails and names are what visitors said."</p>
        </header>
        <form class="filters card" method="get" id="contact-search" role="search">
            <label>"Search" <input type="search" name="search" placeholder="email, name or user id" value=move || field("search") /></label>
            <div class="filter-actions">
                <button class="button" type="submit">"Search"</button>
                <a class="button secondary" href="?">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Loading contacts…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => {
                        let filters = field("search").map(|s| vec![("search", s)]).unwrap_or_default();
                        view! { <ContactTable view slug=slug() filters /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContactTable(
    view: ContactsView,
    slug: String,
    filters: Vec<(&'static str, String)>,
) -> impl IntoView {
    let ContactsView {
        workspace_name,
        timezone,
        rows,
        next_cursor,
    } = view;
    if rows.is_empty() {
        return view! {
            <section class="card empty-state" id="contacts">
                <h2>"No contacts yet"</h2>
                <p class="muted">"Contacts appear when visitors open the widget on an allowed site: see the Widget page for the snippet."</p>
            </section>
        }
        .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let href = format!("/apps/{slug}/contacts/{}", row.contact.id);
            view! {
                <tr>
                    <th scope="row"><a href=href>{display_name(&row.contact)}</a></th>
                    <td>{row.contact.email.clone().unwrap_or_default()}</td>
                    <td class="mono">{row.contact.external_user_id.clone().unwrap_or_default()}</td>
                    <td><Verified contact=row.contact.clone() /></td>
                    <td>{row.last_seen}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card flush" aria-labelledby="contacts-title">
            <h2 id="contacts-title" class="card-title">{format!("{workspace_name}: contacts")}</h2>
            <table class="table" id="contacts">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email (claimed)"</th>
                        <th scope="col">"User id"</th>
                        <th scope="col">"Identity"</th>
                        <th scope="col">{format!("Last seen ({timezone})")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        <Pager next_cursor filters />
    }
    .into_any()
}

fn display_name(contact: &Contact) -> String {
    contact
        .name
        .clone()
        .or_else(|| contact.email.clone())
        .unwrap_or_else(|| format!("Visitor {}", &contact.id[..contact.id.len().min(8)]))
}

#[component]
fn Verified(contact: Contact) -> impl IntoView {
    if contact.identity_verified {
        view! { <span class="badge ok">"verified"</span> }.into_any()
    } else {
        view! { <span class="badge off">"unverified"</span> }.into_any()
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("slug").unwrap_or_default(),
            params.get("id").unwrap_or_default(),
        )
    };
    let detail = Resource::new(key, |(slug, id)| load_contact(slug, id));
    view! {
        <Title text="Contact · Switchboard" />
        <Suspense fallback=|| view! { <p class="muted">"Loading the contact…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(view) => view! { <ContactDetailView view slug=key().0 /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContactDetailView(view: ContactView, slug: String) -> impl IntoView {
    let ContactView {
        detail,
        timezone,
        first_seen,
        last_seen,
        message_times,
        call_times,
    } = view;
    let contact = detail.contact;
    let place = contact.location.as_ref().map(|l| {
        [&l.city, &l.region, &l.country]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    });
    let device = contact.device.as_ref().map(|d| {
        [&d.browser, &d.os, &d.device_type]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" · ")
    });
    let attributes = contact
        .custom_attributes
        .iter()
        .map(|(key, value)| view! { <dt class="mono">{key.clone()}</dt><dd>{value.to_string()}</dd> })
        .collect_view();
    let calls = detail
        .calls
        .into_iter()
        .map(|call| {
            let rating = call
                .csat_rating
                .map(|rating| format!("{rating}/5"))
                .unwrap_or_else(|| "not rated".to_owned());
            view! {
                <tr>
                    <td class="mono">{call.room_name}</td>
                    <td>{call.status}</td>
                    <td>{call_times.get(&call.session_id).cloned().unwrap_or_default()}</td>
                    <td>{rating}{call.csat_comment.map(|comment| format!(": {comment}"))}</td>
                </tr>
            }
        })
        .collect_view();
    let threads = detail
        .conversations
        .into_iter()
        .map(|thread| view! { <Thread thread times=message_times.clone() /> })
        .collect_view();
    view! {
        <header class="page-header">
            <p class="breadcrumb"><a href=format!("/apps/{slug}/contacts")>"Contacts"</a></p>
            <h1>{display_name(&contact)}</h1>
        </header>
        <div class="detail-layout">
            <section class="card flush" aria-labelledby="threads-title" id="contact-conversations">
                <h2 id="threads-title" class="card-title">"Conversations"</h2>
                {if threads.is_empty() {
                    view! { <p class="muted card-section">"No conversation yet."</p> }.into_any()
                } else {
                    threads.into_any()
                }}
                <h2 class="card-title">"Calls"</h2>
                {if calls.is_empty() {
                    view! { <p class="muted card-section">"No call from the widget yet."</p> }.into_any()
                } else {
                    view! {
                        <table class="table" id="contact-calls">
                            <thead><tr><th scope="col">"Room"</th><th scope="col">"Status"</th><th scope="col">"Started"</th><th scope="col">"CSAT"</th></tr></thead>
                            <tbody>{calls}</tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
            <aside class="detail-side">
                <section class="card">
                    <h2>"Contact"</h2>
                    <dl class="facts compact" id="contact-facts">
                        <dt>"Identity"</dt><dd><Verified contact=contact.clone() /></dd>
                        <dt>"Email (claimed)"</dt><dd>{contact.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"User id"</dt><dd class="mono">{contact.external_user_id.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"Where"</dt><dd>{place.unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"Device"</dt><dd>{device.unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"First seen"</dt><dd>{first_seen}</dd>
                        <dt>"Last seen"</dt><dd>{last_seen}</dd>
                        <dt>"Live sessions"</dt><dd>{detail.live_sessions}</dd>
                    </dl>
                    <p class="muted small">{format!("Times in {timezone}, the workspace's timezone.")}</p>
                </section>
                {(!contact.custom_attributes.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>"Attributes"</h2>
                        <dl class="facts compact">{attributes}</dl>
                    </section>
                })}
            </aside>
        </div>
    }
}

#[component]
fn Thread(
    thread: ConversationThread,
    times: std::collections::BTreeMap<String, String>,
) -> impl IntoView {
    let conversation = thread.conversation;
    let messages = thread
        .messages
        .into_iter()
        .map(|message| {
            let who = match message.sender {
                SenderKind::Visitor => "Visitor",
                SenderKind::Agent => "Agent",
                SenderKind::Bot => "System",
            };
            let at = times.get(&message.id).cloned().unwrap_or_default();
            view! {
                <li class=format!("chat-message {}", message.sender.as_str())>
                    <span class="chat-meta">{who}" · "{at}</span>
                    <p>{message.body}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="card-section" data-conversation=conversation.id>
            <p class="muted small">
                {format!(
                    "{} · {} · {} {}",
                    conversation.channel,
                    conversation.status,
                    conversation.message_count,
                    if conversation.message_count == 1 { "message" } else { "messages" }
                )}
            </p>
            <ol class="chat-thread">{messages}</ol>
        </div>
    }
}
