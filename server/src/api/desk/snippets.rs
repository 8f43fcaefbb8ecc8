//! Snippets: a workspace's saved replies.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::snippets::{CreateSnippet, Snippet, SnippetList, SnippetPatch, SnippetQuery};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// The workspace's snippets by name; `search` finds up to 20 by name, content or shortcut;
/// `shortcut` finds the one with that shortcut.
#[utoipa::path(
    get,
    path = "/api/desk/snippets",
    tag = "desk",
    params(SnippetQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The snippets", body = SnippetList),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<SnippetQuery>,
) -> Result<Json<SnippetList>, ApiError> {
    Ok(Json(
        services.desk().snippets(&signed_in.actor, query).await?,
    ))
}

/// Creates a snippet (needs `snippets.manage`).
#[utoipa::path(
    post,
    path = "/api/desk/snippets",
    tag = "desk",
    request_body = CreateSnippet,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The snippet", body = Snippet),
        (status = 400, description = "A bad name, content or shortcut", body = ErrorBody),
        (status = 403, description = "Role lacks snippets.manage", body = ErrorBody),
        (status = 409, description = "Another snippet has that shortcut", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(input): ApiJson<CreateSnippet>,
) -> Result<(StatusCode, Json<Snippet>), ApiError> {
    let snippet = services
        .desk()
        .create_snippet(&signed_in.actor, input)
        .await?;
    Ok((StatusCode::CREATED, Json(snippet)))
}

/// One snippet.
#[utoipa::path(
    get,
    path = "/api/desk/snippets/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The snippet's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The snippet", body = Snippet),
        (status = 404, description = "No such snippet in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<Snippet>, ApiError> {
    Ok(Json(services.desk().snippet(&signed_in.actor, &id).await?))
}

/// Changes a snippet; `shortcut: null` clears the shortcut (needs `snippets.manage`).
#[utoipa::path(
    patch,
    path = "/api/desk/snippets/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The snippet's id")),
    request_body = SnippetPatch,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The snippet", body = Snippet),
        (status = 403, description = "Role lacks snippets.manage", body = ErrorBody),
        (status = 404, description = "No such snippet in the user's workspaces", body = ErrorBody),
        (status = 409, description = "Another snippet has that shortcut", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<SnippetPatch>,
) -> Result<Json<Snippet>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_snippet(&signed_in.actor, &id, patch)
            .await?,
    ))
}

/// Deletes a snippet (needs `snippets.manage`).
#[utoipa::path(
    delete,
    path = "/api/desk/snippets/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The snippet's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Role lacks snippets.manage", body = ErrorBody),
        (status = 404, description = "No such snippet in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn delete(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .desk()
        .delete_snippet(&signed_in.actor, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
