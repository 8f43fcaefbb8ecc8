//! The knowledge base (seed 000): documents, hybrid search, gaps and search metrics.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Services;
use domain::agent::knowledge::KnowledgeUpload;
use model::agent::knowledge::{
    AddKnowledge, ArticleStatus, DocumentDetail, DocumentPage, DocumentPatch, DocumentSaved,
    GapPage, IngestState, KnowledgeGap, KnowledgeMetrics, ResolveGap, SearchKnowledge,
    SearchResponse,
};
use model::{ErrorBody, ErrorCode};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::{ApiError, ApiJson, ApiQuery, AppCaller, AppCallerJson, SignedInUser, TraceId};

/// 200 when the document is searchable already, 202 while the ingestion job embeds it.
fn saved(saved: DocumentSaved) -> (StatusCode, Json<DocumentSaved>) {
    let status = if saved.ingestion.state == IngestState::Ready {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    (status, Json(saved))
}

/// Adds a document, or replaces the app's document with the same title. The content is split
/// into heading-aware passages, each embedded: small documents before this answers (200),
/// larger ones by the ingestion job (202; full-text search finds them meanwhile). Needs the
/// app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge",
    tag = "knowledge",
    request_body = AddKnowledge,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Stored and searchable", body = DocumentSaved),
        (status = 202, description = "Stored; the ingestion job embeds it", body = DocumentSaved),
        (status = 400, description = "Missing or invalid fields", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 502, description = "The embedding provider failed; nothing was stored", body = ErrorBody),
        (status = 503, description = "No embedding provider is available; nothing was stored", body = ErrorBody),
    )
)]
pub async fn add(
    State(services): State<Services>,
    AppCallerJson(caller, input): AppCallerJson<AddKnowledge>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    Ok(saved(services.agent().add_knowledge(&caller, input).await?))
}

/// The multipart form of an upload.
#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
struct UploadForm {
    /// A text, Markdown or HTML file (by its type or extension), UTF-8.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    category: String,
    /// Default: the file's first heading, then its name.
    title: Option<String>,
    /// Default `upload`.
    source_type: Option<String>,
    updated_by: Option<String>,
}

/// Uploads a file as a document (`multipart/form-data`): text, Markdown or HTML. HTML headings
/// become sections. Replaces the app's document with the same title. Bodies are limited by
/// `MAX_BODY_BYTES`. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/upload",
    tag = "knowledge",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Stored and searchable", body = DocumentSaved),
        (status = 202, description = "Stored; the ingestion job embeds it", body = DocumentSaved),
        (status = 400, description = "No file, not UTF-8 text, or invalid fields", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
        (status = 413, description = "Larger than MAX_BODY_BYTES", body = ErrorBody),
    )
)]
pub async fn upload(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    let upload = read_upload(form).await?;
    Ok(saved(
        services.agent().upload_knowledge(&caller, upload).await?,
    ))
}

/// The knowledge page's upload form, with the session cookie instead of app credentials: the
/// form of `POST /api/knowledge/upload`. A browser's form post (`Accept: text/html`) is sent
/// back to the knowledge page, with the error in the query when it failed; other clients get
/// JSON. Needs `knowledge.manage` in the app's workspace.
#[utoipa::path(
    post,
    path = "/api/admin/apps/{slug}/knowledge/upload",
    tag = "admin",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("dashboardSession" = [])),
    responses(
        (status = 200, description = "Stored and searchable", body = DocumentSaved),
        (status = 202, description = "Stored; the ingestion job embeds it", body = DocumentSaved),
        (status = 303, description = "A browser's form post, sent back to the knowledge page"),
        (status = 400, description = "No file, not UTF-8 text, or invalid fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The user's role cannot change knowledge", body = ErrorBody),
        (status = 404, description = "No such app in the user's workspaces", body = ErrorBody),
    )
)]
pub async fn dashboard_upload(
    State(services): State<Services>,
    signed_in: SignedInUser,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let caller = services
        .platform()
        .user_caller(&signed_in.actor, &slug)
        .await?;
    let outcome = match read_upload(form).await {
        Ok(upload) => services
            .agent()
            .upload_knowledge(&caller, upload)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    let from_a_page = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !from_a_page {
        return outcome.map(|done| saved(done).into_response());
    }
    let back = match outcome {
        Ok(done) => format!("/apps/{}/knowledge?uploaded={}", caller.app.slug, done.id),
        Err(error) => format!(
            "/apps/{}/knowledge?upload_error={}",
            caller.app.slug,
            model::platform::web::query_value(error.message())
        ),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The fields of an upload form; the file is required. A body that is no multipart form (no
/// boundary, another content type) is a 400 like any other bad input.
async fn read_upload(
    form: Result<Multipart, MultipartRejection>,
) -> Result<KnowledgeUpload, ApiError> {
    let invalid = |message: String| ApiError::new(ErrorCode::InvalidInput, message);
    let mut form = form.map_err(|e| invalid(format!("Not a multipart form: {}", e.body_text())))?;
    let mut upload = KnowledgeUpload::default();
    let mut has_file = false;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| invalid(format!("Unreadable form: {}", e.body_text())))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name = field.file_name().map(str::to_owned);
            upload.content_type = field.content_type().map(str::to_owned);
            upload.bytes = field
                .bytes()
                .await
                .map_err(|e| invalid(format!("Unreadable file: {}", e.body_text())))?
                .to_vec();
            has_file = true;
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| invalid(format!("Unreadable field {name}: {}", e.body_text())))?;
        match name.as_str() {
            "category" => upload.category = value,
            "title" => upload.title = Some(value).filter(|t| !t.trim().is_empty()),
            "sourceType" => upload.source_type = Some(value),
            "updatedBy" => upload.updated_by = Some(value),
            _ => return Err(invalid(format!("Unknown form field {name:?}"))),
        }
    }
    if !has_file {
        return Err(invalid("The form needs a file field".to_owned()));
    }
    Ok(upload)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsQuery {
    category: Option<String>,
    cursor: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<i64>,
}

/// The app's documents (without content), last updated first, each with its ingestion
/// progress. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/knowledge/documents",
    tag = "knowledge",
    params(DocumentsQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = DocumentPage),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn documents(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<DocumentsQuery>,
) -> Result<Json<DocumentPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .list_knowledge_documents(
                &caller,
                query.category.as_deref(),
                query.cursor.as_deref(),
                query.limit,
            )
            .await?,
    ))
}

