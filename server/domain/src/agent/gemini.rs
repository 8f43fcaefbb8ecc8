//! Ephemeral Gemini Live tokens (seed 000's `POST /api/token`): a browser talks to Gemini Live
//! directly with a single-use token locked to the app's model, persona and modality, never
//! with the API key.

use model::agent::gemini::GeminiToken;
use model::agent::persona::compose_instructions;
use model::platform::users::Permission;
use serde_json::json;

use crate::agent::Agent;
use crate::clock::iso8601;
use crate::{Caller, Result};

/// Lifetime of a token when the app sets none, in minutes.
const DEFAULT_TOKEN_MINUTES: i64 = 30;
/// A token must open its session within this time.
const NEW_SESSION_WINDOW_MS: i64 = 2 * 60_000;

impl Agent<'_> {
    /// Creates a single-use Gemini Live token for the caller's app. Session tokens may call it:
    /// this is what browsers need it for.
    pub async fn gemini_token(&self, caller: &Caller) -> Result<GeminiToken> {
        caller.permit(Permission::AppsRead)?;
        let settings = &caller.app.settings;
        let now = self.now_ms();
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
        let token = self.ports().gemini.create_token(body).await?;
        Ok(GeminiToken {
            token,
            expires_at: iso8601(expires_at),
        })
    }
}
