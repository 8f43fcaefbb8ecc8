//! The Widget page: embedding, allowed origins and identity verification.

use leptos::prelude::*;
use model::desk::dashboard::WidgetView;
use model::desk::identity::IdentityVerificationWithSecret;

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The app's widget settings.
#[server(prefix = "/sfn", endpoint = "widget")]
pub async fn load_widget(slug: String) -> Result<WidgetView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let (app, workspace) = ssr::app_and_workspace(&services, &actor, &slug).await?;
    let may_manage = actor.can(
        &app.workspace_id,
        model::platform::users::Permission::SettingsSecurity,
    );
    let identity = if may_manage {
        services.desk().identity_verification(&actor, &slug).await?
    } else {
        model::desk::identity::IdentityVerification {
            enabled: false,
            mode: Default::default(),
            allow_anonymous: true,
            has_secret: false,
            previous_secret_expires_at: None,
        }
    };
    Ok(WidgetView {
        slug: app.slug,
        base_url: crate::server_fns::request::base_url().unwrap_or_default(),
        app_origins: app.settings.allowed_origins,
        workspace_origins: workspace.allowed_origins,
        identity,
        may_manage,
    })
}

/// Saves the app's allowed origins, one per line; blank takes the workspace's list.
#[server(prefix = "/sfn", endpoint = "widget-origins")]
pub async fn save_widget_origins(slug: String, origins: String) -> Result<(), UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let lines = ssr::lines(&origins);
    let patch = model::platform::apps::AppPatch {
        allowed_origins: Some((!lines.is_empty()).then_some(lines)),
        ..Default::default()
    };
    services.platform().update_app(&actor, &slug, patch).await?;
    Ok(())
}

/// Turns identity verification on or off; the first time, the secret is in the answer.
#[server(prefix = "/sfn", endpoint = "identity-verification")]
pub async fn save_identity_verification(
    slug: String,
    mode: String,
    enabled: Option<String>,
    allow_anonymous: Option<String>,
) -> Result<IdentityVerificationWithSecret, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let mode = ssr::parsed(
        "mode",
        Some(mode),
        model::desk::identity::VerificationMode::parse,
    )?
    .unwrap_or_default();
    let update = model::desk::identity::UpdateIdentityVerification {
        enabled: enabled.is_some(),
        mode,
        allow_anonymous: allow_anonymous.is_some(),
    };
    Ok(services
        .desk()
        .update_identity_verification(&actor, &slug, update)
        .await?)
}

/// Replaces the identity secret; the new one is in the answer, once.
#[server(prefix = "/sfn", endpoint = "rotate-identity-secret")]
pub async fn rotate_identity_secret(
    slug: String,
) -> Result<IdentityVerificationWithSecret, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .desk()
        .rotate_identity_secret(&actor, &slug)
        .await?)
}
