//! Tickets over the real router (opencom's `tickets.test.ts` and `ticketForms.test.ts`, with
//! their weak assertions made strict): created by members or visitors, converted from a
//! conversation once, moved along the status table, commented on publicly or internally, and
//! their form data checked against the form.

use axum::http::Method;
use serde_json::{Value, json};

use crate::inbox::{Inbox, inbox};
use crate::widget::{SHOP, admin, as_visitor, boot};

async fn create(inbox: &Inbox, body: Value) -> crate::helpers::TestResponse {
    admin(
        &inbox.app,
        &inbox.agent,
        Method::POST,
        "/api/desk/tickets",
        Some(body),
    )
    .await
}

async fn patch(inbox: &Inbox, id: &str, body: Value) -> crate::helpers::TestResponse {
    admin(
        &inbox.app,
        &inbox.agent,
        Method::PATCH,
        &format!("/api/desk/tickets/{id}"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_ticket_moves_along_the_status_table_and_resolves_with_a_summary() {
    let inbox = inbox().await;
    let created = create(&inbox, json!({"subject": "Refund", "priority": "high"})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let ticket = created.json();
    assert_eq!(ticket["status"], "submitted");
    assert_eq!(ticket["priority"], "high");
    let id = ticket["id"].as_str().unwrap();

    let started = patch(
        &inbox,
        id,
        json!({"status": "in_progress", "assigneeId": inbox.agent_id, "priority": "urgent"}),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.text);
    assert_eq!(started.json()["assigneeId"], json!(inbox.agent_id));
    assert_eq!(started.json()["priority"], "urgent");
    // Back to submitted is not a transition; a stranger is not an assignee.
    let back = patch(&inbox, id, json!({"status": "submitted"})).await;
    assert_eq!(back.status, 409, "{}", back.text);
    assert_eq!(back.json()["code"], "INVALID_TRANSITION");
    let stranger = patch(&inbox, id, json!({"assigneeId": "nobody"})).await;
    assert_eq!(stranger.status, 400, "{}", stranger.text);
    // A summary goes with resolving only.
    let early = patch(&inbox, id, json!({"resolutionSummary": "done"})).await;
    assert_eq!(early.status, 400, "{}", early.text);

    let resolved = patch(
        &inbox,
        id,
        json!({"status": "resolved", "resolutionSummary": "Refunded in full"}),
    )
    .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert!(resolved.json()["resolvedAt"].is_i64());
    assert_eq!(resolved.json()["resolutionSummary"], "Refunded in full");
    let detail = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        &format!("/api/desk/tickets/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(
        detail["comments"][0]["body"],
        "Ticket resolved: Refunded in full"
    );
    assert_eq!(detail["comments"][0]["author"], "bot");
    // Reopening clears the resolution (opencom kept resolvedAt forever).
    let reopened = patch(&inbox, id, json!({"status": "in_progress"})).await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert!(reopened.json()["resolvedAt"].is_null());
    assert!(reopened.json()["resolutionSummary"].is_null());

    // Filters by status and assignee.
    let list = |query: &'static str| {
        let inbox = &inbox;
        async move {
            admin(
                &inbox.app,
                &inbox.agent,
                Method::GET,
                &format!("/api/desk/tickets{query}"),
                None,
            )
            .await
            .json()["tickets"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    create(&inbox, json!({"subject": "Another"})).await;
    assert_eq!(list("").await, 2);
    assert_eq!(list("?status=in_progress").await, 1);
    assert_eq!(list("?status=submitted").await, 1);
    assert_eq!(list("?assignee=me").await, 1);
    assert_eq!(list("?assignee=none").await, 1);
    let bad = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        "/api/desk/tickets?status=open",
        None,
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    // A viewer reads tickets but does not change them.
    let viewer = admin(
        &inbox.app,
        &inbox.viewer,
        Method::PATCH,
        &format!("/api/desk/tickets/{id}"),
        Some(json!({"priority": "low"})),
    )
    .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);
}

#[tokio::test]
async fn a_conversation_converts_once_and_the_visitor_sees_only_public_comments() {
    let inbox = inbox().await;
    let converted = create(&inbox, json!({"conversationId": inbox.conversation})).await;
    assert_eq!(converted.status, 201, "{}", converted.text);
    let ticket = converted.json();
    assert_eq!(ticket["subject"], "Ticket from conversation");
    assert_eq!(ticket["conversationId"], json!(inbox.conversation));
    let id = ticket["id"].as_str().unwrap().to_owned();
    let again = create(
        &inbox,
        json!({"conversationId": inbox.conversation, "subject": "Twice"}),
    )
    .await;
    assert_eq!(again.status, 409, "{}", again.text);
    let detail = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        &format!("/api/desk/conversations/{}", inbox.conversation),
        None,
    )
    .await;
    assert_eq!(detail.json()["ticketId"], json!(id));

    let comments = format!("/api/desk/tickets/{id}/comments");
    for (body, internal) in [("We are on it", false), ("Check the warehouse", true)] {
        let written = admin(
            &inbox.app,
            &inbox.agent,
            Method::POST,
            &comments,
            Some(json!({"body": body, "internal": internal})),
        )
        .await;
        assert_eq!(written.status, 201, "{}", written.text);
        assert_eq!(written.json()["author"], "agent");
    }
    // The visitor's own ticket (the conversation's contact), public comments only.
    let mine = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        "/api/widget/tickets",
        None,
    )
    .await;
    assert_eq!(mine.json()["tickets"][0]["id"], json!(id));
    let seen = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        &format!("/api/widget/tickets/{id}"),
        None,
    )
    .await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    let comments = seen.json()["comments"].clone();
    let bodies: Vec<&str> = comments
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|comment| comment["body"].as_str())
        .collect();
    assert_eq!(bodies, ["We are on it"]);
    assert!(!seen.text.contains("warehouse"));

    // A visitor cannot forge an author or an internal comment: no such fields.
    let forged = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/tickets/{id}/comments"),
        Some(json!({"body": "hi", "internal": true})),
    )
    .await;
    assert_eq!(forged.status, 400, "{}", forged.text);
    let forged = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/tickets/{id}/comments"),
        Some(json!({"body": "hi", "authorId": "agent-1"})),
    )
    .await;
    assert_eq!(forged.status, 400, "{}", forged.text);
    // Waiting on the customer; their comment puts it back in progress, authored by them.
    patch(&inbox, &id, json!({"status": "waiting_on_customer"})).await;
    let replied = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        &format!("/api/widget/tickets/{id}/comments"),
        Some(json!({"body": "Here is my order number"})),
    )
    .await;
    assert_eq!(replied.status, 201, "{}", replied.text);
    assert_eq!(replied.json()["author"], "visitor");
    assert_eq!(replied.json()["internal"], false);
    let ticket = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        &format!("/api/desk/tickets/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(ticket["ticket"]["status"], "in_progress");
    assert_eq!(ticket["comments"].as_array().unwrap().len(), 3);

    // Another visitor of the same app reaches none of it.
    let other = boot(
        &inbox.app,
        Some(SHOP),
        "shop",
        json!({"deviceId": "device-0002"}),
    )
    .await;
    let other = other.json()["sessionToken"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        (Method::GET, format!("/api/widget/tickets/{id}"), None),
        (
            Method::POST,
            format!("/api/widget/tickets/{id}/comments"),
            Some(json!({"body": "mine now"})),
        ),
    ] {
        let response = as_visitor(&inbox.app, &other, method, &path, body).await;
        assert_eq!(response.status, 404, "{path}: {}", response.text);
    }
    let theirs = as_visitor(&inbox.app, &other, Method::GET, "/api/widget/tickets", None).await;
    assert_eq!(theirs.json()["tickets"], json!([]));
}

