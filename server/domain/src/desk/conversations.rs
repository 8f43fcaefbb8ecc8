//! Desk conversations: what a visitor writes through the widget, and the replies stored for
//! them. The sender of a message is always who the server authenticated, never a field the
//! client chose (seed 001's original took `senderType` and `senderId` from the request).

use model::desk::conversations::{
    ConversationList, ConversationThread, DeskConversation, DeskMessage, MessagePage,
    MessagesQuery, OpenChat, SenderKind, UnreadCount, WriteMessage,
};
use store::{DeskConversationRecord, DeskMessageRecord};

use crate::desk::{Desk, Visitor};
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Error, Result, Services};

const MAX_BODY_CHARS: usize = 5_000;
/// Conversations a contact's page shows, and messages of each.
const CONTACT_CONVERSATIONS: i64 = 20;
const THREAD_MESSAGES: i64 = 100;

pub(crate) fn to_conversation(record: DeskConversationRecord) -> DeskConversation {
    DeskConversation {
        id: record.id,
        contact_id: record.contact_id,
        status: record.status,
        channel: record.channel,
        message_count: record.message_count,
        last_message_at: record.last_message_at,
        assignee_id: record.assignee_id,
        snoozed_until: record.snoozed_until,
        first_response_at: record.first_response_at,
        resolved_at: record.resolved_at,
        priority: record.priority,
        handoff_id: record.handoff_id,
        call_session_id: record.call_session_id,
        needs_human: record.needs_human,
        created_at: record.created_at,
    }
}

pub(crate) fn to_message(record: DeskMessageRecord) -> DeskMessage {
    DeskMessage {
        id: record.id,
        conversation_id: record.conversation_id,
        sender: SenderKind::parse(&record.sender_kind).unwrap_or(SenderKind::Bot),
        body: record.body,
        internal: record.internal,
        created_at: record.created_at,
        ai: None,
    }
}

/// A message's text, trimmed: 1–5,000 characters.
pub(crate) fn checked_text(body: String) -> Result<String> {
    let body = body.trim().to_owned();
    let mut checks = Checks::new();
    checks.text("body", &body, 1, MAX_BODY_CHARS);
    checks.finish()?;
    Ok(body)
}

