//! Embeddings as knowledge uses them: the configured provider (a port), with the guarantees
//! search relies on whatever the provider: one vector per text, each at unit length, so cosine
//! similarity is a dot product.

use std::sync::Arc;

#[cfg(any(test, feature = "testkit"))]
pub use crate::platform::integrations::test_model_dir;
pub use crate::platform::integrations::{
    DEFAULT_GEMINI_DIMENSIONS, DEFAULT_GEMINI_MODEL, DEFAULT_MODEL_DIR, DEFAULT_OPENAI_MODEL,
    EmbeddingProvider, EmbeddingSettings,
};
use crate::ports::Embeddings;
pub use crate::ports::Purpose;
use crate::{Error, Result};

/// A connected embedding provider.
#[derive(Clone)]
pub struct Embedder {
    provider: Arc<dyn Embeddings>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &self.model())
            .finish()
    }
}

impl Embedder {
    pub fn new(provider: Arc<dyn Embeddings>) -> Embedder {
        Embedder { provider }
    }

    /// `provider/model`, recorded with every vector; vectors of different models are never
    /// compared.
    pub fn model(&self) -> &str {
        self.provider.model()
    }

    /// The top score below which a search records a gap, when the app sets none.
    pub fn default_threshold(&self) -> f64 {
        self.provider.default_threshold()
    }

    /// One unit-length vector per text, in order.
    pub async fn embed(&self, texts: &[String], purpose: Purpose) -> Result<Vec<Vec<f32>>> {
        let vectors = self.provider.embed(texts, purpose).await?;
        if vectors.len() != texts.len() {
            return Err(Error::Upstream(format!(
                "the embedding provider returned {} vectors for {} texts",
                vectors.len(),
                texts.len()
            )));
        }
        Ok(vectors.into_iter().map(normalised).collect())
    }
}

/// `v` scaled to length 1, so that cosine similarity is a dot product.
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}
