//! LiveKit webhooks (seed 000's `/api/livekit/webhook`, seed 002's `/api/voice/webhook`) and
//! inbound phone calls (seed 004's `/telephony/livekit-webhook`).
//!
//! Every delivery is verified over its raw bytes (401 otherwise, never a fallback) and handled
//! once by event id, whichever endpoint it reached first.

use std::sync::Arc;

use model::agent::voice::{AgentStatus, CallStatus, SessionOrigin, TelephonyCall};
use model::platform::users::Permission;
use serde_json::json;
use store::{
    LivekitEventClaim, LivekitEventOutcome, LivekitEventWrites, ParticipantRecord,
    VoiceSessionRecord,
};

use super::rooms::is_agent_identity;
use super::{new_session, not_found_as, status_of, to_participant};
use crate::agent::Agent;
use crate::ids::new_id;
use crate::platform::caller::Caller;
use crate::platform::integrations::TelephonySettings;
use crate::ports::livekit::{Participant, ParticipantKind, Recording, WebhookEvent};
use crate::{Error, Result, Services};

/// What the telephony endpoint answers at once; the event is handled in the background.
#[derive(Debug)]
pub struct TelephonyAck {
    pub event: WebhookEvent,
}

/// What an event writes with its claim, from the session as read: the event on the
/// session's timeline (as `livekit.<event>`, with who and what it concerned), a participant
/// who joined, and the session's changed fields.
fn event_writes(
    session: &VoiceSessionRecord,
    event: &WebhookEvent,
    now: i64,
) -> LivekitEventWrites {
    let mut data = serde_json::Map::new();
    if let Some(participant) = &event.participant {
        data.insert("participant".into(), participant.identity.clone().into());
        data.insert("kind".into(), kind_name(participant).into());
    }
    if let Some(track) = &event.track {
        data.insert("trackSid".into(), track.sid.clone().into());
        data.insert("source".into(), track.source.clone().into());
    }
    if let Some(egress) = &event.egress {
        data.insert("egressId".into(), egress.egress_id.clone().into());
    }
    let ts = if event.created_at > 0 {
        event.created_at.saturating_mul(1_000)
    } else {
        now
    };
    let timeline = store::EventRecord {
        id: new_id(),
        app_id: session.app_id.clone(),
        session_id: session.session_key.clone(),
        event_type: format!("livekit.{}", event.event),
        ts,
        data: Some(serde_json::Value::Object(data)),
        trace_id: None,
        created_at: now,
    };
    let mut next = session.clone();
    let mut participant = None;
    match (event.event.as_str(), &event.participant, &event.egress) {
        ("room_started", _, _) => room_started(&mut next),
        ("participant_joined", Some(joined), _) if session.ended_at.is_none() => {
            let kind = kind_name(joined);
            participant = Some(ParticipantRecord {
                id: new_id(),
                session_id: session.id.clone(),
                identity: joined.identity.clone(),
                name: Some(joined.name.clone()).filter(|n| !n.is_empty()),
                kind: kind.to_owned(),
                participant_sid: Some(joined.sid.clone()).filter(|s| !s.is_empty()),
                joined_at: now,
                left_at: None,
            });
            if kind != "egress" {
                participant_joined(&mut next, joined, now);
            }
        }
        ("egress_started" | "egress_updated" | "egress_ended", _, Some(info)) => {
            egress_changed(&mut next, info)
        }
        _ => {}
    }
    let session = (next != *session).then(|| {
        // Strictly later than what was read, so the next writer's check sees the change.
        next.updated_at = now.max(session.updated_at + 1);
        next
    });
    LivekitEventWrites {
        timeline,
        participant,
        session,
    }
}

fn kind_name(participant: &Participant) -> &'static str {
    match participant.kind {
        ParticipantKind::Agent => "agent",
        ParticipantKind::Sip => "sip",
        ParticipantKind::Egress => "egress",
        ParticipantKind::Ingress => "ingress",
        ParticipantKind::Standard if is_agent_identity(&participant.identity) => "agent",
        ParticipantKind::Standard => "standard",
    }
}

