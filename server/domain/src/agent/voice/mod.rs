//! Voice sessions: one model behind every API that starts a call.
//!
//! - `rooms`: seed 000's LiveKit rooms and tokens, the standard token endpoint, seed 004's
//!   `/session`.
//! - `calls`: seed 002's `/api/voice` (sessions, realtime, recording, agent, token).
//! - `events`: LiveKit webhooks and inbound phone calls.
//! - `dispatch`: what every dispatched agent is told, its call credential included.
//! - `elevenlabs`: seed 003's `/voice/sessions` and the ElevenLabs provider.
//! - `logs`: seed 003's client diagnostics.
//!
//! Every session belongs to one app. A session-token caller sees only the sessions it started.

mod calls;
mod dispatch;
pub mod elevenlabs;
mod events;
mod logs;
mod playground;
mod records;
mod rooms;
mod stale;
mod visitor_calls;

use records::to_participant;
pub(crate) use records::{
    agent_status_of, duration_secs, metadata_of, new_session, status_of, to_voice_session,
};

use model::agent::conversations::ConversationStatus;
use model::agent::voice::VoiceSessionQuery;
use model::agent::voice::{
    AgentStatus, CallStatus, CallType, SessionOrigin, VoiceParticipant, VoiceSession,
    VoiceSessionDetail, VoiceSessionPage,
};
use model::platform::users::Permission;
use serde_json::Value;
use store::{
    AgentCredentialRecord, ParticipantRecord, StoreError, VoiceSessionFilter, VoiceSessionRecord,
};

use crate::ids::new_id;
use crate::validation::Paging;
use crate::{Caller, Error, RateDecision, Result, Services};

use crate::agent::Agent;
use crate::ports::Livekit;
pub use events::TelephonyAck;

/// Attempts at a change that races with another writer of the same session.
const CHANGE_ATTEMPTS: usize = 5;
/// Sessions nobody joined are ended after this long.
const NEVER_CONNECTED_MS: i64 = 10 * 60 * 1_000;
/// Rooms younger than this are not reconciled (LiveKit may not have opened them yet).
const RECONCILE_AFTER_MS: i64 = 2 * 60 * 1_000;
/// ElevenLabs sessions still open after this long are ended.
const ELEVENLABS_MAX_MS: i64 = 4 * 60 * 60 * 1_000;
/// Open sessions looked at per query by the stale-session job.
const REAP_BATCH: i64 = 500;
/// Handled webhook event ids are kept this long (LiveKit gives up on an event within minutes).
const EVENT_ID_RETENTION_MS: i64 = 24 * 60 * 60 * 1_000;

