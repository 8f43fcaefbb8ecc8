//! Ephemeral Gemini Live tokens (seed 000).

use axum::Json;
use axum::extract::State;
use domain::Services;
use model::ErrorBody;
use model::agent::gemini::GeminiToken;

use crate::http::ApiError;
use crate::http::auth::AnyCaller;

/// A single-use Gemini Live token locked to the app's model, modality, voice and composed
/// instructions; it expires after the app's `tokenExpireMinutes` (default 30). Session tokens
/// may call it. Credentials may travel in a JSON body, the query or the headers.
#[utoipa::path(
    post,
    path = "/api/token",
    tag = "token",
    security(("appSecret" = []), ("sessionToken" = [])),
    responses(
        (status = 200, description = "The token", body = GeminiToken),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 502, description = "Gemini refused or failed", body = ErrorBody),
        (status = 503, description = "GEMINI_API_KEY is not configured", body = ErrorBody),
    )
)]
pub async fn create(
    State(services): State<Services>,
    AnyCaller(caller): AnyCaller,
) -> Result<Json<GeminiToken>, ApiError> {
    Ok(Json(services.agent().gemini_token(&caller).await?))
}
