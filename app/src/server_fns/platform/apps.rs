//! The apps page: apps, their secrets, activation and settings.

use leptos::prelude::*;
use model::platform::apps::{App, AppWithSecret};
use model::platform::dashboard::AppsView;
use serde::{Deserialize, Serialize};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The apps of the user's workspaces, and the current one with every setting.
#[server(prefix = "/sfn", endpoint = "apps")]
pub async fn load_apps(slug: String) -> Result<AppsView, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let caller = services.platform().user_caller(&actor, &slug).await?;
    let apps = services.platform().list_apps(&actor).await?;
    let deliveries = services
        .platform()
        .list_webhook_deliveries(&caller, None, Some(DELIVERIES_SHOWN))
        .await?
        .deliveries;
    Ok(AppsView {
        apps,
        current: caller.app.as_ref().clone(),
        deliveries,
    })
}

/// How many of the latest webhook deliveries the apps page lists.
#[cfg(feature = "ssr")]
const DELIVERIES_SHOWN: i64 = 20;

/// Creates an app in the current app's workspace; its secret is in the answer, once.
#[server(prefix = "/sfn", endpoint = "add-app")]
pub async fn add_app(
    slug: String,
    new_slug: String,
    name: String,
) -> Result<AppWithSecret, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    let current = services.platform().app_by_slug(&actor, &slug).await?;
    let input = model::platform::apps::CreateApp {
        slug: new_slug,
        name,
        secret: None,
        workspace_id: Some(current.workspace_id),
        settings: model::platform::apps::AppSettings::default(),
    };
    Ok(services.platform().create_app(&actor, input).await?)
}

/// Replaces the app's secret; the new one is in the answer, once.
#[server(prefix = "/sfn", endpoint = "rotate-app-secret")]
pub async fn rotate_app_secret(slug: String) -> Result<AppWithSecret, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.platform().rotate_app_secret(&actor, &slug).await?)
}

/// Accepts (`active`) or refuses the app's credentials.
#[server(prefix = "/sfn", endpoint = "app-active")]
pub async fn switch_app(slug: String, active: bool) -> Result<App, UiError> {
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .platform()
        .set_app_active(&actor, &slug, active)
        .await?)
}

/// The settings form of an app, posted as `app[name]`, `app[model_id]`, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppSettingsForm {
    pub name: String,
    pub model_id: String,
    /// Empty: the model's default.
    pub temperature: String,
    pub max_actions_per_turn: String,
    pub knowledge_threshold: String,
    pub handoff_webhook_url: String,
    pub handoff_expiration_seconds: String,
    pub token_expire_minutes: String,
    /// Checkboxes: present when ticked.
    #[serde(default)]
    pub reply_as_audio: Option<String>,
    #[serde(default)]
    pub guardrails_enabled: Option<String>,
    #[serde(default)]
    pub handoff_enabled: Option<String>,
}

/// Saves the settings form; the domain validates them as it does the admin API's.
#[server(prefix = "/sfn", endpoint = "save-app")]
pub async fn save_app_settings(slug: String, app: AppSettingsForm) -> Result<App, UiError> {
    /// An empty box clears the setting; anything else must read as a number.
    fn number<T: std::str::FromStr>(field: &str, text: &str) -> Result<Option<T>, UiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            UiError::new(
                model::ErrorCode::InvalidInput,
                format!("{field} must be a number"),
            )
        })
    }
    let url = app.handoff_webhook_url.trim();
    let patch = model::platform::apps::AppPatch {
        name: Some(app.name),
        model_id: Some(app.model_id.trim().to_owned()),
        temperature: Some(number("temperature", &app.temperature)?),
        max_actions_per_turn: Some(number("maxActionsPerTurn", &app.max_actions_per_turn)?),
        knowledge_threshold: Some(number("knowledgeThreshold", &app.knowledge_threshold)?),
        handoff_webhook_url: Some((!url.is_empty()).then(|| url.to_owned())),
        handoff_expiration_seconds: Some(number(
            "handoffExpirationSeconds",
            &app.handoff_expiration_seconds,
        )?),
        token_expire_minutes: Some(number("tokenExpireMinutes", &app.token_expire_minutes)?),
        reply_as_audio: Some(app.reply_as_audio.is_some()),
        guardrails_enabled: Some(app.guardrails_enabled.is_some()),
        handoff_enabled: Some(app.handoff_enabled.is_some()),
        ..Default::default()
    };
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.platform().update_app(&actor, &slug, patch).await?)
}
