//! Liveness, readiness, the instance status report and discovery.

use std::time::Instant;

use model::platform::discovery::{Discovery, Features};
use model::platform::health::{DatabaseCheck, Health, Readiness};
use model::platform::status::{DatabaseStatus, Integration, MigrationLevel, StatusReport};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::platform::Platform;
use crate::{Result, VERSION};

impl Platform<'_> {
    /// The process is up; touches nothing else.
    pub fn health(&self) -> Health {
        Health {
            status: "ok".to_owned(),
            timestamp: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
            uptime: self.started().elapsed().as_secs_f64(),
        }
    }

    /// The process can serve requests: its database answers a query.
    pub async fn readiness(&self) -> Readiness {
        let store = self.store();
        let began = Instant::now();
        let outcome = store.ping().await;
        let latency_ms = began.elapsed().as_secs_f64() * 1_000.0;
        let error = outcome.err().map(|err| {
            tracing::warn!(error = %err, "database readiness check failed");
            "the database did not answer".to_owned()
        });
        Readiness {
            status: if error.is_none() { "ok" } else { "unavailable" }.to_owned(),
            database: DatabaseCheck {
                backend: store.backend(),
                ok: error.is_none(),
                latency_ms,
                error,
            },
        }
    }

    /// Version, database and integrations of this instance.
    pub async fn status(&self) -> Result<StatusReport> {
        let store = self.store();
        let migration = store
            .applied_migration()
            .await?
            .map(|applied| MigrationLevel {
                version: applied.version,
                description: applied.description,
            });
        Ok(StatusReport {
            version: VERSION.to_owned(),
            started_at: self.started_at_ms(),
            database: DatabaseStatus {
                backend: store.backend(),
                server_version: store.server_version().await?,
                vector_extension: store.vector_extension_version().await?,
                migration,
                latest_known_migration: store.latest_known_migration(),
                installed_at: store.installed_at().await?,
            },
            integrations: self.integrations().statuses(),
        })
    }
}

impl Platform<'_> {
    /// This instance as `/.well-known/switchboard.json` describes it, reached at `base_url`
    /// (scheme, host and port, no trailing slash).
    pub fn discovery(&self, base_url: &str) -> Discovery {
        let configured = |wanted: Integration| {
            self.integrations()
                .statuses()
                .iter()
                .any(|status| status.integration == wanted && status.configured)
        };
        Discovery {
            version: VERSION.to_owned(),
            api_base_url: format!("{base_url}/api"),
            widget_script_url: format!("{base_url}/widget.js"),
            openapi_url: format!("{base_url}/api/openapi.json"),
            features: Features {
                widget: true,
                identity_verification: true,
                voice: configured(Integration::Livekit),
                knowledge: configured(Integration::Embeddings),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use model::platform::status::Integration;
    use store::testkit::TestDatabase;

    use super::*;
    use crate::Integrations;
    use crate::Services;

    #[tokio::test]
    async fn health_reports_ok_with_an_rfc3339_timestamp() {
        let db = TestDatabase::new().await;
        let services = Services::new(
            db.store.clone(),
            Integrations::default(),
            crate::ports::testing::offline(),
            crate::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        let health = services.platform().health();
        assert_eq!(health.status, "ok");
        assert!(OffsetDateTime::parse(&health.timestamp, &Rfc3339).is_ok());
        assert!(health.uptime >= 0.0);
    }

    #[tokio::test]
    async fn readiness_fails_once_the_database_is_gone() {
        let db = TestDatabase::new().await;
        let services = Services::new(
            db.store.clone(),
            Integrations::default(),
            crate::ports::testing::offline(),
            crate::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        assert!(services.platform().readiness().await.database.ok);

        db.store.close().await;
        let readiness = services.platform().readiness().await;
        assert_eq!(readiness.status, "unavailable");
        assert!(!readiness.database.ok);
        assert!(readiness.database.error.is_some());
    }

    #[tokio::test]
    async fn status_reports_the_migrated_schema_and_the_integrations() {
        let db = TestDatabase::new().await;
        db.store
            .ensure_installed_at(1_700_000_000_000)
            .await
            .unwrap();
        let services = Services::new(
            db.store.clone(),
            Integrations::default(),
            crate::ports::testing::offline(),
            crate::platform::encryption::Keyring::ephemeral().unwrap(),
        );
        let report = services.platform().status().await.unwrap();

        assert_eq!(report.version, VERSION);
        assert_eq!(report.database.backend, db.store.backend());
        let migration = report.database.migration.unwrap();
        assert_eq!(migration.version, report.database.latest_known_migration);
        assert_eq!(report.database.installed_at, Some(1_700_000_000_000));
        let names: Vec<Integration> = report.integrations.iter().map(|i| i.integration).collect();
        assert_eq!(
            names,
            [
                Integration::Livekit,
                Integration::Gemini,
                Integration::OpenaiCompatible,
                Integration::Elevenlabs,
                Integration::Embeddings
            ]
        );
    }
}
