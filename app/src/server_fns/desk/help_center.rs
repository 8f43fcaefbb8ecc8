//! The Help center and AI agent pages: collections, articles and their lifecycle, and the AI
//! that answers chats from them.

use leptos::prelude::*;
use model::desk::dashboard::{AiAgentView, ArticleEditorView, HelpCenterView};

use crate::error::UiError;
#[cfg(feature = "ssr")]
use crate::server_fns::ssr;

/// The collections, parents first, each with its depth.
#[cfg(feature = "ssr")]
async fn collections_with_depth(
    services: &domain::Services,
    caller: &domain::Caller,
) -> Result<Vec<(model::desk::help_center::Collection, usize)>, UiError> {
    fn walk(
        nodes: Vec<model::desk::help_center::CollectionNode>,
        depth: usize,
        out: &mut Vec<(model::desk::help_center::Collection, usize)>,
    ) {
        for node in nodes {
            out.push((node.collection, depth));
            walk(node.children, depth + 1, out);
        }
    }
    let tree = services.desk().collection_tree(caller).await?;
    let mut flat = Vec::new();
    walk(tree.collections, 0, &mut flat);
    Ok(flat)
}

#[server(prefix = "/sfn", endpoint = "help-center")]
pub async fn load_help_center(slug: String) -> Result<HelpCenterView, UiError> {
    use model::platform::users::Permission;

    let (services, caller) = ssr::app_caller(&slug).await?;
    let collections = collections_with_depth(&services, &caller).await?;
    let articles = services.editor_articles(&caller).await?;
    let color = services.desk().help_center_settings(&caller).await?.color;
    Ok(HelpCenterView {
        public_url: domain::bridge::help_center::help_center_path(&caller.app.slug),
        color,
        collections,
        articles,
        may_manage: caller.has(Permission::KnowledgeManage),
    })
}

/// The public help center's colour.
#[server(prefix = "/sfn", endpoint = "help-center-look")]
pub async fn save_help_center_look(slug: String, color: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    services
        .desk()
        .put_help_center_settings(
            &caller,
            model::desk::help_center::HelpCenterSettings { color },
        )
        .await?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "article-editor")]
pub async fn load_article_editor(
    slug: String,
    id: Option<String>,
) -> Result<ArticleEditorView, UiError> {
    use model::platform::users::Permission;

    let (services, caller) = ssr::app_caller(&slug).await?;
    let article = match ssr::given(id) {
        Some(id) => Some(services.editor_article(&caller, &id).await?),
        None => None,
    };
    let preview_html = article
        .as_ref()
        .map(|a| domain::bridge::help_center::render_markdown(&a.content))
        .unwrap_or_default();
    Ok(ArticleEditorView {
        article,
        preview_html,
        collections: collections_with_depth(&services, &caller).await?,
        may_manage: caller.has(Permission::KnowledgeManage),
    })
}

/// The article editor's fields (`article[…]` in the form).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ArticleForm {
    /// Empty for a new article.
    #[serde(default)]
    pub id: String,
    pub title: String,
    /// Empty: made from the title.
    #[serde(default)]
    pub slug: String,
    /// Empty: in no collection.
    #[serde(default)]
    pub collection_id: String,
    pub visibility: String,
    pub status: String,
    pub content: String,
}

/// Saves the article and opens it in the editor.
#[server(prefix = "/sfn", endpoint = "article-save")]
pub async fn save_article(slug: String, article: ArticleForm) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    let id = services
        .save_editor_article(
            &caller,
            model::desk::help_center::SaveHelpArticle {
                id: ssr::given(Some(article.id)),
                title: article.title,
                slug: ssr::given(Some(article.slug)),
                collection_id: ssr::given(Some(article.collection_id)),
                visibility: article.visibility,
                status: article.status,
                content: article.content,
            },
        )
        .await?;
    leptos_axum::redirect(&format!("/apps/{slug}/help-center/articles/{id}"));
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "article-status")]
pub async fn set_article_status(slug: String, id: String, status: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    services
        .set_editor_article_status(&caller, &id, &status)
        .await?;
    Ok(())
}

/// The article's Markdown as readers will see it (rendered and sanitised on the server).
#[server(prefix = "/sfn", endpoint = "markdown-preview")]
pub async fn preview_markdown(content: String) -> Result<String, UiError> {
    ssr::signed_in().await?;
    Ok(domain::bridge::help_center::render_markdown(&content))
}

#[server(prefix = "/sfn", endpoint = "collection-create")]
pub async fn create_collection(
    slug: String,
    name: String,
    parent_id: Option<String>,
) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    services
        .desk()
        .create_collection(
            &caller,
            model::desk::help_center::CreateCollection {
                name,
                slug: None,
                description: None,
                parent_id: ssr::given(parent_id),
            },
        )
        .await?;
    Ok(())
}

