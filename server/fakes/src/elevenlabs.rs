//! A fake ElevenLabs API: signed conversation URLs for known agents, its real error shapes, and
//! injectable overloads to exercise retries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

#[derive(Debug, Default)]
struct Inner {
    requests: usize,
    /// Overloaded answers (503) still to give.
    overloaded: usize,
}

#[derive(Clone, Debug)]
pub struct FakeElevenLabs {
    api_key: String,
    agents: Vec<String>,
    inner: Arc<Mutex<Inner>>,
}

impl FakeElevenLabs {
    pub fn new(api_key: &str, agents: &[&str]) -> FakeElevenLabs {
        FakeElevenLabs {
            api_key: api_key.to_owned(),
            agents: agents.iter().map(|a| (*a).to_owned()).collect(),
            inner: Arc::default(),
        }
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/convai/conversation/get-signed-url", get(signed_url))
            .with_state(self.clone())
    }

    /// The next `count` requests answer 503, as an overloaded ElevenLabs does.
    pub fn overload(&self, count: usize) {
        self.lock().overloaded = count;
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "detail": { "status": code, "message": message } })),
    )
        .into_response()
}

async fn signed_url(
    State(fake): State<FakeElevenLabs>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    {
        let mut inner = fake.lock();
        inner.requests += 1;
        if inner.overloaded > 0 {
            inner.overloaded -= 1;
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "system_busy",
                "The system is experiencing heavy traffic, please try again",
            );
        }
    }
    let key = headers.get("xi-api-key").and_then(|v| v.to_str().ok());
    if key != Some(fake.api_key.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Invalid API key",
        );
    }
    let Some(agent) = query.get("agent_id").filter(|a| fake.agents.contains(a)) else {
        return error(
            StatusCode::NOT_FOUND,
            "agent_not_found",
            "The agent with the given id was not found",
        );
    };
    let signature = uuid::Uuid::new_v4().simple().to_string();
    axum::Json(json!({
        "signed_url": format!(
            "wss://api.elevenlabs.io/v1/convai/conversation?agent_id={agent}&conversation_signature={signature}"
        )
    }))
    .into_response()
}
