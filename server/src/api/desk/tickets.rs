//! Tickets, their comments and forms, for dashboard members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::desk::tickets::{
    CreateTicket, CreateTicketForm, Ticket, TicketComment, TicketDetail, TicketForm,
    TicketFormList, TicketFormQuery, TicketPage, TicketPatch, TicketQuery, WriteComment,
};

use crate::http::{ApiError, ApiJson, ApiQuery, SignedInUser};

/// The workspace's tickets, newest first, by status and assignee (`me`, `none` or an id).
#[utoipa::path(
    get,
    path = "/api/desk/tickets",
    tag = "desk",
    params(TicketQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "One page of tickets", body = TicketPage),
        (status = 400, description = "An unknown status or a bad cursor", body = ErrorBody),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn list(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<TicketQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    Ok(Json(
        services.desk().tickets(&signed_in.actor, query).await?,
    ))
}

/// Creates a ticket, or with `conversationId` converts that conversation (once; 409 the second
/// time). Needs `tickets.manage`.
#[utoipa::path(
    post,
    path = "/api/desk/tickets",
    tag = "desk",
    request_body = CreateTicket,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The ticket", body = Ticket),
        (status = 400, description = "A bad field, or form data the form refuses", body = ErrorBody),
        (status = 403, description = "Role lacks tickets.manage", body = ErrorBody),
        (status = 404, description = "No such conversation or workspace of the user", body = ErrorBody),
        (status = 409, description = "The conversation was converted already", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(input): ApiJson<CreateTicket>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let ticket = services
        .desk()
        .create_ticket(&signed_in.actor, input)
        .await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// A ticket with every comment (internal ones included) and its form.
#[utoipa::path(
    get,
    path = "/api/desk/tickets/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The ticket's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The ticket", body = TicketDetail),
        (status = 404, description = "No such ticket in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<TicketDetail>, ApiError> {
    Ok(Json(services.desk().ticket(&signed_in.actor, &id).await?))
}

/// Changes status (along the transitions; `resolutionSummary` with `resolved`), priority or
/// assignee. Needs `tickets.manage`.
#[utoipa::path(
    patch,
    path = "/api/desk/tickets/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The ticket's id")),
    request_body = TicketPatch,
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 403, description = "Role lacks tickets.manage", body = ErrorBody),
        (status = 404, description = "No such ticket in the user's workspaces", body = ErrorBody),
        (status = 409, description = "A transition the status does not allow, or a concurrent change", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<TicketPatch>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        services
            .desk()
            .update_ticket(&signed_in.actor, &id, patch)
            .await?,
    ))
}

/// A comment from the signed-in member, public or internal (needs `tickets.manage`).
#[utoipa::path(
    post,
    path = "/api/desk/tickets/{id}/comments",
    tag = "desk",
    params(("id" = String, Path, description = "The ticket's id")),
    request_body = WriteComment,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The comment", body = TicketComment),
        (status = 403, description = "Role lacks tickets.manage", body = ErrorBody),
        (status = 404, description = "No such ticket in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn comment(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WriteComment>,
) -> Result<(StatusCode, Json<TicketComment>), ApiError> {
    let comment = services
        .desk()
        .comment_on_ticket(&signed_in.actor, &id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// The workspace's ticket forms.
#[utoipa::path(
    get,
    path = "/api/desk/ticket-forms",
    tag = "desk",
    params(TicketFormQuery),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "The forms", body = TicketFormList),
        (status = 404, description = "Not a workspace of the user", body = ErrorBody),
    )
)]
pub async fn forms(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiQuery(query): ApiQuery<TicketFormQuery>,
) -> Result<Json<TicketFormList>, ApiError> {
    Ok(Json(
        services
            .desk()
            .ticket_forms(&signed_in.actor, query.workspace_id)
            .await?,
    ))
}

/// Creates a ticket form (needs `tickets.manage`).
#[utoipa::path(
    post,
    path = "/api/desk/ticket-forms",
    tag = "desk",
    request_body = CreateTicketForm,
    security(("dashboardSession" = [])),
    responses(
        (status = 201, description = "The form", body = TicketForm),
        (status = 400, description = "Bad fields", body = ErrorBody),
        (status = 403, description = "Role lacks tickets.manage", body = ErrorBody),
    )
)]
pub async fn create_form(
    State(services): State<Services>,
    signed_in: SignedInUser,
    ApiJson(input): ApiJson<CreateTicketForm>,
) -> Result<(StatusCode, Json<TicketForm>), ApiError> {
    let form = services
        .desk()
        .create_ticket_form(&signed_in.actor, input)
        .await?;
    Ok((StatusCode::CREATED, Json(form)))
}

/// Deletes a form; its tickets keep their data (needs `tickets.manage`).
#[utoipa::path(
    delete,
    path = "/api/desk/ticket-forms/{id}",
    tag = "desk",
    params(("id" = String, Path, description = "The form's id")),
    security(("dashboardSession" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Role lacks tickets.manage", body = ErrorBody),
        (status = 404, description = "No such form in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn delete_form(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .desk()
        .delete_ticket_form(&signed_in.actor, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
