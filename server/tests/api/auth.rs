//! App credentials and session tokens over HTTP.

use axum::body::Body;
use axum::http::Method;
use serde_json::json;
use store::testkit::dump_all_tables;

use crate::helpers::TestApp;

#[tokio::test]
async fn session_tokens_are_issued_for_body_credentials_as_in_seed_000() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let response = app
        .post_json(
            "/api/auth/session",
            &[],
            json!({"appSlug": "my-app", "appSecret": tenant.secret, "ttlMs": 3_600_000}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    let token = body["sessionToken"].as_str().unwrap();
    assert!(token.starts_with("sbt_"));
    assert!(body["expiresAt"].as_i64().unwrap() > domain::now_ms() + 3_500_000);

    let me = app.get(&format!("/api/auth/me?sessionToken={token}")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["appSlug"], "my-app");
    assert_eq!(me.json()["authMethod"], "sessionToken");
}

#[tokio::test]
async fn bearer_secret_with_the_slug_header_works() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let bearer = format!("Bearer {}", tenant.secret);
    let response = app
        .post_json(
            "/api/auth/session",
            &[("authorization", &bearer), ("x-app-slug", "my-app")],
            json!({}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);

    let me = app
        .send(
            Method::GET,
            "/api/auth/me",
            &[("authorization", &bearer), ("x-app-slug", "my-app")],
            Body::empty(),
        )
        .await;
    assert_eq!(me.json()["authMethod"], "appSecret");
    assert!(me.json().get("expiresAt").is_none());
}

#[tokio::test]
async fn query_credentials_work_and_win_over_the_body() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let path = format!(
        "/api/auth/session?appSlug=my-app&appSecret={}",
        tenant.secret
    );
    let response = app
        .post_json(
            &path,
            &[],
            json!({"appSlug": "my-app", "appSecret": "wrong-secret-xxxx"}),
        )
        .await;
    assert_eq!(response.status, 200, "query wins: {}", response.text);

    let path = "/api/auth/session?appSlug=my-app&appSecret=wrong-secret-xxxx";
    let response = app
        .post_json(
            path,
            &[],
            json!({"appSlug": "my-app", "appSecret": tenant.secret}),
        )
        .await;
    assert_eq!(response.status, 401, "query wins even when wrong");
}

#[tokio::test]
async fn a_failing_bearer_token_never_falls_back_to_body_credentials() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let response = app
        .post_json(
            "/api/auth/session",
            &[("authorization", "Bearer sbt_not-a-real-token")],
            json!({"appSlug": "my-app", "appSecret": tenant.secret}),
        )
        .await;
    assert_eq!(response.status, 401);
    assert_eq!(response.json()["code"], "NOT_AUTHENTICATED");
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_without_detail_about_the_app() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    for (path, body) in [
        ("/api/auth/session", json!({})),
        (
            "/api/auth/session",
            json!({"appSlug": "my-app", "appSecret": "nope-nope-nope"}),
        ),
        (
            "/api/auth/session",
            json!({"appSlug": "no-such-app", "appSecret": tenant.secret}),
        ),
        ("/api/auth/session", json!({"sessionToken": "sbt_forged"})),
    ] {
        let response = app.post_json(path, &[], body.clone()).await;
        assert_eq!(response.status, 401, "{body}");
        let json = response.json();
        assert_eq!(json["error"], "Unauthorized");
        assert_eq!(json["code"], "NOT_AUTHENTICATED");
    }
    // A Bearer secret needs to know its app.
    let bearer = format!("Bearer {}", tenant.secret);
    let response = app
        .post_json(
            "/api/auth/session",
            &[("authorization", &bearer)],
            json!({}),
        )
        .await;
    assert_eq!(response.status, 401);
}

#[tokio::test]
async fn ttl_outside_one_minute_to_one_day_is_rejected() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    for ttl in [json!(59_999), json!(86_400_001), json!(-5)] {
        let response = app
            .post_json(
                "/api/auth/session",
                &[],
                json!({"appSlug": "my-app", "appSecret": tenant.secret, "ttlMs": ttl}),
            )
            .await;
        assert_eq!(response.status, 400, "{ttl}");
        assert_eq!(response.json()["code"], "INVALID_INPUT");
    }
    let response = app
        .post_json(
            "/api/auth/session",
            &[],
            json!({"appSlug": "my-app", "appSecret": tenant.secret, "ttlMs": "soon"}),
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["details"]["field"], "ttlMs");
}

#[tokio::test]
async fn bad_input_from_strangers_is_401_before_400() {
    let app = TestApp::new().await;
    let response = app
        .post_json("/api/auth/session", &[], json!({"ttlMs": "soon"}))
        .await;
    assert_eq!(
        response.status, 401,
        "field rules are not revealed to strangers"
    );
}

#[tokio::test]
async fn session_tokens_cannot_mint_tokens() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let response = app
        .post_json(
            "/api/auth/session",
            &[],
            json!({"sessionToken": tenant.session_token}),
        )
        .await;
    assert_eq!(response.status, 403);
    assert_eq!(response.json()["code"], "PERMISSION_DENIED");
}

