//! The instance status report shown on the Status page.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DatabaseBackend {
    Sqlite,
    Postgres,
}

impl DatabaseBackend {
    pub const fn label(self) -> &'static str {
        match self {
            DatabaseBackend::Sqlite => "SQLite",
            DatabaseBackend::Postgres => "PostgreSQL",
        }
    }
}

/// What one Switchboard instance is running on and connected to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// The server's crate version.
    pub version: String,
    /// When this process started, ms since the Unix epoch.
    pub started_at: i64,
    pub database: DatabaseStatus,
    pub integrations: Vec<IntegrationStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DatabaseStatus {
    pub backend: DatabaseBackend,
    /// The server version the database reports, e.g. `3.46.0` or `16.2`.
    pub server_version: String,
    /// The pgvector version on PostgreSQL; absent on SQLite, which ranks vectors in process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_extension: Option<String>,
    /// The newest migration applied to this database.
    pub migration: Option<MigrationLevel>,
    /// The newest migration this build knows; equal to `migration` once migrated.
    pub latest_known_migration: i64,
    /// When this database was first initialised by Switchboard, ms since the Unix epoch.
    pub installed_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MigrationLevel {
    pub version: i64,
    pub description: String,
}

/// An external service Switchboard can talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Integration {
    Livekit,
    Gemini,
    OpenaiCompatible,
    Elevenlabs,
    /// The knowledge base's embedding provider (the local model by default).
    Embeddings,
}

impl Integration {
    pub const fn label(self) -> &'static str {
        match self {
            Integration::Livekit => "LiveKit",
            Integration::Gemini => "Gemini",
            Integration::OpenaiCompatible => "OpenAI-compatible",
            Integration::Elevenlabs => "ElevenLabs",
            Integration::Embeddings => "Embeddings",
        }
    }

    /// What the platform uses the integration for, shown next to its status.
    pub const fn purpose(self) -> &'static str {
        match self {
            Integration::Livekit => "rooms, access tokens, agent dispatch, recording",
            Integration::Gemini => "Live API tokens and embeddings",
            Integration::OpenaiCompatible => "embeddings and summaries",
            Integration::Elevenlabs => "voice sessions (seed 003)",
            Integration::Embeddings => "knowledge base search (EMBEDDING_PROVIDER)",
        }
    }
}

/// Whether an integration has credentials. Never carries the secrets themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IntegrationStatus {
    pub integration: Integration,
    pub configured: bool,
    /// A non-secret hint such as the server URL; absent when nothing is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The environment variables that are still missing for it to work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}
