//! A workspace's support automation settings.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::desk::automation::{AutomationQuery, AutomationSettings, AutomationUpdate};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// The workspace's automation settings (the defaults until changed).
#[utoipa::path(
    get,
    path = "/api/desk/automation",
    tag = "desk",
    params(AutomationQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The settings", body = AutomationSettings),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<AutomationQuery>,
) -> Result<Json<AutomationSettings>, ApiError> {
    Ok(Json(
        services.desk().automation(&signed_in.actor, query).await?,
    ))
}

/// Changes the toggles present (needs `settings.security`).
#[utoipa::path(
    put,
    path = "/api/desk/automation",
    tag = "desk",
    request_body = AutomationUpdate,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The settings", body = AutomationSettings),
        (status = 403, description = "Role lacks settings.security", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(update): ApiJson<AutomationUpdate>,
) -> Result<Json<AutomationSettings>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_automation(&signed_in.actor, update)
            .await?,
    ))
}
