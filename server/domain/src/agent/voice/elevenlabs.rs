//! Seed 003: backend voice sessions (`/voice/sessions`) and the ElevenLabs provider: a signed
//! conversation URL per session, retried with backoff, and post-call webhooks verified by HMAC.

use std::time::Duration;

use hmac::{Hmac, Mac};
use model::agent::voice::{
    AgentConversationStarted, BackendVoiceSession, CallStatus, CreateVoiceSession,
    ElevenLabsConversation, SessionOrigin, StartAgentConversation,
};
use model::platform::users::Permission;
use serde_json::Value;
use sha2::Sha256;
use store::VoiceSessionRecord;

use super::{new_session, status_of};
use crate::agent::Agent;
use crate::clock::iso8601;
use crate::validation::Checks;
use crate::{Caller, Error, Result, Services};

pub const SIGNATURE_HEADER: &str = "ElevenLabs-Signature";
/// The dynamic variable a client passes when it starts the conversation, so the post-call
/// webhook finds our session.
pub const SESSION_VARIABLE: &str = "switchboard_session_id";
const ATTEMPTS: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// Webhooks signed longer ago than this are refused (replays).
const WEBHOOK_TOLERANCE_SECS: i64 = 30 * 60;
const MAX_TRANSCRIPT_BYTES: usize = 1024 * 1024;

fn backend_view(record: &VoiceSessionRecord) -> BackendVoiceSession {
    BackendVoiceSession {
        session_id: record.id.clone(),
        status: if record.ended_at.is_some() {
            "ended"
        } else {
            "active"
        }
        .to_owned(),
        customer_id: record.customer_id.clone().unwrap_or_default(),
        direction: record.direction.clone().unwrap_or_default(),
        locale: record.locale.clone().unwrap_or_default(),
        simulation: record.simulation,
        created_at: iso8601(record.created_at),
        ended_at: record.ended_at.map(iso8601),
        agent_type: record.agent_type.clone(),
        conversation_id: record.external_id.clone(),
    }
}

