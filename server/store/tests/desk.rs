//! The desk's tables: one verified contact per user id, contact search, and widget sessions
//! refreshed once. On both backends.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Map;
use store::testkit::{TestDatabase, app, workspace};
use store::{ContactFilter, ContactRecord, StoreError, WidgetSessionRecord};

fn contact(id: &str, external_user_id: Option<&str>, verified: bool) -> ContactRecord {
    ContactRecord {
        id: id.to_owned(),
        workspace_id: "w1".to_owned(),
        device_id: Some(format!("device-{id}")),
        email: Some(format!("{id}@example.com")),
        name: Some(format!("Name {id}")),
        external_user_id: external_user_id.map(str::to_owned),
        identity_verified: verified,
        identity_verified_at: verified.then_some(1_000),
        custom_attributes: Map::new(),
        device: None,
        location: None,
        first_seen_at: 1_000,
        last_seen_at: 1_000,
        created_at: 1_000,
        updated_at: 1_000,
    }
}

fn session(id: &str, contact_id: &str) -> WidgetSessionRecord {
    WidgetSessionRecord {
        id: id.to_owned(),
        app_id: "a1".to_owned(),
        contact_id: contact_id.to_owned(),
        token_hash: format!("hash-{id}"),
        origin: Some("https://shop.example.com".to_owned()),
        identity_verified: false,
        lifetime_ms: 100,
        expires_at: 2_000,
        booted_at: 1_000,
        created_at: 1_000,
        revoked_at: None,
    }
}

#[tokio::test]
async fn a_user_id_has_one_verified_contact_and_any_number_of_claims() {
    let db = TestDatabase::new().await;
    workspace(&db.store, "w1").await;
    let store = &db.store;
    store
        .insert_contact(&contact("c1", Some("user-1"), true))
        .await
        .unwrap();
    let second = store
        .insert_contact(&contact("c2", Some("user-1"), true))
        .await;
    assert!(
        matches!(second, Err(StoreError::UniqueViolation)),
        "{second:?}"
    );
    // Unproved claims of the same id are separate contacts.
    for id in ["c3", "c4"] {
        store
            .insert_contact(&contact(id, Some("user-1"), false))
            .await
            .unwrap();
    }
    let verified = store
        .verified_contact("w1", "user-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(verified.id, "c1");
    let anonymous = store
        .anonymous_contact_by_device("w1", "device-c3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(anonymous.id, "c3");
    assert!(
        store
            .anonymous_contact_by_device("w1", "device-c1")
            .await
            .unwrap()
            .is_none(),
        "a verified contact is never found by its device alone"
    );
}

#[tokio::test]
async fn contact_search_takes_wildcards_literally_and_pages_by_last_seen() {
    let db = TestDatabase::new().await;
    workspace(&db.store, "w1").await;
    let store = &db.store;
    for (at, id, name) in [
        (1, "c1", "Ada"),
        (2, "c2", "50% off_"),
        (3, "c3", "Back\\slash"),
    ] {
        let mut record = contact(id, None, false);
        record.name = Some(name.to_owned());
        record.last_seen_at = at;
        store.insert_contact(&record).await.unwrap();
    }
    let search = |term: &'static str| ContactFilter {
        workspace_id: "w1",
        search: Some(term),
        limit: 10,
        ..ContactFilter::default()
    };
    for (term, expected) in [
        ("%", vec!["c2"]),
        ("_", vec!["c2"]),
        ("\\", vec!["c3"]),
        ("ADA", vec!["c1"]),
        ("example.com", vec!["c3", "c2", "c1"]),
    ] {
        let found: Vec<_> = store
            .list_contacts(&search(term))
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(found, expected, "{term}");
    }
    let after: Vec<_> = store
        .list_contacts(&ContactFilter {
            workspace_id: "w1",
            after: Some((3, "c3")),
            limit: 10,
            ..ContactFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(after, ["c2", "c1"]);
}

#[tokio::test]
async fn a_widget_session_is_replaced_once_and_purged_when_over() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    let store = &db.store;
    store.insert_app(&app("a1", &ws.id, "shop")).await.unwrap();
    store
        .insert_contact(&contact("c1", None, false))
        .await
        .unwrap();
    store
        .insert_widget_session(&session("s1", "c1"))
        .await
        .unwrap();
    assert!(
        store
            .replace_widget_session("s1", &session("s2", "c1"))
            .await
            .unwrap()
    );
    // The second refresh of the same token writes nothing.
    assert!(
        !store
            .replace_widget_session("s1", &session("s3", "c1"))
            .await
            .unwrap()
    );
    assert!(
        store
            .widget_session_by_hash("hash-s3")
            .await
            .unwrap()
            .is_none()
    );
    let old = store
        .widget_session_by_hash("hash-s1")
        .await
        .unwrap()
        .unwrap();
    assert!(old.revoked_at.is_some());
    assert_eq!(
        store.count_live_widget_sessions("c1", 1_500).await.unwrap(),
        1
    );
    assert!(store.revoke_widget_session("hash-s2", 1_600).await.unwrap());
    assert!(!store.revoke_widget_session("hash-s2", 1_700).await.unwrap());
    assert_eq!(store.delete_widget_sessions_before(1_800).await.unwrap(), 2);
}

#[tokio::test]
async fn snoozed_conversations_wake_when_their_time_comes_and_a_visitor_reopens_them() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    let store = &db.store;
    store.insert_app(&app("a1", &ws.id, "shop")).await.unwrap();
    store
        .insert_contact(&contact("c1", None, false))
        .await
        .unwrap();
    let message = |id: &str, conversation: &str, kind: &str, at: i64| store::DeskMessageRecord {
        id: id.to_owned(),
        conversation_id: conversation.to_owned(),
        sender_kind: kind.to_owned(),
        sender_id: None,
        body: "text".to_owned(),
        internal: false,
        created_at: at,
    };
    for id in ["k1", "k2"] {
        let conversation = store::DeskConversationRecord {
            id: id.to_owned(),
            workspace_id: "w1".to_owned(),
            app_id: "a1".to_owned(),
            contact_id: "c1".to_owned(),
            status: "snoozed".to_owned(),
            channel: "chat".to_owned(),
            message_count: 1,
            last_message_at: 1_000,
            assignee_id: None,
            snoozed_until: Some(if id == "k1" { 1_500 } else { 9_000 }),
            first_response_at: None,
            resolved_at: None,
            contact_read_at: None,
            created_at: 1_000,
            updated_at: 1_000,
        };
        store
            .insert_desk_conversation(
                &conversation,
                &message(&format!("m-{id}"), id, "visitor", 1_000),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.wake_snoozed_conversations(1_400).await.unwrap(), 0);
    assert_eq!(store.wake_snoozed_conversations(1_600).await.unwrap(), 1);
    let woken = store.desk_conversation("k1").await.unwrap().unwrap();
    assert_eq!((woken.status.as_str(), woken.snoozed_until), ("open", None));
    // The member's reply sets the first response; the visitor's message reopens k2.
    store
        .insert_desk_message(&message("r1", "k2", "agent", 2_000))
        .await
        .unwrap();
    store
        .insert_desk_message(&message("v2", "k2", "visitor", 3_000))
        .await
        .unwrap();
    let k2 = store.desk_conversation("k2").await.unwrap().unwrap();
    assert_eq!(k2.status, "open");
    assert_eq!(k2.first_response_at, Some(2_000));
    assert_eq!(k2.message_count, 3);
}
