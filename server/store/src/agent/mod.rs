//! The agent wing's tables: conversations, messages, events, CSAT, tools, guardrails,
//! experiments, handoffs, knowledge, voice sessions and analytics.

pub(crate) mod analytics;
pub(crate) mod conversations;
pub(crate) mod csat;
pub(crate) mod events;
pub(crate) mod experiments;
pub(crate) mod guardrails;
pub(crate) mod handoffs;
pub(crate) mod knowledge;
pub(crate) mod messages;
pub(crate) mod session_bindings;
pub(crate) mod tools;
pub(crate) mod voice;
