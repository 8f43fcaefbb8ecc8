//! The app's outbound webhook log and its signing secret.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::platform::webhooks::DeliveryQuery;
use model::platform::webhooks::{SigningSecret, WebhookDeliveryPage};

use crate::http::{ApiError, ApiQuery, AppCaller};

/// Every webhook the app was sent (or will be), newest first: status, attempts, last answer.
/// Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/webhooks/deliveries",
    tag = "webhooks",
    params(DeliveryQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = WebhookDeliveryPage),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn deliveries(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<WebhookDeliveryPage>, ApiError> {
    Ok(Json(
        services
            .platform()
            .list_webhook_deliveries(&caller, query.cursor.as_deref(), query.limit)
            .await?,
    ))
}

/// The secret tool calls and webhooks are signed with: check `X-Switchboard-Signature`
/// (`t=<ms>,v1=<hex HMAC-SHA256 of "<ms>.<body>">`) with it. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/webhooks/signing-secret",
    tag = "webhooks",
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The signing secret", body = SigningSecret),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn signing_secret(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<SigningSecret>, ApiError> {
    Ok(Json(services.platform().signing_secret(&caller).await?))
}

/// Replaces the signing secret; calls are signed with the new one at once. Needs the app
/// secret.
#[utoipa::path(
    post,
    path = "/api/webhooks/signing-secret/rotate",
    tag = "webhooks",
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The new signing secret", body = SigningSecret),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn rotate_signing_secret(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<SigningSecret>, ApiError> {
    Ok(Json(
        services.platform().rotate_signing_secret(&caller).await?,
    ))
}
