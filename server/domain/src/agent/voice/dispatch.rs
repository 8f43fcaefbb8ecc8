//! What a dispatched agent is told: the call's configuration (seed 004's `agentConfig`, seed
//! 002's prompt and voice), the session it serves, and how to reach the platform for that call:
//! its URL, the app's slug and an agent credential minted for this one call.

use serde_json::{Map, Value, json};
use store::VoiceSessionRecord;

use crate::{Error, Result, Services};

impl Services {
    /// The dispatch metadata (JSON) of `record`'s agent: `extra`, the session's ids, and the
    /// platform access. Without a platform URL configured the agent gets no credential.
    pub(crate) async fn dispatch_metadata(
        &self,
        record: &VoiceSessionRecord,
        extra: Map<String, Value>,
    ) -> Result<String> {
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
        if let Some(platform_url) = self.integrations().livekit.platform_url.clone() {
            let app = self
                .store()
                .app_by_id(&record.app_id)
                .await?
                .ok_or(Error::NotFound("app"))?;
            let (credential, expires_at) = self
                .mint_agent_credential(&record.app_id, &record.session_key, &room)
                .await?;
            target.insert("platformUrl".into(), platform_url.into());
            target.insert("appSlug".into(), app.slug.into());
            target.insert("agentCredential".into(), credential.into());
            target.insert("agentCredentialExpiresAt".into(), expires_at.into());
        }
        Ok(metadata.to_string())
    }
}
