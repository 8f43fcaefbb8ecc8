//! The search log and the knowledge gaps it reveals.

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct SearchLogRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: Option<String>,
    pub query: String,
    pub mode: String,
    pub top_score: f64,
    pub result_count: i64,
    pub gap: bool,
    pub embed_us: i64,
    pub retrieval_us: i64,
    pub trace_id: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct SearchTotals {
    pub searches: i64,
    pub gaps: i64,
    pub empty: i64,
    pub avg_top_score: Option<f64>,
    pub avg_embed_us: Option<f64>,
    pub avg_retrieval_us: Option<f64>,
    pub max_retrieval_us: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct GapRecord {
    pub id: String,
    pub app_id: String,
    pub query: String,
    pub normalized_query: String,
    pub occurrences: i64,
    pub last_top_score: f64,
    #[sqlx(json)]
    pub example_sessions: Vec<String>,
    pub status: String,
    pub document_id: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

const GAP_COLUMNS: &str = "id, app_id, query, normalized_query, occurrences, last_top_score, \
    example_sessions, status, document_id, resolved_by, resolved_at, first_seen_at, last_seen_at";

/// Gaps keep this many example sessions.
pub const MAX_GAP_EXAMPLES: i64 = 5;

impl Store {
    pub async fn record_knowledge_search(&self, record: &SearchLogRecord) -> StoreResult<()> {
        let r = record;
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO knowledge_searches (id, app_id, session_id, query, mode, top_score, \
             result_count, gap, embed_us, retrieval_us, trace_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&r.id)
        .bind(&r.app_id)
        .bind(&r.session_id)
        .bind(&r.query)
        .bind(&r.mode)
        .bind(r.top_score)
        .bind(r.result_count)
        .bind(r.gap)
        .bind(r.embed_us)
        .bind(r.retrieval_us)
        .bind(&r.trace_id)
        .bind(r.created_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Counts searches created in `[since, until)`.
    pub async fn knowledge_search_totals(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
    ) -> StoreResult<SearchTotals> {
        // SUM of integers is NUMERIC on PostgreSQL: cast back.
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, SearchTotals>(
            "SELECT COUNT(*) AS searches, \
             CAST(COALESCE(SUM(CASE WHEN gap THEN 1 ELSE 0 END), 0) AS BIGINT) AS gaps, \
             CAST(COALESCE(SUM(CASE WHEN result_count = 0 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             AS empty, AVG(top_score) AS avg_top_score, \
             AVG(CAST(embed_us AS DOUBLE PRECISION)) AS avg_embed_us, \
             AVG(CAST(retrieval_us AS DOUBLE PRECISION)) AS avg_retrieval_us, \
             MAX(retrieval_us) AS max_retrieval_us FROM knowledge_searches \
             WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_one(pool)
        .await)?,
        )
    }

    /// Counts a failed search under its normalised query: a new open gap, or one more
    /// occurrence of the existing one (reopened if it had been resolved; dismissed stays
    /// dismissed), remembering up to [`MAX_GAP_EXAMPLES`] sessions. One atomic statement.
    pub async fn record_knowledge_gap(
        &self,
        gap: &GapRecord,
        session_id: Option<&str>,
    ) -> StoreResult<GapRecord> {
        // Adding to a JSON array differs by dialect.
        let add_session = match self {
            Store::Sqlite(..) => {
                "CASE WHEN $14 IS NULL \
                 OR json_array_length(knowledge_gaps.example_sessions) >= $15 \
                 OR EXISTS (SELECT 1 FROM json_each(knowledge_gaps.example_sessions) \
                 WHERE value = $14) THEN knowledge_gaps.example_sessions \
                 ELSE json_insert(knowledge_gaps.example_sessions, '$[#]', $14) END"
            }
            Store::Postgres(_) => {
                "CASE WHEN $14::text IS NULL \
                 OR jsonb_array_length(knowledge_gaps.example_sessions) >= $15 \
                 OR knowledge_gaps.example_sessions ? $14::text \
                 THEN knowledge_gaps.example_sessions \
                 ELSE knowledge_gaps.example_sessions || jsonb_build_array($14::text) END"
            }
        };
        let sql = format!(
            "INSERT INTO knowledge_gaps ({GAP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13) ON CONFLICT (app_id, normalized_query) DO UPDATE SET \
             occurrences = knowledge_gaps.occurrences + 1, \
             last_top_score = excluded.last_top_score, last_seen_at = excluded.last_seen_at, \
             example_sessions = {add_session}, \
             status = CASE WHEN knowledge_gaps.status = 'resolved' THEN 'open' \
             ELSE knowledge_gaps.status END, \
             resolved_at = CASE WHEN knowledge_gaps.status = 'resolved' THEN NULL \
             ELSE knowledge_gaps.resolved_at END \
             RETURNING {GAP_COLUMNS}"
        );
        let g = gap;
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(&g.id)
            .bind(&g.app_id)
            .bind(&g.query)
            .bind(&g.normalized_query)
            .bind(g.occurrences)
            .bind(g.last_top_score)
            .bind(Json(&g.example_sessions))
            .bind(&g.status)
            .bind(&g.document_id)
            .bind(&g.resolved_by)
            .bind(g.resolved_at)
            .bind(g.first_seen_at)
            .bind(g.last_seen_at)
            .bind(session_id)
            .bind(MAX_GAP_EXAMPLES)
            .fetch_one(pool)
            .await)?)
    }

    /// An app's gaps (of one status, or all), most recently seen first, after the cursor.
    pub async fn list_knowledge_gaps(
        &self,
        app_id: &str,
        status: Option<&str>,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<GapRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {GAP_COLUMNS} FROM knowledge_gaps WHERE app_id = $1 \
             AND ($2 IS NULL OR status = $2) \
             AND (last_seen_at < $3 OR (last_seen_at = $3 AND id < $4)) \
             ORDER BY last_seen_at DESC, id DESC LIMIT $5"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(app_id)
            .bind(status)
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }

    /// Sets a gap's status (and who resolved it, with which document); `None` if the app has no
    /// such gap.
    pub async fn set_knowledge_gap_status(
        &self,
        app_id: &str,
        id: &str,
        status: &str,
        document_id: Option<&str>,
        resolved_by: Option<&str>,
        at: Option<i64>,
    ) -> StoreResult<Option<GapRecord>> {
        let sql = format!(
            "UPDATE knowledge_gaps SET status = $3, document_id = $4, resolved_by = $5, \
             resolved_at = $6 WHERE app_id = $1 AND id = $2 RETURNING {GAP_COLUMNS}"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, GapRecord>(&sql)
            .bind(app_id)
            .bind(id)
            .bind(status)
            .bind(document_id)
            .bind(resolved_by)
            .bind(at)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn open_knowledge_gaps(&self, app_id: &str) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM knowledge_gaps WHERE app_id = $1 AND status = 'open'",
        )
        .bind(app_id)
        .fetch_one(pool)
        .await)?)
    }
}
