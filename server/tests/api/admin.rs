//! The admin API: dashboard sign-in, roles, app administration, audit log.

use axum::body::Body;
use axum::http::Method;
use model::platform::users::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, SAME_ORIGIN, TestApp};

/// The same-origin headers plus the session cookie.
fn with_cookie(cookie: &str) -> Vec<(&str, &str)> {
    let mut headers = SAME_ORIGIN.to_vec();
    headers.push(("cookie", cookie));
    headers
}

#[tokio::test]
async fn login_sets_an_http_only_cookie_that_identifies_the_user() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let cookie = app
        .signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    assert!(cookie.starts_with("sb_session=sbu_"));

    let me = app
        .send(
            Method::GET,
            "/api/admin/me",
            &[("cookie", &cookie)],
            Body::empty(),
        )
        .await;
    assert_eq!(me.status, 200);
    let body = me.json();
    assert_eq!(body["email"], "owner@example.com");
    assert_eq!(body["memberships"][0]["role"], "owner");

    let logout = app
        .send(
            Method::POST,
            "/api/admin/logout",
            &with_cookie(&cookie),
            Body::empty(),
        )
        .await;
    assert_eq!(logout.status, 204);
    assert!(logout.header("set-cookie").unwrap().contains("Max-Age=0"));
    let me = app
        .send(
            Method::GET,
            "/api/admin/me",
            &[("cookie", &cookie)],
            Body::empty(),
        )
        .await;
    assert_eq!(me.status, 401);
}