/// Whether telephony takes `participant` for a phone caller: telephony is on, and the
/// participant is SIP (by kind or identity prefix), or any participant counts.
fn is_phone_caller(telephony: &TelephonySettings, participant: &Participant) -> bool {
    let is_sip = kind_name(participant) == "sip"
        || participant
            .identity
            .starts_with(&telephony.sip_identity_prefix);
    telephony.enabled && (is_sip || telephony.dispatch_on_any_join)
}

/// Seed 000: a started room is active before anyone joins. A phone call that is still
/// ringing stays ringing: its room starts before the callee answers.
fn room_started(session: &mut VoiceSessionRecord) {
    if session.ended_at.is_none() && status_of(session) == CallStatus::Pending {
        session.status = CallStatus::Connected.as_str().to_owned();
    }
}

fn participant_joined(session: &mut VoiceSessionRecord, participant: &Participant, now: i64) {
    session.participant_count += 1;
    if kind_name(participant) == "agent" {
        session.agent_status = Some(AgentStatus::Active.as_str().to_owned());
        session.agent_identity = Some(participant.identity.clone());
    } else {
        if status_of(session).can_become(CallStatus::Connected) {
            session.status = CallStatus::Connected.as_str().to_owned();
        }
        session.connected_at.get_or_insert(now);
        session
            .owner_identity
            .get_or_insert_with(|| participant.identity.clone());
    }
}

/// A recording's progress; events about another recording than the session's are ignored.
fn egress_changed(session: &mut VoiceSessionRecord, info: &Recording) {
    if session.egress_id.is_some() && session.egress_id.as_deref() != Some(&info.egress_id) {
        return;
    }
    session.egress_id = Some(info.egress_id.clone());
    session.recording_status = Some(info.state.as_str().to_owned());
    if info.location.is_some() {
        session.recording_url = info.location.clone();
    }
}

impl Agent<'_> {
    /// Verifies a LiveKit webhook and handles it once. Returns the event name.
    pub async fn receive_livekit_webhook(&self, body: &str, authorization: &str) -> Result<String> {
        let event = self.livekit()?.verify_webhook(body, authorization)?;
        let name = event.event.clone();
        self.handle_livekit_event(event, body).await?;
        Ok(name)
    }

    /// Seed 004's telephony webhook: 503 while telephony is off, 401 unless verified; the event
    /// is then handled by the caller in the background with [`Self::handle_livekit_event`].
    pub fn verify_telephony_webhook(
        &self,
        body: &str,
        authorization: &str,
    ) -> Result<TelephonyAck> {
        if !self.integrations().telephony.enabled {
            return Err(Error::Unavailable(
                "Telephony is disabled: set TELEPHONY_ENABLED=true".to_owned(),
            ));
        }
        let event = self.livekit()?.verify_webhook(body, authorization)?;
        Ok(TelephonyAck { event })
    }

    /// Applies one verified event, unless its id was already handled. The claim of its id, the
    /// read of its session and what it changes are one transaction; follow-ups (ending the
    /// call, the phone agent's dispatch) come after.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn handle_livekit_event(&self, event: WebhookEvent, body: &str) -> Result<()> {
        let room_name = event
            .room_name
            .clone()
            .or_else(|| event.egress.as_ref().map(|e| e.room_name.clone()))
            .filter(|room| !room.is_empty());
        // Events without an id (old servers) are keyed by their content.
        let event_id = if event.id.is_empty() {
            format!("sha256:{}", crate::platform::secrets::hash(body))
        } else {
            event.id.clone()
        };
        // A phone caller joining a room we did not open opens a session first.
        let mut needs_session = room_name.is_some() && self.may_open_phone_call(&event);
        let event = Arc::new(event);
        loop {
            let now = self.now_ms();
            let claim = LivekitEventClaim {
                event_id: event_id.clone(),
                event: event.event.clone(),
                room_name: room_name.clone(),
                received_at: now,
                needs_session,
            };
            let writes_for = {
                let event = Arc::clone(&event);
                move |session: &VoiceSessionRecord| event_writes(session, &event, now)
            };
            let outcome = self.store().record_livekit_event(claim, writes_for).await?;
            match outcome {
                LivekitEventOutcome::Duplicate => {
                    tracing::debug!(event = %event.event, id = %event_id, "LiveKit event already handled");
                    count_livekit_event(&event.event, "duplicate");
                    return Ok(());
                }
                LivekitEventOutcome::NoSession => {
                    if let Some(room) = &room_name {
                        self.open_phone_call(&event, room).await?;
                    }
                    // Recorded on the next turn, with the call's session or without one.
                    needs_session = false;
                }
                LivekitEventOutcome::Recorded(session) => {
                    count_livekit_event(&event.event, "handled");
                    let Some(session) = session else {
                        tracing::debug!(event = %event.event, room = ?room_name, "event for a room we do not know");
                        return Ok(());
                    };
                    return self.follow_livekit_event(*session, &event).await;
                }
            }
        }
    }

    /// `GET /telephony/calls/{callId}` and `/telephony/calls/by-room/{roomName}`: 404 in
    /// production, where they are not served.
    pub async fn telephony_call(
        &self,
        caller: &Caller,
        call_id: Option<&str>,
        room_name: Option<&str>,
    ) -> Result<TelephonyCall> {
        caller.permit(Permission::ConversationsRead)?;
        if self.integrations().telephony.production {
            return Err(Error::NotFound("Route"));
        }
        let record = match (call_id, room_name) {
            (Some(id), _) => self.session_by_id(caller, id).await,
            (None, Some(room)) => self.session_in_room(caller, room).await,
            (None, None) => Err(Error::NotFound("Call")),
        }
        .map_err(not_found_as("Call"))?;
        let participants = self.store().participants(&record.id).await?;
        Ok(TelephonyCall {
            call_id: record.id.clone(),
            room_name: record.room_name.clone().unwrap_or_default(),
            status: status_of(&record),
            caller_identity: record.owner_identity.clone(),
            agent_dispatched: record.agent_dispatch_id.is_some(),
            agent_dispatch_id: record.agent_dispatch_id.clone(),
            participants: participants.into_iter().map(to_participant).collect(),
            started_at: record.created_at,
            ended_at: record.ended_at,
        })
    }
}

