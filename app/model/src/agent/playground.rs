//! The voice playground's state: what the page asks the server for, what the browser's LiveKit
//! bridge reports, and the live transcript built from LiveKit's `lk.transcription` streams.
//!
//! Pure data and rules, so the server, the wasm island and the unit tests share them.

use serde::{Deserialize, Serialize};

/// The agent configuration a tester picks: seed 004's `agentConfig`, field for field.
/// What the playground page starts from: the app's persona as defaults, and whether this
/// instance can hold voice calls at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundSetup {
    pub app_name: String,
    pub app_active: bool,
    /// Why calls cannot start (LiveKit unset), if they cannot.
    pub voice_unavailable: Option<String>,
    /// The persona's composed instructions, the default prompt.
    pub instructions: String,
    pub greeting: String,
    pub voice: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundConfig {
    /// `pipeline` (STT → LLM → TTS) or `realtime` (one speech-to-speech model).
    pub mode: String,
    pub stt: String,
    pub llm: String,
    pub tts: String,
    pub realtime_model: String,
    pub realtime_voice: String,
    pub prompt: String,
    pub greeting: String,
    /// Checkboxes: present ("on") when ticked.
    #[serde(default)]
    pub vad_enabled: Option<String>,
    #[serde(default)]
    pub turn_detection_enabled: Option<String>,
    #[serde(default)]
    pub noise_cancellation_enabled: Option<String>,
    /// `auto`, `telephony`, `standard` or `none`.
    pub noise_cancellation_type: String,
}

impl PlaygroundConfig {
    /// Seed 004's `agentConfig` object: empty fields are left out, so the agent's own defaults
    /// apply; a realtime session names no STT/LLM/TTS, a pipeline no realtime model.
    pub fn agent_config(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::Value;
        let realtime = self.mode == "realtime";
        let mut config = serde_json::Map::new();
        let mut text = |key: &str, value: &str| {
            let value = value.trim();
            if !value.is_empty() {
                config.insert(key.to_owned(), Value::String(value.to_owned()));
            }
        };
        if realtime {
            text("realtime_model", &self.realtime_model);
            text("realtime_voice", &self.realtime_voice);
        } else {
            text("stt", &self.stt);
            text("llm", &self.llm);
            text("tts", &self.tts);
        }
        text("prompt", &self.prompt);
        text("greeting", &self.greeting);
        text("noise_cancellation_type", &self.noise_cancellation_type);
        config.insert("realtime".to_owned(), Value::Bool(realtime));
        for (key, ticked) in [
            ("vad_enabled", &self.vad_enabled),
            ("turn_detection_enabled", &self.turn_detection_enabled),
            (
                "noise_cancellation_enabled",
                &self.noise_cancellation_enabled,
            ),
        ] {
            config.insert(key.to_owned(), Value::Bool(ticked.is_some()));
        }
        config
    }
}

/// A started playground call: where the browser connects, and the browser-safe token it
/// persists the transcript and the rating with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaygroundCall {
    pub livekit_url: String,
    pub user_token: String,
    pub room_name: String,
    /// The conversation's session id (the room name), for messages and CSAT.
    pub session_id: String,
    /// A short-lived session token (`sbt_…`) for the JSON API.
    pub session_token: String,
    /// The identity the tester joins the room as.
    pub identity: String,
}

/// The agent's `lk.agent.state` participant attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentState {
    Idle,
    Connecting,
    Initializing,
    Listening,
    Thinking,
    Speaking,
    Disconnected,
}

impl AgentState {
    pub fn parse(text: &str) -> Option<AgentState> {
        Some(match text {
            "idle" => AgentState::Idle,
            "connecting" => AgentState::Connecting,
            "initializing" => AgentState::Initializing,
            "listening" => AgentState::Listening,
            "thinking" => AgentState::Thinking,
            "speaking" => AgentState::Speaking,
            "disconnected" => AgentState::Disconnected,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Idle => "idle",
            AgentState::Connecting => "connecting",
            AgentState::Initializing => "initializing",
            AgentState::Listening => "listening",
            AgentState::Thinking => "thinking",
            AgentState::Speaking => "speaking",
            AgentState::Disconnected => "disconnected",
        }
    }
}

/// What the browser's LiveKit bridge reports, one JSON object per event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BridgeEvent {
    /// The room's connection state: `connecting`, `connected`, `reconnecting`, `disconnected`.
    Connection { state: String },
    /// The agent's `lk.agent.state`, as it changes, and whether the agent stores the call's
    /// transcript itself (its `switchboard.transcript` attribute is `stored`), as Switchboard's
    /// reference agent does; the page then stores none, so no line is written twice.
    #[serde(rename_all = "camelCase")]
    Agent {
        state: String,
        #[serde(default)]
        stores_transcript: bool,
    },
    /// One update of a transcript segment from an `lk.transcription` text stream.
    #[serde(rename_all = "camelCase")]
    Transcript {
        segment_id: String,
        identity: String,
        /// `user` for the tester's own speech, `agent` for the agent's.
        role: String,
        text: String,
        is_final: bool,
    },
    /// Connecting failed, or the microphone was refused.
    Error { message: String },
}