fn is_locale(value: &str) -> bool {
    (2..=35).contains(&value.len())
        && value.split(['-', '_']).all(|part| {
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

impl Agent<'_> {
    /// `POST /voice/sessions`.
    pub async fn create_backend_session(
        &self,
        caller: &Caller,
        input: CreateVoiceSession,
    ) -> Result<BackendVoiceSession> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("customer_id", input.customer_id.trim(), 1, 128);
        if !matches!(input.direction.as_str(), "inbound" | "outbound") {
            checks.fail("direction", "must be inbound or outbound");
        }
        if !is_locale(&input.locale) {
            checks.fail("locale", "must be a language tag such as en-US");
        }
        checks.finish()?;
        let mut record = new_session(caller, SessionOrigin::Elevenlabs, None, self.now_ms());
        record.customer_id = Some(input.customer_id.trim().to_owned());
        record.owner_identity = record.customer_id.clone();
        record.direction = Some(input.direction);
        record.locale = Some(input.locale);
        record.simulation = input.simulation;
        self.open_session(&record).await?;
        Ok(backend_view(&record))
    }

    /// `GET /voice/sessions/{id}`.
    pub async fn backend_session(&self, caller: &Caller, id: &str) -> Result<BackendVoiceSession> {
        caller.permit(Permission::ConversationsRead)?;
        Ok(backend_view(&self.session_by_id(caller, id).await?))
    }

    /// `PUT /voice/sessions/{id}/end`: idempotent.
    pub async fn end_backend_session(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<BackendVoiceSession> {
        caller.permit(Permission::AppsRead)?;
        let record = self.session_by_id(caller, id).await?;
        let ended = self
            .finish_session(record, CallStatus::Completed, "ended_by_client", false)
            .await?;
        Ok(backend_view(&ended))
    }

    /// `POST /api/voice/sessions`: a backend session, then an ElevenLabs conversation for it.
    /// If ElevenLabs refuses, the session is kept as `failed` and its error is the answer.
    pub async fn start_agent_conversation(
        &self,
        caller: &Caller,
        input: StartAgentConversation,
    ) -> Result<AgentConversationStarted> {
        caller.permit(Permission::AppsRead)?;
        let agent_id = self.elevenlabs_agent(&input.agent_type)?;
        let mut checks = Checks::new();
        checks.text("customerId", input.customer_id.trim(), 1, 128);
        checks.finish()?;
        let session = self
            .create_backend_session(
                caller,
                CreateVoiceSession {
                    customer_id: input.customer_id.clone(),
                    direction: "inbound".to_owned(),
                    locale: input.locale.clone().unwrap_or_else(|| "en-US".to_owned()),
                    simulation: false,
                },
            )
            .await?;
        let record = self.session_by_id(caller, &session.session_id).await?;
        match self.signed_url(&agent_id).await {
            Ok(signed_url) => {
                let agent_type = input.agent_type.clone();
                let record = self
                    .change_session(record, |s| {
                        s.agent_type = Some(agent_type.clone());
                        s.agent_name = Some(agent_id.clone());
                        Ok(())
                    })
                    .await?;
                Ok(AgentConversationStarted {
                    backend_session: backend_view(&record),
                    elevenlabs_conversation: ElevenLabsConversation {
                        agent_id,
                        signed_url,
                        conversation_id: None,
                    },
                    agent_type: input.agent_type,
                })
            }
            Err(err) => {
                self.finish_session(record, CallStatus::Failed, "elevenlabs_error", false)
                    .await?;
                Err(err)
            }
        }
    }

    /// `POST /api/elevenlabs` `start_conversation`.
    pub async fn start_elevenlabs_conversation(
        &self,
        agent_type: &str,
    ) -> Result<ElevenLabsConversation> {
        let agent_id = self.elevenlabs_agent(agent_type)?;
        let signed_url = self.signed_url(&agent_id).await?;
        Ok(ElevenLabsConversation {
            agent_id,
            signed_url,
            conversation_id: None,
        })
    }

    /// `POST /api/elevenlabs` `end_conversation`: ends our session (the browser closes its
    /// socket to ElevenLabs).
    pub async fn end_elevenlabs_conversation(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        self.end_backend_session(caller, session_id).await?;
        Ok(())
    }

    /// ElevenLabs' post-call webhook: verified by HMAC over `timestamp.body`, then its
    /// transcript is stored with the session and the session ends.
    pub async fn receive_elevenlabs_webhook(&self, body: &[u8], signature: &str) -> Result<()> {
        let secret = self
            .integrations()
            .elevenlabs
            .webhook_secret
            .as_ref()
            .ok_or_else(|| {
                Error::Unavailable(
                    "ElevenLabs webhooks are not configured: set ELEVENLABS_WEBHOOK_SECRET"
                        .to_owned(),
                )
            })?;
        verify_signature(secret.expose(), signature, body, self.now_ms() / 1_000)?;
        let event: Value = serde_json::from_slice(body)
            .map_err(|_| Error::Invalid("The body is not JSON".to_owned()))?;
        let data = event.get("data").cloned().unwrap_or_default();
        let conversation_id = data.get("conversation_id").and_then(Value::as_str);
        let our_id = data
            .pointer("/conversation_initiation_client_data/dynamic_variables")
            .and_then(|v| v.get(SESSION_VARIABLE))
            .and_then(Value::as_str);
        let record = match (our_id, conversation_id) {
            (Some(id), _) => self.store().voice_session_by_id_any_app(id).await?,
            (None, Some(conversation)) => {
                self.store()
                    .voice_session_by_external_id(conversation)
                    .await?
            }
            _ => None,
        };
        let Some(record) = record else {
            tracing::info!("ElevenLabs webhook for a conversation we do not know");
            return Ok(());
        };
        let transcript = transcript_text(&data);
        let conversation = conversation_id.map(str::to_owned);
        // The call happened: it connected when ElevenLabs says it started.
        let started_at = data
            .pointer("/metadata/start_time_unix_secs")
            .and_then(Value::as_i64)
            .map(|secs| secs * 1_000);
        let record = self
            .change_session(record, |s| {
                if s.ended_at.is_none() && status_of(s).can_become(CallStatus::Connected) {
                    s.status = CallStatus::Connected.as_str().to_owned();
                    s.connected_at
                        .get_or_insert(started_at.unwrap_or(s.created_at));
                }
                if let Some(text) = &transcript {
                    s.transcript = Some(text.clone());
                }
                if conversation.is_some() {
                    s.external_id = conversation.clone();
                }
                Ok(())
            })
            .await?;
        if record.ended_at.is_none() {
            let status = if data.get("status").and_then(Value::as_str) == Some("failed") {
                CallStatus::Failed
            } else {
                CallStatus::Completed
            };
            self.finish_session(record, status, "conversation_ended", false)
                .await?;
        }
        Ok(())
    }
}

impl Services {
    /// The configured agent id of `support` or `sales`, or 503 naming what to set.
    fn elevenlabs_agent(&self, agent_type: &str) -> Result<String> {
        let settings = &self.integrations().elevenlabs;
        let (agent_id, variable) = match agent_type {
            "support" => (&settings.support_agent_id, "ELEVENLABS_SUPPORT_AGENT_ID"),
            "sales" => (&settings.sales_agent_id, "ELEVENLABS_SALES_AGENT_ID"),
            _ => {
                return Err(Error::InvalidFields(vec![crate::FieldError::new(
                    "agentType",
                    "must be support or sales",
                )]));
            }
        };
        if settings.api_key.is_none() {
            return Err(Error::Unavailable(
                "ElevenLabs is not configured: set ELEVENLABS_API_KEY".to_owned(),
            ));
        }
        agent_id.clone().ok_or_else(|| {
            Error::Unavailable(format!("ElevenLabs is not configured: set {variable}"))
        })
    }

    /// Asks ElevenLabs for a signed conversation URL, retrying overloads and network errors.
    async fn signed_url(&self, agent_id: &str) -> Result<String> {
        let elevenlabs = &self.ports().elevenlabs;
        let mut backoff = FIRST_BACKOFF;
        let mut last_error = String::new();
        for attempt in 1..=ATTEMPTS {
            let refusal = match elevenlabs.signed_url(agent_id).await {
                Ok(url) => return Ok(url),
                Err(refusal) if refusal.unconfigured => {
                    return Err(Error::Unavailable(refusal.reason));
                }
                Err(refusal) => refusal,
            };
            last_error = refusal.reason;
            tracing::warn!(attempt, error = %last_error, "ElevenLabs refused to start a conversation");
            if !refusal.retryable || attempt == ATTEMPTS {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        Err(Error::Upstream(format!(
            "ElevenLabs could not start the conversation: {last_error}"
        )))
    }
}

/// `user: …` / `agent: …` lines from ElevenLabs' transcript.
fn transcript_text(data: &Value) -> Option<String> {
    let turns = data.get("transcript")?.as_array()?;
    let mut text = String::new();
    for turn in turns {
        let role = turn
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let Some(message) = turn.get("message").and_then(Value::as_str) else {
            continue;
        };
        if text.len() + message.len() > MAX_TRANSCRIPT_BYTES {
            break;
        }
        text.push_str(role);
        text.push_str(": ");
        text.push_str(message);
        text.push('\n');
    }
    (!text.is_empty()).then_some(text)
}

/// `t=<unix seconds>,v0=<hex HMAC-SHA256 of "<t>.<body>">`, signed within the tolerance.
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now_secs: i64) -> Result<()> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v0", value)) => signatures.push(value.to_owned()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(Error::Unauthenticated)?;
    if (now_secs - timestamp).abs() > WEBHOOK_TOLERANCE_SECS {
        return Err(Error::Unauthenticated);
    }
    let expected = sign(secret, timestamp, body);
    let matches = signatures.iter().any(|candidate| {
        subtle::ConstantTimeEq::ct_eq(candidate.as_bytes(), expected.as_bytes()).into()
    });
    if matches {
        Ok(())
    } else {
        Err(Error::Unauthenticated)
    }
}

/// The signature ElevenLabs sends, for tests and the fake.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_must_match_and_be_fresh() {
        let body = br#"{"type":"post_call_transcription"}"#;
        let now = 1_700_000_000;
        let good = format!("t={now},v0={}", sign("whsec", now, body));
        assert!(verify_signature("whsec", &good, body, now + 10).is_ok());
        assert!(verify_signature("other", &good, body, now).is_err());
        assert!(verify_signature("whsec", &good, b"{}", now).is_err());
        assert!(verify_signature("whsec", &good, body, now + 31 * 60).is_err());
        assert!(verify_signature("whsec", "v0=abc", body, now).is_err());
    }

    #[test]
    fn transcripts_read_as_lines() {
        let data = serde_json::json!({"transcript": [
            {"role": "agent", "message": "Hi!"}, {"role": "user", "message": "Hello"}, {"role": "user"}
        ]});
        assert_eq!(transcript_text(&data).unwrap(), "agent: Hi!\nuser: Hello\n");
    }
}
