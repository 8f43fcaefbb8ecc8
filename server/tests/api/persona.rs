//! Persona and CSAT over HTTP.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test]
async fn seed_000_persona_examples_work_and_every_field_is_editable() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let initial = app
        .get(&format!(
            "/api/persona?appSlug=my-app&appSecret={}",
            tenant.secret
        ))
        .await;
    assert_eq!(initial.status, 200, "{}", initial.text);
    assert_eq!(initial.json()["personaName"], Value::Null);
    assert_eq!(
        initial.json()["systemPrompt"],
        "You are a helpful assistant."
    );

    let patched = app
        .send(
            Method::PATCH,
            "/api/persona",
            &[("content-type", "application/json")],
            axum::body::Body::from(
                tenant
                    .with_secret(json!({
                        "personaName": "Aria",
                        "personaTone": "friendly and professional",
                        "personaGreeting": "Hi there! I'm Aria, your AI assistant.",
                        "preferredTerms": "team member, guest, valued customer",
                        "blockedTerms": "cheap, competitor names",
                        "voice": "Kore",
                        "systemPrompt": "You help customers of My Store.",
                        "uiStrings": "{\"connect\":\"Talk to Aria\"}"
                    }))
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json()["ok"], true);

    // Read back with a session token, as a browser widget does.
    let persona = app
        .get(&format!(
            "/api/persona?sessionToken={}",
            tenant.session_token
        ))
        .await;
    assert_eq!(persona.status, 200, "{}", persona.text);
    let persona = persona.json();
    assert_eq!(persona["personaName"], "Aria");
    assert_eq!(persona["voice"], "Kore");
    assert_eq!(persona["systemPrompt"], "You help customers of My Store.");
    assert_eq!(
        persona["preferredTerms"],
        "team member, guest, valued customer"
    );
    assert_eq!(persona["uiStrings"], json!({"connect": "Talk to Aria"}));
    let instructions = persona["instructions"].as_str().unwrap();
    assert!(instructions.starts_with("You help customers of My Store.\nYour name is Aria."));
    assert!(instructions.contains("Never use these terms: cheap, competitor names."));

    // Clearing a field, and a token may not edit.
    let cleared = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/persona",
            Some(json!({"personaTone": ""})),
        )
        .await;
    assert_eq!(cleared.json()["personaTone"], Value::Null);
    let by_token = app
        .send(
            Method::PATCH,
            "/api/persona",
            &[("content-type", "application/json")],
            axum::body::Body::from(tenant.with_token(json!({"personaName": "Eve"})).to_string()),
        )
        .await;
    assert_eq!(by_token.status, 403, "{}", by_token.text);
    let bad = app
        .call_as(
            &tenant,
            Method::PATCH,
            "/api/persona",
            Some(json!({"uiStrings": "{not json"})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.json()["details"]["fields"][0]["field"], "uiStrings");
}

#[tokio::test]
async fn csat_is_a_whole_number_from_1_to_5_once_per_session() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let rate = |rating: Value| {
        app.post_json(
            "/api/csat",
            &[],
            tenant.with_token(
                json!({"sessionId": "ses_abc123", "rating": rating, "comment": "Very helpful!"}),
            ),
        )
    };
    for bad in [json!(0), json!(6), json!(3.5), json!(-1)] {
        let response = rate(bad.clone()).await;
        assert_eq!(response.status, 400, "{bad}: {}", response.text);
        assert_eq!(response.json()["code"], "INVALID_INPUT");
    }
    let missing = app
        .post_as(&tenant, "/api/csat", json!({"sessionId": "s"}))
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.text.contains("rating"), "{}", missing.text);

    assert_eq!(rate(json!(5)).await.json(), json!({"ok": true}));
    assert_eq!(rate(json!(2)).await.status, 200);
    let listed = app.get_as(&tenant, "/api/csat").await.json();
    let ratings = listed["ratings"].as_array().unwrap();
    assert_eq!(ratings.len(), 1, "one rating per session");
    assert_eq!(ratings[0]["rating"], 2, "the second replaces the first");

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
    assert_eq!(detail["csat"]["rating"], 2);
}
