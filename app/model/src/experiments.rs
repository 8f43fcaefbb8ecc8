//! A/B experiments (seed 000's `/api/experiments`), with per-variant results.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One arm of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    pub id: String,
    /// Relative share of sessions; positive.
    pub weight: f64,
    /// What the agent should change for this variant (e.g. its greeting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExperimentStatus {
    /// Assigning sessions.
    Active,
    /// Not assigning new sessions; may resume.
    Paused,
    /// Over for good.
    Ended,
}

impl ExperimentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ExperimentStatus::Active => "active",
            ExperimentStatus::Paused => "paused",
            ExperimentStatus::Ended => "ended",
        }
    }

    pub fn parse(value: &str) -> Option<ExperimentStatus> {
        [Self::Active, Self::Paused, Self::Ended]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// active ⇄ paused, either → ended; ended is final.
    pub const fn can_become(self, next: ExperimentStatus) -> bool {
        !matches!(self, ExperimentStatus::Ended) || matches!(next, ExperimentStatus::Ended)
    }
}

/// `POST /api/experiments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateExperiment {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// At least 2, with unique ids and positive weights.
    pub variants: Vec<Variant>,
}

/// `PATCH /api/experiments/{id}`: pause, resume or end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetExperimentStatus {
    pub status: ExperimentStatus,
}

/// How one variant is doing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VariantResult {
    pub variant_id: String,
    pub exposures: i64,
    /// Exposed sessions with a conversation.
    pub conversations: i64,
    /// Resolved ÷ conversations; null without conversations.
    pub resolution_rate: Option<f64>,
    /// Handed off ÷ conversations; null without conversations.
    pub handoff_rate: Option<f64>,
    pub avg_csat: Option<f64>,
    pub csat_ratings: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExperimentResults {
    pub variants: Vec<VariantResult>,
    /// Chi-square test of independence between variant and resolution; null until every
    /// variant has conversations and some resolved and some did not.
    pub p_value: Option<f64>,
    /// `pValue < 0.05`.
    pub significant: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Experiment {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub variants: Vec<Variant>,
    pub status: ExperimentStatus,
    /// `status == active`, as seed 000 reports it.
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    pub results: ExperimentResults,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperimentList {
    pub experiments: Vec<Experiment>,
}

/// `POST /api/experiments/assign`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssignVariant {
    pub experiment_id: String,
    pub session_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub variant_id: String,
    /// The session had this variant before the call.
    pub already_assigned: bool,
    /// The variant's config, so the agent needs no second call.
    pub config: Option<Map<String, Value>>,
}
