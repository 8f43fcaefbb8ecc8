//! The world outside, behind the domain's ports ([`domain::ports`]): outbound HTTP with the
//! SSRF guard, LiveKit's server APIs, embedding providers, ElevenLabs, Gemini and the clock.
//! The domain depends on none of the crates used here.

pub mod chat;
mod clock;
pub mod elevenlabs;
pub mod embeddings;
pub mod gemini;
pub mod http;
pub mod livekit;
mod metrics;

use std::sync::Arc;

use domain::Integrations;
use domain::ports::Ports;

pub use clock::SystemClock;
pub use http::Http;

/// The real adapters for what the operator configured.
pub fn ports(integrations: &Integrations) -> Result<Ports, String> {
    let guarded = Http::guarded(integrations.outbound_allowed_hosts.clone())?;
    // The operator's own integrations: their URLs come from configuration, never from apps.
    let unguarded = Http::unguarded()?;
    Ok(Ports {
        http: Arc::new(guarded),
        livekit: livekit::Livekit::from_settings(&integrations.livekit)
            .map(|livekit| Arc::new(livekit) as Arc<dyn domain::ports::Livekit>),
        embeddings: Arc::new(embeddings::Connector::new(
            integrations.embeddings.clone(),
            integrations.gemini.clone(),
            integrations.openai.clone(),
            unguarded.clone(),
        )),
        elevenlabs: Arc::new(elevenlabs::ElevenLabs::new(
            integrations.elevenlabs.clone(),
            unguarded.clone(),
        )),
        gemini: Arc::new(gemini::Gemini::new(
            integrations.gemini.clone(),
            unguarded.clone(),
        )),
        chat: Arc::new(chat::OpenAiChat::new(
            integrations.openai.clone(),
            unguarded,
        )),
        clock: Arc::new(SystemClock),
    })
}
