//! `X-RateLimit-*` headers on answers that passed a rate limit.
//!
//! Limits are decided where the caller is known (in the credential extractors); this layer
//! gives them a slot to leave the decision in, and copies it onto the answer.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use domain::RateDecision;

use super::error::rate_limit_headers;

/// Where an extractor leaves the rate-limit decision of the current request.
#[derive(Clone, Default)]
pub struct RateLimitSlot(Arc<Mutex<Option<RateDecision>>>);

impl RateLimitSlot {
    pub fn record(&self, decision: RateDecision) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(decision);
        }
    }

    fn take(&self) -> Option<RateDecision> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

pub async fn rate_limit_headers_layer(mut request: Request, next: Next) -> Response {
    let slot = RateLimitSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(decision) = slot.take()
        && !response.headers().contains_key("x-ratelimit-limit")
    {
        rate_limit_headers(response.headers_mut(), &decision);
    }
    response
}
