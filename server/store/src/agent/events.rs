//! Telemetry events, written in batches.

use serde_json::Value;
use sqlx::QueryBuilder;
use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct EventRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub event_type: String,
    pub ts: i64,
    #[sqlx(json(nullable))]
    pub data: Option<Value>,
    pub trace_id: Option<String>,
    pub created_at: i64,
}

const EVENT_COLUMNS: &str = "id, app_id, session_id, event_type, ts, data, trace_id, created_at";

/// One event, for writes that add one inside a transaction of their own.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO events (id, app_id, session_id, event_type, \
     ts, data, trace_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

macro_rules! bind_event {
    ($query:expr, $e:expr) => {
        $query
            .bind(&$e.id)
            .bind(&$e.app_id)
            .bind(&$e.session_id)
            .bind(&$e.event_type)
            .bind($e.ts)
            .bind($e.data.as_ref().map(sqlx::types::Json))
            .bind(&$e.trace_id)
            .bind($e.created_at)
    };
}
pub(crate) use bind_event;

/// Which events a listing returns; times are on `ts`.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub session_id: Option<String>,
    pub event_type: Option<String>,
    pub trace_id: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Store {
    /// Inserts a batch in one statement: all rows or none.
    pub async fn insert_events(&self, events: &[EventRecord]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        on_pool!(self, pool => {
            let mut insert = QueryBuilder::new(format!("INSERT INTO events ({EVENT_COLUMNS}) "));
            insert.push_values(events, |mut row, event| {
                row.push_bind(&event.id)
                    .push_bind(&event.app_id)
                    .push_bind(&event.session_id)
                    .push_bind(&event.event_type)
                    .push_bind(event.ts)
                    .push_bind(event.data.as_ref().map(Json))
                    .push_bind(&event.trace_id)
                    .push_bind(event.created_at);
            });
            insert.build().execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// An app's events, oldest first, strictly after the cursor (`ts`, `id`).
    pub async fn list_events(
        &self,
        app_id: &str,
        filter: &EventFilter,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<EventRecord>> {
        let (after_ts, after_id) = after.unwrap_or((i64::MIN, ""));
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE app_id = $1 \
             AND ($2 IS NULL OR session_id = $2) AND ($3 IS NULL OR event_type = $3) \
             AND ($4 IS NULL OR trace_id = $4) AND ts >= $5 AND ts < $6 \
             AND (ts > $7 OR (ts = $7 AND id > $8)) \
             ORDER BY ts, id LIMIT $9"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, EventRecord>(&sql)
            .bind(app_id)
            .bind(&filter.session_id)
            .bind(&filter.event_type)
            .bind(&filter.trace_id)
            .bind(filter.since.unwrap_or(i64::MIN))
            .bind(filter.until.unwrap_or(i64::MAX))
            .bind(after_ts)
            .bind(after_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}
