//! Knowledge search: hybrid retrieval (vectors and full text, fused), its validation and its log.

use super::*;
use crate::agent::Agent;
use model::platform::apps::App;
use model::platform::users::Permission;

impl Agent<'_> {
    /// Seed 000's `POST /api/knowledge/search`, hybrid by default. Session tokens and a call's
    /// agent may call it.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn search_knowledge(
        &self,
        caller: &Caller,
        input: SearchKnowledge,
        trace_id: Option<&str>,
    ) -> Result<SearchResponse> {
        caller.permit_agent(Permission::KnowledgeRead)?;
        // A call's agent logs its searches (and gaps) against its own session only.
        if let Some(session_id) = input.session_id.as_deref() {
            caller.require_own_session(session_id)?;
        }
        self.search(&caller.app, input, Scope::TEAM, trace_id, Telemetry::Record)
            .await
    }

    /// A search that leaves no trace: no search log, no gap. The dashboard's search tester.
    /// Needs the app secret.
    pub async fn try_knowledge_search(
        &self,
        caller: &Caller,
        input: SearchKnowledge,
    ) -> Result<SearchResponse> {
        caller.require(Permission::KnowledgeRead)?;
        self.search(&caller.app, input, Scope::TEAM, None, Telemetry::Skip)
            .await
    }
}

impl Services {
    /// Searches published public articles, as end users may (the help center, the widget, AI
    /// answers in chat), through the same hybrid retrieval as the voice agent's. Logged, with
    /// any gap, against `session_id` when given.
    pub(crate) async fn search_public_articles(
        &self,
        app: &App,
        input: SearchKnowledge,
        collections: Option<&[String]>,
    ) -> Result<SearchResponse> {
        let telemetry = if input.session_id.is_some() {
            Telemetry::Record
        } else {
            Telemetry::Skip
        };
        let scope = Scope {
            audience: Audience::Everyone,
            collections,
        };
        self.search(app, input, scope, None, telemetry).await
    }

    async fn search(
        &self,
        app: &App,
        input: SearchKnowledge,
        scope: Scope<'_>,
        trace_id: Option<&str>,
        telemetry: Telemetry,
    ) -> Result<SearchResponse> {
        let search = Search::validate(&input)?;
        let embedder = self.embedder();
        let threshold = app.settings.knowledge_threshold.unwrap_or_else(|| {
            embedder
                .as_ref()
                .map_or(DEFAULT_THRESHOLD, |e| e.default_threshold())
        });

        let started = Instant::now();
        let (mode, vector) = self
            .embed_query(embedder, &search.query, input.mode.unwrap_or_default())
            .await?;
        let embedded = Instant::now();
        let results = self
            .retrieve(&app.id, &search, scope, mode, vector.as_ref())
            .await?;
        let timing = Timing {
            embed: if vector.is_some() {
                embedded - started
            } else {
                Duration::ZERO
            },
            retrieval: embedded.elapsed(),
        };

        let top_score = results.iter().map(|r| r.score).fold(0.0, f64::max);
        // Scores exist only when the query was embedded; full text alone can only tell that
        // nothing matched.
        let gap_detected = results.is_empty() || (vector.is_some() && top_score < threshold);
        let session = input.session_id.as_deref().filter(|s| !s.is_empty());
        let record = SearchLogRecord {
            id: new_id(),
            app_id: app.id.clone(),
            session_id: Some(session.unwrap_or(SEARCH_LOG_SESSION).to_owned()),
            query: search.query,
            mode: mode.as_str().to_owned(),
            top_score,
            result_count: results.len() as i64,
            gap: gap_detected,
            embed_us: timing.embed.as_micros() as i64,
            retrieval_us: timing.retrieval.as_micros() as i64,
            trace_id: trace_id.map(str::to_owned),
            created_at: self.now_ms(),
        };
        if telemetry == Telemetry::Record {
            self.log_search(&record, session).await?;
        }
        Ok(SearchResponse {
            results,
            gap_detected,
            top_score,
            mode,
            embed_ms: timing.embed.as_secs_f64() * 1000.0,
            retrieval_ms: timing.retrieval.as_secs_f64() * 1000.0,
        })
    }

