//! Test databases on the backend the test run asks for.
//!
//! Every backend-dependent test calls [`TestDatabase::new`] and runs unchanged on either backend;
//! the test command runs the suites twice:
//!
//! - `SWITCHBOARD_TEST_BACKEND=sqlite` (the default): a fresh SQLite file in a temp directory;
//! - `SWITCHBOARD_TEST_BACKEND=postgres`: a fresh database on the server at
//!   `SWITCHBOARD_TEST_POSTGRES_URL` (a role allowed to `CREATE DATABASE`).
//!
//! Asking for PostgreSQL without a URL fails the test instead of silently skipping it.

// Test support: failing loudly is the point.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::str::FromStr;

use model::platform::status::DatabaseBackend;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use serde_json::json;

use crate::{AppRecord, PoolSettings, Store, StoreResult, WorkspaceRecord};

pub const BACKEND_VAR: &str = "SWITCHBOARD_TEST_BACKEND";
pub const POSTGRES_URL_VAR: &str = "SWITCHBOARD_TEST_POSTGRES_URL";

/// Small pools: tests run in parallel against one PostgreSQL server.
const TEST_POOL: PoolSettings = PoolSettings { max_connections: 4 };

/// The backend this test run targets.
pub fn backend() -> DatabaseBackend {
    match std::env::var(BACKEND_VAR).as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => DatabaseBackend::Sqlite,
        Ok("postgres") => DatabaseBackend::Postgres,
        Ok(other) => panic!("{BACKEND_VAR}={other}: expected `sqlite` or `postgres`"),
    }
}

/// Inserts a workspace with this id.
pub async fn workspace(store: &Store, id: &str) -> WorkspaceRecord {
    let workspace = WorkspaceRecord::new(id.to_owned(), format!("Workspace {id}"), 90, 1_000);
    store.insert_workspace(&workspace).await.unwrap();
    workspace
}

/// An app record of the workspace, with every setting filled in.
pub fn app(id: &str, workspace_id: &str, slug: &str) -> AppRecord {
    AppRecord {
        id: id.to_owned(),
        workspace_id: workspace_id.to_owned(),
        slug: slug.to_owned(),
        name: format!("App {slug}"),
        is_active: true,
        secret_hash: format!("hash-of-{slug}"),
        model_id: "gemini-2.5-flash".to_owned(),
        reply_as_audio: true,
        temperature: Some(0.7),
        system_prompt: "You are helpful.".to_owned(),
        voice: Some("Puck".to_owned()),
        token_expire_minutes: Some(30),
        persona_name: Some("Maya".to_owned()),
        persona_greeting: None,
        persona_tone: Some("warm".to_owned()),
        preferred_terms: Some(vec!["order".to_owned()]),
        blocked_terms: Some(vec![]),
        guardrails_enabled: true,
        max_actions_per_turn: Some(5),
        handoff_enabled: false,
        handoff_webhook_url: None,
        handoff_expiration_seconds: Some(600),
        knowledge_threshold: Some(0.4),
        ui_strings: Some(
            json!({"title": "Support", "nested": {"ok": true}})
                .as_object()
                .unwrap()
                .clone(),
        ),
        allowed_origins: Some(vec!["https://*.example.com".to_owned()]),
        created_at: 2_000,
        updated_at: 2_000,
    }
}

/// A database of its own for one test. The SQLite file is deleted on drop; PostgreSQL test
/// databases live until the test server is torn down.
pub struct TestDatabase {
    pub store: Store,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A new, migrated database.
    pub async fn new() -> TestDatabase {
        let db = Self::unmigrated().await;
        db.store.migrate().await.expect("migrate test database");
        db
    }

    /// A new, empty database with no migrations applied.
    pub async fn unmigrated() -> TestDatabase {
        match backend() {
            DatabaseBackend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let store = Store::connect(&url, TEST_POOL).await.expect("open SQLite");
                TestDatabase {
                    store,
                    url,
                    _dir: Some(dir),
                }
            }
            DatabaseBackend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
                    panic!("{BACKEND_VAR}=postgres needs {POSTGRES_URL_VAR} (see scripts/test)")
                });
                let name = format!("sbtest_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnectOptions::from_str(&admin_url)
                    .expect("parse PostgreSQL URL")
                    .connect()
                    .await
                    .expect("connect to test PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = with_database_name(&admin_url, &name);
                let store = Store::connect(&url, TEST_POOL)
                    .await
                    .expect("connect to test database");
                TestDatabase {
                    store,
                    url,
                    _dir: None,
                }
            }
        }
    }

    /// The URL of this database, for tests that start a server process on it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `postgres://u@h:p/old?x` with the database name replaced.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

/// Every row of every table as text, for tests asserting what is (not) stored.
pub async fn dump_all_tables(store: &Store) -> String {
    let mut dump = String::new();
    match store {
        Store::Sqlite(crate::SqlitePools { main: pool, .. }) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                dump.push_str(&format!("{table}: {}\n", rows.join("\n")));
            }
        }
        Store::Postgres(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM \"{table}\" t"))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                dump.push_str(&format!("{table}: {}\n", rows.join("\n")));
            }
        }
    }
    dump
}

impl Store {
    /// Moves every voice session's creation `by_ms` into the past (to test the stale-session
    /// job without waiting).
    pub async fn age_voice_sessions_for_tests(&self, by_ms: i64) -> StoreResult<()> {
        crate::on_pool!(self, pool => sqlx::query(
            "UPDATE voice_sessions SET created_at = created_at - $1",
        )
        .bind(by_ms)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn database_name_is_replaced_or_added() {
        assert_eq!(
            with_database_name("postgres://u@h:5/postgres", "t1"),
            "postgres://u@h:5/t1"
        );
        assert_eq!(
            with_database_name("postgres://u@h:5", "t1"),
            "postgres://u@h:5/t1"
        );
        assert_eq!(
            with_database_name("postgresql://u:p@h/db?sslmode=disable", "t1"),
            "postgresql://u:p@h/t1?sslmode=disable"
        );
    }
}
