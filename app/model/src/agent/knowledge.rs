//! The knowledge base (seed 000's `/api/knowledge*`): documents split into chunks, hybrid
//! search over them, the gaps searches reveal, and search metrics.

use serde::{Deserialize, Serialize};

/// `POST /api/knowledge`: adds a document, or replaces the app's document with this title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddKnowledge {
    pub title: String,
    pub content: String,
    /// Searches can be narrowed to one category (`faq`, `policy`, `product`…).
    pub category: String,
    /// Where the text came from; `document` by default.
    #[serde(default)]
    pub source_type: Option<String>,
    #[serde(default)]
    pub updated_by: Option<String>,
    /// How the content is marked up: `text`, `markdown` (the default: headings become
    /// sections) or `html`.
    #[serde(default)]
    pub format: Option<DocumentFormat>,
    /// `published` unless given (a replaced document keeps its own).
    #[serde(default)]
    pub status: Option<ArticleStatus>,
    /// `internal` unless given (a replaced document keeps its own).
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// The help-center address; made from the title unless given.
    #[serde(default)]
    pub slug: Option<String>,
    /// The help-center collection it belongs to.
    #[serde(default)]
    pub collection_id: Option<String>,
}

/// Where an article is in its life. Only published articles are ever retrieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    #[default]
    Published,
    Archived,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 3] = [Self::Draft, Self::Published, Self::Archived];

    pub const fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
            ArticleStatus::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<ArticleStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Who reads an article: everyone (help center, widget, AI answers in chat), or only the team
/// and the voice agent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    #[default]
    Internal,
}

impl Visibility {
    pub const fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }

    pub fn parse(value: &str) -> Option<Visibility> {
        [Self::Public, Self::Internal]
            .into_iter()
            .find(|v| v.as_str() == value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    Text,
    Markdown,
    Html,
}

impl DocumentFormat {
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Text => "text",
            DocumentFormat::Markdown => "markdown",
            DocumentFormat::Html => "html",
        }
    }

    pub fn parse(value: &str) -> Option<DocumentFormat> {
        [Self::Text, Self::Markdown, Self::Html]
            .into_iter()
            .find(|f| f.as_str() == value)
    }
}

/// `PATCH /api/knowledge/documents/{id}`: changes any of these; new content is re-chunked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentPatch {
    pub title: Option<String>,
    pub content: Option<String>,
    pub category: Option<String>,
    pub source_type: Option<String>,
    pub updated_by: Option<String>,
    pub format: Option<DocumentFormat>,
    pub status: Option<ArticleStatus>,
    pub visibility: Option<Visibility>,
    pub slug: Option<String>,
    /// `null` takes the article out of its collection.
    #[serde(
        default,
        deserialize_with = "crate::patch::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub collection_id: Option<Option<String>>,
}

/// Where a document's embedding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestState {
    /// Waiting for the ingestion job; full-text search already finds it.
    Pending,
    /// The job is embedding its chunks.
    Embedding,
    /// Every chunk is embedded with the configured model.
    Ready,
    /// Embedding failed after retries; `error` says why.
    Failed,
}

impl IngestState {
    pub const ALL: [IngestState; 4] = [
        IngestState::Pending,
        IngestState::Embedding,
        IngestState::Ready,
        IngestState::Failed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            IngestState::Pending => "pending",
            IngestState::Embedding => "embedding",
            IngestState::Ready => "ready",
            IngestState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<IngestState> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ingestion {
    pub state: IngestState,
    pub chunks_done: i64,
    pub chunks_total: i64,
    /// The embedding model (`provider/model`) the chunks are embedded with.
    pub model: String,
    pub attempts: i64,
    pub error: Option<String>,
}

/// What `POST /api/knowledge` and the upload answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentSaved {
    /// The document's id.
    pub id: String,
    /// False when a document with this title was replaced.
    pub created: bool,
    pub ingestion: Ingestion,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    pub title: String,
    pub category: String,
    pub source_type: String,
    pub updated_by: Option<String>,
    pub format: DocumentFormat,
    /// Characters of content.
    pub content_length: i64,
    pub ingestion: Ingestion,
    pub created_at: i64,
    pub updated_at: i64,
    pub status: ArticleStatus,
    pub visibility: Visibility,
    /// Unique in the app; the help center's address of a public article.
    pub slug: String,
    pub collection_id: Option<String>,
    pub published_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentPage {
    pub documents: Vec<Document>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Chunk {
    pub id: String,
    /// Position in the document, from 0.
    pub ordinal: i64,
    /// The section's heading path, `Returns › Refunds`.
    pub heading: Option<String>,
    pub content: String,
    /// `provider/model` of its vector; `None` until embedded.
    pub embedding_model: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: Document,
    pub content: String,
    pub chunks: Vec<Chunk>,
    /// Readers' "Was this helpful?" ballots (shown on the dashboard only).
    pub feedback: ArticleFeedback,
}

/// "Was this helpful?" ballots on an article: one per widget session or help-center visitor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ArticleFeedback {
    pub helpful: i64,
    pub not_helpful: i64,
}

/// How search retrieves candidates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// Vector similarity and full text, fused by reciprocal rank.
    #[default]
    Hybrid,
    Vector,
    Text,
}

impl SearchMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            SearchMode::Hybrid => "hybrid",
            SearchMode::Vector => "vector",
            SearchMode::Text => "text",
        }
    }
}

