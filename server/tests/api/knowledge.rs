//! The knowledge base over HTTP: documents, ingestion, hybrid search, gaps and metrics, with the
//! real local model, and the remote providers against fakes of their APIs.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use domain::agent::knowledge::embeddings::{EmbeddingProvider, EmbeddingSettings};
use domain::{GeminiSettings, Integrations, OpenAiSettings, Secret, Services};
use model::platform::apps::AppSettings;
use serde_json::{Value, json};

use crate::fakes::{FakeServer, Received};
use crate::helpers::{Tenant, TestApp, TestResponse, test_integrations};

const DOCUMENTS: [(&str, &str, &str); 4] = [
    (
        "Return Policy",
        "policy",
        "Items can be returned within 30 days of purchase with original receipt. Refunds go \
         back to the original payment method within 5 business days.",
    ),
    (
        "Shipping Times",
        "shipping",
        "Standard shipping takes 3 to 5 business days. Express shipping arrives the next \
         business day when ordered before 2pm.",
    ),
    (
        "Store Hours",
        "faq",
        "Our stores are open Monday to Saturday from 9am to 8pm, and on Sunday from 10am to 6pm.",
    ),
    (
        "Warranty",
        "policy",
        "Electronics carry a two-year manufacturer warranty covering defects in materials and \
         workmanship. Accidental damage is not covered.",
    ),
];

async fn add_documents(app: &TestApp, tenant: &Tenant) -> Vec<String> {
    let mut ids = Vec::new();
    for (title, category, content) in DOCUMENTS {
        let added = app
            .post_as(
                tenant,
                "/api/knowledge",
                json!({"title": title, "category": category, "content": content}),
            )
            .await;
        assert_eq!(added.status, 200, "{}", added.text);
        assert_eq!(added.json()["ingestion"]["state"], "ready");
        ids.push(added.json()["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn search(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let found = app.post_as(tenant, "/api/knowledge/search", body).await;
    assert_eq!(found.status, 200, "{}", found.text);
    found.json()
}

fn titles(found: &Value) -> Vec<&str> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn search_finds_the_answering_passage_by_meaning_and_by_words() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let ids = add_documents(&app, &tenant).await;

    // Seed 000's example, verbatim in shape.
    let found = search(
        &app,
        &tenant,
        json!({"query": "How long do I have to return an item?", "topK": 3}),
    )
    .await;
    let results = found["results"].as_array().unwrap();
    assert!(results.len() <= 3 && !results.is_empty(), "{found}");
    let top = &results[0];
    assert_eq!(top["title"], "Return Policy");
    assert_eq!(top["id"], ids[0].as_str());
    assert_eq!(top["category"], "policy");
    assert!(top["content"].as_str().unwrap().contains("30 days"));
    assert!(top["score"].as_f64().unwrap() > 0.4, "{top}");
    assert_eq!(found["mode"], "hybrid");

    // No word in common with the document: only the vector side can find it.
    let by_meaning = search(
        &app,
        &tenant,
        json!({"query": "When will my parcel get here?", "mode": "vector", "topK": 1}),
    )
    .await;
    assert_eq!(titles(&by_meaning), ["Shipping Times"]);
    assert_eq!(by_meaning["results"][0]["vectorRank"], 1);
    assert_eq!(by_meaning["results"][0]["textRank"], Value::Null);

    // Full text alone matches words (stemmed: "refund" finds "Refunds").
    let by_words = search(&app, &tenant, json!({"query": "refund", "mode": "text"})).await;
    assert_eq!(titles(&by_words), ["Return Policy"]);
    assert_eq!(by_words["embedMs"], 0.0);

    // The category filter applies inside retrieval.
    let in_category = search(
        &app,
        &tenant,
        json!({"query": "How long do I have to return an item?", "category": "faq"}),
    )
    .await;
    assert_eq!(titles(&in_category), ["Store Hours"]);

    // A similarity floor leaves weak passages out.
    let strict = search(
        &app,
        &tenant,
        json!({"query": "How long do I have to return an item?", "minScore": 0.99}),
    )
    .await;
    assert_eq!(strict["results"], json!([]));
}

#[tokio::test]
async fn results_come_in_the_order_of_the_score_they_show() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    add_documents(&app, &tenant).await;
    // Queries whose words and meaning point at different documents, so that the fused rank
    // (which picks the results) and the similarity (which is shown) disagree.
    for query in [
        "business days",
        "refund the shipping of damaged electronics",
        "open on Sunday for returns",
        "express warranty",
        "Saturday receipt",
    ] {
        let found = search(&app, &tenant, json!({"query": query, "topK": 4})).await;
        let scores: Vec<f64> = found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["score"].as_f64().unwrap())
            .collect();
        assert!(scores.len() > 1, "{query}: {found}");
        assert!(
            scores.windows(2).all(|pair| pair[0] >= pair[1]),
            "{query}: {scores:?}"
        );
        assert_eq!(found["topScore"], scores[0], "{query}");
    }
}

