//! The dashboard's help-center editor: the desk's collections with the agent wing's knowledge
//! documents as articles, listed, edited and moved through their lifecycle. Each operation
//! checks the caller's permission through the knowledge base's own methods.

use std::collections::HashMap;

use model::agent::knowledge::{
    AddKnowledge, ArticleStatus, Document, DocumentFormat, DocumentPatch, Visibility,
};
use model::desk::help_center::{EditorArticle, EditorArticleDetail, SaveHelpArticle};
use model::platform::users::Permission;

use crate::bridge::help_center::article_path;
use crate::error::FieldError;
use crate::{Caller, Error, Result, Services};

/// Articles the editor lists at most.
const EDITOR_ARTICLES: i64 = 200;
/// The category articles written in the editor get (search can be narrowed to it).
const HELP_CATEGORY: &str = "help";

impl Services {
    /// The app's articles of every status, last updated first, with their ballots.
    pub async fn editor_articles(&self, caller: &Caller) -> Result<Vec<EditorArticle>> {
        let page = self
            .agent()
            .list_knowledge_documents(caller, None, None, Some(EDITOR_ARTICLES))
            .await?;
        let votes: HashMap<String, (i64, i64)> = self
            .store()
            .knowledge_vote_counts_of_app(&caller.app.id)
            .await?
            .into_iter()
            .map(|(id, helpful, not_helpful)| (id, (helpful, not_helpful)))
            .collect();
        Ok(page
            .documents
            .iter()
            .map(|document| {
                let (helpful, not_helpful) = votes.get(&document.id).copied().unwrap_or_default();
                editor_article(&caller.app.slug, document, helpful, not_helpful)
            })
            .collect())
    }

    pub async fn editor_article(&self, caller: &Caller, id: &str) -> Result<EditorArticleDetail> {
        let detail = self.agent().knowledge_document(caller, id).await?;
        Ok(EditorArticleDetail {
            article: editor_article(
                &caller.app.slug,
                &detail.document,
                detail.feedback.helpful,
                detail.feedback.not_helpful,
            ),
            content: detail.content,
        })
    }

    /// Saves an article written in the editor; answers its id.
    pub async fn save_editor_article(
        &self,
        caller: &Caller,
        input: SaveHelpArticle,
    ) -> Result<String> {
        caller.require(Permission::KnowledgeManage)?;
        let status = ArticleStatus::parse(&input.status);
        let visibility = Visibility::parse(&input.visibility);
        let mut problems = Vec::new();
        if status.is_none() {
            problems.push(FieldError::new(
                "status",
                "must be draft, published or archived",
            ));
        }
        if visibility.is_none() {
            problems.push(FieldError::new("visibility", "must be public or internal"));
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let saved = match input.id {
            None => {
                self.agent()
                    .add_knowledge(
                        caller,
                        AddKnowledge {
                            title: input.title,
                            content: input.content,
                            category: HELP_CATEGORY.to_owned(),
                            source_type: Some("help_center".to_owned()),
                            updated_by: caller.user_email(),
                            format: Some(DocumentFormat::Markdown),
                            status,
                            visibility,
                            slug: input.slug,
                            collection_id: input.collection_id,
                        },
                    )
                    .await?
            }
            Some(id) => {
                self.agent()
                    .update_knowledge_document(
                        caller,
                        &id,
                        DocumentPatch {
                            title: Some(input.title),
                            content: Some(input.content),
                            updated_by: caller.user_email(),
                            format: Some(DocumentFormat::Markdown),
                            status,
                            visibility,
                            slug: input.slug,
                            collection_id: Some(input.collection_id),
                            ..DocumentPatch::default()
                        },
                    )
                    .await?
            }
        };
        Ok(saved.id)
    }

    /// Publishes, unpublishes or archives an article from the editor.
    pub async fn set_editor_article_status(
        &self,
        caller: &Caller,
        id: &str,
        status: &str,
    ) -> Result<()> {
        let status = ArticleStatus::parse(status).ok_or_else(|| {
            Error::InvalidFields(vec![FieldError::new(
                "status",
                "must be draft, published or archived",
            )])
        })?;
        self.agent().set_article_status(caller, id, status).await?;
        Ok(())
    }
}

fn editor_article(
    app_slug: &str,
    document: &Document,
    helpful: i64,
    not_helpful: i64,
) -> EditorArticle {
    let public =
        document.status == ArticleStatus::Published && document.visibility == Visibility::Public;
    EditorArticle {
        id: document.id.clone(),
        title: document.title.clone(),
        slug: document.slug.clone(),
        status: document.status.as_str().to_owned(),
        visibility: document.visibility.as_str().to_owned(),
        collection_id: document.collection_id.clone(),
        helpful,
        not_helpful,
        public_url: public.then(|| article_path(app_slug, &document.slug)),
        updated_at: document.updated_at,
    }
}
