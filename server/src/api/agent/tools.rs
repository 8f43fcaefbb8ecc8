//! Tools (seed 000): the registry an agent loads, and execution of a tool call.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::agent::tools::ExecutionQuery;
use model::agent::tools::{
    ExecuteTool, PublicToolList, RegisterTool, Tool, ToolExecutionPage, ToolList, ToolResult,
    UpdateTool,
};

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson};

/// The active tools with the fields an agent needs (never endpoints or headers). Session
/// tokens may call it.
#[utoipa::path(
    get,
    path = "/api/tools",
    tag = "tools",
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The active tools", body = PublicToolList),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn list_public(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<PublicToolList>, ApiError> {
    let tools = services.agent().public_tools(&caller).await?;
    Ok(Json(PublicToolList { tools }))
}

/// Registers a tool, or replaces and re-activates the one of the same name. The schema must
/// compile; the endpoint must be an http(s) URL the SSRF guard allows. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/tools",
    tag = "tools",
    request_body = RegisterTool,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The tool (with its `id`); header values are never shown", body = Tool),
        (status = 400, description = "Invalid fields: name, schema, endpoint, method, headers, timeout", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn register(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<RegisterTool>,
) -> Result<Json<Tool>, ApiError> {
    Ok(Json(services.agent().register_tool(&caller, input).await?))
}

/// Every tool, active or not, with its endpoint and header names. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/tools/all",
    tag = "tools",
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Every tool", body = ToolList),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list_all(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<ToolList>, ApiError> {
    let tools = services.agent().tools(&caller).await?;
    Ok(Json(ToolList { tools }))
}

/// One tool. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/tools/{name}",
    tag = "tools",
    params(("name" = String, Path, description = "Tool name")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The tool", body = Tool),
        (status = 404, description = "No such tool in this app", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(name): Path<String>,
) -> Result<Json<Tool>, ApiError> {
    Ok(Json(services.agent().tool(&caller, &name).await?))
}

/// Changes the fields present; `isActive: false` deactivates. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/tools/{name}",
    tag = "tools",
    params(("name" = String, Path, description = "Tool name")),
    request_body = UpdateTool,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The tool", body = Tool),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 404, description = "No such tool in this app", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    Path(name): Path<String>,
    AppCallerJson(caller, patch): AppCallerJson<UpdateTool>,
) -> Result<Json<Tool>, ApiError> {
    Ok(Json(
        services.agent().update_tool(&caller, &name, patch).await?,
    ))
}

/// Deletes a tool; its executions stay recorded. Needs the app secret.
#[utoipa::path(
    delete,
    path = "/api/tools/{name}",
    tag = "tools",
    params(("name" = String, Path, description = "Tool name")),
    security(("appSecret" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such tool in this app", body = ErrorBody),
    )
)]
pub async fn delete(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    services.agent().delete_tool(&caller, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Calls a tool: parameters validated against its JSON Schema, the endpoint called with the
/// tool's timeout, a size cap and `X-Switchboard-Signature`. The outcome is in-band
/// (`{success, data}` / `{success: false, error}`), as seed 000 answers; a session past the
/// app's `maxActionsPerTurn` calls in 60 s gets 429. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/tools/execute",
    tag = "tools",
    request_body = ExecuteTool,
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The tool's result, success or not", body = ToolResult),
        (status = 400, description = "Missing sessionId or toolName", body = ErrorBody),
        (status = 429, description = "Max actions per turn exceeded", body = ErrorBody),
    )
)]
pub async fn execute(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<ExecuteTool>,
) -> Result<Json<ToolResult>, ApiError> {
    Ok(Json(services.agent().execute_tool(&caller, input).await?))
}

/// Every recorded tool call, newest first. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/tools/executions",
    tag = "tools",
    params(ExecutionQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = ToolExecutionPage),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn executions(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<ExecutionQuery>,
) -> Result<Json<ToolExecutionPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .list_tool_executions(&caller, query)
            .await?,
    ))
}
