//! Workspaces: creation, settings, members across workspaces, and discovery.

use axum::http::Method;
use model::platform::users::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, SAME_ORIGIN, TestApp};
use crate::widget::{SHOP, admin, boot, widget_app};

#[tokio::test]
async fn a_user_creates_workspaces_they_own_and_changes_their_settings() {
    let app = TestApp::new().await;
    let home = app.workspace("home").await;
    let owner = app.signed_in("owner@example.com", Role::Owner, &home).await;

    let created = admin(
        &app,
        &owner,
        Method::POST,
        "/api/admin/workspaces",
        Some(json!({"name": "  Second  "})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let second = created.json();
    assert_eq!(second["name"], "Second");
    assert_eq!(second["role"], "owner");
    assert_eq!(second["timezone"], "UTC");
    assert_eq!(second["widgetSessionLifetimeMs"], 86_400_000);
    let id = second["id"].as_str().unwrap().to_owned();
    let duplicate = admin(
        &app,
        &owner,
        Method::POST,
        "/api/admin/workspaces",
        Some(json!({"name": "SECOND"})),
    )
    .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.text);

    let listed = admin(&app, &owner, Method::GET, "/api/admin/workspaces", None).await;
    let names: Vec<_> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].clone())
        .collect();
    assert_eq!(names, [json!("Second"), json!("Workspace home")]);

    let path = format!("/api/admin/workspaces/{id}");
    let patched = admin(
        &app,
        &owner,
        Method::PATCH,
        &path,
        Some(
            json!({"allowedOrigins": ["https://*.example.com"], "timezone": "Europe/Lisbon",
                    "widgetSessionLifetimeMs": 7_200_000}),
        ),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json()["timezone"], "Europe/Lisbon");
    let read = admin(&app, &owner, Method::GET, &path, None).await;
    assert_eq!(
        read.json()["allowedOrigins"],
        json!(["https://*.example.com"])
    );
    assert_eq!(read.json()["widgetSessionLifetimeMs"], 7_200_000);

    let invalid = admin(
        &app,
        &owner,
        Method::PATCH,
        &path,
        Some(
            json!({"timezone": "Mars/Olympus", "widgetSessionLifetimeMs": 10,
                    "allowedOrigins": ["not an origin"], "name": ""}),
        ),
    )
    .await;
    assert_eq!(invalid.status, 400, "{}", invalid.text);
    let fields: Vec<_> = invalid.json()["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "allowedOrigins",
            "timezone",
            "widgetSessionLifetimeMs"
        ]
    );
    // Nothing of the invalid change was written.
    let unchanged = admin(&app, &owner, Method::GET, &path, None).await;
    assert_eq!(unchanged.json()["timezone"], "Europe/Lisbon");

    // Roles and outsiders.
    let viewer = app.signed_in("viewer@example.com", Role::Viewer, &id).await;
    let refused = admin(
        &app,
        &viewer,
        Method::PATCH,
        &path,
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(
        admin(&app, &viewer, Method::GET, &path, None).await.status,
        200
    );
    let other = app.workspace("other").await;
    let stranger = app
        .signed_in("stranger@example.com", Role::Owner, &other)
        .await;
    for method in [Method::GET, Method::PATCH] {
        let body = (method == Method::PATCH).then(|| json!({"name": "Mine"}));
        let response = admin(&app, &stranger, method.clone(), &path, body).await;
        assert_eq!(response.status, 404, "{method}: {}", response.text);
    }
}

#[tokio::test]
async fn an_existing_user_joins_another_workspace_and_keeps_their_password() {
    let app = TestApp::new().await;
    let first = app.workspace("first").await;
    let second = app.workspace("second").await;
    app.signed_in("member@example.com", Role::Agent, &first)
        .await;
    let owner = app
        .signed_in("owner@example.com", Role::Owner, &second)
        .await;
    let added = admin(
        &app,
        &owner,
        Method::POST,
        "/api/admin/users",
        Some(
            json!({"email": "Member@Example.com", "role": "viewer", "workspaceId": second,
                    "password": "an attempt to set their password"}),
        ),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text);
    // Only this workspace's membership is shown to its owner.
    assert_eq!(
        added.json()["memberships"],
        json!([{"workspaceId": "second", "workspaceName": "Workspace second", "role": "viewer"}])
    );
    let again = admin(
        &app,
        &owner,
        Method::POST,
        "/api/admin/users",
        Some(json!({"email": "member@example.com", "role": "agent", "workspaceId": second})),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.text);

    let login = app
        .post_json(
            "/api/admin/login",
            SAME_ORIGIN,
            json!({"email": "member@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        login.status, 200,
        "the password is unchanged: {}",
        login.text
    );
    let roles: Vec<_> = login.json()["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["workspaceId"].clone(), m["role"].clone()))
        .collect();
    assert_eq!(
        roles,
        [
            (json!("first"), json!("agent")),
            (json!("second"), json!("viewer"))
        ]
    );
}

#[tokio::test]
async fn the_workspace_sets_the_widget_session_lifetime() {
    let app = TestApp::new().await;
    let cookie = widget_app(&app, "shop", "owner@shop.example").await;
    let workspace_id = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let patched = admin(
        &app,
        &cookie,
        Method::PATCH,
        &format!("/api/admin/workspaces/{workspace_id}"),
        Some(json!({"widgetSessionLifetimeMs": 7_200_000})),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let before = domain::now_ms();
    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    let expires_at = booted.json()["expiresAt"].as_i64().unwrap();
    assert!((before + 7_200_000..=domain::now_ms() + 7_200_000).contains(&expires_at));
}

#[tokio::test]
async fn discovery_names_the_api_the_widget_and_the_features() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::GET,
            "/.well-known/switchboard.json",
            &[("host", "desk.example.com"), ("x-forwarded-proto", "https")],
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let doc = response.json();
    assert_eq!(doc["version"], domain::VERSION);
    assert_eq!(doc["apiBaseUrl"], "https://desk.example.com/api");
    assert_eq!(doc["widgetScriptUrl"], "https://desk.example.com/widget.js");
    assert_eq!(doc["features"]["widget"], true);
    // No LiveKit in these tests: voice is off.
    assert_eq!(doc["features"]["voice"], false);
}
