//! The voice sessions list and a session's page.

use leptos::prelude::*;
use model::agent::voice::{VoiceSessionDetail, VoiceSessionPage};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// One page of the app's voice sessions from every voice API, newest first.
#[server(prefix = "/sfn", endpoint = "voice-sessions")]
pub async fn voice_sessions(
    slug: String,
    status: Option<String>,
    origin: Option<String>,
    cursor: Option<String>,
) -> Result<VoiceSessionPage, UiError> {
    use model::agent::voice::{CallStatus, SessionOrigin};

    let (services, caller) = ssr::app_caller(&slug).await?;
    let status = ssr::parsed("status", status, CallStatus::parse)?;
    let origin = ssr::parsed("origin", origin, SessionOrigin::parse)?;
    let query = model::agent::voice::VoiceSessionQuery {
        status,
        origin,
        cursor: ssr::given(cursor),
        limit: Some(25),
    };
    Ok(services.agent().list_voice_sessions(&caller, query).await?)
}

/// One voice session with its participants and transcript.
#[server(prefix = "/sfn", endpoint = "voice-session")]
pub async fn voice_session(slug: String, id: String) -> Result<VoiceSessionDetail, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().voice_session_detail(&caller, &id).await?)
}
