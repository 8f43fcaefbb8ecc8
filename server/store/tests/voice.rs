//! Voice sessions' transactional writes: a LiveKit event's claim with its changes, and a
//! session with its agent's credential. On both backends.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::testkit::{TestDatabase, app, workspace};
use store::{
    AgentCredentialRecord, EventFilter, EventRecord, LivekitEventOutcome, LivekitEventWrite,
    ParticipantRecord, Store, StoreError, VoiceSessionRecord,
};

async fn app_with_session(db: &TestDatabase) -> VoiceSessionRecord {
    let ws = workspace(&db.store, "w1").await;
    db.store
        .insert_app(&app("a1", &ws.id, "voice"))
        .await
        .unwrap();
    let session = session("s1", "room-1");
    db.store.insert_voice_session(&session).await.unwrap();
    session
}

fn session(id: &str, room: &str) -> VoiceSessionRecord {
    VoiceSessionRecord {
        id: id.to_owned(),
        app_id: "a1".to_owned(),
        origin: "session".to_owned(),
        session_key: format!("key-{id}"),
        room_name: Some(room.to_owned()),
        status: "pending".to_owned(),
        call_type: None,
        owner_identity: Some("caller".to_owned()),
        owner_name: None,
        owner_token_hash: None,
        callee_id: None,
        agent_status: Some("pending".to_owned()),
        agent_name: Some("agent".to_owned()),
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
        created_at: 1_000,
        connected_at: None,
        ended_at: None,
        updated_at: 1_000,
    }
}

/// The writes of an agent joining `session`'s room, as the domain makes them.
struct AgentJoined {
    timeline: EventRecord,
    participant: ParticipantRecord,
    session: VoiceSessionRecord,
}

fn agent_joined(session: &VoiceSessionRecord) -> AgentJoined {
    let mut changed = session.clone();
    changed.participant_count += 1;
    changed.agent_status = Some("active".to_owned());
    changed.updated_at = session.updated_at + 1;
    AgentJoined {
        timeline: EventRecord {
            id: "e1".to_owned(),
            app_id: session.app_id.clone(),
            session_id: session.session_key.clone(),
            event_type: "livekit.participant_joined".to_owned(),
            ts: 2_000,
            data: None,
            trace_id: None,
            created_at: 2_000,
        },
        participant: ParticipantRecord {
            id: "p1".to_owned(),
            session_id: session.id.clone(),
            identity: "agent-1".to_owned(),
            name: None,
            kind: "agent".to_owned(),
            participant_sid: None,
            joined_at: 2_000,
            left_at: None,
        },
        session: changed,
    }
}

async fn record(
    store: &Store,
    event_id: &str,
    writes: &AgentJoined,
    read: &VoiceSessionRecord,
) -> LivekitEventOutcome {
    store
        .record_livekit_event(&LivekitEventWrite {
            event_id,
            event: "participant_joined",
            room_name: Some("room-1"),
            received_at: 2_000,
            timeline: Some(&writes.timeline),
            participant: Some(&writes.participant),
            session: Some((read, &writes.session)),
        })
        .await
        .unwrap()
}

