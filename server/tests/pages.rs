//! Server-rendered pages and server functions, over the real router.
//!
//! A test binary of its own, run one test at a time (`--test-threads 1`, see scripts/test):
//! Leptos renders through one process-wide task executor, and with several test runtimes in one
//! process rendering at once a page was seen to stall now and then. The server has a single
//! runtime and showed no stall in ~90k renders under mixed load (see the closing notes of
//! issue 3), so tests render as the server does: one multi-threaded runtime at a time.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pages/dashboard.rs"]
mod dashboard;
#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use axum::body::Body;
use axum::http::Method;
use store::testkit::backend;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_page_is_rendered_on_the_server() {
    let app = TestApp::new().await;
    let response = app.get("/status").await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = &response.text;
    assert!(html.contains("<h1>Status</h1>"), "{html}");
    assert!(html.contains(backend().label()), "{html}");
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    assert!(html.contains("Check the database"));
    assert!(html.contains("LiveKit") && html.contains("ElevenLabs"));
    assert!(html.contains("/pkg/switchboard.css"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_sends_a_signed_in_user_without_apps_to_the_status_page() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    let cookie = app
        .signed_in(
            "owner@example.com",
            model::platform::users::Role::Owner,
            &workspace,
        )
        .await;
    let response = app
        .send(
            Method::GET,
            "/",
            &[("accept", "text/html"), ("cookie", &cookie)],
            Body::empty(),
        )
        .await;
    assert_eq!(response.status, 302);
    assert_eq!(response.header("location"), Some("/status"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_page_is_an_html_404() {
    let app = TestApp::new().await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status, 404);
    assert!(response.text.contains("Page not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_server_function_times_the_database() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::POST,
            "/sfn/health-check",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                // Browsers send `Origin` on every POST; server functions require our own.
                ("host", "localhost"),
                ("origin", "http://localhost"),
            ],
            Body::empty(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["database"]["ok"], true);
}

/// A same-origin form post to a server function, as a browser without JavaScript sends it.
async fn form_post(
    app: &TestApp,
    path: &str,
    form: &str,
    cookie: Option<&str>,
) -> crate::helpers::TestResponse {
    let mut headers = vec![
        ("content-type", "application/x-www-form-urlencoded"),
        ("accept", "text/html"),
        ("host", "localhost"),
        ("origin", "http://localhost"),
        // Browsers send the page the form is on; Leptos sends them back to it.
        ("referer", "http://localhost/"),
    ];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    app.send(Method::POST, path, &headers, Body::from(form.to_owned()))
        .await
}

/// The error a failed plain form post sends the browser back to the page with: a 303 whose
/// `Location` carries it (`__err`, URL-safe base64 of the error's JSON) for the page to show.
fn refusal(response: &crate::helpers::TestResponse) -> serde_json::Value {
    use base64::Engine;
    assert_eq!(response.status, 303, "{}", response.text);
    let location = response
        .headers
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("a refusal without a Location"));
    let encoded = location
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("__err="))
        .unwrap_or_else(|| panic!("no __err in {location}"));
    let encoded = encoded.replace("%3D", "=");
    let json = base64::engine::general_purpose::URL_SAFE
        .decode(encoded)
        .unwrap_or_else(|e| panic!("__err is not base64 ({e}): {location}"));
    serde_json::from_slice(&json).unwrap_or_else(|e| panic!("__err is not JSON ({e})"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_form_signs_in_and_the_pages_show_who() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    app.signed_in(
        "owner@example.com",
        model::platform::users::Role::Owner,
        &workspace,
    )
    .await;

    let page = app.get("/login").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("id=\"login-form\""));

    let login = form_post(
        &app,
        "/sfn/login",
        "email=owner%40example.com&password=correct+horse+battery+staple&next=%2Fstatus",
        None,
    )
    .await;
    assert_eq!(login.status, 302, "{}", login.text);
    assert_eq!(login.header("location"), Some("/status"));
    let cookie = login.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly"));
    let cookie = cookie.split(';').next().unwrap().to_owned();

    let status = app
        .send(
            Method::GET,
            "/status",
            &[("cookie", &cookie)],
            Body::empty(),
        )
        .await;
    assert!(status.text.contains("owner@example.com"), "{}", status.text);
    assert!(status.text.contains("Sign out"));

    let logout = form_post(&app, "/sfn/logout", "", Some(&cookie)).await;
    assert_eq!(logout.status, 302);
    assert_eq!(logout.header("location"), Some("/login"));
    let status = app
        .send(
            Method::GET,
            "/status",
            &[("cookie", &cookie)],
            Body::empty(),
        )
        .await;
    assert!(!status.text.contains("owner@example.com"));
    assert!(status.text.contains("id=\"sign-in\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_server_functions_answer_with_their_codes_status() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::POST,
            "/sfn/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("host", "localhost"),
                ("origin", "http://localhost"),
            ],
            Body::from("email=nobody%40example.com&password=whatever-whatever"),
        )
        .await;
    assert_eq!(response.status, 401, "{}", response.text);
    assert_eq!(response.json()["code"], "NOT_AUTHENTICATED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_never_redirects_off_site() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    app.signed_in(
        "owner@example.com",
        model::platform::users::Role::Owner,
        &workspace,
    )
    .await;
    let login = form_post(
        &app,
        "/sfn/login",
        "email=owner%40example.com&password=correct+horse+battery+staple&next=%2F%2Fevil.example",
        None,
    )
    .await;
    assert_eq!(login.header("location"), Some("/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_login_form_is_refused() {
    let app = TestApp::new().await;
    let workspace = app.workspace("w1").await;
    app.signed_in(
        "owner@example.com",
        model::platform::users::Role::Owner,
        &workspace,
    )
    .await;
    let forged = app
        .send(
            Method::POST,
            "/sfn/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("host", "localhost"),
                ("origin", "https://evil.example"),
            ],
            Body::from("email=owner%40example.com&password=correct+horse+battery+staple"),
        )
        .await;
    assert!(forged.header("set-cookie").is_none(), "{}", forged.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_setup_creates_the_owner_with_the_logged_token_only() {
    let app = TestApp::new().await;
    let token = app
        .services
        .platform()
        .prepare_first_run_setup()
        .await
        .unwrap()
        .unwrap();
    let page = app.get(&format!("/setup?token={token}")).await;
    assert!(page.text.contains("id=\"setup-form\""), "{}", page.text);

    let form = |token: &str| {
        format!(
            "token={token}&name=Olive&email=olive%40example.com&password=correct+horse+battery+staple"
        )
    };
    let wrong = form_post(&app, "/sfn/setup", &form("sbs_wrong"), None).await;
    assert!(wrong.header("set-cookie").is_none());
    assert_ne!(wrong.status, 500, "a refused setup is not a server error");
    assert_eq!(app.services.platform().user_count().await.unwrap(), 0);

    let done = form_post(&app, "/sfn/setup", &form(&token), None).await;
    assert_eq!(done.status, 302, "{}", done.text);
    assert!(
        done.header("set-cookie")
            .unwrap()
            .starts_with("sb_session=sbu_")
    );
    let page = app.get("/setup").await;
    assert!(page.text.contains("Setup is done"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_get_no_cors_headers() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Method::GET,
            "/status",
            &[("origin", "https://widget.example")],
            Body::empty(),
        )
        .await;
    assert_eq!(response.header("access-control-allow-origin"), None);
}
