//! The desk wing's wire types (seed 001's support desk).

pub mod contacts;
pub mod conversations;
pub mod dashboard;
pub mod identity;
pub mod widget;
