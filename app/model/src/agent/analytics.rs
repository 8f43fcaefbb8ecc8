//! Analytics (seed 000's `/api/analytics/*`): the live overview, daily insights, timeseries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /api/analytics/overview`: seed 000's fields, every one computed over the same window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// The window, echoed: `[since, until)` in ms since the epoch.
    pub since: i64,
    pub until: i64,
    /// Conversations started in the window.
    pub total_conversations: i64,
    /// Resolved ÷ conversations (0 without conversations).
    pub resolution_rate: f64,
    /// Conversations with a handoff ÷ conversations: never above 1.
    pub handoff_rate: f64,
    /// Mean rating given in the window, or null.
    #[serde(rename = "avgCSAT")]
    pub avg_csat: Option<f64>,
    /// Mean duration of the conversations that ended (0 when none did).
    pub avg_duration_ms: i64,
    /// Successful ÷ all tool calls in the window, or null without calls.
    pub tool_success_rate: Option<f64>,
    pub tool_usage: BTreeMap<String, i64>,
    pub total_tool_executions: i64,
    pub total_guardrail_violations: i64,
    /// Handoffs created in the window and still pending.
    pub pending_handoffs: i64,
    pub unresolved_gaps: i64,
    pub avg_knowledge_score: Option<f64>,
    pub knowledge_gap_rate: Option<f64>,
    pub total_knowledge_searches: i64,
    /// Of the window's conversations, those started in the 24 h before `until`.
    pub conversations_last_24h: i64,
    pub handoffs_last_24h: i64,
}

/// One topic of a day's conversations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicCount {
    pub topic: String,
    pub count: i64,
}

/// One app's metrics for one UTC day, computed by the daily job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Insight {
    /// `YYYY-MM-DD` (UTC).
    pub period: String,
    pub total_conversations: i64,
    pub resolution_rate: f64,
    pub handoff_rate: f64,
    pub avg_duration_ms: i64,
    #[serde(rename = "avgCSAT")]
    pub avg_csat: Option<f64>,
    /// The most frequent words of users' messages that day.
    pub top_topics: Vec<TopicCount>,
    pub tool_usage: BTreeMap<String, i64>,
    pub tool_executions: i64,
    pub guardrail_violations: i64,
    pub computed_at: i64,
}

/// `GET /api/analytics/insights?period=…`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InsightOfPeriod {
    /// Always present; null when the day has not been computed.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub insight: Option<Insight>,
}

/// `GET /api/analytics/insights` without a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InsightList {
    pub insights: Vec<Insight>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BucketSize {
    Hour,
    Day,
}

impl BucketSize {
    pub const fn millis(self) -> i64 {
        match self {
            BucketSize::Hour => 3_600_000,
            BucketSize::Day => 86_400_000,
        }
    }
}

/// One bucket of `GET /api/analytics/timeseries`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TimeBucket {
    /// Start of the bucket, ms since the epoch (UTC hours or days).
    pub start: i64,
    pub conversations: i64,
    pub resolved: i64,
    pub handoffs: i64,
    pub tool_executions: i64,
    #[serde(rename = "avgCSAT")]
    pub avg_csat: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Timeseries {
    pub bucket: BucketSize,
    pub since: i64,
    pub until: i64,
    /// Every bucket of the window, empty ones included, oldest first.
    pub buckets: Vec<TimeBucket>,
}
