//! A line of a conversation's transcript, shared by conversations and handoffs.

use serde::{Deserialize, Serialize};

/// One line of a conversation's transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptEntry {
    pub role: String,
    pub content: String,
    /// As the client sent it (seconds or ms since the epoch).
    pub ts: i64,
}
