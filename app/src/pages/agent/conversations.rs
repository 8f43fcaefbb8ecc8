//! Conversations: a filtered, paged list, and one conversation with all that was recorded of it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::conversations::{
    Conversation, ConversationDetail, ConversationPage, ConversationStatus, Event, Message,
};
use model::agent::guardrails::Violation;
use model::agent::handoffs::Handoff;
use model::agent::persona::CsatRating;
use model::agent::tools::ToolExecution;
use model::agent::voice::VoiceSession;

use crate::components::live_region::{ChangeStream, LiveRegion};
use crate::components::notice::PageError;
use crate::components::pager::Pager;
use crate::format;
use crate::server_fns::agent::conversations::{conversation, conversations};

/// The list's filters, as the form's query string carries them.
const FILTERS: [&str; 5] = ["status", "channel", "variant", "from", "to"];

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = Resource::new(
        move || {
            (
                slug(),
                field("status"),
                field("channel"),
                field("variant"),
                field("from"),
                field("to"),
                field("cursor"),
            )
        },
        |(slug, status, channel, variant, from, to, cursor)| {
            conversations(slug, status, channel, variant, from, to, cursor)
        },
    );
    view! {
        <Title text="Conversations · Switchboard" />
        <header class="page-header">
            <h1>"Conversations"</h1>
            <p class="lede">"Every conversation of this app, newest first, whatever channel it came through."</p>
        </header>
        <form class="filters card" method="get" id="conversation-filters">
            <label>
                "Status"
                <select name="status">
                    <option value="">"Any"</option>
                    {ConversationStatus::ALL
                        .into_iter()
                        .map(|status| {
                            let selected = move || field("status").as_deref() == Some(status.as_str());
                            view! { <option value=status.as_str() selected=selected>{status_label(status)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>"Channel" <input type="text" name="channel" placeholder="voice, web…" value=move || field("channel") /></label>
            <label>"Variant" <input type="text" name="variant" placeholder="experiment variant" value=move || field("variant") /></label>
            <label>"From" <input type="date" name="from" value=move || field("from") /></label>
            <label>"To" <input type="date" name="to" value=move || field("to") /></label>
            <div class="filter-actions">
                <button class="button" type="submit">"Filter"</button>
                <a class="button secondary" href="?">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Loading conversations…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let filters = FILTERS
                            .iter()
                            .filter_map(|name| field(name).map(|value| (*name, value)))
                            .collect::<Vec<_>>();
                        view! { <ConversationTable slug=slug() page filters /> }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConversationTable(
    slug: String,
    page: ConversationPage,
    filters: Vec<(&'static str, String)>,
) -> impl IntoView {
    if page.conversations.is_empty() {
        return view! {
            <section class="card empty-state">
                <h2>"No conversations"</h2>
                <p class="muted">"None match these filters. Agents record conversations through the API as calls happen."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card flush">
            <table class="table" id="conversations">
                <thead>
                    <tr>
                        <th scope="col">"Session"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Channel"</th>
                        <th scope="col">"Started (UTC)"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Messages"</th>
                        <th scope="col">"Variant"</th>
                    </tr>
                </thead>
                <tbody>
                    {page
                        .conversations
                        .into_iter()
                        .map(|c| view! { <ConversationRow slug=slug.clone() conversation=c /> })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <Pager next_cursor=page.next_cursor filters />
    }
    .into_any()
}

#[component]
fn ConversationRow(slug: String, conversation: Conversation) -> impl IntoView {
    let href = format!(
        "/apps/{slug}/conversations/{}",
        format::path_segment(&conversation.session_id)
    );
    let duration = conversation
        .ended_at
        .map(|end| format::duration(end - conversation.started_at))
        .unwrap_or_else(|| "ongoing".to_owned());
    view! {
        <tr>
            <th scope="row"><a class="mono" href=href>{conversation.session_id}</a></th>
            <td><StatusBadge status=conversation.status /></td>
            <td>{conversation.channel.unwrap_or_else(|| "—".to_owned())}</td>
            <td>{format::utc_minutes(conversation.started_at)}</td>
            <td>{duration}</td>
            <td>{conversation.message_count}</td>
            <td>{conversation.experiment_variant.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}

#[component]
pub fn StatusBadge(status: ConversationStatus) -> impl IntoView {
    let class = match status {
        ConversationStatus::Active => "badge ok",
        ConversationStatus::HandedOff => "badge warn",
        ConversationStatus::Resolved => "badge off",
        ConversationStatus::Abandoned => "badge error",
    };
    view! { <span class=class>{status_label(status)}</span> }
}

fn status_label(status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Active => "active",
        ConversationStatus::HandedOff => "handed off",
        ConversationStatus::Resolved => "resolved",
        ConversationStatus::Abandoned => "abandoned",
    }
}

/// One conversation: transcript, timeline, tool calls, violations, handoff and rating. While it
/// is open, new messages and status changes arrive over the app's live stream.
#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let session = move || params.read().get("session").unwrap_or_default();
    let detail = Resource::new(
        move || (slug(), session()),
        |(slug, session)| conversation(slug, session),
    );
    view! {
        <Title text="Conversation · Switchboard" />
        <p class="breadcrumb"><a href=move || format!("/apps/{}/conversations", slug())>"← Conversations"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading the conversation…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(view) => view! { <Detail slug=slug() detail=view.detail calls=view.calls /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(slug: String, detail: ConversationDetail, calls: Vec<VoiceSession>) -> impl IntoView {
    let ConversationDetail {
        conversation,
        messages,
        events,
        csat,
        tool_executions,
        violations,
        handoff,
    } = detail;
    let open = !conversation.status.is_ended();
    // While the conversation is open, the app's stream says when to render it again.
    let follow = open.then(|| {
        let stream = ChangeStream {
            url: format!(
                "/api/admin/apps/{}/conversations/{}/stream",
                format::path_segment(&slug),
                format::path_segment(&conversation.session_id)
            ),
            events: vec!["message".to_owned(), "conversation".to_owned()],
        };
        view! { <LiveRegion region="conversation-live".to_owned() stream=Some(stream) every_secs=None while_present=None /> }
    });
    // Each part is erased to `AnyView`: the page's full static type is too deep to compile.
    view! {
        {follow}
        <div id="conversation-live" class="region">
            <header class="page-header">
                <h1 class="mono" id="conversation-title">{conversation.session_id.clone()}</h1>
                <p class="lede">
                    <StatusBadge status=conversation.status />
                    {open.then(|| view! { <span class="live-dot" title="Updates live">"live"</span> })}
                </p>
            </header>
            <div class="detail-layout">
                <section class="card" aria-labelledby="transcript-title">
                    <h2 id="transcript-title">"Transcript"</h2>
                    <Transcript messages conversation=conversation.clone() />
                </section>
                <aside class="detail-side">
                    {view! { <Facts conversation csat /> }.into_any()}
                    {(!calls.is_empty()).then(|| view! { <Calls slug calls /> }.into_any())}
                    {handoff.map(|h| view! { <HandoffSummary handoff=h /> }.into_any())}
                </aside>
            </div>
            {view! { <ToolCalls executions=tool_executions /> }.into_any()}
            {view! { <Violations violations /> }.into_any()}
            {view! { <Timeline events /> }.into_any()}
        </div>
    }
}

#[component]
fn Facts(conversation: Conversation, csat: Option<CsatRating>) -> impl IntoView {
    let c = conversation;
    let duration = c
        .ended_at
        .map(|end| format::duration(end - c.started_at))
        .unwrap_or_else(|| "ongoing".to_owned());
    let rating = csat
        .as_ref()
        .map(|r| format!("{} / 5", r.rating))
        .unwrap_or_else(|| "not rated".to_owned());
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="facts compact">
                <dt>"Channel"</dt><dd>{or_dash(c.channel)}</dd>
                <dt>"Started"</dt><dd>{format::utc_minutes(c.started_at)}</dd>
                <dt>"Duration"</dt><dd>{duration}</dd>
                <dt>"Resolution"</dt><dd>{or_dash(c.resolution)}</dd>
                <dt>"Variant"</dt><dd>{or_dash(c.experiment_variant)}</dd>
                <dt>"CSAT"</dt><dd id="conversation-csat">{rating}</dd>
            </dl>
            {csat.and_then(|r| r.comment).map(|comment| view! { <blockquote class="quote">{comment}</blockquote> })}
        </section>
    }
}

#[component]
fn HandoffSummary(handoff: Handoff) -> impl IntoView {
    let h = handoff;
    view! {
        <section class="card" id="conversation-handoff">
            <h2>"Handoff"</h2>
            <dl class="facts compact">
                <dt>"Status"</dt><dd>{h.status.as_str()}</dd>
                <dt>"Priority"</dt><dd>{h.priority.as_str()}</dd>
                <dt>"Reason"</dt><dd>{h.reason}</dd>
                <dt>"Assignee"</dt><dd>{h.assigned_agent.unwrap_or_else(|| "unassigned".to_owned())}</dd>
            </dl>
            {h.ai_summary.map(|summary| view! { <p class="summary">{summary}</p> })}
        </section>
    }
}

#[component]
fn ToolCalls(executions: Vec<ToolExecution>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{format!("Tool calls ({})", executions.len())}</h2>
            {if executions.is_empty() {
                view! { <p class="muted">"No tool was called."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="conversation-tools">
                        <thead><tr><th scope="col">"Tool"</th><th scope="col">"Status"</th><th scope="col">"HTTP"</th><th scope="col">"Duration"</th><th scope="col">"At (UTC)"</th></tr></thead>
                        <tbody>
                            {executions.into_iter().map(|e| view! {
                                <tr>
                                    <th scope="row" class="mono">{e.tool_name}</th>
                                    <td>{e.status.as_str()}</td>
                                    <td>{e.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{format!("{} ms", e.duration_ms)}</td>
                                    <td>{format::utc_minutes(e.executed_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Violations(violations: Vec<Violation>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{format!("Guardrail violations ({})", violations.len())}</h2>
            {if violations.is_empty() {
                view! { <p class="muted">"No message broke a rule."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="conversation-violations">
                        <thead><tr><th scope="col">"Type"</th><th scope="col">"Direction"</th><th scope="col">"Action"</th><th scope="col">"Content"</th><th scope="col">"At (UTC)"</th></tr></thead>
                        <tbody>
                            {violations.into_iter().map(|v| view! {
                                <tr>
                                    <th scope="row">{v.r#type.as_str()}</th>
                                    <td>{v.direction.as_str()}</td>
                                    <td>{v.action.as_str()}</td>
                                    <td>{v.content}</td>
                                    <td>{format::utc_minutes(v.created_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Timeline(events: Vec<Event>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{format!("Timeline ({} events)", events.len())}</h2>
            {if events.is_empty() {
                view! { <p class="muted">"No event was recorded."</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline" id="conversation-events">
                        {events.into_iter().map(|e| view! {
                            <li>
                                <time>{format::utc_minutes(e.ts)}</time>
                                <span class="mono">{e.event_type}</span>
                                {e.data.map(|data| view! { <code class="event-data">{data.to_string()}</code> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// The voice calls the conversation was held in, with their recordings.
#[component]
fn Calls(slug: String, calls: Vec<VoiceSession>) -> impl IntoView {
    view! {
        <section class="card" id="conversation-calls">
            <h2>{format!("Calls ({})", calls.len())}</h2>
            <ul class="plain-list">
                {calls
                    .into_iter()
                    .map(|call| {
                        let href = format!("/apps/{slug}/voice-sessions/{}", call.id);
                        let label = call.room_name.clone().unwrap_or_else(|| call.id.clone());
                        view! {
                            <li>
                                <a class="mono" href=href>{label}</a>
                                <span class="muted small">
                                    {format!(" · {} · {}", call.status.as_str(), format::duration(call.duration_secs * 1_000))}
                                </span>
                                {call.recording_url.map(|url| view! { " · " <a href=url rel="noopener" target="_blank">"Recording"</a> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The stored messages, or the transcript the agent saved with the conversation when no
/// message was posted one by one.
#[component]
fn Transcript(messages: Vec<Message>, conversation: Conversation) -> impl IntoView {
    let lines: Vec<(String, String, i64, bool)> = if messages.is_empty() {
        conversation
            .transcript
            .into_iter()
            .map(|entry| (entry.role, entry.content, entry.ts, true))
            .collect()
    } else {
        messages
            .into_iter()
            .map(|m| {
                (
                    m.role.as_str().to_owned(),
                    m.content,
                    m.created_at,
                    m.is_final,
                )
            })
            .collect()
    };
    if lines.is_empty() {
        return view! { <p class="muted" id="transcript">"Nothing was said yet."</p> }.into_any();
    }
    view! {
        <ol class="transcript" id="transcript">
            {lines
                .into_iter()
                .map(|(role, content, at, is_final)| {
                    let class = format!("turn {role}{}", if is_final { "" } else { " interim" });
                    view! {
                        <li class=class>
                            <p class="turn-meta">
                                <span class="turn-role">{role}</span>
                                <time>{format::utc_minutes(at)}</time>
                                {(!is_final).then(|| view! { <span class="badge off">"interim"</span> })}
                            </p>
                            <p class="turn-text">{content}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
