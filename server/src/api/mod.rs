//! The JSON API: one module per resource, each adding its routes together with their OpenAPI
//! description, so no endpoint can exist undocumented.

mod analytics;
mod apps;
mod audit;
mod auth;
mod conversations;
mod csat;
mod events;
mod experiments;
mod guardrails;
mod handoffs;
mod health;
mod knowledge;
mod livekit;
mod messages;
mod persona;
mod sessions;
mod status;
mod token;
mod tools;
mod users;
mod voice;
mod webhooks;

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
        .routes(routes!(conversations::list, conversations::save))
        .routes(routes!(conversations::detail))
        .routes(routes!(events::list, events::record))
        .routes(routes!(messages::list, messages::store))
        .routes(routes!(messages::stream))
        .routes(routes!(messages::dashboard_stream))
        .routes(routes!(persona::get, persona::update))
        .routes(routes!(csat::list, csat::submit))
        .routes(routes!(analytics::overview))
        .routes(routes!(analytics::insights))
        .routes(routes!(analytics::timeseries))
        .routes(routes!(experiments::list, experiments::create))
        .routes(routes!(
            experiments::get,
            experiments::update,
            experiments::set_status
        ))
        .routes(routes!(experiments::assign))
        .routes(routes!(guardrails::check))
        .routes(routes!(handoffs::list, handoffs::create, handoffs::update))
        .routes(routes!(token::create))
        .routes(routes!(tools::list_public, tools::register))
        .routes(routes!(tools::list_all))
        .routes(routes!(tools::execute))
        .routes(routes!(tools::executions))
        .routes(routes!(tools::get, tools::update, tools::delete))
        .routes(routes!(knowledge::add))
        .routes(routes!(knowledge::upload))
        .routes(routes!(knowledge::dashboard_upload))
        .routes(routes!(knowledge::documents))
        .routes(routes!(
            knowledge::document,
            knowledge::update,
            knowledge::delete
        ))
        .routes(routes!(knowledge::search))
        .routes(routes!(knowledge::gaps))
        .routes(routes!(knowledge::resolve_gap))
        .routes(routes!(knowledge::dismiss_gap))
        .routes(routes!(knowledge::reopen_gap))
        .routes(routes!(knowledge::metrics))
        .routes(routes!(livekit::token))
        .routes(routes!(livekit::token_source))
        .routes(routes!(
            livekit::create_room,
            livekit::list_rooms,
            livekit::end_room
        ))
        .routes(routes!(livekit::webhook))
        .routes(routes!(
            voice::create_session,
            voice::get_session,
            voice::update_session,
            voice::end_session
        ))
        .routes(routes!(
            voice::start_realtime,
            voice::realtime_status,
            voice::end_realtime
        ))
        .routes(routes!(
            voice::start_recording,
            voice::recording_status,
            voice::stop_recording,
            voice::update_recording
        ))
        .routes(routes!(
            voice::spawn_agent,
            voice::agent_state,
            voice::update_agent,
            voice::remove_agent
        ))
        .routes(routes!(voice::token))
        .routes(routes!(voice::webhook))
        .routes(routes!(
            voice::list_sessions,
            sessions::start_agent_conversation
        ))
        .routes(routes!(voice::session_detail))
        .routes(routes!(sessions::start))
        .routes(routes!(sessions::end))
        .routes(routes!(sessions::telephony_webhook))
        .routes(routes!(sessions::telephony_call))
        .routes(routes!(sessions::telephony_call_by_room))
        .routes(routes!(sessions::create_backend_session))
        .routes(routes!(sessions::backend_session))
        .routes(routes!(sessions::end_backend_session))
        .routes(routes!(sessions::elevenlabs))
        .routes(routes!(sessions::elevenlabs_webhook))
        .routes(routes!(sessions::append_logs, sessions::tail_logs))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::signing_secret))
        .routes(routes!(webhooks::rotate_signing_secret))
        .routes(routes!(guardrails::list_rules, guardrails::create_rule))
        .routes(routes!(guardrails::update_rule, guardrails::delete_rule))
        .routes(routes!(
            guardrails::list_violations,
            guardrails::annotate_violation
        ))
}
