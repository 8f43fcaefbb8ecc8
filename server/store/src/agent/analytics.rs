//! Analytics as SQL aggregates over time windows (never loading tables), and daily insights.

use std::collections::BTreeMap;

use serde_json::Value;
use sqlx::types::Json;

use crate::{Store, StoreResult, on_pool, on_read_pool};

/// Conversation aggregates of a window on `started_at`.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct ConversationTotals {
    pub total: i64,
    pub resolved: i64,
    /// Conversations that have ended (resolved or abandoned).
    pub ended: i64,
    /// Σ (endedAt − startedAt) over ended conversations.
    pub duration_sum_ms: i64,
    /// Conversations that had at least one handoff.
    pub handed_off: i64,
    pub recent: i64,
}

/// Handoff aggregates of a window on `created_at`.
#[derive(Clone, Debug, Default, PartialEq, sqlx::FromRow)]
pub struct HandoffTotals {
    pub total: i64,
    pub pending: i64,
    pub recent: i64,
}

/// One tool's executions in a window.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ToolUsage {
    pub tool_name: String,
    pub executions: i64,
    pub successes: i64,
}

/// Everything the overview reads, for one app and window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowTotals {
    pub conversations: ConversationTotals,
    pub handoffs: HandoffTotals,
    pub csat_ratings: i64,
    pub avg_csat: Option<f64>,
    pub tools: Vec<ToolUsage>,
    pub violations: i64,
}

/// One bucket of a timeseries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bucket {
    pub conversations: i64,
    pub resolved: i64,
    pub handoffs: i64,
    pub tool_executions: i64,
    pub avg_csat: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct InsightRecord {
    pub app_id: String,
    pub period: String,
    pub total_conversations: i64,
    pub resolution_rate: f64,
    pub handoff_rate: f64,
    pub avg_duration_ms: i64,
    pub avg_csat: Option<f64>,
    #[sqlx(json)]
    pub top_topics: Value,
    #[sqlx(json)]
    pub tool_usage: Value,
    pub tool_executions: i64,
    pub guardrail_violations: i64,
    pub computed_at: i64,
}

const INSIGHT_COLUMNS: &str = "app_id, period, total_conversations, resolution_rate, \
    handoff_rate, avg_duration_ms, avg_csat, top_topics, tool_usage, tool_executions, \
    guardrail_violations, computed_at";

#[derive(sqlx::FromRow)]
struct Average {
    count: i64,
    average: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct BucketCount {
    bucket: i64,
    count: i64,
    extra: i64,
}

#[derive(sqlx::FromRow)]
struct RatingCount {
    rating: i64,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct BucketAverage {
    bucket: i64,
    average: Option<f64>,
}

impl Store {
    /// Aggregates of `[since, until)`; `recent_since` splits off the most recent part (the
    /// overview's "last 24 h").
    pub async fn window_totals(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
        recent_since: i64,
    ) -> StoreResult<WindowTotals> {
        // The aggregates run at once, each on its own pooled connection.
        let (conversations, handoffs, csat, tools, violations) = tokio::try_join!(
            self.conversation_totals(app_id, since, until, recent_since),
            self.handoff_totals(app_id, since, until, recent_since),
            self.csat_average(app_id, since, until),
            self.tool_usage(app_id, since, until),
            self.violation_count(app_id, since, until),
        )?;
        Ok(WindowTotals {
            conversations,
            handoffs,
            csat_ratings: csat.0,
            avg_csat: csat.1,
            tools,
            violations,
        })
    }

