//! Transcription messages: idempotent batches, read back in speaking order, announced live.

use std::collections::{BTreeSet, HashMap};

use model::agent::conversations::{
    MAX_BATCH_ITEMS, MAX_NAME_CHARS, MAX_TEXT_BYTES, Message, MessageBatch, MessageRole, NewMessage,
};
use model::platform::users::Permission;
use sha2::{Digest, Sha256};
use store::MessageRecord;

use crate::agent::Agent;
use crate::ids::new_id;
use crate::validation::{Checks, batch_items};
use crate::{Caller, Error, Result, Services};

/// Most messages one read returns; a call's transcript stays well under it.
const MAX_MESSAGES_READ: i64 = 10_000;

impl Agent<'_> {
    /// Stores a batch of messages and answers how many were accepted. Idempotent: a message
    /// with a known `segmentId` replaces its interim version; one without is recognised by its
    /// speaker, time and text, so a retried batch never duplicates.
    #[tracing::instrument(target = "domain::calls", level = "debug", skip_all)]
    pub async fn store_messages(
        &self,
        caller: &Caller,
        batch: MessageBatch,
        trace_id: Option<String>,
    ) -> Result<usize> {
        caller.permit_agent(Permission::AppsRead)?;
        if batch.messages.is_empty() {
            return Err(Error::Invalid("Missing or empty messages array".to_owned()));
        }
        let mut checks = Checks::new();
        if let Some(trace) = &trace_id {
            checks.text("X-Trace-Id", trace, 1, MAX_NAME_CHARS);
        }
        let messages: Vec<(usize, NewMessage)> =
            batch_items("messages", batch.messages, MAX_BATCH_ITEMS, &mut checks)?;
        for (index, message) in &messages {
            let field = |name: &str| format!("messages[{index}].{name}");
            checks.text(field("sessionId"), &message.session_id, 1, MAX_NAME_CHARS);
            checks.text(
                field("participantIdentity"),
                &message.participant_identity,
                1,
                MAX_NAME_CHARS,
            );
            checks.bytes(field("content"), &message.content, MAX_TEXT_BYTES);
            checks.optional_text(
                field("roomName"),
                message.room_name.as_deref(),
                MAX_NAME_CHARS,
            );
            checks.optional_text(field("language"), message.language.as_deref(), 35);
            checks.optional_text(
                field("segmentId"),
                message.segment_id.as_deref(),
                MAX_NAME_CHARS,
            );
        }
        checks.finish()?;
        let sessions: BTreeSet<&str> = messages
            .iter()
            .map(|(_, message)| message.session_id.as_str())
            .collect();
        for session_id in sessions {
            self.claim_session(caller, session_id).await?;
        }

        let accepted = messages.len();
        let now = self.now_ms();
        // One row per key: within a batch the last version of a message wins.
        let mut rows: Vec<MessageRecord> = Vec::with_capacity(accepted);
        let mut position: HashMap<(String, String), usize> = HashMap::new();
        for (_, message) in messages {
            let record = MessageRecord {
                id: new_id(),
                app_id: caller.app.id.clone(),
                dedupe_key: dedupe_key(&message),
                session_id: message.session_id,
                room_name: message.room_name,
                participant_identity: message.participant_identity,
                role: message.role.as_str().to_owned(),
                content: message.content,
                is_final: message.is_final,
                language: message.language,
                created_at: message.created_at,
                segment_id: message.segment_id,
                trace_id: trace_id.clone(),
                updated_at: now,
            };
            let key = (record.session_id.clone(), record.dedupe_key.clone());
            match position.get(&key) {
                Some(&at) => rows[at] = record,
                None => {
                    position.insert(key, rows.len());
                    rows.push(record);
                }
            }
        }
        let changed = self.store().upsert_messages(&rows).await?;
        self.publish_messages(&caller.app.id, &changed).await;
        Ok(accepted)
    }

    /// A session's messages, final and interim, in speaking order. Needs the app secret.
    pub async fn list_messages(&self, caller: &Caller, session_id: &str) -> Result<Vec<Message>> {
        caller.require(Permission::ConversationsRead)?;
        self.session_messages(&caller.app.id, session_id).await
    }
}

impl Services {
    pub(crate) async fn session_messages(
        &self,
        app_id: &str,
        session_id: &str,
    ) -> Result<Vec<Message>> {
        let records = self
            .store()
            .list_messages(app_id, session_id, MAX_MESSAGES_READ)
            .await?;
        Ok(records.into_iter().map(to_message).collect())
    }
}

/// `seg:<segment id>`, or a digest of who said what when.
fn dedupe_key(message: &NewMessage) -> String {
    if let Some(segment) = &message.segment_id {
        return format!("seg:{segment}");
    }
    let mut digest = Sha256::new();
    for part in [
        message.participant_identity.as_bytes(),
        message.role.as_str().as_bytes(),
        message.created_at.to_string().as_bytes(),
        message.content.as_bytes(),
    ] {
        // Length-prefixed, so no two different messages share an input.
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    format!("sha:{:x}", digest.finalize())
}

pub(crate) fn to_message(record: MessageRecord) -> Message {
    Message {
        id: record.id,
        session_id: record.session_id,
        room_name: record.room_name,
        participant_identity: record.participant_identity,
        role: MessageRole::parse(&record.role).unwrap_or(MessageRole::User),
        content: record.content,
        is_final: record.is_final,
        language: record.language,
        created_at: record.created_at,
        segment_id: record.segment_id,
        trace_id: record.trace_id,
        updated_at: record.updated_at,
    }
}
