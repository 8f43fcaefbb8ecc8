//! The desk wing's JSON API (seed 001's support desk).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// This wing's endpoints, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
