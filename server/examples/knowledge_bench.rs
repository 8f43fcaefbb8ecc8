//! Measures the knowledge base: retrieval quality on the labelled set, retrieval latency at
//! scale, and local embedding speed. Driven by `bench/knowledge-search`; see the README.
//!
//!   knowledge_bench eval       DATABASE_URL CORPUS
//!   knowledge_bench latency    DATABASE_URL CORPUS CHUNKS ROUNDS
//!   knowledge_bench tenants    DATABASE_URL CORPUS CHUNKS ROUNDS
//!   knowledge_bench remeasure  DATABASE_URL CORPUS ROUNDS   (a latency run's database again)
//!   knowledge_bench embeddings CORPUS
//!
//! Everything goes through the real service layer and store; the local model embeds. For the
//! latency runs the corpus is embedded for real, then padded to CHUNKS with synthetic passages:
//! blends of two real chunk vectors with noise (so they cluster like real text) and 60 words
//! drawn from a Zipfian vocabulary (the corpus's words by frequency, then a long tail of made-up
//! ones), so that a word is as common in the padding as its rank makes it in real text.
//! `tenants` spreads CHUNKS over 50 apps of very different sizes in one table, the labelled
//! corpus being one of the smallest, to check that a small app's searches find its own
//! passages among everyone else's.

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
use store::{Audience, DocumentKey, DocumentRecord, NewChunk, PassageFilter, PoolSettings, Store};

/// Every published passage, as the voice agent searches.
const TEAM: PassageFilter<'static> = PassageFilter {
    category: None,
    audience: Audience::Team,
};

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

async fn open(url: &str, slug: &str) -> (Services, Caller) {
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
    let caller = create_app(&services, slug).await;
    (services, caller)
}

/// A new app, and its secret's caller.
async fn create_app(services: &Services, slug: &str) -> Caller {
    let created = services
        .platform()
        .create_app(
            &Actor::operator(),
            CreateApp {
                slug: slug.to_owned(),
                name: slug.to_owned(),
                secret: None,
                workspace_id: None,
                settings: AppSettings::default(),
            },
        )
        .await
        .unwrap();
    services
        .platform()
        .authenticate_app_secret(slug, &created.app_secret)
        .await
        .unwrap()
}

/// Adds the labelled documents to the app and embeds them.
async fn add_corpus(services: &Services, caller: &Caller, documents: &[Document]) {
    for document in documents {
        services
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
                    status: None,
                    visibility: None,
                    slug: None,
                    collection_id: None,
                },
            )
            .await
            .unwrap();
    }
    while services.agent().ingest_next_document().await.unwrap() {}
}

async fn eval(url: &str, corpus: &str) {
    let (documents, all_queries) = read_corpus(corpus);
    let (queries, unanswerable): (Vec<Query>, Vec<Query>) =
        all_queries.into_iter().partition(|q| q.expected.is_some());
    let (services, caller) = open(url, "bench").await;
    add_corpus(&services, &caller, &documents).await;
    println!(
        "{} documents, {} labelled queries, {} questions none answers",
        documents.len(),
        queries.len(),
        unanswerable.len()
    );
    quality(&services, &caller, &queries).await;
    gap_detection(&services, &caller, &queries, &unanswerable).await;
}

