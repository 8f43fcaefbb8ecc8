//! Audit log: who changed what in the workspace, and when, from where; and how long it is kept.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::platform::audit::AuditEntry;
use model::platform::dashboard::{AUDIT_RETENTION_CHOICES, AuditView};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::components::pager::Pager;
use crate::format;
use crate::server_fns::platform::audit::{SetAuditRetention, load_audit};

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let cursor = move || query.read().get("cursor").filter(|c| !c.is_empty());
    let retention = ServerAction::<SetAuditRetention>::new();
    let audit = Resource::new(
        move || (slug(), cursor(), retention.version().get()),
        |(slug, cursor, _)| load_audit(slug, cursor),
    );
    view! {
        <Title text="Audit log · Switchboard" />
        <header class="page-header">
            <h1>"Audit log"</h1>
            <p class="lede">"Who changed apps, secrets, members and settings, signed in, and from where. Newest first."</p>
        </header>
        {move || last_error(retention).map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match audit.await {
                    Ok(view) => view! { <Audit view retention /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Audit(view: AuditView, retention: ServerAction<SetAuditRetention>) -> impl IntoView {
    let AuditView {
        workspace_id,
        workspace_name,
        retention_days,
        page,
    } = view;
    view! {
        <section class="card retention">
            <p>
                <strong>{workspace_name}</strong>
                {format!(" keeps its audit log for {retention_days} days; older entries are deleted.")}
            </p>
            <ActionForm action=retention attr:class="inline-form" attr:id="audit-retention">
                <input type="hidden" name="workspace_id" value=workspace_id />
                <label>
                    "Keep for"
                    <select name="days">
                        {AUDIT_RETENTION_CHOICES
                            .into_iter()
                            .map(|days| view! { <option value=days selected=days == retention_days>{format!("{days} days")}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button class="button secondary" type="submit">"Change"</button>
            </ActionForm>
        </section>
        <section class="card flush">
            {if page.entries.is_empty() {
                view! { <p class="muted card-title">"Nothing recorded yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="audit-log">
                        <thead>
                            <tr>
                                <th scope="col">"At (UTC)"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Did"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"From"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.entries.into_iter().map(|entry| view! { <EntryRow entry /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <Pager next_cursor=page.next_cursor />
    }
}

#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    let target = match &entry.target_id {
        Some(id) => format!("{} {id}", entry.target_type),
        None => entry.target_type.clone(),
    };
    let details = entry.details.as_ref().map(|d| d.to_string());
    view! {
        <tr>
            <td>{format::utc_minutes(entry.created_at)}</td>
            <td>{entry.actor_label}</td>
            <td class="mono">{entry.action}</td>
            <td>
                {target}
                {details.map(|d| view! { <div class="muted small mono">{d}</div> })}
            </td>
            <td class="mono">{entry.source_ip.unwrap_or_else(|| "—".to_owned())}</td>
        </tr>
    }
}