    /// The query's vector (with its model) unless the mode is full text. Hybrid search falls
    /// back to full text when the provider is missing or fails: a voice agent is better
    /// served by that than by an error.
    async fn embed_query(
        &self,
        embedder: Result<&Embedder>,
        query: &str,
        mode: SearchMode,
    ) -> Result<(SearchMode, Option<QueryVector>)> {
        if mode == SearchMode::Text {
            return Ok((mode, None));
        }
        let embedded = match embedder {
            Ok(embedder) => embedder
                .embed(&[query.to_owned()], Purpose::Query)
                .await
                .map(|mut vectors| {
                    vectors.pop().map(|vector| QueryVector {
                        model: embedder.model().to_owned(),
                        vector,
                    })
                }),
            Err(error) => Err(error),
        };
        match embedded {
            Ok(vector) => Ok((mode, vector)),
            Err(error) if mode == SearchMode::Hybrid => {
                tracing::warn!(%error, "query not embedded; searching full text only");
                Ok((SearchMode::Text, None))
            }
            Err(error) => Err(error),
        }
    }

    /// Vector and full-text candidates, fused, cut to `topK`, loaded, and ordered by the
    /// similarity they show as `score` (the fused rank picks the passages; a client reading
    /// the list top-down must not see `score` rise). Ties, and passages not embedded yet,
    /// keep their fused order.
    async fn retrieve(
        &self,
        app_id: &str,
        search: &Search,
        scope: Scope<'_>,
        mode: SearchMode,
        vector: Option<&QueryVector>,
    ) -> Result<Vec<SearchResult>> {
        let pool = (search.top_k * 4).max(20);
        let filter = PassageFilter {
            category: search.category.as_deref(),
            audience: scope.audience,
        };
        let model = vector.map_or("", |v| v.model.as_str());
        let query_vector = vector.map(|v| v.vector.as_slice());
        let terms = query_terms(&search.query);
        // The two retrievals are independent: run them at once.
        let vector_side = async {
            let hits = match query_vector {
                Some(vector) if mode != SearchMode::Text => {
                    self.store()
                        .nearest_chunks(NearestQuery {
                            app_id,
                            model,
                            vector,
                            filter,
                            min_similarity: search.min_score.unwrap_or(-1.0),
                            limit: pool as usize,
                        })
                        .await?
                }
                _ => Vec::new(),
            };
            Ok::<_, Error>(hits)
        };
        let text_side = async {
            if mode == SearchMode::Vector {
                return Ok(Vec::new());
            }
            let matches = self
                .store()
                .text_matches(app_id, filter, &terms, model, query_vector, pool)
                .await?;
            Ok::<_, Error>(
                matches
                    .into_iter()
                    .filter(|c: &Candidate| {
                        search
                            .min_score
                            .is_none_or(|min| c.similarity.unwrap_or(0.0) >= min)
                    })
                    .collect(),
            )
        };
        let (vector_hits, text_hits) = tokio::try_join!(vector_side, text_side)?;
        // Narrowed to collections, every candidate is loaded to be filtered before the cut.
        let keep = if scope.collections.is_some() {
            usize::MAX
        } else {
            search.top_k as usize
        };
        let fused: Vec<_> = fuse(&vector_hits, &text_hits)
            .into_iter()
            .take(keep)
            .collect();
        let ids: Vec<String> = fused.iter().map(|f| f.chunk_id.clone()).collect();
        let mut chunks: HashMap<String, ChunkRecord> = self
            .store()
            .chunks_by_ids(app_id, &ids)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let mut results: Vec<SearchResult> = fused
            .into_iter()
            .filter_map(|f| {
                let chunk = chunks.remove(&f.chunk_id)?;
                let in_scope = scope.collections.is_none_or(|collections| {
                    chunk
                        .collection_id
                        .as_ref()
                        .is_some_and(|c| collections.contains(c))
                });
                in_scope.then_some(())?;
                Some(SearchResult {
                    id: chunk.document_id,
                    chunk_id: chunk.id,
                    title: chunk.title,
                    content: chunk.content,
                    heading: chunk.heading,
                    category: chunk.category,
                    score: f.similarity.unwrap_or(0.0).max(0.0),
                    vector_rank: f.vector_rank,
                    text_rank: f.text_rank,
                })
            })
            .take(search.top_k as usize)
            .collect();
        results.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(results)
    }

