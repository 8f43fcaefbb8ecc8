//! Inbox: the workspace's support conversations, filtered by status, assignee, channel and tag
//! with unread badges, kept current live; and one conversation's thread with the reply box
//! (snippets on `/`, internal notes), assignment, snooze, close, tags, conversion to a ticket,
//! the contact, and for a voice handoff the call's transcript and recording. Keyboard shortcuts
//! cover the common actions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::desk::conversations::{ConversationStatus, HandedOffCall};
use model::desk::dashboard::{InboxConversationView, InboxView};

use crate::components::keyboard_shortcuts::KeyboardShortcuts;
use crate::components::live_region::{ChangeStream, LiveRegion};
use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::components::reply_composer::{ReplyComposer, SnippetChoice};
use crate::format;
use crate::pages::desk::ThreadEntry;
use crate::server_fns::desk::inbox::{
    AssignInInbox, ConvertToTicket, ReplyInInbox, SetInboxStatus, TagInInbox, UntagInInbox,
    load_inbox, load_inbox_conversation,
};

/// The workspace's live desk updates, which tell a region to render again.
fn desk_stream(workspace_id: &str) -> ChangeStream {
    ChangeStream {
        url: format!(
            "/api/desk/conversations/stream?workspaceId={}",
            format::query_value(workspace_id)
        ),
        events: vec!["message".to_owned(), "conversation".to_owned()],
    }
}

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
                field("channel"),
                field("tag"),
                field("needsHuman").map(|v| v == "true"),
                field("cursor"),
            )
        },
        |(slug, status, assignee, channel, tag, needs_human, cursor)| {
            let status = status.filter(|status| status != "all");
            load_inbox(slug, status, assignee, channel, tag, needs_human, cursor)
        },
    );
    let selected = move |name: &str, value: &str, default: &str| {
        field(name).as_deref().unwrap_or(default) == value
    };
    view! {
        <Title text="Inbox · Switchboard" />
        <header class="page-header">
            <h1>"Inbox"</h1>
            <p class="lede">"Chats from the widget and calls the voice agent handed off, most recent first, kept current as they come. Bold ones have messages you have not read."</p>
            <p class="muted small">"Keys: j and k move through the list, Enter opens."</p>
        </header>
        <KeyboardShortcuts />
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
            <label>
                "Channel"
                <select name="channel">
                    <option value="" selected=move || selected("channel", "", "")>"any"</option>
                    <option value="chat" selected=move || selected("channel", "chat", "")>"chat"</option>
                    <option value="voice" selected=move || selected("channel", "voice", "")>"voice handoff"</option>
                </select>
            </label>
            <label>
                "Tag"
                <Suspense fallback=|| view! { <select name="tag" disabled=true></select> }>
                    {move || Suspend::new(async move {
                        let tags = page.await.map(|view| view.tags).unwrap_or_default();
                        view! {
                            <select name="tag">
                                <option value="" selected=move || selected("tag", "", "")>"any"</option>
                                {tags
                                    .into_iter()
                                    .map(|tag| {
                                        let id = tag.id.clone();
                                        let chosen = move || selected("tag", &id, "");
                                        view! { <option value=tag.id.clone() selected=chosen>{tag.name}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
            </label>
            <label>
                "Waiting for"
                <select name="needsHuman">
                    <option value="" selected=move || selected("needsHuman", "", "")>"anyone"</option>
                    <option value="true" selected=move || selected("needsHuman", "true", "")>"a human (the AI handed off)"</option>
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
                        let filters = ["status", "assignee", "channel", "tag", "needsHuman"]
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
        workspace_id,
        workspace_name,
        timezone,
        rows,
        next_cursor,
        tags: _,
    } = view;
    let follow = view! { <LiveRegion region="inbox-live".to_owned() stream=Some(desk_stream(&workspace_id)) every_secs=None while_present=None /> };
    if rows.is_empty() {
        return view! {
            {follow}
            <div id="inbox-live" class="region">
                <section class="card empty-state" id="inbox">
                    <h2>"Nothing here"</h2>
                    <p class="muted">"No conversation matches. Visitors write from the widget (see the Widget page); the voice agent's handoffs arrive here too."</p>
                </section>
            </div>
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
            let priority = item
                .conversation
                .priority
                .clone()
                .map(|priority| {
                    let class = format!("badge priority-{priority}");
                    view! { <span class=class>{priority}</span> }
                });
            let tags = item
                .tags
                .iter()
                .map(|tag| view! { <span class="tag-chip" style=format!("--tag: {}", tag.color)>{tag.name.clone()}</span> })
                .collect_view();
            view! {
                <tr class=class data-conversation=item.conversation.id.clone()>
                    <th scope="row"><a href=href data-row-link="">{who}</a>" "{tags}</th>
                    <td>
                        {item.conversation.channel.clone()}" "{priority}
                        {item.conversation.needs_human.then(|| view! { <span class="badge warn" title="The AI handed this chat to a human">"needs human"</span> })}
                    </td>
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
        {follow}
        <div id="inbox-live" class="region">
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
        </div>
        <Pager next_cursor filters />
    }
    .into_any()
}

/// The actions of a conversation's page, each a plain form posting to its server function.
#[derive(Clone, Copy)]
struct ThreadActions {
    reply: ServerAction<ReplyInInbox>,
    assign: ServerAction<AssignInInbox>,
    status: ServerAction<SetInboxStatus>,
    tag: ServerAction<TagInInbox>,
    untag: ServerAction<UntagInInbox>,
    ticket: ServerAction<ConvertToTicket>,
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
    let actions = ThreadActions {
        reply: ServerAction::new(),
        assign: ServerAction::new(),
        status: ServerAction::new(),
        tag: ServerAction::new(),
        untag: ServerAction::new(),
        ticket: ServerAction::new(),
    };
    let loaded = Resource::new(key, |(slug, id)| load_inbox_conversation(slug, id));
    let failure = move || {
        last_error(actions.reply)
            .or_else(|| last_error(actions.assign))
            .or_else(|| last_error(actions.status))
            .or_else(|| last_error(actions.tag))
            .or_else(|| last_error(actions.untag))
            .or_else(|| last_error(actions.ticket))
    };
    view! {
        <Title text="Conversation · Switchboard" />
        <KeyboardShortcuts />
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading the conversation…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <Thread view slug=key().0 actions /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Thread(view: InboxConversationView, slug: String, actions: ThreadActions) -> impl IntoView {
    let InboxConversationView {
        conversation,
        timezone,
        message_times,
        members,
        me,
        may_reply,
        may_assign,
        may_close,
        may_ticket,
        tags: workspace_tags,
        snippets,
        workspace_id,
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
            let at = message_times.get(&message.id).cloned().unwrap_or_default();
            view! {
                <ThreadEntry sender=message.sender internal=message.internal internal_label="Internal note" at body=message.body ai=message.ai />
            }
        })
        .collect_view();
    let stream = desk_stream(&workspace_id);
    let (status_id, status_slug) = (id.clone(), slug.clone());
    let status_buttons = may_close.then(move || {
        let (id, slug) = (status_id, status_slug);
        let choices: Vec<(&str, &str, Option<i64>, &str)> = match current {
            ConversationStatus::Open => vec![
                ("closed", "Close", None, "c"),
                ("snoozed", "Snooze 1 hour", Some(1), "s"),
                ("snoozed", "Snooze until tomorrow", Some(24), ""),
            ],
            ConversationStatus::Snoozed => vec![
                ("open", "Reopen", None, "o"),
                ("closed", "Close", None, "c"),
            ],
            ConversationStatus::Closed => vec![("open", "Reopen", None, "o")],
        };
        let buttons = choices
            .into_iter()
            .map(|(to, label, hours, key)| {
                let (id, slug) = (id.clone(), slug.clone());
                let key = (!key.is_empty()).then_some(key);
                view! {
                    <ActionForm action=actions.status attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="status" value=to />
                        {hours.map(|hours| view! { <input type="hidden" name="snooze_hours" value=hours /> })}
                        <button class="button secondary" type="submit" data-shortcut=key aria-keyshortcuts=key>{label}</button>
                    </ActionForm>
                }
            })
            .collect_view();
        let until = (current != ConversationStatus::Closed).then(|| {
            view! {
                <ActionForm action=actions.status attr:class="inline-form snooze-until">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="id" value=id.clone() />
                    <input type="hidden" name="status" value="snoozed" />
                    <label>
                        "Snooze until"
                        <input type="datetime-local" name="snooze_until" required />
                    </label>
                    <button class="button secondary small-button" type="submit">"Snooze"</button>
                </ActionForm>
            }
        });
        view! { {buttons}{until} }
    });
    let assign_form = may_assign.then(|| {
        let (take_id, form_id, me) = (id.clone(), id.clone(), me.clone());
        let take = (assignee.as_deref() != Some(me.as_str()) && !me.is_empty()).then(|| {
            view! {
                <ActionForm action=actions.assign attr:class="inline-form">
                    <input type="hidden" name="id" value=take_id />
                    <input type="hidden" name="assignee" value=me.clone() />
                    <button class="button secondary" type="submit" data-shortcut="a" aria-keyshortcuts="a">"Assign to me"</button>
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
            <ActionForm action=actions.assign attr:class="inline-form" attr:id="assign-form">
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
    let applied: Vec<String> = conversation.tags.iter().map(|tag| tag.id.clone()).collect();
    let tag_chips = conversation
        .tags
        .into_iter()
        .map(|tag| {
            let (conversation_id, tag_id) = (id.clone(), tag.id.clone());
            let label = format!("Remove the tag {}", tag.name);
            let remove = may_assign.then(move || {
                view! {
                    <ActionForm action=actions.untag attr:class="inline-form">
                        <input type="hidden" name="id" value=conversation_id />
                        <input type="hidden" name="tag_id" value=tag_id />
                        <button class="chip-remove" type="submit" aria-label=label>"×"</button>
                    </ActionForm>
                }
            });
            view! { <li class="tag-chip" style=format!("--tag: {}", tag.color)>{tag.name}{remove}</li> }
        })
        .collect_view();
    let addable: Vec<_> = workspace_tags
        .into_iter()
        .filter(|tag| !applied.contains(&tag.id))
        .collect();
    let tag_conversation = id.clone();
    let add_tag = (may_assign && !addable.is_empty()).then(move || {
        view! {
            <ActionForm action=actions.tag attr:class="inline-form" attr:id="tag-form">
                <input type="hidden" name="id" value=tag_conversation />
                <label>
                    <span class="visually-hidden">"Tag"</span>
                    <select name="tag_id">
                        {addable
                            .into_iter()
                            .map(|tag| view! { <option value=tag.id>{tag.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button class="button secondary small-button" type="submit">"Add tag"</button>
            </ActionForm>
        }
    });
    let (ticket_slug, ticket_conversation) = (slug.clone(), id.clone());
    let ticket = match (conversation.ticket_id, may_ticket) {
        (Some(ticket_id), _) => Some(
            view! { <p><a href=format!("/apps/{slug}/tickets/{ticket_id}")>"Its ticket"</a></p> }
                .into_any(),
        ),
        (None, true) => Some(
            view! {
                <ActionForm action=actions.ticket attr:class="inline-form" attr:id="ticket-form">
                    <input type="hidden" name="slug" value=ticket_slug />
                    <input type="hidden" name="id" value=ticket_conversation />
                    <label>
                        <span class="visually-hidden">"Ticket subject"</span>
                        <input type="text" name="subject" maxlength="200" placeholder="Ticket subject" />
                    </label>
                    <button class="button secondary small-button" type="submit" data-shortcut="t" aria-keyshortcuts="t">"Convert to ticket"</button>
                </ActionForm>
            }
            .into_any(),
        ),
        (None, false) => None,
    };
    let rating = conversation.rating.map(|rating| {
        let stars = format!("{} of 5", rating.rating);
        view! {
            <dt>"Rating"</dt>
            <dd>{stars}{rating.comment.map(|comment| format!(" · “{comment}”"))}</dd>
        }
    });
    let call = conversation
        .call
        .map(|call| view! { <CallPanel call /> }.into_any());
    let snippet_choices: Vec<SnippetChoice> = snippets
        .into_iter()
        .filter_map(|snippet| {
            Some(SnippetChoice {
                shortcut: snippet.shortcut?,
                name: snippet.name,
                content: snippet.content,
            })
        })
        .collect();
    let reply_id = id.clone();
    // Each part is erased to `AnyView`: the page's full static type is too deep to compile.
    let actions_view = view! {
        <div class="handoff-actions">{status_buttons}{assign_form}{add_tag}{ticket}</div>
    }
    .into_any();
    let thread = view! {
        <section class="card" aria-labelledby="thread-title" id="inbox-thread">
            <div id="thread-live" class="region">
                <h2 id="thread-title">{format!("{} · {}", conversation.conversation.channel, current.as_str())}</h2>
                <ol class="chat-thread">{messages}</ol>
            </div>
            {may_reply.then(|| view! {
                <ActionForm action=actions.reply attr:class="form reply-form" attr:id="reply-form">
                    <input type="hidden" name="id" value=reply_id />
                    <label for="reply-body">"Reply"</label>
                    <div class="composer">
                        <ReplyComposer snippets=snippet_choices />
                    </div>
                    <div class="form-actions">
                        <label class="checkbox"><input type="checkbox" name="internal" value="on" />" Internal note (members only)"</label>
                        <button class="button" type="submit">"Send"</button>
                    </div>
                </ActionForm>
            })}
            <p class="muted small">{format!("Times in {timezone}.")}</p>
        </section>
    }
    .into_any();
    let facts = view! {
        <section class="card" id="conversation-actions">
            <h2>"Conversation"</h2>
            <div id="conversation-live" class="region">
                <dl class="facts compact">
                    <dt>"Status"</dt><dd id="conversation-status">{current.as_str()}</dd>
                    <dt>"Assignee"</dt><dd id="conversation-assignee">{assignee_name.unwrap_or_else(|| "nobody".to_owned())}</dd>
                    {rating}
                </dl>
                <ul class="tag-list" aria-label="Tags">{tag_chips}</ul>
            </div>
            {actions_view}
        </section>
    }
    .into_any();
    let contact_card = view! {
        <section class="card">
            <h2>"Contact"</h2>
            <dl class="facts compact">
                <dt>"Name"</dt><dd>{who.clone()}</dd>
                <dt>"Email (claimed)"</dt><dd>{contact.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"Identity"</dt><dd>{if contact.identity_verified { "verified" } else { "unverified" }}</dd>
            </dl>
            <p><a href=format!("/apps/{slug}/contacts/{}", contact.id)>"The contact's history"</a></p>
        </section>
    }
    .into_any();
    view! {
        <LiveRegion region="thread-live".to_owned() stream=Some(stream.clone()) every_secs=None while_present=None />
        <LiveRegion region="conversation-live".to_owned() stream=Some(stream) every_secs=None while_present=None />
        <header class="page-header">
            <p class="breadcrumb"><a href=format!("/apps/{slug}/inbox")>"Inbox"</a></p>
            <h1>{who}</h1>
            <p class="muted small">"Keys: r reply, a assign to me, c close, s snooze an hour, o reopen, t ticket."</p>
        </header>
        <div class="detail-layout">
            {thread}
            <aside class="detail-side">{facts}{call}{contact_card}</aside>
        </div>
    }
}

/// The call a voice handoff came from: why, the AI's summary, the transcript and recording.
#[component]
fn CallPanel(call: HandedOffCall) -> impl IntoView {
    let HandedOffCall {
        app_slug,
        session_id,
        handoff_id: _,
        handoff_status,
        reason,
        ai_summary,
        priority,
        transcript,
        recording_url,
    } = call;
    let turns = transcript
        .into_iter()
        .map(|turn| {
            let who = match turn.role.as_str() {
                "user" => "Caller",
                "assistant" => "Agent",
                _ => "System",
            };
            view! { <li class=format!("chat-message {}", turn.role)><span class="chat-meta">{who}</span><p>{turn.content}</p></li> }
        })
        .collect_view();
    let conversation_href = format!(
        "/apps/{}/conversations/{}",
        format::path_segment(&app_slug),
        format::path_segment(&session_id)
    );
    view! {
        <section class="card" id="handed-off-call" aria-labelledby="call-title">
            <h2 id="call-title">"The call"</h2>
            <dl class="facts compact">
                <dt>"Reason"</dt><dd>{reason}</dd>
                <dt>"Priority"</dt><dd><span class=format!("badge priority-{priority}")>{priority.clone()}</span></dd>
                <dt>"Handoff"</dt><dd>{handoff_status}</dd>
                {ai_summary.map(|summary| view! { <dt>"AI summary"</dt><dd>{summary}</dd> })}
            </dl>
            <h3>"Transcript"</h3>
            <ol class="chat-thread call-transcript">{turns}</ol>
            {recording_url.map(|url| view! {
                <h3>"Recording"</h3>
                <audio controls=true preload="none" src=url.clone()></audio>
                <p><a href=url>"Download the recording"</a></p>
            })}
            <p><a href=conversation_href>"The call in Conversations"</a></p>
        </section>
    }
}
