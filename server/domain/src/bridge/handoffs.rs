//! Voice handoffs in the inbox, each way:
//!
//! - a voice handoff lands in the inbox: it opens (or joins) a desk conversation on the `voice`
//!   channel, and claiming or resolving the handoff assigns or closes that conversation;
//! - assigning or closing that conversation in the inbox claims or resolves the handoff;
//! - the inbox shows the handed-off call (transcript, summary, recording), and a contact's page
//!   lists the calls the contact held from the widget.

use model::agent::handoffs::{HandoffStatus, UpdateHandoff};
use model::desk::contacts::ContactCall;
use model::desk::conversations::{CallTurn, ConversationStatus, HandedOffCall, SenderKind};
use serde_json::Map;
use store::{ContactRecord, DeskConversationRecord, DeskMessageRecord, HandoffRecord, StoreError};

use crate::ids::new_id;
use crate::platform::apps::to_app;
use crate::{Actor, Caller, Error, Result, Services};

/// Calls a contact's page lists.
const CONTACT_CALLS: i64 = 20;
/// Calls of one conversation searched for its caller and recording.
const SESSION_CALLS: i64 = 20;
/// Reads of a conversation changed by others while a handoff's change was being written.
const FOLLOW_ATTEMPTS: usize = 5;

impl Services {
    /// A contact's calls from the widget, with their CSAT, for the contact's page. A widget call
    /// keeps the contact's id as its customer id (`agent::voice`).
    pub(crate) async fn contact_calls(
        &self,
        workspace_id: &str,
        contact_id: &str,
    ) -> Result<Vec<ContactCall>> {
        let sessions = self
            .store()
            .voice_sessions_of_customer(workspace_id, contact_id, CONTACT_CALLS)
            .await?;
        let mut calls = Vec::with_capacity(sessions.len());
        for session in sessions {
            let csat = self
                .store()
                .csat_by_session(&session.app_id, &session.session_key)
                .await?;
            calls.push(ContactCall {
                room_name: session.room_name.unwrap_or_default(),
                session_id: session.session_key,
                status: session.status,
                started_at: session.created_at,
                ended_at: session.ended_at,
                csat_rating: csat.as_ref().map(|rating| rating.rating),
                csat_comment: csat.and_then(|rating| rating.comment),
            });
        }
        Ok(calls)
    }

    /// A new handoff lands in the inbox: in the open conversation of the call's contact (a
    /// widget visitor), or in a new voice conversation of an anonymous contact.
    pub(crate) async fn land_handoff_in_inbox(
        &self,
        app: &model::platform::apps::App,
        handoff: &HandoffRecord,
    ) -> Result<()> {
        if self
            .store()
            .desk_conversation_of_handoff(&handoff.id)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let now = self.now_ms();
        let contact = self.caller_contact(app, &handoff.session_id, now).await?;
        let note = |conversation_id: &str| DeskMessageRecord {
            id: new_id(),
            conversation_id: conversation_id.to_owned(),
            sender_kind: SenderKind::Bot.as_str().to_owned(),
            sender_id: None,
            body: handoff_note(handoff),
            internal: true,
            created_at: now,
        };
        let open = self
            .store()
            .unclosed_conversation_of_contact(&contact.id, None)
            .await?
            .filter(|conversation| conversation.app_id == app.id);
        let (conversation_id, message) = match open {
            Some(conversation) => {
                let joined = DeskConversationRecord {
                    handoff_id: Some(handoff.id.clone()),
                    call_session_id: Some(handoff.session_id.clone()),
                    needs_human: false,
                    priority: Some(handoff.priority.clone()),
                    channel: "voice".to_owned(),
                    ..conversation
                };
                let message = note(&joined.id);
                self.store().attach_handoff(&joined, &message).await?;
                (joined.id, message)
            }
            None => {
                let conversation = DeskConversationRecord {
                    id: new_id(),
                    workspace_id: app.workspace_id.clone(),
                    app_id: app.id.clone(),
                    contact_id: contact.id.clone(),
                    status: ConversationStatus::Open.as_str().to_owned(),
                    channel: "voice".to_owned(),
                    message_count: 1,
                    last_message_at: now,
                    assignee_id: None,
                    snoozed_until: None,
                    first_response_at: None,
                    resolved_at: None,
                    contact_read_at: None,
                    priority: Some(handoff.priority.clone()),
                    handoff_id: Some(handoff.id.clone()),
                    call_session_id: Some(handoff.session_id.clone()),
                    needs_human: false,
                    created_at: now,
                    updated_at: now,
                };
                let message = note(&conversation.id);
                match self
                    .store()
                    .insert_desk_conversation(&conversation, Some(&message))
                    .await
                {
                    // A concurrent retry of the same handoff landed it first.
                    Err(StoreError::UniqueViolation) => return Ok(()),
                    other => other?,
                }
                (conversation.id, message)
            }
        };
        self.publish_desk(&conversation_id, Some(&message)).await;
        Ok(())
    }

