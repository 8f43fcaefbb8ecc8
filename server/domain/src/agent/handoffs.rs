//! Handoffs to humans: created with the conversation in one transaction, at most one open per
//! session, moved through a state machine, expired when nobody claims them in time. Each lands
//! in the desk's inbox, and follows its conversation there (`crate::bridge`).

use model::agent::conversations::{
    ConversationStatus, MAX_NAME_CHARS, MAX_TEXT_BYTES, MAX_TRANSCRIPT_ENTRIES,
};
use model::agent::handoffs::{
    CreateHandoff, Handoff, HandoffCreated, HandoffPage, HandoffPriority, HandoffStatus,
    ResolutionQuality, UpdateHandoff,
};
use model::platform::users::Permission;
use serde_json::Value;
use store::{
    ConversationRecord, HandoffCreation, HandoffRecord, StoreError, WebhookDeliveryRecord,
};

use crate::agent::Agent;
use crate::clock::iso8601;
use crate::ids::new_id;
use crate::platform::webhooks::new_delivery;
use crate::validation::{Checks, Paging};
use crate::{Caller, Error, Result, Services};

const MAX_CUSTOMER_DATA_BYTES: usize = 16 * 1024;

impl Agent<'_> {
    /// Creates a pending handoff and hands the conversation off (creating it if the agent has
    /// not saved one yet). A session with an open handoff gets that one back. A conversation
    /// that has ended cannot be handed off (409). Needs the app secret, or the call's agent for
    /// its own session.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn create_handoff(
        &self,
        caller: &Caller,
        input: CreateHandoff,
    ) -> Result<HandoffCreated> {
        caller.require_agent(Permission::HandoffsManage)?;
        check_create(&input)?;
        caller.require_own_session(&input.session_id)?;
        let now = self.now_ms();
        let app = &caller.app;
        let record = HandoffRecord {
            id: new_id(),
            app_id: app.id.clone(),
            session_id: input.session_id.clone(),
            channel: input.channel.unwrap_or_else(|| "web".to_owned()),
            reason: input.reason,
            reason_detail: input.reason_detail,
            status: HandoffStatus::Pending.as_str().to_owned(),
            priority: input
                .priority
                .unwrap_or(HandoffPriority::Normal)
                .as_str()
                .to_owned(),
            transcript: input.transcript.clone(),
            ai_summary: input.ai_summary,
            assigned_agent: None,
            customer_data: input.customer_data.map(Value::Object),
            necessity_score: None,
            resolution_quality: None,
            agent_feedback: None,
            created_at: now,
            claimed_at: None,
            resolved_at: None,
            expires_at: app
                .settings
                .handoff_expiration_seconds
                .map(|seconds| now + seconds * 1_000),
            updated_at: now,
        };
        let conversation = ConversationRecord {
            id: new_id(),
            app_id: app.id.clone(),
            session_id: input.session_id.clone(),
            channel: Some(record.channel.clone()),
            status: ConversationStatus::HandedOff.as_str().to_owned(),
            resolution: None,
            started_at: now,
            ended_at: None,
            handed_off_at: Some(now),
            message_count: input.transcript.len() as i64,
            transcript: Some(input.transcript),
            experiment_variant: None,
            created_at: now,
            updated_at: now,
        };
        let webhook = handoff_webhook(caller, "handoff.created", &record);
        let created = match self
            .store()
            .create_handoff(&record, &conversation, webhook.as_ref())
            .await
        {
            // A concurrent create won the one open slot of the session: answer with its handoff.
            Err(StoreError::UniqueViolation) => self
                .store()
                .latest_handoff_of_session(&app.id, &input.session_id)
                .await?
                .map(HandoffCreation::Existing)
                .ok_or(Error::Conflict(
                    "The handoff changed meanwhile; retry".to_owned(),
                ))?,
            other => other?,
        };
        match created {
            HandoffCreation::Created(record) => {
                if webhook.is_some() {
                    self.wake_webhook_worker();
                }
                self.land_handoff_in_inbox(app, &record).await?;
                self.publish_status(&app.id, &record.session_id, ConversationStatus::HandedOff)
                    .await;
                let handoff = to_handoff(record);
                Ok(HandoffCreated {
                    id: handoff.id.clone(),
                    existing: false,
                    handoff,
                })
            }
            HandoffCreation::Existing(record) => {
                // Lands it if an earlier attempt failed before it did.
                self.land_handoff_in_inbox(app, &record).await?;
                let handoff = to_handoff(record);
                Ok(HandoffCreated {
                    id: handoff.id.clone(),
                    existing: true,
                    handoff,
                })
            }
            HandoffCreation::ConversationEnded(status) => Err(Error::InvalidTransition {
                what: "conversation status",
                from: ConversationStatus::parse(&status)
                    .unwrap_or(ConversationStatus::Resolved)
                    .as_str(),
                to: ConversationStatus::HandedOff.as_str(),
            }),
        }
    }

    /// Claims or resolves a handoff, or records feedback on it. Resolving also resolves a
    /// conversation still handed off. Needs the app secret.
    pub async fn update_handoff(&self, caller: &Caller, input: UpdateHandoff) -> Result<Handoff> {
        caller.require(Permission::HandoffsManage)?;
        let mut checks = Checks::new();
        checks.optional_text(
            "assignedAgent",
            input.assigned_agent.as_deref(),
            MAX_NAME_CHARS,
        );
        checks.optional_text("agentFeedback", input.agent_feedback.as_deref(), 5_000);
        if let Some(score) = input.necessity_score
            && !(0.0..=1.0).contains(&score)
        {
            checks.fail("necessityScore", "must be between 0 and 1");
        }
        checks.finish()?;
        let current = self
            .store()
            .handoff(&caller.app.id, &input.handoff_id)
            .await?
            .ok_or(Error::NotFound("handoff"))?;
        let from = HandoffStatus::parse(&current.status).unwrap_or(HandoffStatus::Expired);
        let to = input.status;
        // Only the expiry job expires handoffs.
        if !from.can_become(to) || (to == HandoffStatus::Expired && from != HandoffStatus::Expired)
        {
            return Err(Error::InvalidTransition {
                what: "handoff status",
                from: from.as_str(),
                to: to.as_str(),
            });
        }
        let now = self.now_ms();
        let record = HandoffRecord {
            status: to.as_str().to_owned(),
            assigned_agent: input.assigned_agent.or(current.assigned_agent.clone()),
            necessity_score: input.necessity_score.or(current.necessity_score),
            resolution_quality: input
                .resolution_quality
                .map(|q| q.as_str().to_owned())
                .or(current.resolution_quality.clone()),
            agent_feedback: input.agent_feedback.or(current.agent_feedback.clone()),
            claimed_at: match to {
                HandoffStatus::Claimed => current.claimed_at.or(Some(now)),
                _ => current.claimed_at,
            },
            resolved_at: match to {
                HandoffStatus::Resolved => current.resolved_at.or(Some(now)),
                _ => current.resolved_at,
            },
            updated_at: now,
            ..current
        };
        let webhook = match to {
            _ if to == from => None,
            HandoffStatus::Claimed => handoff_webhook(caller, "handoff.claimed", &record),
            HandoffStatus::Resolved => handoff_webhook(caller, "handoff.resolved", &record),
            HandoffStatus::Pending | HandoffStatus::Expired => None,
        };
        if !self
            .store()
            .update_handoff_if(&record, from.as_str(), webhook.as_ref())
            .await?
        {
            return Err(Error::Conflict(
                "The handoff changed meanwhile; reload it".to_owned(),
            ));
        }
        if webhook.is_some() {
            self.wake_webhook_worker();
        }
        if to == HandoffStatus::Resolved && from != HandoffStatus::Resolved {
            self.resolve_handed_off_conversation(caller, &record.session_id)
                .await?;
        }
        if to != from {
            self.follow_handoff_in_inbox(&record).await?;
        }
        let decision = match to {
            _ if to == from => None,
            HandoffStatus::Claimed => Some("handoff.claimed"),
            HandoffStatus::Resolved => Some("handoff.resolved"),
            HandoffStatus::Pending | HandoffStatus::Expired => None,
        };
        if let Some(action) = decision {
            let details = serde_json::json!({
                "assignedAgent": record.assigned_agent,
                "resolutionQuality": record.resolution_quality,
            });
            self.audit_change(
                caller,
                action,
                "handoff",
                Some(record.id.clone()),
                Some(details),
            )
            .await?;
        }
        Ok(to_handoff(record))
    }

    /// The app's handoffs, newest first, optionally of one status. Needs the app secret.
    pub async fn list_handoffs(
        &self,
        caller: &Caller,
        status: Option<HandoffStatus>,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<HandoffPage> {
        caller.require(Permission::ConversationsRead)?;
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let records = self
            .store()
            .list_handoffs(
                &caller.app.id,
                status.map(HandoffStatus::as_str),
                paging.after(),
                paging.fetch(),
            )
            .await?;
        let (records, next_cursor) = paging.page(records, |h| (h.created_at, h.id.as_str()));
        Ok(HandoffPage {
            handoffs: records.into_iter().map(to_handoff).collect(),
            next_cursor,
        })
    }

    /// Expires pending handoffs past their deadline; run periodically. Returns how many.
    pub async fn expire_handoffs(&self) -> Result<u64> {
        Ok(self.store().expire_handoffs(self.now_ms()).await?.len() as u64)
    }
}

