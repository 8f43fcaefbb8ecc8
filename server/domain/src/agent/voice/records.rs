//! Voice session records: a new one, and their status, duration and wire form.

use super::*;

/// A fresh session row, opened at `now`, with everything unset but what every session has.
pub(crate) fn new_session(
    caller: &Caller,
    origin: SessionOrigin,
    room_name: Option<String>,
    now: i64,
) -> VoiceSessionRecord {
    let id = new_id();
    VoiceSessionRecord {
        session_key: format!("voice-{id}"),
        id,
        app_id: caller.app.id.clone(),
        origin: origin.as_str().to_owned(),
        room_name,
        status: CallStatus::Pending.as_str().to_owned(),
        call_type: None,
        owner_identity: None,
        owner_name: None,
        owner_token_hash: caller.session_token_hash().map(str::to_owned),
        callee_id: None,
        agent_status: None,
        agent_name: None,
        agent_identity: None,
        agent_dispatch_id: None,
        agent_config: None,
        system_prompt: None,
        voice: None,
        max_participants: None,
        empty_timeout_secs: None,
        metadata: None,
        participant_count: 0,
        customer_id: None,
        direction: None,
        locale: None,
        simulation: false,
        agent_type: None,
        external_id: None,
        recording_enabled: false,
        egress_id: None,
        recording_status: None,
        recording_started_at: None,
        recording_url: None,
        transcript: None,
        end_reason: None,
        created_at: now,
        connected_at: None,
        ended_at: None,
        updated_at: now,
    }
}

pub(crate) fn status_of(record: &VoiceSessionRecord) -> CallStatus {
    CallStatus::parse(&record.status).unwrap_or(CallStatus::Failed)
}

pub(crate) fn agent_status_of(record: &VoiceSessionRecord) -> Option<AgentStatus> {
    record.agent_status.as_deref().and_then(AgentStatus::parse)
}

/// Seconds connected (or since creation when never connected), up to the end or `now`.
pub(crate) fn duration_secs(record: &VoiceSessionRecord, now: i64) -> i64 {
    let start = record.connected_at.unwrap_or(record.created_at);
    let end = record.ended_at.unwrap_or(now);
    ((end - start) / 1_000).max(0)
}

pub(crate) fn to_voice_session(record: &VoiceSessionRecord, now: i64) -> VoiceSession {
    let status = status_of(record);
    VoiceSession {
        id: record.id.clone(),
        origin: SessionOrigin::parse(&record.origin).unwrap_or(SessionOrigin::Livekit),
        session_id: record.session_key.clone(),
        room_name: record.room_name.clone(),
        status,
        room_status: status.room_status(),
        call_type: record.call_type.as_deref().and_then(CallType::parse),
        participant_identity: record.owner_identity.clone(),
        participant_name: record.owner_name.clone(),
        callee_id: record.callee_id.clone(),
        agent_status: agent_status_of(record),
        agent_name: record.agent_name.clone(),
        agent_identity: record.agent_identity.clone(),
        agent_dispatch_id: record.agent_dispatch_id.clone(),
        agent_config: record.agent_config.clone(),
        voice: record.voice.clone(),
        participant_count: record.participant_count,
        max_participants: record.max_participants,
        empty_timeout: record.empty_timeout_secs,
        metadata: metadata_of(record),
        customer_id: record.customer_id.clone(),
        direction: record.direction.clone(),
        locale: record.locale.clone(),
        simulation: record.simulation,
        agent_type: record.agent_type.clone(),
        external_id: record.external_id.clone(),
        recording_enabled: record.recording_enabled,
        recording_status: record.recording_status.clone(),
        egress_id: record.egress_id.clone(),
        recording_url: record.recording_url.clone(),
        has_transcript: record.transcript.is_some(),
        end_reason: record.end_reason.clone(),
        created_at: record.created_at,
        connected_at: record.connected_at,
        ended_at: record.ended_at,
        duration_secs: duration_secs(record, now),
    }
}

pub(crate) fn metadata_of(record: &VoiceSessionRecord) -> Value {
    record
        .metadata
        .as_ref()
        .map_or_else(|| Value::Object(Default::default()), |m| m.clone())
}

pub(super) fn to_participant(record: ParticipantRecord) -> VoiceParticipant {
    VoiceParticipant {
        identity: record.identity,
        name: record.name,
        kind: record.kind,
        joined_at: record.joined_at,
        left_at: record.left_at,
    }
}
