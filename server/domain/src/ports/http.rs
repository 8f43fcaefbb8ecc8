//! The outbound HTTP port: calls to URLs that apps give (tool endpoints, webhooks).
//!
//! An implementation must refuse what [`crate::platform::outbound::check_url`] refuses, on the
//! URL, on every redirect and on every address a name resolves to, and must enforce the
//! request's timeout and answer size.

use std::time::Duration;

/// What an outbound call is for: the `target` label of its metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboundTarget {
    Tool,
    Webhook,
    Embeddings,
    Gemini,
    ElevenLabs,
    /// Chat completions for AI answers.
    Llm,
}

impl OutboundTarget {
    pub const fn label(self) -> &'static str {
        match self {
            OutboundTarget::Tool => "tool",
            OutboundTarget::Webhook => "webhook",
            OutboundTarget::Embeddings => "embeddings",
            OutboundTarget::Gemini => "gemini",
            OutboundTarget::ElevenLabs => "elevenlabs",
            OutboundTarget::Llm => "llm",
        }
    }
}

/// A request to send.
#[derive(Clone, Debug)]
pub struct OutboundRequest {
    pub target: OutboundTarget,
    /// Upper case: `GET`, `POST`, …
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
    pub max_response_bytes: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OutboundError {
    /// The URL or an address it leads to is not one outbound calls may reach.
    #[error("{0}")]
    Refused(String),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("answer larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Failed(String),
}

#[async_trait::async_trait]
pub trait HttpClient: Send + Sync {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, OutboundError>;
}
