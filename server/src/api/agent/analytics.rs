//! Analytics (seed 000): the live overview, daily insights and timeseries for charts.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::analytics::{BucketSize, InsightList, InsightOfPeriod, Overview, Timeseries};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::{ApiError, ApiQuery, AppCaller};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct WindowQuery {
    /// Window start, ms since the epoch (default: all time).
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    since: Option<i64>,
    /// Window end, exclusive, ms since the epoch (default: now).
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    until: Option<i64>,
}

/// Live metrics of `[since, until)`, every source filtered by the same window and the window
/// echoed. Computed with indexed SQL aggregates. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/analytics/overview",
    tag = "analytics",
    params(WindowQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The overview", body = Overview),
        (status = 400, description = "since after until, or not a number", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn overview(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<WindowQuery>,
) -> Result<Json<Overview>, ApiError> {
    Ok(Json(
        services
            .agent()
            .analytics_overview(&caller, query.since, query.until)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct InsightsQuery {
    /// One day, `YYYY-MM-DD`: answers `{insight}` (null when not computed).
    period: Option<String>,
    /// First day of a listing, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day of a listing, `YYYY-MM-DD`.
    to: Option<String>,
    /// Days in a listing, 1 to 366, default 30.
    limit: Option<i64>,
}

/// `{insight}` for a period, else `{insights}`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum InsightsAnswer {
    Period(InsightOfPeriod),
    Days(InsightList),
}

/// Per-day insights computed by the daily job: one day with `period`, or the latest days
/// (`{insights}`). Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/analytics/insights",
    tag = "analytics",
    params(InsightsQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "`{insight}` for a period, else `{insights}` newest first", body = InsightsAnswer),
        (status = 400, description = "A day not in YYYY-MM-DD form", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn insights(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<InsightsQuery>,
) -> Result<Json<InsightsAnswer>, ApiError> {
    if let Some(period) = &query.period {
        let one = services.agent().insight(&caller, period).await?;
        return Ok(Json(InsightsAnswer::Period(one)));
    }
    let list = services
        .agent()
        .insights(
            &caller,
            query.from.as_deref(),
            query.to.as_deref(),
            query.limit,
        )
        .await?;
    Ok(Json(InsightsAnswer::Days(list)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TimeseriesQuery {
    /// Default: 30 days before `until`.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    since: Option<i64>,
    /// Default: now.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    until: Option<i64>,
    /// `hour` or `day` (default `day`).
    bucket: Option<BucketSize>,
}

/// Conversations, resolutions, handoffs, tool calls and average CSAT per hour or day, every
/// bucket of the window listed (at most 1,000). Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/analytics/timeseries",
    tag = "analytics",
    params(TimeseriesQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The buckets, oldest first", body = Timeseries),
        (status = 400, description = "Bad window or too many buckets", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn timeseries(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<TimeseriesQuery>,
) -> Result<Json<Timeseries>, ApiError> {
    Ok(Json(
        services
            .agent()
            .analytics_timeseries(
                &caller,
                query.since,
                query.until,
                query.bucket.unwrap_or(BucketSize::Day),
            )
            .await?,
    ))
}
