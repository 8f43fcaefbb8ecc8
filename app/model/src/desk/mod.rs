//! The desk wing's wire types (seed 001's support desk).

pub mod ai_agent;
pub mod automation;
pub mod contacts;
pub mod conversations;
pub mod dashboard;
pub mod help_center;
pub mod identity;
pub mod snippets;
pub mod tags;
pub mod tickets;
pub mod widget;
