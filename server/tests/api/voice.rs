//! Voice sessions against the fake LiveKit and fake ElevenLabs (real Twirp, real signatures).

use ::fakes::{FakeElevenLabs, FakeLivekit, participant, sign_webhook, webhook_event};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use domain::agent::voice::elevenlabs;
use domain::{ElevenLabsSettings, Integrations, LivekitSettings, Secret, TelephonySettings};
use livekit_api::access_token::TokenVerifier;
use livekit_protocol::participant_info::Kind;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, TestResponse, test_integrations};

const KEY: &str = "devkey";
const SECRET: &str = "devsecret-devsecret-devsecret-00";

struct Voice {
    app: TestApp,
    livekit: FakeLivekit,
    tenant: Tenant,
}

fn livekit_settings(url: String) -> LivekitSettings {
    LivekitSettings {
        url: Some(url),
        api_key: Secret::new(Some(KEY.into())),
        api_secret: Secret::new(Some(SECRET.into())),
        agent_name: "switchboard-agent".into(),
        recording_path: Some("recordings".into()),
        platform_url: Some("http://switchboard.test".into()),
        ..LivekitSettings::default()
    }
}

/// A fake LiveKit on a free port, and the settings that point at it.
pub async fn fake_livekit() -> (FakeLivekit, LivekitSettings) {
    let livekit = FakeLivekit::new(KEY, SECRET, None);
    let address = ::fakes::serve(livekit.router(), 0).await.unwrap();
    (livekit, livekit_settings(format!("http://{address}")))
}

async fn voice_with(configure: impl FnOnce(&mut Integrations)) -> Voice {
    let (livekit, settings) = fake_livekit().await;
    let mut integrations = Integrations {
        livekit: settings,
        ..test_integrations()
    };
    configure(&mut integrations);
    let app = TestApp::with_integrations(integrations).await;
    let tenant = app.tenant("voice-app").await;
    Voice {
        app,
        livekit,
        tenant,
    }
}

async fn voice() -> Voice {
    voice_with(|_| {}).await
}

impl Voice {
    async fn webhook(&self, path: &str, event: &livekit_protocol::WebhookEvent) -> TestResponse {
        let body = serde_json::to_string(event).unwrap();
        let auth = sign_webhook(KEY, SECRET, &body).unwrap();
        self.raw_webhook(path, &body, &auth).await
    }

    async fn raw_webhook(&self, path: &str, body: &str, auth: &str) -> TestResponse {
        self.app
            .send(
                Method::POST,
                path,
                &[
                    ("authorization", auth),
                    ("content-type", "application/webhook+json"),
                ],
                Body::from(body.to_owned()),
            )
            .await
    }

