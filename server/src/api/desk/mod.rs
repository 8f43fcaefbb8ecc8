//! The desk wing's JSON API (seed 001's support desk), for dashboard users.

mod ai_agent;
mod automation;
mod contacts;
mod conversations;
mod help_center;
mod identity;
mod snippets;
mod tags;
mod tickets;

pub(crate) use conversations::desk_events;

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
        .routes(routes!(conversations::list, conversations::create))
        .routes(routes!(conversations::stream))
        .routes(routes!(conversations::get, conversations::update))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::read))
        .routes(routes!(conversations::tags, conversations::attach_tag))
        .routes(routes!(conversations::detach_tag))
        .routes(routes!(tags::list, tags::create))
        .routes(routes!(tags::update, tags::delete))
        .routes(routes!(snippets::list, snippets::create))
        .routes(routes!(snippets::get, snippets::update, snippets::delete))
        .routes(routes!(tickets::list, tickets::create))
        .routes(routes!(tickets::get, tickets::update))
        .routes(routes!(tickets::comment))
        .routes(routes!(tickets::forms, tickets::create_form))
        .routes(routes!(tickets::delete_form))
        .routes(routes!(automation::get, automation::update))
        .routes(routes!(ai_agent::get, ai_agent::put))
        .routes(routes!(help_center::list, help_center::create))
        .routes(routes!(help_center::tree))
        .routes(routes!(help_center::settings, help_center::put_settings))
        .routes(routes!(help_center::reorder))
        .routes(routes!(
            help_center::get,
            help_center::update,
            help_center::delete
        ))
}
