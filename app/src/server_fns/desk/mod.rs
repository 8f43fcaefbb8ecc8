//! The desk wing's server functions (seed 001's support desk).

pub mod contacts;
pub mod help_center;
pub mod inbox;
pub mod support;
pub mod tickets;
pub mod widget;