    /// Totals of the conversations started in the window, from the covering index alone.
    async fn conversation_totals(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
        recent_since: i64,
    ) -> StoreResult<ConversationTotals> {
        // PostgreSQL sums BIGINT into NUMERIC: every sum is cast back.
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, ConversationTotals>(
            "SELECT COUNT(*) AS total, \
             CAST(COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolved, \
             CAST(COALESCE(SUM(CASE WHEN ended_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS ended, \
             CAST(COALESCE(SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at ELSE 0 END), 0) AS BIGINT) AS duration_sum_ms, \
             CAST(COALESCE(SUM(CASE WHEN handed_off_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS handed_off, \
             CAST(COALESCE(SUM(CASE WHEN started_at >= $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS recent \
             FROM conversations WHERE app_id = $1 AND started_at >= $2 AND started_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .bind(recent_since)
        .fetch_one(pool)
        .await)?,
        )
    }

    async fn handoff_totals(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
        recent_since: i64,
    ) -> StoreResult<HandoffTotals> {
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, HandoffTotals>(
            "SELECT COUNT(*) AS total, \
             CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS pending, \
             CAST(COALESCE(SUM(CASE WHEN created_at >= $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS recent \
             FROM handoffs WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .bind(recent_since)
        .fetch_one(pool)
        .await)?,
        )
    }

