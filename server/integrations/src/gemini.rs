//! Gemini Live tokens over Google's `v1alpha/auth_tokens`.

use std::time::Duration;

use domain::ports::{GeminiTokens, OutboundRequest, OutboundTarget};
use domain::{Error, GEMINI_DEFAULT_BASE_URL, GeminiSettings, Result};
use serde_json::Value;

use crate::http::Http;

const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_ANSWER_BYTES: usize = 64 * 1024;

#[derive(Debug)]
pub struct Gemini {
    settings: GeminiSettings,
    client: Http,
}

impl Gemini {
    pub fn new(settings: GeminiSettings, client: Http) -> Gemini {
        Gemini { settings, client }
    }
}

#[async_trait::async_trait]
impl GeminiTokens for Gemini {
    async fn create_token(&self, request: Value) -> Result<String> {
        let Some(key) = &self.settings.api_key else {
            return Err(Error::Unavailable(
                "Gemini is not configured on this server: set GEMINI_API_KEY".to_owned(),
            ));
        };
        let base = self
            .settings
            .base_url
            .as_deref()
            .unwrap_or(GEMINI_DEFAULT_BASE_URL)
            .trim_end_matches('/');
        let answer = self
            .client
            .send(OutboundRequest {
                target: OutboundTarget::Gemini,
                method: "POST".to_owned(),
                url: format!("{base}/v1alpha/auth_tokens"),
                headers: vec![
                    ("Content-Type".to_owned(), "application/json".to_owned()),
                    ("x-goog-api-key".to_owned(), key.expose().to_owned()),
                ],
                body: Some(request.to_string().into_bytes()),
                timeout: TIMEOUT,
                max_response_bytes: MAX_ANSWER_BYTES,
            })
            .await
            .map_err(|err| Error::Upstream(format!("Token creation failed: {err}")))?;
        if !(200..300).contains(&answer.status) {
            // Google's error text may echo request details; only its status is passed on.
            tracing::warn!(status = answer.status, "Gemini refused to create a token");
            return Err(Error::Upstream(format!(
                "Token creation failed: Gemini answered HTTP {}",
                answer.status
            )));
        }
        serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| {
                Error::Upstream("Token creation failed: Gemini's answer had no token".to_owned())
            })
    }
}
