//! Workspace: the current app's workspace and its settings (name, allowed origins, timezone,
//! widget session lifetime), and new workspaces.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::platform::dashboard::WorkspaceView;
use model::platform::workspaces::Workspace;

use crate::components::notice::{ErrorNotice, PageError};
use crate::server_fns::platform::workspaces::{CreateWorkspace, SaveWorkspace, load_workspace};

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let loaded = Resource::new(slug, load_workspace);
    view! {
        <Title text="Workspace · Switchboard" />
        <header class="page-header">
            <h1>"Workspace"</h1>
            <p class="lede">"A workspace holds apps, members and contacts. Its settings apply to every app in it."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading the workspace…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <WorkspaceSettings view /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WorkspaceSettings(view: WorkspaceView) -> impl IntoView {
    let WorkspaceView {
        workspace,
        may_manage,
    } = view;
    let facts = view! {
        <dl class="facts compact" id="workspace-facts">
            <dt>"Name"</dt><dd>{workspace.name.clone()}</dd>
            <dt>"Allowed origins"</dt>
            <dd>{if workspace.allowed_origins.is_empty() { "none".to_owned() } else { workspace.allowed_origins.join(", ") }}</dd>
            <dt>"Timezone"</dt><dd>{workspace.timezone.clone()}</dd>
            <dt>"Widget sessions last"</dt><dd>{format!("{} hours", workspace.widget_session_lifetime_ms / 3_600_000)}</dd>
            <dt>"Your role"</dt><dd>{workspace.role.map(|role| role.as_str()).unwrap_or("operator")}</dd>
        </dl>
    };
    view! {
        <div class="detail-layout">
            <section class="card">
                <h2>"Settings"</h2>
                {if may_manage {
                    view! { <SettingsForm workspace /> }.into_any()
                } else {
                    view! { {facts}<p class="muted small">"Owners and admins change these."</p> }.into_any()
                }}
            </section>
            <aside class="detail-side">
                <section class="card">
                    <h2>"New workspace"</h2>
                    <p class="muted small">"You will own it. Its first app is where its pages open; switch between workspaces in the sidebar."</p>
                    <NewWorkspace />
                </section>
            </aside>
        </div>
    }
}

/// The settings form. An island, so saving says "Saved" in place.
#[island]
fn SettingsForm(workspace: Workspace) -> impl IntoView {
    let save = ServerAction::<SaveWorkspace>::new();
    let hours = (workspace.widget_session_lifetime_ms / 3_600_000).to_string();
    view! {
        <ActionForm action=save attr:class="form" attr:id="workspace-settings">
            <input type="hidden" name="workspace_id" value=workspace.id />
            <label>"Name" <input type="text" name="name" required maxlength="100" value=workspace.name /></label>
            <label>
                "Allowed origins, one per line: the default for apps with none of their own"
                <textarea name="origins" rows="4" placeholder="https://*.example.com">{crate::format::textarea_text(&workspace.allowed_origins.join("\n"))}</textarea>
            </label>
            <div class="form-row">
                <label>"Timezone (IANA)" <input type="text" name="timezone" required value=workspace.timezone placeholder="Europe/Lisbon" /></label>
                <label>"Widget session lifetime (hours, 1–168)" <input type="number" name="lifetime_hours" min="1" max="168" required value=hours /></label>
            </div>
            <div class="form-actions">
                <button class="button" type="submit">"Save workspace"</button>
                {move || save.value().get().map(|outcome| match outcome {
                    Ok(_) => view! { <span class="badge ok" role="status">"Saved"</span> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </div>
        </ActionForm>
    }
}

/// A new workspace with its first app; the app's secret is shown once, in place.
#[island]
fn NewWorkspace() -> impl IntoView {
    let create = ServerAction::<CreateWorkspace>::new();
    view! {
        <ActionForm action=create attr:class="form" attr:id="new-workspace">
            <label>"Workspace name" <input type="text" name="name" required maxlength="100" /></label>
            <label>"First app's name" <input type="text" name="app_name" required maxlength="200" /></label>
            <label>"First app's slug" <input type="text" name="app_slug" required pattern="[a-z0-9][a-z0-9_-]*" maxlength="64" placeholder="my-app" /></label>
            <button class="button" type="submit">"Create workspace"</button>
        </ActionForm>
        {move || create.value().get().map(|outcome| match outcome {
            Ok(created) => view! {
                <div class="secret-once" role="status" id="new-workspace-created">
                    <p>{format!("Created, with the app {}. Its secret, shown this once:", created.app.name)}</p>
                    <pre class="code-block">{created.app_secret}</pre>
                    <p><a href=format!("/apps/{}/workspace", created.app.slug)>"Open the new workspace"</a></p>
                </div>
            }.into_any(),
            Err(error) => view! { <ErrorNotice error /> }.into_any(),
        })}
    }
}
