//! The widget's JSON API (`/api/widget/*`): what a browser on a customer's site may do as one
//! visitor, with the `wst_` token it booted.

mod calls;
mod contacts;
mod conversations;
mod help;
mod sessions;
mod tickets;

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
        .routes(routes!(conversations::list, conversations::open))
        .routes(routes!(conversations::messages, conversations::write))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::unread))
        .routes(routes!(conversations::rate))
        .routes(routes!(conversations::rate_answer))
        .routes(routes!(conversations::stream))
        .routes(routes!(conversations::settings))
        .routes(routes!(tickets::list, tickets::create))
        .routes(routes!(tickets::get))
        .routes(routes!(tickets::comment))
        .routes(routes!(tickets::forms))
        .routes(routes!(help::home))
        .routes(routes!(help::article))
        .routes(routes!(help::search))
        .routes(routes!(help::vote))
        .routes(routes!(calls::start))
        .routes(routes!(calls::end))
}
