//! The voice writes SQLite commits in groups ([`crate::group_commit`]): a call's session with
//! its agent's credential, the agent's dispatch id, and the LiveKit events about the call. A
//! voice call makes them all within a second, and every call at once.

use sqlx::SqliteConnection;
use sqlx::types::Json;

use super::{
    INSERT_SESSION, LivekitEventClaim, LivekitEventOutcome, SET_DISPATCH, VoiceSessionRecord,
    WritesFor, bind_session, record_event_sqlite,
};
use crate::AgentCredentialRecord;
use crate::group_commit::{GroupWrite, WriteFuture};
use crate::platform::agent_credentials::{INSERT_CREDENTIAL, bind_credential};

/// A session, with the credential of the agent about to be dispatched to it.
pub(super) struct SessionInsert {
    pub(super) record: VoiceSessionRecord,
    pub(super) credential: Option<AgentCredentialRecord>,
}

impl GroupWrite for SessionInsert {
    type Output = ();

    fn run<'c>(&'c self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, ()> {
        Box::pin(async move {
            bind_session!(sqlx::query(INSERT_SESSION.as_str()), self.record)
                .execute(&mut *connection)
                .await?;
            if let Some(credential) = &self.credential {
                bind_credential!(sqlx::query(INSERT_CREDENTIAL.as_str()), credential)
                    .execute(&mut *connection)
                    .await?;
            }
            Ok(())
        })
    }
}

/// A session's agent dispatch id: whether the session was there to take it.
pub(super) struct DispatchUpdate {
    pub(super) session_id: String,
    pub(super) dispatch_id: String,
    pub(super) now: i64,
}

impl GroupWrite for DispatchUpdate {
    type Output = bool;

    fn run<'c>(&'c self, connection: &'c mut SqliteConnection) -> WriteFuture<'c, bool> {
        Box::pin(async move {
            let done = sqlx::query(SET_DISPATCH)
                .bind(&self.session_id)
                .bind(&self.dispatch_id)
                .bind(self.now)
                .execute(connection)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }
}

/// One verified LiveKit event.
pub(super) struct EventRecording {
    pub(super) claim: LivekitEventClaim,
    pub(super) writes_for: Box<WritesFor>,
}

impl GroupWrite for EventRecording {
    type Output = LivekitEventOutcome;

    fn run<'c>(
        &'c self,
        connection: &'c mut SqliteConnection,
    ) -> WriteFuture<'c, LivekitEventOutcome> {
        Box::pin(record_event_sqlite(
            connection,
            &self.claim,
            &*self.writes_for,
        ))
    }
}
