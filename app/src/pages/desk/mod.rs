//! The desk wing's pages (seed 001's support desk): contacts and the widget.

pub mod contacts;
pub mod widget;
