//! A contact's calls: the bridge from the desk to the agent wing's voice sessions. A call
//! started from the widget keeps the contact's id as its customer id (`agent::voice`); the
//! contact's history reads those sessions, within the contact's workspace, and their CSAT.

use model::desk::contacts::ContactCall;

use crate::{Result, Services};

/// Calls a contact's page lists.
const CONTACT_CALLS: i64 = 20;

impl Services {
    pub(crate) async fn contact_calls(
        &self,
        workspace_id: &str,
        contact_id: &str,
    ) -> Result<Vec<ContactCall>> {
        let sessions = self
            .store()
            .voice_sessions_of_customer(workspace_id, contact_id, CONTACT_CALLS)
            .await?;
        let mut calls = Vec::with_capacity(sessions.len());
        for session in sessions {
            let csat = self
                .store()
                .csat_by_session(&session.app_id, &session.session_key)
                .await?;
            calls.push(ContactCall {
                room_name: session.room_name.unwrap_or_default(),
                session_id: session.session_key,
                status: session.status,
                started_at: session.created_at,
                ended_at: session.ended_at,
                csat_rating: csat.as_ref().map(|rating| rating.rating),
                csat_comment: csat.and_then(|rating| rating.comment),
            });
        }
        Ok(calls)
    }
}
