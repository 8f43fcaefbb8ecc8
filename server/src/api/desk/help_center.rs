//! The help center's collections, managed with the app secret (or from the dashboard) like the
//! knowledge documents they hold.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::help_center::{
    Collection, CollectionList, CollectionPatch, CollectionTree, CreateCollection,
    HelpCenterSettings, ReorderCollections,
};

use crate::http::{ApiError, ApiJson, AppCaller};

/// The app's collections, parents before children, with their article counts.
#[utoipa::path(
    get,
    path = "/api/help/collections",
    tag = "help center",
    security(("appSecret" = [])),
    responses((status = 200, description = "The collections", body = CollectionList))
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<CollectionList>, ApiError> {
    Ok(Json(services.desk().collections(&caller).await?))
}

/// Creates a collection, last among its siblings.
#[utoipa::path(
    post,
    path = "/api/help/collections",
    tag = "help center",
    request_body = CreateCollection,
    security(("appSecret" = [])),
    responses(
        (status = 201, description = "The collection", body = Collection),
        (status = 400, description = "A bad name, slug or parent", body = ErrorBody),
        (status = 409, description = "The slug is taken, or the app has 500 collections", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiJson(input): ApiJson<CreateCollection>,
) -> Result<(StatusCode, Json<Collection>), ApiError> {
    let collection = services.desk().create_collection(&caller, input).await?;
    Ok((StatusCode::CREATED, Json(collection)))
}

/// The whole hierarchy in one call.
#[utoipa::path(
    get,
    path = "/api/help/collections/tree",
    tag = "help center",
    security(("appSecret" = [])),
    responses((status = 200, description = "Top-level collections with their children", body = CollectionTree))
)]
pub async fn tree(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<CollectionTree>, ApiError> {
    Ok(Json(services.desk().collection_tree(&caller).await?))
}

/// Puts one parent's children in a new order.
#[utoipa::path(
    post,
    path = "/api/help/collections/reorder",
    tag = "help center",
    request_body = ReorderCollections,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The collections in their new order", body = CollectionList),
        (status = 400, description = "The ids are not exactly the parent's children, or no such parent", body = ErrorBody),
    )
)]
pub async fn reorder(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiJson(input): ApiJson<ReorderCollections>,
) -> Result<Json<CollectionList>, ApiError> {
    Ok(Json(
        services.desk().reorder_collections(&caller, input).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/help/collections/{id}",
    tag = "help center",
    params(("id" = String, Path, description = "The collection's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The collection", body = Collection),
        (status = 404, description = "The app has no such collection", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<Collection>, ApiError> {
    Ok(Json(services.desk().collection(&caller, &id).await?))
}

/// Renames, describes or moves a collection; a move under itself or a descendant is refused.
#[utoipa::path(
    patch,
    path = "/api/help/collections/{id}",
    tag = "help center",
    params(("id" = String, Path, description = "The collection's id")),
    request_body = CollectionPatch,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The collection", body = Collection),
        (status = 400, description = "A bad field, or no such parent in the app", body = ErrorBody),
        (status = 404, description = "The app has no such collection", body = ErrorBody),
        (status = 409, description = "The slug is taken, or the move would make a cycle", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<CollectionPatch>,
) -> Result<Json<Collection>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_collection(&caller, &id, patch)
            .await?,
    ))
}

/// Deletes an empty collection.
#[utoipa::path(
    delete,
    path = "/api/help/collections/{id}",
    tag = "help center",
    params(("id" = String, Path, description = "The collection's id")),
    security(("appSecret" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "The app has no such collection", body = ErrorBody),
        (status = 409, description = "It holds collections or articles", body = ErrorBody),
    )
)]
pub async fn delete(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services.desk().delete_collection(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the public help center looks.
#[utoipa::path(
    get,
    path = "/api/help/settings",
    tag = "help center",
    security(("appSecret" = [])),
    responses((status = 200, description = "The settings", body = HelpCenterSettings))
)]
pub async fn settings(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<HelpCenterSettings>, ApiError> {
    Ok(Json(services.desk().help_center_settings(&caller).await?))
}

/// Changes how the public help center looks.
#[utoipa::path(
    put,
    path = "/api/help/settings",
    tag = "help center",
    request_body = HelpCenterSettings,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The settings", body = HelpCenterSettings),
        (status = 400, description = "Not a colour like #1d4ed8", body = ErrorBody),
    )
)]
pub async fn put_settings(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiJson(input): ApiJson<HelpCenterSettings>,
) -> Result<Json<HelpCenterSettings>, ApiError> {
    Ok(Json(
        services
            .desk()
            .put_help_center_settings(&caller, input)
            .await?,
    ))
}
