//! The real binary: configuration from the environment, first start on an empty database,
//! `migrate`, and graceful shutdown on SIGTERM.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use store::testkit::{TestDatabase, backend};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BINARY: &str = env!("CARGO_BIN_EXE_server");

/// A database URL the binary can start on: a not-yet-existing SQLite file in a folder that does
/// not exist yet, or an empty PostgreSQL database.
struct FreshDatabase {
    url: String,
    sqlite_file: Option<std::path::PathBuf>,
    _db: Option<TestDatabase>,
    _dir: tempfile::TempDir,
}

async fn fresh_database() -> FreshDatabase {
    let dir = tempfile::tempdir().unwrap();
    match backend() {
        model::status::DatabaseBackend::Sqlite => {
            let file = dir.path().join("data/switchboard.db");
            FreshDatabase {
                url: format!("sqlite://{}", file.display()),
                sqlite_file: Some(file),
                _db: None,
                _dir: dir,
            }
        }
        model::status::DatabaseBackend::Postgres => {
            let db = TestDatabase::unmigrated().await;
            FreshDatabase {
                url: db.url().to_owned(),
                sqlite_file: None,
                _db: Some(db),
                _dir: dir,
            }
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn command(database_url: &str) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A minimal HTTP/1.1 GET; `None` while nothing listens.
async fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    Some((status, body))
}

async fn wait_until_serving(child: &mut Child, port: u16) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(answer) = http_get(port, "/health").await {
            return answer;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("server exited early with {status}");
        }
        assert!(
            Instant::now() < deadline,
            "server did not start within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "server did not stop within 15 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn first_start_creates_and_migrates_the_database_and_sigterm_stops_cleanly() {
    let database = fresh_database().await;
    let port = free_port();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();

    let (status, body) = wait_until_serving(&mut child, port).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""status":"ok""#), "{body}");
    if let Some(file) = &database.sqlite_file {
        assert!(file.exists(), "the SQLite file is created on first start");
    }
    let (status, body) = http_get(port, "/healthz").await.unwrap();
    assert_eq!(status, 200, "{body}");

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let exit = wait_for_exit(&mut child).await;
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    assert!(http_get(port, "/health").await.is_none(), "port released");
}

#[tokio::test]
async fn migrate_subcommand_applies_migrations_and_exits() {
    let database = fresh_database().await;
    let output = command(&database.url).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let store = store::Store::connect(&database.url, store::PoolSettings::default())
        .await
        .unwrap();
    let applied = store.applied_migration().await.unwrap().unwrap();
    assert_eq!(applied.version, store.latest_known_migration());
    store.close().await;
}

#[tokio::test]
async fn an_unusable_database_url_fails_fast_with_a_clear_message() {
    let output = command("mysql://localhost/db").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(stderr.contains("sqlite:"), "{stderr}");
}
