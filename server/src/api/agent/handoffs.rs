//! Handoffs to humans (seed 000): create, list, claim and resolve.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::handoffs::HandoffQuery;
use model::agent::handoffs::{CreateHandoff, Handoff, HandoffCreated, HandoffPage, UpdateHandoff};

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson};

/// Creates a pending handoff and sets the conversation to `handed_off`, in one transaction.
/// A session with an open (pending or claimed) handoff gets it back with `existing: true`.
/// Needs the app secret, or the call's agent credential for its own session.
#[utoipa::path(
    post,
    path = "/api/handoffs",
    tag = "handoffs",
    request_body = CreateHandoff,
    security(("appSecret" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The handoff", body = HandoffCreated),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 409, description = "INVALID_TRANSITION: the conversation has ended", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<CreateHandoff>,
) -> Result<Json<HandoffCreated>, ApiError> {
    Ok(Json(services.agent().create_handoff(&caller, input).await?))
}

/// The app's handoffs, newest first. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/handoffs",
    tag = "handoffs",
    params(HandoffQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = HandoffPage),
        (status = 400, description = "Unknown status or cursor", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<HandoffQuery>,
) -> Result<Json<HandoffPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .list_handoffs(&caller, query.status, query.cursor.as_deref(), query.limit)
            .await?,
    ))
}

/// Claims (`claimed`, with `assignedAgent`) or resolves (`resolved`) a handoff, or records
/// feedback (`necessityScore`, `resolutionQuality`, `agentFeedback`). pending → claimed →
/// resolved, or pending → resolved; anything else is 409 `INVALID_TRANSITION`. Resolving
/// resolves a conversation still handed off. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/handoffs",
    tag = "handoffs",
    request_body = UpdateHandoff,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The handoff (seed 000 clients read `ok`)", body = Handoff),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 404, description = "No such handoff in this app", body = ErrorBody),
        (status = 409, description = "INVALID_TRANSITION", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<UpdateHandoff>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let handoff = services.agent().update_handoff(&caller, input).await?;
    let mut body = serde_json::to_value(handoff).map_err(|_| ApiError::internal())?;
    body["ok"] = serde_json::Value::Bool(true);
    Ok(Json(body))
}
