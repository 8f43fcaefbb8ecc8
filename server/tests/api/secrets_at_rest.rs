//! Secrets at rest: a dump of the database holds no credential, token or header value, and
//! secrets stored in plain text before sealing existed are sealed at start-up.

use model::platform::users::Role;
use serde_json::{Map, Value, json};
use store::testkit::dump_all_tables;

use crate::fakes::FakeServer;
use crate::helpers::{PASSWORD, Tenant, TestApp};

const TOOL_KEY: &str = "sk_live_tool_header_value_1234";

async fn register_tool(app: &TestApp, tenant: &Tenant, endpoint: &str) {
    let registered = app
        .post_as(
            tenant,
            "/api/tools",
            json!({
                "name": "lookupOrder",
                "description": "Look up an order",
                "parametersSchema": "{\"type\":\"object\"}",
                "endpoint": format!("{endpoint}/orders"),
                "headers": format!("{{\"Authorization\":\"Bearer {TOOL_KEY}\"}}"),
            }),
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.text);
}

async fn signing_secret(app: &TestApp, tenant: &Tenant) -> String {
    app.get_as(tenant, "/api/webhooks/signing-secret")
        .await
        .json()["signingSecret"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn call_tool(app: &TestApp, tenant: &Tenant) {
    let called = app
        .post_as(
            tenant,
            "/api/tools/execute",
            json!({"sessionId": "s1", "toolName": "lookupOrder", "parameters": {}}),
        )
        .await;
    assert_eq!(called.status, 200, "{}", called.text);
}

#[tokio::test]
async fn a_database_dump_holds_no_secret_token_or_header_value() {
    let endpoint = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    register_tool(&app, &tenant, &endpoint.url).await;
    let signing = signing_secret(&app, &tenant).await;
    call_tool(&app, &tenant).await;
    let workspace = app.workspace("w1").await;
    let cookie = app
        .signed_in("owner@example.com", Role::Owner, &workspace)
        .await;
    let user_session = cookie.trim_start_matches("sb_session=").to_owned();

    let dump = dump_all_tables(&app.db.store).await;
    for (what, secret) in [
        ("app secret", tenant.secret.as_str()),
        ("session token", tenant.session_token.as_str()),
        ("signing secret", signing.as_str()),
        ("tool header value", TOOL_KEY),
        ("password", PASSWORD),
        ("dashboard session", user_session.as_str()),
    ] {
        assert!(secret.len() > 10, "{what}: {secret}");
        assert!(!dump.contains(secret), "the {what} is in the database");
    }
    assert!(dump.contains("enc:v1:"), "sealed values are stored");
    // The tool was called with its real header, opened from the seal.
    assert_eq!(
        endpoint.received()[0].header("authorization"),
        Some(format!("Bearer {TOOL_KEY}").as_str())
    );
}

#[tokio::test]
async fn secrets_stored_in_plain_text_are_sealed_at_start_up_and_still_work() {
    let endpoint = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    register_tool(&app, &tenant, &endpoint.url).await;
    signing_secret(&app, &tenant).await;

    // Rows as a version without sealing left them.
    let app_id = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "my-app")
        .await
        .unwrap()
        .id;
    let legacy_secret = "sbw_legacy_plain_signing_secret";
    let store = &app.db.store;
    store
        .replace_signing_secret(&app_id, legacy_secret)
        .await
        .unwrap();
    let tool = store.tool(&app_id, "lookupOrder").await.unwrap().unwrap();
    let plain = Map::from_iter([(
        "Authorization".to_owned(),
        Value::from(format!("Bearer {TOOL_KEY}")),
    )]);
    assert!(
        store
            .replace_tool_headers_if(&tool.id, tool.updated_at, &plain)
            .await
            .unwrap()
    );
    assert!(dump_all_tables(store).await.contains(TOOL_KEY));

    assert_eq!(
        app.services
            .platform()
            .reseal_signing_secrets()
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.services.agent().reseal_tool_headers().await.unwrap(), 1);
    // Nothing left to do the second time.
    assert_eq!(
        app.services
            .platform()
            .reseal_signing_secrets()
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.services.agent().reseal_tool_headers().await.unwrap(), 0);

    let dump = dump_all_tables(store).await;
    assert!(!dump.contains(legacy_secret));
    assert!(!dump.contains(TOOL_KEY));
    assert_eq!(signing_secret(&app, &tenant).await, legacy_secret);
    call_tool(&app, &tenant).await;
    assert_eq!(
        endpoint.received()[0].header("authorization"),
        Some(format!("Bearer {TOOL_KEY}").as_str())
    );
}
