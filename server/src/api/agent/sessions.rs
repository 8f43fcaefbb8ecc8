//! Seed 004's `/session` and telephony, seed 003's `/voice/sessions` with ElevenLabs, and
//! client diagnostics (`/api/logs`).

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use domain::Services;
use domain::agent::voice::elevenlabs::SIGNATURE_HEADER;
use model::ErrorBody;
use model::agent::conversations::OkResponse;
use model::agent::voice::LogTailQuery;
use model::agent::voice::{
    AgentConversationStarted, BackendVoiceSession, ClientLogLine, ClientLogTail,
    CreateVoiceSession, ElevenLabsAction, ElevenLabsConversation, RoomNameBody,
    StartAgentConversation, StartSession, StartedSession, TelephonyCall,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::livekit::webhook_authorization;
use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson, TextBody};

/// Seed 004: a user token for a room, and the agent dispatched with `agentConfig` as its
/// metadata. A dispatch failure stores nothing.
#[utoipa::path(
    post,
    path = "/session",
    tag = "sessions",
    request_body = StartSession,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Started", body = StartedSession),
        (status = 400, description = "Invalid userIdentity, roomName or agentConfig", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 409, description = "The room has a live session", body = ErrorBody),
        (status = 502, description = "LiveKit could not dispatch the agent; nothing stored", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn start(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<StartSession>,
) -> Result<Json<StartedSession>, ApiError> {
    Ok(Json(services.agent().start_session(&caller, input).await?))
}

/// Seed 004: deletes the room and ends its session.
#[utoipa::path(
    post,
    path = "/session/end",
    tag = "sessions",
    request_body = RoomNameBody,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 204, description = "Ended"),
        (status = 400, description = "Invalid roomName", body = ErrorBody),
        (status = 404, description = "Unknown room", body = ErrorBody),
    )
)]
pub async fn end(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<RoomNameBody>,
) -> Result<StatusCode, ApiError> {
    services
        .agent()
        .end_session_room(&caller, &input.room_name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TelephonyAcknowledged {
    ok: bool,
}

/// Seed 004's telephony webhook (LiveKit, `application/webhook+json`): verified, acknowledged
/// at once, and handled in the background; a SIP participant joining gets the agent.
#[utoipa::path(
    post,
    path = "/telephony/livekit-webhook",
    tag = "sessions",
    request_body(content = String, content_type = "application/webhook+json", description = "LiveKit's WebhookEvent, signed in the Authorization header"),
    responses(
        (status = 200, description = "Accepted", body = TelephonyAcknowledged),
        (status = 401, description = "Invalid webhook signature", body = ErrorBody),
        (status = 503, description = "Telephony is disabled", body = ErrorBody),
    )
)]
pub async fn telephony_webhook(
    State(services): State<Services>,
    headers: HeaderMap,
    TextBody(body): TextBody,
) -> Result<Json<TelephonyAcknowledged>, ApiError> {
    let authorization = webhook_authorization(&headers)?;
    let ack = services
        .agent()
        .verify_telephony_webhook(&body, authorization)?;
    tokio::spawn(async move {
        let started = Instant::now();
        let event = ack.event.event.clone();
        if let Err(err) = services
            .agent()
            .handle_livekit_event(ack.event, &body)
            .await
        {
            tracing::warn!(error = %err, event, "telephony event failed");
        } else {
            tracing::debug!(
                event,
                ms = started.elapsed().as_millis() as u64,
                "telephony event handled"
            );
        }
    });
    Ok(Json(TelephonyAcknowledged { ok: true }))
}

/// An inbound call by id (not served in production).
#[utoipa::path(
    get,
    path = "/telephony/calls/{callId}",
    tag = "sessions",
    params(("callId" = String, Path, description = "The call's session id")),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The call", body = TelephonyCall),
        (status = 404, description = "Not found (always in production)", body = ErrorBody),
    )
)]
pub async fn telephony_call(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(call_id): Path<String>,
) -> Result<Json<TelephonyCall>, ApiError> {
    Ok(Json(
        services
            .agent()
            .telephony_call(&caller, Some(&call_id), None)
            .await?,
    ))
}

/// An inbound call by room (not served in production).
#[utoipa::path(
    get,
    path = "/telephony/calls/by-room/{roomName}",
    tag = "sessions",
    params(("roomName" = String, Path, description = "The call's room")),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The call", body = TelephonyCall),
        (status = 404, description = "Not found (always in production)", body = ErrorBody),
    )
)]
pub async fn telephony_call_by_room(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(room_name): Path<String>,
) -> Result<Json<TelephonyCall>, ApiError> {
    Ok(Json(
        services
            .agent()
            .telephony_call(&caller, None, Some(&room_name))
            .await?,
    ))
}

/// Seed 003: a backend voice session.
#[utoipa::path(
    post,
    path = "/voice/sessions",
    tag = "sessions",
    request_body = CreateVoiceSession,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Created", body = BackendVoiceSession),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn create_backend_session(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<CreateVoiceSession>,
) -> Result<Json<BackendVoiceSession>, ApiError> {
    Ok(Json(
        services
            .agent()
            .create_backend_session(&caller, input)
            .await?,
    ))
}

/// Seed 003: one backend voice session.
#[utoipa::path(
    get,
    path = "/voice/sessions/{id}",
    tag = "sessions",
    params(("id" = String, Path, description = "The session_id")),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The session", body = BackendVoiceSession),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
