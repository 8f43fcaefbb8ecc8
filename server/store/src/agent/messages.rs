//! Transcription messages: idempotent batch writes keyed by (app, session, dedupe key).

use sqlx::QueryBuilder;

use crate::{Store, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct MessageRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub room_name: Option<String>,
    pub participant_identity: String,
    pub role: String,
    pub content: String,
    pub is_final: bool,
    pub language: Option<String>,
    pub created_at: i64,
    pub segment_id: Option<String>,
    pub dedupe_key: String,
    pub trace_id: Option<String>,
    pub updated_at: i64,
}

const MESSAGE_COLUMNS: &str = "id, app_id, session_id, room_name, participant_identity, role, \
    content, is_final, language, created_at, segment_id, dedupe_key, trace_id, updated_at";

impl Store {
    /// Writes a batch in one statement and returns the rows it inserted or changed.
    ///
    /// A message whose (app, session, dedupe key) exists replaces the stored one only while that
    /// is interim: an interim segment becomes final, a final one never goes back. The batch must
    /// not repeat a key (the caller keeps the last of each).
    pub async fn upsert_messages(
        &self,
        messages: &[MessageRecord],
    ) -> StoreResult<Vec<MessageRecord>> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let changed = on_pool!(self, pool => {
            let mut upsert =
                QueryBuilder::new(format!("INSERT INTO messages ({MESSAGE_COLUMNS}) "));
            upsert.push_values(messages, |mut row, message| {
                row.push_bind(&message.id)
                    .push_bind(&message.app_id)
                    .push_bind(&message.session_id)
                    .push_bind(&message.room_name)
                    .push_bind(&message.participant_identity)
                    .push_bind(&message.role)
                    .push_bind(&message.content)
                    .push_bind(message.is_final)
                    .push_bind(&message.language)
                    .push_bind(message.created_at)
                    .push_bind(&message.segment_id)
                    .push_bind(&message.dedupe_key)
                    .push_bind(&message.trace_id)
                    .push_bind(message.updated_at);
            });
            upsert.push(format!(
                " ON CONFLICT (app_id, session_id, dedupe_key) DO UPDATE SET \
                 room_name = COALESCE(excluded.room_name, messages.room_name), \
                 participant_identity = excluded.participant_identity, role = excluded.role, \
                 content = excluded.content, is_final = excluded.is_final, \
                 language = COALESCE(excluded.language, messages.language), \
                 created_at = excluded.created_at, trace_id = excluded.trace_id, \
                 updated_at = excluded.updated_at \
                 WHERE NOT messages.is_final RETURNING {MESSAGE_COLUMNS}"
            ));
            upsert.build_query_as::<MessageRecord>().fetch_all(pool).await
        })?;
        Ok(changed)
    }

    /// A session's messages in speaking order.
    pub async fn list_messages(
        &self,
        app_id: &str,
        session_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE app_id = $1 AND session_id = $2 \
             ORDER BY created_at, id LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, MessageRecord>(&sql)
            .bind(app_id)
            .bind(session_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Messages by id (for relaying another instance's writes to live streams).
    pub async fn messages_by_ids(&self, ids: &[String]) -> StoreResult<Vec<MessageRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(on_pool!(self, pool => {
            let mut select = QueryBuilder::new(format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id IN ("
            ));
            let mut list = select.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            select.push(") ORDER BY created_at, id");
            select.build_query_as::<MessageRecord>().fetch_all(pool).await
        })?)
    }

    pub async fn count_messages(&self, app_id: &str) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM messages WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_one(pool)
        .await)?)
    }
}
