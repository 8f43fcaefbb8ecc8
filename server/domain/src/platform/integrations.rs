//! Credentials for the external services, and whether each one is usable.
//!
//! Without credentials the platform still runs; features that need a missing integration answer
//! 503 with a clear message.

use std::path::PathBuf;

use model::platform::status::{Integration, IntegrationStatus};

/// A credential. `Debug` never prints it, so it cannot leak through logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// `None` for an absent or blank value, so `KEY=` in a `.env` file counts as unset.
    pub fn new(value: Option<String>) -> Option<Secret> {
        value.filter(|v| !v.trim().is_empty()).map(Secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Clone, Debug, Default)]
pub struct LivekitSettings {
    /// `wss://…` or `http(s)://…` of the LiveKit server.
    pub url: Option<String>,
    pub api_key: Option<Secret>,
    pub api_secret: Option<Secret>,
    /// Set only when LiveKit signs webhooks with another key than the API key.
    pub webhook_api_key: Option<Secret>,
    pub webhook_api_secret: Option<Secret>,
    /// The agent LiveKit dispatches to rooms (its registered `agent_name`).
    pub agent_name: String,
    /// Where egress writes recordings, e.g. `recordings/{room}-{time}`; recording is off
    /// without it.
    pub recording_path: Option<String>,
    /// The URL dispatched agents reach this server at. Dispatches carry it with an agent
    /// credential, so one agent worker can serve every app.
    pub platform_url: Option<String>,
}

/// Inbound phone calls: SIP participants joining LiveKit rooms (seed 004's "Mode A").
#[derive(Clone, Debug, Default)]
pub struct TelephonySettings {
    pub enabled: bool,
    /// The app phone calls belong to when their room is not one of ours.
    pub app_slug: Option<String>,
    /// Identities starting with this are SIP callers, whatever their kind says.
    pub sip_identity_prefix: String,
    /// Dispatch the agent when anyone joins (for debugging).
    pub dispatch_on_any_join: bool,
    /// Production hides the call-inspection endpoints.
    pub production: bool,
}

#[derive(Clone, Debug, Default)]
pub struct GeminiSettings {
    pub api_key: Option<Secret>,
    /// Google's API root; tests point it at a local fake.
    pub base_url: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct OpenAiSettings {
    pub api_key: Option<Secret>,
    /// Set for a compatible server (Ollama, text-embeddings-inference, …).
    pub base_url: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ElevenLabsSettings {
    pub api_key: Option<Secret>,
    pub support_agent_id: Option<String>,
    pub sales_agent_id: Option<String>,
    pub webhook_secret: Option<Secret>,
    /// ElevenLabs' API root; tests point it at a local fake.
    pub base_url: Option<String>,
}

/// ElevenLabs' own API, used unless another root is configured.
pub const ELEVENLABS_DEFAULT_BASE_URL: &str = "https://api.elevenlabs.io";

/// The provider a deployment embeds knowledge with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EmbeddingProvider {
    #[default]
    Local,
    Gemini,
    OpenAi,
}

impl EmbeddingProvider {
    pub fn parse(value: &str) -> std::result::Result<EmbeddingProvider, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(EmbeddingProvider::Local),
            "gemini" => Ok(EmbeddingProvider::Gemini),
            "openai" | "openai-compatible" => Ok(EmbeddingProvider::OpenAi),
            other => Err(format!(
                "unknown embedding provider {other:?}: use local, gemini or openai"
            )),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            EmbeddingProvider::Local => "local",
            EmbeddingProvider::Gemini => "gemini",
            EmbeddingProvider::OpenAi => "openai",
        }
    }
}

/// The folder `scripts/run` unpacks the local model into, relative to the working directory.
pub const DEFAULT_MODEL_DIR: &str = "data/models/all-MiniLM-L6-v2";
pub const DEFAULT_GEMINI_MODEL: &str = "gemini-embedding-001";
pub const DEFAULT_GEMINI_DIMENSIONS: usize = 768;
pub const DEFAULT_OPENAI_MODEL: &str = "text-embedding-3-small";

#[derive(Clone, Debug)]
pub struct EmbeddingSettings {
    pub provider: EmbeddingProvider,
    /// The local model's folder.
    pub model_dir: PathBuf,
    /// A remote provider's model; its default otherwise.
    pub model: Option<String>,
    /// Requested output dimensions (Gemini: 768 by default; OpenAI: the model's own).
    pub dimensions: Option<usize>,
}

