//! A fake LiveKit server: the Twirp services Switchboard calls (RoomService,
//! AgentDispatchService, EgressService, SIP), in protobuf and JSON, authenticated with
//! LiveKit's JWTs, recording every call; and LiveKit's signed webhooks.
//!
//! With a webhook URL it behaves like a small LiveKit: creating a room sends `room_started`,
//! dispatching an agent sends `participant_joined` for an agent participant, deleting a room
//! sends `room_finished`, and egress sends `egress_started` / `egress_ended`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use livekit_api::access_token::{AccessToken, Claims, TokenVerifier};
use livekit_protocol as proto;
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// One Twirp call the fake received.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    pub service: String,
    pub method: String,
    /// The request, as LiveKit's JSON.
    pub request: serde_json::Value,
    /// The claims of the caller's token.
    pub grants: proto_claims::Grants,
}

/// The grants a call's token carried (a subset, enough for assertions).
pub mod proto_claims {
    #[derive(Clone, Debug, Default)]
    pub struct Grants {
        pub room: String,
        pub room_create: bool,
        pub room_admin: bool,
        pub room_record: bool,
        pub room_list: bool,
    }
}

#[derive(Debug, Default)]
struct Inner {
    rooms: HashMap<String, proto::Room>,
    dispatches: HashMap<String, proto::AgentDispatch>,
    egress: HashMap<String, proto::EgressInfo>,
    calls: Vec<RecordedCall>,
    /// method → Twirp error code to answer once.
    failures: HashMap<String, (StatusCode, String)>,
}

/// A running fake's handle: its settings, and what it recorded.
#[derive(Clone, Debug)]
pub struct FakeLivekit {
    api_key: String,
    api_secret: String,
    webhook_url: Option<String>,
    inner: Arc<Mutex<Inner>>,
    http: reqwest::Client,
}

impl FakeLivekit {
    pub fn new(api_key: &str, api_secret: &str, webhook_url: Option<String>) -> FakeLivekit {
        // rustls needs a process-wide provider; another may already be installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        FakeLivekit {
            api_key: api_key.to_owned(),
            api_secret: api_secret.to_owned(),
            webhook_url,
            inner: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    /// The Twirp routes, to serve on any listener.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/twirp/{service}/{method}", post(twirp))
            .with_state(self.clone())
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.lock().calls.clone()
    }

    /// The calls of one method (e.g. `CreateDispatch`).
    pub fn calls_of(&self, method: &str) -> Vec<RecordedCall> {
        self.calls()
            .into_iter()
            .filter(|call| call.method == method)
            .collect()
    }

    pub fn room_names(&self) -> Vec<String> {
        self.lock().rooms.keys().cloned().collect()
    }

    /// Forgets a room as if LiveKit closed it on its own (no webhook).
    pub fn drop_room(&self, name: &str) {
        self.lock().rooms.remove(name);
    }

    /// The next call of `method` fails with this Twirp error (e.g. `unavailable`).
    pub fn fail_next(&self, method: &str, status: StatusCode, code: &str) {
        self.lock()
            .failures
            .insert(method.to_owned(), (status, code.to_owned()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sends a signed webhook for `event` to the configured URL, in the background.
    fn notify(&self, event: proto::WebhookEvent) {
        let Some(url) = self.webhook_url.clone() else {
            return;
        };
        let Ok(body) = serde_json::to_string(&event) else {
            return;
        };
        let Ok(token) = sign_webhook(&self.api_key, &self.api_secret, &body) else {
            return;
        };
        let http = self.http.clone();
        tokio::spawn(async move {
            let sent = http
                .post(url)
                .header(AUTHORIZATION, token)
                .header(CONTENT_TYPE, "application/webhook+json")
                .body(body)
                .send()
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, "fake LiveKit could not deliver a webhook");
            }
        });
    }
}

/// A webhook's `Authorization` value: a JWT signed with the key, carrying the body's SHA-256
/// (base64), as LiveKit sends it.
pub fn sign_webhook(api_key: &str, api_secret: &str, body: &str) -> Result<String, String> {
    let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()));
    AccessToken::with_api_key(api_key, api_secret)
        .with_sha256(&digest)
        .with_ttl(std::time::Duration::from_secs(5 * 60))
        .to_jwt()
        .map_err(|err| err.to_string())
}

