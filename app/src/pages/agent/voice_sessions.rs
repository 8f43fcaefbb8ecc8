//! Voice sessions: every call, whichever voice API started it (seed 000's rooms, seed 002's
//! calls, seed 003's ElevenLabs sessions, seed 004's sessions and phone calls).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::voice::{CallStatus, SessionOrigin, VoiceSession, VoiceSessionDetail};

use crate::components::notice::PageError;
use crate::components::pager::Pager;
use crate::format;
use crate::server_fns::agent::voice::{voice_session, voice_sessions};

#[component]
pub fn VoiceSessionsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let field = move |name: &str| query.read().get(name).filter(|v| !v.is_empty());
    let page = Resource::new(
        move || (slug(), field("status"), field("origin"), field("cursor")),
        |(slug, status, origin, cursor)| voice_sessions(slug, status, origin, cursor),
    );
    view! {
        <Title text="Voice sessions · Switchboard" />
        <header class="page-header">
            <h1>"Voice sessions"</h1>
            <p class="lede">"Every call of this app, from every voice API, with who joined and how long it lasted."</p>
        </header>
        <form class="filters card" method="get" id="voice-filters">
            <label>
                "Status"
                <select name="status">
                    <option value="">"Any"</option>
                    {CallStatus::ALL
                        .into_iter()
                        .map(|s| {
                            let selected = move || field("status").as_deref() == Some(s.as_str());
                            view! { <option value=s.as_str() selected=selected>{s.as_str()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Started through"
                <select name="origin">
                    <option value="">"Any API"</option>
                    {SessionOrigin::ALL
                        .into_iter()
                        .map(|o| {
                            let selected = move || field("origin").as_deref() == Some(o.as_str());
                            view! { <option value=o.as_str() selected=selected>{origin_label(o)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <div class="filter-actions">
                <button class="button" type="submit">"Filter"</button>
                <a class="button secondary" href="?">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Loading sessions…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.sessions.is_empty() => view! {
                        <section class="card empty-state">
                            <h2>"No voice sessions"</h2>
                            <p class="muted">"Sessions appear here when a client starts one through any voice API, or the playground does."</p>
                        </section>
                    }
                    .into_any(),
                    Ok(page) => {
                        let filters: Vec<(&'static str, String)> = ["status", "origin"]
                            .into_iter()
                            .filter_map(|name| field(name).map(|value| (name, value)))
                            .collect();
                        let slug = slug();
                        view! {
                            <section class="card flush">
                                <table class="table" id="voice-sessions">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Started (UTC)"</th>
                                            <th scope="col">"Through"</th>
                                            <th scope="col">"Room or session"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Agent"</th>
                                            <th scope="col">"People"</th>
                                            <th scope="col">"Duration"</th>
                                            <th scope="col">"Recording"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page
                                            .sessions
                                            .into_iter()
                                            .map(|session| view! { <SessionRow slug=slug.clone() session /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            <Pager next_cursor=page.next_cursor filters />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionRow(slug: String, session: VoiceSession) -> impl IntoView {
    let href = format!("/apps/{slug}/voice-sessions/{}", session.id);
    let label = session
        .room_name
        .clone()
        .unwrap_or_else(|| session.session_id.clone());
    let agent = session
        .agent_status
        .map(|status| status.as_str().to_owned())
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <tr>
            <td>{format::utc_minutes(session.created_at)}</td>
            <td>{origin_label(session.origin)}</td>
            <th scope="row"><a class="mono" href=href>{label}</a></th>
            <td><CallBadge status=session.status /></td>
            <td>{agent}</td>
            <td>{session.participant_count}</td>
            <td>{format::duration(session.duration_secs * 1_000)}</td>
            <td><Recording session=session.clone() /></td>
        </tr>
    }
}

#[component]
fn Recording(session: VoiceSession) -> impl IntoView {
    match (session.recording_url, session.recording_status) {
        (Some(url), _) => {
            view! { <a href=url rel="noopener" target="_blank">"Listen"</a> }.into_any()
        }
        (None, Some(status)) => view! { <span class="muted">{status}</span> }.into_any(),
        (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[component]
fn CallBadge(status: CallStatus) -> impl IntoView {
    let class = match status {
        CallStatus::Connected => "badge ok",
        CallStatus::Pending | CallStatus::Ringing => "badge warn",
        CallStatus::Completed => "badge off",
        CallStatus::Missed | CallStatus::Failed => "badge error",
    };
    view! { <span class=class>{status.as_str()}</span> }
}

fn origin_label(origin: SessionOrigin) -> &'static str {
    match origin {
        SessionOrigin::Livekit => "LiveKit rooms",
        SessionOrigin::Voice => "Voice API",
        SessionOrigin::Session => "Session API",
        SessionOrigin::Telephony => "Phone call",
        SessionOrigin::Elevenlabs => "ElevenLabs",
    }
}

/// One voice session: its facts, the people who joined, the agent's configuration and the
/// transcript attached to it.
#[component]
pub fn VoiceSessionPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(move || (slug(), id()), |(slug, id)| voice_session(slug, id));
    view! {
        <Title text="Voice session · Switchboard" />
        <p class="breadcrumb"><a href=move || format!("/apps/{}/voice-sessions", slug())>"← Voice sessions"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the session…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <SessionDetail slug=slug() detail /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionDetail(slug: String, detail: VoiceSessionDetail) -> impl IntoView {
    let s = detail.session;
    let conversation = format!("/apps/{slug}/conversations/{}", s.session_id);
    let optional = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
    let agent_config = s
        .agent_config
        .as_ref()
        .and_then(|config| serde_json::to_string_pretty(config).ok());
    view! {
        <header class="page-header">
            <h1 class="mono">{s.room_name.clone().unwrap_or_else(|| s.id.clone())}</h1>
            <p class="lede"><CallBadge status=s.status />" "{origin_label(s.origin)}</p>
        </header>
        <div class="grid two">
            <section class="card">
                <h2>"Call"</h2>
                <dl class="facts compact">
                    <dt>"Started"</dt><dd>{format::utc_minutes(s.created_at)}</dd>
                    <dt>"Connected"</dt><dd>{s.connected_at.map_or_else(|| "—".to_owned(), format::utc_minutes)}</dd>
                    <dt>"Ended"</dt><dd>{s.ended_at.map_or_else(|| "—".to_owned(), format::utc_minutes)}</dd>
                    <dt>"Duration"</dt><dd>{format::duration(s.duration_secs * 1_000)}</dd>
                    <dt>"End reason"</dt><dd>{optional(s.end_reason.clone())}</dd>
                    <dt>"Call type"</dt><dd>{s.call_type.map_or("—", |t| t.as_str())}</dd>
                    <dt>"Caller"</dt><dd>{optional(s.participant_name.clone().or(s.participant_identity.clone()))}</dd>
                    <dt>"Customer"</dt><dd>{optional(s.customer_id.clone())}</dd>
                    <dt>"Conversation"</dt><dd><a class="mono" href=conversation>{s.session_id.clone()}</a></dd>
                    <dt>"Recording"</dt><dd><Recording session=s.clone() /></dd>
                </dl>
            </section>
            <section class="card">
                <h2>"Agent"</h2>
                <dl class="facts compact">
                    <dt>"Status"</dt><dd>{s.agent_status.map_or("—", |a| a.as_str())}</dd>
                    <dt>"Name"</dt><dd>{optional(s.agent_name.clone())}</dd>
                    <dt>"Identity"</dt><dd class="mono">{optional(s.agent_identity.clone())}</dd>
                    <dt>"Voice"</dt><dd>{optional(s.voice.clone())}</dd>
                </dl>
                {agent_config.map(|config| view! { <pre class="code-block">{config}</pre> })}
            </section>
        </div>
        <section class="card">
            <h2>{format!("Participants ({})", detail.participants.len())}</h2>
            {if detail.participants.is_empty() {
                view! { <p class="muted">"Nobody has joined."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="voice-participants">
                        <thead><tr><th scope="col">"Identity"</th><th scope="col">"Kind"</th><th scope="col">"Joined (UTC)"</th><th scope="col">"Left (UTC)"</th></tr></thead>
                        <tbody>
                            {detail.participants.into_iter().map(|p| view! {
                                <tr>
                                    <th scope="row" class="mono">{p.name.unwrap_or(p.identity)}</th>
                                    <td>{p.kind}</td>
                                    <td>{format::utc_minutes(p.joined_at)}</td>
                                    <td>{p.left_at.map_or_else(|| "in the call".to_owned(), format::utc_minutes)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {detail.transcript.map(|text| view! {
            <section class="card"><h2>"Transcript attached to the call"</h2><pre class="code-block">{text}</pre></section>
        })}
    }
}
