//! Calls from the support widget: a visitor talks to the app's agent, as a tester does in the
//! playground. The agent wing knows the visitor only by an opaque id (the desk's contact id),
//! which it keeps as the voice session's customer id.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// Starts a call for the visitor `visitor_id` of `app`'s widget: seed 004's session with
    /// the app's agent and its default configuration, and its conversation on the `widget`
    /// channel. 503 when LiveKit is not configured.
    pub async fn start_visitor_call(
        &self,
        app: &model::platform::apps::App,
        visitor_id: &str,
    ) -> Result<model::agent::voice::VisitorCall> {
        let caller = Caller::for_app(app.clone());
        let identity = visitor_identity(visitor_id);
        // Bound to the visitor from the start, for the desk's contact history and handoffs.
        let (started, session_key) = self
            .start_session_for(
                &caller,
                model::agent::voice::StartSession {
                    user_identity: identity.clone(),
                    room_name: Some(format!("widget-{}", random_suffix(12))),
                    agent_config: None,
                },
                Some(visitor_id),
            )
            .await?;
        self.save_conversation(
            &caller,
            model::agent::conversations::SaveConversation {
                session_id: session_key.clone(),
                started_at: None,
                messages: None,
                status: None,
                channel: Some("widget".to_owned()),
                resolution: None,
            },
        )
        .await?;
        Ok(model::agent::voice::VisitorCall {
            livekit_url: started.livekit_url,
            user_token: started.user_token,
            room_name: started.room_name,
            session_id: session_key,
            identity,
        })
    }

    /// Ends a visitor's call: closes its room. Another visitor's room is not found.
    pub async fn end_visitor_call(
        &self,
        app: &model::platform::apps::App,
        visitor_id: &str,
        room: &str,
    ) -> Result<()> {
        let caller = Caller::for_app(app.clone());
        let identity = visitor_identity(visitor_id);
        let theirs = self
            .store()
            .voice_session_for_room(room.trim())
            .await?
            .is_some_and(|session| {
                session.app_id == app.id && session.owner_identity.as_deref() == Some(&identity)
            });
        if !theirs {
            return Err(Error::NotFound("call"));
        }
        self.end_session_room(&caller, room).await
    }
}

/// The identity a visitor joins LiveKit rooms as.
fn visitor_identity(visitor_id: &str) -> String {
    format!("visitor-{visitor_id}")
}
