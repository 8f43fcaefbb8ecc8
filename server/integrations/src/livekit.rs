//! The LiveKit port over the `livekit-api` crate: access tokens, webhook verification, and
//! the server APIs (rooms, agent dispatch, egress).

use std::future::Future;
use std::time::{Duration, Instant};

use domain::ports::livekit::{
    Dispatch, NewRoom, Participant, ParticipantKind, Recording, RecordingFormat, RecordingState,
    TokenSpec, Track, WebhookEvent,
};
use domain::{Error, LivekitSettings, Result};
use livekit_api::access_token::{AccessToken, TokenVerifier, VideoGrants};
use livekit_api::services::ServiceError;
use livekit_api::services::agent_dispatch::AgentDispatchClient;
use livekit_api::services::egress::{EgressClient, EgressListOptions, EgressOutput};
use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use livekit_api::webhooks::WebhookReceiver;
use livekit_protocol as proto;
use livekit_protocol::participant_info::Kind;

use tracing::Instrument;

use crate::metrics::record_outbound;

/// How long a LiveKit call may take before we give up on it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured LiveKit project.
pub struct Livekit {
    url: String,
    api_key: String,
    api_secret: String,
    rooms: RoomClient,
    dispatch: AgentDispatchClient,
    egress: EgressClient,
    webhooks: WebhookReceiver,
}

/// The URL only: the key, the secret and the clients holding them stay out of any log.
impl std::fmt::Debug for Livekit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Livekit")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Livekit {
    /// `None` unless URL, key and secret are all configured.
    pub fn from_settings(settings: &LivekitSettings) -> Option<Livekit> {
        crate::http::install_crypto_provider();
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
}

#[async_trait::async_trait]
impl domain::ports::Livekit for Livekit {
    fn url(&self) -> &str {
        &self.url
    }

    fn token(&self, spec: &TokenSpec<'_>) -> Result<String> {
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

    async fn create_room(&self, room: NewRoom<'_>) -> Result<()> {
        observed(self.rooms.create_room(
            room.name,
            CreateRoomOptions {
                max_participants: room.max_participants,
                empty_timeout: room.empty_timeout_secs,
                metadata: room.metadata,
                ..Default::default()
            },
        ))
        .await
        .map(|_| ())
        .map_err(|err| upstream("create the room", err))
    }

    async fn delete_room(&self, name: &str) -> Result<()> {
        match observed(self.rooms.delete_room(name)).await {
            Ok(()) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("delete the room", err)),
        }
    }

    async fn existing_rooms(&self, names: Vec<String>) -> Result<Vec<String>> {
        let rooms = observed(self.rooms.list_rooms(names))
            .await
            .map_err(|err| upstream("list rooms", err))?;
        Ok(rooms.into_iter().map(|room| room.name).collect())
    }

    async fn remove_participant(&self, room: &str, identity: &str) -> Result<()> {
        match observed(self.rooms.remove_participant(room, identity)).await {
            Ok(()) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("remove the participant", err)),
        }
    }

    async fn dispatch_agent(
        &self,
        room: &str,
        agent_name: &str,
        metadata: String,
    ) -> Result<Dispatch> {
        observed(
            self.dispatch
                .create_dispatch(proto::CreateAgentDispatchRequest {
                    agent_name: agent_name.to_owned(),
                    room: room.to_owned(),
                    metadata,
                    ..Default::default()
                }),
        )
        .await
        .map(|dispatch| Dispatch { id: dispatch.id })
        .map_err(|err| upstream("dispatch the agent", err))
    }

    async fn remove_dispatch(&self, dispatch_id: &str, room: &str) -> Result<()> {
        match observed(self.dispatch.delete_dispatch(dispatch_id, room)).await {
            Ok(_) => Ok(()),
            Err(err) if is_not_found(&err) => Ok(()),
            Err(err) => Err(upstream("remove the agent", err)),
        }
    }

    async fn start_recording(
        &self,
        room: &str,
        filepath: &str,
        format: RecordingFormat,
    ) -> Result<Recording> {
        let file_type = match format {
            RecordingFormat::Mp4 => proto::EncodedFileType::Mp4,
            RecordingFormat::Ogg => proto::EncodedFileType::Ogg,
        };
        let output = proto::EncodedFileOutput {
            file_type: file_type.into(),
            filepath: filepath.to_owned(),
            ..Default::default()
        };
        observed(self.egress.start_room_composite_egress(
            room,
            vec![EgressOutput::File(output)],
            livekit_api::services::egress::RoomCompositeOptions {
                audio_only: true,
                ..Default::default()
            },
        ))
        .await
        .map(|info| recording(&info))
        .map_err(|err| upstream("start the recording", err))
    }

    async fn stop_recording(&self, egress_id: &str) -> Result<Recording> {
        observed(self.egress.stop_egress(egress_id))
            .await
            .map(|info| recording(&info))
            .map_err(|err| upstream("stop the recording", err))
    }

    async fn recording(&self, egress_id: &str) -> Result<Option<Recording>> {
        let found = observed(self.egress.list_egress(EgressListOptions {
            filter: livekit_api::services::egress::EgressListFilter::Egress(egress_id.to_owned()),
            active: false,
            page_token: None,
        }))
        .await
        .map_err(|err| upstream("look up the recording", err))?;
        Ok(found.first().map(recording))
    }

    fn verify_webhook(&self, body: &str, authorization: &str) -> Result<WebhookEvent> {
        let token = authorization
            .strip_prefix("Bearer ")
            .unwrap_or(authorization)
            .trim();
        let event = self.webhooks.receive(body, token).map_err(|err| {
            tracing::warn!(error = %err, "rejected a LiveKit webhook");
            Error::Unauthenticated
        })?;
        Ok(webhook_event(event))
    }
}

