//! The knowledge base: documents are split into chunks, each chunk is embedded and indexed, and
//! search fuses vector similarity with full-text rank. Searches that find nothing good enough
//! become gaps, counted per normalised question.
//!
//! Small documents are embedded before the request answers, so they are searchable at once.
//! Larger ones are stored with their chunks (already found by full-text search) and embedded by
//! the ingestion job, whose progress the document shows.

pub mod articles;
mod chunking;
pub mod embeddings;
mod gaps;
mod html;
mod ranking;
mod search;

pub use search::Scope;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use model::agent::conversations::MAX_NAME_CHARS;
use model::agent::knowledge::{
    AddKnowledge, ArticleFeedback, ArticleStatus, Chunk, Document, DocumentDetail, DocumentFormat,
    DocumentPage, DocumentPatch, DocumentSaved, GapPage, GapStatus, IngestState, Ingestion,
    KnowledgeGap, KnowledgeMetrics, ResolveGap, SearchKnowledge, SearchMode, SearchResponse,
    SearchResult, Visibility,
};
use model::platform::users::Permission;
use store::{
    Audience, Candidate, ChunkRecord, DocumentKey, DocumentRecord, GapRecord, NearestQuery,
    NewChunk, PassageFilter, SearchLogRecord, StoreError,
};

use articles::ArticleChange;
use embeddings::{Embedder, Purpose};
use ranking::{fuse, normalize_query, query_terms};

use crate::agent::Agent;
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Caller, Error, Result, Services};

const MAX_TITLE_CHARS: usize = 300;
const MAX_CATEGORY_CHARS: usize = 100;
const MAX_SOURCE_TYPE_CHARS: usize = 50;
/// A document's text, after any HTML is reduced to text.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;
const MAX_CHUNKS: usize = 20_000;
const MAX_QUERY_CHARS: usize = 1_000;
const DEFAULT_TOP_K: i64 = 5;
const MAX_TOP_K: i64 = 50;
/// Documents of at most this many chunks are embedded before the request answers.
const INLINE_CHUNKS: usize = 8;
/// Chunks the ingestion job embeds per step (and per lease extension).
const JOB_BATCH: i64 = 32;
const JOB_LEASE_MS: i64 = 5 * 60_000;
const JOB_MAX_ATTEMPTS: i64 = 6;
/// The seed's default: below this top score a search records a gap (see
/// [`Embedder::default_threshold`]).
const DEFAULT_THRESHOLD: f64 = 0.5;
const SEARCH_LOG_SESSION: &str = "search-api";

