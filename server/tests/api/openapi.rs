//! The OpenAPI document and its docs page.

use axum::body::Body;
use axum::http::Method;

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

#[tokio::test]
async fn every_operation_documents_the_common_answers_the_server_gives() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    let mut secured = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let needs_credentials = operation["security"]
                .as_array()
                .is_some_and(|alternatives| {
                    !alternatives.is_empty()
                        && alternatives
                            .iter()
                            .all(|a| a.as_object().is_some_and(|names| !names.is_empty()))
                });
            if needs_credentials {
                secured += 1;
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
            if operation["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path}: no {status}"
                    );
                }
            }
        }
    }
    assert!(secured > 50, "{secured}");

    // What the document says, the server does: an admin operation without a dashboard
    // session, and a JSON operation whose body is sent as text.
    assert_eq!(app.get("/api/admin/apps/my-app").await.status, 401);
    let tenant = app.tenant("my-app").await;
    let bearer = format!("Bearer {}", tenant.secret);
    let as_text = app
        .send(
            Method::POST,
            "/api/knowledge",
            &[
                ("authorization", bearer.as_str()),
                ("x-app-slug", "my-app"),
                ("content-type", "text/plain"),
            ],
            Body::from(r#"{"title": "t", "content": "c"}"#),
        )
        .await;
    assert_eq!(as_text.status, 415, "{}", as_text.text);
}

#[tokio::test]
async fn the_desk_and_widget_operations_name_their_credential() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    assert!(doc["components"]["securitySchemes"]["widgetSession"].is_object());
    let schemes = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path} lists no security"))
            .iter()
            .flat_map(|alternative| alternative.as_object().unwrap().keys().cloned())
            .collect()
    };
    for (path, method, expected) in [
        ("/api/widget/boot", "post", vec![]),
        ("/api/widget/revoke", "post", vec!["widgetSession"]),
        ("/api/widget/refresh", "post", vec!["widgetSession"]),
        ("/api/widget/contact", "get", vec!["widgetSession"]),
        ("/api/widget/identify", "post", vec!["widgetSession"]),
        ("/api/widget/location", "post", vec!["widgetSession"]),
        ("/api/widget/conversations", "get", vec!["widgetSession"]),
        ("/api/widget/conversations", "post", vec!["widgetSession"]),
        (
            "/api/widget/conversations/{id}/messages",
            "get",
            vec!["widgetSession"],
        ),
        (
            "/api/widget/conversations/{id}/messages",
            "post",
            vec!["widgetSession"],
        ),
        ("/api/widget/calls", "post", vec!["widgetSession"]),
        (
            "/api/widget/conversations/{id}/read",
            "post",
            vec!["widgetSession"],
        ),
        ("/api/widget/unread", "get", vec!["widgetSession"]),
        ("/api/desk/conversations", "get", vec!["dashboardSession"]),
        (
            "/api/desk/conversations/{id}",
            "get",
            vec!["dashboardSession"],
        ),
        (
            "/api/desk/conversations/{id}",
            "patch",
            vec!["dashboardSession"],
        ),
        (
            "/api/desk/conversations/{id}/messages",
            "post",
            vec!["dashboardSession"],
        ),
        (
            "/api/desk/conversations/{id}/read",
            "post",
            vec!["dashboardSession"],
        ),
        (
            "/api/widget/calls/{room}/end",
            "post",
            vec!["widgetSession"],
        ),
        ("/api/desk/contacts", "get", vec!["dashboardSession"]),
        ("/api/desk/contacts/{id}", "get", vec!["dashboardSession"]),
        (
            "/api/admin/apps/{slug}/identity-verification",
            "get",
            vec!["dashboardSession"],
        ),
        (
            "/api/admin/apps/{slug}/identity-verification",
            "put",
            vec!["dashboardSession"],
        ),
        (
            "/api/admin/apps/{slug}/identity-verification/rotate",
            "post",
            vec!["dashboardSession"],
        ),
        ("/api/admin/workspaces", "get", vec!["dashboardSession"]),
        ("/api/admin/workspaces", "post", vec!["dashboardSession"]),
        (
            "/api/admin/workspaces/{id}",
            "get",
            vec!["dashboardSession"],
        ),
        (
            "/api/admin/workspaces/{id}",
            "patch",
            vec!["dashboardSession"],
        ),
        ("/.well-known/switchboard.json", "get", vec![]),
    ] {
        assert_eq!(schemes(path, method), expected, "{method} {path}");
    }
}