/// Recall@1, recall@5 and MRR@10 of each mode on the labelled questions, counting documents
/// (later passages of a document already seen do not count again).
async fn quality(services: &Services, caller: &Caller, queries: &[Query]) {
    println!("mode     recall@1  recall@5  MRR@10  (top score: answered p10 / mean)");
    for mode in [SearchMode::Vector, SearchMode::Text, SearchMode::Hybrid] {
        let (mut hits1, mut hits5, mut reciprocal) = (0usize, 0usize, 0.0f64);
        let mut top_scores = Vec::new();
        for query in queries {
            let found = search(services, caller, &query.text, 10, mode).await;
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

/// The labelled corpus's real vectors, and a Zipfian vocabulary: the corpus's words, most
/// frequent first, then made-up words for the long tail real text has.
struct Padding {
    seeds: Vec<Vec<f32>>,
    vocabulary: Vec<String>,
    /// Cumulative Zipf weights of the vocabulary's ranks, for sampling.
    cumulative: Vec<f64>,
    rng: Rng,
}

/// Words in the padding's vocabulary, and its Zipf exponent (about 1 in English).
const VOCABULARY_SIZE: usize = 30_000;
const ZIPF_EXPONENT: f64 = 1.0;

impl Padding {
    async fn new(store: &Store, app_id: &str, documents: &[Document]) -> Padding {
        let seeds: Vec<Vec<f32>> = store
            .stored_vectors(app_id, MODEL)
            .await
            .unwrap()
            .into_iter()
            .map(|v| store::vector_from_bytes(&v.embedding))
            .collect();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for document in documents {
            for word in document.content.split(|c: char| !c.is_alphabetic()) {
                if !word.is_empty() {
                    *counts.entry(word.to_lowercase()).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut vocabulary: Vec<String> = ranked.into_iter().map(|(word, _)| word).collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let syllables = [
            "ba", "ko", "ri", "tu", "ne", "sa", "lo", "mi", "de", "vu", "ga", "pe", "zo", "hi",
            "fa", "wu",
        ];
        while vocabulary.len() < VOCABULARY_SIZE {
            let length = 2 + rng.below(3);
            let word: String = (0..length)
                .map(|_| syllables[rng.below(syllables.len())])
                .collect();
            if !vocabulary.contains(&word) {
                vocabulary.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=vocabulary.len())
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(ZIPF_EXPONENT);
                total
            })
            .collect();
        Padding {
            seeds,
            vocabulary,
            cumulative,
            rng,
        }
    }

    fn word(&mut self) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = (self.rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let rank = self.cumulative.partition_point(|c| *c < target);
        &self.vocabulary[rank.min(self.vocabulary.len() - 1)]
    }

    /// A synthetic passage: mostly one topic, partly another, plus noise (spread like real
    /// passages, without thousands of near-ties around each real vector), and 60 words.
    fn chunk(&mut self, id: String) -> NewChunk {
        let main = self.rng.below(self.seeds.len());
        let other = self.rng.below(self.seeds.len());
        let mix = (self.rng.below(1000) as f32) / 2000.0;
        let noisy: Vec<f32> = (0..self.seeds[main].len())
            .map(|d| self.seeds[main][d] + mix * self.seeds[other][d] + 0.04 * self.rng.normal())
            .collect();
        let words: Vec<String> = (0..60).map(|_| self.word().to_owned()).collect();
        NewChunk {
            id,
            heading: None,
            content: words.join(" "),
            embedding: Some(domain::agent::knowledge::embeddings::normalised(noisy)),
        }
    }

    /// Adds `count` synthetic chunks to an app, in documents of up to 1,000 chunks.
    async fn fill(&mut self, store: &Store, app_id: &str, prefix: &str, count: usize) {
        let categories = [
            "policy", "shipping", "billing", "product", "account", "stores",
        ];
        let mut made = 0;
        let mut batch = 0;
        while made < count {
            let size = 1000.min(count - made);
            let chunks: Vec<NewChunk> = (0..size)
                .map(|i| self.chunk(format!("{prefix}-{batch}-{i}")))
                .collect();
            let now = domain::now_ms();
            let record = DocumentRecord {
                id: format!("{prefix}-{batch}"),
                app_id: app_id.to_owned(),
                title: format!("Synthetic archive {prefix} {batch}"),
                category: categories[batch % categories.len()].to_owned(),
                source_type: "bench".to_owned(),
                updated_by: None,
                format: "text".to_owned(),
                content: String::new(),
                content_length: 0,
                chunk_count: size as i64,
                embedded_count: size as i64,
                embedding_model: MODEL.to_owned(),
                ingest_state: "ready".to_owned(),
                ingest_error: None,
                ingest_attempts: 0,
                next_attempt_at: now,
                locked_until: None,
                created_at: now,
                updated_at: now,
                status: "published".to_owned(),
                visibility: "internal".to_owned(),
                slug: format!("{prefix}-{batch}"),
                collection_id: None,
                published_at: Some(now),
            };
            store
                .put_document(&record, &chunks, DocumentKey::Title)
                .await
                .unwrap();
            made += size;
            batch += 1;
        }
    }
}

const MODEL: &str = "local/all-MiniLM-L6-v2";

/// The labelled questions, without the ones none answers.
fn answerable(queries: Vec<Query>) -> Vec<Query> {
    queries
        .into_iter()
        .filter(|q| q.expected.is_some())
        .collect()
}

async fn latency(url: &str, corpus: &str, chunks: usize, rounds: usize) {
    let (documents, queries) = read_corpus(corpus);
    let queries = answerable(queries);
    let (services, caller) = open(url, "bench").await;
    add_corpus(&services, &caller, &documents).await;
    let store = Store::connect(url, PoolSettings::default()).await.unwrap();
    let mut padding = Padding::new(&store, &caller.app.id, &documents).await;
    let real = padding.seeds.len();
    let started = Instant::now();
    padding
        .fill(
            &store,
            &caller.app.id,
            "synthetic",
            chunks.saturating_sub(real),
        )
        .await;
    store.analyze().await.unwrap();
    println!(
        "{} chunks ({} real, {} synthetic) stored in {:.1} s",
        chunks.max(real),
        real,
        chunks.saturating_sub(real),
        started.elapsed().as_secs_f64()
    );
    quality(&services, &caller, &queries).await;
    measure(&services, &caller, &queries, rounds).await;
    hnsw_recall(&store, &caller.app.id, &queries).await;
}

/// Apps in the `tenants` run, and the skew of their sizes (the k-th largest holds a share
/// proportional to 1/k^TENANT_SKEW).
const TENANTS: usize = 50;
const TENANT_SKEW: f64 = 1.5;

/// 50 apps of very different sizes in one table, the labelled corpus in one of the smallest:
/// every app's searches must return its full `topK` from its own passages, and the labelled
/// app's quality must be what it is alone.
async fn tenants(url: &str, corpus: &str, chunks: usize, rounds: usize) {
    let (documents, queries) = read_corpus(corpus);
    let queries = answerable(queries);
    let (services, labelled) = open(url, "labelled").await;
    add_corpus(&services, &labelled, &documents).await;
    let store = Store::connect(url, PoolSettings::default()).await.unwrap();
    let mut padding = Padding::new(&store, &labelled.app.id, &documents).await;
    let others = TENANTS - 1;
    let shares: Vec<f64> = (1..=others)
        .map(|k| 1.0 / (k as f64).powf(TENANT_SKEW))
        .collect();
    let total_share: f64 = shares.iter().sum();
    let to_make = chunks.saturating_sub(padding.seeds.len());
    let started = Instant::now();
    let mut apps = Vec::new();
    for (k, share) in shares.iter().enumerate() {
        let size = ((to_make as f64 * share / total_share) as usize).max(12);
        let slug = format!("tenant-{k:02}");
        let caller = create_app(&services, &slug).await;
        padding.fill(&store, &caller.app.id, &slug, size).await;
        apps.push((caller, size));
    }
    store.analyze().await.unwrap();
    let sizes: Vec<usize> = apps.iter().map(|(_, size)| *size).collect();
    println!(
        "{} apps, {} chunks in one table in {:.1} s: sizes {} down to {}, and the labelled \
         app's {} real chunks",
        TENANTS,
        sizes.iter().sum::<usize>() + padding.seeds.len(),
        started.elapsed().as_secs_f64(),
        sizes.first().copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0),
        padding.seeds.len()
    );
    // Every app gets its full topK from its own passages, for random topics.
    let top_k = 10;
    let mut short = Vec::new();
    for (caller, size) in &apps {
        for query in queries.iter().step_by(10) {
            for mode in [SearchMode::Vector, SearchMode::Hybrid] {
                let found = search(&services, caller, &query.text, top_k, mode).await;
                let own = found
                    .results
                    .iter()
                    .filter(|r| {
                        r.title
                            .starts_with(&format!("Synthetic archive {} ", caller.app.slug))
                    })
                    .count();
                if own < top_k.min(*size) || own != found.results.len() {
                    short.push(format!(
                        "{} ({size} chunks) {}: {own}",
                        caller.app.slug,
                        mode.as_str()
                    ));
                }
            }
        }
    }
    println!(
        "full topK {top_k} from the app's own passages: {} of {} searches short{}",
        short.len(),
        apps.len() * queries.iter().step_by(10).count() * 2,
        if short.is_empty() {
            String::new()
        } else {
            format!(": {}", short.join(", "))
        }
    );
    println!("the labelled app, among {} other apps:", others);
    quality(&services, &labelled, &queries).await;
    measure(&services, &labelled, &queries, rounds).await;
    if let Some((largest, size)) = apps.first() {
        println!("the largest app ({size} chunks):");
        measure(&services, largest, &queries, rounds).await;
    }
}

async fn search(
    services: &Services,
    caller: &Caller,
    query: &str,
    top_k: usize,
    mode: SearchMode,
) -> model::agent::knowledge::SearchResponse {
    services
        .agent()
        .search_knowledge(
            caller,
            SearchKnowledge {
                query: query.to_owned(),
                top_k: Some(top_k as i64),
                mode: Some(mode),
                ..SearchKnowledge::default()
            },
            None,
        )
        .await
        .unwrap()
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
                let found = search(services, caller, &query.text, 5, mode).await;
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
    let model = MODEL;
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
                .nearest_chunks_searching(app_id, model, TEAM, vector, -1.0, 10, Some(ef_search))
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
    let queries = answerable(queries);
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
        ["tenants", url, corpus, chunks, rounds] => {
            tenants(
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
                 tenants URL CORPUS CHUNKS ROUNDS | remeasure URL CORPUS ROUNDS | \
                 embeddings CORPUS"
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