/// `[A-Za-z0-9_-]{1,128}`: seed 004's rule for identities and room names.
pub(crate) fn is_plain_name(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Identities and room names of the other APIs also allow `.`, `:` and `@` (e-mail-like user ids).
pub(crate) fn is_livekit_name(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.:@".contains(&b))
}

impl Agent<'_> {
    /// Why voice sessions cannot start on this instance (LiveKit unset), if they cannot.
    pub fn voice_unavailable(&self) -> Option<String> {
        self.livekit().err().map(|err| err.to_string())
    }

    /// The app's voice sessions from every API, newest first. A session token sees its own.
    pub async fn list_voice_sessions(
        &self,
        caller: &Caller,
        query: VoiceSessionQuery,
    ) -> Result<VoiceSessionPage> {
        caller.permit(Permission::ConversationsRead)?;
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 50, 200)?;
        let filter = VoiceSessionFilter {
            statuses: query
                .status
                .map(|s| vec![s.as_str().to_owned()])
                .unwrap_or_default(),
            origin: query.origin.map(|o| o.as_str().to_owned()),
            owner_token_hash: caller.session_token_hash().map(str::to_owned),
            with_room: false,
        };
        let rows = self
            .store()
            .list_voice_sessions(&caller.app.id, &filter, paging.after(), paging.fetch())
            .await?;
        let (rows, next_cursor) = paging.page(rows, |r| (r.created_at, r.id.as_str()));
        Ok(VoiceSessionPage {
            sessions: rows
                .iter()
                .map(|row| to_voice_session(row, self.now_ms()))
                .collect(),
            next_cursor,
        })
    }

    /// The calls of one conversation, oldest first (at most 50). Needs the app secret.
    pub async fn voice_sessions_of_conversation(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<Vec<VoiceSession>> {
        caller.require(Permission::ConversationsRead)?;
        let rows = self
            .store()
            .voice_sessions_of_conversation(&caller.app.id, session_id, 50)
            .await?;
        Ok(rows
            .iter()
            .map(|row| to_voice_session(row, self.now_ms()))
            .collect())
    }

    /// One session with its participants.
    pub async fn voice_session_detail(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<VoiceSessionDetail> {
        caller.permit(Permission::ConversationsRead)?;
        let record = self.session_by_id(caller, id).await?;
        let participants = self.store().participants(&record.id).await?;
        Ok(VoiceSessionDetail {
            session: to_voice_session(&record, self.now_ms()),
            participants: participants.into_iter().map(to_participant).collect(),
            transcript: record.transcript.clone(),
        })
    }
}

impl Services {
    /// The configured LiveKit project, or 503 naming what to set.
    pub(crate) fn livekit(&self) -> Result<&dyn Livekit> {
        self.ports().livekit.as_deref().ok_or_else(|| {
            Error::Unavailable(
                "Voice service not configured: set LIVEKIT_URL, LIVEKIT_API_KEY and \
                     LIVEKIT_API_SECRET"
                    .to_owned(),
            )
        })
    }

    /// The caller's session `id`.
    pub(crate) async fn session_by_id(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<VoiceSessionRecord> {
        let record = self
            .store()
            .voice_session(&caller.app.id, id)
            .await?
            .ok_or(Error::NotFound("Session"))?;
        check_owner(caller, &record)?;
        Ok(record)
    }

    /// The caller's newest sessions (up to 200) that have a room and one of `statuses` (all
    /// when empty).
    pub(crate) async fn caller_room_sessions(
        &self,
        caller: &Caller,
        statuses: &[CallStatus],
    ) -> Result<Vec<VoiceSessionRecord>> {
        let filter = VoiceSessionFilter {
            statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            origin: None,
            owner_token_hash: caller.session_token_hash().map(str::to_owned),
            with_room: true,
        };
        Ok(self
            .store()
            .list_voice_sessions(&caller.app.id, &filter, None, 200)
            .await?)
    }

    /// The caller's session in `room_name` (the newest, live or not).
    pub(crate) async fn session_in_room(
        &self,
        caller: &Caller,
        room_name: &str,
    ) -> Result<VoiceSessionRecord> {
        let record = self
            .store()
            .voice_session_by_room(&caller.app.id, room_name)
            .await?
            .ok_or(Error::NotFound("Session"))?;
        check_owner(caller, &record)?;
        Ok(record)
    }

    /// Stores a new session. A room name held by a live session is a 409.
    pub(crate) async fn open_session(&self, record: &VoiceSessionRecord) -> Result<()> {
        self.open_session_with_credential(record, None).await
    }

    /// [`Services::open_session`], with the credential of the agent about to be dispatched
    /// stored in the same transaction.
    pub(crate) async fn open_session_with_credential(
        &self,
        record: &VoiceSessionRecord,
        credential: Option<&AgentCredentialRecord>,
    ) -> Result<()> {
        let stored = match credential {
            Some(credential) => {
                self.store()
                    .insert_voice_session_with_credential(record, credential)
                    .await
            }
            None => self.store().insert_voice_session(record).await,
        };
        match stored {
            Ok(()) => Ok(()),
            Err(StoreError::UniqueViolation) => Err(Error::Conflict(
                "Active session already exists for this room".to_owned(),
            )),
            Err(err) => Err(err.into()),
        }
    }

    /// Removes a session whose start failed at LiveKit, so a failed start leaves nothing: its
    /// agent's credential is revoked at once.
    pub(crate) async fn discard_session(&self, record: &VoiceSessionRecord) {
        if let Err(err) = self
            .store()
            .delete_voice_session(&record.app_id, &record.id)
            .await
        {
            tracing::warn!(error = %err, session = %record.id, "could not discard a failed session");
        }
        if let Some(room) = &record.room_name
            && let Err(err) = self
                .store()
                .revoke_agent_credentials_for_room(&record.app_id, room, self.now_ms())
                .await
        {
            tracing::warn!(error = %err, session = %record.id, "could not revoke a failed session's agent credential");
        }
    }

    /// Fails with 409 when a live session holds `room_name`.
    pub(crate) async fn require_free_room(&self, room_name: &str) -> Result<()> {
        match self.store().voice_session_for_room(room_name).await? {
            Some(existing) if existing.ended_at.is_none() => Err(Error::Conflict(
                "Active session already exists for this room".to_owned(),
            )),
            _ => Ok(()),
        }
    }

    /// Applies `change` to the session and writes it, re-reading and retrying when another
    /// writer got there first. Returns the written row.
    pub(crate) async fn change_session<F>(
        &self,
        mut record: VoiceSessionRecord,
        mut change: F,
    ) -> Result<VoiceSessionRecord>
    where
        F: FnMut(&mut VoiceSessionRecord) -> Result<()>,
    {
        for _ in 0..CHANGE_ATTEMPTS {
            let read_at = record.updated_at;
            let mut next = record.clone();
            change(&mut next)?;
            // Strictly later than what was read, so the next writer's check sees the change.
            next.updated_at = self.now_ms().max(read_at + 1);
            if self.store().update_voice_session(&record, &next).await? {
                return Ok(next);
            }
            record = self
                .store()
                .voice_session(&record.app_id, &record.id)
                .await?
                .ok_or(Error::NotFound("Session"))?;
        }
        Err(Error::Conflict(
            "The session is being changed by another request; retry".to_owned(),
        ))
    }

    /// Ends a session (if still open): its status becomes `status` (or, for a call that
    /// connected and is asked to be `missed`, `completed`), participants leave, the conversation
    /// is resolved, and LiveKit's room and recording are closed best-effort.
    pub(crate) async fn finish_session(
        &self,
        record: VoiceSessionRecord,
        status: CallStatus,
        reason: &str,
        close_room: bool,
    ) -> Result<VoiceSessionRecord> {
        let now = self.now_ms();
        let was_recording = record.recording_status.as_deref() == Some("active");
        let ended = self
            .change_session(record, |session| {
                if session.ended_at.is_some() {
                    return Ok(());
                }
                let current = status_of(session);
                let target = match status {
                    CallStatus::Missed if current == CallStatus::Connected => CallStatus::Completed,
                    CallStatus::Completed if session.connected_at.is_none() => CallStatus::Missed,
                    other => other,
                };
                session.status = target.as_str().to_owned();
                session.ended_at = Some(now);
                session.end_reason = Some(reason.to_owned());
                if session.agent_status.is_some() {
                    session.agent_status = Some(AgentStatus::Disconnected.as_str().to_owned());
                }
                if session.recording_status.as_deref() == Some("active") {
                    session.recording_status = Some("stopped".to_owned());
                }
                Ok(())
            })
            .await?;
        if ended.ended_at != Some(now) {
            return Ok(ended);
        }
        self.store().close_all_participants(&ended.id, now).await?;
        self.resolve_voice_conversation(&ended, reason).await?;
        if let Some(room) = &ended.room_name {
            self.revoke_agent_credentials(&ended.app_id, room).await?;
        }
        if let Ok(livekit) = self.livekit() {
            if was_recording && let Some(egress_id) = &ended.egress_id {
                let _ = livekit.stop_recording(egress_id).await;
            }
            if close_room
                && let Some(room) = &ended.room_name
                && let Err(err) = livekit.delete_room(room).await
            {
                tracing::warn!(error = %err, "could not close the LiveKit room");
            }
        }
        tracing::info!(session = %ended.id, status = %ended.status, reason, "voice session ended");
        Ok(ended)
    }

    /// The session's conversation, if still active, is resolved with `reason`.
    async fn resolve_voice_conversation(
        &self,
        session: &VoiceSessionRecord,
        reason: &str,
    ) -> Result<()> {
        let Some(conversation) = self
            .store()
            .conversation_by_session(&session.app_id, &session.session_key)
            .await?
        else {
            return Ok(());
        };
        if conversation.status != ConversationStatus::Active.as_str() {
            return Ok(());
        }
        let now = self.now_ms();
        let resolution = match reason {
            "room_finished" | "all_participants_left" | "api_delete" => "room_ended",
            other => other,
        };
        let resolved = store::ConversationRecord {
            status: ConversationStatus::Resolved.as_str().to_owned(),
            resolution: conversation
                .resolution
                .clone()
                .or_else(|| Some(resolution.to_owned())),
            ended_at: conversation.ended_at.or(Some(now)),
            updated_at: now,
            ..conversation
        };
        if self
            .store()
            .update_conversation_if(&resolved, ConversationStatus::Active.as_str())
            .await?
        {
            self.publish_status(
                &session.app_id,
                &session.session_key,
                ConversationStatus::Resolved,
            )
            .await;
        }
        Ok(())
    }
}

/// A session-token caller may only touch the sessions it started.
pub(crate) fn check_owner(caller: &Caller, record: &VoiceSessionRecord) -> Result<()> {
    match caller.session_token_hash() {
        Some(hash) if record.owner_token_hash.as_deref() != Some(hash) => Err(
            Error::PermissionDenied("Access denied to this session".to_owned()),
        ),
        _ => Ok(()),
    }
}

pub(crate) use crate::error::not_found_as;

/// A random lowercase suffix for generated names.
pub(crate) fn random_suffix(len: usize) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    id.chars().take(len).collect()
}

/// How long a dashboard user's playground token lives.
const PLAYGROUND_TOKEN_TTL_MS: i64 = 15 * 60 * 1_000;

/// Seed 002's per-user limits on calls, recordings and realtime sessions.
#[derive(Clone, Copy, Debug)]
pub enum VoiceLimit {
    Session,
    Realtime,
    Recording,
}

impl Agent<'_> {
    /// Counts one request against seed 002's limit. Browser callers (session tokens) are
    /// limited per token; server-to-server calls with the app secret only by the app limit.
    /// Answers the decision (for the `X-RateLimit-*` headers), `None` when no limit applies.
    pub async fn check_voice_limit(
        &self,
        caller: &Caller,
        limit: VoiceLimit,
    ) -> Result<Option<RateDecision>> {
        caller.permit(Permission::AppsRead)?;
        let Some(token_hash) = caller.session_token_hash() else {
            return Ok(None);
        };
        let limits = self.rate_limits();
        let policy = match limit {
            VoiceLimit::Session => limits.session,
            VoiceLimit::Realtime => limits.realtime,
            VoiceLimit::Recording => limits.recording,
        };
        let decision = self.platform().hit_rate_limit(&policy, token_hash).await?;
        if decision.allowed {
            Ok(Some(decision))
        } else {
            Err(Error::RateLimited(decision))
        }
    }
}

