//! The audit log of a workspace, for owners and admins.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::platform::audit::AuditPage;
use model::platform::audit::AuditQuery;
use model::platform::users::AuditRetention;

use crate::http::{ApiError, ApiJson, SignedInUser};

/// Administrative actions in a workspace, newest first (needs `audit.read`).
#[utoipa::path(
    get,
    path = "/api/admin/workspaces/{workspace_id}/audit",
    tag = "admin",
    params(("workspace_id" = String, Path, description = "Workspace id"), AuditQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "One page", body = AuditPage),
        (status = 403, description = "Role lacks audit.read", body = ErrorBody),
        (status = 404, description = "Not a member of the workspace", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(workspace_id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(
        services
            .platform()
            .list_audit(
                &signed_in.actor,
                &workspace_id,
                query.cursor.as_deref(),
                query.limit,
            )
            .await?,
    ))
}

/// How many days of audit log the workspace keeps: 30, 90 or 365 (needs `settings.security`).
#[utoipa::path(
    put,
    path = "/api/admin/workspaces/{workspace_id}/audit-retention",
    tag = "admin",
    params(("workspace_id" = String, Path, description = "Workspace id")),
    request_body = AuditRetention,
    security(("dashboardSession" = [])),
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Not 30, 90 or 365", body = ErrorBody),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
    )
)]
pub async fn set_retention(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(workspace_id): Path<String>,
    ApiJson(request): ApiJson<AuditRetention>,
) -> Result<StatusCode, ApiError> {
    services
        .platform()
        .set_audit_retention(&signed_in.actor, &workspace_id, request.days)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