    /// A handoff was claimed or resolved: its conversation follows (assigned to the member who
    /// claimed it, closed when it is resolved). A concurrent change of the conversation (a
    /// visitor's message, a member's reply) does not lose it: the conversation is read again.
    pub(crate) async fn follow_handoff_in_inbox(&self, handoff: &HandoffRecord) -> Result<()> {
        let status = HandoffStatus::parse(&handoff.status);
        let mut assignee = None;
        for _ in 0..FOLLOW_ATTEMPTS {
            let Some(before) = self
                .store()
                .desk_conversation_of_handoff(&handoff.id)
                .await?
            else {
                return Ok(());
            };
            if assignee.is_none()
                && let Some(email) = &handoff.assigned_agent
                && let Some(user) = self.store().user_by_email(email).await?
                && self
                    .store()
                    .workspace_member(&before.workspace_id, &user.id)
                    .await?
                    .is_some()
            {
                assignee = Some(user.id);
            }
            let mut after = DeskConversationRecord {
                updated_at: self.now_ms().max(before.updated_at + 1),
                ..before.clone()
            };
            if assignee.is_some() {
                after.assignee_id.clone_from(&assignee);
            }
            if status == Some(HandoffStatus::Resolved) && before.status != "closed" {
                after.status = ConversationStatus::Closed.as_str().to_owned();
                after.snoozed_until = None;
                after.resolved_at = Some(after.updated_at);
            }
            if after.assignee_id == before.assignee_id && after.status == before.status {
                return Ok(());
            }
            if self
                .store()
                .update_desk_conversation_state(&before, &after)
                .await?
            {
                self.publish_desk(&after.id, None).await;
                return Ok(());
            }
        }
        Err(Error::Conflict(
            "The conversation is being changed by another request; retry".to_owned(),
        ))
    }

    /// A member assigned or closed a conversation a handoff opened: the handoff follows
    /// (claimed by them while pending, resolved when the conversation closes).
    pub(crate) async fn follow_conversation_with_handoff(
        &self,
        actor: &Actor,
        before: &DeskConversationRecord,
        after: &DeskConversationRecord,
    ) -> Result<()> {
        let Some(handoff_id) = &after.handoff_id else {
            return Ok(());
        };
        let Some(app) = self.store().app_by_id(&after.app_id).await? else {
            return Ok(());
        };
        let Some(handoff) = self.store().handoff(&app.id, handoff_id).await? else {
            return Ok(());
        };
        let current = HandoffStatus::parse(&handoff.status);
        let assignee_email = match (&after.assignee_id, &before.assignee_id) {
            (Some(now), was) if Some(now) != was.as_ref() => self
                .store()
                .workspace_member(&after.workspace_id, now)
                .await?
                .map(|member| member.email),
            _ => None,
        };
        let next = if after.status == "closed" && before.status != "closed" {
            Some(HandoffStatus::Resolved)
        } else if assignee_email.is_some() && current == Some(HandoffStatus::Pending) {
            Some(HandoffStatus::Claimed)
        } else {
            None
        };
        let Some(next) = next.filter(|next| current.is_some_and(|from| from.can_become(*next)))
        else {
            return Ok(());
        };
        if current == Some(next) {
            return Ok(());
        }
        let caller = Caller::for_app(to_app(app)).acting_for(actor.clone());
        self.agent()
            .update_handoff(
                &caller,
                UpdateHandoff {
                    handoff_id: handoff.id.clone(),
                    status: next,
                    assigned_agent: assignee_email,
                    necessity_score: None,
                    resolution_quality: None,
                    agent_feedback: None,
                },
            )
            .await?;
        Ok(())
    }

    /// The call a handoff conversation came from.
    pub(crate) async fn handed_off_call(
        &self,
        conversation: &DeskConversationRecord,
    ) -> Result<Option<HandedOffCall>> {
        let Some(handoff_id) = &conversation.handoff_id else {
            return Ok(None);
        };
        let Some(app) = self.store().app_by_id(&conversation.app_id).await? else {
            return Ok(None);
        };
        let Some(handoff) = self.store().handoff(&app.id, handoff_id).await? else {
            return Ok(None);
        };
        let recording_url = self
            .store()
            .voice_sessions_of_conversation(&app.id, &handoff.session_id, SESSION_CALLS)
            .await?
            .into_iter()
            .rev()
            .find_map(|session| session.recording_url);
        Ok(Some(HandedOffCall {
            app_slug: app.slug,
            session_id: handoff.session_id,
            handoff_id: handoff.id,
            handoff_status: handoff.status,
            reason: handoff.reason,
            ai_summary: handoff.ai_summary,
            priority: handoff.priority,
            transcript: handoff
                .transcript
                .into_iter()
                .map(|entry| CallTurn {
                    role: entry.role,
                    content: entry.content,
                })
                .collect(),
            recording_url,
        }))
    }

    /// The contact who made the call: the widget visitor a call of this session was made for,
    /// or else a new anonymous contact of the app's workspace.
    async fn caller_contact(
        &self,
        app: &model::platform::apps::App,
        session_id: &str,
        now: i64,
    ) -> Result<ContactRecord> {
        let sessions = self
            .store()
            .voice_sessions_of_conversation(&app.id, session_id, SESSION_CALLS)
            .await?;
        for customer_id in sessions.iter().filter_map(|s| s.customer_id.as_deref()) {
            if let Some(contact) = self.store().contact_by_id(customer_id).await?
                && contact.workspace_id == app.workspace_id
            {
                return Ok(contact);
            }
        }
        let contact = ContactRecord {
            id: new_id(),
            workspace_id: app.workspace_id.clone(),
            device_id: None,
            email: None,
            name: None,
            external_user_id: None,
            identity_verified: false,
            identity_verified_at: None,
            custom_attributes: Map::new(),
            device: None,
            location: None,
            first_seen_at: now,
            last_seen_at: now,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .insert_contact(&contact)
            .await
            .map_err(Error::from)?;
        Ok(contact)
    }
}

/// The internal note a handoff leaves in its conversation.
fn handoff_note(handoff: &HandoffRecord) -> String {
    let mut note = format!(
        "Handed off by the voice agent ({} priority): {}",
        handoff.priority, handoff.reason
    );
    if let Some(detail) = &handoff.reason_detail {
        note.push_str(&format!("\n{detail}"));
    }
    if let Some(summary) = &handoff.ai_summary {
        note.push_str(&format!("\nSummary: {summary}"));
    }
    note
}
