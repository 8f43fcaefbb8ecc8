//! Handoffs from the AI agent to a human (seed 000's `/api/handoffs`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::agent::transcript::TranscriptEntry;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoffStatus {
    Pending,
    Claimed,
    Resolved,
    /// Unclaimed past the app's `handoffExpirationSeconds`.
    Expired,
}

impl HandoffStatus {
    pub const ALL: [HandoffStatus; 4] = [
        HandoffStatus::Pending,
        HandoffStatus::Claimed,
        HandoffStatus::Resolved,
        HandoffStatus::Expired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            HandoffStatus::Pending => "pending",
            HandoffStatus::Claimed => "claimed",
            HandoffStatus::Resolved => "resolved",
            HandoffStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<HandoffStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// pending → claimed | resolved | expired; claimed → resolved | expired. Staying put is
    /// allowed (to record feedback on a resolved handoff).
    pub const fn can_become(self, next: HandoffStatus) -> bool {
        use HandoffStatus::*;
        matches!(
            (self, next),
            (Pending, _)
                | (Claimed, Claimed | Resolved | Expired)
                | (Resolved, Resolved)
                | (Expired, Expired)
        )
    }

    pub const fn is_open(self) -> bool {
        matches!(self, HandoffStatus::Pending | HandoffStatus::Claimed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandoffPriority {
    Low,
    Normal,
    High,
    Urgent,
}

impl HandoffPriority {
    pub const fn as_str(self) -> &'static str {
        match self {
            HandoffPriority::Low => "low",
            HandoffPriority::Normal => "normal",
            HandoffPriority::High => "high",
            HandoffPriority::Urgent => "urgent",
        }
    }

    pub fn parse(value: &str) -> Option<HandoffPriority> {
        [Self::Low, Self::Normal, Self::High, Self::Urgent]
            .into_iter()
            .find(|p| p.as_str() == value)
    }
}

/// How well a human judged the handoff went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResolutionQuality {
    Excellent,
    Good,
    Poor,
}

impl ResolutionQuality {
    pub const fn as_str(self) -> &'static str {
        match self {
            ResolutionQuality::Excellent => "excellent",
            ResolutionQuality::Good => "good",
            ResolutionQuality::Poor => "poor",
        }
    }

    pub fn parse(value: &str) -> Option<ResolutionQuality> {
        [Self::Excellent, Self::Good, Self::Poor]
            .into_iter()
            .find(|q| q.as_str() == value)
    }
}

/// `POST /api/handoffs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateHandoff {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    /// e.g. `user_requested`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub reason: String,
    pub transcript: Vec<TranscriptEntry>,
    /// Default `web`.
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub reason_detail: Option<String>,
    /// Default `normal`.
    #[serde(default)]
    pub priority: Option<HandoffPriority>,
    #[serde(default)]
    pub ai_summary: Option<String>,
    /// What the agent learnt about the customer (personal data: shown to agents only).
    #[serde(default)]
    pub customer_data: Option<Map<String, Value>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Handoff {
    pub id: String,
    pub session_id: String,
    pub channel: String,
    pub reason: String,
    pub reason_detail: Option<String>,
    pub status: HandoffStatus,
    pub priority: HandoffPriority,
    pub transcript: Vec<TranscriptEntry>,
    pub ai_summary: Option<String>,
    pub assigned_agent: Option<String>,
    pub customer_data: Option<Value>,
    pub necessity_score: Option<f64>,
    pub resolution_quality: Option<ResolutionQuality>,
    pub agent_feedback: Option<String>,
    pub created_at: i64,
    pub claimed_at: Option<i64>,
    pub resolved_at: Option<i64>,
    /// When it expires if nobody claims it.
    pub expires_at: Option<i64>,
    pub updated_at: i64,
}

/// `POST /api/handoffs` answer: seed 000's `{id}` with the handoff beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HandoffCreated {
    pub id: String,
    /// `true` when the session already had an open handoff, which is returned instead.
    pub existing: bool,
    pub handoff: Handoff,
}

/// `PATCH /api/handoffs`: claim, resolve, or record feedback.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateHandoff {
    pub handoff_id: String,
    pub status: HandoffStatus,
    #[serde(default)]
    pub assigned_agent: Option<String>,
    /// 0 to 1: how necessary the handoff was.
    #[serde(default)]
    pub necessity_score: Option<f64>,
    #[serde(default)]
    pub resolution_quality: Option<ResolutionQuality>,
    #[serde(default)]
    pub agent_feedback: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HandoffPage {
    pub handoffs: Vec<Handoff>,
    pub next_cursor: Option<String>,
}

/// Filters of `GET /api/handoffs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct HandoffQuery {
    pub status: Option<HandoffStatus>,
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}
