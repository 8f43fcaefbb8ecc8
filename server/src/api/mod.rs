//! The JSON API: one module per resource, each adding its routes together with their OpenAPI
//! description, so no endpoint can exist undocumented.

mod auth;
mod health;
mod status;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every JSON endpoint, with the OpenAPI document describing them.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::healthz))
        .routes(routes!(status::status))
        .routes(routes!(auth::create_session))
        .routes(routes!(auth::revoke_session))
        .routes(routes!(auth::me))
}
