//! Seed 002's `/api/voice` (calls, realtime, recording, agent, token, webhook), and the list of
//! every voice session whatever API started it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use domain::Services;
use domain::agent::voice::VoiceLimit;
use model::ErrorBody;
use model::agent::voice::AgentQuery;
use model::agent::voice::CallQuery;
use model::agent::voice::CallRoomQuery;
use model::agent::voice::RecordingQuery;
use model::agent::voice::VoiceSessionQuery;
use model::agent::voice::{
    AgentSpawned, AgentState, CallCreatedResponse, CallList, CreateCall, RealtimeStarted,
    RealtimeStatus, RecordingStarted, RecordingStatus, SpawnAgent, StartRealtime, StartRecording,
    SuccessMessage, UpdateAgent, UpdateCall, UpdateRecording, VoiceSessionDetail, VoiceSessionPage,
    VoiceToken, VoiceTokenRequest, WebhookReceived,
};

use super::livekit::webhook_authorization;
use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson, RateLimitSlot, TextBody};

fn success(message: impl Into<String>) -> Json<SuccessMessage> {
    Json(SuccessMessage::new(message))
}

/// Starts a call: a room, the caller's token and, for support calls, the AI agent.
/// Session tokens may call it (10 an hour per token).
#[utoipa::path(
    post,
    path = "/api/voice/session",
    tag = "voice",
    request_body = CreateCall,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Created", body = CallCreatedResponse),
        (status = 400, description = "Invalid call type or fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 409, description = "Active session already exists for this room", body = ErrorBody),
        (status = 429, description = "Too many calls", body = ErrorBody),
        (status = 502, description = "LiveKit refused or failed", body = ErrorBody),
        (status = 503, description = "Voice service not configured", body = ErrorBody),
    )
)]
pub async fn create_session(
    State(services): State<Services>,
    rate_limits: RateLimitSlot,
    AppCallerJson(caller, input): AppCallerJson<CreateCall>,
) -> Result<Json<CallCreatedResponse>, ApiError> {
    rate_limits.record_any(
        services
            .agent()
            .check_voice_limit(&caller, VoiceLimit::Session)
            .await?,
    );
    Ok(Json(services.agent().create_call(&caller, input).await?))
}

/// One call (`roomName`) or the caller's calls by page. Session tokens see their own calls.
#[utoipa::path(
    get,
    path = "/api/voice/session",
    tag = "voice",
    params(CallQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "One call (`{success, session}`) or a page (`{success, count, total, limit, offset, sessions}`)", body = CallList),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Access denied to this session", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn get_session(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let value = match query.room_name.as_deref() {
        Some(room) => serde_json::to_value(services.agent().call_detail(&caller, room).await?),
        None => serde_json::to_value(
            services
                .agent()
                .list_calls(&caller, query.status.as_deref(), query.limit, query.offset)
                .await?,
        ),
    };
    Ok(Json(
        value.map_err(|err| domain::Error::Internal(Box::new(err)))?,
    ))
}

/// Changes a call's status or its agent's status. Calls move forward only: pending → ringing
/// → connected → completed; missed and failed end a call too. Ending a call closes its room.
#[utoipa::path(
    patch,
    path = "/api/voice/session",
    tag = "voice",
    request_body = UpdateCall,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Updated", body = SuccessMessage),
        (status = 400, description = "Invalid status or missing roomName", body = ErrorBody),
        (status = 403, description = "Access denied", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
        (status = 409, description = "A transition the state machine refuses", body = ErrorBody),
    )
)]
pub async fn update_session(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<UpdateCall>,
) -> Result<Json<SuccessMessage>, ApiError> {
    services.agent().update_call(&caller, input).await?;
    Ok(success("Session updated successfully"))
}

/// Ends a call and closes its room; answers the duration in seconds. Ending twice is fine.
#[utoipa::path(
    delete,
    path = "/api/voice/session",
    tag = "voice",
    params(CallRoomQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Ended", body = SuccessMessage),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 403, description = "Access denied", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn end_session(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallRoomQuery>,
) -> Result<Json<SuccessMessage>, ApiError> {
    let duration = services
        .agent()
        .end_call(&caller, query.room_name.as_deref().unwrap_or_default())
        .await?;
    let mut answer = SuccessMessage::new("Session ended successfully");
    answer.duration = Some(duration);
    Ok(Json(answer))
}

/// The OpenAI Realtime configuration for the call's agent (30 an hour per session token).
#[utoipa::path(
    post,
    path = "/api/voice/realtime",
    tag = "voice",
    request_body = StartRealtime,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The configuration", body = RealtimeStarted),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 403, description = "Access denied", body = ErrorBody),
        (status = 404, description = "Call session or agent not found", body = ErrorBody),
        (status = 503, description = "AI agent not ready, or LiveKit not configured", body = ErrorBody),
    )
)]
pub async fn start_realtime(
    State(services): State<Services>,
    rate_limits: RateLimitSlot,
    AppCallerJson(caller, input): AppCallerJson<StartRealtime>,
) -> Result<Json<RealtimeStarted>, ApiError> {
    rate_limits.record_any(
        services
            .agent()
            .check_voice_limit(&caller, VoiceLimit::Realtime)
            .await?,
    );
    Ok(Json(services.agent().start_realtime(&caller, input).await?))
}

