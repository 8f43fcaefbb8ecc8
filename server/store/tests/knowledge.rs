//! Knowledge retrieval in the store, on both backends: vector search among apps of very
//! different sizes (each app's search finds its full `limit` of its own passages, however many
//! nearer passages other apps hold), and the full-text side's two-word matches.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use store::testkit::{TestDatabase, app, workspace};
use store::{
    Audience, DocumentKey, DocumentRecord, NearestQuery, NewChunk, PassageFilter,
    SMALL_APP_MAX_CHUNKS, Store,
};

const DIMS: usize = 8;
const MODEL: &str = "test/eight";

/// A unit vector along `axis`, tilted towards the next axes by `tilt` (0 to 1) in a pattern
/// that varies with `i`, so that no two passages tie.
fn vector(axis: usize, tilt: f32, i: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; DIMS];
    v[axis] = 1.0;
    v[(axis + 1) % DIMS] = tilt * ((i % 97) as f32 / 97.0);
    v[(axis + 2) % DIMS] = tilt * ((i % 89) as f32 / 89.0);
    unit(v)
}

/// Between the query's axis 0 and axis 4 (a cosine of about 0.6 to the query), varied by `i`:
/// farther than every passage along axis 0, yet in the same region of the space, as another
/// app's passages on related subjects would be.
fn related(i: usize) -> Vec<f32> {
    let mut v = vector(4, 0.3, i);
    v[0] = 0.75;
    unit(v)
}

fn unit(v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / norm).collect()
}

/// Stores `count` passages for an app, in documents of up to 1,000, each passage's vector
/// made by `make`.
async fn add_passages(store: &Store, app_id: &str, count: usize, make: impl Fn(usize) -> Vec<f32>) {
    for (batch, start) in (0..count).step_by(1000).enumerate() {
        let end = (start + 1000).min(count);
        let chunks: Vec<NewChunk> = (start..end)
            .map(|i| NewChunk {
                id: format!("{app_id}-chunk-{i}"),
                heading: None,
                content: format!("passage {i}"),
                embedding: Some(make(i)),
            })
            .collect();
        let record = document(
            app_id,
            &format!("{app_id}-doc-{batch}"),
            &format!("{app_id} document {batch}"),
            chunks.len(),
        );
        store
            .put_document(&record, &chunks, DocumentKey::Title)
            .await
            .unwrap();
    }
}

/// A published, ready document record of `chunks` embedded passages.
fn document(app_id: &str, id: &str, title: &str, chunks: usize) -> DocumentRecord {
    DocumentRecord {
        id: id.to_owned(),
        app_id: app_id.to_owned(),
        title: title.to_owned(),
        category: "general".to_owned(),
        source_type: "test".to_owned(),
        updated_by: None,
        format: "text".to_owned(),
        content: String::new(),
        content_length: 0,
        chunk_count: chunks as i64,
        embedded_count: chunks as i64,
        embedding_model: MODEL.to_owned(),
        ingest_state: "ready".to_owned(),
        ingest_error: None,
        ingest_attempts: 0,
        next_attempt_at: 1_000,
        locked_until: None,
        created_at: 1_000,
        updated_at: 1_000,
        status: "published".to_owned(),
        visibility: "internal".to_owned(),
        slug: id.to_owned(),
        collection_id: None,
        published_at: Some(1_000),
    }
}

/// A database with a big app whose passages all lie near the query (axis 0), and another app
/// with `other` passages, each made by `make` and farther from the query.
async fn apps_around_one_big_app(
    big: usize,
    (other, count): (&str, usize),
    make: impl Fn(usize) -> Vec<f32>,
) -> TestDatabase {
    let db = TestDatabase::new().await;
    let store = &db.store;
    store.ensure_vector_index(DIMS).await.unwrap();
    workspace(store, "ws").await;
    store.insert_app(&app("big", "ws", "big")).await.unwrap();
    add_passages(store, "big", big, |i| vector(0, 0.3, i)).await;
    store.insert_app(&app(other, "ws", other)).await.unwrap();
    add_passages(store, other, count, make).await;
    store.analyze().await.unwrap();
    db
}

