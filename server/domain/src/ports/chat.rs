//! The chat-model port: one completion from an OpenAI-compatible server
//! (`OPENAI_BASE_URL`), for AI answers in chat when an app picks a model.

use crate::Result;

/// One turn of the conversation sent to the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatTurn {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    pub content: String,
}

#[async_trait::async_trait]
pub trait ChatModels: Send + Sync {
    /// The model's reply to `turns`. `Unavailable` when no server is configured, `Upstream`
    /// when it fails or answers nothing.
    async fn complete(&self, model: &str, turns: &[ChatTurn]) -> Result<String>;
}
