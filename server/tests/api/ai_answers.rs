//! AI answers in chat over the real router: the AI answers a visitor from published public
//! articles only, citing them; hands off below its threshold or when asked for a human (with
//! when humans are back, outside working hours); stays silent once it handed off or a member
//! replied; takes ratings that feed knowledge gaps; and, with a model, grounds it in the
//! sources and falls back visibly when the model fails. The model is a fake OpenAI-compatible
//! server on loopback.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use domain::{OpenAiSettings, Secret};
use serde_json::{Value, json};

use crate::fakes::{FakeServer, Received};
use crate::help_center::{add, help_app, visitor};
use crate::helpers::{Tenant, TestApp, test_integrations};
use crate::widget::{admin, as_visitor};

const REFUNDS: &str = "Refunds arrive within five business days of the return being received. \
    The money goes back to the card you paid with.";
const SECRET_PROCESS: &str = "Zebra override: refunds over 500 euros need the zebra approval \
    code from a manager.";

/// The app's articles: a public one, an internal one and a draft.
async fn articles(app: &TestApp, tenant: &Tenant) {
    add(
        app,
        tenant,
        json!({"title": "Refund policy", "category": "faq", "content": REFUNDS,
               "visibility": "public"}),
    )
    .await;
    add(
        app,
        tenant,
        json!({"title": "Zebra override", "category": "ops", "content": SECRET_PROCESS}),
    )
    .await;
    add(
        app,
        tenant,
        json!({"title": "Zebra draft", "category": "faq", "content": SECRET_PROCESS,
               "visibility": "public", "status": "draft"}),
    )
    .await;
}

async fn configure(app: &TestApp, tenant: &Tenant, settings: Value) {
    let put = app
        .call_as(tenant, Method::PUT, "/api/ai-agent", Some(settings))
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
}