async fn timeline_len(store: &Store, session: &VoiceSessionRecord) -> usize {
    let filter = EventFilter {
        session_id: Some(session.session_key.clone()),
        ..Default::default()
    };
    store
        .list_events(&session.app_id, &filter, None, 100)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_livekit_event_is_recorded_once_with_all_its_writes() {
    let db = TestDatabase::new().await;
    let session = app_with_session(&db).await;
    let writes = agent_joined(&session);

    let first = record(&db.store, "EV_1", &writes, &session).await;
    assert_eq!(first, LivekitEventOutcome::Recorded);
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(stored, writes.session);
    assert_eq!(
        db.store.participants("s1").await.unwrap(),
        std::slice::from_ref(&writes.participant)
    );
    assert_eq!(timeline_len(&db.store, &session).await, 1);

    // A redelivery, even one that would apply, writes nothing.
    let again = record(&db.store, "EV_1", &agent_joined(&stored), &stored).await;
    assert_eq!(again, LivekitEventOutcome::Duplicate);
    assert_eq!(
        db.store.voice_session("a1", "s1").await.unwrap().unwrap(),
        stored
    );
    assert_eq!(db.store.participants("s1").await.unwrap().len(), 1);
    assert_eq!(timeline_len(&db.store, &session).await, 1);
}

#[tokio::test]
async fn an_event_read_against_a_changed_session_writes_nothing_not_even_its_claim() {
    let db = TestDatabase::new().await;
    let session = app_with_session(&db).await;
    let writes = agent_joined(&session);

    // Another writer changed the session after it was read as `earlier`.
    let earlier = VoiceSessionRecord {
        updated_at: session.updated_at - 1,
        ..session.clone()
    };
    let stale = record(&db.store, "EV_1", &writes, &earlier).await;
    assert_eq!(stale, LivekitEventOutcome::SessionChanged);
    assert_eq!(
        db.store.voice_session("a1", "s1").await.unwrap().unwrap(),
        session
    );
    assert!(db.store.participants("s1").await.unwrap().is_empty());
    assert_eq!(timeline_len(&db.store, &session).await, 0);

    // So the retry, against the session read again, is not taken for a redelivery.
    let retried = record(&db.store, "EV_1", &writes, &session).await;
    assert_eq!(retried, LivekitEventOutcome::Recorded);
    assert_eq!(db.store.participants("s1").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_session_and_its_agent_credential_are_stored_together_or_not_at_all() {
    let db = TestDatabase::new().await;
    app_with_session(&db).await;
    let credential = |id: &str, room: &str| AgentCredentialRecord {
        id: id.to_owned(),
        app_id: "a1".to_owned(),
        token_hash: format!("hash-{id}"),
        session_id: format!("key-{id}"),
        room_name: room.to_owned(),
        expires_at: 9_000,
        created_at: 1_000,
        revoked_at: None,
    };

    let second = session("s2", "room-2");
    db.store
        .insert_voice_session_with_credential(&second, &credential("c2", "room-2"))
        .await
        .unwrap();
    assert_eq!(
        db.store.voice_session("a1", "s2").await.unwrap(),
        Some(second)
    );
    let found = db.store.agent_credential_with_app("hash-c2").await.unwrap();
    assert_eq!(
        found.map(|f| f.credential_room_name),
        Some("room-2".to_owned())
    );

    // room-1 has a live session: neither row is stored.
    let err = db
        .store
        .insert_voice_session_with_credential(&session("s3", "room-1"), &credential("c3", "room-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UniqueViolation), "{err:?}");
    assert_eq!(db.store.voice_session("a1", "s3").await.unwrap(), None);
    assert!(
        db.store
            .agent_credential_with_app("hash-c3")
            .await
            .unwrap()
            .is_none()
    );

    // The session could be stored, its credential not (c2's id again): neither is.
    let err = db
        .store
        .insert_voice_session_with_credential(&session("s4", "room-4"), &credential("c2", "room-4"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UniqueViolation), "{err:?}");
    assert_eq!(db.store.voice_session("a1", "s4").await.unwrap(), None);
}

#[tokio::test]
async fn a_session_update_writes_what_changed_unless_the_row_changed_since_it_was_read() {
    let db = TestDatabase::new().await;
    let read = app_with_session(&db).await;
    let mut changed = read.clone();
    changed.status = "connected".to_owned();
    changed.agent_config = Some(serde_json::json!({ "prompt": "Be brief." }));
    changed.connected_at = Some(1_500);
    changed.updated_at = 1_500;
    assert!(
        db.store
            .update_voice_session(&read, &changed)
            .await
            .unwrap()
    );
    assert_eq!(
        db.store.voice_session("a1", "s1").await.unwrap(),
        Some(changed.clone())
    );

    // A writer that read the session before that change is refused, and writes nothing.
    let mut late = read.clone();
    late.participant_count = 3;
    late.updated_at = 1_600;
    assert!(!db.store.update_voice_session(&read, &late).await.unwrap());
    assert_eq!(
        db.store.voice_session("a1", "s1").await.unwrap(),
        Some(changed)
    );
}