#[tokio::test]
async fn adding_a_title_again_replaces_the_document_and_its_chunks() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let first = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Return Policy", "category": "policy",
                   "content": "Returns are accepted within 14 days."}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json()["created"], true);
    let id = first.json()["id"].as_str().unwrap().to_owned();

    let second = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Return Policy", "category": "policy",
                   "content": "# Returns\n\nReturns are accepted within 60 days.\n\n# Refunds\n\nRefunds take a week.",
                   "sourceType": "faq_page", "updatedBy": "ops@example.com"}),
        )
        .await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json()["id"], id.as_str());
    assert_eq!(second.json()["created"], false);

    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{id}"))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let detail = detail.json();
    assert_eq!(detail["sourceType"], "faq_page");
    assert_eq!(detail["updatedBy"], "ops@example.com");
    assert_eq!(detail["ingestion"]["chunksTotal"], 2);
    assert_eq!(detail["ingestion"]["chunksDone"], 2);
    assert_eq!(detail["ingestion"]["model"], "local/all-MiniLM-L6-v2");
    let chunks = detail["chunks"].as_array().unwrap();
    assert_eq!(chunks[0]["heading"], "Returns");
    assert_eq!(chunks[1]["heading"], "Refunds");
    assert_eq!(chunks[1]["embeddingModel"], "local/all-MiniLM-L6-v2");

    // The old text is gone from both indexes.
    let old = search(&app, &tenant, json!({"query": "14", "mode": "text"})).await;
    assert_eq!(old["results"], json!([]));
    let listed = app.get_as(&tenant, "/api/knowledge/documents").await.json();
    assert_eq!(listed["documents"].as_array().unwrap().len(), 1);
    assert_eq!(
        listed["documents"][0]["contentLength"],
        detail["content"].as_str().unwrap().chars().count()
    );
}