impl Agent<'_> {
    /// Connects the embedding provider (loading the local model) ahead of the first request,
    /// and answers its model. Blocking: call it off the async runtime's threads.
    pub fn prepare_embeddings(&self) -> Result<String> {
        Ok(self.embedder()?.model().to_owned())
    }

    /// Queues every document embedded with a model other than the configured one; the
    /// ingestion job re-embeds them. Answers how many were queued.
    pub async fn requeue_stale_embeddings(&self) -> Result<u64> {
        let model = self.embedder()?.model().to_owned();
        let queued = self
            .store()
            .requeue_knowledge_for_model(&model, self.now_ms())
            .await?;
        if queued > 0 {
            self.wake_knowledge_worker();
        }
        Ok(queued)
    }

    /// Seed 000's `POST /api/knowledge`: adds a document, or replaces the app's document with
    /// the same title.
    pub async fn add_knowledge(
        &self,
        caller: &Caller,
        input: AddKnowledge,
    ) -> Result<DocumentSaved> {
        caller.require(Permission::KnowledgeManage)?;
        let format = input.format.unwrap_or(DocumentFormat::Markdown);
        let draft = Draft {
            title: input.title.trim().to_owned(),
            category: input.category.trim().to_owned(),
            source_type: input
                .source_type
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "document".to_owned()),
            updated_by: input.updated_by.filter(|s| !s.trim().is_empty()),
            text: chunking::to_text(&input.content, format),
            format,
            article: ArticleChange {
                status: input.status,
                visibility: input.visibility,
                slug: input.slug,
                collection_id: input.collection_id.map(Some),
            },
        };
        self.save_document(caller, None, draft).await
    }

    /// A file upload: text, Markdown or HTML, by MIME type or extension. The title defaults
    /// to the file's first heading, then its name.
    pub async fn upload_knowledge(
        &self,
        caller: &Caller,
        upload: KnowledgeUpload,
    ) -> Result<DocumentSaved> {
        caller.require(Permission::KnowledgeManage)?;
        let format =
            chunking::detect_format(upload.content_type.as_deref(), upload.file_name.as_deref());
        let source = String::from_utf8(upload.bytes).map_err(|_| {
            Error::Invalid(
                "The file is not UTF-8 text: upload text, Markdown or HTML files".to_owned(),
            )
        })?;
        let text = chunking::to_text(&source, format);
        let title = upload
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| first_heading(&text))
            .or_else(|| upload.file_name.clone())
            .unwrap_or_default();
        let draft = Draft {
            title,
            category: upload.category.trim().to_owned(),
            source_type: upload
                .source_type
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "upload".to_owned()),
            updated_by: upload.updated_by.filter(|s| !s.trim().is_empty()),
            text,
            format,
            article: ArticleChange::default(),
        };
        self.save_document(caller, None, draft).await
    }

    pub async fn list_knowledge_documents(
        &self,
        caller: &Caller,
        category: Option<&str>,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<DocumentPage> {
        caller.require(Permission::KnowledgeRead)?;
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let records = self
            .store()
            .list_knowledge_documents(&caller.app.id, category, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |r| (r.updated_at, r.id.as_str()));
        Ok(DocumentPage {
            documents: records.iter().map(to_document).collect(),
            next_cursor,
        })
    }

    pub async fn knowledge_document(&self, caller: &Caller, id: &str) -> Result<DocumentDetail> {
        caller.require(Permission::KnowledgeRead)?;
        let record = self.app_document(&caller.app.id, id).await?;
        let chunks = self.store().knowledge_chunks(&record.id).await?;
        let votes = self.store().knowledge_vote_counts(&record.id).await?;
        Ok(DocumentDetail {
            document: to_document(&record),
            content: record.content,
            chunks: chunks.into_iter().map(to_chunk).collect(),
            feedback: ArticleFeedback {
                helpful: votes.helpful,
                not_helpful: votes.not_helpful,
            },
        })
    }

    /// Changes a document; changed content (or format) is chunked and embedded again.
    pub async fn update_knowledge_document(
        &self,
        caller: &Caller,
        id: &str,
        patch: DocumentPatch,
    ) -> Result<DocumentSaved> {
        caller.require(Permission::KnowledgeManage)?;
        let current = self.app_document(&caller.app.id, id).await?;
        let article = ArticleChange {
            status: patch.status,
            visibility: patch.visibility,
            slug: patch.slug,
            collection_id: patch.collection_id,
        };
        let content_unchanged = patch.title.is_none()
            && patch.content.is_none()
            && patch.category.is_none()
            && patch.source_type.is_none()
            && patch.updated_by.is_none()
            && patch.format.is_none();
        if content_unchanged {
            // Only the article's lifecycle or place: its passages keep their vectors.
            return self.change_article(caller, current, article).await;
        }
        let format = patch
            .format
            .or_else(|| DocumentFormat::parse(&current.format))
            .unwrap_or(DocumentFormat::Markdown);
        let text = match patch.content {
            Some(content) => chunking::to_text(&content, format),
            None => current.content,
        };
        let draft = Draft {
            title: patch.title.map_or(current.title, |t| t.trim().to_owned()),
            category: patch
                .category
                .map_or(current.category, |c| c.trim().to_owned()),
            source_type: patch
                .source_type
                .map_or(current.source_type, |s| s.trim().to_owned()),
            updated_by: patch.updated_by.or(current.updated_by),
            text,
            format,
            article,
        };
        self.save_document(caller, Some(id), draft).await
    }

    pub async fn delete_knowledge_document(&self, caller: &Caller, id: &str) -> Result<()> {
        caller.require(Permission::KnowledgeManage)?;
        if !self
            .store()
            .delete_knowledge_document(&caller.app.id, id)
            .await?
        {
            return Err(Error::NotFound("document"));
        }
        self.audit_change(
            caller,
            "knowledge_document.deleted",
            "knowledge_document",
            Some(id.to_owned()),
            None,
        )
        .await
    }

    /// Documents waiting for their embeddings, every app's (for the metrics).
    pub async fn knowledge_backlog(&self) -> Result<i64> {
        Ok(self.store().knowledge_documents_waiting().await?)
    }

    /// Embeds the next waiting document's chunks, a batch at a time. Answers whether there was
    /// one. A failing provider is retried with backoff; after the last attempt the document is
    /// `failed`, still found by full text.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn ingest_next_document(&self) -> Result<bool> {
        let embedder = self.embedder()?;
        let model = embedder.model().to_owned();
        let Some(document) = self
            .store()
            .claim_knowledge_ingestion(self.now_ms(), JOB_LEASE_MS)
            .await?
        else {
            return Ok(false);
        };
        loop {
            let chunks = self
                .store()
                .chunks_to_embed(&document.id, &model, JOB_BATCH)
                .await?;
            if chunks.is_empty() {
                break;
            }
            let texts: Vec<String> = chunks
                .iter()
                .map(|c| embedding_text(&c.title, c.heading.as_deref(), &c.content))
                .collect();
            let vectors = match embedder.embed(&texts, Purpose::Document).await {
                Ok(vectors) => vectors,
                Err(error) => {
                    let attempts = document.ingest_attempts + 1;
                    let (state, retry_at) = if attempts >= JOB_MAX_ATTEMPTS {
                        (IngestState::Failed, self.now_ms())
                    } else {
                        (
                            IngestState::Pending,
                            self.now_ms() + retry_delay_ms(attempts),
                        )
                    };
                    tracing::warn!(document = %document.id, attempts, %error, "embedding failed");
                    self.store()
                        .finish_knowledge_ingestion(
                            &document.id,
                            state.as_str(),
                            Some(&error.to_string()),
                            attempts,
                            retry_at,
                        )
                        .await?;
                    return Ok(true);
                }
            };
            self.ensure_vector_index(&vectors).await?;
            let pairs: Vec<(String, Vec<f32>)> =
                chunks.into_iter().map(|c| c.id).zip(vectors).collect();
            self.store()
                .store_chunk_embeddings(
                    &document.app_id,
                    &document.id,
                    &model,
                    &pairs,
                    self.now_ms() + JOB_LEASE_MS,
                )
                .await?;
        }
        self.store()
            .finish_knowledge_ingestion(
                &document.id,
                IngestState::Ready.as_str(),
                None,
                document.ingest_attempts,
                self.now_ms(),
            )
            .await?;
        Ok(true)
    }

    /// Whether documents wait for the ingestion job (it polls while they do).
    pub async fn knowledge_ingestion_waiting(&self) -> Result<bool> {
        Ok(self.store().knowledge_ingestion_waiting().await?)
    }
}

