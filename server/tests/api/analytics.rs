//! Analytics over HTTP: the overview's formulas, its window, insights and timeseries.

use axum::http::Method;
use model::platform::apps::AppSettings;
use serde_json::{Value, json};

use crate::fakes::FakeServer;
use crate::helpers::{Tenant, TestApp};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Four conversations: two resolved (one lasting 60 s), one abandoned, one handed off; CSAT
/// 5 and 3; two tool calls (one failing); one guardrail violation. One more conversation, old,
/// outside every window below.
async fn seed(app: &TestApp, tenant: &Tenant, now: i64) {
    let save = |body: Value| app.post_as(tenant, "/api/conversations", body);
    let start = now - 2 * HOUR;
    save(
        json!({"sessionId": "a", "startedAt": start, "status": "resolved",
                "messages": [{"role": "user", "content": "Where is my refund?", "ts": 1}]}),
    )
    .await;
    save(json!({"sessionId": "b", "startedAt": now - 3 * DAY})).await;
    save(json!({"sessionId": "b", "status": "resolved"})).await;
    save(json!({"sessionId": "c", "startedAt": now - HOUR, "status": "abandoned"})).await;
    save(json!({"sessionId": "d", "startedAt": now - HOUR})).await;
    app.post_as(
        tenant,
        "/api/handoffs",
        json!({"sessionId": "d", "reason": "angry", "transcript": []}),
    )
    .await;
    save(json!({"sessionId": "old", "startedAt": now - 400 * DAY, "status": "resolved"})).await;
    app.post_as(tenant, "/api/csat", json!({"sessionId": "a", "rating": 5}))
        .await;
    app.post_as(tenant, "/api/csat", json!({"sessionId": "c", "rating": 3}))
        .await;
}

