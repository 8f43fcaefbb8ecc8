//! Seed 002's `/api/voice`: calls, the OpenAI Realtime configuration, recordings, the agent,
//! and tokens.

use std::time::Duration;

use model::agent::voice::{
    AgentSession, AgentSpawned, AgentState, AgentStatus, CallCreated, CallCreatedResponse,
    CallDetail, CallDetailResponse, CallList, CallStatus, CallSummary, CallType, CreateCall,
    RealtimeLivekit, RealtimeStarted, RealtimeStatus, RecordingInfo, RecordingStarted,
    RecordingStatus, SessionOrigin, SpawnAgent, StartRealtime, StartRecording, UpdateAgent,
    UpdateCall, UpdateRecording, VOICES, VoiceToken, VoiceTokenRequest,
};
use serde_json::json;
use store::{VoiceSessionFilter, VoiceSessionRecord};

use super::livekit::{TokenSpec, recording_location};
use super::rooms::dispatch_metadata;
use super::{
    agent_status_of, duration_secs, is_livekit_name, metadata_of, new_session, not_found_as,
    random_suffix, status_of,
};
use crate::clock::iso8601;
use crate::validation::Checks;
use crate::{Caller, Error, FieldError, Result, Services, now_ms};

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

impl Services {
    /// `POST /api/voice/session`: a room, the caller's token, and (for support calls) the agent.
    pub async fn create_call(
        &self,
        caller: &Caller,
        input: CreateCall,
    ) -> Result<CallCreatedResponse> {
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
            || format!("{}-{identity}-{}", call_type.as_str(), now_ms() / 1_000),
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
        let mut record = new_session(caller, SessionOrigin::Voice, Some(room.clone()));
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
            .create_room(&room, max_participants + 1, 300, String::new())
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

    /// Dispatches the configured agent to the session's room (with the session's prompt and
    /// voice) and records the dispatch; answers the written session.
    async fn dispatch_call_agent(&self, record: VoiceSessionRecord) -> Result<VoiceSessionRecord> {
        let livekit = self.livekit()?;
        let room = record.room_name.clone().unwrap_or_default();
        let identity = format!("ai-agent-{}", now_ms() / 1_000);
        let agent_name = self.integrations().livekit.agent_name.clone();
        let metadata = dispatch_metadata(
            &record,
            json!({
                "agentIdentity": identity,
                "callType": record.call_type,
                "systemPrompt": record.system_prompt,
                "voice": record.voice,
            }),
        );
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

    /// `GET /api/voice/session?roomName=`.
    pub async fn call_detail(&self, caller: &Caller, room: &str) -> Result<CallDetailResponse> {
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        Ok(CallDetailResponse {
            success: true,
            session: to_call_detail(&record),
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
        let sessions: Vec<CallSummary> = rows.iter().map(to_call_summary).collect();
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
                    session.connected_at = Some(now_ms());
                }
                session.status = status.as_str().to_owned();
                Ok(())
            })
            .await?;
        }
        Ok(())
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
            return Ok(duration_secs(&record));
        }
        let ended = self.finish_session(record, status, reason, true).await?;
        Ok(duration_secs(&ended))
    }

    /// `DELETE /api/voice/session` and `/api/voice/realtime`: ends the call; its duration.
    pub async fn end_call(&self, caller: &Caller, room: &str) -> Result<i64> {
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        if record.ended_at.is_some() {
            return Ok(duration_secs(&record));
        }
        self.end_call_with(record, CallStatus::Completed, "api_delete")
            .await
    }

    /// `POST /api/voice/realtime`: the OpenAI Realtime configuration for the call's agent.
    pub async fn start_realtime(
        &self,
        caller: &Caller,
        input: StartRealtime,
    ) -> Result<RealtimeStarted> {
        let room = room_name_required(&input.room_name)?;
        let model = input
            .model
            .unwrap_or_else(|| DEFAULT_REALTIME_MODEL.to_owned());
        if model.trim().is_empty() || model.len() > 100 {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "model",
                "must be 1–100 characters",
            )]));
        }
        let livekit = self.livekit()?;
        let record = self
            .session_in_room(caller, room)
            .await
            .map_err(not_found_as("Call session or agent"))?;
        let agent_identity = record
            .agent_identity
            .clone()
            .filter(|_| record.ended_at.is_none())
            .ok_or(Error::NotFound("Call session or agent"))?;
        if agent_status_of(&record) == Some(AgentStatus::Disconnected) {
            return Err(Error::Unavailable("AI agent not ready".to_owned()));
        }
        Ok(RealtimeStarted {
            success: true,
            room_name: room.to_owned(),
            model,
            agent_identity,
            configuration: json!({
                "modalities": ["text", "audio"],
                "instructions": record.system_prompt.as_deref().unwrap_or(DEFAULT_INSTRUCTIONS),
                "voice": record.voice.as_deref().unwrap_or("alloy"),
                "input_audio_format": "pcm16",
                "output_audio_format": "pcm16",
                "input_audio_transcription": { "model": "whisper-1" },
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500
                }
            }),
            livekit: RealtimeLivekit {
                server_url: livekit.url().to_owned(),
                room_name: room.to_owned(),
            },
        })
    }

    /// `GET /api/voice/realtime?roomName=`.
    pub async fn realtime_status(&self, caller: &Caller, room: &str) -> Result<RealtimeStatus> {
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        let agent_status = agent_status_of(&record);
        Ok(RealtimeStatus {
            success: true,
            room_name: record.room_name.clone().unwrap_or_default(),
            call_status: status_of(&record),
            agent_status,
            agent_available: agent_status == Some(AgentStatus::Active) && record.ended_at.is_none(),
            duration: duration_secs(&record),
            connected_at: record.connected_at.map(iso8601),
            metadata: metadata_of(&record),
        })
    }

    /// `POST /api/voice/recording`: starts an audio recording of the room (LiveKit egress).
    pub async fn start_call_recording(
        &self,
        caller: &Caller,
        input: StartRecording,
    ) -> Result<RecordingStarted> {
        let room = room_name_required(&input.room_name)?.to_owned();
        let file_type = match input.file_type.as_deref() {
            None | Some("mp4") => livekit_protocol::EncodedFileType::Mp4,
            Some("ogg") => livekit_protocol::EncodedFileType::Ogg,
            Some(_) => return Err(Error::Invalid("Invalid file type: mp4 or ogg".to_owned())),
        };
        if let Some(path) = &input.output_path
            && (path.is_empty() || path.len() > 512 || path.contains(".."))
        {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "outputPath",
                "must be 1–512 characters without `..`",
            )]));
        }
        let livekit = self.livekit()?;
        let base = self.recording_path()?;
        let record = self.session_in_room(caller, &room).await?;
        if record.ended_at.is_some() {
            return Err(Error::Invalid("Call is not active".to_owned()));
        }
        if record.recording_status.as_deref() == Some("active") {
            return Err(Error::Conflict("Recording already in progress".to_owned()));
        }
        let extension = if file_type == livekit_protocol::EncodedFileType::Ogg {
            "ogg"
        } else {
            "mp4"
        };
        let filepath = input.output_path.clone().unwrap_or_else(|| {
            format!(
                "{}/{room}-{}.{extension}",
                base.trim_end_matches('/'),
                now_ms()
            )
        });
        let egress = livekit.start_recording(&room, &filepath, file_type).await?;
        let started_at = now_ms();
        let egress_id = egress.egress_id.clone();
        let written = self
            .change_session(record, |session| {
                // LiveKit's `egress_started` webhook may have marked this very egress active
                // already; only another egress is a conflict.
                if session.recording_status.as_deref() == Some("active")
                    && session.egress_id.as_deref() != Some(egress_id.as_str())
                {
                    return Err(Error::Conflict("Recording already in progress".to_owned()));
                }
                session.egress_id = Some(egress_id.clone());
                session.recording_status = Some("active".to_owned());
                session.recording_started_at = Some(started_at);
                session.recording_url = None;
                Ok(())
            })
            .await;
        if let Err(err) = written {
            let _ = livekit.stop_recording(&egress.egress_id).await;
            return Err(err);
        }
        Ok(RecordingStarted {
            success: true,
            message: "Recording started successfully".to_owned(),
            recording: RecordingInfo {
                egress_id: egress.egress_id,
                room_name: room,
                started_at: Some(iso8601(started_at)),
                status: "active".to_owned(),
                is_active: None,
            },
        })
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

    /// `GET /api/voice/recording`: one room's recording (and its URL), or every active one.
    pub async fn call_recording(
        &self,
        caller: &Caller,
        room: Option<&str>,
        egress_id: Option<&str>,
        list_all: bool,
    ) -> Result<RecordingStatus> {
        if list_all && room.is_none() {
            let rows = self.caller_room_sessions(caller, &[]).await?;
            let recordings = rows
                .iter()
                .filter(|r| r.recording_status.as_deref() == Some("active"))
                .filter_map(recording_info)
                .collect();
            return Ok(RecordingStatus {
                success: true,
                recording: None,
                recording_url: None,
                recordings: Some(recordings),
            });
        }
        let room = room_name_required(room.unwrap_or_default())?;
        let mut record = self.session_in_room(caller, room).await?;
        if let Some(egress_id) = egress_id
            && record.egress_id.as_deref() != Some(egress_id)
        {
            return Err(Error::NotFound("Recording"));
        }
        let Some(current_egress) = record.egress_id.clone() else {
            return Err(Error::NotFound("Recording"));
        };
        // The URL appears once egress has written the file: ask LiveKit if we do not know it.
        if record.recording_url.is_none()
            && let Ok(livekit) = self.livekit()
            && let Ok(Some(info)) = livekit.recording(&current_egress).await
            && let Some(url) = recording_location(&info)
        {
            record = self
                .change_session(record, |session| {
                    session.recording_url = Some(url.clone());
                    Ok(())
                })
                .await?;
        }
        let recording_url = record.recording_url.clone();
        if egress_id.is_some() {
            return Ok(RecordingStatus {
                success: true,
                recording: None,
                recording_url,
                recordings: None,
            });
        }
        Ok(RecordingStatus {
            success: true,
            recording: recording_info(&record),
            recording_url,
            recordings: None,
        })
    }

    /// `DELETE /api/voice/recording`: stops the room's recording; its URL when known.
    pub async fn stop_call_recording(&self, caller: &Caller, room: &str) -> Result<Option<String>> {
        let room = room_name_required(room)?;
        let livekit = self.livekit()?;
        self.recording_path()?;
        let record = self.session_in_room(caller, room).await?;
        let egress_id = record
            .egress_id
            .clone()
            .filter(|_| record.recording_status.as_deref() == Some("active"))
            .ok_or(Error::NotFound("Active recording"))?;
        let info = livekit.stop_recording(&egress_id).await?;
        let url = recording_location(&info);
        let written = self
            .change_session(record, |session| {
                session.recording_status = Some("stopped".to_owned());
                if url.is_some() {
                    session.recording_url = url.clone();
                }
                Ok(())
            })
            .await?;
        Ok(written.recording_url)
    }

    /// `PATCH /api/voice/recording`: attaches a transcript or a recording URL.
    pub async fn update_call_recording(
        &self,
        caller: &Caller,
        input: UpdateRecording,
    ) -> Result<()> {
        let room = room_name_required(&input.room_name)?;
        let mut checks = Checks::new();
        if let Some(transcript) = &input.transcript {
            checks.bytes("transcript", transcript, MAX_TRANSCRIPT_BYTES);
        }
        if let Some(url) = &input.recording_url
            && (url.len() > 2_048 || !(url.starts_with("https://") || url.starts_with("http://")))
        {
            checks.fail(
                "recordingUrl",
                "must be an http(s) URL of at most 2048 characters",
            );
        }
        checks.finish()?;
        let record = self.session_in_room(caller, room).await?;
        self.change_session(record, |session| {
            if let Some(transcript) = &input.transcript {
                session.transcript = Some(transcript.clone());
            }
            if let Some(url) = &input.recording_url {
                session.recording_url = Some(url.clone());
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// `POST /api/voice/agent`: dispatches the agent to the call's room.
    pub async fn spawn_agent(&self, caller: &Caller, input: SpawnAgent) -> Result<AgentSpawned> {
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

    /// `POST /api/voice/token`: a token for a new (or the caller's existing) call room.
    pub async fn voice_token(
        &self,
        caller: &Caller,
        input: VoiceTokenRequest,
    ) -> Result<VoiceToken> {
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

fn parse_agent_status(value: &str) -> Result<AgentStatus> {
    AgentStatus::parse(value).ok_or_else(|| {
        Error::Invalid("Invalid agent status: pending, active or disconnected".to_owned())
    })
}

fn to_call_detail(record: &VoiceSessionRecord) -> CallDetail {
    let agent_status = agent_status_of(record);
    CallDetail {
        call_id: record.id.clone(),
        room_name: record.room_name.clone().unwrap_or_default(),
        call_type: record.call_type.as_deref().and_then(CallType::parse),
        status: status_of(record),
        started_at: iso8601(record.created_at),
        connected_at: record.connected_at.map(iso8601),
        ended_at: record.ended_at.map(iso8601),
        duration: duration_secs(record),
        recording_url: record.recording_url.clone(),
        transcript: record.transcript.clone(),
        metadata: metadata_of(record),
        agent_status,
        agent_available: agent_status == Some(AgentStatus::Active) && record.ended_at.is_none(),
    }
}

fn to_call_summary(record: &VoiceSessionRecord) -> CallSummary {
    CallSummary {
        call_id: record.id.clone(),
        room_name: record.room_name.clone().unwrap_or_default(),
        call_type: record.call_type.as_deref().and_then(CallType::parse),
        status: status_of(record),
        started_at: iso8601(record.created_at),
        connected_at: record.connected_at.map(iso8601),
        ended_at: record.ended_at.map(iso8601),
        duration: duration_secs(record),
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
