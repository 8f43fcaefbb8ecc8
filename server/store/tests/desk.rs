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
            priority: None,
            handoff_id: None,
            call_session_id: None,
            needs_human: false,
            created_at: 1_000,
            updated_at: 1_000,
        };
        store
            .insert_desk_conversation(
                &conversation,
                Some(&message(&format!("m-{id}"), id, "visitor", 1_000)),
            )
            .await
            .unwrap();
    }
    assert!(
        store
            .wake_snoozed_conversations(1_400)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.wake_snoozed_conversations(1_600).await.unwrap(),
        ["k1"]
    );
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

/// A workspace `w1` with an app, a contact and an open conversation `k1` (one message).
async fn conversation_fixture(db: &TestDatabase) {
    let ws = workspace(&db.store, "w1").await;
    let store = &db.store;
    store.insert_app(&app("a1", &ws.id, "shop")).await.unwrap();
    store
        .insert_contact(&contact("c1", None, false))
        .await
        .unwrap();
    let conversation = store::DeskConversationRecord {
        id: "k1".to_owned(),
        workspace_id: "w1".to_owned(),
        app_id: "a1".to_owned(),
        contact_id: "c1".to_owned(),
        status: "open".to_owned(),
        channel: "chat".to_owned(),
        message_count: 0,
        last_message_at: 1_000,
        assignee_id: None,
        snoozed_until: None,
        first_response_at: None,
        resolved_at: None,
        contact_read_at: None,
        priority: None,
        handoff_id: None,
        call_session_id: None,
        needs_human: false,
        created_at: 1_000,
        updated_at: 1_000,
    };
    store
        .insert_desk_conversation(&conversation, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_deleted_tag_leaves_no_conversation_tagged() {
    let db = TestDatabase::new().await;
    conversation_fixture(&db).await;
    let store = &db.store;
    let tag = |id: &str, name: &str| store::TagRecord {
        id: id.to_owned(),
        workspace_id: "w1".to_owned(),
        name: name.to_owned(),
        name_key: name.to_lowercase(),
        color: "#000000".to_owned(),
        created_at: 1,
        updated_at: 1,
    };
    store.insert_tag(&tag("t1", "VIP")).await.unwrap();
    assert!(matches!(
        store.insert_tag(&tag("t2", "vip")).await,
        Err(StoreError::UniqueViolation)
    ));
    assert!(store.attach_tag("k1", "t1", None, 5).await.unwrap());
    assert!(
        !store.attach_tag("k1", "t1", None, 6).await.unwrap(),
        "once"
    );
    assert_eq!(
        store.tags_of_workspace("w1").await.unwrap()[0].conversation_count,
        1
    );
    store.delete_tag("t1").await.unwrap();
    let left = store
        .tags_of_conversations(&["k1".to_owned()])
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn snippets_are_found_by_a_literal_search_and_unique_shortcuts() {
    let db = TestDatabase::new().await;
    workspace(&db.store, "w1").await;
    let store = &db.store;
    let snippet = |id: &str, content: &str, shortcut: Option<&str>| store::SnippetRecord {
        id: id.to_owned(),
        workspace_id: "w1".to_owned(),
        name: format!("Snippet {id}"),
        content: content.to_owned(),
        shortcut: shortcut.map(str::to_owned),
        created_by: None,
        created_at: 1,
        updated_at: 1,
    };
    store
        .insert_snippet(&snippet("s1", "100% refund", Some("refund")))
        .await
        .unwrap();
    store
        .insert_snippet(&snippet("s2", "1000 thanks", None))
        .await
        .unwrap();
    store
        .insert_snippet(&snippet("s3", "no shortcut either", None))
        .await
        .unwrap();
    assert!(matches!(
        store
            .insert_snippet(&snippet("s4", "x", Some("refund")))
            .await,
        Err(StoreError::UniqueViolation)
    ));
    let found = store
        .snippets_of_workspace("w1", Some("0%"), 20)
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s1"]
    );
    let by_shortcut = store.snippet_by_shortcut("w1", "refund").await.unwrap();
    assert_eq!(by_shortcut.map(|s| s.id), Some("s1".to_owned()));
}

#[tokio::test]
async fn a_conversation_has_one_ticket_and_a_visitor_comment_resumes_a_waiting_one() {
    let db = TestDatabase::new().await;
    conversation_fixture(&db).await;
    let store = &db.store;
    let ticket = |id: &str| store::TicketRecord {
        id: id.to_owned(),
        workspace_id: "w1".to_owned(),
        contact_id: Some("c1".to_owned()),
        conversation_id: Some("k1".to_owned()),
        subject: "Refund".to_owned(),
        description: None,
        status: "waiting_on_customer".to_owned(),
        priority: "normal".to_owned(),
        assignee_id: None,
        form_id: None,
        form_data: None,
        resolution_summary: None,
        resolved_at: None,
        created_at: 1,
        updated_at: 1,
    };
    store.insert_ticket(&ticket("t1")).await.unwrap();
    assert!(matches!(
        store.insert_ticket(&ticket("t2")).await,
        Err(StoreError::UniqueViolation)
    ));
    let comment = |id: &str, kind: &str, internal: bool| store::TicketCommentRecord {
        id: id.to_owned(),
        ticket_id: "t1".to_owned(),
        author_kind: kind.to_owned(),
        author_id: None,
        body: id.to_owned(),
        internal,
        created_at: 10,
    };
    store
        .insert_ticket_comment(&comment("note", "agent", true))
        .await
        .unwrap();
    assert_eq!(
        store.ticket("t1").await.unwrap().unwrap().status,
        "waiting_on_customer",
        "a member's note does not move it"
    );
    store
        .insert_ticket_comment(&comment("reply", "visitor", false))
        .await
        .unwrap();
    assert_eq!(
        store.ticket("t1").await.unwrap().unwrap().status,
        "in_progress"
    );
    let public = store.ticket_comments("t1", false).await.unwrap();
    assert_eq!(
        public.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["reply"]
    );
    // A stale write loses.
    let before = ticket("t1");
    let after = store::TicketRecord {
        status: "resolved".to_owned(),
        updated_at: 20,
        ..before.clone()
    };
    assert!(!store.update_ticket_if(&before, &after, None).await.unwrap());
}

#[tokio::test]
async fn a_rating_is_stored_once_and_only_while_the_conversation_is_closed() {
    let db = TestDatabase::new().await;
    conversation_fixture(&db).await;
    let store = &db.store;
    let rating = store::RatingRecord {
        conversation_id: "k1".to_owned(),
        workspace_id: "w1".to_owned(),
        assignee_id: None,
        rating: 4,
        comment: None,
        created_at: 5,
    };
    assert!(!store.insert_rating(&rating).await.unwrap(), "open");
    let open = store.desk_conversation("k1").await.unwrap().unwrap();
    let closed = store::DeskConversationRecord {
        status: "closed".to_owned(),
        resolved_at: Some(3),
        updated_at: 3,
        ..open.clone()
    };
    assert!(
        store
            .update_desk_conversation_state(&open, &closed)
            .await
            .unwrap()
    );
    assert!(store.insert_rating(&rating).await.unwrap());
    assert!(matches!(
        store.insert_rating(&rating).await,
        Err(StoreError::UniqueViolation)
    ));
    assert_eq!(
        store
            .rating_of_conversation("k1")
            .await
            .unwrap()
            .map(|r| r.rating),
        Some(4)
    );
}
