//! Seed 000's LiveKit rooms and tokens, the standard LiveKit token endpoint, and seed 004's
//! `/session`.

use std::time::Duration;

use model::agent::voice::{
    AGENT_CONFIG_KEYS, AgentStatus, CallStatus, CreateRoom, CreatedRoom, LivekitRoom,
    LivekitTokenRequest, LivekitTokenResponse, RoomList, RoomStatus, SessionOrigin, StartSession,
    StartedSession, TokenSourceRequest, TokenSourceResponse,
};
use model::platform::users::Permission;
use serde_json::{Map, Value};
use store::VoiceSessionRecord;

use super::{
    check_owner, is_livekit_name, is_plain_name, new_session, not_found_as, random_suffix,
    status_of,
};
use crate::agent::Agent;
use crate::ports::livekit::{NewRoom, TokenSpec};
use crate::validation::Checks;
use crate::{Caller, Error, Result, Services};

/// Seed 000's defaults for `POST /api/livekit/rooms`.
const DEFAULT_MAX_PARTICIPANTS: i64 = 2;
const DEFAULT_EMPTY_TIMEOUT_SECS: i64 = 300;
/// Seed 000's default token lifetime, and the bounds we allow.
const DEFAULT_TOKEN_TTL_SECS: i64 = 3_600;
const TOKEN_TTL_SECS: std::ops::RangeInclusive<i64> = 60..=86_400;
/// Seed 004's user tokens live ten minutes (they only gate the first connect).
const SESSION_TOKEN_TTL: Duration = Duration::from_secs(10 * 60);
/// Room metadata is kept small: LiveKit sends it to every participant.
const MAX_METADATA_BYTES: usize = 16 * 1024;
/// Identities that belong to agents; a browser may not take them.
const AGENT_IDENTITY_PREFIXES: [&str; 2] = ["agent-", "ai-agent-"];

pub(crate) fn is_agent_identity(identity: &str) -> bool {
    AGENT_IDENTITY_PREFIXES
        .iter()
        .any(|prefix| identity.starts_with(prefix))
}

