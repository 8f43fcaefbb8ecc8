//! The Gemini port: single-use Live API tokens.

use serde_json::Value;

use crate::Result;

#[async_trait::async_trait]
pub trait GeminiTokens: Send + Sync {
    /// Creates a token from Gemini's `auth_tokens` request body and answers its name.
    /// `Unavailable` when no API key is configured, `Upstream` when Google refuses.
    async fn create_token(&self, request: Value) -> Result<String>;
}