/// A webhook event as LiveKit would send it.
pub fn webhook_event(
    event: &str,
    room: &str,
    participant: Option<proto::ParticipantInfo>,
) -> proto::WebhookEvent {
    proto::WebhookEvent {
        event: event.to_owned(),
        room: Some(proto::Room {
            sid: format!("RM_{}", short_id()),
            name: room.to_owned(),
            creation_time: unix_secs(),
            ..Default::default()
        }),
        participant,
        id: format!("EV_{}", short_id()),
        created_at: unix_secs(),
        ..Default::default()
    }
}

/// A participant of `kind` (standard, agent, sip).
pub fn participant(identity: &str, kind: proto::participant_info::Kind) -> proto::ParticipantInfo {
    proto::ParticipantInfo {
        sid: format!("PA_{}", short_id()),
        identity: identity.to_owned(),
        name: identity.to_owned(),
        kind: kind.into(),
        joined_at: unix_secs(),
        ..Default::default()
    }
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

fn unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// A Twirp error answer: `{"code", "msg"}` with its HTTP status.
#[derive(Debug)]
struct TwirpError {
    status: StatusCode,
    code: String,
    msg: String,
}

impl IntoResponse for TwirpError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(CONTENT_TYPE, "application/json")],
            serde_json::json!({ "code": self.code, "msg": self.msg }).to_string(),
        )
            .into_response()
    }
}

fn twirp_error(status: StatusCode, code: &str, msg: &str) -> TwirpError {
    TwirpError {
        status,
        code: code.to_owned(),
        msg: msg.to_owned(),
    }
}

/// The request in whichever encoding the client used.
fn decode<T: Message + Default + DeserializeOwned>(json: bool, body: &Bytes) -> Option<T> {
    if json {
        serde_json::from_slice(body).ok()
    } else {
        T::decode(body.as_ref()).ok()
    }
}

/// The answer in the request's encoding.
fn encode<T: Message + Serialize>(json: bool, message: &T) -> Response {
    if json {
        match serde_json::to_string(message) {
            Ok(text) => ([(CONTENT_TYPE, "application/json")], text).into_response(),
            Err(err) => twirp_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &err.to_string(),
            )
            .into_response(),
        }
    } else {
        (
            [(CONTENT_TYPE, "application/protobuf")],
            message.encode_to_vec(),
        )
            .into_response()
    }
}

fn verify(fake: &FakeLivekit, headers: &HeaderMap) -> Result<Claims, TwirpError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            twirp_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "missing bearer token",
            )
        })?;
    TokenVerifier::with_api_key(&fake.api_key, &fake.api_secret)
        .verify(token)
        .map_err(|err| {
            twirp_error(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                &err.to_string(),
            )
        })
}

