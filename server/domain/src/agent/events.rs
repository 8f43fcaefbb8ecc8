//! Telemetry events: validated batches, with the request's trace id.

use model::agent::conversations::EventQuery;
use model::agent::conversations::{
    Event, EventBatch, EventPage, MAX_BATCH_ITEMS, MAX_NAME_CHARS, MAX_TEXT_BYTES, NewEvent,
};
use model::platform::users::Permission;
use store::{EventFilter, EventRecord};

use crate::agent::Agent;
use crate::ids::new_id;
use crate::validation::{Checks, Paging, batch_items};
use crate::{Caller, Result};

impl Agent<'_> {
    /// Stores a batch of events, all or none, and answers how many.
    pub async fn record_events(
        &self,
        caller: &Caller,
        batch: EventBatch,
        trace_id: Option<String>,
    ) -> Result<usize> {
        caller.permit_agent(Permission::AppsRead)?;
        let mut checks = Checks::new();
        checks.text("sessionId", &batch.session_id, 1, MAX_NAME_CHARS);
        if let Some(trace) = &trace_id {
            checks.text("X-Trace-Id", trace, 1, MAX_NAME_CHARS);
        }
        let events: Vec<(usize, NewEvent)> =
            batch_items("events", batch.events, MAX_BATCH_ITEMS, &mut checks)?;
        for (index, event) in &events {
            checks.text(
                format!("events[{index}].eventType"),
                &event.event_type,
                1,
                MAX_NAME_CHARS,
            );
            if let Some(data) = &event.data {
                checks.bytes(
                    format!("events[{index}].data"),
                    &data.to_string(),
                    MAX_TEXT_BYTES,
                );
            }
        }
        checks.finish()?;
        self.claim_session(caller, &batch.session_id).await?;
        let now = self.now_ms();
        let records: Vec<EventRecord> = events
            .into_iter()
            .map(|(_, event)| EventRecord {
                id: new_id(),
                app_id: caller.app.id.clone(),
                session_id: batch.session_id.clone(),
                event_type: event.event_type,
                ts: event.ts,
                data: event.data,
                trace_id: trace_id.clone(),
                created_at: now,
            })
            .collect();
        self.store().insert_events(&records).await?;
        Ok(records.len())
    }

    /// The app's events, oldest first, a page at a time. Needs the app secret.
    pub async fn list_events(&self, caller: &Caller, query: EventQuery) -> Result<EventPage> {
        caller.require(Permission::ConversationsRead)?;
        let paging = Paging::new(query.cursor.as_deref(), query.limit, 100, 1_000)?;
        let filter = EventFilter {
            session_id: query.session_id,
            event_type: query.event_type,
            trace_id: query.trace_id,
            since: query.since,
            until: query.until,
        };
        let records = self
            .store()
            .list_events(&caller.app.id, &filter, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |e| (e.ts, e.id.as_str()));
        Ok(EventPage {
            events: records.into_iter().map(to_event).collect(),
            next_cursor,
        })
    }
}

pub(crate) fn to_event(record: EventRecord) -> Event {
    Event {
        id: record.id,
        session_id: record.session_id,
        event_type: record.event_type,
        ts: record.ts,
        data: record.data,
        trace_id: record.trace_id,
        created_at: record.created_at,
    }
}