/// The realtime session's state.
#[utoipa::path(
    get,
    path = "/api/voice/realtime",
    tag = "voice",
    params(CallRoomQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The state", body = RealtimeStatus),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn realtime_status(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallRoomQuery>,
) -> Result<Json<RealtimeStatus>, ApiError> {
    Ok(Json(
        services
            .agent()
            .realtime_status(&caller, query.room_name.as_deref().unwrap_or_default())
            .await?,
    ))
}

/// Ends the realtime session (the call); answers its duration.
#[utoipa::path(
    delete,
    path = "/api/voice/realtime",
    tag = "voice",
    params(CallRoomQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Ended", body = SuccessMessage),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn end_realtime(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallRoomQuery>,
) -> Result<Json<SuccessMessage>, ApiError> {
    let duration = services
        .agent()
        .end_call(&caller, query.room_name.as_deref().unwrap_or_default())
        .await?;
    let mut answer = SuccessMessage::new("Realtime session ended");
    answer.duration = Some(duration);
    Ok(Json(answer))
}

/// Starts recording the call's audio with LiveKit Egress (20 operations an hour per session
/// token).
#[utoipa::path(
    post,
    path = "/api/voice/recording",
    tag = "voice",
    request_body = StartRecording,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Recording", body = RecordingStarted),
        (status = 400, description = "Invalid file type or call not active", body = ErrorBody),
        (status = 403, description = "Access denied", body = ErrorBody),
        (status = 404, description = "Call session not found", body = ErrorBody),
        (status = 409, description = "Recording already in progress", body = ErrorBody),
        (status = 503, description = "Recording service not configured", body = ErrorBody),
    )
)]
pub async fn start_recording(
    State(services): State<Services>,
    rate_limits: RateLimitSlot,
    AppCallerJson(caller, input): AppCallerJson<StartRecording>,
) -> Result<Json<RecordingStarted>, ApiError> {
    rate_limits.record_any(
        services
            .agent()
            .check_voice_limit(&caller, VoiceLimit::Recording)
            .await?,
    );
    Ok(Json(
        services
            .agent()
            .start_call_recording(&caller, input)
            .await?,
    ))
}

/// A call's recording and its URL, or every active recording.
#[utoipa::path(
    get,
    path = "/api/voice/recording",
    tag = "voice",
    params(RecordingQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The recording", body = RecordingStatus),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "No recording", body = ErrorBody),
    )
)]
pub async fn recording_status(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<RecordingQuery>,
) -> Result<Json<RecordingStatus>, ApiError> {
    Ok(Json(
        services
            .agent()
            .call_recording(
                &caller,
                query.room_name.as_deref(),
                query.egress_id.as_deref(),
                query.list_all.unwrap_or(false),
            )
            .await?,
    ))
}

/// Stops the call's recording; its URL once LiveKit reports it.
#[utoipa::path(
    delete,
    path = "/api/voice/recording",
    tag = "voice",
    params(CallRoomQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Stopped", body = SuccessMessage),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 403, description = "Access denied", body = ErrorBody),
        (status = 404, description = "No active recording or call not found", body = ErrorBody),
        (status = 503, description = "Recording service not configured", body = ErrorBody),
    )
)]
pub async fn stop_recording(
    State(services): State<Services>,
    rate_limits: RateLimitSlot,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallRoomQuery>,
) -> Result<Json<SuccessMessage>, ApiError> {
    rate_limits.record_any(
        services
            .agent()
            .check_voice_limit(&caller, VoiceLimit::Recording)
            .await?,
    );
    let url = services
        .agent()
        .stop_call_recording(&caller, query.room_name.as_deref().unwrap_or_default())
        .await?;
    let mut answer = SuccessMessage::new("Recording stopped successfully");
    answer.recording_url = url;
    Ok(Json(answer))
}

/// Attaches a transcript (up to 1 MB) or a recording URL to the call.
#[utoipa::path(
    patch,
    path = "/api/voice/recording",
    tag = "voice",
    request_body = UpdateRecording,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Updated", body = SuccessMessage),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn update_recording(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<UpdateRecording>,
) -> Result<Json<SuccessMessage>, ApiError> {
    services
        .agent()
        .update_call_recording(&caller, input)
        .await?;
    Ok(success("Recording metadata updated successfully"))
}

/// Dispatches the AI agent to a live call's room (LiveKit agent dispatch).
#[utoipa::path(
    post,
    path = "/api/voice/agent",
    tag = "voice",
    request_body = SpawnAgent,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Dispatched", body = AgentSpawned),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "Room not found", body = ErrorBody),
        (status = 409, description = "An agent is already in this room", body = ErrorBody),
        (status = 502, description = "LiveKit refused or failed", body = ErrorBody),
        (status = 503, description = "Voice service not configured", body = ErrorBody),
    )
)]
pub async fn spawn_agent(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<SpawnAgent>,
) -> Result<Json<AgentSpawned>, ApiError> {
    Ok(Json(services.agent().spawn_agent(&caller, input).await?))
}

