//! Server functions: thin adapters over `domain::Services`, which the server provides in the
//! Leptos context. All live under `/sfn/…`, apart from the public JSON API under `/api/…`.
//!
//! One folder per wing, one file per noun, as in every layer.

pub mod agent;
pub mod desk;
pub mod platform;
#[cfg(feature = "ssr")]
pub(crate) mod request;
#[cfg(feature = "ssr")]
pub(crate) mod ssr;

#[cfg(feature = "ssr")]
pub(crate) fn services() -> Result<domain::Services, crate::error::UiError> {
    leptos::prelude::use_context::<domain::Services>().ok_or_else(|| {
        crate::error::UiError::new(
            model::ErrorCode::InternalError,
            "The server did not provide its services",
        )
    })
}