    /// Counts a question the knowledge base did not answer well (a reader rated the answer
    /// unhelpful) as a gap, against the conversation it came from.
    pub(crate) async fn record_unanswered_question(
        &self,
        app_id: &str,
        question: &str,
        top_score: f64,
        session_id: &str,
    ) -> Result<()> {
        let normalized = normalize_query(question);
        if normalized.is_empty() {
            return Ok(());
        }
        let now = self.now_ms();
        self.store()
            .record_knowledge_gap(
                &GapRecord {
                    id: new_id(),
                    app_id: app_id.to_owned(),
                    query: question.chars().take(MAX_QUERY_CHARS).collect(),
                    normalized_query: normalized,
                    occurrences: 1,
                    last_top_score: top_score,
                    example_sessions: vec![session_id.to_owned()],
                    status: GapStatus::Open.as_str().to_owned(),
                    document_id: None,
                    resolved_by: None,
                    resolved_at: None,
                    first_seen_at: now,
                    last_seen_at: now,
                },
                Some(session_id),
            )
            .await?;
        Ok(())
    }

    /// Logs a search and, when it found nothing good enough, counts its gap.
    async fn log_search(&self, record: &SearchLogRecord, session: Option<&str>) -> Result<()> {
        self.store().record_knowledge_search(record).await?;
        let normalized = normalize_query(&record.query);
        if record.gap && !normalized.is_empty() {
            self.store()
                .record_knowledge_gap(
                    &GapRecord {
                        id: new_id(),
                        app_id: record.app_id.clone(),
                        query: record.query.clone(),
                        normalized_query: normalized,
                        occurrences: 1,
                        last_top_score: record.top_score,
                        example_sessions: session.map(str::to_owned).into_iter().collect(),
                        status: GapStatus::Open.as_str().to_owned(),
                        document_id: None,
                        resolved_by: None,
                        resolved_at: None,
                        first_seen_at: record.created_at,
                        last_seen_at: record.created_at,
                    },
                    session,
                )
                .await?;
        }
        Ok(())
    }
}

/// Where a search spends its time, for the log and the answer.
struct Timing {
    embed: Duration,
    retrieval: Duration,
}

/// Who a search is for, and so which passages it may return.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub audience: Audience,
    /// Only passages of articles in these collections.
    pub collections: Option<&'a [String]>,
}

impl Scope<'_> {
    /// The team and the voice agent: published articles of both visibilities.
    pub const TEAM: Scope<'static> = Scope {
        audience: Audience::Team,
        collections: None,
    };
}

/// Whether a search is logged (and may record a gap), or only answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Telemetry {
    Record,
    Skip,
}

/// A validated search request.
struct Search {
    query: String,
    category: Option<String>,
    top_k: i64,
    min_score: Option<f64>,
}

/// A query's embedding and the model that made it.
struct QueryVector {
    model: String,
    vector: Vec<f32>,
}

impl Search {
    fn validate(input: &SearchKnowledge) -> Result<Search> {
        let query = input.query.trim().to_owned();
        let mut checks = Checks::new();
        checks.text("query", &query, 1, MAX_QUERY_CHARS);
        checks.optional_text("category", input.category.as_deref(), MAX_CATEGORY_CHARS);
        checks.optional_text("sessionId", input.session_id.as_deref(), MAX_NAME_CHARS);
        let top_k = input.top_k.unwrap_or(DEFAULT_TOP_K);
        if !(1..=MAX_TOP_K).contains(&top_k) {
            checks.fail("topK", format!("must be 1 to {MAX_TOP_K}"));
        }
        if input.min_score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
            checks.fail("minScore", "must be 0 to 1");
        }
        checks.finish()?;
        Ok(Search {
            query,
            category: input.category.clone().filter(|c| !c.is_empty()),
            top_k,
            min_score: input.min_score,
        })
    }
}
