//! The human inbox over the real router: a visitor's chat reaches members, who read, answer,
//! note, assign, snooze and close it; the visitor sees replies, never notes.

use axum::http::Method;
use model::platform::users::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::widget::{SHOP, admin, as_visitor, boot, widget_app};

/// A widget app with an owner, an agent and a viewer, and a visitor's open chat.
pub struct Inbox {
    pub app: TestApp,
    pub owner: String,
    pub agent: String,
    pub agent_id: String,
    pub viewer: String,
    pub visitor: String,
    pub conversation: String,
}

pub async fn inbox() -> Inbox {
    let app = TestApp::new().await;
    let owner = widget_app(&app, "shop", "owner@shop.example").await;
    let workspace = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let agent = app
        .signed_in("agent@shop.example", Role::Agent, &workspace)
        .await;
    let viewer = app
        .signed_in("viewer@shop.example", Role::Viewer, &workspace)
        .await;
    let me = admin(&app, &agent, Method::GET, "/api/admin/me", None).await;
    let agent_id = me.json()["id"].as_str().unwrap().to_owned();
    let booted = boot(
        &app,
        Some(SHOP),
        "shop",
        json!({"deviceId": "device-0001", "name": "Ada"}),
    )
    .await;
    let visitor = booted.json()["sessionToken"].as_str().unwrap().to_owned();
    let started = as_visitor(
        &app,
        &visitor,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": "My order is late"})),
    )
    .await;
    let conversation = started.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Inbox {
        app,
        owner,
        agent,
        agent_id,
        viewer,
        visitor,
        conversation,
    }
}

impl Inbox {
    pub async fn list(&self, cookie: &str, query: &str) -> Vec<Value> {
        let listed = admin(
            &self.app,
            cookie,
            Method::GET,
            &format!("/api/desk/conversations{query}"),
            None,
        )
        .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        listed.json()["conversations"].as_array().unwrap().clone()
    }

    pub async fn patch(&self, cookie: &str, body: Value) -> crate::helpers::TestResponse {
        admin(
            &self.app,
            cookie,
            Method::PATCH,
            &format!("/api/desk/conversations/{}", self.conversation),
            Some(body),
        )
        .await
    }

    pub async fn visitor_unread(&self) -> i64 {
        let answer = as_visitor(
            &self.app,
            &self.visitor,
            Method::GET,
            "/api/widget/unread",
            None,
        )
        .await;
        answer.json()["unread"].as_i64().unwrap()
    }

    pub async fn visitor_messages(&self) -> Vec<Value> {
        let page = as_visitor(
            &self.app,
            &self.visitor,
            Method::GET,
            &format!("/api/widget/conversations/{}/messages", self.conversation),
            None,
        )
        .await;
        page.json()["messages"].as_array().unwrap().clone()
    }
}

#[tokio::test]
async fn members_read_answer_and_note_and_the_visitor_sees_only_the_answers() {
    let inbox = inbox().await;
    let listed = inbox.list(&inbox.agent, "").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["contactName"], "Ada");
    assert_eq!(listed[0]["unread"], 1, "unread for this member");

    let path = format!("/api/desk/conversations/{}", inbox.conversation);
    let reply = admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "It ships today."})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.json()["sender"], "agent");
    let note = admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "VIP customer", "internal": true})),
    )
    .await;
    assert_eq!(note.status, 201, "{}", note.text);
    // A member cannot write as the visitor or the bot: there is no such field.
    let forged = admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "hi", "sender": "visitor"})),
    )
    .await;
    assert_eq!(forged.status, 400, "{}", forged.text);

    let detail = admin(&inbox.app, &inbox.agent, Method::GET, &path, None).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let detail = detail.json();
    assert_eq!(detail["messages"].as_array().unwrap().len(), 3);
    assert_eq!(detail["messages"][2]["internal"], true);
    assert!(detail["conversation"]["firstResponseAt"].is_i64());
    assert_eq!(detail["contact"]["name"], "Ada");

    let seen: Vec<_> = inbox
        .visitor_messages()
        .await
        .iter()
        .map(|m| m["body"].clone())
        .collect();
    assert_eq!(seen, [json!("My order is late"), json!("It ships today.")]);
    // The visitor has one reply to read (the note does not count) until they read it.
    assert_eq!(inbox.visitor_unread().await, 1);
    let read_by_visitor = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/conversations/{}/read", inbox.conversation),
        None,
    )
    .await;
    assert_eq!(read_by_visitor.status, 204, "{}", read_by_visitor.text);
    assert_eq!(inbox.visitor_unread().await, 0);

    // Replying read it for the agent; the owner has not read it.
    assert_eq!(inbox.list(&inbox.agent, "").await[0]["unread"], 0);
    assert_eq!(inbox.list(&inbox.owner, "").await[0]["unread"], 1);
    let read = admin(
        &inbox.app,
        &inbox.owner,
        Method::POST,
        &format!("{path}/read"),
        None,
    )
    .await;
    assert_eq!(read.status, 204, "{}", read.text);
    assert_eq!(inbox.list(&inbox.owner, "").await[0]["unread"], 0);

    // A viewer reads but does not answer.
    let refused = admin(
        &inbox.app,
        &inbox.viewer,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "hello"})),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(inbox.list(&inbox.viewer, "").await.len(), 1);
}

