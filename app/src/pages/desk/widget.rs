//! Widget: the snippet that embeds chat on a site, the origins allowed to boot it, and identity
//! verification (signed user hashes), with server-side snippets to compute them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::desk::dashboard::WidgetView;
use model::desk::identity::{
    IdentityVerification, IdentityVerificationWithSecret, VerificationMode,
};

use crate::components::notice::{ErrorNotice, PageError};
use crate::server_fns::desk::widget::{
    RotateIdentitySecret, SaveIdentityVerification, SaveWidgetOrigins, load_widget,
};

#[component]
pub fn WidgetPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let settings = Resource::new(slug, load_widget);
    view! {
        <Title text="Widget · Switchboard" />
        <header class="page-header">
            <h1>"Widget"</h1>
            <p class="lede">"Chat with your visitors from any page of your site: one script tag, served by this server."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading the widget's settings…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(view) => view! { <Widget view /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Widget(view: WidgetView) -> impl IntoView {
    let WidgetView {
        slug,
        base_url,
        app_origins,
        workspace_origins,
        identity,
        may_manage,
    } = view;
    let snippet =
        format!("<script src=\"{base_url}/widget.js\" data-app=\"{slug}\" async></script>");
    let identified = format!(
        "<script src=\"{base_url}/widget.js\" data-app=\"{slug}\"\n        data-user-id=\"USER_ID\" data-user-hash=\"USER_HASH\"\n        data-email=\"EMAIL\" data-name=\"NAME\" async></script>"
    );
    let effective = app_origins
        .clone()
        .unwrap_or_else(|| workspace_origins.clone());
    let source = if app_origins.is_some() {
        "this app's own list"
    } else {
        "the workspace's list (this app has none of its own)"
    };
    let origins_text = app_origins.unwrap_or_default().join("\n");
    view! {
        <div class="detail-layout">
            <div class="stack">
                <section class="card">
                    <h2>"Embed"</h2>
                    <p>"Add this before "<code>"</body>"</code>" on every page that should offer chat:"</p>
                    <pre class="code-block" id="embed-snippet">{snippet}</pre>
                    <p class="muted small">"For signed-in users, add their id and the hash your server computes (below), so their conversations follow them across devices:"</p>
                    <pre class="code-block">{identified}</pre>
                </section>
                <section class="card">
                    <h2>"Allowed origins"</h2>
                    <p>"The widget boots only on pages of these origins (the browser's "<code>"Origin"</code>" header). "<code>"https://*.example.com"</code>" allows every subdomain. Now in force: "{source}"."</p>
                    <ul class="origin-list" id="allowed-origins">
                        {if effective.is_empty() {
                            view! { <li class="muted">"None: no site can boot the widget yet."</li> }.into_any()
                        } else {
                            effective.into_iter().map(|origin| view! { <li class="mono">{origin}</li> }).collect_view().into_any()
                        }}
                    </ul>
                    {may_manage.then(|| view! { <OriginsForm slug=slug.clone() origins=origins_text /> })}
                </section>
            </div>
            <aside class="detail-side">
                {if may_manage {
                    view! { <IdentitySettings slug=slug.clone() identity /> }.into_any()
                } else {
                    view! {
                        <section class="card">
                            <h2>"Identity verification"</h2>
                            <p class="muted">"Owners and admins manage identity verification."</p>
                        </section>
                    }
                    .into_any()
                }}
            </aside>
        </div>
        <ServerSnippets />
    }
}