impl Agent<'_> {
    /// `POST /api/livekit/rooms`: opens a LiveKit room for a conversation session.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn create_livekit_room(
        &self,
        caller: &Caller,
        input: CreateRoom,
    ) -> Result<CreatedRoom> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        let session_id = input.session_id.trim().to_owned();
        if !is_livekit_name(&session_id) {
            checks.fail("sessionId", "must be 1–128 letters, digits, or _ - . : @");
        }
        let config = input.config.unwrap_or_default();
        let max_participants = config.max_participants.unwrap_or(DEFAULT_MAX_PARTICIPANTS);
        if !(1..=100).contains(&max_participants) {
            checks.fail("config.maxParticipants", "must be 1–100");
        }
        let empty_timeout = config.empty_timeout.unwrap_or(DEFAULT_EMPTY_TIMEOUT_SECS);
        if !(10..=86_400).contains(&empty_timeout) {
            checks.fail("config.emptyTimeout", "must be 10–86400 seconds");
        }
        let metadata = input.metadata.map(Value::Object);
        let metadata_text = metadata.as_ref().map(Value::to_string).unwrap_or_default();
        checks.bytes("metadata", &metadata_text, MAX_METADATA_BYTES);
        checks.finish()?;
        let livekit = self.livekit()?;
        let room_name = format!("{}-{session_id}-{}", caller.app.slug, self.now_ms());
        let mut record = new_session(
            caller,
            SessionOrigin::Livekit,
            Some(room_name.clone()),
            self.now_ms(),
        );
        record.session_key = session_id.clone();
        record.max_participants = Some(max_participants);
        record.empty_timeout_secs = Some(empty_timeout);
        record.recording_enabled = config.enable_recording.unwrap_or(false);
        record.metadata = metadata;
        livekit
            .create_room(NewRoom {
                name: &room_name,
                max_participants: u32::try_from(max_participants).unwrap_or(2),
                empty_timeout_secs: u32::try_from(empty_timeout).unwrap_or(300),
                metadata: metadata_text,
            })
            .await?;
        self.open_session(&record).await?;
        Ok(CreatedRoom {
            room_id: record.id,
            room_name,
            session_id,
        })
    }

    /// `GET /api/livekit/rooms`: the app's rooms, live ones by default.
    pub async fn list_livekit_rooms(
        &self,
        caller: &Caller,
        status: Option<RoomStatus>,
    ) -> Result<RoomList> {
        caller.permit(Permission::ConversationsRead)?;
        let statuses = match status {
            Some(status) => status.call_statuses().to_vec(),
            None => [RoomStatus::Waiting, RoomStatus::Active]
                .iter()
                .flat_map(|s| s.call_statuses().iter().copied())
                .collect(),
        };
        let rows = self.caller_room_sessions(caller, &statuses).await?;
        Ok(RoomList {
            rooms: rows
                .iter()
                .map(|row| to_room(&caller.app.slug, row))
                .collect(),
        })
    }

    /// `DELETE /api/livekit/rooms`: ends the room's session and closes the room.
    pub async fn end_livekit_room(&self, caller: &Caller, room_name: &str) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        let record = self
            .session_in_room(caller, room_name.trim())
            .await
            .map_err(not_found_as("Room"))?;
        self.finish_session(record, CallStatus::Completed, "api_delete", true)
            .await?;
        Ok(())
    }

    /// `POST /api/livekit/token`: a participant token for one of the app's live rooms.
    pub async fn livekit_token(
        &self,
        caller: &Caller,
        input: LivekitTokenRequest,
    ) -> Result<LivekitTokenResponse> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        let room = input.room_name.trim();
        let identity = input.identity.trim();
        if !is_livekit_name(room) {
            checks.fail("roomName", "must be 1–128 letters, digits, or _ - . : @");
        }
        if !is_livekit_name(identity) {
            checks.fail("identity", "must be 1–128 letters, digits, or _ - . : @");
        }
        checks.optional_text("name", input.name.as_deref(), 128);
        let ttl = input.ttl.unwrap_or(DEFAULT_TOKEN_TTL_SECS);
        if !TOKEN_TTL_SECS.contains(&ttl) {
            checks.fail("ttl", "must be 60–86400 seconds");
        }
        checks.finish()?;
        let livekit = self.livekit()?;
        let record = self.live_room(caller, room).await?;
        check_identity(caller, &record, identity)?;
        let token = livekit.token(&TokenSpec {
            room,
            identity,
            name: input.name.as_deref(),
            ttl: Duration::from_secs(u64::try_from(ttl).unwrap_or(3_600)),
            ..Default::default()
        })?;
        Ok(LivekitTokenResponse {
            token,
            server_url: livekit.url().to_owned(),
        })
    }

    /// The standard LiveKit token endpoint: joins (or opens) a room, optionally asking LiveKit
    /// to dispatch agents when the participant connects.
    pub async fn token_source(
        &self,
        caller: &Caller,
        input: TokenSourceRequest,
    ) -> Result<TokenSourceResponse> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        let room = input
            .room_name
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map_or_else(|| format!("room-{}", random_suffix(12)), str::to_owned);
        let identity = input
            .participant_identity
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map_or_else(|| format!("user-{}", random_suffix(8)), str::to_owned);
        if !is_livekit_name(&room) {
            checks.fail("room_name", "must be 1–128 letters, digits, or _ - . : @");
        }
        if !is_livekit_name(&identity) {
            checks.fail(
                "participant_identity",
                "must be 1–128 letters, digits, or _ - . : @",
            );
        }
        checks.optional_text("participant_name", input.participant_name.as_deref(), 128);
        checks.bytes(
            "participant_metadata",
            input.participant_metadata.as_deref().unwrap_or_default(),
            MAX_METADATA_BYTES,
        );
        let attributes: Vec<(String, String)> = input
            .participant_attributes
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect();
        let dispatch = agent_from_room_config(input.room_config.as_ref(), &mut checks);
        checks.finish()?;
        let livekit = self.livekit()?;
        let record = match self
            .store()
            .voice_session_by_room(&caller.app.id, &room)
            .await?
        {
            Some(existing) if existing.ended_at.is_none() => {
                check_owner(caller, &existing)?;
                existing
            }
            _ => {
                self.require_free_room(&room).await?;
                let mut record = new_session(
                    caller,
                    SessionOrigin::Livekit,
                    Some(room.clone()),
                    self.now_ms(),
                );
                record.owner_identity = Some(identity.clone());
                record.owner_name = input.participant_name.clone();
                if let Some((agent_name, metadata)) = &dispatch {
                    record.agent_name = Some(agent_name.clone());
                    record.agent_status = Some(AgentStatus::Pending.as_str().to_owned());
                    record.agent_config = serde_json::from_str(metadata).ok();
                }
                self.open_session(&record).await?;
                record
            }
        };
        check_identity(caller, &record, &identity)?;
        let participant_token = livekit.token(&TokenSpec {
            room: &room,
            identity: &identity,
            name: input.participant_name.as_deref(),
            metadata: input.participant_metadata.as_deref(),
            attributes,
            ttl: Duration::from_secs(u64::try_from(DEFAULT_TOKEN_TTL_SECS).unwrap_or(3_600)),
            agent: false,
            dispatch: dispatch
                .as_ref()
                .map(|(name, metadata)| (name.as_str(), metadata.as_str())),
        })?;
        Ok(TokenSourceResponse {
            server_url: livekit.url().to_owned(),
            participant_token,
        })
    }

    /// Seed 004's `POST /session`: a user token, and the agent dispatched with its settings.
    /// A dispatch failure is a 502 and stores nothing.
    pub async fn start_session(
        &self,
        caller: &Caller,
        input: StartSession,
    ) -> Result<StartedSession> {
        let (started, _) = self.start_session_for(caller, input, None).await?;
        Ok(started)
    }

    /// [`Self::start_session`], the session stored with `customer_id` (an opaque id of the
    /// caller, such as the desk's contact) from the start: set by a later update, it could lose
    /// the race with the agent's first webhook. Also answers the session's key (its
    /// conversation's session id).
    #[tracing::instrument(
        name = "start_session",
        target = "domain::calls",
        level = "debug",
        skip_all
    )]
    pub(crate) async fn start_session_for(
        &self,
        caller: &Caller,
        input: StartSession,
        customer_id: Option<&str>,
    ) -> Result<(StartedSession, String)> {
        caller.permit(Permission::AppsRead)?;
        let mut checks = Checks::new();
        let identity = input.user_identity.trim().to_owned();
        if !is_plain_name(&identity) {
            checks.fail(
                "userIdentity",
                "is required: 1–128 letters, digits, underscores or hyphens",
            );
        }
        let room = match input.room_name.as_deref().map(str::trim) {
            Some(room) => {
                if !is_plain_name(room) {
                    checks.fail(
                        "roomName",
                        "must be 1–128 letters, digits, underscores or hyphens",
                    );
                }
                room.to_owned()
            }
            None => format!("room-{}", uuid::Uuid::new_v4()),
        };
        let agent_config = agent_config(input.agent_config.unwrap_or_default(), &mut checks);
        checks.finish()?;
        let livekit = self.livekit()?;
        let agent_name = self.integrations().livekit.agent_name.clone();
        let mut record = new_session(
            caller,
            SessionOrigin::Session,
            Some(room.clone()),
            self.now_ms(),
        );
        record.owner_identity = Some(identity.clone());
        record.customer_id = customer_id.map(str::to_owned);
        record.agent_name = Some(agent_name.clone());
        record.agent_status = Some(AgentStatus::Pending.as_str().to_owned());
        record.agent_config = Some(Value::Object(agent_config.clone()));
        // Seed 004's agent reads the configuration's keys at the top level; ours reads
        // `agentConfig` beside the platform access.
        let mut extra = agent_config.clone();
        extra.insert("agentConfig".into(), Value::Object(agent_config.clone()));
        let dispatch = self.agent_dispatch(&record, &caller.app.slug, extra)?;
        // Stored first, so LiveKit's webhooks about the room find it however fast they come. A
        // live session in the room is a 409 here.
        self.open_session_with_credential(&record, dispatch.credential.as_ref())
            .await?;
        let dispatch = match livekit
            .dispatch_agent(&room, &agent_name, dispatch.metadata)
            .await
        {
            Ok(dispatch) => dispatch,
            Err(err) => {
                self.discard_session(&record).await;
                return Err(err);
            }
        };
        // Set without reading the session again: the agent may already have joined, and
        // nothing else writes the dispatch id.
        let stored = self
            .store()
            .set_voice_session_dispatch(&record.id, &dispatch.id, self.now_ms())
            .await?;
        if !stored {
            return Err(Error::NotFound("Session"));
        }
        let user_token = livekit.token(&TokenSpec {
            room: &room,
            identity: &identity,
            ttl: SESSION_TOKEN_TTL,
            ..Default::default()
        })?;
        tracing::info!(session = %record.id, dispatch = %dispatch.id, "voice session started");
        let started = StartedSession {
            user_token,
            room_name: room,
            livekit_url: livekit.url().to_owned(),
            agent_dispatched: true,
            agent_config,
        };
        Ok((started, record.session_key))
    }

    /// Seed 004's `POST /session/end`: closes the room. Unknown rooms are a 404.
    pub async fn end_session_room(&self, caller: &Caller, room_name: &str) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name.trim();
        if !is_plain_name(room) && !is_livekit_name(room) {
            return Err(Error::InvalidFields(vec![crate::FieldError::new(
                "roomName",
                "is required: 1–128 letters, digits, underscores or hyphens",
            )]));
        }
        let record = self
            .session_in_room(caller, room)
            .await
            .map_err(not_found_as("Room"))?;
        self.finish_session(record, CallStatus::Completed, "api_delete", true)
            .await?;
        Ok(())
    }
}

