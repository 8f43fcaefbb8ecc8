//! The widget's JSON API (`/api/widget/*`): what a browser on a customer's site may do as one
//! visitor, with the `wst_` token it booted.

mod calls;
mod contacts;
mod conversations;
mod sessions;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The widget's endpoints, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sessions::boot))
        .routes(routes!(sessions::refresh))
        .routes(routes!(sessions::revoke))
        .routes(routes!(contacts::me))
        .routes(routes!(contacts::identify))
        .routes(routes!(contacts::location))
        .routes(routes!(conversations::list, conversations::start))
        .routes(routes!(conversations::messages, conversations::write))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::unread))
        .routes(routes!(calls::start))
        .routes(routes!(calls::end))
}
