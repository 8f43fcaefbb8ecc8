//! Handoffs over HTTP: creation with the conversation, the state machine, expiry.

use axum::http::Method;
use model::platform::apps::AppSettings;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};

fn seed_handoff() -> Value {
    json!({
        "sessionId": "ses_abc123",
        "reason": "user_requested",
        "priority": "high",
        "transcript": [{"role": "user", "content": "I need to speak to a human", "ts": 1_700_000_000}],
        "aiSummary": "Customer wants to discuss a billing dispute for order ORD-456."
    })
}

async fn patch(app: &TestApp, tenant: &Tenant, body: Value) -> crate::helpers::TestResponse {
    app.call_as(tenant, Method::PATCH, "/api/handoffs", Some(body))
        .await
}

#[tokio::test]
async fn seed_000_example_hands_the_conversation_off_once() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "ses_abc123"}),
    )
    .await;
    let created = app.post_as(&tenant, "/api/handoffs", seed_handoff()).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let created = created.json();
    assert_eq!(created["existing"], false);
    assert_eq!(created["handoff"]["status"], "pending");
    assert_eq!(created["handoff"]["priority"], "high");
    assert_eq!(created["handoff"]["channel"], "web");
    let id = created["id"].as_str().unwrap().to_owned();

    let detail = app
        .get_as(&tenant, "/api/conversations/ses_abc123")
        .await
        .json();
    assert_eq!(detail["conversation"]["status"], "handed_off");
    assert!(detail["conversation"]["handedOffAt"].is_i64());
    assert_eq!(detail["handoff"]["id"], id);

    let again = app
        .post_as(&tenant, "/api/handoffs", seed_handoff())
        .await
        .json();
    assert_eq!(again["existing"], true);
    assert_eq!(again["id"], id);
    let all = app.get_as(&tenant, "/api/handoffs").await.json();
    assert_eq!(all["handoffs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_handoff_without_a_conversation_creates_it_and_an_ended_one_is_refused() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let created = app.post_as(&tenant, "/api/handoffs", seed_handoff()).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let detail = app
        .get_as(&tenant, "/api/conversations/ses_abc123")
        .await
        .json();
    assert_eq!(detail["conversation"]["status"], "handed_off");
    assert_eq!(detail["conversation"]["messageCount"], 1);

    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "done", "status": "resolved"}),
    )
    .await;
    let mut late = seed_handoff();
    late["sessionId"] = json!("done");
    let refused = app.post_as(&tenant, "/api/handoffs", late).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.json()["code"], "INVALID_TRANSITION");
    let handoffs = app.get_as(&tenant, "/api/handoffs").await.json();
    assert_eq!(
        handoffs["handoffs"].as_array().unwrap().len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn concurrent_creates_make_one_open_handoff() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let calls = (0..6).map(|_| app.post_as(&tenant, "/api/handoffs", seed_handoff()));
    let answers: Vec<Value> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()
        })
        .collect();
    let ids: std::collections::HashSet<&str> =
        answers.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "{answers:?}");
}

#[tokio::test]
async fn claim_then_resolve_follows_the_state_machine() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let id = app
        .post_as(&tenant, "/api/handoffs", seed_handoff())
        .await
        .json()["id"]
        .clone();

    let claimed = patch(
        &app,
        &tenant,
        json!({"handoffId": id, "status": "claimed", "assignedAgent": "sam@example.com"}),
    )
    .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    assert_eq!(claimed.json()["ok"], true);
    assert_eq!(claimed.json()["assignedAgent"], "sam@example.com");
    assert!(claimed.json()["claimedAt"].is_i64());
    let pending = app
        .get_as(&tenant, "/api/handoffs?status=pending")
        .await
        .json();
    assert_eq!(pending["handoffs"], json!([]));

    let back = patch(&app, &tenant, json!({"handoffId": id, "status": "pending"})).await;
    assert_eq!(back.status, 409, "{}", back.text);
    assert_eq!(back.json()["code"], "INVALID_TRANSITION");
    let expire = patch(&app, &tenant, json!({"handoffId": id, "status": "expired"})).await;
    assert_eq!(expire.status, 409, "only the job expires");

    let resolved = patch(
        &app,
        &tenant,
        json!({"handoffId": id, "status": "resolved",
        "necessityScore": 0.9, "resolutionQuality": "good", "agentFeedback": "Refunded"}),
    )
    .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert_eq!(resolved.json()["resolutionQuality"], "good");
    assert!(resolved.json()["resolvedAt"].is_i64());
    let detail = app
        .get_as(&tenant, "/api/conversations/ses_abc123")
        .await
        .json();
    assert_eq!(detail["conversation"]["status"], "resolved");
    assert_eq!(detail["conversation"]["resolution"], "handoff_resolved");

    // After resolution a new handoff may open for the same session... unless it has ended.
    let reopened = app.post_as(&tenant, "/api/handoffs", seed_handoff()).await;
    assert_eq!(reopened.status, 409);

    for (body, status) in [
        (json!({"handoffId": "nope", "status": "claimed"}), 404),
        (json!({"handoffId": id, "status": "done"}), 400),
        (
            json!({"handoffId": id, "status": "resolved", "necessityScore": 2}),
            400,
        ),
        (json!({"status": "resolved"}), 400),
    ] {
        let response = patch(&app, &tenant, body.clone()).await;
        assert_eq!(response.status, status, "{body}: {}", response.text);
    }
}

#[tokio::test]
async fn unclaimed_handoffs_expire_after_the_apps_deadline() {
    let app = TestApp::new().await;
    let tenant = app
        .tenant_with(
            "my-app",
            AppSettings {
                handoff_expiration_seconds: Some(1),
                ..AppSettings::default()
            },
        )
        .await;
    let created = app
        .post_as(&tenant, "/api/handoffs", seed_handoff())
        .await
        .json();
    assert!(
        created["handoff"]["expiresAt"].as_i64().unwrap()
            > created["handoff"]["createdAt"].as_i64().unwrap()
    );
    assert_eq!(
        app.services.agent().expire_handoffs().await.unwrap(),
        0,
        "not yet"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(app.services.agent().expire_handoffs().await.unwrap(), 1);
    let expired = app
        .get_as(&tenant, "/api/handoffs?status=expired")
        .await
        .json();
    assert_eq!(expired["handoffs"][0]["id"], created["id"]);
    // Its slot is free: the session may be handed off again.
    let again = app
        .post_as(&tenant, "/api/handoffs", seed_handoff())
        .await
        .json();
    assert_eq!(again["existing"], false);
}

#[tokio::test]
async fn session_tokens_cannot_touch_handoffs() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let created = app
        .post_json("/api/handoffs", &[], tenant.with_token(seed_handoff()))
        .await;
    assert_eq!(created.status, 403);
    let listed = app
        .get(&format!(
            "/api/handoffs?sessionToken={}",
            tenant.session_token
        ))
        .await;
    assert_eq!(listed.status, 403);
}
