//! The inbox's API: support conversations for dashboard members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::conversations::{
    ConversationPatch, DeskConversation, DeskMessage, InboxConversation, InboxPage, InboxQuery,
    Reply,
};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// A workspace's support conversations, most recent first, with the member's unread counts
/// (needs `conversations.read`).
#[utoipa::path(
    get,
    path = "/api/desk/conversations",
    tag = "desk",
    params(InboxQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "One page of conversations", body = InboxPage),
        (status = 403, description = "Role lacks conversations.read", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> Result<Json<InboxPage>, ApiError> {
    Ok(Json(services.desk().inbox(&signed_in.actor, query).await?))
}

/// One conversation with its contact and every message, internal notes included.
#[utoipa::path(
    get,
    path = "/api/desk/conversations/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The conversation", body = InboxConversation),
        (status = 403, description = "Role lacks conversations.read", body = ErrorBody),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<InboxConversation>, ApiError> {
    Ok(Json(
        services
            .desk()
            .inbox_conversation(&signed_in.actor, &id)
            .await?,
    ))
}

/// Changes the status (`conversations.close`: open, snoozed with `snoozedUntil`, closed) or
/// the assignee (`conversations.assign`: a member of the workspace, or `null`).
#[utoipa::path(
    patch,
    path = "/api/desk/conversations/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = ConversationPatch,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The conversation", body = DeskConversation),
        (status = 403, description = "Role lacks conversations.close or conversations.assign", body = ErrorBody),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
        (status = 409, description = "A transition the status does not allow, or a concurrent change", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<ConversationPatch>,
) -> Result<Json<DeskConversation>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_conversation(&signed_in.actor, &id, patch)
            .await?,
    ))
}

/// A reply to the visitor, or an internal note (`internal: true`), from the signed-in member
/// (needs `conversations.reply`).
#[utoipa::path(
    post,
    path = "/api/desk/conversations/{id}/messages",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = Reply,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The message", body = DeskMessage),
        (status = 403, description = "Role lacks conversations.reply", body = ErrorBody),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn reply(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(reply): ApiJson<Reply>,
) -> Result<(StatusCode, Json<DeskMessage>), ApiError> {
    let message = services.desk().reply(&signed_in.actor, &id, reply).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Marks the conversation read by the signed-in member.
#[utoipa::path(
    post,
    path = "/api/desk/conversations/{id}/read",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 204, description = "Read"),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn read(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services.desk().mark_read(&signed_in.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
