//! Configuration: command-line flags, each with an environment variable (a `.env` file in the
//! working directory is read first), with the defaults documented in the README.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use domain::agent::knowledge::embeddings::{EmbeddingProvider, EmbeddingSettings};
use domain::platform::outbound::AllowedHosts;
use domain::{
    ElevenLabsSettings, GeminiSettings, Integrations, LivekitSettings, OpenAiSettings, Secret,
    TelephonySettings,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/switchboard.db";

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard: a self-hostable platform for voice AI agents."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API and the dashboards (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage apps, the tenants of the agent API.
    #[command(subcommand)]
    App(AppCommand),
    /// Manage dashboard users.
    #[command(subcommand)]
    User(UserCommand),
    /// Seal every stored secret under a new key, then keep only that key. Stop the servers
    /// first. With SECRET_KEY set, prints the new key to put in its place.
    Rekey,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a dashboard user in a workspace (the first owner, typically).
    Create(CreateUserArgs),
}

#[derive(Args)]
pub struct CreateUserArgs {
    #[arg(long)]
    pub email: String,
    /// Display name (default: the part of the email before @).
    #[arg(long)]
    pub name: Option<String>,
    /// owner, admin, agent or viewer.
    #[arg(long, value_parser = ["owner", "admin", "agent", "viewer"])]
    pub role: String,
    /// Read the password from standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
    /// Workspace to join (default: the first workspace, created if none exists).
    #[arg(long)]
    pub workspace_id: Option<String>,
}

#[derive(Subcommand)]
pub enum AppCommand {
    /// Create an app and print its secret, once.
    Create(CreateAppArgs),
    /// List every app.
    List,
    /// Change an app's name or settings: only the fields in the JSON (seed 000's names).
    Update {
        slug: String,
        /// e.g. '{"systemPrompt":"…","temperature":0.4}'; null clears an optional field.
        #[arg(long)]
        json: String,
    },
    /// Replace an app's secret and print the new one; the old one stops working at once.
    RotateSecret { slug: String },
    /// Refuse the app's credentials until it is activated again.
    Deactivate { slug: String },
    /// Accept the app's credentials again.
    Activate { slug: String },
}

/// A new app: the JSON of seed 000's "Seed an App" example, and/or flags (flags win).
#[derive(Args)]
pub struct CreateAppArgs {
    /// The app as JSON, e.g. '{"slug":"my-app","name":"My App","modelId":"…","replyAsAudio":true,"systemPrompt":"…"}'.
    #[arg(long)]
    pub json: Option<String>,
    #[arg(long)]
    pub slug: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// Keep an existing secret (when moving an app from another deployment); generated if absent.
    #[arg(long)]
    pub secret: Option<String>,
    #[arg(long)]
    pub model_id: Option<String>,
    #[arg(long)]
    pub reply_as_audio: Option<bool>,
    #[arg(long)]
    pub system_prompt: Option<String>,
    /// Workspace to create it in (default: the first workspace, created if none exists).
    #[arg(long)]
    pub workspace_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings shared by every subcommand. Not `Debug`: it holds credentials.
#[derive(Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000", global = true)]
    pub bind: SocketAddr,

    /// sqlite://PATH (file and folder created on first start) or postgres://USER:PASS@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL,
          hide_env_values = true, global = true)]
    pub database_url: String,

    /// Where to serve Prometheus metrics (`GET /metrics`), e.g. `127.0.0.1:9100`. Unset: no
    /// metrics are kept. Never the public address: keep it for the scraper.
    #[arg(long, env = "METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,

    /// Where to send OpenTelemetry traces (OTLP over HTTP, protobuf), e.g.
    /// `http://127.0.0.1:4318`; `/v1/traces` is appended. Unset: no traces.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", global = true)]
    pub otlp_endpoint: Option<String>,

    /// The `service.name` the traces carry.
    #[arg(
        long,
        env = "OTEL_SERVICE_NAME",
        default_value = "switchboard",
        global = true
    )]
    pub otel_service_name: String,

    /// Largest number of pooled database connections. On SQLite, one connection runs every
    /// write and this many read-only ones serve the long reads.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub database_max_connections: u32,

    /// Origins allowed to call the JSON API from browsers: `*` or a comma-separated list.
    #[arg(long, env = "ALLOWED_ORIGINS", default_value = "*", global = true)]
    pub allowed_origins: String,

    /// Largest request body accepted, in bytes; larger bodies get 413.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Rate limit overrides, e.g. `session=10/1h,realtime=30/1h,recording=20/1h,read=100/15m,write=300/15m,app=6000/1m`
    /// (seed 002's table is the default; `app`, a per-app ceiling for app-secret calls, is off
    /// unless set).
    #[arg(long, env = "RATE_LIMITS", default_value = "", global = true)]
    pub rate_limits: String,

    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,

    /// Which logs to keep, in tracing's filter syntax (e.g. `debug` or `info,sqlx=warn`).
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log_filter: String,

    /// The key that seals secrets at rest (webhook signing secrets, tool header values), 32
    /// bytes in base64url. Unset: the key file below is used, and created on first start.
    #[arg(long, env = "SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// The key file used without SECRET_KEY: one key per line, the first one sealing.
    #[arg(
        long,
        env = "SECRET_KEY_FILE",
        default_value = "data/secret.key",
        global = true
    )]
    pub secret_key_file: String,

    /// Keys that sealed secrets before SECRET_KEY replaced them, comma-separated: they still
    /// open what they sealed until `rekey` (or start-up) reseals it.
    #[arg(
        long,
        env = "SECRET_KEY_PREVIOUS",
        hide_env_values = true,
        global = true
    )]
    pub secret_key_previous: Option<String>,

    /// Folder holding the built UI (the `pkg/` bundle and public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    #[command(flatten)]
    pub integrations: IntegrationArgs,
}

