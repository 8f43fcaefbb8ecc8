//! Workspaces, apps and session tokens, on both backends.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::testkit::{TestDatabase, app, workspace};
use store::{AppRecord, SessionTokenRecord, StoreError};

fn token(id: &str, app_id: &str, hash: &str, expires_at: i64) -> SessionTokenRecord {
    SessionTokenRecord {
        id: id.to_owned(),
        app_id: app_id.to_owned(),
        token_hash: hash.to_owned(),
        expires_at,
        created_at: 1_000,
        revoked_at: None,
    }
}

#[tokio::test]
async fn apps_round_trip_every_field() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    let record = app("a1", &ws.id, "my-app");
    db.store.insert_app(&record).await.unwrap();
    assert_eq!(db.store.app_by_slug("my-app").await.unwrap(), Some(record));
    assert_eq!(db.store.app_by_slug("other").await.unwrap(), None);
}

#[tokio::test]
async fn slugs_are_unique() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    db.store
        .insert_app(&app("a1", &ws.id, "dup"))
        .await
        .unwrap();
    let err = db
        .store
        .insert_app(&app("a2", &ws.id, "dup"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UniqueViolation), "{err:?}");
}

#[tokio::test]
async fn an_app_needs_an_existing_workspace() {
    let db = TestDatabase::new().await;
    let err = db
        .store
        .insert_app(&app("a1", "nope", "x1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ForeignKeyViolation), "{err:?}");
}

#[tokio::test]
async fn apps_are_listed_by_workspace_and_slug() {
    let db = TestDatabase::new().await;
    let w1 = workspace(&db.store, "w1").await;
    let w2 = workspace(&db.store, "w2").await;
    for (id, ws, slug) in [
        ("a1", &w1, "zeta"),
        ("a2", &w1, "alpha"),
        ("a3", &w2, "beta"),
    ] {
        db.store.insert_app(&app(id, &ws.id, slug)).await.unwrap();
    }
    let slugs = |apps: Vec<AppRecord>| apps.into_iter().map(|a| a.slug).collect::<Vec<_>>();
    assert_eq!(
        slugs(db.store.list_apps(None).await.unwrap()),
        ["alpha", "beta", "zeta"]
    );
    assert_eq!(
        slugs(db.store.list_apps(Some("w1")).await.unwrap()),
        ["alpha", "zeta"]
    );
    assert_eq!(
        db.store.list_workspaces().await.unwrap().len(),
        2,
        "workspaces listed"
    );
}

#[tokio::test]
async fn updates_change_settings_but_not_the_secret() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    let original = app("a1", &ws.id, "my-app");
    db.store.insert_app(&original).await.unwrap();

    let changed = AppRecord {
        name: "Renamed".to_owned(),
        is_active: false,
        temperature: None,
        secret_hash: "ignored".to_owned(),
        updated_at: 3_000,
        ..original.clone()
    };
    db.store.update_app(&changed).await.unwrap();
    let stored = db.store.app_by_slug("my-app").await.unwrap().unwrap();
    assert_eq!(stored.name, "Renamed");
    assert!(!stored.is_active);
    assert_eq!(stored.temperature, None);
    assert_eq!(stored.secret_hash, original.secret_hash);

    db.store
        .set_app_secret_hash("a1", "new-hash", 4_000)
        .await
        .unwrap();
    let stored = db.store.app_by_slug("my-app").await.unwrap().unwrap();
    assert_eq!(stored.secret_hash, "new-hash");
    assert_eq!(stored.updated_at, 4_000);

    let missing = db
        .store
        .set_app_secret_hash("nope", "h", 1)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound));
}

#[tokio::test]
async fn session_tokens_are_found_with_their_app_by_hash() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    let record = app("a1", &ws.id, "my-app");
    db.store.insert_app(&record).await.unwrap();
    db.store
        .insert_session_token(&token("t1", "a1", "h1", 9_000))
        .await
        .unwrap();

    let found = db
        .store
        .session_token_with_app("h1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.app, record);
    assert_eq!(found.token_id, "t1");
    assert_eq!(found.token_expires_at, 9_000);
    assert_eq!(found.token_revoked_at, None);
    assert_eq!(db.store.session_token_with_app("h2").await.unwrap(), None);
}

#[tokio::test]
async fn only_live_tokens_of_the_same_app_are_revoked() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    db.store
        .insert_app(&app("a1", &ws.id, "one"))
        .await
        .unwrap();
    db.store
        .insert_app(&app("a2", &ws.id, "two"))
        .await
        .unwrap();
    db.store
        .insert_session_token(&token("t1", "a1", "h1", 9_000))
        .await
        .unwrap();
    db.store
        .insert_session_token(&token("t2", "a1", "h2", 1_500))
        .await
        .unwrap();

    assert!(
        !db.store
            .revoke_session_token("a2", "h1", 2_000)
            .await
            .unwrap(),
        "other app"
    );
    assert!(
        !db.store
            .revoke_session_token("a1", "h2", 2_000)
            .await
            .unwrap(),
        "expired"
    );
    assert!(
        db.store
            .revoke_session_token("a1", "h1", 2_000)
            .await
            .unwrap()
    );
    assert!(
        !db.store
            .revoke_session_token("a1", "h1", 2_001)
            .await
            .unwrap(),
        "already"
    );
    let found = db
        .store
        .session_token_with_app("h1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.token_revoked_at, Some(2_000));
}

#[tokio::test]
async fn purge_deletes_expired_and_revoked_tokens_only() {
    let db = TestDatabase::new().await;
    let ws = workspace(&db.store, "w1").await;
    db.store
        .insert_app(&app("a1", &ws.id, "one"))
        .await
        .unwrap();
    for (id, hash, expires) in [
        ("t1", "live", 9_000),
        ("t2", "expired", 1_500),
        ("t3", "revoked", 9_000),
    ] {
        db.store
            .insert_session_token(&token(id, "a1", hash, expires))
            .await
            .unwrap();
    }
    db.store
        .revoke_session_token("a1", "revoked", 2_000)
        .await
        .unwrap();

    assert_eq!(
        db.store.delete_session_tokens_before(3_000).await.unwrap(),
        2
    );
    assert!(
        db.store
            .session_token_with_app("live")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        db.store
            .session_token_with_app("expired")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.store
            .session_token_with_app("revoked")
            .await
            .unwrap()
            .is_none()
    );
}
