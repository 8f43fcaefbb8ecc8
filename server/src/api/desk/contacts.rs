//! Contacts, for dashboard users with `conversations.read`.

use axum::Json;
use axum::extract::{Path, State};
use domain::Services;
use model::ErrorBody;
use model::desk::contacts::{ContactDetail, ContactPage, ContactQuery};

use crate::http::{ApiError, ApiQuery, SignedInUser};

/// A workspace's contacts, most recently seen first: search by email, name or external user id,
/// filter by verification, page with `cursor`.
#[utoipa::path(
    get,
    path = "/api/desk/contacts",
    tag = "desk",
    params(ContactQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "One page of contacts", body = ContactPage),
        (status = 400, description = "workspaceId missing (several workspaces) or a bad cursor", body = ErrorBody),
        (status = 403, description = "Role lacks conversations.read", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> Result<Json<ContactPage>, ApiError> {
    Ok(Json(
        services
            .desk()
            .list_contacts(&signed_in.actor, query)
            .await?,
    ))
}

/// One contact with their history.
#[utoipa::path(
    get,
    path = "/api/desk/contacts/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The contact's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The contact", body = ContactDetail),
        (status = 403, description = "Role lacks conversations.read", body = ErrorBody),
        (status = 404, description = "No such contact in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<ContactDetail>, ApiError> {
    Ok(Json(services.desk().contact(&signed_in.actor, &id).await?))
}