impl Services {
    async fn resolve_handed_off_conversation(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<()> {
        let Some(conversation) = self
            .store()
            .conversation_by_session(&caller.app.id, session_id)
            .await?
        else {
            return Ok(());
        };
        if conversation.status != ConversationStatus::HandedOff.as_str() {
            return Ok(());
        }
        let now = self.now_ms();
        let resolved = ConversationRecord {
            status: ConversationStatus::Resolved.as_str().to_owned(),
            resolution: conversation
                .resolution
                .clone()
                .or_else(|| Some("handoff_resolved".to_owned())),
            ended_at: conversation.ended_at.or(Some(now)),
            updated_at: now,
            ..conversation
        };
        // Lost to a concurrent change of the conversation: that change stands.
        if self
            .store()
            .update_conversation_if(&resolved, ConversationStatus::HandedOff.as_str())
            .await?
        {
            self.publish_status(&caller.app.id, session_id, ConversationStatus::Resolved)
                .await;
        }
        Ok(())
    }
}

/// The app's handoff webhook for `event`, in seed 000's shape (plus status and assignee), if
/// the app has a webhook URL.
fn handoff_webhook(
    caller: &Caller,
    event: &str,
    handoff: &HandoffRecord,
) -> Option<WebhookDeliveryRecord> {
    let url = caller.app.settings.handoff_webhook_url.as_deref()?;
    let payload = serde_json::json!({
        "event": event,
        "handoffId": handoff.id,
        "appSlug": caller.app.slug,
        "sessionId": handoff.session_id,
        "reason": handoff.reason,
        "priority": handoff.priority,
        "status": handoff.status,
        "assignedAgent": handoff.assigned_agent,
        "timestamp": iso8601(handoff.updated_at),
    });
    Some(new_delivery(
        &caller.app.id,
        event,
        url,
        payload,
        handoff.updated_at,
    ))
}

fn check_create(input: &CreateHandoff) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("sessionId", &input.session_id, 1, MAX_NAME_CHARS);
    checks.text("reason", input.reason.trim(), 1, MAX_NAME_CHARS);
    checks.optional_text("channel", input.channel.as_deref(), MAX_NAME_CHARS);
    checks.optional_text("reasonDetail", input.reason_detail.as_deref(), 5_000);
    if let Some(summary) = &input.ai_summary {
        checks.bytes("aiSummary", summary, MAX_TEXT_BYTES);
    }
    if input.transcript.len() > MAX_TRANSCRIPT_ENTRIES {
        checks.fail(
            "transcript",
            format!("must hold at most {MAX_TRANSCRIPT_ENTRIES} entries"),
        );
    }
    for (index, entry) in input.transcript.iter().enumerate() {
        checks.bytes(
            format!("transcript[{index}].content"),
            &entry.content,
            MAX_TEXT_BYTES,
        );
    }
    if let Some(data) = &input.customer_data
        && serde_json::to_string(data).map_or(0, |s| s.len()) > MAX_CUSTOMER_DATA_BYTES
    {
        checks.fail(
            "customerData",
            format!("must be at most {MAX_CUSTOMER_DATA_BYTES} bytes of JSON"),
        );
    }
    checks.finish()
}

pub(crate) fn to_handoff(record: HandoffRecord) -> Handoff {
    Handoff {
        status: HandoffStatus::parse(&record.status).unwrap_or(HandoffStatus::Expired),
        priority: HandoffPriority::parse(&record.priority).unwrap_or(HandoffPriority::Normal),
        resolution_quality: record
            .resolution_quality
            .as_deref()
            .and_then(ResolutionQuality::parse),
        id: record.id,
        session_id: record.session_id,
        channel: record.channel,
        reason: record.reason,
        reason_detail: record.reason_detail,
        transcript: record.transcript,
        ai_summary: record.ai_summary,
        assigned_agent: record.assigned_agent,
        customer_data: record.customer_data,
        necessity_score: record.necessity_score,
        agent_feedback: record.agent_feedback,
        created_at: record.created_at,
        claimed_at: record.claimed_at,
        resolved_at: record.resolved_at,
        expires_at: record.expires_at,
        updated_at: record.updated_at,
    }
}