#[tokio::test]
async fn conversations_are_assigned_to_members_and_follow_the_status_table() {
    let inbox = inbox().await;
    assert_eq!(inbox.list(&inbox.agent, "?assignee=none").await.len(), 1);
    assert!(inbox.list(&inbox.agent, "?assignee=me").await.is_empty());
    let assigned = inbox
        .patch(&inbox.agent, json!({"assigneeId": inbox.agent_id}))
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text);
    assert_eq!(inbox.list(&inbox.agent, "?assignee=me").await.len(), 1);
    assert!(inbox.list(&inbox.agent, "?assignee=none").await.is_empty());
    let stranger = inbox
        .patch(&inbox.agent, json!({"assigneeId": "someone-else"}))
        .await;
    assert_eq!(stranger.status, 400, "{}", stranger.text);
    let viewer = inbox
        .patch(&inbox.viewer, json!({"assigneeId": null}))
        .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);

    // Snoozing needs a time to come back.
    let no_time = inbox
        .patch(&inbox.agent, json!({"status": "snoozed"}))
        .await;
    assert_eq!(no_time.status, 400, "{}", no_time.text);
    let later = domain::now_ms() + 3_600_000;
    let snoozed = inbox
        .patch(
            &inbox.agent,
            json!({"status": "snoozed", "snoozedUntil": later}),
        )
        .await;
    assert_eq!(snoozed.status, 200, "{}", snoozed.text);
    assert_eq!(inbox.list(&inbox.agent, "?status=snoozed").await.len(), 1);
    // The visitor writing opens it again.
    let written = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/conversations/{}/messages", inbox.conversation),
        Some(json!({"body": "Any news?"})),
    )
    .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let open = inbox.list(&inbox.agent, "?status=open").await;
    assert_eq!(open.len(), 1);
    assert!(open[0]["conversation"]["snoozedUntil"].is_null());

    let closed = inbox.patch(&inbox.agent, json!({"status": "closed"})).await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert!(closed.json()["resolvedAt"].is_i64());
    let refused = inbox
        .patch(
            &inbox.agent,
            json!({"status": "snoozed", "snoozedUntil": later}),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.json()["code"], "INVALID_TRANSITION");
    let reopened = inbox.patch(&inbox.agent, json!({"status": "open"})).await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert!(reopened.json()["resolvedAt"].is_null());
    let bad = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        "/api/desk/conversations?status=pending",
        None,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn another_workspaces_member_reaches_no_conversation() {
    let inbox = inbox().await;
    let theirs = inbox.app.workspace("theirs").await;
    let stranger = inbox
        .app
        .signed_in("stranger@theirs.example", Role::Owner, &theirs)
        .await;
    let path = format!("/api/desk/conversations/{}", inbox.conversation);
    for (method, path, body) in [
        (Method::GET, path.clone(), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"status": "closed"})),
        ),
        (
            Method::POST,
            format!("{path}/messages"),
            Some(json!({"body": "hijack"})),
        ),
        (Method::POST, format!("{path}/read"), None),
    ] {
        let response = admin(&inbox.app, &stranger, method.clone(), &path, body).await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
        assert!(!response.text.contains("My order is late"));
    }
    assert!(inbox.list(&stranger, "").await.is_empty());
    let theirs_list = admin(
        &inbox.app,
        &stranger,
        Method::GET,
        &format!(
            "/api/desk/conversations?workspaceId={}",
            inbox
                .app
                .services
                .platform()
                .app_by_slug(&domain::Actor::operator(), "shop")
                .await
                .unwrap()
                .workspace_id
        ),
        None,
    )
    .await;
    assert_eq!(theirs_list.status, 404, "{}", theirs_list.text);
    // Untouched.
    assert_eq!(inbox.visitor_messages().await.len(), 1);
}

#[tokio::test]
async fn the_widget_gets_its_open_chat_or_creates_one() {
    let inbox = inbox().await;
    let open = |body: Option<Value>| {
        let inbox = &inbox;
        async move {
            as_visitor(
                &inbox.app,
                &inbox.visitor,
                Method::POST,
                "/api/widget/conversations",
                body,
            )
            .await
        }
    };
    // The open chat, as it is, then with one more message: never a second conversation.
    let same = open(None).await;
    assert_eq!(same.status, 200, "{}", same.text);
    assert_eq!(same.json()["conversation"]["id"], json!(inbox.conversation));
    let added = open(Some(json!({"body": "Still waiting"}))).await;
    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.json()["messages"].as_array().unwrap().len(), 2);
    // Snoozed is still open for the visitor.
    inbox
        .patch(
            &inbox.agent,
            json!({"status": "snoozed", "snoozedUntil": domain::now_ms() + 60_000}),
        )
        .await;
    assert_eq!(
        open(None).await.json()["conversation"]["id"],
        json!(inbox.conversation)
    );
    // Closed: the next one is new.
    inbox.patch(&inbox.agent, json!({"status": "closed"})).await;
    let created = open(Some(json!({"body": "New question"}))).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_ne!(
        created.json()["conversation"]["id"],
        json!(inbox.conversation)
    );
    let empty = open(Some(json!({"body": " "}))).await;
    assert_eq!(empty.status, 400, "{}", empty.text);
}

