//! Conversations, events and messages over HTTP (seed 000's contracts, with its flaws fixed).

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::TestApp;

#[tokio::test]
async fn seed_000_save_conversation_example_creates_it_with_every_field() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let response = app
        .post_as(
            &tenant,
            "/api/conversations",
            json!({
                "sessionId": "ses_abc123",
                "startedAt": 1_700_000_000_000_i64,
                "messages": [{"role": "user", "content": "Hello", "ts": 1_700_000_000}],
                "status": "resolved",
                "channel": "voice-livekit",
                "resolution": "completed"
            }),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["ok"], true);
    let conversation = &body["conversation"];
    assert_eq!(conversation["status"], "resolved");
    assert_eq!(conversation["resolution"], "completed", "kept on insert");
    assert_eq!(conversation["channel"], "voice-livekit");
    assert_eq!(conversation["startedAt"], 1_700_000_000_000_i64);
    assert_eq!(conversation["messageCount"], 1);
    assert!(conversation["endedAt"].as_i64().is_some(), "created ended");
}

#[tokio::test]
async fn updates_keep_what_they_omit_and_end_once() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let save = |body: Value| app.post_as(&tenant, "/api/conversations", body);
    let created = save(json!({
        "sessionId": "s1",
        "messages": [{"role": "user", "content": "Hi", "ts": 1}],
        "channel": "voice-webrtc"
    }))
    .await
    .json();
    assert_eq!(created["conversation"]["status"], "active");
    assert_eq!(created["conversation"]["endedAt"], Value::Null);

    // A sync without messages keeps the transcript (seed 000 cleared it).
    let synced = save(json!({"sessionId": "s1", "status": "active"}))
        .await
        .json();
    assert_eq!(synced["conversation"]["messageCount"], 1);
    assert_eq!(synced["conversation"]["transcript"][0]["content"], "Hi");
    assert_eq!(synced["conversation"]["channel"], "voice-webrtc");
    assert_eq!(
        synced["conversation"]["endedAt"],
        Value::Null,
        "not ended yet"
    );

    let resolved =
        save(json!({"sessionId": "s1", "status": "resolved", "resolution": "completed"}))
            .await
            .json();
    let ended_at = resolved["conversation"]["endedAt"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let again = save(json!({
        "sessionId": "s1",
        "messages": [{"role": "user", "content": "Hi", "ts": 1}, {"role": "agent", "content": "Bye", "ts": 2}]
    }))
    .await
    .json();
    assert_eq!(
        again["conversation"]["endedAt"], ended_at,
        "endedAt is set once"
    );
    assert_eq!(again["conversation"]["messageCount"], 2);
    assert_eq!(again["conversation"]["status"], "resolved");
}

#[tokio::test]
async fn illegal_transitions_are_409_invalid_transition_and_change_nothing() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let save = |body: Value| app.post_as(&tenant, "/api/conversations", body);
    assert_eq!(
        save(json!({"sessionId": "h", "status": "handed_off"}))
            .await
            .status,
        200
    );
    let back = save(json!({"sessionId": "h", "status": "active", "messages": []})).await;
    assert_eq!(back.status, 409, "{}", back.text);
    assert_eq!(back.json()["code"], "INVALID_TRANSITION");
    assert_eq!(
        back.json()["details"],
        json!({"from": "handed_off", "to": "active"})
    );
    assert_eq!(
        save(json!({"sessionId": "h", "status": "resolved"}))
            .await
            .status,
        200
    );
    for next in ["active", "handed_off", "abandoned"] {
        let response = save(json!({"sessionId": "h", "status": next})).await;
        assert_eq!(response.status, 409, "resolved → {next}: {}", response.text);
    }
    let detail = app.get_as(&tenant, "/api/conversations/h").await.json();
    assert_eq!(detail["conversation"]["status"], "resolved");

    let unknown = save(json!({"sessionId": "h", "status": "finished"})).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    let missing = save(json!({})).await;
    assert_eq!(missing.status, 400);
    assert!(missing.text.contains("sessionId"), "{}", missing.text);
}

