//! Schema migrations, embedded from `migrations/sqlite` and `migrations/postgres`.

use sqlx::migrate::Migrator;

use crate::{Store, StoreResult, on_pool};

static SQLITE: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("../../migrations/postgres");

/// A migration recorded as applied in the database.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

impl Store {
    fn migrator(&self) -> &'static Migrator {
        match self {
            Store::Sqlite(..) => &SQLITE,
            Store::Postgres(_) => &POSTGRES,
        }
    }

    /// Applies every pending migration; a no-op when the schema is current.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = self.migrator();
        on_pool!(self, pool => migrator.run(pool).await)?;
        Ok(())
    }

    /// The newest migration this build carries.
    pub fn latest_known_migration(&self) -> i64 {
        self.migrator()
            .iter()
            .map(|migration| migration.version)
            .max()
            .unwrap_or(0)
    }

    /// The newest migration applied to the database, `None` on a database never migrated.
    pub async fn applied_migration(&self) -> StoreResult<Option<AppliedMigration>> {
        // sqlx's bookkeeping table is absent until the first `migrate`.
        let table_exists: bool = match self {
            Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
                sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master \
                 WHERE type = 'table' AND name = '_sqlx_migrations')",
                )
                .fetch_one(pool)
                .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(pool)
                    .await?
            }
        };
        if !table_exists {
            return Ok(None);
        }
        let applied = on_pool!(self, pool => sqlx::query_as::<_, AppliedMigration>(
            "SELECT version, description FROM _sqlx_migrations \
             WHERE success ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await)?;
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `NNNN_name.sql` entries of one migrations folder, sorted.
    fn migration_files(backend: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_migration_versions_and_names() {
        let sqlite = migration_files("sqlite");
        let postgres = migration_files("postgres");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }

    #[test]
    fn migration_versions_are_numbered_without_gaps() {
        for (index, name) in migration_files("sqlite").iter().enumerate() {
            let version: usize = name.split('_').next().unwrap().parse().unwrap();
            assert_eq!(version, index + 1, "{name}");
        }
    }

    #[test]
    fn embedded_migrators_match_the_folders() {
        assert_eq!(
            super::SQLITE.iter().count(),
            migration_files("sqlite").len()
        );
        assert_eq!(
            super::POSTGRES.iter().count(),
            migration_files("postgres").len()
        );
    }
}
