//! `GET /health` (liveness, seed 004's shape) and `GET /healthz` (readiness: the database).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Services;
use model::platform::health::{Health, Readiness};

/// Liveness: the process is up.
#[utoipa::path(
    get,
    path = "/health",
    tag = "system",
    responses((status = 200, description = "The process is up", body = Health))
)]
pub async fn health(State(services): State<Services>) -> Json<Health> {
    Json(services.platform().health())
}

/// Readiness: the database answers. 503 while it does not.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "system",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "The database does not answer", body = Readiness),
    )
)]
pub async fn healthz(State(services): State<Services>) -> (StatusCode, Json<Readiness>) {
    let readiness = services.platform().readiness().await;
    let status = if readiness.database.ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness))
}
