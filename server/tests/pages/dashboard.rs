//! The dashboard pages, rendered on the server for members of each role, and their server
//! functions posted as forms without JavaScript.

use axum::body::Body;
use axum::http::Method;
use domain::Actor;
use model::platform::users::Role;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, TestResponse};
use crate::{form_post, refusal};

/// An app and a member of its workspace with `role`, signed in: the app and the cookie.
async fn member_of_app(app: &TestApp, slug: &str, email: &str, role: Role) -> (Tenant, String) {
    let tenant = app.tenant(slug).await;
    let cookie = another_member(app, slug, email, role).await;
    (tenant, cookie)
}

/// A member of the workspace of the existing app `slug`, signed in: the cookie.
async fn another_member(app: &TestApp, slug: &str, email: &str, role: Role) -> String {
    let workspace = workspace_of(app, slug).await;
    app.signed_in(email, role, &workspace).await
}

/// The id of the workspace the existing app `slug` belongs to.
async fn workspace_of(app: &TestApp, slug: &str) -> String {
    app.services
        .platform()
        .app_by_slug(&Actor::operator(), slug)
        .await
        .unwrap()
        .workspace_id
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
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;
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
    assert_eq!(refusal(&refused)["code"], "PERMISSION_DENIED");

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
    assert_eq!(
        refusal(&again)["code"],
        "INVALID_TRANSITION",
        "a resolved handoff cannot be claimed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_edit_the_persona_and_viewers_are_refused_the_page() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;

    let editor = page(&app, "/apps/shop/persona", Some(&admin)).await;
    assert_eq!(editor.status, 200, "{}", editor.text);
    assert!(editor.text.contains("id=\"persona-form\""));
    assert!(editor.text.contains("You are a helpful assistant."));

    let form = [
        ("system_prompt", "You+help+hikers."),
        ("voice", "nova"),
        ("persona_name", "Aria"),
        ("persona_greeting", "Hi%21"),
        ("persona_tone", "warm"),
        ("preferred_terms", "guest%2C+trail"),
        ("blocked_terms", "cheap"),
        ("ui_strings", "%7B%22title%22%3A%22Talk+to+us%22%7D"),
    ]
    .iter()
    .fold("slug=shop".to_owned(), |form, (field, value)| {
        format!("{form}&persona%5B{field}%5D={value}")
    });
    let form = form.as_str();
    let saved = form_post(&app, "/sfn/save-persona", form, Some(&admin)).await;
    assert!(saved.status.is_redirection(), "{}", saved.text);
    let persona = app.get_as(&shop, "/api/persona").await.json();
    assert_eq!(persona["personaName"], "Aria");
    assert_eq!(persona["voice"], "nova");
    assert_eq!(persona["preferredTerms"], "guest, trail");
    assert_eq!(persona["uiStrings"]["title"], "Talk to us");
    let editor = page(&app, "/apps/shop/persona", Some(&admin)).await;
    assert!(
        editor.text.contains("Your name is Aria."),
        "{}",
        editor.text
    );

    let bad_json = form.replace("%7B%22title", "%5Bnot-an-object");
    let refused = form_post(&app, "/sfn/save-persona", &bad_json, Some(&admin)).await;
    assert_eq!(refusal(&refused)["code"], "INVALID_INPUT");

    let forbidden = page(&app, "/apps/shop/persona", Some(&viewer)).await;
    assert_eq!(forbidden.status, 403, "{}", forbidden.text);
    assert!(forbidden.text.contains("Your role does not open this page"));
    let overview = page(&app, "/apps/shop/overview", Some(&viewer)).await;
    assert!(
        !overview.text.contains("href=\"/apps/shop/persona\""),
        "viewers get no Persona link"
    );
    let as_viewer = form_post(&app, "/sfn/save-persona", form, Some(&viewer)).await;
    assert_eq!(refusal(&as_viewer)["code"], "PERMISSION_DENIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_sessions_of_every_api_are_listed_with_their_agent() {
    let livekit = ::fakes::FakeLivekit::new("devkey", "devsecret-devsecret-devsecret-00", None);
    let address = ::fakes::serve(livekit.router(), 0).await.unwrap();
    let app = TestApp::with_integrations(domain::Integrations {
        livekit: domain::LivekitSettings {
            url: Some(format!("http://{address}")),
            api_key: domain::Secret::new(Some("devkey".into())),
            api_secret: domain::Secret::new(Some("devsecret-devsecret-devsecret-00".into())),
            agent_name: "switchboard-agent".into(),
            ..domain::LivekitSettings::default()
        },
        ..crate::helpers::test_integrations()
    })
    .await;
    let (shop, cookie) = member_of_app(&app, "shop", "viewer@example.com", Role::Viewer).await;
    let started = app
        .post_as(
            &shop,
            "/session",
            json!({"userIdentity": "caller-7", "roomName": "support-room-7",
                   "agentConfig": {"llm": "openai/gpt-4o-mini", "prompt": "Be brief."}}),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.text);

    let list = page(&app, "/apps/shop/voice-sessions", Some(&cookie)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.text.contains("support-room-7"), "{}", list.text);
    assert!(list.text.contains("Session API"));
    let id = list
        .text
        .split("/apps/shop/voice-sessions/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();

    let detail = page(
        &app,
        &format!("/apps/shop/voice-sessions/{id}"),
        Some(&cookie),
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(
        detail.text.contains("openai/gpt-4o-mini"),
        "{}",
        detail.text
    );
    let filtered = page(
        &app,
        "/apps/shop/voice-sessions?origin=telephony",
        Some(&cookie),
    )
    .await;
    assert!(!filtered.text.contains("support-room-7"));
    let unknown = page(
        &app,
        "/apps/shop/voice-sessions?status=ringing-ish",
        Some(&cookie),
    )
    .await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experiments_are_started_reweighted_paused_and_ended_from_the_page() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;

    let empty = page(&app, "/apps/shop/experiments", Some(&admin)).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(empty.text.contains("No experiments yet"));

    let bad = form_post(
        &app,
        "/sfn/start-experiment",
        "slug=shop&name=greetings&description=&variants=formal+fifty",
        Some(&admin),
    )
    .await;
    let refused = refusal(&bad);
    assert_eq!(refused["code"], "INVALID_INPUT");
    assert!(
        refused["message"].as_str().unwrap().contains("Line 1"),
        "{refused}"
    );

    let started = form_post(
        &app,
        "/sfn/start-experiment",
        "slug=shop&name=greetings&description=Which+greeting&variants=formal+50%0Acasual+50+%7B%22greeting%22%3A%22Hey%21%22%7D",
        Some(&admin),
    )
    .await;
    assert!(started.status.is_redirection(), "{}", started.text);
    let list = app.get_as(&shop, "/api/experiments").await.json();
    let experiment = &list["experiments"][0];
    assert_eq!(experiment["variants"][1]["config"]["greeting"], "Hey!");
    let id = experiment["id"].as_str().unwrap().to_owned();

    let form = format!(
        "slug=shop&id={id}&name=greetings&description=Which+greeting&variants=formal+90%0Acasual+10"
    );
    let reweighted = form_post(&app, "/sfn/redefine-experiment", &form, Some(&admin)).await;
    assert!(reweighted.status.is_redirection(), "{}", reweighted.text);
    let paused = form_post(
        &app,
        "/sfn/experiment-status",
        &format!("slug=shop&id={id}&status=paused"),
        Some(&admin),
    )
    .await;
    assert!(paused.status.is_redirection(), "{}", paused.text);

    let shown = page(&app, "/apps/shop/experiments", Some(&admin)).await;
    assert!(shown.text.contains("greetings"));
    assert!(shown.text.contains(">paused<"), "{}", shown.text);
    assert!(shown.text.contains(">90%<"), "{}", shown.text);
    assert!(
        shown
            .text
            .contains("Not enough data for a significance test")
    );
    assert!(shown.text.contains(">Resume</button>"));

    let agent = another_member(&app, "shop", "agent@example.com", Role::Agent).await;
    let refused = page(&app, "/apps/shop/experiments", Some(&agent)).await;
    assert_eq!(refused.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardrail_rules_are_managed_tested_and_their_violations_judged() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;

    let added = form_post(
        &app,
        "/sfn/save-rule",
        "slug=shop&rule_id=&kind=pii_filter&pattern=credit_card&action=block&user_message=No+card+numbers%2C+please&active=on",
        Some(&admin),
    )
    .await;
    assert!(added.status.is_redirection(), "{}", added.text);
    let broken = form_post(
        &app,
        "/sfn/save-rule",
        "slug=shop&rule_id=&kind=pii_filter&pattern=%28unclosed&action=warn&user_message=&active=on",
        Some(&admin),
    )
    .await;
    assert_eq!(
        refusal(&broken)["code"],
        "INVALID_INPUT",
        "a pattern that does not compile is refused"
    );

    // The test box answers without recording, even while checks are off for the app.
    let tried = form_post(
        &app,
        "/sfn/try-guardrails",
        "slug=shop&content=My+card+is+4111+1111+1111+1111",
        Some(&admin),
    )
    .await;
    assert!(
        tried.status.is_redirection() || tried.status == 200,
        "{}",
        tried.text
    );
    let none = app.get_as(&shop, "/api/guardrails/violations").await.json();
    assert_eq!(none["violations"].as_array().unwrap().len(), 0);

    let rules = app.get_as(&shop, "/api/guardrails/rules").await.json();
    let rule_id = rules["rules"][0]["id"].as_str().unwrap().to_owned();
    let switched_off = form_post(
        &app,
        "/sfn/save-rule",
        &format!("slug=shop&rule_id={rule_id}&kind=pii_filter&pattern=credit_card&action=warn&user_message="),
        Some(&admin),
    )
    .await;
    assert!(
        switched_off.status.is_redirection(),
        "{}",
        switched_off.text
    );
    let rules = app.get_as(&shop, "/api/guardrails/rules").await.json();
    assert_eq!(rules["rules"][0]["isActive"], false);
    assert_eq!(rules["rules"][0]["action"], "warn");
    assert_eq!(rules["rules"][0]["userMessage"], Value::Null);

    let page_html = page(&app, "/apps/shop/guardrails", Some(&admin)).await;
    assert_eq!(page_html.status, 200, "{}", page_html.text);
    assert!(page_html.text.contains("Checks are off for this app"));
    assert!(page_html.text.contains("credit_card"));

    let deleted = form_post(
        &app,
        "/sfn/delete-rule",
        &format!("slug=shop&rule_id={rule_id}"),
        Some(&admin),
    )
    .await;
    assert!(deleted.status.is_redirection(), "{}", deleted.text);
    let rules = app.get_as(&shop, "/api/guardrails/rules").await.json();
    assert_eq!(rules["rules"].as_array().unwrap().len(), 0);

    // With checks on, a message breaking a rule is recorded, and judged from the page.
    let settings = model::platform::apps::AppPatch {
        guardrails_enabled: Some(true),
        ..Default::default()
    };
    app.services
        .platform()
        .update_app(&Actor::operator(), "shop", settings)
        .await
        .unwrap();
    app.post_as(
        &shop,
        "/api/guardrails/rules",
        json!({"type": "blocked_topic", "pattern": "crypto", "action": "block"}),
    )
    .await;
    let checked = app
        .post_as(
            &shop,
            "/api/guardrails/check",
            json!({"sessionId": "call-3", "content": "Tell me about crypto", "direction": "input"}),
        )
        .await;
    assert_eq!(checked.json()["allowed"], false, "{}", checked.text);
    let listed = page(&app, "/apps/shop/guardrails", Some(&admin)).await;
    assert!(listed.text.contains("Checks are on for this app"));
    assert!(listed.text.contains("Tell me about crypto"));
    let violations = app.get_as(&shop, "/api/guardrails/violations").await.json();
    let violation_id = violations["violations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let judged = form_post(
        &app,
        "/sfn/judge-violation",
        &format!("slug=shop&violation_id={violation_id}&correctness=false_positive"),
        Some(&admin),
    )
    .await;
    assert!(judged.status.is_redirection(), "{}", judged.text);
    let violations = app.get_as(&shop, "/api/guardrails/violations").await.json();
    assert_eq!(
        violations["violations"][0]["annotatedCorrectness"],
        "false_positive"
    );
    assert_eq!(
        violations["violations"][0]["annotatedBy"],
        "admin@example.com"
    );

    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;
    assert_eq!(
        page(&app, "/apps/shop/guardrails", Some(&viewer))
            .await
            .status,
        403
    );
}

/// A multipart upload of `file` as the knowledge page's form sends it.
fn upload_form(file_name: &str, content: &str, category: &str) -> (String, String) {
    let boundary = "----switchboard-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/markdown\r\n\r\n{content}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n{category}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn knowledge_is_added_uploaded_tested_and_its_gaps_resolved() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;

    let added = form_post(
        &app,
        "/sfn/add-document",
        "slug=shop&title=Returns&category=policy&format=markdown\
         &content=%23+Returns%0AUnworn+shoes+can+be+returned+within+30+days+for+a+full+refund.",
        Some(&admin),
    )
    .await;
    assert!(added.status.is_redirection(), "{}", added.text);
    let refused = form_post(
        &app,
        "/sfn/add-document",
        "slug=shop&title=Nope&category=policy&format=text&content=No",
        Some(&viewer),
    )
    .await;
    assert_eq!(refusal(&refused)["code"], "PERMISSION_DENIED");

    // The upload form: a browser is sent back to the page, an API client gets JSON.
    let (content_type, body) = upload_form(
        "shipping.md",
        "# Shipping\nParcels ship within two working days.",
        "faq",
    );
    let mut headers = crate::helpers::SAME_ORIGIN.to_vec();
    headers.extend([
        ("cookie", admin.as_str()),
        ("content-type", content_type.as_str()),
        ("accept", "text/html"),
    ]);
    let uploaded = app
        .send(
            Method::POST,
            "/api/admin/apps/shop/knowledge/upload",
            &headers,
            Body::from(body.clone()),
        )
        .await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.text);
    assert!(
        uploaded
            .header("location")
            .unwrap()
            .starts_with("/apps/shop/knowledge?uploaded=")
    );
    let (_, empty) = upload_form("empty.md", "", "faq");
    let failed = app
        .send(
            Method::POST,
            "/api/admin/apps/shop/knowledge/upload",
            &headers,
            Body::from(empty),
        )
        .await;
    assert_eq!(failed.status, 303);
    assert!(failed.header("location").unwrap().contains("upload_error="));
    headers.retain(|(name, _)| *name != "accept");
    let as_json = app
        .send(
            Method::POST,
            "/api/admin/apps/shop/knowledge/upload",
            &headers,
            Body::from(body),
        )
        .await;
    assert_eq!(as_json.status, 200, "{}", as_json.text);
    assert_eq!(as_json.json()["created"], false, "the same title replaces");

    let listed = page(&app, "/apps/shop/knowledge", Some(&viewer)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert!(listed.text.contains("Returns") && listed.text.contains("Shipping"));
    assert!(listed.text.contains(">ready<"), "{}", listed.text);

    // The tester answers, and leaves no search or gap behind.
    let tested = app
        .send(
            Method::POST,
            "/sfn/test-search",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", viewer.as_str()),
                ("host", "localhost"),
                ("origin", "http://localhost"),
            ],
            Body::from("slug=shop&query=Can+I+return+my+shoes%3F&mode=hybrid&top_k=3"),
        )
        .await;
    assert_eq!(tested.status, 200, "{}", tested.text);
    assert_eq!(tested.json()["results"][0]["title"], "Returns");
    let metrics = app.get_as(&shop, "/api/knowledge/metrics").await.json();
    assert_eq!(metrics["totalSearches"], 0);

    // A real search that finds nothing records a gap; the page resolves it with a document.
    app.post_as(
        &shop,
        "/api/knowledge/search",
        json!({"query": "Do you sell gift cards?", "mode": "text"}),
    )
    .await;
    let gaps = app.get_as(&shop, "/api/knowledge/gaps").await.json();
    let gap_id = gaps["gaps"][0]["id"].as_str().unwrap().to_owned();
    let shown = page(&app, "/apps/shop/knowledge", Some(&admin)).await;
    assert!(shown.text.contains("Do you sell gift cards?"));
    let documents = app.get_as(&shop, "/api/knowledge/documents").await.json();
    let document_id = documents["documents"][0]["id"].as_str().unwrap().to_owned();
    let resolved = form_post(
        &app,
        "/sfn/change-gap",
        &format!("slug=shop&id={gap_id}&to=resolved&document_id={document_id}"),
        Some(&admin),
    )
    .await;
    assert!(resolved.status.is_redirection(), "{}", resolved.text);
    let gaps = app
        .get_as(&shop, "/api/knowledge/gaps?status=resolved")
        .await
        .json();
    assert_eq!(gaps["gaps"][0]["resolvedBy"], "admin@example.com");
    assert_eq!(gaps["gaps"][0]["documentId"], document_id.as_str());

    let document = page(
        &app,
        &format!("/apps/shop/knowledge/{document_id}"),
        Some(&viewer),
    )
    .await;
    assert_eq!(document.status, 200, "{}", document.text);
    assert!(document.text.contains("id=\"passages\""));
}

/// The tool editor's form: `tool[field]=value` pairs after the slug.
fn tool_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .fold("slug=shop".to_owned(), |form, (field, value)| {
            format!("{form}&tool%5B{field}%5D={value}")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_registered_edited_switched_off_and_their_calls_logged() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;
    let schema = "%7B%22type%22%3A%22object%22%2C%22properties%22%3A%7B%22orderId%22%3A%7B%22type%22%3A%22string%22%7D%7D%2C%22required%22%3A%5B%22orderId%22%5D%7D";
    let register = |schema: &'static str| {
        tool_form(&[
            ("editing", ""),
            ("name", "lookup_order"),
            ("description", "Looks+up+an+order"),
            ("endpoint", "http%3A%2F%2F127.0.0.1%3A9%2Forders"),
            ("http_method", "POST"),
            ("timeout_ms", "5000"),
            ("parameters_schema", schema),
            ("headers", "X-Api-Key%3A+secret-value"),
            ("requires_confirmation", "on"),
        ])
    };
    let bad = form_post(
        &app,
        "/sfn/save-tool",
        &register("%7B%22type%22%3A1%7D"),
        Some(&admin),
    )
    .await;
    assert_eq!(
        refusal(&bad)["code"],
        "INVALID_INPUT",
        "a schema that does not compile"
    );
    let saved = form_post(&app, "/sfn/save-tool", &register(schema), Some(&admin)).await;
    assert!(saved.status.is_redirection(), "{}", saved.text);

    let edit = tool_form(&[
        ("editing", "lookup_order"),
        ("name", "lookup_order"),
        ("description", "Finds+an+order"),
        ("endpoint", "http%3A%2F%2F127.0.0.1%3A9%2Forders"),
        ("http_method", "GET"),
        ("timeout_ms", "8000"),
        ("parameters_schema", schema),
        ("headers", ""),
    ]);
    let edited = form_post(&app, "/sfn/save-tool", &edit, Some(&admin)).await;
    assert!(edited.status.is_redirection(), "{}", edited.text);
    let tools = app.get_as(&shop, "/api/tools/all").await.json();
    assert_eq!(tools["tools"][0]["httpMethod"], "GET");
    assert_eq!(
        tools["tools"][0]["headerNames"],
        json!(["X-Api-Key"]),
        "an empty headers field keeps the stored ones"
    );
    let listed = page(&app, "/apps/shop/tools", Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert!(listed.text.contains("Finds an order"), "{}", listed.text);
    assert!(listed.text.contains("GET http://127.0.0.1:9/orders"));
    assert!(listed.text.contains("X-Api-Key"), "header names are shown");
    assert!(
        !listed.text.contains("secret-value"),
        "header values never are"
    );

    // A call with invalid parameters is refused before any request, and logged.
    let call = app
        .post_as(
            &shop,
            "/api/tools/execute",
            json!({"sessionId": "call-5", "toolName": "lookup_order", "parameters": {}}),
        )
        .await;
    assert_eq!(call.json()["success"], false, "{}", call.text);
    let log = page(
        &app,
        "/apps/shop/tools?status=validation_error",
        Some(&admin),
    )
    .await;
    assert!(log.text.contains("invalid parameters"), "{}", log.text);
    assert!(log.text.contains("call-5"));

    let off = form_post(
        &app,
        "/sfn/tool-active",
        "slug=shop&name=lookup_order&active=false",
        Some(&admin),
    )
    .await;
    assert!(off.status.is_redirection(), "{}", off.text);
    let public = app.get_as(&shop, "/api/tools").await.json();
    assert!(!public.to_string().contains("lookup_order"), "{public}");
    let deleted = form_post(
        &app,
        "/sfn/delete-tool",
        "slug=shop&name=lookup_order",
        Some(&admin),
    )
    .await;
    assert!(deleted.status.is_redirection(), "{}", deleted.text);
    let gone = page(&app, "/apps/shop/tools", Some(&admin)).await;
    assert!(gone.text.contains("No tools yet"));

    let agent = another_member(&app, "shop", "agent@example.com", Role::Agent).await;
    assert_eq!(
        page(&app, "/apps/shop/tools", Some(&agent)).await.status,
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_shows_the_workspaces_changes_to_those_allowed() {
    let app = TestApp::new().await;
    let (_, owner) = member_of_app(&app, "shop", "owner@example.com", Role::Owner).await;
    app.services
        .platform()
        .rotate_app_secret(&Actor::operator(), "shop")
        .await
        .unwrap();
    let log = page(&app, "/apps/shop/audit", Some(&owner)).await;
    assert_eq!(log.status, 200, "{}", log.text);
    assert!(log.text.contains("app.secret.rotated"), "{}", log.text);
    assert!(log.text.contains("auth.login"));
    assert!(log.text.contains("keeps its audit log for 90 days"));

    let workspace = workspace_of(&app, "shop").await;
    let changed = form_post(
        &app,
        "/sfn/audit-retention",
        &format!("workspace_id={workspace}&days=365"),
        Some(&owner),
    )
    .await;
    assert!(changed.status.is_redirection(), "{}", changed.text);
    let log = page(&app, "/apps/shop/audit", Some(&owner)).await;
    assert!(log.text.contains("keeps its audit log for 365 days"));
    assert!(log.text.contains("workspace.audit_retention.changed"));

    let agent = another_member(&app, "shop", "agent@example.com", Role::Agent).await;
    assert_eq!(
        page(&app, "/apps/shop/audit", Some(&agent)).await.status,
        403
    );
    let refused = form_post(
        &app,
        "/sfn/audit-retention",
        &format!("workspace_id={workspace}&days=30"),
        Some(&agent),
    )
    .await;
    assert_eq!(refusal(&refused)["code"], "PERMISSION_DENIED");
}

/// A same-origin server function call as the hydrated page makes it: JSON comes back.
async fn call(app: &TestApp, path: &str, form: &str, cookie: &str) -> TestResponse {
    let mut headers = crate::helpers::SAME_ORIGIN.to_vec();
    headers.extend([
        ("content-type", "application/x-www-form-urlencoded"),
        ("cookie", cookie),
    ]);
    app.send(Method::POST, path, &headers, Body::from(form.to_owned()))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_are_created_configured_and_their_secrets_shown_once() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;

    let settings = page(&app, "/apps/shop/settings", Some(&admin)).await;
    assert_eq!(settings.status, 200, "{}", settings.text);
    assert!(settings.text.contains("id=\"app-settings\""));
    assert!(
        !settings.text.contains(&shop.secret),
        "secrets are never rendered"
    );

    let form = |temperature: &str| {
        [
            ("name", "Shop+Desk"),
            ("model_id", "gemini-2.5-flash"),
            ("temperature", temperature),
            ("max_actions_per_turn", "5"),
            ("knowledge_threshold", "0.45"),
            ("handoff_webhook_url", ""),
            ("handoff_expiration_seconds", "600"),
            ("token_expire_minutes", ""),
            ("guardrails_enabled", "on"),
        ]
        .iter()
        .fold("slug=shop".to_owned(), |form, (field, value)| {
            format!("{form}&app%5B{field}%5D={value}")
        })
    };
    let bad = call(&app, "/sfn/save-app", &form("hot"), &admin).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let saved = call(&app, "/sfn/save-app", &form("0.7"), &admin).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let stored = app
        .services
        .platform()
        .app_by_slug(&Actor::operator(), "shop")
        .await
        .unwrap();
    assert_eq!(stored.name, "Shop Desk");
    assert!(stored.settings.guardrails_enabled && !stored.settings.reply_as_audio);
    assert_eq!(stored.settings.temperature, Some(0.7));
    assert_eq!(stored.settings.max_actions_per_turn, Some(5));
    assert_eq!(stored.settings.knowledge_threshold, Some(0.45));
    assert_eq!(stored.settings.handoff_expiration_seconds, Some(600));

    let rotated = call(&app, "/sfn/rotate-app-secret", "slug=shop", &admin).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let secret = rotated.json()["appSecret"].as_str().unwrap().to_owned();
    assert!(
        app.services
            .platform()
            .authenticate_app_secret("shop", &secret)
            .await
            .is_ok()
    );
    assert!(
        app.services
            .platform()
            .authenticate_app_secret("shop", &shop.secret)
            .await
            .is_err()
    );

    let created = call(
        &app,
        "/sfn/add-app",
        "slug=shop&new_slug=desk-two&name=Desk+two",
        &admin,
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let desk_secret = created.json()["appSecret"].as_str().unwrap().to_owned();
    assert!(
        app.services
            .platform()
            .authenticate_app_secret("desk-two", &desk_secret)
            .await
            .is_ok()
    );
    let listed = page(&app, "/apps/shop/settings", Some(&admin)).await;
    assert!(listed.text.contains("desk-two"));
    assert!(!listed.text.contains(&desk_secret));

    let off = call(
        &app,
        "/sfn/app-active",
        "slug=desk-two&active=false",
        &admin,
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert!(
        app.services
            .platform()
            .authenticate_app_secret("desk-two", &desk_secret)
            .await
            .is_err()
    );

    let agent = another_member(&app, "shop", "agent@example.com", Role::Agent).await;
    assert_eq!(
        page(&app, "/apps/shop/settings", Some(&agent)).await.status,
        200
    );
    let refused = call(&app, "/sfn/save-app", &form("0.7"), &agent).await;
    assert_eq!(refused.status, 403);
    let refused = call(&app, "/sfn/rotate-app-secret", "slug=shop", &agent).await;
    assert_eq!(refused.status, 403);

    // The signing secret: not in the page, shown on request, rotated; agents get neither.
    let settings = page(&app, "/apps/shop/settings", Some(&admin)).await;
    assert!(
        settings.text.contains("No webhook sent yet."),
        "{}",
        settings.text
    );
    assert!(!settings.text.contains("sbw_"));
    let shown = call(&app, "/sfn/signing-secret", "slug=shop", &admin).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    let secret = shown.json().as_str().unwrap().to_owned();
    assert!(secret.starts_with("sbw_"), "{secret}");
    let rotated = call(&app, "/sfn/rotate-signing-secret", "slug=shop", &admin).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_ne!(rotated.json().as_str().unwrap(), secret);
    let refused = call(&app, "/sfn/signing-secret", "slug=shop", &agent).await;
    assert_eq!(refused.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_refuse_requests_from_any_other_origin() {
    let app = TestApp::new().await;
    let (_shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;
    let secret = call(&app, "/sfn/signing-secret", "slug=shop", &admin)
        .await
        .json()
        .as_str()
        .unwrap()
        .to_owned();
    let rotate = async |origin: Vec<(&'static str, &'static str)>| {
        let mut headers = vec![
            ("host", "localhost"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", admin.as_str()),
        ];
        headers.extend(origin);
        app.send(
            Method::POST,
            "/sfn/rotate-signing-secret",
            &headers,
            Body::from("slug=shop"),
        )
        .await
    };
    for (case, origin) in [
        ("no Origin nor Referer", vec![]),
        (
            "the same host over https",
            vec![("origin", "https://localhost")],
        ),
        ("another port", vec![("origin", "http://localhost:8080")]),
        ("another site", vec![("origin", "http://evil.example")]),
        (
            "a Referer from another scheme",
            vec![("referer", "https://localhost/apps/shop/settings")],
        ),
    ] {
        let refused = rotate(origin).await;
        assert_eq!(refused.status, 403, "{case}: {}", refused.text);
        assert_eq!(refused.json()["code"], "PERMISSION_DENIED", "{case}");
    }
    let unchanged = call(&app, "/sfn/signing-secret", "slug=shop", &admin).await;
    assert_eq!(unchanged.json().as_str(), Some(secret.as_str()));

    let referer = rotate(vec![("referer", "http://localhost/apps/shop/settings")]).await;
    assert_eq!(referer.status, 200, "{}", referer.text);
    assert_ne!(referer.json().as_str(), Some(secret.as_str()));
}

/// The members of a workspace, as the admin API lists them.
async fn members(app: &TestApp, workspace: &str, cookie: &str) -> Vec<Value> {
    let path = format!("/api/admin/workspaces/{workspace}/members");
    let listed = app
        .send(Method::GET, &path, &[("cookie", cookie)], Body::empty())
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    listed.json().as_array().unwrap().clone()
}

fn role_of(members: &[Value], email: &str) -> Option<String> {
    members
        .iter()
        .find(|m| m["email"] == email)
        .map(|m| m["role"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_are_added_and_their_roles_changed_and_a_workspace_keeps_an_owner() {
    let app = TestApp::new().await;
    let (_shop, owner) = member_of_app(&app, "shop", "owner@example.com", Role::Owner).await;
    let admin = another_member(&app, "shop", "admin@example.com", Role::Admin).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;
    let workspace = workspace_of(&app, "shop").await;

    let shown = page(&app, "/apps/shop/users", Some(&admin)).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert!(shown.text.contains("viewer@example.com"));
    assert!(shown.text.contains("id=\"add-member\""));
    // Admins may not hand out ownership: the owner's row is not theirs to change.
    assert!(!shown.text.contains("<option value=\"owner\""));

    let add = format!(
        "workspace_id={workspace}&member[name]=Sam&member[email]=sam%40example.com\
         &member[password]=correct+horse+battery+staple&member[role]=agent"
    );
    let added = form_post(&app, "/sfn/add-member", &add, Some(&admin)).await;
    assert!(added.status.is_redirection(), "{}", added.text);
    let listed = members(&app, &workspace, &owner).await;
    assert_eq!(
        role_of(&listed, "sam@example.com").as_deref(),
        Some("agent")
    );
    let again = form_post(&app, "/sfn/add-member", &add, Some(&admin)).await;
    assert_eq!(refusal(&again)["code"], "ALREADY_EXISTS");

    let sam = listed
        .iter()
        .find(|m| m["email"] == "sam@example.com")
        .unwrap()["userId"]
        .as_str()
        .unwrap()
        .to_owned();
    let change = |role: &str| format!("workspace_id={workspace}&user_id={sam}&role={role}");
    let changed = form_post(&app, "/sfn/member-role", &change("viewer"), Some(&admin)).await;
    assert!(changed.status.is_redirection(), "{}", changed.text);
    let to_owner = form_post(&app, "/sfn/member-role", &change("owner"), Some(&admin)).await;
    assert_eq!(refusal(&to_owner)["code"], "PERMISSION_DENIED");
    let unknown = form_post(&app, "/sfn/member-role", &change("boss"), Some(&admin)).await;
    assert_eq!(refusal(&unknown)["code"], "INVALID_INPUT");
    let by_viewer = form_post(&app, "/sfn/member-role", &change("admin"), Some(&viewer)).await;
    assert_eq!(refusal(&by_viewer)["code"], "PERMISSION_DENIED");
    assert_eq!(
        role_of(&members(&app, &workspace, &owner).await, "sam@example.com").as_deref(),
        Some("viewer")
    );

    // Through the admin API: the owner promotes Sam; the last owner cannot step down.
    let patch = |user: &str, body: &str| {
        let path = format!("/api/admin/workspaces/{workspace}/members/{user}");
        let mut headers = crate::helpers::SAME_ORIGIN.to_vec();
        headers.extend([
            ("content-type", "application/json"),
            ("cookie", owner.as_str()),
        ]);
        let body = body.to_owned();
        let app = &app;
        async move {
            app.send(Method::PATCH, &path, &headers, Body::from(body))
                .await
        }
    };
    let promoted = patch(&sam, r#"{"role":"owner"}"#).await;
    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(promoted.json()["role"], "owner");
    let demoted = patch(&sam, r#"{"role":"agent"}"#).await;
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    let owner_id = members(&app, &workspace, &owner)
        .await
        .iter()
        .find(|m| m["email"] == "owner@example.com")
        .unwrap()["userId"]
        .as_str()
        .unwrap()
        .to_owned();
    let alone = patch(&owner_id, r#"{"role":"admin"}"#).await;
    assert_eq!(alone.status, 409, "{}", alone.text);
    let nobody = patch("no-such-user", r#"{"role":"agent"}"#).await;
    assert_eq!(nobody.status, 404, "{}", nobody.text);
    let bad_role = patch(&sam, r#"{"role":"boss"}"#).await;
    assert_eq!(bad_role.status, 400, "{}", bad_role.text);

    // Viewers read the members, with nothing to change.
    let as_viewer = page(&app, "/apps/shop/users", Some(&viewer)).await;
    assert_eq!(as_viewer.status, 200, "{}", as_viewer.text);
    assert!(as_viewer.text.contains("sam@example.com"));
    assert!(!as_viewer.text.contains("id=\"add-member\""));
    assert!(!as_viewer.text.contains("<select name=\"role\""));
    let audit = app
        .services
        .platform()
        .list_audit(&Actor::operator(), &workspace, None, Some(50))
        .await
        .unwrap();
    assert!(
        audit
            .entries
            .iter()
            .any(|e| e.action == "user.role_changed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_says_when_voice_calls_are_off_and_start_is_refused() {
    let app = TestApp::new().await;
    let (_shop, owner) = member_of_app(&app, "shop", "owner@example.com", Role::Owner).await;
    let shown = page(&app, "/apps/shop/playground", Some(&owner)).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert!(
        shown.text.contains("id=\"voice-unavailable\""),
        "{}",
        shown.text
    );
    assert!(shown.text.contains("LIVEKIT_URL"));
    assert!(shown.text.contains("/vendor/livekit-client.umd.js"));
    assert!(shown.text.contains("id=\"start-call\""));

    let config = "slug=shop&config[mode]=pipeline&config[stt]=&config[llm]=&config[tts]=\
                  &config[realtime_model]=&config[realtime_voice]=&config[prompt]=Hi\
                  &config[greeting]=&config[noise_cancellation_type]=auto";
    let started = call(&app, "/sfn/playground-start", config, &owner).await;
    assert_eq!(started.status, 503, "{}", started.text);
    assert!(started.text.contains("LIVEKIT_URL"), "{}", started.text);

    let stranger = app.workspace("elsewhere").await;
    let outsider = app
        .signed_in("outsider@example.com", Role::Owner, &stranger)
        .await;
    let refused = page(&app, "/apps/shop/playground", Some(&outsider)).await;
    assert_eq!(refused.status, 404);
}

/// Boots the widget of `slug` from its allowed origin, as a visitor would.
async fn visitor_boots(app: &TestApp, slug: &str, body: Value) -> Value {
    let mut body = body;
    body["appSlug"] = Value::from(slug);
    let booted = app
        .post_json(
            "/api/widget/boot",
            &[("origin", "https://shop.example.com")],
            body,
        )
        .await;
    assert_eq!(booted.status, 200, "{}", booted.text);
    booted.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_are_listed_searched_and_shown_with_their_conversations_in_the_workspaces_timezone()
 {
    let app = TestApp::new().await;
    let (_shop, agent) = member_of_app(&app, "shop", "agent@example.com", Role::Agent).await;
    let owner = another_member(&app, "shop", "owner@example.com", Role::Owner).await;
    let saved = call(
        &app,
        "/sfn/widget-origins",
        "slug=shop&origins=https%3A%2F%2Fshop.example.com%0A",
        &owner,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let workspace = workspace_of(&app, "shop").await;
    let zone = call(
        &app,
        "/sfn/save-workspace",
        &format!(
            "workspace_id={workspace}&name=Shop+team&origins=&timezone=Asia%2FKolkata&lifetime_hours=24"
        ),
        &owner,
    )
    .await;
    assert_eq!(zone.status, 200, "{}", zone.text);

    let ada = visitor_boots(
        &app,
        "shop",
        json!({"deviceId": "device-ada-1", "name": "Ada Lovelace",
        "email": "ada@example.com", "location": {"city": "London"}}),
    )
    .await;
    visitor_boots(
        &app,
        "shop",
        json!({"deviceId": "device-alan-1", "name": "Alan Turing"}),
    )
    .await;
    let token = ada["sessionToken"].as_str().unwrap();
    let bearer = format!("Bearer {token}");
    let chat = app
        .post_json(
            "/api/widget/conversations",
            &[("authorization", bearer.as_str())],
            json!({"body": "My parcel never came"}),
        )
        .await;
    assert_eq!(chat.status, 201, "{}", chat.text);

    let list = page(&app, "/apps/shop/contacts", Some(&agent)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.text.contains("Ada Lovelace") && list.text.contains("Alan Turing"));
    assert!(
        list.text.contains("Last seen (Asia/Kolkata)"),
        "{}",
        list.text
    );
    assert!(list.text.contains(" IST"), "times in the workspace's zone");
    let searched = page(&app, "/apps/shop/contacts?search=ada%40", Some(&agent)).await;
    assert!(searched.text.contains("Ada Lovelace") && !searched.text.contains("Alan Turing"));

    let id = ada["contact"]["id"].as_str().unwrap();
    let detail = page(&app, &format!("/apps/shop/contacts/{id}"), Some(&agent)).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(
        detail.text.contains("My parcel never came"),
        "{}",
        detail.text
    );
    assert!(detail.text.contains("London"));
    // Another workspace's contact is not found through this app.
    app.workspace("elsewhere").await;
    let stranger = app
        .signed_in("stranger@example.com", Role::Owner, "elsewhere")
        .await;
    let refused = page(&app, &format!("/apps/shop/contacts/{id}"), Some(&stranger)).await;
    assert!(!refused.text.contains("My parcel never came"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_page_gives_the_snippet_and_shows_the_identity_secret_once() {
    let app = TestApp::new().await;
    let (_shop, owner) = member_of_app(&app, "shop", "owner@example.com", Role::Owner).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;
    let widget = page(&app, "/apps/shop/widget", Some(&owner)).await;
    assert_eq!(widget.status, 200, "{}", widget.text);
    assert!(widget.text.contains("/widget.js"), "{}", widget.text);
    assert!(
        widget.text.contains("data-app=&quot;shop&quot;")
            || widget.text.contains("data-app=\"shop\"")
    );
    assert!(widget.text.contains("createHmac") && widget.text.contains("hash_hmac"));

    let enabled = call(
        &app,
        "/sfn/identity-verification",
        "slug=shop&enabled=on&mode=required&allow_anonymous=on",
        &owner,
    )
    .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    let secret = enabled.json()["secret"].as_str().unwrap().to_owned();
    let again = page(&app, "/apps/shop/widget", Some(&owner)).await;
    assert!(
        !again.text.contains(&secret),
        "the secret is never rendered"
    );
    assert!(again.text.contains("On, required mode"));
    let rotated = call(&app, "/sfn/rotate-identity-secret", "slug=shop", &owner).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert_ne!(rotated.json()["secret"].as_str().unwrap(), secret);

    // A viewer sees the snippet, not the settings, and cannot change them.
    let seen = page(&app, "/apps/shop/widget", Some(&viewer)).await;
    assert!(seen.text.contains("/widget.js"));
    assert!(!seen.text.contains("id=\"identity-form\""));
    let refused = call(
        &app,
        "/sfn/identity-verification",
        "slug=shop&mode=optional",
        &viewer,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_workspace_comes_with_its_first_app_and_shows_in_the_switcher() {
    let app = TestApp::new().await;
    let (_shop, owner) = member_of_app(&app, "shop", "owner@example.com", Role::Owner).await;
    let created = call(
        &app,
        "/sfn/create-workspace",
        "name=Second+brand&app_name=Brand+two&app_slug=brand-two",
        &owner,
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert!(
        created.json()["appSecret"]
            .as_str()
            .unwrap()
            .starts_with("sbk_")
    );
    let settings = page(&app, "/apps/brand-two/workspace", Some(&owner)).await;
    assert_eq!(settings.status, 200, "{}", settings.text);
    assert!(settings.text.contains("Second brand"), "{}", settings.text);
    assert!(settings.text.contains("id=\"workspace-settings\""));
    // The switcher lists the other workspace's app under its name.
    assert!(
        settings.text.contains("switcher-workspace"),
        "{}",
        settings.text
    );
    let bad = call(
        &app,
        "/sfn/save-workspace",
        &format!(
            "workspace_id={}&name=X&origins=&timezone=Nowhere&lifetime_hours=24",
            workspace_of(&app, "brand-two").await
        ),
        &owner,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_unread_chats_and_members_answer_note_assign_and_close() {
    let app = TestApp::new().await;
    let (_shop, agent) = member_of_app(&app, "shop", "agent@example.com", Role::Agent).await;
    let owner = another_member(&app, "shop", "owner@example.com", Role::Owner).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;
    call(
        &app,
        "/sfn/widget-origins",
        "slug=shop&origins=https%3A%2F%2Fshop.example.com",
        &owner,
    )
    .await;
    let booted = visitor_boots(
        &app,
        "shop",
        json!({"deviceId": "device-ada-1", "name": "Ada"}),
    )
    .await;
    let bearer = format!("Bearer {}", booted["sessionToken"].as_str().unwrap());
    let chat = app
        .post_json(
            "/api/widget/conversations",
            &[("authorization", bearer.as_str())],
            json!({"body": "Where is my parcel?"}),
        )
        .await;
    let id = chat.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let inbox = page(&app, "/apps/shop/inbox", Some(&agent)).await;
    assert_eq!(inbox.status, 200, "{}", inbox.text);
    assert!(
        inbox.text.contains("Ada") && inbox.text.contains("1 new"),
        "{}",
        inbox.text
    );
    let thread = page(&app, &format!("/apps/shop/inbox/{id}"), Some(&agent)).await;
    assert_eq!(thread.status, 200, "{}", thread.text);
    assert!(thread.text.contains("Where is my parcel?"));
    assert!(thread.text.contains("id=\"reply-form\""));
    // Opening it read it.
    assert!(
        !page(&app, "/apps/shop/inbox", Some(&agent))
            .await
            .text
            .contains("1 new")
    );

    let replied = call(
        &app,
        "/sfn/inbox-reply",
        &format!("id={id}&body=On+its+way"),
        &agent,
    )
    .await;
    assert_eq!(replied.status, 200, "{}", replied.text);
    let noted = call(
        &app,
        "/sfn/inbox-reply",
        &format!("id={id}&body=Check+the+courier&internal=on"),
        &agent,
    )
    .await;
    assert_eq!(noted.status, 200, "{}", noted.text);
    let me = app
        .services
        .platform()
        .user_for_session(cookie_token(&agent))
        .await
        .unwrap()
        .unwrap()
        .id;
    let assigned = call(
        &app,
        "/sfn/inbox-assign",
        &format!("id={id}&assignee={me}"),
        &agent,
    )
    .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text);
    let closed = call(
        &app,
        "/sfn/inbox-status",
        &format!("slug=shop&id={id}&status=closed"),
        &agent,
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let after = page(&app, &format!("/apps/shop/inbox/{id}"), Some(&agent)).await;
    assert!(after.text.contains("On its way") && after.text.contains("Check the courier"));
    assert!(after.text.contains("Internal note"));
    assert!(
        after.text.contains("id=\"conversation-status\">closed"),
        "{}",
        after.text
    );
    // The visitor sees the reply, not the note.
    let seen = app
        .send(
            Method::GET,
            &format!("/api/widget/conversations/{id}/messages"),
            &[("authorization", bearer.as_str())],
            Body::empty(),
        )
        .await;
    assert!(seen.text.contains("On its way") && !seen.text.contains("Check the courier"));

    // A viewer reads without the reply box, and a reply is refused.
    let read_only = page(&app, &format!("/apps/shop/inbox/{id}"), Some(&viewer)).await;
    assert!(read_only.text.contains("Where is my parcel?"));
    assert!(!read_only.text.contains("id=\"reply-form\""));
    let refused = call(
        &app,
        "/sfn/inbox-reply",
        &format!("id={id}&body=hi"),
        &viewer,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
}

/// The session token of a `Cookie` header value (`sb_session=…`).
fn cookie_token(cookie: &str) -> &str {
    cookie.split_once('=').map_or(cookie, |(_, token)| token)
}

#[tokio::test]
async fn tickets_snippets_tags_and_automation_are_managed_from_their_pages() {
    let app = TestApp::new().await;
    let (_shop, agent) = member_of_app(&app, "shop", "agent@example.com", Role::Agent).await;
    let owner = another_member(&app, "shop", "owner@example.com", Role::Owner).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;

    // Snippets: made here, offered in the reply box.
    let made = call(
        &app,
        "/sfn/snippet-create",
        "slug=shop&name=Thanks&shortcut=thanks&content=Thank+you+for+waiting%21",
        &agent,
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let snippets = page(&app, "/apps/shop/snippets", Some(&agent)).await;
    assert_eq!(snippets.status, 200, "{}", snippets.text);
    assert!(snippets.text.contains("/thanks") && snippets.text.contains("Thank you for waiting!"));
    let refused = call(
        &app,
        "/sfn/snippet-create",
        "slug=shop&name=X&content=x",
        &viewer,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);

    // Tags: made here, listed with their use.
    let tagged = call(
        &app,
        "/sfn/tag-create",
        "slug=shop&name=VIP&color=%23b42318",
        &agent,
    )
    .await;
    assert_eq!(tagged.status, 200, "{}", tagged.text);
    let tags = page(&app, "/apps/shop/tags", Some(&agent)).await;
    assert!(
        tags.text.contains("VIP") && tags.text.contains("0 conversations"),
        "{}",
        tags.text
    );

    // Automation: only admins change it; the page shows what is on.
    let agent_save = call(
        &app,
        "/sfn/automation-save",
        "slug=shop&ask_for_rating=on",
        &agent,
    )
    .await;
    assert_eq!(agent_save.status, 403, "{}", agent_save.text);
    let saved = call(
        &app,
        "/sfn/automation-save",
        "slug=shop&ask_for_rating=on",
        &owner,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let automation = page(&app, "/apps/shop/automation", Some(&owner)).await;
    assert!(
        automation
            .text
            .contains(r#"name="ask_for_rating" value="on" checked"#),
        "{}",
        automation.text
    );

    // Tickets: opened here, moved along, commented on.
    let opened = call(
        &app,
        "/sfn/ticket-create",
        "slug=shop&subject=Refund+for+order+17&priority=high",
        &agent,
    )
    .await;
    assert!(
        opened.status.is_success() || opened.status.is_redirection(),
        "{}",
        opened.text
    );
    let list = page(&app, "/apps/shop/tickets", Some(&agent)).await;
    assert!(list.text.contains("Refund for order 17"), "{}", list.text);
    let id = list
        .text
        .split("data-ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let moved = call(
        &app,
        "/sfn/ticket-update",
        &format!("id={id}&status=in_progress"),
        &agent,
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let commented = call(
        &app,
        "/sfn/ticket-comment",
        &format!("id={id}&body=Checking+the+warehouse&internal=on"),
        &agent,
    )
    .await;
    assert_eq!(commented.status, 200, "{}", commented.text);
    let detail = page(&app, &format!("/apps/shop/tickets/{id}"), Some(&agent)).await;
    assert!(
        detail.text.contains("id=\"ticket-status\">In progress"),
        "{}",
        detail.text
    );
    assert!(
        detail.text.contains("Internal comment") && detail.text.contains("Checking the warehouse")
    );
    let viewer_detail = page(&app, &format!("/apps/shop/tickets/{id}"), Some(&viewer)).await;
    assert!(!viewer_detail.text.contains("id=\"comment-form\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_help_center_and_the_ai_agent_are_managed_from_their_pages() {
    let app = TestApp::new().await;
    let (shop, admin) = member_of_app(&app, "shop", "admin@example.com", Role::Admin).await;
    let viewer = another_member(&app, "shop", "viewer@example.com", Role::Viewer).await;

    // A collection, and an article written and published in it.
    let made = call(
        &app,
        "/sfn/collection-create",
        "slug=shop&name=Billing",
        &admin,
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let collections = app.get_as(&shop, "/api/help/collections").await.json();
    let billing = collections["collections"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let saved = call(
        &app,
        "/sfn/article-save",
        &format!(
            "slug=shop&article[id]=&article[title]=Paying+by+card&article[slug]=\
             &article[collection_id]={billing}&article[visibility]=public\
             &article[status]=published\
             &article[content]=We+take+**all+cards**.%0A%0A%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        ),
        &admin,
    )
    .await;
    assert!(
        saved.status.is_redirection() || saved.status.is_success(),
        "{}",
        saved.text
    );
    let listed = page(&app, "/apps/shop/help-center", Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    for shown in [
        "Billing",
        "Paying by card",
        "published",
        "/help/shop/articles/paying-by-card",
        "Add the collection",
    ] {
        assert!(listed.text.contains(shown), "{shown}: {}", listed.text);
    }
    let article = app.get_as(&shop, "/api/knowledge/documents").await.json()["documents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let editor = page(
        &app,
        &format!("/apps/shop/help-center/articles/{article}"),
        Some(&admin),
    )
    .await;
    assert_eq!(editor.status, 200, "{}", editor.text);
    assert!(
        editor.text.contains("<strong>all cards</strong>"),
        "the preview: {}",
        editor.text
    );
    assert!(
        !editor.text.contains("<script>alert"),
        "sanitised: {}",
        editor.text
    );
    let unpublished = call(
        &app,
        "/sfn/article-status",
        &format!("slug=shop&id={article}&status=draft"),
        &admin,
    )
    .await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    assert_eq!(
        app.get("/help/shop/articles/paying-by-card").await.status,
        404
    );

    // The AI agent: on, its collection, and Monday's hours in Paris.
    let ai = call(
        &app,
        "/sfn/ai-agent-save",
        &format!(
            "slug=shop&agent[enabled]=on&agent[model]=knowledge\
             &agent[confidence_threshold]=0.55&agent[handoff_message]=A+teammate+will+help.\
             &agent[collection_ids][3]={billing}&agent[timezone]=Europe%2FParis\
             &agent[starts][0]=09%3A00&agent[ends][0]=17%3A00&agent[starts][1]=&agent[ends][1]="
        ),
        &admin,
    )
    .await;
    assert_eq!(ai.status, 200, "{}", ai.text);
    let settings = app.get_as(&shop, "/api/ai-agent").await.json();
    assert_eq!(settings["enabled"], true);
    assert_eq!(settings["confidenceThreshold"], 0.55);
    assert_eq!(settings["collectionIds"], json!([billing]));
    assert_eq!(
        settings["workingHours"],
        json!({"timezone": "Europe/Paris",
               "days": [{"day": "monday", "start": "09:00", "end": "17:00"}]})
    );
    let shown = page(&app, "/apps/shop/ai-agent", Some(&admin)).await;
    assert!(
        shown.text.contains("A teammate will help."),
        "{}",
        shown.text
    );

    // Text shown in a textarea cannot close it (Leptos writes a textarea's children raw).
    let snippet = call(
        &app,
        "/sfn/snippet-create",
        "slug=shop&name=Trap&content=%3C%2Ftextarea%3E%3Cb+id%3Dinjected%3Ex%3C%2Fb%3E",
        &admin,
    )
    .await;
    assert_eq!(snippet.status, 200, "{}", snippet.text);
    let snippets = page(&app, "/apps/shop/snippets", Some(&admin)).await;
    assert!(
        !snippets.text.contains("<b id=injected>"),
        "{}",
        snippets.text
    );
    assert!(
        snippets.text.contains("&lt;/textarea>&lt;b id=injected>"),
        "{}",
        snippets.text
    );

    // A viewer reads both pages, without their controls, and changes nothing.
    let viewed = page(&app, "/apps/shop/help-center", Some(&viewer)).await;
    assert_eq!(viewed.status, 200, "{}", viewed.text);
    assert!(
        !viewed.text.contains("Add the collection"),
        "{}",
        viewed.text
    );
    let refused = call(
        &app,
        "/sfn/collection-create",
        "slug=shop&name=Mine",
        &viewer,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let refused = call(
        &app,
        "/sfn/ai-agent-save",
        "slug=shop&agent[model]=knowledge&agent[confidence_threshold]=0.5\
         &agent[handoff_message]=x",
        &viewer,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
}