#[tokio::test]
async fn documents_are_listed_by_category_edited_and_deleted() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let ids = add_documents(&app, &tenant).await;

    let policies = app
        .get_as(&tenant, "/api/knowledge/documents?category=policy&limit=1")
        .await
        .json();
    assert_eq!(policies["documents"].as_array().unwrap().len(), 1);
    let cursor = policies["nextCursor"].as_str().unwrap();
    let next = app
        .get_as(
            &tenant,
            &format!("/api/knowledge/documents?category=policy&limit=1&cursor={cursor}"),
        )
        .await
        .json();
    assert_eq!(next["documents"].as_array().unwrap().len(), 1);
    assert_eq!(next["nextCursor"], Value::Null);
    assert_eq!(
        policies["documents"][0]["content"],
        Value::Null,
        "lists leave content out"
    );

    let edited = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/knowledge/documents/{}", ids[2]),
            Some(
                json!({"content": "We are open every day from 7am to 11pm.", "category": "hours"}),
            ),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let found = search(&app, &tenant, json!({"query": "11pm", "mode": "text"})).await;
    assert_eq!(titles(&found), ["Store Hours"]);
    assert_eq!(found["results"][0]["category"], "hours");

    let clash = app
        .call_as(
            &tenant,
            Method::PATCH,
            &format!("/api/knowledge/documents/{}", ids[2]),
            Some(json!({"title": "Warranty"})),
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.text);

    let deleted = app
        .call_as(
            &tenant,
            Method::DELETE,
            &format!("/api/knowledge/documents/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let gone = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{}", ids[0]))
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["code"], "NOT_FOUND");
    let found = search(&app, &tenant, json!({"query": "return an item refund"})).await;
    assert!(!titles(&found).contains(&"Return Policy"), "{found}");
    let again = app
        .call_as(
            &tenant,
            Method::DELETE,
            &format!("/api/knowledge/documents/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn bad_input_is_refused_by_field_and_stores_nothing() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let missing = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "", "content": "  ", "category": "x"}),
        )
        .await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    let body = missing.json();
    let fields: Vec<&str> = body["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"title") && fields.contains(&"content"),
        "{fields:?}"
    );
    let no_category = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "T", "content": "C"}),
        )
        .await;
    assert_eq!(no_category.status, 400, "{}", no_category.text);

    for body in [
        json!({"query": ""}),
        json!({"query": "x", "topK": 0}),
        json!({"query": "x", "topK": 51}),
        json!({"query": "x", "minScore": 1.5}),
        json!({"query": "x", "mode": "psychic"}),
    ] {
        let refused = app
            .post_as(&tenant, "/api/knowledge/search", body.clone())
            .await;
        assert_eq!(refused.status, 400, "{body}: {}", refused.text);
        assert_eq!(refused.json()["code"], "INVALID_INPUT");
    }
    let listed = app.get_as(&tenant, "/api/knowledge/documents").await.json();
    assert_eq!(listed["documents"], json!([]));
    let metrics = app.get_as(&tenant, "/api/knowledge/metrics").await.json();
    assert_eq!(
        metrics["totalSearches"], 0,
        "refused searches are not logged"
    );
}

#[tokio::test]
async fn session_tokens_may_search_but_not_read_or_change_documents() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    add_documents(&app, &tenant).await;
    let found = app
        .post_json(
            "/api/knowledge/search",
            &[],
            tenant.with_token(json!({"query": "store opening hours"})),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.json()["results"][0]["title"], "Store Hours");
    let refused = app
        .post_json(
            "/api/knowledge",
            &[],
            tenant.with_token(json!({"title": "T", "content": "C", "category": "x"})),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let unauthenticated = app
        .post_json("/api/knowledge/search", &[], json!({"query": "x"}))
        .await;
    assert_eq!(unauthenticated.status, 401);
}

