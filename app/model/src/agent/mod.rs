//! The agent wing's wire types: conversations, messages, events, CSAT, tools, guardrails,
//! persona, experiments, knowledge, voice sessions, handoffs, analytics and the playground.

pub mod analytics;
pub mod conversations;
pub mod dashboard;
pub mod experiments;
pub mod gemini;
pub mod guardrails;
pub mod handoffs;
pub mod knowledge;
pub mod persona;
pub mod playground;
pub mod tools;
pub mod transcript;
pub mod voice;
