//! Tags: a workspace's labels for support conversations (`tags.manage` to define them,
//! `conversations.assign` to apply them).

use model::desk::tags::{
    ConversationTag, ConversationTags, CreateTag, Tag, TagList, TagPatch, TagQuery,
};
use model::platform::users::Permission;
use store::{AppliedTag, StoreError, TagRecord, TagUsage};

use crate::desk::Desk;
use crate::ids::new_id;
use crate::validation::Checks;
use crate::{Actor, Error, Result};

const MAX_NAME_CHARS: usize = 50;
/// Tags a workspace may define.
const MAX_TAGS: usize = 500;
const DEFAULT_COLOR: &str = "#6b7280";

fn to_tag(usage: TagUsage) -> Tag {
    Tag {
        id: usage.tag.id,
        workspace_id: usage.tag.workspace_id,
        name: usage.tag.name,
        color: usage.tag.color,
        conversation_count: usage.conversation_count,
        created_at: usage.tag.created_at,
        updated_at: usage.tag.updated_at,
    }
}

pub(crate) fn to_conversation_tag(applied: AppliedTag) -> ConversationTag {
    ConversationTag {
        id: applied.tag_id,
        name: applied.name,
        color: applied.color,
        applied_by: applied.applied_by,
        applied_at: applied.created_at,
    }
}

/// `#rrggbb`, lowercased.
pub(crate) fn checked_color(color: &str, checks: &mut Checks) -> String {
    let color = color.trim().to_lowercase();
    let valid = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if !valid {
        checks.fail("color", "must be a colour like #1d4ed8");
    }
    color
}

fn duplicate_name(err: StoreError) -> Error {
    match err {
        StoreError::UniqueViolation => {
            Error::Conflict("The workspace has a tag of that name already".to_owned())
        }
        other => other.into(),
    }
}

impl Desk<'_> {
    /// A workspace's tags by name, with how many conversations carry each.
    pub async fn tags(&self, actor: &Actor, query: TagQuery) -> Result<TagList> {
        let workspace_id = self
            .desk_workspace(actor, query.workspace_id, Permission::ConversationsRead)
            .await?;
        let tags = self.store().tags_of_workspace(&workspace_id).await?;
        Ok(TagList {
            tags: tags.into_iter().map(to_tag).collect(),
        })
    }

    pub async fn create_tag(&self, actor: &Actor, input: CreateTag) -> Result<Tag> {
        let workspace_id = self
            .desk_workspace(actor, input.workspace_id, Permission::TagsManage)
            .await?;
        let name = input.name.trim().to_owned();
        let mut checks = Checks::new();
        checks.text("name", &name, 1, MAX_NAME_CHARS);
        let color = checked_color(input.color.as_deref().unwrap_or(DEFAULT_COLOR), &mut checks);
        checks.finish()?;
        if self.store().tags_of_workspace(&workspace_id).await?.len() >= MAX_TAGS {
            return Err(Error::Conflict(format!(
                "A workspace holds at most {MAX_TAGS} tags"
            )));
        }
        let now = self.now_ms();
        let record = TagRecord {
            id: new_id(),
            workspace_id,
            name_key: name.to_lowercase(),
            name,
            color,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .insert_tag(&record)
            .await
            .map_err(duplicate_name)?;
        Ok(to_tag(TagUsage {
            tag: record,
            conversation_count: 0,
        }))
    }

    pub async fn update_tag(&self, actor: &Actor, id: &str, patch: TagPatch) -> Result<Tag> {
        let before = self.member_tag(actor, id, Permission::TagsManage).await?;
        let mut checks = Checks::new();
        let mut after = TagRecord {
            updated_at: self.now_ms().max(before.updated_at + 1),
            ..before.clone()
        };
        if let Some(name) = patch.name {
            let name = name.trim().to_owned();
            checks.text("name", &name, 1, MAX_NAME_CHARS);
            after.name_key = name.to_lowercase();
            after.name = name;
        }
        if let Some(color) = patch.color {
            after.color = checked_color(&color, &mut checks);
        }
        checks.finish()?;
        self.store()
            .update_tag(&after)
            .await
            .map_err(duplicate_name)?;
        let usage = self
            .store()
            .tags_of_workspace(&after.workspace_id)
            .await?
            .into_iter()
            .find(|usage| usage.tag.id == after.id)
            .ok_or(Error::NotFound("tag"))?;
        Ok(to_tag(usage))
    }

    /// Deletes a tag and takes it off every conversation.
    pub async fn delete_tag(&self, actor: &Actor, id: &str) -> Result<()> {
        let tag = self.member_tag(actor, id, Permission::TagsManage).await?;
        self.store().delete_tag(&tag.id).await?;
        Ok(())
    }

    /// A conversation's tags.
    pub async fn conversation_tags(
        &self,
        actor: &Actor,
        conversation_id: &str,
    ) -> Result<ConversationTags> {
        let conversation = self
            .member_conversation(actor, conversation_id, Permission::ConversationsRead)
            .await?;
        self.tags_of(&conversation.id).await
    }

    /// Puts a tag of the conversation's workspace on it (a second time changes nothing).
    pub async fn attach_tag(
        &self,
        actor: &Actor,
        conversation_id: &str,
        tag_id: &str,
    ) -> Result<ConversationTags> {
        let conversation = self
            .member_conversation(actor, conversation_id, Permission::ConversationsAssign)
            .await?;
        let tag = self
            .store()
            .tag(tag_id)
            .await?
            .filter(|tag| tag.workspace_id == conversation.workspace_id)
            .ok_or_else(|| {
                Error::InvalidFields(vec![crate::FieldError::new(
                    "tagId",
                    "is not a tag of this conversation's workspace",
                )])
            })?;
        self.store()
            .attach_tag(&conversation.id, &tag.id, actor.user_id(), self.now_ms())
            .await?;
        self.publish_desk(&conversation.id, None).await;
        self.tags_of(&conversation.id).await
    }

    /// Takes a tag off the conversation; one it does not carry is "not found".
    pub async fn detach_tag(
        &self,
        actor: &Actor,
        conversation_id: &str,
        tag_id: &str,
    ) -> Result<ConversationTags> {
        let conversation = self
            .member_conversation(actor, conversation_id, Permission::ConversationsAssign)
            .await?;
        if !self.store().detach_tag(&conversation.id, tag_id).await? {
            return Err(Error::NotFound("tag"));
        }
        self.publish_desk(&conversation.id, None).await;
        self.tags_of(&conversation.id).await
    }

    pub(crate) async fn tags_of(&self, conversation_id: &str) -> Result<ConversationTags> {
        let applied = self
            .store()
            .tags_of_conversations(&[conversation_id.to_owned()])
            .await?;
        Ok(ConversationTags {
            tags: applied.into_iter().map(to_conversation_tag).collect(),
        })
    }

    /// The tag, if the actor holds `permission` in its workspace; "not found" for outsiders.
    async fn member_tag(
        &self,
        actor: &Actor,
        id: &str,
        permission: Permission,
    ) -> Result<TagRecord> {
        let tag = self.store().tag(id).await?.ok_or(Error::NotFound("tag"))?;
        actor.require_for(&tag.workspace_id, permission, "tag")?;
        Ok(tag)
    }
}
