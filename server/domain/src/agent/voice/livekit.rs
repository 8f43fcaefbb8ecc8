//! The LiveKit port: access tokens, webhook verification, and the server APIs (rooms, agent
//! dispatch, egress), all through the `livekit-api` crate.

use std::time::Duration;

use livekit_api::access_token::{AccessToken, TokenVerifier, VideoGrants};
use livekit_api::services::ServiceError;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::egress::{EgressClient, EgressListOptions, EgressOutput};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use livekit_api::webhooks::WebhookReceiver;
use livekit_protocol as proto;

use crate::platform::integrations::LivekitSettings;
use crate::{Error, Result};

/// How long a LiveKit call may take before we give up on it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured LiveKit project.
#[derive(Debug)]
pub(crate) struct Livekit {
    url: String,
    api_key: String,
    api_secret: String,
    rooms: RoomClient,
    dispatch: AgentDispatchClient,
    egress: EgressClient,
    webhooks: WebhookReceiver,
}

/// What a participant token allows.
#[derive(Clone, Debug, Default)]
pub(crate) struct TokenSpec<'a> {
    pub room: &'a str,
    pub identity: &'a str,
    pub name: Option<&'a str>,
    pub metadata: Option<&'a str>,
    pub attributes: Vec<(String, String)>,
    pub ttl: Duration,
    /// An agent's token (`kind: agent`, agent grant).
    pub agent: bool,
    /// Agents LiveKit dispatches when the participant connects (`roomConfig.agents`).
    pub dispatch: Option<(&'a str, &'a str)>,
}

impl Livekit {
    /// `None` unless URL, key and secret are all configured.
    pub(crate) fn from_settings(settings: &LivekitSettings) -> Option<Livekit> {
        let url = settings.url.clone()?;
        let key = settings.api_key.as_ref()?.expose().to_owned();
        let secret = settings.api_secret.as_ref()?.expose().to_owned();
        let webhook_key = settings
            .webhook_api_key
            .as_ref()
            .map_or(key.clone(), |k| k.expose().to_owned());
        let webhook_secret = settings
            .webhook_api_secret
            .as_ref()
            .map_or(secret.clone(), |s| s.expose().to_owned());
        Some(Livekit {
            rooms: RoomClient::with_api_key(&url, &key, &secret)
                .with_request_timeout(REQUEST_TIMEOUT),
            dispatch: AgentDispatchClient::with_api_key(&url, &key, &secret)
                .with_request_timeout(REQUEST_TIMEOUT),
            egress: EgressClient::with_api_key(&url, &key, &secret)
                .with_request_timeout(REQUEST_TIMEOUT),
            webhooks: WebhookReceiver::new(TokenVerifier::with_api_key(
                &webhook_key,
                &webhook_secret,
            )),
            url,
            api_key: key,
            api_secret: secret,
        })
    }