/// One document with its content and chunks. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/knowledge/documents/{id}",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The document", body = DocumentDetail),
        (status = 404, description = "The app has no such document", body = ErrorBody),
    )
)]
pub async fn document(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<DocumentDetail>, ApiError> {
    Ok(Json(
        services.agent().knowledge_document(&caller, &id).await?,
    ))
}

/// Changes a document; new content is chunked and embedded again. Needs the app secret.
#[utoipa::path(
    patch,
    path = "/api/knowledge/documents/{id}",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    request_body = DocumentPatch,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Stored and searchable", body = DocumentSaved),
        (status = 202, description = "Stored; the ingestion job embeds it", body = DocumentSaved),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 404, description = "The app has no such document", body = ErrorBody),
        (status = 409, description = "Another document has this title or slug", body = ErrorBody),
    )
)]
pub async fn update(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<DocumentPatch>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    Ok(saved(
        services
            .agent()
            .update_knowledge_document(&caller, &id, patch)
            .await?,
    ))
}

/// Deletes a document and its chunks. Needs the app secret.
#[utoipa::path(
    delete,
    path = "/api/knowledge/documents/{id}",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    security(("appSecret" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "The app has no such document", body = ErrorBody),
    )
)]
pub async fn delete(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .agent()
        .delete_knowledge_document(&caller, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes an article: searches find it (the voice agent's always; end users' when it is
/// public). Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/documents/{id}/publish",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Published", body = DocumentSaved),
        (status = 202, description = "Published; the ingestion job still embeds it", body = DocumentSaved),
        (status = 404, description = "The app has no such document", body = ErrorBody),
    )
)]
pub async fn publish(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    set_status(&services, &caller, &id, ArticleStatus::Published).await
}

/// Takes an article back to draft: no search finds it until it is published again. Needs the
/// app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/documents/{id}/unpublish",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "A draft again", body = DocumentSaved),
        (status = 202, description = "A draft again; the ingestion job still embeds it", body = DocumentSaved),
        (status = 404, description = "The app has no such document", body = ErrorBody),
    )
)]
pub async fn unpublish(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    set_status(&services, &caller, &id, ArticleStatus::Draft).await
}

/// Archives an article: kept, never retrieved. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/documents/{id}/archive",
    tag = "knowledge",
    params(("id" = String, Path, description = "The document's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "Archived", body = DocumentSaved),
        (status = 202, description = "Archived; the ingestion job still embeds it", body = DocumentSaved),
        (status = 404, description = "The app has no such document", body = ErrorBody),
    )
)]
pub async fn archive(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    set_status(&services, &caller, &id, ArticleStatus::Archived).await
}

async fn set_status(
    services: &Services,
    caller: &domain::Caller,
    id: &str,
    status: ArticleStatus,
) -> Result<(StatusCode, Json<DocumentSaved>), ApiError> {
    Ok(saved(
        services
            .agent()
            .set_article_status(caller, id, status)
            .await?,
    ))
}

