//! Seed 002's `/api/voice`: calls, the OpenAI Realtime configuration, recordings, the agent,
//! and tokens.

mod agents;
mod realtime;
mod recording;
use std::time::Duration;

use model::agent::voice::{
    AgentSession, AgentSpawned, AgentState, AgentStatus, CallCreated, CallCreatedResponse,
    CallDetail, CallDetailResponse, CallList, CallStatus, CallSummary, CallType, CreateCall,
    RealtimeLivekit, RealtimeStarted, RealtimeStatus, RecordingInfo, RecordingStarted,
    RecordingStatus, SessionOrigin, SpawnAgent, StartRealtime, StartRecording, UpdateAgent,
    UpdateCall, UpdateRecording, VOICES, VoiceToken, VoiceTokenRequest,
};
use model::platform::users::Permission;
use serde_json::json;
use store::{VoiceSessionFilter, VoiceSessionRecord};

use super::{
    agent_status_of, duration_secs, is_livekit_name, metadata_of, new_session, not_found_as,
    random_suffix, status_of,
};
use crate::agent::Agent;
use crate::clock::iso8601;
use crate::ports::livekit::{NewRoom, RecordingFormat, TokenSpec};
use crate::validation::Checks;
use crate::{Caller, Error, FieldError, Result, Services};

const DEFAULT_REALTIME_MODEL: &str = "gpt-4o-realtime-preview-2024-12-17";
const DEFAULT_INSTRUCTIONS: &str = "You are a helpful AI assistant for customer support. Be \
    concise, friendly and accurate. If you cannot help, offer to transfer the caller to a human.";
const CALL_TOKEN_TTL: Duration = Duration::from_secs(60 * 60);
const MAX_PROMPT_BYTES: usize = 20_000;
const MAX_TRANSCRIPT_BYTES: usize = 1024 * 1024;

fn room_name_required(room: &str) -> Result<&str> {
    let room = room.trim();
    if is_livekit_name(room) {
        Ok(room)
    } else {
        Err(Error::InvalidFields(vec![FieldError::new(
            "roomName",
            "is required: 1–128 letters, digits, or _ - . : @",
        )]))
    }
}

fn parse_voice(voice: Option<&str>, checks: &mut Checks) -> String {
    match voice {
        None => "alloy".to_owned(),
        Some(voice) if VOICES.contains(&voice) => voice.to_owned(),
        Some(_) => {
            checks.fail("voice", format!("must be one of {}", VOICES.join(", ")));
            "alloy".to_owned()
        }
    }
}

