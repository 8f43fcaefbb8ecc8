//! Snippets: saved replies a member inserts by typing `/` and the shortcut (`snippets.manage`
//! to change them; any member who reads conversations may use them).

use model::desk::snippets::{CreateSnippet, Snippet, SnippetList, SnippetPatch, SnippetQuery};
use model::platform::users::Permission;
use store::{SnippetRecord, StoreError};

use crate::desk::Desk;
use crate::ids::new_id;
use crate::validation::Checks;
use crate::{Actor, Error, Result};

const MAX_NAME_CHARS: usize = 100;
const MAX_CONTENT_CHARS: usize = 5_000;
const MAX_SHORTCUT_CHARS: usize = 32;
/// Answers of a search.
const SEARCH_LIMIT: i64 = 20;
/// Snippets a workspace lists at most.
const LIST_LIMIT: i64 = 1_000;

fn to_snippet(record: SnippetRecord) -> Snippet {
    Snippet {
        id: record.id,
        workspace_id: record.workspace_id,
        name: record.name,
        content: record.content,
        shortcut: record.shortcut,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

/// A shortcut without its leading `/`, lowercased; problems go to `checks`.
fn checked_shortcut(shortcut: &str, checks: &mut Checks) -> String {
    let shortcut = shortcut.trim().trim_start_matches('/').to_lowercase();
    let valid = (1..=MAX_SHORTCUT_CHARS).contains(&shortcut.chars().count())
        && shortcut
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !valid {
        checks.fail(
            "shortcut",
            format!("must be 1–{MAX_SHORTCUT_CHARS} letters, digits, - or _"),
        );
    }
    shortcut
}

fn duplicate_shortcut(err: StoreError) -> Error {
    match err {
        StoreError::UniqueViolation => {
            Error::Conflict("Another snippet of the workspace has that shortcut".to_owned())
        }
        other => other.into(),
    }
}

impl Desk<'_> {
    /// A workspace's snippets by name; `search` narrows them (top 20), `shortcut` finds one.
    pub async fn snippets(&self, actor: &Actor, query: SnippetQuery) -> Result<SnippetList> {
        let workspace_id = self
            .desk_workspace(actor, query.workspace_id, Permission::ConversationsRead)
            .await?;
        if let Some(shortcut) = query.shortcut {
            let mut checks = Checks::new();
            let shortcut = checked_shortcut(&shortcut, &mut checks);
            checks.finish()?;
            let found = self
                .store()
                .snippet_by_shortcut(&workspace_id, &shortcut)
                .await?;
            return Ok(SnippetList {
                snippets: found.into_iter().map(to_snippet).collect(),
            });
        }
        let search = query
            .search
            .map(|search| search.trim().to_owned())
            .filter(|search| !search.is_empty());
        let limit = if search.is_some() {
            SEARCH_LIMIT
        } else {
            LIST_LIMIT
        };
        let records = self
            .store()
            .snippets_of_workspace(&workspace_id, search.as_deref(), limit)
            .await?;
        Ok(SnippetList {
            snippets: records.into_iter().map(to_snippet).collect(),
        })
    }

    pub async fn snippet(&self, actor: &Actor, id: &str) -> Result<Snippet> {
        Ok(to_snippet(
            self.member_snippet(actor, id, Permission::ConversationsRead)
                .await?,
        ))
    }

    pub async fn create_snippet(&self, actor: &Actor, input: CreateSnippet) -> Result<Snippet> {
        let workspace_id = self
            .desk_workspace(actor, input.workspace_id, Permission::SnippetsManage)
            .await?;
        let mut checks = Checks::new();
        let name = input.name.trim().to_owned();
        checks.text("name", &name, 1, MAX_NAME_CHARS);
        checks.text("content", input.content.trim(), 1, MAX_CONTENT_CHARS);
        let shortcut = input
            .shortcut
            .filter(|shortcut| !shortcut.trim().is_empty())
            .map(|shortcut| checked_shortcut(&shortcut, &mut checks));
        checks.finish()?;
        let now = self.now_ms();
        let record = SnippetRecord {
            id: new_id(),
            workspace_id,
            name,
            content: input.content.trim().to_owned(),
            shortcut,
            created_by: actor.user_id().map(str::to_owned),
            created_at: now,
            updated_at: now,
        };
        self.store()
            .insert_snippet(&record)
            .await
            .map_err(duplicate_shortcut)?;
        Ok(to_snippet(record))
    }

    pub async fn update_snippet(
        &self,
        actor: &Actor,
        id: &str,
        patch: SnippetPatch,
    ) -> Result<Snippet> {
        let before = self
            .member_snippet(actor, id, Permission::SnippetsManage)
            .await?;
        let mut checks = Checks::new();
        let mut after = SnippetRecord {
            updated_at: self.now_ms().max(before.updated_at + 1),
            ..before
        };
        if let Some(name) = patch.name {
            after.name = name.trim().to_owned();
            checks.text("name", &after.name, 1, MAX_NAME_CHARS);
        }
        if let Some(content) = patch.content {
            after.content = content.trim().to_owned();
            checks.text("content", &after.content, 1, MAX_CONTENT_CHARS);
        }
        if let Some(shortcut) = patch.shortcut {
            after.shortcut = shortcut
                .filter(|shortcut| !shortcut.trim().is_empty())
                .map(|shortcut| checked_shortcut(&shortcut, &mut checks));
        }
        checks.finish()?;
        self.store()
            .update_snippet(&after)
            .await
            .map_err(duplicate_shortcut)?;
        Ok(to_snippet(after))
    }

    pub async fn delete_snippet(&self, actor: &Actor, id: &str) -> Result<()> {
        let snippet = self
            .member_snippet(actor, id, Permission::SnippetsManage)
            .await?;
        self.store().delete_snippet(&snippet.id).await?;
        Ok(())
    }

    /// The snippet, if the actor holds `permission` in its workspace; "not found" otherwise.
    async fn member_snippet(
        &self,
        actor: &Actor,
        id: &str,
        permission: Permission,
    ) -> Result<SnippetRecord> {
        let snippet = self
            .store()
            .snippet(id)
            .await?
            .ok_or(Error::NotFound("snippet"))?;
        actor.require_for(&snippet.workspace_id, permission, "snippet")?;
        Ok(snippet)
    }
}