/// The app's origins. An island, so saving says "Saved" in place.
#[island]
fn OriginsForm(slug: String, origins: String) -> impl IntoView {
    let save = ServerAction::<SaveWidgetOrigins>::new();
    view! {
        <ActionForm action=save attr:class="form" attr:id="origins-form">
            <input type="hidden" name="slug" value=slug />
            <label>
                "This app's origins, one per line (blank: the workspace's)"
                <textarea name="origins" rows="4" placeholder="https://shop.example.com">{crate::format::textarea_text(&origins)}</textarea>
            </label>
            <div class="form-actions">
                <button class="button" type="submit">"Save origins"</button>
                {move || save.value().get().map(|outcome| match outcome {
                    Ok(()) => view! { <span class="badge ok" role="status">"Saved: reload to see the list in force"</span> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </ActionForm>
    }
}

/// Identity verification's switch, mode and secret. An island: a secret exists only in the
/// answer that made it, so it is shown in place, once.
#[island]
fn IdentitySettings(slug: String, identity: IdentityVerification) -> impl IntoView {
    let save = ServerAction::<SaveIdentityVerification>::new();
    let rotate = ServerAction::<RotateIdentitySecret>::new();
    let required = identity.mode == VerificationMode::Required;
    let state = if identity.enabled {
        format!("On, {} mode", identity.mode.as_str())
    } else {
        "Off".to_owned()
    };
    let rotate_slug = slug.clone();
    let shown = move |outcome: Option<
        Result<IdentityVerificationWithSecret, crate::error::UiError>,
    >| {
        outcome.map(|outcome| match outcome {
            Ok(answer) => answer.secret.map(|secret| view! {
                <div class="secret-once" role="status">
                    <p><strong>"Copy the secret now: it is shown this once."</strong>" Keep it on your server; never put it in a page."</p>
                    <pre class="code-block" id="identity-secret">{secret}</pre>
                </div>
            }).into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })
    };
    view! {
        <section class="card" id="identity-verification">
            <h2>"Identity verification"</h2>
            <p class="muted small">"Your server signs each user id with a secret; a visitor whose hash matches is the same contact on every device. Without it, a visitor is known only by their device, and emails are never used to link contacts."</p>
            <dl class="facts compact">
                <dt>"State"</dt><dd id="identity-state">{state}</dd>
                <dt>"Secret"</dt><dd>{if identity.has_secret { "set (never shown again)" } else { "none yet" }}</dd>
            </dl>
            <ActionForm action=save attr:class="form" attr:id="identity-form">
                <input type="hidden" name="slug" value=slug />
                <label class="checkbox"><input type="checkbox" name="enabled" value="on" checked=identity.enabled />" Verify identities"</label>
                <label>
                    "Mode"
                    <select name="mode">
                        <option value="optional" selected=!required>"optional"</option>
                        <option value="required" selected=required>"required"</option>
                    </select>
                    <span class="muted small">"Optional: a bad hash boots an unverified contact. Required: a claimed user id needs its hash."</span>
                </label>
                <label class="checkbox"><input type="checkbox" name="allow_anonymous" value="on" checked=identity.allow_anonymous />" Anonymous visitors may chat (required mode)"</label>
                <button class="button" type="submit">"Save"</button>
            </ActionForm>
            {move || shown(save.value().get())}
            {identity.has_secret.then(|| view! {
                <ActionForm action=rotate attr:class="inline-form">
                    <input type="hidden" name="slug" value=rotate_slug.clone() />
                    <button class="button secondary danger" type="submit">"Rotate secret"</button>
                </ActionForm>
                <p class="muted small">"After a rotation the old secret keeps working for 24 hours, while your servers move to the new one."</p>
            })}
            {move || shown(rotate.value().get())}
        </section>
    }
}

/// How the customer's server computes `userHash`, in three languages.
#[component]
fn ServerSnippets() -> impl IntoView {
    const NODE: &str = "import { createHmac } from \"node:crypto\";\n\nconst secret = process.env.IDENTITY_SECRET;\nconst userHash = createHmac(\"sha256\", secret)\n  .update(user.id)\n  .digest(\"hex\");";
    const PYTHON: &str = "import hashlib, hmac, os\n\nsecret = os.environ[\"IDENTITY_SECRET\"]\nuser_hash = hmac.new(\n    secret.encode(), user.id.encode(), hashlib.sha256\n).hexdigest()";
    const PHP: &str = "$secret = getenv('IDENTITY_SECRET');\n$userHash = hash_hmac('sha256', $user->id, $secret);";
    view! {
        <section class="card" id="server-snippets">
            <h2>"Computing the user hash on your server"</h2>
            <p class="muted small">"HMAC-SHA256 of the user id with the identity secret, in hex. Put it in the page with the user id; never send the secret to a browser."</p>
            <div class="snippet-grid">
                <div><h3>"Node.js"</h3><pre class="code-block">{NODE}</pre></div>
                <div><h3>"Python"</h3><pre class="code-block">{PYTHON}</pre></div>
                <div><h3>"PHP"</h3><pre class="code-block">{PHP}</pre></div>
            </div>
        </section>
    }
}