#[tokio::test]
async fn large_documents_are_searchable_by_text_at_once_and_by_meaning_once_ingested() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let sections: Vec<String> = (1..=12)
        .map(|i| {
            format!(
                "## Section {i}\n\nPolicy clause number {i} applies to orders placed in region {i}. {}",
                "Customers in this region follow the general terms of sale. ".repeat(8)
            )
        })
        .collect();
    let content = format!(
        "# Terms of sale\n\n{}\n\n## Gift cards\n\nGift cards never expire and can be topped up online.",
        sections.join("\n\n")
    );
    let added = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Terms", "category": "legal", "content": content}),
        )
        .await;
    assert_eq!(added.status, 202, "{}", added.text);
    let ingestion = &added.json()["ingestion"];
    assert_eq!(ingestion["state"], "pending");
    assert_eq!(ingestion["chunksDone"], 0);
    let total = ingestion["chunksTotal"].as_i64().unwrap();
    assert!(total > 8, "{total} chunks");
    let id = added.json()["id"].as_str().unwrap().to_owned();

    let by_words = search(&app, &tenant, json!({"query": "gift cards expire"})).await;
    assert_eq!(
        by_words["results"][0]["heading"],
        "Terms of sale › Gift cards"
    );
    assert_eq!(by_words["results"][0]["score"], 0.0, "not embedded yet");
    let by_meaning = search(
        &app,
        &tenant,
        json!({"query": "Does a voucher lose its value after some time?", "mode": "vector"}),
    )
    .await;
    assert_eq!(by_meaning["results"], json!([]));

    assert!(app.services.agent().ingest_next_document().await.unwrap());
    assert!(
        !app.services.agent().ingest_next_document().await.unwrap(),
        "nothing left"
    );
    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{id}"))
        .await
        .json();
    assert_eq!(detail["ingestion"]["state"], "ready");
    assert_eq!(detail["ingestion"]["chunksDone"], total);
    let by_meaning = search(
        &app,
        &tenant,
        json!({"query": "Does a voucher lose its value after some time?", "mode": "vector", "topK": 1}),
    )
    .await;
    assert_eq!(
        by_meaning["results"][0]["heading"],
        "Terms of sale › Gift cards"
    );
}

/// A multipart body with one file and text fields.
fn multipart(
    file_name: &str,
    content_type: &str,
    file: &str,
    fields: &[(&str, &str)],
) -> (String, String) {
    let boundary = "switchboard-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: {content_type}\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, tenant: &Tenant, form: (String, String)) -> TestResponse {
    let bearer = format!("Bearer {}", tenant.secret);
    app.send(
        Method::POST,
        "/api/knowledge/upload",
        &[
            ("authorization", bearer.as_str()),
            ("x-app-slug", tenant.slug.as_str()),
            ("content-type", form.0.as_str()),
        ],
        Body::from(form.1),
    )
    .await
}

#[tokio::test]
async fn markdown_and_html_files_upload_with_their_sections() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let markdown = upload(
        &app,
        &tenant,
        multipart(
            "faq.md",
            "text/markdown",
            "# Billing FAQ\n\n## Invoices\n\nInvoices are emailed on the first of the month.",
            &[("category", "faq")],
        ),
    )
    .await;
    assert_eq!(markdown.status, 200, "{}", markdown.text);
    let id = markdown.json()["id"].as_str().unwrap().to_owned();
    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{id}"))
        .await
        .json();
    assert_eq!(detail["title"], "Billing FAQ", "the first heading");
    assert_eq!(detail["sourceType"], "upload");
    assert_eq!(detail["format"], "markdown");
    assert_eq!(detail["chunks"][0]["heading"], "Billing FAQ › Invoices");

    let html = upload(
        &app,
        &tenant,
        multipart(
            "care.html",
            "application/octet-stream",
            "<html><head><style>h1{}</style></head><body><h1>Care guide</h1>\
             <p>Wash wool garments by hand in cold water &amp; dry them flat.</p>\
             <script>var x = '<h2>not a heading</h2>';</script></body></html>",
            &[("category", "product"), ("title", "Garment care")],
        ),
    )
    .await;
    assert_eq!(html.status, 200, "{}", html.text);
    let found = search(
        &app,
        &tenant,
        json!({"query": "how do I wash a wool sweater"}),
    )
    .await;
    let top = &found["results"][0];
    assert_eq!(top["title"], "Garment care");
    assert_eq!(top["heading"], "Care guide");
    assert_eq!(
        top["content"],
        "Wash wool garments by hand in cold water & dry them flat."
    );

    let binary = upload(
        &app,
        &tenant,
        (
            "multipart/form-data; boundary=b".to_owned(),
            "--b\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nx\r\n--b--\r\n"
                .to_owned(),
        ),
    )
    .await;
    assert_eq!(binary.status, 400, "no file: {}", binary.text);
    let not_text = app
        .send(
            Method::POST,
            "/api/knowledge/upload",
            &[
                ("authorization", format!("Bearer {}", tenant.secret).as_str()),
                ("x-app-slug", "my-app"),
                ("content-type", "multipart/form-data; boundary=b"),
            ],
            Body::from(
                [
                    b"--b\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n".as_slice(),
                    &[0xff, 0xfe, 0x00, 0x01],
                    b"\r\n--b--\r\n",
                ]
                .concat(),
            ),
        )
        .await;
    assert_eq!(not_text.status, 400, "{}", not_text.text);
    assert!(not_text.json()["error"].as_str().unwrap().contains("UTF-8"));
}