#[tokio::test]
async fn form_data_must_answer_the_form() {
    let inbox = inbox().await;
    let form = admin(
        &inbox.app,
        &inbox.owner,
        Method::POST,
        "/api/desk/ticket-forms",
        Some(json!({
            "name": "Bug report",
            "fields": [
                {"id": "order", "type": "text", "label": "Order", "required": true},
                {"id": "kind", "type": "select", "label": "Kind", "required": true,
                 "options": ["bug", "question"]},
                {"id": "seen", "type": "date", "label": "Seen on"}
            ]
        })),
    )
    .await;
    assert_eq!(form.status, 201, "{}", form.text);
    let form_id = form.json()["id"].as_str().unwrap().to_owned();
    let bad_form = admin(
        &inbox.app,
        &inbox.owner,
        Method::POST,
        "/api/desk/ticket-forms",
        Some(json!({"name": "Empty choice", "fields": [
            {"id": "a", "type": "select", "label": "A"},
            {"id": "a", "type": "text", "label": "Again"}
        ]})),
    )
    .await;
    assert_eq!(bad_form.status, 400, "{}", bad_form.text);

    // The visitor sees the form and must answer it.
    let forms = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::GET,
        "/api/widget/ticket-forms",
        None,
    )
    .await;
    assert_eq!(forms.json()["forms"][0]["id"], json!(form_id));
    let refused = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        "/api/widget/tickets",
        Some(json!({"subject": "Broken", "formId": form_id,
                    "formData": {"kind": "feature", "extra": 1}})),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    for field in ["formData.order", "formData.kind", "formData.extra"] {
        assert!(refused.text.contains(field), "{field}: {}", refused.text);
    }
    let filed = as_visitor(
        &inbox.app,
        &inbox.visitor,
        Method::POST,
        "/api/widget/tickets",
        Some(json!({"subject": "Broken", "formId": form_id,
                    "formData": {"order": "A-17", "kind": "bug", "seen": "2026-12-01"}})),
    )
    .await;
    assert_eq!(filed.status, 201, "{}", filed.text);
    assert_eq!(filed.json()["status"], "submitted");
    assert_eq!(filed.json()["formData"]["order"], "A-17");
    // Members see it, with its form.
    let id = filed.json()["id"].as_str().unwrap().to_owned();
    let detail = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        &format!("/api/desk/tickets/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(detail["form"]["name"], "Bug report");
    // A form of another workspace is not this one's.
    let theirs = inbox.app.workspace("theirs").await;
    let stranger = inbox
        .app
        .signed_in(
            "s@theirs.example",
            model::platform::users::Role::Owner,
            &theirs,
        )
        .await;
    let foreign = admin(
        &inbox.app,
        &stranger,
        Method::POST,
        "/api/desk/tickets",
        Some(json!({"subject": "x", "formId": form_id, "formData": {"order": "1", "kind": "bug"}})),
    )
    .await;
    assert_eq!(foreign.status, 400, "{}", foreign.text);
}
