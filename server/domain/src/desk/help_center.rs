//! The help center's collections: a tree per app (`knowledge.read` to read it,
//! `knowledge.manage` to change it). The articles in them are the app's knowledge documents;
//! what readers see of both is put together in the bridge.

use std::collections::HashMap;

use model::desk::help_center::{
    Collection, CollectionList, CollectionNode, CollectionPatch, CollectionTree, CreateCollection,
    DEFAULT_HELP_CENTER_COLOR, HelpCenterSettings, ReorderCollections,
};
use model::platform::users::Permission;
use store::{CollectionRecord, CollectionUsage, StoreError};

use crate::desk::Desk;
use crate::desk::tags::checked_color;
use crate::ids::new_id;
use crate::validation::{Checks, MAX_SLUG_CHARS, is_slug, slug_from};
use crate::{Caller, Error, Result};

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1_000;
/// Collections an app may have.
const MAX_COLLECTIONS: usize = 500;

pub(crate) fn to_collection(usage: CollectionUsage) -> Collection {
    Collection {
        id: usage.collection.id,
        parent_id: usage.collection.parent_id,
        name: usage.collection.name,
        slug: usage.collection.slug,
        description: usage.collection.description,
        position: usage.collection.position,
        article_count: usage.article_count,
        published_article_count: usage.published_article_count,
        created_at: usage.collection.created_at,
        updated_at: usage.collection.updated_at,
    }
}

/// The collections as a forest, siblings by position.
pub(crate) fn forest(collections: Vec<Collection>) -> Vec<CollectionNode> {
    let mut children: HashMap<Option<String>, Vec<Collection>> = HashMap::new();
    for collection in collections {
        children
            .entry(collection.parent_id.clone())
            .or_default()
            .push(collection);
    }
    fn grow(
        parent: Option<String>,
        children: &mut HashMap<Option<String>, Vec<Collection>>,
    ) -> Vec<CollectionNode> {
        let mut level = children.remove(&parent).unwrap_or_default();
        level.sort_by(|a, b| (a.position, &a.name).cmp(&(b.position, &b.name)));
        level
            .into_iter()
            .map(|collection| {
                let nested = grow(Some(collection.id.clone()), children);
                CollectionNode {
                    collection,
                    children: nested,
                }
            })
            .collect()
    }
    grow(None, &mut children)
}

/// The forest flattened, parents before their children.
pub(crate) fn parents_first(nodes: Vec<CollectionNode>) -> Vec<Collection> {
    let mut flat = Vec::new();
    for node in nodes {
        flat.push(node.collection);
        flat.extend(parents_first(node.children));
    }
    flat
}

fn duplicate_slug(err: StoreError) -> Error {
    match err {
        StoreError::UniqueViolation => {
            Error::Conflict("The app has a collection with that slug already".to_owned())
        }
        other => other.into(),
    }
}

fn check_slug(slug: &str, checks: &mut Checks) {
    if !is_slug(slug) {
        checks.fail(
            "slug",
            format!(
                "must be lower-case letters and digits in words joined by dashes, at most \
                 {MAX_SLUG_CHARS} characters"
            ),
        );
    }
}

