//! What the dashboard pages read beyond the agent API's own types: the frame around every page
//! (who is signed in, which app, what their role allows) and the Overview's report.

use serde::{Deserialize, Serialize};

use crate::analytics::{Overview, Timeseries};
use crate::apps::App;
use crate::audit::AuditPage;
use crate::conversations::ConversationDetail;
use crate::guardrails::{GuardrailRule, ViolationPage};
use crate::knowledge::{DocumentPage, GapPage, GapStatus, KnowledgeMetrics};
use crate::tools::{Tool, ToolExecutionPage};
use crate::users::{CurrentUser, Permission, Role};
use crate::voice::VoiceSession;

/// An app as the app switcher lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppChoice {
    pub slug: String,
    pub name: String,
    pub is_active: bool,
}

/// The frame of a dashboard page: the signed-in user, the apps they may open, and the app the
/// page is about with the user's role over it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardFrame {
    pub user: CurrentUser,
    pub apps: Vec<AppChoice>,
    /// The app named by the page's path when the user may see it, else their first app.
    pub current: Option<AppChoice>,
    /// The user's role in the current app's workspace.
    pub role: Option<Role>,
}

impl DashboardFrame {
    /// Whether the user may do `permission` in the current app. Used only to hide what the
    /// server would refuse; every server function checks again.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.is_some_and(|role| role.can(permission))
    }
}

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
                crate::knowledge::IngestState::Pending | crate::knowledge::IngestState::Embedding
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

/// The audit log page: a workspace's entries, newest first, and how long it keeps them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub workspace_id: String,
    pub workspace_name: String,
    /// Days kept: one of [`AUDIT_RETENTION_CHOICES`].
    pub retention_days: i64,
    pub page: AuditPage,
}

/// The Users page: the members of the app's workspace, and what the viewer may change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub members: Vec<crate::users::Member>,
    /// Whether the viewer may add members and change roles (`users.manage`).
    pub may_manage: bool,
    /// Whether the viewer is an owner: only owners grant or take away ownership.
    pub is_owner: bool,
    /// The viewer's own user id.
    pub me: String,
}

/// How long a workspace may keep its audit log, in days.
pub const AUDIT_RETENTION_CHOICES: [i64; 3] = [30, 90, 365];

/// The apps page: the apps of the user's workspaces, and the current one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppsView {
    pub apps: Vec<App>,
    pub current: App,
    /// The current app's latest outbound webhooks (the delivery log), newest first.
    pub deliveries: Vec<crate::webhooks::WebhookDelivery>,
}
