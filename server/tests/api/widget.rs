//! The widget's API and the desk's dashboard API over the real router: boot from allowed
//! origins, the token's lifecycle, identity verification, contacts.

use axum::body::Body;
use axum::http::Method;
use model::platform::users::Role;
use serde_json::{Value, json};

use crate::helpers::{SAME_ORIGIN, TestApp, TestResponse};

pub const SHOP: &str = "https://shop.example.com";

/// An app `slug` whose widget may boot from `https://*.example.com`, and its workspace's
/// owner's cookie.
pub async fn widget_app(app: &TestApp, slug: &str, owner: &str) -> String {
    app.tenant(slug).await;
    let workspace_id = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), slug)
        .await
        .unwrap()
        .workspace_id;
    let cookie = app.signed_in(owner, Role::Owner, &workspace_id).await;
    let patched = admin(
        app,
        &cookie,
        Method::PATCH,
        &format!("/api/admin/apps/{slug}"),
        Some(json!({"allowedOrigins": ["https://*.Example.com/"]})),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        patched.json()["allowedOrigins"],
        json!(["https://*.example.com"])
    );
    cookie
}

/// A dashboard call with the session cookie.
pub async fn admin(
    app: &TestApp,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let mut headers = SAME_ORIGIN.to_vec();
    headers.push(("cookie", cookie));
    let body = match body {
        Some(body) => {
            headers.push(("content-type", "application/json"));
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    app.send(method, path, &headers, body).await
}

/// Boots the widget of `slug` from `origin` with `body`'s fields.
pub async fn boot(app: &TestApp, origin: Option<&str>, slug: &str, body: Value) -> TestResponse {
    let mut body = body;
    body["appSlug"] = Value::from(slug);
    let mut headers = vec![];
    if let Some(origin) = origin {
        headers.push(("origin", origin));
    }
    app.post_json("/api/widget/boot", &headers, body).await
}

/// Calls a widget endpoint with a token.
pub async fn as_visitor(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let bearer = format!("Bearer {token}");
    let mut headers = vec![("authorization", bearer.as_str()), ("origin", SHOP)];
    let body = match body {
        Some(body) => {
            headers.push(("content-type", "application/json"));
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    app.send(method, path, &headers, body).await
}

#[tokio::test]
async fn the_widget_boots_only_from_allowed_origins_and_its_token_serves_the_widget_only() {
    let app = TestApp::with_cors(server::http::cors::CorsPolicy::origins(vec![
        "https://dashboard.example.net".to_owned(),
    ]))
    .await;
    widget_app(&app, "shop", "owner@shop.example").await;

    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    assert_eq!(booted.status, 200, "{}", booted.text);
    // The widget's API answers any site, whatever the instance's CORS setting.
    assert_eq!(booted.header("access-control-allow-origin"), Some("*"));
    let body = booted.json();
    let token = body["sessionToken"].as_str().unwrap().to_owned();
    assert!(token.starts_with("wst_") && token.len() == 68, "{token}");
    assert!(body["expiresAt"].as_i64().unwrap() > domain::now_ms());
    assert_eq!(body["contact"]["identityVerified"], false);

    for (origin, status) in [
        (None, 403),
        (Some("https://example.com"), 403),
        (Some("https://evil.net"), 403),
    ] {
        let refused = boot(&app, origin, "shop", json!({"deviceId": "device-0001"})).await;
        assert_eq!(refused.status, status, "{origin:?}: {}", refused.text);
        assert_eq!(refused.json()["code"], "PERMISSION_DENIED");
    }
    // The origin comes from the header only: a body field is an unknown field.
    let smuggled = boot(
        &app,
        None,
        "shop",
        json!({"deviceId": "device-0001", "origin": SHOP}),
    )
    .await;
    assert_eq!(smuggled.status, 400, "{}", smuggled.text);
    let unknown = boot(&app, Some(SHOP), "nope", json!({"deviceId": "device-0001"})).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);

    let me = as_visitor(&app, &token, Method::GET, "/api/widget/contact", None).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json()["contact"]["id"], body["contact"]["id"]);
    let located = as_visitor(
        &app,
        &token,
        Method::POST,
        "/api/widget/location",
        Some(json!({"location": {"city": "Lisbon", "countryCode": "PT"}})),
    )
    .await;
    assert_eq!(located.status, 200, "{}", located.text);
    assert_eq!(located.json()["contact"]["location"]["city"], "Lisbon");

    // Anywhere else, a live widget token is a credential for nothing: 403.
    for path in [
        "/api/conversations",
        "/api/auth/me",
        "/api/knowledge/documents",
    ] {
        let refused = as_visitor(&app, &token, Method::GET, path, None).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
        assert_eq!(refused.json()["code"], "PERMISSION_DENIED");
    }

    // Fresh tokens refuse to refresh; revoking by body ends the session.
    let early = as_visitor(&app, &token, Method::POST, "/api/widget/refresh", None).await;
    assert_eq!(early.status, 409, "{}", early.text);
    let revoked = app
        .post_json("/api/widget/revoke", &[], json!({"sessionToken": token}))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    let gone = as_visitor(&app, &token, Method::GET, "/api/widget/contact", None).await;
    assert_eq!(gone.status, 401, "{}", gone.text);
    let again = as_visitor(&app, &token, Method::POST, "/api/widget/revoke", None).await;
    assert_eq!(again.status, 200, "revoking twice succeeds: {}", again.text);
}

#[tokio::test]
async fn a_preflight_from_any_site_is_answered_for_the_widget() {
    let app = TestApp::with_cors(server::http::cors::CorsPolicy::origins(vec![
        "https://dashboard.example.net".to_owned(),
    ]))
    .await;
    let preflight = app
        .send(
            Method::OPTIONS,
            "/api/widget/boot",
            &[
                ("origin", "https://customer.example.org"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            Body::empty(),
        )
        .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let admin = app
        .send(
            Method::OPTIONS,
            "/api/conversations",
            &[
                ("origin", "https://customer.example.org"),
                ("access-control-request-method", "GET"),
            ],
            Body::empty(),
        )
        .await;
    assert_eq!(admin.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn identity_verification_is_set_up_on_the_dashboard_and_enforced_at_boot() {
    let app = TestApp::new().await;
    let cookie = widget_app(&app, "shop", "owner@shop.example").await;
    let path = "/api/admin/apps/shop/identity-verification";
    let off = admin(&app, &cookie, Method::GET, path, None).await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.json()["enabled"], false);
    assert_eq!(off.json()["hasSecret"], false);

    let enabled = admin(
        &app,
        &cookie,
        Method::PUT,
        path,
        Some(json!({"enabled": true, "mode": "required"})),
    )
    .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    let secret = enabled.json()["secret"].as_str().unwrap().to_owned();
    // Shown once: never again, not even to the owner.
    let shown = admin(&app, &cookie, Method::GET, path, None).await;
    assert!(!shown.text.contains(&secret), "{}", shown.text);
    assert_eq!(shown.json()["mode"], "required");
    let dump = store::testkit::dump_all_tables(&app.db.store).await;
    assert!(!dump.contains(&secret), "stored sealed");

    let unproved = boot(
        &app,
        Some(SHOP),
        "shop",
        json!({"deviceId": "device-0001", "externalUserId": "user-7"}),
    )
    .await;
    assert_eq!(unproved.status, 403, "{}", unproved.text);
    let hash = domain::desk::identity::user_hash(&secret, "user-7");
    let proved = boot(
        &app,
        Some(SHOP),
        "shop",
        json!({"deviceId": "device-0001", "externalUserId": "user-7", "userHash": hash}),
    )
    .await;
    assert_eq!(proved.status, 200, "{}", proved.text);
    assert_eq!(proved.json()["contact"]["identityVerified"], true);

    let rotated = admin(&app, &cookie, Method::POST, &format!("{path}/rotate"), None).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_ne!(rotated.json()["secret"], json!(secret));
    assert!(rotated.json()["previousSecretExpiresAt"].is_i64());

    // A viewer may not see or change it.
    let workspace_id = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let viewer = app
        .signed_in("viewer@shop.example", Role::Viewer, &workspace_id)
        .await;
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"enabled": false}))),
    ] {
        let refused = admin(&app, &viewer, method.clone(), path, body).await;
        assert_eq!(refused.status, 403, "{method}: {}", refused.text);
    }
}