/// Credentials of the external services. Each is optional: features that need a missing one
/// answer 503. Prefer the environment over flags for secrets (flags show in process lists).
#[derive(Clone, Args)]
pub struct IntegrationArgs {
    /// LiveKit server URL (`wss://…`).
    #[arg(long, env = "LIVEKIT_URL", global = true)]
    pub livekit_url: Option<String>,
    /// Seed 002's name for the LiveKit URL; `LIVEKIT_URL` wins when both are set.
    #[arg(long, env = "LIVEKIT_HOST", hide = true, global = true)]
    pub livekit_host: Option<String>,
    #[arg(long, env = "LIVEKIT_API_KEY", hide_env_values = true, global = true)]
    pub livekit_api_key: Option<String>,
    #[arg(
        long,
        env = "LIVEKIT_API_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub livekit_api_secret: Option<String>,
    /// Only when LiveKit signs webhooks with another key than LIVEKIT_API_KEY.
    #[arg(
        long,
        env = "LIVEKIT_WEBHOOK_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub livekit_webhook_api_key: Option<String>,
    #[arg(
        long,
        env = "LIVEKIT_WEBHOOK_API_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub livekit_webhook_api_secret: Option<String>,
    /// The agent dispatched to rooms (the `agent_name` your LiveKit agent registers).
    #[arg(
        long,
        env = "LIVEKIT_AGENT_NAME",
        default_value = "switchboard-agent",
        global = true
    )]
    pub livekit_agent_name: String,
    /// The URL dispatched agents reach this server at (sent to them in the dispatch); by
    /// default http://BIND, with 127.0.0.1 for an unspecified bind address.
    #[arg(long, env = "LIVEKIT_AGENT_PLATFORM_URL", global = true)]
    pub livekit_agent_platform_url: Option<String>,
    /// Where LiveKit Egress writes recordings (a path prefix in its storage); recording answers
    /// 503 without it.
    #[arg(long, env = "LIVEKIT_RECORDING_PATH", global = true)]
    pub livekit_recording_path: Option<String>,
    /// Inbound phone calls (seed 004's telephony webhook).
    #[arg(
        long,
        env = "TELEPHONY_ENABLED",
        default_value_t = false,
        global = true
    )]
    pub telephony_enabled: bool,
    /// The app that phone calls into rooms we did not open belong to.
    #[arg(long, env = "TELEPHONY_APP_SLUG", global = true)]
    pub telephony_app_slug: Option<String>,
    #[arg(
        long,
        env = "TELEPHONY_SIP_IDENTITY_PREFIX",
        default_value = "sip_",
        global = true
    )]
    pub telephony_sip_identity_prefix: String,
    /// Dispatch the agent when anyone joins (debugging only).
    #[arg(
        long,
        env = "TELEPHONY_DISPATCH_ON_ANY_PARTICIPANT_JOIN",
        default_value_t = false,
        global = true
    )]
    pub telephony_dispatch_on_any_participant_join: bool,
    /// `production` hides development-only endpoints (the telephony call inspection).
    #[arg(
        long,
        env = "SWITCHBOARD_ENV",
        default_value = "development",
        global = true
    )]
    pub environment: String,

    /// Google Gemini API key (Live API tokens, embeddings).
    #[arg(long, env = "GEMINI_API_KEY", hide_env_values = true, global = true)]
    pub gemini_api_key: Option<String>,

    /// Google's Generative Language API root (tests point it at a local fake).
    #[arg(
        long,
        env = "GEMINI_BASE_URL",
        default_value = domain::GEMINI_DEFAULT_BASE_URL,
        global = true
    )]
    pub gemini_base_url: String,

    /// Hosts, IPs and networks (`10.0.0.0/8`) that tool calls and webhooks may reach although
    /// they are loopback, private or link-local, comma-separated. Empty: none.
    #[arg(
        long,
        env = "OUTBOUND_ALLOWED_HOSTS",
        default_value = "",
        value_parser = AllowedHosts::parse,
        global = true
    )]
    pub outbound_allowed_hosts: AllowedHosts,

    /// Which provider embeds the knowledge base: `local` (all-MiniLM-L6-v2 in process, works
    /// offline), `gemini` or `openai` (any OpenAI-compatible server). Changing it re-embeds
    /// every document in the background.
    #[arg(
        long,
        env = "EMBEDDING_PROVIDER",
        default_value = "local",
        value_parser = EmbeddingProvider::parse,
        global = true
    )]
    pub embedding_provider: EmbeddingProvider,
    /// The local model's folder (`config.json`, `model.safetensors`, `tokenizer.json`).
    #[arg(
        long,
        env = "EMBEDDING_MODEL_DIR",
        default_value = domain::agent::knowledge::embeddings::DEFAULT_MODEL_DIR,
        global = true
    )]
    pub embedding_model_dir: PathBuf,
    /// A remote provider's model (default `gemini-embedding-001`, `text-embedding-3-small`).
    #[arg(long, env = "EMBEDDING_MODEL", global = true)]
    pub embedding_model: Option<String>,
    /// Output dimensions requested from a remote provider (Gemini default 768).
    #[arg(long, env = "EMBEDDING_DIMENSIONS", global = true)]
    pub embedding_dimensions: Option<usize>,

    /// API key of OpenAI or a compatible server.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true, global = true)]
    pub openai_api_key: Option<String>,
    /// Base URL of an OpenAI-compatible server (default: OpenAI's).
    #[arg(long, env = "OPENAI_BASE_URL", global = true)]
    pub openai_base_url: Option<String>,

    #[arg(
        long,
        env = "ELEVENLABS_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub elevenlabs_api_key: Option<String>,
    #[arg(long, env = "ELEVENLABS_SUPPORT_AGENT_ID", global = true)]
    pub elevenlabs_support_agent_id: Option<String>,
    #[arg(long, env = "ELEVENLABS_SALES_AGENT_ID", global = true)]
    pub elevenlabs_sales_agent_id: Option<String>,
    #[arg(
        long,
        env = "ELEVENLABS_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub elevenlabs_webhook_secret: Option<String>,
    /// ElevenLabs' API root (for a local fake).
    #[arg(long, env = "ELEVENLABS_BASE_URL", hide = true, global = true)]
    pub elevenlabs_base_url: Option<String>,
}

