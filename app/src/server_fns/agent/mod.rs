//! The agent wing's server functions: the pages of the voice-agent runtime.

pub mod analytics;
pub mod conversations;
pub mod experiments;
pub mod guardrails;
pub mod handoffs;
pub mod knowledge;
pub mod persona;
pub mod playground;
pub mod tools;
pub mod voice;
