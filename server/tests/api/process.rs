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
        model::platform::status::DatabaseBackend::Sqlite => {
            let file = dir.path().join("data/switchboard.db");
            FreshDatabase {
                url: format!("sqlite://{}", file.display()),
                sqlite_file: Some(file),
                _db: None,
                _dir: dir,
            }
        }
        model::platform::status::DatabaseBackend::Postgres => {
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

/// The binary on `database_url`, quiet, its stderr captured (stdout discarded unless a test
/// asks for it with `.stdout(Stdio::piped())`).
fn command(database_url: &str) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env(
            "EMBEDDING_MODEL_DIR",
            domain::agent::knowledge::embeddings::test_model_dir(),
        )
        .env("RUST_LOG", "warn")
        // The data folder's key file, shared by this test run's servers as by a deployment's.
        .env(
            "SECRET_KEY_FILE",
            std::env::temp_dir()
                .join(format!("switchboard-tests-{}", std::process::id()))
                .join("secret.key"),
        )
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
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                std::io::Read::read_to_string(&mut pipe, &mut stderr).unwrap();
            }
            panic!("server exited early with {status}: {stderr}");
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

/// Creates the app `my-app` with `secret` through the CLI, as an operator would.
fn create_app(database_url: &str, secret: &str) {
    let created = command(database_url)
        .args(["app", "create", "--slug", "my-app", "--name", "My App"])
        .args(["--secret", secret])
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
}

/// The dev key pair the fake LiveKit signs with, and the binary's settings to reach it.
const LIVEKIT_KEY: &str = "devkey";
const LIVEKIT_SECRET: &str = "devsecret-devsecret-devsecret-00";

trait WithLivekit {
    /// Points the binary at the (fake) LiveKit on `address`.
    fn livekit(&mut self, address: std::net::SocketAddr) -> &mut Self;
}

impl WithLivekit for Command {
    fn livekit(&mut self, address: std::net::SocketAddr) -> &mut Self {
        // As configured for a real server: a ws:// URL, which the API calls turn into http://.
        self.env("LIVEKIT_URL", format!("ws://{address}"))
            .env("LIVEKIT_API_KEY", LIVEKIT_KEY)
            .env("LIVEKIT_API_SECRET", LIVEKIT_SECRET)
    }
}

/// Sends SIGTERM and waits for the exit.
async fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    wait_for_exit(child).await
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

