//! Switchboard's service layer.
//!
//! JSON API handlers and Leptos server functions are thin adapters over one [`Services`]:
//! every business rule lives here. This crate knows nothing of HTTP or SQL; it reaches the
//! database through `store` and the outside world through the [`ports`], which the
//! `integrations` crate implements.
//!
//! The code is split into three wings, as in every layer of Switchboard, and each wing's
//! operations hang off its handle:
//! - [`platform`] (`services.platform()`): workspaces, apps, users, auth, audit, secrets, rate
//!   limits, outbound webhooks;
//! - [`agent`] (`services.agent()`): the voice-agent runtime (conversations, tools, guardrails,
//!   knowledge, voice, …);
//! - [`desk`] (`services.desk()`): the support desk.
//!
//! Every operation on an app checks, from the [`Caller`] it is given, the permission it needs.
//!
//! `agent` and `desk` may use `platform`; neither uses the other (see the README's architecture
//! section for the one bridge).

mod actor;
pub mod agent;
pub mod bridge;
mod clock;
pub mod desk;
mod error;
mod ids;
mod live;
pub mod platform;
pub mod ports;
mod services;
mod validation;

pub use actor::{Actor, Principal};
pub use agent::live::LiveSubscription;
pub use clock::now_ms;
pub use error::{Error, FieldError, Result};
pub use platform::auth::{AGENT_CREDENTIAL_GRACE_MS, AGENT_CREDENTIAL_TTL_MS};
pub use platform::caches::{AUTH_CACHE_TTL, RATE_SYNC_INTERVAL};
pub use platform::caller::Caller;
pub use platform::integrations::{
    ElevenLabsSettings, GEMINI_DEFAULT_BASE_URL, GeminiSettings, Integrations, LivekitSettings,
    OpenAiSettings, Secret, TelephonySettings,
};
pub use platform::rate_limits::{RateDecision, RateLimits, RatePolicy};
pub use platform::users::{LoginSession, NewUser, SESSION_LIFETIME_MS, USER_SESSION_PREFIX};
pub use services::Services;

/// The version of this build, shared by every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
