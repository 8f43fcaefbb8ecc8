//! The desk wing: the support desk of seed 001 (contacts, widget sessions, inbox, tickets, help
//! center, reports, campaigns). It may use the platform wing; it reaches the agent wing only
//! through the bridge (`crate::bridge`).

pub mod ai_agent;
pub mod automation;
pub mod contacts;
pub mod conversations;
pub mod help_center;
pub mod identity;
pub mod inbox;
pub mod live;
pub mod snippets;
pub mod tags;
pub mod tickets;
pub mod widget_sessions;

use model::platform::users::Permission;

pub use live::DeskSubscription;
pub use widget_sessions::{Visitor, WIDGET_TOKEN_PREFIX};

use crate::{Actor, Result};

crate::services::wing_handle!(
    /// The desk wing's operations, from [`Services::desk`](crate::Services::desk).
    Desk
);

impl Desk<'_> {
    /// The workspace a request names (or the user's only one), if the actor holds
    /// `permission` there; "not found" for outsiders.
    pub(crate) async fn desk_workspace(
        &self,
        actor: &Actor,
        workspace_id: Option<String>,
        permission: Permission,
    ) -> Result<String> {
        let workspace_id = match workspace_id {
            Some(id) => id,
            None => self.workspace_for(actor).await?,
        };
        actor.require(&workspace_id, permission)?;
        Ok(workspace_id)
    }
}

#[cfg(test)]
mod tests;
