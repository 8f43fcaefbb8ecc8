//! Server functions: thin adapters over `domain::Services`, which the server provides in the
//! Leptos context. All live under `/sfn/…`, apart from the public JSON API under `/api/…`.

pub mod dashboard;
pub mod playground;
#[cfg(feature = "ssr")]
mod request;
pub mod session;
pub mod status;

#[cfg(feature = "ssr")]
fn services() -> Result<domain::Services, crate::error::UiError> {
    leptos::prelude::use_context::<domain::Services>().ok_or_else(|| {
        crate::error::UiError::new(
            model::ErrorCode::InternalError,
            "The server did not provide its services",
        )
    })
}
