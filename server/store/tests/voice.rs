//! Voice sessions' transactional writes: a LiveKit event's claim with its changes, and a
//! session with its agent's credential. On both backends.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::testkit::{TestDatabase, app, workspace};
use store::{
    AgentCredentialRecord, EventFilter, EventRecord, LivekitEventClaim, LivekitEventOutcome,
    LivekitEventWrites, ParticipantRecord, Store, StoreError, VoiceSessionRecord,
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

/// The writes of an agent joining `session`'s room, as the domain makes them; `n` keeps the
/// ids of several joins apart.
fn agent_joined(session: &VoiceSessionRecord, n: usize) -> LivekitEventWrites {
    let mut changed = session.clone();
    changed.participant_count += 1;
    changed.agent_status = Some("active".to_owned());
    changed.updated_at = session.updated_at + 1;
    LivekitEventWrites {
        timeline: EventRecord {
            id: format!("e{n}"),
            app_id: session.app_id.clone(),
            session_id: session.session_key.clone(),
            event_type: "livekit.participant_joined".to_owned(),
            ts: 2_000,
            data: None,
            trace_id: None,
            created_at: 2_000,
        },
        participant: Some(ParticipantRecord {
            id: format!("p{n}"),
            session_id: session.id.clone(),
            identity: format!("agent-{n}"),
            name: None,
            kind: "agent".to_owned(),
            participant_sid: None,
            joined_at: 2_000,
            left_at: None,
        }),
        session: Some(changed),
    }
}

fn claim(event_id: &str, room: &str, needs_session: bool) -> LivekitEventClaim {
    LivekitEventClaim {
        event_id: event_id.to_owned(),
        event: "participant_joined".to_owned(),
        room_name: Some(room.to_owned()),
        received_at: 2_000,
        needs_session,
    }
}

/// Records the event `claim` names, with `writes_for` making its writes from its session.
async fn record_claim<F>(
    store: &Store,
    claim: LivekitEventClaim,
    writes_for: F,
) -> LivekitEventOutcome
where
    F: Fn(&VoiceSessionRecord) -> LivekitEventWrites + Send + Sync + 'static,
{
    store.record_livekit_event(claim, writes_for).await.unwrap()
}

/// Records an agent's join of room-1 as event `event_id`; returns the outcome and the session
/// the writes were made from.
async fn record(
    store: &Store,
    event_id: &str,
    n: usize,
) -> (LivekitEventOutcome, Option<VoiceSessionRecord>) {
    let read = Arc::new(Mutex::new(None));
    let outcome = record_claim(store, claim(event_id, "room-1", false), {
        let read = Arc::clone(&read);
        move |session| {
            *read.lock().unwrap() = Some(session.clone());
            agent_joined(session, n)
        }
    })
    .await;
    let read = read.lock().unwrap().take();
    (outcome, read)
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
    let writes = agent_joined(&session, 1);

    let (first, read) = record(&db.store, "EV_1", 1).await;
    assert_eq!(read.as_ref(), Some(&session));
    assert_eq!(
        first,
        LivekitEventOutcome::Recorded(writes.session.clone().map(Box::new))
    );
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(Some(&stored), writes.session.as_ref());
    assert_eq!(
        db.store.participants("s1").await.unwrap(),
        Vec::from_iter(writes.participant)
    );
    assert_eq!(timeline_len(&db.store, &session).await, 1);

    // A redelivery writes nothing; its writes are not even made.
    let (again, read) = record(&db.store, "EV_1", 2).await;
    assert_eq!(again, LivekitEventOutcome::Duplicate);
    assert_eq!(read, None);
    assert_eq!(
        db.store.voice_session("a1", "s1").await.unwrap().unwrap(),
        stored
    );
    assert_eq!(db.store.participants("s1").await.unwrap().len(), 1);
    assert_eq!(timeline_len(&db.store, &session).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_events_for_one_session_apply_one_after_another() {
    let db = TestDatabase::new().await;
    let session = app_with_session(&db).await;

    // Two events, each waiting after its read (up to a bound) for the other to have read too.
    // Were the session not locked from read to commit, both would read the same version: one
    // update would then fail, or overwrite the other's count.
    let (first_read, first_seen) = std::sync::mpsc::channel();
    let (second_read, second_seen) = std::sync::mpsc::channel();
    let join = |n: usize, read: Sender<()>, other: Receiver<()>| {
        let store = db.store.clone();
        let other = Mutex::new(other);
        tokio::spawn(async move {
            let event_id = format!("EV_{n}");
            store
                .record_livekit_event(claim(&event_id, "room-1", false), move |session| {
                    read.send(()).ok();
                    let other = other.lock().unwrap();
                    other.recv_timeout(Duration::from_millis(300)).ok();
                    agent_joined(session, n)
                })
                .await
        })
    };
    let joins = [
        join(1, first_read, second_seen),
        join(2, second_read, first_seen),
    ];
    for join in joins {
        let outcome = join.await.unwrap().unwrap();
        assert!(matches!(outcome, LivekitEventOutcome::Recorded(Some(_))));
    }
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(stored.participant_count, 2);
    assert_eq!(stored.updated_at, session.updated_at + 2);
    assert_eq!(db.store.participants("s1").await.unwrap().len(), 2);
    assert_eq!(timeline_len(&db.store, &session).await, 2);
}

/// Records event `EV_0` (an agent joining room-1), holding the writer inside its transaction
/// (on PostgreSQL, room-1's session row) until `release` is sent: writes queued meanwhile are
/// committed together on SQLite.
fn hold_the_writer(
    store: &Store,
) -> (
    tokio::task::JoinHandle<Result<LivekitEventOutcome, StoreError>>,
    Sender<()>,
) {
    let (entered, first_entered) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = Mutex::new(released);
    let store = store.clone();
    let first = tokio::spawn(async move {
        store
            .record_livekit_event(claim("EV_0", "room-1", false), move |session| {
                entered.send(()).ok();
                let released = released.lock().unwrap();
                released.recv_timeout(Duration::from_secs(5)).ok();
                agent_joined(session, 0)
            })
            .await
    });
    first_entered.recv_timeout(Duration::from_secs(5)).unwrap();
    (first, release)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_recorded_together_each_get_their_own_outcome() {
    let db = TestDatabase::new().await;
    let session = app_with_session(&db).await;

    // The first event holds the writer (on PostgreSQL, the session's row) until the others have
    // queued behind it, so that SQLite records them in one transaction: eight joins, a
    // redelivery of the first, and one whose timeline entry clashes with the first's.
    let (first, release) = hold_the_writer(&db.store);
    let queue = |event_id: &str, n: usize| {
        let store = db.store.clone();
        let claim = claim(event_id, "room-1", false);
        tokio::spawn(async move {
            store
                .record_livekit_event(claim, move |session| agent_joined(session, n))
                .await
        })
    };
    let joins: Vec<_> = (1..=8).map(|n| queue(&format!("EV_{n}"), n)).collect();
    let redelivery = queue("EV_0", 0);
    let clash = queue("EV_CLASH", 0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    release.send(()).unwrap();

    assert!(matches!(
        first.await.unwrap().unwrap(),
        LivekitEventOutcome::Recorded(Some(_))
    ));
    for join in joins {
        let outcome = join.await.unwrap().unwrap();
        assert!(matches!(outcome, LivekitEventOutcome::Recorded(Some(_))));
    }
    assert_eq!(
        redelivery.await.unwrap().unwrap(),
        LivekitEventOutcome::Duplicate
    );
    assert!(matches!(
        clash.await.unwrap(),
        Err(StoreError::UniqueViolation)
    ));
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(stored.participant_count, 9);
    assert_eq!(db.store.participants("s1").await.unwrap().len(), 9);
    assert_eq!(timeline_len(&db.store, &session).await, 9);
    // The failed event left nothing behind, not even its claim.
    let retried = record_claim(&db.store, claim("EV_CLASH", "room-1", false), |session| {
        agent_joined(session, 9)
    })
    .await;
    assert!(matches!(retried, LivekitEventOutcome::Recorded(Some(_))));
}

#[tokio::test]
async fn an_event_that_needs_a_session_writes_nothing_without_one_not_even_its_claim() {
    let db = TestDatabase::new().await;
    app_with_session(&db).await;
    let no_writes = |_: &VoiceSessionRecord| -> LivekitEventWrites { unreachable!("no session") };

    let missing = record_claim(&db.store, claim("EV_1", "room-2", true), no_writes).await;
    assert_eq!(missing, LivekitEventOutcome::NoSession);

    // So once the caller has opened the session, the same event is not taken for a redelivery.
    let opened = session("s2", "room-2");
    db.store.insert_voice_session(&opened).await.unwrap();
    let recorded = record_claim(&db.store, claim("EV_1", "room-2", true), |read| {
        agent_joined(read, 1)
    })
    .await;
    assert!(matches!(recorded, LivekitEventOutcome::Recorded(Some(_))));
    assert_eq!(db.store.participants("s2").await.unwrap().len(), 1);

    // Without the need, an event for an unknown room is claimed and writes nothing else.
    let unknown = record_claim(&db.store, claim("EV_2", "room-3", false), no_writes).await;
    assert_eq!(unknown, LivekitEventOutcome::Recorded(None));
    let again = record_claim(&db.store, claim("EV_2", "room-3", false), no_writes).await;
    assert_eq!(again, LivekitEventOutcome::Duplicate);
}

fn credential(id: &str, room: &str) -> AgentCredentialRecord {
    AgentCredentialRecord {
        id: id.to_owned(),
        app_id: "a1".to_owned(),
        token_hash: format!("hash-{id}"),
        session_id: format!("key-{id}"),
        room_name: room.to_owned(),
        expires_at: 9_000,
        created_at: 1_000,
        revoked_at: None,
    }
}

/// Whether a credential with `token_hash` is stored.
async fn has_credential(store: &Store, token_hash: &str) -> bool {
    store
        .agent_credential_with_app(token_hash)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_call_s_writes_committed_together_each_get_their_own_outcome() {
    let db = TestDatabase::new().await;
    app_with_session(&db).await;

    // Queued behind the held event, so that SQLite commits them in one transaction: a session
    // with its credential, one whose room is taken, and the held session's dispatch id.
    let (first, release) = hold_the_writer(&db.store);
    let insert = |id: &str, room: &str| {
        let store = db.store.clone();
        let (session, credential) = (session(id, room), credential(&format!("c-{id}"), room));
        tokio::spawn(async move {
            store
                .insert_voice_session_with_credential(&session, &credential)
                .await
        })
    };
    let opened = insert("s2", "room-2");
    let taken = insert("s3", "room-1");
    let store = db.store.clone();
    let dispatched =
        tokio::spawn(async move { store.set_voice_session_dispatch("s1", "AD_1", 2_000).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    release.send(()).unwrap();

    assert!(matches!(
        first.await.unwrap().unwrap(),
        LivekitEventOutcome::Recorded(Some(_))
    ));
    opened.await.unwrap().unwrap();
    let err = taken.await.unwrap().unwrap_err();
    assert!(matches!(err, StoreError::UniqueViolation), "{err:?}");
    assert!(dispatched.await.unwrap().unwrap());

    assert!(db.store.voice_session("a1", "s2").await.unwrap().is_some());
    assert!(has_credential(&db.store, "hash-c-s2").await);
    assert_eq!(db.store.voice_session("a1", "s3").await.unwrap(), None);
    assert!(!has_credential(&db.store, "hash-c-s3").await);
    let held = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(held.agent_dispatch_id.as_deref(), Some("AD_1"));
    assert_eq!(held.participant_count, 1);
}

#[tokio::test]
async fn a_session_and_its_agent_credential_are_stored_together_or_not_at_all() {
    let db = TestDatabase::new().await;
    app_with_session(&db).await;
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
    assert!(!has_credential(&db.store, "hash-c3").await);

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

#[tokio::test]
async fn an_agent_dispatch_is_set_whatever_changed_and_later_checked_writes_see_it() {
    let db = TestDatabase::new().await;
    let read = app_with_session(&db).await;
    // An event changed the session after it was read.
    let mut joined = read.clone();
    joined.participant_count = 1;
    joined.updated_at = 1_200;
    assert!(db.store.update_voice_session(&read, &joined).await.unwrap());

    // The dispatch id is set all the same, keeping the event's change, and the version moves
    // on even when the clock is behind it.
    assert!(
        db.store
            .set_voice_session_dispatch("s1", "AD_1", 1_100)
            .await
            .unwrap()
    );
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(stored.agent_dispatch_id.as_deref(), Some("AD_1"));
    assert_eq!(stored.participant_count, 1);
    assert_eq!(stored.updated_at, 1_201);
    assert!(
        db.store
            .set_voice_session_dispatch("s1", "AD_2", 5_000)
            .await
            .unwrap()
    );
    let stored = db.store.voice_session("a1", "s1").await.unwrap().unwrap();
    assert_eq!(stored.updated_at, 5_000);

    // A writer that read before the dispatch is refused.
    let mut late = joined.clone();
    late.status = "connected".to_owned();
    assert!(!db.store.update_voice_session(&joined, &late).await.unwrap());
    assert!(
        !db.store
            .set_voice_session_dispatch("missing", "AD_3", 5_000)
            .await
            .unwrap()
    );
}