impl Services {
    /// The configured embedding provider, connected (the local model loaded) on first use. The
    /// server connects it at start (`prepare_embeddings`), so requests do not wait for that.
    pub(crate) fn embedder(&self) -> Result<&Embedder> {
        if let Some(embedder) = self.embedder_cell().get() {
            return Ok(embedder);
        }
        let embedder = Embedder::new(self.ports().embeddings.connect()?);
        Ok(self.embedder_cell().get_or_init(|| embedder))
    }

    /// The app's document `id`; "not found" for another app's.
    async fn app_document(&self, app_id: &str, id: &str) -> Result<DocumentRecord> {
        self.store()
            .knowledge_document(app_id, id)
            .await?
            .ok_or(Error::NotFound("document"))
    }

    async fn save_document(
        &self,
        caller: &Caller,
        id: Option<&str>,
        draft: Draft,
    ) -> Result<DocumentSaved> {
        let mut checks = Checks::new();
        checks.text("title", &draft.title, 1, MAX_TITLE_CHARS);
        checks.text("category", &draft.category, 1, MAX_CATEGORY_CHARS);
        checks.text("sourceType", &draft.source_type, 1, MAX_SOURCE_TYPE_CHARS);
        checks.optional_text("updatedBy", draft.updated_by.as_deref(), MAX_NAME_CHARS);
        checks.bytes("content", &draft.text, MAX_DOCUMENT_BYTES);
        draft.article.check(&mut checks);
        let pieces = chunking::chunk(&draft.text);
        if pieces.is_empty() {
            checks.fail("content", "must contain text");
        }
        if pieces.len() > MAX_CHUNKS {
            checks.fail(
                "content",
                format!("makes {} passages; the limit is {MAX_CHUNKS}", pieces.len()),
            );
        }
        checks.finish()?;
        // The document this one replaces keeps its lifecycle unless the request changes it.
        let replaced = match id {
            Some(id) => self.store().knowledge_document(&caller.app.id, id).await?,
            None => {
                self.store()
                    .knowledge_document_by_title(&caller.app.id, &draft.title)
                    .await?
            }
        };
        let now = self.now_ms();
        let state = self
            .article_state(
                &caller.app.id,
                replaced.as_ref(),
                &draft.title,
                draft.article,
                now,
            )
            .await?;
        let embedder = self.embedder()?;
        let model = embedder.model().to_owned();
        let inline = pieces.len() <= INLINE_CHUNKS;
        let vectors = if inline {
            let texts: Vec<String> = pieces
                .iter()
                .map(|p| embedding_text(&draft.title, p.heading.as_deref(), &p.content))
                .collect();
            let vectors = embedder.embed(&texts, Purpose::Document).await?;
            self.ensure_vector_index(&vectors).await?;
            vectors.into_iter().map(Some).collect()
        } else {
            vec![None; pieces.len()]
        };
        let chunk_count = pieces.len() as i64;
        let chunks: Vec<NewChunk> = pieces
            .into_iter()
            .zip(vectors)
            .map(|(piece, embedding)| NewChunk {
                id: new_id(),
                heading: piece.heading,
                content: piece.content,
                embedding,
            })
            .collect();
        let record = DocumentRecord {
            id: id.map_or_else(new_id, str::to_owned),
            app_id: caller.app.id.clone(),
            title: draft.title,
            category: draft.category,
            source_type: draft.source_type,
            updated_by: draft.updated_by,
            format: draft.format.as_str().to_owned(),
            content_length: draft.text.chars().count() as i64,
            content: draft.text,
            chunk_count,
            embedded_count: if inline { chunk_count } else { 0 },
            embedding_model: model,
            ingest_state: if inline {
                IngestState::Ready
            } else {
                IngestState::Pending
            }
            .as_str()
            .to_owned(),
            ingest_error: None,
            ingest_attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            created_at: now,
            updated_at: now,
            status: state.status,
            visibility: state.visibility,
            slug: state.slug,
            collection_id: state.collection_id,
            published_at: state.published_at,
        };
        let key = if id.is_some() {
            DocumentKey::Id
        } else {
            DocumentKey::Title
        };
        let (stored, created) = match self.store().put_document(&record, &chunks, key).await {
            Ok(Some(saved)) => saved,
            Ok(None) => return Err(Error::NotFound("document")),
            Err(StoreError::UniqueViolation) => {
                return Err(Error::AlreadyExists("document with this title or slug"));
            }
            Err(other) => return Err(other.into()),
        };
        if !inline {
            self.wake_knowledge_worker();
        }
        let action = if created {
            "knowledge_document.added"
        } else {
            "knowledge_document.updated"
        };
        let details = serde_json::json!({ "title": stored.title, "chunks": stored.chunk_count });
        self.audit_change(
            caller,
            action,
            "knowledge_document",
            Some(stored.id.clone()),
            Some(details),
        )
        .await?;
        Ok(DocumentSaved {
            id: stored.id.clone(),
            created,
            ingestion: ingestion(&stored),
        })
    }

