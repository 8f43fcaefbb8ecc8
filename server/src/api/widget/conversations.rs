//! The visitor's chats with the support team.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::conversations::{
    ConversationList, ConversationThread, DeskMessage, MessagePage, MessagesQuery, UnreadCount,
    WriteMessage,
};

use crate::http::{ApiError, ApiJson, ApiQuery, WidgetVisitor};

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

/// Starts a conversation with the visitor's first message.
#[utoipa::path(
    post,
    path = "/api/widget/conversations",
    tag = "widget",
    request_body = WriteMessage,
    security(("widgetSession" = [])),
    responses(
        (status = 201, description = "The new conversation", body = ConversationThread),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn start(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    ApiJson(message): ApiJson<WriteMessage>,
) -> Result<(StatusCode, Json<ConversationThread>), ApiError> {
    let thread = services
        .desk()
        .start_conversation(&visitor, message)
        .await?;
    Ok((StatusCode::CREATED, Json(thread)))
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
