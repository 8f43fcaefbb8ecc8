//! A/B experiments, their exposures, and per-variant outcomes computed in SQL.

use model::agent::experiments::Variant;
use sqlx::types::Json;

use crate::{Store, StoreError, StoreResult, on_pool, on_read_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ExperimentRecord {
    pub id: String,
    pub app_id: String,
    pub name: String,
    pub description: Option<String>,
    #[sqlx(json)]
    pub variants: Vec<Variant>,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
}

const EXPERIMENT_COLUMNS: &str =
    "id, app_id, name, description, variants, status, created_at, updated_at, ended_at";

/// Outcomes of the sessions exposed to one variant.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct VariantOutcome {
    pub variant_id: String,
    pub exposures: i64,
    /// Exposed sessions that have a conversation.
    pub conversations: i64,
    pub resolved: i64,
    /// Exposed sessions handed to a human at least once.
    pub handed_off: i64,
    pub ratings: i64,
    pub avg_csat: Option<f64>,
}

impl Store {
    /// Inserts an experiment; a taken (app, name) is `UniqueViolation`.
    pub async fn insert_experiment(&self, record: &ExperimentRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO experiments ({EXPERIMENT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&record.id)
            .bind(&record.app_id)
            .bind(&record.name)
            .bind(&record.description)
            .bind(Json(&record.variants))
            .bind(&record.status)
            .bind(record.created_at)
            .bind(record.updated_at)
            .bind(record.ended_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn experiment(
        &self,
        app_id: &str,
        id: &str,
    ) -> StoreResult<Option<ExperimentRecord>> {
        let sql =
            format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE id = $1 AND app_id = $2");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ExperimentRecord>(&sql)
            .bind(id)
            .bind(app_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// An app's experiments, newest first.
    pub async fn list_experiments(&self, app_id: &str) -> StoreResult<Vec<ExperimentRecord>> {
        let sql = format!(
            "SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE app_id = $1 \
             ORDER BY created_at DESC, id DESC"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ExperimentRecord>(&sql)
            .bind(app_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Moves an experiment from `from` to `record.status`; `false` if it was no longer `from`.
    pub async fn set_experiment_status(
        &self,
        record: &ExperimentRecord,
        from: &str,
    ) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE experiments SET status = $3, updated_at = $4, ended_at = $5 \
             WHERE id = $1 AND app_id = $2 AND status = $6",
        )
        .bind(&record.id)
        .bind(&record.app_id)
        .bind(&record.status)
        .bind(record.updated_at)
        .bind(record.ended_at)
        .bind(from)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(updated > 0)
    }

    /// Replaces the name, description and variants of an experiment that has not ended and that
    /// nobody changed since `seen_updated_at`. A taken name is `UniqueViolation`.
    pub async fn update_experiment_definition(
        &self,
        record: &ExperimentRecord,
        seen_updated_at: i64,
    ) -> StoreResult<bool> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE experiments SET name = $3, description = $4, variants = $5, updated_at = $6 \
             WHERE id = $1 AND app_id = $2 AND updated_at = $7 AND status <> 'ended'",
        )
        .bind(&record.id)
        .bind(&record.app_id)
        .bind(&record.name)
        .bind(&record.description)
        .bind(Json(&record.variants))
        .bind(record.updated_at)
        .bind(seen_updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(updated > 0)
    }

    /// The session's variant, if assigned.
    pub async fn exposure(
        &self,
        experiment_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT variant_id FROM experiment_exposures \
             WHERE experiment_id = $1 AND session_id = $2",
        )
        .bind(experiment_id)
        .bind(session_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// Assigns `variant_id` unless the session already has a variant, and answers the variant
    /// the session has afterwards and whether this call assigned it. Race-free: the unique
    /// (experiment, session) decides.
    pub async fn assign_exposure(
        &self,
        id: &str,
        app_id: &str,
        experiment_id: &str,
        session_id: &str,
        variant_id: &str,
        now: i64,
    ) -> StoreResult<(String, bool)> {
        let inserted = on_pool!(self, pool => sqlx::query(
            "INSERT INTO experiment_exposures \
             (id, app_id, experiment_id, session_id, variant_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (experiment_id, session_id) DO NOTHING",
        )
        .bind(id)
        .bind(app_id)
        .bind(experiment_id)
        .bind(session_id)
        .bind(variant_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        let variant = self
            .exposure(experiment_id, session_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((variant, inserted > 0))
    }

    /// The variant most recently assigned to a session in any of the app's experiments.
    pub async fn latest_variant_of_session(
        &self,
        app_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT variant_id FROM experiment_exposures WHERE app_id = $1 AND session_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(app_id)
        .bind(session_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// Records the variant on the session's conversation, if it has one.
    pub async fn set_conversation_variant(
        &self,
        app_id: &str,
        session_id: &str,
        variant_id: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE conversations SET experiment_variant = $3 \
             WHERE app_id = $1 AND session_id = $2",
        )
        .bind(app_id)
        .bind(session_id)
        .bind(variant_id)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Per-variant outcomes of an experiment, joined in one aggregate query.
    pub async fn experiment_outcomes(
        &self,
        experiment_id: &str,
    ) -> StoreResult<Vec<VariantOutcome>> {
        Ok(
            on_read_pool!(self, pool => sqlx::query_as::<_, VariantOutcome>(
            "SELECT e.variant_id, COUNT(*) AS exposures, COUNT(c.id) AS conversations, \
             COALESCE(SUM(CASE WHEN c.status = 'resolved' THEN 1 ELSE 0 END), 0) AS resolved, \
             COALESCE(SUM(CASE WHEN c.handed_off_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS handed_off, \
             COUNT(r.id) AS ratings, \
             AVG(CAST(r.rating AS DOUBLE PRECISION)) AS avg_csat \
             FROM experiment_exposures e \
             LEFT JOIN conversations c ON c.app_id = e.app_id AND c.session_id = e.session_id \
             LEFT JOIN csat_ratings r ON r.app_id = e.app_id AND r.session_id = e.session_id \
             WHERE e.experiment_id = $1 GROUP BY e.variant_id",
        )
        .bind(experiment_id)
        .fetch_all(pool)
        .await)?,
        )
    }
}
