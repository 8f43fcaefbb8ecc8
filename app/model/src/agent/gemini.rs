//! Ephemeral Gemini Live tokens.

use serde::{Deserialize, Serialize};

/// `POST /api/token`, as seed 000 answers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GeminiToken {
    /// Use it as the API key of a Gemini Live connection; it opens one session.
    pub token: String,
    /// RFC 3339 time.
    pub expires_at: String,
}