    async fn csat_average(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
    ) -> StoreResult<(i64, Option<f64>)> {
        let average = on_read_pool!(self, pool => sqlx::query_as::<_, Average>(
            "SELECT COUNT(*) AS count, AVG(CAST(rating AS DOUBLE PRECISION)) AS average \
             FROM csat_ratings WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_one(pool)
        .await)?;
        Ok((average.count, average.average))
    }

    /// Ratings given in `[since, until)`, counted by value: how many 1s, 2s, … 5s.
    pub async fn csat_distribution(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
    ) -> StoreResult<[i64; 5]> {
        let rows = on_read_pool!(self, pool => sqlx::query_as::<_, RatingCount>(
            "SELECT rating, COUNT(*) AS count FROM csat_ratings \
             WHERE app_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY rating",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await)?;
        let mut counts = [0; 5];
        for row in rows {
            // The table's CHECK keeps ratings within 1..=5.
            if let Some(slot) = usize::try_from(row.rating - 1)
                .ok()
                .and_then(|i| counts.get_mut(i))
            {
                *slot = row.count;
            }
        }
        Ok(counts)
    }

    async fn tool_usage(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
    ) -> StoreResult<Vec<ToolUsage>> {
        Ok(on_read_pool!(self, pool => sqlx::query_as::<_, ToolUsage>(
            "SELECT tool_name, COUNT(*) AS executions, \
             CAST(COALESCE(SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END), 0) AS BIGINT) AS successes \
             FROM tool_executions WHERE app_id = $1 AND executed_at >= $2 AND executed_at < $3 \
             GROUP BY tool_name ORDER BY tool_name",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await)?)
    }

    async fn violation_count(&self, app_id: &str, since: i64, until: i64) -> StoreResult<i64> {
        Ok(on_read_pool!(self, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM guardrail_violations \
             WHERE app_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .fetch_one(pool)
        .await)?)
    }

    /// Per-bucket counts of `[since, until)`, keyed by bucket start (ms, a multiple of
    /// `bucket_ms` since the epoch).
    pub async fn timeseries(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
        bucket_ms: i64,
    ) -> StoreResult<BTreeMap<i64, Bucket>> {
        let window = (app_id, since, until, bucket_ms);
        let resolved =
            "CAST(COALESCE(SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END), 0) AS BIGINT)";
        let conversations = self
            .bucket_counts("conversations", "started_at", resolved, window)
            .await?;
        let none = "CAST(0 AS BIGINT)";
        let handoffs = self
            .bucket_counts("handoffs", "created_at", none, window)
            .await?;
        let tools = self
            .bucket_counts("tool_executions", "executed_at", none, window)
            .await?;
        let csat = on_read_pool!(self, pool => sqlx::query_as::<_, BucketAverage>(
            "SELECT (created_at / $4) * $4 AS bucket, AVG(CAST(rating AS DOUBLE PRECISION)) AS average \
             FROM csat_ratings WHERE app_id = $1 AND created_at >= $2 AND created_at < $3 \
             GROUP BY 1",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .bind(bucket_ms)
        .fetch_all(pool)
        .await)?;
        let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
        for row in conversations {
            let bucket = buckets.entry(row.bucket).or_default();
            bucket.conversations = row.count;
            bucket.resolved = row.extra;
        }
        for row in handoffs {
            buckets.entry(row.bucket).or_default().handoffs = row.count;
        }
        for row in tools {
            buckets.entry(row.bucket).or_default().tool_executions = row.count;
        }
        for row in csat {
            buckets.entry(row.bucket).or_default().avg_csat = row.average;
        }
        Ok(buckets)
    }

    /// Rows of `table` per bucket of `column`, with `extra` (an aggregate) beside the count.
    async fn bucket_counts(
        &self,
        table: &str,
        column: &str,
        extra: &str,
        (app_id, since, until, bucket_ms): (&str, i64, i64, i64),
    ) -> StoreResult<Vec<BucketCount>> {
        let sql = format!(
            "SELECT ({column} / $4) * $4 AS bucket, COUNT(*) AS count, {extra} AS extra \
             FROM {table} WHERE app_id = $1 AND {column} >= $2 AND {column} < $3 GROUP BY 1"
        );
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, BucketCount>(&sql)
            .bind(app_id)
            .bind(since)
            .bind(until)
            .bind(bucket_ms)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// User messages of conversations started in `[since, until)`, at most `limit`: the text
    /// insights find topics in.
    pub async fn user_message_texts(
        &self,
        app_id: &str,
        since: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        Ok(on_read_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT m.content FROM messages m JOIN conversations c \
             ON c.app_id = m.app_id AND c.session_id = m.session_id \
             WHERE c.app_id = $1 AND c.started_at >= $2 AND c.started_at < $3 \
             AND m.role = 'user' AND m.is_final LIMIT $4",
        )
        .bind(app_id)
        .bind(since)
        .bind(until)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn upsert_insight(&self, insight: &InsightRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO insights ({INSIGHT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12) ON CONFLICT (app_id, period) DO UPDATE SET \
             total_conversations = excluded.total_conversations, \
             resolution_rate = excluded.resolution_rate, handoff_rate = excluded.handoff_rate, \
             avg_duration_ms = excluded.avg_duration_ms, avg_csat = excluded.avg_csat, \
             top_topics = excluded.top_topics, tool_usage = excluded.tool_usage, \
             tool_executions = excluded.tool_executions, \
             guardrail_violations = excluded.guardrail_violations, \
             computed_at = excluded.computed_at"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&insight.app_id)
            .bind(&insight.period)
            .bind(insight.total_conversations)
            .bind(insight.resolution_rate)
            .bind(insight.handoff_rate)
            .bind(insight.avg_duration_ms)
            .bind(insight.avg_csat)
            .bind(Json(&insight.top_topics))
            .bind(Json(&insight.tool_usage))
            .bind(insight.tool_executions)
            .bind(insight.guardrail_violations)
            .bind(insight.computed_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// An app's insights for periods in `[from, to]` (`YYYY-MM-DD`), newest first.
    pub async fn list_insights(
        &self,
        app_id: &str,
        from: &str,
        to: &str,
        limit: i64,
    ) -> StoreResult<Vec<InsightRecord>> {
        let sql = format!(
            "SELECT {INSIGHT_COLUMNS} FROM insights WHERE app_id = $1 AND period >= $2 \
             AND period <= $3 ORDER BY period DESC LIMIT $4"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, InsightRecord>(&sql)
            .bind(app_id)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Ids of the active apps, for jobs that visit each.
    pub async fn active_app_ids(&self) -> StoreResult<Vec<String>> {
        Ok(on_read_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT id FROM apps WHERE is_active ORDER BY id",
        )
        .fetch_all(pool)
        .await)?)
    }
}
