//! The AI agent of chat: per-app settings, with the app secret (or from the dashboard).

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::desk::ai_agent::{AiAgentSettings, PutAiAgentSettings};

use crate::http::{ApiError, ApiJson, AppCaller};

/// The app's AI agent settings; the defaults (off) until saved.
#[utoipa::path(
    get,
    path = "/api/ai-agent",
    tag = "help center",
    security(("appSecret" = [])),
    responses((status = 200, description = "The settings", body = AiAgentSettings))
)]
pub async fn get(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<AiAgentSettings>, ApiError> {
    Ok(Json(services.desk().ai_agent_settings(&caller).await?))
}

/// Replaces the app's AI agent settings (needs `persona.manage` from the dashboard).
#[utoipa::path(
    put,
    path = "/api/ai-agent",
    tag = "help center",
    request_body = PutAiAgentSettings,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The settings", body = AiAgentSettings),
        (status = 400, description = "A bad model, threshold, message, collection or hours", body = ErrorBody),
    )
)]
pub async fn put(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiJson(input): ApiJson<PutAiAgentSettings>,
) -> Result<Json<AiAgentSettings>, ApiError> {
    Ok(Json(
        services
            .desk()
            .put_ai_agent_settings(&caller, input)
            .await?,
    ))
}