impl Agent<'_> {
    /// `POST /api/voice/session`: a room, the caller's token, and (for support calls) the agent.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn create_call(
        &self,
        caller: &Caller,
        input: CreateCall,
    ) -> Result<CallCreatedResponse> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        let call_type = match input.call_type.as_deref() {
            None => CallType::Support,
            Some(text) => CallType::parse(text).unwrap_or_else(|| {
                checks.fail(
                    "callType",
                    "Invalid call type: support, user-to-user or conference",
                );
                CallType::Support
            }),
        };
        let identity = input
            .participant_identity
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map_or_else(|| format!("user-{}", random_suffix(8)), str::to_owned);
        if !is_livekit_name(&identity) || super::rooms::is_agent_identity(&identity) {
            checks.fail(
                "participantIdentity",
                "must be 1–128 letters, digits, or _ - . : @, and not an agent's",
            );
        }
        let participant_name = input
            .participant_name
            .clone()
            .unwrap_or_else(|| identity.clone());
        checks.text("participantName", &participant_name, 1, 128);
        if call_type == CallType::UserToUser
            && input
                .callee_id
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
        {
            checks.fail("calleeId", "is required for user-to-user calls");
        }
        checks.optional_text("calleeId", input.callee_id.as_deref(), 128);
        if let Some(prompt) = &input.system_prompt {
            checks.bytes("systemPrompt", prompt, MAX_PROMPT_BYTES);
        }
        let voice = parse_voice(input.voice.as_deref(), &mut checks);
        let room = input.room_name.as_deref().map(str::trim).map_or_else(
            || {
                format!(
                    "{}-{identity}-{}",
                    call_type.as_str(),
                    self.now_ms() / 1_000
                )
            },
            str::to_owned,
        );
        if !is_livekit_name(&room) {
            checks.fail("roomName", "must be 1–128 letters, digits, or _ - . : @");
        }
        checks.finish()?;
        let livekit = self.livekit()?;
        self.require_free_room(&room).await?;
        let with_agent = input
            .enable_ai_agent
            .unwrap_or(call_type == CallType::Support);
        let mut record = new_session(
            caller,
            SessionOrigin::Voice,
            Some(room.clone()),
            self.now_ms(),
        );
        record.call_type = Some(call_type.as_str().to_owned());
        record.owner_identity = Some(identity.clone());
        record.owner_name = Some(participant_name.clone());
        record.callee_id = input.callee_id.clone();
        record.recording_enabled = input.enable_recording.unwrap_or(true);
        record.system_prompt = input.system_prompt.clone();
        record.voice = Some(voice.clone());
        record.status = if call_type == CallType::UserToUser {
            CallStatus::Ringing
        } else {
            CallStatus::Pending
        }
        .as_str()
        .to_owned();
        let max_participants = if call_type == CallType::Conference {
            20
        } else {
            2
        };
        record.max_participants = Some(i64::from(max_participants));
        // Stored first, so LiveKit's webhooks about the room find it however fast they come;
        // discarded again if LiveKit fails.
        self.open_session(&record).await?;
        let opened = livekit
            .create_room(NewRoom {
                name: &room,
                max_participants: max_participants + 1,
                empty_timeout_secs: 300,
                metadata: String::new(),
            })
            .await;
        if let Err(err) = opened {
            self.discard_session(&record).await;
            return Err(err);
        }
        if with_agent {
            match self.dispatch_call_agent(record.clone()).await {
                Ok(written) => record = written,
                Err(err) => {
                    self.discard_session(&record).await;
                    let _ = livekit.delete_room(&room).await;
                    return Err(err);
                }
            }
        }
        let token = livekit.token(&TokenSpec {
            room: &room,
            identity: &identity,
            name: Some(&participant_name),
            ttl: CALL_TOKEN_TTL,
            ..Default::default()
        })?;
        Ok(CallCreatedResponse {
            success: true,
            message: "Voice session created successfully".to_owned(),
            session: CallCreated {
                call_id: record.id.clone(),
                room_name: room,
                participant_name,
                token,
                livekit_host: livekit.url().to_owned(),
                call_type,
                status: status_of(&record),
                agent_spawned: record.agent_dispatch_id.is_some(),
                agent_status: agent_status_of(&record),
                recording_enabled: record.recording_enabled,
                created_at: iso8601(record.created_at),
            },
        })
    }

    /// `GET /api/voice/session?roomName=`.
    pub async fn call_detail(&self, caller: &Caller, room: &str) -> Result<CallDetailResponse> {
        caller.permit(Permission::ConversationsRead)?;
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        Ok(CallDetailResponse {
            success: true,
            session: to_call_detail(&record, self.now_ms()),
        })
    }

    /// `GET /api/voice/session`: the caller's calls by offset (seed 002's pagination).
    pub async fn list_calls(
        &self,
        caller: &Caller,
        status: Option<&str>,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<CallList> {
        caller.permit(Permission::ConversationsRead)?;
        let status = status
            .map(|s| {
                CallStatus::parse(s).ok_or_else(|| {
                    Error::Invalid(
                        "status must be pending, ringing, connected, completed, missed or failed"
                            .to_owned(),
                    )
                })
            })
            .transpose()?;
        let limit = limit.unwrap_or(10).clamp(1, 100);
        let offset = offset.unwrap_or(0).max(0);
        let filter = VoiceSessionFilter {
            statuses: status
                .map(|s| vec![s.as_str().to_owned()])
                .unwrap_or_default(),
            origin: None,
            owner_token_hash: caller.session_token_hash().map(str::to_owned),
            with_room: true,
        };
        let (rows, total) = self
            .store()
            .voice_sessions_by_offset(&caller.app.id, &filter, offset, limit)
            .await?;
        let sessions: Vec<CallSummary> = {
            let now = self.now_ms();
            rows.iter().map(|row| to_call_summary(row, now)).collect()
        };
        Ok(CallList {
            success: true,
            count: i64::try_from(sessions.len()).unwrap_or(0),
            total,
            limit,
            offset,
            sessions,
        })
    }

    /// `PATCH /api/voice/session`: status and agent status, through the state machine.
    pub async fn update_call(&self, caller: &Caller, input: UpdateCall) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?;
        let status = input
            .status
            .as_deref()
            .map(|s| {
                CallStatus::parse(s).ok_or_else(|| {
                    Error::Invalid(
                        "Invalid status: pending, ringing, connected, completed, missed or failed"
                            .to_owned(),
                    )
                })
            })
            .transpose()?;
        let agent_status = input
            .agent_status
            .as_deref()
            .map(parse_agent_status)
            .transpose()?;
        let record = self.session_in_room(caller, room).await?;
        if let Some(status) = status
            && status.is_ended()
        {
            let record = self.set_agent_status(record, agent_status).await?;
            return self
                .end_call_with(record, status, "api_update")
                .await
                .map(|_| ());
        }
        let record = self.set_agent_status(record, agent_status).await?;
        if let Some(status) = status {
            self.change_session(record, |session| {
                let current = status_of(session);
                if !current.can_become(status) {
                    return Err(Error::InvalidTransition {
                        what: "status",
                        from: current.as_str(),
                        to: status.as_str(),
                    });
                }
                if status == CallStatus::Connected && session.connected_at.is_none() {
                    session.connected_at = Some(self.now_ms());
                }
                session.status = status.as_str().to_owned();
                Ok(())
            })
            .await?;
        }
        Ok(())
    }

    /// `DELETE /api/voice/session` and `/api/voice/realtime`: ends the call; its duration.
    pub async fn end_call(&self, caller: &Caller, room: &str) -> Result<i64> {
        caller.permit(Permission::AppsRead)?;
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        if record.ended_at.is_some() {
            return Ok(duration_secs(&record, self.now_ms()));
        }
        self.end_call_with(record, CallStatus::Completed, "api_delete")
            .await
    }

    /// `POST /api/voice/token`: a token for a new (or the caller's existing) call room.
    pub async fn voice_token(
        &self,
        caller: &Caller,
        input: VoiceTokenRequest,
    ) -> Result<VoiceToken> {
        caller.permit(Permission::AppsRead)?;
        let room_type = match input.room_type.as_deref() {
            None => CallType::Support,
            Some(text) => CallType::parse(text).ok_or_else(|| {
                Error::Invalid("Invalid room type: support, user-to-user or conference".to_owned())
            })?,
        };
        let livekit = self.livekit()?;
        let existing = match input.room_name.as_deref().map(str::trim) {
            Some(room) => self
                .store()
                .voice_session_by_room(&caller.app.id, room_name_required(room)?)
                .await?
                .filter(|r| r.ended_at.is_none()),
            None => None,
        };
        let (record, identity, name, spawned) = match existing {
            Some(record) => {
                super::check_owner(caller, &record)?;
                let identity = input
                    .participant_identity
                    .clone()
                    .unwrap_or_else(|| format!("user-{}", random_suffix(8)));
                if !is_livekit_name(&identity) || super::rooms::is_agent_identity(&identity) {
                    return Err(Error::InvalidFields(vec![FieldError::new(
                        "participantIdentity",
                        "must be 1–128 letters, digits, or _ - . : @, and not an agent's",
                    )]));
                }
                let name = input
                    .participant_name
                    .clone()
                    .unwrap_or_else(|| identity.clone());
                let spawned = record.agent_dispatch_id.is_some();
                (record, identity, name, spawned)
            }
            None => {
                let created = self
                    .create_call(
                        caller,
                        CreateCall {
                            call_type: Some(room_type.as_str().to_owned()),
                            room_name: input.room_name.clone(),
                            callee_id: (room_type == CallType::UserToUser)
                                .then(|| "pending".to_owned()),
                            enable_recording: Some(false),
                            enable_ai_agent: Some(input.spawn_ai_agent.unwrap_or(true)),
                            system_prompt: None,
                            voice: None,
                            participant_identity: input.participant_identity.clone(),
                            participant_name: input.participant_name.clone(),
                        },
                    )
                    .await?;
                return Ok(VoiceToken {
                    token: created.session.token,
                    room_name: created.session.room_name,
                    participant_name: created.session.participant_name,
                    livekit_host: created.session.livekit_host,
                    agent_spawned: created.session.agent_spawned,
                    call_id: created.session.call_id,
                });
            }
        };
        let room = record.room_name.clone().unwrap_or_default();
        let token = livekit.token(&TokenSpec {
            room: &room,
            identity: &identity,
            name: Some(&name),
            ttl: CALL_TOKEN_TTL,
            ..Default::default()
        })?;
        Ok(VoiceToken {
            token,
            room_name: room,
            participant_name: name,
            livekit_host: livekit.url().to_owned(),
            agent_spawned: spawned,
            call_id: record.id,
        })
    }
}

