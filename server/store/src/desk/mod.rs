//! The desk wing's tables (seed 001's support desk).

pub mod contacts;
pub mod conversations;
pub mod identity_verification;
pub mod widget_sessions;
