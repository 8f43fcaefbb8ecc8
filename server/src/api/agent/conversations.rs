//! Conversations (seed 000): upsert by session, list with filters, one with its history.

use axum::Json;
use axum::extract::{Path, State};
use domain::Services;
use model::ErrorBody;
use model::agent::conversations::ConversationQuery;
use model::agent::conversations::{
    ConversationDetail, ConversationPage, SaveConversation, SaveConversationResponse,
};

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson};

/// Creates or updates the conversation of `sessionId`. Status changes follow the lifecycle
/// active → handed_off | resolved | abandoned, handed_off → resolved | abandoned; ended
/// conversations keep their status. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/conversations",
    tag = "conversations",
    request_body = SaveConversation,
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "Saved", body = SaveConversationResponse),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 409, description = "INVALID_TRANSITION: the status cannot change so", body = ErrorBody),
    )
)]
pub async fn save(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<SaveConversation>,
) -> Result<Json<SaveConversationResponse>, ApiError> {
    let conversation = services.agent().save_conversation(&caller, input).await?;
    Ok(Json(SaveConversationResponse {
        ok: true,
        conversation,
    }))
}

/// The app's conversations, newest first, a page at a time. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/conversations",
    tag = "conversations",
    params(ConversationQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = ConversationPage),
        (status = 400, description = "Invalid filter or cursor", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> Result<Json<ConversationPage>, ApiError> {
    Ok(Json(
        services.agent().list_conversations(&caller, query).await?,
    ))
}

/// One conversation with everything recorded about it: messages, events, tool calls,
/// guardrail violations, the handoff and the CSAT rating. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/conversations/{session_id}",
    tag = "conversations",
    params(("session_id" = String, Path, description = "The conversation's sessionId")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 404, description = "No such conversation in this app", body = ErrorBody),
    )
)]
pub async fn detail(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(session_id): Path<String>,
) -> Result<Json<ConversationDetail>, ApiError> {
    Ok(Json(
        services
            .agent()
            .conversation_detail(&caller, &session_id)
            .await?,
    ))
}