impl IntegrationArgs {
    /// The domain's view of these settings; blank values count as unset.
    pub fn to_integrations(&self) -> Integrations {
        let text = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        let secret = |value: &Option<String>| Secret::new(value.clone());
        Integrations {
            livekit: LivekitSettings {
                url: text(&self.livekit_url).or_else(|| text(&self.livekit_host)),
                api_key: secret(&self.livekit_api_key),
                api_secret: secret(&self.livekit_api_secret),
                webhook_api_key: secret(&self.livekit_webhook_api_key),
                webhook_api_secret: secret(&self.livekit_webhook_api_secret),
                agent_name: self.livekit_agent_name.clone(),
                recording_path: text(&self.livekit_recording_path),
                platform_url: text(&self.livekit_agent_platform_url),
            },
            telephony: TelephonySettings {
                enabled: self.telephony_enabled,
                app_slug: text(&self.telephony_app_slug),
                sip_identity_prefix: self.telephony_sip_identity_prefix.clone(),
                dispatch_on_any_join: self.telephony_dispatch_on_any_participant_join,
                production: self.environment == "production",
            },
            gemini: GeminiSettings {
                api_key: secret(&self.gemini_api_key),
                base_url: text(&Some(self.gemini_base_url.clone())),
            },
            openai: OpenAiSettings {
                api_key: secret(&self.openai_api_key),
                base_url: text(&self.openai_base_url),
            },
            elevenlabs: ElevenLabsSettings {
                api_key: secret(&self.elevenlabs_api_key),
                support_agent_id: text(&self.elevenlabs_support_agent_id),
                sales_agent_id: text(&self.elevenlabs_sales_agent_id),
                webhook_secret: secret(&self.elevenlabs_webhook_secret),
                base_url: text(&self.elevenlabs_base_url),
            },
            embeddings: EmbeddingSettings {
                provider: self.embedding_provider,
                model_dir: self.embedding_model_dir.clone(),
                model: text(&self.embedding_model),
                dimensions: self.embedding_dimensions,
            },
            outbound_allowed_hosts: self.outbound_allowed_hosts.clone(),
        }
    }
}

