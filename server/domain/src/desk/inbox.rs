//! The human inbox: members list support conversations, read them, answer (or leave internal
//! notes), assign, snooze and close them.
//!
//! The sender of a reply is the signed-in member, never a field of the request. A status change
//! follows [`transition`]; a visitor's message reopens a closed or snoozed conversation (the
//! store does it with the message), and a job opens snoozed ones when their time comes.

use std::collections::HashMap;

use model::desk::conversations::{
    ConversationPatch, ConversationStatus, ConversationThread, DeskConversation, DeskMessage,
    InboxConversation, InboxItem, InboxPage, InboxQuery, Reply, SenderKind, StartConversation,
};
use model::desk::tags::ConversationTag;
use model::platform::users::Permission;
use store::{DeskConversationRecord, DeskMessageRecord, InboxFilter};

use crate::desk::Desk;
use crate::desk::automation::to_rating;
use crate::desk::contacts::to_contact;
use crate::desk::conversations::{checked_text, to_conversation, to_message};
use crate::desk::tags::to_conversation_tag;
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Actor, Error, FieldError, Result};

/// Messages a conversation's page shows.
const INBOX_THREAD_MESSAGES: i64 = 500;

/// Whether a conversation may go from `from` to `to`. A closed conversation opens again before
/// it is snoozed; snoozing a snoozed one moves its time.
pub fn transition(from: ConversationStatus, to: ConversationStatus) -> bool {
    use ConversationStatus::*;
    matches!(
        (from, to),
        (Open, Snoozed)
            | (Open, Closed)
            | (Snoozed, Open)
            | (Snoozed, Snoozed)
            | (Snoozed, Closed)
            | (Closed, Open)
    )
}

