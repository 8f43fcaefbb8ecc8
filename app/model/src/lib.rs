//! Wire types shared by the server and the wasm UI.
//!
//! Everything here compiles to `wasm32-unknown-unknown`: plain data, serde, and validation with
//! no I/O. The server adds OpenAPI schemas through the `openapi` feature.

pub mod agent;
pub mod desk;
pub mod error;
pub mod patch;
pub mod platform;

pub use error::{ErrorBody, ErrorCode};