impl Desk<'_> {
    /// The app's collections, parents before children, with their article counts.
    pub async fn collections(&self, caller: &Caller) -> Result<CollectionList> {
        caller.require(Permission::KnowledgeRead)?;
        Ok(CollectionList {
            collections: parents_first(self.collection_forest(&caller.app.id).await?),
        })
    }

    /// The hierarchy in one call.
    pub async fn collection_tree(&self, caller: &Caller) -> Result<CollectionTree> {
        caller.require(Permission::KnowledgeRead)?;
        Ok(CollectionTree {
            collections: self.collection_forest(&caller.app.id).await?,
        })
    }

    pub async fn collection(&self, caller: &Caller, id: &str) -> Result<Collection> {
        caller.require(Permission::KnowledgeRead)?;
        self.collection_usage(&caller.app.id, id).await
    }

    pub async fn create_collection(
        &self,
        caller: &Caller,
        input: CreateCollection,
    ) -> Result<Collection> {
        caller.require(Permission::KnowledgeManage)?;
        let name = input.name.trim().to_owned();
        let description = input
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        let mut checks = Checks::new();
        checks.text("name", &name, 1, MAX_NAME_CHARS);
        checks.optional_text("description", description.as_deref(), MAX_DESCRIPTION_CHARS);
        let slug = match input.slug {
            Some(slug) => {
                check_slug(&slug, &mut checks);
                slug
            }
            None => Some(slug_from(&name))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "collection".to_owned()),
        };
        checks.finish()?;
        let existing = self.store().list_collections(&caller.app.id).await?;
        if existing.len() >= MAX_COLLECTIONS {
            return Err(Error::Conflict(format!(
                "An app may have at most {MAX_COLLECTIONS} collections"
            )));
        }
        if let Some(parent) = &input.parent_id
            && !existing.iter().any(|c| &c.collection.id == parent)
        {
            return Err(parent_not_found());
        }
        let now = self.now_ms();
        let record = CollectionRecord {
            id: new_id(),
            app_id: caller.app.id.clone(),
            parent_id: input.parent_id,
            name,
            slug,
            description,
            position: 0,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .insert_collection(&record)
            .await
            .map_err(duplicate_slug)?;
        self.audit_change(
            caller,
            "help_collection.created",
            "help_collection",
            Some(record.id.clone()),
            Some(serde_json::json!({ "name": record.name, "parentId": record.parent_id })),
        )
        .await?;
        self.collection_usage(&caller.app.id, &record.id).await
    }

    /// Renames, describes or moves a collection. Its parent must be one of the app's
    /// collections and not the collection itself or one of its descendants.
    pub async fn update_collection(
        &self,
        caller: &Caller,
        id: &str,
        patch: CollectionPatch,
    ) -> Result<Collection> {
        caller.require(Permission::KnowledgeManage)?;
        let all = self.store().list_collections(&caller.app.id).await?;
        let mut record = all
            .iter()
            .find(|c| c.collection.id == id)
            .map(|c| c.collection.clone())
            .ok_or(Error::NotFound("collection"))?;
        let mut checks = Checks::new();
        if let Some(name) = patch.name {
            record.name = name.trim().to_owned();
            checks.text("name", &record.name, 1, MAX_NAME_CHARS);
        }
        if let Some(slug) = patch.slug {
            check_slug(&slug, &mut checks);
            record.slug = slug;
        }
        if let Some(description) = patch.description {
            record.description = description
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty());
            checks.optional_text(
                "description",
                record.description.as_deref(),
                MAX_DESCRIPTION_CHARS,
            );
        }
        checks.finish()?;
        if let Some(parent) = patch.parent_id {
            if let Some(parent_id) = &parent {
                let parents: HashMap<&str, Option<&str>> = all
                    .iter()
                    .map(|c| (c.collection.id.as_str(), c.collection.parent_id.as_deref()))
                    .collect();
                if !parents.contains_key(parent_id.as_str()) {
                    return Err(parent_not_found());
                }
                // Walk up from the new parent: meeting this collection would make a cycle.
                let mut at = Some(parent_id.as_str());
                while let Some(ancestor) = at {
                    if ancestor == id {
                        return Err(Error::Conflict(
                            "A collection cannot move under itself or one of its descendants"
                                .to_owned(),
                        ));
                    }
                    at = parents.get(ancestor).copied().flatten();
                }
            }
            record.parent_id = parent;
        }
        record.updated_at = self.now_ms();
        if !self
            .store()
            .update_collection(&record)
            .await
            .map_err(duplicate_slug)?
        {
            return Err(Error::NotFound("collection"));
        }
        self.audit_change(
            caller,
            "help_collection.updated",
            "help_collection",
            Some(record.id.clone()),
            Some(serde_json::json!({ "name": record.name, "parentId": record.parent_id })),
        )
        .await?;
        self.collection_usage(&caller.app.id, id).await
    }

    /// Deletes an empty collection: one holding collections or articles (of any status) is
    /// refused, so no article is orphaned.
    pub async fn delete_collection(&self, caller: &Caller, id: &str) -> Result<()> {
        caller.require(Permission::KnowledgeManage)?;
        if self.store().collection(&caller.app.id, id).await?.is_none() {
            return Err(Error::NotFound("collection"));
        }
        if !self
            .store()
            .delete_empty_collection(&caller.app.id, id)
            .await?
        {
            return Err(Error::Conflict(
                "The collection is not empty: move or delete its collections and articles first"
                    .to_owned(),
            ));
        }
        self.audit_change(
            caller,
            "help_collection.deleted",
            "help_collection",
            Some(id.to_owned()),
            None,
        )
        .await
    }

    /// Puts one parent's children in the given order; `ids` must name each of them once.
    pub async fn reorder_collections(
        &self,
        caller: &Caller,
        input: ReorderCollections,
    ) -> Result<CollectionList> {
        caller.require(Permission::KnowledgeManage)?;
        let all = self.store().list_collections(&caller.app.id).await?;
        if let Some(parent) = &input.parent_id
            && !all.iter().any(|c| &c.collection.id == parent)
        {
            return Err(parent_not_found());
        }
        let mut siblings: Vec<&str> = all
            .iter()
            .filter(|c| c.collection.parent_id == input.parent_id)
            .map(|c| c.collection.id.as_str())
            .collect();
        let mut given: Vec<&str> = input.ids.iter().map(String::as_str).collect();
        siblings.sort_unstable();
        given.sort_unstable();
        if siblings != given {
            return Err(Error::InvalidFields(vec![crate::error::FieldError::new(
                "ids",
                "must name every collection of the parent, each once",
            )]));
        }
        self.store()
            .reorder_collections(&caller.app.id, &input.ids, self.now_ms())
            .await?;
        self.collections(caller).await
    }

    /// How the public help center looks.
    pub async fn help_center_settings(&self, caller: &Caller) -> Result<HelpCenterSettings> {
        caller.require(Permission::KnowledgeRead)?;
        Ok(HelpCenterSettings {
            color: self.help_center_color(&caller.app.id).await?,
        })
    }

    pub async fn put_help_center_settings(
        &self,
        caller: &Caller,
        input: HelpCenterSettings,
    ) -> Result<HelpCenterSettings> {
        caller.require(Permission::KnowledgeManage)?;
        let mut checks = Checks::new();
        let color = checked_color(&input.color, &mut checks);
        checks.finish()?;
        self.store()
            .put_help_center_color(&caller.app.id, &color, self.now_ms())
            .await?;
        self.audit_change(
            caller,
            "help_center.updated",
            "app",
            Some(caller.app.id.clone()),
            Some(serde_json::json!({ "color": color })),
        )
        .await?;
        Ok(HelpCenterSettings { color })
    }

    pub(crate) async fn collection_forest(&self, app_id: &str) -> Result<Vec<CollectionNode>> {
        let collections = self.store().list_collections(app_id).await?;
        Ok(forest(collections.into_iter().map(to_collection).collect()))
    }

    async fn collection_usage(&self, app_id: &str, id: &str) -> Result<Collection> {
        self.store()
            .list_collections(app_id)
            .await?
            .into_iter()
            .find(|c| c.collection.id == id)
            .map(to_collection)
            .ok_or(Error::NotFound("collection"))
    }
}

