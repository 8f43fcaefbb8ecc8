//! The human inbox: members list support conversations, read them, answer (or leave internal
//! notes), assign, snooze and close them.
//!
//! The sender of a reply is the signed-in member, never a field of the request. A status change
//! follows [`transition`]; a visitor's message reopens a closed or snoozed conversation (the
//! store does it with the message), and a job opens snoozed ones when their time comes.

use model::desk::conversations::{
    ConversationPatch, ConversationStatus, DeskConversation, DeskMessage, InboxConversation,
    InboxItem, InboxPage, InboxQuery, Reply, SenderKind,
};
use model::platform::users::Permission;
use store::{DeskConversationRecord, DeskMessageRecord, InboxFilter};

use crate::desk::Desk;
use crate::desk::contacts::to_contact;
use crate::desk::conversations::{checked_text, to_conversation, to_message};
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Actor, Error, Principal, Result};

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

fn user_id(actor: &Actor) -> Option<&str> {
    match &actor.principal {
        Principal::User(user) => Some(user.id.as_str()),
        Principal::Operator => None,
    }
}

impl Desk<'_> {
    /// A page of a workspace's support conversations, most recent first, with what the member
    /// has not read (needs `conversations.read`).
    pub async fn inbox(&self, actor: &Actor, query: InboxQuery) -> Result<InboxPage> {
        let workspace_id = match query.workspace_id {
            Some(id) => id,
            None => self.workspace_for(actor).await?,
        };
        actor.require(&workspace_id, Permission::ConversationsRead)?;
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
        let me = user_id(actor).unwrap_or_default();
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
        Ok(InboxPage {
            conversations: rows
                .into_iter()
                .map(|row| InboxItem {
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
        Ok(InboxConversation {
            conversation: to_conversation(record),
            contact: to_contact(contact),
            messages: messages.into_iter().map(to_message).collect(),
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
                        Error::InvalidFields(vec![crate::FieldError::new(
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
            return Err(Error::InvalidFields(vec![crate::FieldError::new(
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
                    return Err(Error::InvalidFields(vec![crate::FieldError::new(
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
        Ok(to_conversation(after))
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
            sender_id: user_id(actor).map(str::to_owned),
            body,
            internal: reply.internal,
            created_at: now,
        };
        self.store().insert_desk_message(&record).await?;
        if let Some(me) = user_id(actor) {
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
        if let Some(me) = user_id(actor) {
            self.store()
                .mark_desk_conversation_read(&conversation.id, me, self.now_ms())
                .await?;
        }
        Ok(())
    }

    /// Opens snoozed conversations whose time has come; run periodically.
    pub async fn wake_snoozed_conversations(&self) -> Result<u64> {
        Ok(self
            .store()
            .wake_snoozed_conversations(self.now_ms())
            .await?)
    }

    /// The conversation, if the actor holds `permission` in its workspace; "not found" for
    /// outsiders.
    async fn member_conversation(
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
        actor
            .require(&record.workspace_id, permission)
            .map_err(|err| match err {
                Error::NotFound(_) => Error::NotFound("conversation"),
                other => other,
            })?;
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
