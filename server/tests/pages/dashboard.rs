//! The dashboard pages, rendered on the server for members of each role, and their server
//! functions posted as forms without JavaScript.

use axum::body::Body;
use axum::http::Method;
use domain::Actor;
use model::users::Role;
use serde_json::json;

use crate::form_post;
use crate::helpers::{Tenant, TestApp, TestResponse};

/// An app and a member of its workspace with `role`, signed in: the app and the cookie.
async fn member_of_app(app: &TestApp, slug: &str, email: &str, role: Role) -> (Tenant, String) {
    let tenant = app.tenant(slug).await;
    let workspace = app
        .services
        .app_by_slug(&Actor::operator(), slug)
        .await
        .unwrap()
        .workspace_id;
    let cookie = app.signed_in(email, role, &workspace).await;
    (tenant, cookie)
}

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> TestResponse {
    let mut headers = vec![("accept", "text/html")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    app.send(Method::GET, path, &headers, Body::empty()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_leads_to_sign_in_or_to_the_first_apps_overview() {
    let app = TestApp::new().await;
    let signed_out = page(&app, "/", None).await;
    assert_eq!(signed_out.status, 302);
    assert_eq!(signed_out.header("location"), Some("/login"));

    let (_, cookie) = member_of_app(&app, "shop", "viewer@example.com", Role::Viewer).await;
    let home = page(&app, "/", Some(&cookie)).await;
    assert_eq!(home.status, 302, "{}", home.text);
    assert_eq!(home.header("location"), Some("/apps/shop/overview"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_draws_the_apps_analytics_as_svg() {
    let app = TestApp::new().await;
    let (shop, cookie) = member_of_app(&app, "shop", "viewer@example.com", Role::Viewer).await;
    for body in [
        json!({"sessionId": "s1", "status": "resolved", "channel": "voice"}),
        json!({"sessionId": "s2", "channel": "voice"}),
    ] {
        let saved = app.post_as(&shop, "/api/conversations", body).await;
        assert_eq!(saved.status, 200, "{}", saved.text);
    }
    let rated = app
        .post_as(&shop, "/api/csat", json!({"sessionId": "s1", "rating": 4}))
        .await;
    assert_eq!(rated.status, 200, "{}", rated.text);

    let overview = page(&app, "/apps/shop/overview?days=7", Some(&cookie)).await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    let html = &overview.text;
    assert!(html.contains("<h1>Overview</h1>"), "{html}");
    for chart in ["chart-conversations", "chart-rates", "chart-csat"] {
        assert!(html.contains(&format!("id=\"{chart}\"")), "{chart}");
    }
    // Two conversations, one resolved, one rating of 4, in the 7-day range.
    assert!(html.contains("50%"), "{html}");
    assert!(html.contains("4.00 / 5"), "{html}");
    assert!(html.contains("1 ratings"), "{html}");
    assert!(html.contains("aria-current=\"page\">7 days"), "{html}");
    // The sidebar shows the app and the sections a viewer may open, and no more.
    assert!(html.contains("id=\"current-app\""), "{html}");
    assert!(html.contains("href=\"/apps/shop/conversations\""));
    assert!(html.contains("viewer · App shop"), "{html}");

    let bad_range = page(&app, "/apps/shop/overview?days=3", Some(&cookie)).await;
    assert_eq!(bad_range.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboards_refuse_strangers_and_the_signed_out() {
    let app = TestApp::new().await;
    app.tenant("shop").await;
    let other_workspace = app.workspace("w2").await;
    let stranger = app
        .signed_in("stranger@example.com", Role::Owner, &other_workspace)
        .await;

    let signed_out = page(&app, "/apps/shop/conversations", None).await;
    assert_eq!(signed_out.status, 401);
    assert!(signed_out.text.contains("Sign in to see this page"));
    assert!(
        signed_out
            .text
            .contains("/login?next=/apps/shop/conversations")
    );

    for path in [
        "/apps/shop/overview",
        "/apps/shop/conversations",
        "/apps/shop/handoffs",
    ] {
        let refused = page(&app, path, Some(&stranger)).await;
        assert_eq!(refused.status, 404, "{path}: {}", refused.text);
        assert!(!refused.text.contains("App shop"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_are_listed_filtered_and_shown_with_their_transcript() {
    let app = TestApp::new().await;
    let (shop, cookie) = member_of_app(&app, "shop", "viewer@example.com", Role::Viewer).await;
    app.post_as(
        &shop,
        "/api/conversations",
        json!({"sessionId": "call-1", "channel": "voice"}),
    )
    .await;
    app.post_as(
        &shop,
        "/api/conversations",
        json!({"sessionId": "call-2", "channel": "web", "status": "resolved"}),
    )
    .await;
    let stored = app
        .post_as(
            &shop,
            "/api/messages",
            json!({"messages": [
                {"sessionId": "call-1", "participantIdentity": "user-1", "role": "user",
                 "content": "Where is my parcel?", "isFinal": true, "createdAt": 1_700_000_000_000_i64},
                {"sessionId": "call-1", "participantIdentity": "agent", "role": "agent",
                 "content": "It left the depot this morning.", "isFinal": true, "createdAt": 1_700_000_001_000_i64}
            ]}),
        )
        .await;
    assert_eq!(stored.status, 200, "{}", stored.text);

    let list = page(&app, "/apps/shop/conversations", Some(&cookie)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(
        list.text
            .contains("href=\"/apps/shop/conversations/call-1\"")
    );
    assert!(list.text.contains("call-2"));

    let voice = page(
        &app,
        "/apps/shop/conversations?channel=voice",
        Some(&cookie),
    )
    .await;
    assert!(voice.text.contains("call-1"));
    assert!(!voice.text.contains("call-2"), "{}", voice.text);
    let resolved = page(
        &app,
        "/apps/shop/conversations?status=resolved",
        Some(&cookie),
    )
    .await;
    assert!(resolved.text.contains("call-2"));
    assert!(!resolved.text.contains("call-1"));
    let bad_date = page(
        &app,
        "/apps/shop/conversations?from=2024-02-30",
        Some(&cookie),
    )
    .await;
    assert_eq!(bad_date.status, 400);

    let detail = page(&app, "/apps/shop/conversations/call-1", Some(&cookie)).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(detail.text.contains("Where is my parcel?"));
    assert!(detail.text.contains("It left the depot this morning."));
    assert!(
        detail.text.contains("2023-11-14 22:13 UTC"),
        "{}",
        detail.text
    );
    let missing = page(&app, "/apps/shop/conversations/nope", Some(&cookie)).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_claim_and_resolve_handoffs_and_viewers_cannot() {
    let app = TestApp::new().await;
    let (shop, agent) = member_of_app(&app, "shop", "agent@example.com", Role::Agent).await;
    let workspace = app
        .services
        .app_by_slug(&Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let viewer = app
        .signed_in("viewer@example.com", Role::Viewer, &workspace)
        .await;
    let created = app
        .post_as(
            &shop,
            "/api/handoffs",
            json!({"sessionId": "call-9", "reason": "billing dispute", "priority": "urgent",
                   "transcript": [{"role": "user", "content": "A person, please", "ts": 1_700_000_000_000_i64}],
                   "aiSummary": "Wants a refund for order 77."}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let queue = page(&app, "/apps/shop/handoffs", Some(&agent)).await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert!(queue.text.contains("billing dispute"));
    assert!(queue.text.contains("Wants a refund for order 77."));
    assert!(queue.text.contains(">Claim</button>"));
    let as_viewer = page(&app, "/apps/shop/handoffs", Some(&viewer)).await;
    assert!(as_viewer.text.contains("billing dispute"));
    assert!(
        !as_viewer.text.contains(">Claim</button>"),
        "viewers only read"
    );

    let form = format!("slug=shop&handoff_id={id}");
    let refused = form_post(&app, "/sfn/claim-handoff", &form, Some(&viewer)).await;
    assert_eq!(refused.status, 403, "{}", refused.text);

    let claimed = form_post(&app, "/sfn/claim-handoff", &form, Some(&agent)).await;
    // A form post without JavaScript is answered with a redirect back to the page.
    assert!(claimed.status.is_redirection(), "{}", claimed.text);
    let handoffs = app
        .get_as(&shop, "/api/handoffs?status=claimed")
        .await
        .json();
    assert_eq!(
        handoffs["handoffs"][0]["assignedAgent"],
        "agent@example.com"
    );

    let resolve = format!("slug=shop&handoff_id={id}&quality=good&feedback=Refunded");
    let resolved = form_post(&app, "/sfn/resolve-handoff", &resolve, Some(&agent)).await;
    assert!(resolved.status.is_redirection(), "{}", resolved.text);
    let handoffs = app
        .get_as(&shop, "/api/handoffs?status=resolved")
        .await
        .json();
    assert_eq!(handoffs["handoffs"][0]["resolutionQuality"], "good");
    assert_eq!(handoffs["handoffs"][0]["agentFeedback"], "Refunded");
    let conversation = app.get_as(&shop, "/api/conversations/call-9").await.json();
    assert_eq!(conversation["conversation"]["status"], "resolved");

    let again = form_post(&app, "/sfn/claim-handoff", &form, Some(&agent)).await;
    assert_eq!(again.status, 409, "a resolved handoff cannot be claimed");
}
