//! The one bridge between the agent and desk wings. The wings stay unaware of each other: each
//! calls the functions here, and only this folder names both.
//!
//! - [`handoffs`]: voice handoffs land in the inbox, and the inbox works them;
//! - [`help_center`]: the help center and the widget read the published public articles (agent
//!   knowledge documents) in the desk's collections;
//! - [`help_editor`]: the dashboard edits those articles in those collections;
//! - [`ai_answers`]: the AI answers a visitor's chat from those articles, or hands the chat to
//!   a human.

pub mod ai_answers;
mod handoffs;
pub mod help_center;
mod help_editor;