#[tokio::test]
async fn revoked_tokens_stop_working_at_once() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let me = format!("/api/auth/me?sessionToken={}", tenant.session_token);
    assert_eq!(app.get(&me).await.status, 200);

    let response = app
        .post_json(
            "/api/auth/session/revoke",
            &[],
            json!({"appSlug": "my-app", "appSecret": tenant.secret, "sessionToken": tenant.session_token}),
        )
        .await;
    assert_eq!(response.status, 204, "{}", response.text);
    assert_eq!(app.get(&me).await.status, 401);
}

#[tokio::test]
async fn a_session_token_can_revoke_itself() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let bearer = format!("Bearer {}", tenant.session_token);
    let response = app
        .post_json(
            "/api/auth/session/revoke",
            &[("authorization", &bearer)],
            json!({}),
        )
        .await;
    assert_eq!(response.status, 204, "{}", response.text);
    let me = app
        .send(
            Method::GET,
            "/api/auth/me",
            &[("authorization", &bearer)],
            Body::empty(),
        )
        .await;
    assert_eq!(me.status, 401);
}

#[tokio::test]
async fn secrets_and_tokens_are_stored_only_as_hashes() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let issued = app
        .post_json(
            "/api/auth/session",
            &[],
            json!({"appSlug": "my-app", "appSecret": tenant.secret}),
        )
        .await
        .json();
    let dump = dump_all_tables(&app.db.store).await;
    assert!(dump.contains("my-app"), "the dump sees the data");
    for credential in [
        tenant.secret.as_str(),
        tenant.session_token.as_str(),
        issued["sessionToken"].as_str().unwrap(),
    ] {
        assert!(
            !dump.contains(credential),
            "{credential} stored in plain text"
        );
    }
}

#[tokio::test]
async fn openapi_lists_the_auth_endpoints_with_their_credentials() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["appSecret"]["scheme"], "bearer");
    assert_eq!(schemes["sessionToken"]["scheme"], "bearer");
    let security = |path: &str, method: &str| doc["paths"][path][method]["security"].to_string();
    assert_eq!(
        security("/api/auth/session", "post"),
        r#"[{"appSecret":[]}]"#
    );
    assert!(security("/api/auth/me", "get").contains("sessionToken"));
    assert!(security("/api/auth/session/revoke", "post").contains("sessionToken"));
}

#[tokio::test]
async fn a_session_token_writes_only_to_the_sessions_it_started() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = app
        .post_as(
            &tenant,
            "/api/experiments",
            json!({"name": "greeting", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}),
        )
        .await
        .json();
    let other_token = app
        .post_as(&tenant, "/api/auth/session", json!({}))
        .await
        .json()["sessionToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let with_token = |token: &str, mut body: serde_json::Value| {
        body["sessionToken"] = json!(token);
        body
    };
    let writes = |session: &str| {
        [
            (
                "/api/conversations",
                json!({"sessionId": session, "status": "resolved"}),
            ),
            (
                "/api/messages",
                json!({"messages": [{"sessionId": session, "participantIdentity": "agent",
                    "role": "agent", "content": "I am the agent", "isFinal": true,
                    "createdAt": 1}]}),
            ),
            (
                "/api/events",
                json!({"sessionId": session, "events": [{"eventType": "x", "ts": 1}]}),
            ),
            ("/api/csat", json!({"sessionId": session, "rating": 1})),
            (
                "/api/experiments/assign",
                json!({"experimentId": experiment["id"], "sessionId": session}),
            ),
        ]
    };

    // The first write binds the session to the tenant's token.
    let started = app
        .post_json(
            "/api/conversations",
            &[],
            tenant.with_token(json!({"sessionId": "ses_mine"})),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.text);
    for (path, body) in writes("ses_mine") {
        let refused = app
            .post_json(path, &[], with_token(&other_token, body))
            .await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
        assert_eq!(refused.json()["code"], "PERMISSION_DENIED", "{path}");
    }
    // Nothing the other token sent was kept.
    let conversation = app
        .get_as(&tenant, "/api/conversations/ses_mine")
        .await
        .json();
    assert_eq!(
        conversation["conversation"]["status"], "active",
        "{conversation}"
    );
    let messages = app
        .get_as(&tenant, "/api/messages?sessionId=ses_mine")
        .await
        .json();
    assert_eq!(messages["messages"], json!([]), "{messages}");
    let events = app
        .get_as(&tenant, "/api/events?sessionId=ses_mine")
        .await
        .json();
    assert_eq!(events["events"], json!([]), "{events}");
    let csat = app.get_as(&tenant, "/api/csat").await.json();
    assert_eq!(csat["ratings"], json!([]), "{csat}");

    // The token that started it, and the app's own server, still write to it.
    for (path, body) in writes("ses_mine") {
        let own = app
            .post_json(path, &[], tenant.with_token(body.clone()))
            .await;
        assert_eq!(own.status, 200, "{path}: {}", own.text);
        let server = app.post_as(&tenant, path, body).await;
        assert_eq!(server.status, 200, "{path}: {}", server.text);
    }
    // The other token starts sessions of its own.
    for (path, body) in writes("ses_theirs") {
        let own = app
            .post_json(path, &[], with_token(&other_token, body))
            .await;
        assert_eq!(own.status, 200, "{path}: {}", own.text);
    }
}