/// Writes in the visitor's chat and waits for the AI's turn after it (or `None` if there is
/// none within 20 s: the whole suite shares two cores). The turn may already be in the answer
/// to the write: the AI runs as soon as the message is stored.
async fn ask(app: &TestApp, token: &str, text: &str) -> (String, Option<Value>) {
    let opened = as_visitor(
        app,
        token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": text})),
    )
    .await;
    assert!(opened.status.is_success(), "{}", opened.text);
    let id = opened.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..400 {
        let messages = thread(app, token, &id).await;
        let asked = messages
            .iter()
            .rposition(|m| m["sender"] == "visitor" && m["body"] == text)
            .expect("the visitor's message");
        if let Some(reply) = messages[asked + 1..]
            .iter()
            .find(|m| m["sender"] != "visitor")
        {
            assert_eq!(reply["sender"], "bot", "{reply}");
            return (id, Some(reply.clone()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (id, None)
}

async fn thread(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let page = as_visitor(
        app,
        token,
        Method::GET,
        &format!("/api/widget/conversations/{id}/messages"),
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    page.json()["messages"].as_array().unwrap().clone()
}

/// Waits long enough for an AI turn that should not come, then counts the messages.
async fn settled_count(app: &TestApp, token: &str, id: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(600)).await;
    thread(app, token, id).await.len()
}

async fn needs_human(app: &TestApp, cookie: &str) -> Vec<String> {
    let listed = admin(
        app,
        cookie,
        Method::GET,
        "/api/desk/conversations?needsHuman=true&status=open",
        None,
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    listed.json()["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["conversation"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_ai_answers_from_public_articles_and_hands_off_when_unsure() {
    let app = TestApp::new().await;
    let (tenant, token, cookie) = help_app(&app, "ai").await;
    articles(&app, &tenant).await;
    // Off by default: a chat waits for a human, as without AI.
    let defaults = app.get_as(&tenant, "/api/ai-agent").await.json();
    assert_eq!(defaults["enabled"], false);
    assert_eq!(defaults["model"], "knowledge");
    let opened = as_visitor(
        &app,
        &token,
        Method::POST,
        "/api/widget/conversations",
        Some(json!({"body": "How long do refunds take?"})),
    )
    .await;
    let first = opened.json()["conversation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        settled_count(&app, &token, &first).await,
        1,
        "AI answers are off by default"
    );
    // The first chat stays open; a new visitor starts fresh.
    let token = visitor(&app, "ai", "device-0002").await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "confidenceThreshold": 0.45}),
    )
    .await;

    let (answered_id, answer) = ask(&app, &token, "How long do refunds take?").await;
    let answer = answer.expect("an answer");
    assert!(
        answer["body"]
            .as_str()
            .unwrap()
            .contains("five business days"),
        "{answer}"
    );
    let ai = &answer["ai"];
    assert_eq!(ai["handedOff"], false, "{ai}");
    assert_eq!(ai["sources"][0]["title"], "Refund policy");
    assert_eq!(ai["sources"][0]["url"], "/help/ai/articles/refund-policy");
    assert!(ai["confidence"].as_f64().unwrap() >= 0.45, "{ai}");
    assert!(ai["latencyMs"].as_i64().unwrap() >= 0);
    assert!(!needs_human(&app, &cookie).await.contains(&answered_id));
    // Nothing of the internal article or the draft reaches the visitor.
    let (handed_id, handoff) = ask(&app, &token, "What is the zebra approval code?").await;
    let handoff = handoff.expect("a handoff");
    assert!(
        !handoff.to_string().to_lowercase().contains("override"),
        "{handoff}"
    );
    // The same chat: the AI answered it before, and now hands it off.
    assert_eq!(handed_id, answered_id);
    assert_eq!(
        handoff["body"],
        "Let me connect you with a human agent who can help you better."
    );
    assert_eq!(handoff["ai"]["handedOff"], true);
    assert_eq!(handoff["ai"]["handoffReason"], "low_confidence");
    assert_eq!(
        needs_human(&app, &cookie).await,
        std::slice::from_ref(&handed_id)
    );
    // Handed off, the AI stays silent even on a question it could answer.
    let before = thread(&app, &token, &handed_id).await.len();
    as_visitor(
        &app,
        &token,
        Method::POST,
        &format!("/api/widget/conversations/{handed_id}/messages"),
        Some(json!({"body": "How long do refunds take?"})),
    )
    .await;
    assert_eq!(settled_count(&app, &token, &handed_id).await, before + 1);
    // A member's reply clears "needs human"; the AI still stays silent after it.
    let reply = admin(
        &app,
        &cookie,
        Method::POST,
        &format!("/api/desk/conversations/{handed_id}/messages"),
        Some(json!({"body": "Hi, a human here."})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert!(needs_human(&app, &cookie).await.is_empty());
    as_visitor(
        &app,
        &token,
        Method::POST,
        &format!("/api/widget/conversations/{handed_id}/messages"),
        Some(json!({"body": "And how long do refunds take?"})),
    )
    .await;
    assert_eq!(settled_count(&app, &token, &handed_id).await, before + 3);
    // The Inbox shows the AI's turns with their sources and confidence.
    let page = admin(
        &app,
        &cookie,
        Method::GET,
        &format!("/api/desk/conversations/{handed_id}"),
        None,
    )
    .await;
    let messages = page.json()["messages"].as_array().unwrap().clone();
    let ai_turns: Vec<&Value> = messages.iter().filter(|m| m["ai"].is_object()).collect();
    assert_eq!(ai_turns.len(), 2, "{messages:?}");
    assert_eq!(ai_turns[0]["ai"]["sources"][0]["title"], "Refund policy");
}

#[tokio::test]
async fn asking_for_a_human_hands_off_and_says_when_humans_are_back() {
    let app = TestApp::new().await;
    let (tenant, token, cookie) = help_app(&app, "hours").await;
    articles(&app, &tenant).await;
    // Open only tomorrow: now is outside working hours, whatever the time.
    let tomorrow = time::OffsetDateTime::now_utc().weekday().next();
    let day = tomorrow.to_string().to_lowercase();
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "handoffMessage": "A teammate will take it from here.",
               "workingHours": {"timezone": "UTC",
                                "days": [{"day": day, "start": "09:00", "end": "17:00"}]}}),
    )
    .await;
    let (id, handoff) = ask(&app, &token, "Can I talk to a human please?").await;
    let handoff = handoff.expect("a handoff");
    assert_eq!(handoff["ai"]["handoffReason"], "asked_for_human");
    assert_eq!(
        handoff["body"],
        "A teammate will take it from here. Our team is away right now and will be back \
         tomorrow at 09:00 (UTC)."
    );
    assert_eq!(needs_human(&app, &cookie).await, [id]);

    // Bad settings are refused whole.
    for bad in [
        json!({"enabled": true, "confidenceThreshold": 1.5}),
        json!({"enabled": true, "model": "gpt-4"}),
        json!({"enabled": true, "collectionIds": ["nope"]}),
        json!({"enabled": true, "handoffMessage": " "}),
        json!({"enabled": true, "workingHours": {"timezone": "Mars/Olympus", "days": []}}),
        json!({"enabled": true, "workingHours": {"timezone": "UTC",
                "days": [{"day": "monday", "start": "17:00", "end": "09:00"}]}}),
    ] {
        let refused = app
            .call_as(&tenant, Method::PUT, "/api/ai-agent", Some(bad.clone()))
            .await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.text);
    }
    let kept = app.get_as(&tenant, "/api/ai-agent").await.json();
    assert_eq!(kept["handoffMessage"], "A teammate will take it from here.");
}

#[tokio::test]
async fn the_ai_answers_only_from_its_collections() {
    let app = TestApp::new().await;
    let (tenant, token, _) = help_app(&app, "scoped").await;
    let collection = |name: &str, parent: Option<&str>| {
        let app = &app;
        let tenant = &tenant;
        let mut body = json!({"name": name});
        if let Some(parent) = parent {
            body["parentId"] = json!(parent);
        }
        async move {
            let made = app
                .call_as(tenant, Method::POST, "/api/help/collections", Some(body))
                .await;
            assert_eq!(made.status, 201, "{}", made.text);
            made.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let billing = collection("Billing", None).await;
    let refunds = collection("Refunds", Some(&billing)).await;
    let shipping = collection("Shipping", None).await;
    add(
        &app,
        &tenant,
        json!({"title": "Refund policy", "category": "faq", "content": REFUNDS,
               "visibility": "public", "collectionId": refunds}),
    )
    .await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "confidenceThreshold": 0.45, "collectionIds": [shipping]}),
    )
    .await;
    let (_, outside) = ask(&app, &token, "How long do refunds take?").await;
    assert_eq!(outside.unwrap()["ai"]["handoffReason"], "low_confidence");
    // Billing holds Refunds: choosing it takes its subcollections in.
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "confidenceThreshold": 0.45, "collectionIds": [billing]}),
    )
    .await;
    let token = visitor(&app, "scoped", "device-0002").await;
    let (_, inside) = ask(&app, &token, "How long do refunds take?").await;
    assert_eq!(
        inside.unwrap()["ai"]["sources"][0]["title"],
        "Refund policy"
    );
}

