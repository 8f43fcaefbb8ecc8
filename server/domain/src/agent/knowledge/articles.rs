//! Knowledge documents as articles: a lifecycle (draft, published, archived), a visibility
//! (public, internal), a slug and a help-center collection. Every change is copied onto the
//! document's passages in the same transaction, which is how retrieval knows who may see them.
//! What end users read goes through [`Services::public_article`] and friends, which the bridge
//! uses.

use super::*;
use crate::validation::{MAX_SLUG_CHARS, is_slug, slug_from};
use store::ArticleState;

/// Tries of `-2`, `-3`, … after a taken slug before the document's id is used instead.
const SLUG_SUFFIX_TRIES: usize = 20;

/// What a request says about an article's lifecycle and place; `None`: unchanged (for a new
/// document: published, internal, a slug from the title, no collection).
#[derive(Clone, Debug, Default)]
pub(crate) struct ArticleChange {
    pub status: Option<ArticleStatus>,
    pub visibility: Option<Visibility>,
    pub slug: Option<String>,
    /// `Some(None)` takes the article out of its collection.
    pub collection_id: Option<Option<String>>,
}

impl ArticleChange {
    pub(super) fn check(&self, checks: &mut Checks) {
        if self.slug.as_deref().is_some_and(|slug| !is_slug(slug)) {
            checks.fail(
                "slug",
                format!(
                    "must be lower-case letters and digits in words joined by dashes, at most \
                     {MAX_SLUG_CHARS} characters"
                ),
            );
        }
        if let Some(Some(collection)) = &self.collection_id {
            checks.text("collectionId", collection, 1, MAX_NAME_CHARS);
        }
    }
}

impl Agent<'_> {
    /// Publishes, unpublishes (back to draft) or archives an article. Only published articles
    /// are ever retrieved: by the voice agent (either visibility) or end users (public ones).
    pub async fn set_article_status(
        &self,
        caller: &Caller,
        id: &str,
        status: ArticleStatus,
    ) -> Result<DocumentSaved> {
        caller.require(Permission::KnowledgeManage)?;
        let current = self.app_document(&caller.app.id, id).await?;
        let change = ArticleChange {
            status: Some(status),
            ..ArticleChange::default()
        };
        self.change_article(caller, current, change).await
    }
}

impl Services {
    /// Changes only an article's lifecycle or place: its passages keep their vectors.
    pub(super) async fn change_article(
        &self,
        caller: &Caller,
        current: DocumentRecord,
        change: ArticleChange,
    ) -> Result<DocumentSaved> {
        let mut checks = Checks::new();
        change.check(&mut checks);
        checks.finish()?;
        let now = self.now_ms();
        let state = self
            .article_state(&caller.app.id, Some(&current), &current.title, change, now)
            .await?;
        let stored = match self
            .store()
            .set_article_state(&caller.app.id, &current.id, &state)
            .await
        {
            Ok(Some(stored)) => stored,
            Ok(None) => return Err(Error::NotFound("document")),
            Err(StoreError::UniqueViolation) => {
                return Err(Error::AlreadyExists("document with this slug"));
            }
            Err(other) => return Err(other.into()),
        };
        let details = serde_json::json!({
            "status": stored.status,
            "visibility": stored.visibility,
            "slug": stored.slug,
            "collectionId": stored.collection_id,
        });
        self.audit_change(
            caller,
            "knowledge_document.updated",
            "knowledge_document",
            Some(stored.id.clone()),
            Some(details),
        )
        .await?;
        Ok(DocumentSaved {
            id: stored.id.clone(),
            created: false,
            ingestion: ingestion(&stored),
        })
    }

