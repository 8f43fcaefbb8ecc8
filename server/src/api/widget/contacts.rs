//! What a visitor may read and tell about themselves.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::desk::widget::{ContactResponse, IdentifyRequest, LocationRequest};

use crate::http::{ApiError, ApiJson, WidgetVisitor};

/// The visitor's own contact.
#[utoipa::path(
    get,
    path = "/api/widget/contact",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The visitor's contact", body = ContactResponse))
)]
pub async fn me(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<ContactResponse>, ApiError> {
    Ok(Json(ContactResponse {
        contact: services.desk().visitor_contact(&visitor).await?,
    }))
}

/// The visitor tells who they are. Only a `userHash` that proves `externalUserId` moves the
/// session to that user's contact; emails and names are stored as claims on the visitor's own
/// contact and never link it to another.
#[utoipa::path(
    post,
    path = "/api/widget/identify",
    tag = "widget",
    request_body = IdentifyRequest,
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The contact the session now acts as", body = ContactResponse),
        (status = 403, description = "Identity verification refused the claim", body = ErrorBody),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn identify(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    ApiJson(request): ApiJson<IdentifyRequest>,
) -> Result<Json<ContactResponse>, ApiError> {
    Ok(Json(ContactResponse {
        contact: services.desk().identify(&visitor, request).await?,
    }))
}

/// Records where the visitor is.
#[utoipa::path(
    post,
    path = "/api/widget/location",
    tag = "widget",
    request_body = LocationRequest,
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The updated contact", body = ContactResponse),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn location(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    ApiJson(request): ApiJson<LocationRequest>,
) -> Result<Json<ContactResponse>, ApiError> {
    Ok(Json(ContactResponse {
        contact: services
            .desk()
            .update_location(&visitor, request.location)
            .await?,
    }))
}
