//! Server-rendered pages and server functions.

use axum::body::Body;
use axum::http::Method;
use store::testkit::backend;

use crate::helpers::TestApp;

#[tokio::test]
async fn status_page_is_rendered_on_the_server() {
    let app = TestApp::new().await;
    let response = app.get("/status").await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = &response.text;
    assert!(html.contains("<h1>Status</h1>"), "{html}");
    assert!(html.contains(backend().label()), "{html}");
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    assert!(html.contains("Check the database"));
    assert!(html.contains("LiveKit") && html.contains("ElevenLabs"));
    assert!(html.contains("/pkg/switchboard.css"));
}

#[tokio::test]
async fn root_redirects_a_browser_to_the_status_page() {
    let app = TestApp::new().await;
    let response = app
        .send(Method::GET, "/", &[("accept", "text/html")], Body::empty())
        .await;
    assert_eq!(response.status, 302);
    assert_eq!(response.header("location"), Some("/status"));
}

#[tokio::test]
async fn unknown_page_is_an_html_404() {
    let app = TestApp::new().await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status, 404);
    assert!(response.text.contains("Page not found"));
}

#[tokio::test]
async fn health_check_server_function_times_the_database() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::POST,
            "/sfn/health-check",
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::empty(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["database"]["ok"], true);
}
