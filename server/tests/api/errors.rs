//! Error answers produced by the router itself.

use axum::body::Body;
use axum::http::Method;

use crate::helpers::TestApp;

#[tokio::test]
async fn unknown_api_route_is_a_json_404_naming_the_path() {
    let app = TestApp::new().await;
    for method in [Method::GET, Method::POST, Method::DELETE] {
        let response = app
            .send(method.clone(), "/api/no/such/thing?x=1", &[], Body::empty())
            .await;
        assert_eq!(response.status, 404, "{method}");
        let body = response.json();
        assert_eq!(body["error"], "Not found");
        assert_eq!(body["path"], "/api/no/such/thing");
        assert_eq!(body["code"], "NOT_FOUND");
        assert_eq!(body["message"], "Not found");
    }
}

#[tokio::test]
async fn wrong_method_on_a_known_route_is_a_json_405() {
    let app = TestApp::new().await;
    let response = app
        .send(Method::POST, "/api/status", &[], Body::empty())
        .await;
    assert_eq!(response.status, 405);
    assert_eq!(response.json()["code"], "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = TestApp::new().await;
    let first = app.get("/api/nope").await;
    let second = app.get("/api/nope").await;
    let (a, b) = (
        first.header("x-request-id").unwrap(),
        second.header("x-request-id").unwrap(),
    );
    assert_ne!(a, b);
}

#[tokio::test]
async fn an_array_where_an_object_is_expected_is_400_and_changes_nothing() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let bearer = format!("Bearer {}", tenant.secret);
    let credentials = [("authorization", bearer.as_str()), ("x-app-slug", "my-app")];
    let session = app
        .post_json("/api/auth/session", &credentials, serde_json::json!([]))
        .await;
    assert_eq!(
        session.status, 400,
        "no token for an array: {}",
        session.text
    );
    assert_eq!(session.json()["code"], "INVALID_INPUT");

    let mut headers = credentials.to_vec();
    headers.push(("content-type", "application/json"));
    let patched = app
        .send(
            Method::PATCH,
            "/api/persona",
            &headers,
            Body::from(r#"["Aria","friendly"]"#),
        )
        .await;
    assert_eq!(patched.status, 400, "{}", patched.text);
    assert_eq!(
        patched.json()["message"],
        "Invalid request body: expected a JSON object"
    );
    let persona = app
        .send(Method::GET, "/api/persona", &credentials, Body::empty())
        .await;
    assert_eq!(persona.json()["personaName"], serde_json::Value::Null);
}
