//! The ElevenLabs port: signed conversation URLs for an agent.

/// Why ElevenLabs gave no URL, and whether asking again may help (overload, network).
#[derive(Clone, Debug, thiserror::Error, PartialEq)]
#[error("{reason}")]
pub struct ElevenLabsError {
    pub reason: String,
    pub retryable: bool,
    /// No API key is configured.
    pub unconfigured: bool,
}

#[async_trait::async_trait]
pub trait ElevenLabs: Send + Sync {
    /// One attempt at a signed conversation URL for `agent_id`.
    async fn signed_url(&self, agent_id: &str) -> Result<String, ElevenLabsError>;
}
