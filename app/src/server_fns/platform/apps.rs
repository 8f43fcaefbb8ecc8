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
    use serde_json::Value;

    let number = |field: &str, text: &str| -> Result<Value, UiError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Value::Null);
        }
        text.parse::<f64>()
            .ok()
            .and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            })
            .ok_or_else(|| {
                UiError::new(
                    model::ErrorCode::InvalidInput,
                    format!("{field} must be a number"),
                )
            })
    };
    let url = app.handoff_webhook_url.trim();
    let mut patch = serde_json::Map::new();
    patch.insert("name".into(), Value::String(app.name));
    patch.insert(
        "modelId".into(),
        Value::String(app.model_id.trim().to_owned()),
    );
    patch.insert(
        "temperature".into(),
        number("temperature", &app.temperature)?,
    );
    patch.insert(
        "maxActionsPerTurn".into(),
        number("maxActionsPerTurn", &app.max_actions_per_turn)?,
    );
    patch.insert(
        "knowledgeThreshold".into(),
        number("knowledgeThreshold", &app.knowledge_threshold)?,
    );
    patch.insert(
        "handoffWebhookUrl".into(),
        if url.is_empty() {
            Value::Null
        } else {
            Value::String(url.to_owned())
        },
    );
    patch.insert(
        "handoffExpirationSeconds".into(),
        number("handoffExpirationSeconds", &app.handoff_expiration_seconds)?,
    );
    patch.insert(
        "tokenExpireMinutes".into(),
        number("tokenExpireMinutes", &app.token_expire_minutes)?,
    );
    patch.insert(
        "replyAsAudio".into(),
        Value::Bool(app.reply_as_audio.is_some()),
    );
    patch.insert(
        "guardrailsEnabled".into(),
        Value::Bool(app.guardrails_enabled.is_some()),
    );
    patch.insert(
        "handoffEnabled".into(),
        Value::Bool(app.handoff_enabled.is_some()),
    );
    let (services, actor) = ssr::signed_in().await?;
    Ok(services.platform().update_app(&actor, &slug, patch).await?)
}