impl Services {
    /// The caller's live session in `room`, or 404 `Room not found`.
    pub(crate) async fn live_room(
        &self,
        caller: &Caller,
        room: &str,
    ) -> Result<VoiceSessionRecord> {
        let record = self
            .store()
            .voice_session_by_room(&caller.app.id, room)
            .await?
            .filter(|r| r.ended_at.is_none())
            .ok_or(Error::NotFound("Room"))?;
        check_owner(caller, &record)?;
        Ok(record)
    }
}

/// Browsers (session tokens) may not join as an agent.
fn check_identity(caller: &Caller, record: &VoiceSessionRecord, identity: &str) -> Result<()> {
    let agent = is_agent_identity(identity) || record.agent_identity.as_deref() == Some(identity);
    if agent && caller.session_token_hash().is_some() {
        return Err(Error::PermissionDenied(
            "Session tokens cannot take an agent's identity".to_owned(),
        ));
    }
    Ok(())
}

/// Seed 004's agent settings: known keys only, each of the documented type.
pub(crate) fn agent_config(input: Map<String, Value>, checks: &mut Checks) -> Map<String, Value> {
    let mut config = Map::new();
    for (key, value) in input {
        if !AGENT_CONFIG_KEYS.contains(&key.as_str()) {
            continue;
        }
        let field = format!("agentConfig.{key}");
        let valid = match key.as_str() {
            "realtime"
            | "vad_enabled"
            | "turn_detection_enabled"
            | "noise_cancellation_enabled" => value.is_boolean(),
            "noise_cancellation_type" => matches!(
                value.as_str(),
                Some("auto" | "telephony" | "standard" | "none")
            ),
            "prompt" | "greeting" => value.as_str().is_some_and(|s| s.len() <= 20_000),
            _ => value.as_str().is_some_and(|s| s.len() <= 200),
        };
        if valid {
            config.insert(key, value);
        } else {
            let expected = match key.as_str() {
                "realtime"
                | "vad_enabled"
                | "turn_detection_enabled"
                | "noise_cancellation_enabled" => "must be true or false",
                "noise_cancellation_type" => "must be auto, telephony, standard or none",
                "prompt" | "greeting" => "must be text of at most 20000 bytes",
                _ => "must be text of at most 200 bytes",
            };
            checks.fail(field, expected);
        }
    }
    config
}

