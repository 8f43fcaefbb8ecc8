//! Tools over HTTP: registration, the public list, execution against a fake endpoint.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use model::platform::apps::AppSettings;
use serde_json::{Value, json};

use crate::fakes::{FakeServer, signature_is_valid};
use crate::helpers::{Tenant, TestApp};

const ORDER_SCHEMA: &str = r#"{"type":"object","properties":{"orderId":{"type":"string","description":"The order ID"}},"required":["orderId"]}"#;

fn lookup_order(endpoint: &str) -> Value {
    json!({
        "name": "lookupOrder",
        "description": "Look up an order by ID and return its status, items, and tracking info",
        "parametersSchema": ORDER_SCHEMA,
        "endpoint": format!("{endpoint}/orders/lookup"),
        "headers": "{\"Authorization\":\"Bearer store-api-key-123\"}",
        "requiresConfirmation": false
    })
}

async fn register(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let response = app.post_as(tenant, "/api/tools", body).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

fn execute(session: &str, parameters: Value) -> Value {
    json!({"sessionId": session, "toolName": "lookupOrder", "parameters": parameters,
           "traceId": "trace-9", "spanId": "span1234"})
}

#[tokio::test]
async fn seed_000_register_and_execute_examples_call_the_endpoint_signed() {
    let endpoint = FakeServer::answering(r#"{"status":"shipped","items":2}"#).await;
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let tool = register(&app, &tenant, lookup_order(&endpoint.url)).await;
    assert_eq!(tool["httpMethod"], "POST");
    assert_eq!(tool["headerNames"], json!(["Authorization"]));
    assert!(
        !tool.to_string().contains("store-api-key-123"),
        "header values never shown"
    );

    let result = app
        .post_as(
            &tenant,
            "/api/tools/execute",
            execute("ses_abc123", json!({"orderId": "ORD-456"})),
        )
        .await;
    assert_eq!(result.status, 200, "{}", result.text);
    assert_eq!(
        result.json(),
        json!({"success": true, "data": {"status": "shipped", "items": 2}})
    );

    let received = endpoint.received();
    assert_eq!(received.len(), 1);
    let call = &received[0];
    assert_eq!(call.method, Method::POST);
    assert_eq!(call.uri.path(), "/orders/lookup");
    assert_eq!(call.json(), json!({"orderId": "ORD-456"}));
    assert_eq!(
        call.header("authorization"),
        Some("Bearer store-api-key-123")
    );
    assert_eq!(call.header("x-switchboard-session"), Some("ses_abc123"));
    let secret = app
        .get_as(&tenant, "/api/webhooks/signing-secret")
        .await
        .json()["signingSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(signature_is_valid(
        &secret,
        call.header("x-switchboard-signature").unwrap(),
        &call.body
    ));

    let executions = app
        .get_as(&tenant, "/api/tools/executions?sessionId=ses_abc123")
        .await
        .json();
    let execution = &executions["executions"][0];
    assert_eq!(execution["status"], "success");
    assert_eq!(execution["httpStatus"], 200);
    assert_eq!(execution["traceId"], "trace-9");
    assert_eq!(execution["spanId"], "span1234");
    assert_eq!(execution["parameters"], json!({"orderId": "ORD-456"}));
    assert!(execution["durationMs"].as_i64().unwrap() >= 0);

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
    assert_eq!(detail["toolExecutions"][0]["toolName"], "lookupOrder");

    // The agent's list: public fields only, for session tokens too.
    let listed = app
        .get(&format!("/api/tools?sessionToken={}", tenant.session_token))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(
        listed.json(),
        json!({"tools": [{"name": "lookupOrder",
            "description": "Look up an order by ID and return its status, items, and tracking info",
            "parametersSchema": ORDER_SCHEMA, "requiresConfirmation": false, "requiresAuth": false}]})
    );
}

#[tokio::test]
async fn failures_are_answered_in_band_and_recorded() {
    let endpoint = FakeServer::start(Arc::new(|_, request| {
        if request.uri.path() == "/slow" {
            std::thread::sleep(Duration::from_millis(1_500));
        }
        (
            StatusCode::NOT_FOUND,
            r#"{"message":"no such order"}"#.to_owned(),
        )
    }))
    .await;
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    register(&app, &tenant, lookup_order(&endpoint.url)).await;
    let call =
        |parameters: Value| app.post_as(&tenant, "/api/tools/execute", execute("s", parameters));

    let invalid = call(json!({"orderId": 456})).await;
    assert_eq!(invalid.status, 200);
    let invalid = invalid.json();
    assert_eq!(invalid["success"], false);
    assert!(
        invalid["error"]
            .as_str()
            .unwrap()
            .starts_with("Parameter validation failed: /orderId"),
        "{invalid}"
    );
    assert!(
        endpoint.received().is_empty(),
        "never called with bad parameters"
    );

    let not_found = call(json!({"orderId": "X"})).await.json();
    assert_eq!(not_found["success"], false);
    assert_eq!(not_found["error"], "Tool endpoint answered HTTP 404");
    assert_eq!(not_found["data"], json!({"message": "no such order"}));

    let unknown = app
        .post_as(
            &tenant,
            "/api/tools/execute",
            json!({"sessionId": "s", "toolName": "nope"}),
        )
        .await
        .json();
    assert_eq!(
        unknown,
        json!({"success": false, "error": "Tool \"nope\" not found"})
    );

    // A tool slower than its timeout.
    let mut slow = lookup_order(&endpoint.url);
    slow["name"] = json!("slowTool");
    slow["endpoint"] = json!(format!("{}/slow", endpoint.url));
    slow["timeoutMs"] = json!(1_000);
    register(&app, &tenant, slow).await;
    let timed_out = app
        .post_as(
            &tenant,
            "/api/tools/execute",
            json!({"sessionId": "s", "toolName": "slowTool", "parameters": {"orderId": "1"}}),
        )
        .await
        .json();
    assert_eq!(timed_out["success"], false);
    assert!(
        timed_out["error"]
            .as_str()
            .unwrap()
            .contains("no answer within"),
        "{timed_out}"
    );

    let statuses: Vec<String> = app
        .get_as(&tenant, "/api/tools/executions?sessionId=s")
        .await
        .json()["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["error", "error", "error", "validation_error"]);
    let only_validation = app
        .get_as(&tenant, "/api/tools/executions?status=validation_error")
        .await
        .json();
    assert_eq!(only_validation["executions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn registration_is_validated() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let base = lookup_order("http://127.0.0.1:9");
    let cases = [
        (json!({"endpoint": null}), "endpoint"),
        (json!({"parametersSchema": "{not json"}), "parametersSchema"),
        (
            json!({"parametersSchema": "{\"type\":\"nonsense\"}"}),
            "parametersSchema",
        ),
        (json!({"endpoint": "ftp://example.com/x"}), "endpoint"),
        (
            json!({"endpoint": "http://169.254.169.254/latest"}),
            "endpoint",
        ),
        (json!({"httpMethod": "TRACE"}), "httpMethod"),
        (json!({"timeoutMs": 60_000}), "timeoutMs"),
        (json!({"name": "has space"}), "name"),
        (json!({"name": "executions"}), "name"),
        (
            json!({"headers": "{\"X-Switchboard-Signature\":\"forged\"}"}),
            "headers.X-Switchboard-Signature",
        ),
        (json!({"headers": "[1]"}), "headers"),
    ];
    for (change, field) in cases {
        let mut body = base.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = app.post_as(&tenant, "/api/tools", body).await;
        assert_eq!(response.status, 400, "{change}: {}", response.text);
        let fields: Vec<String> = response.json()["details"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap().to_owned())
            .collect();
        assert!(fields.contains(&field.to_owned()), "{change}: {fields:?}");
    }
    let by_token = app
        .post_json("/api/tools", &[], tenant.with_token(base.clone()))
        .await;
    assert_eq!(by_token.status, 403);
    let listed = app.get_as(&tenant, "/api/tools/all").await.json();
    assert_eq!(listed["tools"], json!([]));
}

#[tokio::test]
async fn tools_are_upserted_deactivated_and_deleted() {
    let endpoint = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let first = register(&app, &tenant, lookup_order(&endpoint.url)).await;
    let mut changed = lookup_order(&endpoint.url);
    changed["description"] = json!("Find an order");
    changed["httpMethod"] = json!("get");
    let second = register(&app, &tenant, changed).await;
    assert_eq!(second["id"], first["id"], "same tool, replaced");
    assert_eq!(second["httpMethod"], "GET");

    // GET sends the parameters in the query string.
    app.post_as(
        &tenant,
        "/api/tools/execute",
        execute("s", json!({"orderId": "ORD-1"})),
    )
    .await;
    let call = &endpoint.received()[0];
    assert_eq!(call.method, Method::GET);
    assert_eq!(call.uri.query(), Some("orderId=ORD-1"));

    let deactivated = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/tools/lookupOrder",
            Some(json!({"isActive": false})),
        )
        .await;
    assert_eq!(deactivated.json()["isActive"], false);
    assert_eq!(
        app.get_as(&tenant, "/api/tools").await.json()["tools"],
        json!([])
    );
    let inactive = app
        .post_as(
            &tenant,
            "/api/tools/execute",
            execute("s", json!({"orderId": "ORD-1"})),
        )
        .await
        .json();
    assert_eq!(inactive["error"], "Tool \"lookupOrder\" not found");
    assert_eq!(
        app.call_as(&tenant, Method::DELETE, "/api/tools/lookupOrder", None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_as(&tenant, "/api/tools/lookupOrder").await.status,
        404
    );
}

#[tokio::test]
async fn max_actions_per_turn_is_enforced_atomically() {
    let endpoint = FakeServer::answering("{}").await;
    let app = TestApp::new().await;
    let tenant = app
        .tenant_with(
            "my-app",
            AppSettings {
                max_actions_per_turn: Some(3),
                ..AppSettings::default()
            },
        )
        .await;
    register(&app, &tenant, lookup_order(&endpoint.url)).await;
    let calls = (0..8).map(|_| {
        app.post_as(
            &tenant,
            "/api/tools/execute",
            execute("busy", json!({"orderId": "1"})),
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(calls)
        .await
        .iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(endpoint.received().len(), 3);
    // Another session has its own allowance.
    let other = app
        .post_as(
            &tenant,
            "/api/tools/execute",
            execute("calm", json!({"orderId": "1"})),
        )
        .await;
    assert_eq!(other.status, 200);
}
