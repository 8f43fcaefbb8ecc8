//! Apps & settings: the apps of the user's workspaces, a new app, and the current app's
//! settings, secret and state. Secrets are shown once, in the answer that made them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::platform::apps::{App, AppWithSecret};
use model::platform::dashboard::AppsView;
use model::platform::webhooks::{WebhookDelivery, WebhookStatus};

use crate::components::notice::{ErrorNotice, PageError, last_error};
use crate::format;
use crate::server_fns::platform::apps::{
    AddApp, RotateAppSecret, SaveAppSettings, SwitchApp, load_apps,
};
use crate::server_fns::platform::webhooks::{RevealSigningSecret, RotateSigningSecret};

#[component]
pub fn AppsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let switch = ServerAction::<SwitchApp>::new();
    let apps = Resource::new(slug, load_apps);
    view! {
        <Title text="Apps & settings · Switchboard" />
        <header class="page-header">
            <h1>"Apps & settings"</h1>
            <p class="lede">"Each app is a tenant of the agent API, with its own secret, settings and data."</p>
        </header>
        {move || last_error(switch).map(|error| view! { <ErrorNotice error /> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading apps…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(view) => view! { <Apps view switch /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The secret of an app just made or rotated: on screen once, never stored in the clear.
#[component]
fn SecretShownOnce(shown: AppWithSecret) -> impl IntoView {
    view! {
        <section class="card secret-once" role="status" id="secret-once">
            <h2>{format!("The secret of {}", shown.app.name)}</h2>
            <p>"Copy it now: it is shown this once, and only its hash is kept. Servers send it as "<code>"appSecret"</code>" or "<code>"Authorization: Bearer"</code>" with "<code>"X-App-Slug"</code>"."</p>
            <pre class="code-block" id="app-secret">{shown.app_secret}</pre>
            <p><a href=format!("/apps/{}/settings", shown.app.slug)>{format!("Open {}", shown.app.name)}</a></p>
        </section>
    }
}

/// Rotates the app's secret and shows the new one. An island: the secret exists only in the
/// answer to this request, so it is shown in place rather than after a redirect.
#[island]
fn RotateSecret(slug: String) -> impl IntoView {
    let rotate = ServerAction::<RotateAppSecret>::new();
    view! {
        <ActionForm action=rotate>
            <input type="hidden" name="slug" value=slug />
            <button class="button secondary" type="submit">"Rotate secret"</button>
        </ActionForm>
        {move || rotate.value().get().map(|outcome| match outcome {
            Ok(shown) => view! { <SecretShownOnce shown /> }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
    }
}

/// Creates an app and shows its secret, once, in place.
#[island]
fn NewApp(slug: String) -> impl IntoView {
    let add = ServerAction::<AddApp>::new();
    view! {
        <ActionForm action=add attr:class="form" attr:id="new-app">
            <input type="hidden" name="slug" value=slug />
            <label>"Name" <input type="text" name="name" required maxlength="200" /></label>
            <label>"Slug" <input type="text" name="new_slug" required pattern="[a-z0-9][a-z0-9-]*" maxlength="64" placeholder="my-app" /></label>
            <button class="button" type="submit">"Create app"</button>
        </ActionForm>
        {move || add.value().get().map(|outcome| match outcome {
            Ok(shown) => view! { <SecretShownOnce shown /> }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
    }
}

#[component]
fn Apps(view: AppsView, switch: ServerAction<SwitchApp>) -> impl IntoView {
    let AppsView {
        apps,
        current,
        deliveries,
    } = view;
    let (rotate_slug, switch_slug, add_slug) = (
        current.slug.clone(),
        current.slug.clone(),
        current.slug.clone(),
    );
    view! {
        <div class="detail-layout">
            <SettingsForm app=current.clone() />
            <aside class="detail-side">
                <section class="card">
                    <h2>"This app"</h2>
                    <dl class="facts compact">
                        <dt>"Slug"</dt><dd class="mono">{current.slug.clone()}</dd>
                        <dt>"State"</dt>
                        <dd>{if current.is_active { "accepting credentials" } else { "deactivated: credentials refused" }}</dd>
                        <dt>"Created"</dt><dd>{format::utc_minutes(current.created_at)}</dd>
                    </dl>
                    <div class="handoff-actions">
                        <RotateSecret slug=rotate_slug />
                        <ActionForm action=switch>
                            <input type="hidden" name="slug" value=switch_slug />
                            <input type="hidden" name="active" value=(!current.is_active).to_string() />
                            <button class="button secondary danger" type="submit">
                                {if current.is_active { "Deactivate" } else { "Activate" }}
                            </button>
                        </ActionForm>
                    </div>
                </section>
                <section class="card">
                    <h2>"New app"</h2>
                    <NewApp slug=add_slug />
                </section>
            </aside>
        </div>
        <section class="card flush">
            <h2 class="card-title">{format!("Apps ({})", apps.len())}</h2>
            <table class="table" id="apps">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Slug"</th><th scope="col">"State"</th><th scope="col">"Updated (UTC)"</th></tr></thead>
                <tbody>
                    {apps.into_iter().map(|app| view! {
                        <tr>
                            <th scope="row"><a href=format!("/apps/{}/settings", app.slug)>{app.name.clone()}</a></th>
                            <td class="mono">{app.slug.clone()}</td>
                            <td>{if app.is_active { view! { <span class="badge ok">"active"</span> }.into_any() } else { view! { <span class="badge off">"deactivated"</span> }.into_any() }}</td>
                            <td>{format::utc_minutes(app.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <Webhooks slug=current.slug.clone() deliveries />
        <p class="muted small">"Integrations (LiveKit, Gemini, ElevenLabs, embeddings) are set for the whole instance: see "<a href="/status">"Status"</a>"."</p>
    }
}

/// The app's settings. An island, so saving says "Saved" in place.
#[island]
fn SettingsForm(app: App) -> impl IntoView {
    let save = ServerAction::<SaveAppSettings>::new();
    let s = app.settings;
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    let whole = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <section class="card">
            <h2>"Settings"</h2>
            <ActionForm action=save attr:class="form" attr:id="app-settings">
                <input type="hidden" name="slug" value=app.slug />
                <div class="form-row">
                    <label>"Name" <input type="text" name="app[name]" required maxlength="200" value=app.name /></label>
                    <label>"Model" <input type="text" name="app[model_id]" required value=s.model_id /></label>
                    <label>"Temperature" <input type="number" name="app[temperature]" step="0.1" min="0" max="2" value=number(s.temperature) placeholder="model default" /></label>
                </div>
                <div class="form-row">
                    <label>"Tool calls per session per minute" <input type="number" name="app[max_actions_per_turn]" min="1" value=whole(s.max_actions_per_turn) placeholder="no limit" /></label>
                    <label>"Knowledge gap threshold" <input type="number" name="app[knowledge_threshold]" step="0.01" min="0" max="1" value=number(s.knowledge_threshold) placeholder="model default" /></label>
                    <label>"Token lifetime (minutes)" <input type="number" name="app[token_expire_minutes]" min="1" value=whole(s.token_expire_minutes) placeholder="30" /></label>
                </div>
                <div class="form-row">
                    <label>"Handoff webhook URL" <input type="url" name="app[handoff_webhook_url]" value=s.handoff_webhook_url.unwrap_or_default() placeholder="https://desk.example.com/hooks/switchboard" /></label>
                    <label>"Handoff expiry (seconds)" <input type="number" name="app[handoff_expiration_seconds]" min="1" value=whole(s.handoff_expiration_seconds) placeholder="never" /></label>
                </div>
                <div class="form-row">
                    <label class="checkbox"><input type="checkbox" name="app[reply_as_audio]" value="on" checked=s.reply_as_audio />" Reply as audio"</label>
                    <label class="checkbox"><input type="checkbox" name="app[guardrails_enabled]" value="on" checked=s.guardrails_enabled />" Guardrail checks on"</label>
                    <label class="checkbox"><input type="checkbox" name="app[handoff_enabled]" value="on" checked=s.handoff_enabled />" Handoffs to people"</label>
                </div>
                <div class="form-actions">
                    <button class="button" type="submit">"Save settings"</button>
                    {move || save.value().get().map(|outcome| match outcome {
                        Ok(_) => view! { <span class="badge ok" role="status">"Saved"</span> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    })}
                </div>
            </ActionForm>
        </section>
    }
}

/// Outbound webhooks: the secret receivers check signatures with, and the latest deliveries.
#[component]
fn Webhooks(slug: String, deliveries: Vec<WebhookDelivery>) -> impl IntoView {
    let rows = deliveries
        .into_iter()
        .map(|d| {
            let class = match d.status {
                WebhookStatus::Delivered => "badge ok",
                WebhookStatus::Pending => "badge warn",
                WebhookStatus::Failed => "badge error",
            };
            let answer = match (d.last_status_code, d.last_error) {
                (Some(code), _) => format!("HTTP {code}"),
                (None, Some(error)) => error,
                (None, None) => "—".to_owned(),
            };
            view! {
                <tr>
                    <td>{format::utc_minutes(d.created_at)}</td>
                    <td class="mono">{d.event}</td>
                    <td class="mono url">{d.url}</td>
                    <td><span class=class>{d.status.as_str()}</span></td>
                    <td>{d.attempts}</td>
                    <td>{answer}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="card flush" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title" class="card-title">"Webhooks"</h2>
            <div class="card-section">
                <p class="muted small">
                    "Handoff webhooks and tool calls carry "<code>"X-Switchboard-Signature"</code>
                    " (t=<ms>,v1=<HMAC-SHA256 of \"<ms>.<body>\">); receivers check it with this secret."
                </p>
                <SigningSecret slug />
            </div>
            {if rows.is_empty() {
                view! { <p class="muted card-title">"No webhook sent yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table" id="webhook-deliveries">
                        <thead>
                            <tr>
                                <th scope="col">"At (UTC)"</th>
                                <th scope="col">"Event"</th>
                                <th scope="col">"To"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Attempts"</th>
                                <th scope="col">"Last answer"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

/// The signing secret, shown only on request (and after a rotation): an island, so it never
/// sits in the page's HTML.
#[island]
fn SigningSecret(slug: String) -> impl IntoView {
    let reveal = ServerAction::<RevealSigningSecret>::new();
    let rotate = ServerAction::<RotateSigningSecret>::new();
    let shown = move || {
        let latest = if rotate.version().get() > 0 {
            rotate.value().get()
        } else {
            reveal.value().get()
        };
        latest.map(|outcome| match outcome {
            Ok(secret) => {
                view! { <pre class="code-block" id="signing-secret">{secret}</pre> }.into_any()
            }
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })
    };
    let slug_for_rotate = slug.clone();
    view! {
        <div class="handoff-actions">
            <ActionForm action=reveal>
                <input type="hidden" name="slug" value=slug />
                <button class="button secondary" type="submit" id="reveal-signing-secret">"Show signing secret"</button>
            </ActionForm>
            <ActionForm action=rotate>
                <input type="hidden" name="slug" value=slug_for_rotate />
                <button class="button secondary danger" type="submit">"Rotate signing secret"</button>
            </ActionForm>
        </div>
        {shown}
    }
}
