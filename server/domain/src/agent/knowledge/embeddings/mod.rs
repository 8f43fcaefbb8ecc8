//! The embeddings port: one interface over the three providers a deployment can choose.
//!
//! - `local` (default): all-MiniLM-L6-v2 in-process, 384 dimensions, works offline.
//! - `gemini`: Google's `batchEmbedContents`, 768 dimensions by default (as seed 000).
//! - `openai`: any server speaking OpenAI's `/embeddings` (OpenAI, Ollama,
//!   text-embeddings-inference).
//!
//! Every vector is returned at unit length, so cosine similarity is a dot product. Each chunk
//! records the [`Embedder::model`] that produced it; vectors of different models are never
//! compared.

mod local;
mod remote;

use std::sync::Arc;

use local::LocalModel;
pub use local::normalised;
use remote::Remote;

#[cfg(any(test, feature = "testkit"))]
pub use crate::platform::integrations::test_model_dir;
pub use crate::platform::integrations::{
    DEFAULT_GEMINI_DIMENSIONS, DEFAULT_GEMINI_MODEL, DEFAULT_MODEL_DIR, DEFAULT_OPENAI_MODEL,
    EmbeddingProvider, EmbeddingSettings,
};
use crate::platform::integrations::{GeminiSettings, OpenAiSettings};
use crate::{Error, Result};

const LOCAL_MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// What a text is embedded for: some providers encode queries and passages differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Document,
    Query,
}

/// A ready embedding provider.
#[derive(Clone, Debug)]
pub struct Embedder {
    backend: Backend,
    model: String,
}

#[derive(Clone, Debug)]
enum Backend {
    Local(Arc<LocalModel>),
    Remote(Remote),
}

/// Texts per call: the local model pads a batch to its longest text, so batches stay small.
const LOCAL_BATCH: usize = 16;

impl Embedder {
    /// The configured provider, or why it cannot be used (a 503 message naming the setting).
    pub fn connect(
        settings: &EmbeddingSettings,
        gemini: &GeminiSettings,
        openai: &OpenAiSettings,
    ) -> Result<Embedder> {
        match settings.provider {
            EmbeddingProvider::Local => {
                let model = LocalModel::shared(&settings.model_dir).map_err(|e| {
                    Error::Unavailable(format!("The local embedding model is missing: {e}"))
                })?;
                Ok(Embedder {
                    model: format!("local/{LOCAL_MODEL_NAME}"),
                    backend: Backend::Local(model),
                })
            }
            EmbeddingProvider::Gemini => {
                let remote = Remote::gemini(settings, gemini)?;
                Ok(Embedder {
                    model: format!("gemini/{}", remote.model()),
                    backend: Backend::Remote(remote),
                })
            }
            EmbeddingProvider::OpenAi => {
                let remote = Remote::openai(settings, openai)?;
                Ok(Embedder {
                    model: format!("openai/{}", remote.model()),
                    backend: Backend::Remote(remote),
                })
            }
        }
    }

    /// `provider/model`, recorded with every vector.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The top score below which a search records a gap, when the app sets none. Similarities
    /// run lower with the small local model: on the labelled set (`bench/knowledge-search`),
    /// 0.4 lets 88 % of correctly answered questions pass and flags 91 % of unanswerable ones,
    /// where the seed's 0.5 (meant for Gemini's embeddings) flags half the good answers.
    pub fn default_threshold(&self) -> f64 {
        match self.backend {
            Backend::Local(_) => 0.4,
            Backend::Remote(_) => 0.5,
        }
    }

    /// One unit-length vector per text, in order.
    pub async fn embed(
        &self,
        client: &crate::platform::outbound::Outbound,
        texts: &[String],
        purpose: Purpose,
    ) -> Result<Vec<Vec<f32>>> {
        let vectors = match &self.backend {
            Backend::Local(model) => {
                // Batches of similar lengths waste little on padding.
                let mut order: Vec<usize> = (0..texts.len()).collect();
                order.sort_by_key(|&i| texts[i].len());
                let mut vectors = vec![Vec::new(); texts.len()];
                for batch in order.chunks(LOCAL_BATCH) {
                    let model = model.clone();
                    let batch_texts: Vec<String> =
                        batch.iter().map(|&i| texts[i].clone()).collect();
                    let embedded = tokio::task::spawn_blocking(move || model.embed(&batch_texts))
                        .await
                        .map_err(|e| Error::Internal(format!("embedding task: {e}").into()))?
                        .map_err(|e| Error::Internal(e.into()))?;
                    for (&i, vector) in batch.iter().zip(embedded) {
                        vectors[i] = vector;
                    }
                }
                vectors
            }
            Backend::Remote(remote) => remote.embed(client, texts, purpose).await?,
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[tokio::test]
    async fn the_local_model_places_paraphrases_closer_than_unrelated_text() {
        let settings = EmbeddingSettings {
            model_dir: test_model_dir(),
            ..EmbeddingSettings::default()
        };
        let embedder = Embedder::connect(&settings, &Default::default(), &Default::default())
            .expect("scripts/test unpacks the model");
        assert_eq!(embedder.model(), "local/all-MiniLM-L6-v2");
        let client = crate::platform::outbound::Outbound::new(
            crate::platform::outbound::AllowedHosts::everything(),
        )
        .expect("client");
        let texts = [
            "How long do I have to return an item?",
            "Items can be returned within 30 days of purchase.",
            "Our office dog is called Biscuit.",
        ]
        .map(str::to_owned);
        let vectors = embedder
            .embed(&client, &texts, Purpose::Document)
            .await
            .expect("embeds");
        assert!(vectors.iter().all(|v| v.len() == 384));
        let norm = cosine(&vectors[0], &vectors[0]);
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
        let related = cosine(&vectors[0], &vectors[1]);
        let unrelated = cosine(&vectors[0], &vectors[2]);
        assert!(related > 0.5 && unrelated < 0.2, "{related} vs {unrelated}");
        // A batch gives each text the same vector as embedding it alone (padding is masked).
        let alone = embedder
            .embed(&client, &texts[2..], Purpose::Document)
            .await
            .expect("embeds");
        assert!(cosine(&alone[0], &vectors[2]) > 0.9999);
    }
}
