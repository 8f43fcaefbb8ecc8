//! The agent wing's pages: overview, conversations, handoffs, voice sessions, the playground,
//! and the agent's persona, tools, guardrails, knowledge and experiments.

pub mod conversations;
pub mod experiments;
pub mod guardrails;
pub mod handoffs;
pub mod knowledge;
pub mod overview;
pub mod persona;
pub mod playground;
pub mod tools;
pub mod voice_sessions;