impl Services {
    /// Whether `event` may open a phone call: a phone caller joined.
    fn may_open_phone_call(&self, event: &WebhookEvent) -> bool {
        event.event == "participant_joined"
            && event
                .participant
                .as_ref()
                .is_some_and(|joined| is_phone_caller(&self.integrations().telephony, joined))
    }

    /// What an event sets off once recorded: the end of the call, or the phone agent.
    async fn follow_livekit_event(
        &self,
        session: VoiceSessionRecord,
        event: &WebhookEvent,
    ) -> Result<()> {
        match (event.event.as_str(), &event.participant) {
            ("participant_joined", Some(participant)) => {
                self.dispatch_phone_agent_if_needed(session, participant)
                    .await
            }
            ("participant_left" | "participant_connection_aborted", Some(participant)) => {
                self.participant_left(session, participant).await
            }
            ("room_finished", _) if session.ended_at.is_none() => {
                let reason = event.room_end_reason.unwrap_or("room_finished");
                self.finish_session(session, CallStatus::Completed, reason, false)
                    .await
                    .map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// A phone caller (a SIP participant, or anyone when so configured) gets the agent once.
    async fn dispatch_phone_agent_if_needed(
        &self,
        session: VoiceSessionRecord,
        participant: &Participant,
    ) -> Result<()> {
        let kind = kind_name(participant);
        if kind != "agent"
            && kind != "egress"
            && is_phone_caller(&self.integrations().telephony, participant)
            && session.agent_dispatch_id.is_none()
            && session.ended_at.is_none()
        {
            self.dispatch_phone_agent(session, participant).await?;
        }
        Ok(())
    }

    async fn participant_left(
        &self,
        session: VoiceSessionRecord,
        participant: &Participant,
    ) -> Result<()> {
        let now = self.now_ms();
        let was_present = self
            .store()
            .close_participant(&session.id, &participant.identity, now)
            .await?;
        let kind = kind_name(participant);
        if !was_present || kind == "egress" {
            return Ok(());
        }
        let session = self
            .change_session(session, |s| {
                s.participant_count = (s.participant_count - 1).max(0);
                if kind == "agent" && s.ended_at.is_none() {
                    s.agent_status = Some(AgentStatus::Disconnected.as_str().to_owned());
                }
                Ok(())
            })
            .await?;
        if session.participant_count == 0 && session.ended_at.is_none() {
            self.finish_session(
                session,
                CallStatus::Completed,
                "all_participants_left",
                false,
            )
            .await?;
        }
        Ok(())
    }

    /// A SIP caller joined a room we did not open: it becomes a telephony session of the
    /// configured app.
    async fn open_phone_call(
        &self,
        event: &WebhookEvent,
        room_name: &str,
    ) -> Result<Option<VoiceSessionRecord>> {
        let telephony = &self.integrations().telephony;
        let Some(participant) = &event.participant else {
            return Ok(None);
        };
        if !is_phone_caller(telephony, participant) {
            return Ok(None);
        }
        let Some(slug) = &telephony.app_slug else {
            tracing::warn!(room = %room_name, "a phone call arrived, but TELEPHONY_APP_SLUG is not set");
            return Ok(None);
        };
        let Some(app) = self.store().app_by_slug(slug).await? else {
            tracing::warn!(room = %room_name, app = %slug, "TELEPHONY_APP_SLUG names no app");
            return Ok(None);
        };
        let caller = Caller::for_app(crate::platform::apps::to_app(app));
        let mut record = new_session(
            &caller,
            SessionOrigin::Telephony,
            Some(room_name.to_owned()),
            self.now_ms(),
        );
        record.owner_identity = Some(participant.identity.clone());
        record.owner_name = Some(participant.name.clone()).filter(|n| !n.is_empty());
        record.metadata = Some(json!({
            "channel": "voice-pstn",
            "phoneNumber": participant.attributes.get("sip.phoneNumber"),
            "trunkPhoneNumber": participant.attributes.get("sip.trunkPhoneNumber"),
        }));
        match self.open_session(&record).await {
            Ok(()) => Ok(Some(record)),
            // Opened meanwhile by a concurrent delivery.
            Err(Error::Conflict(_)) => Ok(self.store().voice_session_for_room(room_name).await?),
            Err(err) => Err(err),
        }
    }

    async fn dispatch_phone_agent(
        &self,
        session: VoiceSessionRecord,
        participant: &Participant,
    ) -> Result<()> {
        let livekit = self.livekit()?;
        let room = session.room_name.clone().unwrap_or_default();
        let agent_name = self.integrations().livekit.agent_name.clone();
        let extra = json!({ "channel": "voice-pstn", "callerIdentity": participant.identity });
        let metadata = self
            .dispatch_metadata(&session, extra.as_object().cloned().unwrap_or_default())
            .await?;
        let started = std::time::Instant::now();
        let dispatch = livekit.dispatch_agent(&room, &agent_name, metadata).await?;
        tracing::info!(
            room = %room,
            dispatch = %dispatch.id,
            ms = started.elapsed().as_millis() as u64,
            "agent dispatched to a phone call"
        );
        self.change_session(session, |s| {
            s.agent_name = Some(agent_name.clone());
            s.agent_dispatch_id = Some(dispatch.id.clone());
            s.agent_status
                .get_or_insert_with(|| AgentStatus::Pending.as_str().to_owned());
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// LiveKit's webhook event names: anything else is counted as `other`, so the label stays
/// bounded whatever a sender puts in the field.
const LIVEKIT_EVENTS: [&str; 12] = [
    "room_started",
    "room_finished",
    "participant_joined",
    "participant_left",
    "participant_connection_aborted",
    "track_published",
    "track_unpublished",
    "egress_started",
    "egress_updated",
    "egress_ended",
    "ingress_started",
    "ingress_ended",
];

/// Counts a verified webhook for `switchboard_livekit_webhooks_total`.
fn count_livekit_event(event: &str, outcome: &'static str) {
    let event = LIVEKIT_EVENTS
        .iter()
        .copied()
        .find(|known| *known == event)
        .unwrap_or("other");
    metrics::counter!("switchboard_livekit_webhooks_total", "event" => event, "outcome" => outcome)
        .increment(1);
}