impl Config {
    /// The integrations as configured, with the agents' platform URL defaulting to this
    /// server's own address.
    pub fn integrations(&self) -> Integrations {
        let mut integrations = self.integrations.to_integrations();
        integrations.livekit.platform_url.get_or_insert_with(|| {
            let mut address = self.bind;
            if address.ip().is_unspecified() {
                address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{address}")
        });
        integrations
    }

    /// The origins the CORS policy allows: `None` means any origin.
    pub fn allowed_origins(&self) -> Option<Vec<String>> {
        let origins: Vec<String> = self
            .allowed_origins
            .split(',')
            .map(|origin| origin.trim().trim_end_matches('/').to_owned())
            .filter(|origin| !origin.is_empty())
            .collect();
        if origins.is_empty() || origins.iter().any(|origin| origin == "*") {
            None
        } else {
            Some(origins)
        }
    }
}

/// The database URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!("{}{masked}{}", &url[..scheme_end], &rest[at..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("switchboard").chain(args.iter().copied())).unwrap()
    }

    /// The configuration these flags give, whatever key the test's environment names.
    pub(crate) fn config(args: &[&str]) -> Config {
        let mut config = parse(args).config;
        config.secret_key = None;
        config.secret_key_previous = None;
        config
    }

    #[test]
    fn defaults_serve_on_loopback_with_embedded_sqlite() {
        let cli = parse(&[]);
        assert!(cli.command.is_none());
        assert_eq!(cli.config.bind.to_string(), "127.0.0.1:3000");
        // Set by the environment of a developer's shell at most; the default is what we ship.
        if std::env::var_os("DATABASE_URL").is_none() {
            assert_eq!(cli.config.database_url, DEFAULT_DATABASE_URL);
        }
        assert_eq!(cli.config.log_format, LogFormat::Human);
    }

    #[test]
    fn flags_work_after_the_subcommand() {
        let cli = parse(&[
            "migrate",
            "--database-url",
            "postgres://u@h/db",
            "--log-format",
            "json",
        ]);
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.config.database_url, "postgres://u@h/db");
        assert_eq!(cli.config.log_format, LogFormat::Json);
    }

    #[test]
    fn allowed_origins_are_any_or_a_trimmed_list() {
        let mut cli = parse(&[]);
        cli.config.allowed_origins = "*".into();
        assert_eq!(cli.config.allowed_origins(), None);
        cli.config.allowed_origins = " https://a.example/, https://b.example ".into();
        assert_eq!(
            cli.config.allowed_origins(),
            Some(vec!["https://a.example".into(), "https://b.example".into()])
        );
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(
            redact_url("postgres://sb:hunter2@db.internal:5432/switchboard"),
            "postgres://sb:***@db.internal:5432/switchboard"
        );
        assert_eq!(
            redact_url("postgres://sb@db/switchboard"),
            "postgres://sb@db/switchboard"
        );
        assert_eq!(
            redact_url("sqlite://./data/switchboard.db"),
            "sqlite://./data/switchboard.db"
        );
    }

    #[test]
    fn integration_flags_become_domain_settings() {
        let cli = parse(&[
            "--livekit-url",
            "wss://lk.example",
            "--livekit-api-key",
            "k",
            "--livekit-api-secret",
            "s",
            "--openai-base-url",
            " ",
        ]);
        let integrations = cli.config.integrations.to_integrations();
        assert_eq!(
            integrations.livekit.url.as_deref(),
            Some("wss://lk.example")
        );
        let seed_002_name = parse(&["--livekit-host", "wss://seed-002.example"])
            .config
            .integrations
            .to_integrations();
        assert_eq!(
            seed_002_name.livekit.url.as_deref(),
            Some("wss://seed-002.example")
        );
        assert_eq!(
            integrations.livekit.api_secret.as_ref().map(Secret::expose),
            Some("s")
        );
        assert_eq!(integrations.openai.base_url, None);
    }
}