#[tokio::test]
async fn app_create_takes_seed_000s_json_and_prints_a_working_secret_once() {
    let database = fresh_database().await;
    let seed_example = r#"{"slug":"my-app","name":"My App","modelId":"gemini-2.5-flash-native-audio-preview-12-2025","replyAsAudio":true,"systemPrompt":"You are a helpful assistant."}"#;
    let output = command(&database.url)
        .args(["app", "create", "--json", seed_example])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let secret = stdout.lines().last().unwrap().trim().to_owned();
    assert!(secret.starts_with("sbk_"), "{stdout}");
    assert!(stdout.contains("Created app my-app (My App)"), "{stdout}");

    let listed = command(&database.url)
        .args(["app", "list"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.contains("my-app") && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&secret), "list never shows secrets");

    let duplicate = command(&database.url)
        .args(["app", "create", "--slug", "my-app", "--name", "Again"])
        .output()
        .unwrap();
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    let store = store::Store::connect(&database.url, store::PoolSettings::default())
        .await
        .unwrap();
    // A fresh service layer per check, as a server starting now would see the database:
    // a long-lived one may serve cached credentials for up to AUTH_CACHE_TTL.
    let fresh = || {
        domain::Services::new(
            store.clone(),
            domain::Integrations::default(),
            integrations::ports(&domain::Integrations::default()).unwrap(),
            domain::platform::encryption::Keyring::ephemeral().unwrap(),
        )
    };
    let caller = fresh()
        .platform()
        .authenticate_app_secret("my-app", &secret)
        .await
        .unwrap();
    assert_eq!(
        caller.app.settings.system_prompt,
        "You are a helpful assistant."
    );

    let updated = command(&database.url)
        .args([
            "app",
            "update",
            "my-app",
            "--json",
            r#"{"systemPrompt":"Be brief.","temperature":0.2}"#,
        ])
        .output()
        .unwrap();
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );
    let caller = fresh()
        .platform()
        .authenticate_app_secret("my-app", &secret)
        .await
        .unwrap();
    assert_eq!(caller.app.settings.system_prompt, "Be brief.");
    assert_eq!(caller.app.settings.temperature, Some(0.2));

    let rotated = command(&database.url)
        .args(["app", "rotate-secret", "my-app"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let new_secret = String::from_utf8(rotated.stdout).unwrap();
    let new_secret = new_secret.lines().last().unwrap().trim();
    assert!(
        fresh()
            .platform()
            .authenticate_app_secret("my-app", &secret)
            .await
            .is_err()
    );
    fresh()
        .platform()
        .authenticate_app_secret("my-app", new_secret)
        .await
        .unwrap();

    let deactivated = command(&database.url)
        .args(["app", "deactivate", "my-app"])
        .output()
        .unwrap();
    assert!(deactivated.status.success());
    assert!(
        fresh()
            .platform()
            .authenticate_app_secret("my-app", new_secret)
            .await
            .is_err()
    );
    store.close().await;
}

/// Seed 000's README examples, run with curl against the real binary. Only the deployment URL,
/// the secret placeholder and the experiment id placeholder are substituted, and one quoting
/// slip of the seed is mended: its messages example puts `I'd` and `What's` inside a
/// single-quoted shell string, which ends the string early in any shell.
#[tokio::test]
async fn seed_000_curl_examples_work_verbatim() {
    const EXAMPLES: &str = include_str!("../fixtures/seed-000-examples.sh");
    let database = fresh_database().await;
    let secret = "sbk_seed000-example-secret-0123456789";
    create_app(&database.url, secret);
    let port = free_port();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    wait_until_serving(&mut child, port).await;

    let mut experiment_id = String::new();
    let mut ran = Vec::new();
    for example in EXAMPLES.split("# example: ").skip(1) {
        let (title, command_text) = example.split_once('\n').unwrap();
        let script = command_text
            .trim()
            .replace(
                "https://your-deployment.convex.cloud",
                &format!("http://127.0.0.1:{port}"),
            )
            .replace(
                "\"appSecret\": \"...\"",
                &format!("\"appSecret\": \"{secret}\""),
            )
            .replace("appSecret=...", &format!("appSecret={secret}"))
            .replace("jd72abc...", &experiment_id)
            .replace("I'd be happy", "I'\\''d be happy")
            .replace("What's your", "What'\\''s your");
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("{script} -sS -w '\\n%{{http_code}}'"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let (body, status) = stdout.trim_end().rsplit_once('\n').unwrap();
        assert_eq!(status, "200", "{title}: {body}");
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        if title == "Create an A/B Experiment" {
            experiment_id = body["id"].as_str().unwrap().to_owned();
        }
        if title == "Search Knowledge" {
            assert_eq!(body["results"][0]["title"], "Return Policy", "{body}");
            assert!(body["results"].as_array().unwrap().len() <= 3);
        }
        if title == "Assign a Variant" {
            assert_eq!(body["alreadyAssigned"], false, "{body}");
            assert!(["formal", "casual"].contains(&body["variantId"].as_str().unwrap()));
        }
        ran.push(title.to_owned());
    }
    assert_eq!(ran.len(), 17, "{ran:?}");

    terminate(&mut child).await;
}

/// A dashboard following a session must not keep the server from stopping.
#[tokio::test]
async fn sigterm_stops_the_server_while_a_live_stream_is_open() {
    let database = fresh_database().await;
    let created = command(&database.url)
        .args(["app", "create", "--slug", "my-app", "--name", "My App"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8(created.stdout).unwrap();
    let secret = stdout.lines().last().unwrap().trim().to_owned();
    let port = free_port();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    wait_until_serving(&mut child, port).await;

    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "GET /api/messages/stream?sessionId=s HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {secret}\r\nX-App-Slug: my-app\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = [0u8; 64];
    let read = stream.read(&mut head).await.unwrap();
    assert!(
        String::from_utf8_lossy(&head[..read]).starts_with("HTTP/1.1 200"),
        "the stream is open"
    );

    let exit = terminate(&mut child).await;
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
}

/// `curl` against the server with the app's secret; the status and the JSON answer (or Null).
fn curl(
    port: u16,
    secret: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut command = Command::new("curl");
    command
        .args(["-sS", "-X", method, "-w", "\n%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {secret}")])
        .args(["-H", "X-App-Slug: my-app"]);
    if let Some(body) = body {
        command.args(["-H", "Content-Type: application/json", "--data", body]);
    }
    let output = command
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, status) = stdout
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", stdout.trim()));
    (
        status.parse().unwrap(),
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

/// The voice contracts of seeds 000, 002, 003 and 004 against the real binary pointed at the
/// fake LiveKit, which calls back with signed webhooks as a LiveKit server would. (Several
/// threads: `curl` blocks one while the fake answers on another.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_contracts_work_against_the_binary_and_the_fake_livekit() {
    let database = fresh_database().await;
    let secret = "sbk_voice-example-secret-0123456789";
    create_app(&database.url, secret);
    let port = free_port();
    let livekit = ::fakes::FakeLivekit::new(
        LIVEKIT_KEY,
        LIVEKIT_SECRET,
        Some(format!("http://127.0.0.1:{port}/api/livekit/webhook")),
    );
    let livekit_address = ::fakes::serve(livekit.router(), 0).await.unwrap();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .livekit(livekit_address)
        .env("LIVEKIT_RECORDING_PATH", "recordings")
        .spawn()
        .unwrap();
    wait_until_serving(&mut child, port).await;

    // Seed 004: the README's request, verbatim.
    let seed_004_request = r#"{
  "userIdentity": "user-123",
  "roomName": "optional-room",
  "agentConfig": {
    "stt": "assemblyai/universal-streaming:en",
    "tts": "cartesia/sonic-3:9626c31c-bec5-4cca-baa8-f8ba9e84c8bc",
    "llm": "openai/gpt-4o-mini",
    "prompt": "You are a helpful voice AI assistant. Be concise and friendly.",
    "greeting": "Say, 'Hi I’m Maya, how can I help you today?'",
    "realtime": false,
    "realtime_model": "gpt-4o-realtime-preview",
    "realtime_voice": "sage",
    "vad_enabled": true,
    "turn_detection_enabled": true,
    "noise_cancellation_enabled": true,
    "noise_cancellation_type": "auto"
  }
}"#;
    let (status, started) = curl(port, secret, "POST", "/session", Some(seed_004_request));
    assert_eq!(status, 200, "{started}");
    for key in [
        "userToken",
        "roomName",
        "livekitUrl",
        "agentDispatched",
        "agentConfig",
    ] {
        assert!(started.get(key).is_some(), "{key} missing: {started}");
    }
    assert_eq!(started["livekitUrl"], format!("ws://{livekit_address}"));
    assert_eq!(started["agentConfig"]["realtime_voice"], "sage");

    // The fake LiveKit's signed participant_joined reaches the server: the agent is active.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, sessions) = curl(port, secret, "GET", "/api/voice/sessions", None);
        if sessions["sessions"][0]["agentStatus"] == "active" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the agent never joined: {sessions}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = curl(
        port,
        secret,
        "POST",
        "/session/end",
        Some(r#"{ "roomName": "optional-room" }"#),
    );
    assert_eq!(status, 204);
    let (status, _) = curl(
        port,
        secret,
        "POST",
        "/session/end",
        Some(r#"{ "roomName": "room-uuid" }"#),
    );
    assert_eq!(status, 404);

    // Seed 002: the TypeScript example's request, then its lifecycle.
    let (status, call) = curl(
        port,
        secret,
        "POST",
        "/api/voice/session",
        Some(
            r#"{"callType":"support","enableRecording":true,"enableAiAgent":true,"voice":"alloy"}"#,
        ),
    );
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["success"], true);
    let room = call["session"]["roomName"].as_str().unwrap().to_owned();
    let (status, recording) = curl(
        port,
        secret,
        "POST",
        "/api/voice/recording",
        Some(&format!(r#"{{"roomName":"{room}"}}"#)),
    );
    assert_eq!(status, 200, "{recording}");
    let (status, ended) = curl(
        port,
        secret,
        "DELETE",
        &format!("/api/voice/session?roomName={room}"),
        None,
    );
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["message"], "Session ended successfully");

    // Seed 003: backend sessions.
    let (status, session) = curl(
        port,
        secret,
        "POST",
        "/voice/sessions",
        Some(
            r#"{ "customer_id": "cust-1", "direction": "inbound", "locale": "en-US", "simulation": false }"#,
        ),
    );
    assert_eq!(status, 200, "{session}");
    let id = session["session_id"].as_str().unwrap();
    assert_eq!(
        curl(port, secret, "GET", &format!("/voice/sessions/{id}"), None).1["status"],
        "active"
    );
    assert_eq!(
        curl(
            port,
            secret,
            "PUT",
            &format!("/voice/sessions/{id}/end"),
            None
        )
        .1["status"],
        "ended"
    );
    let (status, _) = curl(
        port,
        secret,
        "POST",
        "/api/logs",
        Some(r#"{"level":"info","message":"playground connected"}"#),
    );
    assert_eq!(status, 200);
    let (_, tail) = curl(port, secret, "GET", "/api/logs?tail=200", None);
    assert!(
        tail["lines"][0]
            .as_str()
            .unwrap()
            .ends_with("playground connected"),
        "{tail}"
    );

    // Seed 000: a room and a token for it.
    let (status, room) = curl(
        port,
        secret,
        "POST",
        "/api/livekit/rooms",
        Some(r#"{"sessionId": "session-1"}"#),
    );
    assert_eq!(status, 200, "{room}");
    let room_name = room["roomName"].as_str().unwrap();
    let (status, token) = curl(
        port,
        secret,
        "POST",
        "/api/livekit/token",
        Some(&format!(
            r#"{{"roomName": "{room_name}", "identity": "user-1"}}"#
        )),
    );
    assert_eq!(status, 200, "{token}");
    assert!(token["token"].as_str().unwrap().starts_with("eyJ"));

    // Every session, whichever API started it, is in the one list.
    let (_, all) = curl(port, secret, "GET", "/api/voice/sessions", None);
    let origins: Vec<&str> = all["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap())
        .collect();
    for origin in ["session", "voice", "elevenlabs", "livekit"] {
        assert!(origins.contains(&origin), "{origins:?}");
    }

    terminate(&mut child).await;
}

/// With `METRICS_BIND`, Prometheus metrics are served there and only there: requests by route
/// template (no ids), the pool, the queues, the jobs, the voice sessions, outbound calls to
/// LiveKit and the webhooks it sends back (the fake LiveKit answers and calls back).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_on_their_own_address_with_bounded_labels() {
    let database = fresh_database().await;
    let secret = "sbk_metrics-example-secret-0123456789";
    create_app(&database.url, secret);
    let (port, metrics_port) = (free_port(), free_port());
    let livekit = ::fakes::FakeLivekit::new(
        LIVEKIT_KEY,
        LIVEKIT_SECRET,
        Some(format!("http://127.0.0.1:{port}/api/livekit/webhook")),
    );
    let livekit_address = ::fakes::serve(livekit.router(), 0).await.unwrap();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
        .livekit(livekit_address)
        .spawn()
        .unwrap();
    wait_until_serving(&mut child, port).await;

    let (status, _) = http_get(port, "/metrics").await.unwrap();
    assert_eq!(status, 404, "never on the public address");
    let (status, _) = http_get(port, "/api/conversations/session-4711")
        .await
        .unwrap();
    assert_eq!(status, 401);
    let (status, started) = curl(
        port,
        secret,
        "POST",
        "/session",
        Some(r#"{"userIdentity": "user-1", "roomName": "metrics-room"}"#),
    );
    assert_eq!(status, 200, "{started}");

    // The jobs' first runs and the fake's webhook land a moment after start.
    let deadline = Instant::now() + Duration::from_secs(20);
    let scraped = loop {
        let (status, body) = http_get(metrics_port, "/metrics").await.unwrap();
        assert_eq!(status, 200, "{body}");
        let complete = [
            "switchboard_job_runs_total{job=\"maintenance\",outcome=\"ok\"}",
            "switchboard_livekit_webhooks_total{event=\"participant_joined\",outcome=\"handled\"}",
        ]
        .iter()
        .all(|series| body.contains(series));
        if complete {
            break body;
        }
        assert!(Instant::now() < deadline, "metrics incomplete:\n{body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let series = |name: &str, labels: &[&str]| {
        scraped
            .lines()
            .find(|line| {
                line.starts_with(&format!("{name}{{"))
                    && labels.iter().all(|label| line.contains(label))
            })
            .unwrap_or_else(|| panic!("no {name} with {labels:?}:\n{scraped}"))
            .to_owned()
    };
    let conversation = series(
        "switchboard_http_requests_total",
        &[
            r#"route="/api/conversations/{session_id}""#,
            r#"method="GET""#,
            r#"status="401""#,
        ],
    );
    assert!(conversation.ends_with(" 1"), "{conversation}");
    series(
        "switchboard_http_requests_total",
        &[r#"route="unmatched""#, r#"status="404""#],
    );
    series(
        "switchboard_http_request_duration_seconds_bucket",
        &[r#"route="/session""#, r#"le="0.1""#],
    );
    assert!(!scraped.contains("session-4711"), "no ids in labels");
    series(
        "switchboard_outbound_requests_total",
        &[r#"target="livekit""#, r#"outcome="ok""#],
    );
    series(
        "switchboard_outbound_request_duration_seconds_bucket",
        &[r#"target="livekit""#],
    );
    for (name, labels) in [
        ("switchboard_db_pool_connections", &[r#"state="idle""#][..]),
        (
            "switchboard_db_pool_acquire_seconds_bucket",
            &[r#"le="0.01""#],
        ),
        (
            "switchboard_queue_depth",
            &[r#"queue="webhook_deliveries""#],
        ),
        (
            "switchboard_queue_depth",
            &[r#"queue="knowledge_ingestion""#],
        ),
        ("switchboard_voice_sessions_open", &[r#"status="pending""#]),
    ] {
        series(name, labels);
    }
    // SQLite's main connection runs beside the ten read-only ones.
    let max_connections = match backend() {
        model::platform::status::DatabaseBackend::Sqlite => 11,
        model::platform::status::DatabaseBackend::Postgres => 10,
    };
    assert!(
        scraped.contains(&format!(
            "switchboard_db_pool_max_connections {max_connections}"
        )),
        "{scraped}"
    );

    terminate(&mut child).await;
}

/// With `OTEL_EXPORTER_OTLP_ENDPOINT`, traces go out over OTLP/HTTP (protobuf), decoded here as
/// a collector would: one request's trace holds the request (with its `x-request-id`), the
/// domain call, its SQL statements and the call out to (the fake) LiveKit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_go_out_over_otlp_with_the_request_id() {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
    use prost::Message;

    let exported = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let collector = {
        let exported = exported.clone();
        axum::Router::new().route(
            "/v1/traces",
            axum::routing::post(move |body: axum::body::Bytes| {
                let exported = exported.clone();
                async move {
                    let request = ExportTraceServiceRequest::decode(body).unwrap();
                    exported.lock().unwrap().push(request);
                    (
                        [("content-type", "application/x-protobuf")],
                        Vec::<u8>::new(),
                    )
                }
            }),
        )
    };
    let collector_address = ::fakes::serve(collector, 0).await.unwrap();

    let database = fresh_database().await;
    let secret = "sbk_traces-example-secret-0123456789";
    create_app(&database.url, secret);
    let port = free_port();
    let livekit = ::fakes::FakeLivekit::new(LIVEKIT_KEY, LIVEKIT_SECRET, None);
    let livekit_address = ::fakes::serve(livekit.router(), 0).await.unwrap();
    let mut child = command(&database.url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://{collector_address}"),
        )
        .env("OTEL_SERVICE_NAME", "switchboard-under-test")
        .livekit(livekit_address)
        .spawn()
        .unwrap();
    wait_until_serving(&mut child, port).await;

    let output = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {secret}")])
        .args(["-H", "X-App-Slug: my-app"])
        .args(["-H", "X-Request-Id: trace-me-4711"])
        .args(["-H", "Content-Type: application/json"])
        .args([
            "--data",
            r#"{"userIdentity": "user-1", "roomName": "traced-room"}"#,
        ])
        .arg(format!("http://127.0.0.1:{port}/session"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200");
    // Stopping flushes what the exporter still holds.
    assert!(terminate(&mut child).await.success());

    let exported = exported.lock().unwrap();
    let text = |value: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>| match value
        .as_ref()
        .and_then(|v| v.value.as_ref())
    {
        Some(AnyValue::StringValue(text)) => text.clone(),
        other => format!("{other:?}"),
    };
    let mut spans = Vec::new();
    for request in exported.iter() {
        for resource in &request.resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|a| a.key == "service.name")
                .map(|a| text(&a.value));
            assert_eq!(service.as_deref(), Some("switchboard-under-test"));
            for scope in &resource.scope_spans {
                spans.extend(scope.spans.iter().cloned());
            }
        }
    }
    let attribute = |span: &opentelemetry_proto::tonic::trace::v1::Span, key: &str| {
        span.attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| text(&a.value))
    };
    let request = spans
        .iter()
        .find(|s| {
            s.name == "request" && attribute(s, "request_id").as_deref() == Some("trace-me-4711")
        })
        .unwrap_or_else(|| {
            panic!(
                "no request span with the request id among {} spans",
                spans.len()
            )
        });
    assert_eq!(attribute(request, "path").as_deref(), Some("/session"));
    let in_trace: Vec<_> = spans
        .iter()
        .filter(|s| s.trace_id == request.trace_id)
        .collect();
    let names: Vec<&str> = in_trace.iter().map(|s| s.name.as_str()).collect();
    for name in [
        "authenticate_app_secret",
        "start_session",
        "sql",
        "outbound",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let outbound = in_trace.iter().find(|s| s.name == "outbound").unwrap();
    assert_eq!(
        attribute(outbound, "outbound.target").as_deref(),
        Some("livekit")
    );
    let sql = in_trace.iter().find(|s| s.name == "sql").unwrap();
    let system = attribute(sql, "db.system").unwrap();
    assert!(
        ["sqlite", "postgresql"].contains(&system.as_str()),
        "{system}"
    );
}

/// Two instances on one PostgreSQL, as the scale-out section promises: a message posted to one
/// reaches a live stream open on the other; a rate limit bites at the same count whichever
/// instance is hit; a token revoked on one is refused by the other within the 5 s the
/// authentication cache may hold it; each periodic job runs once, not once per instance; a
/// rotated app secret is refused by both within those 5 s. (PostgreSQL only: a SQLite file
/// belongs to one process.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_share_streams_limits_revocations_and_rotations() {
    if backend() != model::platform::status::DatabaseBackend::Postgres {
        return;
    }
    let database = fresh_database().await;
    let secret = "sbk_two-instances-secret-0123456789";
    let receiver = crate::fakes::FakeServer::answering("{}").await;
    let created = command(&database.url)
        .env("OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")
        .args(["app", "create", "--secret", secret, "--json"])
        .arg(
            serde_json::json!({"slug": "my-app", "name": "My App",
                "handoffWebhookUrl": format!("{}/hooks", receiver.url)})
            .to_string(),
        )
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let ports = [free_port(), free_port()];
    let metrics_ports = [free_port(), free_port()];
    let mut children = Vec::new();
    for (port, metrics_port) in ports.into_iter().zip(metrics_ports) {
        let mut child = command(&database.url)
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
            .env("OUTBOUND_ALLOWED_HOSTS", "127.0.0.1")
            .env("RATE_LIMITS", "read=20/15m")
            .spawn()
            .unwrap();
        wait_until_serving(&mut child, port).await;
        children.push(child);
    }

    // A live stream on instance 2 sees a message posted to instance 1.
    let mut stream = TcpStream::connect(("127.0.0.1", ports[1])).await.unwrap();
    let request = format!(
        "GET /api/messages/stream?sessionId=shared HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {secret}\r\nX-App-Slug: my-app\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    let read = stream.read(&mut buffer).await.unwrap();
    seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    let (status, stored) = curl(
        ports[0],
        secret,
        "POST",
        "/api/messages",
        Some(
            r#"{"messages": [{"sessionId": "shared", "participantIdentity": "user",
                "role": "user", "content": "posted to the first instance", "isFinal": true,
                "createdAt": 10, "segmentId": "SG_1"}]}"#,
        ),
    );
    assert_eq!(status, 200, "{stored}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.contains("posted to the first instance") {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let read = tokio::time::timeout(remaining, stream.read(&mut buffer))
            .await
            .unwrap_or_else(|_| panic!("the message never reached instance 2: {seen}"))
            .unwrap();
        assert!(read > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }

    // One browser token, its reads alternating between the instances: exactly 20 pass.
    let (status, session) = curl(ports[0], secret, "POST", "/api/auth/session", Some("{}"));
    assert_eq!(status, 200, "{session}");
    let token = session["sessionToken"].as_str().unwrap().to_owned();
    let mut allowed = 0;
    for attempt in 0..30 {
        let port = ports[attempt % 2];
        let (status, _) = http_get(port, &format!("/api/auth/me?sessionToken={token}"))
            .await
            .unwrap();
        match status {
            200 => allowed += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        allowed, 20,
        "the read limit is 20 per token, whichever instance counts"
    );

    // A fresh token, revoked through instance 1, is refused by instance 2 within 5 s.
    let (_, session) = curl(ports[0], secret, "POST", "/api/auth/session", Some("{}"));
    let token = session["sessionToken"].as_str().unwrap().to_owned();
    let me = format!("/api/auth/me?sessionToken={token}");
    assert_eq!(
        http_get(ports[1], &me).await.unwrap().0,
        200,
        "cached on instance 2"
    );
    let (status, _) = curl(
        ports[0],
        secret,
        "POST",
        "/api/auth/session/revoke",
        Some(&format!(r#"{{"sessionToken": "{token}"}}"#)),
    );
    assert!((200..300).contains(&status), "{status}");
    let revoked_at = Instant::now();
    loop {
        let (status, _) = http_get(ports[1], &me).await.unwrap();
        if status == 401 {
            break;
        }
        assert!(
            revoked_at.elapsed() < Duration::from_secs(6),
            "instance 2 still accepts a token revoked 6 s ago"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Webhooks: ten handoffs created through both instances, each event delivered once,
    // though both instances' workers poll the one queue.
    for n in 0..10 {
        let (status, created) = curl(
            ports[n % 2],
            secret,
            "POST",
            "/api/handoffs",
            Some(&format!(
                r#"{{"sessionId": "ses_{n}", "reason": "user_requested", "transcript": []}}"#
            )),
        );
        assert_eq!(status, 200, "{created}");
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver.received().len() < 10 {
        assert!(
            Instant::now() < deadline,
            "{} delivered",
            receiver.received().len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Longer than the workers' 5 s poll: a second delivery would have come by now.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let mut sessions: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.json()["sessionId"].as_str().unwrap().to_owned())
        .collect();
    sessions.sort();
    let expected: Vec<String> = (0..10).map(|n| format!("ses_{n}")).collect();
    assert_eq!(sessions, expected, "each handoff.created delivered once");

    // Both started within the first period of every job but the 15 s handoff expiry: each
    // ran once, on one instance or the other.
    let mut runs = std::collections::HashMap::<String, u64>::new();
    for metrics_port in metrics_ports {
        let (_, scraped) = http_get(metrics_port, "/metrics").await.unwrap();
        for line in scraped.lines() {
            if let Some(rest) = line.strip_prefix("switchboard_job_runs_total{job=\"")
                && let Some((job, count)) = rest.split_once("\",outcome=\"ok\"} ")
            {
                *runs.entry(job.to_owned()).or_default() += count.parse::<u64>().unwrap();
            }
        }
    }
    for job in ["maintenance", "insights", "stale_sessions"] {
        assert_eq!(runs.get(job), Some(&1), "{job}: {runs:?}");
    }

    // The app's secret, rotated away from both instances (by the CLI), is refused by each
    // within the 5 s its authentication cache may hold it; the new secret works on both.
    let messages = "/api/messages?sessionId=shared";
    for port in ports {
        assert_eq!(curl(port, secret, "GET", messages, None).0, 200, "cached");
    }
    let rotated = command(&database.url)
        .args(["app", "rotate-secret", "my-app"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(rotated.status.success());
    let rotated_at = Instant::now();
    let new_secret = String::from_utf8(rotated.stdout).unwrap();
    let new_secret = new_secret.lines().last().unwrap().trim();
    for port in ports {
        while curl(port, secret, "GET", messages, None).0 != 401 {
            assert!(
                rotated_at.elapsed() < Duration::from_secs(6),
                "instance on port {port} still accepts a secret rotated 6 s ago"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(curl(port, new_secret, "GET", messages, None).0, 200);
    }

    for mut child in children {
        terminate(&mut child).await;
    }
}
