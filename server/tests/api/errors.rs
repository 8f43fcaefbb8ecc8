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
