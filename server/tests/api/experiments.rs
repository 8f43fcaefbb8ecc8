//! A/B experiments over HTTP.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};

fn greeting_style() -> Value {
    json!({
        "name": "greeting-style",
        "variants": [
            {"id": "formal", "weight": 50, "config": {"greeting": "Good day, how may I assist you?"}},
            {"id": "casual", "weight": 50, "config": {"greeting": "Hey! What can I help with?"}}
        ]
    })
}

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let response = app.post_as(tenant, "/api/experiments", body).await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

#[tokio::test]
async fn seed_000_examples_create_and_assign_stickily() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = create(&app, &tenant, greeting_style()).await;
    assert_eq!(experiment["isActive"], true);
    assert_eq!(experiment["status"], "active");
    let id = experiment["id"].as_str().unwrap();

    let assign = || {
        app.post_as(
            &tenant,
            "/api/experiments/assign",
            json!({"experimentId": id, "sessionId": "ses_abc123"}),
        )
    };
    let first = assign().await;
    assert_eq!(first.status, 200, "{}", first.text);
    let first = first.json();
    assert_eq!(first["alreadyAssigned"], false);
    let variant = first["variantId"].as_str().unwrap().to_owned();
    assert!(["formal", "casual"].contains(&variant.as_str()));
    assert!(first["config"]["greeting"].is_string());
    for _ in 0..3 {
        let again = assign().await.json();
        assert_eq!(again["variantId"], variant);
        assert_eq!(again["alreadyAssigned"], true);
    }
    // The conversation that follows carries the variant.
    let saved = app
        .post_as(
            &tenant,
            "/api/conversations",
            json!({"sessionId": "ses_abc123"}),
        )
        .await
        .json();
    assert_eq!(saved["conversation"]["experimentVariant"], variant);
}

#[tokio::test]
async fn concurrent_assignments_of_a_session_agree() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = create(&app, &tenant, greeting_style()).await;
    let id = experiment["id"].as_str().unwrap();
    for session in 0..5 {
        let calls = (0..8).map(|_| {
            app.post_json(
                "/api/experiments/assign",
                &[],
                tenant.with_token(json!({"experimentId": id, "sessionId": format!("s{session}")})),
            )
        });
        let answers: Vec<Value> = futures_util::future::join_all(calls)
            .await
            .into_iter()
            .map(|r| {
                assert_eq!(r.status, 200, "{}", r.text);
                r.json()
            })
            .collect();
        let variants: std::collections::HashSet<&str> = answers
            .iter()
            .map(|a| a["variantId"].as_str().unwrap())
            .collect();
        assert_eq!(variants.len(), 1, "{answers:?}");
        let fresh = answers
            .iter()
            .filter(|a| a["alreadyAssigned"] == false)
            .count();
        assert_eq!(fresh, 1, "exactly one call assigned: {answers:?}");
    }
    let listed = app.get_as(&tenant, "/api/experiments").await.json();
    let exposures: i64 = listed["experiments"][0]["results"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["exposures"].as_i64().unwrap())
        .sum();
    assert_eq!(exposures, 5);
}

#[tokio::test]
async fn variants_are_validated() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    for (variants, field) in [
        (json!([{"id": "a", "weight": 1}]), "variants"),
        (
            json!([{"id": "a", "weight": 1}, {"id": "a", "weight": 1}]),
            "variants[1].id",
        ),
        (
            json!([{"id": "a", "weight": 1}, {"id": "b", "weight": 0}]),
            "variants[1].weight",
        ),
        (
            json!([{"id": "a", "weight": -2}, {"id": "b", "weight": 1}]),
            "variants[0].weight",
        ),
        (
            json!([{"id": "", "weight": 1}, {"id": "b", "weight": 1}]),
            "variants[0].id",
        ),
    ] {
        let response = app
            .post_as(
                &tenant,
                "/api/experiments",
                json!({"name": "x", "variants": variants}),
            )
            .await;
        assert_eq!(response.status, 400, "{variants}: {}", response.text);
        assert_eq!(
            response.json()["details"]["fields"][0]["field"],
            field,
            "{}",
            response.text
        );
    }
    create(&app, &tenant, greeting_style()).await;
    let duplicate = app
        .post_as(&tenant, "/api/experiments", greeting_style())
        .await;
    assert_eq!(duplicate.status, 409);
    let by_token = app
        .post_json("/api/experiments", &[], tenant.with_token(greeting_style()))
        .await;
    assert_eq!(by_token.status, 403);
    let unknown = app
        .post_as(
            &tenant,
            "/api/experiments/assign",
            json!({"experimentId": "nope", "sessionId": "s"}),
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn pausing_stops_new_assignments_and_ending_is_final() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = create(&app, &tenant, greeting_style()).await;
    let id = experiment["id"].as_str().unwrap();
    let path = format!("/api/experiments/{id}");
    let assign = |session: &'static str| {
        app.post_as(
            &tenant,
            "/api/experiments/assign",
            json!({"experimentId": id, "sessionId": session}),
        )
    };
    assert_eq!(assign("before").await.status, 200);
    let paused = app
        .call_as(
            &tenant,
            Method::PATCH,
            &path,
            Some(json!({"status": "paused"})),
        )
        .await;
    assert_eq!(paused.json()["isActive"], false);
    assert_eq!(assign("new").await.status, 409);
    assert_eq!(
        assign("before").await.json()["alreadyAssigned"],
        true,
        "kept"
    );
    app.call_as(
        &tenant,
        Method::PATCH,
        &path,
        Some(json!({"status": "active"})),
    )
    .await;
    assert_eq!(assign("new").await.status, 200);
    let ended = app
        .call_as(
            &tenant,
            Method::PATCH,
            &path,
            Some(json!({"status": "ended"})),
        )
        .await
        .json();
    assert!(ended["endedAt"].is_i64());
    let revived = app
        .call_as(
            &tenant,
            Method::PATCH,
            &path,
            Some(json!({"status": "active"})),
        )
        .await;
    assert_eq!(revived.status, 409);
    assert_eq!(revived.json()["code"], "INVALID_TRANSITION");
}