impl crate::Services {
    /// The colour of an app's public help center, `#rrggbb` (the default until one is chosen).
    pub async fn help_center_color(&self, app_id: &str) -> Result<String> {
        Ok(self
            .store()
            .help_center_color(app_id)
            .await?
            .unwrap_or_else(|| DEFAULT_HELP_CENTER_COLOR.to_owned()))
    }
}

fn parent_not_found() -> Error {
    Error::InvalidFields(vec![crate::error::FieldError::new(
        "parentId",
        "no such collection in this app",
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(id: &str, parent: Option<&str>, position: i64) -> Collection {
        Collection {
            id: id.to_owned(),
            parent_id: parent.map(str::to_owned),
            name: id.to_owned(),
            slug: id.to_owned(),
            description: None,
            position,
            article_count: 0,
            published_article_count: 0,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_forest_nests_children_in_order_and_flattens_parents_first() {
        let tree = forest(vec![
            collection("b", None, 1),
            collection("a2", Some("a"), 1),
            collection("a", None, 0),
            collection("a1", Some("a"), 0),
        ]);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[0].collection.id, "a");
        let kids: Vec<&str> = tree[0]
            .children
            .iter()
            .map(|n| n.collection.id.as_str())
            .collect();
        assert_eq!(kids, ["a1", "a2"]);
        let flat: Vec<String> = parents_first(tree).into_iter().map(|c| c.id).collect();
        assert_eq!(flat, ["a", "a1", "a2", "b"]);
    }
}
