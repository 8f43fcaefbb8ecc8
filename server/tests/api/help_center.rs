//! The help center over the real router: articles' lifecycle and who retrieves them (the voice
//! agent: published, either visibility; end users: published and public; nobody: drafts and
//! archived articles), collections as a tree, the public pages, and one ballot per reader.

use axum::body::Body;
use axum::http::Method;
use model::platform::users::Role;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp};
use crate::widget::{SHOP, admin, as_visitor, boot};

/// An app whose widget boots from the shop, a visitor's widget token, and the workspace
/// owner's dashboard cookie.
pub async fn help_app(app: &TestApp, slug: &str) -> (Tenant, String, String) {
    let tenant = app.tenant(slug).await;
    let workspace_id = app
        .services
        .platform()
        .app_by_slug(&domain::Actor::operator(), slug)
        .await
        .unwrap()
        .workspace_id;
    let cookie = app
        .signed_in(&format!("owner@{slug}.example"), Role::Owner, &workspace_id)
        .await;
    let patched = admin(
        app,
        &cookie,
        Method::PATCH,
        &format!("/api/admin/apps/{slug}"),
        Some(json!({"allowedOrigins": [SHOP]})),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let token = visitor(app, slug, "device-0001").await;
    (tenant, token, cookie)
}

pub async fn visitor(app: &TestApp, slug: &str, device: &str) -> String {
    let booted = boot(app, Some(SHOP), slug, json!({"deviceId": device})).await;
    assert_eq!(booted.status, 200, "{}", booted.text);
    booted.json()["sessionToken"].as_str().unwrap().to_owned()
}

pub async fn add(app: &TestApp, tenant: &Tenant, body: Value) -> String {
    let added = app.post_as(tenant, "/api/knowledge", body).await;
    assert_eq!(added.status, 200, "{}", added.text);
    added.json()["id"].as_str().unwrap().to_owned()
}

/// Titles the voice agent's search finds for `query` in `mode`.
async fn agent_finds(app: &TestApp, tenant: &Tenant, query: &str, mode: &str) -> Vec<String> {
    let found = app
        .post_as(
            tenant,
            "/api/knowledge/search",
            json!({"query": query, "mode": mode, "topK": 10}),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let mut titles: Vec<String> = found.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles.dedup();
    titles
}

/// Titles a widget visitor's help search finds.
async fn reader_finds(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let found = as_visitor(
        app,
        token,
        Method::GET,
        &format!("/api/widget/help/search?q={}", query.replace(' ', "+")),
        None,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let mut titles: Vec<String> = found.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn drafts_are_never_retrieved_and_end_users_see_only_published_public_articles() {
    let app = TestApp::new().await;
    let (tenant, token, _) = help_app(&app, "help").await;
    let text = "Refunds for damaged parcels arrive within five business days.";
    let public = add(
        &app,
        &tenant,
        json!({"title": "Public refunds", "category": "faq", "content": text,
               "visibility": "public"}),
    )
    .await;
    // The agent API's default: published and internal, as before articles had a lifecycle.
    let internal = add(
        &app,
        &tenant,
        json!({"title": "Internal refunds", "category": "faq", "content": text}),
    )
    .await;
    add(
        &app,
        &tenant,
        json!({"title": "Draft refunds", "category": "faq", "content": text,
               "visibility": "public", "status": "draft"}),
    )
    .await;
    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{internal}"))
        .await
        .json();
    assert_eq!(detail["status"], "published");
    assert_eq!(detail["visibility"], "internal");
    assert_eq!(detail["slug"], "internal-refunds");

    let both = ["Internal refunds", "Public refunds"];
    for mode in ["hybrid", "vector", "text"] {
        assert_eq!(
            agent_finds(&app, &tenant, "refunds damaged parcels", mode).await,
            both,
            "{mode}"
        );
    }
    assert_eq!(
        reader_finds(&app, &token, "refunds damaged parcels").await,
        ["Public refunds"]
    );
    let page = app.get("/help/help/articles/public-refunds").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("five business days"), "{}", page.text);
    for hidden in ["internal-refunds", "draft-refunds"] {
        let page = app.get(&format!("/help/help/articles/{hidden}")).await;
        assert_eq!(page.status, 404, "{hidden}");
        let widget = as_visitor(
            &app,
            &token,
            Method::GET,
            &format!("/api/widget/help/articles/{hidden}"),
            None,
        )
        .await;
        assert_eq!(widget.status, 404, "{hidden}");
    }

    // Unpublished, the article is a draft: nobody retrieves it. Published again, it is back.
    let path = |action: &str| format!("/api/knowledge/documents/{public}/{action}");
    let unpublished = app
        .call_as(&tenant, Method::POST, &path("unpublish"), None)
        .await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    assert_eq!(
        agent_finds(&app, &tenant, "refunds damaged parcels", "hybrid").await,
        ["Internal refunds"]
    );
    assert!(reader_finds(&app, &token, "refunds").await.is_empty());
    assert_eq!(
        app.get("/help/help/articles/public-refunds").await.status,
        404
    );
    app.call_as(&tenant, Method::POST, &path("publish"), None)
        .await;
    assert_eq!(
        reader_finds(&app, &token, "refunds").await,
        ["Public refunds"]
    );
    // Made internal by PATCH: the voice agent still finds it; readers do not.
    let patched = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/knowledge/documents/{public}"),
            Some(json!({"visibility": "internal"})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert!(reader_finds(&app, &token, "refunds").await.is_empty());
    assert_eq!(
        agent_finds(&app, &tenant, "refunds damaged parcels", "vector").await,
        both
    );
    // Archived: kept, never retrieved.
    app.call_as(&tenant, Method::POST, &path("archive"), None)
        .await;
    assert_eq!(
        agent_finds(&app, &tenant, "refunds damaged parcels", "text").await,
        ["Internal refunds"]
    );
    let archived = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{public}"))
        .await
        .json();
    assert_eq!(archived["status"], "archived");
    assert_eq!(archived["content"], text);

    // Replacing a document by title keeps its lifecycle unless the request changes it.
    add(
        &app,
        &tenant,
        json!({"title": "Draft refunds", "category": "faq", "content": "Changed words."}),
    )
    .await;
    let drafts = app.get_as(&tenant, "/api/knowledge/documents").await.json();
    let draft = drafts["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "Draft refunds")
        .unwrap()
        .clone();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["visibility"], "public");
}

#[tokio::test]
async fn slugs_are_unicode_safe_and_unique_per_app() {
    let app = TestApp::new().await;
    let tenant = app.tenant("slugs").await;
    let other = app.tenant("other-slugs").await;
    let slug_of = |id: String| {
        let app = &app;
        let tenant = &tenant;
        async move {
            app.get_as(tenant, &format!("/api/knowledge/documents/{id}"))
                .await
                .json()["slug"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let russian = add(
        &app,
        &tenant,
        json!({"title": "Возврат денег", "category": "faq", "content": "Деньги вернутся."}),
    )
    .await;
    assert_eq!(slug_of(russian).await, "возврат-денег");
    let first = add(
        &app,
        &tenant,
        json!({"title": "Returns!", "category": "faq", "content": "One."}),
    )
    .await;
    let second = add(
        &app,
        &tenant,
        json!({"title": "Returns?", "category": "faq", "content": "Two."}),
    )
    .await;
    assert_eq!(slug_of(first.clone()).await, "returns");
    assert_eq!(slug_of(second).await, "returns-2");
    // Another app may use the same slug.
    let elsewhere = app
        .post_as(
            &other,
            "/api/knowledge",
            json!({"title": "Returns", "category": "faq", "content": "Mine.", "slug": "returns"}),
        )
        .await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text);
    // A taken or malformed slug is refused, and nothing changes.
    let taken = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/knowledge/documents/{first}"),
            Some(json!({"slug": "returns-2"})),
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    for bad in ["Returns", "a b", "-a", "a--b", ""] {
        let refused = app
            .call_as(
                &tenant,
                Method::PATCH,
                &format!("/api/knowledge/documents/{first}"),
                Some(json!({"slug": bad})),
            )
            .await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.text);
        assert_eq!(refused.json()["code"], "INVALID_INPUT", "{}", refused.text);
    }
    assert_eq!(slug_of(first).await, "returns");
}

#[tokio::test]
async fn collections_form_a_tree_in_one_app_and_must_be_empty_to_go() {
    let app = TestApp::new().await;
    let (tenant, token, _) = help_app(&app, "tree").await;
    let other = app.tenant("other-tree").await;
    let create = |body: Value| {
        let app = &app;
        let tenant = &tenant;
        async move {
            app.call_as(tenant, Method::POST, "/api/help/collections", Some(body))
                .await
        }
    };
    let id = |response: crate::helpers::TestResponse| {
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()["id"].as_str().unwrap().to_owned()
    };
    let billing = id(create(json!({"name": "Billing"})).await);
    let shipping = id(create(json!({"name": "Shipping"})).await);
    let refunds = id(create(json!({"name": "Refunds", "parentId": billing})).await);
    let cards = id(create(json!({"name": "Cards", "parentId": refunds})).await);
    assert_eq!(
        create(json!({"name": "Billing"})).await.status,
        409,
        "slug taken"
    );
    // A parent from another app is refused like a missing one.
    let theirs = app
        .call_as(
            &other,
            Method::POST,
            "/api/help/collections",
            Some(json!({"name": "Theirs"})),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign = create(json!({"name": "Mine", "parentId": theirs})).await;
    assert_eq!(foreign.status, 400, "{}", foreign.text);

    // No cycles: not under itself, not under a descendant.
    let patch = |id: &str, body: Value| {
        let app = &app;
        let tenant = &tenant;
        let path = format!("/api/help/collections/{id}");
        async move { app.call_as(tenant, Method::PATCH, &path, Some(body)).await }
    };
    assert_eq!(
        patch(&billing, json!({"parentId": billing})).await.status,
        409
    );
    assert_eq!(
        patch(&billing, json!({"parentId": cards})).await.status,
        409
    );
    assert_eq!(
        patch(&billing, json!({"parentId": theirs})).await.status,
        400
    );
    let moved = patch(&cards, json!({"parentId": billing})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json()["position"], 1, "last among its new siblings");

    let reordered = app
        .call_as(
            &tenant,
            Method::POST,
            "/api/help/collections/reorder",
            Some(json!({"parentId": billing, "ids": [cards, refunds]})),
        )
        .await;
    assert_eq!(reordered.status, 200, "{}", reordered.text);
    let partial = app
        .call_as(
            &tenant,
            Method::POST,
            "/api/help/collections/reorder",
            Some(json!({"ids": [shipping]})),
        )
        .await;
    assert_eq!(
        partial.status, 400,
        "every sibling, each once: {}",
        partial.text
    );
    let tree = app
        .get_as(&tenant, "/api/help/collections/tree")
        .await
        .json();
    let names = |nodes: &Value| -> Vec<String> {
        nodes
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&tree["collections"]), ["Billing", "Shipping"]);
    assert_eq!(
        names(&tree["collections"][0]["children"]),
        ["Cards", "Refunds"]
    );

    // An article in Cards: the help center shows Billing and Cards, not the empty Shipping.
    add(
        &app,
        &tenant,
        json!({"title": "Card refunds", "category": "faq", "content": "Card refunds take a week.",
               "visibility": "public", "collectionId": cards}),
    )
    .await;
    let home = as_visitor(&app, &token, Method::GET, "/api/widget/help", None).await;
    assert_eq!(home.status, 200, "{}", home.text);
    assert_eq!(names(&home.json()["collections"]), ["Billing", "Cards"]);
    let page = app.get("/help/tree/collections/cards").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Card refunds"), "{}", page.text);
    assert!(page.text.contains("--brand: #1d4ed8"), "the default colour");
    // The app's colour and name on every page.
    let looked = app
        .call_as(
            &tenant,
            Method::PUT,
            "/api/help/settings",
            Some(json!({"color": "#0E7C66"})),
        )
        .await;
    assert_eq!(looked.json()["color"], "#0e7c66", "{}", looked.text);
    let bad = app
        .call_as(
            &tenant,
            Method::PUT,
            "/api/help/settings",
            Some(json!({"color": "green"})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let front = app.get("/help/tree").await;
    assert!(front.text.contains("--brand: #0e7c66"), "{}", front.text);
    assert!(
        front.text.contains("App tree Help Center"),
        "{}",
        front.text
    );
    assert_eq!(home.json()["appName"], "App tree");
    assert_eq!(app.get("/help/tree/collections/shipping").await.status, 404);
    assert_eq!(app.get("/help/no-such-app").await.status, 404);

    // Only an empty collection may be deleted.
    let delete = |id: &str| {
        let app = &app;
        let tenant = &tenant;
        let path = format!("/api/help/collections/{id}");
        async move { app.call_as(tenant, Method::DELETE, &path, None).await }
    };
    assert_eq!(delete(&cards).await.status, 409, "holds an article");
    assert_eq!(delete(&billing).await.status, 409, "holds collections");
    assert_eq!(delete(&shipping).await.status, 204);
    assert_eq!(delete(&shipping).await.status, 404);
}

#[tokio::test]
async fn one_ballot_per_reader_so_votes_cannot_be_stuffed() {
    let app = TestApp::new().await;
    let (tenant, token, _) = help_app(&app, "votes").await;
    let id = add(
        &app,
        &tenant,
        json!({"title": "Shipping times", "category": "faq", "content": "Three days.",
               "visibility": "public"}),
    )
    .await;
    let vote = |token: String, helpful: bool| {
        let app = &app;
        async move {
            as_visitor(
                app,
                &token,
                Method::POST,
                "/api/widget/help/articles/shipping-times/feedback",
                Some(json!({"helpful": helpful})),
            )
            .await
        }
    };
    let counts = || {
        let app = &app;
        let tenant = &tenant;
        let id = id.clone();
        async move {
            let detail = app
                .get_as(tenant, &format!("/api/knowledge/documents/{id}"))
                .await
                .json();
            (
                detail["feedback"]["helpful"].as_i64().unwrap(),
                detail["feedback"]["notHelpful"].as_i64().unwrap(),
            )
        }
    };
    for _ in 0..5 {
        assert_eq!(vote(token.clone(), true).await.status, 204);
    }
    assert_eq!(
        counts().await,
        (1, 0),
        "five votes of one session count once"
    );
    vote(token.clone(), false).await;
    assert_eq!(counts().await, (0, 1), "a second vote replaces the first");
    let second = visitor(&app, "votes", "device-0002").await;
    vote(second, true).await;
    assert_eq!(counts().await, (1, 1));

    // The public page's form: one ballot per reader cookie.
    let form = |cookie: Option<&str>| {
        let app = &app;
        let cookie = cookie.map(str::to_owned);
        async move {
            let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
            if let Some(cookie) = cookie.as_deref() {
                headers.push(("cookie", cookie));
            }
            app.send(
                Method::POST,
                "/help/votes/articles/shipping-times/feedback",
                &headers,
                Body::from("helpful=true"),
            )
            .await
        }
    };
    let first = form(None).await;
    assert_eq!(first.status, 303, "{}", first.text);
    assert_eq!(
        first.header("location"),
        Some("/help/votes/articles/shipping-times?voted=1")
    );
    let cookie = first
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(counts().await, (2, 1));
    for _ in 0..3 {
        let again = form(Some(&cookie)).await;
        assert_eq!(again.status, 303);
        assert_eq!(
            again.header("set-cookie"),
            None,
            "the reader keeps their cookie"
        );
    }
    assert_eq!(counts().await, (2, 1), "the same reader counts once");

    // Votes only on published public articles; counts are not public.
    let missing = vote(token.clone(), true).await;
    assert_eq!(missing.status, 204);
    let draft = app
        .call_as(
            &tenant,
            Method::POST,
            &format!("/api/knowledge/documents/{id}/unpublish"),
            None,
        )
        .await;
    assert_eq!(draft.status, 200);
    assert_eq!(vote(token.clone(), true).await.status, 404);
    assert_eq!(form(Some(&cookie)).await.status, 404);
    let article = as_visitor(&app, &token, Method::GET, "/api/widget/help", None).await;
    assert!(!article.text.contains("helpful"), "{}", article.text);
}
