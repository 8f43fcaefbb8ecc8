//! Realtime (Gemini Live) sessions in a call (seed 002): started and read.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// `POST /api/voice/realtime`: the OpenAI Realtime configuration for the call's agent.
    pub async fn start_realtime(
        &self,
        caller: &Caller,
        input: StartRealtime,
    ) -> Result<RealtimeStarted> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?;
        let model = input
            .model
            .unwrap_or_else(|| DEFAULT_REALTIME_MODEL.to_owned());
        if model.trim().is_empty() || model.len() > 100 {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "model",
                "must be 1–100 characters",
            )]));
        }
        let livekit = self.livekit()?;
        let record = self
            .session_in_room(caller, room)
            .await
            .map_err(not_found_as("Call session or agent"))?;
        let agent_identity = record
            .agent_identity
            .clone()
            .filter(|_| record.ended_at.is_none())
            .ok_or(Error::NotFound("Call session or agent"))?;
        if agent_status_of(&record) == Some(AgentStatus::Disconnected) {
            return Err(Error::Unavailable("AI agent not ready".to_owned()));
        }
        Ok(RealtimeStarted {
            success: true,
            room_name: room.to_owned(),
            model,
            agent_identity,
            configuration: json!({
                "modalities": ["text", "audio"],
                "instructions": record.system_prompt.as_deref().unwrap_or(DEFAULT_INSTRUCTIONS),
                "voice": record.voice.as_deref().unwrap_or("alloy"),
                "input_audio_format": "pcm16",
                "output_audio_format": "pcm16",
                "input_audio_transcription": { "model": "whisper-1" },
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500
                }
            }),
            livekit: RealtimeLivekit {
                server_url: livekit.url().to_owned(),
                room_name: room.to_owned(),
            },
        })
    }

    /// `GET /api/voice/realtime?roomName=`.
    pub async fn realtime_status(&self, caller: &Caller, room: &str) -> Result<RealtimeStatus> {
        caller.permit(Permission::ConversationsRead)?;
        let record = self
            .session_in_room(caller, room_name_required(room)?)
            .await?;
        let agent_status = agent_status_of(&record);
        Ok(RealtimeStatus {
            success: true,
            room_name: record.room_name.clone().unwrap_or_default(),
            call_status: status_of(&record),
            agent_status,
            agent_available: agent_status == Some(AgentStatus::Active) && record.ended_at.is_none(),
            duration: duration_secs(&record, self.now_ms()),
            connected_at: record.connected_at.map(iso8601),
            metadata: metadata_of(&record),
        })
    }
}