    /// The URL clients connect to, as configured (`wss://…`).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// A participant token for one room.
    pub(crate) fn token(&self, spec: &TokenSpec<'_>) -> Result<String> {
        let grants = VideoGrants {
            room_join: true,
            room: spec.room.to_owned(),
            can_publish: Some(true),
            can_subscribe: Some(true),
            can_publish_data: Some(true),
            agent: spec.agent,
            ..Default::default()
        };
        let mut token = AccessToken::with_api_key(&self.api_key, &self.api_secret)
            .with_identity(spec.identity)
            .with_name(spec.name.unwrap_or(spec.identity))
            .with_ttl(spec.ttl)
            .with_grants(grants);
        if spec.agent {
            token = token.with_kind("agent");
        }
        if let Some(metadata) = spec.metadata {
            token = token.with_metadata(metadata);
        }
        if !spec.attributes.is_empty() {
            token = token.with_attributes(spec.attributes.iter().cloned());
        }
        if let Some((agent_name, metadata)) = spec.dispatch {
            token = token.with_room_config(proto::RoomConfiguration {
                agents: vec![proto::RoomAgentDispatch {
                    agent_name: agent_name.to_owned(),
                    metadata: metadata.to_owned(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
        token.to_jwt().map_err(|err| Error::Internal(Box::new(err)))
    }

    pub(crate) async fn create_room(
        &self,
        name: &str,
        max_participants: u32,
        empty_timeout_secs: u32,
        metadata: String,
    ) -> Result<proto::Room> {
        self.rooms
            .create_room(
                name,
                CreateRoomOptions {
                    max_participants,
                    empty_timeout: empty_timeout_secs,
                    metadata,
                    ..Default::default()
                },
            )
            .await
            .map_err(|err| upstream("create the room", err))
    }

    /// Deletes a room; one LiveKit no longer has counts as deleted.
    pub(crate) async fn delete_room(&self, name: &str) -> Result<()> {
        match self.rooms.delete_room(name).await {
            Ok(()) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("delete the room", err)),
        }
    }

    /// The rooms among `names` LiveKit still has.
    pub(crate) async fn existing_rooms(&self, names: Vec<String>) -> Result<Vec<String>> {
        let rooms = self
            .rooms
            .list_rooms(names)
            .await
            .map_err(|err| upstream("list rooms", err))?;
        Ok(rooms.into_iter().map(|room| room.name).collect())
    }

    pub(crate) async fn remove_participant(&self, room: &str, identity: &str) -> Result<()> {
        match self.rooms.remove_participant(room, identity).await {
            Ok(()) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("remove the participant", err)),
        }
    }

    /// Explicitly dispatches `agent_name` to `room` with `metadata` (JSON).
    pub(crate) async fn dispatch_agent(
        &self,
        room: &str,
        agent_name: &str,
        metadata: String,
    ) -> Result<proto::AgentDispatch> {
        self.dispatch
            .create_dispatch(proto::CreateAgentDispatchRequest {
                agent_name: agent_name.to_owned(),
                room: room.to_owned(),
                metadata,
                ..Default::default()
            })
            .await
            .map_err(|err| upstream("dispatch the agent", err))
    }

    pub(crate) async fn remove_dispatch(&self, dispatch_id: &str, room: &str) -> Result<()> {
        match self.dispatch.delete_dispatch(dispatch_id, room).await {
            Ok(_) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("remove the agent", err)),
        }
    }

    /// Records the room's mixed audio to `filepath` (relative to the egress's storage).
    pub(crate) async fn start_recording(
        &self,
        room: &str,
        filepath: &str,
        file_type: proto::EncodedFileType,
    ) -> Result<proto::EgressInfo> {
        let output = proto::EncodedFileOutput {
            file_type: file_type.into(),
            filepath: filepath.to_owned(),
            ..Default::default()
        };
        self.egress
            .start_room_composite_egress(
                room,
                vec![EgressOutput::File(output)],
                livekit_api::services::egress::RoomCompositeOptions {
                    audio_only: true,
                    ..Default::default()
                },
            )
            .await
            .map_err(|err| upstream("start the recording", err))
    }

    pub(crate) async fn stop_recording(&self, egress_id: &str) -> Result<proto::EgressInfo> {
        self.egress
            .stop_egress(egress_id)
            .await
            .map_err(|err| upstream("stop the recording", err))
    }

    pub(crate) async fn recording(&self, egress_id: &str) -> Result<Option<proto::EgressInfo>> {
        let found = self
            .egress
            .list_egress(EgressListOptions {
                filter: livekit_api::services::egress::EgressListFilter::Egress(
                    egress_id.to_owned(),
                ),
                active: false,
                page_token: None,
            })
            .await
            .map_err(|err| upstream("look up the recording", err))?;
        Ok(found.into_iter().next())
    }

    /// Verifies a webhook: the JWT in `Authorization` (signed with our key, unexpired) must
    /// carry the SHA-256 of these exact bytes.
    pub(crate) fn verify_webhook(
        &self,
        body: &str,
        authorization: &str,
    ) -> Result<proto::WebhookEvent> {
        let token = authorization
            .strip_prefix("Bearer ")
            .unwrap_or(authorization)
            .trim();
        self.webhooks.receive(body, token).map_err(|err| {
            tracing::warn!(error = %err, "rejected a LiveKit webhook");
            Error::Unauthenticated
        })
    }
}

/// The recorded file's URL (or path) once the egress has written it.
pub(crate) fn recording_location(info: &proto::EgressInfo) -> Option<String> {
    info.file_results.iter().find_map(|file| {
        [&file.location, &file.filename]
            .into_iter()
            .find(|v| !v.is_empty())
            .cloned()
    })
}

fn is_not_found(err: &ServiceError) -> bool {
    matches!(err, ServiceError::Twirp(livekit_api::services::ServerError::Twirp(code))
        if code.code == livekit_api::services::ServerErrorCode::NOT_FOUND)
}

/// A failed LiveKit call, as the caller should read it: LiveKit's own error code and message,
/// or that it could not be reached (the full error, with the host, goes to the log only).
fn upstream(what: &str, err: ServiceError) -> Error {
    tracing::warn!(error = %err, "LiveKit could not {what}");
    let reason = match &err {
        ServiceError::Twirp(livekit_api::services::ServerError::Twirp(code)) => {
            format!("{}: {}", code.code, code.msg)
        }
        ServiceError::Twirp(livekit_api::services::ServerError::Request(_)) => {
            "LiveKit is unreachable".to_owned()
        }
        other => other.to_string(),
    };
    Error::Upstream(format!("LiveKit could not {what} ({reason})"))
}
