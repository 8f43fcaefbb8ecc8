//! The Status page: version, database, migrations, integrations, and a live database check.

use leptos::prelude::*;
use leptos_meta::Title;
use model::platform::status::{DatabaseStatus, IntegrationStatus, StatusReport};

use crate::components::notice::ErrorNotice;
use crate::format;
use crate::server_fns::platform::status::{CheckHealth, get_status};

#[component]
pub fn StatusPage() -> impl IntoView {
    let report = Resource::new(|| (), |()| get_status());
    view! {
        <Title text="Status · Switchboard" />
        <header class="page-header">
            <h1>"Status"</h1>
            <p class="lede">"What this instance runs, what it stores data in, and what it is connected to."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading status…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: StatusReport) -> impl IntoView {
    let StatusReport {
        version,
        started_at,
        database,
        integrations,
    } = report;
    view! {
        <div class="grid two">
            <section class="card" aria-labelledby="instance-title">
                <h2 id="instance-title">"Instance"</h2>
                <dl class="facts">
                    <dt>"Version"</dt>
                    <dd id="status-version">{version}</dd>
                    <dt>"Started"</dt>
                    <dd>{format::utc_minutes(started_at)}</dd>
                    <dt>"Installed"</dt>
                    <dd>{database.installed_at.map_or_else(|| "—".to_owned(), format::utc_minutes)}</dd>
                </dl>
                <HealthCheck />
            </section>
            <Database database />
        </div>
        <Integrations integrations />
    }
}

#[component]
fn Database(database: DatabaseStatus) -> impl IntoView {
    let up_to_date = database
        .migration
        .as_ref()
        .is_some_and(|level| level.version >= database.latest_known_migration);
    let migration = match &database.migration {
        Some(level) => format!("{:04} · {}", level.version, level.description),
        None => "none applied".to_owned(),
    };
    let vectors = match &database.vector_extension {
        Some(version) => format!("pgvector {version}"),
        None => "in process (SQLite)".to_owned(),
    };
    view! {
        <section class="card" aria-labelledby="database-title">
            <h2 id="database-title">"Database"</h2>
            <dl class="facts">
                <dt>"Backend"</dt>
                <dd id="status-backend">{database.backend.label()}</dd>
                <dt>"Server version"</dt>
                <dd>{database.server_version}</dd>
                <dt>"Migration"</dt>
                <dd id="status-migration">
                    {migration}
                    {if up_to_date {
                        view! { <span class="badge ok">"up to date"</span> }.into_any()
                    } else {
                        let latest = database.latest_known_migration;
                        view! { <span class="badge warn">{format!("latest is {latest:04}")}</span> }
                            .into_any()
                    }}
                </dd>
                <dt>"Vector search"</dt>
                <dd>{vectors}</dd>
            </dl>
        </section>
    }
}

#[component]
fn Integrations(integrations: Vec<IntegrationStatus>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="integrations-title">
            <h2 id="integrations-title">"Integrations"</h2>
            <p class="muted">
                "Configured through environment variables. Features that need a missing integration answer 503 until it is set."
            </p>
            <table class="table" id="integrations">
                <thead>
                    <tr>
                        <th scope="col">"Service"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Used for"</th>
                        <th scope="col">"Endpoint or missing settings"</th>
                    </tr>
                </thead>
                <tbody>
                    {integrations
                        .into_iter()
                        .map(|status| {
                            let detail = if status.configured {
                                status.endpoint.unwrap_or_default()
                            } else {
                                format!("set {}", status.missing.join(", "))
                            };
                            view! {
                                <tr>
                                    <th scope="row">{status.integration.label()}</th>
                                    <td>
                                        {if status.configured {
                                            view! { <span class="badge ok">"configured"</span> }.into_any()
                                        } else {
                                            view! { <span class="badge off">"not configured"</span> }.into_any()
                                        }}
                                    </td>
                                    <td>{status.integration.purpose()}</td>
                                    <td class="mono">{detail}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Times a query against the database from the browser, through a server function.
#[island]
fn HealthCheck() -> impl IntoView {
    let check = ServerAction::<CheckHealth>::new();
    let pending = check.pending();
    let runs = check.version();
    let outcome = check.value();
    view! {
        <div class="health-check">
            <button
                id="run-health-check"
                class="button"
                type="button"
                disabled=move || pending.get()
                on:click=move |_| {
                    check.dispatch(CheckHealth {});
                }
            >
                {move || if pending.get() { "Checking…" } else { "Check the database" }}
            </button>
            <p id="health-check-result" class="health-result" aria-live="polite">
                {move || match outcome.get() {
                    None => "Times a query against the database, from this page.".to_owned().into_any(),
                    Some(Ok(readiness)) if readiness.database.ok => view! {
                        <span class="badge ok">"ok"</span>
                        {format!(
                            " Database answered in {} (check {})",
                            format::latency(readiness.database.latency_ms),
                            runs.get(),
                        )}
                    }
                    .into_any(),
                    Some(Ok(readiness)) => view! {
                        <span class="badge error">"down"</span>
                        {format!(
                            " {}",
                            readiness.database.error.unwrap_or_else(|| "The database did not answer".into()),
                        )}
                    }
                    .into_any(),
                    Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
                }}
            </p>
        </div>
    }
}
