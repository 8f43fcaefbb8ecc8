//! The LiveKit port: participant tokens, webhook verification, and the server APIs we call
//! (rooms, agent dispatch, egress). Its types carry only what the domain reads.

use std::collections::HashMap;
use std::time::Duration;

use crate::Result;

/// What a participant token allows.
#[derive(Clone, Debug, Default)]
pub struct TokenSpec<'a> {
    pub room: &'a str,
    pub identity: &'a str,
    pub name: Option<&'a str>,
    pub metadata: Option<&'a str>,
    pub attributes: Vec<(String, String)>,
    pub ttl: Duration,
    /// An agent's token (`kind: agent`, agent grant).
    pub agent: bool,
    /// The agent LiveKit dispatches when the participant connects (`roomConfig.agents`):
    /// its name and metadata.
    pub dispatch: Option<(&'a str, &'a str)>,
}

/// A room to create.
#[derive(Clone, Debug)]
pub struct NewRoom<'a> {
    pub name: &'a str,
    pub max_participants: u32,
    pub empty_timeout_secs: u32,
    pub metadata: String,
}

/// An agent dispatch LiveKit created.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispatch {
    pub id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingFormat {
    Mp4,
    Ogg,
}

impl RecordingFormat {
    pub fn extension(self) -> &'static str {
        match self {
            RecordingFormat::Mp4 => "mp4",
            RecordingFormat::Ogg => "ogg",
        }
    }
}

/// Where an egress stands, as a call's recording status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingState {
    Active,
    Stopped,
    Failed,
}

impl RecordingState {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingState::Active => "active",
            RecordingState::Stopped => "stopped",
            RecordingState::Failed => "failed",
        }
    }
}

/// An egress recording a room.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    pub egress_id: String,
    pub room_name: String,
    pub state: RecordingState,
    /// The file's URL (or path) once written.
    pub location: Option<String>,
}

/// What kind of participant joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParticipantKind {
    Standard,
    Agent,
    Sip,
    Egress,
    Ingress,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub identity: String,
    pub name: String,
    pub sid: String,
    pub kind: ParticipantKind,
    pub attributes: HashMap<String, String>,
}

/// A published track.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub sid: String,
    /// `MICROPHONE`, `CAMERA`, … or `unknown`.
    pub source: String,
}

/// A verified LiveKit webhook event.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    pub id: String,
    /// `room_started`, `participant_joined`, `egress_ended`, …
    pub event: String,
    /// Seconds since the epoch; 0 when absent.
    pub created_at: i64,
    pub room_name: Option<String>,
    pub participant: Option<Participant>,
    pub track: Option<Track>,
    pub egress: Option<Recording>,
    /// Why a room finished: `api_delete`, `idle_timeout`, `shutdown`, or `None`.
    pub room_end_reason: Option<&'static str>,
}

#[async_trait::async_trait]
pub trait Livekit: Send + Sync {
    /// The URL clients connect to, as configured (`wss://…`).
    fn url(&self) -> &str;

    /// A participant token for one room.
    fn token(&self, spec: &TokenSpec<'_>) -> Result<String>;

    /// Verifies a webhook: the JWT in `Authorization` must be ours, unexpired, and carry the
    /// SHA-256 of these exact bytes. `Unauthenticated` otherwise.
    fn verify_webhook(&self, body: &str, authorization: &str) -> Result<WebhookEvent>;

    async fn create_room(&self, room: NewRoom<'_>) -> Result<()>;

    /// Deletes a room; one LiveKit no longer has counts as deleted.
    async fn delete_room(&self, name: &str) -> Result<()>;

    /// The rooms among `names` LiveKit still has.
    async fn existing_rooms(&self, names: Vec<String>) -> Result<Vec<String>>;

    /// Removes a participant; one already gone counts as removed.
    async fn remove_participant(&self, room: &str, identity: &str) -> Result<()>;

    /// Explicitly dispatches `agent_name` to `room` with `metadata` (JSON).
    async fn dispatch_agent(
        &self,
        room: &str,
        agent_name: &str,
        metadata: String,
    ) -> Result<Dispatch>;

    /// Removes a dispatch; one already gone counts as removed.
    async fn remove_dispatch(&self, dispatch_id: &str, room: &str) -> Result<()>;

    /// Records the room's mixed audio to `filepath` (relative to the egress's storage).
    async fn start_recording(
        &self,
        room: &str,
        filepath: &str,
        format: RecordingFormat,
    ) -> Result<Recording>;

    async fn stop_recording(&self, egress_id: &str) -> Result<Recording>;

    async fn recording(&self, egress_id: &str) -> Result<Option<Recording>>;
}