impl Services {
    /// Dispatches the configured agent to the session's room (with the session's prompt and
    /// voice) and records the dispatch; answers the written session.
    async fn dispatch_call_agent(&self, record: VoiceSessionRecord) -> Result<VoiceSessionRecord> {
        let livekit = self.livekit()?;
        let room = record.room_name.clone().unwrap_or_default();
        let identity = format!("ai-agent-{}", self.now_ms() / 1_000);
        let agent_name = self.integrations().livekit.agent_name.clone();
        let config = json!({
            "agentIdentity": identity,
            "callType": record.call_type,
            "systemPrompt": record.system_prompt,
            "voice": record.voice,
        });
        let mut extra = config.as_object().cloned().unwrap_or_default();
        extra.insert(
            "agentConfig".into(),
            json!({ "prompt": record.system_prompt, "voice": record.voice }),
        );
        let metadata = self.dispatch_metadata(&record, extra).await?;
        let dispatch = livekit.dispatch_agent(&room, &agent_name, metadata).await?;
        self.change_session(record, |s| {
            s.agent_name = Some(agent_name.clone());
            s.agent_dispatch_id = Some(dispatch.id.clone());
            // The agent may have joined already (its webhook came first): keep what it said.
            if s.agent_status.as_deref() != Some(AgentStatus::Active.as_str()) {
                s.agent_status = Some(AgentStatus::Pending.as_str().to_owned());
                s.agent_identity = Some(identity.clone());
            }
            Ok(())
        })
        .await
    }

