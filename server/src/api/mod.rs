//! The JSON API: one folder per wing, one module per resource, each adding its routes together
//! with their OpenAPI description, so no endpoint can exist undocumented.

mod agent;
mod desk;
mod platform;
mod widget;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every JSON endpoint, with the OpenAPI document describing them: each wing adds its own.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(platform::router())
        .merge(agent::router())
        .merge(desk::router())
        .merge(widget::router())
}
