//! The embeddings port: texts in, vectors out, from the provider the deployment chose.

use std::sync::Arc;

use crate::Result;

/// What a text is embedded for: some providers encode queries and passages differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Document,
    Query,
}

/// A connected embedding provider.
#[async_trait::async_trait]
pub trait Embeddings: Send + Sync {
    /// `provider/model`, recorded with every vector: vectors of different models are never
    /// compared.
    fn model(&self) -> &str;

    /// The top score below which a search records a gap, when the app sets none.
    fn default_threshold(&self) -> f64;

    /// One vector per text, in order (the domain normalises them).
    async fn embed(&self, texts: &[String], purpose: Purpose) -> Result<Vec<Vec<f32>>>;
}

/// Connects the configured provider. Slow for a local model (it is read from disk), so the
/// services connect once, on first use or at start.
pub trait ConnectEmbeddings: Send + Sync {
    /// The provider, or why it cannot be used (`Unavailable`, naming the setting).
    fn connect(&self) -> Result<Arc<dyn Embeddings>>;
}
