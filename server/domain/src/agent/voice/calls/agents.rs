//! The agent in a call (seed 002): dispatched, its state read and changed, removed.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// `POST /api/voice/agent`: dispatches the agent to the call's room.
    pub async fn spawn_agent(&self, caller: &Caller, input: SpawnAgent) -> Result<AgentSpawned> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?.to_owned();
        let mut checks = Checks::new();
        if let Some(prompt) = &input.system_prompt {
            checks.bytes("systemPrompt", prompt, MAX_PROMPT_BYTES);
        }
        let voice = input
            .voice
            .as_deref()
            .map(|v| parse_voice(Some(v), &mut checks));
        checks.finish()?;
        let livekit = self.livekit()?;
        let record = self.live_room(caller, &room).await?;
        if record.agent_dispatch_id.is_some()
            && agent_status_of(&record) != Some(AgentStatus::Disconnected)
        {
            return Err(Error::Conflict(
                "An agent is already in this room".to_owned(),
            ));
        }
        let record = self
            .change_session(record, |s| {
                if input.system_prompt.is_some() {
                    s.system_prompt = input.system_prompt.clone();
                }
                if voice.is_some() {
                    s.voice = voice.clone();
                }
                Ok(())
            })
            .await?;
        let written = self.dispatch_call_agent(record).await?;
        let identity = written.agent_identity.clone().unwrap_or_default();
        let token = livekit.token(&TokenSpec {
            room: &room,
            identity: &identity,
            ttl: CALL_TOKEN_TTL,
            agent: true,
            ..Default::default()
        })?;
        Ok(AgentSpawned {
            success: true,
            message: "Agent spawned successfully".to_owned(),
            session: AgentSession {
                room_name: room,
                agent_identity: identity,
                status: AgentStatus::Pending,
                created_at: iso8601(written.updated_at),
                token: Some(token),
                server_url: Some(livekit.url().to_owned()),
            },
        })
    }

    /// `GET /api/voice/agent`: one room's agent, or every agent in a live room.
    pub async fn agent_state(
        &self,
        caller: &Caller,
        room: Option<&str>,
        list_all: bool,
    ) -> Result<AgentState> {
        caller.permit(Permission::ConversationsRead)?;
        if list_all && room.is_none() {
            let live = [
                CallStatus::Pending,
                CallStatus::Ringing,
                CallStatus::Connected,
            ];
            let rows = self.caller_room_sessions(caller, &live).await?;
            let agents: Vec<AgentSession> = rows.iter().filter_map(agent_session).collect();
            return Ok(AgentState {
                success: true,
                available: agents.iter().any(|a| a.status == AgentStatus::Active),
                session: None,
                agents: Some(agents),
            });
        }
        let record = self
            .session_in_room(caller, room_name_required(room.unwrap_or_default())?)
            .await?;
        let session = agent_session(&record);
        Ok(AgentState {
            success: true,
            available: session
                .as_ref()
                .is_some_and(|s| s.status == AgentStatus::Active)
                && record.ended_at.is_none(),
            session,
            agents: None,
        })
    }

    /// `PATCH /api/voice/agent`.
    pub async fn update_agent(&self, caller: &Caller, input: UpdateAgent) -> Result<AgentStatus> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?;
        let status = parse_agent_status(&input.status)?;
        let record = self.session_in_room(caller, room).await?;
        if record.agent_status.is_none() {
            return Err(Error::NotFound("Agent"));
        }
        self.set_agent_status(record, Some(status)).await?;
        Ok(status)
    }

    /// `DELETE /api/voice/agent`: takes the dispatch back and marks the agent gone.
    pub async fn remove_agent(&self, caller: &Caller, room: &str) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(room)?;
        let record = self.session_in_room(caller, room).await?;
        let Some(dispatch_id) = record.agent_dispatch_id.clone() else {
            return Err(Error::NotFound("Agent"));
        };
        if let Ok(livekit) = self.livekit() {
            livekit.remove_dispatch(&dispatch_id, room).await?;
            if let Some(identity) = &record.agent_identity {
                // The agent may not have joined yet; nothing to remove then.
                let _ = livekit.remove_participant(room, identity).await;
            }
        }
        self.set_agent_status(record, Some(AgentStatus::Disconnected))
            .await?;
        Ok(())
    }
}