/// Finds the passages that best answer a query: vector similarity and full text fused by
/// reciprocal rank (`mode` picks one alone). `score` is the passage's cosine similarity; a top
/// score under the app's `knowledgeThreshold` records a gap. Every search is logged with its
/// `X-Trace-Id`. Session tokens may call it.
#[utoipa::path(
    post,
    path = "/api/knowledge/search",
    tag = "knowledge",
    request_body = SearchKnowledge,
    params(("X-Trace-Id" = Option<String>, Header, description = "Recorded with the search")),
    security(("appSecret" = []), ("sessionToken" = []), ("agentCredential" = [])),
    responses(
        (status = 200, description = "The best passages, highest score first", body = SearchResponse),
        (status = 400, description = "Missing query, or invalid topK, minScore or category", body = ErrorBody),
        (status = 401, description = "Missing or wrong credentials", body = ErrorBody),
        (status = 503, description = "`mode: vector` without a working embedding provider (hybrid falls back to full text)", body = ErrorBody),
    )
)]
pub async fn search(
    State(services): State<Services>,
    TraceId(trace_id): TraceId,
    AppCallerJson(caller, input): AppCallerJson<SearchKnowledge>,
) -> Result<Json<SearchResponse>, ApiError> {
    Ok(Json(
        services
            .agent()
            .search_knowledge(&caller, input, trace_id.as_deref())
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct GapsQuery {
    /// `open` (default), `resolved`, `dismissed` or `all`.
    status: Option<String>,
    cursor: Option<String>,
    /// 1 to 200, default 50.
    limit: Option<i64>,
}

/// Questions the knowledge base could not answer, one per normalised query with its count,
/// most recently asked first. Open ones by default. Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/knowledge/gaps",
    tag = "knowledge",
    params(GapsQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "One page", body = GapPage),
        (status = 400, description = "Unknown status", body = ErrorBody),
        (status = 403, description = "Called with a session token", body = ErrorBody),
    )
)]
pub async fn gaps(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<GapsQuery>,
) -> Result<Json<GapPage>, ApiError> {
    Ok(Json(
        services
            .agent()
            .knowledge_gaps(
                &caller,
                query.status.as_deref(),
                query.cursor.as_deref(),
                query.limit,
            )
            .await?,
    ))
}

/// Marks a gap answered, optionally by the document that answers it. It reopens if the
/// question fails again. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/gaps/{id}/resolve",
    tag = "knowledge",
    params(("id" = String, Path, description = "The gap's id")),
    request_body = ResolveGap,
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The gap", body = KnowledgeGap),
        (status = 404, description = "The app has no such gap or document", body = ErrorBody),
    )
)]
pub async fn resolve_gap(
    State(services): State<Services>,
    Path(id): Path<String>,
    AppCallerJson(caller, input): AppCallerJson<ResolveGap>,
) -> Result<Json<KnowledgeGap>, ApiError> {
    Ok(Json(
        services
            .agent()
            .resolve_knowledge_gap(&caller, &id, input)
            .await?,
    ))
}

/// Dismisses a gap: not worth answering. It stays dismissed however often it is asked. Needs
/// the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/gaps/{id}/dismiss",
    tag = "knowledge",
    params(("id" = String, Path, description = "The gap's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The gap", body = KnowledgeGap),
        (status = 404, description = "The app has no such gap", body = ErrorBody),
    )
)]
pub async fn dismiss_gap(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<KnowledgeGap>, ApiError> {
    Ok(Json(
        services.agent().dismiss_knowledge_gap(&caller, &id).await?,
    ))
}

/// Reopens a resolved or dismissed gap. Needs the app secret.
#[utoipa::path(
    post,
    path = "/api/knowledge/gaps/{id}/reopen",
    tag = "knowledge",
    params(("id" = String, Path, description = "The gap's id")),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The gap", body = KnowledgeGap),
        (status = 404, description = "The app has no such gap", body = ErrorBody),
    )
)]
pub async fn reopen_gap(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    Path(id): Path<String>,
) -> Result<Json<KnowledgeGap>, ApiError> {
    Ok(Json(
        services.agent().reopen_knowledge_gap(&caller, &id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MetricsQuery {
    /// Searches at or after (ms since the epoch); default all time.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    since: Option<i64>,
    /// Searches before (ms since the epoch); default now.
    #[param(minimum = 0, maximum = 253_402_300_799_999_i64)]
    until: Option<i64>,
}

/// Search volume, quality (seed 000's `totalSearches`, `avgTopScore`, `gapRate`) and latency.
/// Needs the app secret.
#[utoipa::path(
    get,
    path = "/api/knowledge/metrics",
    tag = "knowledge",
    params(MetricsQuery),
    security(("appSecret" = [])),
    responses(
        (status = 200, description = "The metrics; zeros when there were no searches", body = KnowledgeMetrics),
        (status = 400, description = "since after until", body = ErrorBody),
    )
)]
pub async fn metrics(
    State(services): State<Services>,
    AppCaller(caller): AppCaller,
    ApiQuery(query): ApiQuery<MetricsQuery>,
) -> Result<Json<KnowledgeMetrics>, ApiError> {
    Ok(Json(
        services
            .agent()
            .knowledge_metrics(&caller, query.since, query.until)
            .await?,
    ))
}
