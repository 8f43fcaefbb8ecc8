//! Handoff webhooks: queued durably, signed, retried with backoff, logged.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use model::platform::apps::AppSettings;
use serde_json::json;

use crate::fakes::{FakeServer, signature_is_valid};
use crate::helpers::{Tenant, TestApp};

async fn tenant_with_webhook(app: &TestApp, url: &str) -> Tenant {
    app.tenant_with(
        "my-app",
        AppSettings {
            handoff_webhook_url: Some(format!("{url}/hooks/handoffs")),
            ..AppSettings::default()
        },
    )
    .await
}

fn handoff() -> serde_json::Value {
    json!({"sessionId": "ses_abc123", "reason": "user_requested", "transcript": []})
}

#[tokio::test]
async fn handoff_events_reach_the_webhook_signed() {
    let receiver = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = tenant_with_webhook(&app, &receiver.url).await;
    let id = app
        .post_as(&tenant, "/api/handoffs", handoff())
        .await
        .json()["id"]
        .clone();
    app.call_as(
        &tenant,
        Method::PATCH,
        "/api/handoffs",
        Some(json!({"handoffId": id, "status": "claimed", "assignedAgent": "sam"})),
    )
    .await;
    app.call_as(
        &tenant,
        Method::PATCH,
        "/api/handoffs",
        Some(json!({"handoffId": id, "status": "resolved"})),
    )
    .await;
    assert_eq!(
        app.services
            .platform()
            .deliver_due_webhooks()
            .await
            .unwrap(),
        3
    );

    let secret = app
        .get_as(&tenant, "/api/webhooks/signing-secret")
        .await
        .json()["signingSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("sbw_"));
    let mut received = receiver.received();
    received.sort_by_key(|r| r.json()["timestamp"].as_str().unwrap().to_owned());
    let events: Vec<String> = received
        .iter()
        .map(|r| r.header("x-switchboard-event").unwrap().to_owned())
        .collect();
    let mut sorted = events.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["handoff.claimed", "handoff.created", "handoff.resolved"]
    );
    for request in &received {
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.uri.path(), "/hooks/handoffs");
        let payload = request.json();
        assert_eq!(payload["handoffId"], id);
        assert_eq!(payload["appSlug"], "my-app");
        assert_eq!(payload["sessionId"], "ses_abc123");
        assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));
        let signature = request.header("x-switchboard-signature").unwrap();
        assert!(
            signature_is_valid(&secret, signature, &request.body),
            "{signature}"
        );
        assert!(!signature_is_valid("sbw_wrong", signature, &request.body));
        assert!(request.header("x-switchboard-delivery").is_some());
    }
    let log = app.get_as(&tenant, "/api/webhooks/deliveries").await.json();
    let deliveries = log["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    assert!(
        deliveries
            .iter()
            .all(|d| d["status"] == "delivered" && d["attempts"] == 1)
    );
    assert_eq!(
        app.services
            .platform()
            .deliver_due_webhooks()
            .await
            .unwrap(),
        0,
        "each once"
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_later_and_logged() {
    // Fails the first attempt, then accepts.
    let receiver = FakeServer::start(Arc::new(|n, _| {
        if n == 0 {
            (StatusCode::SERVICE_UNAVAILABLE, "{}".to_owned())
        } else {
            (StatusCode::OK, "{}".to_owned())
        }
    }))
    .await;
    let app = TestApp::new().await;
    let tenant = tenant_with_webhook(&app, &receiver.url).await;
    app.post_as(&tenant, "/api/handoffs", handoff()).await;
    assert_eq!(
        app.services
            .platform()
            .deliver_due_webhooks()
            .await
            .unwrap(),
        1
    );
    let log = app.get_as(&tenant, "/api/webhooks/deliveries").await.json();
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["status"], "pending");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["lastStatusCode"], 503);
    assert_eq!(delivery["lastError"], "answered HTTP 503");
    let next = delivery["nextAttemptAt"].as_i64().unwrap();
    assert!(next >= domain::now_ms() + 9_000, "backs off about 10 s");
    assert_eq!(
        app.services
            .platform()
            .deliver_due_webhooks()
            .await
            .unwrap(),
        0,
        "not due yet"
    );
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused_when_saved_and_when_sent() {
    let receiver = FakeServer::answering("{}").await;
    // Saved: an instance whose guard does not exempt loopback refuses the URL at once.
    let strict = TestApp::with_integrations(domain::Integrations::default()).await;
    let refused = strict
        .services
        .platform()
        .create_app(
            &domain::Actor::operator(),
            model::platform::apps::CreateApp {
                slug: "my-app".to_owned(),
                name: "My app".to_owned(),
                secret: None,
                workspace_id: None,
                settings: AppSettings {
                    handoff_webhook_url: Some(format!("{}/hooks/handoffs", receiver.url)),
                    ..AppSettings::default()
                },
            },
        )
        .await;
    let Err(domain::Error::InvalidFields(fields)) = refused else {
        panic!("a loopback webhook URL was saved: {refused:?}");
    };
    assert_eq!(fields[0].field, "handoffWebhookUrl");

    // Sent: a URL saved where loopback was exempt is still refused by an instance where it
    // is not (as a name that later resolves to a private address would be).
    let app = TestApp::new().await;
    let tenant = tenant_with_webhook(&app, &receiver.url).await;
    app.post_as(&tenant, "/api/handoffs", handoff()).await;
    let guarded = domain::Services::new(
        app.db.store.clone(),
        domain::Integrations::default(),
        integrations::ports(&domain::Integrations::default()).unwrap(),
        domain::platform::encryption::Keyring::ephemeral().unwrap(),
    );
    guarded.platform().deliver_due_webhooks().await.unwrap();
    assert!(receiver.received().is_empty(), "never reached");
    let log = app.get_as(&tenant, "/api/webhooks/deliveries").await.json();
    let error = log["deliveries"][0]["lastError"].as_str().unwrap();
    assert!(error.contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn the_signing_secret_rotates_and_stays_with_the_app_secret() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let first = app
        .get_as(&tenant, "/api/webhooks/signing-secret")
        .await
        .json();
    let again = app
        .get_as(&tenant, "/api/webhooks/signing-secret")
        .await
        .json();
    assert_eq!(first, again);
    let rotated = app
        .call_as(
            &tenant,
            Method::POST,
            "/api/webhooks/signing-secret/rotate",
            None,
        )
        .await
        .json();
    assert_ne!(rotated["signingSecret"], first["signingSecret"]);
    let by_token = app
        .get(&format!(
            "/api/webhooks/signing-secret?sessionToken={}",
            tenant.session_token
        ))
        .await;
    assert_eq!(by_token.status, 403);
    assert!(!by_token.text.contains("sbw_"));
}