impl Desk<'_> {
    /// The visitor's conversations, most recent first.
    pub async fn visitor_conversations(&self, visitor: &Visitor) -> Result<ConversationList> {
        let records = self
            .store()
            .desk_conversations_of_contact(&visitor.contact_id, 100)
            .await?;
        Ok(ConversationList {
            conversations: records.into_iter().map(to_conversation).collect(),
        })
    }

    /// The visitor's open chat (open or snoozed), created if they have none, with their
    /// message added when one is given. Answers whether it was created.
    pub async fn open_chat(
        &self,
        visitor: &Visitor,
        input: OpenChat,
    ) -> Result<(bool, ConversationThread)> {
        let body = input.body.map(checked_text).transpose()?;
        self.admit_visitor_write(visitor).await?;
        let now = self.now_ms();
        let message = |conversation_id: &str| DeskMessageRecord {
            id: new_id(),
            conversation_id: conversation_id.to_owned(),
            sender_kind: SenderKind::Visitor.as_str().to_owned(),
            sender_id: Some(visitor.contact_id.clone()),
            body: body.clone().unwrap_or_default(),
            internal: false,
            created_at: now,
        };
        let existing = self
            .store()
            .unclosed_conversation_of_contact(&visitor.contact_id, Some("chat"))
            .await?
            .filter(|conversation| conversation.app_id == visitor.app.id);
        let (created, conversation_id) = match existing {
            Some(conversation) => {
                if body.is_some() {
                    let record = message(&conversation.id);
                    self.store().insert_desk_message(&record).await?;
                    self.publish_desk(&conversation.id, Some(&record)).await;
                    self.answer_in_background(visitor, &conversation.id, &record.body);
                }
                (false, conversation.id)
            }
            None => {
                let conversation = DeskConversationRecord {
                    id: new_id(),
                    workspace_id: visitor.workspace_id().to_owned(),
                    app_id: visitor.app.id.clone(),
                    contact_id: visitor.contact_id.clone(),
                    status: "open".to_owned(),
                    channel: "chat".to_owned(),
                    message_count: i64::from(body.is_some()),
                    last_message_at: now,
                    assignee_id: None,
                    snoozed_until: None,
                    first_response_at: None,
                    resolved_at: None,
                    contact_read_at: None,
                    priority: None,
                    handoff_id: None,
                    call_session_id: None,
                    needs_human: false,
                    created_at: now,
                    updated_at: now,
                };
                let first = body.is_some().then(|| message(&conversation.id));
                self.store()
                    .insert_desk_conversation(&conversation, first.as_ref())
                    .await?;
                self.publish_desk(&conversation.id, first.as_ref()).await;
                if let Some(first) = &first {
                    self.answer_in_background(visitor, &conversation.id, &first.body);
                }
                (true, conversation.id)
            }
        };
        let conversation = self.visitor_conversation(visitor, &conversation_id).await?;
        let messages = self
            .store()
            .desk_messages(&conversation.id, None, THREAD_MESSAGES, false)
            .await?;
        let messages = self
            .with_ai_answers(
                &conversation.id,
                messages.into_iter().map(to_message).collect(),
            )
            .await?;
        Ok((
            created,
            ConversationThread {
                conversation: to_conversation(conversation),
                messages,
            },
        ))
    }

    /// The visitor writes in one of their conversations.
    pub async fn visitor_write(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
        message: WriteMessage,
    ) -> Result<DeskMessage> {
        let body = checked_text(message.body)?;
        self.visitor_conversation(visitor, conversation_id).await?;
        self.admit_visitor_write(visitor).await?;
        let record = DeskMessageRecord {
            id: new_id(),
            conversation_id: conversation_id.to_owned(),
            sender_kind: SenderKind::Visitor.as_str().to_owned(),
            sender_id: Some(visitor.contact_id.clone()),
            body,
            internal: false,
            created_at: self.now_ms(),
        };
        self.store().insert_desk_message(&record).await?;
        self.publish_desk(conversation_id, Some(&record)).await;
        self.answer_in_background(visitor, conversation_id, &record.body);
        Ok(to_message(record))
    }

    /// Messages of one of the visitor's conversations, oldest first, after `query.after`.
    pub async fn visitor_messages(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
        query: MessagesQuery,
    ) -> Result<MessagePage> {
        self.visitor_conversation(visitor, conversation_id).await?;
        let paging = Paging::new(query.after.as_deref(), query.limit, 100, 200)?;
        let records = self
            .store()
            .desk_messages(conversation_id, paging.after(), paging.fetch(), false)
            .await?;
        let (records, _) = paging.page(records, |record| (record.created_at, record.id.as_str()));
        let next_cursor = records
            .last()
            .map(|last| format!("{}:{}", last.created_at, last.id))
            .or(query.after);
        let messages = self
            .with_ai_answers(
                conversation_id,
                records.into_iter().map(to_message).collect(),
            )
            .await?;
        Ok(MessagePage {
            messages,
            next_cursor,
        })
    }

    /// Marks one of the visitor's conversations read by them.
    pub async fn visitor_mark_read(&self, visitor: &Visitor, conversation_id: &str) -> Result<()> {
        self.visitor_conversation(visitor, conversation_id).await?;
        self.store()
            .mark_desk_conversation_read_by_contact(conversation_id, self.now_ms())
            .await?;
        Ok(())
    }

    /// Replies the visitor has not read, across their conversations.
    pub async fn visitor_unread(&self, visitor: &Visitor) -> Result<UnreadCount> {
        Ok(UnreadCount {
            unread: self.store().contact_unread(&visitor.contact_id).await?,
        })
    }

    /// The conversation, if it is the visitor's contact's; "not found" otherwise.
    pub(crate) async fn visitor_conversation(
        &self,
        visitor: &Visitor,
        conversation_id: &str,
    ) -> Result<DeskConversationRecord> {
        self.store()
            .desk_conversation(conversation_id)
            .await?
            .filter(|conversation| conversation.contact_id == visitor.contact_id)
            .ok_or(Error::NotFound("conversation"))
    }
}

impl Services {
    /// A contact's latest conversations with their first messages, for the contact's page.
    pub(crate) async fn contact_threads(
        &self,
        contact_id: &str,
    ) -> Result<Vec<ConversationThread>> {
        let conversations = self
            .store()
            .desk_conversations_of_contact(contact_id, CONTACT_CONVERSATIONS)
            .await?;
        let mut threads = Vec::with_capacity(conversations.len());
        for conversation in conversations {
            let messages = self
                .store()
                .desk_messages(&conversation.id, None, THREAD_MESSAGES, true)
                .await?;
            threads.push(ConversationThread {
                conversation: to_conversation(conversation),
                messages: messages.into_iter().map(to_message).collect(),
            });
        }
        Ok(threads)
    }
}
