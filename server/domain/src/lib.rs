//! Switchboard's service layer.
//!
//! JSON API handlers and Leptos server functions are thin adapters over one [`Services`] handle:
//! every business rule lives here. This crate knows nothing of HTTP or SQL; it reaches the
//! database through `store` and the outside world through ports (traits) added with the features
//! that need them.

mod apps;
mod auth;
mod clock;
mod error;
mod integrations;
pub mod secrets;
mod services;
mod status;

pub use auth::Caller;
pub use clock::now_ms;
pub use error::{Error, FieldError, Result};
pub use integrations::{
    ElevenLabsSettings, GeminiSettings, Integrations, LivekitSettings, OpenAiSettings, Secret,
};
pub use services::Services;

/// The version of this build, shared by every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
