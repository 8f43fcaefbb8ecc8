//! Automation settings over the real router, honoured by the widget: ratings when a
//! conversation closes (one each), asking an anonymous visitor for an email, and the median
//! reply time of the last 7 days.

use axum::http::Method;
use serde_json::json;

use crate::inbox::inbox;
use crate::widget::{admin, as_visitor};

#[tokio::test]
async fn ratings_are_offered_only_when_asked_for_and_once_per_closed_conversation() {
    let inbox = inbox().await;
    let defaults = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        "/api/desk/automation",
        None,
    )
    .await;
    assert_eq!(
        defaults.json(),
        json!({"showReplyTime": false, "collectEmail": true, "askForRating": false})
    );
    let rate = |rating: i64| {
        let inbox = &inbox;
        async move {
            as_visitor(
                &inbox.app,
                &inbox.visitor,
                Method::POST,
                &format!("/api/widget/conversations/{}/rating", inbox.conversation),
                Some(json!({"rating": rating, "comment": "Quick and kind"})),
            )
            .await
        }
    };
    inbox.patch(&inbox.agent, json!({"status": "closed"})).await;
    // Off: refused (opencom's "blocked when Ask for Rating is off").
    assert_eq!(rate(5).await.status, 403);
    // Only admins change the settings.
    let agent = admin(
        &inbox.app,
        &inbox.agent,
        Method::PUT,
        "/api/desk/automation",
        Some(json!({"askForRating": true})),
    )
    .await;
    assert_eq!(agent.status, 403, "{}", agent.text);
    let on = admin(
        &inbox.app,
        &inbox.owner,
        Method::PUT,
        "/api/desk/automation",
        Some(json!({"askForRating": true})),
    )
    .await;
    assert_eq!(on.status, 200, "{}", on.text);
    assert_eq!(on.json()["collectEmail"], true, "untouched toggles stay");
    let settings = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        "/api/widget/settings",
        None,
    )
    .await;
    assert_eq!(settings.json()["askForRating"], true);

    assert_eq!(rate(0).await.status, 400);
    let rated = rate(5).await;
    assert_eq!(rated.status, 201, "{}", rated.text);
    assert_eq!(rate(4).await.status, 409, "one rating per conversation");
    let detail = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        &format!("/api/desk/conversations/{}", inbox.conversation),
        None,
    )
    .await;
    assert_eq!(detail.json()["rating"]["rating"], 5);
    assert_eq!(detail.json()["rating"]["comment"], "Quick and kind");
}

#[tokio::test]
async fn an_open_conversation_cannot_be_rated() {
    let inbox = inbox().await;
    admin(
        &inbox.app,
        &inbox.owner,
        Method::PUT,
        "/api/desk/automation",
        Some(json!({"askForRating": true})),
    )
    .await;
    let rated = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/conversations/{}/rating", inbox.conversation),
        Some(json!({"rating": 3})),
    )
    .await;
    assert_eq!(rated.status, 409, "{}", rated.text);
}

#[tokio::test]
async fn the_widget_asks_for_an_email_and_shows_the_median_reply_time() {
    let inbox = inbox().await;
    let settings = || {
        let inbox = &inbox;
        async move {
            as_visitor(
                &inbox.app,
                &inbox.visitor,
                Method::GET,
                "/api/widget/settings",
                None,
            )
            .await
            .json()
        }
    };
    let first = settings().await;
    assert_eq!(
        first["askForEmail"], true,
        "anonymous, and collecting by default"
    );
    assert!(first["medianReplyMs"].is_null(), "not shown by default");

    let replied = admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("/api/desk/conversations/{}/messages", inbox.conversation),
        Some(json!({"body": "Hello!"})),
    )
    .await;
    assert_eq!(replied.status, 201, "{}", replied.text);
    admin(
        &inbox.app,
        &inbox.owner,
        Method::PUT,
        "/api/desk/automation",
        Some(json!({"showReplyTime": true})),
    )
    .await;
    let shown = settings().await;
    let median = shown["medianReplyMs"].as_i64().expect("a median");
    assert!(median >= 0, "{shown}");

    // Once the visitor gives an email, or collecting is off, the widget stops asking.
    let identified = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        "/api/widget/identify",
        Some(json!({"email": "ada@example.com"})),
    )
    .await;
    assert_eq!(identified.status, 200, "{}", identified.text);
    assert_eq!(settings().await["askForEmail"], false);
}
