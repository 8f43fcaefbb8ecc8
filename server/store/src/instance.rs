//! Facts about this installation, kept in `instance_settings`: when it was installed, and when
//! each periodic job last ran (whichever server instance ran it).

use crate::{Store, StoreResult, on_pool};

const INSTALLED_AT: &str = "installed_at";

impl Store {
    /// Records `now_ms` as the installation time unless one is already recorded, and returns the
    /// recorded time. Safe to call from several servers starting at once.
    pub async fn ensure_installed_at(&self, now_ms: i64) -> StoreResult<i64> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(INSTALLED_AT)
        .bind(now_ms.to_string())
        .bind(now_ms)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        self.installed_at()
            .await?
            .ok_or(crate::StoreError::NotFound)
    }

    /// When this database was first initialised, ms since the Unix epoch.
    pub async fn installed_at(&self) -> StoreResult<Option<i64>> {
        let value: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT value FROM instance_settings WHERE key = $1",
        )
        .bind(INSTALLED_AT)
        .fetch_optional(pool)
        .await)?;
        Ok(value.and_then(|text| text.parse().ok()))
    }

    /// Claims the run of periodic `job` due at `now_ms` unless one ran after `not_before_ms`:
    /// of several instances ticking for the same period, one gets `true`.
    pub async fn claim_periodic_run(
        &self,
        job: &str,
        now_ms: i64,
        not_before_ms: i64,
    ) -> StoreResult<bool> {
        let claimed = on_pool!(self, pool => sqlx::query(
            "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at WHERE instance_settings.updated_at <= $4",
        )
        .bind(format!("job:{job}"))
        .bind(now_ms.to_string())
        .bind(now_ms)
        .bind(not_before_ms)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(claimed == 1)
    }
}
