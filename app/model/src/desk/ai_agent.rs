//! The AI agent of chat: per-app settings, and the record of each AI turn (its confidence,
//! sources, latency, whether it handed off, and the visitor's rating).

use serde::{Deserialize, Serialize};

/// What the AI says when it hands a chat to a human (opencom's default).
pub const DEFAULT_HANDOFF_MESSAGE: &str =
    "Let me connect you with a human agent who can help you better.";
/// The LLM-free responder: it answers with the best passage of the best article, as the
/// reference agent's local set does.
pub const KNOWLEDGE_RESPONDER: &str = "knowledge";

/// `GET /api/ai-agent`; `PUT` takes the same fields but `updatedAt`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiAgentSettings {
    /// Off by default: chats go to humans only.
    pub enabled: bool,
    /// `knowledge` (the LLM-free responder) or `openai/<model>`: a model of the
    /// OpenAI-compatible server at `OPENAI_BASE_URL`.
    pub model: String,
    /// 0 to 1: answers whose best source is less similar to the question hand off. `null`:
    /// the knowledge base's threshold (the app's `knowledgeThreshold`, else the embedding
    /// model's calibrated default: 0.4 for the local model).
    pub confidence_threshold: Option<f64>,
    /// Collections the AI answers from (with their subcollections); empty: every published
    /// public article.
    pub collection_ids: Vec<String>,
    /// Said when handing off. Outside working hours, when humans are back is added.
    pub handoff_message: String,
    /// When humans answer; `null`: always.
    pub working_hours: Option<WorkingHours>,
    /// `null` until first saved.
    pub updated_at: Option<i64>,
}

impl Default for AiAgentSettings {
    fn default() -> Self {
        AiAgentSettings {
            enabled: false,
            model: KNOWLEDGE_RESPONDER.to_owned(),
            confidence_threshold: None,
            collection_ids: Vec::new(),
            handoff_message: DEFAULT_HANDOFF_MESSAGE.to_owned(),
            working_hours: None,
            updated_at: None,
        }
    }
}

/// `PUT /api/ai-agent`: the whole settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutAiAgentSettings {
    pub enabled: bool,
    /// `knowledge` by default.
    #[serde(default)]
    pub model: Option<String>,
    /// 0 to 1; absent or `null`: the knowledge base's threshold.
    #[serde(default)]
    pub confidence_threshold: Option<f64>,
    #[serde(default)]
    pub collection_ids: Vec<String>,
    /// 1–500 characters; opencom's default when absent.
    #[serde(default)]
    pub handoff_message: Option<String>,
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
}

/// When humans answer chats, in a timezone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkingHours {
    /// An IANA timezone, `Europe/Paris`.
    pub timezone: String,
    /// Opening spans; a day may have several, and days without one are closed.
    pub days: Vec<WorkingSpan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkingSpan {
    pub day: Weekday,
    /// `HH:MM`, 24-hour.
    pub start: String,
    /// `HH:MM`, after `start`; `24:00` for midnight.
    pub end: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// Capitalised, for sentences.
    pub const fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    pub fn parse(value: &str) -> Option<Weekday> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }
}

/// How the AI's turns went over the last `days` days: answered or handed to a human, and the
/// visitors' ratings of its answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AiTurnStats {
    pub days: u32,
    pub answered: i64,
    pub handed_off: i64,
    pub rated_helpful: i64,
    pub rated_unhelpful: i64,
}

/// Why the AI handed a chat to a human.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AiHandoffReason {
    /// No source was similar enough to the question.
    LowConfidence,
    /// The visitor asked for a person.
    AskedForHuman,
    /// The model failed or answered nothing.
    Failed,
}

impl AiHandoffReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            AiHandoffReason::LowConfidence => "low_confidence",
            AiHandoffReason::AskedForHuman => "asked_for_human",
            AiHandoffReason::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<AiHandoffReason> {
        [Self::LowConfidence, Self::AskedForHuman, Self::Failed]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// An article an AI answer cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiSource {
    pub title: String,
    pub slug: String,
    /// The article's help-center page, a path on this server.
    pub url: String,
}

/// The record of an AI turn, on the bot message it posted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiAnswer {
    /// The best source's similarity to the question, 0 to 1.
    pub confidence: f64,
    /// Cited articles, best first.
    pub sources: Vec<AiSource>,
    /// `knowledge` or `openai/<model>`.
    pub model: String,
    /// From the visitor's message to the answer.
    pub latency_ms: i64,
    pub handed_off: bool,
    pub handoff_reason: Option<AiHandoffReason>,
    /// The visitor's rating; `null` until rated.
    pub helpful: Option<bool>,
}

/// `POST /api/widget/conversations/{id}/messages/{messageId}/feedback`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateAiAnswer {
    pub helpful: bool,
}
