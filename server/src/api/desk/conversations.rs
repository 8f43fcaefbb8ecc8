//! The inbox's API: support conversations for dashboard members.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::Services;
use domain::desk::DeskSubscription;
use futures_util::{Stream, stream};
use model::ErrorBody;
use model::desk::conversations::{
    ConversationPatch, ConversationThread, DeskConversation, DeskMessage, DeskUpdate,
    InboxConversation, InboxPage, InboxQuery, Reply, StartConversation, StreamQuery,
};
use model::desk::tags::{AttachTag, ConversationTags};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Server-Sent Events of a desk subscription: `message` and `conversation`, each a
/// `DeskUpdate`.
pub(crate) fn desk_events(
    subscription: DeskSubscription,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = stream::unfold(subscription, |mut subscription| async move {
        let update = subscription.next().await?;
        let name = match &update {
            DeskUpdate::Message { .. } => "message",
            DeskUpdate::Conversation { .. } => "conversation",
        };
        let event = Event::default()
            .event(name)
            .json_data(&update)
            .unwrap_or_else(|_| Event::default().event("error"));
        Some((Ok(event), subscription))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

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

/// A member writes to a contact first: a new chat assigned to them (needs
/// `conversations.reply`).
#[utoipa::path(
    post,
    path = "/api/desk/conversations",
    tag = "desk",
    request_body = StartConversation,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The new conversation", body = ConversationThread),
        (status = 400, description = "No body, or no app named when the workspace has several", body = ErrorBody),
        (status = 403, description = "Role lacks conversations.reply", body = ErrorBody),
        (status = 404, description = "No such contact in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(input): ApiJson<StartConversation>,
) -> Result<(StatusCode, Json<ConversationThread>), ApiError> {
    let thread = services
        .desk()
        .start_conversation(&signed_in.actor, input)
        .await?;
    Ok((StatusCode::CREATED, Json(thread)))
}

/// The workspace's live updates: new messages (internal notes included) and conversation
/// changes, as Server-Sent Events named `message` and `conversation` (needs
/// `conversations.read`).
#[utoipa::path(
    get,
    path = "/api/desk/conversations/stream",
    tag = "desk",
    params(StreamQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "An event stream (text/event-stream) of DeskUpdate", body = DeskUpdate, content_type = "text/event-stream"),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn stream(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let subscription = services
        .desk()
        .subscribe_inbox(&signed_in.actor, query.workspace_id)
        .await?;
    Ok(desk_events(subscription))
}

/// The conversation's tags.
#[utoipa::path(
    get,
    path = "/api/desk/conversations/{id}/tags",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "Its tags", body = ConversationTags),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn tags(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<ConversationTags>, ApiError> {
    Ok(Json(
        services
            .desk()
            .conversation_tags(&signed_in.actor, &id)
            .await?,
    ))
}

/// Puts a tag of the workspace on the conversation; a second time changes nothing (needs
/// `conversations.assign`).
#[utoipa::path(
    post,
    path = "/api/desk/conversations/{id}/tags",
    tag = "desk",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = AttachTag,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "Its tags", body = ConversationTags),
        (status = 400, description = "Not a tag of the conversation's workspace", body = ErrorBody),
        (status = 403, description = "Role lacks conversations.assign", body = ErrorBody),
        (status = 404, description = "No such conversation in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn attach_tag(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AttachTag>,
) -> Result<Json<ConversationTags>, ApiError> {
    Ok(Json(
        services
            .desk()
            .attach_tag(&signed_in.actor, &id, &input.tag_id)
            .await?,
    ))
}

/// Takes a tag off the conversation (needs `conversations.assign`).
#[utoipa::path(
    delete,
    path = "/api/desk/conversations/{id}/tags/{tag_id}",
    tag = "desk",
    params(
        ("id" = String, Path, description = "The conversation's id"),
        ("tag_id" = String, Path, description = "The tag's id"),
    ),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "Its tags", body = ConversationTags),
        (status = 403, description = "Role lacks conversations.assign", body = ErrorBody),
        (status = 404, description = "No such conversation, or it does not carry the tag", body = ErrorBody),
    )
)]
pub async fn detach_tag(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path((id, tag_id)): Path<(String, String)>,
) -> Result<Json<ConversationTags>, ApiError> {
    Ok(Json(
        services
            .desk()
            .detach_tag(&signed_in.actor, &id, &tag_id)
            .await?,
    ))
}
