//! Telemetry events (seed 000): batches in, filtered pages out.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::conversations::EventQuery;
use model::agent::conversations::{EventBatch, EventPage, Inserted};

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson, TraceId};

/// Stores a batch of up to 500 events of one session, all or none. `X-Trace-Id` is kept with
/// each. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/events",
    tag = "events",
    request_body = EventBatch,
    params(("X-Trace-Id" = Option<String>, Header, description = "Trace id to store")),
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "Stored", body = Inserted),
        (status = 400, description = "Invalid fields, each bad item named by index", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 413, description = "More than 500 events", body = ErrorBody),
    )
)]
pub async fn record(
    State(services): State<Services>,
    TraceId(trace_id): TraceId,
    AppCallerJson(caller, batch): AppCallerJson<EventBatch>,
) -> Result<Json<Inserted>, ApiError> {
    let inserted = services
        .agent()
        .record_events(&caller, batch, trace_id)
        .await?;
    Ok(Json(Inserted { inserted }))
}

/// The app's events, oldest first, a page at a time. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "events",
    params(EventQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = EventPage),
        (status = 400, description = "Invalid filter or cursor", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<EventQuery>,
) -> Result<Json<EventPage>, ApiError> {
    Ok(Json(services.agent().list_events(&caller, query).await?))
}
