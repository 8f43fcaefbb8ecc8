//! Live updates of a session (new messages, status changes) for dashboards and the playground.
//!
//! Every instance keeps one in-process broadcast channel. On SQLite (one process) writers publish
//! straight into it. On PostgreSQL writers `NOTIFY` the ids of what changed; each instance runs
//! one relay that `LISTEN`s, loads those rows once and broadcasts them locally, so a dashboard
//! connected to any instance sees writes made through every instance.

use std::collections::BTreeMap;
use std::sync::Arc;

use model::agent::conversations::{ConversationStatus, LiveUpdate};
use model::platform::users::Permission;
use serde::{Deserialize, Serialize};
use store::{AGENT_CHANNEL, MAX_NOTIFICATION_BYTES, MessageRecord, Store};
use tokio::sync::broadcast;

use crate::agent::Agent;
use crate::agent::messages::to_message;
use crate::live::{Hub, Receiver};
use crate::{Caller, Result, Services};

/// Message ids per notification: 100 UUIDs stay well under PostgreSQL's payload limit.
const IDS_PER_NOTIFICATION: usize = 100;
const _: () = assert!(IDS_PER_NOTIFICATION * 40 + 600 < MAX_NOTIFICATION_BYTES);

/// One update, addressed to a session of an app.
#[derive(Clone, Debug)]
pub(crate) struct Addressed {
    app_id: String,
    session_id: String,
    update: LiveUpdate,
}

/// This instance's hub of session updates.
pub(crate) type LiveHub = Hub<Addressed>;

/// What crosses instances: ids, never content (payloads are small and PII stays in the table).
#[derive(Debug, Serialize, Deserialize)]
struct Notification {
    app: String,
    session: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    messages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<ConversationStatus>,
}

/// A subscription to one session's updates.
pub struct LiveSubscription {
    receiver: Receiver<Addressed>,
    app_id: String,
    session_id: String,
}

impl LiveSubscription {
    /// The next update of the session; `None` when the server shuts down. A subscriber too slow
    /// to keep up skips the updates it missed (it can reload the transcript).
    pub async fn next(&mut self) -> Option<LiveUpdate> {
        let (app_id, session_id) = (&self.app_id, &self.session_id);
        self.receiver
            .next_where(|item| item.app_id == *app_id && item.session_id == *session_id)
            .await
            .map(|item| item.update.clone())
    }
}

impl Agent<'_> {
    /// Follows a session of the caller's app. Needs the app secret.
    pub async fn subscribe_session(
        &self,
        caller: &Caller,
        session_id: &str,
    ) -> Result<LiveSubscription> {
        caller.require(Permission::ConversationsRead)?;
        self.live()
            .ensure_relay(
                self.store(),
                AGENT_CHANNEL,
                |store, sender, payload| async move {
                    relay(&store, &sender, &payload).await;
                },
            )
            .await;
        Ok(LiveSubscription {
            receiver: self.live().subscribe(),
            app_id: caller.app.id.clone(),
            session_id: session_id.to_owned(),
        })
    }

    /// Ends every live stream: the server is stopping.
    pub fn close_live_streams(&self) {
        self.live().close();
    }
}

impl Services {
    /// Announces stored or changed messages.
    pub(crate) async fn publish_messages(&self, app_id: &str, records: &[MessageRecord]) {
        if !self.store().notifications_cross_instances() {
            for record in records {
                self.broadcast(Addressed {
                    app_id: app_id.to_owned(),
                    session_id: record.session_id.clone(),
                    update: LiveUpdate::Message {
                        message: to_message(record.clone()),
                    },
                });
            }
            return;
        }
        let mut by_session: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for record in records {
            by_session
                .entry(&record.session_id)
                .or_default()
                .push(record.id.clone());
        }
        for (session_id, ids) in by_session {
            for chunk in ids.chunks(IDS_PER_NOTIFICATION) {
                self.notify(&Notification {
                    app: app_id.to_owned(),
                    session: session_id.to_owned(),
                    messages: chunk.to_vec(),
                    status: None,
                })
                .await;
            }
        }
    }

    /// Announces a conversation's new status.
    pub(crate) async fn publish_status(
        &self,
        app_id: &str,
        session_id: &str,
        status: ConversationStatus,
    ) {
        if self.store().notifications_cross_instances() {
            self.notify(&Notification {
                app: app_id.to_owned(),
                session: session_id.to_owned(),
                messages: Vec::new(),
                status: Some(status),
            })
            .await;
        } else {
            self.broadcast(Addressed {
                app_id: app_id.to_owned(),
                session_id: session_id.to_owned(),
                update: LiveUpdate::Conversation {
                    session_id: session_id.to_owned(),
                    status,
                },
            });
        }
    }

    fn broadcast(&self, item: Addressed) {
        self.live().send(item);
    }

    /// Live updates are best effort: the write they announce has already succeeded.
    async fn notify(&self, notification: &Notification) {
        let sent = match serde_json::to_string(notification) {
            Ok(payload) => self
                .store()
                .notify(AGENT_CHANNEL, &payload)
                .await
                .map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "live update not sent");
        }
    }
}

/// Turns one notification into local broadcasts.
async fn relay(store: &Store, sender: &broadcast::Sender<Arc<Addressed>>, payload: &str) {
    let Ok(notification) = serde_json::from_str::<Notification>(payload) else {
        tracing::warn!("live updates: unreadable notification ignored");
        return;
    };
    let address = |update| {
        Arc::new(Addressed {
            app_id: notification.app.clone(),
            session_id: notification.session.clone(),
            update,
        })
    };
    if let Some(status) = notification.status {
        let _ = sender.send(address(LiveUpdate::Conversation {
            session_id: notification.session.clone(),
            status,
        }));
    }
    if notification.messages.is_empty() || sender.receiver_count() == 0 {
        return;
    }
    match store.messages_by_ids(&notification.messages).await {
        Ok(records) => {
            for record in records {
                if record.app_id == notification.app {
                    let _ = sender.send(address(LiveUpdate::Message {
                        message: to_message(record),
                    }));
                }
            }
        }
        Err(error) => tracing::warn!(%error, "live updates: cannot load messages"),
    }
}