#[tokio::test]
async fn listing_filters_and_pages_newest_first() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    for i in 0..5_i64 {
        let status = if i % 2 == 0 { "active" } else { "abandoned" };
        let response = app
            .post_as(
                &tenant,
                "/api/conversations",
                json!({"sessionId": format!("s{i}"), "startedAt": 1_000 + i, "status": status,
                       "channel": if i < 3 { "web" } else { "voice-pstn" }}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text);
    }
    let ids = |page: &Value| -> Vec<String> {
        page["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["sessionId"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = app
        .get_as(&tenant, "/api/conversations?limit=2")
        .await
        .json();
    assert_eq!(ids(&first), ["s4", "s3"]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = app
        .get_as(
            &tenant,
            &format!("/api/conversations?limit=2&cursor={cursor}"),
        )
        .await
        .json();
    assert_eq!(ids(&second), ["s2", "s1"]);
    let third = app
        .get_as(
            &tenant,
            &format!(
                "/api/conversations?limit=2&cursor={}",
                second["nextCursor"].as_str().unwrap()
            ),
        )
        .await
        .json();
    assert_eq!(ids(&third), ["s0"]);
    assert_eq!(third["nextCursor"], Value::Null);

    let active = app
        .get_as(&tenant, "/api/conversations?status=active")
        .await
        .json();
    assert_eq!(ids(&active), ["s4", "s2", "s0"]);
    let window = app
        .get_as(
            &tenant,
            "/api/conversations?since=1001&until=1004&channel=web",
        )
        .await
        .json();
    assert_eq!(ids(&window), ["s2", "s1"]);

    let bad = app.get_as(&tenant, "/api/conversations?status=nope").await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.json()["code"], "INVALID_INPUT");
    let bad_cursor = app.get_as(&tenant, "/api/conversations?cursor=zzz").await;
    assert_eq!(bad_cursor.status, 400);
}

#[tokio::test]
async fn session_tokens_write_but_do_not_read_conversations() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let saved = app
        .post_json(
            "/api/conversations",
            &[],
            tenant.with_token(json!({"sessionId": "browser"})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    for path in [
        "/api/conversations",
        "/api/conversations/browser",
        "/api/messages?sessionId=browser",
        "/api/events",
    ] {
        let response = app
            .get(&format!(
                "{path}{}sessionToken={}",
                if path.contains('?') { "&" } else { "?" },
                tenant.session_token
            ))
            .await;
        assert_eq!(response.status, 403, "{path}: {}", response.text);
        assert_eq!(response.json()["code"], "PERMISSION_DENIED");
    }
}

#[tokio::test]
async fn events_are_validated_per_item_capped_at_500_and_traced() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let bad = app
        .post_as(
            &tenant,
            "/api/events",
            json!({"sessionId": "s", "events": [
                {"eventType": "ok", "ts": 1},
                {"eventType": "no_ts"},
                {"eventType": "", "ts": 3}
            ]}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let fields: Vec<String> = bad.json()["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["events[1]", "events[2].eventType"]);

    let too_many: Vec<Value> = (0..501)
        .map(|i| json!({"eventType": "e", "ts": i}))
        .collect();
    let response = app
        .post_as(
            &tenant,
            "/api/events",
            json!({"sessionId": "s", "events": too_many}),
        )
        .await;
    assert_eq!(response.status, 413, "{}", response.text);
    assert_eq!(response.json()["code"], "PAYLOAD_TOO_LARGE");
    let listed = app.get_as(&tenant, "/api/events").await.json();
    assert_eq!(listed["events"], json!([]), "nothing half-written");

    let stored = app
        .post_json(
            "/api/events",
            &[("x-trace-id", "trace-1")],
            tenant.with_secret(json!({"sessionId": "s", "events": [
                {"eventType": "agent_state_changed", "ts": 2, "data": "{\"state\":\"thinking\"}"},
                {"eventType": "session_ended", "ts": 5, "data": {"reason": "completed"}}
            ]})),
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.text);
    assert_eq!(stored.json(), json!({"inserted": 2}));
    let listed = app
        .get_as(&tenant, "/api/events?sessionId=s&eventType=session_ended")
        .await
        .json();
    assert_eq!(listed["events"].as_array().unwrap().len(), 1);
    assert_eq!(listed["events"][0]["traceId"], "trace-1");
    assert_eq!(listed["events"][0]["data"], json!({"reason": "completed"}));
    let traced = app
        .get_as(&tenant, "/api/events?traceId=trace-1&limit=1")
        .await
        .json();
    assert_eq!(traced["events"][0]["eventType"], "agent_state_changed");
    assert!(traced["nextCursor"].is_string());
}

fn seed_messages() -> Value {
    json!({"messages": [
        {"sessionId": "ses_abc123", "roomName": "my-app-ses_abc123-1700000000",
         "participantIdentity": "user", "role": "user",
         "content": "Hello, I need help with my order", "isFinal": true, "createdAt": 1_700_000_000_000_i64},
        {"sessionId": "ses_abc123", "roomName": "my-app-ses_abc123-1700000000",
         "participantIdentity": "agent", "role": "agent",
         "content": "Hi! I'd be happy to help. What's your order number?", "isFinal": true,
         "createdAt": 1_700_000_001_000_i64}
    ]})
}

#[tokio::test]
async fn messages_follow_seed_000_and_a_retried_batch_never_duplicates() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    for _ in 0..3 {
        let response = app.post_as(&tenant, "/api/messages", seed_messages()).await;
        assert_eq!(response.status, 200, "{}", response.text);
        assert_eq!(response.json(), json!({"ok": true, "count": 2}));
    }
    let listed = app
        .get(&format!(
            "/api/messages?sessionId=ses_abc123&appSlug=my-app&appSecret={}",
            tenant.secret
        ))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let messages = listed.json()["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[1]["role"], "agent");
}

#[tokio::test]
async fn a_segment_goes_from_interim_to_final_and_never_back() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let segment = |content: &str, is_final: bool| {
        json!({"messages": [{"sessionId": "s", "participantIdentity": "user", "role": "user",
            "content": content, "isFinal": is_final, "createdAt": 10, "segmentId": "SG_1"}]})
    };
    for (content, is_final) in [("I need", false), ("I need help", true), ("I ne", false)] {
        let response = app
            .post_as(&tenant, "/api/messages", segment(content, is_final))
            .await;
        assert_eq!(response.status, 200, "{}", response.text);
    }
    let messages = app
        .get_as(&tenant, "/api/messages?sessionId=s")
        .await
        .json()["messages"]
        .clone();
    assert_eq!(messages.as_array().unwrap().len(), 1);
    assert_eq!(messages[0]["content"], "I need help");
    assert_eq!(messages[0]["isFinal"], true);
    assert_eq!(messages[0]["segmentId"], "SG_1");
}

#[tokio::test]
async fn message_batches_are_checked_whole() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let empty = app
        .post_as(&tenant, "/api/messages", json!({"messages": []}))
        .await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.json()["error"], "Missing or empty messages array");
    let bad = app
        .post_as(
            &tenant,
            "/api/messages",
            json!({"messages": [
                {"sessionId": "s", "participantIdentity": "user", "role": "user", "content": "ok", "isFinal": true, "createdAt": 1},
                {"sessionId": "s", "participantIdentity": "user", "role": "robot", "content": "x", "isFinal": true, "createdAt": 2}
            ]}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.json()["details"]["fields"][0]["field"], "messages[1]");
    let too_many: Vec<Value> = (0..501)
        .map(|i| json!({"sessionId": "s", "participantIdentity": "u", "role": "user", "content": "x", "isFinal": true, "createdAt": i}))
        .collect();
    let response = app
        .post_as(&tenant, "/api/messages", json!({"messages": too_many}))
        .await;
    assert_eq!(response.status, 413, "{}", response.text);
    let missing = app.get_as(&tenant, "/api/messages").await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"], "Missing sessionId");
    let stored = app
        .get_as(&tenant, "/api/messages?sessionId=s")
        .await
        .json();
    assert_eq!(stored["messages"], json!([]), "nothing half-written");
}

#[tokio::test]
async fn conversation_detail_gathers_messages_and_events() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "ses_abc123"}),
    )
    .await;
    app.post_as(&tenant, "/api/messages", seed_messages()).await;
    app.post_as(
        &tenant,
        "/api/events",
        json!({"sessionId": "ses_abc123", "events": [{"eventType": "session_ended", "ts": 9}]}),
    )
    .await;
    let detail = app.get_as(&tenant, "/api/conversations/ses_abc123").await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let detail = detail.json();
    assert_eq!(detail["conversation"]["sessionId"], "ses_abc123");
    assert_eq!(detail["messages"].as_array().unwrap().len(), 2);
    assert_eq!(detail["events"][0]["eventType"], "session_ended");
    let missing = app.get_as(&tenant, "/api/conversations/nope").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "NOT_FOUND");
}

