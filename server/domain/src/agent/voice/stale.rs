//! Voice sessions left open (a lost webhook, a crash): reconciled with what LiveKit still has.

use super::*;
use crate::agent::Agent;

impl Agent<'_> {
    /// Voice sessions not ended yet, every app's, by status (for the metrics).
    pub async fn open_voice_sessions(&self) -> Result<Vec<(String, i64)>> {
        Ok(self.store().open_voice_sessions_by_status().await?)
    }

    /// Ends sessions nobody joined, sessions whose LiveKit room is gone, and forgotten
    /// ElevenLabs sessions; forgets old webhook event ids. Returns how many sessions ended.
    pub async fn reap_stale_voice_sessions(&self) -> Result<usize> {
        let now = self.now_ms();
        let mut ended = 0;
        let mut after: Option<(i64, String)> = None;
        loop {
            let batch = self
                .store()
                .open_voice_sessions(
                    now - RECONCILE_AFTER_MS,
                    after.as_ref().map(|(at, id)| (*at, id.as_str())),
                    REAP_BATCH,
                )
                .await?;
            let Some(last) = batch.last() else {
                break;
            };
            after = Some((last.created_at, last.id.clone()));
            let full = batch.len() == usize::try_from(REAP_BATCH).unwrap_or(usize::MAX);
            ended += self.reap_batch(batch, now).await?;
            if !full {
                break;
            }
        }
        self.store()
            .purge_livekit_events(now - EVENT_ID_RETENTION_MS)
            .await?;
        Ok(ended)
    }
}

impl Services {
    /// Ends the stale sessions among `open`; how many ended.
    async fn reap_batch(&self, open: Vec<VoiceSessionRecord>, now: i64) -> Result<usize> {
        let mut ended = 0;
        let mut with_rooms = Vec::new();
        for session in open {
            let age = now - session.created_at;
            let status = status_of(&session);
            if session.room_name.is_none() {
                if age > ELEVENLABS_MAX_MS {
                    self.finish_session(session, CallStatus::Completed, "expired", false)
                        .await?;
                    ended += 1;
                }
            } else if age > NEVER_CONNECTED_MS && status != CallStatus::Connected {
                self.finish_session(session, CallStatus::Missed, "never_connected", true)
                    .await?;
                ended += 1;
            } else if status == CallStatus::Connected || session.max_participants.is_some() {
                // LiveKit has the room: it was created through its API, or someone joined.
                // (Other rooms open on the first join, so their absence says nothing yet.)
                with_rooms.push(session);
            }
        }
        let Ok(livekit) = self.livekit() else {
            return Ok(ended);
        };
        for batch in with_rooms.chunks(100) {
            let names: Vec<String> = batch.iter().filter_map(|s| s.room_name.clone()).collect();
            let existing = match livekit.existing_rooms(names).await {
                Ok(existing) => existing,
                // LiveKit unreachable: nothing can be concluded this round.
                Err(_) => break,
            };
            for session in batch {
                let gone = session
                    .room_name
                    .as_ref()
                    .is_some_and(|room| !existing.contains(room));
                if gone {
                    self.finish_session(session.clone(), CallStatus::Completed, "room_gone", false)
                        .await?;
                    ended += 1;
                }
            }
        }
        Ok(ended)
    }
}
