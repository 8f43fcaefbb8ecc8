//! The help center's collections: a tree per app, ordered among siblings.

use crate::{Store, StoreResult, in_write_transaction, on_pool};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectionRecord {
    pub id: String,
    pub app_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A collection with how many articles it holds.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectionUsage {
    #[sqlx(flatten)]
    pub collection: CollectionRecord,
    /// Documents of any status.
    pub article_count: i64,
    /// Published public articles.
    pub published_article_count: i64,
}

const COLLECTION_COLUMNS: &str =
    "id, app_id, parent_id, name, slug, description, position, created_at, updated_at";

impl Store {
    /// Inserts a collection last among its siblings; a slug the app already has is
    /// `UniqueViolation`.
    pub async fn insert_collection(&self, collection: &CollectionRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO help_collections ({COLLECTION_COLUMNS}) \
             SELECT $1, $2, $3, $4, $5, $6, COALESCE(MAX(position) + 1, 0), $7, $7 \
             FROM help_collections WHERE app_id = $2 \
             AND (parent_id = $3 OR (parent_id IS NULL AND $3 IS NULL))"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&collection.id)
            .bind(&collection.app_id)
            .bind(&collection.parent_id)
            .bind(&collection.name)
            .bind(&collection.slug)
            .bind(&collection.description)
            .bind(collection.created_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn collection(
        &self,
        app_id: &str,
        id: &str,
    ) -> StoreResult<Option<CollectionRecord>> {
        let sql = format!(
            "SELECT {COLLECTION_COLUMNS} FROM help_collections WHERE app_id = $1 AND id = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, CollectionRecord>(&sql)
            .bind(app_id)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    pub async fn collection_by_slug(
        &self,
        app_id: &str,
        slug: &str,
    ) -> StoreResult<Option<CollectionRecord>> {
        let sql = format!(
            "SELECT {COLLECTION_COLUMNS} FROM help_collections WHERE app_id = $1 AND slug = $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, CollectionRecord>(&sql)
            .bind(app_id)
            .bind(slug)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Every collection of the app with its article counts, siblings by position.
    pub async fn list_collections(&self, app_id: &str) -> StoreResult<Vec<CollectionUsage>> {
        let sql = format!(
            "SELECT {COLLECTION_COLUMNS}, \
             (SELECT count(*) FROM knowledge_documents d WHERE d.app_id = c.app_id \
              AND d.collection_id = c.id) AS article_count, \
             (SELECT count(*) FROM knowledge_documents d WHERE d.app_id = c.app_id \
              AND d.collection_id = c.id AND d.status = 'published' \
              AND d.visibility = 'public') AS published_article_count \
             FROM help_collections c WHERE app_id = $1 ORDER BY position, name, id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, CollectionUsage>(&sql)
            .bind(app_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Renames, re-slugs, describes or moves a collection (moved, it goes last among its new
    /// siblings); a slug the app already has is `UniqueViolation`.
    pub async fn update_collection(&self, collection: &CollectionRecord) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE help_collections SET name = $3, slug = $4, description = $5, \
             position = CASE WHEN parent_id = $6 OR (parent_id IS NULL AND $6 IS NULL) \
                 THEN position ELSE (SELECT COALESCE(MAX(s.position) + 1, 0) \
                 FROM help_collections s WHERE s.app_id = $1 \
                 AND (s.parent_id = $6 OR (s.parent_id IS NULL AND $6 IS NULL))) END, \
             parent_id = $6, updated_at = $7 WHERE app_id = $1 AND id = $2",
        )
        .bind(&collection.app_id)
        .bind(&collection.id)
        .bind(&collection.name)
        .bind(&collection.slug)
        .bind(&collection.description)
        .bind(&collection.parent_id)
        .bind(collection.updated_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(updated > 0)
    }

    /// Deletes a collection that holds no collection and no document; `false` when it is
    /// missing or not empty.
    pub async fn delete_empty_collection(&self, app_id: &str, id: &str) -> StoreResult<bool> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM help_collections WHERE app_id = $1 AND id = $2 \
             AND NOT EXISTS (SELECT 1 FROM help_collections c WHERE c.parent_id = $2) \
             AND NOT EXISTS (SELECT 1 FROM knowledge_documents d WHERE d.app_id = $1 \
                 AND d.collection_id = $2)",
        )
        .bind(app_id)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(deleted > 0)
    }

    /// Sets the siblings' positions to their order in `ids`, in one transaction.
    pub async fn reorder_collections(
        &self,
        app_id: &str,
        ids: &[String],
        now: i64,
    ) -> StoreResult<()> {
        in_write_transaction!(self, tx => {
            for (position, id) in ids.iter().enumerate() {
                sqlx::query(
                    "UPDATE help_collections SET position = $3, updated_at = $4 \
                     WHERE app_id = $1 AND id = $2",
                )
                .bind(app_id)
                .bind(id)
                .bind(position as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The colour of an app's public help center, if one was chosen.
    pub async fn help_center_color(&self, app_id: &str) -> StoreResult<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT color FROM help_center_settings WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_optional(pool)
        .await)?)
    }

    pub async fn put_help_center_color(
        &self,
        app_id: &str,
        color: &str,
        now: i64,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO help_center_settings (app_id, color, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (app_id) DO UPDATE SET color = excluded.color, \
             updated_at = excluded.updated_at",
        )
        .bind(app_id)
        .bind(color)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
