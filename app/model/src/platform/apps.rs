//! Apps (tenants of the agent API) as the API shows them: every setting, never the secret.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The model and settings seed 000's example app uses when none are given.
pub const DEFAULT_MODEL_ID: &str = "gemini-2.5-flash-native-audio-preview-12-2025";
pub const DEFAULT_SYSTEM_PROMPT: &str = "You are a helpful assistant.";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub id: String,
    pub workspace_id: String,
    pub slug: String,
    pub name: String,
    pub is_active: bool,
    #[serde(flatten)]
    pub settings: AppSettings,
    /// ms since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
}

/// An app's configurable fields, named as in seed 000. Fields left out take their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub model_id: String,
    pub reply_as_audio: bool,
    pub temperature: Option<f64>,
    pub system_prompt: String,
    pub voice: Option<String>,
    /// Lifetime of Gemini ephemeral tokens (default 30).
    pub token_expire_minutes: Option<i64>,
    pub persona_name: Option<String>,
    pub persona_greeting: Option<String>,
    pub persona_tone: Option<String>,
    pub preferred_terms: Vec<String>,
    pub blocked_terms: Vec<String>,
    pub guardrails_enabled: bool,
    /// Tool calls allowed per session per 60 s.
    pub max_actions_per_turn: Option<i64>,
    pub handoff_enabled: bool,
    pub handoff_webhook_url: Option<String>,
    pub handoff_expiration_seconds: Option<i64>,
    /// Knowledge searches scoring below this record a gap.
    pub knowledge_threshold: Option<f64>,
    /// Texts shown by browser clients, by key.
    pub ui_strings: Map<String, Value>,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            model_id: DEFAULT_MODEL_ID.to_owned(),
            reply_as_audio: true,
            temperature: None,
            system_prompt: DEFAULT_SYSTEM_PROMPT.to_owned(),
            voice: None,
            token_expire_minutes: None,
            persona_name: None,
            persona_greeting: None,
            persona_tone: None,
            preferred_terms: Vec::new(),
            blocked_terms: Vec::new(),
            guardrails_enabled: false,
            max_actions_per_turn: None,
            handoff_enabled: false,
            handoff_webhook_url: None,
            handoff_expiration_seconds: None,
            knowledge_threshold: None,
            ui_strings: Map::new(),
        }
    }
}

/// A new app, as seed 000's "Seed an App" example gives it. `secret` keeps an existing
/// deployment's secret; without it one is generated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateApp {
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The workspace to create it in; the first workspace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(flatten)]
    pub settings: AppSettings,
}

/// An app with its secret: answered once, when the app is created or its secret rotated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppWithSecret {
    pub app: App,
    /// Shown only now; only its hash is stored.
    pub app_secret: String,
}
