//! The desk wing's pages (seed 001's support desk): the inbox, contacts and the widget.

pub mod contacts;
pub mod inbox;
pub mod widget;