/// The live stream sees messages and status changes as they are written (on PostgreSQL through
/// LISTEN/NOTIFY).
#[tokio::test]
async fn the_live_stream_carries_new_messages_and_status_changes() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let other = app.tenant("other-app").await;
    let request = Request::get("/api/messages/stream?sessionId=ses_abc123")
        .header("authorization", format!("Bearer {}", tenant.secret))
        .header("x-app-slug", "my-app")
        .body(Body::empty())
        .unwrap();
    let mut body = open_stream(&app, request).await;

    // Another app's session of the same id, and another session: not on this stream.
    app.post_as(&other, "/api/messages", seed_messages()).await;
    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "ses_abc123"}),
    )
    .await;
    app.post_as(&tenant, "/api/messages", seed_messages()).await;
    app.post_as(
        &tenant,
        "/api/conversations",
        json!({"sessionId": "ses_abc123", "status": "resolved"}),
    )
    .await;

    let received = read_stream_until(&mut body, |text| text.matches("event: ").count() >= 4).await;
    let events: Vec<(&str, Value)> = received
        .split("\n\n")
        .filter(|chunk| chunk.starts_with("event: "))
        .map(|chunk| {
            let mut lines = chunk.lines();
            let name = lines.next().unwrap().trim_start_matches("event: ");
            let data = lines.next().unwrap().trim_start_matches("data: ");
            (name, serde_json::from_str(data).unwrap())
        })
        .collect();
    assert_eq!(events[0].0, "conversation");
    assert_eq!(events[0].1["status"], "active");
    assert_eq!(events[1].0, "message");
    assert_eq!(
        events[1].1["message"]["content"],
        "Hello, I need help with my order"
    );
    assert_eq!(events[2].1["message"]["role"], "agent");
    assert_eq!(
        events[3].1,
        json!({"type": "conversation", "sessionId": "ses_abc123", "status": "resolved"})
    );
}