    async fn session_by_room(&self, room: &str) -> Value {
        let page = self
            .app
            .get_as(&self.tenant, "/api/voice/sessions")
            .await
            .json();
        page["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["roomName"] == room)
            .cloned()
            .unwrap_or(Value::Null)
    }
}

#[tokio::test]
async fn rooms_tokens_and_verified_webhooks_follow_a_call() {
    let v = voice().await;
    let created = v
        .app
        .post_as(
            &v.tenant,
            "/api/livekit/rooms",
            json!({"sessionId": "session-1", "config": {"maxParticipants": 3}, "metadata": {"agentMode": "realtime"}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let room = created.json()["roomName"].as_str().unwrap().to_owned();
    assert!(room.starts_with("voice-app-session-1-"), "{room}");
    let calls = v.livekit.calls_of("CreateRoom");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].request["maxParticipants"], 3);
    assert_eq!(calls[0].request["metadata"], r#"{"agentMode":"realtime"}"#);
    assert!(calls[0].grants.room_create);

    let rooms = v.app.get_as(&v.tenant, "/api/livekit/rooms").await.json();
    assert_eq!(rooms["rooms"][0]["status"], "waiting");
    // LiveKit says the room started: it is active (seed 000), though nobody has joined yet.
    let started = v
        .webhook(
            "/api/livekit/webhook",
            &webhook_event("room_started", &room, None),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let active = v
        .app
        .get_as(&v.tenant, "/api/livekit/rooms?status=active")
        .await
        .json();
    assert_eq!(active["rooms"][0]["roomName"], room.as_str(), "{active}");
    assert_eq!(active["rooms"][0]["status"], "active");
    assert_eq!(active["rooms"][0]["participantCount"], 0);

    // A token for that room, checked with LiveKit's own verifier.
    let token = v
        .app
        .post_as(
            &v.tenant,
            "/api/livekit/token",
            json!({"roomName": room, "identity": "user-ab12", "name": "Ada"}),
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    let claims = TokenVerifier::with_api_key(KEY, SECRET)
        .verify(token.json()["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.sub, "user-ab12");
    assert_eq!(claims.name, "Ada");
    assert_eq!(claims.video.room, room);
    assert!(claims.video.room_join);
    assert_eq!(claims.exp - claims.nbf, 3_600);

    // Other rooms, bad identities and agent identities from a browser are refused.
    let unknown = v
        .app
        .post_as(
            &v.tenant,
            "/api/livekit/token",
            json!({"roomName": "elsewhere", "identity": "u"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad = v
        .app
        .post_as(
            &v.tenant,
            "/api/livekit/token",
            json!({"roomName": room, "identity": "a b"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let browser = v
        .app
        .post_json(
            "/api/livekit/token",
            &[],
            v.tenant
                .with_token(json!({"roomName": room, "identity": "agent-x"})),
        )
        .await;
    assert_eq!(browser.status, StatusCode::FORBIDDEN, "{}", browser.text);

    // A conversation for the session, resolved when the room finishes.
    let saved = v
        .app
        .post_as(
            &v.tenant,
            "/api/conversations",
            json!({"sessionId": "session-1", "messages": []}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    let joined = webhook_event(
        "participant_joined",
        &room,
        Some(participant("user-ab12", Kind::Standard)),
    );
    let first = v.webhook("/api/livekit/webhook", &joined).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    // A redelivery of the same event changes nothing.
    assert_eq!(
        v.webhook("/api/livekit/webhook", &joined).await.status,
        StatusCode::OK
    );
    let session = v.session_by_room(&room).await;
    assert_eq!(session["status"], "connected");
    assert_eq!(session["roomStatus"], "active");
    assert_eq!(session["participantCount"], 1);

    // Forged, unsigned, tampered and expired deliveries are refused.
    let body = serde_json::to_string(&webhook_event("room_finished", &room, None)).unwrap();
    let forged = sign_webhook(KEY, "another-secret-another-secret-00", &body).unwrap();
    assert_eq!(
        v.raw_webhook("/api/livekit/webhook", &body, &forged)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let for_other_body = sign_webhook(KEY, SECRET, "{}").unwrap();
    assert_eq!(
        v.raw_webhook("/api/livekit/webhook", &body, &for_other_body)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let missing = v
        .app
        .send(
            Method::POST,
            "/api/livekit/webhook",
            &[],
            Body::from(body.clone()),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    let expired = {
        use base64::Engine;
        use sha2::Digest;
        let digest =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
        hs256_jwt(json!({"iss": KEY, "sha256": digest, "nbf": 1_000, "exp": 2_000}))
    };
    assert_eq!(
        v.raw_webhook("/api/livekit/webhook", &body, &expired)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(v.session_by_room(&room).await["status"], "connected");

    // The genuine one, in seed 002's shape, ends the call and resolves the conversation.
    let bearer = format!("Bearer {}", sign_webhook(KEY, SECRET, &body).unwrap());
    let finished = v.raw_webhook("/api/voice/webhook", &body, &bearer).await;
    assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
    assert_eq!(
        finished.json(),
        json!({"received": true, "event": "room_finished"})
    );
    let session = v.session_by_room(&room).await;
    assert_eq!(session["status"], "completed");
    assert_eq!(session["roomStatus"], "ended");
    let conversation = v
        .app
        .get_as(&v.tenant, "/api/conversations/session-1")
        .await
        .json();
    assert_eq!(
        conversation["conversation"]["status"], "resolved",
        "{conversation}"
    );
    assert_eq!(conversation["conversation"]["resolution"], "room_ended");
    // The room's events are on the session's timeline, once each despite the redelivery.
    let events = v
        .app
        .get_as(&v.tenant, "/api/events?sessionId=session-1")
        .await
        .json();
    let types: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "livekit.participant_joined")
            .count(),
        1,
        "{types:?}"
    );
    assert!(types.contains(&"livekit.room_finished"), "{types:?}");
}

#[tokio::test]
async fn the_crates_golden_token_verifies_and_ours_carry_dispatch() {
    // The token minted by LiveKit's Python SDK that the Rust crate ships as a test vector.
    let golden = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibmFtZSIsInZpZGVvIjp7InJvb21Kb2luIjp0cnVlLCJyb29tIjoibXktcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWV9LCJyb29tQ29uZmlnIjp7ImFnZW50cyI6W3siYWdlbnROYW1lIjoidGVzdC1hZ2VudCIsIm1ldGFkYXRhIjoidGVzdC1tZXRhZGF0YSJ9XX0sInN1YiI6ImlkZW50aXR5IiwiaXNzIjoibXlhcGlrZXkiLCJuYmYiOjE3NDE4Njk2NzksImV4cCI6NDEwMjQ0NDgwMH0.hmKovgw6sDbQUFZxAQ9Xjb9-VUzeBw1A6URTXFuCLMU";
    let claims = TokenVerifier::with_api_key("myapikey", "thiskeyistotallyunsafe")
        .verify(golden)
        .unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.name.as_str()),
        ("identity", "name")
    );
    assert_eq!(claims.video.room, "my-room");
    assert_eq!(
        claims.room_config.unwrap().agents[0].agent_name,
        "test-agent"
    );
    // Our independent HS256 signer reproduces the SDK's signature byte for byte.
    let (signing_input, signature) = golden.rsplit_once('.').unwrap();
    assert_eq!(
        hs256_sign("thiskeyistotallyunsafe", signing_input),
        signature
    );

    let v = voice().await;
    let answer = v
        .app
        .post_json(
            "/api/livekit/token-source",
            &[],
            v.tenant.with_token(json!({
                "room_name": "support-room",
                "participant_identity": "caller-1",
                "participant_name": "Caller",
                "room_config": {"agents": [{"agent_name": "test-agent", "metadata": "test-metadata"}]}
            })),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = answer.json();
    assert!(
        answer["server_url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1")
    );
    let claims = TokenVerifier::with_api_key(KEY, SECRET)
        .verify(answer["participant_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.sub, "caller-1");
    let agents = claims.room_config.unwrap().agents;
    assert_eq!(agents[0].agent_name, "test-agent");
    assert_eq!(agents[0].metadata, "test-metadata");
    assert_eq!(v.session_by_room("support-room").await["origin"], "livekit");
}

#[tokio::test]
async fn seed_004_sessions_dispatch_the_agent_or_store_nothing() {
    let v = voice().await;
    let config = json!({
        "stt": "assemblyai/universal-streaming:en",
        "llm": "openai/gpt-4o-mini",
        "prompt": "You are a helpful voice AI assistant.",
        "realtime": false,
        "noise_cancellation_type": "auto",
        "unknown_key": "dropped"
    });
    let started = v
        .app
        .post_as(
            &v.tenant,
            "/session",
            json!({"userIdentity": "user-123", "roomName": "room-a", "agentConfig": config}),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let body = started.json();
    assert_eq!(body["roomName"], "room-a");
    assert_eq!(body["agentDispatched"], true);
    assert!(body["agentConfig"].get("unknown_key").is_none());
    assert_eq!(body["agentConfig"]["llm"], "openai/gpt-4o-mini");
    let claims = TokenVerifier::with_api_key(KEY, SECRET)
        .verify(body["userToken"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.video.room.as_str()),
        ("user-123", "room-a")
    );
    assert_eq!(claims.exp - claims.nbf, 600);
    let dispatch = &v.livekit.calls_of("CreateDispatch")[0];
    assert_eq!(dispatch.request["agentName"], "switchboard-agent");
    assert_eq!(dispatch.request["room"], "room-a");
    let metadata: Value =
        serde_json::from_str(dispatch.request["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(metadata["stt"], "assemblyai/universal-streaming:en");
    assert!(dispatch.grants.room_admin);

    // The same room while live: 409. Invalid input: 400 naming the fields.
    let again = v
        .app
        .post_as(
            &v.tenant,
            "/session",
            json!({"userIdentity": "u2", "roomName": "room-a"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let invalid = v
        .app
        .post_as(
            &v.tenant,
            "/session",
            json!({"userIdentity": "no spaces!", "agentConfig": {"realtime": "yes"}}),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert!(
        invalid.text.contains("userIdentity") && invalid.text.contains("agentConfig.realtime"),
        "{}",
        invalid.text
    );

    // A dispatch failure is a 502 and stores nothing.
    v.livekit.fail_next(
        "CreateDispatch",
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    );
    let failed = v
        .app
        .post_as(
            &v.tenant,
            "/session",
            json!({"userIdentity": "user-9", "roomName": "room-b"}),
        )
        .await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY, "{}", failed.text);
    assert_eq!(v.session_by_room("room-b").await, Value::Null);
    // The credential minted for its agent was revoked at once: none is left to revoke.
    let app = v
        .app
        .db
        .store
        .app_by_slug(&v.tenant.slug)
        .await
        .unwrap()
        .unwrap();
    let unrevoked = v
        .app
        .db
        .store
        .revoke_agent_credentials_for_room(&app.id, "room-b", i64::MAX)
        .await
        .unwrap();
    assert_eq!(unrevoked, Vec::<String>::new());

    // Ending: 204, the room is deleted; unknown rooms are 404.
    let ended = v
        .app
        .post_as(&v.tenant, "/session/end", json!({"roomName": "room-a"}))
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
    assert_eq!(
        v.livekit.calls_of("DeleteRoom")[0].request["room"],
        "room-a"
    );
    assert_eq!(v.session_by_room("room-a").await["status"], "missed");
    let unknown = v
        .app
        .post_as(&v.tenant, "/session/end", json!({"roomName": "nope"}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seed_002_calls_go_through_their_lifecycle() {
    let v = voice().await;
    let created = v
        .app
        .post_json(
            "/api/voice/session",
            &[],
            v.tenant.with_token(
                json!({"callType": "support", "voice": "nova", "participantName": "John Doe"}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    // The headers describe seed 002's own limit (10 calls an hour per token), which bites
    // before the general write limit (300 per 15 minutes) the call also passed.
    assert_eq!(created.header("x-ratelimit-limit"), Some("10"));
    assert_eq!(created.header("x-ratelimit-remaining"), Some("9"));
    let body = created.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "Voice session created successfully");
    let call = &body["session"];
    assert_eq!(
        (call["status"].as_str(), call["agentSpawned"].as_bool()),
        (Some("pending"), Some(true))
    );
    assert_eq!(call["agentStatus"], "pending");
    assert_eq!(call["participantName"], "John Doe");
    let room = call["roomName"].as_str().unwrap().to_owned();
    assert!(room.starts_with("support-user-"), "{room}");

    assert_eq!(
        v.app
            .post_as(
                &v.tenant,
                "/api/voice/session",
                json!({"callType": "video"})
            )
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let no_callee = v
        .app
        .post_as(
            &v.tenant,
            "/api/voice/session",
            json!({"callType": "user-to-user"}),
        )
        .await;
    assert!(no_callee.text.contains("calleeId"), "{}", no_callee.text);
    assert_eq!(
        v.app
            .post_as(&v.tenant, "/api/voice/session", json!({"roomName": room}))
            .await
            .status,
        StatusCode::CONFLICT
    );

    // LiveKit failing to open the room or to dispatch the agent leaves nothing behind.
    for method in ["CreateRoom", "CreateDispatch"] {
        v.livekit
            .fail_next(method, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        let failed = v
            .app
            .post_as(
                &v.tenant,
                "/api/voice/session",
                json!({"roomName": "doomed"}),
            )
            .await;
        assert_eq!(
            failed.status,
            StatusCode::BAD_GATEWAY,
            "{method}: {}",
            failed.text
        );
        assert!(failed.text.contains("unavailable"), "{}", failed.text);
        assert_eq!(v.session_by_room("doomed").await, Value::Null);
    }
    assert_eq!(
        v.livekit.calls_of("DeleteRoom")[0].request["room"],
        "doomed"
    );

    let path = format!("/api/voice/session?roomName={room}");
    let detail = v.app.get_as(&v.tenant, &path).await.json();
    assert_eq!(detail["session"]["callType"], "support");
    assert_eq!(detail["session"]["agentAvailable"], false);

    // The agent joins (a signed webhook), then the realtime configuration is available.
    let agent = participant("ai-agent-1", Kind::Agent);
    v.webhook(
        "/api/livekit/webhook",
        &webhook_event("participant_joined", &room, Some(agent)),
    )
    .await;
    let realtime = v
        .app
        .post_as(&v.tenant, "/api/voice/realtime", json!({"roomName": room}))
        .await;
    assert_eq!(realtime.status, StatusCode::OK, "{}", realtime.text);
    assert_eq!(realtime.json()["configuration"]["voice"], "nova");
    assert_eq!(
        realtime.json()["configuration"]["turn_detection"]["silence_duration_ms"],
        500
    );

    // Status changes go forward only.
    let patch = |status: &str| json!({"roomName": room, "status": status});
    let connected = v
        .app
        .call_as(
            &v.tenant,
            Method::PATCH,
            "/api/voice/session",
            Some(patch("connected")),
        )
        .await;
    assert_eq!(connected.status, StatusCode::OK, "{}", connected.text);
    let back = v
        .app
        .call_as(
            &v.tenant,
            Method::PATCH,
            "/api/voice/session",
            Some(patch("ringing")),
        )
        .await;
    assert_eq!(back.status, StatusCode::CONFLICT, "{}", back.text);
    let nonsense = v
        .app
        .call_as(
            &v.tenant,
            Method::PATCH,
            "/api/voice/session",
            Some(patch("dancing")),
        )
        .await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);

    // Recording: start, 409 while recording, stop with the file's URL.
    let start = v
        .app
        .post_as(&v.tenant, "/api/voice/recording", json!({"roomName": room}))
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text);
    assert!(
        start.json()["recording"]["egressId"]
            .as_str()
            .unwrap()
            .starts_with("EG_")
    );
    assert_eq!(
        v.app
            .post_as(&v.tenant, "/api/voice/recording", json!({"roomName": room}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let stopped = v
        .app
        .call_as(
            &v.tenant,
            Method::DELETE,
            &format!("/api/voice/recording?roomName={room}"),
            None,
        )
        .await;
    assert_eq!(stopped.status, StatusCode::OK, "{}", stopped.text);
    assert!(
        stopped.json()["recordingUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://recordings.example/recordings/")
    );

    // The list, then the end with its duration; another session token sees nothing of it.
    let list = v
        .app
        .get_as(&v.tenant, "/api/voice/session?limit=5")
        .await
        .json();
    assert_eq!(
        (list["count"].as_i64(), list["total"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(list["sessions"][0]["hasRecording"], true);
    let stranger = v
        .app
        .post_as(&v.tenant, "/api/auth/session", json!({}))
        .await
        .json();
    let stranger_token = stranger["sessionToken"].as_str().unwrap().to_owned();
    let peek = v
        .app
        .get(&format!(
            "/api/voice/session?roomName={room}&sessionToken={stranger_token}"
        ))
        .await;
    assert_eq!(peek.status, StatusCode::FORBIDDEN, "{}", peek.text);
    let ended = v.app.call_as(&v.tenant, Method::DELETE, &path, None).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text);
    assert!(ended.json()["duration"].as_i64().is_some());
    assert_eq!(v.session_by_room(&room).await["status"], "completed");
}

#[tokio::test]
async fn without_livekit_the_voice_apis_say_what_to_configure() {
    let app = TestApp::new().await;
    let tenant = app.tenant("plain").await;
    for (path, body) in [
        ("/api/livekit/rooms", json!({"sessionId": "s"})),
        ("/session", json!({"userIdentity": "u"})),
        ("/api/voice/session", json!({})),
    ] {
        let answer = app.post_as(&tenant, path, body).await;
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}: {}",
            answer.text
        );
        assert!(answer.text.contains("LIVEKIT_URL"), "{}", answer.text);
    }
    let recording = voice_with(|i| i.livekit.recording_path = None).await;
    let created = recording
        .app
        .post_as(
            &recording.tenant,
            "/api/voice/session",
            json!({"roomName": "r1"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let refused = recording
        .app
        .post_as(
            &recording.tenant,
            "/api/voice/recording",
            json!({"roomName": "r1"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(refused.text.contains("LIVEKIT_RECORDING_PATH"));
}

#[tokio::test]
async fn seed_003_sessions_and_elevenlabs_with_retries_and_signed_webhooks() {
    let fake = FakeElevenLabs::new("xi-test", &["agent-support"]);
    let address = ::fakes::serve(fake.router(), 0).await.unwrap();
    let v = voice_with(|i| {
        i.elevenlabs = ElevenLabsSettings {
            api_key: Secret::new(Some("xi-test".into())),
            support_agent_id: Some("agent-support".into()),
            sales_agent_id: Some("agent-missing".into()),
            webhook_secret: Secret::new(Some("whsec".into())),
            base_url: Some(format!("http://{address}")),
        }
    })
    .await;

    let created = v
        .app
        .post_as(&v.tenant, "/voice/sessions", json!({"customer_id": "c-1", "direction": "inbound", "locale": "en-US", "simulation": true}))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let session = created.json();
    assert_eq!(session["status"], "active");
    assert_eq!(session["customer_id"], "c-1");
    let id = session["session_id"].as_str().unwrap().to_owned();
    let bad = v
        .app
        .post_as(
            &v.tenant,
            "/voice/sessions",
            json!({"customer_id": "c", "direction": "sideways", "locale": "en-US"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        v.app
            .get_as(&v.tenant, &format!("/voice/sessions/{id}"))
            .await
            .json()["session_id"],
        id
    );
    let ended = v
        .app
        .call_as(
            &v.tenant,
            Method::PUT,
            &format!("/voice/sessions/{id}/end"),
            None,
        )
        .await;
    assert_eq!(ended.json()["status"], "ended");

    // Two overloads are retried away.
    fake.overload(2);
    let started = v
        .app
        .post_as(
            &v.tenant,
            "/api/voice/sessions",
            json!({"agentType": "support", "customerId": "c-2"}),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    assert_eq!(fake.requests(), 3);
    let started = started.json();
    assert!(
        started["elevenlabs_conversation"]["signed_url"]
            .as_str()
            .unwrap()
            .starts_with("wss://")
    );
    let backend_id = started["backend_session"]["session_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // ElevenLabs' own error text reaches the caller.
    let refused = v
        .app
        .post_as(
            &v.tenant,
            "/api/voice/sessions",
            json!({"agentType": "sales", "customerId": "c-3"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    assert!(refused.text.contains("was not found"), "{}", refused.text);

    // The post-call webhook: signed → transcript stored, session ended; unsigned → 401.
    let event = json!({"type": "post_call_transcription", "data": {
        "conversation_id": "conv_1", "status": "done",
        "transcript": [{"role": "agent", "message": "How can I help?"}, {"role": "user", "message": "My order"}],
        "conversation_initiation_client_data": {"dynamic_variables": {"switchboard_session_id": backend_id}}
    }})
    .to_string();
    let now = domain::now_ms() / 1_000;
    let signature = format!(
        "t={now},v0={}",
        elevenlabs::sign("whsec", now, event.as_bytes())
    );
    let forged = format!(
        "t={now},v0={}",
        elevenlabs::sign("wrong", now, event.as_bytes())
    );
    let send = async |signature: &str| {
        v.app
            .send(
                Method::POST,
                "/api/elevenlabs/webhook",
                &[
                    ("content-type", "application/json"),
                    ("elevenlabs-signature", signature),
                ],
                Body::from(event.clone()),
            )
            .await
    };
    assert_eq!(send(&forged).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&signature).await.status, StatusCode::OK);
    let detail = v
        .app
        .get_as(&v.tenant, &format!("/api/voice/sessions/{backend_id}"))
        .await
        .json();
    assert_eq!(
        detail["transcript"],
        "agent: How can I help?\nuser: My order\n"
    );
    assert_eq!(detail["externalId"], "conv_1");
    assert_eq!(detail["status"], "completed");

    // The list filters by origin and status; an unknown one is a 400.
    let listed = |query: &'static str| {
        let v = &v;
        async move {
            v.app
                .get_as(&v.tenant, &format!("/api/voice/sessions?{query}"))
                .await
        }
    };
    let backend = listed("origin=elevenlabs&status=completed").await.json();
    let ids: Vec<&str> = backend["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [backend_id.as_str()]);
    assert!(
        listed("origin=livekit").await.json()["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != backend_id.as_str())
    );
    for bad in ["status=nope", "origin=fax", "limit=many"] {
        let answer = listed(bad).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            answer.text
        );
        assert_eq!(answer.json()["code"], "INVALID_INPUT");
    }
}

#[tokio::test]
async fn phone_calls_get_the_agent_when_a_sip_participant_joins() {
    let disabled = voice().await;
    let event = webhook_event(
        "participant_joined",
        "call-1",
        Some(participant("sip_+15550100", Kind::Sip)),
    );
    assert_eq!(
        disabled
            .webhook("/telephony/livekit-webhook", &event)
            .await
            .status,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let v = voice_with(|i| {
        i.telephony = TelephonySettings {
            enabled: true,
            app_slug: Some("voice-app".into()),
            sip_identity_prefix: "sip_".into(),
            dispatch_on_any_join: false,
            production: false,
        }
    })
    .await;
    let body = serde_json::to_string(&event).unwrap();
    assert_eq!(
        v.raw_webhook("/telephony/livekit-webhook", &body, "not-a-jwt")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let ack = v.webhook("/telephony/livekit-webhook", &event).await;
    assert_eq!(ack.status, StatusCode::OK, "{}", ack.text);
    assert_eq!(ack.json(), json!({"ok": true}));
    // Handled in the background.
    let mut call = Value::Null;
    for _ in 0..100 {
        call = v
            .app
            .get_as(&v.tenant, "/telephony/calls/by-room/call-1")
            .await
            .json();
        if call["agentDispatched"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(call["agentDispatched"], true, "{call}");
    assert_eq!(call["callerIdentity"], "sip_+15550100");
    assert_eq!(call["participants"][0]["kind"], "sip");
    let dispatch = &v.livekit.calls_of("CreateDispatch")[0];
    assert_eq!(dispatch.request["room"], "call-1");
    let by_id = v
        .app
        .get_as(
            &v.tenant,
            &format!("/telephony/calls/{}", call["callId"].as_str().unwrap()),
        )
        .await;
    assert_eq!(by_id.json()["roomName"], "call-1");
    assert_eq!(v.session_by_room("call-1").await["origin"], "telephony");
}

#[tokio::test]
async fn client_logs_are_bounded_and_redacted() {
    let v = voice().await;
    let appended = v
        .app
        .post_json(
            "/api/logs",
            &[],
            v.tenant.with_token(json!({"lines": [
                {"level": "error", "message": "start failed: xi-api-key=sk_live_abcdefghijklmnop", "source": "useVoiceAgent"},
                {"message": "connected"}
            ]})),
        )
        .await;
    assert_eq!(appended.status, StatusCode::OK, "{}", appended.text);
    assert_eq!(appended.json()["appended"], 2);
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({"message": format!("line {i}")}))
        .collect();
    let refused = v
        .app
        .post_as(&v.tenant, "/api/logs", json!({"lines": too_many}))
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    let tail = v.app.get_as(&v.tenant, "/api/logs?tail=10").await;
    assert_eq!(tail.status, StatusCode::OK, "{}", tail.text);
    assert!(!tail.text.contains("sk_live"), "{}", tail.text);
    let lines = tail.json()["lines"].as_array().unwrap().clone();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]
            .as_str()
            .unwrap()
            .contains("[error] (useVoiceAgent) start failed: xi-api-key=[redacted]")
    );
    let browser = v
        .app
        .get(&format!(
            "/api/logs?sessionToken={}",
            v.tenant.session_token
        ))
        .await;
    assert_eq!(browser.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stale_sessions_end_when_their_room_is_gone_or_nobody_came() {
    let v = voice().await;
    for room in ["room-joined", "room-empty"] {
        let created = v
            .app
            .post_as(
                &v.tenant,
                "/session",
                json!({"userIdentity": "u1", "roomName": room}),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK);
    }
    let joined = webhook_event(
        "participant_joined",
        "room-joined",
        Some(participant("u1", Kind::Standard)),
    );
    v.webhook("/api/livekit/webhook", &joined).await;
    // Too young to reconcile: nothing happens.
    assert_eq!(
        v.app
            .services
            .agent()
            .reap_stale_voice_sessions()
            .await
            .unwrap(),
        0
    );

    // Three minutes on, LiveKit's ListRooms no longer has the joined room: that call is over.
    // The other room opens only when someone joins, so its absence proves nothing yet.
    v.app
        .db
        .store
        .age_voice_sessions_for_tests(3 * 60 * 1_000)
        .await
        .unwrap();
    assert_eq!(
        v.app
            .services
            .agent()
            .reap_stale_voice_sessions()
            .await
            .unwrap(),
        1
    );
    assert!(!v.livekit.calls_of("ListRooms").is_empty());
    let joined = v.session_by_room("room-joined").await;
    assert_eq!(
        (joined["status"].as_str(), joined["endReason"].as_str()),
        (Some("completed"), Some("room_gone"))
    );
    assert_eq!(v.session_by_room("room-empty").await["status"], "pending");

    // Ten minutes without anyone: missed.
    v.app
        .db
        .store
        .age_voice_sessions_for_tests(8 * 60 * 1_000)
        .await
        .unwrap();
    assert_eq!(
        v.app
            .services
            .agent()
            .reap_stale_voice_sessions()
            .await
            .unwrap(),
        1
    );
    let empty = v.session_by_room("room-empty").await;
    assert_eq!(
        (empty["status"].as_str(), empty["endReason"].as_str()),
        (Some("missed"), Some("never_connected"))
    );
    assert_eq!(
        v.app
            .services
            .agent()
            .reap_stale_voice_sessions()
            .await
            .unwrap(),
        0
    );
}

/// An HS256 JWT with exactly these claims, signed with the test secret.
fn hs256_jwt(claims: Value) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signing_input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string())
    );
    let signature = hs256_sign(SECRET, &signing_input);
    format!("{signing_input}.{signature}")
}

fn hs256_sign(secret: &str, signing_input: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_signed_in_user_tries_an_app_with_a_playground_token() {
    let v = voice().await;
    let workspace = v.app.workspace("w-play").await;
    let created = v
        .app
        .services
        .platform()
        .create_app(
            &domain::Actor::operator(),
            model::platform::apps::CreateApp {
                slug: "play".into(),
                name: "Play".into(),
                secret: None,
                workspace_id: Some(workspace.clone()),
                settings: Default::default(),
            },
        )
        .await
        .unwrap();
    assert!(created.app_secret.starts_with("sbk_"));
    let cookie = v
        .app
        .signed_in(
            "viewer@example.com",
            model::platform::users::Role::Viewer,
            &workspace,
        )
        .await;
    let mut headers = crate::helpers::SAME_ORIGIN.to_vec();
    headers.push(("cookie", cookie.as_str()));
    let token = v
        .app
        .send(
            Method::POST,
            "/api/admin/apps/play/playground-token",
            &headers,
            Body::empty(),
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text);
    let token = token.json()["sessionToken"].as_str().unwrap().to_owned();
    let call = v
        .app
        .post_json("/api/voice/session", &[], json!({"sessionToken": token}))
        .await;
    assert_eq!(call.status, StatusCode::OK, "{}", call.text);
    // Another workspace's app does not exist for this user; nor does anything without a cookie.
    let other = v
        .app
        .send(
            Method::POST,
            &format!("/api/admin/apps/{}/playground-token", v.tenant.slug),
            &headers,
            Body::empty(),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let anonymous = v
        .app
        .send(
            Method::POST,
            "/api/admin/apps/play/playground-token",
            crate::helpers::SAME_ORIGIN,
            Body::empty(),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_dispatched_agent_gets_a_credential_for_its_call_and_nothing_else() {
    let v = voice().await;
    let started = v
        .app
        .post_as(
            &v.tenant,
            "/session",
            json!({"userIdentity": "caller-1", "roomName": "room-cred", "agentConfig": {"prompt": "Be brief"}}),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let dispatch = &v.livekit.calls_of("CreateDispatch")[0];
    let metadata: Value =
        serde_json::from_str(dispatch.request["metadata"].as_str().unwrap()).unwrap();
    // Seed 004's keys stay at the top level; ours sit beside them.
    assert_eq!(metadata["prompt"], "Be brief");
    assert_eq!(metadata["agentConfig"]["prompt"], "Be brief");
    assert_eq!(metadata["platformUrl"], "http://switchboard.test");
    assert_eq!(metadata["appSlug"], "voice-app");
    assert_eq!(metadata["roomName"], "room-cred");
    let session = metadata["sessionId"].as_str().unwrap().to_owned();
    let credential = metadata["agentCredential"].as_str().unwrap().to_owned();
    assert!(credential.starts_with("sba_"), "{credential}");
    // Stored as a hash, never as the credential.
    let dump = store::testkit::dump_all_tables(&v.app.db.store).await;
    assert!(!dump.contains(&credential));

    let bearer = format!("Bearer {credential}");
    let call = |method: Method, path: &'static str, body: Value| {
        let bearer = bearer.clone();
        let app = &v.app;
        async move {
            app.send(
                method,
                path,
                &[
                    ("authorization", bearer.as_str()),
                    ("content-type", "application/json"),
                ],
                Body::from(body.to_string()),
            )
            .await
        }
    };
    let message = |session: &str| {
        json!({"messages": [{"sessionId": session, "participantIdentity": "agent-1",
            "role": "agent", "content": "Hello", "isFinal": true, "createdAt": 1,
            "segmentId": "seg-1"}]})
    };

    // What the call's agent needs.
    let me = call(Method::GET, "/api/auth/me", Value::Null).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json()["authMethod"], "agentCredential");
    for (method, path, body) in [
        (Method::GET, "/api/persona", Value::Null),
        (Method::GET, "/api/tools", Value::Null),
        (Method::GET, "/api/experiments", Value::Null),
        (
            Method::POST,
            "/api/guardrails/check",
            json!({"sessionId": session, "content": "hello", "direction": "input"}),
        ),
        (
            Method::POST,
            "/api/knowledge/search",
            json!({"query": "opening hours", "sessionId": session}),
        ),
        (Method::POST, "/api/messages", message(&session)),
        (
            Method::POST,
            "/api/events",
            json!({"sessionId": session, "events": [{"eventType": "agent_state", "ts": 1, "data": {"state": "listening"}}]}),
        ),
        (
            Method::POST,
            "/api/handoffs",
            json!({"sessionId": session, "reason": "customer_request", "transcript": []}),
        ),
    ] {
        let answer = call(method, path, body).await;
        assert!(
            answer.status.is_success(),
            "{path}: {} {}",
            answer.status,
            answer.text
        );
    }

    // Another session, another room, or what only the app's server does: 403.
    for (method, path, body) in [
        (Method::POST, "/api/messages", message("voice-someone-else")),
        (
            Method::POST,
            "/api/handoffs",
            json!({"sessionId": "voice-someone-else", "reason": "customer_request", "transcript": []}),
        ),
        (
            Method::POST,
            "/api/guardrails/check",
            json!({"sessionId": "voice-someone-else", "content": "hello", "direction": "input"}),
        ),
        (
            Method::POST,
            "/api/knowledge/search",
            json!({"query": "opening hours", "sessionId": "voice-someone-else"}),
        ),
        (
            Method::POST,
            "/api/livekit/rooms",
            json!({"sessionId": "x"}),
        ),
        (Method::GET, "/api/conversations", Value::Null),
        (
            Method::POST,
            "/api/tools",
            json!({"name": "t", "description": "d", "parametersSchema": {"type": "object"}, "endpoint": "https://example.com"}),
        ),
    ] {
        let answer = call(method, path, body).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            answer.text
        );
        assert_eq!(answer.json()["code"], "PERMISSION_DENIED", "{path}");
    }

    // The call ends: the credential is revoked, with a grace period for the agent's last flush.
    let ended = v
        .app
        .post_as(&v.tenant, "/session/end", json!({"roomName": "room-cred"}))
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
    let hash = domain::platform::secrets::hash(&credential);
    let stored = v
        .app
        .db
        .store
        .agent_credential_with_app(&hash)
        .await
        .unwrap()
        .unwrap();
    let grace = domain::AGENT_CREDENTIAL_GRACE_MS;
    assert!(stored.credential_expires_at <= domain::now_ms() + grace);

    // A credential nobody minted is refused.
    let unknown = v
        .app
        .send(
            Method::GET,
            "/api/persona",
            &[("authorization", &format!("Bearer sba_{}", "A".repeat(43)))],
            Body::empty(),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
}
