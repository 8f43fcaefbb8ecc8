//! An app's identity verification, for dashboard users with `settings.security`.

use axum::Json;
use axum::extract::{Path, State};
use domain::Services;
use model::ErrorBody;
use model::desk::identity::{
    IdentityVerification, IdentityVerificationWithSecret, UpdateIdentityVerification,
};

use crate::http::{ApiError, ApiJson, SignedInUser};

/// Whether boots must prove the user id they claim. Never shows the secret.
#[utoipa::path(
    get,
    path = "/api/admin/apps/{slug}/identity-verification",
    tag = "desk",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The settings", body = IdentityVerification),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<IdentityVerification>, ApiError> {
    Ok(Json(
        services
            .desk()
            .identity_verification(&signed_in.actor, &slug)
            .await?,
    ))
}

/// Turns verification on or off and sets its mode. The first call creates the secret and
/// answers it this once.
#[utoipa::path(
    put,
    path = "/api/admin/apps/{slug}/identity-verification",
    tag = "desk",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body = UpdateIdentityVerification,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The settings, with the secret if it was just created", body = IdentityVerificationWithSecret),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
    ApiJson(request): ApiJson<UpdateIdentityVerification>,
) -> Result<Json<IdentityVerificationWithSecret>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_identity_verification(&signed_in.actor, &slug, request)
            .await?,
    ))
}

/// Replaces the secret and shows the new one once; the old one keeps verifying for 24 hours.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/identity-verification/rotate",
    tag = "desk",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The settings and the new secret", body = IdentityVerificationWithSecret),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
        (status = 409, description = "Never enabled: no secret to rotate", body = ErrorBody),
    )
)]
pub async fn rotate(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<IdentityVerificationWithSecret>, ApiError> {
    Ok(Json(
        services
            .desk()
            .rotate_identity_secret(&signed_in.actor, &slug)
            .await?,
    ))
}
