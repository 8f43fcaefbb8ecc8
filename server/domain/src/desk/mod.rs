//! The desk wing: the support desk of seed 001 (contacts, widget sessions, inbox, tickets, help
//! center, reports, campaigns). It may use the platform wing, never the agent wing.

mod calls;
pub mod contacts;
pub mod conversations;
pub mod identity;
pub mod inbox;
pub mod widget_sessions;

pub use widget_sessions::{Visitor, WIDGET_TOKEN_PREFIX};

crate::services::wing_handle!(
    /// The desk wing's operations, from [`Services::desk`](crate::Services::desk).
    Desk
);

#[cfg(test)]
mod tests;