async fn nearest(store: &Store, app_id: &str, limit: usize) -> Vec<String> {
    store
        .nearest_chunks(NearestQuery {
            app_id,
            model: MODEL,
            vector: &vector(0, 0.0, 0),
            filter: PassageFilter {
                category: None,
                audience: Audience::Team,
            },
            min_similarity: -1.0,
            limit,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|candidate| candidate.chunk_id)
        .collect()
}

#[tokio::test]
async fn a_small_app_gets_its_full_limit_among_a_big_apps_nearer_passages() {
    // Along another axis altogether, so that the HNSW may not even link the two apps'
    // passages. The small app was big when the planner's statistics were taken (its documents
    // deleted since): PostgreSQL would plan its search on the HNSW.
    let big = SMALL_APP_MAX_CHUNKS as usize * 3;
    let db = apps_around_one_big_app(big, ("small", big), |i| vector(3, 0.3, i)).await;
    for batch in 1..big / 1000 {
        let deleted = db
            .store
            .delete_knowledge_document("small", &format!("small-doc-{batch}"))
            .await
            .unwrap();
        assert!(deleted);
    }

    let found = nearest(&db.store, "small", 10).await;
    assert_eq!(found.len(), 10, "{found:?}");
    assert!(
        found.iter().all(|id| id.starts_with("small-chunk-")),
        "{found:?}"
    );
    // The big app still gets its own nearest passages.
    let found = nearest(&db.store, "big", 10).await;
    assert_eq!(found.len(), 10);
    assert!(
        found.iter().all(|id| id.starts_with("big-chunk-")),
        "{found:?}"
    );
}

#[tokio::test]
async fn an_app_past_the_exact_search_bound_gets_its_full_limit_among_a_bigger_apps() {
    // On PostgreSQL this app is searched through the HNSW shared with a bigger app, every one
    // of whose passages is nearer the query: the scan must go on past `ef_search`.
    let middle = SMALL_APP_MAX_CHUNKS as usize + 100;
    let db = apps_around_one_big_app(3 * middle, ("middle", middle), related).await;

    let found = nearest(&db.store, "middle", 20).await;
    assert_eq!(found.len(), 20, "{found:?}");
    assert!(
        found.iter().all(|id| id.starts_with("middle-chunk-")),
        "{found:?}"
    );
}

#[tokio::test]
async fn passages_with_two_of_the_words_come_before_those_with_one() {
    let db = TestDatabase::new().await;
    let store = &db.store;
    workspace(store, "ws").await;
    store.insert_app(&app("shop", "ws", "shop")).await.unwrap();
    // Passages with "refund" in their title rank above the one with both words in its body,
    // when ranked together.
    for i in 0..30 {
        let id = format!("refund-{i}");
        let chunk = NewChunk {
            id: format!("{id}-chunk"),
            heading: None,
            content: format!("Refunds are issued within {i} days."),
            embedding: None,
        };
        let record = document("shop", &id, &format!("Refund policy {i}"), 1);
        store
            .put_document(&record, &[chunk], DocumentKey::Title)
            .await
            .unwrap();
    }
    let both = NewChunk {
        id: "credit-chunk".to_owned(),
        heading: None,
        content: "A refund can also be paid onto a gift card.".to_owned(),
        embedding: None,
    };
    store
        .put_document(
            &document("shop", "credit", "Store credit", 1),
            &[both],
            DocumentKey::Title,
        )
        .await
        .unwrap();

    // PostgreSQL's English configuration drops "will" and stems "refunds" to "refund": neither
    // may turn a pair into one word, which every refund passage would match.
    for terms in [["will", "refund", "gift"], ["refunds", "refund", "gift"]] {
        let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        let found = store
            .text_matches(
                "shop",
                PassageFilter {
                    category: None,
                    audience: Audience::Team,
                },
                &terms,
                MODEL,
                None,
                10,
            )
            .await
            .unwrap();
        assert_eq!(found.len(), 10, "{terms:?}");
        assert_eq!(found[0].chunk_id, "credit-chunk", "{terms:?}: {found:?}");
    }
}