async fn twirp(
    State(fake): State<FakeLivekit>,
    Path((service, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let claims = match verify(&fake, &headers) {
        Ok(claims) => claims,
        Err(answer) => return answer.into_response(),
    };
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if let Some((status, code)) = fake.lock().failures.remove(&method) {
        return twirp_error(status, &code, "injected failure").into_response();
    }
    let video = &claims.video;
    let grants = proto_claims::Grants {
        room: video.room.clone(),
        room_create: video.room_create,
        room_admin: video.room_admin,
        room_record: video.room_record,
        room_list: video.room_list,
    };
    let service = service.trim_start_matches("livekit.").to_owned();
    macro_rules! handle {
        ($request:ty, $allowed:expr, $method:ident) => {{
            let Some(request) = decode::<$request>(json, &body) else {
                return twirp_error(
                    StatusCode::BAD_REQUEST,
                    "malformed",
                    "cannot decode the request",
                )
                .into_response();
            };
            if !$allowed {
                return twirp_error(StatusCode::FORBIDDEN, "permission_denied", "missing grant")
                    .into_response();
            }
            fake.lock().calls.push(RecordedCall {
                service: service.clone(),
                method: method.clone(),
                request: serde_json::to_value(&request).unwrap_or_default(),
                grants: grants.clone(),
            });
            match fake.$method(request) {
                Ok(answer) => encode(json, &answer),
                Err(answer) => answer.into_response(),
            }
        }};
    }
    match (service.as_str(), method.as_str()) {
        ("RoomService", "CreateRoom") => {
            handle!(proto::CreateRoomRequest, video.room_create, create_room)
        }
        ("RoomService", "ListRooms") => {
            handle!(proto::ListRoomsRequest, video.room_list, list_rooms)
        }
        ("RoomService", "DeleteRoom") => {
            handle!(proto::DeleteRoomRequest, video.room_create, delete_room)
        }
        ("RoomService", "RemoveParticipant") => handle!(
            proto::RoomParticipantIdentity,
            video.room_admin,
            remove_participant
        ),
        ("AgentDispatchService", "CreateDispatch") => handle!(
            proto::CreateAgentDispatchRequest,
            video.room_admin,
            create_dispatch
        ),
        ("AgentDispatchService", "DeleteDispatch") => handle!(
            proto::DeleteAgentDispatchRequest,
            video.room_admin,
            delete_dispatch
        ),
        ("AgentDispatchService", "ListDispatch") => handle!(
            proto::ListAgentDispatchRequest,
            video.room_admin,
            list_dispatch
        ),
        ("Egress", "StartRoomCompositeEgress") => handle!(
            proto::RoomCompositeEgressRequest,
            video.room_record,
            start_egress
        ),
        ("Egress", "StopEgress") => {
            handle!(proto::StopEgressRequest, video.room_record, stop_egress)
        }
        ("Egress", "ListEgress") => {
            handle!(proto::ListEgressRequest, video.room_record, list_egress)
        }
        ("SIP", "CreateSIPParticipant") => handle!(
            proto::CreateSipParticipantRequest,
            claims.sip.call,
            create_sip_participant
        ),
        _ => twirp_error(StatusCode::NOT_FOUND, "bad_route", "no such method").into_response(),
    }
}

type Answer<T> = Result<T, TwirpError>;

impl FakeLivekit {
    fn remove_participant(
        &self,
        _request: proto::RoomParticipantIdentity,
    ) -> Answer<proto::RemoveParticipantResponse> {
        Ok(proto::RemoveParticipantResponse {})
    }

    fn create_sip_participant(
        &self,
        request: proto::CreateSipParticipantRequest,
    ) -> Answer<proto::SipParticipantInfo> {
        Ok(proto::SipParticipantInfo {
            participant_id: format!("PA_{}", short_id()),
            participant_identity: request.participant_identity,
            room_name: request.room_name,
            sip_call_id: format!("SCL_{}", short_id()),
        })
    }

    fn create_room(&self, request: proto::CreateRoomRequest) -> Answer<proto::Room> {
        let room = proto::Room {
            sid: format!("RM_{}", short_id()),
            name: request.name.clone(),
            empty_timeout: request.empty_timeout,
            max_participants: request.max_participants,
            metadata: request.metadata,
            creation_time: unix_secs(),
            ..Default::default()
        };
        let created = self
            .lock()
            .rooms
            .entry(request.name.clone())
            .or_insert(room)
            .clone();
        self.notify(webhook_event("room_started", &request.name, None));
        Ok(created)
    }

    fn list_rooms(&self, request: proto::ListRoomsRequest) -> Answer<proto::ListRoomsResponse> {
        let inner = self.lock();
        let rooms = inner
            .rooms
            .values()
            .filter(|room| request.names.is_empty() || request.names.contains(&room.name))
            .cloned()
            .collect();
        Ok(proto::ListRoomsResponse { rooms })
    }

    fn delete_room(&self, request: proto::DeleteRoomRequest) -> Answer<proto::DeleteRoomResponse> {
        let removed = self.lock().rooms.remove(&request.room);
        if removed.is_none() {
            return Err(twirp_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "room not found",
            ));
        }
        let mut event = webhook_event("room_finished", &request.room, None);
        event.room_end_reason = proto::RoomEndReason::RoomEndApiDelete.into();
        self.notify(event);
        Ok(proto::DeleteRoomResponse {})
    }

    fn create_dispatch(
        &self,
        request: proto::CreateAgentDispatchRequest,
    ) -> Answer<proto::AgentDispatch> {
        if request.agent_name.is_empty() || request.room.is_empty() {
            return Err(twirp_error(
                StatusCode::BAD_REQUEST,
                "invalid_argument",
                "agent_name and room are required",
            ));
        }
        let dispatch = proto::AgentDispatch {
            id: format!("AD_{}", short_id()),
            agent_name: request.agent_name.clone(),
            room: request.room.clone(),
            metadata: request.metadata,
            state: Some(proto::AgentDispatchState {
                created_at: unix_secs(),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.lock()
            .dispatches
            .insert(dispatch.id.clone(), dispatch.clone());
        let agent = participant(
            &format!("agent-{}", &dispatch.id[3..]),
            proto::participant_info::Kind::Agent,
        );
        self.notify(webhook_event(
            "participant_joined",
            &request.room,
            Some(agent),
        ));
        Ok(dispatch)
    }

    fn delete_dispatch(
        &self,
        request: proto::DeleteAgentDispatchRequest,
    ) -> Answer<proto::AgentDispatch> {
        self.lock()
            .dispatches
            .remove(&request.dispatch_id)
            .ok_or_else(|| twirp_error(StatusCode::NOT_FOUND, "not_found", "dispatch not found"))
    }

    fn list_dispatch(
        &self,
        request: proto::ListAgentDispatchRequest,
    ) -> Answer<proto::ListAgentDispatchResponse> {
        let agent_dispatches = self
            .lock()
            .dispatches
            .values()
            .filter(|d| d.room == request.room)
            .filter(|d| request.dispatch_id.is_empty() || d.id == request.dispatch_id)
            .cloned()
            .collect();
        Ok(proto::ListAgentDispatchResponse { agent_dispatches })
    }

    fn start_egress(
        &self,
        request: proto::RoomCompositeEgressRequest,
    ) -> Answer<proto::EgressInfo> {
        let info = proto::EgressInfo {
            egress_id: format!("EG_{}", short_id()),
            room_name: request.room_name.clone(),
            status: proto::EgressStatus::EgressActive.into(),
            started_at: unix_secs() * 1_000_000_000,
            ..Default::default()
        };
        let filepath = request
            .file_outputs
            .first()
            .map(|f| f.filepath.clone())
            .unwrap_or_default();
        let mut stored = info.clone();
        stored.file_results = vec![proto::FileInfo {
            filename: filepath,
            ..Default::default()
        }];
        self.lock().egress.insert(info.egress_id.clone(), stored);
        let mut event = webhook_event("egress_started", &request.room_name, None);
        event.egress_info = Some(info.clone());
        self.notify(event);
        Ok(info)
    }

    fn stop_egress(&self, request: proto::StopEgressRequest) -> Answer<proto::EgressInfo> {
        let mut inner = self.lock();
        let Some(info) = inner.egress.get_mut(&request.egress_id) else {
            return Err(twirp_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "egress not found",
            ));
        };
        info.status = proto::EgressStatus::EgressComplete.into();
        for file in &mut info.file_results {
            file.location = format!("https://recordings.example/{}", file.filename);
        }
        let info = info.clone();
        drop(inner);
        let mut event = webhook_event("egress_ended", &info.room_name, None);
        event.egress_info = Some(info.clone());
        self.notify(event);
        Ok(info)
    }

    fn list_egress(&self, request: proto::ListEgressRequest) -> Answer<proto::ListEgressResponse> {
        let items = self
            .lock()
            .egress
            .values()
            .filter(|e| request.egress_id.is_empty() || e.egress_id == request.egress_id)
            .filter(|e| request.room_name.is_empty() || e.room_name == request.room_name)
            .cloned()
            .collect();
        Ok(proto::ListEgressResponse {
            items,
            ..Default::default()
        })
    }
}