#[tokio::test]
async fn unanswered_questions_become_one_gap_each_until_resolved_or_dismissed() {
    let app = TestApp::new().await;
    let tenant = app
        .tenant_with(
            "my-app",
            AppSettings {
                knowledge_threshold: Some(0.45),
                ..AppSettings::default()
            },
        )
        .await;
    let ids = add_documents(&app, &tenant).await;
    let answered = search(
        &app,
        &tenant,
        json!({"query": "How long do I have to return an item?", "sessionId": "s-0"}),
    )
    .await;
    assert_eq!(answered["gapDetected"], false, "{answered}");

    for session in ["s-1", "s-2", "s-1"] {
        let missed = search(
            &app,
            &tenant,
            json!({"query": "Do you sell gift wrapping?", "sessionId": session}),
        )
        .await;
        assert_eq!(missed["gapDetected"], true, "{missed}");
        assert!(missed["topScore"].as_f64().unwrap() < 0.45);
    }
    // Spelled differently, the same question.
    search(
        &app,
        &tenant,
        json!({"query": "  do you SELL gift-wrapping "}),
    )
    .await;

    let gaps = app.get_as(&tenant, "/api/knowledge/gaps").await.json();
    let list = gaps["gaps"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{gaps}");
    let gap = &list[0];
    assert_eq!(gap["query"], "Do you sell gift wrapping?");
    assert_eq!(gap["normalizedQuery"], "do you sell gift wrapping");
    assert_eq!(gap["occurrences"], 4);
    assert_eq!(gap["exampleSessions"], json!(["s-1", "s-2"]));
    assert_eq!(gap["status"], "open");
    let gap_id = gap["id"].as_str().unwrap().to_owned();

    let resolved = app
        .post_as(
            &tenant,
            &format!("/api/knowledge/gaps/{gap_id}/resolve"),
            json!({"documentId": ids[0], "resolvedBy": "ops@example.com"}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert_eq!(resolved.json()["status"], "resolved");
    assert_eq!(resolved.json()["documentId"], ids[0].as_str());
    let open = app.get_as(&tenant, "/api/knowledge/gaps").await.json();
    assert_eq!(open["gaps"], json!([]));
    let all = app
        .get_as(&tenant, "/api/knowledge/gaps?status=all")
        .await
        .json();
    assert_eq!(all["gaps"].as_array().unwrap().len(), 1);

    // Asked again and still unanswered: it reopens.
    search(
        &app,
        &tenant,
        json!({"query": "Do you sell gift wrapping?"}),
    )
    .await;
    let reopened = app.get_as(&tenant, "/api/knowledge/gaps").await.json();
    assert_eq!(reopened["gaps"][0]["status"], "open");
    assert_eq!(reopened["gaps"][0]["occurrences"], 5);
    assert_eq!(reopened["gaps"][0]["resolvedAt"], Value::Null);

    // Dismissed stays dismissed.
    let dismissed = app
        .send(
            Method::POST,
            &format!("/api/knowledge/gaps/{gap_id}/dismiss"),
            &[
                (
                    "authorization",
                    format!("Bearer {}", tenant.secret).as_str(),
                ),
                ("x-app-slug", "my-app"),
            ],
            Body::empty(),
        )
        .await;
    assert_eq!(dismissed.status, 200, "{}", dismissed.text);
    search(
        &app,
        &tenant,
        json!({"query": "Do you sell gift wrapping?"}),
    )
    .await;
    let after = app
        .get_as(&tenant, "/api/knowledge/gaps?status=dismissed")
        .await
        .json();
    assert_eq!(after["gaps"][0]["occurrences"], 6);
    assert_eq!(
        app.get_as(&tenant, "/api/knowledge/gaps").await.json()["gaps"],
        json!([])
    );

    let unknown = app
        .post_as(&tenant, "/api/knowledge/gaps/nope/resolve", json!({}))
        .await;
    assert_eq!(unknown.status, 404);
    let bad_document = app
        .post_as(
            &tenant,
            &format!("/api/knowledge/gaps/{gap_id}/resolve"),
            json!({"documentId": "nope"}),
        )
        .await;
    assert_eq!(bad_document.status, 404);
    let bad_status = app
        .get_as(&tenant, "/api/knowledge/gaps?status=closed")
        .await;
    assert_eq!(bad_status.status, 400);
}

#[tokio::test]
async fn every_search_is_logged_and_summarised_in_metrics_and_the_overview() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let empty = app.get_as(&tenant, "/api/knowledge/metrics").await.json();
    assert_eq!(
        (
            &empty["totalSearches"],
            &empty["avgTopScore"],
            &empty["gapRate"]
        ),
        (&json!(0), &json!(0.0), &json!(0.0))
    );
    add_documents(&app, &tenant).await;
    let before = domain::now_ms();
    let answered = app
        .send(
            Method::POST,
            "/api/knowledge/search",
            &[
                ("content-type", "application/json"),
                ("x-trace-id", "trace-1"),
            ],
            Body::from(
                tenant
                    .with_secret(json!({"query": "How long do I have to return an item?"}))
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(answered.status, 200);
    let top = answered.json()["topScore"].as_f64().unwrap();
    search(&app, &tenant, json!({"query": "zzzz qqqq", "mode": "text"})).await;

    let metrics = app
        .get_as(&tenant, &format!("/api/knowledge/metrics?since={before}"))
        .await
        .json();
    assert_eq!(metrics["totalSearches"], 2);
    assert_eq!(metrics["gapRate"], 0.5);
    assert_eq!(metrics["zeroResultRate"], 0.5);
    assert!((metrics["avgTopScore"].as_f64().unwrap() - top / 2.0).abs() < 1e-9);
    assert!(metrics["avgRetrievalMs"].as_f64().unwrap() > 0.0);
    assert_eq!(metrics["openGaps"], 1);
    let later = app
        .get_as(
            &tenant,
            &format!("/api/knowledge/metrics?since=0&until={before}"),
        )
        .await
        .json();
    assert_eq!(later["totalSearches"], 0);

    let overview = app.get_as(&tenant, "/api/analytics/overview").await.json();
    assert_eq!(overview["totalKnowledgeSearches"], 2);
    assert_eq!(overview["knowledgeGapRate"], 0.5);
    assert_eq!(overview["unresolvedGaps"], 1);
    assert!((overview["avgKnowledgeScore"].as_f64().unwrap() - top / 2.0).abs() < 1e-9);
}

/// Deterministic embeddings for the fakes: words hashed into buckets, so texts sharing words
/// are similar.
fn hashed_vector(text: &str, dims: usize) -> Vec<f32> {
    let mut vector = vec![0.0f32; dims];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let hash = word
            .to_lowercase()
            .bytes()
            .fold(1469598103934665603u64, |h, b| {
                (h ^ b as u64).wrapping_mul(1099511628211)
            });
        vector[(hash % dims as u64) as usize] += 1.0;
    }
    vector
}

/// A fake of OpenAI's `/embeddings`.
async fn fake_openai(fail: bool) -> FakeServer {
    FakeServer::start(Arc::new(move |_, request: &Received| {
        if fail {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"error":{"message":"overloaded"}}"#.to_owned(),
            );
        }
        let body = request.json();
        let data: Vec<Value> = body["input"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .rev()
            .map(|(index, text)| {
                json!({"object": "embedding", "index": index,
                       "embedding": hashed_vector(text.as_str().unwrap(), 64)})
            })
            .collect();
        (
            StatusCode::OK,
            json!({"object": "list", "data": data, "model": body["model"]}).to_string(),
        )
    }))
    .await
}

fn openai_integrations(server: &FakeServer) -> Integrations {
    Integrations {
        openai: OpenAiSettings {
            api_key: Secret::new(Some("test-openai-key".to_owned())),
            base_url: Some(format!("{}/v1", server.url)),
        },
        embeddings: EmbeddingSettings {
            provider: EmbeddingProvider::OpenAi,
            model: Some("fake-embed".to_owned()),
            ..test_integrations().embeddings
        },
        ..test_integrations()
    }
}

#[tokio::test]
async fn an_openai_compatible_server_embeds_documents_and_queries() {
    let openai = fake_openai(false).await;
    let app = TestApp::with_integrations(openai_integrations(&openai)).await;
    let tenant = app.tenant("my-app").await;
    add_documents(&app, &tenant).await;
    let found = search(
        &app,
        &tenant,
        json!({"query": "warranty defects", "mode": "vector"}),
    )
    .await;
    assert_eq!(found["results"][0]["title"], "Warranty");

    let calls = openai.received();
    assert_eq!(calls[0].uri.path(), "/v1/embeddings");
    assert_eq!(
        calls[0].header("authorization"),
        Some("Bearer test-openai-key")
    );
    let sent = calls[0].json();
    assert_eq!(sent["model"], "fake-embed");
    assert_eq!(
        sent["input"][0],
        "Return Policy\n\nItems can be returned within 30 days of purchase with original receipt. Refunds go back to the original payment method within 5 business days."
    );
    assert_eq!(
        calls.last().unwrap().json()["input"],
        json!(["warranty defects"])
    );
    let detail = app.get_as(&tenant, "/api/knowledge/documents").await.json();
    assert_eq!(
        detail["documents"][0]["ingestion"]["model"],
        "openai/fake-embed"
    );
}

#[tokio::test]
async fn gemini_embeds_at_768_dimensions_with_task_types() {
    let google = FakeServer::start(Arc::new(|_, request: &Received| {
        let body = request.json();
        let embeddings: Vec<Value> = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let text = r["content"]["parts"][0]["text"].as_str().unwrap();
                json!({"values": hashed_vector(text, r["outputDimensionality"].as_u64().unwrap() as usize)})
            })
            .collect();
        (StatusCode::OK, json!({"embeddings": embeddings}).to_string())
    }))
    .await;
    let app = TestApp::with_integrations(Integrations {
        gemini: GeminiSettings {
            api_key: Secret::new(Some("test-gemini-key".to_owned())),
            base_url: Some(google.url.clone()),
        },
        embeddings: EmbeddingSettings {
            provider: EmbeddingProvider::Gemini,
            ..test_integrations().embeddings
        },
        ..test_integrations()
    })
    .await;
    let tenant = app.tenant("my-app").await;
    add_documents(&app, &tenant).await;
    let found = search(
        &app,
        &tenant,
        json!({"query": "store hours sunday", "mode": "vector"}),
    )
    .await;
    assert_eq!(found["results"][0]["title"], "Store Hours");

    let calls = google.received();
    assert_eq!(
        calls[0].uri.path(),
        "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    );
    assert_eq!(calls[0].header("x-goog-api-key"), Some("test-gemini-key"));
    let request = &calls[0].json()["requests"][0];
    assert_eq!(request["outputDimensionality"], 768);
    assert_eq!(request["taskType"], "RETRIEVAL_DOCUMENT");
    assert_eq!(request["model"], "models/gemini-embedding-001");
    assert_eq!(
        calls.last().unwrap().json()["requests"][0]["taskType"],
        "RETRIEVAL_QUERY"
    );
}

#[tokio::test]
async fn a_failing_provider_stores_nothing_inline_and_retries_in_the_background() {
    let openai = fake_openai(true).await;
    let app = TestApp::with_integrations(openai_integrations(&openai)).await;
    let tenant = app.tenant("my-app").await;
    let refused = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "T", "category": "c", "content": "Short text."}),
        )
        .await;
    assert_eq!(refused.status, 502, "{}", refused.text);
    assert_eq!(refused.json()["code"], "UPSTREAM_ERROR");
    assert!(!refused.text.contains("test-openai-key"));
    let listed = app.get_as(&tenant, "/api/knowledge/documents").await.json();
    assert_eq!(listed["documents"], json!([]));

    // Searches still answer, from full text.
    let found = search(&app, &tenant, json!({"query": "anything"})).await;
    assert_eq!(found["mode"], "text");

    let long = (0..20)
        .map(|i| format!("# Part {i}\n\nParagraph {i} of the long document."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let queued = app
        .post_as(
            &tenant,
            "/api/knowledge",
            json!({"title": "Long", "category": "c", "content": long}),
        )
        .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    let id = queued.json()["id"].as_str().unwrap().to_owned();
    assert!(app.services.agent().ingest_next_document().await.unwrap());
    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{id}"))
        .await
        .json();
    assert_eq!(detail["ingestion"]["state"], "pending");
    assert_eq!(detail["ingestion"]["attempts"], 1);
    assert!(
        detail["ingestion"]["error"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{detail}"
    );
    assert!(
        !app.services.agent().ingest_next_document().await.unwrap(),
        "the retry waits for its backoff"
    );
}

#[tokio::test]
async fn changing_the_provider_re_embeds_every_document_in_the_background() {
    let app = TestApp::new().await;
    let tenant = app.tenant("my-app").await;
    let ids = add_documents(&app, &tenant).await;

    // The same database, served by an instance configured with another provider.
    let openai = fake_openai(false).await;
    let switched = Services::new(
        app.db.store.clone(),
        openai_integrations(&openai),
        integrations::ports(&openai_integrations(&openai)).unwrap(),
        domain::platform::encryption::Keyring::ephemeral().unwrap(),
    );
    assert_eq!(
        switched.agent().requeue_stale_embeddings().await.unwrap(),
        4
    );
    assert_eq!(
        switched.agent().requeue_stale_embeddings().await.unwrap(),
        0,
        "once"
    );
    while switched.agent().ingest_next_document().await.unwrap() {}
    let detail = app
        .get_as(&tenant, &format!("/api/knowledge/documents/{}", ids[3]))
        .await
        .json();
    assert_eq!(detail["ingestion"]["state"], "ready");
    assert_eq!(detail["ingestion"]["model"], "openai/fake-embed");
    assert_eq!(detail["chunks"][0]["embeddingModel"], "openai/fake-embed");
    assert_eq!(openai.received().len(), 4);
}

#[tokio::test]
async fn every_knowledge_endpoint_is_documented() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    for (path, method) in [
        ("/api/knowledge", "post"),
        ("/api/knowledge/upload", "post"),
        ("/api/knowledge/documents", "get"),
        ("/api/knowledge/documents/{id}", "get"),
        ("/api/knowledge/documents/{id}", "patch"),
        ("/api/knowledge/documents/{id}", "delete"),
        ("/api/knowledge/search", "post"),
        ("/api/knowledge/gaps", "get"),
        ("/api/knowledge/gaps/{id}/resolve", "post"),
        ("/api/knowledge/gaps/{id}/dismiss", "post"),
        ("/api/knowledge/gaps/{id}/reopen", "post"),
        ("/api/knowledge/metrics", "get"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} missing");
        assert_eq!(operation["tags"][0], "knowledge", "{method} {path}");
    }
    let upload = &doc["paths"]["/api/knowledge/upload"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
}
