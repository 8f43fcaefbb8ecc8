//! The agent wing's JSON API: conversations, messages, events, CSAT, persona, analytics,
//! experiments, guardrails, handoffs, tools, knowledge, LiveKit and voice sessions.

mod analytics;
mod conversations;
mod csat;
mod events;
mod experiments;
mod guardrails;
mod handoffs;
mod knowledge;
mod livekit;
mod messages;
mod persona;
mod sessions;
mod token;
mod tools;
mod voice;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// This wing's endpoints, with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
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
        .routes(routes!(knowledge::publish))
        .routes(routes!(knowledge::unpublish))
        .routes(routes!(knowledge::archive))
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
        .routes(routes!(guardrails::list_rules, guardrails::create_rule))
        .routes(routes!(guardrails::update_rule, guardrails::delete_rule))
        .routes(routes!(
            guardrails::list_violations,
            guardrails::annotate_violation
        ))
}
