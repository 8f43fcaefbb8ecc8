//! Ephemeral Gemini Live tokens (seed 000's `POST /api/token`): a browser talks to Gemini Live
//! directly with a single-use token locked to the app's model, persona and modality, never
//! with the API key.

use std::time::Duration;

use model::agent::gemini::GeminiToken;
use model::agent::persona::compose_instructions;
use reqwest::Method;
use serde_json::{Value, json};

use crate::clock::iso8601;
use crate::platform::outbound::OutboundRequest;
use crate::{Caller, Error, Result, Services, now_ms};

/// Lifetime of a token when the app sets none, in minutes.
const DEFAULT_TOKEN_MINUTES: i64 = 30;
/// A token must open its session within this time.
const NEW_SESSION_WINDOW_MS: i64 = 2 * 60_000;
const GOOGLE_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_GOOGLE_ANSWER_BYTES: usize = 64 * 1024;

impl Services {
    /// Creates a single-use Gemini Live token for the caller's app. Session tokens may call it:
    /// this is what browsers need it for.
    pub async fn gemini_token(&self, caller: &Caller) -> Result<GeminiToken> {
        let gemini = &self.integrations().gemini;
        let Some(key) = &gemini.api_key else {
            return Err(Error::Unavailable(
                "Gemini is not configured on this server: set GEMINI_API_KEY".to_owned(),
            ));
        };
        let base = gemini
            .base_url
            .as_deref()
            .unwrap_or(crate::GEMINI_DEFAULT_BASE_URL)
            .trim_end_matches('/');
        let settings = &caller.app.settings;
        let now = now_ms();
        let minutes = settings
            .token_expire_minutes
            .unwrap_or(DEFAULT_TOKEN_MINUTES);
        let expires_at = now + minutes * 60_000;
        let model = if settings.model_id.starts_with("models/") {
            settings.model_id.clone()
        } else {
            format!("models/{}", settings.model_id)
        };
        let mut generation = json!({
            "responseModalities": [if settings.reply_as_audio { "AUDIO" } else { "TEXT" }],
        });
        if let Some(temperature) = settings.temperature {
            generation["temperature"] = json!(temperature);
        }
        if let Some(voice) = &settings.voice {
            generation["speechConfig"] =
                json!({"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": voice}}});
        }
        let body = json!({
            "uses": 1,
            "expireTime": iso8601(expires_at),
            "newSessionExpireTime": iso8601(now + NEW_SESSION_WINDOW_MS),
            "bidiGenerateContentSetup": {
                "model": model,
                "generationConfig": generation,
                "systemInstruction": {"parts": [{"text": compose_instructions(settings)}]},
                "sessionResumption": {},
                "inputAudioTranscription": {},
                "outputAudioTranscription": {},
            },
        });
        let request = OutboundRequest {
            method: Method::POST,
            url: format!("{base}/v1alpha/auth_tokens"),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("x-goog-api-key".to_owned(), key.expose().to_owned()),
            ],
            body: Some(body.to_string().into_bytes()),
            timeout: GOOGLE_TIMEOUT,
            max_response_bytes: MAX_GOOGLE_ANSWER_BYTES,
        };
        let answer = self
            .integration_client()?
            .send(request)
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
        let token = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| {
                Error::Upstream("Token creation failed: Gemini's answer had no token".to_owned())
            })?;
        Ok(GeminiToken {
            token,
            expires_at: iso8601(expires_at),
        })
    }
}
