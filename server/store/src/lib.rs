//! Persistence for Switchboard: the only crate that depends on sqlx.
//!
//! [`Store`] is a closed enum over a SQLite or a PostgreSQL pool, chosen by the database URL.
//! Queries are written once in portable SQL (`$1` placeholders work on both) and run on whichever
//! pool is live through [`on_pool!`]; a method gets one arm per backend only where the dialects
//! really differ, with a comment saying why. Each aggregate has its own module of `impl Store`.
//!
//! On SQLite, one connection runs every statement (see [`SqlitePools`]); the long reads go
//! through [`on_read_pool!`] to a pool of read-only connections beside it.

mod agent;
mod desk;
mod error;
mod group_commit;
mod instance;
mod migrations;
mod notifications;
mod platform;
#[cfg(feature = "testkit")]
pub mod testkit;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use model::platform::status::DatabaseBackend;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::group_commit::GroupCommit;

pub use agent::analytics::{
    Bucket, ConversationTotals, HandoffTotals, InsightRecord, ToolUsage, WindowTotals,
};
pub use agent::conversations::{ConversationFilter, ConversationRecord};
pub use agent::csat::CsatRecord;
pub use agent::events::{EventFilter, EventRecord};
pub use agent::experiments::{ExperimentRecord, VariantOutcome};
pub use agent::guardrails::{GuardrailRuleRecord, ViolationFilter, ViolationRecord};
pub use agent::handoffs::{HandoffCreation, HandoffRecord};
pub use agent::knowledge::{
    ArticleState, Audience, Candidate, ChunkRecord, DocumentKey, DocumentRecord, GapRecord,
    MAX_GAP_EXAMPLES, NearestQuery, NewChunk, PassageFilter, SMALL_APP_MAX_CHUNKS, SearchLogRecord,
    SearchTotals, StoredVector, VectorCache, VoteCounts, dot, hnsw_breadth, passage_audience,
    vector_bytes, vector_from_bytes,
};
pub use agent::messages::MessageRecord;
pub use agent::tools::{ExecutionFilter, ToolExecutionRecord, ToolRecord};
pub use agent::voice::{
    ClientLogRecord, LivekitEventClaim, LivekitEventOutcome, LivekitEventWrites, ParticipantRecord,
    VoiceSessionFilter, VoiceSessionRecord,
};
pub use desk::ai_agent::{AiAnswerRecord, AiSettingsRecord, AiTurnCounts};
pub use desk::automation::{AutomationRecord, RatingRecord};
pub use desk::contacts::{ContactFilter, ContactRecord};
pub use desk::conversations::{DeskConversationRecord, DeskMessageRecord, InboxFilter, InboxRow};
pub use desk::help_center::{CollectionRecord, CollectionUsage};
pub use desk::identity_verification::IdentityVerificationRecord;
pub use desk::snippets::SnippetRecord;
pub use desk::tags::{AppliedTag, TagRecord, TagUsage};
pub use desk::tickets::{TicketCommentRecord, TicketFilter, TicketFormRecord, TicketRecord};
pub use desk::widget_sessions::WidgetSessionRecord;
pub use error::{StoreError, StoreResult};
pub use migrations::AppliedMigration;
pub use notifications::{
    AGENT_CHANNEL, DESK_CHANNEL, MAX_NOTIFICATION_BYTES, NotificationListener,
};
pub use platform::agent_credentials::{AgentCredentialRecord, AgentCredentialWithApp};
pub use platform::apps::AppRecord;
pub use platform::audit_log::AuditRecord;
pub use platform::session_tokens::{SessionTokenRecord, TokenWithApp};
pub use platform::users::{
    MemberRecord, MembershipRecord, RoleChange, UserRecord, UserSessionRecord,
};
pub use platform::webhooks::WebhookDeliveryRecord;
pub use platform::workspaces::WorkspaceRecord;

/// Runs the same (async) expression against whichever pool is live, binding it to `$pool`,
/// in a `sql` span that names the database and the code that asked. Each arm is type-checked
/// against its concrete pool type.
macro_rules! on_pool {
    (@$which:ident $store:expr, $pool:ident => $body:expr) => {
        tracing::Instrument::instrument(
            async {
                match $store {
                    $crate::Store::Sqlite(sqlite) => {
                        let $pool = &sqlite.$which;
                        $body
                    }
                    $crate::Store::Postgres($pool) => $body,
                }
            },
            tracing::debug_span!(
                target: "store::sql",
                "sql",
                db.system = $store.db_system(),
                code.namespace = module_path!(),
                code.lineno = line!(),
            ),
        )
        .await
    };
    ($store:expr, $pool:ident => $body:expr) => {
        $crate::on_pool!(@main $store, $pool => $body)
    };
}
pub(crate) use on_pool;

