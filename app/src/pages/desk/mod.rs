//! The desk wing's pages (seed 001's support desk): the inbox, tickets, contacts, the widget,
//! and the workspace's snippets, tags and automation.

pub mod contacts;
pub mod inbox;
pub mod support;
pub mod tickets;
pub mod widget;