#[tokio::test]
async fn an_unhelpful_rating_records_a_knowledge_gap_and_ratings_stay_the_visitors() {
    let app = TestApp::new().await;
    let (tenant, token, cookie) = help_app(&app, "rated").await;
    articles(&app, &tenant).await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "confidenceThreshold": 0.45}),
    )
    .await;
    let (id, answer) = ask(&app, &token, "How long do refunds take?").await;
    let answer = answer.unwrap();
    let message_id = answer["id"].as_str().unwrap();
    let path = format!("/api/widget/conversations/{id}/messages/{message_id}/feedback");
    let other = visitor(&app, "rated", "device-0002").await;
    let stranger = as_visitor(
        &app,
        &other,
        Method::POST,
        &path,
        Some(json!({"helpful": false})),
    )
    .await;
    assert_eq!(stranger.status, 404, "{}", stranger.text);
    let first_message = thread(&app, &token, &id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let not_ai = as_visitor(
        &app,
        &token,
        Method::POST,
        &format!("/api/widget/conversations/{id}/messages/{first_message}/feedback"),
        Some(json!({"helpful": true})),
    )
    .await;
    assert_eq!(
        not_ai.status, 404,
        "the visitor's own message is no AI answer"
    );
    let rated = as_visitor(
        &app,
        &token,
        Method::POST,
        &path,
        Some(json!({"helpful": false})),
    )
    .await;
    assert_eq!(rated.status, 204, "{}", rated.text);
    let gaps = app.get_as(&tenant, "/api/knowledge/gaps").await.json();
    let questions: Vec<&str> = gaps["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["query"].as_str().unwrap())
        .collect();
    assert!(questions.contains(&"How long do refunds take?"), "{gaps}");
    let messages = thread(&app, &token, &id).await;
    assert_eq!(messages.last().unwrap()["ai"]["helpful"], false);

    // The AI agent page counts the turns and their ratings.
    let (_, handoff) = ask(&app, &token, "Can I talk to a human please?").await;
    assert_eq!(handoff.unwrap()["ai"]["handedOff"], true);
    let page = admin(&app, &cookie, Method::GET, "/apps/rated/ai-agent", None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    for (label, value) in [
        ("Answered by the AI", "1"),
        ("Handed to a person", "1"),
        ("Answered without a person", "50%"),
        ("Rated helpful / not helpful", "0 / 1"),
    ] {
        assert!(
            page.text.contains(&format!(
                "<p class=\"stat-label\">{label}</p><p class=\"stat-value\">{value}</p>"
            )),
            "{label}: {}",
            page.text
        );
    }
}

/// A fake OpenAI-compatible `/chat/completions`: `answer` for every request, or HTTP 500.
async fn fake_model(answer: Option<&'static str>) -> FakeServer {
    FakeServer::start(Arc::new(move |_, _: &Received| match answer {
        Some(text) => (
            StatusCode::OK,
            json!({"id": "chatcmpl-1", "object": "chat.completion",
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": text}}]})
            .to_string(),
        ),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":{"message":"overloaded"}}"#.to_owned(),
        ),
    }))
    .await
}

async fn app_with_model(model: &FakeServer) -> TestApp {
    TestApp::with_integrations(domain::Integrations {
        openai: OpenAiSettings {
            api_key: Secret::new(Some("test-openai-key".to_owned())),
            base_url: Some(format!("{}/v1", model.url)),
        },
        ..test_integrations()
    })
    .await
}

#[tokio::test]
async fn a_model_answers_from_the_sources_and_a_failing_one_hands_off_visibly() {
    // The answer offers a human without handing off: it is still an answer.
    let offered = "Refunds take five business days (Refund policy). If you need more help, \
                   I can connect you with a human agent.";
    let model = fake_model(Some(offered)).await;
    let app = app_with_model(&model).await;
    let (tenant, token, _) = help_app(&app, "llm").await;
    articles(&app, &tenant).await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "model": "openai/small-model", "confidenceThreshold": 0.45}),
    )
    .await;
    let (_, answer) = ask(&app, &token, "How long do refunds take?").await;
    let answer = answer.unwrap();
    assert_eq!(answer["body"], offered);
    assert_eq!(answer["ai"]["handedOff"], false);
    assert_eq!(answer["ai"]["model"], "openai/small-model");
    let sent = model.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].uri.path(), "/v1/chat/completions");
    assert_eq!(
        sent[0].header("authorization"),
        Some("Bearer test-openai-key")
    );
    let request = sent[0].json();
    assert_eq!(request["model"], "small-model");
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("five business days"), "grounded: {system}");
    assert!(!system.contains("zebra"), "no internal article: {system}");
    assert_eq!(
        request["messages"][1]["content"],
        "How long do refunds take?"
    );

    let broken = fake_model(None).await;
    let app = app_with_model(&broken).await;
    let (tenant, token, _) = help_app(&app, "llm-down").await;
    articles(&app, &tenant).await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "model": "openai/small-model", "confidenceThreshold": 0.45}),
    )
    .await;
    let (_, fallback) = ask(&app, &token, "How long do refunds take?").await;
    let fallback = fallback.unwrap();
    assert_eq!(fallback["ai"]["handoffReason"], "failed");
    assert_eq!(
        fallback["body"],
        "Sorry, I'm having trouble answering right now. Let me connect you with a human agent \
         who can help you better."
    );
    // A model that says the sources do not answer hands off.
    let unsure = fake_model(Some("NO_ANSWER")).await;
    let app = app_with_model(&unsure).await;
    let (tenant, token, _) = help_app(&app, "llm-unsure").await;
    articles(&app, &tenant).await;
    configure(
        &app,
        &tenant,
        json!({"enabled": true, "model": "openai/small-model", "confidenceThreshold": 0.45}),
    )
    .await;
    let (_, unsure_answer) = ask(&app, &token, "How long do refunds take?").await;
    assert_eq!(
        unsure_answer.unwrap()["ai"]["handoffReason"],
        "low_confidence"
    );
}
