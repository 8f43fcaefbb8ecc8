//! Chat completions from an OpenAI-compatible server (`POST {OPENAI_BASE_URL}/chat/completions`):
//! OpenAI, Ollama, vLLM, llama.cpp's server…

use std::time::Duration;

use domain::platform::integrations::{OPENAI_DEFAULT_BASE_URL, OpenAiSettings};
use domain::ports::{ChatModels, ChatTurn, OutboundRequest, OutboundTarget};
use domain::{Error, Result};
use serde_json::{Value, json};

use crate::http::Http;

const TIMEOUT: Duration = Duration::from_secs(30);
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// Low: answers should stay close to the articles they cite.
const TEMPERATURE: f64 = 0.2;
const MAX_TOKENS: u32 = 600;

#[derive(Debug)]
pub struct OpenAiChat {
    settings: OpenAiSettings,
    client: Http,
}

impl OpenAiChat {
    pub fn new(settings: OpenAiSettings, client: Http) -> OpenAiChat {
        OpenAiChat { settings, client }
    }
}

#[async_trait::async_trait]
impl ChatModels for OpenAiChat {
    async fn complete(&self, model: &str, turns: &[ChatTurn]) -> Result<String> {
        let base = match (&self.settings.base_url, &self.settings.api_key) {
            (Some(base), _) => base.as_str(),
            (None, Some(_)) => OPENAI_DEFAULT_BASE_URL,
            (None, None) => {
                return Err(Error::Unavailable(
                    "No chat model is configured on this server: set OPENAI_BASE_URL or \
                     OPENAI_API_KEY"
                        .to_owned(),
                ));
            }
        };
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(key) = &self.settings.api_key {
            headers.push((
                "Authorization".to_owned(),
                format!("Bearer {}", key.expose()),
            ));
        }
        let messages: Vec<Value> = turns
            .iter()
            .map(|t| json!({"role": t.role, "content": t.content}))
            .collect();
        let body = json!({
            "model": model,
            "messages": messages,
            "temperature": TEMPERATURE,
            "max_tokens": MAX_TOKENS,
        });
        let answer = self
            .client
            .send(OutboundRequest {
                target: OutboundTarget::Llm,
                method: "POST".to_owned(),
                url: format!("{}/chat/completions", base.trim_end_matches('/')),
                headers,
                body: Some(body.to_string().into_bytes()),
                timeout: TIMEOUT,
                max_response_bytes: MAX_ANSWER_BYTES,
            })
            .await
            .map_err(|err| Error::Upstream(format!("The chat model failed: {err}")))?;
        if !(200..300).contains(&answer.status) {
            tracing::warn!(status = answer.status, "the chat model refused");
            return Err(Error::Upstream(format!(
                "The chat model answered HTTP {}",
                answer.status
            )));
        }
        serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| {
                v.pointer("/choices/0/message/content")
                    .and_then(Value::as_str)
                    .map(|text| text.trim().to_owned())
            })
            .filter(|text| !text.is_empty())
            .ok_or_else(|| Error::Upstream("The chat model answered nothing".to_owned()))
    }
}