#[cfg(test)]
mod tests {
    use store::ClientLogRecord;

    use super::*;
    use crate::Actor;
    use crate::platform::apps::tests::{new_app, services};

    async fn caller(services: &Services) -> Caller {
        let created = services
            .platform()
            .create_app(&Actor::operator(), new_app("voice"))
            .await
            .unwrap();
        services
            .platform()
            .authenticate_app_secret("voice", &created.app_secret)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_live_room_is_held_by_one_session_until_it_ends() {
        let (_db, services) = services().await;
        let caller = caller(&services).await;
        let first = new_session(
            &caller,
            SessionOrigin::Session,
            Some("room-1".into()),
            crate::now_ms(),
        );
        services.open_session(&first).await.unwrap();
        let second = new_session(
            &caller,
            SessionOrigin::Voice,
            Some("room-1".into()),
            crate::now_ms(),
        );
        assert!(matches!(
            services.open_session(&second).await,
            Err(Error::Conflict(_))
        ));
        assert!(services.require_free_room("room-1").await.is_err());
        let ended = services
            .finish_session(first, CallStatus::Completed, "test", false)
            .await
            .unwrap();
        // Nobody joined: a call that never connected is missed, not completed.
        assert_eq!(ended.status, "missed");
        services.open_session(&second).await.unwrap();
        // Sessions without a room never collide.
        for _ in 0..2 {
            let backend = new_session(&caller, SessionOrigin::Elevenlabs, None, crate::now_ms());
            services.open_session(&backend).await.unwrap();
        }
    }

    #[tokio::test]
    async fn concurrent_changes_are_retried_not_lost() {
        let (_db, services) = services().await;
        let caller = caller(&services).await;
        let record = new_session(
            &caller,
            SessionOrigin::Voice,
            Some("room-2".into()),
            crate::now_ms(),
        );
        services.open_session(&record).await.unwrap();
        // Two writers read the same row; the second one's write is retried on a fresh read.
        services
            .change_session(record.clone(), |s| {
                s.transcript = Some("hello".into());
                Ok(())
            })
            .await
            .unwrap();
        let written = services
            .change_session(record, |s| {
                s.agent_status = Some("active".into());
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(written.transcript.as_deref(), Some("hello"));
        assert_eq!(written.agent_status.as_deref(), Some("active"));
    }

    #[tokio::test]
    async fn webhook_events_are_claimed_once() {
        let (db, _services) = services().await;
        let store = &db.store;
        let claim = |received_at| store::LivekitEventClaim {
            event_id: "EV_1".to_owned(),
            event: "room_started".to_owned(),
            room_name: Some("r".to_owned()),
            received_at,
            needs_session: false,
        };
        let record = |received_at| async move {
            store
                .record_livekit_event(claim(received_at), |_| unreachable!("no session"))
                .await
                .unwrap()
        };
        let recorded = store::LivekitEventOutcome::Recorded(None);
        let duplicate = store::LivekitEventOutcome::Duplicate;
        assert_eq!(record(1_000).await, recorded);
        assert_eq!(record(2_000).await, duplicate);
        assert_eq!(store.purge_livekit_events(1_500).await.unwrap(), 1);
        assert_eq!(record(3_000).await, recorded);
    }

    #[tokio::test]
    async fn client_logs_keep_the_newest_lines() {
        let (db, services) = services().await;
        let caller = caller(&services).await;
        let lines: Vec<ClientLogRecord> = (0..5)
            .map(|i| ClientLogRecord {
                id: format!("log-{i}"),
                app_id: caller.app.id.clone(),
                level: "info".into(),
                source: None,
                message: format!("line {i}"),
                session_id: None,
                created_at: 1_000 + i,
            })
            .collect();
        db.store.append_client_logs(&lines, 3).await.unwrap();
        let tail = db.store.client_log_tail(&caller.app.id, 10).await.unwrap();
        let messages: Vec<&str> = tail.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(messages, ["line 2", "line 3", "line 4"]);
    }
}
