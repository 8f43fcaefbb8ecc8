//! Knowledge gaps (questions the base could not answer) and the search metrics.

use super::*;
use crate::agent::Agent;
use model::platform::users::Permission;

impl Agent<'_> {
    /// The app's gaps: open ones by default, most recently asked first.
    pub async fn knowledge_gaps(
        &self,
        caller: &Caller,
        status: Option<&str>,
        cursor: Option<&str>,
        limit: Option<i64>,
    ) -> Result<GapPage> {
        caller.require(Permission::KnowledgeRead)?;
        let status = match status.unwrap_or("open") {
            "all" => None,
            other => Some(
                GapStatus::parse(other)
                    .ok_or_else(|| {
                        Error::Invalid("status must be open, resolved, dismissed or all".to_owned())
                    })?
                    .as_str(),
            ),
        };
        let paging = Paging::new(cursor, limit, 50, 200)?;
        let records = self
            .store()
            .list_knowledge_gaps(&caller.app.id, status, paging.after(), paging.fetch())
            .await?;
        let (records, next_cursor) = paging.page(records, |r| (r.last_seen_at, r.id.as_str()));
        Ok(GapPage {
            gaps: records.into_iter().map(to_gap).collect(),
            next_cursor,
        })
    }

    /// Marks a gap answered, optionally by one of the app's documents.
    pub async fn resolve_knowledge_gap(
        &self,
        caller: &Caller,
        id: &str,
        input: ResolveGap,
    ) -> Result<KnowledgeGap> {
        caller.require(Permission::KnowledgeManage)?;
        let mut checks = Checks::new();
        checks.optional_text("resolvedBy", input.resolved_by.as_deref(), MAX_NAME_CHARS);
        checks.finish()?;
        if let Some(document_id) = &input.document_id
            && self
                .store()
                .knowledge_document(&caller.app.id, document_id)
                .await?
                .is_none()
        {
            return Err(Error::NotFound("document"));
        }
        self.set_gap_status(
            caller,
            id,
            GapStatus::Resolved,
            input.document_id.as_deref(),
            input.resolved_by.as_deref(),
        )
        .await
    }

    pub async fn dismiss_knowledge_gap(&self, caller: &Caller, id: &str) -> Result<KnowledgeGap> {
        caller.require(Permission::KnowledgeManage)?;
        self.set_gap_status(caller, id, GapStatus::Dismissed, None, None)
            .await
    }

    /// Reopens a resolved or dismissed gap.
    pub async fn reopen_knowledge_gap(&self, caller: &Caller, id: &str) -> Result<KnowledgeGap> {
        caller.require(Permission::KnowledgeManage)?;
        self.set_gap_status(caller, id, GapStatus::Open, None, None)
            .await
    }

    /// Search volume, quality and latency in `[since, until)`.
    pub async fn knowledge_metrics(
        &self,
        caller: &Caller,
        since: Option<i64>,
        until: Option<i64>,
    ) -> Result<KnowledgeMetrics> {
        caller.require(Permission::KnowledgeRead)?;
        let (since, until) = crate::agent::analytics::window(since, until, self.now_ms())?;
        let (totals, open_gaps) = tokio::try_join!(
            self.store()
                .knowledge_search_totals(&caller.app.id, since, until),
            self.store().open_knowledge_gaps(&caller.app.id),
        )?;
        let rate = |part: i64| {
            if totals.searches > 0 {
                part as f64 / totals.searches as f64
            } else {
                0.0
            }
        };
        let ms = |us: Option<f64>| us.unwrap_or(0.0) / 1000.0;
        Ok(KnowledgeMetrics {
            since,
            until,
            total_searches: totals.searches,
            avg_top_score: totals.avg_top_score.unwrap_or(0.0),
            gap_rate: rate(totals.gaps),
            zero_result_rate: rate(totals.empty),
            avg_embed_ms: ms(totals.avg_embed_us),
            avg_retrieval_ms: ms(totals.avg_retrieval_us),
            max_retrieval_ms: ms(totals.max_retrieval_us.map(|us| us as f64)),
            open_gaps,
        })
    }
}

impl Services {
    async fn set_gap_status(
        &self,
        caller: &Caller,
        id: &str,
        status: GapStatus,
        document_id: Option<&str>,
        resolved_by: Option<&str>,
    ) -> Result<KnowledgeGap> {
        let at = (status != GapStatus::Open).then(|| self.now_ms());
        let record = self
            .store()
            .set_knowledge_gap_status(
                &caller.app.id,
                id,
                status.as_str(),
                document_id,
                resolved_by,
                at,
            )
            .await?
            .ok_or(Error::NotFound("gap"))?;
        Ok(to_gap(record))
    }
}

fn to_gap(record: GapRecord) -> KnowledgeGap {
    KnowledgeGap {
        id: record.id,
        query: record.query,
        normalized_query: record.normalized_query,
        occurrences: record.occurrences,
        best_match_score: record.last_top_score,
        example_sessions: record.example_sessions,
        status: GapStatus::parse(&record.status).unwrap_or(GapStatus::Open),
        document_id: record.document_id,
        resolved_by: record.resolved_by,
        resolved_at: record.resolved_at,
        first_seen_at: record.first_seen_at,
        last_seen_at: record.last_seen_at,
    }
}
