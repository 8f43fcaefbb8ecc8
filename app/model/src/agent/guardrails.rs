//! Guardrail rules, checks and violations (seed 000's `/api/guardrails/*`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuardrailType {
    /// Comma-separated keywords; content mentioning one violates.
    BlockedTopic,
    /// Comma-separated topics; content mentioning none of them violates (an allow-list).
    TopicBoundary,
    /// Presets (`email`, `phone`, `ssn`, `credit_card`, comma-separated) or a regex.
    PiiFilter,
    /// Comma-separated indicators of prompt injection.
    JailbreakDetection,
}

impl GuardrailType {
    pub const ALL: [GuardrailType; 4] = [
        GuardrailType::BlockedTopic,
        GuardrailType::TopicBoundary,
        GuardrailType::PiiFilter,
        GuardrailType::JailbreakDetection,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            GuardrailType::BlockedTopic => "blocked_topic",
            GuardrailType::TopicBoundary => "topic_boundary",
            GuardrailType::PiiFilter => "pii_filter",
            GuardrailType::JailbreakDetection => "jailbreak_detection",
        }
    }

    pub fn parse(value: &str) -> Option<GuardrailType> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuardrailAction {
    /// Reject the content (`allowed: false`).
    Block,
    /// Allow it, and report the violation.
    Warn,
    /// Allow it, and only record the violation.
    Log,
}

impl GuardrailAction {
    pub const ALL: [GuardrailAction; 3] = [
        GuardrailAction::Block,
        GuardrailAction::Warn,
        GuardrailAction::Log,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            GuardrailAction::Block => "block",
            GuardrailAction::Warn => "warn",
            GuardrailAction::Log => "log",
        }
    }

    pub fn parse(value: &str) -> Option<GuardrailAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// Which way the checked content travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the user to the agent.
    Input,
    /// From the agent to the user.
    Output,
}

impl Direction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GuardrailRule {
    pub id: String,
    pub r#type: GuardrailType,
    pub pattern: String,
    pub action: GuardrailAction,
    pub user_message: Option<String>,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /api/guardrails/rules`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateGuardrailRule {
    pub r#type: GuardrailType,
    pub pattern: String,
    pub action: GuardrailAction,
    #[serde(default)]
    pub user_message: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
}

/// `PATCH /api/guardrails/rules/{id}`: the fields present change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateGuardrailRule {
    #[serde(default)]
    pub r#type: Option<GuardrailType>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub action: Option<GuardrailAction>,
    /// An empty string clears it.
    #[serde(default)]
    pub user_message: Option<String>,
    #[serde(default)]
    pub is_active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardrailRuleList {
    pub rules: Vec<GuardrailRule>,
}

/// `POST /api/guardrails/check`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GuardrailCheck {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub session_id: String,
    pub content: String,
    pub direction: Direction,
}

/// One rule the content violated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ViolationHit {
    pub rule_id: String,
    pub r#type: GuardrailType,
    pub action: GuardrailAction,
    pub user_message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardrailVerdict {
    /// `false` when a `block` rule matched.
    pub allowed: bool,
    pub violations: Vec<ViolationHit>,
}

/// A human's verdict on a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Correctness {
    TruePositive,
    FalsePositive,
}

impl Correctness {
    pub const fn as_str(self) -> &'static str {
        match self {
            Correctness::TruePositive => "true_positive",
            Correctness::FalsePositive => "false_positive",
        }
    }

    pub fn parse(value: &str) -> Option<Correctness> {
        [Correctness::TruePositive, Correctness::FalsePositive]
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub id: String,
    pub session_id: String,
    pub rule_id: String,
    pub r#type: GuardrailType,
    pub direction: Direction,
    /// The first 500 characters of the checked content.
    pub content: String,
    pub action: GuardrailAction,
    pub annotated_correctness: Option<Correctness>,
    pub annotated_by: Option<String>,
    pub annotated_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ViolationPage {
    pub violations: Vec<Violation>,
    pub next_cursor: Option<String>,
}

/// `PATCH /api/guardrails/violations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnnotateViolation {
    pub violation_id: String,
    pub annotated_correctness: Correctness,
    /// Who judged; default `dashboard-user`.
    #[serde(default)]
    pub annotated_by: Option<String>,
}