/// Renames a collection or moves it under another (none: to the top level).
#[server(prefix = "/sfn", endpoint = "collection-update")]
pub async fn update_collection(
    slug: String,
    id: String,
    name: String,
    parent_id: Option<String>,
) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    services
        .desk()
        .update_collection(
            &caller,
            &id,
            model::desk::help_center::CollectionPatch {
                name: Some(name),
                parent_id: Some(ssr::given(parent_id)),
                ..Default::default()
            },
        )
        .await?;
    Ok(())
}

/// Moves a collection one place up or down among its siblings.
#[server(prefix = "/sfn", endpoint = "collection-move")]
pub async fn move_collection(slug: String, id: String, up: bool) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    let all = services.desk().collections(&caller).await?.collections;
    let parent = all
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.parent_id.clone())
        .ok_or(UiError::from(domain::Error::NotFound("collection")))?;
    let mut siblings: Vec<&model::desk::help_center::Collection> =
        all.iter().filter(|c| c.parent_id == parent).collect();
    siblings.sort_by_key(|c| c.position);
    let mut ids: Vec<String> = siblings.iter().map(|c| c.id.clone()).collect();
    if let Some(at) = ids.iter().position(|each| *each == id) {
        let to = if up { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(to) = to.filter(|to| *to < ids.len()) {
            ids.swap(at, to);
        }
    }
    services
        .desk()
        .reorder_collections(
            &caller,
            model::desk::help_center::ReorderCollections {
                parent_id: parent,
                ids,
            },
        )
        .await?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "collection-delete")]
pub async fn delete_collection(slug: String, id: String) -> Result<(), UiError> {
    let (services, caller) = ssr::app_caller(&slug).await?;
    services.desk().delete_collection(&caller, &id).await?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "ai-agent")]
pub async fn load_ai_agent(slug: String) -> Result<AiAgentView, UiError> {
    use model::platform::users::Permission;

    let (services, caller) = ssr::app_caller(&slug).await?;
    Ok(AiAgentView {
        settings: services.desk().ai_agent_settings(&caller).await?,
        collections: collections_with_depth(&services, &caller).await?,
        stats: services.desk().ai_turn_stats(&caller).await?,
        may_manage: caller.has(Permission::PersonaManage),
    })
}

/// The AI agent form (`agent[…]`): the settings, the collections ticked, and each weekday's
/// hours (empty: closed; all empty: humans always answer).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AiAgentForm {
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub enabled: Option<String>,
    pub model: String,
    /// Empty: the knowledge base's threshold.
    #[serde(default)]
    pub confidence_threshold: String,
    pub handoff_message: String,
    #[serde(default)]
    pub collection_ids: Vec<String>,
    #[serde(default)]
    pub timezone: String,
    /// Monday first.
    #[serde(default)]
    pub starts: Vec<String>,
    #[serde(default)]
    pub ends: Vec<String>,
}

#[server(prefix = "/sfn", endpoint = "ai-agent-save")]
pub async fn save_ai_agent(slug: String, agent: AiAgentForm) -> Result<(), UiError> {
    use model::desk::ai_agent::{PutAiAgentSettings, Weekday, WorkingHours, WorkingSpan};

    let (services, caller) = ssr::app_caller(&slug).await?;
    // Empty: the knowledge base's threshold.
    let threshold = ssr::given(Some(agent.confidence_threshold))
        .map(|text| {
            text.parse::<f64>().map_err(|_| {
                UiError::from(domain::Error::InvalidFields(vec![domain::FieldError::new(
                    "confidenceThreshold",
                    "must be a number from 0 to 1",
                )]))
            })
        })
        .transpose()?;
    let days: Vec<WorkingSpan> = Weekday::ALL
        .into_iter()
        .enumerate()
        .filter_map(|(i, day)| {
            let start = ssr::given(agent.starts.get(i).cloned())?;
            let end = ssr::given(agent.ends.get(i).cloned())?;
            Some(WorkingSpan { day, start, end })
        })
        .collect();
    let working_hours = (!days.is_empty()).then(|| WorkingHours {
        timezone: agent.timezone.trim().to_owned(),
        days,
    });
    services
        .desk()
        .put_ai_agent_settings(
            &caller,
            PutAiAgentSettings {
                enabled: agent.enabled.is_some(),
                model: Some(agent.model),
                confidence_threshold: threshold,
                collection_ids: agent
                    .collection_ids
                    .into_iter()
                    .filter(|id| !id.is_empty())
                    .collect(),
                handoff_message: Some(agent.handoff_message),
                working_hours,
            },
        )
        .await?;
    Ok(())
}
