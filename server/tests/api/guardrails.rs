//! Guardrails over HTTP: rules, checks, violations and their annotation.

use axum::http::Method;
use model::platform::apps::AppSettings;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};

async fn guarded(app: &TestApp) -> Tenant {
    app.tenant_with(
        "my-app",
        AppSettings {
            guardrails_enabled: true,
            ..AppSettings::default()
        },
    )
    .await
}

async fn rule(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let response = app.post_as(tenant, "/api/guardrails/rules", body).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

#[tokio::test]
async fn seed_000_check_example_blocks_and_records_with_direction() {
    let app = TestApp::new().await;
    let tenant = guarded(&app).await;
    let blocked = rule(
        &app,
        &tenant,
        json!({"type": "blocked_topic", "pattern": "competitor, lawsuit,", "action": "block",
               "userMessage": "I can't discuss that."}),
    )
    .await;
    rule(
        &app,
        &tenant,
        json!({"type": "pii_filter", "pattern": "email", "action": "log"}),
    )
    .await;

    let verdict = app
        .post_as(
            &tenant,
            "/api/guardrails/check",
            json!({"sessionId": "ses_abc123", "content": "Tell me about competitor products",
                   "direction": "input"}),
        )
        .await;
    assert_eq!(verdict.status, 200, "{}", verdict.text);
    assert_eq!(
        verdict.json(),
        json!({"allowed": false, "violations": [{"ruleId": blocked["id"], "type": "blocked_topic",
               "action": "block", "userMessage": "I can't discuss that."}]})
    );
    // Warn and log allow; nothing matching allows silently.
    let logged = app
        .post_json(
            "/api/guardrails/check",
            &[],
            tenant.with_token(
                json!({"sessionId": "s2", "content": "mail me: a@b.io", "direction": "output"}),
            ),
        )
        .await
        .json();
    assert_eq!(logged["allowed"], true);
    assert_eq!(logged["violations"][0]["type"], "pii_filter");
    let clean = app
        .post_as(
            &tenant,
            "/api/guardrails/check",
            json!({"sessionId": "s3", "content": "Where is my order?", "direction": "input"}),
        )
        .await
        .json();
    assert_eq!(clean, json!({"allowed": true, "violations": []}));

    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "ses_abc123"}),
    )
    .await;
    let detail = app
        .get_as(&tenant, "/api/conversations/ses_abc123")
        .await
        .json();
    assert_eq!(detail["violations"][0]["ruleId"], blocked["id"]);
    let violations = app
        .get_as(&tenant, "/api/guardrails/violations")
        .await
        .json();
    let list = violations["violations"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["direction"], "output");
    assert_eq!(list[1]["direction"], "input");
    assert_eq!(list[1]["content"], "Tell me about competitor products");

    let annotated = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/guardrails/violations",
            Some(json!({"violationId": list[0]["id"], "annotatedCorrectness": "false_positive"})),
        )
        .await;
    assert_eq!(annotated.status, 200, "{}", annotated.text);
    assert_eq!(annotated.json()["ok"], true);
    assert_eq!(annotated.json()["annotatedCorrectness"], "false_positive");
    assert_eq!(annotated.json()["annotatedBy"], "dashboard-user");
    let wrong = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/guardrails/violations",
            Some(json!({"violationId": list[0]["id"], "annotatedCorrectness": "maybe"})),
        )
        .await;
    assert_eq!(wrong.status, 400);
    let missing = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/guardrails/violations",
            Some(json!({"violationId": "nope", "annotatedCorrectness": "true_positive"})),
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn rules_are_validated_when_written() {
    let app = TestApp::new().await;
    let tenant = guarded(&app).await;
    for (body, field) in [
        (
            json!({"type": "keyword", "pattern": "x", "action": "block"}),
            "type",
        ),
        (
            json!({"type": "blocked_topic", "pattern": "x", "action": "deny"}),
            "action",
        ),
        (
            json!({"type": "blocked_topic", "pattern": " , ", "action": "block"}),
            "pattern",
        ),
        (
            json!({"type": "pii_filter", "pattern": "(unclosed", "action": "block"}),
            "pattern",
        ),
        (
            json!({"type": "pii_filter", "pattern": ".*", "action": "block"}),
            "pattern",
        ),
    ] {
        let response = app
            .post_as(&tenant, "/api/guardrails/rules", body.clone())
            .await;
        assert_eq!(response.status, 400, "{body}: {}", response.text);
        assert!(response.text.contains(field), "{body}: {}", response.text);
    }
    let listed = app.get_as(&tenant, "/api/guardrails/rules").await.json();
    assert_eq!(listed["rules"], json!([]));
}

#[tokio::test]
async fn topic_boundaries_allow_only_their_topics_and_changes_apply_at_once() {
    let app = TestApp::new().await;
    let tenant = guarded(&app).await;
    let boundary = rule(
        &app,
        &tenant,
        json!({"type": "topic_boundary", "pattern": "order, return, refund", "action": "warn"}),
    )
    .await;
    let check = |content: &'static str| {
        app.post_as(
            &tenant,
            "/api/guardrails/check",
            json!({"sessionId": "s", "content": content, "direction": "input"}),
        )
    };
    assert_eq!(
        check("I want a refund").await.json()["violations"],
        json!([])
    );
    let off_topic = check("What's the weather like?").await.json();
    assert_eq!(off_topic["allowed"], true, "warn allows");
    assert_eq!(off_topic["violations"][0]["type"], "topic_boundary");

    let id = boundary["id"].as_str().unwrap();
    let updated = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/guardrails/rules/{id}"),
            Some(json!({"action": "block", "pattern": "order, weather"})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(
        check("What's the weather like?").await.json()["violations"],
        json!([])
    );
    assert_eq!(check("I want a refund").await.json()["allowed"], false);

    let deactivated = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/guardrails/rules/{id}"),
            Some(json!({"isActive": false})),
        )
        .await;
    assert_eq!(deactivated.json()["isActive"], false);
    assert_eq!(check("I want a refund").await.json()["allowed"], true);

    let deleted = app
        .call_as(
            &tenant,
            Method::DELETE,
            &format!("/api/guardrails/rules/{id}"),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    let again = app
        .call_as(
            &tenant,
            Method::DELETE,
            &format!("/api/guardrails/rules/{id}"),
            None,
        )
        .await;
    assert_eq!(again.status, 404);
    // Its violations stay for the audit trail.
    let violations = app
        .get_as(&tenant, "/api/guardrails/violations?sessionId=s")
        .await
        .json();
    assert_eq!(violations["violations"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn disabled_guardrails_allow_everything_unchecked_and_tokens_cannot_manage_rules() {
    let app = TestApp::new().await;
    let tenant = app.tenant("plain").await;
    rule(
        &app,
        &tenant,
        json!({"type": "blocked_topic", "pattern": "refund", "action": "block"}),
    )
    .await;
    let verdict = app
        .post_as(
            &tenant,
            "/api/guardrails/check",
            json!({"sessionId": "s", "content": "refund", "direction": "input"}),
        )
        .await
        .json();
    assert_eq!(verdict, json!({"allowed": true, "violations": []}));
    let by_token = app
        .post_json(
            "/api/guardrails/rules",
            &[],
            tenant.with_token(json!({"type": "blocked_topic", "pattern": "x", "action": "block"})),
        )
        .await;
    assert_eq!(by_token.status, 403);
    let bad_direction = app
        .post_as(
            &tenant,
            "/api/guardrails/check",
            json!({"sessionId": "s", "content": "x", "direction": "sideways"}),
        )
        .await;
    assert_eq!(bad_direction.status, 400);
}