pub async fn backend_session(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<BackendVoiceSession>, ApiError> {
    Ok(Json(services.agent().backend_session(&caller, &id).await?))
}

/// Seed 003: ends a backend voice session (again is fine).
#[utoipa::path(
    put,
    path = "/voice/sessions/{id}/end",
    tag = "sessions",
    params(("id" = String, Path, description = "The session_id")),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Ended", body = BackendVoiceSession),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
pub async fn end_backend_session(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<BackendVoiceSession>, ApiError> {
    Ok(Json(
        services.agent().end_backend_session(&caller, &id).await?,
    ))
}

/// Seed 003's combined call: a backend session, then an ElevenLabs conversation (signed URL)
/// with the support or sales agent. ElevenLabs' own error text is in the 502.
#[utoipa::path(
    post,
    path = "/api/voice/sessions",
    tag = "sessions",
    request_body = StartAgentConversation,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Started", body = AgentConversationStarted),
        (status = 400, description = "Invalid agentType or customerId", body = ErrorBody),
        (status = 502, description = "ElevenLabs refused; the session is kept as failed", body = ErrorBody),
        (status = 503, description = "ElevenLabs is not configured", body = ErrorBody),
    )
)]
pub async fn start_agent_conversation(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<StartAgentConversation>,
) -> Result<Json<AgentConversationStarted>, ApiError> {
    Ok(Json(
        services
            .agent()
            .start_agent_conversation(&caller, input)
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ElevenLabsAnswer {
    Started(ElevenLabsConversation),
    Ended { success: bool },
}

/// Seed 003's ElevenLabs wrapper: `start_conversation` (agentType) or `end_conversation`
/// (sessionId).
#[utoipa::path(
    post,
    path = "/api/elevenlabs",
    tag = "sessions",
    request_body = ElevenLabsAction,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The conversation, or `{success: true}`", body = ElevenLabsAnswer),
        (status = 400, description = "Unknown action or missing field", body = ErrorBody),
        (status = 502, description = "ElevenLabs refused", body = ErrorBody),
        (status = 503, description = "ElevenLabs is not configured", body = ErrorBody),
    )
)]
pub async fn elevenlabs(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<ElevenLabsAction>,
) -> Result<Json<ElevenLabsAnswer>, ApiError> {
    match input.action.as_str() {
        "start_conversation" => Ok(Json(ElevenLabsAnswer::Started(
            services
                .agent()
                .start_elevenlabs_conversation(input.agent_type.as_deref().unwrap_or("support"))
                .await?,
        ))),
        "end_conversation" => {
            let session_id = input.session_id.as_deref().ok_or_else(|| {
                domain::Error::Invalid("end_conversation needs sessionId".to_owned())
            })?;
            services
                .agent()
                .end_elevenlabs_conversation(&caller, session_id)
                .await?;
            Ok(Json(ElevenLabsAnswer::Ended { success: true }))
        }
        _ => Err(domain::Error::Invalid(
            "action must be start_conversation or end_conversation".to_owned(),
        )
        .into()),
    }
}

/// ElevenLabs' post-call webhook, verified by HMAC (`ElevenLabs-Signature: t=…,v0=…`): the
/// transcript is stored with the session, which ends.
#[utoipa::path(
    post,
    path = "/api/elevenlabs/webhook",
    tag = "sessions",
    request_body(content = String, content_type = "application/json", description = "ElevenLabs' post_call_transcription event"),
    responses(
        (status = 200, description = "Handled", body = OkResponse),
        (status = 401, description = "Missing, wrong or stale signature", body = ErrorBody),
        (status = 503, description = "ELEVENLABS_WEBHOOK_SECRET is not set", body = ErrorBody),
    )
)]
pub async fn elevenlabs_webhook(
    State(services): State<Services>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<OkResponse>, ApiError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    services
        .agent()
        .receive_elevenlabs_webhook(&body, signature)
        .await?;
    Ok(Json(OkResponse::yes()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogsAppended {
    ok: bool,
    appended: usize,
}

/// Appends client diagnostics: one line (`{level, message, source, sessionId, data}`), an array,
/// or `{lines: [...]}`; at most 100. Credentials are redacted before storage. Session tokens may
/// call it.
#[utoipa::path(
    post,
    path = "/api/logs",
    tag = "sessions",
    request_body = ClientLogLine,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Appended", body = LogsAppended),
        (status = 400, description = "Invalid lines", body = ErrorBody),
        (status = 413, description = "More than 100 lines", body = ErrorBody),
    )
)]
pub async fn append_logs(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<Value>,
) -> Result<Json<LogsAppended>, ApiError> {
    let items = match input {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("lines") {
            Some(Value::Array(items)) => items,
            _ => vec![Value::Object(object)],
        },
        _ => {
            return Err(
                domain::Error::Invalid("Send a line or an array of lines".to_owned()).into(),
            );
        }
    };
    let lines = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<ClientLogLine>(item).map_err(|err| {
                domain::Error::InvalidFields(vec![domain::FieldError::new(
                    format!("lines[{i}]"),
                    err.to_string(),
                )])
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let appended = services.agent().append_client_logs(&caller, lines).await?;
    Ok(Json(LogsAppended { ok: true, appended }))
}

/// The newest client log lines, oldest first. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/logs",
    tag = "sessions",
    params(LogTailQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The lines", body = ClientLogTail),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn tail_logs(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<LogTailQuery>,
) -> Result<Json<ClientLogTail>, ApiError> {
    Ok(Json(
        services
            .agent()
            .client_log_tail(&caller, query.tail)
            .await?,
    ))
}
