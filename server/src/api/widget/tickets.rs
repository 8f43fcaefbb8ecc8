//! The visitor's tickets.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::conversations::WriteMessage;
use model::desk::tickets::{
    Ticket, TicketComment, TicketDetail, TicketFormList, TicketList, VisitorTicket,
};

use crate::http::{ApiError, ApiJson, WidgetVisitor};

/// The visitor's tickets, newest first.
#[utoipa::path(
    get,
    path = "/api/widget/tickets",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The tickets", body = TicketList))
)]
pub async fn list(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<TicketList>, ApiError> {
    Ok(Json(services.desk().visitor_tickets(&visitor).await?))
}

/// The visitor files a ticket; form data is checked against the form.
#[utoipa::path(
    post,
    path = "/api/widget/tickets",
    tag = "widget",
    request_body = VisitorTicket,
    security(("widgetSession" = [])),
    responses(
        (status = 201, description = "The ticket", body = Ticket),
        (status = 400, description = "A bad field, or form data the form refuses", body = ErrorBody),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    ApiJson(input): ApiJson<VisitorTicket>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let ticket = services
        .desk()
        .visitor_create_ticket(&visitor, input)
        .await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// One of the visitor's tickets with its public comments.
#[utoipa::path(
    get,
    path = "/api/widget/tickets/{id}",
    tag = "widget",
    params(("id" = String, Path, description = "The ticket's id")),
    security(("widgetSession" = [])),
    responses(
        (status = 200, description = "The ticket", body = TicketDetail),
        (status = 404, description = "Not one of the visitor's tickets", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(services.desk().visitor_ticket(&visitor, &id).await?))
}

/// The visitor comments on their ticket (a ticket waiting on them goes back in progress).
#[utoipa::path(
    post,
    path = "/api/widget/tickets/{id}/comments",
    tag = "widget",
    params(("id" = String, Path, description = "The ticket's id")),
    request_body = WriteMessage,
    security(("widgetSession" = [])),
    responses(
        (status = 201, description = "The comment", body = TicketComment),
        (status = 404, description = "Not one of the visitor's tickets", body = ErrorBody),
        (status = 429, description = "Too many writes (30 a minute per session); see Retry-After", body = ErrorBody),
    )
)]
pub async fn comment(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WriteMessage>,
) -> Result<(StatusCode, Json<TicketComment>), ApiError> {
    let comment = services
        .desk()
        .visitor_comment(&visitor, &id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// The ticket forms the visitor may fill in.
#[utoipa::path(
    get,
    path = "/api/widget/ticket-forms",
    tag = "widget",
    security(("widgetSession" = [])),
    responses((status = 200, description = "The forms", body = TicketFormList))
)]
pub async fn forms(
    State(services): State<Services>,
    WidgetVisitor(visitor): WidgetVisitor,
) -> Result<Json<TicketFormList>, ApiError> {
    Ok(Json(services.desk().visitor_ticket_forms(&visitor).await?))
}