#[tokio::test]
async fn concurrent_first_saves_of_a_session_make_one_conversation() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let saves = (0..8).map(|i| {
        app.post_as(
            &tenant,
            "/api/conversations",
            json!({"sessionId": "race", "messages": [{"role": "user", "content": format!("m{i}"), "ts": i}]}),
        )
    });
    for response in futures_util::future::join_all(saves).await {
        assert_eq!(response.status, 200, "{}", response.text);
    }
    let page = app.get_as(&tenant, "/api/conversations").await.json();
    assert_eq!(page["conversations"].as_array().unwrap().len(), 1);
}

/// Streams end when the server stops, so a graceful shutdown never waits on a dashboard.
#[tokio::test]
async fn live_streams_end_when_the_server_stops() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let request = Request::get("/api/messages/stream?sessionId=s")
        .header("authorization", format!("Bearer {}", tenant.secret))
        .header("x-app-slug", "my-app")
        .body(Body::empty())
        .unwrap();
    let mut body = app
        .router
        .clone()
        .oneshot(request)
        .await
        .unwrap()
        .into_body();
    app.services.agent().close_live_streams();
    let end = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .expect("the stream ends at once");
    assert!(end.is_none(), "no more frames: {end:?}");
}

/// The dashboard's stream of one conversation: a workspace member's cookie opens it, and it
/// carries that app's updates of the session.
#[tokio::test]
async fn dashboard_users_follow_a_conversation_with_their_cookie() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let workspace = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "my-app")
        .await
        .unwrap()
        .workspace_id;
    let cookie = app
        .signed_in(
            "viewer@example.com",
            model::platform::users::Role::Viewer,
            &workspace,
        )
        .await;
    let path = "/api/admin/apps/my-app/conversations/ses_abc123/stream";

    let signed_out = app.get(path).await;
    assert_eq!(signed_out.status, 401);
    assert_eq!(signed_out.json()["code"], "NOT_AUTHENTICATED");

    let request = Request::get(path)
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    let mut body = open_stream(&app, request).await;
    app.post_as(&tenant, "/api/messages", seed_messages()).await;
    let received = read_stream_until(&mut body, |text| text.contains("event: message")).await;
    assert!(received.contains("ses_abc123"), "{received}");
}

/// Opens a live stream: it must answer 200 with Server-Sent Events.
async fn open_stream(app: &TestApp, request: Request<Body>) -> Body {
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    response.into_body()
}

/// What a live stream sends until `done` says it is enough; fails after 10 s.
async fn read_stream_until(body: &mut Body, done: impl Fn(&str) -> bool) -> String {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(&received) {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("stream stalled after: {received}"))
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            received.push_str(&String::from_utf8_lossy(&data));
        }
    }
    received
}
