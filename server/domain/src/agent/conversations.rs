//! Conversations: upserted by (app, session) through an explicit status machine.

use model::agent::conversations::ConversationQuery;
use model::agent::conversations::{
    Conversation, ConversationDetail, ConversationPage, ConversationStatus, MAX_NAME_CHARS,
    MAX_TEXT_BYTES, MAX_TRANSCRIPT_ENTRIES, SaveConversation,
};
use model::platform::users::Permission;
use store::{
    ConversationFilter, ConversationRecord, EventFilter, ExecutionFilter, StoreError,
    ViolationFilter,
};

use crate::agent::Agent;
use crate::agent::csat::to_rating;
use crate::agent::events::to_event;
use crate::agent::guardrails::to_violation;
use crate::agent::handoffs::to_handoff;
use crate::agent::tools::to_execution;
use crate::ids::new_id;
use crate::validation::{Checks, Paging};
use crate::{Caller, Error, Result, Services};

/// Attempts at a save that races with another writer of the same conversation.
const SAVE_ATTEMPTS: usize = 5;
/// Events shown with one conversation.
const DETAIL_EVENTS: i64 = 1_000;
/// Tool calls and violations shown with one conversation.
const DETAIL_RECORDS: i64 = 200;

impl Agent<'_> {
    /// Creates or updates the conversation of `sessionId`.
    ///
    /// On creation the status defaults to `active` and every given field is kept (resolution
    /// included). On update only the given fields change: an absent transcript is kept, the
    /// status must be a legal transition (409 `INVALID_TRANSITION` otherwise), and `endedAt` is
    /// set once, when the conversation ends.
    pub async fn save_conversation(
        &self,
        caller: &Caller,
        input: SaveConversation,
    ) -> Result<Conversation> {
        caller.permit_agent(Permission::AppsRead)?;
        check_save(&input)?;
        self.claim_session(caller, &input.session_id).await?;
        for _ in 0..SAVE_ATTEMPTS {
            let existing = self
                .store()
                .conversation_by_session(&caller.app.id, &input.session_id)
                .await?;
            let now = self.now_ms();
            let (record, previous) = match existing {
                None => {
                    let mut record = new_conversation(&caller.app.id, &input, now);
                    // A session assigned a variant before its conversation began.
                    record.experiment_variant = self
                        .store()
                        .latest_variant_of_session(&caller.app.id, &input.session_id)
                        .await?;
                    (record, None)
                }
                Some(current) => {
                    let previous = status_of(&current);
                    (changed_conversation(current, &input, now)?, Some(previous))
                }
            };
            let written = match previous {
                None => match self.store().insert_conversation(&record).await {
                    Ok(()) => true,
                    // Created meanwhile by a concurrent save: apply this one as an update.
                    Err(StoreError::UniqueViolation) => false,
                    Err(err) => return Err(err.into()),
                },
                Some(previous) => {
                    self.store()
                        .update_conversation_if(&record, previous.as_str())
                        .await?
                }
            };
            if written {
                let conversation = to_conversation(record);
                if previous != Some(conversation.status) {
                    self.publish_status(
                        &caller.app.id,
                        &conversation.session_id,
                        conversation.status,
                    )
                    .await;
                }
                return Ok(conversation);
            }
        }
        Err(Error::Conflict(
            "The conversation is being changed by another request; retry".to_owned(),
        ))
    }

    /// The app's conversations, newest first, a page at a time. Needs the app secret.
    pub async fn list_conversations(
        &self,
        caller: &Caller,
        query: ConversationQuery,
    ) -> Result<ConversationPage> {
        caller.require(Permission::ConversationsRead)?;
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 50, 200)?;
        let filter = ConversationFilter {
            status: query.status.map(|s| s.as_str().to_owned()),
            channel: query.channel,
            variant: query.variant,
            since: query.since,
            until: query.until,
        };
        let records = self
            .store()
            .list_conversations(&caller.app.id, &filter, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |c| (c.started_at, c.id.as_str()));
        Ok(ConversationPage {
            conversations: records.into_iter().map(to_conversation).collect(),
            next_cursor,
        })
    }

    /// One conversation with its messages, events, tool calls, violations, handoff and CSAT
    /// rating. Needs the app secret.
    pub async fn conversation_detail(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<ConversationDetail> {
        caller.require(Permission::ConversationsRead)?;
        let app_id = &caller.app.id;
        let record = self
            .store()
            .conversation_by_session(app_id, session_id)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        let messages = self.session_messages(app_id, session_id).await?;
        let events = self
            .store()
            .list_events(
                app_id,
                &EventFilter {
                    session_id: Some(session_id.to_owned()),
                    ..EventFilter::default()
                },
                None,
                DETAIL_EVENTS,
            )
            .await?;
        let csat = self.store().csat_by_session(app_id, session_id).await?;
        let handoff = self
            .store()
            .latest_handoff_of_session(app_id, session_id)
            .await?;
        let executions = self
            .store()
            .list_tool_executions(
                app_id,
                &ExecutionFilter {
                    session_id: Some(session_id.to_owned()),
                    ..ExecutionFilter::default()
                },
                None,
                DETAIL_RECORDS,
            )
            .await?;
        let violations = self
            .store()
            .list_violations(
                app_id,
                &ViolationFilter {
                    session_id: Some(session_id.to_owned()),
                    ..ViolationFilter::default()
                },
                None,
                DETAIL_RECORDS,
            )
            .await?;
        Ok(ConversationDetail {
            conversation: to_conversation(record),
            messages,
            events: events.into_iter().map(to_event).collect(),
            csat: csat.map(to_rating),
            tool_executions: executions.into_iter().map(to_execution).collect(),
            violations: violations.into_iter().filter_map(to_violation).collect(),
            handoff: handoff.map(to_handoff),
        })
    }
}

