//! `GET /api/status`: version, database and integrations of this instance.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::platform::status::StatusReport;

use crate::http::ApiError;

/// The instance's version, database backend and migration level, and which integrations are
/// configured. Never includes credentials.
#[utoipa::path(
    get,
    path = "/api/status",
    tag = "system",
    responses(
        (status = 200, description = "Instance status", body = StatusReport),
        (status = 500, description = "The database could not be read", body = ErrorBody),
    )
)]
pub async fn status(State(services): State<Services>) -> Result<Json<StatusReport>, ApiError> {
    Ok(Json(services.platform().status().await?))
}
