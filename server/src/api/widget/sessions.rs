//! Booting, refreshing and revoking widget sessions.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::desk::widget::{BootRequest, BootResponse, RefreshResponse, RevokeRequest};
use serde_json::{Value, json};

use crate::http::session::ClientIp;
use crate::http::{ApiError, ApiJson, OptionalBearer, OptionalJson, RequestOrigin};

/// Starts a widget session for a visitor of the page the request comes from. Allowed only from
/// the app's allowed origins (the `Origin` header). The contact is this device's, or the one a
/// valid `userHash` proves; never another contact found by a claimed email.
#[utoipa::path(
    post,
    path = "/api/widget/boot",
    tag = "widget",
    request_body = BootRequest,
    security(()),
    responses(
        (status = 200, description = "The contact and its session token", body = BootResponse),
        (status = 403, description = "Origin not allowed, or identity verification refused the claim", body = ErrorBody),
        (status = 404, description = "No such active app", body = ErrorBody),
        (status = 429, description = "Too many boots from this address (20 a minute); see Retry-After", body = ErrorBody),
    )
)]
pub async fn boot(
    State(services): State<Services>,
    RequestOrigin(origin): RequestOrigin,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<BootRequest>,
) -> Result<Json<BootResponse>, ApiError> {
    Ok(Json(
        services
            .desk()
            .boot(request, origin.as_deref(), ip.as_deref())
            .await?,
    ))
}

/// Swaps the Bearer token, in the last quarter of its lifetime, for a new one; the old one
/// stops working. 30 days after the boot the visitor must boot again (401 SESSION_EXPIRED).
#[utoipa::path(
    post,
    path = "/api/widget/refresh",
    tag = "widget",
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The new token", body = RefreshResponse),
        (status = 401, description = "Unknown, spent, revoked or expired token", body = ErrorBody),
        (status = 409, description = "Too early: more than a quarter of the lifetime is left", body = ErrorBody),
    )
)]
pub async fn refresh(
    State(services): State<Services>,
    OptionalBearer(token): OptionalBearer,
) -> Result<Json<RefreshResponse>, ApiError> {
    let token = token.ok_or_else(|| {
        ApiError::new(
            model::ErrorCode::NotAuthenticated,
            "Send the widget session token as Authorization: Bearer wst_…",
        )
    })?;
    Ok(Json(services.desk().refresh_widget_session(&token).await?))
}

/// Ends a widget session: the token as the Bearer or as `sessionToken` in the body. An unknown
/// or already revoked token succeeds too.
#[utoipa::path(
    post,
    path = "/api/widget/revoke",
    tag = "widget",
    request_body(content = RevokeRequest, description = "Optional when the token is the Bearer"),
    security((), ("widgetSession" = [])),
    responses(
        (status = 200, description = "Revoked (or was not live)", body = Object, example = json!({"success": true})),
    )
)]
pub async fn revoke(
    State(services): State<Services>,
    OptionalBearer(bearer): OptionalBearer,
    OptionalJson(body): OptionalJson<RevokeRequest>,
) -> Result<Json<Value>, ApiError> {
    let token = bearer
        .or_else(|| body.and_then(|request| request.session_token))
        .ok_or_else(missing_token)?;
    services.desk().revoke_widget_session(&token).await?;
    Ok(Json(json!({ "success": true })))
}

fn missing_token() -> ApiError {
    ApiError::new(
        model::ErrorCode::InvalidInput,
        "Send the widget session token as Authorization: Bearer wst_… or as sessionToken",
    )
}