/// What the page shows as the call's state: the issue's list, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallState {
    /// Nothing started yet.
    Idle,
    /// Starting on the server or joining the room.
    Connecting,
    /// In the room, waiting for the agent to join and start.
    Initializing,
    Agent(AgentState),
    Disconnected,
    Error,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Idle => "idle",
            CallState::Connecting => "connecting",
            CallState::Initializing => "initializing",
            CallState::Agent(state) => state.as_str(),
            CallState::Disconnected => "disconnected",
            CallState::Error => "error",
        }
    }

    /// Whether a call is under way (End is offered).
    pub fn in_call(self) -> bool {
        matches!(
            self,
            CallState::Connecting | CallState::Initializing | CallState::Agent(_)
        )
    }

    /// The next state after a bridge event; transcript events change nothing.
    pub fn after(self, event: &BridgeEvent) -> CallState {
        match event {
            BridgeEvent::Error { .. } => CallState::Error,
            BridgeEvent::Connection { state } => match state.as_str() {
                "connecting" | "reconnecting" | "signalReconnecting" => CallState::Connecting,
                // Connected before the agent says anything: it is still joining.
                "connected" => match self {
                    CallState::Agent(_) => self,
                    _ => CallState::Initializing,
                },
                "disconnected" if self == CallState::Error => CallState::Error,
                "disconnected" => CallState::Disconnected,
                _ => self,
            },
            BridgeEvent::Agent { state, .. } => match AgentState::parse(state) {
                Some(agent) if self.in_call() => CallState::Agent(agent),
                _ => self,
            },
            BridgeEvent::Transcript { .. } => self,
        }
    }
}

/// One line of the live transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub segment_id: String,
    pub identity: String,
    pub role: String,
    pub text: String,
    pub is_final: bool,
    /// When the segment was first heard (ms since the epoch).
    pub started_at: i64,
}

/// The transcript, one line per `lk.segment_id`: interim versions of a segment replace each
/// other in place, and a segment is reported for storage once, when it first turns final.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveTranscript {
    pub segments: Vec<Segment>,
}

