//! The ports: what the domain needs from the world outside, as traits.
//!
//! The `integrations` crate implements them over HTTP, LiveKit's server APIs and the local
//! embedding model; the server wires those in. Domain tests may use in-memory ones.

pub mod chat;
pub mod clock;
pub mod elevenlabs;
pub mod embeddings;
pub mod gemini;
pub mod http;
pub mod livekit;

use std::sync::Arc;

pub use chat::{ChatModels, ChatTurn};
pub use clock::Clock;
pub use elevenlabs::{ElevenLabs, ElevenLabsError};
pub use embeddings::{ConnectEmbeddings, Embeddings, Purpose};
pub use gemini::GeminiTokens;
pub use http::{HttpClient, OutboundError, OutboundRequest, OutboundResponse, OutboundTarget};
pub use livekit::Livekit;

/// Every port the services use. Cheap to clone.
#[derive(Clone)]
pub struct Ports {
    /// Calls to URLs apps give (tools, webhooks), behind the SSRF guard.
    pub http: Arc<dyn HttpClient>,
    /// `None` when LiveKit is not configured.
    pub livekit: Option<Arc<dyn Livekit>>,
    pub embeddings: Arc<dyn ConnectEmbeddings>,
    pub elevenlabs: Arc<dyn ElevenLabs>,
    pub gemini: Arc<dyn GeminiTokens>,
    /// Chat completions from an OpenAI-compatible server (AI answers with a model).
    pub chat: Arc<dyn ChatModels>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports")
            .field("livekit", &self.livekit.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(any(test, feature = "testkit"))]
pub mod testing {
    //! In-memory ports for tests that call nothing outside: no LiveKit, no providers, and an
    //! HTTP port that refuses every call.

    use std::sync::Arc;

    use serde_json::Value;

    use super::*;
    use crate::{Error, Result};

    /// Ports that reach nothing, with the system's clock.
    pub fn offline() -> Ports {
        Ports {
            http: Arc::new(Offline),
            livekit: None,
            embeddings: Arc::new(Offline),
            elevenlabs: Arc::new(Offline),
            gemini: Arc::new(Offline),
            chat: Arc::new(Offline),
            clock: Arc::new(Offline),
        }
    }

    struct Offline;

    const REASON: &str = "this test reaches nothing outside";

    #[async_trait::async_trait]
    impl ChatModels for Offline {
        async fn complete(&self, _: &str, _: &[ChatTurn]) -> Result<String> {
            Err(Error::Unavailable(REASON.to_owned()))
        }
    }

    #[async_trait::async_trait]
    impl HttpClient for Offline {
        async fn send(&self, _: OutboundRequest) -> Result<OutboundResponse, OutboundError> {
            Err(OutboundError::Refused(REASON.to_owned()))
        }
    }

    impl ConnectEmbeddings for Offline {
        fn connect(&self) -> Result<Arc<dyn Embeddings>> {
            Err(Error::Unavailable(REASON.to_owned()))
        }
    }

    #[async_trait::async_trait]
    impl ElevenLabs for Offline {
        async fn signed_url(&self, _: &str) -> Result<String, ElevenLabsError> {
            Err(ElevenLabsError {
                reason: REASON.to_owned(),
                retryable: false,
                unconfigured: true,
            })
        }
    }

    #[async_trait::async_trait]
    impl GeminiTokens for Offline {
        async fn create_token(&self, _: Value) -> Result<String> {
            Err(Error::Unavailable(REASON.to_owned()))
        }
    }

    impl Clock for Offline {
        fn now_ms(&self) -> i64 {
            crate::clock::now_ms()
        }
    }

    /// A clock tests move by hand, for lifetimes of hours and days.
    #[derive(Debug)]
    pub struct ManualClock(std::sync::atomic::AtomicI64);

    impl ManualClock {
        pub fn starting_at(now_ms: i64) -> Arc<ManualClock> {
            Arc::new(ManualClock(std::sync::atomic::AtomicI64::new(now_ms)))
        }

        pub fn advance(&self, ms: i64) {
            self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
        }
    }

    impl Clock for ManualClock {
        fn now_ms(&self) -> i64 {
            self.0.load(std::sync::atomic::Ordering::SeqCst)
        }
    }
}