/// [`on_pool!`] for a read that may take long (analytics, knowledge search): on SQLite it runs
/// on a read-only connection, so it neither waits for the writer nor holds it up.
macro_rules! on_read_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        $crate::on_pool!(@reads $store, $pool => $body)
    };
}
pub(crate) use on_read_pool;

/// Runs `$body`, which commits `$tx`, in a write transaction on whichever pool is live; the
/// body is type-checked against each backend. SQLite's transaction is IMMEDIATE: it takes the
/// write lock up front, so it never deadlocks upgrading a read.
macro_rules! in_write_transaction {
    ($store:expr, $tx:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite(sqlite) => {
                let mut $tx = sqlite.main.begin_with("BEGIN IMMEDIATE").await?;
                $body
            }
            $crate::Store::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                $body
            }
        }
    };
}
pub(crate) use in_write_transaction;

/// How long a request waits for a free connection before failing.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes of the database file each SQLite connection may map into memory.
const SQLITE_MMAP_BYTES: i64 = 256 * 1024 * 1024;
/// Page cache of each SQLite connection, as SQLite's negative-means-KiB setting.
const SQLITE_CACHE_KIB: i64 = -8 * 1024;
/// How long SQLite waits on a locked database before answering `SQLITE_BUSY`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection pool to the configured database. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePools),
    Postgres(PgPool),
}

/// SQLite's connections. SQLite lets one connection write at a time, and a write by one
/// connection empties every other connection's page cache. So one connection runs every
/// statement: its cache stays warm, and writers queue in the pool rather than sleeping in
/// SQLite's busy handler (on the voice bench, CPU per session with its webhook fell by about a
/// sixth against ten connections). The long reads have read-only connections of their own.
#[derive(Clone, Debug)]
pub struct SqlitePools {
    /// The one connection: every write, and every read not marked as long.
    pub(crate) main: SqlitePool,
    /// Read-only connections for [`on_read_pool!`].
    pub(crate) reads: SqlitePool,
    /// SQLite has no vector index: vectors are ranked in process, from this cache.
    pub(crate) vectors: Arc<VectorCache>,
    /// Writes that come in bursts (a voice call's), committed in groups on `main`.
    pub(crate) group_commit: GroupCommit,
}

/// Pool sizing; the defaults suit one server process.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// PostgreSQL's connections; on SQLite, the read-only connections beside the main one.
    pub max_connections: u32,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
        }
    }
}

impl Store {
    /// Connects to `sqlite:…` or `postgres://…` (also `postgresql://…`). A SQLite file and its
    /// parent directory are created when missing.
    pub async fn connect(url: &str, settings: PoolSettings) -> StoreResult<Store> {
        match backend_for_url(url) {
            Some(DatabaseBackend::Sqlite) => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
                Self::connect_sqlite(options, settings).await
            }
            Some(DatabaseBackend::Postgres) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
                Self::connect_postgres(options, settings).await
            }
            None => Err(StoreError::InvalidUrl(
                "expected a URL starting with sqlite:, postgres:// or postgresql://".to_owned(),
            )),
        }
    }

    async fn connect_sqlite(
        options: SqliteConnectOptions,
        settings: PoolSettings,
    ) -> StoreResult<Store> {
        let file = options.get_filename();
        if let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            create_dir(dir)?;
        }
        // WAL lets readers proceed while one writer commits; NORMAL sync is durable under WAL
        // except for the last transactions on power loss, the usual trade for an embedded server.
        // Reads map the file instead of copying pages through each connection's cache, which
        // makes the analytics' index scans several times faster.
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true)
            .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
            .pragma("cache_size", SQLITE_CACHE_KIB.to_string());
        // No ping before handing out a connection: a local file cannot drop it, and the ping is a
        // round trip to the connection's thread on every statement.
        let pool = |connections: u32| {
            SqlitePoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .test_before_acquire(false)
        };
        // The main connection first: it creates the file and turns WAL on.
        let main = pool(1).connect_with(options.clone()).await?;
        let reads = pool(settings.max_connections)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Store::Sqlite(SqlitePools {
            group_commit: GroupCommit::start(main.clone()),
            main,
            reads,
            vectors: Default::default(),
        }))
    }

    async fn connect_postgres(
        options: PgConnectOptions,
        settings: PoolSettings,
    ) -> StoreResult<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Store::Postgres(pool))
    }

    pub fn backend(&self) -> DatabaseBackend {
        match self {
            Store::Sqlite(..) => DatabaseBackend::Sqlite,
            Store::Postgres(_) => DatabaseBackend::Postgres,
        }
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The database server's version, e.g. `3.46.0` or `16.2`.
    pub async fn server_version(&self) -> StoreResult<String> {
        // Each dialect names its version function differently.
        let version: String = match self {
            Store::Sqlite(sqlite) => {
                sqlx::query_scalar("SELECT sqlite_version()")
                    .fetch_one(&sqlite.main)
                    .await?
            }
            Store::Postgres(pool) => {
                sqlx::query_scalar("SELECT current_setting('server_version')")
                    .fetch_one(pool)
                    .await?
            }
        };
        Ok(version)
    }

    /// The installed pgvector version; `None` on SQLite, where vectors are ranked in process.
    pub async fn vector_extension_version(&self) -> StoreResult<Option<String>> {
        match self {
            Store::Sqlite(..) => Ok(None),
            Store::Postgres(pool) => Ok(sqlx::query_scalar(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
            )
            .fetch_optional(pool)
            .await?),
        }
    }

    /// Refreshes the planner's statistics, after a bulk load.
    pub async fn analyze(&self) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("ANALYZE").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Waits for connections in use to be returned, then closes the pools.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(sqlite) => {
                sqlite.reads.close().await;
                sqlite.main.close().await;
            }
            Store::Postgres(pool) => pool.close().await,
        }
    }

    /// OpenTelemetry's name for the database system, for the `sql` spans.
    pub(crate) fn db_system(&self) -> &'static str {
        match self {
            Store::Sqlite(..) => "sqlite",
            Store::Postgres(_) => "postgresql",
        }
    }

    /// The connection pool's state now, for the metrics (on SQLite, both pools together).
    pub fn pool_stats(&self) -> PoolStats {
        fn stats<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> PoolStats {
            PoolStats {
                open: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            }
        }
        match self {
            Store::Sqlite(sqlite) => {
                let (main, reads) = (stats(&sqlite.main), stats(&sqlite.reads));
                PoolStats {
                    open: main.open + reads.open,
                    idle: main.idle + reads.idle,
                    max: main.max + reads.max,
                }
            }
            Store::Postgres(pool) => stats(pool),
        }
    }

    /// How long getting a connection from the pool takes now (on SQLite, the main connection,
    /// where requests queue): the metrics sample the pool's wait with it.
    pub async fn time_acquire(&self) -> StoreResult<Duration> {
        let started = Instant::now();
        on_pool!(self, pool => pool.acquire().await.map(drop))?;
        Ok(started.elapsed())
    }
}

