//! Guardrail rules and the violations they record.

use sqlx::QueryBuilder;

use crate::{Store, StoreError, StoreResult, on_pool};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct GuardrailRuleRecord {
    pub id: String,
    pub app_id: String,
    pub r#type: String,
    pub pattern: String,
    pub action: String,
    pub user_message: Option<String>,
    pub is_active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

const RULE_COLUMNS: &str =
    "id, app_id, type, pattern, action, user_message, is_active, created_at, updated_at";

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ViolationRecord {
    pub id: String,
    pub app_id: String,
    pub session_id: String,
    pub rule_id: String,
    pub r#type: String,
    pub direction: String,
    pub content: String,
    pub action: String,
    pub annotated_correctness: Option<String>,
    pub annotated_by: Option<String>,
    pub annotated_at: Option<i64>,
    pub created_at: i64,
}

const VIOLATION_COLUMNS: &str = "id, app_id, session_id, rule_id, type, direction, content, \
    action, annotated_correctness, annotated_by, annotated_at, created_at";

/// Which violations a listing returns; times are on `created_at`.
#[derive(Clone, Debug, Default)]
pub struct ViolationFilter {
    pub session_id: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Store {
    pub async fn insert_guardrail_rule(&self, rule: &GuardrailRuleRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO guardrail_rules ({RULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&rule.id)
            .bind(&rule.app_id)
            .bind(&rule.r#type)
            .bind(&rule.pattern)
            .bind(&rule.action)
            .bind(&rule.user_message)
            .bind(rule.is_active)
            .bind(rule.created_at)
            .bind(rule.updated_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Writes a rule's editable fields; `NotFound` unless it belongs to `rule.app_id`.
    pub async fn update_guardrail_rule(&self, rule: &GuardrailRuleRecord) -> StoreResult<()> {
        let updated = on_pool!(self, pool => sqlx::query(
            "UPDATE guardrail_rules SET type = $3, pattern = $4, action = $5, user_message = $6, \
             is_active = $7, updated_at = $8 WHERE id = $1 AND app_id = $2",
        )
        .bind(&rule.id)
        .bind(&rule.app_id)
        .bind(&rule.r#type)
        .bind(&rule.pattern)
        .bind(&rule.action)
        .bind(&rule.user_message)
        .bind(rule.is_active)
        .bind(rule.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if updated == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_guardrail_rule(&self, app_id: &str, id: &str) -> StoreResult<()> {
        let deleted = on_pool!(self, pool => sqlx::query(
            "DELETE FROM guardrail_rules WHERE id = $1 AND app_id = $2",
        )
        .bind(id)
        .bind(app_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn guardrail_rule(
        &self,
        app_id: &str,
        id: &str,
    ) -> StoreResult<Option<GuardrailRuleRecord>> {
        let sql =
            format!("SELECT {RULE_COLUMNS} FROM guardrail_rules WHERE id = $1 AND app_id = $2");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, GuardrailRuleRecord>(&sql)
            .bind(id)
            .bind(app_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Every rule of an app, oldest first.
    pub async fn guardrail_rules(&self, app_id: &str) -> StoreResult<Vec<GuardrailRuleRecord>> {
        let sql = format!(
            "SELECT {RULE_COLUMNS} FROM guardrail_rules WHERE app_id = $1 ORDER BY created_at, id"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, GuardrailRuleRecord>(&sql)
            .bind(app_id)
            .fetch_all(pool)
            .await)?,
        )
    }

    /// What changes whenever an app's rules change: their number and latest update. Cheap, so
    /// a cache can revalidate with it instead of recompiling.
    pub async fn guardrail_rules_fingerprint(&self, app_id: &str) -> StoreResult<(i64, i64)> {
        Ok(on_pool!(self, pool => sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM guardrail_rules WHERE app_id = $1",
        )
        .bind(app_id)
        .fetch_one(pool)
        .await)?)
    }

    pub async fn insert_violations(&self, violations: &[ViolationRecord]) -> StoreResult<()> {
        if violations.is_empty() {
            return Ok(());
        }
        on_pool!(self, pool => {
            let mut insert = QueryBuilder::new(format!(
                "INSERT INTO guardrail_violations ({VIOLATION_COLUMNS}) "
            ));
            insert.push_values(violations, |mut row, v| {
                row.push_bind(&v.id)
                    .push_bind(&v.app_id)
                    .push_bind(&v.session_id)
                    .push_bind(&v.rule_id)
                    .push_bind(&v.r#type)
                    .push_bind(&v.direction)
                    .push_bind(&v.content)
                    .push_bind(&v.action)
                    .push_bind(&v.annotated_correctness)
                    .push_bind(&v.annotated_by)
                    .push_bind(v.annotated_at)
                    .push_bind(v.created_at);
            });
            insert.build().execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Records a human's verdict on a violation of `app_id`; `NotFound` otherwise.
    pub async fn annotate_violation(
        &self,
        app_id: &str,
        id: &str,
        correctness: &str,
        by: &str,
        at: i64,
    ) -> StoreResult<ViolationRecord> {
        let sql = format!(
            "UPDATE guardrail_violations SET annotated_correctness = $3, annotated_by = $4, \
             annotated_at = $5 WHERE id = $1 AND app_id = $2 RETURNING {VIOLATION_COLUMNS}"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ViolationRecord>(&sql)
            .bind(id)
            .bind(app_id)
            .bind(correctness)
            .bind(by)
            .bind(at)
            .fetch_one(pool)
            .await)?,
        )
    }

    /// An app's violations, newest first, after the cursor.
    pub async fn list_violations(
        &self,
        app_id: &str,
        filter: &ViolationFilter,
        before: Option<(i64, &str)>,
        limit: i64,
    ) -> StoreResult<Vec<ViolationRecord>> {
        let (before_at, before_id) = before.unwrap_or((i64::MAX, ""));
        let sql = format!(
            "SELECT {VIOLATION_COLUMNS} FROM guardrail_violations WHERE app_id = $1 \
             AND ($2 IS NULL OR session_id = $2) AND created_at >= $3 AND created_at < $4 \
             AND (created_at < $5 OR (created_at = $5 AND id < $6)) \
             ORDER BY created_at DESC, id DESC LIMIT $7"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, ViolationRecord>(&sql)
            .bind(app_id)
            .bind(&filter.session_id)
            .bind(filter.since.unwrap_or(i64::MIN))
            .bind(filter.until.unwrap_or(i64::MAX))
            .bind(before_at)
            .bind(before_id)
            .bind(limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}
