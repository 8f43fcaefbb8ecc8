//! Session tokens: issue (server to server), revoke, and who-am-I.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::platform::auth::{
    CallerInfo, CreateSessionRequest, RevokeSessionRequest, SessionTokenResponse,
};

use crate::http::{ApiError, AppCaller, AppCallerJson};

/// Issues a browser-safe session token. Server to server only: needs the app secret
/// (`appSlug` + `appSecret` in the body, or `Authorization: Bearer <secret>` + `X-App-Slug`).
#[utoipa::path(
    post,
    path = "/api/auth/session",
    tag = "auth",
    request_body = CreateSessionRequest,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The token; it is not stored in plain text", body = SessionTokenResponse),
        (status = 400, description = "ttlMs out of bounds", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn create_session(
    State(services): State<Services>,
    AppCallerJson(caller, request): AppCallerJson<CreateSessionRequest>,
) -> Result<Json<SessionTokenResponse>, ApiError> {
    Ok(Json(
        services
            .platform()
            .create_session_token(&caller, request.ttl_ms)
            .await?,
    ))
}

/// Revokes a session token at once. The app secret may revoke any token of its app; a session
/// token may revoke itself (and nothing else).
#[utoipa::path(
    post,
    path = "/api/auth/session/revoke",
    tag = "auth",
    request_body = RevokeSessionRequest,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "A session token revoking another token", body = ErrorBody),
        (status = 404, description = "No live token of this app matches", body = ErrorBody),
    )
)]
pub async fn revoke_session(
    State(services): State<Services>,
    AppCallerJson(caller, request): AppCallerJson<RevokeSessionRequest>,
) -> Result<StatusCode, ApiError> {
    services
        .platform()
        .revoke_session_token(&caller, request.session_token.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The app and the kind of credentials a request authenticates as.
#[utoipa::path(
    get,
    path = "/api/auth/me",
    tag = "auth",
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The caller", body = CallerInfo),
        (status = 401, description = "Missing, wrong or expired credentials", body = ErrorBody),
    )
)]
pub async fn me(AppCaller(caller): AppCaller) -> Json<CallerInfo> {
    Json(caller.info())
}
