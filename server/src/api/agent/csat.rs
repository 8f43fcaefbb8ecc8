//! Customer satisfaction (seed 000): one whole-number rating 1–5 per session.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::conversations::OkResponse;
use model::agent::persona::{CsatPage, SubmitCsat};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson};

/// Rates a session 1–5; rating again replaces the earlier rating. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/csat",
    tag = "analytics",
    request_body = SubmitCsat,
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "Recorded", body = OkResponse),
        (status = 400, description = "Rating not a whole number 1–5, or invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn submit(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<SubmitCsat>,
) -> Result<Json<OkResponse>, ApiError> {
    services.agent().submit_csat(&caller, input).await?;
    Ok(Json(OkResponse::yes()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Rated at or after (ms since the epoch).
    since: Option<i64>,
    /// Rated before (ms since the epoch).
    until: Option<i64>,
    cursor: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<i64>,
}

/// The app's ratings, newest first. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/csat",
    tag = "analytics",
    params(ListQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = CsatPage),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<CsatPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .list_csat(
                &caller,
                query.since,
                query.until,
                query.cursor.as_deref(),
                query.limit,
            )
            .await?,
    ))
}