impl Default for EmbeddingSettings {
    fn default() -> EmbeddingSettings {
        EmbeddingSettings {
            provider: EmbeddingProvider::Local,
            model_dir: PathBuf::from(DEFAULT_MODEL_DIR),
            model: None,
            dimensions: None,
        }
    }
}

/// The local model's folder for tests: `EMBEDDING_MODEL_DIR`, else where `scripts/test`
/// unpacks it.
#[cfg(any(test, feature = "testkit"))]
pub fn test_model_dir() -> PathBuf {
    std::env::var_os("EMBEDDING_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(DEFAULT_MODEL_DIR)
        })
}

/// Every external service's settings, as configured for this instance.
#[derive(Clone, Debug, Default)]
pub struct Integrations {
    pub livekit: LivekitSettings,
    pub telephony: TelephonySettings,
    pub gemini: GeminiSettings,
    pub openai: OpenAiSettings,
    pub elevenlabs: ElevenLabsSettings,
    /// Which provider embeds knowledge, and its model.
    pub embeddings: EmbeddingSettings,
    /// Hosts and networks tool calls and webhooks may reach despite the SSRF guard.
    pub outbound_allowed_hosts: crate::platform::outbound::AllowedHosts,
}

/// Google's Generative Language API, used unless another root is configured.
pub const GEMINI_DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// OpenAI's own endpoint, used when only a key is configured.
pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

impl Integrations {
    /// Whether each integration is usable, naming the variables still missing. No secrets.
    pub fn statuses(&self) -> Vec<IntegrationStatus> {
        let livekit = &self.livekit;
        let openai = &self.openai;
        vec![
            status(
                Integration::Livekit,
                livekit.url.clone(),
                &[
                    ("LIVEKIT_URL", livekit.url.is_some()),
                    ("LIVEKIT_API_KEY", livekit.api_key.is_some()),
                    ("LIVEKIT_API_SECRET", livekit.api_secret.is_some()),
                ],
            ),
            status(
                Integration::Gemini,
                None,
                &[("GEMINI_API_KEY", self.gemini.api_key.is_some())],
            ),
            // A keyless base URL is a local compatible server (e.g. Ollama): usable as is.
            IntegrationStatus {
                integration: Integration::OpenaiCompatible,
                configured: openai.api_key.is_some() || openai.base_url.is_some(),
                endpoint: openai.base_url.clone().or_else(|| {
                    openai
                        .api_key
                        .as_ref()
                        .map(|_| OPENAI_DEFAULT_BASE_URL.to_owned())
                }),
                missing: if openai.api_key.is_some() || openai.base_url.is_some() {
                    Vec::new()
                } else {
                    vec!["OPENAI_API_KEY".to_owned()]
                },
            },
            status(
                Integration::Elevenlabs,
                None,
                &[("ELEVENLABS_API_KEY", self.elevenlabs.api_key.is_some())],
            ),
            self.embeddings_status(),
        ]
    }

    /// The embedding provider: the local model is usable once its files are in place.
    fn embeddings_status(&self) -> IntegrationStatus {
        let embeddings = &self.embeddings;
        match embeddings.provider {
            EmbeddingProvider::Local => {
                let dir = &embeddings.model_dir;
                let present = ["config.json", "model.safetensors", "tokenizer.json"]
                    .iter()
                    .all(|file| dir.join(file).is_file());
                status(
                    Integration::Embeddings,
                    Some(format!("local all-MiniLM-L6-v2 in {}", dir.display())),
                    &[("EMBEDDING_MODEL_DIR (to the unpacked model)", present)],
                )
            }
            EmbeddingProvider::Gemini => status(
                Integration::Embeddings,
                Some("Gemini".to_owned()),
                &[("GEMINI_API_KEY", self.gemini.api_key.is_some())],
            ),
            EmbeddingProvider::OpenAi => status(
                Integration::Embeddings,
                self.openai
                    .base_url
                    .clone()
                    .or_else(|| Some(OPENAI_DEFAULT_BASE_URL.to_owned())),
                &[(
                    "OPENAI_BASE_URL or OPENAI_API_KEY",
                    self.openai.api_key.is_some() || self.openai.base_url.is_some(),
                )],
            ),
        }
    }
}

