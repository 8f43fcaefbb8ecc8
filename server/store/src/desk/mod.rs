//! The desk wing's tables (seed 001's support desk).

pub mod ai_agent;
pub mod automation;
pub mod contacts;
pub mod conversations;
pub mod help_center;
pub mod identity_verification;
pub mod snippets;
pub mod tags;
pub mod tickets;
pub mod widget_sessions;
