//! `POST /api/token` against a local fake of Google's auth-token endpoint.

use std::sync::Arc;

use axum::http::StatusCode;
use domain::{GeminiSettings, Integrations, Secret};
use model::platform::apps::AppSettings;
use serde_json::json;

use crate::fakes::FakeServer;
use crate::helpers::{TestApp, test_integrations};

async fn app_with_gemini(google: &FakeServer) -> TestApp {
    TestApp::with_integrations(Integrations {
        gemini: GeminiSettings {
            api_key: Secret::new(Some("test-gemini-key".to_owned())),
            base_url: Some(google.url.clone()),
        },
        ..test_integrations()
    })
    .await
}

#[tokio::test]
async fn a_token_is_created_locked_to_the_apps_model_and_persona() {
    let google = FakeServer::answering(r#"{"name":"auth_tokens/abc123","uses":1}"#).await;
    let app = app_with_gemini(&google).await;
    let tenant = app
        .tenant_with(
            "my-app",
            AppSettings {
                persona_name: Some("Aria".to_owned()),
                voice: Some("Kore".to_owned()),
                token_expire_minutes: Some(10),
                ..AppSettings::default()
            },
        )
        .await;
    // As a browser calls it: a session token in the body.
    let response = app
        .post_json("/api/token", &[], tenant.with_token(json!({})))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["token"], "auth_tokens/abc123");
    let expires = body["expiresAt"].as_str().unwrap();
    assert!(expires.ends_with('Z'), "{expires}");

    let calls = google.received();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.uri.path(), "/v1alpha/auth_tokens");
    assert_eq!(call.header("x-goog-api-key"), Some("test-gemini-key"));
    let sent = call.json();
    assert_eq!(sent["uses"], 1);
    assert_eq!(sent["expireTime"], expires);
    let setup = &sent["bidiGenerateContentSetup"];
    assert_eq!(
        setup["model"],
        "models/gemini-2.5-flash-native-audio-preview-12-2025"
    );
    assert_eq!(
        setup["generationConfig"]["responseModalities"],
        json!(["AUDIO"])
    );
    assert_eq!(
        setup["generationConfig"]["speechConfig"]["voiceConfig"]["prebuiltVoiceConfig"]["voiceName"],
        "Kore"
    );
    let instructions = setup["systemInstruction"]["parts"][0]["text"]
        .as_str()
        .unwrap();
    assert!(
        instructions.contains("Your name is Aria."),
        "{instructions}"
    );
    assert!(!response.text.contains("test-gemini-key"));

    // With the app secret in headers and no body at all.
    let bearer = format!("Bearer {}", tenant.secret);
    let headers_only = app
        .send(
            axum::http::Method::POST,
            "/api/token",
            &[("authorization", &bearer), ("x-app-slug", "my-app")],
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(headers_only.status, 200, "{}", headers_only.text);
}

#[tokio::test]
async fn without_a_key_the_answer_is_503_and_google_errors_are_502() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let unconfigured = app.post_as(&tenant, "/api/token", json!({})).await;
    assert_eq!(unconfigured.status, 503, "{}", unconfigured.text);
    assert_eq!(unconfigured.json()["code"], "SERVICE_UNAVAILABLE");
    assert!(
        unconfigured.json()["error"]
            .as_str()
            .unwrap()
            .contains("GEMINI_API_KEY")
    );

    let google = FakeServer::start(Arc::new(|_, _| {
        (
            StatusCode::FORBIDDEN,
            r#"{"error":{"message":"API key test-gemini-key not valid"}}"#.to_owned(),
        )
    }))
    .await;
    let app = app_with_gemini(&google).await;
    let tenant = app.tenant("my-app").await;
    let refused = app.post_as(&tenant, "/api/token", json!({})).await;
    assert_eq!(refused.status, 502, "{}", refused.text);
    assert_eq!(refused.json()["code"], "UPSTREAM_ERROR");
    assert!(
        !refused.text.contains("test-gemini-key"),
        "{}",
        refused.text
    );
    let unauthenticated = app.post_json("/api/token", &[], json!({})).await;
    assert_eq!(unauthenticated.status, 401);
}