    /// Creates the vector index for these vectors' size, once per size and process.
    async fn ensure_vector_index(&self, vectors: &[Vec<f32>]) -> Result<()> {
        let Some(dims) = vectors.first().map(Vec::len) else {
            return Ok(());
        };
        if self.indexed_dimensions(dims) {
            return Ok(());
        }
        self.store().ensure_vector_index(dims).await?;
        self.mark_indexed_dimensions(dims);
        Ok(())
    }
}

/// A file handed to [`Services::upload_knowledge`].
#[derive(Clone, Debug, Default)]
pub struct KnowledgeUpload {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    pub title: Option<String>,
    pub category: String,
    pub source_type: Option<String>,
    pub updated_by: Option<String>,
}

/// A document about to be validated, chunked and stored.
struct Draft {
    title: String,
    category: String,
    source_type: String,
    updated_by: Option<String>,
    /// Plain text with Markdown headings.
    text: String,
    format: DocumentFormat,
    article: ArticleChange,
}

/// What is embedded for a chunk: the passage with the title and heading that give it context.
fn embedding_text(title: &str, heading: Option<&str>, content: &str) -> String {
    match heading {
        Some(heading) => format!("{title}\n{heading}\n\n{content}"),
        None => format!("{title}\n\n{content}"),
    }
}

fn first_heading(text: &str) -> Option<String> {
    chunking::chunk(text)
        .into_iter()
        .find_map(|c| c.heading)
        .and_then(|path| path.split(" › ").next().map(str::to_owned))
}

/// 30 s, 1 min, 2 min… up to 30 min between embedding attempts.
fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    (30_000 * 2i64.pow(exponent)).min(30 * 60_000)
}

fn ingestion(record: &DocumentRecord) -> Ingestion {
    Ingestion {
        state: IngestState::parse(&record.ingest_state).unwrap_or(IngestState::Pending),
        chunks_done: record.embedded_count,
        chunks_total: record.chunk_count,
        model: record.embedding_model.clone(),
        attempts: record.ingest_attempts,
        error: record.ingest_error.clone(),
    }
}

fn to_document(record: &DocumentRecord) -> Document {
    Document {
        id: record.id.clone(),
        title: record.title.clone(),
        category: record.category.clone(),
        source_type: record.source_type.clone(),
        updated_by: record.updated_by.clone(),
        format: DocumentFormat::parse(&record.format).unwrap_or(DocumentFormat::Text),
        content_length: record.content_length,
        ingestion: ingestion(record),
        created_at: record.created_at,
        updated_at: record.updated_at,
        status: ArticleStatus::parse(&record.status).unwrap_or_default(),
        visibility: Visibility::parse(&record.visibility).unwrap_or_default(),
        slug: record.slug.clone(),
        collection_id: record.collection_id.clone(),
        published_at: record.published_at,
    }
}

fn to_chunk(record: ChunkRecord) -> Chunk {
    Chunk {
        id: record.id,
        ordinal: record.ordinal,
        heading: record.heading,
        content: record.content,
        embedding_model: record.embedding_model,
    }
}
