//! Measures the knowledge base: retrieval quality on the labelled set, retrieval latency at
//! scale, and local embedding speed. Driven by `bench/knowledge-search`; see the README.
//!
//!   knowledge_bench eval       DATABASE_URL CORPUS
//!   knowledge_bench latency    DATABASE_URL CORPUS CHUNKS QUERIES
//!   knowledge_bench remeasure  DATABASE_URL CORPUS ROUNDS   (a latency run's database again)
//!   knowledge_bench embeddings CORPUS
//!
//! Everything goes through the real service layer and store; the local model embeds. For the
//! latency runs the corpus is embedded for real, then padded to CHUNKS with synthetic passages:
//! blends of two real chunk vectors with noise (so they cluster like real text) and 60 words
//! drawn uniformly from the corpus vocabulary (so full-text search does real, even harsh, work:
//! every word is common).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use domain::agent::knowledge::embeddings::{Embedder, EmbeddingSettings, Purpose};
use domain::platform::encryption::Keyring;
use domain::ports::ConnectEmbeddings;
use domain::{Actor, Caller, Integrations, Services};
use model::agent::knowledge::{AddKnowledge, SearchKnowledge, SearchMode};
use model::platform::apps::{AppSettings, CreateApp};
use store::{DocumentKey, DocumentRecord, NewChunk, PoolSettings, Store};

struct Document {
    title: String,
    category: String,
    content: String,
}

struct Query {
    text: String,
    /// The document that answers it; `None` for a question none answers.
    expected: Option<String>,
}

fn read_corpus(path: &str) -> (Vec<Document>, Vec<Query>) {
    let text = std::fs::read_to_string(path).expect("corpus file");
    let mut documents: Vec<Document> = Vec::new();
    let mut queries = Vec::new();
    let mut in_queries = false;
    let mut unanswerable = false;
    for line in text.lines() {
        if line.starts_with("=== !") {
            unanswerable = true;
            in_queries = false;
        } else if let Some(header) = line.strip_prefix("=== ") {
            let (title, category) = header.split_once(" | ").expect("title | category");
            documents.push(Document {
                title: title.trim().to_owned(),
                category: category.trim().to_owned(),
                content: String::new(),
            });
            in_queries = false;
        } else if line == "--- queries" {
            in_queries = true;
        } else if unanswerable {
            if in_queries && !line.trim().is_empty() && !line.starts_with('#') {
                queries.push(Query {
                    text: line.trim().to_owned(),
                    expected: None,
                });
            }
        } else if let Some(document) = documents.last_mut() {
            if in_queries {
                if !line.trim().is_empty() && !line.starts_with("# ") {
                    queries.push(Query {
                        text: line.trim().to_owned(),
                        expected: Some(document.title.clone()),
                    });
                }
            } else {
                document.content.push_str(line);
                document.content.push('\n');
            }
        }
    }
    (documents, queries)
}

fn model_settings() -> EmbeddingSettings {
    EmbeddingSettings {
        model_dir: std::env::var_os("EMBEDDING_MODEL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(domain::agent::knowledge::embeddings::DEFAULT_MODEL_DIR)
            }),
        ..EmbeddingSettings::default()
    }
}

async fn open(url: &str) -> (Services, Caller) {
    let store = Store::connect(url, PoolSettings::default()).await.unwrap();
    store.migrate().await.unwrap();
    store.ensure_installed_at(domain::now_ms()).await.unwrap();
    let integrations = Integrations {
        embeddings: model_settings(),
        ..Integrations::default()
    };
    let services = Services::new(
        store,
        integrations.clone(),
        integrations::ports(&integrations).unwrap(),
        Keyring::ephemeral().unwrap(),
    );
    let created = services
        .platform()
        .create_app(
            &Actor::operator(),
            CreateApp {
                slug: "bench".to_owned(),
                name: "Bench".to_owned(),
                secret: None,
                workspace_id: None,
                settings: AppSettings::default(),
            },
        )
        .await
        .unwrap();
    let caller = services
        .platform()
        .authenticate_app_secret("bench", &created.app_secret)
        .await
        .unwrap();
    (services, caller)
}

async fn add_corpus(services: &Services, caller: &Caller, documents: &[Document]) -> Vec<String> {
    let mut ids = Vec::new();
    for document in documents {
        let saved = services
            .agent()
            .add_knowledge(
                caller,
                AddKnowledge {
                    title: document.title.clone(),
                    content: document.content.clone(),
                    category: document.category.clone(),
                    source_type: None,
                    updated_by: None,
                    format: None,
                },
            )
            .await
            .unwrap();
        ids.push(saved.id);
    }
    while services.agent().ingest_next_document().await.unwrap() {}
    ids
}

