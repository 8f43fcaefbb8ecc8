//! The desk wing: the support desk of seed 001 (contacts, widget sessions, inbox, tickets, help
//! center, reports, campaigns). It may use the platform wing, never the agent wing.

crate::services::wing_handle!(
    /// The desk wing's operations, from [`Services::desk`](crate::Services::desk).
    Desk
);