impl LiveTranscript {
    /// Applies one transcript event; returns the segment to persist when it just became final.
    pub fn apply(&mut self, event: &BridgeEvent, now_ms: i64) -> Option<Segment> {
        let BridgeEvent::Transcript {
            segment_id,
            identity,
            role,
            text,
            is_final,
        } = event
        else {
            return None;
        };
        let position = self
            .segments
            .iter()
            .position(|s| s.segment_id == *segment_id);
        let segment = match position {
            Some(at) => &mut self.segments[at],
            None => {
                self.segments.push(Segment {
                    segment_id: segment_id.clone(),
                    identity: identity.clone(),
                    role: role.clone(),
                    text: String::new(),
                    is_final: false,
                    started_at: now_ms,
                });
                self.segments.last_mut()?
            }
        };
        // A final segment is settled: late interim updates of it are stale.
        if segment.is_final {
            return None;
        }
        segment.text.clone_from(text);
        segment.is_final = *is_final;
        segment.is_final.then(|| segment.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(segment_id: &str, text: &str, is_final: bool) -> BridgeEvent {
        BridgeEvent::Transcript {
            segment_id: segment_id.to_owned(),
            identity: "agent-1".to_owned(),
            role: "agent".to_owned(),
            text: text.to_owned(),
            is_final,
        }
    }

    #[test]
    fn interim_versions_of_a_segment_replace_each_other_and_final_is_reported_once() {
        let mut live = LiveTranscript::default();
        assert_eq!(live.apply(&transcript("s1", "Hel", false), 10), None);
        assert_eq!(live.apply(&transcript("s1", "Hello", false), 20), None);
        let done = live.apply(&transcript("s1", "Hello there.", true), 30);
        assert_eq!(done.map(|s| s.text), Some("Hello there.".to_owned()));
        // A repeated final, or a stale interim after it, changes nothing and is not re-sent.
        assert_eq!(
            live.apply(&transcript("s1", "Hello there.", true), 40),
            None
        );
        assert_eq!(live.apply(&transcript("s1", "Hel", false), 50), None);
        assert_eq!(live.segments.len(), 1);
        assert_eq!(live.segments[0].text, "Hello there.");
        assert_eq!(live.segments[0].started_at, 10);

        live.apply(&transcript("s2", "How can I help?", false), 60);
        assert_eq!(live.segments.len(), 2);
        assert!(!live.segments[1].is_final);
    }

    #[test]
    fn the_bridge_says_whether_the_agent_stores_the_transcript() {
        let ours: BridgeEvent =
            serde_json::from_str(r#"{"type":"agent","state":"listening","storesTranscript":true}"#)
                .unwrap();
        let theirs: BridgeEvent =
            serde_json::from_str(r#"{"type":"agent","state":"listening"}"#).unwrap();
        assert!(matches!(
            ours,
            BridgeEvent::Agent {
                stores_transcript: true,
                ..
            }
        ));
        assert!(matches!(
            theirs,
            BridgeEvent::Agent {
                stores_transcript: false,
                ..
            }
        ));
    }

    #[test]
    fn the_call_state_follows_connection_and_agent_attribute() {
        let event = |state: &str| BridgeEvent::Connection {
            state: state.to_owned(),
        };
        let agent = |state: &str| BridgeEvent::Agent {
            state: state.to_owned(),
            stores_transcript: true,
        };
        let mut state = CallState::Connecting;
        state = state.after(&event("connected"));
        assert_eq!(state, CallState::Initializing);
        state = state.after(&agent("listening"));
        assert_eq!(state.as_str(), "listening");
        state = state.after(&agent("speaking"));
        assert_eq!(state.as_str(), "speaking");
        // A reconnect that succeeds keeps what the agent last said.
        state = state.after(&event("connected"));
        assert_eq!(state.as_str(), "speaking");
        state = state.after(&agent("nonsense"));
        assert_eq!(state.as_str(), "speaking");
        state = state.after(&event("disconnected"));
        assert_eq!(state, CallState::Disconnected);
        // After the call, a late attribute change does not revive it.
        assert_eq!(state.after(&agent("listening")), CallState::Disconnected);

        let failed = CallState::Connecting.after(&BridgeEvent::Error {
            message: "could not establish signal connection".to_owned(),
        });
        assert_eq!(failed, CallState::Error);
        assert_eq!(failed.after(&event("disconnected")), CallState::Error);
    }

    #[test]
    fn agent_config_leaves_out_empty_fields_and_the_other_mode() {
        let config = PlaygroundConfig {
            mode: "realtime".to_owned(),
            stt: "deepgram/nova-3".to_owned(),
            realtime_model: "gemini-2.0-flash-live-001".to_owned(),
            realtime_voice: "Puck".to_owned(),
            prompt: "  ".to_owned(),
            vad_enabled: Some("on".to_owned()),
            ..PlaygroundConfig::default()
        };
        let json = serde_json::Value::Object(config.agent_config());
        assert_eq!(
            json,
            serde_json::json!({
                "realtime": true,
                "realtime_model": "gemini-2.0-flash-live-001",
                "realtime_voice": "Puck",
                "vad_enabled": true,
                "turn_detection_enabled": false,
                "noise_cancellation_enabled": false,
            })
        );
    }

    #[test]
    fn bridge_events_read_the_json_the_page_script_sends() {
        let event: BridgeEvent = serde_json::from_str(
            r#"{"type":"transcript","segmentId":"SG_1","identity":"tester","role":"user","text":"hi","isFinal":false}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            event,
            BridgeEvent::Transcript {
                segment_id: "SG_1".to_owned(),
                identity: "tester".to_owned(),
                role: "user".to_owned(),
                text: "hi".to_owned(),
                is_final: false,
            }
        );
    }
}