#[tokio::test]
async fn cookie_flags_and_secure_behind_https() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    app.signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    // Behind an https proxy, the browser's origin is https too.
    let headers = [
        ("host", "localhost"),
        ("origin", "https://localhost"),
        ("x-forwarded-proto", "https"),
    ];
    let response = app
        .post_json(
            "/api/admin/login",
            &headers,
            json!({"email": "owner@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = response.header("set-cookie").unwrap();
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let cookie = app
        .signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    let forged = [
        ("host", "localhost"),
        ("origin", "https://evil.example"),
        ("cookie", cookie.as_str()),
        ("content-type", "application/json"),
    ];
    let response = app
        .send(
            Method::POST,
            "/api/admin/apps",
            &forged,
            Body::from(json!({"slug": "forged", "name": "Forged"}).to_string()),
        )
        .await;
    assert_eq!(response.status, 403);
    assert!(
        app.services
            .platform()
            .list_apps(&domain::Actor::operator())
            .await
            .unwrap()
            .is_empty()
    );

    let login = app
        .post_json(
            "/api/admin/login",
            &[("host", "localhost"), ("origin", "https://evil.example")],
            json!({"email": "owner@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, 403, "login CSRF is refused too");

    // The same host under another scheme is another origin.
    let mut other_scheme = forged;
    other_scheme[1] = ("origin", "https://localhost");
    let response = app
        .send(
            Method::POST,
            "/api/admin/apps",
            &other_scheme,
            Body::from(json!({"slug": "forged", "name": "Forged"}).to_string()),
        )
        .await;
    assert_eq!(response.status, 403, "{}", response.text);
    assert_eq!(response.json()["code"], "PERMISSION_DENIED");
}

#[tokio::test]
async fn wrong_passwords_are_401_then_429_in_seed_002s_shape() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    app.signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    let attempt = || {
        app.post_json(
            "/api/admin/login",
            SAME_ORIGIN,
            json!({"email": "owner@example.com", "password": "not the password"}),
        )
    };
    for _ in 0..5 {
        let refused = attempt().await;
        assert_eq!(refused.status, 401);
        assert_eq!(refused.json()["message"], "Wrong email or password");
    }
    let throttled = attempt().await;
    assert_eq!(throttled.status, 429);
    let body = throttled.json();
    assert_eq!(body["error"], "Too many requests");
    assert_eq!(body["code"], "RATE_LIMITED");
    assert_eq!(body["limit"], 5);
    assert_eq!(body["remaining"], 0);
    let retry_after = body["retryAfter"].as_i64().unwrap();
    assert!((1..=900).contains(&retry_after));
    assert!(body["reset"].as_i64().unwrap() > domain::now_ms() / 1_000);
    assert_eq!(
        throttled.header("retry-after"),
        Some(retry_after.to_string().as_str())
    );
    assert_eq!(throttled.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(throttled.header("x-ratelimit-remaining"), Some("0"));
}

#[tokio::test]
async fn admins_manage_apps_and_viewers_only_read() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let admin = app
        .signed_in("admin@example.com", Role::Admin, &workspace)
        .await;
    let viewer = app
        .signed_in("viewer@example.com", Role::Viewer, &workspace)
        .await;

    let created = app
        .post_json(
            "/api/admin/apps",
            &with_cookie(&admin),
            json!({"slug": "support", "name": "Support", "systemPrompt": "Be kind."}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let created = created.json();
    assert!(created["appSecret"].as_str().unwrap().starts_with("sbk_"));
    assert_eq!(created["app"]["systemPrompt"], "Be kind.");
    assert!(created["app"].get("secretHash").is_none());

    let listed = app
        .send(
            Method::GET,
            "/api/admin/apps",
            &[("cookie", &viewer)],
            Body::empty(),
        )
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()[0]["slug"], "support");
    assert!(!listed.text.contains(created["appSecret"].as_str().unwrap()));

    let denied = app
        .send(
            Method::POST,
            "/api/admin/apps/support/rotate-secret",
            &with_cookie(&viewer),
            Body::empty(),
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.json()["code"], "PERMISSION_DENIED");

    let mut patch_headers = with_cookie(&admin);
    patch_headers.push(("content-type", "application/json"));
    let patched = app
        .send(
            Method::PATCH,
            "/api/admin/apps/support",
            &patch_headers,
            Body::from(json!({"temperature": 0.3, "guardrailsEnabled": true}).to_string()),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json()["temperature"], 0.3);
    assert_eq!(patched.json()["guardrailsEnabled"], true);
    // A typed patch: unknown or read-only fields, and null where a value is needed, are 400.
    for refused in [
        json!({"slug": "renamed"}),
        json!({"secretHash": "x", "temperature": 0.9}),
        json!({"modelId": null}),
    ] {
        let answer = app
            .send(
                Method::PATCH,
                "/api/admin/apps/support",
                &patch_headers,
                Body::from(refused.to_string()),
            )
            .await;
        assert_eq!(answer.status, 400, "{refused}: {}", answer.text);
        assert_eq!(answer.json()["code"], "INVALID_INPUT");
    }
    let unchanged = app
        .send(
            Method::PATCH,
            "/api/admin/apps/support",
            &patch_headers,
            Body::from("{}"),
        )
        .await;
    assert_eq!(unchanged.json()["temperature"], 0.3, "nothing half-written");

    let rotated = app
        .send(
            Method::POST,
            "/api/admin/apps/support/rotate-secret",
            &with_cookie(&admin),
            Body::empty(),
        )
        .await;
    assert_eq!(rotated.status, 200);
    assert_ne!(rotated.json()["appSecret"], created["appSecret"]);

    let deactivated = app
        .send(
            Method::POST,
            "/api/admin/apps/support/deactivate",
            &with_cookie(&admin),
            Body::empty(),
        )
        .await;
    assert_eq!(deactivated.json()["isActive"], false);
}

#[tokio::test]
async fn owners_read_the_audit_log_and_set_its_retention() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let owner = app
        .signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    let agent = app
        .signed_in("agent@example.com", Role::Agent, &workspace)
        .await;
    app.post_json(
        "/api/admin/apps",
        &with_cookie(&owner),
        json!({"slug": "support", "name": "Support"}),
    )
    .await;

    let path = format!("/api/admin/workspaces/{workspace}/audit?limit=1");
    let page = app
        .send(Method::GET, &path, &[("cookie", &owner)], Body::empty())
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let page = page.json();
    assert_eq!(page["entries"][0]["action"], "app.created");
    assert_eq!(page["entries"][0]["actorLabel"], "owner@example.com");
    let cursor = page["nextCursor"].as_str().unwrap();
    let next = app
        .send(
            Method::GET,
            &format!("/api/admin/workspaces/{workspace}/audit?cursor={cursor}"),
            &[("cookie", &owner)],
            Body::empty(),
        )
        .await
        .json();
    let actions: Vec<&str> = next["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"auth.login") && actions.contains(&"user.created"),
        "{actions:?}"
    );

    let denied = app
        .send(Method::GET, &path, &[("cookie", &agent)], Body::empty())
        .await;
    assert_eq!(denied.status, 403);

    let mut headers = with_cookie(&owner);
    headers.push(("content-type", "application/json"));
    let retention = format!("/api/admin/workspaces/{workspace}/audit-retention");
    let bad = app
        .send(
            Method::PUT,
            &retention,
            &headers,
            Body::from(r#"{"days": 45}"#),
        )
        .await;
    assert_eq!(bad.status, 400);
    let ok = app
        .send(
            Method::PUT,
            &retention,
            &headers,
            Body::from(r#"{"days": 365}"#),
        )
        .await;
    assert_eq!(ok.status, 204);
}

#[tokio::test]
async fn admins_add_members_but_never_owners() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let admin = app
        .signed_in("admin@example.com", Role::Admin, &workspace)
        .await;
    let member = |role: &str, email: &str| json!({"email": email, "name": "New", "password": PASSWORD, "role": role});
    let created = app
        .post_json(
            "/api/admin/users",
            &with_cookie(&admin),
            member("agent", "new@example.com"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json()["memberships"][0]["role"], "agent");
    assert!(!created.text.contains(PASSWORD));

    let owner = app
        .post_json(
            "/api/admin/users",
            &with_cookie(&admin),
            member("owner", "o@example.com"),
        )
        .await;
    assert_eq!(owner.status, 403);
    let duplicate = app
        .post_json(
            "/api/admin/users",
            &with_cookie(&admin),
            member("viewer", "new@example.com"),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    let weak = app
        .post_json(
            "/api/admin/users",
            &with_cookie(&admin),
            json!({"email": "w@example.com", "name": "W", "password": "short", "role": "viewer"}),
        )
        .await;
    assert_eq!(weak.status, 400);
    assert_eq!(weak.json()["details"]["fields"][0]["field"], "password");
}

#[tokio::test]
async fn session_token_reads_carry_rate_limit_headers() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let me = app
        .get(&format!(
            "/api/auth/me?sessionToken={}",
            tenant.session_token
        ))
        .await;
    assert_eq!(me.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(me.header("x-ratelimit-remaining"), Some("99"));
    assert!(me.header("x-ratelimit-reset").is_some());
}

#[tokio::test]
async fn changes_to_an_agents_behaviour_are_audited_with_who_made_them() {
    let endpoint = crate::fakes::FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let owner = app
        .signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    let created = app
        .post_json(
            "/api/admin/apps",
            &with_cookie(&owner),
            json!({"slug": "support", "name": "Support"}),
        )
        .await
        .json();
    let tenant = crate::helpers::Tenant {
        slug: "support".to_owned(),
        secret: created["appSecret"].as_str().unwrap().to_owned(),
        session_token: String::new(),
    };
    let ok = |response: crate::helpers::TestResponse| {
        assert!(response.status.is_success(), "{}", response.text);
        serde_json::from_str(&response.text).unwrap_or(serde_json::Value::Null)
    };
    ok(app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/persona",
            Some(json!({"personaName": "Aria"})),
        )
        .await);
    let rule = ok(app
        .post_as(
            &tenant,
            "/api/guardrails/rules",
            json!({"type": "blocked_topic", "pattern": "refund", "action": "log"}),
        )
        .await);
    ok(app
        .call_as(
            &tenant,
            Method::DELETE,
            &format!("/api/guardrails/rules/{}", rule["id"].as_str().unwrap()),
            None,
        )
        .await);
    ok(app
        .post_as(
            &tenant,
            "/api/tools",
            json!({"name": "lookup", "description": "Look up", "parametersSchema": "{\"type\":\"object\"}",
                   "endpoint": format!("{}/x", endpoint.url),
                   "headers": "{\"Authorization\":\"Bearer tool-key-never-logged\"}"}),
        )
        .await);
    ok(app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Returns", "category": "policy", "content": "Returns within 30 days."}),
        )
        .await);
    let experiment = ok(app
        .post_as(
            &tenant,
            "/api/experiments",
            json!({"name": "greeting", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}),
        )
        .await);
    ok(app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/experiments/{}", experiment["id"].as_str().unwrap()),
            Some(json!({"status": "paused"})),
        )
        .await);
    let handoff = ok(app
        .post_as(
            &tenant,
            "/api/handoffs",
            json!({"sessionId": "s1", "reason": "user_requested", "transcript": []}),
        )
        .await);
    for status in ["claimed", "resolved"] {
        ok(app
            .call_as(
                &tenant,
                Method::PATCH,
                "/api/handoffs",
                Some(json!({"handoffId": handoff["id"], "status": status, "assignedAgent": "sam"})),
            )
            .await);
    }
    // Through the dashboard, the user is named.
    let mut form = with_cookie(&owner);
    form.push(("content-type", "application/x-www-form-urlencoded"));
    let rotated = app
        .send(
            Method::POST,
            "/sfn/rotate-signing-secret",
            &form,
            Body::from("slug=support"),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);

    let log = app
        .send(
            Method::GET,
            &format!("/api/admin/workspaces/{workspace}/audit?limit=200"),
            &[("cookie", &owner)],
            Body::empty(),
        )
        .await
        .json();
    let entries = log["entries"].as_array().unwrap();
    let by_action = |action: &str| {
        entries
            .iter()
            .find(|entry| entry["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {log}"))
    };
    for action in [
        "persona.updated",
        "guardrail_rule.created",
        "guardrail_rule.deleted",
        "tool.registered",
        "knowledge_document.added",
        "experiment.created",
        "experiment.status_changed",
        "handoff.claimed",
        "handoff.resolved",
    ] {
        let entry = by_action(action);
        assert_eq!(entry["actorType"], "app", "{action}");
        assert_eq!(entry["actorLabel"], "support", "{action}");
    }
    assert_eq!(
        by_action("tool.registered")["details"]["headerNames"],
        json!(["Authorization"])
    );
    let rotation = by_action("webhook.signing_secret.rotated");
    assert_eq!(rotation["actorLabel"], "owner@example.com");
    assert!(!log.to_string().contains("tool-key-never-logged"));
}