async fn eval(url: &str, corpus: &str) {
    let (documents, all_queries) = read_corpus(corpus);
    let (queries, unanswerable): (Vec<Query>, Vec<Query>) =
        all_queries.into_iter().partition(|q| q.expected.is_some());
    let (services, caller) = open(url).await;
    add_corpus(&services, &caller, &documents).await;
    println!(
        "{} documents, {} labelled queries, {} questions none answers",
        documents.len(),
        queries.len(),
        unanswerable.len()
    );
    println!("mode     recall@1  recall@5  MRR@10  (top score: answered p10 / mean)");
    for mode in [SearchMode::Vector, SearchMode::Text, SearchMode::Hybrid] {
        let (mut hits1, mut hits5, mut reciprocal) = (0usize, 0usize, 0.0f64);
        let mut top_scores = Vec::new();
        for query in &queries {
            let found = services
                .agent()
                .search_knowledge(
                    &caller,
                    SearchKnowledge {
                        query: query.text.clone(),
                        top_k: Some(10),
                        mode: Some(mode),
                        ..SearchKnowledge::default()
                    },
                    None,
                )
                .await
                .unwrap();
            // Rank by document: later chunks of an already-seen document do not count again.
            let mut seen = Vec::new();
            for result in &found.results {
                if !seen.contains(&result.title) {
                    seen.push(result.title.clone());
                }
            }
            if let Some(rank) = seen.iter().position(|t| Some(t) == query.expected.as_ref()) {
                reciprocal += 1.0 / (rank as f64 + 1.0);
                hits1 += usize::from(rank < 1);
                hits5 += usize::from(rank < 5);
                top_scores.push(found.top_score);
            }
        }
        top_scores.sort_by(f64::total_cmp);
        let n = queries.len() as f64;
        println!(
            "{:<8} {:>8.3}  {:>8.3}  {:>6.3}  ({:.2} / {:.2})",
            mode.as_str(),
            hits1 as f64 / n,
            hits5 as f64 / n,
            reciprocal / n,
            percentile(&top_scores, 0.10),
            top_scores.iter().sum::<f64>() / top_scores.len().max(1) as f64,
        );
    }
    gap_detection(&services, &caller, &queries, &unanswerable).await;
}

/// How well the top score separates answered questions from unanswerable ones, at several
/// `knowledgeThreshold`s: the share of answerable questions whose best passage is right and
/// passes, and the share of unanswerable ones recorded as gaps.
async fn gap_detection(
    services: &Services,
    caller: &Caller,
    answerable: &[Query],
    unanswerable: &[Query],
) {
    let mut answered = Vec::new();
    for query in answerable {
        let found = top_result(services, caller, &query.text).await;
        answered.push((found.0 == query.expected, found.1));
    }
    let mut missing = Vec::new();
    for query in unanswerable {
        missing.push(top_result(services, caller, &query.text).await.1);
    }
    println!("threshold  answered and passing  unanswerable recorded as gaps");
    for threshold in [0.25, 0.3, 0.35, 0.4, 0.45, 0.5] {
        let passing = answered
            .iter()
            .filter(|(right, score)| *right && *score >= threshold)
            .count();
        let gaps = missing.iter().filter(|score| **score < threshold).count();
        println!(
            "{threshold:>9.2}  {:>20.3}  {:>29.3}",
            passing as f64 / answered.len() as f64,
            gaps as f64 / missing.len().max(1) as f64
        );
    }
}

/// The title of the best hybrid result and the search's top score.
async fn top_result(services: &Services, caller: &Caller, query: &str) -> (Option<String>, f64) {
    let found = services
        .agent()
        .search_knowledge(
            caller,
            SearchKnowledge {
                query: query.to_owned(),
                top_k: Some(5),
                ..SearchKnowledge::default()
            },
            None,
        )
        .await
        .unwrap();
    (
        found.results.first().map(|r| r.title.clone()),
        found.top_score,
    )
}

/// A small deterministic generator: the bench needs repeatable noise, not cryptography.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Standard normal, by Box–Muller.
    fn normal(&mut self) -> f32 {
        let u1 = ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
        let u2 = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }
}

