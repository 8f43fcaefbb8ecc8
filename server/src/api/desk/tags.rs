//! Tags: a workspace's labels for support conversations.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::tags::{CreateTag, Tag, TagList, TagPatch, TagQuery};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// The workspace's tags by name, with how many conversations carry each.
#[utoipa::path(
    get,
    path = "/api/desk/tags",
    tag = "desk",
    params(TagQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The tags", body = TagList),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<TagQuery>,
) -> Result<Json<TagList>, ApiError> {
    Ok(Json(services.desk().tags(&signed_in.actor, query).await?))
}

/// Creates a tag (needs `tags.manage`).
#[utoipa::path(
    post,
    path = "/api/desk/tags",
    tag = "desk",
    request_body = CreateTag,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The tag", body = Tag),
        (status = 400, description = "A bad name or colour", body = ErrorBody),
        (status = 403, description = "Role lacks tags.manage", body = ErrorBody),
        (status = 409, description = "The workspace has a tag of that name (any case)", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(input): ApiJson<CreateTag>,
) -> Result<(StatusCode, Json<Tag>), ApiError> {
    let tag = services.desk().create_tag(&signed_in.actor, input).await?;
    Ok((StatusCode::CREATED, Json(tag)))
}

/// Renames or recolours a tag (needs `tags.manage`).
#[utoipa::path(
    patch,
    path = "/api/desk/tags/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The tag's id")),
    request_body = TagPatch,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The tag", body = Tag),
        (status = 403, description = "Role lacks tags.manage", body = ErrorBody),
        (status = 404, description = "No such tag in the user's workspaces", body = ErrorBody),
        (status = 409, description = "Another tag has that name", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<TagPatch>,
) -> Result<Json<Tag>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_tag(&signed_in.actor, &id, patch)
            .await?,
    ))
}

/// Deletes a tag and takes it off every conversation (needs `tags.manage`).
#[utoipa::path(
    delete,
    path = "/api/desk/tags/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The tag's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Role lacks tags.manage", body = ErrorBody),
        (status = 404, description = "No such tag in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn delete(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services.desk().delete_tag(&signed_in.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
