//! Workspaces for dashboard users: list, create (the creator owns it), read and change
//! settings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::platform::workspaces::{CreateWorkspace, Workspace, WorkspacePatch};

use crate::http::{ApiError, ApiJson, SignedInUser};

/// The user's workspaces, by name.
#[utoipa::path(
    get,
    path = "/api/admin/workspaces",
    tag = "admin",
    security(("dashboardSession" = [])),
    responses((status = 200, description = "The user's workspaces", body = [Workspace]))
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
) -> Result<Json<Vec<Workspace>>, ApiError> {
    Ok(Json(
        services
            .platform()
            .list_workspaces(&signed_in.actor)
            .await?,
    ))
}

/// Creates a workspace; the user becomes its owner.
#[utoipa::path(
    post,
    path = "/api/admin/workspaces",
    tag = "admin",
    request_body = CreateWorkspace,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "Created", body = Workspace),
        (status = 409, description = "The user has a workspace of this name", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(request): ApiJson<CreateWorkspace>,
) -> Result<(StatusCode, Json<Workspace>), ApiError> {
    let created = services
        .platform()
        .create_workspace(&signed_in.actor, request)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the user's workspaces.
#[utoipa::path(
    get,
    path = "/api/admin/workspaces/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "The workspace's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The workspace", body = Workspace),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<Workspace>, ApiError> {
    Ok(Json(
        services.platform().workspace(&signed_in.actor, &id).await?,
    ))
}

/// Changes the settings named in the body (needs `settings.security`): name, allowed origins
/// (the default for the workspace's apps), timezone, widget session lifetime.
#[utoipa::path(
    patch,
    path = "/api/admin/workspaces/{id}",
    tag = "admin",
    params(("id" = String, Path, description = "The workspace's id")),
    request_body = WorkspacePatch,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The updated workspace", body = Workspace),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<WorkspacePatch>,
) -> Result<Json<Workspace>, ApiError> {
    Ok(Json(
        services
            .platform()
            .update_workspace(&signed_in.actor, &id, patch)
            .await?,
    ))
}