async fn latency(url: &str, corpus: &str, chunks: usize, rounds: usize) {
    let (documents, queries) = read_corpus(corpus);
    let queries: Vec<Query> = queries
        .into_iter()
        .filter(|q| q.expected.is_some())
        .collect();
    let (services, caller) = open(url).await;
    let ids = add_corpus(&services, &caller, &documents).await;
    let store = Store::connect(url, PoolSettings::default()).await.unwrap();
    let model = "local/all-MiniLM-L6-v2";

    // Real vectors to perturb, and the corpus vocabulary to write synthetic passages with.
    let seeds: Vec<Vec<f32>> = store
        .stored_vectors(&caller.app.id, model)
        .await
        .unwrap()
        .into_iter()
        .map(|v| store::vector_from_bytes(&v.embedding))
        .collect();
    let vocabulary: Vec<String> = documents
        .iter()
        .flat_map(|d| d.content.split_whitespace().map(str::to_owned))
        .filter(|w| w.chars().all(char::is_alphabetic) && w.len() > 3)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let categories = [
        "policy", "shipping", "billing", "product", "account", "stores",
    ];
    let per_document = 1000;
    let started = Instant::now();
    let mut made = seeds.len();
    let mut batch = 0;
    while made < chunks {
        let count = per_document.min(chunks - made);
        let new_chunks: Vec<NewChunk> = (0..count)
            .map(|i| {
                // Mostly one topic, partly another, plus noise: spread like real passages,
                // without thousands of near-ties around each real vector.
                let main = &seeds[rng.below(seeds.len())];
                let other = &seeds[rng.below(seeds.len())];
                let mix = (rng.below(1000) as f32) / 2000.0;
                let noisy: Vec<f32> = main
                    .iter()
                    .zip(other)
                    .map(|(a, b)| a + mix * b + 0.04 * rng.normal())
                    .collect();
                let words: Vec<&str> = (0..60)
                    .map(|_| vocabulary[rng.below(vocabulary.len())].as_str())
                    .collect();
                NewChunk {
                    id: format!("synthetic-{batch}-{i}"),
                    heading: None,
                    content: words.join(" "),
                    embedding: Some(domain::agent::knowledge::embeddings::normalised(noisy)),
                }
            })
            .collect();
        let now = domain::now_ms();
        let record = DocumentRecord {
            id: format!("synthetic-{batch}"),
            app_id: caller.app.id.clone(),
            title: format!("Synthetic archive {batch}"),
            category: categories[batch % categories.len()].to_owned(),
            source_type: "bench".to_owned(),
            updated_by: None,
            format: "text".to_owned(),
            content: String::new(),
            content_length: 0,
            chunk_count: count as i64,
            embedded_count: count as i64,
            embedding_model: model.to_owned(),
            ingest_state: "ready".to_owned(),
            ingest_error: None,
            ingest_attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            created_at: now,
            updated_at: now,
        };
        store
            .put_document(&record, &new_chunks, DocumentKey::Title)
            .await
            .unwrap();
        made += count;
        batch += 1;
    }
    store.analyze().await.unwrap();
    println!(
        "{} chunks ({} real, {} synthetic) stored in {:.1} s",
        made,
        seeds.len(),
        made - seeds.len(),
        started.elapsed().as_secs_f64()
    );
    let _ = ids;

    measure(&services, &caller, &queries, rounds).await;
    hnsw_recall(&store, &caller.app.id, &queries).await;
}

/// Retrieval latency per mode over `rounds` passes of the questions, after one warm-up pass
/// (which loads SQLite's vector cache).
async fn measure(services: &Services, caller: &Caller, queries: &[Query], rounds: usize) {
    for mode in [SearchMode::Vector, SearchMode::Text, SearchMode::Hybrid] {
        let mut retrieval = Vec::new();
        let mut total = Vec::new();
        // One warm-up pass (loads SQLite's vector cache), then the measured rounds.
        for round in 0..=rounds {
            for query in queries {
                let began = Instant::now();
                let found = services
                    .agent()
                    .search_knowledge(
                        caller,
                        SearchKnowledge {
                            query: query.text.clone(),
                            top_k: Some(5),
                            mode: Some(mode),
                            ..SearchKnowledge::default()
                        },
                        None,
                    )
                    .await
                    .unwrap();
                if round > 0 {
                    retrieval.push(found.retrieval_ms);
                    total.push(began.elapsed().as_secs_f64() * 1000.0);
                }
            }
        }
        retrieval.sort_by(f64::total_cmp);
        total.sort_by(f64::total_cmp);
        println!(
            "{:<7} retrieval p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms | \
             with query embedding p50 {:>6.2} ms  p99 {:>6.2} ms  ({} searches)",
            mode.as_str(),
            percentile(&retrieval, 0.50),
            percentile(&retrieval, 0.95),
            percentile(&retrieval, 0.99),
            retrieval.last().copied().unwrap_or(0.0),
            percentile(&total, 0.50),
            percentile(&total, 0.99),
            retrieval.len()
        );
    }
}