fn status(
    integration: Integration,
    endpoint: Option<String>,
    required: &[(&str, bool)],
) -> IntegrationStatus {
    let missing: Vec<String> = required
        .iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    IntegrationStatus {
        integration,
        configured: missing.is_empty(),
        endpoint,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> Option<Secret> {
        Secret::new(Some(value.to_owned()))
    }

    fn find(statuses: &[IntegrationStatus], which: Integration) -> &IntegrationStatus {
        statuses.iter().find(|s| s.integration == which).unwrap()
    }

    #[test]
    fn nothing_configured_names_every_missing_variable() {
        let mut nothing = Integrations::default();
        nothing.embeddings.model_dir = "no/such/folder".into();
        let statuses = nothing.statuses();
        assert_eq!(statuses.len(), 5);
        assert!(statuses.iter().all(|s| !s.configured));
        assert_eq!(
            find(&statuses, Integration::Livekit).missing,
            ["LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"]
        );
    }

    #[test]
    fn embeddings_need_the_local_model_or_the_chosen_providers_credentials() {
        let mut integrations = Integrations::default();
        integrations.embeddings.model_dir = "no/such/folder".into();
        let statuses = integrations.statuses();
        let missing = find(&statuses, Integration::Embeddings);
        assert!(!missing.configured);
        assert_eq!(
            missing.missing,
            ["EMBEDDING_MODEL_DIR (to the unpacked model)"]
        );

        integrations.embeddings.model_dir = test_model_dir();
        assert!(find(&integrations.statuses(), Integration::Embeddings).configured);

        integrations.embeddings.provider = EmbeddingProvider::Gemini;
        let statuses = integrations.statuses();
        let gemini = find(&statuses, Integration::Embeddings);
        assert_eq!(gemini.missing, ["GEMINI_API_KEY"]);
        integrations.gemini.api_key = secret("key");
        assert!(find(&integrations.statuses(), Integration::Embeddings).configured);
    }

    #[test]
    fn livekit_needs_url_key_and_secret() {
        let mut integrations = Integrations::default();
        integrations.livekit.url = Some("wss://lk.example.com".into());
        integrations.livekit.api_key = secret("APIkey");
        let partial = integrations.statuses();
        let livekit = find(&partial, Integration::Livekit);
        assert!(!livekit.configured);
        assert_eq!(livekit.missing, ["LIVEKIT_API_SECRET"]);

        integrations.livekit.api_secret = secret("s3cret");
        let full = integrations.statuses();
        let livekit = find(&full, Integration::Livekit);
        assert!(livekit.configured);
        assert_eq!(livekit.endpoint.as_deref(), Some("wss://lk.example.com"));
    }

    #[test]
    fn openai_compatible_works_with_a_key_or_a_keyless_base_url() {
        let mut integrations = Integrations::default();
        integrations.openai.base_url = Some("http://127.0.0.1:11434/v1".into());
        let statuses = integrations.statuses();
        let local = find(&statuses, Integration::OpenaiCompatible);
        assert!(local.configured);
        assert_eq!(local.endpoint.as_deref(), Some("http://127.0.0.1:11434/v1"));

        let mut integrations = Integrations::default();
        integrations.openai.api_key = secret("sk-test");
        let statuses = integrations.statuses();
        let hosted = find(&statuses, Integration::OpenaiCompatible);
        assert!(hosted.configured);
        assert_eq!(hosted.endpoint.as_deref(), Some(OPENAI_DEFAULT_BASE_URL));
    }

    #[test]
    fn statuses_and_debug_output_never_contain_secrets() {
        let mut integrations = Integrations::default();
        integrations.livekit.api_secret = secret("livekit-very-secret");
        integrations.gemini.api_key = secret("gemini-very-secret");
        integrations.elevenlabs.webhook_secret = secret("eleven-very-secret");
        let shown = format!(
            "{integrations:?} {}",
            serde_json::to_string(&integrations.statuses()).unwrap()
        );
        assert!(!shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn blank_values_count_as_unset() {
        assert!(Secret::new(Some("   ".into())).is_none());
        assert!(Secret::new(None).is_none());
        assert_eq!(Secret::new(Some("k".into())).unwrap().expose(), "k");
    }
}
