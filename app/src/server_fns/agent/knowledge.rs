//! The knowledge page: documents, the search tester and gaps.

use leptos::prelude::*;
use model::agent::dashboard::KnowledgeView;
use model::agent::knowledge::{DocumentDetail, DocumentSaved, KnowledgeGap, SearchResponse};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The knowledge page: documents, gaps of one status (`open` by default) and metrics.
#[server(prefix = "/sfn", endpoint = "knowledge")]
pub async fn load_knowledge(
    slug: String,
    gaps: Option<String>,
    cursor: Option<String>,
) -> Result<KnowledgeView, UiError> {
    use model::agent::knowledge::GapStatus;

    let status = ssr::parsed("gap status", gaps, GapStatus::parse)?.unwrap_or(GapStatus::Open);
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .knowledge_view(&caller, status, ssr::given(cursor).as_deref())
        .await?)
}

/// Adds a document typed or pasted into the page (or replaces the one with its title).
#[server(prefix = "/sfn", endpoint = "add-document")]
pub async fn add_document(
    slug: String,
    title: String,
    category: String,
    format: String,
    content: String,
) -> Result<DocumentSaved, UiError> {
    use model::agent::knowledge::{AddKnowledge, DocumentFormat};

    let format = ssr::parsed("format", Some(format), DocumentFormat::parse)?;
    let (services, actor) = ssr::signed_in().await?;
    let caller = services.platform().user_caller(&actor, &slug).await?;
    let input = AddKnowledge {
        title,
        content,
        category,
        source_type: Some("dashboard".to_owned()),
        updated_by: ssr::user_email(&actor),
        format,
        status: None,
        visibility: None,
        slug: None,
        collection_id: None,
    };
    Ok(services.agent().add_knowledge(&caller, input).await?)
}

/// Deletes a document and its passages.
#[server(prefix = "/sfn", endpoint = "delete-document")]
pub async fn delete_document(slug: String, id: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services
        .agent()
        .delete_knowledge_document(&caller, &id)
        .await?)
}

/// One document with its passages.
#[server(prefix = "/sfn", endpoint = "document")]
pub async fn load_document(slug: String, id: String) -> Result<DocumentDetail, UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(services.agent().knowledge_document(&caller, &id).await?)
}

/// A search that records nothing: the page's search tester.
#[server(prefix = "/sfn", endpoint = "test-search")]
pub async fn test_search(
    slug: String,
    query: String,
    mode: Option<String>,
    top_k: Option<i64>,
) -> Result<SearchResponse, UiError> {
    use model::agent::knowledge::{SearchKnowledge, SearchMode};

    let mode = ssr::parsed("search mode", mode, |text| match text {
        "hybrid" => Some(SearchMode::Hybrid),
        "vector" => Some(SearchMode::Vector),
        "text" => Some(SearchMode::Text),
        _ => None,
    })?;
    let (services, caller) = ssr::app_caller(&slug).await?;
    let input = SearchKnowledge {
        query,
        category: None,
        top_k,
        session_id: None,
        min_score: None,
        mode,
    };
    Ok(services
        .agent()
        .try_knowledge_search(&caller, input)
        .await?)
}

/// Resolves, dismisses or reopens a gap (`to`: `resolved`, `dismissed`, `open`).
#[server(prefix = "/sfn", endpoint = "change-gap")]
pub async fn change_gap(
    slug: String,
    id: String,
    to: String,
    document_id: Option<String>,
) -> Result<KnowledgeGap, UiError> {
    use model::agent::knowledge::GapStatus;

    let to = ssr::parsed("gap status", Some(to), GapStatus::parse)?
        .ok_or_else(|| UiError::new(model::ErrorCode::InvalidInput, "Choose what to do"))?;
    let (services, actor) = ssr::signed_in().await?;
    Ok(services
        .agent()
        .change_knowledge_gap(&actor, &slug, &id, to, ssr::given(document_id))
        .await?)
}
