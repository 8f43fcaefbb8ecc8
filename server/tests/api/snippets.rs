//! Tags and snippets over the real router (opencom's `tags.ts` and `snippets.ts`): tags are
//! unique per workspace in any case, applied to conversations idempotently, and deleting one
//! takes it off every conversation; snippets are searched by name, content or shortcut and
//! found by shortcut.

use axum::http::Method;
use serde_json::json;

use crate::inbox::inbox;
use crate::widget::admin;

#[tokio::test]
async fn tags_are_applied_filtered_on_and_removed_with_their_deletion() {
    let inbox = inbox().await;
    let create = |name: &'static str, color: Option<&'static str>| {
        let inbox = &inbox;
        async move {
            let mut body = json!({"name": name});
            if let Some(color) = color {
                body["color"] = json!(color);
            }
            admin(
                &inbox.app,
                &inbox.owner,
                Method::POST,
                "/api/desk/tags",
                Some(body),
            )
            .await
        }
    };
    let vip = create("VIP", Some("#1D4ED8")).await;
    assert_eq!(vip.status, 201, "{}", vip.text);
    assert_eq!(vip.json()["color"], "#1d4ed8");
    let vip = vip.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(create("vip", None).await.status, 409, "any case");
    assert_eq!(create("Bad colour", Some("blue")).await.status, 400);
    assert_eq!(create(" ", None).await.status, 400);
    // Defining tags needs tags.manage; a viewer has not.
    let viewer = admin(
        &inbox.app,
        &inbox.viewer,
        Method::POST,
        "/api/desk/tags",
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);

    let tags_path = format!("/api/desk/conversations/{}/tags", inbox.conversation);
    for _ in 0..2 {
        let attached = admin(
            &inbox.app,
            &inbox.agent,
            Method::POST,
            &tags_path,
            Some(json!({"tagId": vip})),
        )
        .await;
        assert_eq!(attached.status, 200, "{}", attached.text);
        assert_eq!(
            attached.json()["tags"].as_array().unwrap().len(),
            1,
            "idempotent"
        );
        assert_eq!(
            attached.json()["tags"][0]["appliedBy"],
            json!(inbox.agent_id)
        );
    }
    let listed = inbox.list(&inbox.agent, &format!("?tag={vip}")).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["tags"][0]["name"], "VIP");
    let tags = admin(
        &inbox.app,
        &inbox.agent,
        Method::GET,
        "/api/desk/tags",
        None,
    )
    .await;
    assert_eq!(tags.json()["tags"][0]["conversationCount"], 1);
    // A viewer cannot tag.
    let viewer = admin(
        &inbox.app,
        &inbox.viewer,
        Method::POST,
        &tags_path,
        Some(json!({"tagId": vip})),
    )
    .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);

    let renamed = admin(
        &inbox.app,
        &inbox.owner,
        Method::PATCH,
        &format!("/api/desk/tags/{vip}"),
        Some(json!({"name": "Priority customer"})),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.json()["conversationCount"], 1);
    let deleted = admin(
        &inbox.app,
        &inbox.owner,
        Method::DELETE,
        &format!("/api/desk/tags/{vip}"),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let left = admin(&inbox.app, &inbox.agent, Method::GET, &tags_path, None).await;
    assert_eq!(left.json()["tags"], json!([]));
    assert!(
        inbox
            .list(&inbox.agent, &format!("?tag={vip}"))
            .await
            .is_empty()
    );
    // Detaching what is not there is "not found".
    let missing = admin(
        &inbox.app,
        &inbox.agent,
        Method::DELETE,
        &format!("{tags_path}/{vip}"),
        None,
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.text);
}

#[tokio::test]
async fn snippets_are_searched_and_found_by_shortcut() {
    let inbox = inbox().await;
    let create = |name: &'static str, content: &'static str, shortcut: Option<&'static str>| {
        let inbox = &inbox;
        async move {
            admin(
                &inbox.app,
                &inbox.agent,
                Method::POST,
                "/api/desk/snippets",
                Some(json!({"name": name, "content": content, "shortcut": shortcut})),
            )
            .await
        }
    };
    let thanks = create("Thanks", "Thank you for waiting!", Some("/Thanks")).await;
    assert_eq!(thanks.status, 201, "{}", thanks.text);
    assert_eq!(thanks.json()["shortcut"], "thanks");
    let refund = create(
        "Refund policy",
        "Refunds take 5 days (100% of it).",
        Some("refund"),
    )
    .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    assert_eq!(create("Dup", "x", Some("thanks")).await.status, 409);
    assert_eq!(create("Bad", "x", Some("two words")).await.status, 400);
    assert_eq!(create("Empty", " ", None).await.status, 400);

    let search = |query: &'static str| {
        let inbox = &inbox;
        async move {
            let found = admin(
                &inbox.app,
                &inbox.agent,
                Method::GET,
                &format!("/api/desk/snippets{query}"),
                None,
            )
            .await;
            assert_eq!(found.status, 200, "{}", found.text);
            found.json()["snippets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|snippet| snippet["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("").await, ["Refund policy", "Thanks"]);
    assert_eq!(
        search("?search=WAITING").await,
        ["Thanks"],
        "content, any case"
    );
    assert_eq!(
        search("?search=100%25").await,
        ["Refund policy"],
        "% is literal"
    );
    assert_eq!(search("?search=efun").await, ["Refund policy"]);
    assert_eq!(search("?shortcut=/refund").await, ["Refund policy"]);
    assert!(search("?shortcut=nothing").await.is_empty());

    let id = thanks.json()["id"].as_str().unwrap().to_owned();
    let cleared = admin(
        &inbox.app,
        &inbox.agent,
        Method::PATCH,
        &format!("/api/desk/snippets/{id}"),
        Some(json!({"shortcut": null, "content": "Thanks a lot!"})),
    )
    .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert!(cleared.json()["shortcut"].is_null());
    assert!(search("?shortcut=thanks").await.is_empty());
    // A viewer may use snippets but not change them.
    let viewer = admin(
        &inbox.app,
        &inbox.viewer,
        Method::DELETE,
        &format!("/api/desk/snippets/{id}"),
        None,
    )
    .await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);
    let deleted = admin(
        &inbox.app,
        &inbox.agent,
        Method::DELETE,
        &format!("/api/desk/snippets/{id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(search("").await, ["Refund policy"]);
}
