//! `/health`, `/healthz`, `/api/status`.

use store::testkit::backend;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_answers_seed_004s_shape() {
    let app = TestApp::new().await;
    let response = app.get("/health").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(body["uptime"].as_f64().unwrap() >= 0.0);
    assert!(response.header("x-request-id").is_some());
}

#[tokio::test]
async fn healthz_checks_the_database() {
    let app = TestApp::new().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["ok"], true);
    let expected = serde_json::to_value(backend()).unwrap();
    assert_eq!(body["database"]["backend"], expected);
    assert!(body["database"]["latencyMs"].as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.db.store.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 503);
    let body = response.json();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"]["ok"], false);
    // The answer explains without exposing driver internals.
    assert_eq!(body["database"]["error"], "the database did not answer");
    // Liveness does not depend on the database.
    assert_eq!(app.get("/health").await.status, 200);
}

#[tokio::test]
async fn status_reports_version_backend_migration_and_integrations() {
    let app = TestApp::new().await;
    let response = app.get("/api/status").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let database = &body["database"];
    assert_eq!(
        database["backend"],
        serde_json::to_value(backend()).unwrap()
    );
    assert_eq!(
        database["migration"]["version"],
        database["latestKnownMigration"]
    );
    assert!(database["installedAt"].as_i64().unwrap() > 0);
    let integrations: Vec<&str> = body["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["integration"].as_str().unwrap())
        .collect();
    assert_eq!(
        integrations,
        [
            "livekit",
            "gemini",
            "openai-compatible",
            "elevenlabs",
            "embeddings"
        ]
    );
    let configured: Vec<bool> = body["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["configured"].as_bool().unwrap())
        .collect();
    // Only the local embedding model, which the tests unpack, is in place.
    assert_eq!(configured, [false, false, false, false, true]);
}
