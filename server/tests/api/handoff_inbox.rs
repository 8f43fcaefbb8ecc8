//! Voice handoffs land in the inbox (the bridge between the agent and desk wings): a handoff
//! made through the agent API opens a voice conversation with the call's transcript, summary
//! and priority; claiming and resolving it assign and close that conversation, and assigning
//! and closing the conversation claim and resolve the handoff.

use axum::http::Method;
use model::platform::users::Role;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};
use crate::widget::admin;

struct Call {
    app: TestApp,
    tenant: Tenant,
    owner: String,
    owner_id: String,
}

async fn call() -> Call {
    let app = TestApp::new().await;
    let tenant = app.tenant("calls").await;
    let workspace = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "calls")
        .await
        .unwrap()
        .workspace_id;
    let owner = app
        .signed_in("owner@calls.example", Role::Owner, &workspace)
        .await;
    let me = admin(&app, &owner, Method::GET, "/api/admin/me", None).await;
    let owner_id = me.json()["id"].as_str().unwrap().to_owned();
    Call {
        app,
        tenant,
        owner,
        owner_id,
    }
}

impl Call {
    async fn hand_off(&self) -> String {
        let created = self
            .app
            .post_as(
                &self.tenant,
                "/api/handoffs",
                json!({
                    "sessionId": "ses_call_1",
                    "reason": "user_requested",
                    "priority": "urgent",
                    "transcript": [
                        {"role": "user", "content": "My card was charged twice", "ts": 1},
                        {"role": "assistant", "content": "Let me get a colleague", "ts": 2}
                    ],
                    "aiSummary": "Double charge on order 881."
                }),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text);
        created.json()["id"].as_str().unwrap().to_owned()
    }

    async fn voice_conversations(&self) -> Vec<Value> {
        let listed = admin(
            &self.app,
            &self.owner,
            Method::GET,
            "/api/desk/conversations?channel=voice",
            None,
        )
        .await;
        assert_eq!(listed.status, 200, "{}", listed.text);
        listed.json()["conversations"].as_array().unwrap().clone()
    }