/// `POST /api/knowledge/search`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchKnowledge {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 1000, pattern = "\\S")
    )]
    pub query: String,
    #[serde(default)]
    pub category: Option<String>,
    /// 1 to 50, default 5.
    #[serde(default)]
    pub top_k: Option<i64>,
    /// The conversation asking; recorded with the search and any gap.
    #[serde(default)]
    pub session_id: Option<String>,
    /// Leave out passages whose similarity to the query is below this (0 to 1).
    #[serde(default)]
    pub min_score: Option<f64>,
    #[serde(default)]
    pub mode: Option<SearchMode>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The document's id.
    pub id: String,
    pub chunk_id: String,
    pub title: String,
    /// The matching passage (one chunk of the document).
    pub content: String,
    pub heading: Option<String>,
    pub category: String,
    /// Cosine similarity of the passage to the query, 0 to 1 (what `knowledgeThreshold` is
    /// compared with); 0 for a passage not yet embedded.
    pub score: f64,
    /// 1-based rank in the vector candidates, if it was one.
    pub vector_rank: Option<i64>,
    /// 1-based rank in the full-text candidates, if it was one.
    pub text_rank: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchResponse {
    /// Best `score` first. Which passages make the `topK` is decided by fusing the vector and
    /// full-text ranks (`vectorRank`, `textRank`).
    pub results: Vec<SearchResult>,
    /// True when nothing scored at or above the app's `knowledgeThreshold`: a gap was recorded.
    pub gap_detected: bool,
    pub top_score: f64,
    pub mode: SearchMode,
    /// Time spent embedding the query, in milliseconds.
    pub embed_ms: f64,
    /// Time spent retrieving and ranking, in milliseconds.
    pub retrieval_ms: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GapStatus {
    Open,
    /// Answered, optionally by a named document. Reopens if the question fails again.
    Resolved,
    /// Not worth answering; it stays dismissed.
    Dismissed,
}

impl GapStatus {
    pub const ALL: [GapStatus; 3] = [GapStatus::Open, GapStatus::Resolved, GapStatus::Dismissed];

    pub const fn as_str(self) -> &'static str {
        match self {
            GapStatus::Open => "open",
            GapStatus::Resolved => "resolved",
            GapStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(value: &str) -> Option<GapStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A question the knowledge base could not answer, counted across repeats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeGap {
    pub id: String,
    /// The query as first asked.
    pub query: String,
    /// Lower-cased, punctuation and spacing folded: repeats share it.
    pub normalized_query: String,
    pub occurrences: i64,
    /// The best score the last time it was asked.
    pub best_match_score: f64,
    /// Up to five sessions that asked it.
    pub example_sessions: Vec<String>,
    pub status: GapStatus,
    /// The document that answers it, when resolved with one.
    pub document_id: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GapPage {
    pub gaps: Vec<KnowledgeGap>,
    pub next_cursor: Option<String>,
}

/// `POST /api/knowledge/gaps/{id}/resolve`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolveGap {
    /// The app's document that now answers the question.
    #[serde(default)]
    pub document_id: Option<String>,
    /// Who resolved it; the signed-in user on the dashboard.
    #[serde(default)]
    pub resolved_by: Option<String>,
}

/// `GET /api/knowledge/metrics`: seed 000's three fields, plus latency and volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeMetrics {
    pub since: i64,
    pub until: i64,
    pub total_searches: i64,
    /// Mean top score; 0 when there were no searches.
    pub avg_top_score: f64,
    /// Fraction of searches that recorded a gap; 0 when there were none.
    pub gap_rate: f64,
    /// Fraction of searches that found nothing.
    pub zero_result_rate: f64,
    pub avg_embed_ms: f64,
    pub avg_retrieval_ms: f64,
    pub max_retrieval_ms: f64,
    pub open_gaps: i64,
}
