//! The dashboard's voice playground: a call a signed-in user holds with the app's agent.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// What the playground page starts from: the persona as defaults, and whether calls can
    /// start on this instance. For dashboard users who may see the app.
    pub fn playground_setup(
        &self,
        caller: &Caller,
    ) -> Result<model::agent::playground::PlaygroundSetup> {
        caller.require(Permission::AppsRead)?;
        let persona = crate::agent::persona::to_persona(&caller.app.settings);
        Ok(model::agent::playground::PlaygroundSetup {
            app_name: caller.app.name.clone(),
            app_active: caller.app.is_active,
            voice_unavailable: self.voice_unavailable(),
            instructions: persona.instructions,
            greeting: persona.persona_greeting.unwrap_or_default(),
            voice: persona.voice.unwrap_or_default(),
        })
    }

    /// A browser-safe session token for a signed-in dashboard user to try `slug`'s agent (the
    /// playground): the voice APIs then treat the user's browser like any end user's.
    pub async fn playground_token(
        &self,
        actor: &crate::Actor,
        slug: &str,
    ) -> Result<model::platform::auth::SessionTokenResponse> {
        let caller = self.playground_caller(actor, slug).await?;
        self.platform()
            .create_session_token(&caller, Some(PLAYGROUND_TOKEN_TTL_MS))
            .await
    }

    /// Starts a playground call for a signed-in dashboard user: seed 004's session (a room, the
    /// tester's LiveKit token, the agent dispatched with `agent_config`), its conversation on
    /// the `playground` channel, and a session token the browser stores the transcript and the
    /// rating with through the JSON API.
    pub async fn start_playground(
        &self,
        actor: &crate::Actor,
        slug: &str,
        agent_config: serde_json::Map<String, Value>,
    ) -> Result<model::agent::playground::PlaygroundCall> {
        let caller = self.playground_caller(actor, slug).await?;
        let token = self
            .platform()
            .create_session_token(&caller, Some(PLAYGROUND_TOKEN_TTL_MS))
            .await?;
        let identity = match &actor.principal {
            crate::Principal::User(user) => format!("playground-{}", user.id),
            crate::Principal::Operator => "playground-operator".to_owned(),
        };
        let started = self
            .start_session(
                &caller,
                model::agent::voice::StartSession {
                    user_identity: identity.clone(),
                    room_name: Some(format!("playground-{}", random_suffix(12))),
                    agent_config: Some(agent_config),
                },
            )
            .await?;
        // One conversation for the call: the voice session's, which its agent writes to.
        let session_id = self
            .store()
            .voice_session_for_room(&started.room_name)
            .await?
            .map(|session| session.session_key)
            .ok_or(Error::NotFound("voice session"))?;
        self.save_conversation(
            &caller,
            model::agent::conversations::SaveConversation {
                session_id: session_id.clone(),
                started_at: None,
                messages: None,
                status: None,
                channel: Some("playground".to_owned()),
                resolution: None,
            },
        )
        .await?;
        Ok(model::agent::playground::PlaygroundCall {
            livekit_url: started.livekit_url,
            user_token: started.user_token,
            session_id,
            room_name: started.room_name,
            session_token: token.session_token,
            identity,
        })
    }

    /// Ends a playground call: closes its room, which disconnects the agent. What became of
    /// the conversation is the agent's to say, as on any other channel.
    pub async fn end_playground(&self, actor: &crate::Actor, slug: &str, room: &str) -> Result<()> {
        let caller = Caller::for_app(self.platform().app_by_slug(actor, slug).await?);
        if !room.starts_with("playground-") {
            return Err(Error::Invalid("Not a playground room".to_owned()));
        }
        self.end_session_room(&caller, room).await
    }
}

impl Services {
    /// `slug`'s app as a dashboard user may try it: readable by them, and active.
    async fn playground_caller(&self, actor: &crate::Actor, slug: &str) -> Result<Caller> {
        let app = self.platform().app_by_slug(actor, slug).await?;
        if !app.is_active {
            return Err(Error::Conflict(
                "The app is deactivated; activate it to try it".to_owned(),
            ));
        }
        Ok(Caller::for_app(app))
    }
}