/// A room's agent, or every agent in a live room.
#[utoipa::path(
    get,
    path = "/api/voice/agent",
    tag = "voice",
    params(AgentQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The agent", body = AgentState),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "Session not found", body = ErrorBody),
    )
)]
pub async fn agent_state(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<AgentQuery>,
) -> Result<Json<AgentState>, ApiError> {
    Ok(Json(
        services
            .agent()
            .agent_state(
                &caller,
                query.room_name.as_deref(),
                query.list_all.unwrap_or(false),
            )
            .await?,
    ))
}

/// Sets the agent's status (pending | active | disconnected).
#[utoipa::path(
    patch,
    path = "/api/voice/agent",
    tag = "voice",
    request_body = UpdateAgent,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Updated", body = SuccessMessage),
        (status = 400, description = "Invalid status or missing roomName", body = ErrorBody),
        (status = 404, description = "Session or agent not found", body = ErrorBody),
    )
)]
pub async fn update_agent(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<UpdateAgent>,
) -> Result<Json<SuccessMessage>, ApiError> {
    let status = services.agent().update_agent(&caller, input).await?;
    Ok(success(format!(
        "Agent status updated to {}",
        status.as_str()
    )))
}

/// Takes the agent out of the room (its dispatch is deleted).
#[utoipa::path(
    delete,
    path = "/api/voice/agent",
    tag = "voice",
    params(CallRoomQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Removed", body = SuccessMessage),
        (status = 400, description = "Missing roomName", body = ErrorBody),
        (status = 404, description = "Session or agent not found", body = ErrorBody),
    )
)]
pub async fn remove_agent(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<CallRoomQuery>,
) -> Result<Json<SuccessMessage>, ApiError> {
    services
        .agent()
        .remove_agent(&caller, query.room_name.as_deref().unwrap_or_default())
        .await?;
    Ok(success("Agent removed successfully"))
}

/// A LiveKit token for a call room: the caller's existing room, or a new call.
#[utoipa::path(
    post,
    path = "/api/voice/token",
    tag = "voice",
    request_body = VoiceTokenRequest,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The token", body = VoiceToken),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 429, description = "Too many calls", body = ErrorBody),
        (status = 503, description = "Voice service not configured", body = ErrorBody),
    )
)]
pub async fn token(
    State(services): State<Services>,
    rate_limits: RateLimitSlot,
    AppCallerJson(caller, input): AppCallerJson<VoiceTokenRequest>,
) -> Result<Json<VoiceToken>, ApiError> {
    rate_limits.record_any(
        services
            .agent()
            .check_voice_limit(&caller, VoiceLimit::Session)
            .await?,
    );
    Ok(Json(services.agent().voice_token(&caller, input).await?))
}

/// LiveKit's webhook in seed 002's shape: the same verification and handling as
/// `/api/livekit/webhook`.
#[utoipa::path(
    post,
    path = "/api/voice/webhook",
    tag = "voice",
    request_body(content = String, content_type = "application/webhook+json", description = "LiveKit's WebhookEvent, signed in the Authorization header"),
    responses(
        (status = 200, description = "Handled", body = WebhookReceived),
        (status = 401, description = "Missing or invalid signature", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn webhook(
    State(services): State<Services>,
    headers: HeaderMap,
    TextBody(body): TextBody,
) -> Result<Json<WebhookReceived>, ApiError> {
    let authorization = webhook_authorization(&headers)?;
    let event = services
        .agent()
        .receive_livekit_webhook(&body, authorization)
        .await?;
    Ok(Json(WebhookReceived {
        received: true,
        event,
    }))
}

/// Every voice session of the app, whichever API started it, newest first. Session tokens see
/// their own.
#[utoipa::path(
    get,
    path = "/api/voice/sessions",
    tag = "voice",
    params(VoiceSessionQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "One page", body = VoiceSessionPage),
        (status = 400, description = "Unknown status or origin, or a foreign cursor", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn list_sessions(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<VoiceSessionQuery>,
) -> Result<Json<VoiceSessionPage>, ApiError> {
    Ok(Json(
        services.agent().list_voice_sessions(&caller, query).await?,
    ))
}

/// One voice session with its participants and transcript.
#[utoipa::path(
    get,
    path = "/api/voice/sessions/{id}",
    tag = "voice",
    params(("id" = String, Path, description = "The session's id (callId)")),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The session", body = VoiceSessionDetail),
        (status = 403, description = "Another session token's session", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
pub async fn session_detail(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<VoiceSessionDetail>, ApiError> {
    Ok(Json(
        services.agent().voice_session_detail(&caller, &id).await?,
    ))
}
