//! The app's persona (seed 000), with the instructions composed from it.

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::persona::{Persona, PersonaPatch};

use crate::http::{ApiError, AppCaller, AppCallerJson};

/// The persona: system prompt, voice, name, greeting, tone, terms, UI strings, and the composed
/// `instructions` an agent should use. Session tokens may call it.
#[utoipa::path(
    get,
    path = "/api/persona",
    tag = "persona",
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The persona", body = Persona),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
    )
)]
pub async fn get(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
) -> Result<Json<Persona>, ApiError> {
    Ok(Json(services.agent().persona(&caller)?))
}

/// Changes the fields present (an empty string clears one). Terms may be a comma-separated
/// string or a list; `uiStrings` an object or a JSON string. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/persona",
    tag = "persona",
    request_body = PersonaPatch,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The persona after the change (seed 000 clients read `ok`)", body = Persona),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    AppCallerJson(caller, patch): AppCallerJson<PersonaPatch>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let persona = services.agent().update_persona(&caller, patch).await?;
    // Seed 000 answers `{ok: true}`; the persona comes beside it.
    let mut body = serde_json::to_value(persona).map_err(|_| ApiError::internal())?;
    body["ok"] = serde_json::Value::Bool(true);
    Ok(Json(body))
}
