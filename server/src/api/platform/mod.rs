//! The platform wing's JSON API: health and status, session tokens, users and members, apps,
//! workspaces, the audit log and outbound webhooks.

mod apps;
mod audit;
mod auth;
mod discovery;
mod health;
mod status;
mod users;
mod webhooks;
mod workspaces;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// This wing's endpoints, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(health::healthz))
        .routes(routes!(status::status))
        .routes(routes!(discovery::discovery))
        .routes(routes!(auth::create_session))
        .routes(routes!(auth::revoke_session))
        .routes(routes!(auth::me))
        .routes(routes!(users::login))
        .routes(routes!(users::logout))
        .routes(routes!(users::me))
        .routes(routes!(users::create_member))
        .routes(routes!(users::members))
        .routes(routes!(users::change_role))
        .routes(routes!(apps::list, apps::create))
        .routes(routes!(apps::get, apps::update))
        .routes(routes!(apps::rotate_secret))
        .routes(routes!(apps::deactivate))
        .routes(routes!(apps::activate))
        .routes(routes!(apps::playground_token))
        .routes(routes!(audit::list))
        .routes(routes!(audit::set_retention))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::signing_secret))
        .routes(routes!(webhooks::rotate_signing_secret))
        .routes(routes!(workspaces::list, workspaces::create))
        .routes(routes!(workspaces::get, workspaces::update))
}