/// The HNSW's recall@10 against exact search at several search breadths (PostgreSQL only), with
/// the eval questions as queries.
async fn hnsw_recall(store: &Store, app_id: &str, queries: &[Query]) {
    if !matches!(store, Store::Postgres(_)) {
        return;
    }
    let model = "local/all-MiniLM-L6-v2";
    let embedder = local_embedder();
    let texts: Vec<String> = queries.iter().map(|q| q.text.clone()).collect();
    let vectors = embedder.embed(&texts, Purpose::Query).await.unwrap();
    let mut exact = Vec::new();
    for vector in &vectors {
        let ids: HashSet<String> = store
            .nearest_chunks_exact(app_id, model, vector, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.chunk_id)
            .collect();
        exact.push(ids);
    }
    println!(
        "HNSW recall@10 against exact search ({} queries; search uses ef_search {} for topK 5):",
        vectors.len(),
        store::hnsw_breadth(20)
    );
    for ef_search in [40, 100, 200, 400] {
        let mut overlap = 0usize;
        let mut times = Vec::new();
        for (vector, exact) in vectors.iter().zip(&exact) {
            let began = Instant::now();
            let found = store
                .nearest_chunks_searching(app_id, model, None, vector, -1.0, 10, Some(ef_search))
                .await
                .unwrap();
            times.push(began.elapsed().as_secs_f64() * 1000.0);
            overlap += found.iter().filter(|c| exact.contains(&c.chunk_id)).count();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  ef_search {ef_search:>3}: recall@10 {:.3}, p50 {:.2} ms, p99 {:.2} ms",
            overlap as f64 / (10 * vectors.len()) as f64,
            percentile(&times, 0.50),
            percentile(&times, 0.99)
        );
    }
}

/// Latency and recall again on the database a latency run left, without seeding it again.
async fn remeasure(url: &str, corpus: &str, rounds: usize) {
    let (_, queries) = read_corpus(corpus);
    let queries: Vec<Query> = queries
        .into_iter()
        .filter(|q| q.expected.is_some())
        .collect();
    let store = Store::connect(url, PoolSettings::default()).await.unwrap();
    let integrations = Integrations {
        embeddings: model_settings(),
        ..Integrations::default()
    };
    let services = Services::new(
        store.clone(),
        integrations.clone(),
        integrations::ports(&integrations).unwrap(),
        Keyring::ephemeral().unwrap(),
    );
    let rotated = services
        .platform()
        .rotate_app_secret(&Actor::operator(), "bench")
        .await
        .unwrap();
    let caller = services
        .platform()
        .authenticate_app_secret("bench", &rotated.app_secret)
        .await
        .unwrap();
    measure(&services, &caller, &queries, rounds).await;
    hnsw_recall(&store, &caller.app.id, &queries).await;
}

async fn embeddings(corpus: &str) {
    let (documents, queries) = read_corpus(corpus);
    let embedder = local_embedder();
    // Passages of chunk size: the corpus sections, repeated to a few hundred.
    let passages: Vec<String> = documents
        .iter()
        .flat_map(|d| d.content.split("\n\n").map(str::to_owned))
        .filter(|p| p.len() > 40)
        .cycle()
        .take(512)
        .collect();
    embedder
        .embed(&passages[..16], Purpose::Document)
        .await
        .unwrap();
    let began = Instant::now();
    embedder.embed(&passages, Purpose::Document).await.unwrap();
    let elapsed = began.elapsed();
    let mean_chars = passages.iter().map(|p| p.chars().count()).sum::<usize>() / passages.len();
    println!(
        "documents: {} passages (mean {} chars) in {:.2} s = {:.0} chunks/s",
        passages.len(),
        mean_chars,
        elapsed.as_secs_f64(),
        passages.len() as f64 / elapsed.as_secs_f64()
    );
    let mut each = Vec::new();
    for _ in 0..3 {
        for query in &queries {
            let began = Instant::now();
            embedder
                .embed(std::slice::from_ref(&query.text), Purpose::Query)
                .await
                .unwrap();
            each.push(began.elapsed());
        }
    }
    each.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "queries: p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms ({} embeddings, one at a time)",
        ms(each[each.len() / 2]),
        ms(each[each.len() * 99 / 100]),
        ms(*each.last().unwrap()),
        each.len()
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["eval", url, corpus] => eval(url, corpus).await,
        ["latency", url, corpus, chunks, rounds] => {
            latency(
                url,
                corpus,
                chunks.parse().unwrap(),
                rounds.parse().unwrap(),
            )
            .await
        }
        ["embeddings", corpus] => embeddings(corpus).await,
        ["remeasure", url, corpus, rounds] => remeasure(url, corpus, rounds.parse().unwrap()).await,
        _ => {
            eprintln!(
                "usage: knowledge_bench eval URL CORPUS | latency URL CORPUS CHUNKS ROUNDS | \
                 remeasure URL CORPUS ROUNDS | embeddings CORPUS"
            );
            std::process::exit(2);
        }
    }
}

/// The local model, connected directly (the benchmark embeds outside the services too).
fn local_embedder() -> Embedder {
    let connector = integrations::embeddings::Connector::new(
        model_settings(),
        Default::default(),
        Default::default(),
        integrations::Http::unguarded().unwrap(),
    );
    Embedder::new(connector.connect().unwrap())
}
