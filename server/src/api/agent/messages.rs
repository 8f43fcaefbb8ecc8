//! Transcription messages (seed 000): idempotent batches, a session's list, and its live stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::{LiveSubscription, Services};
use futures_util::Stream;
use futures_util::stream;
use model::ErrorBody;
use model::agent::conversations::SessionQuery;
use model::agent::conversations::{LiveUpdate, MessageBatch, MessageList, MessagesStored};

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson, SignedInUser, TraceId};

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Stores up to 500 messages. Idempotent: a repeated `segmentId` updates the same row (interim
/// → final) and a retried batch never duplicates. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/messages",
    tag = "messages",
    request_body = MessageBatch,
    params(("X-Trace-Id" = Option<String>, Header, description = "Trace id to store")),
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "Stored", body = MessagesStored),
        (status = 400, description = "Empty batch or invalid fields, each bad item named by index", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 413, description = "More than 500 messages", body = ErrorBody),
    )
)]
pub async fn store(
    State(services): State<Services>,
    TraceId(trace_id): TraceId,
    AppCallerJson(caller, batch): AppCallerJson<MessageBatch>,
) -> Result<Json<MessagesStored>, ApiError> {
    let count = services
        .agent()
        .store_messages(&caller, batch, trace_id)
        .await?;
    Ok(Json(MessagesStored { ok: true, count }))
}

/// The session the query names; a missing or empty `sessionId` is a 400.
fn required_session_id(query: SessionQuery) -> Result<String, ApiError> {
    query
        .session_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::new(model::ErrorCode::InvalidInput, "Missing sessionId"))
}

/// A session's messages, final and interim, in speaking order. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/messages",
    tag = "messages",
    params(SessionQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The messages", body = MessageList),
        (status = 400, description = "Missing sessionId", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Json<MessageList>, ApiError> {
    let session_id = required_session_id(query)?;
    let messages = services.agent().list_messages(&caller, &session_id).await?;
    Ok(Json(MessageList { messages }))
}

/// Server-Sent Events of one session: `message` (a message stored or turned final) and
/// `conversation` (a status change), each with a `LiveUpdate` JSON. Works across instances on
/// PostgreSQL. Load `GET /api/messages` first for what came before. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/messages/stream",
    tag = "messages",
    params(SessionQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "An event stream (text/event-stream) of LiveUpdate", body = LiveUpdate, content_type = "text/event-stream"),
        (status = 400, description = "Missing sessionId", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn stream(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let session_id = required_session_id(query)?;
    let subscription = services
        .agent()
        .subscribe_session(&caller, &session_id)
        .await?;
    Ok(live_events(subscription))
}

/// The live stream of one conversation for a signed-in dashboard user (the conversation page
/// follows it while the conversation is open). Events as `GET /api/messages/stream`. Needs
/// `conversations.read` in the app's workspace.
#[utoipa::path(
    get,
    path = "/api/admin/apps/{slug}/conversations/{session_id}/stream",
    tag = "admin",
    params(
        ("slug" = String, Path, description = "The app's slug"),
        ("session_id" = String, Path, description = "The conversation's sessionId"),
    ),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "An event stream (text/event-stream) of LiveUpdate", body = LiveUpdate, content_type = "text/event-stream"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The user's role cannot read conversations", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn dashboard_stream(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path((slug, session_id)): Path<(String, String)>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let caller = services
        .platform()
        .user_caller(&signed_in.actor, &slug)
        .await?;
    let subscription = services
        .agent()
        .subscribe_session(&caller, &session_id)
        .await?;
    Ok(live_events(subscription))
}

/// Server-Sent Events of a subscription: `message` and `conversation`, each a `LiveUpdate`.
fn live_events(
    subscription: LiveSubscription,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = stream::unfold(subscription, |mut subscription| async move {
        let update = subscription.next().await?;
        let name = match &update {
            LiveUpdate::Message { .. } => "message",
            LiveUpdate::Conversation { .. } => "conversation",
        };
        let event = Event::default()
            .event(name)
            .json_data(&update)
            .unwrap_or_else(|_| Event::default().event("error"));
        Some((Ok(event), subscription))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
