//! What a dispatched agent is told: the call's configuration (seed 004's `agentConfig`, seed
//! 002's prompt and voice), the session it serves, and how to reach the platform for that call:
//! its URL, the app's slug and an agent credential minted for this one call.

use serde_json::{Map, Value, json};
use store::{AgentCredentialRecord, VoiceSessionRecord};

use crate::{Error, Result, Services};

/// An agent's dispatch metadata (JSON), and the credential it carries, to be stored before
/// the dispatch.
#[derive(Debug)]
pub(crate) struct AgentDispatch {
    pub metadata: String,
    pub credential: Option<AgentCredentialRecord>,
}

impl Services {
    /// The dispatch metadata of `record`'s agent: `extra`, the session's ids, and the platform
    /// access (`app_slug` and a new credential). Without a platform URL configured the agent
    /// gets no credential. Nothing is stored: see [`Services::dispatch_metadata`].
    pub(crate) fn agent_dispatch(
        &self,
        record: &VoiceSessionRecord,
        app_slug: &str,
        extra: Map<String, Value>,
    ) -> Result<AgentDispatch> {
        let room = record.room_name.clone().unwrap_or_default();
        let mut metadata = json!({
            "appId": record.app_id,
            "sessionId": record.session_key,
            "roomName": room,
        });
        let Value::Object(target) = &mut metadata else {
            return Err(Error::Internal("dispatch metadata is an object".into()));
        };
        target.extend(extra);
        let mut credential = None;
        if let Some(platform_url) = self.integrations().livekit.platform_url.clone() {
            let (secret, stored) =
                self.new_agent_credential(&record.app_id, &record.session_key, &room)?;
            target.insert("platformUrl".into(), platform_url.into());
            target.insert("appSlug".into(), app_slug.into());
            target.insert("agentCredential".into(), secret.into());
            target.insert("agentCredentialExpiresAt".into(), stored.expires_at.into());
            credential = Some(stored);
        }
        Ok(AgentDispatch {
            metadata: metadata.to_string(),
            credential,
        })
    }

    /// [`Services::agent_dispatch`] for a session already stored: the credential is stored
    /// now. Answers the metadata.
    pub(crate) async fn dispatch_metadata(
        &self,
        record: &VoiceSessionRecord,
        extra: Map<String, Value>,
    ) -> Result<String> {
        // The slug is told only with the platform access.
        let app_slug = match self.integrations().livekit.platform_url {
            Some(_) => {
                self.store()
                    .app_by_id(&record.app_id)
                    .await?
                    .ok_or(Error::NotFound("app"))?
                    .slug
            }
            None => String::new(),
        };
        let dispatch = self.agent_dispatch(record, &app_slug, extra)?;
        if let Some(credential) = &dispatch.credential {
            self.store().insert_agent_credential(credential).await?;
        }
        Ok(dispatch.metadata)
    }
}
