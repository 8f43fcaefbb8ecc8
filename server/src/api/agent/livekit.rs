//! Seed 000's LiveKit endpoints, and the standard LiveKit token endpoint.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use domain::Services;
use model::ErrorBody;
use model::agent::conversations::OkResponse;
use model::agent::voice::{
    CreateRoom, CreatedRoom, LivekitTokenRequest, LivekitTokenResponse, RoomList, RoomNameBody,
    RoomStatus, TokenSourceRequest, TokenSourceResponse,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson, TextBody};

/// The raw `Authorization` header of a webhook (LiveKit sends the JWT without "Bearer ").
pub(crate) fn webhook_authorization(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            ApiError::from(domain::Error::Unauthenticated)
                .with_details(serde_json::json!({ "reason": "Missing Authorization header" }))
        })
}

/// A participant token for one of the app's live rooms. Session tokens may call it, for the
/// rooms they opened, and never with an agent's identity (`agent-…`, `ai-agent-…`).
#[utoipa::path(
    post,
    path = "/api/livekit/token",
    tag = "livekit",
    request_body = LivekitTokenRequest,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The token and the LiveKit URL", body = LivekitTokenResponse),
        (status = 400, description = "Invalid room name, identity, name or ttl", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "A session token asked for an agent identity or another token's room", body = ErrorBody),
        (status = 404, description = "No live room of this app has that name", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn token(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<LivekitTokenRequest>,
) -> Result<Json<LivekitTokenResponse>, ApiError> {
    Ok(Json(services.agent().livekit_token(&caller, input).await?))
}

/// LiveKit's standard token endpoint (`TokenSource.endpoint(url)` in `livekit-client`): joins
/// the named room or opens one, and asks LiveKit to dispatch the agents of `room_config`.
#[utoipa::path(
    post,
    path = "/api/livekit/token-source",
    tag = "livekit",
    request_body = TokenSourceRequest,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The token and the LiveKit URL", body = TokenSourceResponse),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 409, description = "Another app's live session holds that room", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn token_source(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<TokenSourceRequest>,
) -> Result<Json<TokenSourceResponse>, ApiError> {
    Ok(Json(services.agent().token_source(&caller, input).await?))
}

/// Opens a LiveKit room (`<appSlug>-<sessionId>-<ms>`) for a conversation session; it is
/// `waiting` until someone joins. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/livekit/rooms",
    tag = "livekit",
    request_body = CreateRoom,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The room", body = CreatedRoom),
        (status = 400, description = "Invalid sessionId or config", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 502, description = "LiveKit refused or failed; nothing stored", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn create_room(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<CreateRoom>,
) -> Result<Json<CreatedRoom>, ApiError> {
    Ok(Json(
        services.agent().create_livekit_room(&caller, input).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoomsQuery {
    /// waiting | active | ended; default both live states (waiting and active).
    status: Option<String>,
}

/// The app's rooms from every API (newest 200); a session token sees its own.
#[utoipa::path(
    get,
    path = "/api/livekit/rooms",
    tag = "livekit",
    params(RoomsQuery),
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The rooms", body = RoomList),
        (status = 400, description = "Unknown status", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn list_rooms(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<RoomsQuery>,
) -> Result<Json<RoomList>, ApiError> {
    let status = query
        .status
        .as_deref()
        .map(|s| {
            RoomStatus::parse(s).ok_or_else(|| {
                domain::Error::Invalid("status must be waiting, active or ended".to_owned())
            })
        })
        .transpose()?;
    Ok(Json(
        services.agent().list_livekit_rooms(&caller, status).await?,
    ))
}

/// Ends a room: its session ends, the conversation is resolved, LiveKit closes the room.
#[utoipa::path(
    delete,
    path = "/api/livekit/rooms",
    tag = "livekit",
    request_body = RoomNameBody,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Ended", body = OkResponse),
        (status = 400, description = "roomName missing", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "A session token's request for another token's room", body = ErrorBody),
        (status = 404, description = "Room not found", body = ErrorBody),
    )
)]
pub async fn end_room(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<RoomNameBody>,
) -> Result<Json<OkResponse>, ApiError> {
    services
        .agent()
        .end_livekit_room(&caller, &input.room_name)
        .await?;
    Ok(Json(OkResponse::yes()))
}

/// LiveKit's webhook, verified over the raw body with the API key's secret (401 on any
/// failure). Redeliveries (same event id) are acknowledged and skipped.
#[utoipa::path(
    post,
    path = "/api/livekit/webhook",
    tag = "livekit",
    request_body(content = String, content_type = "application/webhook+json", description = "LiveKit's WebhookEvent, signed in the Authorization header"),
    responses(
        (status = 200, description = "Handled", body = OkResponse),
        (status = 401, description = "Missing or invalid signature", body = ErrorBody),
        (status = 503, description = "LiveKit is not configured", body = ErrorBody),
    )
)]
pub async fn webhook(
    State(services): State<Services>,
    headers: HeaderMap,
    TextBody(body): TextBody,
) -> Result<Json<OkResponse>, ApiError> {
    let authorization = webhook_authorization(&headers)?;
    services
        .agent()
        .receive_livekit_webhook(&body, authorization)
        .await?;
    Ok(Json(OkResponse::yes()))
}
