//! What the agent wing's dashboard pages read beyond the agent API's own types: the Overview's
//! report and the conversation, guardrails, knowledge and tools pages.

use serde::{Deserialize, Serialize};

use crate::agent::analytics::{Overview, Timeseries};
use crate::agent::conversations::ConversationDetail;
use crate::agent::guardrails::{GuardrailRule, ViolationPage};
use crate::agent::knowledge::{DocumentPage, GapPage, GapStatus, IngestState, KnowledgeMetrics};
use crate::agent::tools::{Tool, ToolExecutionPage};
use crate::agent::voice::VoiceSession;

/// The Overview page's time ranges, in days.
pub const REPORT_RANGES: [i64; 4] = [1, 7, 30, 90];
pub const DEFAULT_REPORT_DAYS: i64 = 30;

/// The Overview page: seed 000's overview, per-day counts and the CSAT distribution, all over
/// the same window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsReport {
    pub days: i64,
    pub overview: Overview,
    pub daily: Timeseries,
    /// Ratings given in the window: how many 1s, 2s, … 5s.
    pub csat_distribution: [i64; 5],
}

/// A conversation's page: everything recorded of it, and the voice calls it was held in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    pub detail: ConversationDetail,
    pub calls: Vec<VoiceSession>,
}

/// The guardrails page: whether checks run for the app, its rules and its latest violations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailsView {
    /// The app's `guardrailsEnabled`: without it, checks allow everything and record nothing.
    pub enabled: bool,
    pub rules: Vec<GuardrailRule>,
    pub violations: ViolationPage,
}

/// The knowledge page: documents with their ingestion, gaps of one status, and the last 30 days'
/// search metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeView {
    pub documents: DocumentPage,
    pub gap_status: GapStatus,
    pub gaps: GapPage,
    pub metrics: KnowledgeMetrics,
}

impl KnowledgeView {
    /// Whether some document still waits for its embeddings (the page then follows them).
    pub fn ingesting(&self) -> bool {
        self.documents.documents.iter().any(|d| {
            matches!(
                d.ingestion.state,
                IngestState::Pending | IngestState::Embedding
            )
        })
    }
}

/// The tools page: the app's tools and a page of their executions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolsView {
    pub tools: Vec<Tool>,
    pub executions: ToolExecutionPage,
}
