//! The handoff queue: conversations the agent passed to a human, by status, with claim and
//! resolve for the roles that work them. New handoffs appear without a reload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::agent::handoffs::{Handoff, HandoffPriority, HandoffStatus};
use model::platform::users::Permission;

use crate::components::layout::PageFrame;
use crate::components::live_region::LiveRegion;
use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::format;
use crate::server_fns::agent::handoffs::{ClaimHandoff, ResolveHandoff, handoff_queue};

/// How often an open queue looks for changes, in seconds.
const REFRESH_SECS: u32 = 5;

const TABS: [HandoffStatus; 4] = [
    HandoffStatus::Pending,
    HandoffStatus::Claimed,
    HandoffStatus::Resolved,
    HandoffStatus::Expired,
];

#[component]
pub fn HandoffsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let status = move || {
        query
            .read()
            .get("status")
            .and_then(|s| HandoffStatus::parse(&s))
            .unwrap_or(HandoffStatus::Pending)
    };
    let claim = ServerAction::<ClaimHandoff>::new();
    let resolve = ServerAction::<ResolveHandoff>::new();
    let queue = Resource::new(
        move || (slug(), status()),
        |(slug, status)| handoff_queue(slug, status.as_str().to_owned(), None),
    );
    let failure = move || last_error(claim).or_else(|| last_error(resolve));
    view! {
        <Title text="Handoff queue · Switchboard" />
        <header class="page-header">
            <h1>"Handoff queue"</h1>
            <p class="lede">"Conversations the agent handed to a person. Claim one to take it; resolve it when done."</p>
        </header>
        <nav class="tabs" aria-label="Handoff status">
            {TABS
                .into_iter()
                .map(|tab| {
                    let current = move || (status() == tab).then_some("page");
                    view! { <a href=format!("?status={}", tab.as_str()) aria-current=current>{tab.as_str()}</a> }
                })
                .collect_view()}
        </nav>
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        // Someone else may claim, resolve or add handoffs: the queue is fetched again every few
        // seconds and replaced only when it changed, so a form being filled in is not lost.
        <LiveRegion region="handoff-live".to_owned() stream=None every_secs=Some(REFRESH_SECS) while_present=None />
        <div id="handoff-live" class="region">
            <Transition fallback=|| view! { <p class="muted">"Loading the queue…"</p> }>
                {move || Suspend::new(async move {
                    let may_work = PageFrame::allows(Permission::HandoffsManage).await;
                    match queue.await {
                        Ok(page) if page.handoffs.is_empty() => view! {
                            <section class="card empty-state" id="handoff-queue">
                                <h2>{format!("No {} handoffs", status().as_str())}</h2>
                                <p class="muted">"New handoffs appear here by themselves."</p>
                            </section>
                        }
                        .into_any(),
                        Ok(page) => view! {
                            <ul class="handoff-list" id="handoff-queue">
                                {page
                                    .handoffs
                                    .into_iter()
                                    .map(|handoff| view! { <HandoffCard slug=slug() handoff may_work claim resolve /> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <PageError error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn HandoffCard(
    slug: String,
    handoff: Handoff,
    may_work: bool,
    claim: ServerAction<ClaimHandoff>,
    resolve: ServerAction<ResolveHandoff>,
) -> impl IntoView {
    let priority_class = match handoff.priority {
        HandoffPriority::Urgent => "badge error",
        HandoffPriority::High => "badge warn",
        HandoffPriority::Normal => "badge ok",
        HandoffPriority::Low => "badge off",
    };
    let conversation = format!("/apps/{slug}/conversations/{}", handoff.session_id);
    let open = handoff.status.is_open();
    let pending = handoff.status == HandoffStatus::Pending;
    let transcript_lines = handoff.transcript.len();
    let actions = (may_work && open).then(|| {
        view! { <HandoffActions slug id=handoff.id.clone() pending claim resolve /> }
    });
    view! {
        <li class="card handoff" data-handoff-id=handoff.id>
            <div class="handoff-head">
                <h2>{handoff.reason.clone()}</h2>
                <span class=priority_class>{handoff.priority.as_str()}</span>
                <span class="badge off">{handoff.channel.clone()}</span>
            </div>
            <p class="muted small">
                {format!("Created {} · ", format::utc_minutes(handoff.created_at))}
                <a class="mono" href=conversation>{handoff.session_id.clone()}</a>
                {handoff.assigned_agent.clone().map(|who| format!(" · assigned to {who}"))}
            </p>
            {handoff.reason_detail.clone().map(|detail| view! { <p>{detail}</p> })}
            {handoff.ai_summary.clone().map(|summary| view! {
                <div class="summary"><p class="summary-label">"AI summary"</p><p>{summary}</p></div>
            })}
            <details class="handoff-transcript">
                <summary>{format!("Transcript ({transcript_lines} lines)")}</summary>
                <ol class="transcript">
                    {handoff.transcript.into_iter().map(|entry| view! {
                        <li class=format!("turn {}", entry.role)>
                            <p class="turn-meta"><span class="turn-role">{entry.role.clone()}</span><time>{format::utc_minutes(entry.ts)}</time></p>
                            <p class="turn-text">{entry.content}</p>
                        </li>
                    }).collect_view()}
                </ol>
            </details>
            {actions}
        </li>
    }
}

/// Claim (while pending) and resolve, with the outcome and notes.
#[component]
fn HandoffActions(
    slug: String,
    id: String,
    pending: bool,
    claim: ServerAction<ClaimHandoff>,
    resolve: ServerAction<ResolveHandoff>,
) -> impl IntoView {
    let claim_form = pending.then(|| {
        let (slug, id) = (slug.clone(), id.clone());
        view! {
            <ActionForm action=claim>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="handoff_id" value=id />
                <button class="button" type="submit">"Claim"</button>
            </ActionForm>
        }
    });
    view! {
        <div class="handoff-actions">
            {claim_form}
            <ActionForm action=resolve attr:class="resolve-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="handoff_id" value=id />
                <label>
                    "Outcome"
                    <select name="quality">
                        <option value="">"not rated"</option>
                        <option value="excellent">"excellent"</option>
                        <option value="good">"good"</option>
                        <option value="poor">"poor"</option>
                    </select>
                </label>
                <label>"Notes" <input type="text" name="feedback" maxlength="5000" placeholder="What was done" /></label>
                <button class="button secondary" type="submit">"Resolve"</button>
            </ActionForm>
        </div>
    }
}