#[tokio::test]
async fn results_compare_variants_with_a_significance_test() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = create(&app, &tenant, greeting_style()).await;
    let id = experiment["id"].as_str().unwrap();
    // Assign 40 sessions; resolve every "formal" session and abandon every "casual" one, and
    // rate them 5 and 1.
    for i in 0..40 {
        let session = format!("s{i}");
        let variant = app
            .post_as(
                &tenant,
                "/api/experiments/assign",
                json!({"experimentId": id, "sessionId": session}),
            )
            .await
            .json()["variantId"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, rating) = if variant == "formal" {
            ("resolved", 5)
        } else {
            ("abandoned", 1)
        };
        app.post_as(
            &tenant,
            "/api/conversations",
            json!({"sessionId": session, "status": status}),
        )
        .await;
        app.post_as(
            &tenant,
            "/api/csat",
            json!({"sessionId": session, "rating": rating}),
        )
        .await;
    }
    let results = app
        .get_as(&tenant, &format!("/api/experiments/{id}"))
        .await
        .json()["results"]
        .clone();
    let variants = results["variants"].as_array().unwrap();
    assert_eq!(variants[0]["variantId"], "formal");
    let total: i64 = variants
        .iter()
        .map(|v| v["conversations"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 40);
    for v in variants {
        if v["conversations"].as_i64().unwrap() > 0 {
            let expected = if v["variantId"] == "formal" {
                (1.0, 5.0)
            } else {
                (0.0, 1.0)
            };
            assert_eq!(v["resolutionRate"].as_f64().unwrap(), expected.0);
            assert_eq!(v["avgCsat"].as_f64().unwrap(), expected.1);
            assert_eq!(v["handoffRate"].as_f64().unwrap(), 0.0);
        }
    }
    // With both variants drawn (a certainty for all practical purposes at 40 draws), a
    // complete split is highly significant.
    assert!(results["pValue"].as_f64().unwrap() < 1e-6, "{results}");
    assert_eq!(results["significant"], true);
}

#[tokio::test]
async fn variants_are_redefined_until_sessions_are_assigned_then_only_reweighted() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let experiment = create(&app, &tenant, greeting_style()).await;
    let id = experiment["id"].as_str().unwrap();
    let path = format!("/api/experiments/{id}");
    let put = |body: Value| app.call_as(&tenant, Method::PUT, &path, Some(body));

    let three_arms = json!({"name": "greeting-style", "description": "Which greeting resolves more",
        "variants": [{"id": "formal", "weight": 1}, {"id": "casual", "weight": 1}, {"id": "playful", "weight": 2}]});
    let redefined = put(three_arms).await;
    assert_eq!(redefined.status, 200, "{}", redefined.text);
    assert_eq!(redefined.json()["variants"][2]["id"], "playful");
    assert_eq!(
        redefined.json()["description"],
        "Which greeting resolves more"
    );

    app.post_as(
        &tenant,
        "/api/experiments/assign",
        json!({"experimentId": id, "sessionId": "ses-1"}),
    )
    .await;
    let reweighted = put(json!({"name": "greeting-style", "variants": [
        {"id": "formal", "weight": 5}, {"id": "casual", "weight": 1}, {"id": "playful", "weight": 1}]}))
    .await;
    assert_eq!(reweighted.status, 200, "{}", reweighted.text);
    assert_eq!(reweighted.json()["variants"][0]["weight"], 5.0);
    assert_eq!(
        reweighted.json()["results"]["variants"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let dropped = put(greeting_style()).await;
    assert_eq!(dropped.status, 409, "{}", dropped.text);

    let invalid =
        put(json!({"name": "greeting-style", "variants": [{"id": "formal", "weight": 0}]})).await;
    assert_eq!(invalid.status, 400);
    create(
        &app,
        &tenant,
        json!({"name": "other", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}),
    )
    .await;
    let taken = put(json!({"name": "other", "variants": [
        {"id": "formal", "weight": 1}, {"id": "casual", "weight": 1}, {"id": "playful", "weight": 1}]}))
    .await;
    assert_eq!(taken.status, 409, "{}", taken.text);

    app.call_as(
        &tenant,
        Method::PATCH,
        &path,
        Some(json!({"status": "ended"})),
    )
    .await;
    let after_end = put(json!({"name": "greeting-style", "variants": [
        {"id": "formal", "weight": 1}, {"id": "casual", "weight": 1}, {"id": "playful", "weight": 1}]}))
    .await;
    assert_eq!(after_end.status, 409);
}
