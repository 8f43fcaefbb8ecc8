//! Our LiveKit adapter against the real LiveKit server (the pinned Go build that
//! `scripts/livekit` runs on loopback): tokens accepted by a real join, the room and dispatch
//! APIs, and webhooks signed by the server. `scripts/test` runs this target; by hand:
//! `cargo test -p integrations --test livekit_server` (installs the server on first use).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use domain::ports::Livekit as _;
use domain::ports::livekit::{NewRoom, TokenSpec};
use domain::{Error, LivekitSettings, Secret};
use futures_util::StreamExt;
use integrations::livekit::Livekit;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::room::RoomClient;
use livekit_protocol::{SignalResponse, signal_response};
use prost::Message as _;
use tokio::time::{Instant, sleep, timeout};
use tokio_tungstenite::tungstenite::Message;

const KEY: &str = "devkey";
const SECRET: &str = "devsecret-devsecret-devsecret-00";

/// One LiveKit server process on free loopback ports, stopped when dropped.
struct LivekitServer {
    child: Child,
    port: u16,
}

impl LivekitServer {
    async fn start(webhook_url: &str) -> LivekitServer {
        let port = free_port_triple();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/livekit");
        let child = Command::new(script)
            .args(["--port", &port.to_string(), "--webhook", webhook_url])
            .stdout(Stdio::null())
            .spawn()
            .expect("scripts/livekit starts");
        let server = LivekitServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(300);
        while answers_ok(port).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "LiveKit never answered on {port}"
            );
            sleep(Duration::from_millis(100)).await;
        }
        server
    }

    fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn adapter(&self, secret: &str) -> Livekit {
        let settings = LivekitSettings {
            url: Some(format!("ws://127.0.0.1:{}", self.port)),
            api_key: Secret::new(Some(KEY.into())),
            api_secret: Secret::new(Some(secret.into())),
            ..LivekitSettings::default()
        };
        Livekit::from_settings(&settings).expect("configured")
    }

    fn rooms(&self) -> RoomClient {
        RoomClient::with_api_key(&self.http_url(), KEY, SECRET)
    }
}

impl Drop for LivekitServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain TCP connect and `GET /`: LiveKit answers `OK` once it serves.
async fn answers_ok(port: u16) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    if answer.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(std::io::Error::other(answer))
    }
}

/// A port P with P and P+1 free for TCP and P+2 free for UDP, as `scripts/livekit` uses them.
fn free_port_triple() -> u16 {
    loop {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .expect("a free port");
        let Some(last) = port.checked_add(2) else {
            continue;
        };
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port + 1)).is_ok()
            && UdpSocket::bind((Ipv4Addr::LOCALHOST, last)).is_ok()
        {
            return port;
        }
    }
}

/// The webhooks the server posted: (body, Authorization).
type Received = Arc<Mutex<Vec<(String, String)>>>;

async fn webhook_sink() -> (String, Received) {
    let received = Received::default();
    let sink = received.clone();
    let router = axum::Router::new().route(
        "/api/livekit/webhook",
        axum::routing::post(move |headers: HeaderMap, body: String| async move {
            let authorization = headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            sink.lock().unwrap().push((body, authorization));
        }),
    );
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}/api/livekit/webhook"), received)
}

type Signal =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Joins a room over LiveKit's signalling WebSocket, as a client SDK does first.
async fn join(server: &LivekitServer, token: &str) -> Result<(Signal, SignalResponse), String> {
    let url = format!(
        "ws://127.0.0.1:{}/rtc?access_token={token}&protocol=15&sdk=rust&auto_subscribe=1",
        server.port
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|err| err.to_string())?;
    let first = next_signal(&mut socket).await.ok_or("no join response")?;
    Ok((socket, first))
}