#[tokio::test]
async fn the_dashboard_lists_searches_and_shows_contacts() {
    let app = TestApp::new().await;
    let cookie = widget_app(&app, "shop", "owner@shop.example").await;
    for (device, email) in [
        ("device-0001", "ada@example.com"),
        ("device-0002", "alan@example.com"),
    ] {
        let booted = boot(
            &app,
            Some(SHOP),
            "shop",
            json!({"deviceId": device, "email": email, "device": {"browser": "Firefox"}}),
        )
        .await;
        assert_eq!(booted.status, 200, "{}", booted.text);
    }
    let found = admin(
        &app,
        &cookie,
        Method::GET,
        "/api/desk/contacts?search=ADA",
        None,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let contacts = found.json()["contacts"].as_array().unwrap().clone();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["email"], "ada@example.com");
    assert_eq!(contacts[0]["device"]["browser"], "Firefox");
    let id = contacts[0]["id"].as_str().unwrap();
    let detail = admin(
        &app,
        &cookie,
        Method::GET,
        &format!("/api/desk/contacts/{id}"),
        None,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.json()["liveSessions"], 1);
    let page = admin(
        &app,
        &cookie,
        Method::GET,
        "/api/desk/contacts?limit=1",
        None,
    )
    .await;
    assert!(page.json()["nextCursor"].is_string(), "{}", page.text);
    let bad = admin(
        &app,
        &cookie,
        Method::GET,
        "/api/desk/contacts?cursor=nonsense",
        None,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let missing = admin(&app, &cookie, Method::GET, "/api/desk/contacts/nope", None).await;
    assert_eq!(missing.status, 404, "{}", missing.text);
}

#[tokio::test]
async fn a_visitor_chats_and_sees_the_replies_stored_for_them() {
    let app = TestApp::new().await;
    let cookie = widget_app(&app, "shop", "owner@shop.example").await;
    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    let token = booted.json()["sessionToken"].as_str().unwrap().to_owned();
    let contact_id = booted.json()["contact"]["id"].as_str().unwrap().to_owned();

    let empty = as_visitor(
        &app,
        &token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": "  "})),
    )
    .await;
    assert_eq!(empty.status, 400, "{}", empty.text);
    let started = as_visitor(
        &app,
        &token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": "Where is my order?"})),
    )
    .await;
    assert_eq!(started.status, 201, "{}", started.text);
    let thread = started.json();
    assert_eq!(thread["messages"][0]["sender"], "visitor");
    let id = thread["conversation"]["id"].as_str().unwrap().to_owned();
    let messages_path = format!("/api/widget/conversations/{id}/messages");
    let first = as_visitor(&app, &token, Method::GET, &messages_path, None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let cursor = first.json()["nextCursor"].as_str().unwrap().to_owned();

    // A member's reply from the inbox shows up after the cursor.
    let reply = admin(
        &app,
        &cookie,
        Method::POST,
        &format!("/api/desk/conversations/{id}/messages"),
        Some(json!({"body": "It ships today."})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let written = as_visitor(
        &app,
        &token,
        Method::POST,
        &messages_path,
        Some(json!({"body": "Thanks!"})),
    )
    .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let newer = as_visitor(
        &app,
        &token,
        Method::GET,
        &format!("{messages_path}?after={cursor}"),
        None,
    )
    .await;
    let bodies: Vec<_> = newer.json()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["sender"].clone(), m["body"].clone()))
        .collect();
    assert_eq!(bodies.len(), 2, "{}", newer.text);
    assert!(bodies.contains(&(json!("agent"), json!("It ships today."))));
    let listed = as_visitor(&app, &token, Method::GET, "/api/widget/conversations", None).await;
    assert_eq!(listed.json()["conversations"][0]["messageCount"], 3);

    // The dashboard's contact page shows the conversation.
    let detail = admin(
        &app,
        &cookie,
        Method::GET,
        &format!("/api/desk/contacts/{contact_id}"),
        None,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(
        detail.json()["conversations"][0]["messages"][0]["body"],
        "Where is my order?"
    );
}

#[tokio::test]
async fn the_widget_script_is_served_by_the_binary_small_and_cacheable() {
    let app = TestApp::new().await;
    let plain = app.get("/widget.js").await;
    assert_eq!(plain.status, 200);
    assert_eq!(
        plain.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(plain.text.contains("data-app"), "{}", &plain.text[..200]);
    let etag = plain.header("etag").unwrap().to_owned();
    let gzipped = app
        .send(
            Method::GET,
            "/widget.js",
            &[("accept-encoding", "gzip, br")],
            Body::empty(),
        )
        .await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    // The budget: the script and its assets under 60 KB gzipped (livekit-client apart).
    let size = server::widget::gzipped_size().unwrap();
    assert!(size < 60 * 1024, "{size} bytes gzipped");
    let revalidated = app
        .send(
            Method::GET,
            "/widget.js",
            &[("if-none-match", etag.as_str())],
            Body::empty(),
        )
        .await;
    assert_eq!(revalidated.status, 304);
}

#[tokio::test]
async fn a_visitor_talks_to_the_agent_through_livekit_and_only_ends_their_own_call() {
    // LiveKit is the fake speaking its Twirp API: no real SFU in the API tests.
    let (livekit, settings) = crate::voice::fake_livekit().await;
    let app = TestApp::with_integrations(domain::Integrations {
        livekit: settings,
        ..crate::helpers::test_integrations()
    })
    .await;
    let cookie = widget_app(&app, "shop", "owner@shop.example").await;
    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    let token = booted.json()["sessionToken"].as_str().unwrap().to_owned();
    let contact_id = booted.json()["contact"]["id"].as_str().unwrap().to_owned();

    let call = as_visitor(&app, &token, Method::POST, "/api/widget/calls", None).await;
    assert_eq!(call.status, 200, "{}", call.text);
    let call = call.json();
    let room = call["roomName"].as_str().unwrap().to_owned();
    assert!(room.starts_with("widget-"), "{room}");
    assert_eq!(call["identity"], format!("visitor-{contact_id}"));
    assert!(call["userToken"].as_str().unwrap().len() > 20);
    let dispatches = livekit.calls_of("CreateDispatch");
    assert_eq!(dispatches.len(), 1, "the agent is dispatched");
    assert_eq!(dispatches[0].request["room"], json!(room));
    // The call is the contact's.
    let session = app
        .db
        .store
        .voice_session_for_room(&room)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.customer_id.as_deref(), Some(contact_id.as_str()));
    let detail = admin(
        &app,
        &cookie,
        Method::GET,
        &format!("/api/desk/contacts/{contact_id}"),
        None,
    )
    .await;
    assert_eq!(
        detail.json()["calls"][0]["roomName"],
        json!(room),
        "{}",
        detail.text
    );

    // Another visitor cannot end it; its own visitor can.
    let other = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0002"})).await;
    let other_token = other.json()["sessionToken"].as_str().unwrap().to_owned();
    let end_path = format!("/api/widget/calls/{room}/end");
    let refused = as_visitor(&app, &other_token, Method::POST, &end_path, None).await;
    assert_eq!(refused.status, 404, "{}", refused.text);
    assert!(livekit.calls_of("DeleteRoom").is_empty());
    let ended = as_visitor(&app, &token, Method::POST, &end_path, None).await;
    assert_eq!(ended.status, 204, "{}", ended.text);
    assert_eq!(
        livekit.calls_of("DeleteRoom")[0].request["room"],
        json!(room)
    );
}

#[tokio::test]
async fn without_livekit_the_widget_is_told_voice_is_off() {
    let app = TestApp::new().await;
    widget_app(&app, "shop", "owner@shop.example").await;
    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    let token = booted.json()["sessionToken"].as_str().unwrap().to_owned();
    let call = as_visitor(&app, &token, Method::POST, "/api/widget/calls", None).await;
    assert_eq!(call.status, 503, "{}", call.text);
    assert_eq!(call.json()["code"], "SERVICE_UNAVAILABLE");
}
