//! App administration for dashboard users (`/api/admin/apps`), scoped to their workspaces.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::platform::apps::{App, AppPatch, AppWithSecret, CreateApp};
use model::platform::auth::SessionTokenResponse;

use crate::http::{ApiError, ApiJson, SignedInUser};

/// The apps of the user's workspaces.
#[utoipa::path(
    get,
    path = "/api/admin/apps",
    tag = "admin",
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "Apps the user may read, by slug", body = Vec<App>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
) -> Result<Json<Vec<App>>, ApiError> {
    Ok(Json(services.platform().list_apps(&signed_in.actor).await?))
}

/// Creates an app (needs `apps.manage`). The answer carries the secret, shown this once.
#[utoipa::path(
    post,
    path = "/api/admin/apps",
    tag = "admin",
    request_body = CreateApp,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "Created; store the secret now", body = AppWithSecret),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Role lacks apps.manage", body = ErrorBody),
        (status = 409, description = "Slug taken", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(request): ApiJson<CreateApp>,
) -> Result<(StatusCode, Json<AppWithSecret>), ApiError> {
    let created = services
        .platform()
        .create_app(&signed_in.actor, request)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One app.
#[utoipa::path(
    get,
    path = "/api/admin/apps/{slug}",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The app", body = App),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<App>, ApiError> {
    Ok(Json(
        services
            .platform()
            .app_by_slug(&signed_in.actor, &slug)
            .await?,
    ))
}

/// Changes the fields named in the body (`name` and seed 000's settings); `null` clears an
/// optional one. Slug, secret and workspace cannot be changed here.
#[utoipa::path(
    patch,
    path = "/api/admin/apps/{slug}",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body(content = AppPatch, description = "The fields to change; null clears an optional one"),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The updated app", body = App),
        (status = 400, description = "Unknown or invalid fields", body = ErrorBody),
        (status = 403, description = "Role lacks apps.manage", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
    ApiJson(patch): ApiJson<AppPatch>,
) -> Result<Json<App>, ApiError> {
    Ok(Json(
        services
            .platform()
            .update_app(&signed_in.actor, &slug, patch)
            .await?,
    ))
}

/// Replaces the app secret; the old one stops working at once. The new one is shown once.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/rotate-secret",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The new secret", body = AppWithSecret),
        (status = 403, description = "Role lacks apps.manage", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn rotate_secret(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<AppWithSecret>, ApiError> {
    Ok(Json(
        services
            .platform()
            .rotate_app_secret(&signed_in.actor, &slug)
            .await?,
    ))
}

/// Refuses the app's credentials until it is activated again.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/deactivate",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses((status = 200, description = "The app", body = App))
)]
pub async fn deactivate(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<App>, ApiError> {
    Ok(Json(
        services
            .platform()
            .set_app_active(&signed_in.actor, &slug, false)
            .await?,
    ))
}

/// Accepts the app's credentials again.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/activate",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses((status = 200, description = "The app", body = App))
)]
pub async fn activate(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<App>, ApiError> {
    Ok(Json(
        services
            .platform()
            .set_app_active(&signed_in.actor, &slug, true)
            .await?,
    ))
}

/// A browser-safe session token (15 minutes) for trying the app's agent from the dashboard
/// (the playground): the voice APIs then treat the browser like an end user's. Needs
/// `apps.read` in the app's workspace.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/playground-token",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The token", body = SessionTokenResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
        (status = 409, description = "The app is deactivated", body = ErrorBody),
    )
)]
pub async fn playground_token(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
) -> Result<Json<SessionTokenResponse>, ApiError> {
    Ok(Json(
        services
            .agent()
            .playground_token(&signed_in.actor, &slug)
            .await?,
    ))
}
