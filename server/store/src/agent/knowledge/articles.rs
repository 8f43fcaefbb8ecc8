//! Documents as articles: their lifecycle (status, visibility, collection) copied onto their
//! passages, lookups by slug, the lists a help center shows, and feedback ballots.

use super::*;
use crate::{StoreError, in_write_transaction};

/// An article's place and lifecycle, as [`Store::set_article_state`] writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleState {
    pub status: String,
    pub visibility: String,
    pub slug: String,
    pub collection_id: Option<String>,
    pub published_at: Option<i64>,
    pub updated_at: i64,
}

/// Helpful and unhelpful ballots on one article.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct VoteCounts {
    pub helpful: i64,
    pub not_helpful: i64,
}

impl Store {
    /// Changes an article's lifecycle and place, and its passages' audience and collection with
    /// it, in one transaction: no search sees the document in one state and its passages in
    /// another. `None` when the app has no such document.
    pub async fn set_article_state(
        &self,
        app_id: &str,
        id: &str,
        state: &ArticleState,
    ) -> StoreResult<Option<DocumentRecord>> {
        let select = format!("SELECT {DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = $1");
        let audience = passage_audience(&state.status, &state.visibility);
        let saved = in_write_transaction!(self, tx => {
            let updated = sqlx::query(
                "UPDATE knowledge_documents SET status = $3, visibility = $4, slug = $5, \
                 collection_id = $6, published_at = $7, updated_at = $8 \
                 WHERE app_id = $1 AND id = $2",
            )
            .bind(app_id)
            .bind(id)
            .bind(&state.status)
            .bind(&state.visibility)
            .bind(&state.slug)
            .bind(&state.collection_id)
            .bind(state.published_at)
            .bind(state.updated_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok(None);
            }
            sqlx::query(
                "UPDATE knowledge_chunks SET audience = $2, collection_id = $3 \
                 WHERE document_id = $1",
            )
            .bind(id)
            .bind(audience)
            .bind(&state.collection_id)
            .execute(&mut *tx)
            .await?;
            let stored = sqlx::query_as::<_, DocumentRecord>(&select)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(stored)
        })?;
        self.vectors_changed(app_id);
        Ok(Some(saved))
    }

    pub async fn article_by_slug(
        &self,
        app_id: &str,
        slug: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM knowledge_documents WHERE app_id = $1 AND slug = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(app_id)
            .bind(slug)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn knowledge_document_by_title(
        &self,
        app_id: &str,
        title: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM knowledge_documents WHERE app_id = $1 AND title = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(app_id)
            .bind(title)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Whether the app has this help-center collection: the one fact about the desk's
    /// collections an article needs, read here so that it is checked where it is set.
    pub async fn collection_in_app(&self, app_id: &str, collection_id: &str) -> StoreResult<bool> {
        let found: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM help_collections WHERE app_id = $1 AND id = $2",
        )
        .bind(app_id)
        .bind(collection_id)
        .fetch_optional(pool)
        .await)?;
        Ok(found.is_some())
    }

    /// Whether another document of the app has this slug.
    pub async fn slug_taken(
        &self,
        app_id: &str,
        slug: &str,
        except_id: Option<&str>,
    ) -> StoreResult<bool> {
        let (taken,): (i64,) = on_pool!(self, pool => sqlx::query_as(
            "SELECT count(*) FROM knowledge_documents WHERE app_id = $1 AND slug = $2 \
             AND ($3 IS NULL OR id <> $3)",
        )
        .bind(app_id)
        .bind(slug)
        .bind(except_id)
        .fetch_one(pool)
        .await)?;
        Ok(taken > 0)
    }

    /// The app's articles `audience` may read (without content), by title; only those of
    /// `collection_id` when given (`Some(None)`: those in no collection).
    pub async fn list_articles(
        &self,
        app_id: &str,
        audience: Audience,
        collection_id: Option<Option<&str>>,
        limit: i64,
    ) -> StoreResult<Vec<DocumentRecord>> {
        let (any_collection, collection) = match collection_id {
            None => (true, None),
            Some(collection) => (false, collection),
        };
        let sql = format!(
            "SELECT {DOCUMENT_SUMMARY_COLUMNS} FROM knowledge_documents WHERE app_id = $1 \
             AND status = 'published' AND (visibility = 'public' OR $2 = 1) \
             AND ($3 OR collection_id = $4 OR (collection_id IS NULL AND $4 IS NULL)) \
             ORDER BY title, id LIMIT $5"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, DocumentRecord>(&sql)
            .bind(app_id)
            .bind(audience.least_level())
            .bind(any_collection)
            .bind(collection)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// How many articles `audience` may read in each collection (`None`: in none).
    pub async fn article_counts(
        &self,
        app_id: &str,
        audience: Audience,
    ) -> StoreResult<Vec<(Option<String>, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT collection_id, count(*) FROM knowledge_documents WHERE app_id = $1 \
             AND status = 'published' AND (visibility = 'public' OR $2 = 1) \
             GROUP BY collection_id",
        )
        .bind(app_id)
        .bind(audience.least_level())
        .fetch_all(pool)
        .await)?)
    }

    /// Records a voter's ballot on an article, replacing the voter's earlier one.
    pub async fn put_knowledge_vote(
        &self,
        document_id: &str,
        voter: &str,
        helpful: bool,
        now: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO knowledge_votes (document_id, voter, helpful, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (document_id, voter) \
             DO UPDATE SET helpful = excluded.helpful, updated_at = excluded.updated_at",
        )
        .bind(document_id)
        .bind(voter)
        .bind(helpful)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn knowledge_vote_counts(&self, document_id: &str) -> StoreResult<VoteCounts> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, VoteCounts>(
            "SELECT COALESCE(SUM(CASE WHEN helpful THEN 1 ELSE 0 END), 0) AS helpful, \
             COALESCE(SUM(CASE WHEN helpful THEN 0 ELSE 1 END), 0) AS not_helpful \
             FROM knowledge_votes WHERE document_id = $1",
        )
        .bind(document_id)
        .fetch_one(pool)
        .await)?)
    }

    /// Ballots on every article of the app that has some: (document id, counts).
    pub async fn knowledge_vote_counts_of_app(
        &self,
        app_id: &str,
    ) -> StoreResult<Vec<(String, i64, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT v.document_id, \
             COALESCE(SUM(CASE WHEN v.helpful THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN v.helpful THEN 0 ELSE 1 END), 0) \
             FROM knowledge_votes v JOIN knowledge_documents d ON d.id = v.document_id \
             WHERE d.app_id = $1 GROUP BY v.document_id",
        )
        .bind(app_id)
        .fetch_all(pool)
        .await)?)
    }
}