#[tokio::test]
async fn a_member_writes_to_a_contact_first() {
    let inbox = inbox().await;
    let contact = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        "/api/widget/contact",
        None,
    )
    .await
    .json()["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        "/api/desk/conversations",
        Some(json!({"contactId": contact, "body": "Your refund went out today."})),
    )
    .await;
    assert_eq!(started.status, 201, "{}", started.text);
    let started = started.json();
    assert_eq!(started["conversation"]["assigneeId"], json!(inbox.agent_id));
    assert_eq!(started["messages"][0]["sender"], "agent");
    // The visitor sees it among their conversations, with a reply to read.
    let mine = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        "/api/widget/conversations",
        None,
    )
    .await;
    assert_eq!(mine.json()["conversations"].as_array().unwrap().len(), 2);
    assert_eq!(inbox.visitor_unread().await, 1);
    // Viewers do not write; nobody writes to another workspace's contact.
    let viewer = admin(
        &inbox.app,
        &inbox.viewer,
        Method::POST,
        "/api/desk/conversations",
        Some(json!({"contactId": contact, "body": "hi"})),
    )
    .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);
    let theirs = inbox.app.workspace("theirs").await;
    let stranger = inbox
        .app
        .signed_in("s@theirs.example", Role::Owner, &theirs)
        .await;
    let refused = admin(
        &inbox.app,
        &stranger,
        Method::POST,
        "/api/desk/conversations",
        Some(json!({"contactId": contact, "body": "hi"})),
    )
    .await;
    assert_eq!(refused.status, 404, "{}", refused.text);
}

/// Reads the next server-sent event's data of `body` within a few seconds, `None` if none.
async fn next_event(body: &mut axum::body::Body, wait_ms: u64) -> Option<String> {
    use http_body_util::BodyExt;
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_millis(wait_ms), body.frame())
            .await
            .ok()??
            .ok()?;
        if let Some(data) = frame.data_ref() {
            let text = String::from_utf8_lossy(data).into_owned();
            // Keep-alive comments carry no event.
            if text.contains("data:") {
                return Some(text);
            }
        }
    }
}

#[tokio::test]
async fn messages_and_changes_reach_open_inboxes_and_widgets_live() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let inbox = inbox().await;
    let open = |request: Request<Body>| {
        let router = inbox.app.router.clone();
        async move { router.oneshot(request).await.unwrap().into_body() }
    };
    let mut members = open(
        Request::get("/api/desk/conversations/stream")
            .header("cookie", inbox.agent.as_str())
            .header("host", "localhost")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let mut widget = open(
        Request::get("/api/widget/stream")
            .header("authorization", format!("Bearer {}", inbox.visitor))
            .header("origin", SHOP)
            .body(Body::empty())
            .unwrap(),
    )
    .await;

    let written = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/conversations/{}/messages", inbox.conversation),
        Some(json!({"body": "Hello from the widget"})),
    )
    .await;
    assert_eq!(written.status, 201, "{}", written.text);
    let seen = next_event(&mut members, 5_000)
        .await
        .expect("the inbox hears it");
    assert!(seen.contains("Hello from the widget"), "{seen}");
    assert!(seen.contains("event: message"), "{seen}");

    let path = format!("/api/desk/conversations/{}", inbox.conversation);
    admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "secret-note-words", "internal": true})),
    )
    .await;
    admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        &format!("{path}/messages"),
        Some(json!({"body": "On its way"})),
    )
    .await;
    inbox
        .patch(&inbox.agent, json!({"assigneeId": inbox.agent_id}))
        .await;
    // The widget hears its own message, the reply and the changes; never the note.
    let mut heard = String::new();
    while let Some(event) = next_event(&mut widget, 1_500).await {
        heard.push_str(&event);
    }
    assert!(heard.contains("On its way"), "{heard}");
    assert!(heard.contains(&inbox.agent_id), "the assignment: {heard}");
    assert!(!heard.contains("secret-note-words"), "{heard}");
    let mut members_heard = String::new();
    while let Some(event) = next_event(&mut members, 1_500).await {
        members_heard.push_str(&event);
    }
    assert!(
        members_heard.contains("secret-note-words"),
        "{members_heard}"
    );
}
