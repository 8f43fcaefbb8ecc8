//! HTTP tests over the real router (and, in `process`, the real binary). Backend-dependent:
//! the test command runs this binary on SQLite and again on PostgreSQL.

// A test crate: its helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod ai_answers;
mod analytics;
mod auth;
mod automation;
mod conversations;
mod cors;
mod errors;
mod experiments;
mod fakes;
mod guardrails;
mod handoff_inbox;
mod handoffs;
mod help_center;
mod helpers;
mod inbox;
mod isolation;
mod knowledge;
mod openapi;
mod persona;
mod process;
mod secrets_at_rest;
mod snippets;
mod system;
mod tickets;
mod token;
mod tools;
mod voice;
mod webhooks;
mod widget;
mod workspaces;
