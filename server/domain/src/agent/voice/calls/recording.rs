//! Recording a call through LiveKit Egress (seed 002): start, status, stop and updates.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// `POST /api/voice/recording`: starts an audio recording of the room (LiveKit egress).
    pub async fn start_call_recording(
        &self,
        caller: &Caller,
        input: StartRecording,
    ) -> Result<RecordingStarted> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?.to_owned();
        let file_type = match input.file_type.as_deref() {
            None | Some("mp4") => RecordingFormat::Mp4,
            Some("ogg") => RecordingFormat::Ogg,
            Some(_) => return Err(Error::Invalid("Invalid file type: mp4 or ogg".to_owned())),
        };
        if let Some(path) = &input.output_path
            && (path.is_empty() || path.len() > 512 || path.contains(".."))
        {
            return Err(Error::InvalidFields(vec![FieldError::new(
                "outputPath",
                "must be 1–512 characters without `..`",
            )]));
        }
        let livekit = self.livekit()?;
        let base = self.recording_path()?;
        let record = self.session_in_room(caller, &room).await?;
        if record.ended_at.is_some() {
            return Err(Error::Invalid("Call is not active".to_owned()));
        }
        if record.recording_status.as_deref() == Some("active") {
            return Err(Error::Conflict("Recording already in progress".to_owned()));
        }
        let extension = file_type.extension();
        let filepath = input.output_path.clone().unwrap_or_else(|| {
            format!(
                "{}/{room}-{}.{extension}",
                base.trim_end_matches('/'),
                self.now_ms()
            )
        });
        let egress = livekit.start_recording(&room, &filepath, file_type).await?;
        let started_at = self.now_ms();
        let egress_id = egress.egress_id.clone();
        let written = self
            .change_session(record, |session| {
                // LiveKit's `egress_started` webhook may have marked this very egress active
                // already; only another egress is a conflict.
                if session.recording_status.as_deref() == Some("active")
                    && session.egress_id.as_deref() != Some(egress_id.as_str())
                {
                    return Err(Error::Conflict("Recording already in progress".to_owned()));
                }
                session.egress_id = Some(egress_id.clone());
                session.recording_status = Some("active".to_owned());
                session.recording_started_at = Some(started_at);
                session.recording_url = None;
                Ok(())
            })
            .await;
        if let Err(err) = written {
            let _ = livekit.stop_recording(&egress.egress_id).await;
            return Err(err);
        }
        Ok(RecordingStarted {
            success: true,
            message: "Recording started successfully".to_owned(),
            recording: RecordingInfo {
                egress_id: egress.egress_id,
                room_name: room,
                started_at: Some(iso8601(started_at)),
                status: "active".to_owned(),
                is_active: None,
            },
        })
    }

    /// `GET /api/voice/recording`: one room's recording (and its URL), or every active one.
    pub async fn call_recording(
        &self,
        caller: &Caller,
        room: Option<&str>,
        egress_id: Option<&str>,
        list_all: bool,
    ) -> Result<RecordingStatus> {
        caller.permit(Permission::ConversationsRead)?;
        if list_all && room.is_none() {
            let rows = self.caller_room_sessions(caller, &[]).await?;
            let recordings = rows
                .iter()
                .filter(|r| r.recording_status.as_deref() == Some("active"))
                .filter_map(recording_info)
                .collect();
            return Ok(RecordingStatus {
                success: true,
                recording: None,
                recording_url: None,
                recordings: Some(recordings),
            });
        }
        let room = room_name_required(room.unwrap_or_default())?;
        let mut record = self.session_in_room(caller, room).await?;
        if let Some(egress_id) = egress_id
            && record.egress_id.as_deref() != Some(egress_id)
        {
            return Err(Error::NotFound("Recording"));
        }
        let Some(current_egress) = record.egress_id.clone() else {
            return Err(Error::NotFound("Recording"));
        };
        // The URL appears once egress has written the file: ask LiveKit if we do not know it.
        if record.recording_url.is_none()
            && let Ok(livekit) = self.livekit()
            && let Ok(Some(info)) = livekit.recording(&current_egress).await
            && let Some(url) = info.location
        {
            record = self
                .change_session(record, |session| {
                    session.recording_url = Some(url.clone());
                    Ok(())
                })
                .await?;
        }
        let recording_url = record.recording_url.clone();
        if egress_id.is_some() {
            return Ok(RecordingStatus {
                success: true,
                recording: None,
                recording_url,
                recordings: None,
            });
        }
        Ok(RecordingStatus {
            success: true,
            recording: recording_info(&record),
            recording_url,
            recordings: None,
        })
    }

    /// `DELETE /api/voice/recording`: stops the room's recording; its URL when known.
    pub async fn stop_call_recording(&self, caller: &Caller, room: &str) -> Result<Option<String>> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(room)?;
        let livekit = self.livekit()?;
        self.recording_path()?;
        let record = self.session_in_room(caller, room).await?;
        let egress_id = record
            .egress_id
            .clone()
            .filter(|_| record.recording_status.as_deref() == Some("active"))
            .ok_or(Error::NotFound("Active recording"))?;
        let info = livekit.stop_recording(&egress_id).await?;
        let url = info.location.clone();
        let written = self
            .change_session(record, |session| {
                session.recording_status = Some("stopped".to_owned());
                if url.is_some() {
                    session.recording_url = url.clone();
                }
                Ok(())
            })
            .await?;
        Ok(written.recording_url)
    }

    /// `PATCH /api/voice/recording`: attaches a transcript or a recording URL.
    pub async fn update_call_recording(
        &self,
        caller: &Caller,
        input: UpdateRecording,
    ) -> Result<()> {
        caller.permit(Permission::AppsRead)?;
        let room = room_name_required(&input.room_name)?;
        let mut checks = Checks::new();
        if let Some(transcript) = &input.transcript {
            checks.bytes("transcript", transcript, MAX_TRANSCRIPT_BYTES);
        }
        if let Some(url) = &input.recording_url
            && (url.len() > 2_048 || !(url.starts_with("https://") || url.starts_with("http://")))
        {
            checks.fail(
                "recordingUrl",
                "must be an http(s) URL of at most 2048 characters",
            );
        }
        checks.finish()?;
        let record = self.session_in_room(caller, room).await?;
        self.change_session(record, |session| {
            if let Some(transcript) = &input.transcript {
                session.transcript = Some(transcript.clone());
            }
            if let Some(url) = &input.recording_url {
                session.recording_url = Some(url.clone());
            }
            Ok(())
        })
        .await?;
        Ok(())
    }
}
