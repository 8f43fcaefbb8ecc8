//! The OpenAPI document and its docs page.

use crate::helpers::TestApp;

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_every_endpoint() {
    let app = TestApp::new().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, 200);
    let doc = response.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["info"]["title"], "Switchboard API");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/health", "get"),
        ("/healthz", "get"),
        ("/api/status", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} missing");
        // Each documented route is really served.
        assert_ne!(app.get(path).await.status, 404, "{path}");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn docs_page_and_its_assets_are_served_by_the_binary() {
    let app = TestApp::new().await;
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger"), "{}", page.text);
    assert!(!page.text.contains("cdn"), "no CDN: {}", page.text);

    let initializer = app.get("/api/docs/swagger-initializer.js").await;
    assert_eq!(initializer.status, 200);
    assert!(initializer.text.contains("/api/openapi.json"));
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.text.len() > 100_000);
}