impl Services {
    /// Lets a session token write only to the sessions it started: the first write for a
    /// session id binds it to the token, and other tokens of the app get 403. App secrets (the
    /// customer's own server) write to any session.
    pub(crate) async fn claim_session(&self, caller: &Caller, session_id: &str) -> Result<()> {
        caller.require_own_session(session_id)?;
        let Some(token_hash) = caller.session_token_hash() else {
            return Ok(());
        };
        let bound = self
            .store()
            .bind_session(&caller.app.id, session_id, token_hash, self.now_ms())
            .await?;
        if bound == token_hash {
            Ok(())
        } else {
            Err(Error::PermissionDenied(format!(
                "Session {session_id:?} was started with another session token"
            )))
        }
    }
}

fn check_save(input: &SaveConversation) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
    checks.optional_text("channel", input.channel.as_deref(), MAX_NAME_CHARS);
    checks.optional_text("resolution", input.resolution.as_deref(), MAX_NAME_CHARS);
    if let Some(messages) = &input.messages {
        if messages.len() > MAX_TRANSCRIPT_ENTRIES {
            checks.fail(
                "messages",
                format!("must hold at most {MAX_TRANSCRIPT_ENTRIES} entries"),
            );
        }
        for (index, entry) in messages.iter().enumerate() {
            checks.text(
                format!("messages[{index}].role"),
                &entry.role,
                1,
                MAX_NAME_CHARS,
            );
            checks.bytes(
                format!("messages[{index}].content"),
                &entry.content,
                MAX_TEXT_BYTES,
            );
        }
    }
    checks.finish()
}

fn new_conversation(app_id: &str, input: &SaveConversation, now: i64) -> ConversationRecord {
    let status = input.status.unwrap_or(ConversationStatus::Active);
    let transcript = input.messages.clone().unwrap_or_default();
    ConversationRecord {
        id: new_id(),
        app_id: app_id.to_owned(),
        session_id: input.session_id.clone(),
        channel: input.channel.clone(),
        status: status.as_str().to_owned(),
        resolution: input.resolution.clone(),
        started_at: input.started_at.unwrap_or(now),
        ended_at: status.is_ended().then_some(now),
        handed_off_at: (status == ConversationStatus::HandedOff).then_some(now),
        message_count: transcript.len() as i64,
        transcript: Some(transcript),
        experiment_variant: None,
        created_at: now,
        updated_at: now,
    }
}

fn changed_conversation(
    current: ConversationRecord,
    input: &SaveConversation,
    now: i64,
) -> Result<ConversationRecord> {
    let from = status_of(&current);
    let to = input.status.unwrap_or(from);
    if !from.can_become(to) {
        return Err(Error::InvalidTransition {
            what: "conversation status",
            from: from.as_str(),
            to: to.as_str(),
        });
    }
    let (transcript, message_count) = match &input.messages {
        Some(messages) => (Some(messages.clone()), messages.len() as i64),
        None => (current.transcript.clone(), current.message_count),
    };
    Ok(ConversationRecord {
        channel: input.channel.clone().or(current.channel.clone()),
        status: to.as_str().to_owned(),
        resolution: input.resolution.clone().or(current.resolution.clone()),
        ended_at: if to.is_ended() && !from.is_ended() {
            Some(now)
        } else {
            current.ended_at
        },
        handed_off_at: match to {
            ConversationStatus::HandedOff => current.handed_off_at.or(Some(now)),
            _ => current.handed_off_at,
        },
        transcript,
        message_count,
        updated_at: now,
        ..current
    })
}

/// Rows are only written through this module, so an unknown status cannot occur; `active`
/// is the harmless reading if one did.
fn status_of(record: &ConversationRecord) -> ConversationStatus {
    ConversationStatus::parse(&record.status).unwrap_or(ConversationStatus::Active)
}

pub(crate) fn to_conversation(record: ConversationRecord) -> Conversation {
    Conversation {
        status: status_of(&record),
        id: record.id,
        session_id: record.session_id,
        channel: record.channel,
        resolution: record.resolution,
        started_at: record.started_at,
        ended_at: record.ended_at,
        handed_off_at: record.handed_off_at,
        message_count: record.message_count,
        transcript: record.transcript.unwrap_or_default(),
        experiment_variant: record.experiment_variant,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}