/// A connection pool's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open, busy or idle.
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// `"a, b"` → `"t.a, t.b"`: a column list for a query joining several tables.
pub(crate) fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create_dir(dir: &Path) -> StoreResult<()> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDirectory {
        path: dir.display().to_string(),
        source,
    })
}

/// Which backend a database URL selects, by its scheme.
pub fn backend_for_url(url: &str) -> Option<DatabaseBackend> {
    if url.starts_with("sqlite:") {
        Some(DatabaseBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(DatabaseBackend::Postgres)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_by_url_scheme() {
        assert_eq!(
            backend_for_url("sqlite://./data/switchboard.db"),
            Some(DatabaseBackend::Sqlite)
        );
        assert_eq!(
            backend_for_url("sqlite::memory:"),
            Some(DatabaseBackend::Sqlite)
        );
        assert_eq!(
            backend_for_url("postgres://u@localhost/db"),
            Some(DatabaseBackend::Postgres)
        );
        assert_eq!(
            backend_for_url("postgresql://u@localhost/db"),
            Some(DatabaseBackend::Postgres)
        );
        assert_eq!(backend_for_url("mysql://localhost/db"), None);
    }

    #[tokio::test]
    async fn unknown_scheme_is_a_clear_error() {
        let err = Store::connect("mysql://localhost/db", PoolSettings::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidUrl(_)), "{err:?}");
    }

    #[tokio::test]
    async fn sqlite_file_and_directories_are_created_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/deeper/switchboard.db");
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url, PoolSettings::default()).await.unwrap();
        store.migrate().await.unwrap();
        assert!(path.exists());
        let Store::Sqlite(SqlitePools { main: pool, .. }) = &store else {
            panic!("expected SQLite")
        };
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(busy, 5000);
        store.close().await;
    }

    #[tokio::test]
    async fn sqlite_long_reads_run_beside_an_open_write_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let store = Store::connect(&url, PoolSettings::default()).await.unwrap();
        store.migrate().await.unwrap();
        let Store::Sqlite(sqlite) = &store else {
            panic!("expected SQLite")
        };
        assert_eq!(sqlite.main.options().get_max_connections(), 1);
        let mut write = sqlite.main.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("DELETE FROM rate_limit_counters")
            .execute(&mut *write)
            .await
            .unwrap();
        let read = on_read_pool!(&store, pool => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM rate_limit_counters",
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(read, 0);
        let refused = on_read_pool!(&store, pool => sqlx::query("DELETE FROM rate_limit_counters")
            .execute(pool)
            .await
            .map(|_| ()))
        .unwrap_err();
        assert!(
            refused.to_string().contains("readonly"),
            "the read pool wrote: {refused}"
        );
        write.commit().await.unwrap();
        store.close().await;
    }
}