fn webhook_event(event: proto::WebhookEvent) -> WebhookEvent {
    let room_end_reason = match proto::RoomEndReason::try_from(event.room_end_reason) {
        Ok(proto::RoomEndReason::RoomEndApiDelete) => Some("api_delete"),
        Ok(proto::RoomEndReason::RoomEndIdleTimeout) => Some("idle_timeout"),
        Ok(proto::RoomEndReason::RoomEndServerShutdown) => Some("shutdown"),
        _ => None,
    };
    WebhookEvent {
        room_name: event.room.as_ref().map(|room| room.name.clone()),
        participant: event.participant.as_ref().map(participant),
        track: event.track.as_ref().map(|track| Track {
            sid: track.sid.clone(),
            source: proto::TrackSource::try_from(track.source)
                .map_or("unknown", |source| source.as_str_name())
                .to_owned(),
        }),
        egress: event.egress_info.as_ref().map(recording),
        room_end_reason,
        id: event.id,
        event: event.event,
        created_at: event.created_at,
    }
}

fn participant(info: &proto::ParticipantInfo) -> Participant {
    let kind = match Kind::try_from(info.kind).unwrap_or(Kind::Standard) {
        Kind::Agent => ParticipantKind::Agent,
        Kind::Sip => ParticipantKind::Sip,
        Kind::Egress => ParticipantKind::Egress,
        Kind::Ingress => ParticipantKind::Ingress,
        _ => ParticipantKind::Standard,
    };
    Participant {
        identity: info.identity.clone(),
        name: info.name.clone(),
        sid: info.sid.clone(),
        kind,
        attributes: info.attributes.clone(),
    }
}

fn recording(info: &proto::EgressInfo) -> Recording {
    use proto::EgressStatus as S;
    let state = match S::try_from(info.status).unwrap_or(S::EgressStarting) {
        S::EgressStarting | S::EgressActive | S::EgressEnding => RecordingState::Active,
        S::EgressComplete | S::EgressLimitReached => RecordingState::Stopped,
        S::EgressFailed | S::EgressAborted => RecordingState::Failed,
    };
    // The recorded file's URL (or path) once the egress has written it.
    let location = info.file_results.iter().find_map(|file| {
        [&file.location, &file.filename]
            .into_iter()
            .find(|v| !v.is_empty())
            .cloned()
    });
    Recording {
        egress_id: info.egress_id.clone(),
        room_name: info.room_name.clone(),
        state,
        location,
    }
}

/// Times one call to LiveKit's server API for the outbound metrics.
async fn observed<T>(
    call: impl Future<Output = std::result::Result<T, ServiceError>>,
) -> std::result::Result<T, ServiceError> {
    let started = Instant::now();
    let span = tracing::debug_span!(
        target: "integrations::outbound",
        "outbound",
        outbound.target = "livekit",
        otel.kind = "client",
    );
    let result = call.instrument(span).await;
    let outcome = match &result {
        Ok(_) => "ok",
        Err(err) if is_not_found(err) => "not_found",
        Err(_) => "error",
    };
    record_outbound("livekit", outcome, started);
    result
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

#[cfg(test)]
mod tests {
    use domain::Secret;

    use super::*;

    #[test]
    fn debug_output_names_the_url_and_never_the_credentials() {
        let settings = LivekitSettings {
            url: Some("ws://127.0.0.1:7880".to_owned()),
            api_key: Secret::new(Some("APIkey123".to_owned())),
            api_secret: Secret::new(Some("s3cr3t-value".to_owned())),
            ..LivekitSettings::default()
        };
        let livekit = Livekit::from_settings(&settings).unwrap();
        let shown = format!("{livekit:?}");
        assert!(shown.contains("ws://127.0.0.1:7880"), "{shown}");
        assert!(
            !shown.contains("APIkey123") && !shown.contains("s3cr3t-value"),
            "{shown}"
        );
    }
}
