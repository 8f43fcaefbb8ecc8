//! The agent wing: the voice-agent runtime. Conversations and their messages, events and CSAT;
//! tools, guardrails, persona, experiments and knowledge; voice sessions, handoffs and analytics.

pub(crate) mod analytics;
pub(crate) mod conversations;
pub(crate) mod csat;
pub(crate) mod dashboard;
pub(crate) mod events;
pub(crate) mod experiments;
pub(crate) mod gemini;
pub(crate) mod guardrails;
pub(crate) mod handoffs;
pub mod knowledge;
pub(crate) mod live;
pub(crate) mod messages;
pub(crate) mod persona;
pub(crate) mod stats;
pub(crate) mod tools;
pub mod voice;

crate::services::wing_handle!(
    /// The agent wing's operations, from [`Services::agent`](crate::Services::agent).
    Agent
);