    /// The lifecycle and place a document gets: the request's, else the replaced document's,
    /// else the defaults (published and internal: the agent API's documents as before).
    pub(super) async fn article_state(
        &self,
        app_id: &str,
        replaced: Option<&DocumentRecord>,
        title: &str,
        change: ArticleChange,
        now: i64,
    ) -> Result<ArticleState> {
        let status = change
            .status
            .or_else(|| replaced.and_then(|r| ArticleStatus::parse(&r.status)))
            .unwrap_or_default();
        let visibility = change
            .visibility
            .or_else(|| replaced.and_then(|r| Visibility::parse(&r.visibility)))
            .unwrap_or_default();
        let collection_id = match change.collection_id {
            Some(collection) => {
                if let Some(id) = &collection
                    && !self.store().collection_in_app(app_id, id).await?
                {
                    return Err(Error::InvalidFields(vec![crate::error::FieldError::new(
                        "collectionId",
                        "no such collection in this app",
                    )]));
                }
                collection
            }
            None => replaced.and_then(|r| r.collection_id.clone()),
        };
        let except = replaced.map(|r| r.id.as_str());
        let slug = match change.slug {
            Some(slug) => {
                if self.store().slug_taken(app_id, &slug, except).await? {
                    return Err(Error::AlreadyExists("document with this slug"));
                }
                slug
            }
            // A slug outlives title changes: published links keep working.
            None => match replaced {
                Some(r) => r.slug.clone(),
                None => self.free_slug(app_id, title).await?,
            },
        };
        let was_published = replaced.and_then(|r| r.published_at);
        let published_at = match status {
            ArticleStatus::Published => Some(
                was_published
                    .filter(|_| replaced.is_some_and(|r| r.status == "published"))
                    .unwrap_or(now),
            ),
            ArticleStatus::Archived => was_published,
            ArticleStatus::Draft => None,
        };
        Ok(ArticleState {
            status: status.as_str().to_owned(),
            visibility: visibility.as_str().to_owned(),
            slug,
            collection_id,
            published_at,
            updated_at: now,
        })
    }

    /// A slug from the title that no other document of the app has: `refunds`, `refunds-2`, …
    async fn free_slug(&self, app_id: &str, title: &str) -> Result<String> {
        let base = Some(slug_from(title))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "article".to_owned());
        for n in 1..=SLUG_SUFFIX_TRIES {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if !self.store().slug_taken(app_id, &candidate, None).await? {
                return Ok(candidate);
            }
        }
        Ok(format!("{base}-{}", new_id().to_lowercase()))
    }

    /// A published public article by slug, with its content: what the help center and the
    /// widget show. Drafts, archived and internal articles are "not found".
    pub(crate) async fn public_article(&self, app_id: &str, slug: &str) -> Result<DocumentRecord> {
        self.store()
            .article_by_slug(app_id, slug)
            .await?
            .filter(|a| a.audience() >= Audience::Everyone.least_level())
            .ok_or(Error::NotFound("article"))
    }

    /// Published public articles (without content), by title; those of one collection when
    /// given (`Some(None)`: in none).
    pub(crate) async fn public_articles(
        &self,
        app_id: &str,
        collection_id: Option<Option<&str>>,
        limit: i64,
    ) -> Result<Vec<Document>> {
        let records = self
            .store()
            .list_articles(app_id, Audience::Everyone, collection_id, limit)
            .await?;
        Ok(records.iter().map(to_document).collect())
    }

    /// How many published public articles each collection holds (`None`: none).
    pub(crate) async fn public_article_counts(
        &self,
        app_id: &str,
    ) -> Result<HashMap<Option<String>, i64>> {
        Ok(self
            .store()
            .article_counts(app_id, Audience::Everyone)
            .await?
            .into_iter()
            .collect())
    }

    /// Records a reader's "Was this helpful?" ballot on a published public article; the
    /// voter's earlier ballot is replaced, so one reader counts once. `voter` names the widget
    /// session or the help-center visitor's cookie.
    pub(crate) async fn vote_on_article(
        &self,
        app_id: &str,
        slug: &str,
        voter: &str,
        helpful: bool,
    ) -> Result<()> {
        let article = self.public_article(app_id, slug).await?;
        self.store()
            .put_knowledge_vote(&article.id, voter, helpful, self.now_ms())
            .await?;
        Ok(())
    }
}
