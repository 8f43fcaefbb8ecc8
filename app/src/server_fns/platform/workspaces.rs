//! The Workspace page: the current app's workspace, its settings, and new workspaces.

use leptos::prelude::*;
use model::platform::dashboard::WorkspaceView;
use model::platform::workspaces::Workspace;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The workspace of the app `slug`.
#[server(prefix = "/sfn", endpoint = "workspace")]
pub async fn load_workspace(slug: String) -> Result<WorkspaceView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (_, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let may_manage = actor.can(
        &workspace.id,
        model::platform::users::Permission::SettingsSecurity,
    );
    Ok(WorkspaceView {
        workspace,
        may_manage,
    })
}

/// Saves the workspace's settings: origins one per line, the lifetime in hours.
#[server(prefix = "/sfn", endpoint = "save-workspace")]
pub async fn save_workspace(
    workspace_id: String,
    name: String,
    origins: String,
    timezone: String,
    lifetime_hours: String,
) -> Result<Workspace, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let hours: i64 = lifetime_hours.trim().parse().map_err(|_| {
        UiError::new(
            model::ErrorCode::InvalidInput,
            "The session lifetime is a whole number of hours",
        )
    })?;
    let patch = model::platform::workspaces::WorkspacePatch {
        name: Some(name),
        allowed_origins: Some(ssr::lines(&origins)),
        timezone: Some(timezone),
        widget_session_lifetime_ms: Some(Some(hours.saturating_mul(3_600_000))),
    };
    Ok(services
        .platform()
        .update_workspace(&actor, &workspace_id, patch)
        .await?)
}

/// Creates a workspace the user owns, with its first app (pages open through an app); the
/// app's secret is in the answer, once.
#[server(prefix = "/sfn", endpoint = "create-workspace")]
pub async fn create_workspace(
    name: String,
    app_name: String,
    app_slug: String,
) -> Result<model::platform::apps::AppWithSecret, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let workspace = services
        .platform()
        .create_workspace(
            &actor,
            model::platform::workspaces::CreateWorkspace { name },
        )
        .await?;
    // The creator's actor predates the workspace: act as its owner to add the app.
    let actor = ssr::signed_in().await?.1;
    let input = model::platform::apps::CreateApp {
        slug: app_slug,
        name: app_name,
        secret: None,
        workspace_id: Some(workspace.id),
        settings: model::platform::apps::AppSettings::default(),
    };
    Ok(services.platform().create_app(&actor, input).await?)
}
