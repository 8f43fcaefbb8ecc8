//! Guardrails (seed 000): rule management, content checks, and the violation audit trail.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::Services;
use model::ErrorBody;
use model::agent::guardrails::{
    AnnotateViolation, CreateGuardrailRule, GuardrailCheck, GuardrailRule, GuardrailRuleList,
    GuardrailVerdict, UpdateGuardrailRule, Violation, ViolationPage,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{ApiError, ApiQuery, AppCaller, AppCallerJson};

/// Checks content against the app's active rules: keywords on word boundaries, topic
/// allow-lists, PII presets (email, phone, SSN, Luhn-checked cards) and regexes. Violations are
/// recorded with their direction. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/guardrails/check",
    tag = "guardrails",
    request_body = GuardrailCheck,
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The verdict", body = GuardrailVerdict),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn check(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<GuardrailCheck>,
) -> Result<Json<GuardrailVerdict>, ApiError> {
    Ok(Json(
        services.agent().check_guardrails(&caller, input).await?,
    ))
}

/// Every rule of the app, active or not. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/guardrails/rules",
    tag = "guardrails",
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The rules", body = GuardrailRuleList),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list_rules(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<GuardrailRuleList>, ApiError> {
    let rules = services.agent().guardrail_rules(&caller).await?;
    Ok(Json(GuardrailRuleList { rules }))
}

/// Adds a rule. The pattern is compiled now: an invalid regex or an empty keyword list is a
/// 400. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/guardrails/rules",
    tag = "guardrails",
    request_body = CreateGuardrailRule,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The rule (with its `id`)", body = GuardrailRule),
        (status = 400, description = "Unknown type or action, or a pattern that does not compile", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn create_rule(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<CreateGuardrailRule>,
) -> Result<Json<GuardrailRule>, ApiError> {
    Ok(Json(
        services
            .agent()
            .create_guardrail_rule(&caller, input)
            .await?,
    ))
}

/// Changes a rule's type, pattern, action, message or activity. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/guardrails/rules/{rule_id}",
    tag = "guardrails",
    params(("rule_id" = String, Path, description = "Rule id")),
    request_body = UpdateGuardrailRule,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The rule", body = GuardrailRule),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 404, description = "No such rule in this app", body = ErrorBody),
    )
)]
pub async fn update_rule(
    State(services): State<Services>,
    Path(rule_id): Path<String>,
    AppCallerJson(caller, patch): AppCallerJson<UpdateGuardrailRule>,
) -> Result<Json<GuardrailRule>, ApiError> {
    Ok(Json(
        services
            .agent()
            .update_guardrail_rule(&caller, &rule_id, patch)
            .await?,
    ))
}

/// Deletes a rule; violations it recorded stay. Needs the app secret.
#[utoipa::path(
    delete,
    path = "/api/guardrails/rules/{rule_id}",
    tag = "guardrails",
    params(("rule_id" = String, Path, description = "Rule id")),
    security(("appSecret" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 404, description = "No such rule in this app", body = ErrorBody),
    )
)]
pub async fn delete_rule(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(rule_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .agent()
        .delete_guardrail_rule(&caller, &rule_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ViolationQuery {
    session_id: Option<String>,
    since: Option<i64>,
    until: Option<i64>,
    cursor: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<i64>,
}

/// The app's violations, newest first. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/guardrails/violations",
    tag = "guardrails",
    params(ViolationQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = ViolationPage),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn list_violations(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<ViolationQuery>,
) -> Result<Json<ViolationPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .list_violations(
                &caller,
                query.session_id,
                query.since,
                query.until,
                query.cursor.as_deref(),
                query.limit,
            )
            .await?,
    ))
}

/// Marks a violation a true or false positive. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/guardrails/violations",
    tag = "guardrails",
    request_body = AnnotateViolation,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The annotated violation (seed 000 clients read `ok`)", body = Violation),
        (status = 400, description = "annotatedCorrectness not true_positive or false_positive", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 404, description = "No such violation in this app", body = ErrorBody),
    )
)]
pub async fn annotate_violation(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<AnnotateViolation>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let violation = services.agent().annotate_violation(&caller, input).await?;
    let mut body = serde_json::to_value(violation).map_err(|_| ApiError::internal())?;
    body["ok"] = serde_json::Value::Bool(true);
    Ok(Json(body))
}