    async fn handoff(&self, id: &str) -> Value {
        let listed = self.app.get_as(&self.tenant, "/api/handoffs").await.json();
        listed["handoffs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|handoff| handoff["id"] == id)
            .cloned()
            .unwrap()
    }
}

#[tokio::test]
async fn a_handoff_opens_a_voice_conversation_with_its_call() {
    let call = call().await;
    let handoff = call.hand_off().await;
    let listed = call.voice_conversations().await;
    assert_eq!(listed.len(), 1);
    let conversation = &listed[0]["conversation"];
    assert_eq!(conversation["priority"], "urgent");
    assert_eq!(conversation["handoffId"], json!(handoff));
    assert_eq!(conversation["callSessionId"], "ses_call_1");
    assert_eq!(conversation["status"], "open");
    let id = conversation["id"].as_str().unwrap();
    let detail = admin(
        &call.app,
        &call.owner,
        Method::GET,
        &format!("/api/desk/conversations/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(
        detail["call"]["transcript"][0]["content"],
        "My card was charged twice"
    );
    assert_eq!(detail["call"]["aiSummary"], "Double charge on order 881.");
    assert_eq!(detail["call"]["appSlug"], "calls");
    assert_eq!(detail["call"]["handoffStatus"], "pending");
    // The handoff's note is for members: internal, from the system.
    assert_eq!(detail["messages"][0]["internal"], true);
    assert_eq!(detail["messages"][0]["sender"], "bot");
    assert!(
        detail["messages"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Double charge on order 881."),
        "{detail}"
    );
    // The same handoff asked for again lands once.
    call.hand_off().await;
    assert_eq!(call.voice_conversations().await.len(), 1);
}

#[tokio::test]
async fn claiming_and_resolving_the_handoff_assigns_and_closes_the_conversation() {
    let call = call().await;
    let handoff = call.hand_off().await;
    let claimed = call
        .app
        .call_as(
            &call.tenant,
            Method::PATCH,
            "/api/handoffs",
            Some(json!({"handoffId": handoff, "status": "claimed",
                        "assignedAgent": "owner@calls.example"})),
        )
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text);
    let conversation = call.voice_conversations().await[0]["conversation"].clone();
    assert_eq!(conversation["assigneeId"], json!(call.owner_id));
    let resolved = call
        .app
        .call_as(
            &call.tenant,
            Method::PATCH,
            "/api/handoffs",
            Some(json!({"handoffId": handoff, "status": "resolved"})),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    let conversation = call.voice_conversations().await[0]["conversation"].clone();
    assert_eq!(conversation["status"], "closed");
    assert!(conversation["resolvedAt"].is_i64());
}

#[tokio::test]
async fn assigning_and_closing_the_conversation_claims_and_resolves_the_handoff() {
    let call = call().await;
    let handoff = call.hand_off().await;
    let id = call.voice_conversations().await[0]["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/desk/conversations/{id}");
    let assigned = admin(
        &call.app,
        &call.owner,
        Method::PATCH,
        &path,
        Some(json!({"assigneeId": call.owner_id})),
    )
    .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text);
    let claimed = call.handoff(&handoff).await;
    assert_eq!(claimed["status"], "claimed");
    assert_eq!(claimed["assignedAgent"], "owner@calls.example");
    // Converted to a ticket, it keeps the handoff's priority and its assignee.
    let ticket = admin(
        &call.app,
        &call.owner,
        Method::POST,
        "/api/desk/tickets",
        Some(json!({"conversationId": id})),
    )
    .await;
    assert_eq!(ticket.status, 201, "{}", ticket.text);
    assert_eq!(ticket.json()["priority"], "urgent");
    assert_eq!(ticket.json()["assigneeId"], json!(call.owner_id));
    let closed = admin(
        &call.app,
        &call.owner,
        Method::PATCH,
        &path,
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(call.handoff(&handoff).await["status"], "resolved");
    // Reopening the conversation does not reopen a resolved handoff.
    let reopened = admin(
        &call.app,
        &call.owner,
        Method::PATCH,
        &path,
        Some(json!({"status": "open"})),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(call.handoff(&handoff).await["status"], "resolved");
}

/// A call made from the widget hands off into the visitor's open chat, not a new conversation
/// of an anonymous contact.
#[tokio::test]
async fn a_widget_callers_handoff_joins_their_open_conversation() {
    use crate::widget::{SHOP, as_visitor, boot};

    let (_livekit, settings) = crate::voice::fake_livekit().await;
    let app = TestApp::with_integrations(domain::Integrations {
        livekit: settings,
        ..crate::helpers::test_integrations()
    })
    .await;
    let tenant = app.tenant("shop").await;
    let workspace = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), "shop")
        .await
        .unwrap()
        .workspace_id;
    let owner = app
        .signed_in("owner@shop.example", Role::Owner, &workspace)
        .await;
    let origins = admin(
        &app,
        &owner,
        Method::PATCH,
        "/api/admin/apps/shop",
        Some(json!({"allowedOrigins": [SHOP]})),
    )
    .await;
    assert_eq!(origins.status, 200, "{}", origins.text);
    let booted = boot(&app, Some(SHOP), "shop", json!({"deviceId": "device-0001"})).await;
    let token = booted.json()["sessionToken"].as_str().unwrap().to_owned();
    let chat = as_visitor(
        &app,
        &token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": "Can I call you?"})),
    )
    .await;
    let chat = chat.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let call = as_visitor(&app, &token, Method::POST, "/api/widget/calls", None).await;
    assert_eq!(call.status, 200, "{}", call.text);
    let room = call.json()["roomName"].as_str().unwrap().to_owned();
    let session = app
        .db
        .store
        .voice_session_for_room(&room)
        .await
        .unwrap()
        .unwrap();

    let handed = app
        .post_as(
            &tenant,
            "/api/handoffs",
            json!({"sessionId": session.session_key, "reason": "user_requested",
                   "priority": "high", "transcript": []}),
        )
        .await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    let listed = admin(&app, &owner, Method::GET, "/api/desk/conversations", None).await;
    let conversations = listed.json()["conversations"].as_array().unwrap().clone();
    assert_eq!(conversations.len(), 1, "{}", listed.text);
    let conversation = &conversations[0]["conversation"];
    assert_eq!(conversation["id"], json!(chat));
    assert_eq!(conversation["channel"], "voice");
    assert_eq!(conversation["priority"], "high");
    assert_eq!(conversation["handoffId"], handed.json()["id"]);
    // The visitor's thread carries no note of it: it is internal.
    let messages = as_visitor(
        &app,
        &token,
        Method::GET,
        &format!("/api/widget/conversations/{chat}/messages"),
        None,
    )
    .await;
    assert_eq!(messages.json()["messages"].as_array().unwrap().len(), 1);
}

/// opencom's `inboxPaginationSemantics`, strict: cursor pages are deterministic, hold every
/// conversation once, newest first, and a cursor that is not one is refused, not ignored.
#[tokio::test]
async fn the_inbox_pages_through_every_conversation_once() {
    let call = call().await;
    for i in 0..23 {
        let created = call
            .app
            .post_as(
                &call.tenant,
                "/api/handoffs",
                json!({"sessionId": format!("ses_page_{i:02}"), "reason": "user_requested",
                       "transcript": []}),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text);
    }
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/desk/conversations?limit=5&cursor={cursor}"),
            None => "/api/desk/conversations?limit=5".to_owned(),
        };
        let page = admin(&call.app, &call.owner, Method::GET, &path, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let page = page.json();
        for item in page["conversations"].as_array().unwrap() {
            let conversation = &item["conversation"];
            seen.push((
                conversation["lastMessageAt"].as_i64().unwrap(),
                conversation["id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    let unique: std::collections::HashSet<&String> = seen.iter().map(|(_, id)| id).collect();
    assert_eq!(unique.len(), 23, "no duplicates");
    let mut ordered = seen.clone();
    ordered.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, ordered, "newest first, ties by id");
    let bad = admin(
        &call.app,
        &call.owner,
        Method::GET,
        "/api/desk/conversations?cursor=not-a-cursor",
        None,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}
