//! Wire types shared by the server and the wasm UI.
//!
//! Everything here compiles to `wasm32-unknown-unknown`: plain data, serde, and validation with
//! no I/O. The server adds OpenAPI schemas through the `openapi` feature.

pub mod analytics;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod conversations;
pub mod dashboard;
pub mod error;
pub mod experiments;
pub mod gemini;
pub mod guardrails;
pub mod handoffs;
pub mod health;
pub mod knowledge;
pub mod persona;
pub mod playground;
pub mod status;
pub mod tools;
pub mod users;
pub mod voice;
pub mod web;
pub mod webhooks;

pub use error::{ErrorBody, ErrorCode};
