//! The desk wing's server functions (seed 001's support desk).

pub mod contacts;
pub mod inbox;
pub mod widget;
