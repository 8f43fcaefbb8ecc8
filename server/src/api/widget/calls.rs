//! The widget's Talk: a visitor's voice call with the app's agent. The desk authenticates the
//! visitor; the agent wing holds the call, knowing the visitor by their contact id only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::agent::voice::VisitorCall;

use crate::http::{ApiError, WidgetVisitor};

/// Starts a call: a LiveKit room with the app's agent dispatched, and the visitor's token for
/// it. The call is the visitor's contact's.
#[utoipa::path(
    post,
    path = "/api/widget/calls",
    tag = "widget",
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The room and the visitor's token", body = VisitorCall),
        (status = 429, description = "Too many calls (5 a minute per contact); see Retry-After", body = ErrorBody),
        (status = 503, description = "Voice calls are not configured (LiveKit)", body = ErrorBody),
    )
)]
pub async fn start(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<VisitorCall>, ApiError> {
    services.desk().admit_visitor_call(&visitor).await?;
    Ok(Json(
        services
            .agent()
            .start_visitor_call(&visitor.app, &visitor.contact_id)
            .await?,
    ))
}

/// Ends one of the visitor's calls: its room closes and the agent leaves.
#[utoipa::path(
    post,
    path = "/api/widget/calls/{room}/end",
    tag = "widget",
    params(("room" = String, Path, description = "The call's room name")),
    security(("widgetSession" = [])),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "Not one of the visitor's calls", body = ErrorBody),
    )
)]
pub async fn end(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(room): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .agent()
        .end_visitor_call(&visitor.app, &visitor.contact_id, &room)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
