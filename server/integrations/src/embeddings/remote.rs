//! Embedding providers reached over HTTP: Gemini's `batchEmbedContents` and OpenAI's
//! `/embeddings` (which Ollama and text-embeddings-inference also speak).

use std::time::Duration;

use domain::platform::integrations::{
    DEFAULT_GEMINI_DIMENSIONS, DEFAULT_GEMINI_MODEL, DEFAULT_OPENAI_MODEL, EmbeddingSettings,
    GeminiSettings, OPENAI_DEFAULT_BASE_URL, OpenAiSettings, Secret,
};
use domain::ports::{Embeddings, OutboundRequest, OutboundTarget, Purpose};
use domain::{Error, GEMINI_DEFAULT_BASE_URL, Result};
use serde::Deserialize;
use serde_json::json;

use crate::http::Http;

const TIMEOUT: Duration = Duration::from_secs(30);
/// A batch of 100 texts at 3,072 floats each stays well under this.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Gemini's limit per `batchEmbedContents` call.
const GEMINI_BATCH: usize = 100;
const OPENAI_BATCH: usize = 256;

#[derive(Clone, Debug)]
pub struct Remote {
    client: Http,
    /// `provider/model`, recorded with every vector.
    label: String,
    api: Api,
    base_url: String,
    key: Option<Secret>,
    /// The provider's own name for the model.
    api_model: String,
    dimensions: Option<usize>,
}

#[derive(Clone, Copy, Debug)]
enum Api {
    Gemini,
    OpenAi,
}

impl Remote {
    pub fn gemini(
        settings: &EmbeddingSettings,
        gemini: &GeminiSettings,
        client: Http,
    ) -> Result<Remote> {
        let Some(key) = gemini.api_key.clone() else {
            return Err(Error::Unavailable(
                "Gemini embeddings need GEMINI_API_KEY (or set EMBEDDING_PROVIDER=local)"
                    .to_owned(),
            ));
        };
        let model = settings
            .model
            .clone()
            .unwrap_or_else(|| DEFAULT_GEMINI_MODEL.to_owned());
        let model = model.trim_start_matches("models/").to_owned();
        Ok(Remote {
            client,
            label: format!("gemini/{model}"),
            api: Api::Gemini,
            base_url: gemini
                .base_url
                .clone()
                .unwrap_or_else(|| GEMINI_DEFAULT_BASE_URL.to_owned()),
            key: Some(key),
            api_model: model,
            dimensions: Some(settings.dimensions.unwrap_or(DEFAULT_GEMINI_DIMENSIONS)),
        })
    }

    /// A key is optional: local OpenAI-compatible servers often need none.
    pub fn openai(
        settings: &EmbeddingSettings,
        openai: &OpenAiSettings,
        client: Http,
    ) -> Result<Remote> {
        if openai.api_key.is_none() && openai.base_url.is_none() {
            return Err(Error::Unavailable(
                "OpenAI-compatible embeddings need OPENAI_BASE_URL or OPENAI_API_KEY \
                 (or set EMBEDDING_PROVIDER=local)"
                    .to_owned(),
            ));
        }
        let model = settings
            .model
            .clone()
            .unwrap_or_else(|| DEFAULT_OPENAI_MODEL.to_owned());
        Ok(Remote {
            client,
            label: format!("openai/{model}"),
            api: Api::OpenAi,
            base_url: openai
                .base_url
                .clone()
                .unwrap_or_else(|| OPENAI_DEFAULT_BASE_URL.to_owned()),
            key: openai.api_key.clone(),
            api_model: model,
            dimensions: settings.dimensions,
        })
    }
}

#[async_trait::async_trait]
impl Embeddings for Remote {
    fn model(&self) -> &str {
        &self.label
    }

    fn default_threshold(&self) -> f64 {
        // Seed 000's threshold, meant for Gemini's embeddings.
        0.5
    }

    async fn embed(&self, texts: &[String], purpose: Purpose) -> Result<Vec<Vec<f32>>> {
        let batch = match self.api {
            Api::Gemini => GEMINI_BATCH,
            Api::OpenAi => OPENAI_BATCH,
        };
        let mut vectors = Vec::with_capacity(texts.len());
        for texts in texts.chunks(batch) {
            vectors.extend(match self.api {
                Api::Gemini => self.gemini_batch(texts, purpose).await?,
                Api::OpenAi => self.openai_batch(texts).await?,
            });
        }
        Ok(vectors)
    }
}

impl Remote {
    async fn gemini_batch(&self, texts: &[String], purpose: Purpose) -> Result<Vec<Vec<f32>>> {
        let task = match purpose {
            Purpose::Document => "RETRIEVAL_DOCUMENT",
            Purpose::Query => "RETRIEVAL_QUERY",
        };
        let model = format!("models/{}", self.api_model);
        let requests: Vec<_> = texts
            .iter()
            .map(|text| {
                json!({
                    "model": model,
                    "content": {"parts": [{"text": text}]},
                    "taskType": task,
                    "outputDimensionality": self.dimensions,
                })
            })
            .collect();
        #[derive(Deserialize)]
        struct Answer {
            embeddings: Vec<Values>,
        }
        #[derive(Deserialize)]
        struct Values {
            values: Vec<f32>,
        }
        let answer: Answer = self
            .post(
                format!("{}/v1beta/{model}:batchEmbedContents", self.base()),
                json!({ "requests": requests }),
            )
            .await?;
        Ok(answer.embeddings.into_iter().map(|e| e.values).collect())
    }

    async fn openai_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        let mut body = json!({"model": self.api_model, "input": texts, "encoding_format": "float"});
        if let Some(dimensions) = self.dimensions {
            body["dimensions"] = json!(dimensions);
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Vec<Item>,
        }
        #[derive(Deserialize)]
        struct Item {
            index: usize,
            embedding: Vec<f32>,
        }
        let mut answer: Answer = self
            .post(format!("{}/embeddings", self.base()), body)
            .await?;
        answer.data.sort_by_key(|item| item.index);
        Ok(answer.data.into_iter().map(|item| item.embedding).collect())
    }

    fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        url: String,
        body: serde_json::Value,
    ) -> Result<T> {
        let provider = match self.api {
            Api::Gemini => "Gemini",
            Api::OpenAi => "The OpenAI-compatible server",
        };
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        match (self.api, &self.key) {
            (Api::Gemini, Some(key)) => {
                headers.push(("x-goog-api-key".to_owned(), key.expose().to_owned()));
            }
            (Api::OpenAi, Some(key)) => {
                headers.push((
                    "Authorization".to_owned(),
                    format!("Bearer {}", key.expose()),
                ));
            }
            (_, None) => {}
        }
        let answer = self
            .client
            .send(OutboundRequest {
                target: OutboundTarget::Embeddings,
                method: "POST".to_owned(),
                url,
                headers,
                body: Some(body.to_string().into_bytes()),
                timeout: TIMEOUT,
                max_response_bytes: MAX_ANSWER_BYTES,
            })
            .await
            .map_err(|err| Error::Upstream(format!("Embedding failed: {err}")))?;
        if !(200..300).contains(&answer.status) {
            tracing::warn!(status = answer.status, "the embedding provider refused");
            return Err(Error::Upstream(format!(
                "Embedding failed: {provider} answered HTTP {}",
                answer.status
            )));
        }
        serde_json::from_slice(&answer.body).map_err(|err| {
            Error::Upstream(format!(
                "Embedding failed: {provider} answered in an unexpected shape ({err})"
            ))
        })
    }
}