    async fn set_agent_status(
        &self,
        record: VoiceSessionRecord,
        agent_status: Option<AgentStatus>,
    ) -> Result<VoiceSessionRecord> {
        let Some(agent_status) = agent_status else {
            return Ok(record);
        };
        self.change_session(record, |session| {
            session.agent_status = Some(agent_status.as_str().to_owned());
            Ok(())
        })
        .await
    }

    async fn end_call_with(
        &self,
        record: VoiceSessionRecord,
        status: CallStatus,
        reason: &str,
    ) -> Result<i64> {
        if record.ended_at.is_some() {
            let current = status_of(&record);
            if current != status {
                return Err(Error::InvalidTransition {
                    what: "status",
                    from: current.as_str(),
                    to: status.as_str(),
                });
            }
            return Ok(duration_secs(&record, self.now_ms()));
        }
        let ended = self.finish_session(record, status, reason, true).await?;
        Ok(duration_secs(&ended, self.now_ms()))
    }

    fn recording_path(&self) -> Result<String> {
        self.integrations()
            .livekit
            .recording_path
            .clone()
            .ok_or_else(|| {
                Error::Unavailable(
                    "Recording service not configured: set LIVEKIT_RECORDING_PATH (and run \
                     LiveKit Egress)"
                        .to_owned(),
                )
            })
    }
}

fn parse_agent_status(value: &str) -> Result<AgentStatus> {
    AgentStatus::parse(value).ok_or_else(|| {
        Error::Invalid("Invalid agent status: pending, active or disconnected".to_owned())
    })
}

fn to_call_detail(record: &VoiceSessionRecord, now: i64) -> CallDetail {
    let agent_status = agent_status_of(record);
    CallDetail {
        call_id: record.id.clone(),
        room_name: record.room_name.clone().unwrap_or_default(),
        call_type: record.call_type.as_deref().and_then(CallType::parse),
        status: status_of(record),
        started_at: iso8601(record.created_at),
        connected_at: record.connected_at.map(iso8601),
        ended_at: record.ended_at.map(iso8601),
        duration: duration_secs(record, now),
        recording_url: record.recording_url.clone(),
        transcript: record.transcript.clone(),
        metadata: metadata_of(record),
        agent_status,
        agent_available: agent_status == Some(AgentStatus::Active) && record.ended_at.is_none(),
    }
}

fn to_call_summary(record: &VoiceSessionRecord, now: i64) -> CallSummary {
    CallSummary {
        call_id: record.id.clone(),
        room_name: record.room_name.clone().unwrap_or_default(),
        call_type: record.call_type.as_deref().and_then(CallType::parse),
        status: status_of(record),
        started_at: iso8601(record.created_at),
        connected_at: record.connected_at.map(iso8601),
        ended_at: record.ended_at.map(iso8601),
        duration: duration_secs(record, now),
        has_recording: record.egress_id.is_some() || record.recording_url.is_some(),
        has_transcript: record.transcript.is_some(),
        created_at: iso8601(record.created_at),
    }
}

fn recording_info(record: &VoiceSessionRecord) -> Option<RecordingInfo> {
    let status = record.recording_status.clone()?;
    Some(RecordingInfo {
        egress_id: record.egress_id.clone()?,
        room_name: record.room_name.clone().unwrap_or_default(),
        started_at: record.recording_started_at.map(iso8601),
        is_active: Some(status == "active"),
        status,
    })
}

fn agent_session(record: &VoiceSessionRecord) -> Option<AgentSession> {
    Some(AgentSession {
        room_name: record.room_name.clone().unwrap_or_default(),
        agent_identity: record
            .agent_identity
            .clone()
            .or_else(|| record.agent_name.clone())?,
        status: agent_status_of(record)?,
        created_at: iso8601(record.created_at),
        token: None,
        server_url: None,
    })
}
