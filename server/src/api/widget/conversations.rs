//! The visitor's chats with the support team.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use domain::Services;
use futures_util::Stream;
use model::ErrorBody;
use model::desk::ai_agent::RateAiAnswer;
use model::desk::automation::{ConversationRating, RateConversation, WidgetSettings};
use model::desk::conversations::{
    ConversationList, ConversationThread, DeskMessage, DeskUpdate, MessagePage, MessagesQuery,
    OpenChat, UnreadCount, WriteMessage,
};

use crate::api::desk::desk_events;
use crate::http::{ApiError, ApiJson, ApiQuery, OptionalJson, WidgetVisitor};

/// The visitor's conversations, most recent first.
#[utoipa::path(
    get,
    path = "/api/widget/conversations",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The conversations", body = ConversationList))
)]
pub async fn list(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<ConversationList>, ApiError> {
    Ok(Json(services.desk().visitor_conversations(&visitor).await?))
}

/// The visitor's open chat, created if they have none (201) or as it is (200), with their
/// message added when the body has one.
#[utoipa::path(
    post,
    path = "/api/widget/conversations",
    tag = "widget",
    request_body(content = Option<OpenChat>, description = "Optional: the visitor's message"),
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The visitor's open chat", body = ConversationThread),
        (status = 201, description = "A new chat", body = ConversationThread),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn open(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    OptionalJson(input): OptionalJson<OpenChat>,
) -> Result<(StatusCode, Json<ConversationThread>), ApiError> {
    let (created, thread) = services
        .desk()
        .open_chat(&visitor, input.unwrap_or_default())
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(thread)))
}

/// Messages of one of the visitor's conversations, oldest first; `after` asks for newer ones.
#[utoipa::path(
    get,
    path = "/api/widget/conversations/{id}/messages",
    tag = "widget",
    params(("id" = String, Path, description = "The conversation's id"), MessagesQuery),
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The messages", body = MessagePage),
        (status = 404, description = "Not one of the visitor's conversations", body = ErrorBody),
    )
)]
pub async fn messages(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    Ok(Json(
        services
            .desk()
            .visitor_messages(&visitor, &id, query)
            .await?,
    ))
}

/// The visitor writes in one of their conversations (reopening it if it was closed).
#[utoipa::path(
    post,
    path = "/api/widget/conversations/{id}/messages",
    tag = "widget",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = WriteMessage,
    security(("widgetSession" = [])),
    responses(
        (status = 201, description = "The message", body = DeskMessage),
        (status = 404, description = "Not one of the visitor's conversations", body = ErrorBody),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn write(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
    ApiJson(message): ApiJson<WriteMessage>,
) -> Result<(StatusCode, Json<DeskMessage>), ApiError> {
    let message = services
        .desk()
        .visitor_write(&visitor, &id, message)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Marks one of the visitor's conversations read by them.
#[utoipa::path(
    post,
    path = "/api/widget/conversations/{id}/read",
    tag = "widget",
    params(("id" = String, Path, description = "The conversation's id")),
    security(("widgetSession" = [])),
    responses(
        (status = 204, description = "Read"),
        (status = 404, description = "Not one of the visitor's conversations", body = ErrorBody),
    )
)]
pub async fn read(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services.desk().visitor_mark_read(&visitor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replies the visitor has not read, across their conversations (the launcher's badge).
#[utoipa::path(
    get,
    path = "/api/widget/unread",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The count", body = UnreadCount))
)]
pub async fn unread(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<UnreadCount>, ApiError> {
    Ok(Json(services.desk().visitor_unread(&visitor).await?))
}

/// The visitor's live updates: replies and changes of their conversations (never internal
/// notes), as Server-Sent Events named `message` and `conversation`.
#[utoipa::path(
    get,
    path = "/api/widget/stream",
    tag = "widget",
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "An event stream (text/event-stream) of DeskUpdate", body = DeskUpdate, content_type = "text/event-stream"),
    )
)]
pub async fn stream(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    desk_events(services.desk().subscribe_visitor(&visitor).await)
}

/// What the widget should do for this visitor: ask for an email, offer ratings, show the
/// median reply time of the last 7 days (the workspace's automation settings).
#[utoipa::path(
    get,
    path = "/api/widget/settings",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The settings", body = WidgetSettings))
)]
pub async fn settings(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<WidgetSettings>, ApiError> {
    Ok(Json(services.desk().widget_settings(&visitor).await?))
}

/// The visitor rates one of their closed conversations, once, when the workspace asks for
/// ratings.
#[utoipa::path(
    post,
    path = "/api/widget/conversations/{id}/rating",
    tag = "widget",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = RateConversation,
    security(("widgetSession" = [])),
    responses(
        (status = 201, description = "The rating", body = ConversationRating),
        (status = 400, description = "A rating outside 1–5", body = ErrorBody),
        (status = 403, description = "The workspace does not ask for ratings", body = ErrorBody),
        (status = 404, description = "Not one of the visitor's conversations", body = ErrorBody),
        (status = 409, description = "Rated already, or not closed", body = ErrorBody),
    )
)]
pub async fn rate(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RateConversation>,
) -> Result<(StatusCode, Json<ConversationRating>), ApiError> {
    let rating = services
        .desk()
        .rate_conversation(&visitor, &id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(rating)))
}

/// The visitor rates one of the AI's answers in their conversation; an unhelpful one records
/// its question as a knowledge gap. A new rating replaces the last.
#[utoipa::path(
    post,
    path = "/api/widget/conversations/{id}/messages/{messageId}/feedback",
    tag = "widget",
    params(
        ("id" = String, Path, description = "The conversation's id"),
        ("messageId" = String, Path, description = "The AI answer's message id"),
    ),
    request_body = RateAiAnswer,
    security(("widgetSession" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 404, description = "Not an AI answer in one of the visitor's conversations", body = ErrorBody),
    )
)]
pub async fn rate_answer(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path((id, message_id)): Path<(String, String)>,
    ApiJson(rating): ApiJson<RateAiAnswer>,
) -> Result<StatusCode, ApiError> {
    services
        .rate_ai_answer(&visitor, &id, &message_id, rating.helpful)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
