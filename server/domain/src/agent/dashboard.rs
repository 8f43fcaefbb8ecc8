//! The agent wing's dashboard views and the actions a signed-in user takes on them.

use model::agent::analytics::BucketSize;
use model::agent::dashboard::{
    AnalyticsReport, ConversationView, GuardrailsView, KnowledgeView, REPORT_RANGES,
};
use model::agent::guardrails::{AnnotateViolation, Correctness, Violation};
use model::agent::handoffs::{Handoff, HandoffStatus, ResolutionQuality, UpdateHandoff};
use model::agent::knowledge::{GapStatus, KnowledgeGap, ResolveGap};
use model::platform::users::Permission;

use crate::agent::Agent;
use crate::agent::analytics::end_after;
use crate::clock::DAY_MS;
use crate::platform::dashboard::assignee;
use crate::{Actor, Caller, Error, Result};

impl Agent<'_> {
    /// The Overview page over the last `days` days: the overview, one bucket per UTC day and
    /// the CSAT distribution.
    pub async fn analytics_report(&self, caller: &Caller, days: i64) -> Result<AnalyticsReport> {
        caller.require(Permission::AnalyticsRead)?;
        if !REPORT_RANGES.contains(&days) {
            return Err(Error::Invalid(format!(
                "The range must be one of {REPORT_RANGES:?} days"
            )));
        }
        let until = end_after(self.now_ms());
        let since = until - days * DAY_MS;
        let (overview, daily, csat_distribution) = tokio::try_join!(
            self.analytics_overview(caller, Some(since), Some(until)),
            self.analytics_timeseries(caller, Some(since), Some(until), BucketSize::Day),
            async {
                Ok(self
                    .store()
                    .csat_distribution(&caller.app.id, since, until)
                    .await?)
            },
        )?;
        Ok(AnalyticsReport {
            days,
            overview,
            daily,
            csat_distribution,
        })
    }

    /// A conversation with the voice calls it was held in.
    pub async fn conversation_view(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<ConversationView> {
        caller.require(Permission::ConversationsRead)?;
        let (detail, calls) = tokio::try_join!(
            self.conversation_detail(caller, session_id),
            self.voice_sessions_of_conversation(caller, session_id),
        )?;
        Ok(ConversationView { detail, calls })
    }

    /// The guardrails page: the switch, the rules and a page of violations.
    pub async fn guardrails_view(
        &self,
        caller: &Caller,
        cursor: Option<&str>,
    ) -> Result<GuardrailsView> {
        caller.require(Permission::GuardrailsManage)?;
        let (rules, violations) = tokio::try_join!(
            self.guardrail_rules(caller),
            self.list_violations(caller, None, None, None, cursor, Some(25)),
        )?;
        Ok(GuardrailsView {
            enabled: caller.app.settings.guardrails_enabled,
            rules,
            violations,
        })
    }

    /// The knowledge page: the newest documents, the gaps of `gap_status`, and the last 30
    /// days' search metrics.
    pub async fn knowledge_view(
        &self,
        caller: &Caller,
        gap_status: GapStatus,
        cursor: Option<&str>,
    ) -> Result<KnowledgeView> {
        caller.require(Permission::KnowledgeRead)?;
        let now = self.now_ms();
        let (documents, gaps, metrics) = tokio::try_join!(
            self.list_knowledge_documents(caller, None, cursor, Some(50)),
            self.knowledge_gaps(caller, Some(gap_status.as_str()), None, Some(50)),
            self.knowledge_metrics(caller, Some(now - 30 * DAY_MS), None),
        )?;
        Ok(KnowledgeView {
            documents,
            gap_status,
            gaps,
            metrics,
        })
    }

    /// Resolves (optionally with the document that answers it), dismisses or reopens a gap,
    /// as the signed-in user.
    pub async fn change_knowledge_gap(
        &self,
        actor: &Actor,
        slug: &str,
        gap_id: &str,
        to: GapStatus,
        document_id: Option<String>,
    ) -> Result<KnowledgeGap> {
        let caller = self.platform().user_caller(actor, slug).await?;
        caller.require(Permission::KnowledgeManage)?;
        match to {
            GapStatus::Resolved => {
                let input = ResolveGap {
                    document_id,
                    resolved_by: Some(assignee(actor)?),
                };
                self.resolve_knowledge_gap(&caller, gap_id, input).await
            }
            GapStatus::Dismissed => self.dismiss_knowledge_gap(&caller, gap_id).await,
            GapStatus::Open => self.reopen_knowledge_gap(&caller, gap_id).await,
        }
    }

    /// Records the signed-in user's verdict on a violation, under their email.
    pub async fn judge_violation(
        &self,
        actor: &Actor,
        slug: &str,
        violation_id: &str,
        correctness: Correctness,
    ) -> Result<Violation> {
        let caller = self.platform().user_caller(actor, slug).await?;
        caller.require(Permission::GuardrailsManage)?;
        self.annotate_violation(
            &caller,
            AnnotateViolation {
                violation_id: violation_id.to_owned(),
                annotated_correctness: correctness,
                annotated_by: Some(assignee(actor)?),
            },
        )
        .await
    }

    /// Claims a handoff for the signed-in user, who becomes its assignee.
    pub async fn claim_handoff(
        &self,
        actor: &Actor,
        slug: &str,
        handoff_id: &str,
    ) -> Result<Handoff> {
        let caller = self.platform().user_caller(actor, slug).await?;
        caller.require(Permission::HandoffsManage)?;
        self.update_handoff(
            &caller,
            UpdateHandoff {
                handoff_id: handoff_id.to_owned(),
                status: HandoffStatus::Claimed,
                assigned_agent: Some(assignee(actor)?),
                necessity_score: None,
                resolution_quality: None,
                agent_feedback: None,
            },
        )
        .await
    }

    /// Resolves a handoff with the user's judgement of it. A handoff nobody claimed is
    /// assigned to the user who resolves it.
    pub async fn resolve_handoff(
        &self,
        actor: &Actor,
        slug: &str,
        handoff_id: &str,
        quality: Option<ResolutionQuality>,
        feedback: Option<String>,
    ) -> Result<Handoff> {
        let caller = self.platform().user_caller(actor, slug).await?;
        caller.require(Permission::HandoffsManage)?;
        let current = self
            .store()
            .handoff(&caller.app.id, handoff_id)
            .await?
            .ok_or(Error::NotFound("handoff"))?;
        let assigned_agent = match current.assigned_agent {
            Some(_) => None,
            None => Some(assignee(actor)?),
        };
        self.update_handoff(
            &caller,
            UpdateHandoff {
                handoff_id: handoff_id.to_owned(),
                status: HandoffStatus::Resolved,
                assigned_agent,
                necessity_score: None,
                resolution_quality: quality,
                agent_feedback: feedback.filter(|text| !text.trim().is_empty()),
            },
        )
        .await
    }
}
