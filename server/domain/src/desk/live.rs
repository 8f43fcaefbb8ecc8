//! Live updates of the support desk: new messages and conversation changes reach open inbox
//! pages and widgets without a reload.
//!
//! On the hub the agent wing's updates use too (`crate::live`): one in-process broadcast per
//! instance; on PostgreSQL writers `NOTIFY` ids on the desk's channel and each instance's relay
//! loads the rows once and broadcasts them, so a page connected to any instance sees writes
//! made through every one.

use std::sync::Arc;

use model::desk::conversations::{DeskUpdate, SenderKind};
use model::platform::users::Permission;
use serde::{Deserialize, Serialize};
use store::{DESK_CHANNEL, DeskMessageRecord, Store};
use tokio::sync::broadcast;

use crate::desk::ai_agent::to_answer;
use crate::desk::conversations::{to_conversation, to_message};
use crate::desk::{Desk, Visitor};
use crate::live::{Hub, Receiver};
use crate::{Actor, Result, Services};

/// One update, addressed to a workspace and a contact.
#[derive(Clone, Debug)]
pub(crate) struct DeskEvent {
    workspace_id: String,
    contact_id: String,
    update: DeskUpdate,
}

/// This instance's hub of desk updates.
pub(crate) type DeskHub = Hub<DeskEvent>;

/// What crosses instances: ids only.
#[derive(Debug, Serialize, Deserialize)]
struct Notification {
    conversation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// Whose updates a subscription receives.
#[derive(Debug)]
enum Audience {
    /// Members of a workspace: everything of it.
    Workspace(String),
    /// A visitor: their own conversations, without internal notes.
    Contact(String),
}

/// A subscription to the desk's updates.
pub struct DeskSubscription {
    receiver: Receiver<DeskEvent>,
    audience: Audience,
}

impl DeskSubscription {
    /// The next update for this audience; `None` when the server shuts down. A subscriber too
    /// slow to keep up skips what it missed (it can reload).
    pub async fn next(&mut self) -> Option<DeskUpdate> {
        let audience = &self.audience;
        self.receiver
            .next_where(|event| audience.receives(event))
            .await
            .map(|event| event.update.clone())
    }
}

impl Audience {
    fn receives(&self, event: &DeskEvent) -> bool {
        match self {
            Audience::Workspace(id) => event.workspace_id == *id,
            Audience::Contact(id) => {
                event.contact_id == *id
                    && !matches!(&event.update, DeskUpdate::Message { message } if message.internal)
            }
        }
    }
}

impl Desk<'_> {
    /// Follows a workspace's support conversations (needs `conversations.read`).
    pub async fn subscribe_inbox(
        &self,
        actor: &Actor,
        workspace_id: Option<String>,
    ) -> Result<DeskSubscription> {
        let workspace_id = self
            .desk_workspace(actor, workspace_id, Permission::ConversationsRead)
            .await?;
        Ok(self.subscribe(Audience::Workspace(workspace_id)).await)
    }

    /// Follows the visitor's own conversations.
    pub async fn subscribe_visitor(&self, visitor: &Visitor) -> DeskSubscription {
        self.subscribe(Audience::Contact(visitor.contact_id.clone()))
            .await
    }

    /// Ends every live stream: the server is stopping.
    pub fn close_live_streams(&self) {
        self.desk_hub().close();
    }

    async fn subscribe(&self, audience: Audience) -> DeskSubscription {
        self.desk_hub()
            .ensure_relay(
                self.store(),
                DESK_CHANNEL,
                |store, sender, payload| async move {
                    relay(&store, &sender, &payload).await;
                },
            )
            .await;
        DeskSubscription {
            receiver: self.desk_hub().subscribe(),
            audience,
        }
    }
}

impl Services {
    /// Announces a conversation's new state, and the message that changed it if one did.
    /// Best effort: the write it announces has already succeeded.
    pub(crate) async fn publish_desk(
        &self,
        conversation_id: &str,
        message: Option<&DeskMessageRecord>,
    ) {
        if self.store().notifications_cross_instances() {
            let notification = Notification {
                conversation: conversation_id.to_owned(),
                message: message.map(|message| message.id.clone()),
            };
            let sent = match serde_json::to_string(&notification) {
                Ok(payload) => self
                    .store()
                    .notify(DESK_CHANNEL, &payload)
                    .await
                    .map_err(|e| e.to_string()),
                Err(err) => Err(err.to_string()),
            };
            if let Err(error) = sent {
                tracing::warn!(%error, "desk update not sent");
            }
        } else {
            broadcast_rows(
                self.store(),
                &self.desk_hub().sender(),
                conversation_id,
                message.cloned(),
            )
            .await;
        }
    }
}

async fn relay(store: &Store, sender: &broadcast::Sender<Arc<DeskEvent>>, payload: &str) {
    let Ok(notification) = serde_json::from_str::<Notification>(payload) else {
        tracing::warn!("desk updates: unreadable notification ignored");
        return;
    };
    if sender.receiver_count() == 0 {
        return;
    }
    let message = match &notification.message {
        Some(id) => match store.desk_message(id).await {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "desk updates: cannot load the message");
                None
            }
        },
        None => None,
    };
    broadcast_rows(store, sender, &notification.conversation, message).await;
}

/// Loads the conversation and sends it, after its message if there is one.
async fn broadcast_rows(
    store: &Store,
    sender: &broadcast::Sender<Arc<DeskEvent>>,
    conversation_id: &str,
    message: Option<DeskMessageRecord>,
) {
    if sender.receiver_count() == 0 {
        return;
    }
    let conversation = match store.desk_conversation(conversation_id).await {
        Ok(Some(conversation)) => conversation,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%error, "desk updates: cannot load the conversation");
            return;
        }
    };
    let event = |update| {
        Arc::new(DeskEvent {
            workspace_id: conversation.workspace_id.clone(),
            contact_id: conversation.contact_id.clone(),
            update,
        })
    };
    // No subscriber is not an error.
    if let Some(message) = message {
        let mut message = to_message(message);
        // An AI turn goes out with its record (confidence, sources).
        if message.sender == SenderKind::Bot {
            match store.ai_answer(&message.id).await {
                Ok(answer) => message.ai = answer.map(to_answer),
                Err(error) => tracing::warn!(%error, "desk updates: cannot load the AI turn"),
            }
        }
        let _ = sender.send(event(DeskUpdate::Message { message }));
    }
    let _ = sender.send(event(DeskUpdate::Conversation {
        conversation: to_conversation(conversation.clone()),
    }));
}
