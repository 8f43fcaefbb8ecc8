//! Switchboard's service layer.
//!
//! JSON API handlers and Leptos server functions are thin adapters over one [`Services`] handle:
//! every business rule lives here. This crate knows nothing of HTTP or SQL; it reaches the
//! database through `store` and the outside world through ports (traits) added with the features
//! that need them.

mod actor;
mod analytics;
mod apps;
pub mod audit;
mod auth;
mod caches;
mod clock;
mod conversations;
mod csat;
mod dashboard;
mod error;
mod events;
mod experiments;
mod gemini;
mod guardrails;
mod handoffs;
mod integrations;
pub mod knowledge;
mod live;
mod messages;
pub mod outbound;
mod persona;
mod rate_limits;
pub mod secrets;
mod services;
mod stats;
mod status;
mod tools;
mod users;
mod validation;
pub mod voice;
mod webhooks;

pub use actor::{Actor, Principal};
pub use auth::Caller;
pub use caches::{AUTH_CACHE_TTL, RATE_SYNC_INTERVAL};
pub use clock::now_ms;
pub use conversations::ConversationQuery;
pub use error::{Error, FieldError, Result};
pub use events::EventQuery;
pub use integrations::{
    ElevenLabsSettings, GEMINI_DEFAULT_BASE_URL, GeminiSettings, Integrations, LivekitSettings,
    OpenAiSettings, Secret, TelephonySettings,
};
pub use live::LiveSubscription;
pub use rate_limits::{RateDecision, RateLimits, RatePolicy};
pub use services::Services;
pub use tools::ExecutionQuery;
pub use users::{LoginSession, NewUser, SESSION_LIFETIME_MS, USER_SESSION_PREFIX};

/// The version of this build, shared by every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