#[tokio::test]
async fn the_overview_applies_one_window_to_every_source() {
    let endpoint = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = app
        .tenant_with(
            "my-app",
            AppSettings {
                guardrails_enabled: true,
                ..AppSettings::default()
            },
        )
        .await;
    let now = domain::now_ms();
    seed(&app, &tenant, now).await;
    app.post_as(
        &tenant,
        "/api/tools",
        json!({"name": "lookup", "description": "d",
        "parametersSchema": {"type": "object", "required": ["id"]},
        "endpoint": format!("{}/x", endpoint.url)}),
    )
    .await;
    for parameters in [json!({"id": "1"}), json!({})] {
        app.post_as(
            &tenant,
            "/api/tools/execute",
            json!({"sessionId": "a", "toolName": "lookup", "parameters": parameters}),
        )
        .await;
    }
    app.post_as(
        &tenant,
        "/api/guardrails/rules",
        json!({"type": "blocked_topic", "pattern": "refund", "action": "log"}),
    )
    .await;
    app.post_as(
        &tenant,
        "/api/guardrails/check",
        json!({"sessionId": "a", "content": "refund", "direction": "input"}),
    )
    .await;

    let since = now - 7 * DAY;
    let until = domain::now_ms() + 1;
    let response = app
        .get_as(
            &tenant,
            &format!("/api/analytics/overview?since={since}&until={until}"),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let overview = response.json();
    assert_eq!(overview["since"], since);
    assert_eq!(overview["until"], until);
    assert_eq!(overview["totalConversations"], 4, "the old one is outside");
    assert_eq!(overview["resolutionRate"], 0.5);
    assert_eq!(overview["handoffRate"], 0.25);
    assert_eq!(overview["avgCSAT"], 4.0);
    assert_eq!(overview["toolSuccessRate"], 0.5);
    assert_eq!(overview["toolUsage"], json!({"lookup": 2}));
    assert_eq!(overview["totalToolExecutions"], 2);
    assert_eq!(overview["totalGuardrailViolations"], 1);
    assert_eq!(overview["pendingHandoffs"], 1);
    assert_eq!(overview["conversationsLast24h"], 3);
    assert_eq!(overview["handoffsLast24h"], 1);
    // Durations only of ended conversations: a, b and c ended; b ran ~3 days.
    assert!(
        overview["avgDurationMs"].as_i64().unwrap() > DAY,
        "{overview}"
    );

    // A window after everything: every source is empty, not all-time.
    let later = app
        .get_as(&tenant, &format!("/api/analytics/overview?since={until}"))
        .await
        .json();
    assert_eq!(later["totalConversations"], 0);
    assert_eq!(later["avgCSAT"], Value::Null);
    assert_eq!(later["toolSuccessRate"], Value::Null);
    assert_eq!(later["totalGuardrailViolations"], 0);
    assert_eq!(later["pendingHandoffs"], 0);
    assert_eq!(later["resolutionRate"], 0.0);

    let all_time = app.get_as(&tenant, "/api/analytics/overview").await.json();
    assert_eq!(all_time["totalConversations"], 5);
    assert_eq!(all_time["since"], 0);

    let backwards = app
        .get_as(&tenant, "/api/analytics/overview?since=10&until=5")
        .await;
    assert_eq!(backwards.status, 400);
    let not_a_number = app
        .get_as(&tenant, "/api/analytics/overview?since=yesterday")
        .await;
    assert_eq!(not_a_number.status, 400);
    assert_eq!(not_a_number.json()["code"], "INVALID_INPUT");
}

#[tokio::test]
async fn daily_insights_are_computed_per_day_and_listed() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let now = domain::now_ms();
    // Keep every conversation of the test inside today (UTC).
    let today = now - now.rem_euclid(DAY);
    let save = |body: Value| app.post_as(&tenant, "/api/conversations", body);
    save(json!({"sessionId": "t1", "startedAt": today + 1, "status": "resolved"})).await;
    save(json!({"sessionId": "t2", "startedAt": today + 2})).await;
    save(json!({"sessionId": "y1", "startedAt": today - HOUR, "status": "resolved"})).await;
    app.post_as(&tenant, "/api/messages", json!({"messages": [
        {"sessionId": "t1", "participantIdentity": "u", "role": "user", "content": "My refund for the broken blender", "isFinal": true, "createdAt": today + 5},
        {"sessionId": "t2", "participantIdentity": "u", "role": "user", "content": "refund please", "isFinal": true, "createdAt": today + 6}
    ]})).await;

    assert_eq!(
        app.services.agent().compute_daily_insights().await.unwrap(),
        2
    );
    let day = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp(ms / 1_000)
            .unwrap()
            .date()
            .to_string()
    };
    let one = app
        .get_as(
            &tenant,
            &format!("/api/analytics/insights?period={}", day(today)),
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    let insight = one.json()["insight"].clone();
    assert_eq!(insight["totalConversations"], 2);
    assert_eq!(insight["resolutionRate"], 0.5);
    assert_eq!(
        insight["topTopics"][0],
        json!({"topic": "refund", "count": 2})
    );
    let yesterday = app
        .get_as(
            &tenant,
            &format!("/api/analytics/insights?period={}", day(today - DAY)),
        )
        .await
        .json();
    assert_eq!(yesterday["insight"]["totalConversations"], 1);
    let listed = app.get_as(&tenant, "/api/analytics/insights").await.json();
    assert_eq!(listed["insights"].as_array().unwrap().len(), 2);
    assert_eq!(listed["insights"][0]["period"], day(today), "newest first");
    let missing = app
        .get_as(&tenant, "/api/analytics/insights?period=2001-01-01")
        .await
        .json();
    assert_eq!(missing, json!({"insight": null}));
    let bad = app
        .get_as(&tenant, "/api/analytics/insights?period=01/01/2001")
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn the_timeseries_lists_every_bucket() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let now = domain::now_ms();
    seed(&app, &tenant, now).await;
    let since = now - 4 * DAY;
    let until = domain::now_ms() + 1;
    let response = app
        .get_as(
            &tenant,
            &format!("/api/analytics/timeseries?since={since}&until={until}&bucket=day"),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let series = response.json();
    let buckets = series["buckets"].as_array().unwrap();
    assert!((4..=5).contains(&buckets.len()), "{}", buckets.len());
    let conversations: i64 = buckets
        .iter()
        .map(|b| b["conversations"].as_i64().unwrap())
        .sum();
    assert_eq!(conversations, 4);
    let handoffs: i64 = buckets
        .iter()
        .map(|b| b["handoffs"].as_i64().unwrap())
        .sum();
    assert_eq!(handoffs, 1);
    assert!(
        buckets
            .windows(2)
            .all(|w| w[1]["start"].as_i64().unwrap() - w[0]["start"].as_i64().unwrap() == DAY)
    );
    let too_many = app
        .get_as(
            &tenant,
            &format!("/api/analytics/timeseries?since=0&until={now}&bucket=hour"),
        )
        .await;
    assert_eq!(too_many.status, 400);
    let by_token = app
        .send(
            Method::GET,
            &format!(
                "/api/analytics/overview?sessionToken={}",
                tenant.session_token
            ),
            &[],
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(by_token.status, 403);
}
