//! Contacts: the end users of a workspace's sites and apps (seed 001's visitors).

use serde_json::{Map, Value};
use sqlx::types::Json;

use crate::{Store, StoreError, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ContactRecord {
    pub id: String,
    pub workspace_id: String,
    /// The anonymous id the widget generated on the visitor's device.
    pub device_id: Option<String>,
    /// Claimed by the visitor; never used to find or link a contact.
    pub email: Option<String>,
    pub name: Option<String>,
    /// The customer's own user id: claimed, or proved when `identity_verified`.
    pub external_user_id: Option<String>,
    pub identity_verified: bool,
    pub identity_verified_at: Option<i64>,
    #[sqlx(json)]
    pub custom_attributes: Map<String, Value>,
    #[sqlx(json(nullable))]
    pub device: Option<Value>,
    #[sqlx(json(nullable))]
    pub location: Option<Value>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const CONTACT_COLUMNS: &str = "id, workspace_id, device_id, email, name, external_user_id, \
    identity_verified, identity_verified_at, custom_attributes, device, location, \
    first_seen_at, last_seen_at, created_at, updated_at";

/// Which contacts of a workspace to list, most recently seen first.
#[derive(Clone, Debug, Default)]
pub struct ContactFilter<'a> {
    pub workspace_id: &'a str,
    /// Part of the email, name or external user id, any case.
    pub search: Option<&'a str>,
    pub verified: Option<bool>,
    /// Only contacts after this one in the order: its `(last_seen_at, id)`.
    pub after: Option<(i64, &'a str)>,
    pub limit: i64,
}

impl Store {
    /// Inserts a contact; a second verified contact for one external user id is
    /// `UniqueViolation`.
    pub async fn insert_contact(&self, contact: &ContactRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO desk_contacts ({CONTACT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&contact.id)
            .bind(&contact.workspace_id)
            .bind(&contact.device_id)
            .bind(&contact.email)
            .bind(&contact.name)
            .bind(&contact.external_user_id)
            .bind(contact.identity_verified)
            .bind(contact.identity_verified_at)
            .bind(Json(&contact.custom_attributes))
            .bind(contact.device.as_ref().map(Json))
            .bind(contact.location.as_ref().map(Json))
            .bind(contact.first_seen_at)
            .bind(contact.last_seen_at)
            .bind(contact.created_at)
            .bind(contact.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Writes every field of an existing contact but its workspace and first sighting.
    pub async fn update_contact(&self, contact: &ContactRecord) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE desk_contacts SET device_id = $3, email = $4, name = $5, \
             external_user_id = $6, identity_verified = $7, identity_verified_at = $8, \
             custom_attributes = $9, device = $10, location = $11, last_seen_at = $12, \
             updated_at = $13 WHERE id = $1 AND workspace_id = $2",
        )
        .bind(&contact.id)
        .bind(&contact.workspace_id)
        .bind(&contact.device_id)
        .bind(&contact.email)
        .bind(&contact.name)
        .bind(&contact.external_user_id)
        .bind(contact.identity_verified)
        .bind(contact.identity_verified_at)
        .bind(Json(&contact.custom_attributes))
        .bind(contact.device.as_ref().map(Json))
        .bind(contact.location.as_ref().map(Json))
        .bind(contact.last_seen_at)
        .bind(contact.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// A contact by id; callers check it belongs to their workspace.
    pub async fn contact_by_id(&self, id: &str) -> StoreResult<Option<ContactRecord>> {
        let sql = format!("SELECT {CONTACT_COLUMNS} FROM desk_contacts WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ContactRecord>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The unverified contact of a device, the most recently seen if several.
    pub async fn anonymous_contact_by_device(
        &self,
        workspace_id: &str,
        device_id: &str,
    ) -> StoreResult<Option<ContactRecord>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM desk_contacts \
             WHERE workspace_id = $1 AND device_id = $2 AND NOT identity_verified \
             ORDER BY last_seen_at DESC, id DESC LIMIT 1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ContactRecord>(&sql)
            .bind(workspace_id)
            .bind(device_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// The contact whose external user id a signed user hash proved.
    pub async fn verified_contact(
        &self,
        workspace_id: &str,
        external_user_id: &str,
    ) -> StoreResult<Option<ContactRecord>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM desk_contacts \
             WHERE workspace_id = $1 AND external_user_id = $2 AND identity_verified"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ContactRecord>(&sql)
            .bind(workspace_id)
            .bind(external_user_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// One page of a workspace's contacts, most recently seen first.
    pub async fn list_contacts(
        &self,
        filter: &ContactFilter<'_>,
    ) -> StoreResult<Vec<ContactRecord>> {
        let pattern = filter.search.map(like_pattern);
        let (after_seen, after_id) = filter.after.unzip();
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM desk_contacts WHERE workspace_id = $1 \
             AND ($2 IS NULL OR LOWER(COALESCE(email, '')) LIKE $2 ESCAPE '\\' \
                  OR LOWER(COALESCE(name, '')) LIKE $2 ESCAPE '\\' \
                  OR LOWER(COALESCE(external_user_id, '')) LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR identity_verified = $3) \
             AND ($4 IS NULL OR last_seen_at < $4 OR (last_seen_at = $4 AND id < $5)) \
             ORDER BY last_seen_at DESC, id DESC LIMIT $6"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ContactRecord>(&sql)
            .bind(filter.workspace_id)
            .bind(&pattern)
            .bind(filter.verified)
            .bind(after_seen)
            .bind(after_id)
            .bind(filter.limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}

/// A `LIKE` pattern matching `term` anywhere, lowercased, with `%`, `_` and `\` taken literally.
pub(crate) fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for ch in term.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}