impl Desk<'_> {
    /// A page of a workspace's support conversations, most recent first, with what the member
    /// has not read (needs `conversations.read`).
    pub async fn inbox(&self, actor: &Actor, query: InboxQuery) -> Result<InboxPage> {
        let workspace_id = self
            .desk_workspace(actor, query.workspace_id, Permission::ConversationsRead)
            .await?;
        let mut checks = Checks::new();
        if let Some(status) = &query.status
            && ConversationStatus::parse(status).is_none()
        {
            checks.fail("status", "must be open, snoozed or closed");
        }
        if let Some(channel) = &query.channel
            && !matches!(channel.as_str(), "chat" | "voice" | "email")
        {
            checks.fail("channel", "must be chat, voice or email");
        }
        checks.finish()?;
        let me = actor.user_id().unwrap_or_default();
        let assignee = match query.assignee.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            Some("me") => Some(Some(me)),
            Some(id) => Some(Some(id)),
        };
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 25, 100)?;
        let rows = self
            .store()
            .list_inbox(&InboxFilter {
                workspace_id: &workspace_id,
                reader_id: me,
                status: query.status.as_deref(),
                channel: query.channel.as_deref(),
                assignee,
                tag: query.tag.as_deref(),
                needs_human: query.needs_human.unwrap_or(false),
                after: paging.after(),
                limit: paging.fetch(),
            })
            .await?;
        let (rows, next_cursor) = paging.page(rows, |row| {
            (
                row.conversation.last_message_at,
                row.conversation.id.as_str(),
            )
        });
        let ids: Vec<String> = rows.iter().map(|row| row.conversation.id.clone()).collect();
        let mut tags: HashMap<String, Vec<ConversationTag>> = HashMap::new();
        for applied in self.store().tags_of_conversations(&ids).await? {
            tags.entry(applied.conversation_id.clone())
                .or_default()
                .push(to_conversation_tag(applied));
        }
        Ok(InboxPage {
            conversations: rows
                .into_iter()
                .map(|row| InboxItem {
                    tags: tags.remove(&row.conversation.id).unwrap_or_default(),
                    conversation: to_conversation(row.conversation),
                    contact_name: row.contact_name,
                    contact_email: row.contact_email,
                    unread: row.unread,
                })
                .collect(),
            next_cursor,
        })
    }

    /// One conversation with its contact and every message, internal notes included.
    pub async fn inbox_conversation(&self, actor: &Actor, id: &str) -> Result<InboxConversation> {
        let record = self
            .member_conversation(actor, id, Permission::ConversationsRead)
            .await?;
        let contact = self
            .store()
            .contact_by_id(&record.contact_id)
            .await?
            .ok_or(Error::NotFound("contact"))?;
        let messages = self
            .store()
            .desk_messages(&record.id, None, INBOX_THREAD_MESSAGES, true)
            .await?;
        let tags = self.tags_of(&record.id).await?.tags;
        let ticket_id = self
            .store()
            .ticket_of_conversation(&record.id)
            .await?
            .map(|ticket| ticket.id);
        let rating = self
            .store()
            .rating_of_conversation(&record.id)
            .await?
            .map(to_rating);
        let call = self.handed_off_call(&record).await?;
        let messages = self
            .with_ai_answers(&record.id, messages.into_iter().map(to_message).collect())
            .await?;
        Ok(InboxConversation {
            conversation: to_conversation(record),
            contact: to_contact(contact),
            messages,
            tags,
            ticket_id,
            rating,
            call,
        })
    }

    /// Changes a conversation's status (`conversations.close`) or assignee
    /// (`conversations.assign`).
    pub async fn update_conversation(
        &self,
        actor: &Actor,
        id: &str,
        patch: ConversationPatch,
    ) -> Result<DeskConversation> {
        let before = self
            .member_conversation(actor, id, Permission::ConversationsRead)
            .await?;
        let now = self.now_ms();
        let mut after = DeskConversationRecord {
            updated_at: now.max(before.updated_at + 1),
            ..before.clone()
        };
        if let Some(to) = patch.status {
            actor.require(&before.workspace_id, Permission::ConversationsClose)?;
            let from =
                ConversationStatus::parse(&before.status).unwrap_or(ConversationStatus::Open);
            if !transition(from, to) {
                return Err(Error::InvalidTransition {
                    what: "conversation",
                    from: from.as_str(),
                    to: to.as_str(),
                });
            }
            after.status = to.as_str().to_owned();
            match to {
                ConversationStatus::Snoozed => {
                    let until = patch.snoozed_until.filter(|until| *until > now).ok_or_else(|| {
                        Error::InvalidFields(vec![FieldError::new(
                            "snoozedUntil",
                            "a snoozed conversation needs a time in the future (ms since the epoch)",
                        )])
                    })?;
                    after.snoozed_until = Some(until);
                }
                ConversationStatus::Closed => {
                    after.snoozed_until = None;
                    after.resolved_at = Some(now);
                }
                ConversationStatus::Open => {
                    after.snoozed_until = None;
                    after.resolved_at = None;
                }
            }
        } else if patch.snoozed_until.is_some() {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "snoozedUntil",
                "goes with status: snoozed",
            )]));
        }
        if let Some(assignee) = patch.assignee_id {
            actor.require(&before.workspace_id, Permission::ConversationsAssign)?;
            if let Some(user_id) = &assignee {
                let member = self
                    .store()
                    .workspace_member(&before.workspace_id, user_id)
                    .await?;
                if member.is_none() {
                    return Err(Error::InvalidFields(vec![FieldError::new(
                        "assigneeId",
                        "is not a member of this conversation's workspace",
                    )]));
                }
            }
            after.assignee_id = assignee;
        }
        if !self
            .store()
            .update_desk_conversation_state(&before, &after)
            .await?
        {
            return Err(Error::Conflict(
                "The conversation changed meanwhile: load it again".to_owned(),
            ));
        }
        self.publish_desk(&after.id, None).await;
        self.follow_conversation_with_handoff(actor, &before, &after)
            .await?;
        Ok(to_conversation(after))
    }

    /// A member writes to a contact first: a new chat with their message
    /// (`conversations.reply`).
    pub async fn start_conversation(
        &self,
        actor: &Actor,
        input: StartConversation,
    ) -> Result<ConversationThread> {
        let body = checked_text(input.body)?;
        let contact = self
            .store()
            .contact_by_id(&input.contact_id)
            .await?
            .ok_or(Error::NotFound("contact"))?;
        actor.require_for(
            &contact.workspace_id,
            Permission::ConversationsReply,
            "contact",
        )?;
        let apps = self.store().list_apps(Some(&contact.workspace_id)).await?;
        let app = match (&input.app_slug, apps.as_slice()) {
            (Some(slug), _) => apps.iter().find(|app| app.slug == *slug),
            (None, [only]) => Some(only),
            (None, _) => None,
        }
        .ok_or_else(|| {
            Error::InvalidFields(vec![FieldError::new(
                "appSlug",
                "must name one of the workspace's apps (required when it has several)",
            )])
        })?;
        let now = self.now_ms();
        let conversation = DeskConversationRecord {
            id: new_id(),
            workspace_id: contact.workspace_id.clone(),
            app_id: app.id.clone(),
            contact_id: contact.id.clone(),
            status: ConversationStatus::Open.as_str().to_owned(),
            channel: "chat".to_owned(),
            message_count: 1,
            last_message_at: now,
            assignee_id: actor.user_id().map(str::to_owned),
            snoozed_until: None,
            first_response_at: Some(now),
            resolved_at: None,
            contact_read_at: None,
            priority: None,
            handoff_id: None,
            call_session_id: None,
            needs_human: false,
            created_at: now,
            updated_at: now,
        };
        let first = DeskMessageRecord {
            id: new_id(),
            conversation_id: conversation.id.clone(),
            sender_kind: SenderKind::Agent.as_str().to_owned(),
            sender_id: actor.user_id().map(str::to_owned),
            body,
            internal: false,
            created_at: now,
        };
        self.store()
            .insert_desk_conversation(&conversation, Some(&first))
            .await?;
        if let Some(me) = actor.user_id() {
            self.store()
                .mark_desk_conversation_read(&conversation.id, me, now)
                .await?;
        }
        self.publish_desk(&conversation.id, Some(&first)).await;
        Ok(ConversationThread {
            conversation: to_conversation(conversation),
            messages: vec![to_message(first)],
        })
    }

    /// A member's reply to the visitor, or an internal note (`conversations.reply`). Replying
    /// marks the conversation read for the member.
    pub async fn reply(&self, actor: &Actor, id: &str, reply: Reply) -> Result<DeskMessage> {
        let body = checked_text(reply.body)?;
        let conversation = self
            .member_conversation(actor, id, Permission::ConversationsReply)
            .await?;
        let now = self.now_ms();
        let record = DeskMessageRecord {
            id: new_id(),
            conversation_id: conversation.id.clone(),
            sender_kind: SenderKind::Agent.as_str().to_owned(),
            sender_id: actor.user_id().map(str::to_owned),
            body,
            internal: reply.internal,
            created_at: now,
        };
        self.store().insert_desk_message(&record).await?;
        self.publish_desk(&conversation.id, Some(&record)).await;
        if let Some(me) = actor.user_id() {
            self.store()
                .mark_desk_conversation_read(&conversation.id, me, now)
                .await?;
        }
        Ok(to_message(record))
    }

    /// Marks a conversation read by the signed-in member.
    pub async fn mark_read(&self, actor: &Actor, id: &str) -> Result<()> {
        let conversation = self
            .member_conversation(actor, id, Permission::ConversationsRead)
            .await?;
        if let Some(me) = actor.user_id() {
            self.store()
                .mark_desk_conversation_read(&conversation.id, me, self.now_ms())
                .await?;
        }
        Ok(())
    }

    /// Opens snoozed conversations whose time has come, and tells open pages; run
    /// periodically. Answers how many.
    pub async fn wake_snoozed_conversations(&self) -> Result<u64> {
        let woken = self
            .store()
            .wake_snoozed_conversations(self.now_ms())
            .await?;
        for id in &woken {
            self.publish_desk(id, None).await;
        }
        Ok(woken.len() as u64)
    }

    /// The conversation, if the actor holds `permission` in its workspace; "not found" for
    /// outsiders.
    pub(crate) async fn member_conversation(
        &self,
        actor: &Actor,
        id: &str,
        permission: Permission,
    ) -> Result<DeskConversationRecord> {
        let record = self
            .store()
            .desk_conversation(id)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        actor.require_for(&record.workspace_id, permission, "conversation")?;
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table() {
        use ConversationStatus::*;
        for (from, to, allowed) in [
            (Open, Snoozed, true),
            (Open, Closed, true),
            (Open, Open, false),
            (Snoozed, Open, true),
            (Snoozed, Snoozed, true),
            (Snoozed, Closed, true),
            (Closed, Open, true),
            (Closed, Snoozed, false),
            (Closed, Closed, false),
        ] {
            assert_eq!(transition(from, to), allowed, "{from:?} → {to:?}");
        }
    }
}