/// The first agent of a standard `room_config` (`{agents: [{agent_name, metadata}]}`).
fn agent_from_room_config(config: Option<&Value>, checks: &mut Checks) -> Option<(String, String)> {
    let agent = config?.get("agents")?.as_array()?.first()?;
    let name = agent
        .get("agent_name")
        .or_else(|| agent.get("agentName"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !is_livekit_name(name) {
        checks.fail(
            "room_config.agents[0].agent_name",
            "must be 1–128 letters, digits, or _ - . : @",
        );
        return None;
    }
    let metadata = agent
        .get("metadata")
        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
        .unwrap_or_default();
    if metadata.len() > MAX_METADATA_BYTES {
        checks.fail(
            "room_config.agents[0].metadata",
            "must be at most 16384 bytes",
        );
    }
    Some((name.to_owned(), metadata))
}

fn to_room(app_slug: &str, record: &VoiceSessionRecord) -> LivekitRoom {
    LivekitRoom {
        room_id: record.id.clone(),
        app_slug: app_slug.to_owned(),
        room_name: record.room_name.clone().unwrap_or_default(),
        session_id: record.session_key.clone(),
        status: status_of(record).room_status(),
        max_participants: record.max_participants,
        empty_timeout: record.empty_timeout_secs,
        enable_recording: record.recording_enabled,
        participant_count: record.participant_count,
        created_at: record.created_at,
        ended_at: record.ended_at,
    }
}
