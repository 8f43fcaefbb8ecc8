//! CORS on the JSON API.

use axum::body::Body;
use axum::http::Method;
use server::http::cors::CorsPolicy;

use crate::helpers::TestApp;

#[tokio::test]
async fn preflight_is_answered_204_for_any_origin_by_default() {
    let app = TestApp::new().await;
    for path in ["/api/status", "/api/not-a-route", "/health"] {
        let response = app
            .send(
                Method::OPTIONS,
                path,
                &[
                    ("origin", "https://widget.example"),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "content-type, x-app-slug"),
                ],
                Body::empty(),
            )
            .await;
        assert_eq!(response.status, 204, "{path}");
        assert_eq!(response.header("access-control-allow-origin"), Some("*"));
        assert!(
            response
                .header("access-control-allow-methods")
                .unwrap()
                .contains("POST")
        );
        assert_eq!(
            response.header("access-control-allow-headers"),
            Some("content-type, x-app-slug")
        );
        assert_eq!(response.header("access-control-allow-credentials"), None);
        assert!(response.text.is_empty());
    }
}

#[tokio::test]
async fn simple_requests_get_the_allow_origin_header() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::GET,
            "/api/status",
            &[("origin", "https://widget.example")],
            Body::empty(),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("access-control-allow-credentials"), None);
}

#[tokio::test]
async fn a_configured_list_allows_only_its_origins() {
    let app = TestApp::with_cors(CorsPolicy::origins(vec!["https://app.example".to_owned()])).await;
    let allowed = app
        .send(
            Method::OPTIONS,
            "/api/status",
            &[
                ("origin", "https://app.example"),
                ("access-control-request-method", "GET"),
            ],
            Body::empty(),
        )
        .await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(allowed.header("vary"), Some("origin"));

    let refused = app
        .send(
            Method::GET,
            "/api/status",
            &[("origin", "https://evil.example")],
            Body::empty(),
        )
        .await;
    assert_eq!(
        refused.status, 200,
        "the browser, not the server, enforces CORS"
    );
    assert_eq!(refused.header("access-control-allow-origin"), None);
}
