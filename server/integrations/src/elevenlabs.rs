//! ElevenLabs' signed conversation URLs (`/v1/convai/conversation/get-signed-url`).

use std::time::Duration;

use domain::ElevenLabsSettings;
use domain::platform::integrations::ELEVENLABS_DEFAULT_BASE_URL;
use domain::ports::{ElevenLabsError, OutboundRequest, OutboundTarget};
use serde_json::Value;

use crate::http::Http;

const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_ANSWER_BYTES: usize = 64 * 1024;

#[derive(Debug)]
pub struct ElevenLabs {
    settings: ElevenLabsSettings,
    client: Http,
}

impl ElevenLabs {
    pub fn new(settings: ElevenLabsSettings, client: Http) -> ElevenLabs {
        ElevenLabs { settings, client }
    }
}

#[async_trait::async_trait]
impl domain::ports::ElevenLabs for ElevenLabs {
    async fn signed_url(&self, agent_id: &str) -> Result<String, ElevenLabsError> {
        let Some(key) = &self.settings.api_key else {
            return Err(ElevenLabsError {
                reason: "ElevenLabs is not configured: set ELEVENLABS_API_KEY".to_owned(),
                retryable: false,
                unconfigured: true,
            });
        };
        let base = self
            .settings
            .base_url
            .as_deref()
            .unwrap_or(ELEVENLABS_DEFAULT_BASE_URL)
            .trim_end_matches('/');
        let refused = |reason: String, retryable: bool| ElevenLabsError {
            reason,
            retryable,
            unconfigured: false,
        };
        let answer = self
            .client
            .send(OutboundRequest {
                target: OutboundTarget::ElevenLabs,
                method: "GET".to_owned(),
                url: format!("{base}/v1/convai/conversation/get-signed-url?agent_id={agent_id}"),
                headers: vec![("xi-api-key".to_owned(), key.expose().to_owned())],
                body: None,
                timeout: TIMEOUT,
                max_response_bytes: MAX_ANSWER_BYTES,
            })
            .await
            .map_err(|err| refused(err.to_string(), true))?;
        if !(200..300).contains(&answer.status) {
            let reason = format!("{} {}", answer.status, remote_message(&answer.body));
            return Err(refused(
                reason,
                answer.status == 429 || answer.status >= 500,
            ));
        }
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        body.get("signed_url")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| refused("ElevenLabs answered without a signed_url".to_owned(), false))
    }
}

/// ElevenLabs' error text (`{"detail": {"message": …}}` or `{"detail": "…"}`), bounded.
fn remote_message(body: &[u8]) -> String {
    let parsed: Value = serde_json::from_slice(body).unwrap_or_default();
    let message = parsed
        .pointer("/detail/message")
        .or_else(|| parsed.get("detail"))
        .or_else(|| parsed.get("message"))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    message.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_are_read_from_the_detail() {
        assert_eq!(
            remote_message(
                br#"{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}"#
            ),
            "Invalid API key"
        );
        assert_eq!(remote_message(br#"{"detail":"busy"}"#), "busy");
    }
}