async fn next_signal(socket: &mut Signal) -> Option<SignalResponse> {
    loop {
        match timeout(Duration::from_secs(10), socket.next()).await {
            Ok(Some(Ok(Message::Binary(bytes)))) => {
                return SignalResponse::decode(bytes.as_ref()).ok();
            }
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

fn token(livekit: &Livekit, room: &str, identity: &str) -> String {
    livekit
        .token(&TokenSpec {
            room,
            identity,
            name: Some("Ada"),
            ttl: Duration::from_secs(60),
            ..TokenSpec::default()
        })
        .unwrap()
}

async fn wait_for_webhook(received: &Received, event: &str) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = received
            .lock()
            .unwrap()
            .iter()
            .find(|(body, _)| body.contains(&format!(r#""event":"{event}""#)))
            .cloned();
        if let Some(found) = found {
            return found;
        }
        assert!(Instant::now() < deadline, "no {event} webhook arrived");
        sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn rooms_tokens_participants_and_dispatches_work_against_the_real_server() {
    let (webhook_url, _) = webhook_sink().await;
    let server = LivekitServer::start(&webhook_url).await;
    let livekit = server.adapter(SECRET);
    let room = "switchboard-real-room";

    livekit
        .create_room(NewRoom {
            name: room,
            max_participants: 3,
            empty_timeout_secs: 60,
            metadata: r#"{"agentMode":"pipeline"}"#.into(),
        })
        .await
        .unwrap();
    assert_eq!(
        livekit
            .existing_rooms(vec![room.into(), "never-made".into()])
            .await
            .unwrap(),
        vec![room.to_owned()]
    );
    let listed = server.rooms().list_rooms(vec![room.into()]).await.unwrap();
    assert_eq!(listed[0].max_participants, 3);
    assert_eq!(listed[0].metadata, r#"{"agentMode":"pipeline"}"#);

    // Our token joins: the server answers with the room and our identity.
    let (mut socket, joined) = join(&server, &token(&livekit, room, "caller-1"))
        .await
        .unwrap();
    let Some(signal_response::Message::Join(joined)) = joined.message else {
        panic!("expected a join response, got {joined:?}");
    };
    assert_eq!(joined.room.unwrap().name, room);
    let me = joined.participant.unwrap();
    assert_eq!(
        (me.identity.as_str(), me.name.as_str()),
        ("caller-1", "Ada")
    );
    let participants = server.rooms().list_participants(room).await.unwrap();
    assert_eq!(
        participants
            .iter()
            .map(|p| p.identity.as_str())
            .collect::<Vec<_>>(),
        ["caller-1"]
    );

    // A token signed with another secret is refused by the server.
    let forged = server.adapter("another-secret-another-secret-000");
    let refused = join(&server, &token(&forged, room, "caller-2")).await;
    assert!(refused.is_err(), "a forged token joined: {refused:?}");

    // Removing the participant ends its signalling session; removing it again is no error.
    livekit.remove_participant(room, "caller-1").await.unwrap();
    let mut left = false;
    while let Some(signal) = next_signal(&mut socket).await {
        if matches!(signal.message, Some(signal_response::Message::Leave(_))) {
            left = true;
            break;
        }
    }
    assert!(left, "the removed participant was never told to leave");
    livekit.remove_participant(room, "caller-1").await.unwrap();

    // An explicit dispatch keeps its metadata, and can be removed.
    let metadata = r#"{"agentConfig":{"prompt":"Be brief"},"appSlug":"shop"}"#;
    let dispatch = livekit
        .dispatch_agent(room, "switchboard-agent", metadata.into())
        .await
        .unwrap();
    let dispatches = AgentDispatchClient::with_api_key(&server.http_url(), KEY, SECRET);
    // (The room also holds LiveKit's own default dispatch, for agents registered without a name.)
    let named = || async {
        let listed = dispatches.list_dispatch(room).await.unwrap();
        listed
            .into_iter()
            .filter(|d| d.agent_name == "switchboard-agent")
            .collect::<Vec<_>>()
    };
    let listed = named().await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, dispatch.id);
    assert_eq!(listed[0].metadata, metadata);
    livekit.remove_dispatch(&dispatch.id, room).await.unwrap();
    assert!(named().await.is_empty());

    // Deleting the room, twice: the second finds nothing, which counts as deleted.
    livekit.delete_room(room).await.unwrap();
    livekit.delete_room(room).await.unwrap();
    assert!(
        livekit
            .existing_rooms(vec![room.into()])
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn webhooks_signed_by_the_real_server_verify_and_a_tampered_one_is_refused() {
    let (webhook_url, received) = webhook_sink().await;
    let server = LivekitServer::start(&webhook_url).await;
    let livekit = server.adapter(SECRET);
    let room = "switchboard-webhook-room";
    let (_socket, _) = join(&server, &token(&livekit, room, "caller-1"))
        .await
        .unwrap();
    livekit.delete_room(room).await.unwrap();

    // (participant_joined needs media: a signalling-only client never becomes active. The
    // browser test on the real stack checks it.)
    for name in ["room_started", "room_finished"] {
        let (body, authorization) = wait_for_webhook(&received, name).await;
        let event = livekit.verify_webhook(&body, &authorization).unwrap();
        assert_eq!(event.event, name);
        assert_eq!(event.room_name.as_deref(), Some(room));
    }
    // (This server version sends room_finished without a room_end_reason; the domain then
    // records the reason as "room_finished".)
    let (body, authorization) = wait_for_webhook(&received, "room_finished").await;

    // One changed byte, or a verifier with another secret, and the signature no longer holds.
    let tampered = body.replacen(room, "switchboard-webhook-rooM", 1);
    assert!(matches!(
        livekit.verify_webhook(&tampered, &authorization),
        Err(Error::Unauthenticated)
    ));
    let stranger = server.adapter("another-secret-another-secret-000");
    assert!(matches!(
        stranger.verify_webhook(&body, &authorization),
        Err(Error::Unauthenticated)
    ));
}
