//! The desk wing's JSON API (seed 001's support desk), for dashboard users.

mod contacts;
mod conversations;
mod identity;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// This wing's endpoints, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(contacts::list))
        .routes(routes!(contacts::get))
        .routes(routes!(identity::get, identity::update))
        .routes(routes!(identity::rotate))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::get, conversations::update))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::read))
}
