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
    /// The web origins that may boot this app's widget (`https://*.example.com` wildcards
    /// allowed); `null` takes the workspace's list.
    pub allowed_origins: Option<Vec<String>>,
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
            allowed_origins: None,
        }
    }
}

/// A change to an app (`PATCH /api/admin/apps/{slug}`, `app update --json`, the settings
/// form): only the fields present change, and `null` clears an optional one. Other fields (the
/// slug, the secret) are refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppPatch {
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub model_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub reply_as_audio: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub temperature: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub system_prompt: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub voice: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_expire_minutes: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub persona_name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub persona_greeting: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub persona_tone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_terms: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub blocked_terms: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub guardrails_enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_actions_per_turn: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub handoff_enabled: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub handoff_webhook_url: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub handoff_expiration_seconds: Option<Option<i64>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub knowledge_threshold: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub ui_strings: Option<Map<String, Value>>,
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub allowed_origins: Option<Option<Vec<String>>>,
}

impl AppPatch {
    /// The names of the fields this patch changes, as the API spells them.
    pub fn field_names(&self) -> Vec<String> {
        match serde_json::to_value(self) {
            Ok(Value::Object(fields)) => fields.into_iter().map(|(name, _)| name).collect(),
            _ => Vec::new(),
        }
    }

    /// The app's name and settings with this patch applied.
    pub fn apply(self, name: &mut String, settings: &mut AppSettings) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *slot = value;
            }
        }
        set(name, self.name);
        set(&mut settings.model_id, self.model_id);
        set(&mut settings.reply_as_audio, self.reply_as_audio);
        set(&mut settings.temperature, self.temperature);
        set(&mut settings.system_prompt, self.system_prompt);
        set(&mut settings.voice, self.voice);
        set(
            &mut settings.token_expire_minutes,
            self.token_expire_minutes,
        );
        set(&mut settings.persona_name, self.persona_name);
        set(&mut settings.persona_greeting, self.persona_greeting);
        set(&mut settings.persona_tone, self.persona_tone);
        set(&mut settings.preferred_terms, self.preferred_terms);
        set(&mut settings.blocked_terms, self.blocked_terms);
        set(&mut settings.guardrails_enabled, self.guardrails_enabled);
        set(
            &mut settings.max_actions_per_turn,
            self.max_actions_per_turn,
        );
        set(&mut settings.handoff_enabled, self.handoff_enabled);
        set(&mut settings.handoff_webhook_url, self.handoff_webhook_url);
        set(
            &mut settings.handoff_expiration_seconds,
            self.handoff_expiration_seconds,
        );
        set(&mut settings.knowledge_threshold, self.knowledge_threshold);
        set(&mut settings.ui_strings, self.ui_strings);
        set(&mut settings.allowed_origins, self.allowed_origins);
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn patch(value: Value) -> Result<AppPatch, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn a_patch_changes_what_it_names_and_null_clears() {
        let mut name = "Shop".to_owned();
        let mut settings = AppSettings {
            temperature: Some(0.7),
            voice: Some("Puck".to_owned()),
            ..AppSettings::default()
        };
        patch(json!({"name": "Store", "temperature": null, "blockedTerms": ["refund"]}))
            .unwrap()
            .apply(&mut name, &mut settings);
        assert_eq!(name, "Store");
        assert_eq!(settings.temperature, None, "null clears");
        assert_eq!(settings.voice.as_deref(), Some("Puck"), "absent stays");
        assert_eq!(settings.blocked_terms, ["refund"]);
        assert_eq!(settings.model_id, DEFAULT_MODEL_ID);
        let named = patch(json!({"temperature": null, "name": "x"})).unwrap();
        assert_eq!(named.field_names(), ["name", "temperature"]);
    }

    #[test]
    fn unknown_fields_and_null_where_a_value_is_needed_are_refused() {
        let unknown = patch(json!({"slug": "new"})).unwrap_err().to_string();
        assert!(unknown.contains("unknown field `slug`"), "{unknown}");
        assert!(patch(json!({"secretHash": "x"})).is_err());
        assert!(patch(json!({"modelId": null})).is_err());
        assert!(patch(json!({"replyAsAudio": "yes"})).is_err());
        assert_eq!(patch(json!({})).unwrap(), AppPatch::default());
    }
}
